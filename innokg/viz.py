"""Interactive network pictures: pyvis networks and self-contained pages.

Four views, each a function returning an :class:`InnoNetwork` (a pyvis ``Network``)
for notebooks, and written by :func:`write_page` (or ``innokg viz``) as one HTML
file that works offline:

- :func:`whole_graph`: the whole ecosystem.  Above ``max_nodes`` it is rolled up
  into groups drawn as single nodes sized by their members, with edges weighted by
  the links between them (``overflow="aggregate"``: supply-chain clusters, cities,
  industries or labels), or the ``max_nodes`` best-connected nodes are shown with a
  visible note (``overflow="sample"``).
- :func:`neighbourhood`: what lies within ``depth`` links of one node, optionally
  through some edge types only; nearest nodes first when it is too large.
- :func:`cluster_view`: one supply-chain cluster of :mod:`innokg.queries.clusters`, its
  members by role (the chain leader and bridging firms marked) and the institutes,
  alliances, funds and platforms linked to them.
- :func:`partner_view`: two nodes and the short paths between them, the evidence
  behind a partnership candidate.

What the browser receives is built for safety and speed:

- **Offline**: vis-network's JavaScript and CSS are inlined; there is no CDN, no web
  font and no request of any kind.  A Content-Security-Policy allows only the page's
  own scripts (by hash) and data: images, so nothing injected could load or run.
- **Names are data, never markup**: nodes and edges travel as JSON in a data block
  (``<``, ``>`` and ``&`` escaped), labels are drawn on the canvas, and tooltips are
  plain text (vis-network 9 shows string titles with ``innerText``).  A name like
  ``<img src=x onerror=alert(1)>`` shows as exactly that text.  Headings, notes and
  the legend are HTML-escaped.
- **No hanging**: node and edge lists are filled directly (pyvis ``from_nx`` and
  ``add_edge`` are quadratic); positions are computed in Python (igraph
  Fruchterman-Reingold); physics runs only up to ``physics_limit`` nodes, starts
  from those positions and stops once stable.

Examples
--------
>>> from tests.factory import make_graph
>>> G = make_graph(
...     {"Enterprise": [{"id": "a", "name": "<b>甲</b>"}, {"id": "b", "name": "乙"}]},
...     {"SUPPLIES": [("a", "b", {"product": "钢材"})]},
... )
>>> net = neighbourhood(G, "a", depth=1)
>>> [n["label"] for n in net.nodes], len(net.edges)
(['<b>甲</b>', '乙'], 1)
>>> html = page_html(net)
>>> "<b>甲</b>" in html, "\\\\u003cb\\\\u003e甲" in html
(False, True)
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import igraph as ig
import numpy as np
import pandas as pd
from pyvis.network import Network

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError, NodeNotFound, QueryError
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from innokg.queries.arrays import GraphArrays, arrays

__all__ = [
    "DEFAULT_MAX_NODES",
    "DEFAULT_PHYSICS_LIMIT",
    "EDGE_COLOURS",
    "GROUPINGS",
    "LABEL_STYLE",
    "InnoNetwork",
    "LegendItem",
    "cluster_view",
    "neighbourhood",
    "page_html",
    "partner_view",
    "whole_graph",
    "write_page",
]

#: Views larger than this are aggregated or sampled (pyvis pages become unusable
#: past roughly 1,500 nodes; a 1k-node page with physics took 99 s to settle).
DEFAULT_MAX_NODES = 1000

#: Up to this many nodes the browser's physics refines the layout; above it the
#: positions computed in Python are final.
DEFAULT_PHYSICS_LIMIT = 300

#: Colour and vis-network shape of each node label.
LABEL_STYLE: dict[str, tuple[str, str]] = {
    "Enterprise": ("#3b75af", "dot"),
    "ResearchInstitute": ("#2e9e5b", "diamond"),
    "Alliance": ("#17a2b8", "hexagon"),
    "Fund": ("#d4a017", "square"),
    "MakerTeam": ("#f28e2b", "triangle"),
    "Platform": ("#8e6bbf", "triangleDown"),
    "Region": ("#8c8c8c", "dot"),
    "Zone": ("#8c564b", "square"),
    "Industry": ("#a5a82b", "hexagon"),
    "Product": ("#e377c2", "dot"),
    "PolicyMeasure": ("#d62728", "star"),
    "Person": ("#5a5fcf", "triangle"),
}

#: Colour of each edge type's lines.
EDGE_COLOURS: dict[str, str] = {
    "SUPPLIES": "#3b75af",
    "PRODUCES": "#e377c2",
    "UPSTREAM_OF": "#e377c2",
    "SUBCLASS_OF": "#a5a82b",
    "IN_INDUSTRY": "#c7c98a",
    "LOCATED_IN": "#bdbdbd",
    "COLLABORATES_WITH": "#2e9e5b",
    "MEMBER_OF": "#17a2b8",
    "INVESTS_IN": "#d4a017",
    "ESTABLISHED": "#8e6bbf",
    "OPERATES": "#8e6bbf",
    "HOSTS": "#f28e2b",
    "SUPPORTED_BY": "#d62728",
    "LEADS": "#5a5fcf",
}

#: Ways to roll the whole graph up into groups.
GROUPINGS = ("cluster", "city", "industry", "label")

Overflow = Literal["aggregate", "sample"]

_FOCUS = "#e8473a"  # border of the node(s) a view is about
_ROLE_BORDER = {"chain_leader": ("#b8860b", 5), "bridge": ("#e8473a", 3)}
_EDGE_DETAIL = {
    "SUPPLIES": "product",
    "COLLABORATES_WITH": "kind",
    "INVESTS_IN": "round",
    "MEMBER_OF": "role",
    "LEADS": "role",
    "SUPPORTED_BY": "year",
}
_HIDDEN_PROPS = {"id", "name", "name_en", "source"}
_LABEL_CHARS = 16


@dataclass(frozen=True)
class LegendItem:
    """One line of a page's legend: a shape in a colour, and what it means."""

    shape: str
    colour: str
    text: str
    border: str | None = None


