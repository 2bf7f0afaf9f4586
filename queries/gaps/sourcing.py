"""Inputs a buyer gets from one supplier only (``single_source``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import (
    arrays,
)
from innokg.queries.clusters import (
    province_members,
    single_sourced_inputs,
)
from innokg.queries.gaps.table import _city_names, _filtered, _note, _table

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
        ``supplier_name`` and ``basis`` (str).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": "s", "name": "供"}, {"id": "b", "name": "买"}]},
    ...                {"SUPPLIES": [("s", "b", {"product": "钢材", "share": 0.9})]})
    >>> single_source_gaps(G)[["entity", "missing", "severity"]].to_dict("records")
    [{'entity': 'b', 'missing': 'a second supplier of 钢材', 'severity': 0.9}]
    """
    A = arrays(G)
    df = single_sourced_inputs(G, year=year)
    pos = A.index(df["buyer"].to_numpy())
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
    basis = df["basis"].astype(str)
    return _table(
        "single_source",
        {
            "entity": df["buyer"].to_numpy(object),
            "name": df["buyer_name"].to_numpy(object),
            "label": np.full(len(df), "Enterprise", dtype=object),
            "missing": ("a second supplier of " + df["input"].astype(str)).to_numpy(object),
            "missing_zh": (df["input"].astype(str) + "的第二供应商").to_numpy(object),
            "severity": df["share"].fillna(1.0).to_numpy(float),
            "city": _city_names(A, pos),
            "detail": (
                "only "
                + df["supplier_name"].astype(str)
                + np.where(
                    basis == "products", " makes it (inferred from products)", " supplies it"
                )
            ).to_numpy(object),
            "detail_zh": (
                "仅由"
                + df["supplier_name"].astype(str)
                + np.where(basis == "products", "生产（据产品推断）", "供货")
            ).to_numpy(object),
        },
        {
            "input": df["input"].to_numpy(),
            "supplier": df["supplier"].to_numpy(),
            "supplier_name": df["supplier_name"].to_numpy(),
            "basis": df["basis"].to_numpy(),
        },
        notes,
    )
