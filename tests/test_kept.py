"""Results kept beside a package (innokg.queries.kept): the next command reads the
clusters and Burt's constraint instead of computing them, and never reads them for
tables other than the ones they were computed from."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.mapped import write_mapped
from innokg.graph.package import read_manifest, write_package
from innokg.graph.testing import make_tables
from innokg.queries.arrays import arrays as arrays_of
from innokg.queries.arrays import clear_cache
from innokg.queries.clusters import cluster_labels, detection, supply_clusters
from innokg.queries.gaps import constraint, structural_holes
from innokg.queries.kept import KEPT_DIR, KEPT_PER_NAME, kept

# two triangles of suppliers joined by one link, plus a hub with four contacts
FIRMS = [{"id": f"e{i}", "name": f"企业{i}"} for i in range(8)]
LINKS = [
    ("e0", "e1"),
    ("e1", "e2"),
    ("e0", "e2"),
    ("e3", "e4"),
    ("e4", "e5"),
    ("e3", "e5"),
    ("e2", "e3"),
    ("e6", "e0"),
    ("e6", "e3"),
    ("e6", "e7"),
    ("e6", "e5"),
]


def _package(tmp_path: Path, links: list[tuple[str, str]] = LINKS) -> Path:
    out = tmp_path / "pkg"
    write_package(make_tables({"Enterprise": FIRMS}, {"SUPPLIES": links}), out, sources=[])
    return out


def _files(pkg: Path, stem: str) -> list[Path]:
    return sorted((pkg / KEPT_DIR).glob(f"{stem}-*.npz"))


@pytest.fixture
def no_leiden(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("Leiden ran although the clusters were kept")

    monkeypatch.setattr(detection, "_leiden", refuse)


def test_clusters_are_kept_and_read_back_by_the_next_open(tmp_path: Path, monkeypatch) -> None:
    pkg = _package(tmp_path)
    first = supply_clusters(EcosystemGraph.open(pkg))
    assert len(_files(pkg, "clusters")) == 1
    monkeypatch.setattr(detection, "_leiden", lambda *a, **k: 1 / 0)
    again = supply_clusters(EcosystemGraph.open(pkg))
    pd.testing.assert_frame_equal(first, again)
    assert again["size"].tolist() == [3, 3]  # the two triangles, cut at their link


def test_labels_are_read_without_building_the_network(tmp_path: Path, monkeypatch) -> None:
    pkg = _package(tmp_path)
    want = cluster_labels(EcosystemGraph.open(pkg)).tolist()
    assert want == [1, 1, 1, 2, 2, 2, -1, -1]
    monkeypatch.setattr(detection, "_network", lambda *a, **k: 1 / 0)
    assert cluster_labels(EcosystemGraph.open(pkg)).tolist() == want
    previous = {"e0": 7, "e1": 7, "e2": 7}  # an earlier run's ids are still matched
    assert cluster_labels(EcosystemGraph.open(pkg), previous=previous).tolist()[:4] == [7, 7, 7, 8]


def test_each_parameter_set_has_its_own_file(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    G = EcosystemGraph.open(pkg)
    cluster_labels(G, min_size=2)
    cluster_labels(G, min_size=2, seed=7)
    cluster_labels(G, min_size=2, split=False)
    assert len(_files(pkg, "clusters")) == 3


def test_keeping_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = _package(tmp_path)
    monkeypatch.setenv("INNOKG_KEEP", "0")
    cluster_labels(EcosystemGraph.open(pkg))
    assert not (pkg / KEPT_DIR).exists()


def test_other_tables_under_the_same_package_do_not_read_it(tmp_path: Path, monkeypatch) -> None:
    pkg = _package(tmp_path)
    G = EcosystemGraph.open(pkg)
    cluster_labels(G)  # kept for the package's tables
    # a graph with the package's path and manifest but other edges (as the partner
    # evaluation's held-out splits make) has no fingerprint: it computes its own
    fewer = {**G.edges, "SUPPLIES": G.edges["SUPPLIES"].iloc[:3]}
    held_out = EcosystemGraph(G.nodes, fewer, manifest=G.manifest, path=G.path)
    assert held_out.package_fingerprint() is None
    calls = []
    real = detection._leiden
    monkeypatch.setattr(detection, "_leiden", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert cluster_labels(held_out).tolist() == [1, 1, 1, -1, -1, -1, -1, -1]
    assert calls == [1]
    assert len(_files(pkg, "clusters")) == 1


def test_edited_graph_neither_reads_nor_writes(tmp_path: Path, monkeypatch) -> None:
    pkg = _package(tmp_path)
    cluster_labels(EcosystemGraph.open(pkg))  # kept
    G = EcosystemGraph.open(pkg)
    G.edges["SUPPLIES"].loc[:, "weight"] = 5.0  # edited in place, then said so
    clear_cache(G)
    assert G.package_fingerprint() is None
    calls = []
    real = detection._leiden
    monkeypatch.setattr(detection, "_leiden", lambda *a, **k: calls.append(1) or real(*a, **k))
    cluster_labels(G)
    assert calls == [1]
    assert len(_files(pkg, "clusters")) == 1

    # a table replaced without clear_cache is caught by its identity
    H = EcosystemGraph.open(pkg)
    H.edges["SUPPLIES"] = H.edges["SUPPLIES"].copy()
    assert H.package_fingerprint() is None


def test_a_damaged_file_is_computed_again_and_replaced(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    want = cluster_labels(EcosystemGraph.open(pkg)).tolist()
    (path,) = _files(pkg, "clusters")
    path.write_bytes(b"not a zip file")
    assert cluster_labels(EcosystemGraph.open(pkg)).tolist() == want
    with np.load(path) as data:
        assert "membership" in data.files


def test_a_file_for_another_shape_is_not_trusted(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    want = cluster_labels(EcosystemGraph.open(pkg)).tolist()
    (path,) = _files(pkg, "clusters")
    np.savez(path, membership=np.zeros(2, dtype=np.int64), u=np.zeros(0), v=np.zeros(0))
    assert cluster_labels(EcosystemGraph.open(pkg)).tolist() == want


def test_a_package_that_cannot_be_written_still_answers(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    (pkg / KEPT_DIR).write_text("a file where the folder would go")
    want = cluster_labels(EcosystemGraph.from_tables(_tables())).tolist()
    assert cluster_labels(EcosystemGraph.open(pkg)).tolist() == want
    assert (pkg / KEPT_DIR).is_file()


def _tables():  # type: ignore[no-untyped-def]
    return make_tables({"Enterprise": FIRMS}, {"SUPPLIES": LINKS})


def test_a_rebuild_drops_what_was_kept(tmp_path: Path, no_leiden) -> None:
    pkg = tmp_path / "pkg"
    write_package(make_tables({"Enterprise": FIRMS}, {"SUPPLIES": LINKS}), pkg, sources=[])
    write_package(make_tables({"Enterprise": FIRMS}, {"SUPPLIES": LINKS[:3]}), pkg, sources=[])
    assert not (pkg / KEPT_DIR).exists()


def test_burt_constraint_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = _package(tmp_path)
    first = structural_holes(EcosystemGraph.open(pkg))
    assert len(_files(pkg, "burt")) == 1
    # the hub, whose four contacts are barely tied, is the least constrained
    assert sorted(first["entity"]) == ["e0", "e2", "e3", "e5", "e6"]
    assert first["entity"].iloc[-1] == "e6"
    monkeypatch.setattr(constraint, "burt_measures", lambda adj: 1 / 0)
    pd.testing.assert_frame_equal(first, structural_holes(EcosystemGraph.open(pkg)))


def test_files_per_name_are_bounded_and_readable_by_others(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    G = EcosystemGraph.open(pkg)
    for k in range(KEPT_PER_NAME + 3):
        assert kept(G, "n", {"k": k}, lambda k=k: {"x": np.array([k])})["x"].tolist() == [k]
    files = _files(pkg, "n")
    assert len(files) == KEPT_PER_NAME
    mask = os.umask(0)
    os.umask(mask)
    assert all(f.stat().st_mode & 0o777 == 0o666 & ~mask for f in files)
    assert not list((pkg / KEPT_DIR).glob(".*.tmp"))


def test_info_says_what_was_kept(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from innokg.cli import main

    pkg = _package(tmp_path)
    before = CliRunner().invoke(main, ["info", str(pkg)])
    assert before.exit_code == 0 and "kept for later" not in before.output
    G = EcosystemGraph.open(pkg)
    cluster_labels(G)
    cluster_labels(G, seed=1)
    structural_holes(G)
    after = CliRunner().invoke(main, ["info", str(pkg)])
    assert after.exit_code == 0
    assert (
        "kept for later commands: Burt's constraint (1 set), each node's city (1 set), "
        "supply-chain clusters (2 sets), edge ends' positions (1 set), "
        "the node ids checked unique (1 set)," in after.output
    )
    write_mapped(pkg, read_manifest(pkg))
    mapped = CliRunner().invoke(main, ["info", str(pkg)])
    assert (
        "the node ids checked unique (1 set), the tables as Arrow files, memory-mapped when read, "
        in mapped.output
    )


def test_edge_ends_are_kept_and_read_back(tmp_path: Path, monkeypatch) -> None:
    pkg = _package(tmp_path)
    G = EcosystemGraph.open(pkg)
    src, dst = arrays_of(G).edges("SUPPLIES")
    assert len(_files(pkg, "ends")) == 1
    from innokg.queries.id_index import IdIndex

    monkeypatch.setattr(IdIndex, "edge_ends", lambda *a, **k: 1 / 0)  # must not look up
    again = arrays_of(EcosystemGraph.open(pkg))
    assert [x.tolist() for x in again.edges("SUPPLIES")] == [src.tolist(), dst.tolist()]
    table = G.edges["SUPPLIES"]
    assert [f"e{i}" for i in src] == table["from_id"].tolist()
    assert [f"e{i}" for i in dst] == table["to_id"].tolist() and len(src) == len(LINKS)
    assert again.edges("SUPPLIES")[0].dtype == np.int64


def test_edge_ends_of_an_edited_graph_are_looked_up_again(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    G = EcosystemGraph.open(pkg)
    arrays_of(G).edges("SUPPLIES")
    G.edges["SUPPLIES"] = G.edges["SUPPLIES"].iloc[::-1].reset_index(drop=True)
    clear_cache(G)  # the tables no longer match what was kept
    src, dst = arrays_of(G).edges("SUPPLIES")
    assert [f"e{i}" for i in src] == G.edges["SUPPLIES"]["from_id"].tolist()  # reversed
    assert [f"e{i}" for i in dst] == G.edges["SUPPLIES"]["to_id"].tolist()
    assert len(_files(pkg, "ends")) == 1


def test_kept_arrays_are_mapped_in_place_and_changed_privately(tmp_path: Path) -> None:
    from innokg.queries import kept as kept_module

    arrays = {
        "ints": np.arange(7, dtype=np.int32),
        "table": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "none": np.zeros(0, dtype=np.int64),
        "text": np.array(["郑州", "洛阳"]),
        "flags": np.array([True, False]),
    }
    stored = tmp_path / "stored.npz"
    kept_module._write(stored, arrays)
    mapped = kept_module._mapped(stored)
    assert mapped is not None and not mapped["ints"].flags.owndata  # not read, mapped
    for name, want in arrays.items():
        assert mapped[name].dtype == want.dtype and np.array_equal(mapped[name], want), name
        assert mapped[name].ctypes.data % kept_module.ALIGN == 0, name  # searched in place
    with np.load(stored) as plain:  # still what np.load reads
        assert all(np.array_equal(plain[k], v) for k, v in arrays.items())
    # written by np.savez (its data at any offset): each array copied once, aligned
    odd = tmp_path / "odd.npz"
    np.savez(odd, **arrays)
    copied = kept_module._mapped(odd)
    assert copied is not None and all(x.flags.aligned for x in copied.values())
    assert all(np.array_equal(copied[k], v) for k, v in arrays.items())
    mapped["ints"][0] = 99  # the process's own copy of the page
    assert kept_module._read(stored)["ints"][0] == 0
    # a compressed file cannot be mapped: read whole, the same arrays
    packed = tmp_path / "packed.npz"
    np.savez_compressed(packed, **arrays)
    assert kept_module._mapped(packed) is None
    assert np.array_equal(kept_module._read(packed)["table"], arrays["table"])
    # a file cut short is not mapped past its end: read as damaged
    cut = tmp_path / "cut.npz"
    cut.write_bytes(stored.read_bytes()[:-40])
    assert kept_module._read(cut) is None


def test_the_degree_prior_is_kept_and_read_at_a_few_nodes(tmp_path: Path, monkeypatch) -> None:
    from innokg.queries import few_walks
    from innokg.queries.metapaths import degree_prior

    pkg = _package(tmp_path)
    want = degree_prior(arrays_of(EcosystemGraph.open(pkg)), None).copy()
    assert _files(pkg, "prior")

    def refuse(*args: object) -> None:
        raise AssertionError("counted again although the prior was kept")

    monkeypatch.setattr(few_walks, "_prior_counted", refuse)
    A = arrays_of(EcosystemGraph.open(pkg))
    nodes = np.array([0, 3, 6])
    assert few_walks.prior_of(A, None, nodes).tolist() == want[nodes].tolist()
    assert want[6] == np.log1p(4)  # the hub: four contacts


def test_info_counts_the_edges_listed_by_node_once(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from innokg.cli import main

    pkg = _package(tmp_path)
    listed = arrays_of(EcosystemGraph.open(pkg)).keep_edges_by_node()
    assert "SUPPLIES" in listed and len(listed) > 1  # every type the package holds
    out = CliRunner().invoke(main, ["info", str(pkg)]).output
    assert f"edges listed by node ({len(listed)} files)," in out
    assert "by-node-supplies" not in out


def _dated(tmp_path: Path) -> Path:
    """The package's graph with e7 founded in 2015 and the link e6->e7 made in 2016."""
    firms = [*FIRMS[:7], {**FIRMS[7], "since": 2015}]
    links: list[tuple[str, str] | tuple[str, str, dict[str, int]]] = [*LINKS[:-2], ("e6", "e5")]
    links.append(("e6", "e7", {"since": 2016}))
    out = tmp_path / "dated"
    write_package(make_tables({"Enterprise": firms}, {"SUPPLIES": links}), out, sources=[])
    return out


