"""Leiden in a process of its own, so that the work that needs no clusters runs beside it.

igraph's Leiden holds Python's lock for its whole run (about a hundred seconds on the
supply network of ten million nodes) and uses one core; the other core of a two-core
machine sat idle.  On a large network the parent hands the network to a child process
through a pipe, does meanwhile what the split, the member statistics and the profile
will ask and that needs no clusters (about 10 s at ten million nodes), and reads the
membership back.  The child computes exactly what the parent would
(:func:`~innokg.queries.clusters.network.leiden_membership`, same seed), so the clusters
are the same either way; if the child cannot start or fails, Leiden runs in the parent.

    python -m innokg.queries.clusters.leiden_apart VERTICES LINKS SEED RESOLUTION

reads the links' ends and weights on its input (LINKS 64-bit integers, as many again,
then LINKS 64-bit floats, in this machine's byte order) and writes the community of each
vertex on its output (VERTICES 64-bit integers).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable
from io import BufferedReader
from typing import cast

import numpy as np

from innokg.queries.clusters.network import _Network, leiden_membership

__all__ = ["APART_LINKS"]

#: Networks of at least this many links run Leiden apart: at ten million nodes (14.9
#: million links) it takes minutes; below a few million links the work done beside it
#: is a second or two, about what starting the child costs.
APART_LINKS = 4_000_000


class LeidenApartWarning(RuntimeWarning):
    """Leiden could not run in a process of its own and ran in this one."""


def leiden_beside(
    net: _Network, seed: int, resolution: float, meanwhile: Callable[[], object]
) -> np.ndarray | None:
    """The Leiden membership of ``net`` computed by a child process while ``meanwhile()``
    runs here; None (with a warning) when the child could not compute it."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    n, links = len(net.vertices), len(net.u)
    command = [sys.executable, "-m", __name__, str(n), str(links), repr(seed), repr(resolution)]
    with tempfile.TemporaryFile() as errors:
        try:
            child = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, env=env
            )
        except OSError as exc:
            _warn(f"it could not start ({exc})")
            return None
        try:
            assert child.stdin is not None and child.stdout is not None
            try:
                for values, dtype in ((net.u, np.int64), (net.v, np.int64), (net.weight, float)):
                    child.stdin.write(np.ascontiguousarray(values, dtype=dtype).data)
                child.stdin.close()
            except OSError:
                pass  # the child ended early: its exit status and errors say why
            meanwhile()
            membership = _read(cast(BufferedReader, child.stdout), n, np.int64)
            status = child.wait()
        finally:
            if child.poll() is None:  # meanwhile() raised, or the output was cut short
                child.kill()
                child.wait()
            for pipe in (child.stdin, child.stdout):
                if pipe is not None:
                    pipe.close()
        if status == 0 and membership is not None:
            return membership
        errors.seek(0)
        last = errors.read().decode(errors="replace").strip().splitlines()[-1:]
        _warn(f"it ended with status {status}" + (f": {last[0]}" if last else ""))
        return None


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


def main(argv: list[str]) -> None:
    vertices, links = int(argv[0]), int(argv[1])
    seed, resolution = int(argv[2]), float(argv[3])
    stdin, stdout = cast(BufferedReader, sys.stdin.buffer), sys.stdout.buffer
    u, v = _read(stdin, links, np.int64), _read(stdin, links, np.int64)
    weight = _read(stdin, links, float)
    if u is None or v is None or weight is None:
        sys.exit("the network ended early on the input")
    membership = leiden_membership(vertices, u, v, weight, seed=seed, resolution=resolution)
    stdout.write(np.ascontiguousarray(membership, dtype=np.int64).data)
    stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
