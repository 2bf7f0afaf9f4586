"""Reading RDF that uses innokg's ontology into raw node and edge tables, for validation.

The file is read into a :class:`~innokg.graph.rdf.collect.Collector` (by a quick reader
where it is laid out as innokg writes it, else by rdflib), then each typed resource
becomes a row of its label's or edge type's table, with text cells and the ``_file``
and ``_row`` columns that validation names problems by.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rdflib import Dataset, Graph

from innokg.graph.errors import SourceError
from innokg.graph.ontology import BASE, DATA_PROPERTIES, edge_property, node_property
from innokg.graph.rdf.collect import Collector, IriKey
from innokg.graph.rdf.iris import Iris, check_base, curie, decode_id
from innokg.graph.rdf.parse import parse_into, rdf_format_of
from innokg.graph.rdf.quick_read import read_innokg_turtle, read_ntriples
from innokg.graph.rdf.safety import MAX_LITERAL, MAX_RDF_BYTES, MAX_TRIPLES, text_lines
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS

__all__ = ["RawTables", "read_rdf"]


@dataclass
class RawTables:
    """Raw tables read from RDF (text cells, ``_file`` and ``_row``), for validation."""

    nodes: dict[str, pd.DataFrame]
    edges: dict[str, pd.DataFrame]
    triples: int
    warnings: list[str] = field(default_factory=list)
    #: rows per display file (``file[Label]``), for a loader's ledger
    files: dict[str, int] = field(default_factory=dict)


def read_rdf(
    path: str | Path,
    *,
    format: str | None = None,
    base: str = BASE,
    max_bytes: int = MAX_RDF_BYTES,
    max_triples: int = MAX_TRIPLES,
    max_literal: int = MAX_LITERAL,
) -> RawTables:
    """Read RDF that uses innokg's ontology into raw node and edge tables.

    Reads what :func:`export_package` writes in any format, and RDF from elsewhere
    that types its nodes with the ontology's classes and describes edges as
    qualified relations (a bare link such as ``ik:supplies`` becomes an edge with
    no source or evidence, which validation then reports).  Ids come from
    ``dcterms:identifier``; without one, from the IRI (``<base>id/<id>``) or the
    whole IRI.  A source is the ``rdfs:label`` of the entity named by
    ``prov:wasDerivedFrom`` (or that entity's IRI, or a literal given there).

    Rows are named ``<file>[<Label>]`` with rows numbered in id order (edges in
    endpoint order), as validation reports them.  Triples with predicates outside
    the ontology are counted in ``warnings`` and otherwise ignored.

    Parameters
    ----------
    path : str or pathlib.Path
        The RDF file (its suffix names the syntax; ``.gz`` unpacked).
    format : str, optional
        rdflib's parser name, to override the suffix.
    base : str
        The base of the data's IRIs, for ids taken from node IRIs.
    max_bytes, max_triples, max_literal : int
        Refuse a file past these many bytes (after unpacking), triples, or
        characters in one literal.

    Returns
    -------
    RawTables
        Text tables per label and edge type, the triple count, and warnings.

    Raises
    ------
    SourceError
        When the file cannot be read safely, or a resource has two classes of the
        ontology, or one property twice with different values.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from innokg.graph.rdf import export_package
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "E1", "name": "甲"}, {"id": "E2", "name": "乙"}]},
    ...     {"SUPPLIES": [("E1", "E2", {"product": "钢材"})]},
    ... )
    >>> path = Path(tempfile.mkdtemp()) / "g.ttl"
    >>> _ = export_package(G, path)
    >>> raw = read_rdf(path)
    >>> raw.nodes["Enterprise"][["id", "name"]].values.tolist()
    [['E1', '甲'], ['E2', '乙']]
    >>> raw.edges["SUPPLIES"][["from_id", "to_id", "product"]].values.tolist()
    [['E1', 'E2', '钢材']]
    """
    path = Path(path)
    fmt = format or rdf_format_of(path)
    iris = check_base(base)
    quick = {"nt": read_ntriples, "turtle": read_innokg_turtle, "trig": read_innokg_turtle}
    if fmt in quick:
        store = Collector(path.name, max_triples, max_literal)
        try:
            with text_lines(path, max_bytes) as lines:
                done = quick[fmt](lines, store)
        except (UnicodeDecodeError, OSError, EOFError):
            done = False  # rdflib reads it again and names the problem
        if done:
            return _assemble(store, path.name, iris)
        del store
    store = Collector(path.name, max_triples, max_literal)
    if fmt == "json-ld":  # the JSON-LD reader fills a plain graph (named graphs merged)
        store.context_aware = False
    target: Graph = Dataset(store=store) if fmt in ("trig", "nquads") else Graph(store=store)
    parse_into(target, path, fmt, max_bytes)
    return _assemble(store, path.name, iris)


_EdgeRows = dict[str, list[tuple[tuple[str, str, int, str], dict[str, Any]]]]


def _assemble(store: Collector, name: str, iris: Iris) -> RawTables:
    node_rows, edge_rows, problems, bare = _rows(store, iris)
    if problems:
        shown = "\n".join(problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise SourceError(f"{name}: {len(problems)} problem(s) in the RDF:\n{shown}{more}")
    nodes, edges, files = _tables(node_rows, edge_rows, name)
    return RawTables(nodes, edges, store.count, _warnings(store, bare), files)


def _rows(
    store: Collector, iris: Iris
) -> tuple[dict[str, list[dict[str, Any]]], _EdgeRows, list[str], int]:
    """Each typed resource's row by label or edge type, the problems found, and how
    many direct links had no qualified relation (bare)."""
    problems: list[str] = []
    node_rows: dict[str, list[dict[str, Any]]] = {label: [] for label in NODE_LABELS}
    edge_rows: _EdgeRows = {t: [] for t in EDGE_TYPES}
    node_id: dict[str, str] = {}

    def fill(subject: str, names: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
        """The row of one resource, and the IRIs of its endpoints (for a relation)."""
        row: dict[str, Any] = {}
        ends: dict[str, str] = {}
        for local, value in store.values.get(subject, ()):
            if local in ("from_id", "to_id"):
                if ends.get(local, value) != value:
                    problems.append(f"{subject} has two values for {local}: {ends[local]}, {value}")
                ends[local] = value
                continue
            term = DATA_PROPERTIES[local]
            column = names.get(local, local)  # a property of another class keeps its own name
            if term.schema_name == "source" and isinstance(value, IriKey):
                value = store.labels.get(value, str(value))
            old = row.get(column)
            if old is not None and old != value:
                problems.append(f"{subject} has two values for {term.local}: {old!r}, {value!r}")
            row[column] = str(value)
        return row, ends

    def id_of(iri: str) -> str:
        if iri.startswith(iris.node):
            try:
                return decode_id(iri[len(iris.node) :])
            except UnicodeDecodeError:
                return iri
        return iri

    typed = {s: next(iter(c)) for s, c in store.types.items() if len(c) == 1}
    for s, classes in store.types.items():
        if len(classes) > 1:
            names = ", ".join(sorted(c[1] for c in classes))
            problems.append(f"{s} has several classes of the ontology ({names}); give it one")

    prop_names = {
        label: {node_property(label, p.name).local: p.name for p in spec.props}
        for label, spec in NODE_LABELS.items()
    }
    for s, (kind, label) in typed.items():
        if kind != "node":
            continue
        row, _ = fill(s, prop_names[label])
        if "id" not in row:
            row["id"] = id_of(s)
        node_id[s] = row["id"]
        node_rows[label].append(row)

    edge_names = {
        t: {edge_property(t, p.name).local: p.name for p in spec.props}
        for t, spec in EDGE_TYPES.items()
    }
    covered: set[tuple[str, str, str]] = set()
    for s, (kind, etype) in typed.items():
        if kind != "edge":
            continue
        row, ends = fill(s, edge_names[etype])
        for col, iri in ends.items():
            row[col] = node_id[iri] if iri in node_id else id_of(iri)
        if len(ends) == 2:
            covered.add((etype, ends["from_id"], ends["to_id"]))
        edge_rows[etype].append((_edge_key(s, row, iris), row))

    bare = 0
    for etype, frm, to in dict.fromkeys(store.links):
        if (etype, frm, to) in covered:
            continue
        bare += 1
        row = {
            "from_id": node_id[frm] if frm in node_id else id_of(frm),
            "to_id": node_id[to] if to in node_id else id_of(to),
        }
        edge_rows[etype].append(((row["from_id"], row["to_id"], 0, ""), row))

    return node_rows, edge_rows, problems, bare


def _warnings(store: Collector, bare: int) -> list[str]:
    """What was read but left out, in words."""
    untyped_with_values = 0
    for s in store.values:  # (a resource with several classes was refused already)
        if s not in store.types and s not in store.labels:
            untyped_with_values += 1
    warnings = []
    if store.ignored:
        top = ", ".join(f"{curie(p)} ({n:,})" for p, n in store.ignored.most_common(5))
        warnings.append(
            f"ignored {sum(store.ignored.values()):,} triple(s) with predicates outside "
            f"innokg's ontology: {top}"
        )
    if untyped_with_values:
        warnings.append(
            f"{untyped_with_values:,} resource(s) have innokg properties but no innokg class; "
            "ignored (type them with ik:Enterprise, ik:SuppliesRelation, ...)"
        )
    if bare:
        warnings.append(
            f"{bare:,} link(s) have no qualified relation, so no source or evidence; "
            "validation will report them"
        )
    return warnings


def _tables(
    node_rows: dict[str, list[dict[str, Any]]], edge_rows: _EdgeRows, name: str
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], dict[str, int]]:
    """The rows as tables named ``<file>[<Label>]``, nodes by id, edges by endpoints."""
    files: dict[str, int] = {}
    nodes = {}
    for label, rows in node_rows.items():
        if rows:
            display = f"{name}[{label}]"
            df = pd.DataFrame(rows, dtype=object)
            df = df.sort_values("id", kind="stable").reset_index(drop=True)
            nodes[label] = _provenance(df, display)
            files[display] = len(df)
    edges = {}
    for etype, keyed in edge_rows.items():
        if keyed:
            display = f"{name}[{etype}]"
            keyed.sort(key=lambda kr: tuple("" if v is None else v for v in kr[0]))
            df = pd.DataFrame([r for _, r in keyed], dtype=object)
            edges[etype] = _provenance(df, display)
            files[display] = len(df)
    return nodes, edges, files


def _edge_key(subject: str, row: dict[str, Any], iris: Iris) -> tuple[str, str, int, str]:
    ordinal = 0
    if subject.startswith(iris.rel):
        last = subject.rsplit(".", 1)[-1]
        ordinal = int(last) if last.isdigit() and subject.count(".") >= 3 else 1
    return (str(row.get("from_id", "")), str(row.get("to_id", "")), ordinal, subject)


def _provenance(df: pd.DataFrame, display: str) -> pd.DataFrame:
    df["_file"] = display
    df["_row"] = np.arange(1, len(df) + 1)
    return df
