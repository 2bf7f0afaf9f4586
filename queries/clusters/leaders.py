"""Members' standing inside their cluster: purchases, downstream position, size, and from
them the chain leader (链主), key suppliers and every member's role."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import (
    GraphArrays,
    arrays,
)
from innokg.queries.clusters.industries import _chain_status
from innokg.queries.clusters.network import (
    Inferred,
    _Assignment,
    _inferred_supplies,
    _supply_weights,
)
from innokg.queries.clusters.scope import placed, province_members
from innokg.queries.sets import distinct, find_sorted, first_rows

__all__ = ["ROLES"]

#: Member roles: key -> (Chinese, English).
ROLES = {
    "chain_leader": ("链主", "chain leader"),
    "bridge": ("桥接企业", "bridging firm"),
    "intermediary": ("中间环节", "intermediary (buys and sells)"),
    "key_supplier": ("核心供应商", "key supplier"),
    "supplier": ("供应商", "supplier"),
    "buyer": ("采购商", "buyer"),
    "product_linked": ("产品关联（推断）", "linked through products only (inferred)"),
}


#: A member with at least this many supply links to other clusters is a bridging firm.
BRIDGE_LINKS = 2


#: Size on a 0-1 scale by size class (the national classification of enterprises).
SIZE_CLASS = {"large": 1.0, "medium": 2 / 3, "small": 1 / 3, "micro": 0.0}


#: A tier-2 supplier (two supply steps upstream) counts this much of a direct one.
TIER2_WEIGHT = 0.5


#: A buyer is a downstream maker, and qualifies as 链主, above this downstream position
#: (a firm buying exactly as much as it sells is a link in the chain, not its head).
DOWNSTREAM_MIN = 0.5


#: How many key suppliers (核心供应商) a cluster's profile names.
KEY_SUPPLIERS = 3


def _size_score(A: GraphArrays) -> np.ndarray:
    """Each node's size on a 0-1 scale (see :data:`SIZE_CLASS`); 0 where nothing is known.

    The size class where recorded; else the class its employees, else its revenue
    (10k CNY), would have under the national thresholds for industry; at least the
    proxies' score: listed (0.5) and running a national enterprise technology centre
    (0.5), which on the real data, with no size figures, stand in for size.
    """
    if "size_score" in A.memo:
        return A.memo["size_score"]
    # compared where the text is stored: the classes as Python strings took 3 s of the
    # member statistics at ten million nodes
    by_class = np.full(A.n, np.nan)
    for name, score in SIZE_CLASS.items():
        by_class[A.isin("size", [name])] = score
    for name, limits in (("employees", (20, 300, 1000)), ("revenue", (300, 2000, 40000))):
        x = A.values(name)
        step = np.searchsorted(np.asarray(limits, dtype=float), x, side="right") / 3.0
        by_class = np.where(np.isnan(by_class) & ~np.isnan(x), step, by_class)
    listed = A.values("listed", dtype="bool", fill=False)
    centre = np.zeros(A.n, dtype=bool)
    national = (
        A.mask("Platform")
        & A.isin("kind", ["enterprise_tech_center"])
        & A.isin("level", ["national"])
    )
    for etype in ("OPERATES", "ESTABLISHED"):
        src, dst = A.edges(etype)
        centre[src[national[dst]]] = True
    proxy = 0.5 * listed + 0.5 * centre
    out = np.fmax(np.nan_to_num(by_class, nan=0.0), proxy)
    A.memo["size_score"] = out
    return out


def _product_position(A: GraphArrays, year: int | None) -> np.ndarray:
    """Each firm's position in the product graph, 0 (raw) to 1 (final); NaN: unknown.

    A product with inputs (UPSTREAM_OF predecessors) and no use as an input is final
    (1), one with both is intermediate (0.5), one only used as an input raw (0); a
    product in no UPSTREAM_OF edge says nothing.  A firm's position is the mean over
    the products it makes whose position is known.  Kept with the arrays: every probe
    of the split asks it (2.4 s of them at ten million nodes).
    """
    key = ("product position", year)
    if key not in A.memo:
        A.memo[key] = _positions(A, year)
    found: np.ndarray = A.memo[key]
    return found


def _positions(A: GraphArrays, year: int | None) -> np.ndarray:
    u_src, u_dst = A.edges("UPSTREAM_OF", year=year)
    keep = u_src != u_dst
    has_in = np.bincount(u_dst[keep], minlength=A.n) > 0
    has_out = np.bincount(u_src[keep], minlength=A.n) > 0
    pos = np.where(has_in & ~has_out, 1.0, np.where(has_in, 0.5, 0.0))
    known = has_in | has_out
    p_src, p_dst = A.edges("PRODUCES", year=year)
    ok = known[p_dst]
    total = np.bincount(p_src[ok], pos[p_dst[ok]], A.n)
    count = np.bincount(p_src[ok], minlength=A.n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _product_links(
    A: GraphArrays, cluster: np.ndarray, year: int | None, inferred: Inferred
) -> tuple[np.ndarray, np.ndarray]:
    """Supply links inside clusters inferred through products, counted per firm.

    A member that makes an input (UPSTREAM_OF) of a product another member makes is
    taken to supply it.  Only the PRODUCES edges the clustering uses count (``auto``:
    of firms with no SUPPLIES edge).  Returns, per node: supplier links in (one per
    input and member making it) and buyer links out (one per product and member
    needing it), counted per (cluster, product) and never expanded into firm pairs,
    so it stays linear in the edges.
    """
    n = A.n
    zero = np.zeros(n)
    if inferred == "none":
        return zero, zero
    p_src, p_dst = A.edges("PRODUCES", year=year)
    if inferred == "auto":
        s_src, s_dst = A.edges("SUPPLIES", year=year)
        linked = np.zeros(n, dtype=bool)
        linked[s_src] = linked[s_dst] = True
        keep = ~linked[p_src]
        p_src, p_dst = p_src[keep], p_dst[keep]
    keep = cluster[p_src] >= 0
    makes = pd.DataFrame({"f": p_src[keep], "p": p_dst[keep]}).drop_duplicates()
    u_src, u_dst = A.edges("UPSTREAM_OF", year=year)
    ok = u_src != u_dst
    up = pd.DataFrame({"i": u_src[ok], "p": u_dst[ok]}).drop_duplicates()
    if makes.empty or up.empty:
        return zero, zero
    makes["c"] = cluster[makes["f"].to_numpy()]
    needs = makes.merge(up, on="p")[["f", "c", "i"]].drop_duplicates()
    if needs.empty:
        return zero, zero
    n_makers = makes.groupby(["c", "p"]).size().rename("m")
    n_users = needs.groupby(["c", "i"]).size().rename("u")
    own = pd.Series(1, index=pd.MultiIndex.from_frame(makes[["f", "p"]]))
    # links in: for each input, the members making it (not counting itself)
    key_in = pd.MultiIndex.from_arrays([needs["c"], needs["i"]])
    self_in = own.reindex(pd.MultiIndex.from_arrays([needs["f"], needs["i"]])).fillna(0)
    got = n_makers.reindex(key_in).fillna(0).to_numpy() - self_in.to_numpy()
    links_in = np.bincount(needs["f"].to_numpy(), got, n)
    # links out: for each product it makes, the members needing it (not itself)
    key_out = pd.MultiIndex.from_arrays([makes["c"], makes["p"]])
    needs_self = pd.Series(1, index=pd.MultiIndex.from_frame(needs[["f", "i"]]))
    self_out = needs_self.reindex(pd.MultiIndex.from_arrays([makes["f"], makes["p"]])).fillna(0)
    sold = n_users.reindex(key_out).fillna(0).to_numpy() - self_out.to_numpy()
    links_out = np.bincount(makes["f"].to_numpy(), sold, n)
    return links_in, links_out


def _supplier_counts(
    A: GraphArrays, cluster: np.ndarray, year: int | None, inferred: Inferred
) -> np.ndarray:
    """Per node, its distinct suppliers in its own cluster, through SUPPLIES or products
    (the ``suppliers`` of :func:`_member_stats`, without the rest of its work)."""
    src, dst = A.edges("SUPPLIES", year=year)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    cs, cd = cluster[src], cluster[dst]
    inside = (cs >= 0) & (cs == cd)
    pairs = distinct(src[inside].astype(np.int64) * A.n + dst[inside])
    links_in, _ = _product_links(A, cluster, year, inferred)
    return np.rint(np.bincount(pairs % A.n, minlength=A.n) + links_in).astype(np.int64)


def _member_stats(
    A: GraphArrays,
    res: _Assignment,
    cluster: np.ndarray,
    year: int | None,
    weight: float,
    inferred: Inferred,
    inside_province: np.ndarray | None,
) -> pd.DataFrame:
    """Per enterprise member: purchases, sales, position, size, the 链主 and key suppliers.
    (The split's probes ask only who could head a part: :func:`_head_signals`.)"""
    firms = np.flatnonzero(cluster >= 0)
    n = A.n
    t = _trade(A, cluster, year, weight, inferred)
    src, dst, cs, cd, inside = t.src, t.dst, t.cs, t.cd, t.inside
    ps, pb, pc, direct_in = t.ps, t.pb, t.pc, t.direct_in
    w = _supply_weights(A, year, weight)[t.keep]
    buyers = np.bincount(ps, minlength=n) + t.links_out
    # tier 2: members two supply steps upstream, not also direct suppliers
    D = sp.csr_array((pc, (ps, pb)), shape=(n, n))
    T = (D @ D).tocoo()
    direct = np.sort(ps.astype(np.int64) * n + pb)
    two_step = T.row.astype(np.int64) * n + T.col
    is_direct = find_sorted(direct, two_step) >= 0
    t2 = (T.row != T.col) & ~is_direct
    tier2 = np.bincount(T.col[t2], minlength=n)
    tier2_w = np.bincount(T.col[t2], np.minimum(T.data[t2], 1.0), n)
    purchases = direct_in + TIER2_WEIGHT * tier2_w
    strength = np.bincount(src[inside], w[inside], n) + weight * t.links_out
    downstream = _downstream(A, direct_in, t.direct_out, year)
    size = _size_score(A)
    score = purchases * downstream * (1.0 + size)
    in_chain, mixed = _chain_status(A, cluster, year, inferred)
    # bridges and links to other clusters (observed and inferred SUPPLIES alike)
    cross = (cs != cd) & ((cs >= 0) | (cd >= 0))
    ext = np.bincount(src[cross & (cs >= 0)], minlength=n) + np.bincount(
        dst[cross & (cd >= 0)], minlength=n
    )
    end = np.concatenate([src[cross], dst[cross]])
    other = np.concatenate([cd[cross], cs[cross]])
    ok = (other >= 0) & (cluster[end] >= 0)
    end, other = end[ok], other[ok]
    # each (member, other cluster) once: how many other clusters each member reaches
    other_clusters = np.bincount(end[first_rows(end, other)], minlength=n)
    net = res.network
    loc = np.full(n, -1, dtype=np.int64)
    loc[net.vertices] = np.arange(len(net.vertices))
    observed_w = np.bincount(net.u, net.weight - net.inferred, len(net.vertices)) + np.bincount(
        net.v, net.weight - net.inferred, len(net.vertices)
    )
    here = inside_province if inside_province is not None else np.ones(n, dtype=bool)
    stats = pd.DataFrame(
        {
            "pos": firms,
            "cluster": cluster[firms],
            "purchases": purchases[firms].round(6),
            "suppliers": np.rint(t.suppliers[firms]).astype(np.int64),
            "tier2_suppliers": tier2[firms].astype(np.int64),
            "supply_strength": strength[firms].round(6),
            "buyers": np.rint(buyers[firms]).astype(np.int64),
            "downstream": downstream[firms].round(4),
            "size_score": size[firms].round(4),
            "leader_score": score[firms].round(6),
            "external_links": ext[firms].astype(np.int64),
            "other_clusters": other_clusters[firms].astype(np.int64),
            "inferred_only": observed_w[loc[firms]] <= 0,
            "revenue": np.nan_to_num(A.values("revenue")[firms], nan=-1.0),
            "employees": np.nan_to_num(A.values("employees")[firms], nan=-1.0),
            "buyer": purchases[firms] > 0,
            "in_chain": in_chain[firms],
            "mixed": mixed[firms],
            "home": here[firms],
        }
    )
    _rank(stats)
    return stats


class _Trade(NamedTuple):
    """The SUPPLIES links between two firms (no loops) and what each member buys and
    sells inside its cluster: what the members' statistics and the split's probes
    both start from."""

    src: np.ndarray
    dst: np.ndarray
    keep: np.ndarray  # which links of the edge table these are
    cs: np.ndarray  # the cluster of each link's supplier
    cd: np.ndarray  # and of its buyer
    inside: np.ndarray  # the links inside a cluster
    ps: np.ndarray  # the distinct supplier -> buyer pairs inside
    pb: np.ndarray
    pc: np.ndarray  # each pair's surest link: 1, or the weight where inferred
    links_out: np.ndarray  # buyer links through products, per node
    suppliers: np.ndarray  # distinct suppliers inside, through links or products
    direct_in: np.ndarray  # direct purchases inside
    direct_out: np.ndarray  # direct sales inside


def _trade(
    A: GraphArrays, cluster: np.ndarray, year: int | None, weight: float, inferred: Inferred
) -> _Trade:
    n = A.n
    src, dst = A.edges("SUPPLIES", year=year)
    keep = src != dst
    conf = np.where(_inferred_supplies(A, year), weight, 1.0)[keep]
    src, dst = src[keep], dst[keep]
    cs, cd = cluster[src], cluster[dst]
    inside = (cs >= 0) & (cs == cd)
    ps, pb, pc = _inside_pairs(src[inside], dst[inside], conf[inside])
    links_in, links_out = _product_links(A, cluster, year, inferred)
    return _Trade(
        src,
        dst,
        keep,
        cs,
        cd,
        inside,
        ps,
        pb,
        pc,
        links_out,
        suppliers=np.bincount(pb, minlength=n) + links_in,
        direct_in=np.bincount(pb, pc, n) + weight * links_in,
        direct_out=np.bincount(ps, pc, n) + weight * links_out,
    )


def _inside_pairs(
    src: np.ndarray, dst: np.ndarray, conf: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct supplier -> buyer pairs of these links, each weighted by its surest
    link, in the order they first appear (so the sums over them add in the same order).

    One stable sort of the pair as an integer, not pandas' group-by on two columns
    (5.9 s of the member statistics at ten million nodes)."""
    if not len(src):
        return src, dst, conf
    width = int(max(src.max(), dst.max())) + 1
    key = src.astype(np.int64) * width + dst
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    best = np.maximum.reduceat(conf[order], starts)
    shown = np.argsort(order[starts], kind="stable")  # by first appearance
    key = key[starts][shown]
    return key // width, key % width, best[shown]


def _downstream(
    A: GraphArrays, direct_in: np.ndarray, direct_out: np.ndarray, year: int | None
) -> np.ndarray:
    """Each node's downstream position: the mean of its share of direct purchases in
    its trade and its products' position, of those known (0 where neither is)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        buy_share = np.where(
            direct_in + direct_out > 0, direct_in / (direct_in + direct_out), np.nan
        )
    signals = np.vstack([buy_share, _product_position(A, year)])
    known = ~np.isnan(signals)
    out: np.ndarray = np.nansum(signals, axis=0) / np.maximum(known.sum(axis=0), 1)
    return out


def _head_signals(
    A: GraphArrays, cluster: np.ndarray, year: int | None, weight: float, inferred: Inferred
) -> tuple[np.ndarray, np.ndarray]:
    """Per node, what :func:`_member_stats` says of it as a possible head of its cluster:
    its distinct suppliers inside (``suppliers``) and whether it ``qualifies`` as 链主
    (it buys, and its rounded downstream position is above :data:`DOWNSTREAM_MIN`).

    The split's probes ask only this, for the firms of a few parts at a time: the
    members' whole statistics (tier-2 suppliers, ranks, links to other clusters, the
    main chain) took 14 s of the split's 38 at ten million nodes.  A member buys as soon
    as it has a direct purchase: its tier-2 suppliers come through a direct one."""
    t = _trade(A, cluster, year, weight, inferred)
    downstream = np.round(_downstream(A, t.direct_in, t.direct_out, year), 4)
    qualifies = (cluster >= 0) & (t.direct_in > 0) & (downstream > DOWNSTREAM_MIN)
    return np.rint(t.suppliers).astype(np.int64), qualifies


def _rank_within(cluster: np.ndarray, order: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Each row's place (0, 1, ...) among the ``chosen`` rows of its cluster, in
    ``order`` (sorted by cluster first); -1 for a row not chosen."""
    picked = order[chosen[order]]
    rank = np.full(len(cluster), -1, dtype=np.int64)
    if len(picked):
        c = cluster[picked]
        starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
        lengths = np.diff(np.r_[starts, len(picked)])
        rank[picked] = np.arange(len(picked)) - np.repeat(starts, lengths)
    return rank


def _rank(stats: pd.DataFrame) -> None:
    """Add to ``stats`` (of :func:`_member_stats`) each member's rank for 链主 in its
    cluster (``leader_rank``, -1 for a member that buys nothing or is off the cluster's
    main chain; ``leader``) and among its key suppliers (``key_rank``, ``key_supplier``),
    in the order the package says.

    Sorted with ``np.lexsort`` on the columns (the last key first; descending ones
    negated): a frame sort on nine columns took three times the memory at 10M nodes.
    The rows are in the order of ``pos``, unique, and the sorts are stable, so rows
    tied on every key stay in that order (``pos`` is the last key without a sort of
    its own)."""
    col = {k: stats[k].to_numpy() for k in stats.columns}
    cluster = col["cluster"]
    qualifies = col["buyer"] & (col["downstream"] > DOWNSTREAM_MIN)
    stats["qualifies"] = qualifies
    # only buyers are ranked for 链主, and only sellers as key suppliers: each sort
    # takes its own rows (a quarter and two thirds fewer at ten million nodes)
    buyers = np.flatnonzero(col["buyer"])
    # the cluster and the two yes-or-no keys after it as one integer: each key of a
    # lexsort is a sort of its own (5.5 s for nine keys at ten million nodes)
    first = (cluster[buyers].astype(np.int64) * 4) + (~qualifies[buyers]) * 2
    first += ~col["home"][buyers]
    order = buyers[
        np.lexsort(
            (
                -col["employees"][buyers],
                -col["revenue"][buyers],
                -col["size_score"][buyers],
                -col["leader_score"][buyers],
                first,
            )
        )
    ]
    rank = _rank_within(cluster, order, col["buyer"] & col["in_chain"])
    # the best buyer of a cluster when it is off the main chain: named in the basis
    best = order[_rank_within(cluster, order, col["buyer"])[order] == 0]
    passed = np.zeros(len(stats), dtype=bool)
    passed[best[~col["in_chain"][best]]] = True
    stats["passed_over"] = passed
    stats["leader_rank"] = rank
    stats["leader"] = rank == 0
    sells = np.flatnonzero((col["supply_strength"] > 0) & (rank != 0))
    by_sales = sells[
        np.lexsort(
            (
                -col["size_score"][sells],
                -col["buyers"][sells],
                -col["supply_strength"][sells],
                cluster[sells],
            )
        )
    ]
    key_rank = _rank_within(cluster, by_sales, np.ones(len(stats), dtype=bool))
    stats["key_rank"] = key_rank
    stats["key_supplier"] = (key_rank >= 0) & (key_rank < KEY_SUPPLIERS)


def _role(stats: pd.DataFrame) -> np.ndarray:
    return np.select(
        [
            stats["leader"],
            stats["key_supplier"],
            stats["external_links"] >= BRIDGE_LINKS,
            stats["inferred_only"],
            (stats["suppliers"] > 0) & (stats["buyers"] > 0),
            stats["buyers"] > 0,
            stats["suppliers"] > 0,
        ],
        [
            "chain_leader",
            "key_supplier",
            "bridge",
            "product_linked",
            "intermediary",
            "supplier",
            "buyer",
        ],
        "intermediary",
    )


def _profile_leaders(G: EcosystemGraph, out: pd.DataFrame, stats: pd.DataFrame) -> None:
    """Add the 链主, why, the runner-up and the key suppliers to ``out`` (by cluster)."""
    A = arrays(G)
    ids = out.index
    name_of = A.names_at
    inside = province_members(G)
    here = inside if inside is not None else placed(G)
    lead = stats[stats["leader"]].set_index("cluster").reindex(ids)
    pos = lead["pos"].fillna(-1).to_numpy(np.int64)
    has = pos >= 0
    at = np.maximum(pos, 0)
    out["leader"] = np.where(has, A.ids[at].astype(str), "")
    out["leader_name"] = np.where(has, name_of(at), "")
    out["leader_score"] = lead["leader_score"].fillna(0.0).to_numpy(float)
    out["leader_in_province"] = has & here[at]
    city = A.city()[at]
    outside = "省外" if inside is not None else ""
    out["leader_city"] = np.where(
        ~has,
        "",
        np.where(city >= 0, name_of(np.maximum(city, 0)), np.where(here[at], "", outside)),
    )

    def text(values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype=str).astype(object)

    n_sup = text(lead["suppliers"].fillna(0).to_numpy(float).astype(np.int64))
    tier2 = lead["tier2_suppliers"].fillna(0).to_numpy(float).astype(np.int64)
    down = lead["downstream"].fillna(0.0).to_numpy(float)
    size = lead["size_score"].fillna(0.0).to_numpy(float)
    qualifies = lead["qualifies"].fillna(False).to_numpy(bool)
    basis = (
        "从"
        + n_sup
        + "家成员采购"
        + np.where(tier2 > 0, "（二级供应商" + text(tier2) + "家）", "")
        + "；下游位置"
        + text(np.char.mod("%.2f", down))
        + "；规模"
        + text(np.char.mod("%.2f", size))
        + np.where(qualifies, "", "；无以下游为主的买方")
        + np.where((inside is not None) & has & ~here[at], "；省外企业（省内无合格买方）", "")
    )
    passed = stats[stats["passed_over"]].set_index("cluster")["pos"].reindex(ids)
    p0 = passed.fillna(-1).to_numpy(np.int64)
    basis = basis + np.where(
        p0 >= 0,
        "；按规则排在前面的"
        + text(name_of(np.maximum(p0, 0)))
        + "及其供应商都不在集群主要行业内，未认定",
        "",
    )
    by_cluster = stats.groupby("cluster")
    buyers = by_cluster["buyer"].any().reindex(ids, fill_value=False).to_numpy(bool)
    mixed = by_cluster["mixed"].any().reindex(ids, fill_value=False).to_numpy(bool)
    none = np.select(
        [~buyers, mixed],
        [
            "成员间无采购关系，无法认定链主",
            "集群行业混杂（没有一个行业占成员的五分之一），没有主链，不认定链主",
        ],
        "采购方及其成员供应商都不在集群主要行业内（见 main_industries），不认定链主",
    )
    out["leader_basis"] = np.where(has, basis, none)
    second = stats[stats["leader_rank"] == 1].set_index("cluster")["pos"].reindex(ids)
    p2 = second.fillna(-1).to_numpy(np.int64)
    out["runner_up"] = np.where(p2 >= 0, A.ids[np.maximum(p2, 0)].astype(str), "")
    out["runner_up_name"] = np.where(p2 >= 0, name_of(np.maximum(p2, 0)), "")
    key = stats[stats["key_supplier"]].sort_values(["cluster", "key_rank"])
    out["key_suppliers"] = (
        pd.Series(name_of(key["pos"].to_numpy()), index=key["cluster"].to_numpy())
        .astype(str)
        .groupby(level=0)
        .agg("; ".join)
        .reindex(ids, fill_value="")
    )
