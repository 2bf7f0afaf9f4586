"""The options the question commands share (--out and --format; --city, --industry and
--year; --lang; a Leiden run's), and how they open a package."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from innokg.graph.ecosystem import EcosystemGraph
from innokg.output import FORMATS

__all__ = [
    "clustering_options",
    "filter_options",
    "lang_option",
    "open_package",
    "output_options",
    "synthetic_note",
]


def output_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--out and --format, as every question writes its table."""
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


def filter_options(
    *, year_help: str = "As of this year: only what existed then."
) -> Callable[..., Any]:
    """--city, --industry and --year, with the year's help worded for the command."""

    def deco(f: Callable[..., Any]) -> Callable[..., Any]:
        f = click.option("--year", type=click.IntRange(1800, 2100), help=year_help)(f)
        f = click.option(
            "--industry", help="Only this industry: id, code (C36) or name; narrower classes too."
        )(f)
        return click.option(
            "--city", help="Only this city: name (郑州 or 郑州市), code or region id."
        )(f)

    return deco


def lang_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """--lang, the language of the explanations on screen."""
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        help="Language of the explanations in the on-screen table.",
    )(f)


def open_package(package: Path) -> EcosystemGraph:
    """The graph package at ``package``, opened (its checksums verified)."""
    return EcosystemGraph.open(package)


def synthetic_note(G: EcosystemGraph) -> None:
    """Say on stderr when the graph is the synthetic demo, not facts."""
    if G.manifest.get("synthetic"):
        click.echo("note: synthetic demo data, not facts about real organisations", err=True)


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
