"""Indicators over a series of years: the one pass over since/until windows gives, year
by year, exactly what rebuilding the graph as of each year gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import GraphArrays, arrays
from innokg.queries.indicators import latest_year, policy_indicators, typical_cases
from innokg.queries.indicators.cases import _case_history
from innokg.queries.indicators.context import Context, _candidates
from innokg.queries.indicators.counts import _national_centres
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


def test_whether_a_node_has_a_neighbour_is_found_edge_by_edge() -> None:
    """has() reads the edges themselves, not the distinct pairs count() groups."""
    G = windows_graph()
    A = arrays(G)  # a, b, c, p, q at 0-4
    platforms, firms = A.mask("Platform"), A.mask("Enterprise")
    runs = ("ESTABLISHED", "OPERATES")

    def having(year: int | None, *args: object, **kwargs: object) -> list[int]:
        return np.flatnonzero(Context(A, year).has(*args, **kwargs)).tolist()  # type: ignore[arg-type]

    assert having(2017, runs, platforms) == [0]  # a-p; b-q and c-q: q not there yet
    assert having(2018, runs, platforms) == [0, 1]
    assert having(2018, runs, firms, reverse=True) == [3, 4]
    assert having(2021, ("ESTABLISHED^-1",), firms) == [4]
    assert having(None, "OPERATES", platforms) == [0, 1]
    assert having(2018, runs, platforms, among=np.array([False, True, True, True, True])) == [1]


@pytest.mark.parametrize("graph", ["demo", "windows"])
def test_has_equals_a_count_above_zero(graph: str, demo_graph: EcosystemGraph) -> None:
    G = demo_graph if graph == "demo" else windows_graph()
    A = arrays(G)
    last = latest_year(G)
    assert last is not None
    rng = np.random.default_rng(1)
    some = rng.random(A.n) < 0.5  # one mask for every year: the caches know it by identity
    for y in [None, *range(2014, last + 2)]:
        c = Context(A, y)
        for names in COUNTED:
            for target in (c.alive, rng.random(A.n) < 0.3):
                counts = c.count(names, target)
                assert np.array_equal(c.has(names, target), counts > 0)
                for among in (some, _candidates(A)):
                    got = c.count(names, target, among=among)
                    assert np.array_equal(got, np.where(among, counts, 0))
                    assert np.array_equal(c.has(names, target, among=among), among & (counts > 0))
                if not any(t.endswith("^-1") for t in names):
                    got = c.has(names, target, reverse=True)
                    assert np.array_equal(got, c.count(names, target, reverse=True) > 0)


def test_typical_cases_of_a_series_equal_each_year_chosen_anew(demo_graph: EcosystemGraph) -> None:
    """A year's history extends the year before's: the same cases as a history built
    from the first year on a fresh set of arrays."""
    last = latest_year(demo_graph)
    assert last is not None
    series = GraphArrays(demo_graph)
    grown = {y: _case_history(series, y, 10, 2017, None) for y in range(2015, last + 1)}
    for y in range(2015, last + 1):
        alone = _case_history(GraphArrays(demo_graph), y, 10, 2017, None)
        assert grown[y].keys() == alone.keys()
        for year, cases in alone.items():
            assert grown[y][year].tolist() == cases.tolist(), (y, year)
    assert sum(len(cases) for cases in grown[last].values()) > 0


def test_helpers_that_read_only_a_labels_rows_equal_reading_every_node(
    demo_graph: EcosystemGraph,
) -> None:
    A = GraphArrays(demo_graph)
    c = Context(A, None)
    pos = np.random.default_rng(2).permutation(A.n)[:500]
    assert A.names_at(pos).tolist() == A.names[pos].tolist()
    kinds = A.values("kind", dtype="object", fill="")
    for label, chosen in (("Platform", ("maker_space", "incubator")), ("Fund", ("maker_fund",))):
        plain = A.mask(label) & np.isin(kinds, chosen)
        assert np.array_equal(c.kind_in(label, chosen), plain) and plain.any()
    level = A.values("level", dtype="object", fill="")
    plain = c.kind_in("Platform", ("enterprise_tech_center",)) & (level == "national")
    assert np.array_equal(_national_centres(c), plain)
    size = A.values("size", dtype="object", fill="")
    industrial = A.values("industrial", dtype="float64", fill=np.nan)
    assert c.has_sizes == bool((A.mask("Enterprise") & (size != "") & ~(industrial == 0)).any())
    for etype in ("SUPPLIES", "LOCATED_IN"):
        kept, fresh = c.time.ends(etype), A.edges(etype)
        assert all(
            np.array_equal(k, f) and not k.flags.writeable for k, f in zip(kept, fresh, strict=True)
        )


def test_each_years_cases_are_new_whether_the_years_are_asked_in_turn_or_alone() -> None:
    def graph() -> EcosystemGraph:
        firms = [{"id": x, "name": x, "size": "large", "since": 2000} for x in "abc"]
        return make_graph(
            {"Enterprise": firms, "ResearchInstitute": [{"id": "r", "name": "院"}]},
            {
                "COLLABORATES_WITH": [
                    ("a", "r", {"since": 2016}),
                    ("b", "r", {"since": 2017}),
                    ("c", "r", {"since": 2018}),
                ]
            },
        )

    G = graph()
    in_turn = [
        typical_cases(G, year=y, k=1, first_year=2016)["id"].tolist() for y in (2016, 2017, 2018)
    ]
    assert in_turn == [["a"], ["b"], ["c"]]
    assert typical_cases(graph(), year=2018, k=1, first_year=2016)["id"].tolist() == ["c"]
