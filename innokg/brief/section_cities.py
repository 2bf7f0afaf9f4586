"""The cities: the map, progress by city against the targets, each city year by year,
how the cities compare, and one city's profile (``--city``)."""

from __future__ import annotations

import pandas as pd

from innokg.brief.charts import Bar, Panel, svg_bars, svg_panels
from innokg.brief.model import BriefTable, Chart, Section
from innokg.brief.scope import Scope, lacks, lm_known, missing_line
from innokg.brief.targets import SHORT, START, short_name
from innokg.brief.words import col, fmt_value, num, pick, plain_english, txt
from innokg.graph.errors import InnokgError

__all__ = ["by_city_section", "city_profile_section", "compare_section"]

# Indicators whose targets the brief shows by city (shares and counts with targets).
CITY_TARGETS = (
    "platform_coverage",
    "demonstration_platforms",
    "demonstration_teams",
    "entrepreneurs",
)
#: What the data shows of each city without a policy target: its innovation resources,
#: with the short column names the brief gives them (zh, en).
CITY_RESOURCES = {
    "national_tech_centres": ("国家级技术中心", "National tech centres"),
    "tech_centre_firms": ("有技术中心的企业", "Firms with a centre"),
    "listed_firms": ("上市公司", "Listed firms"),
    "universities": ("高校", "Universities"),
    "specialisations": ("专业化工业行业", "Specialised industries"),
}
#: The city measures a map may show, most relevant first (the policy's headline
#: target, then the innovation resources the real data measure).
MAP_INDICATORS = ("platform_coverage", "national_tech_centres", *CITY_RESOURCES)
#: Indicators in the comparison of cities: as many as fit across a page.
COMPARE_COLUMNS = 6
#: The city indicators followed year by year.
TREND_INDICATORS = ("platform_coverage", "demonstration_platforms")


def _measured(ind: pd.DataFrame) -> pd.DataFrame:
    """The rows of an indicator table that carry a measured value."""
    ok = ind["measurable"].fillna(False).astype(bool) if "measurable" in ind.columns else True
    return ind[ok & ind["value"].notna()]


def _what(key: str, lang: str) -> str:
    return CITY_RESOURCES.get(key, SHORT.get(key, (key, key)))[0 if lang == "zh" else 1]


def by_city_section(s: Scope, findings: list[str]) -> Section:
    ind = s.city_indicators()
    section = _targets_by_city(s, findings, ind[ind["indicator"].isin(CITY_TARGETS)])
    measured = _measured(ind)
    resources = measured[measured["indicator"].isin(list(CITY_RESOURCES))]
    table = _city_resources(s, resources)
    if table is not None:
        section.tables.append(table)
        note = _unplaced_note(s, resources)
        if note:
            section.paragraphs.append(note)
        finding = _centres_finding(s, resources)
        if finding:
            findings.append(finding)
    _city_map(s, section, measured)
    section.charts += _trend_charts(s)
    return section


def _city_map(s: Scope, section: Section, ind: pd.DataFrame) -> None:
    """Put a map of the most relevant measurable city indicator (of the measured rows
    ``ind``) first in the section, with a sentence saying what it shows."""
    from innokg.maps import indicator_map

    key = next((k for k in MAP_INDICATORS if (ind["indicator"] == k).any()), None)
    if key is None:
        return
    try:
        m = indicator_map(s.G, key, year=s.year, lang=s.lang, highlight=s.city_id)
    except InnokgError:  # no city of the graph on the shipped outlines
        return
    if m.table["value"].notna().sum() == 0:
        return
    svg, title = m.svg, m.title
    if not s.zh:  # the map's title is the indicator module's English, which keeps 双创
        svg, title = plain_english(svg), plain_english(title)
    section.charts.insert(0, Chart(svg, "map", title))
    what = _what(key, s.lang)
    when = (
        ("" if s.year is None else f"（{s.year} 年）")
        if s.zh
        else ("" if s.year is None else f" ({s.year})")
    )
    section.paragraphs.insert(
        1 if section.paragraphs else 0,
        f"地图按各市{what}着色{when}；各市数值见下表。"
        if s.zh
        else f"The map colours each city by its {what.lower()}{when}; the table below gives "
        "each city's value.",
    )


