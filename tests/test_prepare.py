"""A build prepares its package for the first questions (innokg/prepare.py): the clusters
and Burt's constraint, for every year and the latest (once when the latest year leaves
nothing out), kept beside the tables; the first question then reads them instead of
computing them, and gets the same answer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from innokg import prepare as prepare_module
from innokg.cli import main
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.package import write_package
from innokg.graph.testing import make_tables
from innokg.pipeline import build_demo
from innokg.prepare import PrepareWarning, prepare_package
from innokg.queries import edge_arrays, graph_arrays, intermediates, metapaths, node_arrays
from innokg.queries.arrays import arrays
from innokg.queries.clusters import detection, profiles, supply_clusters
from innokg.queries.gaps import constraint, structural_holes
from innokg.queries.kept import KEPT_DIR
from innokg.queries.partners import candidate_partners


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _kinds(package: Path) -> list[str]:
    """The kept files' names, the edges listed by node (a file per edge type) apart."""
    files = (package / KEPT_DIR).glob("*.npz")
    return sorted(p.name.split("-")[0] for p in files if not p.name.startswith("by-node-"))


def _listed_by_node(package: Path) -> set[str]:
    """The edge types whose edges are kept listed by node."""
    return {
        p.name.split("-", 2)[2].rsplit("-", 1)[0] for p in (package / KEPT_DIR).glob("by-node-*")
    }


def _demo(out: Path, *flags: str) -> str:
    code, text = run("demo", "--scale", "800", "--no-database", "--out", str(out), *flags)
    assert code == 0, text
    return text


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("computed although the build prepared it")


def _refuse_to_compute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detection, "_leiden", _refuse)
    monkeypatch.setattr(constraint, "burt_measures", _refuse)
    monkeypatch.setattr(profiles, "_profile", _refuse)  # the cluster table's rows
    monkeypatch.setattr(metapaths, "_degree_prior", _refuse)
    monkeypatch.setattr(edge_arrays, "_listed_by_node", _refuse)


def test_a_build_prepares_and_the_first_question_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unprepared = tmp_path / "plain"
    _demo(unprepared, "--no-prepare")
    assert not (unprepared / KEPT_DIR).exists()
    want_clusters = supply_clusters(EcosystemGraph.open(unprepared))
    want_holes = structural_holes(EcosystemGraph.open(unprepared))

    out = tmp_path / "demo"
    text = _demo(out)
    assert "prepared for the first questions in" in text
    # every node and edge of the demo existed in its latest year, the brief's: the
    # graph as of 2021 is the whole graph, so one pass serves the default and the brief
    assert "(every year, which is 2021's too: every node and edge existed then)" in text
    assert _kinds(out) == ["burt", "city", "clusters", "ends", "ids", "name", "prior", "profiles"]
    assert {"supplies", "located-in", "in-industry"} <= _listed_by_node(out)

    _refuse_to_compute(monkeypatch)
    pd.testing.assert_frame_equal(supply_clusters(EcosystemGraph.open(out)), want_clusters)
    pd.testing.assert_frame_equal(structural_holes(EcosystemGraph.open(out)), want_holes)
    latest = EcosystemGraph.open(out)  # as of 2021: read, not computed, and the same
    pd.testing.assert_frame_equal(supply_clusters(latest, year=2021), want_clusters)
    pd.testing.assert_frame_equal(structural_holes(latest, year=2021), want_holes)
    # one firm's partners: the prior and the edges listed by node are read, not computed
    firm = str(latest.nodes["Enterprise"]["id"].iloc[0])
    assert len(candidate_partners(latest, node=firm)) > 0
    # the names' order, which a partner table's reasons are worded in, is read too
    want_rank = intermediates.name_rank(arrays(EcosystemGraph.open(unprepared)))
    monkeypatch.setattr(intermediates, "_rank_by_name", _refuse)
    assert (intermediates.name_rank(arrays(latest)) == want_rank).all()


def _dated_package(out: Path) -> Path:
    """Two supply triangles, a-b-c and d-e-f, joined by c->d; g supplied a and b until
    2019, and f was founded in 2021, the latest year: the graph as of 2021 is not the
    whole graph (g and its links are not in it)."""
    firms = [{"id": i, "name": i} for i in "abcde"]
    firms += [{"id": "f", "name": "f", "since": 2021}, {"id": "g", "name": "g", "until": 2019}]
    chains = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"), ("f", "d")]
    links = {"SUPPLIES": [*chains, ("c", "d"), ("g", "a"), ("g", "b")]}
    write_package(make_tables({"Enterprise": firms}, links), out, sources=[])
    return out


