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
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
