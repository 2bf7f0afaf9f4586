"""The Ministry of Education's list of higher-education institutions.

The MOE publishes every year a national list (全国普通高等学校名单) with one row per
institution, and provinces republish their part.  One CSV file in that format is a
source; its columns, as published::

    序号, 学校名称, 学校标识码, 主管部门, 所在地, 办学层次, 备注

Each row becomes a ResearchInstitute node ``inst:moe:<学校标识码>`` with ``kind``
university (本科 and 专科 institutions alike), ``moe_code``, ``level`` (办学层次 as
published: 本科 or 专科), ``ownership`` (``private`` where 备注 says 民办, ``public``
where it says nothing) and a LOCATED_IN edge to the city named in 所在地, resolved by
:class:`innokg.loaders.regions.RegionResolver` within the province that the identification
code names (its 3rd and 4th digits: ``4141010459`` is in 41, Henan).  序号 is the
row's place in the list and 主管部门 the supervising authority; neither has a
property in the schema, so neither is kept.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "list.csv").write_text(
...     "序号,学校名称,学校标识码,主管部门,所在地,办学层次,备注\\n"
...     "1,郑州大学,4141010459,河南省,郑州市,本科,\\n", encoding="utf-8")
>>> src = read_universities_source(folder / "list.csv")
>>> src.nodes["ResearchInstitute"][["id", "name", "ownership"]].values.tolist()
[['inst:moe:4141010459', '郑州大学', 'public']]
>>> src.edges["LOCATED_IN"]["to_id"].tolist()
['region:4101']
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from innokg.graph.errors import SourceError
from innokg.loaders.base import Ledger, SourceTables
from innokg.loaders.fields import industry_nodes_for, name_industry_edges, university_fields
from innokg.loaders.regions import HENAN, RegionResolver
from innokg.loaders.tables import read_csv_table

__all__ = ["ID_PREFIX", "looks_like_universities", "read_universities_source"]

ID_PREFIX = "inst:moe:"
_REQUIRED = ("学校名称", "学校标识码")
_OPTIONAL = ("序号", "主管部门", "所在地", "办学层次", "备注")
_LEVELS = ("本科", "专科")
_CODE_RE = re.compile(r"^\d{10}$")


def looks_like_universities(path: Path) -> bool:
    """True for a CSV file whose header names 学校名称 and 学校标识码.

    Parameters
    ----------
    path : Path
        The file given as a source, UTF-8 or GB18030; only its beginning is read.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "list.csv"
    >>> _ = path.write_text("序号,学校名称,学校标识码\\n", encoding="gb18030")
    >>> looks_like_universities(path)
    True
    >>> _ = path.write_text("序号,学校名称\\n", encoding="utf-8")
    >>> looks_like_universities(path)
    False
    >>> tmp.cleanup()
    """
    if not (path.is_file() and path.suffix.lower() == ".csv"):
        return False
    with path.open("rb") as f:
        head = f.read(4096)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            first = head.decode(encoding, errors="ignore").splitlines()[0]
        except IndexError:
            return False
        if all(col in first for col in _REQUIRED):
            return True
    return False


def read_universities_source(
    path: str | Path, *, resolver: RegionResolver | None = None
) -> SourceTables:
    """Read one MOE-format list of higher-education institutions.

    Parameters
    ----------
    path : path
        A CSV file (UTF-8 or GB18030) with the MOE list's columns.
    resolver : RegionResolver, optional
        Resolves 所在地.  By default Henan's divisions shipped with innokg are used
        for institutions whose code names Henan; any other place is left as written,
        marked for the merging step to resolve against the Region nodes of all
        sources.

    Returns
    -------
    SourceTables
        ``ResearchInstitute`` nodes, ``LOCATED_IN`` edges (institution -> city), and
        inferred ``IN_INDUSTRY`` edges to the GB/T 4754-2017 divisions its name's field
        serves (see :mod:`innokg.loaders.fields`), with those divisions' Industry nodes.

    Raises
    ------
    SourceError
        When the file is missing, unreadable, or lacks 学校名称 or 学校标识码.

    Examples
    --------
    A private college whose name names a field, a university outside Henan (its
    city left by name for the merging step) and a row with a bad code:

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "list.csv"
    >>> _ = path.write_text(
    ...     "序号,学校名称,学校标识码,主管部门,所在地,办学层次,备注\\n"
    ...     "1,郑州大学,4141010459,河南省,郑州市,本科,\\n"
    ...     "2,鹤壁汽车工程职业学院,4141014836,河南省,鹤壁市,专科,民办\\n"
    ...     "3,武汉大学,4142010486,教育部,武汉市,本科,\\n"
    ...     "4,某学院,41410,河南省,郑州市,本科,\\n", encoding="gb18030")
    >>> src = read_universities_source(path)
    >>> institutes = src.nodes["ResearchInstitute"]
    >>> for row in institutes[["id", "name", "level", "ownership"]].itertuples(index=False):
    ...     print(*row)
    inst:moe:4141010459 郑州大学 本科 public
    inst:moe:4141014836 鹤壁汽车工程职业学院 专科 private
    inst:moe:4142010486 武汉大学 本科 public
    >>> src.edges["LOCATED_IN"]["to_id"].tolist()
    ['region:4101', 'region:4106', '武汉市']
    >>> src.edges["IN_INDUSTRY"][["from_id", "to_id"]].values.tolist()
    [['inst:moe:4141014836', 'industry:gbt4754:C36']]
    >>> src.ledger.reasons("rejected"), src.warnings
    ({'identification code must be 10 digits': 1}, ['list.csv: read as GB18030'])
    >>> tmp.cleanup()
    """
    df, source = _open(Path(path))
    file, ledger = Path(path).name, source.ledger
    name, code, ok = _names_and_codes(df, file, ledger)
    level, ownership = _level_and_ownership(df, file, ok, ledger)

    ids = ID_PREFIX + code
    source_label = f"universities:{file}"
    keep = ok.to_numpy()
    nodes = pd.DataFrame(
        {
            "id": ids,
            "name": name,
            "source": source_label,
            "kind": "university",
            "level": level.where(level != "", None),
            "moe_code": code,
            "ownership": ownership,
            "_file": df["_file"],
            "_row": df["_row"],
        }
    )[keep]
    source.nodes["ResearchInstitute"] = nodes.reset_index(drop=True)

    edges = _located_edges(df, ok, ids, code, source_label, resolver, ledger)
    unresolved = int(edges["_place"].sum())
    ledger.warn("所在地 left for the merging step to resolve", unresolved)
    source.edges["LOCATED_IN"] = edges.reset_index(drop=True)
    source.notes["located"] = int(len(edges) - unresolved)
    fields = name_industry_edges(nodes, university_fields(), source_label)
    if len(fields):
        source.edges["IN_INDUSTRY"] = fields
        source.nodes["Industry"] = industry_nodes_for(fields)
    source.notes["with_field"] = int(fields["from_id"].nunique()) if len(fields) else 0
    return source


def _open(path: Path) -> tuple[pd.DataFrame, SourceTables]:
    """The file's rows (missing optional columns empty) and its source, ledger opened."""
    if not path.is_file():
        raise SourceError(f"{path}: no such file (a universities source is one CSV file)")
    file = path.name
    df, encoding = read_csv_table(path, file)
    for col in _REQUIRED:
        if col not in df.columns:
            raise SourceError(
                f"{file}: column {col!r} is missing; the MOE list's header is "
                "序号,学校名称,学校标识码,主管部门,所在地,办学层次,备注"
            )
    source = SourceTables(kind="universities", path=str(path))
    if encoding == "gb18030":
        source.warnings.append(f"{file}: read as GB18030")
    source.ledger.open(file, len(df), first_row=2)
    source.rows_read = len(df)
    for col in _OPTIONAL:
        if col not in df.columns:
            df[col] = ""
            if col in ("所在地", "办学层次", "备注"):
                source.warnings.append(f"{file}: no column {col!r}; left empty")
    return df, source


