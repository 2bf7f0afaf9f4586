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
)
from innokg.queries.sets import distinct
from innokg.queries.sparse_rows import columns_at, ranges, row_counts
from innokg.queries.steps import label_diagonal, step_at, whole_first

__all__ = ["degree_at", "few_tail", "linked_rows", "prior_at"]

#: Every organisation link, walked both ways: the neighbours that
#: :func:`~innokg.queries.metapaths.degree_prior` counts.
_ORG_STEP = tuple(t + way for t in ORG_EDGES for way in ("", "^-1"))


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
    # each step at the rows the walk reaches (the first at the sources), built from
    # the edge arrays: the same entries in the same order as the whole step's rows
    mats: list[sp.csr_array] = []
    reached = [distinct(rows)]
    for i, step in enumerate(reversed(path.steps) if reverse else path.steps):
        mats.append(step_at(A, step, year, reached[-1], transposed=reverse, cut=i > 0))
        reached.append(columns_at(mats[-1], reached[-1]))
    # masked after the rows are cut: a row's entries do not depend on the other rows
    mats[-1] = sp.csr_array(mats[-1] @ label_diagonal(A, kind.source if reverse else kind.target))
    mats[-1].eliminate_zeros()
    tail: sp.csr_array | None = None
    for i in range(len(mats) - 1, 0, -1):
        after = mats[i]
        counts = row_counts(after, reached[i])
        nodes = reached[i][counts > 0]  # the only rows the weights touch
        counts = counts[counts > 0]
        w = path_weights(degree_at(A, path, i, year, reverse, nodes).astype(float), o.method)
        if i == len(mats) - 1:
            w = np.where(counts > o.hub_cap, 0.0, w)
        # each row times its weight: the products diag(w) @ X gives, without the n x n
        # diagonal (a row's entries are the same numbers, perhaps in another order);
        # every other row is empty
        tail = sp.csr_array(after if tail is None else after @ tail, copy=True)
        held = row_counts(tail, nodes)
        tail.data[ranges(tail.indptr[nodes], held)] *= np.repeat(w, held)
        tail.eliminate_zeros()
    assert tail is not None
    # the prior only breaks ties among a row's entries beyond the cap
    over = np.diff(tail.indptr).max(initial=0) > o.tail_cap
    prior = prior_at(A, year, distinct(tail.indices)) if over else np.zeros(A.n)
    result = (mats[0], prune_rows(tail, o.tail_cap, prior))
    A.memo[key] = (np.array(rows, copy=True), result)
    return result


def degree_at(
    A: GraphArrays, path: MetaPath, i: int, year: int | None, reverse: bool, nodes: np.ndarray
) -> np.ndarray:
    """:func:`~innokg.queries.metapaths.intermediate_degree` at ``nodes`` (sorted,
    distinct), one count per node: counted in their rows alone, or read from the whole
    count when it is memoised or ``nodes`` are many.

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
    >>> degree_at(arrays(G), path, 1, None, False, np.array([0, 2])).tolist()  # a: no buyer
    [0, 2]
    """
    j = len(path.steps) - i if reverse else i
    key = ("partners-degree", path.steps[j - 1], path.steps[j], year)
    if whole_first(A, key, len(nodes)):
        return intermediate_degree(A, path, i, year, reverse)[nodes]
    # the step before, walked back from the nodes, and the step after, from them; a
    # neighbour on both sides counts once
    back = step_at(A, path.steps[j - 1], year, nodes, transposed=True)
    ahead = step_at(A, path.steps[j], year, nodes)
    return _distinct_at(back, ahead, nodes)


def _distinct_at(x: sp.csr_array, y: sp.csr_array, nodes: np.ndarray) -> np.ndarray:
    """How many distinct columns the rows ``nodes`` hold over ``x`` and ``y`` (n x n),
    one count per node."""
    keys = np.concatenate([_row_keys(x, nodes)[0], _row_keys(y, nodes)[0]])
    return np.bincount(distinct(keys) // x.shape[1], minlength=len(nodes))


def _row_keys(m: sp.csr_array, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The entries of ``m``'s rows ``nodes`` as keys ``index of the node * ncol +
    column``, in storage order, and how many each row holds."""
    counts = row_counts(m, nodes)
    at = np.repeat(np.arange(len(nodes), dtype=np.int64), counts)
    return at * m.shape[1] + m.indices[ranges(m.indptr[nodes], counts)], counts


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
    keys, counts = _row_keys(step_at(A, _ORG_STEP, year, nodes), nodes)
    at = keys // A.n
    selfish = np.bincount(at[keys % A.n == nodes[at]], minlength=len(nodes))
    prior = np.zeros(A.n)
    prior[nodes] = np.log1p((counts - selfish).astype(float))  # a self-link is no neighbour
    return prior


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
    if key in A.memo or len(distinct(rows)) < len(rows):
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
