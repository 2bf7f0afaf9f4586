"""Which firms count on a scoped graph (a province with its chain neighbourhood), where
each firm is, and the industry each is counted in."""

from __future__ import annotations

import numpy as np

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import (
    arrays,
    graph_scope,
)
from innokg.queries.node_text import node_text
from innokg.queries.sets import distinct

__all__ = ["placed", "preferred_industry", "province_members", "province_name", "scoped"]


def scoped(G: EcosystemGraph) -> bool:
    """Whether ``G`` is a province's graph with its chain neighbourhood.

    True when the package manifest names a ``scope`` (``innokg henan`` writes
    ``scope: henan``): the graph's regions are the province's, and an enterprise with
    no place in them is a firm of another province, kept because it trades with the
    province's firms.  Without a scope an unplaced firm is only of unknown location.

    Parameters
    ----------
    G : EcosystemGraph
        The graph; its ``manifest`` (from the package) is read.

    Returns
    -------
    bool

    Examples
    --------
    >>> from innokg.graph.ecosystem import EcosystemGraph
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}]})
    >>> scoped(G), scoped(EcosystemGraph(G.nodes, G.edges, manifest={"scope": "henan"}))
    (False, True)
    """
    return bool(getattr(G, "manifest", {}).get("scope"))


def placed(G: EcosystemGraph) -> np.ndarray:
    """Mask of the nodes located in a Region of the graph (at any level).

    A node is placed when a LOCATED_IN chain (through counties, zones) reaches a
    Region, or, for a node without a place of its own, when the organisation behind it
    is (a platform's operator, a team's host).  Unlike :meth:`GraphArrays.city` this
    counts firms placed only at province level (their city unknown).

    Parameters
    ----------
    G : EcosystemGraph

    Returns
    -------
    numpy.ndarray
        Booleans, one per node position of :func:`innokg.queries.arrays.arrays`.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
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


def _province_or_placed(G: EcosystemGraph) -> np.ndarray:
    inside = province_members(G)
    return inside if inside is not None else placed(G)


def province_members(G: EcosystemGraph) -> np.ndarray | None:
    """Mask of the nodes in the province of a scoped graph (None: not scoped).

    See :func:`scoped`; gap questions use it to report the province's organisations
    only, while the network they are measured on keeps the neighbourhood.

    Parameters
    ----------
    G : EcosystemGraph

    Returns
    -------
    numpy.ndarray or None
        Booleans, one per node position; None when ``G`` is not scoped.

    Examples
    --------
    >>> from innokg.graph.ecosystem import EcosystemGraph
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}],
    ...      "Region": [{"id": "region:41", "name": "河南省", "level": "province"}]},
    ...     {"LOCATED_IN": [("a", "region:41")]},
    ... )
    >>> province_members(G) is None
    True
    >>> henan = EcosystemGraph(G.nodes, G.edges, manifest={"scope": "henan"})
    >>> province_members(henan)[:2].tolist()
    [True, False]
    """
    if not scoped(G):
        return None
    scope = graph_scope(G)
    return scope.inside if scope is not None else placed(G)


def province_name(G: EcosystemGraph) -> str:
    """The name of the province the graph is about (:func:`graph_scope`), or of its only
    province-level Region ('' without either).

    Parameters
    ----------
    G : EcosystemGraph

    Returns
    -------
    str

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Region": [{"id": "region:41", "name": "河南省", "level": "province"}]})
    >>> province_name(G)
    '河南省'
    """
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

    Parameters
    ----------
    G : EcosystemGraph

    Returns
    -------
    numpy.ndarray
        Integers, one per node position: the position of its Industry, -1 where it has
        none.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}],
    ...      "Industry": [{"id": "sw", "name": "汽车", "scheme": "Shenwan 2021"},
    ...                   {"id": "gb", "name": "汽车制造业", "scheme": "GB/T 4754-2017"}]},
    ...     {"IN_INDUSTRY": [("a", "sw"), ("a", "gb")]},
    ... )
    >>> A = arrays(G)
    >>> str(A.names[preferred_industry(G)[A.index(["a"])[0]]])
    '汽车制造业'
    """
    A = arrays(G)
    if "preferred_industry" not in A.memo:
        out = A.industry().copy()
        src, dst = A.edges("IN_INDUSTRY")
        # each industry's scheme tested once, not once per firm classified in it (a
        # Python string per link took 2.5 s at ten million nodes)
        industries = distinct(dst)
        schemes = node_text(A, "scheme", industries).to_pylist()
        is_gbt = np.zeros(A.n, dtype=bool)
        is_gbt[industries] = [x.startswith("GB/T 4754") for x in schemes]
        gbt = is_gbt[dst]
        if gbt.any():
            uniq, first = np.unique(src[gbt], return_index=True)
            out[uniq] = dst[gbt][first]
        A.memo["preferred_industry"] = out
    return A.memo["preferred_industry"]
