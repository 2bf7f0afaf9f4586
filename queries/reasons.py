"""Why a candidate pair is proposed: the columns and sentences of a partner table.

For every chosen pair this computes, column by column rather than pair by pair, what
each meta-path contributes to its score, which intermediate nodes join the two sides
on its two strongest meta-paths (up to three names of each, fewest neighbours
first), and which complementarity conditions hold; then it fills the meta-paths'
templates into one Chinese and one English sentence.  Every step is a sparse
element-wise product or a sort over all pairs at once, so explaining a million
pairs costs seconds, not hours.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from innokg.queries import metapaths
from innokg.queries.arrays import GraphArrays
from innokg.queries.few_walks import few_tail, kind_degree_of
from innokg.queries.intermediates import (
    intermediates,
    linked,
    most_telling,
    names_text,
    sorted_entries,
)
from innokg.queries.metapaths import (
    Kind,
    MetaPath,
    Opts,
    path_tail,
    settle_parts,
)
from innokg.queries.once import built_once
from innokg.queries.sets import distinct, find_sorted
from innokg.queries.sparse_rows import entries, lookup, row_counts
from innokg.queries.steps import step_at, whole_first

__all__ = ["Complementarity", "describe"]

#: (factor, same city, same cluster, fund fit) of pairs (sources, targets, chain flags)
Complementarity = Callable[
    [np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
]

#: The Chinese measure word for a count of nodes of a label.
_MEASURE = {"Product": "种", "Industry": "个", "MakerTeam": "个", "Person": "位"}

#: Text columns are Arrow strings, joined by Arrow's kernels rather than one Python
#: string at a time (explaining a million pairs was mostly string concatenation).
_TEXT = pa.large_string()
Text: TypeAlias = pa.Array
#: A piece of text: one string for every row, or one for all.
_Piece: TypeAlias = pa.Array | str


@dataclass(frozen=True)
class _Taken:
    """A piece of text whose row ``i`` is ``pool[at[i]]``: phrases written once per
    group of rows, or a few distinct texts (a city's phrase), not copied row by row
    until the sentences are joined."""

    pool: Text
    at: np.ndarray


#: A part of a sentence: its text, and the rows it is part of.
_Part: TypeAlias = tuple[_Piece | _Taken, np.ndarray]


def _only(text: Text, on: np.ndarray) -> _Part:
    """A part written for the rows where ``on`` holds only, one text each in row order."""
    return _Taken(text, np.cumsum(on) - 1), on


#: What two firms joined only by common buyers or suppliers are, and what they may do.
_PEERS_ZH = "同业（可能是竞争者）：适合组建产业联盟或联合研发，而非供需对接"
_PEERS_EN = (
    "peers (possibly competitors): suited to an industry alliance or joint R&D, not a supply deal"
)

#: Pairs handled per chunk (bounds the memory of the element-wise products).
_CHUNK = 200_000
#: Last-step neighbours handled per chunk of pairs when finding intermediates.
_ENTRIES = 2_000_000


def describe(
    A: GraphArrays,
    kind: Kind,
    src: np.ndarray,
    dst: np.ndarray,
    o: Opts,
    complementarity: Complementarity,
    evidence: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray | Text]:
    """The ``paths``, flag and explanation columns of pairs ``(src[i], dst[i])``.

    Parameters
    ----------
    A : GraphArrays
        The graph's arrays (:func:`innokg.queries.arrays.arrays`).
    kind : Kind
        The kind of partnership the pairs are proposed as; its meta-paths are
        explained, strongest first, with their phrases.
    src, dst : numpy.ndarray of int
        Positions (in ``A``) of each pair's source and target.
    o : Opts
        The scoring options the pairs were scored with.
    complementarity : callable
        ``complementarity(src, dst, chain)`` gives the factor and the same-city,
        same-cluster and fund-fit flags of the pairs (``chain``: the pair is joined by
        one of the kind's ``chain`` meta-paths); see :data:`Complementarity`.
    evidence : dict of str to numpy.ndarray, optional
        Each meta-path's settled, unweighted evidence of each pair, where the ranking
        has it already (a per-source table); computed here otherwise.

    Returns
    -------
    dict of str to numpy.ndarray or pyarrow string array
        One array per column, a value per pair (the sentences as Arrow strings):
        ``paths`` (``key=evidence`` of every meta-path that joins the pair,
        comma-separated, strongest first),
        ``same_city``, ``same_cluster``, ``fund_fit`` (bool), ``explanation`` and
        ``explanation_en`` (one sentence each, naming up to three intermediates of the
        two strongest meta-paths and the complementarity that holds).

    Examples
    --------
    Firms a and b both supply c, and both are in Zhengzhou (a through its county):

    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> from innokg.queries.metapaths import Opts
    >>> from innokg.queries.partners import KINDS
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"},
    ...                     {"id": "c", "name": "丙", "name_en": "Bing"}],
    ...      "Region": [{"id": "region:4101", "name": "郑州市", "code": "4101"},
    ...                 {"id": "region:410122", "name": "中牟县", "code": "410122",
    ...                  "level": "county"}]},
    ...     {"SUPPLIES": [("a", "c"), ("b", "c")],
    ...      "LOCATED_IN": [("a", "region:410122"), ("b", "region:4101"),
    ...                     ("region:410122", "region:4101")]},
    ... )
    >>> A = arrays(G)
    >>> def complementarity(u, v, chain):
    ...     city = A.city()
    ...     same_city = (city[u] >= 0) & (city[u] == city[v])
    ...     no = np.zeros(len(u), dtype=bool)
    ...     return 1 + 0.5 * same_city, same_city, no, no
    >>> why = describe(A, KINDS["enterprise-enterprise"], np.array([0]), np.array([1]),
    ...                Opts(), complementarity)
    >>> {column: values.tolist() for column, values in why.items()}
    {'paths': ['common_buyers=1.443'], 'same_city': [True], 'same_cluster': [False], \
'fund_fit': [False], 'explanation': ['同业（可能是竞争者）：适合组建产业联盟或联合研发，\
而非供需对接；两家都为丙供货；同在郑州市。'], 'explanation_en': ['Peers (possibly competitors): \
suited to an industry alliance or joint R&D, not a supply deal; both supply Bing; both in 郑州市.']}
    """
    contrib = _contributions(A, kind, src, dst, o, evidence)
    keys = [path.key for path in kind.paths]
    strongest, order = _orders(kind, contrib)
    ranked = np.take_along_axis(contrib, order, axis=1)
    chain = np.zeros(len(src), dtype=bool)
    for j, key in enumerate(keys):
        if key in kind.chain:
            chain |= contrib[:, j] > 0
    _, same_city, same_cluster, fund_fit = complementarity(src, dst, chain)

    zh_parts: list[_Part] = []
    en_parts: list[_Part] = []
    if kind.peers:  # joined only as peers: say what such a pair is good for
        peers = np.isin(np.array(keys)[order[:, 0]], kind.peers) & (ranked[:, 0] > 0) & ~chain
        zh_parts.append((_PEERS_ZH, peers))
        en_parts.append((_PEERS_EN, peers))
    for j in range(min(2, len(keys))):
        valid = ranked[:, j] > 0
        if j:  # a phrase that the first one already implies says nothing more
            for p, path in enumerate(kind.paths):
                for q, other in enumerate(kind.paths):
                    if other.key in path.implied_by:
                        valid &= ~((order[:, j] == p) & (order[:, 0] == q))
        zh_pieces: list[Text] = [_blank(0)]
        en_pieces: list[Text] = [_blank(0)]
        at = np.full(len(src), -1, dtype=np.int64)  # row -> its phrase among the pieces
        for p, path in enumerate(kind.paths):
            sel = np.flatnonzero(valid & (order[:, j] == p))
            if len(sel):
                zh, en, back = _phrase_pool(A, path, src[sel], dst[sel], o.year)
                at[sel] = sum(len(x) for x in zh_pieces) + back
                zh_pieces.append(zh)
                en_pieces.append(en)
        zh_parts.append((_Taken(pa.concat_arrays(zh_pieces), at), valid))
        en_parts.append((_Taken(pa.concat_arrays(en_pieces), at), valid))
    zh_parts += _capacity_phrases(A, kind, src, dst, o, en=False)
    en_parts += _capacity_phrases(A, kind, src, dst, o, en=True)
    zh_flags, en_flags = _flag_parts(A, kind, src, (order, ranked), same_city)
    zh_parts += [*zh_flags, ("同属一个供应链集群", same_cluster), ("基金类型对口", fund_fit)]
    en_parts += [
        *en_flags,
        ("in the same supply cluster", same_cluster),
        ("a fund of the right kind", fund_fit),
    ]
    return {
        "paths": _listed(keys, strongest, np.take_along_axis(contrib, strongest, axis=1)),
        "same_city": same_city,
        "same_cluster": same_cluster,
        "fund_fit": fund_fit,
        "explanation": _concat(_join(zh_parts, "；", len(src)), "。"),
        "explanation_en": _join(en_parts, "; ", len(src), end=".", capital=True),
    }


def _flag_parts(
    A: GraphArrays,
    kind: Kind,
    src: np.ndarray,
    named: tuple[np.ndarray, np.ndarray],
    same_city: np.ndarray,
) -> tuple[list[_Part], list[_Part]]:
    """The "same city" phrase (zh, en), left out where a named phrase of a place
    meta-path (``named``: the order and values of the phrases) already names the city."""
    order, ranked = named
    city = A.city()
    city_u = np.maximum(city[src], 0)
    in_city = same_city & (city[src] >= 0)
    for p, path in enumerate(kind.paths):
        if path.place:  # its phrase names the city already
            for j in range(min(2, len(kind.paths))):
                in_city &= ~((ranked[:, j] > 0) & (order[:, j] == p))
    cities, at = np.unique(city_u, return_inverse=True)  # a few: each phrased once
    return (
        [(_Taken(_concat("同在", _names_at(A, cities, en=False)), at.ravel()), in_city)],
        [(_Taken(_concat("both in ", _names_at(A, cities, en=True)), at.ravel()), in_city)],
    )


def _contributions(
    A: GraphArrays,
    kind: Kind,
    src: np.ndarray,
    dst: np.ndarray,
    o: Opts,
    evidence: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Each meta-path's weighted evidence for each pair (pairs x paths), settled as it
    counts in the score (:func:`~innokg.queries.metapaths.settle_parts`); ``evidence``
    is that evidence before weighting, where the ranking has it."""
    if not len(src):
        return np.zeros((0, len(kind.paths)))
    if evidence is None:
        settled = settle_parts(
            kind.paths,
            {path.key: _path_values(A, kind, path, o, src, dst) for path in kind.paths},
        )
    else:
        settled = evidence
    return np.column_stack([settled[path.key] * path.weight for path in kind.paths])


