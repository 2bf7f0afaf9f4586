"""The two public tables: one profile row per cluster, and one row per member."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import (
    GraphArrays,
    arrays,
    resolve_city,
    resolve_industries,
)
from innokg.queries.clusters.detection import (
    _assign,
    _match_previous,
    cluster_labels,
    no_clusters_reason,
)
from innokg.queries.clusters.leaders import (
    KEY_SUPPLIERS,
    ROLES,
    _member_stats,
    _role,
)
from innokg.queries.clusters.network import Inferred, _Assignment
from innokg.queries.clusters.profile import LABEL_CITY_SHARE
from innokg.queries.clusters.profiles import _profile, cluster_profiles
from innokg.queries.clusters.scope import _province_or_placed, preferred_industry, province_members
from innokg.queries.sets import distinct

__all__ = ["cluster_members", "supply_clusters"]


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
    return distinct(cluster[ok])


def _clustered(
    G: EcosystemGraph,
    seed: int,
    resolution: float,
    inferred: Inferred,
    inferred_weight: float,
    min_size: int,
    year: int | None,
    previous: pd.DataFrame | Mapping[str, int] | None,
    match: float,
    split: bool,
) -> tuple[GraphArrays, _Assignment, np.ndarray, pd.DataFrame]:
    """The clusters (ids matched to ``previous`` when given) and their members' stats:
    what both public tables start from (their parameters)."""
    A = arrays(G)
    year = A.as_of(year)
    key = ("clustered", seed, resolution, inferred, inferred_weight, min_size, year, split)
    if previous is None and key in A.memo:  # both public tables and the gaps start here
        memo: tuple[GraphArrays, _Assignment, np.ndarray, pd.DataFrame] = A.memo[key]
        return memo
    res = _assign(
        G,
        seed=seed,
        resolution=resolution,
        inferred=inferred,
        inferred_weight=inferred_weight,
        min_size=min_size,
        year=year,
        split=split,
    )
    cluster = res.cluster if previous is None else _match_previous(A, res.cluster, previous, match)
    stats = _member_stats(A, res, cluster, year, inferred_weight, inferred, province_members(G))
    if previous is None:
        A.memo[key] = (A, res, cluster, stats)
    return A, res, cluster, stats


def _kept(
    G: EcosystemGraph,
    out: pd.DataFrame,
    cluster: np.ndarray,
    city: str | None,
    industry: str | None,
) -> pd.DataFrame:
    """The profiles ``out`` of the clusters with a member in ``city`` / ``industry``,
    largest first."""
    keep = _filter_clusters(G, cluster, city, industry)
    if keep is not None:
        out = out[out.index.isin(keep)]
    out = out.reset_index().sort_values(["size", "cluster"], ascending=[False, True])
    return out.reset_index(drop=True)


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
    split: bool = True,
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
        Communities with fewer enterprises are not reported (nor clustered).
    year : int, optional
        As of this year: only nodes and edges that existed then.
    city, industry : str, optional
        Keep clusters with a member in this city (name, code or region id) / industry
        (id, code or name; narrower classes included).
    previous : DataFrame or mapping, optional
        An earlier result's members (columns ``id`` and ``cluster``, e.g. from
        :func:`cluster_members`) or a mapping id -> cluster: matched clusters keep their
        ids, new ones get ids above the old maximum.
    match : float
        Minimum Jaccard overlap for a new cluster to inherit an old id.
    label_share : float
        Least share of members a city must hold to name the cluster (0.25).
    split : bool
        Cut a community that is two chains joined by one link (see the package's
        documentation); False keeps Leiden's communities.

    Returns
    -------
    pandas.DataFrame
        One row per cluster, largest first:

        - ``cluster`` (int): the cluster's id.
        - ``label`` (str): where and what, e.g. ``郑州市 · 汽车制造业``.  The place is
          ``省外为主`` when most members are of other provinces (scoped graph); else the
          ``main_city``, the province (mostly in it, in no one city) or nothing.  Then
          the most common industry, or ``混合：A + B 等n个行业`` when no industry of
          two or more is a main one (``main_industries``).
        - ``size`` (int): member enterprises.
        - ``leader`` (str), ``leader_name`` (str): the chain leader (链主), the lead
          downstream maker on the main chain (see the package's documentation); empty
          when no member buys from another, none on the main chain does, or it is mixed.
        - ``leader_score`` (float): its score (0 without a leader).
        - ``leader_in_province`` (bool): the leader is in the province (scoped graph) or
          placed in the graph's regions (otherwise); False without a leader.
        - ``leader_city`` (str): its city; ``省外`` for a firm of another province on a
          scoped graph; empty when unknown.
        - ``leader_basis`` (str): why, in words: members it buys from (tier 2 apart),
          position, size, notes (not downstream, out of the province, one passed over).
        - ``runner_up`` (str), ``runner_up_name`` (str): the next buyer by the same order.
        - ``key_suppliers`` (str): the key suppliers (核心供应商): up to three members
          but the leader selling most inside (``supply_strength``), ``; `` between.
        - ``cities`` (str): the three cities with most members, then the rest by kind:
          ``郑州市 12; 开封市 3; 其他城市 2; 城市不详 1; 省外 40`` (``城市不详``: in the
          province, no city; ``省外``: other provinces on a scoped graph, see
          :func:`scoped`; ``地点不详`` without a scope).
        - ``province_firms`` (int): members placed in the graph's regions;
          ``in_province`` (float): their share, 0 to 1 (NaN when no firm is placed).
        - ``main_city`` (str): the city that holds at least ``label_share`` of the
          members and more than any other city; empty when none does.
        - ``industries`` (str), ``products`` (str): the three most common among
          members, with the share of members in (making) each (``汽车制造业 62%``).
          Industries are GB/T 4754 classes where a member has one, its first-listed
          industry (e.g. Shenwan 2021) otherwise (:func:`preferred_industry`).
        - ``industry_scheme`` (str): the classification those industries come from
          (``GB/T 4754-2017``; with counts when members mix schemes).
        - ``main_industries`` (str): industries of two or more members and at least
          ``MAIN_SHARE`` (a fifth) of them, ``; `` between; empty when none is.
        - ``single_sourced`` (int): members' inputs from one supplier only
          (:func:`single_sourced_inputs`).
        - ``bridging_firms`` (int): members with at least two supply links to other
          clusters; ``bridges`` (str): up to three of them, most links first.
        - ``institutes``, ``alliances``, ``funds``, ``platforms`` (int): distinct research
          institutes working with members (COLLABORATES_WITH), alliances they belong to
          (MEMBER_OF), funds investing in or set up by them (INVESTS_IN, ESTABLISHED),
          platforms they set up or operate (ESTABLISHED, OPERATES).
        - ``modularity`` (float): the cluster's term of the network's modularity.
        - ``inferred_share`` (float): share of the link weight inside the cluster that
          is inferred (product links, inferred SUPPLIES), 0 to 1.
        - ``split_with`` (str), ``split_link`` (str): for a cluster cut from a community
          with others, their ids and the link cut (``甲 — 乙``); empty otherwise.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": i, "name": i} for i in ("a", "b", "c")]},
    ...     {"SUPPLIES": [("a", "b"), ("b", "c")]},
    ... )
    >>> row = supply_clusters(G).iloc[0]
    >>> int(row["size"]), row["leader"], row["key_suppliers"], int(row["single_sourced"])
    (3, 'c', 'a; b', 2)
    """
    options = (seed, resolution, inferred, inferred_weight, min_size, year, split)
    if previous is None:
        out = cluster_profiles(
            G, options, label_share, lambda: _clustered(G, *options[:-1], None, match, split)
        )
        cluster = cluster_labels(
            G,
            seed=seed,
            resolution=resolution,
            inferred=inferred,
            inferred_weight=inferred_weight,
            min_size=min_size,
            year=year,
            split=split,
        )
    else:
        A, res, cluster, stats = _clustered(
            G, seed, resolution, inferred, inferred_weight, min_size, year, previous, match, split
        )
        # the year as the memo keys it (what was computed beside Leiden is found)
        out = _profile(G, A, res, cluster, stats, A.as_of(year), label_share)
    return _typed(_kept(G, out, cluster, city, industry))


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


