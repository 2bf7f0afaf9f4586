"""The shared query library: headers, parameters, the dialect adapter, query text rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from innokg.graph.errors import QueryError
from innokg.graph.stores.base import (
    check_parameters,
    engine_error,
    mask,
    parameter_names,
    plain,
    write_clauses,
)
from innokg.queries.library import (
    LIBRARY,
    PARAM_TYPES,
    adapt,
    get_query,
    infer_value,
    load_library,
    parse_query,
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
