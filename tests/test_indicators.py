"""Policy indicators: values, targets, gaps by province, city and year; typical cases."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import arrays, resolve_city, resolve_industries
from innokg.queries.indicators import (
    INDICATORS,
    latest_year,
    policy_indicators,
    policy_measures,
    typical_cases,
)
from tests.conftest import REPO
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


def values(df: pd.DataFrame) -> dict[str, float | None]:
    """Indicator -> value (None: not measurable)."""
    return {
        k: None if pd.isna(v) else round(float(v), 4)
        for k, v in zip(df["indicator"], df["value"], strict=True)
    }


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
        "national_tech_centres": None,  # no data of these: not measurable, not 0
        "tech_centre_firms": None,
        "universities": None,
        "employee_platforms": None,
        "craftsman_studios": None,
        "open_platforms": None,
        "social_teams": 1.0,
        "maker_chain": 1.0,  # z1: maker space, hosted team, maker fund
        "cluster_services": 1.0,
        "iur_alliances": 1.0,
        "investment_platforms": 1.0,
        "maker_funds": 1.0,
        "teams_financed": 0.5,
        "typical_cases": 0.0,  # all three firms were already chosen in 2017
        "listed_firms": None,
        "specialisations": None,
    }
    assert (df["measurable"] == df["value"].notna()).all()
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
        # 100 platforms, allocated by large and medium firms (2 of 3 and 1 of 3) in
        # whole numbers by largest remainder: 66.67 -> 67, 33.33 -> 33.
        {
            "group_name": "郑州市",
            "indicator": "demonstration_platforms",
            "value": 1.0,
            "target": 67.0,
            "target_basis": "pro_rata",
            "met": False,
        },
        {
            "group_name": "洛阳市",
            "indicator": "demonstration_platforms",
            "value": 0.0,
            "target": 33.0,
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


def test_targets_come_from_the_graph_and_from_nothing_else() -> None:
    from_graph = policy_measures(small_province())
    assert from_graph.set_index("indicator").loc["platform_coverage", "target_source"] == "graph"
    assert policy_measures(small_province(with_measures=False)).empty


def test_every_indicator_of_the_demo_is_tied_to_its_article(demo_graph: EcosystemGraph) -> None:
    df = policy_indicators(demo_graph)
    assert set(df["indicator"]) == {ind.key for ind in INDICATORS} and len(df) == len(INDICATORS)
    context = df["indicator"].isin(["listed_firms", "specialisations"])
    assert df.loc[~context, "article"].notna().all() and df.loc[~context, "title"].notna().all()
    assert df.loc[context, "article"].isna().all()
    head = df.set_index("indicator")
    assert head.loc["platform_coverage", ["target", "deadline"]].tolist() == [0.8, 2018]
    # Typical cases are chosen year by year: without a year, not measurable (no 0 / 10).
    assert not head.loc["typical_cases", "measurable"]
    assert pd.isna(head.loc["typical_cases", "target"]) and pd.isna(
        head.loc["typical_cases", "met"]
    )
    as_of = policy_indicators(demo_graph, year=2018).set_index("indicator")
    assert as_of.loc["typical_cases", "target"] == 10 and as_of.loc["typical_cases", "measurable"]
    assert sorted(set(df["article"].dropna())) == [3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 17]
    by_city = policy_indicators(demo_graph, by="city", year=2018)
    assert by_city["group_name"].nunique() == 18


def test_latest_year_and_name_resolution() -> None:
    G = small_province()
    assert latest_year(G) == 2019
    city = resolve_city(G, "郑州")
    assert city == resolve_city(G, "郑州市") == resolve_city(G, "Zhengzhou")
    assert city == resolve_city(G, "region:4101") == resolve_city(G, "4101")
    with pytest.raises(QueryError, match="河南省 is the province itself; leave out the city"):
        resolve_city(G, "河南省")
    with pytest.raises(QueryError, match="no industry"):
        resolve_industries(G, "C99")
    with pytest.raises(QueryError, match="unknown indicator"):
        policy_indicators(G, indicators=["nonsense"])


# --- measurable or not, and the measures public lists give ---------------------------------


def public_lists() -> EcosystemGraph:
    """A graph like the real build: no sizes, no demonstration data; tech centres, listed
    firms (one outside the province), universities and location quotients."""
    nodes = {
        "Enterprise": [
            {"id": "zz", "name": "郑州甲", "listed": True},
            {"id": "ly", "name": "洛阳乙", "listed": True},
            {"id": "hn", "name": "河南丙", "listed": True},  # placed in the province only
            {"id": "sh", "name": "上海丁", "listed": True},  # a chain partner elsewhere
            {"id": "host", "name": "洛阳戊"},
        ],
        "Platform": [
            {
                "id": "c1",
                "name": "甲技术中心",
                "kind": "enterprise_tech_center",
                "level": "national",
                "list_year": 2018,
            },
            {
                "id": "c2",
                "name": "戊技术中心",
                "kind": "enterprise_tech_center",
                "level": "national",
                "list_year": 2019,
                "branch": True,
            },
            {
                "id": "c3",
                "name": "戊技术中心二",
                "kind": "enterprise_tech_center",
                "level": "national",
                "list_year": 2018,
            },
            {
                "id": "c4",
                "name": "省级中心",
                "kind": "enterprise_tech_center",
                "level": "provincial",
            },
            {
                "id": "c5",
                "name": "丙技术中心",
                "kind": "enterprise_tech_center",
                "level": "national",
                "list_year": 2018,
            },
        ],
        "ResearchInstitute": [
            {"id": "u1", "name": "郑州大学", "level": "本科"},
            {"id": "u2", "name": "郑州职院", "level": "专科"},
            {"id": "u3", "name": "洛阳院", "level": "本科"},
        ],
        "Industry": [
            {"id": "C36", "name": "汽车制造业", "code": "C36"},
            {"id": "C26", "name": "化学原料和化学制品制造业", "code": "C26"},
            {"id": "K70", "name": "房地产业", "code": "K70"},
        ],
        "Region": [
            {"id": "region:41", "name": "河南省", "code": "41", "level": "province"},
            {"id": "region:4101", "name": "郑州市", "code": "4101"},
            {"id": "region:4103", "name": "洛阳市", "code": "4103"},
            {"id": "region:419001", "name": "济源市", "code": "419001"},
        ],
        "PolicyMeasure": MEASURES,
    }
    edges = {
        "OPERATES": [("zz", "c1"), ("host", "c2"), ("host", "c3"), ("zz", "c4"), ("hn", "c5")],
        "IN_INDUSTRY": [("zz", "C36"), ("ly", "C26"), ("host", "C36")],
        "SPECIALISES_IN": [
            ("region:4101", "C36", {"quotient": 1.5, "year": 2017}),
            ("region:4101", "K70", {"quotient": 2.4, "year": 2017}),  # not 工业
            ("region:4103", "C36", {"quotient": 1.2, "year": 2017}),
            ("region:4103", "C26", {"quotient": 2.1, "year": 2017}),
        ],
        "LOCATED_IN": [
            ("zz", "region:4101"),
            ("ly", "region:4103"),
            ("hn", "region:41"),
            ("host", "region:4103"),
            ("c1", "region:4101"),
            ("c2", "region:4103"),
            ("c3", "region:41"),  # names no city: placed by its host's (洛阳)
            ("c5", "region:41"),  # and its host's neither: in no city
            ("u1", "region:4101"),
            ("u2", "region:4101"),
            ("u3", "region:4103"),
            ("region:4101", "region:41"),
            ("region:4103", "region:41"),
            ("region:419001", "region:41"),
        ],
    }
    return make_graph(nodes, edges)


def test_firms_placed_in_other_provinces_are_not_the_provinces_own() -> None:
    """The real build places chain partners in other provinces' Region nodes."""
    G = public_lists()
    nodes = {k: v.copy() for k, v in G.nodes.items()}
    edges = {k: v.copy() for k, v in G.edges.items()}
    shanghai = {"id": "region:31", "name": "上海市", "code": "31", "level": "province"}
    nodes["Region"] = pd.concat([nodes["Region"], pd.DataFrame([shanghai])], ignore_index=True)
    located = edges["LOCATED_IN"].iloc[[0]].assign(from_id="sh", to_id="region:31")
    edges["LOCATED_IN"] = pd.concat([edges["LOCATED_IN"], located], ignore_index=True)
    scoped = EcosystemGraph(nodes, edges, manifest={"scope_region": "region:41"})
    got = table(policy_indicators(scoped, year=2019), "value", "detail")
    assert got[("河南省", "listed_firms")] == (3.0, "1 of 3 not placed in a city")


