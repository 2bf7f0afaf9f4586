"""The ``rdf`` source kind: RDF that uses innokg's ontology, in any common syntax.

``innokg build rdf:graph.ttl --out my-graph`` reads Turtle, N-Triples, TriG,
N-Quads, JSON-LD or RDF/XML (by suffix; ``.gz`` is unpacked) into raw tables, which
validation then checks like any other source.  What ``innokg export`` writes comes
back unchanged; RDF from elsewhere is read when it types its resources with the
ontology's classes (see ``docs/rdf.md``).

Reading is safe for untrusted files: nothing is fetched from the network (a remote
JSON-LD context is refused unless it is innokg's own, which is known locally; XML
entity declarations are refused), and the bytes, triples and literal lengths read
are bounded (:data:`innokg.graph.rdf.MAX_RDF_BYTES`, ...).

Examples
--------
>>> looks_like_rdf(Path("graph.ttl.gz")), looks_like_rdf(Path("tables/"))
(True, False)
"""

from __future__ import annotations

from pathlib import Path

from innokg.graph.errors import SourceError
from innokg.graph.rdf import IMPORT_SUFFIXES, read_rdf
from innokg.loaders.base import SourceTables

__all__ = ["looks_like_rdf", "read_rdf_source"]


def looks_like_rdf(path: Path) -> bool:
    """True for a file whose suffix names an RDF syntax (``.ttl``, ``.nt.gz``, ...).

    Parameters
    ----------
    path : Path
        The file given as a source; a folder is never RDF, a path that does not exist
        yet is judged by its suffix.

    Examples
    --------
    >>> looks_like_rdf(Path("graph.jsonld")), looks_like_rdf(Path("graph.csv"))
    (True, False)
    """
    name = path.name.lower().removesuffix(".gz")
    return any(name.endswith(suffix) for suffix in IMPORT_SUFFIXES) and (
        path.is_file() or not path.exists()
    )


def read_rdf_source(path: str | Path) -> SourceTables:
    """Read an RDF file into raw tables, one per label and edge type.

    Parameters
    ----------
    path : str or Path
        One file in a syntax its suffix names (see :func:`looks_like_rdf`).

    Returns
    -------
    SourceTables
        The tables of :func:`innokg.graph.rdf.read_rdf`, each file of rows named
        ``<file>[<Label>]`` in the ledger; ``notes["triples"]`` counts the triples.

    Raises
    ------
    SourceError
        When the file is missing, too large, not RDF, or refers to remote content.

    Examples
    --------
    What ``innokg export`` writes comes back as the same rows:

    >>> import tempfile
    >>> from innokg.graph.rdf import export_package
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     nodes={"Region": [{"id": "region:4101", "name": "郑州市", "code": "4101"}],
    ...            "Enterprise": [{"id": "e1", "name": "宇通客车"}]},
    ...     edges={"LOCATED_IN": [("e1", "region:4101")]})
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "graph.ttl"
    >>> _ = export_package(G, path, format="ttl")
    >>> src = read_rdf_source(path)
    >>> src.nodes["Region"][["id", "name", "level", "code", "source"]].values.tolist()
    [['region:4101', '郑州市', 'city', '4101', 'test']]
    >>> src.edges["LOCATED_IN"][["from_id", "to_id", "evidence"]].values.tolist()
    [['e1', 'region:4101', 'observed']]
    >>> src.rows_read, src.notes["triples"], src.warnings
    (3, 18, [])
    >>> tmp.cleanup()
    """
    path = Path(path)
    if path.is_dir():
        raise SourceError(f"{path}: an rdf source is one file (.ttl, .nt, .jsonld, .trig, ...)")
    raw = read_rdf(path)
    source = SourceTables(
        kind="rdf",
        path=str(path),
        nodes=raw.nodes,
        edges=raw.edges,
        rows_read=sum(raw.files.values()),
        warnings=list(raw.warnings),
    )
    for file, rows in raw.files.items():
        source.ledger.open(file, rows)
    source.notes["triples"] = raw.triples
    return source
