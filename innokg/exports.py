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
>>> from tests.factory import make_graph
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

import json
import math
import os
import re
import shutil
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError
from innokg.graph.schema import EDGE_ENDPOINT_COLUMNS, EDGE_TYPES, NODE_LABELS, DType, Prop
from innokg.output import csv_text, neutralise_formulas

__all__ = [
    "EXPORT_FORMATS",
    "RDF_FORMATS",
    "export_graph",
    "neo4j_header",
    "write_csv_tables",
    "write_gexf",
    "write_graphml",
    "write_neo4j_csv",
    "write_sheets",
    "write_xlsx",
]

#: Formats written by this module.
EXPORT_FORMATS = ("csv", "xlsx", "graphml", "gexf", "neo4j-csv")

#: RDF formats, written by :mod:`innokg.graph.rdf` where it is installed.
RDF_FORMATS = ("ttl", "nt", "jsonld", "trig")

#: Rows an Excel sheet holds, the header included.
EXCEL_MAX_ROWS = 1_048_576

_EXPORT_MARKER = "export.json"
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# openpyxl refuses the same control characters in a cell.
_EXCEL_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

_NEO4J_TYPES: dict[DType, str] = {
    "string": "string",
    "int": "long",
    "year": "int",
    "float": "double",
    "bool": "boolean",
}
_XML_TYPES: dict[DType, str] = {
    "string": "string",
    "int": "long",
    "year": "long",
    "float": "double",
    "bool": "boolean",
}


# --- shared helpers -----------------------------------------------------------------


def _props(kind: str, name: str) -> tuple[Prop, ...]:
    return (NODE_LABELS[name] if kind == "nodes" else EDGE_TYPES[name]).props


def _table(G: EcosystemGraph, kind: str, name: str) -> pd.DataFrame:
    return G.nodes[name] if kind == "nodes" else G.edges[name]


def _tables(G: EcosystemGraph) -> Iterator[tuple[str, str, pd.DataFrame]]:
    for label in NODE_LABELS:
        yield "nodes", label, G.nodes[label]
    for etype in EDGE_TYPES:
        yield "edges", etype, G.edges[etype]


def _columns(df: pd.DataFrame, names: list[str]) -> Iterator[tuple[Any, ...]]:
    """Rows of ``df[names]`` as tuples of Python values, None where missing."""
    cols = []
    for name in names:
        if name not in df.columns:
            cols.append([None] * len(df))
            continue
        s = df[name]
        cols.append([None if _is_missing(v) else v for v in s.astype(object).tolist()])
    return zip(*cols, strict=True) if cols else iter(())


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _prepare(df: pd.DataFrame, neutralise: bool) -> pd.DataFrame:
    return neutralise_formulas(df) if neutralise else df


def _bool_text(df: pd.DataFrame, props: tuple[Prop, ...]) -> pd.DataFrame:
    """Booleans as ``true`` / ``false`` (what Neo4j and most readers expect)."""
    out = df.copy()
    for p in props:
        if p.dtype == "bool" and p.name in out.columns:
            out[p.name] = (
                out[p.name]
                .map(lambda v: None if _is_missing(v) else ("true" if v else "false"))
                .astype("string")
            )
    return out


class _Target:
    """Write a file or folder beside ``out`` and move it into place on success."""

    def __init__(self, out: Path, *, folder: bool) -> None:
        self.out = out
        self.folder = folder
        self.tmp = out.with_name(f".{out.name}.tmp-{uuid.uuid4().hex[:8]}")

    def __enter__(self) -> Path:
        out = self.out
        if self.folder:
            if out.exists() and not out.is_dir():
                raise InnokgError(f"{out} is a file; give a folder for this format")
            if out.is_dir() and any(out.iterdir()) and not (out / _EXPORT_MARKER).is_file():
                raise InnokgError(
                    f"{out} is a folder that does not hold an innokg export; refusing to "
                    "replace it. Choose a new or empty --out folder"
                )
        elif out.is_dir():
            raise InnokgError(f"{out} is a folder; give a file name for this format")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            if self.folder:
                self.tmp.mkdir()
        except OSError as exc:
            raise InnokgError(f"cannot write {out}: {exc.strerror or exc}") from exc
        return self.tmp

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                if self.folder and self.out.is_dir():
                    old = self.out.with_name(f".{self.out.name}.old-{uuid.uuid4().hex[:8]}")
                    os.replace(self.out, old)
                    os.replace(self.tmp, self.out)
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    os.replace(self.tmp, self.out)
        except OSError as err:
            raise InnokgError(f"cannot write {self.out}: {err.strerror or err}") from err
        finally:
            if self.tmp.is_dir():
                shutil.rmtree(self.tmp, ignore_errors=True)
            elif self.tmp.exists():
                self.tmp.unlink()


