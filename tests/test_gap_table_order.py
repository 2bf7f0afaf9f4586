"""The order of a gap table (note rows first, then by decreasing severity, a missing
severity last, ties by entity then table order), the brief's filter of rows whose
figure could not be measured, and Arrow's set membership of text."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.brief.section_supply import _measured_rows
from innokg.queries.gaps.table import _note, _order, _table
from innokg.queries.id_index import text_in


def _core(entity: list, severity: list[float]) -> dict:
    n = len(entity)
    return {
        "entity": np.array(entity, dtype=object),
        "name": np.array([f"n{i}" for i in range(n)], dtype=object),
        "severity": np.array(severity, dtype=float),
        "detail": np.array([f"d{i}" for i in range(n)], dtype=object),
    }


def test_rows_by_severity_then_entity_with_missing_last() -> None:
    core = _core(["b", "a", "c", "a", "中", "b"], [0.5, 0.5, np.nan, 0.9, 0.5, 0.5])
    df = _table("x", core, {"k": np.arange(6)})
    assert df["entity"].tolist() == ["a", "a", "b", "b", "中", "c"]
    assert df["k"].tolist() == [3, 1, 0, 5, 4, 2]  # equal rows keep the table's order
    assert isinstance(df.index, pd.RangeIndex)


def test_note_rows_come_first() -> None:
    note = _note("t", "m", "缺", "why", "原因")
    df = _table("x", _core(["b", "a"], [0.1, 0.2]), notes=[note])
    assert df["entity"].tolist() == ["not_measurable:t", "a", "b"]
    assert df["measurable"].tolist() == [False, True, True]


def test_same_order_as_pandas_on_random_tables() -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        n = int(rng.integers(0, 60))
        ids = rng.choice(["a", "b", "ab", "B", "é", "区", "10", "9"], n).tolist()
        sev = rng.choice([0.0, -0.0, 1.0, 0.25, np.nan, np.inf, -1.0], n)
        df = pd.DataFrame(
            {"entity": pd.array(ids, dtype="string"), "severity": sev,
             "measurable": rng.random(n) < 0.8}
        )  # fmt: skip
        want = df.sort_values(["measurable", "severity", "entity"], ascending=[True, False, True])
        assert _order(df).tolist() == want.index.tolist()


def test_ids_that_are_not_text_are_ordered_by_pandas() -> None:
    df = pd.DataFrame({"entity": [3, 1, 2], "severity": [1.0, 1.0, 2.0], "measurable": True})
    assert _order(df).tolist() == [2, 1, 0]


def test_unmeasured_figures_are_dropped_by_whole_words_only() -> None:
    details = ["a nan b", "中nan", "banana", "NaN", "<NA>", None, "ok", "x nan."]
    df = pd.DataFrame({"detail": details, "measurable": True}, index=[0, 0, 1, 2, 3, 4, 5, 6])
    kept = _measured_rows(df)["detail"].fillna("(none)").tolist()
    assert kept == ["中nan", "banana", "(none)", "ok"]  # 中 is a word character: no boundary


def test_text_in() -> None:
    values = pd.Series(["a", None, "c", "区"], dtype="string")
    assert text_in(values, {"c", "区"}).tolist() == [False, False, True, True]
    assert text_in(pd.Series([1, 2]), ["2"]).tolist() == [False, True]  # compared as text
    assert text_in(pd.Series([], dtype="string"), ["a"]).tolist() == []
