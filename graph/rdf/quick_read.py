"""Quick readers for RDF laid out as innokg writes it: N-Triples, and Turtle or TriG.

rdflib's Turtle reader takes about 50 microseconds a triple; innokg's own layout is
read here line by line, straight into a :class:`~innokg.graph.rdf.collect.Collector`.
A line these readers cannot follow makes them return False, and rdflib reads the file
into a new store: what is accepted is exactly what rdflib accepts, only faster.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rdflib.namespace import RDF

from innokg.graph.rdf.collect import Collector, IriKey

__all__ = ["NT_LINE", "nt_unescape", "read_innokg_turtle", "read_ntriples"]

#: One line of N-Triples: subject, predicate, and an IRI, blank node or literal object.
NT_LINE = re.compile(
    r'[ \t]*(?:(<[^<>"{}|^`\\\x00-\x20]*>|_:[A-Za-z0-9_][A-Za-z0-9_.-]*?)[ \t]+'
    r'(<[^<>"{}|^`\\\x00-\x20]*>)[ \t]*'
    r'(?:(<[^<>"{}|^`\\\x00-\x20]*>|_:[A-Za-z0-9_][A-Za-z0-9_.-]*?)|'
    r'"((?:[^"\\\n\r]|\\.)*)"(?:\^\^<([^<>"{}|^`\\\x00-\x20]*)>|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?)'
    r"[ \t]*\.)?[ \t]*(?:#.*)?$"
)
_NT_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_NT_CHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'"}
_NT_CHARS["\\"] = "\\"


def nt_unescape(text: str) -> str:
    """The text an N-Triples or Turtle string's escapes stand for.

    Parameters
    ----------
    text : str
        A string literal's body as written, between its quotes.

    Returns
    -------
    str
        The text with ``\\t``, ``\\n``, ``\\"``, ``\\\\``, ``\\uXXXX`` and
        ``\\UXXXXXXXX`` (and the rest of Turtle's escapes) resolved.

    Raises
    ------
    ValueError
        On an escape neither syntax has.

    Examples
    --------
    >>> print(nt_unescape(r'say \\"hi\\"\\n\\u4E2D'))
    say "hi"
    中
    >>> nt_unescape(r"\\q")
    Traceback (most recent call last):
    ...
    ValueError: bad escape \\q
    """

    def one(m: re.Match[str]) -> str:
        code = m.group(1) or m.group(2)
        if code:
            return chr(int(code, 16))
        char = _NT_CHARS.get(m.group(3))
        if char is None:
            raise ValueError(f"bad escape \\{m.group(3)}")
        return char

    return _NT_ESCAPE.sub(one, text)


def read_ntriples(lines: Iterator[str], store: Collector) -> bool:
    """Parse N-Triples straight into ``store``, or stop at a line it cannot follow.

    Parameters
    ----------
    lines : iterator of str
        The file's lines, without their line breaks.
    store : Collector
        Where each triple is filed.

    Returns
    -------
    bool
        True when every line was read; False at the first it cannot read (a
        malformed line, a bad escape), so that rdflib's parser reads the file into
        a new store and names any error.

    Examples
    --------
    >>> store = Collector("g.nt", 100, 100)
    >>> read_ntriples(iter(['<urn:a> <urn:p> "x\\\\ty" .', "# a comment"]), store)
    True
    >>> store.count, store.ignored["urn:p"]
    (1, 1)
    >>> read_ntriples(iter(["<urn:a> <urn:p> not a term ."]), store)
    False
    """
    match = NT_LINE.match
    put = store.put
    try:
        for line in lines:
            m = match(line)
            if m is None:
                return False
            s, p, o_iri, lexical = m.group(1, 2, 3, 4)
            if s is None:
                continue  # blank or comment line
            subject = IriKey(s[1:-1] if s[0] == "<" else s)
            if o_iri is not None:
                put(subject, p[1:-1], None, IriKey(o_iri[1:-1] if o_iri[0] == "<" else o_iri))
            else:
                put(subject, p[1:-1], nt_unescape(lexical) if "\\" in lexical else lexical, None)
    except ValueError:  # a bad escape or bad UTF-8: let rdflib's parser name it
        return False
    return True


_TTL_OBJECT = (
    r'("(?:[^"\\]|\\.)*"(?:\^\^[A-Za-z][\w-]*:[\w-]*|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?'
    r"|<[^<>\"{}|^`\\\x00-\x20]*>|[A-Za-z][\w-]*:[\w%.-]*|-?[0-9]+|true|false)"
)
_TTL_NAME = r"(<[^<>\"{}|^`\\\x00-\x20]*>|[A-Za-z][\w-]*:[\w%.-]*|a)"
_TTL_FIRST = re.compile(rf"^{_TTL_NAME} {_TTL_NAME} {_TTL_OBJECT} ([;.])$")
_TTL_MORE = re.compile(rf"^    {_TTL_NAME} {_TTL_OBJECT} ([;.])$")
_TTL_PREFIX = re.compile(r"^@prefix ([A-Za-z][\w-]*): <([^<>\"{}|^`\\\x00-\x20]*)> \.$")
_TTL_GRAPH = re.compile(rf"^{_TTL_NAME} \{{$")


def read_innokg_turtle(lines: Iterator[str], store: Collector) -> bool:
    """Read Turtle or TriG laid out as :func:`export_package` writes it, quickly.

    rdflib's Turtle reader takes about 50 microseconds a triple; innokg's own
    layout (one statement per line, one predicate per line) is read here line by
    line instead.  Anything else (another layout, escapes in names, unknown
    prefixes) makes this return False, and rdflib reads the file into a new store:
    what it accepts is exactly Turtle, only faster on the common case.

    Parameters
    ----------
    lines : iterator of str
        The file's lines, without their line breaks.
    store : Collector
        Where each triple is filed.

    Returns
    -------
    bool
        True when the whole file was read; False at the first line in another layout.

    Examples
    --------
    >>> store = Collector("g.ttl", 100, 100)
    >>> lines = [
    ...     "@prefix ex: <urn:ex:> .",
    ...     "ex:a ex:p 1 ;",
    ...     '    ex:q "two" .',
    ... ]
    >>> read_innokg_turtle(iter(lines), store), store.count
    (True, 2)
    >>> read_innokg_turtle(iter(["ex:a ex:p [ ex:q 1 ] ."]), store)
    False
    """
    prefixes: dict[str, str] = {}
    subject: str | None = None
    s_iri: str | None = None
    rdf_type = str(RDF.type)
    put = store.put

    def iri(name: str) -> str | None:
        if name[0] == "<":
            return name[1:-1]
        prefix, _, local = name.partition(":")
        ns = prefixes.get(prefix)
        if ns is None or local.endswith("."):
            return None
        return ns + local

    for line in lines:
        if subject is None:
            if not line or line == "}" or _TTL_GRAPH.match(line):
                continue
            m = _TTL_PREFIX.match(line)
            if m:
                prefixes[m.group(1)] = m.group(2)
                continue
            m = _TTL_FIRST.match(line)
            if m is None:
                return False
            subject, pred, obj, end = m.groups()
            s_iri = iri(subject)
            if s_iri is None:
                return False
        else:
            m = _TTL_MORE.match(line)
            if m is None:
                return False
            pred, obj, end = m.groups()
        p_iri = rdf_type if pred == "a" else iri(pred)
        if p_iri is None or s_iri is None:
            return False
        key = IriKey(s_iri)
        if obj[0] == '"':
            lexical = obj[1 : obj.rindex('"')]
            if "\\" in lexical:
                try:
                    lexical = nt_unescape(lexical)
                except ValueError:
                    return False
            put(key, p_iri, lexical, None)
        elif obj[0] == "<" or (":" in obj and not obj[0].isdigit() and obj[0] != "-"):
            o_iri = iri(obj)
            if o_iri is None:
                return False
            put(key, p_iri, None, IriKey(o_iri))
        else:  # an integer or a boolean written bare
            put(key, p_iri, obj, None)
        if end == ".":
            subject = None
    return subject is None
