"""The explorer's edge properties: a few rows read where they lie, as Arrow reads them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from innokg.serve.take import take_records


def _as_arrow(df: pd.DataFrame, rows: np.ndarray) -> list[dict[str, object]]:
    """What the explorer read before: the table as one Arrow chunk, then a take."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    records: list[dict[str, object]] = table.take(pa.array(rows)).to_pylist()
    return records


def _plain(records: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: (None if v is pd.NA else v) for k, v in r.items()} for r in records]


@pytest.fixture
def table() -> pd.DataFrame:
    # text in three Arrow chunks, as a package's mapped table holds it
    chunks = [["a", None, "c"], ["d"], ["e", "f", None, "h"]]
    text = pd.array(
        pa.chunked_array(chunks, type=pa.large_string()),
        dtype=pd.ArrowDtype(pa.large_string()),
    )
    n = 8
    return pd.DataFrame(
        {
            "product": pd.Series(text).astype("string[pyarrow]"),
            "since": pd.array([2010, None, 2012, 2013, None, 2015, 2016, 2017], dtype="Int64"),
            "share": pd.array([0.5, 0.25, None, 1.0, 0.0, 0.125, None, 0.75], dtype="Float64"),
            "listed": pd.array([True, None, False, True, True, False, None, True], dtype="boolean"),
            "plain": np.arange(n, dtype=np.int64) * 10,
            "objects": pd.Series(["p", None, "r", "s", "t", None, "v", "w"], dtype=object),
        }
    )


@pytest.mark.parametrize(
    "rows", [[0], [7, 0, 3], [2, 3, 4, 5], [6, 6, 1], list(range(8))[::-1], []]
)
def test_rows_are_what_an_arrow_take_gives(table: pd.DataFrame, rows: list[int]) -> None:
    at = np.array(rows, dtype=np.int64)
    assert table["product"].array.__arrow_array__().num_chunks == 3
    assert _plain(take_records(table, at)) == _as_arrow(table, at)


def test_only_the_columns_asked_for(table: pd.DataFrame) -> None:
    assert take_records(table, np.array([3, 0]), ["share", "product"]) == [
        {"share": 1.0, "product": "d"},
        {"share": 0.5, "product": "a"},
    ]
    assert take_records(table, np.array([1, 2]), []) == [{}, {}]
