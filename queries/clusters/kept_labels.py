"""The clusters as kept beside a package, read without computing: for a caller that
would rather have them computed elsewhere (the explorer's warm-up, whose thread would
hold up every request while Leiden runs)."""

from __future__ import annotations

import numpy as np

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import arrays
from innokg.queries.clusters.detection import _kept_labels
from innokg.queries.clusters.network import Inferred

__all__ = ["kept_cluster_labels"]


def kept_cluster_labels(
    G: EcosystemGraph,
    *,
    seed: int = 2016,
    resolution: float = 1.0,
    inferred: Inferred = "auto",
    inferred_weight: float = 0.3,
    min_size: int = 3,
    year: int | None = None,
    split: bool = True,
) -> np.ndarray | None:
    """What :func:`~innokg.queries.clusters.cluster_labels` gives, with the same
    parameters, when the clusters are kept beside the package; None when they are not
    kept (or were computed in this process, where ``cluster_labels`` has them at hand).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}]})
    >>> kept_cluster_labels(G) is None  # a graph not read from a package keeps nothing
    True
    """
    if inferred not in ("auto", "all", "none"):
        return None
    year = arrays(G).as_of(year)
    key = ("clusters", seed, resolution, inferred, inferred_weight, min_size, year, split)
    return _kept_labels(G, key)
