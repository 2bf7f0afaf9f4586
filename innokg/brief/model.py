"""What a brief says, independent of its format: sections of paragraphs, charts, tables
and recommendations."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from innokg.brief.words import Lang

__all__ = ["Brief", "BriefTable", "Chart", "Recommendation", "Section"]


@dataclass
class BriefTable:
    """One table of the brief, ready to show: text cells, headers in the brief's language.

    ``numeric`` names the columns to align right, ``nowrap`` short columns kept on one
    line; ``highlight`` the rows to stress (the chosen city); ``total`` how many rows
    the full result had.
    """

    key: str
    title: str
    df: pd.DataFrame
    numeric: tuple[str, ...] = ()
    highlight: tuple[int, ...] = ()
    total: int | None = None
    nowrap: tuple[str, ...] = ()
    #: shown instead of an empty table: why there is nothing (data the graph lacks)
    note: str | None = None
    #: an anchor per row (the policy articles, which recommendations link to)
    row_ids: tuple[str, ...] = ()


class Chart(str):
    """A chart as inline SVG markup (the string itself), with a key and the sentence that
    says what it shows (for formats that carry it as an image)."""

    key: str
    caption: str

    def __new__(cls, svg: str, key: str = "", caption: str = "") -> Chart:
        chart = super().__new__(cls, svg)
        chart.key = key
        chart.caption = caption
        return chart

    @property
    def svg(self) -> str:
        return str(self)


@dataclass
class Recommendation:
    """One thing to do, drawn from the analysis.

    ``action`` says what to do and where, ``because`` why (one sentence with the
    figures), ``evidence`` the facts behind it (short lines: the pairs to broker, the
    inputs to secure...), ``article`` the policy article it serves and
    ``article_title`` that article's title.
    """

    key: str
    action: str
    because: str
    evidence: list[str]
    article: int
    article_title: str


@dataclass
class Section:
    """A titled part of the brief: paragraphs, charts, tables, recommendations.

    ``page_break`` starts a new page after the section in print; ``appendix`` marks
    the sections after the body (glossary, articles, method).
    """

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[BriefTable] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    page_break: bool = False
    appendix: bool = False


@dataclass
class Brief:
    """Everything a brief says, independent of its format.

    The first section is the executive summary (page 1): where the province (or the
    chosen city) stands against each target, and the recommendations.
    """

    lang: Lang
    title: str
    meta: list[tuple[str, str]]
    synthetic: bool
    findings: list[str]
    sections: list[Section]

    @property
    def tables(self) -> list[BriefTable]:
        return [t for s in self.sections for t in s.tables]

    @property
    def recommendations(self) -> list[Recommendation]:
        return [r for s in self.sections for r in s.recommendations]

    def section(self, key: str) -> Section:
        """The section ``key`` (KeyError if the brief has none)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)