def table(df: pd.DataFrame, *cols: str) -> dict[tuple[str, str], tuple]:
    out = {}
    for r in df.itertuples(index=False):
        out[(r.group_name, r.indicator)] = tuple(
            None if pd.isna(getattr(r, c)) else getattr(r, c) for c in cols
        )
    return out


def test_without_sizes_or_demonstrations_nothing_is_zero_or_met() -> None:
    df = policy_indicators(public_lists(), year=2019)
    row = df.set_index("indicator")
    for key in ("platform_coverage", "rnd_platforms", "typical_cases"):
        assert not row.loc[key, "measurable"]
        assert row.loc[key, ["value", "numerator", "target", "gap", "met"]].isna().all()
        assert row.loc[key, "note"].startswith(
            "no firm sizes in the data: which enterprises are large or medium is unknown"
        )
    assert row.loc["platform_coverage", "note"].endswith("(the policy's target: 80% by 2018)")
    assert row.loc["demonstration_platforms", "note"] == (
        "no demonstration platform data: not measurable (the policy's target: 100 by 2018)"
    )
    assert row.loc["social_teams", "note"] == "no maker teams in the data: not measurable"
    assert not (df["met"].fillna(False) & ~df["measurable"]).any()
    assert (df["measurable"] == df["value"].notna()).all()


