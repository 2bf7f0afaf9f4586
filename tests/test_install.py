"""What ``pip install .`` puts on a user's machine: one ``innokg`` namespace and its data."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("wheel")
    # Build from a clean copy: setuptools stages files in build/ beside the sources, and
    # a stale stage (or a user's stray build/) must neither leak into nor come from here.
    src = out / "src"
    shutil.copytree(
        REPO,
        src,
        ignore=shutil.ignore_patterns(
            ".git",
            ".venv",
            "build",
            "dist",
            "*.egg-info",
            "__pycache__",
            ".*_cache",
            "test-artifacts",
            "innokg-demo",
        ),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("innokg-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        return zf.namelist()


@pytest.mark.slow
def test_wheel_installs_one_namespace(wheel_names: list[str]) -> None:
    tops = {name.split("/")[0] for name in wheel_names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"innokg"}
    for layer in ("graph", "loaders", "queries", "commands"):
        assert f"innokg/{layer}/__init__.py" in wheel_names


@pytest.mark.slow
def test_wheel_carries_data_files(wheel_names: list[str]) -> None:
    expected = [
        "innokg/graph/py.typed",
        "innokg/loaders/data/henan_regions.csv",
        "innokg/loaders/data/ndrc_enterprise_technology_centres_2019.csv",
        "innokg/loaders/data/moe_henan_universities_2025.csv",
        "innokg/loaders/data/cn_cities_2016.csv",
        "innokg/loaders/data/cn_cities_2016.LICENSE.txt",
        "innokg/loaders/data/henan_cities.geojson",
        "innokg/loaders/data/shenwan2021_gbt4754.csv",
        "innokg/loaders/data/README.md",
        "innokg/queries/cypher/customers_of.cypher",
        "innokg/queries/sparql",
    ]
    for path in expected:
        assert any(n.startswith(path) for n in wheel_names), path


def test_every_source_folder_is_a_listed_package() -> None:
    """A new sub-folder must be added to setup.cfg's packages, or it is not installed."""
    cfg = (REPO / "setup.cfg").read_text(encoding="utf-8")
    listed = cfg.split("\npackages =", 1)[1].split("include_package_data")[0].split()
    mapping = {
        "graph": "innokg.graph",
        "loaders": "innokg.loaders",
        "queries": "innokg.queries",
        "innokg": "innokg",
    }
    found = set()
    for folder, name in mapping.items():
        for init in (REPO / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(REPO / folder).parts
            found.add(".".join((name, *rel)))
    assert found == set(listed)