def test_a_year_that_leaves_nothing_out_reads_every_years_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = _dated(tmp_path)
    A = arrays_of(EcosystemGraph.open(pkg))
    assert [A.as_of(y) for y in (2014, 2015, 2016, 2030, None)] == [2014, 2015, None, None, None]
    # as of 2016 the arrays and matrices are every year's own, not copies
    assert A.matrix(("SUPPLIES",), year=2016) is A.matrix(("SUPPLIES",))
    assert A.alive(2016) is A.alive(None)
    assert A.edge_count("SUPPLIES", year=2015) == len(LINKS) - 1  # e6->e7 not yet made

    every = supply_clusters(EcosystemGraph.open(pkg))
    holes = structural_holes(EcosystemGraph.open(pkg))
    monkeypatch.setattr(detection, "_leiden", lambda *a, **k: 1 / 0)
    monkeypatch.setattr(constraint, "burt_measures", lambda adj: 1 / 0)
    G = EcosystemGraph.open(pkg)
    pd.testing.assert_frame_equal(supply_clusters(G, year=2020), every)
    pd.testing.assert_frame_equal(structural_holes(G, year=2020), holes)
    assert len(_files(pkg, "clusters")) == len(_files(pkg, "burt")) == 1
    # a year that does leave something out is computed, and kept on its own
    monkeypatch.undo()
    before = structural_holes(EcosystemGraph.open(pkg), year=2014)
    hub = before.set_index("entity").loc["e6"]
    assert (hub["degree"], round(hub["constraint"], 4)) == (3, 0.4823)  # e7 not yet there
    assert len(_files(pkg, "burt")) == 2


def test_a_graph_let_go_is_freed_with_its_arrays(tmp_path: Path) -> None:
    """The arrays (and every result cached on them) go with their graph: a process that
    opens one package after another does not hold every one it opened."""
    import copy
    import gc
    import weakref

    G = EcosystemGraph.open(_package(tmp_path))
    cluster_labels(G)  # arrays built, results cached on them
    A = arrays_of(G)
    assert arrays_of(G) is A and A.memo
    copied = copy.copy(G)  # a copy, whose tables may be edited, has arrays of its own
    assert arrays_of(copied) is not A and arrays_of(copied).G is copied
    del copied
    gone = weakref.ref(G), weakref.ref(A)
    del G, A
    gc.collect()
    assert [ref() for ref in gone] == [None, None]
