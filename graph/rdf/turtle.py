"""Turtle, TriG and N-Triples (Turtle's one-triple-a-line subset), written as text.

A :class:`Writer` formats a chunk of a table's rows at once, with numpy string
arithmetic over whole columns, and never builds an rdflib graph: memory stays that of
the tables.  The JSON-LD writer (:mod:`innokg.graph.rdf.jsonld`) extends it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import IO

import numpy as np
import pandas as pd
from rdflib.namespace import PROV, RDF, RDFS, XSD

from innokg.graph.ontology import IK, PREFIXES, edge_property, edge_terms, node_property
from innokg.graph.rdf.iris import Iris, curie, encode_id
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS

__all__ = [
    "NTriplesWriter",
    "TriGWriter",
    "TurtleWriter",
    "Writer",
    "encoded_ids",
    "xsd_double",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _escape(text: pd.Series) -> pd.Series:
    """Escape text for a double-quoted Turtle / N-Triples string."""
    out = (
        text.str.replace("\\", "\\\\", regex=False)
        .str.replace('"', '\\"', regex=False)
        .str.replace("\n", "\\n", regex=False)
        .str.replace("\r", "\\r", regex=False)
        .str.replace("\t", "\\t", regex=False)
    )
    if out.str.contains(_CONTROL, na=False).any():
        out = out.str.replace(_CONTROL, lambda m: f"\\u{ord(m.group()):04X}", regex=True)
    return out


def xsd_double(value: float) -> str:
    """xsd:double lexical form that reads back as the same float."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return repr(float(value))


def _objects(series: pd.Series, dtype: str, syntax: str) -> np.ndarray:
    """Each value of ``series`` as an RDF object in ``syntax`` (``ttl`` or ``nt``); None for NA."""
    n = len(series)
    present = series.notna().to_numpy(dtype=bool)
    out = np.full(n, None, dtype=object)
    if not present.any():
        return out
    values = series[present]
    if dtype == "string":
        text = '"' + _escape(values.astype("string")) + '"'
        out[present] = text.to_numpy(dtype=object)
        return out
    if dtype in ("int", "year"):
        ints = values.astype("Int64").astype(str).to_numpy(dtype=object)
        out[present] = ints if syntax == "ttl" else '"' + ints + f'"^^<{XSD.integer}>'
        return out
    if dtype == "bool":
        words = np.where(values.astype(bool).to_numpy(), "true", "false").astype(object)
        out[present] = words if syntax == "ttl" else '"' + words + f'"^^<{XSD.boolean}>'
        return out
    doubles = np.array([xsd_double(v) for v in values.astype(float)], dtype=object)
    suffix = "^^xsd:double" if syntax == "ttl" else f"^^<{XSD.double}>"
    out[present] = '"' + doubles + '"' + suffix
    return out


def encoded_ids(ids: pd.Series) -> np.ndarray:
    """:func:`encode_id` of every id, encoding each distinct id once."""
    codes, uniques = pd.factorize(ids.astype(object), use_na_sentinel=True)
    enc = np.array([encode_id(str(u)) for u in uniques] + [None], dtype=object)
    return np.asarray(enc[codes], dtype=object)


def _term(iri: str, syntax: str, iris: Iris) -> str:
    """An IRI as written: a prefixed name in Turtle where one fits, else ``<iri>``."""
    if syntax == "ttl":
        for prefix, ns in (("node", iris.node), ("rel", iris.rel), ("src", iris.src)):
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return curie(iri)
    return f"<{iri}>"


@dataclass
class _Column:
    """One table column as written: its predicate and how its values are formatted."""

    name: str
    predicate: str  # full IRI
    dtype: str
    is_source: bool = False


def _node_columns(label: str) -> list[_Column]:
    return [
        _Column(p.name, str(node_property(label, p.name).iri), p.dtype, p.name == "source")
        for p in NODE_LABELS[label].props
    ]


def _edge_columns(etype: str) -> list[_Column]:
    return [
        _Column(p.name, str(edge_property(etype, p.name).iri), p.dtype, p.name == "source")
        for p in EDGE_TYPES[etype].props
    ]


