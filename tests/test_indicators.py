"""Policy indicators: values, targets, gaps by province, city and year; typical cases."""

from __future__ import annotations

import pandas as pd
import pytest
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import resolve_city, resolve_industries
from innokg.queries.indicators import (
    INDICATORS,
    latest_year,
    policy_indicators,
    policy_measures,
    typical_cases,
)

from tests.factory import make_graph

MEASURES = [
    {
        "id": "m3a",
        "name": "“双创”平台普及率",
        "name_en": "platform coverage",
        "article": 3,
        "indicator": "platform_coverage",
        "target": 0.8,
        "target_unit": "share",
        "deadline": 2018,
    },
    {
        "id": "m3b",
        "name": "示范平台",
        "article": 3,
        "indicator": "demonstration_platforms",
        "target": 100,
        "target_unit": "count",
        "deadline": 2018,
    },
    {
        "id": "m3c",
        "name": "示范团队",
        "article": 3,
        "indicator": "demonstration_teams",
        "target": 100,
        "target_unit": "count",
        "deadline": 2018,
    },
    {
        "id": "m12",
        "name": "百名企业家",
        "article": 12,
        "indicator": "entrepreneurs",
        "target": 100,
        "target_unit": "count",
    },
    {"id": "m4", "name": "生态圈", "article": 4, "indicator": "ecosystem_breadth"},
    {"id": "m11", "name": "社会创客", "article": 11, "indicator": "social_teams"},
    {"id": "m13", "name": "服务体系", "article": 13, "indicator": "cluster_services"},
    {"id": "m14", "name": "金融服务", "article": 14, "indicator": "maker_finance"},
    {"id": "m7", "name": "技术创客", "article": 7, "indicator": "technology_teams"},
    {
        "id": "m17",
        "name": "典型案例",
        "article": 17,
        "indicator": "typical_cases",
        "target": 10,
        "target_unit": "per_year",
    },
]


def small_province(with_measures: bool = True) -> EcosystemGraph:
    nodes = {
        "Enterprise": [
            {"id": "z1", "name": "郑一", "size": "large", "since": 2000},
            {"id": "z2", "name": "郑二", "size": "medium", "since": 2000},
            {"id": "l1", "name": "洛一", "size": "large", "since": 2000},
            {"id": "l2", "name": "洛二", "size": "small", "since": 2000},
        ],
        "Platform": [
            {
                "id": "p1",
                "name": "众创空间",
                "kind": "maker_space",
                "since": 2017,
                "demonstration": 2018,
            },
            {"id": "p2", "name": "合建平台", "kind": "co_built_rnd", "since": 2019},
            {"id": "p3", "name": "公共服务平台", "kind": "public_tech_service", "since": 2015},
        ],
        "MakerTeam": [
            {
                "id": "t1",
                "name": "技术团队",
                "kind": "technology",
                "since": 2016,
                "demonstration": 2017,
            },
            {"id": "t2", "name": "社会团队", "kind": "social", "since": 2018},
        ],
        "Person": [{"id": "boss", "name": "企业家", "role": "entrepreneur", "recognised": 2018}],
        "Fund": [{"id": "f", "name": "创客基金", "kind": "maker_fund", "since": 2016}],
        "Alliance": [{"id": "al", "name": "产学研用联盟", "kind": "industry_university_research"}],
        "Zone": [{"id": "zc", "name": "产业集聚区", "kind": "industrial_cluster"}],
        "Region": [
            {"id": "region:41", "name": "河南省", "code": "41", "level": "province"},
            {"id": "region:4101", "name": "郑州市", "name_en": "Zhengzhou", "code": "4101"},
            {"id": "region:4103", "name": "洛阳市", "code": "4103"},
        ],
    }
    if with_measures:
        nodes["PolicyMeasure"] = MEASURES
    edges = {
        "ESTABLISHED": [("z1", "p1"), ("l1", "p2"), ("z1", "f", {"since": 2016})],
        "OPERATES": [("zc", "p3")],
        "HOSTS": [("z1", "t1"), ("p1", "t2")],
        "LEADS": [("boss", "z1")],
        "INVESTS_IN": [("f", "t1", {"since": 2017})],
        "MEMBER_OF": [("z2", "al"), ("l1", "al")],
        "LOCATED_IN": [
            ("z1", "region:4101"),
            ("z2", "region:4101"),
            ("l1", "region:4103"),
            ("l2", "region:4103"),
            ("zc", "region:4101"),
            ("f", "region:4101"),
            ("region:4101", "region:41"),
            ("region:4103", "region:41"),
        ],
    }
    return make_graph(nodes, edges)


def values(df: pd.DataFrame) -> dict[str, float]:
    return {k: round(float(v), 4) for k, v in zip(df["indicator"], df["value"], strict=True)}


def test_province_values_as_of_2018() -> None:
    df = policy_indicators(small_province(), year=2018)
    got = values(df)
    assert got == {
        "platform_coverage": 0.3333,  # z1 of z1, z2, l1 (l1's platform dates from 2019)
        "demonstration_platforms": 1.0,
        "demonstration_teams": 1.0,
        "entrepreneurs": 1.0,
        "ecosystem_breadth": 1.3333,  # z1: platform + fund; z2, l1: alliance
        "rnd_platforms": 0.0,
        "co_built_rnd": 0.0,
        "alliance_membership": 0.6667,
        "technology_teams": 0.3333,
        "employee_platforms": 0.0,
        "craftsman_studios": 0.0,
        "open_platforms": 0.0,
        "social_teams": 1.0,
        "maker_chain": 1.0,  # z1: maker space, hosted team, maker fund
        "cluster_services": 1.0,
        "iur_alliances": 1.0,
        "investment_platforms": 1.0,
        "maker_funds": 1.0,
        "teams_financed": 0.5,
        "typical_cases": 0.0,  # all three firms were already chosen in 2017
    }
    row = df.set_index("indicator").loc["platform_coverage"]
    assert (row["article"], row["target"], row["deadline"], row["met"]) == (3, 0.8, 2018, False)
    assert row["gap"] == pytest.approx(0.8 - 1 / 3)
    assert (row["numerator"], row["denominator"], row["group_name"]) == (1.0, 3.0, "河南省")
    entrepreneurs = df.set_index("indicator").loc["entrepreneurs"]
    assert (entrepreneurs["target"], entrepreneurs["gap"]) == (100.0, 99.0)
    assert pd.isna(entrepreneurs["deadline"])
    context = df.set_index("indicator").loc["alliance_membership"]
    assert pd.isna(context["target"]) and pd.isna(context["met"]) and context["article"] == 6


