"""A graph cut back to what existed in a year."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph

__all__ = ["as_of"]


def _alive(df: pd.DataFrame, year: int) -> np.ndarray:
    since = pd.to_numeric(df["since"], errors="coerce") if "since" in df.columns else None
    until = pd.to_numeric(df["until"], errors="coerce") if "until" in df.columns else None
    keep = np.ones(len(df), dtype=bool)
    if since is not None:
        keep &= ~(since > year).fillna(False).to_numpy(dtype=bool)
    if until is not None:
        keep &= ~(until < year).fillna(False).to_numpy(dtype=bool)
    return keep


def as_of(G: EcosystemGraph, year: int) -> EcosystemGraph:
    """The graph as it stood in ``year``: a new graph, ``G`` is not changed.

    Nodes and edges whose ``since`` is later or whose ``until`` is earlier are left out,
    and so are the edges of nodes left out and edges whose ``year`` (of support, of a
    location quotient) is later; ``demonstration`` and ``recognised`` years later than
    ``year`` become missing (the platform existed, not yet as a demonstration one).
    These are the rules by which the indicators count "as of" a year.

    Parameters
    ----------
    G : EcosystemGraph
        The graph, typically a whole build whose nodes and edges carry ``since`` and
        ``until`` years.
    year : int
        The year to cut back to; what began later or had ended earlier is left out.

    Returns
    -------
    EcosystemGraph
        With the same manifest plus ``as_of``; no package path.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Platform": [{"id": "p1", "name": "甲", "since": 2015,
    ...                               "demonstration": 2018},
    ...                              {"id": "p2", "name": "乙", "since": 2019}]})
    >>> old = as_of(G, 2017)
    >>> old.nodes["Platform"][["id", "demonstration"]].to_dict("records")
    [{'id': 'p1', 'demonstration': None}]
    """
    nodes: dict[str, pd.DataFrame] = {}
    kept: list[pd.Series] = []
    for label, df in G.nodes.items():
        out = df[_alive(df, year)].copy()
        for col in ("demonstration", "recognised"):
            if col in out.columns:
                later = (pd.to_numeric(out[col], errors="coerce") > year).fillna(False)
                out[col] = out[col].mask(later.to_numpy(dtype=bool))
        nodes[label] = out.reset_index(drop=True)
        kept.append(out["id"])
    ids = pd.concat(kept, ignore_index=True) if kept else pd.Series(dtype="string")
    edges: dict[str, pd.DataFrame] = {}
    for etype, df in G.edges.items():
        keep = _alive(df, year) & df["from_id"].isin(ids).to_numpy() & df["to_id"].isin(ids)
        if "year" in df.columns:
            keep &= ~(pd.to_numeric(df["year"], errors="coerce") > year).fillna(False)
        edges[etype] = df[np.asarray(keep, dtype=bool)].reset_index(drop=True)
    return EcosystemGraph(nodes, edges, manifest={**G.manifest, "as_of": year})
