"""The benchmark steps: each times one job on a demo package of a given scale.

A step is a function ``(package, scale) -> dict``; it times only the work itself (not
start-up or reading inputs it is handed) and returns ``seconds`` plus anything worth
reporting.  :mod:`benchmarks.run_step` runs one step in a fresh process, so the peak
memory it reports is that step's own.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["STEPS", "TARGETS_1M", "Step"]

Step = Callable[[Path, int], dict[str, Any]]


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def generate_and_build(package: Path, scale: int) -> dict[str, Any]:
    """Generate the demo and write its package (tables only; the database is its own step)."""
    from innokg.pipeline import build_demo

    out = Path(tempfile.mkdtemp(dir=package.parent)) / "pkg"
    try:
        seconds, result = _timed(lambda: build_demo(out, scale=scale, database=False))
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    counts = result.manifest["counts"]
    return {
        "seconds": seconds,
        "nodes": sum(counts["nodes"].values()),
        "edges": sum(counts["edges"].values()),
    }


def reopen(package: Path, scale: int) -> dict[str, Any]:
    """Read a package's tables, checksums verified: ready to query."""
    from graph.ecosystem import EcosystemGraph

    seconds, _ = _timed(lambda: EcosystemGraph.open(package))
    return {"seconds": seconds}


def load_database(package: Path, scale: int) -> dict[str, Any]:
    """Create the embedded database from the package's tables (bulk COPY)."""
    from graph.package import read_tables
    from graph.stores.embedded import create_database
    from graph.validate import Tables

    nodes, edges, _ = read_tables(package)
    scratch = Path(tempfile.mkdtemp(dir=package.parent))
    try:
        seconds, _ = _timed(lambda: create_database(scratch / "graph.lbdb", Tables(nodes, edges)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"seconds": seconds}


def demo_end_to_end(package: Path, scale: int) -> dict[str, Any]:
    """`innokg demo --scale N`, the whole command as a user runs it."""
    out = Path(tempfile.mkdtemp(dir=package.parent)) / "pkg"
    try:
        cmd = [
            sys.executable,
            "-m",
            "innokg",
            "demo",
            "--scale",
            str(scale),
            "--out",
            str(out),
            "-q",
        ]
        seconds, proc = _timed(
            lambda: subprocess.run(cmd, capture_output=True, text=True, check=False)
        )
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return {"seconds": seconds}


def cypher_queries(package: Path, scale: int) -> dict[str, Any]:
    """A point lookup and a 2-hop query on the embedded database, 50 runs each."""
    from graph.ecosystem import EcosystemGraph
    from graph.stores.embedded import EmbeddedStore

    G = EcosystemGraph.open(package, verify=False)
    firms = G.nodes["Enterprise"]["id"].sample(50, random_state=1, replace=True).tolist()
    queries = {
        "point": "MATCH (e:Enterprise {id: $id}) RETURN e.name, e.size",
        "2-hop": "MATCH (s:Enterprise)-[:SUPPLIES]->(:Enterprise)-[:SUPPLIES]->"
        "(e:Enterprise {id: $id}) RETURN count(DISTINCT s) AS n",
    }
    out: dict[str, Any] = {}
    with EmbeddedStore(package / "graph.lbdb") as store:
        for name, q in queries.items():
            store.run(q, {"id": firms[0]})  # warm the cache once
            times = []
            for fid in firms:
                t, _ = _timed(lambda q=q, fid=fid: store.run(q, {"id": fid}))
                times.append(t * 1000)
            times.sort()
            out[f"{name} p50 ms"] = round(statistics.median(times), 2)
            out[f"{name} p95 ms"] = round(times[int(0.95 * (len(times) - 1))], 2)
    out["seconds"] = out["2-hop p95 ms"] / 1000
    return out


#: name -> (function, the issue's target at 1M nodes, or None)
STEPS: dict[str, Step] = {
    "generate + build the package": generate_and_build,
    "reopen a package": reopen,
    "load the embedded database": load_database,
    "Cypher point / 2-hop (p95)": cypher_queries,
    "innokg demo, end to end": demo_end_to_end,
}

#: targets in seconds at 1,000,000 nodes (issue: performance at scale)
TARGETS_1M: dict[str, float] = {
    "generate + build the package": 60,
    "reopen a package": 3,
    "load the embedded database": 20,
    "Cypher point / 2-hop (p95)": 0.1,
    "supply-chain clusters": 15,
    "collaboration gaps": 30,
    "partners, top-20 for large and medium firms": 30,
    "indicators by city and year": 5,
    "innokg demo, end to end": 180,
}
