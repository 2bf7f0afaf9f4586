"""Writing result tables for people and programs: table, CSV, JSON, Excel.

Names in the data are untrusted.  In CSV and Excel a cell that begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is prefixed with an apostrophe so
spreadsheets show it as text instead of running it as a formula.  In CSV a cell
holding a line break of either kind (``\\n`` or a lone ``\\r``) is quoted, so that
no reader splits it into a new row whose first cell could be a formula
(:func:`csv_text`).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.compute as pc

from innokg.graph.errors import InnokgError

__all__ = ["FORMATS", "csv_text", "neutralise_formulas", "render", "rounded", "write_table"]

FORMATS = ("table", "csv", "json", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells cannot run as spreadsheet formulas.

    >>> neutralise_formulas(pd.DataFrame({"a": ["=1+1", "ok", "-x"]}))["a"].tolist()
    ["'=1+1", 'ok', "'-x"]
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = _neutralised(out[col])
    return out


#: The cells :func:`neutralise_formulas` prefixes, as Arrow's regular expressions say it.
_FORMULA_PATTERN = "^[=+@\t\r-]"


def _neutralised(col: pd.Series) -> pd.Series:
    """One column neutralised: Arrow-backed text by Arrow, in one pass (a Python call
    per cell took a third of a CSV export's time), and left as it is when no cell needs
    it; other columns cell by cell."""
    if not isinstance(col.array, pd.arrays.ArrowStringArray):
        return col.map(_neutralise)
    text = col.array.__arrow_array__()
    if not pc.any(pc.match_substring_regex(text, _FORMULA_PATTERN)).as_py():
        return col
    fixed = pc.replace_substring_regex(
        text, pattern=f"^({_FORMULA_PATTERN[1:]})", replacement="'\\1", max_replacements=1
    )
    return pd.Series(pd.array(fixed, dtype=col.dtype), index=col.index, name=col.name)


def csv_text(df: pd.DataFrame, **options: Any) -> str:
    """``df`` as CSV text whose rows end in ``\\n`` and whose cells holding ``\\r`` are quoted.

    ``DataFrame.to_csv`` quotes a cell only for the characters of its line
    terminator, so with ``\\n`` rows a cell ``"x\\r=1+1"`` went out unquoted and
    spreadsheets read ``=1+1`` as the first cell of a row of its own.  Written with
    ``\\r\\n`` rows, every cell with either character is quoted; the row ends
    (``\\r\\n`` outside quotes) then become ``\\n`` again.  ``options`` go to
    ``to_csv`` (``header`` and the like).

    >>> csv_text(pd.DataFrame({"a": ["x\\r=1+1", "y"]}))
    'a\\n"x\\r=1+1"\\ny\\n'
    """
    text = str(df.to_csv(index=False, lineterminator="\r\n", **options))
    parts = text.split('"')  # even pieces lie outside quoted cells ("" escapes keep parity)
    parts[0::2] = [piece.replace("\r\n", "\n") for piece in parts[0::2]]
    return '"'.join(parts)


def _jsonable(df: pd.DataFrame) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(
        df.to_json(orient="records", force_ascii=False, date_format="iso")
    )
    return records


def render(df: pd.DataFrame, fmt: str, *, title: str | None = None) -> str:
    """The text of ``df`` in ``fmt`` (table, csv or json)."""
    if fmt == "csv":
        return csv_text(neutralise_formulas(df))
    if fmt == "json":
        return json.dumps(_jsonable(df), ensure_ascii=False, indent=2) + "\n"
    if fmt == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, show_lines=False)
        for col in df.columns:
            table.add_column(str(col), overflow="fold")
        for row in df.itertuples(index=False):
            table.add_row(*("" if pd.isna(v) else str(v) for v in row))
        buffer = io.StringIO()
        Console(file=buffer, width=160, color_system=None).print(table)
        return buffer.getvalue()
    raise InnokgError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def write_table(
    df: pd.DataFrame, fmt: str, out: str | Path | None, *, title: str | None = None
) -> None:
    """Print ``df`` (no ``out``) or write it to the file ``out``."""
    if fmt == "xlsx":
        if out is None:
            raise InnokgError("--format xlsx needs --out FILE.xlsx")
        from innokg.exports import write_sheets  # here: innokg.exports imports this module

        write_sheets({title or "result": df}, out)  # header, filter, widths; neutralised
        return
    text = render(df, fmt, title=title)
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InnokgError(f"cannot write {out}: {exc.strerror}") from exc


def rounded(df: pd.DataFrame) -> pd.DataFrame:
    """Floats to four significant figures, for reading on screen."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col].dtype):
            out[col] = out[col].map(lambda x: x if pd.isna(x) else float(f"{x:.4g}"))
    return out