def _marker(G: EcosystemGraph, fmt: str, neutralise: bool) -> dict[str, Any]:
    m = G.manifest
    return {
        "format": fmt,
        "exported_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "package": str(G.path) if G.path else None,
        "title": m.get("title"),
        "built_at": m.get("built_at"),
        "synthetic": bool(m.get("synthetic", False)),
        "formulas_neutralised": neutralise,
        "counts": G.counts(),
    }


def _write_marker(folder: Path, info: dict[str, Any]) -> Path:
    path = folder / _EXPORT_MARKER
    path.write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


# --- CSV and Excel -------------------------------------------------------------------


def write_csv_tables(G: EcosystemGraph, out: str | Path, *, neutralise: bool = True) -> list[Path]:
    """Write every node and edge table as CSV into the folder ``out``.

    Parameters
    ----------
    G : EcosystemGraph
    out : path
        The folder to write (``nodes/<Label>.csv``, ``edges/<TYPE>.csv`` and
        ``export.json``).
    neutralise : bool
        Prefix text cells that a spreadsheet would run as a formula with ``'``.

    Returns
    -------
    list of Path
        The files written, in their final place.
    """
    out = Path(out)
    names: list[Path] = []
    with _Target(out, folder=True) as tmp:
        for kind, name, df in _tables(G):
            (tmp / kind).mkdir(exist_ok=True)
            rel = Path(kind) / f"{name}.csv"
            text = csv_text(_prepare(df, neutralise))  # cells with a line break quoted
            (tmp / rel).write_text(text, encoding="utf-8-sig", newline="")
            names.append(rel)
        _write_marker(tmp, _marker(G, "csv", neutralise))
        names.append(Path(_EXPORT_MARKER))
    return [out / n for n in names]


#: Columns holding identifiers or codes: text in a spreadsheet, whatever they look like
#: (a division code 410100 or a stock code 000001 must not become a number).
_ID_NAMES = frozenset({"id", "code", "credit_code", "stock_code", "moe_code"})

#: Column widths in characters (a CJK character counts two).
_MIN_WIDTH, _MAX_WIDTH = 6, 60
#: Rows looked at to size a column.
_WIDTH_SAMPLE = 2000

_HEADER_FILL = "DDE4EE"


def _is_id_column(name: str) -> bool:
    return name in _ID_NAMES or name.endswith(("_id", "_code"))


def _display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _column_width(name: str, values: list[Any]) -> float:
    widest = max(
        (_display_width(_cell_text(v)) for v in values[:_WIDTH_SAMPLE] if v is not None),
        default=0,
    )
    # the header's filter button takes about two characters
    return float(min(max(widest, _display_width(name) + 2, _MIN_WIDTH) + 1, _MAX_WIDTH))


def _excel_value(value: Any) -> Any:
    """A cell value openpyxl writes as Excel reads it: None for missing, text for what
    Excel has no number for (infinity), text for anything that is not a scalar."""
    if _is_missing(value):
        return None
    if isinstance(value, str):
        return _EXCEL_ILLEGAL.sub("\ufffd", value)
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if hasattr(value, "item"):  # a numpy scalar
        return _excel_value(value.item())
    return _EXCEL_ILLEGAL.sub("\ufffd", str(value))


