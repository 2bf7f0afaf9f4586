"""Collaboration gaps: one hand-made gap of each kind, exact; Burt's measures vs networkx."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import pandas as pd
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.clusters import supply_clusters
from innokg.queries.gaps import (
    CORE_COLUMNS,
    GAP_KINDS,
    MIN_CONTACTS,
    ROWS,
    brokers,
    cluster_support_gaps,
    collaboration_gaps,
    finance_gaps,
    research_gaps,
    single_source_gaps,
    structural_holes,
    target_gaps,
    unspanned_cluster_pairs,
)
from tests.factory import make_graph


def firms_and_partners() -> EcosystemGraph:
    return make_graph(
        {
            "Enterprise": [
                {"id": "big", "name": "大企业", "size": "large", "employees": 9999},
                {"id": "mid", "name": "中企业", "size": "medium", "employees": 499},
                {"id": "cob", "name": "合建企业", "size": "medium"},
                {"id": "col", "name": "合作企业", "size": "large", "employees": 1500},
                {"id": "svc", "name": "服务企业", "size": "large", "industrial": False},
                {"id": "sml", "name": "小企业", "size": "small"},
            ],
            "ResearchInstitute": [{"id": "r", "name": "郑州大学"}],
            "Platform": [{"id": "p", "name": "合建平台", "kind": "co_built_rnd"}],
            "Industry": [{"id": "C36", "name": "汽车制造业", "name_en": "Motor vehicles"}],
            "Region": [{"id": "region:4101", "name": "郑州市", "code": "4101"}],
        },
        {
            "COLLABORATES_WITH": [("col", "r")],
            "ESTABLISHED": [("cob", "p")],
            "IN_INDUSTRY": [("big", "C36"), ("mid", "C36"), ("col", "C36")],
            "LOCATED_IN": [("big", "region:4101")],
        },
    )


def test_large_and_medium_firms_without_a_research_partner() -> None:
    df = research_gaps(firms_and_partners())
    assert list(df.columns[: len(CORE_COLUMNS)]) == list(CORE_COLUMNS)
    # col works with an institute, cob co-built a platform, svc is not industrial,
    # sml is small: big and mid remain; 1 of the 3 car makers has a partner.
    assert df[["entity", "severity", "city", "peers_with_partner"]].to_dict("records") == [
        {"entity": "big", "severity": 4.0, "city": "郑州市", "peers_with_partner": 0.3333},
        {
            "entity": "mid",
            "severity": round(math.log10(500), 4),
            "city": "",
            "peers_with_partner": 0.3333,
        },
    ]
    assert df["detail"].iloc[0] == (
        "large firm, 9999 employees; 33% of large and medium peers in Motor vehicles have one"
    )
    assert (
        df["detail_zh"].iloc[1] == "中型企业，员工 499 人；同行业 33% 的大中型企业已有研发合作伙伴"
    )


def two_clusters() -> EcosystemGraph:
    return make_graph(
        {
            "Enterprise": [{"id": i, "name": i} for i in ("a1", "a2", "a3", "b1", "b2", "b3")],
            "Fund": [{"id": "f", "name": "基金"}],
            "Platform": [{"id": "p", "name": "平台"}],
            "Product": [{"id": "steel", "name": "钢材"}, {"id": "car", "name": "汽车"}],
        },
        {
            "SUPPLIES": [
                ("a1", "a2"),
                ("a2", "a3"),
                ("a1", "a3"),
                ("b1", "b2"),
                ("b2", "b3"),
                ("b1", "b3"),
            ],
            "INVESTS_IN": [("f", "a1")],
            "ESTABLISHED": [("b1", "p")],
            "PRODUCES": [("a1", "steel"), ("b1", "car")],
            "UPSTREAM_OF": [("steel", "car")],
        },
    )


def test_clusters_without_institute_alliance_fund_or_platform() -> None:
    df = cluster_support_gaps(two_clusters())
    # The graph has no alliance and no firm-institute link at all: one note each
    # (not measurable) rather than "every cluster lacks one".  It has a fund and a
    # platform: the cluster without each is a gap.
    assert df[["entity", "missing", "severity", "measurable"]].to_dict("records")[2:] == [
        {"entity": "cluster:1", "missing": "platform", "severity": 3.0, "measurable": True},
        {"entity": "cluster:2", "missing": "fund", "severity": 3.0, "measurable": True},
    ]
    notes = df[~df["measurable"]]
    assert notes["entity"].tolist() == ["not_measurable:alliances", "not_measurable:institutes"]
    assert notes["severity"].isna().all() and set(notes["label"]) == {"Note"}
    assert notes["detail"].iloc[0] == (
        "not measurable: no alliances and their members (alliance: none in the data): "
        "which clusters lack one cannot be told"
    )
    assert "1 of 2 clusters have one" in df["detail"].iloc[2]


def test_maker_teams_without_finance() -> None:
    G = make_graph(
        {
            "Enterprise": [{"id": "host", "name": "孵化企业"}],
            "Fund": [{"id": "f", "name": "创客基金"}],
            "MakerTeam": [
                {"id": "t1", "name": "团队一", "since": 2014, "demonstration": 2017},
                {"id": "t2", "name": "团队二", "since": 2016},
                {"id": "t3", "name": "团队三", "since": 2015},
            ],
        },
        {"INVESTS_IN": [("f", "t3")], "HOSTS": [("host", "t1")]},
    )
    df = finance_gaps(G, year=2018)
    assert df[["entity", "severity", "host", "detail_zh"]].to_dict("records") == [
        {
            "entity": "t1",
            "severity": 6.0,
            "host": "孵化企业",
            "detail_zh": "成立 4 年未获投资，系创客示范团队",
        },
        {"entity": "t2", "severity": 2.0, "host": "", "detail_zh": "成立 2 年未获投资"},
    ]
    assert finance_gaps(G, year=2015)["entity"].tolist() == ["t1"]  # t2 did not exist yet


def cities_with_targets() -> EcosystemGraph:
    firms = [
        {"id": "z1", "name": "郑一", "size": "large"},
        {"id": "z2", "name": "郑二", "size": "medium"},
        {"id": "l1", "name": "洛一", "size": "large"},
    ]
    return make_graph(
        {
            "Enterprise": firms,
            "Platform": [{"id": "p", "name": "平台", "since": 2017}],
            "Region": [
                {"id": "region:41", "name": "河南省", "code": "41", "level": "province"},
                {"id": "region:4101", "name": "郑州市", "code": "4101"},
                {"id": "region:4103", "name": "洛阳市", "code": "4103"},
            ],
            "PolicyMeasure": [
                {
                    "id": "m3a",
                    "name": "平台普及率",
                    "article": 3,
                    "indicator": "platform_coverage",
                    "target": 0.8,
                    "target_unit": "share",
                    "deadline": 2018,
                },
            ],
        },
        {
            "ESTABLISHED": [("z1", "p")],
            "LOCATED_IN": [
                ("z1", "region:4101"),
                ("z2", "region:4101"),
                ("l1", "region:4103"),
                ("region:4101", "region:41"),
                ("region:4103", "region:41"),
            ],
        },
    )


def test_cities_below_a_target() -> None:
    df = target_gaps(cities_with_targets(), year=2018)
    # The graph's one PolicyMeasure sets the only target: platform coverage.
    assert set(df["indicator"]) == {"platform_coverage"} and df["measurable"].all()
    # Zhengzhou: 1 of 2 firms has a platform (50% < 80%); Luoyang: none.
    assert df[["entity", "name", "severity", "detail"]].to_dict("records") == [
        {
            "entity": "region:4103",
            "name": "洛阳市",
            "severity": 1.0,
            "detail": "article 3: 0% against 80% by 2018 (seed target)",
        },
        {
            "entity": "region:4101",
            "name": "郑州市",
            "severity": 0.375,
            "detail": "article 3: 50% against 80% by 2018 (seed target)",
        },
    ]
    zhengzhou = target_gaps(cities_with_targets(), year=2018, city="郑州")
    assert set(zhengzhou["name"]) == {"郑州市"}


def test_inputs_from_a_single_supplier() -> None:
    G = make_graph(
        {
            "Enterprise": [
                {"id": i, "name": n} for i, n in (("s", "供方"), ("t", "乙方"), ("b", "买方"))
            ]
        },
        {
            "SUPPLIES": [
                ("s", "b", {"product": "钢材", "share": 0.9}),
                ("s", "b", {"product": "轴承", "share": 0.5}),
                ("t", "b", {"product": "轴承", "share": 0.5}),
            ]
        },
    )
    df = single_source_gaps(G)
    assert df[["entity", "missing", "missing_zh", "severity", "supplier", "detail_zh"]].to_dict(
        "records"
    ) == [
        {
            "entity": "b",
            "missing": "a second supplier of 钢材",
            "missing_zh": "钢材的第二供应商",
            "severity": 0.9,
            "supplier": "s",
            "detail_zh": "仅由供方供货",
        }
    ]


def star_and_triangle() -> EcosystemGraph:
    """A broker with three unconnected contacts, and a closed triangle."""
    return make_graph(
        {"Enterprise": [{"id": i, "name": i} for i in ("hub", "x", "y", "z", "t1", "t2", "t3")]},
        {
            "SUPPLIES": [
                ("hub", "x"),
                ("hub", "y"),
                ("hub", "z"),
                ("t1", "t2"),
                ("t2", "t3"),
                ("t1", "t3"),
                ("x", "t1"),
            ]
        },
    )


def test_constraint_and_effective_size_by_hand() -> None:
    df = structural_holes(star_and_triangle(), min_degree=2).set_index("entity")
    # hub: three contacts, none tied to another: constraint 3 x (1/3)^2, size 3.
    assert df.loc["hub", "constraint"] == pytest.approx(1 / 3)
    assert df.loc["hub", "effective_size"] == 3.0
    # t2: contacts t1 and t3, tied to each other; t1 has a third contact, x.
    # c(t2, t1) = (1/2 + 1/2 x 1/2)^2 = 9/16, c(t2, t3) = (1/2 + 1/2 x 1/3)^2 = 4/9.
    assert df.loc["t2", "constraint"] == pytest.approx(9 / 16 + 4 / 9)
    assert df.loc["t2", "effective_size"] == 1.0
    assert df.index[0] == "t2" and "y" not in df.index  # one contact: left out
    # The detail says what the effective size shows, not the same words for all.
    assert df.loc["hub", "detail"] == (
        "constraint 0.33; effective size 3.0 of 3 contacts; no two contacts are linked: "
        "the constraint comes from having few contacts"
    )
    assert df.loc["hub", "detail_zh"] == (
        "约束度 0.33；3 个联系方中有效规模 3.0，联系方之间互不相连，约束来自联系方少"
    )
    assert df.loc["t2", "detail_zh"] == "约束度 1.01；2 个联系方中有效规模 1.0，联系方之间多已相连"
    # t1: contacts t2, t3 (tied) and x: 2 x (1/3 + 1/3 x 1/2)^2 + (1/3)^2, size 3 - 2/3.
    assert df.loc["t1", "detail"] == (
        "constraint 0.61; effective size 2.3 of 3 contacts; some contacts are linked to each other"
    )


def test_burt_measures_equal_networkx_on_a_random_network() -> None:
    random_graph = nx.gnm_random_graph(200, 600, seed=3)
    firms = [{"id": f"e{n:03d}", "name": f"e{n}"} for n in random_graph]
    # Half the ties are supply, half collaboration: igraph sees one simple network.
    supplies = [(f"e{u:03d}", f"e{v:03d}") for u, v in list(random_graph.edges)[::2]]
    collab = [(f"e{u:03d}", f"e{v:03d}") for u, v in list(random_graph.edges)[1::2]]
    G = make_graph({"Enterprise": firms}, {"SUPPLIES": supplies, "COLLABORATES_WITH": collab})
    df = structural_holes(G, min_degree=1).set_index("entity")
    simple = nx.relabel_nodes(random_graph, {n: f"e{n:03d}" for n in random_graph})
    want_c = nx.constraint(simple)
    want_e = nx.effective_size(simple)
    for node in df.index:
        assert df.loc[node, "constraint"] == pytest.approx(want_c[node], abs=1e-12)
        assert df.loc[node, "effective_size"] == pytest.approx(want_e[node], abs=1e-9)
        assert df.loc[node, "degree"] == simple.degree(node)
    assert len(df) == sum(1 for n in simple if simple.degree(n) >= 1)


def test_a_broker_that_alone_links_two_clusters() -> None:
    df = brokers(two_clusters())
    assert (
        df[["entity", "label", "clusters_spanned", "pairs_spanned", "sole_pairs"]].to_dict(
            "records"
        )
        == []
    )  # the fund touches only cluster 1, the platform only cluster 2
    G = make_graph(
        {
            "Enterprise": [{"id": i, "name": i} for i in ("a1", "a2", "a3", "b1", "b2", "b3")],
            "Fund": [{"id": "f", "name": "基金"}],
        },
        {
            "SUPPLIES": [("a1", "a2"), ("a2", "a3"), ("b1", "b2"), ("b2", "b3")],
            "INVESTS_IN": [("f", "a1"), ("f", "b1")],
        },
    )
    df = brokers(G)
    assert df[["entity", "label", "clusters_spanned", "sole_pairs", "severity"]].to_dict(
        "records"
    ) == [{"entity": "f", "label": "Fund", "clusters_spanned": 2, "sole_pairs": 1, "severity": 1.0}]
    assert unspanned_cluster_pairs(G).empty  # the fund spans the only pair


def test_related_clusters_that_no_one_links() -> None:
    df = unspanned_cluster_pairs(two_clusters())
    # Cluster 1 makes steel (1 of 3 members), an input of cluster 2's cars (1 of 3):
    # chain 1/9, no shared industry; times sqrt(3 x 3).
    assert df[["entity", "chain", "industry_overlap", "severity"]].to_dict("records") == [
        {
            "entity": "cluster:1|cluster:2",
            "chain": round(1 / 9, 6),
            "industry_overlap": 0.0,
            "severity": round(1 / 9, 4),  # the relatedness, chain + overlap / 2
        }
    ]


def test_all_kinds_stack_in_the_core_columns(demo_graph: EcosystemGraph) -> None:
    df = collaboration_gaps(demo_graph, limit=5)
    assert list(df.columns) == list(CORE_COLUMNS)
    # the demo's clusters that no one links have (almost) nothing in common: no pair gap
    assert set(df["gap"]) == set(GAP_KINDS) - {"unspanned_pair"}
    assert (df.groupby("gap").size() <= 5).all()
    for _, part in df.groupby("gap"):  # notes (not measurable) first, then by severity
        assert part["measurable"].is_monotonic_increasing
        assert part.loc[part["measurable"], "severity"].is_monotonic_decreasing
    zz = collaboration_gaps(demo_graph, kinds=["no_research_partner"], city="郑州")
    assert set(zz["city"]) == {"郑州市"}


def test_kinds_that_forget_between_them_give_the_same_table(
    demo_graph: EcosystemGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above FORGET_ABOVE_NODES each kind lets go of what the last computed (a graph of
    ten million nodes fits in memory only so); the table must not change."""
    from innokg.queries.arrays import arrays
    from innokg.queries.gaps import kinds

    every = collaboration_gaps(demo_graph)
    arrays(demo_graph).memo["left over"] = 1
    monkeypatch.setattr(kinds, "FORGET_ABOVE_NODES", 0)
    forgetting = collaboration_gaps(demo_graph)
    assert "left over" not in arrays(demo_graph).memo
    pd.testing.assert_frame_equal(forgetting, every)


