"""City maps: a choropleth of a province's cities as one self-contained inline SVG.

:func:`city_map` colours each prefecture-level city by a value (any city-level
measure); :func:`indicator_map` does it for an indicator of
:func:`innokg.queries.indicators.policy_indicators`.  Both return a :class:`Map`:
``.svg`` (the picture, no script, no font, no request), ``.table`` (city and value,
for print) and the ``_repr_svg_`` / ``_repr_html_`` a notebook shows.

The outlines
    Henan's 17 prefecture-level cities ship in the package
    (``innokg/loaders/data/henan_cities.geojson``: ECharts 2.2.7 map data, BSD,
    lon/lat in EPSG:4326).  On that map the province-administered city 济源 (Jiyuan,
    419001) lies inside 焦作's outline, so 济源 is drawn as a dot at its own location
    (112.60 E, 35.07 N) carrying its own value, and the map's notes say so.  Another
    province is drawn from outlines given as a GeoJSON path (``outlines=``; features
    with ``name`` and ``code`` properties, and ``cp`` a label point where wanted);
    cities its outlines lack can be given as ``points``.

The projection
    Equirectangular (plate carrée) with its standard parallel at the province's mean
    latitude φ0 (the middle of the outlines' latitude range, 33.87° N for Henan):
    ``x = (λ - λ_min) · cos φ0``, ``y = φ_max - φ``, scaled uniformly to the frame.
    At φ0 east-west and north-south distances have the same scale; over Henan's 5° of
    latitude the east-west scale is off by at most 4% at the northern and southern
    edges, which a thematic map does not show.  The scale bar holds at φ0.

The classes
    Values are put into at most five classes (default) by quantile: the class upper
    bounds are the values at the 1/k, 2/k, … quantiles of the cities' values
    (``inverted_cdf``, so every bound is a value some city has), duplicates dropped;
    each class holds the values above the previous bound up to and including its own.
    ``breaks=`` gives other upper bounds.  The colours are a ColorBrewer sequential
    ramp (light = low).  Cities without a value are hatched grey, "无数据" /
    "no data" in the legend.

Every name from the data is XML-escaped (and characters XML forbids removed).

>>> from innokg.graph.ecosystem import EcosystemGraph
>>> G = EcosystemGraph.open("henan")  # doctest: +SKIP
>>> m = indicator_map(G, "national_tech_centres")  # doctest: +SKIP
>>> m  # in a notebook: the map   # doctest: +SKIP
>>> Path("map.svg").write_text(m.svg, encoding="utf-8")  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape as _xml_escape

import numpy as np
import pandas as pd

from innokg.graph.errors import InnokgError

__all__ = ["PALETTES", "Map", "city_map", "indicator_map", "load_outlines"]

Lang = Literal["zh", "en"]

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
_FONT = (
    "system-ui, -apple-system, 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', "
    "'PingFang SC', 'WenQuanYi Micro Hei', sans-serif"
)

#: Cities the shipped outlines lack, drawn as dots: code -> (name, name_en, lon, lat).
HENAN_POINTS: dict[str, tuple[str, str, float, float]] = {
    "419001": ("济源市", "Jiyuan", 112.602, 35.069),
}
#: English names of Henan's cities (used when the caller gives none), by 4/6-digit code.
HENAN_EN: dict[str, str] = {
    "4101": "Zhengzhou", "4102": "Kaifeng", "4103": "Luoyang", "4104": "Pingdingshan",
    "4105": "Anyang", "4106": "Hebi", "4107": "Xinxiang", "4108": "Jiaozuo",
    "4109": "Puyang", "4110": "Xuchang", "4111": "Luohe", "4112": "Sanmenxia",
    "4113": "Nanyang", "4114": "Shangqiu", "4115": "Xinyang", "4116": "Zhoukou",
    "4117": "Zhumadian", "419001": "Jiyuan",
}  # fmt: skip

_TEXT: dict[str, tuple[str, str]] = {
    "no_data": ("无数据", "no data"),
    "enclave": (
        "{name}（{code}）在本底图中位于{host}轮廓内，以圆点表示其数值。",
        "{name} ({code}) lies inside {host}'s outline on this base map; the dot shows its value.",
    ),
    "point": (
        "{name}（{code}）不在底图轮廓中，以圆点表示其数值。",
        "{name} ({code}) has no outline on this base map; the dot shows its value.",
    ),
    "classes": (
        "分级：{method}，每级含上限。",
        "Classes: {method}; each includes its upper bound.",
    ),
    "quantile": ("按分位数", "quantiles"),
    "highlight": ("红色粗线：{name}。", "Red outline: {name}."),
    "given": ("指定分级", "given breaks"),
    "method": (
        "底图：{source}；等距圆柱投影，标准纬线 {lat:.2f}°N。",
        "Base map: {source}; equirectangular projection, standard parallel {lat:.2f}° N.",
    ),
    "city": ("城市", "City"),
    "value": ("数值", "Value"),
    "code": ("代码", "Code"),
    "class": ("分级", "Class"),
    "km": ("公里", "km"),
}
_HENAN_SOURCE = ("ECharts 2.2.7 地图数据（BSD）", "ECharts 2.2.7 map data (BSD)")


def _tx(key: str, lang: Lang) -> str:
    zh, en = _TEXT[key]
    return zh if lang == "zh" else en


# --- text -------------------------------------------------------------------------------

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _esc(value: Any) -> str:
    """Text safe in SVG/XML content and in double-quoted attributes."""
    text = _XML_ILLEGAL.sub("\ufffd", str(value))
    return _xml_escape(text, {'"': "&quot;", "'": "&#39;"})


def _width(text: str, size: float) -> float:
    """Estimated rendered width: CJK and other wide characters one em, others 0.6 em."""
    return sum(
        size if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6 * size for ch in text
    )


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width`` (breaks at spaces, or anywhere in CJK)."""
    lines: list[str] = []
    line = ""
    tokens = re.findall(r"\S+\s*|\s+", text) if " " in text else list(text)
    for tok in tokens:
        if line and _width(line + tok.rstrip(), size) > width:
            lines.append(line.rstrip())
            line = tok.lstrip()
        else:
            line += tok
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


