"""The clusters set against evidence they were not built from: industries at every level,
and the cities where an industry concentrates, each beside random clusters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from innokg.queries.agreement.scores import _ari, _codes, _nmi
from innokg.queries.arrays import GraphArrays
from innokg.queries.clusters import placed, province_members
from innokg.queries.sets import distinct

#: The industry classification whose agreement with the clusters is measured.
SHENWAN = "Shenwan"


def _parents(A: GraphArrays) -> npt.NDArray[np.int64]:
    """Each Industry's first broader Industry (SUBCLASS_OF), -1 for none."""
    parent = np.full(A.n, -1, dtype=np.int64)
    src, dst = A.edges("SUBCLASS_OF")
    is_ind = A.mask("Industry")
    ok = is_ind[src] & is_ind[dst]
    if ok.any():
        uniq, first = np.unique(src[ok], return_index=True)
        parent[uniq] = dst[ok][first]
    return parent


def _levels(A: GraphArrays, parent: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Each Industry's level: its ``level`` where given, else its depth below a root."""
    depth = np.ones(A.n, dtype=np.int64)
    for _ in range(8):  # classifications have at most four or five levels
        has = parent >= 0
        nxt = np.where(has, depth[np.maximum(parent, 0)] + 1, 1)
        if (nxt == depth).all():
            break
        depth = nxt
    given = np.full(A.n, np.nan)
    if "level" in A.G.nodes["Industry"].columns:  # other labels' levels are words
        start, stop = A.spans["Industry"]
        column = pd.to_numeric(A.column("Industry", "level"), errors="coerce")
        given[start:stop] = column.to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isnan(given), depth, np.nan_to_num(given)).astype(np.int64)


