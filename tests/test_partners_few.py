"""One firm's partners walk each meta-path from that firm alone (``few_tail``):
the rows it needs are the whole tail's rows, bit for bit, and the ranked table is the
one the whole-graph walk gives."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries import few_walks, intermediates, metapaths, reasons, steps
from innokg.queries.arrays import GraphArrays, arrays
from innokg.queries.few_walks import few_tail
from innokg.queries.metapaths import Kind, Opts, path_tail
from innokg.queries.partners import KINDS, candidate_partners
from tests.factory import make_graph


def sampled_rows(
    A: GraphArrays, reverse: bool, size: int, seed: int
) -> Iterator[tuple[Kind, np.ndarray]]:
    """Each kind with up to ``size`` of its source nodes (target nodes when
    ``reverse``), drawn at random and sorted; kinds with none are left out."""
    rng = np.random.default_rng(seed)
    for kind in KINDS.values():
        nodes = np.flatnonzero(A.mask(kind.target if reverse else kind.source))
        if len(nodes):
            yield kind, np.sort(rng.choice(nodes, size=min(size, len(nodes)), replace=False))


@pytest.mark.parametrize("reverse", [False, True])
def test_tail_from_a_few_rows_equals_the_whole_tail(demo_graph: EcosystemGraph, reverse) -> None:
    A = arrays(demo_graph)
    checked = 0
    for kind, rows in sampled_rows(A, reverse, 5, seed=7):
        for path in kind.paths:
            if len(path.steps) < 2:
                continue
            A.memo.pop(("partners-tail", kind.key, path.key, Opts(), reverse), None)
            walk = few_tail(A, kind, path, Opts(), reverse, rows)
            assert max(walk.first.shape + walk.tail.shape) < A.n  # the walk's own index
            first, whole = path_tail(A, kind, path, Opts(), reverse)
            a, b = walk.product(rows), sp.csr_array(first[rows] @ whole)
            b.sum_duplicates()
            assert a.shape == b.shape and a.has_canonical_format
            assert np.array_equal(a.indptr, b.indptr), (kind.key, path.key)
            assert np.array_equal(a.indices, b.indices), (kind.key, path.key)
            assert np.array_equal(a.data, b.data), (kind.key, path.key)  # bit for bit
            checked += a.nnz
    assert checked > 1000  # the walks reached real candidates, not empty rows


def test_one_firms_table_is_the_whole_walks(demo_graph: EcosystemGraph, monkeypatch) -> None:
    firms = demo_graph.nodes["Enterprise"]
    ids = firms.loc[firms["size"].isin(["large", "medium"]), "id"].head(4).tolist()
    A = arrays(demo_graph)
    for key in [k for k in A.memo if k[0] == "partners-tail"]:  # no whole tail to fall back on
        del A.memo[key]
    fewer = {i: candidate_partners(demo_graph, node=i) for i in ids}
    assert not any(k[0] == "partners-tail" for k in A.memo)  # walked from each firm alone
    monkeypatch.setattr(metapaths, "FEW_ROWS", 0)  # every walk over the whole graph
    for i in ids:
        whole = candidate_partners(demo_graph, node=i)
        assert len(whole) > 20
        pd.testing.assert_frame_equal(fewer[i], whole)
    assert any(k[0] == "partners-tail" for k in A.memo)  # the whole walks did run


@pytest.fixture
def counted_for_few(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count at the given nodes alone, however many they are (the 1M behaviour), and
    whatever earlier tests kept beside the package."""
    monkeypatch.setattr(steps, "FEW_NODES", 0)
    monkeypatch.setattr(few_walks, "kept_prior", lambda A, year: False)


def test_counts_at_a_few_nodes_equal_the_whole_counts(demo_graph, counted_for_few) -> None:
    A = arrays(demo_graph)
    rng = np.random.default_rng(3)
    for year in (None, 2017):
        nodes = np.unique(rng.choice(A.n, size=300, replace=False))
        A.memo.pop(("partners-prior", year), None)
        at = few_walks.prior_at(A, year, nodes)
        assert ("partners-prior", year) not in A.memo  # counted at the nodes alone
        assert np.array_equal(at[nodes], metapaths.degree_prior(A, year)[nodes])
        for kind in KINDS.values():
            for path in kind.paths:
                for i in range(1, len(path.steps)):
                    for reverse in (False, True):
                        j = len(path.steps) - i if reverse else i
                        around = (path.steps[j - 1], path.steps[j])
                        A.memo.pop(("partners-degree", *around, year), None)
                        few = few_walks.degree_at(A, path, i, year, reverse, nodes)
                        whole = metapaths.intermediate_degree(A, path, i, year, reverse)
                        assert np.array_equal(few, whole[nodes]), (path.key, i, reverse)


