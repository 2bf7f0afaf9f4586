"""The seed policy's measures as indicators: value, target, gap, met — where measurable.

Each indicator belongs to a measure of the policy (a PolicyMeasure node, matched by
its ``indicator`` key); its article, title, target and deadline are read from that
node, never written here, and from nothing outside the graph.  Every build puts the
seed policy's measures in the package (the demo, ``innokg henan`` and ``innokg build``
alike); a graph with no PolicyMeasure node has no targets, and every row says so
(``note``).  A measure can carry several
indicators: the one whose key equals the measure's key is the headline indicator and
carries the target; the others (``co_built_rnd``, ``national_tech_centres``, ...) are
context without a target.

**Measurable or not.**  Every row says whether the graph holds the data the indicator
needs (``measurable``) and, in ``note``, why not or what to bear in mind.  It is decided
from the data present, never from which builder made the graph: the shares of
大中型工业企业 need firm sizes; the demonstration counts need platforms or teams with a
``demonstration`` year; and so on (see :data:`INDICATORS`).  A row that is not
measurable has no value, target, gap or ``met`` (all NA), never a zero.

Most indicators of the seed are about 大中型工业企业, the policy's subject: enterprises
whose size is ``large`` or ``medium`` and whose ``industrial`` flag is not false ("L&M
firms" below).  Five more count what public lists give for every city, with no target
(the policy sets none): national enterprise technology centres and the firms that run
them (article 6), universities (article 6's research partners), listed firms placed in
the province, and the cities' industry specialisations (location quotient above 1).

"As of" a year counts only what existed then: nodes and edges whose ``since`` is not
later and whose ``until`` is not earlier, platforms and teams whose ``demonstration``
year is not later, people whose ``recognised`` year is not later.

Breakdowns by city and industry place every unit by :mod:`innokg.queries.arrays` (a firm's
county's city; a team by its host; a person by what they lead); by industry, a firm's
GB/T 4754 division when the graph has them (the most confident one).  The seed's count
targets are province-wide; a city's or industry's share of one is allocated in whole
numbers, pro rata to its share of the province's L&M firms by largest remainder
(``target_basis = "pro_rata"``).  Share targets apply as they are (``"seed"``).

Examples
--------
>>> from tests.factory import make_graph
>>> G = make_graph(
...     {"Enterprise": [{"id": "e1", "name": "甲", "size": "large"},
...                     {"id": "e2", "name": "乙", "size": "medium"}],
...      "Platform": [{"id": "p1", "name": "平台", "kind": "maker_space"}],
...      "PolicyMeasure": [{"id": "m3a", "name": "普及率", "article": 3,
...                         "indicator": "platform_coverage", "target": 0.8,
...                         "target_unit": "share", "deadline": 2018}]},
...     {"ESTABLISHED": [("e1", "p1")]},
... )
>>> row = policy_indicators(G, indicators=["platform_coverage"]).iloc[0]
>>> float(row["value"]), float(row["target"]), float(row["gap"]), bool(row["met"])
(0.5, 0.8, 0.30000000000000004, False)

Without firm sizes the share cannot be measured, and the row says so:

>>> G = make_graph({"Enterprise": [{"id": "e1", "name": "甲"}]})
>>> row = policy_indicators(G, indicators=["platform_coverage"]).iloc[0]
>>> bool(row["measurable"]), pd.isna(row["value"]), pd.isna(row["met"])
(False, True, True)
>>> print(row["note"].split(" (")[0].split(";")[0])
no firm sizes in the data: which enterprises are large or medium is unknown
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import GraphArrays, arrays, resolve_city, resolve_industries

__all__ = [
    "BREADTH_KINDS",
    "INDICATORS",
    "SCORE_WEIGHTS",
    "Indicator",
    "latest_year",
    "policy_indicators",
    "policy_measures",
    "typical_cases",
]

By = Literal["province", "city", "industry", "year"]

#: The six kinds of partner counted by ``ecosystem_breadth`` (article 4): key ->
#: (Chinese, English, how it is observed).  Brand owners have no edge of their own in
#: the schema; partner enterprises (COLLABORATES_WITH) stand in for them.
BREADTH_KINDS = {
    "suppliers": ("供应商", "suppliers", "SUPPLIES into the firm"),
    "purchasers": ("采购商", "purchasers", "SUPPLIES from the firm"),
    "partners": ("品牌与合作企业", "partner enterprises", "COLLABORATES_WITH an enterprise"),
    "operators": ("平台运营", "platforms operated", "ESTABLISHED or OPERATES a platform"),
    "services": ("服务机构", "service providers", "COLLABORATES_WITH an institute, MEMBER_OF"),
    "finance": ("金融", "finance", "INVESTS_IN the firm, or a fund it ESTABLISHED"),
}

#: Points of the typical-case score (article 17), per item as of the year.
SCORE_WEIGHTS = {
    "platforms": 1.0,  # each platform the firm set up or operates
    "demonstration_platforms": 2.0,  # extra, each of them recognised as demonstration
    "teams": 1.0,  # each maker team it hosts or set up
    "demonstration_teams": 2.0,  # extra, each of them recognised as demonstration
    "research_partners": 1.0,  # each institute it works with
    "alliances": 1.0,  # each alliance it belongs to
    "funds": 1.0,  # each fund it set up or that invests in it
    "entrepreneur": 2.0,  # led by a recognised innovative entrepreneur
    "supply_partners": 1.0,  # times log2(1 + distinct suppliers and buyers)
}

# An enterprise technology centre is the firm's own (self-built) R&D platform (article 6).
_RND = ("self_built_rnd", "co_built_rnd", "third_party", "enterprise_tech_center")
_OPEN = ("ecommerce", "open_innovation")
_EMPLOYEE = ("employee", "model_worker_station", "chief_employee_station")
_SERVICE = ("shuangchuang_base", "public_tech_service")
# GB/T 4754 sections of 工业 (industry in Chinese statistics): mining, manufacturing, utilities.
_INDUSTRIAL = ("B", "C", "D")

_NO_SIZES = (
    "no firm sizes in the data: which enterprises are large or medium is unknown",
    "数据中没有企业规模：无法判断哪些企业是大中型企业",
)
_LM = "large or medium industrial firms"
#: What a share or mean is taken over (``Indicator.base``), in Chinese.
_BASE_ZH = {_LM: "大中型工业企业", "industrial clusters": "产业集聚区", "maker teams": "创客团队"}

#: A sentence in English and in Chinese.
Words = tuple[str, str]


def _lm_sized(A: GraphArrays) -> np.ndarray:
    """Enterprises of size large or medium not flagged as non-industrial (any year)."""
    key = ("indicators", "lm")
    if key not in A.memo:
        size = A.values("size", dtype="object", fill="")
        industrial = A.values("industrial", dtype="float64", fill=np.nan)
        A.memo[key] = np.isin(size, ["large", "medium"]) & ~(industrial == 0)
    return A.memo[key]


class _Timeline:
    """When every node and edge existed, read once for all the years asked about.

    A node exists from its ``since`` to its ``until`` (either open when missing); an
    edge while it and both its ends do.  A year's view is then a filter over these
    windows, so a series of years costs one pass over the edges a year, with no
    matrix rebuilt and no table re-read per year.  Counts of distinct neighbours are
    taken over (source, target) pairs grouped once per set of edge types.
    """

    def __init__(self, A: GraphArrays) -> None:
        self.A = A
        self.lo = np.nan_to_num(A.values("since"), nan=-np.inf)
        self.hi = np.nan_to_num(A.values("until"), nan=np.inf)
        self._windows: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._pairs: dict[tuple[str, ...], _Pairs] = {}
        self._alive: dict[int, np.ndarray] = {}
        self._alive_pairs: dict[tuple[tuple[str, ...], int], np.ndarray] = {}

    def alive(self, year: int) -> np.ndarray:
        if year not in self._alive:
            self._alive[year] = (self.lo <= year) & (year <= self.hi)
        return self._alive[year]

    def window(self, etype: str) -> tuple[np.ndarray, np.ndarray]:
        """First and last year of each edge of :meth:`GraphArrays.edges` (``year=None``)."""
        if etype not in self._windows:
            A = self.A
            src, dst = A.edges(etype)
            lo = np.nan_to_num(A.edge_values(etype, "since"), nan=-np.inf)
            hi = np.nan_to_num(A.edge_values(etype, "until"), nan=np.inf)
            lo = np.maximum(lo, np.maximum(self.lo[src], self.lo[dst]))
            hi = np.minimum(hi, np.minimum(self.hi[src], self.hi[dst]))
            self._windows[etype] = (lo, hi)
        return self._windows[etype]

    def edges(self, etype: str, year: int) -> tuple[np.ndarray, np.ndarray]:
        src, dst = self.A.edges(etype)
        lo, hi = self.window(etype)
        keep = (lo <= year) & (year <= hi)
        return src[keep], dst[keep]

    def pairs(self, names: tuple[str, ...]) -> _Pairs:
        if names not in self._pairs:
            n = self.A.n
            ids, los, his = [], [], []
            for spec in names:
                etype = spec.removesuffix("^-1")
                src, dst = self.A.edges(etype)
                if spec.endswith("^-1"):
                    src, dst = dst, src
                lo, hi = self.window(etype)
                ids.append(src * n + dst)
                los.append(lo)
                his.append(hi)
            uniq, inverse = np.unique(np.concatenate(ids), return_inverse=True)
            self._pairs[names] = _Pairs(
                uniq // n, uniq % n, inverse, np.concatenate(los), np.concatenate(his)
            )
        return self._pairs[names]

    def alive_pairs(self, names: tuple[str, ...], year: int) -> np.ndarray:
        """Which pairs of :meth:`pairs` are linked by an edge that existed in ``year``."""
        key = (names, year)
        if key not in self._alive_pairs:
            p = self.pairs(names)
            alive = (p.lo <= year) & (year <= p.hi)
            self._alive_pairs[key] = np.bincount(p.inverse[alive], minlength=len(p.src)) > 0
        return self._alive_pairs[key]


@dataclass(frozen=True)
class _Pairs:
    """The distinct (source, target) pairs of some edge types, with ``inverse`` mapping
    each edge to its pair and ``lo``/``hi`` each edge's window."""

    src: np.ndarray
    dst: np.ndarray
    inverse: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


