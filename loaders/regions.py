"""China's administrative divisions (NBS codes) and the region resolver.

The source is a folder of three CSV files, as published with the National Bureau of
Statistics' division codes::

    provinces.csv   code,name                         (2-digit codes)
    cities.csv      code,name,provinceCode            (4-digit codes)
    areas.csv       code,name,cityCode,provinceCode   (6-digit codes, counties)

Each division becomes a Region node ``region:<code>`` (``level`` province, city or
county) with a LOCATED_IN edge to the division containing it.  Two kinds of rows of
``cities.csv`` are groupings, not cities: 市辖区 / 县 of the four municipalities, and
省直辖县级行政区划 (county-level divisions administered by the province).  They make
no node; their counties link to the province directly, and those of them that are
cities (济源市) get the level ``city``, as the province's own statistics list them.

:class:`RegionResolver` turns the way other sources write a place into a Region id:
an exact code (``4101``, also ``410100`` or ``410100000000``), an exact name
(``郑州市``), an unambiguous short name (``郑州``), or a name made of a province or
city followed by a division inside it (``河南省郑州市``, ``郑州市金水区``).  A
province code given as ``within`` narrows the candidates.  Where a short name fits a
city and a county (新乡: 新乡市 and 新乡县) the city is meant; where it fits two
divisions of the same level (鼓楼区) nothing is resolved and the candidates are named.

Examples
--------
>>> r = RegionResolver.henan()
>>> r.resolve("郑州").id, r.resolve("郑州").rule
('region:4101', 'short name')
>>> r.resolve("410100").id
'region:4101'
>>> r.resolve("河南省郑州市金水区").id
'region:410105'
>>> short_name("广西壮族自治区"), short_name("城区")
('广西', None)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from innokg.graph.errors import SourceError
from innokg.loaders.base import Ledger, SourceTables
from innokg.loaders.reference import henan_regions
from innokg.loaders.tables import read_csv_table

__all__ = [
    "HENAN",
    "REGION_PREFIX",
    "SCOPES",
    "ZONE_PREFIX",
    "RegionResolver",
    "Resolution",
    "division_id",
    "is_zone_code",
    "looks_like_regions",
    "read_regions_source",
    "region_id",
    "short_name",
    "zone_kind",
]

HENAN = "41"
REGION_PREFIX = "region:"
ZONE_PREFIX = "zone:"
#: Zone kinds by the words of a development zone's name, most specific first.
_ZONE_KINDS = (
    ("高新技术产业开发区", "high_tech_zone"),
    ("高新区", "high_tech_zone"),
    ("综合实验区", "comprehensive_pilot_zone"),
    ("城乡一体化示范区", "urban_rural_demonstration_zone"),
    ("自贸试验区", "free_trade_zone"),
    ("自由贸易试验区", "free_trade_zone"),
    ("产业聚集区", "industrial_cluster"),
    ("产业集聚区", "industrial_cluster"),
    ("工业园区", "industrial_park"),
    ("开发区", "economic_development_zone"),
)
#: ``all`` keeps every division; ``henan`` keeps province 41 and what lies in it.
SCOPES = ("all", "henan")

_FILES = {
    "provinces.csv": ("province", ["code", "name"]),
    "cities.csv": ("city", ["code", "name", "provinceCode"]),
    "areas.csv": ("county", ["code", "name", "cityCode", "provinceCode"]),
}
_GROUPINGS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
_CODE_LEN = {"province": 2, "city": 4, "county": 6}
_LEVEL_RANK = {"province": 0, "city": 1, "county": 2}

# Suffixes dropped to make a short name, longest first; the rest must keep 2 characters.
# The shortest head of at least two characters whose tail is a suffix is the short name.
_SUFFIX_RE = re.compile(
    r"^(.{2,}?)(?:(?:[\u4e00-\u9fff]{1,5}族|维吾尔)+自治(?:区|州|县|旗)|自治区|自治州|自治县"
    r"|自治旗|特别行政区|地区|林区|新区|矿区|省|市|区|县|盟|旗)$"
)


def region_id(code: str) -> str:
    """The node id of the division with NBS code ``code``.

    Parameters
    ----------
    code : str
        The division's NBS code in its short form (``41``, ``4101``, ``410105``).

    Returns
    -------
    str
        ``region:<code>``.

    Examples
    --------
    >>> region_id("4101")
    'region:4101'
    """
    return REGION_PREFIX + code


def is_zone_code(code: str) -> bool:
    """True for an NBS county-level code of a development zone (5th and 6th digits 71-79).

    NBS gives the zones that a city administers like counties a code of their own:
    410171 is 郑州经济技术开发区.  They are not divisions but Zone nodes.

    Parameters
    ----------
    code : str
        An NBS code in its short form; only a 6-digit code can be a zone's.

    Examples
    --------
    >>> is_zone_code("410171"), is_zone_code("410105"), is_zone_code("4101")
    (True, False, False)
    """
    return len(code) == 6 and code[4] == "7" and code[5] != "0"


def division_id(code: str) -> str:
    """The node id of an NBS code: a Zone for a development zone's code, else a Region.

    Parameters
    ----------
    code : str
        An NBS code in its short form (see :func:`is_zone_code`).

    Returns
    -------
    str
        ``zone:<code>`` or ``region:<code>``.

    Examples
    --------
    >>> division_id("410171"), division_id("4101")
    ('zone:410171', 'region:4101')
    """
    return (ZONE_PREFIX if is_zone_code(code) else REGION_PREFIX) + code


def zone_kind(name: str) -> str:
    """The schema's Zone kind that a zone's name states.

    Parameters
    ----------
    name : str
        The zone's name as published (``洛阳高新技术产业开发区``).

    Returns
    -------
    str
        A Zone ``kind`` of the schema: the first whose words the name contains (高新区
        is ``high_tech_zone``, 产业集聚区 ``industrial_cluster``, ...), else
        ``economic_development_zone``.

    Examples
    --------
    >>> zone_kind("郑州航空港经济综合实验区"), zone_kind("洛阳高新技术产业开发区")
    ('comprehensive_pilot_zone', 'high_tech_zone')
    """
    for words, kind in _ZONE_KINDS:
        if words in name:
            return kind
    return "economic_development_zone"


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def short_name(name: str) -> str | None:
    """A division's name without its administrative suffix, or None when too short.

    Parameters
    ----------
    name : str
        A division's full name; width and spaces are normalised first.

    Returns
    -------
    str or None
        The name without 省, 市, 区, 县, 自治区 and the like, or None where fewer than
        two characters would be left or no suffix is found.

    Examples
    --------
    >>> short_name("郑州市"), short_name("内蒙古自治区"), short_name("延边朝鲜族自治州")
    ('郑州', '内蒙古', '延边')
    >>> short_name("赵县") is None
    True
    """
    m = _SUFFIX_RE.match(_clean(name))
    return m.group(1) if m else None


def normalise_code(text: str) -> str | None:
    """A division code in its short form, or None when ``text`` is not one.

    Trailing zero pairs of the 6- and 12-digit forms are dropped to the level they
    name: ``410000`` is the province ``41``, ``410100`` the city ``4101``.

    Parameters
    ----------
    text : str
        A code of 2, 4, 6, 9 or 12 digits, maybe with the ``region:`` prefix and
        surrounding spaces.

    Examples
    --------
    >>> normalise_code("410100"), normalise_code("410105000000"), normalise_code("4101")
    ('4101', '410105', '4101')
    >>> normalise_code("4101x") is None
    True
    """
    t = text.strip().removeprefix(REGION_PREFIX)
    if not t.isdigit() or len(t) not in (2, 4, 6, 9, 12):
        return None
    if len(t) == 12:
        t = t[:9] if t[9:] != "000" else t[:6]
    if len(t) == 9 and t[6:] == "000":
        t = t[:6]
    if len(t) == 6 and t.endswith("0000"):
        return t[:2]
    if len(t) == 6 and t.endswith("00"):
        return t[:4]
    return t


@dataclass(frozen=True)
class Resolution:
    """How one place was resolved: the Region id (or None), the rule, and a note."""

    id: str | None
    rule: str | None
    note: str = ""


class RegionResolver:
    """Resolve place names and codes to Region ids.

    Parameters
    ----------
    table : DataFrame
        One row per division: ``id``, ``name``, ``level`` and ``code`` (a missing
        code is allowed; such a region is found by name only).
    """

    def __init__(self, table: pd.DataFrame) -> None:
        t = table.loc[:, ["id", "name", "level", "code"]].copy()
        t["code"] = t["code"].astype("string").fillna("").astype(str)
        t["name"] = t["name"].astype(str).map(_clean)
        t["level"] = t["level"].astype("string").fillna("county").astype(str)
        t = t.drop_duplicates("id")
        self.table = t.reset_index(drop=True)
        self._by_code: dict[str, str] = {
            str(c): str(i) for c, i in zip(t["code"], t["id"], strict=True) if c
        }
        self._info: dict[str, tuple[str, str, str]] = {
            str(i): (str(c), str(lv), str(n))
            for i, c, lv, n in zip(t["id"], t["code"], t["level"], t["name"], strict=True)
        }
        self._by_name: dict[str, list[str]] = {}
        self._by_short: dict[str, list[str]] = {}
        for i, n in zip(t["id"], t["name"], strict=True):
            self._by_name.setdefault(n, []).append(i)
            s = short_name(n)
            if s:
                self._by_short.setdefault(s, []).append(i)
        self._prefixes = sorted(
            {k for k in [*self._by_name, *self._by_short] if len(k) >= 2}, key=len, reverse=True
        )

    @classmethod
    def from_divisions(cls, divisions: pd.DataFrame) -> RegionResolver:
        """From a table of ``code``, ``name``, ``level`` (as in ``henan_regions.csv``)."""
        codes = divisions["code"].astype(str)
        zone = codes.map(is_zone_code)
        return cls(
            divisions.assign(
                id=codes.map(division_id), level=divisions["level"].where(~zone, "zone")
            )
        )

    @classmethod
    def henan(cls) -> RegionResolver:
        """The resolver over Henan's divisions shipped with innokg."""
        return _henan_resolver()

    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, region: object) -> bool:
        return region in self._info

    def code_of(self, region: str) -> str:
        """The NBS code of the region with id ``region`` ('' when it has none)."""
        return self._info[region][0]

    def name_of(self, region: str) -> str:
        return self._info[region][2]

    def short_name(self, code: str) -> str:
        """The short name of the division with code ``code`` (its name if none).

        >>> RegionResolver.henan().short_name("419001")
        '济源'
        """
        name = self._info[self._by_code[code]][2]
        return short_name(name) or name

    def _within(self, ids: list[str], within: str | None) -> list[str]:
        if not within:
            return ids
        return [i for i in ids if self._info[i][0].startswith(within)]

    def _pick(self, ids: list[str], rule: str, within: str | None) -> Resolution | None:
        ids = self._within(ids, within)
        if not ids:
            return None
        if len(ids) == 1:
            return Resolution(ids[0], rule)
        top = min(_LEVEL_RANK.get(self._info[i][1], 3) for i in ids)
        best = [i for i in ids if _LEVEL_RANK.get(self._info[i][1], 3) == top]
        if len(best) == 1 and rule == "short name":
            return Resolution(best[0], rule, "the higher-level division of that short name")
        names = ", ".join(f"{self._info[i][2]} ({self._info[i][0] or i})" for i in sorted(ids))
        return Resolution(None, None, f"ambiguous: {names}")

    def resolve(self, text: str, *, within: str | None = None) -> Resolution:
        """Resolve one place; ``within`` is a code prefix (a province: ``"41"``).

        Returns a :class:`Resolution` whose ``id`` is None when nothing (or more
        than one division) fits, with the reason in ``note``.
        """
        if text is None or (isinstance(text, float) and np.isnan(text)):
            return Resolution(None, None, "empty")
        raw = str(text)
        if raw.startswith(REGION_PREFIX) and raw in self._info:
            return Resolution(raw, "id")
        code = normalise_code(raw)
        if code is not None:
            hit = self._by_code.get(code)
            if hit and (not within or code.startswith(within)):
                return Resolution(hit, "code")
            where = f" in division {within}" if within else ""
            return Resolution(None, None, f"no division has the code {code}{where}")
        name = _clean(raw)
        if not name:
            return Resolution(None, None, "empty")
        ambiguous = None
        for table, rule in ((self._by_name, "name"), (self._by_short, "short name")):
            if name in table:
                found = self._pick(table[name], rule, within)
                if found and found.id:
                    return found
                ambiguous = ambiguous or found
        compound = self._compound(name, within)
        if compound is not None:
            return compound
        if ambiguous:
            return ambiguous
        where = f" in division {within}" if within else ""
        return Resolution(None, None, f"no division is called {name!r}{where}")

    def _compound(self, name: str, within: str | None) -> Resolution | None:
        for prefix in self._prefixes:
            if not name.startswith(prefix) or len(name) == len(prefix):
                continue
            head = self.resolve(prefix, within=within)
            if not head.id:
                continue
            code = self._info[head.id][0]
            rest = self.resolve(name[len(prefix) :], within=code or None)
            if rest.id:
                return Resolution(rest.id, "compound name")
        return None

    def resolve_many(
        self, texts: pd.Series, *, within: pd.Series | str | None = None
    ) -> pd.DataFrame:
        """Resolve a column of places; each distinct (place, within) pair once.

        Returns
        -------
        DataFrame
            Indexed like ``texts``: ``id`` (string, NA when unresolved), ``rule``
            (code, name, short name, compound name, id; NA when unresolved) and
            ``note`` (why not, or how).
        """
        w = (
            within.astype("string").fillna("")
            if isinstance(within, pd.Series)
            else pd.Series(within or "", index=texts.index, dtype="string")
        )
        key = pd.DataFrame({"t": texts.astype("string").fillna(""), "w": w})
        uniq = key.drop_duplicates()
        found = [
            self.resolve(t, within=wi or None) for t, wi in zip(uniq["t"], uniq["w"], strict=True)
        ]
        uniq = uniq.assign(
            id=[f.id for f in found], rule=[f.rule for f in found], note=[f.note for f in found]
        )
        out = key.merge(uniq, on=["t", "w"], how="left")
        out.index = texts.index
        return out[["id", "rule", "note"]].astype("string")


