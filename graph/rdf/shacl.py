"""SHACL validation with pySHACL, its violations said in plain words.

The data graph is checked against :func:`~innokg.graph.rdf.shapes.shapes_graph`; each
violation is named by label and id ("Enterprise E1: size 'huge' is not allowed; ...")
rather than by IRI and constraint component.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, SH

from innokg.graph.errors import InnokgError
from innokg.graph.ontology import BASE, edge_terms
from innokg.graph.rdf.iris import curie, decode_id, ontology_classes
from innokg.graph.rdf.rdflib_graph import to_rdflib
from innokg.graph.rdf.shapes import ShapeInfo, generated_shapes, shapes_graph
from innokg.graph.schema import EDGE_TYPES
from innokg.graph.validate import Tables

__all__ = ["ShaclReport", "shacl_validate"]

#: What a datatype violation says was expected, by the schema's type.
_EXPECTED = {
    "string": "text",
    "int": "a whole number (xsd:integer)",
    "year": "a year (xsd:integer)",
    "float": "a number (xsd:double)",
    "bool": "true or false (xsd:boolean)",
}


@dataclass
class ShaclReport:
    """The outcome of a SHACL validation, in plain words."""

    conforms: bool
    #: one row per violation: ``focus`` (what is wrong, named by label and id),
    #: ``property``, ``value``, ``message`` (plain words), ``constraint`` (the SHACL
    #: component)
    violations: pd.DataFrame
    triples: int
    seconds: float

    def text(self, *, shown: int = 50) -> str:
        """The violations as lines of text, or a line saying the data conforms."""
        if self.conforms:
            return f"conforms: {self.triples:,} triples meet the shapes ({self.seconds:.1f} s)"
        lines = [f"{len(self.violations):,} SHACL violation(s) in {self.triples:,} triples:"]
        lines += [f"  {m}" for m in self.violations["message"].head(shown)]
        if len(self.violations) > shown:
            lines.append(f"  ... and {len(self.violations) - shown:,} more")
        return "\n".join(lines)


class _Describer:
    """Names resources of a data graph the way users know them: label and id."""

    def __init__(self, g: Graph) -> None:
        self.g = g
        self.classes = ontology_classes()

    def kind(self, node: Any) -> tuple[str, str] | None:
        for o in self.g.objects(node, RDF.type):
            cls = self.classes.get(str(o))
            if cls:
                return cls
        return None

    def ident(self, node: Any) -> str:
        value = self.g.value(node, DCTERMS.identifier)
        if value is not None:
            return str(value)
        text = str(node)
        for ns in (BASE + "id/",):
            if text.startswith(ns):
                return decode_id(text[len(ns) :])
        return text

    def label(self, node: Any) -> str:
        kind = self.kind(node)
        return kind[1] if kind else "resource with no innokg class"

    def name(self, node: Any) -> str:
        kind = self.kind(node)
        if kind and kind[0] == "edge":
            t = edge_terms(kind[1])
            a, b = self.g.value(node, t.from_), self.g.value(node, t.to)
            ends = f"{self.ident(a) if a is not None else '?'} -> "
            ends += self.ident(b) if b is not None else "?"
            return f"{kind[1]} edge {ends}"
        if kind:
            return f"{kind[1]} {self.ident(node)}"
        return str(node)


def _plain(result: dict[str, Any], info: ShapeInfo | None, d: _Describer, g: Graph) -> str:
    focus, value = result["focus"], result["value"]
    what = d.name(focus)
    comp = str(result["component"]).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    if info is None:
        return f"{what}: {result['message']}"
    if info.kind in ("link", "pairs") or (info.kind == "endpoint" and comp == "Class"):
        etype = info.edge_type or ""
        allowed = ", ".join(f"{a}->{b}" for a, b in EDGE_TYPES[etype].endpoints)
        if info.kind == "link":
            src, dst = d.label(focus), value
        else:
            t = edge_terms(etype)
            src, dst = d.label(g.value(focus, t.from_)), g.value(focus, t.to)
            if src == "resource with no innokg class":
                frm = g.value(focus, t.from_)
                return f"{what}: its from node {d.ident(frm)!r} is not a node of the graph"
        if dst is not None and d.kind(dst) is None:
            return f"{what}: links to {d.ident(dst)!r}, which is not a node of the graph"
        return f"{what}: {etype} cannot link a {src} to a {d.label(dst)}; allowed: {allowed}"
    prop = info.prop
    assert prop is not None
    name = prop.name
    shown = repr(str(value)) if value is not None else ""
    if comp == "MinCount":
        if info.kind == "endpoint":
            return f"{what}: has no {name} node"
        return f"{what}: {name} is required but missing"
    if comp == "MaxCount":
        path = result["path"]
        n = len(set(g.objects(focus, path))) if path is not None else 2
        return f"{what}: {name} has {n} values; give one"
    if comp == "Datatype":
        return f"{what}: {name} {shown} is not {_EXPECTED[prop.dtype]}"
    if comp == "In":
        return f"{what}: {name} {shown} is not allowed; use one of {', '.join(prop.values or ())}"
    if comp == "MinInclusive":
        return f"{what}: {name} {value} is below {prop.minimum:g}"
    if comp == "MaxInclusive":
        return f"{what}: {name} {value} is above {prop.maximum:g}"
    if comp == "Pattern" and prop.check == "uscc":
        return (
            f"{what}: {name} {shown} is not a unified social credit code "
            "(18 characters from 0-9 and A-Y without I, O, S, V, Z)"
        )
    if comp == "Pattern":
        return f"{what}: {name} {shown} is not an NBS division code (2, 4, 6, 9 or 12 digits)"
    if comp == "NodeKind":
        return f"{what}: {name} must name a resource (an IRI), not the text {shown}"
    return f"{what}: {name}: {result['message']}"


def shacl_validate(target: str | Path | Graph | Tables | Any) -> ShaclReport:
    """Validate a graph against the generated shapes with pySHACL.

    Parameters
    ----------
    target : path, rdflib Graph, EcosystemGraph or Tables
        An RDF file, a graph package, or a graph in memory.

    Returns
    -------
    ShaclReport
        ``conforms`` and one row per violation with a plain-words ``message``
        naming the node or edge by label and id.

    Raises
    ------
    InnokgError
        When pySHACL is not installed (``pip install 'innokg[rdf]'``).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": "E1", "name": "宇通客车", "size": "large"}]})
    >>> report = shacl_validate(G)
    >>> report.conforms, len(report.violations)
    (True, 0)
    """
    try:
        from pyshacl import validate
    except ImportError:
        raise InnokgError("SHACL validation needs pySHACL: pip install 'innokg[rdf]'") from None
    start = time.perf_counter()
    data = to_rdflib(target, store="Memory")
    if not data.store.context_aware:  # pySHACL reads through a dataset view
        copy = Graph()
        for triple in data:
            copy.add(triple)
        data = copy
    # The helper classes go into the data for the run and out again: handing them to
    # pySHACL as an ontology graph would copy the whole data graph first.
    helpers = [t for t in generated_shapes()[1] if t not in data]
    for triple in helpers:
        data.add(triple)
    try:
        conforms, results, _ = validate(
            data,
            shacl_graph=shapes_graph(),
            inference="none",
            advanced=False,
            allow_warnings=True,
        )
    finally:
        for triple in helpers:
            data.remove(triple)
    info = generated_shapes()[2]
    d = _Describer(data)
    rows = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        res = {
            "focus": results.value(r, SH.focusNode),
            "path": results.value(r, SH.resultPath),
            "value": results.value(r, SH.value),
            "component": results.value(r, SH.sourceConstraintComponent),
            "shape": results.value(r, SH.sourceShape),
            "message": str(results.value(r, SH.resultMessage) or ""),
        }
        shape_info = info.get(str(res["shape"]))
        component = str(res["component"])
        if component.endswith(
            ("MinInclusiveConstraintComponent", "MaxInclusiveConstraintComponent")
        ):
            value = res["value"]
            if not (isinstance(value, Literal) and isinstance(value.toPython(), int | float)):
                continue  # not a number at all: its datatype violation says so
        rows.append(
            {
                "focus": d.name(res["focus"]),
                "property": shape_info.prop.name
                if shape_info and shape_info.prop
                else (shape_info.edge_type if shape_info else ""),
                "value": None if res["value"] is None else str(res["value"]),
                "message": _plain(res, shape_info, d, data),
                "constraint": curie(str(res["component"])).replace(str(SH), "sh:"),
            }
        )
    columns = ["focus", "property", "value", "message", "constraint"]
    df = pd.DataFrame(rows, columns=columns).sort_values(["focus", "message"], kind="stable")
    return ShaclReport(
        bool(conforms), df.reset_index(drop=True), len(data), time.perf_counter() - start
    )
