"""The embedded Cypher database (ladybug), inside a graph package.

The DDL is generated from :mod:`graph.schema`; tables are bulk-loaded with ``COPY``
from Parquet, never row by row.  Readers open the file read-only, which the engine
enforces: a write through a read-only connection fails in the database itself.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from graph.errors import StoreError
from graph.schema import EDGE_TYPES, NODE_LABELS, DType
from graph.validate import Tables

__all__ = ["EmbeddedStore", "create_database", "ddl"]

_TYPES: dict[DType, str] = {
    "string": "STRING",
    "int": "INT64",
    "year": "INT64",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
}


def ddl() -> list[str]:
    """The CREATE statements for every node label and edge type.

    >>> ddl()[0].startswith("CREATE NODE TABLE Enterprise(id STRING")
    True
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


def _lb() -> Any:
    import ladybug  # imported here: only building and querying need the engine

    return ladybug


def create_database(db_path: str | Path, tables: Tables) -> dict[str, str]:
    """Create the database at ``db_path`` and bulk-load ``tables`` into it.

    Returns the manifest fields that describe it.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    lb = _lb()
    db_path = Path(db_path)
    scratch = Path(tempfile.mkdtemp(prefix="innokg-copy-", dir=db_path.parent))
    try:
        db = lb.Database(str(db_path))
        conn = lb.Connection(db)
        for stmt in ddl():
            conn.execute(stmt)
        for label, df in tables.nodes.items():
            if len(df) == 0:
                continue
            f = scratch / f"n_{label}.parquet"
            pq.write_table(pa.Table.from_pandas(df, preserve_index=False), f)
            conn.execute(f"COPY {label} FROM '{f.as_posix()}'")
        id_label = pd.concat(
            [
                pd.Series(label, index=df["id"].to_numpy())
                for label, df in tables.nodes.items()
                if len(df)
            ]
        )
        for etype, df in tables.edges.items():
            if len(df) == 0:
                continue
            src = df["from_id"].map(id_label).to_numpy()
            dst = df["to_id"].map(id_label).to_numpy()
            for a, b in EDGE_TYPES[etype].endpoints:
                part = df[(src == a) & (dst == b)]
                if len(part) == 0:
                    continue
                f = scratch / f"e_{etype}_{a}_{b}.parquet"
                pq.write_table(pa.Table.from_pandas(part, preserve_index=False), f)
                conn.execute(f"COPY {etype} FROM '{f.as_posix()}' (from='{a}', to='{b}')")
        conn.close()
        db.close()
    except RuntimeError as exc:
        raise StoreError(f"could not build the embedded database: {exc}") from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"database": db_path.name}


class EmbeddedStore:
    """A connection to a package's embedded database.

    Parameters
    ----------
    db_path : path
        The database file (``graph.lbdb`` in a package).
    read_only : bool
        Open read-only (the default): the engine refuses every write.
    """

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
            raise StoreError(f"could not open {db_path}: {exc}") from exc
        self.read_only = read_only

    def run(self, query: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run one Cypher query with parameters and return its rows."""
        try:
            result = self._conn.execute(query, params or {})
        except RuntimeError as exc:
            raise StoreError(str(exc).strip()) from exc
        if isinstance(result, list):
            result = result[-1]
        return result.get_as_df()

    def close(self) -> None:
        self._conn.close()
        self._db.close()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
