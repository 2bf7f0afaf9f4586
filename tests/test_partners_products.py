"""The products of a batch run on each tail narrowed to the columns it reaches: the
same entries, bit for bit, as the product over every column, at a fraction of the
width, and without a second copy of the tail's values."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import arrays
from innokg.queries.metapaths import Opts, path_tail
from innokg.queries.partners import KINDS
from innokg.queries.partners.products import _like, _product, narrow_tail
from tests.test_partners_few import sampled_rows


@pytest.mark.parametrize("reverse", [False, True])
def test_a_narrowed_product_equals_the_whole_product(demo_graph: EcosystemGraph, reverse) -> None:
    A = arrays(demo_graph)
    checked = 0
    narrowed = set()
    for kind, rows in sampled_rows(A, reverse, 40, seed=11):
        for path in kind.paths:
            first, tail = path_tail(A, kind, path, Opts(), reverse)
            whole = sp.csr_array(first[rows] @ tail)
            whole.sum_duplicates()
            part = _product(A, kind, path, Opts(), reverse, rows, few=False)
            assert part.shape == (len(rows), A.n)
            assert part.has_canonical_format
            assert np.array_equal(part.indptr, whole.indptr), (kind.key, path.key)
            assert np.array_equal(part.indices, whole.indices), (kind.key, path.key)
            assert np.array_equal(part.data, whole.data), (kind.key, path.key)  # bit for bit
            checked += part.nnz
            narrowed.add(narrow_tail(A, kind, path, Opts(), reverse)[2] is not None)
    assert checked > 1000  # the walks reached real candidates, not empty rows
    assert narrowed == {True, False}  # tails narrowed, and tails of firms as they are


def test_a_narrowed_tail_keeps_only_the_columns_reached_and_shares_the_values(
    demo_graph: EcosystemGraph,
) -> None:
    A = arrays(demo_graph)
    kind = KINDS["enterprise-institute"]
    for path in kind.paths:
        A.memo.pop(("partners-tail-narrow", kind.key, path.key, Opts(), False), None)
        _, tail = path_tail(A, kind, path, Opts(), False)
        _, narrow, columns = narrow_tail(A, kind, path, Opts(), False)
        institutes = np.flatnonzero(A.mask("ResearchInstitute"))
        assert np.isin(columns, institutes).all()  # the kind's targets, nothing else
        assert len(columns) == len(np.unique(tail.indices)) < A.n // 10
        assert np.shares_memory(narrow.data, tail.data)
        assert np.array_equal(columns[narrow.indices], tail.indices)


def test_a_batch_takes_the_narrower_index_type_of_the_tail() -> None:
    """scipy multiplies in the wider index type of the two and converts the other's
    arrays for every product; the batch's few rows are converted instead of the tail,
    whose row pointers are as long as the graph.  The product is the same."""
    rng = np.random.default_rng(3)
    left = sp.random_array((30, 500), density=0.05, format="csr", rng=rng)
    tail = sp.random_array((500, 40), density=0.05, format="csr", rng=rng)
    left = sp.csr_array(
        (left.data, left.indices.astype(np.int64), left.indptr.astype(np.int64)),
        shape=left.shape,
    )
    tail.indices, tail.indptr = tail.indices.astype(np.int32), tail.indptr.astype(np.int32)
    like = _like(left, tail)
    assert like.indices.dtype == like.indptr.dtype == np.int32
    assert np.shares_memory(like.data, left.data)
    assert abs(like @ tail - left @ tail).max() == 0
    wide = sp.csr_array(tail, dtype=float)
    wide.indices, wide.indptr = tail.indices.astype(np.int64), tail.indptr.astype(np.int64)
    assert _like(left, wide) is left  # the same type already: left as it is