def test_unrelated_cluster_pairs_are_not_gaps(demo_graph: EcosystemGraph) -> None:
    from innokg.queries.gaps import MIN_RELATEDNESS, unspanned_cluster_pairs

    def chains(n: int) -> EcosystemGraph:
        a = [f"a{i}" for i in range(n)]
        b = [f"b{i}" for i in range(n)]
        return make_graph(
            {
                "Enterprise": [{"id": i, "name": i} for i in a + b],
                "Product": [{"id": "steel", "name": "钢材"}, {"id": "car", "name": "汽车"}],
            },
            {
                "SUPPLIES": [*itertools.pairwise(a), *itertools.pairwise(b)],
                "PRODUCES": [("a0", "steel"), ("b0", "car")],
                "UPSTREAM_OF": [("steel", "car")],
            },
        )

    # one product link between chains of 3: 1/3 x 1/3 = 0.11, a gap; of 5: 0.04, none
    assert unspanned_cluster_pairs(chains(3))["severity"].tolist() == [0.1111]
    assert unspanned_cluster_pairs(chains(5)).empty
    pairs = unspanned_cluster_pairs(demo_graph)
    related = pairs["chain"] + pairs["industry_overlap"] / 2
    assert (related >= MIN_RELATEDNESS).all()
    assert (pairs["severity"] == related.round(4)).all()


