"""Reading the JSON Lines files: Arrow's fast reader where the file is clean, a careful
line-by-line path that names every bad line where it is not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.errors import SourceError
from innokg.loaders.base import Ledger, SourceTables

__all__ = ["MAX_VALUE", "looks_like_chainkg", "read_files"]

_FILES = {
    "company.json": ("name", "fullname", "code", "location", "time"),
    "industry.json": ("code", "name"),
    "industry_industry.json": ("from_code", "from_industry", "rel", "to_industry", "to_code"),
    "industry_up.json": ("industry", "ups"),
    "product.json": ("name",),
    "company_industry.json": (
        "company_code",
        "company_name",
        "industry_code",
        "industry_name",
        "rel",
    ),
    "company_product.json": ("company_code", "company_name", "product_name", "rel", "rel_weight"),
    "product_product.json": ("from_entity", "to_entity", "rel"),
}
_REQUIRED_FILES = ("company.json",)


def looks_like_chainkg(path: Path) -> bool:
    """True for a folder holding company.json and product_product.json or industry.json.

    Parameters
    ----------
    path : Path
        The file or folder given as a source.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> _ = (folder / "company.json").write_text("", encoding="utf-8")
    >>> looks_like_chainkg(folder)
    False
    >>> _ = (folder / "industry.json").write_text("", encoding="utf-8")
    >>> looks_like_chainkg(folder)
    True
    >>> tmp.cleanup()
    """
    return (
        path.is_dir()
        and (path / "company.json").is_file()
        and ((path / "product_product.json").is_file() or (path / "industry.json").is_file())
    )


#: Longest value a field may hold, in characters (as a cell of the table reader);
#: a row with a longer one is rejected.
MAX_VALUE = 1_000_000
#: A line with more opening brackets than this is never given to Arrow's reader.
_MAX_FAST_DEPTH = 64


def _not_utf8(data: bytes, file: str) -> SourceError | None:
    """The error for a file that is not UTF-8, naming its line; None when it is UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return SourceError(
                f"{file}: not UTF-8 but UTF-16; ChainKnowledgeGraph files are UTF-8: "
                "save it as UTF-8"
            )
        line = data.count(b"\n", 0, exc.start) + 1
        return SourceError(
            f"{file}: not UTF-8 at line {line} (byte offset {exc.start}); ChainKnowledgeGraph "
            "files are UTF-8: save the file as UTF-8 or remove the bad bytes on that line"
        )
    return None


def _value_problem(value: Any) -> str:
    """Why a field's JSON value cannot be read as text or a number ('' when it can)."""
    if value is None or (isinstance(value, str) and len(value) <= MAX_VALUE):
        return ""
    if isinstance(value, str):
        return f"a value of {len(value):,} characters (limit {MAX_VALUE:,})"
    if isinstance(value, bool):
        return "true or false where text or a number belongs"
    if isinstance(value, int):
        return ""
    if isinstance(value, float):
        return "" if np.isfinite(value) else "a number out of range (NaN, Infinity or 1e400)"
    kind = "an object" if isinstance(value, dict) else "an array"
    return f"{kind} where text or a number belongs"


