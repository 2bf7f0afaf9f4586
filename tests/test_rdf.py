"""RDF export and import: every format round-trips the tables, reads safely, streams."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS
from rdflib.plugins.parsers.jsonld import to_rdf

from innokg.cli import main
from innokg.graph.errors import InnokgError, SourceError, ValidationError
from innokg.graph.ontology import CONTEXT_IRI, IK
from innokg.graph.package import read_tables
from innokg.graph.rdf import (
    EXPORT_FORMATS,
    decode_id,
    encode_id,
    export_package,
    load_rdf_graph,
    read_rdf,
)
from innokg.graph.validate import Tables, validate_tables
from innokg.loaders.registry import detect_kind
from tests.factory import make_tables

FORMATS = list(EXPORT_FORMATS)

TRICKY_IDS = [
    "region:4101",
    "a/b",
    "x.y.",
    "..",
    "-lead",
    "~t",
    "中文",
    "sp ace",
    "%41",
    "#?&=+",
    'q"uote',
    "back\\slash",
]


@pytest.mark.parametrize("node_id", TRICKY_IDS)
def test_ids_encode_to_a_safe_segment_and_back(node_id: str):
    seg = encode_id(node_id)
    assert decode_id(seg) == node_id
    assert all(c.isascii() and (c.isalnum() or c in "%_-") for c in seg), seg
    assert not seg.startswith("-")


@pytest.fixture(scope="module")
def tricky() -> Tables:
    """Values that break naive writers: quotes, newlines, Chinese, big numbers, ids."""
    return make_tables(
        {
            "Enterprise": [
                {
                    "id": "E:1/2",
                    "name": '甲"公司"\n第二行\t制表\\反斜杠',
                    "name_en": "A \"quoted\" 'name'",
                    "source": "https://data.example.org/firms.csv",
                    "since": 1800,
                    "until": 2100,
                    "credit_code": "91350100M000100Y43",
                    "size": "large",
                    "industrial": True,
                    "listed": False,
                    "employees": 9_000_000_000_000_000,
                    "revenue": 1.2345678901234567e20,
                },
                {"id": "E.2", "name": "乙\u0001控制字符", "revenue": 0.1 + 0.2},
                {"id": "-3", "name": "丙", "source": "年报 2016 (p. 3)", "revenue": 5.0},
            ],
            "Product": [{"id": "product:钢材", "name": "钢材"}],
            "Alliance": [{"id": "AL 1", "name": "联盟", "kind": "industry"}],
            "Region": [
                {"id": "region:41", "name": "河南省", "level": "province", "code": "41"},
                {"id": "region:4101", "name": "郑州市", "level": "city", "code": "4101"},
            ],
        },
        {
            "SUPPLIES": [
                ("E:1/2", "E.2", {"product": "钢材", "share": 0.25, "since": 2016}),
                ("E:1/2", "E.2", {"product": "铝材\n二", "share": 1.0, "weight": 3.5}),
                (
                    "E:1/2",
                    "E.2",
                    {"evidence": "inferred", "method": "co-location", "confidence": 0.5},
                ),
                ("-3", "E:1/2", {}),
            ],
            "PRODUCES": [("E.2", "product:钢材", {"revenue_share": 0.75})],
            "MEMBER_OF": [("E:1/2", "AL 1", {"role": "理事长", "since": 2015, "until": 2020})],
            "LOCATED_IN": [("E:1/2", "region:4101"), ("region:4101", "region:41")],
        },
    )


def assert_same_tables(a: Tables, b: Tables) -> None:
    for label in a.nodes:
        pd.testing.assert_frame_equal(a.nodes[label], b.nodes[label], obj=label)
    for etype in a.edges:
        pd.testing.assert_frame_equal(a.edges[etype], b.edges[etype], obj=etype)


def round_trip(tables: Tables, path: Path, fmt: str) -> Tables:
    export_package(tables, path, format=fmt)
    raw = read_rdf(path)
    return validate_tables(raw.nodes, raw.edges)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_of_tricky_values(tricky: Tables, tmp_path: Path, fmt: str):
    assert_same_tables(tricky, round_trip(tricky, tmp_path / f"g{EXPORT_FORMATS[fmt]}", fmt))


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_round_trip_through_gzip(tricky: Tables, tmp_path: Path, fmt: str):
    path = tmp_path / f"g.{fmt}.gz"
    back = round_trip(tricky, path, fmt)
    assert_same_tables(tricky, back)
    assert gzip.decompress(path.read_bytes()).startswith(b"@prefix" if fmt == "ttl" else b"<")


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_of_the_demo(demo_package: Path, tmp_path: Path, fmt: str):
    nodes, edges, _ = read_tables(demo_package)
    original = Tables(nodes, edges)
    assert_same_tables(original, round_trip(original, tmp_path / f"demo.{fmt}", fmt))


def rdflib_graph(path: Path, fmt: str) -> Graph:
    """The triples of a file as any RDF tool reads them (named graphs merged)."""
    if fmt == "jsonld":
        g = Graph()
        to_rdf(json.loads(path.read_text(encoding="utf-8")), g)
        return g
    return load_rdf_graph(path)


def test_every_format_holds_the_same_triples(tricky: Tables, tmp_path: Path):
    graphs = {}
    for fmt in FORMATS:
        path = tmp_path / f"g.{fmt}"
        result = export_package(tricky, path, format=fmt)
        graphs[fmt] = rdflib_graph(path, fmt)
        assert len(graphs[fmt]) == result.triples, fmt
    for fmt in FORMATS[1:]:
        assert isomorphic(graphs[fmt], graphs["ttl"]), fmt


def test_the_rdf_form(tricky: Tables, tmp_path: Path):
    path = tmp_path / "g.nt"
    export_package(tricky, path, format="nt")
    g = load_rdf_graph(path)
    node = URIRef("https://w3id.org/innokg/id/E%3A1%2F2")
    assert (node, RDF.type, IK.Enterprise) in g
    assert (node, DCTERMS.identifier, Literal("E:1/2")) in g
    src = URIRef("https://data.example.org/firms.csv")
    assert (node, PROV.wasDerivedFrom, src) in g
    assert (src, RDF.type, PROV.Entity) in g
    other = g.value(URIRef("https://w3id.org/innokg/id/" + encode_id("-3")), PROV.wasDerivedFrom)
    assert g.value(other, RDFS.label) == Literal("年报 2016 (p. 3)")
    # Parallel edges stay distinct, each a qualified relation with its properties.
    rels = sorted(g.subjects(RDF.type, IK.SuppliesRelation))
    assert [str(r).rsplit("/", 1)[1] for r in rels] == [
        "SUPPLIES.%2D3.E%3A1%2F2",
        "SUPPLIES.E%3A1%2F2.E%2E2",
        "SUPPLIES.E%3A1%2F2.E%2E2.2",
        "SUPPLIES.E%3A1%2F2.E%2E2.3",
    ]
    assert (node, IK.supplies, URIRef("https://w3id.org/innokg/id/E%2E2")) in g
    membership = next(g.subjects(RDF.type, IK.MemberOfRelation))
    assert g.value(membership, ORG.member) == node
    assert g.value(membership, IK.role) == Literal("理事长")
    assert g.value(membership, IK.since) == Literal(2015)


def test_jsonld_reads_as_plain_json(tricky: Tables, tmp_path: Path):
    path = tmp_path / "g.jsonld"
    export_package(tricky, path, format="jsonld")
    doc = json.loads(path.read_text(encoding="utf-8"))
    by_id = {o["@id"]: o for o in doc["@graph"]}
    firm = by_id["node:E%3A1%2F2"]
    assert firm["@type"] == "Enterprise"
    assert firm["identifier"] == "E:1/2"
    assert firm["employees"] == 9_000_000_000_000_000
    assert firm["industrial"] is True
    assert firm["since"] == 1800
    assert firm["supplies"] == "node:E%2E2"
    assert firm["locatedIn"] == "node:region%3A4101"
    assert firm["memberOf"] == "node:AL%201"
    rel = by_id["rel:MEMBER_OF.E%3A1%2F2.AL%201"]
    assert rel == {
        "@id": "rel:MEMBER_OF.E%3A1%2F2.AL%201",
        "@type": "MemberOfRelation",
        "member": "node:E%3A1%2F2",
        "organization": "node:AL%201",
        "source": "src:test",
        "evidence": "observed",
        "since": 2015,
        "until": 2020,
        "role": "理事长",
    }


def test_jsonld_with_the_published_context_reads_back_without_fetching(
    tricky: Tables, tmp_path: Path
):
    path = tmp_path / "g.jsonld"
    export_package(tricky, path, format="jsonld", context_iri=True)
    assert json.loads(path.read_text(encoding="utf-8"))["@context"] == CONTEXT_IRI
    raw = read_rdf(path)
    assert_same_tables(tricky, validate_tables(raw.nodes, raw.edges))


def test_another_base_for_the_data(tricky: Tables, tmp_path: Path):
    path = tmp_path / "g.ttl"
    export_package(tricky, path, format="ttl", base="https://data.example.org/kg/")
    assert "<https://data.example.org/kg/id/>" in path.read_text(encoding="utf-8")
    raw = read_rdf(path, base="https://data.example.org/kg/")
    assert_same_tables(tricky, validate_tables(raw.nodes, raw.edges))
    with pytest.raises(InnokgError, match="base IRI"):
        export_package(tricky, tmp_path / "x.ttl", base="not a base")


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_is_the_same_in_any_chunk_size(tricky: Tables, tmp_path: Path, fmt: str):
    whole, small = tmp_path / f"whole.{fmt}", tmp_path / f"small.{fmt}"
    export_package(tricky, whole, format=fmt)
    export_package(tricky, small, format=fmt, chunk_rows=1)
    if fmt == "trig":  # one graph block per source and chunk: the same triples
        assert isomorphic(load_rdf_graph(whole), load_rdf_graph(small))
    else:
        assert whole.read_bytes() == small.read_bytes()


def test_export_to_a_text_stream(tricky: Tables, tmp_path: Path):
    buffer = io.StringIO()
    result = export_package(tricky, buffer, format="ttl")
    assert result.path is None and result.triples > 0
    export_package(tricky, tmp_path / "g.ttl", format="ttl")
    assert buffer.getvalue() == (tmp_path / "g.ttl").read_text(encoding="utf-8")


def test_export_of_a_package_path_and_a_graph_agree(demo_package: Path, demo_graph, tmp_path):
    a, b = tmp_path / "a.nt", tmp_path / "b.nt"
    export_package(demo_package, a, format="nt")
    export_package(demo_graph, b, format="nt")
    assert a.read_bytes() == b.read_bytes()


def test_unknown_format_is_refused(tricky: Tables, tmp_path: Path):
    with pytest.raises(InnokgError, match="unknown RDF format 'rdfxml'"):
        export_package(tricky, tmp_path / "x", format="rdfxml")
    assert not list(tmp_path.iterdir())


# --- reading RDF written elsewhere ------------------------------------------------------

PREFIXES = """@prefix ik: <https://w3id.org/innokg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_foreign_rdf_with_the_ontology(tmp_path: Path):
    path = write(
        tmp_path,
        "other.ttl",
        PREFIXES
        + """
ex:a a ik:Enterprise ; ik:name "甲" ; prov:wasDerivedFrom "registry" ; ex:note "kept aside" .
ex:b a ik:Enterprise ; dcterms:identifier "B" ; ik:name "乙" ; prov:wasDerivedFrom ex:src .
ex:src rdfs:label "企业年报" .
[] a ik:SuppliesRelation ; ik:from ex:a ; ik:to ex:b ; ik:product "钢材" ;
   prov:wasDerivedFrom "registry" ; ik:evidence "observed" .
""",
    )
    raw = read_rdf(path)
    tables = validate_tables(raw.nodes, raw.edges)
    firms = tables.nodes["Enterprise"]
    assert firms["id"].tolist() == ["B", "https://example.org/a"]
    assert firms["source"].tolist() == ["企业年报", "registry"]
    edge = tables.edges["SUPPLIES"].iloc[0]
    assert (edge["from_id"], edge["to_id"], edge["product"]) == (
        "https://example.org/a",
        "B",
        "钢材",
    )
    assert raw.warnings == [
        "ignored 1 triple(s) with predicates outside innokg's ontology: "
        "<https://example.org/note> (1)"
    ]


