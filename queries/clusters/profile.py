"""The parts of a cluster's profile about places and industries: its cities, its label,
its top industries and products, its linked support."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import (
    GraphArrays,
    arrays,
)
from innokg.queries.clusters.industries import _main_industries
from innokg.queries.clusters.scope import _province_or_placed, province_name, scoped
from innokg.queries.sets import distinct

__all__ = ["LABEL_CITY_SHARE"]

#: A cluster is labelled by its largest city only when that city holds at least this
#: share of the members (and more of them than any other city).
LABEL_CITY_SHARE = 0.25


def _city_counts(
    city: np.ndarray,
    placed_: np.ndarray,
    groups: np.ndarray,
    name_of: Callable[[np.ndarray], np.ndarray],
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
    counts["name"] = name_of(counts["k"].to_numpy(np.int64)).astype(str)
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
    name_of = A.names_at
    city = A.city()[firm_pos]
    members = _province_or_placed(G)
    here = members[firm_pos]
    ids = out.index
    out["cities"] = _city_counts(city, here, firm_c, name_of, is_scoped=scoped(G)).reindex(ids)
    n_placed = pd.Series(here.astype(np.int64)).groupby(firm_c).sum().reindex(ids, fill_value=0)
    anywhere = bool(members[A.mask("Enterprise")].any())
    out["province_firms"] = n_placed.astype(np.int64)
    out["in_province"] = (n_placed / out["size"]).round(4) if anywhere else np.nan
    df = pd.DataFrame({"g": firm_c, "k": city})
    counts = df[df["k"] >= 0].groupby(["g", "k"]).size().rename("n").reset_index()
    counts["name"] = name_of(counts["k"].to_numpy(np.int64)).astype(str)
    counts = counts.sort_values(["g", "n", "name"], ascending=[True, False, True])
    first = counts.drop_duplicates("g").set_index("g")
    second = counts[counts.groupby("g").cumcount() == 1].set_index("g")["n"]
    n1 = first["n"].reindex(ids, fill_value=0)
    n2 = second.reindex(ids, fill_value=0)
    main = (n1 >= label_share * out["size"]) & (n1 > n2) & (n1 > 0)
    out["main_city"] = first["name"].reindex(ids, fill_value="").where(main, "")


def _schemes(A: GraphArrays, ind: np.ndarray, groups: np.ndarray) -> pd.Series:
    """Per group, the classification scheme(s) of the members' industries."""
    known = ind >= 0
    industries = distinct(ind[known])
    # each industry's scheme read once, and the members counted by its code: a Python
    # string per member took 1.5 s at ten million nodes
    text = A.values_at("scheme", industries, dtype="object", fill="").astype(str)
    schemes, code = np.unique(text, return_inverse=True)
    df = pd.DataFrame({"g": groups[known], "s": code[np.searchsorted(industries, ind[known])]})
    counts = df.groupby(["g", "s"]).size().rename("n").reset_index()
    counts["s"] = schemes[counts["s"].to_numpy()]
    counts = counts.sort_values(["g", "n", "s"], ascending=[True, False, True])
    text = counts["s"] + " " + counts["n"].astype(str)
    several = counts.groupby("g")["s"].transform("size") > 1
    text = text.where(several, counts["s"])
    return text.groupby(counts["g"]).agg("; ".join)


def _labels(G: EcosystemGraph, out: pd.DataFrame, ind: np.ndarray, groups: np.ndarray) -> pd.Series:
    """'place · industry': the main city, else the province or 省外为主 (see the docs);
    the industry is the most common one, or ``混合：A + B 等n个行业`` for a cluster of
    two or more industries none of which is a main one (:func:`_main_industries`)."""
    A = arrays(G)
    df = pd.DataFrame({"g": groups, "k": ind})
    counts = df[df["k"] >= 0].groupby(["g", "k"]).size().rename("n").reset_index()
    counts["name"] = A.names_at(counts["k"].to_numpy(np.int64)).astype(str)
    counts = counts.sort_values(["g", "n", "name"], ascending=[True, False, True])
    top_ind = counts.drop_duplicates("g").set_index("g")["name"].reindex(out.index, fill_value="")
    n_ind = counts.groupby("g").size().reindex(out.index, fill_value=0)
    main = _main_industries(A.names_at, ind, groups)
    mixed = ~out.index.isin(main["g"].unique()) & (n_ind >= 2).to_numpy()
    two = counts[counts.groupby("g").cumcount() < 2].groupby("g")["name"].agg(" + ".join)
    more = (n_ind - 2).clip(lower=0)
    mixed_name = (
        "混合："
        + two.reindex(out.index, fill_value="")
        + np.where(more > 0, " 等" + n_ind.astype(str) + "个行业", "")
    )
    top_ind = top_ind.where(~mixed, mixed_name)
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


def _main_names(G: EcosystemGraph, ids: pd.Index, ind: np.ndarray, groups: np.ndarray) -> pd.Series:
    """Per cluster, its main industries' names, most members first, ``; `` between."""
    main = _main_industries(arrays(G).names_at, ind, groups)
    return main.groupby("g")["name"].agg("; ".join).reindex(ids, fill_value="")


def _top_shares(
    keys: np.ndarray,
    groups: np.ndarray,
    name_of: Callable[[np.ndarray], np.ndarray],
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
    counts["name"] = name_of(counts["k"].to_numpy(np.int64))
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
