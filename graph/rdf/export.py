"""Writing a graph as RDF: Turtle, N-Triples, TriG or JSON-LD, streamed in chunks of rows.

The tables are written one after another, a chunk of rows at a time, by the writer of
the format (:mod:`~innokg.graph.rdf.turtle`, :mod:`~innokg.graph.rdf.jsonld`); a file is
written beside its final name and renamed into place once complete.
"""

from __future__ import annotations

import gzip
import io
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from innokg.graph.errors import InnokgError
from innokg.graph.ontology import BASE
from innokg.graph.rdf.columns import to_text
from innokg.graph.rdf.iris import ABSOLUTE_IRI, Iris, check_base, encode_id
from innokg.graph.rdf.jsonld import JsonLdWriter, Outgoing
from innokg.graph.rdf.plain import PlainNTriplesWriter, PlainTriGWriter, PlainTurtleWriter
from innokg.graph.rdf.turtle import NTriplesWriter, TriGWriter, TurtleWriter, Writer
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from innokg.graph.validate import Tables

__all__ = ["EXPORT_FORMATS", "ExportResult", "export_package"]

#: Formats :func:`export_package` writes (and their usual file suffixes).
EXPORT_FORMATS = {"ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "trig": ".trig"}
_FORMAT_ALIASES = {
    "turtle": "ttl",
    "ntriples": "nt",
    "n-triples": "nt",
    "json-ld": "jsonld",
    "json": "jsonld",
}

_CHUNK = 20_000
_WRITERS: dict[str, type[Writer]] = {"nt": NTriplesWriter, "ttl": TurtleWriter, "trig": TriGWriter}
_PLAIN_WRITERS: dict[str, type[Writer]] = {
    "nt": PlainNTriplesWriter,
    "ttl": PlainTurtleWriter,
    "trig": PlainTriGWriter,
}


@dataclass
class ExportResult:
    """What :func:`export_package` wrote."""

    path: str | None
    format: str
    nodes: int
    edges: int
    triples: int
    bytes: int
    seconds: float


def _source_iris(sources: pd.Series, iris: Iris) -> dict[str, str]:
    """The IRI of each distinct source text."""
    out = {}
    for s in pd.unique(sources.dropna().astype(str)):
        out[s] = s if ABSOLUTE_IRI.match(s) else iris.src + encode_id(s)
    return out


def _as_tables(package: str | Path | Tables | Any) -> Tables:
    if isinstance(package, Tables):
        return package
    if isinstance(package, str | Path):
        from innokg.graph.package import read_tables

        nodes, edges, _ = read_tables(package)
        return Tables(nodes, edges)
    if hasattr(package, "nodes") and hasattr(package, "edges"):  # an EcosystemGraph
        return Tables(package.nodes, package.edges)
    raise InnokgError(f"cannot export {type(package).__name__}: give a package path or a graph")


def _normalise_format(fmt: str) -> str:
    f = _FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
    if f not in EXPORT_FORMATS:
        raise InnokgError(f"unknown RDF format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    return f


def _edge_ordinals(df: pd.DataFrame) -> np.ndarray:
    """1 for the first edge between two nodes, 2, 3, ... for parallel ones, in table order."""
    if not len(df):
        return np.zeros(0, dtype=np.int64)
    # each (from, to) pair as one integer: strings hashed once each, by Arrow
    ends = [
        pc.dictionary_encode(to_text(df[c])).indices.to_numpy(zero_copy_only=False)
        for c in ("from_id", "to_id")
    ]
    key = ends[0].astype(np.int64) * (int(ends[1].max()) + 1) + ends[1]
    pairs = pd.Series(key)
    if not pairs.duplicated().any():
        return np.ones(len(df), dtype=np.int64)
    return np.asarray(pairs.groupby(key, sort=False).cumcount().to_numpy() + 1)


def _write_all(
    writer: Writer, tables: Tables, chunk: int, report: Callable[[str], None] | None
) -> None:
    def announce(what: str, rows: int) -> None:
        if report is not None and rows:
            report(f"write {what} ({rows:,} row{'s' if rows != 1 else ''})")

    writer.begin()
    writer.write_sources()
    for label in NODE_LABELS:
        df = tables.nodes[label]
        announce(f"the {label} nodes", len(df))
        for start in range(0, len(df), chunk):
            writer.nodes(label, df.iloc[start : start + chunk])
    for etype in EDGE_TYPES:
        df = tables.edges[etype]
        announce(f"the {etype} edges", len(df))
        ordinal = _edge_ordinals(df)
        for start in range(0, len(df), chunk):
            writer.edges(etype, df.iloc[start : start + chunk], ordinal[start : start + chunk])
    writer.end()


def export_package(
    package: str | Path | Tables | Any,
    out: str | Path | IO[str],
    *,
    format: str = "ttl",
    base: str = BASE,
    context_iri: bool = False,
    chunk_rows: int = _CHUNK,
    plain: bool = False,
    report: Callable[[str], None] | None = None,
) -> ExportResult:
    """Write a graph as RDF, streamed table by table in chunks of rows.

    Parameters
    ----------
    package : path, EcosystemGraph or Tables
        A graph package folder, or a graph already in memory.
    out : path or text stream
        The file to write (replaced only once complete; a name ending in ``.gz`` is
        gzip-compressed), or an open text stream.
    format : {"ttl", "nt", "jsonld", "trig"}
        Turtle, N-Triples, JSON-LD, or TriG with one named graph per source.
    base : str
        The base of the data's IRIs: nodes are ``<base>id/<id>``.
    context_iri : bool
        JSON-LD only: refer to the published context (``CONTEXT_IRI``) instead of
        writing it inline.  innokg never fetches it: reading such a file back uses
        its own copy.
    chunk_rows : int
        Rows formatted at a time; memory beyond the tables grows with it.
    plain : bool
        Format Turtle, TriG and N-Triples one row and one value at a time in Python
        (:mod:`~innokg.graph.rdf.plain`): the same bytes, many times slower; the
        reference the column-at-a-time writers are tested against.
    report : callable, optional
        Told each table as it starts to be written (``"write the SUPPLIES edges
        (4,871 rows)"``): ``innokg export`` shows these as its steps.

    Returns
    -------
    ExportResult
        Counts of nodes, edges and triples written, bytes and seconds.

    Raises
    ------
    InnokgError
        For an unknown format or an unusable base; PackageError for a bad package.

    Examples
    --------
    >>> import io
    >>> from innokg.graph.testing import make_tables
    >>> t = make_tables({"Enterprise": [{"id": "E1", "name": "甲"}]})
    >>> buf = io.StringIO()
    >>> export_package(t, buf, format="nt").triples
    6
    >>> print(buf.getvalue().splitlines()[4])
    <https://w3id.org/innokg/id/E1> <https://w3id.org/innokg/ontology#name> "甲" .
    """
    start = time.perf_counter()
    fmt = _normalise_format(format)
    iris = check_base(base)
    tables = _as_tables(package)
    all_sources = pd.concat(
        [df["source"] for df in [*tables.nodes.values(), *tables.edges.values()]],
        ignore_index=True,
    )
    sources = _source_iris(all_sources, iris)

    def make(stream: IO[str], raw: IO[bytes] | None = None) -> Writer:
        if fmt == "jsonld":
            return JsonLdWriter(
                stream, iris, sources, outgoing=Outgoing(tables), context_iri=context_iri
            )
        return (_PLAIN_WRITERS if plain else _WRITERS)[fmt](stream, iris, sources, raw)

    n_nodes = sum(len(df) for df in tables.nodes.values())
    n_edges = sum(len(df) for df in tables.edges.values())
    if not isinstance(out, str | Path):
        writer = make(out)
        _write_all(writer, tables, chunk_rows, report)
        return ExportResult(
            None, fmt, n_nodes, n_edges, writer.triples, 0, time.perf_counter() - start
        )
    path = Path(out)
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        opener: Callable[..., IO[bytes]] = gzip.open if path.suffix == ".gz" else open  # type: ignore[assignment]
        # blocks of rows go to the binary file as UTF-8 bytes; the rest through a text
        # layer that writes through at once, so the two never need a flush between them
        with (
            opener(tmp, "wb") as raw,
            io.TextIOWrapper(  # type: ignore[type-var]
                raw, encoding="utf-8", newline="\n", write_through=True
            ) as stream,
        ):
            writer = make(stream, raw)
            _write_all(writer, tables, chunk_rows, report)
        os.replace(tmp, path)
    except OSError as exc:
        raise InnokgError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return ExportResult(
        str(path),
        fmt,
        n_nodes,
        n_edges,
        writer.triples,
        path.stat().st_size,
        time.perf_counter() - start,
    )


# --- reading RDF safely ---------------------------------------------------------------
