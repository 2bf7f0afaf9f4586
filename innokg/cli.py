"""The ``innokg`` command line.

Each group of commands lives in its own module under :mod:`innokg.commands` and is
registered below.  User errors (any :class:`innokg.graph.errors.InnokgError`) end in a
one-paragraph message and exit code 1, never a traceback.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from innokg.graph.errors import InnokgError, ValidationError
from innokg.notes import print_notes

__all__ = ["main"]


class _Group(click.Group):
    """A click group that turns innokg's errors into clean messages."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationError as exc:
            raise click.ClickException(str(exc)) from None
        except InnokgError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("interrupted; nothing was left half-written", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="innokg")
def main() -> None:
    """innokg: a knowledge graph of an industrial innovation ecosystem.

    Build a graph from your tables or the built-in Henan-shaped demo, then ask it the
    policy's questions: supply-chain clusters, collaboration gaps, partnerships to
    broker, and how far each city is from its targets.

    Start with `innokg demo`, then `innokg info innokg-demo`.

    The slowest steps behind several questions (the clusters and their profiles, Burt's
    constraint) are kept in the package's kept/ folder: computed when the package is built
    (up to 2,000,000 nodes; innokg prepare for a larger one) or by the first command that
    needs them, and read by the next. So, whatever the size, are a copy of the tables
    that commands memory-map and the lookups (edges by node, the names' order...).
    INNOKG_KEEP=0 turns this off. On a graph of 500,000 nodes or more, a command that
    has to compute one of those steps says so on stderr ("note: computing the
    supply-chain clusters ...") and how long it took; a command's --quiet silences it.
    """
    _quiet_drivers()
    print_notes()


def _quiet_drivers() -> None:
    """Logging set-up belongs to the command line, not to the library.

    Without a handler of its own the Neo4j driver's warnings (a retried transaction, a
    dropped connection) would reach stderr through logging's last resort, several lines
    per retry, around the one-line message a command prints.
    """
    log = logging.getLogger("neo4j")
    if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
        log.addHandler(logging.NullHandler())


def _register() -> None:
    from innokg.commands import (
        build,
        cypher,
        data,
        diff,
        evaluate,
        henan,
        partners,
        questions,
        rdf,
        serve,
        visual,
    )

    for command in [
        *build.COMMANDS,
        *henan.COMMANDS,
        *data.COMMANDS,
        *visual.COMMANDS,
        *cypher.COMMANDS,
        *rdf.COMMANDS,
        *questions.COMMANDS,
        *partners.COMMANDS,
        *evaluate.COMMANDS,
        *serve.COMMANDS,
        *diff.COMMANDS,
    ]:
        main.add_command(command)
    # Further command groups register here, one line each.


_register()
