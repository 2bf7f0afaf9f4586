"""A Neo4j server (or any Bolt server) as a Cypher store: run, push and pull.

This is the only module that imports the official ``neo4j`` driver.

- **Reading** happens in an explicit transaction opened in READ access mode (a
  cluster routes it to a reader; Neo4j refuses writes in it) that is never
  committed: it is always rolled back.  A server that does not enforce the access
  mode still reports what a query did, so a query whose summary shows a write is
  refused as well, and its changes are rolled back with the transaction.
- **Pushing** a package first creates a uniqueness constraint on ``id`` for every
  label (an index where the server has no constraints), then writes nodes and edges
  in batches of ``UNWIND $rows AS row MERGE ...``, one transaction per batch.
  MERGE makes it idempotent and resumable: pushing again changes nothing, and a
  push interrupted half-way completes when run again.  Parallel edges (same type,
  same endpoints) are told apart by ``_seq``, their rank in the package.
- **Pulling** reads every label and edge type of :mod:`innokg.graph.schema` back as raw
  tables, for validation like any other source.

Credentials are passed to the driver and nowhere else: not into messages, not into
packages.  A URI with an ``@`` anywhere in it is refused without being echoed (a
password holding ``#``, ``?`` or ``/`` would otherwise hide the ``@`` from a URL
parser).  Label, type and property names in the statements built here come from
:mod:`innokg.graph.schema` only; every value travels as a parameter.

The driver's own log lines (retries, dropped connections) go to the ``neo4j`` logger;
the library adds no handler (the ``innokg`` command line gives that logger a null
handler, so they never reach its terminal).  Its errors reach the user as one-line
messages instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from innokg.graph.errors import QueryError, StoreError
from innokg.graph.schema import EDGE_ENDPOINT_COLUMNS, EDGE_TYPES, NODE_LABELS
from innokg.graph.stores.base import QueryRunner, edges_by_endpoints, engine_error, plain

__all__ = ["SCHEMES", "Neo4jStore", "PushReport", "redact_uri"]

#: URI schemes the driver understands.
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

#: The property that tells parallel edges apart.
SEQ = "_seq"

Progress = Callable[[int], Any]


def redact_uri(uri: str) -> str:
    """The URI without any user or password in it, for messages and manifests.

    Everything up to the last ``@`` goes, however the URI is written: a password
    may hold ``#``, ``?`` or ``/``, which end a URL's host part early.

    Parameters
    ----------
    uri : str
        A Bolt or Neo4j URI as a user gave it, credentials and all.

    Returns
    -------
    str
        ``scheme://host:port/path``: no user, password, query or fragment.

    Examples
    --------
    >>> redact_uri("bolt://me:secret@db.example:7687")
    'bolt://db.example:7687'
    >>> redact_uri("bolt://me:se#cr?et@db.example:7687/x?q=1")
    'bolt://db.example:7687/x'
    >>> redact_uri("bolt:me:secret@db.example:7687")
    'bolt://db.example:7687'
    """
    scheme = urlsplit(uri).scheme
    rest = uri[len(scheme) + 1 :] if scheme else uri
    parts = urlsplit("//" + rest.rsplit("@", 1)[-1].lstrip("/"))
    return f"{scheme}://{parts.netloc}{parts.path}"


def _one_line(text: str) -> str:
    """A driver's message on one line (some span two)."""
    return " ".join(text.split())


