"""The supply network the clusters are found in: enterprises and products as local
vertices, aggregated undirected weighted edges, and its Leiden communities (see the
package for the method)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from innokg.queries.arrays import GraphArrays
from innokg.queries.clusters import leiden_apart

__all__: list[str] = []

Inferred = Literal["auto", "all", "none"]


@dataclass(frozen=True)
class _Network:
    """The supply network as local vertices and aggregated undirected edges."""

    vertices: np.ndarray  # positions of the local vertices
    u: np.ndarray  # local endpoints, u < v
    v: np.ndarray
    weight: np.ndarray
    inferred: np.ndarray  # part of ``weight`` that is inferred


@dataclass(frozen=True)
class _Assignment:
    network: _Network
    membership: np.ndarray  # raw community of each local vertex
    cluster: np.ndarray  # over all positions: cluster id (>= 1) or -1
    # the links cut to split two chains (see ``split``): one row per cut, with the
    # raw communities of its two parts (a, b) and its local endpoints (u in a, v in b)
    splits: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {k: pd.Series(dtype=np.int64) for k in ("a", "b", "u", "v")}
        )
    )


def _inferred_supplies(A: GraphArrays, year: int | None) -> np.ndarray:
    """Which SUPPLIES edges (as of ``year``) are inferred, not observed."""
    key = ("inferred_supplies", year)
    if key not in A.memo:
        df = A.G.edges["SUPPLIES"]
        if "evidence" in df.columns:
            inferred = (df["evidence"] == "inferred").fillna(False).to_numpy(dtype=bool)
        else:
            inferred = np.zeros(len(df), dtype=bool)
        A.memo[key] = inferred[A.edge_rows("SUPPLIES", year=year)]
    mask: np.ndarray = A.memo[key]
    return mask


def _supply_weights(A: GraphArrays, year: int | None, inferred_weight: float) -> np.ndarray:
    w = A.edge_values("SUPPLIES", "weight", year=year)
    share = A.edge_values("SUPPLIES", "share", year=year)
    w = np.where(np.isnan(w), share, w)
    w = np.where(np.isnan(w) | (w <= 0), 1.0, w)
    return np.where(_inferred_supplies(A, year), w * inferred_weight, w)


def _network(
    A: GraphArrays, year: int | None, inferred: Inferred, inferred_weight: float
) -> _Network:
    src, dst = A.edges("SUPPLIES", year=year)
    w = _supply_weights(A, year, inferred_weight)
    supply_inferred = np.where(_inferred_supplies(A, year), w, 0.0)
    us, vs, ws, infs = [src], [dst], [w], [supply_inferred]
    if inferred != "none":
        p_src, p_dst = A.edges("PRODUCES", year=year)
        if inferred == "auto":
            linked = np.zeros(A.n, dtype=bool)
            linked[src] = linked[dst] = True
            keep = ~linked[p_src]
            p_src, p_dst = p_src[keep], p_dst[keep]
        if len(p_src):
            u_src, u_dst = A.edges("UPSTREAM_OF", year=year)
            for a, b in ((p_src, p_dst), (u_src, u_dst)):
                us.append(a)
                vs.append(b)
                ws.append(np.full(len(a), inferred_weight))
                infs.append(np.full(len(a), inferred_weight))
    u, v = np.concatenate(us), np.concatenate(vs)
    w, inf = np.concatenate(ws), np.concatenate(infs)
    keep = u != v
    u, v, w, inf = u[keep], v[keep], w[keep], inf[keep]
    vertices = np.flatnonzero(A.mask("Enterprise", "Product") & A.alive(year))
    local = np.full(A.n, -1, dtype=np.int64)
    local[vertices] = np.arange(len(vertices))
    lu, lv = local[np.minimum(u, v)], local[np.maximum(u, v)]
    ok = (lu >= 0) & (lv >= 0)
    # each pair once, the weights of its parallel links summed: one stable sort of an
    # integer key (pandas' group-by on the two columns took 10 s of the clusters' 200
    # at ten million nodes)
    width = max(len(vertices), 1)
    key = lu[ok] * width + lv[ok]
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else key
    return _Network(
        vertices=vertices,
        u=key[starts] // width,
        v=key[starts] % width,
        weight=_sums(w[ok][order], starts),
        inferred=_sums(inf[ok][order], starts),
    )


def _sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The sums of ``values`` from each of ``starts`` to the next."""
    if not len(starts):
        return np.zeros(0)
    return np.add.reduceat(values.astype(float), starts)


def _leiden(
    net: _Network,
    *,
    seed: int,
    resolution: float,
    meanwhile: Callable[[], object] | None = None,
) -> np.ndarray:
    """The Leiden community of each local vertex of ``net``.  On a network of
    :data:`~innokg.queries.clusters.leiden_apart.APART_LINKS` links or more, with work to
    do ``meanwhile`` (what later stages ask that needs no clusters), Leiden runs in a
    process of its own while that work runs here; the result is the same."""
    if (
        meanwhile is not None
        and len(net.u) >= leiden_apart.APART_LINKS
        and leiden_apart.can_run_apart(seed)
    ):
        found = leiden_apart.leiden_beside(net, seed, resolution, meanwhile)
        if found is not None:
            return found
    return leiden_apart.leiden_membership(
        len(net.vertices), net.u, net.v, net.weight, seed=seed, resolution=resolution
    )
