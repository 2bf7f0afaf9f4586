"""Gap rows that say what they rest on: inferred supply links, specialisations the
graph holds no firm of, brokers nothing depends on, and constraint on few contacts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.gaps import (
    MIN_CONTACTS,
    brokers,
    cluster_support_gaps,
    collaboration_gaps,
    single_source_gaps,
    structural_holes,
    unspanned_cluster_pairs,
)
from tests.factory import make_graph


def buyers_and_suppliers() -> EcosystemGraph:
    """One buyer with an observed, an inferred and a synthetic single source, one input
    recorded both ways, and a firm whose input is inferred from what it makes."""
    firms = [
        {"id": i, "name": n}
        for i, n in (
            ("b", "买方"),
            ("s1", "钢厂"),
            ("s2", "铝厂"),
            ("s3", "轴承厂"),
            ("s4", "玻璃厂"),
            ("m", "车企"),
            ("r", "橡胶厂"),
        )
    ]
    return make_graph(
        {
            "Enterprise": firms,
            "Product": [{"id": "rubber", "name": "橡胶"}, {"id": "tyre", "name": "轮胎"}],
        },
        {
            "SUPPLIES": [
                ("s1", "b", {"product": "钢材", "evidence": "observed"}),
                ("s2", "b", {"product": "铝材", "evidence": "inferred", "confidence": 0.2}),
                ("s3", "b", {"product": "轴承", "evidence": "synthetic"}),
                ("s4", "b", {"product": "玻璃", "evidence": "inferred"}),
                ("s4", "b", {"product": "玻璃", "evidence": "observed", "source": "年报"}),
            ],
            "PRODUCES": [("m", "tyre"), ("r", "rubber")],
            "UPSTREAM_OF": [("rubber", "tyre")],
        },
    )


def test_an_inferred_supply_link_is_not_stated_as_fact() -> None:
    df = single_source_gaps(buyers_and_suppliers()).sort_values(["entity", "input"])
    got = df[["entity", "input", "evidence", "detail", "detail_zh"]].to_dict("records")
    assert got == [
        {
            "entity": "b",
            "input": "玻璃",
            "evidence": "observed",  # one observed edge is enough
            "detail": "only 玻璃厂 supplies it",
            "detail_zh": "仅由玻璃厂供货",
        },
        {
            "entity": "b",
            "input": "轴承",
            "evidence": "synthetic",  # the demo's wording stays as it was
            "detail": "only 轴承厂 supplies it",
            "detail_zh": "仅由轴承厂供货",
        },
        {
            "entity": "b",
            "input": "钢材",
            "evidence": "observed",
            "detail": "only 钢厂 supplies it",
            "detail_zh": "仅由钢厂供货",
        },
        {
            "entity": "b",
            "input": "铝材",
            "evidence": "inferred",
            "detail": "only 铝厂 supplies it (inferred: the supply link is to be verified "
            "with the firms)",
            "detail_zh": "据推断仅由铝厂供货（供货关系为推断，有待向企业核实）",
        },
        {
            "entity": "m",
            "input": "橡胶",
            "evidence": "inferred",
            "detail": "only 橡胶厂 makes it (inferred from products)",
            "detail_zh": "仅由橡胶厂生产（据产品推断）",
        },
    ]


def test_inferred_wording_holds_for_a_year_and_in_the_stacked_table() -> None:
    G = buyers_and_suppliers()
    stacked = collaboration_gaps(G, kinds=["single_source"], year=2020)
    assert sorted(stacked["detail_zh"]) == sorted(single_source_gaps(G)["detail_zh"])


def specialised_city() -> EcosystemGraph:
    """郑州 specialises in cars (one firm, no centre), electrical machinery (a firm with
    a centre) and three industries the graph has no firm of; 洛阳 in one of them."""
    industries = [
        ("C36", "汽车制造业"),
        ("C38", "电气机械和器材制造业"),
        ("C16", "烟草制品业"),
        ("B06", "煤炭开采和洗选业"),
        ("C17", "纺织业"),
    ]
    return make_graph(
        {
            "Enterprise": [{"id": "car", "name": "车企"}, {"id": "elec", "name": "电气"}],
            "Platform": [{"id": "tc", "name": "技术中心", "kind": "enterprise_tech_center"}],
            "Region": [
                {"id": "region:4101", "name": "郑州市", "code": "4101"},
                {"id": "region:4103", "name": "洛阳市", "code": "4103"},
            ],
            "Industry": [
                {"id": f"industry:gbt4754:{c}", "name": n, "code": c} for c, n in industries
            ],
        },
        {
            "SPECIALISES_IN": [
                ("region:4101", "industry:gbt4754:C36", {"quotient": 1.8}),
                ("region:4101", "industry:gbt4754:C38", {"quotient": 1.2}),
                ("region:4101", "industry:gbt4754:C16", {"quotient": 9.05}),
                ("region:4101", "industry:gbt4754:B06", {"quotient": 2.5}),
                ("region:4101", "industry:gbt4754:C17", {"quotient": 1.1}),
                ("region:4103", "industry:gbt4754:B06", {"quotient": 3.0}),
            ],
            "IN_INDUSTRY": [("car", "industry:gbt4754:C36"), ("elec", "industry:gbt4754:C38")],
            "OPERATES": [("elec", "tc")],
            "LOCATED_IN": [("car", "region:4101"), ("elec", "region:4101")],
        },
    )


def test_a_specialisation_with_no_firm_in_the_graph_is_a_data_gap_ranked_last() -> None:
    df = cluster_support_gaps(specialised_city())
    spec = df[df["label"].isin(["Specialisation", "SpecialisationNoFirms"])]
    assert spec[["entity", "label", "severity", "firms", "quotient"]].to_dict("records") == [
        {
            "entity": "region:4101|industry:gbt4754:C36",
            "label": "Specialisation",
            "severity": 1.8,
            "firms": 1,
            "quotient": 1.8,
        },
        {
            "entity": "region:4101|no_firms",
            "label": "SpecialisationNoFirms",
            "severity": 3.0,  # three industries with no firm in the graph
            "firms": 0,
            "quotient": 9.05,
        },
        {
            "entity": "region:4103|no_firms",
            "label": "SpecialisationNoFirms",
            "severity": 1.0,
            "firms": 0,
            "quotient": 3.0,
        },
    ]
    zhengzhou = spec.set_index("entity").loc["region:4101|no_firms"]
    assert zhengzhou["name"] == "郑州市 · 烟草制品业、煤炭开采和洗选业、纺织业"
    assert zhengzhou["missing_zh"] == "图中没有这些产业的企业（数据缺口，需补充企业名录）"
    assert zhengzhou["detail_zh"] == (
        "郑州市有 3 个专业化工业行业在图中没有企业：烟草制品业（区位商 9.05）、"
        "煤炭开采和洗选业（区位商 2.50）、纺织业（区位商 1.10）；"
        "补充企业名录后才能判断其企业有无企业技术中心"
    )
    assert zhengzhou["detail"] == (
        "郑州市 specialises in 3 industrial class(es) with no firm of them in the graph: "
        "烟草制品业 (LQ 9.05); 煤炭开采和洗选业 (LQ 2.50); 纺织业 (LQ 1.10); whether their "
        "firms have a platform (enterprise_tech_center) cannot be told until the city's "
        "firm list is added"
    )
    assert "0 家" not in " ".join(df["detail_zh"])
    # the filters act on the data-gap rows too
    luoyang = cluster_support_gaps(specialised_city(), city="洛阳市")
    assert luoyang.loc[luoyang["measurable"], "entity"].tolist() == ["region:4103|no_firms"]


def two_clusters_and_funds(funds: int) -> EcosystemGraph:
    """Two supply clusters; each fund invests in one member of each."""
    return make_graph(
        {
            "Enterprise": [{"id": i, "name": i} for i in ("a1", "a2", "a3", "b1", "b2", "b3")],
            "Fund": [{"id": f"f{k}", "name": f"基金{k}"} for k in range(funds)],
        },
        {
            "SUPPLIES": [("a1", "a2"), ("a2", "a3"), ("b1", "b2"), ("b2", "b3")],
            "INVESTS_IN": [(f"f{k}", x) for k in range(funds) for x in ("a1", "b1")],
        },
    )


def test_a_broker_no_pair_depends_on_is_no_gap() -> None:
    one = brokers(two_clusters_and_funds(1))
    assert one[["entity", "severity", "sole_pairs"]].to_dict("records") == [
        {"entity": "f0", "severity": 1.0, "sole_pairs": 1}
    ]
    assert one["missing_zh"].tolist() == ["其独自连接的集群对缺少第二个桥梁"]
    two = brokers(two_clusters_and_funds(2))  # each fund has a second beside it
    assert two.empty and "sole_pairs" in two.columns


def test_a_hub_broker_counts_the_pairs_only_it_links() -> None:
    """A fund in four clusters spans their six pairs; a second fund shares one of them."""
    chains = {c: [f"{c}{i}" for i in range(3)] for c in "abcd"}
    G = make_graph(
        {
            "Enterprise": [{"id": f, "name": f} for chain in chains.values() for f in chain],
            "Fund": [{"id": "hub", "name": "枢纽基金"}, {"id": "pair", "name": "双边基金"}],
        },
        {
            "SUPPLIES": [(c[i], c[i + 1]) for c in chains.values() for i in range(2)],
            "INVESTS_IN": [("hub", c[0]) for c in chains.values()]
            + [("pair", "a1"), ("pair", "b1")],
        },
    )
    df = brokers(G)
    assert df[["entity", "clusters_spanned", "pairs_spanned", "sole_pairs"]].to_dict("records") == [
        {"entity": "hub", "clusters_spanned": 4, "pairs_spanned": 6, "sole_pairs": 5}
    ]
    assert unspanned_cluster_pairs(G).empty  # every pair has a spanner


def test_structural_holes_need_three_contacts() -> None:
    assert MIN_CONTACTS == 3
    # a: contacts b, c, d (b and c tied); e: contacts a and f only
    G = make_graph(
        {"Enterprise": [{"id": i, "name": i} for i in "abcdef"]},
        {"SUPPLIES": [("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"), ("d", "e"), ("e", "f")]},
    )
    df = structural_holes(G)
    assert df[["entity", "degree"]].to_dict("records") == [{"entity": "a", "degree": 3}]
    # c(a,b) = c(a,c) = (1/3 + 1/3 x 1/2)^2 = 1/4, c(a,d) = (1/3)^2
    assert df["constraint"].item() == pytest.approx(0.5 + 1 / 9)
    assert set(structural_holes(G, min_degree=2)["entity"]) == {"a", "b", "c", "d", "e"}
    # links, but nobody with three contacts: a note, not "no gap"
    path = make_graph(
        {"Enterprise": [{"id": i, "name": i} for i in "xyz"]},
        {"SUPPLIES": [("x", "y"), ("y", "z")]},
    )
    note = structural_holes(path)
    assert note[["entity", "measurable", "missing"]].to_dict("records") == [
        {
            "entity": "not_measurable:few_contacts",
            "measurable": False,
            "missing": "organisations with 3 or more contacts",
        }
    ]


def test_an_empty_measured_table_says_so_on_screen(demo_package: Path) -> None:
    for lang, said in (
        ("zh", "已测算，本图上没有此类缺口。"),
        ("en", "Measured: none on this graph."),
    ):
        result = CliRunner().invoke(
            main, ["gaps", str(demo_package), "--kind", "unspanned_pair", "--lang", lang]
        )
        assert result.exit_code == 0, result.output
        assert said in result.output  # the demo has no related pair that nobody links
    result = CliRunner().invoke(main, ["gaps", str(demo_package), "--kind", "broker"])
    assert result.exit_code == 0 and "已测算" not in result.output