def test_an_industry_one_member_brings_does_not_relate_two_clusters() -> None:
    def chains(shared: int) -> EcosystemGraph:
        a, b = [f"a{i}" for i in range(3)], [f"b{i}" for i in range(3)]
        return make_graph(
            {
                "Enterprise": [{"id": i, "name": i} for i in a + b],
                "Industry": [{"id": "C21", "name": "家具制造业"}],
            },
            {
                "SUPPLIES": [*itertools.pairwise(a), *itertools.pairwise(b)],
                "IN_INDUSTRY": [(f, "C21") for f in a[:shared] + b[:shared]],
            },
        )

    # one firm of each 3-firm cluster in furniture: (1/3)^2 = 0.11 would pass the
    # threshold, but that is two firms' industry, not the clusters'
    assert unspanned_cluster_pairs(chains(1)).empty
    df = unspanned_cluster_pairs(chains(2))  # two of three on each side: (2/3)^2
    assert df[["chain", "industry_overlap", "severity"]].to_dict("records") == [
        {"chain": 0.0, "industry_overlap": round(4 / 9, 6), "severity": round(2 / 9, 4)}
    ]


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(QueryError, match="unknown gap kind"):
        collaboration_gaps(two_clusters(), kinds=["nonsense"])


def test_gap_tables_are_typed() -> None:
    df = research_gaps(firms_and_partners())
    assert df["severity"].dtype == "float64"
    assert isinstance(df["entity"].dtype, pd.StringDtype)


