"""``innokg henan``: the real Henan graph, checked against the source files themselves."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.graph.ecosystem import EcosystemGraph
from innokg.henan import build_henan
from innokg.loaders.regions import short_name
from innokg.loaders.shipped import shipped_path
from innokg.queries.arrays import arrays

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def henan(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("henan") / "henan"
    result = CliRunner().invoke(main, ["henan", "--data", str(shared_data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "missing source" not in result.output
    return out


@pytest.fixture(scope="module")
def graph(henan: Path) -> EcosystemGraph:
    return EcosystemGraph.open(henan)


def _cities(G: EcosystemGraph) -> dict[str, str]:
    """Each node id -> the name of its city ('' where none)."""
    A = arrays(G)
    city = A.city()
    names = np.asarray(A.names(), dtype=object) if callable(A.names) else np.asarray(A.names)
    ids = np.asarray(A.ids, dtype=object)
    return {i: (names[c] if c >= 0 else "") for i, c in zip(ids, city, strict=True)}


def test_every_row_of_every_source_is_accounted_for(henan: Path) -> None:
    report = json.loads((henan / "load_report.json").read_text(encoding="utf-8"))
    kinds = [s["kind"] for s in report["sources"]]
    assert kinds == [
        "regions",
        "chainkg",
        "listed",
        "techcentres",
        "universities",
        "cities",
        "lq",
        "policy",
    ]
    for src in report["sources"]:
        assert src["accounted"], src["kind"]
        outcomes = src["outcomes"]
        assert sum(outcomes.values()) == src["rows_read"], src["kind"]


def test_national_technology_centres_are_in_henan_cities(
    graph: EcosystemGraph, shared_data: Path
) -> None:
    raw = pd.read_excel(
        shared_data / "techcentres" / "national_enterprise_technology_centres_2019.xlsx",
        dtype=str,
    ).fillna("")
    henan_rows = raw[raw["省份"] == "河南"]
    centres = graph.nodes["Platform"]
    centres = centres[centres["kind"] == "enterprise_tech_center"]
    assert len(centres) == len(henan_rows.drop_duplicates(["企业技术中心名称", "类型信息"]))
    city = _cities(graph)
    placed = centres[centres["id"].map(city) != ""]
    assert len(placed) >= 95
    # each centre's city is named by its address (the city, or the county or zone inside it)
    centre_names = henan_rows["企业技术中心名称"].map(lambda s: unicodedata.normalize("NFKC", s))
    address = dict(zip(centre_names, henan_rows["地址"], strict=False))
    located = graph.edges["LOCATED_IN"].set_index("from_id")["to_id"]
    names = pd.concat([graph.nodes["Region"], graph.nodes["Zone"]]).set_index("id")["name"]
    for _, row in placed.iterrows():
        text = address[re.sub(r"（分中心）$", "", row["name"])]
        place = names[located[row["id"]]]
        words = {short_name(city[row["id"]]), short_name(place) or place, place[:2]}
        assert any(w and w in text.replace("（经开）", "经济技术开发区") for w in words), (
            row["name"],
            text,
            place,
        )


def test_listed_henan_companies_sit_in_henan_cities(
    graph: EcosystemGraph, shared_data: Path
) -> None:
    listing = pd.read_csv(
        shared_data / "listed" / "stock_basic.csv", dtype=str, encoding="utf-8-sig"
    )
    henan_ids = {"ent:stock:" + s for s in listing.loc[listing["area"] == "河南", "symbol"]}
    firms = graph.nodes["Enterprise"]
    assert henan_ids <= set(firms["id"])
    city = _cities(graph)
    henan_cities = set(graph.nodes["Region"].query("level == 'city'")["name"])
    in_a_city = {i for i in henan_ids if city[i] in henan_cities}
    assert len(in_a_city) >= 85


def test_chain_companies_missing_from_the_listing_table_are_no_longer_listed(
    graph: EcosystemGraph, shared_data: Path
) -> None:
    listing = pd.read_csv(
        shared_data / "listed" / "stock_basic.csv", dtype=str, encoding="utf-8-sig"
    )
    listed_now = {"ent:stock:" + s for s in listing["symbol"]}
    firms = graph.nodes["Enterprise"]
    chain = firms[firms["source"].str.contains("chainkg:company.json", regex=False)]
    gone = chain[~chain["id"].isin(listed_now)]
    assert len(gone) > 0
    assert (gone["listed"] == False).all()  # noqa: E712 (a nullable column)
    still = chain[chain["id"].isin(listed_now)]
    assert (still["listed"] == True).all()  # noqa: E712


def test_yutong_is_one_node_running_its_centre_in_zhengzhou(graph: EcosystemGraph) -> None:
    firms = graph.nodes["Enterprise"]
    yutong = firms[firms["name"].str.contains("宇通客车")]
    assert yutong["id"].tolist() == ["ent:stock:600066"]
    sources = yutong["source"].iloc[0]
    assert "chainkg" in sources and "listed" in sources and "techcentres" in sources
    runs = graph.edges["OPERATES"].query("from_id == 'ent:stock:600066'")["to_id"].tolist()
    assert runs == ["platform:etc:郑州宇通客车股份有限公司技术中心"]
    assert _cities(graph)["ent:stock:600066"] == "郑州市"


def test_development_zones(graph: EcosystemGraph, shared_data: Path) -> None:
    areas = pd.read_csv(shared_data / "admin-divisions" / "areas.csv", dtype=str)
    henan_zones = areas[areas["code"].str.match(r"^41\d{2}7[1-9]$")]
    zones = graph.nodes["Zone"].set_index("code")
    assert len(zones) == len(henan_zones) == 24
    assert zones.loc[henan_zones["code"], "name"].tolist() == henan_zones["name"].tolist()
    city = _cities(graph)
    for zid, code in zip(zones["id"], zones.index, strict=True):
        assert city[zid], zid
        assert graph.nodes["Region"].set_index("name").loc[city[zid], "code"] == code[:4]


def test_cities_carry_their_figures(graph: EcosystemGraph) -> None:
    table = pd.read_csv(shipped_path("cn_cities_2016.csv"), dtype={"cityId": str})
    henan = table[table["cityId"].str.startswith("41")]
    regions = graph.nodes["Region"].set_index("code")
    for _, row in henan.iterrows():
        r = regions.loc[row["cityId"][:4]]
        assert (r["lon"], r["lat"]) == (row["Lon"], row["Lat"])
        assert r["population_resident"] == row["Res_pop"]
        assert r["name_en"] == row["cityName_EN"]
        assert r["gdp"] == pytest.approx(row["GDP"] / 1e8)
    # 济源 is a city of Henan's statistics but not in the city table: no figures, none invented
    assert pd.isna(regions.loc["419001", "lon"])


def test_industries_meet_across_sources(graph: EcosystemGraph) -> None:
    edges = graph.edges["IN_INDUSTRY"]
    yutong = edges[edges["from_id"] == "ent:stock:600066"]["to_id"].tolist()
    assert "industry:gbt4754:C36" in yutong
    special = graph.edges["SPECIALISES_IN"]
    assert set(special["from_id"]) <= set(graph.nodes["Region"]["id"])
    assert (special["quotient"] > 1).all() and set(special["year"]) == {2017}


def test_without_the_fetched_sources_it_builds_and_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INNOKG_DATA", str(tmp_path / "empty-cache"))
    empty = tmp_path / "data"
    empty.mkdir()
    built = build_henan(tmp_path / "out", data=empty, database=False)
    assert sorted(built.missing) == ["chainkg", "listed", "lq"]
    counts = built.result.manifest["counts"]
    assert counts["nodes"]["Platform"] == 98 and counts["nodes"]["Zone"] == 24
    result = CliRunner().invoke(
        main, ["henan", "--data", str(empty), "--out", str(tmp_path / "cli"), "--no-database"]
    )
    assert result.exit_code == 0, result.output
    assert "missing source chainkg" in result.stderr
    assert "innokg data fetch chainkg" in result.stderr
