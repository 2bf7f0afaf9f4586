"""The demo generator: deterministic, every label and type, the shapes the policy describes."""

from __future__ import annotations

import pandas as pd
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from innokg.graph.validate import validate_tables
from innokg.loaders.synthetic import CITY_PROFILES, generate


@pytest.fixture(scope="module")
def demo() -> EcosystemGraph:
    return EcosystemGraph.from_tables(validate_tables(*generate(2000, seed=2016)))


def test_same_seed_same_graph_other_seed_other_graph() -> None:
    a = validate_tables(*generate(1500, seed=7))
    b = validate_tables(*generate(1500, seed=7))
    c = validate_tables(*generate(1500, seed=8))
    for label in NODE_LABELS:
        pd.testing.assert_frame_equal(a.nodes[label], b.nodes[label])
    for etype in EDGE_TYPES:
        pd.testing.assert_frame_equal(a.edges[etype], b.edges[etype])
    assert not a.edges["SUPPLIES"].equals(c.edges["SUPPLIES"])


def test_every_label_and_edge_type_is_populated(demo: EcosystemGraph) -> None:
    counts = demo.counts()
    assert [k for k, v in counts["nodes"].items() if v == 0] == []
    assert [k for k, v in counts["edges"].items() if v == 0] == []
    total = sum(counts["nodes"].values())
    assert 1800 <= total <= 2300  # "about scale" nodes


def test_everything_is_marked_synthetic(demo: EcosystemGraph) -> None:
    for label, df in demo.nodes.items():
        assert (df["source"] == "synthetic").all(), label
    for etype, df in demo.edges.items():
        assert (df["evidence"] == "synthetic").all(), etype
    invented = [
        "Enterprise",
        "ResearchInstitute",
        "Alliance",
        "Fund",
        "MakerTeam",
        "Platform",
        "Zone",
        "Person",
    ]
    for label in invented:
        assert demo.nodes[label]["name"].str.contains("示例").all(), label
        assert demo.nodes[label]["name_en"].str.startswith("Demo ").all(), label
    assert demo.nodes["Enterprise"]["credit_code"].isna().all()  # no code of a real firm


def test_real_geography(demo: EcosystemGraph) -> None:
    regions = demo.nodes["Region"]
    cities = regions[regions["level"] == "city"]
    assert len(cities) == 18  # 17 prefecture-level cities and Jiyuan
    assert set(cities["code"]) == set(CITY_PROFILES)
    assert regions.loc[regions["code"] == "4101", "name"].item() == "郑州市"
    assert (regions["level"] == "county").sum() == 180


def test_proportions_and_heavy_tails(demo: EcosystemGraph) -> None:
    ent = demo.nodes["Enterprise"]
    shares = ent["size"].value_counts(normalize=True)
    assert 0.015 < shares["large"] < 0.06
    assert 0.08 < shares["medium"] < 0.17
    sup = demo.edges["SUPPLIES"]
    out_degree = sup["from_id"].value_counts()
    assert out_degree.max() >= 8 * out_degree.median()  # a few hubs supply many


def test_supplies_follow_the_product_structure(demo: EcosystemGraph) -> None:
    produces = demo.edges["PRODUCES"]
    upstream = demo.edges["UPSTREAM_OF"]
    inputs = set(zip(upstream["from_id"], upstream["to_id"], strict=True))
    makes = produces.groupby("from_id")["to_id"].agg(set)
    sup = demo.edges["SUPPLIES"]
    for s, b in zip(sup["from_id"], sup["to_id"], strict=True):
        assert any((p, q) in inputs for p in makes[s] for q in makes[b]), (s, b)


def test_research_is_concentrated_where_it_really_is(demo: EcosystemGraph) -> None:
    loc = demo.edges["LOCATED_IN"]
    ri = demo.nodes["ResearchInstitute"]["id"]
    cities = loc[loc["from_id"].isin(ri)]["to_id"].value_counts(normalize=True)
    assert cities.index[0] == "region:4101"  # Zhengzhou first
    assert cities[["region:4101", "region:4103", "region:4107", "region:4102"]].sum() > 0.6


def test_cities_fall_on_both_sides_of_the_coverage_target(demo: EcosystemGraph) -> None:
    ent = demo.nodes["Enterprise"]
    big = ent[ent["size"].isin(["large", "medium"])]["id"]
    loc = demo.edges["LOCATED_IN"]
    county_city = loc[loc["from_id"].str.startswith("region:")].set_index("from_id")["to_id"]
    firm_city = loc[loc["from_id"].isin(big) & loc["to_id"].str.startswith("region:")]
    firm_city = firm_city.assign(
        city=firm_city["to_id"].map(county_city).fillna(firm_city["to_id"])
    )
    est = demo.edges["ESTABLISHED"]
    with_platform = set(est[est["to_id"].str.startswith("PL")]["from_id"])
    coverage = (
        firm_city.assign(has=firm_city["from_id"].isin(with_platform)).groupby("city")["has"].mean()
    )
    assert (coverage >= 0.8).any() and (coverage < 0.8).any()


def test_scale_is_checked() -> None:
    with pytest.raises(ValueError, match="at least 500"):
        generate(100)
