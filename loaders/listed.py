"""A listing table of A-share companies: where each listed company is registered.

The source is one CSV file in the layout of Tushare's ``stock_basic`` export::

    ts_code, symbol, name, area, industry, list_date
    000400.SZ, 000400, 许继电气, 河南, 电气设备, 1997-04-18

``area`` is the province (as a short name: 河南, 广东), except for Shenzhen, which
the table lists apart (深圳).  ChainKnowledgeGraph, the chain data, has no place at
all, so this table is what places its companies in a province.

Each row becomes an Enterprise ``ent:stock:<symbol>`` (the id the chain data gives
the same company, whatever form its code takes there: ``600066`` or
``600066.SH``), with ``name`` the short name, ``stock_code`` ``600066.SH`` and
``listed`` true, and a LOCATED_IN edge (``evidence=observed``) to the province, or to
a city where a table of registered cities knows it (innokg ships one for Henan,
``loaders/data/henan_listed_cities.csv``; its rows carry their own basis and source).
``industry`` is Tushare's own classification, which no other source uses, and
``list_date`` a listing date, not a founding date: neither is kept.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "stock_basic.csv").write_text(
...     "ts_code,symbol,name,area,industry,list_date\\n"
...     "600066.SH,600066,宇通客车,河南,汽车整车,1997-05-08\\n"
...     "000001.SZ,000001,平安银行,深圳,银行,1991-04-03\\n", encoding="utf-8")
>>> src = read_listed_source(folder / "stock_basic.csv", scope="henan", cities=None)
>>> src.nodes["Enterprise"][["id", "stock_code"]].values.tolist()
[['ent:stock:600066', '600066.SH']]
>>> src.edges["LOCATED_IN"]["to_id"].tolist()
['region:41']
>>> src.ledger.summary()["stock_basic.csv"]["filtered"]
1
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from innokg.graph.errors import SourceError
from innokg.loaders.base import Ledger, SourceTables, start_table_source
from innokg.loaders.reference import china_provinces, henan_listed_cities
from innokg.loaders.regions import HENAN, REGION_PREFIX, SCOPES, RegionResolver, short_name
from innokg.loaders.tables import read_csv_table

__all__ = ["ENT_PREFIX", "keep_companies", "looks_like_listed", "read_listed_source"]

ENT_PREFIX = "ent:stock:"
_REQUIRED = ("ts_code", "symbol", "name", "area")
_TS_RE = re.compile(r"^(\d{6})\.(SH|SZ|BJ)$")
#: ``area`` values that are not a province's short name: 深圳 is listed apart from 广东.
_AREA_CODES = {"内蒙": "15", "深圳": "44"}


def _province_codes() -> dict[str, str]:
    """A listing table's ``area`` -> the province's NBS code."""
    codes = {}
    for code, name in zip(china_provinces()["code"], china_provinces()["name"], strict=True):
        codes[short_name(name) or name] = code
        codes[name] = code
    return {**codes, **_AREA_CODES}


def looks_like_listed(path: Path) -> bool:
    """True for a CSV file whose header starts ``ts_code,symbol,name,area``.

    Parameters
    ----------
    path : Path
        The file given as a source; only its beginning is read.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "stock_basic.csv"
    >>> _ = path.write_text("ts_code,symbol,name,area,industry\\n", encoding="utf-8")
    >>> looks_like_listed(path)
    True
    >>> _ = path.write_text("symbol,name,area\\n", encoding="utf-8")
    >>> looks_like_listed(path)
    False
    >>> tmp.cleanup()
    """
    if not (path.is_file() and path.suffix.lower() == ".csv"):
        return False
    with path.open("rb") as f:
        head = f.read(512).decode("utf-8-sig", errors="ignore")
    first = head.splitlines()[0] if head else ""
    return [c.strip() for c in first.split(",")[:4]] == list(_REQUIRED)


def read_listed_source(
    path: str | Path,
    *,
    scope: str = "all",
    cities: pd.DataFrame | str | None = "henan",
) -> SourceTables:
    """Read a listing table into listed Enterprises and where they are registered.

    Parameters
    ----------
    path : path
        The CSV file (UTF-8, with or without a byte-order mark, or GB18030).
    scope : {"all", "henan"}
        ``henan`` keeps the rows whose ``area`` is 河南; the others are counted as
        filtered.
    cities : DataFrame, "henan" or None
        Registered cities by ``symbol`` (columns ``symbol``, ``city``, ``county``,
        ``basis``, ``source_url``).  ``"henan"`` (the default) uses the table
        shipped with innokg; None places every company in its province only.

    Returns
    -------
    SourceTables
        ``Enterprise`` nodes and ``LOCATED_IN`` edges (company -> the most specific
        place known: county, city or province).

    Raises
    ------
    SourceError
        When the file is missing or lacks one of ts_code, symbol, name, area.

    Examples
    --------
    Shenzhen's area is a place in 广东; a table of registered cities places 宇通客车
    in 郑州 (4101), the others stay in their province:

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "stock_basic.csv"
    >>> _ = path.write_text(
    ...     "ts_code,symbol,name,area,industry,list_date\\n"
    ...     "600066.SH,600066,宇通客车,河南,汽车整车,1997-05-08\\n"
    ...     "000400.SZ,000400,许继电气,河南,电气设备,1997-04-18\\n"
    ...     "000001.SZ,000001,平安银行,深圳,银行,1991-04-03\\n", encoding="utf-8")
    >>> registered = pd.DataFrame({"symbol": ["600066"], "city": ["郑州市"], "county": [""],
    ...                            "basis": ["annual report"],
    ...                            "source_url": ["https://example.org/600066"]})
    >>> src = read_listed_source(path, cities=registered)
    >>> for row in src.nodes["Enterprise"][["id", "name", "stock_code"]].itertuples(index=False):
    ...     print(*row)
    ent:stock:600066 宇通客车 600066.SH
    ent:stock:000400 许继电气 000400.SZ
    ent:stock:000001 平安银行 000001.SZ
    >>> located = src.edges["LOCATED_IN"]
    >>> for row in located[["from_id", "to_id", "method"]].itertuples(index=False):
    ...     print(*row)
    ent:stock:600066 region:4101 registered place from innokg's table ... (annual report: ...)
    ent:stock:000400 region:41 None
    ent:stock:000001 region:44 area 深圳 (Shenzhen) lies in 广东
    >>> tmp.cleanup()
    """
    path = Path(path)
    if scope not in SCOPES:
        raise SourceError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
    if not path.is_file():
        raise SourceError(f"{path}: no such file (a listed source is one CSV file)")
    file = path.name
    df, encoding = read_csv_table(path, file)
    source = start_table_source(
        "listed",
        path,
        df,
        encoding,
        required=_REQUIRED,
        header="ts_code,symbol,name,area,industry,list_date",
        notes={"scope": scope},
    )
    ledger = source.ledger

    symbol, name, area, exchange, ok = _kept_rows(df, file, scope, ledger)
    label = f"listed:{file}"
    nodes = pd.DataFrame(
        {
            "id": ENT_PREFIX + symbol,
            "name": name,
            "source": label,
            "stock_code": symbol + "." + exchange,
            "listed": True,
            "_file": df["_file"],
            "_row": df["_row"],
        }
    )[ok]
    source.nodes["Enterprise"] = nodes.reset_index(drop=True)

    edges = _located_edges(df, ok, symbol, area, label, cities, source)
    source.edges["LOCATED_IN"] = edges.reset_index(drop=True)
    source.notes["companies"] = int(ok.sum())
    source.notes["in a city"] = int(edges["to_id"].astype(str).str.len().gt(len("region:41")).sum())
    return source


def _kept_rows(
    df: pd.DataFrame, file: str, scope: str, ledger: Ledger
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series, pd.Series]:
    """Each row's stock code, name, area and exchange, and the mask of rows kept: rows
    without a stock code or name are rejected, repeats folded, others filtered by scope."""
    ts = df["ts_code"].str.strip().str.upper()
    m = ts.str.extract(_TS_RE)
    symbol = df["symbol"].str.strip()
    name = df["name"].str.strip().str.replace(r"\s+", "", regex=True)
    area = df["area"].str.strip()
    ok = pd.Series(True, index=df.index)

    def reject(mask: pd.Series, column: str, reason: str) -> None:
        hit = mask & ok
        ledger.mark(file, df.loc[hit, "_row"], "rejected", reason, column=column)
        ok.loc[hit] = False

    no_symbol = ~symbol.str.fullmatch(r"\d{6}")
    symbol = symbol.where(~no_symbol | m[0].isna(), m[0])
    ledger.fix(
        "symbol missing or malformed: taken from ts_code", int((no_symbol & m[0].notna()).sum())
    )
    reject(~symbol.str.fullmatch(r"\d{6}", na=False), "symbol", "no 6-digit stock code")
    reject(m[0].notna() & (m[0] != symbol), "ts_code", "ts_code and symbol name different stocks")
    reject(name == "", "name", "name is empty")
    later = ok & symbol.duplicated(keep="first")
    ledger.mark(file, df.loc[later, "_row"], "folded", "the same stock listed twice")
    ok &= ~later

    no_area = ok & (area == "")
    ledger.warn(
        "area is empty: no LOCATED_IN edge",
        int(no_area.sum()),
        where=[f"{file}, row {r}" for r in df.loc[no_area, "_row"]],
    )
    if scope == "henan":
        outside = ok & (area != "河南")
        ledger.mark(file, df.loc[outside, "_row"], "filtered", "outside the Henan scope")
        ok &= ~outside
    exchange = m[1].fillna(
        symbol.str[0].map(
            {"6": "SH", "9": "SH", "0": "SZ", "2": "SZ", "3": "SZ", "4": "BJ", "8": "BJ"}
        )
    )
    return symbol, name, area, exchange, ok


def _located_edges(
    df: pd.DataFrame,
    ok: pd.Series,
    symbol: pd.Series,
    area: pd.Series,
    label: str,
    cities: pd.DataFrame | str | None,
    source: SourceTables,
) -> pd.DataFrame:
    """LOCATED_IN to the province of ``area``, made specific where the registered-city
    table knows the company's city; ``_place`` marks places left for merging."""
    placed = ok & (area != "")
    edges = pd.DataFrame(
        {
            "from_id": ENT_PREFIX + symbol[placed],
            "to_id": area[placed],
            "source": label,
            "evidence": "observed",
            "method": None,
            "_file": df.loc[placed, "_file"],
            "_row": df.loc[placed, "_row"],
        }
    )
    province = area[placed].map(_province_codes())
    known = province.notna()
    edges.loc[known, "to_id"] = REGION_PREFIX + province[known]
    edges.loc[area[placed] == "深圳", "method"] = "area 深圳 (Shenzhen) lies in 广东"
    edges["_place"] = ~known  # anything else is left for the merging step to resolve
    table = henan_listed_cities() if isinstance(cities, str) else cities
    if table is not None and len(table):
        _to_cities(edges, symbol[placed], table, source, source.ledger)
    return edges


