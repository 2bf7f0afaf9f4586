"""The scores of candidate pairs: meta-path evidence, complementarity, capacity and the
degree prior, as sparse products batch by batch (the formulas are in
:mod:`innokg.queries.partners`)."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries import metapaths
from innokg.queries.arrays import GraphArrays, arrays
from innokg.queries.clusters import cluster_labels
from innokg.queries.few_walks import kind_degree_of, prior_at
from innokg.queries.metapaths import (
    Kind,
    Method,
    Opts,
    degree_prior,
    evidence_floor,
    kind_degree,
    linked_pairs,
    lookup_pairs,
    path_tail,
    settle_parts,
)
from innokg.queries.partners import products
from innokg.queries.partners.kinds import _kinds
from innokg.queries.partners.products import Batch
from innokg.queries.sets import distinct

__all__ = ["BONUS", "PRIOR", "path_scores", "score_pairs"]


#: Bonus of each complementarity condition that holds.
BONUS = 0.5
#: Weight of the degree prior (a tie-breaker only).
PRIOR = 1e-6
#: Prefix of the columns of :func:`_top` (a per-source ranking) that hold each
#: meta-path's settled, unweighted evidence of a pair.
EVIDENCE = "evidence:"


def _complementarity(
    A: GraphArrays,
    kind: Kind,
    u: np.ndarray,
    v: np.ndarray,
    chain_flag: np.ndarray,
    clusters: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Factor, same city, same cluster and fund-fit flags of pairs (u source, v target)."""
    city = A.city()
    same_city = (city[u] >= 0) & (city[u] == city[v])
    same_cluster = np.zeros(len(u), dtype=bool)
    if kind.cluster and clusters is not None:
        same_cluster = (clusters[u] >= 0) & (clusters[u] == clusters[v])
    fund_fit = np.zeros(len(u), dtype=bool)
    if kind.fund_kinds:
        fund_fit = _has_value(A, "kind", kind.fund_kinds)[v]
    factor = 1.0 + BONUS * (
        same_city.astype(float)
        + same_cluster
        + chain_flag.astype(float)
        + fund_fit
        + _research_fit(A, kind, v)
    )
    return factor, same_city, same_cluster, fund_fit


def _ranked_score(kind: Kind, score: np.ndarray, chain: np.ndarray) -> np.ndarray:
    """The score as ranked: for a kind whose supply-complementary pairs come first
    (``chain_first``), ``s / (1 + s)`` (the same order, within 0 and 1) plus 1 where a
    ``chain`` meta-path joins the pair, so that such a pair outranks every pair of
    peers however many buyers they share; the plain score otherwise."""
    if not kind.chain_first:
        return score
    return chain.astype(float) + score / (1.0 + score)


def _chain_flag(batch: Batch, kind: Kind, r: np.ndarray, c: np.ndarray) -> np.ndarray:
    flag = np.zeros(len(r), dtype=bool)
    for key in kind.chain:
        flag |= lookup_pairs(batch.parts[key], r, c) > 0
    return flag


def _options(year: int | None, method: str, hub_cap: int, tail_cap: int) -> Opts:
    if method not in ("aa", "ra"):
        raise QueryError(f"method must be aa or ra (got {method!r})")
    if hub_cap < 1 or tail_cap < 1:
        raise QueryError("hub_cap and tail_cap must be at least 1")
    return Opts(year, method, hub_cap, tail_cap)  # type: ignore[arg-type]


def _clusters(G: EcosystemGraph, kind: Kind, year: int | None) -> np.ndarray | None:
    return cluster_labels(G, year=year) if kind.cluster else None


def _effective(A: GraphArrays, kind: Kind, year: int | None) -> Kind:
    """The kind as scored on this graph: its meta-paths and its proxy meta-paths side
    by side; or, on a graph that records no link of the kind at all, its proxy
    meta-paths alone (and no capacity: there is no partner to count)."""
    if not kind.proxies:
        return kind
    if linked_pairs(A, kind, year).nnz:
        return replace(kind, paths=kind.paths + kind.proxies, proxies=())
    # paths that need no link of the kind (the institute's field is the firm's industry)
    # still tell a relevant institute from a merely nearby one; with nothing else said
    # about the institute, a place alone proposes nobody (a police academy of the
    # firm's city is no research partner of a bus maker): place evidence only adds to a
    # pair that such a path joins
    linkless = tuple(p for p in kind.paths if p.key in _LINKLESS)
    return replace(
        kind,
        key=kind.key + "~proxies",
        paths=tuple(replace(p, qualifier=True) for p in kind.proxies) + linkless,
        proxies=(),
        capacity=None,
    )


