"""The shape every gap table shares, its note rows, and the selections the kinds of gap share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import (
    GraphArrays,
    resolve_city,
    resolve_industries,
)
from innokg.queries.clusters import (
    province_members,
)
from innokg.queries.node_text import node_text, string_column
from innokg.queries.sets import distinct

__all__ = ["CORE_COLUMNS", "NOT_MEASURABLE", "ROWS"]

#: The columns every gap table starts with.
CORE_COLUMNS = (
    "gap",
    "entity",
    "name",
    "label",
    "missing",
    "missing_zh",
    "severity",
    "city",
    "detail",
    "detail_zh",
    "measurable",
)


#: ``name`` of a note row (see the module).
NOT_MEASURABLE = "无法测算 (not measurable)"


ClusterOptions = Mapping[str, Any] | None


def _table(
    gap: str,
    core: dict[str, Any],
    extra: dict[str, Any] | None = None,
    notes: Sequence[pd.DataFrame] = (),
    *,
    ordered: bool = False,
    rows: int | None = None,
) -> pd.DataFrame:
    """A gap table: the core columns (typed) then ``extra``; note rows (``notes``,
    from :func:`_note`) first, then by decreasing severity.  ``ordered``: the rows come
    in that order already (:func:`_severity_order`), and are not ranked again.
    ``rows``: the rows are the first of a longer table, of this many rows (kept in
    ``attrs["rows"]``, see :data:`ROWS`)."""
    n = len(core["entity"])
    cols: dict[str, Any] = {"gap": np.full(n, gap, dtype=object)}
    for name in CORE_COLUMNS[1:]:
        default = np.ones(n, dtype=bool) if name == "measurable" else np.full(n, "", dtype=object)
        cols[name] = core.get(name, default)
    for name, values in cols.items():  # text straight to the string type: pandas would
        if name not in ("severity", "measurable") and _objects(values):  # infer it first
            cols[name] = pd.array(values, dtype="string")
    df = pd.DataFrame(cols)
    for name, values in (extra or {}).items():
        df[name] = values
    types = {c: "string" for c in CORE_COLUMNS if c not in ("severity", "measurable")}
    df = df.astype({**types, "severity": "float64", "measurable": "bool"})
    if notes:
        ints = [c for c in df.columns if pd.api.types.is_integer_dtype(df[c].dtype)]
        cols_types = {
            c: ("Int64" if c in ints else "boolean" if t is np.dtype(bool) else t)
            for c, t in df.dtypes.items()
        }
        parts = [note.assign(gap=gap) for note in notes]
        if len(df):
            df = pd.concat([*parts, df], ignore_index=True)
        else:  # keep the kind's columns (and their types) on a table of notes only
            df = pd.concat(parts, ignore_index=True).reindex(columns=df.columns)
            df = df.astype({c: t for c, t in cols_types.items() if c not in CORE_COLUMNS})
        df = df.astype({c: "Int64" for c in ints})
        df = df.astype({**types, "severity": "float64", "measurable": "bool"})
    if not (ordered and not notes):
        order = _order(df)
        if not np.array_equal(order, np.arange(len(df))):  # in order already: no copy
            df = df.take(order)
        df = df.reset_index(drop=True)
    if rows is not None:
        df.attrs[ROWS] = rows
    return df


#: The key of a gap table's ``attrs`` that says how many rows the kind found, when the
#: table holds only the first of them (a kind asked with ``limit``).
ROWS = "rows"


def _first(limit: int | None, n: int) -> np.ndarray | slice:
    """The rows a kind words when asked for its first ``limit`` (all when None)."""
    return slice(None) if limit is None else np.arange(min(max(limit, 0), n))


def _objects(values: Any) -> bool:
    return isinstance(values, np.ndarray) and values.dtype == object


def _order(df: pd.DataFrame) -> np.ndarray:
    """The rows of a gap table as ``sort_values(["measurable", "severity", "entity"],
    ascending=[True, False, True])`` orders them (note rows first, a missing severity
    last, ties in table order), on integer keys: pandas factorises the ids through
    Python objects, Arrow ranks them in C++ (a second of the 1M brief)."""
    entity = pa.array(df["entity"].array)
    text = pa.types.is_string(entity.type) or pa.types.is_large_string(entity.type)
    if entity.null_count or not text:
        # pandas' own order (the table's index is 0..n-1, so its labels are positions)
        by = ["measurable", "severity", "entity"]
        return df.sort_values(by, ascending=[True, False, True]).index.to_numpy()
    severity = df["severity"].to_numpy(dtype=float, na_value=np.nan)
    return _severity_order(severity, entity, df["measurable"].to_numpy(dtype=bool))


def _severity_order(
    severity: np.ndarray, entity: pa.Array | pa.ChunkedArray, measurable: np.ndarray | None = None
) -> np.ndarray:
    """Rows by :func:`_order`'s keys, from the severities and the (non-null) entity ids:
    a kind whose table holds millions of rows orders them before writing its sentences,
    so that the table is not copied again to sort it."""
    ranks = pc.rank(entity, sort_keys="ascending", tiebreaker="dense").to_numpy()
    missing = np.isnan(severity)
    if measurable is None:
        measurable = np.ones(len(severity), dtype=bool)
    return np.lexsort((ranks, np.where(missing, 0.0, -severity), missing, measurable))


def _note(topic: str, missing: str, missing_zh: str, why: str, why_zh: str) -> pd.DataFrame:
    """One note row: ``topic`` cannot be measured on this graph, for want of ``missing``."""
    return pd.DataFrame(
        {
            "entity": [f"not_measurable:{topic}"],
            "name": [NOT_MEASURABLE],
            "label": ["Note"],
            "missing": [missing],
            "missing_zh": [missing_zh],
            "severity": [np.nan],
            "city": [""],
            "detail": [f"not measurable: {why}"],
            "detail_zh": [f"无法测算：{why_zh}"],
            "measurable": [False],
        }
    )


def _any_edge(A: GraphArrays, etype: str, src_label: str, dst_label: str, year: int | None) -> bool:
    """Whether the graph has an edge of ``etype`` from a ``src_label`` to a ``dst_label``."""
    src, dst = A.edges(etype, year=year)
    return bool((A.mask(src_label)[src] & A.mask(dst_label)[dst]).any())


def _in_scope(G: EcosystemGraph, pos: np.ndarray) -> np.ndarray:
    """``pos`` kept to the province's nodes on a scoped graph (all of them otherwise)."""
    province = province_members(G)
    return pos if province is None else pos[province[pos]]


