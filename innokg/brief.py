"""The policy brief: what the graph says about the policy, for people who print it.

:func:`build_brief` gathers, from the query modules and nothing else, the figures a
policy officer needs: the headline indicators against the seed policy's targets
(met or not, and the gap), by city; the main supply-chain clusters and their fragile
points (single-sourced inputs, organisations that alone link clusters); the largest
collaboration gaps; the strongest partnership candidates with their reasons; and the
method and provenance behind them (sources, build date, what is inferred or
synthetic).  The analyses are :mod:`innokg.queries.indicators`, :mod:`innokg.queries.clusters`,
:mod:`innokg.queries.gaps` and :mod:`innokg.queries.partners`; this module only selects, words
and lays out their results.

The brief is then written as:

- **HTML** (:func:`render_html`): one self-contained file, no script, no web font,
  no request (a Content-Security-Policy forbids them), charts as inline SVG whose
  labels are text (so Chinese renders with whatever CJK font the reader has, and can
  be searched and copied), and a print stylesheet for A4;
- **Markdown** (:func:`render_markdown`), the same text and tables;
- **Excel** (:func:`write_brief_xlsx`), one sheet per table, formulas neutralised.

Every name from the data is escaped for its format.  Chinese (``lang="zh"``) and
English (``lang="en"``) share the figures; names of organisations stay as in the data.

Examples
--------
>>> from innokg.graph.ecosystem import EcosystemGraph
>>> G = EcosystemGraph.open("innokg-demo")  # doctest: +SKIP
>>> brief = build_brief(G, lang="en", city="Zhengzhou")  # doctest: +SKIP
>>> write_brief(brief, "brief.html")  # doctest: +SKIP
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError
from innokg.graph.schema import SCHEMA_VERSION
from innokg.output import neutralise_formulas
from innokg.queries.arrays import arrays, resolve_city
from innokg.queries.clusters import supply_clusters
from innokg.queries.gaps import GAP_KINDS, collaboration_gaps
from innokg.queries.indicators import latest_year, policy_indicators, policy_measures
from innokg.queries.partners import KINDS, candidate_partners

__all__ = [
    "BRIEF_FORMATS",
    "Brief",
    "BriefTable",
    "Section",
    "build_brief",
    "render_html",
    "render_markdown",
    "write_brief",
    "write_brief_xlsx",
]

#: Formats :func:`write_brief` writes.
BRIEF_FORMATS = ("html", "md", "xlsx")

Lang = Literal["zh", "en"]

# Indicators whose targets the brief charts by city (shares and counts with targets).
_CITY_INDICATORS = (
    "platform_coverage",
    "demonstration_platforms",
    "demonstration_teams",
    "entrepreneurs",
)
#: What the data shows of each city without a policy target: its innovation resources,
#: with the short column names the brief gives them (zh, en).
_CITY_RESOURCES = {
    "national_tech_centres": ("国家级技术中心", "National tech centres"),
    "tech_centre_firms": ("有技术中心的企业", "Firms with one"),
    "listed_firms": ("上市公司", "Listed firms"),
    "universities": ("高校", "Universities"),
    "specialisations": ("专业化工业行业", "Specialised industries"),
}
_GAP_ORDER = (
    "no_research_partner",
    "cluster_support",
    "team_no_finance",
    "below_target",
    "structural_hole",
    "unspanned_pair",
)
_FRAGILE = ("single_source", "broker")

_T: dict[str, tuple[str, str]] = {
    "title": (
        "大中型工业企业“双创”生态政策简报",
        "Policy brief: the 双创 ecosystem of large and medium industrial enterprises",
    ),
    "province": ("全省", "the whole province"),
    "scope": ("范围", "Scope"),
    "as_of": ("数据截至", "As of"),
    "all_years": ("图中全部记录", "everything in the graph"),
    "generated": ("生成于", "Generated"),
    "built": ("数据包构建于", "package built"),
    "synthetic": (
        "合成示例数据：本简报中的企业、机构、平台、团队、基金和人物均为演示而虚构，"
        "并非任何真实机构的事实，也不反映河南省的实际进展。",
        "SYNTHETIC DEMO DATA: every enterprise, institute, platform, team, fund and person "
        "in this brief was invented for a demonstration. Nothing here is a fact about a "
        "real organisation or a measurement of Henan's actual progress.",
    ),
    "findings": ("要点", "Key findings"),
    "headline": ("核心指标与政策目标", "Headline indicators against the policy's targets"),
    "headline_intro": (
        "依据 2016 年《关于促进大中型工业企业大众创业万众创新的指导意见》设定的目标。",
        "Against the targets of the 2016 guidance on mass entrepreneurship and innovation "
        "in large and medium industrial enterprises.",
    ),
    "by_city": ("分城市进展", "Progress by city"),
    "city_resources": (
        "各市创新资源（图中数据，政策未设目标）",
        "Each city's innovation resources (from the graph; the policy sets no target)",
    ),
    "by_city_intro": (
        "比例类目标各市相同；数量类目标按各市大中型工业企业占全省的比例分摊（“按比例”）。",
        "Share targets apply to every city as they are; count targets are apportioned by "
        "each city's share of the province's large and medium industrial firms (pro rata).",
    ),
    "clusters": ("供应链集群与薄弱环节", "Supply-chain clusters and their fragile points"),
    "clusters_intro": (
        "集群由供货关系（及产品上下游推断的联系）划分；链主为集群内从最多成员采购、处于下游、"
        "规模较大的整机或终端产品企业，核心供应商另列；无成员间采购的集群不指定链主。",
        "Clusters are communities of the supply network (and of links inferred from "
        "products); the chain leader (链主) is the downstream maker that buys from the most "
        "members, weighted by its position and size; key suppliers are listed apart, and a "
        "cluster in which no member buys from another has no leader.",
    ),
    "fragile_single": ("单一来源投入（仅一家供应商）", "Inputs from a single supplier"),
    "fragile_broker": ("独自连接集群的组织", "Organisations that alone link clusters"),
    "gaps": ("主要合作缺口", "The largest collaboration gaps"),
    "partners": ("优先撮合的合作候选", "Partnerships worth brokering first"),
    "partners_intro": (
        "候选由图上的链接预测（元路径 Adamic–Adar）排序，并说明依据；它们是建议，不是事实。",
        "Candidates are ranked by link prediction on the graph (meta-path Adamic-Adar), "
        "each with its reasons; they are suggestions, not facts.",
    ),
    "context": ("其他监测指标（政策未设目标）", "Other indicators (no target in the policy)"),
    "method": ("方法说明与数据来源", "Method and provenance"),
    "in_all": ("共", "in all"),
    "shown": ("显示前", "showing the first"),
    "none": ("无", "none"),
    "chart_progress": ("目标完成度（现值 ÷ 目标）", "Progress to target (value ÷ target)"),
    "chart_coverage": (
        "各市“双创”平台普及率（目标 80%）",
        "双创 platform coverage by city (target 80%)",
    ),
    "chart_demo": (
        "各市“双创”示范平台数与按比例目标",
        "Demonstration platforms by city against pro-rata targets",
    ),
    "met": ("✓ 达标", "✓ met"),
    "unmet": ("✗ 未达标", "✗ not met"),
    "pts": ("个百分点", "pts"),
    "pro_rata": ("按比例", "pro rata"),
    "per_year": ("每年", "a year"),
    "end_of": ("年底", "end-"),
    "charts_in_html": ("图表见 HTML 版。", "Charts are in the HTML version."),
}

_COLS: dict[str, tuple[str, str]] = {
    "article": ("条款", "Article"),
    "indicator": ("指标", "Indicator"),
    "value": ("现值", "Value"),
    "target": ("目标", "Target"),
    "deadline": ("期限", "Due"),
    "gap": ("差距", "Gap"),
    "status": ("状态", "Status"),
    "city": ("城市", "City"),
    "lm_firms": ("大中型工业企业", "L&M firms"),
    "cluster": ("集群", "Cluster"),
    "label": ("名称", "Name"),
    "size": ("企业数", "Firms"),
    "leader": ("链主", "Chain leader"),
    "cities": ("主要城市", "Main cities"),
    "single_sourced": ("单一来源投入", "Single-sourced inputs"),
    "bridging": ("桥接企业", "Bridging firms"),
    "institutes": ("科研机构", "Institutes"),
    "alliances": ("联盟", "Alliances"),
    "funds": ("基金", "Funds"),
    "platforms": ("平台", "Platforms"),
    "name": ("名称", "Name"),
    "missing": ("缺少", "Missing"),
    "detail": ("说明", "Detail"),
    "rank": ("排名", "Rank"),
    "source": ("提议方", "Proposer"),
    "partner": ("合作对象", "Partner"),
    "score": ("得分", "Score"),
    "reasons": ("依据", "Reasons"),
    "unit": ("单位", "Unit"),
    "field": ("项目", "Field"),
    "entry": ("内容", "Value"),
}


def _t(key: str, lang: Lang) -> str:
    zh, en = _T[key]
    return zh if lang == "zh" else en


def _c(key: str, lang: Lang) -> str:
    zh, en = _COLS[key]
    return zh if lang == "zh" else en


@dataclass
class BriefTable:
    """One table of the brief, ready to show: text cells, headers in the brief's language.

    ``numeric`` names the columns to align right, ``nowrap`` short columns kept on one
    line; ``highlight`` the rows to stress (the chosen city); ``total`` how many rows
    the full result had.
    """

    key: str
    title: str
    df: pd.DataFrame
    numeric: tuple[str, ...] = ()
    highlight: tuple[int, ...] = ()
    total: int | None = None
    nowrap: tuple[str, ...] = ()
    #: shown instead of an empty table: why there is nothing (data the graph lacks)
    note: str | None = None


@dataclass
class Section:
    """A titled part of the brief: paragraphs, charts (SVG markup), tables."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    tables: list[BriefTable] = field(default_factory=list)


