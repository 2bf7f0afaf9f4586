"""The hostile-input corpus: every file gives its documented error, or a safe result.

``tests/data/hostile/cases.csv`` lists each file, where it is placed (a table inside a
copy of ``tests/data/good``, a whole workbook, a package's manifest, a file of a copy of
the ChainKnowledgeGraph fixture ``chainkg/<file>``, or an RDF source ``rdf``), whether it
must be refused (exit 1, one clean message naming the file and place, nothing written) or
built safely (exit 0, names stored as inert text; bad JSON lines listed in rejects.csv).
Inputs too large to commit are made here.  ChainKnowledgeGraph and RDF sources are read by
``innokg build`` in child processes with bounded memory and time that stop at any attempt
to open ``/etc/passwd`` or to reach the network.
"""

from __future__ import annotations

import csv
import hashlib
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import PackageError
from innokg.graph.package import read_tables, write_package
from tests.conftest import REPO
from tests.factory import make_tables

HOSTILE = REPO / "tests" / "data" / "hostile"
GOOD = REPO / "tests" / "data" / "good"
CASES = list(csv.DictReader((HOSTILE / "cases.csv").read_text(encoding="utf-8").splitlines()))
CHAINKG = REPO / "tests" / "data" / "sources" / "chainkg"
SOURCE_CASES = [c for c in CASES if c["place"] == "rdf" or c["place"].startswith("chainkg/")]
BUILD_CASES = [c for c in CASES if c["place"] != "manifest" and c not in SOURCE_CASES]
MANIFEST_CASES = [c for c in CASES if c["place"] == "manifest"]


def test_the_corpus_is_complete() -> None:
    files = {p.name for p in HOSTILE.iterdir()} - {"cases.csv", "make_corpus.py"}
    assert files == {c["file"] for c in CASES}
    assert len(files) >= 60
    assert len(SOURCE_CASES) >= 22


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
            # a row of empty cells is a blank row (Excel pads rows so): no product is
            # left, and the edges to the products are what fails, within bounds
            "edges/PRODUCES.csv, row 2, column 'to_id': no node with id 'prod:bearing'",
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


# --- ChainKnowledgeGraph and RDF sources, in bounded and audited subprocesses ---------------


def _audit(event: str, args: tuple[object, ...]) -> None:
    """Stop the process (exit 97) at any attempt to open /etc/passwd or use the network."""
    touches = event == "open" and "passwd" in str(args[0] if args else "")
    if touches or event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        os.write(2, f"AUDIT: {event} {args[0] if args else ''!r}\n".encode())
        os._exit(97)


