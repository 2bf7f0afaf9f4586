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

The parts of the package:

- :mod:`~innokg.viz.styles`: the colour and shape of each label and edge type, the
  default limits and the legend's lines;
- :mod:`~innokg.viz.facts`: what a node's tooltip and size say about it;
- :mod:`~innokg.viz.layout`: positions computed in Python and vis-network's options;
- :mod:`~innokg.viz.network`: :class:`InnoNetwork` and the drawing of real nodes and
  the edges among them, which every detailed view shares;
- :mod:`~innokg.viz.views`: :func:`neighbourhood`, :func:`cluster_view` and
  :func:`partner_view`;
- :mod:`~innokg.viz.overview`: :func:`whole_graph` and its groups;
- :mod:`~innokg.viz.page`: the self-contained page, :func:`page_html` and
  :func:`write_page`;
- :mod:`~innokg.viz.size`: the warning, and progress on stderr, for a page over
  :data:`PAGE_SIZE_LIMIT`.

Examples
--------
>>> from innokg.graph.testing import make_graph
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

from innokg.viz.network import InnoNetwork
from innokg.viz.overview import whole_graph
from innokg.viz.page import page_html, write_page
from innokg.viz.size import PAGE_SIZE_LIMIT, PageSizeWarning
from innokg.viz.styles import (
    DEFAULT_MAX_NODES,
    DEFAULT_PHYSICS_LIMIT,
    EDGE_COLOURS,
    GROUPINGS,
    LABEL_STYLE,
    LegendItem,
)
from innokg.viz.views import cluster_view, neighbourhood, partner_view

__all__ = [
    "DEFAULT_MAX_NODES",
    "DEFAULT_PHYSICS_LIMIT",
    "EDGE_COLOURS",
    "GROUPINGS",
    "LABEL_STYLE",
    "PAGE_SIZE_LIMIT",
    "InnoNetwork",
    "LegendItem",
    "PageSizeWarning",
    "cluster_view",
    "neighbourhood",
    "page_html",
    "partner_view",
    "whole_graph",
    "write_page",
]
