"""The whole graph: drawn whole when it is small, else sampled (the best-connected
nodes) or rolled up into groups (supply-chain clusters, cities, industries or labels)
drawn as single nodes sized by their members."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from innokg.queries.arrays import GraphArrays, arrays
from innokg.queries.sets import distinct
from innokg.viz.facts import _degree, _short
from innokg.viz.layout import _geo_positions, _layout, _options
from innokg.viz.network import InnoNetwork, _detail_network, _synthetic_note
from innokg.viz.styles import (
    DEFAULT_MAX_GROUPS,
    DEFAULT_MAX_NODES,
    DEFAULT_PHYSICS_LIMIT,
    EDGE_COLOURS,
    GROUPINGS,
    LABEL_STYLE,
    LegendItem,
    Overflow,
    _label_legend,
)
from innokg.viz.views import _cluster_groups

__all__ = ["whole_graph"]


def _groups(G: EcosystemGraph, grouping: str, seed: int) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """A group index for every position and a description of each group."""
    A = arrays(G)
    if grouping not in GROUPINGS:
        raise InnokgError(f"cannot group by {grouping!r}; use one of {', '.join(GROUPINGS)}")
    group = np.full(A.n, -1, dtype=np.int64)
    info: list[dict[str, Any]] = []
    if grouping == "cluster":
        profiles, cluster = _cluster_groups(G, seed=seed)
        ids = profiles["cluster"].to_numpy(np.int64)
        order = np.full(max(int(cluster.max(initial=0)), int(ids.max(initial=0))) + 1, -1)
        order[ids] = np.arange(len(ids))
        inside = cluster >= 0
        group[inside] = order[cluster[inside]]
        for rec in profiles.itertuples(index=False):
            info.append(
                {
                    "name": f"集群 {rec.cluster} · {rec.label}",
                    "kind": "cluster",
                    "place": rec.main_city or str(rec.label).split(" · ")[0],
                    "members": int(rec.size),
                    "lines": [
                        f"供应链集群 supply-chain cluster {rec.cluster}",
                        f"链主 chain leader: {rec.leader_name or '未识别 none identified'}",
                        f"城市 cities: {rec.cities}",
                        f"行业 industries: {rec.industries}",
                        f"单一来源投入 single-sourced inputs: {rec.single_sourced}",
                        f"桥接企业 bridging firms: {rec.bridging_firms}",
                    ],
                }
            )
    elif grouping in ("city", "industry"):
        place = A.city() if grouping == "city" else A.industry()
        keys = distinct(place[place >= 0])
        names = A.values_at("name", keys, dtype="object", fill="")
        ok = place >= 0
        group[ok] = np.searchsorted(keys, place[ok])
        for k, name in zip(keys.tolist(), names.tolist(), strict=True):
            info.append(
                {
                    "name": str(name),
                    "kind": grouping,
                    "pos": int(k),
                    "lines": [
                        ("城市 city: " if grouping == "city" else "行业 industry: ") + str(name)
                    ],
                }
            )
    # Whatever is left is grouped by its label.
    for code, label in enumerate(A.label_names):
        left = (group < 0) & (A.label_code == code)
        if not left.any():
            continue
        group[left] = len(info)
        spec = NODE_LABELS[label]
        rest = grouping != "label"
        info.append(
            {
                "name": (f"其他{spec.zh}" if rest else spec.zh)
                + f" · {'other ' if rest else ''}{spec.en}",
                "kind": "label",
                "label": label,
                "lines": [f"{spec.zh} {spec.en}" + (" not in any group above" if rest else "")],
            }
        )
    return group, info


def whole_graph(
    G: EcosystemGraph,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    overflow: Overflow = "aggregate",
    group_by: str = "cluster",
    size_by: str | None = "degree",
    physics_limit: int = DEFAULT_PHYSICS_LIMIT,
    seed: int = 2016,
    max_groups: int = DEFAULT_MAX_GROUPS,
) -> InnoNetwork:
    """The whole graph; above ``max_nodes``, rolled up into groups or sampled.

    Parameters
    ----------
    G : EcosystemGraph
    max_nodes : int
        Draw every node up to this many.
    overflow : {"aggregate", "sample"}
        Above ``max_nodes``: draw groups as single nodes sized by their members,
        with edges weighted by the links between groups (``aggregate``), or draw the
        ``max_nodes`` best-connected nodes with a note (``sample``).
    group_by : {"cluster", "city", "industry", "label"}
        Groups of an aggregate view: supply-chain clusters (:mod:`innokg.queries.clusters`),
        cities, industries or node labels.  Nodes outside every group of the first
        three are grouped by their label.
    size_by, physics_limit
        As for :func:`neighbourhood` (an aggregate view sizes groups by members).
    seed : int
        Seed of the clustering.
    max_groups : int
        Grouped by cluster, more clusters than this are grouped hierarchically: by
        the place their label names (a city, or the province when no city holds
        most of a cluster), each place's clusters listed in its tooltip (draw one
        with :func:`cluster_view`, then its firms), so that a large graph opens as
        tens of groups rather than hundreds of small clusters.

    Returns
    -------
    InnoNetwork
    """
    A = arrays(G)
    if overflow not in ("aggregate", "sample"):
        raise InnokgError(f"overflow must be aggregate or sample (got {overflow!r})")
    title = G.manifest.get("title") or "innokg"
    heading = f"创新生态全图 · Whole ecosystem: {title}"
    if A.n <= max_nodes:
        net = _detail_network(
            G,
            np.arange(A.n),
            heading=heading,
            notes=[f"{A.n:,} 个节点 · all {A.n:,} nodes"],
            edge_types=None,
            size_by=size_by,
            physics_limit=physics_limit,
        )
        net.stats.update(view="whole", total_nodes=A.n, sampled=False, aggregated=False)
        return net
    if overflow == "sample":
        deg = _degree(A)
        order = np.lexsort((np.arange(A.n), -deg))
        shown = np.sort(order[:max_nodes])
        net = _detail_network(
            G,
            shown,
            heading=heading,
            notes=[
                f"抽样：显示连接最多的 {max_nodes:,} 个节点（共 {A.n:,} 个）· Sample: the "
                f"{max_nodes:,} best-connected of {A.n:,} nodes; the rest are not drawn"
            ],
            edge_types=None,
            size_by=size_by,
            physics_limit=physics_limit,
        )
        net.stats.update(view="whole", total_nodes=A.n, sampled=True, aggregated=False)
        return net
    return _aggregate(
        G,
        heading=heading,
        group_by=group_by,
        max_nodes=max_nodes,
        physics_limit=physics_limit,
        seed=seed,
        max_groups=max_groups,
    )


_PLACES_NOTE = (
    "分层汇总：供应链集群按其所在地（城市，或无主导城市时的全省）归组，"
    "悬停查看各组的集群 · Grouped hierarchically: supply-chain clusters by the place "
    "their label names (a city, or the province when no city leads); hover a group for "
    "its clusters, draw one with innokg viz --cluster ID"
)


def _clusters_by_place(
    group: np.ndarray, info: list[dict[str, Any]]
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """One group per place holding the clusters of that place (largest place first);
    the groups that are not clusters (other nodes by label) stay as they are."""
    places: dict[str, list[int]] = {}
    for i, item in enumerate(info):
        if item["kind"] == "cluster":
            places.setdefault(str(item["place"]), []).append(i)
    order = sorted(places, key=lambda p: -sum(info[i]["members"] for i in places[p]))
    lut = np.zeros(len(info), dtype=np.int64)
    rolled: list[dict[str, Any]] = []
    for place in order:
        mine = sorted(places[place], key=lambda i: -info[i]["members"])
        lut[mine] = len(rolled)
        rolled.append(
            {
                "name": f"{place} · {len(mine)} 个集群",
                "kind": "place",
                "lines": [f"{len(mine)} 个供应链集群 supply-chain clusters, largest first:"]
                + [f"{info[i]['name']}: {info[i]['members']:,}" for i in mine[:8]]
                + ([f"… {len(mine) - 8} more"] if len(mine) > 8 else []),
            }
        )
    for i, item in enumerate(info):
        if item["kind"] != "cluster":
            lut[i] = len(rolled)
            rolled.append(item)
    return lut[group], rolled


def _fold(
    group: np.ndarray, info: list[dict[str, Any]], max_nodes: int
) -> tuple[np.ndarray, list[dict[str, Any]], int]:
    """Too many groups: keep the ``max_nodes - 1`` largest and fold the rest into one.

    Returns the new group of every position, the groups' descriptions and how many
    groups were folded (0 when they all fit)."""
    k = len(info)
    if k <= max_nodes:
        return group, info, 0
    members = np.bincount(group, minlength=k)
    keep = np.argsort(-members, kind="stable")[: max_nodes - 1]
    lut = np.full(k, max_nodes - 1, dtype=np.int64)
    lut[keep] = np.arange(len(keep))
    folded = k - len(keep)
    info = [info[i] for i in keep] + [
        {"name": f"其余 {folded:,} 组 · {folded:,} smaller groups", "kind": "rest", "lines": []}
    ]
    return lut[group], info, folded


def _group_links(A: GraphArrays, group: np.ndarray, k: int) -> tuple[np.ndarray, pd.DataFrame]:
    """Links inside each group, and the count of links of each type between two groups
    (columns ``u`` < ``v``, ``type``, ``n``)."""
    frames = []
    internal = np.zeros(k, dtype=np.int64)
    for etype in EDGE_TYPES:
        src, dst = A.edges(etype)
        gu, gv = group[src], group[dst]
        same = gu == gv
        internal += np.bincount(gu[same], minlength=k)
        gu, gv = gu[~same], gv[~same]
        pair = np.minimum(gu, gv) * k + np.maximum(gu, gv)  # k is at most max_nodes
        if len(pair):
            found, n = _count_keys(pair, k * k)
            frames.append(pd.DataFrame({"u": found // k, "v": found % k, "type": etype, "n": n}))
    if not frames:
        none = np.zeros(0, dtype=np.int64)
        return internal, pd.DataFrame({"u": none, "v": none, "type": none.astype(str), "n": none})
    counts = pd.concat(frames, ignore_index=True)
    counts = counts.sort_values(["u", "v", "type"], kind="stable", ignore_index=True)
    return internal, counts


def _count_keys(keys: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``keys`` (non-negative, below ``bound``) in order and how often
    each occurs: counted in place when the bound is small, else sorted."""
    if bound <= _COUNTED_IN_PLACE:  # one pass, no sort: 14 million links at 10M
        n = np.bincount(keys, minlength=bound)
        found = np.flatnonzero(n)
        return found, n[found]
    found, n = np.unique(keys, return_counts=True)
    return found, n


