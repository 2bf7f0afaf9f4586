"""The explorer's filters, shortest paths and city map: exact answers on a small graph.

A hand-made graph of five firms, two cities and two industries, where every answer
can be worked out by hand; then the same over HTTP from the real server (uvicorn in
a thread), and the city map from the demo's server.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import NodeNotFound, QueryError
from innokg.graph.testing import make_graph
from innokg.maps import HENAN_EN
from innokg.serve import Prepared, start
from innokg.serve.app import CSP
from innokg.serve.explorer import Explorer, NotFound
from tests.test_injection import STORED
from tests.test_serve import Reply, http


@pytest.fixture(scope="module")
def town() -> EcosystemGraph:
    """E1 and E2 in 郑州 and the car industry, E3 in 洛阳 and food; E4 only supplied
    by E3; E5 linked to nothing.  Supply chain E1 - E2 - E3 - E4 (either direction)."""
    return make_graph(
        {
            "Enterprise": [
                {"id": "E1", "name": "宇通客车", "since": 2010},
                {"id": "E2", "name": "宇通配件", "since": 2015, "until": 2018},
                {"id": "E3", "name": "双汇食品"},
                {"id": "E4", "name": "洛阳包装"},
                {"id": "E5", "name": "孤立公司"},
            ],
            "Region": [
                {"id": "C1", "name": "郑州市", "level": "city", "code": "4101"},
                {"id": "C2", "name": "洛阳市", "level": "city", "code": "4103"},
            ],
            "Industry": [
                {"id": "I1", "name": "汽车制造业", "code": "C36"},
                {"id": "I2", "name": "食品制造业", "code": "C14"},
            ],
        },
        {
            "SUPPLIES": [
                ("E1", "E2", {"since": 2012}),
                ("E3", "E2", {"evidence": "inferred"}),
                ("E3", "E4", {"since": 2016, "until": 2019}),
            ],
            "LOCATED_IN": [("E1", "C1"), ("E2", "C1"), ("E3", "C2")],
            "IN_INDUSTRY": [("E1", "I1"), ("E2", "I1"), ("E3", "I2")],
        },
    )


@pytest.fixture(scope="module")
def ex(town: EcosystemGraph) -> Explorer:
    explorer = Explorer(town)
    explorer.warm_up()
    return explorer


@pytest.fixture(scope="module")
def server(town: EcosystemGraph) -> Iterator[Prepared]:
    running = start(town, port=0)
    yield running
    running.stop()


def get(server: Prepared, path: str) -> Reply:
    return http(server.url + path.lstrip("/"))


def links(answer: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(e["from"], e["type"], e["to"]) for e in answer["edges"]]


# --- facets --------------------------------------------------------------------------------


def test_facets_count_cities_industries_years_and_evidence(ex: Explorer) -> None:
    f = ex.facets()
    # a city Region is in its own city; E4 and E5 have none
    assert f["cities"] == [
        {"id": "C1", "name": "郑州市", "count": 3},
        {"id": "C2", "name": "洛阳市", "count": 2},
    ]
    assert f["industries"] == [
        {"id": "I1", "name": "汽车制造业", "count": 2},
        {"id": "I2", "name": "食品制造业", "count": 1},
    ]
    assert f["years"] == {"min": 2010, "max": 2019}  # E1's since, the E3->E4 edge's until
    assert f["evidence"] == [{"name": "observed", "count": 8}, {"name": "inferred", "count": 1}]


def test_summaries_carry_what_the_filters_need(ex: Explorer) -> None:
    e2, e4 = ex.summaries_of(["E2", "E4"])
    assert (e2["city"], e2["industry"], e2["since"], e2["until"]) == (
        "郑州市",
        "汽车制造业",
        2015,
        2018,
    )
    assert (e4["city"], e4["industry"]) == (None, None) and "since" not in e4
    page = ex.neighbours("E4")
    assert [
        (e["from"], e["properties"]["since"], e["properties"]["until"]) for e in page["edges"]
    ] == [("E3", 2016, 2019)]
    supplies = ex.neighbours("E2", edge_type="SUPPLIES")["edges"]
    assert sorted((e["from"], e["properties"]["evidence"]) for e in supplies) == [
        ("E1", "observed"),
        ("E3", "inferred"),
    ]


# --- shortest paths ------------------------------------------------------------------------


def test_shortest_path_takes_edges_either_way(ex: Explorer) -> None:
    found = ex.path("E1", "E4")
    assert found["path"] == ["E1", "E2", "E3", "E4"] and found["hops"] == 3
    assert links(found) == [
        ("E1", "SUPPLIES", "E2"),
        ("E3", "SUPPLIES", "E2"),
        ("E3", "SUPPLIES", "E4"),
    ]
    assert [n["name"] for n in found["nodes"]] == ["宇通客车", "宇通配件", "双汇食品", "洛阳包装"]
    back = ex.path("E4", "E1")
    assert back["path"] == ["E4", "E3", "E2", "E1"]
    assert ex.path("E2", "E2")["path"] == ["E2"] and ex.path("E2", "E2")["edges"] == []
    # through a city: E1 and E2 share 郑州 as well as a supply link, the link is shorter
    assert ex.path("E1", "C1")["path"] == ["E1", "C1"]


def test_shortest_path_over_some_edge_types(ex: Explorer) -> None:
    via = ex.path("E1", "E2", types=["LOCATED_IN"])
    assert via["path"] == ["E1", "C1", "E2"]
    assert links(via) == [("E1", "LOCATED_IN", "C1"), ("E2", "LOCATED_IN", "C1")]
    with pytest.raises(NotFound, match="not connected"):
        ex.path("E1", "E3", types=["LOCATED_IN", "IN_INDUSTRY"])


def test_no_path_too_far_and_bad_requests(ex: Explorer) -> None:
    with pytest.raises(NotFound, match=r"no path between 'E1' and 'E5'.*not connected"):
        ex.path("E1", "E5")
    with pytest.raises(NotFound, match="no path of at most 2 links between 'E1' and 'E4'"):
        ex.path("E1", "E4", max_hops=2)
    assert ex.path("E1", "E4", max_hops=3)["hops"] == 3
    with pytest.raises(NodeNotFound):
        ex.path("E1", "nope")
    with pytest.raises(QueryError, match="between 1 and 12"):
        ex.path("E1", "E4", max_hops=13)
    with pytest.raises(QueryError, match="unknown edge type 'SELLS'"):
        ex.path("E1", "E4", types=["SELLS"])


def test_http_path_and_facets(server: Prepared) -> None:
    found = get(server, "/api/path?from=E1&to=E4").json()
    assert found["path"] == ["E1", "E2", "E3", "E4"] and found["hops"] == 3
    typed = get(server, "/api/path?from=E1&to=E2&types=LOCATED_IN").json()
    assert typed["path"] == ["E1", "C1", "E2"]
    cases = [
        ("/api/path?from=E1&to=E5", 404, "not connected"),
        ("/api/path?from=E1&to=E4&max=2", 404, "no path of at most 2 links"),
        ("/api/path?from=E1&to=nope", 404, "no node with id 'nope'"),
        ("/api/path?from=E1", 400, "give both ends"),
        ("/api/path?from=E1&to=E4&max=x", 400, "max must be a whole number"),
        ("/api/path?from=E1&to=E4&max=40", 400, "between 1 and 12"),
        ("/api/path?from=E1&to=E4&types=SELLS", 400, "unknown edge type 'SELLS'"),
    ]
    for path, status, message in cases:
        reply = get(server, path)
        assert reply.status == status, path
        assert message in reply.json()["error"], path
    facets = get(server, "/api/facets").json()
    assert [c["name"] for c in facets["cities"]] == ["郑州市", "洛阳市"]
    assert facets["years"] == {"min": 2010, "max": 2019}


# --- the city map -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_server(demo_package: Path) -> Iterator[Prepared]:
    running = start(demo_package, port=0, warm_up=False)
    yield running
    running.stop()


def test_http_city_map_is_an_inert_svg(demo_server: Prepared) -> None:
    reply = get(demo_server, "/api/map?indicator=national_tech_centres")
    assert reply.status == 200
    assert reply.headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert reply.headers["content-security-policy"] == CSP
    svg = reply.body.decode("utf-8")
    assert svg.startswith("<svg")
    # Henan's 17 outlined cities and 济源 as a dot, each with its own code
    codes = re.findall(r'class="city(?: point)?" data-code="(\d+)"', svg)
    assert len(codes) == 18 and len(set(codes)) == 18 and "419001" in codes
    # what the page's CSP would block, were it there: inline style, script, handlers, links
    assert not re.search(r"<style|style=|<script|\son[a-z]+=|href=|<foreignObject", svg)
    again = get(demo_server, "/api/map?indicator=national_tech_centres&lang=en").body
    assert b"Zhengzhou" in again and "郑州" in svg
    bad = get(demo_server, "/api/map?indicator=nonsense")
    assert bad.status == 404 and "no city indicator 'nonsense'" in bad.json()["error"]
    assert get(demo_server, "/api/map").status == 400
    assert get(demo_server, "/api/map?indicator=national_tech_centres&lang=fr").status == 400


def test_city_map_keeps_hostile_names_as_text() -> None:
    # the injection corpus as the names of Henan's 18 cities, one firm in each
    codes = list(HENAN_EN)
    G = make_graph(
        {
            "Enterprise": [{"id": f"E{i}", "name": f"企业{i}"} for i in range(len(codes))],
            "Region": [
                {"id": f"region:{code}", "name": name, "level": "city", "code": code}
                for code, name in zip(codes, STORED, strict=True)
            ],
        },
        {"LOCATED_IN": [(f"E{i}", f"region:{code}") for i, code in enumerate(codes)]},
    )
    ex = Explorer(G)
    indicator = str(ex.indicators("city")["indicator"].iloc[0])
    root = ElementTree.fromstring(ex.city_map(indicator))
    tags = {element.tag.split("}")[-1] for element in root.iter()}
    assert tags.isdisjoint({"script", "style", "foreignObject", "a", "image", "use"})
    attributes = {name for element in root.iter() for name in element.attrib}
    assert not [a for a in attributes if a.lower().startswith("on") or a.endswith("href")]
    shown = "".join(root.itertext())
    assert all(name in shown for name in STORED)
