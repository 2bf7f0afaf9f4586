"""One profile row per cluster, assembled from its members' stats (leaders, places,
industries, products, support, modularity, the split), and kept beside the package.

The profile is what the cluster table, two kinds of gap and the brief read.  At ten
million nodes it takes two minutes and 7 GB to assemble even with the clusters kept,
for a table of a few thousand rows, so ``innokg prepare`` keeps it too.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import GraphArrays, arrays
from innokg.queries.clusters.detection import _CODE, _kept_params
from innokg.queries.clusters.leaders import BRIDGE_LINKS, _profile_leaders
from innokg.queries.clusters.network import Inferred, _Assignment
from innokg.queries.clusters.profile import (
    _labels,
    _linked_count,
    _main_names,
    _profile_places,
    _schemes,
    _top_shares,
)
from innokg.queries.clusters.scope import preferred_industry
from innokg.queries.clusters.sourcing import single_sourced_buyers
from innokg.queries.kept import frame_arrays, kept, kept_frame
from innokg.queries.sets import distinct, first_rows

__all__: list[str] = []

# what the kept profile depends on besides the clusters' own code
_PROFILE_CODE = (
    *_CODE,
    "innokg.queries.clusters.profiles",
    "innokg.queries.clusters.tables",
    "innokg.queries.clusters.profile",
    "innokg.queries.clusters.sourcing",
    "innokg.queries.kept",
)

Clustered = tuple[GraphArrays, _Assignment, np.ndarray, pd.DataFrame]


def cluster_profiles(
    G: EcosystemGraph,
    options: tuple[int, float, Inferred, float, int, int | None, bool],
    label_share: float,
    clustered: Callable[[], Clustered],
) -> pd.DataFrame:
    """The profile of every cluster, indexed by cluster id, for the clustering
    ``options`` (seed, resolution, inferred, inferred_weight, min_size, year, split):
    from the memo, from the package, or assembled from ``clustered()`` and kept."""
    A = arrays(G)
    options = (*options[:5], A.as_of(options[5]), options[6])  # see GraphArrays.as_of
    key = ("profiles", *options, label_share)
    if key not in A.memo:  # the brief and two kinds of gap ask again

        def compute() -> dict[str, np.ndarray]:
            _, res, cluster, stats = clustered()
            out = _profile(G, A, res, cluster, stats, options[5], label_share)
            return frame_arrays(out.reset_index())

        # invalid options raise in compute(), before anything is kept
        params = {**_kept_params(("profiles", *options)), "label_share": label_share}
        found = kept(
            G,
            "profiles",
            params,
            compute,
            code=_PROFILE_CODE,
            libraries=("igraph",),
            what="the clusters' profiles",
        )
        A.memo[key] = kept_frame(found).set_index("cluster")
    profiles: pd.DataFrame = A.memo[key]
    return profiles.copy()


def _modularity(res: _Assignment, cluster: np.ndarray) -> pd.Series:
    """Each reported cluster's term of the weighted modularity, by cluster id."""
    net = res.network
    m = net.weight.sum()
    if m <= 0 or not len(res.membership):
        return pd.Series(dtype=float)
    cu, cv = res.membership[net.u], res.membership[net.v]
    k = int(res.membership.max()) + 1
    internal = np.bincount(cu[cu == cv], net.weight[cu == cv], k)
    nv = len(net.vertices)
    strength = np.bincount(net.u, net.weight, nv) + np.bincount(net.v, net.weight, nv)
    total = np.bincount(res.membership, strength, k)
    term = internal / m - (total / (2 * m)) ** 2
    final = _community_ids(res, cluster)
    raw = np.flatnonzero(final >= 0)
    return pd.Series(term[raw], index=final[raw])


def _community_ids(res: _Assignment, cluster: np.ndarray) -> np.ndarray:
    """The cluster id of each raw community (-1: not reported), via its enterprises."""
    k = int(res.membership.max()) + 1 if len(res.membership) else 0
    out = np.full(k, -1, dtype=np.int64)
    ids = cluster[res.network.vertices]
    firm = ids >= 0
    out[res.membership[firm]] = ids[firm]
    return out


