"""EcosystemGraph: a built graph in memory, as tables, with views derived on demand.

The tables are the truth.  The networkx view that users see and the integer-indexed
arrays that fast algorithms need are derived from them, never edited.

Examples
--------
>>> G = EcosystemGraph.open("innokg-demo")  # doctest: +SKIP
>>> G.counts()["nodes"]["Enterprise"]  # doctest: +SKIP
1160
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from innokg.graph.errors import NodeNotFound
from innokg.graph.package import read_tables
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from innokg.graph.validate import Tables

__all__ = ["EcosystemGraph"]


class EcosystemGraph:
    """The node and edge tables of one ecosystem graph, plus derived views.

    Parameters
    ----------
    nodes : dict of str to DataFrame
        One table per node label (see :mod:`innokg.graph.schema`).
    edges : dict of str to DataFrame
        One table per edge type, endpoints in ``from_id`` and ``to_id``.
    manifest : dict, optional
        The package manifest, when read from a package.
    path : Path, optional
        The package folder, when read from a package.
    """

    def __init__(
        self,
        nodes: dict[str, pd.DataFrame],
        edges: dict[str, pd.DataFrame],
        *,
        manifest: dict[str, Any] | None = None,
        path: Path | None = None,
    ) -> None:
        self.nodes = nodes
        self.edges = edges
        self.manifest = manifest or {}
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, verify: bool = True) -> EcosystemGraph:
        """Read a graph package (see :mod:`innokg.graph.package`)."""
        nodes, edges, manifest = read_tables(path, verify=verify)
        return cls(nodes, edges, manifest=manifest, path=Path(path))

    @classmethod
    def from_tables(cls, tables: Tables) -> EcosystemGraph:
        return cls(tables.nodes, tables.edges)

    def __repr__(self) -> str:
        n = sum(len(df) for df in self.nodes.values())
        m = sum(len(df) for df in self.edges.values())
        where = f" at {self.path}" if self.path else ""
        return f"<EcosystemGraph{where}: {n} nodes, {m} edges>"

    # --- lookups ------------------------------------------------------------------

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            "nodes": {k: len(v) for k, v in self.nodes.items()},
            "edges": {k: len(v) for k, v in self.edges.items()},
        }

    @cached_property
    def node_ids(self) -> pd.Index:
        """Every node id, label by label in schema order; position = integer index."""
        return pd.Index(
            pd.concat([self.nodes[label]["id"] for label in NODE_LABELS], ignore_index=True)
        )

    @cached_property
    def node_labels(self) -> np.ndarray:
        """The label of each node, aligned with :attr:`node_ids`."""
        return np.concatenate(
            [np.full(len(self.nodes[label]), label, dtype=object) for label in NODE_LABELS]
        )

    def label_of(self, node_id: str) -> str:
        """The label of one node.

        Raises
        ------
        NodeNotFound
        """
        pos = self.node_ids.get_indexer([node_id])[0]
        if pos < 0:
            raise NodeNotFound(node_id)
        return str(self.node_labels[pos])

    def node(self, node_id: str) -> dict[str, Any]:
        """One node's properties as a dict, with its ``label``."""
        label = self.label_of(node_id)
        df = self.nodes[label]
        row = df[df["id"] == node_id].iloc[0]
        return {"label": label, **{k: (None if pd.isna(v) else v) for k, v in row.items()}}

    def edge_list(self, edge_types: list[str] | None = None) -> pd.DataFrame:
        """All edges of the given types (default: all) with a ``type`` column."""
        names = edge_types or list(EDGE_TYPES)
        frames = [
            self.edges[t][["from_id", "to_id"]].assign(type=t) for t in names if len(self.edges[t])
        ]
        if not frames:
            return pd.DataFrame({"from_id": [], "to_id": [], "type": []}, dtype="string")
        return pd.concat(frames, ignore_index=True)

    # --- views --------------------------------------------------------------------

    def to_networkx(
        self,
        *,
        labels: list[str] | None = None,
        edge_types: list[str] | None = None,
        nodes: list[str] | None = None,
    ) -> nx.MultiDiGraph:
        """A networkx MultiDiGraph view, optionally restricted.

        Node attributes are the node's properties plus ``label``; edge keys are edge
        types (``SUPPLIES#2`` for a second parallel edge of a type) and edge
        attributes the edge's properties plus ``type``.  Build it for what a user
        looks at: at a million nodes this view alone needs several GB.

        Parameters
        ----------
        labels : list of str, optional
            Keep only nodes with these labels.
        edge_types : list of str, optional
            Keep only edges of these types.
        nodes : list of str, optional
            Keep only these node ids (and the edges among them).
        """
        G = nx.MultiDiGraph()
        keep = set(nodes) if nodes is not None else None
        for label in labels or list(NODE_LABELS):
            df = self.nodes[label]
            if keep is not None:
                df = df[df["id"].isin(keep)]
            for rec in df.to_dict("records"):
                attrs = {k: v for k, v in rec.items() if not _missing(v)}
                G.add_node(attrs.pop("id"), label=label, **attrs)
        present = set(G)
        for etype in edge_types or list(EDGE_TYPES):
            df = self.edges[etype]
            df = df[df["from_id"].isin(present) & df["to_id"].isin(present)]
            for rec in df.to_dict("records"):
                attrs = {k: v for k, v in rec.items() if not _missing(v)}
                u, v = attrs.pop("from_id"), attrs.pop("to_id")
                key, n = etype, 1
                while G.has_edge(u, v, key):  # parallel edges of one type: SUPPLIES#2, ...
                    n += 1
                    key = f"{etype}#{n}"
                G.add_edge(u, v, key=key, type=etype, **attrs)
        return G


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))
