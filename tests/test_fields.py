"""Industries read from names: university fields and enterprises' lines of business."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from innokg.loaders.fields import (
    enterprise_name_industries,
    name_industry_edges,
    university_fields,
)
from innokg.loaders.shipped import shipped_path
from innokg.loaders.techcentres import read_techcentres_source
from innokg.loaders.universities import read_universities_source


def _read(names: list[str], table: pd.DataFrame) -> dict[str, str]:
    orgs = pd.DataFrame({"id": names, "name": names})
    out = name_industry_edges(orgs, table, "test")
    return out.groupby("from_id")["to_id"].agg(lambda t: " ".join(t.str[-3:])).to_dict()


def test_university_fields_follow_the_rules() -> None:
    got = _read(
        [
            "河南中医药大学",
            "漯河食品工程职业大学",
            "河南理工大学",
            "郑州电子商务职业学院",
            "郑州大学",
            "商丘师范学院",
            "鹤壁能源化工职业学院",
        ],
        university_fields(),
    )
    assert got == {
        "河南中医药大学": "C27",  # 医 and 药, one division
        "漯河食品工程职业大学": "C13 C14 C15",  # 工程 is general: the food field speaks
        "河南理工大学": "C33 C34 C35 C38",  # only general terms: they count
        "郑州电子商务职业学院": "I64",  # 电子 inside 电子商务 does not count
        "鹤壁能源化工职业学院": "B06 C26 C28 C29 D44",  # two fields, their union
    }  # 郑州大学 and 商丘师范学院 name no industry field


def test_enterprise_terms() -> None:
    got = _read(
        [
            "郑州煤矿机械集团股份有限公司",
            "安阳钢铁集团有限责任公司",
            "河南羚锐集团",
            "风神轮胎股份有限公司",
        ],
        enterprise_name_industries(),
    )
    assert got == {
        "郑州煤矿机械集团股份有限公司": "C35",  # 煤矿机械, not also 机械
        "安阳钢铁集团有限责任公司": "C31",
        "风神轮胎股份有限公司": "C29",
    }


def test_edges_are_inferred_with_their_reason() -> None:
    orgs = pd.DataFrame({"id": ["x"], "name": ["郑州汽车工程职业学院"]})
    out = name_industry_edges(orgs, university_fields(), "universities:list.csv")
    assert out.to_dict("records") == [
        {
            "from_id": "x",
            "to_id": "industry:gbt4754:C36",
            "source": "universities:list.csv",
            "evidence": "inferred",
            "method": "the name names the field: 汽车",
            "confidence": 0.5,
        }
    ]
    none = name_industry_edges(
        pd.DataFrame({"id": ["y"], "name": ["许昌学院"]}), university_fields(), "s"
    )
    assert none.empty and list(none.columns) == list(out.columns)


def test_shipped_lists_get_their_fields_and_every_division_exists() -> None:
    uni = read_universities_source(shipped_path("moe_henan_universities_2025.csv"))
    edges = uni.edges["IN_INDUSTRY"]
    names = uni.nodes["ResearchInstitute"].set_index("id")["name"]
    medical = {i for i, n in names.items() if "医" in n}
    c27 = set(edges.loc[edges["to_id"] == "industry:gbt4754:C27", "from_id"])
    assert medical <= c27
    assert set(edges["to_id"]) <= set(uni.nodes["Industry"]["id"])
    centres = read_techcentres_source(
        shipped_path("ndrc_enterprise_technology_centres_2019.csv"), scope="henan"
    )
    hosts = centres.edges["IN_INDUSTRY"]
    assert set(hosts["to_id"]) <= set(centres.nodes["Industry"]["id"])
    by_host = hosts.groupby("from_id")["to_id"].agg(set).to_dict()
    ids = centres.nodes["Enterprise"].set_index("name")["id"]
    assert by_host[ids["安阳钢铁集团有限责任公司"]] == {"industry:gbt4754:C31"}
    assert "industry:gbt4754:C36" in by_host[ids["郑州宇通客车股份有限公司"]]


@pytest.mark.parametrize("table", [university_fields(), enterprise_name_industries()])
def test_tables_are_well_formed(table: pd.DataFrame) -> None:
    from innokg.loaders.crosswalk import gbt4754_divisions

    divisions = set(gbt4754_divisions()["code"])
    assert not table["keyword"].duplicated().any()
    assert set(table["scope"]) <= {"specific", "general"}
    for codes in table["divisions"]:
        assert codes.split() and set(codes.split()) <= divisions, codes


def test_data_readme_lists_the_tables() -> None:
    readme = (Path(__file__).resolve().parents[1] / "loaders" / "data" / "README.md").read_text(
        encoding="utf-8"
    )
    assert "university_fields.csv" in readme and "enterprise_name_industries.csv" in readme