@cache
def _henan_resolver() -> RegionResolver:
    return RegionResolver.from_divisions(henan_regions())


# --- the NBS source --------------------------------------------------------------


def looks_like_regions(path: Path) -> bool:
    """True for a folder holding provinces.csv, cities.csv and areas.csv.

    Parameters
    ----------
    path : Path
        The file or folder given as a source.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> looks_like_regions(folder)
    False
    >>> for name in ("provinces.csv", "cities.csv", "areas.csv"):
    ...     _ = (folder / name).write_text("code,name\\n", encoding="utf-8")
    >>> looks_like_regions(folder)
    True
    >>> tmp.cleanup()
    """
    return path.is_dir() and all((path / f).is_file() for f in _FILES)


def read_regions_source(path: str | Path, *, scope: str = "all") -> SourceTables:
    """Read NBS province, city and county tables into Region nodes and LOCATED_IN edges.

    Parameters
    ----------
    path : path
        A folder with ``provinces.csv``, ``cities.csv`` and ``areas.csv``.
    scope : {"all", "henan"}
        ``henan`` keeps province 41 and the divisions in it; other rows are counted
        as filtered.

    Returns
    -------
    SourceTables
        ``Region`` (id ``region:<code>``, name, level, code, source), ``Zone``
        (``zone:<code>``: the development zones NBS codes like counties, see
        :func:`is_zone_code`) and ``LOCATED_IN`` (each division or zone -> the
        division containing it).

    Raises
    ------
    SourceError
        When a file is missing or lacks a column.

    Examples
    --------
    Two provinces with a city each, a county and a development zone with a
    county-level code; the Henan scope keeps province 41 and what lies in it:

    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> _ = (folder / "provinces.csv").write_text(
    ...     "code,name\\n41,河南省\\n42,湖北省\\n", encoding="utf-8")
    >>> _ = (folder / "cities.csv").write_text(
    ...     "code,name,provinceCode\\n4101,郑州市,41\\n4201,武汉市,42\\n", encoding="utf-8")
    >>> _ = (folder / "areas.csv").write_text(
    ...     "code,name,cityCode,provinceCode\\n"
    ...     "410105,金水区,4101,41\\n410171,郑州经济技术开发区,4101,41\\n", encoding="utf-8")
    >>> src = read_regions_source(folder, scope="henan")
    >>> for row in src.nodes["Region"][["id", "name", "level"]].itertuples(index=False):
    ...     print(*row)
    region:41 河南省 province
    region:4101 郑州市 city
    region:410105 金水区 county
    >>> src.nodes["Zone"][["id", "kind"]].values.tolist()
    [['zone:410171', 'economic_development_zone']]
    >>> for row in src.edges["LOCATED_IN"][["from_id", "to_id"]].itertuples(index=False):
    ...     print(*row)
    region:4101 region:41
    region:410105 region:4101
    zone:410171 region:4101
    >>> src.ledger.summary()["cities.csv"]
    {'rows': 2, 'used': 1, 'folded': 0, 'rejected': 0, 'filtered': 1, 'skipped': 0}
    >>> tmp.cleanup()
    """
    path = Path(path)
    if scope not in SCOPES:
        raise SourceError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
    if not looks_like_regions(path):
        missing = [f for f in _FILES if not (path / f).is_file()]
        raise SourceError(
            f"{path}: a regions source is a folder with provinces.csv, cities.csv and "
            f"areas.csv; missing: {', '.join(missing) if path.is_dir() else 'the folder'}"
        )
    source = SourceTables(kind="regions", path=str(path), notes={"scope": scope})
    ledger = source.ledger
    d = _read_tables(path, source)
    d, groups = _valid_divisions(d, ledger)
    d = _with_parents(d, groups, ledger)

    if scope == "henan":
        outside = ~d["code"].str.startswith(HENAN)
        for file, part in d[outside].groupby("_file"):
            ledger.mark(str(file), part["_row"], "filtered", "outside the Henan scope")
        d = d[~outside]

    d["id"] = d["code"].map(division_id)
    d["source"] = "regions:" + d["_file"]
    zone = d["id"].str.startswith(ZONE_PREFIX)
    source.nodes["Region"] = d.loc[
        ~zone, ["id", "name", "level", "code", "source", "_file", "_row"]
    ].reset_index(drop=True)
    zones = d.loc[zone, ["id", "name", "code", "source", "_file", "_row"]]
    source.nodes["Zone"] = zones.assign(kind=zones["name"].map(zone_kind)).reset_index(drop=True)
    source.notes["development zones"] = int(zone.sum())
    has_parent = d["parent"] != ""
    source.edges["LOCATED_IN"] = pd.DataFrame(
        {
            "from_id": d.loc[has_parent, "id"],
            "to_id": REGION_PREFIX + d.loc[has_parent, "parent"],
            "source": d.loc[has_parent, "source"],
            "evidence": "observed",
            "_file": d.loc[has_parent, "_file"],
            "_row": d.loc[has_parent, "_row"],
        }
    ).reset_index(drop=True)
    return source


