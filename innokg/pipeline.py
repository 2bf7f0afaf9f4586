"""Build a graph package: read sources, merge them, validate, write tables and the database.

This is the one place where the layers meet: loaders read, :mod:`innokg.loaders.resolve`
merges what several sources say about the same thing, :mod:`innokg.graph.validate`
checks, :mod:`innokg.graph.package` writes, :mod:`innokg.graph.stores.embedded` loads Cypher.

Merging (:func:`merge_sources`), in order:

1. rows of the same node from several sources become one node (see
   :mod:`innokg.loaders.resolve`); edges follow the merged ids;
2. LOCATED_IN edges that name a place instead of a node id (a loader's place left
   open, or a user's ``郑州市`` / ``4101`` in ``to_id``) are resolved to Region
   nodes by :class:`innokg.loaders.regions.RegionResolver`;
3. Henan divisions that edges point to but no source gives are added from the
   reference table shipped with innokg (with the divisions above them);
4. the same edge (its endpoints and the type's own key properties) given as
   ``observed`` by one source and ``inferred`` by another, or by the same source,
   is one ``observed`` edge: the inferred rows are dropped and listed in
   ``edge_merges.csv``; then the same edge given by several sources becomes one edge
   listing every source;
5. when no source gives the policy's measures, the seed policy's (shipped with innokg)
   are added, so that indicators read their targets from the package itself.

A build writes, besides the tables, ``load_report.json`` (per source: rows read and
what became of each, nodes and edges made, merges, fixes, warnings, rejects by
reason), ``rejects.csv`` (every row dropped, with file, row, column and reason),
``merges.csv`` (each pair of rows merged, with the rule), ``edge_merges.csv`` (each
inferred edge dropped for an observed one) and ``conflicts.csv`` (property values that
disagreed; the first source's value is kept).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.package import DATABASE_FILE, write_package
from innokg.graph.stores.embedded import create_database, engine_version
from innokg.graph.validate import Tables, row_generic, validate_tables
from innokg.loaders.base import OUTCOMES, REJECT_COLUMNS, SourceTables
from innokg.loaders.registry import read_source
from innokg.loaders.resolve import (
    CONFLICT_COLUMNS,
    KEPT_APART_COLUMNS,
    MERGE_COLUMNS,
    read_overrides,
)
from innokg.loaders.shipped import policy_source
from innokg.merging import EDGE_MERGE_COLUMNS
from innokg.merging import Merged as Merged
from innokg.merging import combine_sources as combine_sources
from innokg.merging import merge_sources as merge_sources
from innokg.output import csv_text, neutralise_formulas
from innokg.prepare import Prepared, prepare_after_build

__all__ = [
    "LOAD_REPORT",
    "BuildResult",
    "Merged",
    "build_demo",
    "build_from_sources",
    "build_from_tables",
    "combine_sources",
    "load_sources",
    "merge_sources",
]

Step = Callable[[str], Any]

LOAD_REPORT = "load_report.json"
MERGES_FILE = "merges.csv"
EDGE_MERGES_FILE = "edge_merges.csv"
CONFLICTS_FILE = "conflicts.csv"


@dataclass
class BuildResult:
    manifest: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    #: the load report written as load_report.json (builds from sources only)
    load_report: dict[str, Any] | None = None
    #: what was prepared for the first questions (see :mod:`innokg.prepare`)
    prepared: Prepared = field(default_factory=Prepared)


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


def load_sources(
    specs: list[str], *, scope: str | None = None, extra_columns: str = "keep"
) -> list[SourceTables]:
    """Read every source named ``kind:path`` (or a path whose kind is detected).

    ``scope`` (``all`` or ``henan``) reaches the readers that take one (chainkg,
    regions); ``extra_columns`` (``keep`` or ``reject``) those that read a user's
    tables (see :func:`innokg.loaders.tables.read_tables_source`).
    """
    return [read_source(s, scope=scope, extra_columns=extra_columns) for s in specs]


# --- the load report -----------------------------------------------------------------


def _frame_counts(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    return {k: len(v) for k, v in tables.items() if len(v)}


def _file_rows(src: SourceTables) -> dict[str, dict[str, int]]:
    """Per file, rows and their outcomes; from the ledger, else from the tables."""
    summary = src.ledger.summary()
    if summary:
        return summary
    out: dict[str, dict[str, int]] = {}
    for df in [*src.nodes.values(), *src.edges.values()]:
        if "_file" not in df.columns:
            continue
        for file, n in df["_file"].astype(str).value_counts().items():
            entry = out.setdefault(str(file), {"rows": 0, **dict.fromkeys(OUTCOMES, 0)})
            entry["rows"] += int(n)
            entry["used"] += int(n)
    return out


def load_report(
    sources: list[SourceTables],
    merged: Merged,
    tables: Tables,
    validation_rejects: pd.DataFrame,
    *,
    timings: dict[str, float] | None = None,
) -> dict[str, Any]:
    """What became of every input row, per source: the content of load_report.json.

    Returns
    -------
    dict
        ``sources`` (one entry per source: ``kind``, ``path``, ``rows_read``,
        ``files`` with each file's rows by outcome, ``made`` nodes and edges,
        ``fixes``, ``warnings``, ``rejects``, ``folded``, ``filtered`` and
        ``skipped`` by reason, ``merging`` counts, ``notes`` and ``accounted``:
        whether the outcomes add up to the rows read), ``merging`` (merges by rule
        and label, conflicts, pairs kept apart), ``graph`` (nodes and edges by
        label and type) and ``timings``.
    """
    # Validation rejects belong to the source whose file they name.
    by_source: dict[int, list[tuple[str, int, str]]] = {}
    for file, row, reason in zip(
        validation_rejects["file"].astype(str),
        validation_rejects["row"],
        validation_rejects["reason"].astype(str),
        strict=True,
    ):
        owner = merged.file_source.get(file)
        if owner is not None and row is not None and not pd.isna(row):
            by_source.setdefault(owner, []).append((file, int(row), reason))
    entries = []
    for i, src in enumerate(sources):
        files = {f: dict(v) for f, v in _file_rows(src).items()}
        rejected_reasons = Counter(src.ledger.reasons("rejected"))
        warnings = dict(src.ledger.warnings.most_common())
        if not warnings:  # a source that only writes messages: each is one warning
            warnings = dict(Counter(src.warnings))
        # A place no Region matches drops the edge, not the row's node: a warning.
        dropped = merged.rejects.loc[merged.rejects["_src"] == i, "reason"]
        for why, n in Counter(_reason_kind(str(r)) for r in dropped).items():
            key = f"{why}: LOCATED_IN edge dropped (listed in rejects.csv)"
            warnings[key] = warnings.get(key, 0) + n
        seen: set[tuple[str, int]] = set()
        for file, row, why in by_source.get(i, []):
            original = merged.file_original.get(file, file)
            if (original, row) in seen:
                continue
            seen.add((original, row))
            _move_to_rejected(files, original, row, src)
            rejected_reasons["failed validation: " + _reason_kind(why)] += 1
        total = {o: sum(f.get(o, 0) for f in files.values()) for o in OUTCOMES}
        entries.append(
            {
                "kind": src.kind,
                "path": src.path,
                "rows_read": src.rows_read,
                "files": files,
                "outcomes": total,
                "accounted": sum(total.values()) == sum(f["rows"] for f in files.values()),
                "made": {"nodes": _frame_counts(src.nodes), "edges": _frame_counts(src.edges)},
                "fixes": dict(src.ledger.fixes.most_common()),
                "warnings": warnings,
                "warning_examples": {k: v for k, v in src.ledger.examples.items() if v},
                "messages": list(src.warnings),
                "rejects": dict(rejected_reasons.most_common()),
                "folded": src.ledger.reasons("folded"),
                "filtered": src.ledger.reasons("filtered"),
                "skipped": src.ledger.reasons("skipped"),
                "merging": merged.per_source[i],
                "notes": src.notes,
            }
        )
    m = merged.merges
    return {
        "sources": entries,
        "merging": {
            "merged pairs by rule": {
                f"{label} by {rule}": int(n)
                for (label, rule), n in m.groupby(["label", "rule"]).size().items()
            }
            if len(m)
            else {},
            "conflicting values (first source kept)": len(merged.conflicts),
            "candidate pairs kept apart": len(merged.kept_apart),
            "inferred edges dropped for an observed one": (
                {str(k): int(n) for k, n in merged.edge_merges["type"].value_counts().items()}
                if len(merged.edge_merges)
                else {}
            ),
            **merged.notes,
            "warnings": merged.warnings,
        },
        "graph": {
            "nodes": {k: len(v) for k, v in tables.nodes.items()},
            "edges": {k: len(v) for k, v in tables.edges.items()},
        },
        "timings": timings or {},
    }


def _reason_kind(reason: str) -> str:
    """A reason without the row's own values, to count reasons together."""
    if reason.startswith("place "):
        return "place matches no Region"
    # each quoted value ('甲', "x'y") stands for the row's own: replace it, keep the rest
    generic = re.sub(
        r"(column '[^']*')|'[^']*'|\"[^\"]*\"",
        lambda m: m.group(1) or "'…'",
        reason,
    ).strip(" ;:")
    return row_generic(generic) or reason