def _to_cities(
    edges: pd.DataFrame,
    symbols: pd.Series,
    table: pd.DataFrame,
    source: SourceTables,
    ledger: Ledger,
) -> None:
    """Point the edges of companies whose registered city is known at that city."""
    known = table[table["city"].fillna("").astype(str) != ""]
    resolver = RegionResolver.henan()
    place = (
        known["county"]
        .fillna("")
        .astype(str)
        .where(known["county"].fillna("").astype(str) != "", known["city"].astype(str))
    )
    resolved = resolver.resolve_many(place, within=HENAN)
    bad = resolved["id"].isna()
    if bad.any():
        source.warnings.append(
            "registered-city table: "
            + ", ".join(sorted(set(place[bad])))
            + " match no Henan division; those companies stay at province level"
        )
    ids = dict(zip(known["symbol"].astype(str)[~bad], resolved["id"][~bad], strict=True))
    basis = dict(
        zip(known["symbol"].astype(str), known["basis"].fillna("").astype(str), strict=True)
    )
    url = dict(
        zip(known["symbol"].astype(str), known["source_url"].fillna("").astype(str), strict=True)
    )
    hit = symbols.isin(ids.keys()) & (edges["to_id"] == REGION_PREFIX + HENAN)
    sym = symbols[hit]
    edges.loc[hit, "to_id"] = sym.map(ids)
    edges.loc[hit, "method"] = [
        f"registered place from innokg's table of Henan listed companies ({basis[s]}"
        + (f": {url[s]}" if url[s] else "")
        + ")"
        for s in sym
    ]
    by_name = sym.index[sym.map(basis).to_numpy() == "name"]
    edges.loc[by_name, "evidence"] = "inferred"
    ledger.fix("province made specific: registered city from the shipped table", int(hit.sum()))


