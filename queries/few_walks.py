"""Meta-path walks from a few sources: one firm's partners (``--for``) and their reasons.

:func:`~innokg.queries.metapaths.path_tail` computes a path's tail for every node once,
then memoises it for every later batch; that pays when every firm is scored.  For a
few sources most of it is wasted: a row of a sparse product depends on that row
alone, so only the rows the walk from the sources reaches are computed here, from
the same entries in the same order, which keeps the scores bit for bit.  The counts
each walk weighs (an intermediate's degree) are counted for the intermediates
reached only.  At the 1M benchmark this turns whole-graph products, transposes and
degree counts of about a second each into milliseconds.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from innokg.queries.arrays import ORG_EDGES, GraphArrays
from innokg.queries.metapaths import (
    Kind,
    MetaPath,
    Opts,
    degree_prior,
    intermediate_degree,
    linked_pairs,
    path_weights,
    prune_rows,
    step_matrix,
    transposed_step,
)
from innokg.queries.sparse_rows import ranges, reached_rows, row_counts

__all__ = [
    "FEW_NODES",
    "degree_at",
    "few_tail",
    "linked_rows",
    "prior_at",
    "whole_first",
]

#: Count for the given nodes only when they are fewer than one in this many nodes;
#: otherwise the whole count (memoised) is cheaper over the calls that follow.
FEW_NODES = 8


def whole_first(A: GraphArrays, key: tuple[object, ...], many: int) -> bool:
    """Whether to use the whole-graph result rather than count at ``many`` nodes: it
    is memoised already (``key``), or they are not few (see :data:`FEW_NODES`), counted
    over every call for ``key`` so far: a table written in chunks of firms asks for a
    few nodes many times, and the whole result, once, is then cheaper."""
    if key in A.memo:
        return True
    asked = ("few-asked", key)
    A.memo[asked] = A.memo.get(asked, 0) + many
    return bool(A.memo[asked] * FEW_NODES > A.n)


def few_tail(
    A: GraphArrays, kind: Kind, path: MetaPath, o: Opts, reverse: bool, rows: np.ndarray
) -> tuple[sp.csr_array, sp.csr_array]:
    """:func:`~innokg.queries.metapaths.path_tail` for the sources ``rows`` alone.

    The tail is computed on the nodes the walk from ``rows`` reaches, its other rows
    left empty; ``first[rows] @ tail`` equals the whole tail's, which is returned
    instead when it is memoised already.

    Parameters
    ----------
    A, kind, path, o, reverse
        As for :func:`~innokg.queries.metapaths.path_tail`.
    rows : numpy.ndarray of int
        The sources (targets when ``reverse``) whose rows will be multiplied.

    Returns
    -------
    first, tail : scipy.sparse.csr_array
        The first step (the whole matrix, memoised) and the tail's reached rows.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> from innokg.queries.metapaths import path_tail
    >>> from innokg.queries.partners import KINDS
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"},
    ...                     {"id": "c", "name": "丙"}]},
    ...     {"SUPPLIES": [("a", "c"), ("b", "c")]},
    ... )
    >>> A = arrays(G)
    >>> kind = KINDS["enterprise-enterprise"]
    >>> path = next(p for p in kind.paths if p.key == "common_buyers")
    >>> first, few = few_tail(A, kind, path, Opts(), False, np.array([0]))
    >>> (first[[0]] @ few).toarray().round(4).tolist()
    [[1.4427, 1.4427, 0.0]]
    >>> _, whole = path_tail(A, kind, path, Opts(), False)
    >>> (first[[0]] @ whole).toarray().round(4).tolist()
    [[1.4427, 1.4427, 0.0]]
    """
    whole = ("partners-tail", kind.key, path.key, o, reverse)
    if whole in A.memo:  # computed for every node already (the brief's bounds): its rows
        done: tuple[sp.csr_array, sp.csr_array] = A.memo[whole]
        return done
    key = ("few-tail", kind.key, path.key, o, reverse)  # the last rows asked, per path
    if key in A.memo and np.array_equal(A.memo[key][0], rows):
        found: tuple[sp.csr_array, sp.csr_array] = A.memo[key][1]
        return found  # the ranking and its reasons walk from the same firm
    year = o.year
    if reverse:  # the memoised transposes: the same matrices as transposing each step
        mats = [transposed_step(A, s, year) for s in reversed(path.steps)]
    else:
        mats = [step_matrix(A, s, year) for s in path.steps]
    mats = reached_rows(mats, rows)
    # masked after the rows are cut: a row's entries do not depend on the other rows
    target = A.mask(kind.source if reverse else kind.target).astype(float)
    mats[-1] = sp.csr_array(mats[-1] @ sp.diags_array(target))
    mats[-1].eliminate_zeros()
    tail: sp.csr_array | None = None
    for i in range(len(mats) - 1, 0, -1):
        after = mats[i]
        counts = np.diff(after.indptr)
        nodes = np.flatnonzero(counts)  # the only rows the weights touch
        w = np.zeros(A.n)
        deg = degree_at(A, path, i, year, reverse, nodes)
        w[nodes] = path_weights(deg[nodes].astype(float), o.method)
        if i == len(mats) - 1:
            w = np.where(counts > o.hub_cap, 0.0, w)
        # each row times its weight: the products diag(w) @ X gives, without the n x n
        # diagonal (a row's entries are the same numbers, perhaps in another order)
        tail = sp.csr_array(after if tail is None else after @ tail, copy=True)
        tail.data = tail.data * np.repeat(w, np.diff(tail.indptr))
        tail.eliminate_zeros()
    assert tail is not None
    # the prior only breaks ties among a row's entries beyond the cap
    over = np.diff(tail.indptr).max(initial=0) > o.tail_cap
    prior = prior_at(A, year, np.unique(tail.indices)) if over else np.zeros(A.n)
    result = (mats[0], prune_rows(tail, o.tail_cap, prior))
    A.memo[key] = (np.array(rows, copy=True), result)
    return result


def degree_at(
    A: GraphArrays, path: MetaPath, i: int, year: int | None, reverse: bool, nodes: np.ndarray
) -> np.ndarray:
    """:func:`~innokg.queries.metapaths.intermediate_degree`, right at ``nodes`` (sorted,
    distinct); elsewhere 0, unless the whole count is memoised or ``nodes`` are many
    (then it is the whole count).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> from innokg.queries.partners import KINDS
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"},
    ...                     {"id": "c", "name": "丙"}]},
    ...     {"SUPPLIES": [("a", "c"), ("b", "c")]},
    ... )
    >>> path = next(p for p in KINDS["enterprise-enterprise"].paths if p.key == "common_buyers")
    >>> degree_at(arrays(G), path, 1, None, False, np.array([2])).tolist()
    [0, 0, 2]
    """
    j = len(path.steps) - i if reverse else i
    key = ("partners-degree", path.steps[j - 1], path.steps[j], year)
    if whole_first(A, key, len(nodes)):
        return intermediate_degree(A, path, i, year, reverse)
    want = np.zeros(A.n, dtype=bool)
    want[nodes] = True
    back = step_matrix(A, path.steps[j - 1], year)  # (x, z): x reaches z
    hit = np.flatnonzero(want[back.indices])
    x = np.searchsorted(back.indptr, hit, side="right").astype(np.int64) - 1  # hit's row
    z = back.indices[hit].astype(np.int64)
    ahead = step_matrix(A, path.steps[j], year)  # (z, y)
    counts = row_counts(ahead, nodes)
    y = ahead.indices[ranges(ahead.indptr[nodes], counts)].astype(np.int64)
    z2 = np.repeat(nodes.astype(np.int64), counts)
    pairs = np.unique(np.concatenate([z * A.n + x, z2 * A.n + y]))
    return np.bincount(pairs // A.n, minlength=A.n)


def prior_at(A: GraphArrays, year: int | None, nodes: np.ndarray) -> np.ndarray:
    """:func:`~innokg.queries.metapaths.degree_prior`, right at ``nodes`` (sorted,
    distinct); elsewhere 0, unless the whole prior is memoised or ``nodes`` are many.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"},
    ...                     {"id": "c", "name": "丙"}]},
    ...     {"SUPPLIES": [("a", "c"), ("b", "c"), ("c", "a")]},
    ... )
    >>> round(float(prior_at(arrays(G), None, np.array([2]))[2]), 4)  # c: log(1 + 2)
    1.0986
    """
    if whole_first(A, ("partners-prior", year), len(nodes)):
        return degree_prior(A, year)
    want = np.zeros(A.n, dtype=bool)
    want[nodes] = True
    a, b = _org_ends(A, year)
    hit = np.flatnonzero(want[a])
    pairs = np.unique(a[hit].astype(np.int64) * A.n + b[hit])
    return np.log1p(np.bincount(pairs // A.n, minlength=A.n).astype(float))


def _org_ends(A: GraphArrays, year: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Both ends of every organisation link, each way round, self-links left out: read
    once for the several :func:`prior_at` of one firm's walks (memoised)."""
    key = ("few-org-ends", year)
    if key not in A.memo:
        small = np.int32 if A.n < np.iinfo(np.int32).max else np.int64
        ends = [A.edges(etype, year=year) for etype in ORG_EDGES]
        src = np.concatenate([s for s, _ in ends]).astype(small)
        dst = np.concatenate([d for _, d in ends]).astype(small)
        other = src != dst
        src, dst = src[other], dst[other]
        A.memo[key] = (np.concatenate([src, dst]), np.concatenate([dst, src]))
    found: tuple[np.ndarray, np.ndarray] = A.memo[key]
    return found


