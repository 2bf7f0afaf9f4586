"""Collaboration gaps: who lacks what the policy asks for, and how badly.

One function per kind of gap, each returning a tidy table whose first columns are
shared by all kinds (so the tables stack into one, see :func:`collaboration_gaps`):

- ``gap`` (str): the kind of gap (a key of :data:`GAP_KINDS`).
- ``entity`` (str): what has the gap: a node id, ``cluster:3`` for a supply cluster,
  ``cluster:3|cluster:7`` for a pair of clusters.
- ``name`` (str): its name; ``label`` (str): its node label, or ``Cluster`` /
  ``ClusterPair``.
- ``missing`` (str), ``missing_zh`` (str): what is missing, in English and Chinese.
- ``severity`` (float): how bad the gap is; higher is worse, comparable within a kind
  (each function says what it measures).
- ``city`` (str): the entity's city where it has one (empty otherwise).
- ``detail`` (str), ``detail_zh`` (str): one sentence with the figures behind the row.
- ``measurable`` (bool): False on a note row saying that this kind of gap (or one
  part of it) cannot be measured on this graph, and why: ``entity`` is
  ``not_measurable:<topic>``, ``name`` 无法测算 (not measurable), ``missing`` the data
  it needs, ``severity`` NaN, ``detail`` the reason.  Note rows come first, so a
  table that cannot be measured never reads as "no gap".

What is measured on the data at hand, and what is not: a kind of gap whose evidence
is absent from the whole graph (no firm sizes, no alliances, no funds, no maker
teams, no firm-institute links) gives a note row instead of a zero or an empty
table.  On a *scoped* graph (a province with its chain neighbourhood, see
:func:`innokg.queries.clusters.scoped`) the gaps of organisations (single sources,
structural holes, brokers) are reported for the province's organisations only; the
networks they are measured on keep the neighbourhood.

The organisation network used for structural holes joins enterprises, research
institutes, alliances, funds, platforms and maker teams by SUPPLIES,
COLLABORATES_WITH, MEMBER_OF, INVESTS_IN, ESTABLISHED, OPERATES and HOSTS edges, as
a simple undirected graph (Burt's measures are computed by igraph on it; they equal
networkx's ``constraint`` and ``effective_size``).

The package keeps one module per kind of gap: ``research`` (no_research_partner),
``support`` (cluster_support), ``finance`` (team_no_finance), ``targets``
(below_target), ``sourcing`` (single_source), ``holes`` (structural_hole) and ``bridges``
(broker, unspanned_pair); ``constraint`` keeps Burt's constraint (computed by ``burt``)
for holes and brokers, ``table`` holds the shared columns and note rows, ``kinds`` the
table of kinds and :func:`collaboration_gaps`.  Import from ``innokg.queries.gaps`` itself.

Examples
--------
>>> from innokg.graph.testing import make_graph
>>> G = make_graph(
...     {"Enterprise": [{"id": "e1", "name": "甲", "size": "large", "employees": 999},
...                     {"id": "e2", "name": "乙", "size": "large"}],
...      "ResearchInstitute": [{"id": "r", "name": "郑州大学"}]},
...     {"COLLABORATES_WITH": [("e2", "r")]},
... )
>>> research_gaps(G)[["gap", "entity", "severity"]].to_dict("records")
[{'gap': 'no_research_partner', 'entity': 'e1', 'severity': 3.0}]

Without firm sizes the question cannot be asked, and the table says so:

>>> G = make_graph({"Enterprise": [{"id": "e1", "name": "甲"}]})
>>> research_gaps(G)[["entity", "measurable", "missing"]].to_dict("records")
[{'entity': 'not_measurable:size', 'measurable': False, 'missing': 'firm sizes (large / medium)'}]
"""

from __future__ import annotations

from innokg.queries.arrays import ORG_EDGES
from innokg.queries.gaps.bridges import MIN_RELATEDNESS, brokers, unspanned_cluster_pairs
from innokg.queries.gaps.constraint import keep_constraint
from innokg.queries.gaps.finance import finance_gaps
from innokg.queries.gaps.holes import MIN_CONTACTS, structural_holes
from innokg.queries.gaps.kinds import GAP_KINDS, collaboration_gaps
from innokg.queries.gaps.research import research_gaps
from innokg.queries.gaps.sourcing import single_source_gaps
from innokg.queries.gaps.support import cluster_support_gaps, specialisation_gaps
from innokg.queries.gaps.table import CORE_COLUMNS, NOT_MEASURABLE, ROWS
from innokg.queries.gaps.table import ClusterOptions as ClusterOptions
from innokg.queries.gaps.targets import target_gaps

__all__ = [
    "CORE_COLUMNS",
    "GAP_KINDS",
    "MIN_CONTACTS",
    "MIN_RELATEDNESS",
    "NOT_MEASURABLE",
    "ORG_EDGES",
    "ROWS",
    "brokers",
    "cluster_support_gaps",
    "collaboration_gaps",
    "finance_gaps",
    "keep_constraint",
    "research_gaps",
    "single_source_gaps",
    "specialisation_gaps",
    "structural_holes",
    "target_gaps",
    "unspanned_cluster_pairs",
]
# Names imported `as` themselves above are not in __all__ but stay importable from
# here, as they were before the module became a package.
