"""The hostile-input corpus: every file gives its documented error, or a safe result.

``tests/data/hostile/cases.csv`` lists each file, where it is placed (a table inside a
copy of ``tests/data/good``, a whole workbook, or a package's manifest), whether it must
be refused (exit 1, one clean message naming the file and place, nothing written) or
built safely (exit 0, names stored as inert text).  Inputs too large to commit are made
here and read in a subprocess with bounded memory and time.
"""

from __future__ import annotations

import csv
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from graph.ecosystem import EcosystemGraph
from graph.errors import PackageError
from graph.package import read_tables, write_package
from innokg.cli import main
from tests.conftest import REPO
from tests.factory import make_tables

HOSTILE = REPO / "tests" / "data" / "hostile"
GOOD = REPO / "tests" / "data" / "good"
CASES = list(csv.DictReader((HOSTILE / "cases.csv").read_text(encoding="utf-8").splitlines()))
BUILD_CASES = [c for c in CASES if c["place"] != "manifest"]
MANIFEST_CASES = [c for c in CASES if c["place"] == "manifest"]


def test_the_corpus_is_complete() -> None:
    files = {p.name for p in HOSTILE.iterdir()} - {"cases.csv", "make_corpus.py"}
    assert files == {c["file"] for c in CASES}
    assert len(files) >= 38


def source_for(case: dict[str, str], tmp: Path) -> Path:
    if case["place"] == "workbook":
        shutil.copy(HOSTILE / case["file"], tmp / case["file"])
        return tmp / case["file"]
    src = tmp / "src"
    shutil.copytree(GOOD, src)
    target = src / case["place"]
    if target.suffix == ".parquet":  # replaces the CSV of the same table
        target.with_suffix(".csv").unlink()
    shutil.copy(HOSTILE / case["file"], target)
    return src


@pytest.mark.parametrize("case", BUILD_CASES, ids=[c["file"] for c in BUILD_CASES])
def test_build(case: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", f"tables:{source_for(case, tmp_path)}", "--out", str(out), "-q"]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    if case["expect"] == "error":
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert case["message"] in result.output
        assert not out.exists()  # nothing written
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    else:
        assert result.exit_code == 0, result.output
        counts = EcosystemGraph.open(out).counts()["nodes"]
        if case["place"] == "workbook":  # the workbooks hold the two products only
            assert counts["Product"] == 2
        else:
            placed = HOSTILE / case["file"]
            products = len(pd.read_csv(placed, dtype=str)) if "Product" in case["place"] else 2
            assert (counts["Enterprise"], counts["Product"]) == (3, products)


@pytest.mark.parametrize("case", MANIFEST_CASES, ids=[c["file"] for c in MANIFEST_CASES])
def test_manifest(case: dict[str, str], tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    write_package(make_tables({"Product": [{"id": "p", "name": "钢材"}]}), package, sources=[])
    shutil.copy(HOSTILE / case["file"], package / "manifest.json")
    result = CliRunner().invoke(main, ["info", str(package)])
    assert result.exit_code == 1, result.output
    assert case["message"] in result.output and "Traceback" not in result.output
    with pytest.raises(PackageError):
        read_tables(package)


def test_names_stay_inert_text(tmp_path: Path) -> None:
    names = pd.read_csv(HOSTILE / "formula_names.csv", dtype=str)["name"].tolist()
    names += pd.read_csv(HOSTILE / "html_names.csv", dtype=str)["name"].tolist()
    names += pd.read_csv(HOSTILE / "cypher_names.csv", dtype=str)["name"].tolist()
    tables = make_tables({"Product": [{"id": f"p{i}", "name": n} for i, n in enumerate(names)]})
    write_package(tables, tmp_path / "pkg", sources=[])
    stored = EcosystemGraph.open(tmp_path / "pkg").nodes["Product"]["name"].tolist()
    assert sorted(stored) == sorted(names)  # exactly as given: no evaluation, no stripping


def _bounded() -> None:
    limit = 2 * 1024**3  # 2 GB of address space
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_bounded(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "innokg", *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_bounded,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "huge_cell",
            "id,name,source\np1," + "长" * 1_000_001 + ",t\n",
            "nodes/Product.csv, row 2, column 'name': a cell of 1,000,001 characters (limit "
            "1,000,000)",
        ),
        (
            "many_columns",
            "id" + "," * 2_000_000 + "\n",
            "nodes/Product.csv: the header has 2,000,001 columns (limit 1,000)",
        ),
        (
            "many_commas_in_a_row",
            "id,name,source\n" + "," * 3_000_000 + "\n",
            "nodes/Product.csv: not a well-formed CSV table (Error tokenizing data. C error: "
            "Expected 3 fields in line 2, saw 3000001)",
        ),
    ],
)
def test_large_inputs_are_refused_within_bounds(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    src = tmp_path / "src"
    shutil.copytree(GOOD, src)
    (src / "nodes" / "Product.csv").write_text(content, encoding="utf-8")
    proc = run_bounded(["build", f"tables:{src}", "--out", str(tmp_path / "out"), "-q"])
    assert proc.returncode == 1, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()
