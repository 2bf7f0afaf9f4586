"""The brief as an Excel workbook: an ``about`` sheet, the findings, the
recommendations and one sheet per table, written by :func:`innokg.exports.write_sheets`
(text a spreadsheet would run is neutralised)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from innokg.brief.model import Brief
from innokg.brief.render_html import policy_line
from innokg.brief.words import col, txt
from innokg.exports import write_sheets
from innokg.graph.errors import InnokgError

__all__ = ["write_brief_xlsx"]

_EXCEL_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _sheet_name(key: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "_", key)[:31] or "sheet"
    base, n = name, 2
    while name.lower() in used:
        suffix = f"_{n}"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def _clean(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for c in df.columns:
        df[c] = df[c].map(lambda v: _EXCEL_ILLEGAL.sub("\ufffd", v) if isinstance(v, str) else v)
    return df


def write_brief_xlsx(brief: Brief, out: str | Path) -> Path:
    """Write the brief as an Excel workbook: an ``about`` sheet, the findings, the
    recommendations and one sheet per table; text cells that a spreadsheet would run
    are neutralised."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise InnokgError("Excel output needs openpyxl: pip install openpyxl") from None
    out = Path(out)
    lang = brief.lang
    about = pd.DataFrame(
        [
            (txt("title", lang), brief.title),
            *brief.meta,
            *([(col("status", lang), txt("synthetic", lang))] if brief.synthetic else []),
        ],
        columns=[col("field", lang), col("entry", lang)],
    )
    findings = pd.DataFrame({txt("findings", lang): brief.findings})
    recs = pd.DataFrame(
        [
            {
                txt("recommendations", lang): r.action,
                col("reasons", lang): " ".join([r.because, *r.evidence]),
                txt("policy_link", lang): policy_line(r, lang),
            }
            for r in brief.recommendations
        ]
    )
    sheets: list[tuple[str, pd.DataFrame]] = [
        ("about", about),
        ("findings", findings),
        ("recommendations", recs),
    ]
    used = {"about", "findings", "recommendations"}
    for t in brief.tables:
        df = t.df
        if df.empty and t.note:
            df = pd.DataFrame({t.title[:60] or "note": [t.note]})
        sheets.append((_sheet_name(t.key, used), df))
    # the same spreadsheet conventions as every other workbook innokg writes: bold frozen
    # header with a filter, widths to fit, numbers as numbers, formulas neutralised
    write_sheets(
        {name: _clean(df if len(df.columns) else pd.DataFrame({"": []})) for name, df in sheets},
        out,
    )
    return out
