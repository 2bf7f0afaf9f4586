"""The partner table in pieces, source firms a chunk at a time: a table for every firm
of a province has millions of rows, and whoever writes it to a file need hold only one
chunk of them."""

from __future__ import annotations

import contextlib
import functools
import os
from collections import deque
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries import metapaths
from innokg.queries.arrays import forget_results
from innokg.queries.intermediates import name_rank
from innokg.queries.metapaths import Kind, Method, degree_prior, linked_pairs
from innokg.queries.partners.candidates import (
    _Ask,
    _ask,
    _no_candidates,
    _Plan,
    _plan,
    _rank,
    _some_without,
    _table,
    candidate_partners,
)
from innokg.queries.partners.kinds import _kinds
from innokg.queries.partners.products import narrow_tail
from innokg.queries.partners.scoring import _clusters
from innokg.queries.partners.table import _COLUMNS, _id_text
from innokg.queries.reasons import _names_text
from innokg.queries.steps import step_matrix, transposed_step

__all__ = ["CHUNK_FIRMS", "THREADS", "iter_candidate_partners"]

#: Source firms ranked and explained per chunk by default: with 20 partners each,
#: 50,000 rows of a kind at a time (a few hundred MB while they are built; two
#: threads' chunks of 2,500 hold about what one thread's of 5,000 did, in the same time).
CHUNK_FIRMS = 2_500
#: Threads that build chunks at once by default: two, where there are two cores (each
#: chunk in flight holds a few hundred MB; the sparse products and the sentences'
#: Arrow kernels run outside the GIL).
THREADS = min(2, os.cpu_count() or 1)


def iter_candidate_partners(
    G: EcosystemGraph,
    *,
    kinds: Sequence[str] | None = None,
    k: int = 20,
    per_source: int | None = None,
    node: str | None = None,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
    sizes: Sequence[str] | None = None,
    method: Method = "aa",
    hub_cap: int = 500,
    tail_cap: int = 200,
    batch_size: int = 2048,
    scope: str = "province",
    notes: bool = True,
    chunk_firms: int = CHUNK_FIRMS,
    progress: Callable[[str], None] | None = None,
    threads: int = THREADS,
) -> Iterator[pd.DataFrame]:
    """:func:`candidate_partners` as consecutive pieces of its table.

    With ``per_source`` every source's partners depend on that source alone, so the
    sources of each kind are ranked and explained ``chunk_firms`` at a time and each
    chunk is handed on before the next is built; the pieces, one after the other, are
    the rows of :func:`candidate_partners` (same order, scores and explanations).
    Without ``per_source``, or for one ``node``, the table is small and comes whole.
    The request is checked at once: a bad option raises here, not at the first piece.

    Parameters
    ----------
    G : EcosystemGraph
    kinds, k, per_source, node, year, city, industry, sizes, method, hub_cap, tail_cap, \
batch_size, scope, notes
        As for :func:`candidate_partners`.
    chunk_firms : int
        Sources per chunk: memory grows with it (about ``chunk_firms x per_source``
        rows at a time), time hardly.
    progress : callable, optional
        Called with a short line (``"enterprise-institute: sources 1-2,500 of
        86,906"``) as each chunk starts.
    threads : int
        Chunks built at once (default :data:`THREADS`); the pieces and their order
        are the same for any number.  While the machine has less memory free than
        another chunk may take (:data:`CHUNK_BYTES_PER_NODE`), each kind's first chunk
        is built alone, and the chunk in flight is finished before the next starts;
        ``progress`` says so once.

    Yields
    ------
    pandas.DataFrame
        Pieces with the columns of :func:`candidate_partners`, none of them empty
        unless the whole table is (then one empty piece, so that a writer knows the
        columns).

    Raises
    ------
    QueryError, NodeNotFound
        As :func:`candidate_partners`; also for ``chunk_firms`` or ``threads`` below 1.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": i, "name": i} for i in "abcd"]},
    ...     {"SUPPLIES": [("a", "d"), ("b", "d"), ("c", "d")]},
    ... )
    >>> pieces = list(iter_candidate_partners(
    ...     G, kinds=["enterprise-enterprise"], per_source=1, chunk_firms=2, notes=False))
    >>> [piece["source"].tolist() for piece in pieces]
    [['a', 'b'], ['c']]
    >>> whole = candidate_partners(G, kinds=["enterprise-enterprise"], per_source=1, notes=False)
    >>> pd.concat(pieces, ignore_index=True).equals(whole)
    True
    """
    if chunk_firms < 1:
        raise QueryError("chunk_firms must be at least 1")
    if threads < 1:
        raise QueryError("threads must be at least 1")
    options: dict[str, Any] = {
        "kinds": kinds,
        "k": k,
        "per_source": per_source,
        "node": node,
        "year": year,
        "city": city,
        "industry": industry,
        "sizes": sizes,
        "method": method,
        "hub_cap": hub_cap,
        "tail_cap": tail_cap,
        "batch_size": batch_size,
        "scope": scope,
        "notes": notes,
    }
    if per_source is None or node is not None:  # a short table: no need to split it
        return iter([candidate_partners(G, **options)])
    bases = _kinds(kinds)
    scoring = (year, method, hub_cap, tail_cap)
    ask = _ask(G, scoring, k, per_source, node, scope, batch_size, (city, industry, sizes))
    return _pieces(ask, bases, notes, chunk_firms, progress, threads)


