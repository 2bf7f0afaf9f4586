"""The explorer's API: exact answers on small graphs, and real HTTP to the real server.

The servers here are the real thing (``innokg.serve.start``: uvicorn on a free port
in a thread, or ``innokg serve`` in a subprocess), spoken to over HTTP with the
standard library; nothing stands in for them.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError, NodeNotFound, QueryError
from innokg.serve import Prepared, start
from innokg.serve.app import CSP
from innokg.serve.explorer import Explorer, NotFound
from innokg.serve.search import initials
from tests.conftest import REPO
from tests.factory import make_graph

STATIC = REPO / "innokg" / "serve" / "static"
TOKEN = "a-test-token-of-32-characters-xx"


# --- HTTP, as any client would speak it ------------------------------------------------


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> Any:
        assert self.headers.get("content-type", "").startswith("application/json"), self.headers
        return json.loads(self.body)


def http(
    url: str,
    *,
    body: Any = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
    raw: bytes | None = None,
) -> Reply:
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        request.add_header(k, v)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=120) as r:
            return Reply(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
    except urllib.error.HTTPError as e:
        return Reply(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())


# --- a small graph with every kind of match ------------------------------------------------


@pytest.fixture(scope="module")
def small() -> EcosystemGraph:
    firms = [
        {
            "id": "E1",
            "name": "郑州宇通客车股份有限公司",
            "name_en": "Yutong Bus",
            "stock_code": "600066",
            "size": "large",
        },
        {"id": "E2", "name": "宇通配件厂", "credit_code": "91350100M000100Y43"},
        {"id": "E3", "name": "漯河双汇实业集团", "name_en": "Shuanghui Group"},
        {"id": "E4", "name": "郑州钢材厂"},
        {"id": "E5", "name": "开封汽车配件"},
    ]
    return make_graph(
        {
            "Enterprise": firms,
            "ResearchInstitute": [
                {"id": "R1", "name": "郑州大学", "name_en": "Zhengzhou University"}
            ],
            "Region": [{"id": "C1", "name": "郑州市", "name_en": "Zhengzhou", "code": "4101"}],
        },
        {
            "SUPPLIES": [
                ("E2", "E1", {"product": "车桥", "since": 2015}),
                ("E4", "E1"),
                ("E5", "E1"),
                ("E4", "E2"),
                ("E4", "E2", {"product": "钢板"}),
            ],
            "COLLABORATES_WITH": [("E1", "R1", {"kind": "joint_rnd"})],
            "LOCATED_IN": [("E1", "C1"), ("E4", "C1"), ("R1", "C1")],
        },
    )


@pytest.fixture(scope="module")
def ex(small: EcosystemGraph) -> Explorer:
    return Explorer(small)


def found(ex: Explorer, q: str, **kw: Any) -> list[tuple[str, str]]:
    return [(r["id"], r["match"]) for r in ex.search(q, **kw)["results"]]


def test_initials_from_gb2312_order_and_henan_place_names() -> None:
    assert initials("郑州宇通客车") == "zzytkc"
    assert initials("漯河双汇") == "lhsh"  # 漯 is a second-level character, listed by hand
    assert initials("ＴＣＬ科技（示例E01）") == "tclkjsle01"


def test_search_by_name_initials_english_id_and_codes(ex: Explorer) -> None:
    # within a rank the best connected first: E1 (5 links), E4 (4), C1 (3), R1 (2)
    assert found(ex, "郑州") == [
        ("E1", "prefix"),
        ("E4", "prefix"),
        ("C1", "prefix"),
        ("R1", "prefix"),
    ]
    assert found(ex, "宇通") == [("E2", "prefix"), ("E1", "contains")]
    assert found(ex, "郑州市") == [("C1", "exact")]
    assert found(ex, "zzyt") == [("E1", "prefix")]  # pinyin initials
    assert found(ex, "lhsh") == [("E3", "prefix")]
    assert found(ex, "bus") == [("E1", "prefix")]  # a word of the English name
    assert found(ex, "ZHENGZHOU") == [("C1", "exact"), ("R1", "prefix")]
    assert found(ex, "e3") == [("E3", "exact")]  # ids, in any case
    assert found(ex, "600066") == [("E1", "exact")]  # stock code
    assert found(ex, "91350100m000100y43") == [("E2", "exact")]  # credit code
    assert found(ex, "ｚｚｙｔ") == [("E1", "prefix")]  # full-width forms fold
    assert found(ex, "郑州", label="ResearchInstitute") == [("R1", "prefix")]
    assert found(ex, "郑州", limit=2) == [("E1", "prefix"), ("E4", "prefix")]
    assert found(ex, "不存在") == [] and found(ex, "  ") == []


def test_node_has_properties_provenance_and_neighbour_counts(ex: Explorer) -> None:
    node = ex.node("E1")
    assert (node["id"], node["label"], node["name"], node["degree"]) == (
        "E1",
        "Enterprise",
        "郑州宇通客车股份有限公司",
        5,
    )
    props = {p["name"]: p["value"] for p in node["properties"]}
    assert props["stock_code"] == "600066" and props["size"] == "large"
    assert node["provenance"] == {"source": "test", "since": None, "until": None}
    assert node["groups"] == [
        {"type": "SUPPLIES", "direction": "in", "label": "Enterprise", "count": 3},
        {"type": "LOCATED_IN", "direction": "out", "label": "Region", "count": 1},
        {"type": "COLLABORATES_WITH", "direction": "out", "label": "ResearchInstitute", "count": 1},
    ]  # the most first, then in the schema's order
    with pytest.raises(NodeNotFound):
        ex.node("nope")


def test_neighbours_page_by_connections_with_more(ex: Explorer) -> None:
    first = ex.neighbours("E1", limit=2)
    # E4 (4 links) leads, then E2 and C1 (3 each) by position; three more past the page
    assert [n["id"] for n in first["nodes"]] == ["E4", "E2"]
    assert (first["total"], first["more"]) == (5, 3)
    rest = ex.neighbours("E1", limit=10, offset=2)
    shown = [n["id"] for n in first["nodes"]] + [n["id"] for n in rest["nodes"]]
    assert sorted(shown) == ["C1", "E2", "E4", "E5", "R1"] and rest["more"] == 0
    by_degree = [ex.degree[ex.position(i)] for i in shown]
    assert by_degree == sorted(by_degree, reverse=True)
    supplies = ex.neighbours("E1", edge_type="SUPPLIES", direction="in")
    assert sorted(n["id"] for n in supplies["nodes"]) == ["E2", "E4", "E5"]
    edge = next(e for e in supplies["edges"] if e["from"] == "E2")
    assert edge["type"] == "SUPPLIES" and edge["to"] == "E1"
    assert edge["properties"] == {
        "source": "test",
        "evidence": "observed",
        "since": 2015,
        "product": "车桥",
    }
    # both parallel edges to a neighbour come with it
    parallel = ex.neighbours("E2", label="Enterprise", direction="in")
    assert [n["id"] for n in parallel["nodes"]] == ["E4"] and len(parallel["edges"]) == 2
    assert ex.neighbours("E1", label="Region")["total"] == 1
    with pytest.raises(QueryError, match="unknown edge type"):
        ex.neighbours("E1", edge_type="SELLS")


def test_edges_among_nodes(ex: Explorer) -> None:
    got = ex.edges_among(["E1", "E2", "E4", "nope"])
    pairs = sorted((e["from"], e["type"], e["to"]) for e in got["edges"])
    assert pairs == [
        ("E2", "SUPPLIES", "E1"),
        ("E4", "SUPPLIES", "E1"),
        ("E4", "SUPPLIES", "E2"),
        ("E4", "SUPPLIES", "E2"),
    ]


def test_cluster_view_keeps_the_supply_backbone() -> None:
    ids = ("lead", "s1", "s2", "s3", "t1", "t2", "x")
    supplies = [
        ("s1", "lead"), ("s2", "lead"), ("s3", "lead"), ("t1", "s1"), ("t1", "s2"),
        ("t2", "s3"), ("t2", "s1"), ("x", "t1"), ("x", "s3"), ("x", "lead"),
    ]  # fmt: skip
    ex = Explorer(make_graph({"Enterprise": [{"id": i, "name": i} for i in ids]},
                             {"SUPPLIES": supplies}))  # fmt: skip
    # Leiden puts lead, s2, x and t1 together (the clusters are the query module's)
    assert set(ex.members(1)["id"]) == {"lead", "s2", "x", "t1"}
    whole = ex.cluster_graph(1)
    assert [(n["id"], n["role"], n["tier"]) for n in whole["nodes"]] == [
        ("lead", "chain_leader", 0),
        ("s2", "key_supplier", 1),  # the leader's suppliers, most links inside first
        ("x", "key_supplier", 1),
        ("t1", "key_supplier", 2),  # theirs
    ]
    assert (whole["supplies_inside"], whole["supplies_drawn"]) == (4, 4)
    cut = ex.cluster_graph(1, max_nodes=3)
    assert [n["id"] for n in cut["nodes"]] == ["lead", "s2", "x"]
    assert sorted((e["from"], e["to"]) for e in cut["edges"]) == [("s2", "lead"), ("x", "lead")]
    assert (cut["members"], cut["drawn"], cut["connected_drawn"]) == (4, 3, 3)
    assert all(e["type"] == "SUPPLIES" for e in cut["edges"])
    with pytest.raises(NotFound, match="no cluster 9"):
        ex.cluster_graph(9)


# --- the real server over the demo package ------------------------------------------------


@pytest.fixture(scope="module")
def server(demo_package: Path) -> Iterator[Prepared]:
    running = start(demo_package, port=0)
    yield running
    running.stop()


def get(server: Prepared, path: str, **kw: Any) -> Reply:
    return http(server.url + path.lstrip("/"), **kw)


def test_http_search_node_and_neighbours(server: Prepared, demo_graph: EcosystemGraph) -> None:
    reply = get(server, "/api/search?q=%E9%83%91%E5%B7%9E&limit=5")  # 郑州
    assert reply.status == 200
    results = reply.json()["results"]
    assert results[0]["id"] == "region:4101" and results[0]["name"] == "郑州市"
    assert len(results) == 5 and all("郑州" in r["name"] for r in results)
    node = get(server, "/api/nodes/E000001").json()
    table = demo_graph.nodes["Enterprise"].set_index("id").loc["E000001"]
    assert node["name"] == table["name"] and node["label"] == "Enterprise"
    assert node["provenance"]["source"] == table["source"]
    total = sum(g["count"] for g in node["groups"])
    page = get(server, "/api/nodes/region:4101/neighbours?limit=10").json()
    assert len(page["nodes"]) == 10 and page["more"] == page["total"] - 10
    assert {e["to"] for e in page["edges"]} | {e["from"] for e in page["edges"]} >= {
        n["id"] for n in page["nodes"]
    }
    mine = get(server, "/api/nodes/E000001/neighbours?limit=500").json()
    assert len(mine["edges"]) == total  # every edge of the node, once


def test_http_errors_are_json_with_a_status(server: Prepared) -> None:
    cases = [
        ("/api/nodes/nope", 404, "no node with id 'nope'"),
        ("/api/search?q=x&limit=abc", 400, "limit must be a whole number"),
        ("/api/search?q=x&limit=999", 400, "between 1 and 50"),
        ("/api/nodes/E000001/neighbours?type=SELLS", 400, "unknown edge type 'SELLS'"),
        ("/api/gaps?kind=nonsense", 400, "unknown gap kind"),
        ("/api/clusters/abc/graph", 400, "a cluster id is a number"),
        ("/api/clusters/99999/graph", 404, "no cluster 99999"),
        ("/api/no/such/thing", 404, "Not Found"),
    ]
    for path, status, message in cases:
        reply = get(server, path)
        assert reply.status == status, path
        assert message in reply.json()["error"], path
        assert b"Traceback" not in reply.body
    bad_json = get(
        server, "/api/cypher", raw=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status == 400 and "not valid JSON" in bad_json.json()["error"]
    not_json = get(server, "/api/cypher", raw=b"query=MATCH", method="POST")
    assert not_json.status == 415  # a form post (another site's page) is not taken
    big = get(server, "/api/edges", body={"ids": ["x" * 1000] * 100})
    assert big.status == 413
    wrong_method = get(server, "/api/cypher")
    assert wrong_method.status == 405 and "error" in wrong_method.json()


def test_http_write_query_refused_and_nothing_changed(server: Prepared) -> None:
    count = {"query": "MATCH (e:Enterprise) RETURN count(e) AS n"}
    before = get(server, "/api/cypher", body=count).json()["table"]["rows"]
    for query in [
        "MATCH (n) DETACH DELETE n",
        "MATCH (e:Enterprise {id: 'E000001'}) SET e.name = 'x' RETURN e",
        "CREATE (e:Enterprise {id: 'X', name: 'x', source: 'x'})",
        "match (n) detach delete n",
    ]:
        reply = get(server, "/api/cypher", body={"query": query})
        assert reply.status == 400, query
        assert reply.json()["error"].startswith("refused: this query writes"), query
    assert get(server, "/api/cypher", body=count).json()["table"]["rows"] == before


def test_http_cypher_reads_with_parameters_and_library(server: Prepared) -> None:
    reply = get(
        server,
        "/api/cypher",
        body={
            "query": "MATCH (a:Enterprise {id: $id})-[r:SUPPLIES]->(b) RETURN a, r, b",
            "params": {"id": "E000003"},
        },
    ).json()
    assert reply["table"]["columns"] == ["a", "r", "b"] and reply["table"]["total"] >= 1
    drawn = {n["id"] for n in reply["graph"]["nodes"]}
    assert drawn == {"E000003"} | {row[2]["id"] for row in reply["table"]["rows"]}
    assert all(e["type"] == "SUPPLIES" for e in reply["graph"]["edges"])
    library = get(server, "/api/queries").json()["queries"]
    q = next(x for x in library if x["name"] == "suppliers_of")
    run = get(server, "/api/cypher", body={"name": "suppliers_of", "params": q["example"]}).json()
    assert run["table"]["columns"][:2] == ["supplier", "name"] and run["table"]["total"] > 0
    missing = get(server, "/api/cypher", body={"query": "MATCH (e {id: $id}) RETURN e"})
    assert missing.status == 400 and "$id" in missing.json()["error"]
    csv = get(server, "/api/cypher", body={"query": "RETURN '=1+1' AS f", "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.body.decode("utf-8-sig").splitlines() == ["f", "'=1+1"]


def test_cypher_is_time_limited(demo_package: Path) -> None:
    G = EcosystemGraph.open(demo_package)
    ex = Explorer(G, cypher_seconds=1)
    slow = (
        "MATCH (a:Enterprise), (b:Enterprise), (c:Enterprise) "
        "WHERE a.name + b.name + c.name = 'x' RETURN count(*)"
    )
    with pytest.raises(QueryError, match="ran for more than 1 s and was stopped"):
        ex.cypher(slow)
    df, more = ex.cypher("MATCH (e:Enterprise) RETURN count(e) AS n")  # the limit stays on
    assert int(df["n"].iloc[0]) == len(G.nodes["Enterprise"]) and not more
    with pytest.raises(QueryError, match="ran for more than"):
        ex.cypher(slow)
    ex.close()


def test_http_questions_and_table_files(server: Prepared) -> None:
    clusters = get(server, "/api/clusters").json()["table"]
    assert clusters["columns"][:3] == ["cluster", "label", "size"]
    assert "leader" in clusters["links"]
    first = clusters["rows"][0][0]
    view = get(server, f"/api/clusters/{first}/graph").json()
    assert view["nodes"][0]["role"] == "chain_leader"
    assert 2 * view["connected_drawn"] >= view["drawn"]  # the backbone keeps links
    ids = {n["id"] for n in view["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in view["edges"])
    gaps = get(server, "/api/gaps?kind=single_source").json()
    assert gaps["table"]["columns"][:2] == ["gap", "entity"] and gaps["table"]["total"] > 0
    partners = get(server, "/api/partners?kind=enterprise-institute&k=5").json()["table"]
    assert partners["total"] == 5 and {"source", "target"} <= set(partners["links"])
    indicators = get(server, "/api/indicators?by=city").json()["table"]
    assert "indicator" in indicators["columns"] and indicators["total"] > 0
    xlsx = get(server, "/api/gaps?kind=single_source&format=xlsx")
    assert xlsx.status == 200 and xlsx.body[:2] == b"PK"
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.body)).worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref and sheet["A1"].font.bold
    questions = get(server, "/api/nodes/E000001/questions").json()
    assert questions["cluster"]["cluster"] >= 1
    assert all(row[1] == "E000001" for row in questions["gaps"]["rows"])


def test_every_answer_carries_the_security_headers(server: Prepared) -> None:
    for path in ["/", "/static/app.js", "/api/info", "/api/nodes/nope"]:
        reply = get(server, path)
        assert reply.headers["content-security-policy"] == CSP, path
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["referrer-policy"] == "no-referrer"
        assert reply.headers["x-frame-options"] == "DENY"
    assert "'unsafe-inline'" not in CSP and "'unsafe-eval'" not in CSP


def test_loopback_server_refuses_other_host_names(server: Prepared) -> None:
    rebound = get(server, "/api/info", headers={"Host": "attacker.example:8765"})
    assert rebound.status == 400 and "loopback" in rebound.json()["error"]
    port = server.url.rsplit(":", 1)[1].strip("/")
    assert get(server, "/api/info", headers={"Host": f"localhost:{port}"}).status == 200


def test_the_page_has_no_inline_code_and_writes_no_markup() -> None:
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # every script is a file
    assert not re.search(r"\son[a-z]+=", page) and "style=" not in page
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("]:
        assert sink not in script, sink
    licences = (STATIC / "vendor" / "LICENSES.md").read_text(encoding="utf-8")
    for bundle in ["sigma.min.js", "graphology.umd.min.js", "graphology-library.min.js"]:
        assert bundle in licences and (STATIC / "vendor" / bundle).is_file()


# --- the token -------------------------------------------------------------------------------


def test_beyond_loopback_every_request_needs_the_token(demo_graph: EcosystemGraph) -> None:
    with pytest.raises(InnokgError, match="needs a token"):
        start(demo_graph, host="0.0.0.0", port=0)
    running = start(demo_graph, host="0.0.0.0", port=0, token=TOKEN, warm_up=False)
    try:
        port = running.url.rsplit(":", 1)[1].strip("/")
        base = f"http://127.0.0.1:{port}"
        for path in ["/", "/api/info", "/static/app.js", "/api/search?q=x"]:
            reply = http(base + path)
            assert reply.status == 401, path
            assert "needs its token" in reply.json()["error"]
        assert http(base + "/api/info", headers={"Authorization": "Bearer wrong"}).status == 401
        assert http(base + "/api/info", headers={"Authorization": f"Bearer {TOKEN}"}).status == 200
        assert http(f"{base}/?token=wrong").status == 401
        opened = http(f"{base}/?token={TOKEN}")
        assert opened.status == 303 and opened.headers["location"] == "/"
        cookie = opened.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        jar = cookie.split(";")[0]
        assert http(base + "/api/info", headers={"Cookie": jar}).status == 200
        assert http(base + "/", headers={"Cookie": jar}).status == 200
    finally:
        running.stop()


# --- the command ----------------------------------------------------------------------------


def _serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "innokg", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("Ctrl-C"):
            break
    return proc, "".join(lines)


def test_serve_command_prints_its_url_and_stops_on_ctrl_c(demo_package: Path) -> None:
    proc, out = _serve(str(demo_package), "--port", "0")
    try:
        url = re.search(r"open (http://127\.0\.0\.1:\d+/)\n", out)
        assert url, out
        assert re.search(r"innokg explorer: .* \(2,\d{3} nodes\), ready in [\d.]+ s", out), out
        info = http(url.group(1) + "api/info").json()
        assert info["nodes"] > 2000 and info["cypher"] is True
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + rest
    assert rest.strip().endswith("stopped") and "Traceback" not in rest


def test_serve_command_makes_a_token_beyond_loopback(demo_package: Path) -> None:
    proc, out = _serve(str(demo_package), "--port", "0", "--host", "0.0.0.0")
    try:
        url = re.search(r"open http://0\.0\.0\.0:(\d+)/\?token=([\w-]{32})\n", out)
        assert url and "a token was made" in out, out
        base = f"http://127.0.0.1:{url.group(1)}/api/info"
        assert http(base).status == 401
        assert http(base, headers={"Authorization": f"Bearer {url.group(2)}"}).status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)


def test_serve_command_user_errors(demo_package: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from innokg.cli import main

    runner = CliRunner()
    short = runner.invoke(main, ["serve", str(demo_package), "--token", "short"])
    assert short.exit_code == 1 and "at least 16 characters" in short.output
    missing = runner.invoke(main, ["serve", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "not an innokg graph package" in missing.output
    with start(demo_package, port=0, warm_up=False) as busy:
        port = busy.url.rsplit(":", 1)[1].strip("/")
        taken = runner.invoke(main, ["serve", str(demo_package), "--port", port])
    assert taken.exit_code == 1 and "cannot listen on 127.0.0.1" in taken.output
    assert "Traceback" not in short.output + missing.output + taken.output
