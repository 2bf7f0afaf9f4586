"""The schema: internal consistency, the credit-code check, and docs/schema.md freshness."""

from __future__ import annotations

import pytest

from innokg.graph.schema import EDGE_TYPES, NODE_LABELS, edge_columns, node_columns
from innokg.graph.schema_doc import render_schema_markdown
from innokg.graph.testing import DEFAULTS, make_graph
from innokg.graph.validate import TableValidationError, is_valid_uscc, uscc_check_char
from tests.conftest import REPO


def test_docs_schema_is_generated_from_the_schema() -> None:
    committed = (REPO / "docs" / "schema.md").read_text(encoding="utf-8")
    assert committed == render_schema_markdown(), (
        "docs/schema.md is stale: run `python -m innokg.graph.schema_doc > docs/schema.md`"
    )


def test_the_design_ontology_is_all_there() -> None:
    assert set(NODE_LABELS) == {
        "Enterprise",
        "ResearchInstitute",
        "Alliance",
        "Fund",
        "MakerTeam",
        "Platform",
        "Region",
        "Zone",
        "Industry",
        "Product",
        "PolicyMeasure",
        "Person",
    }
    assert set(EDGE_TYPES) == {
        "SUPPLIES",
        "PRODUCES",
        "UPSTREAM_OF",
        "SUBCLASS_OF",
        "IN_INDUSTRY",
        "SPECIALISES_IN",  # beyond the design's minimum: a city's location quotients
        "LOCATED_IN",
        "COLLABORATES_WITH",
        "MEMBER_OF",
        "INVESTS_IN",
        "ESTABLISHED",
        "OPERATES",
        "HOSTS",
        "SUPPORTED_BY",
        "LEADS",
    }


def test_every_endpoint_names_a_label_and_every_name_is_bilingual() -> None:
    for etype in EDGE_TYPES.values():
        for a, b in etype.endpoints:
            assert a in NODE_LABELS and b in NODE_LABELS, (etype.name, a, b)
        assert etype.zh and etype.en
        assert len(set(etype.endpoints)) == len(etype.endpoints)
    for spec in [*NODE_LABELS.values(), *EDGE_TYPES.values()]:
        assert spec.zh and spec.en, spec.name
        for p in spec.props:
            assert p.zh and p.en, (spec.name, p.name)


def test_column_orders() -> None:
    assert node_columns("Product") == [
        "id",
        "name",
        "name_en",
        "source",
        "since",
        "until",
        "attributes",
    ]
    assert edge_columns("SUPPLIES") == [
        "from_id",
        "to_id",
        "source",
        "evidence",
        "method",
        "confidence",
        "since",
        "until",
        "weight",
        "product",
        "share",
    ]
    for label in NODE_LABELS:
        cols = node_columns(label)
        assert len(cols) == len(set(cols)), label


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the worked example printed with GB 32100-2015
        "91440300708461136T",  # a published registration (Shenzhen)
    ],
)
def test_real_credit_codes_pass(code: str) -> None:
    assert is_valid_uscc(code)


def test_check_character_by_hand() -> None:
    # 9 1 3 5 0 1 0 0 M 0 0 0 1 0 0 Y 4 -> values 9,1,3,5,0,1,0,0,21,0,0,0,1,0,0,30,4
    # weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28
    total = 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 420 + 0 + 0 + 0 + 8 + 0 + 0 + 900 + 112
    assert (31 - total % 31) % 31 == 3
    assert uscc_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",
        "91350100M000100Y4",
        "91350100M000100Y433",
        "9135O100M000100Y43",
        "91350100m000100y43",
        "",
    ],
)
def test_bad_credit_codes_fail(code: str) -> None:
    assert not is_valid_uscc(code)


def test_make_graph_fills_every_required_property_of_every_label() -> None:
    """A row of id and name is enough for every label: a new required property needs
    a default in innokg.graph.testing.DEFAULTS, or every user's small test breaks."""
    rows = {label: [{"id": f"x:{label}", "name": label}] for label in NODE_LABELS}
    G = make_graph(rows)
    assert {label: len(df) for label, df in G.nodes.items()} == dict.fromkeys(NODE_LABELS, 1)
    assert G.nodes["Industry"].loc[0, "code"] == "x:Industry"
    assert set(DEFAULTS) <= set(NODE_LABELS)


def test_make_graph_names_the_table_row_and_column_of_a_bad_value() -> None:
    with pytest.raises(TableValidationError) as caught:
        make_graph(
            {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙", "size": "huge"}]},
            {"SUPPLIES": [("a", "b"), ("a", "nobody", {"share": 0.5})]},
        )
    assert [str(p) for p in caught.value.problems] == [
        "nodes/Enterprise, row 2, column 'size': 'huge' is not allowed; "
        "use one of large, medium, small, micro",
        "edges/SUPPLIES, row 2, column 'to_id': no node with id 'nobody'; "
        "add the node or correct the id",
    ]


def test_shared_categories_are_the_schemas_own() -> None:
    """Every layer reads the organisation labels, sizes and code formats from here."""
    from innokg.graph import schema
    from innokg.graph.rdf import shapes
    from innokg.loaders import resolve
    from innokg.queries import arrays

    assert set(schema.ORGANISATIONS) <= set(NODE_LABELS)
    assert (*schema.ORGANISATIONS, "Zone") == schema.NAMED_BY_ORGANISATION
    assert NODE_LABELS["Enterprise"].prop("size").values == schema.SIZES
    assert schema.LARGE_AND_MEDIUM == ("large", "medium")
    # organisations are the labels that may be located, run platforms and join alliances
    located = EDGE_TYPES["LOCATED_IN"].from_labels
    assert set(schema.NAMED_BY_ORGANISATION) <= set(located)
    assert set(EDGE_TYPES["MEMBER_OF"].from_labels) <= set(schema.ORGANISATIONS)
    assert arrays.ORGANISATIONS is schema.ORGANISATIONS
    assert resolve._ORG_LABELS is schema.NAMED_BY_ORGANISATION
    assert shapes._USCC_PATTERN == schema.USCC_PATTERN


@pytest.mark.parametrize(
    ("code", "digits"),
    [
        ("600031", "600031"),
        ("SH600031", "600031"),
        ("600031.SH", "600031"),
        ("sz.000001", "000001"),
        ("600031.SS", "600031"),
        ("60003", None),
        ("600031.HK", None),
    ],
)
def test_stock_code_pattern(code: str, digits: str | None) -> None:
    import re

    from innokg.graph.schema import STOCK_CODE_PATTERN

    m = re.match(STOCK_CODE_PATTERN, code, re.IGNORECASE)
    assert (m.group(1) if m else None) == digits


def test_credit_code_pattern_is_the_validators() -> None:
    import re

    from innokg.graph.schema import USCC_PATTERN

    assert re.match(USCC_PATTERN, "91350100M000100Y43")
    assert not re.match(USCC_PATTERN, "9135O100M000100Y43")  # O is not in the alphabet
