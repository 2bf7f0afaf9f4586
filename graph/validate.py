"""Turn raw tables from any source into typed, schema-valid tables.

Loaders hand over one DataFrame per node label and per edge type, with cells as
text or already typed, plus two provenance columns, ``_file`` and ``_row``, naming
where each row came from.  :func:`validate_tables` coerces every column to its
schema type, checks required values, allowed values, ranges, formats (unified
social credit code, NBS division code), duplicate ids and edge endpoints, and
reports every problem at once.  In lenient mode it drops the bad rows (and the
edges that touch them) and returns them as rejects instead.

Columns of a node table that match no property are kept, by default, in the node's
``attributes`` property, one JSON object per row (:func:`pack_attributes`); with
``extra_columns="reject"`` they are one problem naming the file and the columns.

Examples
--------
>>> import pandas as pd
>>> raw = {"Region": pd.DataFrame({"id": ["r1"], "name": ["郑州市"], "source": ["t"],
...                                "level": ["city"], "code": ["4101"]})}
>>> tables = validate_tables(raw, {})
>>> tables.nodes["Region"].loc[0, "code"]
'4101'
>>> uscc_check_char("91350100M000100Y4")
'3'
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from innokg.graph.errors import Problem, ValidationError
from innokg.graph.headers import suggest_column
from innokg.graph.schema import (
    EDGE_ENDPOINT_COLUMNS,
    EDGE_TYPES,
    NODE_LABELS,
    Prop,
    edge_columns,
    node_columns,
)

__all__ = [
    "DEFECT_COLUMN",
    "EXTRA_COLUMN_MODES",
    "PROVENANCE_COLUMNS",
    "TableValidationError",
    "Tables",
    "empty_edge_table",
    "empty_node_table",
    "is_valid_uscc",
    "order_problems",
    "pack_attributes",
    "pandas_dtype",
    "problem_kind",
    "row_generic",
    "unmatched_columns",
    "uscc_check_char",
    "validate_tables",
]

PROVENANCE_COLUMNS = ("_file", "_row")

#: Why a row could not be read as a row of its table (a reader's note: a CSV row with
#: too many or too few cells); such a row is one problem, reported at its row.
DEFECT_COLUMN = "_defect"

#: Identifiers that name one thing: two rows of a label with the same value are the
#: same thing, which entity resolution merges across sources and validation reports
#: within one.
UNIQUE_IDENTIFIERS: dict[str, tuple[str, ...]] = {"Enterprise": ("credit_code",)}

#: What becomes of columns that match no property: ``keep`` them in ``attributes`` (node
#: tables; the default) or ``reject`` them (one problem naming the file and the columns).
EXTRA_COLUMN_MODES = ("keep", "reject")
ATTRIBUTES = "attributes"

_EXCEL_NUMBER_RE = re.compile(r"^[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)$|^\d{6,}\.0*$")
_QUOTED_RE = re.compile(r"'[^']*'")
_DATE_RE = re.compile(
    r"^(?P<year>\d{4})(?:[-/.年](?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})日?"
    r"|(?P<month8>\d{2})(?P<day8>\d{2}))(?:[ T]0?0:00(?::00)?)?$"
)
_AMOUNT_RE = re.compile(
    r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万|亿)?\s*(元|人民币|美元|港元|港币|欧元|日元|英镑)?"
    r"(?:人民币)?$"
)
#: an amount written with more than digits, separators and signs (a unit, a word)
_UNITS_RE = re.compile(r"[^0-9.,\s+-]")
_CURRENCY = {
    "元": "CNY",
    "人民币": "CNY",
    "美元": "USD",
    "港元": "HKD",
    "港币": "HKD",
    "欧元": "EUR",
    "日元": "JPY",
    "英镑": "GBP",
}


def parse_amount(text: str) -> tuple[float, str | None] | None:
    """An amount such as ``500万元`` or ``1.2亿美元`` in units of 10,000, with its currency.

    A bare number is taken to be in 10,000 already (the column's unit); ``元`` alone
    is one yuan.  None when the text is not an amount.

    >>> parse_amount("1.2亿元"), parse_amount("100万美元"), parse_amount("5,000,000元")
    ((12000.0, 'CNY'), (100.0, 'USD'), (500.0, 'CNY'))
    """
    m = _AMOUNT_RE.match(unicodedata.normalize("NFKC", text).strip().replace(" ", ""))
    if not m:
        return None
    value = float(m.group(1).replace(",", ""))
    scale, unit = m.group(2), m.group(3)
    if scale == "亿":
        value *= 10_000
    elif scale is None and unit is not None:
        value /= 10_000
    return round(value, 6), _CURRENCY.get(unit or "")


_PANDAS_DTYPES = {
    "string": "string",
    "int": "Int64",
    "year": "Int64",
    "float": "Float64",
    "bool": "boolean",
}

_TRUE = {"true", "1", "yes", "y", "t", "是", "真"}
_FALSE = {"false", "0", "no", "n", "f", "否", "假"}

# GB 32100-2015: 31 characters (no I, O, S, V, Z) and the weights of positions 1-17.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_NBS_RE = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$")


def pandas_dtype(prop: Prop) -> str:
    """The pandas extension dtype a property is stored as."""
    return _PANDAS_DTYPES[prop.dtype]


@dataclass
class Tables:
    """Typed node and edge tables, plus the rows rejected in lenient mode."""

    nodes: dict[str, pd.DataFrame]
    edges: dict[str, pd.DataFrame]
    rejects: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["file", "row", "column", "reason"])
    )
    #: every problem found, in report order (file-level first, then node tables, then
    #: edge tables, each by row); the rows of ``rejects`` are the rows they cost
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        """How many distinct rows ``rejects`` names (a row may have several problems)."""
        rows = self.rejects.dropna(subset=["row"])
        return len(rows.drop_duplicates(["file", "row"]))


def problem_kind(problem: Problem) -> str:
    """A problem without the row's own values, to count problems of a kind together.

    >>> problem_kind(Problem("f", 3, "size", "'huge' is not allowed; use one of a, b"))
    "size: '…' is not allowed; use one of a, b"
    """
    text = _QUOTED_RE.sub("'…'", problem.message)
    text = row_generic(text)
    return f"{problem.column}: {text}" if problem.column else text


_NUMBERS_RE = re.compile(r"\b(rows?|lines?|has) \d+(?:,\d{3})*(?:-\d+(?:,\d{3})*)?")
_ID_RE = re.compile(r"\bid (?!')[^\s;),]+\)")


def row_generic(text: str) -> str:
    """``text`` without the row numbers, line numbers, cell counts and ids it names.

    >>> row_generic("not a well-formed CSV row (line 9 has 5 cell(s) but the header has 12)")
    'not a well-formed CSV row (line … has … cell(s) but the header has …)'
    >>> row_generic("duplicate (first at f.csv, row 2, id reg:1)")
    'duplicate (first at f.csv, row …, id …)'
    """
    return _ID_RE.sub("id …)", _NUMBERS_RE.sub(lambda m: f"{m.group(1)} …", text))


def order_problems(
    problems: list[Problem], file_kinds: dict[str, int] | None = None
) -> list[Problem]:
    """File-level problems first; then rows of node tables, then of edge tables, by file.

    Within a file, problems naming a column (a required one missing) come before those
    naming none (columns that match no property).
    """
    kinds = file_kinds or {}

    def key(p: Problem) -> tuple[int, int, str, int, bool, str, str]:
        rank = kinds.get(p.file, 0 if p.file.startswith("nodes/") else 1)
        return (
            p.row is not None,
            rank,
            p.file,
            p.row or 0,
            p.column is None,
            p.column or "",
            p.message,
        )

    return sorted(problems, key=key)


class TableValidationError(ValidationError):
    """:class:`ValidationError` listing problems in report order, with a summary by kind."""

    def __init__(self, problems: list[Problem], *, shown: int = 30) -> None:
        super().__init__(problems, shown=shown)
        self.problems = list(problems)  # already in report order
        kinds = Counter(problem_kind(p) for p in self.problems)
        lines = [f"{len(self.problems)} problem(s) in the input; nothing was written."]
        if len(kinds) > 1 or len(self.problems) > shown:
            lines.append("by kind:")
            lines += [f"  {n:>8,}  {k}" for k, n in kinds.most_common(10)]
            if len(kinds) > 10:
                lines.append(f"  and {len(kinds) - 10:,} more kind(s)")
            lines.append("problems:")
        lines += [str(p) for p in self.problems[:shown]]
        more = len(self.problems) - shown
        if more > 0:
            lines.append(
                f"... and {more:,} more problem(s): `innokg validate SOURCES --all` lists "
                "them all; --format csv --out problems.csv writes them to a file"
            )
        lines.append(
            "Fix the cells named above, or build with --lenient to skip bad rows"
            " (they are written to rejects.csv with the reason)."
        )
        Exception.__init__(self, "\n".join(lines))


def empty_node_table(label: str) -> pd.DataFrame:
    """A table of ``label`` with its typed columns and no rows."""
    return _empty_node_template(label).copy()


def empty_edge_table(edge_type: str) -> pd.DataFrame:
    """A table of ``edge_type`` with its typed columns and no rows."""
    return _empty_edge_template(edge_type).copy()


@cache
def _empty_node_template(label: str) -> pd.DataFrame:
    props = NODE_LABELS[label].props
    return pd.DataFrame({p.name: pd.Series(dtype=pandas_dtype(p)) for p in props})


@cache
def _empty_edge_template(edge_type: str) -> pd.DataFrame:
    cols: dict[str, pd.Series] = {c: pd.Series(dtype="string") for c in EDGE_ENDPOINT_COLUMNS}
    for p in EDGE_TYPES[edge_type].props:
        cols[p.name] = pd.Series(dtype=pandas_dtype(p))
    return pd.DataFrame(cols)


def uscc_check_char(first17: str) -> str:
    """The check character of a unified social credit code (GB 32100-2015)."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` is 18 valid characters with a correct check character."""
    return bool(_USCC_RE.match(code)) and uscc_check_char(code[:17]) == code[17]


# position of each ASCII byte in _USCC_CHARS (-1: not allowed)
_USCC_VALUE = np.full(256, -1, dtype=np.int64)
_USCC_VALUE[np.frombuffer(_USCC_CHARS.encode(), dtype=np.uint8)] = np.arange(len(_USCC_CHARS))


def _valid_usccs(codes: pd.Series) -> np.ndarray:
    """:func:`is_valid_uscc` of every code at once (a loop took seconds at 100k rows).

    >>> _valid_usccs(pd.Series(["91350100M000100Y43", "91350100M000100Y44", "x"])).tolist()
    [True, False, False]
    """
    text = codes.astype(str).to_numpy(dtype=object)
    ok = np.array([len(t) == 18 and t.isascii() for t in text], dtype=bool)
    out = np.zeros(len(text), dtype=bool)
    if not ok.any():
        return out
    raw = np.frombuffer("".join(text[ok]).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    values = _USCC_VALUE[raw]
    total = values[:, :17] @ np.array(_USCC_WEIGHTS, dtype=np.int64)
    check = (31 - total % 31) % 31
    out[ok] = (values >= 0).all(axis=1) & (values[:, 17] == check)
    return out


# --- columns that match no property ------------------------------------------------


def _table_columns(name: str) -> list[str] | None:
    if name in NODE_LABELS:
        return node_columns(name)
    if name in EDGE_TYPES:
        return edge_columns(name)
    return None


def unmatched_columns(df: pd.DataFrame, name: str) -> list[str]:
    """The columns of the table of label or type ``name`` that match no property.

    The provenance columns a reader adds (``_file``, ``_row``, ``_defect``) are not
    counted.

    >>> unmatched_columns(pd.DataFrame(columns=["id", "name", "经营期限", "_row"]), "Product")
    ['经营期限']
    """
    known = _table_columns(name)
    if known is None:
        return []
    wanted = {*known, *PROVENANCE_COLUMNS, DEFECT_COLUMN}
    return [str(c) for c in df.columns if c not in wanted]


def _cell_texts(series: pd.Series) -> list[str | None]:
    """The cells of a column as the text kept in ``attributes``; None where blank."""
    text = series.astype("string").str.strip()
    keep = (text != "").fillna(False).to_numpy(dtype=bool)
    cells = text.to_numpy(dtype=object).tolist()
    return [t if k else None for t, k in zip(cells, keep, strict=True)]


def pack_attributes(df: pd.DataFrame, label: str) -> pd.DataFrame:
    """Fold the columns of a node table that match no property into ``attributes``.

    Each row's non-blank cells of those columns become one JSON object, header as
    written -> cell text, in the file's column order; a row with none keeps what
    ``attributes`` held (or nothing).  Keys an ``attributes`` cell already holds are
    kept.  A table that lacks a required column is returned as it is: it will not be
    read, and validation names its unknown headers as guesses for the missing one.

    >>> raw = pd.DataFrame({"id": ["p1", "p2"], "name": ["轴承", "齿轮"], "source": "t",
    ...                     "产地": ["洛阳", ""], "Grade": ["A", None]})
    >>> pack_attributes(raw, "Product")["attributes"].tolist()
    ['{"产地": "洛阳", "Grade": "A"}', None]
    """
    if label not in NODE_LABELS:
        return df
    extra = unmatched_columns(df, label)
    required = [p.name for p in NODE_LABELS[label].props if p.required]
    if not extra or any(c not in df.columns for c in required):
        return df
    # Each column's "header": "value" pieces, each distinct value encoded once: a
    # json.dumps per row took seconds at 100,000 rows.
    pieces: list[list[str | None]] = []
    for column in extra:
        cells = _cell_texts(df[column])
        key = json.dumps(column, ensure_ascii=False) + ": "
        encoded = {v: key + json.dumps(v, ensure_ascii=False) for v in set(cells) if v}
        pieces.append([encoded[v] if v else None for v in cells])
    given = _cell_texts(df[ATTRIBUTES]) if ATTRIBUTES in df.columns else [None] * len(df)
    packed: list[str | None] = []
    for before, parts in zip(given, zip(*pieces, strict=True), strict=True):
        found = [p for p in parts if p is not None]
        if not found:
            packed.append(before)
            continue
        text = "{" + ", ".join(found) + "}"
        if before is not None:
            try:
                kept = json.loads(before)
            except ValueError:
                kept = None
            if not isinstance(kept, dict):
                packed.append(before)  # not an object: validation names it, unchanged
                continue
            text = json.dumps({**json.loads(text), **kept}, ensure_ascii=False)
        packed.append(text)
    out = df.drop(columns=extra)
    out[ATTRIBUTES] = pd.Series(packed, index=df.index, dtype=object)
    return out


def _extra_columns_problem(
    file: str, name: str, extra: list[str], present: list[str], columns: list[str]
) -> Problem:
    """One line naming every column of a file that matches no property, with guesses."""
    guesses = [
        f"{g!r} for {c!r}" for c in extra if (g := suggest_column(c, name)) and g not in present
    ]
    shown = ", ".join(repr(c) for c in extra)
    what = f"column {shown} matches" if len(extra) == 1 else f"columns {shown} match"
    hint = f" (did you mean {', '.join(guesses)}?)" if guesses else ""
    them = "it" if len(extra) == 1 else "them"
    todo = (
        f"edges keep no attributes: rename or remove {them}"
        if name not in NODE_LABELS
        else f"rename or remove {them}, or keep {them} in the node's attributes with "
        "--extra-columns keep"
    )
    return Problem(
        file,
        None,
        None,
        f"{what} no property of {name}{hint}; {todo} (known columns: {', '.join(columns)})",
    )


# --- coercion ---------------------------------------------------------------------


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(series.dtype) or series.dtype == object


def _blank_text(stripped: pd.Series) -> pd.Series:
    """True where stripped text holds no value (NA or empty)."""
    return stripped.isna() | (stripped == "")


def _coerce(series: pd.Series, prop: Prop) -> tuple[pd.Series, pd.Series, str]:
    """Return (typed values, mask of cells that failed, what was expected)."""
    stripped = series.astype("string").str.strip() if _is_text(series) else None
    blank = series.isna() if stripped is None else _blank_text(stripped)
    if prop.dtype == "string":
        text = series.astype("string").str.strip() if stripped is None else stripped
        return text.mask(blank), pd.Series(False, index=series.index), "text"
    if prop.dtype == "bool":
        if pd.api.types.is_bool_dtype(series.dtype):
            return series.astype("boolean"), pd.Series(False, index=series.index), "true/false"
        low = (series.astype("string").str.strip() if stripped is None else stripped).str.lower()
        out = pd.Series(pd.NA, index=series.index, dtype="boolean")
        out[low.isin(_TRUE).fillna(False).astype(bool)] = True
        out[low.isin(_FALSE).fillna(False).astype(bool)] = False
        bad = out.isna() & ~blank
        return out, bad, "true or false"
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        num = series.astype("Float64")
    else:
        text = _nfkc(series).str.strip().str.replace(",", "", regex=False)
        num = pd.to_numeric(text.mask(blank), errors="coerce").astype("Float64")
    bad = (num.isna() & ~blank) | np.isinf(num.fillna(0).to_numpy(dtype=float))
    if prop.dtype in ("int", "year"):
        frac = (num % 1).fillna(0) != 0
        bad = bad | frac
        whole = num.mask(bad | num.isna()).round()
        return whole.astype("Int64"), bad, "a whole number" if prop.dtype == "int" else "a year"
    return num, bad, "a number"


def _split_amounts(df: pd.DataFrame) -> pd.DataFrame:
    """``registered_capital`` written with units (500万元, 1.2亿美元): a number in 10,000
    and, where ``capital_currency`` is empty, the currency."""
    raw = df["registered_capital"]
    if not (pd.api.types.is_string_dtype(raw.dtype) or raw.dtype == object):
        return df
    text = raw.astype("string").fillna("")
    # an extract repeats a few amounts many times: look at each distinct text once
    codes, distinct = pd.factorize(text.to_numpy(dtype=object))
    with_units = np.array([_UNITS_RE.search(t) is not None for t in distinct], dtype=bool)
    units = with_units[codes] if len(distinct) else np.zeros(len(text), dtype=bool)
    if not units.any():
        return df
    df = df.copy()
    currency = (
        df["capital_currency"].astype("string").fillna("")
        if "capital_currency" in df.columns
        else pd.Series("", index=df.index, dtype="string")
    )
    parsed = [parse_amount(t) if u else None for t, u in zip(distinct, with_units, strict=True)]
    ok = np.array([f is not None for f in parsed], dtype=bool)[codes]
    if not ok.any():
        return df
    rows = text.index[ok]
    amounts = [parsed[c] for c in codes[ok].tolist()]
    values = {i: repr(f[0]) for i, f in enumerate(parsed) if f is not None}
    df.loc[rows, "registered_capital"] = [values[c] for c in codes[ok].tolist()]
    unit = pd.Series([f[1] for f in amounts if f is not None], index=rows, dtype=object)
    fill = unit.notna() & (currency[rows].str.strip().fillna("") == "").to_numpy(dtype=bool)
    currency[unit.index[fill.to_numpy(dtype=bool)]] = unit[fill].astype(str).to_numpy()
    df["capital_currency"] = currency
    return df


def _nfkc(series: pd.Series) -> pd.Series:
    """Text with full-width digits, letters and signs made half-width (NFKC)."""
    text = series.astype("string")
    wide = ~text.str.isascii().fillna(True).to_numpy(dtype=bool)
    if not wide.any():
        return text
    text = text.copy()  # only the cells that need it: NFKC runs cell by cell
    text[wide] = text[wide].str.normalize("NFKC")
    return text


def _describe(prop: Prop) -> str:
    if prop.values:
        return "one of " + ", ".join(prop.values)
    return prop.dtype


def _check_column(
    df: pd.DataFrame,
    prop: Prop,
    problems: list[Problem],
    bad_rows: set[int],
    skip: np.ndarray | None = None,
) -> pd.Series:
    """Coerce one column, recording problems; return the typed column.

    Rows where ``skip`` is true (rows that could not be read as rows, already reported)
    are typed as NA and none of their cells is reported.
    """

    where: list[np.ndarray] = []  # the files and row numbers, read once when needed

    def report(mask: pd.Series, make_message) -> None:  # type: ignore[no-untyped-def]
        hit = mask.to_numpy(dtype=bool, na_value=False)
        hits = np.flatnonzero(hit if skip is None else hit & ~skip)
        if len(hits) and not where:
            where.extend((df["_file"].to_numpy(dtype=object), df["_row"].to_numpy()))
        for idx in hits:
            i = df.index[idx]
            problems.append(Problem(where[0][idx], int(where[1][idx]), prop.name, make_message(i)))
            bad_rows.add(i)

    if prop.name not in df.columns:
        return pd.Series(pd.NA, index=df.index, dtype=pandas_dtype(prop))
    raw = df[prop.name]
    if prop.check in ("uscc", "nbs_code", "date") and (
        pd.api.types.is_string_dtype(raw.dtype) or raw.dtype == object
    ):
        raw = _nfkc(raw)
        if prop.check == "uscc":
            raw = raw.str.strip().str.upper()
    typed, bad, expected = _coerce(raw, prop)
    report(bad, lambda i: f"{raw[i]!r} is not {expected}")
    if prop.required:
        report(typed.isna() & ~bad, lambda i: "is required but empty")
    present = typed.notna() & ~bad
    if prop.values is not None:
        report(
            present & ~typed.isin(prop.values).fillna(False).astype(bool),
            lambda i: f"{typed[i]!r} is not allowed; use one of {', '.join(prop.values or ())}",
        )
    if prop.minimum is not None:
        report(present & (typed < prop.minimum), lambda i: f"{typed[i]} is below {prop.minimum}")
    if prop.maximum is not None:
        report(present & (typed > prop.maximum), lambda i: f"{typed[i]} is above {prop.maximum}")
    if prop.check == "uscc":
        codes = typed[present]
        wrong = codes[~_valid_usccs(codes)]
        report(
            pd.Series(typed.index.isin(wrong.index), index=typed.index),
            lambda i: (
                f"{typed[i]!r} is not a valid unified social credit code "
                + _uscc_hint(str(typed[i]))
            ),
        )
    if prop.check == "date":
        written = typed[present]
        codes, distinct = pd.factorize(written.to_numpy(dtype=object))
        iso_of = _iso_dates(distinct)
        iso = pd.Series(
            np.array([iso_of[t] for t in distinct.tolist()], dtype=object)[codes],
            index=written.index,
            dtype=object,
        )
        ok = iso.notna().to_numpy(dtype=bool)
        wrong = pd.Series(False, index=typed.index)
        wrong[written.index[~ok]] = True
        report(wrong, lambda i: f"{typed[i]!r} is not a date; write it as YYYY-MM-DD")
        typed = typed.copy()
        typed[written.index[ok]] = iso[ok].astype(str).to_numpy()
        bad = bad | wrong
    if prop.check == "nbs_code":
        report(
            present & ~typed.str.match(_NBS_RE).fillna(False).astype(bool),
            lambda i: f"{typed[i]!r} is not an NBS division code (2, 4, 6, 9 or 12 digits)",
        )
    if prop.check == "json_object":
        texts = typed[present]
        ok = {t: _is_json_object(t) for t in pd.unique(texts.to_numpy(dtype=object))}
        wrong = pd.Series(False, index=typed.index)
        wrong[texts.index[[not ok[t] for t in texts.to_numpy(dtype=object).tolist()]]] = True
        report(
            wrong,
            lambda i: (
                f"{_clip(str(typed[i]))!r} is not a JSON object such as "
                '{"经营期限": "长期"}; correct it or empty the cell'
            ),
        )
        bad = bad | wrong
    bad_cells = bad.to_numpy(dtype=bool)
    return typed.mask(bad_cells if skip is None else bad_cells | skip)


def _iso_dates(texts: np.ndarray) -> dict[str, str | None]:
    """Each distinct date text as YYYY-MM-DD, or None when it is not a date.

    >>> _iso_dates(np.array(["1998/3/2", "19980302", "1998年3月2日", "2019-13-45"], dtype=object))
    {'1998/3/2': '1998-03-02', '19980302': '1998-03-02', '1998年3月2日': '1998-03-02', \
'2019-13-45': None}
    """
    strings = [str(t) for t in texts.tolist()]
    iso = dict(zip(strings, _iso_written(strings), strict=True))
    candidates = [t for t, v in iso.items() if v is not None]
    # pandas decides what a real day is (no 2019-02-30), as before
    real = (
        pd.to_datetime(
            pd.Series([iso[t] for t in candidates], dtype=object),
            format="%Y-%m-%d",
            errors="coerce",
        )
        .notna()
        .tolist()
    )
    for t, ok in zip(candidates, real, strict=True):
        if not ok:
            iso[t] = None
    return iso


def _iso_written(strings: list[str]) -> list[str | None]:
    """Each text :data:`_DATE_RE` matches rewritten as YYYY-MM-DD (None: no match).

    The expression runs in Arrow over all texts at once (one Python match per text took
    a second at 100,000 dates); a text it rejects is tried again with Python's engine,
    whose ``\\d`` also takes the digits of other scripts.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.extract_regex(pa.array(strings, type=pa.large_string()), _DATE_RE.pattern)

    def part(long: str, short: str) -> pa.Array:
        both = pc.if_else(pc.equal(found.field(long), ""), found.field(short), found.field(long))
        return pc.utf8_lpad(both, width=2, padding="0")

    iso = pc.binary_join_element_wise(
        found.field("year"),
        part("month", "month8"),
        part("day", "day8"),
        pa.scalar("-", pa.large_string()),
    )
    out: list[str | None] = iso.to_pylist()
    for k in np.flatnonzero(found.is_null().to_numpy(zero_copy_only=False)).tolist():
        m = _DATE_RE.match(strings[k])
        if m is not None:
            month, day = m.group("month") or m.group("month8"), m.group("day") or m.group("day8")
            out[k] = f"{m.group('year')}-{month.zfill(2)}-{day.zfill(2)}"
    return out


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _uscc_hint(code: str) -> str:
    if _EXCEL_NUMBER_RE.match(code):
        return (
            "(it looks like a number Excel reformatted: store the column as text, "
            "e.g. format it as Text before pasting, and export again)"
        )
    if not _USCC_RE.match(code):
        return "(18 characters from 0-9 and A-Y without I, O, S, V, Z); check for a typo"
    expected = uscc_check_char(code[:17])
    return f"(check character is {code[17]!r}, expected {expected!r}); check for a typo"


def _with_provenance(df: pd.DataFrame, default_file: str) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    df.attrs.setdefault("file", default_file)
    if "_file" not in df.columns:
        df["_file"] = default_file
    if "_row" not in df.columns:
        df["_row"] = np.arange(1, len(df) + 1)
    return df


def _typed_table(
    df: pd.DataFrame,
    props: tuple[Prop, ...],
    columns: list[str],
    problems: list[Problem],
    knock_on: list[Problem],
    name: str = "",
    extra: str = "keep",
) -> tuple[pd.DataFrame, set[int]]:
    """Type one table, recording problems; return it and the index of its bad rows.

    A table without a required column is one file-level problem: none of its rows is
    read (each is listed in ``knock_on``, for rejects.csv, not as a problem of its own).
    Columns that match no property go to ``attributes`` (a node table, ``extra`` keep)
    or are one file-level problem naming them all (and are not read).
    """
    bad_rows: set[int] = set()
    file = str(df["_file"].iloc[0]) if len(df) else str(df.attrs.get("file", "?"))
    unknown = unmatched_columns(df, name)
    guesses = {c: suggest_column(c, name) for c in unknown}
    required = [c for c in columns if c in EDGE_ENDPOINT_COLUMNS]
    required += [p.name for p in props if p.required]
    missing = [c for c in required if c not in df.columns]
    if unknown and extra == "keep" and name in NODE_LABELS and not missing:
        df = pack_attributes(df, name)
    elif unknown and (extra == "reject" or name not in NODE_LABELS):
        present = [str(c) for c in df.columns]
        problems.append(_extra_columns_problem(file, name, unknown, present, columns))
    for col in missing:
        like = [c for c, g in guesses.items() if g == col]
        hint = f" (is {like[0]!r} meant to be it? rename it)" if like else ""
        problems.append(
            Problem(
                file,
                None,
                col,
                f"required column is missing; nothing is read from this table{hint}",
            )
        )
    if missing:
        why = (
            f"rejected with its table: required column {missing[0]!r} is missing "
            "(see the problem at the top)"
        )
        for f, r in zip(df["_file"].tolist(), df["_row"].tolist(), strict=True):
            knock_on.append(Problem(str(f), int(r), None, why))
        typed = empty_node_table(name) if name in NODE_LABELS else empty_edge_table(name)
        typed = typed.reindex(index=df.index)
        typed = typed[[c for c in columns if c in typed.columns]]
        typed["_file"] = df["_file"]
        typed["_row"] = df["_row"]
        typed.attrs["withdrawn"] = True
        return typed, set(df.index)
    # Rows that are not well-formed rows are one problem each; their cells are typed
    # as NA, not checked (masking them is much cheaper than copying the other rows).
    skip = None
    if DEFECT_COLUMN in df.columns:
        defect = df[DEFECT_COLUMN].fillna("").astype(str)
        for i in df.index[(defect != "").to_numpy()]:
            problems.append(Problem(file, int(df.at[i, "_row"]), None, defect[i]))
            bad_rows.add(i)
        skip = (defect != "").to_numpy(dtype=bool)
    check = _split_amounts(df) if "registered_capital" in df.columns else df
    out = {}
    for col in columns:
        prop = next((p for p in props if p.name == col), None)
        if prop is None:  # an endpoint column
            prop = Prop(col, "string", "", "", required=True)
        out[col] = _check_column(check, prop, problems, bad_rows, skip)
    typed = pd.DataFrame(out, index=df.index)
    typed["_file"] = df["_file"]
    typed["_row"] = df["_row"]
    return typed, bad_rows


def validate_tables(
    raw_nodes: dict[str, pd.DataFrame],
    raw_edges: dict[str, pd.DataFrame],
    *,
    lenient: bool = False,
    extra_columns: str = "keep",
) -> Tables:
    """Validate raw tables against the schema and return typed tables.

    Parameters
    ----------
    raw_nodes, raw_edges : dict of str to DataFrame
        One table per node label and per edge type, keyed by name.  Optional
        ``_file`` and ``_row`` columns say where each row came from, for messages.
    lenient : bool
        Drop bad rows (and edges touching dropped nodes) and return them in
        ``Tables.rejects`` instead of raising.
    extra_columns : {"keep", "reject"}
        Columns of a node table that match no property: kept in the node's
        ``attributes`` as a JSON object (see :func:`pack_attributes`), or one problem
        naming the file and the columns.  Edge tables keep no attributes: their
        extra columns are a problem either way.  In lenient mode such a problem
        rejects no row: the columns are left out.

    Returns
    -------
    Tables
        Every label and type of the schema (empty tables where absent), columns in
        canonical order and typed; nodes sorted by id, edges by their endpoints'
        positions in the node tables (a deterministic order).

    Raises
    ------
    ValidationError
        Listing every problem found, when ``lenient`` is false.
    """
    if extra_columns not in EXTRA_COLUMN_MODES:
        raise ValueError(f"extra_columns is one of {EXTRA_COLUMN_MODES}, not {extra_columns!r}")
    problems: list[Problem] = []
    knock_on: list[Problem] = []  # rows rejected because of a problem reported elsewhere
    file_kinds: dict[str, int] = {}
    for rank, raw in ((0, raw_nodes), (1, raw_edges)):
        for name, df in raw.items():
            file_kinds[str(df.attrs.get("file", name))] = rank
            if "_file" in df.columns:
                for f in pd.unique(df["_file"].astype(str)):
                    file_kinds[f] = rank

    for kind, raw, known in (
        ("node label", raw_nodes, NODE_LABELS),
        ("edge type", raw_edges, EDGE_TYPES),
    ):
        for name, df in raw.items():
            if name not in known:
                file = str(df["_file"].iloc[0]) if "_file" in df and len(df) else name
                problems.append(
                    Problem(file, None, None, f"unknown {kind} {name!r}; known: {', '.join(known)}")
                )

    nodes: dict[str, pd.DataFrame] = {}
    withdrawn: set[str] = set()  # ids of tables not read (a required column is missing)
    for label, spec in NODE_LABELS.items():
        if label not in raw_nodes:
            nodes[label] = empty_node_table(label)
            continue
        df = _with_provenance(raw_nodes[label], f"nodes/{label}")
        typed, bad = _typed_table(
            df, spec.props, node_columns(label), problems, knock_on, label, extra_columns
        )
        if typed.attrs.get("withdrawn") and "id" in df.columns:
            withdrawn |= _id_texts(df["id"])
        if typed.attrs.get("withdrawn"):
            nodes[label] = typed.iloc[0:0]
            continue
        nodes[label] = typed.drop(index=list(bad)) if lenient else typed

    _check_duplicate_ids(nodes, problems, lenient=lenient)
    _check_unique_identifiers(nodes, problems, lenient=lenient)
    id_columns = [raw["id"] for raw in raw_nodes.values() if "id" in raw.columns]
    rejected_ids = _id_texts(pd.concat(id_columns)) if lenient and id_columns else set()

    # Nodes are final now: type every edge table, then resolve all endpoints at once.
    nodes = {k: _finish(v) for k, v in nodes.items()}
    labels = list(nodes)
    typed_edges: dict[str, tuple[pd.DataFrame, set[int]]] = {}
    for etype, edge_spec in EDGE_TYPES.items():
        if etype in raw_edges:
            df = _with_provenance(raw_edges[etype], f"edges/{etype}")
            typed_edges[etype] = _typed_table(
                df, edge_spec.props, edge_columns(etype), problems, knock_on, etype
            )
    positions = _endpoint_positions(nodes, [t for t, _ in typed_edges.values()])
    node_code = np.repeat(np.arange(len(labels)), [len(df) for df in nodes.values()])
    node_code = np.append(node_code, -1)  # a sentinel: no node table may have rows at all

    edges: dict[str, pd.DataFrame] = {}
    for etype, edge_spec in EDGE_TYPES.items():
        if etype not in typed_edges:
            edges[etype] = empty_edge_table(etype)
            continue
        typed, bad = typed_edges[etype]
        pos = dict(zip(EDGE_ENDPOINT_COLUMNS, positions.pop(0), strict=True))
        # arrays, not .at per row: a 1% bad extract of 100k rows has thousands of them
        files = typed["_file"].astype(str).to_numpy(dtype=object)
        row_numbers = typed["_row"].to_numpy()
        for col in EDGE_ENDPOINT_COLUMNS:
            missing = typed[col].notna().to_numpy(dtype=bool) & (pos[col] < 0)
            ends = typed[col].to_numpy(dtype=object)
            for k in np.flatnonzero(missing):
                i, end = typed.index[k], str(ends[k])
                where = (str(files[k]), int(row_numbers[k]), col)
                bad.add(i)
                if end in rejected_ids and end not in withdrawn:
                    knock_on.append(Problem(*where, _missing_endpoint(end, rejected_ids)))
                elif end in withdrawn:
                    knock_on.append(
                        Problem(
                            *where,
                            f"node {end!r} is in a table that was not read (see the problem "
                            "at the top), so this edge is not either",
                        )
                    )
                else:
                    place = etype == "LOCATED_IN" and col == "to_id"
                    problems.append(
                        Problem(*where, _missing_endpoint(end, rejected_ids, place=place))
                    )
        src = np.where(pos["from_id"] >= 0, node_code[np.maximum(pos["from_id"], 0)], -1)
        dst = np.where(pos["to_id"] >= 0, node_code[np.maximum(pos["to_id"], 0)], -1)
        allowed = [labels.index(a) * 100 + labels.index(b) for a, b in edge_spec.endpoints]
        wrong = (src >= 0) & (dst >= 0) & ~np.isin(src * 100 + dst, allowed)
        for i, sa, sb in zip(typed.index[wrong], src[wrong], dst[wrong], strict=True):
            problems.append(
                Problem(
                    str(typed.at[i, "_file"]),
                    int(typed.at[i, "_row"]),
                    "from_id",
                    f"{etype} cannot link {labels[sa]} -> {labels[sb]}; allowed: "
                    + ", ".join(f"{a}->{b}" for a, b in edge_spec.endpoints),
                )
            )
            bad.add(i)
        _check_loops(etype, typed, pos["from_id"], pos["to_id"], len(node_code) - 1, problems, bad)
        # A stable order from the endpoints' positions: deterministic and cheap to sort.
        typed = typed.iloc[np.lexsort((pos["to_id"], pos["from_id"]))]
        edges[etype] = _finish(typed.drop(index=list(bad)) if lenient else typed, sort=None)

    problems = order_problems(problems, file_kinds)
    if problems and not lenient:
        raise TableValidationError(problems)

    reject_frame = pd.DataFrame(
        [(p.file, p.row, p.column, p.message) for p in order_problems(problems + knock_on)],
        columns=["file", "row", "column", "reason"],
    )
    reject_frame["row"] = reject_frame["row"].astype("Int64")
    return Tables(nodes=nodes, edges=edges, rejects=reject_frame, problems=problems)


def _id_texts(ids: pd.Series) -> set[str]:
    """The distinct ids of a column, stripped (through numpy: Arrow strings one by one
    are slow)."""
    return set(ids.astype("string").str.strip().dropna().to_numpy(dtype=object).tolist())


def _endpoint_positions(
    nodes: dict[str, pd.DataFrame], edge_tables: list[pd.DataFrame]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each edge table, the position of each endpoint among all node ids (-1: none).

    One factorisation of every id and endpoint together: about twice as fast as
    index lookups, which matters at millions of edges.
    """
    ids = pd.concat([df["id"] for df in nodes.values()], ignore_index=True).astype("string")
    ends = [t[c].astype("string") for t in edge_tables for c in EDGE_ENDPOINT_COLUMNS]
    codes, uniques = pd.factorize(pd.concat([ids, *ends], ignore_index=True))
    n = len(ids)
    position = np.full(len(uniques) + 1, -1, dtype=np.int64)  # the last slot serves NA (-1)
    position[codes[:n][::-1]] = np.arange(n)[::-1]  # a repeated id resolves to its first
    out, start = [], n
    for t in edge_tables:
        m = len(t)
        out.append((position[codes[start : start + m]], position[codes[start + m : start + 2 * m]]))
        start += 2 * m
    return out


#: Edge types that form a hierarchy: a cycle in them is an error.
_HIERARCHIES = ("LOCATED_IN", "SUBCLASS_OF")


def _check_loops(
    etype: str,
    typed: pd.DataFrame,
    src: np.ndarray,
    dst: np.ndarray,
    n_nodes: int,
    problems: list[Problem],
    bad: set[int],
) -> None:
    """Edges from a node to itself, and cycles in hierarchies (a region inside itself)."""

    def report(rows: np.ndarray, message: str) -> None:
        for i in typed.index[rows]:
            problems.append(
                Problem(str(typed.at[i, "_file"]), int(typed.at[i, "_row"]), "to_id", message)
            )
            bad.add(i)

    ok = (src >= 0) & (dst >= 0)
    loop = ok & (src == dst)
    if loop.any():
        report(loop, f"a {etype} edge from a node to itself; remove the row")
    # Every node of a cycle is the start of one edge and the end of another: only
    # edges between such nodes can form one (a firm's LOCATED_IN never does).
    keep = ok & ~loop
    both = np.intersect1d(src[keep], dst[keep])
    keep &= np.isin(src, both) & np.isin(dst, both)
    if etype not in _HIERARCHIES or not keep.any():
        return
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(keep.sum()), (src[keep], dst[keep])), shape=(n_nodes, n_nodes))
    _, component = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(component)
    in_cycle = keep & (component[np.maximum(src, 0)] == component[np.maximum(dst, 0)])
    in_cycle &= sizes[component[np.maximum(src, 0)]] > 1
    for comp in np.unique(component[src[in_cycle]]):
        rows = in_cycle & (component[np.maximum(src, 0)] == comp)
        ids = sorted(set(typed["from_id"][rows]))
        shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
        report(
            rows,
            f"{etype} forms a cycle through {shown}; a hierarchy cannot loop back "
            "on itself: remove or correct one of these rows",
        )


