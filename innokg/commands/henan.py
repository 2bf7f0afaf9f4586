"""``innokg henan``: the real Henan graph in one command."""

from __future__ import annotations

from pathlib import Path

import click

from innokg.commands.build import (
    PREPARE_OPTION,
    _counts_lines,
    _load_report_lines,
    prepared_line,
    quiet_prepare_warning,
)
from innokg.henan import build_henan
from innokg.progress import StepProgress

__all__ = ["COMMANDS"]


@click.command()
@click.option(
    "--out",
    default="henan",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Package folder to write (replaced atomically if it is a package).",
)
@click.option(
    "--data",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder holding the sources innokg may not ship (chainkg/, listed/, clusters/); "
    "the cache filled by `innokg data fetch` is looked in after it.",
)
@click.option("--no-database", is_flag=True, help="Skip the embedded Cypher database.")
@PREPARE_OPTION
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors and missing sources.")
def henan(
    out: Path, data: Path | None, no_database: bool, prepare: bool | None, quiet: bool
) -> None:
    """Build the real Henan graph from every real source innokg can find.

    Shipped with innokg: Henan's divisions and development zones (NBS), its
    universities (MOE list), the national enterprise technology centres (NDRC list),
    city figures and the 2016 policy's measures. Read from --data or from the cache
    of `innokg data fetch`: the chain data of listed companies (chainkg), the listing
    table (listed) and the cities' industry location quotients (lq). A missing one
    is named, with what it leaves unanswerable; the graph is built from the rest.

    \b
    Example:
      innokg data fetch            # once: chainkg, listed, lq into the cache
      innokg henan --out henan
      innokg indicators henan --by city
    """
    with StepProgress(quiet=quiet) as progress, quiet_prepare_warning():
        built = build_henan(
            out, data=data, database=not no_database, report=progress, prepare=prepare
        )
    for name, what in built.missing.items():
        click.echo(
            f"missing source {name}: not in --data nor in the cache; left unanswered: {what}. "
            f"Get it with `innokg data fetch {name}` or give --data FOLDER.",
            err=True,
        )
    if quiet:
        return
    result = built.result
    click.echo(f"\nBuilt the real Henan graph at {out}/ in {progress.elapsed():.1f} s.")
    click.echo("sources:")
    for name, where in built.used.items():
        click.echo(f"  {name:<13}{where}")
    click.echo("\n".join(_counts_lines(result.manifest)))
    click.echo(prepared_line(result.prepared))
    if result.load_report:
        click.echo("\n".join(_load_report_lines(result.load_report)))
        click.echo(f"(the whole report: {out}/load_report.json; merged pairs: {out}/merges.csv)")
    click.echo(f"""
Try next:
  innokg info {out}
  innokg indicators {out} --by city
  innokg clusters {out}
""")


COMMANDS = [henan]
