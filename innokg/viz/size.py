"""A guard against pages too large to open.

A detailed view draws every node it is asked for: 100,000 nodes made a 115 MB page in
about four minutes, with no word until it was written, and browsers struggle to open
such a page.  Before the slow steps (merging edges, the layout, the page's data), the
view estimates the page's size; above :data:`PAGE_SIZE_LIMIT` it warns with a
:class:`PageSizeWarning` that names the estimate and the views that fit, then shows
each step's progress on stderr.
"""

from __future__ import annotations

import warnings

from innokg.progress import StepProgress

__all__ = ["PAGE_SIZE_LIMIT", "PageSizeWarning", "estimated_bytes"]

#: Pages estimated above this many bytes warn and show their progress.
PAGE_SIZE_LIMIT = 20_000_000

# Measured on the demo's pages: vis-network and the page itself, then each node (its
# tooltip, style and position) and each drawn edge.
_BASE_BYTES = 700_000
_NODE_BYTES = 460
_EDGE_BYTES = 140


class PageSizeWarning(UserWarning):
    """A view would write a page over :data:`PAGE_SIZE_LIMIT`."""


def estimated_bytes(nodes: int, edges: int) -> int:
    """The approximate size of a page drawing ``nodes`` nodes and ``edges`` edges.

    >>> estimated_bytes(1000, 5000)
    1860000
    """
    return _BASE_BYTES + _NODE_BYTES * nodes + _EDGE_BYTES * edges


def _guard(nodes: int, edges: int) -> StepProgress | None:
    """Warn when the page would be too large, and return a progress display for the
    slow steps; None when the page fits."""
    size = estimated_bytes(nodes, edges)
    limit = PAGE_SIZE_LIMIT
    if size <= limit:
        return None
    room = max(limit - _BASE_BYTES, 0)
    fit = max(10, nodes * room // (size - _BASE_BYTES))
    warnings.warn(
        PageSizeWarning(
            f"this page would draw {nodes:,} nodes and up to {edges:,} edges, about "
            f"{size / 1e6:,.0f} MB (limit {limit / 1e6:,.0f} MB): slow to lay out and to "
            "write, and slow or impossible for a browser to open. Views that fit: the "
            "whole graph in groups (innokg viz PACKAGE, whole_graph(G)), one supply-chain "
            "cluster (--cluster ID), one node's neighbourhood (--around ID), or at most "
            f"{fit:,} nodes (--max-nodes {fit}, max_nodes={fit})"
        ),
        stacklevel=4,
    )
    return StepProgress()
