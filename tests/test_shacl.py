"""SHACL shapes generated from the schema: each kind of violation, said in plain words."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SH

from innokg.cli import main
from innokg.graph.ontology import IK, edge_terms
from innokg.graph.rdf import export_package, load_rdf_graph, shacl_validate, shapes_graph
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from tests.factory import make_tables
from tests.needs import needs_module

needs_module("pyshacl")

NODE = "https://w3id.org/innokg/id/"
REL = "https://w3id.org/innokg/rel/"
E1, E2, P1 = URIRef(NODE + "E1"), URIRef(NODE + "E2"), URIRef(NODE + "P1")
Z1, Z2 = URIRef(NODE + "Z1"), URIRef(NODE + "Z2")
SUPPLY = URIRef(REL + "SUPPLIES.E1.E2")


@pytest.fixture(scope="module")
def valid_turtle() -> str:
    tables = make_tables(
        {
            "Enterprise": [
                {"id": "E1", "name": "甲", "size": "large", "credit_code": "91350100M000100Y43"},
                {"id": "E2", "name": "乙", "employees": 12},
            ],
            "Product": [{"id": "P1", "name": "钢材"}],
            "Zone": [{"id": "Z1", "name": "园区一"}, {"id": "Z2", "name": "园区二"}],
            "Region": [{"id": "R1", "name": "郑州市", "level": "city", "code": "4101"}],
            "Alliance": [{"id": "A1", "name": "联盟"}],
            "Fund": [{"id": "F1", "name": "基金", "amount": 100.0}],
        },
        {
            "SUPPLIES": [("E1", "E2", {"product": "钢材", "share": 0.5, "confidence": 0.9})],
            "LOCATED_IN": [("E1", "Z1"), ("Z1", "R1"), ("Z2", "R1")],
            "MEMBER_OF": [("E1", "A1", {"role": "理事"})],
            "INVESTS_IN": [("F1", "E2", {"amount": 10.0})],
        },
    )
    buffer = io.StringIO()
    export_package(tables, buffer, format="ttl")
    return buffer.getvalue()


def graph_of(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def test_the_shapes_cover_the_schema():
    g = shapes_graph()
    targets = set(g.objects(None, SH.targetClass))
    assert targets == {IK[label] for label in NODE_LABELS} | {
        edge_terms(t).relation for t in EDGE_TYPES
    }
    assert len(set(g.subjects(SH.path, None))) > 200


def test_a_valid_graph_conforms(valid_turtle: str):
    report = shacl_validate(graph_of(valid_turtle))
    assert report.conforms, report.text()
    assert report.violations.empty
    assert report.text().startswith("conforms:")


def _set(node: URIRef, prop: URIRef, *values: object) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        g.remove((node, prop, None))
        for v in values:
            g.add((node, prop, v if isinstance(v, URIRef | Literal) else Literal(v)))

    return change


def _add(*triples: tuple[URIRef, URIRef, URIRef]) -> Callable[[Graph], None]:
    def change(g: Graph) -> None:
        for t in triples:
            g.add(t)

    return change


LOCATED = URIRef(REL + "LOCATED_IN.Z1.Z2")
LOCATED_IN_PAIRS = "Enterprise->Region, Enterprise->Zone"

CASES = {
    "required": (_set(E1, IK.name), ["Enterprise E1: name is required but missing"]),
    "datatype": (
        _set(E2, IK.employees, "many"),
        ["Enterprise E2: employees 'many' is not a whole number (xsd:integer)"],
    ),
    "allowed values": (
        _set(E1, IK.size, "huge"),
        ["Enterprise E1: size 'huge' is not allowed; use one of large, medium, small, micro"],
    ),
    "minimum": (_set(E1, IK.since, 1700), ["Enterprise E1: since 1700 is below 1800"]),
    "maximum on an edge": (
        _set(SUPPLY, IK.confidence, Literal(1.5)),
        ["SUPPLIES edge E1 -> E2: confidence 1.5 is above 1"],
    ),
    "format": (
        _set(E1, IK.creditCode, "123"),
        [
            "Enterprise E1: credit_code '123' is not a unified social credit code "
            "(18 characters from 0-9 and A-Y without I, O, S, V, Z)"
        ],
    ),
    "one value": (_set(E1, IK.name, "甲", "甲二"), ["Enterprise E1: name has 2 values; give one"]),
    "source is a resource": (
        _set(E1, PROV.wasDerivedFrom, "somewhere"),
        ["Enterprise E1: source must name a resource (an IRI), not the text 'somewhere'"],
    ),
    "link to a wrong class": (
        _add((E1, IK.supplies, P1)),
        [
            "Enterprise E1: SUPPLIES cannot link a Enterprise to a Product; "
            "allowed: Enterprise->Enterprise"
        ],
    ),
    "relation to a wrong class": (
        _set(SUPPLY, IK.to, P1),
        [
            "SUPPLIES edge E1 -> P1: SUPPLIES cannot link a Enterprise to a Product; "
            "allowed: Enterprise->Enterprise"
        ],
    ),
    "missing endpoint": (_set(SUPPLY, IK.to), ["SUPPLIES edge E1 -> ?: has no to node"]),
    "dangling endpoint": (
        _set(SUPPLY, IK["from"], URIRef(NODE + "nowhere")),
        ["SUPPLIES edge nowhere -> E2: its from node 'nowhere' is not a node of the graph"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_kind_of_violation_is_said_in_plain_words(valid_turtle: str, case: str):
    change, expected = CASES[case]
    g = graph_of(valid_turtle)
    change(g)
    report = shacl_validate(g)
    assert not report.conforms
    assert report.violations["message"].tolist() == expected


def test_a_pair_of_classes_not_allowed_together(valid_turtle: str):
    """LOCATED_IN allows Zone -> Region and Enterprise -> Zone, but not Zone -> Zone."""
    g = graph_of(valid_turtle)
    g.add((Z1, IK.locatedIn, Z2))
    g.add((LOCATED, RDF.type, IK.LocatedInRelation))
    g.add((LOCATED, IK["from"], Z1))
    g.add((LOCATED, IK.to, Z2))
    g.add((LOCATED, PROV.wasDerivedFrom, URIRef("https://w3id.org/innokg/source/test")))
    g.add((LOCATED, IK.evidence, Literal("observed")))
    messages = shacl_validate(g).violations["message"].tolist()
    allowed = ", ".join(f"{a}->{b}" for a, b in EDGE_TYPES["LOCATED_IN"].endpoints)
    assert messages == [
        f"LOCATED_IN edge Z1 -> Z2: LOCATED_IN cannot link a Zone to a Zone; allowed: {allowed}",
        f"Zone Z1: LOCATED_IN cannot link a Zone to a Zone; allowed: {allowed}",
    ]
    assert LOCATED_IN_PAIRS in allowed


def test_validation_leaves_the_data_graph_as_it_was(valid_turtle: str):
    g = graph_of(valid_turtle)
    before = set(g)
    shacl_validate(g)
    assert set(g) == before


def test_validate_shacl_on_the_command_line(valid_turtle: str, tmp_path: Path):
    good = tmp_path / "good.ttl"
    good.write_text(valid_turtle, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--shacl", str(good)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("conforms:")

    g = load_rdf_graph(good)
    CASES["allowed values"][0](g)
    bad = tmp_path / "bad.nt"
    bad.write_text(g.serialize(format="nt"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--shacl", str(bad)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"1 SHACL violation(s) in {len(g)} triples:",
        "  Enterprise E1: size 'huge' is not allowed; use one of large, medium, small, micro",
    ]
    result = CliRunner().invoke(main, ["validate", "--shacl", str(tmp_path / "missing")])
    assert result.exit_code == 1 and "no such file or package" in result.output
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 2 and "--shacl FILE_OR_PACKAGE" in result.output


@pytest.mark.slow
def test_the_demo_conforms(demo_package: Path):
    """The whole demo (about 77,000 triples): 10-25 s on two cores."""
    result = CliRunner().invoke(main, ["validate", "--shacl", str(demo_package)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("conforms:")
