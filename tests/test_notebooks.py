"""The notebooks run top to bottom, and are committed without outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.needs import needs_module

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))

nbformat = needs_module("nbformat")


def test_there_are_notebooks() -> None:
    assert [p.name for p in NOTEBOOKS] == [
        "01-tour.ipynb",
        "02-supply-chain-clusters.ipynb",
        "03-gaps-and-partnerships.ipynb",
        "04-policy-indicators-by-city.ipynb",
        "05-cypher.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name
    title = nb.cells[0].source.splitlines()[0]
    assert title.startswith("# ") and " · " in title  # a Chinese and an English title


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_top_to_bottom(
    path: Path, demo_package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nbclient = needs_module("nbclient")
    needs_module("ipykernel")
    # The kernel inherits the environment: point it at the session's demo (read only).
    monkeypatch.setenv("INNOKG_PACKAGE", str(demo_package))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "error"
    ]
    assert errors == []
