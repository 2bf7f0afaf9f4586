"""Every node and edge added, removed or changed between two graphs, and their counts."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.schema import EDGE_ENDPOINT_COLUMNS, EDGE_TYPES, NODE_LABELS

__all__ = ["EDGE_KEYS"]

#: The property that tells apart two edges of one type between the same endpoints.
EDGE_KEYS: dict[str, tuple[str, ...]] = {
    "SUPPLIES": ("product",),
    "COLLABORATES_WITH": ("kind",),
    "SPECIALISES_IN": ("year",),
}


_NONE = "(none)"


_ORDER = {"added": 0, "changed": 1, "removed": 2}


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
