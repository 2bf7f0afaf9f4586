"""Exports: what other tools read back is the graph, and hostile cells stay inert."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.exports import export_graph, neo4j_header
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from tests.factory import make_graph

HOSTILE = {
    "f1": '=HYPERLINK("http://example.invalid","x")',
    "f2": "+1+cmd|' /C calc'!A0",
    "f3": "-2+3",
    "f4": "@SUM(1,1)",
    "f5": '<img src=x onerror=alert(1)> & "quotes"',
}


@pytest.fixture
def hostile() -> EcosystemGraph:
    firms = [{"id": k, "name": v, "name_en": v} for k, v in HOSTILE.items()]
    firms.append({"id": "ok", "name": "正常企业", "size": "large", "employees": 10})
    return make_graph(
        {
            "Enterprise": firms,
            "Industry": [{"id": "i1", "name": "行业", "level": 2}],
            "Region": [{"id": "r1", "name": "郑州市"}],
        },
        {
            "SUPPLIES": [("f1", "ok", {"product": "=1+1", "weight": 2.5}), ("f1", "ok")],
            "IN_INDUSTRY": [("ok", "i1")],
            "LOCATED_IN": [("ok", "r1")],
        },
    )


def _edge_multiset(H: nx.MultiDiGraph, attr: str) -> Counter[tuple[str, str, str]]:
    return Counter((u, v, d[attr]) for u, v, d in H.edges(data=True))


def _expected_edges(G: EcosystemGraph) -> Counter[tuple[str, str, str]]:
    return Counter(
        (str(u), str(v), t)
        for u, v, t in G.edge_list()[["from_id", "to_id", "type"]].itertuples(index=False)
    )


def _coerced(attrs: dict[str, Any]) -> dict[str, Any]:
    # ``level`` is text for regions and a number for industries: GraphML declares it text.
    return {k: (str(v) if k == "level" else v) for k, v in attrs.items()}


def test_graphml_reads_back_as_the_same_graph(demo_graph: EcosystemGraph, tmp_path: Path) -> None:
    out = tmp_path / "g.graphml"
    assert export_graph(demo_graph, "graphml", out) == [out]
    H = nx.read_graphml(out)
    expected = demo_graph.to_networkx()
    assert set(H) == set(expected)
    assert {n: d for n, d in H.nodes(data=True)} == {
        n: _coerced(d) for n, d in expected.nodes(data=True)
    }
    assert _edge_multiset(H, "type") == _expected_edges(demo_graph)
    mine = sorted(
        (u, v, sorted(d.items())) for u, v, d in H.edges(data=True) if d["type"] == "SUPPLIES"
    )
    theirs = sorted(
        (u, v, sorted(d.items()))
        for u, v, d in expected.edges(data=True)
        if d["type"] == "SUPPLIES"
    )
    assert mine == theirs


def test_gexf_reads_back_as_the_same_graph(demo_graph: EcosystemGraph, tmp_path: Path) -> None:
    out = tmp_path / "g.gexf"
    export_graph(demo_graph, "gexf", out)
    H = nx.read_gexf(out)
    expected = demo_graph.to_networkx()
    assert set(H) == set(expected)
    assert {n: (d["label"], d["type"]) for n, d in H.nodes(data=True)} == {
        n: (d["name"], d["label"]) for n, d in expected.nodes(data=True)
    }
    assert _edge_multiset(H, "label") == _expected_edges(demo_graph)
    weights = Counter(round(d["weight"], 9) for *_, d in H.edges(data=True) if "weight" in d)
    assert weights == Counter(
        round(float(w), 9) for w in demo_graph.edges["SUPPLIES"]["weight"].dropna()
    ) + Counter(
        round(float(w), 9)
        for t in EDGE_TYPES
        if t != "SUPPLIES"
        for w in demo_graph.edges[t]["weight"].dropna()
    )


def test_xml_exports_escape_markup_and_control_characters(tmp_path: Path) -> None:
    G = make_graph({"Enterprise": [{"id": "a&b", "name": "<x>&\"'\x01"}, {"id": "c", "name": "c"}]})
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        H = reader(export_graph(G, fmt, tmp_path / f"g.{fmt}")[0])
        key = "name" if fmt == "graphml" else "label"
        assert H.nodes["a&b"][key] == "<x>&\"'\ufffd"


_NEO4J_TYPED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*:(string|long|int|double|boolean)$")


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def test_neo4j_csv_headers_are_valid_for_neo4j_admin(
    demo_graph: EcosystemGraph, tmp_path: Path
) -> None:
    out = tmp_path / "neo"
    export_graph(demo_graph, "neo4j-csv", out)
    node_ids: set[str] = set()
    for label in NODE_LABELS:
        path = out / "nodes" / f"{label}.csv"
        header = _header(path)
        assert header == neo4j_header("nodes", label)
        assert header[0] == "id:ID" and header[-1] == ":LABEL"
        assert all(_NEO4J_TYPED.match(h) for h in header[1:-1]), header
        names = [h.split(":")[0] for h in header[:-1]]
        assert len(names) == len(set(names))
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == len(demo_graph.nodes[label])
        assert {r[":LABEL"] for r in rows} == {label}
        node_ids |= {r["id:ID"] for r in rows}
    for etype in EDGE_TYPES:
        path = out / "relationships" / f"{etype}.csv"
        header = _header(path)
        assert header[:3] == [":START_ID", ":END_ID", ":TYPE"]
        assert all(_NEO4J_TYPED.match(h) for h in header[3:]), header
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == len(demo_graph.edges[etype])
        assert {r[":START_ID"] for r in rows} | {r[":END_ID"] for r in rows} <= node_ids
    with (out / "nodes" / "Enterprise.csv").open(encoding="utf-8", newline="") as f:
        enterprise = next(csv.DictReader(f))
    assert enterprise["industrial:boolean"] in {"true", "false", ""}
    assert re.fullmatch(r"\d*", enterprise["employees:long"])
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "--nodes=nodes/Enterprise.csv" in readme
    assert "--relationships=relationships/SUPPLIES.csv" in readme


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [cell for row in csv.reader(f) for cell in row]


def test_csv_exports_neutralise_formulas(hostile: EcosystemGraph, tmp_path: Path) -> None:
    export_graph(hostile, "csv", tmp_path / "csv")
    cells = _cells(tmp_path / "csv" / "nodes" / "Enterprise.csv")
    for name in HOSTILE.values():
        expected = name if name.startswith("<") else "'" + name
        assert cells.count(expected) == 2  # name and name_en
    assert "'=1+1" in _cells(tmp_path / "csv" / "edges" / "SUPPLIES.csv")
    export_graph(hostile, "neo4j-csv", tmp_path / "neo")
    neo = _cells(tmp_path / "neo" / "nodes" / "Enterprise.csv")
    assert "'" + HOSTILE["f4"] in neo and HOSTILE["f4"] not in neo
    export_graph(hostile, "neo4j-csv", tmp_path / "raw", neutralise=False)
    assert HOSTILE["f4"] in _cells(tmp_path / "raw" / "nodes" / "Enterprise.csv")


def test_xlsx_export_neutralises_formulas(hostile: EcosystemGraph, tmp_path: Path) -> None:
    import openpyxl  # a dependency of innokg

    out = tmp_path / "g.xlsx"
    export_graph(hostile, "xlsx", out)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["README", "about", *NODE_LABELS, *EDGE_TYPES]
    sheet = book["Enterprise"]
    header = [c.value for c in sheet[1]]
    names = {row[header.index("id")].value: row[header.index("name")] for row in sheet.iter_rows(2)}
    for key, name in HOSTILE.items():
        cell = names[key]
        assert cell.data_type == "s"  # text, never a formula
        assert cell.value == (name if name.startswith("<") else "'" + name)
    about = {r[0].value: r[1].value for r in book["about"].iter_rows(2)}
    assert about["synthetic"] == "no"


def _rows(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(values_only=True))


def test_xlsx_export_works_as_a_spreadsheet(tmp_path: Path) -> None:
    import openpyxl  # a dependency of innokg

    G = make_graph(
        {
            "Enterprise": [
                {"id": "e1", "name": "宇通客车", "employees": 18000, "listed": True},
                {"id": "e2", "name": "=供应商", "revenue": 12.5},
                {"id": "e3", "name": "无地企业"},
            ],
            "Region": [
                {"id": "region:4101", "name": "郑州市", "code": "410100"},
                {"id": "region:410102", "name": "中原区", "code": "410102", "level": "county"},
            ],
            "Industry": [{"id": "C36", "name": "汽车制造业", "level": 2}],
        },
        {
            "SUPPLIES": [("e2", "e1", {"product": "车身", "share": 0.5})],
            "LOCATED_IN": [("e1", "region:410102"), ("region:410102", "region:4101")],
            "IN_INDUSTRY": [("e1", "C36")],
        },
    )
    out = tmp_path / "g.xlsx"
    export_graph(G, "xlsx", out)
    book = openpyxl.load_workbook(out)
    for sheet in book.worksheets:
        header = next(sheet.iter_rows(max_row=1))
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{header[-1].column_letter}{sheet.max_row}"
        assert all(cell.font.b for cell in header), sheet.title
        widths = [sheet.column_dimensions[c.column_letter].width for c in header]
        assert all(6 <= w <= 60 for w in widths), (sheet.title, widths)
    for etype in EDGE_TYPES:
        header = _rows(book[etype])[0]
        assert header[:4] == ("from_id", "from_name", "to_id", "to_name"), etype
    assert _rows(book["SUPPLIES"])[1][:4] == ("e2", "'=供应商", "e1", "宇通客车")
    assert _rows(book["LOCATED_IN"])[1:] == [
        ("e1", "宇通客车", "region:410102", "中原区", "test", "observed", *[None] * 5),
        ("region:410102", "中原区", "region:4101", "郑州市", "test", "observed", *[None] * 5),
    ]
    firms = book["Enterprise"]
    header = _rows(firms)[0]
    assert header[:4] == ("id", "name", "city", "industry")
    assert [r[:4] for r in _rows(firms)[1:]] == [
        ("e1", "宇通客车", "郑州市", "汽车制造业"),
        ("e2", "'=供应商", None, None),
        ("e3", "无地企业", None, None),
    ]
    employees = firms.cell(2, header.index("employees") + 1)
    assert (employees.value, employees.data_type) == (18000, "n")
    assert firms.cell(2, header.index("listed") + 1).value is True
    assert firms.cell(3, header.index("revenue") + 1).value == 12.5
    region = book["Region"]
    code_col = _rows(region)[0].index("code") + 1
    code = region.cell(2, code_col)
    assert (code.value, code.data_type) == ("410100", "s")  # a code stays text
    assert region.column_dimensions[code.column_letter].number_format == "@"
    readme = {r[0]: r for r in _rows(book["README"])[1:] if r[0]}
    assert set(readme) == set(book.sheetnames)
    assert readme["Enterprise"][1:3] == ("企业", 3)
    assert readme["SUPPLIES"][2] == 1 and "from_name" in readme["SUPPLIES"][4]
    assert "city" in readme["Enterprise"][4]


def test_question_sheets_work_as_spreadsheets(demo_package: Path, tmp_path: Path) -> None:
    import openpyxl  # a dependency of innokg

    out = tmp_path / "single.xlsx"
    result = CliRunner().invoke(
        main,
        [
            "gaps",
            str(demo_package),
            "--kind",
            "single_source",
            "--format",
            "xlsx",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).worksheets[0]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    assert all(c.font.b for c in next(sheet.iter_rows(max_row=1)))
    assert {"entity", "name"} <= set(header)  # the name beside the id


def test_synthetic_data_is_flagged_in_the_workbook(hostile: EcosystemGraph, tmp_path: Path) -> None:
    import openpyxl  # a dependency of innokg

    hostile.manifest = {"synthetic": True, "sources": [{"kind": "synthetic", "path": None}]}
    export_graph(hostile, "xlsx", tmp_path / "d.xlsx")
    book = openpyxl.load_workbook(tmp_path / "d.xlsx", read_only=True)
    about = {r[0]: r[1] for r in book["about"].iter_rows(min_row=2, values_only=True)}
    assert about["synthetic"].startswith("yes")
    assert about["source 1"] == "synthetic"
    assert book["Enterprise"].max_row == len(hostile.nodes["Enterprise"]) + 1
    book.close()


def test_export_replaces_an_earlier_export_but_no_other_folder(
    hostile: EcosystemGraph, tmp_path: Path
) -> None:
    out = tmp_path / "tables"
    export_graph(hostile, "csv", out)
    (out / "stale.txt").write_text("old")
    export_graph(hostile, "csv", out)
    assert not (out / "stale.txt").exists()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_text("precious")
    with pytest.raises(InnokgError, match="does not hold an innokg export"):
        export_graph(hostile, "csv", mine)
    assert (mine / "thesis.docx").read_text() == "precious"
    with pytest.raises(InnokgError, match="is a folder"):
        export_graph(hostile, "graphml", mine)
    with pytest.raises(InnokgError, match="unknown export format"):
        export_graph(hostile, "pdf", tmp_path / "x.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "tables"]  # no leftovers


def test_empty_graph_exports(tmp_path: Path) -> None:
    G = make_graph({})
    for fmt in ("csv", "graphml", "gexf", "neo4j-csv"):
        export_graph(G, fmt, tmp_path / f"empty-{fmt}")
    assert len(nx.read_graphml(tmp_path / "empty-graphml")) == 0
    assert len(nx.read_gexf(tmp_path / "empty-gexf")) == 0


@pytest.mark.parametrize(
    ("fmt", "out", "expect"),
    [("gexf", "g.gexf", "g.gexf"), ("neo4j-csv", "neo", "neo/README.txt")],
)
def test_export_command(
    demo_package: Path, tmp_path: Path, fmt: str, out: str, expect: str
) -> None:
    result = CliRunner().invoke(
        main, ["export", str(demo_package), "--format", fmt, "--out", str(tmp_path / out)]
    )
    assert result.exit_code == 0, result.output
    assert "synthetic" in result.output
    assert (tmp_path / expect).is_file()


def test_export_command_errors_are_clean(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["export", str(tmp_path / "nope"), "--format", "csv", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    assert "not an innokg graph package" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_rdf_formats_go_through_the_rdf_module(
    hostile: EcosystemGraph, tmp_path: Path, fmt: str
) -> None:
    import rdflib  # a dependency of innokg

    out = tmp_path / f"g.{fmt}"
    assert export_graph(hostile, fmt, out) == [out]
    g = rdflib.Graph().parse(out, format="turtle" if fmt == "ttl" else "nt")
    names = {str(o) for o in g.objects() if isinstance(o, rdflib.Literal)}
    assert set(HOSTILE.values()) <= names  # literals, verbatim: RDF is not a spreadsheet
    assert list(tmp_path.iterdir()) == [out]
