"""SPARQL on a package: the example queries agree with pandas, and nothing but reading runs."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.commands.rdf import example_queries
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.graph.rdf import export_package, run_sparql, to_rdflib
from tests.factory import make_tables


@pytest.fixture(scope="module")
def rdf(demo_package: Path):
    return to_rdflib(demo_package)


def example(name: str) -> str:
    return example_queries()[name].read_text(encoding="utf-8")


def city_of(G: EcosystemGraph) -> dict[str, str]:
    """Each node's city: the city-level region reached by following LOCATED_IN upwards."""
    up = nx.DiGraph()
    up.add_edges_from(G.edges["LOCATED_IN"][["from_id", "to_id"]].itertuples(index=False))
    regions = G.nodes["Region"]
    cities = dict(zip(regions["id"], regions["name"], strict=True))
    city_ids = set(regions.loc[regions["level"] == "city", "id"])
    out = {}
    for node in up.nodes:
        found = [c for c in nx.descendants(up, node) if c in city_ids]
        if found:
            assert len(found) == 1, node
            out[node] = cities[found[0]]
    return out


def test_suppliers_of_an_enterprise(rdf, demo_graph: EcosystemGraph):
    supplies = demo_graph.edges["SUPPLIES"]
    buyer = supplies["to_id"].value_counts().idxmax()
    names = demo_graph.nodes["Enterprise"].set_index("id")["name"]
    mine = supplies[supplies["to_id"] == buyer]
    expected = sorted(
        (r.from_id, names[r.from_id], r.product, round(r.share, 9))
        for r in mine.itertuples(index=False)
    )
    got = run_sparql(rdf, example("suppliers_of_enterprise"), params={"enterprise": buyer})
    assert list(got.columns) == ["supplier_id", "supplier", "product", "share"]
    assert (
        sorted(
            (r.supplier_id, r.supplier, r.product, round(r.share, 9))
            for r in got.itertuples(index=False)
        )
        == expected
    )
    assert got["share"].is_monotonic_decreasing
    assert len(expected) >= 3


def test_enterprises_without_research_partner(rdf, demo_graph: EcosystemGraph):
    firms = demo_graph.nodes["Enterprise"]
    collab = demo_graph.edges["COLLABORATES_WITH"]
    institutes = set(demo_graph.nodes["ResearchInstitute"]["id"])
    partnered = set(collab.loc[collab["to_id"].isin(institutes), "from_id"])
    cities = city_of(demo_graph)
    big = firms[firms["size"].isin(["large", "medium"]) & ~firms["id"].isin(partnered)]
    expected = sorted((cities[i], i) for i in big["id"] if i in cities)
    got = run_sparql(rdf, example("enterprises_without_research_partner"))
    assert sorted(zip(got["city"], got["enterprise_id"], strict=True)) == expected
    zhengzhou = run_sparql(
        rdf, example("enterprises_without_research_partner"), params={"city": "郑州市"}
    )
    assert sorted(zhengzhou["enterprise_id"]) == sorted(i for c, i in expected if c == "郑州市")


def test_alliances_and_members(rdf, demo_graph: EcosystemGraph):
    member = demo_graph.edges["MEMBER_OF"]
    alliances = demo_graph.nodes["Alliance"].set_index("id")
    expected = sorted(
        (r.to_id, alliances.at[r.to_id, "name"], r.from_id, demo_graph.label_of(r.from_id), r.role)
        for r in member.itertuples(index=False)
    )
    got = run_sparql(rdf, example("alliances_and_members"))
    assert (
        sorted(
            zip(
                got["alliance_id"],
                got["alliance"],
                got["member_id"],
                got["member_label"],
                got["role"],
                strict=True,
            )
        )
        == expected
    )


def test_funds_and_investments(rdf, demo_graph: EcosystemGraph):
    funds = demo_graph.nodes["Fund"]
    inv = demo_graph.edges["INVESTS_IN"]
    per_fund = inv.groupby("from_id").agg(n=("to_id", "size"), total=("amount", "sum"))
    expected = sorted(
        (
            f,
            int(per_fund["n"].get(f, 0)),
            round(float(per_fund["total"].get(f, 0.0)), 6),
        )
        for f in funds["id"]
    )
    got = run_sparql(rdf, example("funds_and_investments"))
    assert (
        sorted(
            zip(
                got["fund_id"],
                got["investments"],
                got["total_amount"].astype(float).round(6),
                strict=True,
            )
        )
        == expected
    )
    assert got["total_amount"].astype(float).is_monotonic_decreasing


