"""What changed between two builds: exact on hand-made pairs, plausible year on year."""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.commands.diff import SECTION_NAMES
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.package import write_package
from innokg.graph.validate import Tables
from innokg.queries.diff import SECTIONS, as_of, graph_diff, since_section
from innokg.queries.indicators import policy_indicators
from tests.factory import make_graph


def _firms(*ids: str, **props: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": i, "name": f"企业{i}", **props.get(i, {})} for i in ids]


def _records(df: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    frame = df if columns is None else df[columns]
    return [
        {
            k: (None if v is pd.NA or (isinstance(v, float) and np.isnan(v)) else v)
            for k, v in r.items()
        }
        for r in frame.to_dict("records")
    ]


@pytest.fixture(scope="module")
def pair() -> tuple[EcosystemGraph, EcosystemGraph]:
    old = make_graph(
        {
            "Enterprise": _firms("a", "b", "c", a={"size": "medium", "employees": 300}),
            "Platform": [{"id": "p1", "name": "平台一", "kind": "maker_space"}],
        },
        {
            "SUPPLIES": [
                ("a", "b", {"product": "钢材", "weight": 1.0}),
                ("a", "c", {"product": "钢材"}),
                ("b", "c", {"product": "轴承"}),
            ],
            "ESTABLISHED": [("a", "p1")],
        },
    )
    new = make_graph(
        {
            "Enterprise": _firms("a", "b", "d", a={"size": "large", "employees": 300}),
            "Platform": [
                {"id": "p1", "name": "平台一", "kind": "maker_space", "demonstration": 2019},
                {"id": "p2", "name": "平台二", "kind": "incubator"},
            ],
            "Alliance": [{"id": "al1", "name": "联盟"}],
        },
        {
            "SUPPLIES": [
                ("a", "b", {"product": "钢材", "weight": 2.0}),
                ("b", "d", {"product": "轴承"}),
            ],
            "ESTABLISHED": [("a", "p1"), ("d", "p2")],
            "MEMBER_OF": [("a", "al1"), ("b", "al1")],
        },
    )
    return old, new


def test_nodes_and_edges_added_removed_and_changed(
    pair: tuple[EcosystemGraph, EcosystemGraph],
) -> None:
    d = graph_diff(*pair, clusters=False)
    columns = ["kind", "name", "old", "new", "added", "removed", "changed"]
    assert d.summary[columns].values.tolist() == [
        ["node", "Enterprise", 3, 3, 1, 1, 1],
        ["node", "Alliance", 0, 1, 1, 0, 0],
        ["node", "Platform", 1, 2, 1, 0, 1],
        ["edge", "SUPPLIES", 3, 2, 1, 2, 1],
        ["edge", "MEMBER_OF", 0, 2, 2, 0, 0],
        ["edge", "ESTABLISHED", 1, 2, 1, 0, 0],
    ]
    assert _records(d.nodes, ["change", "label", "id", "name", "fields"]) == [
        {"change": "added", "label": "Enterprise", "id": "d", "name": "企业d", "fields": ""},
        {"change": "changed", "label": "Enterprise", "id": "a", "name": "企业a",
         "fields": "size: medium -> large"},
        {"change": "removed", "label": "Enterprise", "id": "c", "name": "企业c", "fields": ""},
        {"change": "added", "label": "Alliance", "id": "al1", "name": "联盟", "fields": ""},
        {"change": "added", "label": "Platform", "id": "p2", "name": "平台二", "fields": ""},
        {"change": "changed", "label": "Platform", "id": "p1", "name": "平台一",
         "fields": "demonstration: (none) -> 2019"},
    ]  # fmt: skip
    edges = d.edges[d.edges["type"] == "SUPPLIES"]
    assert edges[["change", "from_name", "to_name", "key", "fields"]].values.tolist() == [
        ["added", "企业b", "企业d", "轴承", ""],
        ["changed", "企业a", "企业b", "钢材", "weight: 1 -> 2"],
        ["removed", "企业a", "企业c", "钢材", ""],
        ["removed", "企业b", "企业c", "轴承", ""],
    ]
    assert _records(d.platforms) == [
        {"id": "p2", "name": "平台二", "city": "", "kind": "incubator", "demonstration": None,
         "since": None, "run_by": "企业d"},
    ]  # fmt: skip
    assert _records(d.alliances) == [
        {"id": "al1", "name": "联盟", "city": "", "kind": "industry", "since": None, "members": 2}
    ]
    assert _records(d.demonstrations) == [
        {"label": "Platform", "id": "p1", "name": "平台一", "kind": "maker_space", "city": "",
         "demonstration": 2019, "new_node": False},
    ]  # fmt: skip
    # c is gone: its single-sourced inputs ended; d's bearing comes from b alone
    assert _records(d.single_sourced, ["change", "buyer", "input", "supplier"]) == [
        {"change": "new", "buyer": "d", "input": "轴承", "supplier": "b"},
        {"change": "ended", "buyer": "c", "input": "轴承", "supplier": "b"},
        {"change": "ended", "buyer": "c", "input": "钢材", "supplier": "a"},
    ]
    assert d.lost_suppliers.empty  # the only buyer that lost suppliers is gone itself
    assert d.counts()["nodes_added"] == 3 and d.counts()["edges_removed"] == 2


def test_a_graph_compared_with_itself_has_no_changes(
    pair: tuple[EcosystemGraph, EcosystemGraph],
) -> None:
    d = graph_diff(pair[1], pair[1], clusters=False)
    for name in ("nodes", "edges", "platforms", "alliances", "demonstrations"):
        assert getattr(d, name).empty, name
    assert d.lost_suppliers.empty and d.single_sourced.empty
    assert (d.summary[["added", "removed", "changed"]] == 0).all().all()
    assert (d.indicators["change"].fillna(0) == 0).all()


def test_source_alone_does_not_make_a_change() -> None:
    old = make_graph({"Enterprise": [{"id": "a", "name": "甲", "source": "list-2018.csv"}]})
    new = make_graph({"Enterprise": [{"id": "a", "name": "甲", "source": "list-2019.csv"}]})
    assert graph_diff(old, new, indicators=False, clusters=False).nodes.empty
    changed = graph_diff(old, new, indicators=False, clusters=False, ignore=())
    assert changed.nodes["fields"].tolist() == ["source: list-2018.csv -> list-2019.csv"]


def test_parallel_edges_pair_by_their_values() -> None:
    firms = _firms("s", "b")
    old = make_graph(
        {"Enterprise": firms},
        {"SUPPLIES": [("s", "b", {"weight": 1.0}), ("s", "b", {"weight": 2.0})]},
    )
    new = make_graph({"Enterprise": firms}, {"SUPPLIES": [("s", "b", {"weight": 2.0})]})
    d = graph_diff(old, new, indicators=False, clusters=False)
    assert _records(d.edges, ["change", "fields"]) == [{"change": "removed", "fields": ""}]


def test_lost_suppliers_and_new_single_sourced_inputs() -> None:
    firms = _firms("s1", "s2", "s3", "b", "c", b={"since": 2010})
    old = make_graph(
        {"Enterprise": firms},
        {
            "SUPPLIES": [
                ("s1", "b", {"product": "钢材"}),
                ("s2", "b", {"product": "钢材"}),
                ("s3", "b", {"product": "轴承"}),
                ("s1", "c", {"product": "钢材"}),
            ]
        },
    )
    new = make_graph(
        {
            "Enterprise": [f for f in firms if f["id"] != "s2"]
            + [{"id": "n", "name": "新企业", "since": 2020}]
        },
        {
            "SUPPLIES": [
                ("s1", "b", {"product": "钢材"}),
                ("s3", "b", {"product": "轴承", "until": 2019}),  # ended before 2020
                ("s1", "c", {"product": "钢材"}),
            ]
        },
    )
    d = graph_diff(old, new, clusters=False)
    assert (d.old["year"], d.new["year"]) == (2010, 2020)
    assert _records(d.lost_suppliers) == [
        {"buyer": "b", "buyer_name": "企业b", "input": "轴承", "supplier": "s3",
         "supplier_name": "企业s3", "supplier_gone": False, "suppliers_left": 0},
        {"buyer": "b", "buyer_name": "企业b", "input": "钢材", "supplier": "s2",
         "supplier_name": "企业s2", "supplier_gone": True, "suppliers_left": 1},
    ]  # fmt: skip
    columns = ["change", "buyer", "input", "supplier", "old_suppliers", "new_suppliers"]
    assert d.single_sourced[columns].values.tolist() == [
        ["new", "b", "钢材", "s1", 2, 1],
        ["ended", "b", "轴承", "s3", 1, 0],
    ]
    assert _records(d.edges, ["change", "from_id", "key", "fields"]) == [
        {"change": "changed", "from_id": "s3", "key": "轴承", "fields": "until: (none) -> 2019"},
        {"change": "removed", "from_id": "s2", "key": "钢材", "fields": ""},
    ]


def _clique(ids: list[str]) -> list[tuple[str, str]]:
    return list(itertools.combinations(ids, 2))


def test_clusters_split_merge_appear_and_dissolve() -> None:
    A, B, D, E = ([f"{x}{i}" for i in range(4)] for x in "abde")
    C = [f"c{i}" for i in range(8)]
    F = [f"f{i}" for i in range(5)]
    old = make_graph(
        {"Enterprise": _firms(*A, *B, *C, *E, *F)},
        {"SUPPLIES": _clique(A) + _clique(B) + _clique(C) + _clique(E) + _clique(F)},
    )
    new = make_graph(
        {"Enterprise": _firms(*A, *B, *C, *D, *E, *F)},
        {"SUPPLIES": _clique(A + B) + _clique(C[:4]) + _clique(C[4:]) + _clique(D) + _clique(F)},
    )
    events = graph_diff(old, new).clusters
    got = {
        r["event"]: (
            r["old_size"], r["new_size"], r["shared"], r["jaccard"],
            set(filter(None, r["old_leaders"].split("; "))),
            set(filter(None, r["new_leaders"].split("; "))),
        )
        for r in events.to_dict("records")
    }  # fmt: skip
    # in a clique each firm supplies every later one: the last is the chain leader
    assert got == {
        "split": (8, 8, 8, 0.5, {"企业c7"}, {"企业c3", "企业c7"}),
        "merged": (8, 8, 8, 0.5, {"企业a3", "企业b3"}, {"企业b3"}),
        "new": (0, 4, 0, 0.0, set(), {"企业d3"}),
        "dissolved": (4, 0, 0, 0.0, {"企业e3"}, set()),
        "continued": (5, 5, 5, 1.0, {"企业f4"}, {"企业f4"}),
    }
    assert events["event"].tolist() == ["split", "merged", "new", "dissolved", "continued"]
    assert events["event_zh"].tolist() == ["分裂", "合并", "新出现", "消失", "延续"]


def _coverage_graph(platforms: list[str]) -> EcosystemGraph:
    firms = [
        {"id": f, "name": f"企业{f}", "size": "large", "industrial": True}
        for f in ("x1", "x2", "y1", "z1")
    ]
    cities = [("region:4101", "郑州市", "Zhengzhou"), ("region:4103", "洛阳市", "Luoyang"),
              ("region:4105", "安阳市", "Anyang")]  # fmt: skip
    return make_graph(
        {
            "Enterprise": firms,
            "Region": [
                {"id": "region:41", "name": "河南省", "level": "province"},
                *({"id": i, "name": n, "name_en": e} for i, n, e in cities),
            ],
            "Platform": [
                {"id": f"p{f}", "name": f"平台{f}", "kind": "maker_space"} for f in platforms
            ],
            "PolicyMeasure": [
                {"id": "m3a", "name": "普及率", "article": 3, "indicator": "platform_coverage",
                 "target": 0.8, "target_unit": "share", "deadline": 2018},
            ],
        },
        {
            "LOCATED_IN": [
                ("x1", "region:4101"), ("x2", "region:4101"), ("y1", "region:4103"),
                ("z1", "region:4105"), *((i, "region:41") for i, _, _ in cities),
            ],
            "ESTABLISHED": [(f, f"p{f}") for f in platforms],
        },
    )  # fmt: skip


def test_indicator_movement_by_city_and_the_since_section() -> None:
    old, new = _coverage_graph(["x1", "z1"]), _coverage_graph(["x1", "x2"])
    d = graph_diff(old, new, clusters=False)
    rows = d.indicators[d.indicators["indicator"] == "platform_coverage"]
    columns = ["group_name", "old_value", "new_value", "change", "status"]
    assert rows[columns].values.tolist() == [
        ["河南省", 0.5, 0.5, 0.0, "still not met"],
        ["郑州市", 0.5, 1.0, 0.5, "newly met"],
        ["洛阳市", 0.0, 0.0, 0.0, "still not met"],
        ["安阳市", 1.0, 0.0, -1.0, "no longer met"],
    ]
    zh = since_section(old, new, diff=d)
    assert zh.title == "上一版图谱以来的变化"  # neither graph records a year
    assert zh.findings == [
        "节点新增 1 个、删除 1 个、变更 0 个；关系新增 1 条、删除 1 条、变更 0 条。",
        "拥有“双创”平台的大中型工业企业占比：由 50.0% 变为 50.0%（目标 80.0%，尚未达到目标）。",
        "新达到目标的城市（拥有“双创”平台的大中型工业企业占比）1 个：郑州市。",
        "新增双创平台 1 个，主要在郑州市 (1)。",
    ]
    assert [r[:1] + r[-1:] for r in zh.tables["indicators"].itertuples(index=False)] == [
        ("河南省", "尚未达到目标"), ("郑州市", "新达到目标"), ("安阳市", "不再达到目标"),
    ]  # fmt: skip
    en = since_section(old, new, diff=d, lang="en")
    assert en.findings[2] == (
        "Cities newly meeting the target for share of L&M firms that set up or operate a 双创 "
        "platform (1): Zhengzhou."
    )
    assert en.findings[3] == "New platforms: 1; most in Zhengzhou (1)."
    assert en.tables["platforms"].to_dict("records") == [
        {
            "platform": "平台x2",
            "city": "Zhengzhou",
            "kind": "maker_space",
            "set up or run by": "企业x2",
        }
    ]


def test_as_of_keeps_what_existed_then() -> None:
    G = make_graph(
        {
            "Enterprise": _firms("a", "b", b={"since": 2019}),
            "Platform": [
                {"id": "p1", "name": "甲", "since": 2015, "demonstration": 2018},
                {"id": "p2", "name": "乙", "since": 2016, "until": 2016},
            ],
            "PolicyMeasure": [{"id": "m", "name": "措施", "article": 3}],
        },
        {
            "SUPPLIES": [("a", "b"), ("b", "a")],
            "ESTABLISHED": [("a", "p1", {"since": 2018})],
            "SUPPORTED_BY": [("p1", "m", {"year": 2018})],
        },
    )
    early = as_of(G, 2017)
    assert early.nodes["Enterprise"]["id"].tolist() == ["a"]
    assert early.nodes["Platform"]["id"].tolist() == ["p1"]
    assert early.nodes["Platform"]["demonstration"].isna().all()
    assert all(early.edges[t].empty for t in ("SUPPLIES", "ESTABLISHED", "SUPPORTED_BY"))
    late = as_of(G, 2018)
    assert late.nodes["Platform"]["demonstration"].tolist() == [2018]
    assert len(late.edges["ESTABLISHED"]) == len(late.edges["SUPPORTED_BY"]) == 1
    assert G.nodes["Platform"]["demonstration"].iloc[0] == 2018  # G itself is untouched


def test_the_command_lists_the_sections_the_module_has() -> None:
    assert list(SECTION_NAMES) == list(SECTIONS)


# --- the command line --------------------------------------------------------------------------


def _package(G: EcosystemGraph, out: Path, title: str) -> Path:
    write_package(Tables(G.nodes, G.edges), out, sources=[], info={"title": title})
    return out


@pytest.fixture(scope="module")
def packages(
    pair: tuple[EcosystemGraph, EcosystemGraph], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("pair")
    return _package(pair[0], root / "old", "old"), _package(pair[1], root / "new", "new")


def _run(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_diff_command_formats(packages: tuple[Path, Path], tmp_path: Path) -> None:
    import openpyxl  # a dependency of innokg

    old, new = map(str, packages)
    shown = _run("diff", old, new, "--no-clusters").output
    assert "summary: Summary of changes · 变化概览 (6 rows)" in shown
    assert "size: medium -> large" in shown
    text = _run("diff", old, new, "--section", "summary", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["name"], r["added"], r["removed"], r["changed"]) for r in rows] == [
        ("Enterprise", "1", "1", "1"), ("Alliance", "1", "0", "0"), ("Platform", "1", "0", "1"),
        ("SUPPLIES", "1", "2", "1"), ("MEMBER_OF", "2", "0", "0"), ("ESTABLISHED", "1", "0", "0"),
    ]  # fmt: skip
    body = json.loads(_run("diff", old, new, "--no-clusters", "--format", "json").stdout)
    assert list(body["tables"]) == list(SECTIONS)
    assert body["old"]["title"] == "old" and body["new"]["package"] == new
    assert body["tables"]["platforms"][0]["id"] == "p2"
    folder = tmp_path / "csv"
    _run("diff", old, new, "--no-clusters", "--format", "csv", "--out", str(folder))
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.csv" for n in SECTIONS)
    book_path = tmp_path / "changes.xlsx"
    _run("diff", old, new, "--no-clusters", "--format", "xlsx", "--out", str(book_path))
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == ["README", "about", *SECTIONS]
    nodes = book["nodes"]
    assert nodes.freeze_panes == "A2" and nodes.auto_filter.ref == "A1:F7"
    readme = {r[0]: r[3] for r in book["README"].iter_rows(min_row=2, values_only=True)}
    assert readme["edges"] == 7 and readme["summary"] == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xlsx"], "--format xlsx needs --out"),
        (["--format", "csv"], "give --out FOLDER, or one --section"),
    ],
)
def test_diff_command_refuses_what_it_cannot_write(
    packages: tuple[Path, Path], args: list[str], message: str
) -> None:
    result = CliRunner().invoke(main, ["diff", *map(str, packages), *args])
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output


def test_diff_command_names_a_missing_package(packages: tuple[Path, Path], tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(packages[0]), str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "nope" in result.output and "Traceback" not in result.output


# --- year on year, on the demo ------------------------------------------------------------------


@pytest.mark.slow
def test_year_on_year_on_two_demo_builds(demo_graph: EcosystemGraph, tmp_path: Path) -> None:
    """The demo as it stood in 2018 against the demo of 2021 in which three supplying firms
    closed, four supply links ended in 2020 and one firm grew."""
    old = as_of(demo_graph, 2018)
    recent = as_of(demo_graph, 2021)
    supplies = recent.edges["SUPPLIES"]
    firms = recent.nodes["Enterprise"]
    suppliers = sorted(set(supplies["from_id"]) - set(supplies["to_id"]))
    closed = suppliers[:3]
    old_links = set(old.edges["SUPPLIES"][["from_id", "to_id"]].itertuples(index=False, name=None))
    ending = [
        i for i, (u, v) in enumerate(supplies[["from_id", "to_id"]].itertuples(index=False))
        if u not in closed and (u, v) in old_links
    ][:4]  # fmt: skip
    supplies = supplies.copy()
    supplies.loc[supplies.index[ending], "until"] = 2020
    medium = firms.index[(firms["size"] == "medium") & ~firms["id"].isin(closed)][0]
    firms = firms.copy()
    firms.loc[medium, "size"] = "large"
    nodes = {**recent.nodes, "Enterprise": firms[~firms["id"].isin(closed)]}
    edges = {
        t: df[~df["from_id"].isin(closed) & ~df["to_id"].isin(closed)]
        for t, df in {**recent.edges, "SUPPLIES": supplies}.items()
    }
    new = EcosystemGraph(nodes, edges)
    old_pkg = _package(old, tmp_path / "demo-2018", "demo 2018")
    new_pkg = _package(new, tmp_path / "demo-2021", "demo 2021")

    out = tmp_path / "changes.json"
    _run("diff", str(old_pkg), str(new_pkg), "--format", "json", "--out", str(out))
    body = json.loads(out.read_text(encoding="utf-8"))
    assert (body["old"]["year"], body["new"]["year"]) == (2018, 2021)
    t = {name: pd.DataFrame(rows) for name, rows in body["tables"].items()}

    summary = t["summary"].set_index("name")
    assert summary.loc["Enterprise", ["removed", "changed"]].tolist() == [3, 1]
    assert summary.loc["Enterprise", "added"] == int(
        (demo_graph.nodes["Enterprise"]["since"].between(2019, 2021)).sum()
    )
    changed = t["nodes"][t["nodes"]["change"] == "changed"]
    assert (
        "size: medium -> large" in changed.loc[changed["label"] == "Enterprise", "fields"].tolist()
    )

    # every platform since 2019 is new, every demonstration since 2019 is listed
    platforms = demo_graph.nodes["Platform"]
    assert sorted(t["platforms"]["id"]) == sorted(
        platforms.loc[platforms["since"].between(2019, 2021), "id"]
    )
    expected = []
    for label in ("Platform", "MakerTeam"):
        df = demo_graph.nodes[label]
        expected += df.loc[df["demonstration"].between(2019, 2021), "id"].tolist()
    assert sorted(t["demonstrations"]["id"]) == sorted(expected)

    # lost suppliers: the closed firms' links and the four that ended, where the buyer remains
    lost = set(zip(t["lost_suppliers"]["supplier"], t["lost_suppliers"]["buyer"], strict=True))
    remaining = set(nodes["Enterprise"]["id"])
    ended = set(supplies.iloc[ending][["from_id", "to_id"]].itertuples(index=False, name=None))
    gone = {(u, v) for u, v in old_links if u in closed and v in remaining}
    assert lost == ended | gone
    assert t["lost_suppliers"]["supplier_gone"].tolist() == [
        u in closed for u in t["lost_suppliers"]["supplier"]
    ]

    # the province's indicators then and now are those of the full demo as of each year
    province = t["indicators"][t["indicators"]["by"] == "province"].set_index("indicator")
    for year, column in ((2018, "old_value"), (2021, "new_value")):
        truth = policy_indicators(demo_graph, year=year).set_index("indicator")["value"]
        for key in ("demonstration_platforms", "demonstration_teams", "entrepreneurs"):
            assert province.loc[key, column] == truth[key], (year, key)
    assert (province.loc[["demonstration_platforms", "entrepreneurs"], "change"] > 0).all()

    # each cluster of either year appears in exactly one event; most continue
    clusters = t["clusters"]
    for side in ("old", "new"):
        ids = [c for cell in clusters[f"{side}_clusters"] if cell for c in cell.split(", ")]
        assert len(ids) == len(set(ids))
    assert set(clusters["event"]) <= {
        "continued",
        "split",
        "merged",
        "regrouped",
        "new",
        "dissolved",
    }
    assert (clusters["event"] == "continued").sum() >= len(clusters) / 2

    section = since_section(old, new, lang="en")
    assert section.title == "What changed since 2018"
    assert any(f.startswith("Supply links ended: ") for f in section.findings)


# --- the real Henan build ---------------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.slow
def test_real_henan_against_its_2018_technology_centre_list(
    shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The real build against the same build without the centres first listed in 2019:
    exactly those centres are new, the indicator counting them moves by as many, and
    the supply network (untouched) keeps every cluster."""
    from innokg.henan import build_henan

    out = tmp_path_factory.mktemp("henan-diff") / "henan"
    build_henan(out, data=shared_data, database=False)
    G = EcosystemGraph.open(out)
    platforms = G.nodes["Platform"]
    listed_2019 = set(platforms.loc[platforms["list_year"] == 2019, "id"])
    assert listed_2019, "the real data lists centres of 2019"
    old = EcosystemGraph(
        {**G.nodes, "Platform": platforms[~platforms["id"].isin(listed_2019)]},
        {
            t: df[~df["from_id"].isin(listed_2019) & ~df["to_id"].isin(listed_2019)]
            for t, df in G.edges.items()
        },
        manifest=G.manifest,
    )
    d = graph_diff(old, G)
    assert set(d.platforms["id"]) == listed_2019
    assert (d.platforms["city"] != "").all() and (d.platforms["run_by"] != "").all()
    summary = d.summary.set_index("name")
    assert summary.loc["Platform", ["added", "removed", "changed"]].tolist() == [
        len(listed_2019),
        0,
        0,
    ]
    assert set(d.edges["type"]) == {"OPERATES", "LOCATED_IN"}
    province = d.indicators[d.indicators["by"] == "province"].set_index("indicator")
    assert province.loc["national_tech_centres", "change"] == len(listed_2019)
    by_city = d.indicators[
        (d.indicators["by"] == "city") & (d.indicators["indicator"] == "national_tech_centres")
    ]
    assert by_city["change"].sum() == len(listed_2019)
    assert set(d.clusters["event"]) == {"continued"}
    assert (d.clusters["jaccard"] == 1.0).all()
    assert d.lost_suppliers.empty and d.single_sourced.empty


def test_names_from_the_data_cannot_run_in_a_spreadsheet(tmp_path: Path) -> None:
    import openpyxl  # a dependency of innokg

    hostile = '=HYPERLINK("http://example.invalid","x")'
    old = _package(make_graph({"Enterprise": _firms("a")}), tmp_path / "old", "old")
    new = _package(
        make_graph({"Enterprise": [*_firms("a"), {"id": "b", "name": hostile}]}),
        tmp_path / "new",
        "new",
    )
    text = _run("diff", str(old), str(new), "--section", "nodes", "--format", "csv").stdout
    assert [r["name"] for r in csv.DictReader(io.StringIO(text))] == ["'" + hostile]
    out = tmp_path / "d.xlsx"
    _run("diff", str(old), str(new), "--section", "nodes", "--format", "xlsx", "--out", str(out))
    sheet = openpyxl.load_workbook(out)["nodes"]
    name = sheet.cell(2, [c.value for c in sheet[1]].index("name") + 1)
    assert (name.value, name.data_type) == ("'" + hostile, "s")