def _size_note(A: GraphArrays) -> pd.DataFrame | None:
    """The note for questions about large and medium firms, when sizes are missing."""
    size = A.values("size", dtype="object", fill="")[A.mask("Enterprise")]
    if (size != "").any():
        return None
    return _note(
        "size",
        "firm sizes (large / medium)",
        "企业规模（大型、中型）",
        "no firm sizes in the data: large and medium enterprises cannot be identified "
        "(a registration extract with size classes would give them)",
        "数据中没有企业规模，无法识别大中型企业（需企业登记或统计数据中的规模划分）",
    )


def _lm_note(
    A: GraphArrays, lm: np.ndarray, year: int | None, city: str | None, industry: str | None
) -> pd.DataFrame | None:
    """The note for questions about large and medium firms, when there are none to ask
    about (an empty table would read as "none lacks it")."""
    if lm.any():
        return None
    when, when_zh = (f" in {year}", f"{year} 年") if year is not None else ("", "")
    where = " of this city or industry" if city is not None or industry is not None else ""
    where_zh = "所选城市或行业" if where else "数据中"
    return _note(
        "large_medium",
        "large and medium industrial firms",
        "大中型工业企业",
        f"no large or medium industrial firms{where}{when} in the data: no firm to ask about",
        f"{when_zh}{where_zh}没有大中型工业企业，无从判断",
    )


def _cluster_count(labels_c: np.ndarray) -> int:
    return len(distinct(labels_c[labels_c >= 0]))


