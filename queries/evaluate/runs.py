"""One split of one kind: every method scored and ranked on the training graph."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import GraphArrays, arrays
from innokg.queries.evaluate.baselines import BASELINES, METHODS, _negatives, _Untyped
from innokg.queries.evaluate.metrics import _member, _precision, auc, ranking_metrics
from innokg.queries.evaluate.splits import _keys, _pairs
from innokg.queries.partners import Kind, candidate_partners, graph_scope, score_pairs
from innokg.queries.sets import distinct


@dataclass
class _Options:
    method: str
    hub_cap: int
    tail_cap: int
    ks: tuple[int, ...]
    negatives: int
    top: int


def _universe(
    A: GraphArrays, kind: Kind, G: EcosystemGraph, alive: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Which nodes may be ranked as sources and which as targets: as
    :func:`~innokg.queries.partners.candidate_partners` proposes (on a province graph,
    the province's own sources, and institutes in it)."""
    place = graph_scope(G)
    source_ok = A.mask(kind.source) & alive
    target_ok = A.mask(kind.target) & alive
    if place is not None:
        source_ok &= place.inside
        if kind.target != "Enterprise":
            target_ok &= place.inside | ~A.mask("ResearchInstitute")
    return source_ok, target_ok


def _ranking(
    train: EcosystemGraph,
    A: GraphArrays,
    kind: Kind,
    hidden: np.ndarray,
    train_keys: np.ndarray,
    source_ok: np.ndarray,
    target_ok: np.ndarray,
    untyped: _Untyped,
    o: _Options,
) -> dict[str, dict[str, float]]:
    """Per-source ranking metrics of every method, macro-averaged over sources."""
    # for a symmetric kind each end's list should show the other
    oriented = np.concatenate([hidden, hidden[:, ::-1]]) if kind.symmetric else hidden
    oriented = oriented[source_ok[oriented[:, 0]] & target_ok[oriented[:, 1]]]
    rows = distinct(oriented[:, 0])
    targets = np.flatnonzero(target_ok)
    empty: dict[str, dict[Any, Any]] = {m: {} for m in METHODS}
    if len(rows) == 0 or len(targets) == 0:
        return empty
    column = np.full(A.n, -1, dtype=np.int64)
    column[targets] = np.arange(len(targets))
    ids = A.ids.to_numpy()
    per_method: dict[str, list[pd.DataFrame]] = {m: [] for m in METHODS}
    chunk = max(1, 1_000_000 // len(targets))
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        u = np.repeat(part, len(targets))
        v = np.tile(targets, len(part))
        shape = (len(part), len(targets))
        linked = _member(u.astype(np.int64) * A.n + v, train_keys).reshape(shape)
        candidates = ~linked & (u != v).reshape(shape)
        mine = oriented[np.isin(oriented[:, 0], part)]
        hid = np.zeros(shape, dtype=bool)
        hid[np.searchsorted(part, mine[:, 0]), column[mine[:, 1]]] = True
        candidates |= hid  # a hidden pair is never linked in training
        grids = {
            "innokg": score_pairs(
                train,
                kind.key,
                ids[u],
                ids[v],
                method=o.method,
                hub_cap=o.hub_cap,
                tail_cap=o.tail_cap,
            ).reshape(shape)
        }
        for name in BASELINES:
            grids[name] = untyped.grid(name, part, targets)
        for name, grid in grids.items():
            per_method[name].append(ranking_metrics(grid, candidates, hid, k=o.top))
    out: dict[str, dict[str, float]] = {}
    for name, frames in per_method.items():
        m = pd.concat(frames, ignore_index=True)
        out[name] = {
            "sources": len(m),
            f"hits_at_{o.top}": float(m[f"hits_at_{o.top}"].mean()),
            "mrr": float(m["reciprocal_rank"].mean()),
            "mean_rank": float(m["rank"].mean()),
            "candidates": float(m["candidates"].mean()),
        }
    return out


def _run(
    G: EcosystemGraph,
    A: GraphArrays,
    kind: Kind,
    split: str,
    seed: int,
    train: EcosystemGraph,
    hidden: np.ndarray,
    alive: np.ndarray,
    o: _Options,
) -> list[dict[str, Any]]:
    """Every method's metrics on one split."""
    T = arrays(train)
    train_pairs = _pairs(T, kind)
    train_keys = _keys(train_pairs, A.n, kind.symmetric)
    hidden_keys = _keys(hidden, A.n, kind.symmetric)
    linked = _keys(_pairs(A, kind), A.n, kind.symmetric)
    untyped = _Untyped(T)
    source_ok, target_ok = _universe(A, kind, G, alive)
    ranks = _ranking(train, A, kind, hidden, train_keys, source_ok, target_ok, untyped, o)
    rng = np.random.default_rng([seed, zlib.crc32(kind.key.encode()), zlib.crc32(split.encode())])
    neg = _negatives(A, kind, linked, min(o.negatives * len(hidden), 200_000), rng)
    both = np.concatenate([hidden, neg])
    ids = A.ids.to_numpy()
    scores = {
        "innokg": score_pairs(
            train,
            kind.key,
            ids[both[:, 0]],
            ids[both[:, 1]],
            method=o.method,
            hub_cap=o.hub_cap,
            tail_cap=o.tail_cap,
        )
    }
    top = candidate_partners(
        train,
        kinds=[kind.key],
        k=max(o.ks),
        method=o.method,  # type: ignore[arg-type]
        hub_cap=o.hub_cap,
        tail_cap=o.tail_cap,
        notes=False,
    )
    ours = np.column_stack([T.index(top["source"]), T.index(top["target"])]).astype(np.int64)
    if kind.symmetric and len(ours):
        ours = np.sort(ours, axis=1)
    tops = {"innokg": ours.reshape(-1, 2)}
    for name in BASELINES:
        scores[name] = untyped.score(name, both[:, 0], both[:, 1], rng)
        tops[name] = untyped.top(name, kind, train_keys, max(o.ks), rng)
    rows = []
    for name in METHODS:
        row: dict[str, Any] = {"kind": kind.key, "split": split, "seed": seed, "method": name}
        row.update(ranks.get(name) or {})
        row["auc"] = auc(scores[name][: len(hidden)], scores[name][len(hidden) :])
        for k in o.ks:
            row[f"precision_at_{k}"] = _precision(tops[name], hidden_keys, A.n, k)
        row.update(hidden=len(hidden), negatives=len(neg), train_pairs=len(train_pairs))
        rows.append(row)
    return rows
