"""The supply clusters of a large graph computed in a process of their own, for the
explorer's warm-up.

igraph's Leiden holds Python's lock on the interpreter for its whole run, so computed
in the warm-up thread it held up every request the explorer was asked meanwhile: at a
million nodes a search waited 4.3 s, and at ten million the clusters take about two
minutes.  A child process computes the clusters and keeps them beside the package, as
any command would; the explorer answers meanwhile, then reads them back.

    python -m innokg.serve.apart PACKAGE

computes and keeps the default clusters of PACKAGE (what ``innokg clusters`` would
keep first), printing the same notes as a command.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.mapped import KEPT_DIR, keep_enabled

__all__ = ["APART_NODES", "keep_clusters_apart"]

#: Graphs of at least this many nodes have their clusters computed in a child process;
#: below it they take about a second, held up requests included.
APART_NODES = 500_000


def keep_clusters_apart(G: EcosystemGraph) -> bool:
    """Have the default clusters of ``G``'s package computed and kept by a child
    process, unless they are kept already.

    Returns
    -------
    bool
        True when they are kept afterwards; False when they cannot be (a graph not
        read from a package, a package that cannot be written to, keeping turned off).

    Raises
    ------
    RuntimeError
        When the child failed (run out of memory, say): the same work in the server's
        own process would fail as badly, so it is not tried there.
    """
    from innokg.queries.clusters import kept_cluster_labels

    if G.path is None or not keep_enabled() or G.package_fingerprint() is None:
        return False
    kept = Path(G.path) / KEPT_DIR
    if not os.access(kept if kept.is_dir() else G.path, os.W_OK):
        return False
    if kept_cluster_labels(G) is not None:
        return True
    command = [sys.executable, "-m", "innokg.serve.apart", str(G.path)]
    done = subprocess.run(command, stdin=subprocess.DEVNULL, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"computing the supply clusters apart failed (exit {done.returncode})")
    return kept_cluster_labels(G) is not None


def main(package: str) -> None:
    from innokg.notes import print_notes
    from innokg.queries.clusters import cluster_labels

    print_notes()  # on stderr, as a command prints them
    cluster_labels(EcosystemGraph.open(Path(package), verify=False))


if __name__ == "__main__":
    main(sys.argv[1])
