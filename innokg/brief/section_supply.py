"""Supply-chain clusters and their fragile points, the collaboration gaps, and the
partnerships worth brokering: the query modules' lists, chosen and worded."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from innokg.brief.model import BriefTable, Section
from innokg.brief.scope import Scope, has, lm_known, missing_line, sizes_missing
from innokg.brief.words import col, num, pick, txt
from innokg.queries.gaps import ROWS
from innokg.queries.partners import KINDS

__all__ = [
    "GAP_ORDER",
    "GAP_TITLES",
    "below_target_early",
    "clusters_section",
    "gaps_section",
    "partners_section",
]

GAP_ORDER = (
    "no_research_partner",
    "cluster_support",
    "team_no_finance",
    "below_target",
    "structural_hole",
    "unspanned_pair",
)
#: The brief's titles of the kinds of gap, in plain words (the method is in the glossary).
GAP_TITLES: dict[str, tuple[str, str]] = {
    "no_research_partner": (
        "无研发合作伙伴的大中型工业企业",
        "Large and medium industrial firms with no research partner",
    ),
    "cluster_support": (
        "缺少科研机构、联盟、基金或平台的集群（供应链集群、城市专业化产业）",
        "Clusters (supply clusters, cities' specialised industries) without an institute, "
        "alliance, fund or platform",
    ),
    "team_no_finance": ("未获投资的创客团队", "Maker teams with no investor"),
    "below_target": ("未达政策目标的城市和行业", "Cities and industries below a policy target"),
    "single_source": ("单一来源投入（仅一家供应商）", "Inputs from a single supplier"),
    "broker": ("独自连接集群的组织", "Organisations that alone link clusters"),
    "structural_hole": (
        "联系对象彼此相识、缺少独立联系的组织",
        "Organisations whose contacts all know one another",
    ),
    "unspanned_pair": ("无人连接的相关集群", "Pairs of related clusters that no one links"),
}


def _title(kind: str, lang: str) -> str:
    return GAP_TITLES[kind][0 if lang == "zh" else 1]


def clusters_section(s: Scope, findings: list[str]) -> Section:
    lang = s.lang
    section = Section("clusters", txt("clusters", lang), [txt("clusters_intro", lang)])
    table = s.clusters()
    n = s.names
    rows = [
        {
            col("cluster", lang): str(r.cluster),
            col("label", lang): n.within(r.label),
            col("size", lang): num(r.size),
            col("leader", lang): n(r.leader_name, r.leader) if r.leader_name else "—",
            col("cities", lang): n.within(r.cities),
            col("single_sourced", lang): num(r.single_sourced),
            col("bridging", lang): num(r.bridging_firms),
            col("institutes", lang): num(r.institutes),
            col("alliances", lang): num(r.alliances),
            col("funds", lang): num(r.funds),
            col("platforms", lang): num(r.platforms),
        }
        for r in table.head(s.top * 2).itertuples(index=False)
    ]
    numeric = tuple(
        col(k, lang)
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
            txt("clusters", lang),
            pd.DataFrame(rows),
            numeric=numeric,
            total=len(table),
            nowrap=(col("cluster", lang),),
        )
    )
    if len(table):
        fragile = table.sort_values(["single_sourced", "size"], ascending=False).iloc[0]
        biggest = table.iloc[0]
        # a cluster's count covers all its members; on a province's graph some are firms
        # elsewhere, which the recommendations (the province's firms only) leave out
        share = fragile.get("in_province")
        outside = bool(pd.notna(share) and float(share) < 1)
        findings.append(
            f"识别出 {len(table):,} 个供应链集群；"
            f"最大的是{biggest['label']}（{int(biggest['size']):,} 家企业），"
            f"单一来源投入最多的是{fragile['label']}（{int(fragile['single_sourced']):,} 项"
            + ("，含省外成员的投入" if outside else "")
            + "）。"
            if lang == "zh"
            else f"{len(table):,} supply-chain clusters; the largest is "
            f"{n.within(biggest['label'])} "
            f"({int(biggest['size']):,} firms), the most single-sourced "
            f"{n.within(fragile['label'])} ({int(fragile['single_sourced']):,} inputs from one "
            "supplier" + (", counting its members outside the province" if outside else "") + ")."
        )
    for kind in ("single_source", "broker"):
        section.tables.append(gap_table(s, kind))
    return section


def _gap_lacks(s: Scope, kind: str) -> str | None:
    """The data a kind of gap needs that the graph lacks, in words, or None."""
    if kind == "no_research_partner" and not lm_known(s.G):
        return sizes_missing(s.G, s.zh)
    if kind == "team_no_finance" and not has(s.G, "MakerTeam"):
        return "缺少创客团队" if s.zh else "no maker teams"
    return None


_NAN_WORD = re.compile(r"\bnan\b|\bNaN\b|<NA>")


def _measured_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Gap rows without a figure that could not be measured (NA shown as 'nan')."""
    if "measurable" in df.columns:
        df = df[df["measurable"].fillna(False).astype(bool)]
    text = df.get("detail", pd.Series("", index=df.index)).astype("string[pyarrow]").fillna("")
    # Arrow finds the few details that hold the letters at all; Python's regex (whose
    # word boundaries know Chinese characters, RE2's do not) judges only those.
    maybe = np.flatnonzero(text.str.contains("nan|NaN|<NA>", regex=True).to_numpy(dtype=bool))
    words = text.iloc[maybe].astype(object).str.contains(_NAN_WORD, regex=True)
    flags = np.zeros(len(df), dtype=bool)
    flags[maybe[words.to_numpy(dtype=bool)]] = True
    bad = pd.Series(flags, index=df.index)
    if "gap" in df.columns and "severity" in df.columns:
        bad |= (df["gap"] == "below_target") & df["severity"].isna()
    return df[~bad]


