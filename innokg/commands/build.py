"""Commands that make and describe graph packages: demo, build, info, validate."""

from __future__ import annotations

import csv
import gc
import io
import json
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from innokg.graph.errors import PackageError, Problem
from innokg.graph.package import read_manifest
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from innokg.graph.validate import problem_kind, validate_tables
from innokg.pipeline import (
    build_demo,
    build_from_sources,
    load_report,
    load_sources,
    merge_sources,
)
from innokg.prepare import PREPARE_MAX_NODES, Prepared, PrepareWarning, read_and_prepare
from innokg.progress import StepProgress
from innokg.queries.kept import KEPT_DIR

__all__ = ["COMMANDS"]


_FIRST_QUERY = (
    "MATCH (e:Enterprise)-[:LOCATED_IN]->(:Region)-[:LOCATED_IN]->(c:Region) "
    "RETURN c.name AS city, count(*) AS firms ORDER BY firms DESC LIMIT 5"
)


#: ``--prepare/--no-prepare`` of the commands that build a package.
PREPARE_OPTION = click.option(
    "--prepare/--no-prepare",
    default=None,
    help="Compute the supply-chain clusters, their profiles and Burt's constraint once the "
    "package is written, so that the first question answers at once (under a minute at a "
    f"million nodes). Default: prepare graphs of up to {PREPARE_MAX_NODES:,} nodes; larger "
    "ones keep only the lookups (the edges by node, the names' order...).",
)


@contextmanager
def quiet_prepare_warning() -> Iterator[None]:
    """The commands say in their summary when a build could not prepare its package
    (:func:`prepared_line`): the library's warning would say it twice."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrepareWarning)
        yield


def prepared_line(prepared: Prepared) -> str:
    """What a build prepared for the first questions, in one line."""
    if not prepared.years:
        return f"not prepared for the first questions: {prepared.skipped}"
    if not prepared.files:
        return (
            f"not prepared for the first questions: nothing could be written to the "
            f"package's {KEPT_DIR}/ folder, so each command computes what it needs"
        )
    years = ", ".join("every year" if y is None else str(y) for y in prepared.years)
    if prepared.latest_is_whole is not None:
        years += f", which is {prepared.latest_is_whole}'s too: every node and edge existed then"
    return (
        f"prepared for the first questions in {prepared.seconds:.1f} s: the tables as Arrow "
        f"files to map, the edges listed by node, the order of the names, supply-chain "
        f"clusters, their profiles, Burt's constraint and the degree prior ({years}), kept "
        f"in {KEPT_DIR}/"
    )


def _counts_lines(manifest: dict[str, Any]) -> list[str]:
    counts = manifest.get("counts", {})
    lines = ["nodes:"]
    lines += [f"  {k:<20}{v:>10,}" for k, v in counts.get("nodes", {}).items()]
    lines.append("edges:")
    lines += [f"  {k:<20}{v:>10,}" for k, v in counts.get("edges", {}).items()]
    total_n = sum(counts.get("nodes", {}).values())
    total_e = sum(counts.get("edges", {}).values())
    lines.append(f"total: {total_n:,} nodes, {total_e:,} edges")
    return lines


@click.command()
@click.option(
    "--scale",
    default=2000,
    show_default=True,
    type=click.IntRange(500, None),
    help="Approximate number of nodes.",
)
@click.option("--seed", default=2016, show_default=True, type=int, help="Random seed.")
@click.option(
    "--out",
    default="innokg-demo",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Package folder to write.",
)
@click.option("--no-database", is_flag=True, help="Skip the embedded Cypher database.")
@PREPARE_OPTION
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def demo(
    scale: int,
    seed: int,
    out: Path,
    no_database: bool,
    prepare: bool | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Build the Henan-shaped demo ecosystem (synthetic data) as a graph package."""
    with StepProgress(quiet=quiet or as_json) as progress, quiet_prepare_warning():
        result = build_demo(
            out,
            scale=scale,
            seed=seed,
            database=not no_database,
            report=progress,
            prepare=prepare,
        )
    if as_json:
        click.echo(
            json.dumps({**result.manifest, "timings": result.timings}, ensure_ascii=False, indent=2)
        )
        return
    if quiet:
        return
    click.echo(
        f"\nBuilt the demo ecosystem at {out}/ in {progress.elapsed():.1f} s "
        "(synthetic data: no fact about any real organisation)."
    )
    click.echo("\n".join(_counts_lines(result.manifest)))
    click.echo(prepared_line(result.prepared))
    click.echo(f"""
Try next:
  innokg info {out}
  innokg cypher {out} "{_FIRST_QUERY}"
""")