def _missing_endpoint(node_id: str, rejected_ids: set[str], *, place: bool = False) -> str:
    if node_id in rejected_ids:
        return f"node {node_id!r} was rejected (see its own row), so this edge is too"
    if place and ":" not in node_id:
        return (
            f"place {node_id!r} matches no Region; write a Region's id (region:4101), "
            "division code (4101) or name (郑州市), or remove the row"
        )
    return f"no node with id {node_id!r}; add the node or correct the id"


def _check_unique_identifiers(
    nodes: dict[str, pd.DataFrame], problems: list[Problem], *, lenient: bool
) -> None:
    """Two rows with one credit code are one firm: report each repeat (dropped if lenient).

    Rows of different sources that share one were merged before validation (see
    :mod:`innokg.loaders.resolve`); what is left are repeats within one source.
    """
    for label, columns in UNIQUE_IDENTIFIERS.items():
        df = nodes.get(label)
        if df is None or "_file" not in df.columns or df.empty:
            continue
        for col in columns:
            values = df[col].astype("string")
            present = values.notna()
            dup = present & values.duplicated(keep="first")
            if not dup.any():
                continue
            repeated = values[dup].unique()
            # only the columns the messages name: taking every column of 100,000 rows
            # for a few repeats was most of the cost
            first = (present & ~values.duplicated(keep="first") & values.isin(repeated)).to_numpy(
                dtype=bool
            )
            text = values.to_numpy(dtype=object)
            files, rows, ids = (df[c].to_numpy(dtype=object) for c in ("_file", "_row", "id"))
            where = {
                v: (f, r, i)
                for v, f, r, i in zip(
                    text[first], files[first], rows[first], ids[first], strict=True
                )
            }
            for k in np.flatnonzero(dup.to_numpy(dtype=bool)):
                f0, r0, id0 = where[text[k]]
                problems.append(
                    Problem(
                        str(files[k]),
                        int(rows[k]),
                        col,
                        f"duplicate {col} {text[k]!r} (first at {f0}, row {r0}, id {id0}); "
                        "one code is one organisation: keep one row, or list the other in a "
                        "mapping file as the same",
                    )
                )
            if lenient:
                nodes[label] = df[~dup.to_numpy(dtype=bool)]


