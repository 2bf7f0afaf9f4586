"""What every loader returns: raw tables and the ledger of every row read.

Each source kind's reader (registered in :mod:`innokg.loaders.registry`) parses its
files into raw tables (one per node label and edge type, with ``_file`` and ``_row``
provenance columns) and never writes anywhere.

A reader also keeps a :class:`Ledger`: what became of every input row (``used``,
``folded`` into another row, ``rejected`` with a reason, ``filtered`` out of the
chosen scope, or ``skipped`` on purpose), and the repairs (``fixes``) and
``warnings`` it made on the way, counted by reason.  The load report is built from
it, so that every row read is accounted for.

Columns whose names start with ``_`` besides ``_file`` and ``_row`` are private
hints from a loader to the merging step (``_aliases``: other names of a node;
``_place``: the edge's ``to_id`` is a place name still to be resolved; ``_within``:
the province code a place lies in).  The merging step removes them.

Examples
--------
>>> ledger = Ledger()
>>> ledger.open("a.json", 3)
>>> ledger.mark("a.json", [2], "rejected", "empty name")
>>> ledger.fix("name trimmed", 1)
>>> ledger.summary()["a.json"]
{'rows': 3, 'used': 2, 'folded': 0, 'rejected': 1, 'filtered': 0, 'skipped': 0}
>>> ledger.reasons("rejected")
{'empty name': 1}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.errors import SourceError

__all__ = [
    "OUTCOMES",
    "REJECT_COLUMNS",
    "Ledger",
    "SourceTables",
    "start_table_source",
]

#: What can become of an input row, in the order the load report lists them.
OUTCOMES = ("used", "folded", "rejected", "filtered", "skipped")

#: Columns of a loader's rejects table.
REJECT_COLUMNS = ["file", "row", "column", "reason"]


class Ledger:
    """The fate of every input row of one source, and the repairs made on the way.

    Rows are numbered as a reader shows them to users (the line of a JSON Lines
    file, the spreadsheet row of a CSV file).  Every row starts as ``used``; a
    loader marks the others.  ``fixes`` and ``warnings`` count rows by reason and
    do not change a row's outcome.
    """

    def __init__(self) -> None:
        self._files: dict[str, tuple[int, np.ndarray, np.ndarray]] = {}
        self.fixes: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()
        #: up to three places (``file, row N``) for each warning reason
        self.examples: dict[str, list[str]] = {}
        self._rejects: list[pd.DataFrame] = []

    def open(self, file: str, rows: int, *, first_row: int = 1) -> None:
        """Start the ledger of ``file``: ``rows`` rows numbered from ``first_row``."""
        outcome = np.full(rows, "used", dtype=object)
        reason = np.full(rows, "", dtype=object)
        self._files[file] = (first_row, outcome, reason)

    def mark(
        self,
        file: str,
        rows: Iterable[int] | pd.Series | np.ndarray,
        outcome: str,
        reason: str | pd.Series | np.ndarray,
        *,
        column: str | None = None,
    ) -> None:
        """Set the outcome of ``rows`` of ``file`` (one reason, or one per row).

        Rejected rows are also listed, with ``column`` and reason, for ``rejects.csv``.
        A row keeps the first outcome other than ``used`` it is given.
        """
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        first, outcomes, reasons = self._files[file]
        idx = np.asarray(list(rows) if not isinstance(rows, np.ndarray | pd.Series) else rows)
        if len(idx) == 0:
            return
        pos = idx.astype(np.int64) - first
        why = (
            np.full(len(pos), reason, dtype=object)
            if isinstance(reason, str)
            else np.asarray(reason, dtype=object)
        )
        free = outcomes[pos] == "used"
        pos, why = pos[free], why[free]
        outcomes[pos] = outcome
        reasons[pos] = why
        if outcome == "rejected" and len(pos):
            self._rejects.append(
                pd.DataFrame({"file": file, "row": pos + first, "column": column, "reason": why})
            )

    def fix(self, reason: str, count: int = 1) -> None:
        """Count ``count`` rows repaired for ``reason`` (no-op for zero)."""
        if count:
            self.fixes[reason] += int(count)

    def warn(self, reason: str, count: int = 1, *, where: Iterable[str] = ()) -> None:
        """Count ``count`` rows kept with a warning for ``reason`` (no-op for zero).

        ``where`` names some of those rows (``"company.json, row 12"``); the first
        three are kept as examples for the load report.
        """
        if count:
            self.warnings[reason] += int(count)
            shown = self.examples.setdefault(reason, [])
            for place in where:
                if len(shown) >= 3:
                    break
                shown.append(place)

    def outcome(self, file: str) -> pd.Series:
        """The outcome of every row of ``file``, indexed by row number."""
        first, outcomes, _ = self._files[file]
        return pd.Series(outcomes, index=np.arange(first, first + len(outcomes)))

    def files(self) -> list[str]:
        return list(self._files)

    def summary(self) -> dict[str, dict[str, int]]:
        """Per file: rows read and how many ended in each outcome."""
        out = {}
        for file, (_, outcomes, _) in self._files.items():
            counts = Counter(outcomes.tolist())
            out[file] = {"rows": len(outcomes), **{o: counts.get(o, 0) for o in OUTCOMES}}
        return out

    def reasons(self, outcome: str) -> dict[str, int]:
        """How many rows ended in ``outcome``, by reason, most frequent first."""
        counts: Counter[str] = Counter()
        for _, outcomes, reasons in self._files.values():
            counts.update(reasons[outcomes == outcome].tolist())
        return dict(counts.most_common())

    def rejects(self) -> pd.DataFrame:
        """Every rejected row: file, row, column, reason."""
        if not self._rejects:
            return pd.DataFrame(columns=REJECT_COLUMNS)
        df = pd.concat(self._rejects, ignore_index=True)
        return df.sort_values(["file", "row"], kind="stable").reset_index(drop=True)


@dataclass
class SourceTables:
    """Raw tables read from one source, with what the reader noticed."""

    kind: str
    path: str
    nodes: dict[str, pd.DataFrame] = field(default_factory=dict)
    edges: dict[str, pd.DataFrame] = field(default_factory=dict)
    rows_read: int = 0
    warnings: list[str] = field(default_factory=list)
    #: sheet or file names that name no label or type (reported by validation)
    unknown: list[str] = field(default_factory=list)
    #: the fate of every row read, with fixes and warnings by reason
    ledger: Ledger = field(default_factory=Ledger)
    #: facts about the source for the load report (scope, settings, inferred counts)
    notes: dict[str, Any] = field(default_factory=dict)


def start_table_source(
    kind: str,
    path: Path,
    df: pd.DataFrame,
    encoding: str,
    *,
    required: tuple[str, ...],
    header: str,
    notes: dict[str, Any] | None = None,
) -> SourceTables:
    """The :class:`SourceTables` of a one-table source, its ledger opened.

    Checks that ``df`` (read from ``path`` with provenance columns, the header being
    row 1) has the ``required`` columns, naming ``header`` (the published header) when
    it does not, notes a GB18030 file, and opens the ledger on every row.

    Parameters
    ----------
    kind : str
        The source kind (``cities``).
    path : Path
        The file read; the ledger and messages name it by ``path.name``.
    df : DataFrame
        Its rows, as :func:`innokg.loaders.tables.read_csv_table` returns them.
    encoding : str
        The encoding it was read with; ``gb18030`` adds a warning.
    required : tuple of str
        The columns a reader cannot do without.
    header : str
        The published header, shown to the user when a required column is missing.
    notes : dict, optional
        Facts for the load report (``{"scope": "henan"}``); copied.

    Returns
    -------
    SourceTables
        Empty tables, ``rows_read`` set and every row of the file ``used``.

    Raises
    ------
    SourceError
        When a required column is missing.

    Examples
    --------
    >>> from pathlib import Path
    >>> df = pd.DataFrame({"name": ["郑州", "开封"], "_file": "cities.csv", "_row": [2, 3]})
    >>> s = start_table_source("cities", Path("data/cities.csv"), df, "gb18030",
    ...                        required=("name",), header="name,code")
    >>> s.rows_read, s.warnings, s.ledger.summary()["cities.csv"]["used"]
    (2, ['cities.csv: read as GB18030'], 2)
    >>> start_table_source("cities", Path("data/cities.csv"), df, "utf-8",
    ...                    required=("name", "code"), header="name,code")
    Traceback (most recent call last):
    ...
    innokg.graph.errors.SourceError: cities.csv: column(s) code missing; ...
    """
    file = path.name
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise SourceError(
            f"{file}: column(s) {', '.join(missing)} missing; the header must be {header}"
        )
    source = SourceTables(kind=kind, path=str(path), notes=dict(notes or {}))
    if encoding == "gb18030":
        source.warnings.append(f"{file}: read as GB18030")
    source.ledger.open(file, len(df), first_row=2)
    source.rows_read = len(df)
    return source
