"""The explorer's HTTP endpoints: each request read, checked and answered as JSON.

:class:`Endpoints` puts an :class:`~innokg.serve.explorer.Explorer` on HTTP, one
method per endpoint; :mod:`innokg.serve.app` routes to them and guards them.  Work
that takes more than a moment (the questions, a node page, Cypher) runs off the event
loop, so one slow request does not hold up the others.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from innokg.graph.errors import QueryError
from innokg.graph.stores.base import write_clauses
from innokg.serve.explorer import Explorer, table_file

__all__ = ["MAX_BODY", "Endpoints"]

#: The largest request body taken, in bytes.
MAX_BODY = 64 * 1024

# --- request helpers --------------------------------------------------------------------


def _int(request: Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"{name} must be a whole number, not {raw!r}") from None
    if not lo <= value <= hi:
        raise QueryError(f"{name} must be between {lo} and {hi}, not {value}")
    return value


def _opt(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    return value if value else None


async def _body(request: Request) -> dict[str, Any]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise HTTPException(415, "send the request body as JSON (Content-Type: application/json)")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise HTTPException(413, f"the request body is over {MAX_BODY // 1024} kB")
    try:
        body = json.loads(raw or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise QueryError(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise QueryError("the request body must be a JSON object")
    return body


def _table_response(
    explorer: Explorer, request: Request, df: pd.DataFrame, title: str, extra: dict[str, Any]
) -> Response:
    fmt = request.query_params.get("format")
    if fmt:
        data, kind = table_file(df, fmt, title)
        name = quote(f"{title}.{fmt}")
        disposition = f"attachment; filename*=UTF-8''{name}"
        return Response(data, media_type=kind, headers={"content-disposition": disposition})
    return JSONResponse({**extra, "title": title, "table": explorer.table(df)})


# --- the endpoints -----------------------------------------------------------------------


class Endpoints:
    """One method per endpoint of the explorer's API (see ``API`` in :mod:`innokg.serve.app`).

    Parameters
    ----------
    explorer : Explorer
    static : Path
        The folder of the page (``index.html``).
    api : list of (method, path, what)
        What ``GET /api`` lists.
    """

    def __init__(self, explorer: Explorer, static: Path, api: list[tuple[str, str, str]]) -> None:
        self.ex = explorer
        self.static = static
        self.api = api

    def run(self, fn: Callable[[], Any]) -> Awaitable[Any]:
        # the questions take seconds on large graphs: off the event loop
        return asyncio.get_running_loop().run_in_executor(None, fn)

    async def index(self, request: Request) -> Response:
        return FileResponse(self.static / "index.html", media_type="text/html; charset=utf-8")

    async def api_list(self, request: Request) -> Response:
        return JSONResponse(
            {"endpoints": [{"method": m, "path": p, "what": w} for m, p, w in self.api]}
        )

    async def info(self, request: Request) -> Response:
        return JSONResponse(await self.run(self.ex.info))

    async def search(self, request: Request) -> Response:
        q = request.query_params.get("q", "")
        if len(q) > 200:
            raise QueryError("the search text is over 200 characters")
        limit = _int(request, "limit", 20, 1, 50)
        label = _opt(request, "label")
        return JSONResponse(self.ex.search(q, limit=limit, label=label))

    async def nodes(self, request: Request) -> Response:
        path = request.path_params["rest"]
        for suffix, handler in (("/neighbours", self._neighbours), ("/questions", self._questions)):
            if path.endswith(suffix):
                return await handler(request, path[: -len(suffix)])
        return JSONResponse(await self.run(lambda: self.ex.node(path)))

    async def _neighbours(self, request: Request, node_id: str) -> Response:
        page = self.ex.neighbours(
            node_id,
            edge_type=_opt(request, "type"),
            label=_opt(request, "label"),
            direction=_opt(request, "direction"),
            limit=_int(request, "limit", 50, 0, 500),
            offset=_int(request, "offset", 0, 0, 10**9),
        )
        return JSONResponse(page)

    async def _questions(self, request: Request, node_id: str) -> Response:
        return JSONResponse(await self.run(lambda: self.ex.node_questions(node_id)))

    async def _ids(self, request: Request) -> list[str]:
        body = await _body(request)
        ids = body.get("ids")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise QueryError('give the node ids as {"ids": ["...", ...]}')
        return ids

    async def many_nodes(self, request: Request) -> Response:
        ids = await self._ids(request)
        return JSONResponse({"nodes": self.ex.summaries_of(ids)})

    async def edges(self, request: Request) -> Response:
        ids = await self._ids(request)
        return JSONResponse(await self.run(lambda: self.ex.edges_among(ids)))

    async def clusters(self, request: Request) -> Response:
        df = await self.run(self.ex.cluster_table)
        return _table_response(self.ex, request, df, "clusters", {})

    def _cluster_id(self, request: Request) -> int:
        raw = request.path_params["n"]
        try:
            return int(raw)
        except ValueError:
            raise QueryError(f"a cluster id is a number, not {raw!r}") from None

    async def cluster_graph(self, request: Request) -> Response:
        n = self._cluster_id(request)
        return JSONResponse(await self.run(lambda: self.ex.cluster_graph(n)))

    async def cluster_members(self, request: Request) -> Response:
        n = self._cluster_id(request)
        df = await self.run(lambda: self.ex.members(n))
        return _table_response(self.ex, request, df, f"cluster {n} members", {"cluster": n})

    async def gaps(self, request: Request) -> Response:
        kind = _opt(request, "kind")
        df = await self.run(lambda: self.ex.gaps(kind))
        return _table_response(self.ex, request, df, f"gaps {kind or 'all'}", {"kind": kind})

    async def partners(self, request: Request) -> Response:
        kind = _opt(request, "kind")
        k = _int(request, "k", 20, 1, 200)
        df = await self.run(lambda: self.ex.partners(kind, k=k))
        return _table_response(self.ex, request, df, f"partners {kind or 'all'}", {"kind": kind})

    async def indicators(self, request: Request) -> Response:
        by = request.query_params.get("by", "province")
        df = await self.run(lambda: self.ex.indicators(by))
        return _table_response(self.ex, request, df, f"indicators by {by}", {"by": by})

    async def queries(self, request: Request) -> Response:
        return JSONResponse({"queries": await self.run(self.ex.library)})

    async def cypher(self, request: Request) -> Response:
        body = await _body(request)
        query, name = body.get("query"), body.get("name")
        params = body.get("params") or {}
        if not isinstance(params, dict):
            raise QueryError('give the parameters as a JSON object: "params": {"id": "E1"}')
        if query is not None and not isinstance(query, str):
            raise QueryError('"query" must be text')
        if name is not None and not isinstance(name, str):
            raise QueryError('"name" must be text')
        if isinstance(query, str):
            found = write_clauses(query)
            if found:
                raise QueryError(
                    f"refused: this query writes ({', '.join(found)}) and the explorer only "
                    "reads; change a graph with `innokg cypher PACKAGE --write`"
                )
        fmt = body.get("format")
        limit = body.get("limit")
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            raise QueryError('"limit" must be a positive whole number')
        df, more = await self.run(lambda: self.ex.cypher(query, params, name=name, limit=limit))
        if fmt:
            data, kind = table_file(df, str(fmt), "cypher")
            return Response(
                data,
                media_type=kind,
                headers={"content-disposition": f"attachment; filename=cypher.{fmt}"},
            )
        graph = await self.run(lambda: self.ex.cypher_graph(df))
        return JSONResponse({"table": self.ex.table(df), "more": more, "graph": graph})

    async def facets(self, request: Request) -> Response:
        return JSONResponse(await self.run(self.ex.facets))

    async def path(self, request: Request) -> Response:
        source, target = _opt(request, "from"), _opt(request, "to")
        if source is None or target is None:
            raise QueryError("give both ends: /api/path?from=ID&to=ID")
        max_hops = _int(request, "max", 6, 1, 10**9)
        raw = _opt(request, "types")
        types = [t.strip() for t in raw.split(",") if t.strip()] if raw else None
        return JSONResponse(
            await self.run(lambda: self.ex.path(source, target, max_hops=max_hops, types=types))
        )

    async def city_map(self, request: Request) -> Response:
        indicator = _opt(request, "indicator")
        if indicator is None:
            raise QueryError(
                "name the indicator: /api/map?indicator=NAME "
                "(GET /api/indicators?by=city lists them)"
            )
        lang = request.query_params.get("lang", "zh")
        svg = await self.run(lambda: self.ex.city_map(indicator, lang))
        return Response(svg, media_type="image/svg+xml; charset=utf-8")