def _pieces(
    ask: _Ask,
    bases: list[Kind],
    notes: bool,
    chunk_firms: int,
    progress: Callable[[str], None] | None,
    threads: int,
) -> Iterator[pd.DataFrame]:
    said: list[pd.DataFrame] = []  # the one-line notes, after every ranked pair
    given = 0
    for base in bases:
        plan = _plan(ask, base)
        if plan is None:
            continue
        if isinstance(plan, pd.DataFrame):
            said.append(plan)
            continue
        found = covered = 0
        cached = set(ask.A.memo)
        for piece in _kind_pieces(ask, plan, chunk_firms, progress, threads):
            found += len(piece)
            covered += piece["source"].nunique()  # a source's rows are in one piece
            if len(piece):
                given += 1
                yield piece.astype(_COLUMNS)
        if not _room_to_keep(ask.A.n):
            _forget(ask, cached)
        if not found:
            said.append(_no_candidates(plan.base, plan.kind))
        elif (note := _some_without(plan.base, covered, len(plan.sides[0][0]))) is not None:
            said.append(note)
    if notes and said:
        given += 1
        yield pd.concat(said, ignore_index=True).astype(_COLUMNS)
    if not given:
        yield _table(ask, [], None)


#: What every kind's pieces read alike, kept from kind to kind: the nodes' names and
#: ids as text (a second or two a column to build again at ten million nodes).
_SHARED = ("reasons-text", "node-text-chunks", "partners-id-text", "reasons-name-rank")


#: Memory free, per node of the graph, under which a kind's results are let go before
#: the next kind: at a million nodes the four kinds kept hold 0.6 GB more (2.7 GB at
#: the peak) and the next kinds reuse their step matrices (3% of the time); at ten
#: million the first kind's held 5 GB, and the next kind did not fit beside them.
KEEP_BYTES_PER_NODE = 8000


def _room_to_keep(nodes: int) -> bool:
    """Whether the machine has memory enough to keep a kind's results for the next
    kinds (False when it cannot tell)."""
    free = available_memory()
    return free is not None and free >= KEEP_BYTES_PER_NODE * nodes


def _forget(ask: _Ask, cached: set[object]) -> None:
    """Drop what was cached while a kind's pieces were made but the names, and hand the
    memory back: its meta-path products and also the step matrices its walks and
    sentences built.  At ten million nodes these were 5 GB by the end of a kind,
    and the next kind's own products did not fit beside them; a later kind builds
    again the few it shares (seconds each).  What was cached before is kept."""

    def keep(key: object) -> bool:
        return key in cached or (isinstance(key, tuple) and bool(key) and key[0] in _SHARED)

    forget_results(ask.G, keep=keep)


