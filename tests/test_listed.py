"""The listing-table loader: listed companies, their province, and their registered city."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from innokg.graph.errors import SourceError
from innokg.loaders.listed import looks_like_listed, read_listed_source
from innokg.loaders.registry import detect_kind

HEADER = "ts_code,symbol,name,area,industry,list_date\n"


def _table(tmp_path: Path, body: str, *, bom: bool = False) -> Path:
    path = tmp_path / "stock_basic.csv"
    path.write_text(("\ufeff" if bom else "") + HEADER + body, encoding="utf-8")
    return path


def test_rows_become_listed_enterprises_placed_in_their_province(tmp_path: Path) -> None:
    path = _table(
        tmp_path,
        "600066.SH,600066,宇通客车,河南,汽车整车,1997-05-08\n"
        "000001.SZ,000001,平安银行,深圳,银行,1991-04-03\n"
        "600519.SH,600519,贵州茅台,贵州,白酒,2001-08-27\n",
        bom=True,
    )
    src = read_listed_source(path, cities=None)
    ent = src.nodes["Enterprise"]
    assert ent[["id", "name", "stock_code", "listed"]].values.tolist() == [
        ["ent:stock:600066", "宇通客车", "600066.SH", True],
        ["ent:stock:000001", "平安银行", "000001.SZ", True],
        ["ent:stock:600519", "贵州茅台", "600519.SH", True],
    ]
    located = src.edges["LOCATED_IN"]
    assert located[["to_id", "_place"]].values.tolist() == [
        ["region:41", False],
        ["region:44", False],  # 深圳 is listed apart from 广东, where it lies
        ["region:52", False],
    ]
    assert set(located["evidence"]) == {"observed"}


def test_a_registered_city_table_makes_the_place_specific(tmp_path: Path) -> None:
    path = _table(
        tmp_path,
        "600066.SH,600066,宇通客车,河南,汽车整车,1997-05-08\n"
        "000400.SZ,000400,许继电气,河南,电气设备,1997-04-18\n"
        "002321.SZ,002321,华英农业,河南,农业综合,2009-12-16\n",
    )
    cities = pd.DataFrame(
        {
            "symbol": ["600066", "000400", "002321"],
            "city": ["郑州市", "许昌市", ""],
            "county": ["", "", ""],
            "basis": ["name", "registered address", ""],
            "source_url": ["", "https://example.org/filing", ""],
        }
    )
    src = read_listed_source(path, scope="henan", cities=cities)
    located = src.edges["LOCATED_IN"].set_index("from_id")
    assert located.loc["ent:stock:600066", ["to_id", "evidence"]].tolist() == [
        "region:4101",
        "inferred",
    ]
    assert located.loc["ent:stock:000400", ["to_id", "evidence"]].tolist() == [
        "region:4110",
        "observed",
    ]
    assert "https://example.org/filing" in located.loc["ent:stock:000400", "method"]
    assert located.loc["ent:stock:002321", "to_id"] == "region:41"
    assert src.ledger.fixes["province made specific: registered city from the shipped table"] == 2


def test_scope_henan_filters_and_every_row_is_accounted_for(tmp_path: Path) -> None:
    path = _table(
        tmp_path,
        "600066.SH,600066,宇通客车,河南,汽车整车,1997-05-08\n"
        "600066.SH,600066,宇通客车,河南,汽车整车,1997-05-08\n"
        "000001.SZ,000001,平安银行,深圳,银行,1991-04-03\n"
        "BAD,12ab,坏行,河南,,\n"
        "000002.SZ,000003,错行,河南,,\n",
    )
    src = read_listed_source(path, scope="henan", cities=None)
    assert src.ledger.summary()["stock_basic.csv"] == {
        "rows": 5,
        "used": 1,
        "folded": 1,
        "rejected": 2,
        "filtered": 1,
        "skipped": 0,
    }
    assert src.ledger.rejects()[["row", "column"]].values.tolist() == [
        [5, "symbol"],
        [6, "ts_code"],
    ]


def test_detection_and_errors(tmp_path: Path) -> None:
    path = _table(tmp_path, "600066.SH,600066,宇通客车,河南,汽车整车,1997-05-08\n")
    assert looks_like_listed(path)
    assert detect_kind(path) == "listed"
    bad = tmp_path / "other.csv"
    bad.write_text("code,name\n1,x\n", encoding="utf-8")
    assert not looks_like_listed(bad)
    with pytest.raises(SourceError, match="column"):
        read_listed_source(bad)
    with pytest.raises(SourceError, match="no such file"):
        read_listed_source(tmp_path / "missing.csv")


@pytest.mark.realdata
def test_real_listing_table_places_every_henan_company(shared_data: Path) -> None:
    path = shared_data / "listed" / "stock_basic.csv"
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    henan = raw[raw["area"] == "河南"]
    src = read_listed_source(path, scope="henan")
    assert len(src.nodes["Enterprise"]) == len(henan)
    summary = src.ledger.summary()["stock_basic.csv"]
    assert summary["rows"] == len(raw)
    assert summary["used"] + summary["filtered"] + summary["rejected"] + summary["folded"] == len(
        raw
    )
    located = src.edges["LOCATED_IN"]
    assert set(located["from_id"]) == {"ent:stock:" + s for s in henan["symbol"]}
    assert located["to_id"].str.match(r"^(region:41|zone:41\d{4})").all()
