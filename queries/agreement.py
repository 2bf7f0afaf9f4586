"""Do the supply-chain clusters agree with evidence they were not built from?

Clusters are found from supply links alone (SUPPLIES, and PRODUCES / UPSTREAM_OF
through products; :mod:`innokg.queries.clusters`).  Two kinds of evidence play no part
in finding them, so they can check them:

- **Industries** (Shenwan 2021 on the chain data of listed companies): the normalised
  mutual information (NMI) between a member's cluster and its industry, at every level
  of the classification, and the adjusted Rand index (ARI).  NMI is 1 when the clusters
  are the industries and 0 when knowing one tells nothing of the other; it is
  normalised by the arithmetic mean of the two entropies,
  ``NMI = 2 I(C; K) / (H(C) + H(K))`` (:func:`normalized_mutual_information`).  ARI is
  the share of agreeing pairs corrected for chance: 0 for a random grouping, 1 for the
  same partition (:func:`adjusted_rand_index`).
- **Location quotients** (SPECIALISES_IN, Region -> Industry with ``quotient``): each
  cluster's top industry is the most common among its members in the classification
  the quotients use (GB/T 4754 divisions on the real build; ties go to the lower
  code).  The check is the share of the cluster's members located in a city with
  quotients that are in a city where that industry's quotient is above 1 (an edge
  without a quotient counts as above 1: the edge itself says so; each city's latest
  year).  Members in no city with quotients (firms of other provinces on a province's
  graph) are left out, and the tables say how many remain.

Both are compared with **random clusters**: the members' cluster labels shuffled among
them (cluster sizes kept) ``permutations`` times, each shuffle scored the same way
(a random cluster's top industry is recomputed from its random members).  NMI is above 0
for random groups when groups are small and classes many, so only the distance to this
baseline says something.  ``p_value`` is the share of shuffles scoring at least as high,
``(1 + count) / (1 + permutations)``.

Where the graph lacks the evidence (no Shenwan industries, no quotients, no member in a
city with quotients) the result has no row for it and one line in
:attr:`ClusterAgreement.notes` saying what is missing, never a 0.

Examples
--------
>>> normalized_mutual_information([0, 0, 1, 1], [5, 5, 7, 7])
1.0
>>> normalized_mutual_information([0, 0, 1, 1], [0, 1, 0, 1])
0.0
>>> round(adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]), 6)
0.242424
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import GraphArrays, arrays
from innokg.queries.clusters import Inferred, cluster_labels, placed, province_members

__all__ = [
    "ClusterAgreement",
    "adjusted_rand_index",
    "agreement_markdown",
    "cluster_agreement",
    "normalized_mutual_information",
]

#: The industry classification whose agreement with the clusters is measured.
SHENWAN = "Shenwan"

_Labels: TypeAlias = Sequence[Any] | npt.NDArray[Any] | pd.Series


def _codes(labels: _Labels) -> npt.NDArray[np.int64]:
    codes, _ = pd.factorize(pd.Series(np.asarray(labels)), sort=True)
    return np.asarray(codes, dtype=np.int64)


def _contingency(
    a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], ...]:
    """The non-zero cells of the contingency table of ``a`` and ``b``; for each cell the
    sizes of its row and its column; and the non-zero row and column sums."""
    kb = int(b.max()) + 1
    keys, cells = np.unique(a * kb + b, return_counts=True)
    rows = np.bincount(a).astype(np.float64)
    cols = np.bincount(b).astype(np.float64)
    return (
        cells.astype(np.float64),
        rows[keys // kb],
        cols[keys % kb],
        rows[rows > 0],
        cols[cols > 0],
    )


def _entropy(counts: npt.NDArray[np.float64], n: float) -> float:
    p = counts / n
    return float(-(p * np.log(p)).sum())


def _check_pair(a: _Labels, b: _Labels) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    ca, cb = _codes(a), _codes(b)
    if len(ca) != len(cb):
        raise QueryError(f"the two labellings differ in length ({len(ca)} and {len(cb)})")
    if (ca < 0).any() or (cb < 0).any():
        raise QueryError("labels must not be missing (NaN or None)")
    if not len(ca):
        raise QueryError("no items to compare")
    return ca, cb


def normalized_mutual_information(labels_a: _Labels, labels_b: _Labels) -> float:
    """Normalised mutual information of two labellings of the same items, 0 to 1.

    ``2 I(A; B) / (H(A) + H(B))`` with natural logarithms (the arithmetic-mean
    normalisation, scikit-learn's default).  Two labellings that each put everything in
    one group are identical: 1.0; one that does while the other does not shares no
    information with it: 0.0.

    Parameters
    ----------
    labels_a, labels_b : sequence
        One label per item (any hashable values), the same items in the same order.

    Returns
    -------
    float

    Raises
    ------
    QueryError
        When the lengths differ, a label is missing, or there are no items.

    Examples
    --------
    Two groups against a 3 + 1 split (``I = ½ ln 4/3 + ¼ ln 2/3 + ¼ ln 2``, over the
    mean of ``ln 2`` and ``-(¾ ln ¾ + ¼ ln ¼)``):

    >>> round(normalized_mutual_information(["a", "a", "b", "b"], [1, 1, 1, 2]), 6)
    0.343711
    >>> normalized_mutual_information([1, 1, 1], [1, 1, 1])
    1.0
    """
    a, b = _check_pair(labels_a, labels_b)
    return _nmi(a, b)


def _nmi(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> float:
    """:func:`normalized_mutual_information` of two arrays of codes 0, 1, ..."""
    n = float(len(a))
    cells, row_of, col_of, rows, cols = _contingency(a, b)
    h = _entropy(rows, n) + _entropy(cols, n)
    if h == 0.0:
        return 1.0
    # I(A; B) = sum over cells of p_ij ln(p_ij / (p_i p_j))
    mi = float((cells / n * np.log(cells * n / (row_of * col_of))).sum())
    return float(min(1.0, max(0.0, 2.0 * mi / h)))


def adjusted_rand_index(labels_a: _Labels, labels_b: _Labels) -> float:
    """The adjusted Rand index of two labellings of the same items.

    The share of item pairs the two agree on (together in both, or apart in both),
    corrected for chance: 1 for the same partition, about 0 for unrelated ones, below
    0 for less agreement than chance.  Where chance already gives full agreement (both
    put everything in one group, or every item alone) it is 1.0.

    Parameters
    ----------
    labels_a, labels_b : sequence
        One label per item, the same items in the same order.

    Returns
    -------
    float

    Raises
    ------
    QueryError
        When the lengths differ, a label is missing, or there are no items.

    Examples
    --------
    >>> adjusted_rand_index([0, 0, 1, 1], ["x", "x", "y", "y"])
    1.0
    >>> round(adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]), 12)  # worse than chance
    -0.5
    """
    a, b = _check_pair(labels_a, labels_b)
    return _ari(a, b)


def _ari(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> float:
    """:func:`adjusted_rand_index` of two arrays of codes 0, 1, ..."""
    n = float(len(a))
    cells, _, _, rows, cols = _contingency(a, b)

    def pairs(x: npt.NDArray[np.float64]) -> float:
        return float((x * (x - 1) / 2).sum())

    index, sum_a, sum_b = pairs(cells), pairs(rows), pairs(cols)
    total = n * (n - 1) / 2
    expected = sum_a * sum_b / total if total else 0.0
    top = (sum_a + sum_b) / 2
    if top == expected:
        return 1.0
    return float((index - expected) / (top - expected))


@dataclass
class ClusterAgreement:
    """How the supply-chain clusters of a graph agree with independent evidence.

    Attributes
    ----------
    industries : pandas.DataFrame
        One row per level of the Shenwan classification (empty without Shenwan
        industries): ``scheme`` (str), ``level`` (int, 1 the broadest), ``firms`` (int:
        clustered firms with an industry at that level, the items compared),
        ``clusters`` and ``classes`` (int: how many of each they fall in), ``nmi``
        (float), ``nmi_random`` and ``nmi_random_sd`` (float: mean and sample standard
        deviation over the shuffles), ``nmi_p`` (float), ``ari``, ``ari_random``,
        ``ari_random_sd``, ``ari_p`` (float).
    quotients : pandas.DataFrame
        One row per cluster with a top industry and a member in a city with quotients
        (empty without quotients), largest first: ``cluster`` (int), ``size`` (int:
        members), ``top_industry`` (str: id), ``top_industry_code``,
        ``top_industry_name`` (str), ``top_industry_firms`` (int: members in it),
        ``classified`` (int: members with an industry in the quotients'
        classification), ``located`` (int: members in a city with quotients),
        ``specialised`` (int: of those, in a city where the top industry's quotient is
        above 1), ``share`` (float: ``specialised / located``), ``share_random``
        (float: the same for the random cluster of the same id, over all shuffles:
        their ``specialised`` over their ``located``).
    summary : pandas.DataFrame
        One row per measure: ``measure`` (``nmi``, ``ari`` or ``lq_share``),
        ``evidence`` (str: what it is measured against), ``firms`` (int), ``clusters``
        (int), ``value``, ``random``, ``random_sd`` (float), ``p_value`` (float).
        For ``lq_share`` the value is pooled over clusters: every ``specialised`` over
        every ``located``.
    notes : list of str
        One line per piece of evidence that is missing or partial.
    parameters : dict
        The clustering options and ``permutations``.
    graph : dict
        ``title``, ``built_at``, ``scope``, ``nodes``, ``edges`` of the graph.
    """

    industries: pd.DataFrame
    quotients: pd.DataFrame
    summary: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    graph: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-ready values (what ``--format json`` writes)."""

        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = []
            for row in df.to_dict("records"):
                out.append({str(k): _plain(v) for k, v in row.items()})
            return out

        return {
            "graph": dict(self.graph),
            "parameters": dict(self.parameters),
            "summary": records(self.summary),
            "industries": records(self.industries),
            "quotients": records(self.quotients),
            "notes": list(self.notes),
        }

    def markdown(self) -> str:
        """The tables as Markdown (see :func:`agreement_markdown`)."""
        return agreement_markdown(self.to_dict())


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if np.isnan(value) else round(float(value), 6)
    if isinstance(value, np.bool_):
        return bool(value)
    if value is pd.NA:
        return None
    return value


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
        names = {str(scheme[i]) for i in np.unique(ind[ok])}
        rows.append(
            {
                "scheme": "; ".join(sorted(names)),
                "level": lv,
                "firms": int(ok.sum()),
                "clusters": len(np.unique(c)),
                "classes": len(np.unique(k)),
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
    covered = np.unique(city)
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
    used = np.unique(np.concatenate([industry[industry >= 0], dst[special_pairs]]))
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


def cluster_agreement(
    G: EcosystemGraph,
    *,
    seed: int = 2016,
    resolution: float = 1.0,
    inferred: Inferred = "auto",
    inferred_weight: float = 0.3,
    min_size: int = 3,
    year: int | None = None,
    permutations: int = 200,
) -> ClusterAgreement:
    """How the supply-chain clusters agree with Shenwan industries and location quotients.

    See the module's documentation for the measures and the random baseline.

    Parameters
    ----------
    G : EcosystemGraph
    seed, resolution, inferred, inferred_weight, min_size, year
        The clustering, as for :func:`innokg.queries.clusters.supply_clusters` (the same
        values give the same clusters).  ``seed`` also seeds the shuffles.
    permutations : int
        Shuffles of the members' clusters for the random baseline.

    Returns
    -------
    ClusterAgreement

    Raises
    ------
    QueryError
        When ``permutations`` is below 1 (and for the clustering's own bad options).

    Examples
    --------
    Two supply chains, each in one Shenwan industry: the clusters are the industries.

    >>> from tests.factory import make_graph
    >>> firms = [{"id": f"e{i}", "name": f"企业{i}"} for i in range(6)]
    >>> sw = [{"id": s, "name": s, "scheme": "Shenwan 2021", "level": 1} for s in "AB"]
    >>> G = make_graph(
    ...     {"Enterprise": firms, "Industry": sw},
    ...     {"SUPPLIES": [("e0", "e1"), ("e1", "e2"), ("e0", "e2"), ("e3", "e4"),
    ...                   ("e4", "e5"), ("e3", "e5"), ("e2", "e3")],
    ...      "IN_INDUSTRY": [(f"e{i}", "A" if i < 3 else "B") for i in range(6)]},
    ... )
    >>> result = cluster_agreement(G, permutations=20)
    >>> result.industries[["level", "firms", "clusters", "classes", "nmi", "ari"]].to_dict(
    ...     "records")
    [{'level': 1, 'firms': 6, 'clusters': 2, 'classes': 2, 'nmi': 1.0, 'ari': 1.0}]
    >>> result.notes[0]  # doctest: +ELLIPSIS
    'no location quotients: the graph has no SPECIALISES_IN edges ...'
    """
    if permutations < 1:
        raise QueryError(f"permutations must be at least 1 (got {permutations})")
    A = arrays(G)
    labels = cluster_labels(
        G,
        seed=seed,
        resolution=resolution,
        inferred=inferred,
        inferred_weight=inferred_weight,
        min_size=min_size,
        year=year,
    )
    firms = np.flatnonzero(labels >= 0)
    parameters: dict[str, Any] = {
        "seed": seed,
        "resolution": resolution,
        "inferred": inferred,
        "inferred_weight": inferred_weight,
        "min_size": min_size,
        "year": year,
        "permutations": permutations,
    }
    counts = G.counts()
    manifest: Mapping[str, Any] = getattr(G, "manifest", {}) or {}
    graph = {
        "title": str(manifest.get("title", "")),
        "built_at": str(manifest.get("built_at", "")),
        "scope": str(manifest.get("scope", "") or ""),
        "nodes": sum(counts["nodes"].values()),
        "edges": sum(counts["edges"].values()),
        "clustered_firms": len(firms),
        "clusters": len(np.unique(labels[firms])),
    }
    notes: list[str] = []
    empty = pd.DataFrame(columns=_SUMMARY_COLUMNS)
    if not len(firms):
        notes.append(
            "no supply-chain clusters: no group of at least "
            f"{min_size} firms is linked by SUPPLIES or through products, so nothing is checked"
        )
        return ClusterAgreement(pd.DataFrame(), pd.DataFrame(), empty, notes, parameters, graph)
    rng = np.random.default_rng(seed)
    industries = _industry_rows(A, firms, labels[firms], year, permutations, rng, notes)
    quotients, lq = _quotient_rows(A, firms, labels[firms], year, permutations, rng, notes)
    rows: list[dict[str, Any]] = []
    for measure in ("nmi", "ari"):
        for r in industries.to_dict("records"):
            rows.append(
                {
                    "measure": measure,
                    "evidence": f"{r['scheme']} level {r['level']}",
                    "firms": r["firms"],
                    "clusters": r["clusters"],
                    "value": r[measure],
                    "random": r[f"{measure}_random"],
                    "random_sd": r[f"{measure}_random_sd"],
                    "p_value": r[f"{measure}_p"],
                }
            )
    if lq is not None:
        rows.append(lq)
    summary = pd.DataFrame(rows, columns=_SUMMARY_COLUMNS) if rows else empty
    return ClusterAgreement(industries, quotients, summary, notes, parameters, graph)


_SUMMARY_COLUMNS = [
    "measure",
    "evidence",
    "firms",
    "clusters",
    "value",
    "random",
    "random_sd",
    "p_value",
]

#: Clusters listed in the Markdown table at most (the JSON has all of them).
MARKDOWN_CLUSTERS = 15


def _num(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    text = f"{float(value):.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # no "-0.000"


def _spread(mean: Any, sd: Any) -> str:
    return f"{_num(mean)} ± {_num(sd)}"


def agreement_markdown(data: Mapping[str, Any]) -> str:
    """Markdown tables of an agreement result given as :meth:`ClusterAgreement.to_dict`.

    Used for ``innokg evaluate clusters --format markdown`` and to render the committed
    results in docs/queries.md, so both show the same figures the same way.

    Parameters
    ----------
    data : mapping
        The dictionary (as read back from the JSON file).

    Returns
    -------
    str
        A paragraph on what was compared, a table per kind of evidence that the graph
        has, and the notes as a list.

    Examples
    --------
    >>> print(agreement_markdown({"graph": {}, "parameters": {}, "notes": ["no clusters"]}))
    Notes:
    <BLANKLINE>
    - no clusters
    <BLANKLINE>
    """
    graph, params = data.get("graph", {}), data.get("parameters", {})
    parts: list[str] = []
    if graph.get("clusters"):
        parts.append(
            f"{graph['clustered_firms']:,} firms in {graph['clusters']:,} supply-chain "
            f"clusters of at least {params.get('min_size')} (seed {params.get('seed')}, "
            f"resolution {params.get('resolution')}, links through products "
            f"`{params.get('inferred')}`) on a graph of {graph.get('nodes', 0):,} nodes and "
            f"{graph.get('edges', 0):,} edges.  Random clusters: the members' clusters "
            f"shuffled {params.get('permutations')} times, sizes kept (mean ± standard "
            "deviation); p is the share of shuffles scoring at least as high.\n"
        )
    industries = data.get("industries") or []
    if industries:
        scheme = industries[0]["scheme"]
        lines = [
            f"**{scheme} industries of the members**\n",
            "| level | firms | clusters | industries | NMI | NMI, random clusters | p "
            "| ARI | ARI, random clusters |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in industries:
            lines.append(
                f"| {r['level']} | {r['firms']:,} | {r['clusters']:,} | {r['classes']:,} "
                f"| {_num(r['nmi'])} | {_spread(r['nmi_random'], r['nmi_random_sd'])} "
                f"| {_num(r['nmi_p'])} | {_num(r['ari'])} "
                f"| {_spread(r['ari_random'], r['ari_random_sd'])} |"
            )
        parts.append("\n".join(lines) + "\n")
    quotients = data.get("quotients") or []
    lq = [r for r in data.get("summary") or [] if r.get("measure") == "lq_share"]
    if quotients and lq:
        s = lq[0]
        lines = [
            f"**Cities' location quotients** ({s['evidence']}): of a cluster's members in a city "
            "with quotients, the share in a city where the cluster's top industry has a "
            "quotient above 1\n",
            "| cluster | members | top industry | members in it | in a city with quotients "
            "| where it is above 1 | share | share, random clusters |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in quotients[:MARKDOWN_CLUSTERS]:
            lines.append(
                f"| {r['cluster']} | {r['size']:,} | {r['top_industry_code']} "
                f"{r['top_industry_name']} | {r['top_industry_firms']:,} | {r['located']:,} "
                f"| {r['specialised']:,} | {_num(r['share'])} | {_num(r['share_random'])} |"
            )
        lines.append(
            f"| all {s['clusters']:,}, pooled | | | | {s['firms']:,} | "
            f"{sum(r['specialised'] for r in quotients):,} | **{_num(s['value'])}** "
            f"| {_spread(s['random'], s['random_sd'])} (p {_num(s['p_value'])}) |"
        )
        more = len(quotients) - MARKDOWN_CLUSTERS
        if more > 0:
            lines.append(f"\n{more} smaller cluster(s) not shown (all are in the JSON).")
        parts.append("\n".join(lines) + "\n")
    notes = data.get("notes") or []
    if notes:
        parts.append("Notes:\n\n" + "\n".join(f"- {n}" for n in notes) + "\n")
    return "\n".join(parts)