def _orders(kind: Kind, contrib: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The meta-paths of each pair strongest first (ties by key, zeros last), for the
    ``paths`` column; and in the order the sentence names them: a kind whose supply
    partners rank first names the supply reason first, and a kind whose place evidence
    only qualifies (proxies alone) names the institute's field first."""
    key_rank = np.argsort(np.argsort([path.key for path in kind.paths]))
    leads = np.array([path.key in kind.chain for path in kind.paths]) & kind.chain_first
    if any(path.qualifier for path in kind.paths):
        leads |= np.array([not path.qualifier for path in kind.paths])
    lead = np.broadcast_to(leads, contrib.shape) & (contrib > 0)
    ties = np.broadcast_to(key_rank, contrib.shape)
    strongest = np.lexsort((ties, -contrib), axis=-1).astype(np.int64)
    order = np.lexsort((ties, -contrib, -lead.astype(float)), axis=-1).astype(np.int64)
    return strongest, order


# --- text -----------------------------------------------------------------------------


def _blank(n: int) -> Text:
    """``n`` empty strings."""
    empty = pa.scalar("", _TEXT)
    return pc.if_else(pa.array(np.zeros(n, dtype=bool)), empty, empty)


def _scalar(piece: _Piece) -> pa.Array | pa.Scalar:
    return pa.scalar(piece, _TEXT) if isinstance(piece, str) else piece


def _concat(*pieces: _Piece) -> Text:
    """The pieces joined row by row (at least one of them an array)."""
    return pc.binary_join_element_wise(*[_scalar(x) for x in pieces], pa.scalar("", _TEXT))


def _take(text: Text, at: np.ndarray) -> Text:
    return pc.take(text, pa.array(at, type=pa.int64()))


def _text(values: np.ndarray) -> Text:
    """Python strings (an object array) as Arrow text."""
    return pa.array(values, type=_TEXT)


def _capacity_phrases(
    A: GraphArrays, kind: Kind, src: np.ndarray, dst: np.ndarray, o: Opts, *, en: bool
) -> list[_Part]:
    """The target's and the source's partners of the kind, where a kind with a capacity
    counts them in its score (and they have any): what ``θ`` stands for."""
    if kind.capacity is None:
        return []
    c = kind.capacity
    out: list[_Part] = []
    for nodes, template in (
        (dst, c.en_target if en else c.zh_target),
        (src, c.en_source if en else c.zh_source),
    ):
        k = kind_degree_of(A, kind, o.year, nodes)
        on = k > 0
        count = k[on]  # written for the rows that have partners only
        text = _fill(
            template,
            t=functools.cache(lambda on=on: _names_at(A, dst[on], en=en)),
            k=_const(_numbers(count)),
            s=_const(_either(count > 1, "s", "")),
        )
        out.append(_only(text, on))
    return out


# --- scores ---------------------------------------------------------------------------


def _path_values(
    A: GraphArrays, kind: Kind, path: MetaPath, o: Opts, u: np.ndarray, v: np.ndarray
) -> np.ndarray:
    """``(first @ tail)[u, v]`` for every pair, without forming any product matrix: the
    first-step neighbours ``z`` of each ``u`` (a firm's industries, partners, platforms:
    few) are listed, and ``tail[z, v]`` is looked up by binary search.  Work per pair is
    the source's first-step degree, not the size of the tail's column ``v`` (every
    platform of a city, for a path through the city)."""
    sources = distinct(u)
    if len(sources) <= metapaths.FEW_ROWS:  # a few sources (one firm's partners): walk from them
        walk = few_tail(A, kind, path, o, False, sources)
        keys, data = entries(walk.tail)
        ncol = walk.tail.shape[1]
        first_rows, at = walk.first_rows, walk.ends_at(v)  # at: -1 where the walk never ends
    else:
        first, rest = path_tail(A, kind, path, o, False)
        keys, data = sorted_entries(A, ("reasons-tail-keys", kind.key, path.key, o), rest)
        ncol = rest.shape[1]
        first_rows, at = (lambda rows: sp.csr_array(first[rows])), v
    out = np.empty(len(u))
    for start in range(0, len(u), _CHUNK):
        part = slice(start, start + _CHUNK)
        f = first_rows(u[part])
        n = len(u[part])
        p = np.repeat(np.arange(n), np.diff(f.indptr))
        col = at[part][p]
        want = np.where(col >= 0, f.indices.astype(np.int64) * ncol + col, -1)
        out[part] = np.bincount(p, weights=f.data * lookup(keys, data, want), minlength=n)
    return out


def _listed(keys: list[str], order: np.ndarray, ranked: np.ndarray) -> Text:
    """``key=value`` of the contributing meta-paths, strongest first."""
    names = _text(np.array([f"{k}=" for k in keys], dtype=object))
    parts: list[_Part] = []
    for j in range(ranked.shape[1]):
        on = ranked[:, j] > 0
        if not on.any():
            break
        # built for the rows it names only (most pairs have one or two paths)
        parts.append(_only(_concat(_take(names, order[on, j]), _fmt(ranked[on, j])), on))
    return _join(parts, ", ", len(ranked))


def _fmt(values: np.ndarray) -> Text:
    """``f"{x:.4g}"`` of every value, each distinct value formatted once."""
    distinct, at = np.unique(values, return_inverse=True)
    return _take(_text(np.array([f"{x:.4g}" for x in distinct.tolist()], dtype=object)), at)


def _numbers(values: np.ndarray) -> Text:
    """Integers as decimal text."""
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), _TEXT)


