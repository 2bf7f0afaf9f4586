"""The explorer on HTTP: a Starlette app over an :class:`~innokg.serve.explorer.Explorer`.

Every answer is JSON (or a CSV / Excel file on request); an error is
``{"error": "..."}`` with a status code, never a traceback.  What guards it, in the
order a request meets it (:class:`Guard`):

- **Host**: a server on a loopback address answers only requests addressed to
  loopback names (``127.0.0.1``, ``localhost``, ``[::1]``), so a web page elsewhere
  cannot reach it through a DNS name that resolves to 127.0.0.1 (DNS rebinding).
- **Token**: when the server has one (always when it listens beyond loopback),
  every request must carry it: ``Authorization: Bearer TOKEN``, or the cookie the
  page gets when opened once with ``/?token=TOKEN``.  Without it: 401.
- **Headers**: a strict Content-Security-Policy (scripts, styles and data from the
  server only; no inline script, style or event handler; no frames), no sniffing, no
  referrer, no caching.
- **Requests that change nothing**: the API has no write; a POST must be JSON (which
  another site's page cannot send without the server's consent) and at most 64 kB;
  Cypher runs read-only on a read-only database, with a time limit.
"""

from __future__ import annotations

import logging
import secrets
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from innokg.graph.errors import InnokgError, NodeNotFound
from innokg.serve.explorer import Explorer, NotFound, NotReady
from innokg.serve.routes import Endpoints

__all__ = ["API", "CSP", "Guard", "create_app", "is_loopback", "loopback_hosts"]

log = logging.getLogger("innokg.serve")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]

