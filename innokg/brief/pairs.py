"""The partnerships the brief lists, scored only for the firms that can be among them.

The brief lists the best few pairs of each kind of partnership over the province (or
one city), ranked exactly as :func:`innokg.queries.partners.candidate_partners` ranks
them over every source.  Ranking every source takes one sparse product per batch of
firms: minutes at a million nodes, for five rows a kind.  Yet no pair of a source can
score above a bound that costs one sparse matrix-vector product per meta-path
(:func:`_bounds`).  So the sources are scored best bound first, a growing chunk at a
time, until the next bound falls below the k-th best score found: no source left can
enter the list.  The pairs, their order, scores and explanations are those of
``candidate_partners``; only the sources that could not make the list are skipped.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import GraphArrays, arrays, graph_scope
from innokg.queries.clusters import cluster_labels
from innokg.queries.metapaths import Kind, Opts, path_tail
from innokg.queries.partners import BONUS, KINDS, PRIOR, candidate_partners

# The ranking steps of candidate_partners itself, so that the pairs are its pairs to
# the last bit: the kind as scored on this graph, its sources, capacity and prior, the
# best pairs of some sources and their explanations.
from innokg.queries.partners.candidates import _sources
from innokg.queries.partners.scoring import (
    _capacity,
    _effective,
    _research_fit,
    _tie_break,
    _top,
)
from innokg.queries.partners.table import _describe
from innokg.queries.sparse_rows import lookup

__all__ = ["best_pairs"]

#: Sources scored in the first chunk; each next chunk doubles, up to the last size.
FIRST_CHUNK = 256
LAST_CHUNK = 8192
#: Slack on the bounds, which sum in another order than the scores do.
_SLACK = 1e-9


def best_pairs(
    G: EcosystemGraph,
    key: str,
    *,
    k: int,
    year: int | None = None,
    city: str | None = None,
    sizes: Sequence[str] | None = None,
    chunk: int = FIRST_CHUNK,
) -> pd.DataFrame:
    """The best ``k`` pairs of one kind of partnership, as ``candidate_partners`` gives
    them (every source, ``notes=True``), found by scoring only the sources whose bound
    can reach them.

    Parameters
    ----------
    G : EcosystemGraph
    key : str
        A partnership kind of :data:`~innokg.queries.partners.KINDS`.
    k, year, city, sizes
        As for :func:`~innokg.queries.partners.candidate_partners`.
    chunk : int
        Sources scored first (the best bounds); each next chunk is twice as large, up
        to :data:`LAST_CHUNK`.

    Returns
    -------
    pandas.DataFrame
        ``candidate_partners(G, kinds=[key], k=k, year=year, city=city, sizes=sizes)``:
        the same rows and columns (a note row where the kind has no pair).  Its
        ``attrs`` say how many sources were scored (``sources_scored``) of how many
        the kind has (``sources``).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": i, "name": i} for i in "abcd"]},
    ...     {"SUPPLIES": [("a", "c"), ("b", "c"), ("d", "c")]},
    ... )
    >>> df = best_pairs(G, "enterprise-enterprise", k=2)
    >>> df[["source", "target"]].to_dict("records")
    [{'source': 'a', 'target': 'b'}, {'source': 'a', 'target': 'd'}]
    """
    if chunk < 1:
        raise QueryError("chunk must be at least 1")
    A = arrays(G)
    o = Opts(year)
    place = graph_scope(G)
    base = KINDS[key]
    kind = _effective(A, base, year)
    candidates = _sources(
        G, A, kind.source, year, city, None, tuple(sizes) if sizes else None, place
    )
    is_source = np.zeros(A.n, dtype=bool)
    is_source[candidates] = True
    allowed = A.mask(kind.target) & A.alive(year)
    if place is not None and kind.target != "Enterprise":
        allowed &= place.inside | ~A.mask("ResearchInstitute")
    top, scored = _ranked(A, G, kind, o, k, candidates, is_source, allowed, chunk)
    if top is None:  # no pair at all: the note that says why is candidate_partners's
        out = candidate_partners(G, kinds=[key], k=k, year=year, city=city, sizes=sizes)
    else:
        out = _describe(A, G, kind, top, o, key=base.key, place=place)
    out.attrs.update(sources_scored=scored, sources=len(candidates))
    return out


def _ranked(
    A: GraphArrays,
    G: EcosystemGraph,
    kind: Kind,
    o: Opts,
    k: int,
    candidates: np.ndarray,
    is_source: np.ndarray,
    allowed: np.ndarray,
    chunk: int,
) -> tuple[pd.DataFrame | None, int]:
    """The best ``k`` pairs of the candidate sources (columns ``src``, ``dst``,
    ``score``, ``rank``; None when there is none) and how many sources were scored."""
    if not len(candidates) or not allowed.any() or any(p.weight < 0 for p in kind.paths):
        return None, 0  # (a negative weight would void the bounds)
    bound = _bounds(A, G, kind, o, allowed)[candidates]
    reach = bound > 0  # a source no meta-path leaves has no candidate at all
    order = candidates[reach][np.argsort(-bound[reach], kind="stable")]
    bound = np.sort(bound[reach])[::-1]
    best: list[tuple[float, int, int]] = []  # candidate_partners's order: score, -src, -dst
    start = 0
    while start < len(order):
        if len(best) == k and bound[start] * (1 + _SLACK) < best[0][0]:
            break
        rows = np.sort(order[start : start + chunk])
        found = _top(
            A,
            G,
            kind,
            rows,
            o,
            k=k,
            per_source=None,
            batch_size=2048,
            reverse=False,
            allowed=allowed,
            dedupe=kind.symmetric,
            is_source=is_source,
        )
        for score, src, dst in zip(found["score"], found["src"], found["dst"], strict=True):
            item = (float(score), -int(src), -int(dst))
            if len(best) < k:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)
        start += len(rows)
        chunk = min(chunk * 2, LAST_CHUNK)
    if not best:
        return None, start
    ordered = sorted(best, reverse=True)
    top = pd.DataFrame(
        {
            "src": np.array([-x[1] for x in ordered], dtype=np.int64),
            "dst": np.array([-x[2] for x in ordered], dtype=np.int64),
            "score": np.array([x[0] for x in ordered], dtype=float),
            "rank": np.arange(1, len(ordered) + 1, dtype=np.int64),
        }
    )
    return top, start


def _row_max(m: sp.csr_array, weight: np.ndarray) -> np.ndarray:
    """The largest ``m[z, v] * weight[v]`` of every row ``z`` (0 for an empty row)."""
    out = np.zeros(m.shape[0])
    values = m.data * weight[m.indices]
    rows = np.flatnonzero(np.diff(m.indptr))
    if len(rows):
        out[rows] = np.maximum.reduceat(values, m.indptr[rows])
    return out


#: Entries of a matrix taken at a time by :func:`_in_own_city` (its sort and keys hold
#: about 40 bytes an entry: a whole tail at ten million nodes was the brief's peak).
_BLOCK = 4_000_000


def _in_own_city(
    first: sp.csr_array, tail: sp.csr_array, weight: np.ndarray, city: np.ndarray
) -> np.ndarray:
    """``first[u] · max_v tail[z, v] weight[v]`` over the targets ``v`` in ``u``'s own
    city only, for every ``u`` (0 where its city is unknown).  Both matrices are read
    a block of whole rows at a time: a row's entries, and so each sum and maximum, lie
    in one block, taken in the order a pass over every entry takes them."""
    n = np.int64(city.max(initial=0) + 1)
    pieces = [_city_maxima(tail, lo, hi, weight, city, n) for lo, hi in _row_blocks(tail)]
    keys = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0, np.int64)
    best = np.concatenate([p[1] for p in pieces]) if pieces else np.zeros(0)
    out = np.zeros(first.shape[0])
    for lo, hi in _row_blocks(first):
        u, z, data = _entries(first, lo, hi)
        placed = city[u] >= 0
        u, z, data = u[placed], z[placed], data[placed]
        want = z.astype(np.int64) * n + city[u]
        out[lo:hi] = np.bincount(u - lo, data * lookup(keys, best, want), minlength=hi - lo)
    return out


def _city_maxima(
    tail: sp.csr_array, lo: int, hi: int, weight: np.ndarray, city: np.ndarray, n: np.int64
) -> tuple[np.ndarray, np.ndarray]:
    """The keys ``row * n + city`` of the rows ``lo`` to ``hi`` of ``tail``, sorted, and
    the largest ``tail[row, v] weight[v]`` over the targets ``v`` in that city."""
    row, col, data = _entries(tail, lo, hi)
    ok = city[col] >= 0
    keys = row[ok] * n + city[col[ok]]
    values = data[ok] * weight[col[ok]]
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    if not len(keys):
        return keys, values
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[starts], np.maximum.reduceat(values, starts)


def _entries(m: sp.csr_array, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row, column and value of every entry of the rows ``lo`` to ``hi`` of ``m``."""
    start, stop = int(m.indptr[lo]), int(m.indptr[hi])
    row = np.repeat(np.arange(lo, hi, dtype=np.int64), np.diff(m.indptr[lo : hi + 1]))
    return row, m.indices[start:stop], m.data[start:stop]