def _check_duplicate_ids(
    nodes: dict[str, pd.DataFrame], problems: list[Problem], *, lenient: bool
) -> None:
    """Report every id used twice, within or across labels; drop repeats when lenient."""
    frames = [
        df[["id", "_file", "_row"]].assign(label=label)
        for label, df in nodes.items()
        if "_file" in df.columns  # labels absent from the input have no rows
    ]
    if not frames:
        return
    ids = pd.concat(frames, ignore_index=True)
    ids = ids[ids["id"].notna()]
    repeats = ids[ids.duplicated("id", keep="first")]
    if repeats.empty:
        return
    first = ids.drop_duplicates("id").set_index("id")
    for node_id, file, row, label in zip(
        repeats["id"], repeats["_file"], repeats["_row"], repeats["label"], strict=True
    ):
        where = first.loc[node_id]
        problems.append(
            Problem(
                str(file),
                int(row),
                "id",
                f"duplicate id {node_id!r} (first at {where['_file']}, row {where['_row']}); "
                "give each node its own id",
            )
        )
        if lenient:
            df = nodes[label]
            nodes[label] = df[~((df["_file"] == file) & (df["_row"] == row))]


def _finish(df: pd.DataFrame, *, sort: tuple[str, ...] | None = ("id",)) -> pd.DataFrame:
    """Drop provenance and put rows in a stable order, for byte-identical packages."""
    df = df.drop(columns=[c for c in PROVENANCE_COLUMNS if c in df.columns])
    if sort:
        df = df.sort_values(list(sort), kind="stable")
    return df.reset_index(drop=True)
