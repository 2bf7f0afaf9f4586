"""Commands that speak Cypher: cypher, shell, push, pull and the query library.

Every command runs on a package's embedded database (name the PACKAGE) or on a
Bolt server (``--uri`` or ``NEO4J_URI``).  The password comes from
``NEO4J_PASSWORD`` or a hidden prompt, never from an option, so it stays out of
shell history, logs and packages.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from innokg.graph.errors import QueryError
from innokg.graph.package import DATABASE_FILE, read_manifest, read_tables, write_package
from innokg.graph.stores.base import QueryRunner, mask
from innokg.output import FORMATS, write_table
from innokg.queries.library import (
    adapt,
    example_graph,
    get_query,
    infer_value,
    load_library,
    run_query,
)

__all__ = ["COMMANDS"]

_TEXT_FORMATS = ("table", "csv", "json")


# --- shared options -------------------------------------------------------------------------


def _server_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--database", "-d", envvar="NEO4J_DATABASE", help="Database on the server (NEO4J_DATABASE)."
    )(f)
    f = click.option(
        "--user",
        "-u",
        envvar="NEO4J_USER",
        default="neo4j",
        show_default=True,
        help="User on the server (NEO4J_USER). The password comes from NEO4J_PASSWORD or a prompt.",
    )(f)
    return click.option(
        "--uri", envvar="NEO4J_URI", help="A Bolt server, e.g. bolt://localhost:7687 (NEO4J_URI)."
    )(f)


def _output_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--out",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to this file instead of the screen.",
    )(f)
    f = click.option("--limit", type=click.IntRange(0, None), help="At most this many rows.")(f)
    f = click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format (xlsx needs --out).",
    )(f)
    return click.option(
        "--param",
        "-p",
        "params",
        multiple=True,
        metavar="NAME=VALUE",
        help="A query parameter; repeat for more. Numbers, true/false/null and JSON are "
        'typed; anything else is text ("\\"4101\\"" keeps a number as text).',
    )(f)


def _parse_params(items: tuple[str, ...]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs as a dict of text values (typed later by ``infer_value``).

    A value nested more than 100 levels deep (``[[[...]]]``) is refused here: Python's
    JSON reader would fail on it with a RecursionError.

    >>> _parse_params(("k=3", "$city=郑州市", "ids=[1, [2]]"))
    {'k': '3', 'city': '郑州市', 'ids': '[1, [2]]'}
    """
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("$")
        if not sep or not name.isidentifier():
            raise click.BadParameter(f"{item!r}: write NAME=VALUE", param_hint="--param")
        depth = most = 0
        in_text = escaped = False
        for ch in value:  # brackets outside JSON strings
            if in_text:
                escaped, in_text = (False, True) if escaped else (ch == "\\", ch != '"')
            elif ch == '"':
                in_text = True
            elif ch in "[{":
                depth += 1
                most = max(most, depth)
            elif ch in "]}":
                depth -= 1
        if most > 100:
            raise click.BadParameter(
                f"{name}: the value is nested {most:,} levels deep (at most 100 are read); "
                "pass it as text by quoting it as JSON ('\"...\"')",
                param_hint="--param",
            )
        out[name] = value
    return out


def _password() -> str:
    secret = os.environ.get("NEO4J_PASSWORD")
    if secret is None:
        secret = click.prompt("Password for the Bolt server", hide_input=True, err=True)
    return secret


def _explicit(name: str) -> bool:
    ctx = click.get_current_context()
    return ctx.get_parameter_source(name) not in (
        click.core.ParameterSource.ENVIRONMENT,
        click.core.ParameterSource.DEFAULT,
        None,
    )


def _open(
    package: Path | None, uri: str | None, user: str, database: str | None, *, write: bool
) -> QueryRunner:
    """The store a command runs on: the package's database, or the Bolt server."""
    if package is not None and uri is not None and _explicit("uri"):
        raise click.UsageError("name a PACKAGE or a server (--uri), not both")
    if package is None:
        if not uri:
            raise click.UsageError("name a graph PACKAGE, or a Bolt server with --uri / NEO4J_URI")
        from innokg.graph.stores.neo4j import Neo4jStore

        return Neo4jStore(
            uri, user=user, password=_password(), database=database, read_only=not write
        )
    from innokg.graph.stores.embedded import EmbeddedStore

    read_manifest(package)
    if write:
        click.echo(
            f"note: writing to {package}/{DATABASE_FILE} only; the package's tables are "
            "unchanged, and rebuilding the package discards these changes",
            err=True,
        )
    return EmbeddedStore(package / DATABASE_FILE, read_only=not write)


