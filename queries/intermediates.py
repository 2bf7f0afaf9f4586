"""The intermediates of meta-path walks between given pairs, for the partner
explanations (:mod:`innokg.queries.reasons`): which nodes join each pair, the three
most telling of them (fewest neighbours, then name), and the look-ups these rest on.

Every function works on all pairs at once: a step's rows are read through its row
pointers and a link is looked up in the step's sorted entries, so no pair-by-node
matrix is built.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from innokg.queries.arrays import GraphArrays
from innokg.queries.few_walks import degree_at
from innokg.queries.kept import kept
from innokg.queries.metapaths import MetaPath
from innokg.queries.node_text import node_text, text_ranks
from innokg.queries.once import built_once
from innokg.queries.sets import distinct
from innokg.queries.sparse_rows import entries, lookup, ranges, row_counts
from innokg.queries.steps import FEW_NODES, step_at, step_links, step_matrix, whole_first

__all__ = [
    "intermediates",
    "linked",
    "linked_in",
    "most_telling",
    "name_rank",
    "name_rank_of",
    "names_text",
    "row_entries",
    "sorted_entries",
]

#: (pair, node) entries: the index of the pair and a node position, one per row.
Entries = tuple[np.ndarray, np.ndarray]


def sorted_entries(
    A: GraphArrays, key: tuple[object, ...], m: sp.csr_array
) -> tuple[np.ndarray, np.ndarray]:
    """The entries of ``m`` as sorted linear keys ``row * ncol + col`` and their values,
    built once (the first chunks of a table, ranked by two threads at once, both ask)."""
    found: tuple[np.ndarray, np.ndarray] = built_once(A, key, lambda: entries(m))
    return found


def names_text(A: GraphArrays, pos: np.ndarray | None, *, en: bool) -> pa.Array:
    """The names of the nodes ``pos`` (None: every node) as Arrow large strings; with
    ``en``, the English name where there is one.  Taken from the node tables, with no
    Python string per node: at ten million nodes every name as Python strings took
    1.4 GB, kept for the whole of a partner table."""
    at = np.arange(A.n) if pos is None else np.asarray(pos, dtype=np.int64)
    text = node_text(A, "name", at)
    if en:
        english = node_text(A, "name_en", at)
        text = pc.if_else(pc.equal(english, ""), text, english)
    return text.combine_chunks()


def _rank_by_name(names: pa.Array) -> np.ndarray:
    """Each name's place when sorted (code-point order), ties by position."""
    order = np.argsort(text_ranks(names), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


#: The code a kept name order depends on.
_NAME_RANK_CODE = ("innokg.queries.intermediates", "innokg.queries.node_text")


def name_rank(A: GraphArrays) -> np.ndarray:
    """Position of every node's name in sorted order (ties: by position).  Kept with
    the package (``innokg prepare`` keeps it): at ten million nodes the sort takes
    13.6 s, which a partner table spent on one of its two threads before its first
    chunks."""

    def build() -> np.ndarray:
        found = kept(
            A.G,
            "name-rank",
            {},
            lambda: {"rank": _rank_by_name(names_text(A, None, en=False))},
            code=_NAME_RANK_CODE,
            check=lambda f: len(f.get("rank", ())) == A.n,
        )
        rank: np.ndarray = found["rank"]
        return rank

    return built_once(A, ("reasons-name-rank",), build)


def name_rank_of(A: GraphArrays, nodes: np.ndarray) -> np.ndarray:
    """An order of ``nodes`` (sorted, distinct) by name, ties by position, as ranks at
    their positions: :func:`name_rank` orders them the same way, but sorting every
    name of a large graph (about a second at 1M) is not worth it for a few nodes."""
    if whole_first(A, ("reasons-name-rank",), len(nodes)):
        return name_rank(A)
    rank = np.zeros(A.n, dtype=np.int64)
    rank[nodes] = _rank_by_name(names_text(A, nodes, en=False))
    return rank


def intermediates(
    A: GraphArrays,
    path: MetaPath,
    u: np.ndarray,
    v: np.ndarray,
    year: int | None,
    walk: str | None = None,
) -> tuple[Entries, Entries]:
    """The first and (for three steps) second intermediates joining each pair, as
    (pair, node) entries, in no particular order.  A three-step path's middle step is
    walked from whichever end has fewer entries (``walk``: ``"back"`` or ``"ahead"`` to
    choose): back from the target (an institute's few partners, each in one or two
    industries) or on from the source (a firm's R&D platform lies in one city, which
    holds hundreds of platforms).  Both give the same entries.  Each step's rows are
    read through its ``indptr`` and each last link is looked up in its sorted entries,
    so no pair-by-node matrix is built (at 1M, most of this function's time was
    scipy's row indexing and element-wise products)."""
    none = (np.array([], dtype=np.int64), np.array([], dtype=np.int64))
    fp, fz = row_entries(step_at(A, path.steps[0], year, u), u)
    if len(path.steps) == 2:
        ok = linked(A, path.steps[1], year, fz, v[fp])
        return (fp[ok], fz[ok]), none
    p, w = row_entries(step_at(A, path.steps[-1], year, v, transposed=True), v)
    # second -> first intermediates, and first -> second
    back = step_at(A, path.steps[1], year, w, transposed=True)
    ahead = step_at(A, path.steps[1], year, fz)
    keep = w != u[p]  # the source itself is no second intermediate
    p, w = p[keep], w[keep]
    if walk is None:
        walk = "ahead" if row_counts(ahead, fz).sum() < row_counts(back, w).sum() else "back"
    if walk == "ahead":
        return _walked_ahead(A, path, u, v, year, (fp, fz), ahead)
    q, z = row_entries(back, w)  # each second intermediate's first ones
    ok = linked(A, path.steps[0], year, u[p[q]], z)
    m1 = distinct(p[q[ok]] * A.n + z[ok])
    hit = np.zeros(len(w), dtype=bool)
    hit[q[ok]] = True
    return (m1 // A.n, m1 % A.n), (p[hit], w[hit])


def _distinct_nodes(A: GraphArrays, nodes: np.ndarray) -> np.ndarray:
    """The distinct ``nodes``, sorted: by a sort where they are few against the graph
    (a pass over a mask of every node, for each chunk of a partner table's phrases,
    took 13 s of the table's thread time at ten million nodes), else by that mask."""
    if len(nodes) * 64 < A.n:
        return distinct(nodes)
    seen = np.zeros(A.n, dtype=bool)
    seen[nodes] = True
    return np.flatnonzero(seen)


def row_entries(m: sp.csr_array, rows: np.ndarray) -> Entries:
    """The non-zero entries of ``m[rows]`` as (index into ``rows``, column)."""
    counts = row_counts(m, rows)
    take = ranges(m.indptr[rows], counts)
    at = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
    col = m.indices[take].astype(np.int64)
    on = m.data[take] != 0
    return (at, col) if on.all() else (at[on], col[on])


def linked(
    A: GraphArrays, step: Sequence[str], year: int | None, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """Whether the step leads from each ``a`` to its ``b``: found in the rows of ``a``
    when they hold few of its links (one firm's partners), else :func:`linked_in` the
    whole matrix."""
    key = ("reasons-step-keys", tuple(step), year)
    if key not in A.memo:
        m = step_at(A, step, year, a)
        if int(row_counts(m, a).sum()) * FEW_NODES <= step_links(A, step, year):
            return _in_rows(m, a, b)
    return linked_in(A, key, step_matrix(A, step, year), a, b)


def linked_in(
    A: GraphArrays, key: tuple[object, ...], m: sp.csr_array, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """Whether ``m`` has an entry at each (``a``, ``b``): looked up in its sorted
    entries (memoised under ``key``), or, when the rows of ``a`` hold few of its
    entries (one firm's partners), found in those rows rather than sorting every entry
    first.  (Counted in entries, not pairs: a buyer's row lists all its suppliers.)"""
    if key not in A.memo and int(row_counts(m, a).sum()) * FEW_NODES <= m.nnz:
        return _in_rows(m, a, b)
    keys, data = sorted_entries(A, key, m)
    return lookup(keys, data, a.astype(np.int64) * m.shape[1] + b) != 0


def _in_rows(m: sp.csr_array, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether ``m`` has an entry at each (``a``, ``b``), read in the rows of ``a``."""
    at, col = row_entries(m, a)
    found = np.zeros(len(a), dtype=bool)
    found[at[col == b[at]]] = True
    return found


def _walked_ahead(
    A: GraphArrays,
    path: MetaPath,
    u: np.ndarray,
    v: np.ndarray,
    year: int | None,
    first: Entries,
    ahead: sp.csr_array,
) -> tuple[Entries, Entries]:
    """:func:`intermediates` of a three-step path walked on from the source's ``first``
    intermediates (pair, node): each one's second intermediates, kept where the last
    step reaches the target."""
    fp, fz = first
    q, w = row_entries(ahead, fz)
    p = fp[q]
    ok = w != u[p]
    ok[ok] = linked(A, path.steps[2], year, w[ok], v[p[ok]])
    p, z, w = p[ok], fz[q[ok]], w[ok]
    m1 = distinct(p * A.n + z)
    m2 = distinct(p * A.n + w)
    return (m1 // A.n, m1 % A.n), (m2 // A.n, m2 % A.n)


def most_telling(
    A: GraphArrays,
    path: MetaPath,
    i: int,
    entries: tuple[np.ndarray, np.ndarray],
    n: int,
    year: int | None,
) -> tuple[np.ndarray, np.ndarray]:
    """How many ``i``-th intermediates each pair has, and the three most telling
    (fewest neighbours, then name; -1 pads)."""
    p, c = entries
    count = np.bincount(p, minlength=n)
    top = np.full((n, 3), -1, dtype=np.int64)
    if not len(p):
        return count, top
    mids = _distinct_nodes(A, c)
    deg = np.minimum(
        degree_at(A, path, i, year, False, mids)[np.searchsorted(mids, c)], (1 << 20) - 1
    )
    # one key per node, (degree, name rank), distinct: a pair's three smallest are the
    # three most telling, found in three passes over the pairs' runs, not a sort
    key = (deg.astype(np.int64) << max(int(A.n).bit_length(), 1)) | name_rank_of(A, mids)[c]
    if (np.diff(p) < 0).any():
        order = np.argsort(p, kind="stable")
        p, c, key = p[order], c[order], key[order]
    starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])
    run = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(p)]))
    taken = np.iinfo(np.int64).max
    for j in range(3):
        low = np.minimum.reduceat(key, starts)
        hit = (key == low[run]) & (key != taken)
        top[p[hit], j] = c[hit]
        key[hit] = taken
    return count, top
