"""Burt's constraint and local transitivity from the triangles (queries/gaps/burt.py):
equal to igraph's on graphs with hubs, cliques, stars, isolated vertices and ties, and
the same however many wedges are checked at once."""

from __future__ import annotations

import igraph as ig
import numpy as np
import pytest
import scipy.sparse as sp

from innokg.queries.gaps import burt
from innokg.queries.gaps.burt import burt_measures


def _adjacency(n: int, edges: list[tuple[int, int]]) -> sp.csr_array:
    simple = {(min(a, b), max(a, b)) for a, b in edges if a != b}
    rows = [a for a, b in simple] + [b for a, b in simple]
    cols = [b for a, b in simple] + [a for a, b in simple]
    return sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def _igraph(adj: sp.csr_array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    upper = sp.triu(adj, k=1).tocoo()
    g = ig.Graph(n=adj.shape[0], edges=np.column_stack([upper.row, upper.col]).tolist())
    return (
        np.asarray(g.degree(), dtype=float),
        np.asarray(g.constraint(), dtype=float),
        np.asarray(g.transitivity_local_undirected(mode="zero"), dtype=float),
    )


def _mixed_graph(seed: int) -> tuple[int, list[tuple[int, int]]]:
    """Random ties, a clique, a hub tied to many (some of them tied to each other), a
    star, and isolated vertices at the end."""
    rng = np.random.default_rng(seed)
    n = 400
    edges = [tuple(e) for e in rng.integers(0, 380, size=(900, 2)).tolist()]
    edges += [(a, b) for a in range(10) for b in range(a + 1, 10)]  # clique
    edges += [(10, int(v)) for v in rng.choice(np.arange(11, 380), 150, replace=False)]
    edges += [(200, v) for v in range(201, 230)]  # star
    return n, edges


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equal_to_igraph(seed: int) -> None:
    n, edges = _mixed_graph(seed)
    adj = _adjacency(n, edges)
    degree, constraint, trans = burt_measures(adj)
    want_d, want_c, want_t = _igraph(adj)
    np.testing.assert_array_equal(degree, want_d)
    assert np.array_equal(np.isnan(constraint), np.isnan(want_c))
    assert np.isnan(constraint[-1])  # isolated
    np.testing.assert_allclose(constraint, want_c, rtol=0, atol=1e-12)
    np.testing.assert_allclose(trans, want_t, rtol=0, atol=1e-12)


def test_same_whatever_the_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    n, edges = _mixed_graph(7)
    adj = _adjacency(n, edges)
    whole = burt_measures(adj)
    for limit in (1, 5, 37):  # one wedge at a time; rows longer than a chunk go alone
        monkeypatch.setattr(burt, "WEDGES_PER_CHUNK", limit)
        for got, want in zip(burt_measures(adj), whole, strict=True):
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-12, equal_nan=True)


def test_by_hand() -> None:
    # a triangle 0-1-2 with 3 hanging on 0, and 4 alone
    degree, constraint, trans = burt_measures(_adjacency(5, [(0, 1), (1, 2), (0, 2), (0, 3)]))
    assert degree.tolist() == [3, 2, 2, 1, 0]
    # 1's contacts: 0 (shared contact 2, two contacts) and 2 (shared contact 0, three)
    assert constraint[1] == pytest.approx((1 + 1 / 2) ** 2 / 4 + (1 + 1 / 3) ** 2 / 4)
    assert constraint[0] == pytest.approx(2 * (1 + 1 / 2) ** 2 / 9 + 1 / 9)
    assert constraint[3] == 1.0
    assert trans.tolist() == [1 / 3, 1.0, 1.0, 0.0, 0.0]


def test_no_edges() -> None:
    degree, constraint, trans = burt_measures(sp.csr_array((3, 3)))
    assert degree.tolist() == [0, 0, 0] and np.isnan(constraint).all() and not trans.any()
