"""The supply network and its communities: who is in which cluster, with ids kept
across rebuilds (see the package for the method)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import (
    GraphArrays,
    arrays,
)
from innokg.queries.clusters.leaders import _product_position, _size_score
from innokg.queries.clusters.network import Inferred as Inferred
from innokg.queries.clusters.network import _Assignment, _leiden, _Network, _network
from innokg.queries.clusters.scope import placed, preferred_industry, province_members
from innokg.queries.clusters.sourcing import single_sourced_buyers
from innokg.queries.clusters.split import _split_chains
from innokg.queries.graph_arrays import ARRAYS_CODE
from innokg.queries.kept import kept, kept_result

# what the kept assignment depends on besides the package: its parameters and the code
_PARAMS = ("seed", "resolution", "inferred", "inferred_weight", "min_size", "year", "split")
_CUTS = ("u", "v")  # the links cut by the split (see split.py)
_CODE = (
    "innokg.queries.clusters.network",
    "innokg.queries.clusters.leiden_apart",
    "innokg.queries.clusters.detection",
    "innokg.queries.clusters.split",
    "innokg.queries.clusters.industries",
    "innokg.queries.clusters.leaders",
    "innokg.queries.clusters.scope",
    "innokg.queries.arrays",
    *ARRAYS_CODE,
)

__all__ = ["cluster_labels", "no_clusters_reason"]


def _numbered(A: GraphArrays, net: _Network, membership: np.ndarray, min_size: int) -> np.ndarray:
    """The cluster id of every node position (-1: none): communities of at least
    ``min_size`` enterprises numbered 1, 2, ... by decreasing size."""
    is_firm = A.mask("Enterprise")[net.vertices]
    firms = pd.DataFrame({"c": membership[is_firm], "pos": net.vertices[is_firm]})
    stats = firms.groupby("c")["pos"].agg(["size", "min"])
    stats = stats[stats["size"] >= min_size].sort_values(["size", "min"], ascending=[False, True])
    new_id = np.full(membership.max() + 1 if len(membership) else 0, -1, dtype=np.int64)
    new_id[stats.index.to_numpy()] = np.arange(1, len(stats) + 1)
    cluster = np.full(A.n, -1, dtype=np.int64)
    cluster[net.vertices[is_firm]] = new_id[membership[is_firm]] if len(membership) else -1
    return cluster


def _assign(
    G: EcosystemGraph,
    *,
    seed: int,
    resolution: float,
    inferred: Inferred,
    inferred_weight: float,
    min_size: int,
    year: int | None,
    split: bool = True,
) -> _Assignment:
    if inferred not in ("auto", "all", "none"):
        raise QueryError(f"inferred must be auto, all or none (got {inferred!r})")
    if not inferred_weight > 0:
        raise QueryError("inferred_weight must be positive")
    A = arrays(G)
    year = A.as_of(year)  # a year that leaves nothing out is kept once, under None
    key = ("clusters", seed, resolution, inferred, inferred_weight, min_size, year, split)
    if key in A.memo:
        return A.memo[key]
    net = _network(A, year, inferred, inferred_weight)

    def compute() -> dict[str, np.ndarray]:
        membership = _leiden(
            net, seed=seed, resolution=resolution, meanwhile=lambda: _beside_leiden(G, year)
        )
        first = _Assignment(net, membership, _numbered(A, net, membership, min_size))
        cuts = first.splits
        if split:
            membership, cuts = _split_chains(G, first, min_size, year, inferred, inferred_weight)
        cluster = _numbered(A, net, membership, min_size).astype(np.int32)
        ends = {k: cuts[k].to_numpy(np.int64) for k in _CUTS}
        return {"membership": membership, "cluster": cluster, **ends}

    found = kept(
        G,
        "clusters",
        _kept_params(key),
        compute,
        code=_CODE,
        libraries=("igraph",),
        what="the supply-chain clusters",
        check=lambda f: (
            len(f.get("membership", ())) == len(net.vertices)
            and len(f.get("cluster", ())) == A.n
            and all(k in f for k in _CUTS)
        ),
    )
    membership = found["membership"]
    cuts = pd.DataFrame({k: found[k].astype(np.int64) for k in _CUTS})
    result = _Assignment(net, membership, found["cluster"].astype(np.int64), cuts)
    A.memo[key] = result
    return result


def _beside_leiden(G: EcosystemGraph, year: int | None) -> None:
    """What the split, the member statistics and the profile ask that needs no clusters,
    each kept in the arrays' memo: computed while Leiden runs in a process of its own on
    a large network (about 10 s of the clusters' three minutes at ten million nodes)."""
    A = arrays(G)
    _size_score(A)
    _product_position(A, year)
    preferred_industry(G)
    placed(G)
    province_members(G)
    single_sourced_buyers(A, year)
    import igraph  # noqa: F401  (the split's bridges; 0.7 s)


def _kept_params(key: tuple[object, ...]) -> dict[str, object]:
    return dict(zip(_PARAMS, key[1:], strict=True))


def _kept_labels(G: EcosystemGraph, key: tuple[object, ...]) -> np.ndarray | None:
    """The cluster of every node position as kept beside the package, read without
    building the supply network (all that :func:`cluster_labels` needs), or None."""
    A = arrays(G)
    if key in A.memo:
        return None
    if ("kept-labels", key) not in A.memo:
        found = kept_result(G, "clusters", _kept_params(key), code=_CODE, libraries=("igraph",))
        if found is None or len(found.get("cluster", ())) != A.n:
            return None
        A.memo[("kept-labels", key)] = found["cluster"].astype(np.int64)
    labels: np.ndarray = A.memo[("kept-labels", key)]
    return labels


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

    Parameters
    ----------
    min_size : int
        The least cluster size asked for (``min_size`` of :func:`supply_clusters`).

    Returns
    -------
    str

    Examples
    --------
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
    split: bool = True,
) -> np.ndarray:
    """The cluster of every node position (-1: none), for other questions to use.

    Parameters are those of :func:`supply_clusters`.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
    ...                {"SUPPLIES": [("a", "b")]})
    >>> cluster_labels(G, min_size=2).tolist()
    [1, 1]
    """
    year = arrays(G).as_of(year)
    key = ("clusters", seed, resolution, inferred, inferred_weight, min_size, year, split)
    labels = _kept_labels(G, key) if inferred in ("auto", "all", "none") else None
    if labels is not None:
        return labels if previous is None else _match_previous(arrays(G), labels, previous, match)
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
    if previous is None:
        return res.cluster
    return _match_previous(arrays(G), res.cluster, previous, match)
