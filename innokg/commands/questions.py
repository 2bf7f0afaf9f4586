"""The policy's questions on the command line: clusters, gaps, partners, indicators.

Each command opens a graph package, asks one function of :mod:`queries` and writes
its table with :func:`innokg.output.write_table` (``--format table|csv|json|xlsx``,
``--out FILE``).  The on-screen table shows the columns a reader needs; the file
formats carry every column.  The query modules are imported when a command runs, so
``innokg --help`` stays quick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pandas as pd

from innokg.commands.nodes import node_id
from innokg.commands.screen import percent, screen_table, show
from innokg.commands.wording import (
    NO_GROUPS,
    dated,
    indicators_title,
    no_cases,
)
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError
from innokg.output import FORMATS, write_table

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
PARTNER_KINDS = (
    "enterprise-institute",
    "enterprise-enterprise",
    "fund-team",
    "fund-enterprise",
    "enterprise-alliance",
    "enterprise-product",
    "enterprise-industry",
)


def _output(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option(
        "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file."
    )(f)
    return click.option(
        "--format",
        "fmt",
        default="table",
        show_default=True,
        type=click.Choice(FORMATS),
        help="table on screen; csv, json or xlsx (needs --out) with every column.",
    )(f)


def _filters(*, year_help: str = "As of this year: only what existed then.") -> Callable[..., Any]:
    def deco(f: Callable[..., Any]) -> Callable[..., Any]:
        f = click.option("--year", type=click.IntRange(1800, 2100), help=year_help)(f)
        f = click.option(
            "--industry", help="Only this industry: id, code (C36) or name; narrower classes too."
        )(f)
        return click.option(
            "--city", help="Only this city: name (郑州 or 郑州市), code or region id."
        )(f)

    return deco


def _lang(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        help="Language of the explanations in the on-screen table.",
    )(f)


def _open(package: Path) -> EcosystemGraph:
    return EcosystemGraph.open(package)


def _synthetic_note(G: EcosystemGraph) -> None:
    if G.manifest.get("synthetic"):
        click.echo("note: synthetic demo data, not facts about real organisations", err=True)


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


def clustering_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of a Leiden clustering run (--seed, --resolution, --inferred,
    --min-size), shared by `innokg clusters` and `innokg evaluate clusters`."""
    for option in reversed(
        (
            click.option(
                "--seed", default=2016, show_default=True, type=int, help="Seed of the Leiden run."
            ),
            click.option(
                "--resolution",
                default=1.0,
                show_default=True,
                type=click.FloatRange(min=0.0, min_open=True),
                help="Above 1: more, smaller clusters.",
            ),
            click.option(
                "--inferred",
                type=click.Choice(["auto", "all", "none"]),
                default="auto",
                show_default=True,
                help="Links through products (PRODUCES, UPSTREAM_OF): for firms without "
                "SUPPLIES edges, for all firms, or never.",
            ),
            click.option(
                "--min-size",
                default=3,
                show_default=True,
                type=click.IntRange(1, None),
                help="Smallest cluster.",
            ),
        )
    ):
        command = option(command)
    return command


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
@_filters()
@_output
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

    G = _open(package)
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
    _synthetic_note(G)
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


#: Rows of a gap table turned into CSV text at a time (a few hundred MB of text at most).
GAP_CSV_ROWS = 200_000


def _write_gaps_csv(
    G: EcosystemGraph,
    kinds: list[str],
    limit: int | None,
    filters: dict[str, Any],
    out: Path,
) -> None:
    """The stacked gaps as one CSV, written kind by kind and GAP_CSV_ROWS rows at a time:
    the same file as the stacked table's, but memory holds one kind's table, not all of
    them (at ten million nodes they are 14 million rows of sentences)."""
    from innokg.exports.chunked import write_chunks
    from innokg.queries.gaps import collaboration_gaps

    def pieces() -> Iterator[pd.DataFrame]:
        for kind in kinds:
            df = collaboration_gaps(G, kinds=[kind], limit=limit, **filters)
            for start in range(0, max(len(df), 1), GAP_CSV_ROWS):
                yield df.iloc[start : start + GAP_CSV_ROWS]
            del df  # before the next kind starts

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
@_filters(year_help="As of this year (e.g. 2018, the targets' deadline).")
@_lang
@_output
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

    G = _open(package)
    _synthetic_note(G)
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
@_filters(year_help="As of this year: the graph then, and pairs not linked then.")
@_lang
@_output
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

    G = _open(package)
    _synthetic_note(G)
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
@_filters(year_help="As of this year; with --by year, the last year of the series.")
@_lang
@_output
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

    G = _open(package)
    _synthetic_note(G)
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


