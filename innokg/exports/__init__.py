"""Exports of a whole graph for other tools: tables, GraphML, GEXF, neo4j-admin CSV.

=============  =================================================================
format         what is written
=============  =================================================================
``csv``        a folder: ``nodes/<Label>.csv`` and ``edges/<TYPE>.csv``, UTF-8
               with a byte-order mark (Excel opens Chinese text correctly)
``xlsx``       one workbook: a ``README`` sheet saying what each sheet holds, an
               ``about`` sheet with the package's provenance, one sheet per label
               and per edge type with names beside ids (:func:`write_xlsx`)
``graphml``    one GraphML file (Gephi, igraph, yEd, Cytoscape, networkx)
``gexf``       one GEXF 1.2 file (Gephi)
``neo4j-csv``  a folder of CSV files with ``neo4j-admin database import`` headers
               (``id:ID``, ``:LABEL``, ``:START_ID``, ``:END_ID``, ``:TYPE``,
               typed properties such as ``employees:long``) and the command to
               run in ``README.txt``
=============  =================================================================

Names in the data are untrusted.  In every CSV and Excel export a text cell that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed
with an apostrophe (:func:`innokg.output.neutralise_formulas`), so a spreadsheet
shows it as text instead of running it.  ``neutralise=False`` writes cells
verbatim, for programs that read the files and never a spreadsheet (the
apostrophe would otherwise become part of the value in Neo4j).

GraphML and GEXF are written by streaming the tables row by row, not through a
networkx graph, so memory stays near the size of the tables themselves (a
networkx view of a million-node graph needs several GB).  XML cannot carry most
control characters even escaped; any in the data become U+FFFD.

A folder export is written beside its target and renamed into place; an existing
folder is replaced only when it holds an earlier export (``export.json``), and a
file export replaces its target in one step.

Examples
--------
>>> from innokg.graph.testing import make_graph
>>> G = make_graph({"Enterprise": [{"id": "e1", "name": "=HYPERLINK(1)"}]})
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "tables"
>>> files = export_graph(G, "csv", out)
>>> (out / "nodes" / "Enterprise.csv").read_text(encoding="utf-8-sig").splitlines()[1][:23]
"e1,'=HYPERLINK(1),,test"
>>> neo4j_header("edges", "MEMBER_OF")[:4]
[':START_ID', ':END_ID', ':TYPE', 'source:string']
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from innokg.exports.common import EXCEL_MAX_ROWS as EXCEL_MAX_ROWS
from innokg.exports.common import EXPORT_FORMATS, RDF_FORMATS, Report
from innokg.exports.neo4j_admin import neo4j_header, write_neo4j_csv
from innokg.exports.tables import write_csv_tables, write_sheets, write_xlsx
from innokg.exports.xml_formats import write_gexf, write_graphml
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError

__all__ = [
    "EXPORT_FORMATS",
    "RDF_FORMATS",
    "Report",
    "export_graph",
    "neo4j_header",
    "write_csv_tables",
    "write_gexf",
    "write_graphml",
    "write_neo4j_csv",
    "write_sheets",
    "write_xlsx",
]


# --- one entry point -----------------------------------------------------------------


def _rdf_writer() -> Callable[..., Any] | None:
    try:
        from innokg.graph import rdf  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    writer = getattr(rdf, "export_package", None)
    return writer if callable(writer) else None


def export_graph(
    G: EcosystemGraph,
    fmt: str,
    out: str | Path,
    *,
    neutralise: bool = True,
    report: Report | None = None,
) -> list[Path]:
    """Export ``G`` in ``fmt`` to ``out``.

    Parameters
    ----------
    G : EcosystemGraph
    fmt : str
        One of :data:`EXPORT_FORMATS`, or an RDF format (:data:`RDF_FORMATS`) where
        :mod:`innokg.graph.rdf` provides ``export_package``.
    out : path
        A folder for ``csv`` and ``neo4j-csv``, a file otherwise.
    neutralise : bool
        For CSV and Excel: prefix text cells a spreadsheet would run with ``'``.
    report : callable, optional
        Told each table as it starts to be written (``"write the SUPPLIES edges
        (4,871 rows)"``): :class:`innokg.progress.StepProgress` shows them.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    InnokgError
        For an unknown format, or an output that cannot be written.
    """
    if fmt == "csv":
        return write_csv_tables(G, out, neutralise=neutralise, report=report)
    if fmt == "xlsx":
        return write_xlsx(G, out, neutralise=neutralise, report=report)
    if fmt == "neo4j-csv":
        return write_neo4j_csv(G, out, neutralise=neutralise, report=report)
    if fmt == "graphml":
        return write_graphml(G, out, report=report)
    if fmt == "gexf":
        return write_gexf(G, out, report=report)
    if fmt in RDF_FORMATS:
        writer = _rdf_writer()
        if writer is None:
            raise InnokgError(
                f"--format {fmt} needs innokg's RDF module (innokg.graph.rdf), "
                "which this installation does not have"
            )
        out = Path(out)
        if out.is_dir():
            raise InnokgError(f"{out} is a folder; give a file name for this format")
        writer(G, out, format=fmt, report=report)  # writes beside out, renames into place
        return [out]
    known = ", ".join((*EXPORT_FORMATS, *RDF_FORMATS))
    raise InnokgError(f"unknown export format {fmt!r}; use one of {known}")