def test_a_bare_link_is_an_edge_without_provenance(tmp_path: Path):
    path = write(
        tmp_path,
        "bare.ttl",
        PREFIXES
        + """
ex:a a ik:Enterprise ; ik:name "甲" ; prov:wasDerivedFrom "r" .
ex:b a ik:Enterprise ; ik:name "乙" ; prov:wasDerivedFrom "r" .
ex:a ik:supplies ex:b .
""",
    )
    raw = read_rdf(path)
    assert any("no qualified relation" in w for w in raw.warnings)
    with pytest.raises(ValidationError, match=r"bare.ttl\[SUPPLIES\], column 'evidence': required"):
        validate_tables(raw.nodes, raw.edges)


@pytest.mark.parametrize(
    "body,message",
    [
        ('ex:a a ik:Enterprise, ik:Fund ; ik:name "x" .', "several classes of the ontology"),
        ('ex:a a ik:Enterprise ; ik:name "x", "y" .', "two values for name"),
    ],
)
def test_contradictions_are_refused(tmp_path: Path, body: str, message: str):
    with pytest.raises(SourceError, match=message):
        read_rdf(write(tmp_path, "bad.ttl", PREFIXES + body))


def test_rdfxml_is_read(tmp_path: Path):
    path = write(
        tmp_path,
        "g.rdf",
        """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:ik="https://w3id.org/innokg/ontology#"
         xmlns:dcterms="http://purl.org/dc/terms/">
  <ik:Region rdf:about="https://example.org/zz">
    <dcterms:identifier>region:41</dcterms:identifier><ik:name>河南省</ik:name>
    <ik:regionLevel>province</ik:regionLevel>
  </ik:Region>
</rdf:RDF>""",
    )
    raw = read_rdf(path)
    region = raw.nodes["Region"]
    assert region[["id", "name", "level"]].values.tolist() == [["region:41", "河南省", "province"]]


