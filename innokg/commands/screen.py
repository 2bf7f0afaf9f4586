"""Tables on screen and in files for the question commands: the columns a reader
needs, numbers as a reader writes them (98, not 98.0), headers in the chosen language,
and short sheet names for --format xlsx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from innokg.output import rounded, write_table
from innokg.queries.gaps import NOT_MEASURABLE

__all__ = ["HEADERS", "SCREEN_ROWS", "SHEETS", "percent", "screen_table", "show"]

#: Rows shown on screen at most (a terminal table of thousands of rows helps nobody).
SCREEN_ROWS = 100

#: On-screen headers in the chosen language (the files keep the column names).
HEADERS = {
    "zh": {
        "entity": "对象",
        "name": "名称",
        "missing_zh": "缺少",
        "severity": "严重程度",
        "city": "城市",
        "detail_zh": "说明",
        "detail": "说明",
        "kind": "类型",
        "rank": "名次",
        "source_name": "一方",
        "target_name": "另一方",
        "score": "得分",
        "explanation": "理由",
        "group_name": "分组",
        "article": "条款",
        "indicator": "指标",
        "indicator_zh": "指标名称",
        "value": "数值",
        "target": "目标",
        "gap": "差距",
        "met": "达标",
        "year": "年份",
        "id": "编号",
        "industry": "行业",
    },
    "en": {
        "explanation_en": "explanation",
        "indicator_en": "description",
        "group_name": "group",
    },
}

#: Short, unique sheet names of the --format xlsx files (a title would be cut at 31).
SHEETS = {
    "clusters": "clusters",
    "members": "cluster members",
    "gaps": "gaps",
    "partners": "partners",
    "indicators": "indicators",
    "cases": "typical cases",
    "evaluation": "partner evaluation",
}


def show(
    df: pd.DataFrame,
    fmt: str,
    out: Path | None,
    title: str,
    screen: list[str],
    *,
    sheet: str,
    lang: str | None = None,
) -> None:
    """Write ``df``; on screen (table format without --out) only the ``screen`` columns
    and the first :data:`SCREEN_ROWS` rows, headed in ``lang`` when one is chosen.  An
    xlsx file names its sheet ``sheet`` (one of :data:`SHEETS`)."""
    if fmt == "table" and out is None:
        if len(df) > SCREEN_ROWS:
            click.echo(
                f"showing {SCREEN_ROWS} of {len(df)} rows; --format csv --out FILE writes all",
                err=True,
            )
            df = df.head(SCREEN_ROWS)
        df = screen_table(df[[c for c in screen if c in df.columns]], lang)
    if fmt == "xlsx" and out is not None:
        from innokg.exports import write_sheets

        write_sheets({SHEETS[sheet]: df}, out)
    else:
        write_table(df, fmt, out, title=title)
    if out is not None:
        click.echo(f"wrote {len(df)} row(s) to {out}", err=True)


def screen_table(df: pd.DataFrame, lang: str | None) -> pd.DataFrame:
    """``df`` for reading on screen: floats to four significant figures, whole numbers
    without ``.0`` (a count of 98 is not 98.0), yes/no and headers in ``lang``."""
    df = rounded(df)
    for col in df.columns:
        if pd.api.types.is_float_dtype(df[col].dtype) and df[col].notna().any():
            whole = df[col].dropna().map(float.is_integer).all()
            if whole or col in ("value", "target", "gap"):
                df[col] = df[col].map(_number).astype(object)
        elif lang == "zh" and pd.api.types.is_bool_dtype(df[col].dtype):
            df[col] = df[col].map({True: "是", False: "否"}).astype(object)
    if lang in ("zh", "en") and "name" in df.columns:  # a gap's note row, in one language
        said = "无法测算" if lang == "zh" else "not measurable"
        df["name"] = df["name"].where(df["name"] != NOT_MEASURABLE, said)
    return df.rename(columns=HEADERS.get(lang or "", {}))


def _number(x: Any) -> Any:
    if pd.isna(x):
        return x
    return str(int(x)) if float(x).is_integer() else str(x)


def percent(share: Any) -> Any:
    """A share (0.1194) as a percentage (12%), as the tables' other shares are shown."""
    return share if pd.isna(share) else f"{float(share):.0%}"
