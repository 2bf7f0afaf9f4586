"""Supply-chain clusters: communities of the supply network, each profiled.

The network joins enterprises by their SUPPLIES edges (weight: the edge's ``weight``,
else its ``share``, else 1).  Where firms' links are known only through what they
make, the PRODUCES and UPSTREAM_OF edges join them through the product nodes
(firm -> product -> product it is an input of <- firm); these inferred links are
weighted lower (``inferred_weight``) and reported as such (``inferred_share``, the
``product_linked`` role).  They are kept as paths through the product nodes rather
than expanded into firm pairs, which would be quadratic in the number of makers of a
product.  SUPPLIES edges whose evidence is ``inferred`` are weighted lower too.

Communities are found with igraph's Leiden algorithm optimising modularity, seeded
through a private random generator (the same graph and seed give the same clusters).
Cluster ids are 1, 2, ... by decreasing size; given the members of an earlier result
(``previous``), each new cluster takes the id of the old cluster it overlaps most
(Jaccard at least ``match``), so ids survive small rebuilds.

The package's modules: ``network`` (the supply network and its Leiden run),
``detection`` (the clusters and their ids), ``split`` (communities that are two chains),
``industries`` (main industries and the main chain), ``leaders`` (members' standing, the
链主 and roles), ``profile`` (places, labels, top industries and products, linked
support), ``scope`` (the province of a scoped graph), ``sourcing`` (single-sourced
inputs) and ``tables`` (:func:`supply_clusters` and :func:`cluster_members`).  Import
from ``innokg.queries.clusters`` itself.

Two chains joined by one link
-----------------------------
Modularity's resolution limit merges two small groups joined by one link in a large
network, whatever they make.  So each Leiden community is cut at a link when: the link
is a bridge of the community's network (without it the community falls in two); each
side holds at least ``min_size`` firms; the sides have no industry in common
(:func:`preferred_industry`); and each side has a 链主 of its own by the rule below,
drawing on at least ``SPLIT_SUPPLIERS`` (3) of its side's members.  Parts are cut again
while they qualify.  Bridges, sides of different industries and small heads are each
common inside one chain (supply chains are often trees, and a chain joins industries);
together they mark two chains.  ``split=False`` keeps Leiden's communities.

Main industries
---------------
A cluster's main industries hold at least two members and ``MAIN_SHARE`` (a fifth) of
them.  A cluster with none, where some industry holds two members, is mixed: it has no
main chain and no 链主, and its label says ``混合：A + B 等n个行业``.  Otherwise a 链主
must be on the main chain: its industry is a main one, or it buys inside the cluster
(SUPPLIES, or an input of its products) from a member whose industry is.

Examples
--------
Two triangles of suppliers joined by one edge split into two clusters:

>>> from innokg.graph.testing import make_graph
>>> firms = [{"id": f"e{i}", "name": f"企业{i}"} for i in range(6)]
>>> links = [("e0", "e1"), ("e1", "e2"), ("e0", "e2"), ("e3", "e4"), ("e4", "e5"),
...          ("e3", "e5"), ("e2", "e3")]
>>> G = make_graph({"Enterprise": firms}, {"SUPPLIES": links})
>>> supply_clusters(G)[["cluster", "size", "leader", "key_suppliers"]].to_dict("records")
[{'cluster': 1, 'size': 3, 'leader': 'e2', 'key_suppliers': '企业0; 企业1'}, \
{'cluster': 2, 'size': 3, 'leader': 'e5', 'key_suppliers': '企业3; 企业4'}]

The chain leader (链主)
-----------------------
In Chinese industrial policy the 链主 is the lead *downstream* maker that organises a
chain -- the final-product maker buying from many suppliers (宇通客车 for buses, 郑煤机
for mining machinery, 双汇 for meat) -- never a mere supplier; the suppliers that matter
most are a separate column (``key_suppliers``, role 核心供应商).  Per member, inside its
cluster:

- ``purchases``: its suppliers among the members.  Each direct supplier counts its
  link's weight (1 observed, ``inferred_weight`` for an inferred SUPPLIES edge); for a
  firm in the cluster through products, each (input, member making it) counts
  ``inferred_weight``; each tier-2 supplier (two supply steps upstream, not also
  direct) counts ``TIER2_WEIGHT`` (0.5) times its paths' weight (at most 1).  Suppliers
  are counted, not their volumes: a 链主 draws on *many* suppliers.
- ``downstream`` (0 to 1): the mean of the signals known for it -- its buying share
  (what it buys over what it buys and sells inside, same counting) and its products'
  position in the product graph (final: has inputs and is the input of nothing = 1,
  intermediate 0.5, raw 0; see :func:`_product_position`).
- ``size_score`` (0 to 1): the size class (large 1, medium 2/3, small 1/3, micro 0);
  without one, the class its employees (20/300/1000) or revenue (300/2000/40000 万元)
  would give under the national thresholds for industry; at least 0.5 for being listed
  plus 0.5 for running a national enterprise technology centre, the proxies the real
  data has (it records no size).

``leader_score = purchases * downstream * (1 + size_score)``: zero for a firm that buys
nothing; a final maker gets its full purchases, a firm that buys as much as it sells
half; size can double it, so between equal buyers the larger leads.  Only buyers on
the cluster's main chain are ranked (see "Main industries" above).  The 链主 is chosen
by, in order: being a downstream buyer (buys something and ``downstream`` above
``DOWNSTREAM_MIN``, 0.5: more buyer than seller) -- this is what qualifies; buying at
all (a pure supplier never leads while any member buys); on a scoped graph, being in
the province (a Henan cluster's 链主 is a Henan firm when one qualifies;
``leader_in_province`` says when it is not); then ``leader_score``, size, revenue,
employees, position.  A cluster whose members buy nothing from each other (linked only
through shared products, as on parts of the real chain data) has no 链主: the leader
columns are empty and ``leader_basis`` says why.  Everything is computed with array
operations over the edge
lists (product links are counted per cluster and product, never expanded into pairs).
"""

