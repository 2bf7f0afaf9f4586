"""How good are the candidate partnerships?  Held-out evaluation against baselines.

What a user sees is the top of *one* source's list (``innokg partners --for FIRM``), so
the headline measure is per-source ranking.  For each kind of partnership some linked
pairs are hidden, giving a training graph, and on that graph

- **per-source ranking**: for every source with hidden partners, *all* its candidate
  targets (every node of the target label, except itself and the partners it already
  has in the training graph) are ranked by each method; the other hidden partners of
  the source are left out of the competition (the "filtered" setting).  Ties are broken
  at random, and the metrics are their exact expectation: with ``g`` competitors above
  and ``e`` tied, the rank is uniform on ``g + 1 .. g + e + 1``.  Per source, the mean
  over its hidden partners of **hits@10** (the partner is among the first 10), the
  **reciprocal rank** and the **rank**; then the mean over sources (macro average:
  every source counts once, however many partners it lost).  See
  :func:`ranking_metrics`.
- **AUC**: hidden pairs against a seeded sample of pairs linked neither in the training
  nor in the full graph (``negatives`` per hidden pair): the probability that a hidden
  pair scores above a sampled one, ties counting half.
- **precision@k**: the share of the method's own top ``k`` unlinked pairs of the whole
  training graph that are hidden pairs.

Two splits: ``random`` hides a seeded ``fraction`` of the linked pairs (one split per
seed, ``seeds`` of them), and ``temporal`` hides the links formed in the last
``test_years`` years of the kind's links (edges with ``since``) and trains on the graph
as it was before: every edge of any type formed from then on is removed, and only
pairs of nodes that existed before are tested (:func:`temporal_split`).

Methods: ``innokg`` (typed meta-paths and complementarity; for enterprise–institute
also the place meta-paths and each side's partners of the kind,
:mod:`innokg.queries.partners`) and the baselines, computed the same way on the
untyped training graph (every edge type, undirected, simple):
``preferential_attachment`` (product of degrees), ``common_neighbours``,
``adamic_adar``, and ``same_city_random`` (a candidate in the source's city first, at
random among them; its ranking metrics are exact expectations).

A kind that cannot be evaluated (no linked pairs to hold out; no years on its links
for the temporal split) gets one line in :attr:`PartnerEvaluation.notes`, never a
metric computed on nothing.

Examples
--------
>>> from innokg.graph.ecosystem import EcosystemGraph
>>> G = EcosystemGraph.open("innokg-demo")  # doctest: +SKIP
>>> evaluate_partners(G, kinds=["enterprise-institute"]).summary  # doctest: +SKIP
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.special import digamma
from scipy.stats import rankdata

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.graph.schema import EDGE_TYPES
from innokg.queries.arrays import GraphArrays, arrays
from innokg.queries.partners import KINDS, Kind, candidate_partners, graph_scope, score_pairs

__all__ = [
    "BASELINES",
    "METHODS",
    "SPLITS",
    "PartnerEvaluation",
    "auc",
    "evaluate_partners",
    "hide_edges",
    "ranking_metrics",
    "temporal_split",
]

#: The baselines, in the order they are reported.
BASELINES = ("preferential_attachment", "common_neighbours", "adamic_adar", "same_city_random")
#: Every method, innokg first.
METHODS = ("innokg", *BASELINES)
#: The splits.
SPLITS = ("random", "temporal")
#: The metrics compared when saying where a baseline beats innokg (higher is better).
_COMPARED = (("hits_at_10", "hits@10"), ("mrr", "MRR"), ("auc", "AUC"))
_EULER = 0.5772156649015329
#: A difference below this (invisible at three decimals) is not called a win.
_WIN = 5e-4


def auc(positives: np.ndarray, negatives: np.ndarray) -> float:
    """Area under the ROC curve: P(positive > negative), ties counting half.

    >>> auc(np.array([3.0, 2.0]), np.array([1.0, 2.0]))
    0.875
    """
    if len(positives) == 0 or len(negatives) == 0:
        return float("nan")
    ranks = rankdata(np.concatenate([positives, negatives]))
    p, n = len(positives), len(negatives)
    return float((ranks[:p].sum() - p * (p + 1) / 2) / (p * n))


def _harmonic(n: np.ndarray) -> np.ndarray:
    """H(n) = 1 + 1/2 + ... + 1/n (H(0) = 0)."""
    return digamma(np.asarray(n, dtype=float) + 1) + _EULER


def ranking_metrics(
    scores: np.ndarray, candidates: np.ndarray, hidden: np.ndarray, *, k: int = 10
) -> pd.DataFrame:
    """Where each source's hidden partners fall in its own ranked list.

    Parameters
    ----------
    scores : numpy.ndarray
        Sources x targets: the method's score of every pair (higher ranks first).
    candidates : numpy.ndarray of bool
        Same shape: the targets the source's list may hold (not itself, not its
        partners in the training graph).  Hidden partners must be candidates.
    hidden : numpy.ndarray of bool
        Same shape: the source's hidden partners.  Each one is ranked against the
        candidates that are not hidden (the other hidden partners do not compete).
    k : int
        The k of hits@k.

    Returns
    -------
    pandas.DataFrame
        One row per source (row of ``scores``) with at least one hidden partner:
        ``row`` (int), ``hidden`` (int), ``candidates`` (int), and the means over its
        hidden partners of ``hits_at_<k>`` (the probability that the partner is in the
        first k), ``reciprocal_rank`` and ``rank``, all exact expectations over a
        random order of tied scores.

    Examples
    --------
    One source, five candidates; the hidden one (score 3) has two above it and one
    tie, so its rank is 3 or 4:

    >>> m = ranking_metrics(np.array([[5.0, 4.0, 3.0, 3.0, 1.0]]),
    ...                     np.ones((1, 5), dtype=bool),
    ...                     np.array([[False, False, True, False, False]]), k=3)
    >>> m[["hits_at_3", "reciprocal_rank", "rank"]].round(4).to_dict("records")
    [{'hits_at_3': 0.5, 'reciprocal_rank': 0.2917, 'rank': 3.5}]
    """
    scores = np.round(np.asarray(scores, dtype=float), 12)  # float noise is not a ranking
    candidates, hidden = np.asarray(candidates, bool), np.asarray(hidden, bool)
    if not (scores.shape == candidates.shape == hidden.shape):
        raise QueryError("scores, candidates and hidden must have the same shape")
    if (hidden & ~candidates).any():
        raise QueryError("every hidden partner must be a candidate")
    rows = []
    for i in np.flatnonzero(hidden.any(axis=1)):
        others = np.sort(scores[i, candidates[i] & ~hidden[i]])
        mine = scores[i, hidden[i]]
        above = len(others) - np.searchsorted(others, mine, side="right")
        tied = np.searchsorted(others, mine, side="right") - np.searchsorted(
            others, mine, side="left"
        )
        hits = np.clip((k - above) / (tied + 1), 0.0, 1.0)
        rr = (_harmonic(above + tied + 1) - _harmonic(above)) / (tied + 1)
        rank = above + 1 + tied / 2
        rows.append(
            {
                "row": int(i),
                "hidden": len(mine),
                "candidates": len(others) + 1,
                f"hits_at_{k}": float(hits.mean()),
                "reciprocal_rank": float(rr.mean()),
                "rank": float(rank.mean()),
            }
        )
    columns = ["row", "hidden", "candidates", f"hits_at_{k}", "reciprocal_rank", "rank"]
    return pd.DataFrame(rows, columns=columns)


# --- pairs and splits -----------------------------------------------------------------


def _pairs(A: GraphArrays, kind: Kind) -> np.ndarray:
    """The linked (source, target) position pairs of ``kind``, one row each."""
    src_ok, dst_ok = A.mask(kind.source), A.mask(kind.target)
    parts = []
    for spec in kind.linked:
        etype, reverse = spec.removesuffix("^-1"), spec.endswith("^-1")
        s, d = A.edges(etype)
        if reverse:
            s, d = d, s
        ok = src_ok[s] & dst_ok[d] & (s != d)
        parts.append(np.column_stack([s[ok], d[ok]]))
    pairs = np.concatenate(parts) if parts else np.empty((0, 2), dtype=np.int64)
    if kind.symmetric:
        pairs = np.sort(pairs, axis=1)
    return np.unique(pairs.astype(np.int64), axis=0).reshape(-1, 2)


def _keys(pairs: np.ndarray, n: int, symmetric: bool) -> np.ndarray:
    keys = pairs[:, 0].astype(np.int64) * n + pairs[:, 1]
    if symmetric:
        keys = np.concatenate([keys, pairs[:, 1].astype(np.int64) * n + pairs[:, 0]])
    return np.unique(keys)


def _member(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """``np.isin(keys, sorted_keys)`` for sorted unique ``sorted_keys``, by binary search."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def _kind(key: str) -> Kind:
    spec = KINDS.get(key)
    if spec is None:
        raise QueryError(f"unknown kind {key!r}; known: {', '.join(KINDS)}")
    return spec


