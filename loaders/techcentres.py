"""The NDRC list of national enterprise technology centres (国家认定企业技术中心).

The National Development and Reform Commission recognises enterprise technology
centres and publishes the list of those in force.  One sheet (Excel as published, or
the same columns as CSV) is a source::

    序号, 企业技术中心名称, 公司, 年份, 发布机构, 级别, 类别信息, 类型信息, 产业, 省份, 地址

Each row becomes

- a Platform ``platform:etc:<centre name>`` (``/分中心`` appended for a branch
  centre, which the list names like its parent centre) with ``kind``
  ``enterprise_tech_center``, ``level`` ``national`` (级别 国家级), ``branch``
  (类型信息 分中心) and ``list_year`` (年份: the year of the list the row is in, not
  the year of first recognition);
- its host, an Enterprise ``ent:etc:<full name>`` (公司), and an OPERATES edge host ->
  centre.  Entity resolution merges the host with the same company from other
  sources: by full name, and by the full name without a leading Henan place name
  (the list has 郑州宇通客车股份有限公司, the chain data 宇通客车股份有限公司), given
  as a former name;
- LOCATED_IN edges from the centre and from its host to the most specific place the
  address (地址) names: a development zone, county or city (see
  :mod:`innokg.loaders.address`).  An address that names no Henan place leaves the
  edge to the 省份 column's province; an empty one leaves no edge.

Every edge is ``evidence=observed`` and names the list as its ``source``.  产业 is a
free-text tag list with no counterpart in the schema; it is not kept.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "etc.csv").write_text(
...     "序号,企业技术中心名称,公司,年份,发布机构,级别,类别信息,类型信息,产业,省份,地址\\n"
...     "1,郑州宇通客车股份有限公司技术中心,郑州宇通客车股份有限公司,2018,发改委,国家级,"
...     "国家级技术中心,,汽车,河南,郑州市管城区宇通路\\n", encoding="utf-8")
>>> src = read_techcentres_source(folder / "etc.csv")
>>> centre = src.nodes["Platform"].iloc[0]
>>> centre["id"], centre["kind"], centre["level"], bool(centre["branch"]), int(centre["list_year"])
('platform:etc:郑州宇通客车股份有限公司技术中心', 'enterprise_tech_center', 'national', False, 2018)
>>> src.nodes["Enterprise"][["id", "_aliases"]].values.tolist()
[['ent:etc:郑州宇通客车股份有限公司', '宇通客车股份有限公司']]
>>> sorted(src.edges["LOCATED_IN"]["to_id"])
['region:410104', 'region:410104']
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from innokg.graph.errors import SourceError
from innokg.loaders.address import AddressResolver
from innokg.loaders.base import Ledger, SourceTables, start_table_source
from innokg.loaders.fields import (
    enterprise_name_industries,
    industry_nodes_for,
    name_industry_edges,
)
from innokg.loaders.regions import HENAN, REGION_PREFIX, SCOPES, RegionResolver, short_name
from innokg.loaders.tables import read_csv_table

__all__ = [
    "ENT_PREFIX",
    "PLATFORM_PREFIX",
    "looks_like_techcentres",
    "read_techcentres_source",
]

PLATFORM_PREFIX = "platform:etc:"
ENT_PREFIX = "ent:etc:"
_REQUIRED = ("企业技术中心名称", "公司")
_LEVELS = {"国家级": "national", "省级": "provincial", "市级": "municipal"}
_PROVINCE_CODES = {"河南": HENAN}


def looks_like_techcentres(path: Path) -> bool:
    """True for an .xlsx or .csv file whose header names 企业技术中心名称 and 公司.

    Parameters
    ----------
    path : Path
        The file given as a source; only its header is read.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "etc.csv"
    >>> _ = path.write_text("序号,企业技术中心名称,公司,省份\\n", encoding="utf-8")
    >>> looks_like_techcentres(path)
    True
    >>> _ = path.write_text("序号,名称,省份\\n", encoding="utf-8")
    >>> looks_like_techcentres(path)
    False
    >>> tmp.cleanup()
    """
    if not path.is_file():
        return False
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("rb") as f:
            first = f.read(2048).decode("utf-8-sig", errors="ignore").split("\n", 1)[0]
        return all(c in first for c in _REQUIRED)
    if suffix == ".xlsx":
        try:
            head = _read_excel(path, nrows=0)
        except SourceError:
            return False
        return all(c in head.columns for c in _REQUIRED)
    return False


def _read_excel(path: Path, nrows: int | None = None) -> pd.DataFrame:
    try:
        import openpyxl  # noqa: F401  (pandas reads .xlsx through it)
    except ImportError:
        raise SourceError(
            f"{path.name}: reading Excel needs openpyxl (pip install 'innokg[excel]'), "
            "or save the sheet as CSV (UTF-8)"
        ) from None
    try:
        df = pd.read_excel(path, dtype=str, nrows=nrows).fillna("")
    except Exception as exc:  # a damaged workbook: openpyxl raises many kinds
        raise SourceError(f"{path.name}: not a readable Excel workbook ({exc})") from None
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _read(path: Path) -> tuple[pd.DataFrame, str]:
    file = path.name
    if path.suffix.lower() == ".xlsx":
        df = _read_excel(path)
        df = df.assign(_file=file, _row=np.arange(2, len(df) + 2))
        return df, "xlsx"
    return read_csv_table(path, file)


def _text(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str).map(lambda v: unicodedata.normalize("NFKC", v).strip())


def _without_place(names: pd.Series) -> pd.Series:
    """A company's name without a leading Henan place name ('' when it has none)."""
    table = RegionResolver.henan().table
    words = {"河南省", "河南"}
    for name, level in zip(table["name"], table["level"], strict=True):
        if level == "county" and str(name).endswith("区"):
            continue  # district short names are common words (中原, 新华)
        words.add(str(name))
        short = short_name(str(name))
        if short:
            words.add(short)
    pattern = "^(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
    stripped = names.str.replace(pattern, "", regex=True)
    long_enough = stripped.str.len() >= 6  # a place-free remainder still names a firm
    return stripped.where((stripped != names) & long_enough, "")


