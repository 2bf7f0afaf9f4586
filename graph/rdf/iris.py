"""How the RDF form names things: ids as IRI segments, the data's base, the ontology's terms.

A node is ``<base>id/<id>``, a qualified relation ``<base>rel/<TYPE>.<from>.<to>``, a
source ``<base>source/<text>``; :func:`encode_id` makes an id one safe IRI segment.

Examples
--------
>>> encode_id("region:4101")
'region%3A4101'
>>> check_base("https://data.example.org/kg/").node
'https://data.example.org/kg/id/'
>>> curie("https://w3id.org/innokg/ontology#Enterprise")
'ik:Enterprise'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote, unquote

from rdflib.namespace import RDF, RDFS

from innokg.graph.errors import InnokgError
from innokg.graph.ontology import DATA_PROPERTIES, IK, PREFIXES, edge_terms
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS

__all__ = [
    "ABSOLUTE_IRI",
    "NOT_IN_IRI",
    "Iris",
    "check_base",
    "curie",
    "decode_id",
    "encode_id",
    "ontology_classes",
    "ontology_predicates",
]

#: A source text that is itself an http(s) IRI names its entity directly.
ABSOLUTE_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_BASE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*[/#]$")
#: Characters an IRI cannot hold (RFC 3987; Turtle's IRIREF excludes them too).
NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def encode_id(node_id: str) -> str:
    """An id as the last segment of an IRI: percent-encoded, safe in every syntax.

    Everything but ASCII letters, digits, ``_`` and ``-`` is percent-encoded (UTF-8),
    dots and tildes too, and a leading ``-``: the result is a valid Turtle local
    name and a single IRI path segment, and :func:`decode_id` inverts it exactly.

    Parameters
    ----------
    node_id : str
        A node's id, any text.

    Returns
    -------
    str
        The IRI segment.

    Examples
    --------
    >>> encode_id("industry:gbt4754:C13")
    'industry%3Agbt4754%3AC13'
    >>> encode_id("-a.b 中")
    '%2Da%2Eb%20%E4%B8%AD'
    """
    enc = quote(node_id, safe="").replace(".", "%2E").replace("~", "%7E")
    return "%2D" + enc[1:] if enc.startswith("-") else enc


def decode_id(segment: str) -> str:
    """The id an :func:`encode_id` segment stands for.

    Parameters
    ----------
    segment : str
        The last segment of a node's IRI.

    Returns
    -------
    str
        The id, percent-decoded.

    Raises
    ------
    UnicodeDecodeError
        When the percent-encoded bytes are not UTF-8.

    Examples
    --------
    >>> decode_id("region%3A4101")
    'region:4101'
    >>> decode_id(encode_id("a.b/c 中"))
    'a.b/c 中'
    """
    return unquote(segment, errors="strict")


@dataclass(frozen=True)
class Iris:
    """Where a graph's nodes, relations and sources are named."""

    base: str

    @property
    def node(self) -> str:
        return self.base + "id/"

    @property
    def rel(self) -> str:
        return self.base + "rel/"

    @property
    def src(self) -> str:
        return self.base + "source/"


def check_base(base: str) -> Iris:
    """The names under ``base``, or an error saying what a usable base looks like.

    Parameters
    ----------
    base : str
        An absolute IRI ending in ``/`` or ``#``, with no spaces, quotes or angle
        brackets.

    Returns
    -------
    Iris
        Where nodes (``<base>id/``), relations (``<base>rel/``) and sources
        (``<base>source/``) are named.

    Raises
    ------
    InnokgError
        When ``base`` is not usable.

    Examples
    --------
    >>> check_base("https://data.example.org/kg/").rel
    'https://data.example.org/kg/rel/'
    >>> check_base("data.example.org")
    Traceback (most recent call last):
    ...
    innokg.graph.errors.InnokgError: base IRI 'data.example.org' is not usable: ...
    """
    if not _BASE_RE.match(base):
        raise InnokgError(
            f"base IRI {base!r} is not usable: give an absolute IRI ending in / or # "
            "with no spaces, quotes or angle brackets (e.g. https://data.example.org/kg/)"
        )
    return Iris(base)


def curie(iri: str) -> str:
    """``iri`` as a prefixed name where a prefix of the ontology fits, else ``<iri>``.

    Parameters
    ----------
    iri : str
        A full IRI.

    Returns
    -------
    str
        ``prefix:local`` for the ontology's prefixes (``ik``, ``rdf``, ``prov``...),
        else the IRI in angle brackets.

    Examples
    --------
    >>> curie("http://www.w3.org/ns/prov#wasDerivedFrom")
    'prov:wasDerivedFrom'
    >>> curie("https://example.org/x")
    '<https://example.org/x>'
    """
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


@cache
def ontology_predicates() -> dict[str, tuple[str, str]]:
    """Every predicate the reader understands: IRI -> (what, key)."""
    out: dict[str, tuple[str, str]] = {str(RDF.type): ("type", ""), str(RDFS.label): ("label", "")}
    for term in DATA_PROPERTIES.values():
        out[str(term.iri)] = ("prop", term.local)
    for etype in EDGE_TYPES:
        t = edge_terms(etype)
        out[str(t.link)] = ("link", etype)
        out[str(t.from_)] = ("end", "from_id")
        out[str(t.to)] = ("end", "to_id")
    return out


@cache
def ontology_classes() -> dict[str, tuple[str, str]]:
    """Every class the reader understands: IRI -> ("node", label) or ("edge", type)."""
    out = {str(IK[label]): ("node", label) for label in NODE_LABELS}
    out.update({str(edge_terms(t).relation): ("edge", t) for t in EDGE_TYPES})
    return out