def _top(reasons: dict[str, int], limit: int = 4) -> str:
    items = list(reasons.items())
    shown = "; ".join(f"{n:,} {why}" for why, n in items[:limit])
    if len(items) > limit:
        shown += f"; and {len(items) - limit} more reason(s)"
    return shown


def _load_report_lines(report: dict[str, Any]) -> list[str]:
    """The load report in a few lines per source (the whole of it is in the JSON file)."""
    lines = ["load report:"]
    for src in report.get("sources", []):
        o = src.get("outcomes", {})
        read = src.get("rows_read", 0)
        parts = [
            f"{o.get(k, 0):,} {k}" for k in ("used", "folded", "rejected", "filtered", "skipped")
        ]
        lines.append(f"  {src['kind']}: {src['path']}")
        check = "" if src.get("accounted", True) else "  (DOES NOT ADD UP)"
        lines.append(f"    {read:,} rows read: " + ", ".join(parts) + check)
        made_n = sum(src.get("made", {}).get("nodes", {}).values())
        made_e = sum(src.get("made", {}).get("edges", {}).values())
        line = f"    made {made_n:,} nodes and {made_e:,} edges"
        inferred = src.get("notes", {}).get("supplies_inferred")
        if inferred is not None:
            line += f" ({inferred:,} SUPPLIES inferred)"
        lines.append(line)
        for key, title in (
            ("merging", "merging"),
            ("fixes", "fixes"),
            ("warnings", "warnings"),
            ("rejects", "rejects"),
            ("folded", "folded"),
            ("filtered", "filtered"),
            ("skipped", "skipped"),
        ):
            reasons = src.get(key) or {}
            if reasons:
                lines.append(f"    {title}: {_top(reasons)}")
    merging = report.get("merging", {})
    pairs = merging.get("merged pairs by rule", {})
    if pairs:
        lines.append("  merged across sources: " + _top(pairs, limit=6))
    conflicts = merging.get("conflicting values (first source kept)", 0)
    if conflicts:
        lines.append(f"  {conflicts:,} conflicting value(s): the first source's kept")
    added = merging.get("regions added from the shipped reference")
    if added:
        lines.append(
            f"  {added:,} region(s) added from the shipped reference (Henan divisions, provinces)"
        )
    for w in merging.get("warnings", []):
        lines.append(f"  warning: {w}")
    return lines


