"""What the brief asks once and shares: its partnership lists (candidate_partners's best
pairs over every source, found by scoring only the sources whose bound can reach the
list), the single-sourced inputs and the buyers' clusters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from innokg.brief import build_brief, pairs
from innokg.brief.names import Names
from innokg.brief.pairs import _bounds, _in_own_city, best_pairs
from innokg.brief.recommend import _sourced_inputs
from innokg.brief.scope import Scope
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import arrays
from innokg.queries.clusters import cluster_labels, cluster_members, single_sourced_inputs
from innokg.queries.gaps import collaboration_gaps
from innokg.queries.indicators import latest_year
from innokg.queries.metapaths import Opts
from innokg.queries.partners import KINDS, candidate_partners
from innokg.queries.partners.scoring import _effective
from tests.factory import make_graph

PARTNERSHIPS = [key for key, kind in KINDS.items() if kind.partnership]


def _supply_graph() -> EcosystemGraph:
    """Two buyers: x, supplied by a and b (a pair through a buyer of degree 2, the best
    pair), and y, supplied by c, d, e and f (six pairs through a buyer of degree 4)."""
    firms = [{"id": i, "name": i.upper()} for i in "abcdefxy"]
    supplies = [("a", "x"), ("b", "x"), ("c", "y"), ("d", "y"), ("e", "y"), ("f", "y")]
    return make_graph({"Enterprise": firms}, {"SUPPLIES": supplies})


@pytest.mark.parametrize("k", [1, 2, 3, 4, 7, 10])
def test_the_best_pairs_of_a_few_sources_are_those_of_every_source(k: int) -> None:
    G = _supply_graph()
    got = best_pairs(G, "enterprise-enterprise", k=k, chunk=1)
    expected = candidate_partners(G, kinds=["enterprise-enterprise"], k=k)
    pd.testing.assert_frame_equal(got, expected)
    # the pairs of y's suppliers tie: the first sources first, each pair listed once
    if k == 4:
        assert list(zip(got["source"], got["target"], strict=True)) == [
            ("a", "b"),
            ("c", "d"),
            ("c", "e"),
            ("c", "f"),
        ]


def test_sources_that_cannot_reach_the_list_are_not_scored() -> None:
    G = _supply_graph()
    got = best_pairs(G, "enterprise-enterprise", k=1, chunk=1)
    assert got[["source", "target"]].to_dict("records") == [{"source": "a", "target": "b"}]
    # a, then b and c: the bound of the rest (one buyer of degree 4: 1.08) is below the
    # best score (2.16); d, e, f and the buyers x and y are never scored
    assert (got.attrs["sources_scored"], got.attrs["sources"]) == (3, 8)


def test_a_kind_with_no_pair_gets_candidate_partners_note() -> None:
    G = _supply_graph()
    for key in ("fund-team", "enterprise-institute"):
        pd.testing.assert_frame_equal(
            best_pairs(G, key, k=5), candidate_partners(G, kinds=[key], k=5)
        )


def test_a_chunk_of_no_source_is_an_error() -> None:
    with pytest.raises(QueryError, match="chunk"):
        best_pairs(_supply_graph(), "enterprise-enterprise", k=1, chunk=0)


@pytest.mark.parametrize("block", [1, 7, 10_000])
def test_the_own_city_bound_read_block_by_block_is_the_plain_one(monkeypatch, block) -> None:
    """For every u: the sum over z of first[u, z] times the largest tail[z, v] w(v)
    among the v in u's city; read a few rows at a time, the same to the last bit."""
    monkeypatch.setattr(pairs, "_BLOCK", block)
    rng = np.random.default_rng(5)
    n = 60
    city = rng.integers(-1, 4, n)  # -1: the city is not known
    weight = rng.random(n)
    first = sp.random_array((n, n), density=0.08, format="csr", rng=rng)
    tail = sp.random_array((n, n), density=0.15, format="csr", rng=rng)
    tail.sum_duplicates()
    f, t = first.toarray(), tail.toarray()
    plain = np.zeros(n)
    for u in range(n):
        if city[u] < 0:
            continue
        same = (city == city[u]) & (t > 0)  # entries of every z to u's city
        best = np.where(same, t * weight, 0.0).max(axis=1)
        plain[u] = sum(f[u, z] * best[z] for z in np.flatnonzero(f[u]))
    found = _in_own_city(first, tail, weight, city)
    assert (found > 0).sum() > 10
    assert np.allclose(found, plain, rtol=1e-12, atol=0)
    monkeypatch.setattr(pairs, "_BLOCK", 10**9)  # one block: the whole matrices at once
    assert np.array_equal(_in_own_city(first, tail, weight, city), found)


@pytest.mark.parametrize("key", PARTNERSHIPS)
def test_no_source_scores_above_its_bound(demo_graph: EcosystemGraph, key: str) -> None:
    year = latest_year(demo_graph)
    A = arrays(demo_graph)
    kind = _effective(A, KINDS[key], year)
    allowed = A.mask(kind.target) & A.alive(year)
    bound = _bounds(A, demo_graph, kind, Opts(year), allowed)
    best = candidate_partners(demo_graph, kinds=[key], per_source=1, year=year, notes=False)
    assert len(best)
    src = A.index(best["source"].to_numpy())
    assert (bound[src] >= best["score"].to_numpy() - 1e-6).all()


