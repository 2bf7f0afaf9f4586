"""The clusters as kept beside a package, read without computing: for a caller that
would rather have them computed elsewhere (the explorer's warm-up, whose thread would
hold up every request while Leiden runs)."""

from __future__ import annotations

import inspect

import numpy as np

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import arrays
from innokg.queries.clusters.detection import _kept_labels, cluster_labels

__all__ = ["kept_cluster_labels"]


def kept_cluster_labels(G: EcosystemGraph, *, year: int | None = None) -> np.ndarray | None:
    """What :func:`~innokg.queries.clusters.cluster_labels` gives with its default
    parameters (as of ``year``) when the clusters are kept beside the package; None
    when they are not kept (or were computed in this process, where ``cluster_labels``
    has them at hand).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}]})
    >>> kept_cluster_labels(G) is None  # a graph not read from a package keeps nothing
    True
    """
    defaults = inspect.signature(cluster_labels).parameters
    names = ("seed", "resolution", "inferred", "inferred_weight", "min_size")
    key = (
        "clusters",
        *(defaults[name].default for name in names),
        arrays(G).as_of(year),
        defaults["split"].default,
    )
    return _kept_labels(G, key)
