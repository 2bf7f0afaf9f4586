"""Compact integer-indexed arrays of a graph, built once from its tables and cached.

The questions in :mod:`queries` work on positions, not on ids: every node's position
is its place in :attr:`innokg.graph.ecosystem.EcosystemGraph.node_ids` (label by label in
schema order, rows sorted by id), so the nodes of one label occupy one contiguous
span.  From the edge tables this module derives, once per graph:

- the endpoints of every edge type as integer arrays (look-ups in Arrow's hash tables,
  every edge type in one pass: :mod:`innokg.queries.id_index`; no Python loop over
  rows);
- scipy CSR matrices for any set of edge types, directed or symmetric;
- the city and the industry of every node that has one, following LOCATED_IN
  (county -> city, zone -> region) and, for nodes without a place of their own, the
  organisation behind them (a maker team's host, a platform's operator, a person's
  organisation);
- masks of what existed in a given year.

Everything is cached on a :class:`GraphArrays` (:mod:`innokg.queries.graph_arrays`)
kept per graph object (a weak reference: it goes when the graph goes).  Build a new
graph rather than editing the tables of one that has been queried, or call
:func:`clear_cache`.

Examples
--------
>>> from innokg.graph.testing import make_graph
>>> G = make_graph(
...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
...     {"SUPPLIES": [("a", "b")]},
... )
>>> A = arrays(G)
>>> A.index(["b", "a"]).tolist()
[1, 0]
>>> A.adjacency(("SUPPLIES",)).toarray()[:2, :2].tolist()
[[0.0, 1.0], [1.0, 0.0]]
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.graph.schema import ORGANISATIONS
from innokg.queries.graph_arrays import GraphArrays

__all__ = [
    "ORGANISATIONS",
    "ORG_EDGES",
    "GraphArrays",
    "Scope",
    "arrays",
    "clear_cache",
    "graph_scope",
    "resolve_city",
    "resolve_industries",
]

#: Edge types of the organisation network (structural holes, brokers, partner baselines).
ORG_EDGES = (
    "SUPPLIES",
    "COLLABORATES_WITH",
    "MEMBER_OF",
    "INVESTS_IN",
    "ESTABLISHED",
    "OPERATES",
    "HOSTS",
)

_CACHE: weakref.WeakKeyDictionary[EcosystemGraph, GraphArrays] = weakref.WeakKeyDictionary()


def arrays(G: EcosystemGraph) -> GraphArrays:
    """The cached :class:`GraphArrays` of ``G`` (built on first use).

    Parameters
    ----------
    G : EcosystemGraph
        The graph.

    Returns
    -------
    GraphArrays
        The same object for every call on the same graph, until :func:`clear_cache`.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}]})
    >>> arrays(G) is arrays(G), arrays(G).n
    (True, 1)
    """
    found = _CACHE.get(G)
    if found is None:
        found = GraphArrays(G)
        _CACHE[G] = found
    return found


def clear_cache(G: EcosystemGraph) -> None:
    """Forget the arrays (and cached results) of ``G``, after editing its tables.

    Parameters
    ----------
    G : EcosystemGraph
        The graph whose tables were edited.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}]})
    >>> before = arrays(G)
    >>> clear_cache(G)
    >>> arrays(G) is before
    False
    """
    _CACHE.pop(G, None)


def _norm(text: str) -> str:
    return str(text).strip().casefold()


def resolve_city(G: EcosystemGraph, city: str | None) -> int | None:
    """The position of the city Region named by ``city``.

    Accepts a region id (``region:4101``), a division code (``4101``), a Chinese name
    with or without 市 (``郑州市``, ``郑州``) or an English name (``Zhengzhou``).

    Parameters
    ----------
    G : EcosystemGraph
        The graph.
    city : str or None
        The city, in any of the forms above; None gives None.

    Returns
    -------
    int or None
        The city's position in :func:`arrays`.

    Raises
    ------
    QueryError
        When nothing (or more than one city) matches; the message lists cities.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Region": [{"id": "region:4101", "name": "郑州市", "code": "4101"}]})
    >>> resolve_city(G, "郑州") == resolve_city(G, "region:4101") == 0
    True
    """
    if city is None:
        return None
    A = arrays(G)
    df = G.nodes["Region"].reset_index(drop=True)
    want = _norm(city)
    cols = {
        "id": df["id"],
        "code": df.get("code", pd.Series([None] * len(df))),
        "name": df["name"],
        "name_en": df.get("name_en", pd.Series([None] * len(df))),
    }
    hit = np.zeros(len(df), dtype=bool)
    for name, col in cols.items():
        text = col.astype("string").fillna("").map(_norm).to_numpy(dtype=object)
        hit |= text == want
        if name == "name":
            hit |= np.array([t.removesuffix("市") == want.removesuffix("市") for t in text], bool)
    level = df["level"].astype("string").fillna("").to_numpy(dtype=object)
    cities = df.loc[level == "city", "name"].astype(str).tolist()
    found = np.flatnonzero(hit)
    if len(found) == 0:
        shown = "、".join(cities[:20]) + ("…" if len(cities) > 20 else "")
        raise QueryError(
            f"no city named {city!r} in this graph; give a city's name (e.g. 郑州 or 郑州市), "
            f"its code or its region id. Cities here: {shown or 'none'}"
        )
    pos = A.spans["Region"][0] + found
    city_pos = np.unique(A.city()[pos])
    city_pos = city_pos[city_pos >= 0]
    if len(city_pos) != 1 or level[found[0]] != "city":
        names = ", ".join(str(df["name"].iloc[i]) for i in found[:5])
        raise QueryError(
            f"{city!r} names {names}, not exactly one city; give a prefecture-level city "
            "(e.g. 郑州市) or its region id"
        )
    return int(city_pos[0])


def resolve_industries(G: EcosystemGraph, industry: str | None) -> np.ndarray | None:
    """Positions of the Industry named by ``industry`` and of every class under it.

    Accepts an id (``industry:gbt4754:C36``), a code (``C36``), a Chinese or English
    name.  Narrower classes come from SUBCLASS_OF, so ``C`` means all manufacturing.

    Parameters
    ----------
    G : EcosystemGraph
        The graph.
    industry : str or None
        The industry, in any of the forms above; None gives None.

    Returns
    -------
    numpy.ndarray or None
        Sorted Industry positions.

    Raises
    ------
    QueryError
        When no industry matches.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Industry": [{"id": "industry:gbt4754:C", "name": "制造业", "code": "C"},
    ...                   {"id": "industry:gbt4754:C36", "name": "汽车制造业", "code": "C36"}]},
    ...     {"SUBCLASS_OF": [("industry:gbt4754:C36", "industry:gbt4754:C")]},
    ... )
    >>> resolve_industries(G, "C").tolist(), resolve_industries(G, "汽车制造业").tolist()
    ([0, 1], [1])
    """
    if industry is None:
        return None
    A = arrays(G)
    df = G.nodes["Industry"].reset_index(drop=True)
    want = _norm(industry)
    hit = np.zeros(len(df), dtype=bool)
    for name in ("id", "code", "name", "name_en"):
        if name in df.columns:
            hit |= (df[name].astype("string").fillna("").map(_norm) == want).to_numpy(bool)
    if not hit.any():
        codes = ", ".join(df["code"].astype(str).head(12)) if len(df) else "none"
        raise QueryError(
            f"no industry {industry!r} in this graph; give an industry id, code or name "
            f"(codes here include {codes})"
        )
    start = A.spans["Industry"][0]
    chosen = set((start + np.flatnonzero(hit)).tolist())
    src, dst = A.edges("SUBCLASS_OF")
    while True:  # add narrower classes until nothing new
        more = set(src[np.isin(dst, list(chosen))].tolist()) - chosen
        if not more:
            break
        chosen |= more
    return np.array(sorted(chosen), dtype=np.int64)


# --- the province a graph is about ---------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The province a graph is about, and which nodes lie in it (see :func:`graph_scope`).

    Parameters
    ----------
    region : int
        The position of the province Region.
    name, name_en : str
        Its Chinese and English names.
    inside : numpy.ndarray
        One bool per node: located in the province.
    """

    region: int  # position of the province Region
    name: str  # its Chinese name (河南省)
    name_en: str  # its English name (Henan)
    inside: np.ndarray  # bool per node: located (through any chain of LOCATED_IN) in it


