"""An rdflib store that files each triple by subject, for reading RDF into tables.

Filling rdflib's own stores indexes every triple three ways; reading into tables only
needs each subject's class, values and links, so :class:`Collector` keeps just those,
and counts the triples whose predicate the ontology does not know.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Iterator
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.store import Store

from innokg.graph.errors import SourceError
from innokg.graph.rdf.iris import NOT_IN_IRI, ontology_classes, ontology_predicates
from innokg.graph.rdf.safety import NotAnIri

__all__ = ["Collector", "IriKey"]


class Collector(Store):
    """An rdflib store that files each triple by subject instead of indexing it."""

    context_aware = True
    graph_aware = True

    def __init__(self, name: str, max_triples: int, max_literal: int) -> None:
        super().__init__()
        self.name, self.max_triples, self.max_literal = name, max_triples, max_literal
        self.count = 0
        self.types: dict[str, set[tuple[str, str]]] = {}
        self.values: dict[str, list[tuple[str, str]]] = {}
        self.links: list[tuple[str, str, str]] = []
        self.labels: dict[str, str] = {}
        self.ignored: Counter[str] = Counter()
        self._preds = ontology_predicates()
        self._classes = ontology_classes()
        self._ns: dict[str, URIRef] = {}

    def add(self, triple: Any, context: Any = None, quoted: bool = False) -> None:
        s, p, o = triple
        for term in (s, p, o):
            if isinstance(term, URIRef) and NOT_IN_IRI.search(term):
                raise NotAnIri(self.name, str(term))
        if isinstance(o, Literal):
            self.put(_node_key(s), str(p), str(o), None)
        else:
            self.put(_node_key(s), str(p), None, _node_key(o))

    def put(self, subject: str, predicate: str, literal: str | None, node: str | None) -> None:
        """File one triple whose object is ``literal`` (its lexical form) or ``node``."""
        self.count += 1
        if self.count > self.max_triples:
            raise SourceError(
                f"{self.name}: more than {self.max_triples:,} triples; refused as too large"
            )
        what, key = self._preds.get(predicate, ("", ""))
        if what == "type":
            cls = self._classes.get(node or "")
            if cls is not None:
                self.types.setdefault(subject, set()).add(cls)
            return
        if not what:
            self.ignored[predicate] += 1
            return
        if literal is not None:
            if len(literal) > self.max_literal:
                raise SourceError(
                    f"{self.name}: a literal of {len(literal):,} characters on {subject} "
                    f"(limit {self.max_literal:,})"
                )
            value: str = literal
        else:
            value = node or ""
        if what == "label":
            self.labels.setdefault(subject, value)
        elif what == "link":
            self.links.append((key, subject, value))
        else:
            self.values.setdefault(subject, []).append((key, value))

    def addN(self, quads: Any) -> None:
        for s, p, o, _ in quads:
            self.add((s, p, o))

    def bind(self, prefix: str, namespace: Any, override: bool = True) -> None:
        self._ns[prefix] = URIRef(namespace)

    def namespace(self, prefix: str) -> URIRef | None:
        return self._ns.get(prefix)

    def prefix(self, namespace: Any) -> str | None:
        return next((k for k, v in self._ns.items() if v == namespace), None)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        yield from self._ns.items()

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        return iter(())

    def __len__(self, context: Any = None) -> int:
        return self.count

    def contexts(self, triple: Any = None) -> Generator[Graph, None, None]:
        yield from ()

    def add_graph(self, graph: Any) -> None:
        return None


class IriKey(str):
    """A subject or object that was an IRI or blank node (not a literal)."""

    __slots__ = ()


def _node_key(term: Any) -> str:
    if isinstance(term, BNode):
        return IriKey("_:" + str(term))
    return IriKey(str(term))
