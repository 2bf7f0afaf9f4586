"""The brief's own words in both languages, and how numbers are written.

Everything the brief says that is not a name or a figure from the data lives here:
headings (:data:`TEXT`), column names (:data:`COLUMNS`), and :func:`plain_english`,
which puts the few Chinese policy terms that the query modules leave in their
English strings (双创, 大工匠, 产学研用...) into English.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

import pandas as pd

__all__ = [
    "COLUMNS",
    "TEXT",
    "Lang",
    "col",
    "fmt_deadline",
    "fmt_gap",
    "fmt_target",
    "fmt_value",
    "num",
    "pick",
    "plain_english",
    "short",
    "status",
    "txt",
]

Lang = Literal["zh", "en"]

TEXT: dict[str, tuple[str, str]] = {
    "title": (
        "大中型工业企业“双创”生态政策简报",
        "Policy brief: mass innovation in large and medium industrial enterprises",
    ),
    "province": ("全省", "the whole province"),
    "scope": ("范围", "Scope"),
    "as_of": ("数据截至", "As of"),
    "all_years": ("图中全部记录", "everything in the graph"),
    "generated": ("生成于", "Generated"),
    "built": ("数据包构建于", "Package built"),
    "synthetic": (
        "合成示例数据：本简报中的企业、机构、平台、团队、基金和人物均为演示而虚构，"
        "并非任何真实机构的事实，也不反映河南省的实际进展。",
        "SYNTHETIC DEMO DATA: every enterprise, institute, platform, team, fund and person "
        "in this brief was invented for a demonstration. Nothing here is a fact about a "
        "real organisation or a measurement of Henan's actual progress.",
    ),
    "summary": ("摘要", "Executive summary"),
    "where_stands": ("对照政策目标", "Where the province stands against the policy's targets"),
    "where_city": ("{city}对照政策目标", "Where {city} stands against the policy's targets"),
    "recommendations": ("建议", "Recommendations"),
    "no_recommendations": (
        "图中数据不足以提出有依据的建议。",
        "The graph holds too little to support a recommendation.",
    ),
    "policy_link": ("政策依据", "Policy"),
    "article": ("第 {n} 条", "Article {n}"),
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
        "比例类目标（如平台普及率 80%）各市相同；数量类目标（如 100 个示范平台）按各市大中型"
        "工业企业占全省的比例分摊为整数个（“按比例”）。",
        "A share target (such as 80% platform coverage) applies to every city as it is; a "
        "count target (such as 100 demonstration platforms) is shared out among the cities "
        "in whole numbers, in proportion to each city's large and medium industrial firms "
        "(pro rata).",
    ),
    "trends": ("各市历年变化", "Each city year by year"),
    "compare": ("城市比较", "How the cities compare"),
    "compare_intro": (
        "各市在主要可计算指标上的数值及其在各市中的名次（1 为最高）。",
        "Each city's value on the main measurable indicators, and its place among the cities "
        "(1 is the highest).",
    ),
    "city_profile": ("{city}概况", "{city} at a glance"),
    "city_profile_intro": (
        "{city}在各项指标上的数值、全省数值及其在 {n} 个城市中的名次。",
        "{city}'s value on each indicator, the province's, and its place among {n} cities.",
    ),
    "clusters": ("供应链集群与薄弱环节", "Supply-chain clusters and their fragile points"),
    "clusters_intro": (
        "集群是彼此供货（或按产品上下游相连）的企业群。链主为集群中向最多成员采购的下游"
        "整机或终端产品企业，且须属于集群的主导产业链，核心供应商另列；成员之间没有采购关系"
        "或没有主导产业（标为“混合”）的集群不指定链主。仅靠一条链接相连、各有链主的两条产业链"
        "分为两个集群。",
        "A cluster is a group of firms that supply one another (or are linked through what "
        "they make). Its chain leader is the downstream maker on the cluster's main chain "
        "that buys from the most members; key suppliers are listed apart. A cluster in which "
        "no member buys from another, or with no main industry (labelled mixed), has no "
        "leader. Two chains joined by a single link, each with a leader of its own, are two "
        "clusters.",
    ),
    "fragile_single": ("单一来源投入（仅一家供应商）", "Inputs from a single supplier"),
    "fragile_broker": ("独自连接集群的组织", "Organisations that alone link clusters"),
    "gaps": ("主要合作缺口", "The largest collaboration gaps"),
    "partners": ("优先撮合的合作候选", "Partnerships worth brokering first"),
    "partners_intro": (
        "候选按图中已有的间接联系（共同的客户、供应商、合作机构等）排序，并列出依据；"
        "它们是建议，不是事实。",
        "Candidates are ranked by the indirect ties they already have on the graph (shared "
        "buyers, suppliers, partners...), each with its reasons; they are suggestions, "
        "not facts.",
    ),
    "context": ("其他监测指标（政策未设目标）", "Other indicators (no target in the policy)"),
    "glossary": ("附录 A　术语", "Appendix A. Glossary"),
    "articles": ("附录 B　引用的政策条款", "Appendix B. Policy articles cited"),
    "method": ("附录 C　方法说明与数据来源", "Appendix C. Method and provenance"),
    "in_all": ("共", "in all"),
    "shown": ("显示前", "showing the first"),
    "none": ("无", "none"),
    "chart_progress": ("目标完成度（现值 ÷ 目标）", "Progress to target (value ÷ target)"),
    "chart_coverage": (
        "各市“双创”平台普及率（目标 80%）",
        "Mass-innovation platform coverage by city (target 80%)",
    ),
    "chart_demo": (
        "各市“双创”示范平台数与按比例目标",
        "Demonstration platforms by city against pro-rata targets",
    ),
    "chart_trend_province": ("全省历年变化", "The province year by year"),
    "chart_trend_cities": ("{what}：各市历年变化", "{what}: each city year by year"),
    "met": ("✓ 达标", "✓ met"),
    "unmet": ("✗ 未达标", "✗ not met"),
    "pts": ("个百分点", "pts"),
    "pro_rata": ("按比例", "pro rata"),
    "per_year": ("每年", "a year"),
    "end_of": ("年底", "end-"),
    "charts_in_html": (
        "图表见 HTML、PDF 或 Word 版。",
        "Charts are in the HTML, PDF and Word versions.",
    ),
    "not_measurable": ("无法计算", "not measurable"),
}

COLUMNS: dict[str, tuple[str, str]] = {
    "article": ("条款", "Article"),
    "indicator": ("指标", "Indicator"),
    "target_name": ("目标", "Target"),
    "by_deadline": ("期限时", "By the deadline"),
    "now": ("最新", "Latest"),
    "trend": ("趋势", "Trend"),
    "value": ("现值", "Value"),
    "target": ("目标", "Target"),
    "deadline": ("期限", "Due"),
    "gap": ("差距", "Gap"),
    "status": ("状态", "Status"),
    "city": ("城市", "City"),
    "province": ("全省", "Province"),
    "place": ("名次", "Place"),
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
    "term": ("术语", "Term"),
    "meaning": ("含义", "Meaning"),
    "title": ("标题", "Title"),
}


def txt(key: str, lang: Lang, **fields: Any) -> str:
    """The brief's text ``key`` in ``lang``, with ``{fields}`` filled in."""
    zh, en = TEXT[key]
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text