def _either(mask: np.ndarray, yes: str, no: str) -> Text:
    return pc.if_else(
        pa.array(np.asarray(mask, dtype=bool)), pa.scalar(yes, _TEXT), pa.scalar(no, _TEXT)
    )


def _join(
    parts: list[_Part],
    sep: str,
    n: int,
    *,
    end: str = "",
    capital: bool = False,
) -> Text:
    """Join, row by row, the texts whose mask holds.  A piece is one string for every
    row, a text per row, or texts taken from a pool (:class:`_Taken`).  ``end`` closes
    each row but the empty ones; ``capital`` puts its first letter up.

    One list of pieces per row, joined by one Arrow kernel: joining part by part
    copied the growing text once per part.  (``binary_join_element_wise`` with
    ``null_handling="skip"`` would do it without the list, but pyarrow 26 drops the
    rows where every piece is null.)  The first letter is put up on the pool's texts
    that begin a row, each such text once, rather than on every row's sentence (which
    copied each sentence three times more: a few phrases begin most sentences).

    Examples
    --------
    >>> on = np.array([True, False, True])
    >>> _join([("wide", on), (_text(np.array(["a", "b", "c"], dtype=object)), ~on)],
    ...       "; ", 3, end=".", capital=True).to_pylist()
    ['Wide.', 'B.', 'Wide.']
    """
    parts = [(piece, on) for piece, on in parts if on.any()]
    if not parts:
        return _blank(n)
    pool: list[Text] = []
    base_of: dict[int, int] = {}  # a pool shared by parts (every node's name) is taken once
    at = np.empty((n, len(parts)), dtype=np.int64)
    on = np.empty((n, len(parts)), dtype=bool)
    for j, (piece, mask) in enumerate(parts):
        rows: np.ndarray | int
        if isinstance(piece, str):
            text, rows = _text(np.array([piece], dtype=object)), 0
        elif isinstance(piece, _Taken):
            text, rows = piece.pool, piece.at
        else:
            text, rows = piece, np.arange(n)
        if id(text) not in base_of:
            base_of[id(text)] = sum(len(x) for x in pool)
            pool.append(text)
        at[:, j] = base_of[id(text)] + rows
        on[:, j] = mask
    count = on.sum(axis=1)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(count, out=offsets[1:])
    flat = at[on]
    whole = pool[0] if len(pool) == 1 else pa.concat_arrays(pool)
    if capital:
        heads, flat = _capital_first(whole, flat, offsets)
        whole = pa.concat_arrays([whole, heads])
    values = _take(whole, flat)
    rows = pa.LargeListArray.from_arrays(pa.array(offsets), values)
    result: Text = pc.binary_join(rows, pa.scalar(sep, _TEXT))
    if end:
        ended = _concat(result, end)
        empty = pc.equal(pc.binary_length(result), 0)  # "" stays "", pieces or not
        result = pc.if_else(empty, result, ended) if pc.any(empty).as_py() else ended
    return result


