"""A meta-path step read at a few rows (``step_at``) holds, in those rows, exactly the
whole step matrix's entries in the same order: one firm's walks and reasons build
their steps this way, and their scores must not move by a bit.  The rows of a tail
are pruned to their best entries, the same ones however they are found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.testing import make_graph
from innokg.queries import few_walks, metapaths, steps
from innokg.queries.arrays import ORG_EDGES
from innokg.queries.graph_arrays import GraphArrays
from innokg.queries.metapaths import degree_prior
from innokg.queries.partners import KINDS
from innokg.queries.sparse_rows import row_counts

EVERY_STEP = sorted(
    {tuple(st) for kind in KINDS.values() for path in kind.paths for st in path.steps}
    | {tuple(t + way for t in ORG_EDGES for way in ("", "^-1"))}
)


def _rows_of(m: sp.csr_array, rows: np.ndarray) -> list[tuple[list[int], list[float]]]:
    return [
        (
            m.indices[m.indptr[r] : m.indptr[r + 1]].tolist(),
            m.data[m.indptr[r] : m.indptr[r + 1]].tolist(),
        )
        for r in rows
    ]


@pytest.fixture
def few(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never turn to the whole matrix for the rows asked (the 1M behaviour), nor to the
    prior that earlier tests kept beside the package."""
    monkeypatch.setattr(steps, "FEW_NODES", 0)
    monkeypatch.setattr(few_walks, "kept_prior", lambda A, year: False)


@pytest.mark.parametrize("year", [None, 2017])
@pytest.mark.parametrize("transposed", [False, True])
def test_rows_of_a_step_equal_the_whole_steps_rows(
    demo_graph: EcosystemGraph, few, year, transposed
) -> None:
    A = GraphArrays(demo_graph)  # nothing memoised: every step is built at the rows
    rng = np.random.default_rng(2016)
    checked = 0
    for step in EVERY_STEP:
        whole = (steps.transposed_step if transposed else steps.step_matrix)(
            GraphArrays(demo_graph), step, year
        )
        busiest = int(np.argmax(np.diff(whole.indptr)))  # a hub's row: every entry, in order
        rows = np.unique(np.r_[rng.choice(A.n, size=30, replace=False), busiest])
        part = steps.step_at(A, step, year, rows, transposed=transposed)
        assert not any(k[0] in ("matrix", "partners-step", "partners-transposed") for k in A.memo)
        assert part.shape == whole.shape and part.has_canonical_format
        assert _rows_of(part, rows) == _rows_of(whole, rows), step
        others = np.setdiff1d(np.arange(A.n), rows)
        assert not row_counts(part, others).any()  # nothing beyond the rows asked
        assert steps.step_at(A, step, year, rows[::-1], transposed=transposed) is part  # kept
        checked += int(row_counts(part, rows).sum())
    assert checked > 500  # real rows were compared, a hub's among them


@pytest.mark.parametrize("year", [None, 2017])
@pytest.mark.parametrize("transposed", [False, True])
def test_a_steps_rows_in_their_own_index_equal_the_whole_steps_rows(
    demo_graph: EcosystemGraph, few, year, transposed
) -> None:
    A = GraphArrays(demo_graph)
    rng = np.random.default_rng(2017)
    checked = 0
    for step in EVERY_STEP:
        whole = (steps.transposed_step if transposed else steps.step_matrix)(
            GraphArrays(demo_graph), step, year
        )
        busiest = int(np.argmax(np.diff(whole.indptr)))
        rows = np.unique(np.r_[rng.choice(A.n, size=30, replace=False), busiest])
        part = steps.step_rows(A, step, year, rows, transposed=transposed)
        assert not any(k[0] in ("matrix", "partners-step", "partners-transposed") for k in A.memo)
        assert part.shape == (len(rows), A.n) and part.has_canonical_format
        assert _rows_of(part, np.arange(len(rows))) == _rows_of(whole, rows), step
        assert steps.step_rows(A, step, year, rows, transposed=transposed) is part  # kept
        checked += part.nnz
    assert checked > 500
    # a step memoised whole: its rows are cut from it, the same rows
    step = ("SUPPLIES", "SUPPLIES^-1")
    whole = steps.step_matrix(A, step, None)
    every = np.arange(A.n)
    assert _rows_of(steps.step_rows(A, step, None, every), every) == _rows_of(whole, every)


def test_links_are_counted_without_a_matrix(demo_graph: EcosystemGraph) -> None:
    A = GraphArrays(demo_graph)
    for step in EVERY_STEP:
        whole = steps.step_matrix(GraphArrays(demo_graph), step, None)
        assert (steps.step_links(A, step, None) > 0) == (whole.nnz > 0), step
        assert steps.step_links(A, step, None) >= whole.nnz
    assert not any(k[0] in ("matrix", "partners-step") for k in A.memo)


