"""SHACL shapes generated from the schema: what every node and edge must hold.

Every property shape stands alone with its target class (not nested under a node
shape), and "one of these classes" is checked through a helper class that each of
them is a subclass of: both keep pySHACL's work proportional to the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD, Namespace

from innokg.graph.ontology import (
    BASE,
    IK,
    PREFIXES,
    XSD_OF,
    edge_property,
    edge_terms,
    node_property,
)
from innokg.graph.schema import EDGE_TYPES, NBS_CODE_PATTERN, NODE_LABELS, USCC_PATTERN, Prop

__all__ = ["SHAPES_NS", "ShapeInfo", "generated_shapes", "shapes_graph"]


#: Where the generated shapes are named.
SHAPES_NS = BASE + "shapes#"

_USCC_PATTERN = USCC_PATTERN
_NBS_PATTERN = NBS_CODE_PATTERN


@dataclass(frozen=True)
class ShapeInfo:
    """What a generated shape checks, for saying a violation in plain words."""

    owner: str  # a label or an edge type
    kind: str  # "property", "endpoint", "pairs" or "link"
    prop: Prop | None = None
    edge_type: str | None = None


def _literal(value: float, dtype: str) -> Literal:
    if dtype in ("int", "year"):
        return Literal(int(value))
    return Literal(float(value), datatype=XSD.double)


def _property_shape(g: Graph, shape: URIRef, path: URIRef, prop: Prop, owner: str) -> ShapeInfo:
    g.add((shape, RDF.type, SH.PropertyShape))
    g.add((shape, SH.path, path))
    g.add((shape, SH.name, Literal(prop.name)))
    g.add((shape, SH.description, Literal(f"{owner}.{prop.name}: {prop.en} / {prop.zh}")))
    g.add((shape, SH.maxCount, Literal(1)))
    if prop.required:
        g.add((shape, SH.minCount, Literal(1)))
    if prop.name == "source":
        g.add((shape, SH.nodeKind, SH.IRI))
    else:
        g.add((shape, SH.datatype, XSD_OF[prop.dtype]))
    if prop.values:
        items = BNode()
        Collection(g, items, [Literal(v) for v in prop.values])
        g.add((shape, SH["in"], items))
    if prop.minimum is not None:
        g.add((shape, SH.minInclusive, _literal(prop.minimum, prop.dtype)))
    if prop.maximum is not None:
        g.add((shape, SH.maxInclusive, _literal(prop.maximum, prop.dtype)))
    if prop.check == "uscc":
        g.add((shape, SH.pattern, Literal(_USCC_PATTERN)))
    if prop.check == "nbs_code":
        g.add((shape, SH.pattern, Literal(_NBS_PATTERN)))
    return ShapeInfo(owner, "property", prop)


def _union_class(g: Graph, name: str, labels: list[str]) -> URIRef:
    """A label's class, or a helper class that each of several labels' classes is a
    subclass of.  SHACL's ``sh:class`` then checks "one of these" in one step: an
    ``sh:or`` of classes made pySHACL several times slower."""
    if len(labels) == 1:
        return URIRef(IK[labels[0]])
    union = URIRef(SHAPES_NS + name)
    g.add((union, RDF.type, RDFS.Class))
    for label in labels:
        g.add((IK[label], RDFS.subClassOf, union))
    return union


@cache
def generated_shapes() -> tuple[
    tuple[tuple[Any, Any, Any], ...], tuple[tuple[Any, Any, Any], ...], dict[str, ShapeInfo]
]:
    """(shape triples, helper class triples, what each shape checks)."""
    g, helpers = Graph(), Graph()
    info: dict[str, ShapeInfo] = {}
    sh = Namespace(SHAPES_NS)
    # Every property shape is a shape of its own with its target class, not nested in
    # a node shape with sh:property: pySHACL then checks each shape once over all its
    # focus nodes instead of once per node (15 times faster on the demo).
    for label, spec in NODE_LABELS.items():
        for prop in spec.props:
            shape = sh[f"{label}-{prop.name}"]
            g.add((shape, SH.targetClass, IK[label]))
            info[str(shape)] = _property_shape(
                g, shape, node_property(label, prop.name).iri, prop, label
            )
        for etype, espec in EDGE_TYPES.items():
            targets = list(dict.fromkeys(b for a, b in espec.endpoints if a == label))
            if not targets:
                continue
            shape = sh[f"{label}-{etype}"]
            g.add((shape, SH.targetClass, IK[label]))
            g.add((shape, RDF.type, SH.PropertyShape))
            g.add((shape, SH.path, edge_terms(etype).link))
            cls = _union_class(helpers, f"{label}-{etype}-target", targets)
            g.add((shape, SH["class"], cls))
            info[str(shape)] = ShapeInfo(label, "link", edge_type=etype)
    for etype, espec in EDGE_TYPES.items():
        t = edge_terms(etype)
        for end, path, labels in (
            ("from", t.from_, list(espec.from_labels)),
            ("to", t.to, list(espec.to_labels)),
        ):
            shape = sh[f"{etype}-{end}"]
            g.add((shape, SH.targetClass, t.relation))
            g.add((shape, RDF.type, SH.PropertyShape))
            g.add((shape, SH.path, path))
            g.add((shape, SH.minCount, Literal(1)))
            g.add((shape, SH.maxCount, Literal(1)))
            g.add((shape, SH["class"], _union_class(helpers, f"{etype}-{end}", labels)))
            info[str(shape)] = ShapeInfo(
                etype, "endpoint", Prop(end, "string", "", end), edge_type=etype
            )
        allowed = set(espec.endpoints)
        for a in espec.from_labels:
            for b in espec.to_labels:
                if (a, b) in allowed:
                    continue
                # Two classes each allowed at their end, but not together.
                node = sh[f"{etype}-not-{a}-{b}"]
                g.add((node, RDF.type, SH.NodeShape))
                g.add((node, SH.targetClass, t.relation))
                pair = BNode()
                g.add((node, SH["not"], pair))
                for path, label in ((t.from_, a), (t.to, b)):
                    check = BNode()
                    g.add((pair, SH.property, check))
                    g.add((check, SH.path, path))
                    g.add((check, SH["class"], IK[label]))
                info[str(node)] = ShapeInfo(etype, "pairs", edge_type=etype)
        for prop in espec.props:
            shape = sh[f"{etype}-{prop.name}"]
            g.add((shape, SH.targetClass, t.relation))
            info[str(shape)] = _property_shape(
                g, shape, edge_property(etype, prop.name).iri, prop, etype
            )
    return tuple(g), tuple(helpers), info


def shapes_graph() -> Graph:
    """The SHACL shapes generated from the schema.

    Per label: every property's datatype, required-ness (``sh:minCount``), single
    value (``sh:maxCount``), allowed values (``sh:in``), range and format
    (``sh:pattern``), and the classes each direct link may reach.  Per edge type:
    one endpoint each way, the allowed (from, to) class pairs, and the edge's
    properties.  The unified social credit code's check character is beyond SHACL
    Core: validation of tables checks it.

    Returns
    -------
    rdflib.Graph
        The shapes, with the ``sh``, ``shapes`` and ontology prefixes bound.

    Examples
    --------
    >>> from rdflib.namespace import RDF, SH
    >>> from innokg.graph.ontology import IK
    >>> g = shapes_graph()
    >>> IK.Enterprise in set(g.objects(None, SH.targetClass))
    True
    """
    g = Graph()
    g.bind("sh", str(SH))
    g.bind("shapes", SHAPES_NS)
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for triple in generated_shapes()[0]:
        g.add(triple)
    return g
