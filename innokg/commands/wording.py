"""The sentences of the question commands in the chosen language: table titles, and
the line that says why an answer is empty or why an option changes nothing."""

from __future__ import annotations

from innokg.graph.ecosystem import EcosystemGraph

__all__ = ["NO_GROUPS", "dated", "indicators_title", "no_cases"]

#: Why an indicator table by city or industry can have no row at all, in each language.
NO_GROUPS = {
    "en": {
        "city": "the graph has no city (a Region of level city) to group by; try --by province",
        "industry": "no enterprise of the graph has an industry (IN_INDUSTRY) to group by; "
        "try --by province",
    },
    "zh": {
        "city": "图中没有可分组的城市（级别为 city 的 Region）；可改用 --by province",
        "industry": "图中没有企业有所属行业（IN_INDUSTRY）可分组；可改用 --by province",
    },
}


def dated(G: EcosystemGraph) -> bool:
    """Whether any firm or supply link of ``G`` has a date (``since`` or ``until``), so
    that a --year can change what the clusters are built from."""
    tables = [G.nodes["Enterprise"]] + [
        G.edges[t] for t in ("SUPPLIES", "PRODUCES", "UPSTREAM_OF") if t in G.edges
    ]
    return any(
        col in table.columns and table[col].notna().any()
        for table in tables
        for col in ("since", "until")
    )


def indicators_title(
    G: EcosystemGraph,
    by: str,
    as_of: int | None,
    latest: bool,
    city: str | None,
    industry: str | None,
    lang: str,
) -> str:
    """The indicator table's title in ``lang``: what one row is, which city or industry
    it is limited to (a table of one city reads like the province's otherwise) and the
    year."""
    from innokg.queries.arrays import arrays, resolve_city

    place = str(arrays(G).names[resolve_city(G, city)]) if city else ""
    if lang == "zh":
        only = "、".join(x for x in (place, f"行业 {industry}" if industry else "") if x)
        rows = {"province": "全省", "city": "按市", "industry": "按行业", "year": "逐年"}[by]
        if only and by in ("province", "city"):
            rows = only
        elif only:
            rows += f"，限{only}"
        if by == "year":
            when = f"至 {as_of} 年" if as_of is not None else "不限年份（图中没有年份）"
        elif as_of is None:
            when = "不限年份（图中没有年份）"
        else:
            when = f"截至 {as_of} 年" + ("（图中最新年份）" if latest else "")
        return f"政策指标（{rows}），{when}"
    only = " and ".join(
        x
        for x in (f"city {place}" if place else "", f"industry {industry}" if industry else "")
        if x
    )
    head = (
        f"Policy indicators for {only}"
        if only and by in ("province", "city")
        else (f"Policy indicators by {by}" + (f" in {only}" if only else ""))
    )
    if by == "year":
        when = f"to {as_of}" if as_of is not None else "all years (the graph records none)"
    elif as_of is None:
        when = "all years (the graph records none)"
    else:
        when = f"as of {as_of}" + (" (the latest year in the graph)" if latest else "")
    return f"{head}, {when}"


def no_cases(year: int, filtered: bool, lang: str) -> str:
    """Why a year has no typical case, in ``lang``."""
    if lang == "zh":
        return (
            f"{year} 年没有典型案例：典型案例是生态得分大于 0、且此前各年未入选的"
            f"大中型工业企业，{'所选范围内' if filtered else '图中'}没有这样的企业"
        )
    return (
        f"no typical cases for {year}: the cases are large and medium industrial firms "
        "with an ecosystem score above 0 not chosen in an earlier year, and "
        + ("this selection has" if filtered else "the graph has")
        + " none"
    )
