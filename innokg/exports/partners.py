"""The partner table written to a file source firms a chunk at a time: memory holds one
chunk of rows, whatever the size of the table (a province's every firm, 20 partners of
each kind, is millions of rows)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from innokg.exports.chunked import chunked_format, write_chunks
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError

__all__ = ["PartnerFile", "write_candidate_partners"]


@dataclass
class PartnerFile:
    """What :func:`write_candidate_partners` wrote."""

    path: Path
    format: str
    #: rows written, notes included
    rows: int = 0
    #: distinct sources with at least one ranked pair
    sources: int = 0
    #: ranked pairs per kind
    pairs: dict[str, int] = field(default_factory=dict)


def write_candidate_partners(
    G: EcosystemGraph,
    out: str | Path,
    *,
    fmt: str | None = None,
    chunk_firms: int | None = None,
    progress: Callable[[str], None] | None = None,
    threads: int | None = None,
    neutralise: bool = True,
    **options: Any,
) -> PartnerFile:
    """Write :func:`~innokg.queries.partners.candidate_partners` to a Parquet or CSV
    file, chunk by chunk.

    The file holds the rows ``candidate_partners(G, **options)`` returns, in its order;
    with ``per_source`` they are ranked, explained and written ``chunk_firms`` sources
    at a time (:func:`~innokg.queries.partners.iter_candidate_partners`).

    Parameters
    ----------
    G : EcosystemGraph
    out : path
        The file; written beside it and renamed into place.
    fmt : {"parquet", "csv"}, optional
        Default: from the suffix of ``out`` (``.parquet``, ``.csv``).
    chunk_firms : int, optional
        Sources per chunk (default
        :data:`~innokg.queries.partners.stream.CHUNK_FIRMS`).
    progress : callable, optional
        Called with a short line as each chunk starts.
    threads : int, optional
        Chunks built at once (default
        :data:`~innokg.queries.partners.stream.THREADS`); the file is the same for any.
    neutralise : bool
        CSV only: prefix text cells that a spreadsheet would run as a formula with ``'``.
    **options
        The options of :func:`~innokg.queries.partners.candidate_partners`.

    Returns
    -------
    PartnerFile
        The path and format, rows written, distinct sources, ranked pairs per kind.

    Raises
    ------
    InnokgError
        For a format that is not written in chunks, or a file that cannot be written;
        :class:`~innokg.graph.errors.QueryError` for a bad option.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abc"]},
    ...                {"SUPPLIES": [("a", "c"), ("b", "c")]})
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "partners.parquet"
    >>> done = write_candidate_partners(G, out, kinds=["enterprise-enterprise"], per_source=5)
    >>> done.rows, done.sources, done.pairs
    (3, 2, {'enterprise-enterprise': 2})
    >>> table = pd.read_parquet(out)
    >>> table[["source", "target"]].values.tolist()
    [['a', 'b'], ['b', 'a'], ['', '']]

    The last row is a note: c, which buys from both, shares nothing with a firm it is
    not yet linked to.

    >>> table["explanation_en"].iloc[-1][:44]
    'No candidates for 1 of the 3 enterprises (no'
    """
    from innokg.queries.partners import CHUNK_FIRMS, THREADS, iter_candidate_partners

    chosen = fmt or chunked_format(out)
    if chosen is None:
        raise InnokgError(f"cannot tell the format of {out}; name it .parquet or .csv")
    result = PartnerFile(Path(out), chosen)
    chunks = iter_candidate_partners(
        G,
        chunk_firms=chunk_firms or CHUNK_FIRMS,
        progress=progress,
        threads=threads or THREADS,
        **options,
    )
    seen: set[str] = set()

    def counted() -> Iterator[pd.DataFrame]:
        for piece in chunks:
            ranked = piece[piece["rank"] > 0]
            seen.update(ranked["source"].unique().tolist())
            for kind, n in ranked["kind"].value_counts(sort=False).items():
                result.pairs[str(kind)] = result.pairs.get(str(kind), 0) + int(n)
            yield piece

    result.rows = write_chunks(counted(), out, chosen, neutralise=neutralise)
    result.sources = len(seen)
    return result