def _emit(df: Any, fmt: str, out: Path | None, title: str | None = None) -> None:
    write_table(df, fmt, out, title=title)
    if out is not None or fmt == "table":
        click.echo(f"{len(df):,} row(s)" + (f" written to {out}" if out else ""), err=True)


# --- cypher -----------------------------------------------------------------------------------


@click.command()
@click.argument("args", nargs=-1, metavar="[PACKAGE] [QUERY]")
@click.option(
    "--file",
    "-f",
    "query_file",
    type=click.File("r", encoding="utf-8"),
    help="Read the query from a file ('-' for standard input).",
)
@_output_options
@click.option("--write", is_flag=True, help="Allow the query to change the data.")
@_server_options
def cypher(
    args: tuple[str, ...],
    query_file: Any,
    params: tuple[str, ...],
    fmt: str,
    limit: int | None,
    out: Path | None,
    write: bool,
    uri: str | None,
    user: str,
    database: str | None,
) -> None:
    """Run a Cypher QUERY on a graph PACKAGE, or on a Bolt server with --uri.

    Read-only unless --write: a query that would write is refused, by the database
    itself as well as by a check of its text.  Values travel as parameters:

    \b
      innokg cypher innokg-demo 'MATCH (e:Enterprise {id: $id}) RETURN e.name' -p id=E000003
      innokg cypher --uri bolt://localhost:7687 -f my_query.cypher --format csv
    """
    wanted = 0 if query_file else 1
    if len(args) > wanted + 1 or len(args) < wanted:
        raise click.UsageError("give [PACKAGE] QUERY, or [PACKAGE] -f FILE")
    package = Path(args[0]) if len(args) > wanted else None
    query = query_file.read() if query_file else args[-1]
    with _open(package, uri, user, database, write=write) as store:
        values = {k: infer_value(v) for k, v in _parse_params(params).items()}
        df = store.run(adapt(query, store.dialect), values, limit=limit)
    _emit(df, fmt, out)


# --- shell ------------------------------------------------------------------------------------

_SHELL_HELP = """\
End a query with ';' (it may span lines).  Commands:
  :param NAME=VALUE   set a parameter ($NAME)      :params   show them
  :format table|csv|json                           :limit N  (or :limit none)
  :queries            list the library             :run NAME [NAME=VALUE ...]
  :help               this text                    :quit     (or Ctrl-D)"""


class _Shell:
    def __init__(self, store: QueryRunner, history: Path | None) -> None:
        self.store = store
        self.history = history
        self.params: dict[str, Any] = {}
        self.fmt = "table"
        self.limit: int | None = 1000
        self._readline: Any = None
        if sys.stdin.isatty():
            try:
                import readline as line_editing

                self._readline = line_editing
            except ImportError:  # pragma: no cover - Windows without pyreadline
                pass
            if self._readline and history and history.is_file():
                self._readline.read_history_file(history)

    def remember(self, statement: str) -> None:
        line = " ".join(statement.split())
        if self._readline:
            self._readline.add_history(line)
        if self.history:
            self.history.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.history, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as f:
                f.write(line + "\n")

    def command(self, line: str) -> bool:
        """Run a ':' command; False to leave the shell."""
        word, _, rest = line[1:].strip().partition(" ")
        rest = rest.strip()
        if word in ("quit", "exit", "q"):
            return False
        if word == "help":
            click.echo(_SHELL_HELP)
        elif word == "param":
            for name, value in _parse_params((rest,)).items():
                self.params[name] = infer_value(value)
                click.echo(f"${name} = {json.dumps(self.params[name], ensure_ascii=False)}")
        elif word == "params":
            click.echo(json.dumps(self.params, ensure_ascii=False, indent=2))
        elif word == "format" and rest in _TEXT_FORMATS:
            self.fmt = rest
        elif word == "limit" and (rest == "none" or rest.isdigit()):
            self.limit = None if rest == "none" else int(rest)
        elif word == "queries":
            for q in load_library().values():
                click.echo(f"  {q.name:<40} {q.title_en}")
        elif word == "run" and rest:
            name, *pairs = rest.split()
            df = run_query(self.store, name, _parse_params(tuple(pairs)), limit=self.limit)
            write_table(df, self.fmt, None)
        else:
            click.echo(f"unknown command {line!r}; :help lists them")
        return True

    def statement(self, text: str) -> None:
        df = self.store.run(adapt(text, self.store.dialect), self.params, limit=self.limit)
        write_table(df, self.fmt, None)
        more = " (limit reached; :limit none shows all)" if len(df) == self.limit else ""
        click.echo(f"{len(df):,} row(s){more}")

    def loop(self) -> None:
        buffer: list[str] = []
        while True:
            try:
                line = input("   ...> " if buffer else "innokg> ")
            except EOFError:
                click.echo()
                return
            except KeyboardInterrupt:
                click.echo("^C")
                buffer = []
                continue
            if not buffer and line.strip().startswith(":"):
                self.remember(line.strip())
                try:
                    if not self.command(line.strip()):
                        return
                except (QueryError, click.ClickException) as exc:
                    click.echo(f"error: {exc}")
                except Exception as exc:  # innokg errors and bad input: report, keep going
                    click.echo(f"error: {exc}")
                continue
            buffer.append(line)
            text = "\n".join(buffer)
            if not mask(text).rstrip().endswith(";"):
                continue
            buffer = []
            statement = text.rstrip().rstrip(";").strip()
            if not statement:
                continue
            self.remember(statement + ";")
            try:
                self.statement(statement)
            except KeyboardInterrupt:
                click.echo("interrupted")
            except Exception as exc:  # one bad query must not end the session
                click.echo(f"error: {exc}")