def test_only_what_existed_counts() -> None:
    G = small_province()
    assert values(policy_indicators(G, year=2016, indicators=["platform_coverage"])) == {
        "platform_coverage": 0.0
    }
    assert values(policy_indicators(G, year=2020, indicators=["platform_coverage"])) == {
        "platform_coverage": 0.6667
    }
    series = policy_indicators(
        G, by="year", year=2019, start=2016, indicators=["demonstration_platforms"]
    )
    assert series[["group", "value"]].to_dict("records") == [
        {"group": "2016", "value": 0.0},
        {"group": "2017", "value": 0.0},
        {"group": "2018", "value": 1.0},
        {"group": "2019", "value": 1.0},
    ]


def test_by_city_with_pro_rata_count_targets() -> None:
    df = policy_indicators(
        small_province(),
        by="city",
        year=2018,
        indicators=["platform_coverage", "demonstration_platforms"],
    )
    got = df[["group_name", "indicator", "value", "target", "target_basis", "met"]]
    assert got.to_dict("records") == [
        {
            "group_name": "郑州市",
            "indicator": "platform_coverage",
            "value": 0.5,
            "target": 0.8,
            "target_basis": "seed",
            "met": False,
        },
        {
            "group_name": "洛阳市",
            "indicator": "platform_coverage",
            "value": 0.0,
            "target": 0.8,
            "target_basis": "seed",
            "met": False,
        },
        # 100 platforms, apportioned by large and medium firms: 2 of 3 and 1 of 3.
        {
            "group_name": "郑州市",
            "indicator": "demonstration_platforms",
            "value": 1.0,
            "target": 66.67,
            "target_basis": "pro_rata",
            "met": False,
        },
        {
            "group_name": "洛阳市",
            "indicator": "demonstration_platforms",
            "value": 0.0,
            "target": 33.33,
            "target_basis": "pro_rata",
            "met": False,
        },
    ]


def test_filters_and_the_alliance_counted_in_each_members_city() -> None:
    G = small_province()
    by_city = policy_indicators(G, by="city", indicators=["iur_alliances"])
    assert by_city["value"].tolist() == [1.0, 1.0]
    assert values(policy_indicators(G, city="洛阳", indicators=["platform_coverage"])) == {
        "platform_coverage": 1.0  # l1's platform, counting everything (no year)
    }


def test_typical_cases_are_new_each_year() -> None:
    G = small_province()
    first = typical_cases(G, year=2017, k=1)
    assert first[["rank", "id", "score", "teams", "demonstration_teams", "funds"]].to_dict(
        "records"
    ) == [{"rank": 1, "id": "z1", "score": 5.0, "teams": 1, "demonstration_teams": 1, "funds": 1}]
    # 2018: z1 is taken; l1 and z2 tie on one alliance each; the smaller id wins.
    assert typical_cases(G, year=2018, k=1)[["id", "score"]].to_dict("records") == [
        {"id": "l1", "score": 1.0}
    ]
    assert typical_cases(G, year=2018, k=1, first_year=2018)["id"].tolist() == ["z1"]


def test_targets_come_from_the_graph_or_else_from_the_seed_table() -> None:
    from_graph = policy_measures(small_province())
    assert from_graph.set_index("indicator").loc["platform_coverage", "target_source"] == "graph"
    seed = policy_measures(small_province(with_measures=False))
    assert set(seed["target_source"]) == {"seed table"}
    assert seed.set_index("indicator").loc["demonstration_teams", "target"] == 100
    assert seed.set_index("indicator").loc["typical_cases", "article"] == 17


def test_every_indicator_of_the_demo_is_tied_to_its_article(demo_graph: EcosystemGraph) -> None:
    df = policy_indicators(demo_graph)
    assert set(df["indicator"]) == {ind.key for ind in INDICATORS} and len(df) == len(INDICATORS)
    assert df["article"].notna().all() and df["title"].notna().all()
    head = df.set_index("indicator")
    assert head.loc["platform_coverage", ["target", "deadline"]].tolist() == [0.8, 2018]
    assert head.loc["typical_cases", "target"] == 10
    assert sorted(set(df["article"])) == [3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 17]
    by_city = policy_indicators(demo_graph, by="city", year=2018)
    assert by_city["group_name"].nunique() == 18


def test_latest_year_and_name_resolution() -> None:
    G = small_province()
    assert latest_year(G) == 2019
    city = resolve_city(G, "郑州")
    assert city == resolve_city(G, "郑州市") == resolve_city(G, "Zhengzhou")
    assert city == resolve_city(G, "region:4101") == resolve_city(G, "4101")
    with pytest.raises(QueryError, match="not exactly one city"):
        resolve_city(G, "河南省")
    with pytest.raises(QueryError, match="no industry"):
        resolve_industries(G, "C99")
    with pytest.raises(QueryError, match="unknown indicator"):
        policy_indicators(G, indicators=["nonsense"])