def test_platforms_per_city(rdf, demo_graph: EcosystemGraph):
    platforms = demo_graph.nodes["Platform"]
    cities = city_of(demo_graph)
    frame = pd.DataFrame(
        {
            "city": platforms["id"].map(cities),
            "demo": platforms["demonstration"].notna(),
        }
    ).dropna(subset=["city"])
    expected = frame.groupby("city").agg(n=("demo", "size"), d=("demo", "sum"))
    expected = sorted((c, int(r.n), int(r.d)) for c, r in expected.iterrows())
    got = run_sparql(rdf, example("platforms_per_city"))
    assert (
        sorted(zip(got["city"], got["platforms"], got["demonstration_platforms"], strict=True))
        == expected
    )


def test_the_owl_time_reading(rdf):
    got = run_sparql(rdf, example("owl_time"))
    assert list(got.columns) == ["subject", "predicate", "object"]
    years = got[got["predicate"] == "http://www.w3.org/2006/time#inXSDgYear"]
    assert len(years) > 1000 and years["object"].astype(str).str.fullmatch(r"\d{4}").all()


@pytest.mark.parametrize(
    "query,message",
    [
        ('INSERT DATA { <urn:a> <urn:b> "c" }', "updates .* are refused"),
        ("DELETE WHERE { ?s ?p ?o }", "updates .* are refused"),
        ("CLEAR ALL", "updates .* are refused"),
        ("LOAD <http://example.org/data.ttl>", "updates .* are refused"),
        ("DROP DEFAULT", "updates .* are refused"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "FROM and FROM NAMED"),
        ("SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o }", "FROM and FROM NAMED"),
        ("SELEKT ?s WHERE { ?s ?p ?o }", "not a SPARQL query"),
        ("SELECT ?s WHERE { ?s nope:p ?o }", "cannot run this query"),
    ],
)
def test_anything_but_reading_is_refused(query: str, message: str):
    tables = make_tables({"Product": [{"id": "p", "name": "钢材"}]})
    with pytest.raises(QueryError, match=message):
        run_sparql(tables, query)


def test_ask_construct_and_parameters():
    tables = make_tables(
        {"Enterprise": [{"id": "E1", "name": "甲"}, {"id": "E2", "name": "乙"}]},
        {"SUPPLIES": [("E1", "E2", {"share": 0.5})]},
    )
    assert run_sparql(tables, "ASK { ?e ik:supplies ?f }").to_dict("list") == {"ask": [True]}
    got = run_sparql(
        tables,
        "CONSTRUCT { ?f ik:suppliedBy ?e } WHERE { ?e ik:supplies ?f }",
    )
    assert got.values.tolist() == [
        [
            "https://w3id.org/innokg/id/E2",
            "https://w3id.org/innokg/ontology#suppliedBy",
            "https://w3id.org/innokg/id/E1",
        ]
    ]
    query = "SELECT ?id ?name WHERE { ?e dcterms:identifier ?id ; ik:name ?name }"
    assert run_sparql(tables, query, params={"id": "E2"}).values.tolist() == [["E2", "乙"]]
    node = run_sparql(
        tables,
        "SELECT ?name WHERE { ?e ik:name ?name }",
        params={"e": "<https://w3id.org/innokg/id/E1>"},
    )
    assert node["name"].tolist() == ["甲"]
    with pytest.raises(QueryError, match="not a SPARQL variable name"):
        run_sparql(tables, query, params={"1x": "E2"})


def test_sparql_on_an_rdf_file(tmp_path: Path):
    tables = make_tables({"Enterprise": [{"id": "E1", "name": "甲", "employees": 3}]})
    path = tmp_path / "g.jsonld"
    export_package(tables, path, format="jsonld")
    got = run_sparql(path, "SELECT ?n WHERE { ?e ik:employees ?n }")
    assert got["n"].tolist() == [3]


def test_sparql_command(demo_package: Path, tmp_path: Path):
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "sparql",
            str(demo_package),
            "SELECT (COUNT(*) AS ?n) WHERE { ?e a ik:Enterprise }",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    firms = len(EcosystemGraph.open(demo_package).nodes["Enterprise"])
    assert json.loads(result.output) == [{"n": firms}]

    result = runner.invoke(
        main, ["sparql", str(demo_package), "-f", "platforms_per_city", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "city_code,city,platforms,demonstration_platforms"

    query = tmp_path / "q.rq"
    query.write_text("SELECT ?id WHERE { ?e a ik:Fund ; dcterms:identifier ?id } LIMIT 2")
    result = runner.invoke(main, ["sparql", str(demo_package), "-f", str(query)])
    assert result.exit_code == 0, result.output

    result = runner.invoke(main, ["sparql", str(demo_package), "DELETE WHERE { ?s ?p ?o }"])
    assert result.exit_code == 1
    assert "updates" in result.output and "Traceback" not in result.output

    result = runner.invoke(main, ["sparql", str(demo_package)])
    assert result.exit_code == 2
    result = runner.invoke(main, ["sparql", str(demo_package), "-f", "no_such_query"])
    assert result.exit_code == 1 and "platforms_per_city" in result.output
