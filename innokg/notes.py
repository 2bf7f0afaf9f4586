"""The library's word on long work, as the command line prints it.

Where a question computes something slow on a large graph (the supply-chain clusters,
about two minutes at ten million nodes), :func:`innokg.queries.kept.kept` says so at
INFO level on the ``innokg.progress`` logger.  The command line prints those records
on stderr as ``note:`` lines (:func:`print_notes`); a quiet command, or a job that
reports its own steps, turns them off for a while (:func:`notes_off`).  In a notebook
they show with ``logging.basicConfig(level=logging.INFO)``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import click

__all__ = ["notes", "notes_off", "print_notes"]

notes = logging.getLogger("innokg.progress")


class _Notes(logging.Handler):
    """Each record as a ``note:`` line on stderr, where a command's other notes go.
    Looked up at each line, so a captured stderr gets it too."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"note: {record.getMessage()}", err=True)


def print_notes() -> None:
    """Print the library's notes on long work from now on (once per process)."""
    if not any(isinstance(h, _Notes) for h in notes.handlers):
        notes.addHandler(_Notes())
    notes.setLevel(logging.INFO)
    notes.propagate = False


@contextmanager
def notes_off(off: bool = True) -> Iterator[None]:
    """The notes turned off for a while (``off``): a quiet command, or a job that
    reports its own steps, which say the same."""
    were_off = notes.disabled
    notes.disabled = off or were_off
    try:
        yield
    finally:
        notes.disabled = were_off
