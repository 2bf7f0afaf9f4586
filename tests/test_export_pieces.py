"""Table exports are written a piece of rows at a time, and the files are the same as
when each table was written whole: the header and the byte-order mark once, every
hostile cell neutralised in whichever piece it falls, booleans as Neo4j reads them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import innokg.exports.chunked as chunked
from innokg.exports import export_graph
from innokg.graph.ecosystem import EcosystemGraph
from tests.factory import make_graph

NAMES = ["=1+1", "plain", "x\r=2", "-3", "a\nb", "@sum", "普通", "+4"]


@pytest.fixture
def graph() -> EcosystemGraph:
    firms = [
        {"id": f"e{i}", "name": name, "listed": i % 2 == 0, "employees": 10 * i}
        for i, name in enumerate(NAMES)
    ]
    supplies = [
        (f"e{i}", f"e{i + 1}", {"product": NAMES[-1 - i], "weight": 0.5 * i})
        for i in range(len(NAMES) - 1)
    ]
    return make_graph({"Enterprise": firms}, {"SUPPLIES": supplies})


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


@pytest.mark.parametrize("fmt", ["csv", "neo4j-csv"])
@pytest.mark.parametrize("neutralise", [True, False])
def test_pieces_of_any_size_give_the_same_files(
    graph: EcosystemGraph,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
    neutralise: bool,
) -> None:
    export_graph(graph, fmt, tmp_path / "whole", neutralise=neutralise)
    whole = _files(tmp_path / "whole")
    for rows in (1, 2, 3):
        monkeypatch.setattr(chunked, "PIECE_ROWS", rows)
        export_graph(graph, fmt, tmp_path / f"by{rows}", neutralise=neutralise)
        assert _files(tmp_path / f"by{rows}") == whole, rows


def test_a_csv_table_in_pieces_is_read_back_whole(
    graph: EcosystemGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunked, "PIECE_ROWS", 3)
    export_graph(graph, "csv", tmp_path / "t")
    raw = (tmp_path / "t" / "nodes" / "Enterprise.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,") and raw.count(b"\xef\xbb\xbf") == 1
    assert raw.count(b"\nid,") == 0  # the header once
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["name"] for r in rows] == [
        "'=1+1",
        "plain",
        "x\r=2",
        "'-3",
        "a\nb",
        "'@sum",
        "普通",
        "'+4",
    ]
    # the cells with a line break are quoted, wherever their piece starts
    assert '"x\r=2"' in text and '"a\nb"' in text
    assert [r["listed"] for r in rows] == ["True", "False"] * 4


def test_neo4j_import_files_in_pieces_keep_their_types_and_columns(
    graph: EcosystemGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunked, "PIECE_ROWS", 3)
    export_graph(graph, "neo4j-csv", tmp_path / "neo")
    lines = (tmp_path / "neo" / "nodes" / "Enterprise.csv").read_text("utf-8").split("\n")
    header = lines[0].split(",")
    assert header[0] == "id:ID" and header[-1] == ":LABEL"
    assert sum(line.startswith("id:ID") for line in lines) == 1
    listed = header.index("listed:boolean")
    assert lines[1].split(",")[listed] == "true" and lines[2].split(",")[listed] == "false"
    assert all(line.endswith(",Enterprise") for line in lines[1:3])
    edges = (tmp_path / "neo" / "relationships" / "SUPPLIES.csv").read_text("utf-8")
    first, *rest = csv.reader(io.StringIO(edges, newline=""))
    assert first[:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert [row[:3] for row in rest] == [
        [f"e{i}", f"e{i + 1}", "SUPPLIES"] for i in range(len(NAMES) - 1)
    ]


def test_an_empty_table_still_gets_its_header(tmp_path: Path) -> None:
    G = make_graph({"Enterprise": [{"id": "e0", "name": "甲"}]}, {})
    export_graph(G, "csv", tmp_path / "t")
    text = (tmp_path / "t" / "edges" / "SUPPLIES.csv").read_text("utf-8-sig")
    assert text.startswith("from_id,to_id") and text.count("\n") == 1