from __future__ import annotations

from innokg.queries.clusters.detection import cluster_labels, no_clusters_reason
from innokg.queries.clusters.industries import MAIN_SHARE
from innokg.queries.clusters.kept_labels import kept_cluster_labels
from innokg.queries.clusters.leaders import BRIDGE_LINKS as BRIDGE_LINKS
from innokg.queries.clusters.leaders import DOWNSTREAM_MIN as DOWNSTREAM_MIN
from innokg.queries.clusters.leaders import KEY_SUPPLIERS as KEY_SUPPLIERS
from innokg.queries.clusters.leaders import ROLES
from innokg.queries.clusters.leaders import SIZE_CLASS as SIZE_CLASS
from innokg.queries.clusters.leaders import TIER2_WEIGHT as TIER2_WEIGHT
from innokg.queries.clusters.network import Inferred as Inferred
from innokg.queries.clusters.profile import LABEL_CITY_SHARE
from innokg.queries.clusters.scope import (
    placed,
    preferred_industry,
    province_members,
    province_name,
    scoped,
)
from innokg.queries.clusters.sourcing import single_sourced_inputs
from innokg.queries.clusters.split import SPLIT_SUPPLIERS
from innokg.queries.clusters.tables import cluster_members, supply_clusters

__all__ = [
    "LABEL_CITY_SHARE",
    "MAIN_SHARE",
    "ROLES",
    "SPLIT_SUPPLIERS",
    "cluster_labels",
    "cluster_members",
    "kept_cluster_labels",
    "no_clusters_reason",
    "placed",
    "preferred_industry",
    "province_members",
    "province_name",
    "scoped",
    "single_sourced_inputs",
    "supply_clusters",
]
# Names imported `as` themselves above are not in __all__ but stay importable from
# here, as they were before the module became a package.