def _timeline(A: GraphArrays) -> _Timeline:
    key = ("indicators", "timeline")
    if key not in A.memo:
        A.memo[key] = _Timeline(A)
    return A.memo[key]


class _Ctx:
    """What existed in one year, as arrays."""

    def __init__(self, A: GraphArrays, year: int | None, by: By = "province") -> None:
        self.A = A
        self.year = year
        self.by = by
        self.time = _timeline(A)
        self.alive = A.alive(None) if year is None else self.time.alive(year)
        size = A.values("size", dtype="object", fill="")
        industrial = A.values("industrial", dtype="float64", fill=np.nan)
        ent = A.mask("Enterprise")
        self.has_sizes = bool((ent & (size != "") & ~(industrial == 0)).any())
        self.lm = ent & self.alive & _lm_sized(A)

    def edges(self, etype: str) -> tuple[np.ndarray, np.ndarray]:
        if self.year is None:
            return self.A.edges(etype)
        return self.time.edges(etype, self.year)

    def kind_in(self, label: str, kinds: Sequence[str]) -> np.ndarray:
        key = ("indicators", "kind", label, tuple(kinds))
        A = self.A
        if key not in A.memo:
            out = A.mask(label) & np.isin(A.values("kind", dtype="object", fill=""), kinds)
            out.flags.writeable = False
            A.memo[key] = out
        return A.memo[key]

    def recognised(self, column: str) -> np.ndarray:
        years = self.A.values(column)
        out = self.alive & ~np.isnan(years)
        if self.year is not None:
            out &= years <= self.year
        return out

    def count(
        self, etypes: str | Sequence[str], target: np.ndarray, *, reverse: bool = False
    ) -> np.ndarray:
        """Per node, its distinct neighbours in ``target`` over ``etypes`` (outgoing, or
        incoming with ``reverse``)."""
        names = [etypes] if isinstance(etypes, str) else list(etypes)
        if reverse:
            names = [f"{t}^-1" for t in names]
        pairs = self.time.pairs(tuple(names))
        keep = target[pairs.dst]
        if self.year is not None:
            keep = keep & self.time.alive_pairs(tuple(names), self.year)
        return np.bincount(pairs.src[keep], minlength=self.A.n).astype(np.int64)

    def has(
        self, etypes: str | Sequence[str], target: np.ndarray, *, reverse: bool = False
    ) -> np.ndarray:
        """Nodes with an edge of ``etypes`` to (from, with ``reverse``) a node in ``target``."""
        return self.count(etypes, target, reverse=reverse) > 0

    def located(self) -> np.ndarray:
        """Nodes placed in one of the graph's regions (directly or through a county,
        city or zone): the province's own, as against chain partners elsewhere."""
        A = self.A
        key = ("indicators", "located")
        if key not in A.memo:
            out = A.mask("Region").copy()
            src, dst = A.edges("LOCATED_IN")
            for _ in range(4):  # firm -> zone -> county -> city -> province
                more = out[dst] & ~out[src]
                if not more.any():
                    break
                out[src[more]] = True
            A.memo[key] = out & ~A.mask("Region")
        return A.memo[key]


@dataclass(frozen=True)
class _Units:
    """What an indicator counts: ``unit`` (an id counted once a group), ``where``
    (position that places it in a city), ``value`` (its contribution) and
    ``where_industry`` (position that places it in an industry; ``where`` if None)."""

    unit: np.ndarray
    where: np.ndarray
    value: np.ndarray
    where_industry: np.ndarray | None = None

    @property
    def industry_where(self) -> np.ndarray:
        return self.where if self.where_industry is None else self.where_industry

    def select(self, keep: np.ndarray) -> _Units:
        unit = self.unit[keep]
        where = unit if self.where is self.unit else self.where[keep]
        wi = None if self.where_industry is None else self.where_industry[keep]
        return _Units(unit, where, self.value[keep], wi)


def _units(mask: np.ndarray, values: np.ndarray | None = None) -> _Units:
    pos = np.flatnonzero(mask)
    vals = np.ones(len(pos)) if values is None else values[pos].astype(float)
    return _Units(pos, pos, vals)


def _lm_share(flag: Callable[[_Ctx], np.ndarray]) -> Callable[[_Ctx], _Units]:
    return lambda c: _units(c.lm, flag(c).astype(float))


def _platform_of(c: _Ctx, kinds: Sequence[str] | None = None) -> np.ndarray:
    plat = c.A.mask("Platform") & c.alive
    if kinds is not None:
        plat &= c.kind_in("Platform", kinds)
    return c.has(("ESTABLISHED", "OPERATES"), plat)


def _team_of(c: _Ctx, kinds: Sequence[str]) -> np.ndarray:
    team = c.kind_in("MakerTeam", kinds) & c.alive
    return c.has(("HOSTS", "ESTABLISHED"), team)


def _breadth(c: _Ctx) -> np.ndarray:
    A = c.A
    ent, ri = A.mask("Enterprise"), A.mask("ResearchInstitute")
    fund = A.mask("Fund") & c.alive
    kinds = [
        c.has("SUPPLIES", ent, reverse=True),
        c.has("SUPPLIES", ent),
        c.has("COLLABORATES_WITH", ent) | c.has("COLLABORATES_WITH", ent, reverse=True),
        _platform_of(c),
        c.has("COLLABORATES_WITH", ri) | c.has("MEMBER_OF", A.mask("Alliance")),
        c.has("INVESTS_IN", fund, reverse=True) | c.has("ESTABLISHED", fund),
    ]
    return np.sum(kinds, axis=0).astype(float)


def _maker_chain(c: _Ctx) -> _Units:
    A = c.A
    market = _platform_of(c, ("maker_space", "incubator"))
    teams = A.mask("MakerTeam") & c.alive
    own_plat = A.mask("Platform") & c.alive
    hosted_by_platform = c.has("HOSTS", teams)
    factory = c.has("HOSTS", teams) | c.has("ESTABLISHED", own_plat & hosted_by_platform)
    bank = c.has("ESTABLISHED", c.kind_in("Fund", ("maker_fund", "maker_bank")) & c.alive)
    return _units(A.mask("Enterprise") & c.alive & market & factory & bank)


def _cluster_services(c: _Ctx) -> _Units:
    zones = c.kind_in("Zone", ("industrial_cluster",)) & c.alive
    service = c.kind_in("Platform", _SERVICE) & c.alive
    flag = c.has("OPERATES", service) | c.has("LOCATED_IN", service, reverse=True)
    return _units(zones, flag.astype(float))


def _iur_alliances(c: _Ctx) -> _Units:
    al = c.kind_in("Alliance", ("industry_university_research",)) & c.alive
    src, dst = c.edges("MEMBER_OF")
    ok = al[dst]
    alone = np.setdiff1d(np.flatnonzero(al), dst[ok])
    unit = np.concatenate([dst[ok], alone])
    return _Units(unit, np.concatenate([src[ok], alone]), np.ones(len(unit)))


def _teams_financed(c: _Ctx) -> _Units:
    teams = c.A.mask("MakerTeam") & c.alive
    funded = c.has("INVESTS_IN", c.A.mask("Fund") & c.alive, reverse=True)
    return _units(teams, funded.astype(float))


def _typical(c: _Ctx) -> _Units:
    mask = np.zeros(c.A.n, dtype=bool)
    if c.year is not None:
        mask[_case_history(c.A, c.year, 10, 2017, None)[c.year]] = True
    return _units(mask)


# --- the measures public lists give for every city -----------------------------------


def _tech_centres(c: _Ctx) -> np.ndarray:
    level = c.A.values("level", dtype="object", fill="")
    out = c.kind_in("Platform", ("enterprise_tech_center",)) & (level == "national") & c.alive
    if c.year is not None:  # a centre first on a later list (the 2019 additions) was not yet
        out &= ~(c.A.values("list_year") > c.year)
    return out


def _tech_firms(c: _Ctx) -> _Units:
    return _units(
        c.A.mask("Enterprise") & c.alive & c.has(("OPERATES", "ESTABLISHED"), _tech_centres(c))
    )


def _universities(c: _Ctx) -> np.ndarray:
    return c.kind_in("ResearchInstitute", ("university",)) & c.alive & c.located()


def _listed(c: _Ctx) -> np.ndarray:
    listed = c.A.values("listed", dtype="float64", fill=np.nan) == 1
    return c.A.mask("Enterprise") & c.alive & listed & c.located()


def _specialisation_edges(c: _Ctx) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """City -> industry edges with a quotient above 1 (or none given), each city's latest
    year not after the as-of year: (city, industry, quotient, year)."""
    A = c.A
    key = ("indicators", "specialisations", c.year)
    if key not in A.memo:
        A.memo[key] = _find_specialisations(A, c.year)
    return A.memo[key]


