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

import heapq
from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import GraphArrays, arrays, graph_scope
from innokg.queries.clusters import cluster_labels
from innokg.queries.metapaths import Kind, Opts, path_tail
from innokg.queries.partners import BONUS, KINDS, PRIOR, candidate_partners

# The ranking steps of candidate_partners itself, so that the pairs are its pairs to
# the last bit: the kind as scored on this graph, its sources, capacity and prior, the
# best pairs of some sources and their explanations.
from innokg.queries.partners.candidates import _sources
from innokg.queries.partners.scoring import _capacity, _effective, _tie_break, _top
from innokg.queries.partners.table import _describe

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
    top, scored = _ranked(A, G, kind, o, k, candidates, is_source, allowed)
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
    start, chunk = 0, FIRST_CHUNK
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


def _bounds(
    A: GraphArrays, G: EcosystemGraph, kind: Kind, o: Opts, allowed: np.ndarray
) -> np.ndarray:
    """For every node as a source, a score none of its pairs can exceed (0: it has no
    pair).

    A pair scores ``(paths + floor + prior) θ(u) θ(v) × complementarity`` (see
    :mod:`innokg.queries.partners`).  A meta-path's score of ``(u, v)`` sums, over the
    first intermediates ``z``, ``first[u, z] tail[z, v]``; times ``θ(v)`` it is at most
    ``first[u] · max_v tail[z, v] θ(v)``.  The floor and prior parts are at most their
    value with the largest target ``θ`` and prior, and the complementarity is at most
    one bonus for each condition that can hold for the source.
    """
    theta, floor = _capacity(A, kind, o)
    prior = _tie_break(A, kind, o.year)
    target_theta = np.where(allowed, theta, 0.0)
    evidence = np.zeros(A.n)
    for path in kind.paths:
        first, tail = path_tail(A, kind, path, o, False)
        evidence += path.weight * (first @ _row_max(tail, target_theta))
    conditions = (A.city() >= 0).astype(float)
    if kind.cluster:
        conditions += cluster_labels(G, year=o.year) >= 0
    conditions += bool(kind.chain) + bool(kind.fund_kinds) + (kind.target == "ResearchInstitute")
    rest = (floor + PRIOR * prior * prior[allowed].max()) * target_theta.max()
    bound = theta * (1.0 + BONUS * conditions) * (evidence + rest)
    return np.where(evidence > 0, bound, 0.0)
