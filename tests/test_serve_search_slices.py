"""The explorer's search index is built a slice of text at a time (so that ten million
names need no copy of all their code points at once): cut into many small slices it
finds exactly what it finds in one piece, on names that test the normalisation
(full-width forms, the ideographic space, a Greek final sigma, line breaks in values,
missing values)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innokg.serve import search
from innokg.serve.search import SearchIndex

ALPHABET = list("郑州宇通客车（）ＡＢ０ 　ΣΑΣabcΣ\r\nİxyz,.-示例有限公司")
QUERIES = ["郑州", "宇通", "（示例", "ab", "σας", "0", "zz", "示例有限", "xyz", "e12", "b0"]


def _index() -> SearchIndex:
    rng = np.random.default_rng(2016)
    values = ["".join(rng.choice(ALPHABET, int(rng.integers(0, 30)))) for _ in range(5000)]
    names = pd.Series([None if i % 17 == 0 else v for i, v in enumerate(values)], dtype="str")
    ids = pd.Series([f"E{i}" for i in range(len(values))], dtype="str")
    return SearchIndex(names, names, ids, names, ids, rng.random(len(values)))


@pytest.mark.parametrize("chars", [64, 5000, 1 << 24])
def test_an_index_built_in_slices_is_the_index_built_whole(
    chars: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _index()
    monkeypatch.setattr(search, "_SLICE", chars)
    sliced = _index()
    for a, b in zip(whole._cjk + whole._latin, sliced._cjk + sliced._latin, strict=True):
        assert a.text == b.text
        assert np.array_equal(a.starts, b.starts)
        assert np.array_equal(a.bits, b.bits)
    for q in QUERIES:
        assert sliced.search(q, limit=50) == whole.search(q, limit=50), q


def test_values_are_normalised_one_line_each() -> None:
    names = pd.Series(["ＡＢ（示例）", "a\r\nb", None, "ΑΣ"], dtype="str")
    ids = pd.Series(["x1", "x2", "x3", "x4"], dtype="str")
    index = SearchIndex(names, names, ids, names, ids, np.array([4.0, 3.0, 2.0, 1.0]))
    lines = index._cjk[0]
    assert [lines.line(r) for r in range(4)] == ["ab(示例)", "a  b", "", "ας"]
    assert [h.pos for h in index.search("(示例")] == [0]


def test_a_field_with_no_value_at_all_is_never_scanned() -> None:
    """Its string is only the nodes' separators: no block is filtered in, no search
    scans it; one value anywhere makes it a field like any other."""
    empty = search._Lines("\n" * 4, 5, gram=2)
    assert empty.empty and not empty.bits.any()
    assert empty.search("a", 10) == [] and empty.line(4) == ""
    one = search._Lines("\n\n\nab\n", 5, gram=2)
    assert not one.empty and one.bits.any()
    assert one.search("ab", 10) == [(3, 0)]
