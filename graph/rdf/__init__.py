"""The graph as linked data: streamed RDF export, import, SHACL shapes and SPARQL.

The RDF form of a graph (see ``docs/rdf.md``):

- a node is ``<BASE>id/<id>`` (the id percent-encoded), typed with its label's class,
  with ``dcterms:identifier`` (the id itself), one triple per property that has a
  value, and ``prov:wasDerivedFrom`` the entity that names its source;
- an edge is the direct link ``node ik:supplies node`` plus a qualified relation
  ``<BASE>rel/SUPPLIES.<from>.<to>`` (``.2``, ``.3`` for parallel edges) that carries
  the edge's properties and provenance.  Qualified relations, not RDF-star: every
  edge has properties (source and evidence at least), parallel edges of one type
  stay distinct, and SHACL, JSON-LD and every store read them;
- a source is ``<BASE>source/<text>`` (or the source itself when it is an http(s)
  IRI), a ``prov:Entity`` whose ``rdfs:label`` is the source's text.

Export streams: it writes each table in chunks of rows, formatting the triples as
text itself, and never builds an rdflib graph, so memory stays that of the tables.
Import parses with rdflib into a collecting store (no triple index), refuses
network fetches (remote JSON-LD contexts, XML entities) and bounds sizes.

The names below are the public API; the modules behind them, one concern each:

- :mod:`~innokg.graph.rdf.iris`: ids as IRI segments, the data's base, ontology terms;
- writing: :mod:`~innokg.graph.rdf.export` (:func:`export_package`), with the writers
  :mod:`~innokg.graph.rdf.turtle` (Turtle, TriG, N-Triples) and
  :mod:`~innokg.graph.rdf.jsonld`;
- reading: :mod:`~innokg.graph.rdf.parse` (:func:`load_rdf_graph`, rdflib's parsers
  made safe), :mod:`~innokg.graph.rdf.read` (:func:`read_rdf`, RDF to raw tables),
  with :mod:`~innokg.graph.rdf.collect` (the store it reads into) and
  :mod:`~innokg.graph.rdf.quick_read` (innokg's own layouts, read fast);
- :mod:`~innokg.graph.rdf.safety`: size bounds, no fetches, no network;
- :mod:`~innokg.graph.rdf.rdflib_graph` (:func:`to_rdflib`), which
  :mod:`~innokg.graph.rdf.shacl` (with the :mod:`~innokg.graph.rdf.shapes` generated from
  the schema) and :mod:`~innokg.graph.rdf.sparql` run on.

Examples
--------
>>> encode_id("region:4101")
'region%3A4101'
>>> decode_id(encode_id("a.b/c 中"))
'a.b/c 中'
"""

from __future__ import annotations

from innokg.graph.rdf.export import EXPORT_FORMATS, ExportResult, export_package
from innokg.graph.rdf.iris import decode_id, encode_id
from innokg.graph.rdf.parse import IMPORT_SUFFIXES, load_rdf_graph, rdf_format_of
from innokg.graph.rdf.rdflib_graph import to_rdflib
from innokg.graph.rdf.read import RawTables, read_rdf
from innokg.graph.rdf.safety import MAX_LITERAL, MAX_RDF_BYTES, MAX_TRIPLES
from innokg.graph.rdf.shacl import ShaclReport, shacl_validate
from innokg.graph.rdf.shapes import SHAPES_NS as SHAPES_NS
from innokg.graph.rdf.shapes import shapes_graph
from innokg.graph.rdf.sparql import run_sparql

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_SUFFIXES",
    "MAX_LITERAL",
    "MAX_RDF_BYTES",
    "MAX_TRIPLES",
    "ExportResult",
    "RawTables",
    "ShaclReport",
    "decode_id",
    "encode_id",
    "export_package",
    "load_rdf_graph",
    "rdf_format_of",
    "read_rdf",
    "run_sparql",
    "shacl_validate",
    "shapes_graph",
    "to_rdflib",
]
