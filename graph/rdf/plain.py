"""Turtle, TriG and N-Triples written one row and one value at a time, in plain Python.

The reference the column-at-a-time writers of :mod:`~innokg.graph.rdf.turtle` are held
to, byte for byte: slow, but each rule of the output (an id's encoding, a literal's
escapes, a double's spelling) is applied to one value where it can be read.
``export_package(..., plain=True)`` writes with it.

Examples
--------
>>> import io
>>> from innokg.graph.rdf import export_package
>>> from innokg.graph.testing import make_tables
>>> t = make_tables({"Enterprise": [{"id": "E.1", "name": 'say "hi"'}]})
>>> fast, plain = io.StringIO(), io.StringIO()
>>> _ = export_package(t, fast, format="ttl")
>>> _ = export_package(t, plain, format="ttl", plain=True)
>>> fast.getvalue() == plain.getvalue()
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from rdflib.namespace import RDF

from innokg.graph.ontology import IK, edge_terms
from innokg.graph.rdf.columns import TEXT, escape_text, xsd_double
from innokg.graph.rdf.iris import encode_id
from innokg.graph.rdf.turtle import (
    Column,
    NTriplesWriter,
    TriGWriter,
    TurtleWriter,
    Writer,
    edge_columns,
    node_columns,
)

__all__ = ["PlainNTriplesWriter", "PlainRows", "PlainTriGWriter", "PlainTurtleWriter"]


class PlainRows(Writer):
    """Formats each row, and each value in it, on its own."""

    def _object(self, value: Any, column: Column) -> str | None:
        if value is None:
            return None
        if column.is_source:
            return self.t(self.sources[str(value)])
        if column.dtype == "string":
            return f'"{escape_text(str(value))}"'
        if column.dtype in ("int", "year"):
            text = str(int(value))
        elif column.dtype == "bool":
            text = "true" if value else "false"
        else:
            return f'"{xsd_double(float(value))}"' + self.datatype_suffix("float")
        return text if self.syntax == "ttl" else f'"{text}"' + self.datatype_suffix(column.dtype)

    def _row_text(self, subject: str, cls: str, pairs: list[tuple[str, str | None]]) -> str:
        a = "a" if self.syntax == "ttl" else f"<{RDF.type}>"
        present = [(a, cls)] + [(p, o) for p, o in pairs if o is not None]
        self.triples += len(present)
        return self._block(subject, present)

    def _cells(self, df: pd.DataFrame, columns: list[Column]) -> list[list[Any]]:
        """Each column's values, None where pandas counts the value as missing."""
        out = []
        for c in columns:
            series = df[c.name]
            present = series.notna().tolist()
            out.append([v if ok else None for v, ok in zip(series.tolist(), present, strict=True)])
        return out

    def _node(self, node_id: str) -> str:
        if self.syntax == "nt":
            return f"<{self.iris.node}{encode_id(node_id)}>"
        return f"node:{encode_id(node_id)}"

    def nodes(self, label: str, df: pd.DataFrame) -> None:
        """Write a chunk of a node table, row by row."""
        columns = node_columns(label)
        cls = self.t(str(IK[label]))
        cells = self._cells(df, columns)
        blocks = []
        for i, node_id in enumerate(df["id"].tolist()):
            pairs = [
                (self.t(c.predicate), self._object(cells[k][i], c)) for k, c in enumerate(columns)
            ]
            blocks.append(self._row_text(self._node(str(node_id)), cls, pairs))
        self.write_blocks(pa.array(blocks, TEXT), df["source"])

    def edges(self, etype: str, df: pd.DataFrame, ordinal: np.ndarray) -> None:
        """Write a chunk of an edge table, row by row."""
        terms = edge_terms(etype)
        columns = edge_columns(etype)
        cells = self._cells(df, columns)
        cls, link = self.t(str(terms.relation)), self.t(str(terms.link))
        ends = (self.t(str(terms.from_)), self.t(str(terms.to)))
        blocks = []
        rows = zip(df["from_id"].tolist(), df["to_id"].tolist(), ordinal.tolist(), strict=True)
        for i, (f, t, n) in enumerate(rows):
            local = f"{etype}.{encode_id(str(f))}.{encode_id(str(t))}" + (f".{n}" if n > 1 else "")
            subject = f"<{self.iris.rel}{local}>" if self.syntax == "nt" else f"rel:{local}"
            frm, to = self._node(str(f)), self._node(str(t))
            pairs: list[tuple[str, str | None]] = [(ends[0], frm), (ends[1], to)]
            pairs += [
                (self.t(c.predicate), self._object(cells[k][i], c)) for k, c in enumerate(columns)
            ]
            text = self._row_text(subject, cls, pairs)
            if n == 1:
                text = f"{frm} {link} {to} .\n" + text
                self.triples += 1
            blocks.append(text)
        self.write_blocks(pa.array(blocks, TEXT), df["source"])


class PlainNTriplesWriter(PlainRows, NTriplesWriter):
    """N-Triples, row by row."""


class PlainTurtleWriter(PlainRows, TurtleWriter):
    """Turtle, row by row."""


class PlainTriGWriter(PlainRows, TriGWriter):
    """TriG, row by row."""