class InnoNetwork(Network):  # type: ignore[misc]
    """A pyvis ``Network`` whose pages are self-contained, offline and escaped.

    ``generate_html``, ``write_html``, ``save_graph`` and ``show`` all go through
    :func:`page_html`, never pyvis's own template (which loads Bootstrap from a CDN
    and can render tooltips as HTML); in Jupyter the network displays itself in a
    sandboxed frame.

    Parameters
    ----------
    heading : str
        The page's title (plain text).
    notes : list of str, optional
        Lines shown under the title: what is shown, what was left out, provenance.
    legend : list of LegendItem, optional
    height : str
        CSS height of the drawing.
    """

    def __init__(
        self,
        heading: str = "",
        *,
        notes: Sequence[str] = (),
        legend: Sequence[LegendItem] = (),
        height: str = "78vh",
    ) -> None:
        super().__init__(height=height, width="100%", directed=True, cdn_resources="in_line")
        self.heading = heading
        self.notes = list(notes)
        self.legend = list(legend)
        #: Figures about the view: nodes and edges shown, of how many, layout time.
        self.stats: dict[str, Any] = {}

    def generate_html(
        self, name: str = "index.html", local: bool = True, notebook: bool = False
    ) -> str:
        """The self-contained page (see :func:`page_html`)."""
        self.html = page_html(self)
        return str(self.html)

    def write_html(
        self, name: str, local: bool = True, notebook: bool = False, open_browser: bool = False
    ) -> None:
        """Write the page to ``name`` (see :func:`write_page`)."""
        write_page(self, name)

    def show(self, name: str, local: bool = True, notebook: bool = True) -> Any:
        """Write the page to ``name``; in a notebook, display it."""
        write_page(self, name)
        if notebook:
            from IPython.display import HTML

            return HTML(self._repr_html_())  # type: ignore[no-untyped-call]
        return None

    def _repr_html_(self) -> str:
        page = html.escape(page_html(self), quote=True)
        return (
            f'<iframe srcdoc="{page}" sandbox="allow-scripts" '
            'style="width:100%;height:760px;border:1px solid #ddd" '
            'title="innokg network"></iframe>'
        )


# --- node facts ------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "是 yes" if value else "否 no"
    if isinstance(value, float | np.floating):
        number = float(value)
        return f"{number:,.0f}" if abs(number) >= 1000 else f"{number:.4g}"
    if isinstance(value, int | np.integer):
        whole = int(value)
        return str(whole) if 1800 <= whole <= 2100 else f"{whole:,}"
    return str(value)


def _short(name: str) -> str:
    return name if len(name) <= _LABEL_CHARS else name[: _LABEL_CHARS - 1] + "…"


def _degree(A: GraphArrays) -> np.ndarray:
    key = ("viz", "degree")
    if key not in A.memo:
        deg = np.zeros(A.n, dtype=np.int64)
        for etype in EDGE_TYPES:
            src, dst = A.edges(etype)
            deg += np.bincount(src, minlength=A.n) + np.bincount(dst, minlength=A.n)
        A.memo[key] = deg
    degree: np.ndarray = A.memo[key]
    return degree


def _rows(A: GraphArrays, positions: np.ndarray) -> dict[int, dict[str, Any]]:
    """The table row of each position, as a dict of its present values."""
    out: dict[int, dict[str, Any]] = {}
    for label in A.label_names:
        start, stop = A.spans[label]
        mine = positions[(positions >= start) & (positions < stop)]
        if not len(mine):
            continue
        df = A.G.nodes[label].iloc[mine - start]
        for pos, rec in zip(mine.tolist(), df.to_dict("records"), strict=True):
            out[pos] = {k: v for k, v in rec.items() if not _missing(v)}
    return out


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _tooltip(
    A: GraphArrays, pos: int, row: dict[str, Any], label: str, extra: Sequence[str] = ()
) -> str:
    spec = NODE_LABELS[label]
    lines = [str(row.get("name", ""))]
    if row.get("name_en"):
        lines.append(str(row["name_en"]))
    lines.append(f"{spec.zh} · {spec.en}")
    lines += list(extra)
    for prop in spec.props:
        if prop.name in _HIDDEN_PROPS or prop.name not in row:
            continue
        lines.append(f"{prop.zh} {prop.en}: {_fmt(row[prop.name])}")
    names = A.names
    city, industry = A.city()[pos], A.industry()[pos]
    if city >= 0 and city != pos:
        lines.append(f"城市 city: {names[city]}")
    if industry >= 0 and industry != pos:
        lines.append(f"行业 industry: {names[industry]}")
    lines.append(f"连接 links: {_degree(A)[pos]:,}")
    if row.get("source"):
        lines.append(f"来源 source: {row['source']}")
    lines.append(f"id: {row.get('id', A.ids[pos])}")
    return "\n".join(lines)


def _sizes(A: GraphArrays, positions: np.ndarray, size_by: str | None) -> np.ndarray:
    if size_by is None:
        return np.full(len(positions), 14.0)
    if size_by == "degree":
        values = _degree(A)[positions].astype(float)
    else:
        known = {p.name for spec in NODE_LABELS.values() for p in spec.props}
        if size_by not in known:
            raise InnokgError(
                f"cannot size nodes by {size_by!r}; use degree or a numeric property "
                "(employees, revenue, amount, ...)"
            )
        try:
            values = A.values(size_by)[positions]
        except (TypeError, ValueError):
            raise InnokgError(f"{size_by!r} is not numeric; size by degree instead") from None
    values = np.nan_to_num(np.maximum(values, 0.0), nan=0.0)
    top = values.max() if len(values) else 0.0
    if top <= 0:
        return np.full(len(positions), 12.0)
    sizes: np.ndarray = 8.0 + 32.0 * np.sqrt(values / top)
    return sizes


# --- layout ------------------------------------------------------------------------------


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


# --- assembling a network -------------------------------------------------------------


def _synthetic_note(G: EcosystemGraph) -> list[str]:
    if G.manifest.get("synthetic"):
        return [
            "合成示例数据，并非真实机构的事实 · "
            "Synthetic demo data: not facts about real organisations"
        ]
    return []


def _label_legend(labels: Sequence[str]) -> list[LegendItem]:
    return [
        LegendItem(
            LABEL_STYLE[lb][1], LABEL_STYLE[lb][0], f"{NODE_LABELS[lb].zh} {NODE_LABELS[lb].en}"
        )
        for lb in NODE_LABELS
        if lb in labels
    ]


def _edge_legend(types: Sequence[str]) -> list[LegendItem]:
    return [
        LegendItem("line", EDGE_COLOURS.get(t, "#999999"), f"{EDGE_TYPES[t].zh} {EDGE_TYPES[t].en}")
        for t in EDGE_TYPES
        if t in types
    ]


