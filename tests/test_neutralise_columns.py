"""Formula neutralising by column: Arrow-backed text in one pass, the same cells as one
Python call per cell."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from innokg.output import _neutralise, csv_text, neutralise_formulas

CELLS = [
    "=1+1",
    "ok",
    None,
    "-x",
    "\tq",
    "a=b",
    "\r\n=x",
    "==",
    "",
    "+",
    "@SUM(1)",
    "x-=",
    "'=already",
    "中文=",
    "－全角",
    " =space first",
]


def _plain(values: list[Any]) -> list[Any]:
    return [None if pd.isna(v) else v for v in values]


@pytest.mark.parametrize("dtype", ["string[pyarrow]", "str", "string[python]", "object"])
def test_each_cell_as_one_call_per_cell_would_write_it(dtype: str) -> None:
    df = pd.DataFrame({"name": pd.Series(CELLS, dtype=dtype), "n": range(len(CELLS))})
    out = neutralise_formulas(df)
    expected = [_neutralise(v) for v in df["name"].tolist()]
    got = out["name"].tolist()
    assert _plain(got) == _plain(expected)
    if dtype in ("string[pyarrow]", "str"):  # Arrow-backed text keeps its type
        assert out["name"].dtype == df["name"].dtype
    assert got[:2] == ["'=1+1", "ok"] and got[3] == "'-x"
    assert csv_text(out).splitlines()[1:3] == ["'=1+1,0", "ok,1"]
    assert df["name"].tolist()[0] == "=1+1"  # the table given is left as it was


def test_a_column_that_needs_nothing_is_passed_through() -> None:
    df = pd.DataFrame({"name": pd.Series(["甲", "乙", None], dtype="string[pyarrow]")})
    column: Any = neutralise_formulas(df)["name"]
    assert column.tolist() == df["name"].tolist()
    assert column.array.__arrow_array__() is df["name"].array.__arrow_array__()
