"""The explorer's questions: clusters, gaps, partners, indicators and the city map.

:class:`Questions` is part of :class:`innokg.serve.explorer.Explorer` (a mixin: it
uses the explorer's graph, adjacency, summaries and cache).  Each table is computed
by the public functions of :mod:`innokg.queries` on first use and kept.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.errors import QueryError
from innokg.graph.schema import EDGE_TYPES
from innokg.queries.sets import distinct
from innokg.serve.limits import LIMITS, NotFound

__all__ = ["Questions"]

_PARTNER_KINDS = (
    "enterprise-institute",
    "enterprise-enterprise",
    "fund-team",
    "fund-enterprise",
    "enterprise-alliance",
)
_INDICATOR_BY = ("province", "city", "industry", "year")


class Questions:
    """The questions about the graph and its nodes, as tables and views."""

    G: Any
    n: int

    def cluster_table(self) -> pd.DataFrame:
        from innokg.queries.clusters import supply_clusters

        return self._cached("clusters", lambda: supply_clusters(self.G))

    def members(self, cluster: int) -> pd.DataFrame:
        from innokg.queries.clusters import cluster_members

        every = self._cached("members", lambda: cluster_members(self.G))
        if cluster not in set(every["cluster"].tolist()):
            known = sorted(set(every["cluster"].tolist()))
            shown = ", ".join(map(str, known[:20])) + (" ..." if len(known) > 20 else "")
            raise NotFound(f"no cluster {cluster}; the clusters are {shown or 'none'}")
        return every[every["cluster"] == cluster].reset_index(drop=True)

    def cluster_graph(self, cluster: int, *, max_nodes: int | None = None) -> dict[str, Any]:
        """One cluster drawn on its supply backbone, with positions.

        The members kept are, in order: the chain leader, its suppliers inside the
        cluster (tier 1), their suppliers (tier 2), then the others by their number of
        SUPPLIES links inside the cluster; every SUPPLIES edge among those drawn is
        drawn, so the links survive the cut.
        """
        cap = min(int(max_nodes or LIMITS["cluster_nodes"]), LIMITS["cluster_nodes"])
        members = self.members(cluster)
        table = self.cluster_table()
        row = table[table["cluster"] == cluster]
        pos = self.lookup(members["id"].astype(str))
        inside = np.zeros(self.n, dtype=bool)
        inside[pos] = True
        sup = list(EDGE_TYPES).index("SUPPLIES")
        mask = (self.edge_type == sup) & inside[self.edge_src] & inside[self.edge_dst]
        mask &= self.edge_src != self.edge_dst
        e_in = np.flatnonzero(mask)
        s, d = self.edge_src[e_in], self.edge_dst[e_in]
        links = np.bincount(np.concatenate([s, d]), minlength=self.n)
        roles = dict(zip(pos.tolist(), members["role"].astype(str).tolist(), strict=True))
        leader = [p for p, r in roles.items() if r == "chain_leader"]
        tier = np.full(self.n, 99, dtype=np.int64)
        frontier = np.array(leader, dtype=np.int64)
        if len(frontier):
            tier[frontier] = 0
        for depth in (1, 2):  # suppliers of the leader, then theirs
            if not len(frontier):
                break
            up = s[np.isin(d, frontier)]
            up = distinct(up[tier[up] > depth])
            tier[up] = depth
            frontier = up
        order = sorted(pos.tolist(), key=lambda p: (tier[p], -links[p], p))
        drawn = np.array(order[:cap], dtype=np.int64)
        keep = np.zeros(self.n, dtype=bool)
        keep[drawn] = True
        e_drawn = e_in[keep[s] & keep[d]]
        xy = _layout(drawn, self.edge_src[e_drawn], self.edge_dst[e_drawn])
        nodes = self.summaries(drawn.tolist())
        for item, p, (x, y) in zip(nodes, drawn.tolist(), xy.tolist(), strict=True):
            item.update(
                x=x,
                y=y,
                role=roles.get(p, ""),
                tier=int(tier[p]) if tier[p] < 99 else None,
                inside_links=int(links[p]),
            )
        connected = distinct(np.concatenate([self.edge_src[e_drawn], self.edge_dst[e_drawn]]))
        return {
            "cluster": int(cluster),
            "profile": _records(row)[0] if len(row) else {},
            "members": len(members),
            "drawn": len(drawn),
            "supplies_inside": len(e_in),
            "supplies_drawn": len(e_drawn),
            "connected_drawn": len(connected),
            "nodes": nodes,
            "edges": self._edges(e_drawn),
        }

    def gaps(self, kind: str | None = None) -> pd.DataFrame:
        from innokg.queries.gaps import GAP_KINDS, collaboration_gaps

        if kind is None:
            return self._cached(("gaps", None), lambda: collaboration_gaps(self.G))
        if kind not in GAP_KINDS:
            raise QueryError(f"unknown gap kind {kind!r}; known: {', '.join(GAP_KINDS)}")
        return self._cached(("gaps", kind), lambda: GAP_KINDS[kind][0](self.G))

    def partners(self, kind: str | None = None, *, k: int = 20) -> pd.DataFrame:
        from innokg.queries.partners import candidate_partners

        if kind is not None and kind not in _PARTNER_KINDS:
            raise QueryError(f"unknown partner kind {kind!r}; known: {', '.join(_PARTNER_KINDS)}")
        k = max(1, min(int(k), 200))
        kinds = [kind] if kind else None
        return self._cached(
            ("partners", kind, k), lambda: candidate_partners(self.G, kinds=kinds, k=k)
        )

    def indicators(self, by: str = "province") -> pd.DataFrame:
        from innokg.queries.indicators import latest_year, policy_indicators

        if by not in _INDICATOR_BY:
            raise QueryError(f"indicators by {by!r}? use one of {', '.join(_INDICATOR_BY)}")
        return self._cached(
            ("indicators", by),
            lambda: policy_indicators(self.G, by=by, year=latest_year(self.G)),  # type: ignore[arg-type]
        )

    def city_map(self, indicator: str, lang: str = "zh") -> str:
        """A city indicator as a map of the province's cities (:mod:`innokg.maps`), SVG."""
        from innokg.maps import indicator_map

        if lang not in ("zh", "en"):
            raise QueryError(f"lang is zh or en, not {lang!r}")
        known = self.indicators("city")["indicator"].astype(str).unique().tolist()
        if indicator not in known:
            raise NotFound(
                f"no city indicator {indicator!r}; the graph's are {', '.join(known) or 'none'}"
            )
        return self._cached(
            ("map", indicator, lang), lambda: indicator_map(self.G, indicator, lang=lang).svg
        )

    def node_questions(self, node_id: str) -> dict[str, Any]:
        """The questions about one node: its cluster and leader, its gaps, partners."""
        from innokg.queries.clusters import cluster_members
        from innokg.queries.partners import candidate_partners

        pos = self.position(node_id)
        out: dict[str, Any] = {"id": node_id, "cluster": None}
        if self.label(pos) == "Enterprise":
            every = self._cached("members", lambda: cluster_members(self.G))
            mine = every[every["id"] == node_id]
            if len(mine):
                c = int(mine["cluster"].iloc[0])
                table = self.cluster_table()
                row = table[table["cluster"] == c]
                profile = _records(row)[0] if len(row) else {}
                out["cluster"] = {
                    "cluster": c,
                    "role": str(mine["role"].iloc[0]),
                    "role_zh": str(mine["role_zh"].iloc[0]),
                    "label": profile.get("label"),
                    "size": profile.get("size"),
                    "leader": profile.get("leader"),
                    "leader_name": profile.get("leader_name"),
                }
        gaps = self.gaps()
        out["gaps"] = self.table(gaps[gaps["entity"].astype(str) == node_id])
        partners = candidate_partners(self.G, node=node_id, k=10)
        out["partners"] = self.table(partners)
        return out


def _layout(nodes: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Positions of ``nodes`` (Fruchterman-Reingold from a circle: the same every time)."""
    import igraph as ig

    n = len(nodes)
    if n == 0:
        return np.zeros((0, 2))
    local = {int(p): i for i, p in enumerate(nodes.tolist())}
    g = ig.Graph(n=n, edges=[(local[int(a)], local[int(b)]) for a, b in zip(src, dst, strict=True)])
    angle = 2 * math.pi * np.arange(n) / max(n, 1)
    seed = np.column_stack([np.cos(angle), np.sin(angle)]) * math.sqrt(n)
    xy = np.array(g.layout_fruchterman_reingold(seed=seed.tolist(), niter=300).coords)
    span = np.ptp(xy, axis=0)
    span[span == 0] = 1
    return np.round((xy - xy.min(axis=0)) / span.max() * 100, 3)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(df.to_json(orient="records", force_ascii=False, default_handler=str))
