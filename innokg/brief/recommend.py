"""Recommendations drawn from the analysis: what to do, where, why, under which article.

Each rule below looks at one finding of the query modules and proposes one action
when, and only when, the graph holds the data that finding rests on: no
recommendation is made from data the graph lacks (a build without firm sizes gets no
platform-coverage recommendation; one without research collaborations gets
partnership candidates, said to rest on place and field, not a "research gap").
Every figure is computed from the graph; the rules only choose and word.

The order is the policy's: targets not met first (platform coverage, then the
demonstration counts), then the research, supply-chain, technology-centre and finance
findings.  At most five are kept.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from innokg.brief.model import Recommendation
from innokg.brief.scope import Scope, has, has_edges, lm_known, sizes_missing
from innokg.brief.targets import TargetStatus, pace, year_reached
from innokg.brief.words import fmt_value, num, pick
from innokg.queries.arrays import arrays
from innokg.queries.clusters import cluster_labels
from innokg.queries.id_index import text_in

__all__ = ["MAX_RECOMMENDATIONS", "recommendations"]

MAX_RECOMMENDATIONS = 5


def _rec(
    s: Scope,
    key: str,
    article: int,
    action: str,
    because: str,
    evidence: list[str],
    indicator: str | None = None,
) -> Recommendation:
    title = s.article_title(article, indicator)
    return Recommendation(key, action, because, evidence[:5], article, title)


def _sentence(text: str) -> str:
    """``text`` with a capital first letter (English sentences that start with a name
    of the query modules, which are lower case)."""
    return text[:1].upper() + text[1:] if text else text


def _join(items: list[str], zh: bool) -> str:
    if zh:
        return "、".join(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _measured(ind: pd.DataFrame, key: str) -> pd.DataFrame:
    rows = ind[(ind["indicator"] == key) & ind["measurable"].fillna(False).astype(bool)]
    return rows[rows["value"].notna()]


def _city(s: Scope, gid: object, name: object) -> str:
    return s.names(name, gid)


# --- targets not met ------------------------------------------------------------------------


def _coverage(s: Scope, targets: dict[str, TargetStatus]) -> Recommendation | None:
    st = targets.get("platform_coverage")
    if st is None or not st.measurable or st.met is not False or st.target is None:
        return None
    cov = _measured(s.city_indicators(), "platform_coverage")
    cov = cov[cov["target"].notna() & cov["denominator"].notna()]
    if cov.empty:
        return None
    need = (cov["target"] * cov["denominator"] - cov["numerator"] - 1e-9).map(math.ceil)
    cov = cov.assign(need=need.clip(lower=0).astype(int))
    if s.city_id is not None:
        rows = cov[(cov["group"] == s.city_id) & (cov["need"] > 0)]
    else:
        rows = cov[cov["need"] > 0].sort_values(["need", "value"], ascending=[False, True]).head(3)
    if rows.empty:
        return None
    zh, target = s.zh, fmt_value(st.target, "share").replace(".0%", "%")
    cities = [_city(s, g, n) for g, n in zip(rows["group"], rows["group_name"], strict=True)]
    needs = [f"{int(n):,}" for n in rows["need"]]
    if zh:
        action = (
            f"将{_join(cities, zh)}的“双创”平台普及率提高到 {target}："
            f"再有 {'、'.join(needs)} 家大中型工业企业建立平台即可达标。"
        )
    else:
        action = (
            f"Bring mass-innovation platform coverage to {target} in {_join(cities, zh)}: "
            f"{_join(needs, zh)} more large and medium firms with a platform would do it."
        )
    where = s.where()
    parts = []
    if st.at_deadline is not None:
        v, _, _ = st.at_deadline
        parts.append(
            f"{where}在 {st.deadline} 年底为 {fmt_value(v, 'share')}（目标 {target}）"
            if zh
            else f"{where[:1].upper()}{where[1:]} stood at {fmt_value(v, 'share')} at the "
            f"end-{st.deadline} deadline (target {target})"
        )
    parts.append(
        f"{st.year} 年为 {fmt_value(st.value, 'share')}"
        if zh
        else f"{fmt_value(st.value, 'share')} in {st.year}"
    )
    reached, p = year_reached(st), pace(st)
    if p is not None and st.series:
        y0 = st.series[0][0]
        if reached is not None:
            parts.append(
                f"按自 {y0} 年以来每年 {p * 100:+.1f} 个百分点的速度，{reached} 年才能达标"
                if zh
                else f"at the pace since {y0} ({p * 100:+.1f} pts a year) {target} is "
                f"reached in {reached}"
            )
        else:
            parts.append(f"自 {y0} 年以来没有提高" if zh else f"no progress since {y0}")
    because = ("；".join(parts) + "。") if zh else ("; ".join(parts) + ".")
    evidence = [
        (
            f"{c}：{fmt_value(v, 'share')}（{int(nu):,}/{int(de):,} 家），还差 {int(n):,} 家"
            if zh
            else f"{c}: {fmt_value(v, 'share')} ({int(nu):,} of {int(de):,} firms), "
            f"{int(n):,} more needed"
        )
        for c, v, nu, de, n in zip(
            cities, rows["value"], rows["numerator"], rows["denominator"], rows["need"], strict=True
        )
    ]
    return _rec(s, "coverage", st.article or 3, action, because, evidence, st.indicator)


def _demonstrations(s: Scope, targets: dict[str, TargetStatus]) -> Recommendation | None:
    keys = [
        k
        for k in ("demonstration_platforms", "demonstration_teams")
        if k in targets and targets[k].measurable and targets[k].met is False
    ]
    if not keys:
        return None
    zh = s.zh
    sts = [targets[k] for k in keys]
    have = [f"{st.name} {num(st.value)}/{num(st.target)}" for st in sts]
    action = (
        f"加快认定“双创”示范：{_join(have, zh)}" + ("（按比例）" if s.city_id and zh else "") + "。"
        if zh
        else "Recognise more demonstrations: "
        + _join([f"{st.name} {num(st.value)} of {num(st.target)}" for st in sts], zh)
        + (" (pro rata)" if s.city_id else "")
        + "."
    )
    parts = []
    for st in sts:
        p, reached = pace(st), year_reached(st)
        if p is None or not st.series:
            continue
        y0 = st.series[0][0]
        recent = [v for y, v in st.series if st.year is not None and y >= st.year - 2]
        stalled = len(recent) >= 2 and recent[-1] <= recent[0]
        if zh:
            parts.append(
                (
                    f"{st.name}自 {y0} 年以来每年增加 {p:.1f} 个"
                    if p > 0
                    else f"{st.name}自 {y0} 年以来没有增加"
                )
                + (f"，照此 {reached} 年达标" if reached else "")
                + ("，近两年停滞" if stalled and p > 0 else "")
            )
        else:
            parts.append(
                _sentence(
                    (
                        f"{st.name}: {p:.1f} more a year since {y0}"
                        if p > 0
                        else f"{st.name}: none added since {y0}"
                    )
                    + (f", reaching the target in {reached}" if reached else "")
                    + (", none in the last two years" if stalled and p > 0 else "")
                )
            )
    because = ("；".join(parts) + "。") if zh else (". ".join(parts) + ".") if parts else ""
    evidence = []
    if s.city_id is None:
        ind = s.city_indicators()
        for st in sts:
            rows = _measured(ind, st.indicator)
            rows = rows[rows["target"].notna()]
            if rows.empty:
                continue
            rows = rows.assign(short=(rows["target"] - rows["value"]).clip(lower=0))
            rows = rows[rows["short"] > 0].sort_values("short", ascending=False).head(3)
            if rows.empty:
                continue
            cities = [
                (
                    f"{_city(s, g, n)} {num(v)}/{num(t)}"
                    if zh
                    else f"{_city(s, g, n)} {num(v)} of {num(t)}"
                )
                for g, n, v, t in zip(
                    rows["group"], rows["group_name"], rows["value"], rows["target"], strict=True
                )
            ]
            evidence.append(
                f"{st.name}缺口最大的城市（按比例目标）：{'、'.join(cities)}"
                if zh
                else f"Furthest below their pro-rata share of {st.name}: {'; '.join(cities)}"
            )
    return _rec(
        s, "demonstrations", sts[0].article or 3, action, because, evidence, sts[0].indicator
    )


# --- research partners ----------------------------------------------------------------------


def _pairs(s: Scope, kind: str, city: str | None, k: int) -> pd.DataFrame:
    sizes = ("large", "medium") if kind.startswith("enterprise") and lm_known(s.G) else None
    df = s.partners(kind, k, city, sizes)
    ranks = pd.to_numeric(df["rank"], errors="coerce").fillna(0)
    return df[ranks >= 1]


def _reason(s: Scope, row: pd.Series) -> str:
    text = pick(row, "explanation", "explanation_en", s.lang)
    text = text.split("；" if s.zh else "; ")[0].rstrip("。.")
    # quoted without the row it explains, "the firm's"/"its" has nothing to refer to; the
    # centre's name carries the firm's
    text = text.removeprefix("该企业的").removeprefix("its ").removeprefix("Its ")
    return s.names.within(text)


def _research(s: Scope) -> Recommendation | None:
    if not has(s.G, "ResearchInstitute"):
        return None
    zh = s.zh
    gaps = s.gaps("no_research_partner")
    measurable = (
        gaps[gaps["measurable"].fillna(False).astype(bool)]
        if "measurable" in gaps.columns
        else gaps
    )
    measured = lm_known(s.G) and has_edges(s.G, "COLLABORATES_WITH") and len(measurable) > 0
    if measured:
        counts = measurable.groupby("city", dropna=True).size().sort_values(ascending=False)
        counts = counts[counts.index.astype(str) != ""]
        if s.city_id is not None or counts.empty:
            where, where_name = s.city_id, s.city_name
            lacking = len(measurable)
        else:
            where_name = str(counts.index[0])
            where, lacking = where_name, int(counts.iloc[0])
        pairs = _pairs(s, "enterprise-institute", where, 200)
        firms = set(measurable["entity"].astype(str))
        chosen = pairs[text_in(pairs["source"], firms)].drop_duplicates("source")
        chosen = chosen.head(5)
        if chosen.empty:
            return None
        place = s.names(where_name) if where_name else s.where()
        n = len(chosen)
        if zh:
            most = "（各市最多）" if s.city_id is None else ""
            action = (
                f"在{place}撮合这 {n} 对企业与科研机构的合作："
                f"{place}有 {lacking:,} 家大中型工业企业"
                f"没有研发合作伙伴{most}，这些合作可补上其中 {n} 家。"
            )
            because = f"依据：{_reason(s, chosen.iloc[0])}。"
        else:
            action = (
                f"Broker these {n} enterprise–institute partnerships in {place}: {lacking:,} of "
                f"its large and medium firms have no research partner"
                + (", the largest research gap of any city" if s.city_id is None else "")
                + f"; these pairs would give {n} of them one."
            )
            because = f"Why the first pair: {_reason(s, chosen.iloc[0])}."
    else:
        chosen = _pairs(s, "enterprise-institute", s.city, 20).drop_duplicates("source").head(5)
        if chosen.empty:
            return None
        n = len(chosen)
        why = []
        if not has_edges(s.G, "COLLABORATES_WITH"):
            why.append(
                "图中没有企业与科研机构的合作记录"
                if zh
                else "the graph records no research collaboration"
            )
        if not lm_known(s.G):
            why.append(sizes_missing(s.G, zh))
        if zh:
            action = f"撮合这 {n} 对企业与科研机构的合作：它们是图中最有依据的候选。"
            because = (
                f"{'、'.join(why)}，无法计算哪些企业缺少研发伙伴；候选依据地点和领域，"
                f"例如：{_reason(s, chosen.iloc[0])}。"
            )
        else:
            action = (
                f"Broker these {n} enterprise–institute partnerships: the best-founded "
                "candidates on the graph."
            )
            because = (
                f"As {' and '.join(why)}, which firms lack a research partner cannot be "
                f"measured; the candidates rest on place and field, e.g. "
                f"{_reason(s, chosen.iloc[0])}."
            )
    evidence = [
        f"{s.names(r['source_name'], r['source'])} — {s.names(r['target_name'], r['target'])}"
        for _, r in chosen.iterrows()
    ]
    return _rec(s, "research", 6, action, because, evidence)


# --- supply chain ---------------------------------------------------------------------------


def _inputs(n: int, zh: bool) -> str:
    if zh:
        return f"{n:,} 项单一来源投入"
    return f"{n:,} single-sourced input" + ("" if n == 1 else "s")


def _sourced_inputs(s: Scope, buyers: set[str]) -> pd.DataFrame:
    """The single-sourced inputs of ``buyers``: the columns of
    :func:`~innokg.queries.clusters.single_sourced_inputs` that the rule reads, from the
    single-source gap table."""
    rows = s.single_sourced()
    rows = rows[rows["measurable"].fillna(False).astype(bool)]
    rows = rows[text_in(rows["entity"], buyers)]
    inputs = pd.DataFrame(
        {
            "buyer": rows["entity"],
            "buyer_name": rows["name"],
            "input": rows["input"],
            "supplier": rows["supplier"],
            "supplier_name": rows["supplier_name"],
            "evidence": rows["evidence"] if "evidence" in rows.columns else "",
        }
    )
    return inputs.sort_values(["buyer", "input", "supplier"], ignore_index=True)


def _single_sourced(s: Scope) -> Recommendation | None:
    gaps = s.gaps("single_source")
    if gaps.empty or "entity" not in gaps.columns:
        return None
    if "measurable" in gaps.columns:
        gaps = gaps[gaps["measurable"].fillna(False).astype(bool)]
    buyers = set(gaps["entity"].dropna().astype(str))
    if not buyers:
        return None
    # the gaps' own rows are the single-sourced inputs of these buyers; in the order of
    # single_sourced_inputs (buyer, input, supplier), which picks the examples below
    inputs = _sourced_inputs(s, buyers)
    if inputs.empty:
        return None
    zh = s.zh
    # each buyer's cluster, as cluster_members lists it (without profiling every member)
    labels = cluster_labels(s.G, year=s.year)
    pos = arrays(s.G).index(inputs["buyer"].astype(str).to_numpy())
    cluster = np.where(pos >= 0, labels[np.maximum(pos, 0)], -1)
    inputs = inputs.assign(cluster=pd.Series(cluster, index=inputs.index).where(cluster >= 0))
    counts = inputs["cluster"].dropna().value_counts()
    clusters = s.clusters().set_index("cluster") if len(s.clusters()) else pd.DataFrame()
    total = len(inputs)
    where = s.where()
    if len(counts) and len(clusters) and counts.index[0] in clusters.index:
        cid = counts.index[0]
        mine = inputs[inputs["cluster"] == cid]
        c = clusters.loc[cid]
        label = s.names.within(c["label"])
        leader = s.names(c["leader_name"], c["leader"]) if c["leader_name"] else ""
        lead = (f"（链主：{leader}）" if zh else f" (chain leader {leader})") if leader else ""
        if zh:
            action = f"为集群“{label}”{lead}的 {len(mine):,} 项单一来源投入培育第二供应商。"
            because = (
                f"{where}企业仅从一家供应商采购的投入共 {total:,} 项，"
                f"其中 {len(mine):,} 项在该集群，"
                "为各集群最多；一家供应商停供，这些投入即告中断。"
            )
        else:
            action = (
                f"Help the buyers of the cluster “{label}”{lead} find second suppliers for "
                f"its {_inputs(len(mine), zh)}."
            )
            because = (
                f"Of the {total:,} inputs that firms in {where} buy from one supplier only, "
                f"{len(mine):,} are in this cluster, more than in any other; if that supplier "
                "stops, so does the input."
            )
    else:
        mine = inputs
        action = (
            f"为{where}企业的 {total:,} 项单一来源投入培育第二供应商。"
            if zh
            else f"Help firms in {where} find second suppliers for their {_inputs(total, zh)}."
        )
        because = (
            "一家供应商停供，这些投入即告中断。"
            if zh
            else "If that supplier stops, so does the input."
        )
    supplies = s.G.edges.get("SUPPLIES")
    if supplies is not None and len(supplies) and "evidence" in supplies.columns:
        inferred = float((supplies["evidence"] == "inferred").mean())
        if inferred > 0.5:
            because += (
                f"（图中 {inferred:.0%} 的供货关系为推断，请先向企业核实。）"
                if zh
                else f" {inferred:.0%} of the graph's supply links are inferred, not observed: "
                "confirm with the firms first."
            )
    mine = mine.drop_duplicates("buyer").head(4)
    evidence = [
        (
            f"{s.names(r.buyer_name, r.buyer)}的{s.names(r.input)}"
            f"{'据推断' if _inferred(r) else ''}仅由{s.names(r.supplier_name, r.supplier)}供货"
            if zh
            else f"{s.names(r.buyer_name, r.buyer)} buys {s.names(r.input)} only from "
            f"{s.names(r.supplier_name, r.supplier)}{' (inferred)' if _inferred(r) else ''}"
        )
        for r in mine.itertuples(index=False)
    ]
    return _rec(s, "single_source", 4, action, because, evidence)


def _inferred(row: Any) -> bool:
    """Whether a single-source row rests on an inferred link (the gap table's
    ``evidence``), so that the brief does not state it as an observed one."""
    return str(getattr(row, "evidence", "") or "") == "inferred"


# --- technology centres ---------------------------------------------------------------------


def _tech_centres(s: Scope) -> Recommendation | None:
    ind = s.city_indicators()
    centres = _measured(ind, "national_tech_centres")
    if centres.empty or centres["value"].sum() <= 0:
        return None
    zh = s.zh
    total, n = int(centres["value"].sum()), len(centres)
    ranked = centres.sort_values("value", ascending=False, kind="stable")
    strengths = None
    for key, zh_word, en_word in (
        ("specialisations", "个专业化工业行业", "specialised industries"),
        ("listed_firms", "家上市公司", "listed firms"),
        ("universities", "所高校", "universities"),
    ):
        rows = _measured(ind, key)
        if len(rows) >= n // 2:
            strengths = (rows.set_index("group")["value"], zh_word, en_word)
            break
    if strengths is None:
        return None
    other, zh_word, en_word = strengths
    table = ranked.assign(other=ranked["group"].map(other)).dropna(subset=["other"])
    med_c, med_o = table["value"].median(), table["other"].median()
    # strengths without research capacity: many of the other measure, few centres
    weak = table[(table["other"] > med_o) & (table["value"] < med_c)]
    weak = weak.assign(score=weak["other"] / (weak["value"] + 1)).sort_values(
        "score", ascending=False
    )
    if s.city_id is not None:
        weak = weak[weak["group"] == s.city_id]
        if weak.empty:
            return None
        r = weak.iloc[0]
        c = _city(s, r["group"], r["group_name"])
        action = (
            f"在{c}培育国家企业技术中心：{c}有 {int(r['other'])} {zh_word}，"
            f"国家企业技术中心只有 {int(r['value'])} 家（各市中位数 {med_c:.0f}）。"
            if zh
            else f"Build up national technology centres in {c}: it has {int(r['other'])} "
            f"{en_word} but {int(r['value'])} centres (the cities' median is {med_c:.0f})."
        )
        because = (
            "其优势产业缺少自己的研发力量。"
            if zh
            else "Its strong industries lack research capacity of their own."
        )
        evidence: list[str] = []
        return _rec(s, "tech_centres", 6, action, because, evidence)
    top2 = ranked.head(2)
    share = float(top2["value"].sum()) / total
    if share < 2 * 2 / n or weak.empty:  # not concentrated beyond an even spread
        return None
    names = [_city(s, g, m) for g, m in zip(top2["group"], top2["group_name"], strict=True)]
    top_n = int(top2["value"].sum())
    weak = weak.head(3)
    listing = [
        (
            f"{_city(s, g, m)}（{int(o)} {zh_word}，{int(v)} 家中心）"
            if zh
            else f"{_city(s, g, m)} ({int(o)} {en_word}, {int(v)} centre{'s' if v != 1 else ''})"
        )
        for g, m, o, v in zip(
            weak["group"], weak["group_name"], weak["other"], weak["value"], strict=True
        )
    ]
    # the province's figure also counts centres whose city is unknown; say which total
    some_unplaced = s.unplaced("national_tech_centres", total) > 0
    if zh:
        of = f"各市已知所在城市的 {total:,} 家" if some_unplaced else f"全省 {total:,} 家"
        action = (
            f"推动国家企业技术中心向{names[0]}、{names[1]}以外布局：两市占{of}中的 "
            f"{top_n:,} 家（{share:.0%}）。"
        )
        because = f"{'、'.join(listing)}优势产业多，但技术中心少。"
    else:
        action = (
            f"Spread national technology centres beyond {names[0]} and {names[1]}: the two "
            f"hold {top_n:,} of the "
            + (f"{total:,} whose city is known" if some_unplaced else f"province's {total:,}")
            + f" ({share:.0%})."
        )
        because = (
            f"{_join(listing, zh)} have many {en_word} but few centres: their strengths have "
            "little research capacity of their own."
        )
    return _rec(s, "tech_centres", 6, action, because, [])


# --- finance --------------------------------------------------------------------------------


def _finance(s: Scope) -> Recommendation | None:
    if not (has(s.G, "MakerTeam") and has(s.G, "Fund")):
        return None
    gaps = s.gaps("team_no_finance")
    if "measurable" in gaps.columns:
        gaps = gaps[gaps["measurable"].fillna(False).astype(bool)]
    if gaps.empty:
        return None
    zh = s.zh
    counts = gaps.groupby("city").size().sort_values(ascending=False)
    counts = counts[counts.index.astype(str) != ""]
    pairs = _pairs(s, "fund-team", s.city, 5)
    if pairs.empty:
        return None
    where = s.where()
    most = ""
    if s.city_id is None and len(counts):
        c = s.names(str(counts.index[0]))
        most = (
            f"，{c}最多（{int(counts.iloc[0])} 个）"
            if zh
            else f", most in {c} ({int(counts.iloc[0])})"
        )
    action = (
        f"为{where}未获投资的创客团队对接基金：共 {len(gaps):,} 个团队尚无投资{most}。"
        if zh
        else f"Match maker teams without an investor to funds: {len(gaps):,} teams in {where} "
        f"have none{most}."
    )
    because = (
        f"依据：{_reason(s, pairs.iloc[0])}。"
        if zh
        else f"Why the first pair: {_reason(s, pairs.iloc[0])}."
    )
    evidence = [
        f"{s.names(r['target_name'], r['target'])} — {s.names(r['source_name'], r['source'])}"
        for _, r in pairs.head(3).iterrows()
    ]
    return _rec(s, "finance", 14, action, because, evidence)


def recommendations(s: Scope, statuses: list[TargetStatus]) -> list[Recommendation]:
    """Three to five recommendations (fewer where the graph supports fewer), in the
    policy's order."""
    targets = {st.indicator: st for st in statuses}
    found: list[Recommendation] = []
    for rule in (
        lambda: _coverage(s, targets),
        lambda: _demonstrations(s, targets),
        lambda: _research(s),
        lambda: _single_sourced(s),
        lambda: _tech_centres(s),
        lambda: _finance(s),
    ):
        rec = rule()
        if rec is not None:
            found.append(rec)
        if len(found) == MAX_RECOMMENDATIONS:
            break
    return found
