"""The detailed views: around one node, one supply-chain cluster, and a partnership
candidate with the short paths between its two nodes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError, QueryError
from innokg.graph.schema import EDGE_TYPES
from innokg.queries.arrays import GraphArrays, arrays
from innokg.queries.sets import distinct
from innokg.viz.facts import _degree
from innokg.viz.network import InnoNetwork, _check_types, _detail_network, _resolve
from innokg.viz.styles import (
    _ROLE_BORDER,
    DEFAULT_MAX_NODES,
    DEFAULT_PHYSICS_LIMIT,
    LegendItem,
)

__all__ = ["cluster_view", "neighbourhood", "partner_view"]


def neighbourhood(
    G: EcosystemGraph,
    node_id: str,
    *,
    depth: int = 1,
    edge_types: Sequence[str] | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    size_by: str | None = "degree",
    physics_limit: int = DEFAULT_PHYSICS_LIMIT,
) -> InnoNetwork:
    """The nodes within ``depth`` links of ``node_id``, in either direction.

    Parameters
    ----------
    G : EcosystemGraph
    node_id : str
        The node at the centre (marked with a red border).
    depth : int
        How many links out (1 to 4).
    edge_types : sequence of str, optional
        Follow and draw only these edge types (default: all).
    max_nodes : int
        Show at most this many nodes: nearest first and, in the last ring that
        fits only in part, best connected first; a note says what was left out.
    size_by : str, optional
        ``degree`` (links in the whole graph), a numeric property such as
        ``employees``, or None for equal sizes.
    physics_limit : int
        Let the browser's physics refine the layout up to this many nodes.

    Returns
    -------
    InnoNetwork

    Raises
    ------
    NodeNotFound
        When ``node_id`` is not in the graph.
    """
    if not 1 <= depth <= 4:
        raise InnokgError(f"--depth must be 1 to 4 (got {depth})")
    types = _check_types(edge_types)
    A = arrays(G)
    centre = _resolve(G, node_id)
    dist = np.full(A.n, -1, dtype=np.int64)
    dist[centre] = 0
    pairs = [A.edges(t) for t in (types or EDGE_TYPES)]
    src = np.concatenate([p[0] for p in pairs] + [p[1] for p in pairs])
    dst = np.concatenate([p[1] for p in pairs] + [p[0] for p in pairs])
    frontier = np.array([centre])
    for d in range(1, depth + 1):
        mark = np.zeros(A.n, dtype=bool)
        mark[frontier] = True
        reached = distinct(dst[mark[src]])
        reached = reached[dist[reached] < 0]
        dist[reached] = d
        frontier = reached
        if not len(frontier):
            break
    found = np.flatnonzero(dist >= 0)
    deg = _degree(A)
    order = found[np.lexsort((found, -deg[found], dist[found]))]
    shown = order[:max_nodes]
    name = str(A.names[centre])
    notes = [
        f"{depth} 步以内 · within {depth} link(s)" + (f" · {', '.join(types)}" if types else "")
    ]
    if len(order) > max_nodes:
        notes.append(
            f"显示最近的 {max_nodes:,} 个节点（共 {len(order):,} 个）· Showing the {max_nodes:,} "
            f"nearest of {len(order):,} nodes (nearest first, then best connected)"
        )
    net = _detail_network(
        G,
        shown,
        heading=f"{name} 的周边 · Around {name}",
        notes=notes,
        edge_types=types,
        size_by=size_by,
        physics_limit=physics_limit,
        focus=[centre],
    )
    net.stats.update(view="around", total_nodes=len(order), sampled=len(order) > max_nodes)
    return net


def _cluster_tables(G: EcosystemGraph, **options: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cluster table and the members' table, memoised per graph and options."""
    from innokg.queries.clusters import cluster_members, supply_clusters

    return _memoised(
        G,
        "clusters",
        options,
        lambda: (supply_clusters(G, **options), cluster_members(G, **options)),
    )


def _cluster_groups(G: EcosystemGraph, **options: Any) -> tuple[pd.DataFrame, np.ndarray]:
    """The cluster table and every position's cluster (-1: none): what the whole
    graph's groups need, without the members' table (6.7 million rows at 10M)."""
    from innokg.queries.clusters import cluster_labels, supply_clusters

    return _memoised(
        G,
        "cluster groups",
        options,
        lambda: (supply_clusters(G, **options), cluster_labels(G, **options)),
    )


_T = TypeVar("_T")


