"""Two chains in one community: where modularity joins two supply chains through a
single link, the community is cut at that link (see "Two chains joined by one link"
in the package's documentation)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import arrays
from innokg.queries.clusters.leaders import _head_signals, _supplier_counts
from innokg.queries.clusters.network import Inferred, _Assignment
from innokg.queries.clusters.scope import preferred_industry
from innokg.queries.sets import distinct

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


def _block_tree(n: int, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """The forest of ``n`` blocks joined by the bridges ``x``-``y``, each tree rooted at
    its smallest block: every block's depth-first position ``pre``, its ``parent``
    (-1 for a root) and the number of blocks in its subtree, which are the positions
    ``pre`` to ``pre + size - 1``.

    The trees are found breadth first: scipy's depth-first search reads a block's
    neighbours again each time it comes back to it, which is quadratic around a block
    with many bridges (a hub firm with hundreds of thousands of single-link suppliers at
    ten million nodes).  A block's position is then the sum, over it and its ancestors,
    of one plus the sizes of its earlier siblings, added up by pointer jumping."""
    tree = sp.csr_array((np.ones(len(x)), (x, y)), shape=(n, n))
    _, comp = connected_components(tree, directed=False)
    roots = np.unique(comp, return_index=True)[1]  # blocks are numbered 0..n-1
    # one search from a virtual block joined to every root
    top = sp.csr_array(
        (np.ones(len(x) + len(roots)), (np.r_[x, np.full(len(roots), n)], np.r_[y, roots])),
        shape=(n + 1, n + 1),
    )
    _, pred = breadth_first_order(top, n, directed=False, return_predecessors=True)
    parent = np.where(pred[:n] == n, -1, pred[:n]).astype(np.int64)
    depth = _up_sums(parent, (parent >= 0).astype(np.int64))
    # subtree sizes level by level, deepest first
    size = np.ones(n, dtype=np.int64)
    by_depth = np.argsort(-depth, kind="stable")
    for level in np.split(by_depth, np.flatnonzero(np.diff(depth[by_depth])) + 1):
        kids = level[parent[level] >= 0]
        np.add.at(size, parent[kids], size[kids])
    # siblings (the roots among themselves) in block order, each after the earlier ones
    by_parent = np.argsort(parent, kind="stable")
    up = parent[by_parent]
    before = np.cumsum(size[by_parent]) - size[by_parent]
    first = np.r_[True, up[1:] != up[:-1]] if n else np.zeros(0, dtype=bool)
    offset = np.empty(n, dtype=np.int64)
    offset[by_parent] = before - before[np.flatnonzero(first)][np.cumsum(first) - 1]
    offset += parent >= 0
    return _up_sums(parent, offset), parent, size


def _up_sums(parent: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Every vertex's ``values`` summed over it and its ancestors in the forest
    ``parent`` (-1 at a root), by pointer jumping: log(depth) passes."""
    total = values.copy()
    up = parent.copy()
    while True:
        has = np.flatnonzero(up >= 0)
        if not len(has):
            return total
        nxt = up[has]
        total[has] = total[has] + total[nxt]
        up[has] = up[nxt]