def _names_and_codes(
    df: pd.DataFrame, file: str, ledger: Ledger
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Names and identification codes, spaces removed, and the mask of rows kept: rows
    without a name or a 10-digit code are rejected, a repeated row is folded."""
    name = df["学校名称"].str.strip()
    spaced = name.str.contains(r"\s", regex=True)
    ledger.fix("name: spaces removed", int(spaced.sum()))
    name = name.str.replace(r"\s+", "", regex=True)
    code = df["学校标识码"].str.strip().str.replace(r"\s+", "", regex=True)

    ok = pd.Series(True, index=df.index)
    _reject(ledger, file, df["_row"], name == "", ok, "学校名称", "name is empty")
    _reject(
        ledger,
        file,
        df["_row"],
        ~code.str.match(_CODE_RE),
        ok,
        "学校标识码",
        "identification code must be 10 digits",
    )
    dup = ok & code.duplicated(keep=False) & code.where(ok).notna()
    if dup.any():
        firsts = code[ok].drop_duplicates()
        later = ok & code.duplicated(keep="first")
        same = later & (name == code.map(dict(zip(firsts, name[firsts.index], strict=True))))
        ledger.mark(file, df.loc[same, "_row"], "folded", "the same institution listed twice")
        ok &= ~same
        _reject(
            ledger,
            file,
            df["_row"],
            later & ~same,
            ok,
            "学校标识码",
            "identification code already used by another institution in the list",
        )
    unusual = ok & ~code.str.startswith("41")
    ledger.warn(
        "identification code does not start with 41 as MOE codes do (kept; check the list)",
        int(unusual.sum()),
        where=[f"{file}, row {r}" for r in df.loc[unusual, "_row"]],
    )
    return name, code, ok


def _level_and_ownership(
    df: pd.DataFrame, file: str, ok: pd.Series, ledger: Ledger
) -> tuple[pd.Series, pd.Series]:
    """办学层次 as given, and ownership from 备注 (民办 is private; empty is public)."""
    level = df["办学层次"].str.strip()
    odd_level = ok & (level != "") & ~level.isin(_LEVELS)
    ledger.warn("办学层次 is neither 本科 nor 专科 (kept as given)", int(odd_level.sum()))
    remark = df["备注"].str.strip()
    private = remark.str.contains("民办")
    ownership = pd.Series(np.where(private, "private", "public"), index=df.index, dtype=object)
    unclear = ok & ~private & (remark != "")
    ownership[unclear] = None
    ledger.warn(
        "ownership not stated by 备注 (left empty)",
        int(unclear.sum()),
        where=[f"{file}, row {r}" for r in df.loc[unclear, "_row"]],
    )
    return level, ownership


def _located_edges(
    df: pd.DataFrame,
    ok: pd.Series,
    ids: pd.Series,
    code: pd.Series,
    source_label: str,
    resolver: RegionResolver | None,
    ledger: Ledger,
) -> pd.DataFrame:
    """LOCATED_IN from 所在地, resolved where the resolver (or, for Henan's codes, the
    shipped divisions) knows the place; ``_place`` marks those left for merging."""
    place = df["所在地"].str.strip()
    no_place = ok & (place == "")
    ledger.warn("所在地 is empty: no LOCATED_IN edge", int(no_place.sum()))
    has = ok & ~no_place
    province = code.str[2:4].where(code.str.match(_CODE_RE), "")
    edges = pd.DataFrame(
        {
            "from_id": ids[has],
            "to_id": place[has],
            "source": source_label,
            "evidence": "observed",
            "_file": df.loc[has, "_file"],
            "_row": df.loc[has, "_row"],
            "_within": province[has],
        }
    )
    if resolver is None:
        henan = edges["_within"] == HENAN
        resolved = RegionResolver.henan().resolve_many(edges.loc[henan, "to_id"], within=HENAN)
        hit = resolved["id"].notna()
        edges.loc[resolved.index[hit], "to_id"] = resolved.loc[hit, "id"]
        edges["_place"] = True
        edges.loc[resolved.index[hit], "_place"] = False
    else:
        resolved = resolver.resolve_many(edges["to_id"], within=edges["_within"])
        hit = resolved["id"].notna()
        edges.loc[hit, "to_id"] = resolved.loc[hit, "id"]
        edges["_place"] = ~hit
    return edges


def _reject(
    ledger: Ledger,
    file: str,
    rows: pd.Series,
    mask: pd.Series,
    ok: pd.Series,
    column: str,
    reason: str,
) -> None:
    """Reject the rows in ``mask`` still ``ok``, and clear them from ``ok``."""
    hit = mask.fillna(True).astype(bool) & ok
    ledger.mark(file, rows[hit], "rejected", reason, column=column)
    ok &= ~hit
