"""Gaps in the organisation network: structural holes (``structural_hole``), the brokers
linking clusters (``broker``), and related clusters no organisation links
(``unspanned_pair``)."""

from __future__ import annotations

from collections.abc import Sequence

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
)
from innokg.queries.clusters import (
    cluster_labels,
    supply_clusters,
)
from innokg.queries.gaps.burt import burt_measures
from innokg.queries.gaps.table import (
    ClusterOptions,
    _city_names,
    _cluster_count,
    _clusters_note,
    _filtered,
    _in_scope,
    _note,
    _table,
    _text_rows,
)
from innokg.queries.kept import kept
from innokg.queries.sets import distinct

_BURT = ("degree", "constraint", "esize")
# what the kept constraint depends on besides the package and the year
_BURT_CODE = (
    "innokg.queries.gaps.holes",
    "innokg.queries.gaps.burt",
    "innokg.queries.arrays",
    "innokg.queries.graph_arrays",
)

__all__ = [
    "MIN_CONTACTS",
    "MIN_RELATEDNESS",
    "brokers",
    "keep_constraint",
    "structural_holes",
    "unspanned_cluster_pairs",
]

#: The fewest contacts an organisation needs in the organisation network to be ranked
#: by Burt's constraint.  With two contacts the measure has one tie among contacts to go
#: on, and it lies between 0.5 and 1.125 whatever the organisation does: a ranking of such
#: firms sorts them by how few links the data records, not by redundancy.  With three
#: there are three possible ties among contacts, effective size can take several values,
#: and the constraint starts at 1/3.  (One contact gives constraint 1 by definition.)
MIN_CONTACTS = 3


def _burt_all(A: GraphArrays, year: int | None) -> tuple[np.ndarray, ...]:
    """Degree, Burt's constraint and effective size of every organisation (in the order
    of their positions), computed once and kept beside the package."""
    key = ("gaps-burt", year)
    if key not in A.memo:  # once for every organisation: structural holes and brokers share it
        n = int(A.mask(*ORGANISATIONS).sum())  # the organisation network's vertices

        def compute() -> dict[str, np.ndarray]:
            nodes = np.flatnonzero(A.mask(*ORGANISATIONS))
            degree, constraint, trans = burt_measures(
                A.adjacency(ORG_EDGES, year=year)[nodes][:, nodes]
            )
            esize = np.where(degree > 0, degree - (degree - 1) * trans, np.nan)
            return {"degree": degree, "constraint": constraint, "esize": esize}

        found = kept(
            A.G,
            "burt",
            {"year": year},
            compute,
            code=_BURT_CODE,
            check=lambda f: all(len(f.get(k, ())) == n for k in _BURT),
        )
        A.memo[key] = tuple(found[k] for k in _BURT)
    result: tuple[np.ndarray, ...] = A.memo[key]
    return result


def keep_constraint(G: EcosystemGraph, *, year: int | None = None) -> int:
    """Compute Burt's constraint of every organisation as of ``year`` now, and keep it
    beside the package for :func:`structural_holes` and :func:`brokers` (``innokg
    prepare``); returns how many organisations were measured.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abc"]},
    ...                {"SUPPLIES": [("a", "b"), ("b", "c")]})
    >>> keep_constraint(G)
    3
    """
    return len(_burt_all(arrays(G), year)[0])


def _burt(
    A: GraphArrays, year: int | None, pos: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Degree, Burt's constraint and effective size of ``pos`` in the organisation graph."""
    local = np.searchsorted(np.flatnonzero(A.mask(*ORGANISATIONS)), pos)
    degree, constraint, esize = _burt_all(A, year)
    return degree[local], constraint[local], esize[local]


def structural_holes(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
    labels: Sequence[str] = ORGANISATIONS,
    min_degree: int = MIN_CONTACTS,
) -> pd.DataFrame:
    """Burt's constraint and effective size of organisations.

    High constraint means an organisation's contacts are tied to each other: it spans
    no structural hole and hears little that its contacts do not.  Organisations with
    fewer than ``min_degree`` contacts (default :data:`MIN_CONTACTS`, 3) are left out:
    with one or two contacts the constraint measures how few links the data has, not
    redundancy.

    Parameters
    ----------
    G : EcosystemGraph
        The graph: its organisation network (see the module).
    year : int, optional
        As of this year.
    city, industry : str, optional
        Only organisations in this city / industry.
    labels : sequence of str
        Labels to report (all organisations are in the network regardless).
    min_degree : int
        Fewest contacts to be reported (1 reports every linked organisation).

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
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abc"]},
    ...                {"SUPPLIES": [("a", "b"), ("b", "c"), ("a", "c")]})
    >>> structural_holes(G, min_degree=2)[["entity", "constraint", "effective_size"]].to_dict(
    ...     "records")[0]
    {'entity': 'a', 'constraint': 1.125, 'effective_size': 1.0}
    >>> structural_holes(G)["entity"].tolist()  # two contacts each: not ranked by default
    ['not_measurable:few_contacts']
    """
    A = arrays(G)
    unknown = [x for x in labels if x not in ORGANISATIONS]
    if unknown:
        raise QueryError(f"labels must be organisations ({', '.join(ORGANISATIONS)})")
    nodes = np.flatnonzero(A.mask(*ORGANISATIONS))  # the organisation graph's vertices
    degree_all = _burt_all(A, year)[0].astype(np.int64)
    ok = (degree_all >= min_degree) & A.mask(*labels)[nodes] & A.alive(year)[nodes]
    ok &= _filtered(G, A, city, industry)[nodes]
    pos = _in_scope(G, nodes[ok])
    degree, constraint, esize = _burt(A, year, pos)
    notes = []
    if not degree_all.any():  # no edge among organisations
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
    elif not (degree_all >= min_degree).any():  # links, but too few per organisation
        notes.append(
            _note(
                "few_contacts",
                f"organisations with {min_degree} or more contacts",
                f"有 {min_degree} 个以上联系方的组织",
                f"no organisation has {min_degree} or more contacts in the data: Burt's "
                "constraint would rank them by how few links are recorded",
                f"数据中没有联系方达 {min_degree} 个的组织，约束度只反映记录的联系少",
            )
        )
    said = _redundancy(esize, degree)
    en, zh = (np.array([r[i] for r in _REDUNDANCY], dtype=object)[said] for i in (0, 1))
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
            "detail": _text_rows(
                f"constraint {c:.2f}; effective size {e:.1f} of {int(d)} contacts; {r}"
                for c, e, d, r in zip(constraint, esize, degree, en, strict=True)
            ),
            "detail_zh": _text_rows(
                f"约束度 {c:.2f}；{int(d)} 个联系方中有效规模 {e:.1f}，{r}"
                for c, e, d, r in zip(constraint, esize, degree, zh, strict=True)
            ),
        },
        {
            "degree": degree.astype(np.int64),
            "constraint": constraint,
            "effective_size": esize,
            "efficiency": esize / np.where(degree > 0, degree, np.nan),
        },
        notes,
    )