def _clusters_note(k: int, wanted: int) -> pd.DataFrame | None:
    """The note for questions about clusters (``wanted`` of them at least) when the
    graph has fewer: an empty table would read as "no gap"."""
    if k >= wanted:
        return None
    have = "no supply-chain cluster" if k == 0 else "one supply-chain cluster only"
    have_zh = "没有供应链集群" if k == 0 else "只有一个供应链集群"
    what, what_zh = ("cluster", "集群") if wanted == 1 else ("pair of clusters", "集群对")
    return _note(
        "clusters",
        "supply-chain clusters" if wanted == 1 else "two or more supply-chain clusters",
        "供应链集群" if wanted == 1 else "两个以上供应链集群",
        f"{have} in the data (clusters come from SUPPLIES links, or from products through "
        f"PRODUCES / UPSTREAM_OF): there is no {what} to assess",
        f"数据中{have_zh}（集群由供货关系 SUPPLIES 或产品关系 PRODUCES / UPSTREAM_OF 得出），"
        f"没有可评估的{what_zh}",
    )


def _joined(*parts: str | pd.Series | pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Row by row, ``parts`` (text, or string columns of one length) written one after
    another (a missing value as empty), by Arrow: a large table's sentences take no
    Python string per row (at ten million nodes, gigabytes)."""
    pieces = [
        pa.scalar(p, pa.large_string())
        if isinstance(p, str)
        else (pa.array(p.array) if isinstance(p, pd.Series) else p).cast(pa.large_string())
        for p in parts
    ]
    return pc.binary_join_element_wise(
        *pieces, pa.scalar("", pa.large_string()), null_handling="replace"
    )


def _text(values: pa.ChunkedArray | pa.Array) -> pd.api.extensions.ExtensionArray:
    """Arrow strings as a column of the gap tables' string type, without a copy."""
    return string_column(values)


def _decimals(values: np.ndarray, places: int = 2) -> pa.Array:
    """Each value as ``f"{v:.2f}"`` writes it (``places`` decimals), as Arrow strings:
    millions of rows take no Python string each.  The value is rounded in floating point
    except within a millionth of a tie, where Python's own formatting decides (exact
    either way).

    Examples
    --------
    >>> _decimals(np.array([0.125, 1 / 9, 12.0, 0.005])).to_pylist()
    ['0.12', '0.11', '12.00', '0.01']
    >>> _decimals(np.array([0.25, 2.0, 7 / 3, 0.05]), 1).to_pylist()
    ['0.2', '2.0', '2.3', '0.1']
    """
    x = np.asarray(values, dtype=float)
    if not (np.isfinite(x).all() and (x >= 0).all() and places >= 1):
        return pa.array([f"{v:.{places}f}" for v in x], pa.large_string())
    unit = 10**places
    scaled = x * unit
    steps = np.rint(scaled).astype(np.int64)
    tie = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    steps[tie] = [int(f"{x[i]:.{places}f}".replace(".", "")) for i in tie]
    whole = pa.array(steps // unit).cast(pa.large_string())
    part = pc.utf8_lpad(pa.array(steps % unit).cast(pa.large_string()), places, "0")
    return _joined(whole, ".", part)


def _integers(values: np.ndarray) -> pa.Array:
    """Whole numbers as Arrow strings (``str(int(v))`` for each)."""
    return pa.array(np.asarray(values).astype(np.int64)).cast(pa.large_string())


def _repeated(text: str, n: int) -> pd.api.extensions.ExtensionArray:
    """``text`` on each of ``n`` rows, as a column of the gap tables' string type."""
    return _text(pc.take(pa.array([text], pa.large_string()), np.zeros(n, dtype=np.int64)))


def _city_names(A: GraphArrays, pos: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The name of the city of each node at ``pos`` ("" where it has none)."""
    city = A.city()[pos]
    names = node_text(A, "name", np.maximum(city, 0))
    return _text(pc.if_else(pa.array(city >= 0), names, pa.scalar("", pa.large_string())))


def _filtered(
    G: EcosystemGraph, A: GraphArrays, city: str | None, industry: str | None
) -> np.ndarray:
    return A.in_city(resolve_city(G, city)) & A.in_industries(resolve_industries(G, industry))


def _lm(A: GraphArrays, year: int | None) -> np.ndarray:
    size = A.values("size", dtype="object", fill="")
    industrial = A.values("industrial")
    return (
        A.mask("Enterprise")
        & A.alive(year)
        & np.isin(size, ["large", "medium"])
        & ~(industrial == 0)
    )
