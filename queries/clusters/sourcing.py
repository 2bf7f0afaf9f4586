"""Inputs a buyer gets from a single supplier."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import (
    GraphArrays,
    arrays,
)

__all__ = ["single_sourced_inputs", "supply_products"]


def supply_products(A: GraphArrays) -> tuple[np.ndarray, np.ndarray]:
    """Every SUPPLIES edge's product as a code into ``names`` (``(unspecified)`` for an
    edge without one), through Arrow's dictionary and kept per graph: the single-sourced
    inputs and the evidence of the single-source gaps group on these codes.

    Parameters
    ----------
    A : GraphArrays
        The graph's arrays.

    Returns
    -------
    codes : numpy.ndarray of int
        One code per row of the SUPPLIES table.
    names : numpy.ndarray of object
        The product of each code.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abc"]},
    ...                {"SUPPLIES": [("a", "c", {"product": "钢材"}), ("b", "c")]})
    >>> codes, names = supply_products(arrays(G))
    >>> names[codes].tolist()
    ['钢材', '(unspecified)']
    """
    if "supply_products" not in A.memo:
        df = A.G.edges["SUPPLIES"]
        product = df["product"] if "product" in df.columns else pd.Series(pd.NA, index=df.index)
        codes, names = pd.factorize(product.astype("string").fillna("(unspecified)"))
        A.memo["supply_products"] = (np.asarray(codes), np.asarray(names, dtype=object))
    found: tuple[np.ndarray, np.ndarray] = A.memo["supply_products"]
    return found


def single_sourced_inputs(G: EcosystemGraph, *, year: int | None = None) -> pd.DataFrame:
    """Inputs a buyer gets from a single supplier.

    Two bases: ``supplies`` -- a buyer's SUPPLIES edges grouped by the ``product``
    supplied (edges without a product count as one unspecified input) where exactly one
    supplier delivers it; ``products`` -- for buyers with no SUPPLIES edge at all, an
    input (UPSTREAM_OF) of a product they make that exactly one firm in the graph
    makes.

    Parameters
    ----------
    G : EcosystemGraph
    year : int, optional
        As of this year: only nodes and edges that existed then.

    Returns
    -------
    pandas.DataFrame
        One row per single-sourced input, sorted by buyer and input:

        - ``buyer`` (str): the buyer's id; ``buyer_name`` (str).
        - ``input`` (str): the product supplied (``(unspecified)`` when unknown).
        - ``supplier`` (str): the sole supplier's id; ``supplier_name`` (str).
        - ``share`` (float): the share of the buyer's input from that supplier, where
          the edge records it (NaN otherwise).
        - ``basis`` (str): ``supplies`` (observed edges) or ``products`` (inferred from
          what the firms make).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": i, "name": i} for i in ("s1", "s2", "b")]},
    ...     {"SUPPLIES": [("s1", "b", {"product": "钢材", "share": 1.0}),
    ...                   ("s1", "b", {"product": "轴承"}), ("s2", "b", {"product": "轴承"})]},
    ... )
    >>> single_sourced_inputs(G)[["buyer", "input", "supplier", "basis"]].to_dict("records")
    [{'buyer': 'b', 'input': '钢材', 'supplier': 's1', 'basis': 'supplies'}]
    """
    A = arrays(G)
    key = ("single_sourced", year)
    if key in A.memo:  # asked by the gaps and the brief
        cached: pd.DataFrame = A.memo[key]
        return cached.copy()
    both = _single_sourced(A, year)
    b = both["b"].to_numpy(np.int64)
    s = both["s"].to_numpy(np.int64)
    out = pd.DataFrame(
        {
            "buyer": A.ids[b].astype(str),
            "buyer_name": A.names[b],
            "input": both["input"].astype(str).to_numpy(object),
            "supplier": A.ids[s].astype(str),
            "supplier_name": A.names[s],
            "share": both["share"].astype(float).to_numpy(),
            "basis": both["basis"].to_numpy(object),
        }
    )
    out = out.sort_values(["buyer", "input", "supplier"], ignore_index=True)
    out = out.astype({c: "string" for c in out.columns if c != "share"})
    A.memo[key] = out.copy()
    return out


def single_sourced_buyers(A: GraphArrays, year: int | None) -> np.ndarray:
    """The buyer's position of each input of :func:`single_sourced_inputs` (one per row,
    unordered): what a cluster profile counts, without the table's strings."""
    key = ("single_sourced_buyers", year)
    if key not in A.memo:
        A.memo[key] = _single_sourced(A, year)["b"].to_numpy(np.int64)
    buyers: np.ndarray = A.memo[key]
    return buyers


def _single_sourced(A: GraphArrays, year: int | None) -> pd.DataFrame:
    """The rows of :func:`single_sourced_inputs` as positions (``b``, ``s``), the input
    (a name), the share and the basis, unordered."""
    src, dst = A.edges("SUPPLIES", year=year)
    rows = A.edge_rows("SUPPLIES", year=year)
    codes, names = supply_products(A)
    sup = pd.DataFrame(
        {
            "b": dst,
            "input": codes[rows],
            "s": src,
            "share": A.edge_values("SUPPLIES", "share", year=year),
        }
    )
    sup = sup.drop_duplicates(["b", "input", "s"])
    n_sup = sup.groupby(["b", "input"])["s"].transform("size")
    observed = sup[n_sup.to_numpy() == 1].assign(basis="supplies")
    observed["input"] = names[observed["input"].to_numpy()]

    p_src, p_dst = A.edges("PRODUCES", year=year)
    u_src, u_dst = A.edges("UPSTREAM_OF", year=year)
    linked = np.zeros(A.n, dtype=bool)
    linked[dst] = True
    makes = pd.DataFrame({"firm": p_src, "product": p_dst}).drop_duplicates()
    makers = makes.groupby("product")["firm"].agg(["size", "min"])
    sole = makers[makers["size"] == 1]["min"]
    buyers = makes[~linked[makes["firm"].to_numpy()]]
    needs = buyers.merge(
        pd.DataFrame({"input_pos": u_src, "product": u_dst}), on="product"
    ).drop_duplicates(["firm", "input_pos"])
    needs = needs[needs["input_pos"].isin(sole.index)]
    needs = needs.assign(s=needs["input_pos"].map(sole).to_numpy(np.int64))
    needs = needs[needs["s"] != needs["firm"]]
    inferred = pd.DataFrame(
        {
            "b": needs["firm"].to_numpy(np.int64),
            "input": A.names[needs["input_pos"].to_numpy(np.int64)],
            "s": needs["s"].to_numpy(np.int64),
            "share": np.nan,
            "basis": "products",
        }
    )
    return pd.concat([observed, inferred], ignore_index=True)