def _sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\."""
    base = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'") or "sheet"
    title, n = base[:31], 1
    while title.lower() in taken:
        n += 1
        title = f"{base[: 31 - len(str(n)) - 1]}_{n}"
    taken.add(title.lower())
    return title


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise InnokgError(
            "Excel output needs openpyxl, a dependency of innokg: pip install openpyxl"
        ) from None
    return openpyxl


def write_sheets(
    sheets: Mapping[str, pd.DataFrame], out: str | Path, *, neutralise: bool = True
) -> list[Path]:
    """Write tables as the sheets of one workbook that works as a spreadsheet.

    Every sheet has a bold header row that stays in view (frozen panes) and carries a
    filter, columns as wide as their contents (up to 60 characters; a CJK character
    counts two), numbers as numbers (integers, floats, booleans; missing values as
    empty cells) and identifiers as text: a column named ``id``, ``code``,
    ``credit_code``, ``stock_code``, ``moe_code`` or ending in ``_id`` / ``_code`` is
    formatted as text, so a code such as ``410100`` or ``000001`` stays as written.
    A text cell that begins like a formula is prefixed with ``'`` (``neutralise``);
    without neutralisation it is still written as text, never as a formula.  The
    workbook is written beside ``out`` and renamed into place.

    Parameters
    ----------
    sheets : mapping of str to DataFrame
        Sheet name -> table, in order.  Names are cut to Excel's 31 characters and
        characters Excel refuses (``[]:*?/\\``) become ``_``.
    out : path
        The ``.xlsx`` file.
    neutralise : bool
        Prefix text cells that Excel would run as a formula with ``'``.

    Returns
    -------
    list of Path
        ``[out]``.

    Raises
    ------
    InnokgError
        When a table has more rows than a sheet holds, or ``out`` cannot be written.
    """
    openpyxl = _openpyxl()
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    for name, df in sheets.items():
        if len(df) >= EXCEL_MAX_ROWS:
            raise InnokgError(
                f"{name} has {len(df):,} rows, more than an Excel sheet holds "
                f"({EXCEL_MAX_ROWS - 1:,}); write it as CSV instead"
            )
    out = Path(out)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=_HEADER_FILL)
    rule = Border(bottom=Side(style="thin"))
    align = Alignment(vertical="top")
    book = openpyxl.Workbook(write_only=True)
    taken: set[str] = set()
    for name, df in sheets.items():
        frame = _prepare(df, neutralise)
        header = [str(c) for c in frame.columns]
        columns = [
            [_excel_value(v) for v in frame[c].astype(object).tolist()] for c in frame.columns
        ]
        ws = book.create_sheet(_sheet_title(name, taken))
        ws.freeze_panes = "A2"
        for i, (col, values) in enumerate(zip(header, columns, strict=True), start=1):
            dim = ws.column_dimensions[get_column_letter(i)]
            dim.width = _column_width(col, values)
            if _is_id_column(col):
                dim.number_format = "@"
        if header:
            ref = f"A1:{get_column_letter(len(header))}{len(frame) + 1}"
            ws.auto_filter.ref = ref
            # A streamed sheet leaves out its size (<dimension>), and readers that trust
            # it (openpyxl's read-only mode) then see no rows: give it, it is known.
            ws.calculate_dimension = lambda ref=ref: ref
        cells = []
        for col in header:
            cell = WriteOnlyCell(ws, value=_excel_value(col))
            cell.font, cell.fill, cell.border, cell.alignment = bold, fill, rule, align
            if isinstance(cell.value, str):
                cell.data_type = "s"
            cells.append(cell)
        ws.append(cells)
        for row in zip(*columns, strict=True):
            ws.append([_text_cell(ws, WriteOnlyCell, v) for v in row])
    with _Target(out, folder=False) as tmp:
        try:
            book.save(tmp)
        except OSError as exc:
            raise InnokgError(f"cannot write {out}: {exc.strerror or exc}") from exc
    return [out]


def _text_cell(ws: Any, cell_type: Any, value: Any) -> Any:
    """``value``, or a text cell where openpyxl would otherwise write a formula."""
    if isinstance(value, str) and value.startswith("="):
        cell = cell_type(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def _names(G: EcosystemGraph) -> pd.Series:
    """Every node's name, indexed by id."""
    frames = [G.nodes[label][["id", "name"]] for label in NODE_LABELS if len(G.nodes[label])]
    if not frames:
        return pd.Series(dtype="string")
    both = pd.concat(frames, ignore_index=True).drop_duplicates("id")
    return pd.Series(both["name"].to_numpy(), index=both["id"].astype(str).to_numpy())


