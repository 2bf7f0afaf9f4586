"""One step of a meta-path as a sparse matrix: whole, transposed, or at a few rows.

A step is a set of alternative edge types (``"TYPE^-1"`` walks one backwards) or a
derived step (:data:`DERIVED`).  :func:`step_matrix` builds its n x n 0/1 matrix over
every node, which the whole-graph questions multiply; one firm's walks (``--for``)
read a few rows of it, so :func:`step_at` builds those rows alone, straight from the
edge arrays, the same entries in the same (column) order.  At the 1M benchmark the
whole matrices of every step one firm's kinds walk cost about half a second in every
command, for rows that are a few thousand of a million.  :func:`whole_first` decides
when the rows asked add up to enough that the whole matrix, built once, is cheaper.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from innokg.queries.arrays import GraphArrays
from innokg.queries.sets import distinct
from innokg.queries.sparse_rows import rows_only

__all__ = [
    "DERIVED",
    "FEW_NODES",
    "RECENT_STEPS",
    "RND_PLATFORMS",
    "label_diagonal",
    "step_at",
    "step_ends",
    "step_links",
    "step_matrix",
    "step_rows",
    "transposed_step",
    "whole_first",
]

#: Derived steps: ``IN_CITY`` joins an organisation to the city it lies in (following
#: LOCATED_IN through counties and zones, see ``GraphArrays.city``); ``OPERATES_RND`` is
#: OPERATES to an R&D platform only (a technology centre, a self-built, co-built or
#: third-party R&D platform: not a maker space or a shop), what "a base for joint R&D"
#: may name.
DERIVED = ("IN_CITY", "OPERATES_RND")
#: Labels that ``IN_CITY`` joins to their city (places themselves are not joined).
_ORGS = ("Enterprise", "ResearchInstitute", "Alliance", "Fund", "MakerTeam", "Platform")
#: Platform kinds that ``OPERATES_RND`` reaches.
RND_PLATFORMS = ("self_built_rnd", "co_built_rnd", "third_party", "enterprise_tech_center")

#: How many of the last rows asked of the steps :func:`step_at` keeps (each holds an
#: ``indptr`` over every node: 4 MB at a million nodes).
RECENT_STEPS = 16
#: ... and at most this many bytes of them: at ten million nodes each ``indptr`` alone
#: is 80 MB, and a partner table written in chunks never asks for the same rows again.
RECENT_BYTES = 256 * 2**20

#: Count for the given nodes only when they are fewer than one in this many nodes;
#: otherwise the whole count (memoised) is cheaper over the calls that follow.
FEW_NODES = 8
#: Held while a whole step matrix is built (the threads of a table written in chunks
#: reach the switch to it together, and two builds of one matrix at ten million nodes
#: were gigabytes more at once), and while the recent steps are read or changed.
_WHOLE = threading.Lock()
_RECENT = threading.Lock()


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


def step_ends(A: GraphArrays, name: str, year: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The (from, to) positions of the links of one edge type or derived step, walked
    forwards (read-only; memoised for a derived step).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}],
    ...      "Region": [{"id": "region:4101", "name": "郑州市", "code": "4101"}]},
    ...     {"LOCATED_IN": [("a", "region:4101")]},
    ... )
    >>> [x.tolist() for x in step_ends(arrays(G), "IN_CITY", None)]
    [[0], [1]]
    """
    if name not in DERIVED:
        return A.edges(name, year=year)
    key = ("step-ends", name, None if name == "IN_CITY" else A.as_of(year))
    if key not in A.memo:
        if name == "IN_CITY":
            city = A.city()
            src = np.flatnonzero(A.mask(*[x for x in _ORGS if x in A.label_names]) & (city >= 0))
            dst = city[src].astype(np.int64)
        else:
            platform = A.mask("Platform") if "Platform" in A.label_names else np.zeros(A.n, bool)
            rnd = platform & A.isin("kind", RND_PLATFORMS)
            src, dst = A.edges("OPERATES", year=year)
            on = rnd[dst]
            src, dst = src[on], dst[on]
        for x in (src, dst):
            x.flags.writeable = False
        A.memo[key] = (src, dst)
    found: tuple[np.ndarray, np.ndarray] = A.memo[key]
    return found


