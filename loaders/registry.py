"""The source kinds ``innokg build`` can read, and how a source is named.

A source is written ``kind:path`` on the command line (``tables:my_tables/``); where
the kind is left out it is detected from the path when exactly one kind recognises it.

The built-in kinds are registered when this module is imported.  Other packages add
theirs through the ``innokg.sources`` entry-point group: each entry point names an
object with a ``reader`` and a ``detector`` attribute (a module or a class will do),
registered under the entry point's name the first time a kind is looked up.  A
kind registered with :func:`register` replaces a built-in or plug-in of the same
name; it never hides the others.

Examples
--------
>>> "tables" in known_kinds() and "chainkg" in known_kinds()
True
>>> from pathlib import Path
>>> register("mine", lambda path: SourceTables("mine", str(path)), lambda path: False)
>>> "tables" in known_kinds(), "mine" in known_kinds()
(True, True)
>>> parse_source("mine:folder/")
('mine', PosixPath('folder'))
>>> unregister("mine")
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from innokg.graph.errors import SourceError
from innokg.loaders.base import SourceTables
from innokg.loaders.chainkg import looks_like_chainkg, read_chainkg_source
from innokg.loaders.cities import looks_like_cities, read_cities_source
from innokg.loaders.listed import looks_like_listed, read_listed_source
from innokg.loaders.lq import looks_like_lq, read_lq_source
from innokg.loaders.rdf import looks_like_rdf, read_rdf_source
from innokg.loaders.regions import looks_like_regions, read_regions_source
from innokg.loaders.tables import looks_like_tables, read_tables_source
from innokg.loaders.techcentres import looks_like_techcentres, read_techcentres_source
from innokg.loaders.universities import looks_like_universities, read_universities_source

__all__ = [
    "ENTRY_POINT_GROUP",
    "Detector",
    "Reader",
    "detect_kind",
    "known_kinds",
    "parse_source",
    "read_source",
    "register",
    "unregister",
]

#: The entry-point group through which other packages add source kinds.
ENTRY_POINT_GROUP = "innokg.sources"

Reader = Callable[..., SourceTables]
Detector = Callable[[Path], bool]

_KINDS: dict[str, tuple[Reader, Detector]] = {
    "tables": (read_tables_source, looks_like_tables),
    "chainkg": (read_chainkg_source, looks_like_chainkg),
    "regions": (read_regions_source, looks_like_regions),
    "universities": (read_universities_source, looks_like_universities),
    "rdf": (read_rdf_source, looks_like_rdf),
    "techcentres": (read_techcentres_source, looks_like_techcentres),
    "listed": (read_listed_source, looks_like_listed),
    "cities": (read_cities_source, looks_like_cities),
    "lq": (read_lq_source, looks_like_lq),
}
_plugins_loaded = False


def register(kind: str, reader: Reader, detector: Detector) -> None:
    """Make a source kind available to ``innokg build``.

    ``reader(path, **options)`` may take keyword options (``scope``, ...);
    :func:`read_source` passes it only those it declares.  ``detector(path)`` says
    whether a bare path (no ``kind:``) is a source of this kind.

    Parameters
    ----------
    kind : str
        The name written before the colon (``mine:folder/``); a Python identifier.
        A kind already known (built-in or plug-in) is replaced.
    reader : callable
        ``reader(path, **options) -> SourceTables``.
    detector : callable
        ``detector(path) -> bool``; it should be quick and never raise.

    Raises
    ------
    ValueError
        When ``kind`` is not an identifier.

    Examples
    --------
    >>> register("mine", lambda path: SourceTables("mine", str(path)), lambda path: False)
    >>> read_source("mine:folder").kind
    'mine'
    >>> unregister("mine")
    >>> register("my kind", lambda path: SourceTables("x", str(path)), lambda path: False)
    Traceback (most recent call last):
    ...
    ValueError: source kind 'my kind' must be a name such as 'tables'
    """
    if not kind.isidentifier():
        raise ValueError(f"source kind {kind!r} must be a name such as 'tables'")
    _load_plugins()
    _KINDS[kind] = (reader, detector)


def unregister(kind: str) -> None:
    """Forget a source kind (no-op when it is not known).

    Parameters
    ----------
    kind : str
        The kind to forget; a built-in comes back only when this module is
        imported again.

    Examples
    --------
    >>> register("mine", lambda path: SourceTables("mine", str(path)), lambda path: False)
    >>> unregister("mine")
    >>> "mine" in known_kinds()
    False
    >>> unregister("mine")
    """
    _KINDS.pop(kind, None)


def _load_plugins() -> None:
    """Register the kinds other installed packages declare, once, built-ins first."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in _KINDS:
            continue
        try:
            target = ep.load()
            _KINDS[ep.name] = (target.reader, target.detector)
        except Exception as exc:  # a broken plug-in must not stop the built-in kinds
            raise SourceError(
                f"source kind {ep.name!r} from {ep.value} could not be loaded ({exc}); "
                "reinstall or uninstall the package that provides it"
            ) from None