def _read_tables(path: Path, source: SourceTables) -> pd.DataFrame:
    """The three files as one frame of raw codes and names, each row with its level."""
    ledger = source.ledger
    frames = []
    for file, (level, columns) in _FILES.items():
        df, encoding = read_csv_table(path / file, file)
        if encoding == "gb18030":
            source.warnings.append(f"{file}: read as GB18030")
        for col in columns:
            if col not in df.columns:
                raise SourceError(
                    f"{file}: column {col!r} is missing; the header must be {','.join(columns)}"
                )
        ledger.open(file, len(df), first_row=2)
        source.rows_read += len(df)
        frames.append(
            pd.DataFrame(
                {
                    "_file": df["_file"],
                    "_row": df["_row"],
                    "raw_code": df["code"],
                    "raw_name": df["name"],
                    "level": level,
                    "city": df["cityCode"].str.strip() if "cityCode" in df else "",
                    "province": df["provinceCode"].str.strip() if "provinceCode" in df else "",
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _valid_divisions(d: pd.DataFrame, ledger: Ledger) -> tuple[pd.DataFrame, set[str]]:
    """Rows with a code of their level's length and a name, each code once, grouping rows
    (市辖区, 县…) set aside; returns the rows and the grouping rows' codes."""
    d["code"] = d["raw_code"].str.strip()
    d["name"] = d["raw_name"].map(_clean)
    changed = d["name"] != d["raw_name"]
    ledger.fix("name: spaces or full-width characters normalised", int(changed.sum()))
    bad_code = ~d["code"].str.fullmatch(r"\d+") | (d["code"].str.len() != d["level"].map(_CODE_LEN))
    _reject(ledger, d[bad_code], "code", "code is not the 2/4/6 digits of its level")
    empty = ~bad_code & (d["name"] == "")
    _reject(ledger, d[empty], "name", "name is empty")
    d = d[~bad_code & ~empty]
    dup = d.duplicated("code", keep="first")
    same = dup & d.duplicated(["code", "name"], keep="first")
    for mask, reason in ((same, "the same division listed twice"),):
        rows = d[mask]
        for file, part in rows.groupby("_file"):
            ledger.mark(str(file), part["_row"], "folded", reason)
    _reject(ledger, d[dup & ~same], "code", "code already given to another division")
    d = d[~dup]

    grouping = (d["level"] == "city") & d["name"].isin(_GROUPINGS)
    for file, part in d[grouping].groupby("_file"):
        ledger.mark(
            str(file),
            part["_row"],
            "skipped",
            "grouping row (市辖区/县/省直辖县级行政区划), not a city: "
            "its counties link to the province",
        )
    groups = set(d.loc[grouping, "code"])
    d = d[~grouping].copy()
    return d, groups


def _with_parents(d: pd.DataFrame, groups: set[str], ledger: Ledger) -> pd.DataFrame:
    """Each division's parent code; rows whose parent is wrong or absent are rejected."""
    # Parents: a city's province; a county's city, or its province under a grouping.
    county = d["level"] == "county"
    d["parent"] = np.where(d["level"] == "city", d["province"], d["city"])
    d.loc[d["level"] == "province", "parent"] = ""
    under_group = county & d["city"].isin(groups)
    d.loc[under_group, "parent"] = d.loc[under_group, "province"]
    promoted = under_group & d["name"].str.endswith("市") & d["city"].str.endswith("90")
    d.loc[promoted, "level"] = "city"
    ledger.fix(
        "county-level city administered by the province listed as a city (济源市)",
        int(promoted.sum()),
    )
    # The parent must agree with the code's own prefix and exist.
    known = set(d["code"])
    prefix_ok = (d["parent"] == "") | (d["code"].str[:2] == d["parent"].str[:2])
    missing = (d["parent"] != "") & ~d["parent"].isin(known | groups)
    _reject(ledger, d[~prefix_ok], "provinceCode", "parent code does not match the code's province")
    _reject(ledger, d[prefix_ok & missing], "cityCode", "parent division is not in the files")
    return d[prefix_ok & ~missing]


def _reject(ledger: Ledger, rows: pd.DataFrame, column: str, reason: str) -> None:
    for file, part in rows.groupby("_file"):
        ledger.mark(str(file), part["_row"], "rejected", reason, column=column)