def test_a_latest_year_that_leaves_something_out_is_prepared_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = _dated_package(tmp_path / "plain")
    want = {y: supply_clusters(EcosystemGraph.open(plain), year=y) for y in (None, 2021)}
    want_holes = {y: structural_holes(EcosystemGraph.open(plain), year=y) for y in (None, 2021)}
    assert sorted(want[None]["size"]) == [3, 4] and sorted(want[2021]["size"]) == [3, 3]

    out = _dated_package(tmp_path / "pkg")
    done = prepare_package(out)
    assert done.years == [None, 2021] and done.latest_is_whole is None
    assert _kinds(out) == [
        *["burt", "burt", "city", "clusters", "clusters", "ends", "ids", "name"],
        *["prior", "prior", "profiles", "profiles"],
    ]
    _refuse_to_compute(monkeypatch)
    G = EcosystemGraph.open(out)
    for year in (None, 2021):  # each year's own answers, read from what was kept
        pd.testing.assert_frame_equal(supply_clusters(G, year=year), want[year])
        pd.testing.assert_frame_equal(structural_holes(G, year=year), want_holes[year])


def test_no_prepare_says_so(tmp_path: Path) -> None:
    text = _demo(tmp_path / "demo", "--no-prepare")
    assert "not prepared for the first questions: built with --no-prepare" in text


def test_large_graphs_are_left_to_innokg_prepare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prepare_module, "PREPARE_MAX_NODES", 100)
    out = tmp_path / "demo"
    text = _demo(out)
    assert "not prepared for the first questions: more than 100 nodes" in text
    assert "(its lookups are kept: the tables as Arrow files, memory-mapped by every" in text
    assert f"`innokg prepare {out}` does it now" in text
    # the lookups are cheap, and kept whatever the size; no question's answer is
    assert [p.name for p in (out / KEPT_DIR).glob("tables-*")]
    assert _kinds(out) == ["city", "ends", "ids", "name"]
    assert {"supplies", "located-in", "in-industry"} <= _listed_by_node(out)
    with monkeypatch.context() as m:  # the next command reads them, computing none
        m.setattr(edge_arrays, "_listed_by_node", _refuse)
        m.setattr(node_arrays.IdIndex, "edge_ends", _refuse)
        m.setattr(graph_arrays.GraphArrays, "_city", _refuse)
        m.setattr(intermediates, "_rank_by_name", _refuse)
        A = arrays(EcosystemGraph.open(out))
        assert A.keep_edges_by_node() and len(A.city()) == A.n
        assert len(intermediates.name_rank(A)) == A.n
    code, text = run("prepare", str(out))
    assert code == 0, text
    assert "prepared for the first questions in" in text
    assert _kinds(out) == ["burt", "city", "clusters", "ends", "ids", "name", "prior", "profiles"]
    # asked for, a large graph is prepared by the build too
    text = _demo(tmp_path / "asked", "--prepare")
    assert "prepared for the first questions in" in text


def test_keeping_off_prepares_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "demo"
    _demo(out, "--no-prepare")
    monkeypatch.setenv("INNOKG_KEEP", "0")
    code, text = run("prepare", str(out))
    assert code == 0, text
    assert "not prepared for the first questions: INNOKG_KEEP=0 turns keeping off" in text
    assert not (out / KEPT_DIR).exists()


def test_prepare_names_a_folder_that_is_not_a_package(tmp_path: Path) -> None:
    code, text = run("prepare", str(tmp_path))
    assert code == 1
    assert "is not an innokg graph package" in text and "Traceback" not in text


def test_a_failed_preparation_leaves_the_build_standing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise MemoryError("no room")

    monkeypatch.setattr(detection, "_leiden", broken)
    out = tmp_path / "demo"
    text = _demo(out)  # the command says it once, in its summary
    assert "not prepared for the first questions: it failed (no room)" in text
    assert "Warning" not in text
    with pytest.warns(PrepareWarning, match="could not prepare the first questions"):
        built = build_demo(tmp_path / "lib", scale=800, database=False)  # the library warns
    assert built.prepared.skipped.startswith("it failed (no room)")
    monkeypatch.undo()
    assert len(supply_clusters(EcosystemGraph.open(out)))  # the package is whole


def test_failed_lookups_leave_a_large_build_standing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise MemoryError("no room")

    monkeypatch.setattr(prepare_module, "PREPARE_MAX_NODES", 100)
    monkeypatch.setattr(intermediates, "_rank_by_name", broken)  # the last lookup
    out = tmp_path / "demo"
    text = _demo(out)
    assert "not prepared for the first questions: more than 100 nodes" in text
    assert "its lookups are kept" not in text and "Warning" not in text
    with pytest.warns(PrepareWarning, match="could not keep the lookups .*no room"):
        built = build_demo(tmp_path / "lib", scale=800, database=False)  # the library warns
    assert "keep the lookups" not in built.timings
    monkeypatch.undo()
    assert len(supply_clusters(EcosystemGraph.open(out)))  # the package is whole


def test_prepare_checks_the_tables_first(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    _demo(out, "--no-prepare")
    table = sorted((out / "nodes").glob("*.parquet"))[0]
    table.write_bytes(table.read_bytes()[:-16] + b"\0" * 16)  # damaged after the build
    code, text = run("prepare", str(out))
    assert code == 1 and "Traceback" not in text
    assert table.name in text
    assert not (out / KEPT_DIR).exists()  # nothing computed from a damaged table