def _capital_first(pool: Text, flat: np.ndarray, offsets: np.ndarray) -> tuple[Text, np.ndarray]:
    """For :func:`_join`: the pool's texts that begin a row, each once, with its first
    letter up; and ``flat`` (each row's pieces in the pool, one row after another, a
    row's starting at ``offsets``) pointing at them, as if they followed the pool."""
    at = offsets[:-1][offsets[1:] > offsets[:-1]]
    first = np.zeros(len(pool), dtype=bool)  # a mask over the pool, not a sort of the rows
    first[flat[at]] = True
    flat = flat.copy()
    flat[at] = len(pool) + (np.cumsum(first) - 1)[flat[at]]
    return _capitalised(_take(pool, np.flatnonzero(first))), flat


def _capitalised(text: Text) -> Text:
    """Each text with its first letter up, through Python's ``str.upper``: there are
    few distinct first letters."""
    first = pc.utf8_slice_codeunits(text, 0, 1)
    distinct_first = pc.unique(first)
    upper = _text(np.array([x.upper() for x in distinct_first.to_pylist()], dtype=object))
    return _concat(
        pc.take(upper, pc.index_in(first, distinct_first)), pc.utf8_slice_codeunits(text, 1)
    )


# --- intermediates --------------------------------------------------------------------


