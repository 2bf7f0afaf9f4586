"""``innokg serve``: the explorer, a local web app over one graph package."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import click

__all__ = ["COMMANDS"]


@click.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on.  Any address beyond this machine needs a token.",
)
@click.option(
    "--token",
    envvar="INNOKG_TOKEN",
    metavar="TEXT",
    help="Require this token on every request (INNOKG_TOKEN; at least 16 "
    "characters).  Made and printed when --host is beyond this machine.",
)
def serve(package: Path, port: int, host: str, token: str | None) -> None:
    """Explore a graph PACKAGE in the browser: search, expand, filter, the questions, Cypher.

    Read-only.  Prints the URL to open and runs until Ctrl-C.  By default it listens
    on 127.0.0.1 only; with --host 0.0.0.0 (or any other address) every request must
    carry a token, printed in the URL.  The page works offline.  The JSON API under
    /api/ is described in docs/explorer.md.

    \b
    Examples:
      innokg serve innokg-demo
      innokg serve innokg-henan --port 9000
      innokg serve innokg-demo --host 0.0.0.0
    """
    from innokg.serve import new_token, prepare
    from innokg.serve.app import is_loopback

    began = time.perf_counter()
    made = False
    if token is None and not is_loopback(host):
        token, made = new_token(), True
    prepared = prepare(package, host=host, port=port, token=token)
    G = prepared.explorer.G
    title = G.manifest.get("title") or package.name
    click.echo(
        f"innokg explorer: {title} ({prepared.explorer.n:,} nodes), "
        f"ready in {time.perf_counter() - began:.1f} s"
    )
    if G.manifest.get("synthetic"):
        click.echo("note: synthetic demo data, not facts about real organisations")
    if made:
        click.echo("a token was made for this run; every request needs it (it is in the URL)")
    if not is_loopback(host):
        click.echo(
            f"listening on {host}: anyone who can reach this machine and has the "
            "token can read the graph"
        )
    click.echo(f"open {prepared.open_url}")
    click.echo("Ctrl-C stops it")
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl-C once it stopped
        prepared.run()
    click.echo("stopped")


COMMANDS = [serve]
