"""Cell helpers and ledger marks every step of the chainkg loader uses."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import numpy as np
import pandas as pd

from innokg.loaders.base import Ledger


def _text(series: pd.Series) -> pd.Series:
    """Cells as stripped text (object dtype, for fast hashing); missing values become ''."""
    values = [
        "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
        for v in series.to_numpy(dtype=object)
    ]
    return pd.Series(values, index=series.index, dtype=object)


def _map(series: pd.Series, mapping: dict[Any, Any] | Callable[[Any], Any]) -> pd.Series:
    """``series`` mapped through a dict (missing keys -> None) or a function, as objects.

    Plain Python lookups: on this data they are faster than pandas' ``map`` over
    Arrow-backed strings, and the result keeps the object dtype.
    """
    values = series.to_numpy(dtype=object)
    if callable(mapping):
        out = [mapping(v) for v in values]
    else:
        get = mapping.get
        out = [get(v) for v in values]
    return pd.Series(out, index=series.index, dtype=object)


def _isin(series: pd.Series, values: Collection[Any]) -> pd.Series:
    """Boolean mask of the cells of ``series`` found in ``values`` (a set or dict)."""
    lookup = values if isinstance(values, set | dict | frozenset) else set(values)
    return pd.Series(
        np.fromiter((v in lookup for v in series.to_numpy(dtype=object)), bool, len(series)),
        index=series.index,
    )


def _reject(ledger: Ledger, df: pd.DataFrame, mask: pd.Series, column: str, reason: str) -> None:
    rows = df.loc[mask.fillna(False).astype(bool)]
    if len(rows):
        ledger.mark(str(rows["_file"].iloc[0]), rows["_row"], "rejected", reason, column=column)


def _warn(ledger: Ledger, df: pd.DataFrame, mask: pd.Series, reason: str) -> None:
    """Count a warning for the rows of ``df`` in ``mask``, naming the first few."""
    hit = df.loc[mask.fillna(False).astype(bool)]
    if len(hit):
        where = [f"{f}, row {r}" for f, r in zip(hit["_file"][:3], hit["_row"][:3], strict=True)]
        ledger.warn(reason, len(hit), where=where)


def _mark(ledger: Ledger, df: pd.DataFrame, mask: pd.Series, outcome: str, reason: str) -> None:
    rows = df.loc[mask.fillna(False).astype(bool)]
    if len(rows):
        ledger.mark(str(rows["_file"].iloc[0]), rows["_row"], outcome, reason)
