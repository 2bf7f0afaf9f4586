"""The canonical table reader: encodings, Parquet and workbooks, all to the same tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from innokg.graph.errors import SourceError
from innokg.graph.validate import validate_tables
from innokg.loaders.registry import detect_kind, parse_source
from innokg.loaders.tables import decode_text, read_tables_source
from tests.conftest import REPO

GOOD = REPO / "tests" / "data" / "good"


def typed(folder: Path):  # type: ignore[no-untyped-def]
    src = read_tables_source(folder)
    return src, validate_tables(src.nodes, src.edges)


def re_encode(folder: Path, encoding: str, *, bom: bool = False) -> None:
    for f in folder.rglob("*.csv"):
        data = f.read_text(encoding="utf-8").encode(encoding)
        f.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


@pytest.fixture(scope="module")
def reference():  # type: ignore[no-untyped-def]
    return typed(GOOD)[1]


def assert_same_tables(a, b) -> None:  # type: ignore[no-untyped-def]
    for label in a.nodes:
        pd.testing.assert_frame_equal(a.nodes[label], b.nodes[label])
    for etype in a.edges:
        pd.testing.assert_frame_equal(a.edges[etype], b.edges[etype])


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", True), ("gb18030", False), ("gbk", False)])
def test_encodings_give_the_same_tables(
    tmp_path: Path,
    reference,
    encoding: str,  # type: ignore[no-untyped-def]
    bom: bool,
) -> None:
    folder = tmp_path / "t"
    shutil.copytree(GOOD, folder)
    re_encode(folder, encoding, bom=bom)
    src, tables = typed(folder)
    assert_same_tables(reference, tables)
    reported = sorted(w for w in src.warnings if "GB18030" in w)
    # the encoding used is reported, never silently guessed; ASCII-only files are UTF-8 too
    expected = (
        []
        if encoding == "utf-8"
        else [
            f"{kind}/{f.name}: read as GB18030"
            for kind in ("edges", "nodes")
            for f in sorted((GOOD / kind).glob("*.csv"))
            if not f.read_text(encoding="utf-8").isascii()
        ]
    )
    assert reported == sorted(expected)
    assert len(expected) in (0, 5)


def test_detection_is_strict() -> None:
    assert decode_text("甲".encode(), "f") == ("甲", "utf-8")
    assert decode_text("甲".encode("gbk"), "f") == ("甲", "gb18030")
    with pytest.raises(SourceError, match="line 2 is neither UTF-8 nor GB18030"):
        decode_text(b"a\n\x80\xff\n", "f")


def test_parquet_tables(tmp_path: Path, reference) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "p"
    for kind in ("nodes", "edges"):
        (folder / kind).mkdir(parents=True)
        for f in (GOOD / kind).glob("*.csv"):
            df = pd.read_csv(f, dtype=str, keep_default_na=False)
            df.to_parquet(folder / kind / f"{f.stem}.parquet", index=False)
    assert_same_tables(reference, typed(folder)[1])


def test_workbook_with_a_sheet_per_table(tmp_path: Path, reference) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "graph.xlsx"
    with pd.ExcelWriter(book) as writer:
        for kind in ("nodes", "edges"):
            for f in sorted((GOOD / kind).glob("*.csv")):
                df = pd.read_csv(f, dtype=str, keep_default_na=False)
                df.to_excel(writer, sheet_name=f.stem, index=False)
    src, tables = typed(book)
    assert_same_tables(reference, tables)
    assert src.nodes["Enterprise"]["_file"].iloc[0] == "graph.xlsx[Enterprise]"


def test_workbook_errors_name_the_sheet(tmp_path: Path) -> None:
    book = tmp_path / "bad.xlsx"
    pd.DataFrame({"id": ["p1"], "name": [""], "source": ["t"]}).to_excel(
        book, sheet_name="Product", index=False
    )
    src = read_tables_source(book)
    with pytest.raises(Exception, match=r"bad.xlsx\[Product\], row 2, column 'name'"):
        validate_tables(src.nodes, src.edges)


def test_source_kinds() -> None:
    assert detect_kind(GOOD) == "tables"
    assert parse_source(f"tables:{GOOD}") == ("tables", GOOD)
    with pytest.raises(SourceError, match="unknown source kind 'tabels'"):
        parse_source(f"tabels:{GOOD}")
    with pytest.raises(SourceError, match="no such file or folder"):
        parse_source("/no/such/folder")
