"""The SVG of a map: the cities (outlines and dots) coloured by class, their labels, the
legend with a scale bar and a north arrow, and the notes.  No script, no font, no
request; every name is XML-escaped."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from innokg.maps.classes import NO_DATA_FILL
from innokg.maps.outlines import _City
from innokg.maps.projection import _project, _Projection
from innokg.maps.words import _FONT, Lang, _esc, _tx, _width, _wrap

__all__: list[str] = []  # used by city_map; nothing here is public

_LEGEND_W = 190  # the legend's column, right of the map
_PAD = 12
_TITLE_SIZE = 15
_NOTE_SIZE = 10.5


def _draw(
    *,
    cities: list[_City],
    points: Mapping[str, tuple[str, str, float, float]],
    table: pd.DataFrame,
    title: str,
    unit: str,
    lang: Lang,
    colours: list[str],
    labels: list[str],
    notes: list[str],
    source: str,
    highlight: str | None,
    width: int,
) -> str:
    pad = _PAD
    title_lines = _wrap(title, _TITLE_SIZE, width - 2 * pad)
    top = pad + _TITLE_SIZE * 1.35 * len(title_lines) + 6
    proj = _project(cities, map_w=width - _LEGEND_W - 2 * pad, pad=pad, top=top)
    # the same map twice has the same ids; two maps on one page do not clash
    uid = (
        "m"
        + hashlib.sha1(
            (title + "|" + table[["code", "text"]].to_csv()).encode("utf-8")
        ).hexdigest()[:8]
    )
    nodata = f"{uid}-nodata"
    by_code = {r["code"]: r for r in table.to_dict("records")}
    fills = {code: _fill(r, colours, nodata) for code, r in by_code.items()}
    tips = {code: _tip(r, lang, unit) for code, r in by_code.items()}
    parts = _svg_open(uid, nodata, title, title_lines, width)
    dots = _cities_layer(parts, cities, points, proj, fills, tips, highlight)
    _labels_layer(parts, cities, dots, by_code, proj, lang)
    legend_bottom = _legend(parts, table, labels, colours, nodata, unit, lang, proj)
    ny = max(top + proj.map_h, legend_bottom) + 16
    all_notes = [*notes, _tx("method", lang).format(source=source, lat=proj.phi0)]
    parts.append(f'<g class="notes" font-size="{_NOTE_SIZE}" fill="#5f6368">')
    for note in all_notes:
        for line in _wrap(note, _NOTE_SIZE, width - 2 * pad):
            parts.append(f'<text x="{pad}" y="{ny:.1f}">{_esc(line)}</text>')
            ny += _NOTE_SIZE * 1.45
    parts.append("</g>")
    height = math.ceil(ny + pad - _NOTE_SIZE * 0.45)
    parts.append("</svg>")
    return "".join(parts).replace("HEIGHT", str(height))


def _fill(row: dict[str, Any], colours: list[str], nodata: str) -> str:
    cls = row["_class"]
    return f"url(#{nodata})" if cls is None or pd.isna(cls) else colours[int(cls)]


def _tip(row: dict[str, Any], lang: Lang, unit: str) -> str:
    sep = "：" if lang == "zh" else ": "
    u = "" if unit in ("", "share") else (unit if lang == "zh" else " " + unit)
    value = row["text"] + u if row["text"] != "—" else _tx("no_data", lang)
    return f"{row['city']}{sep}{value}"


def _svg_open(uid: str, nodata: str, title: str, title_lines: list[str], width: int) -> list[str]:
    """The opening tag (its height filled in at the end), the hatching of no data, the title."""
    esc = _esc
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="innokg-map" id="{uid}" '
        f'role="img" aria-labelledby="{uid}-title" font-family="{esc(_FONT)}" font-size="12" '
        f'viewBox="0 0 {width} HEIGHT" width="{width}" height="HEIGHT">',
        f'<title id="{uid}-title">{esc(title)}</title>',
        "<defs>"
        f'<pattern id="{nodata}" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{NO_DATA_FILL}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#9a9a9a" stroke-width="1.6"/>'
        "</pattern></defs>",
    ]
    for i, line in enumerate(title_lines):
        parts.append(
            f'<text x="{_PAD}" y="{_PAD + _TITLE_SIZE * (1 + 1.35 * i):.1f}" '
            f'font-size="{_TITLE_SIZE}" font-weight="bold">{esc(line)}</text>'
        )
    return parts


def _cities_layer(
    parts: list[str],
    cities: list[_City],
    points: Mapping[str, tuple[str, str, float, float]],
    proj: _Projection,
    fills: dict[str, str],
    tips: dict[str, str],
    highlight: str | None,
) -> list[tuple[str, float, float]]:
    """Append the outlines, the highlighted city's bold edge and the dots of the cities
    without an outline; return the dots (code, x, y) for the labels to avoid."""
    esc = _esc
    parts.append('<g class="cities" stroke="#ffffff" stroke-width="0.8" stroke-linejoin="round">')
    for c in cities:
        parts.append(
            f'<path class="city" data-code="{esc(c.code)}" fill="{fills[c.code]}" '
            f'fill-rule="evenodd" d="{proj.path(c.rings)}">'
            f"<title>{esc(tips[c.code])}</title></path>"
        )
    parts.append("</g>")
    if highlight and highlight in {c.code for c in cities}:
        c = next(c for c in cities if c.code == highlight)
        parts.append(
            f'<path class="highlight" d="{proj.path(c.rings)}" fill="none" stroke="#d81b60" '
            'stroke-width="2.5" pointer-events="none"/>'
        )
    dots = []
    for code, (_n, _e, lon, lat) in points.items():
        x, y = proj.xy(lon, lat)
        ring = (
            ' stroke="#d81b60" stroke-width="2.5"'
            if highlight == code
            else (' stroke="#1d1d1f" stroke-width="1.2"')
        )
        parts.append(
            f'<circle class="city point" data-code="{esc(code)}" cx="{x:.1f}" cy="{y:.1f}" '
            f'r="5.5" fill="{fills[code]}"{ring}><title>{esc(tips[code])}</title></circle>'
        )
        dots.append((code, x, y))
    return dots


def _labels_layer(
    parts: list[str],
    cities: list[_City],
    dots: list[tuple[str, float, float]],
    by_code: dict[str, dict[str, Any]],
    proj: _Projection,
    lang: Lang,
) -> None:
    """Append the names: short (no 市) in Chinese, English names in English."""
    esc = _esc
    size = 11 if lang == "zh" else 10
    parts.append(
        f'<g class="labels" font-size="{size}" fill="#1d1d1f" stroke="#ffffff" '
        'stroke-width="2.6" stroke-linejoin="round" paint-order="stroke" '
        'pointer-events="none" text-anchor="middle">'
    )
    for c in cities:
        name = str(by_code[c.code]["city"])
        label = name.removesuffix("市") if lang == "zh" and len(name) > 2 else name
        x, y = proj.xy(*c.label)
        dx = dy = 0.0
        for _code, px, py in dots:  # keep clear of a dot inside this outline
            half = _width(label, size) / 2
            if abs(py - y) < size * 1.2 and x - half < px + 9 and x + half > px - 9:
                dx = max(dx, px + 9 - (x - half))
                dy = -size * 0.3
        parts.append(
            f'<text class="label" data-code="{esc(c.code)}" x="{x + dx:.1f}" '
            f'y="{y + dy + size * 0.35:.1f}">{esc(label)}</text>'
        )
    for code, x, y in dots:
        name = str(by_code[code]["city"])
        label = name.removesuffix("市") if lang == "zh" and len(name) > 2 else name
        parts.append(
            f'<text class="label" data-code="{esc(code)}" x="{x - 8:.1f}" '
            f'y="{y + size * 0.35:.1f}" text-anchor="end">{esc(label)}</text>'
        )
    parts.append("</g>")


def _legend(
    parts: list[str],
    table: pd.DataFrame,
    labels: list[str],
    colours: list[str],
    nodata: str,
    unit: str,
    lang: Lang,
    proj: _Projection,
) -> float:
    """Append the legend right of the map (classes high to low with their city counts,
    no data, a 100 km scale bar, north); return its bottom."""
    esc = _esc
    lx = proj.pad + proj.map_w + 16
    ly = proj.top + 6
    legend_title = (
        ("单位：%" if lang == "zh" else "Unit: %")
        if unit == "share"
        else (f"单位：{unit}" if lang == "zh" else f"Unit: {unit}")
        if unit
        else ("图例" if lang == "zh" else "Legend")
    )
    parts.append('<g class="legend" font-size="12">')
    parts.append(f'<text x="{lx}" y="{ly + 10}" font-weight="bold">{esc(legend_title)}</text>')
    counts = table["_class"].value_counts(dropna=True)
    rows_l = list(range(len(labels)))[::-1]  # high values on top
    y = ly + 22
    for i in rows_l:
        n = int(counts.get(i, 0)) if i in counts.index else 0
        parts.append(
            f'<rect class="swatch" x="{lx}" y="{y}" width="22" height="14" fill="{colours[i]}" '
            'stroke="#8a8a8a" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{lx + 30}" y="{y + 11.5}">{esc(labels[i])}'
            f'<tspan fill="#5f6368"> ({n})</tspan></text>'
        )
        y += 20
    n_missing = int(table["_class"].isna().sum())
    parts.append(
        f'<rect class="swatch nodata" x="{lx}" y="{y}" width="22" height="14" '
        f'fill="url(#{nodata})" stroke="#8a8a8a" stroke-width="0.6"/>'
    )
    parts.append(
        f'<text x="{lx + 30}" y="{y + 11.5}">{esc(_tx("no_data", lang))}'
        f'<tspan fill="#5f6368"> ({n_missing})</tspan></text>'
    )
    y += 20
    parts.append(
        f'<text x="{lx}" y="{y + 12}" fill="#5f6368" font-size="10.5">'
        f"{esc('(n) 城市数' if lang == 'zh' else '(n) cities')}</text>"
    )
    y += 30
    # scale bar: 100 km at the standard parallel (1° of x = 111.32 km there)
    bar = 100 / 111.32 * proj.scale
    parts.append(
        f'<g class="scale" stroke="#1d1d1f" stroke-width="1.2">'
        f'<line x1="{lx}" y1="{y}" x2="{lx + bar:.1f}" y2="{y}"/>'
        f'<line x1="{lx}" y1="{y - 4}" x2="{lx}" y2="{y}"/>'
        f'<line x1="{lx + bar:.1f}" y1="{y - 4}" x2="{lx + bar:.1f}" y2="{y}"/></g>'
    )
    parts.append(
        f'<text x="{lx}" y="{y + 14}" font-size="10.5">0</text>'
        f'<text x="{lx + bar:.1f}" y="{y + 14}" font-size="10.5" text-anchor="middle">'
        f"100 {esc(_tx('km', lang))}</text>"
    )
    y += 34
    parts.append(
        f'<g class="north"><path d="M{lx + 8} {y + 18} L{lx + 14} {y} L{lx + 20} {y + 18} '
        f'L{lx + 14} {y + 13}Z" fill="#1d1d1f"/>'
        f'<text x="{lx + 26}" y="{y + 16}" font-size="11">'
        f"{'北' if lang == 'zh' else 'N'}</text></g>"
    )
    parts.append("</g>")
    return y + 24
