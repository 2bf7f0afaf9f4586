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

import hashlib
import json
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
        # the tables as read by :meth:`open` (None otherwise, or once edited): results
        # derived from them may be kept beside the package (see package_fingerprint)
        self._as_read: dict[str, tuple[int, int]] | None = None

    @classmethod
    def open(cls, path: str | Path, *, verify: bool = True) -> EcosystemGraph:
        """Read a graph package (see :mod:`innokg.graph.package`).

        Parameters
        ----------
        path : path
            The package folder (``innokg build --out`` or ``innokg demo --out``).
        verify : bool
            Check every table against the manifest's checksum (the default).

        Returns
        -------
        EcosystemGraph
            The graph, with the package's manifest and folder.

        Raises
        ------
        PackageError
            When the folder is not a package, is damaged, or was built with a newer
            schema (see :func:`innokg.graph.package.read_tables`).

        Examples
        --------
        >>> import os, tempfile
        >>> from innokg.graph.package import write_package
        >>> from innokg.graph.testing import make_tables
        >>> tmp = tempfile.TemporaryDirectory()
        >>> out = os.path.join(tmp.name, "pkg")
        >>> tables = make_tables({"Region": [{"id": "region:4101", "name": "郑州市"}]})
        >>> _ = write_package(tables, out, sources=[], info={"title": "one city"})
        >>> G = EcosystemGraph.open(out)
        >>> G
        <EcosystemGraph at /.../pkg: 1 nodes, 0 edges>
        >>> G.manifest["title"], G.node("region:4101")["name"]
        ('one city', '郑州市')
        >>> tmp.cleanup()
        """
        nodes, edges, manifest = read_tables(path, verify=verify)
        G = cls(nodes, edges, manifest=manifest, path=Path(path))
        G._as_read = G._table_ids()
        return G

    def _table_ids(self) -> dict[str, tuple[int, int]]:
        tables = {
            **{f"n:{k}": v for k, v in self.nodes.items()},
            **{f"e:{k}": v for k, v in self.edges.items()},
        }
        return {k: (id(df), len(df)) for k, df in tables.items()}

    def package_fingerprint(self) -> str | None:
        """A key of the package's tables, while this graph holds them as read.

        Results derived from the tables can be kept beside the package under this key
        (:mod:`innokg.queries.kept`) and reused by the next command.  It is None for a
        graph not read by :meth:`open`, whose table objects were replaced or resized, or
        that was marked edited (:meth:`mark_edited`; ``clear_cache`` does it).

        Returns
        -------
        str or None
            A SHA-256 over the checksums of the package's files, in hex.

        Examples
        --------
        >>> from innokg.graph.testing import make_tables
        >>> G = EcosystemGraph.from_tables(make_tables({"Region": [{"id": "r", "name": "x"}]}))
        >>> G.package_fingerprint() is None
        True
        """
        if self._as_read is None or self.path is None or self._table_ids() != self._as_read:
            return None
        files = self.manifest.get("files") or {}
        text = json.dumps(
            sorted((k, str(v.get("sha256"))) for k, v in files.items()), ensure_ascii=False
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def mark_edited(self) -> None:
        """Say the tables were edited in memory: nothing kept beside the package applies.

        Examples
        --------
        >>> from innokg.graph.testing import make_tables
        >>> G = EcosystemGraph.from_tables(make_tables({"Region": [{"id": "r", "name": "x"}]}))
        >>> G.mark_edited(); G.package_fingerprint() is None
        True
        """
        self._as_read = None

    @classmethod
    def from_tables(cls, tables: Tables) -> EcosystemGraph:
        """The graph of tables validated in memory (no package, no manifest).

        Parameters
        ----------
        tables : Tables
            Validated tables (see :func:`innokg.graph.validate.validate_tables`).

        Returns
        -------
        EcosystemGraph
            A graph sharing the tables' DataFrames (they are not copied).

        Examples
        --------
        >>> from innokg.graph.testing import make_tables
        >>> tables = make_tables({"Region": [{"id": "region:4101", "name": "郑州市"}]})
        >>> EcosystemGraph.from_tables(tables)
        <EcosystemGraph: 1 nodes, 0 edges>
        """
        return cls(tables.nodes, tables.edges)

    def __repr__(self) -> str:
        n = sum(len(df) for df in self.nodes.values())
        m = sum(len(df) for df in self.edges.values())
        where = f" at {self.path}" if self.path else ""
        return f"<EcosystemGraph{where}: {n} nodes, {m} edges>"

    # --- lookups ------------------------------------------------------------------

    def counts(self) -> dict[str, dict[str, int]]:
        """How many nodes of each label and edges of each type the graph holds.

        Returns
        -------
        dict
            ``{"nodes": {label: n}, "edges": {type: n}}``, every label and type of
            the schema (0 where there are none).

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     nodes={"Enterprise": [{"id": "E1", "name": "宇通客车", "size": "large"},
        ...                           {"id": "E2", "name": "郑煤机"}],
        ...            "Region": [{"id": "region:4101", "name": "郑州市"}]},
        ...     edges={"LOCATED_IN": [("E1", "region:4101"), ("E2", "region:4101")],
        ...            "SUPPLIES": [("E2", "E1", {"product": "液压支架"}),
        ...                         ("E2", "E1", {"product": "钢材"})]},
        ... )
        >>> counts = G.counts()
        >>> counts["nodes"]["Enterprise"], counts["edges"]["SUPPLIES"], counts["nodes"]["Fund"]
        (2, 2, 0)
        """
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

        Parameters
        ----------
        node_id : str
            The node's id.

        Returns
        -------
        str
            Its label (``"Enterprise"``).

        Raises
        ------
        NodeNotFound
            When no node has that id.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(nodes={"Region": [{"id": "region:4101", "name": "郑州市"}]})
        >>> G.label_of("region:4101")
        'Region'
        >>> G.label_of("region:9999")
        Traceback (most recent call last):
        ...
        innokg.graph.errors.NodeNotFound: no node with id 'region:9999' in this graph; ...
        """
        pos = self.node_ids.get_indexer([node_id])[0]
        if pos < 0:
            raise NodeNotFound(node_id)
        return str(self.node_labels[pos])

    def node(self, node_id: str) -> dict[str, Any]:
        """One node's properties as a dict, with its ``label``.

        Parameters
        ----------
        node_id : str
            The node's id.

        Returns
        -------
        dict
            ``label`` first, then every property of the label in schema order;
            a missing value is None.

        Raises
        ------
        NodeNotFound
            When no node has that id.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     nodes={"Enterprise": [{"id": "E1", "name": "宇通客车", "size": "large"}]}
        ... )
        >>> node = G.node("E1")
        >>> node["label"], node["name"], node["size"], node["credit_code"]
        ('Enterprise', '宇通客车', 'large', None)
        """
        label = self.label_of(node_id)
        df = self.nodes[label]
        row = df[df["id"] == node_id].iloc[0]
        return {"label": label, **{k: (None if pd.isna(v) else v) for k, v in row.items()}}

    def edge_list(self, edge_types: list[str] | None = None) -> pd.DataFrame:
        """All edges of the given types (default: all) with a ``type`` column.

        Parameters
        ----------
        edge_types : list of str, optional
            The edge types to list; every type of the schema by default.

        Returns
        -------
        DataFrame
            ``from_id``, ``to_id`` and ``type``, one row per edge (parallel edges
            too), type by type in the order given.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     nodes={"Enterprise": [{"id": "E1", "name": "宇通客车", "size": "large"},
        ...                           {"id": "E2", "name": "郑煤机"}],
        ...            "Region": [{"id": "region:4101", "name": "郑州市"}]},
        ...     edges={"LOCATED_IN": [("E1", "region:4101"), ("E2", "region:4101")],
        ...            "SUPPLIES": [("E2", "E1", {"product": "液压支架"}),
        ...                         ("E2", "E1", {"product": "钢材"})]},
        ... )
        >>> G.edge_list()
          from_id        to_id        type
        0      E2           E1    SUPPLIES
        1      E2           E1    SUPPLIES
        2      E1  region:4101  LOCATED_IN
        3      E2  region:4101  LOCATED_IN
        >>> len(G.edge_list(["INVESTS_IN"]))
        0
        """
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

        Returns
        -------
        networkx.MultiDiGraph
            A new graph; changing it changes nothing in the tables.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     nodes={"Enterprise": [{"id": "E1", "name": "宇通客车", "size": "large"},
        ...                           {"id": "E2", "name": "郑煤机"}],
        ...            "Region": [{"id": "region:4101", "name": "郑州市"}]},
        ...     edges={"LOCATED_IN": [("E1", "region:4101"), ("E2", "region:4101")],
        ...            "SUPPLIES": [("E2", "E1", {"product": "液压支架"}),
        ...                         ("E2", "E1", {"product": "钢材"})]},
        ... )
        >>> H = G.to_networkx()
        >>> H.nodes["E1"]
        {'label': 'Enterprise', 'name': '宇通客车', 'source': 'test', 'size': 'large'}
        >>> sorted(H.edges(keys=True))
        [('E1', 'region:4101', 'LOCATED_IN'), ('E2', 'E1', 'SUPPLIES'), \
('E2', 'E1', 'SUPPLIES#2'), ('E2', 'region:4101', 'LOCATED_IN')]
        >>> H.edges["E2", "E1", "SUPPLIES#2"]["product"]
        '钢材'
        >>> list(G.to_networkx(nodes=["E1", "region:4101"]).edges(keys=True))
        [('E1', 'region:4101', 'LOCATED_IN')]
        >>> sorted(G.to_networkx(labels=["Enterprise"], edge_types=["SUPPLIES"]).nodes)
        ['E1', 'E2']
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