def test_a_graph_without_sizes_says_the_question_cannot_be_measured() -> None:
    G = make_graph(
        {
            "Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}],
            "ResearchInstitute": [{"id": "r", "name": "郑州大学"}],
        },
        {"COLLABORATES_WITH": [("a", "r")]},
    )
    df = research_gaps(G)
    assert df[["entity", "name", "label", "measurable"]].to_dict("records") == [
        {
            "entity": "not_measurable:size",
            "name": "无法测算 (not measurable)",
            "label": "Note",
            "measurable": False,
        }
    ]
    assert (
        df["detail"]
        .iloc[0]
        .startswith(
            "not measurable: no firm sizes in the data: large and medium enterprises cannot be "
            "identified"
        )
    )
    assert pd.isna(df["severity"].iloc[0]) and "size" in df.columns  # the kind's columns stay
    # Sizes but no firm-institute link anywhere: not measurable either.
    sized = make_graph({"Enterprise": [{"id": "a", "name": "甲", "size": "large"}]})
    assert research_gaps(sized)["entity"].tolist() == ["not_measurable:research_links"]
    # No maker teams: one note, not an empty table.
    teams = finance_gaps(G)
    assert teams["entity"].tolist() == ["not_measurable:maker_teams"]


def test_no_large_or_medium_firm_is_a_note_not_an_empty_table() -> None:
    nodes = {
        "Enterprise": [
            {"id": "a", "name": "甲", "size": "small"},
            {"id": "b", "name": "乙", "size": "large"},
        ],
        "ResearchInstitute": [{"id": "r", "name": "郑州大学"}],
        "Region": [
            {"id": "region:4101", "name": "郑州市", "code": "4101"},
            {"id": "region:4103", "name": "洛阳市", "code": "4103"},
        ],
    }
    edges = {
        "COLLABORATES_WITH": [("a", "r")],
        "LOCATED_IN": [("a", "region:4101"), ("b", "region:4103")],
    }
    G = make_graph(nodes, edges)
    df = research_gaps(G, city="郑州")
    assert df[["entity", "measurable", "detail", "detail_zh"]].to_dict("records") == [
        {
            "entity": "not_measurable:large_medium",
            "measurable": False,
            "detail": "not measurable: no large or medium industrial firms of this city or "
            "industry in the data: no firm to ask about",
            "detail_zh": "无法测算：所选城市或行业没有大中型工业企业，无从判断",
        }
    ]
    assert research_gaps(G, city="洛阳")["entity"].tolist() == ["b"]
    small = make_graph(
        {**nodes, "Enterprise": nodes["Enterprise"][:1]}, {"COLLABORATES_WITH": [("a", "r")]}
    )
    assert research_gaps(small, year=2018)["detail"].tolist() == [
        "not measurable: no large or medium industrial firms in 2018 in the data: no firm to "
        "ask about"
    ]