#: The counts of CITY_RESOURCES, which a unit without a known city is missing from.
COUNTED = ("listed_firms", "national_tech_centres", "tech_centre_firms", "universities")


def _unplaced_note(s: Scope, resources: pd.DataFrame) -> str | None:
    """A sentence naming the units the province counts but no city does, so that a city's
    0 in the resources table is not read as none where the data has no city."""
    missing = []
    for key in COUNTED:
        rows = resources[resources["indicator"] == key]
        if len(rows):
            n = s.unplaced(key, int(rows["value"].sum()))
            if n > 0:
                missing.append((_what(key, s.lang), n))
    if not missing:
        return None
    if s.zh:
        parts = "、".join(f"{w} {n:,} 家" for w, n in missing)
        return f"下表不含所在城市不详的{parts}；某市为 0 未必是没有，可能是数据未记录其所在城市。"
    parts = ", ".join(f"{n:,} {w.lower()}" for w, n in missing)
    return (
        f"The table leaves out what has no known city: {parts}. A city's 0 may mean the "
        "data do not record where a firm is, not that there is none."
    )


def _centres_finding(s: Scope, resources: pd.DataFrame) -> str | None:
    """Where the national technology centres concentrate: the top three cities."""
    rows = resources[resources["indicator"] == "national_tech_centres"]
    total = int(rows["value"].sum())
    if total == 0:
        return None
    top = rows.sort_values("value", ascending=False, kind="stable").head(3)
    cities = [
        (s.names(n, g), int(v))
        for g, n, v in zip(top["group"], top["group_name"], top["value"], strict=True)
    ]
    # the province's count also holds centres whose city is not known: say so, so that
    # this figure and the province's table read as one
    unplaced = s.unplaced("national_tech_centres", total)
    if s.zh:
        parts = "、".join(f"{c}（{v:,} 家）" for c, v in cities)
        rest = f"（另有 {unplaced:,} 家所在城市不详）" if unplaced > 0 else ""
        return f"各市共有国家企业技术中心 {total:,} 家{rest}，最多的是{parts}。"
    parts = ", ".join(f"{c} ({v})" for c, v in cities)
    rest = f" ({unplaced:,} more whose city is not known)" if unplaced > 0 else ""
    return (
        f"The cities hold {total:,} national enterprise technology centres{rest}; "
        f"most are in {parts}."
    )


def _city_resources(s: Scope, ind: pd.DataFrame) -> BriefTable | None:
    """The measured indicators without a target, one column each, one row per city."""
    lang = s.lang
    if ind.empty:
        return None
    columns = {k: v[0 if lang == "zh" else 1] for k, v in CITY_RESOURCES.items()}
    rows, highlight = [], []
    for i, (gid, group) in enumerate(ind.groupby("group", sort=False)):
        row = {col("city", lang): s.names(group["group_name"].iloc[0], gid)}
        for r in group.itertuples(index=False):
            row[columns[str(r.indicator)]] = num(r.value)
        rows.append(row)
        if gid == s.city_id:
            highlight.append(i)
    df = pd.DataFrame(rows).fillna("—")
    return BriefTable(
        "city_resources",
        txt("city_resources", lang),
        df,
        numeric=tuple(df.columns[1:]),
        highlight=tuple(highlight),
        nowrap=(col("city", lang),),
    )


