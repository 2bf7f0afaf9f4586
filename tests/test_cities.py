"""The city-figures loader: coordinates, population, GDP and patents on city Regions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from innokg.loaders.cities import FIGURE_YEARS, read_cities_source
from innokg.loaders.registry import detect_kind
from innokg.loaders.shipped import shipped_path

HEADER = (
    '"cityId","cityName_CN","cityName_EN","Lon","Lat","Regis_pop","Res_pop","GDP",'
    '"Employ_pct","Patent","SM_degree","Mob_degree","Pub_degree"\n'
)


def test_rows_become_city_figures(tmp_path: Path) -> None:
    path = tmp_path / "CN_Public.csv"
    path.write_text(
        HEADER
        + '410100,"郑州","Zhengzhou",113.472,34.626,3540000,7483000,460970770000,5.1,21153,1,2,3\n'
        + '410300,"洛阳","Luoyang",,,2050000,2606000,,1,5648,1,2,3\n'
        + '410101,"错","Wrong",113,34,1,1,1,1,1,1,1,1\n'
        + '310100,"上海","Shanghai",121.42,31.18,14500000,24161000,2.8e12,5.9,72327,1,2,3\n',
        encoding="utf-8",
    )
    src = read_cities_source(path, scope="henan")
    regions = src.nodes["Region"].drop(columns=["_file", "_row"])
    assert regions.to_dict("records")[0] == {
        "id": "region:4101",
        "name": "郑州",
        "name_en": "Zhengzhou",
        "source": "cities:CN_Public.csv",
        "level": "city",
        "code": "4101",
        "lon": 113.472,
        "lat": 34.626,
        "population_registered": 3540000,
        "population_resident": 7483000,
        "population_year": 2016,
        "gdp": 4609.7077,
        "gdp_year": 2016,
        "figures_area": "urban_districts",
        "patents": 21153,
        "patents_year": 2017,
    }
    luoyang = regions.iloc[1]
    assert pd.isna(luoyang["lon"]) and pd.isna(luoyang["gdp"])
    assert src.ledger.summary()["CN_Public.csv"] == {
        "rows": 4,
        "used": 2,
        "folded": 0,
        "rejected": 1,
        "filtered": 1,
        "skipped": 0,
    }
    assert src.ledger.warnings["coordinates missing or outside China: left empty"] == 1
    assert detect_kind(path) == "cities"


def test_figure_years_are_the_documented_ones() -> None:
    assert FIGURE_YEARS == {"population_year": 2016, "gdp_year": 2016, "patents_year": 2017}


def test_the_shipped_copy_gives_every_henan_city_with_figures() -> None:
    src = read_cities_source(shipped_path("cn_cities_2016.csv"), scope="henan")
    regions = src.nodes["Region"]
    assert len(regions) == 17  # the 17 prefecture-level cities; 济源 is not in the table
    assert regions[["lon", "lat", "population_resident", "gdp"]].notna().all().all()


@pytest.mark.realdata
def test_the_shipped_copy_equals_the_published_table(shared_data: Path) -> None:
    shipped = shipped_path("cn_cities_2016.csv").read_bytes()
    assert shipped == (shared_data / "cities" / "CN_Public.csv").read_bytes()
