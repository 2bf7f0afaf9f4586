"""Network pictures: exact views on small graphs, safe pages, and a real browser."""

from __future__ import annotations

import html
import json
import re
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from innokg import viz
from innokg.cli import main
from innokg.commands import visual
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError, NodeNotFound, QueryError
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from innokg.queries.arrays import arrays
from innokg.queries.clusters import cluster_members, supply_clusters
from innokg.queries.partners import candidate_partners
from innokg.viz import size
from innokg.viz.facts import _short
from innokg.viz.page import _legend_icon
from innokg.viz.size import estimated_bytes
from innokg.viz.styles import _EDGE_DETAIL
from innokg.viz.views import _backbone
from tests.browser import Browser, Page, find_chromium
from tests.conftest import REPO
from tests.factory import make_graph

ARTIFACTS = REPO / "test-artifacts"

HOSTILE = [
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>window.__pwned=2</script>",
    '"><svg onload="window.__pwned=3">',
    "{{7*7}} ${window.__pwned=4} &amp; &lt;",
]


def ids(net: viz.InnoNetwork) -> set[str]:
    return {n["id"] for n in net.nodes}


def pairs(net: viz.InnoNetwork) -> set[tuple[str, str]]:
    return {(e["from"], e["to"]) for e in net.edges}


@pytest.fixture
def chain() -> EcosystemGraph:
    firms = [{"id": f"e{i}", "name": f"企业{i}", "employees": 10 * (i + 1)} for i in range(5)]
    return make_graph(
        {"Enterprise": firms, "ResearchInstitute": [{"id": "r", "name": "研究院"}]},
        {
            "SUPPLIES": [("e0", "e1"), ("e1", "e2"), ("e2", "e3"), ("e3", "e4")],
            "COLLABORATES_WITH": [("e1", "r")],
        },
    )


@pytest.fixture
def hostile() -> EcosystemGraph:
    firms = [{"id": f"h{i}", "name": name, "name_en": name} for i, name in enumerate(HOSTILE)]
    return make_graph(
        {"Enterprise": firms},
        {"SUPPLIES": [("h0", "h1", {"product": HOSTILE[2]}), ("h0", "h2"), ("h0", "h3")]},
    )


# --- views on small graphs ----------------------------------------------------------


def test_neighbourhood_by_depth_and_type(chain: EcosystemGraph) -> None:
    assert ids(viz.neighbourhood(chain, "e1", depth=1)) == {"e0", "e1", "e2", "r"}
    assert ids(viz.neighbourhood(chain, "e1", depth=2)) == {"e0", "e1", "e2", "e3", "r"}
    only_supply = viz.neighbourhood(chain, "e1", depth=1, edge_types=["SUPPLIES"])
    assert ids(only_supply) == {"e0", "e1", "e2"}
    assert pairs(only_supply) == {("e0", "e1"), ("e1", "e2")}
    net = viz.neighbourhood(chain, "e1", depth=1)
    assert pairs(net) == {("e0", "e1"), ("e1", "e2"), ("e1", "r")}
    centre = next(n for n in net.nodes if n["id"] == "e1")
    assert centre["borderWidth"] == 5
    assert centre["title"].splitlines() == [
        "企业1",
        "企业 · Enterprise",
        "从业人数 employees: 20",
        "连接 links: 3",
        "来源 source: test",
        "id: e1",
    ]


def test_neighbourhood_errors(chain: EcosystemGraph) -> None:
    with pytest.raises(NodeNotFound):
        viz.neighbourhood(chain, "nope")
    with pytest.raises(QueryError, match="unknown edge type"):
        viz.neighbourhood(chain, "e1", edge_types=["SUPPLY"])
    with pytest.raises(InnokgError, match="depth"):
        viz.neighbourhood(chain, "e1", depth=9)