@dataclass
class Brief:
    """Everything a brief says, independent of its format."""

    lang: Lang
    title: str
    meta: list[tuple[str, str]]
    synthetic: bool
    findings: list[str]
    sections: list[Section]

    @property
    def tables(self) -> list[BriefTable]:
        return [t for s in self.sections for t in s.tables]


# --- numbers in words --------------------------------------------------------------------


def _num(value: float, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if digits == 0 and abs(value - round(value)) >= 0.05:
        digits = 1
    return f"{value:,.{digits}f}"


def _fmt_value(value: float, unit: str) -> str:
    if value is None or pd.isna(value):
        return "—"
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "mean":
        return f"{value:.2f}"
    return _num(float(value))


def _fmt_gap(gap: float, unit: str, lang: Lang) -> str:
    if gap is None or pd.isna(gap):
        return "—"
    if unit == "share":
        return f"{gap * 100:.1f} {_t('pts', lang)}"
    return _num(float(gap))


def _fmt_target(target: float, unit: str, basis: str, target_unit: str, lang: Lang) -> str:
    if target is None or pd.isna(target):
        return "—"
    text = "≥ " + _fmt_value(target, "share" if unit == "share" else "count")
    if target_unit == "per_year":
        text += " " + _t("per_year", lang) if lang == "en" else f"（{_t('per_year', lang)}）"
    if basis == "pro_rata":
        text += f" ({_t('pro_rata', lang)})" if lang == "en" else f"（{_t('pro_rata', lang)}）"
    return text


def _fmt_deadline(deadline: Any, lang: Lang) -> str:
    if deadline is None or pd.isna(deadline):
        return "—"
    return f"{int(deadline)} {_t('end_of', lang)}" if lang == "zh" else f"end-{int(deadline)}"


def _status(met: Any, lang: Lang) -> str:
    if met is None or pd.isna(met):
        return "—"
    return _t("met", lang) if bool(met) else _t("unmet", lang)


def _pick(row: Any, zh: str, en: str, lang: Lang) -> str:
    value = row[zh] if lang == "zh" else row[en]
    if value is None or pd.isna(value) or not str(value):
        value = row[zh]
    return "" if value is None or pd.isna(value) else str(value)


# --- charts ------------------------------------------------------------------------------

_FONT = (
    "system-ui, -apple-system, 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', "
    "'PingFang SC', 'WenQuanYi Micro Hei', sans-serif"
)


@dataclass(frozen=True)
class _Bar:
    label: str
    value: float
    text: str
    target: float | None = None
    met: bool | None = None
    highlight: bool = False


def _svg_bars(
    bars: Sequence[_Bar], *, title: str, reference: tuple[float, str] | None = None
) -> str:
    """A horizontal bar chart as SVG; every label is an SVG text element, escaped."""
    width, left, right, row, top = 680, 190, 110, 20, 30
    plot = width - left - right
    bottom = 24 if reference else 8
    height = top + row * len(bars) + bottom
    peak = max(
        [b.value for b in bars if not math.isnan(b.value)]
        + [b.target for b in bars if b.target is not None and not math.isnan(b.target)]
        + [reference[0] if reference else 0.0, 1e-9]
    )

    def x(v: float) -> float:
        return left + plot * max(0.0, v) / peak

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family="{html.escape(_FONT)}" '
        'font-size="12">',
        f"<title>{html.escape(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="bold">{html.escape(title)}</text>',
    ]
    for i, bar in enumerate(bars):
        y = top + i * row
        colour = "#5b7fa6" if bar.met is None else ("#2e7d32" if bar.met else "#c0392b")
        weight = ' font-weight="bold"' if bar.highlight else ""
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end"{weight}>'
            f"{html.escape(bar.label)}</text>"
        )
        if not math.isnan(bar.value):
            parts.append(
                f'<rect x="{left}" y="{y + 3}" width="{x(bar.value) - left:.1f}" height="13" '
                f'fill="{colour}"/>'
            )
        if bar.target is not None and not math.isnan(bar.target):
            tx = x(bar.target)
            parts.append(
                f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{y + 1}" y2="{y + 18}" '
                'stroke="#222" stroke-width="2"/>'
            )
        end = max(x(bar.value) if not math.isnan(bar.value) else left, x(bar.target or 0))
        parts.append(f'<text x="{end + 5:.1f}" y="{y + 13}"{weight}>{html.escape(bar.text)}</text>')
    if reference:
        rx = x(reference[0])
        y_end = top + row * len(bars)
        parts.append(
            f'<line x1="{rx:.1f}" x2="{rx:.1f}" y1="{top - 4}" y2="{y_end + 2}" stroke="#222" '
            'stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{rx:.1f}" y="{y_end + 16}" text-anchor="middle">'
            f"{html.escape(reference[1])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


# --- the sections ---------------------------------------------------------------------------


@dataclass
class _Scope:
    G: EcosystemGraph
    lang: Lang
    city: str | None  # as the user gave it
    city_id: str | None
    city_name: str | None
    year: int | None
    top: int
    names_en: dict[str, str] | None = None


#: Short names of the indicators with targets, for charts and narrow columns.
_SHORT: dict[str, tuple[str, str]] = {
    "platform_coverage": ("“双创”平台普及率", "platform coverage"),
    "demonstration_platforms": ("示范平台", "demonstration platforms"),
    "demonstration_teams": ("创客示范团队", "demonstration maker teams"),
    "entrepreneurs": ("创新型企业家", "innovative entrepreneurs"),
    "typical_cases": ("当年典型案例", "typical cases this year"),
}


def _indicator_name(row: Any, lang: Lang) -> str:
    return _pick(row, "indicator_zh", "indicator_en", lang)


def _short_name(key: str, row: Any, lang: Lang) -> str:
    if key in _SHORT:
        return _SHORT[key][0 if lang == "zh" else 1]
    return _short(_indicator_name(row, lang), 14 if lang == "zh" else 28)


#: What each indicator needs from the graph beyond large and medium industrial firms:
#: (label, property that must be filled somewhere, the missing data in words zh / en).
_NEEDS: dict[str, tuple[str, str | None, str, str]] = {
    "demonstration_platforms": (
        "Platform",
        "demonstration",
        "示范平台认定名单",
        "the list of recognised demonstration platforms",
    ),
    "demonstration_teams": ("MakerTeam", None, "创客团队", "maker teams"),
    "entrepreneurs": ("Person", None, "创新型企业家", "recognised entrepreneurs"),
    "social_teams": ("MakerTeam", None, "创客团队", "maker teams"),
    "maker_chain": ("MakerTeam", None, "创客团队", "maker teams"),
    "iur_alliances": ("Alliance", None, "联盟", "alliances"),
    "investment_platforms": ("Fund", None, "基金", "funds"),
    "maker_funds": ("Fund", None, "基金", "funds"),
    "teams_financed": ("MakerTeam", None, "创客团队", "maker teams"),
    "cluster_services": (
        "Platform",
        "demonstration",
        "双创基地和公共技术服务平台名单",
        "the lists of 双创 bases and public technology service platforms",
    ),
}
_NO_SIZES = (
    "缺少企业规模数据（无法识别大中型工业企业）",
    "no firm sizes (large and medium industrial firms cannot be identified)",
)


def _has(G: EcosystemGraph, label: str, prop: str | None) -> bool:
    df = G.nodes.get(label)
    if df is None or not len(df):
        return False
    if prop is None:
        return True
    return prop in df.columns and bool(df[prop].notna().any())


def _lm_known(G: EcosystemGraph) -> bool:
    df = G.nodes.get("Enterprise")
    return (
        df is not None and "size" in df.columns and bool(df["size"].isin(["large", "medium"]).any())
    )


def _lacks(G: EcosystemGraph, row: Any, lang: Lang) -> str | None:
    """What data an indicator row lacks (in words), or None when it is measurable.

    Uses the indicator table's own ``measurable`` / ``note`` columns where it has them
    (NA counts as not measurable); otherwise judges from the graph: shares need large
    and medium firms (firm sizes), counts the nodes they count."""

    def get(k: str) -> Any:
        return row.get(k) if isinstance(row, dict) else getattr(row, k, None)

    zh = lang == "zh"
    flag = get("measurable")
    declared = flag is not None
    if declared:
        if not pd.isna(flag) and bool(flag):
            return None
        note = get("note")  # the indicator module's notes are in English
        if not zh and note is not None and not pd.isna(note) and str(note):
            return str(note)
    key = str(get("indicator") or "")
    unit = str(get("unit") or "")
    if key in _NEEDS:
        label, prop, what_zh, what_en = _NEEDS[key]
        if not _has(G, label, prop):
            return f"缺少{what_zh}" if zh else f"no {what_en}"
    if unit in ("share", "mean") or key in ("typical_cases", "platform_coverage"):
        if not _lm_known(G):
            return _NO_SIZES[0 if zh else 1]
        value = get("value")
        if value is None or pd.isna(value):
            return "缺少大中型工业企业" if zh else "no large and medium industrial firms"
    if declared:
        return "缺少所需数据" if zh else "the data it needs are missing"
    return None


def _names_en(G: EcosystemGraph) -> dict[str, str]:
    """Chinese name and id -> English name, for nodes that have one (cities...)."""
    out: dict[str, str] = {}
    for label in ("Region", "Zone", "Industry"):
        df = G.nodes.get(label)
        if df is None or "name_en" not in df.columns:
            continue
        ok = df["name_en"].notna() & (df["name_en"].astype("string").str.len() > 0)
        for i, n, e in df.loc[ok, ["id", "name", "name_en"]].itertuples(index=False):
            out[str(i)] = str(e)
            out.setdefault(str(n), str(e))
    return out


def _en(s: _Scope, name: Any) -> str:
    """``name`` in the brief's language: the English name where the graph has one."""
    text = "" if name is None or (not isinstance(name, str) and pd.isna(name)) else str(name)
    if s.lang != "en" or not text:
        return text
    if s.names_en is None:
        s.names_en = _names_en(s.G)
    if text in s.names_en:
        return s.names_en[text]
    parts = re.split(r"(; |, | · | \| )", text)  # lists such as "安阳市 2%; 焦作市 1%"
    out = []
    for part in parts:
        head, _, tail = part.partition(" ")
        out.append(
            s.names_en.get(part)
            or (
                s.names_en[head] + " " + tail
                if head in s.names_en and tail
                else s.names_en.get(head, part)
            )
        )
    return "".join(out)


def _missing_line(items: list[tuple[str, str]], lang: Lang) -> str:
    """One line: what cannot be measured, and for lack of what data."""
    grouped: dict[str, list[str]] = {}
    for name, lack in items:
        grouped.setdefault(lack, []).append(name)
    if lang == "zh":
        return (
            "无法计算（图中缺少数据）："
            + "；".join(
                f"{'、'.join(names)}——{lack.rstrip('。')}" for lack, names in grouped.items()
            )
            + "。"
        )
    return (
        "Not measurable on this graph (data missing): "
        + "; ".join(f"{', '.join(names)}: {lack.rstrip('.')}" for lack, names in grouped.items())
        + "."
    )


def _headline(s: _Scope, findings: list[str]) -> tuple[Section, Section]:
    lang = s.lang
    if s.city_id is None:
        ind = policy_indicators(s.G, by="province", year=s.year)
    else:
        ind = policy_indicators(s.G, by="city", year=s.year)
        ind = ind[ind["group"] == s.city_id].reset_index(drop=True)
    units = policy_measures(s.G).drop_duplicates("indicator").set_index("indicator")["target_unit"]
    lacks = [_lacks(s.G, r._asdict(), lang) for r in ind.itertuples(index=False)]
    pm = policy_measures(s.G)
    with_target = (
        set(pm.loc[pm["target"].notna(), "indicator"].astype(str))
        if "target" in pm.columns and "indicator" in pm.columns
        else set()
    )
    ind = ind.assign(
        lacks_=lacks,
        has_target_=ind["target"].notna() | ind["indicator"].astype(str).isin(with_target),
    )
    unmeasured = [
        (_short_name(str(r.indicator), r._asdict(), lang), str(r.lacks_))
        for r in ind[ind["lacks_"].notna() & ind["has_target_"]].itertuples(index=False)
    ]
    targeted = ind[ind["target"].notna() & ind["lacks_"].isna()].reset_index(drop=True)
    ind["target"] = ind["target"].where(ind["target"].notna() | ~ind["has_target_"], 0.0)
    rows, bars = [], []
    for r in targeted.itertuples(index=False):
        target_unit = str(units.get(r.indicator, "") or "")
        rows.append(
            {
                _c("article", lang): str(r.article) if not pd.isna(r.article) else "—",
                _c("indicator", lang): _indicator_name(r._asdict(), lang),
                _c("value", lang): _fmt_value(r.value, r.unit),
                _c("target", lang): _fmt_target(
                    r.target, r.unit, r.target_basis, target_unit, lang
                ),
                _c("deadline", lang): _fmt_deadline(r.deadline, lang),
                _c("gap", lang): _fmt_gap(r.gap, r.unit, lang),
                _c("status", lang): _status(r.met, lang),
            }
        )
        ratio = float(r.value) / float(r.target) if r.target else float("nan")
        bars.append(
            _Bar(
                label=_short_name(r.indicator, r._asdict(), lang),
                value=min(ratio, 1.5) if not math.isnan(ratio) else float("nan"),
                text=f"{ratio * 100:.0f}%" if not math.isnan(ratio) else "—",
                met=None if pd.isna(r.met) else bool(r.met),
            )
        )
    head = Section("headline", _t("headline", lang), [_t("headline_intro", lang)])
    if unmeasured:
        head.paragraphs.append(_missing_line(unmeasured, lang))
    if bars:
        head.charts.append(
            _svg_bars(bars, title=_t("chart_progress", lang), reference=(1.0, "100%"))
        )
    if rows or not unmeasured:
        head.tables.append(
            BriefTable(
                "headline",
                _t("headline", lang),
                pd.DataFrame(rows),
                numeric=(_c("value", lang), _c("gap", lang)),
                nowrap=tuple(_c(k, lang) for k in ("article", "target", "deadline", "status")),
            )
        )
    _headline_findings(targeted, lang, findings)
    if unmeasured and not rows:
        findings.append(
            "政策目标均无法在本图上核算，原因见“核心指标与政策目标”。"
            if lang == "zh"
            else "None of the policy's targets can be checked on this graph; the headline "
            "section says which data are missing."
        )
    context_missing = [
        (_indicator_name(r._asdict(), lang), str(r.lacks_))
        for r in ind[~ind["has_target_"] & ind["lacks_"].notna()].itertuples(index=False)
    ]
    ind = ind[ind["lacks_"].isna()]
    context_rows = [
        {
            _c("article", lang): str(r.article) if not pd.isna(r.article) else "—",
            _c("indicator", lang): _indicator_name(r._asdict(), lang),
            _c("value", lang): _fmt_value(r.value, r.unit),
        }
        for r in ind[ind["target"].isna()].itertuples(index=False)
    ]
    context = Section("context", _t("context", lang))
    if context_missing:
        context.paragraphs.append(_missing_line(context_missing, lang))
    if context_rows or not context_missing:
        context.tables.append(
            BriefTable(
                "other_indicators",
                _t("context", lang),
                pd.DataFrame(context_rows),
                numeric=(_c("value", lang),),
            )
        )
    return head, context


def _headline_findings(targeted: pd.DataFrame, lang: Lang, findings: list[str]) -> None:
    by_key = {r.indicator: r for r in targeted.itertuples(index=False)}
    cov = by_key.get("platform_coverage")
    if cov is not None and not pd.isna(cov.value):
        if lang == "zh":
            state = "已达到" if cov.met else f"低于目标，差 {cov.gap * 100:.1f} 个百分点"
            findings.append(
                f"大中型工业企业“双创”平台普及率为 {cov.value * 100:.1f}%"
                f"（目标 {cov.target * 100:.0f}%），{state}。"
            )
        else:
            state = "meets it" if cov.met else f"{cov.gap * 100:.1f} points short"
            findings.append(
                f"{cov.value * 100:.1f}% of large and medium industrial firms have a 双创 "
                f"platform against a target of {cov.target * 100:.0f}%: {state}."
            )
    counts = [
        by_key[k]
        for k in ("demonstration_platforms", "demonstration_teams", "entrepreneurs")
        if k in by_key
    ]
    if counts:
        if lang == "zh":
            parts = "、".join(
                f"{r.indicator_zh} {_num(r.value)}（目标 {_num(r.target)}）" for r in counts
            )
            findings.append(f"数量目标：{parts}。")
        else:
            parts = "; ".join(
                f"{r.indicator_en}: {_num(r.value)} of {_num(r.target)}" for r in counts
            )
            findings.append(f"Count targets: {parts}.")


def _by_city(s: _Scope, findings: list[str]) -> Section:
    # every city indicator the section uses, computed once
    keys = list(dict.fromkeys([*_CITY_INDICATORS, *_MAP_INDICATORS]))
    ind = policy_indicators(s.G, by="city", year=s.year, indicators=keys)
    section = _by_city_targets(s, findings, ind[ind["indicator"].isin(_CITY_INDICATORS)])
    measured = _measured(ind)
    resources = measured[measured["indicator"].isin(list(_CITY_RESOURCES))]
    table = _city_resources(s, resources)
    if table is not None:
        section.tables.append(table)
        finding = _centres_finding(s, resources)
        if finding:
            findings.append(finding)
    _city_map(s, section, measured)
    return section


def _measured(ind: pd.DataFrame) -> pd.DataFrame:
    """The rows of an indicator table that carry a measured value."""
    ok = ind["measurable"].fillna(False).astype(bool) if "measurable" in ind.columns else True
    return ind[ok & ind["value"].notna()]


#: The city measures a map may show, most relevant first (the policy's headline
#: target, then the innovation resources the real data measure).
_MAP_INDICATORS = ("platform_coverage", "national_tech_centres", *_CITY_RESOURCES)


def _city_map(s: _Scope, section: Section, ind: pd.DataFrame) -> None:
    """Put a map of the most relevant measurable city indicator (of the measured rows
    ``ind``) first in the section, with a sentence saying what it shows and where its
    values are (for Markdown)."""
    from innokg.maps import indicator_map

    key = next((k for k in _MAP_INDICATORS if (ind["indicator"] == k).any()), None)
    if key is None:
        return
    try:
        m = indicator_map(s.G, key, year=s.year, lang=s.lang, highlight=s.city_id)
    except InnokgError:  # no city of the graph on the shipped outlines
        return
    if m.table["value"].notna().sum() == 0:
        return
    section.charts.insert(0, m.svg)
    what = _CITY_RESOURCES.get(key, _SHORT.get(key, (key, key)))[0 if s.lang == "zh" else 1]
    when = (
        ("" if s.year is None else f"（{s.year} 年）")
        if s.lang == "zh"
        else ("" if s.year is None else f" ({s.year})")
    )
    section.paragraphs.insert(
        1 if section.paragraphs else 0,
        f"地图按各市{what}着色{when}；各市数值见下表。"
        if s.lang == "zh"
        else f"The map colours each city by its {what.lower()}{when}; the table below gives "
        "each city's value.",
    )


def _centres_finding(s: _Scope, resources: pd.DataFrame) -> str | None:
    """Where the national technology centres concentrate: the top three cities."""
    rows = resources[resources["indicator"] == "national_tech_centres"]
    total = int(rows["value"].sum())
    if total == 0:
        return None
    top = rows.sort_values("value", ascending=False, kind="stable").head(3)
    names = _names_en(s.G) if s.lang == "en" else {}
    cities = [
        (names.get(str(g), str(n)), int(v))
        for g, n, v in zip(top["group"], top["group_name"], top["value"], strict=True)
    ]
    if s.lang == "zh":
        parts = "、".join(f"{c}（{v} 家）" for c, v in cities)
        return f"各市共有国家企业技术中心 {total} 家，最多的是{parts}。"
    parts = ", ".join(f"{c} ({v})" for c, v in cities)
    return f"The cities hold {total} national enterprise technology centres; most are in {parts}."


def _city_resources(s: _Scope, ind: pd.DataFrame) -> BriefTable | None:
    """The measured indicators without a target (rows ``ind``), one column each, one
    row per city."""
    lang = s.lang
    if ind.empty:
        return None
    names_en = _names_en(s.G) if lang == "en" else {}
    columns = {k: v[0 if lang == "zh" else 1] for k, v in _CITY_RESOURCES.items()}
    rows, highlight = [], []
    for i, (gid, group) in enumerate(ind.groupby("group", sort=False)):
        name = names_en.get(str(gid), str(group["group_name"].iloc[0]))
        row = {_c("city", lang): name}
        for r in group.itertuples(index=False):
            row[columns[str(r.indicator)]] = _num(r.value)
        rows.append(row)
        if gid == s.city_id:
            highlight.append(i)
    df = pd.DataFrame(rows).fillna("—")
    return BriefTable(
        "city_resources",
        _t("city_resources", lang),
        df,
        numeric=tuple(df.columns[1:]),
        highlight=tuple(highlight),
        nowrap=(_c("city", lang),),
    )


def _by_city_targets(s: _Scope, findings: list[str], ind: pd.DataFrame) -> Section:
    lang = s.lang
    section = Section("by_city", _t("by_city", lang), [_t("by_city_intro", lang)])
    if ind.empty:
        section.paragraphs = [
            "图中没有城市，无法分城市核算。"
            if lang == "zh"
            else "The graph has no cities to compare."
        ]
        return section
    ind = ind.assign(lacks_=[_lacks(s.G, r._asdict(), lang) for r in ind.itertuples(index=False)])
    if lang == "en":
        by_id = _names_en(s.G)
        ind["group_name"] = [
            by_id.get(str(g), str(n)) for g, n in zip(ind["group"], ind["group_name"], strict=True)
        ]
    if ind["lacks_"].notna().all():
        missing = ind.drop_duplicates("indicator")
        section.paragraphs = [
            _missing_line(
                [
                    (_short_name(str(r.indicator), r._asdict(), lang), str(r.lacks_))
                    for r in missing.itertuples(index=False)
                ],
                lang,
            )
        ]
        return section
    ind.loc[ind["lacks_"].notna(), ["value", "target", "met"]] = pd.NA
    names = {
        k: _short_name(str(k), r, lang)
        for k, r in ind.drop_duplicates("indicator").set_index("indicator").iterrows()
    }
    rows, highlight = [], []
    cities = ind.drop_duplicates("group")[["group", "group_name"]].itertuples(index=False)
    table = ind.set_index(["group", "indicator"])
    for i, (gid, gname) in enumerate(cities):
        row: dict[str, str] = {_c("city", lang): str(gname)}
        for key in _CITY_INDICATORS:
            if (gid, key) not in table.index:
                continue
            r = table.loc[(gid, key)]
            cell = _fmt_value(r["value"], r["unit"])
            if not pd.isna(r["target"]) and not pd.isna(r["value"]):
                cell += " / " + _fmt_value(r["target"], r["unit"])
                if not pd.isna(r["met"]):
                    cell += " ✓" if bool(r["met"]) else " ✗"
            row[names[key]] = cell
            if key == "platform_coverage":
                row[_c("lm_firms", lang)] = (
                    _num(r["denominator"])
                    if not pd.isna(r["denominator"]) and _lm_known(s.G)
                    else "—"
                )
        rows.append(row)
        if gid == s.city_id:
            highlight.append(i)
    df = pd.DataFrame(rows)
    first = [_c("city", lang), _c("lm_firms", lang)]
    df = df[[c for c in first if c in df.columns] + [c for c in df.columns if c not in first]]
    section.tables.append(
        BriefTable(
            "by_city",
            _t("by_city", lang),
            df,
            numeric=tuple(df.columns[1:]),
            highlight=tuple(highlight),
            nowrap=(_c("city", lang),),
        )
    )
    cov = ind[(ind["indicator"] == "platform_coverage") & ind["lacks_"].isna()]
    if len(cov):
        bars = [
            _Bar(
                label=str(r.group_name),
                value=float(r.value) if not pd.isna(r.value) else float("nan"),
                text=_fmt_value(r.value, "share")
                + (" ✓" if r.met is True else " ✗" if r.met is False else ""),
                met=None if pd.isna(r.met) else bool(r.met),
                highlight=r.group == s.city_id,
            )
            for r in cov.itertuples(index=False)
        ]
        target = float(cov["target"].dropna().iloc[0]) if cov["target"].notna().any() else None
        section.charts.append(
            _svg_bars(
                bars,
                title=_t("chart_coverage", lang),
                reference=(target, f"{target * 100:.0f}%") if target else None,
            )
        )
        met = cov[cov["met"].fillna(False).astype(bool)]
        worst = cov[cov["value"].notna()].sort_values("value").head(3)
        if s.city_id is None and len(worst):
            if lang == "zh":
                low = "、".join(
                    f"{r.group_name}（{r.value * 100:.1f}%）" for r in worst.itertuples()
                )
                findings.append(
                    f"{len(cov)} 个城市中有 {len(met)} 个达到平台普及率目标；差距最大的是{low}。"
                )
            else:
                low = ", ".join(
                    f"{r.group_name} ({r.value * 100:.1f}%)" for r in worst.itertuples()
                )
                findings.append(
                    f"{len(met)} of {len(cov)} cities meet the platform coverage target; "
                    f"furthest behind: {low}."
                )
        else:
            ranked = (
                cov[cov["value"].notna()]
                .sort_values("value", ascending=False)
                .reset_index(drop=True)
            )
            place = ranked.index[ranked["group"] == s.city_id]
            if len(place):
                pos = int(place[0]) + 1
                findings.append(
                    f"{s.city_name}的平台普及率在 {len(ranked)} 个城市中排第 {pos} 位。"
                    if lang == "zh"
                    else f"{s.city_name} ranks {pos} of {len(ranked)} cities on platform coverage."
                )
    demo = ind[(ind["indicator"] == "demonstration_platforms") & ind["lacks_"].isna()]
    if len(demo) and demo["target"].notna().any():
        bars = [
            _Bar(
                label=str(r.group_name),
                value=float(r.value),
                text=f"{_num(r.value)} / {_num(r.target)}",
                target=float(r.target) if not pd.isna(r.target) else None,
                met=None if pd.isna(r.met) else bool(r.met),
                highlight=r.group == s.city_id,
            )
            for r in demo.itertuples(index=False)
        ]
        section.charts.append(_svg_bars(bars, title=_t("chart_demo", lang)))
    return section


def _clusters(s: _Scope, findings: list[str]) -> Section:
    lang = s.lang
    section = Section("clusters", _t("clusters", lang), [_t("clusters_intro", lang)])
    table = supply_clusters(s.G, year=s.year, city=s.city)
    rows = [
        {
            _c("cluster", lang): str(r.cluster),
            _c("label", lang): _en(s, r.label),
            _c("size", lang): _num(r.size),
            _c("leader", lang): _en(s, r.leader_name) if r.leader_name else "—",
            _c("cities", lang): _en(s, r.cities),
            _c("single_sourced", lang): _num(r.single_sourced),
            _c("bridging", lang): _num(r.bridging_firms),
            _c("institutes", lang): _num(r.institutes),
            _c("alliances", lang): _num(r.alliances),
            _c("funds", lang): _num(r.funds),
            _c("platforms", lang): _num(r.platforms),
        }
        for r in table.head(s.top * 2).itertuples(index=False)
    ]
    numeric = tuple(
        _c(k, lang)
        for k in (
            "size",
            "single_sourced",
            "bridging",
            "institutes",
            "alliances",
            "funds",
            "platforms",
        )
    )
    section.tables.append(
        BriefTable(
            "clusters",
            _t("clusters", lang),
            pd.DataFrame(rows),
            numeric=numeric,
            total=len(table),
            nowrap=(_c("cluster", lang),),
        )
    )
    if len(table):
        fragile = table.sort_values(["single_sourced", "size"], ascending=False).iloc[0]
        biggest = table.iloc[0]
        findings.append(
            f"识别出 {len(table)} 个供应链集群；"
            f"最大的是{biggest['label']}（{int(biggest['size'])} 家企业），"
            f"单一来源投入最多的是{fragile['label']}（{int(fragile['single_sourced'])} 项）。"
            if lang == "zh"
            else f"{len(table)} supply-chain clusters; the largest is {_en(s, biggest['label'])} "
            f"({int(biggest['size'])} firms), the most single-sourced {_en(s, fragile['label'])} "
            f"({int(fragile['single_sourced'])} inputs from one supplier)."
        )
    for kind, key in (("single_source", "fragile_single"), ("broker", "fragile_broker")):
        section.tables.append(_gap_table(s, kind, title=_t(key, lang)))
    return section


def _gap_rows(s: _Scope, kind: str) -> pd.DataFrame:
    """The gaps of one kind; a kind whose analysis fails leaves a note row, so that one
    failing analysis does not take the whole brief with it."""
    try:
        return collaboration_gaps(s.G, kinds=[kind], year=s.year, city=s.city)
    except (KeyError, TypeError, ValueError) as exc:  # pragma: no cover - defensive
        text = f"analysis failed ({type(exc).__name__}: {exc})"  # not "no ..."
        return pd.DataFrame(
            {"measurable": [False], "missing": [text], "missing_zh": [text], "name": [""]}
        )


def _gap_lacks(s: _Scope, kind: str) -> str | None:
    """The data a kind of gap needs that the graph lacks, in words, or None."""
    zh = s.lang == "zh"
    if kind == "no_research_partner" and not _lm_known(s.G):
        return _NO_SIZES[0 if zh else 1]
    if kind == "team_no_finance" and not _has(s.G, "MakerTeam", None):
        return "缺少创客团队" if zh else "no maker teams"
    return None


def _measured_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Gap rows without a figure that could not be measured (NA shown as 'nan')."""
    if "measurable" in df.columns:
        df = df[df["measurable"].fillna(False).astype(bool)]
    text = df.get("detail", pd.Series("", index=df.index)).astype("string").fillna("")
    bad = text.str.contains(r"\bnan\b|\bNaN\b|<NA>", regex=True)
    if "gap" in df.columns and "severity" in df.columns:
        bad |= (df["gap"] == "below_target") & df["severity"].isna()
    return df[~bad]


def _gap_table(s: _Scope, kind: str, *, title: str | None = None) -> BriefTable:
    lang = s.lang
    zh, en = GAP_KINDS[kind][1], GAP_KINDS[kind][2]
    lack = _gap_lacks(s, kind)
    columns = [_c(k, lang) for k in ("name", "city", "missing", "detail")]
    if lack is not None:
        return BriefTable(
            f"gap_{kind}"[:31],
            title or (zh if lang == "zh" else en),
            pd.DataFrame(columns=columns),
            total=0,
            note=_missing_line([(title or (zh if lang == "zh" else en), lack)], lang),
        )
    raw = _gap_rows(s, kind)
    df = _measured_rows(raw)
    note = None
    if "measurable" in raw.columns:  # note rows: what this kind of gap lacks
        said = raw[~raw["measurable"].fillna(False).astype(bool)]
        if len(said):
            lacks = [_pick(r, "missing_zh", "missing", lang) for _, r in said.iterrows()]
            note = _missing_line(
                [(title or (zh if lang == "zh" else en), x) for x in dict.fromkeys(lacks) if x],
                lang,
            )
    if note is None and df.empty and len(raw):
        note = (
            "无法计算：相关指标在本图上无法核算。"
            if lang == "zh"
            else "Not measurable: the indicators behind it cannot be computed on this graph."
        )
    head = df.head(s.top)
    rows = [
        {
            _c("name", lang): _en(s, r["name"]),
            _c("city", lang): _en(s, r["city"] or ""),
            _c("missing", lang): _pick(r, "missing_zh", "missing", lang),
            _c("detail", lang): _pick(r, "detail_zh", "detail", lang),
        }
        for _, r in head.iterrows()
    ]
    return BriefTable(
        f"gap_{kind}"[:31],
        title or (zh if lang == "zh" else en),
        pd.DataFrame(rows, columns=columns),
        total=len(df),
        nowrap=(_c("city", lang),),
        note=note,
    )


def _gaps(s: _Scope, findings: list[str]) -> Section:
    lang = s.lang
    section = Section("gaps", _t("gaps", lang))
    for kind in _GAP_ORDER:
        table = _gap_table(s, kind)
        section.tables.append(table)
        if kind == "no_research_partner" and table.total:
            findings.append(
                f"{table.total} 家大中型工业企业没有研发合作伙伴（高校院所或合建平台）。"
                if lang == "zh"
                else f"{table.total} large and medium industrial firms have no research partner "
                "(an institute or a co-built R&D platform)."
            )
    return section


def _partners(s: _Scope, findings: list[str]) -> Section:
    lang = s.lang
    section = Section("partners", _t("partners", lang), [_t("partners_intro", lang)])
    df = candidate_partners(s.G, k=s.top, year=s.year, city=s.city)
    ranks = pd.to_numeric(df["rank"], errors="coerce").fillna(0)
    notes = df[ranks < 1]
    df = df[ranks >= 1]
    for key, kind in KINDS.items():
        if not kind.partnership:
            continue
        part = df[df["kind"] == key]
        said = notes[notes["kind"] == key]
        note = _pick(said.iloc[0], "explanation", "explanation_en", lang) if len(said) else None
        rows = [
            {
                _c("rank", lang): str(int(r["rank"])),
                _c("source", lang): _en(s, r["source_name"]),
                _c("partner", lang): _en(s, r["target_name"]),
                _c("score", lang): f"{float(r['score']):.2f}",
                _c("reasons", lang): _pick(r, "explanation", "explanation_en", lang),
            }
            for _, r in part.iterrows()
        ]
        section.tables.append(
            BriefTable(
                f"partners_{key}"[:31],
                kind.zh if lang == "zh" else kind.en,
                pd.DataFrame(
                    rows,
                    columns=[
                        _c(k, lang) for k in ("rank", "source", "partner", "score", "reasons")
                    ],
                ),
                numeric=(_c("score", lang),),
                note=note,
            )
        )
    best = df[df["kind"] == "enterprise-institute"].head(1)
    if len(best):
        r = best.iloc[0]
        reason = _pick(r, "explanation", "explanation_en", lang)
        reason = reason.split("；" if lang == "zh" else ";")[0].rstrip("。.")
        findings.append(
            f"最值得撮合的产学研合作：{r['source_name']} 与 {r['target_name']}——{reason}。"
            if lang == "zh"
            else f"Research partnership to broker first: {r['source_name']} with "
            f"{r['target_name']}: {reason}."
        )
    return section


def _evidence(G: EcosystemGraph) -> dict[str, int]:
    counts: dict[str, int] = {}
    for df in G.edges.values():
        if len(df) and "evidence" in df.columns:
            for k, v in df["evidence"].astype("string").fillna("unknown").value_counts().items():
                counts[str(k)] = counts.get(str(k), 0) + int(v)
    return counts


def _methods(G: EcosystemGraph) -> dict[str, int]:
    counts: dict[str, int] = {}
    for df in G.edges.values():
        if len(df) and "method" in df.columns:
            inferred = df[df["evidence"] == "inferred"]
            for k, v in inferred["method"].astype("string").fillna("?").value_counts().items():
                counts[str(k)] = counts.get(str(k), 0) + int(v)
    return counts


def _method_section(s: _Scope, target_source: str) -> Section:
    lang = s.lang
    from_graph = target_source == "graph"
    m = s.G.manifest
    section = Section("method", _t("method", lang))
    if lang == "zh":
        section.paragraphs += [
            "指标：主要对象为大中型工业企业（规模为大型或中型、且未标为非工业企业）。"
            "“数据截至”某年只计入当年存在的节点和关系。"
            f"政策目标取自{'图中的政策措施节点' if from_graph else 'innokg 内置的政策条款表'}；"
            "城市的数量类目标按该市大中型工业企业占全省比例分摊。",
            "供应链集群：对供货网络（缺少供货记录的企业经产品上下游关系推断联系，权重 0.3）"
            "用 Leiden 算法（模块度目标、固定随机种子）划分社区；"
            "单一来源投入指买方某项投入只有一家供应商。",
            "合作缺口：无研发伙伴按企业规模排序；集群支撑缺口按成员企业数；结构洞用 Burt 约束度；"
            "“独自连接集群的组织”指某些集群对之间唯一的桥梁。",
            "合作候选：对尚未相连的组织对，沿有意义的元路径（共同客户、供应链伙伴的合作机构等）"
            "计算 Adamic–Adar 链接预测得分，并对同城、同集群、同链不同环节加权；"
            "依据列出具体的中间节点。",
        ]
    else:
        section.paragraphs += [
            "Indicators: the subject is large and medium industrial firms (size large or medium, "
            "not flagged as non-industrial). 'As of' a year counts only nodes and edges that "
            "existed then. Targets come from "
            + (
                "the graph's PolicyMeasure nodes"
                if target_source == "graph"
                else "innokg's built-in table of the policy"
            )
            + "; a city's count targets are the province's, apportioned by its share of "
            "large and medium industrial firms.",
            "Supply-chain clusters: Leiden communities (modularity, fixed seed) of the supply "
            "network, with links inferred through products (weight 0.3) for firms without "
            "supply records. A single-sourced input is one a buyer gets from one supplier only.",
            "Gaps: firms without a research partner are ranked by size; cluster support gaps by "
            "member count; structural holes by Burt's constraint; organisations that alone link "
            "clusters are the only bridge between some pairs of clusters.",
            "Partnership candidates: pairs not yet linked, scored by Adamic-Adar link prediction "
            "along meaningful meta-paths (shared buyers, partners' institutes, ...), weighted up "
            "for the same city, the same cluster, or different stages of one chain; the reasons "
            "name the intermediate nodes.",
        ]
    ev = _evidence(s.G)
    methods = _methods(s.G)
    total_edges = sum(ev.values())
    rows: list[tuple[str, str]] = []
    zh = lang == "zh"
    rows.append(("数据包" if zh else "Package", str(s.G.path or "—")))
    rows.append(("标题" if zh else "Title", str(m.get("title") or "—")))
    rows.append(("构建时间" if zh else "Built", str(m.get("built_at") or "—")))
    rows.append(
        ("模式版本" if zh else "Schema version", str(m.get("schema_version") or SCHEMA_VERSION))
    )
    rows.append(
        (
            "合成数据" if zh else "Synthetic",
            ("是：演示用虚构数据" if zh else "yes: invented for a demonstration")
            if m.get("synthetic")
            else ("否" if zh else "no"),
        )
    )
    for i, src in enumerate(m.get("sources", []), 1):
        desc = ": ".join(str(x) for x in (src.get("kind"), src.get("path")) if x)
        if src.get("sha256"):
            desc += f" (sha256 {str(src['sha256'])[:12]}…)"
        if src.get("rows_read") is not None:
            desc += f", {int(src['rows_read']):,} rows"
        if src.get("note"):
            desc += f"; {src['note']}"
        rows.append((f"来源 {i}" if zh else f"Source {i}", desc))
    counts = m.get("counts", {})
    n_nodes = (
        sum(counts.get("nodes", {}).values()) if counts else sum(len(d) for d in s.G.nodes.values())
    )
    rows.append(("规模" if zh else "Size", f"{n_nodes:,} nodes, {total_edges:,} edges"))
    rows.append(
        (
            "关系证据" if zh else "Edge evidence",
            ", ".join(f"{k} {v:,}" for k, v in sorted(ev.items())) or "—",
        )
    )
    if methods:
        rows.append(
            (
                "推断方法" if zh else "Inference methods",
                ", ".join(f"{k} {v:,}" for k, v in sorted(methods.items())),
            )
        )
    rows.append(("政策目标来源" if zh else "Targets from", target_source))
    rows.append(("生成工具" if zh else "Generated by", f"innokg {_version()}"))
    section.tables.append(
        BriefTable(
            "provenance",
            "数据来源" if zh else "Provenance",
            pd.DataFrame(rows, columns=[_c("field", lang), _c("entry", lang)]),
        )
    )
    return section


def _version() -> str:
    try:
        return version("innokg")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout
        return "unknown"


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def build_brief(
    G: EcosystemGraph,
    *,
    lang: Lang = "zh",
    city: str | None = None,
    year: int | None = None,
    top: int = 5,
) -> Brief:
    """Gather everything the brief says, from the query modules.

    Parameters
    ----------
    G : EcosystemGraph
    lang : {"zh", "en"}
        Language of headings, notes and explanations (names stay as in the data).
    city : str, optional
        A city (name, code or region id): indicators, clusters, gaps and candidates
        of that city; the city table still lists every city, the chosen one marked.
    year : int, optional
        As of this year; default the latest year the graph records.
    top : int
        Rows of each list (gaps of each kind, candidates of each kind); clusters get
        twice as many.

    Returns
    -------
    Brief

    Raises
    ------
    QueryError
        For an unknown city or a bad option.
    """
    if lang not in ("zh", "en"):
        raise InnokgError(f"--lang must be zh or en (got {lang!r})")
    if top < 1:
        raise InnokgError("top must be at least 1")
    city_id = city_name = None
    if city is not None:
        pos = resolve_city(G, city)
        A = arrays(G)
        assert pos is not None
        city_id, city_name = str(A.ids[pos]), str(A.names[pos])
    as_of = year if year is not None else latest_year(G)
    scope = _Scope(G, lang, city, city_id, city_name, as_of, top)
    findings: list[str] = []
    head, context = _headline(scope, findings)
    sections = [
        head,
        _by_city(scope, findings),
        _clusters(scope, findings),
        _gaps(scope, findings),
        _partners(scope, findings),
        context,
        _method_section(
            scope,
            str(policy_measures(G)["target_source"].iloc[0]) if len(policy_measures(G)) else "none",
        ),
    ]
    m = G.manifest
    where = (_en(scope, city_name) if city_name else None) or (_t("province", lang))
    meta = [
        (_t("scope", lang), where),
        (_t("as_of", lang), str(as_of) if as_of is not None else _t("all_years", lang)),
        (_t("built", lang), str(m.get("built_at") or "—")),
        (_t("generated", lang), datetime.now(UTC).replace(microsecond=0).isoformat()),
    ]
    title = _t("title", lang) + (
        f"：{city_name}" if city_name and lang == "zh" else f": {city_name}" if city_name else ""
    )
    return Brief(lang, title, meta, bool(m.get("synthetic")), findings, sections)


# --- HTML -------------------------------------------------------------------------------------

_CSS = """
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de; --accent: #2b5c8a; }
html { background: #f4f4f6; }
body { margin: 0; color: var(--ink); font-size: 15px; line-height: 1.55;
  font-family: system-ui, -apple-system, "Noto Sans CJK SC", "Source Han Sans SC",
  "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif; }
article { max-width: 210mm; margin: 0 auto; background: #fff; padding: 18mm 16mm;
  box-sizing: border-box; }
h1 { font-size: 24px; margin: 0 0 6px; color: var(--accent); }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid var(--accent);
  padding-bottom: 3px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: var(--muted); font-size: 13px; margin: 0 0 12px; }
.meta span + span::before { content: " · "; }
.banner { border: 2px solid #b3261e; background: #fdecea; color: #7a1c16; padding: 8px 12px;
  font-weight: 600; margin: 12px 0; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
ul.findings li { margin: 4px 0; }
figure { margin: 12px 0; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0 4px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 6px; text-align: left;
  vertical-align: top; }
th { background: #eef2f7; font-weight: 600; -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.nw, th.nw { white-space: nowrap; }
tr.highlight td { background: #fff6d6; font-weight: 600; -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }
.total { color: var(--muted); font-size: 12px; margin: 0 0 10px; }
footer { margin-top: 28px; color: var(--muted); font-size: 12px;
  border-top: 1px solid var(--rule); padding-top: 6px; }
@page { size: A4; margin: 15mm 14mm 16mm; }
@media print {
  html { background: #fff; }
  body { font-size: 10pt; }
  article { max-width: none; padding: 0; }
  h1 { font-size: 17pt; }
  h2 { font-size: 13pt; break-after: avoid; page-break-after: avoid; }
  h3 { font-size: 11pt; break-after: avoid; page-break-after: avoid; }
  table { font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr, figure, .banner { break-inside: avoid; page-break-inside: avoid; }
}
"""


def _total_text(t: BriefTable, lang: Lang) -> str:
    if lang == "zh":
        return f"{_t('in_all', lang)} {t.total:,}，{_t('shown', lang)} {len(t.df)}"
    return f"{t.total:,} {_t('in_all', lang)}; {_t('shown', lang)} {len(t.df)}"


def _html_table(t: BriefTable, lang: Lang) -> str:
    if t.df.empty:
        text = t.note or _t("none", lang)
        return f'<h3>{html.escape(t.title)}</h3><p class="total">{html.escape(text)}</p>'
    cols = list(t.df.columns)

    def cls(c: Any) -> str:
        return ' class="num"' if c in t.numeric else ' class="nw"' if c in t.nowrap else ""

    head = "".join(f'<th{cls(c)} scope="col">{html.escape(str(c))}</th>' for c in cols)
    body = []
    for i, row in enumerate(t.df.itertuples(index=False)):
        mark = ' class="highlight"' if i in t.highlight else ""
        cells = "".join(
            f"<td{cls(c)}>{html.escape(str(v))}</td>" for c, v in zip(cols, row, strict=True)
        )
        body.append(f"<tr{mark}>{cells}</tr>")
    total = ""
    if t.total is not None and t.total > len(t.df):
        total = f'<p class="total">{_total_text(t, lang)}</p>'
    return (
        f"<h3>{html.escape(t.title)}</h3>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{total}"
    )


def render_html(brief: Brief) -> str:
    """The brief as one self-contained, printable HTML page.

    No script, no external font or stylesheet, no image but inline SVG; a
    Content-Security-Policy forbids any request.  ``@page`` sets A4 for printing.
    """
    lang = brief.lang
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(brief.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body><article>",
        f"<header><h1>{esc(brief.title)}</h1>",
        '<p class="meta">'
        + "".join(
            f"<span>{esc(k)}：{esc(v)}</span>"
            if lang == "zh"
            else f"<span>{esc(k)}: {esc(v)}</span>"
            for k, v in brief.meta
        )
        + "</p>",
    ]
    if brief.synthetic:
        parts.append(f'<div class="banner" role="note">{esc(_t("synthetic", lang))}</div>')
    parts.append("</header>")
    parts.append(
        f'<section id="findings"><h2>{esc(_t("findings", lang))}</h2><ul class="findings">'
    )
    parts += [f"<li>{esc(f)}</li>" for f in brief.findings]
    parts.append("</ul></section>")
    for sec in brief.sections:
        parts.append(f'<section id="{esc(sec.key)}"><h2>{esc(sec.title)}</h2>')
        parts += [f"<p>{esc(p)}</p>" for p in sec.paragraphs]
        parts += [f"<figure>{svg}</figure>" for svg in sec.charts]
        parts += [_html_table(t, lang) for t in sec.tables]
        parts.append("</section>")
    if brief.synthetic:
        parts.append(f'<div class="banner" role="note">{esc(_t("synthetic", lang))}</div>')
    parts.append(f"<footer>innokg {esc(_version())} · {esc(brief.meta[-1][1])}</footer>")
    parts.append("</article></body></html>\n")
    return "\n".join(parts)


# --- Markdown --------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _md(text: Any) -> str:
    """Text that Markdown renders as itself: markup characters escaped, no raw HTML."""
    s = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return s.replace("\r", " ").replace("\n", " ")


def _md_table(t: BriefTable, lang: Lang) -> list[str]:
    out = [f"### {_md(t.title)}", ""]
    if t.df.empty:
        return [*out, _md(t.note) if t.note else _t("none", lang), ""]
    cols = list(t.df.columns)
    out.append("| " + " | ".join(_md(c) for c in cols) + " |")
    out.append("| " + " | ".join("---:" if c in t.numeric else "---" for c in cols) + " |")
    for i, row in enumerate(t.df.itertuples(index=False)):
        cells = [_md(v) for v in row]
        if i in t.highlight:
            cells = [f"**{c}**" for c in cells]
        out.append("| " + " | ".join(cells) + " |")
    if t.total is not None and t.total > len(t.df):
        out += ["", _total_text(t, lang)]
    return [*out, ""]


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown (the same text and tables; charts only in HTML)."""
    lang = brief.lang
    sep = "：" if lang == "zh" else ": "
    lines = [f"# {_md(brief.title)}", ""]
    lines += [f"- {_md(k)}{sep}{_md(v)}" for k, v in brief.meta]
    lines.append("")
    if brief.synthetic:
        lines += [f"> **{_md(_t('synthetic', lang))}**", ""]
    lines += [f"## {_md(_t('findings', lang))}", ""]
    lines += [f"- {_md(f)}" for f in brief.findings]
    lines.append("")
    for sec in brief.sections:
        lines += [f"## {_md(sec.title)}", ""]
        for p in sec.paragraphs:
            lines += [_md(p), ""]
        if sec.charts:
            lines += [f"*{_md(_t('charts_in_html', lang))}*", ""]
        for t in sec.tables:
            lines += _md_table(t, lang)
    return "\n".join(lines).rstrip() + "\n"


# --- Excel ------------------------------------------------------------------------------------

_EXCEL_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _sheet_name(key: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "_", key)[:31] or "sheet"
    base, n = name, 2
    while name.lower() in used:
        suffix = f"_{n}"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def write_brief_xlsx(brief: Brief, out: str | Path) -> Path:
    """Write the brief as an Excel workbook: an ``about`` sheet, the findings, and one
    sheet per table; text cells that a spreadsheet would run are neutralised."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise InnokgError("Excel output needs the extra: pip install 'innokg[excel]'") from None
    out = Path(out)
    lang = brief.lang
    about = pd.DataFrame(
        [
            (_t("title", lang), brief.title),
            *brief.meta,
            *([(_c("status", lang), _t("synthetic", lang))] if brief.synthetic else []),
        ],
        columns=[_c("field", lang), _c("entry", lang)],
    )
    findings = pd.DataFrame({_t("findings", lang): brief.findings})
    sheets: list[tuple[str, pd.DataFrame]] = [("about", about), ("findings", findings)]
    used = {"about", "findings"}
    for t in brief.tables:
        df = t.df
        if df.empty and t.note:
            df = pd.DataFrame({t.title[:60] or "note": [t.note]})
        sheets.append((_sheet_name(t.key, used), df))

    def clean(df: pd.DataFrame) -> pd.DataFrame:
        df = neutralise_formulas(df)
        for col in df.columns:
            df[col] = df[col].map(
                lambda v: _EXCEL_ILLEGAL.sub("\ufffd", v) if isinstance(v, str) else v
            )
        return df

    tmp = out.with_name(f".{out.name}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, df in sheets:
                frame = df if len(df.columns) else pd.DataFrame({"": []})
                clean(frame).to_excel(writer, sheet_name=name, index=False)
        tmp.replace(out)
    except OSError as exc:
        raise InnokgError(f"cannot write {out}: {exc.strerror or exc}") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


# --- one entry point -------------------------------------------------------------------------


def write_brief(brief: Brief, out: str | Path, *, fmt: str | None = None) -> Path:
    """Write ``brief`` to ``out`` as HTML, Markdown or Excel.

    Parameters
    ----------
    brief : Brief
    out : path
    fmt : {"html", "md", "xlsx"}, optional
        Default: from the file's suffix (``.md``, ``.xlsx``; anything else HTML).

    Returns
    -------
    Path
        ``out``.
    """
    out = Path(out)
    fmt = fmt or {".md": "md", ".markdown": "md", ".xlsx": "xlsx"}.get(out.suffix.lower(), "html")
    if fmt not in BRIEF_FORMATS:
        raise InnokgError(f"unknown brief format {fmt!r}; use one of {', '.join(BRIEF_FORMATS)}")
    if fmt == "xlsx":
        return write_brief_xlsx(brief, out)
    text = render_html(brief) if fmt == "html" else render_markdown(brief)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
    except OSError as exc:
        raise InnokgError(f"cannot write {out}: {exc.strerror or exc}") from exc
    return out
