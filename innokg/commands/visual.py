"""Commands that make what people look at and take away: export, viz, brief."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import click

from innokg.commands.nodes import node_id
from innokg.exports import EXPORT_FORMATS, RDF_FORMATS, export_graph
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError

__all__ = ["COMMANDS"]


def _rdf_available() -> bool:
    try:
        return importlib.util.find_spec("innokg.graph.rdf") is not None
    except (ImportError, ValueError):
        return False


# The defaults of innokg.viz, repeated so that `innokg --help` need not import the
# drawing stack (pyvis, igraph); tests/test_viz.py checks that they agree.
DEFAULT_MAX_NODES = 1000
DEFAULT_PHYSICS_LIMIT = 300
GROUPINGS = ("cluster", "city", "industry", "label")

_FORMATS = EXPORT_FORMATS + (RDF_FORMATS if _rdf_available() else ())

#: Rows (nodes and edges) from which ``innokg export`` shows each table as its step:
#: the 1M demo's 5.9 million rows took 6 s as Turtle, the 10M demo's 59 million 98 s.
EXPORT_STEPS_ROWS = 1_000_000


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
@click.option("--quiet", "-q", is_flag=True, help="No progress lines (shown for large graphs).")
def export(package: Path, fmt: str, out: Path, verbatim: bool, quiet: bool) -> None:
    """Export a whole graph package for other tools.

    On a graph of a million rows or more (nodes and edges), each table is shown on
    stderr as it is written.

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
    from innokg.progress import StepProgress

    start = time.perf_counter()
    G = EcosystemGraph.open(package)
    large = sum(n for kind in G.counts().values() for n in kind.values()) >= EXPORT_STEPS_ROWS
    with StepProgress(quiet=quiet or not large) as progress:
        files = export_graph(G, fmt, out, neutralise=not verbatim, report=progress)
    size = sum(f.stat().st_size for f in files if f.is_file())
    click.echo(
        f"wrote {len(files)} file(s), {size / 1e6:.1f} MB, to {out} "
        f"in {time.perf_counter() - start:.1f} s"
    )
    if G.manifest.get("synthetic"):
        click.echo(
            "note: the package holds synthetic demo data, not facts about real organisations"
        )


