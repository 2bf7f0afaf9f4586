"""Who bridges the supply clusters: the brokers that alone link a pair of clusters
(``broker``), and related clusters no organisation links (``unspanned_pair``)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import ORG_EDGES, ORGANISATIONS, GraphArrays, arrays
from innokg.queries.clusters import cluster_labels, supply_clusters
from innokg.queries.gaps.constraint import burt_of
from innokg.queries.gaps.table import (
    ClusterOptions,
    _city_names,
    _cluster_count,
    _clusters_note,
    _decimals,
    _filtered,
    _first,
    _in_scope,
    _joined,
    _repeated,
    _severity_order,
    _table,
    _text,
)
from innokg.queries.node_text import node_text
from innokg.queries.sets import distinct, find_sorted
from innokg.queries.sparse_rows import entries

__all__ = ["MIN_RELATEDNESS", "brokers", "unspanned_cluster_pairs"]


def _touches(A: GraphArrays, labels_c: np.ndarray, year: int | None) -> tuple[sp.csr_array, int]:
    """Node x cluster matrix: 1 where the node is in or next to a member of the cluster."""
    k = int(labels_c.max()) + 1 if len(labels_c) and labels_c.max() >= 0 else 0
    firms = np.flatnonzero(labels_c >= 0)
    M = sp.csr_array((np.ones(len(firms)), (firms, labels_c[firms])), shape=(A.n, max(k, 1)))
    S = A.adjacency(ORG_EDGES, year=year)
    T = (S @ M + M).tocsr()
    T.data[:] = 1.0
    return T, k


class _Spans(NamedTuple):
    """The pairs of clusters ``a < b`` that some node touches (see :func:`_spans`)."""

    keys: np.ndarray  # a * T.shape[1] + b, sorted
    only: np.ndarray  # the node when it is the only one to touch both, else -1


def _spans(T: sp.csr_array) -> _Spans:
    """Every pair of clusters a node touches, with its spanners counted.

    Products of the touch matrix with itself, cluster by cluster: the memory grows with
    the pairs (at most k²), where listing each node's pairs grew with the sum over nodes
    of the square of their clusters.  The second product weighs each node by its
    position plus one, so where one node alone touches a pair the sum is that node (in
    integers: exact)."""
    nodes = np.flatnonzero(np.diff(T.indptr) >= 2)  # one cluster spans no pair
    touch = T[nodes].astype(np.int64)  # ones (see _touches)
    across = touch.T.tocsr()
    keys, count = entries(sp.triu(across @ touch, k=1, format="csr"))
    touch.data = np.repeat(nodes + 1, np.diff(touch.indptr))
    _, weight = entries(sp.triu(across @ touch, k=1, format="csr"))  # same pattern
    only = np.where(count == 1, weight - 1, -1)
    return _Spans(keys, only)


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
    spans = _spans(T)
    sole = np.bincount(spans.only[spans.only >= 0], minlength=A.n)
    spanned = np.diff(T.indptr)
    pos = np.flatnonzero((spanned >= 2) & A.mask(*ORGANISATIONS) & A.alive(year))
    pos = _in_scope(G, pos[_filtered(G, A, city, industry)[pos]])
    n_sole = sole[pos].astype(np.int64)
    # a broker whose every pair has another broker lacks nothing: no row (the table
    # lists gaps, and "0 pairs depend on it" is none)
    pos, n_sole = pos[n_sole > 0], n_sole[n_sole > 0]
    d = spanned[pos].astype(np.int64)
    n_pairs = d * (d - 1) // 2  # every pair of the clusters it touches
    listed = [
        ", ".join(str(c) for c in T.indices[T.indptr[p] : T.indptr[p + 1]][:10]) for p in pos
    ]  # only brokers, a small share of the nodes
    _, constraint, esize = burt_of(A, year, pos)
    label = np.array(A.label_names, dtype=object)[A.label_code[pos]]
    return _table(
        "broker",
        {
            "entity": _text(node_text(A, "id", pos)),
            "name": _text(node_text(A, "name", pos)),
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
    limit: int | None = None,
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
    limit : int, optional
        Word and return only the most severe ``limit`` pairs; ``attrs["rows"]`` says
        how many there are in all (millions at national scale, where a page shows ten).

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
    keys = aff["a"].to_numpy(np.int64) * T.shape[1] + aff["b"].to_numpy(np.int64)
    spanned = find_sorted(_spans(T).keys, keys) >= 0
    del T  # the touches are done with: the sentences below can take millions of rows
    # related enough to be worth linking: a pair with (almost) nothing in common is no gap
    aff = aff[~spanned & (aff["chain"] + aff["ind"] / 2 >= MIN_RELATEDNESS).to_numpy()]
    if city is not None or industry is not None:
        ok = distinct(labels_c[(labels_c >= 0) & _filtered(G, A, city, industry)])
        aff = aff[aff["a"].isin(ok) | aff["b"].isin(ok)]
    table = supply_clusters(G, year=year, **(clusters or {})).set_index("cluster")
    a, b = aff["a"].to_numpy(np.int64), aff["b"].to_numpy(np.int64)
    entity = _joined("cluster:", pa.array(a), "|cluster:", pa.array(b))
    sev = (aff["chain"] + aff["ind"] / 2).to_numpy(float).round(4)
    rows = len(a)
    order = _severity_order(sev, entity)[_first(limit, rows)]  # before the sentences
    aff, a, b, sev, entity = aff.iloc[order], a[order], b[order], sev[order], entity.take(order)
    at_a, at_b = table.index.get_indexer(a), table.index.get_indexer(b)

    def of(column: str, at: np.ndarray) -> pa.Array:  # a cluster's text at each row
        return pa.array(table[column].array).take(pa.array(at, mask=at < 0))

    def products(at: np.ndarray) -> pa.Array:
        made = of("products", at)
        return pc.if_else(pc.equal(pc.utf8_length(made), 0), "no products", made)

    xa, xb = (pa.array(x).cast(pa.large_string()) for x in (a, b))
    chain, ind = _decimals(aff["chain"].to_numpy()), _decimals(aff["ind"].to_numpy())
    # one Arrow string per row and column: at ten million nodes there are millions of pairs
    detail = _joined(
        "cluster ", xa, " (", products(at_a), ") and cluster ", xb, " (", products(at_b),
        "): chain affinity ", chain, ", industry overlap ", ind, "; no organisation links them",
    )  # fmt: skip
    detail_zh = _joined(
        "集群 ", xa, "（", of("products", at_a), "）与集群 ", xb, "（", of("products", at_b),
        "）产业链关联 ", chain, "、行业重合 ", ind, "，但没有任何企业或机构同时连接两者",
    )  # fmt: skip
    size_a = table["size"].to_numpy(np.int64)[at_a]
    size_b = table["size"].to_numpy(np.int64)[at_b]
    return _table(
        "unspanned_pair",
        {
            "entity": _text(entity),
            "name": _text(_joined(of("label", at_a), " | ", of("label", at_b))),
            "label": _repeated("ClusterPair", len(a)),
            "missing": _repeated("an organisation linking the two clusters", len(a)),
            "missing_zh": _repeated("连接两个集群的企业或机构", len(a)),
            "severity": sev,
            "city": _text(of("main_city", at_a)),
            "detail": _text(detail),
            "detail_zh": _text(detail_zh),
        },
        {
            "cluster_a": a,
            "cluster_b": b,
            "size_a": size_a,
            "size_b": size_b,
            "chain": aff["chain"].round(6).to_numpy(float),
            "industry_overlap": aff["ind"].round(6).to_numpy(float),
        },
        ordered=True,
        rows=None if limit is None else rows,
    )