def test_large_neighbourhood_keeps_the_nearest() -> None:
    ring1 = [{"id": f"a{i}", "name": f"a{i}"} for i in range(6)]
    ring2 = [{"id": f"b{i}", "name": f"b{i}"} for i in range(12)]
    G = make_graph(
        {"Enterprise": [{"id": "c", "name": "中心"}, *ring1, *ring2]},
        {
            "SUPPLIES": [("c", f"a{i}") for i in range(6)]
            + [(f"a{i % 6}", f"b{i}") for i in range(12)]
            + [("a0", "b1")]
        },
    )
    net = viz.neighbourhood(G, "c", depth=2, max_nodes=8)
    # the centre, its six neighbours, then the best-connected node of the second ring
    assert ids(net) == {"c", *(f"a{i}" for i in range(6)), "b1"}
    assert net.stats["sampled"] and net.stats["total_nodes"] == 19
    assert any("8 nearest of 19" in note for note in net.notes)


def test_sizes_follow_the_chosen_measure(chain: EcosystemGraph) -> None:
    net = viz.neighbourhood(chain, "e2", depth=4, size_by="employees")
    size = {n["id"]: n["size"] for n in net.nodes if n["id"] != "e2"}
    assert size["e4"] > size["e3"] > size["e1"] > size["e0"] > size["r"]
    with pytest.raises(InnokgError, match="cannot size"):
        viz.neighbourhood(chain, "e2", size_by="shoe_size")


def test_partner_view_draws_only_the_paths() -> None:
    G = make_graph(
        {
            "Enterprise": [{"id": x, "name": x} for x in ("a", "b", "buyer", "d", "x")],
            "ResearchInstitute": [{"id": "r", "name": "r"}],
        },
        {
            "SUPPLIES": [("a", "buyer"), ("b", "buyer"), ("x", "a")],
            "COLLABORATES_WITH": [("a", "d"), ("d", "r"), ("b", "r")],
        },
    )
    net = viz.partner_view(G, "a", "b")
    assert ids(net) == {"a", "b", "buyer", "d", "r"}  # x is on no path
    assert pairs(net) == {("a", "buyer"), ("b", "buyer"), ("a", "d"), ("d", "r"), ("b", "r")}
    assert net.stats["paths"] == 2
    lonely = viz.partner_view(G, "x", "r", max_length=2)
    assert ids(lonely) == {"x", "r"} and not lonely.edges
    assert any("No path within 2 links" in note for note in lonely.notes)


def test_partner_view_shows_the_candidates_reasons(demo_graph: EcosystemGraph) -> None:
    best = candidate_partners(demo_graph, kinds=["enterprise-institute"], k=1).iloc[0]
    net = viz.partner_view(demo_graph, best["source"], best["target"])
    assert best["explanation"] in net.notes and best["explanation_en"] in net.notes
    assert net.stats["paths"] >= 1
    assert {best["source"], best["target"]} <= ids(net)


def test_whole_graph_small_enough_is_drawn_whole(chain: EcosystemGraph) -> None:
    net = viz.whole_graph(chain)
    assert ids(net) == {"e0", "e1", "e2", "e3", "e4", "r"}
    assert len(net.edges) == 5
    assert net.options["physics"]["enabled"] is True


def test_whole_graph_aggregates_by_cluster(demo_graph: EcosystemGraph) -> None:
    net = viz.whole_graph(demo_graph, max_nodes=1000)
    A = arrays(demo_graph)
    clusters = supply_clusters(demo_graph)
    members = cluster_members(demo_graph)
    outside = np.ones(A.n, dtype=bool)
    outside[A.index(members["id"])] = False
    leftover_labels = {A.label(p) for p in np.flatnonzero(outside).tolist()}
    assert len(net.nodes) == len(clusters) + len(leftover_labels)
    assert sum(n["members"] for n in net.nodes) == A.n
    sizes = sorted(n["members"] for n in net.nodes if n["group"] == "cluster")
    assert sizes == sorted(members.groupby("cluster").size().tolist())
    assert net.stats["aggregated"] and net.options["physics"]["enabled"] is True
    assert any("Aggregated: 2,021 nodes" in note for note in net.notes)
    assert any("Synthetic demo data" in note for note in net.notes)


@pytest.mark.parametrize("group_by", ["label", "city", "industry"])
def test_whole_graph_other_groupings(chain: EcosystemGraph, group_by: str) -> None:
    net = viz.whole_graph(chain, max_nodes=3, group_by=group_by)
    # no cities or industries in this graph: those groupings fall back to labels
    assert sorted(n["members"] for n in net.nodes) == [1, 5]
    assert pairs(net) == {("group:0", "group:1")}