def _count(n: int, noun: str) -> str:
    """``1 node``, ``2 nodes``."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _types(values: tuple[str, ...]) -> list[str] | None:
    names = [t.strip() for v in values for t in v.split(",") if t.strip()]
    return names or None


@click.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(path_type=Path), help="The .html file.")
@click.option("--cluster", type=int, help="Draw this supply-chain cluster (an id from clusters).")
@click.option(
    "--around",
    metavar="NODE",
    help="Draw the neighbourhood of this node: its id, a code (stock code 600066), its full "
    "name or a part of the name only it has.",
)
@click.option(
    "--depth", default=1, show_default=True, type=click.IntRange(1, 4), help="With --around."
)
@click.option(
    "--types",
    multiple=True,
    metavar="TYPE[,TYPE]",
    help="With --around or --partner: follow only these edge types.",
)
@click.option(
    "--partner",
    nargs=2,
    metavar="A B",
    help="Draw two nodes (each named as for --around) and the paths between them.",
)
@click.option(
    "--max-nodes",
    default=DEFAULT_MAX_NODES,
    show_default=True,
    type=click.IntRange(10, None),
    help="Above this, the whole graph is aggregated (or sampled) and other views truncated.",
)
@click.option(
    "--overflow",
    type=click.Choice(["aggregate", "sample"]),
    default="aggregate",
    show_default=True,
    help="Whole graph above --max-nodes: groups as nodes, or the best-connected nodes.",
)
@click.option(
    "--group-by",
    type=click.Choice(GROUPINGS),
    default="cluster",
    show_default=True,
    help="Groups of an aggregated whole graph.",
)
@click.option(
    "--size-by",
    default="degree",
    show_default=True,
    help="degree, a numeric property (employees, revenue, amount) or none.",
)
@click.option(
    "--physics-limit",
    default=DEFAULT_PHYSICS_LIMIT,
    show_default=True,
    type=click.IntRange(0, None),
    help="Let the browser refine the layout up to this many nodes.",
)
def viz(
    package: Path,
    out: Path,
    cluster: int | None,
    around: str | None,
    depth: int,
    types: tuple[str, ...],
    partner: tuple[str, str] | None,
    max_nodes: int,
    overflow: str,
    group_by: str,
    size_by: str,
    physics_limit: int,
) -> None:
    """Draw the graph as an interactive page that works offline.

    Without a view option, the whole graph (aggregated or sampled above --max-nodes).
    The page is one HTML file with everything inline; open it in any browser.

    \b
    Examples:
      innokg viz innokg-demo --out ecosystem.html
      innokg viz innokg-demo --cluster 3 --out cluster3.html
      innokg viz innokg-demo --around E000001 --depth 2 --types SUPPLIES --out e1.html
      innokg viz innokg-demo --partner E000979 RI000001 --out pair.html
    """
    from innokg import viz as views

    chosen = [
        name
        for name, v in (("--cluster", cluster), ("--around", around), ("--partner", partner))
        if v
    ]
    if len(chosen) > 1:
        raise click.UsageError(f"give one view at most, not {' and '.join(chosen)}")
    if out.suffix.lower() not in (".html", ".htm"):
        raise InnokgError(f"--out must name an .html file (got {out})")
    start = time.perf_counter()
    G = EcosystemGraph.open(package)
    if around:
        around = node_id(G, around)
    if partner:
        partner = (node_id(G, partner[0]), node_id(G, partner[1]))
    size = None if size_by.lower() == "none" else size_by
    limit = physics_limit
    if cluster is not None:
        net = views.cluster_view(G, cluster, max_nodes=max_nodes, size_by=size, physics_limit=limit)
    elif around:
        net = views.neighbourhood(
            G,
            around,
            depth=depth,
            edge_types=_types(types),
            max_nodes=max_nodes,
            size_by=size,
            physics_limit=limit,
        )
    elif partner:
        net = views.partner_view(
            G, partner[0], partner[1], edge_types=_types(types), size_by=size, physics_limit=limit
        )
    else:
        net = views.whole_graph(
            G,
            max_nodes=max_nodes,
            overflow="sample" if overflow == "sample" else "aggregate",
            group_by=group_by,
            size_by=size,
            physics_limit=limit,
        )
    views.write_page(net, out)
    nodes, edges = net.stats.get("nodes", 0), net.stats.get("edges", 0)
    click.echo(
        f"wrote {out} ({_count(nodes, 'node')}, {_count(edges, 'edge')}, "
        f"{out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s"
    )
    for note in net.notes:
        click.echo(f"  {note}")


@click.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(path_type=Path), help="The file to write.")
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language."
)
@click.option(
    "--city",
    help="A city (name, code or region id): its own brief, with a profile against the "
    "province and the other cities.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "md", "xlsx", "docx", "pdf"]),
    help="Default: from the --out suffix (.md, .xlsx, .docx, .pdf), else html.",
)
@click.option("--year", type=int, help="As of this year (default: the latest in the graph).")
@click.option(
    "--top", default=5, show_default=True, type=click.IntRange(1, 50), help="Rows of each list."
)
@click.option(
    "--since",
    "since",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="OLD",
    help="An earlier graph package (e.g. last year's build): add what changed since.",
)
@click.option(
    "--browser",
    metavar="PATH",
    envvar="INNOKG_BROWSER",
    help="Chromium or Chrome that prints the PDF and draws the Word file's charts "
    "(default: chromium, chromium-browser or google-chrome on the PATH).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress lines while the brief is built.")
def brief(
    package: Path,
    out: Path,
    lang: str,
    city: str | None,
    fmt: str | None,
    year: int | None,
    top: int,
    since: Path | None,
    browser: str | None,
    quiet: bool,
) -> None:
    """Write a policy brief to read, print (A4), edit and forward.

    Page 1 is an executive summary: where the province (or --city) stands against
    each target of the policy (met or not by the deadline, by how much, the trend
    since 2016, or why it cannot be measured) and three to five recommendations
    drawn from the analysis, each with its evidence and policy article.  Then the
    key findings, a map and progress by city, how the cities compare, supply-chain
    clusters and their fragile points, collaboration gaps, partnerships to broker,
    and appendices (glossary, policy articles, method and provenance).

    html is one self-contained file (charts inline, no scripts, fonts or requests);
    pdf is that page printed by headless Chromium; docx is a Word document with real
    headings and tables and the charts as pictures (drawn by Chromium: without one
    the charts are left out and a note says so); md and xlsx hold the same text and
    tables.

    \b
    Examples:
      innokg brief innokg-demo --out brief.html
      innokg brief innokg-demo --lang en --city Zhengzhou --out zhengzhou.pdf
      innokg brief innokg-demo --out brief.docx
      innokg brief henan-2021 --since henan-2020 --out brief.html
    """
    from innokg.brief import build_brief, write_brief
    from innokg.brief.render_docx import charts_available
    from innokg.brief.write import BRIEF_FORMATS, format_of
    from innokg.progress import StepProgress

    start = time.perf_counter()
    chosen = format_of(out, fmt)
    if chosen not in BRIEF_FORMATS:
        raise click.BadParameter(f"unknown format {chosen!r}", param_hint="--format")
    G = EcosystemGraph.open(package)
    old = EcosystemGraph.open(since) if since is not None else None
    with StepProgress(quiet=quiet) as progress:
        result = build_brief(
            G,
            lang="en" if lang == "en" else "zh",
            city=city,
            year=year,
            top=top,
            since=old,
            report=progress,
        )
        if chosen == "docx" and not charts_available(browser):
            click.echo(
                "note: no Chromium or Chrome found, so the Word file has its tables but no "
                "charts or map; install Chromium or give --browser PATH to draw them"
            )
        progress(f"write the {chosen} file")
        path = write_brief(result, out, fmt=chosen, browser=browser)
    click.echo(
        f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB, "
        f"{len(result.recommendations)} recommendations, {len(result.findings)} findings, "
        f"{len(result.tables)} tables) in {time.perf_counter() - start:.1f} s"
    )
    if result.synthetic:
        click.echo(
            "note: the package holds synthetic demo data; the brief says so on its first page"
        )


COMMANDS = [export, viz, brief]
