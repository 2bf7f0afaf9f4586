"""Candidate partnerships: ranked pairs that are not yet linked, each with its reasons.

A pair is scored by link prediction over the typed graph.  Each kind of partnership
(:data:`KINDS`) has a few meaningful *meta-paths*: typed walks from one side to the
other, such as enterprise -> (supplies) -> buyer <- (supplies) <- enterprise.  Along a
meta-path every intermediate node ``z`` contributes ``1 / log(deg z)`` (Adamic-Adar)
or ``1 / deg z`` (resource allocation), with ``deg z`` its distinct neighbours over
the path's two edge types around it, and the contributions multiply along the walk
and add over walks.  A kind's score adds its meta-paths, each times its weight, and
is then multiplied by its complementarity: ``1 + 0.5`` for each of *same city*,
*same supply cluster* (enterprise pairs) and *same chain, different position* (one
makes an input of what the other makes) or *a fund of the right kind* (fund pairs).
A tiny degree prior (1e-6 x log(1 + deg u) x log(1 + deg v) over the organisation
network) breaks ties between pairs no meta-path joins; such pairs are never listed
as candidates, as there is nothing to say about them.

Enterprise–institute pairs are scored as ``θ(u) θ(v) (paths + floor + prior) x
complementarity``.  Its *paths* include the circumstantial place evidence (an R&D
platform of the firm in the institute's city; a city specialised in the firm's
industry; the same city), since a firm and an institute of one city are the usual
partners and no walk through other firms says so.  ``θ(x) = 1 + log(1 + k)``, with
``k`` the partners of the kind each side already has (the institute's partner firms,
the firm's research partners): preferential attachment over the kind's own links, the
plainest sign that a side takes partners at all.  The *floor* (``1 / log hub_cap``,
the weight of the least telling intermediate a walk may pass) lets it order pairs
that no walk joins.  See :class:`~innokg.queries.metapaths.Capacity`.  On a graph that
records no collaboration at all (the real build) there is nothing to count: the place
meta-paths alone score the pairs, without ``θ`` or floor.

Every listed pair carries an explanation in Chinese and in English naming the
intermediate nodes of its strongest meta-paths (up to three of each) and its
complementarity, e.g. ``两家都为甲（E1）供货；同在郑州市。``

The scores are sparse matrix products, right to left: for each meta-path the product
of everything after its first step is computed once (``tail``), and each batch of
sources multiplies its rows of the first step by it.  Paths through an intermediate
node with more than ``hub_cap`` neighbours on the candidate side are skipped (a
product made by 10,000 firms says next to nothing about any one pair, and would make
the candidates quadratic).

Examples
--------
Two suppliers of the same buyer: one shared buyer of degree 2 gives 1 / log 2, and
the three firms form one supply cluster (factor 1.5), so s = 2.164; they are peers, not
supply partners (neither makes an input of the other's product), so the score ranked
is s / (1 + s), below every supply-complementary pair (1 and above):

>>> from innokg.graph.testing import make_graph
>>> G = make_graph(
...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"},
...                     {"id": "c", "name": "丙"}]},
...     {"SUPPLIES": [("a", "c"), ("b", "c")]},
... )
>>> row = candidate_partners(G, kinds=["enterprise-enterprise"]).iloc[0]
>>> row["source"], row["target"], round(float(row["score"]), 4)
('a', 'b', 0.6839)
>>> row["explanation"]
'同业（可能是竞争者）：适合组建产业联盟或联合研发，而非供需对接；两家都为丙供货；同属一个供应链集群。'
"""

from innokg.queries.arrays import ORG_EDGES, Scope, graph_scope
from innokg.queries.metapaths import Kind, MetaPath
from innokg.queries.partners.baselines import adamic_adar, adamic_adar_candidates
from innokg.queries.partners.candidates import candidate_partners
from innokg.queries.partners.kinds import KINDS
from innokg.queries.partners.scoring import BONUS as BONUS
from innokg.queries.partners.scoring import PRIOR as PRIOR
from innokg.queries.partners.scoring import path_scores, score_pairs
from innokg.queries.partners.stream import CHUNK_FIRMS, THREADS, iter_candidate_partners

__all__ = [
    "CHUNK_FIRMS",
    "KINDS",
    "ORG_EDGES",
    "THREADS",
    "Kind",
    "MetaPath",
    "Scope",
    "adamic_adar",
    "adamic_adar_candidates",
    "candidate_partners",
    "graph_scope",
    "iter_candidate_partners",
    "path_scores",
    "score_pairs",
]
