"""``innokg evaluate``: the quality of innokg's answers measured against what they
did not see.

``evaluate partners`` hides linked pairs and predicts them
(:func:`innokg.queries.evaluate.evaluate_partners`); ``evaluate clusters`` sets the
supply-chain clusters beside independent evidence
(:func:`innokg.queries.agreement.cluster_agreement`).  Both are imported when the
command runs, so that ``innokg --help`` stays quick.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd

from innokg.commands.options import clustering_options, open_package, synthetic_note
from innokg.commands.partners import PARTNER_KINDS
from innokg.commands.screen import show
from innokg.graph.errors import InnokgError
from innokg.output import FORMATS, render, write_table

__all__ = ["COMMANDS", "evaluate"]

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

    G = open_package(package)
    synthetic_note(G)
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

    G = open_package(package)
    synthetic_note(G)
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
        _write_text(text, out)
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


evaluate.add_command(clusters)

COMMANDS = [evaluate]
