"""The Bolt password never shows: not in output, errors, logs, history or packages.

Every command that talks to a server (push, pull, cypher, shell, queries run) is
made to fail in each way it can (wrong password, no server, no such database, a
query the server refuses, credentials written into the URI), with the password
given through NEO4J_PASSWORD and through the prompt.  Standard output and error,
the exception and its traceback, the driver's log records (at DEBUG), the shell's
history, every file under the test's home and working folders and the packages
written are searched for the password, as text and as bytes.  A server killed in
the middle of a push is in ``tests/test_push_faults.py``, with the same checks.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from innokg.cli import main
from innokg.graph.package import read_manifest, write_package
from tests.bolt_server import BoltServer
from tests.test_stores import tiny_tables

#: A wrong password, distinctive enough that finding it anywhere is a leak.
SECRET = "Zq7-innokg-s3cret-4242"

#: The user the wrong password is tried for: ArcadeDB locks a user out for a while
#: after about five failed logins in a row, and root must keep working for the suite.
INTRUDER = "intruder"

ENV_NAMES = ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE", "INNOKG_HISTORY")


def pieces(secret: str) -> list[str]:
    """The secret and the parts of it a URL parser might cut off at # ? / @ :."""
    return [secret, *(p for p in re.split(r"[#?/@:]", secret) if len(p) >= 4 and p != secret)]


def assert_secret_absent(
    secret: str, *, texts: Iterable[str] = (), folders: Iterable[Path] = ()
) -> None:
    """Fail when the secret (or a telling part of it) is in any text or any file."""
    for part in pieces(secret):
        for text in texts:
            assert part not in text, f"{part!r} shown in: {text[:2000]}"
        needles = [part.encode(), part.encode("utf-16-le")]
        for folder in folders:
            for path in folder.rglob("*"):
                if path.is_file() and not path.is_symlink():
                    data = path.read_bytes()
                    assert not any(n in data for n in needles), f"{part!r} written to {path}"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A home and config folder of the test's own, so every file the CLI writes is found."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(tmp_path)
    return home


def run_cli(args: list[str], secret: str, how: str, *, stdin: str = "") -> Result:
    """Run innokg in this process, the password in the environment or typed at the prompt."""
    if how == "env":
        return CliRunner().invoke(main, args, env={"NEO4J_PASSWORD": secret}, input=stdin)
    return CliRunner().invoke(main, args, input=secret + "\n" + stdin)


def everything(result: Result) -> list[str]:
    """Every text a result holds: output, error, the exception and its traceback."""
    texts = [result.stdout, result.stderr, repr(result.exception), str(result.exception)]
    if result.exc_info is not None:
        texts.append("".join(traceback.format_exception(*result.exc_info)))
        context = result.exc_info[1].__context__ if result.exc_info[1] else None
        if context is not None:
            texts += [repr(context), "".join(traceback.format_exception(context))]
    return texts


def failures(server: BoltServer, package: Path, out: Path) -> list[tuple[str, list[str], str]]:
    """(what, arguments, expected message) for each failing command against a server."""
    nowhere = f"bolt://127.0.0.1:{closed_port()}"
    cases = []
    for where, uri, user, extra, message in (
        ("wrong password", server.uri, INTRUDER, [], "authentication failed"),
        ("no server", nowhere, "root", [], "is the server running?"),
        ("no database", server.uri, "root", ["-d", "no_such_db"], "no database 'no_such_db'"),
    ):
        server_args = ["--uri", uri, "--user", user, *extra]
        cases += [
            (f"push, {where}", ["push", str(package), *server_args], message),
            (f"pull, {where}", ["pull", *server_args, "--out", str(out)], message),
            (f"cypher, {where}", ["cypher", *server_args, "RETURN 1 AS one"], message),
            (f"shell, {where}", ["shell", *server_args], message),
            (
                f"queries run, {where}",
                ["queries", "run", "find_nodes", "--example", *server_args],
                message,
            ),
        ]
    return cases


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("secrets") / "tiny"
    write_package(tiny_tables(), out, sources=[{"kind": "test", "path": None, "sha256": None}])
    return out


@pytest.mark.bolt
@pytest.mark.parametrize("how", ["env", "prompt"])
def test_failing_commands_never_show_the_password(
    how: str,
    bolt_server: BoltServer,
    package: Path,
    home: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="neo4j")
    out = tmp_path / "pulled"
    for what, args, message in failures(bolt_server, package, out):
        # the wrong password is the distinctive one; the others need the real one
        secret = SECRET if "wrong password" in what or "no server" in what else bolt_server.password
        result = run_cli(args, secret, how)
        assert result.exit_code == 1, (what, result.output)
        assert message in result.output, (what, result.output)
        assert "Traceback" not in result.output, what
        assert_secret_absent(secret, texts=[*everything(result), caplog.text])
        assert not out.exists(), what  # a failed pull writes no package
    assert_secret_absent(SECRET, folders=[tmp_path, package])
    assert_secret_absent(bolt_server.password, folders=[tmp_path, package])


SERVER_PART = "127.0.0.1:7687"