def test_groups_by_city_count_each_type_of_link_between_them() -> None:
    G = make_graph(
        {
            "Enterprise": [{"id": i, "name": i} for i in ("a", "b", "c")],
            "ResearchInstitute": [{"id": "r", "name": "r"}],
            "Region": [
                {"id": "zz", "name": "郑州市", "level": "city"},
                {"id": "ly", "name": "洛阳市", "level": "city"},
            ],
        },
        {
            "SUPPLIES": [("a", "c"), ("b", "c"), ("a", "b")],
            "COLLABORATES_WITH": [("a", "r")],
            "LOCATED_IN": [("a", "zz"), ("b", "zz"), ("c", "ly"), ("r", "ly")],
        },
    )
    net = viz.whole_graph(G, max_nodes=2, group_by="city")
    # the two cities hold every node, their Region nodes included
    by_name = {n["title"].split("\n")[0]: n for n in net.nodes}
    assert set(by_name) == {"郑州市", "洛阳市"}
    zz, ly = by_name["郑州市"], by_name["洛阳市"]
    assert (zz["members"], ly["members"]) == (3, 3)
    assert (
        f"企业 2; {NODE_LABELS['Region'].zh} 1" in zz["title"]
        and "组内连接 links inside: 3" in zz["title"]
    )
    assert "企业 1; 科研机构 1" in ly["title"] and "组内连接 links inside: 2" in ly["title"]
    (edge,) = net.edges
    assert {edge["from"], edge["to"]} == {zz["id"], ly["id"]}
    assert edge["title"].split("\n") == [
        "3 条连接 links",
        f"{EDGE_TYPES['SUPPLIES'].zh} {EDGE_TYPES['SUPPLIES'].en}: 2",
        f"{EDGE_TYPES['COLLABORATES_WITH'].zh} {EDGE_TYPES['COLLABORATES_WITH'].en}: 1",
    ]


def test_links_between_groups_are_counted_alike_in_place_and_sorted() -> None:
    from innokg.viz.overview import _count_keys

    keys = np.array([7, 3, 7, 0, 3, 7, 99])
    for bound in (100, 10**9):  # a table of counters, or a sort
        found, n = _count_keys(keys, bound)
        assert found.tolist() == [0, 3, 7, 99] and n.tolist() == [1, 2, 3, 1]


def test_too_many_groups_are_folded(chain: EcosystemGraph) -> None:
    net = viz.whole_graph(chain, max_nodes=1, group_by="label")
    assert len(net.nodes) == 1 and net.nodes[0]["members"] == 6
    assert "其余 2 个较小的组合并为一组 · 2 smaller groups folded into one" in net.notes


def test_many_clusters_are_grouped_by_place(demo_graph: EcosystemGraph) -> None:
    profiles = supply_clusters(demo_graph)
    place = [
        m or str(lb).split(" · ")[0]
        for m, lb in zip(profiles["main_city"], profiles["label"], strict=True)
    ]
    by_place = profiles.assign(place=place).groupby("place")
    flat = viz.whole_graph(demo_graph)  # 18 clusters: within the default of 60
    assert sum(n["group"] == "cluster" for n in flat.nodes) == len(profiles)
    net = viz.whole_graph(demo_graph, max_groups=5)
    groups = {n["label"].split("\n")[0]: n for n in net.nodes if n["group"] == "place"}
    assert set(groups) == {f"{p} · {len(df)} 个集群" for p, df in by_place}
    for p, df in by_place:
        node = groups[f"{p} · {len(df)} 个集群"]
        assert node["members"] == df["size"].sum()
        listed = re.findall(r"^集群 (\d+) · ", node["title"], re.M)
        assert listed == [
            str(c) for c in df.sort_values("size", ascending=False, kind="stable")["cluster"][:8]
        ]
    others = [n for n in net.nodes if n["group"] != "place"]
    assert {n["group"] for n in others} == {"label"}  # the rest, by label, as before
    assert sum(n["members"] for n in net.nodes) == arrays(demo_graph).n
    assert any("Grouped hierarchically" in note for note in net.notes)
    assert "a place's supply-chain clusters" in {item.text.split(" ", 1)[1] for item in net.legend}


