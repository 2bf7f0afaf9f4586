"""The explorer in a real browser: the walk a user takes, and hostile names.

Headless Chromium (``tests/browser.py``, its network cut off except the servers
under test) opens the page of a real ``innokg.serve`` server and is driven through
its controls: search, open a node, expand it, click a node on the canvas, filter,
colour by cluster, draw a cluster, run a library query, export PNG, SVG and CSV.  A
second server holds the injection corpus's names (``tests/test_injection.py``).

Screenshots go to ``test-artifacts/``; with ``INNOKG_UPDATE_DOCS=1`` the ones
docs/explorer.md shows are written to ``docs/`` as well.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.serve import Prepared, start
from tests.browser import Browser, Page, find_chromium
from tests.conftest import REPO
from tests.needs import unavailable
from tests.test_injection import STORED, hostile_tables

ARTIFACTS = REPO / "test-artifacts"
DOCS = REPO / "docs"


def api(server: Prepared, path: str, body: Any = None) -> Any:
    request = urllib.request.Request(server.url + path.lstrip("/"))
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=120) as r:
        return json.loads(r.read())


def host(server: Prepared) -> str:
    return server.url.split("//")[1].rstrip("/")


def shot(page: Page, name: str, *, docs: bool = False) -> None:
    path = page.screenshot(ARTIFACTS / f"serve-{name}.png")
    if docs and os.environ.get("INNOKG_UPDATE_DOCS") == "1":
        shutil.copyfile(path, DOCS / f"explorer-{name}.png")


@pytest.fixture(scope="module")
def demo(demo_package: Path) -> Iterator[Prepared]:
    running = start(demo_package, port=0)
    deadline = time.monotonic() + 300
    while not all(api(running, "/api/info")["ready"].values()):  # cities and clusters
        assert time.monotonic() < deadline, "the warm-up did not finish"
        time.sleep(0.5)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def hostile() -> Iterator[Prepared]:
    tables = hostile_tables()
    running = start(EcosystemGraph(tables.nodes, tables.edges), port=0)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(demo: Prepared, hostile: Prepared) -> Iterator[Browser]:
    if find_chromium() is None:
        unavailable("chromium is not installed (apt-get install chromium); browser tests skipped")
    with Browser.launch(allow=(host(demo), host(hostile))) as b:
        yield b


def open_page(browser: Browser, server: Prepared) -> Page:
    page = browser.open(server.url)
    page.wait_for("window.innokg && window.innokg.state.ready", timeout=120)
    return page


def idle(page: Page, timeout: float = 120) -> None:
    """Wait until no request is pending, no layout runs and the camera is still."""
    page.wait_for(
        "window.innokg.state.busy === 0 && !window.innokg.state.layoutRunning"
        " && !(window.innokg.renderer && window.innokg.renderer.getCamera().isAnimated())",
        timeout=timeout,
    )


def click(page: Page, selector: str) -> None:
    page.evaluate(f"document.querySelector({json.dumps(selector)}).click()")


def type_into(page: Page, selector: str, text: str) -> None:
    page.evaluate(
        f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
        f" e.value = {json.dumps(text)}; e.dispatchEvent(new Event('input')); }})()"
    )


def choose(page: Page, selector: str, value: str) -> None:
    page.evaluate(
        f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
        f" e.value = {json.dumps(value)}; e.dispatchEvent(new Event('change')); }})()"
    )


def text(page: Page, selector: str) -> str:
    return str(page.evaluate(f"document.querySelector({json.dumps(selector)}).textContent"))


def canvas(page: Page) -> tuple[int, int]:
    return tuple(page.evaluate("[window.innokg.graph.order, window.innokg.graph.size]"))  # type: ignore[return-value]


def downloaded(folder: Path, name: str, timeout: float = 30) -> Path:
    path = folder / name
    deadline = time.monotonic() + timeout
    while not path.is_file() or path.stat().st_size == 0:
        assert time.monotonic() < deadline, f"{name} was not downloaded"
        time.sleep(0.1)
    return path


def test_search_node_expand_cluster_cypher_export(
    browser: Browser, demo: Prepared, tmp_path: Path
) -> None:
    browser.send(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    page = open_page(browser, demo)
    assert text(page, "#title") == api(demo, "/api/info")["title"]

    # search, then open the first result
    type_into(page, "#search", "郑州")
    page.wait_for("document.querySelectorAll('#search-results li[data-id]').length > 0")
    first = api(demo, "/api/search?q=%E9%83%91%E5%B7%9E&limit=15")["results"]
    shown = page.evaluate(
        "[...document.querySelectorAll('#search-results li')].map(l => l.dataset.id)"
    )
    assert shown == [r["id"] for r in first]
    click(page, "#search-results li[data-id]")
    page.wait_for("!document.getElementById('node-panel').hidden")
    assert text(page, "#node-name") == "郑州市" and text(page, "#node-id") == "region:4101"
    assert canvas(page)[0] == 1

    # expand: 30 neighbours at a time, the rest counted
    total = api(demo, "/api/nodes/region:4101/neighbours?limit=0")["total"]
    click(page, "#node-expand")
    page.wait_for("window.innokg.graph.order > 1")
    idle(page)
    assert canvas(page)[0] == 1 + 30
    assert text(page, "#node-more").startswith(f"{total - 30} more neighbours not drawn")
    shot(page, "expanded")

    # a real click on a node of the canvas selects it: the node farthest from any
    # other on screen, once the camera has settled, so no neighbour covers it
    idle(page)
    target, x, y = page.evaluate(
        "(() => { const r = window.innokg.renderer, g = window.innokg.graph;"
        " const box = document.getElementById('graph').getBoundingClientRect();"
        " const at = g.nodes().map(n => { const a = g.getNodeAttributes(n);"
        "   const p = r.graphToViewport({x: a.x, y: a.y}); return [n, p.x, p.y]; });"
        " let best = null, gap = -1;"
        " for (const [n, px, py] of at) {"
        "   if (n === 'region:4101' || px < 20 || py < 20"
        "       || px > box.width - 20 || py > box.height - 20) continue;"
        "   const d = Math.min(...at.filter(o => o[0] !== n)"
        "     .map(o => Math.hypot(o[1] - px, o[2] - py)));"
        "   if (d > gap) { gap = d; best = [n, box.left + px, box.top + py]; } }"
        " return best; })()"
    )
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        page.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)
    page.wait_for(
        f"document.getElementById('node-id').textContent === {json.dumps(target)}", timeout=30
    )
    assert text(page, "#node-name") == api(demo, f"/api/nodes/{target}")["name"]

    # filter a label out and back in
    click(page, "#tabs button[data-tab=view]")
    regions = page.evaluate(
        "window.innokg.graph.filterNodes((n, a) => a.nodeLabel === 'Region').length"
    )
    assert regions > 0
    click(page, "#filter-label-Region")
    assert text(page, "#status").endswith(f"({regions} hidden by filters)")
    click(page, "#filter-label-Region")
    assert "hidden" not in text(page, "#status")

    # filter by city, year and evidence: what the server says of each node decides
    page.wait_for("window.innokg.state.facets !== null", timeout=60)
    drawn = api(demo, "/api/nodes", {"ids": page.evaluate("window.innokg.graph.nodes()")})["nodes"]
    away = sum(n["city"] != "郑州市" for n in drawn)
    assert 0 < away < len(drawn)
    choose(page, "#filter-city", "郑州市")
    assert text(page, "#status").endswith(f"({away} hidden by filters)")
    shown = page.evaluate(
        "window.innokg.graph.filterNodes(n => !window.innokg.renderer.getNodeDisplayData(n).hidden)"
    )
    assert sorted(shown) == sorted(n["id"] for n in drawn if n["city"] == "郑州市")
    choose(page, "#filter-city", "")
    later = sum(n.get("since", 0) > 2010 or n.get("until", 9999) < 2010 for n in drawn)
    assert later > 0
    choose(page, "#filter-year", "2010")
    assert text(page, "#status").endswith(f"({later} hidden by filters)")
    choose(page, "#filter-year", "")
    assert "hidden" not in text(page, "#status")
    hidden_edges = (
        "window.innokg.graph.filterEdges(e => window.innokg.renderer.getEdgeDisplayData(e).hidden)"
        ".length"
    )
    assert page.evaluate(hidden_edges) == 0
    click(page, "#filter-evidence-synthetic")  # every edge of the demo is synthetic
    assert page.evaluate(hidden_edges) == canvas(page)[1] > 0
    click(page, "#filter-evidence-synthetic")
    assert page.evaluate(hidden_edges) == 0

    # the shortest path between two firms, drawn and marked, on a clear canvas
    path = api(demo, "/api/path?from=E000001&to=E000500")
    assert path["hops"] >= 2
    click(page, "#clear")
    type_into(page, "#path-from", "E000001")
    type_into(page, "#path-to", "E000500")
    click(page, "#path-find")
    page.wait_for("window.innokg.state.path !== null", timeout=60)
    idle(page)
    assert page.evaluate("[...document.querySelectorAll('#path-list > li')].length") == len(
        path["path"]
    )
    assert text(page, "#path-note").startswith(f"{path['hops']} links")
    marked = page.evaluate(
        "[...window.innokg.state.path.edges].map(e =>"
        " window.innokg.graph.hasEdge(e) && window.innokg.renderer.getEdgeDisplayData(e).color)"
    )
    assert marked == ["#d81b60"] * path["hops"]
    assert sorted(page.evaluate("window.innokg.graph.nodes()")) == sorted(path["path"])
    page.evaluate("document.getElementById('path-find').scrollIntoView()")
    shot(page, "path", docs=True)
    click(page, "#path-clear")

    # the clusters table, then one cluster drawn on its supply backbone
    click(page, "#tabs button[data-tab=questions]")
    click(page, "#q-clusters")
    page.wait_for("document.querySelectorAll('#table tbody tr').length > 0", timeout=300)
    table = api(demo, "/api/clusters")["table"]
    assert page.evaluate("document.querySelectorAll('#table tbody tr').length") == table["total"]
    number = table["rows"][0][0]
    view = api(demo, f"/api/clusters/{number}/graph")
    click(page, "#table tbody tr td button")
    page.wait_for("window.innokg.state.cluster !== undefined")
    idle(page)
    assert canvas(page) == (view["drawn"], view["supplies_drawn"])
    leader = view["nodes"][0]
    assert leader["role"] == "chain_leader" and text(page, "#node-name") == leader["name"]
    assert text(page, "#cluster-note").startswith(f"cluster {number} ")
    page.evaluate(
        "document.getElementById('bottom').hidden = true; void window.innokg.renderer.resize()"
    )
    page.evaluate("void window.innokg.renderer.getCamera().setState({x: 0.5, y: 0.5, ratio: 1})")
    page.evaluate("void window.innokg.renderer.refresh()")
    shot(page, "cluster", docs=True)

    # the indicators' city map, shown as a picture under the page's CSP
    click(page, "#q-map")
    page.wait_for("window.innokg.state.map !== undefined", timeout=300)
    first = page.evaluate("document.getElementById('q-map-indicator').options[1].value")
    assert page.evaluate("window.innokg.state.map.indicator") == first
    with urllib.request.urlopen(f"{demo.url}api/map?indicator={first}", timeout=120) as r:
        svg = r.read().decode("utf-8")
    natural, shown_width = page.evaluate(
        "(() => { const i = document.querySelector('#indicator-map img');"
        " return [i.naturalWidth, i.getBoundingClientRect().width]; })()"
    )
    assert natural == int(re.search(r'<svg[^>]*\swidth="(\d+)"', svg).group(1))  # type: ignore[union-attr]
    assert shown_width > 0

    # colour by cluster: the legend names the clusters on the canvas
    click(page, "#node-expand")  # the leader's neighbours, some in other clusters
    idle(page)
    click(page, "#tabs button[data-tab=view]")
    choose(page, "#colour-by", "cluster")
    legend = page.evaluate("[...document.querySelectorAll('#legend li')].map(l => l.textContent)")
    clusters_shown = page.evaluate(
        "new Set(window.innokg.graph.mapNodes((n, a) => a.cluster).filter(c => c !== null)).size"
    )
    assert clusters_shown > 0 and sum(t.startswith("cluster ") for t in legend) == clusters_shown

    # a library query, and a query whose nodes are drawn
    click(page, "#tabs button[data-tab=cypher]")
    choose(page, "#cypher-library", "suppliers_of")
    library = {q["name"]: q for q in api(demo, "/api/queries")["queries"]}
    params = json.loads(str(page.evaluate("document.getElementById('cypher-params').value")))
    assert params == library["suppliers_of"]["example"]
    click(page, "#cypher-run")
    page.wait_for("window.innokg.state.table && window.innokg.state.table.title === 'Cypher'")
    idle(page)
    rows = page.evaluate("document.querySelectorAll('#table tbody tr').length")
    assert rows > 0 and text(page, "#table-note").startswith(f"{rows} rows")
    click(page, "#table-csv")
    csv_lines = downloaded(tmp_path, "cypher.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv_lines[0] == "supplier,name,tier" and len(csv_lines) == rows + 1
    query = "MATCH (a:Enterprise {id: $id})-[r:SUPPLIES]->(b:Enterprise) RETURN a, r, b"
    page.evaluate(f"document.getElementById('cypher-text').value = {json.dumps(query)}")
    page.evaluate("document.getElementById('cypher-params').value = '{\"id\": \"E000003\"}'")
    click(page, "#cypher-run")
    page.wait_for("!document.getElementById('cypher-draw').disabled")
    click(page, "#cypher-draw")
    idle(page)
    buyers = api(demo, "/api/nodes/E000003/neighbours?type=SUPPLIES&direction=out&limit=500")
    assert canvas(page)[0] == 1 + buyers["total"]

    # export the view as PNG and SVG
    width, height = page.evaluate(
        "(() => { const d = window.innokg.renderer.getDimensions();"
        " return [d.width, d.height]; })()"
    )
    click(page, "#export-png")
    png = downloaded(tmp_path, "innokg-view.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20]), int.from_bytes(png[20:24])) == (width, height)
    click(page, "#export-svg")
    svg = downloaded(tmp_path, "innokg-view.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.count("<circle") == canvas(page)[0]

    origin = demo.url.rstrip("/")
    assert all(r["url"].startswith((origin, "data:", "blob:")) for r in page.requests)
    assert page.exceptions == [] and page.console_errors == []
    page.close()


def test_hostile_names_stay_text(browser: Browser, hostile: Prepared) -> None:
    page = open_page(browser, hostile)
    for i, name in enumerate(STORED):
        node_id = f"E{i:02d}"
        page.evaluate("document.getElementById('search-results').hidden = true")
        type_into(page, "#search", node_id)
        page.wait_for(
            f"document.querySelector('#search-results li[data-id={json.dumps(node_id)}]') !== null"
        )
        item = f"#search-results li[data-id={json.dumps(node_id)}] span:nth-child(2)"
        listed = text(page, item)
        assert listed == f" {name}"
        click(page, f"#search-results li[data-id={json.dumps(node_id)}]")
        page.wait_for(f"document.getElementById('node-id').textContent === {json.dumps(node_id)}")
        assert text(page, "#node-name") == name
        assert (
            page.evaluate(f"window.innokg.graph.getNodeAttribute({json.dumps(node_id)}, 'label')")
            == name
        )
    click(page, "#node-expand")
    idle(page)
    click(page, "#tabs button[data-tab=questions]")
    choose(page, "#q-gap-kind", "single_source")
    click(page, "#q-gaps")
    page.wait_for("document.querySelectorAll('#table tbody tr').length > 0", timeout=300)
    cells = page.evaluate("[...document.querySelectorAll('#table td')].map(td => td.textContent)")
    assert any(name in cells for name in STORED if name)
    shot(page, "hostile-names")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert (
        page.evaluate(
            "[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
            ".some(a => a.name.startsWith('on'))).length"
        )
        == 0
    )
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 4  # the page's own
    assert page.exceptions == [] and page.console_errors == []
    page.close()


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prepared]:
    """A 100,000-node demo package (with its database, for the Cypher box), served."""
    from innokg.pipeline import build_demo

    out = tmp_path_factory.mktemp("serve-100k") / "innokg-100k"
    build_demo(out, scale=100_000, seed=2016)
    running = start(out, port=0)
    deadline = time.monotonic() + 600
    while not all(api(running, "/api/info")["ready"].values()):
        assert time.monotonic() < deadline, "the warm-up did not finish"
        time.sleep(1)
    yield running
    running.stop()


def test_the_walk_on_a_100k_graph(big: Prepared, tmp_path: Path) -> None:
    """Search, open, expand, draw a cluster, run a library query and export, at 100k."""
    if find_chromium() is None:
        unavailable("chromium is not installed (apt-get install chromium); browser tests skipped")
    assert api(big, "/api/info")["nodes"] > 100_000
    with Browser.launch(allow=(host(big),)) as b:
        b.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
        page = open_page(b, big)
        type_into(page, "#search", "郑州")
        page.wait_for("document.querySelectorAll('#search-results li[data-id]').length > 0")
        first = page.evaluate("document.querySelector('#search-results li[data-id]').dataset.id")
        click(page, "#search-results li[data-id]")
        page.wait_for(f"document.getElementById('node-id').textContent === {json.dumps(first)}")
        total = api(big, f"/api/nodes/{first}/neighbours?limit=0")["total"]
        click(page, "#node-expand")
        page.wait_for("window.innokg.graph.order > 1")
        idle(page)
        assert canvas(page)[0] == 1 + min(total, 30)

        click(page, "#tabs button[data-tab=questions]")
        click(page, "#q-clusters")
        page.wait_for("document.querySelectorAll('#table tbody tr').length > 0", timeout=300)
        table = api(big, "/api/clusters")["table"]
        assert (
            page.evaluate("document.querySelectorAll('#table tbody tr').length") == table["total"]
        )
        view = api(big, f"/api/clusters/{table['rows'][0][0]}/graph")
        click(page, "#table tbody tr td button")
        page.wait_for("window.innokg.state.cluster !== undefined", timeout=120)
        idle(page)
        assert canvas(page) == (view["drawn"], view["supplies_drawn"])
        # the cut keeps the supply backbone: most drawn members have a drawn SUPPLIES edge
        assert view["supplies_drawn"] >= view["drawn"] / 2
        assert view["nodes"][0]["role"] == "chain_leader"
        shot(page, "cluster-100k")

        # the library's suppliers query, asked of the cluster's leader (it buys in-cluster)
        click(page, "#tabs button[data-tab=cypher]")
        choose(page, "#cypher-library", "suppliers_of")
        leader = json.dumps({"enterprise": view["nodes"][0]["id"]})
        page.evaluate(f"document.getElementById('cypher-params').value = {json.dumps(leader)}")
        click(page, "#cypher-run")
        page.wait_for("window.innokg.state.table && window.innokg.state.table.title === 'Cypher'")
        idle(page)
        assert page.evaluate("document.querySelectorAll('#table tbody tr').length") > 0

        click(page, "#export-png")
        assert downloaded(tmp_path, "innokg-view.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        origin = big.url.rstrip("/")
        assert all(r["url"].startswith((origin, "data:", "blob:")) for r in page.requests)
        assert page.exceptions == [] and page.console_errors == []
        page.close()
