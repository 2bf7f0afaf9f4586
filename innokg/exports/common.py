"""What every export shares: formats, the tables in schema order, cell text, and
writing beside the target then renaming into place."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS, DType, Prop
from innokg.output import neutralise_formulas

#: Told what a long export writes as it starts each table (``innokg export`` shows
#: these as its steps on a large graph).
Report = Callable[[str], None]

#: Formats written by this module.
EXPORT_FORMATS = ("csv", "xlsx", "graphml", "gexf", "neo4j-csv")

#: RDF formats, written by :mod:`innokg.graph.rdf` where it is installed.
RDF_FORMATS = ("ttl", "nt", "jsonld", "trig")

#: Rows an Excel sheet holds, the header included.
EXCEL_MAX_ROWS = 1_048_576

_EXPORT_MARKER = "export.json"
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# openpyxl refuses the same control characters in a cell.
_EXCEL_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

_NEO4J_TYPES: dict[DType, str] = {
    "string": "string",
    "int": "long",
    "year": "int",
    "float": "double",
    "bool": "boolean",
}
_XML_TYPES: dict[DType, str] = {
    "string": "string",
    "int": "long",
    "year": "long",
    "float": "double",
    "bool": "boolean",
}


# --- shared helpers -----------------------------------------------------------------


def _props(kind: str, name: str) -> tuple[Prop, ...]:
    return (NODE_LABELS[name] if kind == "nodes" else EDGE_TYPES[name]).props


def _table(G: EcosystemGraph, kind: str, name: str) -> pd.DataFrame:
    return G.nodes[name] if kind == "nodes" else G.edges[name]


def _tables(
    G: EcosystemGraph, report: Report | None = None
) -> Iterator[tuple[str, str, pd.DataFrame]]:
    for label in NODE_LABELS:
        df = G.nodes[label]
        announce(report, f"the {label} nodes", len(df))
        yield "nodes", label, df
    for etype in EDGE_TYPES:
        df = G.edges[etype]
        announce(report, f"the {etype} edges", len(df))
        yield "edges", etype, df


def announce(report: Report | None, what: str, rows: int) -> None:
    """Tell ``report`` that ``what`` is being written, unless it is empty."""
    if report is not None and rows:
        report(f"write {what} ({rows:,} row{'s' if rows != 1 else ''})")


def _columns(df: pd.DataFrame, names: list[str]) -> Iterator[tuple[Any, ...]]:
    """Rows of ``df[names]`` as tuples of Python values, None where missing."""
    cols = []
    for name in names:
        if name not in df.columns:
            cols.append([None] * len(df))
            continue
        s = df[name]
        cols.append([None if _is_missing(v) else v for v in s.astype(object).tolist()])
    return zip(*cols, strict=True) if cols else iter(())


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _prepare(df: pd.DataFrame, neutralise: bool) -> pd.DataFrame:
    return neutralise_formulas(df) if neutralise else df


def _bool_text(df: pd.DataFrame, props: tuple[Prop, ...]) -> pd.DataFrame:
    """Booleans as ``true`` / ``false`` (what Neo4j and most readers expect)."""
    out = df.copy()
    for p in props:
        if p.dtype == "bool" and p.name in out.columns:
            out[p.name] = (
                out[p.name]
                .map(lambda v: None if _is_missing(v) else ("true" if v else "false"))
                .astype("string")
            )
    return out


class _Target:
    """Write a file or folder beside ``out`` and move it into place on success."""

    def __init__(self, out: Path, *, folder: bool) -> None:
        self.out = out
        self.folder = folder
        self.tmp = out.with_name(f".{out.name}.tmp-{uuid.uuid4().hex[:8]}")

    def __enter__(self) -> Path:
        out = self.out
        if self.folder:
            if out.exists() and not out.is_dir():
                raise InnokgError(f"{out} is a file; give a folder for this format")
            if out.is_dir() and any(out.iterdir()) and not (out / _EXPORT_MARKER).is_file():
                raise InnokgError(
                    f"{out} is a folder that does not hold an innokg export; refusing to "
                    "replace it. Choose a new or empty --out folder"
                )
        elif out.is_dir():
            raise InnokgError(f"{out} is a folder; give a file name for this format")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            if self.folder:
                self.tmp.mkdir()
        except OSError as exc:
            raise InnokgError(f"cannot write {out}: {exc.strerror or exc}") from exc
        return self.tmp

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                if self.folder and self.out.is_dir():
                    old = self.out.with_name(f".{self.out.name}.old-{uuid.uuid4().hex[:8]}")
                    os.replace(self.out, old)
                    os.replace(self.tmp, self.out)
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    os.replace(self.tmp, self.out)
        except OSError as err:
            raise InnokgError(f"cannot write {self.out}: {err.strerror or err}") from err
        finally:
            if self.tmp.is_dir():
                shutil.rmtree(self.tmp, ignore_errors=True)
            elif self.tmp.exists():
                self.tmp.unlink()


def _marker(G: EcosystemGraph, fmt: str, neutralise: bool) -> dict[str, Any]:
    m = G.manifest
    return {
        "format": fmt,
        "exported_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "package": str(G.path) if G.path else None,
        "title": m.get("title"),
        "built_at": m.get("built_at"),
        "synthetic": bool(m.get("synthetic", False)),
        "formulas_neutralised": neutralise,
        "counts": G.counts(),
    }


def _write_marker(folder: Path, info: dict[str, Any]) -> Path:
    path = folder / _EXPORT_MARKER
    path.write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
