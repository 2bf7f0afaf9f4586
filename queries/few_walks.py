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

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from innokg.queries.arrays import ORG_EDGES, GraphArrays
from innokg.queries.metapaths import (
    Kind,
    MetaPath,
    Opts,
    degree_prior,
    intermediate_degree,
    kept_prior,
    kind_degree,
    linked_pairs,
    path_weights,
    prune_rows,
)
from innokg.queries.sets import distinct, find_sorted
from innokg.queries.steps import step_rows, whole_first

__all__ = [
    "Walk",
    "degree_at",
    "few_tail",
    "kind_degree_of",
    "linked_rows",
    "prior_at",
    "prior_of",
]

#: Every organisation link, walked both ways: the neighbours that
#: :func:`~innokg.queries.metapaths.degree_prior` counts.
_ORG_STEP = tuple(t + way for t in ORG_EDGES for way in ("", "^-1"))


@dataclass(frozen=True)
class Walk:
    """A meta-path's first step and tail, for the sources a walk starts from.

    Walked from a few sources (:func:`few_tail`), both matrices are in the walk's own
    small index: ``first`` has a row for each of ``sources`` and a column for each of
    ``mids`` (the nodes the first step reaches), ``tail`` a row for each of ``mids``
    and a column for each of ``ends`` (the kind's targets the walk reaches), all three
    sorted graph positions.  Nothing is the size of the graph, so walking from one firm
    costs what the walk reaches.  Over every node (the whole tail memoised already),
    the three are None and both matrices are n x n.
    """

    first: sp.csr_array
    tail: sp.csr_array
    n: int
    sources: np.ndarray | None = None
    mids: np.ndarray | None = None
    ends: np.ndarray | None = None

    def first_rows(self, rows: np.ndarray) -> sp.csr_array:
        """The first step's rows for ``rows`` (among the sources), one row each, their
        columns in the tail's row index."""
        at = rows if self.sources is None else np.searchsorted(self.sources, rows)
        return sp.csr_array(self.first[at])

    def ends_at(self, nodes: np.ndarray) -> np.ndarray:
        """The tail's column of each of ``nodes``; -1 where the walk does not reach it."""
        return nodes if self.ends is None else find_sorted(self.ends, nodes)

    def product(self, rows: np.ndarray) -> sp.csr_array:
        """``first[rows] @ tail`` in the graph's columns (``len(rows) x n``), duplicates
        summed and each row sorted by column."""
        part = sp.csr_array(self.first_rows(rows) @ self.tail)
        part.sum_duplicates()
        if self.ends is None:
            return part
        # the walk's columns are sorted graph positions: each row stays sorted
        cols = self.ends[part.indices]
        out = sp.csr_array((part.data, cols, part.indptr), shape=(len(rows), self.n))
        out.has_canonical_format = True
        return out


