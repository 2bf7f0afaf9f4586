"""GB/T 4754-2017 divisions and the Shenwan 2021 -> GB/T 4754-2017 crosswalk."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from innokg.graph.schema import NODE_LABELS
from innokg.graph.validate import validate_tables
from innokg.loaders.chainkg import INDUSTRY_PREFIX, read_chainkg_source
from innokg.loaders.chainkg import SCHEME as SW_SCHEME
from innokg.loaders.crosswalk import (
    CONFIDENCE,
    CROSSWALK_SOURCE,
    GBT_PREFIX,
    RELATIONS,
    SCHEME,
    STANDARD_SOURCE,
    SW_PREFIX,
    crosswalk_summary,
    gbt4754_divisions,
    gbt_industry_edges,
    gbt_industry_nodes,
    gbt_subclass_edges,
    relation_confidence,
    shenwan_crosswalk,
)
from innokg.loaders.reference import manufacturing_divisions

#: GB/T 4754-2017: each section (门类) and the first and last number of its divisions
#: (大类).  Divisions are numbered 01-97 without gaps across the sections.
SECTION_DIVISIONS = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}

#: Where the location-quotient workbook's 2-digit sheet names a division differently.
#: Division 96 is 基层群众自治组织及其他组织 in GB/T 4754-2017; the workbook keeps the
#: shorter name of GB/T 4754-2011 (基层群众自治组织).
WORKBOOK_NAME_DIFFERS = {"S96"}

LQ_FILE = Path("clusters") / "industry_location_quotients_2017.xlsx"
LQ_SHEET = "两位数行业集聚度"


@pytest.fixture(scope="module")
def divisions() -> pd.DataFrame:
    return gbt4754_divisions()


@pytest.fixture(scope="module")
def crosswalk() -> pd.DataFrame:
    return shenwan_crosswalk()


def sw_level(code: str) -> int:
    return 1 if code.endswith("0000") else 2 if code.endswith("00") else 3


def sw_parent(code: str) -> str | None:
    level = sw_level(code)
    return None if level == 1 else code[:2] + "0000" if level == 2 else code[:4] + "00"


# --- the divisions table ---------------------------------------------------------


def test_division_codes_are_well_formed(divisions: pd.DataFrame) -> None:
    assert list(divisions.columns) == ["code", "name", "name_en", "section", "level"]
    assert divisions["code"].is_unique
    for row in divisions.itertuples(index=False):
        pattern = r"[A-T]" if row.level == 1 else r"[A-T]\d{2}"
        assert re.fullmatch(pattern, row.code), row
        assert row.section == row.code[0]
        assert row.level in (1, 2)
        assert row.name.strip() == row.name != ""
        assert row.name_en.strip() == row.name_en != "" and row.name_en.isascii(), row
        assert row.name_en[0].isupper(), row


def test_every_section_has_its_official_divisions(divisions: pd.DataFrame) -> None:
    sections = divisions[divisions["level"] == 1]
    assert sections["code"].tolist() == list(SECTION_DIVISIONS)
    got = divisions[divisions["level"] == 2].groupby("section")["code"].apply(list).to_dict()
    for section, (first, last) in SECTION_DIVISIONS.items():
        assert got[section] == [f"{section}{n:02d}" for n in range(first, last + 1)], section
    assert sum(len(v) for v in got.values()) == 97
    numbers = sorted(int(c[1:]) for v in got.values() for c in v)
    assert numbers == list(range(1, 98))
    assert len(got["C"]) == 31


def test_sections_come_before_their_divisions(divisions: pd.DataFrame) -> None:
    order = divisions["code"].tolist()
    for code in order:
        if len(code) == 3:
            assert order.index(code[0]) < order.index(code)


def test_manufacturing_agrees_with_the_manufacturing_table(divisions: pd.DataFrame) -> None:
    manufacturing = manufacturing_divisions()
    ours = divisions[divisions["section"] == "C"].reset_index(drop=True)
    assert ours["code"].tolist() == manufacturing["code"].tolist()
    assert ours["name"].tolist() == manufacturing["name"].tolist()
    assert ours["name_en"].tolist() == manufacturing["name_en"].tolist()


def test_the_divisions_file_cites_the_standard() -> None:
    from importlib import resources

    text = (
        resources.files("innokg.loaders")
        .joinpath("data/gbt4754_divisions.csv")
        .read_text(encoding="utf-8")
    )
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    for words in ("GB/T 4754-2017", "国民经济行业分类", "National Bureau of Statistics", "SAC"):
        assert words in header
    assert "facts of a national" in header


# --- the crosswalk table ---------------------------------------------------------


def test_crosswalk_codes_are_well_formed(crosswalk: pd.DataFrame, divisions: pd.DataFrame) -> None:
    assert list(crosswalk.columns) == [
        "sw_code",
        "sw_name",
        "sw_level",
        "gbt_codes",
        "relation",
        "basis",
    ]
    valid = set(divisions.loc[divisions["level"] == 2, "code"])
    assert crosswalk["sw_code"].is_unique
    for row in crosswalk.itertuples(index=False):
        assert re.fullmatch(r"[1-9]\d{5}", row.sw_code), row
        assert row.sw_level == sw_level(row.sw_code), row
        assert row.sw_name != ""
        codes = row.gbt_codes.split("|")
        assert codes == sorted(set(codes)), row
        assert all(re.fullmatch(r"[A-T]\d{2}", c) and c in valid for c in codes), row
        assert row.relation in RELATIONS
        assert (row.relation == "one_to_many") == (len(codes) > 1), row
        assert row.basis.strip() != "", row


def test_crosswalk_hierarchy_is_closed(crosswalk: pd.DataFrame) -> None:
    codes = set(crosswalk["sw_code"])
    for code in codes:
        parent = sw_parent(code)
        assert parent is None or parent in codes, code


def test_levels_one_and_two_are_the_union_of_their_children(crosswalk: pd.DataFrame) -> None:
    rows = crosswalk.set_index("sw_code")
    children: dict[str, list[str]] = {}
    for code in rows.index:
        parent = sw_parent(code)
        if parent is not None:
            children.setdefault(parent, []).append(code)
    for code, row in rows[rows["sw_level"] < 3].iterrows():
        kids = children[code]
        union = sorted({c for k in kids for c in rows.at[k, "gbt_codes"].split("|")})
        assert row["gbt_codes"] == "|".join(union), code
        relations = {rows.at[k, "relation"] for k in kids}
        if len(union) > 1:
            expected = "one_to_many"
        elif "broader" in relations:
            expected = "broader"
        elif "exact" in relations:
            expected = "exact"
        else:
            expected = "narrower"
        assert row["relation"] == expected, code


def test_the_crosswalk_file_states_sources_method_and_licence() -> None:
    from importlib import resources

    text = (
        resources.files("innokg.loaders")
        .joinpath("data/shenwan2021_gbt4754.csv")
        .read_text(encoding="utf-8")
    )
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    for words in ("Shenwan", "GB/T 4754-2017", "by hand", "union", "MIT", "project"):
        assert words in header, words


@pytest.mark.parametrize(
    ("sw_name", "gbt_codes", "relation"),
    [
        ("商用载客车", "C36", "narrower"),  # 客车: 宇通客车
        ("商用车", "C36", "narrower"),
        ("白酒Ⅲ", "C15", "narrower"),
        ("白酒Ⅱ", "C15", "narrower"),
        ("银行", "J66", "narrower"),
        ("城商行Ⅲ", "J66", "narrower"),
        ("保险Ⅲ", "J68", "exact"),
        ("证券Ⅲ", "J67", "narrower"),
        ("煤炭开采", "B06", "narrower"),
        ("焦炭Ⅲ", "C25", "narrower"),
        ("油气开采Ⅲ", "B07", "exact"),
        ("钼", "B09|C32", "one_to_many"),  # 洛阳钼业 mines and smelts
        ("铝", "C32", "narrower"),
        ("有色金属", "B09|C26|C32|C39", "one_to_many"),
        ("医疗器械", "C27|C35", "one_to_many"),
        ("医疗设备", "C35", "narrower"),
        ("体外诊断", "C27|C35", "one_to_many"),  # 安图生物: reagents and instruments
        ("中药Ⅲ", "C27", "narrower"),
        ("医药流通", "F51", "narrower"),
        ("肉制品", "C13", "narrower"),  # 双汇发展
        ("乳品", "C14", "narrower"),
        ("食品及饲料添加剂", "C14", "narrower"),
        ("能源及重型设备", "C35", "narrower"),  # 郑煤机
        ("数字芯片设计", "I65", "narrower"),  # 6520 集成电路设计
        ("集成电路制造", "C39", "narrower"),
        ("垂直应用软件", "I65", "narrower"),
        ("房地产", "K70", "narrower"),
        ("住宅开发", "K70", "narrower"),
        ("房屋建设Ⅲ", "E47", "exact"),
        ("装修装饰Ⅲ", "E50", "narrower"),
        ("基建市政工程", "E48", "narrower"),
        ("火力发电", "D44", "narrower"),
        ("燃气Ⅲ", "D45", "exact"),
        ("水务及水治理", "D46|N77", "one_to_many"),
        ("铁路运输", "G53", "exact"),
        ("快递", "G60", "narrower"),
        ("港口", "G55", "narrower"),
        ("超市", "F52", "narrower"),
        ("贸易Ⅲ", "F51", "narrower"),
        ("大众出版", "R86", "narrower"),
        ("院线", "R87", "narrower"),
        ("游戏Ⅲ", "I64", "narrower"),
        ("电信运营商", "I63", "narrower"),
        ("通信线缆及配套", "C38", "narrower"),
        ("锂电池", "C38", "narrower"),
        ("风电整机", "C34", "narrower"),
        ("轨交设备Ⅲ", "C37", "narrower"),
        ("种子", "A05", "narrower"),
        ("生猪养殖", "A03", "narrower"),
        ("林业Ⅲ", "A02", "exact"),
        ("综合Ⅲ", "L72", "broader"),
    ],
)
def test_spot_checks(crosswalk: pd.DataFrame, sw_name: str, gbt_codes: str, relation: str) -> None:
    row = crosswalk[crosswalk["sw_name"] == sw_name]
    assert len(row) == 1, sw_name
    assert (row["gbt_codes"].iloc[0], row["relation"].iloc[0]) == (gbt_codes, relation)


def test_summary_counts_what_the_table_holds(crosswalk: pd.DataFrame) -> None:
    s = crosswalk_summary()
    assert s["shenwan_classes"] == s["mapped"] == len(crosswalk) == 511
    assert s["by_level"] == {1: 31, 2: 134, 3: 346}
    assert sum(s["by_relation"].values()) == 511
    assert set(s["by_relation"]) == set(RELATIONS)
    for level, counts in s["by_level_relation"].items():
        assert sum(counts.values()) == s["by_level"][level]
    reached = {c for v in crosswalk["gbt_codes"] for c in v.split("|")}
    assert s["divisions_reached"] == len(reached)
    assert s["sections_reached"] == len({c[0] for c in reached})
    assert s["divisions"] == 97
    # every section a listed firm can be in is reached, banks to broadcasting
    assert {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N"} <= {
        c[0] for c in reached
    }


# --- nodes and edges ------------------------------------------------------------


def test_inferred_edges_of_a_small_table() -> None:
    edges = pd.DataFrame(
        {
            "from_id": ["ent:stock:600066", "ent:stock:603658", "ent:stock:603658"],
            "to_id": [
                "industry:sw2021:280602",  # 商用载客车 -> C36, narrower
                "industry:sw2021:370504",  # 体外诊断 -> C27|C35, one_to_many
                "industry:sw2021:370502",  # 医疗设备 -> C35, narrower: wins over 0.5
            ],
            "source": "chainkg:company_industry.json",
            "evidence": "observed",
        }
    )
    expected = pd.DataFrame(
        {
            "from_id": ["ent:stock:600066", "ent:stock:603658", "ent:stock:603658"],
            "to_id": ["industry:gbt4754:C36", "industry:gbt4754:C27", "industry:gbt4754:C35"],
            "source": ["crosswalk:shenwan2021_gbt4754.csv"] * 3,
            "evidence": ["inferred"] * 3,
            "method": [
                "Shenwan 2021 280602 商用载客车 -> GB/T 4754-2017 C36 (narrower)",
                "Shenwan 2021 370504 体外诊断 -> GB/T 4754-2017 C27 (one_to_many: C27|C35)",
                "Shenwan 2021 370502 医疗设备 -> GB/T 4754-2017 C35 (narrower)",
            ],
            "confidence": [0.9, 0.5, 0.9],
        }
    )
    pd.testing.assert_frame_equal(gbt_industry_edges(edges), expected)


def test_inferred_edges_leave_out_what_they_cannot_map() -> None:
    edges = pd.DataFrame(
        {
            "from_id": ["a", "b", None, "d", "e"],
            "to_id": [
                "industry:gbt4754:C36",  # already a division
                "industry:sw2021:999999",  # no such Shenwan industry
                "industry:sw2021:480201",  # no organisation
                None,
                "industry:sw2021:480201",
            ],
        }
    )
    out = gbt_industry_edges(edges)
    assert out[["from_id", "to_id"]].values.tolist() == [["e", "industry:gbt4754:J66"]]
    empty = gbt_industry_edges(edges.iloc[:0])
    assert list(empty.columns) == ["from_id", "to_id", "source", "evidence", "method", "confidence"]
    assert empty.empty
    with pytest.raises(ValueError, match="from_id and to_id"):
        gbt_industry_edges(pd.DataFrame({"from_id": ["a"]}))


def test_confidence_by_relation() -> None:
    assert CONFIDENCE == {"exact": 1.0, "narrower": 0.9, "broader": 0.6}
    assert [relation_confidence("one_to_many", n) for n in (1, 2, 3, 4)] == [1.0, 0.5, 0.33, 0.25]
    with pytest.raises(ValueError, match="unknown relation"):
        relation_confidence("close")


def test_nodes_and_subclass_edges(divisions: pd.DataFrame) -> None:
    nodes = gbt_industry_nodes(["J66", "C36", "C36", "B06"])
    assert nodes["id"].tolist() == [GBT_PREFIX + c for c in ("B", "B06", "C", "C36", "J", "J66")]
    assert set(nodes.columns) <= {p.name for p in NODE_LABELS["Industry"].props}
    assert (nodes["scheme"] == SCHEME).all() and (nodes["source"] == STANDARD_SOURCE).all()
    assert nodes.set_index("code").loc["C36", ["name", "name_en", "level"]].tolist() == [
        "汽车制造业",
        "Motor vehicles",
        2,
    ]
    edges = gbt_subclass_edges(["J66", "C36", "C"])
    assert edges.values.tolist() == [
        [GBT_PREFIX + "C36", GBT_PREFIX + "C", STANDARD_SOURCE, "observed"],
        [GBT_PREFIX + "J66", GBT_PREFIX + "J", STANDARD_SOURCE, "observed"],
    ]
    with pytest.raises(ValueError, match="C99"):
        gbt_industry_nodes(["C36", "C99"])
    everything = gbt_industry_nodes(divisions["code"])
    assert len(everything) == 117 and everything["id"].is_unique


def test_nodes_meet_the_demo_nodes() -> None:
    """The demo's Industry nodes (made from gbt4754_manufacturing.csv) get the same rows."""
    manufacturing = manufacturing_divisions()
    nodes = gbt_industry_nodes(manufacturing["code"]).set_index("id")
    demo_ids = "industry:gbt4754:" + manufacturing["code"]
    assert nodes.index.tolist() == demo_ids.tolist()
    assert nodes["name"].tolist() == manufacturing["name"].tolist()
    assert nodes["name_en"].tolist() == manufacturing["name_en"].tolist()
    assert nodes["scheme"].eq("GB/T 4754-2017").all()
    assert nodes["level"].tolist() == [1 if c == "C" else 2 for c in manufacturing["code"]]


