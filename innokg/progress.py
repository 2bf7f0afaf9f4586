"""Progress of long jobs on stderr.

On a terminal each step shows a spinner and its elapsed time, and a finished step keeps
its time; elsewhere (logs, CI, pipes) each step is one plain line.  ``quiet`` prints
nothing, not even the library's notes on long work (logger ``innokg.progress``, which
the command line prints as ``note:`` lines).
"""

from __future__ import annotations

import time
from types import TracebackType

import click
from rich.progress import Progress, TaskID

from innokg.notes import notes_off

__all__ = ["StepProgress"]


class StepProgress:
    """Call with each step's name as it starts; use as a context manager.

    >>> with StepProgress(quiet=True) as progress:
    ...     progress("read the sources")
    >>> progress.elapsed() >= 0
    True
    """

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet
        self.start = time.perf_counter()
        self._live: Progress | None = None
        self._task: TaskID | None = None
        if not quiet:
            from rich.console import Console

            console = Console(stderr=True)
            if console.is_terminal:
                from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

                self._live = Progress(
                    SpinnerColumn(finished_text="[green]✓"),
                    TextColumn("{task.description}"),
                    TimeElapsedColumn(),
                    console=console,
                )

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def __call__(self, step: str) -> None:
        if self.quiet:
            return
        if self._live is None:
            click.echo(f"[{self.elapsed():6.1f}s] {step} ...", err=True)
            return
        self._finish_task()
        if self._task is None:
            self._live.start()
        self._task = self._live.add_task(step, total=1)

    def _finish_task(self) -> None:
        if self._live is not None and self._task is not None:
            self._live.update(self._task, completed=1)

    def __enter__(self) -> StepProgress:
        # a quiet command hears nothing of the library's own notes either (the clusters
        # of a large graph being computed: logger ``innokg.progress``)
        self._notes = notes_off(self.quiet)
        self._notes.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._notes.__exit__(exc_type, exc, tb)
        if self._live is not None and self._task is not None:
            if exc_type is None:
                self._finish_task()
            self._live.stop()