def few_tail(
    A: GraphArrays, kind: Kind, path: MetaPath, o: Opts, reverse: bool, rows: np.ndarray
) -> Walk:
    """:func:`~innokg.queries.metapaths.path_tail` for the sources ``rows`` alone.

    The tail is computed on the nodes the walk from ``rows`` reaches, in their own
    index (:class:`Walk`); ``walk.product(rows)`` equals ``first[rows] @ tail`` of the
    whole tail, bit for bit, which is used instead when it is memoised already.

    Parameters
    ----------
    A, kind, path, o, reverse
        As for :func:`~innokg.queries.metapaths.path_tail`.
    rows : numpy.ndarray of int
        The sources (targets when ``reverse``) whose rows will be multiplied.

    Returns
    -------
    Walk
        The first step at the sources and the tail at the nodes they reach.

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
    >>> walk = few_tail(A, kind, path, Opts(), False, np.array([0]))
    >>> walk.mids.tolist(), walk.ends.tolist()  # a's buyer c, and c's suppliers
    ([2], [0, 1])
    >>> walk.product(np.array([0])).toarray().round(4).tolist()
    [[1.4427, 1.4427, 0.0]]
    >>> first, whole = path_tail(A, kind, path, Opts(), False)
    >>> (first[[0]] @ whole).toarray().round(4).tolist()
    [[1.4427, 1.4427, 0.0]]
    """
    whole = ("partners-tail", kind.key, path.key, o, reverse)
    if whole in A.memo:  # computed for every node already (the brief's bounds): its rows
        done: tuple[sp.csr_array, sp.csr_array] = A.memo[whole]
        return Walk(*done, A.n)
    key = ("few-tail", kind.key, path.key, o, reverse)  # the last rows asked, per path
    if key in A.memo and np.array_equal(A.memo[key][0], rows):
        found: Walk = A.memo[key][1]
        return found  # the ranking and its reasons walk from the same firm
    year = o.year
    # each step at the nodes the walk reaches (the first at the sources), built from the
    # edge arrays in the walk's own index: the same entries in the same order as the
    # whole step's rows, each node renumbered in the same order
    steps = list(reversed(path.steps) if reverse else path.steps)
    reached = [distinct(rows)]
    mats: list[sp.csr_array] = []
    for i, step in enumerate(steps):
        m = step_rows(A, step, year, reached[-1], transposed=reverse)
        if i == len(steps) - 1:  # the walk ends at the kind's targets
            m = _columns_of(m, A.spans[kind.source if reverse else kind.target])
        nodes = distinct(m.indices)
        at = np.searchsorted(nodes, m.indices)
        mats.append(sp.csr_array((m.data, at, m.indptr), shape=(m.shape[0], len(nodes))))
        reached.append(nodes)
    tail: sp.csr_array | None = None
    for i in range(len(mats) - 1, 0, -1):
        after = mats[i]
        counts = np.diff(after.indptr)
        on = np.flatnonzero(counts)  # the only rows the weights touch
        w = np.zeros(after.shape[0])
        deg = degree_at(A, path, i, year, reverse, reached[i][on]).astype(float)
        w[on] = path_weights(deg, o.method)
        if i == len(mats) - 1:
            w[counts > o.hub_cap] = 0.0
        # each row times its weight: what diag(w) @ X gives, without the diagonal
        tail = sp.csr_array(after if tail is None else after @ tail, copy=True)
        tail.data *= np.repeat(w, np.diff(tail.indptr))
        tail.eliminate_zeros()
    assert tail is not None
    ends = reached[-1]
    # the prior only breaks ties among a row's entries beyond the cap
    prior = np.zeros(len(ends))
    if np.diff(tail.indptr).max(initial=0) > o.tail_cap:
        held = distinct(tail.indices)
        prior[held] = prior_of(A, year, ends[held])
    walk = Walk(mats[0], prune_rows(tail, o.tail_cap, prior), A.n, reached[0], reached[1], ends)
    A.memo[key] = (np.array(rows, copy=True), walk)
    return walk


