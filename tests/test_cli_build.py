"""The command line for making and describing packages, as a user types it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from innokg.cli import main
from tests.conftest import REPO

GOOD = REPO / "tests" / "data" / "good"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_demo_then_info(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    code, text = run("demo", "--scale", "800", "--seed", "5", "--out", str(out))
    assert code == 0, text
    assert f"Built the demo ecosystem at {out}/" in text
    assert "innokg cypher" in text  # says what to try next
    code, text = run("info", str(out))
    assert code == 0, text
    assert "SYNTHETIC DATA" in text and "generator: scale 800, seed 5" in text
    assert "empty:" not in text  # every label and edge type populated
    code, text = run("info", str(out), "--json")
    generator = {"name": "innokg.loaders.synthetic", "scale": 800, "seed": 5}
    assert json.loads(text)["generator"] == generator


def test_demo_json_and_quiet(tmp_path: Path) -> None:
    code, text = run(
        "demo", "--scale", "600", "--out", str(tmp_path / "d"), "--json", "--no-database"
    )
    assert code == 0, text
    manifest = json.loads(text)
    assert manifest["database"] is None and "timings" in manifest
    code, text = run("demo", "--scale", "600", "--out", str(tmp_path / "d"), "-q")
    assert (code, text) == (0, "")


def test_build_validate_and_info(tmp_path: Path) -> None:
    code, text = run("validate", str(GOOD))
    assert (code, text) == (0, "valid: 10 nodes and 11 edges (12 labels and 15 edge types known)\n")
    code, text = run("build", f"tables:{GOOD}", "--out", str(tmp_path / "g"))
    assert code == 0, text
    assert "total: 29 nodes, 11 edges" in text  # and the seed policy's 19 measures
    code, text = run("info", str(tmp_path / "g"))
    assert f"tables: {GOOD} (21 rows read)" in text


def test_bad_input_is_one_clean_message_and_nothing_is_written(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(GOOD, src)
    shutil.copytree(REPO / "tests" / "data" / "bad" / "many_problems", src, dirs_exist_ok=True)
    code, text = run("build", str(src), "--out", str(tmp_path / "g"))
    assert code == 1
    assert "Traceback" not in text
    assert "\nError: 3 problem(s) in the input; nothing was written.\n" in text
    assert "nodes/Enterprise.csv, row 3, column 'employees'" in text
    assert not (tmp_path / "g").exists()
    code, text = run("validate", str(src))
    assert code == 1 and "3 problem(s)" in text


def test_lenient_build_writes_rejects(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(GOOD, src)
    shutil.copytree(REPO / "tests" / "data" / "bad" / "many_problems", src, dirs_exist_ok=True)
    code, text = run("build", str(src), "--out", str(tmp_path / "g"), "--lenient")
    assert code == 0, text
    # rows, not reason lines (issue 15, item 5): one Enterprise row has two problems
    assert "5 row(s) rejected (6 reason line(s))" in text
    rejects = (tmp_path / "g" / "rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects[0] == "file,row,column,reason" and len(rejects) == 7


def test_user_mistakes_exit_cleanly(tmp_path: Path) -> None:
    code, text = run("info", str(tmp_path / "nothing"))
    assert code == 1 and "is not an innokg graph package" in text and "Traceback" not in text
    code, text = run("build", "nosuchkind:x", "--out", str(tmp_path / "g"))
    assert code == 1 and "unknown source kind 'nosuchkind'" in text
    code, text = run("demo", "--scale", "10")
    assert code == 2 and "10 is not in the range x>=500" in text


def test_python_dash_m(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "innokg", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "Usage: innokg" in proc.stdout
