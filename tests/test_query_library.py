"""The shared query library: headers, parameters, the dialect adapter, query text rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.graph.package import DATABASE_FILE, read_manifest
from innokg.graph.stores.base import (
    check_parameters,
    engine_error,
    mask,
    parameter_names,
    plain,
    write_clauses,
)
from innokg.graph.stores.embedded import EmbeddedStore
from innokg.queries.library import (
    GRAPHS,
    LIBRARY,
    PARAM_TYPES,
    MissingData,
    adapt,
    example_graph,
    get_query,
    infer_value,
    lacking,
    load_library,
    parse_query,
    run_query,
)

REPO = Path(__file__).resolve().parents[1]
QUERIES = load_library()

GOOD = """\
// name: demo_query
// title.zh: 示例
// title.en: An example
// description.zh: 说明
//   续行。
// description.en: What it does,
//   continued.
// articles: 3, 12
// param: city string example="郑州市" | 城市 | the city
// param: sizes string[] example=["large"] default=[] | 规模 | sizes
// param: k int example=5 default=10 | 行数 | rows
// column: id string | 标识 | the id
MATCH (e:Enterprise)-[:LOCATED_IN]->(c:Region {name: $city})
WHERE size($sizes) = 0 OR e.size IN $sizes
RETURN e.id AS id LIMIT $k
"""


# --- the library as shipped -----------------------------------------------------------------


def test_the_library_has_at_least_fifteen_documented_queries() -> None:
    assert len(QUERIES) >= 15
    assert sorted(QUERIES) == sorted(p.stem for p in LIBRARY.glob("*.cypher"))
    for q in QUERIES.values():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", q.name)
        assert q.title_zh and q.title_en and q.description_zh and q.description_en
        assert re.search(r"[\u4e00-\u9fff]", q.title_zh + q.description_zh), q.name
        assert q.columns, q.name
        assert all(p.type in PARAM_TYPES and p.zh and p.en for p in q.params), q.name
        assert q.bind(q.examples()) == q.examples()


def test_which_queries_need_the_adapter() -> None:
    adapted = {n for n, q in QUERIES.items() if q.text_for("embedded") != q.text}
    assert adapted == {
        "alliance_members",
        "find_nodes",
        "fund_portfolio",
        "policy_support",
        "recognised_people",
        "shortest_chain",
    }
    for q in QUERIES.values():
        assert q.text_for("neo4j") == q.text


def test_every_query_has_a_real_example_or_says_what_it_needs() -> None:
    for q in QUERIES.values():
        assert q.henan_example is not None or q.needs or not any(p.required for p in q.params), (
            f"{q.name}: give an 'example.henan:' line, or a 'needs:' line saying why not"
        )
        for graph in GRAPHS:
            assert q.bind(q.examples(graph)) == q.examples(graph), q.name
        for need in q.needs:
            assert need.zh and need.en and need.items, q.name
            assert re.search(r"[\u4e00-\u9fff]", need.zh), q.name


def test_example_graph_reads_the_manifest(demo_package: Path) -> None:
    assert example_graph(demo_package) == "demo"
    assert example_graph(read_manifest(demo_package)) == "demo"
    assert example_graph({"scope": "henan", "synthetic": False}) == "henan"
    assert example_graph({"scope": "henan", "synthetic": True}) == "demo"
    assert example_graph({"title": "my own tables"}) == "demo"
    assert example_graph(None) == "demo"


def test_docs_describe_every_query_and_command() -> None:
    doc = (REPO / "docs" / "cypher.md").read_text(encoding="utf-8")
    for name in QUERIES:
        assert f"`{name}`" in doc, name
    for command in (
        "innokg cypher",
        "innokg shell",
        "innokg push",
        "innokg pull",
        "innokg queries list",
        "innokg queries show",
        "innokg queries run",
    ):
        assert command in doc, command
    for term in ("label(r)", "SHORTEST", "list_transform", "read-only"):
        assert term in doc, term


# --- headers -----------------------------------------------------------------------------------


def test_a_header_is_parsed_in_full() -> None:
    q = parse_query(GOOD, "demo_query")
    assert (q.title_zh, q.title_en) == ("示例", "An example")
    assert q.description_zh == "说明 续行。"
    assert q.description_en == "What it does, continued."
    assert q.articles == (3, 12)
    assert [(p.name, p.type, p.example, p.required) for p in q.params] == [
        ("city", "string", "郑州市", True),
        ("sizes", "string[]", ["large"], False),
        ("k", "int", 5, False),
    ]
    assert [(c.name, c.type, c.zh, c.en) for c in q.columns] == [("id", "string", "标识", "the id")]
    assert q.text.startswith("MATCH (e:Enterprise)")
    assert q.henan_example is None and q.needs == () and q.needs_line == ""
    assert q.examples("henan") == q.examples() == {"city": "郑州市", "sizes": ["large"], "k": 5}


REAL = """\
// example.henan: city="region:4103"
//   k=3
// needs: Enterprise.size, MEMBER_OF/INVESTS_IN | 企业规模 | firm sizes
// needs: Person | 人才 | people
"""


def test_real_examples_and_needs_are_parsed() -> None:
    q = parse_query(GOOD.replace("// column:", REAL + "// column:"), "demo_query")
    assert q.henan_example == {"city": "region:4103", "k": 3}
    assert q.examples("henan") == {"city": "region:4103", "sizes": ["large"], "k": 3}
    assert q.examples("demo") == {"city": "郑州市", "sizes": ["large"], "k": 5}
    assert [(n.items, n.zh, n.en) for n in q.needs] == [
        ((("Enterprise.size",), ("MEMBER_OF", "INVESTS_IN")), "企业规模", "firm sizes"),
        ((("Person",),), "人才", "people"),
    ]
    assert q.needs_line == "it needs firm sizes; and people. 需要企业规模；人才。"
    with pytest.raises(QueryError, match="no examples for graph 'mars'"):
        q.examples("mars")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('city="region:4103"', 'town="x"'), "example.henan: names no parameter(s) town"),
        (("k=3", "k=three"), "Expecting value"),
        (("k=3", "k=true"), "parameter 'k' must be int"),
        (("k=3", "k=3 k=4"), "k= is given twice"),
        (("Enterprise.size", "Firm.size"), "'Firm' is no node label or edge type"),
        (("Enterprise.size", "Enterprise.height"), "Enterprise has no property 'height'"),
        (("| 人才 | people", "| people"), "expected 3 parts"),
    ],
)
def test_a_bad_real_example_or_need_is_reported(change: tuple[str, str], message: str) -> None:
    text = GOOD.replace("// column:", REAL.replace(*change) + "// column:")
    with pytest.raises(QueryError, match=re.escape(message)) as info:
        parse_query(text, "demo_query")
    assert "queries/cypher/demo_query.cypher" in str(info.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("// name: demo_query", "// name: other"), "must say 'name: demo_query'"),
        (("// title.en: An example\n", ""), "no 'title.en:'"),
        (('example="郑州市" ', ""), "has no example="),
        (('string example="郑州', 'text example="郑州'), "type must be one of"),
        (("LIMIT $k", "LIMIT $limit"), "the query uses"),
        (("// column: id string | 标识 | the id\n", ""), "no 'column:'"),
        (("| 城市 | the city", "| 城市"), "expected 3 parts"),
        (('example="郑州市"', 'example="郑州市" henan="洛阳市"'), "unknown henan="),
        (("example=5 default=10", "example=5 example=6"), "example= is given twice"),
        (("example=5 default=10", 'example="five"'), "parameter 'k' must be int"),
    ],
)
def test_a_bad_header_is_reported_with_the_file(change: tuple[str, str], message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)) as info:
        parse_query(GOOD.replace(*change), "demo_query")
    assert "queries/cypher/demo_query.cypher" in str(info.value)


# --- parameters ----------------------------------------------------------------------------------


def test_bind_types_text_fills_defaults_and_names_what_is_wrong() -> None:
    q = parse_query(GOOD, "demo_query")
    assert q.bind({"city": "洛阳市", "sizes": "large, medium", "k": "3"}) == {
        "city": "洛阳市",
        "sizes": ["large", "medium"],
        "k": 3,
    }
    assert q.bind({"city": "4101", "sizes": '["micro"]'}) == {
        "city": "4101",
        "sizes": ["micro"],
        "k": 10,
    }
    with pytest.raises(QueryError, match=r"needs --param city=VALUE \(string, e.g. \"郑州市\""):
        q.bind({})
    with pytest.raises(QueryError, match="has no parameter\\(s\\) town; it takes: city, sizes, k"):
        q.bind({"city": "x", "town": "y"})
    with pytest.raises(QueryError, match="parameter 'k' must be int, not 'three'"):
        q.bind({"city": "x", "k": "three"})
    with pytest.raises(QueryError, match="parameter 'k' must be int"):
        q.bind({"city": "x", "k": True})


def test_infer_value_types_command_line_text() -> None:
    assert infer_value("42") == 42
    assert infer_value("-1.5") == -1.5
    assert infer_value("false") is False
    assert infer_value("null") is None
    assert infer_value('{"a": [1, "b"]}') == {"a": [1, "b"]}
    assert infer_value('"4101"') == "4101"
    assert infer_value("郑州市") == "郑州市"
    assert infer_value("O'Brien }") == "O'Brien }"


def test_unknown_query_lists_the_known_ones() -> None:
    with pytest.raises(QueryError, match=r"no library query named 'nope'.*suppliers_of"):
        get_query("nope")


# --- the dialect adapter ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("neo4j", "embedded"),
    [
        ("MATCH (a)-[r]->(b) RETURN type(r) AS t", "MATCH (a)-[r]->(b) RETURN label(r) AS t"),
        (
            "RETURN TYPE (r), r.type, 'type(r)' // type(r)",
            "RETURN label (r), r.type, 'type(r)' // type(r)",
        ),
        ("RETURN labels(n)[0] AS l, labels(n) AS ls", "RETURN label(n) AS l, labels(n) AS ls"),
        (
            "MATCH p = shortestPath((a)-[:A|B*..6]-(b)) RETURN p",
            "MATCH p = (a)-[:A|B* SHORTEST 1..6]-(b) RETURN p",
        ),
        (
            "MATCH p = shortestPath((a)-[*2..4]->(b)) RETURN p",
            "MATCH p = (a)-[* SHORTEST 2..4]->(b) RETURN p",
        ),
        (
            "MATCH p = shortestPath((a)-[*]-(b)) RETURN p",
            "MATCH p = (a)-[* SHORTEST 1..30]-(b) RETURN p",
        ),
        ("RETURN [x IN xs | x.id] AS ids", "RETURN list_transform(xs, x -> x.id) AS ids"),
        ("RETURN [x IN xs WHERE x > 1] AS big", "RETURN list_filter(xs, x -> x > 1) AS big"),
        (
            "RETURN [x IN [y IN ys | y * 2] WHERE x > 2 | [x, 'a|b']] AS z",
            "RETURN list_transform(list_filter(list_transform(ys, y -> y * 2), x -> x > 2), "
            "x -> [x, 'a|b']) AS z",
        ),
        ("RETURN '[x IN xs | x]' AS s, [1, 2] AS l", "RETURN '[x IN xs | x]' AS s, [1, 2] AS l"),
    ],
)
def test_adapter_rewrites_neo4j_forms_for_the_embedded_engine(neo4j: str, embedded: str) -> None:
    assert adapt(neo4j, "embedded") == embedded
    assert adapt(neo4j, "neo4j") == neo4j
    assert adapt(embedded, "embedded") == embedded  # ladybug's own spelling is left alone


def test_adapter_reports_unbalanced_brackets() -> None:
    with pytest.raises(QueryError, match="unbalanced"):
        adapt("RETURN [x IN xs | x", "embedded")


# --- query text rules shared by the stores --------------------------------------------------


def test_mask_blanks_strings_comments_and_backticks_keeping_positions() -> None:
    q = "MATCH (n {a: 'x\\'$y', b: \"$z\"}) /* $c\n */ RETURN n.`$w` // $v"
    m = mask(q)
    assert len(m) == len(q) and m.count("\n") == q.count("\n")
    assert "$" not in m and "MATCH (n {a: '" in m and "RETURN n.`" in m


def test_parameter_names_and_checks() -> None:
    q = "MATCH (n) WHERE n.id = $id AND n.x IN $`odd name` AND n.y = $0 RETURN $id, '$no'"
    assert parameter_names(q) == ["id", "odd name", "0"]
    check_parameters(q, {"id": 1, "odd name": 2, "0": 3})
    with pytest.raises(QueryError, match=r"\$odd name, \$0; give them with"):
        check_parameters(q, {"id": 1})


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("MATCH (n) RETURN n", []),
        ("MATCH (n) WHERE n.name = 'CREATE SET' RETURN n.set, n.create // DELETE", []),
        ("MATCH (n:`DROP`) RETURN {merge: 1, delete: 2}", []),
        ("CREATE (n:X)", ["CREATE"]),
        ("MATCH (n) DETACH DELETE n", ["DETACH", "DELETE"]),
        ("match (n) set n.x = 1 remove n.y", ["SET", "REMOVE"]),
        ("MERGE (n:X {id: 1}) ON CREATE SET n.y = 2", ["MERGE", "CREATE", "SET"]),
        ("COPY (MATCH (n) RETURN n.id) TO '/tmp/x.csv'", ["COPY"]),
        ("CHECKPOINT", ["CHECKPOINT"]),
        ("LOAD EXTENSION json", ["LOAD EXTENSION"]),
        ("FOREACH (x IN [1] | CREATE (:X))", ["FOREACH", "CREATE"]),
        ("DROP TABLE Enterprise", ["DROP"]),
        ("MATCH (n) RETURN n.set AS set, count(*) AS create", []),
        ("MATCH (n) WITH n AS merge SET merge.x = 1", ["SET"]),
    ],
)
def test_write_clauses_are_found_outside_strings(query: str, found: list[str]) -> None:
    assert write_clauses(query) == found


def test_engine_errors_keep_the_position() -> None:
    q = "MATCH (n)\nRETURN n.x +"
    for message in (
        "Parser exception: Invalid input <RETURN n.x +>: expected ... (line: 2, offset: 12)",
        "Syntax error at line 2:12 - mismatched input '<EOF>'",
        "Invalid input '': expected an expression (line 2, column 13 (offset: 22))",
    ):
        text = str(engine_error(q, message))
        assert text.endswith("at line 2, column 13:\n  RETURN n.x +\n              ^"), text
    assert str(engine_error(q, "Binder exception: no such thing\nmore")) == (
        "the database refused the query: Binder exception: no such thing"
    )


def test_plain_turns_embedded_nodes_into_property_dicts() -> None:
    node = {"_ID": {"offset": 0, "table": 0}, "_LABEL": "Enterprise", "id": "e1", "until": None}
    rel = {"_SRC": {}, "_DST": {}, "_ID": {}, "_LABEL": "SUPPLIES", "share": 0.5}
    assert plain(node) == {"_label": "Enterprise", "id": "e1"}
    assert plain({"_NODES": [node], "_RELS": [rel]}) == {
        "nodes": [{"_label": "Enterprise", "id": "e1"}],
        "relationships": [{"_label": "SUPPLIES", "share": 0.5}],
    }
    assert plain([node, 1, "x"]) == [{"_label": "Enterprise", "id": "e1"}, 1, "x"]


def test_docs_show_the_schema_as_cypher_sees_it() -> None:
    from innokg.graph.schema import EDGE_TYPES, NODE_LABELS

    doc = (REPO / "docs" / "cypher.md").read_text(encoding="utf-8")
    section = doc.split("## The schema as Cypher sees it")[1].split("\n## ")[0]
    for spec in [*NODE_LABELS.values(), *EDGE_TYPES.values()]:
        row = next((ln for ln in section.splitlines() if ln.startswith(f"| `{spec.name}`")), "")
        assert row, f"docs/cypher.md: no row for {spec.name} in the schema tables"
        for prop in spec.props:
            assert f"`{prop.name}`" in row or f"`{prop.name}`" in section.split("|")[0], (
                f"docs/cypher.md: {spec.name}.{prop.name} is missing from the schema tables"
            )


# --- the examples, run: on the demo and on the real Henan build ----------------------------

#: The queries the real Henan build answers with their ``example.henan:`` values; the
#: others need data the public sources lack, and say so.
ANSWERED_ON_HENAN = {
    "city_enterprises",
    "city_specialisations",
    "cluster_enterprises",
    "cluster_profile",
    "customers_of",
    "ecosystem_breadth",
    "find_nodes",
    "industry_enterprises",
    "platforms_by_city_year",
    "platforms_in_city",
    "shortest_chain",
    "single_supplier_inputs",
    "suppliers_of",
    "upstream_products",
}


def invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.output


def run_all(store: EmbeddedStore, graph: str) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Every query run with the examples of ``graph``: tables, and the lines of those that need."""
    answered, needs = {}, {}
    for name, q in QUERIES.items():
        if lacking(store, q):
            with pytest.raises(MissingData) as info:
                run_query(store, q, q.examples(graph))
            needs[name] = str(info.value)
            assert needs[name] == f"{name} has no answer on this graph: {q.needs_line}"
            assert "\n" not in needs[name]
        else:
            answered[name] = df = run_query(store, q, q.examples(graph))
            assert list(df.columns) == [c.name for c in q.columns], name
    return answered, needs


