"""The errors innokg raises for user mistakes and bad input.

Every message says what is wrong, where (file, row, column where known) and what to
do.  The command line turns any :class:`InnokgError` into a clean message and a
non-zero exit code, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "InnokgError",
    "NodeNotFound",
    "PackageError",
    "Problem",
    "QueryError",
    "SourceError",
    "StoreError",
    "ValidationError",
]


class InnokgError(Exception):
    """Base class of every error that is the input's or the user's to fix."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place of the input."""

    file: str
    row: int | None
    column: str | None
    message: str

    def sort_key(self) -> tuple[str, int, str, str]:
        """The order problems are listed in: by file, row, column and message.

        Returns
        -------
        tuple of (str, int, str, str)
            The file, the row (0 for none), the column (``""`` for none) and the
            message.

        Examples
        --------
        >>> problems = [Problem("nodes/Region", 7, "code", "bad code"),
        ...             Problem("nodes/Region", None, None, "no id column"),
        ...             Problem("nodes/Enterprise", 2, "size", "'huge' is not allowed")]
        >>> for p in sorted(problems, key=Problem.sort_key):
        ...     print(p)
        nodes/Enterprise, row 2, column 'size': 'huge' is not allowed
        nodes/Region: no id column
        nodes/Region, row 7, column 'code': bad code
        """
        return (self.file, self.row or 0, self.column or "", self.message)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class ValidationError(InnokgError):
    """The input breaks the schema; ``problems`` lists every breach found."""

    def __init__(self, problems: list[Problem], *, shown: int = 30) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        lines = [str(p) for p in self.problems[:shown]]
        more = len(self.problems) - shown
        if more > 0:
            lines.append(f"... and {more} more problem(s)")
        summary = (
            f"{len(self.problems)} problem(s) in the input; nothing was written.\n"
            + "\n".join(lines)
            + "\nFix the cells named above, or build with --lenient to skip bad rows"
            " (they are written to rejects.csv with the reason)."
        )
        super().__init__(summary)


class SourceError(InnokgError):
    """A source cannot be read at all (missing, unreadable, unknown format)."""


class PackageError(InnokgError):
    """A graph package is missing, damaged, or from an incompatible schema version."""


class NodeNotFound(InnokgError):
    """A node id named by the user is not in the graph."""

    def __init__(self, node_id: str, message: str | None = None) -> None:
        self.node_id = node_id
        super().__init__(
            message
            or f"no node with id {node_id!r} in this graph; the search box of "
            "`innokg serve PACKAGE` finds names and ids"
        )


class QueryError(InnokgError):
    """A query is malformed, refers to something unknown, or is not allowed."""


class StoreError(InnokgError):
    """A database could not be reached or refused an operation."""
