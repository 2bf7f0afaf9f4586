"""Industry location quotients by city: which industries concentrate where.

The source is a workbook whose sheet 两位数行业集聚度 holds one row per two-digit
GB/T 4754-2017 industry and one column per city::

    row 1   (a note)   (blank)      安徽    安徽    ...  河南   河南  ...   province
    row 2   行业代码   两位数行业    安庆    蚌埠    ...  安阳   鹤壁  ...   city short name
    row 3   01         农业          1.32    0.83    ...

A location quotient above 1 means the industry is more concentrated in that city
than in the country.  Each such cell becomes a SPECIALISES_IN edge city -> industry
(``industry:gbt4754:<section><division>``, e.g. ``industry:gbt4754:C36``) with the
``quotient`` and the ``year`` the data set is for.  The file does not say how the
quotients were computed (probably from enterprise counts), so each edge says so in
``method``; use them as independent evidence of specialisation, not as output
shares.  The divisions' Industry nodes (and SUBCLASS_OF to their sections) come
from the GB/T 4754-2017 table shipped with innokg.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> sheet = pd.DataFrame([["注", None, "河南", "河南"], ["行业代码", "两位数行业", "郑州", "洛阳"],
...                       ["36", "汽车制造业", 1.8, 0.9]])
>>> with pd.ExcelWriter(folder / "lq.xlsx") as w:
...     sheet.to_excel(w, sheet_name=SHEET, header=False, index=False)
>>> src = read_lq_source(folder / "lq.xlsx", scope="henan")
>>> src.edges["SPECIALISES_IN"][["from_id", "to_id", "quotient"]].values.tolist()
[['region:4101', 'industry:gbt4754:C36', 1.8]]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from innokg.graph.errors import SourceError
from innokg.loaders.base import Ledger, SourceTables
from innokg.loaders.regions import HENAN, SCOPES, RegionResolver

__all__ = ["SHEET", "YEAR", "looks_like_lq", "read_lq_source"]

SHEET = "两位数行业集聚度"
#: The year the quotients are for, as the data set is described.
YEAR = 2017
_METHOD = "location quotient as published (method not documented by the source)"


def looks_like_lq(path: Path) -> bool:
    """True for an .xlsx workbook with a sheet named 两位数行业集聚度.

    Parameters
    ----------
    path : Path
        The file given as a source; a file that is not a readable workbook (or
        openpyxl missing) gives False.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "lq.xlsx"
    >>> looks_like_lq(path)
    False
    >>> with pd.ExcelWriter(path) as w:
    ...     pd.DataFrame([["行业代码", "两位数行业"]]).to_excel(w, sheet_name=SHEET)
    >>> looks_like_lq(path)
    True
    >>> tmp.cleanup()
    """
    if not (path.is_file() and path.suffix.lower() == ".xlsx"):
        return False
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
    except Exception:  # not a workbook, or openpyxl missing: not this kind
        return False
    try:
        return SHEET in book.sheetnames
    finally:
        book.close()


def read_lq_source(
    path: str | Path, *, scope: str = "all", threshold: float = 1.0, year: int = YEAR
) -> SourceTables:
    """Read a workbook of location quotients into SPECIALISES_IN edges.

    Parameters
    ----------
    path : path
        The workbook (.xlsx) with the sheet 两位数行业集聚度.
    scope : {"all", "henan"}
        ``henan`` keeps Henan's city columns.  Cities of other provinces (in
        ``all``) are named by their short name and resolved by the merging step
        against the Region nodes of the other sources.
    threshold : float
        Quotients above it make an edge (1: more concentrated than nationally).
    year : int
        The year the figures are for.

    Returns
    -------
    SourceTables
        ``SPECIALISES_IN`` edges (city -> industry division), the divisions'
        ``Industry`` nodes and their ``SUBCLASS_OF`` edges to sections.

    Raises
    ------
    SourceError
        When the file is missing, is not a workbook, or lacks the sheet.

    Examples
    --------
    Two Henan cities and 武汉 (left by name for the merging step to place), an empty
    cell and a code that is no division:

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "lq.xlsx"
    >>> sheet = pd.DataFrame([
    ...     ["注", None, "河南", "河南", "湖北"],
    ...     ["行业代码", "两位数行业", "郑州", "洛阳", "武汉"],
    ...     ["36", "汽车制造业", 1.8, 0.9, 1.2],
    ...     ["34", "通用设备制造业", 1.1, 1.4, None],
    ...     ["99", "未知", 2.0, 2.0, 2.0]])
    >>> with pd.ExcelWriter(path) as w:
    ...     sheet.to_excel(w, sheet_name=SHEET, header=False, index=False)
    >>> src = read_lq_source(path)
    >>> edges = src.edges["SPECIALISES_IN"]
    >>> for row in edges[["from_id", "to_id", "quotient", "year"]].itertuples(index=False):
    ...     print(*row)
    region:4101 industry:gbt4754:C36 1.8 2017
    武汉 industry:gbt4754:C36 1.2 2017
    region:4101 industry:gbt4754:C34 1.1 2017
    region:4103 industry:gbt4754:C34 1.4 2017
    >>> src.nodes["Industry"]["id"].tolist()
    ['industry:gbt4754:C', 'industry:gbt4754:C34', 'industry:gbt4754:C36']
    >>> src.ledger.reasons("rejected")
    {'行业代码 99 (未知) is not a GB/T 4754-2017 division': 1}
    >>> read_lq_source(path, scope="henan", threshold=1.5).edges["SPECIALISES_IN"]["to_id"].tolist()
    ['industry:gbt4754:C36']
    >>> tmp.cleanup()
    """
    from innokg.loaders.crosswalk import gbt_industry_nodes, gbt_subclass_edges

    path = Path(path)
    sheet = _read_sheet(path, scope)
    file = path.name
    display = f"{file}[{SHEET}]"
    source = SourceTables(kind="lq", path=str(path), notes={"scope": scope, "year": year})
    ledger = source.ledger
    body = sheet.iloc[2:].reset_index(drop=True)
    rows = np.arange(3, len(body) + 3)  # spreadsheet rows: two header rows first
    ledger.open(display, len(body), first_row=3)
    source.rows_read = len(body)
    keep, region, placed = _city_columns(sheet, scope, display, source)
    code, known, sections = _division_codes(body, rows, display, ledger)
    division = "industry:gbt4754:" + code.map(sections["code"])
    values = body.iloc[:, 2:].loc[:, keep.to_numpy()].apply(pd.to_numeric, errors="coerce")
    blank = values.isna().to_numpy()
    if blank.any():
        ledger.warn("quotient cell empty or not a number (no edge)", int(blank.sum()))
    above = (values.to_numpy(dtype=float) > threshold) & known.to_numpy()[:, None]
    r, c = np.nonzero(above)
    edges = pd.DataFrame(
        {
            "from_id": region[c],
            "to_id": division.to_numpy()[r],
            "source": f"lq:{file}",
            "evidence": "observed",
            "method": _METHOD,
            "quotient": values.to_numpy(dtype=float)[r, c].round(4),
            "year": year,
            "_file": display,
            "_row": rows[r],
            "_place": ~placed[c],
        }
    )
    none = known.to_numpy() & ~above.any(axis=1)
    ledger.mark(
        display, rows[none], "skipped", f"no city in scope has a quotient above {threshold:g}"
    )
    source.edges["SPECIALISES_IN"] = edges
    used = sorted(set(code[known & above.any(axis=1)].map(sections["code"])))
    source.nodes["Industry"] = gbt_industry_nodes(used).assign(_file=display, _row=0)
    source.edges["SUBCLASS_OF"] = gbt_subclass_edges(used).assign(_file=display, _row=0)
    source.notes["specialisations"] = len(edges)
    return source


def _read_sheet(path: Path, scope: str) -> pd.DataFrame:
    """The sheet 两位数行业集聚度 as cells, headers included."""
    if scope not in SCOPES:
        raise SourceError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
    if not path.is_file():
        raise SourceError(f"{path}: no such file (an lq source is one .xlsx workbook)")
    file = path.name
    try:
        sheet = pd.read_excel(path, sheet_name=SHEET, header=None, dtype=object)
    except ImportError:
        raise SourceError(
            f"{file}: reading Excel needs openpyxl (pip install 'innokg[excel]')"
        ) from None
    except ValueError as exc:
        raise SourceError(f"{file}: no sheet named {SHEET!r} ({exc})") from None
    except Exception as exc:  # a damaged workbook
        raise SourceError(f"{file}: not a readable Excel workbook ({exc})") from None
    if sheet.shape[0] < 3 or sheet.shape[1] < 3:
        raise SourceError(f"{file}: sheet {SHEET!r} has no industry rows or city columns")
    return sheet


def _city_columns(
    sheet: pd.DataFrame, scope: str, display: str, source: SourceTables
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Which city columns are in scope, each column's Region id (Henan's) or city name
    (others, for the merging step), and whether it was placed."""
    provinces = sheet.iloc[0, 2:].astype(str).str.strip()
    cities = sheet.iloc[1, 2:].astype(str).str.strip()
    keep = provinces == "河南" if scope == "henan" else provinces != ""
    columns = cities[keep]
    resolver = RegionResolver.henan()
    resolved = resolver.resolve_many(columns, within=HENAN)
    henan = (provinces[keep] == "河南").to_numpy()
    region = np.where(resolved["id"].notna() & henan, resolved["id"].astype(object), columns)
    placed = resolved["id"].notna().to_numpy() & henan
    bad_columns = henan & ~placed
    if bad_columns.any():
        source.warnings.append(
            f"{display}: Henan column(s) {', '.join(columns[bad_columns])} name no Henan city"
        )
    source.notes["cities"] = len(columns)
    return keep, region, placed


def _division_codes(
    body: pd.DataFrame, rows: np.ndarray, display: str, ledger: Ledger
) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """Each row's two-digit industry code, whether it is a GB/T 4754-2017 division (the
    others are rejected), and the divisions by two-digit code."""
    from innokg.loaders.crosswalk import gbt4754_divisions

    divisions = gbt4754_divisions()
    sections = divisions.loc[divisions["level"].astype(str) == "2"].set_index(
        divisions.loc[divisions["level"].astype(str) == "2", "code"].str[1:]
    )
    code = body.iloc[:, 0].astype(str).str.strip().str.zfill(2)
    known = code.isin(sections.index)
    unknown = ~known.to_numpy()
    ledger.mark(
        display,
        rows[unknown],
        "rejected",
        (
            "行业代码 "
            + code[unknown]
            + " ("
            + body.iloc[:, 1].astype(str)[unknown]
            + ") is not a GB/T 4754-2017 division"
        ).to_numpy(),
        column="行业代码",
    )
    return code, known, sections
