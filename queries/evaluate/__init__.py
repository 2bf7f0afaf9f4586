"""How good are the candidate partnerships?  Held-out evaluation against baselines.

What a user sees is the top of *one* source's list (``innokg partners --for FIRM``), so
the headline measure is per-source ranking.  For each kind of partnership some linked
pairs are hidden, giving a training graph, and on that graph

- **per-source ranking**: for every source with hidden partners, *all* its candidate
  targets (every node of the target label, except itself and the partners it already
  has in the training graph) are ranked by each method; the other hidden partners of
  the source are left out of the competition (the "filtered" setting).  Ties are broken
  at random, and the metrics are their exact expectation: with ``g`` competitors above
  and ``e`` tied, the rank is uniform on ``g + 1 .. g + e + 1``.  Per source, the mean
  over its hidden partners of **hits@10** (the partner is among the first 10), the
  **reciprocal rank** and the **rank**; then the mean over sources (macro average:
  every source counts once, however many partners it lost).  See
  :func:`ranking_metrics`.
- **AUC**: hidden pairs against a seeded sample of pairs linked neither in the training
  nor in the full graph (``negatives`` per hidden pair): the probability that a hidden
  pair scores above a sampled one, ties counting half.
- **precision@k**: the share of the method's own top ``k`` unlinked pairs of the whole
  training graph that are hidden pairs.

Two splits: ``random`` hides a seeded ``fraction`` of the linked pairs (one split per
seed, ``seeds`` of them), and ``temporal`` hides the links formed in the last
``test_years`` years of the kind's links (edges with ``since``) and trains on the graph
as it was before: every edge of any type formed from then on is removed, and only
pairs of nodes that existed before are tested (:func:`temporal_split`).

Methods: ``innokg`` (typed meta-paths and complementarity; for enterprise–institute
also the place meta-paths and each side's partners of the kind,
:mod:`innokg.queries.partners`) and the baselines, computed the same way on the
untyped training graph (every edge type, undirected, simple):
``preferential_attachment`` (product of degrees), ``common_neighbours``,
``adamic_adar``, and ``same_city_random`` (a candidate in the source's city first, at
random among them; its ranking metrics are exact expectations).

A kind that cannot be evaluated (no linked pairs to hold out; no years on its links
for the temporal split) gets one line in :attr:`PartnerEvaluation.notes`, never a
metric computed on nothing.

Examples
--------
>>> from innokg.graph.ecosystem import EcosystemGraph
>>> G = EcosystemGraph.open("innokg-demo")  # doctest: +SKIP
>>> evaluate_partners(G, kinds=["enterprise-institute"]).summary  # doctest: +SKIP
"""

from innokg.queries.evaluate.baselines import BASELINES, METHODS
from innokg.queries.evaluate.metrics import auc, ranking_metrics
from innokg.queries.evaluate.partners import evaluate_partners
from innokg.queries.evaluate.result import PartnerEvaluation
from innokg.queries.evaluate.splits import SPLITS, hide_edges, temporal_split

__all__ = [
    "BASELINES",
    "METHODS",
    "SPLITS",
    "PartnerEvaluation",
    "auc",
    "evaluate_partners",
    "hide_edges",
    "ranking_metrics",
    "temporal_split",
]
