"""Entity resolution across sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from innokg.graph.errors import SourceError
from innokg.graph.validate import validate_tables
from innokg.loaders.base import SourceTables
from innokg.loaders.resolve import (
    normalise_org_name,
    normalise_stock_code,
    read_overrides,
    resolve_entities,
)
from innokg.pipeline import merge_sources


def source(
    name: str,
    nodes: dict[str, list[dict[str, Any]]],
    edges: dict[str, list[dict[str, Any]]] | None = None,
) -> SourceTables:
    """A source as a loader would hand it over, rows numbered from 2."""

    def frame(label: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
        df = pd.DataFrame([{"source": name, **r} for r in rows])
        df["_file"] = f"{name}/{label}.csv"
        df["_row"] = range(2, len(df) + 2)
        return df

    return SourceTables(
        kind="tables",
        path=name,
        nodes={k: frame(k, v) for k, v in nodes.items()},
        edges={
            k: frame(k, [{"evidence": "observed", **r} for r in v])
            for k, v in (edges or {}).items()
        },
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("郑州宇通客车股份有限公司", "郑州宇通客车有限公司"),
        ("郑州宇通客车股份有限公司", "郑州宇通客车有限责任公司"),
        ("郑州宇通客车股份有限公司", " 郑州宇通客车 股份有限公司\n"),
        ("中粮生物化学（安徽）股份有限公司", "中粮生物化学(安徽)股份有限公司"),
        ("濮阳濮耐高温材料（集团）股份有限公司", "濮阳濮耐高温材料集团股份有限公司"),
        ("ＡＢＣ科技股份有限公司", "abc科技有限公司"),
        ("中国嘉陵工业股份有限公司【集团】", "中国嘉陵工业股份有限公司(集团)"),
        ("Henan Demo Co., Ltd.", "henan demo"),
    ],
)
def test_name_forms_that_normalise_alike(a: str, b: str) -> None:
    assert normalise_org_name(a) == normalise_org_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("郑州宇通客车股份有限公司", "宇通客车股份有限公司"),
        ("郑州安图生物工程股份有限公司", "河南安图生物工程股份有限公司"),
        ("河南省力量钻石股份有限公司", "河南力量钻石股份有限公司"),
        ("郑州煤电股份有限公司", "郑州煤矿机械集团股份有限公司"),
    ],
)
def test_similar_names_stay_apart(a: str, b: str) -> None:
    assert normalise_org_name(a) != normalise_org_name(b)


def test_stock_code_forms() -> None:
    assert {normalise_stock_code(c) for c in ["600066", "600066.SH", "sh600066", "SH.600066"]} == {
        "600066"
    }
    assert normalise_stock_code("60006") is None
    assert normalise_stock_code(None) is None


def test_the_same_firm_in_two_sources_is_one_node_with_both_sources() -> None:
    a = source(
        "chain",
        {
            "Enterprise": [
                {
                    "id": "ent:stock:600066",
                    "name": "郑州宇通客车股份有限公司",
                    "stock_code": "600066.SH",
                }
            ]
        },
    )
    b = source(
        "survey", {"Enterprise": [{"id": "s:1", "name": "郑州宇通客车有限公司", "size": "large"}]}
    )
    merged = merge_sources([a, b])
    ent = merged.nodes["Enterprise"]
    assert len(ent) == 1
    row = ent.iloc[0]
    assert row["id"] == "ent:stock:600066"  # the first source's id
    assert row["name"] == "郑州宇通客车股份有限公司"  # the first source's name
    assert row["size"] == "large"  # a gap filled by the second
    assert row["source"] == "chain; survey"
    assert merged.merges[["rule", "id_a", "id_b"]].values.tolist() == [
        ["name", "ent:stock:600066", "s:1"]
    ]
    assert merged.conflicts[["property", "kept", "dropped"]].values.tolist() == [
        ["name", "郑州宇通客车股份有限公司", "郑州宇通客车有限公司"]
    ]


def test_two_firms_with_similar_names_stay_two() -> None:
    a = source("chain", {"Enterprise": [{"id": "a", "name": "郑州安图生物工程股份有限公司"}]})
    b = source("survey", {"Enterprise": [{"id": "b", "name": "河南安图生物工程股份有限公司"}]})
    merged = merge_sources([a, b])
    assert sorted(merged.nodes["Enterprise"]["id"]) == ["a", "b"]
    assert merged.merges.empty


def test_a_registry_code_overrules_the_name() -> None:
    a = source(
        "one",
        {
            "Enterprise": [
                {"id": "a", "name": "河南示例股份有限公司", "credit_code": "91410100EXAMPLE01U"},
                {"id": "c", "name": "另一个名字有限公司", "stock_code": "600001"},
            ]
        },
    )
    b = source(
        "two",
        {
            "Enterprise": [
                {"id": "b", "name": "河南示例有限公司", "credit_code": "91410105EXAMPLE027"},
                {"id": "d", "name": "完全不同的名字", "stock_code": "600001.SH"},
            ]
        },
    )
    merged = merge_sources([a, b])
    assert sorted(merged.nodes["Enterprise"]["id"]) == ["a", "b", "c"]
    assert merged.merges[["id_a", "id_b", "rule", "key"]].values.tolist() == [
        ["c", "d", "stock_code", "600001"]
    ]
    apart = merged.kept_apart.iloc[0]
    assert (apart["id_a"], apart["id_b"], apart["rule"]) == ("a", "b", "name")
    assert apart["reason"].startswith("their credit_code values differ")


def test_moe_code_and_region_code() -> None:
    a = source(
        "moe",
        {
            "ResearchInstitute": [
                {
                    "id": "inst:moe:4141010459",
                    "name": "郑州大学",
                    "kind": "university",
                    "moe_code": "4141010459",
                }
            ],
            "Region": [{"id": "region:4101", "name": "郑州市", "level": "city", "code": "4101"}],
        },
    )
    b = source(
        "mine",
        {
            "ResearchInstitute": [
                {
                    "id": "zzu",
                    "name": "郑州大学（主校区）",
                    "kind": "university",
                    "moe_code": "4141010459",
                }
            ],
            "Region": [{"id": "zz", "name": "郑州", "level": "city", "code": "4101"}],
        },
        {"LOCATED_IN": [{"from_id": "zzu", "to_id": "zz"}]},
    )
    merged = merge_sources([a, b])
    assert merged.nodes["ResearchInstitute"]["id"].tolist() == ["inst:moe:4141010459"]
    assert merged.nodes["Region"]["id"].tolist() == ["region:4101"]
    located = merged.edges["LOCATED_IN"]
    assert located[["from_id", "to_id"]].values.tolist() == [["inst:moe:4141010459", "region:4101"]]
    assert set(merged.merges["rule"]) == {"moe_code", "code"}


def test_a_former_name_matches() -> None:
    a = source(
        "chain",
        {
            "Enterprise": [
                {
                    "id": "x",
                    "name": "新名股份有限公司",
                    "_aliases": "旧名股份有限公司|更旧名有限公司",
                }
            ]
        },
    )
    b = source("old", {"Enterprise": [{"id": "y", "name": "更旧名股份有限公司"}]})
    merged = merge_sources([a, b])
    assert merged.nodes["Enterprise"]["id"].tolist() == ["x"]
    assert "_aliases" not in merged.nodes["Enterprise"].columns
    assert merged.merges["key"].tolist() == ["更旧名"]


def test_rows_of_one_source_are_never_merged() -> None:
    a = source(
        "one",
        {"Enterprise": [{"id": "a", "name": "甲有限公司"}, {"id": "b", "name": "甲股份有限公司"}]},
    )
    b = source("two", {"Enterprise": [{"id": "c", "name": "甲公司"}]})
    merged = merge_sources([a, b])
    # c joins a (the first); b stays, since a and b are two nodes by their source's account
    assert sorted(merged.nodes["Enterprise"]["id"]) == ["a", "b"]
    assert merged.kept_apart["reason"].tolist() == ["both hold rows of the same source"]


def test_a_repeated_id_inside_one_source_is_left_for_validation() -> None:
    a = source("one", {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "a", "name": "乙"}]})
    b = source("two", {"Enterprise": [{"id": "z", "name": "丙"}]})
    merged = merge_sources([a, b])
    assert merged.nodes["Enterprise"]["id"].tolist() == ["a", "a", "z"]
    tables = validate_tables(merged.nodes, merged.edges, lenient=True)
    assert tables.rejects["reason"].str.startswith("duplicate id 'a'").tolist() == [True]


def test_the_same_edge_from_two_sources_is_one_edge() -> None:
    a = source(
        "one",
        {"Enterprise": [{"id": "a", "name": "甲有限公司"}, {"id": "b", "name": "乙有限公司"}]},
        {"SUPPLIES": [{"from_id": "a", "to_id": "b", "product": "钢材"}]},
    )
    b = source(
        "two",
        {"Enterprise": [{"id": "x", "name": "甲有限公司"}, {"id": "y", "name": "乙有限公司"}]},
        {
            "SUPPLIES": [
                {"from_id": "x", "to_id": "y", "product": "钢材"},
                {"from_id": "x", "to_id": "y", "product": "焦炭"},
            ]
        },
    )
    merged = merge_sources([a, b])
    sup = merged.edges["SUPPLIES"]
    assert sup[["from_id", "to_id", "product", "source"]].values.tolist() == [
        ["a", "b", "钢材", "one; two"],
        ["a", "b", "焦炭", "two"],
    ]
    assert merged.per_source[1]["edges also given by an earlier source"] == 1
    assert merged.per_source[1]["nodes merged into a node of another source"] == 2


def test_mapping_file_decides(tmp_path: Path) -> None:
    a = source(
        "one",
        {"Enterprise": [{"id": "a", "name": "甲有限公司"}, {"id": "b", "name": "乙有限公司"}]},
    )
    b = source(
        "two", {"Enterprise": [{"id": "x", "name": "甲有限公司"}, {"id": "y", "name": "别名"}]}
    )
    mapping = tmp_path / "map.csv"
    mapping.write_text(
        "id_a,id_b,decision,note\na,x,different,two firms\nb,y,SAME,\nb,nobody,same,\n",
        encoding="utf-8",
    )
    merged = merge_sources([a, b], overrides=read_overrides(mapping))
    assert sorted(merged.nodes["Enterprise"]["id"]) == ["a", "b", "x"]
    assert merged.merges[["id_a", "id_b", "rule"]].values.tolist() == [["b", "y", "mapping file"]]
    assert merged.kept_apart["reason"].tolist() == ["the mapping file says they are different"]
    assert merged.warnings == [
        "mapping file: b = nobody names an id that is in no source, or ids of two labels (ignored)"
    ]


def test_mapping_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id_a,id_b,decision\na,b,maybe\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"bad.csv, row 2, column 'decision': 'maybe'"):
        read_overrides(bad)
    bad.write_text("id_a,decision\na,same\n", encoding="utf-8")
    with pytest.raises(SourceError, match="column 'id_b' is missing"):
        read_overrides(bad)
    bad.write_text("id_a,id_b,decision\na,,same\n", encoding="utf-8")
    with pytest.raises(SourceError, match="row 2: id_a and id_b must both be given"):
        read_overrides(bad)
    with pytest.raises(SourceError, match="no such mapping file"):
        read_overrides(tmp_path / "none.csv")


def test_resolve_entities_on_one_source_does_nothing() -> None:
    df = pd.DataFrame(
        {"id": ["a", "b"], "name": ["甲", "甲"], "source": "s", "_src": 0, "_source": "s"}
    )
    out = resolve_entities({"Enterprise": df})
    assert out.nodes["Enterprise"]["id"].tolist() == ["a", "b"]
    assert out.merges.empty and not out.id_map
