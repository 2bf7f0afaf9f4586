"""The brief's charts as inline SVG: horizontal bars and small year-by-year panels.

Every label is an SVG ``<text>`` element, escaped (names come from the data), so
Chinese renders with whatever CJK font the reader has and can be searched and copied.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Bar", "Panel", "svg_bars", "svg_panels"]

FONT = (
    "system-ui, -apple-system, 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', "
    "'PingFang SC', 'WenQuanYi Micro Hei', sans-serif"
)
_GREEN, _RED, _BLUE, _GREY = "#2e7d32", "#c0392b", "#5b7fa6", "#9aa0a6"


def _open(width: float, height: float, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" '
        f'font-family="{html.escape(FONT)}" font-size="12">',
        f"<title>{html.escape(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="bold">{html.escape(title)}</text>',
    ]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    target: float | None = None
    met: bool | None = None
    highlight: bool = False


def svg_bars(bars: Sequence[Bar], *, title: str, reference: tuple[float, str] | None = None) -> str:
    """A horizontal bar chart; a bar's own target is a tick, ``reference`` a dashed line."""
    width, left, right, row, top = 680, 190, 110, 20, 30
    plot = width - left - right
    bottom = 24 if reference else 8
    height = top + row * len(bars) + bottom
    peak = max(
        [b.value for b in bars if not math.isnan(b.value)]
        + [b.target for b in bars if b.target is not None and not math.isnan(b.target)]
        + [reference[0] if reference else 0.0, 1e-9]
    )

    def x(v: float) -> float:
        return left + plot * max(0.0, v) / peak

    parts = _open(width, height, title)
    for i, bar in enumerate(bars):
        y = top + i * row
        colour = _BLUE if bar.met is None else (_GREEN if bar.met else _RED)
        weight = ' font-weight="bold"' if bar.highlight else ""
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end"{weight}>'
            f"{html.escape(bar.label)}</text>"
        )
        if not math.isnan(bar.value):
            parts.append(
                f'<rect x="{left}" y="{y + 3}" width="{x(bar.value) - left:.1f}" height="13" '
                f'fill="{colour}"/>'
            )
        if bar.target is not None and not math.isnan(bar.target):
            tx = x(bar.target)
            parts.append(
                f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{y + 1}" y2="{y + 18}" '
                'stroke="#222" stroke-width="2"/>'
            )
        end = max(x(bar.value) if not math.isnan(bar.value) else left, x(bar.target or 0))
        parts.append(f'<text x="{end + 5:.1f}" y="{y + 13}"{weight}>{html.escape(bar.text)}</text>')
    if reference:
        rx = x(reference[0])
        y_end = top + row * len(bars)
        parts.append(
            f'<line x1="{rx:.1f}" x2="{rx:.1f}" y1="{top - 4}" y2="{y_end + 2}" stroke="#222" '
            'stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{rx:.1f}" y="{y_end + 16}" text-anchor="middle">'
            f"{html.escape(reference[1])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _width(text: str, size: float) -> float:
    """Rough width of ``text`` at font ``size``: CJK characters are square, others narrower."""
    return sum(size if ord(c) > 0x2E80 else size * 0.56 for c in text)


def _fit(text: str, size: float, width: float) -> str:
    """``text`` cut (with an ellipsis) to fit ``width``."""
    if _width(text, size) <= width:
        return text
    while text and _width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


@dataclass(frozen=True)
class Panel:
    """One small chart: a series of (year, value), its target, the last value as text."""

    label: str
    points: tuple[tuple[int, float], ...]
    text: str
    target: float | None = None
    met: bool | None = None
    highlight: bool = False


def svg_panels(
    panels: Sequence[Panel],
    *,
    title: str,
    note: str = "",
    shared_scale: bool = True,
    columns: int = 6,
) -> str:
    """Small multiples: one line per panel over the same years, the target dashed.

    With ``shared_scale`` every panel has the same vertical scale (shares, which compare
    across panels); without, each its own (counts against each panel's own target).
    """
    width = 680
    columns = max(1, min(columns, len(panels)))
    pw = width / columns
    ph, top, pad = 84, 28, 6
    rows = math.ceil(len(panels) / columns)
    height = top + rows * ph + (18 if note else 4)
    years = sorted({y for p in panels for y, _ in p.points})
    if not years:
        return ""
    y0, y1 = years[0], years[-1]

    def peak_of(ps: Sequence[Panel]) -> float:
        vals = [v for p in ps for _, v in p.points if not math.isnan(v)]
        vals += [p.target for p in ps if p.target is not None and not math.isnan(p.target)]
        return max([*vals, 1e-9])

    common = peak_of(panels)
    parts = _open(width, height, title)
    for i, p in enumerate(panels):
        cx, cy = (i % columns) * pw, top + (i // columns) * ph
        left, right = cx + pad, cx + pw - pad
        base, ceiling = cy + ph - 16, cy + 32
        peak = common if shared_scale else peak_of([p])

        def X(year: int, left: float = left, right: float = right) -> float:
            return left if y1 == y0 else left + (right - left) * (year - y0) / (y1 - y0)

        def Y(v: float, base: float = base, ceiling: float = ceiling, peak: float = peak) -> float:
            return base - (base - ceiling) * max(0.0, v) / peak

        colour = _BLUE if p.met is None else (_GREEN if p.met else _RED)
        weight = ' font-weight="bold"' if p.highlight else ""
        if p.highlight:
            parts.append(
                f'<rect x="{cx + 1:.1f}" y="{cy + 2:.1f}" width="{pw - 2:.1f}" height="{ph - 4}" '
                'fill="#fff6d6"/>'
            )
        parts.append(
            f'<text x="{left:.1f}" y="{cy + 13:.1f}" font-size="11"{weight}>'
            f"{html.escape(_fit(p.label, 11, right - left))}</text>"
            f'<text x="{left:.1f}" y="{cy + 26:.1f}" font-size="10" '
            f'fill="{colour}"{weight}>{html.escape(p.text)}</text>'
            f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{base:.1f}" y2="{base:.1f}" '
            f'stroke="{_GREY}" stroke-width="0.5"/>'
        )
        if p.target is not None and not math.isnan(p.target):
            ty = Y(p.target)
            parts.append(
                f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{ty:.1f}" y2="{ty:.1f}" '
                'stroke="#222" stroke-width="0.8" stroke-dasharray="3 2"/>'
            )
        pts = [(X(y), Y(v)) for y, v in p.points if not math.isnan(v)]
        if len(pts) > 1:
            line = " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)
            parts.append(
                f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="1.6"/>'
            )
        if pts:
            a, b = pts[-1]
            parts.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.2" fill="{colour}"/>')
        parts.append(
            f'<text x="{left:.1f}" y="{base + 11:.1f}" font-size="9" fill="#5f6368">{y0}</text>'
            f'<text x="{right:.1f}" y="{base + 11:.1f}" font-size="9" fill="#5f6368" '
            f'text-anchor="end">{y1}</text>'
        )
    if note:
        parts.append(
            f'<text x="0" y="{height - 4}" font-size="10" fill="#5f6368">{html.escape(note)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
