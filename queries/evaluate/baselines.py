"""The baselines over the untyped simple graph of a training graph: preferential
attachment, common neighbours, Adamic-Adar and same-city random."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from innokg.graph.schema import EDGE_TYPES
from innokg.queries.arrays import GraphArrays
from innokg.queries.evaluate.metrics import _member
from innokg.queries.partners import Kind

__all__ = ["BASELINES", "METHODS"]

#: The baselines, in the order they are reported.
BASELINES = ("preferential_attachment", "common_neighbours", "adamic_adar", "same_city_random")
#: Every method, innokg first.
METHODS = ("innokg", *BASELINES)


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
