"""The dependency floors: setup.cfg's lowest versions install together and run innokg.

The whole check (``.ci/floors.py``) installs every floor from PyPI into a fresh venv and
builds and questions the demo there: several minutes, most of them downloading, so it
runs when asked, ``INNOKG_FLOORS=1 python -m pytest tests/test_floors.py``.  What the
check reads of setup.cfg is tested always.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("floors", REPO / ".ci" / "floors.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


floors = _script()


def test_every_dependency_has_a_floor_the_check_installs() -> None:
    pins = dict(floors.floors())
    assert {"numpy", "pandas", "pyarrow", "rdflib", "ladybug", "click"} <= set(pins)
    # what the code needs: numpy 2's string ufuncs, pandas 3's Series.str.isascii, and
    # the releases of pyarrow and scipy built for numpy 2
    assert floors._release(pins["numpy"]) >= (2,)
    assert floors._release(pins["pandas"]) >= (3,)
    assert floors._release(pins["pyarrow"]) >= (16,)
    assert floors._release(pins["scipy"]) >= (1, 13)


def test_a_requirement_without_a_floor_is_named(tmp_path: Path) -> None:
    cfg = tmp_path / "setup.cfg"
    cfg.write_text("[options]\ninstall_requires =\n    click>=8.1\n    rich\n", encoding="utf-8")
    with pytest.raises(floors.FloorsFailed, match=r"line 'rich' is not 'name>=version'"):
        floors.floors(cfg)
    cfg.write_text("[options]\ninstall_requires =\n    python-docx >= 1.1\n", encoding="utf-8")
    assert floors.floors(cfg) == [("python-docx", "1.1")]


def test_versions_compare_by_release() -> None:
    assert floors._release("1.26") == floors._release("1.26.0") == (1, 26)
    assert floors._release("0.11.2") > floors._release("0.11")
    assert floors._release("1.10") != floors._release("1.1")


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("INNOKG_FLOORS") != "1",
    reason="installs the floors from PyPI (minutes): INNOKG_FLOORS=1 runs it",
)
def test_the_floors_install_and_answer_as_the_current_versions() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / ".ci" / "floors.py")],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the floors work" in done.stdout