@click.command()
@click.argument("package", required=False, type=click.Path(path_type=Path))
@click.option("--write", is_flag=True, help="Allow queries that change the data.")
@click.option(
    "--history",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="INNOKG_HISTORY",
    help="History file (INNOKG_HISTORY; default in the user's innokg folder).",
)
@click.option("--no-history", is_flag=True, help="Keep no history.")
@_server_options
def shell(
    package: Path | None,
    write: bool,
    history: Path | None,
    no_history: bool,
    uri: str | None,
    user: str,
    database: str | None,
) -> None:
    """An interactive Cypher prompt on a graph PACKAGE (or a Bolt server with --uri).

    Queries may span lines and end with ';'.  Results show as tables.  ':help'
    lists the commands (parameters, output format, the query library).
    """
    if history is None and not no_history:
        history = Path(click.get_app_dir("innokg")) / "history"
    with _open(package, uri, user, database, write=write) as store:
        click.echo(f"innokg shell on {store.describe()}; end queries with ';', :help for help")
        _Shell(store, None if no_history else history).loop()


# --- push and pull ---------------------------------------------------------------------------


@click.command()
@click.argument("package", type=click.Path(path_type=Path))
@_server_options
@click.option(
    "--batch-size",
    default=2000,
    show_default=True,
    type=click.IntRange(1, None),
    help="Rows per transaction.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
def push(
    package: Path, uri: str | None, user: str, database: str | None, batch_size: int, quiet: bool
) -> None:
    """Copy a graph PACKAGE to a Bolt server (Neo4j, ArcadeDB, ...).

    Creates a uniqueness constraint on id for every label first, then MERGEs nodes
    and edges in batches.  Pushing again changes nothing; an interrupted push
    completes when run again.  Nodes already on the server and not in the package
    are left alone.
    """
    from innokg.graph.stores.neo4j import Neo4jStore

    if not uri:
        raise click.UsageError("name the server with --uri or NEO4J_URI")
    nodes, edges, _ = read_tables(package)
    total = sum(len(df) for df in [*nodes.values(), *edges.values()])
    with Neo4jStore(
        uri, user=user, password=_password(), database=database, read_only=False
    ) as store:
        if quiet:
            report = store.push(nodes, edges, batch_size=batch_size)
        else:
            label = f"pushing to {store.describe()}"
            with click.progressbar(
                length=total, label=label, file=sys.stderr, show_pos=True
            ) as bar:
                report = store.push(nodes, edges, batch_size=batch_size, progress=bar.update)
    if not quiet:
        for line in report.schema:
            click.echo(f"  {line}", err=True)
        click.echo(
            f"pushed {report.nodes:,} nodes ({report.nodes_created:,} new) and {report.edges:,} "
            f"edges ({report.edges_created:,} new) in {report.batches} batches, "
            f"{report.seconds:.1f} s"
        )


@click.command()
@_server_options
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Package folder to write (replaced atomically if it is a package).",
)
@click.option("--lenient", is_flag=True, help="Skip invalid rows (listed in rejects.csv).")
@click.option("--no-database", is_flag=True, help="Skip the embedded Cypher database.")
def pull(
    uri: str | None, user: str, database: str | None, out: Path, lenient: bool, no_database: bool
) -> None:
    """Build a graph package from the data on a Bolt server.

    Reads every label and edge type of the schema, validates them like any other
    source, and writes a package with its embedded database.
    """
    from innokg.graph.stores.embedded import create_database
    from innokg.graph.stores.neo4j import Neo4jStore, redact_uri
    from innokg.graph.validate import validate_tables

    if not uri:
        raise click.UsageError("name the server with --uri or NEO4J_URI")
    with Neo4jStore(uri, user=user, password=_password(), database=database) as store:
        raw_nodes, raw_edges, warnings = store.pull()
        where = store.describe()
    tables = validate_tables(raw_nodes, raw_edges, lenient=lenient)

    def extras(tmp: Path) -> dict[str, Any]:
        if no_database:
            return {"database": None}
        return create_database(tmp / DATABASE_FILE, tables)

    source = {
        "kind": "bolt",
        "path": redact_uri(uri),
        "database": database,
        "sha256": None,
        "warnings": warnings,
    }
    manifest = write_package(
        tables,
        out,
        sources=[source],
        info={"title": f"innokg graph pulled from {where}", "lenient": lenient},
        extra_files=extras,
    )
    for w in warnings:
        click.echo(f"warning: {w}", err=True)
    n = sum(manifest["counts"]["nodes"].values())
    e = sum(manifest["counts"]["edges"].values())
    click.echo(f"pulled {n:,} nodes and {e:,} edges from {where} into {out}/")