# --- safety --------------------------------------------------------------------------------


def test_xml_entities_are_refused(tmp_path: Path):
    path = write(
        tmp_path,
        "bomb.rdf",
        """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>""",
    )
    with pytest.raises(SourceError, match="declares XML entities"):
        read_rdf(path)


@pytest.mark.parametrize(
    "context",
    ['"https://example.org/context.jsonld"', '{"@import": "https://example.org/c.jsonld"}'],
)
def test_remote_jsonld_contexts_are_not_fetched(tmp_path: Path, context: str):
    path = write(tmp_path, "g.jsonld", '{"@context": ' + context + ', "@id": "ex:a"}')
    with pytest.raises(SourceError, match="does not fetch"):
        read_rdf(path)


def test_sizes_are_bounded(tricky: Tables, tmp_path: Path):
    path = tmp_path / "g.nt"
    export_package(tricky, path, format="nt")
    with pytest.raises(SourceError, match="bytes of RDF"):
        read_rdf(path, max_bytes=1000)
    with pytest.raises(SourceError, match="more than 10 triples"):
        read_rdf(path, max_triples=10)
    with pytest.raises(SourceError, match="a literal of"):
        read_rdf(path, max_literal=5)
    with pytest.raises(SourceError, match="bytes of RDF"):
        read_rdf(_gz(path), max_bytes=1000)  # counted after unpacking