def step_links(A: GraphArrays, step: Sequence[str], year: int | None) -> int:
    """How many links the step's edge types hold (its matrix's entries, counting a
    pair twice where two types or parallel edges join it): 0 when the step leads
    nowhere.  Counted without building the matrix.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
    ...     {"SUPPLIES": [("a", "b")]},
    ... )
    >>> step_links(arrays(G), ("SUPPLIES", "SUPPLIES^-1"), None)
    2
    >>> step_links(arrays(G), ("COLLABORATES_WITH",), None)
    0
    """
    return sum(
        len(step_ends(A, name, year)[0]) if name in DERIVED else A.edge_count(name, year=year)
        for name in (s.removesuffix("^-1") for s in step)
    )


def _ends_at(
    A: GraphArrays, step: Sequence[str], year: int | None, rows: np.ndarray | None, flip: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The (row, column) of each of the step's links (transposed when ``flip``), only
    those from ``rows`` (sorted, distinct; None: every link); a pair may repeat."""
    want: np.ndarray | None = None  # a mask of the rows, for the derived steps
    out_rows, out_cols = [], []
    for spec in step:
        name, backwards = spec.removesuffix("^-1"), spec.endswith("^-1") != flip
        if rows is not None and name not in DERIVED:
            src, dst = A.edges_at(name, rows, year=year, backwards=backwards)
        else:
            src, dst = step_ends(A, name, year)
            if backwards:
                src, dst = dst, src
            if rows is not None:
                if want is None:
                    want = np.zeros(A.n, dtype=bool)
                    want[rows] = True
                hit = np.flatnonzero(want[src])
                src, dst = src[hit], dst[hit]
        out_rows.append(src)
        out_cols.append(dst)
    r = np.concatenate(out_rows) if out_rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(out_cols) if out_cols else np.zeros(0, dtype=np.int64)
    return r, c


def _from_ends(
    A: GraphArrays, step: Sequence[str], year: int | None, rows: np.ndarray | None, flip: bool
) -> sp.csr_array:
    """The step's 0/1 matrix (transposed when ``flip``) in canonical form, from its
    edge arrays; only the ``rows`` (sorted, distinct; None: every row)."""
    r, c = _ends_at(A, step, year, rows, flip)
    if rows is not None:
        return _canonical(A.n, r, c)
    m = sp.csr_array((np.ones(len(r)), (r, c)), shape=(A.n, A.n))
    m.sum_duplicates()  # canonical: rows searched, not scanned
    m.data[:] = 1.0
    return m


def _canonical(n: int, r: np.ndarray, c: np.ndarray) -> sp.csr_array:
    """The n x n 0/1 matrix of the entries (``r``, ``c``) in canonical form, built
    directly: for a few rows' entries, scipy's conversion (passes over every row to
    sort and merge) costs several times the entries' own sort."""
    key = distinct(r.astype(np.int64) * n + c)
    row = key // n
    small = np.int32 if n < np.iinfo(np.int32).max else np.int64
    # the row pointers step up after each row that has entries and are flat between:
    # written as runs (a cumulative sum over every row took ten times as long, a few
    # hundredths of a second a call at ten million nodes, many calls a chunk of firms)
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]) if len(row) else row
    runs = np.diff(np.r_[-1, row[starts], n]) if len(row) else np.array([n + 1])
    indptr = np.repeat(np.r_[starts, len(row)].astype(small), runs)
    m = sp.csr_array((np.ones(len(key)), (key - row * n).astype(small), indptr), shape=(n, n))
    m.has_canonical_format = True
    return m


def step_matrix(A: GraphArrays, step: Sequence[str], year: int | None) -> sp.csr_array:
    """The n x n 0/1 matrix of one step of a meta-path (row: from, column: to).

    Parameters
    ----------
    A : GraphArrays
        The graph's arrays (:func:`innokg.queries.arrays.arrays`).
    step : sequence of str
        Alternative edge types walked in the step: a type of the schema, ``"TYPE^-1"``
        to walk it backwards, or a derived step of :data:`DERIVED`.
    year : int, optional
        Only edges (and nodes) that existed in this year; None: all.

    Returns
    -------
    scipy.sparse.csr_array
        1 where the step leads from the row's node to the column's, in canonical form,
        memoised on ``A``.

    Examples
    --------
    Firms a and b both supply c; a lies in a county of Zhengzhou, b in the city:

    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"},
    ...                     {"id": "c", "name": "丙"}],
    ...      "Region": [{"id": "region:4101", "name": "郑州市", "code": "4101"},
    ...                 {"id": "region:410122", "name": "中牟县", "code": "410122",
    ...                  "level": "county"}]},
    ...     {"SUPPLIES": [("a", "c"), ("b", "c")],
    ...      "LOCATED_IN": [("a", "region:410122"), ("b", "region:4101"),
    ...                     ("region:410122", "region:4101")]},
    ... )
    >>> A = arrays(G)
    >>> A.ids.tolist()
    ['a', 'b', 'c', 'region:4101', 'region:410122']
    >>> step_matrix(A, ("SUPPLIES^-1",), None).toarray()[:3, :3].tolist()
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [1.0, 1.0, 0.0]]

    ``IN_CITY`` leads both firms to the city, through the county for a:

    >>> step_matrix(A, ("IN_CITY",), None).toarray()[:3].tolist()
    [[0.0, 0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]]
    """
    if all(s.removesuffix("^-1") not in DERIVED for s in step):
        return A.matrix(tuple(step), year=year)
    key = _whole_key(A, step, year, False)
    if key not in A.memo:
        A.memo[key] = _from_ends(A, step, year, None, False)
    found: sp.csr_array = A.memo[key]
    return found


