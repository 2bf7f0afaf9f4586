"""The indicator table: every indicator's rows for the province, each city, industry
or year, with targets allocated and notes in both languages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import (
    GraphArrays,
    arrays,
    graph_scope,
    resolve_city,
    resolve_industries,
)
from innokg.queries.indicators.catalogue import _BY_KEY, INDICATORS, Indicator
from innokg.queries.indicators.context import By, Context, Units
from innokg.queries.indicators.counts import _quotient_cities, _specialisation_edges
from innokg.queries.indicators.notes import _BASE_ZH, Words, _fmt_target, _join, _join_zh
from innokg.queries.sets import distinct


def policy_measures(G: EcosystemGraph) -> pd.DataFrame:
    """The policy's measures with their targets, from the graph's PolicyMeasure nodes.

    A graph with no PolicyMeasure node (with an ``indicator`` key) has none: every
    build adds the seed policy's measures, so only a hand-made graph lacks them.

    Parameters
    ----------
    G : EcosystemGraph
        The graph.

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
    >>> from innokg.graph.testing import make_graph
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

    Parameters
    ----------
    G : EcosystemGraph
        The graph.

    Returns
    -------
    int or None
        The year.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲", "since": 2012},
    ...                     {"id": "b", "name": "乙", "since": 2019}]},
    ...     {"SUPPLIES": [("a", "b", {"since": 2030})]},
    ... )
    >>> latest_year(G)
    2019
    >>> latest_year(make_graph({"Enterprise": [{"id": "a", "name": "甲"}]})) is None
    True
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


def _groups(c: Context, by: By) -> tuple[Callable[[Units], np.ndarray], np.ndarray, pd.DataFrame]:
    """How units fall into groups (-1: none), the group of every position (for L&M
    firms), and the group table."""
    A = c.A
    start = A.spans["Region"][0]
    level = A.column("Region", "level").to_numpy(dtype="object", na_value="")
    if by in ("province", "year"):
        prov = start + np.flatnonzero(level == "province")
        scope = graph_scope(A.G) if len(prov) > 1 else None  # chain partners' provinces
        if scope is not None:
            prov = np.array([scope.region])
        gid, gname = (
            (str(A.ids[prov[0]]), str(A.names_at(prov[:1])[0]))
            if len(prov) == 1
            else ("all", "全部")
        )
        zeros = np.zeros(A.n, dtype=np.int64)
        return (
            lambda u: np.zeros(len(u.unit), dtype=np.int64),
            zeros,
            pd.DataFrame({"group": [gid], "group_name": [gname]}),
        )
    if by == "city":
        place = A.city()
        members = start + np.flatnonzero(level == "city")
    else:
        place = _industry_place(A)
        firms = A.mask("Enterprise") & c.located()
        if not firms.any():
            firms = A.mask("Enterprise")
        members = distinct(place[firms])
        spec = _specialisation_edges(c)[1]
        members = np.union1d(members, place[spec]) if len(spec) else members
        members = members[members >= 0]
    lut = np.full(A.n + 1, -1, dtype=np.int64)
    lut[members] = np.arange(len(members))
    table = pd.DataFrame({"group": A.ids[members].astype(str), "group_name": A.names_at(members)})
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


@dataclass
class _Table:
    """One table being filled: its groups and what every indicator's rows share."""

    c: Context
    by: By
    filtered: bool
    group_of: Callable[[Units], np.ndarray]
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
    c = Context(A, year, by)
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
    lost = len(distinct(units.unit[~ok]))
    lost_note: Words = ("", "")
    if lost and t.where[0]:
        total = len(distinct(units.unit))
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
        notes_zh[lacking] = "数据中没有该市的区位商"
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

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "e1", "name": "甲", "size": "large", "since": 2010},
    ...                     {"id": "e2", "name": "乙", "size": "medium", "since": 2010}],
    ...      "Platform": [{"id": "p1", "name": "平台", "kind": "maker_space", "since": 2017}]},
    ...     {"ESTABLISHED": [("e2", "p1")]},
    ... )
    >>> df = policy_indicators(G, by="year", year=2017, indicators=["platform_coverage"])
    >>> for row in df.itertuples():
    ...     print(row.group, row.value, row.numerator, row.denominator)
    2016 0.0 0.0 2.0
    2017 0.5 1.0 2.0
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
        filtered = city is not None or industry is not None
        years = range(min(start, last), last + 1)
        # Each year is the province's table as of it; the years share one Timeline
        # (A.memo), so what existed when is read once for the whole series.
        out = pd.concat(
            [
                _evaluate(
                    A, y, "province", chosen, measures, city_mask, industry_mask, filtered
                ).assign(group=str(y), group_name=str(y))
                for y in years
            ],
            ignore_index=True,
        )
    elif city_pos is not None and by in ("province", "city"):
        # The city's rows of the table of every city: same counts, same allocation.
        out = _evaluate(
            A, year, "city", chosen, measures, everywhere, industry_mask, industry is not None
        )
        out = out[out["group"] == str(A.ids[city_pos])]
    else:
        filtered = by == "province" and industry is not None
        out = _evaluate(A, year, by, chosen, measures, city_mask, industry_mask, filtered)
        if by == "industry" and industries is not None:
            out = out[out["group"].isin(A.ids[industries].astype(str))]
    return _described(out.reset_index(drop=True), by, chosen, measures)


def _described(
    out: pd.DataFrame, by: By, chosen: Sequence[Indicator], measures: pd.DataFrame
) -> pd.DataFrame:
    """The counted rows with what describes them (titles, measures, articles), the gap
    and whether met, in article order, every column of its type."""
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
