"""Supply-chain clusters matched across two graphs: continued, split, merged, regrouped,
new or dissolved."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.clusters import cluster_members, supply_clusters

__all__ = ["CLUSTER_EVENTS"]

#: Cluster events: key -> (Chinese, English).
CLUSTER_EVENTS: dict[str, tuple[str, str]] = {
    "continued": ("延续", "continued"),
    "split": ("分裂", "split"),
    "merged": ("合并", "merged"),
    "regrouped": ("重组", "regrouped (split and merged)"),
    "new": ("新出现", "new"),
    "dissolved": ("消失", "dissolved"),
}


def _cluster_table(
    G: EcosystemGraph, seed: int, year: int | None, min_size: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    clusters = supply_clusters(G, seed=seed, year=year, min_size=min_size)
    members = cluster_members(G, seed=seed, year=year, min_size=min_size)
    return clusters, members[["cluster", "id"]].astype({"id": str})


def _components(edges: list[tuple[str, str]], nodes: Iterable[str]) -> list[list[str]]:
    parent = {x: x for x in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return list(groups.values())


def _clusters(
    old: EcosystemGraph,
    new: EcosystemGraph,
    old_year: int | None,
    new_year: int | None,
    *,
    seed: int,
    match: float,
    min_size: int,
) -> pd.DataFrame:
    co, mo = _cluster_table(old, seed, old_year, min_size)
    cn, mn = _cluster_table(new, seed, new_year, min_size)
    size_o = mo.groupby("cluster").size()
    size_n = mn.groupby("cluster").size()
    pairs = mo.merge(mn, on="id", suffixes=("_old", "_new"))
    pairs = pairs.groupby(["cluster_old", "cluster_new"]).size().rename("shared").reset_index()
    pairs["jaccard"] = pairs["shared"] / (
        pairs["cluster_old"].map(size_o) + pairs["cluster_new"].map(size_n) - pairs["shared"]
    )
    matched = pairs[pairs["jaccard"] >= match]
    shared = {
        (int(a), int(b)): (int(s), float(j))
        for a, b, s, j in matched[["cluster_old", "cluster_new", "shared", "jaccard"]].itertuples(
            index=False
        )
    }
    names = [f"o{c}" for c in size_o.index] + [f"n{c}" for c in size_n.index]
    groups = _components([(f"o{a}", f"n{b}") for a, b in shared], names)
    info_o = co.set_index("cluster")
    info_n = cn.set_index("cluster")
    rows = []
    for group in groups:
        olds = sorted(int(x[1:]) for x in group if x[0] == "o")
        news = sorted(int(x[1:]) for x in group if x[0] == "n")
        if len(olds) == 1 and len(news) == 1:
            event = "continued"
        elif len(olds) == 1 and len(news) > 1:
            event = "split"
        elif len(olds) > 1 and len(news) == 1:
            event = "merged"
        elif olds and news:
            event = "regrouped"
        else:
            event = "dissolved" if olds else "new"
        links = [(a, b) for a in olds for b in news if (a, b) in shared]
        in_both = set(mo.loc[mo["cluster"].isin(olds), "id"]) & set(
            mn.loc[mn["cluster"].isin(news), "id"]
        )

        def listed(ids: list[int], info: pd.DataFrame, col: str) -> str:
            return "; ".join(str(info.at[c, col]) for c in ids if str(info.at[c, col]))

        rows.append(
            {
                "event": event,
                "event_zh": CLUSTER_EVENTS[event][0],
                "old_clusters": ", ".join(map(str, olds)),
                "old_labels": listed(olds, info_o, "label"),
                "old_size": int(sum(size_o[c] for c in olds)),
                "new_clusters": ", ".join(map(str, news)),
                "new_labels": listed(news, info_n, "label"),
                "new_size": int(sum(size_n[c] for c in news)),
                "shared": len(in_both),
                "jaccard": max((shared[p][1] for p in links), default=0.0),
                "old_leaders": listed(olds, info_o, "leader_name"),
                "new_leaders": listed(news, info_n, "leader_name"),
                "_first": (min(olds) if olds else 10**9, min(news) if news else 10**9),
            }
        )
    columns = [
        "event", "event_zh", "old_clusters", "old_labels", "old_size", "new_clusters",
        "new_labels", "new_size", "shared", "jaccard", "old_leaders", "new_leaders",
    ]  # fmt: skip
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    order = {k: i for i, k in enumerate(["split", "merged", "regrouped", "new", "dissolved"])}
    out = pd.DataFrame(rows)
    out["_e"] = out["event"].map(order).fillna(len(order))
    out = out.sort_values(["_e", "_first"], kind="stable").drop(columns=["_e", "_first"])
    text = ["event", "event_zh", "old_clusters", "old_labels", "new_clusters", "new_labels"]
    return out.reset_index(drop=True).astype(
        dict.fromkeys([*text, "old_leaders", "new_leaders"], "string")
    )