def _find_specialisations(
    A: GraphArrays, year: int | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    src, dst = A.edges("SPECIALISES_IN", year=year)
    q = A.edge_values("SPECIALISES_IN", "quotient", year=year)
    y = A.edge_values("SPECIALISES_IN", "year", year=year)
    code = A.values("code", dtype="object", fill="")
    industrial = np.array([str(x)[:1] in _INDUSTRIAL for x in code[dst]], dtype=bool)
    keep = (np.isnan(q) | (q > 1)) & A.mask("Region")[src] & (A.city()[src] >= 0) & industrial
    if year is not None:
        keep &= ~(y > year)
    src, dst, q, y = src[keep], dst[keep], q[keep], y[keep]
    if len(src):
        city = A.city()[src]
        latest = pd.Series(y).groupby(city).transform("max").to_numpy()
        ok = np.isnan(latest) | (y == latest)
        src, dst, q, y = src[ok], dst[ok], q[ok], y[ok]
    return A.city()[src], dst, q, y


def _specialisations(c: _Ctx) -> _Units:
    city, ind, _, _ = _specialisation_edges(c)
    return _Units(city * c.A.n + ind, city, np.ones(len(city)), ind)


def _quotient_cities(c: _Ctx) -> np.ndarray:
    """Mask of the cities with any location quotient in the data."""
    out = np.zeros(c.A.n, dtype=bool)
    src = c.A.edges("SPECIALISES_IN")[0]
    city = c.A.city()[src]
    out[city[city >= 0]] = True
    return out


# --- when an indicator can be measured -------------------------------------------------

Need = Callable[[_Ctx], "Words | None"]


def _sizes(c: _Ctx) -> Words | None:
    return None if c.has_sizes else _NO_SIZES


def _absent(what: Words, etypes: Sequence[str] = ()) -> Words:
    how = f" ({' / '.join(etypes)})" if etypes else ""
    how_zh = f"（{' / '.join(etypes)}）" if etypes else ""
    return (
        f"no {what[0]} in the data{how}: not measurable",
        f"数据中没有{what[1]}{how_zh}：无法测算",
    )


def _any(label: str, what: Words, kinds: Sequence[str] | None = None) -> Need:
    """Data of ``label`` (of ``kinds``) must be in the graph at all."""

    def need(c: _Ctx) -> Words | None:
        mask = c.A.mask(label) if kinds is None else c.kind_in(label, kinds)
        return None if mask.any() else _absent(what)

    return need


def _any_recognised(label: str, column: str, what: Words) -> Need:
    def need(c: _Ctx) -> Words | None:
        mask = c.A.mask(label) & ~np.isnan(c.A.values(column))
        if label == "Person":
            mask &= c.A.values("role", dtype="object", fill="") == "entrepreneur"
        if mask.any():
            return None
        return f"no {what[0]} data: not measurable", f"数据中没有{what[1]}的认定数据：无法测算"

    return need


def _linked(
    etypes: Sequence[str],
    src_label: str,
    dst_label: str,
    what: Words,
    kinds: Sequence[str] | None = None,
) -> Need:
    """A ``src_label`` must be linked to a ``dst_label`` (of ``kinds``) by one of
    ``etypes`` somewhere in the graph, in any year.

    Without a single such record a share of 0 would say that no firm has the link,
    when the data only does not record it.
    """

    def need(c: _Ctx) -> Words | None:
        A = c.A
        src_ok = A.mask(src_label)
        dst_ok = A.mask(dst_label) if kinds is None else c.kind_in(dst_label, kinds)
        for etype in etypes:
            src, dst = A.edges(etype)
            if (src_ok[src] & dst_ok[dst]).any():
                return None
        return _absent(what, etypes)

    return need


def _firm_links(outgoing: Sequence[str], incoming: Sequence[str], what: Words) -> Need:
    """The graph must record a link of a firm: one of ``outgoing`` from it or of
    ``incoming`` to it, in any year.  Without one, every firm would score 0 for want
    of records, not of partners."""

    def need(c: _Ctx) -> Words | None:
        ent = c.A.mask("Enterprise")
        for etypes, end in ((outgoing, 0), (incoming, 1)):
            for etype in etypes:
                if ent[c.A.edges(etype)[end]].any():
                    return None
        return _absent(what)

    return need


# Ecosystem breadth counts six kinds of partner (SUPPLIES either way counts).
_need_partner_links = _firm_links(
    ("SUPPLIES", "COLLABORATES_WITH", "ESTABLISHED", "OPERATES", "MEMBER_OF"),
    ("SUPPLIES", "COLLABORATES_WITH", "INVESTS_IN"),
    ("links between firms and their partners", "企业与其伙伴之间的关联"),
)
# The typical-case score adds up a firm's links (SCORE_WEIGHTS).
_need_scored_links = _firm_links(
    ("SUPPLIES", "COLLABORATES_WITH", "ESTABLISHED", "OPERATES", "MEMBER_OF", "HOSTS"),
    ("SUPPLIES", "INVESTS_IN", "LEADS"),
    ("links of firms that the typical-case score counts", "典型案例得分所计的企业关联"),
)


def _need_year(c: _Ctx) -> Words | None:
    if c.year is not None:
        return None
    return "needs a year (the cases are chosen year by year)", "需要指定年份（典型案例逐年遴选）"


def _need_candidates(c: _Ctx) -> Words | None:
    """The cases are chosen among L&M firms: with none, no count can fall short."""
    if c.lm.any():
        return None
    when = f" in {c.year}" if c.year is not None else ""
    when_zh = f"{c.year} 年" if c.year is not None else ""
    return (
        f"no {_LM}{when}: no candidates for typical cases",
        f"{when_zh}没有大中型工业企业：典型案例无候选企业",
    )


def _need_tech_centres(c: _Ctx) -> Words | None:
    A = c.A
    level = A.values("level", dtype="object", fill="")
    plat = c.kind_in("Platform", ("enterprise_tech_center",)) & (level == "national")
    if not plat.any():
        return (
            "no national enterprise technology centre data: not measurable",
            "数据中没有国家企业技术中心：无法测算",
        )
    years = A.values("list_year")[plat]
    if c.year is not None and (~np.isnan(years)).any() and c.year < np.nanmin(years):
        return (
            f"the national list in the data is of {_span(years)}: which centres were in force "
            f"in {c.year} is unknown",
            f"数据中的国家名单为 {_span(years)} 年：{c.year} 年有哪些中心不得而知",
        )
    return None


def _need_listed(c: _Ctx) -> Words | None:
    if _listed(c).any():
        return None
    return (
        "no listed firms placed in the province's regions: not measurable",
        "省内各地区没有可定位的上市公司：无法测算",
    )


def _need_specialisations(c: _Ctx) -> Words | None:
    if not len(c.A.edges("SPECIALISES_IN")[0]):
        return (
            "no location quotients (SPECIALISES_IN) in the data: not measurable",
            "数据中没有区位熵（SPECIALISES_IN）：无法测算",
        )
    years = c.A.edge_values("SPECIALISES_IN", "year")
    if c.year is not None and (~np.isnan(years)).any() and c.year < np.nanmin(years):
        return (
            f"location quotients in the data are for {_span(years)} only",
            f"数据中的区位熵仅有 {_span(years)} 年",
        )
    return None


def _span(years: np.ndarray) -> str:
    ys = years[~np.isnan(years)]
    lo, hi = int(ys.min()), int(ys.max())
    return str(lo) if lo == hi else f"{lo}–{hi}"


# --- what to say about a measurable indicator ------------------------------------------


def _info_tech(c: _Ctx) -> Words:
    years = c.A.values("list_year")[_tech_centres(c)]
    dated = bool((~np.isnan(years)).any())
    when = f"the NDRC list of {_span(years)}" if dated else "the NDRC list"
    when_zh = f"国家发展改革委 {_span(years)} 年名单" if dated else "国家发展改革委名单"
    return (
        f"national enterprise technology centres on {when} (the year of the list, not of "
        "recognition; as of a year, the lists up to it); branch centres (分中心) count",
        f"{when_zh}上的国家企业技术中心（名单年份而非认定年份；截至某年计该年及以前的名单）；"
        "分中心计入",
    )


def _info_host_firms(c: _Ctx) -> Words:
    return (
        "host enterprises of the centres, placed by the firm's own address",
        "技术中心的依托企业，按企业自身地址定位",
    )


def _info_listed(c: _Ctx) -> Words:
    text = (
        "listed firms placed in the province's regions (chain partners elsewhere are not "
        "counted); a city's row counts those placed in a city"
    )
    text_zh = "可定位到省内各地区的上市公司（省外的产业链伙伴不计）；城市一行计定位到该市的公司"
    if c.year is not None and np.isnan(c.A.values("since")[_listed(c)]).all():
        text += f"; listing dates are not in the graph, so firms listed after {c.year} count too"
        text_zh += f"；图中没有上市日期，{c.year} 年以后上市的公司也计入"
    return text, text_zh


def _info_universities(c: _Ctx) -> Words:
    text = "universities and colleges (本科 and 专科) placed in the province's regions"
    text_zh = "可定位到省内各地区的高等学校（本科和专科）"
    if c.year is not None and np.isnan(c.A.values("since")[_universities(c)]).all():
        text += "; founding years are not in the graph: the list as it stands"
        text_zh += "；图中没有建校年份：按现有名单计"
    return text, text_zh


def _info_specialisations(c: _Ctx) -> Words:
    _, _, _, y = _specialisation_edges(c)
    dated = len(y) and (~np.isnan(y)).any()
    when = f"of {_span(y)} " if dated else ""
    when_zh = f" {_span(y)} 年" if dated else ""
    return (
        f"location quotients {when}as published (method not documented by the source): a "
        "city–division pair of sections B-D (工业) counts when its quotient is above 1; "
        "a city's row counts its divisions, an industry's row its cities",
        f"区位熵{when_zh}按来源公布值（来源未说明计算方法）：B-D 门类（工业）中区位熵大于 1 的"
        "城市—行业大类计入；城市一行计其行业大类数，行业一行计其城市数",
    )


# --- row details -----------------------------------------------------------------------

Detail = Callable[[_Ctx, _Units, np.ndarray, int], list[Words]]


def _detail_unplaced(c: _Ctx, units: _Units, g: np.ndarray, k: int) -> list[Words]:
    """Province rows: how many units have no city."""
    if c.by not in ("province", "year"):
        return [("", "")] * k
    out = []
    city = c.A.city()
    for i in range(k):
        where = units.where[g == i]
        lost = int((city[where] < 0).sum())
        if lost:
            out.append(
                (
                    f"{lost} of {len(where)} not placed in a city",
                    f"{len(where)} 个中有 {lost} 个未定位到城市",
                )
            )
        else:
            out.append(("", ""))
    return out


def _detail_tech(c: _Ctx, units: _Units, g: np.ndarray, k: int) -> list[Words]:
    branch = c.A.values("branch", dtype="float64", fill=np.nan) == 1
    unplaced = _detail_unplaced(c, units, g, k)
    out = []
    for i in range(k):
        n = int(branch[units.unit[g == i]].sum())
        parts = [f"incl. {n} branch centre{'s' if n > 1 else ''}" if n else "", unplaced[i][0]]
        parts_zh = [f"含分中心 {n} 个" if n else "", unplaced[i][1]]
        out.append((_join(*parts), _join_zh(*parts_zh)))
    return out


def _detail_universities(c: _Ctx, units: _Units, g: np.ndarray, k: int) -> list[Words]:
    level = c.A.values("level", dtype="object", fill="")
    out = []
    for i in range(k):
        counts = pd.Series(level[units.unit[g == i]]).replace("", "other").value_counts()
        items = sorted(counts.items())
        out.append(
            (
                ", ".join(f"{lv} {n}" for lv, n in items),
                "、".join(f"{'其他' if lv == 'other' else lv} {n} 所" for lv, n in items),
            )
        )
    return out


def _detail_specialisations(c: _Ctx, units: _Units, g: np.ndarray, k: int) -> list[Words]:
    A = c.A
    city, ind, q, _ = _specialisation_edges(c)
    pairs = pd.DataFrame({"unit": city * A.n + ind, "city": city, "ind": ind, "q": q})
    pairs = pairs.drop_duplicates("unit").set_index("unit")
    code = A.values("code", dtype="object", fill="")
    names = A.names
    out: list[Words] = []
    for i in range(k):
        p = pairs.loc[np.intersect1d(units.unit[g == i], pairs.index)]
        if p.empty:
            out.append(("", ""))
        elif c.by in ("city", "industry"):
            top = p.sort_values("q", ascending=False).head(3)
            if c.by == "city":
                items = [f"{code[r.ind]} {names[r.ind]} {r.q:.2f}" for r in top.itertuples()]
            else:
                items = [f"{names[r.city]} {r.q:.2f}" for r in top.itertuples()]
            out.append(("top: " + ", ".join(items), "区位熵最高：" + "、".join(items)))
        else:
            top = p.groupby("ind").size().sort_values(ascending=False, kind="stable").head(3)
            out.append(
                (
                    "most widespread: "
                    + ", ".join(f"{code[j]} {names[j]} ({n} cities)" for j, n in top.items()),
                    "分布最广："
                    + "、".join(f"{code[j]} {names[j]}（{n} 个城市）" for j, n in top.items()),
                )
            )
    return out


@dataclass(frozen=True)
class Indicator:
    """One indicator: its key, the measure it belongs to, what it counts, how, and what
    it needs from the graph.

    ``measure`` is the key of the measure's headline indicator (None: context the policy
    sets no measure for); ``article`` is the article it serves when the graph has no
    measure to say so.  ``needs`` return why the graph cannot measure it (None: it can);
    ``base`` names what a share or mean is taken over; ``info`` says what to bear in
    mind when it is measured; ``detail`` describes each group's row; ``by_industry`` is
    false for what has no industry (universities).
    """

    key: str
    measure: str | None
    unit: str  # share | count | mean
    zh: str
    en: str
    compute: Callable[[_Ctx], _Units]
    needs: tuple[Need, ...] = ()
    article: int | None = None
    base: str = _LM
    info: Callable[[_Ctx], Words] | None = None
    detail: Detail | None = field(default=None, compare=False)
    by_industry: bool = True


_PLATFORMS = _any("Platform", ("platforms", "平台"))
_TEAMS = _any("MakerTeam", ("maker teams", "创客团队"))
_FUNDS = _any("Fund", ("funds", "基金"))
_ALLIANCES = _any("Alliance", ("alliances", "联盟"))
_RUNS = ("ESTABLISHED", "OPERATES")  # a firm's platform: set up or operated by it
_HAS_TEAM = ("HOSTS", "ESTABLISHED")  # a firm's maker team: hosted or set up by it
_FIRM_PLATFORMS = _linked(
    _RUNS, "Enterprise", "Platform", ("firm–platform links", "企业与平台的关联")
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "platform_coverage",
        "platform_coverage",
        "share",
        "拥有“双创”平台的大中型工业企业占比",
        "share of L&M firms that set up or operate a 双创 platform",
        _lm_share(_platform_of),
        (_sizes, _PLATFORMS, _FIRM_PLATFORMS),
        3,
    ),
    Indicator(
        "demonstration_platforms",
        "demonstration_platforms",
        "count",
        "“双创”示范平台数",
        "platforms recognised as demonstration platforms",
        lambda c: _units(c.A.mask("Platform") & c.recognised("demonstration")),
        (_any_recognised("Platform", "demonstration", ("demonstration platform", "示范平台")),),
        3,
    ),
    Indicator(
        "demonstration_teams",
        "demonstration_teams",
        "count",
        "创客示范团队数",
        "maker teams recognised as demonstration teams",
        lambda c: _units(c.A.mask("MakerTeam") & c.recognised("demonstration")),
        (
            _any_recognised(
                "MakerTeam", "demonstration", ("demonstration maker team", "创客示范团队")
            ),
        ),
        3,
    ),
    Indicator(
        "entrepreneurs",
        "entrepreneurs",
        "count",
        "遴选认定的创新型企业家人数",
        "innovative entrepreneurs recognised",
        lambda c: _units(
            c.A.mask("Person")
            & c.recognised("recognised")
            & (c.A.values("role", dtype="object", fill="") == "entrepreneur")
        ),
        (_any_recognised("Person", "recognised", ("recognised entrepreneur", "创新型企业家")),),
        12,
    ),
    Indicator(
        "ecosystem_breadth",
        "ecosystem_breadth",
        "mean",
        "大中型工业企业“双创”生态圈广度（六类伙伴中具备的类数）",
        "kinds of partner around each L&M firm (of six: suppliers, purchasers, partner "
        "firms, platforms, service providers, finance)",
        lambda c: _units(c.lm, _breadth(c)),
        (_sizes, _need_partner_links),
        4,
    ),
    Indicator(
        "rnd_platforms",
        "rnd_platforms",
        "share",
        "拥有自建、合建或第三方研发平台的大中型工业企业占比",
        "share of L&M firms with a self-built (incl. an enterprise technology centre), "
        "co-built or third-party R&D platform",
        _lm_share(lambda c: _platform_of(c, _RND)),
        (
            _sizes,
            _any("Platform", ("R&D platforms", "研发平台"), _RND),
            _linked(
                _RUNS,
                "Enterprise",
                "Platform",
                ("firm–R&D platform links", "企业与研发平台的关联"),
                _RND,
            ),
        ),
        6,
    ),
    Indicator(
        "co_built_rnd",
        "rnd_platforms",
        "share",
        "与高校、科研院所合建创新平台的大中型工业企业占比",
        "share of L&M firms with an R&D platform built with universities or institutes",
        _lm_share(lambda c: _platform_of(c, ("co_built_rnd",))),
        (
            _sizes,
            _any("Platform", ("co-built R&D platforms", "合建研发平台"), ("co_built_rnd",)),
            _linked(
                _RUNS,
                "Enterprise",
                "Platform",
                ("firm–co-built platform links", "企业与合建平台的关联"),
                ("co_built_rnd",),
            ),
        ),
        6,
    ),
    Indicator(
        "alliance_membership",
        "rnd_platforms",
        "share",
        "加入产业联盟、技术创新联盟的大中型工业企业占比",
        "share of L&M firms that belong to an alliance",
        _lm_share(lambda c: c.has("MEMBER_OF", c.A.mask("Alliance") & c.alive)),
        (
            _sizes,
            _ALLIANCES,
            _linked(
                ("MEMBER_OF",),
                "Enterprise",
                "Alliance",
                ("alliance memberships of firms", "企业加入联盟的记录"),
            ),
        ),
        6,
    ),
    Indicator(
        "national_tech_centres",
        "rnd_platforms",
        "count",
        "国家企业技术中心数（国家认定）",
        "national enterprise technology centres (recognised by the NDRC)",
        lambda c: _units(_tech_centres(c) & c.located()),
        (_need_tech_centres,),
        6,
        base="",
        info=_info_tech,
        detail=_detail_tech,
    ),
    Indicator(
        "tech_centre_firms",
        "rnd_platforms",
        "count",
        "拥有国家企业技术中心的企业数",
        "enterprises that run a national enterprise technology centre",
        _tech_firms,
        (_need_tech_centres,),
        6,
        base="",
        info=_info_host_firms,
        detail=_detail_unplaced,
    ),
    Indicator(
        "universities",
        "rnd_platforms",
        "count",
        "高等学校数（可合作的高校）",
        "universities and colleges (research partners at hand, articles 6 and 13)",
        lambda c: _units(_universities(c)),
        (_any("ResearchInstitute", ("universities", "高等学校"), ("university",)),),
        6,
        base="",
        info=_info_universities,
        detail=_detail_universities,
        by_industry=False,
    ),
    Indicator(
        "technology_teams",
        "technology_teams",
        "share",
        "组建技术创客团队的大中型工业企业占比",
        "share of L&M firms with a technology maker team",
        _lm_share(lambda c: _team_of(c, ("technology",))),
        (
            _sizes,
            _TEAMS,
            _linked(
                _HAS_TEAM,
                "Enterprise",
                "MakerTeam",
                ("firm–technology team links", "企业与技术创客团队的关联"),
                ("technology",),
            ),
        ),
        7,
    ),
    Indicator(
        "employee_platforms",
        "employee_platforms",
        "share",
        "建有职工创客工作室、首席员工创新工作站或劳模工作站的大中型工业企业占比",
        "share of L&M firms with an employee maker studio or model-worker station",
        _lm_share(lambda c: _team_of(c, _EMPLOYEE)),
        (
            _sizes,
            _any(
                "MakerTeam",
                ("employee maker studios or stations", "职工创客工作室或工作站"),
                _EMPLOYEE,
            ),
            _linked(
                _HAS_TEAM,
                "Enterprise",
                "MakerTeam",
                ("firm–employee studio links", "企业与职工创客工作室的关联"),
                _EMPLOYEE,
            ),
        ),
        8,
    ),
    Indicator(
        "craftsman_studios",
        "craftsman_studios",
        "share",
        "建有“大工匠”工作室的大中型工业企业占比",
        "share of L&M firms with a master craftsman's studio",
        _lm_share(lambda c: _team_of(c, ("master_craftsman_studio",))),
        (
            _sizes,
            _any("MakerTeam", ("大工匠 studios", "“大工匠”工作室"), ("master_craftsman_studio",)),
            _linked(
                _HAS_TEAM,
                "Enterprise",
                "MakerTeam",
                ("firm–大工匠 studio links", "企业与“大工匠”工作室的关联"),
                ("master_craftsman_studio",),
            ),
        ),
        9,
    ),
    Indicator(
        "open_platforms",
        "open_platforms",
        "share",
        "搭建开放式“双创”平台（设计＋用户、营销＋社交、制造＋电商）的大中型工业企业占比",
        "share of L&M firms with an open innovation or e-commerce platform",
        _lm_share(lambda c: _platform_of(c, _OPEN)),
        (
            _sizes,
            _any(
                "Platform",
                ("open-innovation or e-commerce platforms", "开放式创新或电商平台"),
                _OPEN,
            ),
            _linked(
                _RUNS,
                "Enterprise",
                "Platform",
                ("firm–open platform links", "企业与开放式平台的关联"),
                _OPEN,
            ),
        ),
        10,
    ),
    Indicator(
        "social_teams",
        "social_teams",
        "count",
        "社会创客团队数",
        "social maker teams",
        lambda c: _units(c.kind_in("MakerTeam", ("social",)) & c.alive),
        (_TEAMS,),
        11,
    ),
    Indicator(
        "maker_chain",
        "social_teams",
        "count",
        "构建“创客市场-创客实验室-创客微工厂-创客银行”生态链的企业数",
        "firms with the whole maker chain: a maker space or incubator, hosted maker "
        "teams and a maker fund or bank they set up",
        _maker_chain,
        (_PLATFORMS, _TEAMS, _FUNDS),
        11,
    ),
    Indicator(
        "cluster_services",
        "cluster_services",
        "share",
        "建有“双创”基地或公共技术服务平台的产业集聚区占比",
        "share of industrial clusters (zones) with a 双创 base or public technology "
        "service platform",
        _cluster_services,
        (
            _any(
                "Zone", ("industrial clusters (产业集聚区)", "产业集聚区"), ("industrial_cluster",)
            ),
            _any(
                "Platform",
                (
                    "双创 bases or public technology service platforms",
                    "“双创”基地或公共技术服务平台",
                ),
                _SERVICE,
            ),
        ),
        13,
        base="industrial clusters",
    ),
    Indicator(
        "iur_alliances",
        "cluster_services",
        "count",
        "产学研用联盟数",
        "industry-university-research (产学研用) alliances",
        _iur_alliances,
        (_ALLIANCES,),
        13,
    ),
    Indicator(
        "investment_platforms",
        "maker_finance",
        "count",
        "企业设立的“双创”投资平台（基金）数",
        "funds set up by enterprises",
        lambda c: _units(
            c.A.mask("Fund") & c.alive & c.has("ESTABLISHED", c.A.mask("Enterprise"), reverse=True)
        ),
        (_FUNDS,),
        14,
    ),
    Indicator(
        "maker_funds",
        "maker_finance",
        "count",
        "创客资金、创客银行数",
        "maker funds and maker banks",
        lambda c: _units(c.kind_in("Fund", ("maker_fund", "maker_bank")) & c.alive),
        (_FUNDS,),
        14,
    ),
    Indicator(
        "teams_financed",
        "maker_finance",
        "share",
        "获得投资的创客团队占比",
        "share of maker teams with an investor",
        _teams_financed,
        (
            _TEAMS,
            _FUNDS,
            _linked(
                ("INVESTS_IN",),
                "Fund",
                "MakerTeam",
                ("investments in maker teams", "对创客团队的投资记录"),
            ),
        ),
        14,
        base="maker teams",
    ),
    Indicator(
        "typical_cases",
        "typical_cases",
        "count",
        "当年可推出的典型案例数（按生态得分遴选）",
        "typical cases the year can put forward (by ecosystem score; needs a year)",
        _typical,
        (_sizes, _need_year, _need_candidates, _need_scored_links),
        17,
    ),
    Indicator(
        "listed_firms",
        None,
        "count",
        "上市公司数（省内）",
        "listed companies placed in the province",
        lambda c: _units(_listed(c)),
        (_need_listed,),
        None,
        base="",
        info=_info_listed,
        detail=_detail_unplaced,
    ),
    Indicator(
        "specialisations",
        None,
        "count",
        "工业专业化行业数（区位熵＞1的采矿业、制造业、电力燃气水行业大类）",
        "industrial specialisations: GB/T 4754 divisions of mining, manufacturing and "
        "utilities (sections B-D) with a location quotient above 1",
        _specialisations,
        (_need_specialisations,),
        None,
        base="",
        info=_info_specialisations,
        detail=_detail_specialisations,
    ),
)

