"""Held-out splits: which linked pairs are hidden (a seeded random share, or the last
years' links) and the training graph without them."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import GraphArrays, arrays
from innokg.queries.evaluate.metrics import _member
from innokg.queries.partners import KINDS, Kind
from innokg.queries.sets import distinct

__all__ = ["SPLITS", "hide_edges", "temporal_split"]

#: The splits.
SPLITS = ("random", "temporal")


def _pairs(A: GraphArrays, kind: Kind) -> np.ndarray:
    """The linked (source, target) position pairs of ``kind``, one row each."""
    src_ok, dst_ok = A.mask(kind.source), A.mask(kind.target)
    parts = []
    for spec in kind.linked:
        etype, reverse = spec.removesuffix("^-1"), spec.endswith("^-1")
        s, d = A.edges(etype)
        if reverse:
            s, d = d, s
        ok = src_ok[s] & dst_ok[d] & (s != d)
        parts.append(np.column_stack([s[ok], d[ok]]))
    pairs = np.concatenate(parts) if parts else np.empty((0, 2), dtype=np.int64)
    if kind.symmetric:
        pairs = np.sort(pairs, axis=1)
    return np.unique(pairs.astype(np.int64), axis=0).reshape(-1, 2)


def _keys(pairs: np.ndarray, n: int, symmetric: bool) -> np.ndarray:
    keys = pairs[:, 0].astype(np.int64) * n + pairs[:, 1]
    if symmetric:
        keys = np.concatenate([keys, pairs[:, 1].astype(np.int64) * n + pairs[:, 0]])
    return distinct(keys)


def _kind(key: str) -> Kind:
    spec = KINDS.get(key)
    if spec is None:
        raise QueryError(f"unknown kind {key!r}; known: {', '.join(KINDS)}")
    return spec


def _link_types(kind: Kind) -> list[str]:
    return list(dict.fromkeys(t.removesuffix("^-1") for t in kind.linked))


def _without_pairs(
    G: EcosystemGraph, A: GraphArrays, kind: Kind, keys: np.ndarray
) -> EcosystemGraph:
    """``G`` without every edge of the kind's types between the pairs of ``keys``."""
    edges = dict(G.edges)
    for etype in _link_types(kind):
        s, d = A.edges(etype)
        rows = A.edge_rows(etype)
        drop = _member(s.astype(np.int64) * A.n + d, keys) | _member(
            d.astype(np.int64) * A.n + s, keys
        )
        keep = np.ones(len(G.edges[etype]), dtype=bool)
        keep[rows[drop]] = False
        edges[etype] = G.edges[etype][keep].reset_index(drop=True)
    return EcosystemGraph(G.nodes, edges, manifest=G.manifest, path=G.path)


