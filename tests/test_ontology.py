"""The ontology generated from the schema: it parses, is complete, labelled and aligned."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, TIME
from rdflib.plugins.parsers.jsonld import to_rdf

from innokg.cli import main
from innokg.graph.ontology import (
    CLASS_ALIGNMENT,
    DATA_PROPERTIES,
    IK,
    LINK_ALIGNMENT,
    NS,
    ONTOLOGY_IRI,
    PROPERTY_ALIGNMENT,
    edge_property,
    edge_terms,
    jsonld_context,
    node_property,
    ontology_graph,
    serialize_ontology,
)
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from tests.conftest import REPO

VOCABULARIES = (ORG, SDO, SKOS, PROV, DCTERMS, FOAF, TIME)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology_graph()


def own_terms(g: Graph, kind: URIRef) -> list[URIRef]:
    return sorted(s for s in g.subjects(RDF.type, kind) if str(s).startswith(NS))


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("nt", "nt"), ("xml", "xml")])
def test_every_serialisation_parses_to_the_same_ontology(onto: Graph, fmt: str, parser: str):
    g = Graph().parse(data=serialize_ontology(fmt), format=parser)
    assert isomorphic(g, onto)


def jsonld_graph(text: str) -> Graph:
    """Parse JSON-LD (rdflib's Graph.parse for JSON-LD warns of a deprecation)."""
    g = Graph()
    to_rdf(json.loads(text), g)
    return g


def test_jsonld_serialisation_parses_to_the_same_ontology(onto: Graph):
    assert isomorphic(jsonld_graph(serialize_ontology("jsonld")), onto)


def test_one_class_per_label_and_per_edge_type(onto: Graph):
    classes = set(own_terms(onto, OWL.Class))
    expected = {IK[label] for label in NODE_LABELS} | {IK.Node, IK.Relation}
    expected |= {edge_terms(t).relation for t in EDGE_TYPES}
    assert classes == expected


def test_one_property_per_edge_type_and_schema_property(onto: Graph):
    objects = set(own_terms(onto, OWL.ObjectProperty))
    assert objects == {edge_terms(t).link for t in EDGE_TYPES} | {IK["from"], IK.to}
    data = set(own_terms(onto, OWL.DatatypeProperty))
    assert data == {t.iri for t in DATA_PROPERTIES.values() if not t.external}
    for label, spec in NODE_LABELS.items():
        for prop in spec.props:
            assert node_property(label, prop.name).schema_name == prop.name
    for etype, spec in EDGE_TYPES.items():
        for prop in spec.props:
            assert edge_property(etype, prop.name).schema_name == prop.name


def test_every_term_has_chinese_and_english_labels(onto: Graph):
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in own_terms(onto, kind):
            langs = {lit.language for lit in onto.objects(term, RDFS.label)}
            assert langs == {"zh", "en"}, term
            assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in onto


def test_every_property_has_a_domain_and_a_range(onto: Graph):
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in own_terms(onto, kind):
            assert onto.value(term, RDFS.domain) is not None, term
            assert onto.value(term, RDFS.range) is not None, term


def test_domains_and_ranges_follow_the_schema(onto: Graph):
    assert onto.value(IK.supplies, RDFS.domain) == IK.Enterprise
    assert onto.value(IK.supplies, RDFS.range) == IK.Enterprise
    assert onto.value(IK.employees, RDFS.range) == URIRef(
        "http://www.w3.org/2001/XMLSchema#integer"
    )
    union = onto.value(IK.investsIn, RDFS.range)
    members = list(onto.items(onto.value(union, OWL.unionOf)))
    assert members == [IK.Enterprise, IK.MakerTeam, IK.Platform]


def test_alignments_name_terms_that_exist():
    for iris in [*CLASS_ALIGNMENT.values(), *PROPERTY_ALIGNMENT.values()]:
        for iri in iris:
            assert any(iri in ns for ns in VOCABULARIES), iri
    for entries in LINK_ALIGNMENT.values():
        for entry in entries:
            iri = entry[1] if isinstance(entry, tuple) else entry
            assert any(iri in ns for ns in VOCABULARIES), iri
    assert set(PROPERTY_ALIGNMENT) <= set(DATA_PROPERTIES)
    assert set(LINK_ALIGNMENT) <= set(EDGE_TYPES)
    assert set(CLASS_ALIGNMENT) <= set(NODE_LABELS) | {
        edge_terms(t).relation_local for t in EDGE_TYPES
    }


def test_key_alignments(onto: Graph):
    assert (IK.Enterprise, RDFS.subClassOf, ORG.FormalOrganization) in onto
    assert (IK.MemberOfRelation, RDFS.subClassOf, ORG.Membership) in onto
    assert (IK.memberOf, RDFS.subPropertyOf, ORG.memberOf) in onto
    assert (IK.subclassOf, RDFS.subPropertyOf, SKOS.broader) in onto
    assert (IK.creditCode, RDFS.subPropertyOf, DCTERMS.identifier) in onto
    inverse = [
        o
        for o in onto.objects(IK.investsIn, RDFS.subPropertyOf)
        if (o, OWL.inverseOf, SDO.funder) in onto
    ]
    assert len(inverse) == 1
    assert edge_terms("MEMBER_OF").from_ == ORG.member
    assert edge_terms("MEMBER_OF").to == ORG.organization


def test_properties_that_share_a_name_but_not_a_meaning_get_their_own_terms():
    assert node_property("ResearchInstitute", "kind") is node_property("Fund", "kind")
    assert edge_property("COLLABORATES_WITH", "kind").local == "collaboratesWithKind"
    assert node_property("Fund", "amount").local == "fundAmount"
    assert edge_property("INVESTS_IN", "amount").local == "investsInAmount"
    assert node_property("Industry", "level").dtype == "int"
    assert node_property("Region", "level").local == "regionLevel"
    assert node_property("Enterprise", "id").iri == DCTERMS.identifier
    assert edge_property("SUPPLIES", "source").iri == PROV.wasDerivedFrom


def test_the_namespace_is_closed():
    assert IK.Enterprise == URIRef(NS + "Enterprise")
    with pytest.raises(AttributeError):
        IK.Entreprise  # noqa: B018 (a typo must fail, not mint a new term)


def test_the_ontology_is_deterministic():
    assert serialize_ontology("ttl") == serialize_ontology("ttl")
    assert serialize_ontology("nt") == serialize_ontology("nt")


def test_the_jsonld_context_maps_every_key_to_an_ontology_term(onto: Graph):
    ctx = jsonld_context()
    for term in DATA_PROPERTIES.values():
        assert term.local in ctx
    for etype in EDGE_TYPES:
        t = edge_terms(etype)
        assert ctx[t.link_local] == {"@id": f"ik:{t.link_local}", "@type": "@id"}
    published = json.loads(serialize_ontology("context"))
    assert published["@context"] == ctx
    assert (IK.name, RDFS.label, Literal("名称", lang="zh")) in onto


def test_docs_ontology_md_is_current():
    committed = (REPO / "docs" / "ontology.md").read_text(encoding="utf-8")
    assert committed == serialize_ontology("markdown"), (
        "docs/ontology.md is stale: run `innokg ontology --format markdown --out docs/ontology.md`"
    )


def test_ontology_command(tmp_path):
    result = CliRunner().invoke(main, ["ontology", "--format", "ttl"])
    assert result.exit_code == 0, result.output
    assert "ik:Enterprise a owl:Class" in result.output
    out = tmp_path / "onto.jsonld"
    result = CliRunner().invoke(main, ["ontology", "--format", "jsonld", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert isomorphic(jsonld_graph(out.read_text(encoding="utf-8")), ontology_graph())