def _names_text(A: GraphArrays, *, en: bool) -> Text:
    """Every node's name (English where known, if ``en``) as Arrow text, and a blank
    after the last node (what -1 takes): one array per language, not one with the
    blank and one without, nor a Python string per node kept beside it."""
    result: Text = built_once(
        A,
        ("reasons-text", en),
        lambda: pa.concat_arrays([names_text(A, None, en=en), pa.array([""], _TEXT)]),
    )
    return result


def _names_at(A: GraphArrays, at: np.ndarray, *, en: bool) -> Text:
    """The names (English where known, if ``en``) of the nodes ``at``, "" where -1:
    taken from :func:`_names_text`.  For a few rows (one firm's partners) only their
    names are converted, not every node's."""
    at = np.asarray(at, dtype=np.int64)
    if whole_first(A, ("reasons-text", en), len(at)):
        return _take(_names_text(A, en=en), np.where(at >= 0, at, A.n))
    blank = pa.scalar("", _TEXT)
    return pc.if_else(pa.array(at >= 0), names_text(A, np.maximum(at, 0), en=en), blank)


def _listing(A: GraphArrays, count: np.ndarray, top: np.ndarray, *, en: bool) -> Text:
    """Up to three names, then how many more (``甲、乙、丙等5家`` / ``A, B, C and 2 more``)."""
    n = len(top)
    # the names joined in one pass, taken from the names' text where it is built whole
    # (joined one column after another, each copied the growing text twice)
    whole = whole_first(A, ("reasons-text", en), top.size)
    names = _names_text(A, en=en) if whole else None
    text = _join(
        [
            (_Taken(names, top[:, j]) if names is not None else _names_at(A, top[:, j], en=en), on)
            for j in range(top.shape[1])
            if (on := top[:, j] >= 0).any()
        ],
        ", " if en else "、",
        n,
    )
    more = count > 3
    if more.any():
        if en:
            tail = _concat(" and ", _numbers(count - 3), " more")
        else:
            words = _text(
                np.array([_MEASURE.get(label, "家") for label in A.label_names], dtype=object)
            )
            label = A.label_code[np.maximum(top[:, 0], 0)].astype(np.int64)
            tail = _concat("等", _numbers(count), _take(words, label))
        text = pc.if_else(pa.array(more), _concat(text, tail), text)
    return text


