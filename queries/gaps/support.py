"""Clusters, and cities' specialisations, lacking an institute, alliance, fund or platform
(``cluster_support``).

A city's specialisation (an industry with a location quotient above 1) is a gap when
the city's firms of that industry exist in the graph and none has a platform: that is
something a policy office can act on.  When the graph holds *no* firm of the industry
in the city (on the real Henan build most specialisations: the quotients come from
census employment, the firms from listed companies and technology centres), "all of
its 0 firms lack a centre" says nothing about the city, only about the data.  Such
specialisations are gathered into one row per city (label ``SpecialisationNoFirms``,
``missing`` "firms of these industries in the graph", ``severity`` the number of
industries) ranked after every row about firms that exist: the reader sees the real
gaps first, then where the firm list must be completed before the question can be
answered.  One row per city rather than per industry, since the remedy (a fuller
firm list for the city) is one, and 180 rows of the same remedy would bury the rest.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import (
    GraphArrays,
    arrays,
    resolve_industries,
)
from innokg.queries.clusters import (
    cluster_labels,
    province_members,
    supply_clusters,
)
from innokg.queries.gaps.table import (
    CORE_COLUMNS,
    ClusterOptions,
    _any_edge,
    _cluster_count,
    _clusters_note,
    _filtered,
    _note,
    _table,
)
from innokg.queries.sets import distinct

__all__ = ["cluster_support_gaps", "specialisation_gaps"]

#: Platform kinds in words, for the details of cluster support gaps.
_PLATFORM_ZH = {
    "enterprise_tech_center": "企业技术中心",
    "self_built_rnd": "自建研发平台",
    "co_built_rnd": "合建研发平台",
    "third_party": "第三方研发平台",
    "maker_space": "众创空间",
    "incubator": "孵化器",
    "public_tech_service": "公共技术服务平台",
    "shuangchuang_base": "双创基地",
}


#: Support a cluster can lack: column of supply_clusters -> (English, Chinese, why,
#: the edges that show it (type, source label, target label), what the data lacks).
_SUPPORT = {
    "institutes": (
        "research institute",
        "科研机构",
        "no member works with an institute",
        (("COLLABORATES_WITH", "Enterprise", "ResearchInstitute"),),
        ("firm-institute collaboration records", "企业与高校院所的合作记录"),
    ),
    "alliances": (
        "alliance",
        "产业或创新联盟",
        "no member belongs to an alliance",
        (("MEMBER_OF", "Enterprise", "Alliance"),),
        ("alliances and their members", "产业联盟及其成员"),
    ),
    "funds": (
        "fund",
        "基金",
        "no fund invests in or was set up by a member",
        (("INVESTS_IN", "Fund", "Enterprise"), ("ESTABLISHED", "Enterprise", "Fund")),
        ("funds and their investments", "基金及其投资"),
    ),
    "platforms": (
        "platform",
        "双创平台",
        "no member set up or operates a platform",
        (("ESTABLISHED", "Enterprise", "Platform"), ("OPERATES", "Enterprise", "Platform")),
        ("platforms set up or operated by firms", "企业设立或运营的平台"),
    ),
}


def _support_note(A: GraphArrays, col: str) -> pd.DataFrame:
    en, zh, _, _, (lacks, lacks_zh) = _SUPPORT[col]
    label = {"institutes": "ResearchInstitute", "alliances": "Alliance", "funds": "Fund"}.get(
        col, "Platform"
    )
    n = int(A.mask(label).sum())
    present = f"{n} in the data but none linked to a firm" if n else "none in the data"
    present_zh = f"数据中有 {n} 个但均未与企业关联" if n else "数据中没有"
    return _note(
        col,
        lacks,
        lacks_zh,
        f"no {lacks} ({en}: {present}): which clusters lack one cannot be told",
        f"缺少{lacks_zh}（{zh}：{present_zh}），无法判断哪些集群缺少{zh}",
    )


def _platform_kinds(A: GraphArrays, year: int | None) -> tuple[str, str]:
    """The kinds of platform firms have here, in English and Chinese."""
    kinds = A.values("kind", dtype="object", fill="")
    found: set[str] = set()
    for etype in ("ESTABLISHED", "OPERATES"):
        src, dst = A.edges(etype, year=year)
        ok = A.mask("Enterprise")[src] & A.mask("Platform")[dst]
        found |= {str(k) for k in kinds[dst[ok]] if k}
    ordered = sorted(found)
    return ", ".join(ordered), "、".join(_PLATFORM_ZH.get(k, k) for k in ordered)


def _with_platform(A: GraphArrays, year: int | None) -> np.ndarray:
    """Which nodes are firms that set up or operate a platform."""
    with_platform = np.zeros(A.n, dtype=bool)
    for etype in ("ESTABLISHED", "OPERATES"):
        e_src, e_dst = A.edges(etype, year=year)
        ok = A.mask("Enterprise")[e_src] & A.mask("Platform")[e_dst]
        with_platform[e_src[ok]] = True
    return with_platform


def _industrial_in_scope(
    G: EcosystemGraph,
    A: GraphArrays,
    src: np.ndarray,
    dst: np.ndarray,
    city: str | None,
    industry: str | None,
) -> np.ndarray:
    """Which specialisations (``src`` city, ``dst`` industry) count: an industrial class
    (GB/T 4754 sections B, C and D, or another scheme's) of a known city, in scope."""
    scheme = A.values("scheme", dtype="object", fill="")
    code = A.values("code", dtype="object", fill="")
    industrial = np.array(
        [
            not str(sc).startswith("GB/T 4754") or str(c)[:1] in ("B", "C", "D")
            for sc, c in zip(scheme[dst], code[dst], strict=True)
        ],
        dtype=bool,
    )
    cities = A.city()
    keep = industrial & (cities[src] >= 0) & A.mask("Industry")[dst]
    keep &= _filtered(G, A, city, None)[src]
    chosen = resolve_industries(G, industry)
    if chosen is not None:
        keep &= np.isin(dst, chosen)
    return keep


def specialisation_gaps(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
) -> pd.DataFrame:
    """Industries a city specialises in where none of its firms of them has a platform.

    A city specialises in an industry when it has a SPECIALISES_IN edge to it (a
    location quotient above 1).  Only industrial classes count (GB/T 4754 sections B,
    C and D, and industries of other schemes).  The gap: no firm of the industry (or
    a narrower class) located in the city set up or operates a platform (in the real
    Henan graph: a national enterprise technology centre).  Rows of
    :func:`cluster_support_gaps` (label ``Specialisation``); nothing when the graph
    has no specialisations or no platform is linked to any firm.  Specialisations
    the graph holds no firm of are not gaps of the city but of the data: one row per
    city gathers them (label ``SpecialisationNoFirms``, after the others; see the
    module).

    Parameters
    ----------
    G : EcosystemGraph
        The graph (SPECIALISES_IN edges from cities to industries, with a ``quotient``).
    year : int, optional
        As of this year (specialisations, firms and platforms that existed then).
    city, industry : str, optional
        Only this city's / industry's rows, by name or id (an industry includes its
        narrower classes).

    Returns
    -------
    pandas.DataFrame
        The core columns (see the module) with ``entity`` = ``region id|industry id``,
        ``severity`` = the location quotient, then ``quotient`` (float), ``firms``
        (int: firms of the industry in the city in the graph), ``unknown_industry``
        (int: the city's firms with a platform whose industry is unknown, any of which
        may be of this industry) and ``universities`` (int: research institutes in the
        city).  A ``SpecialisationNoFirms`` row has ``entity`` = ``region id|no_firms``,
        ``severity`` = the number of such industries, ``quotient`` = their highest
        location quotient and ``firms`` 0.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "e", "name": "甲"}, {"id": "h", "name": "乙"}],
    ...      "Platform": [{"id": "p", "name": "技术中心"}],
    ...      "Region": [{"id": "region:4101", "name": "郑州市"}],
    ...      "Industry": [{"id": "C36", "name": "汽车制造业"}, {"id": "C38", "name": "电气机械"}]},
    ...     {"SPECIALISES_IN": [("region:4101", "C36", {"quotient": 1.8}),
    ...                         ("region:4101", "C38", {"quotient": 1.2})],
    ...      "IN_INDUSTRY": [("e", "C36"), ("h", "C38")], "OPERATES": [("h", "p")],
    ...      "LOCATED_IN": [("e", "region:4101"), ("h", "region:4101")]},
    ... )
    >>> specialisation_gaps(G)[["entity", "severity", "firms"]].to_dict("records")
    [{'entity': 'region:4101|C36', 'severity': 1.8, 'firms': 1}]
    """
    A = arrays(G)
    src, dst = A.edges("SPECIALISES_IN", year=year)
    empty = {"entity": np.array([], dtype=object)}
    with_platform = _with_platform(A, year)
    if not len(src) or not with_platform.any():
        return _table("cluster_support", empty, _spec_extra(0))
    cities = A.city()
    keep = _industrial_in_scope(G, A, src, dst, city, industry)
    rows = A.edge_rows("SPECIALISES_IN", year=year)[keep]
    src, dst = src[keep], dst[keep]
    quotient = A.edge_values("SPECIALISES_IN", "quotient", year=year)[keep]
    firms = np.flatnonzero(A.mask("Enterprise") & A.alive(year))
    firm_city = cities[firms]
    ii_src, ii_dst = A.edges("IN_INDUSTRY", year=year)
    classes = _narrower(A, year)
    uni = A.mask("ResearchInstitute") & A.alive(year)
    uni_per_city = pd.Series(cities[uni & (cities >= 0)]).value_counts()
    known = np.zeros(A.n, dtype=bool)
    known[ii_src] = True
    unknown_centres = pd.Series(
        firm_city[with_platform[firms] & ~known[firms] & (firm_city >= 0)]
    ).value_counts()
    firm_ind = pd.DataFrame({"f": ii_src, "i": ii_dst})
    firm_ind = firm_ind[A.mask("Enterprise")[firm_ind["f"].to_numpy()]]
    out = []
    for r, c, i, q in zip(rows, src, dst, quotient, strict=True):  # one per specialisation
        inds = classes.get(int(i), {int(i)})
        members = distinct(firm_ind.loc[firm_ind["i"].isin(inds), "f"].to_numpy(np.int64))
        members = members[cities[members] == cities[c]]
        if with_platform[members].any():
            continue
        out.append((r, c, i, q, len(members)))
    if not out:
        return _table("cluster_support", empty, _spec_extra(0))
    r, c, i, q, n = (np.array(x) for x in zip(*out, strict=True))
    c, i = c.astype(np.int64), i.astype(np.int64)
    q = q.astype(float)
    city_pos = cities[c]
    unk = pd.Series(city_pos).map(unknown_centres).fillna(0).to_numpy(np.int64)
    unis = pd.Series(city_pos).map(uni_per_city).fillna(0).to_numpy(np.int64)
    kinds = _platform_kinds(A, year)
    some = n > 0
    real = _spec_rows(A, c[some], i[some], q[some], n[some], unk[some], unis[some], kinds)
    blind = _no_firm_rows(A, city_pos[~some], i[~some], q[~some], unk[~some], unis[~some], kinds)
    return pd.concat([real, blind], ignore_index=True) if len(blind) else real


def _spec_rows(
    A: GraphArrays,
    c: np.ndarray,
    i: np.ndarray,
    q: np.ndarray,
    n: np.ndarray,
    unk: np.ndarray,
    unis: np.ndarray,
    platform_kinds: tuple[str, str],
) -> pd.DataFrame:
    """Rows of specialisations (city ``c``, industry ``i``, quotient ``q``) whose ``n``
    firms in the graph (1 or more) have no platform."""
    kinds, kinds_zh = platform_kinds
    city_pos = A.city()[c]
    city_name = A.names[city_pos].astype(object)
    ind_name = A.names[i].astype(object)
    return _table(
        "cluster_support",
        {
            "entity": [f"{a}|{b}" for a, b in zip(A.ids[c], A.ids[i], strict=True)],
            "name": city_name + " · " + ind_name,
            "label": np.full(len(c), "Specialisation", dtype=object),
            "missing": np.full(len(c), f"platform of a firm of the industry ({kinds})"),
            "missing_zh": np.full(len(c), f"本产业企业的平台（{kinds_zh}）"),
            "severity": q.round(4),
            "city": city_name,
            "detail": [
                f"location quotient {x:.2f}: {int(m)} firm(s) of {ind} in {cn} in the graph, "
                f"none with a platform ({kinds})"
                + (f"; {int(u)} platform-holding firm(s) there of unknown industry" if u else "")
                + f"; {int(v)} universities or institutes in the city"
                for x, m, ind, cn, u, v in zip(q, n, ind_name, city_name, unk, unis, strict=True)
            ],
            "detail_zh": [
                f"区位商 {x:.2f}：图中{cn}该产业企业 {int(m)} 家，均无{kinds_zh}"
                + (f"；另有 {int(u)} 家有平台的企业行业不详" if u else "")
                + f"；本市高校院所 {int(v)} 所"
                for x, m, cn, u, v in zip(q, n, city_name, unk, unis, strict=True)
            ],
        },
        {
            "cluster": pd.array([pd.NA] * len(c), dtype="Int64"),
            "size": pd.array(n.astype(np.int64), dtype="Int64"),
            "quotient": q,
            "firms": n.astype(np.int64),
            "unknown_industry": unk,
            "universities": unis,
        },
    )


#: Industries named in a city's row of specialisations without firms; the rest are counted.
_LISTED = 10


def _no_firm_rows(
    A: GraphArrays,
    city_pos: np.ndarray,
    i: np.ndarray,
    q: np.ndarray,
    unk: np.ndarray,
    unis: np.ndarray,
    platform_kinds: tuple[str, str],
) -> pd.DataFrame:
    """One row per city for its specialisations (industry ``i``, quotient ``q``) with no
    firm of the industry in the graph: a gap in the data, not in the city (see the
    module)."""
    kinds, kinds_zh = platform_kinds
    df = pd.DataFrame({"city": city_pos, "i": i, "q": q, "unk": unk, "unis": unis})
    df = df.sort_values(["city", "q", "i"], ascending=[True, False, True], kind="stable")
    rows = []
    for pos, part in df.groupby("city", sort=True):
        name = str(A.names[int(pos)])
        inds = [str(A.names[int(x)]) for x in part["i"]]
        shown = list(zip(inds, part["q"], strict=True))[:_LISTED]
        more = len(inds) - len(shown)
        listed = "; ".join(f"{d} (LQ {x:.2f})" for d, x in shown) + (
            f"; and {more} more" if more else ""
        )
        listed_zh = "、".join(f"{d}（区位商 {x:.2f}）" for d, x in shown) + (
            f"等 {len(inds)} 个" if more else ""
        )
        rows.append(
            {
                "entity": f"{A.ids[int(pos)]}|no_firms",
                "name": f"{name} · " + "、".join(inds[:3]) + ("…" if len(inds) > 3 else ""),
                "label": "SpecialisationNoFirms",
                "missing": "firms of these industries in the graph (a data gap: add the "
                "city's firm list)",
                "missing_zh": "图中没有这些产业的企业（数据缺口，需补充企业名录）",
                "severity": float(len(inds)),
                "city": name,
                "detail": f"{name} specialises in {len(inds)} industrial class(es) with no "
                f"firm of them in the graph: {listed}; whether their firms have a platform "
                f"({kinds}) cannot be told until the city's firm list is added",
                "detail_zh": f"{name}有 {len(inds)} 个专业化工业行业在图中没有企业：{listed_zh}；"
                f"补充企业名录后才能判断其企业有无{kinds_zh}",
                "quotient": float(part["q"].max()),
                "unknown_industry": int(part["unk"].iloc[0]),
                "universities": int(part["unis"].iloc[0]),
            }
        )
    if not rows:
        return _table("cluster_support", {"entity": np.array([], dtype=object)}, _spec_extra(0))
    got = pd.DataFrame(rows)
    k = len(got)
    return _table(
        "cluster_support",
        {c: got[c].to_numpy(object if c != "severity" else float) for c in CORE_COLUMNS[1:-1]},
        {
            "cluster": pd.array([pd.NA] * k, dtype="Int64"),
            "size": pd.array(np.zeros(k, dtype=np.int64), dtype="Int64"),
            "quotient": got["quotient"].to_numpy(float),
            "firms": np.zeros(k, dtype=np.int64),
            "unknown_industry": got["unknown_industry"].to_numpy(np.int64),
            "universities": got["universities"].to_numpy(np.int64),
        },
    )


def _spec_extra(n: int) -> dict[str, Any]:
    return {
        "cluster": pd.array([pd.NA] * n, dtype="Int64"),
        "size": pd.array([pd.NA] * n, dtype="Int64"),
        "quotient": np.full(n, np.nan),
        "firms": np.zeros(n, dtype=np.int64),
        "unknown_industry": np.zeros(n, dtype=np.int64),
        "universities": np.zeros(n, dtype=np.int64),
    }


def _narrower(A: GraphArrays, year: int | None) -> dict[int, set[int]]:
    """Industry position -> itself and every class under it (SUBCLASS_OF)."""
    key = ("gaps-narrower", year)
    if key not in A.memo:
        src, dst = A.edges("SUBCLASS_OF", year=year)
        children: dict[int, set[int]] = {}
        for a, b in zip(src.tolist(), dst.tolist(), strict=True):
            children.setdefault(b, set()).add(a)
        out: dict[int, set[int]] = {}
        for top in children:
            seen, todo = {top}, [top]
            while todo:
                for ch in children.get(todo.pop(), ()):
                    if ch not in seen:
                        seen.add(ch)
                        todo.append(ch)
            out[top] = seen
        A.memo[key] = out
    return A.memo[key]


def _lacking(
    table: pd.DataFrame,
    affected: pd.Series,
    col: str,
    words: tuple[str, str, str],
    kinds: tuple[str, str],
    scoped: bool,
) -> pd.DataFrame:
    """The clusters of ``table`` without support ``col`` (a key of :data:`_SUPPORT`, in
    ``words``: English, Chinese, why), with the members it leaves without (``affected``:
    all members, or on a scoped graph the province's)."""
    en, zh, why = words
    kinds_en, kinds_zh = kinds
    have = int((table[col] > 0).sum())
    part = table[table[col] == 0]
    n = affected[table[col] == 0]
    what = f" ({kinds_en})" if col == "platforms" and kinds_en else ""
    what_zh = f"（{kinds_zh}）" if col == "platforms" and kinds_zh else ""
    whose = " in the province" if scoped else ""
    whose_zh = "省内" if scoped else ""
    return pd.DataFrame(
        {
            "entity": "cluster:" + part["cluster"].astype(str),
            "name": part["label"].astype(str),
            "label": "Cluster",
            "missing": en,
            "missing_zh": zh,
            "severity": n.astype(float),
            "city": part["main_city"].astype(str),
            "detail": f"{why}{what}; "
            + n.astype(str)
            + f" firms{whose}"
            + (" of " + part["size"].astype(str) if scoped else "")
            + f"; {have} of {len(table)} clusters have one; leader "
            + part["leader_name"].astype(str).replace("", "none identified"),
            "detail_zh": "集群内 "
            + n.astype(str)
            + f" 家{whose_zh}企业均无{zh}{what_zh}支撑"
            + f"（{have}/{len(table)} 个集群有）；链主 "
            + part["leader_name"].astype(str).replace("", "未识别"),
            "cluster": part["cluster"],
            "size": part["size"],
        }
    )


def cluster_support_gaps(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
    clusters: ClusterOptions = None,
) -> pd.DataFrame:
    """Clusters with no research institute, alliance, fund or platform.

    Two kinds of cluster: supply clusters (:func:`innokg.queries.clusters.supply_clusters`,
    label ``Cluster``) and the industries a city specialises in (SPECIALISES_IN,
    label ``Specialisation``, see :func:`specialisation_gaps`).

    A supply cluster has a gap of one kind of support when none of its members has it
    *while the data has that kind of support*: where the graph records none at all
    (no alliances, no funds, no firm-institute links), one note row says so instead
    (``measurable`` False), since every cluster "lacking" it would be an artefact of
    the data.  On a scoped graph only clusters with members in the province are
    reported, and the gap is counted in those members.

    Parameters
    ----------
    G : EcosystemGraph
        The graph: supply links (for the clusters), specialisations, and the
        institutes, alliances, funds and platforms linked to members.
    year : int, optional
        As of this year.
    city, industry : str, optional
        Only clusters with a member in this city / industry.
    clusters : mapping, optional
        Options of :func:`innokg.queries.clusters.supply_clusters` (seed, resolution, ...).

    Returns
    -------
    pandas.DataFrame
        Note rows first, then supply clusters (one row per cluster and missing kind
        of support; ``severity`` = the members left without it: all members, or on a
        scoped graph the province's), then specialisations (``severity`` = location
        quotient).  The core columns (see the module), then ``cluster`` (Int64),
        ``size`` (Int64: members; firms of the industry in the city for a
        specialisation), and the columns of :func:`specialisation_gaps`.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abcd"],
    ...                 "Platform": [{"id": "p", "name": "平台"}]},
    ...                {"SUPPLIES": [("a", "b"), ("b", "c")], "OPERATES": [("d", "p")]})
    >>> cluster_support_gaps(G)[["entity", "missing", "measurable"]].to_dict("records")[-1]
    {'entity': 'cluster:1', 'missing': 'platform', 'measurable': True}
    >>> cluster_support_gaps(G)["entity"].tolist()[:3]
    ['not_measurable:alliances', 'not_measurable:funds', 'not_measurable:institutes']
    """
    A = arrays(G)
    table = supply_clusters(G, year=year, city=city, industry=industry, **(clusters or {}))
    province = province_members(G)
    if province is not None:
        table = table[table["province_firms"] > 0]
        affected = table["province_firms"]
    else:
        affected = table["size"]
    kinds_en, kinds_zh = _platform_kinds(A, year)
    notes, rows = [], []
    no_clusters = _clusters_note(
        _cluster_count(cluster_labels(G, year=year, **(clusters or {}))), 1
    )
    if no_clusters is not None:  # what clusters would lack is beside the point
        notes.append(no_clusters)
    for col, (en, zh, why, evidence, _) in _SUPPORT.items():
        if no_clusters is not None:
            break
        if not any(_any_edge(A, e, a, b, year) for e, a, b in evidence):
            notes.append(_support_note(A, col))
            continue
        rows.append(
            _lacking(
                table, affected, col, (en, zh, why), (kinds_en, kinds_zh), province is not None
            )
        )
    df = (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame({c: [] for c in [*CORE_COLUMNS[1:-1], "cluster", "size"]})
    )
    out = _table(
        "cluster_support",
        {c: df[c].to_numpy() for c in CORE_COLUMNS[1:-1]},
        {"cluster": df["cluster"].astype("Int64"), "size": df["size"].astype("Int64")},
        notes,
    )
    spec = specialisation_gaps(G, year=year, city=city, industry=industry)
    both = pd.concat([out, spec], ignore_index=True) if len(spec) else out
    # notes, then supply clusters, then specialisations whose firms exist, then the
    # specialisations the graph holds no firm of (a data gap, see the module)
    order = both["label"].map({"Note": 0, "Cluster": 1, "Specialisation": 2}).fillna(3)
    both = both.assign(_o=order.to_numpy()).sort_values(
        ["_o", "severity", "cluster", "entity", "missing"],
        ascending=[True, False, True, True, True],
        ignore_index=True,
    )
    return both.drop(columns="_o")