_BY_KEY = {ind.key: ind for ind in INDICATORS}


def policy_measures(G: EcosystemGraph) -> pd.DataFrame:
    """The policy's measures with their targets, from the graph's PolicyMeasure nodes.

    A graph with no PolicyMeasure node (with an ``indicator`` key) has none: every
    build adds the seed policy's measures, so only a hand-made graph lacks them.

    Returns
    -------
    pandas.DataFrame
        One row per indicator key, by article:

        - ``measure`` (str): the PolicyMeasure id.
        - ``article`` (Int64): the article of the seed policy.
        - ``title`` (str), ``title_en`` (str): the measure's title, Chinese and English.
        - ``indicator`` (str): the indicator key.
        - ``target`` (float): the target value (NaN where the seed sets none).
        - ``target_unit`` (str): ``share``, ``count`` or ``per_year``.
        - ``deadline`` (Int64): the year the target is due (NA where none).
        - ``target_source`` (str): ``graph``.

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> measure = {"id": "m3", "name": "平台", "article": 3, "indicator": "platform_coverage",
    ...            "target": 0.8, "target_unit": "share", "deadline": 2018}
    >>> G = make_graph({"PolicyMeasure": [measure]})
    >>> row = policy_measures(G).set_index("indicator").loc["platform_coverage"]
    >>> int(row["article"]), float(row["target"]), int(row["deadline"]), row["target_source"]
    (3, 0.8, 2018, 'graph')
    >>> len(policy_measures(make_graph({})))
    0
    """
    df = G.nodes["PolicyMeasure"]
    df, source = df[df["indicator"].notna()], "graph"

    def col(name: str) -> pd.Series:
        return df[name] if name in df.columns else pd.Series([None] * len(df), index=df.index)

    out = pd.DataFrame(
        {
            "measure": col("id").astype("string"),
            "article": pd.to_numeric(col("article")).astype("Int64"),
            "title": col("name").astype("string"),
            "title_en": col("name_en").astype("string"),
            "indicator": col("indicator").astype("string"),
            "target": pd.to_numeric(col("target")).astype("float64"),
            "target_unit": col("target_unit").astype("string"),
            "deadline": pd.to_numeric(col("deadline")).astype("Int64"),
            "target_source": source,
        }
    ).drop_duplicates("indicator", keep="first")
    return out.sort_values(["article", "measure"], ignore_index=True)


