"""Validation: every failure in tests/data/bad/ gives its message, with file, row and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from innokg.graph.errors import SourceError, ValidationError
from innokg.graph.validate import validate_tables
from innokg.loaders.tables import read_tables_source
from tests.conftest import REPO

DATA = REPO / "tests" / "data"

# case -> the exact problem lines (validation) or the message (unreadable source)
EXPECTED: dict[str, list[str]] = {
    "bad_evidence": [
        "edges/PRODUCES.csv, row 2, column 'evidence': 'rumour' is not allowed; use one of "
        "observed, inferred, synthetic"
    ],
    "duplicate_id": [
        "nodes/Product.csv, row 3, column 'id': duplicate id 'prod:bearing' (first at "
        "nodes/Product.csv, row 2); give each node its own id"
    ],
    "duplicate_id_across_labels": [
        "nodes/Product.csv, row 4, column 'id': duplicate id 'ent:1' (first at "
        "nodes/Enterprise.csv, row 2); give each node its own id"
    ],
    "missing_endpoint": [
        "edges/SUPPLIES.csv, row 2, column 'to_id': no node with id 'ent:99'; add the node or "
        "correct the id"
    ],
    "missing_required_column": [
        "nodes/Product.csv, column 'name': required column is missing; nothing is read from "
        "this table"
    ],
    "required_value_empty": ["nodes/Product.csv, row 2, column 'name': is required but empty"],
    # with --extra-columns reject (by default the column is kept in attributes)
    "unknown_column": [
        "nodes/Product.csv: column 'colour' matches no property of Product; rename or remove "
        "it, or keep it in the node's attributes with --extra-columns keep (known columns: id, "
        "name, name_en, source, since, until, attributes)"
    ],
    "unknown_edge_type": [
        "edges/OWNS.csv: unknown edge type 'OWNS'; known: SUPPLIES, PRODUCES, UPSTREAM_OF, "
        "SUBCLASS_OF, IN_INDUSTRY, SPECIALISES_IN, LOCATED_IN, COLLABORATES_WITH, MEMBER_OF, "
        "INVESTS_IN, ESTABLISHED, OPERATES, HOSTS, SUPPORTED_BY, LEADS"
    ],
    "unknown_label": [
        "nodes/Company.csv: unknown node label 'Company'; known: Enterprise, ResearchInstitute, "
        "Alliance, Fund, MakerTeam, Platform, Region, Zone, Industry, Product, PolicyMeasure, "
        "Person"
    ],
    "uscc_check_digit": [
        "nodes/Enterprise.csv, row 3, column 'credit_code': '91410100MA3X5Y6R00' is not a valid "
        "unified social credit code (check character is '0', expected 'K'); check for a typo"
    ],
    "uscc_format": [
        "nodes/Enterprise.csv, row 3, column 'credit_code': '91410100MA3X5Y6R' is not a valid "
        "unified social credit code (18 characters from 0-9 and A-Y without I, O, S, V, Z); "
        "check for a typo"
    ],
    "value_not_allowed": [
        "nodes/Enterprise.csv, row 3, column 'size': 'huge' is not allowed; use one of large, "
        "medium, small, micro"
    ],
    "wrong_endpoint_label": [
        "edges/SUPPLIES.csv, row 2, column 'from_id': SUPPLIES cannot link Enterprise -> "
        "Region; allowed: Enterprise->Enterprise"
    ],
    "wrong_type_bool": [
        "nodes/Enterprise.csv, row 3, column 'industrial': 'maybe' is not true or false"
    ],
    "wrong_type_int": [
        "nodes/Enterprise.csv, row 3, column 'employees': '很多' is not a whole number"
    ],
    "year_out_of_range": ["nodes/Enterprise.csv, row 3, column 'since': 3005 is above 2100"],
    # node tables before edge tables (issue 15: edge rows buried node rows)
    "many_problems": [
        "nodes/Enterprise.csv, row 3, column 'employees': '很多' is not a whole number",
        "nodes/Enterprise.csv, row 3, column 'size': 'huge' is not allowed; use one of large, "
        "medium, small, micro",
        "edges/SUPPLIES.csv, row 2, column 'to_id': no node with id 'ent:99'; add the node or "
        "correct the id",
    ],
}

UNREADABLE: dict[str, str] = {
    "bom_in_middle": "nodes/Product.csv: a byte-order mark stands inside the file (line 3)",
    "duplicate_header": "nodes/Product.csv: column 'name' appears twice in the header",
    "empty_file": "nodes/Product.csv: the file is empty",
    "malformed_csv": "nodes/Product.csv: not a well-formed CSV table",
    "not_utf8_or_gb18030": "nodes/Product.csv: line 2 is neither UTF-8 nor GB18030",
    "nul_bytes": "nodes/Product.csv: line 2 contains NUL bytes",
}


def test_every_bad_case_has_an_expectation() -> None:
    cases = {p.name for p in (DATA / "bad").iterdir()}
    assert cases == set(EXPECTED) | set(UNREADABLE)


def bad_source(case: str, tmp_path: Path) -> Path:
    """The good tables with the case's files laid over them."""
    folder = tmp_path / case
    shutil.copytree(DATA / "good", folder)
    shutil.copytree(DATA / "bad" / case, folder, dirs_exist_ok=True)
    return folder


