"""The registered city of every Henan listed company (loaders/data/henan_listed_cities.csv).

The table places each Henan (area 河南) company of ``../shared/data/listed/stock_basic.csv``
in one of Henan's 18 city-level statistical divisions, with the basis and public source of
each placement. These tests check it against the real data it was built from and against
``loaders/data/henan_regions.csv``; rows left empty on purpose (no source found) are allowed.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TABLE = REPO / "loaders" / "data" / "henan_listed_cities.csv"
REGIONS = REPO / "loaders" / "data" / "henan_regions.csv"
COLUMNS = ["symbol", "name", "fullname", "city", "county", "basis", "source_url"]


def _read_commented(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines))


def _table() -> list[dict[str, str]]:
    return _read_commented(TABLE)


def _regions() -> tuple[dict[str, str], dict[str, str]]:
    """(city name -> code, county name -> code) from henan_regions.csv."""
    cities: dict[str, str] = {}
    counties: dict[str, str] = {}
    for row in _read_commented(REGIONS):
        if row["level"] == "city":
            cities[row["name"]] = row["code"]
        elif row["level"] == "county":
            counties[row["name"]] = row["code"]
    return cities, counties


def _short(name: str) -> str:
    """The short form of a division name: 郑州市 -> 郑州, 博爱县 -> 博爱, 林州市 -> 林州."""
    for suffix in ("市", "县", "区"):
        if name.endswith(suffix) and len(name) > 2:
            return name[: -len(suffix)]
    return name


def test_header_comment_and_columns() -> None:
    text = TABLE.read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert 2 <= len(comments) <= 4
    assert "NBS" in " ".join(comments)
    header = next(line for line in text.splitlines() if not line.startswith("#"))
    assert header.split(",") == COLUMNS


def test_cities_and_counties_are_henan_divisions() -> None:
    cities, counties = _regions()
    assert len(cities) == 18
    for row in _table():
        if row["county"]:
            assert row["city"], row
        if not row["city"]:
            assert not row["basis"] and not row["source_url"], row
            continue
        assert row["city"] in cities, row
        if row["county"]:
            assert row["county"] in counties, row
            assert counties[row["county"]][:4] == cities[row["city"]][:4], row


def test_basis_and_sources() -> None:
    for row in _table():
        basis = row["basis"]
        assert basis in ("", "name") or basis.startswith("registered address"), row
        if basis.startswith("registered address"):
            assert row["source_url"].startswith(("http://", "https://")), row
        if basis == "name":
            assert not row["source_url"] or row["source_url"].startswith("http"), row
        if basis == "":
            assert not row["city"] and not row["source_url"], row


def test_name_rows_really_name_the_place() -> None:
    for row in _table():
        if row["basis"] != "name":
            continue
        fullname = row["fullname"]
        assert fullname, row
        assert _short(row["city"]) in fullname or (
            row["county"] and _short(row["county"]) in fullname
        ), row
        if row["county"]:
            assert _short(row["county"]) in fullname, row


def test_symbols_unique() -> None:
    symbols = [row["symbol"] for row in _table()]
    assert len(symbols) == len(set(symbols))


@pytest.mark.realdata
def test_symbols_are_exactly_the_henan_listed_companies(shared_data: Path) -> None:
    with (shared_data / "listed" / "stock_basic.csv").open(encoding="utf-8-sig") as fh:
        basic = [row for row in csv.DictReader(fh) if row["area"] == "河南"]
    expected = {row["symbol"]: row["name"] for row in basic}
    table = {row["symbol"]: row["name"] for row in _table()}
    assert table == expected


@pytest.mark.realdata
def test_fullnames_come_from_chainkg(shared_data: Path) -> None:
    fullnames: dict[str, set[str]] = {}
    with (shared_data / "chainkg" / "company.json").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                record = json.loads(line)
                code = record["code"].split(".")[0]
                fullnames.setdefault(code, set()).add(record["fullname"])
    for row in _table():
        if row["symbol"] in fullnames:
            assert row["fullname"] in fullnames[row["symbol"]], row
        else:
            assert row["fullname"] == "", row
