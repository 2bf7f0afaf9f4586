"""Where the province (or a city) stands against each target of the policy: met or not
by the deadline and by how much, the latest value, the trend since 2016, or why the
graph cannot tell.

The figures are :func:`innokg.queries.indicators.policy_indicators`'s: as of the
deadline year for "by the deadline", as of the brief's year for "latest", and its
``by="year"`` series from 2016 (the policy dates from December 2016) for the trend.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from innokg.brief.charts import Panel, svg_panels
from innokg.brief.model import BriefTable, Chart
from innokg.brief.scope import Scope, lacks
from innokg.brief.words import col, fmt_value, num, pick, short, txt
from innokg.graph.errors import QueryError
from innokg.queries.indicators import policy_indicators

__all__ = [
    "SHORT",
    "TargetStatus",
    "short_name",
    "target_statuses",
    "targets_chart",
    "targets_table",
]

#: The year the policy starts from: trends run from it.
START = 2016

#: Short names of the indicators with targets, for charts and narrow columns.
SHORT: dict[str, tuple[str, str]] = {
    "platform_coverage": ("“双创”平台普及率", "platform coverage"),
    "demonstration_platforms": ("示范平台", "demonstration platforms"),
    "demonstration_teams": ("创客示范团队", "demonstration maker teams"),
    "entrepreneurs": ("创新型企业家", "innovative entrepreneurs"),
    "typical_cases": ("当年典型案例", "typical cases this year"),
}


def short_name(key: str, row: Any, lang: str) -> str:
    if key in SHORT:
        return SHORT[key][0 if lang == "zh" else 1]
    name = pick(row, "indicator_zh", "indicator_en", "zh" if lang == "zh" else "en")
    return short(name, 14 if lang == "zh" else 28)


@dataclass
class TargetStatus:
    """One target of the policy and where the scope stands against it."""

    indicator: str
    article: int | None
    name: str
    unit: str
    target_unit: str
    target: float | None
    basis: str
    deadline: int | None
    reason: str | None = None  # why it cannot be measured
    year: int | None = None
    value: float | None = None
    met: bool | None = None
    gap: float | None = None
    at_deadline: tuple[float, float, bool] | None = None  # value, target, met
    series: list[tuple[int, float]] = field(default_factory=list)

    @property
    def measurable(self) -> bool:
        return self.reason is None


def _reason(text: str) -> str:
    """The first clause of a 'not measurable' note: what is missing."""
    text = re.split(r" \(|（|; |；| in the data: ", text, maxsplit=1)[0]
    return re.sub(r": not measurable$", "", text).strip()


def _f(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def target_statuses(s: Scope) -> list[TargetStatus]:
    """One :class:`TargetStatus` per target the policy sets, by article."""
    pm = s.measures()
    keys = [str(k) for k in pm.loc[pm["target"].notna(), "indicator"]]
    if not keys:
        return []
    units = pm.set_index("indicator")["target_unit"]
    if s.city_id is None:
        now = policy_indicators(s.G, year=s.year, indicators=keys)
    else:
        now = policy_indicators(s.G, by="city", year=s.year, indicators=keys)
        now = now[now["group"] == s.city_id]
    series = pd.DataFrame()
    if s.year is not None:
        try:
            series = policy_indicators(
                s.G, by="year", year=s.year, start=START, city=s.city, indicators=keys
            )
        except QueryError:  # no years recorded
            series = pd.DataFrame()
    out = []
    for r in now.itertuples(index=False):
        row = r._asdict()
        key = str(r.indicator)
        deadline = None if pd.isna(r.deadline) else int(r.deadline)
        pm_row = pm[pm["indicator"] == key].iloc[0]
        status = TargetStatus(
            indicator=key,
            article=None if pd.isna(r.article) else int(r.article),
            name=short_name(key, row, s.lang),
            unit=str(r.unit),
            target_unit=str(units.get(key, "") or ""),
            target=_f(r.target) if not pd.isna(r.target) else _f(pm_row["target"]),
            basis=str(r.target_basis or ""),
            deadline=deadline,
            year=s.year,
        )
        lack = lacks(s.G, row, s.lang)
        if lack is not None:
            status.reason = _reason(lack)
            out.append(status)
            continue
        status.value, status.gap = _f(r.value), _f(r.gap)
        status.met = None if pd.isna(r.met) else bool(r.met)
        if len(series):
            mine = series[(series["indicator"] == key) & series["measurable"].fillna(False)]
            pts = [
                (int(y), float(v))
                for y, v in zip(mine["group"], mine["value"], strict=True)
                if not pd.isna(v)
            ]
            status.series = pts
            if deadline is not None and s.year is not None and deadline <= s.year:
                at = mine[mine["group"] == str(deadline)]
                if (
                    len(at)
                    and not pd.isna(at["value"].iloc[0])
                    and not pd.isna(at["target"].iloc[0])
                ):
                    v, t = float(at["value"].iloc[0]), float(at["target"].iloc[0])
                    status.at_deadline = (v, t, v >= t)
        out.append(status)
    return out


# --- words ----------------------------------------------------------------------------------


def _short_by(st: TargetStatus, value: float, target: float, lang: str) -> str:
    gap = max(0.0, target - value)
    if st.unit == "share":
        return f"差 {gap * 100:.1f} 个百分点" if lang == "zh" else f"{gap * 100:.1f} pts short"
    return f"差 {num(gap)}" if lang == "zh" else f"{num(gap)} short"


def target_text(st: TargetStatus, lang: str) -> str:
    """The target in words: "≥ 80% by end-2018", "100 (no deadline)", "10 a year"."""
    if st.target is None:
        return "—"
    t = fmt_value(st.target, "share" if st.unit == "share" else "count")
    t = t.replace(".0%", "%")
    if st.target_unit == "per_year":
        t += "（每年）" if lang == "zh" else " a year"
    if st.basis == "pro_rata":
        t += "（按比例）" if lang == "zh" else " (pro rata)"
    if st.deadline is not None:
        t += f"，{st.deadline} 年底前" if lang == "zh" else f" by end-{st.deadline}"
    return t


def deadline_text(st: TargetStatus, lang: str) -> str:
    zh = lang == "zh"
    if not st.measurable:
        return (
            f"{txt('not_measurable', 'zh' if zh else 'en')}：{st.reason}"
            if zh
            else (f"not measurable: {st.reason}")
        )
    if st.deadline is None:
        return "未设期限" if zh else "no deadline set"
    if st.year is None or st.deadline > st.year:
        return (
            f"{st.deadline} 年底到期（数据截至 {st.year}）"
            if zh
            else f"due end-{st.deadline} (data to {st.year})"
        )
    if st.at_deadline is None:
        return "期限当年无数据" if zh else f"no data for {st.deadline}"
    v, t, met = st.at_deadline
    shown = fmt_value(v, st.unit)
    if met:
        return f"✓ 按期达标（{shown}）" if zh else f"✓ met by end-{st.deadline} ({shown})"
    return (
        f"✗ 未按期达标：{shown}，{_short_by(st, v, t, lang)}"
        if zh
        else f"✗ not met by end-{st.deadline}: {shown}, {_short_by(st, v, t, lang)}"
    )


def latest_text(st: TargetStatus, lang: str) -> str:
    if not st.measurable or st.value is None:
        return "—"
    zh = lang == "zh"
    shown = fmt_value(st.value, st.unit)
    when = f"（{st.year}）" if zh and st.year else f" ({st.year})" if st.year else ""
    if st.met is None or st.target is None:
        return shown + when
    if st.met:
        return f"{shown}{when} ✓"
    return f"{shown}{when} ✗ {_short_by(st, st.value, st.target, lang)}"


def trend_text(st: TargetStatus, lang: str) -> str:
    """Change from the first year of the series to the last, and the yearly pace."""
    if len(st.series) < 2:
        return "—"
    (y0, v0), (y1, v1) = st.series[0], st.series[-1]
    zh = lang == "zh"
    delta = v1 - v0
    if st.unit == "share":
        d = f"{delta * 100:+.1f}" + (" 个百分点" if zh else " pts")
    else:
        d = f"{delta:+,.0f}" if abs(delta - round(delta)) < 0.05 else f"{delta:+,.1f}"
    text = (
        f"{y0}–{y1}：{fmt_value(v0, st.unit)} → {fmt_value(v1, st.unit)}（{d}）"
        if zh
        else f"{y0}–{y1}: {fmt_value(v0, st.unit)} → {fmt_value(v1, st.unit)} ({d})"
    )
    return text


def pace(st: TargetStatus) -> float | None:
    """Average change a year over the series (None with fewer than two years)."""
    if len(st.series) < 2:
        return None
    (y0, v0), (y1, v1) = st.series[0], st.series[-1]
    return (v1 - v0) / (y1 - y0) if y1 > y0 else None


def year_reached(st: TargetStatus) -> int | None:
    """The year the target would be reached at the series' pace (None: not at all)."""
    p = pace(st)
    if st.value is None or st.target is None or st.year is None:
        return None
    if st.value >= st.target:
        return st.year
    if p is None or p <= 0:
        return None
    return st.year + math.ceil((st.target - st.value) / p - 1e-9)


