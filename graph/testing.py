"""Small graphs built in memory from plain Python, for examples and your own tests.

:func:`make_graph` turns a few dicts and tuples into an :class:`EcosystemGraph`, checked
against the schema exactly as a build checks its sources: an unknown label, a value
that is not allowed or an edge to a missing node raises
:class:`~innokg.graph.validate.TableValidationError` naming the table, row and column.
What a test does not care about is filled in: every row's ``source`` (``"test"``), every
edge's ``evidence`` (``"observed"``), and each label's required properties
(:data:`DEFAULTS`).

Examples
--------
>>> G = make_graph(
...     nodes={"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
...     edges={"SUPPLIES": [("a", "b", {"product": "钢材"})]},
... )
>>> G.counts()["edges"]["SUPPLIES"]
1
>>> G.edges["SUPPLIES"][["from_id", "to_id", "product", "evidence"]].values.tolist()
[['a', 'b', '钢材', 'observed']]
>>> make_graph(nodes={"Enterprise": [{"id": "a", "name": "甲", "size": "huge"}]})
Traceback (most recent call last):
...
innokg.graph.validate.TableValidationError: 1 problem(s) in the input; nothing was written.
nodes/Enterprise, row 1, column 'size': 'huge' is not allowed; use one of large, medium, ...
...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.validate import Tables, validate_tables

__all__ = ["DEFAULTS", "EdgeRows", "NodeRows", "make_graph", "make_tables"]

#: Rows of nodes by label: ``{"Enterprise": [{"id": "a", "name": "甲"}, ...]}``.
NodeRows: TypeAlias = Mapping[str, Sequence[Mapping[str, Any]]]
#: Edges by type, each ``(from_id, to_id)`` or ``(from_id, to_id, {property: value})``.
EdgeRows: TypeAlias = Mapping[str, Sequence[tuple[str, str] | tuple[str, str, Mapping[str, Any]]]]

#: Values given to the schema's required properties that a row leaves out (an
#: Industry's ``code`` is its id).  ``tests/test_schema.py`` checks that every required
#: property of every label is covered.
DEFAULTS: dict[str, dict[str, Any]] = {
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
    nodes: NodeRows,
    edges: EdgeRows | None = None,
    *,
    source: str = "test",
    evidence: str = "observed",
) -> Tables:
    """Validated tables from a few dicts and tuples; see :func:`make_graph`.

    Parameters
    ----------
    nodes, edges, source, evidence
        As for :func:`make_graph`.

    Returns
    -------
    Tables
        Every label and edge type of the schema, typed (empty where not given).

    Examples
    --------
    >>> t = make_tables({"Region": [{"id": "r1", "name": "郑州市", "code": "4101"}]})
    >>> t.nodes["Region"][["id", "level", "code"]].values.tolist()
    [['r1', 'city', '4101']]
    >>> len(make_tables({"Enterprise": []}, {"SUPPLIES": []}).edges["SUPPLIES"])
    0
    """
    raw_nodes = {}
    for label, rows in nodes.items():
        if not rows:  # an empty list is a table with no rows, as for a label not given
            continue
        filled = [{"source": source, **DEFAULTS.get(label, {}), **row} for row in rows]
        if label == "Industry":
            for row in filled:
                row.setdefault("code", row["id"])
        raw_nodes[label] = pd.DataFrame(filled)
    raw_edges = {}
    for etype, pairs in (edges or {}).items():
        if not pairs:
            continue
        records = []
        for edge in pairs:
            props = edge[2] if len(edge) > 2 else {}  # type: ignore[misc]
            records.append(
                {
                    "from_id": edge[0],
                    "to_id": edge[1],
                    "source": source,
                    "evidence": evidence,
                    **props,
                }
            )
        raw_edges[etype] = pd.DataFrame(records)
    return validate_tables(raw_nodes, raw_edges)


def make_graph(
    nodes: NodeRows,
    edges: EdgeRows | None = None,
    *,
    source: str = "test",
    evidence: str = "observed",
) -> EcosystemGraph:
    """A small :class:`EcosystemGraph` from plain Python, validated against the schema.

    Parameters
    ----------
    nodes : mapping of label to rows
        Each row a dict of properties, ``id`` and ``name`` at least; a required
        property left out takes its value from :data:`DEFAULTS`.
    edges : mapping of edge type to edges, optional
        Each edge ``(from_id, to_id)`` or ``(from_id, to_id, {property: value})``.
    source : str
        The ``source`` of every row that does not give its own.
    evidence : str
        The ``evidence`` of every edge that does not give its own (``observed``,
        ``inferred`` or ``synthetic``).

    Returns
    -------
    EcosystemGraph
        The graph, with every label and edge type of the schema (empty where not given).

    Raises
    ------
    TableValidationError
        Listing every problem, each with its table (``nodes/<Label>``,
        ``edges/<TYPE>``), row (1 for the first given) and column.

    Examples
    --------
    >>> G = make_graph(
    ...     nodes={
    ...         "Enterprise": [{"id": "E1", "name": "宇通客车", "size": "large"}],
    ...         "Region": [{"id": "region:4101", "name": "郑州市"}],
    ...     },
    ...     edges={"LOCATED_IN": [("E1", "region:4101")]},
    ... )
    >>> G
    <EcosystemGraph: 2 nodes, 1 edges>
    >>> G.edges["LOCATED_IN"].loc[0, "source"]
    'test'
    """
    return EcosystemGraph.from_tables(make_tables(nodes, edges, source=source, evidence=evidence))
