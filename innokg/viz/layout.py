"""Where nodes go: positions computed in Python (deterministic, so a page drawn twice
is the same page), city groups at their coordinates, and vis-network's options."""

from __future__ import annotations

import math
import random
from typing import Any

import igraph as ig
import numpy as np

from innokg.viz.styles import DEFAULT_PHYSICS_LIMIT

# Helpers of the views in this package; nothing here is public.
__all__: list[str] = []


_SPACING = 70.0  # pixels per node, roughly: a component of k nodes spans ~70 * sqrt(k)


def _layout(n: int, u: np.ndarray, v: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Positions (n x 2, in pixels), deterministic.

    Each connected component is laid out by Fruchterman-Reingold on its own and
    scaled to its size; the components are then packed in rows, largest first, so
    isolated nodes neither fly off nor crush the main component.
    """
    # igraph draws random numbers from Python's ``random`` unless told otherwise.
    ig.set_random_number_generator(random.Random(2016))
    try:
        return _packed_layout(n, u, v, weights)
    finally:
        ig.set_random_number_generator(random)


def _packed_layout(n: int, u: np.ndarray, v: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    """The layout of :func:`_layout`, with igraph's random numbers already seeded."""
    if n == 0:
        return np.zeros((0, 2))
    keep = u != v
    u, v = u[keep], v[keep]
    w_all = None if weights is None else np.asarray(weights, dtype=float)[keep]
    g = ig.Graph(n=n, directed=False)
    g.add_edges(np.column_stack([u, v]).tolist())
    membership = np.asarray(g.connected_components().membership, dtype=np.int64)
    sizes = np.bincount(membership)
    order = sorted(range(len(sizes)), key=lambda c: -sizes[c])  # stable: largest first
    by_comp = np.argsort(membership, kind="stable")
    node_bounds = np.concatenate([[0], np.cumsum(sizes)])
    edge_comp = membership[u] if len(u) else np.array([], dtype=np.int64)
    edge_order = np.argsort(edge_comp, kind="stable")
    edge_bounds = np.searchsorted(edge_comp[edge_order], np.arange(len(sizes) + 1))
    local_index = np.zeros(n, dtype=np.int64)
    rng = np.random.default_rng(2016)
    xy = np.zeros((n, 2))
    boxes = []
    for c in order:
        comp = by_comp[node_bounds[c] : node_bounds[c + 1]]
        k = len(comp)
        if k == 1:
            boxes.append((comp, np.zeros((1, 2))))
            continue
        local_index[comp] = np.arange(k)
        edges = edge_order[edge_bounds[c] : edge_bounds[c + 1]]
        sub = ig.Graph(n=k, directed=False)
        sub.add_edges(np.column_stack([local_index[u[edges]], local_index[v[edges]]]).tolist())
        start = rng.uniform(-1.0, 1.0, size=(k, 2)) * math.sqrt(k)
        local = np.asarray(
            sub.layout_fruchterman_reingold(
                weights=None if w_all is None else w_all[edges].tolist(),
                seed=start.tolist(),
                niter=500,
                grid=k > DEFAULT_PHYSICS_LIMIT,
            ).coords
        )
        local -= local.mean(axis=0)
        span = np.abs(local).max() or 1.0
        boxes.append((comp, local / span * (_SPACING * math.sqrt(k) / 2 + 30.0)))
    # Shelf packing: rows about as wide as the largest component (or a square).
    width = max(float(np.ptp(boxes[0][1][:, 0])), _SPACING * math.sqrt(n) * 1.2)
    x = y = row_h = 0.0
    gap = _SPACING
    for comp, local in boxes:
        w = float(np.ptp(local[:, 0])) if len(local) > 1 else 0.0
        h = float(np.ptp(local[:, 1])) if len(local) > 1 else 0.0
        if x > 0 and x + w > width:
            x, y, row_h = 0.0, y + row_h + gap, 0.0
        origin = np.array([x - local[:, 0].min(), y - local[:, 1].min()])
        xy[comp] = local + origin
        x += w + gap
        row_h = max(row_h, h)
    centred: np.ndarray = xy - xy.mean(axis=0)
    return centred


def _options(n: int, physics_limit: int) -> dict[str, Any]:
    physics = n <= physics_limit
    return {
        "autoResize": True,
        "nodes": {
            "borderWidth": 1,
            "font": {
                "size": 13,
                "face": "system-ui, -apple-system, 'Noto Sans CJK SC', 'Microsoft YaHei', "
                "'PingFang SC', sans-serif",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "color": {"inherit": False, "opacity": 0.75},
            "smooth": {"enabled": True, "type": "continuous"} if physics else False,
            "selectionWidth": 2,
        },
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "springLength": 110,
                "avoidOverlap": 0.4,
            },
            "stabilization": {"enabled": True, "iterations": 250, "updateInterval": 25},
        },
        "layout": {"improvedLayout": False, "randomSeed": 2016},
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": n > 500,
            "hideEdgesOnZoom": n > 500,
            "keyboard": False,
        },
    }


def _geo_positions(A: Any, info: list[dict[str, Any]], xy: np.ndarray) -> np.ndarray:
    """Put city groups at their Region's longitude and latitude (an equirectangular
    projection, north up, scaled to the layout's extent); groups without coordinates
    keep their layout positions, beside the map.  Returns which groups were placed."""
    placed = np.zeros(len(info), dtype=bool)
    if "lon" not in A.G.nodes["Region"].columns or "lat" not in A.G.nodes["Region"].columns:
        return placed
    lon, lat = A.values("lon"), A.values("lat")
    rows = [i for i, it in enumerate(info) if it.get("kind") == "city" and "pos" in it]
    geo = [(i, lon[info[i]["pos"]], lat[info[i]["pos"]]) for i in rows]
    geo = [(i, x, y) for i, x, y in geo if np.isfinite(x) and np.isfinite(y)]
    if len(geo) < 2:
        return placed
    idx = np.array([g[0] for g in geo])
    gx = np.array([g[1] for g in geo]) * math.cos(math.radians(float(np.mean([g[2] for g in geo]))))
    gy = -np.array([g[2] for g in geo])
    span = float(max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 800.0))
    scale = span / max(float(np.ptp(gx)), float(np.ptp(gy)), 1e-9)
    xy[idx, 0] = (gx - gx.mean()) * scale
    xy[idx, 1] = (gy - gy.mean()) * scale
    placed[idx] = True
    return placed