#: What the effective size says of the contacts, in English and Chinese (see
#: :func:`_redundancy`).
_REDUNDANCY = (
    (
        "no two contacts are linked: the constraint comes from having few contacts",
        "联系方之间互不相连，约束来自联系方少",
    ),
    ("most contacts are linked to each other", "联系方之间多已相连"),
    ("some contacts are linked to each other", "部分联系方之间已相连"),
)


def _redundancy(esize: np.ndarray, degree: np.ndarray) -> np.ndarray:
    """Which of :data:`_REDUNDANCY` each effective size says: none of the contacts
    linked (the constraint comes from having few), most of them, or some."""
    few = esize >= degree - 1e-9
    return np.where(few, 0, np.where(esize <= degree / 2, 1, 2))


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
    """Organisations that alone link a pair of supply clusters.

    An organisation spans clusters A and B when it is a member of one and linked to a
    member of the other, or linked to members of both (organisation network, see the
    module).  It is a gap when some pair it spans has no other organisation spanning
    it: that tie goes with it.  An organisation whose every pair has another spanner
    lacks nothing and has no row, so an empty table (without a note row) means: measured,
    and no pair of clusters depends on a single organisation.

    Parameters
    ----------
    G : EcosystemGraph
        The graph: its organisation network and its supply clusters.
    year : int, optional
        As of this year.
    city, industry : str, optional
        Only organisations in this city / industry.
    clusters : mapping, optional
        Options of :func:`innokg.queries.clusters.supply_clusters`.

    Returns
    -------
    pandas.DataFrame
        One row per organisation that alone spans at least one pair of clusters; the
        core columns (see the module) with ``severity`` = the cluster pairs that only
        it spans (1 or more: the ties that would go with it; the missing thing is a
        second broker), then
        ``clusters_spanned`` (int), ``pairs_spanned`` (int), ``sole_pairs`` (int),
        ``clusters`` (str: up to ten cluster ids), ``constraint`` (float) and
        ``effective_size`` (float).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
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
    # a broker whose every pair has another broker lacks nothing: no row (the table
    # lists gaps, and "0 pairs depend on it" is none)
    pos, n_sole = pos[n_sole > 0], n_sole[n_sole > 0]
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


def _affinity(A: GraphArrays, labels_c: np.ndarray, k: int, year: int | None) -> pd.DataFrame:
    """Every pair of clusters ``a < b`` with something in common: ``chain``, how much of
    what one makes is an input of what the other makes, and ``ind``, how far their
    industries overlap (both per member, from cluster labels ``labels_c``; an industry
    counts for a cluster when at least two of its members are in it)."""
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
    # an industry that one member alone brings is that firm's, not the cluster's: on
    # small clusters one firm each would make furniture and road transport "related"
    CI.data[CI.data < 2] = 0
    CI.eliminate_zeros()
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
    return aff


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
        The graph: its supply clusters, their members' products and industries, and
        the organisation network.
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
    >>> from innokg.graph.testing import make_graph
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
    aff = _affinity(A, labels_c, k, year)
    spanned = _spanning(T)[["a", "b"]].drop_duplicates()
    aff = aff.merge(spanned.assign(spanned=True), on=["a", "b"], how="left")
    # related enough to be worth linking: a pair with (almost) nothing in common is no gap
    aff = aff[aff["spanned"].isna() & (aff["chain"] + aff["ind"] / 2 >= MIN_RELATEDNESS)]
    if city is not None or industry is not None:
        ok = distinct(labels_c[(labels_c >= 0) & _filtered(G, A, city, industry)])
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
