"""The typed tables a validation returns, and the empty typed table of each label and type.

>>> regions = empty_node_table("Region")
>>> len(regions), regions.columns[:2].tolist(), str(regions["name"].dtype)
(0, ['id', 'name'], 'string')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from innokg.graph.errors import Problem
from innokg.graph.schema import EDGE_ENDPOINT_COLUMNS, EDGE_TYPES, NODE_LABELS, Prop

__all__ = [
    "DEFECT_COLUMN",
    "PROVENANCE_COLUMNS",
    "Tables",
    "empty_edge_table",
    "empty_node_table",
    "pandas_dtype",
]

PROVENANCE_COLUMNS = ("_file", "_row")

#: Why a row could not be read as a row of its table (a reader's note: a CSV row with
#: too many or too few cells); such a row is one problem, reported at its row.
DEFECT_COLUMN = "_defect"

_PANDAS_DTYPES = {
    "string": "string",
    "int": "Int64",
    "year": "Int64",
    "float": "Float64",
    "bool": "boolean",
}


def pandas_dtype(prop: Prop) -> str:
    """The pandas extension dtype a property is stored as.

    Parameters
    ----------
    prop : Prop
        A property of the schema.

    Returns
    -------
    str
        ``"string"`` for text, ``"Int64"`` for integers and years, ``"Float64"``
        for numbers and ``"boolean"`` for flags: nullable types, so a missing value
        is ``<NA>`` in every column.

    Examples
    --------
    >>> from innokg.graph.schema import NODE_LABELS
    >>> [(p.name, pandas_dtype(p)) for p in NODE_LABELS["Fund"].props][-4:]
    [('until', 'Int64'), ('kind', 'string'), ('amount', 'Float64'), ('attributes', 'string')]
    """
    return _PANDAS_DTYPES[prop.dtype]


@dataclass
class Tables:
    """Typed node and edge tables, plus the rows rejected in lenient mode."""

    nodes: dict[str, pd.DataFrame]
    edges: dict[str, pd.DataFrame]
    rejects: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["file", "row", "column", "reason"])
    )
    #: every problem found, in report order (file-level first, then node tables, then
    #: edge tables, each by row); the rows of ``rejects`` are the rows they cost
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        """How many distinct rows ``rejects`` names (a row may have several problems)."""
        rows = self.rejects.dropna(subset=["row"])
        return len(rows.drop_duplicates(["file", "row"]))


def empty_node_table(label: str) -> pd.DataFrame:
    """A table of ``label`` with its typed columns and no rows.

    Parameters
    ----------
    label : str
        A node label of the schema.

    Returns
    -------
    DataFrame
        A new table (the caller may change it), columns in canonical order.

    Raises
    ------
    KeyError
        When the schema has no such label.

    Examples
    --------
    >>> funds = empty_node_table("Fund")
    >>> len(funds), {c: str(t) for c, t in funds.dtypes.items() if c in ("id", "since", "amount")}
    (0, {'id': 'string', 'since': 'Int64', 'amount': 'Float64'})
    """
    return _empty_node_template(label).copy()


def empty_edge_table(edge_type: str) -> pd.DataFrame:
    """A table of ``edge_type`` with its typed columns and no rows.

    Parameters
    ----------
    edge_type : str
        An edge type of the schema.

    Returns
    -------
    DataFrame
        A new table, ``from_id`` and ``to_id`` first, then the type's properties.

    Raises
    ------
    KeyError
        When the schema has no such edge type.

    Examples
    --------
    >>> investments = empty_edge_table("INVESTS_IN")
    >>> investments.columns.tolist()[:4], len(investments)
    (['from_id', 'to_id', 'source', 'evidence'], 0)
    >>> str(investments["amount"].dtype), str(investments["from_id"].dtype)
    ('Float64', 'string')
    """
    return _empty_edge_template(edge_type).copy()


@cache
def _empty_node_template(label: str) -> pd.DataFrame:
    props = NODE_LABELS[label].props
    return pd.DataFrame({p.name: pd.Series(dtype=pandas_dtype(p)) for p in props})


@cache
def _empty_edge_template(edge_type: str) -> pd.DataFrame:
    cols: dict[str, pd.Series] = {c: pd.Series(dtype="string") for c in EDGE_ENDPOINT_COLUMNS}
    for p in EDGE_TYPES[edge_type].props:
        cols[p.name] = pd.Series(dtype=pandas_dtype(p))
    return pd.DataFrame(cols)