def read_techcentres_source(path: str | Path, *, scope: str = "all") -> SourceTables:
    """Read the NDRC list of national enterprise technology centres.

    Parameters
    ----------
    path : path
        The list as an .xlsx workbook (first sheet) or a CSV file with its columns.
    scope : {"all", "henan"}
        ``henan`` keeps the rows whose 省份 is 河南; the others are counted as
        filtered.

    Returns
    -------
    SourceTables
        ``Platform`` and ``Enterprise`` nodes; ``OPERATES`` (host -> centre) and
        ``LOCATED_IN`` (centre and host -> place) edges.

    Raises
    ------
    SourceError
        When the file is missing or unreadable, or lacks 企业技术中心名称 or 公司.

    Examples
    --------
    A centre with a branch in 洛阳, and a centre outside Henan:

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "etc.csv"
    >>> _ = path.write_text(
    ...     "序号,企业技术中心名称,公司,年份,发布机构,级别,类别信息,类型信息,产业,省份,地址\\n"
    ...     "1,郑州宇通客车股份有限公司技术中心,郑州宇通客车股份有限公司,2018,发改委,国家级,"
    ...     "国家级技术中心,,汽车,河南,郑州市管城区宇通路\\n"
    ...     "2,郑州宇通客车股份有限公司技术中心,郑州宇通客车股份有限公司,2018,发改委,国家级,"
    ...     "国家级技术中心,分中心,汽车,河南,洛阳市涧西区\\n"
    ...     "3,武汉钢铁有限公司技术中心,武汉钢铁有限公司,2018,发改委,国家级,"
    ...     "国家级技术中心,,钢铁,湖北,武汉市青山区\\n", encoding="utf-8")
    >>> src = read_techcentres_source(path, scope="henan")
    >>> for row in src.nodes["Platform"][["id", "branch"]].itertuples(index=False):
    ...     print(*row)
    platform:etc:郑州宇通客车股份有限公司技术中心 False
    platform:etc:郑州宇通客车股份有限公司技术中心/分中心 True
    >>> src.nodes["Enterprise"]["id"].tolist()
    ['ent:etc:郑州宇通客车股份有限公司']
    >>> src.edges["LOCATED_IN"]["to_id"].tolist()
    ['region:410104', 'region:410305', 'region:410104', 'region:410305']
    >>> src.edges["IN_INDUSTRY"][["to_id", "method"]].values.tolist()
    [['industry:gbt4754:C36', 'the name names the field: 客车']]
    >>> src.ledger.reasons("filtered")
    {'outside the Henan scope': 1}
    >>> tmp.cleanup()
    """
    df, source = _open(Path(path), scope)
    file, ledger = Path(path).name, source.ledger
    centre, company, province, ok = _kept_rows(df, file, scope, ledger)
    pid, branch, year, level, ok = _centre_facts(df, file, centre, ok, ledger)

    label = f"techcentres:{file}"
    rows = df.loc[ok, ["_file", "_row"]]
    platforms = pd.DataFrame(
        {
            "id": pid[ok],
            "name": centre[ok] + np.where(branch[ok], "（分中心）", ""),
            "source": label,
            "kind": "enterprise_tech_center",
            "level": level[ok],
            "branch": branch[ok],
            "list_year": year[ok],
            **rows,
        }
    )
    eid = ENT_PREFIX + company
    hosts = pd.DataFrame(
        {
            "id": eid[ok],
            "name": company[ok],
            "source": label,
            "_aliases": _without_place(company[ok]),
            **rows,
        }
    )
    twice = hosts["id"].duplicated(keep="first")
    ledger.warn(
        "company hosts more than one centre in the list (one Enterprise)",
        int(twice.sum()),
        where=[f"{file}, row {r}" for r in hosts.loc[twice, "_row"]],
    )
    hosts = hosts[~twice]
    source.nodes["Platform"] = platforms.reset_index(drop=True)
    source.nodes["Enterprise"] = hosts.reset_index(drop=True)
    source.edges["OPERATES"] = pd.DataFrame(
        {"from_id": eid[ok], "to_id": pid[ok], "source": label, "evidence": "observed", **rows}
    ).reset_index(drop=True)
    source.edges["LOCATED_IN"] = _located(df[ok], pid[ok], eid[ok], province[ok], label, ledger)
    industries = name_industry_edges(hosts, enterprise_name_industries(), label)
    if len(industries):
        source.edges["IN_INDUSTRY"] = industries
        source.nodes["Industry"] = industry_nodes_for(industries)
    source.notes["centres"] = len(platforms)
    source.notes["located in a Henan city or below"] = int(
        source.edges["LOCATED_IN"]["to_id"].str.len().gt(len(REGION_PREFIX + HENAN)).sum() // 2
    )
    return source


