"""The headline indicators against the policy's targets, and the other indicators the
policy sets no target for."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from innokg.brief.charts import Bar, svg_bars
from innokg.brief.model import BriefTable, Chart, Section
from innokg.brief.scope import Scope, lacks, missing_line
from innokg.brief.targets import short_name
from innokg.brief.words import (
    col,
    fmt_deadline,
    fmt_gap,
    fmt_target,
    fmt_value,
    num,
    pick,
    status,
    txt,
)
from innokg.queries.indicators import policy_indicators

__all__ = ["headline_sections"]


def _indicator_name(row: Any, s: Scope) -> str:
    return pick(row, "indicator_zh", "indicator_en", s.lang)


def headline_sections(s: Scope, findings: list[str]) -> tuple[Section, Section]:
    """The headline section (targets) and the context section (no target)."""
    lang = s.lang
    if s.city_id is None:
        ind = policy_indicators(s.G, by="province", year=s.year)
    else:
        ind = s.city_indicators()
        ind = ind[ind["group"] == s.city_id].reset_index(drop=True)
    pm = s.measures()
    units = pm.drop_duplicates("indicator").set_index("indicator")["target_unit"]
    lack = [lacks(s.G, r._asdict(), lang) for r in ind.itertuples(index=False)]
    with_target = set(pm.loc[pm["target"].notna(), "indicator"].astype(str))
    ind = ind.assign(
        lacks_=lack,
        has_target_=ind["target"].notna() | ind["indicator"].astype(str).isin(with_target),
    )
    unmeasured = [
        (short_name(str(r.indicator), r._asdict(), lang), str(r.lacks_))
        for r in ind[ind["lacks_"].notna() & ind["has_target_"]].itertuples(index=False)
    ]
    targeted = ind[ind["target"].notna() & ind["lacks_"].isna()].reset_index(drop=True)
    rows, bars = [], []
    for r in targeted.itertuples(index=False):
        target_unit = str(units.get(r.indicator, "") or "")
        rows.append(
            {
                col("article", lang): str(r.article) if not pd.isna(r.article) else "—",
                col("indicator", lang): _indicator_name(r._asdict(), s),
                col("value", lang): fmt_value(r.value, r.unit),
                col("target", lang): fmt_target(
                    r.target, r.unit, r.target_basis, target_unit, lang
                ),
                col("deadline", lang): fmt_deadline(r.deadline, lang),
                col("gap", lang): fmt_gap(r.gap, r.unit, lang),
                col("status", lang): status(r.met, lang),
            }
        )
        ratio = float(r.value) / float(r.target) if r.target else float("nan")
        bars.append(
            Bar(
                label=short_name(r.indicator, r._asdict(), lang),
                value=min(ratio, 1.5) if not math.isnan(ratio) else float("nan"),
                text=f"{ratio * 100:.0f}%" if not math.isnan(ratio) else "—",
                met=None if pd.isna(r.met) else bool(r.met),
            )
        )
    head = Section("headline", txt("headline", lang), [txt("headline_intro", lang)])
    if unmeasured:
        head.paragraphs.append(missing_line(unmeasured, lang))
    if bars:
        title = txt("chart_progress", lang)
        head.charts.append(
            Chart(svg_bars(bars, title=title, reference=(1.0, "100%")), "progress", title)
        )
    if rows or not unmeasured:
        head.tables.append(
            BriefTable(
                "headline",
                txt("headline", lang),
                pd.DataFrame(rows),
                numeric=(col("value", lang), col("gap", lang)),
                nowrap=tuple(col(k, lang) for k in ("article", "target", "deadline", "status")),
            )
        )
    _findings(targeted, s, findings)
    if unmeasured and not rows:
        findings.append(
            "政策目标均无法在本图上核算，原因见“核心指标与政策目标”。"
            if lang == "zh"
            else "None of the policy's targets can be checked on this graph; the headline "
            "section says which data are missing."
        )
    context_missing = [
        (_indicator_name(r._asdict(), s), str(r.lacks_))
        for r in ind[~ind["has_target_"] & ind["lacks_"].notna()].itertuples(index=False)
    ]
    ind = ind[ind["lacks_"].isna()]
    context_rows = [
        {
            col("article", lang): str(r.article) if not pd.isna(r.article) else "—",
            col("indicator", lang): _indicator_name(r._asdict(), s),
            col("value", lang): fmt_value(r.value, r.unit),
        }
        for r in ind[ind["target"].isna()].itertuples(index=False)
    ]
    context = Section("context", txt("context", lang))
    if context_missing:
        context.paragraphs.append(missing_line(context_missing, lang))
    if context_rows or not context_missing:
        context.tables.append(
            BriefTable(
                "other_indicators",
                txt("context", lang),
                pd.DataFrame(context_rows),
                numeric=(col("value", lang),),
            )
        )
    return head, context


def _findings(targeted: pd.DataFrame, s: Scope, findings: list[str]) -> None:
    lang = s.lang
    by_key = {r.indicator: r for r in targeted.itertuples(index=False)}
    cov = by_key.get("platform_coverage")
    if cov is not None and not pd.isna(cov.value):
        if lang == "zh":
            state = "已达到" if cov.met else f"低于目标，差 {cov.gap * 100:.1f} 个百分点"
            findings.append(
                f"大中型工业企业“双创”平台普及率为 {cov.value * 100:.1f}%"
                f"（目标 {cov.target * 100:.0f}%），{state}。"
            )
        else:
            state = "meets it" if cov.met else f"{cov.gap * 100:.1f} points short"
            findings.append(
                f"{cov.value * 100:.1f}% of large and medium industrial firms have a "
                f"mass-innovation platform against a target of {cov.target * 100:.0f}%: {state}."
            )
    counts = [
        by_key[k]
        for k in ("demonstration_platforms", "demonstration_teams", "entrepreneurs")
        if k in by_key
    ]
    if counts:
        if lang == "zh":
            parts = "、".join(
                f"{r.indicator_zh} {num(r.value)}（目标 {num(r.target)}）" for r in counts
            )
            findings.append(f"数量目标：{parts}。")
        else:
            parts = "; ".join(
                f"{pick(r._asdict(), 'indicator_zh', 'indicator_en', lang)}: "
                f"{num(r.value)} of {num(r.target)}"
                for r in counts
            )
            findings.append(f"Count targets: {parts}.")
