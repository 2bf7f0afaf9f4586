"""Leiden in a process of its own: the same clusters as in this process, the work beside
it done, and this process's Leiden when the child cannot help."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import arrays
from innokg.queries.clusters import cluster_labels, leiden_apart
from innokg.queries.clusters.network import _leiden, _network


@pytest.fixture
def fresh(demo_graph: EcosystemGraph) -> EcosystemGraph:
    """The demo's tables as a graph of their own: nothing kept, nothing memoised."""
    return EcosystemGraph(demo_graph.nodes, demo_graph.edges)


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """Every network runs Leiden apart; the children started are listed."""
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def spy(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        child = popen(*args, **kwargs)  # type: ignore[call-overload]
        started.append(child)
        return child  # type: ignore[no-any-return]

    monkeypatch.setattr(leiden_apart, "APART_LINKS", 0)
    monkeypatch.setattr(leiden_apart.subprocess, "Popen", spy)
    return started


def test_the_child_finds_this_process_communities(
    fresh: EcosystemGraph, children: list[subprocess.Popen[bytes]]
) -> None:
    net = _network(arrays(fresh), None, "auto", 0.3)
    here = _leiden(net, seed=2016, resolution=1.0)
    done: list[int] = []
    apart = _leiden(net, seed=2016, resolution=1.0, meanwhile=lambda: done.append(1))
    assert len(children) == 1 and children[0].returncode == 0
    assert done == [1]
    assert len(net.u) > 1000 and here.max() > 10  # a network worth comparing
    np.testing.assert_array_equal(apart, here)
    # another seed or resolution reaches the child too
    other = _leiden(net, seed=7, resolution=2.5, meanwhile=lambda: None)
    np.testing.assert_array_equal(other, _leiden(net, seed=7, resolution=2.5))
    assert not np.array_equal(other, here)


def test_the_clusters_are_the_same_and_the_work_beside_is_kept(
    demo_graph: EcosystemGraph, fresh: EcosystemGraph, children: list[subprocess.Popen[bytes]]
) -> None:
    labels = cluster_labels(fresh)
    assert len(children) == 1
    memo = arrays(fresh).memo
    assert "size_score" in memo and ("single_sourced_buyers", None) in memo
    in_process = EcosystemGraph(demo_graph.nodes, demo_graph.edges)
    leiden_apart.APART_LINKS = sys.maxsize  # undone by the fixture's monkeypatch
    np.testing.assert_array_equal(labels, cluster_labels(in_process))
    assert len(children) == 1


def test_a_child_that_fails_leaves_leiden_here(
    fresh: EcosystemGraph,
    children: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    net = _network(arrays(fresh), None, "auto", 0.3)
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.warns(leiden_apart.LeidenApartWarning, match="status 1"):
        found = _leiden(net, seed=2016, resolution=1.0, meanwhile=lambda: None)
    np.testing.assert_array_equal(found, _leiden(net, seed=2016, resolution=1.0))
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    with pytest.warns(leiden_apart.LeidenApartWarning, match="could not start"):
        _leiden(net, seed=2016, resolution=1.0, meanwhile=lambda: None)


def test_work_beside_that_fails_stops_the_child(
    fresh: EcosystemGraph, children: list[subprocess.Popen[bytes]]
) -> None:
    net = _network(arrays(fresh), None, "auto", 0.3)

    def broken() -> None:
        raise MemoryError("no room")

    with pytest.raises(MemoryError, match="no room"):
        _leiden(net, seed=2016, resolution=1.0, meanwhile=broken)
    assert len(children) == 1 and children[0].returncode is not None
