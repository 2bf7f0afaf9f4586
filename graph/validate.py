"""Turn raw tables from any source into typed, schema-valid tables.

Loaders hand over one DataFrame per node label and per edge type, with cells as
text or already typed, plus two provenance columns, ``_file`` and ``_row``, naming
where each row came from.  :func:`validate_tables` coerces every column to its
schema type, checks required values, allowed values, ranges, formats (unified
social credit code, NBS division code), duplicate ids and edge endpoints, and
reports every problem at once.  In lenient mode it drops the bad rows (and the
edges that touch them) and returns them as rejects instead.

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

import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from innokg.graph.errors import Problem, ValidationError
from innokg.graph.schema import (
    EDGE_ENDPOINT_COLUMNS,
    EDGE_TYPES,
    NODE_LABELS,
    Prop,
    edge_columns,
    node_columns,
)

__all__ = [
    "PROVENANCE_COLUMNS",
    "Tables",
    "empty_edge_table",
    "empty_node_table",
    "is_valid_uscc",
    "pandas_dtype",
    "uscc_check_char",
    "validate_tables",
]

PROVENANCE_COLUMNS = ("_file", "_row")

_PANDAS_DTYPES = {
    "string": "string",
    "int": "Int64",
    "year": "Int64",
    "float": "Float64",
    "bool": "boolean",
}

_TRUE = {"true", "1", "yes", "y", "t", "是", "真"}
_FALSE = {"false", "0", "no", "n", "f", "否", "假"}

# GB 32100-2015: 31 characters (no I, O, S, V, Z) and the weights of positions 1-17.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_NBS_RE = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$")


def pandas_dtype(prop: Prop) -> str:
    """The pandas extension dtype a property is stored as."""
    return _PANDAS_DTYPES[prop.dtype]


@dataclass
class Tables:
    """Typed node and edge tables, plus the rows rejected in lenient mode."""

    nodes: dict[str, pd.DataFrame]
    edges: dict[str, pd.DataFrame]
    rejects: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["file", "row", "column", "reason"])
    )


def empty_node_table(label: str) -> pd.DataFrame:
    """A table of ``label`` with its typed columns and no rows."""
    return _empty_node_template(label).copy()


def empty_edge_table(edge_type: str) -> pd.DataFrame:
    """A table of ``edge_type`` with its typed columns and no rows."""
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


def uscc_check_char(first17: str) -> str:
    """The check character of a unified social credit code (GB 32100-2015)."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` is 18 valid characters with a correct check character."""
    return bool(_USCC_RE.match(code)) and uscc_check_char(code[:17]) == code[17]


# --- coercion ---------------------------------------------------------------------


def _blank(series: pd.Series) -> pd.Series:
    """True where a cell holds no value (NA, or text that is only white space)."""
    if pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
        text = series.astype("string")
        return text.isna() | (text.str.strip() == "")
    return series.isna()


def _coerce(series: pd.Series, prop: Prop) -> tuple[pd.Series, pd.Series, str]:
    """Return (typed values, mask of cells that failed, what was expected)."""
    blank = _blank(series)
    if prop.dtype == "string":
        text = series.astype("string").str.strip()
        return text.mask(blank), pd.Series(False, index=series.index), "text"
    if prop.dtype == "bool":
        if pd.api.types.is_bool_dtype(series.dtype):
            return series.astype("boolean"), pd.Series(False, index=series.index), "true/false"
        low = series.astype("string").str.strip().str.lower()
        out = pd.Series(pd.NA, index=series.index, dtype="boolean")
        out[low.isin(_TRUE).fillna(False).astype(bool)] = True
        out[low.isin(_FALSE).fillna(False).astype(bool)] = False
        bad = out.isna() & ~blank
        return out, bad, "true or false"
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        num = series.astype("Float64")
    else:
        text = series.astype("string").str.strip().str.replace(",", "", regex=False)
        num = pd.to_numeric(text.mask(blank), errors="coerce").astype("Float64")
    bad = (num.isna() & ~blank) | np.isinf(num.fillna(0).to_numpy(dtype=float))
    if prop.dtype in ("int", "year"):
        frac = (num % 1).fillna(0) != 0
        bad = bad | frac
        whole = num.mask(bad | num.isna()).round()
        return whole.astype("Int64"), bad, "a whole number" if prop.dtype == "int" else "a year"
    return num, bad, "a number"


