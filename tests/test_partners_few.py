"""One firm's partners walk each meta-path from that firm alone (``path_tail(rows=...)``):
the rows it needs are the whole tail's rows, bit for bit, and the ranked table is the
one the whole-graph walk gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries import metapaths
from innokg.queries.arrays import arrays
from innokg.queries.metapaths import Opts, path_tail
from innokg.queries.partners import KINDS, candidate_partners


@pytest.mark.parametrize("reverse", [False, True])
def test_tail_from_a_few_rows_equals_the_whole_tail(demo_graph: EcosystemGraph, reverse) -> None:
    A = arrays(demo_graph)
    rng = np.random.default_rng(7)
    checked = 0
    for kind in KINDS.values():
        side = kind.target if reverse else kind.source
        nodes = np.flatnonzero(A.mask(side))
        if not len(nodes):
            continue
        rows = np.sort(rng.choice(nodes, size=min(5, len(nodes)), replace=False))
        for path in kind.paths:
            if len(path.steps) < 2:
                continue
            A.memo.pop(("partners-tail", kind.key, path.key, Opts(), reverse), None)
            first, few = path_tail(A, kind, path, Opts(), reverse, rows=rows)
            _, whole = path_tail(A, kind, path, Opts(), reverse)
            a, b = first[rows] @ few, first[rows] @ whole
            a.sort_indices()
            b.sort_indices()
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
