"""Resolve free-text registered addresses to the most specific Henan place.

Real Henan sources name places inside addresses: ``河南省郑州市经济技术开发区第六大街99号``,
``郑州经济技术开发区航海东路1689号``, ``濮阳市化工产业集聚区``,
``河南自贸试验区郑州片区（经开）第十大街109号``.  :class:`AddressResolver` finds the
place an address names, most specific first: a development zone, then a county, a
city, the province.

How it works
------------
The address is normalised (NFKC, so ``９`` is ``9`` and ``（`` is ``(``; whitespace
dropped) and scanned once, left to right, by one compiled regular expression: the
alternation of every place name and alias, arranged as a trie so that the longest name
wins at each position.  The tokens found are read in order as a hierarchy:

* the first city named sets the city; a later, different city is a street name
  (``郑州市商丘路``) and is ignored with a note;
* a county is accepted only inside the city (or province) named before it; a county
  name used in several cities (新华区 outside Henan's table) is accepted alone only
  where it is unique in the table;
* city districts are never matched by their short names (中原, 新华 are common words);
  counties and county-level cities are (中牟, 长葛) only where a place is expected: at
  the start, or right after the province or city, and not before 路/街/道;
* zones are matched by their full names, by aliases built from them (city short name,
  with or without 市, followed by each written form of the zone's kind:
  ``郑州经开区``, ``郑州市经济技术开发区``, ``洛阳高新区``), and by a kind word alone
  (``经开区``, ``高新区``, ``（经开）``) which means the zone of that kind of the city
  named before it, or the only zone of that kind in the table (``航空港区``);
* an address that leads with another province (``北京市海淀区…``) is outside the
  table's scope.

When the address goes on to name a zone that is not listed (``濮阳市化工产业集聚区``,
``郑州市郑东新区``, the free-trade zone's areas), the place named before it is the
answer and the zone is named in ``note`` (``unlisted zone: 化工产业集聚区``).

Why not an existing parser
--------------------------
``cpca`` 0.5.5 (PyPI, needs ``pyahocorasick``) was measured on the 98 Henan addresses
of the NDRC's technology-centre list and on 50,000 of them varied with street numbers:
0.61 s for the 50,000 after 0.8 s of loading.  It resolves cities well but knows no
development zone (every ``…经济技术开发区`` address stops at its city), predates
recent renamings (长垣县 → 长垣市 in 2019: ``长垣市…`` is not found, ``长垣县`` gets
the retired code 410728), and misses ethnic districts written without 回族
(``管城区``, ``顺河区``) and 建安区.  Its tables would need patching and its results
translating, for two new dependencies, so it does not clearly win; ``jionlp`` is a much
larger package (dictionaries, jieba) for the same kind of lookup and was not adopted.
The trie regex below (standard library only) is as fast and knows the zones: 50,000
such addresses, 20% of them unresolvable, in 0.5-0.65 s on a 2-core machine (about
12 µs an address, 7 µs an unresolvable string; ``python -m benchmarks.address``), and
the resolver is built in 0.03 s.

Examples
--------
>>> r = AddressResolver.henan()
>>> m = r.resolve("河南省郑州市经济技术开发区第六大街99号")
>>> m.id, m.level, m.matched, m.rule
('zone:410171', 'zone', '河南省郑州市经济技术开发区', 'alias')
>>> r.resolve("河南自贸试验区郑州片区（经开）第十大街109号").id
'zone:410171'
>>> m = r.resolve("濮阳市化工产业集聚区")
>>> m.id, m.level, m.note
('region:4109', 'city', 'unlisted zone: 化工产业集聚区')
>>> r.resolve("河南省洛阳市西工区唐宫中路９号").id
'region:410303'
>>> r.resolve("北京市海淀区中关村大街1号").reason
'outside Henan'
>>> out = r.resolve_many(pd.Series(["郑州航空港区空港五路", ""]))
>>> out["id"].iloc[0], out["reason"].tolist()
('zone:410173', ['', 'empty address'])
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from innokg.loaders.reference import henan_regions
from innokg.loaders.regions import REGION_PREFIX, short_name

__all__ = [
    "COLUMNS",
    "HENAN_FORMER_NAMES",
    "LEVELS",
    "ZONE_PREFIX",
    "AddressMatch",
    "AddressResolver",
    "henan_places",
]

ZONE_PREFIX = "zone:"
#: Place levels, least specific first.
LEVELS = ("province", "city", "county", "zone")
#: The columns of :meth:`AddressResolver.resolve_many`.
COLUMNS = ("id", "level", "matched", "rule", "reason", "note")

#: Names of Henan counties before a renaming or merger still written in addresses,
#: with the code of the division that took over.
HENAN_FORMER_NAMES: dict[str, str] = {
    "开封县": "410212",  # 祥符区, 2014
    "陕县": "411203",  # 陕州区, 2015
    "许昌县": "411003",  # 建安区, 2016
    "长垣县": "410783",  # 长垣市, 2019
    "淮阳县": "411603",  # 淮阳区, 2019
    "偃师市": "410307",  # 偃师区, 2021
    "孟津县": "410308",  # 孟津区, 2021
    "吉利区": "410308",  # merged into 孟津区, 2021
}

# China's province-level divisions: an address leading with one outside the table is
# outside its scope.
_PROVINCES = (
    *("北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省"),
    *("上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省"),
    *("湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省"),
    *("云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区"),
    *("新疆维吾尔自治区", "台湾省", "香港特别行政区", "澳门特别行政区"),
)

# The ways each kind of development zone is written, the zone names' own form first.
# A zone whose name (without province and city) ends with one of them is of that kind.
_ZONE_KINDS: dict[str, tuple[str, ...]] = {
    "economic": ("经济技术开发区", "经济开发区", "经开区", "(经开)"),
    "high-tech": (
        "高新技术产业开发区",
        "高新技术开发区",
        "高新产业开发区",
        "高新开发区",
        "高新区",
        "(高新)",
    ),
    "airport": (
        "航空港经济综合实验区",
        "航空港综合实验区",
        "航空港实验区",
        "航空港区",
        "(航空港)",
    ),
    "urban-rural": ("城乡一体化示范区",),
}
_RANK = {level: i for i, level in enumerate(LEVELS)}
# What follows a short name when it is part of a street name (郑州路, 洛阳大道).
_STREET = frozenset("路街道巷")
_LEAD = re.compile(r"(?:中华人民共和国|中国)?\(?")
_ETHNIC_DISTRICT = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,4}?族)+区$")
_FREE_TRADE = re.compile(r"(?:自由贸易试验区|自贸试验区|自贸区)(?:[\u4e00-\u9fff]{2,4}片区)?")
_UNLISTED = re.compile(
    r"\)?[\u4e00-\u9fff]{0,10}?(?:产业集聚区|产业聚集区|集聚区|聚集区|工业园区|产业园区|科技园区"
    r"|产业园|工业园|工业区|开发区|新区|示范区|实验区|试验区|投资区|保税区|园区|片区)(?![路街道巷])"
)


# The fields of an AddressMatch, in order (resolve_many works on plain tuples).
_Fields = tuple[str | None, str | None, str | None, str | None, str, str]
_EMPTY: _Fields = (None, None, None, None, "empty address", "")


def _normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class AddressMatch:
    """The place one address names.

    Attributes
    ----------
    id : str or None
        The place id (``region:4101``, ``zone:410171``); None when unresolved.
    level : {"province", "city", "county", "zone"} or None
        The place's level; None when unresolved.
    matched : str or None
        The normalised text from the first place name used to the one that decided.
    rule : str or None
        How the deciding name was matched: ``name`` (the listed name), ``short name``
        (郑州, 中牟), ``alias`` (a zone's written forms, 管城区 for 管城回族区, a former
        name) or ``zone kind`` (经开区 after a city, or a kind with one zone).
    reason : str
        Why nothing was resolved: ``empty address``, ``outside <scope>``, ``no <scope>
        place named``, ``ambiguous: …``; empty when resolved.
    note : str
        What else was seen: an unlisted zone, a place ignored as inconsistent.
    """

    id: str | None
    level: str | None
    matched: str | None = None
    rule: str | None = None
    reason: str = ""
    note: str = ""


@dataclass(frozen=True)
class _Token:
    kind: str  # a level, "kind" (a zone kind word) or "foreign"
    ids: tuple[str, ...]  # the places (for "kind": the family; for "foreign": the name)
    rule: str
    loose: bool = False  # a short name: only where a place is expected


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation of ``words`` shaped as a trie; the longest word wins."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


class AddressResolver:
    """Resolve addresses to places: zones, counties, cities, provinces.

    Parameters
    ----------
    places : DataFrame
        One row per place: ``id``, ``name``, ``level`` (or ``kind``; one of
        province, city, county, zone) and ``parent`` (the id of the place containing
        it; empty for a province).  An optional ``aliases`` column holds other names
        of the place, separated by ``|`` (former names: 长垣县 for 长垣市).
    scope : str, optional
        The name of the area the table covers, used in reasons (``outside Henan``);
        by default the names of its provinces.

    Raises
    ------
    ValueError
        When a column is missing, a level is unknown or a parent is not in the table.

    Examples
    --------
    >>> places = pd.DataFrame({
    ...     "id": ["p:13", "p:1301", "p:1309", "p:130105", "p:130910"],
    ...     "name": ["河北省", "石家庄市", "沧州市", "新华区", "新华区"],
    ...     "level": ["province", "city", "city", "county", "county"],
    ...     "parent": ["", "p:13", "p:13", "p:1301", "p:1309"],
    ... })
    >>> r = AddressResolver(places, scope="Hebei")
    >>> r.resolve("沧州市新华区解放路").id
    'p:130910'
    >>> r.resolve("新华区解放路").reason
    'ambiguous: 新华区 (石家庄市, 沧州市)'
    >>> r.resolve("河南省郑州市").reason
    'outside Hebei'
    """

    def __init__(self, places: pd.DataFrame, *, scope: str | None = None) -> None:
        if "level" not in places.columns and "kind" in places.columns:
            places = places.rename(columns={"kind": "level"})
        missing = [c for c in ("id", "name", "level", "parent") if c not in places.columns]
        if missing:
            raise ValueError(f"the places table lacks the column(s) {', '.join(missing)}")
        t = pd.DataFrame(
            {
                "id": places["id"].astype(str),
                "name": places["name"].astype(str).map(_normalise),
                "level": places["level"].astype(str),
                "parent": places["parent"].astype("string").fillna("").astype(str),
                "aliases": (
                    places["aliases"].astype("string").fillna("").astype(str)
                    if "aliases" in places.columns
                    else ""
                ),
            }
        ).drop_duplicates("id")
        bad = sorted(set(t["level"]) - set(LEVELS))
        if bad:
            raise ValueError(f"unknown level(s) {', '.join(bad)}; use {', '.join(LEVELS)}")
        orphans = sorted(set(t["parent"]) - set(t["id"]) - {""})
        if orphans:
            raise ValueError(f"parent(s) not in the table: {', '.join(orphans[:5])}")
        self.table = t.reset_index(drop=True)
        self._name = dict(zip(t["id"], t["name"], strict=True))
        self._level = dict(zip(t["id"], t["level"], strict=True))
        self._parent = dict(zip(t["id"], t["parent"], strict=True))
        self._city = {i: self._ancestor(i, "city") for i in t["id"]}
        self._province = {i: self._ancestor(i, "province") for i in t["id"]}
        provinces = t.loc[t["level"] == "province", "name"].tolist()
        self.scope = scope or "/".join(short_name(p) or p for p in provinces) or "the table"
        self._tokens = self._build_tokens(provinces)
        self._pattern = re.compile(_trie_pattern(sorted(self._tokens)))

    @classmethod
    def henan(cls) -> AddressResolver:
        """The resolver over Henan's places shipped with innokg (cached)."""
        return _henan_resolver()

    def __len__(self) -> int:
        return len(self.table)

    def _ancestor(self, place: str, level: str) -> str | None:
        seen = 0
        while place and seen < 8:
            if self._level.get(place) == level:
                return place
            place, seen = self._parent.get(place, ""), seen + 1
        return None

    # --- the vocabulary -----------------------------------------------------------------

    def _build_tokens(self, provinces: list[str]) -> dict[str, _Token]:
        names: dict[str, list[str]] = {}  # listed names: the strongest evidence
        aliases: dict[str, list[str]] = {}
        shorts: dict[str, list[str]] = {}
        kinds: dict[str, str] = {}
        t = self.table
        province_shorts = [short_name(p) for p in provinces]
        for i, name, level, extra in zip(t["id"], t["name"], t["level"], t["aliases"], strict=True):
            names.setdefault(name, []).append(i)
            for alias in filter(None, (_normalise(a) for a in extra.split("|"))):
                aliases.setdefault(alias, []).append(i)
            if level == "zone":
                for alias in self._zone_aliases(i, name, province_shorts):
                    aliases.setdefault(alias, []).append(i)
                continue
            short = short_name(name)
            if level == "county" and name.endswith("区"):
                m = _ETHNIC_DISTRICT.match(name)  # 管城回族区 is written 管城区
                if m:
                    aliases.setdefault(m.group(1) + "区", []).append(i)
                continue  # never a district's short name: 中原, 新华 are common words
            if short:
                shorts.setdefault(short, []).append(i)
        for family, forms in _ZONE_KINDS.items():
            for form in forms:
                kinds[form] = family

        tokens: dict[str, _Token] = {}
        for other in _PROVINCES:
            if other in provinces:
                continue
            tokens[other] = _Token("foreign", (other,), "name")
            s = short_name(other)
            if s:
                tokens[s] = _Token("foreign", (other,), "short name", loose=True)
        for form, family in kinds.items():
            tokens[form] = _Token("kind", (family,), "zone kind")
        for table, rule in ((shorts, "short name"), (aliases, "alias"), (names, "name")):
            for word, ids in table.items():
                if rule == "short name":
                    # A short name shared with a higher level belongs to it (新乡: the
                    # city, not 新乡县); one that is also a full name is that name.
                    top = min(_RANK[self._level[i]] for i in ids)
                    ids = [i for i in ids if _RANK[self._level[i]] == top]
                    if len(ids) > 1 or word in names or word in aliases:
                        continue
                level = max((self._level[i] for i in ids), key=_RANK.__getitem__)
                ids = [i for i in ids if self._level[i] == level]
                tokens[word] = _Token(level, tuple(ids), rule, loose=rule == "short name")
        self._zone_of: dict[tuple[str | None, str], list[str]] = {}
        for i in t.loc[t["level"] == "zone", "id"]:
            family = self._zone_family(i, province_shorts)
            if family:
                self._zone_of.setdefault((self._city[i], family), []).append(i)
                self._zone_of.setdefault((None, family), []).append(i)
        return tokens

    def _zone_rest(self, zone: str, province_shorts: list[str | None]) -> tuple[str, str]:
        """The zone's city short name ('' if its name lacks one) and the rest of its name."""
        name = self._name[zone]
        for p in province_shorts:
            if p and name.startswith(p) and len(name) > len(p) + 2:
                name = name[len(p) :]
        city = self._city[zone]
        city_short = (short_name(self._name[city]) or self._name[city]) if city else ""
        if city_short and name.startswith(city_short):
            return city_short, name[len(city_short) :].removeprefix("市")
        return "", name

    def _zone_family(self, zone: str, province_shorts: list[str | None]) -> str | None:
        rest = self._zone_rest(zone, province_shorts)[1]
        for family, forms in _ZONE_KINDS.items():
            if any(rest.endswith(f) for f in forms):
                return family
        return None

    def _zone_aliases(self, zone: str, name: str, province_shorts: list[str | None]) -> set[str]:
        city_short, rest = self._zone_rest(zone, province_shorts)
        if not city_short:  # 豫东综合物流产业聚集区: its name, also without 河南
            return {rest} - {name}
        out: set[str] = set()
        city_name = self._name[self._city[zone] or ""]
        heads = {city_short, city_short + "市", city_name}
        rests = {rest}
        for forms in _ZONE_KINDS.values():
            form = next((f for f in forms if rest.endswith(f)), None)
            if form:
                qualifier = rest[: -len(form)]  # 平原 in 新乡市平原城乡一体化示范区
                rests |= {qualifier + f for f in forms if not f.startswith("(")}
                if qualifier:
                    out.add(rest)  # a qualified kind is distinctive alone
        out |= {h + r for h in heads for r in rests}
        out.discard(name)
        return out

    # --- resolving ----------------------------------------------------------------------

    def resolve(self, text: str | None) -> AddressMatch:
        """Resolve one address.

        Parameters
        ----------
        text : str or None
            A free-text address; None and NaN count as empty.

        Returns
        -------
        AddressMatch
            The most specific place named, or ``id`` None with the ``reason``.

        Examples
        --------
        >>> r = AddressResolver.henan()
        >>> r.resolve("郑州市金水区杨金路139号").id
        'region:410105'
        >>> r.resolve("郑州市金水路109号").id   # 金水 alone is not 金水区
        'region:4101'
        >>> r.resolve("长垣县卫华大道西段").id   # a former name of 长垣市
        'region:410783'
        >>> r.resolve("开发区18号街坊").reason
        'no Henan place named'
        """
        if not isinstance(text, str):
            text = ""
        return AddressMatch(*self._interpret(_normalise(text)))

    def resolve_many(self, texts: pd.Series) -> pd.DataFrame:
        """Resolve a column of addresses, each distinct address once.

        Parameters
        ----------
        texts : Series
            Addresses; missing values count as empty.

        Returns
        -------
        DataFrame
            Indexed like ``texts``, with the string columns ``id``, ``level``,
            ``matched``, ``rule`` (NA where unresolved), ``reason`` and ``note``
            ('' where there is none): the fields of :class:`AddressMatch`.

        Examples
        --------
        >>> r = AddressResolver.henan()
        >>> s = pd.Series(["洛阳市高新区滨河北路88号", None], index=["a", "b"])
        >>> r.resolve_many(s)[["id", "level", "rule"]]
                    id level   rule
        a  zone:410371  zone  alias
        b         <NA>  <NA>   <NA>
        """
        codes, uniques = pd.factorize(texts, use_na_sentinel=True)
        seen: dict[str, tuple] = {}  # normalised address -> fields: each resolved once
        rows = []
        for u in uniques:
            text = _normalise(u) if isinstance(u, str) else ""
            fields = seen.get(text)
            if fields is None:
                fields = seen[text] = self._interpret(text)
            rows.append(fields)
        rows.append(_EMPTY)
        table = np.empty((len(rows), len(COLUMNS)), dtype=object)
        table[:] = rows
        picked = table[np.where(codes < 0, len(rows) - 1, codes)]
        return pd.DataFrame(
            {c: pd.array(picked[:, j], dtype="string") for j, c in enumerate(COLUMNS)},
            index=texts.index,
        )

    def _interpret(self, text: str) -> _Fields:
        """The fields of the AddressMatch of a normalised address, as a tuple."""
        if not text:
            return _EMPTY
        lead_end = _LEAD.match(text).end()  # type: ignore[union-attr]
        tokens = self._tokens
        city = county = zone = province = None
        used: dict[str, tuple[int, int, str]] = {}  # level -> (start, end, rule)
        ambiguous: tuple[str, ...] = ()
        notes: list[str] = []
        last_end = -1
        for m in self._pattern.finditer(text):
            word, start, end = m.group(), m.start(), m.end()
            tok = tokens[word]
            if tok.loose:
                after = text[end : end + 2]
                if after[:1] in _STREET or after in ("大道", "大街"):
                    continue
                if tok.kind == "county" and start not in (lead_end, last_end):
                    continue
            kind = tok.kind
            if kind == "foreign":
                if not used and not ambiguous and start == lead_end:
                    return (None, None, None, None, f"outside {self.scope}", "")
                continue
            if kind == "kind":
                if zone is not None:
                    continue
                cands = self._zone_of.get((city, tok.ids[0]), [])
                if city is None and len(cands) == 1:
                    zone, city = cands[0], self._city[cands[0]]
                    used["zone"] = (start, end, tok.rule)
                elif city is not None and len(cands) == 1:
                    zone = cands[0]
                    used["zone"] = (start, end, tok.rule)
                last_end = end
                continue
            ids = tok.ids
            if city is not None:
                ids = tuple(i for i in ids if self._city[i] == city or i == province)
            elif province is not None:
                ids = tuple(i for i in ids if self._province[i] == province)
            if not ids:
                if kind in ("city", "county", "zone"):
                    notes.append(f"ignored {word}: not in {self._name[city or province or '']}")
                continue
            if len(ids) > 1:
                if kind == "county" and county is None:
                    ambiguous = ids
                continue
            place = ids[0]
            if kind == "province":
                if province is None:
                    province = place
                    used["province"] = (start, end, tok.rule)
            elif kind == "city":
                if city is None:
                    city, province = place, self._province[place]
                    used["city"] = (start, end, tok.rule)
            elif kind == "county":
                if county is None:
                    county, ambiguous = place, ()
                    city, province = self._city[place], self._province[place]
                    used["county"] = (start, end, tok.rule)
            elif zone is None:
                zone, city, province = place, self._city[place], self._province[place]
                used["zone"] = (start, end, tok.rule)
            last_end = end

        if county is None and ambiguous:
            names = ", ".join(self._name[self._city[i] or self._parent[i]] for i in ambiguous)
            ambiguity = f"ambiguous: {self._name[ambiguous[0]]} ({names})"
            if not used:
                return (None, None, None, None, ambiguity, "")
            notes.append(ambiguity)
        place = zone or county or city or province
        if place is None:
            return (None, None, None, None, f"no {self.scope} place named", "")
        level = self._level[place]
        start = min(s for s, _, _ in used.values())
        _, end, rule = used[level]
        if level != "zone":
            unlisted = _FREE_TRADE.search(text) or _UNLISTED.match(text, end)
            if unlisted:
                notes.insert(0, "unlisted zone: " + unlisted.group().lstrip(")"))
        return (place, level, text[start:end], rule, "", "; ".join(notes))


