"""Burt's constraint of every organisation, computed once per year and kept beside the
package (``innokg prepare``): structural holes and brokers both read it."""

from __future__ import annotations

import numpy as np

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import ORG_EDGES, ORGANISATIONS, GraphArrays, arrays
from innokg.queries.gaps.burt import burt_measures
from innokg.queries.graph_arrays import ARRAYS_CODE
from innokg.queries.kept import kept

_BURT = ("degree", "constraint", "esize")
# what the kept constraint depends on besides the package and the year: changing the
# gap tables must not throw away the constraint kept for a large graph (minutes of work)
_BURT_CODE = (
    "innokg.queries.gaps.constraint",
    "innokg.queries.gaps.burt",
    "innokg.queries.arrays",
    *ARRAYS_CODE,
)

__all__ = ["keep_constraint"]


def burt_all(A: GraphArrays, year: int | None) -> tuple[np.ndarray, ...]:
    """Degree, Burt's constraint and effective size of every organisation (in the order
    of their positions), computed once and kept beside the package."""
    year = A.as_of(year)  # a year that leaves nothing out is kept once, under None
    key = ("gaps-burt", year)
    if key not in A.memo:  # once for every organisation: structural holes and brokers share it
        n = int(A.mask(*ORGANISATIONS).sum())  # the organisation network's vertices

        def compute() -> dict[str, np.ndarray]:
            nodes = np.flatnonzero(A.mask(*ORGANISATIONS))
            degree, constraint, trans = burt_measures(
                A.adjacency(ORG_EDGES, year=year)[nodes][:, nodes]
            )
            esize = np.where(degree > 0, degree - (degree - 1) * trans, np.nan)
            return {"degree": degree, "constraint": constraint, "esize": esize}

        found = kept(
            A.G,
            "burt",
            {"year": year},
            compute,
            code=_BURT_CODE,
            check=lambda f: all(len(f.get(k, ())) == n for k in _BURT),
            what="Burt's constraint",
        )
        A.memo[key] = tuple(found[k] for k in _BURT)
    result: tuple[np.ndarray, ...] = A.memo[key]
    return result


def keep_constraint(G: EcosystemGraph, *, year: int | None = None) -> int:
    """Compute Burt's constraint of every organisation as of ``year`` now, and keep it
    beside the package for :func:`structural_holes` and :func:`brokers` (``innokg
    prepare``); returns how many organisations were measured.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abc"]},
    ...                {"SUPPLIES": [("a", "b"), ("b", "c")]})
    >>> keep_constraint(G)
    3
    """
    return len(burt_all(arrays(G), year)[0])


def burt_of(
    A: GraphArrays, year: int | None, pos: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Degree, Burt's constraint and effective size of ``pos`` in the organisation graph."""
    local = np.searchsorted(np.flatnonzero(A.mask(*ORGANISATIONS)), pos)
    degree, constraint, esize = burt_all(A, year)
    return degree[local], constraint[local], esize[local]
