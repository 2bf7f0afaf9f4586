"""Chinese in matplotlib charts: find a CJK font on this machine and draw with it.

matplotlib's own font, DejaVu Sans, has no Chinese glyphs.  Without a CJK font every
Chinese character of a chart (a city, a firm, an axis title) is drawn as an empty box
and matplotlib warns ``Glyph ... missing from font(s) DejaVu Sans``.  innokg ships no
font (a CJK font adds 10-20 MB, and not every licence lets it travel with MIT code);
:func:`use_cjk_font` finds one where the system keeps them:

1. ``INNOKG_CJK_FONT``, if set: the path of a font file (``.ttf``, ``.otf``, ``.ttc``);
2. a font matplotlib already knows, by family, in the order of :data:`CJK_FAMILIES`
   (Noto Sans CJK, Source Han Sans, WenQuanYi, Microsoft YaHei, PingFang, SimHei, ...);
3. a font file in the usual folders (:data:`FONT_FOLDERS`: ``/usr/share/fonts``,
   ``~/.local/share/fonts``, ``/Library/Fonts``, ``C:\\Windows\\Fonts`` and the like)
   whose character map holds common Chinese characters.  matplotlib's font list is a
   cache built once: a font installed after it (``apt install fonts-wqy-microhei``)
   is found here and added to it.

The font found is added to ``rcParams["font.family"]`` *after* the current families: Latin
text keeps its font and each character that font lacks is drawn from the CJK one
(matplotlib falls back glyph by glyph).  Without any CJK font, :func:`use_cjk_font` warns
once, saying what to install, returns None and changes nothing: charts then show boxes
where the Chinese would be.  Fonts to install: ``fonts-noto-cjk`` or
``fonts-wqy-microhei`` (Debian, Ubuntu), ``google-noto-sans-cjk-fonts`` (Fedora);
macOS and Windows have one already (PingFang, Microsoft YaHei).

>>> from innokg.fonts import use_cjk_font
>>> use_cjk_font()  # doctest: +SKIP
'WenQuanYi Micro Hei'
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from innokg.graph.errors import InnokgError

__all__ = [
    "CJK_FAMILIES",
    "FONT_FOLDERS",
    "SAMPLE",
    "covers",
    "find_cjk_font",
    "use_cjk_font",
]

#: Font families that draw Simplified Chinese, most preferred first.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "SimHei",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "SimSun",
)

#: Folders searched for font files, where they exist.
FONT_FOLDERS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts"),
    Path.home() / "Library/Fonts",
    Path(os.environ.get("WINDIR", "C:\\Windows")) / "Fonts",
)

#: Characters a font must have to count as a Chinese font: common ones in names.
SAMPLE = "河南省郑州市洛阳企业创新平台有限公司"

#: Parts of file names that CJK fonts are commonly given: looked at first.
_LIKELY = ("cjk", "han", "wqy", "yahei", "msyh", "simhei", "simsun", "pingfang", "hiragino",
           "heiti", "fallback", "uming", "ukai", "notosanssc", "noto-sans-sc")  # fmt: skip
_SUFFIXES = (".ttf", ".otf", ".ttc")
_ENV = "INNOKG_CJK_FONT"

_warned = False


def covers(path: str | Path, text: str = SAMPLE) -> bool:
    """Whether the font file at ``path`` has a glyph for every character of ``text``
    (its first face, for a collection); False for a file that is not a readable font."""
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(str(path))
        return all(font.get_char_index(ord(ch)) != 0 for ch in text)
    except (OSError, RuntimeError, ValueError):
        return False


def _font_files(folders: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        try:
            if not folder.is_dir():
                continue
            found += sorted(
                p for p in folder.rglob("*") if p.suffix.lower() in _SUFFIXES and p.is_file()
            )
        except OSError:  # an unreadable folder is not an error here
            continue
    likely = [p for p in found if any(k in p.name.lower() for k in _LIKELY)]
    return likely + [p for p in found if p not in set(likely)]


def _known() -> Path | None:
    """A CJK font matplotlib's font list already holds, by :data:`CJK_FAMILIES` order."""
    from matplotlib import font_manager

    by_family: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        by_family.setdefault(entry.name, entry.fname)
    for family in CJK_FAMILIES:
        path = by_family.get(family)
        if path and covers(path):
            return Path(path)
    return None


def find_cjk_font(*, folders: Sequence[str | Path] | None = None) -> Path | None:
    """The file of a font that draws Chinese, or None.

    Parameters
    ----------
    folders : sequence of path, optional
        Search only these folders (and their subfolders).  Default: the font named by
        ``INNOKG_CJK_FONT``, then the fonts matplotlib knows, then
        :data:`FONT_FOLDERS`.

    Returns
    -------
    Path or None

    Raises
    ------
    InnokgError
        When ``INNOKG_CJK_FONT`` names a file that is missing or draws no Chinese, or
        matplotlib is not installed.
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise InnokgError("charts need matplotlib: pip install 'innokg[notebooks]'") from None
    if folders is None:
        named = os.environ.get(_ENV, "").strip()
        if named:
            path = Path(named).expanduser()
            if not path.is_file():
                raise InnokgError(f"{_ENV}={named}: no such font file; unset it or fix the path")
            if not covers(path):
                raise InnokgError(
                    f"{_ENV}={named}: this font has no Chinese glyphs; name a CJK font "
                    "(e.g. NotoSansCJK-Regular.ttc, wqy-microhei.ttc)"
                )
            return path
        known = _known()
        if known is not None:
            return known
        search: Iterable[Path] = FONT_FOLDERS
    else:
        search = [Path(f) for f in folders]
    for path in _font_files(search):
        if covers(path):
            return path
    return None


def _install_hint() -> str:
    if sys.platform.startswith("linux"):
        return (
            "Install one (Debian/Ubuntu: apt install fonts-noto-cjk or fonts-wqy-microhei; "
            "Fedora: dnf install google-noto-sans-cjk-fonts)"
        )
    return "Install a CJK font"


def use_cjk_font(*, folders: Sequence[str | Path] | None = None) -> str | None:
    """Let matplotlib draw Chinese: add a CJK font as the fallback of the current fonts.

    Parameters
    ----------
    folders : sequence of path, optional
        Where to look (see :func:`find_cjk_font`); default everywhere usual.

    Returns
    -------
    str or None
        The font's family name, or None when this machine has no CJK font: a warning
        (once per session) says so and what to install, nothing is changed, and
        Chinese characters in charts show as boxes.
    """
    global _warned
    path = find_cjk_font(folders=folders)
    if path is None:
        if not _warned:
            _warned = True
            warnings.warn(
                "no font with Chinese glyphs found; Chinese text in charts will show as "
                f"empty boxes. {_install_hint()}, or set {_ENV} to a font file, then "
                "restart the kernel",
                UserWarning,
                stacklevel=2,
            )
        return None
    return _register(path)


def _register(path: Path) -> str:
    import matplotlib as mpl
    from matplotlib import font_manager

    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    if str(path) not in known:
        font_manager.fontManager.addfont(str(path))
    family = str(font_manager.FontProperties(fname=str(path)).get_name())
    current: Any = mpl.rcParams["font.family"]
    families = [current] if isinstance(current, str) else list(current)
    mpl.rcParams["font.family"] = [f for f in families if f != family] + [family]
    return family