#: Up to this many possible pairs of groups (a 2,000-group page), links are counted
#: in a table of that many counters rather than sorted.
_COUNTED_IN_PLACE = 4_000_000


def _label_counts(group: np.ndarray, code: np.ndarray, k: int, labels: int) -> list[pd.Series]:
    """For each group, how many of its members carry each label (indexed by the label
    codes present in the graph, in order; empty for a group with no members)."""
    table = np.bincount(group * labels + code, minlength=k * labels).reshape(k, labels)
    present = np.flatnonzero(table.sum(axis=0))
    return [
        pd.Series(row[present], index=present) if row.any() else pd.Series(dtype=int)
        for row in table
    ]


def _aggregate_notes(
    G: EcosystemGraph, A: GraphArrays, k: int, group_by: str, folded: int
) -> list[str]:
    return [
        f"汇总视图：{A.n:,} 个节点合并为 {k:,} 组（{_GROUPING_ZH[group_by]}）· "
        f"Aggregated: {A.n:,} "
        f"nodes shown as {k:,} groups by {group_by}; each circle's size is its member count, "
        "each line's width the links between two groups",
        *(
            [f"其余 {folded:,} 个较小的组合并为一组 · {folded:,} smaller groups folded into one"]
            if folded
            else []
        ),
        *_synthetic_note(G),
    ]


