"""Values as a registration extract writes them: dates in several forms, amounts with
units, rows that are not well-formed rows, extra columns folded into ``attributes``.

Each case is a small hand-made table and the whole result a user relies on.
"""

from __future__ import annotations

import pandas as pd

from innokg.graph.validate import DEFECT_COLUMN, pack_attributes, validate_tables


def _firms(**columns: list[str]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "id": [f"e{i + 1}" for i in range(n)],
        "name": [f"甲{i + 1}" for i in range(n)],
        "source": ["t"] * n,
        "_file": ["nodes/Enterprise.csv"] * n,
        "_row": list(range(2, n + 2)),
    }
    return pd.DataFrame({**base, **columns})


def _messages(tables):  # type: ignore[no-untyped-def]
    return [str(p) for p in tables.problems]


def test_dates_written_several_ways_become_iso_and_impossible_days_are_named() -> None:
    written = [
        "1998/3/2",
        "19980302",
        "1998年3月2日",
        "１９９８-０３-０２",  # full width
        "2019-1-1 00:00",
        "2019-02-30",  # no such day
        "2019-13-45",
        "去年",
        "",
    ]
    tables = validate_tables({"Enterprise": _firms(registration_date=written)}, {}, lenient=True)
    firms = tables.nodes["Enterprise"]
    assert firms[["id", "registration_date"]].astype(object).where(
        firms.notna(), None
    ).values.tolist() == [
        ["e1", "1998-03-02"],
        ["e2", "1998-03-02"],
        ["e3", "1998-03-02"],
        ["e4", "1998-03-02"],
        ["e5", "2019-01-01"],
        ["e9", None],
    ]
    assert _messages(tables) == [
        f"nodes/Enterprise.csv, row {row}, column 'registration_date': {text!r} is not a date; "
        "write it as YYYY-MM-DD"
        for row, text in ((7, "2019-02-30"), (8, "2019-13-45"), (9, "去年"))
    ]


def test_a_malformed_row_is_one_problem_and_its_cells_are_not_checked() -> None:
    raw = _firms(registration_date=["2001-01-01", "not a date", "nor this"])
    raw["credit_code"] = ["", "bad code", ""]
    raw[DEFECT_COLUMN] = ["", "not a well-formed CSV row (line 3 has 5 cell(s)", ""]
    tables = validate_tables({"Enterprise": raw}, {}, lenient=True)
    assert tables.nodes["Enterprise"]["id"].tolist() == ["e1"]
    assert _messages(tables) == [
        "nodes/Enterprise.csv, row 3: not a well-formed CSV row (line 3 has 5 cell(s)",
        "nodes/Enterprise.csv, row 4, column 'registration_date': 'nor this' is not a date; "
        "write it as YYYY-MM-DD",
    ]


def test_amounts_with_units_become_ten_thousands_and_a_currency() -> None:
    raw = _firms(registered_capital=["500万元", "1.2亿美元", "300", "500万元", "若干万元"])
    tables = validate_tables({"Enterprise": raw}, {}, lenient=True)
    firms = tables.nodes["Enterprise"]
    got = firms[["id", "registered_capital", "capital_currency"]].astype(object)
    assert got.where(got.notna(), None).values.tolist() == [
        ["e1", 500.0, "CNY"],
        ["e2", 12000.0, "USD"],
        ["e3", 300.0, None],
        ["e4", 500.0, "CNY"],
    ]
    assert _messages(tables) == [
        "nodes/Enterprise.csv, row 6, column 'registered_capital': '若干万元' is not a number"
    ]


def test_extra_columns_fold_into_attributes_keeping_the_keys_a_cell_holds() -> None:
    raw = pd.DataFrame(
        {
            "id": ["p1", "p2", "p3", "p4"],
            "name": ["轴承", "齿轮", "链条", "弹簧"],
            "source": "t",
            "产地": ["洛阳", " 洛阳 ", "", "洛阳"],
            "attributes": [None, '{"产地": "郑州", "k": 1}', '{"k": 2}', "[1]"],
        }
    )
    assert pack_attributes(raw, "Product")["attributes"].tolist() == [
        '{"产地": "洛阳"}',
        '{"产地": "郑州", "k": 1}',
        '{"k": 2}',
        "[1]",  # not an object: left for validation to name
    ]
