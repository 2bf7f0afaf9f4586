"""Whole-graph arrays built once, however many threads ask for them at the same time.

A partner table is written in chunks by two threads, and the chunks reach the first
use of a whole-graph array (every node's name as text, the names' sorted order)
together.  Memoised without a lock, both threads built the same array: at ten million
nodes the two builds of the names' order were 4 GB more at once, the highest point of
the whole table's memory, and twice the time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from innokg.queries.graph_arrays import GraphArrays

__all__ = ["built_once"]

T = TypeVar("T")

#: One lock per array (per memo key), held while it is built: a thread that asks for
#: an array being built waits for it, while other arrays (the names' text, the ids'
#: text, the names' order) are built beside it by other threads.  Reentrant, as one
#: build may ask for another (the names' order starts from the names); no build asks
#: for one that asks for it.  Builds of step matrices have their own lock
#: (:mod:`innokg.queries.steps`) and never ask for these arrays.  The keys are few (a
#: few dozen arrays, by year and language), so the locks are kept; one key's lock is
#: shared by every graph, whose builds of that array then wait for one another.
_BUILDING: dict[Hashable, threading.RLock] = {}
_LOCKS = threading.Lock()


def _lock(key: Hashable) -> threading.RLock:
    with _LOCKS:
        return _BUILDING.setdefault(key, threading.RLock())


def built_once(A: GraphArrays, key: Hashable, build: Callable[[], T]) -> T:
    """``A.memo[key]``, built by ``build()`` when it is not there yet; a thread that
    asks while another builds it waits for that build instead of making its own.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.arrays import arrays
    >>> A = arrays(make_graph({"Enterprise": [{"id": "a", "name": "甲"}]}))
    >>> built_once(A, ("doc-example",), lambda: [1, 2])
    [1, 2]
    >>> built_once(A, ("doc-example",), lambda: [3])  # kept: not built again
    [1, 2]
    """
    if key not in A.memo:
        with _lock(key):
            if key not in A.memo:
                A.memo[key] = build()
    result: T = A.memo[key]
    return result