def targets_table(s: Scope, statuses: list[TargetStatus]) -> BriefTable:
    lang = s.lang
    rows = [
        {
            col("article", lang): str(st.article) if st.article is not None else "—",
            col("target_name", lang): f"{st.name}{'：' if lang == 'zh' else ': '}"
            + target_text(st, lang),
            col("by_deadline", lang): deadline_text(st, lang),
            col("now", lang): latest_text(st, lang),
            col("trend", lang): trend_text(st, lang),
        }
        for st in statuses
    ]
    df = pd.DataFrame(rows)
    return BriefTable(
        "targets",
        txt("where_stands", lang) if s.city_id is None else txt("where_city", lang, city=s.where()),
        df,
        nowrap=(col("article", lang),),
    )


def targets_chart(s: Scope, statuses: list[TargetStatus]) -> Chart | None:
    """One small panel per measurable target: its yearly values and the target."""
    panels = []
    for st in statuses:
        if len(st.series) < 2:
            continue
        panels.append(
            Panel(
                label=st.name,
                points=tuple(st.series),
                text=fmt_value(st.value, st.unit),
                target=st.target,
                met=st.met,
            )
        )
    if not panels:
        return None
    title = txt("chart_trend_province", s.lang)
    if s.city_id is not None:
        title = f"{s.where()}{'历年变化' if s.zh else ' year by year'}"
    note = (
        "虚线为目标；各图纵轴各自缩放。"
        if s.zh
        else "Dashed: the target. Each panel has its own vertical scale."
    )
    svg = svg_panels(panels, title=title, note=note, shared_scale=False, columns=len(panels))
    return Chart(svg, "targets_trend", title)