_EXTRA_COLUMNS = click.option(
    "--extra-columns",
    type=click.Choice(["keep", "reject"]),
    default="keep",
    show_default=True,
    help="Columns of a node table that match no property: keep them in the node's "
    "attributes (a JSON object), or reject them (one problem naming the file and the "
    "columns).",
)


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Package folder to write (replaced atomically if it is a package).",
)
@click.option(
    "--lenient",
    is_flag=True,
    help="Skip rows that break the schema (written to rejects.csv) instead of stopping.",
)
@click.option(
    "--scope",
    type=click.Choice(["all", "henan"]),
    default=None,
    help="For chainkg and regions sources: everything (default), or Henan only "
    "(Henan's divisions; Henan's listed firms and their chain neighbourhood).",
)
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="CSV of merge decisions (id_a,id_b,decision with decision same or different) "
    "that override entity resolution.",
)
@click.option("--no-database", is_flag=True, help="Skip the embedded Cypher database.")
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Write the package even when a source yields no usable row (by default that "
    "stops the build, lenient or not).",
)
@_EXTRA_COLUMNS
@PREPARE_OPTION
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def build(
    sources: tuple[str, ...],
    out: Path,
    lenient: bool,
    scope: str | None,
    mapping: Path | None,
    no_database: bool,
    allow_empty: bool,
    extra_columns: str,
    prepare: bool | None,
    quiet: bool,
) -> None:
    """Build a graph package from SOURCES, each written KIND:PATH or PATH.

    KIND is tables (a folder of nodes/*.csv and edges/*.csv, or an .xlsx
    workbook), chainkg (ChainKnowledgeGraph JSON Lines folder), regions (NBS
    provinces.csv, cities.csv, areas.csv) or universities (the MOE list, one CSV).
    The same organisation in several sources becomes one node; where sources
    disagree the first listed wins. The package holds load_report.json,
    rejects.csv, merges.csv and conflicts.csv beside the tables.

    \b
    Example:
      innokg build chainkg:data/chainkg regions:data/admin-divisions \\
        universities:data/henan_universities_2025.csv tables:my_tables/ --out my-graph
    """
    with StepProgress(quiet=quiet) as progress, quiet_prepare_warning():
        result = build_from_sources(
            list(sources),
            out,
            lenient=lenient,
            database=not no_database,
            report=progress,
            scope=scope,
            mapping=mapping,
            allow_empty=allow_empty,
            extra_columns=extra_columns,
            prepare=prepare,
        )
    if quiet:
        return
    m = result.manifest
    click.echo(f"\nBuilt {out}/ in {progress.elapsed():.1f} s.")
    click.echo("\n".join(_counts_lines(m)))
    click.echo(prepared_line(result.prepared))
    if result.load_report:
        click.echo("\n".join(_load_report_lines(result.load_report)))
        click.echo(f"(the whole report: {out}/load_report.json; merged pairs: {out}/merges.csv)")
    lines = m["counts"].get("rejects", 0)
    if lines:
        rows = _rows_rejected(result.load_report)
        more = f" ({lines:,} reason line(s))" if lines != rows else ""
        click.echo(f"{rows:,} row(s) rejected{more}; reasons in {out}/rejects.csv")


def _rows_rejected(report: dict[str, Any] | None) -> int:
    """Input rows rejected, as the load report counts them (one row, however many reasons)."""
    if not report:
        return 0
    return sum(src.get("outcomes", {}).get("rejected", 0) for src in report.get("sources", []))


@click.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def info(package: Path, as_json: bool) -> None:
    """Show what a graph package holds: counts, sources, build time, load report."""
    m = read_manifest(package)
    if as_json:
        click.echo(json.dumps(m, ensure_ascii=False, indent=2))
        return
    click.echo(f"{package}: {m.get('title', 'innokg graph')}")
    click.echo(f"schema {m['schema_version']}, built {m.get('built_at', '?')}")
    if m.get("synthetic"):
        click.echo("SYNTHETIC DATA: invented for the demo, not facts about real organisations")
    gen = m.get("generator")
    if gen:
        click.echo(f"generator: scale {gen['scale']}, seed {gen['seed']}")
    click.echo("sources:")
    for src in m.get("sources", []):
        line = f"  {src['kind']}: {src.get('path') or '-'}"
        if src.get("rows_read") is not None:
            line += f" ({src['rows_read']:,} rows read)"
        click.echo(line)
    click.echo("\n".join(_counts_lines(m)))
    click.echo(f"embedded database: {m.get('database') or 'none'}")
    missing = [k for k, v in m["counts"]["nodes"].items() if v == 0] + [
        k for k, v in m["counts"]["edges"].items() if v == 0
    ]
    if missing:
        click.echo("empty: " + ", ".join(missing))
    kept = _kept_line(package)
    if kept:
        click.echo(kept)
    report_file = m.get("load_report")
    if report_file:
        path = package / str(report_file)
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PackageError(f"{path} is unreadable ({exc}); rebuild the package") from None
        click.echo("\n".join(_load_report_lines(report)))


#: What each kept file holds, as ``innokg info`` names it.
_KEPT_NAMES = {
    "burt": "Burt's constraint",
    "by-node": "edges listed by node",
    "city": "each node's city",
    "clusters": "supply-chain clusters",
    "ends": "edge ends' positions",
    "explorer-adjacency": "the explorer's adjacency",
    "explorer-ids": "the explorer's sorted ids",
    "ids-unique": "the node ids checked unique",
    "name-rank": "the order of the names",
    "prior": "the degree prior",
    "profiles": "the clusters' profiles",
    "search-index": "the explorer's search index",
}


