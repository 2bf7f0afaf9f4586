"""A real Bolt server for the test suite: ArcadeDB from PyPI, on 127.0.0.1 only.

The ``bolt_server`` fixture starts one server per session, in its own process (its
JVM needs about 2 GB and writes logs into its working folder, a temporary one
here), on free ports, and stops it at the end.  Tests that use it are marked
``bolt``.  They are skipped, with the reason, only where ``arcadedb-embedded`` is
not installed or its bundled Java cannot start; a server that starts and then
misbehaves fails the tests instead.

``INNOKG_ARCADEDB_HEAP`` sets the server's Java heap (default ``2g``).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

__all__ = ["BoltServer", "bolt_server"]

_SCRIPT = r"""
import os, sys
status = sys.argv[1]
def say(text):
    with open(status + ".tmp", "w") as f:
        f.write(text)
    os.replace(status + ".tmp", status)
try:
    from arcadedb_embedded.server import ArcadeDBServer
    server = ArcadeDBServer(
        sys.argv[2],
        os.environ["INNOKG_TEST_BOLT_SECRET"],
        {"host": "127.0.0.1", "bolt_port": int(sys.argv[3]), "http_port": int(sys.argv[4]),
         "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"},
        jvm_kwargs={"heap_size": os.environ.get("INNOKG_ARCADEDB_HEAP", "2g")},
    )
    server.start()
except Exception as exc:
    say(f"unavailable: {type(exc).__name__}: {exc}")
    sys.exit(3)
say("ready")
sys.stdin.read()  # the test session closes stdin to stop the server
server.stop()
"""

_START_TIMEOUT = 240.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1.0)
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class BoltServer:
    """A running ArcadeDB server: where it is and how to log in."""

    uri: str
    user: str
    password: str
    http_port: int

    def _command(self, command: str) -> None:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.http_port}/api/v1/server",
            data=json.dumps({"command": command}).encode(),
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()

    def create_database(self, name: str) -> str:
        """Create an empty database (dropping any of that name); return its name."""
        with contextlib.suppress(urllib.error.HTTPError):
            self._command(f"drop database {name}")
        self._command(f"create database {name}")
        return name


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltServer]:
    """Start ArcadeDB with its Bolt plugin on 127.0.0.1 for the whole session."""
    try:
        import arcadedb_embedded  # noqa: F401
    except Exception as exc:  # not installed, or unusable on this platform
        pytest.skip(f"ArcadeDB (arcadedb-embedded) cannot be imported: {exc}")
    work = tmp_path_factory.mktemp("arcadedb")
    status = work / "status"
    bolt_port, http_port = _free_port(), _free_port()
    password = secrets.token_urlsafe(16)
    env = {**os.environ, "INNOKG_TEST_BOLT_SECRET": password}
    log = (work / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _SCRIPT,
            str(status),
            str(work / "root"),
            str(bolt_port),
            str(http_port),
        ],
        cwd=work,
        env=env,
        stdin=subprocess.PIPE,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + _START_TIMEOUT
        state = ""
        while time.monotonic() < deadline:
            state = status.read_text() if status.exists() else ""
            if state or proc.poll() is not None:
                break
            time.sleep(0.5)
        if state.startswith("unavailable"):
            pytest.skip(f"ArcadeDB cannot run here ({state}); see {work / 'server.log'}")
        if state != "ready":
            pytest.fail(f"ArcadeDB did not start in {_START_TIMEOUT:.0f} s; see {work}/server.log")
        while not (_port_open(bolt_port) and _port_open(http_port)):
            if time.monotonic() > deadline:
                pytest.fail(f"ArcadeDB's ports did not open; see {work}/server.log")
            time.sleep(0.2)
        yield BoltServer(f"bolt://127.0.0.1:{bolt_port}", "root", password, http_port)
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
