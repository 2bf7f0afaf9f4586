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
>>> supply_clusters(G)[["cluster", "size", "leader"]].to_dict("records")
[{'cluster': 1, 'size': 3, 'leader': 'e0'}, {'cluster': 2, 'size': 3, 'leader': 'e3'}]
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
    "supplier": ("供应商", "supplier"),
    "buyer": ("采购商", "buyer"),
    "product_linked": ("产品关联（推断）", "linked through products only (inferred)"),
}

#: A member with at least this many supply links to other clusters is a bridging firm.
BRIDGE_LINKS = 2

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
    inside = province_members(G)
    here = (inside if inside is not None else placed(G))[firm_pos]
    ids = out.index
    out["cities"] = _city_counts(city, here, firm_c, names, is_scoped=scoped(G)).reindex(ids)
    n_placed = pd.Series(here.astype(np.int64)).groupby(firm_c).sum().reindex(ids, fill_value=0)
    anywhere = bool((inside if inside is not None else placed(G))[A.mask("Enterprise")].any())
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
    place = np.where(
        out["main_city"] != "",
        out["main_city"],
        np.where(
            scoped(G) & (share < 0.5),
            "省外为主",
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


def _member_stats(
    A: GraphArrays, res: _Assignment, cluster: np.ndarray, year: int | None, weight: float
) -> pd.DataFrame:
    """Per enterprise member: supply strength, reach, in/out links, external links."""
    firms = np.flatnonzero(cluster >= 0)
    src, dst = A.edges("SUPPLIES", year=year)
    w = _supply_weights(A, year, weight)
    keep = src != dst
    src, dst, w = src[keep], dst[keep], w[keep]
    cs, cd = cluster[src], cluster[dst]
    inside = (cs >= 0) & (cs == cd)
    n = A.n
    strength = np.bincount(src[inside], w[inside], n) + np.bincount(dst[inside], w[inside], n)
    buyers = np.bincount(src[inside], minlength=n)
    suppliers = np.bincount(dst[inside], minlength=n)
    D = sp.csr_array((np.ones(inside.sum()), (src[inside], dst[inside])), shape=(n, n))
    D.sum_duplicates()
    D.data[:] = 1.0
    R = (D + D @ D).tocoo()
    off = R.row != R.col
    reach = np.bincount(R.row[off], minlength=n)
    cross = (cs != cd) & ((cs >= 0) | (cd >= 0))
    ext = np.bincount(src[cross & (cs >= 0)], minlength=n) + np.bincount(
        dst[cross & (cd >= 0)], minlength=n
    )
    pairs = pd.DataFrame(
        {
            "pos": np.concatenate([src[cross], dst[cross]]),
            "other": np.concatenate([cd[cross], cs[cross]]),
        }
    )
    pairs = pairs[(pairs["other"] >= 0) & (cluster[pairs["pos"].to_numpy()] >= 0)]
    other_clusters = pairs.drop_duplicates().groupby("pos").size()
    net = res.network
    loc = np.full(n, -1, dtype=np.int64)
    loc[net.vertices] = np.arange(len(net.vertices))
    observed_w = np.bincount(net.u, net.weight - net.inferred, len(net.vertices)) + np.bincount(
        net.v, net.weight - net.inferred, len(net.vertices)
    )
    revenue = A.values("revenue")
    stats = pd.DataFrame(
        {
            "pos": firms,
            "cluster": cluster[firms],
            "supply_strength": strength[firms].round(6),
            "downstream_reach": reach[firms].astype(np.int64),
            "suppliers": suppliers[firms].astype(np.int64),
            "buyers": buyers[firms].astype(np.int64),
            "external_links": ext[firms].astype(np.int64),
            "other_clusters": other_clusters.reindex(firms, fill_value=0).to_numpy(np.int64),
            "inferred_only": observed_w[loc[firms]] <= 0,
            "revenue": np.nan_to_num(revenue[firms], nan=-1.0),
        }
    )
    stats["leader_score"] = (stats["supply_strength"] + stats["downstream_reach"]).round(6)
    order = stats.sort_values(
        ["cluster", "leader_score", "revenue", "pos"], ascending=[True, False, False, True]
    )
    leader = order.drop_duplicates("cluster").set_index("cluster")["pos"]
    stats["leader"] = stats["pos"].to_numpy() == stats["cluster"].map(leader).to_numpy()
    return stats


def _role(stats: pd.DataFrame) -> np.ndarray:
    return np.select(
        [
            stats["leader"],
            stats["external_links"] >= BRIDGE_LINKS,
            stats["inferred_only"],
            (stats["suppliers"] > 0) & (stats["buyers"] > 0),
            stats["buyers"] > 0,
            stats["suppliers"] > 0,
        ],
        ["chain_leader", "bridge", "product_linked", "intermediary", "supplier", "buyer"],
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
          the ``main_city`` when there is one; otherwise ``省外为主`` (mostly firms of
          other provinces, on a scoped graph), the province's name (mostly in the
          province but in no one city), or nothing (no member placed).  The industry
          is the most common of the members' (see ``industries``).
        - ``size`` (int): member enterprises.
        - ``leader`` (str), ``leader_name`` (str): the chain leader (链主), the member with
          the highest ``leader_score`` (supply weight inside the cluster plus downstream
          reach; ties: higher revenue, then id; see :func:`cluster_members`).
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
    >>> int(row["size"]), row["leader"], int(row["single_sourced"])
    (3, 'a', 2)
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
    stats = _member_stats(A, res, cluster, year, inferred_weight)
    ids = np.unique(stats["cluster"].to_numpy())
    firm_c = stats["cluster"].to_numpy()
    firm_pos = stats["pos"].to_numpy()
    names = A.names
    out = pd.DataFrame(index=pd.Index(ids, name="cluster"))
    out["size"] = stats.groupby("cluster").size()
    leader = stats[stats["leader"]].set_index("cluster")["pos"]
    out["leader"] = A.ids[leader.reindex(ids).to_numpy()].astype(str)
    out["leader_name"] = names[leader.reindex(ids).to_numpy()]
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
        One row per member, by cluster, then chain leader first and by decreasing
        ``leader_score``:

        - ``cluster`` (int), ``id`` (str), ``name`` (str).
        - ``role`` (str): ``chain_leader`` (链主), ``bridge`` (at least two supply links
          to other clusters), ``product_linked`` (in the cluster through product links
          only, inferred), ``intermediary`` (buys and sells inside), ``supplier``
          (sells inside only) or ``buyer`` (buys inside only); ``role_zh`` (str) in
          Chinese.
        - ``city`` (str), ``industry`` (str): names, empty where unknown; the industry
          is the GB/T 4754 class where the firm has one (see :func:`preferred_industry`).
        - ``size`` (str): the enterprise's size class.
        - ``in_province`` (bool): located in a Region of the graph (see :func:`placed`;
          on a scoped graph, False means a firm of another province).
        - ``supply_strength`` (float): total weight of its SUPPLIES edges inside the
          cluster, bought and sold.
        - ``downstream_reach`` (int): members it reaches downstream in one or two supply
          steps inside the cluster.
        - ``leader_score`` (float): ``supply_strength + downstream_reach``.
        - ``suppliers``, ``buyers`` (int): its supply edges inside the cluster, in / out.
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
    [('a', 'chain_leader'), ('b', 'intermediary'), ('c', 'buyer')]
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
    stats = _member_stats(A, res, labels, year, inferred_weight)
    if cluster is not None:
        known = np.unique(stats["cluster"].to_numpy())
        if cluster not in known:
            shown = ", ".join(map(str, known[:20])) + (" ..." if len(known) > 20 else "")
            raise QueryError(
                f"no cluster {cluster}; `innokg clusters PACKAGE` lists them (ids: {shown})"
            )
        stats = stats[stats["cluster"] == cluster]
    role = _role(stats)
    stats = stats.assign(role=role, order=~stats["leader"]).sort_values(
        ["cluster", "order", "leader_score", "pos"], ascending=[True, True, False, True]
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
            "in_province": (province_members(G) if province_members(G) is not None else placed(G))[
                pos
            ],
            "supply_strength": stats["supply_strength"].to_numpy(),
            "downstream_reach": stats["downstream_reach"].to_numpy(),
            "leader_score": stats["leader_score"].to_numpy(),
            "suppliers": stats["suppliers"].to_numpy(),
            "buyers": stats["buyers"].to_numpy(),
            "external_links": stats["external_links"].to_numpy(),
            "other_clusters": stats["other_clusters"].to_numpy(),
        }
    )
    return _typed(out.reset_index(drop=True))