def test_the_demo_examples_answer_on_the_demo(demo_package: Path) -> None:
    with EmbeddedStore(demo_package / DATABASE_FILE) as store:
        answered, needs = run_all(store, example_graph(demo_package))
    assert needs == {}
    assert [name for name, df in answered.items() if df.empty] == []


@pytest.fixture(scope="module")
def henan(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from innokg.henan import build_henan

    out = tmp_path_factory.mktemp("henan-library") / "henan"
    build_henan(out, data=shared_data)
    return out


@pytest.fixture(scope="module")
def henan_run(henan: Path) -> Iterator[tuple[dict[str, pd.DataFrame], dict[str, str]]]:
    assert example_graph(henan) == "henan"
    with EmbeddedStore(henan / DATABASE_FILE) as store:
        yield run_all(store, "henan")


@pytest.mark.realdata
def test_the_real_examples_answer_on_the_real_build_or_say_what_is_missing(
    henan_run: tuple[dict[str, pd.DataFrame], dict[str, str]],
) -> None:
    answered, needs = henan_run
    assert {name for name, df in answered.items() if len(df)} == ANSWERED_ON_HENAN
    assert set(needs) == set(QUERIES) - ANSWERED_ON_HENAN
    assert "alliance membership (MEMBER_OF)" in needs["alliance_members"]
    assert "firm sizes (Enterprise.size)" in needs["enterprises_without_research_partner"]


@pytest.mark.realdata
def test_the_real_answers_agree_with_the_tables(
    henan: Path, henan_run: tuple[dict[str, pd.DataFrame], dict[str, str]]
) -> None:
    answered, _ = henan_run
    G = EcosystemGraph.open(henan)
    nodes, edges = G.nodes, G.edges
    loc = edges["LOCATED_IN"]
    up: dict[str, set[str]] = {}
    for f, t in zip(loc["from_id"], loc["to_id"], strict=True):
        up.setdefault(f, set()).add(t)

    def in_city(x: str, city: str) -> bool:  # the city, or a county or zone of it
        return any(city in {t, *up.get(t, ())} for t in up.get(x, ()))

    yutong, centre = "ent:stock:600066", "platform:etc:郑州宇通客车股份有限公司技术中心"
    firms = set(answered["city_enterprises"]["enterprise"])
    assert yutong in firms
    assert firms == {e for e in nodes["Enterprise"]["id"] if in_city(e, "region:4101")}

    centres = answered["platforms_in_city"]
    etc = nodes["Platform"].query("kind == 'enterprise_tech_center'")["id"]
    assert set(centres["platform"]) == {p for p in etc if in_city(p, "region:4101")}
    operates = edges["OPERATES"]
    ran = operates[operates["to_id"].isin(centres["platform"])]
    assert set(centres["operator"]) == set(ran["from_id"])
    assert centres.query("platform == @centre")["operator"].tolist() == [yutong]

    spec = edges["SPECIALISES_IN"].query("from_id == 'region:4101' and quotient >= 1.0")
    got = answered["city_specialisations"]
    assert sorted(zip(got["industry"], got["quotient"], strict=True)) == sorted(
        zip(spec["to_id"], spec["quotient"], strict=True)
    )
    assert got["quotient"].is_monotonic_decreasing
    assert ("industry:gbt4754:C36" in set(got["industry"])) == (
        "industry:gbt4754:C36" in set(spec["to_id"])
    )

    found = answered["find_nodes"]
    assert {yutong, centre} <= set(found["id"])
    assert yutong in set(answered["industry_enterprises"]["enterprise"])
    zone = set(answered["cluster_enterprises"]["enterprise"])
    assert "ent:stock:601717" in zone
    assert zone == set(loc.query("to_id == 'zone:410171'")["from_id"]) & set(
        nodes["Enterprise"]["id"]
    )

    supplies = edges["SUPPLIES"]
    tier1 = answered["suppliers_of"].query("tier == 1")["supplier"]
    assert set(tier1) == set(supplies.query("to_id == 'ent:stock:600569'")["from_id"])
    customers = answered["customers_of"]["customer"]
    assert set(customers) == set(supplies.query("from_id == 'ent:stock:000612'")["to_id"])
    chain = answered["shortest_chain"].iloc[0]
    assert chain["ids"][0] == "ent:stock:000612" and chain["ids"][-1].startswith("platform:etc:")


@pytest.mark.realdata
def test_the_command_says_what_the_real_build_lacks(henan: Path) -> None:
    out = invoke("queries", "run", "alliance_members", str(henan), "--example")
    assert "alliance_members has no answer on this graph" in out
    assert get_query("alliance_members").needs_line in " ".join(out.split())
    out = invoke("queries", "run", "find_nodes", str(henan), "-p", "text=宇通", "--format", "csv")
    assert "ent:stock:600066" in out
