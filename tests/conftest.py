"""Fixtures shared by the whole suite.

- ``demo_package``: the default demo (scale 2000, seed 2016) built once per session.
  Read it; never write into it (copy it with ``tmp_path`` first).
- ``demo_graph``: that package opened as an :class:`innokg.graph.ecosystem.EcosystemGraph`.
- ``shared_data``: the public datasets in ``../shared/data``; tests using it skip
  with a reason where it is absent.
- ``make_graph`` (in :mod:`tests.factory`): small hand-made graphs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.pipeline import build_demo
from tests.needs import unavailable

# Fixture modules of particular suites (e.g. the Bolt server) add themselves here.
pytest_plugins: list[str] = ["tests.bolt_server"]

# Results are kept beside packages, and builds prepare them, as a user gets by default:
# an INNOKG_KEEP=0 left in the shell (the benchmarks' cold runs) must not change what the
# tests see. Tests that turn keeping off set it themselves.
os.environ.pop("INNOKG_KEEP", None)

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def demo_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "innokg-demo"
    build_demo(out, scale=2000, seed=2016)
    return out


@pytest.fixture(scope="session")
def demo_graph(demo_package: Path) -> EcosystemGraph:
    return EcosystemGraph.open(demo_package)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        unavailable(
            f"public datasets not found at {SHARED_DATA} (they sit beside the checkout in CI)"
        )
    return SHARED_DATA
