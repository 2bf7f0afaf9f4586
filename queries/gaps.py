"""Collaboration gaps: who lacks what the policy asks for, and how badly.

One function per kind of gap, each returning a tidy table whose first columns are
shared by all kinds (so the tables stack into one, see :func:`collaboration_gaps`):

- ``gap`` (str): the kind of gap (a key of :data:`GAP_KINDS`).
- ``entity`` (str): what has the gap: a node id, ``cluster:3`` for a supply cluster,
  ``cluster:3|cluster:7`` for a pair of clusters.
- ``name`` (str): its name; ``label`` (str): its node label, or ``Cluster`` /
  ``ClusterPair``.
- ``missing`` (str), ``missing_zh`` (str): what is missing, in English and Chinese.
- ``severity`` (float): how bad the gap is; higher is worse, comparable within a kind
  (each function says what it measures).
- ``city`` (str): the entity's city where it has one (empty otherwise).
- ``detail`` (str), ``detail_zh`` (str): one sentence with the figures behind the row.
- ``measurable`` (bool): False on a note row saying that this kind of gap (or one
  part of it) cannot be measured on this graph, and why: ``entity`` is
  ``not_measurable:<topic>``, ``name`` 无法测算 (not measurable), ``missing`` the data
  it needs, ``severity`` NaN, ``detail`` the reason.  Note rows come first, so a
  table that cannot be measured never reads as "no gap".

What is measured on the data at hand, and what is not: a kind of gap whose evidence
is absent from the whole graph (no firm sizes, no alliances, no funds, no maker
teams, no firm-institute links) gives a note row instead of a zero or an empty
table.  On a *scoped* graph (a province with its chain neighbourhood, see
:func:`innokg.queries.clusters.scoped`) the gaps of organisations (single sources,
structural holes, brokers) are reported for the province's organisations only; the
networks they are measured on keep the neighbourhood.

The organisation network used for structural holes joins enterprises, research
institutes, alliances, funds, platforms and maker teams by SUPPLIES,
COLLABORATES_WITH, MEMBER_OF, INVESTS_IN, ESTABLISHED, OPERATES and HOSTS edges, as
a simple undirected graph (Burt's measures are computed by igraph on it; they equal
networkx's ``constraint`` and ``effective_size``).

Examples
--------
>>> from tests.factory import make_graph
>>> G = make_graph(
...     {"Enterprise": [{"id": "e1", "name": "甲", "size": "large", "employees": 999},
...                     {"id": "e2", "name": "乙", "size": "large"}],
...      "ResearchInstitute": [{"id": "r", "name": "郑州大学"}]},
...     {"COLLABORATES_WITH": [("e2", "r")]},
... )
>>> research_gaps(G)[["gap", "entity", "severity"]].to_dict("records")
[{'gap': 'no_research_partner', 'entity': 'e1', 'severity': 3.0}]

Without firm sizes the question cannot be asked, and the table says so:

>>> G = make_graph({"Enterprise": [{"id": "e1", "name": "甲"}]})
>>> research_gaps(G)[["entity", "measurable", "missing"]].to_dict("records")
[{'entity': 'not_measurable:size', 'measurable': False, 'missing': 'firm sizes (large / medium)'}]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import (
    ORG_EDGES,
    ORGANISATIONS,
    GraphArrays,
    arrays,
    resolve_city,
    resolve_industries,
)
from innokg.queries.clusters import (
    cluster_labels,
    preferred_industry,
    province_members,
    single_sourced_inputs,
    supply_clusters,
)
from innokg.queries.indicators import latest_year, policy_indicators, policy_measures

__all__ = [
    "CORE_COLUMNS",
    "GAP_KINDS",
    "MIN_RELATEDNESS",
    "NOT_MEASURABLE",
    "ORG_EDGES",
    "brokers",
    "cluster_support_gaps",
    "collaboration_gaps",
    "finance_gaps",
    "research_gaps",
    "single_source_gaps",
    "specialisation_gaps",
    "structural_holes",
    "target_gaps",
    "unspanned_cluster_pairs",
]

#: The columns every gap table starts with.
CORE_COLUMNS = (
    "gap",
    "entity",
    "name",
    "label",
    "missing",
    "missing_zh",
    "severity",
    "city",
    "detail",
    "detail_zh",
    "measurable",
)

#: ``name`` of a note row (see the module).
NOT_MEASURABLE = "无法测算 (not measurable)"


ClusterOptions = Mapping[str, Any] | None


def _table(
    gap: str,
    core: dict[str, Any],
    extra: dict[str, Any] | None = None,
    notes: Sequence[pd.DataFrame] = (),
) -> pd.DataFrame:
    """A gap table: the core columns (typed) then ``extra``; note rows (``notes``,
    from :func:`_note`) first, then by decreasing severity."""
    n = len(core["entity"])
    cols: dict[str, Any] = {"gap": np.full(n, gap, dtype=object)}
    for name in CORE_COLUMNS[1:]:
        default = np.ones(n, dtype=bool) if name == "measurable" else np.full(n, "", dtype=object)
        cols[name] = core.get(name, default)
    df = pd.DataFrame(cols)
    for name, values in (extra or {}).items():
        df[name] = values
    types = {c: "string" for c in CORE_COLUMNS if c not in ("severity", "measurable")}
    df = df.astype({**types, "severity": "float64", "measurable": "bool"})
    if notes:
        ints = [c for c in df.columns if pd.api.types.is_integer_dtype(df[c].dtype)]
        cols_types = {
            c: ("Int64" if c in ints else "boolean" if t is np.dtype(bool) else t)
            for c, t in df.dtypes.items()
        }
        parts = [note.assign(gap=gap) for note in notes]
        if len(df):
            df = pd.concat([*parts, df], ignore_index=True)
        else:  # keep the kind's columns (and their types) on a table of notes only
            df = pd.concat(parts, ignore_index=True).reindex(columns=df.columns)
            df = df.astype({c: t for c, t in cols_types.items() if c not in CORE_COLUMNS})
        df = df.astype({c: "Int64" for c in ints})
        df = df.astype({**types, "severity": "float64", "measurable": "bool"})
    return df.sort_values(
        ["measurable", "severity", "entity"], ascending=[True, False, True], ignore_index=True
    )


def _note(topic: str, missing: str, missing_zh: str, why: str, why_zh: str) -> pd.DataFrame:
    """One note row: ``topic`` cannot be measured on this graph, for want of ``missing``."""
    return pd.DataFrame(
        {
            "entity": [f"not_measurable:{topic}"],
            "name": [NOT_MEASURABLE],
            "label": ["Note"],
            "missing": [missing],
            "missing_zh": [missing_zh],
            "severity": [np.nan],
            "city": [""],
            "detail": [f"not measurable: {why}"],
            "detail_zh": [f"无法测算：{why_zh}"],
            "measurable": [False],
        }
    )


def _any_edge(A: GraphArrays, etype: str, src_label: str, dst_label: str, year: int | None) -> bool:
    """Whether the graph has an edge of ``etype`` from a ``src_label`` to a ``dst_label``."""
    src, dst = A.edges(etype, year=year)
    return bool((A.mask(src_label)[src] & A.mask(dst_label)[dst]).any())


def _in_scope(G: EcosystemGraph, pos: np.ndarray) -> np.ndarray:
    """``pos`` kept to the province's nodes on a scoped graph (all of them otherwise)."""
    province = province_members(G)
    return pos if province is None else pos[province[pos]]


