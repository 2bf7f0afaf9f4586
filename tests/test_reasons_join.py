"""The explanation columns of a per-source table: the sentence pieces joined in one
pass, the evidence taken from the ranking, and the pair look-ups they rest on, each
equal to the plain way of doing it."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries import reasons
from innokg.queries.arrays import arrays
from innokg.queries.metapaths import Opts, lookup_pairs
from innokg.queries.partners import KINDS, candidate_partners
from innokg.queries.partners.candidates import _effective
from innokg.queries.partners.scoring import EVIDENCE, _top


def _plain_join(parts: list[tuple[object, np.ndarray]], sep: str, n: int) -> list[str]:
    out = []
    for i in range(n):
        texts = []
        for piece, on in parts:
            if not on[i]:
                continue
            if isinstance(piece, str):
                texts.append(piece)
            elif isinstance(piece, reasons._Taken):
                texts.append(piece.pool.to_pylist()[piece.at[i]])
            else:
                texts.append(piece.to_pylist()[i])
        out.append(sep.join(texts))
    return out


def _sentence(text: str) -> str:
    """An English explanation as it was written row by row: first letter up, a full
    stop; an empty one stays empty."""
    return text[:1].upper() + text[1:] + "." if text else ""


@pytest.mark.parametrize(
    ("options", "finish"),
    [
        ({}, lambda text: text),
        ({"end": ".", "capital": True}, _sentence),
    ],
    ids=["plain", "sentence"],
)
def test_joined_pieces_equal_a_join_row_by_row(options: dict[str, object], finish: object) -> None:
    rng = np.random.default_rng(3)
    n = 200
    shared = pa.array(["ägypten", "über", "x", "", "名"], pa.large_string())
    for _ in range(30):
        parts: list[tuple[object, np.ndarray]] = []
        for j in range(int(rng.integers(0, 6))):
            on = rng.random(n) < rng.choice([0.0, 0.1, 0.5, 1.0])
            shape = rng.integers(5)
            if shape == 0:
                piece: object = f"常{j}"
            elif shape == 1:
                piece = pa.array([f"p{j}-{i}" for i in range(n)], pa.large_string())
            elif shape == 2:  # one text per row whose mask holds
                text = pa.array([f"c{j}-{i}" for i in np.flatnonzero(on)], pa.large_string())
                piece = reasons._only(text, on)[0]
                rows = np.flatnonzero(on)  # each masked row gets its own text, in order
                assert [text[piece.at[i]].as_py() for i in rows] == [f"c{j}-{i}" for i in rows]
            elif shape == 3:  # taken from a pool of a few
                pool = pa.array([f"池{j}-{x}" for x in range(5)], pa.large_string())
                piece = reasons._Taken(pool, rng.integers(0, 5, n))
            else:  # a pool other parts take from too (every node's name), some texts empty
                piece = reasons._Taken(shared, rng.integers(0, 5, n))
            parts.append((piece, on))
        got = reasons._join(parts, "；", n, **options).to_pylist()  # type: ignore[arg-type]
        assert got == [finish(text) for text in _plain_join(parts, "；", n)]  # type: ignore[operator]


def test_rows_with_no_piece_keep_their_place() -> None:
    # pyarrow 26's element-wise join with skipped nulls drops such rows; this join must not
    a = pa.array(["x", "", "", "q"], pa.large_string())
    on_a = np.array([True, False, False, True])
    on_b = np.array([False, True, False, False])
    got = reasons._join([(a, on_a), ("y", on_b)], "; ", 4).to_pylist()
    assert got == ["x", "y", "", "q"]


def test_look_ups_in_key_order_equal_the_sorted_look_ups() -> None:
    rng = np.random.default_rng(11)
    dense = rng.random((40, 30)) * (rng.random((40, 30)) < 0.2)
    plain = sp.csr_array(dense)
    shuffled = plain.copy()
    for i in range(shuffled.shape[0]):  # the same matrix, its columns out of order
        a, b = shuffled.indptr[i], shuffled.indptr[i + 1]
        order = rng.permutation(b - a)
        shuffled.indices[a:b] = shuffled.indices[a:b][order]
        shuffled.data[a:b] = shuffled.data[a:b][order]
    shuffled.has_sorted_indices = False
    assert plain.has_canonical_format and not shuffled.has_canonical_format
    for asked in (500, 20, 1):  # many (a search per row) and few (among sorted keys)
        r = rng.integers(0, 40, asked)
        c = rng.integers(0, 30, asked)
        r[0], c[0] = np.argwhere(dense)[0]  # at least one entry that is there
        assert lookup_pairs(plain, r, c).tolist() == dense[r, c].tolist()
        assert lookup_pairs(shuffled, r, c).tolist() == dense[r, c].tolist()


@pytest.mark.parametrize("key", sorted(k for k, kind in KINDS.items() if kind.partnership))
def test_evidence_from_the_ranking_equals_the_walked_evidence(
    demo_graph: EcosystemGraph, key: str
) -> None:
    A = arrays(demo_graph)
    o = Opts()
    kind = _effective(A, KINDS[key], None)
    rows = np.flatnonzero(A.mask(kind.source))
    top = _top(A, demo_graph, kind, rows, o, k=20, per_source=5, batch_size=64, reverse=False)
    if not len(top):
        pytest.skip(f"{key}: no pairs on the demo graph")
    src, dst = top["src"].to_numpy(np.int64), top["dst"].to_numpy(np.int64)
    given = {p.key: top[EVIDENCE + p.key].to_numpy(float) for p in kind.paths}
    walked = reasons._contributions(A, kind, src, dst, o)
    np.testing.assert_allclose(reasons._contributions(A, kind, src, dst, o, given), walked)
    assert (walked.sum(axis=1) > 0).all()


def test_a_per_source_table_reads_as_one_explained_pair_at_a_time(
    demo_graph: EcosystemGraph,
) -> None:
    # the ranking's evidence and the one-pass join give each row the sentence it gets alone
    kinds = ["enterprise-enterprise"]
    table = candidate_partners(demo_graph, kinds=kinds, per_source=3, notes=False)
    sample = table.iloc[:: max(1, len(table) // 30)].head(30)
    for row in sample.itertuples(index=False):
        alone = candidate_partners(demo_graph, kinds=kinds, node=row.source, k=50, notes=False)
        match = alone[alone["target"] == row.target]
        assert len(match) == 1, (row.source, row.target)
        assert match["explanation"].iloc[0] == row.explanation
        assert match["paths"].iloc[0] == row.paths
        assert match["explanation_en"].iloc[0] == row.explanation_en
    assert len(sample) == 30
