"""Industries read from names: a university's field, an enterprise's line of business.

Two of innokg's tables list terms that a name may hold and the GB/T 4754-2017
divisions each term names: ``university_fields.csv`` (医, 农, 汽车, 工程…: the field an
institution teaches) and ``enterprise_name_industries.csv`` (煤业, 药业, 轮胎…: by the
rules on enterprise names, the industry term every registered name carries).  A name
that holds a term gets inferred IN_INDUSTRY edges to its divisions, so that partner
suggestions can prefer a relevant institution to a merely nearby one.

Rules, the same for both tables: every term found counts, except a term inside a
longer term that is also found (电子 in 电子商务); terms of scope ``general`` (工业,
工程…) count only where no ``specific`` term is found.

Examples
--------
>>> orgs = pd.DataFrame({"id": ["a", "b", "c", "d"],
...                      "name": ["鹤壁汽车工程职业学院", "河南工业大学", "许昌学院",
...                               "郑州电子商务职业学院"]})
>>> out = name_industry_edges(orgs, university_fields(), "universities:x.csv")
>>> out.groupby("from_id")["to_id"].agg(lambda t: " ".join(t.str[-3:])).to_dict()
{'a': 'C36', 'b': 'C33 C34 C35 C38', 'd': 'I64'}
>>> out["method"].iloc[0]
'the name names the field: 汽车'
"""

from __future__ import annotations

import pandas as pd

from innokg.loaders.crosswalk import GBT_PREFIX, gbt_industry_nodes
from innokg.loaders.reference import enterprise_name_industries, university_fields

__all__ = [
    "NAME_CONFIDENCE",
    "enterprise_name_industries",
    "industry_nodes_for",
    "name_industry_edges",
    "university_fields",
]

#: A reading of a name, not a classification: as sure as a one-to-many crosswalk row.
NAME_CONFIDENCE = 0.5
_COLUMNS = ["from_id", "to_id", "source", "evidence", "method", "confidence"]


def _terms(name: str, table: pd.DataFrame) -> pd.DataFrame:
    hits = table.loc[[k in name for k in table["keyword"]]]
    found = list(hits["keyword"])
    hits = hits.loc[[not any(k != o and k in o for o in found) for k in found]]
    specific = hits[hits["scope"] == "specific"]
    return specific if len(specific) else hits


def name_industry_edges(orgs: pd.DataFrame, table: pd.DataFrame, source: str) -> pd.DataFrame:
    """Inferred IN_INDUSTRY edges for the ``id``/``name`` rows of ``orgs`` whose name holds a term.

    Returns one row per (organisation, division), sorted, with ``method`` naming the
    terms read ("the name names the field: 汽车"); empty (with the columns) when no
    name holds a term.

    Parameters
    ----------
    orgs : DataFrame
        Organisations with ``id`` and ``name``; other columns are ignored.
    table : DataFrame
        Terms and the divisions they name: :func:`university_fields` or
        :func:`enterprise_name_industries` (columns ``keyword``, ``divisions``
        space-separated, ``scope`` ``specific`` or ``general``).
    source : str
        The ``source`` of every edge (the source the organisations were read from).

    Returns
    -------
    DataFrame
        ``from_id``, ``to_id`` (``industry:gbt4754:<division>``), ``source``,
        ``evidence`` (``inferred``), ``method`` and ``confidence``
        (:data:`NAME_CONFIDENCE`).

    Examples
    --------
    >>> orgs = pd.DataFrame({"id": ["e1", "e2", "e3"],
    ...                      "name": ["平顶山煤业集团有限公司", "河南羚锐制药股份有限公司",
    ...                               "郑州中原科技有限公司"]})
    >>> out = name_industry_edges(orgs, enterprise_name_industries(), "tables:Enterprise.csv")
    >>> for row in out[["from_id", "to_id", "method", "confidence"]].itertuples(index=False):
    ...     print(*row)
    e1 industry:gbt4754:B06 the name names the field: 煤业 0.5
    e2 industry:gbt4754:C27 the name names the field: 制药 0.5
    """
    rows: list[tuple[str, str, str]] = []
    for oid, name in zip(orgs["id"], orgs["name"], strict=True):
        hits = _terms(str(name), table)
        for key, divisions in zip(hits["keyword"], hits["divisions"], strict=True):
            rows.extend((str(oid), d, key) for d in str(divisions).split())
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS})
    d = pd.DataFrame(rows, columns=["from_id", "division", "keyword"])
    d = d.groupby(["from_id", "division"], sort=False)["keyword"].agg("、".join).reset_index()
    return pd.DataFrame(
        {
            "from_id": d["from_id"],
            "to_id": GBT_PREFIX + d["division"],
            "source": source,
            "evidence": "inferred",
            "method": "the name names the field: " + d["keyword"],
            "confidence": NAME_CONFIDENCE,
        }
    ).sort_values(["from_id", "to_id"], kind="stable", ignore_index=True)


def industry_nodes_for(edges: pd.DataFrame) -> pd.DataFrame:
    """The Industry node rows (divisions and their sections) that ``edges`` point to.

    Parameters
    ----------
    edges : DataFrame
        Edges whose ``to_id`` is ``industry:gbt4754:<division>``, as
        :func:`name_industry_edges` returns them.

    Returns
    -------
    DataFrame
        One row per division and section, as
        :func:`innokg.loaders.crosswalk.gbt_industry_nodes` gives them.

    Examples
    --------
    >>> edges = pd.DataFrame({"to_id": ["industry:gbt4754:C27", "industry:gbt4754:B06"]})
    >>> for row in industry_nodes_for(edges)[["id", "name", "level"]].itertuples(index=False):
    ...     print(*row)
    industry:gbt4754:B 采矿业 1
    industry:gbt4754:B06 煤炭开采和洗选业 2
    industry:gbt4754:C 制造业 1
    industry:gbt4754:C27 医药制造业 2
    """
    return gbt_industry_nodes(sorted({t.removeprefix(GBT_PREFIX) for t in edges["to_id"]}))
