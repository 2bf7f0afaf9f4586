"""What every Cypher store offers, and the rules on query text they share.

Both stores (the embedded database and a Bolt server) implement
:class:`QueryRunner`: ``run(query, params, limit=...)`` returns a DataFrame of plain
Python values, so the same question gives the same table on either.  Before a query
reaches an engine, :meth:`QueryRunner.run` checks two things in its text, with
string literals, comments and backticked names blanked out by :func:`mask`:

- every ``$parameter`` it names is given (an engine may run a missing one as null);
- a read-only runner refuses write clauses (CREATE, MERGE, SET, DELETE, REMOVE, DROP,
  COPY, ...).  This is the first of two locks: each store also makes the engine
  itself refuse writes (a read-only database file; a read transaction that is never
  committed), so text that slips past this check still cannot change the data.

Examples
--------
>>> mask("MATCH (n {name: 'x $y'}) // $z")
"MATCH (n {name: '    '})      "
>>> parameter_names("MATCH (n) WHERE n.id = $id AND n.kind IN $kinds RETURN n")
['id', 'kinds']
>>> write_clauses("MATCH (n) SET n.x = 1 RETURN n.set")
['SET']
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from innokg.graph.errors import QueryError

__all__ = [
    "QueryRunner",
    "check_parameters",
    "edges_by_endpoints",
    "engine_error",
    "mask",
    "parameter_names",
    "plain",
    "refuse_writes",
    "write_clauses",
]

_WRITE_RE = re.compile(
    r"(?<![\w.$:|`])"
    r"(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|ALTER|COPY|FOREACH|INSTALL|UNINSTALL"
    r"|ATTACH|EXPORT|IMPORT|CHECKPOINT|BEGIN|COMMIT|ROLLBACK|LOAD\s+EXTENSION)"
    r"(?![\w])(?!\s*:)",
    re.IGNORECASE,
)
_PARAM_RE = re.compile(r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|(\d+)|(`[^`]*`))")
# Where engines put the position of an error: ladybug "(line: 1, offset: 20)",
# ArcadeDB "line 1:20", Neo4j "(line 1, column 21 (offset: 20))".
_POSITIONS = (
    (re.compile(r"\(line: (\d+), offset: (\d+)\)"), 0),
    (re.compile(r"line (\d+), column (\d+)"), 1),
    (re.compile(r"line (\d+):(\d+)"), 0),
)


def mask(query: str) -> str:
    """``query`` with the insides of strings, comments and backticks blanked.

    The result has the same length and line breaks, so positions found in it are
    positions in ``query``.
    """
    out = list(query)
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c in "'\"`":
            j = i + 1
            while j < n and query[j] != c:
                j += 2 if query[j] == "\\" and c != "`" else 1
            for k in range(i + 1, min(j, n)):
                out[k] = "\n" if query[k] == "\n" else " "
            i = j + 1
        elif query.startswith("//", i):
            j = query.find("\n", i)
            j = n if j < 0 else j
            out[i:j] = " " * (j - i)
            i = j
        elif query.startswith("/*", i):
            j = query.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                out[k] = "\n" if query[k] == "\n" else " "
            i = j
        else:
            i += 1
    return "".join(out)


def parameter_names(query: str) -> list[str]:
    """The ``$parameters`` a query names, in order of first use."""
    masked = mask(query)
    names: list[str] = []
    for m in _PARAM_RE.finditer(masked):
        if m.group(3) is not None:  # $`odd name`: read it from the original text
            name = query[m.start(3) + 1 : m.end(3) - 1]
        else:
            name = m.group(1) or m.group(2)
        if name not in names:
            names.append(name)
    return names


def write_clauses(query: str) -> list[str]:
    """The write clauses in a query's text (outside strings and comments)."""
    found = [" ".join(m.group(1).upper().split()) for m in _WRITE_RE.finditer(mask(query))]
    return list(dict.fromkeys(found))


def check_parameters(query: str, params: dict[str, Any]) -> None:
    """Raise :class:`QueryError` naming every ``$parameter`` not in ``params``."""
    missing = [p for p in parameter_names(query) if p not in params]
    if missing:
        names = ", ".join(f"${p}" for p in missing)
        how = " ".join(f"--param {p}=VALUE" for p in missing)
        raise QueryError(f"the query needs parameter(s) {names}; give them with {how}")


def refuse_writes(query: str) -> None:
    """Raise :class:`QueryError` when the query's text holds a write clause."""
    found = write_clauses(query)
    if found:
        raise QueryError(
            f"refused: this query writes ({', '.join(found)}) and the store is open "
            "read-only; add --write to change the data"
        )