def _build_in_child(args: list[str], log: str) -> None:
    """Run ``innokg ARGS`` here, output to ``log``, bounded to 2 GB and audited."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    _bounded()
    sys.addaudithook(_audit)
    main(prog_name="innokg", args=args)


#: Inputs too large to commit: name -> (place, content, expect, message).
GENERATED = {
    "jsonl_huge_value.json": (
        "chainkg/product.json",
        '{"name": "钢材"}\n{"name": "' + "长" * 1_000_001 + '"}\n{"name": "焦炭"}\n',
        "ok",
        "product.json, line 2, column 'name': a value of 1,000,001 characters (limit 1,000,000)",
    ),
    "ttl_huge_literal.ttl": (
        "rdf",
        "@prefix ik: <https://w3id.org/innokg/ontology#> .\n"
        '<https://example.org/a> a ik:Product ;\n    ik:name "' + "长" * 1_000_001 + '" .\n',
        "error",
        "ttl_huge_literal.ttl: a literal of 1,000,001 characters on https://example.org/a "
        "(limit 1,000,000)",
    ),
}
RUN_CASES = [*SOURCE_CASES] + [
    {"file": name, "place": place, "expect": expect, "message": message}
    for name, (place, _, expect, message) in GENERATED.items()
]


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _prepare(case: dict[str, str], work: Path, package: Path) -> list[str]:
    """The case's source and a copy of an existing package under ``work``; the build's args."""
    src = work / "src"
    if case["place"] == "rdf":
        src.mkdir()
        source = src / case["file"]
    else:
        shutil.copytree(CHAINKG, src)
        source = src / case["place"].removeprefix("chainkg/")
    if case["file"] in GENERATED:
        source.write_text(GENERATED[case["file"]][1], encoding="utf-8")
    else:
        shutil.copy(HOSTILE / case["file"], source)
    shutil.copytree(package, work / "out")
    arg = str(source) if case["place"] == "rdf" else f"chainkg:{src}"  # RDF kind detected
    return ["build", arg, "--out", str(work / "out"), "-q", "--no-database"]


@pytest.fixture(scope="module")
def source_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    """Every source case built over an existing package, two at a time.

    Each build runs in a process forked from a server that has imported innokg once
    (``multiprocessing``'s forkserver): a fresh interpreter per case would spend most of
    its time importing.  What a case leaves: exit code, output, whether the package
    changed, the entries of its folder.
    """
    root = tmp_path_factory.mktemp("sources")
    package = root / "package"
    write_package(make_tables({"Product": [{"id": "p", "name": "钢材"}]}), package, sources=[])
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(
        ["tests.test_hostile", "innokg.loaders.chainkg", "innokg.loaders.rdf"]
    )
    runs: dict[str, dict[str, object]] = {}
    for i in range(0, len(RUN_CASES), 2):
        started = []
        for case in RUN_CASES[i : i + 2]:
            work = root / case["file"].replace(".", "_")
            work.mkdir()
            args = _prepare(case, work, package)
            log = root / (work.name + ".log")
            proc = ctx.Process(target=_build_in_child, args=(args, str(log)))
            proc.start()
            started.append((case, work, log, proc, _snapshot(work / "out")))
        for case, work, log, proc, before in started:
            proc.join(120)
            if proc.is_alive():
                proc.kill()
                proc.join()
            runs[case["file"]] = {
                "exit": proc.exitcode,
                "output": log.read_text(encoding="utf-8", errors="replace"),
                "unchanged": _snapshot(work / "out") == before,
                "left": sorted(p.name for p in work.iterdir()),
                "out": work / "out",
            }
    return runs


def _rejects(out: Path) -> set[str]:
    """rejects.csv as ``file, line N[, column 'c']: reason`` lines."""
    with open(out / "rejects.csv", encoding="utf-8", newline="") as f:
        return {
            f"{r['file']}, line {r['row']}"
            + (f", column '{r['column']}'" if r["column"] else "")
            + f": {r['reason']}"
            for r in csv.DictReader(f)
        }


@pytest.mark.parametrize("case", RUN_CASES, ids=[c["file"] for c in RUN_CASES])
def test_source(case: dict[str, str], source_runs: dict[str, dict[str, object]]) -> None:
    run = source_runs[case["file"]]
    output = str(run["output"])
    assert "AUDIT" not in output  # no outside file opened, no network used
    assert "Traceback" not in output, output
    assert run["left"] == ["out", "src"]  # no temporary folder left behind
    out = run["out"]
    assert isinstance(out, Path)
    if case["expect"] == "error":
        assert run["exit"] == 1, output
        assert case["message"] in output
        assert case["place"] != "rdf" or case["file"] in output  # the file is named
        assert run["unchanged"]  # the package already there is untouched
        return
    assert run["exit"] == 0, output
    assert not run["unchanged"]  # replaced by the new package
    nodes, _, _ = read_tables(out)
    if case["place"] == "rdf":  # names and sources stay inert text
        product = nodes["Product"]
        assert case["message"] in set(product["source"]) | set(product["name"])
    else:  # each bad line is listed with its place and reason; the good ones are kept
        expected = set(case["message"].split(" | "))
        assert expected <= _rejects(out)
        assert len(nodes["Enterprise"]) > 0