def _detail_network(
    G: EcosystemGraph,
    positions: np.ndarray,
    *,
    heading: str,
    notes: Sequence[str],
    edge_types: Sequence[str] | None,
    size_by: str | None,
    physics_limit: int,
    focus: Sequence[int] = (),
    borders: dict[int, tuple[str, int]] | None = None,
    extra: dict[int, list[str]] | None = None,
    edge_filter: set[tuple[int, int]] | None = None,
) -> InnoNetwork:
    """A network of real nodes (``positions``) and the edges among them."""
    A = arrays(G)
    positions = np.asarray(positions, dtype=np.int64)
    n = len(positions)
    local = np.full(A.n, -1, dtype=np.int64)
    local[positions] = np.arange(n)
    types = list(edge_types or EDGE_TYPES)
    frames = []
    for etype in types:
        src, dst = A.edges(etype)
        rows = A.edge_rows(etype)
        ok = (local[src] >= 0) & (local[dst] >= 0) & (src != dst)
        if not ok.any():
            continue
        detail_col = _EDGE_DETAIL.get(etype)
        df = G.edges[etype]
        detail = (
            df[detail_col].astype(object).to_numpy()[rows[ok]]
            if detail_col
            else np.full(int(ok.sum()), None)
        )
        evidence = df["evidence"].astype(object).to_numpy()[rows[ok]]
        frames.append(
            pd.DataFrame(
                {
                    "u": local[src[ok]],
                    "v": local[dst[ok]],
                    "type": etype,
                    "detail": detail,
                    "evidence": evidence,
                }
            )
        )
    edges = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["u", "v", "type", "detail", "evidence"])
    )
    if edge_filter is not None and len(edges):
        keep = [
            (int(positions[a]), int(positions[b])) in edge_filter
            or (int(positions[b]), int(positions[a])) in edge_filter
            for a, b in zip(edges["u"], edges["v"], strict=True)
        ]
        edges = edges[np.asarray(keep, dtype=bool)]
    grouped: dict[tuple[int, int], list[tuple[str, Any, Any]]] = {}
    for a, b, etype, det, ev in zip(
        edges["u"].tolist(),
        edges["v"].tolist(),
        edges["type"].tolist(),
        edges["detail"].tolist(),
        edges["evidence"].tolist(),
        strict=True,
    ):
        grouped.setdefault((int(a), int(b)), []).append((etype, det, ev))
    merged = []
    for (a, b), items in sorted(grouped.items()):
        lines = []
        for etype, det, ev in items[:6]:
            spec = EDGE_TYPES[etype]
            text = f"{spec.zh} {spec.en}"
            if not _missing(det):
                text += f"（{_fmt(det)}）"
            if isinstance(ev, str) and ev != "observed":
                text += f" · {ev}"
            lines.append(text)
        if len(items) > 6:
            lines.append(f"… {len(items) - 6} more")
        merged.append((a, b, items[0][0], len(items), "\n".join(lines)))
    u = np.array([m[0] for m in merged], dtype=np.int64)
    v = np.array([m[1] for m in merged], dtype=np.int64)
    xy = _layout(n, u, v)
    facts = _rows(A, positions)
    sizes = _sizes(A, positions, size_by)
    labels_present = sorted({A.label(p) for p in positions.tolist()}, key=list(NODE_LABELS).index)
    net = InnoNetwork(heading, notes=[*notes, *_synthetic_note(G)])
    focus_set = set(int(f) for f in focus)
    borders = borders or {}
    extra = extra or {}
    for i, pos in enumerate(positions.tolist()):
        label = A.label(pos)
        colour, shape = LABEL_STYLE[label]
        row = facts.get(pos, {})
        node: dict[str, Any] = {
            "id": str(A.ids[pos]),
            "label": _short(str(row.get("name", A.ids[pos]))),
            "title": _tooltip(A, pos, row, label, extra.get(pos, ())),
            "shape": shape,
            "size": float(round(sizes[i] + (8 if pos in focus_set else 0), 2)),
            "color": {"background": colour, "border": colour},
            "x": float(round(xy[i, 0], 1)),
            "y": float(round(xy[i, 1], 1)),
            "group": label,
        }
        if pos in focus_set:
            node["color"] = {"background": colour, "border": _FOCUS}
            node["borderWidth"] = 5
            node["font"] = {"size": 16, "bold": True}
        elif pos in borders:
            border, width = borders[pos]
            node["color"] = {"background": colour, "border": border}
            node["borderWidth"] = width
        net.nodes.append(node)
        net.node_ids.append(node["id"])
        net.node_map[node["id"]] = node
    for a, b, etype, count, title in merged:
        net.edges.append(
            {
                "from": str(A.ids[positions[a]]),
                "to": str(A.ids[positions[b]]),
                "title": title,
                "color": EDGE_COLOURS.get(etype, "#999999"),
                "width": round(1.0 + math.log2(count), 2),
            }
        )
    net.options = _options(n, physics_limit)
    net.legend = _label_legend(labels_present) + _edge_legend(sorted({m[2] for m in merged}))
    if focus_set:
        net.legend.append(LegendItem("dot", "#ffffff", "所选节点 selected", border=_FOCUS))
    net.stats.update(nodes=n, edges=len(merged))
    return net


def _resolve(G: EcosystemGraph, node_id: str) -> int:
    A = arrays(G)
    pos = int(A.index([node_id])[0])
    if pos < 0:
        raise NodeNotFound(node_id)
    return pos


def _check_types(edge_types: Sequence[str] | None) -> list[str] | None:
    if edge_types is None:
        return None
    unknown = [t for t in edge_types if t not in EDGE_TYPES]
    if unknown:
        raise QueryError(
            f"unknown edge type(s) {', '.join(unknown)}; known: {', '.join(EDGE_TYPES)}"
        )
    return list(edge_types)


# --- the views -------------------------------------------------------------------------


