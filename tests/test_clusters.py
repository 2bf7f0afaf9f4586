"""Supply-chain clusters: exact answers on hand-made graphs, networkx agreement."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import arrays
from innokg.queries.clusters import (
    cluster_labels,
    cluster_members,
    single_sourced_inputs,
    supply_clusters,
)
from innokg.queries.clusters.sourcing import _first_links
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
    # Leader: a3 and b3 buy from both others (a1 and b1 only sell, a2 and b2 buy one and
    # sell one): the downstream maker, not the supplier.  Single-sourced: a2's
    # steel (a3 has two steel suppliers) and b1's unspecified input (from a3 alone).
    # Modularity: m = 8 edges; each cluster 3 internal, degree sum 8: 3/8 - (8/16)^2.
    assert got == [
        {
            "cluster": 1,
            "size": 3,
            "leader": "a3",
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
            "leader": "b3",
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
    # a3 buys from a1 and a2 (purchases 2), sells nothing inside (downstream 1), medium
    # (size 2/3): 2 * 1 * (1 + 2/3).  a2 buys from a1 and sells to a3: downstream 0.5.
    cols = ["id", "role", "role_zh", "leader_score", "suppliers", "buyers", "downstream"]
    assert df[[*cols, "external_links"]].to_dict("records") == [
        {
            "id": "a3",
            "role": "chain_leader",
            "role_zh": "链主",
            "leader_score": 3.333333,
            "suppliers": 2,
            "buyers": 0,
            "downstream": 1.0,
            "external_links": 2,
        },
        {
            "id": "a1",
            "role": "key_supplier",
            "role_zh": "核心供应商",
            "leader_score": 0.0,
            "suppliers": 0,
            "buyers": 2,
            "downstream": 0.0,
            "external_links": 0,
        },
        {
            "id": "a2",
            "role": "key_supplier",
            "role_zh": "核心供应商",
            "leader_score": 0.833333,
            "suppliers": 1,
            "buyers": 1,
            "downstream": 0.5,
            "external_links": 0,
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


def test_single_sourced_inputs_count_a_repeated_link_once_in_id_order() -> None:
    G = make_graph(
        {"Enterprise": [{"id": i, "name": f"名{i}"} for i in ("s2", "s1", "b2", "b10", "b1")]},
        {
            "SUPPLIES": [
                ("s1", "b2", {"product": "轴承", "share": 0.4}),
                ("s1", "b2", {"product": "轴承", "share": 0.9}),  # the same link again
                ("s2", "b1", {"product": "钢材"}),
                ("s1", "b1", {"product": "钢材"}),  # two suppliers of steel: not sole
                ("s2", "b1", {"product": "玻璃"}),
                ("s1", "b10", {"product": "玻璃"}),
                ("s2", "b1", {"product": "齿轮"}),
            ]
        },
    )
    df = single_sourced_inputs(G)
    # ordered by buyer id as text ("b10" before "b2"), then input, then supplier
    assert df[["buyer", "input", "supplier", "supplier_name"]].values.tolist() == [
        ["b1", "玻璃", "s2", "名s2"],
        ["b1", "齿轮", "s2", "名s2"],
        ["b10", "玻璃", "s1", "名s1"],
        ["b2", "轴承", "s1", "名s1"],
    ]
    assert df["share"].iloc[3] == 0.4  # the first record of a repeated link


def test_repeated_links_are_found_alike_on_one_key_and_on_three() -> None:
    rng = np.random.default_rng(7)
    b, code, s = (rng.integers(0, 6, 400) for _ in range(3))
    A = arrays(make_graph({"Enterprise": [{"id": f"e{i}", "name": "x"} for i in range(6)]}))
    one_key = _first_links(A, b, code, s, 6)
    three = _first_links(A, b, code, s, 2**62)  # too many inputs for one 64-bit key
    assert one_key.tolist() == three.tolist()
    seen = pd.DataFrame({"b": b, "c": code, "s": s}).drop_duplicates()
    assert sorted(one_key.tolist()) == seen.index.tolist()  # each link's first record


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
        {"id": "m1", "role": "product_linked"},
        {"id": "m2", "role": "product_linked"},
        {"id": "m3", "role": "product_linked"},
        {"id": "m4", "role": "product_linked"},
    ]
    # Makers of the same product buy nothing from each other: no 链主, and it says why.
    assert df["leader"].tolist() == ["", ""]
    assert df["leader_basis"].tolist() == ["成员间无采购关系，无法认定链主"] * 2
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
    assert zz["leader"].tolist() == ["a3"] and zz["cities"].tolist() == ["郑州市 1; 地点不详 2"]
    assert supply_clusters(G, industry="C36")["leader"].tolist() == ["b3"]
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
        if row.in_province < 0.5:  # mostly firms of other provinces: said first
            assert place == "省外为主", row.label
        elif row.main_city:
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


# --- the chain leader (链主): the lead downstream maker, never a mere supplier ---------


#: Low resolution: a hand-made chain stays one cluster.
ONE = {"resolution": 0.05}


def chain(
    *,
    maker: dict[str, object] | None = None,
    rival: dict[str, object] | None = None,
    rival_suppliers: int = 0,
    places: dict[str, str] | None = None,
    scope: str | None = None,
) -> EcosystemGraph:
    """A big steelworks S sells to five parts makers p1..p5; the maker M buys from them
    and from g (six suppliers).  Optionally a rival maker R buys from the first
    ``rival_suppliers`` parts makers."""
    parts = [f"p{k}" for k in range(1, 6)]
    firms = [
        {"id": "S", "name": "钢厂", "size": "large", "employees": 5000, "listed": True},
        *({"id": p, "name": f"零件{p}", "size": "small"} for p in parts),
        {"id": "g", "name": "玻璃", "size": "small"},
        {"id": "M", "name": "整车厂", "size": "small", **(maker or {})},
    ]
    supplies = [("S", p) for p in parts] + [(p, "M") for p in parts] + [("g", "M")]
    if rival is not None:
        firms.append({"id": "R", "name": "另一整车厂", **rival})
        supplies += [(p, "R") for p in parts[:rival_suppliers]]
    nodes: dict[str, list[dict[str, object]]] = {"Enterprise": firms}
    edges: dict[str, list] = {"SUPPLIES": supplies}
    if places:
        nodes["Region"] = [
            {"id": "region:41", "name": "河南省", "code": "41", "level": "province"},
            {"id": "region:4101", "name": "郑州市", "code": "4101"},
        ]
        edges["LOCATED_IN"] = [(f, r) for f, r in places.items()] + [("region:4101", "region:41")]
    G = make_graph(nodes, edges)
    if scope:
        G.manifest["scope"] = scope
    return G


def test_the_maker_buying_from_six_leads_not_the_big_supplier_selling_to_five() -> None:
    G = chain()
    row = supply_clusters(G, **ONE).iloc[0]
    # M: six suppliers plus S two steps upstream (tier 2, half), buys only (downstream
    # 1), small (1/3): (6 + 0.5) * 1 * (1 + 1/3).  S only sells: never the leader.
    assert (row["size"], row["leader"], row["leader_name"]) == (8, "M", "整车厂")
    assert row["leader_score"] == pytest.approx((6 + 0.5) * 1 * (1 + 1 / 3))
    assert row["key_suppliers"] == "钢厂; 玻璃; 零件p1"  # ties: by id
    assert row["leader_basis"] == "从6家成员采购（二级供应商1家）；下游位置1.00；规模0.33"
    members = cluster_members(G, 1, **ONE).set_index("id")
    assert members.loc["M", "role_zh"] == "链主" and members.loc["S", "role_zh"] == "核心供应商"
    assert members.loc["S", "role"] == "key_supplier" and members.loc["S", "leader_score"] == 0


def test_a_pure_supplier_never_leads_while_any_member_buys() -> None:
    # The steelworks is large, listed and sells to everyone; the only buyers are small.
    G = make_graph(
        {
            "Enterprise": [
                {"id": "S", "name": "S", "size": "large", "revenue": 1e7, "listed": True},
                *({"id": b, "name": b, "size": "micro"} for b in ("a", "b", "c")),
            ]
        },
        {"SUPPLIES": [("S", "a", {"weight": 9.0}), ("S", "b"), ("S", "c"), ("a", "b")]},
    )
    members = cluster_members(G, **ONE)
    leader = members.loc[members["role"] == "chain_leader", "id"].tolist()
    assert leader == ["b"]  # buys from S and a
    assert supply_clusters(G, **ONE)["key_suppliers"].item() == "S; a"


def test_size_breaks_a_tie_between_equal_makers() -> None:
    # M and R each buy from the five parts makers; M also from g.  Equal purchases when
    # R buys from all five and g is dropped from the comparison by size: make R large.
    G = chain(maker={"size": "small"}, rival={"size": "large"}, rival_suppliers=5)
    row = supply_clusters(G, **ONE).iloc[0]
    # M: (6 + 0.5) * 4/3 = 8.67; R: (5 + 0.5) * 2 = 11: the larger leads.
    assert (row["leader"], row["runner_up"]) == ("R", "M")
    # Exactly equal purchases: size alone decides, whichever way round the ids are.
    for big, small in (("large", "medium"), ("medium", "large")):
        G = make_graph(
            {
                "Enterprise": [
                    *({"id": s, "name": s, "size": "small"} for s in ("s1", "s2", "s3")),
                    {"id": "x", "name": "x", "size": big},
                    {"id": "y", "name": "y", "size": small},
                ]
            },
            {"SUPPLIES": [(s, b) for s in ("s1", "s2", "s3") for b in ("x", "y")]},
        )
        expected = "x" if big == "large" else "y"
        assert supply_clusters(G, **ONE)["leader"].item() == expected
    # With no size at all, listed status and a national technology centre stand in.
    G = make_graph(
        {
            "Enterprise": [
                *({"id": s, "name": s} for s in ("s1", "s2", "s3")),
                {"id": "x", "name": "x"},
                {"id": "y", "name": "y", "listed": True},
            ],
            "Platform": [
                {
                    "id": "etc",
                    "name": "技术中心",
                    "kind": "enterprise_tech_center",
                    "level": "national",
                }
            ],
        },
        {
            "SUPPLIES": [(s, b) for s in ("s1", "s2", "s3") for b in ("x", "y")],
            "OPERATES": [("y", "etc")],
        },
    )
    members = cluster_members(G, **ONE).set_index("id")
    assert members.loc["y", "role"] == "chain_leader" and members.loc["y", "size_score"] == 1.0


def test_a_henan_maker_leads_a_henan_cluster_when_one_qualifies() -> None:
    # M (six suppliers) is of another province; R, a Zhengzhou maker, buys from three.
    places = {"R": "region:4101", "S": "region:4101", "p1": "region:4101"}
    G = chain(rival={"size": "small"}, rival_suppliers=3, places=places, scope="henan")
    row = supply_clusters(G, **ONE).iloc[0]
    assert (row["leader"], row["leader_in_province"], row["leader_city"]) == ("R", True, "郑州市")
    assert row["runner_up"] == "M"
    # Without a scope there is no province to prefer: the bigger buyer leads.
    unscoped = chain(rival={"size": "small"}, rival_suppliers=3, places=places)
    assert supply_clusters(unscoped, **ONE)["leader"].item() == "M"
    # When no Henan firm qualifies -- p1 buys from S but sells as much to M: a link of
    # the chain, not its head -- the out-of-province maker leads and the table says so.
    G = chain(places={"S": "region:4101", "p1": "region:4101"}, scope="henan")
    row = supply_clusters(G, **ONE).iloc[0]
    assert (row["leader"], row["leader_in_province"], row["leader_city"]) == ("M", False, "省外")
    assert row["leader_basis"].endswith("；省外企业（省内无合格买方）")


def _main_industry(row: pd.Series) -> str:
    return str(row["industries"]).split(";")[0].rsplit(" ", 1)[0]


def test_demo_leaders_are_downstream_makers_of_the_cluster(demo_graph: EcosystemGraph) -> None:
    table = supply_clusters(demo_graph)
    members = cluster_members(demo_graph)
    leaders = members[members["role"] == "chain_leader"].set_index("cluster")
    # Every cluster of the demo has buyers: every one has a leader who buys inside, is
    # downstream, and is not among its key suppliers.
    assert set(leaders.index) == set(table["cluster"])
    assert (leaders["suppliers"] >= 1).all() and (leaders["downstream"] >= 0.5).all()
    for row in table.itertuples(index=False):
        assert row.leader_name not in row.key_suppliers.split("; ")
        part = members[members["cluster"] == row.cluster]
        assert leaders.loc[row.cluster, "suppliers"] == part["suppliers"].max() or (
            leaders.loc[row.cluster, "leader_score"] == part["leader_score"].max()
        )
    # The food and the automotive clusters: the leader makes the cluster's main product
    # (its industry is the cluster's main industry) and buys from at least four members.
    for industry in ("食品制造业", "汽车制造业"):
        rows = table[table.apply(_main_industry, axis=1) == industry]
        assert len(rows), industry
        for _, row in rows.iterrows():
            leader = leaders.loc[row["cluster"]]
            assert leader["industry"] == industry, (row["label"], leader["name"])
            assert leader["suppliers"] >= 4 and leader["in_province"]


@pytest.mark.realdata
def test_real_leaders_buy_inside_and_the_bus_cluster_is_led_by_a_vehicle_maker(
    henan: EcosystemGraph,
) -> None:
    table = supply_clusters(henan)
    members = cluster_members(henan)
    led = table[table["leader"] != ""]
    assert len(led) >= 2
    for row in led.itertuples(index=False):
        leader = members[(members["cluster"] == row.cluster) & (members["id"] == row.leader)]
        assert leader["suppliers"].item() >= 1, row.leader_name
        if not row.leader_in_province:  # no Henan member is a downstream buyer
            part = members[members["cluster"] == row.cluster]
            downstream = (part["suppliers"] > 0) & (part["downstream"] > 0.5)
            assert not (part["in_province"] & downstream).any(), row.leader_name
    # A cluster without a leader is one whose members buy nothing from each other, or
    # one with no main industry, hence no main chain to lead (tests/test_cluster_chains.py)
    for row in table[table["leader"] == ""].itertuples(index=False):
        if row.main_industries == "":
            assert row.leader_basis.startswith("集群行业混杂"), row.label
        else:
            assert (members.loc[members["cluster"] == row.cluster, "suppliers"] == 0).all()
    yutong = members[members["id"] == "ent:stock:600066"]
    if yutong.empty:
        # The chain data records no supply link of 宇通客车 either way, and none of its
        # products is an input of another firm's (配件 and 材料, which grouped it with
        # unrelated firms, are lines of business, not products): it joins no cluster, and
        # no 链主 is invented for it.
        supplies = henan.edges["SUPPLIES"]
        ends = set(supplies["from_id"]) | set(supplies["to_id"])
        assert "ent:stock:600066" not in ends
        return
    c = yutong["cluster"].item()
    part = members[members["cluster"] == c]
    row = table[table["cluster"] == c].iloc[0]
    if len(part) < 3:
        return
    if (part["suppliers"] > 0).any():
        leader = part[part["id"] == row["leader"]]
        industries = henan.edges["IN_INDUSTRY"]
        codes = set(industries.loc[industries["from_id"] == row["leader"], "to_id"])
        names = set(henan.nodes["Industry"].loc[henan.nodes["Industry"]["id"].isin(codes), "name"])
        assert leader["industry"].item() == "汽车制造业" or "汽车" in names, row["leader_name"]
    else:
        # What the data allows: the chain data records no SUPPLIES edge of 宇通客车 and of
        # its cluster-mates (许昌远东传动轴, 郑煤机, 中光学), and in its product graph none
        # of them makes an input (UPSTREAM_OF) of another's products: they are grouped by
        # shared generic product names (配件, 材料).  Nobody in the cluster buys from
        # anybody, so no 链主 can be named -- an empty leader with the reason, rather
        # than a supplier or a guess.
        assert row["leader"] == "" and row["leader_basis"] == "成员间无采购关系，无法认定链主"


def test_parallel_links_make_one_pair_of_the_supply_network_with_their_weights_summed() -> None:
    """Two links between one pair, one each way, are one edge of the network Leiden
    runs on, weighing what they weigh together; no link is inferred."""
    from innokg.queries.clusters.network import _network

    G = make_graph(
        {
            "Enterprise": [{"id": i, "name": i} for i in "abc"],
            "Product": [{"id": "p", "name": "齿轮"}],
        },
        {
            "SUPPLIES": [("a", "b", {"weight": 2.0}), ("b", "a", {"weight": 3.0}), ("b", "c")],
            "PRODUCES": [],
        },
    )
    net = _network(arrays(G), None, "auto", 0.3)
    pairs = {(int(u), int(v)): float(w) for u, v, w in zip(net.u, net.v, net.weight, strict=True)}
    assert pairs == {(0, 1): 5.0, (1, 2): 1.0}
    assert net.inferred.tolist() == [0.0, 0.0]
