"""The OWL ontology of the ecosystem graph, generated from :mod:`innokg.graph.schema`.

Every node label becomes a class, every edge type an object property (the direct
link, ``ik:supplies``) plus a class for the qualified edge that carries the edge's
properties (``ik:SuppliesRelation``), and every property a datatype property.  The
terms are named by rules, so adding a property to the schema adds it here too:

- a class is the label's name (``ik:Enterprise``); an edge's link is the type in
  lowerCamelCase (``ik:memberOf``) and its qualified class the type in UpperCamelCase
  with ``Relation`` (``ik:MemberOfRelation``);
- a property is its name in lowerCamelCase (``name_en`` -> ``ik:nameEn``).  Where
  the schema uses one name for properties that differ in type or meaning (``level``
  is text on a research institute and a region but a number on an industry), the
  largest group keeps the plain name and every other group is named after its owner
  (``ik:industryLevel``); with no largest group, all are (``ik:regionCode``,
  ``ik:industryCode``);
- two properties reuse standard terms directly: ``id`` is ``dcterms:identifier`` and
  ``source`` is ``prov:wasDerivedFrom`` (to an entity named after the source).

The alignments to the standard vocabularies (W3C ORG, schema.org, PROV-O, Dublin
Core terms, SKOS, OWL-Time, FOAF as ORG uses it) cannot come from the schema: they
are the reviewed tables ``CLASS_ALIGNMENT``, ``LINK_ALIGNMENT``,
``PROPERTY_ALIGNMENT`` and ``ENDPOINT_ALIGNMENT`` below, and a test checks that
every entry names a term that exists.

Examples
--------
>>> str(IK.Enterprise)
'https://w3id.org/innokg/ontology#Enterprise'
>>> node_property("Industry", "level").local, node_property("Region", "level").local
('industryLevel', 'regionLevel')
>>> edge_terms("MEMBER_OF").relation_local, edge_terms("MEMBER_OF").from_local
('MemberOfRelation', 'member')
>>> (IK.Enterprise, RDFS.subClassOf, ORG.FormalOrganization) in ontology_graph()
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    TIME,
    XSD,
    DefinedNamespace,
    DefinedNamespaceMeta,
    Namespace,
)

from innokg.graph.errors import InnokgError
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS, SCHEMA_VERSION, DType, Prop

__all__ = [
    "BASE",
    "CLASS_ALIGNMENT",
    "CONTEXT_IRI",
    "DATA_PROPERTIES",
    "ENDPOINT_ALIGNMENT",
    "IK",
    "LINK_ALIGNMENT",
    "NS",
    "ONTOLOGY_FORMATS",
    "ONTOLOGY_IRI",
    "PREFIXES",
    "PROPERTY_ALIGNMENT",
    "XSD_OF",
    "DataProperty",
    "EdgeTerms",
    "edge_property",
    "edge_terms",
    "jsonld_context",
    "node_property",
    "ontology_graph",
    "ontology_markdown",
    "serialize_ontology",
]

#: Everything innokg names lives under this base.  The data's IRIs default to it too
#: (``<BASE>id/<id>``), and an export can choose another base for the data.
BASE = "https://w3id.org/innokg/"
ONTOLOGY_IRI = URIRef(BASE + "ontology")
#: The namespace of innokg's own terms, prefix ``ik``.
NS = BASE + "ontology#"
#: Where the JSON-LD context is published (never fetched by innokg itself).
CONTEXT_IRI = BASE + "context.jsonld"

#: The prefixes used in every file innokg writes, in the order written.
PREFIXES: dict[str, str] = {
    "ik": NS,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "schema": str(SDO),
    "skos": str(SKOS),
    "time": str(TIME),
    "foaf": str(FOAF),
}

#: The XSD datatype of each schema dtype.  Years are integers, not ``xsd:gYear``:
#: SPARQL engines (rdflib's among them) compare integers but not gYears, and
#: ``FILTER(?since >= 2016)`` is what users write.
XSD_OF: dict[DType, URIRef] = {
    "string": XSD.string,
    "int": XSD.integer,
    "year": XSD.integer,
    "float": XSD.double,
    "bool": XSD.boolean,
}

ONTOLOGY_FORMATS = ("ttl", "nt", "jsonld", "xml", "context", "markdown")


# --- naming rules -----------------------------------------------------------------


def _lower_camel(name: str) -> str:
    """``name_en`` -> ``nameEn``; ``COLLABORATES_WITH`` -> ``collaboratesWith``."""
    if "_" not in name and not name.isupper():
        return name[:1].lower() + name[1:]
    parts = [p for p in name.lower().split("_") if p]
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def _upper_camel(name: str) -> str:
    low = _lower_camel(name)
    return low[:1].upper() + low[1:]


def _relation_local(edge_type: str) -> str:
    return _upper_camel(edge_type) + "Relation"


# --- the terms --------------------------------------------------------------------


@dataclass(frozen=True)
class DataProperty:
    """One datatype property (or a reused standard property) and what uses it.

    ``local`` is the JSON-LD key and, for innokg's own terms, the local name in
    :data:`IK`.  ``owners`` are the classes (local names in :data:`IK`) whose
    instances carry it.
    """

    local: str
    iri: URIRef
    dtype: DType
    zh: str
    en: str
    owners: tuple[str, ...]
    schema_name: str
    values: tuple[str, ...] | None = None
    external: bool = False


@dataclass(frozen=True)
class EdgeTerms:
    """The terms of one edge type: the direct link and the qualified relation."""

    edge_type: str
    link: URIRef
    link_local: str
    relation: URIRef
    relation_local: str
    from_: URIRef
    from_local: str
    to: URIRef
    to_local: str


#: Standard terms that carry a schema property themselves, with their JSON-LD keys.
_REUSED = {
    "id": (DCTERMS.identifier, "identifier"),
    "source": (PROV.wasDerivedFrom, "source"),
}

#: The endpoints of a qualified relation: innokg's own unless listed here.
ENDPOINT_ALIGNMENT: dict[str, tuple[tuple[URIRef, str], tuple[URIRef, str]]] = {
    # An org:Membership names its member and its organization with ORG's own terms.
    "MEMBER_OF": ((ORG.member, "member"), (ORG.organization, "organization")),
}

#: Superclasses of each label's class in the standard vocabularies.
CLASS_ALIGNMENT: dict[str, tuple[URIRef, ...]] = {
    "Enterprise": (ORG.FormalOrganization, SDO.Corporation),
    # Key labs and enterprise technology centres are often units of a larger body:
    # org:Organization covers both formal organisations and units.
    "ResearchInstitute": (ORG.Organization, SDO.Organization),
    "Alliance": (ORG.Organization, SDO.Organization),
    "Fund": (ORG.Organization, SDO.Organization),
    "MakerTeam": (ORG.Organization,),
    "Platform": (ORG.Organization,),
    "Region": (SDO.AdministrativeArea,),
    "Zone": (SDO.Place,),
    "Industry": (SKOS.Concept,),
    "Product": (SKOS.Concept,),  # a kind of product, as in a product classification
    "PolicyMeasure": (SKOS.Concept,),
    "Person": (SDO.Person, FOAF.Person),  # FOAF: the domain of org:headOf
    # Qualified relations: an org:Membership is exactly what MEMBER_OF qualifies.
    "MemberOfRelation": (ORG.Membership,),
}

#: Super-properties of each edge type's direct link.  ``("inverse", p)`` states that
#: the link is a sub-property of the inverse of ``p`` (OWL 2 inverse property).
LINK_ALIGNMENT: dict[str, tuple[URIRef | tuple[str, URIRef], ...]] = {
    "SUPPLIES": (ORG.linkedTo,),
    "COLLABORATES_WITH": (ORG.linkedTo,),
    "SUBCLASS_OF": (SKOS.broader,),
    "MEMBER_OF": (ORG.memberOf, SDO.memberOf),
    "INVESTS_IN": (ORG.linkedTo, ("inverse", SDO.funder)),
    "ESTABLISHED": (("inverse", SDO.founder),),
    "LOCATED_IN": (SDO.location,),
    "LEADS": (ORG.headOf,),
}

#: Super-properties of innokg's datatype properties, by local name.
PROPERTY_ALIGNMENT: dict[str, tuple[URIRef, ...]] = {
    "name": (SDO.name,),
    "nameEn": (SDO.name,),
    "creditCode": (DCTERMS.identifier, SDO.taxID),
    "stockCode": (SDO.tickerSymbol,),
    "moeCode": (DCTERMS.identifier,),
    "regionCode": (DCTERMS.identifier,),
    "industryCode": (SKOS.notation,),
}

#: What a property cannot state in OWL but means: the OWL-Time reading of years.
_SEE_ALSO: dict[str, tuple[URIRef, str]] = {
    "since": (
        TIME.hasBeginning,
        "x ik:since y means x time:hasBeginning [ time:inXSDgYear y ] (OWL 2 cannot chain "
        "into a data property; queries/sparql/owl_time.rq builds the OWL-Time form).",
    ),
    "until": (
        TIME.hasEnd,
        "x ik:until y means x time:hasEnd [ time:inXSDgYear y ] (see queries/sparql/owl_time.rq).",
    ),
}


_ALL_NODES = frozenset(NODE_LABELS)
_ALL_RELATIONS = frozenset(_relation_local(t) for t in EDGE_TYPES)


def _owners() -> list[tuple[str, Prop]]:
    """Every (owner class local name, property) in schema order."""
    out = [(label, p) for label, spec in NODE_LABELS.items() for p in spec.props]
    out += [(_relation_local(t), p) for t, spec in EDGE_TYPES.items() for p in spec.props]
    return out


def _build_properties() -> tuple[dict[tuple[str, str], DataProperty], dict[str, DataProperty]]:
    groups: dict[str, dict[tuple[str, str, str], list[tuple[str, Prop]]]] = {}
    for owner, prop in _owners():
        sig = (prop.dtype, prop.zh, prop.en)
        groups.setdefault(prop.name, {}).setdefault(sig, []).append((owner, prop))
    by_owner: dict[tuple[str, str], DataProperty] = {}
    by_local: dict[str, DataProperty] = {}
    for name, subgroups in groups.items():
        sizes = sorted((len(v) for v in subgroups.values()), reverse=True)
        unique_largest = len(sizes) == 1 or sizes[0] > sizes[1]
        for members in subgroups.values():
            owner0, prop = members[0]
            if name in _REUSED:
                iri, local = _REUSED[name]
                external = True
            else:
                plain = len(subgroups) == 1 or (unique_largest and len(members) == sizes[0])
                local = _lower_camel(name) if plain else _owner_prefix(owner0) + _upper_camel(name)
                iri, external = URIRef(NS + local), False
            owners = tuple(o for o, _ in members)
            values = tuple(dict.fromkeys(v for _, p in members for v in (p.values or ()))) or None
            term = DataProperty(
                local, iri, prop.dtype, prop.zh, prop.en, owners, name, values, external
            )
            if local in by_local:
                raise InnokgError(f"schema: two properties would both be named ik:{local}")
            by_local[local] = term
            for owner, _ in members:
                by_owner[(owner, name)] = term
    return by_owner, by_local


def _owner_prefix(owner: str) -> str:
    """``Industry`` -> ``industry``; ``InvestsInRelation`` -> ``investsIn``."""
    return _lower_camel(owner.removesuffix("Relation") if owner in _ALL_RELATIONS else owner)


_BY_OWNER, DATA_PROPERTIES = _build_properties()


def _build_edges() -> dict[str, EdgeTerms]:
    out = {}
    for etype in EDGE_TYPES:
        link_local, rel_local = _lower_camel(etype), _relation_local(etype)
        (f_iri, f_local), (t_iri, t_local) = ENDPOINT_ALIGNMENT.get(
            etype, ((URIRef(NS + "from"), "from"), (URIRef(NS + "to"), "to"))
        )
        out[etype] = EdgeTerms(
            etype,
            URIRef(NS + link_local),
            link_local,
            URIRef(NS + rel_local),
            rel_local,
            f_iri,
            f_local,
            t_iri,
            t_local,
        )
    return out


_EDGES = _build_edges()


def node_property(label: str, name: str) -> DataProperty:
    """The term of property ``name`` of node label ``label``.

    Parameters
    ----------
    label, name : str
        A node label of the schema and one of its properties (else ``KeyError``).

    Examples
    --------
    >>> term = node_property("Enterprise", "credit_code")
    >>> str(term.iri), term.dtype
    ('https://w3id.org/innokg/ontology#creditCode', 'string')
    >>> str(node_property("Enterprise", "id").iri)  # a standard term, reused
    'http://purl.org/dc/terms/identifier'
    """
    return _BY_OWNER[(label, name)]


def edge_property(edge_type: str, name: str) -> DataProperty:
    """The term of property ``name`` of edge type ``edge_type`` (on its relation).

    Parameters
    ----------
    edge_type, name : str
        An edge type of the schema and one of its properties (else ``KeyError``).

    Examples
    --------
    >>> term = edge_property("INVESTS_IN", "amount")
    >>> term.local, term.owners
    ('investsInAmount', ('InvestsInRelation',))
    """
    return _BY_OWNER[(_relation_local(edge_type), name)]


def edge_terms(edge_type: str) -> EdgeTerms:
    """The link, relation class and endpoint properties of one edge type.

    Parameters
    ----------
    edge_type : str
        An edge type of the schema (else ``KeyError``).

    Examples
    --------
    >>> t = edge_terms("SUPPLIES")
    >>> str(t.link), t.relation_local, t.from_local, t.to_local
    ('https://w3id.org/innokg/ontology#supplies', 'SuppliesRelation', 'from', 'to')
    """
    return _EDGES[edge_type]


def _local_names() -> list[str]:
    names = ["Node", "Relation", "from", "to", *NODE_LABELS]
    for e in _EDGES.values():
        names += [e.link_local, e.relation_local]
    names += [t.local for t in DATA_PROPERTIES.values() if not t.external]
    if len(names) != len(set(names)):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise InnokgError(f"schema: these ontology terms would be named twice: {dup}")
    return names


IK: Any = DefinedNamespaceMeta(
    "IK",
    (DefinedNamespace,),
    {
        "__doc__": "innokg's own terms, generated from innokg.graph.schema (unknown names fail).",
        "__annotations__": dict.fromkeys(_local_names(), URIRef),
        "_NS": Namespace(NS),
        "_fail": True,
    },
)


# --- the ontology graph -----------------------------------------------------------


def _bind(g: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def _labels(g: Graph, term: URIRef, zh: str, en: str, comment: str | None = None) -> None:
    g.add((term, RDFS.label, Literal(zh, lang="zh")))
    g.add((term, RDFS.label, Literal(en, lang="en")))
    if comment:
        g.add((term, RDFS.comment, Literal(comment, lang="en")))
    g.add((term, RDFS.isDefinedBy, ONTOLOGY_IRI))


def _class_expression(g: Graph, classes: Iterable[str]) -> URIRef | BNode:
    """A class, ik:Node / ik:Relation for all of them, or the union of several."""
    names = list(dict.fromkeys(classes))
    parts: list[Any] = []
    rest = set(names)
    if rest >= _ALL_NODES:
        parts.append(URIRef(NS + "Node"))
        rest -= _ALL_NODES
    if rest >= _ALL_RELATIONS:
        parts.append(URIRef(NS + "Relation"))
        rest -= _ALL_RELATIONS
    parts += [URIRef(NS + n) for n in names if n in rest]
    if len(parts) == 1:
        return URIRef(parts[0])
    union = BNode()
    g.add((union, RDF.type, OWL.Class))
    members = BNode()
    Collection(g, members, parts)
    g.add((union, OWL.unionOf, members))
    return union


def _inverse(g: Graph, prop: URIRef) -> BNode:
    node = BNode()
    g.add((node, OWL.inverseOf, prop))
    return node


def _declare_external(g: Graph) -> None:
    """Declare the standard terms used, so the ontology is OWL 2 DL on its own."""
    classes = {c for cs in CLASS_ALIGNMENT.values() for c in cs} | {PROV.Entity}
    for c in classes:
        g.add((c, RDF.type, OWL.Class))
    objects: set[URIRef] = {
        p[1] if isinstance(p, tuple) else p for ps in LINK_ALIGNMENT.values() for p in ps
    }
    objects |= {PROV.wasDerivedFrom, TIME.hasBeginning, TIME.hasEnd}
    objects |= {iri for pair in ENDPOINT_ALIGNMENT.values() for iri, _ in pair}
    for p in objects:
        g.add((p, RDF.type, OWL.ObjectProperty))
    data = {p for ps in PROPERTY_ALIGNMENT.values() for p in ps}
    for p in data:
        g.add((p, RDF.type, OWL.DatatypeProperty))


@cache
def _ontology_triples() -> tuple[tuple[Any, Any, Any], ...]:
    g = Graph()
    o = ONTOLOGY_IRI
    g.add((o, RDF.type, OWL.Ontology))
    g.add((o, OWL.versionInfo, Literal(SCHEMA_VERSION)))
    g.add((o, DCTERMS.title, Literal("innokg 创新生态知识图谱本体", lang="zh")))
    g.add((o, DCTERMS.title, Literal("innokg innovation ecosystem ontology", lang="en")))
    g.add(
        (
            o,
            DCTERMS.description,
            Literal(
                "Generated from graph/schema.py. Nodes of an industrial innovation ecosystem "
                "(enterprises, research institutes, alliances, funds, maker teams, platforms, "
                "places, industries, products, policy measures, people) and the edges between "
                "them, each edge also as a qualified relation carrying its provenance.",
                lang="en",
            ),
        )
    )
    g.add((o, DCTERMS.license, URIRef("https://opensource.org/licenses/MIT")))

    node, rel = URIRef(NS + "Node"), URIRef(NS + "Relation")
    g.add((node, RDF.type, OWL.Class))
    _labels(g, node, "节点", "node", "Anything the ecosystem graph has as a node.")
    g.add((rel, RDF.type, OWL.Class))
    _labels(
        g,
        rel,
        "关系（限定）",
        "qualified relation",
        "One edge of the graph as a resource, carrying the edge's properties and provenance; "
        "the direct link (e.g. ik:supplies) is stated beside it.",
    )

    for label, spec in NODE_LABELS.items():
        c = URIRef(NS + label)
        g.add((c, RDF.type, OWL.Class))
        g.add((c, RDFS.subClassOf, node))
        for sup in CLASS_ALIGNMENT.get(label, ()):
            g.add((c, RDFS.subClassOf, sup))
        _labels(g, c, spec.zh, spec.en, spec.description)
    disjoint = BNode()
    g.add((disjoint, RDF.type, OWL.AllDisjointClasses))
    members = BNode()
    Collection(g, members, list[Any]([URIRef(NS + n) for n in NODE_LABELS]))
    g.add((disjoint, OWL.members, members))

    for etype, espec in EDGE_TYPES.items():
        t = _EDGES[etype]
        g.add((t.link, RDF.type, OWL.ObjectProperty))
        _labels(g, t.link, espec.zh, espec.en, f"{espec.description} (edge type {etype})")
        g.add((t.link, RDFS.domain, _class_expression(g, espec.from_labels)))
        g.add((t.link, RDFS.range, _class_expression(g, espec.to_labels)))
        for link_sup in LINK_ALIGNMENT.get(etype, ()):
            target: URIRef | BNode = (
                _inverse(g, link_sup[1]) if isinstance(link_sup, tuple) else link_sup
            )
            g.add((t.link, RDFS.subPropertyOf, target))
        g.add((t.relation, RDF.type, OWL.Class))
        g.add((t.relation, RDFS.subClassOf, rel))
        for sup in CLASS_ALIGNMENT.get(t.relation_local, ()):
            g.add((t.relation, RDFS.subClassOf, sup))
        pairs = ", ".join(f"{a} -> {b}" for a, b in espec.endpoints)
        _labels(
            g,
            t.relation,
            f"{espec.zh}关系",
            f"{espec.en} (qualified)",
            f"One {etype} edge with its properties; endpoints {pairs}.",
        )

    for local, zh, en, comment, rng in (
        ("from", "起点", "from", "The node a qualified relation starts at.", node),
        ("to", "终点", "to", "The node a qualified relation ends at.", node),
    ):
        p = URIRef(NS + local)
        g.add((p, RDF.type, OWL.ObjectProperty))
        g.add((p, RDF.type, OWL.FunctionalProperty))
        g.add((p, RDFS.domain, rel))
        g.add((p, RDFS.range, rng))
        _labels(g, p, zh, en, comment)

    for term in DATA_PROPERTIES.values():
        if term.external:
            continue
        g.add((term.iri, RDF.type, OWL.DatatypeProperty))
        g.add((term.iri, RDF.type, OWL.FunctionalProperty))
        g.add((term.iri, RDFS.domain, _class_expression(g, term.owners)))
        g.add((term.iri, RDFS.range, XSD_OF[term.dtype]))
        comment = f"Schema property {term.schema_name} of {_owners_text(term.owners)}"
        if term.dtype == "year":
            comment += "; a year of the Gregorian calendar"
        if term.values:
            comment += "; one of " + ", ".join(term.values)
        _labels(g, term.iri, term.zh, term.en, comment + ".")
        for sup in PROPERTY_ALIGNMENT.get(term.local, ()):
            g.add((term.iri, RDFS.subPropertyOf, sup))
        if term.local in _SEE_ALSO:
            see, note = _SEE_ALSO[term.local]
            g.add((term.iri, RDFS.seeAlso, see))
            g.add((term.iri, SKOS.note, Literal(note, lang="en")))
    _declare_external(g)
    return tuple(g)


def ontology_graph() -> Graph:
    """The ontology as a (small) rdflib graph, prefixes bound; a new one each call.

    Examples
    --------
    >>> from rdflib.namespace import RDFS
    >>> list(ontology_graph().objects(IK.supplies, RDFS.subPropertyOf))
    [rdflib.term.URIRef('http://www.w3.org/ns/org#linkedTo')]
    """
    g = _bind(Graph())
    for triple in _ontology_triples():
        g.add(triple)
    return g


def jsonld_context(*, data_base: str | None = BASE) -> dict[str, Any]:
    """The JSON-LD context that makes innokg's RDF read as plain JSON.

    Keys are the terms' local names (``name``, ``since``, ``supplies``, ``from``);
    values are typed, links are IRIs, and types are the classes' local names.
    With ``data_base``, the prefixes ``node:``, ``rel:`` and ``src:`` of the data's
    IRIs are included.

    Parameters
    ----------
    data_base : str or None
        The base of the data's IRIs (:data:`BASE` by default); None leaves the
        ``node:``, ``rel:`` and ``src:`` prefixes out.

    Examples
    --------
    >>> ctx = jsonld_context()
    >>> ctx["since"], ctx["supplies"]
    ({'@id': 'ik:since', '@type': 'xsd:integer'}, {'@id': 'ik:supplies', '@type': '@id'})
    >>> jsonld_context(data_base="https://example.org/")["node"]
    'https://example.org/id/'
    """
    ctx: dict[str, Any] = {"@vocab": NS, **{k: v for k, v in PREFIXES.items() if k != "rdf"}}
    if data_base is not None:
        ctx.update(
            {"node": data_base + "id/", "rel": data_base + "rel/", "src": data_base + "source/"}
        )
    ctx["identifier"] = "dcterms:identifier"
    ctx["source"] = {"@id": "prov:wasDerivedFrom", "@type": "@id"}
    ctx["label"] = "rdfs:label"
    ctx["Entity"] = "prov:Entity"
    endpoints = {(t.from_, t.from_local) for t in _EDGES.values()}
    endpoints |= {(t.to, t.to_local) for t in _EDGES.values()}
    for iri, key in sorted(endpoints, key=lambda e: e[1]):
        ctx[key] = {"@id": _curie(iri), "@type": "@id"}
    for term in DATA_PROPERTIES.values():
        if term.external:
            continue
        if term.dtype == "string":
            ctx[term.local] = f"ik:{term.local}"
        else:
            ctx[term.local] = {"@id": f"ik:{term.local}", "@type": _curie(XSD_OF[term.dtype])}
    for t in _EDGES.values():
        ctx[t.link_local] = {"@id": f"ik:{t.link_local}", "@type": "@id"}
    return ctx


def _curie(iri: URIRef) -> str:
    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(ns):
            return f"{prefix}:{str(iri)[len(ns) :]}"
    return str(iri)


def serialize_ontology(fmt: str = "ttl") -> str:
    """The ontology as text: ``ttl``, ``nt``, ``jsonld``, ``xml``, ``context`` or ``markdown``.

    ``context`` is the JSON-LD context alone (as published at :data:`CONTEXT_IRI`);
    ``markdown`` is the text of ``docs/ontology.md``.

    Parameters
    ----------
    fmt : str
        One of :data:`ONTOLOGY_FORMATS`; N-Triples come sorted, for stable diffs.

    Raises
    ------
    InnokgError
        For an unknown format.

    Examples
    --------
    >>> print(serialize_ontology("ttl"))
    @prefix dcterms: <http://purl.org/dc/terms/> .
    ...
    ik:Enterprise a owl:Class ;
    ...
    >>> serialize_ontology("owl")
    Traceback (most recent call last):
    ...
    innokg.graph.errors.InnokgError: unknown ontology format 'owl'; use one of ttl, nt, jsonld, xml
    """
    if fmt == "context":
        return json.dumps({"@context": jsonld_context()}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return ontology_markdown()
    names = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}
    if fmt not in names:
        raise InnokgError(f"unknown ontology format {fmt!r}; use one of {', '.join(names)}")
    g = ontology_graph()
    if fmt == "jsonld":
        return g.serialize(format="json-ld", context=jsonld_context(data_base=None), indent=2)
    text = g.serialize(format=names[fmt])
    if fmt == "nt":  # rdflib writes N-Triples in hash order: sort them for stable diffs
        text = "".join(sorted(text.splitlines(keepends=True)))
    return text


def _owners_text(owners: tuple[str, ...]) -> str:
    """``every node``, ``every edge``, or the labels and edge types by name."""
    have = set(owners)
    words = []
    if have >= _ALL_NODES:
        words.append("every node")
        have -= _ALL_NODES
    if have >= _ALL_RELATIONS:
        words.append("every edge")
        have -= _ALL_RELATIONS
    edge_of = {_relation_local(t): t for t in EDGE_TYPES}
    words += [edge_of.get(o, o) for o in owners if o in have]
    return ", ".join(words)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def ontology_markdown() -> str:
    """The text of ``docs/ontology.md``: the terms as tables, then the whole Turtle.

    Examples
    --------
    >>> [ln for ln in ontology_markdown().splitlines() if ln.startswith("| SUPPLIES ")]
    ['| SUPPLIES | `ik:supplies` | `ik:SuppliesRelation` | `ik:from` → `ik:to` | `org:linkedTo` |']
    """
    lines = [
        "# The ontology",
        "",
        "Generated from `graph/schema.py` by `innokg ontology --format markdown > "
        "docs/ontology.md`; do not edit by hand (a test fails when this file is stale). "
        "How the graph is written as RDF, read back, validated and queried is in "
        "[rdf.md](rdf.md).",
        "",
        f"Namespace `ik:` = `{NS}`; ontology `{ONTOLOGY_IRI}`, version {SCHEMA_VERSION}. "
        "Every node is also described by `dcterms:identifier` (its id) and "
        "`prov:wasDerivedFrom` (its source); every qualified relation by the same "
        "`prov:wasDerivedFrom` and by its endpoints.",
        "",
        "## Classes",
        "",
        "| class | 中文 | English | subclass of |",
        "|---|---|---|---|",
    ]
    for label, spec in NODE_LABELS.items():
        sups = ", ".join(_curie(s) for s in CLASS_ALIGNMENT.get(label, ())) or "-"
        lines.append(f"| `ik:{label}` | {spec.zh} | {spec.en} | `ik:Node`, {sups} |")
    lines += [
        "",
        "## Edge types",
        "",
        "Each edge is written twice: the direct link between its endpoints, for simple "
        "queries, and a qualified relation that carries its properties.",
        "",
        "| edge type | link | qualified relation | endpoints | link is a sub-property of |",
        "|---|---|---|---|---|",
    ]
    for etype in EDGE_TYPES:
        t = _EDGES[etype]
        link_sups = [
            f"inverse of `{_curie(s[1])}`" if isinstance(s, tuple) else f"`{_curie(s)}`"
            for s in LINK_ALIGNMENT.get(etype, ())
        ]
        rel = f"`ik:{t.relation_local}`"
        for s in CLASS_ALIGNMENT.get(t.relation_local, ()):
            rel += f" ⊑ `{_curie(s)}`"
        ends = f"`{_curie(t.from_)}` → `{_curie(t.to)}`"
        lines.append(
            f"| {etype} | `ik:{t.link_local}` | {rel} | {ends} | {', '.join(link_sups) or '-'} |"
        )
    lines += [
        "",
        "## Properties",
        "",
        "| property | 中文 | English | range | used by | sub-property of |",
        "|---|---|---|---|---|---|",
    ]
    for term in DATA_PROPERTIES.values():
        name = _curie(term.iri)
        owners = _owners_text(term.owners)
        supers = ", ".join(f"`{_curie(s)}`" for s in PROPERTY_ALIGNMENT.get(term.local, ())) or "-"
        rng = "prov:Entity" if term.schema_name == "source" else _curie(XSD_OF[term.dtype])
        lines.append(
            f"| `{name}` | {_md_escape(term.zh)} | {_md_escape(term.en)} | `{rng}` | "
            f"{owners} | {supers} |"
        )
    lines += [
        "",
        "## The ontology in Turtle",
        "",
        "```turtle",
        serialize_ontology("ttl").rstrip(),
        "```",
        "",
    ]
    return "\n".join(lines)