def neighbourhood(
    G: EcosystemGraph,
    node_id: str,
    *,
    depth: int = 1,
    edge_types: Sequence[str] | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    size_by: str | None = "degree",
    physics_limit: int = DEFAULT_PHYSICS_LIMIT,
) -> InnoNetwork:
    """The nodes within ``depth`` links of ``node_id``, in either direction.

    Parameters
    ----------
    G : EcosystemGraph
    node_id : str
        The node at the centre (marked with a red border).
    depth : int
        How many links out (1 to 4).
    edge_types : sequence of str, optional
        Follow and draw only these edge types (default: all).
    max_nodes : int
        Show at most this many nodes: nearest first and, in the last ring that
        fits only in part, best connected first; a note says what was left out.
    size_by : str, optional
        ``degree`` (links in the whole graph), a numeric property such as
        ``employees``, or None for equal sizes.
    physics_limit : int
        Let the browser's physics refine the layout up to this many nodes.

    Returns
    -------
    InnoNetwork

    Raises
    ------
    NodeNotFound
        When ``node_id`` is not in the graph.
    """
    if not 1 <= depth <= 4:
        raise InnokgError(f"--depth must be 1 to 4 (got {depth})")
    types = _check_types(edge_types)
    A = arrays(G)
    centre = _resolve(G, node_id)
    dist = np.full(A.n, -1, dtype=np.int64)
    dist[centre] = 0
    pairs = [A.edges(t) for t in (types or EDGE_TYPES)]
    src = np.concatenate([p[0] for p in pairs] + [p[1] for p in pairs])
    dst = np.concatenate([p[1] for p in pairs] + [p[0] for p in pairs])
    frontier = np.array([centre])
    for d in range(1, depth + 1):
        mark = np.zeros(A.n, dtype=bool)
        mark[frontier] = True
        reached = np.unique(dst[mark[src]])
        reached = reached[dist[reached] < 0]
        dist[reached] = d
        frontier = reached
        if not len(frontier):
            break
    found = np.flatnonzero(dist >= 0)
    deg = _degree(A)
    order = found[np.lexsort((found, -deg[found], dist[found]))]
    shown = order[:max_nodes]
    name = str(A.names[centre])
    notes = [
        f"{depth} 步以内 · within {depth} link(s)" + (f" · {', '.join(types)}" if types else "")
    ]
    if len(order) > max_nodes:
        notes.append(
            f"显示最近的 {max_nodes:,} 个节点（共 {len(order):,} 个）· Showing the {max_nodes:,} "
            f"nearest of {len(order):,} nodes (nearest first, then best connected)"
        )
    net = _detail_network(
        G,
        shown,
        heading=f"{name} 的周边 · Around {name}",
        notes=notes,
        edge_types=types,
        size_by=size_by,
        physics_limit=physics_limit,
        focus=[centre],
    )
    net.stats.update(view="around", total_nodes=len(order), sampled=len(order) > max_nodes)
    return net