def _roll_up(
    industry: npt.NDArray[np.int64],
    level: int,
    levels: npt.NDArray[np.int64],
    parent: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """``industry`` (positions, -1 none) rolled up to ``level``; -1 where it cannot be."""
    cur = industry.copy()
    for _ in range(8):
        up = (cur >= 0) & (levels[np.maximum(cur, 0)] > level) & (parent[np.maximum(cur, 0)] >= 0)
        if not up.any():
            break
        cur[up] = parent[cur[up]]
    ok = (cur >= 0) & (levels[np.maximum(cur, 0)] == level)
    return np.where(ok, cur, -1)


def _first_industry(
    A: GraphArrays,
    firms: npt.NDArray[np.int64],
    in_scheme: npt.NDArray[np.bool_],
    year: int | None,
) -> npt.NDArray[np.int64]:
    """Each firm's first IN_INDUSTRY target among the industries ``in_scheme`` (or -1)."""
    out = np.full(A.n, -1, dtype=np.int64)
    src, dst = A.edges("IN_INDUSTRY", year=year)
    ok = in_scheme[dst]
    if ok.any():
        uniq, first = np.unique(src[ok], return_index=True)
        out[uniq] = dst[ok][first]
    return out[firms]


def _shuffles(
    labels: npt.NDArray[np.int64], permutations: int, rng: np.random.Generator
) -> Iterator[npt.NDArray[np.int64]]:
    """The labels shuffled ``permutations`` times (one at a time: large graphs)."""
    for _ in range(permutations):
        yield rng.permutation(labels)


def _p_value(observed: float, random: npt.NDArray[np.float64]) -> float:
    return float((1 + np.count_nonzero(random >= observed - 1e-12)) / (1 + len(random)))


def _sd(values: npt.NDArray[np.float64]) -> float:
    return float(values.std(ddof=1)) if len(values) > 1 else 0.0


def _industry_rows(
    A: GraphArrays,
    firms: npt.NDArray[np.int64],
    label: npt.NDArray[np.int64],
    year: int | None,
    permutations: int,
    rng: np.random.Generator,
    notes: list[str],
) -> pd.DataFrame:
    scheme = A.values("scheme", dtype="object", fill="")
    is_sw = A.mask("Industry") & np.array([str(s).startswith(SHENWAN) for s in scheme])
    industry = _first_industry(A, firms, is_sw, year)
    if not (industry >= 0).any():
        notes.append(
            "no Shenwan industries: no clustered firm has an IN_INDUSTRY edge to a Shenwan "
            "industry (the chain data of listed companies gives them), so NMI is not computed"
        )
        return pd.DataFrame()
    parent = _parents(A)
    levels = _levels(A, parent)
    rows = []
    for lv in range(1, int(levels[industry[industry >= 0]].max()) + 1):  # broadest first
        ind = _roll_up(industry, lv, levels, parent)
        ok = ind >= 0
        if ok.sum() < 2:
            continue
        c, k = _codes(label[ok]), _codes(ind[ok])
        nmi, ari = _nmi(c, k), _ari(c, k)
        scores = np.array([(_nmi(s, k), _ari(s, k)) for s in _shuffles(c, permutations, rng)])
        nmi_r, ari_r = scores[:, 0], scores[:, 1]
        names = {str(scheme[i]) for i in distinct(ind[ok])}
        rows.append(
            {
                "scheme": "; ".join(sorted(names)),
                "level": lv,
                "firms": int(ok.sum()),
                "clusters": len(distinct(c)),
                "classes": len(distinct(k)),
                "nmi": nmi,
                "nmi_random": float(nmi_r.mean()),
                "nmi_random_sd": _sd(nmi_r),
                "nmi_p": _p_value(nmi, nmi_r),
                "ari": ari,
                "ari_random": float(ari_r.mean()),
                "ari_random_sd": _sd(ari_r),
                "ari_p": _p_value(ari, ari_r),
            }
        )
    if not rows:
        notes.append(
            "Shenwan industries: fewer than two clustered firms have one, so NMI is not computed"
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class _LQ:
    """Per cluster: top industry (local index, -1 none), located and specialised counts."""

    top: npt.NDArray[np.int64]
    located: npt.NDArray[np.int64]
    specialised: npt.NDArray[np.int64]
    top_firms: npt.NDArray[np.int64]


def _lq_stats(
    label: npt.NDArray[np.int64],
    k: int,
    industry: npt.NDArray[np.int64],
    m: int,
    city: npt.NDArray[np.int64],
    special: npt.NDArray[np.bool_],
) -> _LQ:
    """Top industry and location counts of ``k`` clusters (labels 0..k-1)."""
    has = industry >= 0
    counts = np.bincount(label[has] * m + industry[has], minlength=k * m).reshape(k, m)
    top = counts.argmax(axis=1)  # the first maximum: industries are ordered by code
    top_firms = counts[np.arange(k), top]
    top = np.where(top_firms > 0, top, -1)
    at = city >= 0
    lab, cty = label[at], city[at]
    t = top[lab]
    hit = (t >= 0) & special[cty, np.maximum(t, 0)]
    located = np.bincount(lab, minlength=k)
    specialised = np.bincount(lab[hit], minlength=k)
    return _LQ(top, located, specialised, top_firms)


def _quotient_rows(
    A: GraphArrays,
    firms: npt.NDArray[np.int64],
    cluster_ids: npt.NDArray[np.int64],
    year: int | None,
    permutations: int,
    rng: np.random.Generator,
    notes: list[str],
) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    src, dst = A.edges("SPECIALISES_IN", year=year)
    q = A.edge_values("SPECIALISES_IN", "quotient", year=year)
    y = A.edge_values("SPECIALISES_IN", "year", year=year)
    city_of = A.city()
    keep = A.mask("Region")[src] & A.mask("Industry")[dst] & (city_of[src] >= 0)
    if year is not None:
        keep &= ~(y > year)
    if not keep.any():
        notes.append(
            "no location quotients: the graph has no SPECIALISES_IN edges from a city to an "
            "industry (innokg henan reads them from the clusters/ source), so the location "
            "check is not computed"
        )
        return pd.DataFrame(), None
    src, dst, q, y = src[keep], dst[keep], q[keep], y[keep]
    city = city_of[src]
    latest = pd.Series(y).groupby(city).transform("max").to_numpy()
    recent = np.isnan(latest) | (y == latest)
    covered = distinct(city)
    special_pairs = recent & (np.isnan(q) | (q > 1))
    # the quotients' classification and level: those of most of their industries
    scheme = A.values("scheme", dtype="object", fill="")
    parent = _parents(A)
    levels = _levels(A, parent)
    q_scheme = pd.Series(scheme[dst]).mode().iloc[0]
    q_level = int(pd.Series(levels[dst]).mode().iloc[0])
    in_scheme = A.mask("Industry") & (scheme == q_scheme)
    industry = _roll_up(_first_industry(A, firms, in_scheme, year), q_level, levels, parent)
    # local indices: industries by code (ties go to the lower code), covered cities
    codes = A.values("code", dtype="object", fill="").astype(str)
    used = distinct(np.concatenate([industry[industry >= 0], dst[special_pairs]]))
    used = used[np.lexsort((A.ids[used].astype(str), codes[used]))]
    ind_local = np.full(A.n, -1, dtype=np.int64)
    ind_local[used] = np.arange(len(used))
    city_local = np.full(A.n, -1, dtype=np.int64)
    city_local[covered] = np.arange(len(covered))
    special = np.zeros((len(covered), max(len(used), 1)), dtype=bool)
    special[city_local[city[special_pairs]], ind_local[dst[special_pairs]]] = True

    member_city = city_local[np.where(city_of[firms] >= 0, city_of[firms], 0)]
    member_city = np.where(city_of[firms] >= 0, member_city, -1)
    member_ind = np.where(industry >= 0, ind_local[np.maximum(industry, 0)], -1)
    ids, label = np.unique(cluster_ids, return_inverse=True)
    k, m = len(ids), max(len(used), 1)
    real = _lq_stats(label, k, member_ind, m, member_city, special)
    valid = (real.top >= 0) & (real.located > 0)
    if (member_city < 0).any():
        notes.append(_left_out(A, firms, member_city))
    if not valid.any():
        notes.append(
            "location quotients: no cluster has both a top industry in the quotients' "
            f"classification ({q_scheme}) and a member in a city with quotients, so the "
            "location check is not computed"
        )
        return pd.DataFrame(), None
    rand_spec = np.zeros((permutations, k), dtype=np.int64)
    rand_loc = np.zeros((permutations, k), dtype=np.int64)
    pooled = np.zeros(permutations)
    for i, s in enumerate(_shuffles(label, permutations, rng)):
        r = _lq_stats(s, k, member_ind, m, member_city, special)
        ok = (r.top >= 0) & (r.located > 0)
        rand_spec[i], rand_loc[i] = np.where(ok, r.specialised, 0), np.where(ok, r.located, 0)
        pooled[i] = rand_spec[i].sum() / max(rand_loc[i].sum(), 1)
    loc_sum = rand_loc.sum(axis=0)
    share_random = np.where(loc_sum > 0, rand_spec.sum(axis=0) / np.maximum(loc_sum, 1), np.nan)
    top_pos = used[np.maximum(real.top, 0)]
    names = A.names
    frame = pd.DataFrame(
        {
            "cluster": ids,
            "size": np.bincount(label, minlength=k),
            "top_industry": A.ids[top_pos].astype(str),
            "top_industry_code": codes[top_pos],
            "top_industry_name": names[top_pos].astype(str),
            "top_industry_firms": real.top_firms,
            "classified": np.bincount(label[member_ind >= 0], minlength=k),
            "located": real.located,
            "specialised": real.specialised,
            "share": real.specialised / np.maximum(real.located, 1),
            "share_random": share_random,
        }
    )[valid]
    frame = frame.sort_values(["size", "cluster"], ascending=[False, True], ignore_index=True)
    share = float(frame["specialised"].sum() / frame["located"].sum())
    summary = {
        "measure": "lq_share",
        "evidence": f"{q_scheme} level {q_level}, quotient above 1",
        "firms": int(frame["located"].sum()),
        "clusters": len(frame),
        "value": share,
        "random": float(pooled.mean()),
        "random_sd": _sd(pooled),
        "p_value": _p_value(share, pooled),
    }
    return frame, summary


def _left_out(
    A: GraphArrays, firms: npt.NDArray[np.int64], member_city: npt.NDArray[np.int64]
) -> str:
    """One line on the clustered firms the location check cannot judge, by reason."""
    out = member_city < 0
    city = A.city()[firms] >= 0
    province = province_members(A.G)
    if province is not None:  # a province's graph: unplaced means another province
        inside = province[firms]
        kinds = [
            (out & ~inside, "of other provinces"),
            (out & inside & ~city, "in the province with no known city"),
        ]
    else:
        where = placed(A.G)[firms]
        kinds = [(out & ~where, "with no known place"), (out & where & ~city, "no known city")]
    kinds.append((out & city, "in a city without quotients"))
    parts = [f"{int(mask.sum()):,} {what}" for mask, what in kinds if mask.any()]
    return (
        f"location quotients: {int(out.sum()):,} of {len(firms):,} clustered firms are in no "
        f"city with quotients ({', '.join(parts)}) and are left out of the location check"
    )