def _size_note(A: GraphArrays) -> pd.DataFrame | None:
    """The note for questions about large and medium firms, when sizes are missing."""
    size = A.values("size", dtype="object", fill="")[A.mask("Enterprise")]
    if (size != "").any():
        return None
    return _note(
        "size",
        "firm sizes (large / medium)",
        "企业规模（大型、中型）",
        "no firm sizes in the data: large and medium enterprises cannot be identified "
        "(a registration extract with size classes would give them)",
        "数据中没有企业规模，无法识别大中型企业（需企业登记或统计数据中的规模划分）",
    )


def _lm_note(
    A: GraphArrays, lm: np.ndarray, year: int | None, city: str | None, industry: str | None
) -> pd.DataFrame | None:
    """The note for questions about large and medium firms, when there are none to ask
    about (an empty table would read as "none lacks it")."""
    if lm.any():
        return None
    when, when_zh = (f" in {year}", f"{year} 年") if year is not None else ("", "")
    where = " of this city or industry" if city is not None or industry is not None else ""
    where_zh = "所选城市或行业" if where else "数据中"
    return _note(
        "large_medium",
        "large and medium industrial firms",
        "大中型工业企业",
        f"no large or medium industrial firms{where}{when} in the data: no firm to ask about",
        f"{when_zh}{where_zh}没有大中型工业企业，无从判断",
    )


def _cluster_count(labels_c: np.ndarray) -> int:
    return len(np.unique(labels_c[labels_c >= 0]))


def _clusters_note(k: int, wanted: int) -> pd.DataFrame | None:
    """The note for questions about clusters (``wanted`` of them at least) when the
    graph has fewer: an empty table would read as "no gap"."""
    if k >= wanted:
        return None
    have = "no supply-chain cluster" if k == 0 else "one supply-chain cluster only"
    have_zh = "没有供应链集群" if k == 0 else "只有一个供应链集群"
    what, what_zh = ("cluster", "集群") if wanted == 1 else ("pair of clusters", "集群对")
    return _note(
        "clusters",
        "supply-chain clusters" if wanted == 1 else "two or more supply-chain clusters",
        "供应链集群" if wanted == 1 else "两个以上供应链集群",
        f"{have} in the data (clusters come from SUPPLIES links, or from products through "
        f"PRODUCES / UPSTREAM_OF): there is no {what} to assess",
        f"数据中{have_zh}（集群由供货关系 SUPPLIES 或产品关系 PRODUCES / UPSTREAM_OF 得出），"
        f"没有可评估的{what_zh}",
    )


def _city_names(A: GraphArrays, pos: np.ndarray) -> np.ndarray:
    city = A.city()[pos]
    return np.where(city >= 0, A.names[np.maximum(city, 0)], "").astype(object)


def _filtered(
    G: EcosystemGraph, A: GraphArrays, city: str | None, industry: str | None
) -> np.ndarray:
    return A.in_city(resolve_city(G, city)) & A.in_industries(resolve_industries(G, industry))


def _lm(A: GraphArrays, year: int | None) -> np.ndarray:
    size = A.values("size", dtype="object", fill="")
    industrial = A.values("industrial")
    return (
        A.mask("Enterprise")
        & A.alive(year)
        & np.isin(size, ["large", "medium"])
        & ~(industrial == 0)
    )


