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
import pyarrow as pa
import pyarrow.compute as pc

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
    r"(?![\w.])(?!\s*:)",
    re.IGNORECASE,
)
_ALIAS_BEFORE_RE = re.compile(r"\bAS\s+$", re.IGNORECASE)
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

    Parameters
    ----------
    query : str
        Cypher text.  An unclosed string or block comment is blanked to the end.

    Returns
    -------
    str
        ``query`` with every character inside ``'...'``, ``"..."`` and ```...```
        turned into a space (the quotes themselves kept), and every ``// ...`` and
        ``/* ... */`` comment into spaces; line breaks are kept.

    Examples
    --------
    >>> mask('RETURN "a // b" /* SET */, `d e`')
    'RETURN "      "          , `   `'
    >>> mask("MATCH (n) // first\\nRETURN n")
    'MATCH (n)         \\nRETURN n'
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
    """The ``$parameters`` a query names, in order of first use.

    Parameters
    ----------
    query : str
        Cypher text.  A ``$name`` inside a string or a comment is not a parameter.

    Returns
    -------
    list of str
        Each name once: ``$id`` gives ``id``, ``$1`` gives ``1`` and a backticked
        ``$`odd name``` gives ``odd name``.

    Examples
    --------
    >>> parameter_names("MATCH (n) WHERE n.id = $id OR n.name = $`名 称` RETURN $1, $id")
    ['id', '名 称', '1']
    >>> parameter_names("MATCH (n {name: 'costs $5'}) RETURN n  // $unused")
    []
    """
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
    """The write clauses in a query's text (outside strings and comments).

    Parameters
    ----------
    query : str
        Cypher text.

    Returns
    -------
    list of str
        The clauses found (``CREATE``, ``SET``, ``DETACH``, ``LOAD EXTENSION``, ...),
        upper case, each once, in order of first use.  A property or a variable that
        merely looks like one (``n.set``, ``created``) is not a clause.

    Examples
    --------
    >>> write_clauses("MATCH (n) DETACH DELETE n")
    ['DETACH', 'DELETE']
    >>> write_clauses("MATCH (n) RETURN n.created, 'SET' // CREATE")
    []
    >>> write_clauses("MATCH (n) RETURN n.set AS set")
    []
    """
    masked = mask(query)
    found = [
        " ".join(m.group(1).upper().split())
        for m in _WRITE_RE.finditer(masked)
        if not _ALIAS_BEFORE_RE.search(masked, 0, m.start())  # "... AS set" names a column
    ]
    return list(dict.fromkeys(found))


def check_parameters(query: str, params: dict[str, Any]) -> None:
    """Raise :class:`QueryError` naming every ``$parameter`` not in ``params``.

    Parameters
    ----------
    query : str
        Cypher text.
    params : dict
        The parameters given, by name.  Extra ones are not an error.

    Raises
    ------
    QueryError
        Naming the missing parameters and how to give them on the command line.

    Examples
    --------
    >>> check_parameters("MATCH (n {id: $id}) RETURN n", {"id": "E1", "unused": 1})
    >>> check_parameters("MATCH (n {id: $id}) WHERE n.size = $size RETURN n", {})
    Traceback (most recent call last):
    ...
    innokg.graph.errors.QueryError: the query needs parameter(s) $id, $size; give them with \
--param id=VALUE --param size=VALUE
    """
    missing = [p for p in parameter_names(query) if p not in params]
    if missing:
        names = ", ".join(f"${p}" for p in missing)
        how = " ".join(f"--param {p}=VALUE" for p in missing)
        raise QueryError(f"the query needs parameter(s) {names}; give them with {how}")


