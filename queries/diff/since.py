"""What changed since an earlier graph, as a section of a brief in Chinese or English."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.diff.cluster_changes import CLUSTER_EVENTS
from innokg.queries.diff.compare import GraphDiff, graph_diff
from innokg.queries.diff.themes import _runners

__all__ = ["SinceSection", "since_section"]

Lang = Literal["zh", "en"]


_WORDS: dict[str, tuple[str, str]] = {
    "title": ("{since}以来的变化", "What changed since {since}"),
    "since_year": ("{year} 年", "{year}"),
    "since_build": ("上一版图谱", "the previous build"),
    "nothing": ("两版图谱之间没有变化。", "Nothing changed between the two builds."),
    "totals": (
        "节点新增 {na:,} 个、删除 {nr:,} 个、变更 {nc:,} 个；"
        "关系新增 {ea:,} 条、删除 {er:,} 条、变更 {ec:,} 条。",
        "Nodes: {na:,} added, {nr:,} removed, {nc:,} changed; edges: {ea:,} added, "
        "{er:,} removed, {ec:,} changed.",
    ),
    "indicator": (
        "{what}：由 {old} 变为 {new}（目标 {target}，{status}）。",
        "{what}: from {old} to {new} (target {target}; {status}).",
    ),
    "newly met": ("新达到目标", "newly met"),
    "no longer met": ("不再达到目标", "no longer met"),
    "still met": ("已达到目标", "met"),
    "still not met": ("尚未达到目标", "not met yet"),
    "cities_met": (
        "新达到目标的城市（{what}）{n} 个：{names}。",
        "Cities newly meeting the target for {what} ({n}): {names}.",
    ),
    "platforms": (
        "新增双创平台 {n:,} 个{where}。",
        "New platforms: {n:,}{where}.",
    ),
    "where": ("，主要在{top}", "; most in {top}"),
    "demonstrations": (
        "新认定示范平台 {p:,} 个、示范创客团队 {t:,} 个。",
        "Newly recognised demonstration platforms: {p:,}; demonstration maker teams: {t:,}.",
    ),
    "alliances": ("新增联盟 {n:,} 个。", "New alliances: {n:,}."),
    "lost": (
        "{n:,} 条供货关系中断，其中 {none:,} 项投入已无其他供应商。",
        "Supply links ended: {n:,}; inputs left with no supplier: {none:,}.",
    ),
    "single": (
        "新增单一来源投入 {new:,} 项；{resolved:,} 项已有多家供应商，{ended:,} 项已无供货。",
        "Inputs newly single-sourced: {new:,}; now with several suppliers: {resolved:,}; "
        "no longer supplied: {ended:,}.",
    ),
    "clusters": (
        "产业链集群：{parts}。",
        "Supply-chain clusters: {parts}.",
    ),
}


_HEADINGS: dict[str, dict[str, tuple[str, str]]] = {
    "indicators": {
        "group_name": ("地区", "area"),
        "indicator_name": ("指标", "indicator"),
        "old": ("此前", "before"),
        "new": ("现在", "now"),
        "target_text": ("目标", "target"),
        "status_text": ("状态", "status"),
    },
    "platforms": {
        "display": ("平台", "platform"),
        "city": ("城市", "city"),
        "kind": ("类型", "kind"),
        "run_by": ("建设或运营单位", "set up or run by"),
    },
    "demonstrations": {
        "display": ("名称", "name"),
        "label": ("类别", "what"),
        "city": ("城市", "city"),
        "demonstration": ("认定年份", "recognised"),
    },
    "lost_suppliers": {
        "buyer_display": ("采购企业", "buyer"),
        "input": ("投入品", "input"),
        "supplier_display": ("原供应商", "former supplier"),
        "suppliers_left": ("剩余供应商", "suppliers left"),
    },
    "single_sourced": {
        "buyer_display": ("采购企业", "buyer"),
        "input": ("投入品", "input"),
        "supplier_display": ("唯一供应商", "sole supplier"),
        "old_suppliers": ("此前供应商数", "suppliers before"),
    },
    "clusters": {
        "event_text": ("变化", "change"),
        "old_labels": ("此前的集群", "clusters before"),
        "new_labels": ("现在的集群", "clusters now"),
        "old_size": ("此前成员", "members before"),
        "new_size": ("现在成员", "members now"),
    },
}


@dataclass
class SinceSection:
    """A "since last time" section, ready to lay out: no HTML, no styling.

    ``title`` and ``findings`` (one sentence each) are in the section's language;
    ``tables`` hold at most ``limit`` rows each, with headings in that language, in the
    order to show them; ``diff`` is the whole comparison behind them.
    """

    title: str
    findings: list[str]
    tables: dict[str, pd.DataFrame]
    diff: GraphDiff
    lang: Lang = "zh"


def _display_names(graphs: Sequence[EcosystemGraph], lang: Lang) -> pd.Series:
    """Names to show by id: the English name in English where there is one."""
    out = pd.Series(dtype="string")
    for G in graphs:
        frames = [df for df in G.nodes.values() if len(df)]
        if not frames:
            continue
        both = pd.concat(
            [df.reindex(columns=["id", "name", "name_en"]) for df in frames], ignore_index=True
        ).drop_duplicates("id")
        names = both["name"].astype("string")
        if lang == "en":
            names = both["name_en"].astype("string").fillna(names)
        out = out.combine_first(pd.Series(names.to_numpy(), index=both["id"].astype(str)))
    return out


def _value(value: float, unit: str) -> str:
    if value is None or pd.isna(value):
        return "—"
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def since_section(
    old: EcosystemGraph,
    new: EcosystemGraph,
    *,
    lang: Lang = "zh",
    limit: int = 10,
    diff: GraphDiff | None = None,
) -> SinceSection:
    """What changed since ``old``, as findings and short tables for a brief.

    Parameters
    ----------
    old, new : EcosystemGraph
        The earlier build (e.g. last year's package) and the one the brief is about.
    lang : {"zh", "en"}
        Language of the title, findings and headings; in English, names come from
        ``name_en`` where a node has one (the Chinese name otherwise).
    limit : int
        Rows per table at most.
    diff : GraphDiff, optional
        A comparison already made by :func:`graph_diff` (otherwise made here).

    Returns
    -------
    SinceSection
        ``findings`` in this order, each only when there is something to say: node and
        edge totals; the province's indicators with a target (before, now, target,
        met or not); cities newly meeting a target; new platforms and where; new
        demonstration platforms and teams; new alliances; lost supply links and
        inputs left with no supplier; inputs newly single-sourced and resolved;
        cluster splits, merges, new and dissolved clusters.  ``tables``:
        ``indicators`` (the province's targeted indicators and every city row whose
        status changed), ``platforms``, ``demonstrations``, ``lost_suppliers`` (fewest
        suppliers left first), ``single_sourced`` (new ones), ``clusters`` (all but
        continued); an empty table is left out.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> old = make_graph({"Platform": [{"id": "p1", "name": "甲平台"}]})
    >>> new = make_graph({"Platform": [{"id": "p1", "name": "甲平台"},
    ...                               {"id": "p2", "name": "乙平台", "name_en": "Yi"}]})
    >>> section = since_section(old, new, lang="en")
    >>> section.findings
    ['Nodes: 1 added, 0 removed, 0 changed; edges: 0 added, 0 removed, 0 changed.', \
'New platforms: 1.']
    >>> section.tables["platforms"].to_dict("records")
    [{'platform': 'Yi', 'city': '', 'kind': 'self_built_rnd', 'set up or run by': ''}]
    """
    if lang not in ("zh", "en"):
        raise QueryError(f"lang must be zh or en (got {lang!r})")
    d = diff if diff is not None else graph_diff(old, new)
    k = 0 if lang == "zh" else 1

    def say(key: str, **values: Any) -> str:
        return _WORDS[key][k].format(**values)

    names = _display_names([new, old], lang)
    year = d.old.get("year")
    since = say("since_year", year=year) if year is not None else say("since_build")
    findings: list[str] = []
    tables: dict[str, pd.DataFrame] = {}
    c = d.counts()
    if sum(c[f"{w}_{x}"] for w in ("nodes", "edges") for x in ("added", "removed", "changed")):
        findings.append(
            say(
                "totals",
                na=c["nodes_added"],
                nr=c["nodes_removed"],
                nc=c["nodes_changed"],
                ea=c["edges_added"],
                er=c["edges_removed"],
                ec=c["edges_changed"],
            )
        )

    _indicator_findings(d.indicators, lang, say, names, limit, findings, tables)
    _new_organisations(d, new, lang, say, names, findings, tables)
    _supply_findings(d, say, names, findings, tables)
    events = d.clusters[d.clusters["event"] != "continued"] if len(d.clusters) else d.clusters
    if len(events):
        counts = events["event"].value_counts()
        sep = "，" if lang == "zh" else ", "
        parts = sep.join(
            f"{CLUSTER_EVENTS[e][k]} {int(counts[e])}" for e in CLUSTER_EVENTS if e in counts
        )
        findings.append(say("clusters", parts=parts))
        tables["clusters"] = events.assign(
            event_text=[CLUSTER_EVENTS[e][k] for e in events["event"]]
        )
    if not findings:
        findings.append(say("nothing"))
    findings = [f[:1].upper() + f[1:] for f in findings]  # an English indicator starts lower
    laid_out = {
        name: df[list(_HEADINGS[name])]
        .head(limit)
        .rename(columns={c: h[k] for c, h in _HEADINGS[name].items()})
        .reset_index(drop=True)
        for name, df in tables.items()
    }
    return SinceSection(say("title", since=since), findings, laid_out, d, lang)


def _indicator_findings(
    indicators: pd.DataFrame,
    lang: Lang,
    say: Callable[..., str],
    names: pd.Series,
    limit: int,
    findings: list[str],
    tables: dict[str, pd.DataFrame],
) -> None:
    """The province's indicators then and now, and the cities that newly met one.

    ``say`` words a finding in ``lang``; each found is added to ``findings``, its table
    (if any) to ``tables``."""
    k = 0 if lang == "zh" else 1
    ind = indicators.copy()
    if len(ind):
        what_col = "indicator_zh" if lang == "zh" else "indicator_en"
        ind["indicator_name"] = ind[what_col].fillna(ind["indicator"])
        for col, source in (("old", "old_value"), ("new", "new_value"), ("target_text", "target")):
            ind[col] = [_value(v, u) for v, u in zip(ind[source], ind["unit"], strict=True)]
        ind["status_text"] = [_WORDS[s][k] if s in _WORDS else "" for s in ind["status"]]
        if lang == "en":
            ind["group_name"] = ind["group"].map(names).fillna(ind["group_name"])
        province = ind[(ind["by"] == "province") & ind["target"].notna()]
        for row in province.itertuples(index=False):
            findings.append(
                say(
                    "indicator",
                    what=row.indicator_name,
                    old=row.old,
                    new=row.new,
                    target=row.target_text,
                    status=row.status_text,
                )
            )
        cities = ind[(ind["by"] == "city") & (ind["status"] == "newly met")]
        for _, rows in cities.groupby("indicator", sort=False):
            shown = ("、" if lang == "zh" else ", ").join(rows["group_name"].astype(str))
            findings.append(
                say("cities_met", what=rows["indicator_name"].iloc[0], n=len(rows), names=shown)
            )
        moved = ind[(ind["by"] == "city") & ind["status"].isin(["newly met", "no longer met"])]
        tables["indicators"] = pd.concat([province, moved]).head(limit)


def _new_organisations(
    d: GraphDiff,
    new: EcosystemGraph,
    lang: Lang,
    say: Callable[..., str],
    names: pd.Series,
    findings: list[str],
    tables: dict[str, pd.DataFrame],
) -> None:
    """New platforms (and where), new demonstration platforms and teams, new alliances.

    ``say`` words a finding in ``lang``; each found is added to ``findings``, its table
    (if any) to ``tables``."""
    k = 0 if lang == "zh" else 1
    cities = _city_names(new, lang)
    if len(d.platforms):
        platforms = d.platforms.assign(
            display=d.platforms["id"].map(names).fillna(d.platforms["name"]),
            city=d.platforms["city"].map(lambda c: cities.get(c, c)),
            run_by=_runners(new, d.platforms["id"], names),
        )
        top = platforms["city"].replace("", pd.NA).dropna().value_counts().head(3)
        sep = "、" if lang == "zh" else ", "
        where = say("where", top=sep.join(f"{n} ({v})" for n, v in top.items())) if len(top) else ""
        findings.append(say("platforms", n=len(platforms), where=where))
        tables["platforms"] = platforms
    if len(d.demonstrations):
        by_label = d.demonstrations["label"].value_counts()
        findings.append(
            say(
                "demonstrations",
                p=int(by_label.get("Platform", 0)),
                t=int(by_label.get("MakerTeam", 0)),
            )
        )
        kinds = {
            "Platform": ("双创平台", "platform")[k],
            "MakerTeam": ("创客团队", "maker team")[k],
        }
        tables["demonstrations"] = d.demonstrations.assign(
            display=d.demonstrations["id"].map(names).fillna(d.demonstrations["name"]),
            city=d.demonstrations["city"].map(lambda c: cities.get(c, c)),
            label=d.demonstrations["label"].map(kinds),
        )
    if len(d.alliances):
        findings.append(say("alliances", n=len(d.alliances)))


def _supply_findings(
    d: GraphDiff,
    say: Callable[..., str],
    names: pd.Series,
    findings: list[str],
    tables: dict[str, pd.DataFrame],
) -> None:
    """Supply links that ended, and inputs that became (or stopped being) single-sourced.

    ``say`` words a finding in ``lang``; each found is added to ``findings``, its table
    (if any) to ``tables``."""
    lost = d.lost_suppliers
    if len(lost):
        none_left = lost[lost["suppliers_left"] == 0][["buyer", "input"]].drop_duplicates()
        findings.append(say("lost", n=len(lost), none=len(none_left)))
        tables["lost_suppliers"] = lost.assign(
            buyer_display=lost["buyer"].map(names).fillna(lost["buyer_name"]),
            supplier_display=lost["supplier"].map(names).fillna(lost["supplier_name"]),
        )
    single = d.single_sourced
    if len(single):
        counts = single["change"].value_counts()
        findings.append(
            say(
                "single",
                new=int(counts.get("new", 0)),
                resolved=int(counts.get("resolved", 0)),
                ended=int(counts.get("ended", 0)),
            )
        )
        fresh = single[single["change"] == "new"]
        if len(fresh):
            tables["single_sourced"] = fresh.assign(
                buyer_display=fresh["buyer"].map(names).fillna(fresh["buyer_name"]),
                supplier_display=fresh["supplier"].map(names).fillna(fresh["supplier_name"]),
            )


def _city_names(G: EcosystemGraph, lang: Lang) -> dict[str, str]:
    """City names as the section shows them, by Chinese name (English where known)."""
    regions = G.nodes["Region"]
    if lang == "zh" or "name_en" not in regions.columns:
        return {}
    known = regions[regions["name_en"].notna()]
    return dict(zip(known["name"].astype(str), known["name_en"].astype(str), strict=True))
