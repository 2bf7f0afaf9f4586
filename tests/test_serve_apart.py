"""The explorer's warm-up has a large graph's clusters computed by a child process and
kept (Leiden in the server's own process would hold up every request while it runs);
it reads back exactly the clusters a command computes, computes them itself where the
package cannot keep them, and leaves them off when the child fails."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.clusters import cluster_labels, detection, kept_cluster_labels
from innokg.queries.kept import KEPT_DIR
from innokg.serve import apart
from innokg.serve.explorer import Explorer


@pytest.fixture
def package(demo_package: Path, tmp_path: Path) -> Path:
    """The demo package with nothing kept of its clusters."""
    out = tmp_path / "pkg"
    shutil.copytree(demo_package, out)
    for kept in (out / KEPT_DIR).glob("clusters-*.npz"):
        kept.unlink()
    return out


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apart, "APART_NODES", 0)


def _no_leiden_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("Leiden ran in the server's process")

    monkeypatch.setattr(detection, "_leiden", refuse)


def _expected(package: Path) -> np.ndarray:
    """The clusters as a command computes them, in this process, on a copy of the
    package as it was before any warm-up."""
    copy = package.parent / f"expected-{len(list(package.parent.iterdir()))}"
    shutil.copytree(package, copy)
    for kept in (copy / KEPT_DIR).glob("clusters-*.npz"):
        kept.unlink()
    return cluster_labels(EcosystemGraph.open(copy))


def test_a_child_computes_and_keeps_the_clusters_the_warm_up_reads(
    package: Path, large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _expected(package)
    _no_leiden_here(monkeypatch)
    ex = Explorer(EcosystemGraph.open(package))
    assert ex.clusters() is None
    ex.warm_up()
    assert list((package / KEPT_DIR).glob("clusters-*.npz"))
    assert np.array_equal(ex.clusters(), expected) and (expected >= 1).any()
    # kept now: a second explorer reads them without a child
    again = Explorer(EcosystemGraph.open(package))
    assert kept_cluster_labels(again.G) is not None
    again.warm_up()
    assert np.array_equal(again.clusters(), expected)


def test_a_package_that_keeps_nothing_computes_them_in_the_server(
    package: Path, large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INNOKG_KEEP", "0")
    ex = Explorer(EcosystemGraph.open(package))
    assert apart.keep_clusters_apart(ex.G) is False
    ex.warm_up()
    assert not list((package / KEPT_DIR).glob("clusters-*.npz"))
    monkeypatch.delenv("INNOKG_KEEP")
    assert np.array_equal(ex.clusters(), _expected(package))


def test_a_failed_child_leaves_the_clusters_off(
    package: Path, large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_leiden_here(monkeypatch)
    monkeypatch.setattr(sys, "executable", shutil.which("false"))
    ex = Explorer(EcosystemGraph.open(package))
    with pytest.raises(RuntimeError, match="computing the supply clusters apart failed"):
        ex.warm_up()
    assert ex.clusters() is None  # colours by cluster stay off; every request answers


def test_small_graphs_compute_in_the_server(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(G: EcosystemGraph) -> bool:
        raise AssertionError("a child was started for a small graph")

    monkeypatch.setattr(apart, "keep_clusters_apart", refuse)
    ex = Explorer(EcosystemGraph.open(package))
    ex.warm_up()
    assert np.array_equal(ex.clusters(), _expected(package))