def engine_error(
    query: str, message: str, *, prefix: str = "the database refused the query"
) -> QueryError:
    """One clean :class:`QueryError` from an engine's message, with the position.

    When the engine names a line and column, the line of the query is shown with a
    caret under the column.
    """
    lines = [ln.strip() for ln in str(message).strip().splitlines() if ln.strip()]
    first = lines[0] if lines else "unknown error"
    text = f"{prefix}: {first}"
    for pattern, base in _POSITIONS:
        m = pattern.search(str(message))
        if m:
            line_no, col = int(m.group(1)), int(m.group(2)) - base
            qlines = query.splitlines() or [""]
            if 1 <= line_no <= len(qlines):
                src = qlines[line_no - 1]
                col = max(0, min(col, len(src)))
                text += f"\nat line {line_no}, column {col + 1}:\n  {src}\n  {' ' * col}^"
            break
    return QueryError(text)


def plain(value: Any) -> Any:
    """An engine's value as plain Python: nodes and edges become property dicts.

    An embedded node or edge (a dict with ``_LABEL``) keeps its label as ``_label``
    and drops the engine's internal ids and its unset (null) properties, so that it
    reads the same as one from a Bolt server; a path becomes ``{"nodes": [...],
    "relationships": [...]}``; a 128-bit integer (ladybug's sums) becomes an int.
    """
    if isinstance(value, dict):
        if "_NODES" in value and "_RELS" in value:  # an embedded path
            return {"nodes": plain(value["_NODES"]), "relationships": plain(value["_RELS"])}
        if "_LABEL" in value:
            out = {"_label": value["_LABEL"]}
            out.update(
                (k, plain(v)) for k, v in value.items() if not k.startswith("_") and v is not None
            )
            return out
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):  # ladybug sums integers as INT128
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class QueryRunner(ABC):
    """A Cypher store that runs queries and returns tables.

    Subclasses set :attr:`dialect` (``"embedded"`` or ``"neo4j"``) and implement
    :meth:`_execute`; :meth:`run` adds the checks every store shares.
    """

    dialect: ClassVar[str]
    read_only: bool = True

    def run(
        self, query: str, params: dict[str, Any] | None = None, *, limit: int | None = None
    ) -> pd.DataFrame:
        """Run one Cypher query and return its rows.

        Parameters
        ----------
        query : str
            The query; values travel only as ``$parameters``.
        params : dict, optional
            The parameters' values.
        limit : int, optional
            Fetch at most this many rows.

        Returns
        -------
        DataFrame
            One column per returned name, in order, holding plain Python values
            (``object`` dtype; null is ``None``).

        Raises
        ------
        QueryError
            A missing parameter, a write on a read-only store, or the engine's error.
        """
        params = dict(params or {})
        if not query.strip():
            raise QueryError("the query is empty")
        check_parameters(query, params)
        if self.read_only:
            refuse_writes(query)
        columns, rows = self._execute(query, params, limit)
        return pd.DataFrame(rows, columns=columns, dtype=object)

    @abstractmethod
    def _execute(
        self, query: str, params: dict[str, Any], limit: int | None
    ) -> tuple[list[str], list[list[Any]]]:
        """Run the query on the engine; return column names and rows of values."""

    @abstractmethod
    def describe(self) -> str:
        """Where this store is, for messages (never with credentials)."""

    @abstractmethod
    def close(self) -> None:
        """Release the database or the connection."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def edges_by_endpoints(
    nodes: Mapping[str, pd.DataFrame], edges: Mapping[str, pd.DataFrame]
) -> Iterator[tuple[str, str, str, pd.DataFrame]]:
    """Every edge table split by the labels of its endpoints: ``(type, from label,
    to label, rows)``, empty parts left out.  Both stores load edges this way, as their
    engines need the two labels of a relationship.

    The tables must be validated (every endpoint a node of an allowed label).  A type
    with one pair of labels needs no look-up; otherwise each side's ids are looked up
    among its smaller labels only and the rest take the largest, which keeps the hash
    tables small.
    """
    from innokg.graph.schema import EDGE_TYPES

    indexes: dict[str, pd.Index] = {}
    sizes = {label: len(df) for label, df in nodes.items()}

    def labels_of(ids: pd.Series, labels: set[str]) -> np.ndarray:
        by_size = sorted(labels, key=lambda x: (-sizes.get(x, 0), x))
        out = np.full(len(ids), by_size[0], dtype=object)
        for label in by_size[1:]:
            if label not in indexes:
                known = nodes[label]["id"] if label in nodes else pd.Series([], dtype="string")
                indexes[label] = pd.Index(known)
            out[indexes[label].get_indexer(ids) >= 0] = label
        return out

    for etype, df in edges.items():
        if len(df) == 0:
            continue
        pairs = EDGE_TYPES[etype].endpoints
        if len(pairs) == 1:
            yield etype, pairs[0][0], pairs[0][1], df
            continue
        src = labels_of(df["from_id"], {a for a, _ in pairs})
        dst = labels_of(df["to_id"], {b for _, b in pairs})
        for a, b in pairs:
            part = df[(src == a) & (dst == b)]
            if len(part):
                yield etype, a, b, part
