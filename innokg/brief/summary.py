"""Page 1: the executive summary.  Where the province (or the chosen city) stands
against each target of the policy, the trend since 2016, and the recommendations."""

from __future__ import annotations

from innokg.brief.model import Section
from innokg.brief.recommend import recommendations
from innokg.brief.scope import Scope
from innokg.brief.targets import TargetStatus, targets_chart, targets_table
from innokg.brief.words import txt

__all__ = ["summary_section"]


def summary_section(s: Scope, statuses: list[TargetStatus]) -> Section:
    section = Section("summary", txt("summary", s.lang), page_break=True)
    if statuses:
        section.tables.append(targets_table(s, statuses))
        chart = targets_chart(s, statuses)
        if chart is not None:
            section.charts.append(chart)
    section.recommendations = recommendations(s, statuses)
    if not section.recommendations:
        section.paragraphs.append(txt("no_recommendations", s.lang))
    return section