# --- the query library -----------------------------------------------------------------------


@click.group()
def queries() -> None:
    """The shared library of named Cypher queries (queries/cypher/*.cypher)."""


@queries.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(_TEXT_FORMATS), default="table", show_default=True
)
def list_queries(fmt: str) -> None:
    """List the library's queries with their parameters."""
    import pandas as pd

    rows = [
        {
            "name": q.name,
            "title": q.title_zh,
            "title_en": q.title_en,
            "params": ", ".join(f"{p.name}{'' if p.required else '?'}: {p.type}" for p in q.params),
        }
        for q in load_library().values()
    ]
    write_table(pd.DataFrame(rows), fmt, None)


@queries.command("show")
@click.argument("name")
@click.option(
    "--dialect",
    type=click.Choice(["neo4j", "embedded"]),
    default="neo4j",
    show_default=True,
    help="Show the text as this store runs it.",
)
def show_query(name: str, dialect: str) -> None:
    """Show a library query: what it answers, its parameters, columns and text."""
    q = get_query(name)
    click.echo(
        f"{q.name}\n  {q.title_zh}\n  {q.title_en}\n\n{q.description_zh}\n{q.description_en}"
    )
    if q.articles:
        click.echo(f"\npolicy articles: {', '.join(map(str, q.articles))}")
    click.echo("\nparameters:" if q.params else "\nparameters: none")
    for p in q.params:
        default = "" if p.required else f", default {json.dumps(p.default, ensure_ascii=False)}"
        click.echo(
            f"  ${p.name} ({p.type}{default}; e.g. "
            f"{json.dumps(p.example, ensure_ascii=False)}): {p.zh} / {p.en}"
        )
    click.echo("columns:")
    for c in q.columns:
        click.echo(f"  {c.name} ({c.type}): {c.zh} / {c.en}")
    click.echo(f"\n{q.text_for(dialect)}")


@queries.command("run")
@click.argument("name")
@click.argument("package", required=False, type=click.Path(path_type=Path))
@_output_options
@click.option("--example", is_flag=True, help="Use the header's example values for parameters.")
@_server_options
def run_library_query(
    name: str,
    package: Path | None,
    params: tuple[str, ...],
    fmt: str,
    limit: int | None,
    out: Path | None,
    example: bool,
    uri: str | None,
    user: str,
    database: str | None,
) -> None:
    """Run the library query NAME on a graph PACKAGE or a Bolt server (--uri).

    \b
      innokg queries run suppliers_of innokg-demo -p enterprise=E000024
      innokg queries run suppliers_of --uri bolt://localhost:7687 -p enterprise=E000024
    """
    q = get_query(name)
    # the real Henan build has examples of its own (``example.henan:`` in the header)
    values: dict[str, Any] = q.examples(example_graph(package)) if example else {}
    values.update(_parse_params(params))
    with _open(package, uri, user, database, write=False) as store:
        df = run_query(store, q, values, limit=limit)
    _emit(df, fmt, out, title=q.title_zh)


COMMANDS = [cypher, shell, push, pull, queries]
