"""How good are the candidate partnerships?  Held-out evaluation against baselines.

For each kind of partnership, a seeded random share (10% by default) of the pairs
already linked in the graph is hidden: their edges are removed, giving a training
graph.  Every method then scores, on the training graph,

- the hidden pairs (positives) and a seeded sample of pairs linked neither in the
  training nor in the full graph (negatives, ``negatives`` times as many): the
  **AUC** is the probability that a random positive scores above a random negative
  (ties count half; 0.5 is chance);
- its own top ``k`` unlinked pairs of the training graph: **precision@k** is the
  share of them that are hidden pairs, i.e. links that exist but that the method
  did not see.

Methods: ``innokg`` (typed meta-paths and complementarity, :mod:`innokg.queries.partners`),
and the classic baselines over the untyped graph (every edge type, undirected,
simple): ``common_neighbours``, ``adamic_adar``, ``preferential_attachment`` (product
of degrees) and ``random`` (a seeded uniform score).

Examples
--------
>>> from innokg.graph.ecosystem import EcosystemGraph
>>> G = EcosystemGraph.open("innokg-demo")  # doctest: +SKIP
>>> evaluate_partners(G, kinds=["enterprise-institute"])  # doctest: +SKIP
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import rankdata

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.graph.schema import EDGE_TYPES
from innokg.queries.arrays import GraphArrays, arrays
from innokg.queries.partners import KINDS, Kind, candidate_partners, score_pairs

__all__ = ["BASELINES", "auc", "evaluate_partners", "hide_edges"]

#: The baselines, in the order they are reported.
BASELINES = ("common_neighbours", "adamic_adar", "preferential_attachment", "random")


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
    return np.unique(pairs, axis=0)


def _keys(pairs: np.ndarray, n: int, symmetric: bool) -> np.ndarray:
    keys = pairs[:, 0].astype(np.int64) * n + pairs[:, 1]
    if symmetric:
        keys = np.concatenate([keys, pairs[:, 1].astype(np.int64) * n + pairs[:, 0]])
    return np.unique(keys)


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
    spec = KINDS.get(kind)
    if spec is None:
        raise QueryError(f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
    A = arrays(G)
    pairs = _pairs(A, spec)
    if len(pairs) < 2:
        raise QueryError(
            f"the graph has {len(pairs)} linked pair(s) of kind {kind}; "
            "at least 2 are needed to hide some and keep some"
        )
    rng = np.random.default_rng([seed, zlib.crc32(kind.encode())])
    count = max(1, round(fraction * len(pairs)))
    hidden = pairs[np.sort(rng.choice(len(pairs), count, replace=False))]
    keys = _keys(hidden, A.n, spec.symmetric)
    edges = dict(G.edges)
    for spec_type in dict.fromkeys(t.removesuffix("^-1") for t in spec.linked):
        s, d = A.edges(spec_type)
        rows = A.edge_rows(spec_type)
        drop = np.isin(s.astype(np.int64) * A.n + d, keys) | np.isin(
            d.astype(np.int64) * A.n + s, keys
        )
        df = G.edges[spec_type]
        keep = np.ones(len(df), dtype=bool)
        keep[rows[drop]] = False
        edges[spec_type] = df[keep].reset_index(drop=True)
    train = EcosystemGraph(G.nodes, edges, manifest=G.manifest, path=G.path)
    out = pd.DataFrame(
        {"source": A.ids[hidden[:, 0]].astype(str), "target": A.ids[hidden[:, 1]].astype(str)}
    )
    return train, out.astype("string")


def _negatives(
    A: GraphArrays, kind: Kind, linked: np.ndarray, count: int, rng: np.random.Generator
) -> np.ndarray:
    """Up to ``count`` distinct unlinked (source, target) pairs, drawn uniformly."""
    sources, targets = A.span(kind.source), A.span(kind.target)
    got = np.empty((0, 2), dtype=np.int64)
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
        ok &= ~np.isin(draw[:, 0].astype(np.int64) * A.n + draw[:, 1], linked)
        got = np.unique(np.concatenate([got, draw[ok]]), axis=0)
    if len(got) > count:
        got = got[np.sort(rng.choice(len(got), count, replace=False))]
    return got


class _Untyped:
    """Classic scores over the untyped simple graph of a training graph."""

    def __init__(self, A: GraphArrays) -> None:
        self.A = A
        self.adj = A.adjacency(tuple(EDGE_TYPES))
        self.deg = np.diff(self.adj.indptr).astype(float)
        with np.errstate(divide="ignore"):
            w = np.where(self.deg > 1, 1.0 / np.log(np.maximum(self.deg, 2)), 0.0)
        self.weighted = sp.csr_array(self.adj @ sp.diags_array(w))

    def score(
        self, method: str, u: np.ndarray, v: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        if method == "preferential_attachment":
            return self.deg[u] * self.deg[v]
        if method == "random":
            return rng.random(len(u))
        left = self.adj[u] if method == "common_neighbours" else self.weighted[u]
        return np.asarray(sp.csr_array(left).multiply(self.adj[v]).sum(axis=1)).ravel()

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
        if method == "random":
            return _negatives(A, kind, linked, k, rng)
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
        keys, score = keys[~_member(keys, linked)], score[~_member(keys, linked)]
        order = np.lexsort((keys, -score))
        _, once = np.unique(keys[order], return_index=True)
        best = keys[order[np.sort(once)][:k]]
        return np.column_stack([best // n, best % n])


def _member(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """``np.isin(keys, sorted_keys)`` for sorted unique ``sorted_keys``, by binary search."""
    if len(sorted_keys) == 0:
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def _precision(chosen: np.ndarray, hidden_keys: np.ndarray, n: int, k: int) -> float:
    if k <= 0:
        return float("nan")
    keys = chosen[:k, 0].astype(np.int64) * n + chosen[:k, 1]
    return float(np.isin(keys, hidden_keys).sum() / k)


def evaluate_partners(
    G: EcosystemGraph,
    *,
    kinds: Sequence[str] | None = None,
    fraction: float = 0.1,
    seed: int = 2016,
    ks: Sequence[int] = (10, 50),
    negatives: int = 20,
    method: str = "aa",
    hub_cap: int = 500,
    tail_cap: int = 200,
) -> pd.DataFrame:
    """AUC and precision@k of the partner scores and of the baselines, on held-out pairs.

    Parameters
    ----------
    G : EcosystemGraph
    kinds : sequence of str, optional
        Keys of :data:`innokg.queries.partners.KINDS`; default the partnership kinds with at
        least 10 linked pairs in ``G``.
    fraction : float
        Share of each kind's linked pairs to hide.
    seed : int
        Seeds the hiding, the negative sample and the random baseline.
    ks : sequence of int
        The k of precision@k.
    negatives : int
        Negatives sampled per hidden pair (at most 200,000).
    method, hub_cap, tail_cap
        Options of :func:`innokg.queries.partners.candidate_partners`.

    Returns
    -------
    pandas.DataFrame
        One row per kind and method (``innokg`` first, then :data:`BASELINES`):

        - ``kind`` (str), ``method`` (str).
        - ``auc`` (float): area under the ROC curve, hidden pairs against sampled
          unlinked pairs (0.5 is chance, 1 perfect).
        - ``precision_at_<k>`` (float), one column per k: share of the method's top k
          unlinked pairs of the training graph that are hidden pairs.
        - ``hidden`` (int): pairs hidden; ``negatives`` (int): unlinked pairs sampled;
          ``train_pairs`` (int): linked pairs left in the training graph.

    Raises
    ------
    QueryError
        For an unknown kind, or one with too few linked pairs.
    """
    A = arrays(G)
    if kinds:
        chosen = [k for k in kinds]
        unknown = [k for k in chosen if k not in KINDS]
        if unknown:
            raise QueryError(f"unknown kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}")
    else:
        chosen = [k.key for k in KINDS.values() if k.partnership and len(_pairs(A, k)) >= 10]
        if not chosen:
            raise QueryError(
                "no kind of partnership has 10 linked pairs in this graph to learn from"
            )
    rows = []
    for key in chosen:
        kind = KINDS[key]
        pairs = _pairs(A, kind)
        linked = _keys(pairs, A.n, kind.symmetric)
        train, hidden_df = hide_edges(G, key, fraction=fraction, seed=seed)
        T = arrays(train)
        hidden = np.column_stack([A.index(hidden_df["source"]), A.index(hidden_df["target"])])
        hidden_keys = _keys(hidden, A.n, kind.symmetric)
        train_linked = np.setdiff1d(linked, hidden_keys)
        rng = np.random.default_rng([seed, zlib.crc32(key.encode()), 1])
        count = min(negatives * len(hidden), 200_000)
        neg = _negatives(A, kind, linked, count, rng)
        both = np.concatenate([hidden, neg])
        ids = A.ids.to_numpy()
        ours = score_pairs(
            train,
            key,
            ids[both[:, 0]],
            ids[both[:, 1]],
            method=method,  # type: ignore[arg-type]
            hub_cap=hub_cap,
            tail_cap=tail_cap,
        )
        top = candidate_partners(
            train,
            kinds=[key],
            k=max(ks),
            method=method,  # type: ignore[arg-type]
            hub_cap=hub_cap,
            tail_cap=tail_cap,
        )
        ours_top = np.column_stack([T.index(top["source"]), T.index(top["target"])])
        if kind.symmetric and len(ours_top):
            ours_top = np.sort(ours_top, axis=1)
        results = {"innokg": (ours, ours_top)}
        untyped = _Untyped(T)
        for name in BASELINES:
            scores = untyped.score(name, both[:, 0], both[:, 1], rng)
            results[name] = (scores, untyped.top(name, kind, train_linked, max(ks), rng))
        for name, (scores, best) in results.items():
            row: dict[str, object] = {
                "kind": key,
                "method": name,
                "auc": round(auc(scores[: len(hidden)], scores[len(hidden) :]), 4),
            }
            for k in ks:
                row[f"precision_at_{k}"] = round(_precision(best, hidden_keys, A.n, k), 4)
            row.update(hidden=len(hidden), negatives=len(neg), train_pairs=len(pairs) - len(hidden))
            rows.append(row)
    out = pd.DataFrame(rows)
    return out.astype({"kind": "string", "method": "string"})
