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


def check(src: Path, *, lenient: bool = False, extra: str = "keep"):  # type: ignore[no-untyped-def]
    s = read_tables_source(src, extra_columns=extra)
    return validate_tables(s.nodes, s.edges, lenient=lenient, extra_columns=extra)


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
    missing = (
        "nodes/Enterprise.csv, column 'id': required column is missing; nothing is read "
        "from this table"
    )
    assert [str(p) for p in tables.problems] == [missing]
    assert tables.nodes["Enterprise"].empty  # no null-id node
    assert tables.rejects["row"].tolist() == [pd.NA, 2, 3]
    assert tables.rejects["row"].dtype == "Int64"  # never 2.0 (item 5)
    assert tables.nodes["Product"]["id"].tolist() == ["p1"]
    tables = check(src, lenient=True, extra="reject")
    assert [str(p) for p in tables.problems] == [
        missing,
        "nodes/Enterprise.csv: column 'key' matches no property of Enterprise; rename or "
        "remove it, or keep it in the node's attributes with --extra-columns keep (known "
        "columns: id, name, name_en, source, since, until, credit_code, stock_code, size, "
        "industrial, listed, employees, revenue, registered_capital, capital_currency, "
        "enterprise_type, business_scope, status, registration_authority, registration_date, "
        "approval_date, attributes)",
    ]