def henan_places() -> pd.DataFrame:
    """Henan's places: the province, its cities, counties and development zones.

    Built from :func:`innokg.loaders.reference.henan_regions`.  The county-level
    codes whose fifth digit is 7 are development zones (``zone:<code>``); the others
    are regions (``region:<code>``).  Former county names are aliases.

    Returns
    -------
    DataFrame
        ``id``, ``name``, ``level`` (province, city, county, zone), ``parent`` (an
        id) and ``aliases`` (``|``-separated).

    Examples
    --------
    >>> p = henan_places().set_index("id")
    >>> p.loc["zone:410171", ["name", "level", "parent"]].tolist()
    ['郑州经济技术开发区', 'zone', 'region:4101']
    >>> p["level"].value_counts().to_dict()
    {'county': 156, 'zone': 24, 'city': 18, 'province': 1}
    """
    d = henan_regions()
    code = d["code"].astype(str)
    is_zone = (code.str.len() == 6) & (code.str[4] == "7") & (code.str[5] != "0")
    former: dict[str, list[str]] = {}
    for old, new in HENAN_FORMER_NAMES.items():
        former.setdefault(new, []).append(old)
    return pd.DataFrame(
        {
            "id": np.where(is_zone, ZONE_PREFIX, REGION_PREFIX) + code,
            "name": d["name"],
            "level": np.where(is_zone, "zone", d["level"]),
            "parent": np.where(d["parent_code"] == "", "", REGION_PREFIX + d["parent_code"]),
            "aliases": ["|".join(former.get(c, [])) for c in code],
        }
    )


@cache
def _henan_resolver() -> AddressResolver:
    return AddressResolver(henan_places(), scope="Henan")
