"""``innokg serve``: a local web explorer over one graph package, read-only.

- :mod:`innokg.serve.search`: the search index (names, pinyin initials, English
  names, ids, codes);
- :mod:`innokg.serve.explorer`: what is served, as plain Python
  (:class:`~innokg.serve.explorer.Explorer`),
  with its parts :mod:`innokg.serve.questions`, :mod:`innokg.serve.cypher` and
  :mod:`innokg.serve.navigate` (filters' facets, shortest paths), and
  :mod:`innokg.serve.limits` (what one request may ask for);
- :mod:`innokg.serve.routes`: the HTTP endpoints, one method each;
- :mod:`innokg.serve.app`: the HTTP app and its guard (Host and token checks,
  Content-Security-Policy);
- ``static/``: the page (one HTML file, one script, one style sheet) and the
  JavaScript it draws with (sigma.js and graphology, vendored with their licences in
  ``static/vendor/LICENSES.md``), so it works offline.

:func:`prepare` builds a server for a package, :func:`start` runs one in a thread
(tests, notebooks); the command line runs it in the foreground (see
``docs/explorer.md``).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from innokg.graph.errors import InnokgError

__all__ = ["Prepared", "new_token", "prepare", "start"]


@dataclass
class Prepared:
    """A server ready to run: its socket is bound, so its URL is known."""

    server: Any  # uvicorn.Server
    socket: Any
    url: str
    token: str | None
    explorer: Any
    thread: threading.Thread | None = field(default=None)

    @property
    def open_url(self) -> str:
        """The URL to open: with the token when there is one."""
        return f"{self.url}?token={self.token}" if self.token else self.url

    def run(self) -> None:
        """Serve until stopped (Ctrl-C in the foreground)."""
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self.explorer.close()

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=30)

    def __enter__(self) -> Prepared:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def prepare(
    graph: Any,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    token: str | None = None,
    warm_up: bool = True,
) -> Prepared:
    """An explorer server for ``graph`` (a package path or an ``EcosystemGraph``).

    Parameters
    ----------
    graph : path or EcosystemGraph
    host : str
        Address to listen on.  Beyond loopback a token is required.
    port : int
        Port; 0 picks a free one.
    token : str, optional
        Required on every request when given.
    warm_up : bool
        Compute cities and supply clusters in a background thread (for colours).

    Raises
    ------
    InnokgError
        A host beyond loopback without a token, an address that cannot be used, a
        package that cannot be read.
    """
    import uvicorn

    from innokg.graph.ecosystem import EcosystemGraph
    from innokg.serve.app import bind, create_app, is_loopback, loopback_hosts
    from innokg.serve.explorer import Explorer

    local = is_loopback(host)
    if not local and not token:
        raise InnokgError(
            f"serving on {host} (beyond this machine) needs a token; give --token or let "
            "`innokg serve` make one"
        )
    if token is not None and len(token) < 16:
        raise InnokgError("a token must be at least 16 characters; omit --token to get one made")
    G = graph if isinstance(graph, EcosystemGraph) else EcosystemGraph.open(Path(graph))
    explorer = Explorer(G)
    sock = bind(host, port)
    port = int(sock.getsockname()[1])
    app = create_app(
        explorer,
        token=token,
        hosts=loopback_hosts(port) if local else None,
        cookie=f"innokg_token_{port}",
    )
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        server_header=False,
        lifespan="off",
    )
    shown = f"[{host}]" if ":" in host else host
    prepared = Prepared(uvicorn.Server(config), sock, f"http://{shown}:{port}/", token, explorer)
    if warm_up:
        threading.Thread(target=_warm, args=(explorer,), name="innokg-warm-up", daemon=True).start()
    return prepared


def _warm(explorer: Any) -> None:
    try:
        explorer.warm_up()
    except Exception:  # colours by city and cluster stay off; every request still answers
        import logging

        logging.getLogger("innokg.serve").exception("computing cities and clusters failed")


def start(graph: Any, **options: Any) -> Prepared:
    """:func:`prepare` a server and run it in a thread; ``.stop()`` ends it."""
    prepared = prepare(graph, **options)
    thread = threading.Thread(target=prepared.run, name="innokg-serve", daemon=True)
    prepared.thread = thread
    thread.start()
    deadline = time.monotonic() + 30
    while not prepared.server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise InnokgError("the explorer did not start")
        time.sleep(0.01)
    return prepared


def new_token() -> str:
    """A fresh random token (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)