def test_too_few_clusters_or_links_is_a_note_not_an_empty_table() -> None:
    firms = {"Enterprise": [{"id": i, "name": i} for i in "abc"]}
    one = make_graph(firms, {"SUPPLIES": [("a", "b"), ("b", "c")]})
    for func in (brokers, unspanned_cluster_pairs):
        df = func(one)
        assert df[["entity", "measurable", "missing"]].to_dict("records") == [
            {
                "entity": "not_measurable:clusters",
                "measurable": False,
                "missing": "two or more supply-chain clusters",
            }
        ]
    assert brokers(one)["detail"].item() == (
        "not measurable: one supply-chain cluster only in the data (clusters come from "
        "SUPPLIES links, or from products through PRODUCES / UPSTREAM_OF): there is no pair "
        "of clusters to assess"
    )
    unlinked = make_graph(firms)
    support = cluster_support_gaps(unlinked)
    assert support[["entity", "missing_zh"]].to_dict("records") == [
        {"entity": "not_measurable:clusters", "missing_zh": "供应链集群"}
    ]
    holes = structural_holes(unlinked)
    assert holes[["entity", "missing"]].to_dict("records") == [
        {"entity": "not_measurable:organisation_links", "missing": "links among organisations"}
    ]
    assert "degree" in holes.columns  # the kind's columns stay


def test_below_target_never_shows_nan() -> None:
    G = cities_with_targets()
    G.nodes["Enterprise"]["size"] = pd.array([pd.NA] * 3, dtype="string")
    from innokg.queries.arrays import clear_cache

    clear_cache(G)
    df = target_gaps(G, year=2018)
    assert df[["entity", "measurable", "missing"]].to_dict("records") == [
        {
            "entity": "not_measurable:platform_coverage",
            "measurable": False,
            "missing": "firm sizes (large / medium)",
        }
    ]
    text = " ".join(df[["detail", "detail_zh"]].astype(str).to_numpy().ravel())
    assert "nan" not in text.lower() and "80%" in text and "无法识别大中型企业" in text


def test_typical_cases_lack_firm_sizes_once_a_year_is_given() -> None:
    from innokg.queries.gaps.targets import _indicator_notes

    G = cities_with_targets()
    G.nodes["Enterprise"]["size"] = pd.array([pd.NA] * 3, dtype="string")
    blind = pd.DataFrame(
        {
            "indicator": ["typical_cases"],
            "indicator_en": ["typical cases"],
            "indicator_zh": ["典型案例"],
            "article": [17],
            "target": [10.0],
            "unit": ["count"],
            "deadline": [pd.NA],
            "target_basis": ["province"],
            "note": [""],
        }
    )
    without, with_year = _indicator_notes(G, blind)[0], _indicator_notes(G, blind, 2018)[0]
    assert without["missing_zh"].tolist() == ["指定年份（--year）"]
    assert with_year["missing_zh"].tolist() == ["企业规模（大型、中型）"]


def test_specialised_cities_without_a_technology_centre() -> None:
    G = make_graph(
        {
            "Enterprise": [
                {"id": "car", "name": "车企"},
                {"id": "elec", "name": "电气"},
                {"id": "lone", "name": "其他"},
            ],
            "Platform": [
                {"id": "tc", "name": "技术中心", "kind": "enterprise_tech_center"},
                {"id": "tc2", "name": "技术中心二", "kind": "enterprise_tech_center"},
            ],
            "ResearchInstitute": [{"id": "u", "name": "郑州大学"}],
            "Region": [{"id": "region:4101", "name": "郑州市", "code": "4101"}],
            "Industry": [
                {"id": "industry:gbt4754:C36", "name": "汽车制造业", "code": "C36"},
                {"id": "industry:gbt4754:C38", "name": "电气机械和器材制造业", "code": "C38"},
                {"id": "industry:gbt4754:P83", "name": "教育", "code": "P83"},
            ],
        },
        {
            "SPECIALISES_IN": [
                ("region:4101", "industry:gbt4754:C36", {"quotient": 1.8}),
                ("region:4101", "industry:gbt4754:C38", {"quotient": 1.2}),
                ("region:4101", "industry:gbt4754:P83", {"quotient": 3.0}),  # not industrial
            ],
            "IN_INDUSTRY": [("car", "industry:gbt4754:C36"), ("elec", "industry:gbt4754:C38")],
            "OPERATES": [("elec", "tc"), ("lone", "tc2")],
            "LOCATED_IN": [
                ("car", "region:4101"),
                ("elec", "region:4101"),
                ("lone", "region:4101"),
                ("u", "region:4101"),
            ],
        },
    )
    df = cluster_support_gaps(G)
    spec = df[df["label"] == "Specialisation"]
    assert spec[["entity", "name", "severity", "firms", "unknown_industry"]].to_dict("records") == [
        {
            "entity": "region:4101|industry:gbt4754:C36",
            "name": "郑州市 · 汽车制造业",
            "severity": 1.8,
            "firms": 1,
            "unknown_industry": 1,
        }
    ]
    assert spec["detail"].iloc[0] == (
        "location quotient 1.80: 1 firm(s) of 汽车制造业 in 郑州市 in the graph, none with a "
        "platform (enterprise_tech_center); 1 platform-holding firm(s) there of unknown "
        "industry; 1 universities or institutes in the city"
    )


def test_a_scoped_graph_reports_the_province_s_organisations() -> None:
    G = star_and_triangle()
    G.nodes["Region"] = pd.concat(
        [G.nodes["Region"], pd.DataFrame([{"id": "region:41", "name": "河南省"}])]
    ).assign(source="test", level="province")
    G.edges["LOCATED_IN"] = pd.DataFrame(
        [{"from_id": "hub", "to_id": "region:41", "source": "test", "evidence": "observed"}]
    )
    scoped = EcosystemGraph(G.nodes, G.edges, manifest={"scope": "henan"})
    assert structural_holes(scoped)["entity"].tolist() == ["hub"]
    assert len(structural_holes(EcosystemGraph(G.nodes, G.edges))) > 1


@pytest.fixture(scope="module")
def henan(shared_data, tmp_path_factory: pytest.TempPathFactory) -> EcosystemGraph:
    from innokg.henan import build_henan

    out = tmp_path_factory.mktemp("henan") / "henan"
    build_henan(out, data=shared_data, database=False)
    return EcosystemGraph.open(out)


@pytest.mark.realdata
def test_real_gaps_answer_or_say_what_they_lack(henan: EcosystemGraph) -> None:
    tables = {kind: func(henan) for kind, (func, _, _) in GAP_KINDS.items()}
    for kind, df in tables.items():
        text = df[["name", "missing", "missing_zh", "city", "detail", "detail_zh"]]
        flat = " ".join(text.astype(str).to_numpy().ravel()).lower()
        assert "nan" not in flat and "<na>" not in flat, kind
        if kind in ("unspanned_pair", "broker") and df.empty:
            # measured, and none found: every pair of clusters that shares a chain or an
            # industry (two firms or more on each side) is linked by someone; no pair of
            # clusters depends on one organisation alone
            assert supply_clusters(henan)["cluster"].nunique() >= 2
            continue
        assert len(df), f"{kind} is empty: a gap or a note row is expected"
    notes = {
        kind: df.loc[~df["measurable"]].set_index("entity")["detail"].to_dict()
        for kind, df in tables.items()
    }
    assert "no firm sizes in the data" in notes["no_research_partner"]["not_measurable:size"]
    assert set(notes["cluster_support"]) == {
        "not_measurable:alliances",
        "not_measurable:funds",
        "not_measurable:institutes",
    }
    assert (
        "178 in the data but none linked to a firm"
        in (notes["cluster_support"]["not_measurable:institutes"])
    )
    assert "no maker teams" in notes["team_no_finance"]["not_measurable:maker_teams"]
    assert "not_measurable:platform_coverage" in notes["below_target"]
    # Measurable on public data: clusters and specialisations without a technology centre,
    # and the province's firms in the supply network.
    support = tables["cluster_support"]
    assert {"Cluster", "Specialisation"} <= set(support.loc[support["measurable"], "label"])
    placed = set(henan.edges["LOCATED_IN"]["from_id"])
    for kind in ("single_source", "structural_hole", "broker"):
        assert set(tables[kind]["entity"]) <= placed, kind


@pytest.mark.realdata
def test_real_gaps_say_what_is_inferred_and_what_the_data_lacks(henan: EcosystemGraph) -> None:
    # Every supply link of the real build is inferred from the product chain: no
    # single-source row states it as a fact.
    assert set(henan.edges["SUPPLIES"]["evidence"]) == {"inferred"}
    single = single_source_gaps(henan)
    assert len(single) and set(single["evidence"]) == {"inferred"}
    supplies = single[single["basis"] == "supplies"]
    assert len(supplies)
    assert supplies["detail_zh"].str.startswith("据推断仅由").all()
    assert supplies["detail_zh"].str.endswith("（供货关系为推断，有待向企业核实）").all()
    assert supplies["detail"].str.contains(r"supplies it \(inferred: ", regex=True).all()
    # A specialisation with no firm of its industry in the city is a data gap, one row
    # per city, after every row about firms that exist.
    support = cluster_support_gaps(henan)
    spec = support[support["label"] == "Specialisation"]
    assert len(spec) and (spec["firms"] > 0).all()
    blind = support[support["label"] == "SpecialisationNoFirms"]
    assert len(blind) and blind["city"].is_unique
    assert (blind["missing_zh"] == "图中没有这些产业的企业（数据缺口，需补充企业名录）").all()
    assert blind.index.min() > spec.index.max()
    assert "企业 0 家" not in " ".join(support["detail_zh"])
    # Brokers are only those some pair of clusters depends on.
    assert (brokers(henan)["severity"] >= 1).all()
    # Structural holes rank organisations with three contacts or more.
    holes = structural_holes(henan)
    measured = holes[holes["measurable"]]
    assert len(measured) and (measured["degree"] >= MIN_CONTACTS).all()
    everyone = structural_holes(henan, min_degree=1)
    assert set(measured["entity"]) == set(everyone.loc[everyone["degree"] >= 3, "entity"])


def _four_related_clusters() -> EcosystemGraph:
    """Four supply chains of three firms: two make steel, two make cars (of steel);
    nobody links them, so each steel cluster and each car cluster make a pair."""
    firms = [f"{c}{i}" for c in "abcd" for i in range(3)]
    supplies = [(f"{c}{i}", f"{c}{i + 1}") for c in "abcd" for i in range(2)]
    made = [("a0", "steel"), ("b0", "car"), ("c0", "steel"), ("d0", "car")]
    return make_graph(
        {
            "Enterprise": [{"id": i, "name": i} for i in firms],
            "Product": [{"id": "steel", "name": "钢材"}, {"id": "car", "name": "汽车"}],
        },
        {"SUPPLIES": supplies, "PRODUCES": made, "UPSTREAM_OF": [("steel", "car")]},
    )


@pytest.mark.parametrize("kind", ["structural_hole", "unspanned_pair"])
def test_a_kind_asked_for_its_first_rows_words_those_and_counts_the_rest(
    demo_graph: EcosystemGraph, kind: str
) -> None:
    G = demo_graph if kind == "structural_hole" else _four_related_clusters()
    func = GAP_KINDS[kind][0]
    whole = func(G)
    assert len(whole) > 3 and ROWS not in whole.attrs
    first = func(G, limit=3)
    pd.testing.assert_frame_equal(first, whole.head(3))
    assert first.attrs[ROWS] == len(whole)
    none = func(G, limit=0)
    assert none.empty and list(none.columns) == list(whole.columns)
    assert none.attrs[ROWS] == len(whole)
    # the stacked table's first rows are the same whether the kind words them or not
    stacked = collaboration_gaps(G, kinds=[kind], limit=3)
    pd.testing.assert_frame_equal(stacked, whole.head(3)[stacked.columns.tolist()])