def _gz(path: Path) -> Path:
    out = path.with_name(path.name + ".gz")
    out.write_bytes(gzip.compress(path.read_bytes()))
    return out


def test_malformed_rdf_is_a_clean_error(tmp_path: Path):
    with pytest.raises(SourceError, match="not readable as turtle RDF"):
        read_rdf(write(tmp_path, "x.ttl", "this is not turtle"))
    with pytest.raises(SourceError, match="not well-formed JSON"):
        read_rdf(write(tmp_path, "x.jsonld", "{"))
    with pytest.raises(SourceError, match="no such file"):
        read_rdf(tmp_path / "missing.ttl")


def test_ntriples_the_quick_reader_cannot_follow_go_to_rdflib(tmp_path: Path):
    text = (
        "<https://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/innokg/ontology#Product> .\n"
        '<https://example.org/a> <https://w3id.org/innokg/ontology#name> "\\u00E9t\\u00E9" .\n'
        "<https://example.org/a> <http://www.w3.org/ns/prov#wasDerivedFrom> _:s .\n"
        '_:s <http://www.w3.org/2000/01/rdf-schema#label> "lab" .\n'
    )
    raw = read_rdf(write(tmp_path, "x.nt", text))
    assert raw.nodes["Product"][["name", "source"]].values.tolist() == [["été", "lab"]]


