"""The whole comparison of two graphs, as one object of tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.diff.cluster_changes import _clusters
from innokg.queries.diff.records import _diff_edges, _diff_nodes, _names, _summary
from innokg.queries.diff.themes import (
    _demonstrations,
    _indicators,
    _lost_suppliers,
    _new_alliances,
    _new_platforms,
    _single_sourced,
)
from innokg.queries.indicators import latest_year

__all__ = ["SECTIONS", "GraphDiff", "graph_diff"]

#: The tables of a :class:`GraphDiff`, in order: name -> (Chinese, English) title.
SECTIONS: dict[str, tuple[str, str]] = {
    "summary": ("变化概览", "Summary of changes"),
    "indicators": ("各市指标变化", "Indicators by city, then and now"),
    "platforms": ("新增双创平台", "New platforms"),
    "demonstrations": ("新认定示范平台与团队", "New demonstration platforms and teams"),
    "alliances": ("新增联盟", "New alliances"),
    "lost_suppliers": ("失去的供应商", "Lost suppliers"),
    "single_sourced": ("单一来源投入的变化", "Single-sourced inputs, new and resolved"),
    "clusters": ("产业链集群的变化", "Supply-chain clusters: continued, split, merged"),
    "nodes": ("节点变化明细", "Nodes added, removed and changed"),
    "edges": ("关系变化明细", "Edges added, removed and changed"),
}


_IGNORE = ("source",)


@dataclass
class GraphDiff:
    """What changed between two graphs; each table is described in :func:`graph_diff`."""

    summary: pd.DataFrame
    indicators: pd.DataFrame
    platforms: pd.DataFrame
    demonstrations: pd.DataFrame
    alliances: pd.DataFrame
    lost_suppliers: pd.DataFrame
    single_sourced: pd.DataFrame
    clusters: pd.DataFrame
    nodes: pd.DataFrame
    edges: pd.DataFrame
    old: dict[str, Any] = field(default_factory=dict)
    new: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, in the order of :data:`SECTIONS`.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> old = make_graph({"Platform": [{"id": "p1", "name": "甲平台"}]})
        >>> new = make_graph({"Platform": [{"id": "p1", "name": "甲平台", "demonstration": 2018},
        ...                                {"id": "p2", "name": "乙平台"}]})
        >>> d = graph_diff(old, new, indicators=False, clusters=False)
        >>> {name: len(table) for name, table in d.tables().items()}
        {'summary': 1, 'indicators': 0, 'platforms': 1, 'demonstrations': 1, 'alliances': 0, \
'lost_suppliers': 0, 'single_sourced': 0, 'clusters': 0, 'nodes': 2, 'edges': 0}
        """
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in SECTIONS}

    def counts(self) -> dict[str, int]:
        """Headline numbers: rows of each table, and nodes and edges added, removed,
        changed.

        Examples
        --------
        >>> from innokg.graph.testing import make_graph
        >>> old = make_graph({"Platform": [{"id": "p1", "name": "甲平台"}]})
        >>> new = make_graph({"Platform": [{"id": "p1", "name": "甲平台", "demonstration": 2018},
        ...                                {"id": "p2", "name": "乙平台"}]})
        >>> d = graph_diff(old, new, indicators=False, clusters=False)
        >>> {k: v for k, v in d.counts().items() if k.startswith("nodes_")}
        {'nodes_added': 1, 'nodes_removed': 0, 'nodes_changed': 1}
        >>> d.counts()["demonstrations"]
        1
        """
        out = {name: len(df) for name, df in self.tables().items()}
        for what, df in (("nodes", self.nodes), ("edges", self.edges)):
            for change in ("added", "removed", "changed"):
                out[f"{what}_{change}"] = int((df["change"] == change).sum())
        return out


def _about(G: EcosystemGraph, year: int | None) -> dict[str, Any]:
    m = G.manifest
    return {
        "package": str(G.path) if G.path else None,
        "title": m.get("title"),
        "built_at": m.get("built_at"),
        "synthetic": bool(m.get("synthetic", False)),
        "schema_version": m.get("schema_version"),
        "year": year,
    }


