"""What changed between two builds of a graph: last year's package and this year's.

:func:`graph_diff` compares two graphs node by node and edge by edge and asks the policy's
questions of both, giving one table per kind of change (a :class:`GraphDiff`):

- ``summary``: per node label and edge type, how many there were and are, added,
  removed and changed;
- ``nodes`` and ``edges``: every node and edge added, removed or changed, with the
  properties that changed (``size: medium -> large``);
- ``platforms``, ``alliances``: the new ones, where they are and who runs them;
- ``demonstrations``: platforms and maker teams newly recognised as demonstration
  (示范) ones;
- ``lost_suppliers``: supply links that ended while the buyer is still there, with the
  suppliers of that input the buyer has left;
- ``single_sourced``: inputs that became single-sourced (and those that no longer are);
- ``indicators``: each policy indicator of each city (and the province) then and now,
  with the change and whether a target became met;
- ``clusters``: supply-chain clusters that continued, split, merged, appeared or
  dissolved.

Identity
    A node is the same node when its ``id`` is (ids are stable across builds); an edge
    is the same edge when its type, endpoints and its distinguishing property are (the
    ``product`` of SUPPLIES, the ``kind`` of COLLABORATES_WITH, the ``year`` of
    SPECIALISES_IN); parallel edges that agree on all of these pair off identical ones
    first, the rest in a fixed order.
    A node or edge is *changed* when a property other than ``source`` (provenance, which
    names the file and differs with every download) differs; numbers are compared to
    nine significant digits.  Only the properties both builds have are compared.

As of when
    The questions are asked of each graph as of its own latest year
    (:func:`~innokg.queries.indicators.latest_year`, as ``innokg indicators`` does):
    what had ended (``until``) by then does not count.  ``old_year`` / ``new_year``
    override it.  :func:`as_of` cuts one build back to an earlier year, which gives a
    year-on-year comparison from a single package.

Clusters across builds
    Clusters are found in each graph separately
    (:func:`~innokg.queries.clusters.supply_clusters`, same seed) and matched by the
    Jaccard overlap of their member enterprises: an old and a new cluster match when the
    members they share are at least ``match`` (0.3) of the members either has.  The
    matches form groups: one old and one new cluster
    ``continued``; one old and several new ``split``; several old and one new
    ``merged``; several of each ``regrouped``; an old cluster matching none
    ``dissolved``; a new one matching none is ``new``.

Examples
--------
>>> from tests.factory import make_graph
>>> old = make_graph({"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]},
...                  {"SUPPLIES": [("a", "b", {"product": "钢材"})]})
>>> new = make_graph({"Enterprise": [{"id": "a", "name": "甲", "size": "large"},
...                                  {"id": "c", "name": "丙"}]})
>>> d = graph_diff(old, new, clusters=False)
>>> d.nodes[["change", "id", "fields"]].to_dict("records")
[{'change': 'added', 'id': 'c', 'fields': ''}, \
{'change': 'changed', 'id': 'a', 'fields': 'size: (none) -> large'}, \
{'change': 'removed', 'id': 'b', 'fields': ''}]
>>> d.edges[["change", "type", "from_name", "to_name", "key"]].to_dict("records")
[{'change': 'removed', 'type': 'SUPPLIES', 'from_name': '甲', 'to_name': '乙', 'key': '钢材'}]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.graph.schema import EDGE_ENDPOINT_COLUMNS, EDGE_TYPES, NODE_LABELS
from innokg.queries.arrays import arrays
from innokg.queries.clusters import cluster_members, single_sourced_inputs, supply_clusters
from innokg.queries.indicators import latest_year, policy_indicators

__all__ = [
    "CLUSTER_EVENTS",
    "EDGE_KEYS",
    "SECTIONS",
    "GraphDiff",
    "SinceSection",
    "as_of",
    "graph_diff",
    "since_section",
]

Lang = Literal["zh", "en"]

#: The property that tells apart two edges of one type between the same endpoints.
EDGE_KEYS: dict[str, tuple[str, ...]] = {
    "SUPPLIES": ("product",),
    "COLLABORATES_WITH": ("kind",),
    "SPECIALISES_IN": ("year",),
}

#: The tables of a :class:`GraphDiff`, in order: name -> (Chinese, English) title.
SECTIONS: dict[str, tuple[str, str]] = {
    "summary": ("变化概览", "Summary of changes"),
    "indicators": ("各市指标变化", "Indicators by city, then and now"),
    "platforms": ("新增双创平台", "New platforms"),
    "demonstrations": ("新认定示范平台与团队", "New demonstration platforms and teams"),
    "alliances": ("新增联盟", "New alliances"),
    "lost_suppliers": ("失去的供应商", "Lost suppliers"),
    "single_sourced": ("单一来源投入的变化", "Single-sourced inputs, new and resolved"),
    "clusters": ("产业链集群的变化", "Supply-chain clusters: continued, split, merged"),
    "nodes": ("节点变化明细", "Nodes added, removed and changed"),
    "edges": ("关系变化明细", "Edges added, removed and changed"),
}

#: Cluster events: key -> (Chinese, English).
CLUSTER_EVENTS: dict[str, tuple[str, str]] = {
    "continued": ("延续", "continued"),
    "split": ("分裂", "split"),
    "merged": ("合并", "merged"),
    "regrouped": ("重组", "regrouped (split and merged)"),
    "new": ("新出现", "new"),
    "dissolved": ("消失", "dissolved"),
}

_IGNORE = ("source",)
_NONE = "(none)"
_ORDER = {"added": 0, "changed": 1, "removed": 2}
#: (met before, met now) -> status; without a target on either side: empty.
_STATUS = {
    (False, True): "newly met",
    (True, False): "no longer met",
    (True, True): "still met",
    (False, False): "still not met",
}


# --- the graph as of a year ---------------------------------------------------------------


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
    year : int

    Returns
    -------
    EcosystemGraph
        With the same manifest plus ``as_of``; no package path.

    Examples
    --------
    >>> from tests.factory import make_graph
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


# --- comparing tables ---------------------------------------------------------------------


def _is_number(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def _differs(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise: do the values differ?  Missing equals missing."""
    na_a = a.isna().to_numpy(dtype=bool)
    na_b = b.isna().to_numpy(dtype=bool)
    out = na_a != na_b
    both = ~(na_a | na_b)
    if both.any():
        if _is_number(a) and _is_number(b):
            x = a.to_numpy(dtype=float, na_value=np.nan)[both]
            y = b.to_numpy(dtype=float, na_value=np.nan)[both]
            out[both] = ~np.isclose(x, y, rtol=1e-9, atol=0.0)
        else:
            x = a.astype(object).to_numpy()[both]
            y = b.astype(object).to_numpy()[both]
            out[both] = np.array([str(p) != str(q) for p, q in zip(x, y, strict=True)], bool)
    return out