#: The API, as ``GET /api`` lists it (docs/explorer.md says more).
API = [
    ("GET", "/api", "this list"),
    ("GET", "/api/info", "the package, its counts, labels and edge types"),
    ("GET", "/api/search?q=TEXT[&limit=20][&label=LABEL]", "nodes by name, initials, id, code"),
    ("GET", "/api/nodes/{id}", "a node: properties, provenance, neighbours counted by type"),
    (
        "GET",
        "/api/nodes/{id}/neighbours[?type=T][&label=L][&direction=in|out][&limit=50][&offset=0]",
        "a page of neighbours (best connected first) and the edges to them; 'more' counts the rest",
    ),
    ("GET", "/api/nodes/{id}/questions", "its cluster and leader, its gaps, partner suggestions"),
    (
        "POST",
        "/api/nodes",
        'short records (id, label, name, city, cluster) of nodes: {"ids": [...]}',
    ),
    ("POST", "/api/edges", 'the edges among nodes: {"ids": [...]}'),
    (
        "GET",
        "/api/facets",
        "what the canvas can be filtered by: cities, industries, years, evidence",
    ),
    (
        "GET",
        "/api/path?from=ID&to=ID[&max=6][&types=T,T]",
        "a shortest path between two nodes (edges either way), at most max links",
    ),
    ("GET", "/api/clusters[?format=csv|xlsx]", "supply-chain clusters"),
    ("GET", "/api/clusters/{n}/graph", "a cluster on its supply backbone, with positions"),
    ("GET", "/api/clusters/{n}/members[?format=csv|xlsx]", "a cluster's members and roles"),
    ("GET", "/api/gaps[?kind=K][&format=csv|xlsx]", "collaboration gaps"),
    ("GET", "/api/partners[?kind=K][&k=20][&format=csv|xlsx]", "candidate partnerships"),
    ("GET", "/api/indicators[?by=province|city|industry|year][&format=csv|xlsx]", "indicators"),
    (
        "GET",
        "/api/map?indicator=NAME[&lang=zh|en]",
        "a city indicator as a map of the province's cities (SVG)",
    ),
    ("GET", "/api/queries", "the library's named Cypher queries, with example parameters"),
    (
        "POST",
        "/api/cypher",
        'read-only Cypher: {"query": "...", "params": {...}} or {"name": "...", "params": {...}};'
        ' "format": "csv" or "xlsx" for a file',
    ),
]


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost).

    >>> [is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "10.0.0.5")]
    [True, True, True, False, False]
    """
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def loopback_hosts(port: int) -> set[str]:
    """The Host headers a loopback server accepts."""
    names = {"127.0.0.1", "localhost", "[::1]"}
    return names | {f"{n}:{port}" for n in names}


def _json_error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


class Guard:
    """ASGI middleware: Host check, token check and security headers on every answer.

    Parameters
    ----------
    app : ASGI app
    token : str, optional
        The token every request must carry; None for none (loopback only).
    hosts : set of str, optional
        The Host headers accepted; None accepts any (a server beyond loopback, where
        the token is the guard).
    cookie : str
        The name of the cookie that carries the token for the page.
    """

    def __init__(
        self, app: ASGIApp, *, token: str | None, hosts: set[str] | None, cookie: str
    ) -> None:
        self.app = app
        self.token = token
        self.hosts = hosts
        self.cookie = cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self.hosts is not None and headers.get("host", "").lower() not in self.hosts:
            reply = _json_error(400, "this server answers only requests to its loopback address")
            await reply(scope, receive, secured)
            return
        if self.token is not None:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            given = query.get("token", [None])[0]
            if scope["path"] == "/" and given is not None and self._same(given):
                # the printed URL, opened once: keep the token in a cookie, drop it from the URL
                reply = RedirectResponse("/", status_code=303)
                reply.set_cookie(
                    self.cookie, self.token, httponly=True, samesite="strict", path="/"
                )
                await reply(scope, receive, secured)
                return
            if not self._carried(headers):
                reply = _json_error(
                    401,
                    "this server needs its token: open the URL it printed (ending in "
                    "?token=...), or send the header 'Authorization: Bearer TOKEN'",
                )
                await reply(scope, receive, secured)
                return
        await self.app(scope, receive, secured)

    def _same(self, given: str) -> bool:
        assert self.token is not None
        return secrets.compare_digest(given.encode(), self.token.encode())

    def _carried(self, headers: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and self._same(auth[7:].strip()):
            return True
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header carries no token
            return False
        morsel = jar.get(self.cookie)
        return morsel is not None and self._same(morsel.value)


# --- errors as JSON ---------------------------------------------------------------------


async def _innokg_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NodeNotFound):
        return _json_error(
            404,
            f"no node with id {exc.node_id!r} in this graph; GET /api/search?q=NAME finds ids",
        )
    status = 404 if isinstance(exc, NotFound) else 503 if isinstance(exc, NotReady) else 400
    return _json_error(status, str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _json_error(exc.status_code, str(exc.detail))


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("error answering %s %s", request.method, request.url.path)
    return _json_error(500, "the server failed on this request; its log says why")


# --- the app ----------------------------------------------------------------------------


def create_app(
    explorer: Explorer,
    *,
    token: str | None = None,
    hosts: set[str] | None = None,
    cookie: str = "innokg_token",
) -> Guard:
    """The explorer's ASGI app, guarded (see the module's notes).

    Parameters
    ----------
    explorer : Explorer
    token : str, optional
        Required on every request when given.
    hosts : set of str, optional
        Host headers accepted (:func:`loopback_hosts` for a loopback server); None
        accepts any.
    cookie : str
        Name of the cookie that carries the token.
    """
    on = Endpoints(explorer, Path(str(resources.files("innokg.serve") / "static")), API)
    routes = [
        Route("/", on.index),
        Route("/api", on.api_list),
        Route("/api/info", on.info),
        Route("/api/search", on.search),
        Route("/api/nodes", on.many_nodes, methods=["POST"]),
        Route("/api/nodes/{rest:path}", on.nodes),
        Route("/api/edges", on.edges, methods=["POST"]),
        Route("/api/facets", on.facets),
        Route("/api/path", on.path),
        Route("/api/clusters", on.clusters),
        Route("/api/clusters/{n}/graph", on.cluster_graph),
        Route("/api/clusters/{n}/members", on.cluster_members),
        Route("/api/gaps", on.gaps),
        Route("/api/partners", on.partners),
        Route("/api/indicators", on.indicators),
        Route("/api/map", on.city_map),
        Route("/api/queries", on.queries),
        Route("/api/cypher", on.cypher, methods=["POST"]),
        Mount("/static", StaticFiles(directory=on.static), name="static"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            InnokgError: _innokg_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    return Guard(app, token=token, hosts=hosts, cookie=cookie)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port).

    Raises
    ------
    InnokgError
        When the address cannot be used (in use, not this machine's).
    """
    sock = None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        if sock is not None:
            sock.close()
        what = exc.strerror or str(exc)
        raise InnokgError(
            f"cannot listen on {host}:{port}: {what}; choose another --port (or --host)"
        ) from None
    return sock