def _row_blocks(m: sp.csr_array) -> list[tuple[int, int]]:
    """Runs of whole rows of ``m`` of about :data:`_BLOCK` entries each (a longer row
    alone), covering every row."""
    rows = m.shape[0]
    cuts = np.searchsorted(m.indptr, np.arange(_BLOCK, m.nnz, _BLOCK), side="right") - 1
    edges = [0, *sorted({int(c) for c in cuts if 0 < c < rows}), rows]
    return list(itertools.pairwise(edges))


def _bounds(
    A: GraphArrays, G: EcosystemGraph, kind: Kind, o: Opts, allowed: np.ndarray
) -> np.ndarray:
    """For every node as a source, a score none of its pairs can exceed (0: it has no
    pair).

    A pair scores ``(paths + floor + prior) θ(u) θ(v) × complementarity`` (see
    :mod:`innokg.queries.partners`).  The complementarity is a bonus for each condition
    that holds: those of the target alone (a fund of the right kind, a research
    university) go with the target's ``θ`` into its weight ``w(v)``; those of the pair
    count as holding wherever they can for the source (same cluster, same chain), the
    same city for the targets in the source's city only.  A meta-path's score of
    ``(u, v)`` sums, over the first intermediates ``z``, ``first[u, z] tail[z, v]``;
    times ``w(v)`` it is at most ``first[u] · max_v tail[z, v] w(v)``, the maximum
    over every target, or over those in the source's city.  The floor and prior parts
    are at most their value with the largest target weight and prior.

    Kept per graph: the brief asks for one kind with several groups of sources, and the
    bounds depend only on the kind, the options and the targets allowed.
    """
    key = ("brief-bounds", kind, o, hashlib.blake2b(np.packbits(allowed).tobytes()).digest())
    if key not in A.memo:
        A.memo[key] = _bounds_of(A, G, kind, o, allowed)
    bounds: np.ndarray = A.memo[key]
    return bounds


