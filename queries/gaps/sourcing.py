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
from innokg.queries.clusters import province_members
from innokg.queries.clusters.sourcing import sole_supplies, supply_products
from innokg.queries.gaps.table import (
    _city_names,
    _filtered,
    _joined,
    _note,
    _repeated,
    _severity_order,
    _table,
    _text,
)
from innokg.queries.node_text import node_text
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
    r = sole_supplies(A, year)
    keep = _filtered(G, A, city, industry)[r.buyer]
    province = province_members(G)
    if province is not None:  # the province's buyers; their suppliers may be anywhere
        keep &= province[r.buyer]
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
    rows = np.flatnonzero(keep)
    buyer, supplier, code = r.buyer[rows], r.supplier[rows], r.code[rows]
    share, products = r.share[rows], r.products[rows]
    strength = _strength(A, year, buyer, supplier, code)
    severity = np.where(np.isnan(share), 1.0, share)
    # ordered on arrays (ties keep the table's order: buyer, input, supplier), then
    # worded by Arrow: a Python string per row and column took 2.6 kB a row, 8 GB at
    # ten million nodes
    buyer_id = node_text(A, "id", buyer)
    order = _severity_order(severity, buyer_id)
    rows, buyer, supplier, strength = rows[order], buyer[order], supplier[order], strength[order]
    severity, products = severity[order], products[order]
    name = node_text(A, "name", supplier)
    made = pa.array(products)
    guessed = pa.array(strength == 0)
    detail = pc.if_else(
        made,
        _joined("only ", name, " makes it (inferred from products)"),
        pc.if_else(
            guessed,
            _joined(
                "only ",
                name,
                " supplies it (inferred: the supply link is to be verified with the firms)",
            ),
            _joined("only ", name, " supplies it"),
        ),
    )
    detail_zh = pc.if_else(
        made,
        _joined("仅由", name, "生产（据产品推断）"),
        pc.if_else(
            guessed,
            _joined("据推断仅由", name, "供货（供货关系为推断，有待向企业核实）"),
            _joined("仅由", name, "供货"),
        ),
    )
    given = r.input.take(rows)
    words = pa.array(["inferred", "synthetic", "observed"], pa.large_string())
    basis = pa.array(["supplies", "products"], pa.large_string())
    return _table(
        "single_source",
        {
            "entity": _text(buyer_id.take(order)),
            "name": _text(node_text(A, "name", buyer)),
            "label": _repeated("Enterprise", len(rows)),
            "missing": _text(_joined("a second supplier of ", given)),
            "missing_zh": _text(_joined(given, "的第二供应商")),
            "severity": severity,
            "city": _city_names(A, buyer),
            "detail": _text(detail),
            "detail_zh": _text(detail_zh),
        },
        {
            "input": _text(given),
            "supplier": _text(node_text(A, "id", supplier)),
            "supplier_name": _text(name),
            "basis": _text(basis.take(products.astype(np.int8))),
            "evidence": _text(words.take(strength)),
        },
        notes,
        ordered=True,
    )


def _strength(
    A: GraphArrays,
    year: int | None,
    buyer: np.ndarray,
    supplier: np.ndarray,
    code: np.ndarray,
) -> np.ndarray:
    """The evidence of each row's supply link, as its place in :data:`_EVIDENCE_RANK`
    (rows of :func:`~innokg.queries.clusters.sourcing.sole_supplies`: positions, and the
    input's code, -1 on rows from products): 0 (inferred) on rows from products and
    for links whose every SUPPLIES edge is inferred; otherwise the strongest evidence of
    the link's edges (observed before synthetic)."""
    out = np.zeros(len(buyer), dtype=np.int64)
    edges = A.G.edges.get("SUPPLIES")
    supplies = code >= 0
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
    want = np.where(supplies, (supplier.astype(np.int64) * n + buyer) * m + code, -1)
    at = find_sorted(key, want)
    hit = supplies & (at >= 0)
    out[hit] = strength[at[hit]]
    return out


#: Evidence of a supply edge, weakest first (an unknown value counts as inferred).
_EVIDENCE_RANK = {"inferred": 0, "synthetic": 1, "observed": 2}
