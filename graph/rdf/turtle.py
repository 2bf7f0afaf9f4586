"""Turtle, TriG and N-Triples (Turtle's one-triple-a-line subset), written as text.

A :class:`Writer` formats a chunk of a table's rows at once: each column becomes one
Arrow text column (:mod:`~innokg.graph.rdf.columns`), the columns are joined row by row
into one block of text per row, and the blocks go to the file as one run of UTF-8
bytes.  No Python object is made per value and no rdflib graph is built, so memory
stays that of the tables plus one chunk of text.  :mod:`~innokg.graph.rdf.plain`
writes the same bytes one row at a time, as the reference the tests hold this to.
The JSON-LD writer (:mod:`~innokg.graph.rdf.jsonld`) extends :class:`Writer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rdflib.namespace import PROV, RDF, RDFS, XSD

from innokg.graph.ontology import IK, PREFIXES, edge_property, edge_terms, node_property
from innokg.graph.rdf.columns import (
    TEXT,
    affix,
    concat,
    double_text,
    encode_column,
    escape_text,
    int_text,
    quoted_text,
    text_bytes,
    to_text,
    xsd_double,
)
from innokg.graph.rdf.iris import Iris, curie
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS

__all__ = [
    "NTriplesWriter",
    "TriGWriter",
    "TurtleWriter",
    "Writer",
    "encoded_ids",
    "xsd_double",
]


def encoded_ids(ids: pd.Series) -> np.ndarray:
    """:func:`~innokg.graph.rdf.iris.encode_id` of every id, as Python strings.

    Parameters
    ----------
    ids : pandas.Series
        Node ids.

    Returns
    -------
    numpy.ndarray
        An object array of IRI segments (None where an id is missing).

    Examples
    --------
    >>> import pandas as pd
    >>> list(encoded_ids(pd.Series(["E1", "region:41"])))
    ['E1', 'region%3A41']
    """
    return np.asarray(encode_column(ids).to_numpy(zero_copy_only=False), dtype=object)


def _term(iri: str, syntax: str, iris: Iris) -> str:
    """An IRI as written: a prefixed name in Turtle where one fits, else ``<iri>``."""
    if syntax == "ttl":
        for prefix, ns in (("node", iris.node), ("rel", iris.rel), ("src", iris.src)):
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return curie(iri)
    return f"<{iri}>"


@dataclass
class Column:
    """One table column as written: its predicate and how its values are formatted."""

    name: str
    predicate: str  # full IRI
    dtype: str
    is_source: bool = False


def node_columns(label: str) -> list[Column]:
    """The columns of a node label's table, as written."""
    return [
        Column(p.name, str(node_property(label, p.name).iri), p.dtype, p.name == "source")
        for p in NODE_LABELS[label].props
    ]


def edge_columns(etype: str) -> list[Column]:
    """The property columns of an edge type's table, as written."""
    return [
        Column(p.name, str(edge_property(etype, p.name).iri), p.dtype, p.name == "source")
        for p in EDGE_TYPES[etype].props
    ]