@dataclass
class PushReport:
    """What a push did.

    ``schema`` lists one line per label: the constraint or index used, or why none.
    """

    nodes: int = 0
    edges: int = 0
    nodes_created: int = 0
    edges_created: int = 0
    batches: int = 0
    seconds: float = 0.0
    schema: list[str] = field(default_factory=list)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values, nulls left out (Neo4j stores no nulls)."""
    columns = {c: df[c].astype(object).tolist() for c in df.columns}
    out = []
    for i in range(len(df)):
        row = {}
        for c, values in columns.items():
            v = values[i]
            if v is not None and not (isinstance(v, float) and v != v) and v is not pd.NA:
                row[c] = v.item() if hasattr(v, "item") else v
        out.append(row)
    return out


def _batches(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _quote(name: str) -> str:
    """A schema name as a Cypher identifier."""
    return "`" + name.replace("`", "``") + "`"


class Neo4jStore(QueryRunner):
    """A database on a Neo4j (or other Bolt) server.

    Parameters
    ----------
    uri : str
        ``bolt://host:7687``, ``neo4j://...`` or a TLS variant; no credentials in it.
    user, password : str
        The credentials; used for the connection only.
    database : str, optional
        The database; the server's default when not given.
    read_only : bool
        Refuse writes (the default).

    Raises
    ------
    StoreError
        When the server cannot be reached or refuses the credentials.
    """

    dialect = "neo4j"

    def __init__(
        self,
        uri: str,
        *,
        user: str,
        password: str,
        database: str | None = None,
        read_only: bool = True,
    ) -> None:
        if "@" in uri:  # anywhere: '#', '?' or '/' in a password hide it from urlsplit
            raise StoreError(
                "put credentials in --user / NEO4J_USER and NEO4J_PASSWORD, not in the URI"
            )
        parts = urlsplit(uri)
        usage = "; use one of " + ", ".join(f"{s}://HOST:PORT" for s in SCHEMES)
        if parts.scheme not in SCHEMES or not parts.hostname:
            raise StoreError(f"{redact_uri(uri)!r} is not a Bolt URI{usage}")
        try:
            port = parts.port
        except ValueError:
            port = 0
        if port == 0:  # not a number, or out of range: say so without echoing it
            raise StoreError(f"the port in the URI is not a number from 1 to 65535{usage}")
        import neo4j

        self._neo4j = neo4j
        self.uri = uri
        self.database = database
        self.read_only = read_only
        self._secret = password
        try:
            self._driver = neo4j.GraphDatabase.driver(
                uri,
                auth=(user, password),
                user_agent="innokg",
                connection_timeout=15.0,
                notifications_min_severity="OFF",
            )
        except (ValueError, neo4j.exceptions.ConfigurationError) as exc:
            raise StoreError(f"cannot use {redact_uri(uri)}: {self._scrub(exc)}") from None
        try:
            with self._session(write=False) as session:  # reaches the server and database
                session.run("RETURN 1 AS ok").consume()
        except BaseException as exc:
            self._driver.close()
            raise self._store_error(exc) from None

    # --- messages ---------------------------------------------------------------------

    def _scrub(self, exc: BaseException | str) -> str:
        text = getattr(exc, "message", None) or str(exc)
        if len(self._secret) >= 4:  # a shorter one would garble messages, not hide much
            text = text.replace(self._secret, "***")
        return text.replace(self.uri, redact_uri(self.uri)).strip()

    def _store_error(self, exc: BaseException) -> BaseException:
        ex = self._neo4j.exceptions
        where = self.describe()
        if isinstance(exc, ex.AuthError):
            return StoreError(
                f"{where}: authentication failed; check the user (--user or NEO4J_USER) "
                "and the password (NEO4J_PASSWORD)"
            )
        if isinstance(exc, ex.Neo4jError) and "DatabaseNotFound" in (exc.code or ""):
            return StoreError(
                f"{where}: the server has no database {self.database!r}; "
                "name an existing one with --database"
            )
        if isinstance(exc, ex.ServiceUnavailable | ex.SessionExpired | OSError):
            return StoreError(
                f"cannot reach {where}: {_one_line(self._scrub(exc))}; is the server running?"
            )
        if isinstance(exc, ex.Neo4jError | ex.DriverError):
            return StoreError(f"{where}: {_one_line(self._scrub(exc))}")
        return exc

    def describe(self) -> str:
        db = f" (database {self.database})" if self.database else ""
        return f"{redact_uri(self.uri)}{db}"

    # --- queries ----------------------------------------------------------------------

    def _session(self, *, write: bool) -> Any:
        mode = self._neo4j.WRITE_ACCESS if write else self._neo4j.READ_ACCESS
        return self._driver.session(database=self.database, default_access_mode=mode)

    @staticmethod
    def _value(value: Any) -> Any:
        from neo4j.graph import Node, Path, Relationship

        if isinstance(value, Node):
            label = sorted(value.labels)[0] if value.labels else None
            return {"_label": label, **{k: Neo4jStore._value(v) for k, v in value.items()}}
        if isinstance(value, Relationship):
            return {"_label": value.type, **{k: Neo4jStore._value(v) for k, v in value.items()}}
        if isinstance(value, Path):
            return {
                "nodes": [Neo4jStore._value(n) for n in value.nodes],
                "relationships": [Neo4jStore._value(r) for r in value.relationships],
            }
        if isinstance(value, list):
            return [Neo4jStore._value(v) for v in value]
        if isinstance(value, dict):
            return {k: Neo4jStore._value(v) for k, v in value.items()}
        if hasattr(value, "to_native"):
            return value.to_native()
        return plain(value)

    def _execute(
        self, query: str, params: dict[str, Any], limit: int | None
    ) -> tuple[list[str], list[list[Any]]]:
        ex = self._neo4j.exceptions
        try:
            with self._session(write=not self.read_only) as session:
                tx = session.begin_transaction()
                try:
                    result = tx.run(query, params)
                    columns = list(result.keys())
                    rows: list[list[Any]] = []
                    for record in result:
                        if limit is not None and len(rows) >= limit:
                            break
                        rows.append([self._value(v) for v in record.values()])
                    summary = result.consume()
                    if self.read_only:
                        counters = summary.counters
                        if (
                            counters.contains_updates
                            or counters.contains_system_updates
                            or summary.query_type in ("w", "rw", "s")
                        ):
                            raise QueryError(
                                "refused by the server: this query writes, and the store is "
                                "read-only; its changes were rolled back. Add --write to "
                                "change the data"
                            )
                    else:
                        tx.commit()
                finally:
                    if tx.closed() is False:
                        tx.rollback()
        except (ex.CypherSyntaxError, ex.ClientError) as exc:
            if isinstance(exc, ex.AuthError) or "DatabaseNotFound" in (exc.code or ""):
                raise self._store_error(exc) from None
            raise engine_error(
                query, self._scrub(exc), prefix="the server refused the query"
            ) from None
        except ex.Neo4jError as exc:
            raise engine_error(query, self._scrub(exc), prefix="the server failed") from None
        except (ex.DriverError, OSError) as exc:
            raise self._store_error(exc) from None
        return columns, rows

    # --- push ----------------------------------------------------------------------------

    @staticmethod
    def _write(session: Any, statement: str, rows: list[dict[str, Any]]) -> Any:
        """One batch in one transaction (retried by the driver on transient errors)."""

        def work(tx: Any) -> Any:
            return tx.run(statement, rows=rows).consume().counters

        return session.execute_write(work)

    def _ensure_schema(self) -> list[str]:
        """A uniqueness constraint on ``id`` per label, else an index, else a note."""
        lines = []
        with self._session(write=True) as session:
            for label in NODE_LABELS:
                q = _quote(label)
                attempts = {
                    f"{label}: unique constraint on id": (
                        f"CREATE CONSTRAINT {_quote(f'innokg_{label}_id')} IF NOT EXISTS "
                        f"FOR (n:{q}) REQUIRE n.id IS UNIQUE"
                    ),
                    f"{label}: index on id (the server refused a constraint)": (
                        f"CREATE INDEX {_quote(f'innokg_{label}_id_index')} IF NOT EXISTS "
                        f"FOR (n:{q}) ON (n.id)"
                    ),
                }
                reasons = []
                for done, statement in attempts.items():
                    try:
                        session.run(statement).consume()
                        lines.append(done)
                        break
                    except self._neo4j.exceptions.Neo4jError as exc:
                        reasons.append(self._scrub(exc).splitlines()[0])
                else:
                    lines.append(
                        f"{label}: no constraint or index ({reasons[-1]}); MERGE will be slow"
                    )
        return lines

    def push(
        self,
        nodes: dict[str, pd.DataFrame],
        edges: dict[str, pd.DataFrame],
        *,
        batch_size: int = 2000,
        progress: Progress | None = None,
    ) -> PushReport:
        """Write a graph's tables to the server, idempotently.

        Parameters
        ----------
        nodes, edges : dict of str to DataFrame
            Validated tables, as in a graph package.
        batch_size : int
            Rows per transaction.
        progress : callable, optional
            Called with the number of rows written after each batch.

        Returns
        -------
        PushReport
            Rows written and created, batches, seconds, and the constraint or index
            used for each label.

        Raises
        ------
        QueryError
            When the store is read-only.
        StoreError
            When the server goes away or refuses a batch; the batches already
            written are kept, and pushing again completes the graph.

        Examples
        --------
        The lines that talk to a server are skipped when the examples run as tests
        (they need a Neo4j server and its password):

        >>> from innokg.graph.testing import make_graph
        >>> G = make_graph(
        ...     nodes={"Enterprise": [{"id": "E1", "name": "宇通客车"},
        ...                           {"id": "E2", "name": "郑煤机"}]},
        ...     edges={"SUPPLIES": [("E2", "E1", {"product": "液压支架"})]},
        ... )
        >>> db = Neo4jStore("bolt://localhost:7687", user="neo4j", password="...",
        ...                 read_only=False)  # doctest: +SKIP
        >>> report = db.push(G.nodes, G.edges)  # doctest: +SKIP
        >>> report.nodes, report.nodes_created, report.edges, report.edges_created  # doctest: +SKIP
        (2, 2, 1, 1)
        >>> again = db.push(G.nodes, G.edges)  # doctest: +SKIP
        >>> again.nodes_created, again.edges_created  # MERGE: nothing new  # doctest: +SKIP
        (0, 0)
        >>> db.close()  # doctest: +SKIP
        """
        if self.read_only:
            raise QueryError("refused: the store is read-only; open it with read_only=False")
        ex = self._neo4j.exceptions
        start = time.perf_counter()
        report = PushReport()
        try:
            report.schema = self._ensure_schema()
            with self._session(write=True) as session:
                self._push_tables(session, nodes, edges, batch_size, progress, report)
        except (ex.ServiceUnavailable, ex.SessionExpired, OSError) as exc:
            # the driver has already retried for its max_transaction_retry_time (30 s)
            raise StoreError(
                f"push to {self.describe()} stopped: the server went away "
                f"({_one_line(self._scrub(exc))}); the batches already written are kept; "
                "run the push again when the server is back to resume"
            ) from None
        except ex.AuthError as exc:
            raise self._store_error(exc) from None
        except ex.Neo4jError as exc:
            raise StoreError(
                f"push to {self.describe()} stopped: {_one_line(self._scrub(exc))}; the batch "
                "that failed was rolled back and earlier ones kept; run the push again to finish"
            ) from None
        except ex.DriverError as exc:
            raise self._store_error(exc) from None
        report.seconds = round(time.perf_counter() - start, 3)
        return report

    def _push_tables(
        self,
        session: Any,
        nodes: dict[str, pd.DataFrame],
        edges: dict[str, pd.DataFrame],
        batch_size: int,
        progress: Progress | None,
        report: PushReport,
    ) -> None:
        for label, df in nodes.items():
            stmt = f"UNWIND $rows AS row MERGE (n:{_quote(label)} {{id: row.id}}) SET n = row"
            for batch in _batches(_records(df), batch_size):
                counters = self._write(session, stmt, batch)
                report.nodes += len(batch)
                report.nodes_created += counters.nodes_created
                report.batches += 1
                if progress:
                    progress(len(batch))
        for etype, a, b, part in edges_by_endpoints(nodes, edges):
            # a sequence number tells parallel edges apart (all of a pair's edges
            # share one part, so numbering within the part is numbering within the type)
            part = part.assign(**{SEQ: part.groupby(list(EDGE_ENDPOINT_COLUMNS)).cumcount()})
            stmt = (
                f"UNWIND $rows AS row MATCH (a:{_quote(a)} {{id: row.f}}) "
                f"MATCH (b:{_quote(b)} {{id: row.t}}) "
                f"MERGE (a)-[r:{_quote(etype)} {{{SEQ}: row.p.{SEQ}}}]->(b) SET r = row.p"
            )
            props = part.drop(columns=list(EDGE_ENDPOINT_COLUMNS))
            rows = [
                {"f": f, "t": t, "p": p}
                for f, t, p in zip(
                    part["from_id"].tolist(),
                    part["to_id"].tolist(),
                    _records(props),
                    strict=True,
                )
            ]
            for batch in _batches(rows, batch_size):
                counters = self._write(session, stmt, batch)
                report.edges += len(batch)
                report.edges_created += counters.relationships_created
                report.batches += 1
                if progress:
                    progress(len(batch))

    # --- pull ----------------------------------------------------------------------------

    def pull(self) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], list[str]]:
        """Read every schema label and edge type back as raw tables.

        Returns
        -------
        nodes, edges : dict of str to DataFrame
            Raw tables (one per label / type that has rows) for
            :func:`innokg.graph.validate.validate_tables`.
        warnings : list of str
            Labels and edge types on the server that the schema does not know.

        Examples
        --------
        Reading back the two enterprises and one SUPPLIES edge pushed in the example
        of :meth:`push` (skipped when the examples run as tests: they need a server):

        >>> from innokg.graph.validate import validate_tables
        >>> with Neo4jStore("bolt://localhost:7687", user="neo4j",
        ...                 password="...") as db:  # doctest: +SKIP
        ...     nodes, edges, warnings = db.pull()
        >>> sorted(nodes), sorted(edges), warnings  # doctest: +SKIP
        (['Enterprise'], ['SUPPLIES'], [])
        >>> tables = validate_tables(nodes, edges)  # doctest: +SKIP
        >>> supplies = tables.edges["SUPPLIES"]  # doctest: +SKIP
        >>> supplies[["from_id", "to_id", "product"]].values.tolist()  # doctest: +SKIP
        [['E2', 'E1', '液压支架']]
        """
        nodes: dict[str, pd.DataFrame] = {}
        for label, spec in NODE_LABELS.items():
            cols = [p.name for p in spec.props]
            ret = ", ".join(f"n.{_quote(c)} AS {_quote(c)}" for c in cols)
            df = self._read(f"MATCH (n:{_quote(label)}) RETURN {ret}", cols)
            if len(df):
                nodes[label] = df
        edges: dict[str, pd.DataFrame] = {}
        for etype, etspec in EDGE_TYPES.items():
            cols = [p.name for p in etspec.props]
            ret = ", ".join(f"r.{_quote(c)} AS {_quote(c)}" for c in [*cols, SEQ])
            df = self._read(
                f"MATCH (a)-[r:{_quote(etype)}]->(b) RETURN a.id AS from_id, b.id AS to_id, {ret}",
                ["from_id", "to_id", *cols, SEQ],
            )
            if len(df):
                df = df.sort_values(["from_id", "to_id", SEQ], kind="stable", na_position="last")
                edges[etype] = df.drop(columns=[SEQ]).reset_index(drop=True)
        warnings = []
        for kind, call, known in (
            ("label", "CALL db.labels() YIELD label RETURN label", NODE_LABELS),
            (
                "edge type",
                "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType",
                EDGE_TYPES,
            ),
        ):
            try:
                found = self._read(call, ["name"])["name"].tolist()
            except QueryError:
                continue
            warnings += [
                f"{kind} {x!r} is not in the schema; not pulled" for x in found if x not in known
            ]
        return nodes, edges, warnings

    def _read(self, query: str, columns: list[str]) -> pd.DataFrame:
        _cols, rows = self._execute(query, {}, None)
        return pd.DataFrame(rows, columns=columns, dtype=object)

    def close(self) -> None:
        """Close the driver and its connections.

        A store is also a context manager, which closes it on leaving the block.

        Examples
        --------
        Skipped when the examples run as tests (they need a Neo4j server):

        >>> db = Neo4jStore("bolt://localhost:7687", user="neo4j",
        ...                 password="...")  # doctest: +SKIP
        >>> db.run("RETURN 1 AS one")  # doctest: +SKIP
           one
        0    1
        >>> db.close()  # doctest: +SKIP
        """
        self._driver.close()