def test_a_share_with_no_link_recorded_anywhere_is_not_measurable() -> None:
    nodes = {
        "Enterprise": [
            {"id": "a", "name": "甲", "size": "large"},
            {"id": "b", "name": "乙", "size": "medium"},
        ],
        "Platform": [{"id": "p", "name": "研发中心", "kind": "self_built_rnd"}],
        "MakerTeam": [{"id": "t", "name": "技术团队", "kind": "technology"}],
        "Fund": [{"id": "f", "name": "基金"}],
        "Alliance": [{"id": "al", "name": "联盟"}],
        "PolicyMeasure": MEASURES,
    }
    row = policy_indicators(make_graph(nodes), year=2018).set_index("indicator")
    notes = {
        "platform_coverage": "no firm–platform links in the data (ESTABLISHED / OPERATES): "
        "not measurable (the policy's target: 80% by 2018)",
        "ecosystem_breadth": "no links between firms and their partners in the data: "
        "not measurable",
        "rnd_platforms": "no firm–R&D platform links in the data (ESTABLISHED / OPERATES): "
        "not measurable",
        "alliance_membership": "no alliance memberships of firms in the data (MEMBER_OF): "
        "not measurable",
        "technology_teams": "no firm–technology team links in the data (HOSTS / ESTABLISHED): "
        "not measurable",
        "teams_financed": "no investments in maker teams in the data (INVESTS_IN): not measurable",
        "typical_cases": "no links of firms that the typical-case score counts in the data: "
        "not measurable (the policy's target: 10 a year)",
    }
    assert {k: row.loc[k, "note"] for k in notes} == notes
    assert row.loc[list(notes), ["value", "target", "gap", "met"]].isna().all().all()
    # One record of the link anywhere (here from 2019) and the share is measured: 0 in 2018.
    linked = make_graph(nodes, {"OPERATES": [("a", "p", {"since": 2019})]})
    row = policy_indicators(linked, year=2018).set_index("indicator")
    assert (row.loc["platform_coverage", "value"], row.loc["platform_coverage", "met"]) == (
        0.0,
        False,
    )
    assert row.loc["ecosystem_breadth", "measurable"]


