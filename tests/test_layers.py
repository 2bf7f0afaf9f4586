"""The layer contract holds (import-linter), ruff finds nothing, mypy --strict passes.

import-linter reads a package from its folder, but graph/, loaders/ and queries/ are
installed under ``innokg`` from folders beside it (``package_dir``), which it cannot
follow.  So the contract is checked on a copy laid out as installed: ``innokg/`` with
``graph/``, ``loaders/`` and ``queries/`` inside.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.needs import unavailable

REPO = Path(__file__).resolve().parents[1]
LAYERS = ("graph", "loaders", "queries")


def _installed_layout(root: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "innokg", root / "innokg", ignore=ignore)
    for layer in LAYERS:
        shutil.copytree(REPO / layer, root / "innokg" / layer, ignore=ignore)
    return root


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("lint-imports", path=os.path.dirname(sys.executable))
    if tool is None:
        unavailable("import-linter is not installed; pip install -e '.[test]'")
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [tool, "--config", str(REPO / "setup.cfg"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_the_layer_contract_is_kept(tmp_path: Path) -> None:
    done = _lint_imports(_installed_layout(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("graph/schema.py", "import innokg.queries.clusters\n", "graph imports nothing above it"),
        ("queries/gaps/__init__.py", "import innokg.loaders.tables\n", "queries import only graph"),
        ("queries/arrays.py", "import ladybug\n", "only the stores import database drivers"),
    ],
)
def test_an_upward_import_breaks_the_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    root = _installed_layout(tmp_path)
    target = root / "innokg" / module
    target.write_text(target.read_text(encoding="utf-8") + "\n" + line, encoding="utf-8")
    done = _lint_imports(root)
    assert done.returncode != 0
    assert f"{contract} BROKEN" in done.stdout


def test_ruff_finds_nothing() -> None:
    tool = shutil.which("ruff", path=os.path.dirname(sys.executable))
    if tool is None:
        unavailable("ruff is not installed; pip install -e '.[test]'")
    folders = [*LAYERS, "innokg", "tests", "benchmarks"]
    done = subprocess.run(
        [tool, "check", "--no-cache", *folders],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_passes_on_graph_and_queries(tmp_path: Path) -> None:
    tool = shutil.which("mypy", path=os.path.dirname(sys.executable))
    if tool is None:
        unavailable("mypy is not installed; pip install -e '.[test]'")
    root = _installed_layout(tmp_path)
    done = subprocess.run(
        [
            tool,
            "--config-file",
            str(REPO / "setup.cfg"),
            "--no-incremental",
            "-p",
            "innokg.graph",
            "-p",
            "innokg.queries",
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
