"""What one request of the explorer may ask for, and how the explorer refuses.

Kept apart from :mod:`innokg.serve.explorer` so that the parts it is made of
(:mod:`innokg.serve.questions`, :mod:`innokg.serve.cypher`,
:mod:`innokg.serve.navigate`) share them without importing each other.
"""

from __future__ import annotations

from innokg.graph.errors import InnokgError

__all__ = ["CYPHER_SECONDS", "LIMITS", "NotFound", "NotReady"]

#: Caps on what one request returns.
LIMITS = {
    "search": 50,  # results of one search
    "neighbours": 500,  # neighbours in one page
    "edges_nodes": 3000,  # nodes whose edges among them one request may ask for
    "edges": 20000,  # edges one request returns
    "cluster_nodes": 400,  # members drawn in a cluster view
    "table_rows": 5000,  # rows of a table as JSON (CSV and Excel carry all)
    "cypher_rows": 5000,  # rows of a Cypher result
    "cypher_graph": 1000,  # nodes of a Cypher result drawn as a graph
}

#: Seconds a Cypher query may run before the database stops it.
CYPHER_SECONDS = 10.0


class NotReady(InnokgError):
    """The package lacks what a request needs (its embedded database, for Cypher)."""


class NotFound(InnokgError):
    """A request names something the graph does not hold (a cluster id)."""