def test_a_cluster_view_without_clusters_says_why() -> None:
    G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]})
    with pytest.raises(QueryError) as caught:
        viz.cluster_view(G, 1)
    assert str(caught.value) == (
        "no cluster 1: the graph has no supply-chain cluster of 3 or more firms (clusters come "
        "from SUPPLIES links, or from products through PRODUCES / UPSTREAM_OF)"
    )


def test_whole_graph_sample_keeps_the_best_connected(demo_graph: EcosystemGraph) -> None:
    net = viz.whole_graph(demo_graph, max_nodes=300, overflow="sample")
    A = arrays(demo_graph)
    degree = np.zeros(A.n, dtype=int)
    for etype in demo_graph.edges:
        src, dst = A.edges(etype)
        np.add.at(degree, src, 1)
        np.add.at(degree, dst, 1)
    threshold = np.sort(degree)[-300]
    shown = A.index(sorted(ids(net)))
    assert len(shown) == 300 and degree[shown].min() >= threshold
    assert net.options["physics"]["enabled"] is True  # 300 nodes: physics still allowed
    assert any("Sample: the 300 best-connected of 2,021" in note for note in net.notes)
    big = viz.whole_graph(demo_graph, max_nodes=1000, overflow="sample")
    assert len(big.nodes) == 1000 and big.options["physics"]["enabled"] is False
    assert big.options["edges"]["smooth"] is False


def test_cluster_view_marks_roles(demo_graph: EcosystemGraph) -> None:
    members = cluster_members(demo_graph, 3)
    net = viz.cluster_view(demo_graph, 3)
    assert set(members["id"]) <= ids(net)
    assert {n["group"] for n in net.nodes} <= {
        "Enterprise",
        "Product",
        "ResearchInstitute",
        "Alliance",
        "Fund",
        "Platform",
    }
    leader = members.loc[members["role"] == "chain_leader", "id"].item()
    node = next(n for n in net.nodes if n["id"] == leader)
    assert node["color"]["border"] == "#b8860b" and "链主" in node["title"]
    bare = viz.cluster_view(demo_graph, 3, context=False)
    assert ids(bare) == set(members["id"])
    with pytest.raises(QueryError, match="no cluster 999"):
        viz.cluster_view(demo_graph, 999)


def test_a_cut_keeps_the_supply_backbone_in_order() -> None:
    # 12 is the leader; 11 and 13 supply it (11 has more links), 14 supplies 11, 12
    # supplies 15; 10 and 16 have no supply link inside; 99 is outside the cluster.
    src = np.array([11, 13, 14, 12, 99, 11])
    dst = np.array([12, 12, 11, 15, 12, 11])
    members = np.array([10, 11, 12, 13, 14, 15, 16])
    assert _backbone(members, 12, src, dst).tolist() == [12, 11, 13, 14, 15, 10, 16]
    # a leader with one supplier: that supplier, then its own suppliers, then the rest
    assert _backbone(members, 15, src, dst).tolist() == [15, 12, 11, 13, 14, 10, 16]
    # without a leader: the member with the most supply links inside (12) comes first
    assert _backbone(members, -1, src, dst).tolist() == [12, 11, 13, 14, 15, 10, 16]


@pytest.mark.parametrize("cluster", [1, 2, 3])
def test_a_cut_cluster_view_draws_connected_members(
    demo_graph: EcosystemGraph, cluster: int
) -> None:
    members = cluster_members(demo_graph, cluster)
    leader = members.loc[members["role"] == "chain_leader", "id"].item()
    net = viz.cluster_view(demo_graph, cluster, max_nodes=10, context=False)
    shown = ids(net)
    assert len(shown) == 10 and leader in shown
    supplies = demo_graph.edges["SUPPLIES"]
    inside = supplies[
        supplies["from_id"].isin(members["id"]) & supplies["to_id"].isin(members["id"])
    ]
    tier1 = set(inside.loc[inside["to_id"] == leader, "from_id"])
    assert tier1 <= shown or shown - {leader} <= tier1  # the leader's suppliers come first
    drawn = inside[inside["from_id"].isin(shown) & inside["to_id"].isin(shown)]
    assert set(drawn["from_id"]) | set(drawn["to_id"]) == shown  # no member left alone
    assert any("its suppliers and theirs first" in note for note in net.notes)