def test_tables_pass_the_schema() -> None:
    assert SW_PREFIX == INDUSTRY_PREFIX and SW_SCHEME == "Shenwan 2021"
    in_industry = pd.DataFrame(
        {
            "from_id": ["ent:stock:600066", "ent:stock:603993"],
            "to_id": ["industry:sw2021:280602", "industry:sw2021:240505"],
        }
    )
    inferred = gbt_industry_edges(in_industry)
    codes = sorted({t.removeprefix(GBT_PREFIX) for t in inferred["to_id"]})
    tables = validate_tables(
        {
            "Enterprise": pd.DataFrame(
                {
                    "id": in_industry["from_id"],
                    "name": ["宇通客车股份有限公司", "洛阳栾川钼业集团股份有限公司"],
                    "source": "test",
                }
            ),
            "Industry": gbt_industry_nodes(codes),
        },
        {"IN_INDUSTRY": inferred, "SUBCLASS_OF": gbt_subclass_edges(codes)},
    )
    assert len(tables.edges["IN_INDUSTRY"]) == 3  # C36; B09 and C32 for 钼
    assert inferred["source"].eq(CROSSWALK_SOURCE).all()


# --- against the real data --------------------------------------------------------


def _jsonl(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.mark.realdata
def test_every_chainkg_industry_has_a_crosswalk_row(
    shared_data: Path, crosswalk: pd.DataFrame
) -> None:
    industries = _jsonl(shared_data / "chainkg" / "industry.json")
    rows = crosswalk.set_index("sw_code")
    assert {r["code"] for r in industries} == set(rows.index)
    for r in industries:
        assert rows.at[r["code"], "sw_name"] == r["name"], r
    # the parent chain the union is taken along is the data's own
    for r in _jsonl(shared_data / "chainkg" / "industry_industry.json"):
        assert sw_parent(r["from_code"]) == r["to_code"], r


@pytest.mark.realdata
@pytest.mark.slow
def test_every_chainkg_company_reaches_a_division(shared_data: Path) -> None:
    """The chain loader's IN_INDUSTRY edges (old codes already resolved by name) all map."""
    src = read_chainkg_source(shared_data / "chainkg")
    in_industry = src.edges["IN_INDUSTRY"]
    out = gbt_industry_edges(in_industry)
    assert set(out["from_id"]) == set(in_industry["from_id"])
    assert not out.duplicated(["from_id", "to_id"]).any()
    assert out["confidence"].between(0, 1).all() and out["evidence"].eq("inferred").all()
    names = src.nodes["Enterprise"].set_index("id")["name"]
    reached = out.groupby("from_id")["to_id"].apply(set)
    firms = {
        "宇通客车": GBT_PREFIX + "C36",
        "双汇": GBT_PREFIX + "C13",
        "郑州煤矿机械": GBT_PREFIX + "C35",
    }
    for short, division in firms.items():
        ids = names.index[names.str.contains(short)]
        assert len(ids) == 1, short
        assert division in reached[ids[0]], short
    nodes = gbt_industry_nodes(sorted({t.removeprefix(GBT_PREFIX) for t in out["to_id"]}))
    assert set(out["to_id"]) <= set(nodes["id"])


@pytest.mark.realdata
def test_names_equal_the_location_quotient_workbook(
    shared_data: Path, divisions: pd.DataFrame
) -> None:
    sheet = pd.read_excel(shared_data / LQ_FILE, sheet_name=LQ_SHEET, header=None, dtype=str)
    body = sheet.iloc[2:, :2].dropna()
    workbook = dict(zip(body[0].str.strip().str.zfill(2), body[1].str.strip(), strict=True))
    ours = {c[1:]: (c, n) for c, n in zip(divisions["code"], divisions["name"], strict=True)}
    ours = {k: v for k, v in ours.items() if len(v[0]) == 3}
    common = set(workbook) & set(ours)
    assert len(common) >= 95
    differs = {ours[k][0] for k in common if workbook[k] != ours[k][1]}
    assert differs == WORKBOOK_NAME_DIFFERS
    for code in differs:  # the workbook's name is the start of the standard's
        assert ours[code[1:]][1].startswith(workbook[code[1:]])
    # the workbook's other rows are not divisions (an "unknown" row), none of ours is missing
    # but those it leaves out
    assert {workbook[k] for k in set(workbook) - set(ours)} <= {"未知"}
    assert len(set(ours) - set(workbook)) <= 1
