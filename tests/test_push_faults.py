"""Faults during ``innokg push``: the command killed, the server killed.

- The push process is killed with SIGKILL at random moments (seeded): the package is
  untouched and readable, the server never holds a duplicate, and pushing again
  leaves exactly the package's nodes and edges, property for property.  Three kill
  points here; set INNOKG_FAULT_KILLS for a longer run.
- The server is killed with SIGKILL while a push runs: the push ends with a one-line
  message (no traceback) that says the server went away and that pushing again
  resumes; the server, started again on the same folder, keeps what was committed,
  and a second push completes it.

Each test gets a database of its own; the killed server is one of the test's own
(``own_bolt_server``), never the session's.
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from innokg.graph.package import read_manifest, read_tables
from innokg.graph.stores.neo4j import Neo4jStore
from innokg.pipeline import build_demo
from tests.bolt_server import BoltServer, ServerProcess
from tests.test_secrets import assert_secret_absent
from tests.test_stores import snapshot

pytestmark = pytest.mark.bolt

KILLS = int(os.environ.get("INNOKG_FAULT_KILLS", "3"))
BATCH = 100  # about 23 transactions for the package below, so kills land between and inside


@dataclass
class Pushed:
    """The package, its expected counts and what a clean push leaves on a server."""

    package: Path
    nodes: dict[str, int]
    edges: dict[str, int]
    snapshot: tuple[list[tuple], list[tuple]]
    seconds: float  # one whole push, from its first write to its exit


def files_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def push_cmd(
    package: Path, server: BoltServer, database: str, *, batch_size: int = BATCH
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "innokg",
        "push",
        str(package),
        "--uri",
        server.uri,
        "--user",
        server.user,
        "--database",
        database,
        "--batch-size",
        str(batch_size),
    ]


def push_env(server: BoltServer) -> dict[str, str]:
    return {**os.environ, "NEO4J_PASSWORD": server.password}


def store(server: BoltServer, database: str) -> Neo4jStore:
    return Neo4jStore(server.uri, user=server.user, password=server.password, database=database)


def counts(server: BoltServer, database: str) -> tuple[dict[str, list[int]], dict[str, int]]:
    """Per label [nodes, distinct ids]; per edge type, the edges."""
    with store(server, database) as s:
        nodes = s.run("MATCH (n) RETURN labels(n) AS l, count(n) AS n, count(DISTINCT n.id) AS d")
        edges = s.run("MATCH ()-[r]->() RETURN type(r) AS t, count(r) AS n")
    by_label: dict[str, list[int]] = {}
    for labels, n, d in nodes.itertuples(index=False):
        assert len(labels) == 1, labels
        by_label[labels[0]] = [int(n), int(d)]
    return by_label, {t: int(n) for t, n in edges.itertuples(index=False)}


def assert_no_duplicates(server: BoltServer, database: str, want: Pushed) -> int:
    """Nothing twice and nothing foreign; the number of nodes and edges present."""
    nodes, edges = counts(server, database)
    for label, (n, distinct) in nodes.items():
        assert n == distinct <= want.nodes[label], (label, n, distinct)
    for etype, n in edges.items():
        assert n <= want.edges[etype], (etype, n)
    with store(server, database) as s:
        seen = s.run(
            "MATCH (a)-[r]->(b) WITH a.id AS a, type(r) AS t, b.id AS b, r._seq AS q, "
            "count(*) AS n WHERE n > 1 RETURN count(*) AS twice"
        )
    assert seen["twice"].tolist() == [0]
    return sum(n for n, _ in nodes.values()) + sum(edges.values())


def assert_exactly_the_package(server: BoltServer, database: str, want: Pushed) -> None:
    nodes, edges = counts(server, database)
    assert {label: n for label, (n, d) in nodes.items()} == want.nodes
    assert all(n == d for n, d in nodes.values())
    assert edges == want.edges
    with store(server, database) as s:
        assert snapshot(s) == want.snapshot


def start_push(
    package: Path, server: BoltServer, database: str
) -> tuple[subprocess.Popen[str], float]:
    """Start a push; return once it has connected and begins writing (and when that was)."""
    proc = subprocess.Popen(
        push_cmd(package, server, database),
        env=push_env(server),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()  # the progress bar's label, printed as writing starts
    assert first.startswith("pushing to"), first + proc.stderr.read()
    return proc, time.perf_counter()


def finish(proc: subprocess.Popen[str]) -> str:
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return err


@pytest.fixture(scope="module")
def pushed(tmp_path_factory: pytest.TempPathFactory, bolt_server: BoltServer) -> Iterator[Pushed]:
    """A small demo package (about 620 nodes, 1,560 edges), pushed once in full."""
    package = tmp_path_factory.mktemp("push-faults") / "pkg"
    build_demo(package, scale=600, seed=41, database=False)
    manifest = read_manifest(package)
    nodes = {k: v for k, v in manifest["counts"]["nodes"].items() if v}
    edges = {k: v for k, v in manifest["counts"]["edges"].items() if v}
    database = bolt_server.create_database("faults_clean")
    finish(start_push(package, bolt_server, database)[0])  # a first push warms the server up
    database = bolt_server.create_database("faults_clean")
    proc, started = start_push(package, bolt_server, database)
    finish(proc)
    seconds = time.perf_counter() - started
    with store(bolt_server, database) as s:
        full = snapshot(s)
    yield Pushed(package, nodes, edges, full, seconds)


def test_killed_pushes_leave_the_package_intact_and_resume_exactly(
    pushed: Pushed, bolt_server: BoltServer
) -> None:
    before = files_digest(pushed.package)
    rng = random.Random(2024)
    total = sum(pushed.nodes.values()) + sum(pushed.edges.values())
    present = []
    for i in range(KILLS):
        database = bolt_server.create_database(f"faults_kill_{i}")
        proc, started = start_push(pushed.package, bolt_server, database)
        time.sleep(max(0.0, rng.uniform(0, pushed.seconds) - (time.perf_counter() - started)))
        proc.kill()  # SIGKILL: no clean-up of any kind
        proc.communicate()
        assert files_digest(pushed.package) == before
        read_tables(pushed.package)  # readable, checksums intact
        present.append(assert_no_duplicates(bolt_server, database, pushed))
        again = subprocess.run(  # in the default batches of 2,000: quicker
            push_cmd(pushed.package, bolt_server, database, batch_size=2000),
            env=push_env(bolt_server),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert again.returncode == 0, again.stderr
        assert_exactly_the_package(bolt_server, database, pushed)
    print(f"kill points: {KILLS}; nodes + edges present when killed (of {total}): {present}")
    assert any(0 < n < total for n in present) or KILLS < 3  # some kills land mid-push


def test_server_killed_mid_push_is_one_clear_line_and_a_rerun_completes(
    pushed: Pushed, own_bolt_server: ServerProcess, tmp_path: Path
) -> None:
    server = own_bolt_server.start()
    database = server.create_database("resume")
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    env.pop("NEO4J_PASSWORD", None)
    cmd = push_cmd(pushed.package, server, database, batch_size=25)  # a longer push
    proc = subprocess.Popen(  # the password typed at the prompt this time
        cmd,
        env=env,
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # no terminal: the prompt reads standard input
    )
    assert proc.stdin is not None
    proc.stdin.write(server.password + "\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    written = 0
    while written == 0:  # kill the server once the push has committed something
        assert time.monotonic() < deadline, "the push wrote nothing in 60 s"
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
        written = sum(n for n, _ in counts(server, database)[0].values())
    own_bolt_server.kill()
    out, err = proc.communicate(timeout=120)  # the driver retries for 30 s first
    assert proc.returncode == 1, (out, err)
    assert "Traceback" not in err and out == ""
    prompt = ("GetPassWarning", "fallback_getpass", "may be echoed", "Password for the Bolt")
    lines = [line for line in err.strip().splitlines() if not any(p in line for p in prompt)]
    assert len(lines) == 2, err  # the progress bar's label, then one line of error
    assert lines[0] == f"pushing to {server.uri} (database {database})", err
    message = lines[1]
    assert message.startswith(
        f"Error: push to {server.uri} (database {database}) stopped: the server went away ("
    ), message
    assert "run the push again when the server is back to resume" in message
    assert_secret_absent(server.password, texts=[out, err], folders=[tmp_path, pushed.package])

    own_bolt_server.start()  # the same folder: committed batches survive the crash
    kept = assert_no_duplicates(server, database, pushed)
    assert kept >= written
    again = subprocess.run(
        push_cmd(pushed.package, server, database, batch_size=2000),
        env=push_env(server),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stderr
    assert_exactly_the_package(server, database, pushed)
    own_bolt_server.stop()
