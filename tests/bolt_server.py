"""A real Bolt server for the test suite: ArcadeDB from PyPI, on 127.0.0.1 only.

The ``bolt_server`` fixture starts one server per session, in its own process (its
JVM needs about 2 GB and writes logs into its working folder, a temporary one
here), on free ports, and stops it at the end.  Tests that use it are marked
``bolt``.  They are skipped, with the reason, only where ``arcadedb-embedded`` is
not installed or its bundled Java cannot start; a server that starts and then
misbehaves fails the tests instead.

``own_bolt_server`` gives a test a server of its own (a :class:`ServerProcess`, not
yet started) that it may kill with SIGKILL and start again on the same folder.

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
from pathlib import Path

import pytest

from tests.needs import unavailable

__all__ = ["BoltServer", "ServerProcess", "bolt_server", "own_bolt_server"]

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


class ServerProcess:
    """One ArcadeDB server process on a root folder; it can be killed and started again.

    The databases live under ``root``, so a server started again on the same folder
    finds the data the killed one had committed.
    """

    def __init__(self, work: Path, password: str, *, bolt_port: int = 0, http_port: int = 0):
        self.work = work
        self.password = password
        self.bolt_port = bolt_port or _free_port()
        self.http_port = http_port or _free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.server = BoltServer(
            f"bolt://127.0.0.1:{self.bolt_port}", "root", password, self.http_port
        )

    def start(self) -> BoltServer:
        """Start the server; skip where ArcadeDB cannot run here, fail where it should."""
        status = self.work / "status"
        status.unlink(missing_ok=True)
        env = {**os.environ, "INNOKG_TEST_BOLT_SECRET": self.password}
        with (self.work / "server.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _SCRIPT,
                    str(status),
                    str(self.work / "root"),
                    str(self.bolt_port),
                    str(self.http_port),
                ],
                cwd=self.work,
                env=env,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + _START_TIMEOUT
        state = ""
        while time.monotonic() < deadline:
            state = status.read_text() if status.exists() else ""
            if state or self.proc.poll() is not None:
                break
            time.sleep(0.5)
        if state.startswith("unavailable"):
            unavailable(f"ArcadeDB cannot run here ({state}); see {self.work / 'server.log'}")
        if state != "ready":
            pytest.fail(f"ArcadeDB did not start in {_START_TIMEOUT:.0f} s; see {self.work}")
        while not (_port_open(self.bolt_port) and _port_open(self.http_port)):
            if time.monotonic() > deadline:
                pytest.fail(f"ArcadeDB's ports did not open; see {self.work}/server.log")
            time.sleep(0.2)
        return self.server

    def kill(self) -> None:
        """SIGKILL the server (its JVM runs inside this process): a crash, no shutdown."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
            if self.proc.stdin:
                self.proc.stdin.close()

    def stop(self) -> None:
        """Shut the server down cleanly (it stops when its standard input closes)."""
        if self.proc is None:
            return
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            self.kill()


def _require_arcadedb() -> None:
    try:
        import arcadedb_embedded  # noqa: F401
    except Exception as exc:  # not installed, or unusable on this platform
        unavailable(f"ArcadeDB (arcadedb-embedded) cannot be imported: {exc}")


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltServer]:
    """Start ArcadeDB with its Bolt plugin on 127.0.0.1 for the whole session."""
    _require_arcadedb()
    process = ServerProcess(tmp_path_factory.mktemp("arcadedb"), secrets.token_urlsafe(16))
    try:
        yield process.start()
    finally:
        process.stop()


@pytest.fixture
def own_bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server of the test's own, not started yet, that the test may kill and restart.

    Its password is distinctive (``own-Bolt-secret-`` and random letters), for tests
    that look for it in places it must not be.
    """
    _require_arcadedb()
    password = "own-Bolt-secret-" + secrets.token_hex(6)
    process = ServerProcess(tmp_path_factory.mktemp("arcadedb-own"), password)
    try:
        yield process
    finally:
        process.kill()
