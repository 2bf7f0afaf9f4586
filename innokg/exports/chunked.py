"""Writing a table that arrives in pieces, one piece at a time: Parquet (one row group
per piece) or CSV (the header once), so that memory holds one piece, never the table.

The CSV is the text :func:`innokg.output.render` gives for the whole table (UTF-8, rows
ending in ``\\n``, cells a spreadsheet would run as a formula prefixed with ``'``,
cells with a line break quoted), piece after piece.  The file is written beside its
target and renamed into place, so a run that fails leaves no half-written table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pandas as pd

from innokg.exports.common import _Target
from innokg.graph.errors import InnokgError
from innokg.output import csv_text, neutralise_formulas

__all__ = [
    "CHUNKED_FORMATS",
    "PIECE_ROWS",
    "chunked_format",
    "row_pieces",
    "write_chunks",
    "write_csv_pieces",
]

#: Formats written piece by piece, and the file suffix of each.
CHUNKED_FORMATS = {"parquet": ".parquet", "csv": ".csv"}

#: Rows turned into CSV text at a time: a few hundred MB of text at most, where the
#: text of a whole 14-million-row edge table took gigabytes.  As fast as the whole
#: table at once (a 1.4-million-row table: 5.1 s in pieces, 5.3 s whole).
PIECE_ROWS = 200_000


def row_pieces(df: pd.DataFrame, rows: int | None = None) -> Iterator[pd.DataFrame]:
    """``df`` in slices of at most ``rows`` rows (:data:`PIECE_ROWS` by default), in
    order (views, not copies); an empty table gives itself, so that its header is
    still written.

    >>> [len(p) for p in row_pieces(pd.DataFrame({"a": range(5)}), 2)]
    [2, 2, 1]
    >>> [len(p) for p in row_pieces(pd.DataFrame({"a": []}), 2)]
    [0]
    """
    step = rows or PIECE_ROWS
    for start in range(0, max(len(df), 1), step):
        yield df.iloc[start : start + step]


def chunked_format(out: str | Path) -> str | None:
    """The chunked format a file name asks for (by its suffix), or None.

    >>> chunked_format("partners.parquet"), chunked_format("p.CSV"), chunked_format("p.xlsx")
    ('parquet', 'csv', None)
    """
    suffix = Path(out).suffix.lower()
    return next((fmt for fmt, s in CHUNKED_FORMATS.items() if s == suffix), None)


def write_chunks(
    pieces: Iterable[pd.DataFrame], out: str | Path, fmt: str, *, neutralise: bool = True
) -> int:
    """Write the pieces of one table, in order, as one file; return its rows.

    Parameters
    ----------
    pieces : iterable of DataFrame
        The table's rows, piece by piece, all with the first piece's columns and types
        (the first may be empty: it still gives the header).
    out : path
        The file to write.
    fmt : {"parquet", "csv"}
    neutralise : bool
        CSV only: prefix text cells that a spreadsheet would run as a formula with ``'``.

    Returns
    -------
    int
        Rows written.

    Raises
    ------
    InnokgError
        For another format, no piece at all, or a file that cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_chunks([pd.DataFrame({"a": ["=1+1"]}), pd.DataFrame({"a": ["x"]})], out, "csv")
    2
    >>> out.read_text(encoding="utf-8")
    "a\\n'=1+1\\nx\\n"
    """
    if fmt not in CHUNKED_FORMATS:
        raise InnokgError(
            f"cannot write {fmt!r} in pieces; use one of {', '.join(CHUNKED_FORMATS)}"
        )
    out = Path(out)
    with _Target(out, folder=False) as tmp:
        try:
            return (
                _write_parquet(pieces, tmp)
                if fmt == "parquet"
                else _write_csv(pieces, tmp, neutralise)
            )
        except OSError as exc:
            raise InnokgError(f"cannot write {out}: {exc.strerror or exc}") from exc


def _write_csv(pieces: Iterable[pd.DataFrame], path: Path, neutralise: bool) -> int:
    rows = write_csv_pieces(pieces, path, neutralise=neutralise)
    if rows is None:
        raise InnokgError("nothing to write: the table came in no piece")
    return rows


def write_csv_pieces(
    pieces: Iterable[pd.DataFrame],
    path: Path,
    *,
    neutralise: bool,
    header: bool | list[str] = True,
    encoding: str = "utf-8",
    shape: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> int | None:
    """Write ``pieces`` to ``path`` as one CSV, the header once; return the rows, or
    None when there was no piece.  For the typed columns of innokg's tables (text,
    nullable integers and floats, booleans) the text is :func:`innokg.output.csv_text`'s
    for the whole table, byte for byte; pandas writes a date-time column, or an object
    column mixing numbers and text, by what the whole column holds, so a piece of one
    can be written otherwise.

    ``header`` is ``to_csv``'s (True, False, or the names to write); ``encoding``
    ``"utf-8-sig"`` writes its mark once, at the start; ``shape`` is applied to each
    piece before it is neutralised (a piece's columns chosen, renamed or retyped), so
    that no reshaped copy of the whole table is made.
    """
    rows: int | None = None
    with open(path, "w", encoding=encoding, newline="") as f:
        for piece in pieces:
            frame = shape(piece) if shape is not None else piece
            if neutralise:
                frame = neutralise_formulas(frame)
            f.write(csv_text(frame, header=header if rows is None else False))
            rows = (rows or 0) + len(piece)
    return rows


def _write_parquet(pieces: Iterable[pd.DataFrame], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = 0
    writer: pq.ParquetWriter | None = None
    try:
        for piece in pieces:
            table = pa.Table.from_pandas(
                piece, schema=writer.schema if writer else None, preserve_index=False
            )
            if writer is None:
                # zstd at its fastest level: as quick as the default snappy here and
                # the file half the size (a 1M per-firm partner table: 430 to 205 MB);
                # the package's own tables are zstd too
                writer = pq.ParquetWriter(
                    path, table.schema, compression="zstd", compression_level=1
                )
            writer.write_table(table)
            rows += len(piece)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        raise InnokgError("nothing to write: the table came in no piece")
    return rows