@click.group()
def evaluate() -> None:
    """Measure the quality of innokg's answers on held-out data."""


@evaluate.command("partners")
@click.argument("package", type=click.Path(path_type=Path))
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(PARTNER_KINDS),
    help="Kinds to evaluate (repeat; default every kind; those with nothing to hold out "
    "get one line saying so).",
)
@click.option(
    "--split",
    "splits",
    multiple=True,
    type=click.Choice(("random", "temporal")),
    help="Splits (repeat) [default: random and temporal].",
)
@click.option(
    "--seeds",
    default=3,
    show_default=True,
    type=click.IntRange(1, None),
    help="Random splits, seeded --seed, --seed + 1, ...; mean and spread over them.",
)
@click.option("--seed", default=2016, show_default=True, type=int, help="The first seed.")
@click.option(
    "--fraction",
    default=0.1,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Share of linked pairs a random split hides.",
)
@click.option(
    "--test-years",
    default=1,
    show_default=True,
    type=click.IntRange(1, None),
    help="Last years of each kind's links that the temporal split hides.",
)
@click.option(
    "--negatives",
    default=20,
    show_default=True,
    type=click.IntRange(1, None),
    help="Unlinked pairs sampled per hidden pair (AUC).",
)
@click.option(
    "-k",
    "ks",
    multiple=True,
    type=click.IntRange(1, None),
    help="k of precision@k over all pairs (repeat) [default: 10 and 50].",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice((*FORMATS, "markdown")),
    help="table on screen; csv or xlsx (needs --out): the summary; json: everything; "
    "markdown: the tables of docs/partners.md.",
)
def evaluate_partners_command(
    package: Path,
    kinds: tuple[str, ...],
    splits: tuple[str, ...],
    seeds: int,
    seed: int,
    fraction: float,
    test_years: int,
    negatives: int,
    ks: tuple[int, ...],
    fmt: str,
    out: Path | None,
) -> None:
    """Hide linked pairs, predict them, and measure where each source's hidden
    partners fall in its own list (hits@10, MRR, mean rank), with AUC and precision@k.

    Random splits over several seeds and a temporal split (the last year of links
    hidden, the earlier graph to learn from), each against preferential attachment,
    common neighbours, Adamic-Adar and same-city random, computed the same way.  Says
    which kinds cannot be evaluated and where a baseline beats innokg.  See
    docs/partners.md.

    \b
    Examples:
      innokg evaluate partners innokg-demo
      innokg evaluate partners innokg-demo --seeds 5 --format json --out eval.json
    """
    import json

    from innokg.queries.evaluate import evaluate_partners

    G = _open(package)
    _synthetic_note(G)
    ev = evaluate_partners(
        G,
        kinds=list(kinds) or None,
        splits=list(splits) or ("random", "temporal"),
        seeds=seeds,
        seed=seed,
        fraction=fraction,
        test_years=test_years,
        negatives=negatives,
        ks=list(ks) or [10, 50],
    )
    if fmt in ("json", "markdown"):
        text = (
            json.dumps(ev.to_dict(), ensure_ascii=False, indent=2) + "\n"
            if fmt == "json"
            else ev.markdown()
        )
        if out is None:
            click.echo(text, nl=False)
        else:
            try:
                out.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise InnokgError(f"cannot write {out}: {exc.strerror}") from exc
            click.echo(f"wrote {out}", err=True)
        return
    title = "Partner prediction on held-out pairs (per-source ranking, AUC, precision@k)"
    if fmt == "table" and out is None:
        shown = ev.display()
        for split in ("random", "temporal"):  # one table per split, to fit a terminal
            part = shown[shown["split"] == split] if len(shown) else shown
            if len(part):
                part = part.drop(columns=["split", "runs", "hidden"])
                runs = ev.parameters["seeds"] if split == "random" else ev.parameters["seeds"][:1]
                write_table(part, fmt, None, title=f"{title}, {split} split, seeds {runs}")
    else:
        show(ev.summary, fmt, out, title, list(ev.summary.columns), sheet="evaluation")
    lines = ev.lines()
    if lines:
        click.echo("\n".join(lines), err=out is not None)


COMMANDS = [clusters, gaps, partners, indicators, evaluate]