def refuse_writes(query: str) -> None:
    """Raise :class:`QueryError` when the query's text holds a write clause.

    Parameters
    ----------
    query : str
        Cypher text (checked with :func:`write_clauses`).

    Raises
    ------
    QueryError
        Naming the write clauses found.

    Examples
    --------
    >>> refuse_writes("MATCH (n) RETURN n.set AS flag")
    >>> refuse_writes("MATCH (n:Enterprise) SET n.size = 'large'")
    Traceback (most recent call last):
    ...
    innokg.graph.errors.QueryError: refused: this query writes (SET) and the store is open \
read-only; add --write to change the data
    """
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

    Parameters
    ----------
    query : str
        The query the engine refused.
    message : str
        The engine's message; only its first non-blank line is kept, and the
        position is read in the forms the embedded engine, ArcadeDB and Neo4j write.
    prefix : str
        What the message starts with.

    Returns
    -------
    QueryError
        The error to raise (it is returned, not raised, so that the caller can
        raise it ``from`` the engine's exception).

    Examples
    --------
    >>> query = "MATCH (e:Enterprise RETURN e"
    >>> print(engine_error(query, "Parser exception: Invalid input (line: 1, offset: 20)"))
    the database refused the query: Parser exception: Invalid input (line: 1, offset: 20)
    at line 1, column 21:
      MATCH (e:Enterprise RETURN e
                          ^
    >>> print(engine_error("RETURN x", "Variable `x` not defined\\nmore detail", prefix="refused"))
    refused: Variable `x` not defined
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

    Parameters
    ----------
    value : object
        One cell of an engine's result: a scalar, a list, a dict, a node, an edge or
        a path, nested to any depth.

    Returns
    -------
    object
        The same value with every node, edge and path made plain (tuples become
        lists); anything else is returned as it is.

    Examples
    --------
    >>> node = {"_ID": {"offset": 0, "table": 0}, "_LABEL": "Enterprise",
    ...         "id": "E1", "name": "宇通客车", "size": None}
    >>> plain(node)
    {'_label': 'Enterprise', 'id': 'E1', 'name': '宇通客车'}
    >>> from decimal import Decimal
    >>> plain([Decimal("12"), Decimal("2.5"), ("a", 1)])
    [12, 2.5, ['a', 1]]
    >>> plain({"_NODES": [{"_LABEL": "Region", "id": "r1"}], "_RELS": []})
    {'nodes': [{'_label': 'Region', 'id': 'r1'}], 'relationships': []}
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

        Examples
        --------
        A store of two enterprises in a temporary folder (the embedded database;
        a :class:`~innokg.graph.stores.neo4j.Neo4jStore` answers the same):

        >>> import os, tempfile
        >>> from innokg.graph.stores.embedded import EmbeddedStore, create_database
        >>> from innokg.graph.testing import make_tables
        >>> tables = make_tables(
        ...     {"Enterprise": [{"id": "E1", "name": "宇通客车", "size": "large"},
        ...                     {"id": "E2", "name": "郑煤机"}],
        ...      "Region": [{"id": "region:4101", "name": "郑州市"}]},
        ...     {"LOCATED_IN": [("E1", "region:4101"), ("E2", "region:4101")]},
        ... )
        >>> tmp = tempfile.TemporaryDirectory()
        >>> path = os.path.join(tmp.name, "graph.lbdb")
        >>> _ = create_database(path, tables)
        >>> store = EmbeddedStore(path)
        >>> store.run(
        ...     "MATCH (e:Enterprise)-[:LOCATED_IN]->(:Region {id: $region}) "
        ...     "RETURN e.id AS id, e.size AS size ORDER BY id",
        ...     {"region": "region:4101"},
        ... )
           id   size
        0  E1  large
        1  E2   None
        >>> store.run("MATCH (e:Enterprise {id: 'E1'}) RETURN e").loc[0, "e"]
        {'_label': 'Enterprise', 'id': 'E1', 'name': '宇通客车', 'source': 'test', 'size': 'large'}
        >>> len(store.run("MATCH (e:Enterprise) RETURN e.id", limit=1))
        1
        >>> store.run("MATCH (e:Enterprise {id: $id}) RETURN e")
        Traceback (most recent call last):
        ...
        innokg.graph.errors.QueryError: the query needs parameter(s) $id; give them with \
--param id=VALUE
        >>> store.run("MATCH (e:Enterprise) DETACH DELETE e")
        Traceback (most recent call last):
        ...
        innokg.graph.errors.QueryError: refused: this query writes (DETACH, DELETE) and the \
store is open read-only; add --write to change the data
        >>> store.close()
        >>> tmp.cleanup()
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
        """Where this store is, for messages (never with credentials).

        Returns
        -------
        str
            The kind of store, its file or redacted server address, and whether it
            is open read-only.

        Examples
        --------
        >>> import os, tempfile
        >>> from innokg.graph.stores.embedded import EmbeddedStore, create_database
        >>> from innokg.graph.testing import make_tables
        >>> tmp = tempfile.TemporaryDirectory()
        >>> path = os.path.join(tmp.name, "graph.lbdb")
        >>> _ = create_database(path, make_tables({"Region": [{"id": "r1", "name": "郑州市"}]}))
        >>> with EmbeddedStore(path) as store:
        ...     print(store.describe())
        embedded database /.../graph.lbdb (read-only)
        >>> tmp.cleanup()
        """

    @abstractmethod
    def close(self) -> None:
        """Release the database or the connection.

        A store is also a context manager, which closes it on leaving the block.

        Examples
        --------
        >>> import os, tempfile
        >>> from innokg.graph.stores.embedded import EmbeddedStore, create_database
        >>> from innokg.graph.testing import make_tables
        >>> tmp = tempfile.TemporaryDirectory()
        >>> path = os.path.join(tmp.name, "graph.lbdb")
        >>> _ = create_database(path, make_tables({"Region": [{"id": "r1", "name": "郑州市"}]}))
        >>> store = EmbeddedStore(path)
        >>> store.run("MATCH (r:Region) RETURN r.name AS name")
          name
        0  郑州市
        >>> store.close()
        >>> tmp.cleanup()
        """

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

    Parameters
    ----------
    nodes : mapping of str to DataFrame
        The node tables by label, each with an ``id`` column.
    edges : mapping of str to DataFrame
        The edge tables by type, each with ``from_id`` and ``to_id``.

    Yields
    ------
    tuple of (str, str, str, DataFrame)
        The edge type, the label of the rows' start, the label of their end, and
        those rows (a slice of the edge table, its index kept).

    Examples
    --------
    >>> from innokg.graph.testing import make_tables
    >>> tables = make_tables(
    ...     {"Enterprise": [{"id": "E1", "name": "宇通客车"}, {"id": "E2", "name": "郑煤机"}],
    ...      "ResearchInstitute": [{"id": "R1", "name": "郑州大学"}],
    ...      "Region": [{"id": "region:4101", "name": "郑州市"}]},
    ...     {"LOCATED_IN": [("E1", "region:4101"), ("R1", "region:4101"),
    ...                     ("E2", "region:4101")]},
    ... )
    >>> for etype, a, b, rows in edges_by_endpoints(tables.nodes, tables.edges):
    ...     print(etype, a, b, rows["from_id"].tolist())
    LOCATED_IN Enterprise Region ['E1', 'E2']
    LOCATED_IN ResearchInstitute Region ['R1']
    """
    from innokg.graph.schema import EDGE_TYPES

    known: dict[str, pa.Array] = {}
    sizes = {label: len(df) for label, df in nodes.items()}

    def labels_of(ids: pd.Series, labels: set[str]) -> tuple[list[str], np.ndarray]:
        """The labels, largest first, and each id's place among them."""
        by_size = sorted(labels, key=lambda x: (-sizes.get(x, 0), x))
        out = np.zeros(len(ids), dtype=np.int8)
        for i, label in enumerate(by_size[1:], start=1):
            if label not in known:
                column = nodes[label]["id"] if label in nodes else pd.Series([], dtype="string")
                known[label] = _text(column)
            out[_among(ids, known[label])] = i
        return by_size, out

    for etype, df in edges.items():
        if len(df) == 0:
            continue
        pairs = EDGE_TYPES[etype].endpoints
        if len(pairs) == 1:
            yield etype, pairs[0][0], pairs[0][1], df
            continue
        src_labels, src = labels_of(df["from_id"], {a for a, _ in pairs})
        dst_labels, dst = labels_of(df["to_id"], {b for _, b in pairs})
        for a, b in pairs:
            part = df[(src == src_labels.index(a)) & (dst == dst_labels.index(b))]
            if len(part):
                yield etype, a, b, part


def _text(values: pd.Series) -> pa.Array:
    """Ids as one Arrow array of text (every id is a string in validated tables)."""
    return pa.array(values.astype("string").array, type=pa.large_string())


def _among(ids: pd.Series, known: pa.Array) -> np.ndarray:
    """Which ``ids`` are in ``known``, hashed by Arrow (pandas' ``get_indexer`` turned
    five million Arrow strings into Python objects first: most of a 1M load's split)."""
    found = pc.is_in(_text(ids), value_set=known)
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)
