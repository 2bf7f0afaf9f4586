"""A choropleth of a province's cities: :func:`city_map` and the :class:`Map` it returns."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.errors import InnokgError
from innokg.maps.classes import _breaks, _class_labels, _class_of, _colours, _fmt, _is_int
from innokg.maps.drawing import _draw
from innokg.maps.outlines import (
    _HENAN_SOURCE,
    HENAN_EN,
    HENAN_POINTS,
    _cities,
    _City,
    _code_keys,
    _inside,
    _key,
    load_outlines,
)
from innokg.maps.words import Lang, _esc, _tx

__all__ = ["Map", "city_map"]


@dataclass
class Map:
    """A city choropleth: the SVG, its table and what it shows.

    ``table`` has one row per city, in code order: ``code``, ``city`` (the name in the
    map's language), ``name`` (as in the outlines), ``value`` (float, NaN: no data),
    ``text`` (the value as shown) and ``class`` (the legend entry it falls in).
    """

    svg: str
    table: pd.DataFrame
    title: str
    unit: str
    lang: Lang
    breaks: list[float]
    colours: list[str]
    labels: list[str]
    notes: list[str] = field(default_factory=list)

    def _repr_svg_(self) -> str:
        return self.svg

    def table_html(self) -> str:
        """The table as HTML (escaped), headed in the map's language."""
        lang = self.lang
        head = "".join(f"<th>{_esc(_tx(k, lang))}</th>" for k in ("code", "city", "value", "class"))
        rows = "".join(
            f"<tr><td>{_esc(code)}</td><td>{_esc(city)}</td>"
            f'<td style="text-align:right">{_esc(text)}</td><td>{_esc(cls)}</td></tr>'
            for code, city, text, cls in self.table[["code", "city", "text", "class"]].itertuples(
                index=False
            )
        )
        return (
            '<table class="innokg-map-table"><thead><tr>'
            f"{head}</tr></thead><tbody>{rows}</tbody></table>"
        )

    def _repr_html_(self) -> str:
        return f'<figure class="innokg-map">{self.svg}</figure>{self.table_html()}'

    def __str__(self) -> str:
        return self.svg


def _series(values: Any) -> pd.Series:
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, Mapping):
        return pd.Series(dict(values))
    raise InnokgError("values must be a pandas Series (or a mapping) indexed by city")


_Points = Mapping[str, tuple[str, str, float, float]]


def _city_keys(
    cities: list[_City], points: _Points
) -> tuple[dict[str, str], list[str], dict[str, str]]:
    """Which city each key names (codes, names with and without 市, English names of
    points), every city's code (outlines, then points) and its name as given."""
    lookup: dict[str, str] = {}
    all_codes: list[str] = []
    display: dict[str, str] = {}
    for c in cities:
        all_codes.append(c.code)
        for k in (*_code_keys(c.code), c.name, c.name.removesuffix("市")):
            lookup.setdefault(k, c.code)
        display[c.code] = c.name
    for code, (name, name_en, _lon, _lat) in points.items():
        all_codes.append(code)
        for k in (*_code_keys(code), name, name.removesuffix("市"), name_en):
            lookup.setdefault(k, code)
        display[code] = name
    names_in = {c: display[c] for c in all_codes}
    return lookup, all_codes, names_in


def _values_by_code(series: pd.Series, lookup: dict[str, str]) -> dict[str, float]:
    value_of: dict[str, float] = {}
    unknown = []
    for k, v in series.items():
        code = lookup.get(_key(k)) or lookup.get(str(k))
        if code is None:
            unknown.append(str(k))
            continue
        value_of[code] = float(v) if v is not None and not pd.isna(v) else math.nan
    if unknown:
        raise InnokgError(
            "no outline or point for these cities: "
            + ", ".join(unknown[:10])
            + (" …" if len(unknown) > 10 else "")
        )
    return value_of