def _targets_by_city(s: Scope, findings: list[str], ind: pd.DataFrame) -> Section:
    lang = s.lang
    section = Section("by_city", txt("by_city", lang), [txt("by_city_intro", lang)])
    if ind.empty:
        section.paragraphs = [
            "图中没有城市，无法分城市核算。" if s.zh else "The graph has no cities to compare."
        ]
        return section
    ind = ind.assign(lacks_=[lacks(s.G, r._asdict(), lang) for r in ind.itertuples(index=False)])
    ind["group_name"] = [
        s.names(n, g) for g, n in zip(ind["group"], ind["group_name"], strict=True)
    ]
    if ind["lacks_"].notna().all():
        missing = ind.drop_duplicates("indicator")
        section.paragraphs = [
            missing_line(
                [
                    (short_name(str(r.indicator), r._asdict(), lang), str(r.lacks_))
                    for r in missing.itertuples(index=False)
                ],
                lang,
            )
        ]
        return section
    ind.loc[ind["lacks_"].notna(), ["value", "target", "met"]] = pd.NA
    names = {
        k: short_name(str(k), r, lang)
        for k, r in ind.drop_duplicates("indicator").set_index("indicator").iterrows()
    }
    rows, highlight = [], []
    cities = ind.drop_duplicates("group")[["group", "group_name"]].itertuples(index=False)
    table = ind.set_index(["group", "indicator"])
    for i, (gid, gname) in enumerate(cities):
        row: dict[str, str] = {col("city", lang): str(gname)}
        for key in CITY_TARGETS:
            if (gid, key) not in table.index:
                continue
            r = table.loc[(gid, key)]
            cell = fmt_value(r["value"], r["unit"])
            if not pd.isna(r["target"]) and not pd.isna(r["value"]):
                cell += " / " + fmt_value(r["target"], r["unit"])
                if not pd.isna(r["met"]):
                    cell += " ✓" if bool(r["met"]) else " ✗"
            row[names[key]] = cell
            if key == "platform_coverage":
                row[col("lm_firms", lang)] = (
                    num(r["denominator"])
                    if not pd.isna(r["denominator"]) and lm_known(s.G)
                    else "—"
                )
        rows.append(row)
        if gid == s.city_id:
            highlight.append(i)
    df = pd.DataFrame(rows)
    first = [col("city", lang), col("lm_firms", lang)]
    df = df[[c for c in first if c in df.columns] + [c for c in df.columns if c not in first]]
    section.tables.append(
        BriefTable(
            "by_city",
            txt("by_city", lang),
            df,
            numeric=tuple(df.columns[1:]),
            highlight=tuple(highlight),
            nowrap=(col("city", lang),),
        )
    )
    cov = ind[(ind["indicator"] == "platform_coverage") & ind["lacks_"].isna()]
    if len(cov):
        bars = [
            Bar(
                label=str(r.group_name),
                value=float(r.value) if not pd.isna(r.value) else float("nan"),
                text=fmt_value(r.value, "share")
                + (" ✓" if r.met is True else " ✗" if r.met is False else ""),
                met=None if pd.isna(r.met) else bool(r.met),
                highlight=r.group == s.city_id,
            )
            for r in cov.itertuples(index=False)
        ]
        target = float(cov["target"].dropna().iloc[0]) if cov["target"].notna().any() else None
        title = txt("chart_coverage", lang)
        section.charts.append(
            Chart(
                svg_bars(
                    bars,
                    title=title,
                    reference=(target, f"{target * 100:.0f}%") if target else None,
                ),
                "coverage",
                title,
            )
        )
        _coverage_findings(s, cov, findings)
    demo = ind[(ind["indicator"] == "demonstration_platforms") & ind["lacks_"].isna()]
    if len(demo) and demo["target"].notna().any():
        bars = [
            Bar(
                label=str(r.group_name),
                value=float(r.value),
                text=f"{num(r.value)} / {num(r.target)}",
                target=float(r.target) if not pd.isna(r.target) else None,
                met=None if pd.isna(r.met) else bool(r.met),
                highlight=r.group == s.city_id,
            )
            for r in demo.itertuples(index=False)
        ]
        title = txt("chart_demo", lang)
        section.charts.append(Chart(svg_bars(bars, title=title), "demonstrations", title))
    return section