# --- outlines ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _City:
    code: str  # as in the outlines (6 digits for Henan)
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]
    label: tuple[float, float]


def load_outlines(path: str | Path | None = None) -> list[dict[str, Any]]:
    """The outline features: the shipped Henan cities, or those of a GeoJSON file."""
    try:
        if path is None:
            text = files("innokg.loaders").joinpath("data/henan_cities.geojson").read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        where = path or "henan_cities.geojson"
        raise InnokgError(f"cannot read city outlines {where}: {exc}") from None
    feats = data.get("features") if isinstance(data, dict) else None
    if not isinstance(feats, list) or not feats:
        raise InnokgError(f"{path}: not a GeoJSON FeatureCollection with features")
    return feats


def _cities(features: list[dict[str, Any]]) -> list[_City]:
    out = []
    for f in features:
        props = f.get("properties") or {}
        geom = f.get("geometry") or {}
        kind, coords = geom.get("type"), geom.get("coordinates")
        if kind == "Polygon":
            polys = [coords]
        elif kind == "MultiPolygon":
            polys = coords
        else:
            continue
        rings = tuple(
            tuple((float(x), float(y)) for x, y, *_ in ring) for poly in polys for ring in poly
        )
        code = str(props.get("code") or props.get("adcode") or props.get("name") or "")
        cp = props.get("cp") or props.get("center") or props.get("centroid")
        if not (isinstance(cp, Sequence) and len(cp) >= 2):
            big = max(rings, key=len)
            cp = (sum(p[0] for p in big) / len(big), sum(p[1] for p in big) / len(big))
        out.append(_City(code, str(props.get("name") or code), rings, (float(cp[0]), float(cp[1]))))
    if not out:
        raise InnokgError("the outlines hold no Polygon or MultiPolygon feature")
    return out


def _key(value: Any) -> str:
    """A city key as given (region id, 4/6-digit code, name) in a comparable form."""
    text = str(value).strip()
    if text.startswith("region:"):
        text = text[len("region:") :]
    if text.isdigit():
        if len(text) == 4:
            return text
        if len(text) == 6 and text.endswith("00"):
            return text[:4]
        return text
    return text


def _code_keys(code: str) -> set[str]:
    return {code, _key(code)}


# --- values and classes --------------------------------------------------------------------


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


# --- the map ------------------------------------------------------------------------------


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

    # which city each key names
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

    rows = []
    for code in sorted(all_codes, key=lambda c: (c in points, c)):
        v = value_of.get(code, math.nan)
        cls = _class_of(v, bounds)
        rows.append(
            {
                "code": code,
                "city": shown[code],
                "name": names_in[code],
                "value": v,
                "text": _fmt(v, unit, integer),
                "class": labels[cls] if cls is not None else _tx("no_data", lang),
                "_class": cls,
            }
        )
    table = pd.DataFrame(rows)

    # the notes under the map
    extra = [str(n) for n in notes]
    notes = []
    for code, (_name, _name_en, lon, lat) in points.items():
        host = next((c for c in cities if any(_inside((lon, lat), r) for r in c.rings)), None)
        nm = shown[code]
        if host is not None:
            notes.append(_tx("enclave", lang).format(name=nm, code=code, host=shown[host.code]))
        else:
            notes.append(_tx("point", lang).format(name=nm, code=code))
    if labels:
        notes.append(_tx("classes", lang).format(method=method))
    chosen = (lookup.get(_key(highlight)) or lookup.get(highlight)) if highlight else None
    if chosen:
        notes.append(_tx("highlight", lang).format(name=shown[chosen]))
    notes += extra

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


