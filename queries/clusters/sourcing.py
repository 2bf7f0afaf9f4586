"""Inputs a buyer gets from a single supplier."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import (
    GraphArrays,
    arrays,
)
from innokg.queries.node_text import id_order, node_text, string_column, text_ranks
from innokg.queries.sets import first_rows

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
    r = sole_supplies(A, year)
    basis = pa.array(["supplies", "products"], pa.large_string()).take(r.products.astype(np.int8))
    out = pd.DataFrame(
        {
            "buyer": string_column(node_text(A, "id", r.buyer)),
            "buyer_name": string_column(node_text(A, "name", r.buyer)),
            "input": string_column(r.input),
            "supplier": string_column(node_text(A, "id", r.supplier)),
            "supplier_name": string_column(node_text(A, "name", r.supplier)),
            "share": r.share,
            "basis": string_column(basis),
        }
    )
    return out.astype({c: "string" for c in out.columns if c != "share"})


class SoleSupplies(NamedTuple):
    """The rows of :func:`single_sourced_inputs` as arrays, in the table's order."""

    buyer: np.ndarray  # positions
    supplier: np.ndarray  # positions
    input: pa.ChunkedArray  # the input's name
    code: np.ndarray  # the input among supply_products' codes; -1 on rows from products
    share: np.ndarray  # NaN where the edge records none
    products: np.ndarray  # bool: the row comes from what firms make (basis "products")


def sole_supplies(A: GraphArrays, year: int | None) -> SoleSupplies:
    """The rows of :func:`single_sourced_inputs` as positions and Arrow strings,
    ordered by buyer id, input and supplier id (on ranks: no Python string per row), and
    kept per graph: asked by the gaps and the brief."""
    key = ("single_sourced", year)
    if key not in A.memo:
        both = _single_sourced(A, year)
        b = both["b"].to_numpy(np.int64)
        s = both["s"].to_numpy(np.int64)
        products = both["products"].to_numpy(bool)
        found = both["input"].to_numpy(np.int64)
        names = pa.array(supply_products(A)[1], pa.large_string())
        text = pa.chunked_array(  # the rows from supply links come first
            [
                names.take(found[~products]),
                node_text(A, "name", found[products]).combine_chunks(),
            ],
            pa.large_string(),
        )
        order = np.lexsort((id_order(A, s), text_ranks(text), id_order(A, b)))
        A.memo[key] = SoleSupplies(
            b[order],
            s[order],
            text.take(order),
            np.where(products, -1, found)[order],
            both["share"].to_numpy(float)[order],
            products[order],
        )
    rows: SoleSupplies = A.memo[key]
    return rows


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
    (``input``: a code of :func:`supply_products` on rows from supply links, the
    product's position on rows from products, ``products`` True), the share, unordered
    (rows from supply links first)."""
    src, dst = A.edges("SUPPLIES", year=year)
    rows = A.edge_rows("SUPPLIES", year=year)
    codes, names = supply_products(A)
    first = _first_links(A, dst, codes[rows].astype(np.int64), src, len(names))
    b, i, s = dst[first], codes[rows][first], src[first]
    group = np.flatnonzero(np.r_[True, (b[1:] != b[:-1]) | (i[1:] != i[:-1])] if len(b) else [])
    size = np.diff(np.r_[group, len(b)])
    sole = np.repeat(size == 1, size)  # the (buyer, input) has one supplier
    share = A.edge_values("SUPPLIES", "share", year=year)
    observed = pd.DataFrame(
        {"b": b[sole], "input": i[sole], "s": s[sole], "share": share[first][sole]}
    ).assign(products=False)

    p_src, p_dst = A.edges("PRODUCES", year=year)
    u_src, u_dst = A.edges("UPSTREAM_OF", year=year)
    linked = np.zeros(A.n, dtype=bool)
    linked[dst] = True
    rows = first_rows(p_src, p_dst)
    makes = pd.DataFrame({"firm": p_src[rows], "product": p_dst[rows]})
    makers = makes.groupby("product")["firm"].agg(["size", "min"])
    sole_maker = makers[makers["size"] == 1]["min"]
    buyers = makes[~linked[makes["firm"].to_numpy()]]
    needs = buyers.merge(pd.DataFrame({"input_pos": u_src, "product": u_dst}), on="product")
    needs = needs.iloc[first_rows(needs["firm"].to_numpy(), needs["input_pos"].to_numpy())]
    needs = needs[needs["input_pos"].isin(sole_maker.index)]
    needs = needs.assign(s=needs["input_pos"].map(sole_maker).to_numpy(np.int64))
    needs = needs[needs["s"] != needs["firm"]]
    inferred = pd.DataFrame(
        {
            "b": needs["firm"].to_numpy(np.int64),
            "input": needs["input_pos"].to_numpy(np.int64),
            "s": needs["s"].to_numpy(np.int64),
            "share": np.nan,
            "products": True,
        }
    )
    return pd.concat([observed, inferred], ignore_index=True)


def _first_links(
    A: GraphArrays, b: np.ndarray, code: np.ndarray, s: np.ndarray, products: int
) -> np.ndarray:
    """The first edge (in table order) of each distinct (buyer ``b``, input ``code``,
    supplier ``s``), ordered by those three: a stable sort of one integer key when it
    fits in 62 bits, of the three arrays otherwise (pandas' drop_duplicates and group
    sizes took 27 s at ten million nodes)."""
    n, m = A.n, max(products, 1)
    if n * n * m < 2**62:
        key = (b.astype(np.int64) * m + code) * n + s
        order = np.argsort(key, kind="stable")
        key = key[order]
        new = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, dtype=bool)
    else:
        order = np.lexsort((s, code, b))
        b, code, s = b[order], code[order], s[order]
        new = np.r_[True, (b[1:] != b[:-1]) | (code[1:] != code[:-1]) | (s[1:] != s[:-1])]
        new = new[: len(order)]
    found: np.ndarray = order[new]
    return found