def _describe(prop: Prop) -> str:
    if prop.values:
        return "one of " + ", ".join(prop.values)
    return prop.dtype


def _check_column(
    df: pd.DataFrame, prop: Prop, problems: list[Problem], bad_rows: set[int]
) -> pd.Series:
    """Coerce one column, recording problems; return the typed column."""

    def report(mask: pd.Series, make_message) -> None:  # type: ignore[no-untyped-def]
        for idx in np.flatnonzero(mask.to_numpy(dtype=bool, na_value=False)):
            i = df.index[idx]
            problems.append(
                Problem(df.at[i, "_file"], int(df.at[i, "_row"]), prop.name, make_message(i))
            )
            bad_rows.add(i)

    if prop.name not in df.columns:
        return pd.Series(pd.NA, index=df.index, dtype=pandas_dtype(prop))
    raw = df[prop.name]
    typed, bad, expected = _coerce(raw, prop)
    report(bad, lambda i: f"{raw[i]!r} is not {expected}")
    if prop.required:
        report(typed.isna() & ~bad, lambda i: "is required but empty")
    present = typed.notna() & ~bad
    if prop.values is not None:
        report(
            present & ~typed.isin(prop.values).fillna(False).astype(bool),
            lambda i: f"{typed[i]!r} is not allowed; use one of {', '.join(prop.values or ())}",
        )
    if prop.minimum is not None:
        report(present & (typed < prop.minimum), lambda i: f"{typed[i]} is below {prop.minimum}")
    if prop.maximum is not None:
        report(present & (typed > prop.maximum), lambda i: f"{typed[i]} is above {prop.maximum}")
    if prop.check == "uscc":
        codes = typed[present]
        wrong = codes[~codes.map(is_valid_uscc).astype(bool)]
        report(
            pd.Series(typed.index.isin(wrong.index), index=typed.index),
            lambda i: (
                f"{typed[i]!r} is not a valid unified social credit code "
                + _uscc_hint(str(typed[i]))
            ),
        )
    if prop.check == "nbs_code":
        report(
            present & ~typed.str.match(_NBS_RE).fillna(False).astype(bool),
            lambda i: f"{typed[i]!r} is not an NBS division code (2, 4, 6, 9 or 12 digits)",
        )
    return typed.mask(bad.to_numpy(dtype=bool))


def _uscc_hint(code: str) -> str:
    if not _USCC_RE.match(code):
        return "(18 characters from 0-9 and A-Y without I, O, S, V, Z); check for a typo"
    expected = uscc_check_char(code[:17])
    return f"(check character is {code[17]!r}, expected {expected!r}); check for a typo"


def _with_provenance(df: pd.DataFrame, default_file: str) -> pd.DataFrame:
    df = df.reset_index(drop=True)
    df.attrs.setdefault("file", default_file)
    if "_file" not in df.columns:
        df["_file"] = default_file
    if "_row" not in df.columns:
        df["_row"] = np.arange(1, len(df) + 1)
    return df


def _typed_table(
    df: pd.DataFrame, props: tuple[Prop, ...], columns: list[str], problems: list[Problem]
) -> tuple[pd.DataFrame, set[int]]:
    bad_rows: set[int] = set()
    file = str(df["_file"].iloc[0]) if len(df) else str(df.attrs.get("file", "?"))
    known = set(columns) | set(PROVENANCE_COLUMNS)
    for col in df.columns:
        if col not in known:
            problems.append(
                Problem(
                    file,
                    None,
                    str(col),
                    "is not a property of the schema; "
                    f"rename or remove it (known columns: {', '.join(columns)})",
                )
            )
    for name in columns:
        if name in EDGE_ENDPOINT_COLUMNS and name not in df.columns:
            problems.append(Problem(file, None, name, "required column is missing"))
    for p in props:
        if p.required and p.name not in df.columns:
            problems.append(Problem(file, None, p.name, "required column is missing"))
    out = {}
    for name in columns:
        prop = next((p for p in props if p.name == name), None)
        if prop is None:  # an endpoint column
            out[name] = _check_column(
                df, Prop(name, "string", "", "", required=True), problems, bad_rows
            )
        else:
            out[name] = _check_column(df, prop, problems, bad_rows)
    typed = pd.DataFrame(out, index=df.index)
    typed["_file"] = df["_file"]
    typed["_row"] = df["_row"]
    return typed, bad_rows


