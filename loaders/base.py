"""What every loader returns, and the registry of source kinds.

A source is written ``kind:path`` on the command line (``tables:my_tables/``); where
the kind is left out it is detected from the path when that is unambiguous.  Each
kind's reader parses its files into raw tables (one per node label and edge type,
with ``_file`` and ``_row`` provenance columns) and never writes anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from graph.errors import SourceError

__all__ = [
    "SourceTables",
    "detect_kind",
    "known_kinds",
    "parse_source",
    "read_source",
    "register",
]


@dataclass
class SourceTables:
    """Raw tables read from one source, with what the reader noticed."""

    kind: str
    path: str
    nodes: dict[str, pd.DataFrame] = field(default_factory=dict)
    edges: dict[str, pd.DataFrame] = field(default_factory=dict)
    rows_read: int = 0
    warnings: list[str] = field(default_factory=list)
    #: sheet or file names that name no label or type (reported by validation)
    unknown: list[str] = field(default_factory=list)


Reader = Callable[[Path], SourceTables]
Detector = Callable[[Path], bool]

_KINDS: dict[str, tuple[Reader, Detector]] = {}


def register(kind: str, reader: Reader, detector: Detector) -> None:
    """Make a source kind available to ``innokg build``."""
    _KINDS[kind] = (reader, detector)


def _ensure_registered() -> None:
    if _KINDS:
        return
    from loaders.tables import looks_like_tables, read_tables_source

    register("tables", read_tables_source, looks_like_tables)


def known_kinds() -> list[str]:
    _ensure_registered()
    return list(_KINDS)


def detect_kind(path: Path) -> str:
    """The kind of source at ``path``, when exactly one kind recognises it."""
    _ensure_registered()
    hits = [k for k, (_, detect) in _KINDS.items() if detect(path)]
    if len(hits) == 1:
        return hits[0]
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    if hits:
        raise SourceError(f"{path}: could be any of {', '.join(hits)}; write it as KIND:{path}")
    raise SourceError(
        f"{path}: cannot tell what kind of source this is; write it as KIND:PATH with KIND one of "
        + ", ".join(_KINDS)
    )


def parse_source(text: str) -> tuple[str, Path]:
    """Split ``kind:path`` (or a bare path, kind detected) into its parts."""
    _ensure_registered()
    kind, sep, rest = text.partition(":")
    if sep and kind in _KINDS:
        return kind, Path(rest)
    if sep and len(kind) > 1 and "/" not in kind and kind.isidentifier():
        raise SourceError(
            f"{text}: unknown source kind {kind!r}; known kinds: " + ", ".join(_KINDS)
        )
    path = Path(text)
    return detect_kind(path), path


def read_source(text: str) -> SourceTables:
    """Read one source given as ``kind:path`` or a path."""
    kind, path = parse_source(text)
    reader, _ = _KINDS[kind]
    return reader(path)