def _as_frame(A: GraphArrays, pairs: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame(
        {"source": A.ids[pairs[:, 0]].astype(str), "target": A.ids[pairs[:, 1]].astype(str)}
    )
    return out.astype("string")


def _random_hidden(
    pairs: np.ndarray, kind: Kind, fraction: float, seed: int, eligible: np.ndarray | None
) -> np.ndarray:
    pool = pairs if eligible is None else pairs[eligible]
    rng = np.random.default_rng([seed, zlib.crc32(kind.key.encode())])
    count = max(1, round(fraction * len(pool)))
    return pool[np.sort(rng.choice(len(pool), count, replace=False))]


def hide_edges(
    G: EcosystemGraph, kind: str, *, fraction: float = 0.1, seed: int = 2016
) -> tuple[EcosystemGraph, pd.DataFrame]:
    """A copy of ``G`` without a seeded random ``fraction`` of the pairs of ``kind``.

    Parameters
    ----------
    G : EcosystemGraph
        The whole graph (left unchanged).
    kind : str
        A key of :data:`innokg.queries.partners.KINDS`: whose linked pairs are hidden.
    fraction : float
        Share of the linked pairs to hide (at least one pair).
    seed : int
        The same seed hides the same pairs.

    Returns
    -------
    train : EcosystemGraph
        ``G`` without every edge of the kind's types between a hidden pair.
    hidden : pandas.DataFrame
        The hidden pairs: ``source`` and ``target`` ids (str).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abc"]},
    ...                {"SUPPLIES": [("a", "b"), ("b", "c")]})
    >>> train, hidden = hide_edges(G, "enterprise-enterprise", fraction=0.5)
    >>> len(hidden), len(train.edges["SUPPLIES"])
    (1, 1)
    """
    if not 0 < fraction < 1:
        raise QueryError(f"fraction must be between 0 and 1 (got {fraction})")
    spec = _kind(kind)
    A = arrays(G)
    pairs = _pairs(A, spec)
    if len(pairs) < 2:
        raise QueryError(
            f"the graph has {len(pairs)} linked pair(s) of kind {kind}; "
            "at least 2 are needed to hide some and keep some"
        )
    hidden = _random_hidden(pairs, spec, fraction, seed, None)
    train = _without_pairs(G, A, spec, _keys(hidden, A.n, spec.symmetric))
    return train, _as_frame(A, hidden)


def _link_years(G: EcosystemGraph, A: GraphArrays, kind: Kind) -> np.ndarray:
    """The ``since`` year of every edge linking a pair of ``kind`` (NaN where unknown)."""
    src_ok, dst_ok = A.mask(kind.source), A.mask(kind.target)
    years = []
    for spec in kind.linked:
        etype, reverse = spec.removesuffix("^-1"), spec.endswith("^-1")
        s, d = A.edges(etype)
        if reverse:
            s, d = d, s
        ok = src_ok[s] & dst_ok[d]
        df = G.edges[etype]
        col = df["since"] if "since" in df.columns else pd.Series(np.nan, index=df.index)
        values = col.to_numpy(dtype="float64", na_value=np.nan)[A.edge_rows(etype)]
        years.append(values[ok])
    return np.concatenate(years) if years else np.empty(0)


def _before(G: EcosystemGraph, cutoff: int) -> EcosystemGraph:
    """``G`` as it was before ``cutoff``: every edge formed in or after it removed."""
    edges = {}
    for etype, df in G.edges.items():
        if "since" in df.columns and len(df):
            since = df["since"].to_numpy(dtype="float64", na_value=np.nan)
            edges[etype] = df[~(since >= cutoff)].reset_index(drop=True)
        else:
            edges[etype] = df
    return EcosystemGraph(G.nodes, edges, manifest=G.manifest, path=G.path)


def temporal_split(
    G: EcosystemGraph, kind: str, *, test_years: int = 1
) -> tuple[EcosystemGraph, pd.DataFrame, int]:
    """The graph before the last ``test_years`` years of the kind's links, and the
    pairs linked in those years.

    The last year is the latest ``since`` among the edges that link pairs of ``kind``;
    the test years are it and the ``test_years - 1`` before it.  The training graph is
    ``G`` without every edge (of any type) formed in a test year or later.  The hidden
    pairs are the pairs of ``kind`` linked in ``G`` but not in the training graph whose
    two nodes existed before the first test year (a node with a later ``since`` could
    not have been proposed).

    Parameters
    ----------
    G : EcosystemGraph
        The whole graph.
    kind : str
        A key of :data:`innokg.queries.partners.KINDS`: whose links are hidden.
    test_years : int
        How many of the last years of the kind's links to hide (at least 1; default 1).

    Returns
    -------
    train : EcosystemGraph
    hidden : pandas.DataFrame
        ``source`` and ``target`` ids (str) of the pairs first linked in the test years.
    cutoff : int
        The first test year.

    Raises
    ------
    QueryError
        When no link of the kind carries a year, for an unknown kind, or for
        ``test_years`` below 1.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abcd"]},
    ...                {"SUPPLIES": [("a", "b", {"since": 2018}), ("b", "c", {"since": 2019}),
    ...                              ("c", "d", {"since": 2020})]})
    >>> train, hidden, cutoff = temporal_split(G, "enterprise-enterprise")
    >>> hidden.to_dict("records"), cutoff, len(train.edges["SUPPLIES"])
    ([{'source': 'c', 'target': 'd'}], 2020, 2)
    """
    if test_years < 1:
        raise QueryError(f"test_years must be at least 1 (got {test_years})")
    spec = _kind(kind)
    A = arrays(G)
    years = _link_years(G, A, spec)
    if not np.isfinite(years).any():
        raise QueryError(f"no link of kind {kind} ({', '.join(_link_types(spec))}) has a year")
    cutoff = int(np.nanmax(years)) - test_years + 1
    train = _before(G, cutoff)
    T = arrays(train)
    if not T.ids.equals(A.ids):  # the same nodes, so the same positions
        raise QueryError("the training graph must keep the nodes of the graph")
    new = np.setdiff1d(_keys(_pairs(A, spec), A.n, False), _keys(_pairs(T, spec), A.n, True))
    pairs = np.column_stack([new // A.n, new % A.n]).astype(np.int64)
    alive = A.alive(cutoff - 1)
    pairs = pairs[alive[pairs[:, 0]] & alive[pairs[:, 1]]]
    return train, _as_frame(A, pairs), cutoff
