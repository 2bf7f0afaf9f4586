"""What untrusted RDF and SPARQL may not do: read without bound, fetch, or reach the network.

RDF files come from anywhere.  They are read through a byte counter (:func:`read_bounded`,
:func:`text_lines`); JSON-LD contexts are never fetched (:func:`local_contexts`); XML
that declares entities or names an outside file is refused before parsing
(:func:`refuse_xml_outside`); an IRI rdflib itself finds invalid stops the parse
(:func:`refusing_bad_iris`); a SPARQL query runs with the network refused
(:func:`no_network`).
"""

from __future__ import annotations

import gzip
import io
import logging
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from innokg.graph.errors import QueryError, SourceError
from innokg.graph.ontology import CONTEXT_IRI, jsonld_context

__all__ = [
    "MAX_LITERAL",
    "MAX_RDF_BYTES",
    "MAX_TRIPLES",
    "NotAnIri",
    "line_of",
    "local_contexts",
    "no_network",
    "read_bounded",
    "refuse_xml_outside",
    "refusing_bad_iris",
    "text_lines",
]

#: Bounds on untrusted input: bytes of RDF text (after unpacking), triples, literal length.
MAX_RDF_BYTES = 8 * 1024**3
MAX_TRIPLES = 100_000_000
MAX_LITERAL = 1_000_000


# --- bounded reading ----------------------------------------------------------------


class _Bounded(io.RawIOBase):
    """A byte stream that fails once more than ``limit`` bytes have been read."""

    def __init__(self, raw: IO[bytes], limit: int, name: str) -> None:
        self.raw, self.limit, self.name, self.count = raw, limit, name, 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.raw.read(len(b))
        self.count += len(data)
        if self.count > self.limit:
            raise SourceError(
                f"{self.name}: more than {self.limit:,} bytes of RDF (after unpacking); "
                "refused as too large"
            )
        b[: len(data)] = data
        return len(data)


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` (``.gz`` unpacked), refused past ``max_bytes``.

    Parameters
    ----------
    path : pathlib.Path
        The file; a name ending in ``.gz`` is unpacked as it is read.
    max_bytes : int
        The most bytes accepted, counted after unpacking.

    Returns
    -------
    bytes
        The file's content.

    Raises
    ------
    SourceError
        When the file is missing, unreadable, or longer than ``max_bytes``.

    Examples
    --------
    >>> import gzip, tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "g.nt.gz"
    >>> _ = path.write_bytes(gzip.compress(b"x" * 100))
    >>> len(read_bounded(path, 100))
    100
    >>> read_bounded(path, 99)
    Traceback (most recent call last):
    ...
    innokg.graph.errors.SourceError: g.nt.gz: more than 99 bytes of RDF (after unpacking); ...
    """
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    with open(path, "rb") as raw:
        stream: Any = gzip.GzipFile(fileobj=raw) if path.suffix == ".gz" else raw
        try:
            data = io.BufferedReader(_Bounded(stream, max_bytes, path.name)).read()
        except (OSError, EOFError) as exc:
            raise SourceError(f"{path}: cannot be read ({exc})") from None
    return data


@contextmanager
def text_lines(path: Path, max_bytes: int) -> Iterator[Iterator[str]]:
    """The lines of a UTF-8 text file (``.gz`` unpacked), read lazily and bounded.

    Parameters
    ----------
    path : pathlib.Path
        The file; a name ending in ``.gz`` is unpacked as it is read.
    max_bytes : int
        The most bytes read, counted after unpacking; past them reading raises
        :class:`~innokg.graph.errors.SourceError`.

    Yields
    ------
    iterator of str
        The lines without their line breaks, while the file is open.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "g.nt"
    >>> _ = path.write_text("one\\r\\ntwo\\n", encoding="utf-8")
    >>> with text_lines(path, 1_000) as lines:
    ...     list(lines)
    ['one', 'two']
    """
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    with open(path, "rb") as raw:
        stream: Any = gzip.GzipFile(fileobj=raw) if path.suffix == ".gz" else raw
        bounded = io.BufferedReader(_Bounded(stream, max_bytes, path.name), 1 << 20)
        text = io.TextIOWrapper(bounded, encoding="utf-8", newline=None)
        yield (line.rstrip("\n") for line in text)


# --- nothing fetched: JSON-LD contexts, XML entities and DTDs -------------------------

_CONTEXT_REFUSED = (
    "refers to a remote JSON-LD context {ctx!r}, which innokg does not fetch; "
    "put the context inline (innokg's own, {own}, is known without fetching)"
)


def local_contexts(node: Any, name: str) -> Any:
    """Replace references to innokg's published context by its text; refuse others.

    Parameters
    ----------
    node : object
        A parsed JSON-LD document, or any part of one.
    name : str
        The file's name, for the error.

    Returns
    -------
    object
        The document with every ``@context`` that names innokg's context
        (:data:`~innokg.graph.ontology.CONTEXT_IRI`) replaced by the context itself.

    Raises
    ------
    SourceError
        For any other remote context or an ``@import``: nothing is fetched.

    Examples
    --------
    >>> from innokg.graph.ontology import CONTEXT_IRI
    >>> doc = local_contexts({"@context": CONTEXT_IRI, "@id": "node:E1"}, "g.jsonld")
    >>> isinstance(doc["@context"], dict), doc["@id"]
    (True, 'node:E1')
    >>> local_contexts({"@context": "https://example.org/ctx"}, "g.jsonld")
    Traceback (most recent call last):
    ...
    innokg.graph.errors.SourceError: g.jsonld: refers to a remote JSON-LD context ...
    """
    if isinstance(node, list):
        return [local_contexts(v, name) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@import":
            raise SourceError(f"{name}: " + _CONTEXT_REFUSED.format(ctx=value, own=CONTEXT_IRI))
        if key == "@context":
            value = _resolve_context(value, name)
        out[key] = local_contexts(value, name)
    return out


def _resolve_context(ctx: Any, name: str) -> Any:
    if isinstance(ctx, list):
        return [_resolve_context(c, name) for c in ctx]
    if isinstance(ctx, str):
        if ctx.rstrip("#") == CONTEXT_IRI:
            return jsonld_context()
        raise SourceError(f"{name}: " + _CONTEXT_REFUSED.format(ctx=ctx, own=CONTEXT_IRI))
    return ctx


_XML_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_XML_EXTERNAL_DTD = re.compile(rb"<!DOCTYPE[^>\[]*\s(?:SYSTEM|PUBLIC)[\s\"']", re.IGNORECASE)


def line_of(data: bytes, offset: int) -> int:
    """The 1-based line of ``data`` that holds byte ``offset``.

    Parameters
    ----------
    data : bytes
        A file's content.
    offset : int
        A byte position in it (a negative one counts as 0).

    Returns
    -------
    int
        The line number, 1 for the first line.

    Examples
    --------
    >>> line_of(b"a\\nb\\nc", 0), line_of(b"a\\nb\\nc", 2), line_of(b"a\\nb\\nc", 4)
    (1, 2, 3)
    """
    return data.count(b"\n", 0, max(offset, 0)) + 1


def refuse_xml_outside(path: Path, data: bytes) -> None:
    """Refuse RDF/XML that declares entities or names an outside file in its DOCTYPE.

    Parameters
    ----------
    path : pathlib.Path
        The file, for the error.
    data : bytes
        Its content, checked before any XML parser sees it.

    Raises
    ------
    SourceError
        Naming the line of the ``<!ENTITY`` or of the DOCTYPE's ``SYSTEM`` or ``PUBLIC``.

    Examples
    --------
    >>> from pathlib import Path
    >>> refuse_xml_outside(Path("g.rdf"), b"<rdf:RDF/>")
    >>> refuse_xml_outside(Path("g.rdf"), b'<?xml version="1.0"?>\\n<!DOCTYPE r [<!ENTITY e "x">]>')
    Traceback (most recent call last):
    ...
    innokg.graph.errors.SourceError: g.rdf, line 2: declares XML entities ...
    """
    entity = _XML_ENTITY.search(data)
    if entity:
        raise SourceError(
            f"{path}, line {line_of(data, entity.start())}: declares XML entities "
            "(<!ENTITY>); refused, as entities can expand without bound or name "
            "outside files. Remove the DOCTYPE's entities"
        )
    external = _XML_EXTERNAL_DTD.search(data)
    if external:
        raise SourceError(
            f"{path}, line {line_of(data, external.start())}: the DOCTYPE names an "
            "outside file (SYSTEM or PUBLIC); refused, as innokg reads nothing outside "
            "the file it is given. Remove the DOCTYPE"
        )


# --- IRIs that are not IRIs --------------------------------------------------------------


class NotAnIri(SourceError):
    """A subject, predicate or object the parser let through that is not an IRI."""

    def __init__(self, name: str, iri: str) -> None:
        self.iri = iri
        super().__init__(f"{name}: <{iri}> is not an IRI")


_RDFLIB_BAD_IRI = " does not look like a valid URI, trying to serialize this will break."
_PARSING = threading.local()


class _RefuseBadIris(logging.Filter):
    """Stops a parse at the first IRI rdflib itself finds invalid: rdflib only logs
    them, and an unclosed ``<`` can swallow the rest of a file into one "IRI"."""

    def filter(self, record: logging.LogRecord) -> bool:
        name = getattr(_PARSING, "name", None)
        message = record.getMessage()
        if name and message.endswith(_RDFLIB_BAD_IRI):
            raise NotAnIri(name, message.removesuffix(_RDFLIB_BAD_IRI))
        return True


_BAD_IRI_FILTER = _RefuseBadIris()


@contextmanager
def refusing_bad_iris(name: str) -> Iterator[None]:
    """While rdflib parses file ``name`` in this thread, raise :class:`NotAnIri` at an
    IRI it logs as invalid.  The filter is on rdflib's logger only for the parse: no
    import-time side effect on a library the user's own code may use.

    Parameters
    ----------
    name : str
        The file's name, for the error.

    Examples
    --------
    >>> from rdflib import Graph
    >>> with refusing_bad_iris("g.ttl"):
    ...     Graph().parse(data="<urn:a{b}> <urn:p> <urn:o> .", format="turtle")
    Traceback (most recent call last):
    ...
    innokg.graph.rdf.safety.NotAnIri: g.ttl: <urn:a{b}> is not an IRI
    """
    term_log = logging.getLogger("rdflib.term")
    term_log.addFilter(_BAD_IRI_FILTER)
    _PARSING.name = name
    try:
        yield
    finally:
        _PARSING.name = None
        term_log.removeFilter(_BAD_IRI_FILTER)


# --- no network while a query runs -------------------------------------------------------

_NETWORK_GUARD = threading.local()
_HOOKED = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if getattr(_NETWORK_GUARD, "on", False) and event in ("urllib.Request", "socket.connect"):
        raise QueryError("the query tried to reach the network, which innokg sparql refuses")


@contextmanager
def no_network() -> Iterator[None]:
    """Refuse network access from this thread while a query runs (defence in depth).

    Python's audit hooks cannot be removed, so the hook is installed on the first query
    (never at import) and does nothing outside this context: it acts only while the
    thread-local guard is on.

    Raises
    ------
    QueryError
        From inside the context, at an attempt to open a URL or connect a socket.

    Examples
    --------
    >>> from urllib.request import urlopen
    >>> with no_network():
    ...     urlopen("http://127.0.0.1:9/")
    Traceback (most recent call last):
    ...
    innokg.graph.errors.QueryError: the query tried to reach the network, ...
    """
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_audit)
        _HOOKED = True
    _NETWORK_GUARD.on = True
    try:
        yield
    finally:
        _NETWORK_GUARD.on = False
