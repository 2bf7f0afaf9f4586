"""The Arrow copy of a package's tables (innokg.graph.mapped): read through a memory map,
the tables are the Parquet's, value for value and dtype for dtype; a copy that does not
belong to the package's tables, or cannot be read, is passed over; the Parquet stays
the truth that ``verify`` checks."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from pandas.testing import assert_frame_equal

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import PackageError
from innokg.graph.mapped import KEPT_DIR, mapped_dir, read_mapped, write_mapped
from innokg.graph.package import read_manifest, read_tables, write_package
from innokg.graph.testing import make_tables
from innokg.prepare import prepare_package

FIRMS = [
    {"id": "e1", "name": "宇通客车", "employees": 18000, "revenue": 2.7e10, "listed": True},
    {"id": "e2", "name": '=HYPERLINK("x")', "employees": None, "revenue": None},
    {"id": "e3", "name": "中铁装备", "employees": 5200, "listed": False},
]
LINKS = {
    "SUPPLIES": [
        ("e1", "e2", {"weight": 2.5, "since": 2015}),
        ("e2", "e3"),
        ("e3", "e1", {"until": 2019, "share": 0.4}),
    ],
    "LOCATED_IN": [("e1", "region:4101")],
}


def _package(tmp_path: Path) -> Path:
    out = tmp_path / "pkg"
    regions = [{"id": "region:4101", "name": "郑州市", "code": "4101"}]
    write_package(make_tables({"Enterprise": FIRMS, "Region": regions}, LINKS), out, sources=[])
    return out


def _parquet_tables(pkg: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict]:
    with monkeypatch.context() as m:
        m.setenv("INNOKG_KEEP", "0")  # the copy is not read: the Parquet tables
        nodes, edges, _ = read_tables(pkg)
    return nodes, edges


def _assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        assert_frame_equal(a[name], b[name], check_exact=True, obj=name)
        assert list(a[name].dtypes) == list(b[name].dtypes), name


def test_the_copy_gives_the_parquet_tables_dtype_for_dtype(tmp_path, monkeypatch) -> None:
    pkg = _package(tmp_path)
    parquet = _parquet_tables(pkg, monkeypatch)
    folder = write_mapped(pkg, read_manifest(pkg))
    assert folder == mapped_dir(pkg, read_manifest(pkg)) and folder.is_dir()
    assert (folder / "edges" / "SUPPLIES.arrow").is_file()
    nodes, edges, _ = read_tables(pkg)
    _assert_same(parquet[0], nodes)
    _assert_same(parquet[1], edges)
    firms = nodes["Enterprise"].set_index("id")
    assert firms.loc["e2", "name"] == '=HYPERLINK("x")'
    assert firms["employees"].isna().tolist() == [False, True, False]
    assert firms["listed"].tolist()[0] is True and pd.isna(firms.loc["e2", "listed"])
    assert edges["SUPPLIES"]["weight"].tolist()[0] == 2.5


def test_the_copy_is_what_is_read_when_present(tmp_path, monkeypatch) -> None:
    pkg = _package(tmp_path)
    write_mapped(pkg, read_manifest(pkg))
    # without verify nothing reads the Parquet once the copy is there
    (pkg / "nodes" / "Enterprise.parquet").write_bytes(b"not parquet")
    G = EcosystemGraph.open(pkg, verify=False)
    assert G.node("e1")["name"] == "宇通客车"
    # with verify, the Parquet is still checked: a damaged table is reported
    with pytest.raises(PackageError, match=r"Enterprise\.parquet does not match its checksum"):
        EcosystemGraph.open(pkg)


def test_text_is_mapped_from_the_file_not_copied(tmp_path, monkeypatch) -> None:
    firms = [{"id": f"e{i}", "name": f"河南省第{i}号装备制造有限公司"} for i in range(20_000)]
    pkg = tmp_path / "pkg"
    write_package(make_tables({"Enterprise": firms}), pkg, sources=[])
    write_mapped(pkg, read_manifest(pkg))
    text = sum(len(f["name"].encode()) + len(f["id"]) for f in firms)

    def held_by_arrow(keep: str) -> int:
        with monkeypatch.context() as m:
            m.setenv("INNOKG_KEEP", keep)
            before = pa.total_allocated_bytes()
            nodes, _, _ = read_tables(pkg)
            held = pa.total_allocated_bytes() - before
        assert len(nodes["Enterprise"]) == 20_000
        assert "河南省第19999号装备制造有限公司" in set(nodes["Enterprise"]["name"])
        return held

    # read from Parquet, the text is decoded into memory; mapped, it stays in the
    # file's pages (the numbers are in memory either way)
    assert held_by_arrow("0") - held_by_arrow("1") > 0.9 * text


def test_a_damaged_copy_is_passed_over_for_the_parquet(tmp_path, monkeypatch) -> None:
    pkg = _package(tmp_path)
    parquet = _parquet_tables(pkg, monkeypatch)
    folder = write_mapped(pkg, read_manifest(pkg))
    (folder / "edges" / "SUPPLIES.arrow").write_bytes(b"half a fil")
    (folder / "nodes" / "Region.arrow").unlink()
    nodes, edges, _ = read_tables(pkg)
    _assert_same(parquet[0], nodes)
    _assert_same(parquet[1], edges)


def test_a_copy_of_other_tables_is_never_read(tmp_path) -> None:
    pkg = _package(tmp_path)
    manifest = read_manifest(pkg)
    write_mapped(pkg, manifest)
    other = {**manifest, "files": {**manifest["files"]}}
    other["files"]["nodes/Enterprise.parquet"] = {"sha256": "0" * 64}
    assert mapped_dir(pkg, other) != mapped_dir(pkg, manifest)
    assert read_mapped(pkg, other, "nodes/Enterprise.parquet") is None
    # writing the copy for other tables removes the one that no longer matches
    (pkg / KEPT_DIR / "tables-0123456789abcdef0123").mkdir()
    write_mapped(pkg, manifest)
    assert [p.name for p in (pkg / KEPT_DIR).glob("tables-*")] == [mapped_dir(pkg, manifest).name]


def test_a_rebuild_leaves_no_copy_of_the_old_tables(tmp_path) -> None:
    pkg = _package(tmp_path)
    write_mapped(pkg, read_manifest(pkg))
    write_package(make_tables({"Enterprise": FIRMS[:1]}), pkg, sources=[])
    G = EcosystemGraph.open(pkg)
    assert G.nodes["Enterprise"]["id"].tolist() == ["e1"]
    assert not list((pkg / KEPT_DIR).glob("tables-*"))


def test_verify_refuses_to_copy_a_damaged_table(tmp_path) -> None:
    pkg = _package(tmp_path)
    manifest = read_manifest(pkg)
    (pkg / "edges" / "SUPPLIES.parquet").write_bytes(b"edited")
    with pytest.raises(PackageError, match=r"SUPPLIES\.parquet does not match its checksum"):
        write_mapped(pkg, manifest, verify=True)
    assert not (pkg / KEPT_DIR).exists()  # the package is as it was


def test_an_unreadable_table_is_reported_and_nothing_is_copied(tmp_path) -> None:
    pkg = _package(tmp_path)
    (pkg / "nodes" / "Region.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(PackageError, match=r"Region\.parquet is unreadable .*rebuild"):
        write_mapped(pkg, read_manifest(pkg))
    assert not (pkg / KEPT_DIR).exists()


def test_keeping_turned_off_writes_and_reads_no_copy(tmp_path, monkeypatch) -> None:
    pkg = _package(tmp_path)
    manifest = read_manifest(pkg)
    write_mapped(pkg, manifest)
    monkeypatch.setenv("INNOKG_KEEP", "0")
    assert read_mapped(pkg, manifest, "nodes/Enterprise.parquet") is None
    other = tmp_path / "other"
    write_package(make_tables({"Enterprise": FIRMS}), other, sources=[])
    assert write_mapped(other, read_manifest(other)) is None
    assert not (other / KEPT_DIR).exists()


def test_a_package_that_cannot_be_written_to_is_read_from_parquet(tmp_path) -> None:
    pkg = _package(tmp_path)
    (pkg / KEPT_DIR).write_text("a file where the folder would go")
    assert write_mapped(pkg, read_manifest(pkg)) is None
    assert EcosystemGraph.open(pkg).node("e3")["name"] == "中铁装备"


def test_prepare_writes_the_copy_and_later_opens_use_it(tmp_path, monkeypatch) -> None:
    pkg = _package(tmp_path)
    parquet = _parquet_tables(pkg, monkeypatch)
    steps: list[str] = []
    done = prepare_package(pkg, report=steps.append, verify=True)
    assert steps[0] == "keep the tables as Arrow files, to be memory-mapped"
    assert mapped_dir(pkg, read_manifest(pkg)).name in done.files
    G = EcosystemGraph.open(pkg)
    _assert_same(parquet[0], G.nodes)
    _assert_same(parquet[1], G.edges)
    assert G.package_fingerprint() is not None  # kept results still apply to it
    assert os.listdir(pkg / KEPT_DIR)
