"""Inputs a buyer gets from one supplier only (``single_source``).

A row rests on an observed supply link, on an inferred one (a SUPPLIES edge with
``evidence`` "inferred", e.g. derived from the product chain), or on what firms make
(PRODUCES / UPSTREAM_OF, inferred by construction).  The wording says which: an
inferred link is not a fact about who buys from whom, so its row says "据推断仅由X供货"
/ "only X supplies it (inferred)" and that the link is to be verified with the firms.
Observed and synthetic (demo) links keep the plain wording.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import (
    GraphArrays,
    arrays,
)
from innokg.queries.clusters import (
    province_members,
    single_sourced_inputs,
)
from innokg.queries.clusters.sourcing import supply_products
from innokg.queries.gaps.table import _city_names, _filtered, _joined, _note, _table, _text
from innokg.queries.sets import find_sorted

__all__ = ["single_source_gaps"]


def single_source_gaps(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
) -> pd.DataFrame:
    """Inputs a buyer gets from one supplier only (a supply risk).

    Parameters
    ----------
    G : EcosystemGraph
        The graph: supply links with their ``product`` (SUPPLIES), or what
        firms make and its inputs (PRODUCES, UPSTREAM_OF).
    year : int, optional
        As of this year.
    city, industry : str, optional
        Only buyers in this city / industry.

    Returns
    -------
    pandas.DataFrame
        One row per buyer and input (see
        :func:`innokg.queries.clusters.single_sourced_inputs`); the core columns (see the
        module) with ``severity`` = the share of the buyer's input that the supplier
        provides (1 when not recorded), then ``input``, ``supplier``,
        ``supplier_name``, ``basis`` (str) and ``evidence`` (str: the supply link's
        evidence, ``observed``, ``inferred`` or ``synthetic``; ``inferred`` for rows
        built from products; a link recorded by several edges is inferred only when
        all of them are).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": "s", "name": "供"}, {"id": "b", "name": "买"}]},
    ...                {"SUPPLIES": [("s", "b", {"product": "钢材", "share": 0.9})]})
    >>> single_source_gaps(G)[["entity", "missing", "severity"]].to_dict("records")
    [{'entity': 'b', 'missing': 'a second supplier of 钢材', 'severity': 0.9}]

    An inferred supply link says so:

    >>> G = make_graph({"Enterprise": [{"id": "s", "name": "供"}, {"id": "b", "name": "买"}]},
    ...                {"SUPPLIES": [("s", "b", {"product": "钢材", "evidence": "inferred"})]})
    >>> single_source_gaps(G)["detail_zh"].tolist()
    ['据推断仅由供供货（供货关系为推断，有待向企业核实）']
    """
    A = arrays(G)
    df = single_sourced_inputs(G, year=year)
    pos = A.index(df["buyer"])
    keep = _filtered(G, A, city, industry)[pos]
    province = province_members(G)
    if province is not None:  # the province's buyers; their suppliers may be anywhere
        keep &= province[pos]
    notes = []
    if not len(A.edges("SUPPLIES", year=year)[0]) and not len(A.edges("PRODUCES", year=year)[0]):
        notes.append(
            _note(
                "supply_links",
                "supply links (SUPPLIES) or what firms make (PRODUCES)",
                "供货关系或企业产品",
                "no supply links or products in the data",
                "数据中没有供货关系或产品信息",
            )
        )
    df, pos = df[keep].reset_index(drop=True), pos[keep]
    evidence = _evidence(G, A, df, year, pos)
    # the sentences are put together by Arrow: a Python string per row and column
    # took 2.6 kB a row, 8 GB at ten million nodes
    supplier = df["supplier_name"]
    products = pa.array((df["basis"] == "products").to_numpy(bool))
    guessed = pa.array(evidence == "inferred")
    detail = pc.if_else(
        products,
        _joined("only ", supplier, " makes it (inferred from products)"),
        pc.if_else(
            guessed,
            _joined(
                "only ",
                supplier,
                " supplies it (inferred: the supply link is to be verified with the firms)",
            ),
            _joined("only ", supplier, " supplies it"),
        ),
    )
    detail_zh = pc.if_else(
        products,
        _joined("仅由", supplier, "生产（据产品推断）"),
        pc.if_else(
            guessed,
            _joined("据推断仅由", supplier, "供货（供货关系为推断，有待向企业核实）"),
            _joined("仅由", supplier, "供货"),
        ),
    )
    return _table(
        "single_source",
        {
            "entity": df["buyer"].array,
            "name": df["buyer_name"].array,
            "label": np.full(len(df), "Enterprise", dtype=object),
            "missing": _text(_joined("a second supplier of ", df["input"])),
            "missing_zh": _text(_joined(df["input"], "的第二供应商")),
            "severity": df["share"].fillna(1.0).to_numpy(float),
            "city": _city_names(A, pos),
            "detail": _text(detail),
            "detail_zh": _text(detail_zh),
        },
        {
            "input": df["input"].array,
            "supplier": df["supplier"].array,
            "supplier_name": supplier.array,
            "basis": df["basis"].array,
            "evidence": pd.array(evidence, dtype="string"),
        },
        notes,
    )


def _evidence(
    G: EcosystemGraph,
    A: GraphArrays,
    df: pd.DataFrame,
    year: int | None,
    buyers: np.ndarray | None = None,
) -> np.ndarray:
    """The evidence of each row's supply link (``df``: rows of single_sourced_inputs,
    ``buyers`` their buyers' positions where known):
    ``inferred`` for rows built from products, and for links whose every SUPPLIES edge
    is inferred; otherwise the edges' evidence (``observed`` before ``synthetic``)."""
    out = np.full(len(df), "inferred", dtype=object)
    edges = G.edges.get("SUPPLIES")
    supplies = (df["basis"] == "supplies").to_numpy()
    if edges is None or not len(edges) or not supplies.any():
        return out
    rows = A.edge_rows("SUPPLIES", year=year)
    src, dst = A.edges("SUPPLIES", year=year)
    found = edges["evidence"] if "evidence" in edges.columns else pd.Series("", index=edges.index)
    # the strongest evidence of each (supplier, buyer, input) link, on integer keys: the
    # ids are positions and the inputs codes of the edges' products
    codes, names = supply_products(A)
    codes = codes[rows]
    found_codes, found_names = pd.factorize(found.astype("string"))
    rank_of = np.array([_EVIDENCE_RANK.get(str(x), 0) for x in found_names] + [0], dtype=np.int64)
    strength = rank_of[found_codes[rows]]  # -1 (no evidence) picks the trailing 0
    n, m = np.int64(A.n), np.int64(max(len(names), 1))
    key = (src.astype(np.int64) * n + dst) * m + codes
    order = np.lexsort((strength, key))
    key, strength = key[order], strength[order]
    last = np.r_[key[1:] != key[:-1], True] if len(key) else np.zeros(0, dtype=bool)
    key, strength = key[last], strength[last]  # sorted by rank within a key: the max
    s_pos = A.index(df["supplier"])
    b_pos = A.index(df["buyer"]) if buyers is None else buyers
    code = pd.Index(names).get_indexer(df["input"].astype(str))
    known = (s_pos >= 0) & (b_pos >= 0) & (code >= 0)
    want = np.where(known, (s_pos.astype(np.int64) * n + b_pos) * m + code, -1)
    at = find_sorted(key, want)
    hit = known & (at >= 0)
    rank = np.zeros(len(df), dtype=np.int64)
    rank[hit] = strength[at[hit]]
    words = np.array(["inferred", "synthetic", "observed"], dtype=object)
    out[supplies] = words[rank[supplies]]
    return out


#: Evidence of a supply edge, weakest first (an unknown value counts as inferred).
_EVIDENCE_RANK = {"inferred": 0, "synthetic": 1, "observed": 2}
