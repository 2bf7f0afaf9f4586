"""The graph as an in-memory rdflib graph, which SHACL validation and SPARQL run on.

A graph in memory or a package is exported as N-Triples and read back by a quick
reader that builds rdflib terms directly; an RDF file is parsed safely.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from innokg.graph.ontology import BASE, PREFIXES
from innokg.graph.rdf.export import export_package
from innokg.graph.rdf.iris import Iris, check_base
from innokg.graph.rdf.parse import load_rdf_graph
from innokg.graph.rdf.quick_read import NT_LINE, nt_unescape
from innokg.graph.validate import Tables

__all__ = ["to_rdflib"]

#: The last package's graph, keyed by its folder and its build time.
_GRAPH_CACHE: dict[tuple[str, str], Graph] = {}


def _ntriples_to_graph(text: str, g: Graph) -> None:
    """Add N-Triples written by :func:`export_package` to ``g`` (rdflib's parser on
    anything this quick reader does not follow)."""
    add = g.add
    terms: dict[str, URIRef] = {}
    literals: dict[tuple[str, str | None], Literal] = {}

    def iri(text: str) -> URIRef:
        term = terms.get(text)
        if term is None:
            term = terms[text] = URIRef(text[1:-1])
        return term

    for line in text.split("\n"):
        if not line:
            continue
        m = NT_LINE.match(line)
        if m is None or (m.group(1) or "<")[0] != "<" or (m.group(3) or "<")[0] != "<":
            g.parse(data=text, format="nt")
            return
        s, p, o_iri, lexical, dtype = m.group(1, 2, 3, 4, 5)
        if o_iri is not None:
            add((iri(s), iri(p), iri(o_iri)))
        else:
            lit = literals.get((lexical, dtype))
            if lit is None:
                text = nt_unescape(lexical) if "\\" in lexical else lexical
                lit = Literal(text, datatype=URIRef(dtype) if dtype else None)
                if len(literals) < 200_000:
                    literals[(lexical, dtype)] = lit
            add((iri(s), iri(p), lit))


def _bind_all(g: Graph, iris: Iris) -> Graph:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    for prefix, ns in (("node", iris.node), ("rel", iris.rel), ("src", iris.src)):
        g.bind(prefix, ns, override=True, replace=True)
    return g


def to_rdflib(
    target: str | Path | Graph | Tables | Any, *, base: str = BASE, store: str = "SimpleMemory"
) -> Graph:
    """The graph as an in-memory rdflib graph.

    ``target`` is an rdflib graph (returned as it is), an RDF file (parsed safely),
    a graph package folder or a graph in memory (exported as N-Triples and read).
    A package is cached for the life of the process, keyed by its build time.
    ``store`` is rdflib's store to fill: ``SimpleMemory`` (fast, no named graphs)
    or ``Memory`` (what pySHACL needs).
    An rdflib graph takes about 1 KB of memory per triple: this suits graphs up to
    a few million triples; larger ones belong in a triple store (``docs/rdf.md``).

    Parameters
    ----------
    target : path, rdflib Graph, EcosystemGraph or Tables
        What to turn into an rdflib graph.
    base : str
        The base of the data's IRIs (for a package or a graph in memory).
    store : {"SimpleMemory", "Memory"}
        rdflib's store to fill.

    Returns
    -------
    rdflib.Graph
        The triples, with innokg's prefixes bound.

    Examples
    --------
    >>> from innokg.graph.ontology import IK
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": "E1", "name": "宇通客车"}]})
    >>> g = to_rdflib(G)
    >>> len(g), [str(s) for s in g.subjects(predicate=None, object=IK.Enterprise)]
    (6, ['https://w3id.org/innokg/id/E1'])
    """
    if isinstance(target, Graph):
        return target
    iris = check_base(base)
    key: tuple[str, str] | None = None
    if isinstance(target, str | Path):
        path = Path(target)
        if path.is_file():
            return _bind_all(load_rdf_graph(path), iris)
        from innokg.graph.package import read_manifest

        manifest = read_manifest(path)
        key = (str(path.resolve()), f"{manifest.get('built_at')}|{base}|{store}")
        if key in _GRAPH_CACHE:
            return _GRAPH_CACHE[key]
    buffer = io.StringIO()
    export_package(target, buffer, format="nt", base=base)
    # SimpleMemory: rdflib's store without named graphs, several times faster to fill.
    g = _bind_all(Graph(store=store), iris)
    _ntriples_to_graph(buffer.getvalue(), g)
    if key is not None:
        _GRAPH_CACHE.clear()  # one package at a time: graphs are large
        _GRAPH_CACHE[key] = g
    return g