def _link_types(kind: Kind) -> list[str]:
    return list(dict.fromkeys(t.removesuffix("^-1") for t in kind.linked))


def _without_pairs(
    G: EcosystemGraph, A: GraphArrays, kind: Kind, keys: np.ndarray
) -> EcosystemGraph:
    """``G`` without every edge of the kind's types between the pairs of ``keys``."""
    edges = dict(G.edges)
    for etype in _link_types(kind):
        s, d = A.edges(etype)
        rows = A.edge_rows(etype)
        drop = _member(s.astype(np.int64) * A.n + d, keys) | _member(
            d.astype(np.int64) * A.n + s, keys
        )
        keep = np.ones(len(G.edges[etype]), dtype=bool)
        keep[rows[drop]] = False
        edges[etype] = G.edges[etype][keep].reset_index(drop=True)
    return EcosystemGraph(G.nodes, edges, manifest=G.manifest, path=G.path)


def _as_frame(A: GraphArrays, pairs: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame(
        {"source": A.ids[pairs[:, 0]].astype(str), "target": A.ids[pairs[:, 1]].astype(str)}
    )
    return out.astype("string")


def _random_hidden(
    pairs: np.ndarray, kind: Kind, fraction: float, seed: int, eligible: np.ndarray | None
) -> np.ndarray:
    pool = pairs if eligible is None else pairs[eligible]
    rng = np.random.default_rng([seed, zlib.crc32(kind.key.encode())])
    count = max(1, round(fraction * len(pool)))
    return pool[np.sort(rng.choice(len(pool), count, replace=False))]


def hide_edges(
    G: EcosystemGraph, kind: str, *, fraction: float = 0.1, seed: int = 2016
) -> tuple[EcosystemGraph, pd.DataFrame]:
    """A copy of ``G`` without a seeded random ``fraction`` of the pairs of ``kind``.

    Parameters
    ----------
    G : EcosystemGraph
    kind : str
        A key of :data:`innokg.queries.partners.KINDS`.
    fraction : float
        Share of the linked pairs to hide (at least one pair).
    seed : int
        The same seed hides the same pairs.

    Returns
    -------
    train : EcosystemGraph
        ``G`` without every edge of the kind's types between a hidden pair.
    hidden : pandas.DataFrame
        The hidden pairs: ``source`` and ``target`` ids (str).

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abc"]},
    ...                {"SUPPLIES": [("a", "b"), ("b", "c")]})
    >>> train, hidden = hide_edges(G, "enterprise-enterprise", fraction=0.5)
    >>> len(hidden), len(train.edges["SUPPLIES"])
    (1, 1)
    """
    if not 0 < fraction < 1:
        raise QueryError(f"fraction must be between 0 and 1 (got {fraction})")
    spec = _kind(kind)
    A = arrays(G)
    pairs = _pairs(A, spec)
    if len(pairs) < 2:
        raise QueryError(
            f"the graph has {len(pairs)} linked pair(s) of kind {kind}; "
            "at least 2 are needed to hide some and keep some"
        )
    hidden = _random_hidden(pairs, spec, fraction, seed, None)
    train = _without_pairs(G, A, spec, _keys(hidden, A.n, spec.symmetric))
    return train, _as_frame(A, hidden)


def _link_years(G: EcosystemGraph, A: GraphArrays, kind: Kind) -> np.ndarray:
    """The ``since`` year of every edge linking a pair of ``kind`` (NaN where unknown)."""
    src_ok, dst_ok = A.mask(kind.source), A.mask(kind.target)
    years = []
    for spec in kind.linked:
        etype, reverse = spec.removesuffix("^-1"), spec.endswith("^-1")
        s, d = A.edges(etype)
        if reverse:
            s, d = d, s
        ok = src_ok[s] & dst_ok[d]
        df = G.edges[etype]
        col = df["since"] if "since" in df.columns else pd.Series(np.nan, index=df.index)
        values = col.to_numpy(dtype="float64", na_value=np.nan)[A.edge_rows(etype)]
        years.append(values[ok])
    return np.concatenate(years) if years else np.empty(0)


def _before(G: EcosystemGraph, cutoff: int) -> EcosystemGraph:
    """``G`` as it was before ``cutoff``: every edge formed in or after it removed."""
    edges = {}
    for etype, df in G.edges.items():
        if "since" in df.columns and len(df):
            since = df["since"].to_numpy(dtype="float64", na_value=np.nan)
            edges[etype] = df[~(since >= cutoff)].reset_index(drop=True)
        else:
            edges[etype] = df
    return EcosystemGraph(G.nodes, edges, manifest=G.manifest, path=G.path)


def temporal_split(
    G: EcosystemGraph, kind: str, *, test_years: int = 1
) -> tuple[EcosystemGraph, pd.DataFrame, int]:
    """The graph before the last ``test_years`` years of the kind's links, and the
    pairs linked in those years.

    The last year is the latest ``since`` among the edges that link pairs of ``kind``;
    the test years are it and the ``test_years - 1`` before it.  The training graph is
    ``G`` without every edge (of any type) formed in a test year or later.  The hidden
    pairs are the pairs of ``kind`` linked in ``G`` but not in the training graph whose
    two nodes existed before the first test year (a node with a later ``since`` could
    not have been proposed).

    Returns
    -------
    train : EcosystemGraph
    hidden : pandas.DataFrame
        ``source`` and ``target`` ids (str) of the pairs first linked in the test years.
    cutoff : int
        The first test year.

    Raises
    ------
    QueryError
        When no link of the kind carries a year.

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abcd"]},
    ...                {"SUPPLIES": [("a", "b", {"since": 2018}), ("b", "c", {"since": 2019}),
    ...                              ("c", "d", {"since": 2020})]})
    >>> train, hidden, cutoff = temporal_split(G, "enterprise-enterprise")
    >>> hidden.to_dict("records"), cutoff, len(train.edges["SUPPLIES"])
    ([{'source': 'c', 'target': 'd'}], 2020, 2)
    """
    if test_years < 1:
        raise QueryError(f"test_years must be at least 1 (got {test_years})")
    spec = _kind(kind)
    A = arrays(G)
    years = _link_years(G, A, spec)
    if not np.isfinite(years).any():
        raise QueryError(f"no link of kind {kind} ({', '.join(_link_types(spec))}) has a year")
    cutoff = int(np.nanmax(years)) - test_years + 1
    train = _before(G, cutoff)
    T = arrays(train)
    if not T.ids.equals(A.ids):  # the same nodes, so the same positions
        raise QueryError("the training graph must keep the nodes of the graph")
    new = np.setdiff1d(_keys(_pairs(A, spec), A.n, False), _keys(_pairs(T, spec), A.n, True))
    pairs = np.column_stack([new // A.n, new % A.n]).astype(np.int64)
    alive = A.alive(cutoff - 1)
    pairs = pairs[alive[pairs[:, 0]] & alive[pairs[:, 1]]]
    return train, _as_frame(A, pairs), cutoff


# --- scoring --------------------------------------------------------------------------


def _negatives(
    A: GraphArrays, kind: Kind, linked: np.ndarray, count: int, rng: np.random.Generator
) -> np.ndarray:
    """Up to ``count`` distinct unlinked (source, target) pairs, drawn uniformly."""
    sources, targets = A.span(kind.source), A.span(kind.target)
    got = np.empty((0, 2), dtype=np.int64)
    if len(sources) == 0 or len(targets) == 0:
        return got
    for _ in range(8):  # a few draws suffice unless the pairs are nearly all linked
        need = count - len(got)
        if need <= 0:
            break
        draw = np.column_stack(
            [rng.choice(sources, 2 * need + 10), rng.choice(targets, 2 * need + 10)]
        )
        if kind.symmetric:
            draw = np.sort(draw, axis=1)
        ok = draw[:, 0] != draw[:, 1]
        ok &= ~_member(draw[:, 0].astype(np.int64) * A.n + draw[:, 1], linked)
        got = np.unique(np.concatenate([got, draw[ok]]), axis=0)
    if len(got) > count:
        got = got[np.sort(rng.choice(len(got), count, replace=False))]
    return got


class _Untyped:
    """The baselines over the untyped simple graph of a training graph."""

    def __init__(self, A: GraphArrays) -> None:
        self.A = A
        self.adj = A.adjacency(tuple(EDGE_TYPES))
        self.deg = np.diff(self.adj.indptr).astype(float)
        with np.errstate(divide="ignore"):
            w = np.where(self.deg > 1, 1.0 / np.log(np.maximum(self.deg, 2)), 0.0)
        self.weighted = sp.csr_array(self.adj @ sp.diags_array(w))
        self.city = A.city()

    def same_city(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return ((self.city[u] >= 0) & (self.city[u] == self.city[v])).astype(float)

    def score(
        self, method: str, u: np.ndarray, v: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """Scores of pairs; ``same_city_random`` breaks its ties with ``rng``."""
        if method == "preferential_attachment":
            return self.deg[u] * self.deg[v]
        if method == "same_city_random":
            return self.same_city(u, v) + 0.5 * rng.random(len(u))
        left = self.adj[u] if method == "common_neighbours" else self.weighted[u]
        return np.asarray(sp.csr_array(left).multiply(self.adj[v]).sum(axis=1)).ravel()

    def grid(self, method: str, rows: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Dense scores of every (row, target); ``same_city_random`` without its random
        part (its ties are resolved in expectation by :func:`ranking_metrics`), and
        preferential attachment as the target's degree: within one source's list the
        same order as the product of degrees, and an order still for a source with
        no link in the training graph (where the product is 0 for every target)."""
        if method == "preferential_attachment":  # the product's order, also for deg 0
            return np.broadcast_to(self.deg[targets], (len(rows), len(targets))).copy()
        if method == "same_city_random":
            c = self.city
            return ((c[rows][:, None] >= 0) & (c[rows][:, None] == c[targets][None, :])).astype(
                float
            )
        left = self.adj if method == "common_neighbours" else self.weighted
        return sp.csr_array(left[rows] @ sp.csr_array(self.adj[:, targets])).toarray()

    def top(
        self,
        method: str,
        kind: Kind,
        linked: np.ndarray,
        k: int,
        rng: np.random.Generator,
        batch: int = 1024,
    ) -> np.ndarray:
        """The best ``k`` unlinked (source, target) pairs by ``method``."""
        A = self.A
        sources, targets = A.span(kind.source), A.span(kind.target)
        if method == "same_city_random":  # random unlinked pairs, same-city ones first
            draw = _negatives(A, kind, linked, 50 * k + 1000, rng)
            order = np.argsort(-self.same_city(draw[:, 0], draw[:, 1]), kind="stable")
            return draw[order[:k]]
        if method == "preferential_attachment":
            s = sources[np.argsort(-self.deg[sources], kind="stable")[: 4 * k + 50]]
            t = targets[np.argsort(-self.deg[targets], kind="stable")[: 4 * k + 50]]
            grid = np.array(np.meshgrid(s, t, indexing="ij")).reshape(2, -1).T
            return self._best(grid, self.deg[grid[:, 0]] * self.deg[grid[:, 1]], kind, linked, k)
        left = self.adj if method == "common_neighbours" else self.weighted
        right = sp.csr_array(self.adj[:, targets])
        best = np.empty((0, 2), dtype=np.int64)
        best_score = np.empty(0)
        for start in range(0, len(sources), batch):  # one sparse product per batch
            rows = sources[start : start + batch]
            coo = sp.coo_array(left[rows] @ right)
            pairs = np.column_stack([rows[coo.row], targets[coo.col]])
            chosen = self._best(pairs, coo.data, kind, linked, k)
            chosen_score = self.score(method, chosen[:, 0], chosen[:, 1], rng)
            best = np.concatenate([best, chosen])
            best_score = np.concatenate([best_score, chosen_score])
        return self._best(best, best_score, kind, linked, k)

    def _best(
        self, pairs: np.ndarray, score: np.ndarray, kind: Kind, linked: np.ndarray, k: int
    ) -> np.ndarray:
        """The ``k`` best distinct unlinked pairs (ties: smaller positions first)."""
        n = self.A.n
        first, second = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
        if kind.symmetric:
            first, second = np.minimum(first, second), np.maximum(first, second)
        keys = first * n + second
        ok = first != second
        keys, score = keys[ok], score[ok]
        budget = 20 * k + len(linked)  # enough to survive removing every linked pair
        if len(keys) > budget:  # keep the strongest before sorting them all
            cut = np.partition(score, len(score) - budget)[len(score) - budget]
            keep = score >= cut
            keys, score = keys[keep], score[keep]
        fresh = ~_member(keys, linked)
        keys, score = keys[fresh], score[fresh]
        order = np.lexsort((keys, -score))
        _, once = np.unique(keys[order], return_index=True)
        best = keys[order[np.sort(once)][:k]]
        return np.column_stack([best // n, best % n])


def _precision(chosen: np.ndarray, hidden_keys: np.ndarray, n: int, k: int) -> float:
    keys = chosen[:k, 0].astype(np.int64) * n + chosen[:k, 1]
    return float(_member(keys, hidden_keys).sum() / k)


@dataclass
class _Options:
    method: str
    hub_cap: int
    tail_cap: int
    ks: tuple[int, ...]
    negatives: int
    top: int


def _universe(
    A: GraphArrays, kind: Kind, G: EcosystemGraph, alive: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Which nodes may be ranked as sources and which as targets: as
    :func:`~innokg.queries.partners.candidate_partners` proposes (on a province graph,
    the province's own sources, and institutes in it)."""
    place = graph_scope(G)
    source_ok = A.mask(kind.source) & alive
    target_ok = A.mask(kind.target) & alive
    if place is not None:
        source_ok &= place.inside
        if kind.target != "Enterprise":
            target_ok &= place.inside | ~A.mask("ResearchInstitute")
    return source_ok, target_ok


def _ranking(
    train: EcosystemGraph,
    A: GraphArrays,
    kind: Kind,
    hidden: np.ndarray,
    train_keys: np.ndarray,
    source_ok: np.ndarray,
    target_ok: np.ndarray,
    untyped: _Untyped,
    o: _Options,
) -> dict[str, dict[str, float]]:
    """Per-source ranking metrics of every method, macro-averaged over sources."""
    # for a symmetric kind each end's list should show the other
    oriented = np.concatenate([hidden, hidden[:, ::-1]]) if kind.symmetric else hidden
    oriented = oriented[source_ok[oriented[:, 0]] & target_ok[oriented[:, 1]]]
    rows = np.unique(oriented[:, 0])
    targets = np.flatnonzero(target_ok)
    empty: dict[str, dict[Any, Any]] = {m: {} for m in METHODS}
    if len(rows) == 0 or len(targets) == 0:
        return empty
    column = np.full(A.n, -1, dtype=np.int64)
    column[targets] = np.arange(len(targets))
    ids = A.ids.to_numpy()
    per_method: dict[str, list[pd.DataFrame]] = {m: [] for m in METHODS}
    chunk = max(1, 1_000_000 // len(targets))
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        u = np.repeat(part, len(targets))
        v = np.tile(targets, len(part))
        shape = (len(part), len(targets))
        linked = _member(u.astype(np.int64) * A.n + v, train_keys).reshape(shape)
        candidates = ~linked & (u != v).reshape(shape)
        mine = oriented[np.isin(oriented[:, 0], part)]
        hid = np.zeros(shape, dtype=bool)
        hid[np.searchsorted(part, mine[:, 0]), column[mine[:, 1]]] = True
        candidates |= hid  # a hidden pair is never linked in training
        grids = {
            "innokg": score_pairs(
                train,
                kind.key,
                ids[u],
                ids[v],
                method=o.method,
                hub_cap=o.hub_cap,
                tail_cap=o.tail_cap,
            ).reshape(shape)
        }
        for name in BASELINES:
            grids[name] = untyped.grid(name, part, targets)
        for name, grid in grids.items():
            per_method[name].append(ranking_metrics(grid, candidates, hid, k=o.top))
    out: dict[str, dict[str, float]] = {}
    for name, frames in per_method.items():
        m = pd.concat(frames, ignore_index=True)
        out[name] = {
            "sources": len(m),
            f"hits_at_{o.top}": float(m[f"hits_at_{o.top}"].mean()),
            "mrr": float(m["reciprocal_rank"].mean()),
            "mean_rank": float(m["rank"].mean()),
            "candidates": float(m["candidates"].mean()),
        }
    return out


def _run(
    G: EcosystemGraph,
    A: GraphArrays,
    kind: Kind,
    split: str,
    seed: int,
    train: EcosystemGraph,
    hidden: np.ndarray,
    alive: np.ndarray,
    o: _Options,
) -> list[dict[str, Any]]:
    """Every method's metrics on one split."""
    T = arrays(train)
    train_pairs = _pairs(T, kind)
    train_keys = _keys(train_pairs, A.n, kind.symmetric)
    hidden_keys = _keys(hidden, A.n, kind.symmetric)
    linked = _keys(_pairs(A, kind), A.n, kind.symmetric)
    untyped = _Untyped(T)
    source_ok, target_ok = _universe(A, kind, G, alive)
    ranks = _ranking(train, A, kind, hidden, train_keys, source_ok, target_ok, untyped, o)
    rng = np.random.default_rng([seed, zlib.crc32(kind.key.encode()), zlib.crc32(split.encode())])
    neg = _negatives(A, kind, linked, min(o.negatives * len(hidden), 200_000), rng)
    both = np.concatenate([hidden, neg])
    ids = A.ids.to_numpy()
    scores = {
        "innokg": score_pairs(
            train,
            kind.key,
            ids[both[:, 0]],
            ids[both[:, 1]],
            method=o.method,
            hub_cap=o.hub_cap,
            tail_cap=o.tail_cap,
        )
    }
    top = candidate_partners(
        train,
        kinds=[kind.key],
        k=max(o.ks),
        method=o.method,  # type: ignore[arg-type]
        hub_cap=o.hub_cap,
        tail_cap=o.tail_cap,
        notes=False,
    )
    ours = np.column_stack([T.index(top["source"]), T.index(top["target"])]).astype(np.int64)
    if kind.symmetric and len(ours):
        ours = np.sort(ours, axis=1)
    tops = {"innokg": ours.reshape(-1, 2)}
    for name in BASELINES:
        scores[name] = untyped.score(name, both[:, 0], both[:, 1], rng)
        tops[name] = untyped.top(name, kind, train_keys, max(o.ks), rng)
    rows = []
    for name in METHODS:
        row: dict[str, Any] = {"kind": kind.key, "split": split, "seed": seed, "method": name}
        row.update(ranks.get(name) or {})
        row["auc"] = auc(scores[name][: len(hidden)], scores[name][len(hidden) :])
        for k in o.ks:
            row[f"precision_at_{k}"] = _precision(tops[name], hidden_keys, A.n, k)
        row.update(hidden=len(hidden), negatives=len(neg), train_pairs=len(train_pairs))
        rows.append(row)
    return rows


# --- the result -----------------------------------------------------------------------


@dataclass
class PartnerEvaluation:
    """The result of :func:`evaluate_partners`.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per kind, split and method: ``runs`` (splits averaged: seeds for the
        random split, 1 for the temporal one), ``sources``, ``hidden``, and for each
        metric its mean and, over two or more runs, its sample standard deviation
        (``<metric>_sd``; empty for one run).
    runs : pandas.DataFrame
        One row per kind, split, seed and method, the figures of one split.
    notes : pandas.DataFrame
        ``kind``, ``split`` (empty when it holds for both), ``note``: what cannot be
        evaluated, and why, one line each.
    wins : list of str
        One plain line for each kind, split and baseline that beats innokg on hits@10,
        MRR or AUC.
    parameters : dict
        The options of the run.
    caveats : list of str
        What the figures of an evaluated kind do not mean (links that are inferred,
        not observed).
    """

    summary: pd.DataFrame
    runs: pd.DataFrame
    notes: pd.DataFrame
    wins: list[str] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    caveats: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The notes and the wins, as lines to print under a table."""
        out = []
        if self.caveats:
            out.append("Caveats:")
            out += [f"  {c}" for c in self.caveats]
        if len(self.notes):
            out.append("Cannot be evaluated:")
            out += [f"  {r.note}" for r in self.notes.itertuples()]
        if self.wins:
            out.append("Where a baseline beats innokg:")
            out += [f"  {w}" for w in self.wins]
        elif len(self.summary):
            out.append("No baseline beats innokg on hits@10, MRR or AUC for any kind evaluated.")
        return out

    def display(self) -> pd.DataFrame:
        """The summary as text cells, ``mean ± sd`` (sd left out for one run)."""
        top = self.parameters.get("top", 10)
        metrics = [f"hits_at_{top}", "mrr", "mean_rank", "auc"] + [
            f"precision_at_{k}" for k in self.parameters.get("ks", (10, 50))
        ]
        rows = []
        for r in self.summary.to_dict("records"):
            row = {
                "kind": r["kind"],
                "split": r["split"],
                "method": r["method"],
                "runs": int(r["runs"]),
                "sources": _fmt(r.get("sources"), 0),
                "hidden": _fmt(r.get("hidden"), 0),
            }
            for m in metrics:
                digits = 1 if m == "mean_rank" else 3
                row[m] = _fmt(r.get(m), digits, r.get(f"{m}_sd"))
            rows.append(row)
        return pd.DataFrame(rows, dtype="string")

    def markdown(self) -> str:
        """The summary as Markdown tables (one per split), with the notes and wins."""
        p = self.parameters
        top = p.get("top", 10)
        lines = [
            f"Parameters: seeds {', '.join(map(str, p.get('seeds', [])))} (random split, "
            f"{p.get('fraction')} of the pairs hidden); temporal split: the last "
            f"{p.get('test_years')} year(s) of each kind's links hidden; "
            f"{p.get('negatives')} negatives per hidden pair for AUC; method "
            f"{p.get('method')}.  Mean ± sample standard deviation over the seeds.",
            "",
        ]
        shown = self.display()
        for split in SPLITS:
            part = shown[shown["split"] == split]
            if not len(part):
                continue
            lines += [f"**{split} split**", ""]
            cols = ["kind", "method", "sources", f"hits_at_{top}", "mrr", "mean_rank", "auc"]
            cols += [c for c in part.columns if c.startswith("precision_at_")]
            head = [_HEADS.get(c, c.replace("_at_", "@").replace("_", " ")) for c in cols]
            lines.append("| " + " | ".join(head) + " |")
            lines.append("|" + "---|" * len(cols))
            for r in part.to_dict("records"):
                lines.append("| " + " | ".join(str(r[c]) for c in cols) + " |")
            lines.append("")
        if self.caveats:
            lines += ["Caveats:", ""] + [f"- {c}" for c in self.caveats] + [""]
        if len(self.notes):
            lines += ["Cannot be evaluated:", ""]
            lines += [f"- {r.note}" for r in self.notes.itertuples()]
            lines.append("")
        if self.wins:
            lines += ["Where a baseline beats innokg:", ""] + [f"- {w}" for w in self.wins]
        elif len(self.summary):
            lines.append("No baseline beats innokg on hits@10, MRR or AUC for any kind evaluated.")
        return "\n".join(lines).rstrip() + "\n"

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready (missing figures as None)."""

        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            clean = df.astype(object).where(df.notna(), None)
            return [
                {k: (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()}
                for r in clean.to_dict("records")
            ]

        return {
            "parameters": self.parameters,
            "summary": records(self.summary),
            "runs": records(self.runs),
            "cannot_be_evaluated": records(self.notes),
            "baseline_wins": list(self.wins),
            "caveats": list(self.caveats),
        }


_HEADS = {"mrr": "MRR", "auc": "AUC", "sources": "sources (mean)"}


def _fmt(value: Any, digits: int, sd: Any = None) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    text = f"{float(value):.{digits}f}"
    if sd is not None and isinstance(sd, float) and np.isfinite(sd):
        text += f" ± {sd:.{digits}f}"
    return text


def _summarise(runs: pd.DataFrame, top: int, ks: Sequence[int]) -> pd.DataFrame:
    metrics = [f"hits_at_{top}", "mrr", "mean_rank", "auc"] + [f"precision_at_{k}" for k in ks]
    rows = []
    for (kind, split, method), g in runs.groupby(["kind", "split", "method"], sort=False):
        row: dict[str, Any] = {
            "kind": kind,
            "split": split,
            "method": method,
            "runs": len(g),
            "sources": float(g["sources"].mean()) if "sources" in g else np.nan,
            "hidden": float(g["hidden"].mean()),
        }
        for m in metrics:
            values = g[m].astype(float) if m in g else pd.Series([np.nan])
            row[m] = float(values.mean())
            row[f"{m}_sd"] = float(values.std(ddof=1)) if len(values) > 1 else np.nan
        rows.append(row)
    out = pd.DataFrame(rows)
    return out.astype({"kind": "string", "split": "string", "method": "string"})


def _wins(summary: pd.DataFrame, top: int) -> list[str]:
    lines = []
    for (kind, split), g in summary.groupby(["kind", "split"], sort=False):
        ours = g[g["method"] == "innokg"]
        if not len(ours):
            continue
        us = ours.iloc[0]
        for _, b in g[g["method"] != "innokg"].iterrows():
            said = []
            for metric, name in _COMPARED:
                metric = metric.replace("hits_at_10", f"hits_at_{top}")
                name = name.replace("@10", f"@{top}")
                mine, theirs = us[metric], b[metric]
                if not (np.isfinite(mine) and np.isfinite(theirs)) or theirs - mine < _WIN:
                    continue
                spread = np.nanmax([us[f"{metric}_sd"], b[f"{metric}_sd"], 0.0])
                within = " (within the seed-to-seed spread)" if theirs - mine <= spread else ""
                said.append(f"{name} {theirs:.3f} vs {mine:.3f}{within}")
            if said:
                lines.append(
                    f"{kind}, {split} split: {b['method']} beats innokg on " + "; ".join(said)
                )
    return lines


def _kinds_for(chosen: Sequence[str] | None) -> list[str]:
    if not chosen:
        return list(KINDS)
    unknown = [k for k in chosen if k not in KINDS]
    if unknown:
        raise QueryError(f"unknown kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}")
    return list(dict.fromkeys(chosen))


def evaluate_partners(
    G: EcosystemGraph,
    *,
    kinds: Sequence[str] | None = None,
    splits: Sequence[str] = SPLITS,
    seeds: int = 3,
    seed: int = 2016,
    fraction: float = 0.1,
    test_years: int = 1,
    ks: Sequence[int] = (10, 50),
    top: int = 10,
    negatives: int = 20,
    method: str = "aa",
    hub_cap: int = 500,
    tail_cap: int = 200,
) -> PartnerEvaluation:
    """Per-source ranking, AUC and precision@k of innokg and the baselines, held out.

    Parameters
    ----------
    G : EcosystemGraph
    kinds : sequence of str, optional
        Keys of :data:`innokg.queries.partners.KINDS`; default every kind (those with
        nothing to hold out get one line in ``notes``).
    splits : sequence of {"random", "temporal"}
    seeds : int
        Random splits, seeded ``seed``, ``seed + 1``, ...  The temporal split is one.
    seed : int
        The first seed; it also seeds the temporal split's negatives and random scores.
    fraction : float
        Share of each kind's linked pairs hidden by a random split (pairs whose source
        may be ranked: on a province graph, the province's own).
    test_years : int
        Last years of each kind's links that the temporal split hides.
    ks : sequence of int
        The k of precision@k over all pairs.
    top : int
        The k of per-source hits@k.
    negatives : int
        Negatives sampled per hidden pair for AUC (at most 200,000).
    method, hub_cap, tail_cap
        Options of :func:`innokg.queries.partners.candidate_partners`.

    Returns
    -------
    PartnerEvaluation
        ``summary`` (mean and spread per kind, split and method), ``runs``, ``notes``
        (kinds and splits that cannot be evaluated, one line each), ``wins`` (where a
        baseline beats innokg) and ``parameters``.

    Raises
    ------
    QueryError
        For an unknown kind or split, or options out of range.
    """
    if not 0 < fraction < 1:
        raise QueryError(f"fraction must be between 0 and 1 (got {fraction})")
    bad = [s for s in splits if s not in SPLITS]
    if bad or not splits:
        raise QueryError(f"splits must be among {', '.join(SPLITS)} (got {', '.join(bad)})")
    if seeds < 1 or test_years < 1 or top < 1 or negatives < 1 or not ks or min(ks) < 1:
        raise QueryError("seeds, test_years, top, negatives and every k must be at least 1")
    o = _Options(method, hub_cap, tail_cap, tuple(ks), negatives, top)
    A = arrays(G)
    everyone = np.ones(A.n, dtype=bool)
    seed_list = [seed + i for i in range(seeds)]
    rows: list[dict[str, Any]] = []
    notes: list[dict[str, str]] = []
    caveats: list[str] = []
    for key in _kinds_for(kinds):
        kind = KINDS[key]
        pairs = _pairs(A, kind)
        types = "/".join(_link_types(kind))
        source_ok, _ = _universe(A, kind, G, everyone)
        eligible = source_ok[pairs[:, 0]] | (kind.symmetric & source_ok[pairs[:, 1]])
        if eligible.sum() < 2:
            notes.append(
                {
                    "kind": key,
                    "split": "",
                    "note": f"{key}: cannot be evaluated, no held-out real edges "
                    f"({int(eligible.sum())} linked {types} pair(s) to hide).",
                }
            )
            continue
        inferred = _inferred_share(G, A, kind)
        if inferred == 1.0:
            caveats.append(
                f"{key}: every {types} link is inferred (evidence=inferred), not observed: "
                "its figures measure agreement with the inference rule, not real partnerships."
            )
        if "random" in splits:
            for s in seed_list:
                hidden = _random_hidden(pairs, kind, fraction, s, eligible)
                train = _without_pairs(G, A, kind, _keys(hidden, A.n, kind.symmetric))
                rows += _run(G, A, kind, "random", s, train, hidden, everyone, o)
        if "temporal" in splits:
            try:
                train, hid, cutoff = temporal_split(G, key, test_years=test_years)
            except QueryError:
                notes.append(
                    {
                        "kind": key,
                        "split": "temporal",
                        "note": f"{key}, temporal split: cannot be evaluated, its links "
                        f"({types}) carry no year.",
                    }
                )
                continue
            hidden = np.column_stack([A.index(hid["source"]), A.index(hid["target"])])
            hidden = hidden.astype(np.int64).reshape(-1, 2)
            ok = source_ok[hidden[:, 0]] | (kind.symmetric & source_ok[hidden[:, 1]])
            hidden = hidden[ok]
            if len(hidden) == 0:
                notes.append(
                    {
                        "kind": key,
                        "split": "temporal",
                        "note": f"{key}, temporal split: cannot be evaluated, no pair first "
                        f"linked in {cutoff} or later between nodes that existed before.",
                    }
                )
                continue
            alive = A.alive(cutoff - 1)
            for r in _run(G, A, kind, "temporal", seed, train, hidden, alive, o):
                r["test_from"] = cutoff
                rows.append(r)
    runs = pd.DataFrame(rows)
    if len(runs):
        runs = runs.astype({"kind": "string", "split": "string", "method": "string"})
        summary = _summarise(runs, top, ks)
    else:
        summary = pd.DataFrame(columns=["kind", "split", "method", "runs"])
    parameters = {
        "kinds": _kinds_for(kinds),
        "splits": list(splits),
        "seeds": seed_list,
        "fraction": fraction,
        "test_years": test_years,
        "ks": list(ks),
        "top": top,
        "negatives": negatives,
        "method": method,
        "hub_cap": hub_cap,
        "tail_cap": tail_cap,
    }
    return PartnerEvaluation(
        summary=summary,
        runs=runs,
        notes=pd.DataFrame(notes, columns=["kind", "split", "note"]).astype("string"),
        wins=_wins(summary, top) if len(summary) else [],
        parameters=parameters,
        caveats=caveats,
    )


def _inferred_share(G: EcosystemGraph, A: GraphArrays, kind: Kind) -> float:
    """The share of the kind's linking edges whose evidence is ``inferred``."""
    total = inferred = 0
    src_ok, dst_ok = A.mask(kind.source), A.mask(kind.target)
    for etype in _link_types(kind):
        df = G.edges[etype]
        s, d = A.edges(etype)
        ok = (src_ok[s] & dst_ok[d]) | (src_ok[d] & dst_ok[s])
        total += int(ok.sum())
        if "evidence" in df.columns:
            ev = df["evidence"].astype("string").fillna("").to_numpy(dtype=object)
            inferred += int((ev[A.edge_rows(etype)][ok] == "inferred").sum())
    return inferred / total if total else 0.0
