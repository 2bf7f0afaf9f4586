"""Two chains in one community: where modularity joins two supply chains through a
single link, the community is cut at that link (see "Two chains joined by one link"
in the package's documentation)."""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig
import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import arrays
from innokg.queries.clusters.leaders import _member_stats
from innokg.queries.clusters.network import Inferred, _Assignment
from innokg.queries.clusters.scope import preferred_industry, province_members

__all__ = ["SPLIT_SUPPLIERS"]

#: A part cut off a community is a chain of its own only when one of its members is a
#: downstream buyer (a 链主 by the package's rule) drawing on at least this many of the
#: part's members: as many suppliers as the smallest cluster has members.
SPLIT_SUPPLIERS = 3


@dataclass
class _Cut:
    """A link whose removal splits a part in two: its local endpoints and one side."""

    u: int
    v: int
    side: np.ndarray  # local vertices on ``v``'s side


def _bridge_cuts(
    vertices: np.ndarray,
    eu: np.ndarray,
    ev: np.ndarray,
    weight: np.ndarray,
    is_firm: np.ndarray,
    industry: np.ndarray,
    heads: np.ndarray,
    min_size: int,
) -> list[_Cut]:
    """The links of one part (local ``vertices``, edges ``eu``-``ev``) that alone join
    two groups of at least ``min_size`` firms with no industry in common, each with one
    of the possible ``heads`` (local mask), most balanced first.

    The bridges are found once; with them removed the part falls into blocks, the
    bridges join the blocks into a tree, and each bridge's sides are a subtree (a
    range of the tree's depth-first order) and the rest, so no bridge costs a search.
    """
    loc = pd.Series(np.arange(len(vertices)), index=vertices)
    a, b = loc[eu].to_numpy(), loc[ev].to_numpy()
    g = ig.Graph(n=len(vertices), edges=np.column_stack([a, b]).tolist())
    bridges = np.asarray(g.bridges(), dtype=np.int64)
    if not len(bridges):
        return []
    g.delete_edges(bridges.tolist())
    block = np.asarray(g.components().membership, dtype=np.int64)
    n_blocks = int(block.max()) + 1
    tree = ig.Graph(n=n_blocks, edges=np.column_stack([block[a[bridges]], block[b[bridges]]]))
    pre = np.full(n_blocks, -1, dtype=np.int64)
    parent = np.full(n_blocks, -1, dtype=np.int64)
    order: list[int] = []
    for root in range(n_blocks):
        if pre[root] < 0:
            vids, parents = tree.dfs(root)
            pre[vids] = np.arange(len(order), len(order) + len(vids))
            parent[vids] = parents
            order.extend(vids)
    firms = np.bincount(block, is_firm[vertices].astype(np.int64), n_blocks)
    sub_firms, sub_blocks = firms.copy(), np.ones(n_blocks, dtype=np.int64)
    for x in reversed(order):  # children before parents
        p = parent[x]
        if p >= 0 and p != x:
            sub_firms[p] += sub_firms[x]
            sub_blocks[p] += sub_blocks[x]
    total = int(is_firm[vertices].sum())
    firm_v = vertices[is_firm[vertices]]
    firm_pre = pre[block[loc[firm_v].to_numpy()]]
    firm_ind = industry[firm_v]
    head_v = vertices[heads[vertices]]
    head_pre = pre[block[loc[head_v].to_numpy()]]
    cuts: list[tuple[int, float, int, _Cut]] = []
    for e in bridges.tolist():
        x, y = block[a[e]], block[b[e]]
        child = x if parent[x] == y else y
        inside = int(sub_firms[child])
        if min(inside, total - inside) < min_size:
            continue
        lo, hi = pre[child], pre[child] + sub_blocks[child]
        head_in = (head_pre >= lo) & (head_pre < hi)
        if head_in.all() or not head_in.any():
            continue
        mask = (firm_pre >= lo) & (firm_pre < hi)
        ind_in = np.unique(firm_ind[mask & (firm_ind >= 0)])
        ind_out = np.unique(firm_ind[~mask & (firm_ind >= 0)])
        if not len(ind_in) or not len(ind_out) or np.intersect1d(ind_in, ind_out).size:
            continue
        side = vertices[(pre[block] >= lo) & (pre[block] < hi)]
        u, v = (eu[e], ev[e]) if block[a[e]] != child else (ev[e], eu[e])
        cuts.append(
            (-min(inside, total - inside), float(weight[e]), int(min(u, v)), _Cut(u, v, side))
        )
    cuts.sort(key=lambda t: t[:3])
    return [c for *_, c in cuts]


