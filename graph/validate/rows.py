"""One table, row by row: each column coerced to its schema type and checked (required
values, allowed values, ranges, formats), and a table missing a required column named
as one problem of its file."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from innokg.graph.errors import Problem
from innokg.graph.headers import suggest_column
from innokg.graph.schema import EDGE_ENDPOINT_COLUMNS, NODE_LABELS, Prop
from innokg.graph.validate.columns import (
    _extra_columns_problem,
    pack_attributes,
    unmatched_columns,
)
from innokg.graph.validate.formats import (
    _NBS_RE,
    _clip,
    _is_json_object,
    _iso_dates,
    _uscc_hint,
    _valid_usccs,
    parse_amount,
)
from innokg.graph.validate.tables import (
    DEFECT_COLUMN,
    empty_edge_table,
    empty_node_table,
    pandas_dtype,
)

__all__: list[str] = []

#: an amount written with more than digits, separators and signs (a unit, a word)
_UNITS_RE = re.compile(r"[^0-9.,\s+-]")

_TRUE = {"true", "1", "yes", "y", "t", "是", "真"}
_FALSE = {"false", "0", "no", "n", "f", "否", "假"}


def _is_text(series: pd.Series) -> bool:
    return bool(pd.api.types.is_string_dtype(series.dtype) or series.dtype == object)


def _blank_text(stripped: pd.Series) -> pd.Series:
    """True where stripped text holds no value (NA or empty)."""
    return stripped.isna() | (stripped == "")


def _coerce(series: pd.Series, prop: Prop) -> tuple[pd.Series, pd.Series, str]:
    """Return (typed values, mask of cells that failed, what was expected)."""
    stripped = series.astype("string").str.strip() if _is_text(series) else None
    blank = series.isna() if stripped is None else _blank_text(stripped)
    if prop.dtype == "string":
        text = series.astype("string").str.strip() if stripped is None else stripped
        return _masked(text, blank), pd.Series(False, index=series.index), "text"
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
    return _masked(typed, bad_cells if skip is None else bad_cells | skip)


def _masked(values: pd.Series, mask: pd.Series | np.ndarray) -> pd.Series:
    """``values.mask(mask)``, skipped when nothing is masked: most columns of a table
    have no bad cell, and masking Arrow text rewrites the whole column."""
    hit = mask.to_numpy(dtype=bool, na_value=False) if isinstance(mask, pd.Series) else mask
    return values.mask(mask) if hit.any() else values.copy()


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
