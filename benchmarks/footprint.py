"""Bytes per node and per edge of each structure innokg holds, on one package.

    python -m benchmarks.footprint PACKAGE [--out FILE]

Prints (or writes) JSON: the package's Parquet bytes, the tables in memory (pandas,
deep), the id index, one symmetric adjacency of SUPPLIES (CSR data and indices; row
pointers are per node) and the embedded database file, each divided by the nodes or
edges.  docs/scaling.md renders its table from the committed result.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.package import DATABASE_FILE
from innokg.queries.arrays import arrays


def _folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def footprint(package: Path) -> dict[str, Any]:
    """The bytes per node and per edge of each structure (see the module)."""
    G = EcosystemGraph.open(package)
    n = sum(len(df) for df in G.nodes.values())
    m = sum(len(df) for df in G.edges.values())
    adjacency = arrays(G).adjacency(["SUPPLIES"])
    supplies = max(len(G.edges["SUPPLIES"]), 1)
    database = package / DATABASE_FILE
    return {
        "when": date.today().isoformat(),
        "package": package.name,
        "nodes": n,
        "edges": m,
        "parquet_per_node": _folder_bytes(package / "nodes") / n,
        "parquet_per_edge": _folder_bytes(package / "edges") / m,
        "tables_per_node": sum(int(d.memory_usage(deep=True).sum()) for d in G.nodes.values()) / n,
        "tables_per_edge": sum(int(d.memory_usage(deep=True).sum()) for d in G.edges.values()) / m,
        "id_index_per_node": G.node_ids.memory_usage(deep=True) / n,
        "csr_per_edge": (adjacency.data.nbytes + adjacency.indices.nbytes) / supplies,
        "csr_per_node": adjacency.indptr.nbytes / n,
        "database_per_element": (database.stat().st_size / (n + m) if database.is_file() else None),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", type=Path)
    parser.add_argument("--out", type=Path, help="Write the JSON here.")
    args = parser.parse_args(argv)
    text = json.dumps(footprint(args.package), indent=1)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