def latest_year(G: EcosystemGraph) -> int | None:
    """The latest year the nodes of ``G`` record (``since``, ``demonstration``,
    ``recognised``, a list's ``list_year``); the edges' years when no node records one;
    None when nothing does.

    Node years come first because edge years can be planned dates (a collaboration
    agreed to start later).
    """
    for tables in (G.nodes, G.edges):
        years = [
            int(df[col].max())
            for df in tables.values()
            for col in ("since", "demonstration", "recognised", "list_year", "year")
            if col in df.columns and df[col].notna().any()
        ]
        if years:
            return max(years)
    return None


def _industry_place(A: GraphArrays) -> np.ndarray:
    """Each node's industry for the industry breakdown (-1: none): its GB/T 4754 class
    when the graph has firms in one (the most confident; the first on ties), else its
    first-listed industry; an Industry node is its own; platforms, teams and people
    take their organisation's."""
    key = ("indicators", "industry")
    if key in A.memo:
        return A.memo[key]
    src, dst = A.edges("IN_INDUSTRY")
    scheme = pd.Series(A.values("scheme", dtype="object", fill="")).astype(str)
    gbt = scheme.str.startswith("GB/T 4754").to_numpy()
    ok = gbt[dst] if len(dst) else np.zeros(0, bool)
    if not ok.any():
        out = A.industry().copy()
    else:
        out = np.full(A.n, -1, dtype=np.int64)
        conf = np.nan_to_num(A.edge_values("IN_INDUSTRY", "confidence"), nan=1.0)[ok]
        s, d = src[ok], dst[ok]
        order = np.lexsort((-conf, s))
        s, d = s[order], d[order]
        first = np.unique(s, return_index=True)[1]
        out[s[first]] = d[first]
        for _ in range(2):  # a team hosted by a platform set up by an enterprise
            for etype, node_is_target in (
                ("HOSTS", True),
                ("ESTABLISHED", True),
                ("OPERATES", True),
                ("LEADS", False),
            ):
                a, b = A.edges(etype)
                child, parent = (b, a) if node_is_target else (a, b)
                more = (out[child] < 0) & (out[parent] >= 0)
                if more.any():
                    keys, idx = np.unique(child[more], return_index=True)
                    out[keys] = out[parent[more]][idx]
    span = A.span("Industry")
    out[span] = span
    A.memo[key] = out
    return out