def _text(value: Any) -> str:
    if value is None or value is pd.NA:
        return _NONE
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return _NONE
        return f"{float(value):.6g}"
    return str(value)


def _fields(merged: pd.DataFrame, cols: Sequence[str]) -> tuple[np.ndarray, pd.Series, pd.Series]:
    """Which rows of an outer merge changed, the changed columns and ``a -> b`` text."""
    n = len(merged)
    changed = np.zeros(n, dtype=bool)
    names: list[list[str]] = [[] for _ in range(n)]
    texts: list[list[str]] = [[] for _ in range(n)]
    both = (merged["_merge"] == "both").to_numpy(dtype=bool)
    for col in cols:
        old, new = merged[f"{col}_old"], merged[f"{col}_new"]
        diff = _differs(old, new) & both
        if not diff.any():
            continue
        changed |= diff
        o = old.astype(object).to_numpy()
        w = new.astype(object).to_numpy()
        for i in np.flatnonzero(diff):
            names[i].append(col)
            texts[i].append(f"{col}: {_text(o[i])} -> {_text(w[i])}")
    return (
        changed,
        pd.Series([", ".join(x) for x in names], index=merged.index, dtype="string"),
        pd.Series(["; ".join(x) for x in texts], index=merged.index, dtype="string"),
    )


def _change(merged: pd.DataFrame, changed: np.ndarray) -> np.ndarray:
    """``added``, ``removed``, ``changed`` or empty for each row of an outer merge."""
    side = merged["_merge"].astype(str).to_numpy()
    out = np.full(len(merged), "", dtype=object)
    out[side == "left_only"] = "removed"
    out[side == "right_only"] = "added"
    out[(side == "both") & changed] = "changed"
    return out


def _compared(
    old: pd.DataFrame, new: pd.DataFrame, props: Iterable[str], skip: Iterable[str]
) -> list[str]:
    skip = set(skip)
    return [p for p in props if p not in skip and p in old.columns and p in new.columns]


def _names(G: EcosystemGraph) -> pd.Series:
    frames = [df[["id", "name"]] for df in G.nodes.values() if len(df)]
    if not frames:
        return pd.Series(dtype="string")
    both = pd.concat(frames, ignore_index=True).drop_duplicates("id")
    return pd.Series(both["name"].astype("string").to_numpy(), index=both["id"].astype(str))


def _diff_nodes(old: EcosystemGraph, new: EcosystemGraph, ignore: Sequence[str]) -> pd.DataFrame:
    frames = []
    for label, spec in NODE_LABELS.items():
        o = old.nodes.get(label)
        n = new.nodes.get(label)
        if o is None or n is None or (o.empty and n.empty):
            continue
        cols = _compared(o, n, (p.name for p in spec.props), ("id", *ignore))
        m = o[["id", *cols]].merge(
            n[["id", *cols]], on="id", how="outer", suffixes=("_old", "_new"), indicator=True
        )
        changed, which, text = _fields(m, cols)
        change = _change(m, changed)
        keep = change != ""
        if not keep.any():
            continue
        name_old = m["name_old"] if "name" in cols else pd.Series(pd.NA, index=m.index)
        name_new = m["name_new"] if "name" in cols else pd.Series(pd.NA, index=m.index)
        frames.append(
            pd.DataFrame(
                {
                    "change": change[keep],
                    "label": label,
                    "id": m["id"].astype(str).to_numpy()[keep],
                    "name": name_new.fillna(name_old).astype("string").to_numpy()[keep],
                    "changed": which.to_numpy()[keep],
                    "fields": text.to_numpy()[keep],
                }
            )
        )
    columns = ["change", "label", "id", "name", "changed", "fields"]
    return _sorted(frames, columns, ["label", "id"], order=list(NODE_LABELS))


def _sorted(
    frames: list[pd.DataFrame], columns: list[str], by: list[str], *, order: list[str]
) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    out = pd.concat(frames, ignore_index=True)
    rank = out["change"].map(_ORDER)
    kind = out[by[0]].map({k: i for i, k in enumerate(order)})
    out = (
        out.assign(_c=rank, _k=kind)
        .sort_values(["_k", "_c", *by[1:]], kind="stable")
        .drop(columns=["_c", "_k"])
        .reset_index(drop=True)
    )
    return out.astype({c: "string" for c in columns})


def _signature(df: pd.DataFrame, cols: Sequence[str]) -> np.ndarray:
    """A hash of the compared values of each row (equal values, equal hashes)."""
    if not cols:
        return np.zeros(len(df), dtype=np.uint64)
    return pd.util.hash_pandas_object(df[list(cols)], index=False).to_numpy()


def _edge_frame(df: pd.DataFrame, keys: Sequence[str], cols: Sequence[str]) -> pd.DataFrame:
    """Edges with their key (``_key``) and a hash of their compared values (``_sig``)."""
    out = df[[*EDGE_ENDPOINT_COLUMNS, *cols]].copy()
    out["_key"] = df[keys[0]].astype("string").fillna("").to_numpy(dtype=object) if keys else ""
    for c in EDGE_ENDPOINT_COLUMNS:
        out[c] = out[c].astype(str)
    out["_sig"] = _signature(out, cols)
    return out.reset_index(drop=True)


