"""The embedded Cypher database (ladybug), inside a graph package.

The DDL is generated from :mod:`innokg.graph.schema`; tables are bulk-loaded with ``COPY``
from Arrow tables in memory (the largest from Parquet), never row by row.  Readers open
the file read-only, which the engine enforces: a write through a read-only connection
fails in the database itself.
Several processes may read one database at once while none writes.

ladybug's Cypher differs from Neo4j's in a few places; the one adapter for them
is :func:`innokg.queries.library.adapt`, applied by the command line before a query
reaches :class:`EmbeddedStore`.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from innokg.graph.errors import QueryError, StoreError
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS, DType
from innokg.graph.stores.base import QueryRunner, edges_by_endpoints, engine_error, plain
from innokg.graph.validate import Tables

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EmbeddedStore", "create_database", "ddl", "engine_version"]

_TYPES: dict[DType, str] = {
    "string": "STRING",
    "int": "INT64",
    "year": "INT64",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
}


def ddl() -> list[str]:
    """The CREATE statements for every node label and edge type.

    Returns
    -------
    list of str
        One ``CREATE NODE TABLE`` per label (``id`` its primary key), then one
        ``CREATE REL TABLE`` per edge type with every pair of endpoint labels, in
        schema order; columns typed from the schema's dtypes.

    Examples
    --------
    >>> ddl()[0].startswith("CREATE NODE TABLE Enterprise(id STRING")
    True
    >>> print(next(s for s in ddl() if s.startswith("CREATE NODE TABLE Product(")))
    CREATE NODE TABLE Product(id STRING, name STRING, name_en STRING, source STRING, \
since INT64, until INT64, attributes STRING, PRIMARY KEY(id))
    >>> print(next(s for s in ddl() if s.startswith("CREATE REL TABLE SUPPLIES(")))
    CREATE REL TABLE SUPPLIES(FROM Enterprise TO Enterprise, source STRING, evidence STRING, \
method STRING, confidence DOUBLE, since INT64, until INT64, weight DOUBLE, product STRING, \
share DOUBLE)
    """
    out = []
    for label in NODE_LABELS.values():
        cols = ", ".join(f"{p.name} {_TYPES[p.dtype]}" for p in label.props)
        out.append(f"CREATE NODE TABLE {label.name}({cols}, PRIMARY KEY(id))")
    for etype in EDGE_TYPES.values():
        pairs = ", ".join(f"FROM {a} TO {b}" for a, b in etype.endpoints)
        cols = ", ".join(f"{p.name} {_TYPES[p.dtype]}" for p in etype.props)
        out.append(f"CREATE REL TABLE {etype.name}({pairs}, {cols})")
    return out


def engine_version() -> str:
    """The installed embedded engine's version (recorded in every package's manifest).

    Returns
    -------
    str
        The version of the installed ``ladybug`` distribution.  Its 0.x releases
        change the database's file format, so a package records the version that
        built it and :class:`EmbeddedStore` names both when they differ.

    Examples
    --------
    >>> engine_version()  # the installed ladybug's: a 0.x release
    '0...'
    """
    from importlib.metadata import version

    return version("ladybug")


def _built_with(db_path: Path) -> str | None:
    """The engine version the package beside ``db_path`` records, if any."""
    manifest = db_path.parent / "manifest.json"
    try:
        engine = json.loads(manifest.read_text(encoding="utf-8")).get("database_engine") or {}
    except (OSError, ValueError, AttributeError):
        return None
    found = engine.get("version") if isinstance(engine, dict) else None
    return str(found) if found else None


def _lb() -> Any:
    import ladybug  # imported here: only building and querying need the engine

    return ladybug


def create_database(db_path: str | Path, tables: Tables) -> dict[str, str]:
    """Create the database at ``db_path`` and bulk-load ``tables`` into it.

    Parameters
    ----------
    db_path : path
        The database file to create (``graph.lbdb`` in a package).
    tables : Tables
        Validated tables (see :func:`innokg.graph.validate.validate_tables`).

    Returns
    -------
    dict
        The manifest fields that describe the database.

    Raises
    ------
    StoreError
        When the engine refuses the DDL or a load (a database already at
        ``db_path``, for one).

    Examples
    --------
    >>> import os, tempfile
    >>> from innokg.graph.testing import make_tables
    >>> tables = make_tables(
    ...     {"Enterprise": [{"id": "E1", "name": "宇通客车"}, {"id": "E2", "name": "郑煤机"}]},
    ...     {"SUPPLIES": [("E2", "E1", {"product": "液压支架"})]},
    ... )
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = os.path.join(tmp.name, "graph.lbdb")
    >>> create_database(path, tables)
    {'database': 'graph.lbdb'}
    >>> with EmbeddedStore(path) as db:
    ...     db.run("MATCH (a)-[s:SUPPLIES]->(b) RETURN a.name, s.product, b.name")
      a.name s.product b.name
    0    郑煤机      液压支架   宇通客车
    >>> tmp.cleanup()
    """
    lb = _lb()
    db_path = Path(db_path)
    scratch = Path(tempfile.mkdtemp(prefix="innokg-copy-", dir=db_path.parent))
    try:
        # One checkpoint at the end instead of one after every COPY (a 10k-node load went
        # from 3.6 s to 2.0 s, the demo's from about 7 s to 2 s), and
        # an interrupted build is never swapped into place anyway.
        db = lb.Database(str(db_path), auto_checkpoint=False)
        conn = lb.Connection(db)
        for stmt in ddl():
            conn.execute(stmt)
        # each table is copied from memory as Arrow: writing every one to Parquet for the
        # engine to read back, the 1M demo's load took 18.7-18.9 s against 11.7-14.4 s
        for label, df in tables.nodes.items():
            if len(df) == 0:
                continue
            _copy(conn, f"COPY {label} FROM $rows", df, scratch)
        for etype, a, b, part in edges_by_endpoints(tables.nodes, tables.edges):
            _copy(conn, f"COPY {etype} FROM $rows (from='{a}', to='{b}')", part, scratch)
        conn.execute("CHECKPOINT")
        conn.close()
        db.close()
    except RuntimeError as exc:
        raise StoreError(f"could not build the embedded database: {exc}") from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"database": db_path.name}


#: Tables of more rows than this are handed to the engine as a Parquet file rather than
#: in memory: the engine's copy of an in-memory table stays beside it.  The 10M demo's
#: load peaks 3.2 GB higher with every table in memory, 2.2 GB with these on disk
#: (performance.md, the load rows' notes).
ROWS_IN_MEMORY = 4_000_000


def _copy(conn: Any, statement: str, df: pd.DataFrame, scratch: Path) -> None:
    """Run ``statement`` (a ``COPY ... FROM $rows``) on ``df``: as an Arrow table held
    for this call only or, above :data:`ROWS_IN_MEMORY` rows, as a Parquet file written
    in ``scratch``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = pa.Table.from_pandas(df, preserve_index=False)
    if len(df) <= ROWS_IN_MEMORY:
        conn.execute(statement, {"rows": rows})
        return
    f = scratch / "rows.parquet"
    pq.write_table(rows, f)
    del rows
    text = f.as_posix().replace("\\", "\\\\").replace("'", "\\'")
    conn.execute(statement.replace("$rows", f"'{text}'", 1))
    f.unlink()