def graph_scope(G: EcosystemGraph) -> Scope | None:
    """The province the graph is about, or None.

    A graph has a scope when it has one province-level Region (or several, one of which
    the manifest's ``scope`` names) and some enterprise is located in it, through any
    chain of LOCATED_IN (firm -> county -> city -> province, firm -> zone -> ...).  The
    real Henan build has one: Henan's firms and their chain neighbours of other
    provinces, which are located nowhere in the graph.

    Parameters
    ----------
    G : EcosystemGraph
        The graph; its manifest's ``scope`` or ``scope_region`` picks the province
        when it has several.

    Returns
    -------
    Scope or None
        The province and the nodes inside it, or None.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}],
    ...      "Region": [{"id": "region:41", "name": "河南省", "level": "province"},
    ...                 {"id": "region:4101", "name": "郑州市", "level": "city"}]},
    ...     {"LOCATED_IN": [("a", "region:4101"), ("region:4101", "region:41")]},
    ... )
    >>> scope = graph_scope(G)
    >>> scope.region, scope.name, scope.inside.tolist()
    (2, '河南省', [True, False, True, True])
    """
    A = arrays(G)
    key = ("partners-scope",)
    if key in A.memo:
        return A.memo[key]
    A.memo[key] = None
    start, stop = A.spans["Region"]
    level = A.column("Region", "level").to_numpy(dtype=object, na_value="")
    provinces = np.flatnonzero(level == "province")
    if len(provinces) == 0:
        return None
    names = A.column("Region", "name").astype("string").fillna("").to_numpy(dtype=object)
    names_en = (
        A.column("Region", "name_en").astype("string").fillna("").to_numpy(dtype=object)
        if "name_en" in G.nodes["Region"].columns
        else np.full(stop - start, "", dtype=object)
    )
    manifest = getattr(G, "manifest", None) or {}
    wanted = str(manifest.get("scope") or "").strip().lower()
    region_id = str(manifest.get("scope_region") or "")
    ids = A.column("Region", "id").astype("string").fillna("").to_numpy(dtype=object)
    if region_id and region_id in set(ids[provinces]):
        provinces = np.array([i for i in provinces if ids[i] == region_id])
    elif len(provinces) > 1:
        hit = [
            i
            for i in provinces
            if wanted
            and (str(names_en[i]).lower().startswith(wanted) or str(names[i]).startswith(wanted))
        ]
        if len(hit) != 1:
            return None
        provinces = np.array(hit)
    i = int(provinces[0])
    region = start + i
    inside = np.zeros(A.n, dtype=bool)
    inside[region] = True
    src, dst = A.edges("LOCATED_IN")
    for _ in range(6):  # firm -> zone -> county -> city -> province
        grow = inside[dst] & ~inside[src]
        if not grow.any():
            break
        inside[src[grow]] = True
    city = A.city()  # teams, platforms, ... placed through their host
    inside |= (city >= 0) & inside[np.maximum(city, 0)]
    if not (inside & A.mask("Enterprise")).any():
        return None
    name_en = str(names_en[i]) or (wanted.title() if wanted else "") or str(names[i])
    A.memo[key] = Scope(region, str(names[i]), name_en, inside)
    return A.memo[key]