def _groups(c: _Ctx, by: By) -> tuple[Callable[[_Units], np.ndarray], np.ndarray, pd.DataFrame]:
    """How units fall into groups (-1: none), the group of every position (for L&M
    firms), and the group table."""
    A = c.A
    names = A.names
    level = A.values("level", dtype="object", fill="")
    if by in ("province", "year"):
        prov = np.flatnonzero(A.mask("Region") & (level == "province"))
        gid, gname = (
            (str(A.ids[prov[0]]), str(names[prov[0]])) if len(prov) == 1 else ("all", "全部")
        )
        zeros = np.zeros(A.n, dtype=np.int64)
        return (
            lambda u: np.zeros(len(u.unit), dtype=np.int64),
            zeros,
            pd.DataFrame({"group": [gid], "group_name": [gname]}),
        )
    if by == "city":
        place = A.city()
        members = np.flatnonzero(A.mask("Region") & (level == "city"))
    else:
        place = _industry_place(A)
        firms = A.mask("Enterprise") & c.located()
        if not firms.any():
            firms = A.mask("Enterprise")
        members = np.unique(place[firms])
        spec = _specialisation_edges(c)[1]
        members = np.union1d(members, place[spec]) if len(spec) else members
        members = members[members >= 0]
    lut = np.full(A.n + 1, -1, dtype=np.int64)
    lut[members] = np.arange(len(members))
    table = pd.DataFrame({"group": A.ids[members].astype(str), "group_name": names[members]})
    of_pos = lut[place]
    if by == "city":
        return lambda u: of_pos[u.where], of_pos, table
    return lambda u: of_pos[u.industry_where], of_pos, table


def _whole(quotas: np.ndarray) -> np.ndarray:
    """Whole numbers with the quotas' rounded sum, by largest remainder (ties: first)."""
    base = np.floor(quotas + 1e-9)
    rest = int(np.floor(float(quotas.sum()) + 0.5 + 1e-9)) - int(base.sum())
    if rest > 0:
        order = np.argsort(-(quotas - base), kind="stable")
        base[order[:rest]] += 1
    return base


def _fmt_target(target: float, unit: str, deadline: object) -> Words:
    text = f"{target:.0%}" if unit == "share" else f"{target:g}"
    text_zh = f"每年 {text}" if unit == "per_year" else text
    if unit == "per_year":
        text += " a year"
    if deadline is not None and not pd.isna(deadline):
        text += f" by {int(deadline)}"  # type: ignore[call-overload]
        text_zh = f"{int(deadline)} 年前达到 {text_zh}"  # type: ignore[call-overload]
    return text, text_zh


@dataclass
class _Table:
    """One table being filled: its groups and what every indicator's rows share."""

    c: _Ctx
    by: By
    filtered: bool
    group_of: Callable[[_Units], np.ndarray]
    lm_group: np.ndarray
    groups: pd.DataFrame
    lm_count: np.ndarray
    lm_total: float

    @property
    def k(self) -> int:
        return len(self.groups)

    @property
    def where(self) -> Words:
        """The groups, in words ("" for the province and years)."""
        return {"city": ("cities", "各城市"), "industry": ("industries", "各行业")}.get(
            self.by, ("", "")
        )


def _table(
    A: GraphArrays,
    year: int | None,
    by: By,
    city_mask: np.ndarray,
    industry_mask: np.ndarray,
    filtered: bool,
) -> _Table:
    c = _Ctx(A, year, by)
    group_of, lm_group, groups = _groups(c, by)
    lm = np.flatnonzero(c.lm & city_mask & industry_mask)
    lm_g = lm_group[lm]
    lm_count = np.bincount(lm_g[lm_g >= 0], minlength=len(groups)).astype(float)
    return _Table(c, by, filtered, group_of, lm_group, groups, lm_count, float(c.lm.sum()))


def _evaluate(
    A: GraphArrays,
    year: int | None,
    by: By,
    chosen: Sequence[Indicator],
    measures: pd.DataFrame,
    city_mask: np.ndarray,
    industry_mask: np.ndarray,
    filtered: bool,
) -> pd.DataFrame:
    t = _table(A, year, by, city_mask, industry_mask, filtered)
    m = measures.set_index("indicator").to_dict("index")
    frames: list[dict[str, np.ndarray]] = []
    for ind in chosen:
        mrow = m.get(ind.measure) if ind.measure is not None else None
        headline = mrow is not None and ind.key == ind.measure
        target = float(mrow["target"]) if mrow is not None and headline else np.nan
        unit_t = (
            str(mrow["target_unit"])
            if mrow is not None and headline and not pd.isna(mrow["target_unit"])
            else ""
        )
        reason = next((r for need in ind.needs if (r := need(t.c)) is not None), None)
        if reason is None and by == "industry" and not ind.by_industry:
            reason = (
                "not by industry: universities have no industry in the data",
                "不按行业细分：数据中的高校没有行业",
            )
        if reason is None:
            frames.append(_measured(t, ind, target, city_mask, industry_mask))
            continue
        if mrow is not None and not np.isnan(target):
            shown = _fmt_target(target, unit_t, mrow["deadline"])
            reason = (
                reason[0] + f" (the policy's target: {shown[0]})",
                reason[1] + f"（政策目标：{shown[1]}）",
            )
        frames.append(
            _rows(
                t.k,
                indicator=ind.key,
                value=np.nan,
                numerator=np.nan,
                denominator=np.nan,
                target=np.nan,
                target_basis="",
                measurable=False,
                note=reason[0],
                note_zh=reason[1],
                detail="",
                detail_zh="",
            )
        )
    # One frame at the end: a frame per indicator costs more than the counting itself.
    columns = {
        "group": np.tile(t.groups["group"].to_numpy(object), len(frames)),
        "group_name": np.tile(t.groups["group_name"].to_numpy(object), len(frames)),
    }
    for name in frames[0] if frames else ():
        columns[name] = np.concatenate([f[name] for f in frames])
    out = pd.DataFrame(columns)
    out["year"] = year
    return out