def test_layout_is_deterministic(demo_graph: EcosystemGraph) -> None:
    a = viz.cluster_view(demo_graph, 5)
    b = viz.cluster_view(demo_graph, 5)
    assert [(n["x"], n["y"]) for n in a.nodes] == [(n["x"], n["y"]) for n in b.nodes]


# --- the style tables ----------------------------------------------------------------------


def test_every_label_and_edge_type_has_a_style() -> None:
    # A label without a style would fail every view that meets it (KeyError); an edge
    # type without a colour would be drawn grey and missing from the legend.
    assert set(viz.LABEL_STYLE) == set(NODE_LABELS)
    assert set(viz.EDGE_COLOURS) == set(EDGE_TYPES)
    fallback = _legend_icon(viz.LegendItem("dot", "#000000", ""))
    for label, (colour, shape) in viz.LABEL_STYLE.items():
        assert re.fullmatch(r"#[0-9a-f]{6}", colour), label
        icon = _legend_icon(viz.LegendItem(shape, "#000000", ""))
        assert shape == "dot" or icon != fallback, f"{label}: no legend icon for {shape}"
    for etype, column in _EDGE_DETAIL.items():
        assert column in {p.name for p in EDGE_TYPES[etype].props}, etype


def test_every_node_and_edge_of_the_demo_is_styled(demo_graph: EcosystemGraph) -> None:
    net = viz.whole_graph(demo_graph, max_nodes=10_000, physics_limit=0)
    present = {str(lb) for lb in NODE_LABELS if len(demo_graph.nodes[lb])}
    assert {n["group"] for n in net.nodes} == present
    colours = {c.lower() for c in viz.EDGE_COLOURS.values()}
    assert {e["color"] for e in net.edges} <= colours
    legend = {item.text for item in net.legend}
    assert {f"{NODE_LABELS[lb].zh} {NODE_LABELS[lb].en}" for lb in present} <= legend


# --- the page ----------------------------------------------------------------------------