def _memoised(G: EcosystemGraph, name: str, options: dict[str, Any], make: Callable[[], _T]) -> _T:
    """``make()``, kept on the graph's arrays under ``name`` and ``options``."""
    A = arrays(G)
    key = ("viz", name, tuple(sorted(options.items())))
    if key not in A.memo:
        A.memo[key] = make()
    found: _T = A.memo[key]
    return found


def cluster_view(
    G: EcosystemGraph,
    cluster: int,
    *,
    context: bool = True,
    max_nodes: int = DEFAULT_MAX_NODES,
    size_by: str | None = "degree",
    physics_limit: int = DEFAULT_PHYSICS_LIMIT,
    seed: int = 2016,
) -> InnoNetwork:
    """One supply-chain cluster: its members, their roles and what serves them.

    Parameters
    ----------
    G : EcosystemGraph
    cluster : int
        A cluster id from :func:`innokg.queries.clusters.supply_clusters` (same ``seed``).
    context : bool
        Also draw the research institutes, alliances, funds and platforms linked to
        members (COLLABORATES_WITH, MEMBER_OF, INVESTS_IN, ESTABLISHED, OPERATES).
    max_nodes : int
        Show at most this many nodes: members by decreasing leader score first.
    size_by, physics_limit
        As for :func:`neighbourhood`.
    seed : int
        Seed of the clustering (as for ``supply_clusters``).

    Returns
    -------
    InnoNetwork

    Raises
    ------
    QueryError
        When ``cluster`` is not a cluster id.
    """
    A = arrays(G)
    profiles, members = _cluster_tables(G, seed=seed)
    mine = members[members["cluster"] == cluster]
    if mine.empty and profiles.empty:
        from innokg.queries.clusters import no_clusters_reason

        raise QueryError(f"no cluster {cluster}: {no_clusters_reason()}")
    if mine.empty:
        known = ", ".join(str(c) for c in profiles["cluster"].head(20))
        raise QueryError(f"no cluster {cluster}; known cluster ids: {known}")
    profile = profiles[profiles["cluster"] == cluster].iloc[0]
    member_pos = A.index(mine["id"])
    extra: dict[int, list[str]] = {}
    borders: dict[int, tuple[str, int]] = {}
    for pos, rec in zip(member_pos.tolist(), mine.itertuples(index=False), strict=True):
        extra[pos] = [f"集群角色 role: {rec.role_zh} {rec.role.replace('_', ' ')}"]
        if rec.role in _ROLE_BORDER:
            borders[pos] = _ROLE_BORDER[rec.role]
    others = _cluster_context(A, member_pos) if context else np.array([], np.int64)
    total = len(member_pos) + len(others)
    if total > max_nodes:  # keep the supply backbone, so that edges survive the cut
        leader = profile["leader"]
        src, dst = A.edges("SUPPLIES")
        member_pos = _backbone(
            member_pos, int(A.index([leader])[0]) if isinstance(leader, str) else -1, src, dst
        )
    shown_arr = np.asarray([*member_pos.tolist(), *others.tolist()][:max_nodes], dtype=np.int64)
    notes = [
        f"链主 chain leader: {profile['leader_name'] or '未识别 none identified'}"
        f" · {int(profile['size'])} 家成员企业 member firms"
        f" · 单一来源投入 single-sourced inputs: {int(profile['single_sourced'])}"
        f" · 桥接企业 bridging firms: {int(profile['bridging_firms'])}",
    ]
    if total > max_nodes:
        notes.append(
            f"显示 {max_nodes:,} / {total:,} 个节点 · Showing {max_nodes:,} of {total:,} nodes "
            "(the chain leader, its suppliers and theirs first, then members linked to them "
            "by supply, most supply links inside the cluster first)"
        )
    net = _detail_network(
        G,
        shown_arr,
        heading=f"供应链集群 {cluster}：{profile['label']} · Supply-chain cluster {cluster}",
        notes=notes,
        edge_types=None,
        size_by=size_by,
        physics_limit=physics_limit,
        borders=borders,
        extra=extra,
    )
    net.legend += [
        LegendItem("dot", "#ffffff", "链主 chain leader", border=_ROLE_BORDER["chain_leader"][0]),
        LegendItem("dot", "#ffffff", "桥接企业 bridging firm", border=_ROLE_BORDER["bridge"][0]),
    ]
    net.stats.update(view="cluster", total_nodes=total, sampled=total > max_nodes)
    return net


