"""Commands that make and describe graph packages: demo, build, info, validate."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

from graph.package import read_manifest
from graph.schema import EDGE_TYPES, NODE_LABELS
from graph.validate import validate_tables
from innokg.pipeline import build_demo, build_from_sources, combine_sources, load_sources

__all__ = ["COMMANDS"]


class _Progress:
    """One line per step on stderr, with its time; silent with --quiet."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.start = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def __call__(self, step: str) -> None:
        if not self.quiet:
            click.echo(f"[{self.elapsed():6.1f}s] {step} ...", err=True)


_FIRST_QUERY = (
    "MATCH (e:Enterprise)-[:LOCATED_IN]->(:Region)-[:LOCATED_IN]->(c:Region) "
    "RETURN c.name AS city, count(*) AS firms ORDER BY firms DESC LIMIT 5"
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
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def demo(scale: int, seed: int, out: Path, no_database: bool, quiet: bool, as_json: bool) -> None:
    """Build the Henan-shaped demo ecosystem (synthetic data) as a graph package."""
    progress = _Progress(quiet or as_json)
    result = build_demo(out, scale=scale, seed=seed, database=not no_database, report=progress)
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
    click.echo(f"""
Try next:
  innokg info {out}
  innokg cypher {out} "{_FIRST_QUERY}"
""")


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
    help="Skip bad rows (written to rejects.csv in the package) instead of stopping.",
)
@click.option("--no-database", is_flag=True, help="Skip the embedded Cypher database.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def build(
    sources: tuple[str, ...], out: Path, lenient: bool, no_database: bool, quiet: bool
) -> None:
    """Build a graph package from SOURCES, each written KIND:PATH or PATH.

    \b
    Example:
      innokg build tables:my_tables/ --out my-graph
    """
    progress = _Progress(quiet)
    result = build_from_sources(
        list(sources), out, lenient=lenient, database=not no_database, report=progress
    )
    if quiet:
        return
    m = result.manifest
    click.echo(f"\nBuilt {out}/ in {progress.elapsed():.1f} s.")
    click.echo("\n".join(_counts_lines(m)))
    for src in m["sources"]:
        for w in src.get("warnings", []):
            click.echo(f"warning: {src['path']}: {w}")
    rejects = m["counts"].get("rejects", 0)
    if rejects:
        click.echo(f"{rejects} row(s) rejected; reasons in {out}/rejects.csv")


@click.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def info(package: Path, as_json: bool) -> None:
    """Show what a graph package holds: counts, sources, build time."""
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


@click.command()
@click.argument("sources", nargs=-1, required=True)
def validate(sources: tuple[str, ...]) -> None:
    """Check SOURCES against the schema without building anything.

    Lists every problem with file, row and column; exits 1 when there are any.
    """
    loaded = load_sources(list(sources))
    raw_nodes, raw_edges = combine_sources(loaded)
    tables = validate_tables(raw_nodes, raw_edges)
    n = sum(len(t) for t in tables.nodes.values())
    e = sum(len(t) for t in tables.edges.values())
    for src in loaded:
        for w in src.warnings:
            click.echo(f"warning: {src.path}: {w}")
    click.echo(
        f"valid: {n:,} nodes and {e:,} edges "
        f"({len(NODE_LABELS)} labels and {len(EDGE_TYPES)} edge types known)"
    )


COMMANDS = [demo, build, info, validate]
