"""Values into classes and classes into colours: quantile breaks, their legend labels
and ColorBrewer ramps."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from innokg.graph.errors import InnokgError

__all__ = ["NO_DATA_FILL", "PALETTES"]

#: ColorBrewer sequential ramps (9 classes, light to dark; Apache-2.0, Cynthia Brewer).
PALETTES: dict[str, tuple[str, ...]] = {
    "blues": (
        "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6",
        "#4292c6", "#2171b5", "#08519c", "#08306b",
    ),
    "greens": (
        "#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476",
        "#41ab5d", "#238b45", "#006d2c", "#00441b",
    ),
    "oranges": (
        "#fff5eb", "#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c",
        "#f16913", "#d94801", "#a63603", "#7f2704",
    ),
    "purples": (
        "#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8",
        "#807dba", "#6a51a3", "#54278f", "#3f007d",
    ),
    "ylgnbu": (
        "#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4",
        "#1d91c0", "#225ea8", "#253494", "#081d58",
    ),
}  # fmt: skip

NO_DATA_FILL = "#e6e6e6"


def _is_int(values: np.ndarray) -> bool:
    return bool(len(values)) and bool(np.all(np.abs(values - np.round(values)) < 1e-9))


def _fmt(value: float, unit: str, integer: bool) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "share":
        return f"{value * 100:.1f}%"
    if integer:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.1f}"


def _breaks(values: np.ndarray, classes: int) -> list[float]:
    if not len(values):
        return []
    qs = [i / classes for i in range(1, classes + 1)]
    cuts = np.quantile(values, qs, method="inverted_cdf")
    return sorted({float(c) for c in cuts})


def _class_of(value: float, breaks: Sequence[float]) -> int | None:
    if value is None or math.isnan(value):
        return None
    for i, b in enumerate(breaks):
        if value <= b + 1e-12:
            return i
    return len(breaks) - 1


def _class_labels(breaks: Sequence[float], low: float, unit: str, integer: bool) -> list[str]:
    labels = []
    for i, hi in enumerate(breaks):
        step = 1 if integer and unit != "share" else 0
        lo = low if i == 0 else breaks[i - 1] + step
        a, b = _fmt(lo, unit, integer), _fmt(hi, unit, integer)
        if i > 0 and not (integer and unit != "share"):
            a = "> " + a
            labels.append(f"{a} – {b}")
        else:
            labels.append(a if a == b else f"{a} – {b}")
    return labels


def _colours(palette: str | Sequence[str], k: int) -> list[str]:
    if isinstance(palette, str):
        if palette not in PALETTES:
            raise InnokgError(f"unknown palette {palette!r}; use one of {', '.join(PALETTES)}")
        ramp = PALETTES[palette]
        if k == 1:
            return [ramp[5]]
        idx = np.round(np.linspace(1, len(ramp) - 1, k)).astype(int)
        return [ramp[i] for i in idx]
    ramp = [str(c) for c in palette]
    if len(ramp) < k:
        raise InnokgError(f"the palette has {len(ramp)} colours for {k} classes")
    if k == 1:
        return [ramp[len(ramp) // 2]]
    idx = np.round(np.linspace(0, len(ramp) - 1, k)).astype(int)
    return [ramp[i] for i in idx]