def research_gaps(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
) -> pd.DataFrame:
    """Large and medium industrial enterprises with no research partner.

    A firm has a research partner when it has a COLLABORATES_WITH edge to a research
    institute, or set up or operates a co-built R&D platform.

    Parameters
    ----------
    G : EcosystemGraph
    year : int, optional
        As of this year.
    city, industry : str, optional
        Only firms in this city / industry.

    Returns
    -------
    pandas.DataFrame
        The core columns (see the module) with ``severity`` = log10(1 + employees)
        (3 for a firm of 999 people; 3.0 for a large and 2.5 for a medium firm whose
        headcount is unknown), then:

        - ``size`` (str): large or medium.
        - ``employees`` (Int64): headcount where known.
        - ``industry`` (str): its industry's name.
        - ``peers_with_partner`` (float): share of the large and medium firms of its
          industry that do have a research partner (NaN without an industry).

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲", "size": "medium"},
    ...                     {"id": "b", "name": "乙", "size": "large"}],
    ...      "ResearchInstitute": [{"id": "r", "name": "院"}]},
    ...     {"COLLABORATES_WITH": [("b", "r")]},
    ... )
    >>> research_gaps(G)[["entity", "severity"]].to_dict("records")
    [{'entity': 'a', 'severity': 2.5}]
    """
    A = arrays(G)
    lm = _lm(A, year)
    ri = A.mask("ResearchInstitute") & A.alive(year)
    co_built = (
        A.mask("Platform")
        & A.alive(year)
        & (A.values("kind", dtype="object", fill="") == "co_built_rnd")
    )
    partner = (A.matrix(["COLLABORATES_WITH"], year=year) @ ri.astype(float)) > 0
    partner |= (A.matrix(["ESTABLISHED", "OPERATES"], year=year) @ co_built.astype(float)) > 0
    ind = preferred_industry(G)
    peers = pd.DataFrame({"ind": ind[lm], "ok": partner[lm]})
    share = peers[peers["ind"] >= 0].groupby("ind")["ok"].mean()
    pos = np.flatnonzero(lm & ~partner & _filtered(G, A, city, industry))
    notes = [n for n in [_size_note(A)] if n is not None]
    if not notes:
        scope = _lm_note(A, lm & _filtered(G, A, city, industry), year, city, industry)
        notes += [scope] if scope is not None else []
    if not notes and lm.any() and not partner[A.mask("Enterprise")].any():
        n_ri = int(ri.sum())
        notes.append(
            _note(
                "research_links",
                "firm-institute collaborations or co-built R&D platforms",
                "企业与高校院所的合作关系或合建研发平台",
                (
                    f"{n_ri} research institutes in the data, none linked to a firm"
                    if n_ri
                    else "no research institutes in the data"
                )
                + " (no collaboration or co-built platform records): firms without a "
                "research partner cannot be told from firms whose partners are not recorded",
                (f"数据中有 {n_ri} 家高校院所，但均未与企业关联" if n_ri else "数据中没有高校院所")
                + "（无合作或合建平台记录），无法区分没有研发合作伙伴的企业与合作未被记录的企业",
            )
        )
    if notes:
        pos = pos[:0]
    employees = A.values("employees")[pos]
    size = A.values("size", dtype="object", fill="")[pos]
    fallback = np.where(size == "large", 3.0, 2.5)
    severity = np.where(np.isnan(employees), fallback, np.log10(1 + np.nan_to_num(employees)))
    peer = pd.Series(ind[pos]).map(share).to_numpy(float)
    ind_name = np.where(ind[pos] >= 0, A.names[np.maximum(ind[pos], 0)], "")
    name_en = A.values("name_en", dtype="object", fill="")
    ind_en = np.where(ind[pos] >= 0, name_en[np.maximum(ind[pos], 0)], "")
    ind_en = np.where(ind_en == "", ind_name, ind_en)
    staff = [f"{int(e)} employees" if not np.isnan(e) else "headcount unknown" for e in employees]
    staff_zh = [f"员工 {int(e)} 人" if not np.isnan(e) else "员工人数不详" for e in employees]
    peer_en = [
        f"; {p:.0%} of large and medium peers in {i} have one" if not np.isnan(p) else ""
        for p, i in zip(peer, ind_en, strict=True)
    ]
    peer_zh = [
        f"；同行业 {p:.0%} 的大中型企业已有研发合作伙伴" if not np.isnan(p) else "" for p in peer
    ]
    return _table(
        "no_research_partner",
        {
            "entity": A.ids[pos].astype(str),
            "name": A.names[pos],
            "label": np.full(len(pos), "Enterprise", dtype=object),
            "missing": np.full(len(pos), "research partner (institute or co-built platform)"),
            "missing_zh": np.full(len(pos), "研发合作伙伴（高校院所或合建平台）"),
            "severity": severity.round(4),
            "city": _city_names(A, pos),
            "detail": [f"{s} firm, {e}{p}" for s, e, p in zip(size, staff, peer_en, strict=True)],
            "detail_zh": [
                f"{'大型' if s == 'large' else '中型'}企业，{e}{p}"
                for s, e, p in zip(size, staff_zh, peer_zh, strict=True)
            ],
        },
        {
            "size": pd.array(size, dtype="string"),
            "employees": pd.array(
                np.where(np.isnan(employees), np.nan, employees), dtype="Float64"
            ).astype("Int64"),
            "industry": pd.array(ind_name, dtype="string"),
            "peers_with_partner": peer.round(4),
        },
        notes,
    )


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
    has no specialisations or no platform is linked to any firm.

    Returns
    -------
    pandas.DataFrame
        The core columns (see the module) with ``entity`` = ``region id|industry id``,
        ``severity`` = the location quotient, then ``quotient`` (float), ``firms``
        (int: firms of the industry in the city in the graph), ``unknown_industry``
        (int: the city's firms with a platform whose industry is unknown, any of which
        may be of this industry) and ``universities`` (int: research institutes in the
        city).

    Examples
    --------
    >>> from tests.factory import make_graph
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
    with_platform = np.zeros(A.n, dtype=bool)
    for etype in ("ESTABLISHED", "OPERATES"):
        e_src, e_dst = A.edges(etype, year=year)
        ok = A.mask("Enterprise")[e_src] & A.mask("Platform")[e_dst]
        with_platform[e_src[ok]] = True
    if not len(src) or not with_platform.any():
        return _table("cluster_support", empty, _spec_extra(0))
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
        members = np.unique(firm_ind.loc[firm_ind["i"].isin(inds), "f"].to_numpy(np.int64))
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
    city_name = A.names[city_pos].astype(object)
    ind_name = A.names[i].astype(object)
    unk = pd.Series(city_pos).map(unknown_centres).fillna(0).to_numpy(np.int64)
    unis = pd.Series(city_pos).map(uni_per_city).fillna(0).to_numpy(np.int64)
    kinds, kinds_zh = _platform_kinds(A, year)
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
    >>> from tests.factory import make_graph
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
        have = int((table[col] > 0).sum())
        part = table[table[col] == 0]
        n = affected[table[col] == 0]
        what = f" ({kinds_en})" if col == "platforms" and kinds_en else ""
        what_zh = f"（{kinds_zh}）" if col == "platforms" and kinds_zh else ""
        whose = " in the province" if province is not None else ""
        whose_zh = "省内" if province is not None else ""
        rows.append(
            pd.DataFrame(
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
                    + (" of " + part["size"].astype(str) if province is not None else "")
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
    order = both["label"].map({"Note": 0, "Cluster": 1}).fillna(2)
    both = both.assign(_o=order.to_numpy()).sort_values(
        ["_o", "severity", "cluster", "entity", "missing"],
        ascending=[True, False, True, True, True],
        ignore_index=True,
    )
    return both.drop(columns="_o")


def finance_gaps(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
) -> pd.DataFrame:
    """Maker teams that no fund invests in.

    Parameters
    ----------
    G : EcosystemGraph
    year : int, optional
        As of this year (default: the latest year in the graph).
    city, industry : str, optional
        Only teams in this city / industry (a team's are its host's).

    Returns
    -------
    pandas.DataFrame
        The core columns (see the module) with ``severity`` = years since the team
        was set up (as of ``year``; 0 when unknown), plus 2 for a demonstration team,
        then ``kind`` (str), ``since`` (Int64), ``demonstration`` (Int64) and ``host``
        (str: the name of the enterprise or platform hosting it).

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph({"MakerTeam": [{"id": "t", "name": "团队", "since": 2015},
    ...                               {"id": "u", "name": "乙队"}],
    ...                 "Fund": [{"id": "f", "name": "基金"}]},
    ...                {"INVESTS_IN": [("f", "u")]})
    >>> finance_gaps(G, year=2018)[["entity", "severity"]].to_dict("records")
    [{'entity': 't', 'severity': 3.0}]

    A graph with no maker teams, or no investments in any, gives a note row instead.
    """
    A = arrays(G)
    ref = year if year is not None else latest_year(G)
    teams = A.mask("MakerTeam") & A.alive(year)
    funds = A.mask("Fund") & A.alive(year)
    funded = (A.matrix(["INVESTS_IN^-1"], year=year) @ funds.astype(float)) > 0
    pos = np.flatnonzero(teams & ~funded & _filtered(G, A, city, industry))
    notes = []
    if not teams.any():
        notes.append(
            _note(
                "maker_teams",
                "maker teams (创客团队)",
                "创客团队",
                "no maker teams in the data",
                "数据中没有创客团队",
            )
        )
    elif not _any_edge(A, "INVESTS_IN", "Fund", "MakerTeam", year):
        notes.append(
            _note(
                "team_investments",
                "investments in maker teams",
                "创客团队获得投资的记录",
                f"no investment in any of the {int(teams.sum())} maker teams is recorded "
                "(no funds or no INVESTS_IN records)",
                f"{int(teams.sum())} 个创客团队均无投资记录（数据中没有基金或投资记录）",
            )
        )
    if notes:
        pos = pos[:0]
    since = A.values("since")[pos]
    demo = A.values("demonstration")[pos]
    age = np.where(np.isnan(since) | (ref is None), 0.0, (ref or 0) - np.nan_to_num(since))
    severity = np.maximum(age, 0) + np.where(np.isnan(demo), 0.0, 2.0)
    h_src, h_dst = A.edges("HOSTS", year=year)
    host = np.full(A.n, "", dtype=object)
    host[h_dst[::-1]] = A.names[h_src[::-1]]  # the first host listed wins
    host_names = host[pos]
    kind = A.values("kind", dtype="object", fill="")[pos]
    return _table(
        "team_no_finance",
        {
            "entity": A.ids[pos].astype(str),
            "name": A.names[pos],
            "label": np.full(len(pos), "MakerTeam", dtype=object),
            "missing": np.full(len(pos), "investor (fund)"),
            "missing_zh": np.full(len(pos), "投资（基金）"),
            "severity": severity,
            "city": _city_names(A, pos),
            "detail": [
                f"{k} team, {int(a)} years without an investor"
                + (", a demonstration team" if not np.isnan(d) else "")
                for k, a, d in zip(kind, age, demo, strict=True)
            ],
            "detail_zh": [
                f"成立 {int(a)} 年未获投资" + ("，系创客示范团队" if not np.isnan(d) else "")
                for a, d in zip(age, demo, strict=True)
            ],
        },
        {
            "kind": pd.array(kind, dtype="string"),
            "since": pd.array(since, dtype="Float64").astype("Int64"),
            "demonstration": pd.array(demo, dtype="Float64").astype("Int64"),
            "host": pd.array(host_names, dtype="string"),
        },
        notes,
    )


def target_gaps(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
) -> pd.DataFrame:
    """Cities and industries below a target of the seed policy.

    Parameters
    ----------
    G : EcosystemGraph
    year : int, optional
        As of this year (e.g. the targets' deadline, 2018).
    city, industry : str, optional
        Only this city's / industry's rows (both: both).

    Returns
    -------
    pandas.DataFrame
        One row per group (city or industry) and indicator that has a target and
        does not meet it; the core columns (see the module) with ``severity`` = the
        shortfall as a share of the target (0 to 1), then ``indicator`` (str),
        ``article`` (Int64), ``value``, ``target``, ``shortfall`` (float: the
        indicator's ``gap``) and ``target_basis`` (str), as in
        :func:`innokg.queries.indicators.policy_indicators`.
    """
    frames, blind = [], []
    for by, label in (("city", "Region"), ("industry", "Industry")):
        if (by == "city" and industry is not None and city is None) or (
            by == "industry" and city is not None and industry is None
        ):
            continue
        ind = policy_indicators(G, by=by, year=year)  # type: ignore[arg-type]
        if "measurable" in ind.columns:
            measured = ind["measurable"].astype("boolean").fillna(False).astype(bool)
        else:
            measured = ind["value"].notna()
        measured &= ind["value"].notna()
        targeted = ind["indicator"].isin(_targeted(G))
        nowhere = measured.groupby(ind["indicator"]).transform("any").eq(False)
        blind.append(ind[targeted & nowhere])
        # A group whose value is NA (nothing to count there) is not below the target.
        ind = ind[ind["met"].astype("boolean").fillna(True).eq(False) & measured]
        if by == "city" and city is not None:
            ind = ind[ind["group"] == str(arrays(G).ids[resolve_city(G, city)])]
        if by == "industry" and industry is not None:
            wanted = arrays(G).ids[resolve_industries(G, industry)].astype(str)
            ind = ind[ind["group"].isin(wanted)]
        frames.append(ind.assign(label=label, by=by))
    df = pd.concat(frames, ignore_index=True)

    def show(x: float, unit: str) -> str:
        return f"{x:.0%}" if unit == "share" else f"{x:g}"

    units = df["unit"].astype(str).tolist()
    value = [show(x, u) for x, u in zip(df["value"].astype(float), units, strict=True)]
    target = [show(x, u) for x, u in zip(df["target"].astype(float), units, strict=True)]
    deadline = df["deadline"].astype("string").fillna("").tolist()
    article = df["article"].astype(str).tolist()
    basis = df["target_basis"].astype(str).tolist()
    city_col = np.where(df["by"] == "city", df["group_name"].astype(str), "")
    return _table(
        "below_target",
        {
            "entity": df["group"].to_numpy(object),
            "name": df["group_name"].to_numpy(object),
            "label": df["label"].to_numpy(object),
            "missing": df["indicator_en"].to_numpy(object),
            "missing_zh": df["indicator_zh"].to_numpy(object),
            "severity": (df["gap"] / df["target"]).astype(float).round(4).to_numpy(float),
            "city": city_col,
            "detail": [
                f"article {a}: {v} against {t}{f' by {d}' if d else ''} ({b} target)"
                for a, v, t, d, b in zip(article, value, target, deadline, basis, strict=True)
            ],
            "detail_zh": [
                f"第 {a} 条：现为 {v}，目标 {t}{f'（{d} 年前）' if d else ''}"
                for a, v, t, d in zip(article, value, target, deadline, strict=True)
            ],
        },
        {
            "indicator": df["indicator"].astype("string").to_numpy(),
            "article": df["article"].astype("Int64").to_numpy(),
            "value": df["value"].to_numpy(float),
            "target": df["target"].to_numpy(float),
            "shortfall": df["gap"].to_numpy(float),
            "target_basis": df["target_basis"].astype("string").to_numpy(),
        },
        _indicator_notes(G, pd.concat(blind, ignore_index=True)),
    )


def _targeted(G: EcosystemGraph) -> set[str]:
    """Indicator keys the policy sets a target for."""
    measures = policy_measures(G)
    return set(measures.loc[measures["target"].notna(), "indicator"].astype(str))


#: Why an indicator has no value anywhere, by what it is a share (or mean) of.
_LM_INDICATORS = {
    "platform_coverage",
    "ecosystem_breadth",
    "rnd_platforms",
    "co_built_rnd",
    "alliance_membership",
    "technology_teams",
    "employee_platforms",
    "craftsman_studios",
    "open_platforms",
}


def _indicator_notes(G: EcosystemGraph, blind: pd.DataFrame) -> list[pd.DataFrame]:
    """One note row per targeted indicator that has no value in any group.

    The reason is the indicator's own ``note`` (from
    :func:`innokg.queries.indicators.policy_indicators`) where it gives one, else
    worked out here from what the graph lacks.
    """
    A = arrays(G)
    has_size = (A.values("size", dtype="object", fill="")[A.mask("Enterprise")] != "").any()
    measures = policy_measures(G).drop_duplicates("indicator").set_index("indicator")
    notes = []
    for row in blind.drop_duplicates("indicator").itertuples(index=False):
        key = str(row.indicator)
        if key in _LM_INDICATORS and not has_size:
            why = "no firm sizes in the data: large and medium enterprises cannot be identified"
            why_zh = "数据中没有企业规模，无法识别大中型企业"
            needs, needs_zh = "firm sizes (large / medium)", "企业规模（大型、中型）"
        elif key in _LM_INDICATORS:
            why = "no large or medium industrial enterprise in any group"
            why_zh = "各组均无大中型工业企业"
            needs, needs_zh = "large and medium industrial enterprises", "大中型工业企业"
        elif key in ("teams_financed", "demonstration_teams", "social_teams"):
            why, why_zh = "no maker teams in the data", "数据中没有创客团队"
            needs, needs_zh = "maker teams", "创客团队"
        elif key == "demonstration_platforms":
            why = "no platform recognised as a demonstration platform in the data"
            why_zh = "数据中没有双创示范平台认定记录"
            needs, needs_zh = "demonstration platform recognitions", "双创示范平台认定记录"
        elif key == "entrepreneurs":
            why = "no recognised innovative entrepreneurs in the data"
            why_zh = "数据中没有创新型企业家认定记录"
            needs, needs_zh = "recognised entrepreneurs", "创新型企业家认定记录"
        elif key == "typical_cases":
            why = "needs a year (--year): the cases are chosen year by year"
            why_zh = "典型案例按年遴选，需指定年份（--year）"
            needs, needs_zh = "a year (--year)", "指定年份（--year）"
        elif key == "cluster_services":
            why = "no industrial-cluster zones (产业集聚区) in the data"
            why_zh = "数据中没有产业集聚区"
            needs, needs_zh = "industrial-cluster zones", "产业集聚区"
        else:
            why = "nothing in the data to count it over"
            why_zh = "数据中没有可据以计算的对象"
            needs, needs_zh = "the data it counts", "计算所需的数据"
        own = getattr(row, "note", None)
        if isinstance(own, str) and own.strip():
            why = own.strip().removesuffix(".")
        m = measures.loc[key] if key in measures.index else None
        target = float(m["target"]) if m is not None else float(row.target)
        unit = str(m["target_unit"]) if m is not None else str(row.unit)
        deadline = m["deadline"] if m is not None else row.deadline
        shown = f"{target:.0%}" if unit == "share" else f"{target:g}"
        by = "" if pd.isna(deadline) else f" by {int(deadline)}"
        by_zh = "" if pd.isna(deadline) else f"（{int(deadline)} 年前）"
        note = _note(
            key,
            needs,
            needs_zh,
            f"article {row.article}, {row.indicator_en} (target {shown}{by}): {why}",
            f"第 {row.article} 条{row.indicator_zh}（目标 {shown}{by_zh}）：{why_zh}",
        )
        notes.append(
            note.assign(
                missing=needs,
                indicator=key,
                article=pd.array([row.article], dtype="Int64"),
                value=np.nan,
                target=target,
                shortfall=np.nan,
                target_basis=str(row.target_basis) if pd.notna(row.target_basis) else "",
            )
        )
    return notes


def single_source_gaps(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
) -> pd.DataFrame:
    """Inputs a buyer gets from one supplier only (a supply risk).

    Parameters
    ----------
    G : EcosystemGraph
    year : int, optional
        As of this year.
    city, industry : str, optional
        Only buyers in this city / industry.

    Returns
    -------
    pandas.DataFrame
        One row per buyer and input (see
        :func:`innokg.queries.clusters.single_sourced_inputs`); the core columns (see the
        module) with ``severity`` = the share of the buyer's input that the supplier
        provides (1 when not recorded), then ``input``, ``supplier``,
        ``supplier_name`` and ``basis`` (str).

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph({"Enterprise": [{"id": "s", "name": "供"}, {"id": "b", "name": "买"}]},
    ...                {"SUPPLIES": [("s", "b", {"product": "钢材", "share": 0.9})]})
    >>> single_source_gaps(G)[["entity", "missing", "severity"]].to_dict("records")
    [{'entity': 'b', 'missing': 'a second supplier of 钢材', 'severity': 0.9}]
    """
    A = arrays(G)
    df = single_sourced_inputs(G, year=year)
    pos = A.index(df["buyer"].to_numpy())
    keep = _filtered(G, A, city, industry)[pos]
    province = province_members(G)
    if province is not None:  # the province's buyers; their suppliers may be anywhere
        keep &= province[pos]
    notes = []
    if not len(A.edges("SUPPLIES", year=year)[0]) and not len(A.edges("PRODUCES", year=year)[0]):
        notes.append(
            _note(
                "supply_links",
                "supply links (SUPPLIES) or what firms make (PRODUCES)",
                "供货关系或企业产品",
                "no supply links or products in the data",
                "数据中没有供货关系或产品信息",
            )
        )
    df, pos = df[keep].reset_index(drop=True), pos[keep]
    basis = df["basis"].astype(str)
    return _table(
        "single_source",
        {
            "entity": df["buyer"].to_numpy(object),
            "name": df["buyer_name"].to_numpy(object),
            "label": np.full(len(df), "Enterprise", dtype=object),
            "missing": ("a second supplier of " + df["input"].astype(str)).to_numpy(object),
            "missing_zh": (df["input"].astype(str) + "的第二供应商").to_numpy(object),
            "severity": df["share"].fillna(1.0).to_numpy(float),
            "city": _city_names(A, pos),
            "detail": (
                "only "
                + df["supplier_name"].astype(str)
                + np.where(
                    basis == "products", " makes it (inferred from products)", " supplies it"
                )
            ).to_numpy(object),
            "detail_zh": (
                "仅由"
                + df["supplier_name"].astype(str)
                + np.where(basis == "products", "生产（据产品推断）", "供货")
            ).to_numpy(object),
        },
        {
            "input": df["input"].to_numpy(),
            "supplier": df["supplier"].to_numpy(),
            "supplier_name": df["supplier_name"].to_numpy(),
            "basis": df["basis"].to_numpy(),
        },
        notes,
    )


def _burt(
    A: GraphArrays, year: int | None, pos: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Degree, Burt's constraint and effective size of ``pos`` in the organisation graph."""
    g, nodes = A.igraph(ORG_EDGES, ORGANISATIONS, year=year)
    local = np.searchsorted(nodes, pos)
    key = ("gaps-burt", year)
    if key not in A.memo:  # once for every organisation: structural holes and brokers share it
        degree = np.asarray(g.degree(), dtype=float)
        constraint = np.asarray(g.constraint(), dtype=float)
        trans = np.asarray(g.transitivity_local_undirected(mode="zero"), dtype=float)
        esize = np.where(degree > 0, degree - (degree - 1) * trans, np.nan)
        A.memo[key] = (degree, constraint, esize)
    degree, constraint, esize = A.memo[key]
    return degree[local], constraint[local], esize[local]


def structural_holes(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
    labels: Sequence[str] = ORGANISATIONS,
    min_degree: int = 2,
) -> pd.DataFrame:
    """Burt's constraint and effective size of organisations.

    High constraint means an organisation's contacts are tied to each other: it spans
    no structural hole and hears little that its contacts do not.  Organisations with
    fewer than ``min_degree`` contacts are left out (one contact gives constraint 1 by
    definition).

    Parameters
    ----------
    G : EcosystemGraph
    year : int, optional
        As of this year.
    city, industry : str, optional
        Only organisations in this city / industry.
    labels : sequence of str
        Labels to report (all organisations are in the network regardless).
    min_degree : int
        Fewest contacts to be reported.

    Returns
    -------
    pandas.DataFrame
        The core columns (see the module) with ``severity`` = Burt's constraint (0 to
        1, above 1 is possible with very few contacts), then ``degree`` (int:
        contacts), ``constraint`` (float), ``effective_size`` (float: contacts minus
        redundancy, n - 2t/n with t ties among the n contacts) and ``efficiency``
        (float: effective size / contacts).

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abc"]},
    ...                {"SUPPLIES": [("a", "b"), ("b", "c"), ("a", "c")]})
    >>> structural_holes(G)[["entity", "constraint", "effective_size"]].to_dict("records")[0]
    {'entity': 'a', 'constraint': 1.125, 'effective_size': 1.0}
    """
    A = arrays(G)
    unknown = [x for x in labels if x not in ORGANISATIONS]
    if unknown:
        raise QueryError(f"labels must be organisations ({', '.join(ORGANISATIONS)})")
    g, nodes = A.igraph(ORG_EDGES, ORGANISATIONS, year=year)
    degree_all = np.asarray(g.degree(), dtype=np.int64)
    ok = (degree_all >= min_degree) & A.mask(*labels)[nodes] & A.alive(year)[nodes]
    ok &= _filtered(G, A, city, industry)[nodes]
    pos = _in_scope(G, nodes[ok])
    degree, constraint, esize = _burt(A, year, pos)
    notes = []
    if g.ecount() == 0:
        notes.append(
            _note(
                "organisation_links",
                "links among organisations",
                "组织之间的联系",
                "no links among organisations in the data (supply, collaboration, membership, "
                "investment, platforms, teams): nobody's contacts can be assessed",
                "数据中组织之间没有任何联系（供货、合作、联盟、投资、平台、团队），无法评估联系结构",
            )
        )
    redundancy = [_redundancy(e, d) for e, d in zip(esize, degree, strict=True)]
    return _table(
        "structural_hole",
        {
            "entity": A.ids[pos].astype(str),
            "name": A.names[pos],
            "label": np.array(A.label_names, dtype=object)[A.label_code[pos]],
            "missing": np.full(len(pos), "non-redundant contacts (structural holes to span)"),
            "missing_zh": np.full(len(pos), "非冗余联系（可跨越的结构洞）"),
            "severity": constraint.round(6),
            "city": _city_names(A, pos),
            "detail": [
                f"constraint {c:.2f}; effective size {e:.1f} of {int(d)} contacts; {r}"
                for c, e, d, (r, _) in zip(constraint, esize, degree, redundancy, strict=True)
            ],
            "detail_zh": [
                f"约束度 {c:.2f}；{int(d)} 个联系方中有效规模 {e:.1f}，{r}"
                for c, e, d, (_, r) in zip(constraint, esize, degree, redundancy, strict=True)
            ],
        },
        {
            "degree": degree.astype(np.int64),
            "constraint": constraint,
            "effective_size": esize,
            "efficiency": esize / np.where(degree > 0, degree, np.nan),
        },
        notes,
    )


def _redundancy(esize: float, degree: float) -> tuple[str, str]:
    """What the effective size says of the contacts, in English and Chinese."""
    if esize >= degree - 1e-9:  # the constraint comes from having few contacts
        return (
            "no two contacts are linked: the constraint comes from having few contacts",
            "联系方之间互不相连，约束来自联系方少",
        )
    if esize <= degree / 2:
        return "most contacts are linked to each other", "联系方之间多已相连"
    return "some contacts are linked to each other", "部分联系方之间已相连"


def _touches(A: GraphArrays, labels_c: np.ndarray, year: int | None) -> tuple[sp.csr_array, int]:
    """Node x cluster matrix: 1 where the node is in or next to a member of the cluster."""
    k = int(labels_c.max()) + 1 if len(labels_c) and labels_c.max() >= 0 else 0
    firms = np.flatnonzero(labels_c >= 0)
    M = sp.csr_array((np.ones(len(firms)), (firms, labels_c[firms])), shape=(A.n, max(k, 1)))
    S = A.adjacency(ORG_EDGES, year=year)
    T = (S @ M + M).tocsr()
    T.data[:] = 1.0
    return T, k


def _spanning(T: sp.csr_array) -> pd.DataFrame:
    """(node, cluster a, cluster b) for every pair of clusters a < b a node touches."""
    coo = T.tocoo()
    df = pd.DataFrame({"node": coo.row, "c": coo.col})
    count = df.groupby("node")["c"].transform("size")
    df = df[count.to_numpy() >= 2]
    pairs = df.merge(df, on="node")
    pairs = pairs[pairs["c_x"] < pairs["c_y"]]
    return pairs.rename(columns={"c_x": "a", "c_y": "b"}).reset_index(drop=True)


def brokers(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
    clusters: ClusterOptions = None,
) -> pd.DataFrame:
    """Organisations that span supply clusters, and the pairs they alone hold together.

    An organisation spans clusters A and B when it is a member of one and linked to a
    member of the other, or linked to members of both (organisation network, see the
    module).

    Parameters
    ----------
    G : EcosystemGraph
    year : int, optional
        As of this year.
    city, industry : str, optional
        Only organisations in this city / industry.
    clusters : mapping, optional
        Options of :func:`innokg.queries.clusters.supply_clusters`.

    Returns
    -------
    pandas.DataFrame
        One row per organisation spanning at least two clusters; the core columns (see
        the module) with ``severity`` = the cluster pairs that only it spans (the
        ties that would go with it; the missing thing is a second broker), then
        ``clusters_spanned`` (int), ``pairs_spanned`` (int), ``sole_pairs`` (int),
        ``clusters`` (str: up to ten cluster ids), ``constraint`` (float) and
        ``effective_size`` (float).

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> firms = [{"id": i, "name": i} for i in "abcdef"]
    >>> G = make_graph(
    ...     {"Enterprise": firms, "Fund": [{"id": "fund", "name": "基金"}]},
    ...     {"SUPPLIES": [("a", "b"), ("b", "c"), ("d", "e"), ("e", "f")],
    ...      "INVESTS_IN": [("fund", "a"), ("fund", "d")]},
    ... )
    >>> brokers(G)[["entity", "sole_pairs"]].to_dict("records")
    [{'entity': 'fund', 'sole_pairs': 1}]
    """
    A = arrays(G)
    labels_c = cluster_labels(G, year=year, **(clusters or {}))
    few = _clusters_note(_cluster_count(labels_c), 2)
    T, _ = _touches(A, labels_c, year)
    pairs = _spanning(T)
    spanners = pairs.groupby(["a", "b"])["node"].transform("size")
    sole = pairs[spanners.to_numpy() == 1].groupby("node").size()
    per_node = pairs.groupby("node").size()
    spanned = np.diff(T.indptr)
    pos = np.flatnonzero((spanned >= 2) & A.mask(*ORGANISATIONS) & A.alive(year))
    pos = _in_scope(G, pos[_filtered(G, A, city, industry)[pos]])
    n_sole = sole.reindex(pos, fill_value=0).to_numpy(np.int64)
    n_pairs = per_node.reindex(pos, fill_value=0).to_numpy(np.int64)
    listed = [
        ", ".join(str(c) for c in T.indices[T.indptr[p] : T.indptr[p + 1]][:10]) for p in pos
    ]  # only brokers, a small share of the nodes
    _, constraint, esize = _burt(A, year, pos)
    label = np.array(A.label_names, dtype=object)[A.label_code[pos]]
    return _table(
        "broker",
        {
            "entity": A.ids[pos].astype(str),
            "name": A.names[pos],
            "label": label,
            "missing": np.full(len(pos), "a second broker for the cluster pairs it alone links"),
            "missing_zh": np.full(len(pos), "其独自连接的集群对缺少第二个桥梁"),
            "severity": n_sole.astype(float),
            "city": _city_names(A, pos),
            "detail": [
                f"links {int(s)} clusters ({c}); the only link of {int(o)} of its "
                f"{int(q)} cluster pairs"
                for s, c, o, q in zip(spanned[pos], listed, n_sole, n_pairs, strict=True)
            ],
            "detail_zh": [
                f"连接 {int(s)} 个集群（{c}），其中 {int(o)} 对集群仅靠其连接"
                for s, c, o in zip(spanned[pos], listed, n_sole, strict=True)
            ],
        },
        {
            "clusters_spanned": spanned[pos].astype(np.int64),
            "pairs_spanned": n_pairs,
            "sole_pairs": n_sole,
            "clusters": pd.array(listed, dtype="string"),
            "constraint": constraint,
            "effective_size": esize,
        },
        [few] if few is not None else [],
    )


#: The least relatedness (chain + industry overlap / 2) that makes an unlinked pair of
#: clusters a gap.
MIN_RELATEDNESS = 0.05


def unspanned_cluster_pairs(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
    clusters: ClusterOptions = None,
) -> pd.DataFrame:
    """Pairs of supply clusters with a reason to work together that nobody links.

    The reason is their relatedness, ``chain + industry_overlap / 2``: ``chain`` = the
    products of one are inputs (UPSTREAM_OF) of the other's, sum over product pairs of
    the shares of members making them, both directions; ``industry_overlap`` = the
    overlap of their industry mixes (sum over industries of the product of member
    shares).  Only pairs related at least :data:`MIN_RELATEDNESS` are gaps (0.05: e.g.
    a third of each cluster's members in one shared industry, or one in twenty product
    links); below it the pair has too little in common for a link to matter.  A pair is
    unspanned when no organisation touches both (see :func:`brokers`).

    Parameters
    ----------
    G : EcosystemGraph
    year : int, optional
        As of this year.
    city, industry : str, optional
        Only pairs with a member of either cluster in this city / industry.
    clusters : mapping, optional
        Options of :func:`innokg.queries.clusters.supply_clusters`.

    Returns
    -------
    pandas.DataFrame
        One row per unspanned pair with positive affinity; the core columns (see the
        module) with ``entity`` = ``cluster:A|cluster:B``, ``name`` = their labels and
        ``severity`` = the relatedness ``chain + industry_overlap / 2`` (pairs ranked by
        it), then ``cluster_a``, ``cluster_b``,
        ``size_a``, ``size_b`` (int), ``chain`` and ``industry_overlap`` (float).

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": i, "name": i} for i in "abcdef"],
    ...      "Product": [{"id": "steel", "name": "钢材"}, {"id": "car", "name": "汽车"}]},
    ...     {"SUPPLIES": [("a", "b"), ("b", "c"), ("d", "e"), ("e", "f")],
    ...      "PRODUCES": [("a", "steel"), ("d", "car")],
    ...      "UPSTREAM_OF": [("steel", "car")]},
    ... )
    >>> unspanned_cluster_pairs(G)[["entity", "severity"]].to_dict("records")
    [{'entity': 'cluster:1|cluster:2', 'severity': 0.1111}]
    """
    A = arrays(G)
    labels_c = cluster_labels(G, year=year, **(clusters or {}))
    T, k = _touches(A, labels_c, year)
    few = _clusters_note(_cluster_count(labels_c), 2)
    if few is not None:
        return _table("unspanned_pair", {"entity": np.array([], dtype=object)}, notes=[few])
    firms = np.flatnonzero(labels_c >= 0)
    M = sp.csr_array((np.ones(len(firms)), (labels_c[firms], firms)), shape=(k, A.n))
    size = np.asarray(M.sum(axis=1)).ravel()
    inv = sp.diags_array(1.0 / np.maximum(size, 1))
    makes = inv @ M @ A.matrix(["PRODUCES"], year=year)
    chain = makes @ A.matrix(["UPSTREAM_OF"], year=year) @ makes.T
    chain = (chain + chain.T).tocoo()
    ind = A.industry()
    has = ind[firms] >= 0
    CI = sp.csr_array((np.ones(has.sum()), (labels_c[firms][has], ind[firms][has])), shape=(k, A.n))
    CI = inv @ CI
    overlap = (CI @ CI.T).tocoo()
    aff = pd.concat(
        [
            pd.DataFrame({"a": chain.row, "b": chain.col, "chain": chain.data, "ind": 0.0}),
            pd.DataFrame({"a": overlap.row, "b": overlap.col, "chain": 0.0, "ind": overlap.data}),
        ]
    )
    aff = aff[(aff["a"] < aff["b"]) & (aff["a"] >= 1)]
    aff = aff.groupby(["a", "b"], as_index=False)[["chain", "ind"]].sum()
    spanned = _spanning(T)[["a", "b"]].drop_duplicates()
    aff = aff.merge(spanned.assign(spanned=True), on=["a", "b"], how="left")
    # related enough to be worth linking: a pair with (almost) nothing in common is no gap
    aff = aff[aff["spanned"].isna() & (aff["chain"] + aff["ind"] / 2 >= MIN_RELATEDNESS)]
    if city is not None or industry is not None:
        ok = np.unique(labels_c[(labels_c >= 0) & _filtered(G, A, city, industry)])
        aff = aff[aff["a"].isin(ok) | aff["b"].isin(ok)]
    table = supply_clusters(G, year=year, **(clusters or {})).set_index("cluster")
    a, b = aff["a"].to_numpy(np.int64), aff["b"].to_numpy(np.int64)
    la = table["label"].reindex(a).astype(str).to_numpy(object)
    lb = table["label"].reindex(b).astype(str).to_numpy(object)
    pa = table["products"].reindex(a).astype(str).to_numpy(object)
    pb = table["products"].reindex(b).astype(str).to_numpy(object)
    size_a = table["size"].reindex(a).to_numpy(float)
    size_b = table["size"].reindex(b).to_numpy(float)
    sev = (aff["chain"] + aff["ind"] / 2).to_numpy(float).round(4)
    return _table(
        "unspanned_pair",
        {
            "entity": [f"cluster:{x}|cluster:{y}" for x, y in zip(a, b, strict=True)],
            "name": la + " | " + lb,
            "label": np.full(len(a), "ClusterPair", dtype=object),
            "missing": np.full(len(a), "an organisation linking the two clusters"),
            "missing_zh": np.full(len(a), "连接两个集群的企业或机构"),
            "severity": sev,
            "city": table["main_city"].reindex(a).astype(str).to_numpy(object),
            "detail": [
                f"cluster {x} ({p or 'no products'}) and cluster {y} ({q or 'no products'}): "
                f"chain affinity {c:.2f}, industry overlap {i:.2f}; no organisation links them"
                for x, y, p, q, c, i in zip(a, b, pa, pb, aff["chain"], aff["ind"], strict=True)
            ],
            "detail_zh": [
                f"集群 {x}（{p}）与集群 {y}（{q}）产业链关联 {c:.2f}、行业重合 {i:.2f}，"
                "但没有任何企业或机构同时连接两者"
                for x, y, p, q, c, i in zip(a, b, pa, pb, aff["chain"], aff["ind"], strict=True)
            ],
        },
        {
            "cluster_a": a,
            "cluster_b": b,
            "size_a": size_a.astype(np.int64),
            "size_b": size_b.astype(np.int64),
            "chain": aff["chain"].round(6).to_numpy(float),
            "industry_overlap": aff["ind"].round(6).to_numpy(float),
        },
    )


#: Every kind of gap: key -> (function, Chinese, English description).
GAP_KINDS: dict[str, tuple[Callable[..., pd.DataFrame], str, str]] = {
    "no_research_partner": (
        research_gaps,
        "无研发合作伙伴的大中型工业企业",
        "large and medium industrial firms with no research partner",
    ),
    "cluster_support": (
        cluster_support_gaps,
        "缺少科研机构、联盟、基金或平台的集群（供应链集群、城市专业化产业）",
        "clusters (supply clusters, cities' specialised industries) without an institute, "
        "alliance, fund or platform",
    ),
    "team_no_finance": (finance_gaps, "未获投资的创客团队", "maker teams with no investor"),
    "below_target": (
        target_gaps,
        "未达政策目标的城市和行业",
        "cities and industries below a policy target",
    ),
    "single_source": (
        single_source_gaps,
        "单一来源的投入品",
        "inputs a buyer gets from one supplier",
    ),
    "structural_hole": (
        structural_holes,
        "联系冗余、缺少结构洞的组织（Burt 约束度）",
        "organisations with redundant contacts (Burt's constraint)",
    ),
    "broker": (brokers, "跨集群的桥梁组织", "organisations spanning clusters"),
    "unspanned_pair": (
        unspanned_cluster_pairs,
        "无人连接的集群对",
        "pairs of related clusters that no one links",
    ),
}
_USES_CLUSTERS = {"cluster_support", "broker", "unspanned_pair"}


def collaboration_gaps(
    G: EcosystemGraph,
    *,
    kinds: Sequence[str] | None = None,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
    limit: int | None = None,
    clusters: ClusterOptions = None,
) -> pd.DataFrame:
    """Every kind of gap, stacked: the core columns of each kind's table.

    Parameters
    ----------
    G : EcosystemGraph
    kinds : sequence of str, optional
        Keys of :data:`GAP_KINDS` (default all).
    year : int, optional
        As of this year.
    city, industry : str, optional
        Only gaps in this city / industry.
    limit : int, optional
        Keep the most severe ``limit`` rows of each kind.
    clusters : mapping, optional
        Options of :func:`innokg.queries.clusters.supply_clusters`.

    Returns
    -------
    pandas.DataFrame
        The core columns (see the module), kind by kind in the order of
        :data:`GAP_KINDS`, most severe first within a kind.

    Raises
    ------
    QueryError
        For an unknown kind.
    """
    chosen = list(kinds) if kinds else list(GAP_KINDS)
    unknown = [k for k in chosen if k not in GAP_KINDS]
    if unknown:
        raise QueryError(f"unknown gap kind(s) {', '.join(unknown)}; known: {', '.join(GAP_KINDS)}")
    frames = []
    for kind in chosen:
        func = GAP_KINDS[kind][0]
        options: dict[str, Any] = {"year": year, "city": city, "industry": industry}
        if kind in _USES_CLUSTERS:
            options["clusters"] = clusters
        df = func(G, **options)[list(CORE_COLUMNS)]
        frames.append(df.head(limit) if limit is not None else df)
    return pd.concat(frames, ignore_index=True)
