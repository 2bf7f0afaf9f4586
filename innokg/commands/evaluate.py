"""``innokg evaluate clusters``: the supply-chain clusters against independent evidence.

The command joins the ``evaluate`` group (defined with ``evaluate partners`` in
:mod:`innokg.commands.questions`) through :func:`attach`.  The computation is
:func:`innokg.queries.agreement.cluster_agreement`, imported when the command runs so
that ``innokg --help`` stays quick.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd

from innokg.commands.questions import clustering_options
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError
from innokg.output import render, write_table

__all__ = ["attach", "clusters"]

#: Columns of the per-cluster table shown on screen (files carry every column).
_SCREEN_CLUSTERS = [
    "cluster",
    "size",
    "top_industry_code",
    "top_industry_name",
    "top_industry_firms",
    "located",
    "specialised",
    "share",
    "share_random",
]


def _write_text(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InnokgError(f"cannot write {out}: {exc.strerror}") from exc
    click.echo(f"wrote {out}", err=True)


def _rounded(df: pd.DataFrame) -> pd.DataFrame:
    """Floats to three decimals, for reading on screen."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col].dtype):
            out[col] = out[col].round(3) + 0.0  # + 0.0: no "-0.0"
    return out


@click.command("clusters")
@click.argument("package", type=click.Path(path_type=Path))
@clustering_options
@click.option("--year", type=click.IntRange(1800, 2100), help="As of this year.")
@click.option(
    "--permutations",
    default=200,
    show_default=True,
    type=click.IntRange(1, None),
    help="Shuffles of the members' clusters for the random baseline.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(("table", "csv", "json", "markdown")),
    help="table on screen; csv: the summary, one row per measure; json: everything "
    "(docs/results/ keeps it); markdown: the tables of docs/queries.md.",
)
def clusters(
    package: Path,
    seed: int,
    resolution: float,
    inferred: str,
    min_size: int,
    year: int | None,
    permutations: int,
    out: Path | None,
    fmt: str,
) -> None:
    """How the supply-chain clusters agree with evidence they were not built from.

    The normalised mutual information (NMI) and adjusted Rand index between each
    member's cluster and its Shenwan industry, at every level; and the share of a
    cluster's members located in cities where the cluster's top GB/T 4754 industry has
    a location quotient above 1.  Each is set beside the same measure for random
    clusters (the members' clusters shuffled, sizes kept).  Evidence the graph lacks is
    named in one line.  See docs/queries.md.

    \b
    Examples:
      innokg evaluate clusters henan
      innokg evaluate clusters henan --format json --out agreement.json
    """
    from innokg.queries.agreement import cluster_agreement

    G = EcosystemGraph.open(package)
    if G.manifest.get("synthetic"):
        click.echo("note: synthetic demo data, not facts about real organisations", err=True)
    result = cluster_agreement(
        G,
        seed=seed,
        resolution=resolution,
        inferred=inferred,  # type: ignore[arg-type]
        min_size=min_size,
        year=year,
        permutations=permutations,
    )
    if fmt == "json":
        _write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", out)
        return
    if fmt == "markdown":
        _write_text(result.markdown(), out)
        return
    if fmt == "csv":
        write_table(result.summary, "csv", out)
        if out is not None:
            click.echo(f"wrote {len(result.summary)} row(s) to {out}", err=True)
    else:
        tables = []
        if len(result.summary):
            tables.append((result.summary, "Cluster agreement with independent evidence"))
        if len(result.quotients):
            shown = result.quotients[_SCREEN_CLUSTERS]
            tables.append((shown, "Clusters' top industries against the location quotients"))
        text = [render(_rounded(df), "table", title=title) for df, title in tables]
        if text:
            _write_text("".join(text), out)
    if result.notes:
        click.echo("\n".join(result.notes), err=out is not None)


def attach(group: click.Group) -> None:
    """Add ``evaluate clusters`` to the ``evaluate`` group."""
    group.add_command(clusters)