def _columns_of(m: sp.csr_array, span: tuple[int, int]) -> sp.csr_array:
    """``m`` with only its entries in the columns ``span[0] <= c < span[1]`` (a
    label's nodes, which lie together), in the same order."""
    keep = _within(m.indices, span)
    indptr = np.r_[0, np.cumsum(keep)][m.indptr]  # the entries kept before each row
    return sp.csr_array((m.data[keep], m.indices[keep], indptr), shape=m.shape)


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
    back = step_rows(A, path.steps[j - 1], year, nodes, transposed=True)
    ahead = step_rows(A, path.steps[j], year, nodes)
    keys = np.concatenate([_row_keys(back), _row_keys(ahead)])
    return np.bincount(distinct(keys) // A.n, minlength=len(nodes))


def _row_keys(m: sp.csr_array) -> np.ndarray:
    """The entries of ``m`` as keys ``row * ncol + column``, in storage order."""
    at = np.repeat(np.arange(m.shape[0], dtype=np.int64), np.diff(m.indptr))
    return at * m.shape[1] + m.indices


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
    if kept_prior(A, year) or whole_first(A, ("partners-prior", A.as_of(year)), len(nodes)):
        return degree_prior(A, year)
    prior = np.zeros(A.n)
    prior[nodes] = _prior_counted(A, year, nodes)
    return prior


def prior_of(A: GraphArrays, year: int | None, nodes: np.ndarray) -> np.ndarray:
    """:func:`~innokg.queries.metapaths.degree_prior` of ``nodes`` (sorted, distinct),
    one value per node: counted in their rows alone unless the whole prior is memoised
    or ``nodes`` are many."""
    if kept_prior(A, year) or whole_first(A, ("partners-prior", A.as_of(year)), len(nodes)):
        return degree_prior(A, year)[nodes]
    return _prior_counted(A, year, nodes)


def _prior_counted(A: GraphArrays, year: int | None, nodes: np.ndarray) -> np.ndarray:
    m = step_rows(A, _ORG_STEP, year, nodes)
    self_links = m.indices == np.repeat(nodes, np.diff(m.indptr))  # a self-link is no neighbour
    counts = np.diff(m.indptr) - np.diff(np.r_[0, np.cumsum(self_links)][m.indptr])
    return np.log1p(counts.astype(float))


def kind_degree_of(A: GraphArrays, kind: Kind, year: int | None, nodes: np.ndarray) -> np.ndarray:
    """:func:`~innokg.queries.metapaths.kind_degree` of ``nodes`` (any order, repeats
    allowed), one count each: counted in their rows alone unless the whole count is
    memoised or the nodes asked add up to many (:func:`~innokg.queries.steps.whole_first`).

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
    >>> kind_degree_of(arrays(G), KINDS["enterprise-enterprise"], None, np.array([2, 0, 2]))
    array([2, 1, 2])
    """
    at = distinct(nodes)
    if whole_first(A, ("partners-kind-degree", kind.key, year), len(at)):
        return kind_degree(A, kind, year)[nodes]
    source, target = A.spans[kind.source], A.spans[kind.target]
    ahead = step_rows(A, kind.linked, year, at)  # the links from each node
    back = step_rows(A, kind.linked, year, at, transposed=True)  # and to it
    # a source's partners are the targets it links to (both ways for a symmetric kind);
    # a target's, the sources linked to it
    sides = [
        (ahead, source, target),
        (back, source, target) if kind.symmetric else (back, target, source),
    ]
    keys = []
    for m, rows_in, columns_in in sides:
        k = _row_keys(m)
        keep = _within(at, rows_in)[k // A.n] & _within(m.indices, columns_in)
        keys.append(k[keep])
    counts = np.bincount(distinct(np.concatenate(keys)) // A.n, minlength=len(at))
    return counts[np.searchsorted(at, nodes)]


def _within(x: np.ndarray, span: tuple[int, int]) -> np.ndarray:
    """Whether each position lies in ``span`` (a label's nodes, which lie together)."""
    return (x >= span[0]) & (x < span[1])


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
    order = np.argsort(rows, kind="stable")  # each row's place, found by binary search
    ranked = rows[order]
    at, to = [], []
    for spec in kind.linked:
        name, flip = spec.removesuffix("^-1"), spec.endswith("^-1")
        # each orientation the kind reads the links in, from the rows' side: the rows
        # are the links' targets when the type is walked backwards, or the kind is read
        # from its target side, but not both
        for backwards in [flip, not flip] if kind.symmetric else [flip]:
            found, other = A.edges_at(name, ranked, year=year, backwards=backwards != reverse)
            at.append(order[np.searchsorted(ranked, found)])
            to.append(other)
    r = np.concatenate(at) if at else np.zeros(0, dtype=np.int64)
    c = np.concatenate(to) if to else np.zeros(0, dtype=np.int64)
    return sp.csr_array((np.ones(len(r)), (r, c)), shape=(len(rows), A.n))
