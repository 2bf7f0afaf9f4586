"""Agreement between two labellings of the same items: normalised mutual information and
the adjusted Rand index."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from innokg.graph.errors import QueryError

__all__ = ["adjusted_rand_index", "normalized_mutual_information"]

_Labels: TypeAlias = Sequence[Any] | npt.NDArray[Any] | pd.Series


def _codes(labels: _Labels) -> npt.NDArray[np.int64]:
    codes, _ = pd.factorize(pd.Series(np.asarray(labels)), sort=True)
    return np.asarray(codes, dtype=np.int64)


def _contingency(
    a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], ...]:
    """The non-zero cells of the contingency table of ``a`` and ``b``; for each cell the
    sizes of its row and its column; and the non-zero row and column sums."""
    kb = int(b.max()) + 1
    keys, cells = np.unique(a * kb + b, return_counts=True)
    rows = np.bincount(a).astype(np.float64)
    cols = np.bincount(b).astype(np.float64)
    return (
        cells.astype(np.float64),
        rows[keys // kb],
        cols[keys % kb],
        rows[rows > 0],
        cols[cols > 0],
    )


def _entropy(counts: npt.NDArray[np.float64], n: float) -> float:
    p = counts / n
    return float(-(p * np.log(p)).sum())


def _check_pair(a: _Labels, b: _Labels) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    ca, cb = _codes(a), _codes(b)
    if len(ca) != len(cb):
        raise QueryError(f"the two labellings differ in length ({len(ca)} and {len(cb)})")
    if (ca < 0).any() or (cb < 0).any():
        raise QueryError("labels must not be missing (NaN or None)")
    if not len(ca):
        raise QueryError("no items to compare")
    return ca, cb


def normalized_mutual_information(labels_a: _Labels, labels_b: _Labels) -> float:
    """Normalised mutual information of two labellings of the same items, 0 to 1.

    ``2 I(A; B) / (H(A) + H(B))`` with natural logarithms (the arithmetic-mean
    normalisation, scikit-learn's default).  Two labellings that each put everything in
    one group are identical: 1.0; one that does while the other does not shares no
    information with it: 0.0.

    Parameters
    ----------
    labels_a, labels_b : sequence
        One label per item (any hashable values), the same items in the same order.

    Returns
    -------
    float

    Raises
    ------
    QueryError
        When the lengths differ, a label is missing, or there are no items.

    Examples
    --------
    Two groups against a 3 + 1 split (``I = ½ ln 4/3 + ¼ ln 2/3 + ¼ ln 2``, over the
    mean of ``ln 2`` and ``-(¾ ln ¾ + ¼ ln ¼)``):

    >>> round(normalized_mutual_information(["a", "a", "b", "b"], [1, 1, 1, 2]), 6)
    0.343711
    >>> normalized_mutual_information([1, 1, 1], [1, 1, 1])
    1.0
    """
    a, b = _check_pair(labels_a, labels_b)
    return _nmi(a, b)


def _nmi(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> float:
    """:func:`normalized_mutual_information` of two arrays of codes 0, 1, ..."""
    n = float(len(a))
    cells, row_of, col_of, rows, cols = _contingency(a, b)
    h = _entropy(rows, n) + _entropy(cols, n)
    if h == 0.0:
        return 1.0
    # I(A; B) = sum over cells of p_ij ln(p_ij / (p_i p_j))
    mi = float((cells / n * np.log(cells * n / (row_of * col_of))).sum())
    return float(min(1.0, max(0.0, 2.0 * mi / h)))


def adjusted_rand_index(labels_a: _Labels, labels_b: _Labels) -> float:
    """The adjusted Rand index of two labellings of the same items.

    The share of item pairs the two agree on (together in both, or apart in both),
    corrected for chance: 1 for the same partition, about 0 for unrelated ones, below
    0 for less agreement than chance.  Where chance already gives full agreement (both
    put everything in one group, or every item alone) it is 1.0.

    Parameters
    ----------
    labels_a, labels_b : sequence
        One label per item, the same items in the same order.

    Returns
    -------
    float

    Raises
    ------
    QueryError
        When the lengths differ, a label is missing, or there are no items.

    Examples
    --------
    >>> adjusted_rand_index([0, 0, 1, 1], ["x", "x", "y", "y"])
    1.0
    >>> round(adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]), 12)  # worse than chance
    -0.5
    """
    a, b = _check_pair(labels_a, labels_b)
    return _ari(a, b)


def _ari(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> float:
    """:func:`adjusted_rand_index` of two arrays of codes 0, 1, ..."""
    n = float(len(a))
    cells, _, _, rows, cols = _contingency(a, b)

    def pairs(x: npt.NDArray[np.float64]) -> float:
        return float((x * (x - 1) / 2).sum())

    index, sum_a, sum_b = pairs(cells), pairs(rows), pairs(cols)
    total = n * (n - 1) / 2
    expected = sum_a * sum_b / total if total else 0.0
    top = (sum_a + sum_b) / 2
    if top == expected:
        return 1.0
    return float((index - expected) / (top - expected))
