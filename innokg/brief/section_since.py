"""What changed since an earlier build (``innokg brief NEW --since OLD``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from innokg.brief.model import BriefTable, Section
from innokg.brief.scope import Scope
from innokg.brief.words import num, plain_english
from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.diff import since_section

__all__ = ["since_brief_section"]


#: Table titles by the keys of :func:`innokg.queries.diff.since_section`.
_TITLES = {
    "indicators": ("指标变化", "Indicators then and now"),
    "platforms": ("新增平台", "New platforms"),
    "demonstrations": ("新认定的示范", "New demonstrations"),
    "lost_suppliers": ("中断的供货关系", "Supply links lost"),
    "single_sourced": ("单一来源投入的变化", "Single-sourced inputs, new and resolved"),
    "clusters": ("集群的分合", "Clusters split, merged, new or dissolved"),
    "alliances": ("新增联盟", "New alliances"),
}


def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return num(value, 1 if isinstance(value, float) and abs(value) < 10 else 0)
    return str(value)


#: The year columns of the since tables (zh and en headings): written as years, 2019,
#: where every other number gets thousands separators.
_YEAR_COLUMNS = frozenset({"认定年份", "recognised"})


def _years_as_text(df: pd.DataFrame) -> pd.DataFrame:
    """The year columns as text (2019, not 2,019)."""
    out = df.copy()
    for c in df.columns:
        if c in _YEAR_COLUMNS:
            out[c] = [str(int(x)) if pd.notna(x) else None for x in df[c]]
    return out


def since_brief_section(s: Scope, old: EcosystemGraph) -> Section:
    """The changes from ``old`` to the brief's graph: findings first, then short tables."""
    part = since_section(old, s.G, lang=s.lang, limit=s.top * 2)
    zh = s.lang == "zh"

    def say(text: Any) -> str:  # names in the brief's language, policy terms in English
        out = s.names.within(_cell(text))
        return out if zh else plain_english(out)

    section = Section("since", part.title, [say(f) for f in part.findings])
    for key, df in part.tables.items():
        if df.empty:
            continue
        zh_title, en_title = _TITLES.get(key, (key, key.replace("_", " ")))
        section.tables.append(
            BriefTable(
                f"since_{key}",
                zh_title if zh else en_title,
                _years_as_text(df).map(say),
                numeric=tuple(c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])),
            )
        )
    return section