def validate_tables(
    raw_nodes: dict[str, pd.DataFrame],
    raw_edges: dict[str, pd.DataFrame],
    *,
    lenient: bool = False,
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

    Returns
    -------
    Tables
        Every label and type of the schema (empty tables where absent), columns in
        canonical order and typed; nodes sorted by id, edges by their endpoints'
        positions in the node tables (a deterministic order).

    Raises
    ------
    ValidationError
        Listing every problem found, when ``lenient`` is false.
    """
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

    nodes: dict[str, pd.DataFrame] = {}
    for label, spec in NODE_LABELS.items():
        if label not in raw_nodes:
            nodes[label] = empty_node_table(label)
            continue
        df = _with_provenance(raw_nodes[label], f"nodes/{label}")
        typed, bad = _typed_table(df, spec.props, node_columns(label), problems)
        nodes[label] = typed.drop(index=list(bad)) if lenient else typed

    _check_duplicate_ids(nodes, problems, lenient=lenient)
    rejected_ids = (
        set(
            pd.concat([raw["id"] for raw in raw_nodes.values() if "id" in raw.columns])
            .astype("string")
            .str.strip()
            .dropna()
        )
        if lenient and raw_nodes
        else set()
    )

    # Nodes are final now: type every edge table, then resolve all endpoints at once.
    nodes = {k: _finish(v) for k, v in nodes.items()}
    labels = list(nodes)
    typed_edges: dict[str, tuple[pd.DataFrame, set[int]]] = {}
    for etype, edge_spec in EDGE_TYPES.items():
        if etype in raw_edges:
            df = _with_provenance(raw_edges[etype], f"edges/{etype}")
            typed_edges[etype] = _typed_table(df, edge_spec.props, edge_columns(etype), problems)
    positions = _endpoint_positions(nodes, [t for t, _ in typed_edges.values()])
    node_code = np.repeat(np.arange(len(labels)), [len(df) for df in nodes.values()])

    edges: dict[str, pd.DataFrame] = {}
    for etype, edge_spec in EDGE_TYPES.items():
        if etype not in typed_edges:
            edges[etype] = empty_edge_table(etype)
            continue
        typed, bad = typed_edges[etype]
        pos = dict(zip(EDGE_ENDPOINT_COLUMNS, positions.pop(0), strict=True))
        for col in EDGE_ENDPOINT_COLUMNS:
            missing = typed[col].notna().to_numpy(dtype=bool) & (pos[col] < 0)
            for i in typed.index[missing]:
                problems.append(
                    Problem(
                        str(typed.at[i, "_file"]),
                        int(typed.at[i, "_row"]),
                        col,
                        _missing_endpoint(str(typed.at[i, col]), rejected_ids),
                    )
                )
                bad.add(i)
        src = np.where(pos["from_id"] >= 0, node_code[np.maximum(pos["from_id"], 0)], -1)
        dst = np.where(pos["to_id"] >= 0, node_code[np.maximum(pos["to_id"], 0)], -1)
        allowed = [labels.index(a) * 100 + labels.index(b) for a, b in edge_spec.endpoints]
        wrong = (src >= 0) & (dst >= 0) & ~np.isin(src * 100 + dst, allowed)
        for i, sa, sb in zip(typed.index[wrong], src[wrong], dst[wrong], strict=True):
            problems.append(
                Problem(
                    str(typed.at[i, "_file"]),
                    int(typed.at[i, "_row"]),
                    "from_id",
                    f"{etype} cannot link {labels[sa]} -> {labels[sb]}; allowed: "
                    + ", ".join(f"{a}->{b}" for a, b in edge_spec.endpoints),
                )
            )
            bad.add(i)
        _check_loops(etype, typed, pos["from_id"], pos["to_id"], len(node_code), problems, bad)
        # A stable order from the endpoints' positions: deterministic and cheap to sort.
        typed = typed.iloc[np.lexsort((pos["to_id"], pos["from_id"]))]
        edges[etype] = _finish(typed.drop(index=list(bad)) if lenient else typed, sort=None)

    if problems and not lenient:
        raise ValidationError(problems)

    reject_frame = pd.DataFrame(
        [(p.file, p.row, p.column, p.message) for p in sorted(problems, key=Problem.sort_key)],
        columns=["file", "row", "column", "reason"],
    )
    return Tables(nodes=nodes, edges=edges, rejects=reject_frame)


def _endpoint_positions(
    nodes: dict[str, pd.DataFrame], edge_tables: list[pd.DataFrame]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each edge table, the position of each endpoint among all node ids (-1: none).

    One factorisation of every id and endpoint together: about twice as fast as
    index lookups, which matters at millions of edges.
    """
    ids = pd.concat([df["id"] for df in nodes.values()], ignore_index=True).astype("string")
    ends = [t[c].astype("string") for t in edge_tables for c in EDGE_ENDPOINT_COLUMNS]
    codes, uniques = pd.factorize(pd.concat([ids, *ends], ignore_index=True))
    n = len(ids)
    position = np.full(len(uniques) + 1, -1, dtype=np.int64)  # the last slot serves NA (-1)
    position[codes[:n][::-1]] = np.arange(n)[::-1]  # a repeated id resolves to its first
    out, start = [], n
    for t in edge_tables:
        m = len(t)
        out.append((position[codes[start : start + m]], position[codes[start + m : start + 2 * m]]))
        start += 2 * m
    return out


#: Edge types that form a hierarchy: a cycle in them is an error.
_HIERARCHIES = ("LOCATED_IN", "SUBCLASS_OF")


def _check_loops(
    etype: str,
    typed: pd.DataFrame,
    src: np.ndarray,
    dst: np.ndarray,
    n_nodes: int,
    problems: list[Problem],
    bad: set[int],
) -> None:
    """Edges from a node to itself, and cycles in hierarchies (a region inside itself)."""

    def report(rows: np.ndarray, message: str) -> None:
        for i in typed.index[rows]:
            problems.append(
                Problem(str(typed.at[i, "_file"]), int(typed.at[i, "_row"]), "to_id", message)
            )
            bad.add(i)

    ok = (src >= 0) & (dst >= 0)
    loop = ok & (src == dst)
    if loop.any():
        report(loop, f"a {etype} edge from a node to itself; remove the row")
    if etype not in _HIERARCHIES or not (ok & ~loop).any():
        return
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    keep = ok & ~loop
    graph = coo_matrix((np.ones(keep.sum()), (src[keep], dst[keep])), shape=(n_nodes, n_nodes))
    _, component = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(component)
    in_cycle = keep & (component[np.maximum(src, 0)] == component[np.maximum(dst, 0)])
    in_cycle &= sizes[component[np.maximum(src, 0)]] > 1
    for comp in np.unique(component[src[in_cycle]]):
        rows = in_cycle & (component[np.maximum(src, 0)] == comp)
        ids = sorted(set(typed["from_id"][rows]))
        shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
        report(
            rows,
            f"{etype} forms a cycle through {shown}; a hierarchy cannot loop back "
            "on itself: remove or correct one of these rows",
        )


def _missing_endpoint(node_id: str, rejected_ids: set[str]) -> str:
    if node_id in rejected_ids:
        return f"node {node_id!r} was rejected (see its own row), so this edge is too"
    return f"no node with id {node_id!r}; add the node or correct the id"


def _check_duplicate_ids(
    nodes: dict[str, pd.DataFrame], problems: list[Problem], *, lenient: bool
) -> None:
    """Report every id used twice, within or across labels; drop repeats when lenient."""
    frames = [
        df[["id", "_file", "_row"]].assign(label=label)
        for label, df in nodes.items()
        if "_file" in df.columns  # labels absent from the input have no rows
    ]
    if not frames:
        return
    ids = pd.concat(frames, ignore_index=True)
    ids = ids[ids["id"].notna()]
    repeats = ids[ids.duplicated("id", keep="first")]
    if repeats.empty:
        return
    first = ids.drop_duplicates("id").set_index("id")
    for node_id, file, row, label in zip(
        repeats["id"], repeats["_file"], repeats["_row"], repeats["label"], strict=True
    ):
        where = first.loc[node_id]
        problems.append(
            Problem(
                str(file),
                int(row),
                "id",
                f"duplicate id {node_id!r} (first at {where['_file']}, row {where['_row']}); "
                "give each node its own id",
            )
        )
        if lenient:
            df = nodes[label]
            nodes[label] = df[~((df["_file"] == file) & (df["_row"] == row))]


def _finish(df: pd.DataFrame, *, sort: tuple[str, ...] | None = ("id",)) -> pd.DataFrame:
    """Drop provenance and put rows in a stable order, for byte-identical packages."""
    df = df.drop(columns=[c for c in PROVENANCE_COLUMNS if c in df.columns])
    if sort:
        df = df.sort_values(list(sort), kind="stable")
    return df.reset_index(drop=True)