def below_target_early(s: Scope) -> None:
    """The cities and industries below a target, computed while the indicators share
    what they compute (the gaps are indicators by city and by industry): the gap
    section, after the recommendations and the clusters, then reads the table.  At ten
    million nodes computing them there, alone, took 27 s of the brief."""
    if _gap_lacks(s, "below_target") is None:
        s.gaps("below_target")


def gap_table(s: Scope, kind: str) -> BriefTable:
    lang = s.lang
    title = _title(kind, lang)
    key = f"gap_{kind}"[:31]
    columns = [col(k, lang) for k in ("name", "city", "missing", "detail")]
    lack = _gap_lacks(s, kind)
    if lack is not None:
        return BriefTable(
            key,
            title,
            pd.DataFrame(columns=columns),
            total=0,
            note=missing_line([(title, lack)], lang),
        )
    raw = s.gaps(kind, last=True, limit=s.top)
    df = _measured_rows(raw)
    # a kind asked for its first rows says how many it found (every one measured)
    total = int(raw.attrs.get(ROWS, len(df)))
    note = None
    if "measurable" in raw.columns:  # note rows: what this kind of gap lacks
        said = raw[~raw["measurable"].fillna(False).astype(bool)]
        if len(said):
            why = [pick(r, "missing_zh", "missing", lang) for _, r in said.iterrows()]
            note = missing_line([(title, x) for x in dict.fromkeys(why) if x], lang)
    if note is None and df.empty and not len(raw):  # measured, and nothing found
        note = "已测算，本图上没有此类缺口。" if s.zh else "Measured: none on this graph."
    if note is None and df.empty and len(raw):
        note = (
            "无法计算：相关指标在本图上无法核算。"
            if s.zh
            else "Not measurable: the indicators behind it cannot be computed on this graph."
        )
    n = s.names
    rows = [
        {
            col("name", lang): n(r["name"], r.get("entity")),
            col("city", lang): n(r["city"] or ""),
            col("missing", lang): n.within(pick(r, "missing_zh", "missing", lang)),
            col("detail", lang): n.within(pick(r, "detail_zh", "detail", lang)),
        }
        for _, r in df.head(s.top).iterrows()
    ]
    return BriefTable(
        key,
        title,
        pd.DataFrame(rows, columns=columns),
        total=total,
        nowrap=(col("city", lang),),
        note=note,
    )


def gaps_section(s: Scope, findings: list[str]) -> Section:
    section = Section("gaps", txt("gaps", s.lang))
    for kind in GAP_ORDER:
        table = gap_table(s, kind)
        section.tables.append(table)
        if kind == "no_research_partner" and table.total:
            findings.append(
                f"{table.total} 家大中型工业企业没有研发合作伙伴（高校院所或合建平台）。"
                if s.zh
                else f"{table.total} large and medium industrial firms have no research partner "
                "(an institute or a co-built R&D platform)."
            )
    return section


def _kind_title(kind: str, lang: str) -> str:
    k = KINDS[kind]
    text = k.zh if lang == "zh" else k.en
    return text[:1].upper() + text[1:] if lang == "en" else text


def partners_section(s: Scope, findings: list[str]) -> Section:
    lang = s.lang
    section = Section("partners", txt("partners", lang), [txt("partners_intro", lang)])
    df = pd.concat(
        [s.partners(key, s.top, s.city) for key, kind in KINDS.items() if kind.partnership],
        ignore_index=True,
    )
    ranks = pd.to_numeric(df["rank"], errors="coerce").fillna(0)
    notes = df[ranks < 1]
    df = df[ranks >= 1]
    n = s.names
    for key, kind in KINDS.items():
        if not kind.partnership:
            continue
        part = df[df["kind"] == key]
        said = notes[notes["kind"] == key]
        note = (
            n.within(pick(said.iloc[0], "explanation", "explanation_en", lang))
            if len(said)
            else None
        )
        rows = [
            {
                col("rank", lang): str(int(r["rank"])),
                col("source", lang): n(r["source_name"], r["source"]),
                col("partner", lang): n(r["target_name"], r["target"]),
                col("score", lang): f"{float(r['score']):.2f}",
                col("reasons", lang): n.within(pick(r, "explanation", "explanation_en", lang)),
            }
            for _, r in part.iterrows()
        ]
        section.tables.append(
            BriefTable(
                f"partners_{key}"[:31],
                _kind_title(key, lang),
                pd.DataFrame(
                    rows,
                    columns=[
                        col(k, lang) for k in ("rank", "source", "partner", "score", "reasons")
                    ],
                ),
                numeric=(col("score", lang),),
                note=note,
            )
        )
    best = df[df["kind"] == "enterprise-institute"].head(1)
    if len(best):
        r = best.iloc[0]
        reason = n.within(pick(r, "explanation", "explanation_en", lang))
        reason = reason.split("；" if lang == "zh" else ";")[0].rstrip("。.")
        findings.append(
            f"最值得撮合的产学研合作：{r['source_name']} 与 {r['target_name']}——{reason}。"
            if lang == "zh"
            else f"Research partnership to broker first: {n(r['source_name'], r['source'])} with "
            f"{n(r['target_name'], r['target'])}: {reason}."
        )
    return section
