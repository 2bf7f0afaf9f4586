"""Supply-chain clusters: communities of the supply network, each profiled.

The network joins enterprises by their SUPPLIES edges (weight: the edge's ``weight``,
else its ``share``, else 1).  Where firms' links are known only through what they
make, the PRODUCES and UPSTREAM_OF edges join them through the product nodes
(firm -> product -> product it is an input of <- firm); these inferred links are
weighted lower (``inferred_weight``) and reported as such (``inferred_share``, the
``product_linked`` role).  They are kept as paths through the product nodes rather
than expanded into firm pairs, which would be quadratic in the number of makers of a
product.  SUPPLIES edges whose evidence is ``inferred`` are weighted lower too.

Communities are found with igraph's Leiden algorithm optimising modularity, seeded
through a private random generator (the same graph and seed give the same clusters).
Cluster ids are 1, 2, ... by decreasing size; given the members of an earlier result
(``previous``), each new cluster takes the id of the old cluster it overlaps most
(Jaccard at least ``match``), so ids survive small rebuilds.

Examples
--------
Two triangles of suppliers joined by one edge split into two clusters:

>>> from tests.factory import make_graph
>>> firms = [{"id": f"e{i}", "name": f"企业{i}"} for i in range(6)]
>>> links = [("e0", "e1"), ("e1", "e2"), ("e0", "e2"), ("e3", "e4"), ("e4", "e5"),
...          ("e3", "e5"), ("e2", "e3")]
>>> G = make_graph({"Enterprise": firms}, {"SUPPLIES": links})
>>> supply_clusters(G)[["cluster", "size", "leader", "key_suppliers"]].to_dict("records")
[{'cluster': 1, 'size': 3, 'leader': 'e2', 'key_suppliers': '企业0; 企业1'}, \
{'cluster': 2, 'size': 3, 'leader': 'e5', 'key_suppliers': '企业3; 企业4'}]

The chain leader (链主)
-----------------------
In Chinese industrial policy the 链主 is the lead *downstream* maker that organises a
chain -- the final-product maker buying from many suppliers (宇通客车 for buses, 郑煤机
for mining machinery, 双汇 for meat) -- never a mere supplier; the suppliers that matter
most are a separate column (``key_suppliers``, role 核心供应商).  Per member, inside its
cluster:

- ``purchases``: its suppliers among the members.  Each direct supplier counts its
  link's weight (1 observed, ``inferred_weight`` for an inferred SUPPLIES edge); for a
  firm in the cluster through products, each (input, member making it) counts
  ``inferred_weight``; each tier-2 supplier (two supply steps upstream, not also
  direct) counts ``TIER2_WEIGHT`` (0.5) times its paths' weight (at most 1).  Suppliers
  are counted, not their volumes: a 链主 draws on *many* suppliers.
- ``downstream`` (0 to 1): the mean of the signals known for it -- its buying share
  (what it buys over what it buys and sells inside, same counting) and its products'
  position in the product graph (final: has inputs and is the input of nothing = 1,
  intermediate 0.5, raw 0; see :func:`_product_position`).
- ``size_score`` (0 to 1): the size class (large 1, medium 2/3, small 1/3, micro 0);
  without one, the class its employees (20/300/1000) or revenue (300/2000/40000 万元)
  would give under the national thresholds for industry; at least 0.5 for being listed
  plus 0.5 for running a national enterprise technology centre, the proxies the real
  data has (it records no size).

``leader_score = purchases * downstream * (1 + size_score)``: zero for a firm that buys
nothing; a final maker gets its full purchases, a firm that buys as much as it sells
half; size can double it, so between equal buyers the larger leads.  The 链主 is
chosen by, in order: being a downstream buyer (buys something and ``downstream`` above
``DOWNSTREAM_MIN``, 0.5: more buyer than seller) -- this is what qualifies; buying at
all (a pure supplier never leads while any member buys); on a scoped graph, being in
the province (a Henan cluster's 链主 is a Henan firm when one qualifies;
``leader_in_province`` says when it is not); then ``leader_score``, size, revenue,
employees, position.  A cluster whose members buy nothing from each other (linked only
through shared products, as on parts of the real chain data) has no 链主: the leader
columns are empty and ``leader_basis`` says why.  Everything is computed with array
operations over the edge
lists (product links are counted per cluster and product, never expanded into pairs).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import (
    GraphArrays,
    arrays,
    graph_scope,
    resolve_city,
    resolve_industries,
)

__all__ = [
    "LABEL_CITY_SHARE",
    "ROLES",
    "cluster_labels",
    "cluster_members",
    "no_clusters_reason",
    "placed",
    "preferred_industry",
    "province_members",
    "province_name",
    "scoped",
    "single_sourced_inputs",
    "supply_clusters",
]

Inferred = Literal["auto", "all", "none"]

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

#: A cluster is labelled by its largest city only when that city holds at least this
#: share of the members (and more of them than any other city).
LABEL_CITY_SHARE = 0.25


@dataclass(frozen=True)
class _Network:
    """The supply network as local vertices and aggregated undirected edges."""

    vertices: np.ndarray  # positions of the local vertices
    u: np.ndarray  # local endpoints, u < v
    v: np.ndarray
    weight: np.ndarray
    inferred: np.ndarray  # part of ``weight`` that is inferred


@dataclass(frozen=True)
class _Assignment:
    network: _Network
    membership: np.ndarray  # raw community of each local vertex
    cluster: np.ndarray  # over all positions: cluster id (>= 1) or -1


def _supply_weights(A: GraphArrays, year: int | None, inferred_weight: float) -> np.ndarray:
    rows = A.edge_rows("SUPPLIES", year=year)
    df = A.G.edges["SUPPLIES"]
    w = A.edge_values("SUPPLIES", "weight", year=year)
    share = A.edge_values("SUPPLIES", "share", year=year)
    w = np.where(np.isnan(w), share, w)
    w = np.where(np.isnan(w) | (w <= 0), 1.0, w)
    evidence = df["evidence"].to_numpy(dtype=object, na_value="")[rows]
    return np.where(evidence == "inferred", w * inferred_weight, w)


def _network(
    A: GraphArrays, year: int | None, inferred: Inferred, inferred_weight: float
) -> _Network:
    src, dst = A.edges("SUPPLIES", year=year)
    w = _supply_weights(A, year, inferred_weight)
    supply_inferred = np.where(
        A.G.edges["SUPPLIES"]["evidence"].to_numpy(dtype=object, na_value="")[
            A.edge_rows("SUPPLIES", year=year)
        ]
        == "inferred",
        w,
        0.0,
    )
    us, vs, ws, infs = [src], [dst], [w], [supply_inferred]
    if inferred != "none":
        p_src, p_dst = A.edges("PRODUCES", year=year)
        if inferred == "auto":
            linked = np.zeros(A.n, dtype=bool)
            linked[src] = linked[dst] = True
            keep = ~linked[p_src]
            p_src, p_dst = p_src[keep], p_dst[keep]
        if len(p_src):
            u_src, u_dst = A.edges("UPSTREAM_OF", year=year)
            for a, b in ((p_src, p_dst), (u_src, u_dst)):
                us.append(a)
                vs.append(b)
                ws.append(np.full(len(a), inferred_weight))
                infs.append(np.full(len(a), inferred_weight))
    u, v = np.concatenate(us), np.concatenate(vs)
    w, inf = np.concatenate(ws), np.concatenate(infs)
    keep = u != v
    u, v, w, inf = u[keep], v[keep], w[keep], inf[keep]
    vertices = np.flatnonzero(A.mask("Enterprise", "Product") & A.alive(year))
    local = np.full(A.n, -1, dtype=np.int64)
    local[vertices] = np.arange(len(vertices))
    lu, lv = local[np.minimum(u, v)], local[np.maximum(u, v)]
    ok = (lu >= 0) & (lv >= 0)
    frame = pd.DataFrame({"u": lu[ok], "v": lv[ok], "w": w[ok], "inf": inf[ok]})
    agg = frame.groupby(["u", "v"], sort=True).sum()
    return _Network(
        vertices=vertices,
        u=agg.index.get_level_values("u").to_numpy(np.int64),
        v=agg.index.get_level_values("v").to_numpy(np.int64),
        weight=agg["w"].to_numpy(float),
        inferred=agg["inf"].to_numpy(float),
    )


def _leiden(net: _Network, *, seed: int, resolution: float) -> np.ndarray:
    g = ig.Graph(n=len(net.vertices), directed=False)
    g.add_edges(np.column_stack([net.u, net.v]))
    ig.set_random_number_generator(random.Random(seed))
    try:
        part = g.community_leiden(
            objective_function="modularity",
            weights=net.weight,
            resolution=resolution,
            n_iterations=2,
        )
    finally:
        ig.set_random_number_generator(random)
    return np.asarray(part.membership, dtype=np.int64)


def _assign(
    G: EcosystemGraph,
    *,
    seed: int,
    resolution: float,
    inferred: Inferred,
    inferred_weight: float,
    min_size: int,
    year: int | None,
) -> _Assignment:
    if inferred not in ("auto", "all", "none"):
        raise QueryError(f"inferred must be auto, all or none (got {inferred!r})")
    if not inferred_weight > 0:
        raise QueryError("inferred_weight must be positive")
    A = arrays(G)
    key = ("clusters", seed, resolution, inferred, inferred_weight, min_size, year)
    if key in A.memo:
        return A.memo[key]
    net = _network(A, year, inferred, inferred_weight)
    membership = _leiden(net, seed=seed, resolution=resolution)
    is_firm = A.mask("Enterprise")[net.vertices]
    firms = pd.DataFrame({"c": membership[is_firm], "pos": net.vertices[is_firm]})
    stats = firms.groupby("c")["pos"].agg(["size", "min"])
    stats = stats[stats["size"] >= min_size].sort_values(["size", "min"], ascending=[False, True])
    new_id = np.full(membership.max() + 1 if len(membership) else 0, -1, dtype=np.int64)
    new_id[stats.index.to_numpy()] = np.arange(1, len(stats) + 1)
    cluster = np.full(A.n, -1, dtype=np.int64)
    cluster[net.vertices[is_firm]] = new_id[membership[is_firm]] if len(membership) else -1
    result = _Assignment(net, membership, cluster)
    A.memo[key] = result
    return result


def _match_previous(
    A: GraphArrays,
    cluster: np.ndarray,
    previous: pd.DataFrame | Mapping[str, int],
    match: float,
) -> np.ndarray:
    """Renumber ``cluster`` so that each cluster keeps the id of its best old match."""
    if isinstance(previous, pd.DataFrame):
        if not {"id", "cluster"} <= set(previous.columns):
            raise QueryError(
                "previous clusters need the columns 'id' and 'cluster' "
                "(the output of `innokg clusters --members all`)"
            )
        old_ids, old_c = previous["id"].astype(str), previous["cluster"]
    else:
        old_ids, old_c = pd.Series(list(previous.keys())), pd.Series(list(previous.values()))
    old = pd.DataFrame({"pos": A.index(old_ids.to_numpy()), "old": pd.to_numeric(old_c)})
    old = old[(old["pos"] >= 0) & old["old"].notna()].astype({"old": np.int64})
    new = pd.DataFrame({"pos": np.flatnonzero(cluster >= 0)})
    new["new"] = cluster[new["pos"]]
    both = new.merge(old, on="pos")
    pairs = both.groupby(["new", "old"]).size().rename("overlap").reset_index()
    pairs["jaccard"] = pairs["overlap"] / (
        pairs["new"].map(new["new"].value_counts())
        + pairs["old"].map(old["old"].value_counts())
        - pairs["overlap"]
    )
    pairs = pairs[pairs["jaccard"] >= match].sort_values(
        ["jaccard", "overlap", "new", "old"], ascending=[False, False, True, True]
    )
    mapping: dict[int, int] = {}
    used: set[int] = set()
    for n, o in zip(pairs["new"].tolist(), pairs["old"].tolist(), strict=True):
        if n not in mapping and o not in used:  # loops over cluster pairs, not nodes
            mapping[n] = o
            used.add(o)
    next_id = max([*old["old"].tolist(), 0]) + 1
    for n in sorted(set(new["new"].tolist()) - set(mapping)):
        mapping[n] = next_id
        next_id += 1
    lut = np.full(int(cluster.max()) + 1 if len(cluster) else 1, -1, dtype=np.int64)
    for n, o in mapping.items():
        lut[n] = o
    return np.where(cluster >= 0, lut[np.maximum(cluster, 0)], -1)


def no_clusters_reason(min_size: int = 3) -> str:
    """Why a graph has no supply-chain cluster, in one clause.

    >>> no_clusters_reason(3).split(" (")[0]
    'the graph has no supply-chain cluster of 3 or more firms'
    """
    return (
        f"the graph has no supply-chain cluster of {min_size} or more firms (clusters come "
        "from SUPPLIES links, or from products through PRODUCES / UPSTREAM_OF)"
    )


def cluster_labels(
    G: EcosystemGraph,
    *,
    seed: int = 2016,
    resolution: float = 1.0,
    inferred: Inferred = "auto",
    inferred_weight: float = 0.3,
    min_size: int = 3,
    year: int | None = None,
    previous: pd.DataFrame | Mapping[str, int] | None = None,
    match: float = 0.3,
) -> np.ndarray:
    """The cluster of every node position (-1: none), for other questions to use.

    Parameters are those of :func:`supply_clusters`.

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
    ...                {"SUPPLIES": [("a", "b")]})
    >>> cluster_labels(G, min_size=2).tolist()
    [1, 1]
    """
    res = _assign(
        G,
        seed=seed,
        resolution=resolution,
        inferred=inferred,
        inferred_weight=inferred_weight,
        min_size=min_size,
        year=year,
    )
    if previous is None:
        return res.cluster
    return _match_previous(arrays(G), res.cluster, previous, match)


def single_sourced_inputs(G: EcosystemGraph, *, year: int | None = None) -> pd.DataFrame:
    """Inputs a buyer gets from a single supplier.

    Two bases: ``supplies`` -- a buyer's SUPPLIES edges grouped by the ``product``
    supplied (edges without a product count as one unspecified input) where exactly one
    supplier delivers it; ``products`` -- for buyers with no SUPPLIES edge at all, an
    input (UPSTREAM_OF) of a product they make that exactly one firm in the graph
    makes.

    Parameters
    ----------
    G : EcosystemGraph
    year : int, optional
        As of this year: only nodes and edges that existed then.

    Returns
    -------
    pandas.DataFrame
        One row per single-sourced input, sorted by buyer and input:

        - ``buyer`` (str): the buyer's id; ``buyer_name`` (str).
        - ``input`` (str): the product supplied (``(unspecified)`` when unknown).
        - ``supplier`` (str): the sole supplier's id; ``supplier_name`` (str).
        - ``share`` (float): the share of the buyer's input from that supplier, where
          the edge records it (NaN otherwise).
        - ``basis`` (str): ``supplies`` (observed edges) or ``products`` (inferred from
          what the firms make).

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": i, "name": i} for i in ("s1", "s2", "b")]},
    ...     {"SUPPLIES": [("s1", "b", {"product": "钢材", "share": 1.0}),
    ...                   ("s1", "b", {"product": "轴承"}), ("s2", "b", {"product": "轴承"})]},
    ... )
    >>> single_sourced_inputs(G)[["buyer", "input", "supplier", "basis"]].to_dict("records")
    [{'buyer': 'b', 'input': '钢材', 'supplier': 's1', 'basis': 'supplies'}]
    """
    A = arrays(G)
    src, dst = A.edges("SUPPLIES", year=year)
    rows = A.edge_rows("SUPPLIES", year=year)
    product = (
        G.edges["SUPPLIES"]["product"].astype("string").fillna("(unspecified)").to_numpy(object)
    )
    sup = pd.DataFrame(
        {
            "b": dst,
            "input": product[rows],
            "s": src,
            "share": A.edge_values("SUPPLIES", "share", year=year),
        }
    )
    sup = sup.drop_duplicates(["b", "input", "s"])
    n_sup = sup.groupby(["b", "input"])["s"].transform("size")
    observed = sup[n_sup.to_numpy() == 1].assign(basis="supplies")

    p_src, p_dst = A.edges("PRODUCES", year=year)
    u_src, u_dst = A.edges("UPSTREAM_OF", year=year)
    linked = np.zeros(A.n, dtype=bool)
    linked[dst] = True
    makes = pd.DataFrame({"firm": p_src, "product": p_dst}).drop_duplicates()
    makers = makes.groupby("product")["firm"].agg(["size", "min"])
    sole = makers[makers["size"] == 1]["min"]
    buyers = makes[~linked[makes["firm"].to_numpy()]]
    needs = buyers.merge(
        pd.DataFrame({"input_pos": u_src, "product": u_dst}), on="product"
    ).drop_duplicates(["firm", "input_pos"])
    needs = needs[needs["input_pos"].isin(sole.index)]
    needs = needs.assign(s=needs["input_pos"].map(sole).to_numpy(np.int64))
    needs = needs[needs["s"] != needs["firm"]]
    inferred = pd.DataFrame(
        {
            "b": needs["firm"].to_numpy(np.int64),
            "input": A.names[needs["input_pos"].to_numpy(np.int64)],
            "s": needs["s"].to_numpy(np.int64),
            "share": np.nan,
            "basis": "products",
        }
    )
    both = pd.concat([observed, inferred], ignore_index=True)
    b = both["b"].to_numpy(np.int64)
    s = both["s"].to_numpy(np.int64)
    out = pd.DataFrame(
        {
            "buyer": A.ids[b].astype(str),
            "buyer_name": A.names[b],
            "input": both["input"].astype(str).to_numpy(object),
            "supplier": A.ids[s].astype(str),
            "supplier_name": A.names[s],
            "share": both["share"].astype(float).to_numpy(),
            "basis": both["basis"].to_numpy(object),
        }
    )
    out = out.sort_values(["buyer", "input", "supplier"], ignore_index=True)
    return out.astype({c: "string" for c in out.columns if c != "share"})


def scoped(G: EcosystemGraph) -> bool:
    """Whether ``G`` is a province's graph with its chain neighbourhood.

    True when the package manifest names a ``scope`` (``innokg henan`` writes
    ``scope: henan``): the graph's regions are the province's, and an enterprise with
    no place in them is a firm of another province, kept because it trades with the
    province's firms.  Without a scope an unplaced firm is only of unknown location.
    """
    return bool(getattr(G, "manifest", {}).get("scope"))


def placed(G: EcosystemGraph) -> np.ndarray:
    """Mask of the nodes located in a Region of the graph (at any level).

    A node is placed when a LOCATED_IN chain (through counties, zones) reaches a
    Region, or, for a node without a place of its own, when the organisation behind it
    is (a platform's operator, a team's host).  Unlike :meth:`GraphArrays.city` this
    counts firms placed only at province level (their city unknown).

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}],
    ...      "Region": [{"id": "region:41", "name": "河南省", "level": "province"}]},
    ...     {"LOCATED_IN": [("a", "region:41")]},
    ... )
    >>> placed(G)[:2].tolist()
    [True, False]
    """
    A = arrays(G)
    if "placed" not in A.memo:
        is_region = A.mask("Region")
        out = np.full(A.n, -1, dtype=np.int64)
        out[is_region] = np.flatnonzero(is_region)
        src, dst = A.edges("LOCATED_IN")
        for _ in range(4):  # firm -> zone -> county -> city -> province
            ok = (out[src] < 0) & (out[dst] >= 0)
            if not ok.any():
                break
            out[src[ok]] = out[dst[ok]]
        A.memo["placed"] = A._inherit(out) >= 0
    return A.memo["placed"]


def _province_or_placed(G: EcosystemGraph) -> np.ndarray:
    inside = province_members(G)
    return inside if inside is not None else placed(G)


def province_members(G: EcosystemGraph) -> np.ndarray | None:
    """Mask of the nodes in the province of a scoped graph (None: not scoped).

    See :func:`scoped`; gap questions use it to report the province's organisations
    only, while the network they are measured on keeps the neighbourhood.
    """
    if not scoped(G):
        return None
    scope = graph_scope(G)
    return scope.inside if scope is not None else placed(G)


def province_name(G: EcosystemGraph) -> str:
    """The name of the province the graph is about (:func:`graph_scope`), or of its only
    province-level Region ('' without either)."""
    scope = graph_scope(G)
    if scope is not None:
        return scope.name
    df = G.nodes["Region"]
    if "level" not in df.columns:
        return ""
    names = df.loc[df["level"].astype("string").fillna("") == "province", "name"]
    return str(names.iloc[0]) if len(names) == 1 else ""


def preferred_industry(G: EcosystemGraph) -> np.ndarray:
    """Each node's industry for profiles: its GB/T 4754 class where it has one.

    A firm classified in several schemes (the chain data's Shenwan industries and the
    GB/T 4754-2017 divisions mapped from them) is profiled by its first GB/T 4754
    industry, the national statistics' classification that location quotients and
    policy use; otherwise by its first-listed industry (:meth:`GraphArrays.industry`).
    Position of the Industry, -1 where unknown.
    """
    A = arrays(G)
    if "preferred_industry" not in A.memo:
        out = A.industry().copy()
        src, dst = A.edges("IN_INDUSTRY")
        scheme = A.values("scheme", dtype="object", fill="")
        gbt = np.array([str(x).startswith("GB/T 4754") for x in scheme[dst]], dtype=bool)
        if gbt.any():
            uniq, first = np.unique(src[gbt], return_index=True)
            out[uniq] = dst[gbt][first]
        A.memo["preferred_industry"] = out
    return A.memo["preferred_industry"]


def _city_counts(
    city: np.ndarray,
    placed_: np.ndarray,
    groups: np.ndarray,
    names: np.ndarray,
    *,
    is_scoped: bool,
    top: int = 3,
) -> pd.Series:
    """Per group: 'city n; ...' for the ``top`` cities, then the other members by kind.

    After the top cities: ``其他城市 n`` (members in further cities), ``城市不详 n``
    (placed in the province but not in a city), and ``省外 n`` (scoped graphs:
    unplaced members are of other provinces) or ``地点不详 n`` (location unknown).
    """
    df = pd.DataFrame({"g": groups, "k": city, "p": placed_})
    counts = df[df["k"] >= 0].groupby(["g", "k"]).size().rename("n").reset_index()
    counts["name"] = names[counts["k"].to_numpy(np.int64)].astype(str)
    counts = counts.sort_values(["g", "n", "name"], ascending=[True, False, True])
    rank = counts.groupby("g").cumcount()
    shown = counts[rank < top]
    text = (shown["name"] + " " + shown["n"].astype(str)).groupby(shown["g"]).agg(list)
    other_cities = counts[rank >= top].groupby("g")["n"].sum()
    no_city = df[(df["k"] < 0) & df["p"]].groupby("g").size()
    unplaced = df[~df["p"]].groupby("g").size()
    outside = "省外" if is_scoped else "地点不详"
    out = {}
    for g in pd.unique(groups):
        parts = list(text.get(g, []))
        for label, series in (
            ("其他城市", other_cities),
            ("城市不详", no_city),
            (outside, unplaced),
        ):
            n = int(series.get(g, 0))
            if n:
                parts.append(f"{label} {n}")
        out[g] = "; ".join(parts)
    return pd.Series(out, dtype=object)


def _profile_places(
    G: EcosystemGraph,
    out: pd.DataFrame,
    firm_pos: np.ndarray,
    firm_c: np.ndarray,
    label_share: float,
) -> None:
    """Add ``cities``, ``in_province``, ``province_firms`` and ``main_city`` to ``out``."""
    A = arrays(G)
    names = A.names
    city = A.city()[firm_pos]
    members = _province_or_placed(G)
    here = members[firm_pos]
    ids = out.index
    out["cities"] = _city_counts(city, here, firm_c, names, is_scoped=scoped(G)).reindex(ids)
    n_placed = pd.Series(here.astype(np.int64)).groupby(firm_c).sum().reindex(ids, fill_value=0)
    anywhere = bool(members[A.mask("Enterprise")].any())
    out["province_firms"] = n_placed.astype(np.int64)
    out["in_province"] = (n_placed / out["size"]).round(4) if anywhere else np.nan
    df = pd.DataFrame({"g": firm_c, "k": city})
    counts = df[df["k"] >= 0].groupby(["g", "k"]).size().rename("n").reset_index()
    counts["name"] = names[counts["k"].to_numpy(np.int64)].astype(str)
    counts = counts.sort_values(["g", "n", "name"], ascending=[True, False, True])
    first = counts.drop_duplicates("g").set_index("g")
    second = counts[counts.groupby("g").cumcount() == 1].set_index("g")["n"]
    n1 = first["n"].reindex(ids, fill_value=0)
    n2 = second.reindex(ids, fill_value=0)
    main = (n1 >= label_share * out["size"]) & (n1 > n2) & (n1 > 0)
    out["main_city"] = first["name"].reindex(ids, fill_value="").where(main, "")


def _schemes(A: GraphArrays, ind: np.ndarray, groups: np.ndarray) -> pd.Series:
    """Per group, the classification scheme(s) of the members' industries."""
    scheme = A.values("scheme", dtype="object", fill="")
    known = ind >= 0
    df = pd.DataFrame({"g": groups[known], "s": scheme[ind[known]].astype(str)})
    counts = df.groupby(["g", "s"]).size().rename("n").reset_index()
    counts = counts.sort_values(["g", "n", "s"], ascending=[True, False, True])
    text = counts["s"] + " " + counts["n"].astype(str)
    several = counts.groupby("g")["s"].transform("size") > 1
    text = text.where(several, counts["s"])
    return text.groupby(counts["g"]).agg("; ".join)


