"""Long exports say what they are writing: each table as it starts, on large graphs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import innokg.commands.visual as visual
from innokg.cli import main
from innokg.exports import export_graph
from innokg.graph.ecosystem import EcosystemGraph
from tests.factory import make_graph

# what every format tells of this graph: its non-empty tables in schema order
TABLES = [
    "write the Enterprise nodes (3 rows)",
    "write the Region nodes (1 row)",
    "write the SUPPLIES edges (2 rows)",
    "write the LOCATED_IN edges (1 row)",
]


@pytest.fixture
def small() -> EcosystemGraph:
    return make_graph(
        {
            "Enterprise": [{"id": f"e{i}", "name": f"企业{i}"} for i in range(3)],
            "Region": [{"id": "r1", "name": "郑州市"}],
        },
        {"SUPPLIES": [("e0", "e1"), ("e1", "e2")], "LOCATED_IN": [("e0", "r1")]},
    )


@pytest.mark.parametrize(
    ("fmt", "out"),
    [
        ("csv", "t"),
        ("neo4j-csv", "neo"),
        ("graphml", "g.graphml"),
        ("gexf", "g.gexf"),
        ("ttl", "g.ttl"),
        ("nt", "g.nt"),
        ("jsonld", "g.jsonld"),
        ("trig", "g.trig"),
    ],
)
def test_each_format_reports_each_table_in_order(
    small: EcosystemGraph, tmp_path: Path, fmt: str, out: str
) -> None:
    steps: list[str] = []
    export_graph(small, fmt, tmp_path / out, report=steps.append)
    assert steps == TABLES


def test_the_workbook_reports_each_sheet_and_its_saving(
    small: EcosystemGraph, tmp_path: Path
) -> None:
    steps: list[str] = []
    export_graph(small, "xlsx", tmp_path / "g.xlsx", report=steps.append)
    assert steps[0].startswith("write the sheet README (")
    assert steps[1].startswith("write the sheet about (")
    assert steps[2:] == [
        "write the sheet Enterprise (3 rows)",
        "write the sheet Region (1 row)",
        "write the sheet SUPPLIES (2 rows)",
        "write the sheet LOCATED_IN (1 row)",
        "save g.xlsx",
    ]


def _export(package: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(
        main, ["export", str(package), "--format", "csv", "--out", str(out), *extra]
    )
    assert result.exit_code == 0, result.output
    return result.stderr


def test_the_command_shows_the_tables_of_a_large_graph(
    demo_package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    G = EcosystemGraph.open(demo_package)
    monkeypatch.setattr(visual, "EXPORT_STEPS_ROWS", 1)
    err = _export(demo_package, tmp_path / "a")
    rows = G.counts()["edges"]["SUPPLIES"]
    assert f"write the SUPPLIES edges ({rows:,} rows) ..." in err
    # each step once, in schema order, the empty tables left out
    lines = [line.split("] ", 1)[1] for line in err.splitlines() if line.startswith("[")]
    expected = [
        f"write the {name} {kind} ({n:,} row{'s' if n != 1 else ''}) ..."
        for kind, counts in G.counts().items()
        for name, n in counts.items()
        if n
    ]
    assert lines == expected
    assert _export(demo_package, tmp_path / "b", "-q") == ""


def test_the_command_is_silent_on_a_small_graph(demo_package: Path, tmp_path: Path) -> None:
    assert visual.EXPORT_STEPS_ROWS == 1_000_000
    assert _export(demo_package, tmp_path / "a") == ""