def col(key: str, lang: Lang) -> str:
    """A column name in ``lang``."""
    zh, en = COLUMNS[key]
    return zh if lang == "zh" else en


#: Chinese policy terms left in the query modules' English strings, in English.  Longer
#: forms first: "(大工匠 studios)" before "大工匠".
_TERMS: tuple[tuple[str, str], ...] = (
    ("“双创”", "mass-innovation"),
    ("双创", "mass-innovation"),
    ("大工匠", "master craftsman"),
    (" (产学研用)", ""),
    ("产学研用", "industry-university-research"),
    ("链主", "chain leader"),
    ("(本科 and 专科)", "(degree-granting and vocational)"),
    ("degree-granting (本科)", "degree-granting"),
    ("vocational (专科)", "vocational"),
    ("本科", "degree-granting"),
    ("专科", "vocational"),
    ("职工创客工作室", "employee maker studio"),
    ("劳模工作站", "model-worker station"),
    ("众创空间", "maker space"),
    ("创客市场-实验室-微工厂-银行", "maker market-lab-micro-factory-bank"),
    # the query modules' labels for places that are not a city of the graph
    ("省外为主", "mostly outside the province"),
    ("其他城市", "other cities"),
    ("城市不详", "city unknown"),
    ("省外", "outside the province"),
)


