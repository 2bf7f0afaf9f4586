"""The organisation network's adjacency: the same simple graph however it is built."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from innokg.graph.testing import make_graph
from innokg.queries.arrays import ORG_EDGES, arrays


def _graph():  # type: ignore[no-untyped-def]
    firms = [{"id": i, "name": i} for i in "abcde"]
    return make_graph(
        {"Enterprise": firms, "Fund": [{"id": "f", "name": "基金"}]},
        {
            # a pair linked both ways, twice and by two types; a link made in 2020
            "SUPPLIES": [("a", "b"), ("b", "a"), ("a", "b"), ("d", "e", {"since": 2020})],
            "COLLABORATES_WITH": [("a", "b"), ("b", "c")],
            "INVESTS_IN": [("f", "a")],
        },
    )


def _pairs(G, year=None) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    A = arrays(G)
    m = A.adjacency(ORG_EDGES, year=year).tocoo()
    assert set(np.unique(m.data).tolist()) == {1.0}
    return {(str(A.ids[r]), str(A.ids[c])) for r, c in zip(m.row, m.col, strict=True)}


def test_the_adjacency_is_the_simple_undirected_graph_of_the_links() -> None:
    want = nx.Graph([("a", "b"), ("b", "c"), ("f", "a"), ("d", "e")])
    both = {(u, v) for u, v in want.edges} | {(v, u) for u, v in want.edges}
    assert _pairs(_graph()) == both
    assert _pairs(_graph(), year=2019) == both - {("d", "e"), ("e", "d")}


def test_a_self_link_is_no_neighbour() -> None:
    G = _graph()
    supplies = G.edges["SUPPLIES"]  # a loop, which validation keeps out of packages
    G.edges["SUPPLIES"] = pd.concat([supplies, supplies[:1].assign(to_id="a")], ignore_index=True)
    A = arrays(G)
    assert A.matrix(ORG_EDGES, symmetric=True).diagonal().any()
    assert not A.adjacency(ORG_EDGES).diagonal().any()
    assert A.adjacency(ORG_EDGES).nnz == 2 * 4


def test_the_adjacency_from_the_symmetric_matrix_is_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alone, G = arrays(_graph()), _graph()
    A = arrays(G)
    A.matrix(ORG_EDGES, symmetric=True)  # built first: the adjacency is read from it
    made = alone.adjacency(ORG_EDGES)
    monkeypatch.setattr(type(A), "_coo", lambda *a, **k: 1 / 0)  # not from the edges
    derived = A.adjacency(ORG_EDGES)
    for part in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(made, part), getattr(derived, part))
        assert getattr(made, part).dtype == getattr(derived, part).dtype
    # built alone, the symmetric matrix is not kept beside it
    assert A.matrix_key(ORG_EDGES, symmetric=True) not in alone.memo


def test_the_degree_prior_reads_a_built_adjacency_alike() -> None:
    from innokg.queries.metapaths import _degree_prior

    plain, built = arrays(_graph()), arrays(_graph())
    built.adjacency(ORG_EDGES)
    want = np.log1p([2, 2, 1, 1, 1, 1])  # a b c d e f: distinct neighbours
    assert np.allclose(_degree_prior(plain, None), want)
    assert np.allclose(_degree_prior(built, None), want)
    assert plain.matrix_key(ORG_EDGES, symmetric=True) not in plain.memo  # not kept
