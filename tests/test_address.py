"""Resolving free-text addresses to Henan places (innokg.loaders.address)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from innokg.loaders.address import (
    COLUMNS,
    AddressMatch,
    AddressResolver,
    henan_places,
)

# address -> (id, level, rule, note); a None id means unresolved, the 4th item is then
# the reason.  Each rule of the module docstring has cases here.
CASES: dict[str, tuple[str | None, str | None, str | None, str]] = {
    # development zones: listed names, aliases built from them, kind words after a city
    "河南省郑州市经济技术开发区第六大街99号": ("zone:410171", "zone", "alias", ""),
    "郑州经济技术开发区航海东路1689号": ("zone:410171", "zone", "name", ""),
    "郑州经开区第八大街": ("zone:410171", "zone", "alias", ""),
    "郑州经济开发区航海东路": ("zone:410171", "zone", "alias", ""),
    "河南自贸试验区郑州片区（经开）第八大街与经南五路交叉口": (
        "zone:410171",
        "zone",
        "zone kind",
        "",
    ),
    "郑州市高新技术产业开发区长椿路23号": ("zone:410172", "zone", "alias", ""),
    "郑州高新开发区雪松路169号": ("zone:410172", "zone", "alias", ""),
    "洛阳市高新区滨河北路88号": ("zone:410371", "zone", "alias", ""),
    "中国（河南）自由贸易试验区洛阳片区高新开发区凌波路": ("zone:410371", "zone", "zone kind", ""),
    "新乡市高新区丰华路16街坊": ("zone:410771", "zone", "alias", ""),
    "河南新乡经济开发区（小冀镇）": ("zone:410772", "zone", "alias", ""),
    "新乡市城乡一体化示范区": ("zone:410773", "zone", "zone kind", ""),
    "郑州航空港区空港五路": ("zone:410173", "zone", "alias", ""),
    "航空港经济综合实验区迎宾大道": ("zone:410173", "zone", "zone kind", ""),  # the only one
    "平顶山市城乡一体化示范区": ("zone:410472", "zone", "name", ""),
    "河南省鹤壁经济技术开发区松江路003号": ("zone:410671", "zone", "name", ""),
    # unlisted zones: the place named before them, and a note
    "濮阳市化工产业集聚区": ("region:4109", "city", "name", "unlisted zone: 化工产业集聚区"),
    "郑州市郑东新区商务外环路": ("region:4101", "city", "name", "unlisted zone: 郑东新区"),
    "开封市经济技术开发区": ("region:4102", "city", "name", "unlisted zone: 经济技术开发区"),
    "鹿邑县产业集聚区、同源路1号": ("region:411628", "county", "name", "unlisted zone: 产业集聚区"),
    "中国（河南）自由贸易试验区洛阳片区周山路10号": (
        "region:4103",
        "city",
        "short name",
        "unlisted zone: 自由贸易试验区洛阳片区",
    ),
    # counties: inside the city named before them, or unique in the table
    "洛阳市涧西区建设路154号": ("region:410305", "county", "name", ""),
    "河南省洛阳市西工区唐宫中路９号": ("region:410303", "county", "name", ""),
    "许昌市魏都区七一路": ("region:411002", "county", "name", ""),
    "新乡县七里营镇": ("region:410721", "county", "name", ""),
    "新乡市红旗区": ("region:410702", "county", "name", ""),
    "新华区建设路": ("region:410402", "county", "name", ""),  # the one 新华区 of Henan
    "郑州市新华区": ("region:4101", "city", "name", "ignored 新华区: not in 郑州市"),
    "淇县思德桥北107国道东": ("region:410622", "county", "name", ""),
    "河南省新县": ("region:411523", "county", "name", ""),
    "郑州市管城区宇通路": ("region:410104", "county", "alias", ""),  # 管城回族区
    "长垣县卫华大道西段": ("region:410783", "county", "alias", ""),  # now 长垣市
    "河南长葛人民路": ("region:411082", "county", "short name", ""),
    # district short names are not places; short names are not street names
    "郑州市金水路109号": ("region:4101", "city", "name", ""),
    "中原路123号": (None, None, None, "no Henan place named"),
    "郑州路8号": (None, None, None, "no Henan place named"),
    "人民路长葛大厦": (None, None, None, "no Henan place named"),
    # cities and the province
    "中国 洛阳建设路96号": ("region:4103", "city", "short name", ""),
    "济源市济水大街": ("region:419001", "city", "name", ""),
    "河南省": ("region:41", "province", "name", ""),
    # outside Henan, empty, nothing
    "北京市海淀区中关村大街1号": (None, None, None, "outside Henan"),
    "中国广东省深圳市南山区": (None, None, None, "outside Henan"),
    "重庆市万州区机场路588号（万州经开区）": (None, None, None, "outside Henan"),
    "广州市南沙区明珠湾起步区": (None, None, None, "no Henan place named"),
    "高新区科学大道": (None, None, None, "no Henan place named"),
    "": (None, None, None, "empty address"),
    " \u3000": (None, None, None, "empty address"),
}


@pytest.fixture(scope="module")
def resolver() -> AddressResolver:
    return AddressResolver.henan()


@pytest.mark.parametrize("address", list(CASES))
def test_hand_made_addresses(resolver: AddressResolver, address: str) -> None:
    place, level, rule, last = CASES[address]
    m = resolver.resolve(address)
    assert (m.id, m.level, m.rule) == (place, level, rule)
    if place is None:
        assert (m.reason, m.note, m.matched) == (last, "", None)
    else:
        assert (m.reason, m.note) == ("", last)


def test_matched_text(resolver: AddressResolver) -> None:
    assert resolver.resolve("河南省洛阳市西工区唐宫中路９号").matched == "河南省洛阳市西工区"
    assert resolver.resolve("郑州经济技术开发区航海东路1689号").matched == "郑州经济技术开发区"
    assert resolver.resolve("濮阳市化工产业集聚区").matched == "濮阳市"
    # the matched text resolves to the same place again
    for address, (place, *_) in CASES.items():
        if place is not None:
            again = resolver.resolve(str(resolver.resolve(address).matched))
            assert again.id == place, address


def test_full_width_and_spaces_are_normalised(resolver: AddressResolver) -> None:
    half = resolver.resolve("河南省洛阳市西工区唐宫中路9号")
    assert resolver.resolve("河南省洛阳市西工区唐宫中路９号") == half
    assert resolver.resolve("河南省 洛阳市\u3000西工区 唐宫中路9号") == half
    brackets = resolver.resolve("河南自贸试验区郑州片区(经开)第十大街109号")
    assert brackets.id == "zone:410171"
    assert resolver.resolve("河南自贸试验区郑州片区（经开）第十大街１０９号") == brackets


def test_non_strings_are_empty(resolver: AddressResolver) -> None:
    empty = AddressMatch(None, None, reason="empty address")
    assert resolver.resolve(None) == empty
    assert resolver.resolve(float("nan")) == empty  # type: ignore[arg-type]


def test_resolve_many_agrees_with_resolve(resolver: AddressResolver) -> None:
    addresses = [*CASES, None, *list(CASES)[:5]]
    texts = pd.Series(addresses, index=[f"r{i}" for i in range(len(addresses))], dtype=object)
    out = resolver.resolve_many(texts)
    assert list(out.columns) == list(COLUMNS)
    assert out.index.equals(texts.index)
    for key, address in texts.items():
        row = out.loc[key]
        got = tuple(None if pd.isna(v) else v for v in row)
        assert got == tuple(vars(resolver.resolve(address)).values()), address
    assert out.loc["r0", "id"] == "zone:410171"
    assert out["reason"].eq("empty address").sum() == 3  # "", full-width space, None
    # the same column again: the same frame
    pd.testing.assert_frame_equal(resolver.resolve_many(texts), out)


def test_resolve_many_empty_series(resolver: AddressResolver) -> None:
    out = resolver.resolve_many(pd.Series([], dtype=object))
    assert out.empty
    assert list(out.columns) == list(COLUMNS)


def test_henan_places_table() -> None:
    p = henan_places().set_index("id")
    zones = p[p["level"] == "zone"]
    assert len(zones) == 24
    assert zones.index.str.fullmatch(r"zone:41\d\d7\d").all()
    assert p.loc["zone:411771", "parent"] == "region:4117"
    assert p.loc["region:410105", ["name", "level", "parent"]].tolist() == [
        "金水区",
        "county",
        "region:4101",
    ]
    assert p.loc["region:410783", "aliases"] == "长垣县"
    assert AddressResolver.henan() is AddressResolver.henan()


def _with_hebei() -> AddressResolver:
    hebei = pd.DataFrame(
        {
            "id": ["region:13", "region:1301", "region:1309", "region:130105", "region:130902"],
            "name": ["河北省", "石家庄市", "沧州市", "新华区", "新华区"],
            "level": ["province", "city", "city", "county", "county"],
            "parent": ["", "region:13", "region:13", "region:1301", "region:1309"],
        }
    )
    return AddressResolver(pd.concat([henan_places(), hebei], ignore_index=True))


def test_a_county_name_in_several_cities_needs_its_city() -> None:
    r = _with_hebei()
    assert r.scope == "河南/河北"
    assert r.resolve("沧州市新华区解放路").id == "region:130902"
    assert r.resolve("河北省石家庄市新华区").id == "region:130105"
    assert r.resolve("平顶山市新华区").id == "region:410402"
    alone = r.resolve("新华区建设路")
    assert alone.id is None
    assert alone.reason == "ambiguous: 新华区 (平顶山市, 石家庄市, 沧州市)"
    province = r.resolve("河北省新华区")
    assert (province.id, province.note) == ("region:13", "ambiguous: 新华区 (石家庄市, 沧州市)")
    # a province the table holds is no longer outside it; one it lacks still is
    assert r.resolve("河北省沧州市").id == "region:1309"
    assert r.resolve("山东省济南市").reason == "outside 河南/河北"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (pd.DataFrame({"id": ["a"], "name": ["甲市"], "level": ["city"]}), "parent"),
        (
            pd.DataFrame({"id": ["a"], "name": ["甲市"], "level": ["town"], "parent": [""]}),
            "unknown level",
        ),
        (
            pd.DataFrame({"id": ["a"], "name": ["甲市"], "level": ["city"], "parent": ["b"]}),
            "not in the table",
        ),
    ],
)
def test_bad_places_tables(table: pd.DataFrame, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AddressResolver(table)


def test_kind_column_is_accepted() -> None:
    table = pd.DataFrame(
        {
            "id": ["p", "c", "z"],
            "name": ["甲省", "乙丙市", "乙丙高新技术产业开发区"],
            "kind": ["province", "city", "zone"],
            "parent": ["", "p", "c"],
        }
    )
    r = AddressResolver(table, scope="Jia")
    assert r.resolve("乙丙市高新区一路").id == "z"
    assert r.resolve("甲省乙丙市二路").id == "c"
    assert r.resolve("北京市一路").reason == "outside Jia"


@pytest.mark.realdata
def test_real_technology_centre_addresses(
    shared_data: Path, resolver: AddressResolver, capsys: pytest.CaptureFixture[str]
) -> None:
    path = shared_data / "techcentres" / "national_enterprise_technology_centres_2019.xlsx"
    d = pd.read_excel(path)
    henan = d.loc[d["省份"] == "河南", "地址"].dropna()
    assert len(henan) == 98
    out = resolver.resolve_many(henan)
    inside_a_city = out["level"].isin(["city", "county", "zone"])
    assert inside_a_city.sum() >= 95
    assert out["id"].str.startswith(("region:41", "zone:41")).sum() == inside_a_city.sum()
    assert sorted(henan[~inside_a_city].str[:4]) == ["广州市南", "开发区1", "重庆市万"]
    assert out.loc[~inside_a_city, "reason"].value_counts().to_dict() == {
        "no Henan place named": 2,
        "outside Henan": 1,
    }
    assert out["level"].value_counts().to_dict() == {"county": 48, "city": 27, "zone": 20}
    assert capsys.readouterr() == ("", "")