# --- the command line --------------------------------------------------------------------


def test_build_from_rdf_and_export_through_the_cli(tricky: Tables, tmp_path: Path):
    src = tmp_path / "g.trig"
    export_package(tricky, src, format="trig")
    assert detect_kind(src) == "rdf"
    out = tmp_path / "pkg"
    result = CliRunner().invoke(main, ["build", f"rdf:{src}", "--out", str(out), "--no-database"])
    assert result.exit_code == 0, result.output
    nodes, edges, _ = read_tables(out)
    # the build adds the seed policy's measures (the source gives none): set them apart
    assert tricky.nodes["PolicyMeasure"].empty and len(nodes["PolicyMeasure"]) == 19
    assert_same_tables(tricky, Tables(_without_measures(nodes), edges))
    ttl = tmp_path / "again.ttl"
    result = CliRunner().invoke(main, ["export", str(out), "--format", "ttl", "--out", str(ttl)])
    assert result.exit_code == 0, result.output
    again = validate_tables(*_raw(ttl))
    assert len(again.nodes["PolicyMeasure"]) == 19
    assert_same_tables(tricky, Tables(_without_measures(again.nodes), again.edges))


def _without_measures(nodes: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {**nodes, "PolicyMeasure": nodes["PolicyMeasure"].iloc[:0]}


def _raw(path: Path) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    raw = read_rdf(path)
    return raw.nodes, raw.edges


def test_a_bad_rdf_source_is_a_clean_cli_error(tmp_path: Path):
    src = write(tmp_path, "x.ttl", "not turtle at all")
    result = CliRunner().invoke(main, ["build", str(src), "--out", str(tmp_path / "p")])
    assert result.exit_code == 1
    assert "not readable as turtle RDF" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("fmt", ["turtle", "nt"])  # (XML 1.0 cannot hold the \x01 in a name)
def test_the_same_graph_laid_out_by_another_writer_reads_the_same(
    tricky: Tables, tmp_path: Path, fmt: str
):
    """innokg's own layout is read by a quick reader, anything else by rdflib: both agree."""
    ours = tmp_path / "ours.ttl"
    export_package(tricky, ours, format="ttl")
    theirs = tmp_path / ("theirs.ttl" if fmt == "turtle" else "theirs.nt")
    theirs.write_text(load_rdf_graph(ours).serialize(format=fmt), encoding="utf-8")
    raw = read_rdf(theirs)
    assert_same_tables(tricky, validate_tables(raw.nodes, raw.edges))