def _with_names(df: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """An edge table with ``from_name`` and ``to_name`` beside the endpoints' ids."""
    out = df.copy()
    for end in ("from", "to"):
        ids = out[f"{end}_id"].astype(str)
        out.insert(
            out.columns.get_loc(f"{end}_id") + 1,
            f"{end}_name",
            pd.Series(ids.map(names).to_numpy(), index=out.index, dtype="string"),
        )
    return out


def _with_place(G: EcosystemGraph, df: pd.DataFrame) -> pd.DataFrame:
    """The Enterprise table with ``city`` and ``industry`` (names) after ``name``."""
    from innokg.queries.arrays import arrays
    from innokg.queries.clusters import preferred_industry

    A = arrays(G)
    pos = A.index(df["id"].astype(str).to_numpy())
    found = pos >= 0

    def name_at(where: np.ndarray) -> pd.Series:
        at = np.where(found, where[np.maximum(pos, 0)], -1)
        values = np.where(at >= 0, A.names[np.maximum(at, 0)], None)
        return pd.Series(values, index=df.index, dtype="string")

    out = df.copy()
    at = out.columns.get_loc("name") + 1 if "name" in out.columns else len(out.columns)
    out.insert(at, "city", name_at(A.city()))
    out.insert(at + 1, "industry", name_at(preferred_industry(G)))
    return out


#: What the columns a workbook adds to the schema's hold (they are not read back).
_ADDED_EDGE = "from_name, to_name: the endpoints' names beside their ids"
_ADDED_ENTERPRISE = (
    "city: the firm's city (through its county or zone); industry: its GB/T 4754 class "
    "where it has one, else its first-listed industry"
)


def _readme(G: EcosystemGraph, info: dict[str, Any]) -> pd.DataFrame:
    rows = [
        ("README", "说明", None, "What each sheet of this workbook holds.", ""),
        (
            "about",
            "来源",
            None,
            "Where the graph comes from: title, build and export time, whether the data "
            "is synthetic, its sources.",
            "",
        ),
    ]
    for label, spec in NODE_LABELS.items():
        rows.append(
            (
                label,
                spec.zh,
                len(G.nodes[label]),
                f"One row per {spec.en.lower()} node. {spec.description}",
                _ADDED_ENTERPRISE if label == "Enterprise" else "",
            )
        )
    for etype, edge in EDGE_TYPES.items():
        rows.append(
            (
                etype,
                edge.zh,
                len(G.edges[etype]),
                f"One row per {etype} edge ({edge.en}): {edge.description}",
                _ADDED_EDGE,
            )
        )
    readme = pd.DataFrame(rows, columns=["sheet", "中文", "rows", "holds", "added columns"])
    readme["rows"] = readme["rows"].astype("Int64")
    note = (
        "Added columns are for reading and are not schema properties: drop them before "
        "giving a sheet back to `innokg build`, or export with --format csv."
    )
    if info["synthetic"]:
        note = "Synthetic demo data: no fact about any real organisation. " + note
    return pd.concat(
        [readme, pd.DataFrame([("", "", pd.NA, note, "")], columns=readme.columns)],
        ignore_index=True,
    )


def write_xlsx(G: EcosystemGraph, out: str | Path, *, neutralise: bool = True) -> list[Path]:
    """Write every table as a sheet of one Excel workbook.

    The first sheet, ``README``, says what each sheet holds and how many rows; ``about``
    gives the graph's provenance; then one sheet per node label and per edge type, in
    schema order, formatted by :func:`write_sheets` (bold frozen header, filter,
    widths, numbers as numbers, ids as text).  For reading without look-ups, every
    edge sheet has ``from_name`` beside ``from_id`` and ``to_name`` beside ``to_id``,
    and the Enterprise sheet has ``city`` and ``industry`` after ``name``.

    Parameters
    ----------
    G : EcosystemGraph
    out : path
        The ``.xlsx`` file.
    neutralise : bool
        Prefix text cells that Excel would run as a formula with ``'``.

    Returns
    -------
    list of Path
        ``[out]``.

    Raises
    ------
    InnokgError
        When a table has more rows than a sheet holds.
    """
    for _, name, df in _tables(G):
        if len(df) >= EXCEL_MAX_ROWS:
            raise InnokgError(
                f"{name} has {len(df):,} rows, more than an Excel sheet holds "
                f"({EXCEL_MAX_ROWS - 1:,}); export with --format csv instead"
            )
    info = _marker(G, "xlsx", neutralise)
    about = pd.DataFrame(
        [
            ("title", info["title"] or ""),
            ("package", info["package"] or ""),
            ("built_at", info["built_at"] or ""),
            ("exported_at", info["exported_at"]),
            ("synthetic", "yes: invented data" if info["synthetic"] else "no"),
            ("formulas_neutralised", "yes" if neutralise else "no"),
            *(
                (f"source {i + 1}", ": ".join(str(x) for x in (s.get("kind"), s.get("path")) if x))
                for i, s in enumerate(G.manifest.get("sources", []))
            ),
        ],
        columns=["field", "value"],
    )
    names = _names(G)
    sheets: dict[str, pd.DataFrame] = {"README": _readme(G, info), "about": about}
    for kind, name, df in _tables(G):
        if kind == "edges":
            sheets[name] = _with_names(df, names)
        elif name == "Enterprise":
            sheets[name] = _with_place(G, df)
        else:
            sheets[name] = df
    return write_sheets(sheets, out, neutralise=neutralise)


# --- neo4j-admin import --------------------------------------------------------------


def neo4j_header(kind: str, name: str) -> list[str]:
    """The ``neo4j-admin database import`` header of a node label's or edge type's file.

    Node files start with ``id:ID`` (one id space: innokg ids are unique across the
    graph; the ``id`` property is kept) and end with ``:LABEL``; edge files start with
    ``:START_ID``, ``:END_ID`` and ``:TYPE``.  Every property is typed: ``string``,
    ``long`` (counts), ``int`` (years), ``double``, ``boolean``.

    Examples
    --------
    >>> header = neo4j_header("nodes", "Fund")
    >>> header[:5], header[-1]
    (['id:ID', 'name:string', 'name_en:string', 'source:string', 'since:int'], ':LABEL')
    >>> "amount:double" in header
    True
    """
    props = _props(kind, name)
    typed = [f"{p.name}:{_NEO4J_TYPES[p.dtype]}" for p in props if p.name != "id"]
    if kind == "nodes":
        return ["id:ID", *typed, ":LABEL"]
    return [":START_ID", ":END_ID", ":TYPE", *typed]


def write_neo4j_csv(G: EcosystemGraph, out: str | Path, *, neutralise: bool = True) -> list[Path]:
    """Write CSV files for ``neo4j-admin database import full``.

    Parameters
    ----------
    G : EcosystemGraph
    out : path
        The folder to write: ``nodes/<Label>.csv``, ``relationships/<TYPE>.csv``,
        ``README.txt`` with the import command, ``export.json``.
    neutralise : bool
        Prefix text cells that a spreadsheet would run as a formula with ``'``.
        The apostrophe then becomes part of the value in Neo4j: pass False when
        the files go to ``neo4j-admin`` only.

    Returns
    -------
    list of Path
        The files written, in their final place.
    """
    out = Path(out)
    names: list[Path] = []
    nodes_args, rel_args = [], []
    with _Target(out, folder=True) as tmp:
        (tmp / "nodes").mkdir()
        (tmp / "relationships").mkdir()
        for kind, name, df in _tables(G):
            if df.empty:
                continue
            props = _props(kind, name)
            header = neo4j_header(kind, name)
            cols = [p.name for p in props]
            if kind == "edges":
                cols = [*EDGE_ENDPOINT_COLUMNS, *cols]
            frame = _bool_text(df.reindex(columns=cols), props)
            if kind == "nodes":
                frame = frame.assign(**{":LABEL": name})
                rel = Path("nodes") / f"{name}.csv"
                nodes_args.append(f"--nodes={rel}")
            else:
                rest = [c for c in cols if c not in EDGE_ENDPOINT_COLUMNS]
                frame = frame.assign(**{":TYPE": name})[["from_id", "to_id", ":TYPE", *rest]]
                rel = Path("relationships") / f"{name}.csv"
                rel_args.append(f"--relationships={rel}")
            frame = _prepare(frame, neutralise)
            text = csv_text(frame, header=header)
            (tmp / rel).write_text(text, encoding="utf-8", newline="")
            names.append(rel)
        command = " \\\n  ".join(
            [
                "neo4j-admin database import full",
                *nodes_args,
                *rel_args,
                "--multiline-fields=true",
                "--overwrite-destination=true",
                "neo4j",
            ]
        )
        (tmp / "README.txt").write_text(
            "Import into an empty Neo4j 5 database (the server stopped), from this folder:\n\n"
            f"{command}\n\n"
            "Node ids share one id space (innokg ids are unique across the graph).\n"
            + (
                "Text cells beginning with = + - @ or a tab carry a leading apostrophe "
                "(spreadsheet safety); export with --verbatim to import them unchanged.\n"
                if neutralise
                else "Cells are written verbatim: do not open these files in a spreadsheet.\n"
            ),
            encoding="utf-8",
        )
        _write_marker(tmp, _marker(G, "neo4j-csv", neutralise))
        names += [Path("README.txt"), Path(_EXPORT_MARKER)]
    return [out / n for n in names]


# --- GraphML and GEXF, streamed ------------------------------------------------------


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return _XML_ILLEGAL.sub("\ufffd", str(value))


def _attr_types(kind: str, skip: tuple[str, ...]) -> dict[str, str]:
    """Property name -> XML type over every label (or type); conflicting types: string."""
    specs = NODE_LABELS.values() if kind == "nodes" else EDGE_TYPES.values()
    types: dict[str, str] = {}
    for spec in specs:
        for p in spec.props:
            if p.name in skip:
                continue
            t = _XML_TYPES[p.dtype]
            types[p.name] = t if types.get(p.name, t) == t else "string"
    return types


def _edge_ids(etype: str, df: pd.DataFrame) -> list[str]:
    return [f"{etype}-{i}" for i in range(len(df))]


def _open_xml(path: Path) -> IO[str]:
    return path.open("w", encoding="utf-8", newline="\n")


def write_graphml(G: EcosystemGraph, out: str | Path) -> list[Path]:
    """Write the whole graph as one GraphML file, streamed.

    Nodes carry ``label`` (their node label) and their properties; edges carry
    ``type`` and their properties, and an id ``<TYPE>-<row>``.  A property name
    typed differently by two labels (``level``: text for regions, a number for
    industries) is declared as a string.

    Parameters
    ----------
    G : EcosystemGraph
    out : path
        The ``.graphml`` file.

    Returns
    -------
    list of Path
        ``[out]``.
    """
    out = Path(out)
    node_types = {"label": "string", **_attr_types("nodes", ("id",))}
    edge_types = {"type": "string", **_attr_types("edges", EDGE_ENDPOINT_COLUMNS)}
    node_keys = {name: f"n{i}" for i, name in enumerate(node_types)}
    edge_keys = {name: f"e{i}" for i, name in enumerate(edge_types)}
    with _Target(out, folder=False) as tmp, _open_xml(tmp) as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
        )
        for scope, types, keys in (
            ("node", node_types, node_keys),
            ("edge", edge_types, edge_keys),
        ):
            for name, t in types.items():
                f.write(
                    f'  <key id="{keys[name]}" for="{scope}" attr.name={quoteattr(name)} '
                    f'attr.type="{t}"/>\n'
                )
        f.write('  <graph id="G" edgedefault="directed">\n')

        def data(keys: dict[str, str], types: dict[str, str], name: str, v: Any) -> str:
            if types[name] == "string" and not isinstance(v, str):
                v = str(v)
            return f'<data key="{keys[name]}">{escape(_xml_text(v))}</data>'

        for label in NODE_LABELS:
            df = G.nodes[label]
            cols = [p.name for p in NODE_LABELS[label].props]
            for row in _columns(df, cols):
                values = dict(zip(cols, row, strict=True))
                node_id = values.pop("id")
                parts = [data(node_keys, node_types, "label", label)]
                parts += [
                    data(node_keys, node_types, k, v) for k, v in values.items() if v is not None
                ]
                f.write(f"    <node id={quoteattr(_xml_text(node_id))}>{''.join(parts)}</node>\n")
        for etype, spec in EDGE_TYPES.items():
            df = G.edges[etype]
            cols = ["from_id", "to_id", *(p.name for p in spec.props)]
            for eid, row in zip(_edge_ids(etype, df), _columns(df, cols), strict=True):
                values = dict(zip(cols, row, strict=True))
                u, v = values.pop("from_id"), values.pop("to_id")
                parts = [data(edge_keys, edge_types, "type", etype)]
                parts += [
                    data(edge_keys, edge_types, k, x) for k, x in values.items() if x is not None
                ]
                f.write(
                    f'    <edge id="{eid}" source={quoteattr(_xml_text(u))} '
                    f"target={quoteattr(_xml_text(v))}>{''.join(parts)}</edge>\n"
                )
        f.write("  </graph>\n</graphml>\n")
    return [out]


