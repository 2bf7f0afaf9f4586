"""What a drawn node says about itself: its short label, its tooltip (the facts of its
table row, in Chinese and English) and its size (degree or a numeric property)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.errors import InnokgError
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from innokg.queries.arrays import GraphArrays

# Helpers of the views in this package; nothing here is public.
__all__: list[str] = []

_HIDDEN_PROPS = {"id", "name", "name_en", "source"}  # shown otherwise, or not at all
_LABEL_CHARS = 16  # longer names are cut on the canvas (the tooltip has them whole)


def _fmt(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "是 yes" if value else "否 no"
    if isinstance(value, float | np.floating):
        number = float(value)
        return f"{number:,.0f}" if abs(number) >= 1000 else f"{number:.4g}"
    if isinstance(value, int | np.integer):
        whole = int(value)
        return str(whole) if 1800 <= whole <= 2100 else f"{whole:,}"
    return str(value)


def _short(name: str) -> str:
    return name if len(name) <= _LABEL_CHARS else name[: _LABEL_CHARS - 1] + "…"


def _degree(A: GraphArrays) -> np.ndarray:
    key = ("viz", "degree")
    if key not in A.memo:
        deg = np.zeros(A.n, dtype=np.int64)
        for etype in EDGE_TYPES:
            src, dst = A.edges(etype)
            deg += np.bincount(src, minlength=A.n) + np.bincount(dst, minlength=A.n)
        A.memo[key] = deg
    degree: np.ndarray = A.memo[key]
    return degree


def _rows(A: GraphArrays, positions: np.ndarray) -> dict[int, dict[str, Any]]:
    """The table row of each position, as a dict of its present values."""
    out: dict[int, dict[str, Any]] = {}
    for label in A.label_names:
        start, stop = A.spans[label]
        mine = positions[(positions >= start) & (positions < stop)]
        if not len(mine):
            continue
        df = A.G.nodes[label].iloc[mine - start]
        for pos, rec in zip(mine.tolist(), df.to_dict("records"), strict=True):
            out[pos] = {k: v for k, v in rec.items() if not _missing(v)}
    return out


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _tooltip(
    A: GraphArrays, pos: int, row: dict[str, Any], label: str, extra: Sequence[str] = ()
) -> str:
    spec = NODE_LABELS[label]
    lines = [str(row.get("name", ""))]
    if row.get("name_en"):
        lines.append(str(row["name_en"]))
    lines.append(f"{spec.zh} · {spec.en}")
    lines += list(extra)
    for prop in spec.props:
        if prop.name in _HIDDEN_PROPS or prop.name not in row:
            continue
        lines.append(f"{prop.zh} {prop.en}: {_fmt(row[prop.name])}")
    names = A.names
    city, industry = A.city()[pos], A.industry()[pos]
    if city >= 0 and city != pos:
        lines.append(f"城市 city: {names[city]}")
    if industry >= 0 and industry != pos:
        lines.append(f"行业 industry: {names[industry]}")
    lines.append(f"连接 links: {_degree(A)[pos]:,}")
    if row.get("source"):
        lines.append(f"来源 source: {row['source']}")
    lines.append(f"id: {row.get('id', A.ids[pos])}")
    return "\n".join(lines)


def _sizes(A: GraphArrays, positions: np.ndarray, size_by: str | None) -> np.ndarray:
    if size_by is None:
        return np.full(len(positions), 14.0)
    if size_by == "degree":
        values = _degree(A)[positions].astype(float)
    else:
        known = {p.name for spec in NODE_LABELS.values() for p in spec.props}
        if size_by not in known:
            raise InnokgError(
                f"cannot size nodes by {size_by!r}; use degree or a numeric property "
                "(employees, revenue, amount, ...)"
            )
        try:
            values = A.values(size_by)[positions]
        except (TypeError, ValueError):
            raise InnokgError(f"{size_by!r} is not numeric; size by degree instead") from None
    values = np.nan_to_num(np.maximum(values, 0.0), nan=0.0)
    top = values.max() if len(values) else 0.0
    if top <= 0:
        return np.full(len(positions), 12.0)
    sizes: np.ndarray = 8.0 + 32.0 * np.sqrt(values / top)
    return sizes