#: Meta-paths of a kind that go through no link of the kind itself.
_LINKLESS = ("same_field",)


def _capacity(A: GraphArrays, kind: Kind, o: Opts) -> tuple[np.ndarray, float]:
    """``θ`` of every node and the evidence floor of a kind with a capacity (ones and
    0 otherwise): a pair scores ``θ(u) θ(v) (paths + floor + prior) × complementarity``.

    Why: meta-paths say which institute suits a firm, not whether either takes on a
    partner at all; the partners each already has are the plainest sign of that
    (preferential attachment over the kind's own links, not over every edge as the
    baseline does), on a log scale so that it weighs with the evidence rather than
    drowning it.  The floor lets it order pairs that no meta-path joins.
    """
    # kept: a table written in chunks asks for it once per chunk, ten million nodes each
    key = ("partners-theta", kind.key, kind.capacity, o.year)
    if key not in A.memo:
        A.memo[key] = (
            np.ones(A.n) if kind.capacity is None else _theta(kind_degree(A, kind, o.year))
        )
    theta: np.ndarray = A.memo[key]
    return theta, _floor(kind, o)


def _floor(kind: Kind, o: Opts) -> float:
    """The evidence floor of a kind with a capacity; 0 otherwise."""
    return 0.0 if kind.capacity is None else evidence_floor(o)


