"""Maps from a graph: :func:`indicator_map` draws a city indicator of
:func:`innokg.queries.indicators.policy_indicators`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.errors import InnokgError
from innokg.maps.choropleth import Map, city_map
from innokg.maps.outlines import HENAN_POINTS, _cities, _code_keys, _key, load_outlines
from innokg.maps.words import Lang

__all__ = ["indicator_map"]


def indicator_map(
    G: Any,
    indicator: str,
    *,
    year: int | None = None,
    lang: Lang = "zh",
    palette: str | Sequence[str] = "blues",
    outlines: str | Path | None = None,
    highlight: str | None = None,
) -> Map:
    """A map of one city indicator of :func:`~innokg.queries.indicators.policy_indicators`.

    The title says what the indicator counts and as of which year (default the
    latest year the graph records, as ``innokg indicators``).  Rows the graph cannot
    measure (``measurable`` false or NA) show as no data; cities of the graph that the
    outlines lack (another province's) are left out and named in the notes.

    >>> m = indicator_map(G, "national_tech_centres", lang="en")  # doctest: +SKIP
    >>> m.table.head()  # doctest: +SKIP
    """
    from innokg.queries.indicators import latest_year, policy_indicators

    if lang not in ("zh", "en"):
        raise InnokgError(f"lang must be zh or en (got {lang!r})")
    as_of = year if year is not None else latest_year(G)
    ind = policy_indicators(G, by="city", year=as_of, indicators=[indicator])
    ind = ind[ind["indicator"] == indicator]
    if ind.empty:
        raise InnokgError(f"the graph has no city rows for indicator {indicator!r}")
    ok = (
        ind["measurable"].fillna(False).astype(bool)
        if "measurable" in ind.columns
        else pd.Series(True, index=ind.index)
    )
    values = pd.Series(
        pd.to_numeric(ind["value"], errors="coerce").where(ok).to_numpy(dtype=float),
        index=ind["group"].astype(str).to_numpy(),
    )
    first = ind.iloc[0]
    what = first["indicator_zh"] if lang == "zh" else first["indicator_en"]
    if what is None or pd.isna(what) or not str(what):
        what = first["indicator_zh"] or indicator
    when = (
        (f"{as_of} 年" if lang == "zh" else str(as_of))
        if as_of is not None
        else ("图中全部记录" if lang == "zh" else "everything in the graph")
    )
    if lang == "zh":
        title = f"各市{what}，{when}" if str(what).endswith("）") else f"各市{what}（{when}）"
    else:
        title = f"{str(what)[:1].upper()}{str(what)[1:]} by city ({when})"
    unit = "share" if str(first["unit"]) == "share" else ""
    names: dict[str, str] = {}
    regions = G.nodes.get("Region")
    if regions is not None and len(regions):
        col = "name_en" if lang == "en" else "name"
        if col in regions.columns:
            for rid, nm in regions[["id", col]].itertuples(index=False):
                if nm is not None and not pd.isna(nm) and str(nm):
                    names[str(rid)] = str(nm)
    # keep the cities the outlines can place; name the others
    known: set[str] = set()
    for c in _cities(load_outlines(outlines)):
        known |= _code_keys(c.code)
    for code in HENAN_POINTS if outlines is None else {}:
        known |= _code_keys(code)
    keep = [_key(k) in known for k in values.index]
    missing = [str(n) for n, k in zip(ind["group_name"], keep, strict=True) if not k]
    extra = []
    if not bool(np.all(ok)):
        reasons = ind.loc[~np.asarray(ok, dtype=bool), "note"].dropna().astype(str).unique()
        extra += [f"{'无法计算' if lang == 'zh' else 'Not measurable'}: {n}" for n in reasons[:3]]
    if missing:
        extra.append(
            ("底图外的城市：" if lang == "zh" else "Cities outside the base map: ")
            + ("、" if lang == "zh" else ", ").join(missing)
        )
    return city_map(
        values[keep],
        title=title,
        unit=unit,
        lang=lang,
        palette=palette,
        outlines=outlines,
        names=names,
        highlight=highlight,
        notes=extra,
    )
