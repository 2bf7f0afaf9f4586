"""The explorer's adjacency put in place from the package's edges listed by node is the
adjacency a sort of every end gives, entry for entry: ends that are no node, loops,
types without edges and nodes without any included."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.edge_arrays import _listed_by_node
from innokg.serve import startup as startup_module
from innokg.serve.adjacency import TypeLists, placed_by_node, sorted_by_node
from innokg.serve.explorer import Explorer

ADJACENCY = ("indptr", "nbr", "out", "eid")


def _both(ends: list[tuple[np.ndarray, np.ndarray]], n: int) -> tuple[dict, dict]:
    """Both builds over edge types given as kept ends (-1: an end that is no node)."""
    src, dst, lists, first = [], [], [], 0
    for a, b in ends:
        rows = np.flatnonzero((a >= 0) & (b >= 0))
        src.append(a[rows])
        dst.append(b[rows])
        lists.append(TypeLists(_listed_by_node(a, b, n), rows, first))
        first += len(rows)
    s, d = (np.concatenate(x).astype(np.int32) for x in (src, dst))
    return sorted_by_node(s, d, n, np.int32), placed_by_node(s, d, n, np.int32, lists)


def _assert_same(want: dict, got: dict) -> None:
    for name in ADJACENCY:
        assert got[name].dtype == want[name].dtype, name
        assert got[name].tolist() == want[name].tolist(), name


def test_a_hand_made_graph_is_placed_as_sorted() -> None:
    # node 0 supplies 1 and itself; 2 supplies 0; one edge from no node; node 3 has none
    supplies = (np.array([0, 2, 0, -1]), np.array([1, 0, 0, 1]))
    located = (np.array([1, 0]), np.array([2, 2]))  # 1 and 0 in place 2
    want, got = _both([supplies, located], 4)
    _assert_same(want, got)
    assert got["indptr"].tolist() == [0, 5, 7, 10, 10]
    node0 = slice(0, 5)  # out: e0 (to 1), e2 (to itself), e4 (to 2); in: e1, e2
    assert got["eid"][node0].tolist() == [0, 2, 4, 1, 2]
    assert got["nbr"][node0].tolist() == [1, 0, 2, 2, 0]
    assert got["out"][node0].tolist() == [True, True, True, False, False]


def test_lists_that_do_not_cover_the_edges_are_not_trusted() -> None:
    src, dst = np.array([0, 2, 0], dtype=np.int32), np.array([1, 0, 0], dtype=np.int32)
    want = sorted_by_node(src, dst, 3, np.int32)
    # lists of other edges, whose nodes' counts differ: some entry would be left unset
    for a, b in [(np.r_[src[:2], 2], dst), (src, np.r_[dst[:2], 2])]:
        other = TypeLists(_listed_by_node(a, b, 3), np.arange(3), 0)
        _assert_same(want, placed_by_node(src, dst, 3, np.int32, [other]))


@pytest.mark.parametrize("seed", range(6))
def test_random_graphs_are_placed_as_sorted(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    ends = []
    for _ in range(int(rng.integers(1, 5))):
        m = int(rng.integers(0, 200))  # some types without edges
        a, b = rng.integers(-1, n, m), rng.integers(-1, n, m)  # -1: an end that is no node
        ends.append((a, b))
    want, got = _both(ends, n)
    _assert_same(want, got)


def test_the_explorer_places_a_prepared_package_as_it_would_sort_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from innokg.pipeline import build_demo

    build_demo(tmp_path / "demo", scale=800, database=False)  # prepared: lists by node kept
    sorts: list[int] = []
    monkeypatch.setattr(
        startup_module,
        "sorted_by_node",
        lambda *a: sorts.append(1) or sorted_by_node(*a),
    )
    placed = Explorer(EcosystemGraph.open(tmp_path / "demo"))
    assert sorts == []  # put in place from the lists, not sorted
    monkeypatch.setenv("INNOKG_KEEP", "0")  # nothing kept, nothing listed: every end sorted
    plain = Explorer(EcosystemGraph.open(tmp_path / "demo"))
    assert sorts == [1]
    assert len(plain.nbr) == 2 * len(plain.edge_src) > 1000
    for name in ADJACENCY:
        assert getattr(placed, name).tolist() == getattr(plain, name).tolist(), name