class Writer:
    """Formats chunks of a table as one RDF syntax; subclasses per format.

    Text goes to ``out``; when ``raw`` is given (the binary file under ``out``, which
    must write UTF-8 through to it at once, with no newline translation), the blocks
    of rows go to it directly.
    """

    syntax = "nt"

    def __init__(
        self, out: IO[str], iris: Iris, sources: dict[str, str], raw: IO[bytes] | None = None
    ) -> None:
        self.out = out
        self.raw = raw
        self.iris = iris
        self.sources = sources
        self.triples = 0

    # Hooks ----------------------------------------------------------------------
    def begin(self) -> None:
        """Write what precedes the triples."""

    def end(self) -> None:
        """Write what follows the triples."""

    def write_blocks(self, blocks: pa.Array, sources: pd.Series) -> None:
        """Write one block of text per row (``sources``: each row's source, for TriG)."""
        self.write_text(blocks)

    # Shared ---------------------------------------------------------------------
    def write_text(self, text: pa.Array) -> None:
        """Write a text column's values end to end."""
        data = text_bytes(text)
        if self.raw is not None:
            self.raw.write(data)
        else:
            self.out.write(bytes(data).decode("utf-8"))

    def t(self, iri: str) -> str:
        """An IRI as this syntax writes it."""
        return _term(iri, self.syntax, self.iris)

    def write_sources(self) -> None:
        """Write each source's entity: its type and its text as label."""
        lines = []
        for text, iri in self.sources.items():
            s = self.t(iri)
            lines.append(self._block(s, [(self.t(str(RDF.type)), self.t(str(PROV.Entity)))]))
            lines.append(self._block(s, [(self.t(str(RDFS.label)), f'"{escape_text(text)}"')]))
            self.triples += 2
        self.out.write("".join(lines))

    def _block(self, subject: str, pairs: list[tuple[str, str]]) -> str:
        if self.syntax == "nt":
            return "".join(f"{subject} {p} {o} .\n" for p, o in pairs)
        body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
        return f"{subject} {body} .\n"

    def datatype_suffix(self, dtype: str) -> str:
        """What follows the quoted lexical form of a ``dtype`` value ("" for text)."""
        if dtype == "string":
            return ""
        if dtype == "float" and self.syntax == "ttl":
            return "^^xsd:double"
        xsd = {"int": XSD.integer, "year": XSD.integer, "bool": XSD.boolean}.get(dtype, XSD.double)
        return f"^^<{xsd}>"

    def _objects(self, series: pd.Series, dtype: str) -> pa.Array:
        """Each value as an RDF object of this syntax; missing for NA."""
        present = series.notna().to_numpy(dtype=bool)
        if not present.any():
            return pa.nulls(len(series), TEXT)
        if dtype == "string":
            return quoted_text(series)
        if dtype in ("int", "year"):
            ints = int_text(series)
            if self.syntax == "ttl":
                return ints
            return concat('"', ints, '"' + self.datatype_suffix(dtype))
        if dtype == "bool":
            flags = series.where(present, False).astype(bool).to_numpy()
            words = pa.array(np.where(flags, "true", "false"), TEXT)
            words = pc.if_else(pa.array(present), words, pa.scalar(None, TEXT))
            if self.syntax == "ttl":
                return words
            return concat('"', words, '"' + self.datatype_suffix(dtype))
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return concat('"', double_text(values, present), '"' + self.datatype_suffix("float"))

    def _source_terms(self, series: pd.Series) -> pa.Array:
        """Each row's source as this syntax writes its entity, each distinct source once."""
        coded = pc.dictionary_encode(to_text(series))
        terms = [self.t(self.sources[s]) for s in coded.dictionary.to_pylist()]
        return pa.array(terms, TEXT).take(coded.indices)

    def _values(self, df: pd.DataFrame, cols: list[Column]) -> list[tuple[str, pa.Array]]:
        out = []
        for c in cols:
            if c.is_source:
                out.append((self.t(c.predicate), self._source_terms(df[c.name])))
            else:
                out.append((self.t(c.predicate), self._objects(df[c.name], c.dtype)))
        return out

    def _rows(self, subjects: pa.Array, cls: str, columns: list[tuple[str, pa.Array]]) -> pa.Array:
        """One text block per row: the subject's type and every present value."""
        self.triples += len(subjects)
        for _, objs in columns:
            self.triples += len(objs) - objs.null_count
        if self.syntax == "nt":
            pieces = [concat(subjects, f" <{RDF.type}> {cls} .\n")]
            pieces += [concat(subjects, f" {pred} ", objs, " .\n") for pred, objs in columns]
            return concat(*pieces, skip_null=True)
        pieces = [concat(f" ;\n    {pred} ", objs) for pred, objs in columns]
        return concat(subjects, f" a {cls}", *pieces, " .\n", skip_null=True)

    def _node_terms(self, encoded: pa.Array) -> pa.Array:
        """Nodes as written, from their encoded ids."""
        if self.syntax == "nt":
            return affix(encoded, "<" + self.iris.node, ">")
        return affix(encoded, "node:")

    def nodes(self, label: str, df: pd.DataFrame) -> None:
        """Write a chunk of a node table."""
        subjects = self._node_terms(encode_column(df["id"]))
        columns = self._values(df, node_columns(label))
        blocks = self._rows(subjects, self.t(str(IK[label])), columns)
        self.write_blocks(blocks, df["source"])

    def edges(self, etype: str, df: pd.DataFrame, ordinal: np.ndarray) -> None:
        """Write a chunk of an edge table (``ordinal``: 1 for the first edge of a pair, 2, ...)."""
        terms = edge_terms(etype)
        f_enc, t_enc = encode_column(df["from_id"]), encode_column(df["to_id"])
        frm, to = self._node_terms(f_enc), self._node_terms(t_enc)
        later = ordinal > 1
        local = concat(etype + ".", f_enc, ".", t_enc)
        if later.any():  # parallel edges: .2, .3, ...
            numbers = pc.cast(pa.array(ordinal), TEXT)
            local = pc.if_else(pa.array(later), concat(local, ".", numbers), local)
        if self.syntax == "nt":
            subjects = affix(local, "<" + self.iris.rel, ">")
        else:
            subjects = affix(local, "rel:")
        columns = [(self.t(str(terms.from_)), frm), (self.t(str(terms.to)), to)]
        columns += self._values(df, edge_columns(etype))
        blocks = self._rows(subjects, self.t(str(terms.relation)), columns)
        if later.any():
            link = concat(frm, f" {self.t(str(terms.link))} ", to, " .\n")
            link = pc.if_else(pa.array(~later), link, pa.scalar(None, TEXT))
            blocks = concat(link, blocks, skip_null=True)
        else:
            blocks = concat(frm, f" {self.t(str(terms.link))} ", to, " .\n", blocks)
        self.triples += int((~later).sum())
        self.write_blocks(blocks, df["source"])


class NTriplesWriter(Writer):
    """N-Triples: one triple a line, every IRI in full."""

    syntax = "nt"


class TurtleWriter(Writer):
    """Turtle: prefixed names, one block of triples per subject."""

    syntax = "ttl"

    def begin(self) -> None:
        lines = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
        lines += [
            f"@prefix node: <{self.iris.node}> .",
            f"@prefix rel: <{self.iris.rel}> .",
            f"@prefix src: <{self.iris.src}> .",
        ]
        self.out.write("\n".join(lines) + "\n\n")


class TriGWriter(TurtleWriter):
    """Turtle in named graphs: each node's and edge's triples in its source's graph."""

    def write_blocks(self, blocks: pa.Array, sources: pd.Series) -> None:
        codes, uniques = pd.factorize(sources.astype(object))
        order = np.argsort(codes, kind="stable")  # rows grouped by source, in table order
        bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
        grouped = blocks.take(pa.array(order))
        for code, src in enumerate(uniques):
            self.out.write(f"{self.t(self.sources[str(src)])} {{\n")
            self.write_text(grouped.slice(bounds[code], bounds[code + 1] - bounds[code]))
            self.out.write("}\n")