def test_typical_cases_without_candidates_are_not_measurable() -> None:
    G = make_graph(
        {
            "Enterprise": [{"id": "a", "name": "甲", "size": "small"}],
            "Platform": [{"id": "p", "name": "众创空间", "kind": "maker_space"}],
            "PolicyMeasure": MEASURES,
        },
        {"OPERATES": [("a", "p")]},
    )
    row = policy_indicators(G, year=2018).set_index("indicator").loc["typical_cases"]
    assert (row["measurable"], row["note"]) == (
        False,
        "no large or medium industrial firms in 2018: no candidates for typical cases "
        "(the policy's target: 10 a year)",
    )
    assert pd.isna(row["value"]) and pd.isna(row["met"])  # never "0 of 10, not met"


def test_public_lists_by_province_city_and_industry() -> None:
    G = public_lists()
    province = policy_indicators(G, year=2019)
    got = table(province, "measurable", "value", "target", "met", "detail")
    assert got[("河南省", "national_tech_centres")] == (
        True,
        4.0,
        None,
        None,
        "incl. 1 branch centre; 1 of 4 not placed in a city",
    )  # the provincial centre is not national
    assert got[("河南省", "tech_centre_firms")] == (
        True,
        3.0,
        None,
        None,
        "1 of 3 not placed in a city",
    )
    assert got[("河南省", "universities")] == (True, 3.0, None, None, "专科 1, 本科 2")
    # 上海丁 is a chain partner outside the province: not counted.
    assert got[("河南省", "listed_firms")] == (True, 3.0, None, None, "1 of 3 not placed in a city")
    assert got[("河南省", "specialisations")] == (
        True,
        3.0,
        None,
        None,
        "most widespread: C36 汽车制造业 (2 cities), C26 化学原料和化学制品制造业 (1 cities)",
    )  # K70 is not 工业
    articles = province.set_index("indicator")["article"]
    assert articles["national_tech_centres"] == 6 and pd.isna(articles["listed_firms"])

    city = policy_indicators(G, by="city", year=2019)
    got = table(city, "measurable", "value", "detail")
    assert {k: v[1] for k, v in got.items() if k[1] == "national_tech_centres"} == {
        ("郑州市", "national_tech_centres"): 1.0,
        ("洛阳市", "national_tech_centres"): 2.0,
        ("济源市", "national_tech_centres"): 0.0,
    }
    assert {k[0]: v[1] for k, v in got.items() if k[1] == "listed_firms"} == {
        "郑州市": 1.0,
        "洛阳市": 1.0,
        "济源市": 0.0,
    }
    assert {k[0]: v[1] for k, v in got.items() if k[1] == "universities"} == {
        "郑州市": 2.0,
        "洛阳市": 1.0,
        "济源市": 0.0,
    }
    assert got[("洛阳市", "specialisations")] == (
        True,
        2.0,
        "top: C26 化学原料和化学制品制造业 2.10, C36 汽车制造业 1.20",
    )
    # 济源 has no quotient at all: unknown, not 0.
    assert got[("济源市", "specialisations")] == (False, None, "")
    notes = city.set_index(["group_name", "indicator"])["note"]
    assert notes[("济源市", "specialisations")] == "no location quotients for this city in the data"
    assert "1 of 3 have no city in the data and are in no row" in notes[("郑州市", "listed_firms")]

    industry = policy_indicators(G, by="industry", year=2019)
    got = table(industry, "measurable", "value", "detail")
    assert got[("汽车制造业", "specialisations")] == (True, 2.0, "top: 郑州市 1.50, 洛阳市 1.20")
    assert got[("汽车制造业", "tech_centre_firms")][:2] == (True, 2.0)
    assert got[("汽车制造业", "universities")][:2] == (False, None)
    assert "房地产业" not in set(industry["group_name"])


