"""The policy's questions on the command line: clusters, gaps, indicators (partners in
:mod:`innokg.commands.partners`).

Each command opens a graph package, asks one function of :mod:`queries` and writes
its table with :func:`innokg.output.write_table` (``--format table|csv|json|xlsx``,
``--out FILE``).  The on-screen table shows the columns a reader needs; the file
formats carry every column.  The query modules are imported when a command runs, so
``innokg --help`` stays quick.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pandas as pd

from innokg.commands.options import (
    clustering_options,
    filter_options,
    lang_option,
    open_package,
    output_options,
    synthetic_note,
)
from innokg.commands.screen import percent, screen_table, show
from innokg.commands.wording import (
    NO_GROUPS,
    dated,
    indicators_title,
    no_cases,
)
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError
from innokg.output import write_table

__all__ = ["COMMANDS"]

# Repeated from the query modules so that `--help` need not import them;
# tests/test_cli_questions.py checks that they agree.
GAP_KINDS = (
    "no_research_partner",
    "cluster_support",
    "team_no_finance",
    "below_target",
    "single_source",
    "structural_hole",
    "broker",
    "unspanned_pair",
)


def _read_previous(path: Path) -> pd.DataFrame:
    try:
        if path.suffix.lower() == ".json":
            return pd.read_json(path, dtype={"id": str})
        if path.suffix.lower() == ".xlsx":
            return pd.read_excel(path, dtype={"id": str})
        return pd.read_csv(path, dtype={"id": str})
    except (OSError, ValueError) as exc:
        raise InnokgError(
            f"cannot read previous clusters from {path}: {exc}; write them with "
            "`innokg clusters PACKAGE --members all --format csv --out FILE`"
        ) from None


@click.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option(
    "--members",
    metavar="ID|all",
    help="List the members of cluster ID (or of every cluster) with their roles.",
)
@clustering_options
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Members of an earlier run (--members all): matched clusters keep their ids.",
)
@click.option("--limit", type=click.IntRange(1, None), help="At most this many rows.")
@filter_options()
@output_options
def clusters(
    package: Path,
    members: str | None,
    seed: int,
    resolution: float,
    inferred: str,
    min_size: int,
    previous: Path | None,
    limit: int | None,
    city: str | None,
    industry: str | None,
    year: int | None,
    fmt: str,
    out: Path | None,
) -> None:
    """Supply-chain clusters: communities of the supply network, each profiled.

    One row per cluster: its chain leader (链主), cities, industries, products,
    single-sourced inputs, bridging firms, and the institutes, alliances, funds and
    platforms linked to its members.  The same graph and seed give the same clusters.

    \b
    Examples:
      innokg clusters innokg-demo --city 郑州
      innokg clusters innokg-demo --members 3
      innokg clusters innokg-demo --members all --format csv --out members.csv
      innokg clusters rebuilt-demo --previous members.csv
    """
    from innokg.queries.clusters import cluster_members, no_clusters_reason, supply_clusters

    G = open_package(package)
    options: dict[str, Any] = {
        "seed": seed,
        "resolution": resolution,
        "inferred": inferred,
        "min_size": min_size,
        "year": year,
        "previous": _read_previous(previous) if previous else None,
    }
    if members is not None:
        which: int | None = None
        if members != "all":
            try:
                which = int(members)
            except ValueError:
                raise InnokgError(
                    f"--members takes a cluster id (a number) or 'all', not {members!r}"
                ) from None
        df = cluster_members(G, which, **options)
        screen = ["cluster", "id", "name", "role_zh", "role", "city", "industry", "size"]
        screen += ["leader_score", "purchases", "downstream", "suppliers", "buyers"]
        title = f"Members of cluster {members}"
        sheet = "members"
    else:
        df = supply_clusters(G, city=city, industry=industry, **options)
        screen = ["cluster", "label", "size", "leader_name", "key_suppliers", "cities"]
        share = df["in_province"] if "in_province" in df.columns else pd.Series(dtype=float)
        if share.notna().any() and (share < 1).any():  # a province's graph with its chains
            screen.append("in_province")
        screen += ["industries", "single_sourced", "institutes", "platforms"]
        if "leader_name" in df.columns:  # a cluster with no purchases inside has no leader
            df = df.assign(leader_name=df["leader_name"].replace("", "—"))
        if fmt == "table" and out is None and "in_province" in df.columns:
            df = df.assign(in_province=df["in_province"].map(percent))  # as industries' shares
        title = "Supply-chain clusters"
        sheet = "clusters"
    synthetic_note(G)
    if year is not None and not dated(G):
        click.echo(
            f"note: --year {year} changes nothing here: the graph's firms and supply links "
            "carry no dates, so every one counts in every year",
            err=True,
        )
    if df.empty:  # say why, or an empty table reads as "nothing to worry about"
        if (city or industry) and members is None:
            why = "no cluster has a member in this city or industry"
        else:
            why = "no clusters: " + no_clusters_reason(min_size)
        click.echo(why + (f" (as of {year})" if year else ""), err=True)
    show(df.head(limit) if limit else df, fmt, out, title, screen, sheet=sheet)


def _write_gaps_csv(
    G: EcosystemGraph,
    kinds: list[str],
    limit: int | None,
    filters: dict[str, Any],
    out: Path,
) -> None:
    """The stacked gaps as one CSV, written kind by kind and PIECE_ROWS rows at a time:
    the same file as the stacked table's, but memory holds one kind's table, not all of
    them (at ten million nodes they are 14 million rows of sentences), and one kind's
    working set: what a kind computed goes before the next (at ten million nodes each
    kind alone peaked at 4 to 10.6 GB, the eight in turn at 18.7 GB while they kept it)."""
    from innokg.exports.chunked import row_pieces, write_chunks
    from innokg.queries.arrays import forget_results
    from innokg.queries.gaps import collaboration_gaps

    def pieces() -> Iterator[pd.DataFrame]:
        for kind in kinds:
            df = collaboration_gaps(G, kinds=[kind], limit=limit, **filters)
            yield from row_pieces(df)
            del df  # before the next kind starts
            forget_results(G)  # what is kept beside the package is read again if needed

    rows = write_chunks(pieces(), out, "csv")
    click.echo(f"wrote {rows} row(s) to {out}", err=True)


@click.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(GAP_KINDS),
    help="Kinds of gap (repeat; default all).",
)
@click.option(
    "--limit",
    type=click.IntRange(1, None),
    help="Most severe rows per kind [default: 10 on screen, all in files].",
)
@filter_options(year_help="As of this year (e.g. 2018, the targets' deadline).")
@lang_option
@output_options
def gaps(
    package: Path,
    kinds: tuple[str, ...],
    limit: int | None,
    city: str | None,
    industry: str | None,
    year: int | None,
    lang: str,
    fmt: str,
    out: Path | None,
) -> None:
    """Collaboration gaps: who lacks what the policy asks for, most severe first.

    \b
    no_research_partner  large and medium industrial firms with no research partner
    cluster_support      clusters with no institute, alliance, fund or platform
    team_no_finance      maker teams no fund invests in
    below_target         cities and industries below a target of the policy
    single_source        inputs a buyer gets from one supplier only
    structural_hole      organisations whose contacts all know each other (Burt)
    broker               organisations linking clusters, and the pairs only they link
    unspanned_pair       related clusters that no organisation links

    One kind gives its full table; several are stacked in shared columns (gap,
    entity, name, missing, severity, city, detail).

    \b
    Examples:
      innokg gaps innokg-demo
      innokg gaps innokg-demo --kind below_target --year 2018
      innokg gaps innokg-demo --kind structural_hole --format csv --out holes.csv
    """
    from innokg.queries.gaps import GAP_KINDS as QUERY_KINDS
    from innokg.queries.gaps import collaboration_gaps

    G = open_package(package)
    synthetic_note(G)
    chosen = list(kinds) or list(GAP_KINDS)
    text = ["missing_zh", "detail_zh"] if lang == "zh" else ["missing", "detail"]  # headed by lang
    screen = ["entity", "name", *text[:1], "severity", "city", *text[1:]]
    if year is None:
        when = "整个图，不限年份" if lang == "zh" else "the whole graph, any year"
    else:
        when = f"截至 {year} 年" if lang == "zh" else f"as of {year}"
    filters: dict[str, Any] = {"year": year, "city": city, "industry": industry}
    if fmt == "table" and out is None:
        for kind in chosen:
            _, zh, en = QUERY_KINDS[kind]
            # one kind at a time as collaboration_gaps runs them: on a large graph each
            # lets go of the last one's working set, and only its top rows are held
            df = collaboration_gaps(G, kinds=[kind], limit=limit or 10, **filters)
            title = f"{kind}: {zh if lang == 'zh' else en} · {when}"
            write_table(
                screen_table(df[[c for c in screen if c in df.columns]], lang),
                fmt,
                None,
                title=title,
            )
            if df.empty:  # a kind that cannot be measured has a note row, so this is "none"
                click.echo(
                    "已测算，本图上没有此类缺口。"
                    if lang == "zh"
                    else "Measured: none on this graph."
                )
        return
    if len(chosen) > 1 and fmt == "csv" and out is not None:
        _write_gaps_csv(G, chosen, limit, filters, out)
        return
    if len(chosen) == 1:
        df = QUERY_KINDS[chosen[0]][0](G, **filters)
        df = df.head(limit) if limit else df
    else:
        df = collaboration_gaps(
            G, kinds=chosen, limit=limit, year=year, city=city, industry=industry
        )
    show(df, fmt, out, "Collaboration gaps", list(df.columns), sheet="gaps")


@click.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option(
    "--by",
    type=click.Choice(["province", "city", "industry", "year"]),
    default="province",
    show_default=True,
    help="One row per indicator, or per indicator and city / industry / year.",
)
@click.option(
    "--indicator",
    "keys",
    multiple=True,
    help="Indicator keys (repeat; default all), e.g. platform_coverage.",
)
@click.option(
    "--typical-cases",
    is_flag=True,
    help="List the year's 10 typical cases (article 17) instead; needs --year.",
)
@filter_options(year_help="As of this year; with --by year, the last year of the series.")
@lang_option
@output_options
def indicators(
    package: Path,
    by: str,
    keys: tuple[str, ...],
    typical_cases: bool,
    city: str | None,
    industry: str | None,
    year: int | None,
    lang: str,
    fmt: str,
    out: Path | None,
) -> None:
    """The policy's indicators: value, target, gap and whether met, article by article.

    Targets and deadlines come from the graph's PolicyMeasure nodes (the seed: 80%
    of large and medium industrial firms with a 双创 platform, 100 demonstration
    platforms and 100 demonstration teams by 2018, 100 entrepreneurs, 10 typical
    cases a year).  A city's or industry's share of a count target is allocated in
    whole numbers, pro rata to its large and medium industrial firms.

    Every row says whether the graph can measure it (measurable, note): what the
    data lacks is shown empty, never as 0.  Besides the policy's measures, the table
    counts national enterprise technology centres, the firms that run them,
    universities, listed firms and industrial specialisations (location quotient
    above 1), which the policy sets no target for.

    Without --year the table is as of the latest year in the graph (the year the
    brief uses).  On screen the table shows the measurable indicators, with their
    notes and the others listed below; --format csv/json/xlsx carry every row.

    \b
    Examples:
      innokg indicators innokg-demo
      innokg indicators innokg-demo --by city --year 2018
      innokg indicators innokg-henan --by city --city 郑州
      innokg indicators innokg-demo --typical-cases --year 2018
    """
    from innokg.queries.indicators import latest_year, policy_indicators
    from innokg.queries.indicators import typical_cases as cases

    G = open_package(package)
    synthetic_note(G)
    if typical_cases:
        if year is None:
            raise InnokgError("--typical-cases needs --year (the year whose cases to list)")
        df = cases(G, year=year, city=city, industry=industry)
        if df.empty:
            click.echo(no_cases(year, bool(city or industry), lang), err=True)
        screen = ["year", "rank", "id", "name", "city", "industry", "score"]
        title = f"{year} 年典型案例" if lang == "zh" else f"Typical cases {year}"
        show(df, fmt, out, title, screen, sheet="cases", lang=lang)
        return
    as_of = year if year is not None else latest_year(G)
    df = policy_indicators(
        G,
        by=by,  # type: ignore[arg-type]
        year=as_of,
        city=city,
        industry=industry,
        indicators=list(keys) or None,
    )
    title = indicators_title(G, by, as_of, year is None, city, industry, lang)
    if df.empty:  # say why, or an empty table reads as "nothing to report"
        if lang == "zh":
            click.echo(f"{title}：没有行，{NO_GROUPS['zh'].get(by, '没有可测算的内容')}", err=True)
        else:
            click.echo(
                f"{title}: no rows, {NO_GROUPS['en'].get(by, 'nothing to measure')}", err=True
            )
    if fmt != "table" or out is not None:
        show(df, fmt, out, title, [], sheet="indicators")
        return
    text = "indicator_zh" if lang == "zh" else "indicator_en"
    note, detail = ("note_zh", "detail_zh") if lang == "zh" else ("note", "detail")
    screen = ["group_name", "article", "indicator", text, "value", "target", "gap", "met"]
    if by == "province":
        screen = screen[1:]
    if df.empty:
        return
    measurable = df.groupby("indicator", sort=False)["measurable"].any()
    shown = df[df["indicator"].map(measurable).astype(bool).to_numpy()]
    empty = [c for c in ("target", "gap", "met") if shown[c].isna().all()]
    if shown.empty:
        click.echo(
            f"{title}：图中没有可测算的指标"
            if lang == "zh"
            else f"{title}: no indicator is measurable on this graph"
        )
    else:
        shown = shown.assign(detail=shown[detail])  # one header, in the chosen language
        columns = [c for c in [*screen, "detail"] if c not in empty]
        show(shown, fmt, out, title, columns, sheet="indicators", lang=lang)
    notes = (
        df[df[note].fillna("") != ""]
        .drop_duplicates(["indicator", note])
        .groupby("indicator", sort=False)[note]
        .agg(" | ".join)
    )
    lines = [
        f"  {key}: {notes[key]}" for key in measurable.index if measurable[key] and key in notes
    ]
    if lines:
        click.echo("说明：" if lang == "zh" else "Notes:")
        click.echo("\n".join(lines))
    missing = [key for key in measurable.index if not measurable[key]]
    if missing:
        click.echo(
            f"图中无法测算的指标（{len(missing)} 项；文件中各行均为空）："
            if lang == "zh"
            else f"Not measurable on this graph ({len(missing)}; empty in every row of the files):"
        )
        click.echo("\n".join(f"  {key}: {notes.get(key, '')}" for key in missing))


COMMANDS = [clusters, gaps, indicators]
