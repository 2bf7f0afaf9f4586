"""Do the supply-chain clusters agree with evidence they were not built from?

Clusters are found from supply links alone (SUPPLIES, and PRODUCES / UPSTREAM_OF
through products; :mod:`innokg.queries.clusters`).  Two kinds of evidence play no part
in finding them, so they can check them:

- **Industries** (Shenwan 2021 on the chain data of listed companies): the normalised
  mutual information (NMI) between a member's cluster and its industry, at every level
  of the classification, and the adjusted Rand index (ARI).  NMI is 1 when the clusters
  are the industries and 0 when knowing one tells nothing of the other; it is
  normalised by the arithmetic mean of the two entropies,
  ``NMI = 2 I(C; K) / (H(C) + H(K))`` (:func:`normalized_mutual_information`).  ARI is
  the share of agreeing pairs corrected for chance: 0 for a random grouping, 1 for the
  same partition (:func:`adjusted_rand_index`).
- **Location quotients** (SPECIALISES_IN, Region -> Industry with ``quotient``): each
  cluster's top industry is the most common among its members in the classification
  the quotients use (GB/T 4754 divisions on the real build; ties go to the lower
  code).  The check is the share of the cluster's members located in a city with
  quotients that are in a city where that industry's quotient is above 1 (an edge
  without a quotient counts as above 1: the edge itself says so; each city's latest
  year).  Members in no city with quotients (firms of other provinces on a province's
  graph) are left out, and the tables say how many remain.

Both are compared with **random clusters**: the members' cluster labels shuffled among
them (cluster sizes kept) ``permutations`` times, each shuffle scored the same way
(a random cluster's top industry is recomputed from its random members).  NMI is above 0
for random groups when groups are small and classes many, so only the distance to this
baseline says something.  ``p_value`` is the share of shuffles scoring at least as high,
``(1 + count) / (1 + permutations)``.

Where the graph lacks the evidence (no Shenwan industries, no quotients, no member in a
city with quotients) the result has no row for it and one line in
:attr:`ClusterAgreement.notes` saying what is missing, never a 0.

The package's modules: ``scores`` (NMI and ARI), ``evidence`` (the industry and
location-quotient comparisons with their random baselines) and ``report``
(:func:`cluster_agreement`, :class:`ClusterAgreement`, :func:`agreement_markdown`).
Import from ``innokg.queries.agreement`` itself.

Examples
--------
>>> normalized_mutual_information([0, 0, 1, 1], [5, 5, 7, 7])
1.0
>>> normalized_mutual_information([0, 0, 1, 1], [0, 1, 0, 1])
0.0
>>> round(adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]), 6)
0.242424
"""

from __future__ import annotations

from innokg.queries.agreement.evidence import SHENWAN as SHENWAN
from innokg.queries.agreement.report import MARKDOWN_CLUSTERS as MARKDOWN_CLUSTERS
from innokg.queries.agreement.report import ClusterAgreement, agreement_markdown, cluster_agreement
from innokg.queries.agreement.scores import adjusted_rand_index, normalized_mutual_information

__all__ = [
    "ClusterAgreement",
    "adjusted_rand_index",
    "agreement_markdown",
    "cluster_agreement",
    "normalized_mutual_information",
]
# Names imported `as` themselves above are not in __all__ but stay importable from
# here, as they were before the module became a package.