def _move_to_rejected(
    files: dict[str, dict[str, int]], file: str, row: int, src: SourceTables
) -> None:
    """Count as rejected one row its loader had used (merging or validation dropped it)."""
    entry = files.get(file)
    if entry is None:
        return
    if file in src.ledger.files():
        outcome = src.ledger.outcome(file)
        if row in outcome.index and outcome[row] != "used":
            return
    if entry.get("used", 0) > 0:
        entry["used"] -= 1
        entry["rejected"] = entry.get("rejected", 0) + 1


# --- writing -------------------------------------------------------------------------


def _write(
    tables: Tables,
    out: Path,
    *,
    sources: list[dict[str, Any]],
    info: dict[str, Any],
    timings: dict[str, float],
    report: Step | None,
    database: bool,
    extra: Callable[[Path], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    def extras(tmp: Path) -> dict[str, Any]:
        fields = extra(tmp) if extra else {}
        if not database:
            return {**fields, "database": None}
        with _timed(timings, "load the embedded database", report):
            create_database(tmp / DATABASE_FILE, tables)
        # the engine's 0.x file formats change between versions: say which wrote it
        engine = {"name": "ladybug", "version": engine_version()}
        return {**fields, "database": DATABASE_FILE, "database_engine": engine}

    with _timed(timings, "write the package", report):
        return write_package(tables, out, sources=sources, info=info, extra_files=extras)


def build_from_sources(
    specs: list[str],
    out: str | Path,
    *,
    lenient: bool = False,
    database: bool = True,
    report: Step | None = None,
    scope: str | None = None,
    mapping: str | Path | None = None,
    allow_empty: bool = True,
    extra_columns: str = "keep",
    prepare: bool | None = None,
) -> BuildResult:
    """Build a package at ``out`` from sources written ``kind:path``.

    Parameters
    ----------
    specs : list of str
        Sources, ``kind:path`` or a path whose kind is detected; where they
        disagree the first listed wins.
    out : path
        The package folder (replaced atomically when it is a package).
    lenient : bool
        Drop rows that break the schema (listed in rejects.csv) instead of stopping.
        Rows a loader rejects on purpose (the quirks of public data) never stop a
        build; they are always listed in rejects.csv.
    database : bool
        Also build the embedded Cypher database.
    report : callable, optional
        Called with the name of each step as it starts.
    scope : {"all", "henan"}, optional
        Passed to the sources that take a scope (chainkg, regions).
    mapping : path, optional
        A CSV of merge decisions (``id_a,id_b,decision``; see
        :mod:`innokg.loaders.resolve`).
    allow_empty : bool
        When false, a source that yields no usable row (every row rejected, or none
        read) stops the build with the reason, lenient or not (``innokg build``
        passes false unless ``--allow-empty``).
    extra_columns : {"keep", "reject"}
        Columns of a user's node table that match no property: kept in the node's
        ``attributes`` (a JSON object), or a problem naming the file and the columns.
    prepare : bool, optional
        Compute the clusters, their profiles and Burt's constraint for the first questions once the
        package is written (:mod:`innokg.prepare`); by default when the graph has at
        most :data:`~innokg.prepare.PREPARE_MAX_NODES` nodes.

    Raises
    ------
    SourceError, ValidationError, PackageError
        Nothing is written when any is raised.
    """
    timings: dict[str, float] = {}
    overrides = read_overrides(mapping) if mapping else None
    with _timed(timings, "read the sources", report):
        sources = load_sources(specs, scope=scope, extra_columns=extra_columns)
    info: dict[str, Any] = {"title": "innokg graph", "synthetic": False, "lenient": lenient}
    if scope:
        info["scope"] = scope
    return build_from_tables(
        sources,
        out,
        lenient=lenient,
        database=database,
        report=report,
        overrides=overrides,
        info=info,
        timings=timings,
        allow_empty=allow_empty,
        extra_columns=extra_columns,
        prepare=prepare,
    )


def build_from_tables(
    sources: list[SourceTables],
    out: str | Path,
    *,
    lenient: bool = False,
    database: bool = True,
    report: Step | None = None,
    overrides: pd.DataFrame | None = None,
    info: dict[str, Any] | None = None,
    timings: dict[str, float] | None = None,
    allow_empty: bool = True,
    extra_columns: str = "keep",
    prepare: bool | None = None,
) -> BuildResult:
    """Merge, validate and write sources already read (see :func:`build_from_sources`).

    ``info`` goes into the manifest (title, scope, ...); ``timings`` collects the
    seconds each step took, continuing those of the caller's reading.
    """
    timings = {} if timings is None else timings
    if not any(len(s.nodes.get("PolicyMeasure", ())) for s in sources):
        # the measures the indicators are measured against travel with every package,
        # so that no question reads anything outside the graph
        sources = [*sources, policy_source()]
    with _timed(timings, "merge the sources", report):
        merged = merge_sources(sources, overrides=overrides)
    with _timed(timings, "validate", report):
        tables = validate_tables(
            merged.nodes, merged.edges, lenient=lenient, extra_columns=extra_columns
        )
    loader_rejects = [src.ledger.rejects() for src in sources]
    all_rejects = pd.concat(
        [
            *[r[REJECT_COLUMNS] for r in loader_rejects if len(r)],
            *([merged.rejects[REJECT_COLUMNS]] if len(merged.rejects) else []),
            *([tables.rejects[REJECT_COLUMNS]] if len(tables.rejects) else []),
        ]
        or [pd.DataFrame(columns=REJECT_COLUMNS)],
        ignore_index=True,
    )
    written = Tables(tables.nodes, tables.edges, rejects=all_rejects)
    load = load_report(sources, merged, tables, tables.rejects, timings=timings)
    if not allow_empty:
        _refuse_empty(load)
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
    info = info or {"title": "innokg graph", "synthetic": False, "lenient": lenient}

    def extra(tmp: Path) -> dict[str, Any]:
        merged.merges.reindex(columns=MERGE_COLUMNS).to_csv(tmp / MERGES_FILE, index=False)
        merged.conflicts.reindex(columns=CONFLICT_COLUMNS).to_csv(tmp / CONFLICTS_FILE, index=False)
        # written when empty too (a header only), as the docs list it beside the others
        merged.kept_apart.reindex(columns=KEPT_APART_COLUMNS).to_csv(
            tmp / "kept_apart.csv", index=False
        )
        # ids and source names come from the data: a spreadsheet must not run them
        edge_merges = neutralise_formulas(merged.edge_merges.reindex(columns=EDGE_MERGE_COLUMNS))
        (tmp / EDGE_MERGES_FILE).write_text(csv_text(edge_merges), encoding="utf-8")
        load["timings"] = dict(timings)
        (tmp / LOAD_REPORT).write_text(
            json.dumps(load, ensure_ascii=False, indent=2, default=_json_default) + "\n",
            encoding="utf-8",
        )
        return {"load_report": LOAD_REPORT}

    manifest = _write(
        written,
        Path(out),
        sources=provenance,
        info=info,
        timings=timings,
        report=report,
        database=database,
        extra=extra,
    )
    del tables, written  # the prepared questions read the package: its tables may go first
    prepared = prepare_after_build(out, manifest, prepare, timings, report)
    return BuildResult(manifest, timings, load, prepared)


def _refuse_empty(load: dict[str, Any]) -> None:
    """Stop a build in which a source yields no usable row (nothing is written)."""
    from innokg.graph.errors import SourceError

    for src in load["sources"]:
        o = src["outcomes"]
        if src["kind"] == "policy" or o.get("used", 0) + o.get("folded", 0) > 0:
            continue
        read = sum(f["rows"] for f in src["files"].values())
        why = "; ".join(f"{n:,} {r}" for r, n in list(src["rejects"].items())[:3])
        raise SourceError(
            f"{src['kind']}:{src['path']}: no usable row"
            + (f" ({o.get('rejected', 0):,} of {read:,} rejected: {why})" if read else " read")
            + "; nothing was written. Fix the input (innokg validate lists every problem), "
            "or build with --allow-empty to accept an empty result"
        )


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return str(value)


def build_demo(
    out: str | Path,
    *,
    scale: int = 2000,
    seed: int = 2016,
    database: bool = True,
    report: Step | None = None,
    prepare: bool | None = None,
) -> BuildResult:
    """Generate the demo ecosystem and write it as a package at ``out``, prepared for the
    first questions as :func:`build_from_sources` says."""
    from innokg.loaders.synthetic import generate

    timings: dict[str, float] = {}
    with _timed(timings, "generate the demo ecosystem", report):
        raw_nodes, raw_edges = generate(scale, seed=seed)
    with _timed(timings, "validate", report):
        # the raw tables are let go as they are typed: at 10M nodes both would not fit
        tables = validate_tables(raw_nodes, raw_edges, consume=True)
    info = {
        "title": "Henan-shaped demo ecosystem (synthetic data)",
        "synthetic": True,
        "generator": {"name": "innokg.loaders.synthetic", "scale": scale, "seed": seed},
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
    del tables  # the prepared questions read the package: its tables may go first
    prepared = prepare_after_build(out, manifest, prepare, timings, report)
    return BuildResult(manifest, timings, prepared=prepared)
