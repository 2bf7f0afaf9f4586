"""The words of a map: its fixed sentences in Chinese and English, XML escaping, and
text widths estimated without a font (a map is drawn by the browser with its own)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Literal
from xml.sax.saxutils import escape as _xml_escape

__all__ = ["Lang"]

Lang = Literal["zh", "en"]

_FONT = (
    "system-ui, -apple-system, 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', "
    "'PingFang SC', 'WenQuanYi Micro Hei', sans-serif"
)

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


def _tx(key: str, lang: Lang) -> str:
    zh, en = _TEXT[key]
    return zh if lang == "zh" else en


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
