"""Commands that make what people look at and take away: export, viz, brief."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import click

from graph.ecosystem import EcosystemGraph
from innokg.exports import EXPORT_FORMATS, RDF_FORMATS, export_graph

__all__ = ["COMMANDS"]


def _rdf_available() -> bool:
    try:
        return importlib.util.find_spec("graph.rdf") is not None
    except (ImportError, ValueError):
        return False


_FORMATS = EXPORT_FORMATS + (RDF_FORMATS if _rdf_available() else ())


@click.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(_FORMATS),
    help="csv and neo4j-csv write a folder; the others one file.",
)
@click.option("--out", required=True, type=click.Path(path_type=Path), help="File or folder.")
@click.option(
    "--verbatim",
    is_flag=True,
    help="Write CSV/Excel cells as they are, without the apostrophe that keeps "
    "spreadsheets from running cells beginning with = + - @ as formulas.",
)
def export(package: Path, fmt: str, out: Path, verbatim: bool) -> None:
    """Export a whole graph package for other tools.

    \b
    csv        nodes/<Label>.csv and edges/<TYPE>.csv (UTF-8, opens in Excel)
    xlsx       one workbook, one sheet per label and edge type
    graphml    one GraphML file (Gephi, igraph, yEd, Cytoscape)
    gexf       one GEXF file (Gephi)
    neo4j-csv  files and the command for neo4j-admin database import

    \b
    Example:
      innokg export innokg-demo --format gexf --out demo.gexf
    """
    start = time.perf_counter()
    G = EcosystemGraph.open(package)
    files = export_graph(G, fmt, out, neutralise=not verbatim)
    size = sum(f.stat().st_size for f in files if f.is_file())
    click.echo(
        f"wrote {len(files)} file(s), {size / 1e6:.1f} MB, to {out} "
        f"in {time.perf_counter() - start:.1f} s"
    )
    if G.manifest.get("synthetic"):
        click.echo(
            "note: the package holds synthetic demo data, not facts about real organisations"
        )


COMMANDS = [export]