def _measured(
    t: _Table,
    ind: Indicator,
    target: float,
    city_mask: np.ndarray,
    industry_mask: np.ndarray,
) -> dict[str, np.ndarray]:
    """The rows of a measurable indicator: value, numerator, target, notes, details."""
    c, k, by = t.c, t.k, t.by
    units = ind.compute(c)
    units = units.select(city_mask[units.where] & industry_mask[units.industry_where])
    g = t.group_of(units)
    ok = g >= 0
    lost = len(np.unique(units.unit[~ok]))
    lost_note: Words = ("", "")
    if lost and t.where[0]:
        total = len(np.unique(units.unit))
        place = ("city", "城市") if by == "city" else ("industry", "行业")
        lost_note = (
            f"{lost} of {total} have no {place[0]} in the data and are in no row",
            f"{total} 个中有 {lost} 个在数据中没有{place[1]}，不在任何一行",
        )
    units, g = units.select(ok), g[ok]
    g_d, v_d = g, units.value
    if units.unit is not units.where:  # (unit, place) pairs: count a unit once a group
        span = int(units.unit.max()) + 1 if len(units.unit) else 1
        _, first = np.unique(g * span + units.unit, return_index=True)
        g_d, v_d = g[first], v_d[first]
    numerator = np.bincount(g_d, v_d, minlength=k).astype(float)
    size = np.bincount(g_d, minlength=k).astype(float)
    if ind.unit == "count":
        value, denominator = numerator, np.full(k, np.nan)
    else:
        denominator = size
        value = np.where(size > 0, numerator / np.where(size > 0, size, 1), np.nan)
    measurable = ~np.isnan(value)
    info = ind.info(c) if ind.info is not None else ("", "")
    notes = np.array([info[0]] * k, dtype=object)
    notes_zh = np.array([info[1]] * k, dtype=object)
    what = ("share", "占比") if ind.unit == "share" else ("mean", "均值")
    notes[~measurable] = f"no {ind.base} here: the {what[0]} is undefined"
    notes_zh[~measurable] = f"此处没有{_BASE_ZH.get(ind.base, ind.base)}：{what[1]}无从计算"
    if ind.key == "specialisations" and by == "city":  # a city the source lacks
        gi = t.lm_group[np.flatnonzero(_quotient_cities(c))]
        lacking = np.ones(k, dtype=bool)
        lacking[gi[gi >= 0]] = False
        value[lacking], measurable[lacking] = np.nan, False
        notes[lacking] = "no location quotients for this city in the data"
        notes_zh[lacking] = "数据中没有该市的区位熵"
    numerator[~measurable] = np.nan
    target_col, basis, extra = _allocated(t, ind, target)
    if basis == "pro_rata":
        none = measurable & (t.lm_count == 0)
        none_note = "no large or medium industrial firms here: no share of the target"
        notes[none] = [_join(n, none_note) for n in notes[none]]
        notes_zh[none] = [_join_zh(n, "此处没有大中型工业企业：不分配目标") for n in notes_zh[none]]
    if extra[0] or lost_note[0]:
        notes[measurable] = [_join(n, lost_note[0], extra[0]) for n in notes[measurable]]
        notes_zh[measurable] = [_join_zh(n, lost_note[1], extra[1]) for n in notes_zh[measurable]]
    target_col = np.where(measurable, target_col, np.nan)
    details = ind.detail(c, units, g, k) if ind.detail is not None else [("", "")] * k
    return _rows(
        k,
        indicator=ind.key,
        value=value,
        numerator=numerator,
        denominator=denominator,
        target=target_col,
        target_basis=np.where(np.isnan(target_col), "", basis),
        measurable=measurable,
        note=notes,
        note_zh=notes_zh,
        detail=[d[0] for d in details],
        detail_zh=[d[1] for d in details],
    )


def _allocated(t: _Table, ind: Indicator, target: float) -> tuple[np.ndarray, str, Words]:
    """Each group's target, its basis and a note on how it was set.

    A count target is the province's: a city's or industry's (or a filtered
    selection's) share of it is allocated pro rata to its L&M firms."""
    k, where = t.k, t.where
    if np.isnan(target):
        return np.full(k, target), "", ("", "")
    if ind.unit != "count" or not (t.by in ("city", "industry") or t.filtered):
        return np.full(k, target), "seed", ("", "")
    if ind.key == "typical_cases":  # a province-wide list, not apportioned
        return (
            np.full(k, np.nan),
            "",
            (
                f"the province's list of {target:g} a year is not allocated"
                + (f" to {where[0]}" if where[0] else ""),
                f"全省每年 {target:g} 个的名单不分配" + (f"到{where[1]}" if where[1] else ""),
            ),
        )
    if t.lm_total == 0:
        return (
            np.full(k, np.nan),
            "",
            (
                f"the province's target of {target:g} cannot be allocated: no large or "
                "medium industrial firms are known",
                f"全省目标 {target:g} 无法分配：没有已知的大中型工业企业",
            ),
        )
    target_col = _whole(target * t.lm_count / t.lm_total)
    note = (
        f"target: the province's {target:g} allocated "
        + (f"to {where[0]} " if where[0] else "to this selection ")
        + "in proportion to their large and medium industrial firms, in whole "
        "numbers (largest remainder)",
        f"目标：全省 {target:g} 按大中型工业企业数量比例分配到"
        + (where[1] or "本范围")
        + "，取整数（最大余数法）",
    )
    return np.where(target_col > 0, target_col, np.nan), "pro_rata", note


def _rows(k: int, **columns: object) -> dict[str, np.ndarray]:
    """``k`` rows of ``columns``, a single value repeated or one value per row."""
    out = {}
    for name, value in columns.items():
        if isinstance(value, np.ndarray | list):
            text = name in ("note", "note_zh", "detail", "detail_zh")
            out[name] = np.asarray(value, dtype=object if text else None)
        else:
            out[name] = np.full(k, value, dtype=object if isinstance(value, str) else None)
    return out


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _join_zh(*parts: str) -> str:
    return "；".join(p for p in parts if p)


