"""Edges against the nodes: endpoints that name no node (or a rejected one), endpoints
of the wrong labels, loops and cycles in hierarchies."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.graph.errors import Problem
from innokg.graph.schema import EDGE_ENDPOINT_COLUMNS, EdgeType

__all__: list[str] = []


def _endpoint_positions(
    nodes: dict[str, pd.DataFrame], edge_tables: list[pd.DataFrame]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each edge table, the position of each endpoint among all node ids (-1: none).

    One factorisation of every id and endpoint together: about twice as fast as
    index lookups, which matters at millions of edges.
    """
    ids = pd.concat([df["id"] for df in nodes.values()], ignore_index=True).astype("string")
    ends = [t[c].astype("string") for t in edge_tables for c in EDGE_ENDPOINT_COLUMNS]
    codes, uniques = pd.factorize(pd.concat([ids, *ends], ignore_index=True))
    n = len(ids)
    position = np.full(len(uniques) + 1, -1, dtype=np.int64)  # the last slot serves NA (-1)
    position[codes[:n][::-1]] = np.arange(n)[::-1]  # a repeated id resolves to its first
    out, start = [], n
    for t in edge_tables:
        m = len(t)
        out.append((position[codes[start : start + m]], position[codes[start + m : start + 2 * m]]))
        start += 2 * m
    return out


#: Edge types that form a hierarchy: a cycle in them is an error.
_HIERARCHIES = ("LOCATED_IN", "SUBCLASS_OF")


def _check_loops(
    etype: str,
    typed: pd.DataFrame,
    src: np.ndarray,
    dst: np.ndarray,
    n_nodes: int,
    problems: list[Problem],
    bad: set[int],
) -> None:
    """Edges from a node to itself, and cycles in hierarchies (a region inside itself)."""

    def report(rows: np.ndarray, message: str) -> None:
        for i in typed.index[rows]:
            problems.append(
                Problem(str(typed.at[i, "_file"]), int(typed.at[i, "_row"]), "to_id", message)
            )
            bad.add(i)

    ok = (src >= 0) & (dst >= 0)
    loop = ok & (src == dst)
    if loop.any():
        report(loop, f"a {etype} edge from a node to itself; remove the row")
    # Every node of a cycle is the start of one edge and the end of another: only
    # edges between such nodes can form one (a firm's LOCATED_IN never does).
    keep = ok & ~loop
    both = np.intersect1d(src[keep], dst[keep])
    keep &= np.isin(src, both) & np.isin(dst, both)
    if etype not in _HIERARCHIES or not keep.any():
        return
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(keep.sum()), (src[keep], dst[keep])), shape=(n_nodes, n_nodes))
    _, component = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(component)
    in_cycle = keep & (component[np.maximum(src, 0)] == component[np.maximum(dst, 0)])
    in_cycle &= sizes[component[np.maximum(src, 0)]] > 1
    for comp in np.unique(component[src[in_cycle]]):
        rows = in_cycle & (component[np.maximum(src, 0)] == comp)
        ids = sorted(set(typed["from_id"][rows]))
        shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
        report(
            rows,
            f"{etype} forms a cycle through {shown}; a hierarchy cannot loop back "
            "on itself: remove or correct one of these rows",
        )


def _missing_endpoint(node_id: str, rejected_ids: set[str], *, place: bool = False) -> str:
    if node_id in rejected_ids:
        return f"node {node_id!r} was rejected (see its own row), so this edge is too"
    if place and ":" not in node_id:
        return (
            f"place {node_id!r} matches no Region; write a Region's id (region:4101), "
            "division code (4101) or name (郑州市), or remove the row"
        )
    return f"no node with id {node_id!r}; add the node or correct the id"


def _check_endpoints(
    etype: str,
    edge_spec: EdgeType,
    typed: pd.DataFrame,
    pos: dict[str, np.ndarray],
    node_code: np.ndarray,
    labels: list[str],
    dropped: tuple[set[str], set[str]],
    found: tuple[list[Problem], list[Problem]],
    bad: set[int],
) -> None:
    """Each endpoint of one edge table that names no node, or a node of a label the type
    does not link, or the edge's own start (loops, cycles in hierarchies).

    ``dropped`` holds the ids of rejected rows and those of tables not read: an edge to
    one of them is a knock-on of a problem reported elsewhere (``found[1]``), not a
    problem of its own (``found[0]``).
    """
    rejected_ids, withdrawn = dropped
    problems, knock_on = found
    # arrays, not .at per row: a 1% bad extract of 100k rows has thousands of them
    files = typed["_file"].astype(str).to_numpy(dtype=object)
    row_numbers = typed["_row"].to_numpy()
    for col in EDGE_ENDPOINT_COLUMNS:
        missing = typed[col].notna().to_numpy(dtype=bool) & (pos[col] < 0)
        ends = typed[col].to_numpy(dtype=object)
        for k in np.flatnonzero(missing):
            i, end = typed.index[k], str(ends[k])
            where = (str(files[k]), int(row_numbers[k]), col)
            bad.add(i)
            if end in rejected_ids and end not in withdrawn:
                knock_on.append(Problem(*where, _missing_endpoint(end, rejected_ids)))
            elif end in withdrawn:
                knock_on.append(
                    Problem(
                        *where,
                        f"node {end!r} is in a table that was not read (see the problem "
                        "at the top), so this edge is not either",
                    )
                )
            else:
                place = etype == "LOCATED_IN" and col == "to_id"
                problems.append(Problem(*where, _missing_endpoint(end, rejected_ids, place=place)))
    src = np.where(pos["from_id"] >= 0, node_code[np.maximum(pos["from_id"], 0)], -1)
    dst = np.where(pos["to_id"] >= 0, node_code[np.maximum(pos["to_id"], 0)], -1)
    allowed = [labels.index(a) * 100 + labels.index(b) for a, b in edge_spec.endpoints]
    wrong = (src >= 0) & (dst >= 0) & ~np.isin(src * 100 + dst, allowed)
    for i, sa, sb in zip(typed.index[wrong], src[wrong], dst[wrong], strict=True):
        problems.append(
            Problem(
                str(typed.at[i, "_file"]),
                int(typed.at[i, "_row"]),
                "from_id",
                f"{etype} cannot link {labels[sa]} -> {labels[sb]}; allowed: "
                + ", ".join(f"{a}->{b}" for a, b in edge_spec.endpoints),
            )
        )
        bad.add(i)
    _check_loops(etype, typed, pos["from_id"], pos["to_id"], len(node_code) - 1, problems, bad)