def test_degree_around_an_intermediate_counts_each_neighbour_once(demo_graph) -> None:
    A = arrays(demo_graph)
    pairs = set()
    for year in (None, 2017):
        for kind in KINDS.values():
            for path in kind.paths:
                for i in range(1, len(path.steps)):
                    before, after = path.steps[i - 1], path.steps[i]
                    A.memo.pop(("partners-degree", before, after, year), None)
                    found = metapaths.intermediate_degree(A, path, i, year, False)
                    plain = sp.csr_array(
                        steps.step_matrix(A, before, year).T + steps.step_matrix(A, after, year)
                    )
                    plain.data[:] = 1.0
                    assert np.array_equal(found, np.diff(plain.indptr)), (path.key, i, year)
                    pairs.add((before, after))
    assert len(pairs) > 20 and found.sum() > 0


def test_degree_around_a_firm_on_steps_that_meet() -> None:
    # b is supplied by a and c, and supplies c: its suppliers and buyers share c
    G = make_graph(
        {"Enterprise": [{"id": i, "name": i} for i in "abc"]},
        {"SUPPLIES": [("a", "b"), ("c", "b"), ("b", "c")]},
    )
    A = arrays(G)
    b = A.position("b")
    assert metapaths._distinct_around(A, ("SUPPLIES",), ("SUPPLIES",), None)[b] == 2
    assert metapaths._distinct_around(A, ("SUPPLIES",), ("SUPPLIES^-1",), None)[b] == 2
    assert metapaths._distinct_around(A, ("SUPPLIES^-1",), ("SUPPLIES",), None)[b] == 1


def test_kind_degree_of_a_few_nodes_equals_the_whole_count(demo_graph, counted_for_few) -> None:
    A = arrays(demo_graph)
    rng = np.random.default_rng(4)
    nodes = rng.choice(A.n, size=300)  # unsorted, with repeats
    seen = 0
    for year in (None, 2017):
        for kind in KINDS.values():
            key = ("partners-kind-degree", kind.key, year)
            A.memo.pop(key, None)
            few = few_walks.kind_degree_of(A, kind, year, nodes)
            assert key not in A.memo  # counted at the nodes alone
            whole = metapaths.kind_degree(A, kind, year)
            assert np.array_equal(few, whole[nodes]), (kind.key, year)
            seen += int(few.sum())
    assert seen > 100


def test_names_of_a_few_nodes_equal_the_whole_lists(demo_graph, counted_for_few) -> None:
    A = arrays(demo_graph)
    at = np.array([5, -1, 0, A.n - 1, 5])
    for en in (False, True):
        few = reasons._names_at(A, at, en=en).to_pylist()
        whole = reasons._names_text(A, en=en).to_pylist()
        names = A.values("name", dtype="object", fill="")
        english = A.values("name_en", dtype="object", fill="") if en else [""] * A.n
        assert whole[:-1] == [str(e or n) for e, n in zip(english, names, strict=True)]
        assert few == [whole[i] if i >= 0 else "" for i in at]
        assert whole[-1] == "" and len(whole) == A.n + 1
    nodes = np.unique(np.random.default_rng(5).choice(A.n, size=200, replace=False))
    local = intermediates.name_rank_of(A, nodes)[nodes]
    assert np.array_equal(np.argsort(local), np.argsort(intermediates.name_rank(A)[nodes]))


def test_a_whole_tail_already_computed_is_used(demo_graph: EcosystemGraph) -> None:
    A = arrays(demo_graph)
    kind = KINDS["enterprise-enterprise"]
    path = next(p for p in kind.paths if len(p.steps) >= 2)
    whole = path_tail(A, kind, path, Opts(), False)
    walk = few_tail(A, kind, path, Opts(), False, np.array([0]))
    assert walk.first is whole[0] and walk.tail is whole[1] and walk.ends is None


def test_links_of_a_few_rows_equal_the_whole_matrix_rows(demo_graph: EcosystemGraph) -> None:
    A = arrays(demo_graph)
    rng = np.random.default_rng(11)
    rows = np.sort(rng.choice(A.n, size=40, replace=False))
    seen = 0
    for year in (None, 2017):
        for kind in KINDS.values():
            for reverse in (False, True):
                A.memo.pop(("partners-linked", kind.key, year), None)
                few = few_walks.linked_rows(A, kind, year, rows, reverse) > 0
                whole = metapaths.linked_pairs(A, kind, year)
                whole = (whole.T.tocsr() if reverse else whole)[rows] > 0
                assert (few != whole).nnz == 0, (kind.key, reverse, year)
                seen += whole.nnz
    assert seen > 0