def policy_indicators(
    G: EcosystemGraph,
    *,
    by: By = "province",
    year: int | None = None,
    start: int = 2016,
    city: str | None = None,
    industry: str | None = None,
    indicators: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every indicator of the seed policy, with its target, gap and status — where the
    graph can measure it.

    Parameters
    ----------
    G : EcosystemGraph
    by : {"province", "city", "industry", "year"}
        One row per indicator for the whole graph, or per indicator and city /
        industry / year.
    year : int, optional
        As of this year (only what existed then counts).  With ``by="year"``, the last
        year of the series (default: the latest year in the graph).  None counts
        everything in the graph (``innokg indicators`` gives :func:`latest_year`).
    start : int
        First year of a ``by="year"`` series (the policy dates from December 2016).
    city, industry : str, optional
        Count only units in this city / industry.  With ``by="city"`` (or the default
        ``"province"``) ``city`` gives that city's rows, exactly as in the table of
        every city; with ``by="industry"``, ``industry`` keeps that industry's rows.
    indicators : sequence of str, optional
        Indicator keys (see :data:`INDICATORS`); default all.

    Returns
    -------
    pandas.DataFrame
        One row per indicator and group, by article (context with no article last):

        - ``by`` (str): the breakdown; ``group`` (str): the region id, industry id or
          year; ``group_name`` (str).
        - ``year`` (Int64): the as-of year (NA: everything in the graph).
        - ``article`` (Int64): the article of the seed policy the indicator serves (NA:
          context the policy sets no measure for).
        - ``measure`` (str): its PolicyMeasure id; ``title`` (str), ``title_en`` (str):
          the measure's title as in the seed and in English.
        - ``indicator`` (str): the indicator key; ``indicator_zh`` (str),
          ``indicator_en`` (str): what it counts.
        - ``measurable`` (boolean): whether the graph holds what the row needs.  When
          false, ``value``, ``numerator``, ``denominator``, ``target``, ``gap`` and
          ``met`` are NA and ``note`` says why.
        - ``value`` (float): a share 0-1, a count or a mean, as ``unit`` says.
        - ``unit`` (str): ``share``, ``count`` or ``mean``.
        - ``numerator`` (float): the count behind the value (units that qualify, or the
          sum for a mean); ``denominator`` (float): the units it is a share of (NA for
          counts).
        - ``target`` (float): the target (NA where the policy sets none, or the row is
          not measurable); a count target of a city or industry is a whole number.
        - ``target_basis`` (str): ``seed``, ``pro_rata`` (a province-wide count
          allocated by the group's share of L&M firms, by largest remainder) or empty.
        - ``deadline`` (Int64): the year the target is due.
        - ``gap`` (float): how far the value is below the target (0 when met; NA
          without a target).
        - ``met`` (boolean): value at or above target (NA without a target).
        - ``note`` (str), ``note_zh`` (str): one line, in English and in Chinese: why
          the row is not measurable, or what to bear in mind (data year, how a target
          was allocated).
        - ``detail`` (str), ``detail_zh`` (str): what stands behind the row (top
          specialisations, branch centres, units not placed in a city), or empty.
        - ``target_source`` (str): ``graph`` (PolicyMeasure nodes; NA where none).

    Raises
    ------
    QueryError
        For an unknown indicator key, breakdown, city or industry.
    """
    if by not in ("province", "city", "industry", "year"):
        raise QueryError(f"by must be province, city, industry or year (got {by!r})")
    unknown = [k for k in indicators or [] if k not in _BY_KEY]
    if unknown:
        raise QueryError(f"unknown indicator(s) {', '.join(unknown)}; known: {', '.join(_BY_KEY)}")
    chosen = [_BY_KEY[k] for k in indicators] if indicators else list(INDICATORS)
    A = arrays(G)
    measures = policy_measures(G)
    city_pos = resolve_city(G, city)
    industries = resolve_industries(G, industry)
    everywhere = np.ones(A.n, dtype=bool)
    city_mask, industry_mask = A.in_city(city_pos), A.in_industries(industries)
    if by == "year":
        last = year if year is not None else latest_year(G)
        if last is None:
            raise QueryError("the graph records no years; give --year or use another breakdown")
        frames = []
        for y in range(min(start, last), last + 1):
            f = _evaluate(
                A,
                y,
                "province",
                chosen,
                measures,
                city_mask,
                industry_mask,
                city is not None or industry is not None,
            )
            frames.append(f.assign(group=str(y), group_name=str(y)))  # a few years: a loop
        out = pd.concat(frames, ignore_index=True)
    elif city_pos is not None and by in ("province", "city"):
        # The city's rows of the table of every city: same counts, same allocation.
        out = _evaluate(
            A, year, "city", chosen, measures, everywhere, industry_mask, industry is not None
        )
        out = out[out["group"] == str(A.ids[city_pos])]
    else:
        out = _evaluate(
            A,
            year,
            by,
            chosen,
            measures,
            city_mask,
            industry_mask,
            by == "province" and industry is not None,
        )
        if by == "industry" and industries is not None:
            out = out[out["group"].isin(A.ids[industries].astype(str))]
    out = out.reset_index(drop=True)
    out["by"] = by
    info = {ind.key: ind for ind in chosen}
    out["unit"] = out["indicator"].map(lambda k: info[k].unit)
    out["indicator_zh"] = out["indicator"].map(lambda k: info[k].zh)
    out["indicator_en"] = out["indicator"].map(lambda k: info[k].en)
    out["measure_key"] = out["indicator"].map(lambda k: info[k].measure)
    m = measures.set_index("indicator")
    for col in ("measure", "article", "title", "title_en", "deadline", "target_source"):
        out[col] = out["measure_key"].map(m[col]) if len(m) else pd.NA
    own = out["indicator"].map(lambda k: info[k].article).astype("Int64")
    out["article"] = pd.array(out["article"], dtype="Int64").fillna(own)
    if measures.empty:
        out["note"] = out["note"].map(
            lambda n: _join(n, "no policy measures in the graph: targets unknown")
        )
        out["note_zh"] = out["note_zh"].map(lambda n: _join_zh(n, "图中没有政策措施：目标未知"))
    has_target = out["target"].notna() & out["value"].notna()
    out["gap"] = (out["target"] - out["value"]).clip(lower=0).where(has_target)
    out["met"] = pd.array(
        np.where(has_target, out["value"] >= out["target"], False), dtype="boolean"
    )
    out.loc[~has_target, "met"] = pd.NA
    order = {ind.key: i for i, ind in enumerate(INDICATORS)}
    out["_o"] = out["indicator"].map(order)
    out["_a"] = out["article"].astype("float64").fillna(99)
    out = out.sort_values(["_a", "_o", "group"], kind="stable", ignore_index=True)
    cols = {
        "by": "string",
        "group": "string",
        "group_name": "string",
        "year": "Int64",
        "article": "Int64",
        "measure": "string",
        "title": "string",
        "title_en": "string",
        "indicator": "string",
        "indicator_zh": "string",
        "indicator_en": "string",
        "measurable": "boolean",
        "value": "float64",
        "unit": "string",
        "numerator": "float64",
        "denominator": "float64",
        "target": "float64",
        "target_basis": "string",
        "deadline": "Int64",
        "gap": "float64",
        "met": "boolean",
        "note": "string",
        "note_zh": "string",
        "detail": "string",
        "detail_zh": "string",
        "target_source": "string",
    }
    return out[list(cols)].astype(cols)


def _scores(c: _Ctx) -> pd.DataFrame:
    A = c.A
    plat = A.mask("Platform") & c.alive
    demo_plat = A.mask("Platform") & c.recognised("demonstration")
    team = A.mask("MakerTeam") & c.alive
    demo_team = A.mask("MakerTeam") & c.recognised("demonstration")
    fund = A.mask("Fund") & c.alive

    ent = A.mask("Enterprise") & c.alive
    supply = c.count(("SUPPLIES", "SUPPLIES^-1"), ent)
    person = A.mask("Person") & c.recognised("recognised")
    person &= A.values("role", dtype="object", fill="") == "entrepreneur"
    parts = {
        "platforms": c.count(("ESTABLISHED", "OPERATES"), plat),
        "demonstration_platforms": c.count(("ESTABLISHED", "OPERATES"), demo_plat),
        "teams": c.count(("HOSTS", "ESTABLISHED"), team),
        "demonstration_teams": c.count(("HOSTS", "ESTABLISHED"), demo_team),
        "research_partners": c.count("COLLABORATES_WITH", A.mask("ResearchInstitute")),
        "alliances": c.count("MEMBER_OF", A.mask("Alliance") & c.alive),
        "funds": c.count(("ESTABLISHED", "INVESTS_IN^-1"), fund),
        "entrepreneur": c.has("LEADS", person, reverse=True).astype(np.int64),
        "supply_partners": supply,
    }
    score = np.zeros(A.n)
    for key, values in parts.items():
        v = np.log2(1 + values) if key == "supply_partners" else values
        score += SCORE_WEIGHTS[key] * v
    pos = np.flatnonzero(c.lm & ent)
    frame = pd.DataFrame({"pos": pos, "score": score[pos].round(4)})
    for key, values in parts.items():
        frame[key] = values[pos]
    return frame


def _score_table(A: GraphArrays, year: int) -> pd.DataFrame:
    key = ("typical-scores", year)
    if key not in A.memo:
        A.memo[key] = _scores(_Ctx(A, year))
    return A.memo[key]


def _case_history(
    A: GraphArrays,
    year: int,
    k: int,
    first_year: int,
    filters: tuple[str | None, str | None] | None,
    keep: np.ndarray | None = None,
) -> dict[int, np.ndarray]:
    """The cases chosen each year from ``first_year`` to ``year`` (positions, best first)."""
    key = ("typical-cases", year, k, first_year, filters)
    if key not in A.memo:
        chosen: set[int] = set()
        history: dict[int, np.ndarray] = {}
        for y in range(min(first_year, year), year + 1):  # one step per year
            s = _score_table(A, y)
            ok = ~s["pos"].isin(chosen) & (s["score"] > 0)
            if keep is not None:
                ok &= keep[s["pos"].to_numpy()]
            best = s[ok].sort_values(["score", "pos"], ascending=[False, True]).head(k)
            history[y] = best["pos"].to_numpy(np.int64)
            chosen |= set(history[y].tolist())
        A.memo[key] = history
    return A.memo[key]


def typical_cases(
    G: EcosystemGraph,
    *,
    year: int,
    k: int = 10,
    first_year: int = 2017,
    city: str | None = None,
    industry: str | None = None,
) -> pd.DataFrame:
    """The ``k`` strongest typical-case candidates of ``year`` (article 17).

    Candidates are L&M firms.  Each year from ``first_year`` the ``k`` highest scores
    as of that year are chosen, and a firm chosen once is not chosen again, so a year's
    cases are new.  The ecosystem score adds, as of the year (weights in
    :data:`SCORE_WEIGHTS`): 1 per platform the firm set up or operates and 2 more per
    demonstration platform among them; 1 per maker team it hosts or set up and 2 more
    per demonstration team; 1 per research institute it works with; 1 per alliance;
    1 per fund it set up or that invests in it; 2 when a recognised innovative
    entrepreneur leads it; and log2(1 + its distinct suppliers and buyers).  Ties go
    to the smaller id.

    Parameters
    ----------
    G : EcosystemGraph
    year : int
        The year whose cases are wanted.
    k : int
        Cases a year (the seed: 10).
    first_year : int
        First year cases are chosen (earlier winners are excluded later).
    city, industry : str, optional
        Choose among firms of this city / industry only.

    Returns
    -------
    pandas.DataFrame
        Up to ``k`` rows, best first:

        - ``year`` (int), ``rank`` (int): 1 is the strongest.
        - ``id`` (str), ``name`` (str), ``city`` (str), ``industry`` (str).
        - ``score`` (float): the ecosystem score.
        - ``platforms``, ``demonstration_platforms``, ``teams``, ``demonstration_teams``,
          ``research_partners``, ``alliances``, ``funds`` (int): the counts behind it;
          ``entrepreneur`` (int): 1 when led by a recognised entrepreneur;
          ``supply_partners`` (int): distinct suppliers and buyers.

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "e1", "name": "甲", "size": "large", "since": 2000},
    ...                     {"id": "e2", "name": "乙", "size": "medium", "since": 2000}],
    ...      "ResearchInstitute": [{"id": "r", "name": "院"}]},
    ...     {"COLLABORATES_WITH": [("e2", "r", {"since": 2015})]},
    ... )
    >>> typical_cases(G, year=2017, k=1)[["rank", "id", "score"]].to_dict("records")
    [{'rank': 1, 'id': 'e2', 'score': 1.0}]

    A case is chosen once: in 2018 no other firm has a score above zero.

    >>> len(typical_cases(G, year=2018, k=1))
    0
    """
    if k < 1:
        raise QueryError("k must be at least 1")
    A = arrays(G)
    keep = A.in_city(resolve_city(G, city)) & A.in_industries(resolve_industries(G, industry))
    filters = None if city is None and industry is None else (city, industry)
    pos = _case_history(A, year, k, first_year, filters, keep)[year]
    result = _score_table(A, year).set_index("pos").loc[pos].reset_index()
    names = A.names
    city_pos, ind_pos = A.city()[pos], A.industry()[pos]
    out = pd.DataFrame(
        {
            "year": np.full(len(pos), year, dtype=np.int64),
            "rank": np.arange(1, len(pos) + 1, dtype=np.int64),
            "id": A.ids[pos].astype(str),
            "name": names[pos],
            "city": np.where(city_pos >= 0, names[np.maximum(city_pos, 0)], ""),
            "industry": np.where(ind_pos >= 0, names[np.maximum(ind_pos, 0)], ""),
            "score": result["score"].to_numpy(float) if len(result) else np.array([]),
        }
    )
    for key in SCORE_WEIGHTS:
        out[key] = result[key].to_numpy(np.int64) if len(result) else np.array([], np.int64)
    return out.astype({"id": "string", "name": "string", "city": "string", "industry": "string"})
