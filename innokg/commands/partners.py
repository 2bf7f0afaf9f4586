"""``innokg partners``: candidate partnerships not yet linked, ranked, each with its
reason; for one organisation (--for), the overall best, or a table for every source
written to a file chunk by chunk.

The query modules are imported when the command runs, so ``innokg --help`` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from innokg.commands.nodes import node_id
from innokg.commands.options import (
    filter_options,
    lang_option,
    open_package,
    output_options,
    synthetic_note,
)
from innokg.commands.screen import show
from innokg.graph.ecosystem import EcosystemGraph

__all__ = ["COMMANDS", "PARTNER_KINDS"]

# Repeated from the query modules so that `--help` need not import them;
# tests/test_cli_questions.py checks that they agree.
PARTNER_KINDS = (
    "enterprise-institute",
    "enterprise-enterprise",
    "fund-team",
    "fund-enterprise",
    "enterprise-alliance",
    "enterprise-product",
    "enterprise-industry",
)


@click.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option(
    "--for",
    "node",
    metavar="NODE",
    help="Partners for this enterprise, institute, fund, team or alliance: its id, stock "
    "code (600066), full name or a part of the name only it has.",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(PARTNER_KINDS),
    help="Kinds of partnership (repeat; default the five partnership kinds).",
)
@click.option(
    "-k", "k", default=20, show_default=True, type=click.IntRange(1, None), help="Pairs per kind."
)
@click.option(
    "--per-source",
    type=click.IntRange(1, None),
    help="Instead of the overall best, this many for every source.",
)
@click.option(
    "--size",
    "sizes",
    multiple=True,
    type=click.Choice(["large", "medium", "small", "micro"]),
    help="Only source enterprises of this size (repeat), e.g. --size large --size medium.",
)
@click.option(
    "--method",
    type=click.Choice(["aa", "ra"]),
    default="aa",
    show_default=True,
    help="Adamic-Adar or resource-allocation weights.",
)
@click.option(
    "--scope",
    type=click.Choice(["province", "all"]),
    default="province",
    show_default=True,
    help="Partners for the province's own organisations (a graph of one province and its "
    "chains, such as innokg henan's), or for every one.",
)
@filter_options(year_help="As of this year: the graph then, and pairs not linked then.")
@lang_option
@output_options
@click.option("--quiet", "-q", is_flag=True, help="No progress lines while a file is written.")
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=None,
    help="With --out: chunks of source firms built at once (default: 2 where there are "
    "two cores). The file is the same for any number; each extra thread holds a few "
    "hundred MB more, and while less memory is free than another chunk may take (about "
    "1 kB per node of the graph), chunks are built one at a time.",
)
def partners(
    package: Path,
    node: str | None,
    kinds: tuple[str, ...],
    k: int,
    per_source: int | None,
    sizes: tuple[str, ...],
    method: str,
    scope: str,
    city: str | None,
    industry: str | None,
    year: int | None,
    lang: str,
    fmt: str,
    out: Path | None,
    quiet: bool,
    threads: int | None,
) -> None:
    """Candidate partnerships not yet linked, ranked, each with the reason why.

    Kinds: enterprise-institute (joint R&D), enterprise-enterprise (supply or
    co-innovation), fund-team, fund-enterprise, enterprise-alliance.  Scores come
    from typed meta-paths (shared buyers, suppliers, institutes, alliances, product
    chains, industry peers) and complementarity (same city, same cluster, same chain).
    See docs/partners.md for the method and its measured quality.

    --out FILE.parquet or FILE.csv (or --format csv) writes the table source firms a
    chunk at a time, so a table of millions of rows never sits in memory whole;
    without --format, the suffix of --out chooses the format.

    \b
    Examples:
      innokg partners innokg-demo --for E000049
      innokg partners henan --for 宇通客车
      innokg partners innokg-demo --kind enterprise-institute --city 郑州 -k 10
      innokg partners innokg-demo --per-source 20 --size large --size medium --out p.parquet
    """
    from innokg.exports.chunked import CHUNKED_FORMATS
    from innokg.queries.partners import candidate_partners

    G = open_package(package)
    synthetic_note(G)
    chosen = node_id(G, node, PARTNER_LABELS) if node is not None else None
    options: dict[str, Any] = {
        "kinds": list(kinds) or None,
        "k": k,
        "per_source": per_source,
        "node": chosen,
        "year": year,
        "city": city,
        "industry": industry,
        "sizes": list(sizes) or None,
        "method": method,
        "scope": scope,
    }
    fmt = _partner_format(fmt, out)
    if out is not None and fmt in CHUNKED_FORMATS:
        _write_partners(G, out, fmt, quiet, {**options, "threads": threads})
        return
    df = candidate_partners(G, **options)
    text = "explanation" if lang == "zh" else "explanation_en"
    screen = ["kind", "rank", "source_name", "target_name", "score", text]
    title = "候选合作伙伴" if lang == "zh" else "Candidate partnerships"
    show(df, fmt, out, title, screen, sheet="partners", lang=lang)


#: The labels a --for text is looked up among (an exact id of any label is accepted).
PARTNER_LABELS = ("Enterprise", "ResearchInstitute", "Fund", "MakerTeam", "Alliance")


def _partner_format(fmt: str, out: Path | None) -> str:
    """The format asked for; when --format was left at its default, the one the suffix
    of --out names (.parquet, .csv, .json, .xlsx), if any."""
    from innokg.exports.chunked import chunked_format

    source = click.get_current_context().get_parameter_source("fmt")
    if out is None or source is not click.core.ParameterSource.DEFAULT:
        return fmt
    suffix = out.suffix.lower().lstrip(".")
    return chunked_format(out) or (suffix if suffix in ("json", "xlsx") else fmt)


def _write_partners(
    G: EcosystemGraph, out: Path, fmt: str, quiet: bool, options: dict[str, Any]
) -> None:
    """The partner table to a Parquet or CSV file, chunk by chunk, with progress lines."""
    from innokg.exports.partners import write_candidate_partners
    from innokg.progress import StepProgress

    with StepProgress(quiet=quiet) as progress:
        done = write_candidate_partners(G, out, fmt=fmt, progress=progress, **options)
    click.echo(
        f"wrote {done.rows} row(s) to {out} ({done.sources} source(s)) "
        f"in {progress.elapsed():.1f} s",
        err=True,
    )


COMMANDS = [partners]
