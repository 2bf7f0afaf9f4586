"""Inferred SUPPLIES: the data never says who supplies whom; product paths suggest it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.loaders.chainkg.frames import _map

__all__ = ["FANOUT", "infer_supplies"]

#: At most this many suppliers per (buyer, input product), and buyers per
#: (supplier, output product), are kept among inferred SUPPLIES candidates.
FANOUT = 5


def infer_supplies(
    produces: pd.DataFrame,
    upstream: pd.DataFrame,
    *,
    industry_of: pd.Series | None = None,
    industry_up: pd.DataFrame | None = None,
    fanout: int = FANOUT,
) -> pd.DataFrame:
    """Candidate supplier -> buyer links: A makes an input of a product B makes.

    For every product path ``A makes p``, ``p is an input of q`` (UPSTREAM_OF),
    ``B makes q`` with A ≠ B, the path's score is::

        0.5 · r(share of p in A) · r(share of q in B) / sqrt(makers of p) · i

    where ``r(s) = 0.5 + 0.5·min(max(s, 0), 1)`` (0.5 when the share is unknown), so
    a firm's main products count more; ``makers of p`` divides the chance among all
    firms that make the input; and ``i`` is 1.6 when ``industry_up`` lists the
    supplier's industry upstream of the buyer's, else 1.  For each buyer and input
    product at most ``fanout`` suppliers are kept (best scores first, then stock
    code), and for each supplier and output product at most ``fanout`` buyers.  The
    kept paths between two firms make one edge: ``confidence`` is
    ``1 - Π(1 - score)`` (at most 0.95), ``weight`` the number of paths, ``product``
    the input of the best path, and ``method`` the rule and up to three paths.

    Parameters
    ----------
    produces : DataFrame
        ``ent``, ``product`` (id), ``name`` (product name), ``share`` (float or NA).
    upstream : DataFrame
        ``input``, ``output``: product ids.
    industry_of : Series, optional
        Enterprise id -> industry code (the company's Shenwan level-3 industry).
    industry_up : DataFrame, optional
        ``buyer``, ``up``: industry codes, the second listed upstream of the first.
    fanout : int
        The bound described above.

    Returns
    -------
    DataFrame
        ``from_id`` (supplier), ``to_id`` (buyer), ``product``, ``confidence``,
        ``weight``, ``method``, ``paths`` (paths before the bound), sorted by ids.

    Examples
    --------
    >>> produces = pd.DataFrame({"ent": ["a", "b"], "product": ["p:coke", "p:steel"],
    ...                          "name": ["焦炭", "钢材"], "share": [1.0, None]})
    >>> upstream = pd.DataFrame({"input": ["p:coke"], "output": ["p:steel"]})
    >>> infer_supplies(produces, upstream)[["from_id", "to_id", "product", "confidence"]]
    ...                                       # doctest: +NORMALIZE_WHITESPACE
      from_id to_id product  confidence
    0       a     b      焦炭        0.25
    """
    cols = ["from_id", "to_id", "product", "confidence", "weight", "method", "paths"]
    prod = produces[["ent", "product", "name", "share"]].drop_duplicates(["ent", "product"])
    makers = prod.groupby("product")["ent"].size()
    r = 0.5 + 0.5 * prod["share"].astype("Float64").clip(0, 1).fillna(0.0).astype(float)
    r = r.where(prod["share"].notna(), 0.5)
    prod = prod.assign(r=r.to_numpy())
    a = prod.rename(
        columns={"ent": "supplier", "product": "input", "name": "input_name", "r": "ra"}
    )
    b = prod.rename(columns={"ent": "buyer", "product": "output", "name": "output_name", "r": "rb"})
    paths = (
        upstream[["input", "output"]]
        .merge(a[["supplier", "input", "input_name", "ra"]], on="input")
        .merge(b[["buyer", "output", "output_name", "rb"]], on="output")
    )
    paths = paths[paths["supplier"] != paths["buyer"]]
    if paths.empty:
        return pd.DataFrame(columns=cols)
    n_makers = _map(paths["input"], makers.to_dict()).astype(float)
    score = 0.5 * paths["ra"] * paths["rb"] / np.sqrt(n_makers)
    if industry_of is not None and industry_up is not None and len(industry_up):
        ind = industry_of.to_dict()
        pairs = zip(_map(paths["supplier"], ind), _map(paths["buyer"], ind), strict=True)
        listed = set(zip(industry_up["up"], industry_up["buyer"], strict=True))
        score = score * np.where([p in listed for p in pairs], 1.6, 1.0)
    paths = paths.assign(score=score.round(6))
    paths = paths.sort_values(
        ["score", "supplier", "buyer"], ascending=[False, True, True], kind="stable"
    )
    before = paths.groupby(["supplier", "buyer"]).size()
    paths = paths[paths.groupby(["buyer", "input"]).cumcount() < fanout]
    paths = paths[paths.groupby(["supplier", "output"]).cumcount() < fanout]
    keys = ["supplier", "buyer"]
    paths = paths.assign(
        step=paths["input_name"] + " -> " + paths["output_name"],
        log_miss=np.log1p(-paths["score"].to_numpy(dtype=float)),
        rank=paths.groupby(keys).cumcount(),
    )
    g = paths.groupby(keys, sort=True)
    out = g.agg(
        product=("input_name", "first"), log_miss=("log_miss", "sum"), weight=("score", "size")
    ).reset_index()
    shown = paths[paths["rank"] < 3].groupby(keys, sort=True)["step"].agg("; ".join)
    out["confidence"] = (1.0 - np.exp(out["log_miss"])).clip(upper=0.95).round(3)
    more = np.where(out["weight"] > 3, " (+" + (out["weight"] - 3).astype(str) + " more)", "")
    out["method"] = (
        "product path (A makes an input of a product B makes): " + shown.to_numpy() + more
    )
    counts = before.to_dict()
    out["paths"] = [
        int(counts[(s, t)])
        for s, t in zip(out["supplier"].tolist(), out["buyer"].tolist(), strict=True)
    ]
    out = out.rename(columns={"supplier": "from_id", "buyer": "to_id"})
    out["weight"] = out["weight"].astype(float)
    return out[cols].sort_values(["from_id", "to_id"]).reset_index(drop=True)
