"""The seed policy's measures as indicators: value, target, gap, met.

Each indicator belongs to a measure of the policy (a PolicyMeasure node, matched by
its ``indicator`` key); its article, title, target and deadline are read from that
node, never written here.  A measure the graph lacks falls back to the seed table
shipped with innokg (``loaders/data/henan_2016_policy.csv``), which says so in
``target_source``.  A measure can carry several indicators: the one whose key equals
the measure's key is the headline indicator and carries the target; the others
(``co_built_rnd``, ``alliance_membership``, ...) are context without a target.

Most indicators are about 大中型工业企业, the policy's subject: enterprises whose size is
``large`` or ``medium`` and whose ``industrial`` flag is not false ("L&M firms" below).

"As of" a year counts only what existed then: nodes and edges whose ``since`` is not
later and whose ``until`` is not earlier, platforms and teams whose ``demonstration``
year is not later, people whose ``recognised`` year is not later.

Breakdowns by city and industry place every unit by :mod:`innokg.queries.arrays` (a firm's
county's city; a team by its host; a person by what they lead).  The seed's count
targets are province-wide; a city's or industry's share of one is taken pro rata to
its share of the province's L&M firms (``target_basis = "pro_rata"``).  Share targets
apply as they are (``"seed"``).

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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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

_RND = ("self_built_rnd", "co_built_rnd", "third_party")
_OPEN = ("ecommerce", "open_innovation")
_EMPLOYEE = ("employee", "model_worker_station", "chief_employee_station")


class _Ctx:
    """What existed in one year, as arrays."""

    def __init__(self, A: GraphArrays, year: int | None) -> None:
        self.A = A
        self.year = year
        self.alive = A.alive(year)
        size = A.values("size", dtype="object", fill="")
        industrial = A.values("industrial", dtype="float64", fill=np.nan)
        self.lm = (
            A.mask("Enterprise")
            & self.alive
            & np.isin(size, ["large", "medium"])
            & ~(industrial == 0)
        )

    def edges(self, etype: str) -> tuple[np.ndarray, np.ndarray]:
        return self.A.edges(etype, year=self.year)

    def kind_in(self, label: str, kinds: Sequence[str]) -> np.ndarray:
        return self.A.mask(label) & np.isin(self.A.values("kind", dtype="object", fill=""), kinds)

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
        m = self.A.matrix(names, year=self.year)
        return (m @ target.astype(float)).round().astype(np.int64)

    def has(
        self, etypes: str | Sequence[str], target: np.ndarray, *, reverse: bool = False
    ) -> np.ndarray:
        """Nodes with an edge of ``etypes`` to (from, with ``reverse``) a node in ``target``."""
        return self.count(etypes, target, reverse=reverse) > 0


@dataclass(frozen=True)
class _Units:
    """What an indicator counts: ``unit`` (position counted), ``where`` (position that
    places it in a group) and ``value`` (its contribution), aligned arrays."""

    unit: np.ndarray
    where: np.ndarray
    value: np.ndarray

    def select(self, keep: np.ndarray) -> _Units:
        unit = self.unit[keep]
        where = unit if self.where is self.unit else self.where[keep]
        return _Units(unit, where, self.value[keep])


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
    service = c.kind_in("Platform", ("shuangchuang_base", "public_tech_service")) & c.alive
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


@dataclass(frozen=True)
class Indicator:
    """One indicator: its key, the measure it belongs to, what it counts, how."""

    key: str
    measure: str
    unit: str  # share | count | mean
    zh: str
    en: str
    compute: Callable[[_Ctx], _Units]


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "platform_coverage",
        "platform_coverage",
        "share",
        "拥有“双创”平台的大中型工业企业占比",
        "share of L&M firms that set up or operate a 双创 platform",
        _lm_share(_platform_of),
    ),
    Indicator(
        "demonstration_platforms",
        "demonstration_platforms",
        "count",
        "“双创”示范平台数",
        "platforms recognised as demonstration platforms",
        lambda c: _units(c.A.mask("Platform") & c.recognised("demonstration")),
    ),
    Indicator(
        "demonstration_teams",
        "demonstration_teams",
        "count",
        "创客示范团队数",
        "maker teams recognised as demonstration teams",
        lambda c: _units(c.A.mask("MakerTeam") & c.recognised("demonstration")),
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
    ),
    Indicator(
        "ecosystem_breadth",
        "ecosystem_breadth",
        "mean",
        "大中型工业企业“双创”生态圈广度（六类伙伴中具备的类数）",
        "kinds of partner around each L&M firm (of six: suppliers, purchasers, partner "
        "firms, platforms, service providers, finance)",
        lambda c: _units(c.lm, _breadth(c)),
    ),
    Indicator(
        "rnd_platforms",
        "rnd_platforms",
        "share",
        "拥有自建、合建或第三方研发平台的大中型工业企业占比",
        "share of L&M firms with a self-built, co-built or third-party R&D platform",
        _lm_share(lambda c: _platform_of(c, _RND)),
    ),
    Indicator(
        "co_built_rnd",
        "rnd_platforms",
        "share",
        "与高校、科研院所合建创新平台的大中型工业企业占比",
        "share of L&M firms with an R&D platform built with universities or institutes",
        _lm_share(lambda c: _platform_of(c, ("co_built_rnd",))),
    ),
    Indicator(
        "alliance_membership",
        "rnd_platforms",
        "share",
        "加入产业联盟、技术创新联盟的大中型工业企业占比",
        "share of L&M firms that belong to an alliance",
        _lm_share(lambda c: c.has("MEMBER_OF", c.A.mask("Alliance") & c.alive)),
    ),
    Indicator(
        "technology_teams",
        "technology_teams",
        "share",
        "组建技术创客团队的大中型工业企业占比",
        "share of L&M firms with a technology maker team",
        _lm_share(lambda c: _team_of(c, ("technology",))),
    ),
    Indicator(
        "employee_platforms",
        "employee_platforms",
        "share",
        "建有职工创客工作室、首席员工创新工作站或劳模工作站的大中型工业企业占比",
        "share of L&M firms with an employee maker studio or model-worker station",
        _lm_share(lambda c: _team_of(c, _EMPLOYEE)),
    ),
    Indicator(
        "craftsman_studios",
        "craftsman_studios",
        "share",
        "建有“大工匠”工作室的大中型工业企业占比",
        "share of L&M firms with a master craftsman's studio",
        _lm_share(lambda c: _team_of(c, ("master_craftsman_studio",))),
    ),
    Indicator(
        "open_platforms",
        "open_platforms",
        "share",
        "搭建开放式“双创”平台（设计＋用户、营销＋社交、制造＋电商）的大中型工业企业占比",
        "share of L&M firms with an open innovation or e-commerce platform",
        _lm_share(lambda c: _platform_of(c, _OPEN)),
    ),
    Indicator(
        "social_teams",
        "social_teams",
        "count",
        "社会创客团队数",
        "social maker teams",
        lambda c: _units(c.kind_in("MakerTeam", ("social",)) & c.alive),
    ),
    Indicator(
        "maker_chain",
        "social_teams",
        "count",
        "构建“创客市场-创客实验室-创客微工厂-创客银行”生态链的企业数",
        "firms with the whole maker chain: a maker space or incubator, hosted maker "
        "teams and a maker fund or bank they set up",
        _maker_chain,
    ),
    Indicator(
        "cluster_services",
        "cluster_services",
        "share",
        "建有“双创”基地或公共技术服务平台的产业集聚区占比",
        "share of industrial clusters (zones) with a 双创 base or public technology "
        "service platform",
        _cluster_services,
    ),
    Indicator(
        "iur_alliances",
        "cluster_services",
        "count",
        "产学研用联盟数",
        "industry-university-research (产学研用) alliances",
        _iur_alliances,
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
    ),
    Indicator(
        "maker_funds",
        "maker_finance",
        "count",
        "创客资金、创客银行数",
        "maker funds and maker banks",
        lambda c: _units(c.kind_in("Fund", ("maker_fund", "maker_bank")) & c.alive),
    ),
    Indicator(
        "teams_financed",
        "maker_finance",
        "share",
        "获得投资的创客团队占比",
        "share of maker teams with an investor",
        _teams_financed,
    ),
    Indicator(
        "typical_cases",
        "typical_cases",
        "count",
        "当年可推出的典型案例数（按生态得分遴选）",
        "typical cases the year can put forward (by ecosystem score; needs a year)",
        _typical,
    ),
)

_BY_KEY = {ind.key: ind for ind in INDICATORS}


def policy_measures(G: EcosystemGraph) -> pd.DataFrame:
    """The policy's measures with their targets, from the graph's PolicyMeasure nodes.

    Measures the graph lacks (all of them, for a graph built without the policy) come
    from the seed table shipped with innokg, and say so in ``target_source``.

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
        - ``target_source`` (str): ``graph`` or ``seed table``.

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> row = policy_measures(make_graph({})).set_index("indicator").loc["platform_coverage"]
    >>> int(row["article"]), float(row["target"]), int(row["deadline"]), row["target_source"]
    (3, 0.8, 2018, 'seed table')
    """
    from innokg.loaders.reference import henan_policy_measures

    seed = henan_policy_measures().replace("", None)
    frames = []
    for df, source in ((G.nodes["PolicyMeasure"], "graph"), (seed, "seed table")):
        df = df[df["indicator"].notna()]
        frames.append(
            pd.DataFrame(
                {
                    "measure": df["id"].astype("string"),
                    "article": pd.to_numeric(df["article"]).astype("Int64"),
                    "title": df["name"].astype("string"),
                    "title_en": df["name_en"].astype("string"),
                    "indicator": df["indicator"].astype("string"),
                    "target": pd.to_numeric(df["target"]).astype("float64"),
                    "target_unit": df["target_unit"].astype("string"),
                    "deadline": pd.to_numeric(df["deadline"]).astype("Int64"),
                    "target_source": source,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True).drop_duplicates("indicator", keep="first")
    return out.sort_values(["article", "measure"], ignore_index=True)


def latest_year(G: EcosystemGraph) -> int | None:
    """The latest year the nodes of ``G`` record (``since``, ``demonstration``,
    ``recognised``); the edges' years when no node records one; None when nothing does.

    Node years come first because edge years can be planned dates (a collaboration
    agreed to start later).
    """
    for tables in (G.nodes, G.edges):
        years = [
            int(df[col].max())
            for df in tables.values()
            for col in ("since", "demonstration", "recognised", "year")
            if col in df.columns and df[col].notna().any()
        ]
        if years:
            return max(years)
    return None


def _groups(A: GraphArrays, by: By) -> tuple[np.ndarray, pd.DataFrame]:
    """The group index (-1: none) of every position, and the group table."""
    names = A.names
    level = A.values("level", dtype="object", fill="")
    if by == "province":
        prov = np.flatnonzero(A.mask("Region") & (level == "province"))
        gid, gname = (
            (str(A.ids[prov[0]]), str(names[prov[0]])) if len(prov) == 1 else ("all", "全部")
        )
        return np.zeros(A.n, dtype=np.int64), pd.DataFrame({"group": [gid], "group_name": [gname]})
    place = A.city() if by == "city" else A.industry()
    if by == "city":
        members = np.flatnonzero(A.mask("Region") & (level == "city"))
    else:
        members = np.unique(place[A.mask("Enterprise")])
        members = members[members >= 0]
    lut = np.full(A.n + 1, -1, dtype=np.int64)
    lut[members] = np.arange(len(members))
    table = pd.DataFrame({"group": A.ids[members].astype(str), "group_name": names[members]})
    return lut[place], table


def _evaluate(
    A: GraphArrays,
    year: int | None,
    by: By,
    chosen: Sequence[Indicator],
    measures: pd.DataFrame,
    filter_mask: np.ndarray,
) -> pd.DataFrame:
    c = _Ctx(A, year)
    group, table = _groups(A, by)
    k = len(table)
    lm = np.flatnonzero(c.lm & filter_mask)
    lm_g = group[lm]
    lm_share = np.bincount(lm_g[lm_g >= 0], minlength=k) / max(float(c.lm.sum()), 1.0)
    targets = measures.drop_duplicates("indicator").set_index("indicator")["target"]
    frames = []
    for ind in chosen:
        units = ind.compute(c)
        units = units.select(filter_mask[units.where])
        g = group[units.where]
        ok = g >= 0
        g_ok, v_ok = g[ok], units.value[ok]
        if units.unit is not units.where:  # (unit, place) pairs: count a unit once a group
            _, first = np.unique(g_ok * (A.n + 1) + units.unit[ok], return_index=True)
            g_ok, v_ok = g_ok[first], v_ok[first]
        numerator = np.bincount(g_ok, v_ok, minlength=k).astype(float)
        size = np.bincount(g_ok, minlength=k).astype(float)
        if ind.unit == "count":
            value, denominator = numerator, np.full(k, np.nan)
        else:
            denominator = size
            with np.errstate(invalid="ignore", divide="ignore"):
                value = np.where(size > 0, numerator / np.where(size > 0, size, 1), np.nan)
        target = float(targets.get(ind.measure, np.nan)) if ind.key == ind.measure else np.nan
        basis = "" if np.isnan(target) else "seed"
        target_col = np.full(k, target)
        if ind.unit == "count" and basis and by in ("city", "industry"):
            if ind.key == "typical_cases":  # a province-wide list, not apportioned
                target_col, basis = np.full(k, np.nan), ""
            else:
                target_col, basis = (target * lm_share).round(2), "pro_rata"
        frames.append(
            table.assign(
                indicator=ind.key,
                value=value,
                numerator=numerator,
                denominator=denominator,
                target=target_col,
                target_basis=basis,
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["year"] = year
    return out


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
    """Every indicator of the seed policy, with its target, gap and status.

    Parameters
    ----------
    G : EcosystemGraph
    by : {"province", "city", "industry", "year"}
        One row per indicator for the whole graph, or per indicator and city /
        industry / year.
    year : int, optional
        As of this year (only what existed then counts).  With ``by="year"``, the last
        year of the series (default: the latest year in the graph).  None counts
        everything in the graph.
    start : int
        First year of a ``by="year"`` series (the policy dates from December 2016).
    city, industry : str, optional
        Count only units in this city / industry.
    indicators : sequence of str, optional
        Indicator keys (see :data:`INDICATORS`); default all.

    Returns
    -------
    pandas.DataFrame
        One row per indicator and group, by article:

        - ``by`` (str): the breakdown; ``group`` (str): the region id, industry id or
          year; ``group_name`` (str).
        - ``year`` (Int64): the as-of year (NA: everything in the graph).
        - ``article`` (Int64): the article of the seed policy the indicator measures.
        - ``measure`` (str): its PolicyMeasure id; ``title`` (str), ``title_en`` (str):
          the measure's title as in the seed and in English.
        - ``indicator`` (str): the indicator key; ``indicator_zh`` (str),
          ``indicator_en`` (str): what it counts.
        - ``value`` (float): the indicator's value (a share 0-1, a count or a mean, as
          ``unit`` says); NaN when its denominator is zero.
        - ``unit`` (str): ``share``, ``count`` or ``mean``.
        - ``numerator`` (float): the count behind the value (units that qualify, or the
          sum for a mean); ``denominator`` (float): the units it is a share of (NaN
          for counts).
        - ``target`` (float): the target (NaN where the seed sets none); ``target_basis``
          (str): ``seed``, ``pro_rata`` (a province-wide count apportioned by the
          group's share of L&M firms) or empty.
        - ``deadline`` (Int64): the year the target is due.
        - ``gap`` (float): how far the value is below the target (0 when met; NaN
          without a target).
        - ``met`` (boolean): value at or above target (NA without a target).
        - ``target_source`` (str): ``graph`` (PolicyMeasure nodes) or ``seed table``.

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
    filter_mask = A.in_city(resolve_city(G, city)) & A.in_industries(
        resolve_industries(G, industry)
    )
    if by == "year":
        last = year if year is not None else latest_year(G)
        if last is None:
            raise QueryError("the graph records no years; give --year or use another breakdown")
        frames = []
        for y in range(min(start, last), last + 1):
            f = _evaluate(A, y, "province", chosen, measures, filter_mask)
            frames.append(f.assign(group=str(y), group_name=str(y)))  # a few years: a loop
        out = pd.concat(frames, ignore_index=True)
    else:
        out = _evaluate(A, year, by, chosen, measures, filter_mask)
    out["by"] = by
    info = {ind.key: ind for ind in chosen}
    out["unit"] = out["indicator"].map(lambda k: info[k].unit)
    out["indicator_zh"] = out["indicator"].map(lambda k: info[k].zh)
    out["indicator_en"] = out["indicator"].map(lambda k: info[k].en)
    out["measure_key"] = out["indicator"].map(lambda k: info[k].measure)
    m = measures.set_index("indicator")
    for col in ("measure", "article", "title", "title_en", "deadline", "target_source"):
        out[col] = out["measure_key"].map(m[col]) if len(m) else pd.NA
    has_target = out["target"].notna()
    out["gap"] = (out["target"] - out["value"]).clip(lower=0).where(has_target)
    out["met"] = pd.array(
        np.where(has_target, out["value"] >= out["target"], False), dtype="boolean"
    )
    out.loc[~has_target, "met"] = pd.NA
    order = {ind.key: i for i, ind in enumerate(INDICATORS)}
    out["_o"] = out["indicator"].map(order)
    out = out.sort_values(["article", "_o", "group"], kind="stable", ignore_index=True)
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
        "value": "float64",
        "unit": "string",
        "numerator": "float64",
        "denominator": "float64",
        "target": "float64",
        "target_basis": "string",
        "deadline": "Int64",
        "gap": "float64",
        "met": "boolean",
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