def _labels(G: EcosystemGraph, out: pd.DataFrame, ind: np.ndarray, groups: np.ndarray) -> pd.Series:
    """'place · industry': the main city, else the province or 省外为主 (see the docs)."""
    A = arrays(G)
    df = pd.DataFrame({"g": groups, "k": ind})
    counts = df[df["k"] >= 0].groupby(["g", "k"]).size().rename("n").reset_index()
    counts["name"] = A.names[counts["k"].to_numpy(np.int64)].astype(str)
    counts = counts.sort_values(["g", "n", "name"], ascending=[True, False, True])
    top_ind = counts.drop_duplicates("g").set_index("g")["name"].reindex(out.index, fill_value="")
    province = province_name(G) or "多城市"
    share = out["in_province"].fillna(0.0)
    # on a province's graph, a cluster mostly of firms elsewhere says so first: its one
    # member in 郑州 does not make it a 郑州 cluster
    elsewhere = scoped(G) & (share < 0.5)
    place = np.where(
        elsewhere,
        "省外为主",
        np.where(
            out["main_city"] != "",
            out["main_city"],
            np.where(share >= 0.5, province, ""),
        ),
    )
    label = pd.Series(place, index=out.index).astype(str) + " · " + top_ind
    return label.str.strip(" ·")


