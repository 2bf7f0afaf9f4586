"""A folder for ``neo4j-admin database import``: typed headers and the command to run."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd

from innokg.exports.chunked import row_pieces, write_csv_pieces
from innokg.exports.common import (
    _EXPORT_MARKER,
    _NEO4J_TYPES,
    Report,
    _bool_text,
    _marker,
    _props,
    _tables,
    _Target,
    _write_marker,
)
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.schema import EDGE_ENDPOINT_COLUMNS, Prop

# --- neo4j-admin import --------------------------------------------------------------


def neo4j_header(kind: str, name: str) -> list[str]:
    """The ``neo4j-admin database import`` header of a node label's or edge type's file.

    Node files start with ``id:ID`` (one id space: innokg ids are unique across the
    graph; the ``id`` property is kept) and end with ``:LABEL``; edge files start with
    ``:START_ID``, ``:END_ID`` and ``:TYPE``.  Every property is typed: ``string``,
    ``long`` (counts), ``int`` (years), ``double``, ``boolean``.

    Examples
    --------
    >>> header = neo4j_header("nodes", "Fund")
    >>> header[:5], header[-1]
    (['id:ID', 'name:string', 'name_en:string', 'source:string', 'since:int'], ':LABEL')
    >>> "amount:double" in header
    True
    """
    props = _props(kind, name)
    typed = [f"{p.name}:{_NEO4J_TYPES[p.dtype]}" for p in props if p.name != "id"]
    if kind == "nodes":
        return ["id:ID", *typed, ":LABEL"]
    return [":START_ID", ":END_ID", ":TYPE", *typed]


def _import_frame(
    kind: str, name: str, cols: list[str], props: tuple[Prop, ...], df: pd.DataFrame
) -> pd.DataFrame:
    """Rows of a table as its import file holds them: the schema's columns, booleans
    as ``true`` / ``false``, the label or type column where Neo4j expects it."""
    frame = _bool_text(df.reindex(columns=cols), props)
    if kind == "nodes":
        return frame.assign(**{":LABEL": name})
    rest = [c for c in cols if c not in EDGE_ENDPOINT_COLUMNS]
    return frame.assign(**{":TYPE": name})[["from_id", "to_id", ":TYPE", *rest]]


def write_neo4j_csv(
    G: EcosystemGraph,
    out: str | Path,
    *,
    neutralise: bool = True,
    report: Report | None = None,
) -> list[Path]:
    """Write CSV files for ``neo4j-admin database import full``.

    Parameters
    ----------
    G : EcosystemGraph
    out : path
        The folder to write: ``nodes/<Label>.csv``, ``relationships/<TYPE>.csv``,
        ``README.txt`` with the import command, ``export.json``.
    neutralise : bool
        Prefix text cells that a spreadsheet would run as a formula with ``'``.
        The apostrophe then becomes part of the value in Neo4j: pass False when
        the files go to ``neo4j-admin`` only.
    report : callable, optional
        Told each table as it is written.

    Returns
    -------
    list of Path
        The files written, in their final place.
    """
    out = Path(out)
    names: list[Path] = []
    nodes_args, rel_args = [], []
    with _Target(out, folder=True) as tmp:
        (tmp / "nodes").mkdir()
        (tmp / "relationships").mkdir()
        for kind, name, df in _tables(G, report):
            if df.empty:
                continue
            props = _props(kind, name)
            header = neo4j_header(kind, name)
            cols = [p.name for p in props]
            if kind == "edges":
                cols = [*EDGE_ENDPOINT_COLUMNS, *cols]
            if kind == "nodes":
                rel = Path("nodes") / f"{name}.csv"
                nodes_args.append(f"--nodes={rel}")
            else:
                rel = Path("relationships") / f"{name}.csv"
                rel_args.append(f"--relationships={rel}")
            # piece by piece, each piece shaped as it goes: a reshaped copy and the
            # text of a whole ten-million-row table took gigabytes
            write_csv_pieces(
                row_pieces(df),
                tmp / rel,
                neutralise=neutralise,
                header=header,
                shape=partial(_import_frame, kind, name, cols, props),
            )
            names.append(rel)
        command = " \\\n  ".join(
            [
                "neo4j-admin database import full",
                *nodes_args,
                *rel_args,
                "--multiline-fields=true",
                "--overwrite-destination=true",
                "neo4j",
            ]
        )
        (tmp / "README.txt").write_text(
            "Import into an empty Neo4j 5 database (the server stopped), from this folder:\n\n"
            f"{command}\n\n"
            "Node ids share one id space (innokg ids are unique across the graph).\n"
            + (
                "Text cells beginning with = + - @ or a tab carry a leading apostrophe "
                "(spreadsheet safety); export with --verbatim to import them unchanged.\n"
                if neutralise
                else "Cells are written verbatim: do not open these files in a spreadsheet.\n"
            ),
            encoding="utf-8",
        )
        _write_marker(tmp, _marker(G, "neo4j-csv", neutralise))
        names += [Path("README.txt"), Path(_EXPORT_MARKER)]
    return [out / n for n in names]
