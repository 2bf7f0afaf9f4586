"""Commands that fetch the public sources innokg may not redistribute: data fetch, list, path."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from innokg.graph.errors import SourceError
from innokg.loaders import fetch as fetch_mod

__all__ = ["COMMANDS"]


def _check_names(names: tuple[str, ...]) -> list[str]:
    """The names given, or a usage error listing the known ones."""
    unknown = [n for n in names if n not in fetch_mod.SOURCES]
    if unknown:
        raise click.UsageError(
            f"unknown source(s): {', '.join(unknown)}; "
            f"choose from {', '.join(fetch_mod.SOURCES)} (see `innokg data list`)"
        )
    return list(names)


class _Progress:
    """Progress lines on stderr: one per file; on a terminal, a byte count in between."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.live = not quiet and sys.stderr.isatty()
        self._last_width = 0
        self._last_draw = 0.0

    def _line(self, text: str, *, final: bool) -> None:
        if self.live:
            pad = " " * max(0, self._last_width - len(text))
            click.echo("\r" + text + pad, err=True, nl=final)
            self._last_width = 0 if final else len(text)
        elif final:
            click.echo(text, err=True)

    def __call__(self, event: fetch_mod.FetchEvent) -> None:
        if self.quiet:
            return
        name = f"{event.source}: {event.file}"
        if event.status == "downloading":
            now = time.monotonic()
            if self.live and (event.done == 0 or now - self._last_draw >= 0.1):
                self._last_draw = now
                self._line(f"  {name}: {event.done:,} of {event.total:,} bytes", final=False)
        elif event.status == "fetched":
            self._line(f"  {name}: {event.done:,} bytes fetched, checksum verified", final=True)
        elif event.status == "present":
            self._line(f"  {name}: already there ({event.total:,} bytes, verified)", final=True)
        else:
            self._line(f"  {name}: FAILED", final=True)


def _summary(report: fetch_mod.FetchReport) -> list[str]:
    fetched = report.fetched
    nbytes = sum(f.size for f in fetched)
    lines = [
        f"{len(fetched)} file(s) fetched ({nbytes:,} bytes), {len(report.present)} already "
        f"there, {len(report.failed)} failed, in {report.dest}"
    ]
    if report.failed:
        lines.append("could not get:")
        lines += [f"  {f.reason}" for f in report.failed]
        lines.append("so, until they are fetched, innokg cannot answer:")
        for name in report.failed_sources:
            source = fetch_mod.SOURCES[name]
            lines.append(f"  without {name}: {source.needed_for}")
        lines.append("Files already fetched are kept; run the command again to get the rest.")
    return lines


@click.group()
def data() -> None:
    """Fetch the public sources that innokg may not redistribute.

    Some sources carry no licence or unknown terms, so they do not ship with innokg:
    `innokg data fetch` downloads them from their public upstream at a pinned version,
    checks each file's SHA-256 and size, and keeps only files that match. They land in a
    data folder (the cache by default: `innokg data path`) laid out as chainkg/,
    listed/ and clusters/, which `innokg henan --data FOLDER` reads.
    """


@data.command("fetch")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data folder to fill (default: the cache, $INNOKG_DATA or ~/.cache/innokg/data).",
)
@click.option(
    "--mirror",
    metavar="URL",
    default=None,
    help="Download from a mirror laid out like the data folder (URL/chainkg/company.json…) "
    "instead of the upstreams; an http(s):// or file:// URL or a folder. Default: "
    "$INNOKG_DATA_MIRROR.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60,
    show_default=True,
    help="Seconds to wait for a server to connect or send more data.",
)
@click.option("--force", is_flag=True, help="Download even files already there and verified.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but failures.")
def fetch_command(
    names: tuple[str, ...],
    dest: Path | None,
    mirror: str | None,
    timeout: float,
    force: bool,
    quiet: bool,
) -> None:
    """Download sources NAME (default: all) and verify their checksums.

    Files already there with the right checksum are not downloaded again. A file that
    fails (checksum mismatch, HTTP error, dropped connection, timeout) is not kept and
    leaves the folder as it was; the other files are still fetched, and the command
    exits 1.

    \b
    Example:
      innokg data fetch                      # everything, into the cache
      innokg data fetch listed lq --dest data/
    """
    wanted = _check_names(names)
    progress = _Progress(quiet)
    try:
        report = fetch_mod.fetch(
            wanted, dest=dest, base_url=mirror, timeout=timeout, force=force, progress=progress
        )
    except SourceError as exc:
        raise click.ClickException(str(exc)) from None
    lines = _summary(report)
    if report.ok:
        if not quiet:
            click.echo("\n".join(lines))
        return
    click.echo("\n".join(lines), err=True)
    sys.exit(1)


@data.command("list")
@click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data folder to check (default: the cache).",
)
def list_command(dest: Path | None) -> None:
    """List the sources to fetch, their licence, and whether they are here and verified."""
    root = dest if dest is not None else fetch_mod.cache_dir()
    click.echo(f"data folder: {root}")
    for source in fetch_mod.SOURCES.values():
        folder = root / source.folder
        problems = fetch_mod.verify(source.name, folder)
        missing = [p for p in problems if p.endswith(": missing")]
        if not problems:
            state = "present, verified"
        elif len(missing) == len(source.files):
            state = "not fetched"
        else:
            state = f"{len(problems)} of {len(source.files)} file(s) missing or damaged"
        click.echo(f"\n{source.name}  [{state}]")
        click.echo(f"  {source.description}")
        click.echo(f"  {len(source.files)} file(s), {source.size:,} bytes, into {folder}")
        click.echo(f"  licence: {source.licence}")
        click.echo(f"  needed for: {source.needed_for}")
        for problem in problems if state != "not fetched" else []:
            click.echo(f"  problem: {problem}")


@data.command("path")
def path_command() -> None:
    """Print the cache folder, where `innokg data fetch` puts files by default.

    It is $INNOKG_DATA if set, else $XDG_CACHE_HOME/innokg/data, else ~/.cache/innokg/data.
    """
    click.echo(str(fetch_mod.cache_dir()))


COMMANDS = [data]