def test_three_most_telling_intermediates_equal_a_full_sort(demo_graph: EcosystemGraph) -> None:
    """intermediates.most_telling picks each pair's three intermediates of fewest neighbours (then
    name) in passes over the pairs' runs; a plain sort of every entry picks the same."""
    A = arrays(demo_graph)
    path = next(p for p in KINDS["enterprise-enterprise"].paths if p.key == "common_buyers")
    deg = np.minimum(metapaths.intermediate_degree(A, path, 1, None, False), (1 << 20) - 1)
    name = intermediates.name_rank(A)
    rng = np.random.default_rng(11)
    n = 400
    sizes = rng.choice([0, 1, 2, 3, 4, 9, 40], size=n)
    p = np.repeat(np.arange(n), sizes)
    c = np.concatenate([rng.choice(A.n, size=k, replace=False) for k in sizes])
    for shuffled in (False, True):
        order = rng.permutation(len(p)) if shuffled else np.arange(len(p))
        count, top = intermediates.most_telling(A, path, 1, (p[order], c[order]), n, None)
        assert count.tolist() == sizes.tolist()
        for pair in range(n):
            mids = c[p == pair]
            best = mids[np.lexsort((name[mids], deg[mids]))][:3].tolist()
            assert top[pair].tolist() == best + [-1] * (3 - len(best)), pair


def test_few_nodes_asked_many_times_turn_to_the_whole_result(demo_graph) -> None:
    """A table written in chunks asks for a few nodes' names again and again: once the
    nodes asked for in all add up to more than a few, the whole result is used."""
    A = arrays(demo_graph)
    key = ("test-whole-first",)
    share = A.n // (steps.FEW_NODES * 3)
    assert [steps.whole_first(A, key, share) for _ in range(4)] == [False, False, False, True]
    A.memo[key] = "done"
    assert steps.whole_first(A, key, 1)


@pytest.mark.parametrize("k", [1, 3, 20, 300])
def test_each_rows_best_equal_a_full_sort(k: int) -> None:
    """scoring._row_top bounds each long row's k-th best from a sample before sorting;
    it keeps the same entries in the same order as sorting every entry (rows of 0 to
    2,000 entries, many tied scores)."""
    from innokg.queries.partners import scoring

    rng = np.random.default_rng(k)
    sizes = rng.choice([1, 2, 5, 20, 21, 300, 2000], size=60)
    u = np.repeat(np.arange(60) * 7, sizes)
    dst = np.concatenate([np.sort(rng.choice(10_000, size=s, replace=False)) for s in sizes])
    score = rng.integers(0, 40, size=len(u)) / 8.0  # ties at every bound
    full = scoring._row_order(u, dst, score)
    full = full[scoring._rank_in_row(u[full]) < k]
    assert scoring._row_top(u, dst, score, k).tolist() == full.tolist()
    shuffled = rng.permutation(len(u))  # rows out of order: sorted whole
    a, b, c = u[shuffled], dst[shuffled], score[shuffled]
    full = scoring._row_order(a, b, c)
    assert scoring._row_top(a, b, c, k).tolist() == full[scoring._rank_in_row(a[full]) < k].tolist()


def test_a_tail_cut_to_the_reached_rows_scores_every_source_the_same(
    demo_graph: EcosystemGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    A = arrays(demo_graph)
    checked = smaller = 0
    for kind in KINDS.values():
        for path in kind.paths:
            if len(path.steps) < 3:
                continue
            for reverse in (False, True):
                key = ("partners-tail", kind.key, path.key, Opts(), reverse)
                A.memo.pop(key, None)
                first, cut = path_tail(A, kind, path, Opts(), reverse)
                with monkeypatch.context() as m:  # the middle step whole
                    m.setattr(metapaths, "rows_only", lambda mat, rows: mat)
                    A.memo.pop(key, None)
                    _, plain = path_tail(A, kind, path, Opts(), reverse)
                assert cut.nnz <= plain.nnz
                smaller += cut.nnz < plain.nnz
                side = np.flatnonzero(A.mask(kind.target if reverse else kind.source))
                a, b = first[side] @ cut, first[side] @ plain
                a.sort_indices()
                b.sort_indices()
                assert np.array_equal(a.indices, b.indices), (kind.key, path.key)
                assert np.array_equal(a.data, b.data), (kind.key, path.key)
                checked += a.nnz
    assert checked > 1000 and smaller  # rows were cut, and no source's scores changed