def _read_fast(data: bytes, file: str, fields: tuple[str, ...]) -> pd.DataFrame | None:
    """The file through Arrow's JSON reader, or None where the careful path is needed.

    Only for UTF-8 files with no blank line, whose every line parses to flat text or
    finite numbers no longer than :data:`MAX_VALUE`: then line ``n`` is row ``n``.
    Anything else (a bad line, nested values, a blank line, true/false) goes the
    careful way, which names each bad line.  A file with more brackets than lines
    (nested values, or brackets in names) never reaches Arrow's reader, which
    crashes the process on deeply nested input; nor does a line with more than
    64 brackets.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.json as pj

    body = data.removeprefix(b"\xef\xbb\xbf")
    if not body.strip():
        return None
    # Arrow skips blank lines or fails on them; either way the count tells.
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    if body.count(b"{") + body.count(b"[") > lines or _not_utf8(body, file) is not None:
        return None
    if any(
        len(line) > _MAX_FAST_DEPTH and line.count(b"{") + line.count(b"[") > _MAX_FAST_DEPTH
        for line in body.split(b"\n")
    ):
        return None  # deeply nested, perhaps: Arrow's reader would crash on it
    try:
        table = pj.read_json(pa.py_buffer(body))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != lines:
        return None
    for name in fields:
        if name not in table.column_names:
            continue
        col = table.column(name)
        t = col.type
        if pa.types.is_string(t) or pa.types.is_large_string(t):
            longest = pc.max(pc.utf8_length(col)).as_py()
            if longest is not None and longest > MAX_VALUE:
                return None
        elif pa.types.is_floating(t):
            if pc.all(pc.is_finite(col)).as_py() is False:
                return None
        elif not (pa.types.is_integer(t) or pa.types.is_null(t)):
            return None  # true/false, nested values: the careful path names the rows
    df = pd.DataFrame(
        {
            f: pd.Series(
                table.column(f).to_pylist() if f in table.column_names else None,
                index=range(table.num_rows),
                dtype=object,
            )
            for f in fields
        }
    )
    df["_file"] = np.full(len(df), file, dtype=object)
    df["_row"] = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return df


def _read_jsonl(path: Path, file: str, fields: tuple[str, ...], ledger: Ledger) -> pd.DataFrame:
    """One JSON Lines file as a frame of its fields plus ``_file`` and ``_row`` (line).

    A line that is not one JSON object is rejected; so is one whose field holds a
    value that is neither text nor a finite number (``ups`` of industry_up.json
    excepted, which is an object) or text longer than :data:`MAX_VALUE`.
    """
    data = path.read_bytes()
    if file != "industry_up.json":  # its values are objects: the careful path
        fast = _read_fast(data, file, fields)
        if fast is not None:
            ledger.open(file, len(fast))
            return fast
    error = _not_utf8(data, file)
    if error is not None:
        raise error
    text = data.decode("utf-8-sig")
    # Split on line feeds only: JSON text may hold U+2028 and friends unescaped.
    lines = text.split("\n")
    if lines and not lines[-1].strip():
        lines.pop()
    ledger.open(file, len(lines))
    filled = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    blank = [n for n, line in enumerate(lines, start=1) if not line.strip()]
    records: list[dict[str, Any]] = []
    rows: list[int] = []
    bad: list[int] = []
    try:  # one call to the decoder for the whole file; line by line only on error
        objs = json.loads("[" + ",".join(line for _, line in filled) + "]")
        if len(objs) != len(filled):
            raise ValueError("a line holds more than one value")
        parsed = list(zip([n for n, _ in filled], objs, strict=True))
    except (ValueError, RecursionError):
        parsed = []
        for n, line in filled:
            try:
                parsed.append((n, json.loads(line)))
            except (ValueError, RecursionError):  # RecursionError: nested too deeply
                bad.append(n)
    checked = [f for f in fields if f != "ups"]
    wrong: dict[tuple[str, str], list[int]] = {}
    for n, obj in parsed:
        if not isinstance(obj, dict):
            bad.append(n)
            continue
        found = next(((f, p) for f in checked if (p := _value_problem(obj.get(f)))), None)
        if found is not None:
            wrong.setdefault(found, []).append(n)
            continue
        records.append(obj)
        rows.append(n)
    ledger.mark(file, blank, "skipped", "blank line")
    ledger.mark(file, bad, "rejected", "not a JSON object on one line")
    for (field, problem), where in wrong.items():
        ledger.mark(file, where, "rejected", problem, column=field)
    df = pd.DataFrame({f: pd.Series([r.get(f) for r in records], dtype=object) for f in fields})
    df["_file"] = np.full(len(df), file, dtype=object)
    df["_row"] = np.asarray(rows, dtype=np.int64)
    return df


def read_files(path: Path, source: SourceTables) -> dict[str, pd.DataFrame]:
    """Every file of the folder as a frame (an empty one, with a warning, when absent).

    Parameters
    ----------
    path : Path
        The ChainKnowledgeGraph folder.
    source : SourceTables
        Where the rows read are counted (``rows_read``), each file's ledger opened
        and its bad lines marked, and missing files warned of.

    Returns
    -------
    dict of str to DataFrame
        By file name (``company.json``, ...): the file's fields as objects, ``_file``
        and ``_row`` (the line).  A line that is not one JSON object of text and
        numbers is rejected in the ledger, a blank line skipped.

    Raises
    ------
    SourceError
        When a file is not UTF-8 (naming the line).

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> _ = (folder / "company.json").write_text(
    ...     '{"name": "宇通客车", "code": "600066"}\\n'
    ...     'not json\\n'
    ...     '{"name": "许继电气", "code": 400}\\n', encoding="utf-8")
    >>> source = SourceTables("chainkg", str(folder))
    >>> raw = read_files(folder, source)
    >>> raw["company.json"][["name", "code", "_row"]].values.tolist()
    [['宇通客车', '600066', 1], ['许继电气', 400, 3]]
    >>> source.ledger.reasons("rejected"), source.rows_read
    ({'not a JSON object on one line': 1}, 3)
    >>> len(raw["industry.json"]), source.warnings[0]
    (0, 'industry.json: not found; what it holds is left out')
    >>> tmp.cleanup()
    """
    raw: dict[str, pd.DataFrame] = {}
    for file, fields in _FILES.items():
        if not (path / file).is_file():
            source.warnings.append(f"{file}: not found; what it holds is left out")
            raw[file] = pd.DataFrame(
                {
                    **{f: pd.Series(dtype=object) for f in fields},
                    "_file": file,
                    "_row": pd.Series(dtype=np.int64),
                }
            )
            continue
        raw[file] = _read_jsonl(path / file, file, fields, source.ledger)
        source.rows_read += len(source.ledger.outcome(file))
    return raw