def test_many_rows_or_a_memoised_step_give_the_whole_matrix(demo_graph: EcosystemGraph) -> None:
    A = GraphArrays(demo_graph)
    step = ("SUPPLIES", "SUPPLIES^-1")
    whole = steps.step_matrix(A, step, None)
    rows = np.array([0, 1])
    assert steps.step_at(A, step, None, rows) is whole
    cut = steps.step_at(A, step, None, rows, cut=True)
    assert _rows_of(cut, rows) == _rows_of(whole, rows)
    assert not row_counts(cut, np.arange(2, A.n)).any()
    B = GraphArrays(demo_graph)
    assert steps.step_at(B, step, None, np.arange(B.n)) is steps.step_matrix(B, step, None)


def test_derived_steps_follow_counties_and_rnd_platforms() -> None:
    G = make_graph(
        {
            "Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}],
            "Platform": [
                {"id": "p", "name": "中心", "kind": "enterprise_tech_center"},
                {"id": "q", "name": "众创空间", "kind": "maker_space"},
            ],
            "Region": [
                {"id": "region:4101", "name": "郑州市", "code": "4101"},
                {"id": "region:410122", "name": "中牟县", "code": "410122", "level": "county"},
            ],
        },
        {
            "OPERATES": [("a", "p"), ("a", "q"), ("b", "q")],
            "LOCATED_IN": [("a", "region:410122"), ("region:410122", "region:4101")],
        },
    )
    A = GraphArrays(G)
    at = {i: k for k, i in enumerate(A.ids.tolist())}
    rnd = steps.step_at(A, ("OPERATES_RND",), None, np.array([at["a"], at["b"]]), cut=True)
    assert rnd.nnz == 1 and rnd[at["a"], at["p"]] == 1  # the maker space is no R&D base
    city = steps.step_at(A, ("IN_CITY^-1",), None, np.array([at["region:4101"]]), cut=True)
    # a through its county, its platforms as it; not b (no place), not the county itself
    assert city.indices.tolist() == [at["a"], at["p"], at["q"]]


def test_the_same_rows_asked_both_ways_are_two_answers(demo_graph, few) -> None:
    A = GraphArrays(demo_graph)
    whole = GraphArrays(demo_graph)
    step = ("SUPPLIES",)
    rows = np.flatnonzero(np.diff(steps.step_matrix(whole, step, None).indptr))[:20]
    ahead = steps.step_at(A, step, None, rows)
    back = steps.step_at(A, step, None, rows, transposed=True)
    assert _rows_of(ahead, rows) == _rows_of(steps.step_matrix(whole, step, None), rows)
    assert _rows_of(back, rows) == _rows_of(steps.transposed_step(whole, step, None), rows)
    assert _rows_of(ahead, rows) != _rows_of(back, rows)


def test_prior_at_a_few_nodes_equals_the_whole(demo_graph, few) -> None:
    A = GraphArrays(demo_graph)
    nodes = np.unique(np.random.default_rng(9).choice(A.n, size=200, replace=False))
    for year in (None, 2017):
        at = few_walks.prior_at(A, year, nodes)
        assert ("partners-prior", year) not in A.memo  # counted at the nodes alone
        assert np.array_equal(at[nodes], degree_prior(GraphArrays(demo_graph), year)[nodes])
        assert at[nodes].any() and not np.delete(at, nodes).any()