_READ_ONLY_REFUSAL = "read-only database"
_RECOVERY = "recovery is pending"


class EmbeddedStore(QueryRunner):
    """A connection to a package's embedded database.

    Parameters
    ----------
    db_path : path
        The database file (``graph.lbdb`` in a package).
    read_only : bool
        Open read-only (the default): the engine refuses every write.

    Examples
    --------
    >>> with EmbeddedStore("innokg-demo/graph.lbdb") as db:  # doctest: +SKIP
    ...     db.run("MATCH (e:Enterprise) RETURN count(e) AS n")
         n
    0  984
    """

    dialect = "embedded"

    def __init__(self, db_path: str | Path, *, read_only: bool = True) -> None:
        db_path = Path(db_path)
        if not db_path.exists():
            raise StoreError(
                f"{db_path} does not exist: this package has no embedded database; "
                "rebuild it with `innokg build` or `innokg demo`"
            )
        lb = _lb()
        try:
            self._db = lb.Database(str(db_path), read_only=read_only)
            self._conn = lb.Connection(self._db)
        except RuntimeError as exc:
            hint = ""
            if _RECOVERY in str(exc) or "lock" in str(exc).lower():
                hint = "; another process is writing to it: retry when it has finished"
            built = _built_with(db_path)
            if built and built != engine_version():
                hint += (
                    f"; the database was built with ladybug {built} and this innokg has "
                    f"ladybug {engine_version()}, whose 0.x file formats differ: rebuild the "
                    f"package (innokg build / innokg henan / innokg demo), or install "
                    f"ladybug=={built}"
                )
            raise StoreError(f"could not open {db_path}: {str(exc).strip()}{hint}") from exc
        self.path = db_path
        self.read_only = read_only

    def describe(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"embedded database {self.path} ({mode})"

    def _reconnect(self) -> None:
        # ladybug caches a failed prepared statement per connection, and a schema
        # change leaves stale plans behind: start afresh after either.
        self._conn.close()
        self._conn = _lb().Connection(self._db)

    def _execute(
        self, query: str, params: dict[str, Any], limit: int | None
    ) -> tuple[list[str], list[list[Any]]]:
        try:
            result = self._conn.execute(query, params)
        except RuntimeError as exc:
            self._reconnect()
            if _READ_ONLY_REFUSAL in str(exc):
                raise QueryError(
                    "refused by the database: it is open read-only and this query writes; "
                    "add --write to change the data"
                ) from exc
            raise engine_error(query, str(exc)) from exc
        if isinstance(result, list):  # several statements: the last one answers
            for earlier in result[:-1]:
                earlier.close()
            result = result[-1]
        try:
            columns = list(result.get_column_names())
            rows = result.get_n(limit) if limit is not None else result.get_all()
        finally:
            result.close()
        if not self.read_only:
            self._reconnect()
        return columns, [[plain(v) for v in row] for row in rows]

    def close(self) -> None:
        """Close the connection and the database file.

        A store is also a context manager, which closes it on leaving the block.

        Examples
        --------
        >>> import os, tempfile
        >>> from innokg.graph.testing import make_tables
        >>> tmp = tempfile.TemporaryDirectory()
        >>> path = os.path.join(tmp.name, "graph.lbdb")
        >>> _ = create_database(path, make_tables({"Region": [{"id": "r1", "name": "Zhengzhou"}]}))
        >>> db = EmbeddedStore(path, read_only=False)
        >>> db.run("MATCH (r:Region {id: 'r1'}) SET r.name = '郑州市' RETURN r.name AS name")
          name
        0  郑州市
        >>> db.close()
        >>> with EmbeddedStore(path) as db:
        ...     db.run("MATCH (r:Region) RETURN r.id AS id, r.name AS name")
           id name
        0  r1  郑州市
        >>> tmp.cleanup()
        """
        self._conn.close()
        self._db.close()