def _coverage_findings(s: Scope, cov: pd.DataFrame, findings: list[str]) -> None:
    met = cov[cov["met"].fillna(False).astype(bool)]
    worst = cov[cov["value"].notna()].sort_values("value").head(3)
    if s.city_id is None and len(worst):
        if s.zh:
            low = "、".join(f"{r.group_name}（{r.value * 100:.1f}%）" for r in worst.itertuples())
            findings.append(
                f"{len(cov)} 个城市中有 {len(met)} 个达到平台普及率目标；差距最大的是{low}。"
            )
        else:
            low = ", ".join(f"{r.group_name} ({r.value * 100:.1f}%)" for r in worst.itertuples())
            findings.append(
                f"{len(met)} of {len(cov)} cities meet the platform coverage target; "
                f"furthest behind: {low}."
            )
        return
    ranked = cov[cov["value"].notna()].sort_values("value", ascending=False)
    ranked = ranked.reset_index(drop=True)
    place = ranked.index[ranked["group"] == s.city_id]
    if len(place):
        pos = int(place[0]) + 1
        findings.append(
            f"{s.where()}的平台普及率在 {len(ranked)} 个城市中排第 {pos} 位。"
            if s.zh
            else f"{s.where()} ranks {pos} of {len(ranked)} cities on platform coverage."
        )


def _city_series(s: Scope, key: str) -> pd.DataFrame:
    """``key`` by city for every year from 2016 to the brief's year (measured rows)."""
    if s.year is None:
        return pd.DataFrame()
    frames = []
    for y in range(min(START, s.year), s.year + 1):
        ind = s.city_indicators(y) if y == s.year else s.city_indicators(y, TREND_INDICATORS)
        frames.append(_measured(ind[ind["indicator"] == key]).assign(year_=y))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _trend_charts(s: Scope) -> list[Chart]:
    """Small panels, one per city, for the city indicators followed year by year."""
    if s.year is None:
        return []
    latest = _measured(s.city_indicators())
    charts = []
    for key in TREND_INDICATORS:
        if not (latest["indicator"] == key).any():
            continue
        rows = _city_series(s, key)
        if rows["year_"].nunique() < 2:
            continue
        panels = []
        for gid, group in rows.groupby("group", sort=False):
            group = group.sort_values("year_")
            last = group.iloc[-1]
            share = str(last["unit"]) == "share"
            panels.append(
                Panel(
                    label=s.names(last["group_name"], gid),
                    points=tuple(
                        (int(y), float(v))
                        for y, v in zip(group["year_"], group["value"], strict=True)
                    ),
                    text=fmt_value(last["value"], "share" if share else "count")
                    + ("" if pd.isna(last["target"]) or share else f"/{num(last['target'])}"),
                    target=None if pd.isna(last["target"]) else float(last["target"]),
                    met=None if pd.isna(last["met"]) else bool(last["met"]),
                    highlight=gid == s.city_id,
                )
            )
        share = str(rows["unit"].iloc[0]) == "share"
        what = _what(key, s.lang)
        title = txt("chart_trend_cities", s.lang, what=what[:1].upper() + what[1:])
        note = (
            (
                "虚线为目标；各图纵轴相同。"
                if share
                else "虚线为该市按比例分摊的目标；各图纵轴各自缩放。"
            )
            if s.zh
            else (
                "Dashed: the target. All panels share one vertical scale."
                if share
                else "Dashed: the city's pro-rata target. Each panel has its own vertical scale."
            )
        )
        charts.append(
            Chart(
                svg_panels(panels, title=title, note=note, shared_scale=share),
                f"trend_{key}",
                title,
            )
        )
    return charts


# --- comparison and one city -------------------------------------------------------------


