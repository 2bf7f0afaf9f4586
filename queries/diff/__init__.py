"""What changed between two builds of a graph: last year's package and this year's.

:func:`graph_diff` compares two graphs node by node and edge by edge and asks the policy's
questions of both, giving one table per kind of change (a :class:`GraphDiff`):

- ``summary``: per node label and edge type, how many there were and are, added,
  removed and changed;
- ``nodes`` and ``edges``: every node and edge added, removed or changed, with the
  properties that changed (``size: medium -> large``);
- ``platforms``, ``alliances``: the new ones, where they are and who runs them;
- ``demonstrations``: platforms and maker teams newly recognised as demonstration
  (示范) ones;
- ``lost_suppliers``: supply links that ended while the buyer is still there, with the
  suppliers of that input the buyer has left;
- ``single_sourced``: inputs that became single-sourced (and those that no longer are);
- ``indicators``: each policy indicator of each city (and the province) then and now,
  with the change and whether a target became met;
- ``clusters``: supply-chain clusters that continued, split, merged, appeared or
  dissolved.

Identity
    A node is the same node when its ``id`` is (ids are stable across builds); an edge
    is the same edge when its type, endpoints and its distinguishing property are (the
    ``product`` of SUPPLIES, the ``kind`` of COLLABORATES_WITH, the ``year`` of
    SPECIALISES_IN); parallel edges that agree on all of these pair off identical ones
    first, the rest in a fixed order.
    A node or edge is *changed* when a property other than ``source`` (provenance, which
    names the file and differs with every download) differs; numbers are compared to
    nine significant digits.  Only the properties both builds have are compared.

As of when
    The questions are asked of each graph as of its own latest year
    (:func:`~innokg.queries.indicators.latest_year`, as ``innokg indicators`` does):
    what had ended (``until``) by then does not count.  ``old_year`` / ``new_year``
    override it.  :func:`as_of` cuts one build back to an earlier year, which gives a
    year-on-year comparison from a single package.

Clusters across builds
    Clusters are found in each graph separately
    (:func:`~innokg.queries.clusters.supply_clusters`, same seed) and matched by the
    Jaccard overlap of their member enterprises: an old and a new cluster match when the
    members they share are at least ``match`` (0.3) of the members either has.  The
    matches form groups: one old and one new cluster
    ``continued``; one old and several new ``split``; several old and one new
    ``merged``; several of each ``regrouped``; an old cluster matching none
    ``dissolved``; a new one matching none is ``new``.

The package's modules: ``records`` (nodes and edges added, removed, changed),
``themes`` (the themed tables), ``cluster_changes`` (clusters matched across the two
graphs), ``compare`` (:func:`graph_diff`), ``since`` (:func:`since_section`) and
``years`` (:func:`as_of`).  Import from ``innokg.queries.diff`` itself.

Examples
--------
>>> from innokg.graph.testing import make_graph
>>> old = make_graph({"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
...                  {"SUPPLIES": [("a", "b", {"product": "钢材"})]})
>>> new = make_graph({"Enterprise": [{"id": "a", "name": "甲", "size": "large"},
...                                  {"id": "c", "name": "丙"}]})
>>> d = graph_diff(old, new, clusters=False)
>>> d.nodes[["change", "id", "fields"]].to_dict("records")
[{'change': 'added', 'id': 'c', 'fields': ''}, \
{'change': 'changed', 'id': 'a', 'fields': 'size: (none) -> large'}, \
{'change': 'removed', 'id': 'b', 'fields': ''}]
>>> d.edges[["change", "type", "from_name", "to_name", "key"]].to_dict("records")
[{'change': 'removed', 'type': 'SUPPLIES', 'from_name': '甲', 'to_name': '乙', 'key': '钢材'}]
"""

from __future__ import annotations

from innokg.queries.diff.cluster_changes import CLUSTER_EVENTS
from innokg.queries.diff.compare import SECTIONS, GraphDiff, graph_diff
from innokg.queries.diff.records import EDGE_KEYS
from innokg.queries.diff.since import Lang as Lang
from innokg.queries.diff.since import SinceSection, since_section
from innokg.queries.diff.years import as_of

__all__ = [
    "CLUSTER_EVENTS",
    "EDGE_KEYS",
    "SECTIONS",
    "GraphDiff",
    "SinceSection",
    "as_of",
    "graph_diff",
    "since_section",
]
# Names imported `as` themselves above are not in __all__ but stay importable from
# here, as they were before the module became a package.