def _bounds_of(
    A: GraphArrays, G: EcosystemGraph, kind: Kind, o: Opts, allowed: np.ndarray
) -> np.ndarray:
    """:func:`_bounds`, computed."""
    theta, floor = _capacity(A, kind, o)
    prior = _tie_break(A, kind, o.year)
    city = A.city()
    targets = np.flatnonzero(allowed)
    alone = _research_fit(A, kind, targets).astype(float)
    if kind.fund_kinds:
        alone += np.isin(A.values("kind", dtype="object", fill="")[targets], kind.fund_kinds)
    weight = np.zeros(A.n)
    weight[targets] = theta[targets] * (1.0 + BONUS * alone)
    evidence, near, chain = np.zeros(A.n), np.zeros(A.n), np.zeros(A.n)
    for path in kind.paths:
        first, tail = path_tail(A, kind, path, o, False)
        part = path.weight * (first @ _row_max(tail, weight))
        evidence += part
        near += path.weight * _in_own_city(first, tail, weight, city)
        if path.key in kind.chain:
            chain += part
    pair = (chain > 0).astype(float)
    if kind.cluster:
        pair += cluster_labels(G, year=o.year) >= 0
    rest = (floor + PRIOR * prior * prior[targets].max()) * weight.max()
    bound = theta * np.maximum(
        (1.0 + BONUS * pair) * (evidence + rest),
        (1.0 + BONUS * (pair + 1)) * (near + rest) * (city >= 0),
    )
    if kind.chain_first:  # ranked as chain + s / (1 + s), which is increasing in s
        bound = (chain > 0) + bound / (1.0 + bound)
    return np.where(evidence > 0, bound, 0.0)
