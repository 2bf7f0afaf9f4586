"""``distinct`` gives what ``np.unique`` gives (sorted distinct values), whatever the
integer type, for the positions, labels and keys the questions pass it."""

from __future__ import annotations

import numpy as np
import pytest

from innokg.queries.sets import distinct


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint32])
@pytest.mark.parametrize("size", [0, 1, 2, 1000])
def test_distinct_is_numpys_unique(dtype, size: int) -> None:
    rng = np.random.default_rng(size)
    for high in (3, 100, np.iinfo(dtype).max):
        x = rng.integers(0, high, size=size, endpoint=False).astype(dtype)
        got = distinct(x)
        assert got.dtype == np.unique(x).dtype
        assert np.array_equal(got, np.unique(x))


def test_distinct_flattens_and_leaves_its_input_alone() -> None:
    x = np.array([[3, 1], [3, 2]])
    assert distinct(x).tolist() == [1, 2, 3]
    assert x.tolist() == [[3, 1], [3, 2]]
    names = np.array(["乙", "甲", "乙"], dtype=object)
    assert distinct(names).tolist() == np.unique(names).tolist()


def test_find_sorted_agrees_with_isin_and_searchsorted() -> None:
    from innokg.queries.sets import find_sorted

    rng = np.random.default_rng(5)
    haystack = distinct(rng.integers(0, 1000, 300))
    keys = rng.integers(-5, 1005, 2000)
    at = find_sorted(haystack, keys)
    np.testing.assert_array_equal(at >= 0, np.isin(keys, haystack))
    assert (haystack[at[at >= 0]] == keys[at >= 0]).all()
    assert (find_sorted(haystack[:0], keys) == -1).all()


def test_find_sorted_many_keys_are_searched_in_order_with_the_same_answer() -> None:
    from innokg.queries.sets import MANY_KEYS, find_sorted

    rng = np.random.default_rng(6)
    haystack = distinct(rng.integers(0, 10**6, 5000))
    keys = rng.integers(-5, 10**6 + 5, MANY_KEYS + 1000)
    at = find_sorted(haystack, keys)
    expected = np.searchsorted(haystack, keys)
    hit = (expected < len(haystack)) & (haystack[np.minimum(expected, len(haystack) - 1)] == keys)
    np.testing.assert_array_equal(at, np.where(hit, expected, -1))
