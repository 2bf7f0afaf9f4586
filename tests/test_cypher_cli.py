"""The Cypher commands: cypher, shell, queries, push and pull."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from innokg.cli import main
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.package import DATABASE_FILE, read_manifest, write_package
from innokg.graph.stores.embedded import create_database
from innokg.queries.library import load_library
from tests.bolt_server import BoltServer
from tests.test_stores import HOSTILE_ID, HOSTILE_NAME, tiny_tables

SIZES = "MATCH (e:Enterprise) RETURN e.size AS size, count(e) AS n ORDER BY size"
ENV_NAMES = ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INNOKG_HISTORY", str(tmp_path / "history"))


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, env=env)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def failed(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture(scope="module")
def tiny_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tables = tiny_tables()
    out = tmp_path_factory.mktemp("tiny-package") / "tiny"
    write_package(
        tables,
        out,
        sources=[{"kind": "test", "path": None, "sha256": None}],
        extra_files=lambda tmp: create_database(tmp / DATABASE_FILE, tables),
    )
    return out


# --- innokg cypher ---------------------------------------------------------------------------


def test_cypher_prints_json_csv_and_tables(demo_package: Path, demo_graph: EcosystemGraph) -> None:
    sizes = demo_graph.nodes["Enterprise"]["size"].value_counts().to_dict()
    got = json.loads(ok(invoke("cypher", str(demo_package), SIZES, "--format", "json")))
    assert {r["size"]: r["n"] for r in got} == sizes
    csv = ok(invoke("cypher", str(demo_package), SIZES, "--format", "csv", "--limit", "2"))
    assert csv.splitlines()[0] == "size,n" and len(csv.splitlines()) == 3
    table = invoke("cypher", str(demo_package), SIZES)
    assert "┃ size" in ok(table) and f"{len(sizes)} row(s)" in table.stderr


def test_parameters_are_typed(demo_package: Path) -> None:
    out = ok(
        invoke(
            "cypher",
            str(demo_package),
            "RETURN $i AS i, $f AS f, $b AS b, $n AS n, $l AS l, $s AS s, $q AS q, $o AS o",
            "-p",
            "i=3",
            "-p",
            "f=2.5",
            "-p",
            "b=true",
            "-p",
            "n=null",
            "-p",
            "l=[1, 2]",
            "-p",
            "s=郑州 市",
            "-p",
            'q="4101"',
            "--param",
            'o={"a": 1}',
            "--format",
            "json",
        )
    )
    assert json.loads(out) == [
        {
            "i": 3,
            "f": 2.5,
            "b": True,
            "n": None,
            "l": [1, 2],
            "s": "郑州 市",
            "q": "4101",
            "o": {"a": 1},
        }
    ]
    assert "write NAME=VALUE" in invoke("cypher", str(demo_package), "RETURN 1", "-p", "x").output


def test_query_from_a_file_or_standard_input(demo_package: Path, tmp_path: Path) -> None:
    f = tmp_path / "q.cypher"
    f.write_text("// sizes\nMATCH (e:Enterprise {id: $id})\nRETURN e.size AS size\n", "utf-8")
    out = ok(
        invoke("cypher", str(demo_package), "-f", str(f), "-p", "id=E000003", "--format", "csv")
    )
    assert out == "size\nmedium\n"
    out = ok(
        invoke(
            "cypher",
            str(demo_package),
            "-f",
            "-",
            "--format",
            "csv",
            "-p",
            "id=E000003",
            input=f.read_text("utf-8"),
        )
    )
    assert out == "size\nmedium\n"


def test_hostile_names_travel_as_parameters(tiny_package: Path) -> None:
    out = ok(
        invoke(
            "cypher",
            str(tiny_package),
            "MATCH (n {name: $name}) RETURN n.id AS id",
            "-p",
            f"name={HOSTILE_NAME}",
            "--format",
            "json",
        )
    )
    assert json.loads(out) == [{"id": HOSTILE_ID}]


def test_mistakes_give_one_clean_message(demo_package: Path, tmp_path: Path) -> None:
    pkg = str(demo_package)
    assert "--param city=VALUE" in failed(
        invoke("cypher", pkg, "MATCH (c:Region {name: $city}) RETURN c.id")
    )
    message = failed(invoke("cypher", pkg, "MATCH (n:Enterprise RETURN n"))
    assert "at line 1, column 21:\n  MATCH (n:Enterprise RETURN n\n" in message
    assert "is not an innokg graph package" in failed(
        invoke("cypher", str(tmp_path / "nowhere"), "RETURN 1")
    )
    assert invoke("cypher").exit_code == 2
    assert "name a graph PACKAGE" in invoke("cypher", "RETURN 1").output


def test_writes_need_the_write_flag(demo_package: Path, tmp_path: Path) -> None:
    copy = tmp_path / "demo"
    shutil.copytree(demo_package, copy)
    create = "CREATE (n:Enterprise {id: 'new', name: $name, source: 'cli'})"
    assert "add --write" in failed(invoke("cypher", str(copy), create, "-p", "name=x"))
    result = invoke("cypher", str(copy), create, "-p", "name=新企业", "--write")
    assert result.exit_code == 0, result.output
    assert "the package's tables are unchanged" in result.stderr
    out = ok(
        invoke(
            "cypher",
            str(copy),
            "MATCH (n:Enterprise {id: 'new'}) RETURN n.name AS n",
            "--format",
            "csv",
        )
    )
    assert out == "n\n新企业\n"


# --- innokg shell -----------------------------------------------------------------------------

SESSION = """\
MATCH (e:Enterprise)
WHERE e.size = 'large'
RETURN count(e) AS large_firms;
:param id=E000003
MATCH (e:Enterprise {id: $id}) RETURN e.size AS size;
:format csv
MATCH (e:Enterprise {id: $id}) RETURN e.id AS id, 'a;b' AS semicolon;
MATCH (n:Nowhere RETURN n;
CREATE (n:Enterprise {id: 'x'});
:run customers_of enterprise=E000003
:bogus
RETURN 1 AS still_here;
:quit
"""


def test_shell_reads_multiline_queries_and_keeps_history(
    demo_package: Path, demo_graph: EcosystemGraph, tmp_path: Path
) -> None:
    large = int((demo_graph.nodes["Enterprise"]["size"] == "large").sum())
    out = ok(invoke("shell", str(demo_package), input=SESSION))
    assert "innokg shell on embedded database" in out
    assert f"│ {large}" in out and "large_firms" in out
    assert '$id = "E000003"' in out and "│ medium" in out
    assert "id,semicolon\nE000003,a;b\n" in out
    assert "error: the database refused the query" in out
    assert "error: refused: this query writes (CREATE)" in out
    assert "customer,name,product,share\n" in out
    assert "unknown command ':bogus'" in out
    assert "still_here\n1\n" in out
    history = (tmp_path / "history").read_text("utf-8").splitlines()
    assert (
        history[0] == "MATCH (e:Enterprise) WHERE e.size = 'large' RETURN count(e) AS large_firms;"
    )
    assert ":param id=E000003" in history and history[-1] == ":quit"


def test_shell_in_its_own_process(demo_package: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "innokg", "shell", str(demo_package), "--no-history"],
        input="RETURN 40 +\n 2 AS answer;\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "answer" in proc.stdout and "│ 42" in proc.stdout and "1 row(s)" in proc.stdout


# --- innokg queries ---------------------------------------------------------------------------


def test_queries_list_show_and_run(demo_package: Path) -> None:
    listed = json.loads(ok(invoke("queries", "list", "--format", "json")))
    assert [q["name"] for q in listed] == list(load_library())
    shown = ok(invoke("queries", "show", "shortest_chain", "--dialect", "embedded"))
    assert '$source (string; e.g. "E000024")' in shown and "* SHORTEST 1..8" in shown
    assert "shortestPath(" in ok(invoke("queries", "show", "shortest_chain"))
    rows = json.loads(
        ok(
            invoke(
                "queries",
                "run",
                "customers_of",
                str(demo_package),
                "-p",
                "enterprise=E000003",
                "--format",
                "json",
            )
        )
    )
    assert rows and set(rows[0]) == {"customer", "name", "product", "share"}
    assert rows == json.loads(
        ok(
            invoke(
                "queries", "run", "customers_of", str(demo_package), "--example", "--format", "json"
            )
        )
    )
    assert "needs --param enterprise=VALUE" in failed(
        invoke("queries", "run", "customers_of", str(demo_package))
    )
    assert "no library query named 'nope'" in failed(invoke("queries", "show", "nope"))


def test_queries_run_writes_files(demo_package: Path, tmp_path: Path) -> None:
    out = tmp_path / "gaps.csv"
    result = invoke(
        "queries",
        "run",
        "enterprises_without_research_partner",
        str(demo_package),
        "-p",
        "city=郑州市",
        "--format",
        "csv",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").startswith("enterprise,name,size\n")


# --- on a Bolt server ---------------------------------------------------------------------------


@pytest.mark.bolt
def test_push_run_and_pull_through_the_command_line(
    bolt_server: BoltServer, tiny_package: Path, tmp_path: Path
) -> None:
    db = bolt_server.create_database("cli")
    env = {"NEO4J_PASSWORD": bolt_server.password}
    server = ["--uri", bolt_server.uri, "--user", bolt_server.user, "--database", db]
    tables = tiny_tables()
    n = sum(len(df) for df in tables.nodes.values())
    e = sum(len(df) for df in tables.edges.values())

    first = ok(invoke("push", str(tiny_package), *server, env=env))
    assert f"pushed {n} nodes ({n} new) and {e} edges ({e} new)" in first
    again = ok(invoke("push", str(tiny_package), *server, env=env))
    assert f"pushed {n} nodes (0 new) and {e} edges (0 new)" in again

    for name, q in load_library().items():  # the same answers on both stores
        args = ["queries", "run", name, "--example", "--format", "json"]
        if name == "shortest_chain":
            continue
        if q.needs and invoke(*args[:3], str(tiny_package), *args[3:]).exit_code == 1:
            lacks = failed(invoke(*args[:3], str(tiny_package), *args[3:]))  # says what it needs
            assert failed(invoke(*args, *server, env=env)) == lacks, q.name
            continue
        embedded = json.loads(ok(invoke(*args[:3], str(tiny_package), *args[3:])))
        served = json.loads(ok(invoke(*args, *server, env=env)))
        assert sorted(map(repr, served)) == sorted(map(repr, embedded)), q.name

    out = ok(
        invoke(
            "cypher",
            "MATCH (n {id: $id}) RETURN n.name AS name",
            "-p",
            f"id={HOSTILE_ID}",
            "--format",
            "json",
            env={**env, "NEO4J_URI": bolt_server.uri, "NEO4J_USER": "root", "NEO4J_DATABASE": db},
        )
    )
    assert json.loads(out) == [{"name": HOSTILE_NAME}]
    assert "add --write" in failed(invoke("cypher", *server, "CREATE (n:X)", env=env))

    pulled = tmp_path / "pulled"
    ok(invoke("pull", *server, "--out", str(pulled), env=env))
    manifest = read_manifest(pulled)
    assert manifest["counts"]["nodes"] == read_manifest(tiny_package)["counts"]["nodes"]
    assert manifest["counts"]["edges"] == read_manifest(tiny_package)["counts"]["edges"]
    assert manifest["sources"][0]["path"] == bolt_server.uri
    for f in pulled.rglob("*"):
        if f.is_file():
            assert bolt_server.password.encode() not in f.read_bytes(), f
    out = ok(invoke("cypher", str(pulled), "MATCH (n) RETURN count(n) AS n", "--format", "csv"))
    assert out == f"n\n{n}\n"


@pytest.mark.bolt
def test_credentials_are_prompted_and_never_shown(bolt_server: BoltServer) -> None:
    server = ["--uri", bolt_server.uri, "--user", "root", "--format", "csv"]
    result = invoke("cypher", *server, "RETURN 1 AS one", input=bolt_server.password + "\n")
    assert result.exit_code == 0, result.output
    assert "one\n1\n" in result.output and bolt_server.password not in result.output
    wrong = "wrong-secret-123"
    result = invoke("cypher", *server, "RETURN 1 AS one", env={"NEO4J_PASSWORD": wrong})
    message = failed(result)
    assert "authentication failed" in message and wrong not in message
    message = failed(
        invoke("cypher", "--uri", "bolt://127.0.0.1:9", "RETURN 1", env={"NEO4J_PASSWORD": wrong})
    )
    assert "cannot reach bolt://127.0.0.1:9" in message and wrong not in message


def test_docs_name_every_option_of_the_cypher_commands() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "cypher.md").read_text("utf-8")
    commands = dict(main.commands)
    queries = commands["queries"]
    assert hasattr(queries, "commands")
    for command in [
        *(commands[n] for n in ("cypher", "shell", "push", "pull")),
        *queries.commands.values(),
    ]:
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert f"`{opt}" in doc, f"docs/cypher.md does not mention {opt}"