def _theta_of(A: GraphArrays, kind: Kind, o: Opts, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """``θ(src) θ(dst)`` of each pair (see :func:`_capacity`), counted at the pairs'
    ends alone (:func:`~innokg.queries.few_walks.kind_degree_of`)."""
    if kind.capacity is None:
        return np.ones(len(src))
    theta = _theta(kind_degree_of(A, kind, o.year, np.concatenate([src, dst])))
    return theta[: len(src)] * theta[len(src) :]


def _theta(partners: np.ndarray) -> np.ndarray:
    """``θ`` of nodes with this many partners of the kind already (log scale)."""
    return 1.0 + np.log1p(partners.astype(float))


#: Targets that a firm belongs to rather than partners with, whose commonness the
#: tie-breaker weighs (see :func:`_tie_break`).
_CLASSES = ("Industry",)


def _tie_break(A: GraphArrays, kind: Kind, year: int | None) -> np.ndarray:
    """Every node's part of the degree prior, the tie-breaker of pairs the evidence
    leaves level: ``log(1 + deg)`` over the organisation network; for a kind whose
    target is an industry, ``θ = 1 + log(1 + k)`` over the kind's own links (a firm's
    industries; an industry's firms).

    Why: an industry has no organisation links, so the plain prior leaves every
    industry no meta-path reaches tied with the others; yet industries differ most in
    how common they are, and a firm is likelier to be in a division of thirty listed
    firms than in one of none (all that preferential attachment exploits on the real
    build).  Weighted by :data:`PRIOR`, it orders the pairs no meta-path joins.  Products
    are left out: most are made by one firm, so a hidden product looks unmade and
    commonness ranks it lower still (docs/partner_quality.md).
    """
    if kind.target not in _CLASSES:
        return degree_prior(A, year)
    key = ("partners-class-prior", kind.key, year)
    if key not in A.memo:
        A.memo[key] = 1.0 + np.log1p(kind_degree(A, kind, year).astype(float))
    result: np.ndarray = A.memo[key]
    return result


#: Bonus of a degree-granting university (本科) or a research institute on proxy
#: meta-paths, where nothing else tells a research partner from a vocational college.
_RESEARCH_LEVELS = ("本科",)
_RESEARCH_KINDS = ("research_institute", "key_lab", "global_rnd")


def _research_fit(A: GraphArrays, kind: Kind, v: np.ndarray) -> np.ndarray:
    if not kind.key.endswith("~proxies") or kind.target != "ResearchInstitute":
        return np.zeros(len(v), dtype=bool)
    fit = _has_value(A, "level", _RESEARCH_LEVELS) | _has_value(A, "kind", _RESEARCH_KINDS)
    return fit[v]


def _has_value(A: GraphArrays, name: str, values: tuple[str, ...]) -> np.ndarray:
    """Whether each node's property ``name`` is one of ``values`` (once per graph: a
    test on strings for every candidate pair was a good part of ranking them)."""
    key = ("partners-has-value", name, values)
    if key not in A.memo:
        A.memo[key] = A.isin(name, values)
    result: np.ndarray = A.memo[key]
    return result


def path_scores(
    G: EcosystemGraph,
    kind: str,
    sources: Sequence[str] | np.ndarray,
    targets: Sequence[str] | np.ndarray,
    *,
    year: int | None = None,
    method: Method = "aa",
    hub_cap: int = 500,
    tail_cap: int = 200,
    batch_size: int = 2048,
) -> pd.DataFrame:
    """The parts of the score of given (source, target) pairs, linked or not.

    Parameters
    ----------
    G : EcosystemGraph
    kind : str
        A key of :data:`KINDS`.
    sources, targets : sequence of str
        Node ids, pair by pair: sources of the kind's source label, targets of its
        target label.
    year, method, hub_cap, tail_cap
        As for :func:`candidate_partners`.
    batch_size : int
        Sources scored per sparse product.

    Returns
    -------
    pandas.DataFrame
        One row per pair, in the order given:

        - ``source``, ``target`` (str): the pair.
        - one float column per meta-path of the kind (its key; for
          enterprise-institute its proxy meta-paths too): the path's weighted score.
        - ``prior`` (float): the degree prior (a tie-breaker), plus the evidence floor
          of a kind with a capacity.
        - ``capacity`` (float): ``θ(u) θ(v)`` of a kind with a capacity, else 1.
        - ``factor`` (float): the complementarity factor, 1 to 2.5.
        - ``score`` (float): s = (sum of the paths + prior) x capacity x factor, as
          ranked by :func:`candidate_partners`; for enterprise-enterprise
          ``s / (1 + s)``, plus 1 where one firm makes an input of the other's product
          (supply partners before peers).  Pairs already linked score as if they were
          not (their own link still counts in ``capacity``).

    Raises
    ------
    QueryError
        For an id not in the graph, or a source (target) that is not of the kind's
        source (target) label.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abc"]},
    ...                {"SUPPLIES": [("a", "c"), ("b", "c")]})
    >>> row = path_scores(G, "enterprise-enterprise", ["a"], ["b"]).iloc[0]
    >>> round(float(row["common_buyers"]), 6), float(row["factor"])  # 1 / log 2; one cluster
    (1.442695, 1.5)
    """
    o = _options(year, method, hub_cap, tail_cap)
    A = arrays(G)
    spec = _effective(A, _kinds([kind], partnership_only=False)[0], year)
    u, v = A.index(np.asarray(sources)), A.index(np.asarray(targets))
    if (u < 0).any() or (v < 0).any():
        bad = np.asarray(sources)[u < 0].tolist() + np.asarray(targets)[v < 0].tolist()
        raise QueryError(f"not in the graph: {', '.join(map(str, bad[:5]))}")
    for side, at, label in (("source", u, spec.source), ("target", v, spec.target)):
        wrong = ~A.mask(label)[at]  # the walks are built from this side's label only
        if wrong.any():
            ids = A.ids[at[wrong]].astype(str)[:5].tolist()
            raise QueryError(
                f"{spec.key}: a {side} must be a node labelled {label}; not: {', '.join(ids)}"
            )
    clusters = _clusters(G, spec, year)
    prior = _tie_break(A, spec, year)
    theta, floor = _capacity(A, spec, o)
    parts = {path.key: np.zeros(len(u)) for path in spec.paths}
    factor = np.ones(len(u))
    chain_all = np.zeros(len(u), dtype=bool)
    unique, inverse = np.unique(u, return_inverse=True)
    for start in range(0, len(unique), batch_size):  # one sparse product per batch
        rows = unique[start : start + batch_size]
        sel = np.flatnonzero((inverse >= start) & (inverse < start + batch_size))
        r = inverse[sel] - start
        chain = np.zeros(len(sel), dtype=bool)
        for path in spec.paths:
            first, tail = path_tail(A, spec, path, o, False)
            value = lookup_pairs(sp.csr_array(first[rows] @ tail), r, v[sel])
            parts[path.key][sel] = path.weight * value
            if path.key in spec.chain:
                chain_all[sel] |= value > 0
                chain |= value > 0
        factor[sel], *_ = _complementarity(A, spec, u[sel], v[sel], chain, clusters)
    parts = settle_parts(spec.paths, parts)
    out = pd.DataFrame({"source": A.ids[u].astype(str), "target": A.ids[v].astype(str), **parts})
    out["prior"] = floor + PRIOR * prior[u] * prior[v]
    out["capacity"] = theta[u] * theta[v]
    out["factor"] = factor
    raw = (out[list(parts)].sum(axis=1) + out["prior"]) * out["capacity"] * factor
    out["score"] = _ranked_score(spec, raw.to_numpy(float), chain_all)
    return out.astype({"source": "string", "target": "string"})


def score_pairs(
    G: EcosystemGraph,
    kind: str,
    sources: Sequence[str] | np.ndarray,
    targets: Sequence[str] | np.ndarray,
    **options: Any,
) -> np.ndarray:
    """The ``score`` column of :func:`path_scores`, as an array.

    Parameters
    ----------
    G : EcosystemGraph
    kind : str
        A key of :data:`KINDS`.
    sources, targets : sequence of str
        Node ids, pair by pair.
    **options
        The options of :func:`path_scores` (``year``, ``method``, ``hub_cap``,
        ``tail_cap``, ``batch_size``).

    Returns
    -------
    numpy.ndarray
        One score per pair, as :func:`candidate_partners` ranks them.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abc"]},
    ...                {"SUPPLIES": [("a", "c"), ("b", "c")]})
    >>> score_pairs(G, "enterprise-enterprise", ["a", "a"], ["b", "c"]).round(4).tolist()
    [0.6839, 0.0]

    (Peers, not supply partners: 2.164 / (1 + 2.164); see :func:`path_scores`.)
    """
    return path_scores(G, kind, sources, targets, **options)["score"].to_numpy(float)


def _row_order(u: np.ndarray, dst: np.ndarray, score: np.ndarray) -> np.ndarray:
    """The order of ``lexsort((dst, -score, u))``: by row, best first, ties by target.
    Entries come out of a sparse product already by row and then target, so a stable
    sort on two keys gives it, a third cheaper (checked, else sorted on all three)."""
    if len(u) > 1:
        step_u, step_dst = np.diff(u), np.diff(dst)
        if (step_u >= 0).all() and ((step_u > 0) | (step_dst > 0)).all():
            return np.lexsort((-score, u))
    return np.lexsort((dst, -score, u))


#: Entries of each row sampled to bound its k-th best score from below.
_SAMPLE = 256


def _row_top(u: np.ndarray, dst: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """The entries of each row's ``k`` best, in the order of :func:`_row_order` (by row,
    best first, ties by target).  A row's k-th best score is at least the k-th best
    of any subset of its entries, so each long row keeps only the entries at or above
    the k-th best of its first :data:`_SAMPLE` (one partition of a small matrix)
    before the sort: the same entries come out, from a sort of a fraction of them."""
    keep = np.arange(len(u))
    sorted_rows = len(u) < 2 or bool((np.diff(u) >= 0).all())
    if sorted_rows and len(u):
        starts = np.flatnonzero(np.r_[True, u[1:] != u[:-1]])
        counts = np.diff(np.r_[starts, len(u)])
        long = np.flatnonzero(counts > k)
        if len(long) and k < _SAMPLE:
            width = int(min(_SAMPLE, counts.max()))
            at = np.arange(width)
            inside = at[None, :] < counts[long][:, None]
            sample = np.full((len(long), width), -np.inf)
            sample[inside] = score[(starts[long][:, None] + at[None, :])[inside]]
            bound = np.full(len(starts), -np.inf)
            bound[long] = np.partition(sample, width - k, axis=1)[:, width - k]
            keep = np.flatnonzero(score >= np.repeat(bound, counts))
    order = keep[_row_order(u[keep], dst[keep], score[keep])]
    return order[_rank_in_row(u[order]) < k]


def _rank_in_row(rows: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each run of equal values of the sorted ``rows``."""
    at = np.arange(len(rows))
    starts = np.r_[True, rows[1:] != rows[:-1]] if len(rows) else np.zeros(0, dtype=bool)
    return at - np.maximum.accumulate(np.where(starts, at, 0))


def _top(
    A: GraphArrays,
    G: EcosystemGraph,
    kind: Kind,
    rows: np.ndarray,
    o: Opts,
    *,
    k: int,
    per_source: int | None,
    batch_size: int,
    reverse: bool,
    allowed: np.ndarray | None = None,
    dedupe: bool = False,
    is_source: np.ndarray | None = None,
) -> pd.DataFrame:
    """The best pairs of ``rows`` (sources, or targets when ``reverse``): columns
    ``src``, ``dst``, ``score``, ``rank``, and with ``per_source`` each meta-path's
    evidence (:data:`EVIDENCE`).  ``allowed`` masks the other side.
    ``dedupe`` keeps one orientation of a pair both of whose ends are sources
    (``is_source``; default every node)."""
    clusters = _clusters(G, kind, o.year)
    few = len(rows) <= metapaths.FEW_ROWS  # read at call time: tests lower it
    # a few rows' pairs need the degree prior at their ends only (see few_walks)
    prior = None if few and kind.target not in _CLASSES else _tie_break(A, kind, o.year)
    # likewise a few rows' partners need θ at their ends only
    theta, floor = (None, _floor(kind, o)) if few else _capacity(A, kind, o)
    heap: list[tuple[float, int, int]] = []
    frames = []
    for start in range(0, len(rows), batch_size):  # one sparse product per batch
        batch = products.batch(A, kind, rows[start : start + batch_size], o, reverse, few)
        coo = sp.coo_array(batch.total)
        r, c, s = coo.row, coo.col, coo.data
        if allowed is not None:
            ok = allowed[c]
            r, c, s = r[ok], c[ok], s[ok]
        u = batch.rows[r]
        src, dst = (c, u) if reverse else (u, c)
        if dedupe:
            ok = src < dst
            if is_source is not None:
                ok |= ~is_source[dst]
            r, c, s, u, src, dst = r[ok], c[ok], s[ok], u[ok], src[ok], dst[ok]
        chain = _chain_flag(batch, kind, r, c)
        factor, *_ = _complementarity(A, kind, src, dst, chain, clusters)
        ends = prior
        if ends is None:
            ends = prior_at(A, o.year, distinct(np.concatenate([src, dst])))
        base = s + floor + PRIOR * ends[src] * ends[dst]
        both = _theta_of(A, kind, o, src, dst) if theta is None else theta[src] * theta[dst]
        score = _ranked_score(kind, base * both * factor, chain)
        if per_source is not None:
            # best first within each row, ties by target (numpy's lexsort: a pandas
            # multi-column sort factorises every key and was most of the time here)
            order = _row_top(u, dst, score, per_source)
            frame = {"src": src[order], "dst": dst[order], "score": score[order], "row": u[order]}
            # each meta-path's evidence of the kept pairs, as scored: the explanations
            # read it here rather than walk every path again
            for path in kind.paths:
                frame[EVIDENCE + path.key] = lookup_pairs(batch.parts[path.key], r[order], c[order])
            frames.append(pd.DataFrame(frame))
            continue
        frame = pd.DataFrame({"src": src, "dst": dst, "score": score, "row": u})
        best = frame.nlargest(k, "score", keep="all")
        for rec in best.itertuples(index=False):  # at most k (plus ties) per batch
            item = (float(rec.score), -int(rec.src), -int(rec.dst))
            if len(heap) < k:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)
    if per_source is not None:
        if not frames:
            return pd.DataFrame({"src": [], "dst": [], "score": [], "rank": []}, dtype="int64")
        out = pd.concat(frames, ignore_index=True)
        out["rank"] = out.groupby("row").cumcount() + 1
        return out.drop(columns="row")
    ordered = sorted(heap, reverse=True)
    return pd.DataFrame(
        {
            "src": np.array([-x[1] for x in ordered], dtype=np.int64),
            "dst": np.array([-x[2] for x in ordered], dtype=np.int64),
            "score": np.array([x[0] for x in ordered], dtype=float),
            "rank": np.arange(1, len(ordered) + 1, dtype=np.int64),
        }
    )
