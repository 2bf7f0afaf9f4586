"""The network every view returns: :class:`InnoNetwork`, and the drawing of real nodes
and the edges among them that the detailed views (around a node, a cluster, a pair,
a small or sampled whole graph) share."""

from __future__ import annotations

import contextlib
import html
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pyvis.network import Network

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import NodeNotFound, QueryError
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from innokg.queries.arrays import GraphArrays, arrays
from innokg.viz.facts import _fmt, _missing, _rows, _short, _sizes, _tooltip
from innokg.viz.layout import _layout, _options
from innokg.viz.page import page_html, write_page
from innokg.viz.size import _guard
from innokg.viz.styles import (
    _EDGE_DETAIL,
    _FOCUS,
    EDGE_COLOURS,
    LABEL_STYLE,
    LegendItem,
    _edge_legend,
    _label_legend,
)

__all__ = ["InnoNetwork"]


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


def _synthetic_note(G: EcosystemGraph) -> list[str]:
    if G.manifest.get("synthetic"):
        return [
            "合成示例数据，并非真实机构的事实 · "
            "Synthetic demo data: not facts about real organisations"
        ]
    return []


def _edge_table(
    G: EcosystemGraph, A: GraphArrays, local: np.ndarray, types: Sequence[str]
) -> pd.DataFrame:
    """The edges of ``types`` between drawn nodes: local ends, type, detail, evidence."""
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
    return (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["u", "v", "type", "detail", "evidence"])
    )


def _merged_edges(
    edges: pd.DataFrame, positions: np.ndarray, edge_filter: set[tuple[int, int]] | None
) -> list[tuple[int, int, str, int, str]]:
    """One line per pair of drawn nodes (vis-network draws parallel edges on top of each
    other): its ends, its first edge type, how many edges it stands for, its tooltip."""
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
    return merged


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
    edges = _edge_table(G, A, local, list(edge_types or EDGE_TYPES))
    progress = _guard(n, len(edges))
    with progress or contextlib.nullcontext():
        step = progress or (lambda _: None)
        step(f"merge {len(edges):,} edges")
        merged = _merged_edges(edges, positions, edge_filter)
        step(f"lay out {n:,} nodes")
        net = _drawn(
            G,
            A,
            positions,
            merged,
            heading=heading,
            notes=notes,
            size_by=size_by,
            physics_limit=physics_limit,
            focus=focus,
            borders=borders,
            extra=extra,
            step=step,
        )
    return net


def _drawn(
    G: EcosystemGraph,
    A: GraphArrays,
    positions: np.ndarray,
    merged: list[tuple[int, int, str, int, str]],
    *,
    heading: str,
    notes: Sequence[str],
    size_by: str | None,
    physics_limit: int,
    focus: Sequence[int],
    borders: dict[int, tuple[str, int]] | None,
    extra: dict[int, list[str]] | None,
    step: Callable[[str], None],
) -> InnoNetwork:
    """The network of :func:`_detail_network`: laid out, each node with its facts."""
    n = len(positions)
    u = np.array([m[0] for m in merged], dtype=np.int64)
    v = np.array([m[1] for m in merged], dtype=np.int64)
    xy = _layout(n, u, v)
    step(f"describe {n:,} nodes")
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
