"""How problems are ordered, counted by kind and reported when validation stops."""

from __future__ import annotations

import re
from collections import Counter

from innokg.graph.errors import Problem, ValidationError

__all__ = ["TableValidationError", "order_problems", "problem_kind", "row_generic"]

_QUOTED_RE = re.compile(r"'[^']*'")


def problem_kind(problem: Problem) -> str:
    """A problem without the row's own values, to count problems of a kind together.

    Parameters
    ----------
    problem : Problem
        One problem found by validation.

    Returns
    -------
    str
        Its message with every quoted value turned into ``'…'`` and its row
        numbers, cell counts and ids dropped (:func:`row_generic`), after the
        column it names, if any.

    Examples
    --------
    >>> problem_kind(Problem("f", 3, "size", "'huge' is not allowed; use one of a, b"))
    "size: '…' is not allowed; use one of a, b"
    >>> problem_kind(Problem("firms.csv", None, None, "unknown node label 'Firm'"))
    "unknown node label '…'"
    """
    text = _QUOTED_RE.sub("'…'", problem.message)
    text = row_generic(text)
    return f"{problem.column}: {text}" if problem.column else text


_NUMBERS_RE = re.compile(r"\b(rows?|lines?|has) \d+(?:,\d{3})*(?:-\d+(?:,\d{3})*)?")
_ID_RE = re.compile(r"\bid (?!')[^\s;),]+\)")


def row_generic(text: str) -> str:
    """``text`` without the row numbers, line numbers, cell counts and ids it names.

    Parameters
    ----------
    text : str
        A problem's message.

    Returns
    -------
    str
        The message with each number after ``row``, ``rows``, ``line``, ``lines`` and
        ``has`` (a range such as ``3-17`` too) and each unquoted id before a closing
        parenthesis turned into ``…``.

    Examples
    --------
    >>> row_generic("not a well-formed CSV row (line 9 has 5 cell(s) but the header has 12)")
    'not a well-formed CSV row (line … has … cell(s) but the header has …)'
    >>> row_generic("duplicate (first at f.csv, row 2, id reg:1)")
    'duplicate (first at f.csv, row …, id …)'
    >>> row_generic("rows 3-17 have 5 cells")
    'rows … have 5 cells'
    """
    return _ID_RE.sub("id …)", _NUMBERS_RE.sub(lambda m: f"{m.group(1)} …", text))


def order_problems(
    problems: list[Problem], file_kinds: dict[str, int] | None = None
) -> list[Problem]:
    """File-level problems first; then rows of node tables, then of edge tables, by file.

    Within a file, problems naming a column (a required one missing) come before those
    naming none (columns that match no property).

    Parameters
    ----------
    problems : list of Problem
        The problems, in any order.
    file_kinds : dict of str to int, optional
        Each file named in the input: 0 for a node table, 1 for an edge table.  A
        file not listed counts as a node table when its name starts with
        ``nodes/``, else as an edge table.

    Returns
    -------
    list of Problem
        A new list in report order: problems without a row first, then by kind of
        table, file, row, column and message.

    Examples
    --------
    >>> problems = [
    ...     Problem("edges/SUPPLIES", 2, "to_id", "no node with id 'E9'"),
    ...     Problem("nodes/Region", 5, "code", "'41x' is not a code"),
    ...     Problem("nodes/Region", None, None, "column 'x' matches no property"),
    ...     Problem("nodes/Region", None, "level", "required column is missing"),
    ...     Problem("nodes/Enterprise", 3, "size", "'huge' is not allowed"),
    ... ]
    >>> for p in order_problems(problems):
    ...     print(p)
    nodes/Region, column 'level': required column is missing
    nodes/Region: column 'x' matches no property
    nodes/Enterprise, row 3, column 'size': 'huge' is not allowed
    nodes/Region, row 5, column 'code': '41x' is not a code
    edges/SUPPLIES, row 2, column 'to_id': no node with id 'E9'
    """
    kinds = file_kinds or {}

    def key(p: Problem) -> tuple[int, int, str, int, bool, str, str]:
        rank = kinds.get(p.file, 0 if p.file.startswith("nodes/") else 1)
        return (
            p.row is not None,
            rank,
            p.file,
            p.row or 0,
            p.column is None,
            p.column or "",
            p.message,
        )

    return sorted(problems, key=key)


class TableValidationError(ValidationError):
    """:class:`ValidationError` listing problems in report order, with a summary by kind."""

    # the name tracebacks show: where users import it from
    __module__ = "innokg.graph.validate"

    def __init__(self, problems: list[Problem], *, shown: int = 30) -> None:
        super().__init__(problems, shown=shown)
        self.problems = list(problems)  # already in report order
        kinds = Counter(problem_kind(p) for p in self.problems)
        lines = [f"{len(self.problems)} problem(s) in the input; nothing was written."]
        if len(kinds) > 1 or len(self.problems) > shown:
            lines.append("by kind:")
            lines += [f"  {n:>8,}  {k}" for k, n in kinds.most_common(10)]
            if len(kinds) > 10:
                lines.append(f"  and {len(kinds) - 10:,} more kind(s)")
            lines.append("problems:")
        lines += [str(p) for p in self.problems[:shown]]
        more = len(self.problems) - shown
        if more > 0:
            lines.append(
                f"... and {more:,} more problem(s): `innokg validate SOURCES --all` lists "
                "them all; --format csv --out problems.csv writes them to a file"
            )
        lines.append(
            "Fix the cells named above, or build with --lenient to skip bad rows"
            " (they are written to rejects.csv with the reason)."
        )
        Exception.__init__(self, "\n".join(lines))