def _top_shares(
    keys: np.ndarray,
    groups: np.ndarray,
    names: np.ndarray,
    top: int = 3,
    total: pd.Series | None = None,
) -> pd.Series:
    """Per group, the ``top`` most common keys as 'name 62%; ...' (keys < 0 ignored).

    Shares are of the group's rows, or of ``total`` (per group) when given.
    """
    df = pd.DataFrame({"g": groups, "k": keys})
    if total is None:
        total = df.groupby("g").size()
    df = df[df["k"] >= 0]
    counts = df.groupby(["g", "k"]).size().rename("n").reset_index()
    counts["name"] = names[counts["k"].to_numpy(np.int64)]
    counts = counts.sort_values(["g", "n", "name"], ascending=[True, False, True])
    counts = counts[counts.groupby("g").cumcount() < top]
    counts["text"] = (
        counts["name"].astype(str)
        + " "
        + (100 * counts["n"] / counts["g"].map(total)).round().astype(int).astype(str)
        + "%"
    )
    return counts.groupby("g")["text"].agg("; ".join).reindex(total.index, fill_value="")


def _linked_count(
    A: GraphArrays,
    cluster: np.ndarray,
    specs: list[tuple[str, bool, str]],
    year: int | None,
) -> pd.Series:
    """Per cluster, distinct neighbours of ``label`` over (edge type, member is source)."""
    frames = []
    for etype, member_is_src, label in specs:
        src, dst = A.edges(etype, year=year)
        member, other = (src, dst) if member_is_src else (dst, src)
        ok = (cluster[member] >= 0) & A.mask(label)[other]
        frames.append(pd.DataFrame({"c": cluster[member[ok]], "o": other[ok]}))
    df = pd.concat(frames).drop_duplicates()
    return df.groupby("c").size()