def _split_chains(
    G: EcosystemGraph,
    res: _Assignment,
    min_size: int,
    year: int | None,
    inferred: Inferred,
    inferred_weight: float,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Cut every community at the links that join two chains (a bridge between two
    parts of ``min_size`` or more firms, no industry in common, each with a 链主 of
    its own drawing on ``SPLIT_SUPPLIERS`` of its members).  Returns the new raw
    membership and the cut links (local endpoints ``u``, ``v``).

    Candidate links are tried most balanced first; the parts of a cut are tried again,
    so a community of three chains in a row becomes three clusters.  Whether a part
    has a 链主 is decided by the same rule as the profile's (:func:`_member_stats`),
    for one candidate of every part at a time.
    """
    A = arrays(G)
    net = res.network
    membership = res.membership.copy()
    is_firm = np.zeros(A.n, dtype=bool)
    is_firm[net.vertices] = A.mask("Enterprise")[net.vertices]
    is_firm_local = is_firm[net.vertices]
    industry = np.where(is_firm_local, preferred_industry(G)[net.vertices], -1)
    local = np.arange(len(net.vertices))
    n_firms = np.bincount(membership[is_firm_local], minlength=int(membership.max(initial=-1)) + 1)
    internal = membership[net.u] == membership[net.v]
    by_origin = pd.Series(np.flatnonzero(internal)).groupby(membership[net.u[internal]])
    edges_of = {int(k): e.to_numpy() for k, e in by_origin}
    origin: dict[int, int] = {}
    pending: dict[int, list[_Cut]] = {}

    def look(part: int, k: int) -> None:
        origin[part] = k
        e = edges_of.get(k, np.array([], dtype=np.int64))
        e = e[(membership[net.u[e]] == part) & (membership[net.v[e]] == part)]
        vertices = local[membership == part]
        if int(is_firm_local[vertices].sum()) >= 2 * min_size and len(e):
            found = _bridge_cuts(
                vertices,
                net.u[e],
                net.v[e],
                net.weight[e],
                is_firm_local,
                industry,
                heads,
                min_size,
            )
            if found:
                pending[part] = found

    big = np.flatnonzero(n_firms >= 2 * min_size)
    if not len(big):
        return membership, pd.DataFrame({"u": [], "v": []}, dtype=np.int64)
    inside = province_members(G)
    # a side's head buys from at least SPLIT_SUPPLIERS of its side's members, so from as
    # many of its community's: one count over the communities rules most links out
    community = np.full(A.n, -1, dtype=np.int64)
    in_big = np.isin(membership, big) & is_firm_local
    community[net.vertices[in_big]] = membership[in_big]
    probe = _Assignment(net, membership, community)
    whole = _member_stats(A, probe, community, year, inferred_weight, inferred, inside, chain=False)
    heads = np.zeros(len(net.vertices), dtype=bool)
    loc_of = np.full(A.n, -1, dtype=np.int64)
    loc_of[net.vertices] = local
    heads[loc_of[whole.loc[whole["suppliers"] >= SPLIT_SUPPLIERS, "pos"].to_numpy()]] = True
    for k in big.tolist():
        look(k, k)
    cuts: list[tuple[int, int]] = []
    next_id = int(membership.max(initial=-1)) + 1
    while pending:
        trial = {part: found[0] for part, found in pending.items()}
        tentative = np.full(A.n, -1, dtype=np.int64)
        for j, (part, cut) in enumerate(trial.items()):
            tentative[net.vertices[(membership == part) & is_firm_local]] = 2 * j
            tentative[net.vertices[cut.side][is_firm_local[cut.side]]] = 2 * j + 1
        probe = _Assignment(net, membership, tentative)
        stats = _member_stats(
            A, probe, tentative, year, inferred_weight, inferred, inside, chain=False
        )
        headed = stats["qualifies"] & (stats["suppliers"] >= SPLIT_SUPPLIERS)
        led = set(stats.loc[headed, "cluster"].tolist())
        for j, (part, cut) in enumerate(trial.items()):
            pending[part].pop(0)
            if 2 * j in led and 2 * j + 1 in led:
                membership[cut.side] = next_id
                cuts.append((cut.u, cut.v))
                del pending[part]
                look(part, origin[part])
                look(next_id, origin[part])
                next_id += 1
            elif not pending[part]:
                del pending[part]
    frame = pd.DataFrame(cuts, columns=["u", "v"], dtype=np.int64)
    return membership, frame
