"""Columns of a table that match no property: kept in a node's ``attributes`` or named
as one problem of the file."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from innokg.graph.errors import Problem
from innokg.graph.headers import suggest_column
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS, edge_columns, node_columns
from innokg.graph.validate.tables import DEFECT_COLUMN, PROVENANCE_COLUMNS

__all__ = ["ATTRIBUTES", "EXTRA_COLUMN_MODES", "pack_attributes", "unmatched_columns"]

#: What becomes of columns that match no property: ``keep`` them in ``attributes`` (node
#: tables; the default) or ``reject`` them (one problem naming the file and the columns).
EXTRA_COLUMN_MODES = ("keep", "reject")
ATTRIBUTES = "attributes"


def _table_columns(name: str) -> list[str] | None:
    if name in NODE_LABELS:
        return node_columns(name)
    if name in EDGE_TYPES:
        return edge_columns(name)
    return None


def unmatched_columns(df: pd.DataFrame, name: str) -> list[str]:
    """The columns of the table of label or type ``name`` that match no property.

    The provenance columns a reader adds (``_file``, ``_row``, ``_defect``) are not
    counted.

    Parameters
    ----------
    df : DataFrame
        A table whose headers are already the schema's names (see
        :func:`innokg.graph.headers.canonical_header`).
    name : str
        Its node label or edge type; a name the schema does not know has none.

    Returns
    -------
    list of str
        The other columns, in the table's order.

    Examples
    --------
    >>> unmatched_columns(pd.DataFrame(columns=["id", "name", "经营期限", "_row"]), "Product")
    ['经营期限']
    >>> unmatched_columns(pd.DataFrame(columns=["from_id", "to_id", "product", "价格"]), "SUPPLIES")
    ['价格']
    """
    known = _table_columns(name)
    if known is None:
        return []
    wanted = {*known, *PROVENANCE_COLUMNS, DEFECT_COLUMN}
    return [str(c) for c in df.columns if c not in wanted]


def _cell_texts(series: pd.Series) -> list[str | None]:
    """The cells of a column as the text kept in ``attributes``; None where blank."""
    text = series.astype("string").str.strip()
    keep = (text != "").fillna(False).to_numpy(dtype=bool)
    cells = text.to_numpy(dtype=object).tolist()
    return [t if k else None for t, k in zip(cells, keep, strict=True)]


def _coded_texts(series: pd.Series) -> tuple[np.ndarray, list[str | None]]:
    """Each cell's position among the column's distinct values (-1: NA), and each
    distinct value as the text kept in ``attributes`` (None where blank)."""
    codes, distinct = pd.factorize(series.astype("string"))
    return np.asarray(codes), _cell_texts(pd.Series(distinct, dtype="string"))


def _merge_attributes(before: str, text: str | None) -> str:
    """An ``attributes`` cell given in the input, with the object of the extra columns
    folded in (its own keys win); unchanged when there is nothing to fold or it is no
    JSON object (validation names it)."""
    if text is None:
        return before
    try:
        kept = json.loads(before)
    except ValueError:
        kept = None
    if not isinstance(kept, dict):
        return before
    return json.dumps({**json.loads(text), **kept}, ensure_ascii=False)


def pack_attributes(df: pd.DataFrame, label: str) -> pd.DataFrame:
    """Fold the columns of a node table that match no property into ``attributes``.

    Each row's non-blank cells of those columns become one JSON object, header as
    written -> cell text, in the file's column order; a row with none keeps what
    ``attributes`` held (or nothing).  Keys an ``attributes`` cell already holds are
    kept.  A table that lacks a required column is returned as it is: it will not be
    read, and validation names its unknown headers as guesses for the missing one.

    Parameters
    ----------
    df : DataFrame
        A raw node table, headers already the schema's names.
    label : str
        Its node label; any other name (an edge type) returns ``df`` unchanged.

    Returns
    -------
    DataFrame
        ``df`` without the unmatched columns and with an ``attributes`` column of
        JSON text (None for a row with nothing to keep); ``df`` itself when there is
        nothing to fold.

    Examples
    --------
    >>> raw = pd.DataFrame({"id": ["p1", "p2"], "name": ["轴承", "齿轮"], "source": "t",
    ...                     "产地": ["洛阳", ""], "Grade": ["A", None]})
    >>> pack_attributes(raw, "Product")["attributes"].tolist()
    ['{"产地": "洛阳", "Grade": "A"}', None]

    A key the ``attributes`` cell already holds keeps its value:

    >>> raw = pd.DataFrame({"id": ["p1"], "name": ["轴承"], "source": "t", "产地": ["洛阳"],
    ...                     "attributes": ['{"产地": "郑州", "等级": "A"}']})
    >>> packed = pack_attributes(raw, "Product")
    >>> packed.columns.tolist(), packed.loc[0, "attributes"]
    (['id', 'name', 'source', 'attributes'], '{"产地": "郑州", "等级": "A"}')
    """
    if label not in NODE_LABELS:
        return df
    extra = unmatched_columns(df, label)
    required = [p.name for p in NODE_LABELS[label].props if p.required]
    if not extra or any(c not in df.columns for c in required):
        return df
    # Rows are grouped by the distinct values of their extra cells and each group's
    # object is written once: a json.dumps per row took seconds at 100,000 rows, and
    # an extract repeats a few values many times.
    group = np.zeros(len(df), dtype=np.int64)
    pieces: list[tuple[np.ndarray, list[str | None]]] = []
    for column in extra:
        codes, texts = _coded_texts(df[column])
        key = json.dumps(column, ensure_ascii=False) + ": "
        encoded = [key + json.dumps(v, ensure_ascii=False) if v else None for v in texts]
        codes = np.where(codes < 0, len(encoded), codes)  # NA: the slot after the last
        encoded.append(None)
        pieces.append((codes, encoded))
        group = pd.factorize(group * len(encoded) + codes)[0]
    first = np.unique(group, return_index=True)[1]
    objects: list[str | None] = []
    for row in first.tolist():
        found = [encoded[codes[row]] for codes, encoded in pieces]
        found = [p for p in found if p is not None]
        objects.append("{" + ", ".join(found) + "}" if found else None)
    packed = np.array(objects, dtype=object)[group]
    if ATTRIBUTES in df.columns:  # keys a cell already holds are kept
        for k, before in enumerate(_cell_texts(df[ATTRIBUTES])):
            if before is not None:
                packed[k] = _merge_attributes(before, packed[k])
    out = df.drop(columns=extra)
    out[ATTRIBUTES] = pd.Series(packed, index=df.index, dtype=object)
    return out


def _extra_columns_problem(
    file: str, name: str, extra: list[str], present: list[str], columns: list[str]
) -> Problem:
    """One line naming every column of a file that matches no property, with guesses."""
    guesses = [
        f"{g!r} for {c!r}" for c in extra if (g := suggest_column(c, name)) and g not in present
    ]
    shown = ", ".join(repr(c) for c in extra)
    what = f"column {shown} matches" if len(extra) == 1 else f"columns {shown} match"
    hint = f" (did you mean {', '.join(guesses)}?)" if guesses else ""
    them = "it" if len(extra) == 1 else "them"
    todo = (
        f"edges keep no attributes: rename or remove {them}"
        if name not in NODE_LABELS
        else f"rename or remove {them}, or keep {them} in the node's attributes with "
        "--extra-columns keep"
    )
    return Problem(
        file,
        None,
        None,
        f"{what} no property of {name}{hint}; {todo} (known columns: {', '.join(columns)})",
    )
