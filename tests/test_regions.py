"""The NBS divisions loader and the region resolver."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from innokg.graph.errors import SourceError
from innokg.graph.validate import validate_tables
from innokg.loaders.reference import henan_regions
from innokg.loaders.regions import (
    RegionResolver,
    looks_like_regions,
    normalise_code,
    read_regions_source,
    short_name,
)
from innokg.loaders.registry import detect_kind
from tests.conftest import REPO

FIXTURE = REPO / "tests" / "data" / "sources" / "regions"


def _fixture_resolver() -> RegionResolver:
    return RegionResolver(read_regions_source(FIXTURE).nodes["Region"])


# --- names and codes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("郑州市", "郑州"),
        ("河南省", "河南"),
        ("新乡县", "新乡"),
        ("金水区", "金水"),
        ("广西壮族自治区", "广西"),
        ("新疆维吾尔自治区", "新疆"),
        ("延边朝鲜族自治州", "延边"),
        ("恩施土家族苗族自治州", "恩施"),
        ("香港特别行政区", "香港"),
        ("神农架林区", "神农架"),
        ("赵县", None),  # one character left: too short to stand alone
        ("城区", None),
        ("济源", None),  # no suffix to drop
    ],
)
def test_short_name(name: str, short: str | None) -> None:
    assert short_name(name) == short


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("41", "41"),
        ("4101", "4101"),
        ("410000", "41"),
        ("410100", "4101"),
        ("410105", "410105"),
        ("410105000000", "410105"),
        ("410100000000", "4101"),
        ("region:4101", "4101"),
        (" 4101 ", "4101"),
        ("41010", None),
        ("郑州", None),
    ],
)
def test_normalise_code(text: str, code: str | None) -> None:
    assert normalise_code(text) == code


def test_resolver_rules_in_order() -> None:
    r = _fixture_resolver()
    cases = {
        "4101": ("region:4101", "code"),
        "410100": ("region:4101", "code"),
        "郑州市": ("region:4101", "name"),
        "郑州": ("region:4101", "short name"),
        "ＺＺ郑州市".removeprefix("ＺＺ"): ("region:4101", "name"),
        "河南省郑州市金水区": ("region:410105", "compound name"),
        "郑州市中原区": ("region:410102", "compound name"),
        "region:41": ("region:41", "id"),
    }
    for text, (rid, rule) in cases.items():
        got = r.resolve(text)
        assert (got.id, got.rule) == (rid, rule), text


def test_short_name_of_a_city_and_a_county_means_the_city() -> None:
    got = _fixture_resolver().resolve("新乡")
    assert got.id == "region:4107"
    assert "higher-level" in got.note


def test_ambiguous_names_resolve_only_within_a_province() -> None:
    r = _fixture_resolver()
    got = r.resolve("鼓楼区")
    assert got.id is None
    assert got.note.startswith("ambiguous: 鼓楼区 (320106), 鼓楼区 (410204)")
    assert r.resolve("鼓楼区", within="41").id == "region:410204"
    assert r.resolve("鼓楼区", within="32").id == "region:320106"


def test_unknown_places_say_why() -> None:
    r = _fixture_resolver()
    assert r.resolve("火星市").note == "no division is called '火星市'"
    assert r.resolve("东城区", within="41").note == "no division is called '东城区' in division 41"
    assert r.resolve("9999").note == "no division has the code 9999"
    assert r.resolve("").note == "empty"


def test_resolve_many_resolves_each_distinct_place_once() -> None:
    r = _fixture_resolver()
    texts = pd.Series(["郑州", "郑州", "鼓楼区", "鼓楼区", "火星市"], index=[10, 11, 12, 13, 14])
    within = pd.Series(["", "", "41", "", ""], index=texts.index)
    out = r.resolve_many(texts, within=within)
    assert out["id"].tolist() == ["region:4101", "region:4101", "region:410204", pd.NA, pd.NA]
    assert out.index.tolist() == [10, 11, 12, 13, 14]


def test_henan_resolver_is_the_shipped_table() -> None:
    r = RegionResolver.henan()
    assert len(r) == 199
    assert r.resolve("济源").id == "region:419001"
    assert r.short_name("4101") == "郑州"
    assert r.resolve("东城区").id is None


# --- the NBS loader on its fixture --------------------------------------------------------


def test_fixture_counts_and_row_accounting() -> None:
    src = read_regions_source(FIXTURE)
    assert src.rows_read == 23
    assert src.ledger.summary() == {
        "provinces.csv": {
            "rows": 4,
            "used": 3,
            "folded": 0,
            "rejected": 1,
            "filtered": 0,
            "skipped": 0,
        },
        "cities.csv": {
            "rows": 10,
            "used": 5,
            "folded": 1,
            "rejected": 2,
            "filtered": 0,
            "skipped": 2,
        },
        "areas.csv": {
            "rows": 9,
            "used": 8,
            "folded": 0,
            "rejected": 1,
            "filtered": 0,
            "skipped": 0,
        },
    }
    assert len(src.nodes["Region"]) == 16
    assert len(src.edges["LOCATED_IN"]) == 13
    assert src.ledger.reasons("rejected") == {
        "code is not the 2/4/6 digits of its level": 1,
        "code already given to another division": 1,
        "parent code does not match the code's province": 1,
        "parent division is not in the files": 1,
    }
    assert dict(src.ledger.fixes) == {
        "name: spaces or full-width characters normalised": 1,
        "county-level city administered by the province listed as a city (济源市)": 1,
    }


def test_each_quirk_of_the_fixture() -> None:
    src = read_regions_source(FIXTURE)
    region = src.nodes["Region"].set_index("id")
    parent = dict(
        zip(src.edges["LOCATED_IN"]["from_id"], src.edges["LOCATED_IN"]["to_id"], strict=True)
    )
    rejects = src.ledger.rejects().set_index(["file", "row"])["reason"].to_dict()
    # a municipality's 市辖区 is a grouping: its districts link to the province
    assert parent["region:110101"] == "region:11"
    assert "region:1101" not in region.index
    # 省直辖县级行政区划: 济源市 is a city of the province
    assert region.loc["region:419001", "level"] == "city"
    assert parent["region:419001"] == "region:41"
    # the same row twice is folded; the same code with another name is rejected
    assert region.loc["region:4111", "name"] == "漯河市"
    assert rejects[("cities.csv", 10)] == "code already given to another division"
    # a city coded in another province, a county whose city is missing, a bad code
    assert rejects[("cities.csv", 11)] == "parent code does not match the code's province"
    assert rejects[("areas.csv", 9)] == "parent division is not in the files"
    assert rejects[("provinces.csv", 5)] == "code is not the 2/4/6 digits of its level"
    # spaces inside a name go
    assert region.loc["region:411102", "name"] == "源汇区"


def test_fixture_validates_against_the_schema() -> None:
    src = read_regions_source(FIXTURE)
    tables = validate_tables(src.nodes, src.edges)
    assert len(tables.nodes["Region"]) == 16


def test_henan_scope_filters_the_rest() -> None:
    src = read_regions_source(FIXTURE, scope="henan")
    assert set(src.nodes["Region"]["code"].str[:2]) == {"41"}
    assert src.ledger.reasons("filtered") == {"outside the Henan scope": 5}


def test_detection_and_errors(tmp_path: Path) -> None:
    assert looks_like_regions(FIXTURE)
    assert detect_kind(FIXTURE) == "regions"
    (tmp_path / "provinces.csv").write_text("code,name\n41,河南省\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"missing: cities\.csv, areas\.csv"):
        read_regions_source(tmp_path)
    (tmp_path / "cities.csv").write_text("code,name\n4101,郑州市\n", encoding="utf-8")
    (tmp_path / "areas.csv").write_text("code,name,cityCode,provinceCode\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"cities\.csv: column 'provinceCode' is missing"):
        read_regions_source(tmp_path)
    with pytest.raises(SourceError, match="unknown scope 'china'"):
        read_regions_source(FIXTURE, scope="china")


# --- the real file --------------------------------------------------------------------


@pytest.mark.realdata
def test_real_divisions(shared_data: Path) -> None:
    src = read_regions_source(shared_data / "admin-divisions")
    assert src.rows_read == 31 + 342 + 2978
    nodes = src.nodes["Region"]
    assert len(nodes) == 3218
    assert nodes["level"].value_counts().to_dict() == {"county": 2833, "city": 354, "province": 31}
    # the county-level codes 71-79 are development zones, Zones of their own
    zones = src.nodes["Zone"]
    assert len(zones) == 124
    assert zones["kind"].value_counts().to_dict() == {
        "economic_development_zone": 88,
        "high_tech_zone": 26,
        "industrial_park": 4,
        "urban_rural_demonstration_zone": 4,
        "comprehensive_pilot_zone": 1,
        "industrial_cluster": 1,
    }
    assert len(src.edges["LOCATED_IN"]) == 3311
    assert src.ledger.reasons("skipped") == {
        "grouping row (市辖区/县/省直辖县级行政区划), not a city: "
        "its counties link to the province": 9
    }
    assert src.ledger.reasons("rejected") == {}
    assert dict(src.ledger.fixes) == {
        "county-level city administered by the province listed as a city (济源市)": 21
    }
    r = RegionResolver(nodes)
    assert r.resolve("郑州").id == "region:4101"
    assert r.resolve("朝阳").id == "region:2113"  # 朝阳市, over the districts 朝阳区
    assert r.resolve("鼓楼区").id is None
    assert r.resolve("鼓楼区", within="41").id == "region:410204"


@pytest.mark.realdata
def test_shipped_henan_table_agrees_with_the_nbs_files(shared_data: Path) -> None:
    src = read_regions_source(shared_data / "admin-divisions", scope="henan")
    assert len(src.nodes["Zone"]) == 24
    nbs = (
        pd.concat([src.nodes["Region"], src.nodes["Zone"].assign(level="county")])
        .set_index("code")[["name", "level"]]
        .sort_index()
    )
    parent = dict(
        zip(
            src.edges["LOCATED_IN"]["from_id"].str.replace(r"^(region|zone):", "", regex=True),
            src.edges["LOCATED_IN"]["to_id"].str.removeprefix("region:"),
            strict=True,
        )
    )
    shipped = henan_regions().set_index("code").sort_index()
    assert nbs.equals(shipped[["name", "level"]])
    assert {c: p for c, p in shipped["parent_code"].items() if p} == parent