def _kept_line(package: Path) -> str | None:
    """What earlier commands kept beside the tables (see innokg.queries.kept)."""
    files = sorted((package / KEPT_DIR).glob("*.npz"))
    tables = [f for d in (package / KEPT_DIR).glob("tables-*") for f in d.rglob("*.arrow")]
    if not files and not tables:
        return None
    # the edges listed by node are a file per edge type: named once, with their count
    names = Counter(
        "by-node" if f.name.startswith("by-node-") else f.name.rsplit("-", 1)[0] for f in files
    )
    size = sum(f.stat().st_size for f in [*files, *tables]) / 1e6
    what = [
        f"{_KEPT_NAMES.get(k, k)} ({n} {'file' if k == 'by-node' else 'set'}{'s' if n > 1 else ''})"
        for k, n in sorted(names.items())
    ]
    if tables:
        what.append("the tables as Arrow files, memory-mapped when read")
    return f"kept for later commands: {', '.join(what)}, {size:,.1f} MB in {KEPT_DIR}/"


_SHOWN = 30


def _problem_rows(problems: list[Problem]) -> list[dict[str, Any]]:
    return [
        {
            "file": p.file,
            "row": p.row,
            "column": p.column,
            "kind": problem_kind(p),
            "message": p.message,
        }
        for p in problems
    ]


def _problem_text(problems: list[Problem], rejected: int, show_all: bool) -> list[str]:
    """Summary by kind, then file-level problems, then rows grouped by file."""
    kinds = Counter(problem_kind(p) for p in problems)
    lines = [
        f"{len(problems):,} problem(s) in the input; a --lenient build would reject "
        f"{rejected:,} row(s)",
        "by kind:",
        *[f"  {n:>8,}  {k}" for k, n in kinds.most_common()],
    ]
    shown = problems if show_all else problems[:_SHOWN]
    file_level = [p for p in shown if p.row is None]
    if file_level:
        lines.append("file-level problems (fix these first: they stop whole tables):")
        lines += [f"  {p}" for p in file_level]
    current = None
    for p in shown:
        if p.row is None:
            continue
        if p.file != current:
            current = p.file
            lines.append(f"{p.file}:")
        where = f"row {p.row}" + (f", column '{p.column}'" if p.column else "")
        lines.append(f"  {where}: {p.message}")
    if len(shown) < len(problems):
        lines.append(
            f"... and {len(problems) - len(shown):,} more problem(s): --all shows them all; "
            "--format csv --out problems.csv writes them to a file"
        )
    return lines


