"""CSV folders and Excel workbooks: one table per label and edge type, names beside ids."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innokg.exports.chunked import row_pieces, write_csv_pieces
from innokg.exports.common import (
    _EXCEL_ILLEGAL,
    _EXPORT_MARKER,
    EXCEL_MAX_ROWS,
    Report,
    _is_missing,
    _marker,
    _prepare,
    _tables,
    _Target,
    _write_marker,
    announce,
)
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS

# --- CSV and Excel -------------------------------------------------------------------


def write_csv_tables(
    G: EcosystemGraph,
    out: str | Path,
    *,
    neutralise: bool = True,
    report: Report | None = None,
) -> list[Path]:
    """Write every node and edge table as CSV into the folder ``out``.

    Parameters
    ----------
    G : EcosystemGraph
    out : path
        The folder to write (``nodes/<Label>.csv``, ``edges/<TYPE>.csv`` and
        ``export.json``).
    neutralise : bool
        Prefix text cells that a spreadsheet would run as a formula with ``'``.
    report : callable, optional
        Told each table as it is written (``"write the SUPPLIES edges (4,871 rows)"``).

    Returns
    -------
    list of Path
        The files written, in their final place.
    """
    out = Path(out)
    names: list[Path] = []
    with _Target(out, folder=True) as tmp:
        for kind, name, df in _tables(G, report):
            (tmp / kind).mkdir(exist_ok=True)
            rel = Path(kind) / f"{name}.csv"
            # piece by piece: the text of a whole ten-million-row table took gigabytes
            write_csv_pieces(row_pieces(df), tmp / rel, neutralise=neutralise, encoding="utf-8-sig")
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
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\.  A longer
    name is cut after its last whole word or clause that fits ("Policy indicators by
    city, as of 2019" gives "Policy indicators by city"), not in the middle of a word.

    >>> _sheet_title("Policy indicators by city, as of 2019", set())
    'Policy indicators by city'
    >>> taken = set(); [_sheet_title("gaps", taken), _sheet_title("Gaps", taken)]
    ['gaps', 'Gaps_2']
    """
    base = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'") or "sheet"
    if len(base) > 31:
        cut = base[:32]  # a separator just after the 31st character still ends a word
        clause = max(cut.rfind(sep) for sep in (",", ";", "·", "，", "；", "（", "("))
        end = clause if clause >= 10 else cut.rfind(" ")  # a clause, else a word
        base = (cut[:end] if end >= 10 else base[:31]).rstrip(" ,;·，、")
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
    sheets: Mapping[str, pd.DataFrame],
    out: str | Path,
    *,
    neutralise: bool = True,
    report: Report | None = None,
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
    report : callable, optional
        Told each sheet as it is written, and the saving of the workbook.

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
        announce(report, f"the sheet {name}", len(df))
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
    if report is not None:
        report(f"save {out.name}")  # the sheets, streamed to scratch files, are zipped now
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


def write_xlsx(
    G: EcosystemGraph,
    out: str | Path,
    *,
    neutralise: bool = True,
    report: Report | None = None,
) -> list[Path]:
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
    report : callable, optional
        Told each sheet as it is written.

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
    return write_sheets(sheets, out, neutralise=neutralise, report=report)