def _phrase_pool(
    A: GraphArrays, path: MetaPath, u: np.ndarray, v: np.ndarray, year: int | None
) -> tuple[Text, Text, np.ndarray]:
    """The meta-path's distinct Chinese and English phrases and each pair's among them,
    written in chunks of pairs whose last-step neighbourhoods hold at most
    :data:`_ENTRIES` entries (an alliance's members, a fund's portfolio: the work and
    memory of :func:`intermediates`).  Pairs whose phrase must be the same are phrased
    once (:func:`_same_phrase`)."""
    if len(path.steps) == 3 and len(u) > 1:
        first, back = _same_phrase(A, path, u, v, year)
        if len(first) < len(u):
            zh, en = _chunked_phrases(A, path, u[first], v[first], year)
            return zh, en, back
    zh, en = _chunked_phrases(A, path, u, v, year)
    return zh, en, np.arange(len(u))


def _chunked_phrases(
    A: GraphArrays, path: MetaPath, u: np.ndarray, v: np.ndarray, year: int | None
) -> tuple[Text, Text]:
    into = step_at(A, path.steps[-1], year, v, transposed=True).indptr
    work = np.cumsum(into[v + 1] - into[v])
    cuts = np.searchsorted(work, np.arange(_ENTRIES, work[-1] if len(work) else 0, _ENTRIES))
    zh: list[Text] = []
    en: list[Text] = []
    for part in np.split(np.arange(len(u)), distinct(cuts[cuts > 0])):
        if len(part):
            z, e = _chunk_phrases(A, path, u[part], v[part], year)
            zh.append(z)
            en.append(e)
    if not zh:
        return _blank(0), _blank(0)
    return pa.concat_arrays(zh), pa.concat_arrays(en)