def _comparable(s: Scope) -> pd.DataFrame:
    """Measured city rows of the indicators that are worth comparing (a value in most
    cities), with each city's place (1: highest)."""
    ind = _measured(s.city_indicators())
    n = ind["group"].nunique()
    keep = ind.groupby("indicator")["group"].transform("nunique") >= max(2, n // 2)
    ind = ind[keep].copy()
    ind["place"] = ind.groupby("indicator")["value"].rank(ascending=False, method="min").astype(int)
    return ind


def _label(s: Scope, key: str, row: pd.Series, *, full: bool = False) -> str:
    if key in CITY_RESOURCES or key in SHORT:
        return _what(key, s.lang)
    if full:
        text = pick(row, "indicator_zh", "indicator_en", s.lang)
        return text[:1].upper() + text[1:] if s.lang == "en" else text
    return short_name(key, row, s.lang)


def compare_section(s: Scope) -> Section | None:
    """Every city on every comparable indicator: value and place among the cities."""
    ind = _comparable(s)
    if ind.empty or ind["group"].nunique() < 2:
        return None
    lang = s.lang
    present = list(dict.fromkeys(ind["indicator"]))
    # the targets, then the resources, then the rest: as many as a page is wide
    order = [*CITY_TARGETS, *CITY_RESOURCES, *present]
    keys = [k for k in dict.fromkeys(order) if k in present][:COMPARE_COLUMNS]
    ind = ind[ind["indicator"].isin(keys)]
    first = ind.drop_duplicates("indicator").set_index("indicator")
    labels = {k: _label(s, k, first.loc[k]) for k in keys}
    rows, highlight = [], []
    for i, (gid, group) in enumerate(ind.groupby("group", sort=False)):
        row = {col("city", lang): s.names(group["group_name"].iloc[0], gid)}
        by = group.set_index("indicator")
        for k in keys:
            if k in by.index:
                r = by.loc[k]
                row[labels[k]] = f"{fmt_value(r['value'], str(r['unit']))} (#{int(r['place'])})"
            else:
                row[labels[k]] = "—"
        rows.append(row)
        if gid == s.city_id:
            highlight.append(i)
    df = pd.DataFrame(rows)
    section = Section("compare", txt("compare", lang), [txt("compare_intro", lang)])
    if len(present) > len(keys):
        section.paragraphs.append(
            f"表中为其中 {len(keys)} 项（政策目标在前）；"
            f"全部 {len(present)} 项见各市概况（--city）。"
            if s.zh
            else f"The table shows {len(keys)} of the {len(present)} comparable indicators (the "
            "policy's targets first); a city's own brief (--city) lists them all."
        )
    section.tables.append(
        BriefTable(
            "compare",
            txt("compare", lang),
            df,
            numeric=tuple(df.columns[1:]),
            highlight=tuple(highlight),
            nowrap=(col("city", lang),),
        )
    )
    return section


def city_profile_section(s: Scope, province: pd.DataFrame) -> Section | None:
    """The chosen city on every comparable indicator: its value, the province's, its
    place among the cities; and its trend."""
    if s.city_id is None:
        return None
    lang = s.lang
    ind = _comparable(s)
    mine = ind[ind["group"] == s.city_id]
    n = ind["group"].nunique()
    city = s.where()
    section = Section(
        "city",
        txt("city_profile", lang, city=city),
        [txt("city_profile_intro", lang, city=city, n=n)],
    )
    prov = province.set_index("indicator") if len(province) else pd.DataFrame()
    rows = []
    for r in mine.itertuples(index=False):
        key = str(r.indicator)
        p = prov.loc[key] if key in prov.index else None
        rows.append(
            {
                col("indicator", lang): _label(s, key, pd.Series(r._asdict()), full=True),
                city: fmt_value(r.value, str(r.unit)),
                col("province", lang): fmt_value(p["value"], str(p["unit"]))
                if p is not None
                else "—",
                col("place", lang): f"{int(r.place)} / {n}",
            }
        )
    if rows:
        df = pd.DataFrame(rows)
        section.tables.append(
            BriefTable(
                "city_profile",
                section.title,
                df,
                numeric=(city, col("province", lang), col("place", lang)),
            )
        )
    else:
        section.paragraphs.append(
            "图中没有可逐市比较的指标。"
            if s.zh
            else "The graph has no indicator to compare by city."
        )
    return section