#: The columns of the indicators table when it was not asked for.
_NO_INDICATORS = ("by", "group", "indicator")


def _empty(*columns: str) -> pd.DataFrame:
    """A table of text ``columns`` and no rows: a section that was not asked for."""
    return pd.DataFrame(columns=list(columns)).astype("string")


def graph_diff(
    old: EcosystemGraph,
    new: EcosystemGraph,
    *,
    old_year: int | None = None,
    new_year: int | None = None,
    ignore: Sequence[str] = _IGNORE,
    indicators: bool = True,
    clusters: bool = True,
    seed: int = 2016,
    match: float = 0.3,
    min_size: int = 3,
) -> GraphDiff:
    """What changed from ``old`` to ``new``.

    Parameters
    ----------
    old, new : EcosystemGraph
        Two builds, e.g. last year's package and this year's.
    old_year, new_year : int, optional
        Ask the questions (indicators, supply links, clusters) of each graph as of this
        year; default each graph's latest year (:func:`~innokg.queries.indicators.latest_year`).
    ignore : sequence of str
        Properties whose differences do not make a node or edge *changed* (default
        ``source``: provenance, which names the file each build read).
    indicators, clusters : bool
        Compare the policy indicators (four evaluations) and the supply-chain clusters
        (two runs of Leiden); turn off for speed, the table is then empty.
    seed, min_size : int
        As for :func:`~innokg.queries.clusters.supply_clusters`, used on both graphs.
    match : float
        Least Jaccard overlap of members for an old and a new cluster to match.

    Returns
    -------
    GraphDiff
        Tables, each empty when nothing changed:

        - ``summary``: ``kind`` (node or edge), ``name`` (label or type), ``old``,
          ``new`` (rows in each build), ``added``, ``removed``, ``changed`` (int); only
          labels and types with any.
        - ``nodes``: ``change`` (added, changed, removed), ``label``, ``id``, ``name``
          (the new name, or the old for a removed node), ``changed`` (the properties
          that changed, comma-separated), ``fields`` (``property: old -> new``,
          ``(none)`` for missing, ``; ``-separated); by label in schema order, then
          change, then id.
        - ``edges``: ``change``, ``type``, ``from_id``, ``from_name``, ``to_id``,
          ``to_name``, ``key`` (the distinguishing property, see :data:`EDGE_KEYS`, or
          empty), ``changed``, ``fields``.
        - ``platforms``: new Platform nodes: ``id``, ``name``, ``city``, ``kind``,
          ``demonstration``, ``since``, ``run_by`` (who set it up or runs it).
        - ``alliances``: new Alliance nodes: ``id``, ``name``, ``city``, ``kind``,
          ``since``, ``members`` (int).
        - ``demonstrations``: platforms and maker teams with a ``demonstration`` year
          now and none before: ``label``, ``id``, ``name``, ``kind``, ``city``,
          ``demonstration`` (Int64), ``new_node`` (bool: not in the old graph at all).
        - ``lost_suppliers``: supply links (supplier, buyer, input) alive in the old
          graph and not in the new, where the buyer is still there: ``buyer``,
          ``buyer_name``, ``input``, ``supplier``, ``supplier_name``,
          ``supplier_gone`` (bool: the supplier is not in the new graph),
          ``suppliers_left`` (int: the buyer's suppliers of that input now); fewest
          left first.
        - ``single_sourced``: inputs single-sourced in one graph and not in the other,
          with the columns of :func:`~innokg.queries.clusters.single_sourced_inputs`
          (``buyer``, ``buyer_name``, ``input``, ``supplier``, ``supplier_name``,
          ``basis``), ``change`` -- ``new`` (single-sourced now, not before),
          ``resolved`` (the buyer has several suppliers of it now) or ``ended`` (the
          buyer has none, or is gone) -- and ``old_suppliers``, ``new_suppliers``
          (Int64: the buyer's observed suppliers of that input in each graph; NA for
          the ``products`` basis, which has no supply links to count); new ones
          first.
        - ``indicators``: one row per indicator and group (the province first, then
          each city) measurable in either graph: ``by``, ``group``, ``group_name``,
          ``article``, ``indicator``, ``indicator_zh``, ``indicator_en``, ``unit``,
          ``old_year``, ``new_year``, ``old_value``, ``new_value``, ``change``
          (float, new minus old), ``target`` (the new graph's), ``old_met``,
          ``new_met`` (boolean), ``status`` (``newly met``, ``no longer met``, ``still
          met``, ``still not met``, or empty without a target).
        - ``clusters``: one row per group of matched clusters (see the module's
          documentation): ``event`` (continued, split, merged, regrouped, new,
          dissolved), ``event_zh``, ``old_clusters``, ``new_clusters`` (ids,
          comma-separated), ``old_labels``, ``new_labels``, ``old_size``,
          ``new_size`` (members), ``shared`` (members in both), ``jaccard`` (the best
          match's overlap), ``old_leaders``, ``new_leaders`` (链主 names); changes
          first, continued clusters last.

        ``old`` and ``new`` describe the two graphs (package, title, build time,
        synthetic, schema version, the year the questions were asked as of).

    Raises
    ------
    QueryError
        For ``match`` outside (0, 1].

    Examples
    --------
    A year on: 宇通客车's technology centre became a demonstration platform, 中原内配
    set up a research institute, and its supply of cylinder liners is no longer
    recorded:

    >>> from innokg.graph.testing import make_graph
    >>> firms = [{"id": "e1", "name": "宇通客车"}, {"id": "e2", "name": "中原内配"}]
    >>> old = make_graph({"Enterprise": firms, "Platform": [{"id": "p1", "name": "客车技术中心"}]},
    ...                  {"OPERATES": [("e1", "p1")],
    ...                   "SUPPLIES": [("e2", "e1", {"product": "气缸套"})]})
    >>> new = make_graph(
    ...     {"Enterprise": firms,
    ...      "Platform": [{"id": "p1", "name": "客车技术中心", "demonstration": 2018},
    ...                   {"id": "p2", "name": "缸套研究院", "kind": "co_built_rnd"}]},
    ...     {"OPERATES": [("e1", "p1"), ("e2", "p2")]},
    ... )
    >>> d = graph_diff(old, new, indicators=False, clusters=False)
    >>> d.summary
       kind        name  old  new  added  removed  changed
    0  node  Enterprise    2    2      0        0        0
    1  node    Platform    1    2      1        0        1
    2  edge    SUPPLIES    1    0      0        1        0
    3  edge    OPERATES    1    2      1        0        0
    >>> d.platforms[["id", "name", "kind", "run_by"]].to_dict("records")
    [{'id': 'p2', 'name': '缸套研究院', 'kind': 'co_built_rnd', 'run_by': '中原内配'}]
    >>> d.demonstrations[["id", "name", "demonstration", "new_node"]].to_dict("records")
    [{'id': 'p1', 'name': '客车技术中心', 'demonstration': 2018, 'new_node': False}]
    >>> d.lost_suppliers[["buyer_name", "input", "supplier_name", "suppliers_left"]]
      buyer_name input supplier_name  suppliers_left
    0       宇通客车   气缸套          中原内配               0
    """
    if not 0 < match <= 1:
        raise QueryError(f"match must be above 0 and at most 1 (got {match})")
    y_old = old_year if old_year is not None else latest_year(old)
    y_new = new_year if new_year is not None else latest_year(new)
    ignore = tuple(ignore)
    nodes = _diff_nodes(old, new, ignore)
    edges = _diff_edges(old, new, ignore, _names(old), _names(new))
    return GraphDiff(
        summary=_summary(old, new, nodes, edges),
        indicators=_indicators(old, new, y_old, y_new) if indicators else _empty(*_NO_INDICATORS),
        platforms=_new_platforms(new, nodes),
        demonstrations=_demonstrations(old, new),
        alliances=_new_alliances(new, nodes),
        lost_suppliers=_lost_suppliers(old, new, y_old, y_new),
        single_sourced=_single_sourced(old, new, y_old, y_new),
        clusters=(
            _clusters(old, new, y_old, y_new, seed=seed, match=match, min_size=min_size)
            if clusters
            else _empty("event")
        ),
        nodes=nodes,
        edges=edges,
        old=_about(old, y_old),
        new=_about(new, y_new),
    )