def linked_rows(
    A: GraphArrays, kind: Kind, year: int | None, rows: np.ndarray, reverse: bool
) -> sp.csr_array:
    """``linked_pairs(A, kind, year)[rows]`` (of its transpose when ``reverse``) from
    the links of ``rows`` alone: a ``len(rows) x n`` matrix, non-zero where a pair is
    linked already (the whole matrix when it is memoised, or ``rows`` repeat).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> from innokg.queries.partners import KINDS
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"},
    ...                     {"id": "c", "name": "丙"}]},
    ...     {"SUPPLIES": [("a", "c"), ("b", "c")]},
    ... )
    >>> kind = KINDS["enterprise-enterprise"]
    >>> (linked_rows(arrays(G), kind, None, np.array([2]), False) > 0).toarray().tolist()
    [[True, True, False]]
    """
    key = ("partners-linked", kind.key, year)
    if key in A.memo or len(np.unique(rows)) < len(rows):
        linked = linked_pairs(A, kind, year)
        return sp.csr_array((sp.csr_array(linked.T) if reverse else linked)[rows])
    where = np.full(A.n, -1, dtype=np.int64)
    where[rows] = np.arange(len(rows))
    at, to = [], []
    for spec in kind.linked:
        src, dst = A.edges(spec.removesuffix("^-1"), year=year)
        if spec.endswith("^-1"):
            src, dst = dst, src
        pairs = [(src, dst), (dst, src)] if kind.symmetric else [(src, dst)]
        for a, b in pairs:
            a, b = (b, a) if reverse else (a, b)
            hit = where[a] >= 0
            at.append(where[a[hit]])
            to.append(b[hit].astype(np.int64))
    r = np.concatenate(at) if at else np.zeros(0, dtype=np.int64)
    c = np.concatenate(to) if to else np.zeros(0, dtype=np.int64)
    return sp.csr_array((np.ones(len(r)), (r, c)), shape=(len(rows), A.n))
