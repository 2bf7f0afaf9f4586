"""A cluster's main industries, and which of its buyers are on the chain they make up
(see "Main industries and mixed clusters" in the package's documentation)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from innokg.queries.arrays import GraphArrays
from innokg.queries.clusters.network import Inferred
from innokg.queries.clusters.scope import preferred_industry
from innokg.queries.sets import find_sorted

__all__ = ["MAIN_SHARE"]

#: An industry is a main industry of a cluster when at least two of its members, and at
#: least this share of them, are in it; a cluster with none (where some industry holds
#: two members) is mixed.
MAIN_SHARE = 0.2


def _industry_counts(ind: np.ndarray, groups: np.ndarray) -> pd.DataFrame:
    """Members ``n`` per (group ``g``, known industry ``k``), with the group's size
    ``size`` (members with an unknown industry included)."""
    df = pd.DataFrame({"g": groups, "k": ind})
    size = df.groupby("g").size().rename("size")
    counts = df[df["k"] >= 0].groupby(["g", "k"]).size().rename("n").reset_index()
    counts = counts.join(size, on="g")
    return counts


def _main_industries(names: np.ndarray, ind: np.ndarray, groups: np.ndarray) -> pd.DataFrame:
    """Per group of members (``groups``, their industries ``ind``): its main industries,
    the industries of at least two members holding :data:`MAIN_SHARE` of the group.

    Returns one row per (``g``, ``k``) kept, with ``n`` members, the group's ``size``
    and the industry's ``name``, most members first (ties by name, as in the labels).
    """
    counts = _industry_counts(ind, groups)
    counts["name"] = names[counts["k"].to_numpy(np.int64)].astype(str)
    counts = counts.sort_values(["g", "n", "name"], ascending=[True, False, True])
    return counts[(counts["n"] >= 2) & (counts["n"] >= MAIN_SHARE * counts["size"])]


def _mixed(ind: np.ndarray, groups: np.ndarray, main: pd.DataFrame) -> np.ndarray:
    """The groups without a main industry in which some industry holds two members
    (a group where none does, such as three firms in three industries, is too varied
    to tell a chain apart, and is not called mixed)."""
    counts = _industry_counts(ind, groups)
    shared = counts.loc[counts["n"] >= 2, "g"].unique()
    return np.setdiff1d(shared, main["g"].unique())


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
    main = _main_industries(A.names, ind[firms], cluster[firms])
    mixed = np.zeros(n, dtype=bool)
    mixed[firms] = np.isin(cluster[firms], _mixed(ind[firms], cluster[firms], main))
    # each (cluster, industry) pair as one integer, looked up in the sorted main pairs
    width = n + 1  # industries are positions, or -1
    key = np.sort(main["g"].to_numpy(np.int64) * width + main["k"].to_numpy(np.int64) + 1)

    def is_main(pos: np.ndarray) -> np.ndarray:
        probe = cluster[pos].astype(np.int64) * width + ind[pos] + 1
        return find_sorted(key, probe) >= 0

    out = np.zeros(n, dtype=bool)
    judged = np.isin(cluster[firms], main["g"].unique())
    out[firms] = is_main(firms) | (~judged & ~mixed[firms])
    src, dst = A.edges("SUPPLIES", year=year)
    ok = (cluster[src] >= 0) & (cluster[src] == cluster[dst]) & (src != dst)
    out[dst[ok & is_main(src)]] = True
    if inferred != "none":
        out[_buys_from_main(A, cluster, year, inferred, is_main)] = True
    return out, mixed


def _buys_from_main(
    A: GraphArrays,
    cluster: np.ndarray,
    year: int | None,
    inferred: Inferred,
    is_main: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """The members that need an input of their products that a member of one of their
    cluster's main industries makes (PRODUCES as the clustering uses them)."""
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
    maker_main = is_main(makes["f"].to_numpy())
    if needs.empty or not maker_main.any():
        return np.zeros(0, dtype=np.int64)
    makers = makes[maker_main].groupby(["c", "p"]).size()
    wanted = pd.MultiIndex.from_arrays([needs["c"], needs["i"]])
    got = makers.reindex(wanted).fillna(0).to_numpy()
    own = pd.MultiIndex.from_frame(makes.loc[maker_main, ["f", "p"]])
    itself = pd.MultiIndex.from_arrays([needs["f"], needs["i"]]).isin(own)
    return needs["f"].to_numpy(np.int64)[got - itself > 0]