def keep_companies(source: SourceTables, ids: set[str], reason: str) -> SourceTables:
    """Keep only the companies in ``ids``; the rows of the others count as filtered.

    ``innokg henan`` reads the whole table (to know which companies are Henan's and
    where the others are) and keeps Henan's and their chain neighbourhood.

    Parameters
    ----------
    source : SourceTables
        What :func:`read_listed_source` returned; changed in place.
    ids : set of str
        The Enterprise ids to keep (``ent:stock:600066``).
    reason : str
        Why the others were dropped, as the load report names it.

    Returns
    -------
    SourceTables
        ``source``, its Enterprise nodes and LOCATED_IN edges cut to ``ids`` and
        ``notes["companies"]`` counting what is left.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "stock_basic.csv"
    >>> _ = path.write_text(
    ...     "ts_code,symbol,name,area\\n600066.SH,600066,宇通客车,河南\\n"
    ...     "000001.SZ,000001,平安银行,深圳\\n", encoding="utf-8")
    >>> src = keep_companies(read_listed_source(path, cities=None), {"ent:stock:600066"},
    ...                      "not in the chain")
    >>> src.nodes["Enterprise"]["id"].tolist(), src.edges["LOCATED_IN"]["to_id"].tolist()
    (['ent:stock:600066'], ['region:41'])
    >>> src.ledger.reasons("filtered"), src.notes["companies"]
    ({'not in the chain': 1}, 1)
    >>> tmp.cleanup()
    """
    ent = source.nodes["Enterprise"]
    drop = ~ent["id"].isin(ids)
    for file, part in ent[drop].groupby("_file"):
        source.ledger.mark(str(file), part["_row"], "filtered", reason)
    source.nodes["Enterprise"] = ent[~drop].reset_index(drop=True)
    edges = source.edges["LOCATED_IN"]
    source.edges["LOCATED_IN"] = edges[edges["from_id"].isin(ids)].reset_index(drop=True)
    source.notes["companies"] = int((~drop).sum())
    return source
