"""igraph's Leiden, and Leiden in a process of its own so that other work runs beside it.

igraph's Leiden holds Python's lock for its whole run (about a hundred seconds on the
supply network of ten million nodes) and uses one core; the other core of a two-core
machine sat idle.  On a large network the parent hands the network to a child process
through a pipe, does meanwhile what the split, the member statistics and the profile
will ask and that needs no clusters, and reads the membership back.  The child runs
:func:`leiden_membership` with the same seed, so the clusters are the same either way;
if the child cannot start, does not answer or fails, Leiden runs in the parent.

The child is this file run by the parent's interpreter with ``-P`` (nothing from the
working directory can stand in for a library), importing NumPy and igraph only::

    python -P leiden_apart.py PARENT VERTICES LINKS SEED RESOLUTION

It says it is ready with one byte, reads the links' ends and weights on its input
(LINKS 64-bit integers, as many again, then LINKS 64-bit floats, in this machine's byte
order) and writes the community of each vertex on its output (VERTICES 64-bit
integers).  On Linux it ends with its parent (``PR_SET_PDEATHSIG``), so a parent killed
mid-run leaves no orphan computing for nobody.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import random
import selectors
import signal
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable
from io import BufferedReader
from typing import IO, TYPE_CHECKING, cast

import numpy as np

if TYPE_CHECKING:  # not at run time: the child imports NumPy and igraph only
    from innokg.queries.clusters.network import _Network

__all__ = ["APART_LINKS", "LeidenApartWarning", "leiden_membership"]

#: Networks of at least this many links run Leiden apart.  At ten million nodes (14.9
#: million links) Leiden takes minutes and the work beside it about 10 s; the child is
#: ready half a second after it starts, and then reads the links, so small networks gain
#: nothing (docs/scaling.md).
APART_LINKS = 4_000_000

#: How long the child may take to start (import NumPy and igraph) before Leiden runs
#: in the parent instead.
READY_SECONDS = 60.0

_READY = b"\x01"


class LeidenApartWarning(RuntimeWarning):
    """Leiden could not run in a process of its own and ran in this one."""


def leiden_membership(
    vertices: int,
    u: np.ndarray,
    v: np.ndarray,
    weight: np.ndarray,
    *,
    seed: int,
    resolution: float,
) -> np.ndarray:
    """igraph's Leiden (modularity, two iterations, Python's generator seeded with
    ``seed``) on the undirected links ``u``-``v`` between ``vertices`` vertices."""
    import igraph as ig  # here: a command whose clusters are kept never loads igraph

    g = ig.Graph(n=vertices, directed=False)
    # igraph reads a list's pairs faster than an array's rows (14.9 million links: 7.5 s
    # against 8.8 s); the two lists of Python ints live only for the call
    g.add_edges(zip(u.tolist(), v.tolist(), strict=True))
    ig.set_random_number_generator(random.Random(seed))
    try:
        part = g.community_leiden(
            objective_function="modularity",
            weights=weight,
            resolution=resolution,
            n_iterations=2,
        )
    finally:
        ig.set_random_number_generator(random)
    return np.asarray(part.membership, dtype=np.int64)


def can_run_apart(seed: object) -> bool:
    """Whether the child can compute exactly what this process would: a POSIX system
    (the wait for the child watches a pipe), a known interpreter, and a seed
    that is an ``int`` (the child reads it back as one; ``random.Random`` seeds a float
    or a NumPy integer otherwise)."""
    return os.name == "posix" and bool(sys.executable) and type(seed) is int


def leiden_beside(
    net: _Network, seed: int, resolution: float, meanwhile: Callable[[], object]
) -> np.ndarray | None:
    """The Leiden membership of ``net`` computed by a child process while ``meanwhile()``
    runs here; None (with a warning) when the child could not compute it."""
    n, links = len(net.vertices), len(net.u)
    numbers = [str(os.getpid()), str(n), str(links), str(seed), repr(float(resolution))]
    try:
        errors = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the with below)
    except OSError as exc:
        _warn(f"it could not start ({exc})")
        return None
    with errors:
        try:
            child = subprocess.Popen(
                [sys.executable, "-P", os.path.abspath(__file__), *numbers],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                env={**os.environ, "PYTHONPATH": _search_path()},
            )
        except (OSError, ValueError, TypeError) as exc:
            _warn(f"it could not start ({exc})")
            return None
        membership, why = None, ""
        try:
            assert child.stdin is not None and child.stdout is not None
            stdout = cast(BufferedReader, child.stdout)
            ready = _ready(stdout)
            if ready is None:
                why = f"it did not answer within {READY_SECONDS:g} s"
            elif ready:
                try:
                    for values, dtype in ((net.u, np.int64), (net.v, np.int64)):
                        _write_all(child.stdin, np.ascontiguousarray(values, dtype=dtype))
                    _write_all(child.stdin, np.ascontiguousarray(net.weight, dtype=float))
                    child.stdin.close()
                except OSError:
                    pass  # the child ended early: its exit status and errors say why
                meanwhile()
                membership = _read(stdout, n, np.int64)
        finally:
            status = _ended(child, wait=membership is not None)
            for pipe in (child.stdin, child.stdout):
                if pipe is not None:
                    pipe.close()
        if status == 0 and membership is not None:
            return membership
        errors.seek(0)
        last = errors.read().decode(errors="replace").strip().splitlines()[-1:]
        _warn(why or f"it ended with status {status}" + (f": {last[0]}" if last else ""))
        return None


def _ended(child: subprocess.Popen[bytes], wait: bool) -> int:
    """The child's exit status once it has ended: given a few seconds to end of itself
    after writing its answer (``wait``), killed at once otherwise (the work beside it
    raised, or it hangs or fell short)."""
    if wait:
        try:
            return child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    if child.poll() is None:
        child.kill()
    return child.wait()


def _search_path() -> str:
    """This process's module search path, for the child to find the same NumPy and
    igraph (an entry added at run time too); '' (the working directory) made absolute."""
    entries = []
    for entry in sys.path:
        if isinstance(entry, str | os.PathLike):
            text = os.fspath(entry)
            if isinstance(text, str):
                entries.append(text or os.getcwd())
    return os.pathsep.join(entries)


def _ready(stream: BufferedReader) -> bool | None:
    """Whether the child said it is ready (False: it ended first), or None when it said
    nothing within :data:`READY_SECONDS`."""
    with selectors.DefaultSelector() as waiting:  # select.select stops at descriptor 1023
        waiting.register(stream, selectors.EVENT_READ)
        readable = waiting.select(READY_SECONDS)
    return stream.read(1) == _READY if readable else None


def _write_all(stream: IO[bytes], values: np.ndarray) -> None:
    """All of ``values``' bytes to ``stream``: an unbuffered stream (``PYTHONUNBUFFERED``)
    may take part of a large write."""
    view, done = values.data.cast("B"), 0
    while done < len(view):
        done += stream.write(view[done:]) or 0


def _read(stream: BufferedReader, n: int, dtype: type) -> np.ndarray | None:
    """``n`` values of ``dtype`` read from ``stream``, or None when it ends before them."""
    out: np.ndarray = np.empty(n, dtype=dtype)
    view, got = out.data.cast("B"), 0
    while got < len(view):
        step = stream.readinto(view[got:])
        if not step:
            return None
        got += step
    return out


def _warn(why: str) -> None:
    warnings.warn(
        f"Leiden could not run in a process of its own ({why}); running it here instead, "
        "with the same result",
        LeidenApartWarning,
        stacklevel=3,
    )


def _end_with(parent: int) -> None:
    """Have the kernel end this process when ``parent`` ends (Linux), and end now if it
    already has: a child left alone would compute for minutes for nobody."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        sys.exit("the parent process has ended")


def main(argv: list[str]) -> None:
    parent, vertices, links = int(argv[0]), int(argv[1]), int(argv[2])
    seed, resolution = int(argv[3]), float(argv[4])
    _end_with(parent)
    import igraph  # noqa: F401  (before saying ready: a broken install fails here)

    stdin, stdout = cast(BufferedReader, sys.stdin.buffer), sys.stdout.buffer
    stdout.write(_READY)
    stdout.flush()
    u, v = _read(stdin, links, np.int64), _read(stdin, links, np.int64)
    weight = _read(stdin, links, float)
    if u is None or v is None or weight is None:
        sys.exit("the network ended early on the input")
    membership = leiden_membership(vertices, u, v, weight, seed=seed, resolution=resolution)
    _write_all(stdout, np.ascontiguousarray(membership, dtype=np.int64))
    stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