class Writer:
    """Formats chunks of a table as one RDF syntax; subclasses per format."""

    syntax = "nt"

    def __init__(self, out: IO[str], iris: Iris, sources: dict[str, str]) -> None:
        self.out = out
        self.iris = iris
        self.sources = sources
        self.triples = 0

    # Hooks ----------------------------------------------------------------------
    def begin(self) -> None:
        """Write what precedes the triples."""

    def end(self) -> None:
        """Write what follows the triples."""

    def write_blocks(self, blocks: np.ndarray, sources: np.ndarray) -> None:
        self.out.write("".join(blocks))

    # Shared ---------------------------------------------------------------------
    def t(self, iri: str) -> str:
        return _term(iri, self.syntax, self.iris)

    def write_sources(self) -> None:
        lines = []
        for text, iri in self.sources.items():
            s = self.t(iri)
            label = _escape(pd.Series([text], dtype="string"))[0]
            lines.append(self._block(s, [(self.t(str(RDF.type)), self.t(str(PROV.Entity)))]))
            lines.append(self._block(s, [(self.t(str(RDFS.label)), f'"{label}"')]))
            self.triples += 2
        self.out.write("".join(lines))

    def _block(self, subject: str, pairs: list[tuple[str, str]]) -> str:
        if self.syntax == "nt":
            return "".join(f"{subject} {p} {o} .\n" for p, o in pairs)
        body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
        return f"{subject} {body} .\n"

    def _rows(
        self,
        subjects: np.ndarray,
        cls: str,
        columns: list[tuple[str, np.ndarray]],
    ) -> np.ndarray:
        """One text block per row: the subject's type and every present value."""
        a = " a " if self.syntax == "ttl" else f" <{RDF.type}> "
        if self.syntax == "nt":
            acc = subjects + a + cls + " .\n"
            for pred, objs in columns:
                mask = np.array([o is not None for o in objs], dtype=bool)
                piece = np.full(len(objs), "", dtype=object)
                piece[mask] = subjects[mask] + f" {pred} " + objs[mask] + " .\n"
                acc = acc + piece
                self.triples += int(mask.sum())
            self.triples += len(subjects)
            return acc
        acc = subjects + a + cls
        for pred, objs in columns:
            mask = np.array([o is not None for o in objs], dtype=bool)
            piece = np.full(len(objs), "", dtype=object)
            piece[mask] = f" ;\n    {pred} " + objs[mask]
            acc = acc + piece
            self.triples += int(mask.sum())
        self.triples += len(subjects)
        return acc + " .\n"

    def _values(self, df: pd.DataFrame, cols: list[_Column]) -> list[tuple[str, np.ndarray]]:
        out = []
        for c in cols:
            if c.is_source:
                objs = df[c.name].map(lambda s: self.t(self.sources[s]), na_action="ignore")
                out.append((self.t(c.predicate), objs.to_numpy(dtype=object, na_value=None)))
            else:
                out.append((self.t(c.predicate), _objects(df[c.name], c.dtype, self.syntax)))
        return out

    def nodes(self, label: str, df: pd.DataFrame) -> None:
        prefix = self.t(self.iris.node + "x")[:-1]
        subjects = (prefix + encoded_ids(df["id"])).astype(object)
        if self.syntax == "nt":
            subjects = "<" + (self.iris.node + encoded_ids(df["id"])).astype(object) + ">"
        blocks = self._rows(
            subjects, self.t(str(IK[label])), self._values(df, _node_columns(label))
        )
        self.write_blocks(blocks, df["source"].to_numpy(dtype=object))

    def edges(self, etype: str, df: pd.DataFrame, ordinal: np.ndarray) -> None:
        terms = edge_terms(etype)
        f_enc, t_enc = encoded_ids(df["from_id"]), encoded_ids(df["to_id"])
        local = etype + "." + f_enc + "." + t_enc
        suffix = np.where(ordinal > 1, "." + ordinal.astype(str).astype(object), "")
        if self.syntax == "nt":
            node = "<" + self.iris.node
            frm, to = node + f_enc + ">", node + t_enc + ">"
            subjects = "<" + self.iris.rel + local + suffix + ">"
        else:
            frm, to = "node:" + f_enc, "node:" + t_enc
            subjects = "rel:" + local + suffix
        columns = [(self.t(str(terms.from_)), frm), (self.t(str(terms.to)), to)]
        columns += self._values(df, _edge_columns(etype))
        blocks = self._rows(subjects, self.t(str(terms.relation)), columns)
        first = ordinal == 1
        link = np.full(len(df), "", dtype=object)
        link[first] = frm[first] + f" {self.t(str(terms.link))} " + to[first] + " .\n"
        self.triples += int(first.sum())
        self.write_blocks(link + blocks, df["source"].to_numpy(dtype=object))


class NTriplesWriter(Writer):
    syntax = "nt"


class TurtleWriter(Writer):
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

    def write_blocks(self, blocks: np.ndarray, sources: np.ndarray) -> None:
        codes, uniques = pd.factorize(pd.Series(sources, dtype=object))
        order = np.argsort(codes, kind="stable")  # rows grouped by source, in table order
        bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
        parts = []
        for code, src in enumerate(uniques):
            name = self.t(self.sources[str(src)])
            rows = blocks[order[bounds[code] : bounds[code + 1]]]
            parts.append(f"{name} {{\n" + "".join(rows) + "}\n")
        self.out.write("".join(parts))
