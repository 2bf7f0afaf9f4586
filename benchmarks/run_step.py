"""Run one benchmark step in this process and print its result as one JSON line.

``python -m benchmarks.run_step STEP PACKAGE SCALE``; used by :mod:`benchmarks`.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from benchmarks.steps import STEPS


def main(argv: list[str]) -> int:
    name, package, scale = argv[0], Path(argv[1]), int(argv[2])
    result = STEPS[name](package, scale)
    result["peak_rss_mb"] = _peak_rss_mb()
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
