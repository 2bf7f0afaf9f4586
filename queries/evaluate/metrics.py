"""The ranking metrics of a held-out evaluation: per-source hits@k, reciprocal rank and
rank (exact expectations over tied scores), AUC and precision@k."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import digamma
from scipy.stats import rankdata

from innokg.graph.errors import QueryError
from innokg.queries.sets import find_sorted

__all__ = ["auc", "ranking_metrics"]

_EULER = 0.5772156649015329


def auc(positives: np.ndarray, negatives: np.ndarray) -> float:
    """Area under the ROC curve: P(positive > negative), ties counting half.

    Parameters
    ----------
    positives : numpy.ndarray of float
        Scores of the pairs that should rank high (the hidden partners).
    negatives : numpy.ndarray of float
        Scores of the pairs they are compared with (sampled non-partners).

    Returns
    -------
    float
        The share of (positive, negative) pairs in which the positive scores higher,
        a tie counting half; NaN when either side is empty.

    Examples
    --------
    Of the four pairs, three are won and the 2.0 against 2.0 is a tie:

    >>> auc(np.array([3.0, 2.0]), np.array([1.0, 2.0]))
    0.875
    >>> auc(np.array([1.0]), np.array([]))
    nan
    """
    if len(positives) == 0 or len(negatives) == 0:
        return float("nan")
    ranks = rankdata(np.concatenate([positives, negatives]))
    p, n = len(positives), len(negatives)
    return float((ranks[:p].sum() - p * (p + 1) / 2) / (p * n))


def _harmonic(n: np.ndarray) -> np.ndarray:
    """H(n) = 1 + 1/2 + ... + 1/n (H(0) = 0)."""
    return digamma(np.asarray(n, dtype=float) + 1) + _EULER


def ranking_metrics(
    scores: np.ndarray, candidates: np.ndarray, hidden: np.ndarray, *, k: int = 10
) -> pd.DataFrame:
    """Where each source's hidden partners fall in its own ranked list.

    Parameters
    ----------
    scores : numpy.ndarray
        Sources x targets: the method's score of every pair (higher ranks first).
    candidates : numpy.ndarray of bool
        Same shape: the targets the source's list may hold (not itself, not its
        partners in the training graph).  Hidden partners must be candidates.
    hidden : numpy.ndarray of bool
        Same shape: the source's hidden partners.  Each one is ranked against the
        candidates that are not hidden (the other hidden partners do not compete).
    k : int
        The k of hits@k.

    Returns
    -------
    pandas.DataFrame
        One row per source (row of ``scores``) with at least one hidden partner:
        ``row`` (int), ``hidden`` (int), ``candidates`` (int), and the means over its
        hidden partners of ``hits_at_<k>`` (the probability that the partner is in the
        first k), ``reciprocal_rank`` and ``rank``, all exact expectations over a
        random order of tied scores.

    Examples
    --------
    One source, five candidates; the hidden one (score 3) has two above it and one
    tie, so its rank is 3 or 4:

    >>> m = ranking_metrics(np.array([[5.0, 4.0, 3.0, 3.0, 1.0]]),
    ...                     np.ones((1, 5), dtype=bool),
    ...                     np.array([[False, False, True, False, False]]), k=3)
    >>> m[["hits_at_3", "reciprocal_rank", "rank"]].round(4).to_dict("records")
    [{'hits_at_3': 0.5, 'reciprocal_rank': 0.2917, 'rank': 3.5}]
    """
    scores = np.round(np.asarray(scores, dtype=float), 12)  # float noise is not a ranking
    candidates, hidden = np.asarray(candidates, bool), np.asarray(hidden, bool)
    if not (scores.shape == candidates.shape == hidden.shape):
        raise QueryError("scores, candidates and hidden must have the same shape")
    if (hidden & ~candidates).any():
        raise QueryError("every hidden partner must be a candidate")
    rows = []
    for i in np.flatnonzero(hidden.any(axis=1)):
        others = np.sort(scores[i, candidates[i] & ~hidden[i]])
        mine = scores[i, hidden[i]]
        above = len(others) - np.searchsorted(others, mine, side="right")
        tied = np.searchsorted(others, mine, side="right") - np.searchsorted(
            others, mine, side="left"
        )
        hits = np.clip((k - above) / (tied + 1), 0.0, 1.0)
        rr = (_harmonic(above + tied + 1) - _harmonic(above)) / (tied + 1)
        rank = above + 1 + tied / 2
        rows.append(
            {
                "row": int(i),
                "hidden": len(mine),
                "candidates": len(others) + 1,
                f"hits_at_{k}": float(hits.mean()),
                "reciprocal_rank": float(rr.mean()),
                "rank": float(rank.mean()),
            }
        )
    columns = ["row", "hidden", "candidates", f"hits_at_{k}", "reciprocal_rank", "rank"]
    return pd.DataFrame(rows, columns=columns)


def _precision(chosen: np.ndarray, hidden_keys: np.ndarray, n: int, k: int) -> float:
    """The share of the first ``k`` chosen pairs that are hidden pairs."""
    keys = chosen[:k, 0].astype(np.int64) * n + chosen[:k, 1]
    return float(_member(keys, hidden_keys).sum() / k)


def _member(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """``np.isin(keys, sorted_keys)`` for sorted unique ``sorted_keys``, by binary search."""
    return find_sorted(sorted_keys, keys) >= 0