def transposed_step(A: GraphArrays, step: Sequence[str], year: int | None) -> sp.csr_array:
    """The transpose of :func:`step_matrix`, in CSR form and memoised (the step walked
    backwards, rows by the step's target).

    Parameters
    ----------
    A : GraphArrays
        The graph's arrays.
    step : sequence of str
        Alternative edge types of the step, as for :func:`step_matrix`.
    year : int, optional
        Only what existed in this year; None: all.

    Returns
    -------
    scipy.sparse.csr_array

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"},
    ...                     {"id": "c", "name": "丙"}],
    ...      "Region": [{"id": "region:4101", "name": "郑州市", "code": "4101"},
    ...                 {"id": "region:410122", "name": "中牟县", "code": "410122",
    ...                  "level": "county"}]},
    ...     {"SUPPLIES": [("a", "c"), ("b", "c")],
    ...      "LOCATED_IN": [("a", "region:410122"), ("b", "region:4101"),
    ...                     ("region:410122", "region:4101")]},
    ... )
    >>> A = arrays(G)
    >>> (transposed_step(A, ("SUPPLIES",), None)
    ...  != step_matrix(A, ("SUPPLIES^-1",), None)).nnz
    0
    """
    key = _whole_key(A, step, year, True)
    if key not in A.memo:
        A.memo[key] = sp.csr_array(step_matrix(A, step, year).T)
    found: sp.csr_array = A.memo[key]
    return found


def step_at(
    A: GraphArrays,
    step: Sequence[str],
    year: int | None,
    rows: np.ndarray,
    *,
    transposed: bool = False,
    cut: bool = False,
) -> sp.csr_array:
    """:func:`step_matrix` (:func:`transposed_step` when ``transposed``) right at
    ``rows``: an n x n matrix whose rows ``rows`` hold the whole matrix's entries, in
    the same order.

    Built from the edge arrays for those rows alone, the other rows left empty; the
    whole matrix instead when it is memoised already or the rows asked for it add up
    to many (:func:`whole_first`), emptied but for ``rows`` when ``cut``.

    Parameters
    ----------
    A : GraphArrays
        The graph's arrays.
    step : sequence of str
        Alternative edge types of the step, as for :func:`step_matrix`.
    year : int, optional
        Only what existed in this year; None: all.
    rows : numpy.ndarray of int
        The rows wanted (sorted, distinct when ``cut``).
    transposed : bool
        The step walked backwards.
    cut : bool
        Never return rows beyond ``rows`` (a walk's later steps: what a row holds
        decides which nodes the walk weighs).

    Returns
    -------
    scipy.sparse.csr_array
        In canonical form.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"},
    ...                     {"id": "c", "name": "丙"}]},
    ...     {"SUPPLIES": [("a", "c"), ("b", "c"), ("c", "a")]},
    ... )
    >>> A = arrays(G)
    >>> step_at(A, ("SUPPLIES^-1",), None, np.array([2]), cut=True).toarray().tolist()
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [1.0, 1.0, 0.0]]
    >>> step_at(A, ("SUPPLIES",), None, np.array([0]), transposed=True, cut=True).toarray()[0]
    array([0., 0., 1.])
    """
    if whole_first(A, _whole_key(A, step, year, transposed), len(rows)):
        with _WHOLE:
            whole = transposed_step(A, step, year) if transposed else step_matrix(A, step, year)
        return rows_only(whole, rows) if cut else whole
    asked = distinct(np.asarray(rows, dtype=np.int64))
    # one firm's walks and their reasons ask for the same rows of a step again and
    # again: the last few answers are kept
    digest = hashlib.blake2b(asked.tobytes(), digest_size=16).digest()
    key = (tuple(step), year, transposed, digest)
    with _RECENT:
        recent: OrderedDict[tuple[object, ...], sp.csr_array] = A.memo.setdefault(
            ("step-at-recent",), OrderedDict()
        )
        if key in recent:
            recent.move_to_end(key)
            return recent[key]
    m = _from_ends(A, step, year, asked, transposed)
    _keep(recent, key, m)
    return m