def _kind_pieces(
    ask: _Ask,
    plan: _Plan,
    chunk_firms: int,
    progress: Callable[[str], None] | None,
    threads: int,
) -> Iterator[pd.DataFrame]:
    def said(line: str) -> None:
        if progress is not None:
            progress(line)

    # the supply-chain clusters, when the kind reads them and none are kept, detected
    # once, here, before any chunk runs: left to the chunks, the first two threads
    # each detected them at once (Leiden twice; 602 s and 18.0 GB for the table at ten
    # million nodes, docs/scaling.md)
    if any(len(rows) for rows, _, _ in plan.sides):
        _clusters(ask.G, plan.kind, ask.o.year)
    for rows, reverse, allowed in plan.sides:
        parts = [
            (
                rows[start : start + chunk_firms],
                f"{plan.base.key}: sources {start + 1:,}-"
                f"{min(start + chunk_firms, len(rows)):,} of {len(rows):,}",
            )
            for start in range(0, len(rows), chunk_firms)
        ]
        if not parts:
            continue
        if threads < 2:
            for part, line in parts:
                said(line)
                yield _rank(ask, plan, part, reverse, allowed)
            continue
        # a chunk's sorts and Arrow kernels run outside the GIL (scipy's products mostly
        # do not): while one chunk is handed on, the next ones are built, in order
        pool = ThreadPoolExecutor(threads, thread_name_prefix="innokg-partners")
        try:
            # what every chunk reads (each meta-path's tail), built by the threads
            # together; then every chunk is the threads' own.  Not for one chunk, nor
            # for chunks of a few rows, which walk from their own rows and read no
            # whole-graph tail (metapaths.FEW_ROWS); nor with memory short: then the
            # first chunk builds it alone, as two first chunks would both build it
            said(parts[0][1])
            many = len(parts) > 1 and len(parts[0][0]) > metapaths.FEW_ROWS
            todo: list[tuple[Any, str | None]] = list(parts[1:])
            if many and _room_for_a_chunk(ask.A.n):
                _build_ahead(ask, plan.kind, reverse, pool, threads)
                todo.insert(0, (parts[0][0], None))  # its line is said already
            else:
                yield _rank(ask, plan, parts[0][0], reverse, allowed)
            ahead: deque[Future[pd.DataFrame]] = deque()
            short = False
            for part, progress_line in todo:
                if ahead and not _room_for_a_chunk(ask.A.n):  # the one in flight first
                    if not short:
                        said(_SHORT)
                        short = True
                    while ahead:
                        yield ahead.popleft().result()
                if progress_line is not None:
                    said(progress_line)
                ahead.append(pool.submit(_rank, ask, plan, part, reverse, allowed))
                if len(ahead) >= threads:
                    yield ahead.popleft().result()
            while ahead:
                yield ahead.popleft().result()
        finally:  # a reader that stops early leaves no chunk running
            pool.shutdown(wait=True, cancel_futures=True)


def _build_ahead(
    ask: _Ask, kind: Kind, reverse: bool, pool: ThreadPoolExecutor, threads: int
) -> None:
    """Build on ``pool``'s threads what every chunk of ``kind`` reads: the paths' step
    matrices both ways, each path's narrowed tail, the pairs already linked, the degree
    prior, the ids' text and the names' text and order.

    Without it the first chunk builds them, one after the other, while the other
    threads wait for it; and the sentences of the next chunks build the transposed
    steps only once their rows add up to many.  Most of this work runs outside the GIL
    (sparse products, sorts, Arrow kernels).  Each job starts as soon as what it reads
    is built (a tail after its steps and the prior), the longest walks first: at a
    million nodes one walk through a city takes 1.8 s of the first kind's 7 s of jobs,
    and it no longer waits for the names, which three rounds made it do.
    """
    A, year = ask.A, ask.o.year
    paths = sorted(kind.paths, key=lambda p: len(p.steps), reverse=True)
    steps = list(dict.fromkeys(step for path in paths for step in path.steps))
    prior = ("prior",)
    jobs: list[_Job] = [
        # the names' order waits for their text: with the city walk, the longest chain
        (("names", False), functools.partial(_names_text, A, en=False), ()),
        (("linked",), functools.partial(linked_pairs, A, kind, year), ()),
        (prior, functools.partial(degree_prior, A, year), ()),
        *[(("step", s), functools.partial(step_matrix, A, s, year), ()) for s in steps],
        (("name rank",), functools.partial(name_rank, A), (("names", False),)),
        *[
            (
                ("tail", p.key),
                functools.partial(narrow_tail, A, kind, p, ask.o, reverse),
                (prior, *[("step", s) for s in p.steps]),
            )
            for p in paths
        ],
        *[
            (("transposed", s), functools.partial(transposed_step, A, s, year), (("step", s),))
            for s in steps
        ],
        (("names", True), functools.partial(_names_text, A, en=True), ()),
        (("ids",), functools.partial(_id_text, A), ()),
    ]
    _run_jobs(pool, threads, jobs)


