"""Messy real-world tables (issue 15): header typos, Excel round trips, ragged rows.

Every case is a small hand-made file; none comes from a real registry.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.graph.errors import ValidationError
from innokg.graph.validate import uscc_check_char, validate_tables
from innokg.loaders.tables import read_tables_source


def code(first17: str) -> str:
    return first17 + uscc_check_char(first17)


C1 = code("91410100MA3X5Y6R0")
C2 = code("91410300171010002")
C3 = code("91410700MA44ABCD1")


def folder(tmp_path: Path, files: dict[str, str]) -> Path:
    src = tmp_path / "src"
    for name, text in files.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return src


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def check(src: Path, *, lenient: bool = False):  # type: ignore[no-untyped-def]
    s = read_tables_source(src)
    return validate_tables(s.nodes, s.edges, lenient=lenient)


GOOD_PRODUCTS = "id,name,source\np1,轴承,t\n"


# --- item 1 and 2, and header handling ------------------------------------------------


def test_a_table_without_its_id_column_is_one_file_level_problem_lenient_too(
    tmp_path: Path,
) -> None:
    src = folder(
        tmp_path,
        {
            "nodes/Enterprise.csv": "key,name,source\ne1,甲,t\ne2,乙,t\n",
            "nodes/Product.csv": GOOD_PRODUCTS,
        },
    )
    tables = check(src, lenient=True)  # was: ValueError: No objects to concatenate
    assert [str(p) for p in tables.problems] == [
        "nodes/Enterprise.csv, column 'id': required column is missing; nothing is read "
        "from this table",
        "nodes/Enterprise.csv, column 'key': is not a property of the schema; rename or "
        "remove it (known columns: id, name, name_en, source, since, until, credit_code, "
        "stock_code, size, industrial, listed, employees, revenue, registered_capital, "
        "capital_currency, enterprise_type, business_scope, status, registration_authority, "
        "registration_date, approval_date)",
    ]
    assert tables.nodes["Enterprise"].empty  # no null-id node
    assert tables.rejects["row"].tolist() == [pd.NA, pd.NA, 2, 3]
    assert tables.rejects["row"].dtype == "Int64"  # never 2.0 (item 5)
    assert tables.nodes["Product"]["id"].tolist() == ["p1"]


def test_a_misspelt_required_header_is_named_with_a_guess(tmp_path: Path) -> None:
    src = folder(tmp_path, {"nodes/Product.csv": "id,nmae,source\np1,轴承,t\n"})
    with pytest.raises(ValidationError) as info:
        check(src)
    assert [str(p) for p in info.value.problems] == [
        "nodes/Product.csv, column 'name': required column is missing; nothing is read from "
        "this table (is 'nmae' meant to be it? rename it)",
        "nodes/Product.csv, column 'nmae': is not a property of the schema; did you mean "
        "'name'? rename or remove it (known columns: id, name, name_en, source, since, until)",
    ]


def test_headers_are_normalised_and_aliases_accepted(tmp_path: Path) -> None:
    src = folder(
        tmp_path,
        {
            "nodes/Enterprise.csv": (
                f" ＩＤ ,企业名称,统一社会信用代码,Source,成立年份\ne1,甲公司,{C1},t,1998\n"
            ),
            "nodes/Product.csv": "Id,名称,来源\np1,轴承,t\n",
        },
    )
    s = read_tables_source(src)
    assert "nodes/Product.csv: read the header 'Id' as 'id', '名称' as 'name', '来源' as " in (
        " ".join(s.warnings)
    )
    tables = validate_tables(s.nodes, s.edges)
    ent = tables.nodes["Enterprise"]
    assert ent[["id", "name", "credit_code", "source", "since"]].values.tolist() == [
        ["e1", "甲公司", C1, "t", 1998]
    ]


def test_two_headers_for_one_column_are_refused(tmp_path: Path) -> None:
    src = folder(tmp_path, {"nodes/Product.csv": "id,ID,name,source\np1,p1,轴承,t\n"})
    with pytest.raises(Exception, match="columns 'id' and 'ID' both mean 'id'; keep one"):
        read_tables_source(src)


# --- item 3: validate lists everything, in a useful order --------------------------------


def _validate_case(tmp_path: Path) -> Path:
    edges = "from_id,to_id,source,evidence\n" + "".join(
        f"e1,p{i + 10},t,observed\n" for i in range(40)
    )
    return folder(
        tmp_path,
        {
            "nodes/Enterprise.csv": "id,name,source,employees\ne1,甲,t,many\n",
            "nodes/Product.csv": "id,name\np1,轴承\n",
            "edges/PRODUCES.csv": edges,
        },
    )


def test_validate_orders_and_lists_all(tmp_path: Path) -> None:
    src = _validate_case(tmp_path)
    code_, text = run("validate", str(src))
    assert code_ == 1
    lines = text.splitlines()
    assert lines[0] == "42 problem(s) in the input; a --lenient build would reject 42 row(s)"
    assert lines[1] == "by kind:"
    assert lines.index("file-level problems (fix these first: they stop whole tables):") == 5
    assert lines[6].startswith("  nodes/Product.csv, column 'source': required column is")
    assert lines[7:9] == [
        "nodes/Enterprise.csv:",
        "  row 2, column 'employees': 'many' is not a whole number",
    ]
    assert lines[-1] == (
        "... and 12 more problem(s): --all shows them all; --format csv --out problems.csv "
        "writes them to a file"
    )
    code_, text = run("validate", str(src), "--all")
    assert code_ == 1 and "more problem(s)" not in text
    assert "  row 41, column 'to_id'" in text
    out = tmp_path / "problems.csv"
    code_, text = run("validate", str(src), "--format", "csv", "--out", str(out))
    assert code_ == 1 and "42 problem(s) written to" in text
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 42 and rows[0]["row"] == "" and rows[1]["row"] == "2"
    code_, text = run("validate", str(src), "--format", "json")
    data = json.loads(text)
    assert (data["problems"], data["rows_rejected_if_lenient"]) == (42, 42)


# --- item 4: ragged rows and garbled text, row by row ------------------------------------


def test_ragged_rows_are_rejected_rows_not_a_stop(tmp_path: Path) -> None:
    src = folder(
        tmp_path,
        {
            "nodes/Product.csv": "id,name,source\np1,轴承,t\np2,a,b,c,d,e\np3,齿轮\np4,链条,t\n",
            "nodes/Industry.csv": "id,name,source,scheme,code\ni1,制造,t,GB/T 4754,C,x\n",
        },
    )
    with pytest.raises(ValidationError) as info:
        check(src)
    assert [str(p) for p in info.value.problems] == [
        "nodes/Industry.csv, row 2: not a well-formed CSV row (line 2 has 6 cells but the "
        "header has 5); check its quoting and commas",
        "nodes/Product.csv, row 3: not a well-formed CSV row (line 3 has 6 cells but the "
        "header has 3); check its quoting and commas",
        "nodes/Product.csv, row 4: not a well-formed CSV row (line 4 has 2 cell(s) but the "
        "header has 3); check its quoting and commas",
    ]
    tables = check(src, lenient=True)
    assert tables.nodes["Product"]["id"].tolist() == ["p1", "p4"]
    assert tables.rejects["row"].tolist() == [2, 3, 4]


def test_garbled_text_is_a_counted_warning_naming_rows(tmp_path: Path) -> None:
    src = folder(
        tmp_path,
        {
            "nodes/Product.csv": (
                "id,name,source\np1,轴承,t\np2,锟斤拷,t\np3,\ufffd\ufffd,t\np4,æ–°,t\n"
            )
        },
    )
    s = read_tables_source(src)
    assert s.ledger.warnings.most_common() == [
        (
            "text holds U+FFFD replacement characters or mojibake (decoded with the wrong "
            "encoding before it reached innokg); re-export these rows from the original",
            3,
        )
    ]
    assert any(w.startswith("nodes/Product.csv: row(s) 3, 4, 5: text holds") for w in s.warnings)


# --- items 5, 6 and 'never silently empty' through the command line ---------------------


def test_lenient_build_counts_rows_and_never_empties_silently(tmp_path: Path) -> None:
    src = folder(
        tmp_path,
        {
            "nodes/Enterprise.csv": f"id,name,source,credit_code\ne1,甲,t,{C1}\ne2,乙,t,bad\n",
            "edges/LOCATED_IN.csv": "from_id,to_id,source,evidence\ne1,N/A,t,observed\n",
        },
    )
    out = tmp_path / "g"
    code_, text = run("build", str(src), "--out", str(out), "--lenient", "--no-database")
    assert code_ == 0, text
    assert "2 row(s) rejected; reasons in" in text
    rejects = pd.read_csv(out / "rejects.csv", dtype=str)
    assert rejects["reason"].tolist()[1] == (
        "place 'N/A' matches no Region; write a Region's id (region:4101), division code "
        "(4101) or name (郑州市), or remove the row"
    )
    report = json.loads((out / "load_report.json").read_text(encoding="utf-8"))
    assert report["sources"][0]["outcomes"]["rejected"] == 2
    ents = pd.read_parquet(out / "nodes" / "Enterprise.parquet")
    assert ents["id"].tolist() == ["e1"]

    empty = folder(tmp_path / "e", {"nodes/Product.csv": "ID_,name,source\np1,轴承,t\n"})
    code_, text = run("build", str(empty), "--out", str(tmp_path / "g2"), "--lenient")
    assert code_ == 1 and "Traceback" not in text
    assert f"tables:{empty}: no usable row (1 of 1 rejected:" in text
    assert not (tmp_path / "g2").exists()
    code_, text = run(
        "build", str(empty), "--out", str(tmp_path / "g2"), "--lenient", "--allow-empty", "-q"
    )
    assert code_ == 0 and (tmp_path / "g2").exists()


# --- item 7: duplicate credit codes ----------------------------------------------------------


def test_duplicate_credit_codes_are_reported(tmp_path: Path) -> None:
    src = folder(
        tmp_path,
        {"nodes/Enterprise.csv": f"id,name,source,credit_code\ne1,甲,t,{C1}\ne2,甲,t,{C1}\n"},
    )
    with pytest.raises(ValidationError) as info:
        check(src)
    assert [str(p) for p in info.value.problems] == [
        f"nodes/Enterprise.csv, row 3, column 'credit_code': duplicate credit_code '{C1}' "
        "(first at nodes/Enterprise.csv, row 2, id e1); one code is one organisation: keep "
        "one row, or list the other in a mapping file as the same"
    ]
    assert check(src, lenient=True).nodes["Enterprise"]["id"].tolist() == ["e1"]


# --- item 8: Excel and full-width values -----------------------------------------------------


def test_excel_floats_and_full_width_values(tmp_path: Path) -> None:
    wide = C2.translate({ord(c): ord(c) + 0xFEE0 for c in C2})
    src = folder(
        tmp_path,
        {
            "nodes/Enterprise.csv": (
                "id,name,source,credit_code,since,employees\n"
                "e1,甲,t,9.141058168970246e+17,1978,1\n"
                f"e2,乙,t,{wide},１９７８,１２\n"
                f"e3,丙,t,{C3.lower()},1990,3\n"
            )
        },
    )
    with pytest.raises(ValidationError) as info:
        check(src)
    assert [str(p) for p in info.value.problems] == [
        "nodes/Enterprise.csv, row 2, column 'credit_code': '9.141058168970246E+17' is not a "
        "valid unified social credit code (it looks like a number Excel reformatted: store "
        "the column as text, e.g. format it as Text before pasting, and export again)"
    ]
    ent = check(src, lenient=True).nodes["Enterprise"]
    assert ent[["id", "credit_code", "since", "employees"]].values.tolist() == [
        ["e2", C2, 1978, 12],
        ["e3", C3, 1990, 3],
    ]


def test_every_report_file_is_written_even_when_empty(tmp_path: Path) -> None:
    from innokg.loaders.resolve import KEPT_APART_COLUMNS
    from innokg.pipeline import build_from_sources

    examples = Path(__file__).resolve().parents[1] / "examples" / "tables"
    build_from_sources([f"tables:{examples}"], tmp_path / "g", database=False)
    for name in ("merges.csv", "conflicts.csv", "kept_apart.csv"):
        assert (tmp_path / "g" / name).is_file(), name
    header = (tmp_path / "g" / "kept_apart.csv").read_text(encoding="utf-8").strip()
    assert header == ",".join(KEPT_APART_COLUMNS)
