"""Small hand-made graphs for exact-answer tests.

>>> G = make_graph(
...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
...     {"SUPPLIES": [("a", "b", {"product": "钢材"})]},
... )
>>> G.counts()["edges"]["SUPPLIES"]
1
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.validate import Tables, validate_tables

__all__ = ["make_graph", "make_tables"]

_NODE_DEFAULTS: dict[str, dict[str, Any]] = {
    "ResearchInstitute": {"kind": "university"},
    "Alliance": {"kind": "industry"},
    "Fund": {"kind": "venture"},
    "MakerTeam": {"kind": "technology"},
    "Platform": {"kind": "self_built_rnd"},
    "Region": {"level": "city"},
    "Zone": {"kind": "industrial_cluster"},
    "Industry": {"scheme": "GB/T 4754-2017"},
    "PolicyMeasure": {"article": 3},
    "Person": {"role": "entrepreneur"},
}


def make_tables(
    nodes: dict[str, list[dict[str, Any]]],
    edges: dict[str, list[tuple[str, str, dict[str, Any]] | tuple[str, str]]] | None = None,
) -> Tables:
    """Validated tables from a few dicts; ``source`` and required kinds are filled in."""
    raw_nodes = {}
    for label, rows in nodes.items():
        filled = [{"source": "test", **_NODE_DEFAULTS.get(label, {}), **r} for r in rows]
        for r in filled:
            if label == "Industry":
                r.setdefault("code", r["id"])
        raw_nodes[label] = pd.DataFrame(filled)
    raw_edges = {}
    for etype, rows in (edges or {}).items():
        recs = []
        for row in rows:
            u, v, *rest = row
            props = rest[0] if rest else {}
            recs.append(
                {"from_id": u, "to_id": v, "source": "test", "evidence": "observed", **props}
            )
        raw_edges[etype] = pd.DataFrame(recs)
    return validate_tables(raw_nodes, raw_edges)


def make_graph(
    nodes: dict[str, list[dict[str, Any]]],
    edges: dict[str, list[tuple[str, str, dict[str, Any]] | tuple[str, str]]] | None = None,
) -> EcosystemGraph:
    """An :class:`EcosystemGraph` from a few dicts (see :func:`make_tables`)."""
    return EcosystemGraph.from_tables(make_tables(nodes, edges))