def write_gexf(G: EcosystemGraph, out: str | Path) -> list[Path]:
    """Write the whole graph as one GEXF 1.2 file for Gephi, streamed.

    A node's GEXF ``label`` is its Chinese name (what Gephi shows); its node label
    (``Enterprise``, ...) is the attribute ``type``, for partitioning and colouring.
    An edge's GEXF ``label`` and attribute ``type`` are its edge type; its
    ``weight`` property is GEXF's edge weight.

    Parameters
    ----------
    G : EcosystemGraph
    out : path
        The ``.gexf`` file.

    Returns
    -------
    list of Path
        ``[out]``.
    """
    out = Path(out)
    node_types = {"type": "string", **_attr_types("nodes", ("id", "name"))}
    edge_types = {"type": "string", **_attr_types("edges", (*EDGE_ENDPOINT_COLUMNS, "weight"))}
    node_ids = {name: str(i) for i, name in enumerate(node_types)}
    edge_ids = {name: str(i) for i, name in enumerate(edge_types)}
    title = G.manifest.get("title") or "innokg graph"
    with _Target(out, folder=False) as tmp, _open_xml(tmp) as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
            f"  <meta><creator>innokg</creator><description>{escape(_xml_text(title))}"
            "</description></meta>\n"
            '  <graph defaultedgetype="directed" mode="static">\n'
        )
        for scope, types, ids in (("node", node_types, node_ids), ("edge", edge_types, edge_ids)):
            f.write(f'    <attributes class="{scope}" mode="static">\n')
            for name, t in types.items():
                f.write(f'      <attribute id="{ids[name]}" title={quoteattr(name)} type="{t}"/>\n')
            f.write("    </attributes>\n")

        def attvalues(ids: dict[str, str], values: dict[str, Any]) -> str:
            inner = "".join(
                f'<attvalue for="{ids[k]}" value={quoteattr(_xml_text(v))}/>'
                for k, v in values.items()
                if v is not None
            )
            return f"<attvalues>{inner}</attvalues>"

        f.write("    <nodes>\n")
        for label in NODE_LABELS:
            cols = [p.name for p in NODE_LABELS[label].props]
            for row in _columns(G.nodes[label], cols):
                values = dict(zip(cols, row, strict=True))
                node_id, name = values.pop("id"), values.pop("name")
                f.write(
                    f"      <node id={quoteattr(_xml_text(node_id))} "
                    f"label={quoteattr(_xml_text(name if name is not None else node_id))}>"
                    f"{attvalues(node_ids, {'type': label, **values})}</node>\n"
                )
        f.write("    </nodes>\n    <edges>\n")
        for etype, spec in EDGE_TYPES.items():
            df = G.edges[etype]
            cols = ["from_id", "to_id", *(p.name for p in spec.props)]
            for eid, row in zip(_edge_ids(etype, df), _columns(df, cols), strict=True):
                values = dict(zip(cols, row, strict=True))
                u, v, w = values.pop("from_id"), values.pop("to_id"), values.pop("weight")
                weight = f' weight="{_xml_text(float(w))}"' if w is not None else ""
                f.write(
                    f'      <edge id="{eid}" source={quoteattr(_xml_text(u))} '
                    f'target={quoteattr(_xml_text(v))} label="{etype}"{weight}>'
                    f"{attvalues(edge_ids, {'type': etype, **values})}</edge>\n"
                )
        f.write("    </edges>\n  </graph>\n</gexf>\n")
    return [out]


# --- one entry point -----------------------------------------------------------------


def _rdf_writer() -> Callable[..., Any] | None:
    try:
        from innokg.graph import rdf  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    writer = getattr(rdf, "export_package", None)
    return writer if callable(writer) else None


def export_graph(
    G: EcosystemGraph, fmt: str, out: str | Path, *, neutralise: bool = True
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
        return write_csv_tables(G, out, neutralise=neutralise)
    if fmt == "xlsx":
        return write_xlsx(G, out, neutralise=neutralise)
    if fmt == "neo4j-csv":
        return write_neo4j_csv(G, out, neutralise=neutralise)
    if fmt == "graphml":
        return write_graphml(G, out)
    if fmt == "gexf":
        return write_gexf(G, out)
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
        writer(G, out, format=fmt)  # writes beside out and renames into place itself
        return [out]
    known = ", ".join((*EXPORT_FORMATS, *RDF_FORMATS))
    raise InnokgError(f"unknown export format {fmt!r}; use one of {known}")
