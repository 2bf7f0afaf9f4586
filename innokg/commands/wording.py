"""The sentences of the question commands in the chosen language: table titles, and
the line that says why an answer is empty or why an option changes nothing."""

from __future__ import annotations

from typing import Any

from innokg.graph.ecosystem import EcosystemGraph

__all__ = ["NO_GROUPS", "dated", "indicators_title", "no_cases", "no_partners"]

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


def no_partners(
    G: EcosystemGraph,
    node_id: str | None,
    kinds: tuple[str, ...],
    filters: tuple[Any, ...],
    lang: str,
) -> str:
    """Why the partner table is empty, in ``lang``."""
    from innokg.queries.arrays import arrays

    A = arrays(G)
    name = str(A.names[A.position(node_id)]) if node_id is not None else ""
    filtered = any(bool(f) for f in filters)
    if lang == "zh":
        of = f"（{'、'.join(kinds)}）" if kinds else ""
        paths = (
            "共同的客户、供应商、合作伙伴、科研机构或联盟，产品链，同一行业；见 docs/partners.md"
        )
        why = (
            f"任何计分路径（{paths}）都没有把{name}与尚未相连的组织连起来"
            if name
            else f"任何计分路径（{paths}）都没有连起两个尚未相连的组织"
        )
        where = "（在所选城市、行业、规模或年份内）" if filtered else ""
        return f"没有{name + '的' if name else ''}候选合作{of}：{why}{where}。"
    of = f" of kind {', '.join(kinds)}" if kinds else ""
    paths = (
        "shared buyers, suppliers, partners, institutes or alliances, product chains, "
        "industries; see docs/partners.md"
    )
    why = (
        f"no path that scores a pair ({paths}) joins {name} to an organisation not yet "
        "linked with it"
        if name
        else f"no path that scores a pair ({paths}) joins two organisations not yet linked"
    )
    where = " within the chosen city, industry, size or year" if filtered else ""
    return f"no candidate partnership{' for ' + name if name else ''}{of}: {why}{where}"


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