@pytest.mark.parametrize(
    "uri",
    [
        "bolt://root:{s}@" + SERVER_PART,
        "neo4j+s://root:{s}@" + SERVER_PART,
        "BOLT://root:{s}@" + SERVER_PART,
        "bolt://root:ab#{s}@" + SERVER_PART,  # '#' ends the host part for a URL parser
        "bolt://root:ab?{s}@" + SERVER_PART,
        "bolt://root:ab/{s}@" + SERVER_PART,
        "bolt://root:{s}@x@" + SERVER_PART,
        "bolt:/root:{s}@" + SERVER_PART,  # no '//': urlsplit sees no host at all
        "bolt:root:{s}@" + SERVER_PART,
        "bolt://:{s}@" + SERVER_PART,
        "bolt://{s}@" + SERVER_PART,
        "http://root:{s}@" + SERVER_PART,
    ],
)
@pytest.mark.parametrize("command", ["push", "pull", "cypher", "shell"])
def test_a_uri_with_credentials_is_refused_without_echo(
    uri: str,
    command: str,
    package: Path,
    home: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="neo4j")
    uri = uri.format(s=SECRET)
    args = {
        "push": ["push", str(package), "--uri", uri],
        "pull": ["pull", "--uri", uri, "--out", str(tmp_path / "pulled")],
        "cypher": ["cypher", "--uri", uri, "RETURN 1"],
        "shell": ["shell", "--uri", uri],
    }[command]
    result = run_cli(args, "the-password-given-properly", "env")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    if uri.startswith("http"):
        assert "not in the URI" in result.output or "not a Bolt URI" in result.output
    else:
        assert "put credentials in --user / NEO4J_USER and NEO4J_PASSWORD" in result.output
    assert_secret_absent(SECRET, texts=[*everything(result), caplog.text], folders=[tmp_path])


@pytest.mark.parametrize(
    "uri,message",
    [
        ("bolt://root:" + SECRET, "the port in the URI is not a number"),  # '@' forgotten
        ("bolt://127.0.0.1:99999", "the port in the URI is not a number"),
        ("bolt:///nothing", "is not a Bolt URI"),
    ],
)
def test_malformed_uris_are_one_clean_message(
    uri: str, message: str, home: Path, tmp_path: Path
) -> None:
    result = run_cli(["cypher", "--uri", uri, "RETURN 1"], "pw", "env")
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output
    assert_secret_absent(SECRET, texts=everything(result))


@pytest.mark.bolt
def test_working_sessions_keep_the_password_out_of_everything_they_write(
    bolt_server: BoltServer,
    package: Path,
    home: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Push, a refused query, a shell with history, pull and info, all succeeding."""
    caplog.set_level(logging.DEBUG, logger="neo4j")
    secret = bolt_server.password
    db = bolt_server.create_database("secrets")
    server = ["--uri", bolt_server.uri, "--user", "root", "-d", db]
    texts: list[str] = []

    result = run_cli(["push", str(package), *server], secret, "prompt")
    assert result.exit_code == 0, result.output
    texts += everything(result)
    for query, message in (
        ("MATCH (n:Enterprise RETURN n", "the server refused the query"),
        ("CREATE (n:Enterprise {id: 'x'})", "add --write"),
    ):
        result = run_cli(["cypher", *server, query], secret, "env")
        assert result.exit_code == 1 and message in result.output, result.output
        texts += everything(result)
    session = "MATCH (n) RETURN count(n) AS n;\n:param who=root\nRETURN $who AS who;\nBAD;\n:quit\n"
    result = run_cli(["shell", *server], secret, "prompt", stdin=session)
    assert result.exit_code == 0, result.output
    assert "error:" in result.output  # the bad statement
    texts += everything(result)
    history = home / ".config" / "innokg" / "history"
    assert history.is_file() and "RETURN $who AS who;" in history.read_text("utf-8")

    pulled = tmp_path / "pulled"
    result = run_cli(["pull", *server, "--out", str(pulled)], secret, "prompt")
    assert result.exit_code == 0, result.output
    texts += everything(result)
    assert read_manifest(pulled)["sources"][0]["path"] == bolt_server.uri
    result = CliRunner().invoke(main, ["info", str(pulled)])
    assert result.exit_code == 0, result.output
    texts += everything(result)
    assert_secret_absent(secret, texts=[*texts, caplog.text], folders=[tmp_path, package])


@pytest.mark.bolt
def test_a_real_process_shows_nothing_either(
    bolt_server: BoltServer, package: Path, home: Path, tmp_path: Path
) -> None:
    """In a process of its own (logging's last resort, the prompt without a terminal)."""
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    for args, secret, message in (
        (["push", str(package), "--uri", bolt_server.uri, "-u", INTRUDER], SECRET, "authentic"),
        (["cypher", "--uri", f"bolt://127.0.0.1:{closed_port()}", "RETURN 1"], SECRET, "reach"),
        (["push", str(package), "--uri", bolt_server.uri, "-u", "root", "-d", "nope"], None, "no"),
    ):
        password = secret or bolt_server.password
        proc = subprocess.run(
            [sys.executable, "-m", "innokg", *args],
            input=password + "\n",
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            start_new_session=True,  # no terminal: the prompt reads standard input
        )
        assert proc.returncode == 1, proc.stderr
        assert message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        assert_secret_absent(password, texts=[proc.stdout, proc.stderr], folders=[tmp_path])