# A term counts only where it stands alone, not inside a longer Chinese name
# (河南省外经贸... holds 省外).
_TERM_RE = [
    (re.compile(rf"(?<![\u3400-\u9fff]){re.escape(zh)}(?![\u3400-\u9fff])"), en)
    for zh, en in _TERMS
]


def plain_english(text: str) -> str:
    """``text`` (English from the query modules) with its Chinese policy terms in English."""
    if not text or text.isascii():
        return text
    for pattern, en in _TERM_RE:
        text = pattern.sub(en, text)
    return text


# --- numbers in words --------------------------------------------------------------------


def num(value: Any, digits: int = 0) -> str:
    """A number with thousands separators; one decimal where it is not whole."""
    if value is None or pd.isna(value):
        return "—"
    value = float(value)
    if math.isnan(value):
        return "—"
    if digits == 0 and abs(value - round(value)) >= 0.05:
        digits = 1
    return f"{value:,.{digits}f}"


def fmt_value(value: Any, unit: str) -> str:
    """A value as its unit shows it: a share as a percentage, a mean with two decimals."""
    if value is None or pd.isna(value):
        return "—"
    if unit == "share":
        return f"{float(value) * 100:.1f}%"
    if unit == "mean":
        return f"{float(value):.2f}"
    return num(float(value))


def fmt_gap(gap: Any, unit: str, lang: Lang) -> str:
    """How far below target: percentage points for a share, a count otherwise."""
    if gap is None or pd.isna(gap):
        return "—"
    if unit == "share":
        return f"{float(gap) * 100:.1f} {txt('pts', lang)}"
    return num(float(gap))


def fmt_target(target: Any, unit: str, basis: str, target_unit: str, lang: Lang) -> str:
    """A target as the policy sets it: a share or a whole number, a year, pro rata."""
    if target is None or pd.isna(target):
        return "—"
    text = "≥ " + fmt_value(target, "share" if unit == "share" else "count")
    if target_unit == "per_year":
        text += " " + txt("per_year", lang) if lang == "en" else f"（{txt('per_year', lang)}）"
    if basis == "pro_rata":
        text += f" ({txt('pro_rata', lang)})" if lang == "en" else f"（{txt('pro_rata', lang)}）"
    return text


def fmt_deadline(deadline: Any, lang: Lang) -> str:
    if deadline is None or pd.isna(deadline):
        return "—"
    return f"{int(deadline)} {txt('end_of', lang)}" if lang == "zh" else f"end-{int(deadline)}"


def status(met: Any, lang: Lang) -> str:
    if met is None or pd.isna(met):
        return "—"
    return txt("met", lang) if bool(met) else txt("unmet", lang)


def pick(row: Any, zh: str, en: str, lang: Lang) -> str:
    """The ``en`` field of a row in English (``zh`` where it is empty), else ``zh``."""
    value = row[zh] if lang == "zh" else row[en]
    if value is None or pd.isna(value) or not str(value):
        value = row[zh]
    text = "" if value is None or pd.isna(value) else str(value)
    return plain_english(text) if lang == "en" else text


def short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


_SPACE = re.compile(r"\s+")


def one_line(text: str) -> str:
    """``text`` on one line."""
    return _SPACE.sub(" ", text).strip()