def _cluster_tables(G: EcosystemGraph, **options: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    try:
        from innokg.queries.clusters import cluster_members, supply_clusters
    except ImportError as exc:  # pragma: no cover - the module ships with innokg
        raise InnokgError("supply-chain clusters need the module innokg.queries.clusters") from exc
    A = arrays(G)
    key = ("viz", "clusters", tuple(sorted(options.items())))
    if key not in A.memo:
        A.memo[key] = (supply_clusters(G, **options), cluster_members(G, **options))
    result: tuple[pd.DataFrame, pd.DataFrame] = A.memo[key]
    return result


def cluster_view(
    G: EcosystemGraph,
    cluster: int,
    *,
    context: bool = True,
    max_nodes: int = DEFAULT_MAX_NODES,
    size_by: str | None = "degree",
    physics_limit: int = DEFAULT_PHYSICS_LIMIT,
    seed: int = 2016,
) -> InnoNetwork:
    """One supply-chain cluster: its members, their roles and what serves them.

    Parameters
    ----------
    G : EcosystemGraph
    cluster : int
        A cluster id from :func:`innokg.queries.clusters.supply_clusters` (same ``seed``).
    context : bool
        Also draw the research institutes, alliances, funds and platforms linked to
        members (COLLABORATES_WITH, MEMBER_OF, INVESTS_IN, ESTABLISHED, OPERATES).
    max_nodes : int
        Show at most this many nodes: members by decreasing leader score first.
    size_by, physics_limit
        As for :func:`neighbourhood`.
    seed : int
        Seed of the clustering (as for ``supply_clusters``).

    Returns
    -------
    InnoNetwork

    Raises
    ------
    QueryError
        When ``cluster`` is not a cluster id.
    """
    A = arrays(G)
    profiles, members = _cluster_tables(G, seed=seed)
    mine = members[members["cluster"] == cluster]
    if mine.empty and profiles.empty:
        from innokg.queries.clusters import no_clusters_reason

        raise QueryError(f"no cluster {cluster}: {no_clusters_reason()}")
    if mine.empty:
        known = ", ".join(str(c) for c in profiles["cluster"].head(20))
        raise QueryError(f"no cluster {cluster}; known cluster ids: {known}")
    profile = profiles[profiles["cluster"] == cluster].iloc[0]
    member_pos = A.index(mine["id"])
    extra: dict[int, list[str]] = {}
    borders: dict[int, tuple[str, int]] = {}
    for pos, rec in zip(member_pos.tolist(), mine.itertuples(index=False), strict=True):
        extra[pos] = [f"集群角色 role: {rec.role_zh} {rec.role.replace('_', ' ')}"]
        if rec.role in _ROLE_BORDER:
            borders[pos] = _ROLE_BORDER[rec.role]
    shown = list(member_pos)
    if context:
        in_member = np.zeros(A.n, dtype=bool)
        in_member[member_pos] = True
        linked: list[np.ndarray] = []
        for etype, member_is_source in (
            ("COLLABORATES_WITH", True),
            ("MEMBER_OF", True),
            ("ESTABLISHED", True),
            ("OPERATES", True),
            ("INVESTS_IN", False),
        ):
            src, dst = A.edges(etype)
            if member_is_source:
                linked.append(dst[in_member[src]])
            else:
                linked.append(src[in_member[dst]])
        others = np.unique(np.concatenate(linked)) if linked else np.array([], np.int64)
        others = others[~in_member[others]]
        keep_labels = [
            A.label_names.index(x) for x in ("ResearchInstitute", "Alliance", "Fund", "Platform")
        ]
        others = others[np.isin(A.label_code[others], keep_labels)]
        shown += others.tolist()
    total = len(shown)
    shown_arr = np.asarray(shown[:max_nodes], dtype=np.int64)
    notes = [
        f"链主 chain leader: {profile['leader_name'] or '未识别 none identified'}"
        f" · {int(profile['size'])} 家成员企业 member firms"
        f" · 单一来源投入 single-sourced inputs: {int(profile['single_sourced'])}"
        f" · 桥接企业 bridging firms: {int(profile['bridging_firms'])}",
    ]
    if total > max_nodes:
        notes.append(
            f"显示 {max_nodes:,} / {total:,} 个节点 · Showing {max_nodes:,} of {total:,} nodes "
            "(members by leader score first)"
        )
    net = _detail_network(
        G,
        shown_arr,
        heading=f"供应链集群 {cluster}：{profile['label']} · Supply-chain cluster {cluster}",
        notes=notes,
        edge_types=None,
        size_by=size_by,
        physics_limit=physics_limit,
        borders=borders,
        extra=extra,
    )
    net.legend += [
        LegendItem("dot", "#ffffff", "链主 chain leader", border=_ROLE_BORDER["chain_leader"][0]),
        LegendItem("dot", "#ffffff", "桥接企业 bridging firm", border=_ROLE_BORDER["bridge"][0]),
    ]
    net.stats.update(view="cluster", total_nodes=total, sampled=total > max_nodes)
    return net


def partner_view(
    G: EcosystemGraph,
    a: str,
    b: str,
    *,
    max_length: int = 3,
    max_paths: int = 40,
    edge_types: Sequence[str] | None = None,
    size_by: str | None = "degree",
    physics_limit: int = DEFAULT_PHYSICS_LIMIT,
) -> InnoNetwork:
    """Two nodes and the short paths between them: the evidence for a partnership.

    When :func:`innokg.queries.partners.candidate_partners` ranks the pair, its kind,
    score and explanation are shown as notes and the paths drawn are those through
    the edge types of that kind's meta-paths (the evidence behind the score).
    Otherwise the paths go through every edge type but LOCATED_IN.  Paths are the
    shortest, in either direction along the edges, up to ``max_length`` links.

    Parameters
    ----------
    G : EcosystemGraph
    a, b : str
        The two node ids (marked with a red border).
    max_length : int
        Longest path drawn, in links (2 to 4).
    max_paths : int
        Draw at most this many paths (the first found, shortest first).
    edge_types : sequence of str, optional
        Follow only these edge types (default: see above).
    size_by, physics_limit
        As for :func:`neighbourhood`.

    Returns
    -------
    InnoNetwork

    Raises
    ------
    NodeNotFound
        When ``a`` or ``b`` is not in the graph.
    """
    if not 2 <= max_length <= 4:
        raise InnokgError(f"max_length must be 2 to 4 (got {max_length})")
    A = arrays(G)
    pa, pb = _resolve(G, a), _resolve(G, b)
    reasons, kind_types = _partner_reasons(G, a, b)
    types = _check_types(edge_types) or kind_types or [t for t in EDGE_TYPES if t != "LOCATED_IN"]
    adj = A.matrix(types, symmetric=True).tocsr()
    paths = _short_paths(adj, pa, pb, max_length=max_length, limit=max_paths)
    on_path = sorted({p for path in paths for p in path} | {pa, pb})
    edge_filter = {(path[i], path[i + 1]) for path in paths for i in range(len(path) - 1)}
    notes = []
    if paths:
        lengths = sorted({len(p) - 1 for p in paths})
        notes.append(
            f"{len(paths)} 条路径（长度 {', '.join(map(str, lengths))}）· {len(paths)} path(s) of "
            f"length {', '.join(map(str, lengths))} between them"
            + (f" (first {max_paths} shown)" if len(paths) >= max_paths else "")
        )
    else:
        notes.append(f"{max_length} 步以内没有路径 · No path within {max_length} links")
    notes += reasons
    name_a, name_b = str(A.names[pa]), str(A.names[pb])
    net = _detail_network(
        G,
        np.asarray(on_path, dtype=np.int64),
        heading=f"合作候选：{name_a} — {name_b} · Partnership candidate",
        notes=notes,
        edge_types=types,
        size_by=size_by,
        physics_limit=physics_limit,
        focus=[pa, pb],
        edge_filter=edge_filter,
    )
    net.stats.update(view="partner", total_nodes=len(on_path), sampled=False, paths=len(paths))
    return net


def _short_paths(adj: Any, a: int, b: int, *, max_length: int, limit: int) -> list[list[int]]:
    """Simple paths from ``a`` to ``b`` of at most ``max_length`` links, shortest first.

    A depth-first walk from ``a`` that only steps onto nodes still within reach of
    ``b`` (distances from ``b`` by breadth-first search), so hubs that lead nowhere
    near ``b`` are never expanded.
    """
    if a == b:
        return []
    indptr, indices = adj.indptr, adj.indices
    n = adj.shape[0]
    far = max_length + 1
    dist_b = np.full(n, far, dtype=np.int64)
    dist_b[b] = 0
    frontier = np.array([b], dtype=np.int64)
    for d in range(1, max_length):
        if not len(frontier):
            break
        reached = np.unique(adj[frontier].indices)
        reached = reached[dist_b[reached] == far]
        dist_b[reached] = d
        frontier = reached
    paths: list[list[int]] = []

    def walk(path: list[int], left: int) -> None:
        x = path[-1]
        for y in indices[indptr[x] : indptr[x + 1]].tolist():
            if len(paths) >= limit:
                return
            if y in path or dist_b[y] > left - 1 or (y == b and left > 1):
                continue
            if left == 1:
                paths.append([*path, y])
            else:
                walk([*path, y], left - 1)

    for length in range(1, max_length + 1):
        walk([a], length)
        if len(paths) >= limit:
            break
    return paths


def _partner_reasons(G: EcosystemGraph, a: str, b: str) -> tuple[list[str], list[str] | None]:
    """What :func:`innokg.queries.partners.candidate_partners` says about the pair.

    Returns notes (kind, score, the explanation in Chinese and English) and the edge
    types of that kind's meta-paths, or no notes and None when the pair is not a
    candidate (already linked, or of labels no partnership kind pairs).
    """
    try:
        from innokg.queries.partners import KINDS, candidate_partners
    except ImportError:  # pragma: no cover - the module ships with innokg
        return [], None
    df = None
    for node in (a, b):
        try:
            df = candidate_partners(G, node=node, k=1000)
        except InnokgError:  # a node of a label no partnership kind takes
            continue
        except Exception as exc:  # the picture is still worth drawing without them
            return [
                f"合作依据未能计算 · The candidate's reasons could not be computed ({exc!r})"
            ], None
        break
    if df is None:
        return [], None
    hit = df[
        ((df["source"] == a) & (df["target"] == b)) | ((df["source"] == b) & (df["target"] == a))
    ]
    if hit.empty:
        return ["不在合作候选之列（已有联系或无共同依据）· Not a ranked candidate pair"], None
    row = hit.iloc[0]
    kind = KINDS[str(row["kind"])]
    types = sorted(
        {t.removesuffix("^-1") for path in kind.paths for step in path.steps for t in step},
        key=list(EDGE_TYPES).index,
    )
    notes = [
        f"{kind.zh} {kind.en} · 排名 rank {int(row['rank'])} · 得分 score {float(row['score']):.3f}"
        f" ({row['paths']})",
        str(row["explanation"]),
        str(row["explanation_en"]),
    ]
    return notes, types


# --- the whole graph ----------------------------------------------------------------------


def _groups(G: EcosystemGraph, grouping: str, seed: int) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """A group index for every position and a description of each group."""
    A = arrays(G)
    if grouping not in GROUPINGS:
        raise InnokgError(f"cannot group by {grouping!r}; use one of {', '.join(GROUPINGS)}")
    group = np.full(A.n, -1, dtype=np.int64)
    info: list[dict[str, Any]] = []
    names = A.names
    if grouping == "cluster":
        profiles, members = _cluster_tables(G, seed=seed)
        pos = A.index(members["id"])
        order = {int(c): i for i, c in enumerate(profiles["cluster"])}
        group[pos] = members["cluster"].map(order).to_numpy(dtype=np.int64)
        for rec in profiles.itertuples(index=False):
            info.append(
                {
                    "name": f"集群 {rec.cluster} · {rec.label}",
                    "kind": "cluster",
                    "lines": [
                        f"供应链集群 supply-chain cluster {rec.cluster}",
                        f"链主 chain leader: {rec.leader_name or '未识别 none identified'}",
                        f"城市 cities: {rec.cities}",
                        f"行业 industries: {rec.industries}",
                        f"单一来源投入 single-sourced inputs: {rec.single_sourced}",
                        f"桥接企业 bridging firms: {rec.bridging_firms}",
                    ],
                }
            )
    elif grouping in ("city", "industry"):
        place = A.city() if grouping == "city" else A.industry()
        keys = np.unique(place[place >= 0])
        lut = {int(k): i for i, k in enumerate(keys.tolist())}
        ok = place >= 0
        group[ok] = np.array([lut[int(k)] for k in place[ok].tolist()], dtype=np.int64)
        for k in keys.tolist():
            info.append(
                {
                    "name": str(names[k]),
                    "kind": grouping,
                    "pos": int(k),
                    "lines": [
                        ("城市 city: " if grouping == "city" else "行业 industry: ") + str(names[k])
                    ],
                }
            )
    # Whatever is left is grouped by its label.
    for code, label in enumerate(A.label_names):
        left = (group < 0) & (A.label_code == code)
        if not left.any():
            continue
        group[left] = len(info)
        spec = NODE_LABELS[label]
        rest = grouping != "label"
        info.append(
            {
                "name": (f"其他{spec.zh}" if rest else spec.zh)
                + f" · {'other ' if rest else ''}{spec.en}",
                "kind": "label",
                "label": label,
                "lines": [f"{spec.zh} {spec.en}" + (" not in any group above" if rest else "")],
            }
        )
    return group, info


def whole_graph(
    G: EcosystemGraph,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    overflow: Overflow = "aggregate",
    group_by: str = "cluster",
    size_by: str | None = "degree",
    physics_limit: int = DEFAULT_PHYSICS_LIMIT,
    seed: int = 2016,
) -> InnoNetwork:
    """The whole graph; above ``max_nodes``, rolled up into groups or sampled.

    Parameters
    ----------
    G : EcosystemGraph
    max_nodes : int
        Draw every node up to this many.
    overflow : {"aggregate", "sample"}
        Above ``max_nodes``: draw groups as single nodes sized by their members,
        with edges weighted by the links between groups (``aggregate``), or draw the
        ``max_nodes`` best-connected nodes with a note (``sample``).
    group_by : {"cluster", "city", "industry", "label"}
        Groups of an aggregate view: supply-chain clusters (:mod:`innokg.queries.clusters`),
        cities, industries or node labels.  Nodes outside every group of the first
        three are grouped by their label.
    size_by, physics_limit
        As for :func:`neighbourhood` (an aggregate view sizes groups by members).
    seed : int
        Seed of the clustering.

    Returns
    -------
    InnoNetwork
    """
    A = arrays(G)
    if overflow not in ("aggregate", "sample"):
        raise InnokgError(f"overflow must be aggregate or sample (got {overflow!r})")
    title = G.manifest.get("title") or "innokg"
    heading = f"创新生态全图 · Whole ecosystem: {title}"
    if A.n <= max_nodes:
        net = _detail_network(
            G,
            np.arange(A.n),
            heading=heading,
            notes=[f"{A.n:,} 个节点 · all {A.n:,} nodes"],
            edge_types=None,
            size_by=size_by,
            physics_limit=physics_limit,
        )
        net.stats.update(view="whole", total_nodes=A.n, sampled=False, aggregated=False)
        return net
    if overflow == "sample":
        deg = _degree(A)
        order = np.lexsort((np.arange(A.n), -deg))
        shown = np.sort(order[:max_nodes])
        net = _detail_network(
            G,
            shown,
            heading=heading,
            notes=[
                f"抽样：显示连接最多的 {max_nodes:,} 个节点（共 {A.n:,} 个）· Sample: the "
                f"{max_nodes:,} best-connected of {A.n:,} nodes; the rest are not drawn"
            ],
            edge_types=None,
            size_by=size_by,
            physics_limit=physics_limit,
        )
        net.stats.update(view="whole", total_nodes=A.n, sampled=True, aggregated=False)
        return net
    return _aggregate(
        G,
        heading=heading,
        group_by=group_by,
        max_nodes=max_nodes,
        physics_limit=physics_limit,
        seed=seed,
    )


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


def _aggregate(
    G: EcosystemGraph, *, heading: str, group_by: str, max_nodes: int, physics_limit: int, seed: int
) -> InnoNetwork:
    A = arrays(G)
    group, info = _groups(G, group_by, seed)
    k = len(info)
    members = np.bincount(group, minlength=k)
    by_label = pd.crosstab(group, A.label_code)
    # Too many groups: keep the largest, fold the rest into one.
    folded = 0
    if k > max_nodes:
        keep = np.argsort(-members, kind="stable")[: max_nodes - 1]
        lut = np.full(k, max_nodes - 1, dtype=np.int64)
        lut[keep] = np.arange(len(keep))
        folded = k - len(keep)
        group = lut[group]
        info = [info[i] for i in keep] + [
            {"name": f"其余 {folded:,} 组 · {folded:,} smaller groups", "kind": "rest", "lines": []}
        ]
        k = len(info)
        members = np.bincount(group, minlength=k)
        by_label = pd.crosstab(group, A.label_code)
    frames = []
    internal = np.zeros(k, dtype=np.int64)
    for etype in EDGE_TYPES:
        src, dst = A.edges(etype)
        gu, gv = group[src], group[dst]
        same = gu == gv
        internal += np.bincount(gu[same], minlength=k)
        lo, hi = np.minimum(gu[~same], gv[~same]), np.maximum(gu[~same], gv[~same])
        if len(lo):
            frames.append(pd.DataFrame({"u": lo, "v": hi, "type": etype}))
    links = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["u", "v", "type"])
    )
    counts = links.groupby(["u", "v", "type"]).size().rename("n").reset_index()
    pairs = counts.groupby(["u", "v"])["n"].sum().rename("total").reset_index()
    u, v = pairs["u"].to_numpy(np.int64), pairs["v"].to_numpy(np.int64)
    total = pairs["total"].to_numpy(float)
    xy = _layout(k, u, v, weights=np.log1p(total))
    fixed = _geo_positions(A, info, xy) if group_by == "city" else np.zeros(k, dtype=bool)
    net = InnoNetwork(
        heading,
        notes=[
            f"汇总视图：{A.n:,} 个节点合并为 {k:,} 组（{_GROUPING_ZH[group_by]}）· "
            f"Aggregated: {A.n:,} "
            f"nodes shown as {k:,} groups by {group_by}; each circle's size is its member count, "
            "each line's width the links between two groups",
            *(
                [
                    f"其余 {folded:,} 个较小的组合并为一组 · "
                    f"{folded:,} smaller groups folded into one"
                ]
                if folded
                else []
            ),
            *_synthetic_note(G),
        ],
    )
    top = members.max() if k else 1
    label_names = A.label_names
    for i, item in enumerate(info):
        row = by_label.loc[i] if i in by_label.index else pd.Series(dtype=int)
        dominant = label_names[int(row.idxmax())] if len(row) else "Enterprise"
        label = item.get("label", dominant)
        colour, shape = LABEL_STYLE[label]
        if item["kind"] != "label":
            shape = "dot"
        breakdown = "; ".join(
            f"{NODE_LABELS[label_names[int(c)]].zh} {int(n):,}"
            for c, n in row.sort_values(ascending=False).items()
            if n > 0
        )
        lines = [
            item["name"],
            *item["lines"],
            f"成员 members: {int(members[i]):,}",
            breakdown,
            f"组内连接 links inside: {int(internal[i]):,}",
        ]
        node = {
            "id": f"group:{i}",
            "label": _short(item["name"]) + f"\n{int(members[i]):,}",
            "title": "\n".join(x for x in lines if x),
            "shape": shape,
            "size": float(round(10.0 + 40.0 * math.sqrt(members[i] / top), 2)),
            "color": {
                "background": colour,
                "border": "#333333" if item["kind"] == "cluster" else colour,
            },
            "borderWidth": 2 if item["kind"] == "cluster" else 1,
            "x": float(round(xy[i, 0], 1)),
            "y": float(round(xy[i, 1], 1)),
            "group": item["kind"],
            "members": int(members[i]),
        }
        if fixed[i]:  # a city at its real coordinates stays there
            node["fixed"] = {"x": True, "y": True}
        net.nodes.append(node)
        net.node_ids.append(node["id"])
        net.node_map[node["id"]] = node
    top_edge = total.max() if len(total) else 1.0
    by_pair = counts.sort_values("n", ascending=False).groupby(["u", "v"])
    for (a, b), grp in by_pair:
        n_links = int(grp["n"].sum())
        lines = [f"{n_links:,} 条连接 links"] + [
            f"{EDGE_TYPES[t].zh} {EDGE_TYPES[t].en}: {int(c):,}"
            for t, c in zip(grp["type"].head(5), grp["n"].head(5), strict=True)
        ]
        net.edges.append(
            {
                "from": f"group:{int(a)}",
                "to": f"group:{int(b)}",
                "title": "\n".join(lines),
                "color": EDGE_COLOURS.get(str(grp["type"].iloc[0]), "#999999"),
                "width": round(0.5 + 7.5 * math.log1p(n_links) / math.log1p(top_edge), 2),
                "arrows": {"to": {"enabled": False}},
            }
        )
    net.options = _options(k, physics_limit)
    kinds = {item["kind"] for item in info}
    legend = [
        LegendItem(
            "dot",
            LABEL_STYLE["Enterprise"][0],
            "一组节点（大小 = 成员数）· a group (size = members)",
        )
    ]
    if "cluster" in kinds:
        legend.append(
            LegendItem(
                "dot",
                LABEL_STYLE["Enterprise"][0],
                "供应链集群 supply-chain cluster",
                border="#333333",
            )
        )
    labels_present = sorted(
        {str(item["label"]) for item in info if "label" in item}, key=list(NODE_LABELS).index
    )
    net.legend = legend + _label_legend(labels_present)
    net.stats.update(
        view="whole",
        nodes=k,
        edges=len(net.edges),
        total_nodes=A.n,
        sampled=False,
        aggregated=True,
        group_by=group_by,
    )
    return net