def _size_score(A: GraphArrays) -> np.ndarray:
    """Each node's size on a 0-1 scale (see :data:`SIZE_CLASS`); 0 where nothing is known.

    The size class where recorded; else the class its employees, else its revenue
    (10k CNY), would have under the national thresholds for industry; at least the
    proxies' score: listed (0.5) and running a national enterprise technology centre
    (0.5), which on the real data, with no size figures, stand in for size.
    """
    if "size_score" in A.memo:
        return A.memo["size_score"]
    size = A.values("size", dtype="object", fill="")
    by_class = pd.Series(size).map(SIZE_CLASS).to_numpy(dtype=float)
    for name, limits in (("employees", (20, 300, 1000)), ("revenue", (300, 2000, 40000))):
        x = A.values(name)
        step = np.searchsorted(np.asarray(limits, dtype=float), x, side="right") / 3.0
        by_class = np.where(np.isnan(by_class) & ~np.isnan(x), step, by_class)
    listed = A.values("listed", dtype="object", fill=False)
    listed = np.asarray(pd.Series(listed).fillna(False).astype(bool), dtype=bool)
    centre = np.zeros(A.n, dtype=bool)
    kind = A.values("kind", dtype="object", fill="")
    level = A.values("level", dtype="object", fill="")
    national = A.mask("Platform") & (kind == "enterprise_tech_center") & (level == "national")
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
    the products it makes whose position is known.
    """
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


def _member_stats(
    A: GraphArrays,
    res: _Assignment,
    cluster: np.ndarray,
    year: int | None,
    weight: float,
    inferred: Inferred,
    inside_province: np.ndarray | None,
) -> pd.DataFrame:
    """Per enterprise member: purchases, sales, position, size, the 链主 and key suppliers."""
    firms = np.flatnonzero(cluster >= 0)
    n = A.n
    src, dst = A.edges("SUPPLIES", year=year)
    w = _supply_weights(A, year, weight)
    evidence = A.G.edges["SUPPLIES"]["evidence"].to_numpy(dtype=object, na_value="")[
        A.edge_rows("SUPPLIES", year=year)
    ]
    conf = np.where(evidence == "inferred", weight, 1.0)
    keep = src != dst
    src, dst, w, conf = src[keep], dst[keep], w[keep], conf[keep]
    cs, cd = cluster[src], cluster[dst]
    inside = (cs >= 0) & (cs == cd)
    # distinct supplier -> buyer pairs inside, each weighted by its surest link
    pairs = (
        pd.DataFrame({"s": src[inside], "b": dst[inside], "c": conf[inside]})
        .groupby(["s", "b"], sort=False)["c"]
        .max()
        .reset_index()
    )
    ps, pb, pc = (pairs[k].to_numpy() for k in ("s", "b", "c"))
    links_in, links_out = _product_links(A, cluster, year, inferred)
    suppliers = np.bincount(pb, minlength=n) + links_in
    buyers = np.bincount(ps, minlength=n) + links_out
    direct_in = np.bincount(pb, pc, n) + weight * links_in
    direct_out = np.bincount(ps, pc, n) + weight * links_out
    # tier 2: members two supply steps upstream, not also direct suppliers
    D = sp.csr_array((pc, (ps, pb)), shape=(n, n))
    T = (D @ D).tocoo()
    is_direct = np.isin(T.row.astype(np.int64) * n + T.col, ps.astype(np.int64) * n + pb)
    t2 = (T.row != T.col) & ~is_direct
    tier2 = np.bincount(T.col[t2], minlength=n)
    tier2_w = np.bincount(T.col[t2], np.minimum(T.data[t2], 1.0), n)
    purchases = direct_in + TIER2_WEIGHT * tier2_w
    strength = np.bincount(src[inside], w[inside], n) + weight * links_out
    with np.errstate(invalid="ignore", divide="ignore"):
        buy_share = np.where(
            direct_in + direct_out > 0, direct_in / (direct_in + direct_out), np.nan
        )
    signals = np.vstack([buy_share, _product_position(A, year)])
    known = ~np.isnan(signals)
    downstream = np.nansum(signals, axis=0) / np.maximum(known.sum(axis=0), 1)
    size = _size_score(A)
    score = purchases * downstream * (1.0 + size)
    # bridges and links to other clusters (observed and inferred SUPPLIES alike)
    cross = (cs != cd) & ((cs >= 0) | (cd >= 0))
    ext = np.bincount(src[cross & (cs >= 0)], minlength=n) + np.bincount(
        dst[cross & (cd >= 0)], minlength=n
    )
    other = pd.DataFrame(
        {
            "pos": np.concatenate([src[cross], dst[cross]]),
            "other": np.concatenate([cd[cross], cs[cross]]),
        }
    )
    other = other[(other["other"] >= 0) & (cluster[other["pos"].to_numpy()] >= 0)]
    other_clusters = other.drop_duplicates().groupby("pos").size()
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
            "suppliers": np.rint(suppliers[firms]).astype(np.int64),
            "tier2_suppliers": tier2[firms].astype(np.int64),
            "supply_strength": strength[firms].round(6),
            "buyers": np.rint(buyers[firms]).astype(np.int64),
            "downstream": downstream[firms].round(4),
            "size_score": size[firms].round(4),
            "leader_score": score[firms].round(6),
            "external_links": ext[firms].astype(np.int64),
            "other_clusters": other_clusters.reindex(firms, fill_value=0).to_numpy(np.int64),
            "inferred_only": observed_w[loc[firms]] <= 0,
            "revenue": np.nan_to_num(A.values("revenue")[firms], nan=-1.0),
            "employees": np.nan_to_num(A.values("employees")[firms], nan=-1.0),
            "buyer": purchases[firms] > 0,
            "home": here[firms],
        }
    )
    stats["qualifies"] = stats["buyer"] & (stats["downstream"] > DOWNSTREAM_MIN)
    order = stats.sort_values(
        [
            "cluster",
            "qualifies",
            "buyer",
            "home",
            "leader_score",
            "size_score",
            "revenue",
            "employees",
            "pos",
        ],
        ascending=[True, False, False, False, False, False, False, False, True],
    )
    ranked = order[order["buyer"]]
    rank = ranked.groupby("cluster").cumcount()
    stats["leader_rank"] = rank.reindex(stats.index).fillna(-1).astype(np.int64)
    stats["leader"] = stats["leader_rank"] == 0
    sellers = stats[(stats["supply_strength"] > 0) & ~stats["leader"]].sort_values(
        ["cluster", "supply_strength", "buyers", "size_score", "pos"],
        ascending=[True, False, False, False, True],
    )
    key_rank = sellers.groupby("cluster").cumcount()
    stats["key_rank"] = key_rank.reindex(stats.index).fillna(-1).astype(np.int64)
    stats["key_supplier"] = (stats["key_rank"] >= 0) & (stats["key_rank"] < KEY_SUPPLIERS)
    return stats


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


def _filter_clusters(
    G: EcosystemGraph, cluster: np.ndarray, city: str | None, industry: str | None
) -> np.ndarray | None:
    """Cluster ids with a member in ``city`` and ``industry`` (None: no filter)."""
    if city is None and industry is None:
        return None
    A = arrays(G)
    ok = (
        (cluster >= 0)
        & A.in_city(resolve_city(G, city))
        & A.in_industries(resolve_industries(G, industry))
    )
    return np.unique(cluster[ok])


def supply_clusters(
    G: EcosystemGraph,
    *,
    seed: int = 2016,
    resolution: float = 1.0,
    inferred: Inferred = "auto",
    inferred_weight: float = 0.3,
    min_size: int = 3,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
    previous: pd.DataFrame | Mapping[str, int] | None = None,
    match: float = 0.3,
    label_share: float = LABEL_CITY_SHARE,
) -> pd.DataFrame:
    """Communities of the supply network, one profiled row per cluster.

    Parameters
    ----------
    G : EcosystemGraph
    seed : int
        Seed of the Leiden algorithm's random generator.
    resolution : float
        Modularity resolution: above 1 gives more, smaller clusters.
    inferred : {"auto", "all", "none"}
        Links through products (PRODUCES, UPSTREAM_OF): for firms without any SUPPLIES
        edge (``auto``), for every firm (``all``) or never (``none``).
    inferred_weight : float
        Weight of an inferred link relative to an observed one of weight 1.
    min_size : int
        Communities with fewer enterprises are not reported (their members have no
        cluster).
    year : int, optional
        As of this year: only nodes and edges that existed then.
    city, industry : str, optional
        Keep clusters with at least one member in this city (name, code or region id) /
        industry (id, code or name; narrower classes included).
    previous : DataFrame or mapping, optional
        An earlier result's members (columns ``id`` and ``cluster``, e.g. from
        :func:`cluster_members`) or a mapping id -> cluster: matched clusters keep their
        ids, new ones get ids above the old maximum.
    match : float
        Minimum Jaccard overlap for a new cluster to inherit an old id.
    label_share : float
        Least share of the members a city must hold to name the cluster
        (:data:`LABEL_CITY_SHARE`).

    Returns
    -------
    pandas.DataFrame
        One row per cluster, largest first:

        - ``cluster`` (int): the cluster's id.
        - ``label`` (str): where and what, e.g. ``郑州市 · 汽车制造业``.  The place is
          ``省外为主`` when most members are firms of other provinces (on a scoped
          graph); otherwise the ``main_city`` when there is one, the province's name
          (mostly in the province but in no one city), or nothing (no member placed).  The industry
          is the most common of the members' (see ``industries``).
        - ``size`` (int): member enterprises.
        - ``leader`` (str), ``leader_name`` (str): the chain leader (链主), the lead
          downstream maker (see "The chain leader" in the module's documentation);
          empty when no member buys from another.
        - ``leader_score`` (float): its score (0 without a leader).
        - ``leader_in_province`` (bool): the leader is in the province (scoped graph) or
          placed in the graph's regions (otherwise); False without a leader.
        - ``leader_city`` (str): its city; ``省外`` for a firm of another province on a
          scoped graph; empty when unknown.
        - ``leader_basis`` (str): why, in words: members it buys from (tier 2 apart),
          its downstream position and size, and a note when it is not a downstream
          buyer or is out of the province.
        - ``runner_up`` (str), ``runner_up_name`` (str): the next buyer by the same order.
        - ``key_suppliers`` (str): the key suppliers (核心供应商): up to
          ``KEY_SUPPLIERS`` (3) members other than the leader with the highest
          ``supply_strength`` (what they sell inside), names separated by ``; ``.
        - ``cities`` (str): the three cities with most members, with their counts, then
          the rest by kind: ``郑州市 12; 开封市 3; 其他城市 2; 城市不详 1; 省外 40``
          (``城市不详``: placed in the province but not in a city; ``省外``: firms of
          other provinces on a scoped graph, see :func:`scoped`; ``地点不详`` instead
          on a graph without a scope).
        - ``province_firms`` (int): members located in the graph's regions;
          ``in_province`` (float): their share of the members, 0 to 1 (NaN when no
          enterprise of the graph has a place).
        - ``main_city`` (str): the city that holds at least ``label_share`` of the
          members and more than any other city; empty when none does.
        - ``industries`` (str), ``products`` (str): the three most common among
          members, with the share of members in (making) each (``汽车制造业 62%``).
          Industries are GB/T 4754 classes where a member has one, its first-listed
          industry (e.g. Shenwan 2021) otherwise (:func:`preferred_industry`).
        - ``industry_scheme`` (str): the classification those industries come from
          (``GB/T 4754-2017``; with counts when members mix schemes).
        - ``single_sourced`` (int): inputs of members that come from a single supplier
          (see :func:`single_sourced_inputs`).
        - ``bridging_firms`` (int): members with at least two supply links to other
          clusters; ``bridges`` (str): up to three of them, most links first.
        - ``institutes``, ``alliances``, ``funds``, ``platforms`` (int): distinct research
          institutes working with members (COLLABORATES_WITH), alliances they belong to
          (MEMBER_OF), funds investing in or set up by them (INVESTS_IN, ESTABLISHED),
          platforms they set up or operate (ESTABLISHED, OPERATES).
        - ``modularity`` (float): the cluster's term of the network's modularity (the
          terms of all communities add up to the modularity).
        - ``inferred_share`` (float): share of the link weight inside the cluster that
          is inferred (product links, inferred SUPPLIES), 0 to 1.

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": i, "name": i} for i in ("a", "b", "c")]},
    ...     {"SUPPLIES": [("a", "b"), ("b", "c")]},
    ... )
    >>> row = supply_clusters(G).iloc[0]
    >>> int(row["size"]), row["leader"], row["key_suppliers"], int(row["single_sourced"])
    (3, 'c', 'a; b', 2)
    """
    A = arrays(G)
    res = _assign(
        G,
        seed=seed,
        resolution=resolution,
        inferred=inferred,
        inferred_weight=inferred_weight,
        min_size=min_size,
        year=year,
    )
    cluster = res.cluster
    if previous is not None:
        cluster = _match_previous(A, cluster, previous, match)
    inside = province_members(G)
    stats = _member_stats(A, res, cluster, year, inferred_weight, inferred, inside)
    ids = np.unique(stats["cluster"].to_numpy())
    firm_c = stats["cluster"].to_numpy()
    firm_pos = stats["pos"].to_numpy()
    names = A.names
    out = pd.DataFrame(index=pd.Index(ids, name="cluster"))
    out["size"] = stats.groupby("cluster").size()
    _profile_leaders(G, out, stats)
    _profile_places(G, out, firm_pos, firm_c, label_share)
    ind = preferred_industry(G)
    out["industries"] = _top_shares(ind[firm_pos], firm_c, names)
    out["industry_scheme"] = _schemes(A, ind[firm_pos], firm_c).reindex(ids, fill_value="")
    p_src, p_dst = A.edges("PRODUCES", year=year)
    in_c = cluster[p_src] >= 0
    made = pd.DataFrame({"f": p_src[in_c], "p": p_dst[in_c]}).drop_duplicates()
    out["products"] = _top_shares(
        made["p"].to_numpy(), cluster[made["f"].to_numpy()], names, total=out["size"]
    ).reindex(ids, fill_value="")
    out.insert(0, "label", _labels(G, out, ind[firm_pos], firm_c))
    single = single_sourced_inputs(G, year=year)
    buyer_c = cluster[A.index(single["buyer"].to_numpy())]
    out["single_sourced"] = pd.Series(buyer_c[buyer_c >= 0]).value_counts()
    bridges = stats[stats["external_links"] >= BRIDGE_LINKS].sort_values(
        ["cluster", "external_links", "pos"], ascending=[True, False, True]
    )
    out["bridging_firms"] = bridges.groupby("cluster").size()
    top = bridges[bridges.groupby("cluster").cumcount() < 3]
    out["bridges"] = (
        (
            pd.Series(names[top["pos"].to_numpy()], index=top.index).astype(str)
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
    keep = _filter_clusters(G, cluster, city, industry)
    if keep is not None:
        out = out[out.index.isin(keep)]
    out = out.reset_index().sort_values(["size", "cluster"], ascending=[False, True])
    return _typed(out.reset_index(drop=True))


def _profile_leaders(G: EcosystemGraph, out: pd.DataFrame, stats: pd.DataFrame) -> None:
    """Add the 链主, why, the runner-up and the key suppliers to ``out`` (by cluster)."""
    A = arrays(G)
    ids = out.index
    names = A.names
    inside = province_members(G)
    here = inside if inside is not None else placed(G)
    lead = stats[stats["leader"]].set_index("cluster").reindex(ids)
    pos = lead["pos"].fillna(-1).to_numpy(np.int64)
    has = pos >= 0
    at = np.maximum(pos, 0)
    out["leader"] = np.where(has, A.ids[at].astype(str), "")
    out["leader_name"] = np.where(has, names[at], "")
    out["leader_score"] = lead["leader_score"].fillna(0.0).to_numpy(float)
    out["leader_in_province"] = has & here[at]
    city = A.city()[at]
    outside = "省外" if inside is not None else ""
    out["leader_city"] = np.where(
        ~has,
        "",
        np.where(city >= 0, names[np.maximum(city, 0)], np.where(here[at], "", outside)),
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
    out["leader_basis"] = np.where(has, basis, "成员间无采购关系，无法认定链主")
    second = stats[stats["leader_rank"] == 1].set_index("cluster")["pos"].reindex(ids)
    p2 = second.fillna(-1).to_numpy(np.int64)
    out["runner_up"] = np.where(p2 >= 0, A.ids[np.maximum(p2, 0)].astype(str), "")
    out["runner_up_name"] = np.where(p2 >= 0, names[np.maximum(p2, 0)], "")
    key = stats[stats["key_supplier"]].sort_values(["cluster", "key_rank"])
    out["key_suppliers"] = (
        pd.Series(names[key["pos"].to_numpy()], index=key["cluster"].to_numpy())
        .astype(str)
        .groupby(level=0)
        .agg("; ".join)
        .reindex(ids, fill_value="")
    )


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    types = {}
    for col in df.columns:
        if pd.api.types.is_integer_dtype(df[col].dtype):
            types[col] = "int64"
        elif pd.api.types.is_float_dtype(df[col].dtype):
            types[col] = "float64"
        elif pd.api.types.is_bool_dtype(df[col].dtype):
            types[col] = "bool"
        else:
            types[col] = "string"
    return df.astype(types)


def cluster_members(
    G: EcosystemGraph,
    cluster: int | None = None,
    *,
    seed: int = 2016,
    resolution: float = 1.0,
    inferred: Inferred = "auto",
    inferred_weight: float = 0.3,
    min_size: int = 3,
    year: int | None = None,
    previous: pd.DataFrame | Mapping[str, int] | None = None,
    match: float = 0.3,
) -> pd.DataFrame:
    """The member enterprises of one cluster (or of all) with their roles.

    Parameters
    ----------
    G : EcosystemGraph
    cluster : int, optional
        A cluster id from :func:`supply_clusters`; None lists the members of every
        cluster (save it to pass as ``previous`` after a rebuild).
    seed, resolution, inferred, inferred_weight, min_size, year, previous, match
        As for :func:`supply_clusters` (use the same values to get the same clusters).

    Returns
    -------
    pandas.DataFrame
        One row per member, by cluster: the chain leader first, then the key suppliers
        (by ``supply_strength``), then the rest by decreasing ``leader_score``:

        - ``cluster`` (int), ``id`` (str), ``name`` (str).
        - ``role`` (str): ``chain_leader`` (链主, see the module's documentation),
          ``key_supplier`` (核心供应商, see ``key_suppliers`` in
          :func:`supply_clusters`), ``bridge`` (at least two supply links to other
          clusters), ``product_linked`` (in the cluster through product links only,
          inferred), ``intermediary`` (buys and sells inside), ``supplier`` (sells
          inside only) or ``buyer`` (buys inside only); ``role_zh`` (str) in Chinese.
        - ``city`` (str), ``industry`` (str): names, empty where unknown; the industry
          is the GB/T 4754 class where the firm has one (see :func:`preferred_industry`).
        - ``size`` (str): the enterprise's size class.
        - ``in_province`` (bool): located in a Region of the graph (see :func:`placed`;
          on a scoped graph, False means a firm of another province).
        - ``leader_score`` (float): ``purchases * downstream * (1 + size_score)``.
        - ``purchases`` (float): its suppliers among the members, weighted (direct 1 or
          ``inferred_weight``, tier 2 half).
        - ``suppliers`` (int): members it buys from directly (SUPPLIES), plus its
          (input, member making it) links through products; ``tier2_suppliers`` (int):
          members two supply steps upstream that are not direct suppliers.
        - ``downstream`` (float): its position, 0 (sells only, raw products) to 1 (buys
          only, final products).
        - ``size_score`` (float): 0 to 1 (size class, employees, revenue, listed and a
          national technology centre as proxies).
        - ``supply_strength`` (float): the weight of what it sells inside the cluster
          (SUPPLIES weights, inferred ones times ``inferred_weight``, plus its buyer
          links through products times ``inferred_weight``).
        - ``buyers`` (int): members it sells to directly, plus its links through products.
        - ``external_links`` (int): its supply edges to members of other clusters;
          ``other_clusters`` (int): how many other clusters they reach.

    Raises
    ------
    QueryError
        When ``cluster`` is not a cluster id.

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": i, "name": i} for i in ("a", "b", "c")]},
    ...     {"SUPPLIES": [("a", "b"), ("b", "c")]},
    ... )
    >>> members = cluster_members(G, 1)
    >>> list(zip(members["id"], members["role"]))
    [('c', 'chain_leader'), ('a', 'key_supplier'), ('b', 'key_supplier')]
    """
    A = arrays(G)
    res = _assign(
        G,
        seed=seed,
        resolution=resolution,
        inferred=inferred,
        inferred_weight=inferred_weight,
        min_size=min_size,
        year=year,
    )
    labels = res.cluster if previous is None else _match_previous(A, res.cluster, previous, match)
    stats = _member_stats(A, res, labels, year, inferred_weight, inferred, province_members(G))
    if cluster is not None:
        known = np.unique(stats["cluster"].to_numpy())
        if not len(known):
            raise QueryError(f"no cluster {cluster}: {no_clusters_reason(min_size)}")
        if cluster not in known:
            shown = ", ".join(map(str, known[:20])) + (" ..." if len(known) > 20 else "")
            raise QueryError(
                f"no cluster {cluster}; `innokg clusters PACKAGE` lists them (ids: {shown})"
            )
        stats = stats[stats["cluster"] == cluster]
    role = _role(stats)
    stats = stats.assign(
        role=role,
        order=~stats["leader"],
        key_order=np.where(stats["key_supplier"], stats["key_rank"], KEY_SUPPLIERS),
    ).sort_values(
        ["cluster", "order", "key_order", "leader_score", "pos"],
        ascending=[True, True, True, False, True],
    )
    pos = stats["pos"].to_numpy()
    names = A.names
    city, ind = A.city()[pos], preferred_industry(G)[pos]
    size = A.values("size", dtype="object", fill="")
    out = pd.DataFrame(
        {
            "cluster": stats["cluster"].to_numpy(),
            "id": A.ids[pos].astype(str),
            "name": names[pos],
            "role": stats["role"].to_numpy(),
            "role_zh": stats["role"].map(lambda r: ROLES[r][0]).to_numpy(),
            "city": np.where(city >= 0, names[np.maximum(city, 0)], ""),
            "industry": np.where(ind >= 0, names[np.maximum(ind, 0)], ""),
            "size": size[pos],
            "in_province": _province_or_placed(G)[pos],
            "leader_score": stats["leader_score"].to_numpy(),
            "purchases": stats["purchases"].to_numpy(),
            "suppliers": stats["suppliers"].to_numpy(),
            "tier2_suppliers": stats["tier2_suppliers"].to_numpy(),
            "downstream": stats["downstream"].to_numpy(),
            "size_score": stats["size_score"].to_numpy(),
            "supply_strength": stats["supply_strength"].to_numpy(),
            "buyers": stats["buyers"].to_numpy(),
            "external_links": stats["external_links"].to_numpy(),
            "other_clusters": stats["other_clusters"].to_numpy(),
        }
    )
    return _typed(out.reset_index(drop=True))