def _group_node(
    i: int,
    item: dict[str, Any],
    row: pd.Series,
    *,
    label_names: list[str],
    members: int,
    internal: int,
    top: int,
    xy: np.ndarray,
    fixed: bool,
) -> dict[str, Any]:
    """The node drawing group ``i``: sized by its members, its tooltip their breakdown."""
    dominant = label_names[int(row.idxmax())] if len(row) else "Enterprise"
    label = item.get("label", dominant)
    colour, shape = LABEL_STYLE[label]
    if item["kind"] != "label":
        shape = "dot"
    breakdown = "; ".join(
        f"{NODE_LABELS[label_names[int(c)]].zh} {int(n):,}"
        for c, n in row.sort_values(ascending=False).items()
        if n > 0
    )
    lines = [
        item["name"],
        *item["lines"],
        f"成员 members: {members:,}",
        breakdown,
        f"组内连接 links inside: {internal:,}",
    ]
    node = {
        "id": f"group:{i}",
        "label": _short(item["name"]) + f"\n{members:,}",
        "title": "\n".join(x for x in lines if x),
        "shape": shape,
        "size": float(round(10.0 + 40.0 * math.sqrt(members / top), 2)),
        "color": {
            "background": colour,
            "border": "#333333" if item["kind"] in ("cluster", "place") else colour,
        },
        "borderWidth": 2 if item["kind"] in ("cluster", "place") else 1,
        "x": float(round(xy[i, 0], 1)),
        "y": float(round(xy[i, 1], 1)),
        "group": item["kind"],
        "members": members,
    }
    if fixed:  # a city at its real coordinates stays there
        node["fixed"] = {"x": True, "y": True}
    return node