def known_kinds() -> list[str]:
    """Every source kind, built-ins first.

    Examples
    --------
    >>> known_kinds()[:3]
    ['tables', 'chainkg', 'regions']
    """
    _load_plugins()
    return list(_KINDS)


def detect_kind(path: Path) -> str:
    """The kind of source at ``path``, when exactly one kind recognises it.

    Parameters
    ----------
    path : Path
        A file or folder given without ``kind:``.  Where ``tables`` (any workbook)
        and a kind that knows its header both claim it, the other kind wins.

    Returns
    -------
    str
        The kind's name.

    Raises
    ------
    SourceError
        When the path does not exist, no kind recognises it, or several do.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> (folder / "nodes").mkdir()
    >>> detect_kind(folder)
    'tables'
    >>> detect_kind(folder / "nodes")
    Traceback (most recent call last):
    ...
    innokg.graph.errors.SourceError: ...: cannot tell what kind of source this is; ...
    >>> tmp.cleanup()
    """
    _load_plugins()
    hits = [k for k, (_, detect) in _KINDS.items() if detect(path)]
    if len(hits) > 1 and "tables" in hits:
        # any workbook passes for canonical tables; a kind that knows its header is surer
        hits.remove("tables")
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
    """Split ``kind:path`` (or a bare path, kind detected) into its parts.

    Parameters
    ----------
    text : str
        A source as written on the command line.  A one-letter prefix is a Windows
        drive, not a kind.

    Returns
    -------
    tuple of (str, Path)
        The kind and the path.

    Raises
    ------
    SourceError
        When the kind is unknown, or a bare path's kind cannot be detected (see
        :func:`detect_kind`).

    Examples
    --------
    >>> parse_source("regions:data/nbs")
    ('regions', PosixPath('data/nbs'))
    >>> parse_source("csv:my_tables/")
    Traceback (most recent call last):
    ...
    innokg.graph.errors.SourceError: csv:my_tables/: unknown source kind 'csv'; ...
    """
    _load_plugins()
    kind, sep, rest = text.partition(":")
    if sep and kind in _KINDS:
        return kind, Path(rest)
    if sep and len(kind) > 1 and "/" not in kind and kind.isidentifier():
        raise SourceError(
            f"{text}: unknown source kind {kind!r}; known kinds: " + ", ".join(_KINDS)
        )
    path = Path(text)
    return detect_kind(path), path


def read_source(text: str, **options: Any) -> SourceTables:
    """Read one source given as ``kind:path`` or a path.

    ``options`` (``scope="henan"``, ...) reach the readers that accept them; a
    reader that does not is called without them.

    Parameters
    ----------
    text : str
        The source, as for :func:`parse_source`.
    **options
        Keyword options for the reader; those it does not declare, and those that
        are None, are left out.

    Returns
    -------
    SourceTables
        What the kind's reader returns.

    Raises
    ------
    SourceError
        When the source cannot be named (see :func:`parse_source`) or read.

    Examples
    --------
    A folder of canonical tables, with an option the ``tables`` reader does not take:

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> (folder / "nodes").mkdir()
    >>> _ = (folder / "nodes" / "Region.csv").write_text(
    ...     "id,name,level\\nr1,郑州市,city\\n", encoding="utf-8")
    >>> src = read_source(str(folder), scope="henan")
    >>> src.kind, src.nodes["Region"][["id", "name", "level"]].values.tolist()
    ('tables', [['r1', '郑州市', 'city']])
    >>> tmp.cleanup()
    """
    kind, path = parse_source(text)
    reader, _ = _KINDS[kind]
    accepted = inspect.signature(reader).parameters
    given = {k: v for k, v in options.items() if k in accepted and v is not None}
    return reader(path, **given)
