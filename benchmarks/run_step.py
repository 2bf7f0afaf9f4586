"""Run one benchmark step in this process and print its result as one JSON line.

``python -m benchmarks.run_step STEP PACKAGE SCALE``; used by :mod:`benchmarks`.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
from pathlib import Path

from benchmarks.steps import STEPS


def main(argv: list[str]) -> int:
    name, package, scale = argv[0], Path(argv[1]), int(argv[2])
    tree = _TreePeak()
    tree.start()
    try:
        result = STEPS[name](package, scale)
    finally:
        tree.stop()
    result["peak_rss_mb"] = max(_peak_rss_mb(), tree.peak_mb)
    print(json.dumps(result))
    return 0


def _peak_rss_mb() -> float:
    """This process's peak resident memory.

    ``ru_maxrss`` survives fork and exec on Linux, so a step started by a parent that
    holds a large graph would report the parent's peak; ``VmHWM`` belongs to this
    process's own address space.  Steps that run a command measure the command."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    own = int(line.split()[1]) / 1024
    except OSError:
        pass
    # a step that runs the command line measures its child (exec'd from this small
    # process, so the child's ru_maxrss is its own)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return max(own, children)


class _TreePeak(threading.Thread):
    """The largest resident memory of this process and its descendants at one moment,
    sampled every 50 ms: a step whose work runs partly in a process beside it (the
    Leiden of a large supply network, ``innokg.queries.clusters.leiden_apart``) holds
    both at once, which neither process's own peak shows."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.05):
            self.peak_mb = max(self.peak_mb, _tree_rss_mb(os.getpid()))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants now (0 where /proc cannot say)."""
    page = os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        here = todo.pop()
        try:
            with open(f"/proc/{here}/statm", encoding="ascii") as f:
                total += int(f.read().split()[1]) * page
            for task in os.listdir(f"/proc/{here}/task"):
                with open(f"/proc/{here}/task/{task}/children", encoding="ascii") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue  # gone meanwhile, or no such file on this system
    return total / 1024 / 1024


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