@pytest.mark.parametrize("key", PARTNERSHIPS)
@pytest.mark.parametrize(
    "ask",
    [{"k": 5}, {"k": 5, "city": "Zhengzhou"}, {"k": 200, "sizes": ("large", "medium")}],
)
def test_the_brief_lists_the_pairs_of_every_source(
    demo_graph: EcosystemGraph, key: str, ask: dict[str, object]
) -> None:
    year = latest_year(demo_graph)
    got = best_pairs(demo_graph, key, year=year, **ask)  # type: ignore[arg-type]
    expected = candidate_partners(demo_graph, kinds=[key], year=year, **ask)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(got, expected)
    if key != "fund-team" and "city" not in ask and ask["k"] == 5:
        assert got.attrs["sources_scored"] < got.attrs["sources"]


def test_the_brief_shows_the_firms_candidate_partners_ranks_first(
    demo_graph: EcosystemGraph,
) -> None:
    brief = build_brief(demo_graph, lang="en")
    every = candidate_partners(demo_graph, k=5, year=latest_year(demo_graph))
    names = Names(demo_graph, "en")
    for key in PARTNERSHIPS:
        table = next(t for t in brief.tables if t.key == f"partners_{key}"[:31])
        ranked = every[(every["kind"] == key) & (every["rank"] >= 1)]
        assert len(ranked) == 5
        expected = [
            [
                str(r.rank),
                names(r.source_name, r.source),
                names(r.target_name, r.target),
                f"{float(r.score):.2f}",
            ]
            for r in ranked.itertuples(index=False)
        ]
        assert table.df[["Rank", "Proposer", "Partner", "Score"]].values.tolist() == expected


def test_the_supply_rule_reads_the_inputs_single_sourced_inputs_lists(
    demo_graph: EcosystemGraph,
) -> None:
    year = latest_year(demo_graph)
    s = Scope(demo_graph, "en", None, None, None, year, 5)
    gaps = s.gaps("single_source")
    buyers = set(gaps.loc[gaps["measurable"], "entity"].astype(str))
    assert buyers
    got = _sourced_inputs(s, buyers)
    every = single_sourced_inputs(demo_graph, year=year)
    expected = every[every["buyer"].isin(buyers)].reset_index(drop=True)
    columns = ["buyer", "buyer_name", "input", "supplier", "supplier_name"]
    assert got[columns].astype(str).values.tolist() == expected[columns].astype(str).values.tolist()
    # and the gap table is collaboration_gaps's
    pd.testing.assert_frame_equal(
        gaps, collaboration_gaps(demo_graph, kinds=["single_source"], year=year)
    )


def test_a_buyers_cluster_is_the_one_cluster_members_gives(demo_graph: EcosystemGraph) -> None:
    year = latest_year(demo_graph)
    members = cluster_members(demo_graph, year=year)
    labels = cluster_labels(demo_graph, year=year)
    A = arrays(demo_graph)
    placed = labels >= 0
    assert dict(zip(members["id"].astype(str), members["cluster"], strict=True)) == dict(
        zip(A.ids[placed].astype(str), labels[placed], strict=True)
    )


def test_each_kinds_searches_run_one_after_another(demo_graph: EcosystemGraph, monkeypatch) -> None:
    # at national scale a kind's meta-path products and bounds are what a search costs,
    # and they are forgotten between sections: a recommendation's search of a kind runs
    # the partnership section's search of that kind beside it
    from innokg.brief import scope

    searches: list[tuple[object, ...]] = []

    def recorded(G: EcosystemGraph, kind: str, **ask: object) -> pd.DataFrame:
        searches.append((kind, ask["k"], ask.get("city"), ask.get("sizes")))
        return best_pairs(G, kind, **ask)  # type: ignore[arg-type]

    monkeypatch.setattr(scope, "best_pairs", recorded)
    build_brief(demo_graph)
    assert len(searches) == len(set(searches))  # none twice
    kinds = [s[0] for s in searches]
    assert kinds.count("enterprise-institute") == 2  # the research recommendation's too
    for kind in set(kinds):
        at = [i for i, k in enumerate(kinds) if k == kind]
        assert at == list(range(at[0], at[0] + len(at))), (kind, kinds)
    partnership = [k for k, v in KINDS.items() if v.partnership]
    assert set(kinds) == set(partnership)


def test_the_below_target_gaps_are_computed_while_the_indicators_are_shared(
    demo_graph: EcosystemGraph, monkeypatch
) -> None:
    from innokg.brief import scope

    shared: dict[str, bool] = {}
    real = scope.Scope.gaps

    def recorded(self: Scope, kind: str, **options: object) -> pd.DataFrame:
        shared.setdefault(kind, self._indicators_kept)  # when first asked for
        return real(self, kind, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(scope.Scope, "gaps", recorded)
    brief = build_brief(demo_graph)
    assert shared["below_target"] and not shared["structural_hole"]
    gaps = next(s for s in brief.sections if s.key == "gaps")
    assert any(t.key == "gap_below_target" and t.total for t in gaps.tables)
