"""The NDRC technology-centre list: centres, their hosts and where they are."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from innokg.graph.errors import SourceError
from innokg.loaders.registry import detect_kind
from innokg.loaders.shipped import shipped_path
from innokg.loaders.techcentres import read_techcentres_source

HEADER = "序号,企业技术中心名称,公司,年份,发布机构,级别,类别信息,类型信息,产业,省份,地址\n"


def _list(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "centres.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_rows_become_centres_hosts_and_places(tmp_path: Path) -> None:
    path = _list(
        tmp_path,
        "1,郑州宇通客车股份有限公司技术中心,郑州宇通客车股份有限公司,2018,发改委,国家级,"
        "国家级技术中心,,汽车,河南,河南省郑州市管城区宇通路\n"
        "2,海马汽车有限公司技术中心,海马汽车有限公司,2019,发改委,国家级,国家级技术中心,,"
        "汽车,河南,郑州经济技术开发区航海东路1689号\n"
        "3,中铝洛阳铜加工有限公司技术中心,中铝洛阳铜加工有限公司,2018,发改委,国家级,"
        "国家级技术中心,分中心,有色金属,河南,洛阳市涧西区建设路50号\n"
        "4,蔚林新材料科技股份有限公司技术中心,蔚林新材料科技股份有限公司,2019,发改委,国家级,"
        "国家级技术中心,,新材料,河南,濮阳市化工产业集聚区\n"
        "5,无址公司技术中心,无址公司,2018,发改委,国家级,国家级技术中心,,,河南,\n",
    )
    src = read_techcentres_source(path)
    platforms = src.nodes["Platform"].set_index("id")
    assert platforms.loc["platform:etc:中铝洛阳铜加工有限公司技术中心/分中心", "branch"]
    assert platforms["kind"].unique().tolist() == ["enterprise_tech_center"]
    assert platforms["list_year"].tolist() == [2018, 2019, 2018, 2019, 2018]
    operates = src.edges["OPERATES"]
    assert operates.iloc[0][["from_id", "to_id"]].tolist() == [
        "ent:etc:郑州宇通客车股份有限公司",
        "platform:etc:郑州宇通客车股份有限公司技术中心",
    ]
    hosts = src.nodes["Enterprise"].set_index("id")
    assert hosts.loc["ent:etc:郑州宇通客车股份有限公司", "_aliases"] == "宇通客车股份有限公司"
    assert hosts.loc["ent:etc:海马汽车有限公司", "_aliases"] == ""
    located = src.edges["LOCATED_IN"]
    place = dict(zip(located["from_id"], located["to_id"], strict=True))
    assert place["ent:etc:郑州宇通客车股份有限公司"] == "region:410104"  # 管城回族区
    assert place["platform:etc:海马汽车有限公司技术中心"] == "zone:410171"
    assert place["ent:etc:中铝洛阳铜加工有限公司"] == "region:410305"  # 涧西区
    assert place["ent:etc:蔚林新材料科技股份有限公司"] == "region:4109"  # 濮阳市
    assert place["ent:etc:无址公司"] == "region:41"  # no address: the province column
    assert src.ledger.warnings["地址 is empty: placed by 省份 only"] == 1
    assert set(located["evidence"]) == {"observed"}


def test_scope_duplicates_and_rejects_are_accounted_for(tmp_path: Path) -> None:
    path = _list(
        tmp_path,
        "1,甲公司技术中心,甲公司,2018,发改委,国家级,国家级技术中心,,,河南,郑州市金水区\n"
        "2,甲公司技术中心,甲公司,2018,发改委,国家级,国家级技术中心,,,河南,郑州市金水区\n"
        "3,甲公司技术中心,甲公司,2019,发改委,国家级,国家级技术中心,分中心,,河南,郑州市金水区\n"
        "4,乙公司技术中心,乙公司,2018,发改委,国家级,国家级技术中心,,,江苏,南京市\n"
        "5,,丙公司,2018,发改委,国家级,国家级技术中心,,,河南,郑州市\n",
    )
    src = read_techcentres_source(path, scope="henan")
    assert src.ledger.summary()["centres.csv"] == {
        "rows": 5,
        "used": 2,
        "folded": 1,
        "rejected": 1,
        "filtered": 1,
        "skipped": 0,
    }
    assert len(src.nodes["Enterprise"]) == 1  # 甲公司 hosts a centre and a branch centre
    assert (
        src.ledger.warnings["company hosts more than one centre in the list (one Enterprise)"] == 1
    )


def test_detection_and_errors(tmp_path: Path) -> None:
    path = _list(tmp_path, "1,甲技术中心,甲公司,2018,发改委,国家级,国家级技术中心,,,河南,郑州市\n")
    assert detect_kind(path) == "techcentres"
    bad = tmp_path / "bad.csv"
    bad.write_text("名称\n甲\n", encoding="utf-8")
    with pytest.raises(SourceError, match="企业技术中心名称"):
        read_techcentres_source(bad)


def test_the_shipped_list_places_henan_centres() -> None:
    path = shipped_path("ndrc_enterprise_technology_centres_2019.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    henan = raw[raw["省份"] == "河南"]
    src = read_techcentres_source(path, scope="henan")
    distinct = henan.assign(branch=henan["类型信息"] == "分中心")
    assert len(src.nodes["Platform"]) == len(
        distinct.drop_duplicates(["企业技术中心名称", "branch"])
    )
    placed = src.edges["LOCATED_IN"]
    centres = placed[placed["from_id"].str.startswith("platform:")]
    in_a_city = centres["to_id"].str.match(r"^(region:41\d{2}|zone:41\d{4})")
    with_address = henan[henan["地址"] != ""]
    assert in_a_city.sum() >= len(with_address) - 3


@pytest.mark.realdata
def test_the_shipped_list_equals_the_published_workbook(shared_data: Path) -> None:
    workbook = pd.read_excel(
        shared_data / "techcentres" / "national_enterprise_technology_centres_2019.xlsx",
        dtype=str,
    ).fillna("")
    shipped = pd.read_csv(
        shipped_path("ndrc_enterprise_technology_centres_2019.csv"),
        dtype=str,
        keep_default_na=False,
    )
    pd.testing.assert_frame_equal(shipped, workbook)
