"""The graph package: round trips, atomic replacement, and refusing what it cannot trust."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import NodeNotFound, PackageError, StoreError
from innokg.graph.package import read_manifest, read_tables, write_package
from innokg.graph.schema import SCHEMA_VERSION
from innokg.graph.testing import make_graph, make_tables
from innokg.pipeline import build_demo


@pytest.fixture
def tricky():  # type: ignore[no-untyped-def]
    return make_tables(
        {
            "Enterprise": [
                {
                    "id": "e:1",
                    "name": '引号"和\\反斜杠',
                    "name_en": "line\nbreak",
                    "employees": 10**12,
                    "since": 1999,
                    "listed": True,
                    "revenue": 1.5e9,
                },
                {"id": "e:2", "name": "<script>alert(1)</script>", "size": "micro"},
            ],
            "Region": [{"id": "r", "name": "郑州市", "code": "4101"}],
        },
        {
            "SUPPLIES": [("e:1", "e:2", {"product": "=SUM(A1)", "share": 0.25, "since": 2020})],
            "LOCATED_IN": [("e:1", "r")],
        },
    )


def assert_tables_equal(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        pd.testing.assert_frame_equal(a[k], b[k], check_dtype=True)


def test_round_trip(tmp_path: Path, tricky) -> None:  # type: ignore[no-untyped-def]
    manifest = write_package(tricky, tmp_path / "pkg", sources=[{"kind": "test"}])
    nodes, edges, read_back = read_tables(tmp_path / "pkg")
    assert_tables_equal(tricky.nodes, nodes)
    assert_tables_equal(tricky.edges, edges)
    assert read_back == manifest
    assert manifest["counts"]["nodes"]["Enterprise"] == 2
    assert manifest["counts"]["edges"]["SUPPLIES"] == 1


def test_demo_round_trip(demo_package: Path) -> None:
    G = EcosystemGraph.open(demo_package)
    nodes, _, _ = read_tables(demo_package)
    assert_tables_equal(G.nodes, nodes)
    assert G.manifest["synthetic"] is True
    assert G.manifest["database"] == "graph.lbdb"
    assert (demo_package / "graph.lbdb").is_file()


def test_same_seed_same_checksums(tmp_path: Path) -> None:
    a = build_demo(tmp_path / "a", scale=1000, seed=3, database=False).manifest
    b = build_demo(tmp_path / "b", scale=1000, seed=3, database=False).manifest
    assert a["files"] == b["files"]
    for rel in a["files"]:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_rebuild_replaces_and_leaves_no_temporary_folders(tmp_path: Path, tricky) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "pkg"
    write_package(tricky, out, sources=[])
    write_package(make_tables({"Product": [{"id": "p", "name": "钢材"}]}), out, sources=[])
    assert read_manifest(out)["counts"]["nodes"]["Product"] == 1
    assert read_manifest(out)["counts"]["nodes"]["Enterprise"] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg"]


def test_a_failed_build_keeps_the_old_package(tmp_path: Path, tricky) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "pkg"
    before = write_package(tricky, out, sources=[])

    def boom(_tmp: Path) -> dict[str, str]:
        raise OSError(28, "No space left on device")

    with pytest.raises(PackageError, match="No space left on device; nothing was changed"):
        write_package(make_tables({}), out, sources=[], extra_files=boom)
    assert read_manifest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg"]


def test_never_replaces_a_folder_that_is_not_a_package(tmp_path: Path, tricky) -> None:  # type: ignore[no-untyped-def]
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.docx").write_text("draft")
    with pytest.raises(PackageError, match="not an innokg graph package; refusing to replace"):
        write_package(tricky, precious, sources=[])
    assert (precious / "chapter1.docx").read_text() == "draft"


def edit_manifest(path: Path, **changes: object) -> None:
    m = json.loads((path / "manifest.json").read_text())
    m.update(changes)
    (path / "manifest.json").write_text(json.dumps(m))


def test_refuses_a_newer_schema(tmp_path: Path, tricky) -> None:  # type: ignore[no-untyped-def]
    write_package(tricky, tmp_path / "p", sources=[])
    edit_manifest(tmp_path / "p", schema_version="2.0")
    with pytest.raises(
        PackageError,
        match=re.escape(f"built with schema 2.0, newer than this innokg's {SCHEMA_VERSION}"),
    ):
        read_tables(tmp_path / "p")


def test_refuses_paths_outside_the_package(tmp_path: Path, tricky) -> None:  # type: ignore[no-untyped-def]
    write_package(tricky, tmp_path / "p", sources=[])
    m = json.loads((tmp_path / "p" / "manifest.json").read_text())
    m["files"]["../../etc/passwd"] = {"rows": 1, "sha256": "0"}
    (tmp_path / "p" / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(
        PackageError, match=re.escape("names a file outside the package: '../../etc/passwd'")
    ):
        read_tables(tmp_path / "p")


def test_detects_an_edited_table(tmp_path: Path, tricky) -> None:  # type: ignore[no-untyped-def]
    write_package(tricky, tmp_path / "p", sources=[])
    f = tmp_path / "p" / "nodes" / "Enterprise.parquet"
    f.write_bytes(f.read_bytes()[:-10])
    with pytest.raises(
        PackageError, match=re.escape("nodes/Enterprise.parquet does not match its checksum")
    ):
        read_tables(tmp_path / "p")


@pytest.mark.parametrize("text", ["{not json", "[]", '{"format": "something-else"}'])
def test_damaged_manifest(tmp_path: Path, text: str) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "manifest.json").write_text(text)
    with pytest.raises(PackageError, match="rebuild the package"):
        read_manifest(tmp_path / "p")


def test_not_a_package(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match=r"no manifest.json \(run `innokg demo` to make one\)"):
        read_manifest(tmp_path / "missing")


def test_networkx_view(tricky) -> None:  # type: ignore[no-untyped-def]
    G = EcosystemGraph.from_tables(tricky)
    H = G.to_networkx()
    expected = nx.MultiDiGraph()
    expected.add_edges_from([("e:1", "e:2", "SUPPLIES"), ("e:1", "r", "LOCATED_IN")])
    assert nx.utils.edges_equal(H.edges(keys=True), expected.edges(keys=True))
    assert H.nodes["e:1"]["label"] == "Enterprise"
    assert H.nodes["e:1"]["employees"] == 10**12
    assert "until" not in H.nodes["e:1"]  # missing values are left out, not NaN
    assert H.edges["e:1", "e:2", "SUPPLIES"]["share"] == 0.25
    assert set(G.to_networkx(labels=["Enterprise"]).nodes) == {"e:1", "e:2"}
    assert G.label_of("r") == "Region"
    assert G.node("r")["name"] == "郑州市"
    with pytest.raises(NodeNotFound, match="no node with id 'nope'"):
        G.label_of("nope")


def test_parallel_edges_of_one_type_are_kept() -> None:
    H = make_graph(
        {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
        {"SUPPLIES": [("a", "b", {"product": "钢材"}), ("a", "b", {"product": "铝材"})]},
    ).to_networkx()
    assert sorted(d["product"] for _, _, d in H.edges(data=True)) == ["钢材", "铝材"]
    assert sorted(k for _, _, k in H.edges(keys=True)) == ["SUPPLIES", "SUPPLIES#2"]


def test_a_database_from_another_engine_version_says_so(tmp_path: Path) -> None:
    from innokg.graph.stores.embedded import EmbeddedStore, engine_version
    from innokg.pipeline import build_demo

    build_demo(tmp_path / "d", scale=500)
    manifest = read_manifest(tmp_path / "d")
    assert manifest["database_engine"] == {"name": "ladybug", "version": engine_version()}
    edit_manifest(tmp_path / "d", database_engine={"name": "ladybug", "version": "0.19.0"})
    (tmp_path / "d" / "graph.lbdb").write_bytes(b"written by another version" * 100)
    with pytest.raises(StoreError, match=r"built with ladybug 0\.19\.0 and this innokg has"):
        EmbeddedStore(tmp_path / "d" / "graph.lbdb")
