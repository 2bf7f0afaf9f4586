"""Leiden in a process of its own: the same clusters as in this process, the work beside
it done, this process's Leiden when the child cannot help, and no child left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import arrays
from innokg.queries.clusters import cluster_labels, leiden_apart
from innokg.queries.clusters.network import _leiden, _Network, _network


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
    assert [c.returncode for c in children] == [0]
    assert done == [1]
    assert len(net.u) > 1000 and here.max() > 10  # a network worth comparing
    np.testing.assert_array_equal(apart, here)
    # another seed or resolution reaches the child too
    other = _leiden(net, seed=7, resolution=2.5, meanwhile=lambda: None)
    np.testing.assert_array_equal(other, _leiden(net, seed=7, resolution=2.5))
    assert not np.array_equal(other, here)
    # a NumPy resolution is the same number to the child
    found = _leiden(net, seed=2016, resolution=np.float64(1.0), meanwhile=lambda: None)
    np.testing.assert_array_equal(found, here)
    assert [c.returncode for c in children] == [0, 0, 0]


def test_a_seed_the_child_could_not_read_back_stays_here(
    fresh: EcosystemGraph, children: list[subprocess.Popen[bytes]]
) -> None:
    net = _network(arrays(fresh), None, "auto", 0.3)
    done: list[int] = []
    # random.Random seeds a float otherwise than the int the child would read back
    found = _leiden(net, seed=2016.0, resolution=1.0, meanwhile=lambda: done.append(1))  # type: ignore[arg-type]
    np.testing.assert_array_equal(found, _leiden(net, seed=2016.0, resolution=1.0))  # type: ignore[arg-type]
    assert done == []
    assert children == []


def test_the_clusters_are_the_same_and_the_work_beside_is_kept(
    demo_graph: EcosystemGraph, fresh: EcosystemGraph, children: list[subprocess.Popen[bytes]]
) -> None:
    labels = cluster_labels(fresh)
    assert [c.returncode for c in children] == [0]
    memo = arrays(fresh).memo
    assert "size_score" in memo and ("single_sourced_buyers", None) in memo
    in_process = EcosystemGraph(demo_graph.nodes, demo_graph.edges)
    leiden_apart.APART_LINKS = sys.maxsize  # undone by the fixture's monkeypatch
    np.testing.assert_array_equal(labels, cluster_labels(in_process))
    assert len(children) == 1


def _fake_python(folder: Path, script: str) -> str:
    """An executable standing in for Python: the shell ``script``, whatever it is asked
    (its last command ``exec``'d, so that killing the child kills it)."""
    probe = folder / "probe"
    probe.write_text("#!/bin/sh\nexit 0\n")
    probe.chmod(0o755)
    if os.spawnv(os.P_WAIT, str(probe), [str(probe)]) != 0:  # not Popen: the spy lists it
        pytest.skip("the temporary folder does not allow running files (mounted noexec)")
    path = folder / "python"
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(0o755)
    return str(path)


def _chain(links: int) -> _Network:
    """A path of ``links`` links: a network of any size without a graph."""
    ends = np.arange(links + 1, dtype=np.int64)
    return _Network(ends, ends[:-1], ends[1:], np.ones(links), np.zeros(links))


def test_a_child_that_fails_leaves_leiden_here(
    fresh: EcosystemGraph,
    children: list[subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    net = _network(arrays(fresh), None, "auto", 0.3)
    here = _leiden(net, seed=2016, resolution=1.0)
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.warns(leiden_apart.LeidenApartWarning, match="status 1"):
        found = _leiden(net, seed=2016, resolution=1.0, meanwhile=lambda: None)
    np.testing.assert_array_equal(found, here)
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    with pytest.warns(leiden_apart.LeidenApartWarning, match="could not start"):
        _leiden(net, seed=2016, resolution=1.0, meanwhile=lambda: None)
    # ready, then gone after a few bytes of a network larger than the pipe holds
    chain = _chain(100_000)
    quits = _fake_python(tmp_path, "printf '\\001'; head -c 1000 > /dev/null; exit 3")
    monkeypatch.setattr(sys, "executable", quits)
    done: list[int] = []
    with pytest.warns(leiden_apart.LeidenApartWarning, match="status 3"):
        found = _leiden(chain, seed=1, resolution=1.0, meanwhile=lambda: done.append(1))
    np.testing.assert_array_equal(found, _leiden(chain, seed=1, resolution=1.0))
    assert done == [1]


def test_a_child_that_never_answers_is_stopped(
    children: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    net = _chain(10)
    monkeypatch.setattr(sys, "executable", _fake_python(tmp_path, "exec sleep 60"))
    monkeypatch.setattr(leiden_apart, "READY_SECONDS", 0.5)
    with pytest.warns(leiden_apart.LeidenApartWarning, match="did not answer within 0.5 s"):
        found = _leiden(net, seed=2016, resolution=1.0, meanwhile=lambda: None)
    np.testing.assert_array_equal(found, _leiden(net, seed=2016, resolution=1.0))
    assert [c.returncode for c in children] == [-signal.SIGKILL]


def test_work_beside_that_fails_stops_the_child(
    children: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # a child that is ready and then computes for a long time
    monkeypatch.setattr(sys, "executable", _fake_python(tmp_path, "printf '\\001'; exec sleep 60"))

    def broken() -> None:
        raise MemoryError("no room")

    with pytest.raises(MemoryError, match="no room"):
        _leiden(_chain(10), seed=2016, resolution=1.0, meanwhile=broken)
    assert [c.returncode for c in children] == [-signal.SIGKILL]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_child_ends_with_its_parent(tmp_path: Path) -> None:
    # the child's input stays open here, so it would wait for the network for ever: only
    # its parent's end can end it
    source, keep_open = os.pipe()
    parent = tmp_path / "parent.py"
    parent.write_text(
        "import os, subprocess, sys, time\n"
        "from innokg.queries.clusters import leiden_apart\n"
        "child = subprocess.Popen([sys.executable, '-P', leiden_apart.__file__,\n"
        "    str(os.getpid()), '3', '2', '1', '1.0'], stdin=int(sys.argv[1]),\n"
        "    stdout=subprocess.PIPE)\n"
        "assert child.stdout.read(1) == b'\\x01'\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    run = subprocess.Popen(
        [sys.executable, str(parent), str(source)],
        stdout=subprocess.PIPE,
        text=True,
        pass_fds=(source,),
    )
    os.close(source)
    try:
        assert run.stdout is not None
        pid = int(run.stdout.readline())
        time.sleep(0.5)
        assert _alive(pid)  # ready, waiting for the network on its input
        run.kill()
        run.wait()
        run.stdout.close()
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(pid)
    finally:
        os.close(keep_open)
    # a parent gone before the child set the signal up: the child ends at once
    late = subprocess.run(
        [sys.executable, "-P", leiden_apart.__file__, str(run.pid), "3", "2", "1", "1.0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert late.returncode == 1 and "the parent process has ended" in late.stderr


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its reaper counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