def test_tech_centres_before_the_list_are_unknown() -> None:
    row = policy_indicators(public_lists(), year=2016, indicators=["national_tech_centres"])
    assert not row["measurable"].item() and pd.isna(row["value"].item())
    assert row["note"].item() == (
        "the national list in the data is of 2018–2019: which centres were in force in 2016 "
        "is unknown"
    )


def test_demonstrations_without_sizes_are_counted_but_not_allocated() -> None:
    G = make_graph(
        {
            "Enterprise": [{"id": "e1", "name": "甲"}],
            "Platform": [
                {"id": "p1", "name": "示范一", "kind": "maker_space", "demonstration": 2017},
                {"id": "p2", "name": "示范二", "kind": "maker_space", "demonstration": 2019},
            ],
            "Region": [{"id": "region:4101", "name": "郑州市", "code": "4101"}],
            "PolicyMeasure": MEASURES,
        },
        {"LOCATED_IN": [("p1", "region:4101"), ("p2", "region:4101")]},
    )
    province = policy_indicators(G, year=2018, indicators=["demonstration_platforms"])
    assert table(province, "measurable", "value", "target", "gap", "met") == {
        ("全部", "demonstration_platforms"): (True, 1.0, 100.0, 99.0, False)
    }
    city = policy_indicators(G, by="city", year=2018, indicators=["demonstration_platforms"])
    assert table(city, "measurable", "value", "target", "met") == {
        ("郑州市", "demonstration_platforms"): (True, 1.0, None, None)
    }
    assert city["note"].item() == (
        "the province's target of 100 cannot be allocated: no large or medium industrial "
        "firms are known"
    )


def test_city_targets_are_whole_numbers_that_add_up(demo_graph: EcosystemGraph) -> None:
    df = policy_indicators(demo_graph, by="city", year=2018)
    demo = df[df["indicator"] == "demonstration_platforms"]
    assert demo["target"].dropna().map(float.is_integer).all()
    assert demo["target"].sum() == 100
    assert set(demo["target_basis"].dropna()) <= {"pro_rata", ""}
    assert demo["note"].str.contains("largest remainder").any()


def test_targets_come_only_from_the_graph_when_it_has_measures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import innokg.loaders.reference as reference

    def forbidden() -> None:
        raise AssertionError("read the shipped seed table although the graph has measures")

    monkeypatch.setattr(reference, "henan_policy_measures", forbidden)
    df = policy_indicators(small_province(), year=2018)
    assert set(df["target_source"].dropna()) == {"graph"}
    # rnd_platforms has no measure in this graph: no target, its article from the code.
    row = df.set_index("indicator").loc["rnd_platforms"]
    assert pd.isna(row["target"]) and row["article"] == 6


def test_a_graph_without_measures_has_no_targets_and_says_so() -> None:
    df = policy_indicators(small_province(with_measures=False), year=2018)
    row = df.set_index("indicator").loc["platform_coverage"]
    assert pd.isna(row["target"]) and pd.isna(row["met"])
    assert "no policy measures in the graph: targets unknown" in row["note"]


def test_every_build_carries_the_seed_policy_measures(tmp_path: Path) -> None:
    from innokg.loaders.reference import henan_policy_measures
    from innokg.pipeline import build_from_sources

    result = build_from_sources(
        [f"tables:{REPO / 'examples' / 'tables'}"], tmp_path / "g", database=False
    )
    assert result.manifest["counts"]["nodes"]["PolicyMeasure"] == len(henan_policy_measures())
    G = EcosystemGraph.open(tmp_path / "g")
    row = policy_measures(G).set_index("indicator").loc["platform_coverage"]
    assert (row["target_source"], float(row["target"])) == ("graph", 0.8)


