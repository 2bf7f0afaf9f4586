"""Turn raw tables from any source into typed, schema-valid tables.

Loaders hand over one DataFrame per node label and per edge type, with cells as
text or already typed, plus two provenance columns, ``_file`` and ``_row``, naming
where each row came from.  :func:`validate_tables` coerces every column to its
schema type, checks required values, allowed values, ranges, formats (unified
social credit code, NBS division code), duplicate ids and edge endpoints, and
reports every problem at once.  In lenient mode it drops the bad rows (and the
edges that touch them) and returns them as rejects instead.

Columns of a node table that match no property are kept, by default, in the node's
``attributes`` property, one JSON object per row (:func:`pack_attributes`); with
``extra_columns="reject"`` they are one problem naming the file and the columns.

The work is split by concern: :mod:`.tables` (the typed tables returned),
:mod:`.columns` (columns that match no property), :mod:`.rows` (each column coerced and
checked), :mod:`.formats` (credit codes, dates, amounts), :mod:`.duplicates` (the same
node twice), :mod:`.references` (edges against the nodes) and :mod:`.reporting` (the
order and summary of problems).  Every public name is importable from here.

Examples
--------
>>> import pandas as pd
>>> raw = {"Region": pd.DataFrame({"id": ["r1"], "name": ["郑州市"], "source": ["t"],
...                                "level": ["city"], "code": ["4101"]})}
>>> tables = validate_tables(raw, {})
>>> tables.nodes["Region"].loc[0, "code"]
'4101'
>>> uscc_check_char("91350100M000100Y4")
'3'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.graph.errors import Problem
from innokg.graph.schema import (
    EDGE_ENDPOINT_COLUMNS,
    EDGE_TYPES,
    NODE_LABELS,
    edge_columns,
    node_columns,
)
from innokg.graph.validate.columns import (
    ATTRIBUTES,
    EXTRA_COLUMN_MODES,
    pack_attributes,
    unmatched_columns,
)
from innokg.graph.validate.duplicates import (
    UNIQUE_IDENTIFIERS,
    _check_duplicate_ids,
    _check_unique_identifiers,
)
from innokg.graph.validate.formats import is_valid_uscc, parse_amount, uscc_check_char
from innokg.graph.validate.references import _check_endpoints, _endpoint_positions
from innokg.graph.validate.reporting import (
    TableValidationError,
    order_problems,
    problem_kind,
    row_generic,
)
from innokg.graph.validate.rows import _typed_table, _with_provenance
from innokg.graph.validate.tables import (
    DEFECT_COLUMN,
    PROVENANCE_COLUMNS,
    Tables,
    empty_edge_table,
    empty_node_table,
    pandas_dtype,
)

__all__ = [
    "ATTRIBUTES",
    "DEFECT_COLUMN",
    "EXTRA_COLUMN_MODES",
    "PROVENANCE_COLUMNS",
    "UNIQUE_IDENTIFIERS",
    "TableValidationError",
    "Tables",
    "empty_edge_table",
    "empty_node_table",
    "is_valid_uscc",
    "order_problems",
    "pack_attributes",
    "pandas_dtype",
    "parse_amount",
    "problem_kind",
    "row_generic",
    "unmatched_columns",
    "uscc_check_char",
    "validate_tables",
]


def validate_tables(
    raw_nodes: dict[str, pd.DataFrame],
    raw_edges: dict[str, pd.DataFrame],
    *,
    lenient: bool = False,
    extra_columns: str = "keep",
    consume: bool = False,
) -> Tables:
    """Validate raw tables against the schema and return typed tables.

    Parameters
    ----------
    raw_nodes, raw_edges : dict of str to DataFrame
        One table per node label and per edge type, keyed by name.  Optional
        ``_file`` and ``_row`` columns say where each row came from, for messages.
    lenient : bool
        Drop bad rows (and edges touching dropped nodes) and return them in
        ``Tables.rejects`` instead of raising.
    extra_columns : {"keep", "reject"}
        Columns of a node table that match no property: kept in the node's
        ``attributes`` as a JSON object (see :func:`pack_attributes`), or one problem
        naming the file and the columns.  Edge tables keep no attributes: their
        extra columns are a problem either way.  In lenient mode such a problem
        rejects no row: the columns are left out.
    consume : bool
        Take each raw table out of ``raw_nodes`` / ``raw_edges`` once it is typed, so
        that a table and its typed copy are not both held for every table at once (the
        dicts end empty; for builds of millions of rows, where that halves the peak).

    Returns
    -------
    Tables
        Every label and type of the schema (empty tables where absent), columns in
        canonical order and typed; nodes sorted by id, edges by their endpoints'
        positions in the node tables (a deterministic order).

    Raises
    ------
    TableValidationError
        A ValidationError listing every problem found, when ``lenient`` is false.
    ValueError
        When ``extra_columns`` is neither ``"keep"`` nor ``"reject"``.

    Examples
    --------
    >>> import pandas as pd
    >>> nodes = {"Enterprise": pd.DataFrame({
    ...     "id": ["E2", "E1"], "name": ["郑煤机", "宇通客车"], "source": "firms.csv",
    ...     "size": ["large", "huge"], "经营期限": ["长期", None]})}
    >>> edges = {"SUPPLIES": pd.DataFrame({
    ...     "from_id": ["E2"], "to_id": ["E9"], "source": "supply.csv", "evidence": "observed"})}
    >>> validate_tables(nodes, edges)
    Traceback (most recent call last):
    ...
    innokg.graph.validate.TableValidationError: 2 problem(s) in the input; nothing was written.
    ...
    nodes/Enterprise, row 2, column 'size': 'huge' is not allowed; use one of large, medium, ...
    edges/SUPPLIES, row 1, column 'to_id': no node with id 'E9'; add the node or correct the id
    ...
    >>> tables = validate_tables(nodes, edges, lenient=True)  # bad rows set aside
    >>> tables.nodes["Enterprise"][["id", "size", "attributes"]].values.tolist()
    [['E2', 'large', '{"经营期限": "长期"}']]
    >>> tables.rejects[["file", "row", "column"]].values.tolist()
    [['nodes/Enterprise', 2, 'size'], ['edges/SUPPLIES', 1, 'to_id']]
    """
    if extra_columns not in EXTRA_COLUMN_MODES:
        raise ValueError(f"extra_columns is one of {EXTRA_COLUMN_MODES}, not {extra_columns!r}")
    problems = _unknown_tables(raw_nodes, raw_edges)
    file_kinds = _file_kinds(raw_nodes, raw_edges)
    id_columns = [raw["id"] for raw in raw_nodes.values() if "id" in raw.columns]
    rejected_ids = _id_texts(pd.concat(id_columns)) if lenient and id_columns else set()
    del id_columns
    knock_on: list[Problem] = []  # rows rejected because of a problem reported elsewhere
    nodes, withdrawn = _type_nodes(
        raw_nodes, problems, knock_on, lenient, extra_columns, consume=consume
    )
    _check_duplicate_ids(nodes, problems, lenient=lenient)
    _check_unique_identifiers(nodes, problems, lenient=lenient)

    # Nodes are final now: type every edge table, then resolve all endpoints at once.
    nodes = {k: _finish(v) for k, v in nodes.items()}
    labels = list(nodes)
    typed_edges: dict[str, tuple[pd.DataFrame, set[int]]] = {}
    for etype, edge_spec in EDGE_TYPES.items():
        if etype in raw_edges:
            df = _with_provenance(raw_edges[etype], f"edges/{etype}")
            if consume:
                del raw_edges[etype]
            typed_edges[etype] = _typed_table(
                df, edge_spec.props, edge_columns(etype), problems, knock_on, etype
            )
            del df
    positions = _endpoint_positions(nodes, [t for t, _ in typed_edges.values()])
    node_code = np.repeat(np.arange(len(labels)), [len(df) for df in nodes.values()])
    node_code = np.append(node_code, -1)  # a sentinel: no node table may have rows at all

    edges: dict[str, pd.DataFrame] = {}
    for etype, edge_spec in EDGE_TYPES.items():
        if etype not in typed_edges:
            edges[etype] = empty_edge_table(etype)
            continue
        typed, bad = typed_edges.pop(etype)
        pos = dict(zip(EDGE_ENDPOINT_COLUMNS, positions.pop(0), strict=True))
        _check_endpoints(
            etype,
            edge_spec,
            typed,
            pos,
            node_code,
            labels,
            (rejected_ids, withdrawn),
            (problems, knock_on),
            bad,
        )
        # A stable order from the endpoints' positions: deterministic and cheap to sort;
        # the rows kept are taken in that order at once (one copy of the table, not two).
        order = np.lexsort((pos["to_id"], pos["from_id"]))
        if lenient and bad:
            order = order[~typed.index[order].isin(list(bad))]
        edges[etype] = _finish(typed.iloc[order], sort=None)

    problems = order_problems(problems, file_kinds)
    if problems and not lenient:
        raise TableValidationError(problems)

    reject_frame = pd.DataFrame(
        [(p.file, p.row, p.column, p.message) for p in order_problems(problems + knock_on)],
        columns=["file", "row", "column", "reason"],
    )
    reject_frame["row"] = reject_frame["row"].astype("Int64")
    return Tables(nodes=nodes, edges=edges, rejects=reject_frame, problems=problems)


def _file_kinds(
    raw_nodes: dict[str, pd.DataFrame], raw_edges: dict[str, pd.DataFrame]
) -> dict[str, int]:
    """Each file named in the input -> 0 for a node table, 1 for an edge table (the
    order problems are reported in)."""
    file_kinds: dict[str, int] = {}
    for rank, raw in ((0, raw_nodes), (1, raw_edges)):
        for name, df in raw.items():
            file_kinds[str(df.attrs.get("file", name))] = rank
            if "_file" in df.columns:
                for f in pd.unique(df["_file"].astype(str)):
                    file_kinds[f] = rank
    return file_kinds


def _unknown_tables(
    raw_nodes: dict[str, pd.DataFrame], raw_edges: dict[str, pd.DataFrame]
) -> list[Problem]:
    """One problem per table whose label or type the schema does not know."""
    problems: list[Problem] = []
    for kind, raw, known in (
        ("node label", raw_nodes, NODE_LABELS),
        ("edge type", raw_edges, EDGE_TYPES),
    ):
        for name, df in raw.items():
            if name not in known:
                file = str(df["_file"].iloc[0]) if "_file" in df and len(df) else name
                problems.append(
                    Problem(file, None, None, f"unknown {kind} {name!r}; known: {', '.join(known)}")
                )
    return problems


def _type_nodes(
    raw_nodes: dict[str, pd.DataFrame],
    problems: list[Problem],
    knock_on: list[Problem],
    lenient: bool,
    extra_columns: str,
    *,
    consume: bool = False,
) -> tuple[dict[str, pd.DataFrame], set[str]]:
    """Every node table typed (bad rows dropped when lenient), and the ids of the tables
    not read because a required column is missing."""
    nodes: dict[str, pd.DataFrame] = {}
    withdrawn: set[str] = set()
    for label, spec in NODE_LABELS.items():
        if label not in raw_nodes:
            nodes[label] = empty_node_table(label)
            continue
        df = _with_provenance(raw_nodes[label], f"nodes/{label}")
        if consume:
            del raw_nodes[label]
        typed, bad = _typed_table(
            df, spec.props, node_columns(label), problems, knock_on, label, extra_columns
        )
        if typed.attrs.get("withdrawn") and "id" in df.columns:
            withdrawn |= _id_texts(df["id"])
        if typed.attrs.get("withdrawn"):
            nodes[label] = typed.iloc[0:0]
            continue
        nodes[label] = typed.drop(index=list(bad)) if lenient else typed
    return nodes, withdrawn


def _id_texts(ids: pd.Series) -> set[str]:
    """The distinct ids of a column, stripped (through numpy: Arrow strings one by one
    are slow)."""
    return set(ids.astype("string").str.strip().dropna().to_numpy(dtype=object).tolist())


def _finish(df: pd.DataFrame, *, sort: tuple[str, ...] | None = ("id",)) -> pd.DataFrame:
    """Drop provenance and put rows in a stable order, for byte-identical packages."""
    df = df.drop(columns=[c for c in PROVENANCE_COLUMNS if c in df.columns])
    if sort:
        df = df.sort_values(list(sort), kind="stable")
    return df.reset_index(drop=True)
