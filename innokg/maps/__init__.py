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

The parts of the package: :mod:`~innokg.maps.outlines` (the base map and the keys a
city goes by), :mod:`~innokg.maps.classes` (classes and colours),
:mod:`~innokg.maps.projection`, :mod:`~innokg.maps.drawing` (the SVG),
:mod:`~innokg.maps.words` (sentences and escaping), :mod:`~innokg.maps.choropleth`
(:func:`city_map`) and :mod:`~innokg.maps.from_graph` (:func:`indicator_map`).


>>> from innokg.graph.ecosystem import EcosystemGraph
>>> G = EcosystemGraph.open("henan")  # doctest: +SKIP
>>> m = indicator_map(G, "national_tech_centres")  # doctest: +SKIP
>>> m  # in a notebook: the map   # doctest: +SKIP
>>> Path("map.svg").write_text(m.svg, encoding="utf-8")  # doctest: +SKIP
"""

from __future__ import annotations

from innokg.maps.choropleth import Map, city_map
from innokg.maps.classes import NO_DATA_FILL, PALETTES
from innokg.maps.from_graph import indicator_map
from innokg.maps.outlines import HENAN_EN, HENAN_POINTS, load_outlines

__all__ = [
    "HENAN_EN",
    "HENAN_POINTS",
    "NO_DATA_FILL",
    "PALETTES",
    "Map",
    "city_map",
    "indicator_map",
    "load_outlines",
]