def test_page_is_self_contained_and_escaped(hostile: EcosystemGraph, tmp_path: Path) -> None:
    net = viz.neighbourhood(hostile, "h0", depth=1)
    page = viz.page_html(net)
    for name in HOSTILE:
        assert name not in page
    assert "window.__pwned" in page  # present, but only as escaped data and text
    assert page.count("</script>") == 3  # the data block, vis-network, the page's own script
    assert not re.search(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=", page, re.I)
    assert not re.search(r"url\(\s*(?!['\"]?data:)", page)  # CSS loads nothing either
    assert "@import" not in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src 'none'" in html.unescape(csp.group(1))
    assert "connect-src 'none'" in html.unescape(csp.group(1))
    data = re.search(r'<script id="innokg-data" type="application/json">(.*?)</script>', page)
    assert data is not None
    payload = json.loads(data.group(1))
    assert sorted(n["label"] for n in payload["nodes"]) == sorted(_short(n) for n in HOSTILE)
    heading = re.search(r"<h1>(.*?)</h1>", page)
    assert heading and "&lt;img src=x onerror=" in heading.group(1)


def test_every_way_to_write_a_network_uses_the_safe_page(
    chain: EcosystemGraph, tmp_path: Path
) -> None:
    net = viz.whole_graph(chain)
    assert net.generate_html() == viz.page_html(net)
    net.write_html(str(tmp_path / "a.html"))
    net.save_graph(str(tmp_path / "b.html"))
    for name in ("a.html", "b.html"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert text == viz.page_html(net)
        assert "bootstrap" not in text and "jsdelivr" not in text
    frame = net._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in frame
    assert "<script>" not in frame  # the page travels escaped inside the attribute


def test_cli_defaults_match_the_module() -> None:
    assert visual.DEFAULT_MAX_NODES == viz.DEFAULT_MAX_NODES
    assert visual.DEFAULT_PHYSICS_LIMIT == viz.DEFAULT_PHYSICS_LIMIT
    assert visual.GROUPINGS == viz.GROUPINGS


def test_viz_command(demo_package: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "e.html"
    result = runner.invoke(
        main,
        [
            "viz",
            str(demo_package),
            "--around",
            "E000001",
            "--depth",
            "2",
            "--types",
            "SUPPLIES,LOCATED_IN",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.is_file() and "nodes" in result.output
    bad = runner.invoke(main, ["viz", str(demo_package), "--around", "nope", "--out", str(out)])
    assert bad.exit_code == 1 and "nothing in this graph matches 'nope'" in bad.output
    both = runner.invoke(
        main, ["viz", str(demo_package), "--around", "E000001", "--cluster", "1", "--out", str(out)]
    )
    assert both.exit_code == 2
    wrong = runner.invoke(main, ["viz", str(demo_package), "--out", str(tmp_path / "x.png")])
    assert wrong.exit_code == 1 and ".html" in wrong.output


# --- pages too large to open ----------------------------------------------------------------


def test_the_size_estimate_matches_real_pages(demo_graph: EcosystemGraph) -> None:
    for max_nodes in (300, 1000, 3000):
        net = viz.whole_graph(demo_graph, max_nodes=max_nodes, overflow="sample")
        real = len(viz.page_html(net).encode("utf-8"))
        guess = estimated_bytes(len(net.nodes), len(net.edges))
        assert 0.8 < guess / real < 1.25, (max_nodes, guess, real)


def test_a_page_over_the_limit_warns_shows_progress_and_suggests_what_fits(
    demo_graph: EcosystemGraph,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(size, "PAGE_SIZE_LIMIT", 1_000_000)
    with pytest.warns(viz.PageSizeWarning, match=r"--cluster ID.*--around ID") as caught:
        net = viz.whole_graph(demo_graph, max_nodes=1000, overflow="sample")
    assert len(net.nodes) == 1000  # drawn all the same
    viz.write_page(net, tmp_path / "big.html")
    err = capsys.readouterr().err
    for step in ("merge", "lay out 1,000 nodes", "describe 1,000 nodes", "build the page"):
        assert step in err, err
    assert f"write {tmp_path / 'big.html'}" in err
    message = str(caught[0].message)
    assert "1,000 nodes" in message and "limit 1 MB" in message
    fit = int(re.search(r"--max-nodes (\d+)", message).group(1))  # type: ignore[union-attr]
    assert 10 < fit < 1000
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # what the warning suggests fits
        small = viz.whole_graph(demo_graph, max_nodes=fit, overflow="sample")
        viz.write_page(small, tmp_path / "small.html")
    assert (tmp_path / "small.html").stat().st_size <= 1_000_000
    assert capsys.readouterr().err == ""  # no progress for a page that fits


def test_the_viz_command_warns_before_a_large_page(
    demo_package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(size, "PAGE_SIZE_LIMIT", 1_000_000)
    out = tmp_path / "big.html"
    args = ["viz", str(demo_package), "--overflow", "sample", "--out", str(out)]
    with pytest.warns(viz.PageSizeWarning, match="Views that fit"):
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "lay out 1,000 nodes" in result.stderr and f"write {out}" in result.stderr
    assert out.is_file() and "1,000 nodes" in result.stdout


# --- in a real browser ------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if find_chromium() is None:
        reason = "chromium is not installed (apt-get install chromium); browser tests skipped"
        print(reason)
        pytest.skip(reason)
    with Browser.launch() as b:
        yield b


@pytest.fixture(scope="module")
def timings() -> Iterator[dict[str, dict[str, Any]]]:
    record: dict[str, dict[str, Any]] = {}
    yield record
    if record:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "viz-timings.json").write_text(json.dumps(record, indent=2) + "\n")


def _views(G: EcosystemGraph) -> dict[str, viz.InnoNetwork]:
    best = candidate_partners(G, kinds=["enterprise-enterprise"], k=1).iloc[0]
    return {
        "whole-aggregated": viz.whole_graph(G),
        "whole-sample-1000": viz.whole_graph(G, max_nodes=1000, overflow="sample"),
        "around-depth2": viz.neighbourhood(G, "E000001", depth=2),
        "cluster-3": viz.cluster_view(G, 3),
        "partner": viz.partner_view(G, best["source"], best["target"]),
    }


def _open(browser: Browser, net: viz.InnoNetwork, path: Path) -> tuple[Page, float, Any]:
    """Write and open a page; the page, seconds from opening to drawn, the page's record."""
    viz.write_page(net, path)
    start = time.perf_counter()
    page = browser.open(path)
    ready = page.wait_for("window.innokgReady", timeout=180)
    return page, time.perf_counter() - start, ready


def test_each_view_draws_offline_in_chromium(
    browser: Browser,
    demo_graph: EcosystemGraph,
    tmp_path: Path,
    timings: dict[str, dict[str, Any]],
) -> None:
    for name, net in _views(demo_graph).items():
        path = tmp_path / f"{name}.html"
        page, seconds, ready = _open(browser, net, path)
        drawn = page.evaluate(
            "[network.body.data.nodes.length, network.body.data.edges.length,"
            " Object.keys(network.body.nodes).length]"
        )
        assert drawn == [len(net.nodes), len(net.edges), len(net.nodes)], name
        assert [r["url"] for r in page.requests] == [path.resolve().as_uri()], name
        assert page.exceptions == [] and page.console_errors == [], name
        page.screenshot(ARTIFACTS / f"viz-{name}.png")
        timings[name] = {
            "nodes": len(net.nodes),
            "edges": len(net.edges),
            "physics": bool(net.options["physics"]["enabled"]),
            "page_bytes": path.stat().st_size,
            "ready_ms_in_page": round(ready["ms"], 1),
            "open_to_ready_s": round(seconds, 2),
        }
        page.close()
    print(json.dumps(timings, indent=1))


def test_injected_names_stay_text_in_chromium(
    browser: Browser, hostile: EcosystemGraph, tmp_path: Path
) -> None:
    net = viz.neighbourhood(hostile, "h0", depth=1)
    page, _, _ = _open(browser, net, tmp_path / "hostile.html")
    assert page.evaluate("network.body.data.nodes.length") == len(HOSTILE)
    assert page.evaluate("document.querySelector('h1').textContent").startswith(HOSTILE[0])
    box = page.evaluate(
        "(() => { const r = document.getElementById('innokg-network').getBoundingClientRect();"
        " return [r.left, r.top]; })()"
    )
    for i, name in enumerate(HOSTILE):
        x, y = page.evaluate(
            f"(() => {{ const p = network.canvasToDOM(network.getPosition('h{i}'));"
            " return [p.x, p.y]; })()"
        )
        page.hover(box[0] + x, box[1] + y)
        tip = page.wait_for(
            "(() => { const t = document.querySelector('div.vis-tooltip');"
            " return t && t.style.visibility !== 'hidden' && t.innerText; })()",
            timeout=20,
        )
        assert tip.splitlines()[0] == name
        if i == 0:
            page.screenshot(ARTIFACTS / "viz-hostile-names.png")  # the tooltip, as text
        page.hover(box[0] + 3, box[1] + 3)  # a blank corner of the drawing
        page.wait_for(
            "(() => { const t = document.querySelector('div.vis-tooltip');"
            " return !t || t.style.visibility === 'hidden'; })()",
            timeout=20,
        )
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert (
        page.evaluate("document.querySelectorAll('img, svg[onload], script:not([id])').length") == 2
    )
    assert [r["url"] for r in page.requests] == [(tmp_path / "hostile.html").resolve().as_uri()]
    assert page.exceptions == []
    page.close()


@pytest.mark.realdata
def test_every_view_runs_on_the_real_build(shared_data, tmp_path) -> None:
    from innokg import viz as views
    from innokg.graph.ecosystem import EcosystemGraph
    from innokg.henan import build_henan

    out = tmp_path / "henan"
    build_henan(out, data=shared_data, database=False)
    G = EcosystemGraph.open(out)
    best = candidate_partners(G, kinds=["enterprise-institute"], k=1).iloc[0]
    nets = {
        "whole": views.whole_graph(G),
        "sample": views.whole_graph(G, overflow="sample", max_nodes=200),
        "city": views.whole_graph(G, group_by="city"),
        "cluster": views.cluster_view(G, 1),
        "around": views.neighbourhood(G, str(best["source"]), depth=1),
        "partner": views.partner_view(G, str(best["source"]), str(best["target"])),
    }
    for name, net in nets.items():
        page = tmp_path / f"{name}.html"
        views.write_page(net, page)
        assert page.stat().st_size > 1000 and net.stats.get("nodes", 0) > 0, name
