"""The one adapter between Cypher dialects: Neo4j's, in which the query library is
written, and the embedded engine's (ladybug).

:func:`adapt` rewrites the few constructs ladybug spells differently; this is the only
place such differences are handled.  :func:`innokg.queries.library.LibraryQuery.text_for`
applies it, and :mod:`innokg.queries.library` re-exports it.
"""

from __future__ import annotations

import re
from typing import Any

from innokg.graph.errors import QueryError
from innokg.graph.stores.base import mask

__all__ = ["adapt"]

# ladybug (the embedded engine) spells four Neo4j constructs differently.  Each rule
# below rewrites one of them; text in strings and comments is never touched.
#
#   Neo4j                                  ladybug
#   type(r)                                label(r)
#   labels(n)[0]                           label(n)          (its lists count from 1)
#   shortestPath((a)-[:T*..6]-(b))         (a)-[:T* SHORTEST 1..6]-(b)
#   [x IN list WHERE p | e]                list_transform(list_filter(list, x -> p), x -> e)

_TYPE_RE = re.compile(r"(?<![\w.$`])type(\s*\()", re.IGNORECASE)
_LABELS0_RE = re.compile(r"(?<![\w.$`])labels\s*\(\s*(\w+)\s*\)\s*\[\s*0\s*\]", re.IGNORECASE)
_SHORTEST_RE = re.compile(r"(?<![\w.$`])shortestPath\s*\(", re.IGNORECASE)
_STAR_RE = re.compile(r"\*\s*(\d*)\s*(?:\.\.\s*(\d+))?\s*(?=[\]{])")
_COMPREHENSION_RE = re.compile(r"\[\s*([A-Za-z_]\w*)\s+IN\s+", re.IGNORECASE)


def _closing(masked: str, start: int, open_: str, close: str) -> int:
    """The index of the bracket closing the one at ``start``."""
    depth = 0
    for i in range(start, len(masked)):
        if masked[i] in "([{":
            depth += 1
        elif masked[i] in ")]}":
            depth -= 1
            if depth == 0:
                if masked[i] != close:
                    break
                return i
    raise QueryError(f"unbalanced {open_!r} at offset {start} of the query")


def _top_level(masked: str, lo: int, hi: int, pattern: re.Pattern[str]) -> re.Match[str] | None:
    depth = 0
    for i in range(lo, hi):
        c = masked[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0:
            m = pattern.match(masked, i, hi)
            if m and (i == lo or not (masked[i - 1].isalnum() or masked[i - 1] == "_")):
                return m
    return None


def _rewrite_shortest(query: str, masked: str) -> str | None:
    m = _SHORTEST_RE.search(masked)
    if not m:
        return None
    open_at = m.end() - 1
    close_at = _closing(masked, open_at, "(", ")")
    inner = query[open_at + 1 : close_at]

    def star(s: re.Match[str]) -> str:
        lo = s.group(1) or "1"
        hi = s.group(2) or (s.group(1) or "30")
        return f"* SHORTEST {lo}..{hi}"

    return query[: m.start()] + _STAR_RE.sub(star, inner, count=1) + query[close_at + 1 :]


def _rewrite_comprehension(query: str, masked: str) -> str | None:
    m = _COMPREHENSION_RE.search(masked)
    if not m:
        return None
    var = m.group(1)
    end = _closing(masked, m.start(), "[", "]")
    bar = _top_level(masked, m.end(), end, re.compile(r"\|"))
    stop = bar.start() if bar else end
    where = _top_level(masked, m.end(), stop, re.compile(r"WHERE\b", re.IGNORECASE))
    source = query[m.end() : where.start() if where else stop].strip()
    if where:
        pred = query[where.end() : stop].strip()
        source = f"list_filter({source}, {var} -> {pred})"
    out = f"list_transform({source}, {var} -> {query[bar.end() : end].strip()})" if bar else source
    return query[: m.start()] + out + query[end + 1 :]


def adapt(query: str, dialect: str) -> str:
    """``query`` (Neo4j's Cypher) as the store of ``dialect`` should run it.

    Only ``"embedded"`` needs changes (see the table above); any other dialect
    gets the query unchanged.  Pattern comprehensions (``[(a)-->(b) | b.id]``),
    ``COUNT { (a)-->(b) }`` without ``MATCH``, and functions ladybug lacks
    (``toString``, ``toInteger``) are not rewritten: the library avoids them.

    Parameters
    ----------
    query : str
        A query in Neo4j's Cypher.
    dialect : str
        The ``dialect`` of the store that will run it: ``"embedded"``, or ``"neo4j"``
        (and any other) for a Bolt server.

    Returns
    -------
    str
        The query to send; strings and comments in it are left as they were.

    Raises
    ------
    QueryError
        When a bracket of a rewritten construct is not closed.

    Examples
    --------
    >>> adapt("RETURN [x IN nodes(p) WHERE x.size = 'large' | x.id] AS ids", "embedded")
    "RETURN list_transform(list_filter(nodes(p), x -> x.size = 'large'), x -> x.id) AS ids"
    >>> adapt("MATCH p = shortestPath((a)-[:SUPPLIES*..6]-(b)) RETURN p", "embedded")
    'MATCH p = (a)-[:SUPPLIES* SHORTEST 1..6]-(b) RETURN p'
    >>> adapt("MATCH (n) WHERE n.note = 'type(x)' RETURN labels(n)[0] AS l", "embedded")
    "MATCH (n) WHERE n.note = 'type(x)' RETURN label(n) AS l"
    >>> adapt("MATCH (a)-[r]->(b) RETURN type(r) AS t", "neo4j")
    'MATCH (a)-[r]->(b) RETURN type(r) AS t'
    """
    if dialect != "embedded":
        return query
    query = _sub_masked(query, _LABELS0_RE, lambda m: f"label({m.group(1)})")
    for rule in (_rewrite_shortest, _rewrite_comprehension):
        for _ in range(1000):
            new = rule(query, mask(query))
            if new is None:
                break
            query = new
    return _sub_masked(query, _TYPE_RE, lambda m: "label" + m.group(1))


def _sub_masked(query: str, pattern: re.Pattern[str], repl: Any) -> str:
    """``pattern.sub`` on the query, skipping strings and comments."""
    out, last = [], 0
    for m in pattern.finditer(mask(query)):
        out.append(query[last : m.start()])
        out.append(repl(m))
        last = m.end()
    out.append(query[last:])
    return "".join(out)
