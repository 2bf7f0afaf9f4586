"""Meta-paths and the sparse machinery that scores pairs along them.

A :class:`MetaPath` is a typed walk from a source to a target; a :class:`Kind` of
partnership has a few.  :func:`path_tail` computes, once per meta-path and options, the
weighted product of everything after the first step, so that scoring a batch of
sources is one sparse product of their rows of the first step by it.  Everything
is memoised on the graph's :class:`~innokg.queries.arrays.GraphArrays`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
import scipy.sparse as sp

from innokg.queries.arrays import ORG_EDGES, GraphArrays
from innokg.queries.graph_arrays import ARRAYS_CODE
from innokg.queries.kept import kept, kept_result
from innokg.queries.sparse_rows import columns_at, entries, lookup, ranges, rows_only
from innokg.queries.steps import label_diagonal, step_matrix, transposed_step

__all__ = [
    "FEW_ROWS",
    "Capacity",
    "Kind",
    "MetaPath",
    "Method",
    "Opts",
    "degree_prior",
    "evidence_floor",
    "intermediate_degree",
    "kept_prior",
    "kind_degree",
    "linked_pairs",
    "lookup_pairs",
    "path_tail",
    "path_weights",
    "prune_rows",
    "settle_parts",
    "step_matrix",
    "transposed_step",
]

Method = Literal["aa", "ra"]

#: The modules whose source decides the degree prior (for what is kept).
_PRIOR_CODE = (
    "innokg.queries.metapaths",
    *ARRAYS_CODE,
    "innokg.queries.arrays",
    "innokg.queries.id_index",
    "innokg.graph.schema",
)


@dataclass(frozen=True)
class MetaPath:
    """A typed walk from a source to a target.

    ``steps`` lists, step by step, the edge types walked (``"TYPE^-1"`` walks an edge
    backwards; several types in one step are alternatives).  The templates name the
    intermediate nodes: ``{t}`` the target, ``{mids}`` the first intermediates (up to
    three names), ``{n}`` their number; for three steps ``{mids2}`` and ``{n2}`` the
    second intermediates.
    """

    key: str
    steps: tuple[tuple[str, ...], ...]
    zh: str
    en: str
    weight: float = 1.0
    #: the phrase already says where both are (the "same city" note is then left out)
    place: bool = False
    #: keys of meta-paths that state the same fact: where one of them joins a pair, this
    #: one adds nothing to its score and is not named (co-location counted once)
    implied_by: tuple[str, ...] = ()
    #: circumstantial evidence (a place): it adds to a pair that another meta-path of the
    #: kind joins, and never joins a pair by itself
    qualifier: bool = False
    #: steps (0-based) whose edges, where the data marks them as guessed, switch the
    #: phrase to ``zh_guessed`` / ``en_guessed`` (say so rather than state it as fact)
    guessed_steps: tuple[int, ...] = ()
    #: an edge of those steps counts as guessed when its ``method`` starts with this, or
    #: (empty) when its ``evidence`` is ``inferred``
    guessed_method: str = ""
    zh_guessed: str = ""
    en_guessed: str = ""


@dataclass(frozen=True)
class Capacity:
    """Typed preferential attachment for a kind, and how to say it.

    A kind with a capacity multiplies its score by ``θ(u) · θ(v)``, with
    ``θ(x) = 1 + log(1 + k(x))`` and ``k(x)`` the partners of the kind that ``x`` already
    has (an institute's partner firms, a firm's research partners), and adds the
    :func:`evidence_floor` to its meta-path evidence.  The templates name the count of
    the source's (``*_source``) and the target's (``*_target``) partners: ``{k}`` the
    count, ``{s}`` a plural "s", ``{t}`` the target's name.
    """

    zh_source: str
    en_source: str
    zh_target: str
    en_target: str


@dataclass(frozen=True)
class Kind:
    """A kind of partnership: who proposes to whom, what counts as linked already."""

    key: str
    source: str
    target: str
    linked: tuple[str, ...]  # edge types (source -> target orientation) already linking
    paths: tuple[MetaPath, ...]
    zh: str
    en: str
    symmetric: bool = False
    cluster: bool = False  # same-cluster complementarity (enterprise pairs)
    chain: tuple[str, ...] = ()  # meta-paths that mean "same chain, different position"
    fund_kinds: tuple[str, ...] = ()  # fund kinds that suit the pair
    partnership: bool = True  # False: kinds that exist to measure the method
    #: meta-paths of circumstantial evidence (place, specialisation, R&D centre): scored
    #: beside ``paths``, and instead of them on a graph that records no link of this kind
    proxies: tuple[MetaPath, ...] = ()
    #: typed preferential attachment (see :class:`Capacity`); None: none
    capacity: Capacity | None = None
    #: pairs that a ``chain`` meta-path joins rank before every other pair (one firm
    #: makes an input of the other's product: supply partners before peers)
    chain_first: bool = False
    #: meta-paths that make two firms peers (both supply the same buyers, both buy from
    #: the same suppliers): likely competitors, whose explanation says so when no
    #: ``chain`` meta-path joins them
    peers: tuple[str, ...] = ()


_Part = TypeVar("_Part", sp.csr_array, np.ndarray)


def settle_parts(paths: Sequence[MetaPath], parts: dict[str, _Part]) -> dict[str, _Part]:
    """Each meta-path's evidence as it counts in the score: a path adds nothing where a
    path it is ``implied_by`` joins the pair (one fact, counted once), and a
    ``qualifier`` adds nothing where no other kind of path joins it (a place alone
    proposes nobody).

    Parameters
    ----------
    paths : sequence of MetaPath
        The kind's meta-paths (those in ``parts``).
    parts : dict of str to sparse array or numpy.ndarray
        Each path's raw evidence: all of one shape, sparse (sources x targets) or dense
        (one value per pair).

    Returns
    -------
    dict
        The same keys, the evidence settled (the arrays given are not changed).

    Examples
    --------
    >>> same_city = MetaPath("same_city", (), "", "", qualifier=True, implied_by=("rnd",))
    >>> rnd = MetaPath("rnd", (), "", "", qualifier=True)
    >>> field = MetaPath("field", (), "", "")
    >>> out = settle_parts([rnd, same_city, field], {
    ...     "rnd": np.array([0.3, 0.3, 0.0]), "same_city": np.array([0.2, 0.2, 0.2]),
    ...     "field": np.array([0.5, 0.0, 0.5])})
    >>> {k: v.tolist() for k, v in out.items()}
    {'rnd': [0.3, 0.0, 0.0], 'same_city': [0.0, 0.0, 0.2], 'field': [0.5, 0.0, 0.5]}
    """
    out = dict(parts)

    def keep(value: _Part, mask: _Part) -> _Part:
        if isinstance(value, np.ndarray):
            return value * np.asarray(mask, dtype=bool)
        return sp.csr_array(value.multiply(mask))

    for path in paths:
        for other in path.implied_by:
            if path.key in out and other in parts:
                joined = parts[other] > 0
                value = out[path.key]
                out[path.key] = (
                    value * ~joined
                    if isinstance(value, np.ndarray)
                    else sp.csr_array(value - value.multiply(joined))
                )
    firm = [out[p.key] for p in paths if not p.qualifier and p.key in out]
    if len(firm) < len(out):
        evidence = firm[0] if firm else None
        for value in firm[1:]:
            evidence = evidence + value
        for path in paths:
            if path.qualifier and path.key in out:
                value = out[path.key]
                out[path.key] = value * 0 if evidence is None else keep(value, evidence > 0)
    return out


def path_weights(deg: np.ndarray, method: Method) -> np.ndarray:
    """The weight of a walk through an intermediate of each degree.

    Parameters
    ----------
    deg : numpy.ndarray
        Degrees of intermediates (their distinct neighbours over the two steps around
        them, see :func:`intermediate_degree`).
    method : {"aa", "ra"}
        ``"aa"`` (Adamic-Adar): ``1 / log(deg)``; ``"ra"`` (resource allocation):
        ``1 / deg``.  An intermediate of degree 0 weighs 0, and so does one of degree 1
        under ``"aa"`` (it joins nothing to anything else).

    Returns
    -------
    numpy.ndarray of float
        Same shape as ``deg``: the busier the intermediate, the less a walk through
        it tells.

    Examples
    --------
    >>> path_weights(np.array([0.0, 1.0, 2.0, 4.0]), "aa").round(4).tolist()
    [0.0, 0.0, 1.4427, 0.7213]
    >>> path_weights(np.array([0.0, 1.0, 2.0, 4.0]), "ra").tolist()
    [0.0, 1.0, 0.5, 0.25]
    """
    with np.errstate(divide="ignore"):
        if method == "ra":
            return np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0)
        return np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0)


@dataclass(frozen=True)
class Opts:
    """The scoring options, as one hashable value.

    ``year``: as of this year (None: all); ``method``: ``"aa"`` or ``"ra"`` (see
    :func:`path_weights`); ``hub_cap``: an intermediate with more neighbours than this
    on the last step counts for nothing; ``tail_cap``: candidates kept per row of a
    path's tail (see :func:`path_tail`).
    """

    year: int | None = None
    method: Method = "aa"
    hub_cap: int = 500
    tail_cap: int = 200


#: Up to this many sources, a ranking or its explanations walk each meta-path from
#: them alone rather than over the whole graph (one firm's partners: ``--for``); the
#: scores are the same (see :mod:`innokg.queries.few_walks`).
FEW_ROWS = 64


def path_tail(
    A: GraphArrays,
    kind: Kind,
    path: MetaPath,
    o: Opts,
    reverse: bool,
) -> tuple[sp.csr_array, sp.csr_array]:
    """The first step and the weighted product of the rest of ``path``.

    With ``reverse`` the path is walked from the target side (same scores).  Each row
    of the product keeps its ``tail_cap`` largest entries (ties: the more connected
    candidate first), so a source reached through a busy intermediate (an industry of
    thousands of firms) gets that intermediate's strongest candidates, not all.

    Parameters
    ----------
    A : GraphArrays
        The graph's arrays.
    kind : Kind
        The kind of partnership (whose ``target``, or ``source`` if reversed, ends the
        walk).
    path : MetaPath
        One of the kind's meta-paths (of two or more steps).
    o : Opts
        The scoring options (year, method, hub_cap, tail_cap).
    reverse : bool
        Walk from the target side.
    Returns
    -------
    first : scipy.sparse.csr_array
        The first step's matrix (n x n).
    tail : scipy.sparse.csr_array
        The rest, weighted by :func:`path_weights` of every intermediate: row ``x`` of
        ``first @ tail`` is the evidence of the path from ``x`` to every target.
        Memoised on ``A`` by kind, path, options and direction.  For a few sources,
        :func:`innokg.queries.few_walks.few_tail` computes only the rows they reach.

    Examples
    --------
    Firms a and b both supply c, whose two buyers make each walk a-c-b weigh
    ``1 / log 2``:

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
    >>> from innokg.queries.partners import KINDS
    >>> kind = KINDS["enterprise-enterprise"]
    >>> path = next(p for p in kind.paths if p.key == "common_buyers")
    >>> path.steps
    (('SUPPLIES',), ('SUPPLIES^-1',))
    >>> first, tail = path_tail(A, kind, path, Opts(), False)
    >>> (first @ tail).toarray()[:3, :3].round(4).tolist()
    [[1.4427, 1.4427, 0.0], [1.4427, 1.4427, 0.0], [0.0, 0.0, 0.0]]

    (A pair of a node with itself, or of nodes already linked, is dropped when the
    pairs are scored.)
    """
    key = ("partners-tail", kind.key, path.key, o, reverse)
    if key in A.memo:
        return A.memo[key]
    year = o.year
    mats = [step_matrix(A, s, year) for s in path.steps]
    if reverse:
        mats = [sp.csr_array(m.T) for m in reversed(mats)]
    if len(mats) > 2:  # the middle step at the rows a walk from the kind's side reaches:
        # a path through a city would otherwise multiply out every node in the city,
        # not only the R&D platforms the first step leads to
        side = np.flatnonzero(A.mask(kind.target if reverse else kind.source))
        mats[1] = rows_only(mats[1], columns_at(mats[0], side))
    mats[-1] = sp.csr_array(mats[-1] @ label_diagonal(A, kind.source if reverse else kind.target))
    mats[-1].eliminate_zeros()
    tail: sp.csr_array | None = None
    for i in range(len(mats) - 1, 0, -1):
        after = mats[i]
        w = path_weights(intermediate_degree(A, path, i, year, reverse).astype(float), o.method)
        if i == len(mats) - 1:
            w = np.where(np.diff(after.indptr) > o.hub_cap, 0.0, w)
        scaled = sp.diags_array(w) @ (after if tail is None else after @ tail)
        tail = sp.csr_array(scaled)
        tail.eliminate_zeros()
    assert tail is not None
    result = (mats[0], prune_rows(tail, o.tail_cap, degree_prior(A, year)))
    A.memo[key] = result
    return result


def prune_rows(m: sp.csr_array, cap: int, prior: np.ndarray) -> sp.csr_array:
    """Keep the ``cap`` largest entries of each row (ties: higher ``prior``, then column).

    Parameters
    ----------
    m : scipy.sparse.csr_array
        Scores, one row per source.
    cap : int
        Entries kept per row.
    prior : numpy.ndarray of float
        One value per column: among equal entries, the column with the higher prior
        is kept (:func:`degree_prior`: the better connected candidate).

    Returns
    -------
    scipy.sparse.csr_array
        ``m`` itself when no row has more than ``cap`` entries, else a pruned copy.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> m = sp.csr_array(np.array([[3.0, 1.0, 3.0], [0.0, 5.0, 0.0]]))
    >>> prune_rows(m, 1, np.array([0.0, 0.0, 1.0])).toarray().tolist()
    [[0.0, 0.0, 3.0], [0.0, 5.0, 0.0]]
    >>> prune_rows(m, 1, np.zeros(3)).toarray().tolist()
    [[3.0, 0.0, 0.0], [0.0, 5.0, 0.0]]
    """
    counts = np.diff(m.indptr)
    if counts.max(initial=0) <= cap:
        return m
    # only the rows over the cap are sorted (at 1M, fewer than one in a hundred, with a
    # tenth of a tail's entries, or most of them); the other rows are kept whole
    over = np.flatnonzero(counts > cap)
    held = counts[over]
    take = ranges(m.indptr[over], held)
    row = np.repeat(np.arange(len(over)), held)
    cols = m.indices[take]
    order = np.lexsort((cols, -prior[cols], -m.data[take], row))
    rank = np.arange(len(order)) - (np.cumsum(held) - held)[row[order]]
    keep = np.ones(m.nnz, dtype=bool)
    keep[take[order[rank >= cap]]] = False
    indptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(np.minimum(counts, cap), out=indptr[1:])
    out = sp.csr_array((m.data[keep], m.indices[keep], indptr), shape=m.shape)
    out.sum_duplicates()  # canonical, each row's columns in order
    return out


def intermediate_degree(
    A: GraphArrays, path: MetaPath, i: int, year: int | None, reverse: bool
) -> np.ndarray:
    """Distinct neighbours of every node over the edge types of steps ``i - 1`` and ``i``
    (the two steps around the ``i``-th intermediate; counted from the end if reversed).

    Parameters
    ----------
    A : GraphArrays
        The graph's arrays.
    path : MetaPath
        The meta-path walked.
    i : int
        Which intermediate: 1 for the node reached by the first step, up to
        ``len(path.steps) - 1``.
    year : int, optional
        Only edges that existed in this year; None: all.
    reverse : bool
        Count ``i`` from the path's end (the walk from the target side).

    Returns
    -------
    numpy.ndarray of int
        One count per node (the degree given to :func:`path_weights`), memoised.

    Examples
    --------
    The buyer c has two neighbours over SUPPLIES, in and out:

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
    >>> from innokg.queries.partners import KINDS
    >>> path = next(p for p in KINDS["enterprise-enterprise"].paths if p.key == "common_buyers")
    >>> intermediate_degree(A, path, 1, None, False).tolist()
    [0, 0, 2, 0, 0]
    """
    if reverse:
        i = len(path.steps) - i
    key = ("partners-degree", path.steps[i - 1], path.steps[i], year)
    if key not in A.memo:
        A.memo[key] = _distinct_around(A, path.steps[i - 1], path.steps[i], year)
    return A.memo[key]


def _distinct_around(
    A: GraphArrays, before: Sequence[str], after: Sequence[str], year: int | None
) -> np.ndarray:
    """Distinct neighbours of every node: the nodes ``before`` leads to it from, and the
    nodes ``after`` leads it to.  The two sets are counted apart, row by row, when they
    cannot share a node: a step's matrices are 0/1 in canonical form, so a row's entries
    are its distinct neighbours.  They cannot when the two steps reach nodes of
    different labels (a firm's industries and its partner institutes), and they are one
    set when ``after`` walks ``before``'s edges backwards (IN_INDUSTRY, IN_INDUSTRY^-1).
    Only other pairs add the two n x n matrices (at ten million nodes the sum took
    30 s of the brief's partner searches)."""
    first, then = step_matrix(A, before, year), step_matrix(A, after, year)
    into = np.bincount(first.indices, minlength=A.n)  # rows of first.T
    out = np.diff(then.indptr)
    walked_back = {_reversed(s) for s in before} == set(after)
    if walked_back and np.array_equal(into, out):  # first.T and then are one pattern
        return out
    codes = len(A.label_names)
    came = np.bincount(A.label_code[first.indptr[1:] > first.indptr[:-1]], minlength=codes)
    went = np.bincount(A.label_code[then.indices], minlength=codes)
    if not ((came > 0) & (went > 0)).any():
        return into + out
    around = sp.csr_array(first.T + then)
    around.data[:] = 1.0
    return np.diff(around.indptr)


def _reversed(step: str) -> str:
    """The edge type of ``step`` walked the other way (``X`` and ``X^-1``)."""
    return step.removesuffix("^-1") if step.endswith("^-1") else step + "^-1"


def linked_pairs(A: GraphArrays, kind: Kind, year: int | None) -> sp.csr_array:
    """The pairs already linked as ``kind`` says (its ``linked`` edge types).

    Parameters
    ----------
    A : GraphArrays
        The graph's arrays.
    kind : Kind
        The kind of partnership.
    year : int, optional
        Only links that existed in this year; None: all.

    Returns
    -------
    scipy.sparse.csr_array
        Non-zero where the row's node is linked to the column's (both ways for a
        symmetric kind); these pairs are never proposed.  Memoised on ``A``.

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
    >>> from innokg.queries.partners import KINDS
    >>> rows, cols = linked_pairs(A, KINDS["enterprise-enterprise"], None).nonzero()
    >>> [(A.ids[r], A.ids[c]) for r, c in zip(rows, cols)]
    [('a', 'c'), ('b', 'c'), ('c', 'a'), ('c', 'b')]
    """
    key = ("partners-linked", kind.key, year)
    if key not in A.memo:
        m = A.matrix(kind.linked, year=year)
        A.memo[key] = sp.csr_array(m + m.T) if kind.symmetric else m
    return A.memo[key]


def lookup_pairs(m: sp.csr_array, r: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``m[r, c]`` for many pairs at once (0 where absent): each found by a binary search
    in its row (scipy's look-up), or, for a few pairs, among the matrix's sorted keys.

    Parameters
    ----------
    m : scipy.sparse.csr_array
        The matrix to read.
    r, c : numpy.ndarray of int
        Row and column of each pair (same length).

    Returns
    -------
    numpy.ndarray of float
        One value per pair.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> m = sp.csr_array(np.array([[3.0, 1.0, 3.0], [0.0, 5.0, 0.0]]))
    >>> lookup_pairs(m, np.array([0, 1, 1]), np.array([2, 1, 0])).tolist()
    [3.0, 5.0, 0.0]
    """
    if not len(r):
        return np.zeros(0)
    m = sp.csr_array(m)
    if not m.has_canonical_format:  # sorted and summed: its entries in key order
        m = m.copy()
        m.sum_duplicates()
    if len(r) * 8 > m.nnz:  # many: a search in each one's row (scipy's look-up)
        return np.asarray(m[np.asarray(r), np.asarray(c)], dtype=float).ravel()
    # few against a large matrix: one search among all its keys costs less than
    # scipy's per-element set-up
    keys, data = entries(m)
    return lookup(keys, data, np.asarray(r, dtype=np.int64) * m.shape[1] + c)


def kind_degree(A: GraphArrays, kind: Kind, year: int | None) -> np.ndarray:
    """How many distinct partners of ``kind`` every node has (as of ``year``): for a
    source, the targets it is linked to; for a target, the sources linked to it.

    Parameters
    ----------
    A : GraphArrays
        The graph's arrays.
    kind : Kind
        The kind of partnership (what a :class:`Capacity` counts).
    year : int, optional
        Only links that existed in this year; None: all.

    Returns
    -------
    numpy.ndarray of int
        One count per node (0 for nodes of neither side), memoised on ``A``.

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
    >>> from innokg.queries.partners import KINDS
    >>> kind_degree(A, KINDS["enterprise-enterprise"], None).tolist()
    [1, 1, 2, 0, 0]
    """
    key = ("partners-kind-degree", kind.key, year)
    if key not in A.memo:
        keep_rows = sp.diags_array(A.mask(kind.source).astype(float))
        keep_cols = sp.diags_array(A.mask(kind.target).astype(float))
        m = sp.csr_array(keep_rows @ linked_pairs(A, kind, year) @ keep_cols)
        m = sp.csr_array(m + m.T) if not kind.symmetric else m
        m.eliminate_zeros()
        A.memo[key] = np.diff(m.indptr)  # distinct partners: one entry per pair
    return A.memo[key]


def evidence_floor(o: Opts) -> float:
    """The weight of the least telling intermediate a walk may pass (one with
    ``hub_cap`` neighbours): what a kind with a capacity counts for a pair that no
    meta-path joins, so that its preferential attachment can still order such pairs.

    Parameters
    ----------
    o : Opts
        The scoring options (its ``hub_cap`` and ``method``).

    Returns
    -------
    float

    Examples
    --------
    >>> round(evidence_floor(Opts()), 4)  # 1 / log(500)
    0.1609
    >>> evidence_floor(Opts(method="ra", hub_cap=100))
    0.01
    """
    return float(path_weights(np.array([float(o.hub_cap)]), o.method)[0])


def degree_prior(A: GraphArrays, year: int | None) -> np.ndarray:
    """``log(1 + degree)`` of every node in the organisation network.

    The degree counts distinct neighbours over :data:`~innokg.queries.arrays.ORG_EDGES`
    (undirected, simple); it orders candidates of equal evidence, the better
    connected first.

    Parameters
    ----------
    A : GraphArrays
        The graph's arrays.
    year : int, optional
        Only edges that existed in this year; None: all.

    Returns
    -------
    numpy.ndarray of float
        One value per node, memoised on ``A``.

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
    >>> degree_prior(A, None).round(4).tolist()  # c has two neighbours, a and b one
    [0.6931, 0.6931, 1.0986, 0.0, 0.0]
    """
    year = A.as_of(year)  # a year that leaves nothing out is kept once, under None
    key = ("partners-prior", year)
    if key not in A.memo:
        found = kept(
            A.G,
            "prior",
            {"year": year},
            lambda: {"prior": _degree_prior(A, year)},
            code=_PRIOR_CODE,
            check=functools.partial(_prior_fits, A),
        )
        A.memo[key] = found["prior"]
    prior: np.ndarray = A.memo[key]
    return prior


def kept_prior(A: GraphArrays, year: int | None) -> bool:
    """Whether :func:`degree_prior` is at hand without computing it: memoised, or kept
    beside the package (``innokg prepare``), which is then memoised.  One firm's
    partners read the prior at a few thousand nodes; counted there, it took a second
    and a half at ten million nodes, read from the kept file, nothing."""
    year = A.as_of(year)
    key = ("partners-prior", year)
    if key in A.memo:
        return True
    found = kept_result(A.G, "prior", {"year": year}, code=_PRIOR_CODE)
    if found is None or not _prior_fits(A, found):
        return False
    A.memo[key] = found["prior"]
    return True


def _prior_fits(A: GraphArrays, found: dict[str, np.ndarray]) -> bool:
    """Whether a kept prior has a value for every node of the graph."""
    return len(found.get("prior", ())) == A.n


def _degree_prior(A: GraphArrays, year: int | None) -> np.ndarray:
    # each organisation's distinct neighbours: the adjacency's row counts (a self-link is
    # no neighbour), read from it when built (the gaps build it)
    key = A.adjacency_key(ORG_EDGES, year=year)
    had = key in A.memo
    deg = np.diff(A.adjacency(ORG_EDGES, year=year).indptr).astype(float)
    if not had:  # only its row counts are needed here: the matrix goes at once
        del A.memo[key]
    return np.log1p(deg)
