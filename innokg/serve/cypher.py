"""The explorer's Cypher: read-only queries on the package's embedded database.

:class:`Cypher` is part of :class:`innokg.serve.explorer.Explorer` (a mixin: it uses
the explorer's graph, summaries and the database path it found).  One connection,
opened on first use, read-only, with a time limit on every query; one query at a time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from innokg.graph.errors import QueryError
from innokg.graph.schema import NODE_LABELS
from innokg.graph.stores.embedded import EmbeddedStore
from innokg.serve.limits import LIMITS, NotReady

__all__ = ["Cypher"]


class Cypher:
    """Read-only Cypher and the library's named queries."""

    G: Any
    database: Path | None
    cypher_seconds: float
    _store: Any

    def _open_store(self) -> Any:
        if self.database is None:
            raise NotReady(
                "this package has no embedded database, so Cypher is unavailable; rebuild "
                "it with `innokg build` (without --no-database) or `innokg demo`"
            )
        if self._store is None:
            self._store = _TimedStore(self.database, self.cypher_seconds)
        return self._store

    def library(self) -> list[dict[str, Any]]:
        """The library's named queries, with the example values that fit this graph."""
        from innokg.queries.library import example_graph, load_library

        which = example_graph(self.G.manifest)
        out = []
        for q in load_library().values():
            out.append(
                {
                    "name": q.name,
                    "title_zh": q.title_zh,
                    "title_en": q.title_en,
                    "description_en": q.description_en,
                    "params": [
                        {"name": p.name, "type": p.type, "required": p.required, "en": p.en}
                        for p in q.params
                    ],
                    "example": _jsonable(q.examples(which)),
                    "text": q.text_for("neo4j"),
                }
            )
        return out

    def cypher(
        self,
        query: str | None = None,
        params: dict[str, Any] | None = None,
        *,
        name: str | None = None,
        limit: int | None = None,
    ) -> tuple[pd.DataFrame, bool]:
        """Run a read-only query (its text, or a library query by ``name``).

        Returns the rows (at most ``limit``) and whether there were more.
        """
        from innokg.queries.library import adapt, get_query, run_query

        cap = min(int(limit or LIMITS["cypher_rows"]), LIMITS["cypher_rows"])
        params = dict(params or {})
        if (query is None) == (name is None):
            raise QueryError("give a query's text or the name of a library query, not both")
        with self._store_lock:  # one query at a time on the one connection
            store = self._open_store()
            try:
                if name is not None:
                    df = run_query(store, get_query(name), params, limit=cap + 1)
                else:
                    df = store.run(adapt(str(query), store.dialect), params, limit=cap + 1)
            except QueryError as exc:
                if "Interrupted" in str(exc):
                    raise QueryError(
                        f"the query ran for more than {self.cypher_seconds:g} s and was "
                        "stopped; narrow its MATCH or add a LIMIT"
                    ) from None
                raise
        return df.head(cap), len(df) > cap

    def cypher_graph(self, df: pd.DataFrame) -> dict[str, Any]:
        """The nodes a result returns (values with an ``id``) and the edges among them."""
        found: dict[str, None] = {}

        def walk(value: Any) -> None:
            if len(found) >= LIMITS["cypher_graph"]:
                return
            if isinstance(value, dict):
                if "_label" in value and "id" in value and value["_label"] in NODE_LABELS:
                    found[str(value["id"])] = None
                for v in value.values():
                    if isinstance(v, dict | list):
                        walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)

        for value in df.to_numpy().ravel().tolist():
            walk(value)
        if not found:
            return {"nodes": [], "edges": []}
        pos = self.lookup(list(found))
        pos = pos[pos >= 0]
        nodes = self.summaries(pos.tolist())
        return {"nodes": nodes, "edges": self.edges_among([n["id"] for n in nodes])["edges"]}

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class _TimedStore(EmbeddedStore):
    """The package's embedded database, read-only, with a time limit on every query.

    :class:`~innokg.graph.stores.embedded.EmbeddedStore` has no time limit of its own,
    so the limit is set on its connection, and again after each reconnection (the
    store reconnects after a failed query).
    """

    def __init__(self, path: Path, seconds: float) -> None:
        super().__init__(path, read_only=True)
        self._ms = max(1, int(seconds * 1000))
        self._conn.set_query_timeout(self._ms)

    def _reconnect(self) -> None:
        super()._reconnect()
        self._conn.set_query_timeout(self._ms)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
