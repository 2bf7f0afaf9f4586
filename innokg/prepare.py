"""Prepare a package for its first questions: compute once, at the end of a build, what
nearly every question starts from, and keep it beside the tables
(:mod:`innokg.queries.kept`).

Prepared: an uncompressed Arrow copy of the tables, memory-mapped by every later read
(:mod:`innokg.graph.mapped`), the positions of every edge's ends and the edges listed
by node (which one firm's partners search), every node's place in the order of names
(which partner tables and briefs word their reasons in), the supply-chain clusters
(Leiden and the split of two chains), their profiles (the rows of the cluster table),
Burt's constraint of every organisation and every node's degree prior (which one firm's
partners read at a few nodes).  These four are prepared for all years (the questions'
default) and for the latest year recorded (the brief's) when that year leaves something
out.  When every node and edge existed in the latest year, as in the demo and in real
Henan, the graph as of it is the whole graph, and the questions asked as of it read the
results of all years (:meth:`~innokg.queries.graph_arrays.GraphArrays.as_of`).  At a
million nodes ``innokg prepare`` takes 16 to 17 s when the latest year leaves nothing
out, as in the demo, and 27 to 28 s with both years
(docs/results/profiles_latest_year_whole.json); then the first ``clusters``, ``gaps``,
``partners``, ``brief`` or ``viz`` command answers as fast as a later one; unprepared,
each of them would compute the clusters first (8 s or more).

A build prepares by default up to :data:`PREPARE_MAX_NODES` nodes.  Above it the
clusters alone would cost a build more than it does itself (at ten million nodes about
7 minutes and 20 GB), so the first question computes them, or ``innokg prepare PACKAGE``
does when asked.  The lookups, which take under a minute at ten million nodes, are kept
whatever the size (:func:`keep_lookups`): the Arrow copy of the tables, the node ids
checked, every edge's ends, each node's city, the edges by node and the names' order.
``--no-prepare`` skips it all and ``INNOKG_KEEP=0`` turns keeping off altogether.
Preparing never changes a package's tables; when it fails the build stands and the
first question computes what is missing.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.mapped import write_mapped
from innokg.graph.package import read_manifest
from innokg.queries.kept import KEPT_DIR, keep_enabled

__all__ = [
    "PREPARE_MAX_NODES",
    "PrepareWarning",
    "Prepared",
    "keep_lookups",
    "prepare_after_build",
    "prepare_package",
    "read_and_prepare",
    "should_prepare",
]

#: A build prepares its package by default when it has at most this many nodes.
PREPARE_MAX_NODES = 2_000_000


class PrepareWarning(UserWarning):
    """A build could not prepare its package (the package itself is complete)."""


@dataclass
class Prepared:
    """What :func:`prepare_package` did."""

    seconds: float = 0.0
    #: the years prepared (None: every year, and any year that leaves nothing out)
    years: list[int | None] = field(default_factory=list)
    #: the files now in the package's kept folder
    files: list[str] = field(default_factory=list)
    #: why nothing (or not everything) was prepared, when so
    skipped: str = ""
    #: the latest year recorded, when it leaves nothing out (prepared as every year)
    latest_is_whole: int | None = None


def _nodes(manifest: dict[str, Any]) -> int:
    return int(sum(manifest.get("counts", {}).get("nodes", {}).values()))


def should_prepare(manifest: dict[str, Any], prepare: bool | None) -> bool:
    """Whether a build prepares: as asked, else when the graph has at most
    :data:`PREPARE_MAX_NODES` nodes.

    Examples
    --------
    >>> should_prepare({"counts": {"nodes": {"Enterprise": 10}}}, None)
    True
    >>> should_prepare({"counts": {"nodes": {"Enterprise": 10**7}}}, None)
    False
    >>> should_prepare({"counts": {"nodes": {"Enterprise": 10**7}}}, True)
    True
    """
    if prepare is not None:
        return prepare
    return _nodes(manifest) <= PREPARE_MAX_NODES


def prepare_package(
    package: str | Path, *, report: Callable[[str], Any] | None = None, verify: bool = False
) -> Prepared:
    """Compute and keep, beside the package, what the first questions start from.

    Parameters
    ----------
    package : path
        A graph package folder.
    report : callable, optional
        Called with the name of each step as it starts.
    verify : bool
        Check the tables' checksums first (a build has just written them: it need not).

    Returns
    -------
    Prepared
        The time taken, the years prepared and the files kept; ``skipped`` says why
        nothing was, when keeping is turned off (``INNOKG_KEEP=0``).

    Examples
    --------
    >>> import os, tempfile
    >>> from innokg.graph.package import write_package
    >>> from innokg.graph.testing import make_tables
    >>> tmp = tempfile.TemporaryDirectory()
    >>> out = os.path.join(tmp.name, "pkg")
    >>> firms = [{"id": i, "name": i} for i in "abc"]
    >>> links = {"SUPPLIES": [("a", "b"), ("b", "c")]}
    >>> _ = write_package(make_tables({"Enterprise": firms}, links), out, sources=[])
    >>> done = prepare_package(out)
    >>> done.years, " ".join(sorted({f.split("-")[0] for f in done.files}))
    ([None], 'burt by city clusters ends ids name prior profiles tables')
    >>> tmp.cleanup()
    """
    from innokg.notes import notes_off
    from innokg.queries.arrays import arrays, forget_results
    from innokg.queries.clusters import cluster_labels, supply_clusters
    from innokg.queries.gaps import keep_constraint
    from innokg.queries.indicators import latest_year
    from innokg.queries.metapaths import degree_prior

    if not keep_enabled():
        return Prepared(skipped="INNOKG_KEEP=0 turns keeping off")
    start = time.perf_counter()
    G = keep_lookups(package, report=report, verify=verify)
    # the latest year's graph is often the whole graph (GraphArrays.as_of): then one pass
    latest = latest_year(G)
    years = list(dict.fromkeys([None, arrays(G).as_of(latest)]))
    with notes_off(report is not None):  # the steps below say what they would
        for year in years:
            when = "every year" if year is None else str(year)
            if report:
                report(f"prepare the clusters ({when})")
            cluster_labels(G, year=year)
            forget_results(G)  # each step's working set goes before the next: ten million
            if report:  # nodes fit in 24 GB one step at a time, not two years at once
                report(f"prepare the cluster profiles ({when})")
            supply_clusters(G, year=year)
            forget_results(G)
            if report:
                report(f"prepare Burt's constraint ({when})")
            keep_constraint(G, year=year)
            forget_results(G)
            if report:
                report(f"prepare the degree prior ({when})")
            degree_prior(arrays(G), year)  # one firm's partners read it at a few nodes
            forget_results(G)
    kept = Path(package) / KEPT_DIR
    files = sorted(p.name for p in [*kept.glob("*.npz"), *kept.glob("tables-*")])
    whole = latest if latest is not None and years == [None] else None
    seconds = round(time.perf_counter() - start, 3)
    return Prepared(seconds, years, files=files, latest_is_whole=whole)


def prepare_after_build(
    package: str | Path,
    manifest: dict[str, Any],
    prepare: bool | None,
    timings: dict[str, float],
    report: Callable[[str], Any] | None = None,
) -> Prepared:
    """What a build runs last: :func:`prepare_package` when :func:`should_prepare`
    says so, its time added to ``timings``.  A failure is a warning, not a failed
    build: the package is whole, and the first question computes what is missing."""
    if not should_prepare(manifest, prepare):
        if prepare is not None:
            return Prepared(skipped="built with --no-prepare")
        kept = _lookups_only(package, manifest, timings, report)
        return Prepared(
            skipped=f"more than {PREPARE_MAX_NODES:,} nodes, so the first question computes "
            f"the clusters and the constraint{kept}; `innokg prepare {package}` does it now"
        )
    try:
        done = prepare_package(package, report=report)
    except Exception as exc:  # an optimisation: the package stands without it
        warnings.warn(
            f"{package}: could not prepare the first questions ({type(exc).__name__}: {exc}); "
            "the package is complete, and the first question will compute what it needs",
            PrepareWarning,
            stacklevel=2,
        )
        return Prepared(skipped=f"it failed ({exc}); the first question computes what it needs")
    if done.years:
        timings["prepare the first questions"] = done.seconds
    return done


def keep_lookups(
    package: str | Path, *, report: Callable[[str], Any] | None = None, verify: bool = False
) -> EcosystemGraph:
    """Keep, beside ``package``, what nearly every command looks things up in, and
    return the graph opened on it: the tables as Arrow files to memory-map, the node
    ids checked unique, every edge's ends as node positions, each node's city, the
    edges listed by node and every node's place in the order of names.

    Each is a sort or a pass over the nodes or edges, not a question's computation:
    at ten million nodes about 40 s and at most 9 GB in all, where the first command would
    otherwise spend 14 s on the ends alone before its own work (the clusters' step)
    and one firm's partners would look at every edge of a type some forty times.
    """
    from innokg.queries.arrays import arrays, forget_results
    from innokg.queries.intermediates import name_rank

    if report:
        report("keep the tables as Arrow files, to be memory-mapped")
    write_mapped(package, read_manifest(package), verify=verify)
    G = EcosystemGraph.open(package, verify=verify)
    if report:
        report("list the edges by node")
    A = arrays(G)  # checks the ids unique, and keeps the check
    A.keep_edges_by_node()  # reads every edge's ends, and keeps them
    A.city()
    forget_results(G)
    if report:
        report("keep the names' order")
    name_rank(arrays(G))  # every partner table and brief words its reasons in it
    forget_results(G)
    return G


def _lookups_only(
    package: str | Path,
    manifest: dict[str, Any],
    timings: dict[str, float],
    report: Callable[[str], Any] | None,
) -> str:
    """A graph too large to prepare by default still gets its lookups
    (:func:`keep_lookups`): at ten million nodes the Arrow copy takes 15-25 s, and every
    later command then opens the graph in seconds, holding gigabytes less; the rest
    about 40 s.  Returns what to add to the build's summary."""
    if not keep_enabled():
        return ""
    start = time.perf_counter()
    try:
        keep_lookups(package, report=report)
    except Exception as exc:  # an optimisation: the package stands without it
        warnings.warn(
            f"{package}: could not keep the lookups ({type(exc).__name__}: {exc}); the "
            "package is complete, and commands compute what they look up",
            PrepareWarning,
            stacklevel=3,
        )
        return ""
    if not any((Path(package) / KEPT_DIR).glob("tables-*")):
        return ""  # a package that cannot be written to keeps nothing
    timings["keep the lookups"] = round(time.perf_counter() - start, 3)
    return (
        " (its lookups are kept: the tables as Arrow files, memory-mapped by every "
        "command, the edges' ends and the edges by node, the cities and the names' order)"
    )


def read_and_prepare(package: str | Path, report: Callable[[str], Any] | None = None) -> Prepared:
    """``innokg prepare``: check that ``package`` is a package, then prepare it whatever
    its size."""
    read_manifest(package)  # a clear PackageError for a folder that is not one
    return prepare_package(package, report=report, verify=True)
