"""How fast the machine runs, measured the same way before, during and after a benchmark.

On this shared 2-core machine the same code's times moved by a fifth or more from one
hour or day to the next (performance.md: the same partner step took 29.5 s one day and
35.8 s the next).  A benchmark's figures alone cannot tell the code's change from the
machine's.  So the benchmark times a fixed workload beside its steps, in its own
process: a pure-Python loop (what the interpreter's speed moves) and a NumPy sort
(what memory and the vector units move), each the best of five, with the load
average.  Two runs whose gauges differ by a third were not on the same machine, in
effect, and their steps should not be compared without saying so.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np

__all__ = ["describe", "gauge"]

_LOOP = 5_000_000
_SORT = 5_000_000


def _loop() -> float:
    start = time.perf_counter()
    total = 0
    for i in range(_LOOP):
        total += i
    return time.perf_counter() - start


def _sort(values: np.ndarray) -> float:
    start = time.perf_counter()
    np.sort(values)
    return time.perf_counter() - start


def gauge(when: str) -> dict[str, Any]:
    """The workload's best times now, labelled ``when`` (``"before 1,000,000"``, ...).

    >>> g = gauge("now")
    >>> sorted(g), g["python_loop_s"] > 0, g["numpy_sort_s"] > 0
    (['at', 'load_average', 'numpy_sort_s', 'python_loop_s', 'when'], True, True)
    """
    values = np.random.default_rng(2016).random(_SORT)
    try:
        load = round(os.getloadavg()[0], 2)
    except OSError:  # not every system has one
        load = None
    return {
        "when": when,
        "at": time.strftime("%H:%M:%S"),
        "load_average": load,
        "python_loop_s": round(min(_loop() for _ in range(5)), 3),
        "numpy_sort_s": round(min(_sort(values) for _ in range(5)), 3),
    }


def describe(g: dict[str, Any]) -> str:
    """One gauge in words, as the benchmark prints it.

    >>> describe({"when": "after the run", "at": "10:02:11", "load_average": 1.9,
    ...           "python_loop_s": 0.2, "numpy_sort_s": 0.5})
    'after the run (10:02:11): Python loop 0.200 s, NumPy sort 0.500 s, load average 1.9'
    """
    return (
        f"{g['when']} ({g['at']}): Python loop {g['python_loop_s']:.3f} s, "
        f"NumPy sort {g['numpy_sort_s']:.3f} s, load average {g['load_average']}"
    )
