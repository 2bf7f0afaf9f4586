"""Build a graph package: read sources, validate, write tables and the database.

This is the one place where the layers meet: loaders read, :mod:`graph.validate`
checks, :mod:`graph.package` writes, :mod:`graph.stores.embedded` loads Cypher.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from graph.package import DATABASE_FILE, write_package
from graph.stores.embedded import create_database
from graph.validate import Tables, validate_tables
from loaders.base import SourceTables, read_source

__all__ = ["BuildResult", "build_demo", "build_from_sources", "combine_sources", "load_sources"]

Step = Callable[[str], Any]


@dataclass
class BuildResult:
    manifest: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)


@contextmanager
def _timed(timings: dict[str, float], name: str, report: Step | None) -> Iterator[None]:
    if report:
        report(name)
    start = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - start, 3)


def _digest(path: Path) -> str | None:
    h = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    if not files:
        return None
    for f in files:
        h.update(str(f.relative_to(path.parent if path.is_file() else path)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def load_sources(specs: list[str]) -> list[SourceTables]:
    """Read every source named ``kind:path`` (or a path whose kind is detected)."""
    return [read_source(s) for s in specs]


def combine_sources(
    sources: list[SourceTables],
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Stack the raw tables of several sources, label by label."""
    nodes: dict[str, list[pd.DataFrame]] = {}
    edges: dict[str, list[pd.DataFrame]] = {}
    for src in sources:
        for k, df in src.nodes.items():
            nodes.setdefault(k, []).append(df)
        for k, df in src.edges.items():
            edges.setdefault(k, []).append(df)
    return (
        {k: pd.concat(v, ignore_index=True) for k, v in nodes.items()},
        {k: pd.concat(v, ignore_index=True) for k, v in edges.items()},
    )


def _write(
    tables: Tables,
    out: Path,
    *,
    sources: list[dict[str, Any]],
    info: dict[str, Any],
    timings: dict[str, float],
    report: Step | None,
    database: bool,
) -> dict[str, Any]:
    def extras(tmp: Path) -> dict[str, Any]:
        if not database:
            return {"database": None}
        with _timed(timings, "load the embedded database", report):
            create_database(tmp / DATABASE_FILE, tables)
        return {"database": DATABASE_FILE}

    with _timed(timings, "write the package", report):
        return write_package(tables, out, sources=sources, info=info, extra_files=extras)


def build_from_sources(
    specs: list[str],
    out: str | Path,
    *,
    lenient: bool = False,
    database: bool = True,
    report: Step | None = None,
) -> BuildResult:
    """Build a package at ``out`` from sources written ``kind:path``.

    Raises
    ------
    SourceError, ValidationError, PackageError
        Nothing is written when any is raised.
    """
    timings: dict[str, float] = {}
    with _timed(timings, "read the sources", report):
        sources = load_sources(specs)
    with _timed(timings, "validate", report):
        raw_nodes, raw_edges = combine_sources(sources)
        tables = validate_tables(raw_nodes, raw_edges, lenient=lenient)
    provenance = [
        {
            "kind": s.kind,
            "path": s.path,
            "sha256": _digest(Path(s.path)),
            "rows_read": s.rows_read,
            "warnings": s.warnings,
        }
        for s in sources
    ]
    info = {"title": "innokg graph", "synthetic": False, "lenient": lenient}
    manifest = _write(
        tables,
        Path(out),
        sources=provenance,
        info=info,
        timings=timings,
        report=report,
        database=database,
    )
    return BuildResult(manifest, timings)


def build_demo(
    out: str | Path,
    *,
    scale: int = 2000,
    seed: int = 2016,
    database: bool = True,
    report: Step | None = None,
) -> BuildResult:
    """Generate the demo ecosystem and write it as a package at ``out``."""
    from loaders.synthetic import generate

    timings: dict[str, float] = {}
    with _timed(timings, "generate the demo ecosystem", report):
        raw_nodes, raw_edges = generate(scale, seed=seed)
    with _timed(timings, "validate", report):
        tables = validate_tables(raw_nodes, raw_edges)
    info = {
        "title": "Henan-shaped demo ecosystem (synthetic data)",
        "synthetic": True,
        "generator": {"name": "loaders.synthetic", "scale": scale, "seed": seed},
    }
    sources = [
        {
            "kind": "synthetic",
            "path": None,
            "sha256": None,
            "note": "invented by innokg's demo generator; not facts about real organisations",
        }
    ]
    manifest = _write(
        tables,
        Path(out),
        sources=sources,
        info=info,
        timings=timings,
        report=report,
        database=database,
    )
    return BuildResult(manifest, timings)