def run(*args: object) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_cli_city_with_by_city_gives_that_citys_rows(demo_package: Path) -> None:
    every = pd.read_csv(
        io.StringIO(run("indicators", demo_package, "--by", "city", "--format", "csv"))
    )
    one = pd.read_csv(
        io.StringIO(
            run("indicators", demo_package, "--by", "city", "--city", "郑州", "--format", "csv")
        )
    )
    assert set(one["group_name"]) == {"郑州市"} and len(one) == len(INDICATORS)
    mine = every[every["group_name"] == "郑州市"].reset_index(drop=True)
    pd.testing.assert_frame_equal(one, mine)
    screen = run("indicators", demo_package, "--by", "city", "--city", "郑州市")
    assert "郑州市" in screen and "开封市" not in screen
    assert "政策指标（郑州市），截至 2021 年（图中最新年份）" in screen  # not the province's
    english = run("indicators", demo_package, "--by", "city", "--city", "郑州市", "--lang", "en")
    assert "Policy indicators for city 郑州市, as of 2021 (the latest year in the graph)" in english
    # without --year: the latest year, as the brief uses
    assert every["year"].unique().tolist() == [2021]
    latest = policy_indicators(demo_graph_of(demo_package), by="city", year=2021)
    assert every["value"].round(6).equals(latest["value"].round(6))


def demo_graph_of(package: Path) -> EcosystemGraph:
    return EcosystemGraph.open(package)


# --- the real Henan graph ------------------------------------------------------------------