def _bridge_cuts(
    vertices: np.ndarray,
    eu: np.ndarray,
    ev: np.ndarray,
    weight: np.ndarray,
    is_firm: np.ndarray,
    industry: np.ndarray,
    heads: np.ndarray,
    min_size: int,
    at: np.ndarray,
) -> list[_Cut]:
    """The links of one part (local ``vertices``, edges ``eu``-``ev``) that alone join
    two groups of at least ``min_size`` firms with no industry in common, each with one
    of the possible ``heads`` (local mask), most balanced first.  ``at`` is scratch
    space, one slot per local vertex, for the part's own numbering.

    The bridges are found once; with them removed the part falls into blocks, the
    bridges join the blocks into a tree, and each bridge's sides are a subtree (a
    range of the tree's depth-first order) and the rest, so no bridge costs a search.
    """
    # each vertex's place in the part, looked up rather than searched for: binary
    # searches of every part's edge ends took 2.3 s at ten million nodes
    at[vertices] = np.arange(len(vertices))

    def loc(v: np.ndarray) -> np.ndarray:
        return at[v]

    import igraph as ig  # here, not at the top: a command that never splits skips 0.7 s

    a, b = loc(eu), loc(ev)
    g = ig.Graph(n=len(vertices))
    g.add_edges(zip(a.tolist(), b.tolist(), strict=True))  # faster than an array's rows
    bridges = np.asarray(g.bridges(), dtype=np.int64)
    if not len(bridges):
        return []
    g.delete_edges(bridges.tolist())
    block = np.asarray(g.components().membership, dtype=np.int64)
    n_blocks = int(block.max()) + 1
    pre, parent, sub_blocks = _block_tree(n_blocks, block[a[bridges]], block[b[bridges]])
    firms = np.bincount(block, is_firm[vertices].astype(np.int64), n_blocks)
    by_pre = np.zeros(n_blocks + 1, dtype=np.int64)
    by_pre[pre + 1] = firms
    by_pre = np.cumsum(by_pre)
    sub_firms = by_pre[pre + sub_blocks] - by_pre[pre]
    total = int(is_firm[vertices].sum())
    firm_v = vertices[is_firm[vertices]]
    firm_pre = pre[block[loc(firm_v)]]
    firm_ind = industry[firm_v]
    head_v = vertices[heads[vertices]]
    head_pre = np.sort(pre[block[loc(head_v)]])
    # every bridge's side as a range [lo, hi) of the depth-first order, judged all at once
    x, y = block[a[bridges]], block[b[bridges]]
    child = np.where(parent[x] == y, x, y)
    inside = sub_firms[child]
    lo, hi = pre[child], pre[child] + sub_blocks[child]
    n_heads = np.searchsorted(head_pre, hi) - np.searchsorted(head_pre, lo)
    ok = (np.minimum(inside, total - inside) >= min_size) & (n_heads > 0)
    ok &= n_heads < len(head_pre)
    # an industry is on both sides when some but not all of its firms are in the range
    in_any = np.zeros(len(bridges), dtype=bool)
    out_any = np.zeros(len(bridges), dtype=bool)
    shared = np.zeros(len(bridges), dtype=bool)
    known = firm_ind >= 0
    for k in distinct(firm_ind[known]).tolist():
        at = np.sort(firm_pre[firm_ind == k])
        n_in = np.searchsorted(at, hi[ok]) - np.searchsorted(at, lo[ok])
        in_any[ok] |= n_in > 0
        out_any[ok] |= n_in < len(at)
        shared[ok] |= (n_in > 0) & (n_in < len(at))
    ok &= in_any & out_any & ~shared
    cuts: list[tuple[int, float, int, _Cut]] = []
    for j in np.flatnonzero(ok).tolist():
        e = int(bridges[j])
        side = vertices[(pre[block] >= lo[j]) & (pre[block] < hi[j])]
        u, v = (eu[e], ev[e]) if block[a[e]] != child[j] else (ev[e], eu[e])
        small = int(min(inside[j], total - inside[j]))
        cuts.append((-small, float(weight[e]), int(min(u, v)), _Cut(u, v, side)))
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
    has a 链主 is decided by the same rule as the profile's (:func:`_head_signals`
    reads it from the members' statistics), for one candidate of every part at a time.
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
    # each community's vertices from one sort (a comparison over every vertex per
    # community took 3.6 s at ten million nodes); a part cut later is listed again
    by_part = np.argsort(membership, kind="stable")
    bounds = np.searchsorted(membership[by_part], np.arange(len(n_firms) + 1))
    members: dict[int, np.ndarray] = {}
    at = np.zeros(len(local), dtype=np.int64)

    def look(part: int, k: int, vertices: np.ndarray | None = None) -> None:
        origin[part] = k
        e = edges_of.get(k, np.array([], dtype=np.int64))
        e = e[(membership[net.u[e]] == part) & (membership[net.v[e]] == part)]
        if vertices is None:
            vertices = local[membership == part]
        members[part] = vertices
        # a cut needs a head on each side and an industry of its own on each side
        kinds = industry[vertices]
        if (
            int(is_firm_local[vertices].sum()) >= 2 * min_size
            and len(e)
            and int(heads[vertices].sum()) >= 2
            and len(distinct(kinds[kinds >= 0])) >= 2
        ):
            found = _bridge_cuts(
                vertices,
                net.u[e],
                net.v[e],
                net.weight[e],
                is_firm_local,
                industry,
                heads,
                min_size,
                at,
            )
            if found:
                pending[part] = found

    big = np.flatnonzero(n_firms >= 2 * min_size)
    if not len(big):
        return membership, pd.DataFrame({"u": [], "v": []}, dtype=np.int64)
    # a side's head buys from at least SPLIT_SUPPLIERS of its side's members, so from as
    # many of its community's: one count over the communities rules most links out
    community = np.full(A.n, -1, dtype=np.int64)
    in_big = np.isin(membership, big) & is_firm_local
    community[net.vertices[in_big]] = membership[in_big]
    suppliers = _supplier_counts(A, community, year, inferred)
    heads = ((community >= 0) & (suppliers >= SPLIT_SUPPLIERS))[net.vertices]
    for k in big.tolist():
        look(k, k, by_part[bounds[k] : bounds[k + 1]])
    cuts: list[tuple[int, int]] = []
    next_id = int(membership.max(initial=-1)) + 1
    while pending:
        trial = {part: found[0] for part, found in pending.items()}
        tentative = np.full(A.n, -1, dtype=np.int64)
        for j, (part, cut) in enumerate(trial.items()):
            part_v = members[part]
            tentative[net.vertices[part_v[is_firm_local[part_v]]]] = 2 * j
            tentative[net.vertices[cut.side][is_firm_local[cut.side]]] = 2 * j + 1
        suppliers, qualifies = _head_signals(A, tentative, year, inferred_weight, inferred)
        headed = qualifies & (suppliers >= SPLIT_SUPPLIERS)
        led = set(distinct(tentative[headed]).tolist())
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
