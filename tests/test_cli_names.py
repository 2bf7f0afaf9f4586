"""Nodes and cities named on the command line as an analyst types them, and answers
that say why they are empty, in the chosen language."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from innokg.cli import main
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import NodeNotFound, QueryError
from innokg.graph.package import write_package
from innokg.queries.arrays import arrays, resolve_city, resolve_node
from tests.factory import make_tables

NODES = {
    "Enterprise": [
        {"id": "ent:stock:600066", "name": "郑州宇通客车股份有限公司", "stock_code": "600066.SH"},
        {
            "id": "ent:stock:000895",
            "name": "河南双汇投资发展股份有限公司",
            "stock_code": "000895.SZ",
        },
        {"id": "e3", "name": "郑州煤矿机械集团股份有限公司", "credit_code": "914101001700324125"},
        {"id": "e4", "name": "漯河卫龙商贸有限公司", "name_en": "Weilong Trading"},
    ],
    "Platform": [{"id": "pf1", "name": "郑州宇通客车股份有限公司技术中心"}],
    "Region": [
        {"id": "region:11", "name": "北京市", "level": "province", "code": "11"},
        {"id": "region:41", "name": "河南省", "level": "province", "code": "41"},
        {"id": "region:4101", "name": "郑州市", "level": "city", "code": "4101"},
        {"id": "region:410102", "name": "中原区", "level": "county", "code": "410102"},
        {"id": "region:410181", "name": "巩义市", "level": "county", "code": "410181"},
        {"id": "region:4111", "name": "漯河市", "level": "city", "code": "4111"},
    ],
}
EDGES = {
    "LOCATED_IN": [
        ("ent:stock:600066", "region:4101"),
        ("e3", "region:4101"),
        ("ent:stock:000895", "region:4111"),
        ("e4", "region:4111"),
        ("pf1", "region:4101"),
        ("region:4101", "region:41"),
        ("region:4111", "region:41"),
        ("region:410102", "region:4101"),
        ("region:410181", "region:4101"),
    ],
    "SUPPLIES": [("e3", "ent:stock:000895"), ("e4", "ent:stock:000895")],
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("names") / "names"
    info = {"scope": "henan", "scope_region": "region:41"}  # as innokg henan writes
    write_package(make_tables(NODES, EDGES), out, sources=[], info=info)
    return out


@pytest.fixture(scope="module")
def G(package: Path) -> EcosystemGraph:
    return EcosystemGraph.open(package)


def invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def ids(G: EcosystemGraph, text: str, label: str | tuple[str, ...] | None = None) -> str:
    return str(arrays(G).ids[resolve_node(G, text, label)])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("e3", "e3"),  # an exact id
        ("pf1", "pf1"),  # an exact id of any label, even when labels are given
        ("600066", "ent:stock:600066"),  # a stock code without its exchange
        ("000895.sz", "ent:stock:000895"),  # with it, in any case
        ("914101001700324125", "e3"),  # a credit code
        ("郑州宇通客车股份有限公司", "ent:stock:600066"),  # the full name
        ("weilong trading", "e4"),  # the English name, case ignored
        ("双汇", "ent:stock:000895"),  # a part of the name only it has
        ("宇通客车", "ent:stock:600066"),  # its 技术中心 is named after it
        ("技术中心", "pf1"),
    ],
)
def test_resolve_node_takes_what_an_analyst_types(
    G: EcosystemGraph, text: str, expected: str
) -> None:
    assert ids(G, text) == expected


def test_resolve_node_looks_among_the_labels_asked_for(G: EcosystemGraph) -> None:
    assert ids(G, "pf1", ("Enterprise",)) == "pf1"
    with pytest.raises(NodeNotFound) as caught:
        resolve_node(G, "技术中心", ("Enterprise", "Fund"))
    assert str(caught.value) == (
        "nothing in this graph matches '技术中心' among the Enterprise, Fund nodes: give a "
        "node's id, a stock or credit code, its full name or a part of it that only it has; "
        "the search box of `innokg serve PACKAGE` finds names and ids"
    )


def test_resolve_node_lists_the_candidates_of_an_ambiguous_name(G: EcosystemGraph) -> None:
    with pytest.raises(QueryError) as caught:
        resolve_node(G, "郑州", "Enterprise")
    assert str(caught.value) == (
        "'郑州' matches 2 nodes: 郑州煤矿机械集团股份有限公司 (e3, 郑州市); "
        "郑州宇通客车股份有限公司 (ent:stock:600066, 郑州市). "
        "Give one of these ids, or more of the name"
    )


def test_resolve_node_says_when_nothing_matches(G: EcosystemGraph) -> None:
    with pytest.raises(NodeNotFound) as caught:
        resolve_node(G, "宇通重工")
    assert caught.value.node_id == "宇通重工"
    assert str(caught.value).startswith("nothing in this graph matches '宇通重工': give")
    assert "cypher" not in str(caught.value).lower()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("巩义市", "巩义市 is a county-level city of 郑州市; use 郑州市"),
        ("410181", "巩义市 is a county-level city of 郑州市; use 郑州市"),
        ("中原区", "中原区 is a county-level division of 郑州市; use 郑州市"),
        (
            "北京市",
            "北京市 is outside this graph's province (河南省); give a city of 河南省, "
            "e.g. 郑州市、漯河市",
        ),
        ("41", "河南省 is the province itself; leave out the city for all of 河南省"),
    ],
)
def test_resolve_city_says_why_a_place_is_not_a_city(
    G: EcosystemGraph, text: str, message: str
) -> None:
    with pytest.raises(QueryError) as caught:
        resolve_city(G, text)
    assert str(caught.value) == message


def test_resolve_city_takes_the_six_digit_code(G: EcosystemGraph) -> None:
    zhengzhou = resolve_city(G, "郑州")
    assert resolve_city(G, "410100") == resolve_city(G, "4101") == zhengzhou
    assert str(arrays(G).ids[zhengzhou]) == "region:4101"


def test_for_and_around_take_a_stock_code_or_a_name(package: Path, tmp_path: Path) -> None:
    by_id = invoke("partners", package, "--for", "ent:stock:000895", "--format", "csv")
    assert by_id.exit_code == 0, by_id.output
    for text in ("000895", "双汇", "河南双汇投资发展股份有限公司"):
        result = invoke("partners", package, "--for", text, "--format", "csv")
        assert result.exit_code == 0, result.output
        assert result.stdout == by_id.stdout
    pages = []
    for text in ("ent:stock:000895", "000895"):
        out = tmp_path / f"{text.replace(':', '_')}.html"
        result = invoke("viz", package, "--around", text, "--out", out)
        assert result.exit_code == 0, result.output
        pages.append(result.output.split(" in ")[0].replace(out.name, "PAGE"))
    assert pages[0] == pages[1] and "(4 nodes, 4 edges," in pages[0]  # 2 buyers, its city
    result = invoke("viz", package, "--partner", "宇通", "双汇", "--out", tmp_path / "p.html")
    assert result.exit_code == 0, result.output


def test_an_ambiguous_or_unknown_name_is_one_clear_error(package: Path) -> None:
    result = invoke("partners", package, "--for", "郑州")
    assert result.exit_code == 1
    assert result.output == (
        "Error: '郑州' matches 2 nodes: 郑州煤矿机械集团股份有限公司 (e3, 郑州市); "
        "郑州宇通客车股份有限公司 (ent:stock:600066, 郑州市). "
        "Give one of these ids, or more of the name\n"
    )
    result = invoke("viz", package, "--around", "宇通重工", "--out", "x.html")
    assert result.exit_code == 1
    assert result.output.startswith("Error: nothing in this graph matches '宇通重工': give")
    result = invoke("clusters", package, "--city", "巩义市")
    assert result.output == "Error: 巩义市 is a county-level city of 郑州市; use 郑州市\n"


def test_a_firm_without_candidates_gets_a_line_saying_why(package: Path) -> None:
    args = ("partners", package, "--for", "宇通客车", "--kind", "enterprise-enterprise")
    result = invoke(*args, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["kind"], r["rank"], r["target"]) for r in rows] == [
        ("enterprise-enterprise", "0", "")
    ]
    assert rows[0]["explanation"] == (
        "没有找到候选：郑州宇通客车股份有限公司与任何尚未相连的企业之间都没有本类的元路径；"
        "它在图中没有PRODUCES、SUPPLIES、COLLABORATES_WITH（出）、MEMBER_OF关系。"
    )
    result = invoke("partners", package, "--for", "宇通客车", "--kind", "fund-team")
    assert result.exit_code == 1
    assert result.output == (
        "Error: 'ent:stock:600066' (郑州宇通客车股份有限公司) is a node of label Enterprise, "
        "which none of the kinds asked for pairs (fund-team pairs MakerTeam with Fund); ask "
        "for a kind with Enterprise, or for every kind\n"
    )


def test_a_year_on_undated_data_says_it_changes_nothing(package: Path) -> None:
    result = invoke("clusters", package, "--year", "2016")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "note: --year 2016 changes nothing here: the graph's firms and supply links carry no "
        "dates, so every one counts in every year"
    )
    assert "changes nothing" not in invoke("clusters", package).stderr


def test_indicator_titles_follow_the_language_and_the_city(package: Path) -> None:
    zh = invoke("indicators", package, "--city", "410100")
    assert zh.exit_code == 0, zh.output
    assert (
        zh.output.splitlines()[0]
        == "政策指标（郑州市），不限年份（图中没有年份）：图中没有可测算的指标"
    )
    en = invoke("indicators", package, "--by", "industry", "--city", "郑州", "--lang", "en")
    assert en.stderr.splitlines()[0].startswith(
        "Policy indicators by industry in city 郑州市, all years (the graph records none): no rows"
    )


def test_screen_tables_speak_one_language(demo_package: Path, tmp_path: Path) -> None:
    zh = invoke("indicators", demo_package, "--by", "city", "--year", "2018")
    assert zh.exit_code == 0, zh.output
    assert "政策指标（按市），截至 2018 年" in zh.output
    header = next(line for line in zh.output.splitlines() if "指标名称" in line)
    assert re.findall(r"[A-Za-z_]+", header) == []  # no missing_zh / detail_zh / group_name
    assert re.search(r"│ \d+\.0 ", zh.output) is None  # a count of 98 is not 98.0
    cases = invoke("indicators", demo_package, "--typical-cases", "--year", "2018")
    assert "2018 年典型案例" in cases.output
    gaps = invoke("gaps", demo_package, "--kind", "team_no_finance", "--limit", "2")
    assert "missing_zh" not in gaps.output and "缺少" in gaps.output and "说明" in gaps.output
    book = tmp_path / "indicators.xlsx"
    result = invoke("indicators", demo_package, "--by", "city", "--format", "xlsx", "--out", book)
    assert result.exit_code == 0, result.output
    import openpyxl

    assert openpyxl.load_workbook(book, read_only=True).sheetnames == ["indicators"]


def test_a_gap_note_row_is_named_in_the_chosen_language() -> None:
    import pandas as pd

    from innokg.commands.screen import screen_table
    from innokg.queries.gaps import NOT_MEASURABLE

    df = pd.DataFrame({"entity": ["not_measurable:size", "e1"], "name": [NOT_MEASURABLE, "甲"]})
    assert screen_table(df, "zh")["名称"].tolist() == ["无法测算", "甲"]
    assert screen_table(df, "en")["name"].tolist() == ["not measurable", "甲"]
