"""The explorer's speed: ``innokg serve`` started as a user starts it, then asked over HTTP.

The server runs in its own process (``python -m innokg serve PACKAGE --port 0``), so
its start includes everything a user waits for: the interpreter, the imports, opening
the package and building the search index.  Once it answers, the step waits for its
warm-up (cities, industries and supply clusters, computed in a background thread)
to finish, then times, over HTTP from this process:

- 50 searches: common words (郑州, 洛阳, 科技), pinyin initials, an English word,
  and for 9 firms drawn from the package its id, the start of its name and a
  fragment from the middle of its name;
- 50 neighbour pages (``/api/nodes/{id}/neighbours``, the default page of 50): 40
  firms and 10 regions (the hubs, with thousands of neighbours each);
- 10 shortest paths between two of those firms (``/api/path``, every edge type).

Each kind is asked once before the timing (the first neighbour page converts the
edge tables; it is reported on its own).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

__all__ = ["explorer_latency"]

_COMMON = ["郑州", "洛阳", "科技", "有限公司", "zz", "Zhengzhou", "新乡", "xx"]


def _get(base: str, path: str) -> Any:
    with urllib.request.urlopen(base + path, timeout=120) as reply:
        return json.loads(reply.read())


def _timed_get(base: str, path: str) -> float:
    start = time.perf_counter()
    try:
        _get(base, path)
    except urllib.error.HTTPError as exc:  # a path that is not there is an answer too
        if exc.code != 404:
            raise
    return (time.perf_counter() - start) * 1000


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return round(statistics.median(ordered), 2), round(ordered[int(0.95 * (len(ordered) - 1))], 2)


def _requests(package: Path) -> tuple[list[str], list[str], list[str]]:
    """The searches and the neighbour pages to time, drawn from the package."""
    from innokg.graph.ecosystem import EcosystemGraph

    G = EcosystemGraph.open(package, verify=False)
    firms = G.nodes["Enterprise"][["id", "name"]].sample(49, random_state=7, replace=True)
    regions = G.nodes["Region"]["id"].sample(10, random_state=7, replace=True).tolist()
    searches = list(_COMMON)
    for fid, name in firms.head(14).itertuples(index=False):
        name = str(name)
        middle = len(name) // 2
        searches += [str(fid), name[:4], name[middle : middle + 3]]
    pages = [f"/api/nodes/{urllib.parse.quote(str(i), safe='')}/neighbours" for i in firms["id"]]
    pages = pages[:40] + [
        f"/api/nodes/{urllib.parse.quote(str(i), safe='')}/neighbours" for i in regions
    ]
    searches = [f"/api/search?q={urllib.parse.quote(q)}" for q in searches[:50]]
    ids = [urllib.parse.quote(str(i), safe="") for i in firms["id"]]
    paths = [f"/api/path?from={ids[k]}&to={ids[k + 20]}" for k in range(10)]
    return searches, pages, paths


def explorer_latency(package: Path, scale: int) -> dict[str, Any]:
    """Start ``innokg serve`` on the package, then time searches and neighbour pages."""
    searches, pages, paths = _requests(package)
    began = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "innokg", "serve", str(package), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = ""
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("open "):
                base = line.split()[1].rstrip("/")
                break
        if not base:
            raise RuntimeError(f"innokg serve did not start: {proc.stderr.read()[-2000:]}")  # type: ignore[union-attr]
        _get(base, "/api/info")
        ready = time.perf_counter() - began
        while not all(_get(base, "/api/info")["ready"].values()):
            time.sleep(0.2)
        warm = time.perf_counter() - began
        _timed_get(base, searches[0])
        first_page = _timed_get(base, pages[0])
        search_ms = [_timed_get(base, p) for p in searches]
        page_ms = [_timed_get(base, p) for p in pages]
        path_ms = [_timed_get(base, p) for p in paths]
        zhengzhou = [
            _timed_get(base, "/api/search?q=" + urllib.parse.quote("郑州")) for _ in range(20)
        ]
        nodes = _get(base, "/api/info")["nodes"]
        paint = _first_paint(base)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    s50, s95 = _percentiles(search_ms)
    n50, n95 = _percentiles(page_ms)
    return {
        "seconds": max(s95, n95) / 1000,
        "nodes": nodes,
        "start to ready s": round(ready, 2),
        "warm-up done s": round(warm, 2),
        "search p50 ms": s50,
        "search p95 ms": s95,
        "search 郑州 p95 ms": _percentiles(zhengzhou)[1],
        "neighbours p50 ms": n50,
        "neighbours p95 ms": n95,
        "first neighbours ms": round(first_page, 1),
        "path p50 ms": _percentiles(path_ms)[0],
        "path max ms": round(max(path_ms), 1),
        "page first paint ms": paint,
    }


def _first_paint(base: str) -> float | None:
    """Milliseconds from asking headless Chromium for the page to its first drawn frame
    with the page ready (search box and canvas live); None without a Chromium."""
    from innokg.chromium import ChromiumError, DevToolsPipe, find_browser

    if find_browser() is None:
        return None
    host = base.split("//", 1)[1]
    try:
        with DevToolsPipe(allow=(host,), window=(1366, 900)) as browser:
            _, tab = browser.new_tab()
            browser.send("Page.enable", {}, session=tab)
            start = time.perf_counter()
            browser.send("Page.navigate", {"url": base + "/"}, session=tab)
            ready = "window.innokg && window.innokg.state && window.innokg.state.ready"
            while not browser.evaluate(tab, f"!!({ready})"):
                if time.perf_counter() - start > 120:
                    return None
                time.sleep(0.01)
            browser.evaluate(tab, "new Promise(r => requestAnimationFrame(() => r(true)))")
            return round((time.perf_counter() - start) * 1000, 1)
    except ChromiumError:
        return None
