"""Small hand-made graphs for exact-answer tests: the public helpers of
:mod:`innokg.graph.testing`, under the name the tests have always imported.

>>> G = make_graph(
...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
...     {"SUPPLIES": [("a", "b", {"product": "钢材"})]},
... )
>>> G.counts()["edges"]["SUPPLIES"]
1
"""

from __future__ import annotations

from innokg.graph.testing import make_graph, make_tables

__all__ = ["make_graph", "make_tables"]