def test_a_misspelt_required_header_is_named_with_a_guess(tmp_path: Path) -> None:
    src = folder(tmp_path, {"nodes/Product.csv": "id,nmae,source\np1,轴承,t\n"})
    missing = (
        "nodes/Product.csv, column 'name': required column is missing; nothing is read from "
        "this table (is 'nmae' meant to be it? rename it)"
    )
    with pytest.raises(ValidationError) as info:
        check(src)  # 'nmae' is not kept in attributes: the table is not read at all
    assert [str(p) for p in info.value.problems] == [missing]
    with pytest.raises(ValidationError) as info:
        check(src, extra="reject")
    assert [str(p) for p in info.value.problems] == [
        missing,
        "nodes/Product.csv: column 'nmae' matches no property of Product (did you mean 'name' "
        "for 'nmae'?); rename or remove it, or keep it in the node's attributes with "
        "--extra-columns keep (known columns: id, name, name_en, source, since, until, "
        "attributes)",
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


# --- extra columns: kept in attributes, or rejected -----------------------------------------


def _with_extra_columns(tmp_path: Path) -> Path:
    return folder(
        tmp_path,
        {
            "nodes/Enterprise.csv": (
                "ID,名称,来源,统一社会信用代码,经营期限,stock_cdoe\n"
                f"e1,甲公司,t,{C1},长期,600000\n"
                f'e2,乙公司,t,{C2},"=1+1, quoted",\n'
                f"e3,丙公司,t,{C3},,\n"
            ),
            "edges/LOCATED_IN.csv": "from_id,to_id,source,evidence\ne1,郑州市,t,observed\n",
        },
    )


EXPECTED_ATTRIBUTES = [
    ["e1", '{"经营期限": "长期", "stock_cdoe": "600000"}'],
    ["e2", '{"经营期限": "=1+1, quoted"}'],
    ["e3", None],
]


def test_extra_columns_are_kept_in_attributes_through_every_store(tmp_path: Path) -> None:
    from innokg.graph.package import read_tables
    from innokg.graph.rdf import export_package, read_rdf
    from innokg.graph.stores.embedded import EmbeddedStore

    src = _with_extra_columns(tmp_path)
    out = tmp_path / "g"
    code_, text = run("build", str(src), "--out", str(out))
    assert code_ == 0, text
    assert (
        "nodes/Enterprise.csv: kept column(s) '经营期限', 'stock_cdoe' in attributes (they "
        "match no property of Enterprise); did you mean 'stock_code' for 'stock_cdoe'? "
        "rename to use the property"
    ) in text
    nodes, _, _ = read_tables(out)  # the package round trip, checksums verified
    ents = nodes["Enterprise"]
    assert list(ents.columns)[-1] == "attributes"
    got = [
        [i, None if pd.isna(a) else a] for i, a in zip(ents["id"], ents["attributes"], strict=True)
    ]
    assert got == EXPECTED_ATTRIBUTES
    assert {k: json.loads(v) for k, v in got if v} == {
        "e1": {"经营期限": "长期", "stock_cdoe": "600000"},
        "e2": {"经营期限": "=1+1, quoted"},
    }
    with EmbeddedStore(out / "graph.lbdb") as db:
        rows = db.run("MATCH (e:Enterprise) RETURN e.id AS id, e.attributes AS a ORDER BY id")
    assert rows.values.tolist() == EXPECTED_ATTRIBUTES
    for fmt, suffix in (("ttl", "g.ttl"), ("jsonld", "g.jsonld")):
        export_package(out, tmp_path / suffix, format=fmt)
        raw = read_rdf(tmp_path / suffix)
        back = validate_tables(raw.nodes, raw.edges).nodes["Enterprise"]
        pd.testing.assert_frame_equal(back, ents, obj=fmt)


def test_extra_columns_rejected_on_request_with_one_line(tmp_path: Path) -> None:
    src = _with_extra_columns(tmp_path)
    out = tmp_path / "g"
    code_, text = run("build", str(src), "--out", str(out), "--extra-columns", "reject")
    assert code_ == 1 and "Traceback" not in text
    assert (
        "nodes/Enterprise.csv: columns '经营期限', 'stock_cdoe' match no property of "
        "Enterprise (did you mean 'stock_code' for 'stock_cdoe'?); rename or remove them, or "
        "keep them in the node's attributes with --extra-columns keep (known columns: "
    ) in text
    assert not out.exists()
    code_, text = run("validate", str(src), "--extra-columns", "reject")
    assert code_ == 1 and "file-level problems" in text
    code_, text = run("validate", str(src))
    assert code_ == 0, text
    # lenient: the columns are left out and the line is listed; no row is lost
    code_, text = run(
        "build", str(src), "--out", str(out), "--extra-columns", "reject", "--lenient", "-q"
    )
    assert code_ == 0, text
    ents = pd.read_parquet(out / "nodes" / "Enterprise.parquet")
    assert ents["id"].tolist() == ["e1", "e2", "e3"] and ents["attributes"].isna().all()
    rejects = pd.read_csv(out / "rejects.csv", dtype=str, keep_default_na=False)
    assert rejects["row"].tolist() == [""]


def test_an_attributes_column_must_hold_a_json_object(tmp_path: Path) -> None:
    src = folder(
        tmp_path,
        {
            "nodes/Product.csv": (
                'id,name,source,attributes,产地\np1,轴承,t,"{""等级"": ""A""}",洛阳\n'
                "p2,齿轮,t,[1],\n"
            )
        },
    )
    with pytest.raises(ValidationError) as info:
        check(src)
    assert [str(p) for p in info.value.problems] == [
        "nodes/Product.csv, row 3, column 'attributes': '[1]' is not a JSON object such as "
        '{"经营期限": "长期"}; correct it or empty the cell'
    ]
    products = check(src, lenient=True).nodes["Product"]
    assert products["attributes"].tolist() == ['{"产地": "洛阳", "等级": "A"}']


# --- item 10: an observed edge and an inferred one for the same pair are one edge ------------


def test_observed_wins_over_inferred_for_one_pair(tmp_path: Path) -> None:
    from innokg.pipeline import build_from_sources

    a = folder(
        tmp_path / "a",
        {
            "nodes/Enterprise.csv": f"id,name,source,credit_code\na1,甲机械有限公司,甲,{C1}\n",
            "edges/LOCATED_IN.csv": (
                "from_id,to_id,source,evidence,method\n"
                "a1,郑州市,甲,inferred,the name names the place\n"
            ),
        },
    )
    b = folder(
        tmp_path / "b",
        {
            "nodes/Enterprise.csv": f"id,name,source,credit_code\nb1,甲机械有限公司,乙,{C1}\n",
            "edges/LOCATED_IN.csv": "from_id,to_id,source,evidence\nb1,4101,乙,observed\n",
        },
    )
    out = tmp_path / "g"
    result = build_from_sources([f"tables:{a}", f"tables:{b}"], out, database=False)
    located = pd.read_parquet(out / "edges" / "LOCATED_IN.parquet")
    firm = located[located["from_id"] == "a1"]
    assert firm[["to_id", "source", "evidence"]].values.tolist() == [
        ["region:4101", "乙", "observed"]
    ]
    merges = pd.read_csv(out / "edge_merges.csv", dtype=str)
    assert merges.drop(columns=["kept_file", "dropped_file"]).values.tolist() == [
        [
            "LOCATED_IN",
            "a1",
            "region:4101",
            "observed over inferred",
            "乙",
            "2",
            "inferred",
            "the name names the place",
            "甲",
            "2",
        ]
    ]
    assert merges["dropped_file"].tolist() == [f"{a}/edges/LOCATED_IN.csv"]
    report = result.load_report or {}
    assert report["merging"]["inferred edges dropped for an observed one"] == {"LOCATED_IN": 1}
    assert (
        report["sources"][0]["merging"][
            "inferred edges dropped: an observed one joins the same nodes"
        ]
        == 1
    )

    # within one source too; and two inferred rows stay one inferred edge of both sources
    one = folder(
        tmp_path / "one",
        {
            "nodes/Enterprise.csv": "id,name,source\ne1,甲,t\ne2,乙,t\n",
            "edges/LOCATED_IN.csv": (
                "from_id,to_id,source,evidence,method\n"
                "e1,郑州市,t,inferred,name\ne1,郑州市,t,observed,\ne2,洛阳市,t,inferred,name\n"
            ),
        },
    )
    two = folder(
        tmp_path / "two",
        {
            "nodes/Enterprise.csv": "id,name,source\ne2,乙,u\n",
            "edges/LOCATED_IN.csv": "from_id,to_id,source,evidence\ne2,洛阳市,u,inferred\n",
        },
    )
    build_from_sources([f"tables:{one}", f"tables:{two}"], out, database=False)
    located = pd.read_parquet(out / "edges" / "LOCATED_IN.parquet")
    firms = located[located["from_id"].isin(["e1", "e2"])]
    assert firms[["from_id", "to_id", "source", "evidence"]].values.tolist() == [
        ["e1", "region:4101", "t", "observed"],
        ["e2", "region:4103", "t; u", "inferred"],
    ]
    assert len(pd.read_csv(out / "edge_merges.csv")) == 1


# --- a generated registration extract, row for row ----------------------------------------


def test_a_generated_registration_extract_builds_row_for_row(tmp_path: Path) -> None:
    from innokg.graph.stores.embedded import EmbeddedStore
    from innokg.loaders.tables import GARBLED_WARNING
    from tests.registration import DEFECTS, EDGES_FILE, NODES_FILE, write_registration

    reg = write_registration(tmp_path / "extract", 3000, bad=0.1, seed=15)
    assert set(reg.defects) == set(DEFECTS)
    out = tmp_path / "g"
    code_, text = run("build", f"tables:{reg.folder}", "--lenient", "--out", str(out))
    assert code_ == 0, text
    report = json.loads((out / "load_report.json").read_text(encoding="utf-8"))
    files = report["sources"][0]["files"]
    rejects = pd.read_csv(out / "rejects.csv", dtype=str, keep_default_na=False)
    rows = rejects[rejects["row"] != ""]
    assert (rejects["row"] == "").sum() == 0  # no file-level problem in this extract
    found = {f: {int(r) for r in rows.loc[rows["file"] == f, "row"]} for f in reg.rejected}
    assert found == reg.rejected  # rejects.csv names exactly the rows made bad
    assert set(rows["file"]) == {NODES_FILE, EDGES_FILE}
    for file, rejected in reg.rejected.items():
        assert files[file] == {
            "rows": reg.rows,
            "used": reg.rows - len(rejected),
            "folded": 0,
            "rejected": len(rejected),
            "filtered": 0,
            "skipped": 0,
        }
    total = sum(len(r) for r in reg.rejected.values())
    assert f"\n{total:,} row(s) rejected; reasons in" in text
    assert len(rejects) == total  # one reason a row: each bad row has one defect

    firms = pd.read_parquet(out / "nodes" / "Enterprise.parquet")
    assert len(firms) == files[NODES_FILE]["rows"] - files[NODES_FILE]["rejected"]
    assert sorted(firms["id"]) == sorted(reg.kept_ids)
    located = pd.read_parquet(out / "edges" / "LOCATED_IN.parquet")
    from_firms = located[located["from_id"].str.startswith("reg:")]
    assert len(from_firms) == reg.rows - len(reg.rejected[EDGES_FILE])
    assert from_firms["to_id"].str.fullmatch(r"region:41\d\d").all()  # cities, by name
    for kind in ("nodes", "edges"):
        for path in sorted((out / kind).glob("*.parquet")):
            df = pd.read_parquet(path)
            needed = ["id", "name", "source"] if kind == "nodes" else ["from_id", "to_id"]
            needed += [] if kind == "nodes" else ["source", "evidence"]
            assert not df[needed].isna().any().any(), path.name
            assert not (df[needed].astype(str).apply(lambda s: s.str.strip()) == "").any().any()
    got = {
        i: json.loads(a)
        for i, a in zip(firms["id"], firms["attributes"], strict=True)
        if pd.notna(a)
    }
    assert got == reg.attributes
    assert report["sources"][0]["warnings"][GARBLED_WARNING] == len(reg.garbled_rows)
    with EmbeddedStore(out / "graph.lbdb") as db:
        n = db.run("MATCH (e:Enterprise) RETURN count(e) AS n")["n"].iloc[0]
    assert n == len(reg.kept_ids)


@pytest.mark.bolt
def test_attributes_travel_through_a_bolt_server(bolt_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from innokg.graph.stores.neo4j import Neo4jStore

    s = read_tables_source(_with_extra_columns(tmp_path))
    tables = validate_tables(s.nodes, {})
    database = bolt_server.create_database("attributes")

    def store(write: bool) -> Neo4jStore:
        return Neo4jStore(
            bolt_server.uri,
            user=bolt_server.user,
            password=bolt_server.password,
            database=database,
            read_only=not write,
        )

    with store(write=True) as db:
        db.push(tables.nodes, tables.edges)
    with store(write=False) as db:
        raw_nodes, raw_edges, _ = db.pull()
        found = db.run("MATCH (e:Enterprise) WHERE e.attributes CONTAINS '长期' RETURN e.id AS id")
    assert found["id"].tolist() == ["e1"]
    back = validate_tables(raw_nodes, raw_edges).nodes["Enterprise"]
    pd.testing.assert_frame_equal(back, tables.nodes["Enterprise"])