@click.command()
@click.argument("sources", nargs=-1)
@click.option(
    "--shacl",
    type=click.Path(path_type=Path),
    metavar="FILE_OR_PACKAGE",
    help="Also validate an RDF file or a graph package with the SHACL shapes "
    "generated from the schema (pySHACL); exits 1 on violations.",
)
@click.option("--all", "show_all", is_flag=True, help="List every problem, not the first 30.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv", "json"]),
    default="text",
    show_default=True,
    help="How to list the problems (csv and json list them all).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the list of problems to this file instead of the terminal.",
)
@_EXTRA_COLUMNS
@click.pass_context
def validate(
    ctx: click.Context,
    sources: tuple[str, ...],
    shacl: Path | None,
    show_all: bool,
    fmt: str,
    out: Path | None,
    extra_columns: str,
) -> None:
    """Check SOURCES against the schema without building anything.

    Lists the problems with file, row and column, a summary by kind first, problems
    that stop a whole table next, then rows grouped by file; counts rows as
    ``innokg build --lenient`` would reject them. Exits 1 when there are any.
    """
    if shacl is not None:
        from innokg.commands.rdf import shacl_check

        code = shacl_check(shacl)
        if code or not sources:
            ctx.exit(code)
    if not sources:
        raise click.UsageError("give SOURCES to check, or --shacl FILE_OR_PACKAGE")
    loaded = load_sources(list(sources), extra_columns=extra_columns)
    merged = merge_sources(loaded)
    tables = validate_tables(merged.nodes, merged.edges, lenient=True, extra_columns=extra_columns)
    problems = tables.problems
    report = load_report(loaded, merged, tables, tables.rejects)
    rejected = _rows_rejected(report)
    for src in loaded:
        for w in src.warnings:
            click.echo(f"warning: {src.path}: {w}", err=fmt != "text" and out is None)
    if fmt == "text":
        text = (
            "\n".join(_problem_text(problems, rejected, show_all or out is not None)) + "\n"
            if problems
            else ""
        )
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(
            buf, ["file", "row", "column", "kind", "message"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(_problem_rows(problems))
        text = buf.getvalue()
    else:
        text = (
            json.dumps(
                {
                    "problems": len(problems),
                    "rows_rejected_if_lenient": rejected,
                    "by_kind": dict(Counter(problem_kind(p) for p in problems).most_common()),
                    "list": _problem_rows(problems),
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    if out is not None:
        tmp = out.with_name(out.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
        click.echo(f"{len(problems):,} problem(s) written to {out}")
    elif text:
        click.echo(text, nl=False)
    if problems:
        ctx.exit(1)
    n = sum(len(t) for t in tables.nodes.values())
    e = sum(len(t) for t in tables.edges.values())
    click.echo(
        f"valid: {n:,} nodes and {e:,} edges "
        f"({len(NODE_LABELS)} labels and {len(EDGE_TYPES)} edge types known)",
        err=fmt != "text" and out is None,
    )


@click.command()
@click.argument("package", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--explorer",
    is_flag=True,
    help="Also build and keep what innokg serve builds at its first start (the search "
    "index, the id look-up and the adjacency), so that its first start is as quick as "
    "a later one; at ten million nodes about 3.5 GB on disk.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def prepare(package: Path, explorer: bool, quiet: bool) -> None:
    """Compute the supply-chain clusters, their profiles (the cluster table's rows),
    Burt's constraint and every node's degree prior of PACKAGE now, for every year and
    the latest (once, when every node and edge existed in the latest year), list every
    edge by node, order the names (which partner tables and briefs
    word their reasons in), and keep them beside its tables, so that the
    first question answers at once (one firm's partners search the lists rather than
    every edge: at ten million nodes 4.0 s instead of 6.5 s).

    It also keeps the tables as uncompressed Arrow files, which every later command
    memory-maps instead of decoding the Parquet: at ten million nodes a command opens the
    graph in 4 s instead of 15 s, holding 2.7 GB instead of 9.8 GB, for about four times
    the Parquet's disk space (7.8 GB).

    A build does this itself for graphs of up to 2,000,000 nodes (unless --no-prepare);
    for larger ones it keeps all but the clusters, their profiles, the constraint and the
    prior (under a minute at ten million nodes). Run it for a larger one, or after
    building with --no-prepare. INNOKG_KEEP=0 turns keeping off, and then this does
    nothing.

    With --explorer it also builds what the explorer (innokg serve) builds at its first
    start and keeps beside the package, to be read by every start.

    \b
    Example:
      innokg demo --scale 5000000 --out demo-5m   # not prepared: too large by default
      innokg prepare demo-5m --explorer
    """
    with StepProgress(quiet=quiet) as progress:
        done = read_and_prepare(package, report=progress)
        explorer_kept = None
        if explorer and done.years:
            explorer_kept = False
            if done.files:  # else nothing can be kept: not built for nothing
                progress("keep the explorer's search index, id look-up and adjacency")
                from innokg.serve.explorer import keep_explorer

                gc.collect()  # the graph prepared and its arrays (a cycle) go first
                explorer_kept = keep_explorer(package)
    if not quiet:
        click.echo(prepared_line(done))
        what = "the explorer's search index, id look-up and adjacency"
        if explorer_kept:
            click.echo(f"{what} kept in {KEPT_DIR}/")
        elif explorer_kept is not None:
            click.echo(
                f"{what} could not be kept (nothing can be written to the package's "
                f"{KEPT_DIR}/ folder): the explorer builds them at each start"
            )


COMMANDS = [demo, build, prepare, info, validate]
