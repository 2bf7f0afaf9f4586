"""Supply-chain clusters: exact answers on hand-made graphs, networkx agreement."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.clusters import (
    cluster_labels,
    cluster_members,
    single_sourced_inputs,
    supply_clusters,
)
from tests.factory import make_graph


def two_chains(extra_a: int = 0) -> EcosystemGraph:
    """Two triangles of suppliers; a3 sells into the second.  Support hangs off both."""
    firms = [
        {"id": i, "name": f"企业{i}", "size": "medium"}
        for i in ["a1", "a2", "a3", "b1", "b2", "b3"] + [f"a{4 + k}" for k in range(extra_a)]
    ]
    supplies: list[tuple[str, str, dict[str, object]] | tuple[str, str]] = [
        ("a1", "a2", {"product": "钢材"}),
        ("a1", "a3", {"product": "钢材"}),
        ("a2", "a3", {"product": "钢材"}),
        ("b1", "b2"),
        ("b1", "b3"),
        ("b2", "b3"),
        ("a3", "b1"),
        ("a3", "b2"),
    ]
    for k in range(extra_a):  # more members of the first chain
        supplies += [("a1", f"a{4 + k}"), ("a2", f"a{4 + k}"), ("a3", f"a{4 + k}")]
    return make_graph(
        {
            "Enterprise": firms,
            "ResearchInstitute": [{"id": "r1", "name": "郑州大学"}],
            "Alliance": [{"id": "al", "name": "联盟"}],
            "Fund": [{"id": "f", "name": "基金"}],
            "Platform": [{"id": "p", "name": "平台"}],
        },
        {
            "SUPPLIES": supplies,
            "COLLABORATES_WITH": [("a1", "r1")],
            "MEMBER_OF": [("b1", "al")],
            "INVESTS_IN": [("f", "a2")],
            "ESTABLISHED": [("b2", "p")],
        },
    )


def members_by_cluster(df: pd.DataFrame) -> dict[int, set[str]]:
    return {int(c): set(g["id"]) for c, g in df.groupby("cluster")}


def test_a_split_you_can_check_by_eye() -> None:
    G = two_chains()
    assert members_by_cluster(cluster_members(G)) == {
        1: {"a1", "a2", "a3"},
        2: {"b1", "b2", "b3"},
    }


def test_the_profile_of_each_cluster() -> None:
    df = supply_clusters(two_chains())
    got = df[
        [
            "cluster",
            "size",
            "leader",
            "single_sourced",
            "bridging_firms",
            "bridges",
            "institutes",
            "alliances",
            "funds",
            "platforms",
            "modularity",
            "inferred_share",
        ]
    ].to_dict("records")
    # Leader: a1 and b1 sell to both others (strength 2, reach 2).  Single-sourced: a2's
    # steel (a3 has two steel suppliers) and b1's unspecified input (from a3 alone).
    # Modularity: m = 8 edges; each cluster 3 internal, degree sum 8: 3/8 - (8/16)^2.
    assert got == [
        {
            "cluster": 1,
            "size": 3,
            "leader": "a1",
            "single_sourced": 1,
            "bridging_firms": 1,
            "bridges": "企业a3(2)",
            "institutes": 1,
            "alliances": 0,
            "funds": 1,
            "platforms": 0,
            "modularity": 0.125,
            "inferred_share": 0.0,
        },
        {
            "cluster": 2,
            "size": 3,
            "leader": "b1",
            "single_sourced": 1,
            "bridging_firms": 0,
            "bridges": "",
            "institutes": 0,
            "alliances": 1,
            "funds": 0,
            "platforms": 1,
            "modularity": 0.125,
            "inferred_share": 0.0,
        },
    ]


def test_members_have_roles_and_scores() -> None:
    df = cluster_members(two_chains(), 1)
    assert df[["id", "role", "role_zh", "leader_score", "external_links"]].to_dict("records") == [
        {
            "id": "a1",
            "role": "chain_leader",
            "role_zh": "链主",
            "leader_score": 4.0,
            "external_links": 0,
        },
        {
            "id": "a2",
            "role": "intermediary",
            "role_zh": "中间环节",
            "leader_score": 3.0,
            "external_links": 0,
        },
        {
            "id": "a3",
            "role": "bridge",
            "role_zh": "桥接企业",
            "leader_score": 2.0,
            "external_links": 2,
        },
    ]


def test_modularity_terms_add_up_to_networkx_modularity() -> None:
    G = two_chains()
    df = supply_clusters(G)
    nxg = nx.Graph(G.to_networkx(labels=["Enterprise"], edge_types=["SUPPLIES"]).to_undirected())
    parts = [set(g["id"]) for _, g in cluster_members(G).groupby("cluster")]
    assert df["modularity"].sum() == pytest.approx(nx.community.modularity(nxg, parts))


def test_single_sourced_inputs_observed_and_inferred_from_products() -> None:
    G = make_graph(
        {
            "Enterprise": [{"id": i, "name": i} for i in ("s", "t", "u", "b", "c")],
            "Product": [
                {"id": p, "name": n}
                for p, n in (("ore", "矿石"), ("steel", "钢材"), ("gear", "齿轮"))
            ],
        },
        {
            "SUPPLIES": [("s", "b", {"product": "钢材", "share": 0.7})],
            # c buys nothing recorded; it makes gears from steel, which only t makes,
            # and from ore, which two firms make.
            "PRODUCES": [("c", "gear"), ("t", "steel"), ("s", "ore"), ("u", "ore")],
            "UPSTREAM_OF": [("steel", "gear"), ("ore", "gear")],
        },
    )
    df = single_sourced_inputs(G)
    assert df[["buyer", "input", "supplier", "basis"]].to_dict("records") == [
        {"buyer": "b", "input": "钢材", "supplier": "s", "basis": "supplies"},
        {"buyer": "c", "input": "钢材", "supplier": "t", "basis": "products"},
    ]
    assert df["share"].iloc[0] == 0.7 and np.isnan(df["share"].iloc[1])


def test_links_known_only_through_products_are_inferred_and_labelled() -> None:
    G = make_graph(
        {
            "Enterprise": [{"id": i, "name": i} for i in ("m1", "m2", "m3", "m4")],
            "Product": [{"id": "steel", "name": "钢材"}, {"id": "car", "name": "汽车"}],
        },
        {
            "PRODUCES": [("m1", "steel"), ("m2", "steel"), ("m3", "car"), ("m4", "car")],
            "UPSTREAM_OF": [("steel", "car")],
        },
    )
    # Steel makers gather around steel, car makers around cars; every link is inferred.
    df = supply_clusters(G, min_size=2)
    assert df[["size", "products", "inferred_share"]].to_dict("records") == [
        {"size": 2, "products": "钢材 100%", "inferred_share": 1.0},
        {"size": 2, "products": "汽车 100%", "inferred_share": 1.0},
    ]
    members = cluster_members(G, min_size=2)
    assert members[["id", "role"]].to_dict("records") == [
        {"id": "m1", "role": "chain_leader"},
        {"id": "m2", "role": "product_linked"},
        {"id": "m3", "role": "chain_leader"},
        {"id": "m4", "role": "product_linked"},
    ]
    assert supply_clusters(G, inferred="none", min_size=2).empty


def test_same_seed_same_clusters_and_ids_stay_stable_across_a_rebuild() -> None:
    before = cluster_members(two_chains())
    assert before.equals(cluster_members(two_chains()))
    # Rebuilt with two more firms in the first chain: each cluster keeps the id it had
    # in the earlier result, whatever the plain numbering would be.
    G = two_chains(extra_a=2)
    old = {"a1": 7, "a2": 7, "a3": 7, "b1": 4, "b2": 4, "b3": 4}
    assert members_by_cluster(cluster_members(G, previous=old)) == {
        7: {"a1", "a2", "a3", "a4", "a5"},
        4: {"b1", "b2", "b3"},
    }
    assert supply_clusters(G, previous=before)["cluster"].tolist() == [1, 2]


def test_a_new_cluster_gets_a_fresh_id_above_the_old_ones() -> None:
    G = two_chains()
    labels = cluster_labels(G, previous={"a1": 5, "a2": 5, "a3": 5})
    assert sorted(set(labels[labels >= 0].tolist())) == [5, 6]


def test_as_of_a_year_only_what_existed_counts() -> None:
    G = make_graph(
        {"Enterprise": [{"id": i, "name": i} for i in "abc"]},
        {"SUPPLIES": [("a", "b", {"since": 2010}), ("b", "c", {"since": 2019})]},
    )
    assert supply_clusters(G, year=2015).empty
    assert supply_clusters(G, year=2020)["size"].tolist() == [3]


def test_filters_by_city_and_industry() -> None:
    G = make_graph(
        {
            "Enterprise": [{"id": i, "name": i} for i in ("a1", "a2", "a3", "b1", "b2", "b3")],
            "Region": [
                {"id": "region:4101", "name": "郑州市", "code": "4101"},
                {"id": "region:4103", "name": "洛阳市", "code": "4103"},
            ],
            "Industry": [{"id": "C36", "name": "汽车制造业"}],
        },
        {
            "SUPPLIES": [("a1", "a2"), ("a2", "a3"), ("b1", "b2"), ("b2", "b3")],
            "LOCATED_IN": [("a1", "region:4101"), ("b1", "region:4103")],
            "IN_INDUSTRY": [("b2", "C36")],
        },
    )
    zz = supply_clusters(G, city="郑州")
    assert zz["leader"].tolist() == ["a1"] and zz["cities"].tolist() == ["郑州市 1; 地点不详 2"]
    assert supply_clusters(G, industry="C36")["leader"].tolist() == ["b1"]
    with pytest.raises(QueryError, match="no city named"):
        supply_clusters(G, city="开封")


def test_an_unknown_cluster_says_which_exist() -> None:
    with pytest.raises(QueryError, match=r"no cluster 9; .*ids: 1, 2"):
        cluster_members(two_chains(), 9)


def test_leiden_matches_networkx_louvain_modularity_on_planted_groups() -> None:
    planted = nx.planted_partition_graph(6, 15, 0.5, 0.02, seed=7)
    firms = [{"id": f"e{n:03d}", "name": f"e{n}"} for n in planted]
    links = [(f"e{u:03d}", f"e{v:03d}") for u, v in planted.edges]
    G = make_graph({"Enterprise": firms}, {"SUPPLIES": links})
    ours = supply_clusters(G, min_size=1)["modularity"].sum()
    theirs = nx.community.modularity(planted, nx.community.louvain_communities(planted, seed=1))
    assert ours == pytest.approx(theirs, abs=0.02)
    assert len(supply_clusters(G, min_size=1)) == 6


def test_demo_clusters_are_profiled_and_deterministic(demo_graph: EcosystemGraph) -> None:
    df = supply_clusters(demo_graph)
    assert len(df) > 5 and df["size"].is_monotonic_decreasing
    assert df["cluster"].is_unique and df["leader"].notna().all()
    assert 0.5 < df["modularity"].sum() < 1.0
    again = supply_clusters(EcosystemGraph(demo_graph.nodes, demo_graph.edges))
    pd.testing.assert_frame_equal(df, again)


def ten_firms(in_zhengzhou: int, *, scope: str | None = None) -> EcosystemGraph:
    """Ten firms all supplying each other (one cluster); some placed in Zhengzhou."""
    ids = [f"e{k}" for k in range(10)]
    G = make_graph(
        {
            "Enterprise": [{"id": i, "name": i} for i in ids],
            "Region": [
                {"id": "region:41", "name": "河南省", "code": "41", "level": "province"},
                {"id": "region:4101", "name": "郑州市", "code": "4101"},
            ],
            "Industry": [
                {"id": "industry:gbt4754:C36", "name": "汽车制造业"},
                {"id": "industry:sw2021:280000", "name": "汽车", "scheme": "Shenwan 2021"},
            ],
        },
        {
            "SUPPLIES": [(a, b) for n, a in enumerate(ids) for b in ids[n + 1 :]],
            "LOCATED_IN": [(i, "region:4101") for i in ids[:in_zhengzhou]]
            + [("region:4101", "region:41")],
            # Shenwan listed first, GB/T second: the profile uses GB/T
            "IN_INDUSTRY": [(i, "industry:sw2021:280000") for i in ids]
            + [(i, "industry:gbt4754:C36") for i in ids[:9]],
        },
    )
    if scope:
        G.manifest["scope"] = scope
    return G


def test_a_city_with_one_member_in_ten_does_not_name_the_cluster() -> None:
    cols = ["label", "main_city", "cities", "province_firms", "in_province", "industries"]
    row = supply_clusters(ten_firms(1))[[*cols, "industry_scheme"]].iloc[0].to_dict()
    assert row == {
        "label": "汽车制造业",  # no scope: the other nine are of unknown location
        "main_city": "",
        "cities": "郑州市 1; 地点不详 9",
        "province_firms": 1,
        "in_province": 0.1,
        "industries": "汽车制造业 90%; 汽车 10%",
        "industry_scheme": "GB/T 4754-2017 9; Shenwan 2021 1",
    }
    scoped_row = supply_clusters(ten_firms(1, scope="henan"))[cols].iloc[0].to_dict()
    assert scoped_row["label"] == "省外为主 · 汽车制造业"
    assert scoped_row["cities"] == "郑州市 1; 省外 9"
    # Four of ten (40% >= 25%) name it; six of ten in the province, none in a city
    # beyond Zhengzhou, would be labelled by the province.
    assert supply_clusters(ten_firms(4))["label"].iloc[0] == "郑州市 · 汽车制造业"
    members = cluster_members(ten_firms(1, scope="henan"), 1).set_index("id")
    assert members.loc["e0", "in_province"] and not members.loc["e9", "in_province"]
    assert members.loc["e0", "industry"] == "汽车制造业" and members.loc["e9", "industry"] == "汽车"


def test_a_cluster_spread_over_cities_is_labelled_by_its_province() -> None:
    G = ten_firms(0)
    G.edges["LOCATED_IN"] = pd.concat(
        [
            G.edges["LOCATED_IN"],
            pd.DataFrame(
                {"from_id": [f"e{k}" for k in range(6)], "to_id": "region:41", "source": "test"}
            ).assign(evidence="observed"),
        ],
        ignore_index=True,
    )
    G2 = EcosystemGraph(G.nodes, G.edges, manifest={"scope": "henan"})
    row = supply_clusters(G2).iloc[0]
    assert row["label"] == "河南省 · 汽车制造业" and row["cities"] == "城市不详 6; 省外 4"
    assert row["in_province"] == 0.6


@pytest.fixture(scope="module")
def henan(shared_data, tmp_path_factory: pytest.TempPathFactory) -> EcosystemGraph:
    from innokg.henan import build_henan

    out = tmp_path_factory.mktemp("henan") / "henan"
    build_henan(out, data=shared_data, database=False)
    return EcosystemGraph.open(out)


@pytest.mark.realdata
def test_real_clusters_are_labelled_by_a_city_only_where_it_holds_them(
    henan: EcosystemGraph,
) -> None:
    from innokg.queries.clusters import LABEL_CITY_SHARE

    table = supply_clusters(henan)
    members = cluster_members(henan)
    assert len(table) >= 3
    for row in table.itertuples(index=False):
        place = row.label.split(" · ")[0] if " · " in row.label else ""
        part = members[members["cluster"] == row.cluster]
        if row.main_city:
            assert place == row.main_city
            share = (part["city"] == row.main_city).mean()
            assert share >= LABEL_CITY_SHARE, (row.label, share)
        else:
            assert place in ("", "省外为主", "河南省"), row.label
        cities = set(part["city"]) - {""}
        assert place in cities | {"", "省外为主", "河南省"}
    # The in-province share recomputed from the tables: members located in a Henan
    # division (code 41…) or zone; chain neighbours are located in their own province.
    biggest = table.iloc[0]
    ids = set(members.loc[members["cluster"] == biggest["cluster"], "id"])
    located = henan.edges["LOCATED_IN"]
    places = pd.concat([henan.nodes["Region"], henan.nodes["Zone"]])
    henan_places = set(places.loc[places["code"].astype(str).str.startswith("41"), "id"])
    here = set(located.loc[located["to_id"].isin(henan_places), "from_id"]) & ids
    assert biggest["province_firms"] == len(here)
    assert biggest["in_province"] == round(len(here) / len(ids), 4)
    assert biggest["in_province"] < 0.5 and biggest["label"].startswith("省外为主 · ")
    assert f"省外 {len(ids) - len(here)}" in biggest["cities"]
    assert set(table["industry_scheme"]) <= {"GB/T 4754-2017"} | {
        s for s in table["industry_scheme"] if "Shenwan" in s
    }
