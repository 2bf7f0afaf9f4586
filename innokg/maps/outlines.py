"""The city outlines a map is drawn on: the shipped Henan cities or a GeoJSON file,
the cities drawn as dots, and the keys (id, code, name) a value may name a city by."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from innokg.graph.errors import InnokgError

__all__ = ["HENAN_EN", "HENAN_POINTS", "load_outlines"]

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

_HENAN_SOURCE = ("ECharts 2.2.7 地图数据（BSD）", "ECharts 2.2.7 map data (BSD)")


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


def _inside(pt: tuple[float, float], ring: Sequence[tuple[float, float]]) -> bool:
    x, y = pt
    inside = False
    n = len(ring)
    for i in range(n):
        (x1, y1), (x2, y2) = ring[i], ring[(i + 1) % n]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside
