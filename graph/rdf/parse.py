"""Parsing RDF files with rdflib, safely: no fetches, bounded size, errors that name the line.

The parser is chosen by the file's suffix (:data:`IMPORT_SUFFIXES`); a file rdflib
refuses becomes a :class:`~innokg.graph.errors.SourceError` naming the file, the line
where known, and what to do.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from rdflib import Dataset, Graph

from innokg.graph.errors import SourceError
from innokg.graph.rdf.iris import NOT_IN_IRI
from innokg.graph.rdf.quick_read import NT_LINE
from innokg.graph.rdf.safety import (
    MAX_RDF_BYTES,
    NotAnIri,
    line_of,
    local_contexts,
    read_bounded,
    refuse_xml_outside,
    refusing_bad_iris,
)

__all__ = [
    "IMPORT_SUFFIXES",
    "load_rdf_graph",
    "parse_into",
    "rdf_format_of",
    "short_message",
]

#: File suffixes read back, with the rdflib parser of each (``.gz`` is unpacked first).
IMPORT_SUFFIXES = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".trig": "trig",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json-ld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}


def rdf_format_of(path: Path) -> str:
    """The rdflib parser for ``path`` from its suffix (``.gz`` looked through).

    Unknown suffixes are read as TriG, which also reads Turtle and N-Triples.

    Parameters
    ----------
    path : pathlib.Path
        An RDF file's name.

    Returns
    -------
    str
        rdflib's name of the parser (see :data:`IMPORT_SUFFIXES`).

    Examples
    --------
    >>> from pathlib import Path
    >>> rdf_format_of(Path("firms.TTL.gz")), rdf_format_of(Path("g.owl")), rdf_format_of(Path("g"))
    ('turtle', 'xml', 'trig')
    """
    name = path.name.lower().removesuffix(".gz")
    for suffix, fmt in IMPORT_SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    return "trig"


_SUFFIX_ADVICE = (
    "fix the syntax there, or give the file the suffix of its syntax (.ttl Turtle, "
    ".nt N-Triples, .trig TriG, .nq N-Quads, .jsonld JSON-LD, .rdf or .owl RDF/XML)"
)


def _not_an_iri(path: Path, data: bytes, iri: str, public_id: str) -> SourceError:
    bad = NOT_IN_IRI.search(iri)
    char = bad.group() if bad else "?"
    what = "a space" if char == " " else f"the character {char!r}"
    advice = "percent-encode that character (a space is %20) or correct the IRI"
    if "\n" in iri:
        what, advice = "a line break", "a '<' is probably not closed by '>': close it"
    shown = iri if len(iri) <= 80 and "\n" not in iri else iri.split("\n")[0][:60] + "…"
    where = -1
    for text in (iri, iri.removeprefix(public_id)):
        where = data.find(text.encode("utf-8")) if text else -1
        if where >= 0:
            break
    place = f", line {line_of(data, where)}" if where >= 0 else ""
    return SourceError(f"{path}{place}: <{shown}> is not an IRI (it holds {what}); {advice}")


def _parse_error(path: Path, fmt: str, data: bytes, exc: Exception) -> SourceError:
    """The error for a file a parser refused: file, line where known, and what to do."""
    from xml.sax import SAXParseException

    from rdflib.plugins.parsers.notation3 import BadSyntax

    if isinstance(exc, UnicodeDecodeError) or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return SourceError(f"{path}: is UTF-16; innokg reads RDF in UTF-8: save it as UTF-8")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            return SourceError(
                f"{path}, line {line_of(data, bad.start)}: not UTF-8 (byte offset "
                f"{bad.start}); innokg reads RDF in UTF-8: save the file as UTF-8"
            )
    place, why = "", short_message(exc)
    if isinstance(exc, BadSyntax):
        place, why = f", line {exc.lines + 1}", short_message(Exception(exc._why))
    elif isinstance(exc, SAXParseException):
        place = f", line {exc.getLineNumber()}, column {exc.getColumnNumber()}"
        why = short_message(Exception(exc.getMessage()))
    elif fmt == "nt":
        lines = data.decode("utf-8", errors="replace").split("\n")
        n = next((i for i, line in enumerate(lines, 1) if not NT_LINE.match(line)), None)
        if n is not None:
            place = f", line {n}"
    hint = ""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5]
    if fmt != "xml" and head.startswith((b"<?xml", b"<rdf:")):
        hint = "; it looks like RDF/XML, which is read from a .rdf file"
    elif fmt == "xml" and not head.startswith(b"<"):
        hint = "; it does not look like XML (Turtle or N-Triples is read from .ttl or .nt)"
    elif fmt in ("turtle", "nt", "trig", "nquads"):
        body = b"\n".join(
            line for line in data.rstrip().split(b"\n") if not line.lstrip().startswith(b"#")
        ).rstrip()
        if body and not body.endswith((b".", b"}")):
            hint = "; the file ends in the middle of a statement: it was probably cut short"
    return SourceError(f"{path}{place}: not readable as {fmt} RDF ({why}){hint}; {_SUFFIX_ADVICE}")


def parse_into(graph: Graph, path: Path, fmt: str | None, max_bytes: int) -> None:
    """Parse ``path`` into ``graph`` with no network access and bounded input.

    Parameters
    ----------
    graph : rdflib.Graph
        The graph (or dataset, or collecting store's graph) to add the triples to.
    path : pathlib.Path
        The RDF file (``.gz`` unpacked).
    fmt : str or None
        rdflib's parser; None to choose it from the suffix (:func:`rdf_format_of`).
    max_bytes : int
        Refuse the file past this many bytes (after unpacking).

    Raises
    ------
    SourceError
        Naming the file, the line where known, and what to do: for a missing, too
        large or malformed file, remote JSON-LD contexts, XML entities, bad IRIs.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from rdflib import Graph
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "a.nt").write_text('<urn:x:a> <urn:x:p> "v" .\\n', encoding="utf-8")
    26
    >>> g = Graph()
    >>> parse_into(g, folder / "a.nt", None, 1_000)
    >>> len(g)
    1
    >>> (folder / "b.ttl").write_text("<urn:x:a> <urn:x:p> ", encoding="utf-8")
    20
    >>> parse_into(g, folder / "b.ttl", None, 1_000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    innokg.graph.errors.SourceError: .../b.ttl, line 1: not readable as turtle RDF (...
    """
    fmt = fmt or rdf_format_of(path)
    data = read_bounded(path, max_bytes)
    public_id = "urn:innokg:import:"  # relative IRIs resolve here, never to a file path
    try:
        if fmt == "json-ld":
            from rdflib.plugins.parsers.jsonld import to_rdf

            try:
                doc = json.loads(data.decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise SourceError(f"{path}: not well-formed JSON ({exc})") from None
            to_rdf(local_contexts(doc, path.name), graph, base=public_id)
            return
        if fmt == "xml":
            refuse_xml_outside(path, data)
        with warnings.catch_warnings():
            # rdflib's TriG and N-Quads readers call its own deprecated dataset API.
            warnings.simplefilter("ignore", DeprecationWarning)
            with refusing_bad_iris(path.name):
                graph.parse(data=data, format=fmt, publicID=public_id)
    except NotAnIri as exc:
        raise _not_an_iri(path, data, exc.iri, public_id) from None
    except SourceError:
        raise
    except RecursionError:
        raise SourceError(f"{path}: nested too deeply to read") from None
    except Exception as exc:  # rdflib's parsers raise many types for malformed input
        raise _parse_error(path, fmt, data, exc) from None


def short_message(exc: Exception) -> str:
    """An error's text on one line, cut to 300 characters.

    Parameters
    ----------
    exc : Exception
        Any error, such as a parser's.

    Returns
    -------
    str
        Its message with runs of white space as one space, and ``…`` where cut.

    Examples
    --------
    >>> short_message(ValueError("bad token\\n   at   the end"))
    'bad token at the end'
    >>> len(short_message(ValueError("x" * 1000)))
    301
    """
    text = " ".join(str(exc).split())
    return text[:300] + ("…" if len(text) > 300 else "")


def load_rdf_graph(
    path: str | Path, *, format: str | None = None, max_bytes: int = MAX_RDF_BYTES
) -> Graph:
    """Parse an RDF file into an rdflib graph, safely (no fetches, bounded size).

    Named graphs (TriG, N-Quads) are merged into one graph.

    Parameters
    ----------
    path : str or pathlib.Path
        An RDF file; its suffix names the syntax (:data:`IMPORT_SUFFIXES`), ``.gz``
        unpacked.
    format : str, optional
        rdflib's parser name, to override the suffix.
    max_bytes : int
        Refuse the file past this many bytes (after unpacking).

    Returns
    -------
    rdflib.Graph
        Every triple of the file.

    Raises
    ------
    SourceError
        When the file is missing, too large, malformed, or refers to remote content.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from innokg.graph.rdf import export_package
    >>> from innokg.graph.testing import make_graph
    >>> path = Path(tempfile.mkdtemp()) / "g.trig"
    >>> G = make_graph({"Region": [{"id": "r1", "name": "郑州市"}]})
    >>> _ = export_package(G, path, format="trig")
    >>> len(load_rdf_graph(path))  # the region's 5 triples and its source's 2
    7
    """
    path = Path(path)
    fmt = format or rdf_format_of(path)
    if fmt in ("trig", "nquads"):
        ds = Dataset()
        parse_into(ds, path, fmt, max_bytes)
        g = Graph()
        for prefix, ns in ds.namespaces():
            g.bind(prefix, ns, override=False)
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    g = Graph()
    parse_into(g, path, fmt, max_bytes)
    return g