def _group_edges(counts: pd.DataFrame, top_edge: float) -> list[dict[str, Any]]:
    """One undirected line per pair of groups, as wide as the log of its links."""
    edges = []
    by_pair = counts.sort_values("n", ascending=False).groupby(["u", "v"])
    for (a, b), grp in by_pair:
        n_links = int(grp["n"].sum())
        lines = [f"{n_links:,} 条连接 links"] + [
            f"{EDGE_TYPES[t].zh} {EDGE_TYPES[t].en}: {int(c):,}"
            for t, c in zip(grp["type"].head(5), grp["n"].head(5), strict=True)
        ]
        edges.append(
            {
                "from": f"group:{int(a)}",
                "to": f"group:{int(b)}",
                "title": "\n".join(lines),
                "color": EDGE_COLOURS.get(str(grp["type"].iloc[0]), "#999999"),
                "width": round(0.5 + 7.5 * math.log1p(n_links) / math.log1p(top_edge), 2),
                "arrows": {"to": {"enabled": False}},
            }
        )
    return edges


def _aggregate_legend(info: list[dict[str, Any]]) -> list[LegendItem]:
    kinds = {item["kind"] for item in info}
    legend = [
        LegendItem(
            "dot",
            LABEL_STYLE["Enterprise"][0],
            "一组节点（大小 = 成员数）· a group (size = members)",
        )
    ]
    if "cluster" in kinds:
        legend.append(
            LegendItem(
                "dot",
                LABEL_STYLE["Enterprise"][0],
                "供应链集群 supply-chain cluster",
                border="#333333",
            )
        )
    if "place" in kinds:
        legend.append(
            LegendItem(
                "dot",
                LABEL_STYLE["Enterprise"][0],
                "一地的供应链集群 a place's supply-chain clusters",
                border="#333333",
            )
        )
    labels_present = sorted(
        {str(item["label"]) for item in info if "label" in item}, key=list(NODE_LABELS).index
    )
    return legend + _label_legend(labels_present)


def _aggregate(
    G: EcosystemGraph,
    *,
    heading: str,
    group_by: str,
    max_nodes: int,
    physics_limit: int,
    seed: int,
    max_groups: int = DEFAULT_MAX_GROUPS,
) -> InnoNetwork:
    A = arrays(G)
    group, info = _groups(G, group_by, seed)
    places = sum(item["kind"] == "cluster" for item in info) > max_groups
    if places:
        group, info = _clusters_by_place(group, info)
    group, info, folded = _fold(group, info, max_nodes)
    k = len(info)
    members = np.bincount(group, minlength=k)
    by_label = _label_counts(group, A.label_code, k, len(A.label_names))
    internal, counts = _group_links(A, group, k)
    pairs = counts.groupby(["u", "v"])["n"].sum().rename("total").reset_index()
    u, v = pairs["u"].to_numpy(np.int64), pairs["v"].to_numpy(np.int64)
    total = pairs["total"].to_numpy(float)
    xy = _layout(k, u, v, weights=np.log1p(total))
    fixed = _geo_positions(A, info, xy) if group_by == "city" else np.zeros(k, dtype=bool)
    notes = _aggregate_notes(G, A, k, group_by, folded)
    if places:
        notes.insert(1, _PLACES_NOTE)
    net = InnoNetwork(heading, notes=notes)
    top = members.max() if k else 1
    for i, item in enumerate(info):
        node = _group_node(
            i,
            item,
            by_label[i],
            label_names=A.label_names,
            members=int(members[i]),
            internal=int(internal[i]),
            top=top,
            xy=xy,
            fixed=bool(fixed[i]),
        )
        net.nodes.append(node)
        net.node_ids.append(node["id"])
        net.node_map[node["id"]] = node
    net.edges.extend(_group_edges(counts, total.max() if len(total) else 1.0))
    net.options = _options(k, physics_limit)
    net.legend = _aggregate_legend(info)
    net.stats.update(
        view="whole",
        nodes=k,
        edges=len(net.edges),
        total_nodes=A.n,
        sampled=False,
        aggregated=True,
        group_by=group_by,
    )
    return net


_GROUPING_ZH = {
    "cluster": "按供应链集群",
    "city": "按城市",
    "industry": "按行业",
    "label": "按类型",
}
