"""Long work says so: the first command on a large package prints a note while the
clusters, their profiles or Burt's constraint are computed (and what they took), the
brief names each part as it starts, and a quiet command prints none of it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.graph.package import write_package
from innokg.graph.testing import make_tables
from innokg.queries import kept as kept_module
from innokg.queries.kept import KEPT_DIR

FIRMS = [{"id": f"e{i}", "name": f"企业{i}", "size": "large"} for i in range(8)]
LINKS = [("e0", "e1"), ("e1", "e2"), ("e0", "e2"), ("e3", "e4"), ("e4", "e5"), ("e3", "e5")]
LINKS += [("e2", "e3"), ("e6", "e0"), ("e6", "e3"), ("e6", "e7"), ("e6", "e5")]
CLUSTERS = "the supply-chain clusters"


def _package(tmp_path: Path) -> Path:
    out = tmp_path / "pkg"
    write_package(make_tables({"Enterprise": FIRMS}, {"SUPPLIES": LINKS}), out, sources=[])
    return out


def _run(*args: str) -> tuple[str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every graph counts as large enough to announce its long work."""
    monkeypatch.setattr(kept_module, "ANNOUNCE_NODES", 0)


def _notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("note: ")]


def test_the_first_question_on_a_large_package_says_what_it_computes(
    tmp_path: Path, large: None
) -> None:
    pkg = _package(tmp_path)
    _, stderr = _run("clusters", str(pkg), "--format", "csv")
    notes = _notes(stderr)
    assert (
        f"note: computing {CLUSTERS} (8 nodes); kept with the package, so this is done once ..."
        in notes
    )
    assert any(re.fullmatch(rf"note: {CLUSTERS}: computed in \d+\.\d s", n) for n in notes)
    assert any(n.startswith("note: computing the clusters' profiles (8 nodes)") for n in notes)
    # the next command reads them: nothing to announce
    _, again = _run("clusters", str(pkg), "--format", "csv")
    assert not [n for n in _notes(again) if "comput" in n]
    _, gaps = _run("gaps", str(pkg), "--kind", "structural_hole", "--format", "csv")
    assert "note: computing Burt's constraint (8 nodes); kept with the package" in gaps


def test_nothing_is_said_below_the_size_that_takes_time(tmp_path: Path) -> None:
    assert kept_module.ANNOUNCE_NODES == 500_000
    _, stderr = _run("clusters", str(_package(tmp_path)), "--format", "csv")
    assert "comput" not in stderr


def test_a_package_that_keeps_nothing_does_not_promise_to(
    tmp_path: Path, large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INNOKG_KEEP", "0")
    _, stderr = _run("clusters", str(_package(tmp_path)), "--format", "csv")
    assert f"note: computing {CLUSTERS} (8 nodes) ..." in _notes(stderr)
    assert "kept" not in stderr


def test_a_quiet_command_prints_no_notes(tmp_path: Path, large: None) -> None:
    pkg = _package(tmp_path)
    out = tmp_path / "partners.csv"
    stdout, stderr = _run("partners", str(pkg), "--out", str(out), "-q")
    assert (pkg / KEPT_DIR).is_dir() and list((pkg / KEPT_DIR).glob("clusters-*.npz"))
    assert "comput" not in stderr + stdout
    # and the notes are back for the next command
    shutil.rmtree(pkg / KEPT_DIR)
    _, stderr = _run("clusters", str(pkg), "--format", "csv")
    assert f"note: computing {CLUSTERS} (8 nodes)" in stderr


def test_prepare_reports_its_own_steps_and_no_notes(tmp_path: Path, large: None) -> None:
    pkg = _package(tmp_path)
    _, stderr = _run("prepare", str(pkg))
    assert "prepare the clusters (every year)" in stderr
    assert "note: computing" not in stderr


def test_the_brief_names_each_part_as_it_starts(demo_package: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.html"
    stdout, stderr = _run("brief", str(demo_package), "--lang", "en", "--out", str(out))
    steps = re.findall(r"^\[\s*\d+\.\d+s\] (.+) \.\.\.$", stderr, flags=re.M)
    assert steps == [
        "the targets",
        "the headline and key findings",
        "progress by city",
        "the gaps below target",
        "the executive summary",
        "how the cities compare",
        "supply-chain clusters",
        "collaboration gaps",
        "partnerships to broker",
        "write the html file",
    ]
    assert stdout.startswith(f"wrote {out} (")
    _, quiet = _run("brief", str(demo_package), "--out", str(out), "-q")
    assert quiet == ""