def _open(path: Path, scope: str) -> tuple[pd.DataFrame, SourceTables]:
    """The list's rows (missing optional columns empty) and its source, ledger opened."""
    if scope not in SCOPES:
        raise SourceError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
    if not path.is_file():
        raise SourceError(f"{path}: no such file (a techcentres source is one .xlsx or .csv)")
    file = path.name
    df, encoding = _read(path)
    source = start_table_source(
        "techcentres",
        path,
        df,
        encoding,
        required=_REQUIRED,
        header="序号,企业技术中心名称,公司,年份,发布机构,级别,类别信息,类型信息,产业,省份,地址",
        notes={"scope": scope},
    )
    for col in ("年份", "级别", "类型信息", "省份", "地址"):
        if col not in df.columns:
            df[col] = ""
            source.warnings.append(f"{file}: no column {col!r}; left empty")
    return df, source


def _kept_rows(
    df: pd.DataFrame, file: str, scope: str, ledger: Ledger
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Centre and host names (spaces removed), 省份, and the mask of rows kept: rows
    without a centre or a host are rejected, others filtered by scope."""
    centre = _text(df["企业技术中心名称"]).str.replace(r"\s+", "", regex=True)
    company = _text(df["公司"]).str.replace(r"\s+", "", regex=True)
    province = _text(df["省份"])
    ok = pd.Series(True, index=df.index)

    def reject(mask: pd.Series, column: str, reason: str) -> None:
        hit = mask & ok
        ledger.mark(file, df.loc[hit, "_row"], "rejected", reason, column=column)
        ok.loc[hit] = False

    reject(centre == "", "企业技术中心名称", "centre name is empty")
    reject(company == "", "公司", "host company is empty")
    if scope == "henan":
        outside = ok & (province != "河南")
        ledger.mark(file, df.loc[outside, "_row"], "filtered", "outside the Henan scope")
        ok &= ~outside
    return centre, company, province, ok


def _centre_facts(
    df: pd.DataFrame, file: str, centre: pd.Series, ok: pd.Series, ledger: Ledger
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series, pd.Series]:
    """Each centre's id, whether it is a branch (分中心), its list year and level; a centre
    listed twice is folded, so the mask of rows kept comes back too."""
    branch = _text(df["类型信息"]).str.contains("分中心")
    pid = PLATFORM_PREFIX + centre + np.where(branch, "/分中心", "")
    year = pd.to_numeric(_text(df["年份"]), errors="coerce")
    odd_year = ok & ~year.between(1990, 2100)
    ledger.warn(
        "年份 is not a year: list_year left empty",
        int(odd_year.sum()),
        where=[f"{file}, row {r}" for r in df.loc[odd_year, "_row"]],
    )
    year = year.where(~odd_year).astype("Int64")
    level_raw = _text(df["级别"])
    level = level_raw.map(_LEVELS)
    unknown_level = ok & level.isna() & (level_raw != "")
    ledger.warn("级别 not 国家级/省级/市级: level left empty", int(unknown_level.sum()))

    later = ok & pid.duplicated(keep="first")
    ledger.mark(file, df.loc[later, "_row"], "folded", "the same centre listed twice")
    ok &= ~later
    return pid, branch, year, level, ok


def _located(
    df: pd.DataFrame,
    pid: pd.Series,
    eid: pd.Series,
    province: pd.Series,
    label: str,
    ledger: Ledger,
) -> pd.DataFrame:
    """LOCATED_IN edges of each centre and its host to the place its address names."""
    file = str(df["_file"].iloc[0]) if len(df) else ""
    address = _text(df["地址"])
    henan = province == "河南"
    found = AddressResolver.henan().resolve_many(address.where(henan, ""))
    place = found["id"].astype(object).where(found["id"].notna(), None)
    no_address = address == ""
    ledger.warn(
        "地址 is empty: placed by 省份 only",
        int((no_address & henan).sum()),
        where=[f"{file}, row {r}" for r in df.loc[no_address & henan, "_row"]],
    )
    unresolved = henan & ~no_address & place.isna()
    ledger.warn(
        "地址 names no Henan place: placed by 省份 only",
        int(unresolved.sum()),
        where=[f"{file}, row {r}" for r in df.loc[unresolved, "_row"]],
    )
    fallback = province.map(
        lambda p: REGION_PREFIX + _PROVINCE_CODES[p] if p in _PROVINCE_CODES else None
    )
    to_id = place.where(place.notna(), fallback)
    method = np.where(
        place.notna(),
        "address resolved: " + found["matched"].fillna("").astype(str),
        "province column (省份)",
    )
    other = to_id.isna() & (province != "")
    to_id = to_id.where(~other, province)  # another province: resolved when the graph has it
    has = to_id.notna()
    parts = []
    for ids in (pid, eid):
        parts.append(
            pd.DataFrame(
                {
                    "from_id": ids[has],
                    "to_id": to_id[has],
                    "source": label,
                    "evidence": "observed",
                    "method": pd.Series(method, index=df.index)[has],
                    "_file": df.loc[has, "_file"],
                    "_row": df.loc[has, "_row"],
                    "_place": other[has],
                }
            )
        )
    edges = pd.concat(parts, ignore_index=True)
    return edges.drop_duplicates(["from_id", "to_id"]).reset_index(drop=True)