def _inside(pt: tuple[float, float], ring: Sequence[tuple[float, float]]) -> bool:
    x, y = pt
    inside = False
    n = len(ring)
    for i in range(n):
        (x1, y1), (x2, y2) = ring[i], ring[(i + 1) % n]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


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
    # projection: equirectangular at the mid latitude of the outlines
    lons = [p[0] for c in cities for r in c.rings for p in r]
    lats = [p[1] for c in cities for r in c.rings for p in r]
    lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
    phi0 = (lat0 + lat1) / 2
    k = math.cos(math.radians(phi0))
    legend_w = 190
    pad = 12
    map_w = width - legend_w - 2 * pad
    scale = map_w / ((lon1 - lon0) * k)
    map_h = (lat1 - lat0) * scale
    title_size = 15
    title_lines = _wrap(title, title_size, width - 2 * pad)
    top = pad + title_size * 1.35 * len(title_lines) + 6

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return pad + (lon - lon0) * k * scale, top + (lat1 - lat) * scale

    uid = (
        "m"
        + hashlib.sha1(
            (title + "|" + table[["code", "text"]].to_csv()).encode("utf-8")
        ).hexdigest()[:8]
    )
    nodata = f"{uid}-nodata"
    by_code = {r["code"]: r for r in table.to_dict("records")}

    def fill(code: str) -> str:
        cls = by_code[code]["_class"]
        return f"url(#{nodata})" if cls is None or pd.isna(cls) else colours[int(cls)]

    def tip(code: str) -> str:
        r = by_code[code]
        sep = "：" if lang == "zh" else ": "
        u = "" if unit in ("", "share") else (unit if lang == "zh" else " " + unit)
        value = r["text"] + u if r["text"] != "—" else _tx("no_data", lang)
        return f"{r['city']}{sep}{value}"

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
            f'<text x="{pad}" y="{pad + title_size * (1 + 1.35 * i):.1f}" '
            f'font-size="{title_size}" font-weight="bold">{esc(line)}</text>'
        )
    # cities
    parts.append('<g class="cities" stroke="#ffffff" stroke-width="0.8" stroke-linejoin="round">')
    for c in cities:
        d = []
        for ring in c.rings:
            pts = [xy(x, y) for x, y in ring]
            d.append("M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in pts) + "Z")
        parts.append(
            f'<path class="city" data-code="{esc(c.code)}" fill="{fill(c.code)}" '
            f'fill-rule="evenodd" d="{"".join(d)}"><title>{esc(tip(c.code))}</title></path>'
        )
    parts.append("</g>")
    # the province's edge, darker, and the highlighted city
    if highlight and highlight in {c.code for c in cities}:
        c = next(c for c in cities if c.code == highlight)
        d = "".join(
            "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in (xy(*p) for p in ring)) + "Z"
            for ring in c.rings
        )
        parts.append(
            f'<path class="highlight" d="{d}" fill="none" stroke="#d81b60" '
            'stroke-width="2.5" pointer-events="none"/>'
        )
    # dots for the cities without an outline
    dots = []
    for code, (_n, _e, lon, lat) in points.items():
        x, y = xy(lon, lat)
        ring = (
            ' stroke="#d81b60" stroke-width="2.5"'
            if highlight == code
            else (' stroke="#1d1d1f" stroke-width="1.2"')
        )
        parts.append(
            f'<circle class="city point" data-code="{esc(code)}" cx="{x:.1f}" cy="{y:.1f}" '
            f'r="5.5" fill="{fill(code)}"{ring}><title>{esc(tip(code))}</title></circle>'
        )
        dots.append((code, x, y))
    # labels: short names (no 市) in Chinese, English names in English
    size = 11 if lang == "zh" else 10
    parts.append(
        f'<g class="labels" font-size="{size}" fill="#1d1d1f" stroke="#ffffff" '
        'stroke-width="2.6" stroke-linejoin="round" paint-order="stroke" '
        'pointer-events="none" text-anchor="middle">'
    )
    for c in cities:
        name = str(by_code[c.code]["city"])
        label = name.removesuffix("市") if lang == "zh" and len(name) > 2 else name
        x, y = xy(*c.label)
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

    # legend, right of the map
    lx = pad + map_w + 16
    ly = top + 6
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
    bar = 100 / 111.32 * scale
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
    # north arrow
    parts.append(
        f'<g class="north"><path d="M{lx + 8} {y + 18} L{lx + 14} {y} L{lx + 20} {y + 18} '
        f'L{lx + 14} {y + 13}Z" fill="#1d1d1f"/>'
        f'<text x="{lx + 26}" y="{y + 16}" font-size="11">'
        f"{'北' if lang == 'zh' else 'N'}</text></g>"
    )
    parts.append("</g>")
    legend_bottom = y + 24

    # notes under the map
    note_size = 10.5
    ny = max(top + map_h, legend_bottom) + 16
    all_notes = [*notes, _tx("method", lang).format(source=source, lat=phi0)]
    parts.append(f'<g class="notes" font-size="{note_size}" fill="#5f6368">')
    for note in all_notes:
        for line in _wrap(note, note_size, width - 2 * pad):
            parts.append(f'<text x="{pad}" y="{ny:.1f}">{esc(line)}</text>')
            ny += note_size * 1.45
    parts.append("</g>")
    height = math.ceil(ny + pad - note_size * 0.45)
    parts.append("</svg>")
    return "".join(parts).replace("HEIGHT", str(height))


# --- from the graph ---------------------------------------------------------------------------


def indicator_map(
    G: Any,
    indicator: str,
    *,
    year: int | None = None,
    lang: Lang = "zh",
    palette: str | Sequence[str] = "blues",
    outlines: str | Path | None = None,
    highlight: str | None = None,
) -> Map:
    """A map of one city indicator of :func:`~innokg.queries.indicators.policy_indicators`.

    The title says what the indicator counts and as of which year (default the
    latest year the graph records, as ``innokg indicators``).  Rows the graph cannot
    measure (``measurable`` false or NA) show as no data; cities of the graph that the
    outlines lack (another province's) are left out and named in the notes.

    >>> m = indicator_map(G, "national_tech_centres", lang="en")  # doctest: +SKIP
    >>> m.table.head()  # doctest: +SKIP
    """
    from innokg.queries.indicators import latest_year, policy_indicators

    if lang not in ("zh", "en"):
        raise InnokgError(f"lang must be zh or en (got {lang!r})")
    as_of = year if year is not None else latest_year(G)
    ind = policy_indicators(G, by="city", year=as_of, indicators=[indicator])
    ind = ind[ind["indicator"] == indicator]
    if ind.empty:
        raise InnokgError(f"the graph has no city rows for indicator {indicator!r}")
    ok = (
        ind["measurable"].fillna(False).astype(bool)
        if "measurable" in ind.columns
        else pd.Series(True, index=ind.index)
    )
    values = pd.Series(
        pd.to_numeric(ind["value"], errors="coerce").where(ok).to_numpy(dtype=float),
        index=ind["group"].astype(str).to_numpy(),
    )
    first = ind.iloc[0]
    what = first["indicator_zh"] if lang == "zh" else first["indicator_en"]
    if what is None or pd.isna(what) or not str(what):
        what = first["indicator_zh"] or indicator
    when = (
        (f"{as_of} 年" if lang == "zh" else str(as_of))
        if as_of is not None
        else ("图中全部记录" if lang == "zh" else "everything in the graph")
    )
    if lang == "zh":
        title = f"各市{what}，{when}" if str(what).endswith("）") else f"各市{what}（{when}）"
    else:
        title = f"{str(what)[:1].upper()}{str(what)[1:]} by city ({when})"
    unit = "share" if str(first["unit"]) == "share" else ""
    names: dict[str, str] = {}
    regions = G.nodes.get("Region")
    if regions is not None and len(regions):
        col = "name_en" if lang == "en" else "name"
        if col in regions.columns:
            for rid, nm in regions[["id", col]].itertuples(index=False):
                if nm is not None and not pd.isna(nm) and str(nm):
                    names[str(rid)] = str(nm)
    # keep the cities the outlines can place; name the others
    known: set[str] = set()
    for c in _cities(load_outlines(outlines)):
        known |= _code_keys(c.code)
    for code in HENAN_POINTS if outlines is None else {}:
        known |= _code_keys(code)
    keep = [_key(k) in known for k in values.index]
    missing = [str(n) for n, k in zip(ind["group_name"], keep, strict=True) if not k]
    extra = []
    if not bool(np.all(ok)):
        reasons = ind.loc[~np.asarray(ok, dtype=bool), "note"].dropna().astype(str).unique()
        extra += [f"{'无法计算' if lang == 'zh' else 'Not measurable'}: {n}" for n in reasons[:3]]
    if missing:
        extra.append(
            ("底图外的城市：" if lang == "zh" else "Cities outside the base map: ")
            + ("、" if lang == "zh" else ", ").join(missing)
        )
    return city_map(
        values[keep],
        title=title,
        unit=unit,
        lang=lang,
        palette=palette,
        outlines=outlines,
        names=names,
        highlight=highlight,
        notes=extra,
    )
