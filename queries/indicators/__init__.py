"""The seed policy's measures as indicators: value, target, gap, met — where measurable.

Each indicator belongs to a measure of the policy (a PolicyMeasure node, matched by
its ``indicator`` key); its article, title, target and deadline are read from that
node, never written here, and from nothing outside the graph.  Every build puts the
seed policy's measures in the package (the demo, ``innokg henan`` and ``innokg build``
alike); a graph with no PolicyMeasure node has no targets, and every row says so
(``note``).  A measure can carry several
indicators: the one whose key equals the measure's key is the headline indicator and
carries the target; the others (``co_built_rnd``, ``national_tech_centres``, ...) are
context without a target.

**Measurable or not.**  Every row says whether the graph holds the data the indicator
needs (``measurable``) and, in ``note``, why not or what to bear in mind.  It is decided
from the data present, never from which builder made the graph: the shares of
大中型工业企业 need firm sizes; the demonstration counts need platforms or teams with a
``demonstration`` year; and so on (see :data:`INDICATORS`).  A row that is not
measurable has no value, target, gap or ``met`` (all NA), never a zero.

Most indicators of the seed are about 大中型工业企业, the policy's subject: enterprises
whose size is ``large`` or ``medium`` and whose ``industrial`` flag is not false ("L&M
firms" below).  Five more count what public lists give for every city, with no target
(the policy sets none): national enterprise technology centres and the firms that run
them (article 6), universities (article 6's research partners), listed firms placed in
the province, and the cities' industry specialisations (location quotient above 1).

"As of" a year counts only what existed then: nodes and edges whose ``since`` is not
later and whose ``until`` is not earlier, platforms and teams whose ``demonstration``
year is not later, people whose ``recognised`` year is not later.

Breakdowns by city and industry place every unit by :mod:`innokg.queries.arrays` (a firm's
county's city; a team by its host; a person by what they lead); by industry, a firm's
GB/T 4754 division when the graph has them (the most confident one).  The seed's count
targets are province-wide; a city's or industry's share of one is allocated in whole
numbers, pro rata to its share of the province's L&M firms by largest remainder
(``target_basis = "pro_rata"``).  Share targets apply as they are (``"seed"``).

The package's modules, by concern: :mod:`.context` (what existed in a year, read once
for a whole series of years), :mod:`.counts` (what each indicator counts),
:mod:`.notes` (what a row says, in English and Chinese), :mod:`.catalogue` (the
indicators), :mod:`.table` (the table by province, city, industry or year) and
:mod:`.cases` (typical cases).

Examples
--------
>>> import pandas as pd
>>> from innokg.graph.testing import make_graph
>>> G = make_graph(
...     {"Enterprise": [{"id": "e1", "name": "甲", "size": "large"},
...                     {"id": "e2", "name": "乙", "size": "medium"}],
...      "Platform": [{"id": "p1", "name": "平台", "kind": "maker_space"}],
...      "PolicyMeasure": [{"id": "m3a", "name": "普及率", "article": 3,
...                         "indicator": "platform_coverage", "target": 0.8,
...                         "target_unit": "share", "deadline": 2018}]},
...     {"ESTABLISHED": [("e1", "p1")]},
... )
>>> row = policy_indicators(G, indicators=["platform_coverage"]).iloc[0]
>>> float(row["value"]), float(row["target"]), float(row["gap"]), bool(row["met"])
(0.5, 0.8, 0.30000000000000004, False)

Without firm sizes the share cannot be measured, and the row says so:

>>> G = make_graph({"Enterprise": [{"id": "e1", "name": "甲"}]})
>>> row = policy_indicators(G, indicators=["platform_coverage"]).iloc[0]
>>> bool(row["measurable"]), pd.isna(row["value"]), pd.isna(row["met"])
(False, True, True)
>>> print(row["note"].split(" (")[0].split(";")[0])
no firm sizes in the data: which enterprises are large or medium is unknown
"""

from innokg.queries.indicators.cases import SCORE_WEIGHTS, typical_cases
from innokg.queries.indicators.catalogue import BREADTH_KINDS, INDICATORS, Indicator
from innokg.queries.indicators.table import latest_year, policy_indicators, policy_measures

__all__ = [
    "BREADTH_KINDS",
    "INDICATORS",
    "SCORE_WEIGHTS",
    "Indicator",
    "latest_year",
    "policy_indicators",
    "policy_measures",
    "typical_cases",
]
