"""One node with no candidate of a kind gets a line saying so, and where its walks stop,
instead of no line at all (which reads as "not computed")."""

from __future__ import annotations

import pytest

from innokg.graph.errors import QueryError
from innokg.queries.partners import candidate_partners
from tests.factory import make_graph


def _firms():
    """a makes a bus with no input recorded; b and c both supply the buyer d, which
    already buys from b; e has no link of any kind the enterprise-enterprise kind walks."""
    return make_graph(
        {
            "Enterprise": [
                {"id": "a", "name": "甲客车"},
                {"id": "b", "name": "乙"},
                {"id": "c", "name": "丙"},
                {"id": "d", "name": "丁"},
                {"id": "e", "name": "戊"},
            ],
            "Product": [{"id": "bus", "name": "客车"}, {"id": "bus2", "name": "校车"}],
        },
        {
            "PRODUCES": [("a", "bus"), ("a", "bus2")],
            "SUPPLIES": [("b", "d"), ("c", "d"), ("b", "c")],
        },
    )


def _note(G, node):
    df = candidate_partners(G, kinds=["enterprise-enterprise"], node=node)
    assert df[["kind", "rank", "source", "target"]].to_records(index=False).tolist() == [
        ("enterprise-enterprise", 0, "", "")
    ]
    return df["explanation"].iloc[0], df["explanation_en"].iloc[0]


def test_products_with_no_inputs_are_named():
    zh, en = _note(_firms(), "a")
    assert zh == (
        "没有找到候选：甲客车与任何尚未相连的企业之间都没有本类的元路径；"
        "它经PRODUCES关系到达的2个产品都没有UPSTREAM_OF关系；"
        "它在图中没有SUPPLIES、COLLABORATES_WITH（出）、MEMBER_OF关系。"
    )
    assert en == (
        "No candidates: no meta-path of this kind joins 甲客车 to enterprises not yet linked; "
        "the 2 products it reaches by PRODUCES have no UPSTREAM_OF links; "
        "it has no SUPPLIES, outgoing COLLABORATES_WITH or MEMBER_OF links in the graph."
    )


def test_a_firm_with_no_link_of_the_kind():
    zh, _ = _note(_firms(), "e")
    assert zh == (
        "没有找到候选：戊与任何尚未相连的企业之间都没有本类的元路径；"
        "它在图中没有PRODUCES、SUPPLIES、COLLABORATES_WITH（出）、MEMBER_OF关系。"
    )


def test_every_firm_reached_is_already_linked():
    """b and c share the buyer d, but b already supplies c: the walk gets through and
    the line says the firms it leads to are linked already."""
    zh, en = _note(_firms(), "c")
    assert zh == (
        "没有找到候选：丙与任何尚未相连的企业之间都没有本类的元路径；"
        "它在图中没有PRODUCES、COLLABORATES_WITH（出）、MEMBER_OF关系；"
        "经SUPPLIES关系走到的企业都已与其相连、不在范围内，或只经过关系过多的枢纽"
        "（见 docs/partners.md）。"
    )
    assert en.endswith(
        "; the enterprises its SUPPLIES links lead to are linked to it already, out of scope, "
        "or reached only through hubs of too many links (see docs/partners.md)."
    )


def test_firms_with_candidates_get_no_note():
    G = make_graph(
        {
            "Enterprise": [
                {"id": "b", "name": "乙"},
                {"id": "c", "name": "丙"},
                {"id": "d", "name": "丁"},
            ]
        },
        {"SUPPLIES": [("b", "d"), ("c", "d")]},
    )
    df = candidate_partners(G, kinds=["enterprise-enterprise"], node="b")
    assert df[["rank", "target"]].to_records(index=False).tolist() == [(1, "c")]
    assert candidate_partners(G, kinds=["enterprise-enterprise"], node="b", notes=False).equals(df)


def test_without_notes_the_table_is_empty():
    df = candidate_partners(_firms(), kinds=["enterprise-enterprise"], node="a", notes=False)
    assert df.empty


def test_a_kind_the_node_takes_no_part_in_is_an_error_naming_the_kind():
    with pytest.raises(QueryError) as caught:
        candidate_partners(_firms(), kinds=["fund-team"], node="a")
    assert str(caught.value) == (
        "'a' (甲客车) is a node of label Enterprise, which none of the kinds asked for pairs "
        "(fund-team pairs MakerTeam with Fund); ask for a kind with Enterprise, or for every kind"
    )


def test_a_kind_that_cannot_be_computed_without_notes_is_an_empty_table():
    """No alliance in the graph: the note is the whole answer, and without notes the
    table is empty (not an error saying the firm takes no part in the kind)."""
    G = _firms()
    assert candidate_partners(G, kinds=["enterprise-alliance"], node="a", notes=False).empty
    note = candidate_partners(G, kinds=["enterprise-alliance"], node="a")
    assert note["explanation"].tolist() == ["无法计算：图中没有联盟数据。"]


def test_a_firm_no_institute_field_matches_names_its_industry_or_its_lack():
    """No collaboration recorded (so a shared city only qualifies a field match): the
    line names the firm's industry, or says the graph records none for it."""
    G = make_graph(
        {
            "Region": [{"id": "zz", "name": "郑州市", "level": "city"}],
            "Industry": [{"id": "i1", "name": "汽车制造业"}, {"id": "i2", "name": "医药制造业"}],
            "Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙集团"}],
            "ResearchInstitute": [{"id": "r", "name": "郑州医学院"}],
        },
        {
            "LOCATED_IN": [("a", "zz"), ("b", "zz"), ("r", "zz")],
            "IN_INDUSTRY": [("a", "i1"), ("r", "i2")],
        },
    )
    lines = {
        node: candidate_partners(G, kinds=["enterprise-institute"], node=node)[
            ["rank", "explanation", "explanation_en"]
        ].values.tolist()
        for node in ("a", "b")
    }
    assert lines["a"] == [
        [
            0,
            "没有找到候选：没有哪家高校或科研机构的研究领域是甲所在的行业（汽车制造业；仅同在一地不足以推荐）。",
            "No candidates: no institute's field is 甲's industry (汽车制造业; sharing a place "
            "alone proposes nobody).",
        ]
    ]
    assert lines["b"][0][1] == (
        "没有找到候选：图中没有乙集团所属的行业（IN_INDUSTRY），无法按研究领域匹配高校或科研机构"
        "（仅同在一地不足以推荐）。"
    )
