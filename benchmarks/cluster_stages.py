"""Time and memory of the supply-chain clusters, stage by stage, on one package.

    INNOKG_KEEP=0 python benchmarks/cluster_stages.py PACKAGE

Prints, after each stage (open, every edge's ends, the supply network, Leiden, the split
of two chains, the member statistics, the profile), the seconds since the start, the
resident memory and the peak so far.  The stages are marked by wrapping the functions
the clusters step calls; nothing else changes.  ``docs/results/cluster_stages_10m.json``
holds a run at ten million nodes.  With ``INNOKG_KEEP=0`` every stage is computed; to
time the step as the benchmark runs it (``INNOKG_KEEP=1``, every edge's ends kept),
remove the package's kept ``clusters-*`` and ``profiles-*`` first, or it reads them.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any


def _memory_gb() -> tuple[float, float]:
    found = {}
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                found[line[:5]] = int(line.split()[1]) / 1024 / 1024
    return found["VmRSS"], found["VmHWM"]


def main(package: str) -> None:
    from innokg.graph.ecosystem import EcosystemGraph
    from innokg.queries.arrays import arrays
    from innokg.queries.clusters import detection, profiles, tables

    start = time.perf_counter()

    def mark(stage: str) -> None:
        resident, peak = _memory_gb()
        elapsed = time.perf_counter() - start
        print(f"{elapsed:7.1f} s  {stage:26s} {resident:5.1f} GB  {peak:5.1f} GB")

    def marked(module: Any, name: str, stage: str) -> None:
        inner: Callable[..., Any] = getattr(module, name)

        def run(*args: Any, **kwargs: Any) -> Any:
            result = inner(*args, **kwargs)
            mark(stage)
            return result

        setattr(module, name, run)

    for module, name, stage in (
        (detection, "_network", "the supply network"),
        (detection, "_leiden", "Leiden (igraph)"),
        (detection, "_split_chains", "the split of two chains"),
        (tables, "_member_stats", "member statistics"),
        (profiles, "_profile", "the profile"),  # called by cluster_profiles
    ):
        marked(module, name, stage)
    print("  ends at  stage                      resident  peak so far")
    G = EcosystemGraph.open(package, verify=False)
    mark("open the package")
    A = arrays(G)
    for edge_type in G.edges:
        A.edges(edge_type)
    mark("every edge's ends")
    tables.supply_clusters(G)


if __name__ == "__main__":
    main(sys.argv[1])
