"""The themed tables of a comparison: new platforms, demonstrations and alliances, lost
suppliers, inputs that became single-sourced, and the policy indicators then and now."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import arrays
from innokg.queries.clusters import single_sourced_inputs
from innokg.queries.diff.records import _names
from innokg.queries.indicators import policy_indicators

#: (met before, met now) -> status; without a target on either side: empty.
_STATUS = {
    (False, True): "newly met",
    (True, False): "no longer met",
    (True, True): "still met",
    (False, False): "still not met",
}


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
