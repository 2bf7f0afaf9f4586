"""A cluster's main industries, and which of its buyers are on the chain they make up
(see "Main industries and mixed clusters" in the package's documentation)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from innokg.queries.arrays import GraphArrays
from innokg.queries.clusters.network import Inferred
from innokg.queries.clusters.scope import preferred_industry
from innokg.queries.sets import distinct, find_sorted

__all__ = ["MAIN_SHARE"]

#: An industry is a main industry of a cluster when at least two of its members, and at
#: least this share of them, are in it; a cluster with none (where some industry holds
#: two members) is mixed.
MAIN_SHARE = 0.2


def _industry_counts(ind: np.ndarray, groups: np.ndarray) -> pd.DataFrame:
    """Members ``n`` per (group ``g``, known industry ``k``), with the group's size
    ``size`` (members with an unknown industry included), by group then industry.

    One sort of each pair as an integer, not pandas' group-by on two columns (the main
    chain's test took 18 s at ten million nodes, most of it here and in the look-ups).
    """
    groups = np.asarray(groups, dtype=np.int64)
    known = ind >= 0
    g, k = groups[known], np.asarray(ind, dtype=np.int64)[known]
    width = int(k.max()) + 1 if len(k) else 1
    key = np.sort(g * width + k)
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else key
    ug, every = _group_sizes(groups)
    pair_g = key[starts] // width
    return pd.DataFrame(
        {
            "g": pair_g,
            "k": key[starts] % width,
            "n": np.diff(np.r_[starts, len(key)]),
            "size": every[np.searchsorted(ug, pair_g)] if len(ug) else pair_g,
        }
    )


def _group_sizes(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct groups, sorted, and the members of each."""
    s = np.sort(groups)
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]]) if len(s) else s
    return s[starts], np.diff(np.r_[starts, len(s)])


def _is_main(counts: pd.DataFrame) -> np.ndarray:
    """Which rows of :func:`_industry_counts` are main industries of their group."""
    n = counts["n"].to_numpy()
    return np.asarray((n >= 2) & (n >= MAIN_SHARE * counts["size"].to_numpy()))


def _main_industries(
    name_of: Callable[[np.ndarray], np.ndarray], ind: np.ndarray, groups: np.ndarray
) -> pd.DataFrame:
    """Per group of members (``groups``, their industries ``ind``): its main industries,
    the industries of at least two members holding :data:`MAIN_SHARE` of the group.

    Returns one row per (``g``, ``k``) kept, with ``n`` members, the group's ``size``
    and the industry's ``name``, most members first (ties by name, as in the labels).
    """
    counts = _industry_counts(ind, groups)
    counts = counts[_is_main(counts)].copy()
    counts["name"] = name_of(counts["k"].to_numpy(np.int64)).astype(str)
    return counts.sort_values(["g", "n", "name"], ascending=[True, False, True])


def _mixed(counts: pd.DataFrame, main: np.ndarray) -> np.ndarray:
    """The groups without a main industry in which some industry holds two members
    (a group where none does, such as three firms in three industries, is too varied
    to tell a chain apart, and is not called mixed); ``counts`` of
    :func:`_industry_counts`, ``main`` its rows that are main industries."""
    g = counts["g"].to_numpy()
    shared = distinct(g[counts["n"].to_numpy() >= 2])
    return np.setdiff1d(shared, distinct(g[main]))


def _chain_status(
    A: GraphArrays,
    cluster: np.ndarray,
    year: int | None,
    inferred: Inferred,
) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the clustered firms on their cluster's main chain, and of those in a
    mixed cluster.

    A firm is on the main chain when its industry is one of the cluster's main
    industries, or when it buys from a member that is: a SUPPLIES edge inside the
    cluster, or an input of a product it makes that such a member makes (the links
    through products the clustering uses).  No firm of a mixed cluster is on it (there
    is no main chain); every firm of a cluster where no industry holds two members is.
    """
    n = A.n
    ind = preferred_industry(A.G)
    firms = np.flatnonzero(cluster >= 0)
    fc, fi = cluster[firms].astype(np.int64), ind[firms]
    counts = _industry_counts(fi, fc)
    main = _is_main(counts)
    main_g = counts["g"].to_numpy()[main]
    # each (cluster, industry) pair as one integer, looked up in the sorted main pairs
    width = n + 1  # industries are positions, or -1
    key = np.sort(main_g * width + counts["k"].to_numpy()[main] + 1)
    in_main = np.zeros(n, dtype=bool)  # the firm's industry is a main one of its cluster
    in_main[firms] = find_sorted(key, fc * width + fi + 1) >= 0
    ids = np.zeros(int(fc.max()) + 1 if len(fc) else 1, dtype=bool)
    judged, is_mixed = ids.copy(), ids.copy()
    judged[main_g] = True
    is_mixed[_mixed(counts, main)] = True
    mixed = np.zeros(n, dtype=bool)
    mixed[firms] = is_mixed[fc]
    out = np.zeros(n, dtype=bool)
    out[firms] = in_main[firms] | (~judged[fc] & ~is_mixed[fc])
    src, dst = A.edges("SUPPLIES", year=year)
    ok = (cluster[src] >= 0) & (cluster[src] == cluster[dst]) & (src != dst)
    out[dst[ok & in_main[src]]] = True
    if inferred != "none":
        out[_buys_from_main(A, cluster, year, inferred, in_main)] = True
    return out, mixed


def _buys_from_main(
    A: GraphArrays,
    cluster: np.ndarray,
    year: int | None,
    inferred: Inferred,
    in_main: np.ndarray,
) -> np.ndarray:
    """The members that need an input of their products that a member of one of their
    cluster's main industries (``in_main``, per node) makes (PRODUCES as the clustering
    uses them)."""
    p_src, p_dst = A.edges("PRODUCES", year=year)
    if inferred == "auto":
        src, dst = A.edges("SUPPLIES", year=year)
        linked = np.zeros(A.n, dtype=bool)
        linked[src] = linked[dst] = True
        keep = ~linked[p_src]
        p_src, p_dst = p_src[keep], p_dst[keep]
    keep = cluster[p_src] >= 0
    makes = pd.DataFrame({"f": p_src[keep], "p": p_dst[keep]}).drop_duplicates()
    makes["c"] = cluster[makes["f"].to_numpy()]
    u_src, u_dst = A.edges("UPSTREAM_OF", year=year)
    up = pd.DataFrame({"i": u_src[u_src != u_dst], "p": u_dst[u_src != u_dst]})
    needs = makes.merge(up, on="p")[["f", "c", "i"]].drop_duplicates()
    # count the main-industry makers of each (cluster, input) rather than pairing them
    # with every member needing it: the pairs grow with the square of a cluster's size
    maker_main = in_main[makes["f"].to_numpy()]
    if needs.empty or not maker_main.any():
        return np.zeros(0, dtype=np.int64)
    makers = makes[maker_main].groupby(["c", "p"]).size()
    wanted = pd.MultiIndex.from_arrays([needs["c"], needs["i"]])
    got = makers.reindex(wanted).fillna(0).to_numpy()
    own = pd.MultiIndex.from_frame(makes.loc[maker_main, ["f", "p"]])
    itself = pd.MultiIndex.from_arrays([needs["f"], needs["i"]]).isin(own)
    return needs["f"].to_numpy(np.int64)[got - itself > 0]
