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
held by the graph object itself (it goes when the graph goes).  Build a new
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

import contextlib
import ctypes
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import NodeNotFound, QueryError
from innokg.graph.schema import ORGANISATIONS
from innokg.queries.graph_arrays import GraphArrays
from innokg.queries.sets import distinct

__all__ = [
    "ORGANISATIONS",
    "ORG_EDGES",
    "GraphArrays",
    "Scope",
    "arrays",
    "clear_cache",
    "forget_results",
    "graph_scope",
    "resolve_city",
    "resolve_industries",
    "resolve_node",
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

#: The attribute a graph holds its arrays in.  Not a table keyed weakly on the graph:
#: the arrays refer to their graph, so such a table held every graph opened in a process
#: for good (at ten million nodes, 2.3 GB still held after ``innokg prepare``); a graph
#: and its arrays are one cycle, freed together.
_ARRAYS = "_innokg_arrays"


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
    found: GraphArrays | None = G.__dict__.get(_ARRAYS)
    if found is None or found.G is not G:  # a copy of a graph does not share its arrays
        found = GraphArrays(G)
        setattr(G, _ARRAYS, found)
    return found


def clear_cache(G: EcosystemGraph) -> None:
    """Forget the arrays (and cached results) of ``G``, after editing its tables.

    It also marks ``G`` edited, so results kept beside its package
    (:mod:`innokg.queries.kept`) are no longer read or written for it.

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
    G.__dict__.pop(_ARRAYS, None)
    G.mark_edited()


def forget_results(G: EcosystemGraph, keep: Callable[[object], bool] | None = None) -> None:
    """Let go of what was computed on ``G`` so far (clusters, matrices, edge ends), to
    free its memory for what comes next; the tables, and what is kept beside the
    package, stay.  A later question computes (or reads) again what it needs.

    Parameters
    ----------
    G : EcosystemGraph
        The graph.
    keep : callable, optional
        Keeps what was computed under the memo keys it says True for (pieces the next
        question shares with the last one); default: nothing is kept.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}]})
    >>> arrays(G).memo["found"] = 1
    >>> forget_results(G)
    >>> arrays(G).memo
    {}
    """
    found = G.__dict__.get(_ARRAYS)
    if found is not None:
        if keep is None:
            found.memo.clear()
        else:
            for key in [k for k in found.memo if not keep(k)]:
                del found.memo[key]
    _return_free_memory()


def _return_free_memory() -> None:
    """Hand memory freed by the allocators back to the system, so the next step's
    arrays find it: glibc's malloc (on Linux) and Arrow's pool keep freed memory for
    reuse, and the process's resident size would stay at the last step's peak."""
    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        # another C library (musl) has no malloc_trim: nothing to trim
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def _norm(text: str) -> str:
    return str(text).strip().casefold()


def resolve_city(G: EcosystemGraph, city: str | None) -> int | None:
    """The position of the city Region named by ``city``.

    Accepts a region id (``region:4101``), a division code (``4101``, or the six-digit
    ``410100`` of the national code list), a Chinese name with or without 市 (``郑州市``,
    ``郑州``) or an English name (``Zhengzhou``).

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
        When nothing (or more than one city) matches; the message lists cities, or says
        that the name is a county's (and which city to use instead), the province's
        own, or another province's.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Region": [{"id": "region:4101", "name": "郑州市", "code": "4101"}]})
    >>> resolve_city(G, "郑州") == resolve_city(G, "region:4101") == resolve_city(G, "410100") == 0
    True
    """
    if city is None:
        return None
    A = arrays(G)
    df = G.nodes["Region"].reset_index(drop=True)
    want = _norm(city)
    codes = {want}
    if len(want) == 6 and want.isdigit() and want.endswith("00"):  # 410100 is 4101
        codes |= {want[:4], want[:2]} if want.endswith("0000") else {want[:4]}
    hit = np.zeros(len(df), dtype=bool)
    for name in ("id", "code", "name", "name_en"):
        col = df.get(name, pd.Series([None] * len(df)))
        text = col.astype("string").fillna("").map(_norm).to_numpy(dtype=object)
        hit |= np.isin(text, list(codes)) if name == "code" else text == want
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
    city_pos = distinct(A.city()[pos])
    city_pos = city_pos[city_pos >= 0]
    if len(city_pos) != 1 or level[found[0]] != "city":
        raise QueryError(_not_a_city(G, city, found, level, cities))
    return int(city_pos[0])


def _not_a_city(
    G: EcosystemGraph, city: str, found: np.ndarray, level: np.ndarray, cities: list[str]
) -> str:
    """Why the Regions ``found`` for ``city`` are not one prefecture-level city."""
    A = arrays(G)
    names = A.column("Region", "name").astype("string").fillna("").to_numpy(dtype=object)
    some = "、".join(cities[:3]) or "none"
    if len(found) == 1:
        name, kind = str(names[found[0]]), level[found[0]]
        parent = A.city()[A.spans["Region"][0] + found[0]]
        if kind == "county" and parent >= 0:
            what = "a county-level city" if name.endswith("市") else "a county-level division"
            return f"{name} is {what} of {A.names[parent]}; use {A.names[parent]}"
        if kind == "province":
            scope = graph_scope(G)
            if scope is not None and scope.region == A.spans["Region"][0] + found[0]:
                return f"{name} is the province itself; leave out the city for all of {name}"
            if scope is not None:
                return (
                    f"{name} is outside this graph's province ({scope.name}); "
                    f"give a city of {scope.name}, e.g. {some}"
                )
            return f"{name} is a province, not a city; give a city, e.g. {some}"
    shown = ", ".join(str(names[i]) for i in found[:5])
    return (
        f"{city!r} names {shown}, not exactly one city; give a prefecture-level city "
        f"(e.g. {some}) or its region id"
    )


#: Properties that identify a node to a person: stock code, credit code (USCC), the
#: Ministry of Education's code, a division or class code.
NODE_CODES = ("stock_code", "credit_code", "uscc", "moe_code", "code")

#: Candidates listed when a text names several nodes.
SHOWN_CANDIDATES = 8


def _code_forms(value: str) -> set[str]:
    """``value`` and, for a stock code with its exchange (600066.SH), the bare code."""
    value = _norm(value)
    head, dot, tail = value.partition(".")
    return {value, head} if dot and head.isdigit() and tail.isalpha() else {value}


def resolve_node(G: EcosystemGraph, text: str, label: str | Sequence[str] | None = None) -> int:
    """The position of the one node that ``text`` names, as an analyst would type it.

    Tried in turn, the first step with any match deciding: the node's id; a code
    (``stock_code`` with or without its exchange, so ``600066`` finds ``600066.SH``;
    ``credit_code``, ``uscc``, ``moe_code``, ``code``; and the id ``ent:stock:TEXT``);
    the full name (Chinese or English, case ignored); part of the name, where a node
    named after another match (a firm's 技术中心 after the firm) yields to it.  An id is
    accepted whatever its label (the caller says what the node cannot be used for);
    codes and names are looked up among ``label`` only.

    Parameters
    ----------
    G : EcosystemGraph
        The graph.
    text : str
        An id, a code, a full name or a part of a name.
    label : str or sequence of str, optional
        The labels to look among (default: every label).

    Returns
    -------
    int
        The node's position in :func:`arrays`.

    Raises
    ------
    QueryError
        When the text names several nodes; the message lists up to
        :data:`SHOWN_CANDIDATES` of them with their ids and cities.
    NodeNotFound
        When nothing matches.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [
    ...     {"id": "ent:stock:600066", "name": "郑州宇通客车股份有限公司",
    ...      "stock_code": "600066.SH"},
    ...     {"id": "e2", "name": "宇通重工股份有限公司"}]})
    >>> [resolve_node(G, t) for t in ("e2", "600066", "宇通客车", "宇通重工股份有限公司")]
    [0, 1, 1, 0]
    """
    A = arrays(G)
    want = _norm(text)
    pos = int(A.index([str(text).strip()])[0])
    if pos >= 0:
        return pos
    labels = [label] if isinstance(label, str) else list(label or A.label_names)
    among = A.mask(*labels)
    names = A.names.astype(str)
    names_en = A.values("name_en", dtype="object", fill="").astype(str)
    folded = np.array([_norm(n) for n in names], dtype=object)
    folded_en = np.array([_norm(n) for n in names_en], dtype=object)
    part = [bool(want) and (want in a or want in b) for a, b in zip(folded, folded_en, strict=True)]
    steps = [  # each cheap on a province's graph, so all computed
        _code_hits(A, want) | _id_hit(A, f"ent:stock:{want}"),
        (folded == want) | (folded_en == want),
        np.array(part, dtype=bool),
    ]
    for i, step in enumerate(steps):
        found = np.flatnonzero(step & among)
        if i == len(steps) - 1 and len(found) > 1:  # X技术中心 is named after X: X is meant
            named = [folded[j] for j in found]
            found = np.array(
                [j for j in found if not any(o != folded[j] and o in folded[j] for o in named)],
                dtype=np.int64,
            )
        if len(found) == 1:
            return int(found[0])
        if len(found) > 1:
            raise QueryError(_several(A, text, found))
    kinds = "" if label is None else f" among the {', '.join(labels)} nodes"
    raise NodeNotFound(
        str(text),
        f"nothing in this graph matches {str(text)!r}{kinds}: give a node's id, a stock or "
        "credit code, its full name or a part of it that only it has; the search box of "
        "`innokg serve PACKAGE` finds names and ids",
    )


def _code_hits(A: GraphArrays, want: str) -> np.ndarray:
    hit = np.zeros(A.n, dtype=bool)
    if not want:
        return hit
    wanted = _code_forms(want)
    for name in NODE_CODES:
        values = A.values(name, dtype="object", fill="")
        hit |= np.array([bool(v) and bool(_code_forms(str(v)) & wanted) for v in values], bool)
    return hit


def _id_hit(A: GraphArrays, node_id: str) -> np.ndarray:
    hit = np.zeros(A.n, dtype=bool)
    pos = int(A.index([node_id])[0])
    if pos >= 0:
        hit[pos] = True
    return hit


def _several(A: GraphArrays, text: str, found: np.ndarray) -> str:
    """The message for a text that names several nodes: some of them, and how to pick."""
    city = A.city()
    shown = []
    for pos in found[:SHOWN_CANDIDATES]:
        where = str(A.names[city[pos]]) if city[pos] >= 0 else A.label(int(pos))
        shown.append(f"{A.names[pos]} ({A.ids[pos]}, {where})")
    more = len(found) - SHOWN_CANDIDATES
    return (
        f"{text!r} matches {len(found)} nodes: "
        + "; ".join(shown)
        + (f"; and {more} more" if more > 0 else "")
        + ". Give one of these ids, or more of the name"
    )


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