def _cluster_context(A: GraphArrays, member_pos: np.ndarray) -> np.ndarray:
    """The research institutes, alliances, funds and platforms linked to members."""
    in_member = np.zeros(A.n, dtype=bool)
    in_member[member_pos] = True
    linked: list[np.ndarray] = []
    for etype, member_is_source in (
        ("COLLABORATES_WITH", True),
        ("MEMBER_OF", True),
        ("ESTABLISHED", True),
        ("OPERATES", True),
        ("INVESTS_IN", False),
    ):
        src, dst = A.edges(etype)
        if member_is_source:
            linked.append(dst[in_member[src]])
        else:
            linked.append(src[in_member[dst]])
    others = distinct(np.concatenate(linked)) if linked else np.array([], np.int64)
    others = others[~in_member[others]]
    keep_labels = [
        A.label_names.index(x) for x in ("ResearchInstitute", "Alliance", "Fund", "Platform")
    ]
    others = others[np.isin(A.label_code[others], keep_labels)]
    return others


def _backbone(members: np.ndarray, leader: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Members in the order a cut keeps them: the chain leader (else the member with most
    supply links inside the cluster), its tier-1 suppliers, their suppliers (tier 2),
    then ring by ring the members linked by supply to those already kept, then the rest;
    within each step, most supply links inside the cluster first, then table order.

    A cut of the members by leader score kept buyers that never supply each other (a
    grid of dots); this keeps members whose supply links are drawn.

    >>> _backbone(np.array([10, 11, 12, 13]), 12, np.array([11, 13]), np.array([12, 12]))
    array([12, 11, 13, 10])
    """
    members = np.asarray(members, dtype=np.int64)
    k = len(members)
    if k == 0:
        return members
    size = int(max(members.max(), src.max(initial=0), dst.max(initial=0))) + 1
    lut = np.full(size, -1, dtype=np.int64)
    lut[members] = np.arange(k)
    a, b = lut[src], lut[dst]
    ok = (a >= 0) & (b >= 0) & (a != b)
    a, b = a[ok].tolist(), b[ok].tolist()
    degree = (np.bincount(a, minlength=k) + np.bincount(b, minlength=k)).tolist()
    suppliers: list[list[int]] = [[] for _ in range(k)]
    linked: list[list[int]] = [[] for _ in range(k)]
    for x, y in zip(a, b, strict=True):
        suppliers[y].append(x)
        linked[x].append(y)
        linked[y].append(x)
    order: list[int] = []
    kept: set[int] = set()

    def keep(candidates: list[int]) -> list[int]:
        step = sorted(set(candidates) - kept, key=lambda i: (-degree[i], i))
        kept.update(step)
        order.extend(step)
        return step

    start = int(lut[leader]) if 0 <= leader < size and lut[leader] >= 0 else -1
    if start < 0:
        start = min(range(k), key=lambda i: (-degree[i], i))
    keep([start])
    tier1 = keep(suppliers[start])
    keep([s for t in tier1 for s in suppliers[t]])
    ring = list(order)
    while ring:
        ring = keep([y for x in ring for y in linked[x]])
    keep(list(range(k)))
    return members[np.asarray(order, dtype=np.int64)]


def partner_view(
    G: EcosystemGraph,
    a: str,
    b: str,
    *,
    max_length: int = 3,
    max_paths: int = 40,
    edge_types: Sequence[str] | None = None,
    size_by: str | None = "degree",
    physics_limit: int = DEFAULT_PHYSICS_LIMIT,
) -> InnoNetwork:
    """Two nodes and the short paths between them: the evidence for a partnership.

    When :func:`innokg.queries.partners.candidate_partners` ranks the pair, its kind,
    score and explanation are shown as notes and the paths drawn are those through
    the edge types of that kind's meta-paths (the evidence behind the score).
    Otherwise the paths go through every edge type but LOCATED_IN.  Paths are the
    shortest, in either direction along the edges, up to ``max_length`` links.

    Parameters
    ----------
    G : EcosystemGraph
    a, b : str
        The two node ids (marked with a red border).
    max_length : int
        Longest path drawn, in links (2 to 4).
    max_paths : int
        Draw at most this many paths (the first found, shortest first).
    edge_types : sequence of str, optional
        Follow only these edge types (default: see above).
    size_by, physics_limit
        As for :func:`neighbourhood`.

    Returns
    -------
    InnoNetwork

    Raises
    ------
    NodeNotFound
        When ``a`` or ``b`` is not in the graph.
    """
    if not 2 <= max_length <= 4:
        raise InnokgError(f"max_length must be 2 to 4 (got {max_length})")
    A = arrays(G)
    pa, pb = _resolve(G, a), _resolve(G, b)
    reasons, kind_types = _partner_reasons(G, a, b)
    types = _check_types(edge_types) or kind_types or [t for t in EDGE_TYPES if t != "LOCATED_IN"]
    adj = A.matrix(types, symmetric=True).tocsr()
    paths = _short_paths(adj, pa, pb, max_length=max_length, limit=max_paths)
    on_path = sorted({p for path in paths for p in path} | {pa, pb})
    edge_filter = {(path[i], path[i + 1]) for path in paths for i in range(len(path) - 1)}
    notes = []
    if paths:
        lengths = sorted({len(p) - 1 for p in paths})
        notes.append(
            f"{len(paths)} 条路径（长度 {', '.join(map(str, lengths))}）· {len(paths)} path(s) of "
            f"length {', '.join(map(str, lengths))} between them"
            + (f" (first {max_paths} shown)" if len(paths) >= max_paths else "")
        )
    else:
        notes.append(f"{max_length} 步以内没有路径 · No path within {max_length} links")
    notes += reasons
    name_a, name_b = str(A.names[pa]), str(A.names[pb])
    net = _detail_network(
        G,
        np.asarray(on_path, dtype=np.int64),
        heading=f"合作候选：{name_a} — {name_b} · Partnership candidate",
        notes=notes,
        edge_types=types,
        size_by=size_by,
        physics_limit=physics_limit,
        focus=[pa, pb],
        edge_filter=edge_filter,
    )
    net.stats.update(view="partner", total_nodes=len(on_path), sampled=False, paths=len(paths))
    return net


def _short_paths(adj: Any, a: int, b: int, *, max_length: int, limit: int) -> list[list[int]]:
    """Simple paths from ``a`` to ``b`` of at most ``max_length`` links, shortest first.

    A depth-first walk from ``a`` that only steps onto nodes still within reach of
    ``b`` (distances from ``b`` by breadth-first search), so hubs that lead nowhere
    near ``b`` are never expanded.
    """
    if a == b:
        return []
    indptr, indices = adj.indptr, adj.indices
    n = adj.shape[0]
    far = max_length + 1
    dist_b = np.full(n, far, dtype=np.int64)
    dist_b[b] = 0
    frontier = np.array([b], dtype=np.int64)
    for d in range(1, max_length):
        if not len(frontier):
            break
        reached = distinct(adj[frontier].indices)
        reached = reached[dist_b[reached] == far]
        dist_b[reached] = d
        frontier = reached
    paths: list[list[int]] = []

    def walk(path: list[int], left: int) -> None:
        x = path[-1]
        for y in indices[indptr[x] : indptr[x + 1]].tolist():
            if len(paths) >= limit:
                return
            if y in path or dist_b[y] > left - 1 or (y == b and left > 1):
                continue
            if left == 1:
                paths.append([*path, y])
            else:
                walk([*path, y], left - 1)

    for length in range(1, max_length + 1):
        walk([a], length)
        if len(paths) >= limit:
            break
    return paths


def _partner_reasons(G: EcosystemGraph, a: str, b: str) -> tuple[list[str], list[str] | None]:
    """What :func:`innokg.queries.partners.candidate_partners` says about the pair.

    Returns notes (kind, score, the explanation in Chinese and English) and the edge
    types of that kind's meta-paths, or no notes and None when the pair is not a
    candidate (already linked, or of labels no partnership kind pairs).
    """
    try:
        from innokg.queries.partners import KINDS, candidate_partners
    except ImportError:  # pragma: no cover - the module ships with innokg
        return [], None
    df = None
    for node in (a, b):
        try:
            df = candidate_partners(G, node=node, k=1000)
        except InnokgError:  # a node of a label no partnership kind takes
            continue
        except Exception as exc:  # the picture is still worth drawing without them
            return [
                f"合作依据未能计算 · The candidate's reasons could not be computed ({exc!r})"
            ], None
        break
    if df is None:
        return [], None
    hit = df[
        ((df["source"] == a) & (df["target"] == b)) | ((df["source"] == b) & (df["target"] == a))
    ]
    if hit.empty:
        return ["不在合作候选之列（已有联系或无共同依据）· Not a ranked candidate pair"], None
    row = hit.iloc[0]
    kind = KINDS[str(row["kind"])]
    types = sorted(
        {t.removesuffix("^-1") for path in kind.paths for step in path.steps for t in step},
        key=list(EDGE_TYPES).index,
    )
    notes = [
        f"{kind.zh} {kind.en} · 排名 rank {int(row['rank'])} · 得分 score {float(row['score']):.3f}"
        f" ({row['paths']})",
        str(row["explanation"]),
        str(row["explanation_en"]),
    ]
    return notes, types