def _shown_names(
    all_codes: list[str],
    names_in: dict[str, str],
    *,
    lang: Lang,
    names: Mapping[str, str] | None,
    points: _Points,
    henan: bool,
) -> dict[str, str]:
    """Each city's name on the map: the caller's ``names`` first; in English, Henan's
    built-in names or the point's English name; else the name in the outlines."""
    shown: dict[str, str] = {}
    for code in all_codes:
        name = names_in[code]
        if lang == "en":
            en = None
            for k in (code, _key(code), f"region:{_key(code)}", name):
                if names and k in names and names[k]:
                    en = str(names[k])
                    break
            if en is None:
                en = (HENAN_EN.get(_key(code)) if henan else None) or (
                    points[code][1] if code in points and points[code][1] else None
                )
            shown[code] = en or name
        else:
            zh = None
            if names:
                for k in (code, _key(code), f"region:{_key(code)}", name):
                    if names.get(k):
                        zh = str(names[k])
                        break
            shown[code] = zh or name
    return shown


def _classify(
    value_of: dict[str, float],
    *,
    breaks: Sequence[float] | None,
    classes: int,
    palette: str | Sequence[str],
    unit: str,
    lang: Lang,
) -> tuple[list[float], list[str], list[str], str, bool]:
    """The class upper bounds, their colours and legend labels, how they were chosen,
    and whether every value is whole."""
    vals = np.array([v for v in value_of.values() if not math.isnan(v)], dtype=float)
    integer = _is_int(vals)
    if breaks is not None:
        bounds = sorted(float(b) for b in breaks)
        if len(vals) and vals.max() > bounds[-1]:
            bounds[-1] = float(vals.max())
        method = _tx("given", lang)
    else:
        bounds = _breaks(vals, classes)
        method = _tx("quantile", lang)
    colours = _colours(palette, max(1, len(bounds)))[: len(bounds)]
    low = float(vals.min()) if len(vals) else math.nan
    if breaks is not None and len(vals):
        low = min(low, bounds[0])
    labels = _class_labels(bounds, low, unit, integer) if len(vals) else []
    return bounds, colours, labels, method, integer


def _row(
    code: str,
    v: float,
    bounds: list[float],
    labels: list[str],
    unit: str,
    integer: bool,
    lang: Lang,
) -> dict[str, Any]:
    """A city's row of the map's table (its ``city`` and ``name`` added by the caller);
    ``_class`` is the class index the drawing colours by (None: no data)."""
    cls = _class_of(v, bounds)
    return {
        "code": code,
        "value": v,
        "text": _fmt(v, unit, integer),
        "class": labels[cls] if cls is not None else _tx("no_data", lang),
        "_class": cls,
    }


def _map_notes(
    cities: list[_City],
    points: _Points,
    shown: dict[str, str],
    *,
    lang: Lang,
    method: str | None,
    highlighted: str | None,
    extra: list[str],
) -> list[str]:
    """What the map's reader must know: cities drawn as dots, the classes, the
    highlighted city, then the caller's notes."""
    notes = []
    for code, (_name, _name_en, lon, lat) in points.items():
        host = next((c for c in cities if any(_inside((lon, lat), r) for r in c.rings)), None)
        nm = shown[code]
        if host is not None:
            notes.append(_tx("enclave", lang).format(name=nm, code=code, host=shown[host.code]))
        else:
            notes.append(_tx("point", lang).format(name=nm, code=code))
    if method is not None:
        notes.append(_tx("classes", lang).format(method=method))
    if highlighted:
        notes.append(_tx("highlight", lang).format(name=shown[highlighted]))
    return notes + extra