def _only(stats: pd.DataFrame, cluster: int, min_size: int) -> pd.DataFrame:
    """The members of ``cluster`` in ``stats``; a clear error when there is no such cluster."""
    known = distinct(stats["cluster"].to_numpy())
    if not len(known):
        raise QueryError(f"no cluster {cluster}: {no_clusters_reason(min_size)}")
    if cluster not in known:
        shown = ", ".join(map(str, known[:20])) + (" ..." if len(known) > 20 else "")
        raise QueryError(
            f"no cluster {cluster}; `innokg clusters PACKAGE` lists them (ids: {shown})"
        )
    return stats[stats["cluster"] == cluster]


def _member_rows(G: EcosystemGraph, A: GraphArrays, stats: pd.DataFrame) -> pd.DataFrame:
    """One row per member of ``stats`` (ordered), with its place, industry and standing."""
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
            "role_zh": stats["role"].map({k: zh for k, (zh, _) in ROLES.items()}).to_numpy(),
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
    return out


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
    split: bool = True,
) -> pd.DataFrame:
    """The member enterprises of one cluster (or of all) with their roles.

    Parameters
    ----------
    G : EcosystemGraph
    cluster : int, optional
        A cluster id from :func:`supply_clusters`; None lists the members of every
        cluster (save it to pass as ``previous`` after a rebuild).
    seed, resolution, inferred, inferred_weight, min_size, year, previous, match, split
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
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": i, "name": i} for i in ("a", "b", "c")]},
    ...     {"SUPPLIES": [("a", "b"), ("b", "c")]},
    ... )
    >>> members = cluster_members(G, 1)
    >>> list(zip(members["id"], members["role"]))
    [('c', 'chain_leader'), ('a', 'key_supplier'), ('b', 'key_supplier')]
    """
    A, _, _, stats = _clustered(
        G, seed, resolution, inferred, inferred_weight, min_size, year, previous, match, split
    )
    if cluster is not None:
        stats = _only(stats, cluster, min_size)
    role = _role(stats)
    stats = stats.assign(
        role=role,
        order=~stats["leader"],
        key_order=np.where(stats["key_supplier"], stats["key_rank"], KEY_SUPPLIERS),
    ).sort_values(
        ["cluster", "order", "key_order", "leader_score", "pos"],
        ascending=[True, True, True, False, True],
    )
    out = _member_rows(G, A, stats)
    return _typed(out.reset_index(drop=True))