def test_a_self_link_is_no_neighbour_in_the_prior(few) -> None:
    """Validation refuses self-links, but a graph assembled from tables in code may
    hold one: the prior counts it as the whole-graph prior does (not at all)."""
    G = make_graph(
        {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
        {"SUPPLIES": [("a", "b")], "COLLABORATES_WITH": [("b", "a")]},
    )
    edges = G.edges["SUPPLIES"]
    G.edges["SUPPLIES"] = pd.concat([edges, edges.assign(to_id="a")], ignore_index=True)
    assert few_walks.prior_at(GraphArrays(G), None, np.array([0]))[0] == np.log1p(1.0)
    assert degree_prior(GraphArrays(G), None)[0] == np.log1p(1.0)


def _pruned_row_by_row(m: sp.csr_array, cap: int, prior: np.ndarray) -> np.ndarray:
    """Each row's ``cap`` largest entries (ties: higher prior, then lower column),
    picked one row at a time: what ``prune_rows`` keeps."""
    out = np.zeros(m.shape)
    dense = m.toarray()
    for r in range(m.shape[0]):
        cols = m.indices[m.indptr[r] : m.indptr[r + 1]]
        best = sorted(cols, key=lambda c: (-dense[r, c], -prior[c], c))[:cap]
        out[r, best] = dense[r, best]
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pruned_rows_keep_each_rows_best_entries(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 60
    dense = rng.choice([0.0, 0.0, 0.0, 1.0, 2.0, 0.5], size=(n, n))  # many ties
    dense[rng.choice(n, 5)] = 0.0  # some empty rows
    m = sp.csr_array(dense)
    m.indices, m.data = m.indices.copy(), m.data.copy()
    for r in range(0, n, 3):  # unsorted columns in some rows, as a product leaves them
        a, b = m.indptr[r], m.indptr[r + 1]
        flip = np.arange(a, b)[::-1]
        m.indices[a:b], m.data[a:b] = m.indices[flip], m.data[flip]
    m.has_sorted_indices = False
    prior = rng.choice([0.0, 1.0, 2.0], size=n)
    for cap in (1, 3, 10, n):
        pruned = metapaths.prune_rows(m, cap, prior)
        assert np.array_equal(pruned.toarray(), _pruned_row_by_row(m, cap, prior)), cap
        if cap < n:
            assert pruned.has_canonical_format
            assert (np.diff(pruned.indptr) <= cap).all()


def test_edges_at_a_few_nodes_read_the_kept_ends_as_they_are(tmp_path) -> None:
    from innokg.graph.package import write_package
    from innokg.graph.testing import make_tables

    firms = [{"id": f"e{i}", "name": f"企业{i}"} for i in range(6)]
    links = [("e0", "e1"), ("e2", "e1"), ("e1", "e3"), ("e4", "e5"), ("e5", "e0")]
    write_package(
        make_tables({"Enterprise": firms}, {"SUPPLIES": links}), tmp_path / "p", sources=[]
    )
    A = GraphArrays(EcosystemGraph.open(tmp_path / "p"))
    src, dst = A._kept_ends()["SUPPLIES"]
    assert src.dtype == np.int32  # kept narrow
    # an end that is no node (-1), as a table edited outside innokg may leave one
    A.memo["kept-ends"]["SUPPLIES"] = (
        np.r_[src, -1, 5].astype(np.int32),
        np.r_[dst, 5, -1].astype(np.int32),
    )
    want = np.zeros(A.n, dtype=bool)
    want[[1, 5]] = True
    got = {back: A.edges_at("SUPPLIES", want, backwards=back) for back in (False, True)}
    assert ("edges", "SUPPLIES", None) not in A.memo  # nothing widened
    assert all(x.dtype == np.int64 for pair in got.values() for x in pair)
    a, b = A.edges("SUPPLIES")  # widened: the -1 ends left out
    for back, (x, y) in got.items():
        ends, others = (b, a) if back else (a, b)
        hit = np.flatnonzero(want[ends])
        assert x.tolist() == ends[hit].tolist() and y.tolist() == others[hit].tolist()
    assert got[False][0].tolist() == [1, 5] and got[True][1].tolist() == [0, 2, 4]
    # edges picked by their table rows (the guessed ones): the same from either
    B = GraphArrays(EcosystemGraph.open(tmp_path / "p"))
    B._kept_ends()["SUPPLIES"] = A.memo["kept-ends"]["SUPPLIES"]
    marked = np.array([True, False, True, False, True, True, True])  # the -1 rows marked
    kept = B.edges_marked("SUPPLIES", marked)
    assert ("edges", "SUPPLIES", None) not in B.memo  # nothing widened
    table = B.G.edges["SUPPLIES"].iloc[[0, 2, 4]]  # the marked rows that join two nodes
    want = [B.index(table["from_id"]).tolist(), B.index(table["to_id"]).tolist()]
    assert [x.tolist() for x in kept] == want
    assert [x.tolist() for x in A.edges_marked("SUPPLIES", marked)] == want


def test_edges_listed_by_node_give_what_a_look_at_every_edge_gives(tmp_path) -> None:
    from innokg.graph.schema import EDGE_TYPES
    from innokg.pipeline import build_demo

    build_demo(tmp_path / "demo", scale=800, database=False, prepare=False)
    listed = GraphArrays(EcosystemGraph.open(tmp_path / "demo"))
    types = listed.keep_edges_by_node()
    assert {"SUPPLIES", "LOCATED_IN", "IN_INDUSTRY"} <= set(types)
    plain = GraphArrays(EcosystemGraph.open(tmp_path / "demo"))
    plain.memo.update({("by-node", t): None for t in EDGE_TYPES})  # nothing listed
    reread = GraphArrays(EcosystemGraph.open(tmp_path / "demo"))  # the lists as kept
    rng = np.random.default_rng(12)
    seen = 0
    for etype in types:
        for backwards in (False, True):
            rows = np.unique(rng.choice(listed.n, size=60, replace=False))
            want = _pairs(plain.edges_at(etype, rows, backwards=backwards))
            for A in (listed, reread):
                got = _pairs(A.edges_at(etype, rows, backwards=backwards))
                assert got == want, (etype, backwards)
            seen += len(want)
    assert reread.listed_by_node("SUPPLIES") is not None and seen > 100


def _pairs(ends: tuple[np.ndarray, np.ndarray]) -> list[tuple[int, int]]:
    assert all(x.dtype == np.int64 for x in ends)
    return sorted(zip(ends[0].tolist(), ends[1].tolist(), strict=True))