_GROUPING_ZH = {
    "cluster": "按供应链集群",
    "city": "按城市",
    "industry": "按行业",
    "label": "按类型",
}


# --- the page ------------------------------------------------------------------------------


def _vis_assets() -> tuple[str, str]:
    base = resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    return (
        (base / "vis-network.min.js").read_text(encoding="utf-8"),
        (base / "vis-network.css").read_text(encoding="utf-8"),
    )


def _json_for_html(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _sha256(script: str) -> str:
    return (
        "'sha256-"
        + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        + "'"
    )


def _legend_icon(item: LegendItem) -> str:
    c = html.escape(item.colour, quote=True)
    stroke = html.escape(item.border or item.colour, quote=True)
    sw = 3 if item.border else 1
    shapes = {
        "dot": f'<circle cx="8" cy="8" r="6" fill="{c}" stroke="{stroke}" stroke-width="{sw}"/>',
        "square": f'<rect x="2" y="2" width="12" height="12" fill="{c}" stroke="{stroke}"/>',
        "diamond": f'<polygon points="8,1 15,8 8,15 1,8" fill="{c}" stroke="{stroke}"/>',
        "triangle": f'<polygon points="8,1 15,14 1,14" fill="{c}" stroke="{stroke}"/>',
        "triangleDown": f'<polygon points="1,2 15,2 8,15" fill="{c}" stroke="{stroke}"/>',
        "hexagon": f'<polygon points="4,1 12,1 16,8 12,15 4,15 0,8" fill="{c}" stroke="{stroke}"/>',
        "star": f'<polygon points="8,0 10,6 16,6 11,10 13,16 8,12 3,16 5,10 0,6 6,6" fill="{c}"/>',
        "line": f'<line x1="0" y1="8" x2="16" y2="8" stroke="{c}" stroke-width="3"/>',
    }
    shape = shapes.get(item.shape, shapes["dot"])
    return f'<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">{shape}</svg>'


_PAGE_CSS = """
html, body { margin: 0; padding: 0; background: #fff; color: #222;
  font-family: system-ui, -apple-system, "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC",
  sans-serif; }
header { padding: 10px 16px 4px; }
h1 { font-size: 18px; margin: 0 0 4px; font-weight: 600; }
.note { font-size: 13px; color: #555; margin: 2px 0; }
main { display: flex; gap: 0; }
#innokg-network { flex: 1; height: %(height)s; border-top: 1px solid #e3e3e3; position: relative; }
aside { width: 230px; font-size: 12px; padding: 8px 12px; border-top: 1px solid #e3e3e3;
  border-left: 1px solid #e3e3e3; overflow-y: auto; max-height: %(height)s; }
aside h2 { font-size: 13px; margin: 4px 0 6px; }
aside ul { list-style: none; padding: 0; margin: 0; }
aside li { display: flex; align-items: center; gap: 6px; margin: 3px 0; }
#innokg-search { width: 100%%; box-sizing: border-box; margin: 4px 0 10px; padding: 4px; }
#innokg-status { color: #777; margin-top: 8px; }
div.vis-tooltip { white-space: pre-line; max-width: 380px; font-size: 12px; line-height: 1.45;
  font-family: inherit; }
@media print { aside input { display: none; } }
"""

_BOOT = """(function () {
  "use strict";
  var started = performance.now();
  var payload = JSON.parse(document.getElementById("innokg-data").textContent);
  var nodes = new vis.DataSet(payload.nodes);
  var edges = new vis.DataSet(payload.edges);
  var container = document.getElementById("innokg-network");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, payload.options);
  var status = document.getElementById("innokg-status");
  window.network = network;
  function ready() {
    if (window.innokgReady) { return; }
    window.innokgReady = {
      ms: performance.now() - started, nodes: nodes.length, edges: edges.length
    };
    status.textContent = nodes.length + " nodes, " + edges.length + " edges";
    document.body.setAttribute("data-ready", "1");
  }
  if (payload.options.physics && payload.options.physics.enabled) {
    status.textContent = "\\u5e03\\u5c40\\u4e2d laying out\\u2026";
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: false});
      network.fit();
      ready();
    });
  } else {
    network.once("afterDrawing", ready);
  }
  var search = document.getElementById("innokg-search");
  search.addEventListener("change", function () {
    var q = search.value.trim().toLowerCase();
    if (!q) { network.unselectAll(); return; }
    var hits = nodes.get({filter: function (n) {
      return String(n.title || n.label || "").toLowerCase().indexOf(q) >= 0;
    }});
    if (!hits.length) { status.textContent = "0 found"; return; }
    var ids = hits.map(function (n) { return n.id; });
    network.selectNodes(ids);
    network.focus(ids[0], {scale: 1.2, animation: false});
    status.textContent = hits.length + " found";
  });
})();
"""


def page_html(net: Network) -> str:
    """One self-contained HTML page drawing ``net`` (any pyvis Network).

    Parameters
    ----------
    net : pyvis.network.Network
        Usually an :class:`InnoNetwork`; a plain pyvis network is drawn too, with
        its heading and without notes or legend.

    Returns
    -------
    str
        The page: vis-network inlined, data as an escaped JSON block, a
        Content-Security-Policy that forbids every request and every script but
        the page's own.
    """
    vis_js, vis_css = _vis_assets()
    options = net.options if isinstance(net.options, dict) else json.loads(net.options.to_json())
    payload = {"nodes": net.nodes, "edges": net.edges, "options": options}
    heading = str(getattr(net, "heading", "") or "innokg")
    notes = list(getattr(net, "notes", []))
    legend = list(getattr(net, "legend", []))
    height = str(net.height or "78vh")
    if not all(ch.isalnum() or ch in ".%" for ch in height):
        height = "78vh"
    csp = (
        "default-src 'none'; "
        f"script-src {_sha256(vis_js)} {_sha256(_BOOT)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src 'none'; connect-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    items = "".join(
        f"<li>{_legend_icon(item)}<span>{html.escape(item.text)}</span></li>" for item in legend
    )
    note_html = "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp, quote=True)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(heading)}</title>\n"
        f"<style>{vis_css}</style>\n"
        f"<style>{_PAGE_CSS % {'height': height}}</style>\n"
        "</head>\n<body>\n"
        f"<header><h1>{html.escape(heading)}</h1>{note_html}</header>\n"
        '<main><div id="innokg-network"></div>\n'
        '<aside><input id="innokg-search" type="search" placeholder="查找 find a name" '
        'aria-label="find a name">'
        f"<h2>图例 Legend</h2><ul>{items}</ul>"
        '<p id="innokg-status"></p></aside></main>\n'
        f'<script id="innokg-data" type="application/json">{_json_for_html(payload)}</script>\n'
        f"<script>{vis_js}</script>\n"
        f"<script>{_BOOT}</script>\n"
        "</body>\n</html>\n"
    )


def write_page(net: Network, out: str | Path) -> Path:
    """Write :func:`page_html` of ``net`` to ``out`` (an ``.html`` file).

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    InnokgError
        When the file cannot be written.
    """
    out = Path(out)
    text = page_html(net)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
    except OSError as exc:
        raise InnokgError(f"cannot write {out}: {exc.strerror or exc}") from exc
    return out