def _unmatched(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The edges of each side left once identical edges (same endpoints, key and values)
    are paired off, one for one; each with ``_n``, its rank among the edges it could
    still pair with (same endpoints and key), in the order of its values."""
    exact = [*EDGE_ENDPOINT_COLUMNS, "_key", "_sig"]
    o = old.assign(_m=old.groupby(exact, sort=False).cumcount())
    n = new.assign(_m=new.groupby(exact, sort=False).cumcount())
    both = (
        o[[*exact, "_m"]]
        .reset_index()
        .merge(n[[*exact, "_m"]].reset_index(), on=[*exact, "_m"], suffixes=("_o", "_n"))
    )
    o = o.drop(index=both["index_o"]).drop(columns="_m")
    n = n.drop(index=both["index_n"]).drop(columns="_m")
    group = [*EDGE_ENDPOINT_COLUMNS, "_key"]
    o, n = (side.sort_values([*group, "_sig"], kind="stable") for side in (o, n))
    o["_n"] = o.groupby(group, sort=False).cumcount()
    n["_n"] = n.groupby(group, sort=False).cumcount()
    return o, n


def _diff_edges(
    old: EcosystemGraph,
    new: EcosystemGraph,
    ignore: Sequence[str],
    old_names: pd.Series,
    new_names: pd.Series,
) -> pd.DataFrame:
    frames = []
    for etype, spec in EDGE_TYPES.items():
        o = old.edges.get(etype)
        n = new.edges.get(etype)
        if o is None or n is None or (o.empty and n.empty):
            continue
        keys = [k for k in EDGE_KEYS.get(etype, ()) if k in o.columns and k in n.columns]
        cols = _compared(o, n, (p.name for p in spec.props), (*keys, *ignore))
        left, right = _unmatched(_edge_frame(o, keys, cols), _edge_frame(n, keys, cols))
        m = left.drop(columns="_sig").merge(
            right.drop(columns="_sig"),
            on=[*EDGE_ENDPOINT_COLUMNS, "_key", "_n"],
            how="outer",
            suffixes=("_old", "_new"),
            indicator=True,
        )
        changed, which, text = _fields(m, cols)
        change = _change(m, changed)
        keep = change != ""
        if not keep.any():
            continue
        u = m["from_id"].astype(str)
        v = m["to_id"].astype(str)
        names = new_names.combine_first(old_names)
        frames.append(
            pd.DataFrame(
                {
                    "change": change[keep],
                    "type": etype,
                    "from_id": u.to_numpy()[keep],
                    "from_name": u.map(names).to_numpy()[keep],
                    "to_id": v.to_numpy()[keep],
                    "to_name": v.map(names).to_numpy()[keep],
                    "key": m["_key"].to_numpy()[keep],
                    "changed": which.to_numpy()[keep],
                    "fields": text.to_numpy()[keep],
                }
            )
        )
    columns = ["change", "type", "from_id", "from_name", "to_id", "to_name", "key", "changed"]
    columns.append("fields")
    return _sorted(frames, columns, ["type", "from_id", "to_id", "key"], order=list(EDGE_TYPES))


def _summary(
    old: EcosystemGraph, new: EcosystemGraph, nodes: pd.DataFrame, edges: pd.DataFrame
) -> pd.DataFrame:
    rows = []
    for kind, names, table, col in (
        ("node", NODE_LABELS, nodes, "label"),
        ("edge", EDGE_TYPES, edges, "type"),
    ):
        for name in names:
            tables_old = old.nodes if kind == "node" else old.edges
            tables_new = new.nodes if kind == "node" else new.edges
            n_old = len(tables_old.get(name, ()))
            n_new = len(tables_new.get(name, ()))
            counts = table.loc[table[col] == name, "change"].value_counts()
            row = (
                kind,
                name,
                n_old,
                n_new,
                int(counts.get("added", 0)),
                int(counts.get("removed", 0)),
                int(counts.get("changed", 0)),
            )
            if any(row[2:]):
                rows.append(row)
    out = pd.DataFrame(rows, columns=["kind", "name", "old", "new", "added", "removed", "changed"])
    return out.astype(
        {"kind": "string", "name": "string"} | dict.fromkeys(out.columns[2:], "int64")
    )


# --- what a policy office reads -----------------------------------------------------------


def _place(G: EcosystemGraph, ids: pd.Series) -> np.ndarray:
    """The city name of each id in ``G`` (empty where unknown)."""
    A = arrays(G)
    pos = A.index(ids.astype(str).to_numpy())
    city = np.where(pos >= 0, A.city()[np.maximum(pos, 0)], -1)
    return np.where(city >= 0, A.names[np.maximum(city, 0)], "").astype(object)


def _runners(G: EcosystemGraph, ids: pd.Series, names: pd.Series | None = None) -> np.ndarray:
    """Who set up or runs each platform (names, ``; ``-separated)."""
    frames = [G.edges[t][["from_id", "to_id"]] for t in ("ESTABLISHED", "OPERATES") if t in G.edges]
    if not frames:
        return np.full(len(ids), "", dtype=object)
    links = pd.concat(frames, ignore_index=True).astype(str).drop_duplicates()
    names = _names(G) if names is None else names
    links["who"] = links["from_id"].map(names).fillna(links["from_id"])
    by = links.groupby("to_id")["who"].agg(lambda s: "; ".join(sorted(s.astype(str))))
    found = by.to_dict()
    return np.array([found.get(i, "") for i in ids.astype(str)], dtype=object)


def _new_nodes(
    G: EcosystemGraph, nodes: pd.DataFrame, label: str, columns: Sequence[str]
) -> pd.DataFrame:
    ids = nodes.loc[(nodes["label"] == label) & (nodes["change"] == "added"), "id"]
    table = G.nodes[label]
    rows = table[table["id"].isin(ids)].sort_values("id").reset_index(drop=True)
    keep = [c for c in ("id", "name", *columns) if c in rows.columns]
    out = rows[keep].copy()
    out.insert(2, "city", pd.Series(_place(G, out["id"]), index=out.index, dtype="string"))
    return out


def _new_platforms(new: EcosystemGraph, nodes: pd.DataFrame) -> pd.DataFrame:
    out = _new_nodes(new, nodes, "Platform", ("kind", "demonstration", "since"))
    out["run_by"] = pd.Series(_runners(new, out["id"]), index=out.index, dtype="string")
    return out


def _new_alliances(new: EcosystemGraph, nodes: pd.DataFrame) -> pd.DataFrame:
    out = _new_nodes(new, nodes, "Alliance", ("kind", "since"))
    members = new.edges["MEMBER_OF"]["to_id"].astype(str).value_counts()
    out["members"] = out["id"].astype(str).map(members).fillna(0).astype("int64")
    return out


def _demonstrations(old: EcosystemGraph, new: EcosystemGraph) -> pd.DataFrame:
    frames = []
    for label in ("Platform", "MakerTeam"):
        n = new.nodes[label]
        if "demonstration" not in n.columns:
            continue
        now = n[n["demonstration"].notna()]
        o = old.nodes[label]
        before = (
            set(o.loc[o["demonstration"].notna(), "id"].astype(str))
            if "demonstration" in o.columns
            else set()
        )
        existed = set(o["id"].astype(str))
        fresh = now[~now["id"].astype(str).isin(before)]
        if fresh.empty:
            continue
        frames.append(
            pd.DataFrame(
                {
                    "label": label,
                    "id": fresh["id"].astype(str).to_numpy(),
                    "name": fresh["name"].to_numpy(),
                    "kind": fresh["kind"].to_numpy() if "kind" in fresh.columns else pd.NA,
                    "city": _place(new, fresh["id"]),
                    "demonstration": fresh["demonstration"].astype("Int64").to_numpy(),
                    "new_node": ~fresh["id"].astype(str).isin(existed).to_numpy(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            {
                "label": pd.Series(dtype="string"),
                "id": pd.Series(dtype="string"),
                "name": pd.Series(dtype="string"),
                "kind": pd.Series(dtype="string"),
                "city": pd.Series(dtype="string"),
                "demonstration": pd.Series(dtype="Int64"),
                "new_node": pd.Series(dtype="bool"),
            }
        )
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["label", "demonstration", "id"], kind="stable", ignore_index=True)
    return out.astype(
        {"label": "string", "id": "string", "name": "string", "kind": "string", "city": "string"}
    )


def _supplies(G: EcosystemGraph, year: int | None) -> pd.DataFrame:
    """The supply links alive in ``year``: supplier, buyer, input."""
    A = arrays(G)
    src, dst = A.edges("SUPPLIES", year=year)
    rows = A.edge_rows("SUPPLIES", year=year)
    product = G.edges["SUPPLIES"]["product"].astype("string").fillna("(unspecified)")
    return pd.DataFrame(
        {
            "supplier": A.ids[src].astype(str),
            "buyer": A.ids[dst].astype(str),
            "input": product.to_numpy(dtype=object)[rows].astype(str),
        }
    ).drop_duplicates()


def _lost_suppliers(
    old: EcosystemGraph,
    new: EcosystemGraph,
    old_year: int | None,
    new_year: int | None,
) -> pd.DataFrame:
    before = _supplies(old, old_year)
    after = _supplies(new, new_year)
    alive_new = arrays(new).alive(new_year)
    present = set(arrays(new).ids[alive_new].astype(str))
    lost = before.merge(after, how="left", indicator=True)
    lost = lost[(lost["_merge"] == "left_only") & lost["buyer"].isin(present)]
    left = after.groupby(["buyer", "input"]).size().rename("suppliers_left").reset_index()
    lost = lost.drop(columns="_merge").merge(left, on=["buyer", "input"], how="left")
    names = _names(new).combine_first(_names(old))
    out = pd.DataFrame(
        {
            "buyer": lost["buyer"].to_numpy(),
            "buyer_name": lost["buyer"].map(names).to_numpy(),
            "input": lost["input"].to_numpy(),
            "supplier": lost["supplier"].to_numpy(),
            "supplier_name": lost["supplier"].map(names).to_numpy(),
            "supplier_gone": ~lost["supplier"].isin(present).to_numpy(),
            "suppliers_left": lost["suppliers_left"].fillna(0).astype("int64").to_numpy(),
        }
    )
    out = out.sort_values(["suppliers_left", "buyer", "input", "supplier"], ignore_index=True)
    return out.astype(
        {c: "string" for c in ("buyer", "buyer_name", "input", "supplier")}
        | {"supplier_name": "string"}
    )


def _single_sourced(
    old: EcosystemGraph, new: EcosystemGraph, old_year: int | None, new_year: int | None
) -> pd.DataFrame:
    before = single_sourced_inputs(old, year=old_year)
    after = single_sourced_inputs(new, year=new_year)
    key = ["buyer", "input"]
    fresh = after.merge(before[key], on=key, how="left", indicator=True)
    fresh = fresh[fresh["_merge"] == "left_only"].drop(columns="_merge").assign(change="new")
    gone = before.merge(after[key], on=key, how="left", indicator=True)
    gone = gone[gone["_merge"] == "left_only"].drop(columns="_merge").assign(change="")
    supplies = {"old": _supplies(old, old_year), "new": _supplies(new, new_year)}
    out = pd.concat([fresh, gone], ignore_index=True)
    for k, df in supplies.items():
        counts = df.groupby(key).size().rename(f"{k}_suppliers").reset_index()
        out = out.merge(counts, on=key, how="left")
        n = out[f"{k}_suppliers"].fillna(0).astype("Int64")
        # inferred from what firms make: there are no supply links to count
        out[f"{k}_suppliers"] = n.mask(out["basis"].to_numpy(dtype=object) == "products")
    A = arrays(new)
    present = set(A.ids[A.alive(new_year)].astype(str))
    here = out["buyer"].astype(str).isin(present).to_numpy(dtype=bool)
    none_left = (out["new_suppliers"].fillna(1) == 0).to_numpy(dtype=bool)
    change = out["change"].to_numpy(dtype=object).copy()
    was = change == ""
    change[was & (~here | none_left)] = "ended"
    change[was & here & ~none_left] = "resolved"
    out["change"] = change
    cols = ["change", "buyer", "buyer_name", "input", "supplier", "supplier_name", "basis"]
    out = out[[*cols, "old_suppliers", "new_suppliers"]]
    rank = out["change"].map({"new": 0, "ended": 1, "resolved": 2})
    out = out.assign(_r=rank).sort_values(["_r", "buyer", "input"], ignore_index=True)
    return out.drop(columns="_r").astype(dict.fromkeys(cols, "string"))


def _indicators(
    old: EcosystemGraph, new: EcosystemGraph, old_year: int | None, new_year: int | None
) -> pd.DataFrame:
    def rows(G: EcosystemGraph, year: int | None) -> pd.DataFrame:
        both = pd.concat(
            [policy_indicators(G, year=year), policy_indicators(G, by="city", year=year)],
            ignore_index=True,
        )
        return both[both["measurable"].fillna(False).astype(bool)]

    o, n = rows(old, old_year), rows(new, new_year)
    keep = ["by", "group", "group_name", "article", "indicator", "indicator_zh", "indicator_en"]
    keep += ["unit"]
    m = n[[*keep, "value", "target", "met", "year"]].merge(
        o[["group", "indicator", "value", "met", "year"]],
        on=["group", "indicator"],
        how="outer",
        suffixes=("_new", "_old"),
    )
    for col in keep:  # rows measurable only in the old build take their labels from it
        if col in ("group", "indicator"):
            continue
        lookup = o.drop_duplicates(["group", "indicator"]).set_index(["group", "indicator"])[col]
        idx = pd.MultiIndex.from_frame(m[["group", "indicator"]])
        m[col] = m[col].fillna(pd.Series(lookup.reindex(idx).to_numpy(), index=m.index))
    old_met = m["met_old"].astype("boolean")
    new_met = m["met_new"].astype("boolean")
    o_met = old_met.to_numpy(dtype=object, na_value=None)
    n_met = new_met.to_numpy(dtype=object, na_value=None)
    status = np.array(
        [_STATUS.get((a, b), "") for a, b in zip(o_met, n_met, strict=True)], dtype=object
    )
    out = pd.DataFrame(
        {
            "by": m["by"],
            "group": m["group"],
            "group_name": m["group_name"],
            "article": m["article"].astype("Int64"),
            "indicator": m["indicator"],
            "indicator_zh": m["indicator_zh"],
            "indicator_en": m["indicator_en"],
            "unit": m["unit"],
            "old_year": m["year_old"].astype("Int64"),
            "new_year": m["year_new"].astype("Int64"),
            "old_value": m["value_old"].astype(float),
            "new_value": m["value_new"].astype(float),
            "change": (m["value_new"] - m["value_old"]).astype(float),
            "target": m["target"].astype(float),
            "old_met": old_met,
            "new_met": new_met,
            "status": status,
        }
    )
    out["_p"] = (out["by"] != "province").astype(int)
    out["_a"] = out["article"].fillna(99)
    out = out.sort_values(["_p", "group", "_a", "indicator"], kind="stable").drop(
        columns=["_p", "_a"]
    )
    text = ["by", "group", "group_name", "indicator", "indicator_zh", "indicator_en", "unit"]
    return out.reset_index(drop=True).astype(dict.fromkeys([*text, "status"], "string"))


def _cluster_table(
    G: EcosystemGraph, seed: int, year: int | None, min_size: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    clusters = supply_clusters(G, seed=seed, year=year, min_size=min_size)
    members = cluster_members(G, seed=seed, year=year, min_size=min_size)
    return clusters, members[["cluster", "id"]].astype({"id": str})


def _components(edges: list[tuple[str, str]], nodes: Iterable[str]) -> list[list[str]]:
    parent = {x: x for x in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return list(groups.values())


def _clusters(
    old: EcosystemGraph,
    new: EcosystemGraph,
    old_year: int | None,
    new_year: int | None,
    *,
    seed: int,
    match: float,
    min_size: int,
) -> pd.DataFrame:
    co, mo = _cluster_table(old, seed, old_year, min_size)
    cn, mn = _cluster_table(new, seed, new_year, min_size)
    size_o = mo.groupby("cluster").size()
    size_n = mn.groupby("cluster").size()
    pairs = mo.merge(mn, on="id", suffixes=("_old", "_new"))
    pairs = pairs.groupby(["cluster_old", "cluster_new"]).size().rename("shared").reset_index()
    pairs["jaccard"] = pairs["shared"] / (
        pairs["cluster_old"].map(size_o) + pairs["cluster_new"].map(size_n) - pairs["shared"]
    )
    matched = pairs[pairs["jaccard"] >= match]
    shared = {
        (int(a), int(b)): (int(s), float(j))
        for a, b, s, j in matched[["cluster_old", "cluster_new", "shared", "jaccard"]].itertuples(
            index=False
        )
    }
    names = [f"o{c}" for c in size_o.index] + [f"n{c}" for c in size_n.index]
    groups = _components([(f"o{a}", f"n{b}") for a, b in shared], names)
    info_o = co.set_index("cluster")
    info_n = cn.set_index("cluster")
    rows = []
    for group in groups:
        olds = sorted(int(x[1:]) for x in group if x[0] == "o")
        news = sorted(int(x[1:]) for x in group if x[0] == "n")
        if len(olds) == 1 and len(news) == 1:
            event = "continued"
        elif len(olds) == 1 and len(news) > 1:
            event = "split"
        elif len(olds) > 1 and len(news) == 1:
            event = "merged"
        elif olds and news:
            event = "regrouped"
        else:
            event = "dissolved" if olds else "new"
        links = [(a, b) for a in olds for b in news if (a, b) in shared]
        in_both = set(mo.loc[mo["cluster"].isin(olds), "id"]) & set(
            mn.loc[mn["cluster"].isin(news), "id"]
        )

        def listed(ids: list[int], info: pd.DataFrame, col: str) -> str:
            return "; ".join(str(info.at[c, col]) for c in ids if str(info.at[c, col]))

        rows.append(
            {
                "event": event,
                "event_zh": CLUSTER_EVENTS[event][0],
                "old_clusters": ", ".join(map(str, olds)),
                "old_labels": listed(olds, info_o, "label"),
                "old_size": int(sum(size_o[c] for c in olds)),
                "new_clusters": ", ".join(map(str, news)),
                "new_labels": listed(news, info_n, "label"),
                "new_size": int(sum(size_n[c] for c in news)),
                "shared": len(in_both),
                "jaccard": max((shared[p][1] for p in links), default=0.0),
                "old_leaders": listed(olds, info_o, "leader_name"),
                "new_leaders": listed(news, info_n, "leader_name"),
                "_first": (min(olds) if olds else 10**9, min(news) if news else 10**9),
            }
        )
    columns = [
        "event", "event_zh", "old_clusters", "old_labels", "old_size", "new_clusters",
        "new_labels", "new_size", "shared", "jaccard", "old_leaders", "new_leaders",
    ]  # fmt: skip
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    order = {k: i for i, k in enumerate(["split", "merged", "regrouped", "new", "dissolved"])}
    out = pd.DataFrame(rows)
    out["_e"] = out["event"].map(order).fillna(len(order))
    out = out.sort_values(["_e", "_first"], kind="stable").drop(columns=["_e", "_first"])
    text = ["event", "event_zh", "old_clusters", "old_labels", "new_clusters", "new_labels"]
    return out.reset_index(drop=True).astype(
        dict.fromkeys([*text, "old_leaders", "new_leaders"], "string")
    )


# --- the result ---------------------------------------------------------------------------


@dataclass
class GraphDiff:
    """What changed between two graphs; each table is described in :func:`graph_diff`."""

    summary: pd.DataFrame
    indicators: pd.DataFrame
    platforms: pd.DataFrame
    demonstrations: pd.DataFrame
    alliances: pd.DataFrame
    lost_suppliers: pd.DataFrame
    single_sourced: pd.DataFrame
    clusters: pd.DataFrame
    nodes: pd.DataFrame
    edges: pd.DataFrame
    old: dict[str, Any] = field(default_factory=dict)
    new: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, in the order of :data:`SECTIONS`."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in SECTIONS}

    def counts(self) -> dict[str, int]:
        """Headline numbers: rows of each table, and nodes and edges added, removed,
        changed."""
        out = {name: len(df) for name, df in self.tables().items()}
        for what, df in (("nodes", self.nodes), ("edges", self.edges)):
            for change in ("added", "removed", "changed"):
                out[f"{what}_{change}"] = int((df["change"] == change).sum())
        return out


def _about(G: EcosystemGraph, year: int | None) -> dict[str, Any]:
    m = G.manifest
    return {
        "package": str(G.path) if G.path else None,
        "title": m.get("title"),
        "built_at": m.get("built_at"),
        "synthetic": bool(m.get("synthetic", False)),
        "schema_version": m.get("schema_version"),
        "year": year,
    }


def graph_diff(
    old: EcosystemGraph,
    new: EcosystemGraph,
    *,
    old_year: int | None = None,
    new_year: int | None = None,
    ignore: Sequence[str] = _IGNORE,
    indicators: bool = True,
    clusters: bool = True,
    seed: int = 2016,
    match: float = 0.3,
    min_size: int = 3,
) -> GraphDiff:
    """What changed from ``old`` to ``new``.

    Parameters
    ----------
    old, new : EcosystemGraph
        Two builds, e.g. last year's package and this year's.
    old_year, new_year : int, optional
        Ask the questions (indicators, supply links, clusters) of each graph as of this
        year; default each graph's latest year (:func:`~innokg.queries.indicators.latest_year`).
    ignore : sequence of str
        Properties whose differences do not make a node or edge *changed* (default
        ``source``: provenance, which names the file each build read).
    indicators, clusters : bool
        Compare the policy indicators (four evaluations) and the supply-chain clusters
        (two runs of Leiden); turn off for speed, the table is then empty.
    seed, min_size : int
        As for :func:`~innokg.queries.clusters.supply_clusters`, used on both graphs.
    match : float
        Least Jaccard overlap of members for an old and a new cluster to match.

    Returns
    -------
    GraphDiff
        Tables, each empty when nothing changed:

        - ``summary``: ``kind`` (node or edge), ``name`` (label or type), ``old``,
          ``new`` (rows in each build), ``added``, ``removed``, ``changed`` (int); only
          labels and types with any.
        - ``nodes``: ``change`` (added, changed, removed), ``label``, ``id``, ``name``
          (the new name, or the old for a removed node), ``changed`` (the properties
          that changed, comma-separated), ``fields`` (``property: old -> new``,
          ``(none)`` for missing, ``; ``-separated); by label in schema order, then
          change, then id.
        - ``edges``: ``change``, ``type``, ``from_id``, ``from_name``, ``to_id``,
          ``to_name``, ``key`` (the distinguishing property, see :data:`EDGE_KEYS`, or
          empty), ``changed``, ``fields``.
        - ``platforms``: new Platform nodes: ``id``, ``name``, ``city``, ``kind``,
          ``demonstration``, ``since``, ``run_by`` (who set it up or runs it).
        - ``alliances``: new Alliance nodes: ``id``, ``name``, ``city``, ``kind``,
          ``since``, ``members`` (int).
        - ``demonstrations``: platforms and maker teams with a ``demonstration`` year
          now and none before: ``label``, ``id``, ``name``, ``kind``, ``city``,
          ``demonstration`` (Int64), ``new_node`` (bool: not in the old graph at all).
        - ``lost_suppliers``: supply links (supplier, buyer, input) alive in the old
          graph and not in the new, where the buyer is still there: ``buyer``,
          ``buyer_name``, ``input``, ``supplier``, ``supplier_name``,
          ``supplier_gone`` (bool: the supplier is not in the new graph),
          ``suppliers_left`` (int: the buyer's suppliers of that input now); fewest
          left first.
        - ``single_sourced``: inputs single-sourced in one graph and not in the other,
          with the columns of :func:`~innokg.queries.clusters.single_sourced_inputs`
          (``buyer``, ``buyer_name``, ``input``, ``supplier``, ``supplier_name``,
          ``basis``), ``change`` -- ``new`` (single-sourced now, not before),
          ``resolved`` (the buyer has several suppliers of it now) or ``ended`` (the
          buyer has none, or is gone) -- and ``old_suppliers``, ``new_suppliers``
          (Int64: the buyer's observed suppliers of that input in each graph; NA for
          the ``products`` basis, which has no supply links to count); new ones
          first.
        - ``indicators``: one row per indicator and group (the province first, then
          each city) measurable in either graph: ``by``, ``group``, ``group_name``,
          ``article``, ``indicator``, ``indicator_zh``, ``indicator_en``, ``unit``,
          ``old_year``, ``new_year``, ``old_value``, ``new_value``, ``change``
          (float, new minus old), ``target`` (the new graph's), ``old_met``,
          ``new_met`` (boolean), ``status`` (``newly met``, ``no longer met``, ``still
          met``, ``still not met``, or empty without a target).
        - ``clusters``: one row per group of matched clusters (see the module's
          documentation): ``event`` (continued, split, merged, regrouped, new,
          dissolved), ``event_zh``, ``old_clusters``, ``new_clusters`` (ids,
          comma-separated), ``old_labels``, ``new_labels``, ``old_size``,
          ``new_size`` (members), ``shared`` (members in both), ``jaccard`` (the best
          match's overlap), ``old_leaders``, ``new_leaders`` (链主 names); changes
          first, continued clusters last.

        ``old`` and ``new`` describe the two graphs (package, title, build time,
        synthetic, schema version, the year the questions were asked as of).

    Raises
    ------
    QueryError
        For ``match`` outside (0, 1].
    """
    if not 0 < match <= 1:
        raise QueryError(f"match must be above 0 and at most 1 (got {match})")
    y_old = old_year if old_year is not None else latest_year(old)
    y_new = new_year if new_year is not None else latest_year(new)
    ignore = tuple(ignore)
    nodes = _diff_nodes(old, new, ignore)
    edges = _diff_edges(old, new, ignore, _names(old), _names(new))
    empty_clusters = pd.DataFrame(columns=["event"]).astype("string")
    return GraphDiff(
        summary=_summary(old, new, nodes, edges),
        indicators=(
            _indicators(old, new, y_old, y_new)
            if indicators
            else pd.DataFrame(columns=["by", "group", "indicator"]).astype("string")
        ),
        platforms=_new_platforms(new, nodes),
        demonstrations=_demonstrations(old, new),
        alliances=_new_alliances(new, nodes),
        lost_suppliers=_lost_suppliers(old, new, y_old, y_new),
        single_sourced=_single_sourced(old, new, y_old, y_new),
        clusters=(
            _clusters(old, new, y_old, y_new, seed=seed, match=match, min_size=min_size)
            if clusters
            else empty_clusters
        ),
        nodes=nodes,
        edges=edges,
        old=_about(old, y_old),
        new=_about(new, y_new),
    )


# --- a section for the brief --------------------------------------------------------------

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("{since}以来的变化", "What changed since {since}"),
    "since_year": ("{year} 年", "{year}"),
    "since_build": ("上一版图谱", "the previous build"),
    "nothing": ("两版图谱之间没有变化。", "Nothing changed between the two builds."),
    "totals": (
        "节点新增 {na:,} 个、删除 {nr:,} 个、变更 {nc:,} 个；"
        "关系新增 {ea:,} 条、删除 {er:,} 条、变更 {ec:,} 条。",
        "Nodes: {na:,} added, {nr:,} removed, {nc:,} changed; edges: {ea:,} added, "
        "{er:,} removed, {ec:,} changed.",
    ),
    "indicator": (
        "{what}：由 {old} 变为 {new}（目标 {target}，{status}）。",
        "{what}: from {old} to {new} (target {target}; {status}).",
    ),
    "newly met": ("新达到目标", "newly met"),
    "no longer met": ("不再达到目标", "no longer met"),
    "still met": ("已达到目标", "met"),
    "still not met": ("尚未达到目标", "not met yet"),
    "cities_met": (
        "新达到目标的城市（{what}）{n} 个：{names}。",
        "Cities newly meeting the target for {what} ({n}): {names}.",
    ),
    "platforms": (
        "新增双创平台 {n:,} 个{where}。",
        "New platforms: {n:,}{where}.",
    ),
    "where": ("，主要在{top}", "; most in {top}"),
    "demonstrations": (
        "新认定示范平台 {p:,} 个、示范创客团队 {t:,} 个。",
        "Newly recognised demonstration platforms: {p:,}; demonstration maker teams: {t:,}.",
    ),
    "alliances": ("新增联盟 {n:,} 个。", "New alliances: {n:,}."),
    "lost": (
        "{n:,} 条供货关系中断，其中 {none:,} 项投入已无其他供应商。",
        "Supply links ended: {n:,}; inputs left with no supplier: {none:,}.",
    ),
    "single": (
        "新增单一来源投入 {new:,} 项；{resolved:,} 项已有多家供应商，{ended:,} 项已无供货。",
        "Inputs newly single-sourced: {new:,}; now with several suppliers: {resolved:,}; "
        "no longer supplied: {ended:,}.",
    ),
    "clusters": (
        "产业链集群：{parts}。",
        "Supply-chain clusters: {parts}.",
    ),
}

_HEADINGS: dict[str, dict[str, tuple[str, str]]] = {
    "indicators": {
        "group_name": ("地区", "area"),
        "indicator_name": ("指标", "indicator"),
        "old": ("此前", "before"),
        "new": ("现在", "now"),
        "target_text": ("目标", "target"),
        "status_text": ("状态", "status"),
    },
    "platforms": {
        "display": ("平台", "platform"),
        "city": ("城市", "city"),
        "kind": ("类型", "kind"),
        "run_by": ("建设或运营单位", "set up or run by"),
    },
    "demonstrations": {
        "display": ("名称", "name"),
        "label": ("类别", "what"),
        "city": ("城市", "city"),
        "demonstration": ("认定年份", "recognised"),
    },
    "lost_suppliers": {
        "buyer_display": ("采购企业", "buyer"),
        "input": ("投入品", "input"),
        "supplier_display": ("原供应商", "former supplier"),
        "suppliers_left": ("剩余供应商", "suppliers left"),
    },
    "single_sourced": {
        "buyer_display": ("采购企业", "buyer"),
        "input": ("投入品", "input"),
        "supplier_display": ("唯一供应商", "sole supplier"),
        "old_suppliers": ("此前供应商数", "suppliers before"),
    },
    "clusters": {
        "event_text": ("变化", "change"),
        "old_labels": ("此前的集群", "clusters before"),
        "new_labels": ("现在的集群", "clusters now"),
        "old_size": ("此前成员", "members before"),
        "new_size": ("现在成员", "members now"),
    },
}


@dataclass
class SinceSection:
    """A "since last time" section, ready to lay out: no HTML, no styling.

    ``title`` and ``findings`` (one sentence each) are in the section's language;
    ``tables`` hold at most ``limit`` rows each, with headings in that language, in the
    order to show them; ``diff`` is the whole comparison behind them.
    """

    title: str
    findings: list[str]
    tables: dict[str, pd.DataFrame]
    diff: GraphDiff
    lang: Lang = "zh"


def _display_names(graphs: Sequence[EcosystemGraph], lang: Lang) -> pd.Series:
    """Names to show by id: the English name in English where there is one."""
    out = pd.Series(dtype="string")
    for G in graphs:
        frames = [df for df in G.nodes.values() if len(df)]
        if not frames:
            continue
        both = pd.concat(
            [df.reindex(columns=["id", "name", "name_en"]) for df in frames], ignore_index=True
        ).drop_duplicates("id")
        names = both["name"].astype("string")
        if lang == "en":
            names = both["name_en"].astype("string").fillna(names)
        out = out.combine_first(pd.Series(names.to_numpy(), index=both["id"].astype(str)))
    return out


def _value(value: float, unit: str) -> str:
    if value is None or pd.isna(value):
        return "—"
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def since_section(
    old: EcosystemGraph,
    new: EcosystemGraph,
    *,
    lang: Lang = "zh",
    limit: int = 10,
    diff: GraphDiff | None = None,
) -> SinceSection:
    """What changed since ``old``, as findings and short tables for a brief.

    Parameters
    ----------
    old, new : EcosystemGraph
    lang : {"zh", "en"}
        Language of the title, findings and headings; in English, names come from
        ``name_en`` where a node has one (the Chinese name otherwise).
    limit : int
        Rows per table at most.
    diff : GraphDiff, optional
        A comparison already made by :func:`graph_diff` (otherwise made here).

    Returns
    -------
    SinceSection
        ``findings`` in this order, each only when there is something to say: node and
        edge totals; the province's indicators with a target (before, now, target,
        met or not); cities newly meeting a target; new platforms and where; new
        demonstration platforms and teams; new alliances; lost supply links and
        inputs left with no supplier; inputs newly single-sourced and resolved;
        cluster splits, merges, new and dissolved clusters.  ``tables``:
        ``indicators`` (the province's targeted indicators and every city row whose
        status changed), ``platforms``, ``demonstrations``, ``lost_suppliers`` (fewest
        suppliers left first), ``single_sourced`` (new ones), ``clusters`` (all but
        continued); an empty table is left out.

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> old = make_graph({"Platform": [{"id": "p1", "name": "甲平台"}]})
    >>> new = make_graph({"Platform": [{"id": "p1", "name": "甲平台"},
    ...                               {"id": "p2", "name": "乙平台", "name_en": "Yi"}]})
    >>> section = since_section(old, new, lang="en")
    >>> section.findings
    ['Nodes: 1 added, 0 removed, 0 changed; edges: 0 added, 0 removed, 0 changed.', \
'New platforms: 1.']
    >>> section.tables["platforms"].to_dict("records")
    [{'platform': 'Yi', 'city': '', 'kind': 'self_built_rnd', 'set up or run by': ''}]
    """
    if lang not in ("zh", "en"):
        raise QueryError(f"lang must be zh or en (got {lang!r})")
    d = diff if diff is not None else graph_diff(old, new)
    k = 0 if lang == "zh" else 1

    def say(key: str, **values: Any) -> str:
        return _WORDS[key][k].format(**values)

    names = _display_names([new, old], lang)
    year = d.old.get("year")
    since = say("since_year", year=year) if year is not None else say("since_build")
    findings: list[str] = []
    tables: dict[str, pd.DataFrame] = {}
    c = d.counts()
    if sum(c[f"{w}_{x}"] for w in ("nodes", "edges") for x in ("added", "removed", "changed")):
        findings.append(
            say(
                "totals",
                na=c["nodes_added"],
                nr=c["nodes_removed"],
                nc=c["nodes_changed"],
                ea=c["edges_added"],
                er=c["edges_removed"],
                ec=c["edges_changed"],
            )
        )

    ind = d.indicators.copy()
    if len(ind):
        what_col = "indicator_zh" if lang == "zh" else "indicator_en"
        ind["indicator_name"] = ind[what_col].fillna(ind["indicator"])
        for col, source in (("old", "old_value"), ("new", "new_value"), ("target_text", "target")):
            ind[col] = [_value(v, u) for v, u in zip(ind[source], ind["unit"], strict=True)]
        ind["status_text"] = [_WORDS[s][k] if s in _WORDS else "" for s in ind["status"]]
        if lang == "en":
            ind["group_name"] = ind["group"].map(names).fillna(ind["group_name"])
        province = ind[(ind["by"] == "province") & ind["target"].notna()]
        for row in province.itertuples(index=False):
            findings.append(
                say(
                    "indicator",
                    what=row.indicator_name,
                    old=row.old,
                    new=row.new,
                    target=row.target_text,
                    status=row.status_text,
                )
            )
        cities = ind[(ind["by"] == "city") & (ind["status"] == "newly met")]
        for _, rows in cities.groupby("indicator", sort=False):
            shown = ("、" if lang == "zh" else ", ").join(rows["group_name"].astype(str))
            findings.append(
                say("cities_met", what=rows["indicator_name"].iloc[0], n=len(rows), names=shown)
            )
        moved = ind[(ind["by"] == "city") & ind["status"].isin(["newly met", "no longer met"])]
        tables["indicators"] = pd.concat([province, moved]).head(limit)

    cities = _city_names(new, lang)
    if len(d.platforms):
        platforms = d.platforms.assign(
            display=d.platforms["id"].map(names).fillna(d.platforms["name"]),
            city=d.platforms["city"].map(lambda c: cities.get(c, c)),
            run_by=_runners(new, d.platforms["id"], names),
        )
        top = platforms["city"].replace("", pd.NA).dropna().value_counts().head(3)
        sep = "、" if lang == "zh" else ", "
        where = say("where", top=sep.join(f"{n} ({v})" for n, v in top.items())) if len(top) else ""
        findings.append(say("platforms", n=len(platforms), where=where))
        tables["platforms"] = platforms
    if len(d.demonstrations):
        by_label = d.demonstrations["label"].value_counts()
        findings.append(
            say(
                "demonstrations",
                p=int(by_label.get("Platform", 0)),
                t=int(by_label.get("MakerTeam", 0)),
            )
        )
        kinds = {
            "Platform": ("双创平台", "platform")[k],
            "MakerTeam": ("创客团队", "maker team")[k],
        }
        tables["demonstrations"] = d.demonstrations.assign(
            display=d.demonstrations["id"].map(names).fillna(d.demonstrations["name"]),
            city=d.demonstrations["city"].map(lambda c: cities.get(c, c)),
            label=d.demonstrations["label"].map(kinds),
        )
    if len(d.alliances):
        findings.append(say("alliances", n=len(d.alliances)))
    lost = d.lost_suppliers
    if len(lost):
        none_left = lost[lost["suppliers_left"] == 0][["buyer", "input"]].drop_duplicates()
        findings.append(say("lost", n=len(lost), none=len(none_left)))
        tables["lost_suppliers"] = lost.assign(
            buyer_display=lost["buyer"].map(names).fillna(lost["buyer_name"]),
            supplier_display=lost["supplier"].map(names).fillna(lost["supplier_name"]),
        )
    single = d.single_sourced
    if len(single):
        counts = single["change"].value_counts()
        findings.append(
            say(
                "single",
                new=int(counts.get("new", 0)),
                resolved=int(counts.get("resolved", 0)),
                ended=int(counts.get("ended", 0)),
            )
        )
        fresh = single[single["change"] == "new"]
        if len(fresh):
            tables["single_sourced"] = fresh.assign(
                buyer_display=fresh["buyer"].map(names).fillna(fresh["buyer_name"]),
                supplier_display=fresh["supplier"].map(names).fillna(fresh["supplier_name"]),
            )
    events = d.clusters[d.clusters["event"] != "continued"] if len(d.clusters) else d.clusters
    if len(events):
        counts = events["event"].value_counts()
        sep = "，" if lang == "zh" else ", "
        parts = sep.join(
            f"{CLUSTER_EVENTS[e][k]} {int(counts[e])}" for e in CLUSTER_EVENTS if e in counts
        )
        findings.append(say("clusters", parts=parts))
        tables["clusters"] = events.assign(
            event_text=[CLUSTER_EVENTS[e][k] for e in events["event"]]
        )
    if not findings:
        findings.append(say("nothing"))
    findings = [f[:1].upper() + f[1:] for f in findings]  # an English indicator starts lower
    laid_out = {
        name: df[list(_HEADINGS[name])]
        .head(limit)
        .rename(columns={c: h[k] for c, h in _HEADINGS[name].items()})
        .reset_index(drop=True)
        for name, df in tables.items()
    }
    return SinceSection(say("title", since=since), findings, laid_out, d, lang)


def _city_names(G: EcosystemGraph, lang: Lang) -> dict[str, str]:
    """City names as the section shows them, by Chinese name (English where known)."""
    regions = G.nodes["Region"]
    if lang == "zh" or "name_en" not in regions.columns:
        return {}
    known = regions[regions["name_en"].notna()]
    return dict(zip(known["name"].astype(str), known["name_en"].astype(str), strict=True))
