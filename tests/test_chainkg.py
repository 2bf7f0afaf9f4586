"""The ChainKnowledgeGraph loader: every quirk of the data as its own case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from innokg.graph.errors import SourceError
from innokg.graph.validate import validate_tables
from innokg.loaders.base import SourceTables
from innokg.loaders.chainkg import (
    clean_product_name,
    infer_supplies,
    looks_like_chainkg,
    product_id,
    read_chainkg_source,
)
from innokg.loaders.registry import detect_kind
from innokg.pipeline import merge_sources
from tests.conftest import REPO

FIXTURE = REPO / "tests" / "data" / "sources" / "chainkg"


@pytest.fixture(scope="module")
def src() -> SourceTables:
    return read_chainkg_source(FIXTURE)


def edges(src: SourceTables, etype: str) -> set[tuple[str, str]]:
    df = src.edges[etype]
    return set(zip(df["from_id"], df["to_id"], strict=True))


def rejects(src: SourceTables) -> dict[tuple[str, int], str]:
    r = src.ledger.rejects()
    return dict(zip(zip(r["file"], r["row"], strict=True), r["reason"], strict=True))


# --- the whole fixture ------------------------------------------------------------------


def test_every_row_is_accounted_for(src: SourceTables) -> None:
    summary = src.ledger.summary()
    assert {
        f: (v["rows"], v["used"], v["folded"], v["rejected"], v["skipped"])
        for f, v in summary.items()
    } == {
        "company.json": (17, 11, 2, 3, 1),
        "industry.json": (12, 10, 1, 1, 0),
        "industry_industry.json": (9, 7, 0, 2, 0),
        "industry_up.json": (3, 2, 0, 1, 0),
        "product.json": (13, 11, 1, 1, 0),
        "company_industry.json": (6, 4, 0, 2, 0),
        "company_product.json": (14, 9, 2, 3, 0),
        "product_product.json": (11, 7, 1, 3, 0),
    }
    assert src.rows_read == sum(v["rows"] for v in summary.values()) == 85
    for v in summary.values():
        assert v["rows"] == sum(v[o] for o in ("used", "folded", "rejected", "filtered", "skipped"))


def test_counts_of_nodes_and_edges(src: SourceTables) -> None:
    assert {k: len(v) for k, v in src.nodes.items()} == {
        "Enterprise": 11,
        "Industry": 10 + 5,  # Shenwan's, and the GB/T 4754 divisions and sections they map to
        "Product": 14,
    }
    assert {k: len(v) for k, v in src.edges.items()} == {
        "IN_INDUSTRY": 4 + 4,  # each company also to its GB/T 4754 division (crosswalk)
        "SUBCLASS_OF": 9 + 3,
        "PRODUCES": 9,
        "UPSTREAM_OF": 5,
        "SUPPLIES": 3,
        "LOCATED_IN": 4,
    }


def test_counts_of_fixes_warnings_and_rejects(src: SourceTables) -> None:
    assert dict(src.ledger.fixes) == {
        "company full name: spaces or line breaks removed": 1,
        "plain stock code: exchange suffix added": 5,
        "location holds a date: exchange taken from the code": 1,
        "industry code disagrees with industry.json; matched by the industry's name": 1,
        "industry name written with or without its level mark (Ⅱ/Ⅲ); matched": 1,
        "product name: full-width characters or spaces normalised": 2,
        "product name: stray quotes removed": 2,
        "product name: line breaks removed": 1,
        "revenue share 0.001 is the placeholder of an unknown share (left empty)": 1,
    }
    assert dict(src.ledger.warnings) == {
        "listing date missing: time holds the exchange name": 1,
        "full name unknown (every full name given belongs to another company): short name used": 1,
        "short name and full name share no character (probably renamed; full name kept)": 1,
        "industry names differ from industry.json (codes used)": 1,
        "industry name unknown; matched by the industry code": 1,
        "upstream industry name not in industry.json (ignored)": 1,
        "revenue share missing or not a number (left empty)": 1,
        "negative revenue share (a segment with negative revenue; left empty)": 1,
        "revenue share above 1 (segment revenue before eliminations; kept)": 1,
        "two products each listed as the other's input (both kept)": 2,
        "product named only in company_product.json: node added": 2,
        "product named only in product_product.json: node added": 1,
    }
    assert sum(src.ledger.reasons("rejected").values()) == 16


def test_tables_pass_validation(src: SourceTables) -> None:
    # merged alone, the Henan regions the firms point to come from the shipped table
    merged = merge_sources([src])
    tables = validate_tables(merged.nodes, merged.edges)
    assert len(tables.rejects) == 0
    assert set(tables.nodes["Region"]["id"]) == {
        "region:41",
        "region:4101",
        "region:4103",
        "region:4105",
        "region:410581",
    }


# --- companies ------------------------------------------------------------------------------


def test_two_code_forms_make_one_id_scheme(src: SourceTables) -> None:
    ent = src.nodes["Enterprise"].set_index("id")
    assert ent.loc["ent:stock:600001", "stock_code"] == "600001.SH"  # given suffixed
    assert ent.loc["ent:stock:600002", "stock_code"] == "600002.SH"  # given plain
    assert ent.loc["ent:stock:688006", "stock_code"] == "688006.SH"
    assert ent["listed"].all()


def test_a_date_in_the_location_field(src: SourceTables) -> None:
    ent = src.nodes["Enterprise"].set_index("id")
    assert ent.loc["ent:stock:000003", "stock_code"] == "000003.SZ"


def test_duplicate_codes(src: SourceTables) -> None:
    ent = src.nodes["Enterprise"].set_index("id")
    r = rejects(src)
    # the first name is current, the other kept as a former name for matching
    assert ent.loc["ent:stock:300005", "name"] == "戊新材料股份有限公司"
    assert ent.loc["ent:stock:300005", "_aliases"] == "江苏戊新材料有限公司"
    # a full name sharing nothing with the short name is another company's
    assert ent.loc["ent:stock:688006", "name"] == "己环保股份有限公司"
    foreign = (
        "duplicate stock code with a full name sharing no character with the short name "
        "(another company's name)"
    )
    assert r[("company.json", 8)] == foreign
    # every full name foreign: the short name stands in
    assert ent.loc["ent:stock:688007", "name"] == "庚软件"
    assert r[("company.json", 10)] == foreign
    # an exact repeat is folded
    assert src.ledger.outcome("company.json")[15] == "folded"


def test_bad_code_and_blank_line(src: SourceTables) -> None:
    assert rejects(src)[("company.json", 11)] == (
        "stock code is not 6 digits with an optional .SH/.SZ/.BJ"
    )
    assert src.ledger.outcome("company.json")[12] == "skipped"


def test_a_newline_in_a_company_name(src: SourceTables) -> None:
    ent = src.nodes["Enterprise"].set_index("id")
    assert ent.loc["ent:stock:600017", "name"] == "北京寅卯科技股份有限公司"


def test_henan_firms_by_full_name(src: SourceTables) -> None:
    located = src.edges["LOCATED_IN"]
    assert edges(src, "LOCATED_IN") == {
        ("ent:stock:600001", "region:41"),  # 河南…
        ("ent:stock:600002", "region:4101"),  # 郑州…
        ("ent:stock:002013", "region:410581"),  # 林州… (a county-level city)
        ("ent:stock:300014", "region:4103"),  # …(洛阳)…
    }
    assert set(located["evidence"]) == {"inferred"}
    assert located.set_index("from_id").loc["ent:stock:600002", "method"] == (
        "company full name names the place: 郑州 -> 郑州市"
    )


# --- industries -----------------------------------------------------------------------------


def test_industries_and_their_tree(src: SourceTables) -> None:
    ind = src.nodes["Industry"].set_index("code")
    assert set(ind["scheme"]) == {"Shenwan 2021", "GB/T 4754-2017"}
    assert ind["level"].to_dict()["280000"] == 1
    assert ind["level"].to_dict()["280600"] == 2
    assert ind["level"].to_dict()["280602"] == 3
    # 上级行业 is child -> parent
    assert ("industry:sw2021:280602", "industry:sw2021:280600") in edges(src, "SUBCLASS_OF")
    r = rejects(src)
    assert r[("industry.json", 12)] == "industry code is not 6 digits"
    assert r[("industry_industry.json", 8)] == "industry code not in industry.json"
    assert r[("industry_industry.json", 9)] == "relation is not 上级行业"
    assert src.ledger.outcome("industry.json")[11] == "folded"


def test_company_industries(src: SourceTables) -> None:
    got = edges(src, "IN_INDUSTRY")
    assert ("ent:stock:600001", "industry:sw2021:230301") in got  # code and name agree
    assert ("ent:stock:600002", "industry:sw2021:280602") in got  # old code, name decides
    assert ("ent:stock:000004", "industry:sw2021:610303") in got  # 其他建材Ⅲ = 其他建材
    assert ("ent:stock:000003", "industry:sw2021:280601") in got  # unknown name, code kept
    r = rejects(src)
    assert (
        r[("company_industry.json", 5)] == "industry neither in industry.json by code nor by name"
    )
    assert r[("company_industry.json", 6)] == "company not in company.json"
    assert r[("industry_up.json", 3)] == "industry name not in industry.json"


# --- products -------------------------------------------------------------------------------


def test_relation_directions(src: SourceTables) -> None:
    up = edges(src, "UPSTREAM_OF")
    assert ("product:钢材", "product:客车") in up  # 客车 上游材料 钢材: 钢材 is an input
    assert ("product:铁矿石", "product:钢材") in up  # 铁矿石 下游产品 钢材: made from 铁矿石
    assert ("product:特钢", "product:钢材") in edges(src, "SUBCLASS_OF")  # 产品小类
    assert ("product:PVC材料", "product:新材料") in edges(src, "SUBCLASS_OF")
    # the same link as 上游材料 and as 下游产品 is one edge
    assert src.ledger.outcome("product_product.json")[4] == "folded"


def test_product_names(src: SourceTables) -> None:
    names = set(src.nodes["Product"]["name"])
    assert "光纤复合架空地线" in names  # line breaks removed
    assert "PVC材料" in names and "ＰＶＣ材料" not in names  # full width folded
    assert "家电维修系统" in names  # escaped stray quote removed
    assert ("product:家电维修系统", "product:家电维修") in edges(src, "UPSTREAM_OF")
    assert "分部间抵销" not in names  # an accounting line
    # products named only by relations become nodes too
    origin = src.nodes["Product"].set_index("name")["_file"]
    assert origin["特种电缆"] == "company_product.json"
    assert origin["特钢"] == "product_product.json"


def test_revenue_shares(src: SourceTables) -> None:
    made = src.edges["PRODUCES"].set_index(["from_id", "to_id"])["revenue_share"]
    assert made[("ent:stock:600001", "product:钢材")] == 0.8
    assert pd.isna(made[("ent:stock:600002", "product:座椅")])  # 0.001: a placeholder
    assert pd.isna(made[("ent:stock:000004", "product:电缆")])  # negative
    assert made[("ent:stock:000004", "product:特种电缆")] == 1.3  # above 1, kept
    assert made[("ent:stock:000003", "product:焦炭")] == 0.6  # first of three repeats
    r = rejects(src)
    assert r[("company_product.json", 2)] == (
        "an accounting line (elimination or adjustment), not a product"
    )
    assert r[("company_product.json", 12)] == "company not in company.json"
    assert r[("company_product.json", 13)] == "product name is empty"


def test_product_link_rejects(src: SourceTables) -> None:
    r = rejects(src)
    assert r[("product_product.json", 6)] == "a product linked to itself"
    assert r[("product_product.json", 7)] == "relation is none of 上游材料, 产品小类, 下游产品"
    assert r[("product_product.json", 9)] == "not a JSON object on one line"


# --- inferred supplies ------------------------------------------------------------------------


def test_inferred_supplies(src: SourceTables) -> None:
    sup = src.edges["SUPPLIES"].set_index(["from_id", "to_id"])
    assert set(sup.index) == {
        ("ent:stock:000003", "ent:stock:600001"),  # 焦炭 -> 钢材
        ("ent:stock:600001", "ent:stock:600002"),  # 钢材 -> 客车
        ("ent:stock:600001", "ent:stock:000003"),  # 钢材 -> 焦炭 (listed both ways)
    }
    assert set(sup["evidence"]) == {"inferred"}
    steel = sup.loc[("ent:stock:600001", "ent:stock:600002")]
    assert steel["product"] == "钢材"
    assert steel["method"] == "product path (A makes an input of a product B makes): 钢材 -> 客车"
    # 0.5 · (0.5 + 0.5·0.8) · (0.5 + 0.5·0.9) / sqrt(1) · 1.6 (普钢 is upstream of 商用载客车)
    assert steel["confidence"] == 0.684
    assert sup.loc[("ent:stock:000003", "ent:stock:600001"), "confidence"] == 0.36


def _frames(
    makers: dict[str, list[tuple[str, float | None]]], links: list[tuple[str, str]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [(ent, p, p, s) for p, firms in makers.items() for ent, s in firms]
    produces = pd.DataFrame(rows, columns=["ent", "product", "name", "share"])
    upstream = pd.DataFrame(links, columns=["input", "output"])
    return produces, upstream


def test_fanout_is_bounded_on_both_sides() -> None:
    produces, upstream = _frames(
        {
            "coke": [(f"s{i}", 0.1 * i) for i in range(1, 9)],
            "steel": [(f"b{i}", 0.5) for i in range(1, 4)],
        },
        [("coke", "steel")],
    )
    out = infer_supplies(produces, upstream, fanout=2)
    # per buyer and input: the two suppliers with the largest share of coke
    assert sorted(set(out["from_id"])) == ["s7", "s8"]
    assert len(out) == 4  # and each of them at most 2 buyers
    assert set(out["paths"]) == {1}
    unbounded = infer_supplies(produces, upstream, fanout=100)
    assert len(unbounded) == 24


def test_several_paths_make_one_edge() -> None:
    produces, upstream = _frames(
        {"a": [("x", 1.0)], "b": [("x", 1.0)], "c": [("y", None)], "d": [("y", None)]},
        [("a", "c"), ("b", "d"), ("a", "d"), ("b", "c")],
    )
    out = infer_supplies(produces, upstream)
    assert out[["from_id", "to_id", "weight"]].values.tolist() == [["x", "y", 4.0]]
    one = 0.5 * 1.0 * 0.5
    assert out.loc[0, "confidence"] == round(1 - (1 - one) ** 4, 3)
    assert out.loc[0, "method"].endswith("(+1 more)")


def test_no_firm_supplies_itself_and_makers_share_the_chance() -> None:
    produces, upstream = _frames(
        {"ore": [("m", 1.0), ("n", 1.0), ("o", 1.0), ("p", 1.0)], "steel": [("m", 1.0)]},
        [("ore", "steel")],
    )
    out = infer_supplies(produces, upstream)
    assert "m" not in set(out["from_id"])
    assert set(out["confidence"]) == {0.25}  # 0.5 / sqrt(4 makers)


# --- names and ids ----------------------------------------------------------------------------


def test_product_ids_are_unique_for_long_names() -> None:
    a, b = "甲" * 50 + "一", "甲" * 50 + "二"
    assert product_id(a) != product_id(b)
    assert product_id(a).startswith("product:" + "甲" * 32 + "~")
    assert clean_product_name("  LED   显示屏 ") == "LED 显示屏"
    assert clean_product_name('"经公司登记机关核准') == "经公司登记机关核准"


# --- scope and errors ---------------------------------------------------------------------------


def test_henan_scope_keeps_the_chain_neighbourhood() -> None:
    src = read_chainkg_source(FIXTURE, scope="henan")
    firms = set(src.nodes["Enterprise"]["id"])
    # Henan's four, and 丙焦化 (Shanxi) which trades with 甲钢铁 in both directions
    assert firms == {
        "ent:stock:600001",
        "ent:stock:600002",
        "ent:stock:002013",
        "ent:stock:300014",
        "ent:stock:000003",
    }
    assert len(src.nodes["Industry"]) == 15  # the whole tree, and the GB/T divisions
    assert set(src.nodes["Product"]["name"]) == {"钢材", "焦炭", "客车", "座椅", "铁矿石", "特钢"}
    summary = src.ledger.summary()
    assert {f: v["filtered"] for f, v in summary.items() if v["filtered"]} == {
        "company.json": 6,
        "product.json": 6,
        "company_industry.json": 1,
        "company_product.json": 5,
        "product_product.json": 2,
    }
    for v in summary.values():
        assert v["rows"] == sum(v[o] for o in ("used", "folded", "rejected", "filtered", "skipped"))


def test_missing_files_and_bad_input(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="a chainkg source is a folder"):
        read_chainkg_source(tmp_path / "none")
    (tmp_path / "industry.json").write_text("", encoding="utf-8")
    with pytest.raises(SourceError, match=r"company\.json is missing"):
        read_chainkg_source(tmp_path)
    only = tmp_path / "only"
    only.mkdir()
    shutil.copy(FIXTURE / "company.json", only / "company.json")
    src = read_chainkg_source(only)
    assert len(src.nodes["Enterprise"]) == 11
    assert "product_product.json: not found; what it holds is left out" in src.warnings
    (only / "product.json").write_bytes("名称".encode("gb18030"))
    with pytest.raises(SourceError, match=r"product\.json: not UTF-8"):
        read_chainkg_source(only)
    with pytest.raises(SourceError, match="unknown scope"):
        read_chainkg_source(FIXTURE, scope="hubei")


def test_detection() -> None:
    assert looks_like_chainkg(FIXTURE)
    assert detect_kind(FIXTURE) == "chainkg"


# --- the real data --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(shared_data: Path) -> SourceTables:
    return read_chainkg_source(shared_data / "chainkg")


@pytest.mark.realdata
def test_real_counts(real: SourceTables) -> None:
    assert real.rows_read == 269_907
    assert {k: len(v) for k, v in real.nodes.items()} == {
        "Enterprise": 4586,
        "Industry": 511 + 97,  # Shenwan's 511, and the 80 divisions and 17 sections reached
        "Product": 95_517,
    }
    assert {k: len(v) for k, v in real.edges.items()} == {
        "IN_INDUSTRY": 4327 + 5202,
        "SUBCLASS_OF": 53_413 + 79,
        "PRODUCES": 49_499,
        "UPSTREAM_OF": 56_734,
        "SUPPLIES": 4485,
        "LOCATED_IN": 64,
    }
    summary = real.ledger.summary()
    totals = {
        o: sum(v[o] for v in summary.values()) for o in ("used", "folded", "rejected", "skipped")
    }
    assert totals == {"used": 264_914, "folded": 975, "rejected": 4018, "skipped": 0}
    assert real.ledger.reasons("rejected") == {
        "an accounting line (elimination or adjustment), not a product": 1993,
        "a line of business (配件, 材料, 服务…), not a product that joins two firms' chains": 1597,
        "a fragment of a business-scope sentence (以自有资金, 其配套…), not a product": 196,
        "a product linked to itself": 108,
        "company not in company.json": 103,
        "duplicate stock code with a full name sharing no character with the short name "
        "(another company's name)": 20,
        "industry name not in industry.json": 1,
    }
    assert dict(real.ledger.fixes) == {
        "plain stock code: exchange suffix added": 752,
        "location holds a date: exchange taken from the code": 1,
        "industry code disagrees with industry.json; matched by the industry's name": 191,
        "industry name written with or without its level mark (Ⅱ/Ⅲ); matched": 16,
        "product name: full-width characters or spaces normalised": 308,
        "product name: stray quotes removed": 7,
        "product name: line breaks removed": 6,
        "revenue share 0.001 is the placeholder of an unknown share (left empty)": 14_625,
    }
    assert dict(real.ledger.warnings) == {
        "listing date missing: time holds the exchange name": 81,
        "full name unknown (every full name given belongs to another company): short name used": 3,
        "short name and full name share no character (probably renamed; full name kept)": 11,
        "industry name unknown; matched by the industry code": 15,
        "upstream industry name not in industry.json (ignored)": 9,
        "negative revenue share (a segment with negative revenue; left empty)": 34,
        "revenue share above 1 (segment revenue before eliminations; kept)": 45,
        "two products each listed as the other's input (both kept)": 8,
        "product named only in company_product.json: node added": 1,
        "product named only in product_product.json: node added": 6,
    }


@pytest.mark.realdata
def test_real_spot_checks(real: SourceTables) -> None:
    ent = real.nodes["Enterprise"].set_index("stock_code")
    yutong = ent.loc["600066.SH"]
    assert (yutong["id"], yutong["name"]) == ("ent:stock:600066", "郑州宇通客车股份有限公司")
    shenwan = real.edges["IN_INDUSTRY"]
    shenwan = shenwan[shenwan["to_id"].str.startswith("industry:sw2021:")]
    industry = dict(zip(shenwan["from_id"], shenwan["to_id"], strict=True))
    names = real.nodes["Industry"].set_index("id")["name"]
    assert names[industry["ent:stock:600066"]] == "商用载客车"
    to_gbt = real.edges["IN_INDUSTRY"]
    to_gbt = to_gbt[to_gbt["to_id"].str.startswith("industry:gbt4754:")]
    assert to_gbt.loc[to_gbt["from_id"] == "ent:stock:600066", "to_id"].tolist() == [
        "industry:gbt4754:C36"
    ]
    assert set(to_gbt["evidence"]) == {"inferred"}
    made = real.edges["PRODUCES"]
    products = set(made.loc[made["from_id"] == "ent:stock:600066", "to_id"])
    assert {"product:客车销售", "product:客车制造分部"} <= products
    assert "product:配件" not in products  # a line of business, not a product
    fragments = made["to_id"].str.removeprefix("product:")
    assert not fragments.str.match(r"以|其[^他它]|对[^外]").any()  # 以自有资金, 其配套
    assert fragments.str.startswith("其他").any()  # "other …" categories are kept
    located = dict(
        zip(real.edges["LOCATED_IN"]["from_id"], real.edges["LOCATED_IN"]["to_id"], strict=True)
    )
    assert located["ent:stock:600066"] == "region:4101"
    assert located["ent:stock:603993"] == "region:4103"  # 洛阳钼业
    assert located["ent:stock:000895"] == "region:41"  # 河南双汇投资发展
    # 688096 is 京源环保, not 大连港
    assert ent.loc["688096.SH", "name"] == "江苏京源环保股份有限公司"
    sup = real.edges["SUPPLIES"]
    assert sup["confidence"].between(0, 0.95).all()
    assert (sup["from_id"] != sup["to_id"]).all()
    assert not sup.duplicated(["from_id", "to_id"]).any()


@pytest.mark.realdata
def test_real_henan_scope(shared_data: Path) -> None:
    src = read_chainkg_source(shared_data / "chainkg", scope="henan")
    assert len(src.edges["LOCATED_IN"]) == 64
    assert {k: len(v) for k, v in src.nodes.items()} == {
        "Enterprise": 225,
        "Industry": 608,
        "Product": 4495,
    }
    assert len(src.edges["SUPPLIES"]) == 990
    for v in src.ledger.summary().values():
        assert v["rows"] == sum(v[o] for o in ("used", "folded", "rejected", "filtered", "skipped"))