#: A job of :func:`_run_jobs`: its name, what it runs, and the names of the jobs it
#: comes after.
_Job = tuple[Hashable, Callable[[], object], tuple[Hashable, ...]]


def _run_jobs(pool: ThreadPoolExecutor, threads: int, jobs: Sequence[_Job]) -> None:
    """Run ``jobs`` on ``pool``, at most ``threads`` at a time, each once the jobs it
    comes after are done; of those ready, the earliest in the list first.  A job that
    fails is raised here (the caller's pool finishes those running).

    Examples
    --------
    >>> order = []
    >>> jobs = [("b", lambda: order.append("b"), ("a",)), ("a", lambda: order.append("a"), ())]
    >>> with ThreadPoolExecutor(2) as pool:
    ...     _run_jobs(pool, 2, jobs)
    >>> order
    ['a', 'b']
    """
    names = {name for name, _, _ in jobs}
    if any(not names.issuperset(after) for _, _, after in jobs):
        raise ValueError("a job comes after one that is not in the list")
    waiting = list(jobs)
    running: dict[Future[object], Hashable] = {}
    done: set[Hashable] = set()
    while waiting or running:
        for job in list(waiting):
            if len(running) >= threads:
                break
            name, run, after = job
            if done.issuperset(after):
                waiting.remove(job)
                running[pool.submit(run)] = name
        if not running:  # nothing ready and nothing to wait for: a cycle
            raise ValueError("the jobs come after one another in a cycle")
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in finished:
            name = running.pop(future)
            future.result()
            done.add(name)


#: Memory free that another chunk in flight asks for, per node of the graph, and at
#: least: at ten million nodes, with two chunks in flight from 12.8 GB (after the
#: first), the process passed 21.7 GB within a minute (the step matrices and sorted
#: keys the early chunks build), while one chunk at a time peaked at 20.2 GB.
CHUNK_BYTES_PER_NODE = 1000
CHUNK_BYTES_MIN = 2**30
_SHORT = "memory is short: one chunk at a time until more is free"


def _room_for_a_chunk(nodes: int) -> bool:
    """Whether the machine has memory free for one more chunk in flight (True when it
    cannot tell): at ten million nodes two threads' chunks and what the kind keeps
    went over what a 24 GB machine has, where one thread's fit."""
    free = available_memory()
    return free is None or free >= max(CHUNK_BYTES_MIN, CHUNK_BYTES_PER_NODE * nodes)


def available_memory() -> int | None:
    """Bytes the system can give this process without swapping: Linux's
    ``MemAvailable``, or what is left under the container's (cgroup v2) limit when that
    is less; None where neither can be read."""
    free: int | None = None
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                free = int(line.split()[1]) * 1024
    with contextlib.suppress(OSError, ValueError):
        group = Path("/sys/fs/cgroup")
        limit = (group / "memory.max").read_text().strip()
        if limit != "max":
            left = int(limit) - int((group / "memory.current").read_text())
            free = left if free is None else min(free, left)
    return free
