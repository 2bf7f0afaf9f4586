"""What a row says, in English and in Chinese: why an indicator cannot be measured
(the needs), what to bear in mind when it can (the info), and what stands behind each
group's figure (the details)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from innokg.queries.indicators.context import Context, Units, _entrepreneurs
from innokg.queries.indicators.counts import (
    _listed,
    _national_centres,
    _specialisation_edges,
    _tech_centres,
    _universities,
)

_NO_SIZES = (
    "no firm sizes in the data: which enterprises are large or medium is unknown",
    "数据中没有企业规模：无法判断哪些企业是大中型企业",
)
_LM = "large or medium industrial firms"
#: What a share or mean is taken over (``Indicator.base``), in Chinese.
_BASE_ZH = {_LM: "大中型工业企业", "industrial clusters": "产业集聚区", "maker teams": "创客团队"}

#: A sentence in English and in Chinese.
Words = tuple[str, str]


# --- when an indicator can be measured -------------------------------------------------

Need = Callable[[Context], "Words | None"]


def _sizes(c: Context) -> Words | None:
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

    def need(c: Context) -> Words | None:
        mask = c.A.mask(label) if kinds is None else c.kind_in(label, kinds)
        return None if mask.any() else _absent(what)

    return need


def _any_recognised(label: str, column: str, what: Words) -> Need:
    def need(c: Context) -> Words | None:
        mask = c.A.mask(label) & ~np.isnan(c.A.values(column))
        if label == "Person":
            mask &= _entrepreneurs(c.A)
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

    def need(c: Context) -> Words | None:
        A = c.A
        key = ("indicators", "linked", tuple(etypes), src_label, dst_label, kinds and tuple(kinds))
        if key not in A.memo:  # any year: the same answer for every year of a series
            src_ok = A.mask(src_label)
            dst_ok = A.mask(dst_label) if kinds is None else c.kind_in(dst_label, kinds)
            A.memo[key] = any(
                (src_ok[src] & dst_ok[dst]).any()
                for src, dst in (c.time.ends(etype) for etype in etypes)
            )
        return None if A.memo[key] else _absent(what, etypes)

    return need


def _firm_links(outgoing: Sequence[str], incoming: Sequence[str], what: Words) -> Need:
    """The graph must record a link of a firm: one of ``outgoing`` from it or of
    ``incoming`` to it, in any year.  Without one, every firm would score 0 for want
    of records, not of partners."""

    def need(c: Context) -> Words | None:
        key = ("indicators", "firm-links", tuple(outgoing), tuple(incoming))
        if key not in c.A.memo:  # any year
            ent = c.A.mask("Enterprise")
            c.A.memo[key] = any(
                ent[c.time.ends(etype)[end]].any()
                for etypes, end in ((outgoing, 0), (incoming, 1))
                for etype in etypes
            )
        return None if c.A.memo[key] else _absent(what)

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


def _need_year(c: Context) -> Words | None:
    if c.year is not None:
        return None
    return "needs a year (the cases are chosen year by year)", "需要指定年份（典型案例逐年遴选）"


def _need_candidates(c: Context) -> Words | None:
    """The cases are chosen among L&M firms: with none, no count can fall short."""
    if c.lm.any():
        return None
    when = f" in {c.year}" if c.year is not None else ""
    when_zh = f"{c.year} 年" if c.year is not None else ""
    return (
        f"no {_LM}{when}: no candidates for typical cases",
        f"{when_zh}没有大中型工业企业：典型案例无候选企业",
    )


def _need_tech_centres(c: Context) -> Words | None:
    A = c.A
    plat = _national_centres(c)
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


def _need_listed(c: Context) -> Words | None:
    if _listed(c).any():
        return None
    return (
        "no listed firms placed in the province's regions: not measurable",
        "省内各地区没有可定位的上市公司：无法测算",
    )


def _need_specialisations(c: Context) -> Words | None:
    if not len(c.A.edges("SPECIALISES_IN")[0]):
        return (
            "no location quotients (SPECIALISES_IN) in the data: not measurable",
            "数据中没有区位商（SPECIALISES_IN）：无法测算",
        )
    years = c.A.edge_values("SPECIALISES_IN", "year")
    if c.year is not None and (~np.isnan(years)).any() and c.year < np.nanmin(years):
        return (
            f"location quotients in the data are for {_span(years)} only",
            f"数据中的区位商仅有 {_span(years)} 年",
        )
    return None


def _span(years: np.ndarray) -> str:
    ys = years[~np.isnan(years)]
    lo, hi = int(ys.min()), int(ys.max())
    return str(lo) if lo == hi else f"{lo}–{hi}"


# --- what to say about a measurable indicator ------------------------------------------


def _info_tech(c: Context) -> Words:
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


def _info_host_firms(c: Context) -> Words:
    return (
        "host enterprises of the centres, placed by the firm's own address",
        "技术中心的依托企业，按企业自身地址定位",
    )


def _info_listed(c: Context) -> Words:
    text = (
        "listed firms placed in the province's regions (chain partners elsewhere are not "
        "counted); a city's row counts those placed in a city"
    )
    text_zh = "可定位到省内各地区的上市公司（省外的产业链伙伴不计）；城市一行计定位到该市的公司"
    if c.year is not None and np.isnan(c.A.values("since")[_listed(c)]).all():
        text += f"; listing dates are not in the graph, so firms listed after {c.year} count too"
        text_zh += f"；图中没有上市日期，{c.year} 年以后上市的公司也计入"
    return text, text_zh


def _info_universities(c: Context) -> Words:
    text = "universities and colleges (本科 and 专科) placed in the province's regions"
    text_zh = "可定位到省内各地区的高等学校（本科和专科）"
    if c.year is not None and np.isnan(c.A.values("since")[_universities(c)]).all():
        text += "; founding years are not in the graph: the list as it stands"
        text_zh += "；图中没有建校年份：按现有名单计"
    return text, text_zh


def _info_specialisations(c: Context) -> Words:
    _, _, _, y = _specialisation_edges(c)
    dated = len(y) and (~np.isnan(y)).any()
    when = f"of {_span(y)} " if dated else ""
    when_zh = f" {_span(y)} 年" if dated else ""
    return (
        f"location quotients {when}as published (method not documented by the source): a "
        "city–division pair of sections B-D (工业) counts when its quotient is above 1; "
        "a city's row counts its divisions, an industry's row its cities",
        f"区位商{when_zh}按来源公布值（来源未说明计算方法）：B-D 门类（工业）中区位商大于 1 的"
        "城市—行业大类计入；城市一行计其行业大类数，行业一行计其城市数",
    )


# --- row details -----------------------------------------------------------------------

Detail = Callable[[Context, Units, np.ndarray, int], list[Words]]


def _detail_unplaced(c: Context, units: Units, g: np.ndarray, k: int) -> list[Words]:
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


def _detail_tech(c: Context, units: Units, g: np.ndarray, k: int) -> list[Words]:
    branch = c.A.values("branch", dtype="float64", fill=np.nan) == 1
    unplaced = _detail_unplaced(c, units, g, k)
    out = []
    for i in range(k):
        n = int(branch[units.unit[g == i]].sum())
        parts = [f"incl. {n} branch centre{'s' if n > 1 else ''}" if n else "", unplaced[i][0]]
        parts_zh = [f"含分中心 {n} 个" if n else "", unplaced[i][1]]
        out.append((_join(*parts), _join_zh(*parts_zh)))
    return out


def _detail_universities(c: Context, units: Units, g: np.ndarray, k: int) -> list[Words]:
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


def _detail_specialisations(c: Context, units: Units, g: np.ndarray, k: int) -> list[Words]:
    A = c.A
    city, ind, q, _ = _specialisation_edges(c)
    pairs = pd.DataFrame({"unit": city * A.n + ind, "city": city, "ind": ind, "q": q})
    pairs = pairs.drop_duplicates("unit").set_index("unit")
    code = A.values("code", dtype="object", fill="")
    shown = np.union1d(city, ind)
    names = dict(zip(shown.tolist(), A.names_at(shown), strict=True))
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
            out.append(("top: " + ", ".join(items), "区位商最高：" + "、".join(items)))
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


def _fmt_target(target: float, unit: str, deadline: object) -> Words:
    text = f"{target:.0%}" if unit == "share" else f"{target:g}"
    text_zh = f"每年 {text}" if unit == "per_year" else text
    if unit == "per_year":
        text += " a year"
    if deadline is not None and not pd.isna(deadline):
        text += f" by {int(deadline)}"  # type: ignore[call-overload]
        text_zh = f"{int(deadline)} 年前达到 {text_zh}"  # type: ignore[call-overload]
    return text, text_zh


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _join_zh(*parts: str) -> str:
    return "；".join(p for p in parts if p)
