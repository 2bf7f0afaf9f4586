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
    """Resident memory of ``pid`` and of its descendants that run a program of their own,
    now.  A forked copy (the constraint's workers) shares its parent's pages, which
    resident sizes would count twice, so a descendant with its parent's command line is
    left out."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = _resident_pages(pid)
    todo = [(child, _command(pid)) for child in _children(pid)]
    while todo:
        here, parent_command = todo.pop()
        command = _command(here)
        if command is not None and command != parent_command:
            total += _resident_pages(here)
        todo.extend((child, command) for child in _children(here))
    return total * page / 1024 / 1024


def _resident_pages(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0  # gone meanwhile, or no /proc on this system


def _command(pid: int) -> bytes | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return None


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:  # each thread's children: a thread may end meanwhile
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                found.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return found


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
