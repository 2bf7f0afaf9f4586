"""Indicators over a series of years: the one pass over since/until windows gives, year
by year, exactly what rebuilding the graph as of each year gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import arrays
from innokg.queries.indicators import latest_year, policy_indicators, typical_cases
from innokg.queries.indicators.context import Context
from tests.factory import make_graph


def windows_graph() -> EcosystemGraph:
    """Firms and platforms that come and go, linked by edges with their own windows.

    a, c: large, from 2010; b: medium, 2017-2019.  Platform p: 2016-2018; q: from 2018.
    a-p (no dates): 2016-2018; c-p until 2016: 2016 only; c-q 2017 only: never (q is
    not there yet); b-q: 2018-2019 (b's end); a-q twice, OPERATES from 2020 and
    ESTABLISHED from 2021: one platform, not two.
    """
    nodes = {
        "Enterprise": [
            {"id": "a", "name": "甲", "size": "large", "since": 2010},
            {"id": "b", "name": "乙", "size": "medium", "since": 2017, "until": 2019},
            {"id": "c", "name": "丙", "size": "large", "since": 2010},
        ],
        "Platform": [
            {"id": "p", "name": "众创空间", "kind": "maker_space", "since": 2016, "until": 2018},
            {"id": "q", "name": "孵化器", "kind": "incubator", "since": 2018},
        ],
    }
    edges = {
        "ESTABLISHED": [
            ("a", "p"),
            ("c", "p", {"until": 2016}),
            ("c", "q", {"since": 2017, "until": 2017}),
            ("a", "q", {"since": 2021}),
        ],
        "OPERATES": [("a", "q", {"since": 2020}), ("b", "q")],
    }
    return make_graph(nodes, edges)


def test_a_series_counts_each_year_what_existed_in_it() -> None:
    df = policy_indicators(
        windows_graph(), by="year", year=2021, start=2015, indicators=["platform_coverage"]
    )
    got = {int(r.group): (int(r.numerator), int(r.denominator)) for r in df.itertuples(index=False)}
    assert got == {
        2015: (0, 2),  # a and c; no platform yet
        2016: (2, 2),  # a-p and c-p
        2017: (1, 3),  # b arrives; c-p has ended, c-q links a platform not there yet
        2018: (2, 3),  # a-p, b-q
        2019: (1, 3),  # p has closed: b-q only
        2020: (1, 2),  # b has gone; a-q
        2021: (1, 2),  # a-q by two edges: still one firm
    }


def test_distinct_partners_are_counted_once_whatever_the_edges() -> None:
    G = windows_graph()
    scores = {
        y: dict(zip(t["id"], t["platforms"], strict=True))
        for y in (2016, 2018, 2021)
        if len(t := typical_cases(G, year=y, k=3, first_year=y))
    }
    assert scores == {2016: {"a": 1, "c": 1}, 2018: {"a": 1, "b": 1}, 2021: {"a": 1}}


def test_each_year_of_a_series_equals_that_years_own_table(demo_graph: EcosystemGraph) -> None:
    last = latest_year(demo_graph)
    assert last is not None
    series = policy_indicators(demo_graph, by="year", start=2016)
    assert sorted(series["group"].unique()) == [str(y) for y in range(2016, last + 1)]
    keys = ["indicator", "value", "numerator", "denominator", "target", "met", "note", "detail"]
    for y in range(2016, last + 1):
        alone = policy_indicators(demo_graph, year=y)
        part = series[series["group"] == str(y)]
        pd.testing.assert_frame_equal(
            part[keys].reset_index(drop=True), alone[keys].reset_index(drop=True)
        )


# Every set of edge types the indicators and the typical-case score count over.
COUNTED = [
    ("ESTABLISHED", "OPERATES"),
    ("OPERATES", "ESTABLISHED"),
    ("HOSTS", "ESTABLISHED"),
    ("SUPPLIES",),
    ("SUPPLIES^-1",),
    ("SUPPLIES", "SUPPLIES^-1"),
    ("COLLABORATES_WITH",),
    ("COLLABORATES_WITH^-1",),
    ("MEMBER_OF",),
    ("INVESTS_IN^-1",),
    ("ESTABLISHED", "INVESTS_IN^-1"),
    ("ESTABLISHED^-1",),
    ("ESTABLISHED",),
    ("HOSTS",),
    ("OPERATES",),
    ("LOCATED_IN^-1",),
    ("LEADS^-1",),
]


@pytest.mark.parametrize("graph", ["demo", "windows"])
def test_the_pass_over_windows_equals_rebuilding_each_year(
    graph: str, demo_graph: EcosystemGraph
) -> None:
    """Against the graph rebuilt as of each year (nodes alive, edges alive between
    them, one matrix per year): the same nodes, edges and neighbour counts, every year."""
    G = demo_graph if graph == "demo" else windows_graph()
    A = arrays(G)
    last = latest_year(G)
    assert last is not None
    rng = np.random.default_rng(0)
    checked = 0
    for y in range(2010, last + 2):
        c = Context(A, y)
        assert np.array_equal(c.alive, A.alive(y))
        for etype in ("ESTABLISHED", "OPERATES", "SUPPLIES", "MEMBER_OF", "INVESTS_IN"):
            for got, want in zip(c.edges(etype), A.edges(etype, year=y), strict=True):
                assert np.array_equal(got, want)
        for names in COUNTED:
            for target in (c.alive, rng.random(A.n) < 0.5, np.ones(A.n, dtype=bool)):
                want = (A.matrix(list(names), year=y) @ target.astype(float)).round()
                got = c.count(names, target)
                assert np.array_equal(got, want.astype(np.int64)), (y, names)
                checked += int(got.sum())
    assert checked > 0