def validate_folder(  # type: ignore[no-untyped-def]
    folder: Path, *, lenient: bool = False, extra_columns: str = "keep"
):
    src = read_tables_source(folder, extra_columns=extra_columns)
    return validate_tables(src.nodes, src.edges, lenient=lenient, extra_columns=extra_columns)


def test_good_tables_are_valid_and_typed() -> None:
    tables = validate_folder(DATA / "good")
    ent = tables.nodes["Enterprise"]
    assert ent["id"].tolist() == ["ent:1", "ent:2", "ent:3"]
    assert ent["industrial"].tolist() == [True, True, False]  # "是" reads as true
    assert ent["revenue"].tolist()[:2] == [52000.5, 9000.0]  # thousands separators
    assert pd.isna(ent["revenue"].iloc[2])
    assert ent["employees"].dtype == "Int64"
    assert tables.edges["SUPPLIES"]["share"].tolist() == [0.6, 0.2]
    assert len(tables.nodes["Fund"]) == 0  # absent labels are empty tables, not missing


def test_consume_gives_the_same_tables_and_lets_the_input_go() -> None:
    """``consume=True`` (the demo build at millions of rows) types the same tables and
    takes each raw table out of the caller's dicts."""
    kept = validate_folder(DATA / "good")
    src = read_tables_source(DATA / "good")
    nodes, edges = dict(src.nodes), dict(src.edges)
    consumed = validate_tables(nodes, edges, consume=True)
    assert nodes == {} and edges == {}
    for name, df in kept.nodes.items():
        pd.testing.assert_frame_equal(consumed.nodes[name], df)
    for name, df in kept.edges.items():
        pd.testing.assert_frame_equal(consumed.edges[name], df)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_case_reports_every_problem(case: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        validate_folder(bad_source(case, tmp_path), extra_columns="reject")
    assert [str(p) for p in info.value.problems] == EXPECTED[case]
    assert "nothing was written" in str(info.value)


def test_an_unknown_column_is_kept_in_attributes_by_default(tmp_path: Path) -> None:
    folder = bad_source("unknown_column", tmp_path)
    src = read_tables_source(folder)
    assert src.warnings == [
        "nodes/Product.csv: kept column(s) 'colour' in attributes (they match no property "
        "of Product)"
    ]
    products = validate_tables(src.nodes, src.edges).nodes["Product"]
    assert products[["id", "attributes"]].values.tolist() == [
        ["prod:bearing", '{"colour": "red"}'],
        ["prod:bus", '{"colour": "blue"}'],
    ]


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_unreadable_file_is_named(case: str, tmp_path: Path) -> None:
    with pytest.raises(
        SourceError, match="^" + UNREADABLE[case].replace("(", r"\(").replace(")", r"\)")
    ):
        validate_folder(bad_source(case, tmp_path))


def test_lenient_drops_bad_rows_and_the_edges_that_touch_them(tmp_path: Path) -> None:
    tables = validate_folder(bad_source("many_problems", tmp_path), lenient=True)
    assert tables.nodes["Enterprise"]["id"].tolist() == ["ent:1", "ent:3"]
    # ent:2 was rejected, so its edges are rejected too; the bad SUPPLIES row as well
    assert tables.edges["SUPPLIES"].empty
    assert tables.edges["PRODUCES"]["from_id"].tolist() == ["ent:1"]
    reasons = tables.rejects.to_dict("records")
    assert {
        "file": "nodes/Enterprise.csv",
        "row": 3,
        "column": "size",
        "reason": "'huge' is not allowed; use one of large, medium, small, micro",
    } in reasons
    edge_reject = {
        "file": "edges/PRODUCES.csv",
        "row": 3,
        "column": "from_id",
        "reason": "node 'ent:2' was rejected (see its own row), so this edge is too",
    }
    assert edge_reject in reasons
    assert len(reasons) == 6


def test_an_edge_table_without_an_endpoint_column_is_refused() -> None:
    nodes = {"Enterprise": pd.DataFrame({"id": ["a", "b"], "name": ["x", "y"], "source": "t"})}
    edges = {
        "SUPPLIES": pd.DataFrame({"from_id": ["a"], "source": ["t"], "evidence": ["observed"]})
    }
    with pytest.raises(ValidationError) as info:
        validate_tables(nodes, edges)
    assert [str(p) for p in info.value.problems] == [
        "edges/SUPPLIES, column 'to_id': required column is missing; nothing is read from "
        "this table"
    ]