def step_rows(
    A: GraphArrays,
    step: Sequence[str],
    year: int | None,
    rows: np.ndarray,
    *,
    transposed: bool = False,
) -> sp.csr_array:
    """The rows ``rows`` (sorted, distinct) of :func:`step_matrix` (of
    :func:`transposed_step` when ``transposed``) as a ``len(rows) x n`` matrix: its row
    ``k`` holds row ``rows[k]``'s entries, in the same order.

    What :func:`step_at` gives without a row pointer for every node: a walk from one
    firm reads a few hundred rows, and at ten million nodes each n x n matrix's row
    pointers alone are a pass over 80 MB.  Built from the edge arrays, or cut from the
    whole matrix when :func:`whole_first` says so; the last few answers are kept.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"},
    ...                     {"id": "c", "name": "丙"}]},
    ...     {"SUPPLIES": [("a", "c"), ("b", "c"), ("c", "a")]},
    ... )
    >>> step_rows(arrays(G), ("SUPPLIES^-1",), None, np.array([0, 2])).toarray().tolist()
    [[0.0, 0.0, 1.0], [1.0, 1.0, 0.0]]
    """
    if whole_first(A, _whole_key(A, step, year, transposed), len(rows)):
        with _WHOLE:
            whole = transposed_step(A, step, year) if transposed else step_matrix(A, step, year)
        return sp.csr_array(whole[rows])
    digest = hashlib.blake2b(np.ascontiguousarray(rows, dtype=np.int64).tobytes(), digest_size=16)
    key = (tuple(step), year, transposed, digest.digest())
    with _RECENT:
        recent: OrderedDict[tuple[object, ...], sp.csr_array] = A.memo.setdefault(
            ("step-rows-recent",), OrderedDict()
        )
        if key in recent:
            recent.move_to_end(key)
            return recent[key]
    r, c = _ends_at(A, step, year, rows, transposed)
    at = np.searchsorted(rows, r)  # each row's place among the rows asked
    keys = distinct(at.astype(np.int64) * A.n + c)
    local = keys // A.n
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(np.bincount(local, minlength=len(rows)), out=indptr[1:])
    m = sp.csr_array((np.ones(len(keys)), keys - local * A.n, indptr), shape=(len(rows), A.n))
    m.has_canonical_format = True
    _keep(recent, key, m)
    return m


def _keep(
    recent: OrderedDict[tuple[object, ...], sp.csr_array], key: tuple[object, ...], m: sp.csr_array
) -> None:
    """Keep ``m`` among the last answers, the oldest let go beyond :data:`RECENT_STEPS`
    or :data:`RECENT_BYTES`."""
    with _RECENT:
        recent[key] = m
        while len(recent) > 1 and (
            len(recent) > RECENT_STEPS or sum(_nbytes(x) for x in recent.values()) > RECENT_BYTES
        ):
            recent.popitem(last=False)


def _nbytes(m: sp.csr_array) -> int:
    return int(m.data.nbytes + m.indices.nbytes + m.indptr.nbytes)


def label_diagonal(A: GraphArrays, label: str) -> sp.dia_array:
    """The diagonal matrix that keeps the columns of ``label``'s nodes: a walk's last
    step times it leads to the kind's targets only (memoised).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}],
    ...                 "Fund": [{"id": "f", "name": "基金"}]})
    >>> label_diagonal(arrays(G), "Fund").diagonal().tolist()
    [0.0, 1.0]
    """
    key = ("label-diagonal", label)
    if key not in A.memo:
        A.memo[key] = sp.diags_array(A.mask(label).astype(float))
    found: sp.dia_array = A.memo[key]
    return found


def _whole_key(
    A: GraphArrays, step: Sequence[str], year: int | None, transposed: bool
) -> tuple[object, ...]:
    """The memo key of a step's whole matrix (``GraphArrays.matrix``'s own for a step
    of schema edge types alone), under None for a year that leaves nothing out."""
    year = A.as_of(year)
    if transposed:
        return ("partners-transposed", tuple(step), year)
    if all(s.removesuffix("^-1") not in DERIVED for s in step):
        return A.matrix_key(step, year=year)
    return ("partners-step", tuple(step), year)