def _same_phrase(
    A: GraphArrays, path: MetaPath, u: np.ndarray, v: np.ndarray, year: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Groups of the pairs of a three-step path that get the same phrase: one pair of
    each group (its index) and each pair's group.

    A three-step phrase names the target, the first intermediates and the second ones
    (every node the path reaches from the source's first-step neighbours, the source
    itself left out), so two pairs with one target and one first-step neighbour get the
    same phrase, unless a source is itself a second intermediate, which the last step
    shows (it links the source to the target); such a pair, and a source with several
    first-step neighbours, is a group of its own.  At 1M a firm's one industry and an
    institute are shared by many of the 3.4 million pairs the per-firm table explains.
    """
    first = step_at(A, path.steps[0], year, u)
    if not first.nnz:
        return np.arange(len(u)), np.arange(len(u))
    count = row_counts(first, u)
    only = np.where(count == 1, first.indices[np.minimum(first.indptr[u], first.nnz - 1)], -1)
    alone = (count > 1) | linked(A, path.steps[-1], year, u, v)
    # a key per pair: (first-step neighbour + 1, target), or unique where alone
    key = np.where(alone, -1 - np.arange(len(u), dtype=np.int64), (only + 1) * A.n + v)
    _, first_of, back = np.unique(key, return_index=True, return_inverse=True)
    return first_of, back.ravel()


def _chunk_phrases(
    A: GraphArrays, path: MetaPath, u: np.ndarray, v: np.ndarray, year: int | None
) -> tuple[Text, Text]:
    m1, m2 = intermediates(A, path, u, v, year)
    n1, top1 = most_telling(A, path, 1, m1, len(u), year)
    n2, top2 = (
        most_telling(A, path, 2, m2, len(u), year)
        if len(path.steps) > 2
        else (np.zeros(len(u), dtype=np.int64), np.full((len(u), 3), -1, dtype=np.int64))
    )
    # only the fields a template names are built (a two-step path has no mids2)
    who = functools.cache(lambda: _who(A, m2, len(u), n2))
    plural: dict[str, Callable[[], Text]] = {
        "n": lambda: _numbers(n1),
        "n2": lambda: _numbers(n2),
        "s": lambda: _either(n1 > 1, "s", ""),
        "s1": lambda: _either(n1 > 1, "", "s"),
        "s2": lambda: _either(n2 > 1, "s", ""),
        "s3": lambda: _either(n2 > 1, "", "s"),
        "are": lambda: _either(n1 > 1, "are", "is"),
        "are2": lambda: _either(n2 > 1, "are", "is"),
        "who2": lambda: who()[0],
    }
    guessed = _guessed(A, path, u, v, year, m1)
    zh_fields: dict[str, Callable[[], Text]] = {
        "t": functools.cache(lambda: _names_at(A, v, en=False)),
        "mids": functools.cache(lambda: _listing(A, n1, top1, en=False)),
        "mids2": functools.cache(lambda: _listing(A, n2, top2, en=False)),
        **plural,
    }
    zh = _fill_either(path.zh, path.zh_guessed, guessed, zh_fields)
    plural["who2"] = lambda: who()[1]
    en_fields: dict[str, Callable[[], Text]] = {
        "t": functools.cache(lambda: _names_at(A, v, en=True)),
        "mids": functools.cache(lambda: _listing(A, n1, top1, en=True)),
        "mids2": functools.cache(lambda: _listing(A, n2, top2, en=True)),
        **plural,
    }
    en = _fill_either(path.en, path.en_guessed, guessed, en_fields)
    return zh, en


def _fill_either(
    plain: str, guessed_template: str, guessed: np.ndarray, fields: dict[str, Callable[[], Text]]
) -> Text:
    """The plain phrase, or the one that says it is guessed where ``guessed`` holds."""
    text = _fill(plain, **fields)
    if not guessed_template or not guessed.any():
        return text
    return pc.if_else(pa.array(guessed), _fill(guessed_template, **fields), text)


def _guessed_step(A: GraphArrays, path: MetaPath, step: int, year: int | None) -> np.ndarray:
    """The edges of one step of ``path`` that the data marks as guessed (see
    :attr:`MetaPath.guessed_method`), oriented as :func:`step_matrix`, as sorted
    distinct keys ``from * n + to`` (a matrix over every node took half a second to
    set up at ten million nodes, to look up a few pairs)."""
    key = ("reasons-guessed", path.steps[step], path.guessed_method, year)
    if key not in A.memo:
        rows_of, columns_of = [], []
        for spec in path.steps[step]:
            etype = spec.removesuffix("^-1")
            table = A.G.edges[etype]
            column = "method" if path.guessed_method else "evidence"
            if column not in table.columns or not len(table):
                continue
            text = pa.array(table[column].astype("string"), type=pa.large_string())
            marked = (
                pc.starts_with(text, path.guessed_method)
                if path.guessed_method
                else pc.equal(text, "inferred")
            )  # one Arrow pass, not a Python string per edge
            on = marked.fill_null(False).to_numpy(zero_copy_only=False)
            src, dst = A.edges_marked(etype, on, year=year)
            if spec.endswith("^-1"):
                src, dst = dst, src
            rows_of.append(src)
            columns_of.append(dst)
        r = np.concatenate(rows_of) if rows_of else np.zeros(0, dtype=np.int64)
        c = np.concatenate(columns_of) if columns_of else np.zeros(0, dtype=np.int64)
        A.memo[key] = distinct(r.astype(np.int64) * A.n + c)
    result: np.ndarray = A.memo[key]
    return result


def _guessed(
    A: GraphArrays,
    path: MetaPath,
    u: np.ndarray,
    v: np.ndarray,
    year: int | None,
    mids: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """Whether an edge of the path's ``guessed_steps`` that joins each pair (two-step
    paths: the source to an intermediate, or the intermediate to the target) is
    guessed; ``mids``: the pairs' intermediates, as (pair, node) entries
    (:func:`~innokg.queries.intermediates.intermediates`)."""
    out = np.zeros(len(u), dtype=bool)
    if not path.guessed_steps or len(path.steps) != 2:
        return out
    p, z = mids
    for step in path.guessed_steps:
        a, b = (u[p], z) if step == 0 else (z, v[p])
        keys = _guessed_step(A, path, step, year)
        out[p[find_sorted(keys, a.astype(np.int64) * A.n + b) >= 0]] = True
    return out


def _who(
    A: GraphArrays, entries: tuple[np.ndarray, np.ndarray], n: int, count: np.ndarray
) -> tuple[Text, Text]:
    """What the second intermediates of each pair are, as a noun after their number:
    ``家企业`` / ``firm(s)`` when all are enterprises, ``家高校或科研机构`` /
    ``research institute(s)`` when all are institutes, ``家单位`` / ``organisation(s)``
    otherwise (a university is not called a firm)."""
    p, c = entries
    label = A.label_code[c]
    names = list(A.label_names)
    ent = names.index("Enterprise") if "Enterprise" in names else -1
    inst = names.index("ResearchInstitute") if "ResearchInstitute" in names else -1
    total = np.bincount(p, minlength=n)
    n_ent = np.bincount(p[label == ent], minlength=n)
    n_inst = np.bincount(p[label == inst], minlength=n)
    plural = (count > 1).astype(np.int64)
    # 0 organisations, 1 firms, 2 research institutes; singular, plural
    sort = np.zeros(n, dtype=np.int64)
    sort[n_ent == total] = 1
    sort[(n_inst == total) & (total > 0)] = 2
    zh = _take(_text(np.array(["家单位", "家企业", "家高校或科研机构"], dtype=object)), sort)
    words_en = ["organisation", "organisations", "firm", "firms"]
    words_en += ["research institute", "research institutes"]
    en = _take(_text(np.array(words_en, dtype=object)), 2 * sort + plural)
    return zh, en


def _const(text: Text) -> Callable[[], Text]:
    return lambda: text


def _fill(template: str, **fields: Callable[[], Text]) -> Text:
    """``template.format(**row)`` for every row at once; ``fields`` build the columns
    the template names (each once), and only those."""
    pieces: list[_Piece] = []
    built: dict[str, Text] = {}
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            pieces.append(literal)
        if name is not None:
            if name not in built:
                built[name] = fields[name]()
            pieces.append(built[name])
    if not built:  # no field: the same text for every row
        n = len(fields["t"]())
        return pc.if_else(pa.array(np.ones(n, dtype=bool)), _scalar("".join(pieces)), _scalar(""))
    return _concat(*pieces)