def _profile(
    G: EcosystemGraph,
    A: GraphArrays,
    res: _Assignment,
    cluster: np.ndarray,
    stats: pd.DataFrame,
    year: int | None,
    label_share: float,
) -> pd.DataFrame:
    """The profile of every cluster (indexed by cluster id), from its members' ``stats``
    (see :func:`supply_clusters` for the columns)."""
    ids = distinct(stats["cluster"].to_numpy())
    firm_c = stats["cluster"].to_numpy()
    firm_pos = stats["pos"].to_numpy()
    name_of = A.names_at
    out = pd.DataFrame(index=pd.Index(ids, name="cluster"))
    out["size"] = stats.groupby("cluster").size()
    _profile_leaders(G, out, stats)
    _profile_places(G, out, firm_pos, firm_c, label_share)
    ind = preferred_industry(G)
    out["industries"] = _top_shares(ind[firm_pos], firm_c, name_of)
    out["industry_scheme"] = _schemes(A, ind[firm_pos], firm_c).reindex(ids, fill_value="")
    out["main_industries"] = _main_names(G, out.index, ind[firm_pos], firm_c)
    p_src, p_dst = A.edges("PRODUCES", year=year)
    in_c = cluster[p_src] >= 0
    p_src, p_dst = p_src[in_c], p_dst[in_c]
    rows = first_rows(p_src, p_dst)
    made = pd.DataFrame({"f": p_src[rows], "p": p_dst[rows]})
    out["products"] = _top_shares(
        made["p"].to_numpy(), cluster[made["f"].to_numpy()], name_of, total=out["size"]
    ).reindex(ids, fill_value="")
    out.insert(0, "label", _labels(G, out, ind[firm_pos], firm_c))
    buyer_c = cluster[single_sourced_buyers(A, year)]
    out["single_sourced"] = pd.Series(buyer_c[buyer_c >= 0]).value_counts()
    bridges = stats[stats["external_links"] >= BRIDGE_LINKS].sort_values(
        ["cluster", "external_links", "pos"], ascending=[True, False, True]
    )
    out["bridging_firms"] = bridges.groupby("cluster").size()
    top = bridges[bridges.groupby("cluster").cumcount() < 3]
    out["bridges"] = (
        (
            pd.Series(name_of(top["pos"].to_numpy()), index=top.index).astype(str)
            + "("
            + top["external_links"].astype(str)
            + ")"
        )
        .groupby(top["cluster"].to_numpy())
        .agg("; ".join)
    )
    links = {
        "institutes": [("COLLABORATES_WITH", True, "ResearchInstitute")],
        "alliances": [("MEMBER_OF", True, "Alliance")],
        "funds": [("INVESTS_IN", False, "Fund"), ("ESTABLISHED", True, "Fund")],
        "platforms": [("ESTABLISHED", True, "Platform"), ("OPERATES", True, "Platform")],
    }
    for col, specs in links.items():
        out[col] = _linked_count(A, cluster, specs, year)
    count_cols = ["single_sourced", "bridging_firms", *links]
    out[count_cols] = out[count_cols].fillna(0).astype(np.int64)
    out["bridges"] = out["bridges"].fillna("")
    out["modularity"] = _modularity(res, cluster)
    net = res.network
    comm = _community_ids(res, cluster)
    cu = comm[res.membership[net.u]]
    same = (cu >= 0) & (res.membership[net.u] == res.membership[net.v])
    w_in = pd.Series(net.weight[same]).groupby(cu[same]).sum()
    inf_in = pd.Series(net.inferred[same]).groupby(cu[same]).sum()
    out["inferred_share"] = (inf_in / w_in).reindex(ids).fillna(0.0).round(4)
    out["modularity"] = out["modularity"].fillna(0.0).round(6)
    out["split_with"], out["split_link"] = _split_record(A, res, cluster, out.index)
    return out


def _split_record(
    A: GraphArrays, res: _Assignment, cluster: np.ndarray, ids: pd.Index
) -> tuple[pd.Series, pd.Series]:
    """Per cluster, the clusters its community was split from (``split_with``: ids,
    ``; `` between) and the links cut (``split_link``: ``甲 — 乙``), '' for none."""
    empty = pd.Series("", index=ids, dtype=object)
    if not len(res.splits):
        return empty, empty.copy()
    comm = _community_ids(res, cluster)
    u, v = res.splits["u"].to_numpy(), res.splits["v"].to_numpy()
    cu, cv = comm[res.membership[u]], comm[res.membership[v]]
    vertices = res.network.vertices
    link = (
        pd.Series(A.names_at(vertices[u])).astype(str)
        + " — "
        + pd.Series(A.names_at(vertices[v])).astype(str)
    )
    both = pd.DataFrame(
        {"c": np.concatenate([cu, cv]), "other": np.concatenate([cv, cu]), "link": [*link, *link]}
    )
    both = both[(both["c"] >= 0) & (both["other"] >= 0)].sort_values(["c", "other"])
    grouped = both.groupby("c")
    split_with = grouped["other"].agg(lambda x: "; ".join(map(str, x.drop_duplicates())))
    split_link = grouped["link"].agg(lambda x: "; ".join(x.drop_duplicates()))
    return (
        split_with.reindex(ids, fill_value="").astype(object),
        split_link.reindex(ids, fill_value="").astype(object),
    )