def city_map(
    values: pd.Series | Mapping[str, float],
    *,
    title: str,
    unit: str = "",
    lang: Lang = "zh",
    palette: str | Sequence[str] = "blues",
    classes: int = 5,
    breaks: Sequence[float] | None = None,
    outlines: str | Path | None = None,
    points: Mapping[str, tuple[str, str, float, float]] | None = None,
    names: Mapping[str, str] | None = None,
    highlight: str | None = None,
    source: str | None = None,
    notes: Sequence[str] = (),
    width: int = 680,
) -> Map:
    """A choropleth of the cities, as a :class:`Map` (inline SVG and a table).

    Parameters
    ----------
    values : pandas.Series
        One value per city; the index a city Region id (``region:4101``), a 4- or
        6-digit code (``4101``, ``410100``, ``419001``) or the name in the outlines
        (``郑州市``).  NaN / NA, and cities absent from the index, show as no data.
    title : str
        Shown above the map (and as the SVG's accessible title).
    unit : str
        Shown after values in the legend title and tooltips; ``"share"`` means values
        0–1 shown as percentages.
    lang : {"zh", "en"}
        Language of labels, legend and notes.  English city names come from
        ``names`` or, for Henan, the built-in list.
    palette : str or sequence of colours
        A key of :data:`PALETTES` (ColorBrewer, light to dark) or your own ramp.
    classes : int
        At most this many quantile classes (fewer when the values have fewer
        distinct quantiles).
    breaks : sequence of float, optional
        Upper bounds of the classes instead of quantiles; a value above the last
        bound falls in the last class.
    outlines : path, optional
        A GeoJSON FeatureCollection of another province's cities (properties
        ``name``, ``code``; ``cp`` a label point).  Default: Henan, shipped.
    points : mapping, optional
        Cities to draw as dots: code -> (name, English name, lon, lat).  Default for
        Henan: 济源, which lies inside 焦作's outline on the shipped map.
    names : mapping, optional
        Display names by any city key (id, code, name): e.g. English names.
    highlight : str, optional
        A city to outline in bold (key as for ``values``).
    source : str, optional
        The base map's source, named in the notes (default for Henan: ECharts).
    notes : sequence of str
        More lines for the notes under the map.

    Returns
    -------
    Map

    Raises
    ------
    InnokgError
        When a value's city is on neither the outlines nor the points, or an option
        is wrong.
    """
    if lang not in ("zh", "en"):
        raise InnokgError(f"lang must be zh or en (got {lang!r})")
    if classes < 1:
        raise InnokgError("classes must be at least 1")
    series = _series(values)
    henan = outlines is None
    cities = _cities(load_outlines(outlines))
    if points is None:
        points = HENAN_POINTS if henan else {}
    if source is None:
        source = _HENAN_SOURCE[0 if lang == "zh" else 1] if henan else str(outlines)
    lookup, all_codes, names_in = _city_keys(cities, points)
    value_of = _values_by_code(series, lookup)
    shown = _shown_names(all_codes, names_in, lang=lang, names=names, points=points, henan=henan)
    bounds, colours, labels, method, integer = _classify(
        value_of, breaks=breaks, classes=classes, palette=palette, unit=unit, lang=lang
    )
    table = pd.DataFrame(
        [
            _row(code, value_of.get(code, math.nan), bounds, labels, unit, integer, lang)
            | {"city": shown[code], "name": names_in[code]}
            for code in sorted(all_codes, key=lambda c: (c in points, c))
        ],
        columns=["code", "city", "name", "value", "text", "class", "_class"],
    )
    chosen = (lookup.get(_key(highlight)) or lookup.get(highlight)) if highlight else None
    notes = _map_notes(
        cities,
        points,
        shown,
        lang=lang,
        method=method if labels else None,
        highlighted=chosen,
        extra=[str(n) for n in notes],
    )
    svg = _draw(
        cities=cities,
        points=points,
        table=table,
        title=title,
        unit=unit,
        lang=lang,
        colours=colours,
        labels=labels,
        notes=notes,
        source=source,
        highlight=chosen,
        width=width,
    )
    table = table.drop(columns="_class")
    return Map(svg, table, title, unit, lang, bounds, colours, labels, notes)