@pytest.fixture(scope="module")
def henan(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from innokg.henan import build_henan

    out = tmp_path_factory.mktemp("henan") / "henan"
    build_henan(out, data=shared_data, database=False)
    return out


@pytest.mark.realdata
def test_real_graph_indicators(henan: Path, shared_data: Path) -> None:
    G = EcosystemGraph.open(henan)
    year = latest_year(G)
    city = policy_indicators(G, by="city", year=year)
    province = policy_indicators(G, year=year).set_index("indicator")
    assert not (city["met"].fillna(False) & ~city["measurable"]).any()
    assert not (province["met"].fillna(False) & ~province["measurable"]).any()
    assert not province.loc["platform_coverage", "measurable"]
    assert pd.isna(province.loc["demonstration_platforms", "value"])

    # National technology centres: the source's Henan rows, and per city as the graph
    # places them.
    xlsx = next((shared_data / "techcentres").glob("*.xlsx"))
    src = pd.read_excel(xlsx)
    henan_rows = src[src["省份"] == "河南"]
    assert province.loc["national_tech_centres", "value"] == len(henan_rows)
    A = arrays(G)
    plat = G.nodes["Platform"]
    centres = plat[(plat["kind"] == "enterprise_tech_center") & (plat["level"] == "national")]
    where = A.city()[A.index(centres["id"])]
    expected = pd.Series(A.names[where[where >= 0]]).value_counts()
    got = city[city["indicator"] == "national_tech_centres"].set_index("group_name")["value"]
    assert got[got > 0].sort_index().to_dict() == expected.astype(float).sort_index().to_dict()
    assert got.sum() + (where < 0).sum() == len(henan_rows)
    # Cities resolved independently from the addresses agree with the graph's placement.
    names = [n.removesuffix("市") for n in got.index]
    pos = A.index("platform:etc:" + henan_rows["企业技术中心名称"])
    placed = np.where(pos >= 0, A.city()[np.maximum(pos, 0)], -1)
    checked = 0
    for address, c in zip(henan_rows["地址"].fillna(""), placed, strict=True):
        named = [n for n in names if n in address and n + "路" not in address]
        if len(named) == 1 and 0 <= address.find(named[0]) < 4 and c >= 0:
            assert str(A.names[c]).removesuffix("市") == named[0], address
            checked += 1
    assert checked > 50

    # Listed firms: every Henan row of the stock list is counted; cities sum to those placed.
    listed = city[city["indicator"] == "listed_firms"]
    firms = G.nodes["Enterprise"]
    pos = A.index(firms["id"])
    henan_listed = firms[firms["listed"].fillna(False).to_numpy(bool) & (A.city()[pos] >= 0)]
    assert listed["value"].sum() == len(henan_listed)
    stock = pd.read_csv(shared_data / "listed" / "stock_basic.csv", dtype=str)
    codes = set(firms["stock_code"].dropna().str[:6])
    assert set(stock.loc[stock["area"] == "河南", "symbol"]) <= codes
    assert province.loc["listed_firms", "value"] >= (stock["area"] == "河南").sum()

    for args in (["--by", "city"], ["--by", "industry"], []):
        for fmt in (["--format", "csv"], []):
            out = run("indicators", henan, *args, *fmt)
            assert not re.search(r"(?<![a-z])nan(?![a-z])", out.lower()), args + fmt


# --- notes in Chinese -------------------------------------------------------------------

# English words in a Chinese note: three lower-case letters in a row (edge type names such
# as SPECIALISES_IN, codes such as C36 and data values are upper-case or digits).
ENGLISH = re.compile(r"[a-z]{3,}")


def test_every_note_and_detail_has_its_chinese_and_no_english(
    demo_graph: EcosystemGraph,
) -> None:
    graphs = {
        "small": small_province(),
        "no measures": small_province(with_measures=False),
        "no sizes": make_graph({"Enterprise": [{"id": "e1", "name": "甲"}]}),
        "public lists": public_lists(),
        "demo": demo_graph,
    }
    seen = 0
    for name, G in graphs.items():
        for by in ("province", "city", "industry", "year"):
            df = policy_indicators(G, by=by, year=2018)  # type: ignore[arg-type]
            for en_col in ("note", "detail"):
                en, zh = df[en_col].fillna(""), df[f"{en_col}_zh"].fillna("")
                assert ((en != "") == (zh != "")).all(), (name, by, en_col)
                english = zh[zh.str.contains(ENGLISH)]
                assert english.empty, (name, by, english.tolist()[:3])
                seen += int((zh != "").sum())
    assert seen > 100


def test_chinese_notes_say_what_the_english_ones_say() -> None:
    no_sizes = make_graph({"Enterprise": [{"id": "e1", "name": "甲"}]})
    row = policy_indicators(no_sizes, indicators=["platform_coverage"]).iloc[0]
    assert row["note_zh"] == (
        "数据中没有企业规模：无法判断哪些企业是大中型企业；图中没有政策措施：目标未知"
    )
    df = policy_indicators(small_province(), by="city", year=2018).set_index(
        ["indicator", "group_name"]
    )
    demo = df.loc[("demonstration_platforms", "郑州市")]
    assert demo["note_zh"] == (
        "目标：全省 100 按大中型工业企业数量比例分配到各城市，取整数（最大余数法）"
    )
    targeted = make_graph({"Enterprise": [{"id": "e1", "name": "甲"}], "PolicyMeasure": MEASURES})
    row = policy_indicators(targeted, indicators=["platform_coverage"]).iloc[0]
    assert row["note_zh"] == (
        "数据中没有企业规模：无法判断哪些企业是大中型企业（政策目标：2018 年前达到 80%）"
    )
    assert row["note"] == (
        "no firm sizes in the data: which enterprises are large or medium is unknown "
        "(the policy's target: 80% by 2018)"
    )
    assert df.loc[("typical_cases", "郑州市"), "note_zh"] == "全省每年 10 个的名单不分配到各城市"


def test_cli_in_chinese_shows_chinese_notes(demo_package: Path) -> None:
    for lang, want in (("zh", "数据中没有国家企业技术中心：无法测算"), ("en", "not measurable")):
        screen = run("indicators", demo_package, "--by", "city", "--lang", lang)
        notes = screen[screen.index("说明：" if lang == "zh" else "Notes:") :].splitlines()[1:]
        reasons = [line.split(": ", 1)[1] for line in notes if line.startswith("  ")]
        assert any(want in r for r in reasons), (lang, reasons)
        if lang == "zh":
            assert not [r for r in reasons if ENGLISH.search(r)]
