"""Nodes named on the command line (``--for``, ``--around``, ``--partner``) the way an
analyst types them: an id, a stock or credit code, a full name or a part of one."""

from __future__ import annotations

from innokg.graph.ecosystem import EcosystemGraph

__all__ = ["node_id"]


def node_id(G: EcosystemGraph, text: str, labels: tuple[str, ...] | None = None) -> str:
    """The id of the one node of ``G`` that ``text`` names, looked up among ``labels``
    (see :func:`innokg.queries.arrays.resolve_node`, whose errors say what matched)."""
    from innokg.queries.arrays import arrays, resolve_node  # here: `innokg --help` stays quick

    return str(arrays(G).ids[resolve_node(G, text, labels)])
