"""The projection of a map: equirectangular (plate carrée) at the outlines' middle
latitude, scaled so the outlines fill the width left of the legend.

``x = pad + (λ - λ_min) · cos φ0 · scale`` and ``y = top + (φ_max - φ) · scale``: at the
standard parallel φ0 east-west and north-south distances share one scale, which the
scale bar uses.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from innokg.maps.outlines import _City

__all__: list[str] = []  # used by the drawing; nothing here is public


@dataclass(frozen=True)
class _Projection:
    lon0: float  # western edge of the outlines
    lat1: float  # northern edge
    phi0: float  # the standard parallel, in degrees
    k: float  # cos(phi0)
    scale: float  # pixels per degree of latitude
    pad: float  # left margin
    top: float  # the outlines' northern edge, in pixels
    map_w: float
    map_h: float

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return self.pad + (lon - self.lon0) * self.k * self.scale, self.top + (
            self.lat1 - lat
        ) * self.scale

    def path(self, rings: Iterable[Sequence[tuple[float, float]]]) -> str:
        """An SVG path of closed rings, to a tenth of a pixel."""
        return "".join(
            "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in (self.xy(*p) for p in ring)) + "Z"
            for ring in rings
        )


def _project(cities: list[_City], *, map_w: float, pad: float, top: float) -> _Projection:
    """The projection that fits ``cities`` into ``map_w`` pixels below ``top``."""
    lons = [p[0] for c in cities for r in c.rings for p in r]
    lats = [p[1] for c in cities for r in c.rings for p in r]
    lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
    phi0 = (lat0 + lat1) / 2
    k = math.cos(math.radians(phi0))
    scale = map_w / ((lon1 - lon0) * k)
    map_h = (lat1 - lat0) * scale
    return _Projection(lon0, lat1, phi0, k, scale, pad, top, map_w, map_h)
