"""Positions of ids: Arrow's hash tables give what pandas' look-up gives, whichever way
the look-up runs (many ids against the nodes, the nodes against a few ids, the endpoints
of every edge type at once or of one type alone), and pandas still answers for ids that
are not all strings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.graph.schema import EDGE_TYPES
from innokg.queries.arrays import GraphArrays, arrays
from innokg.queries.id_index import IdIndex
from tests.factory import make_graph


def firms(n: int) -> EcosystemGraph:
    """``n`` enterprises e00, e01, ... at positions 0, 1, ..."""
    return make_graph({"Enterprise": [{"id": f"e{i:02d}", "name": f"企业{i}"} for i in range(n)]})


def with_edges(G: EcosystemGraph, etype: str, ends: list[tuple[str | None, str | None]]) -> None:
    """Replace the edges of ``etype`` with raw rows (unknown and missing ends included),
    as a table from outside validation would hold them."""
    G.edges[etype] = pd.DataFrame(
        {"from_id": [a for a, _ in ends], "to_id": [b for _, b in ends]}, dtype="string"
    )


def pandas_positions(A: GraphArrays, values: object) -> list[int]:
    return A.ids.get_indexer(pd.Index(values)).tolist()  # type: ignore[arg-type]


def test_many_ids_and_few_ids_give_their_positions() -> None:
    A = arrays(firms(20))
    few = ["e07", "x"]  # far fewer than the nodes: the nodes pass through these two
    many = ["e19", None, "e00", "nope", "e05"] * 2  # the ids pass through the nodes
    assert A.index(few).tolist() == [7, -1]
    assert A.index(many).tolist() == [19, -1, 0, -1, 5] * 2
    assert A.index(pd.Series(many, dtype="string")).tolist() == [19, -1, 0, -1, 5] * 2
    assert A.index(np.array(["e03", "e03"], dtype=object)).tolist() == [3, 3]
    assert A.index(iter(["e01"])).tolist() == [1]
    assert A.index([]).tolist() == []
    for values in (few, many, ["e01"] * 30):
        assert A.index(values).tolist() == pandas_positions(A, values)


def test_ids_that_are_not_all_strings_are_looked_up_by_pandas() -> None:
    A = arrays(firms(3))
    assert A.index([1, "e01"]).tolist() == [-1, 1]
    assert A.index(np.array([0, 2])).tolist() == [-1, -1]
    assert A.index(np.array([b"e01"])).tolist() == [-1]


def test_edge_ends_found_for_every_type_at_once() -> None:
    G = make_graph(
        {
            "Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}],
            "Fund": [{"id": "f", "name": "基金"}],
        },
        {"INVESTS_IN": [("f", "a")]},
    )
    # Many edges for four nodes: the first look-up reads the ends of every edge type.
    with_edges(G, "SUPPLIES", [("a", "b"), ("b", "gone"), (None, "a"), ("b", "a")])
    A = arrays(G)
    assert [x.tolist() for x in A.edges("SUPPLIES")] == [[0, 1], [1, 0]]
    assert A.edge_rows("SUPPLIES").tolist() == [0, 3]
    assert [x.tolist() for x in A.edges("INVESTS_IN")] == [[2], [0]]
    lookup = IdIndex(G.node_ids)
    for etype in EDGE_TYPES:
        df = G.edges[etype]
        src, dst = lookup.edge_ends(G.edges, etype)
        assert src.tolist() == pandas_positions(A, df["from_id"]), etype
        assert dst.tolist() == pandas_positions(A, df["to_id"]), etype


def test_edge_ends_of_a_small_type_alone_then_of_the_rest() -> None:
    G = firms(40)
    with_edges(G, "COLLABORATES_WITH", [("e39", "e02"), ("e02", None)])  # 2 edges, 40 nodes
    with_edges(G, "SUPPLIES", [(f"e{i:02d}", f"e{i + 1:02d}") for i in range(30)] + [("x", "e00")])
    A = arrays(G)
    assert [x.tolist() for x in A.edges("COLLABORATES_WITH")] == [[39], [2]]
    assert [x.tolist() for x in A.edges("SUPPLIES")] == [list(range(30)), list(range(1, 31))]
    lookup = IdIndex(G.node_ids)
    for etype in ("COLLABORATES_WITH", "SUPPLIES", "MEMBER_OF"):
        df = G.edges[etype]
        src, dst = lookup.edge_ends(G.edges, etype)
        assert src.tolist() == pandas_positions(A, df["from_id"]), etype
        assert dst.tolist() == pandas_positions(A, df["to_id"]), etype


def test_two_nodes_with_one_id_are_refused() -> None:
    firm = make_graph({"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}]})
    fund = make_graph({"Fund": [{"id": "a", "name": "基金"}]})
    G = EcosystemGraph({**firm.nodes, "Fund": fund.nodes["Fund"]}, firm.edges)
    with pytest.raises(QueryError, match="not unique"):
        GraphArrays(G)
    assert not IdIndex(G.node_ids).unique()
    assert IdIndex(firm.node_ids).unique()


def test_a_missing_id_leaves_the_look_up_to_pandas() -> None:
    G = firms(3)
    G.nodes["Enterprise"].loc[1, "id"] = None
    A = GraphArrays(G)
    assert A.index(["e02", "e00", "e01"]).tolist() == [2, 0, -1]


def test_ids_of_some_positions_come_from_each_chunk_in_the_order_asked() -> None:
    import pyarrow as pa

    ids = [f"n{i}" for i in range(50)]
    A = GraphArrays(make_graph({"Enterprise": [{"id": i, "name": i} for i in ids]}))
    # the ids as a package's mapped copy holds them: several chunks
    A._lookup.strings = pa.chunked_array(
        [pa.array(ids[:10]), pa.array(ids[10:33]), pa.array(ids[33:])]
    )
    at = np.random.default_rng(0).integers(0, 50, 200)
    text = A.id_text(at)
    assert text.type == pa.large_string()
    assert text.to_pylist() == [ids[i] for i in at]
    assert A.id_text(np.zeros(0, dtype=np.int64)).to_pylist() == []
