"""``evaluate_partners``: every kind, split and seed, and the notes of what cannot be
evaluated (the method is described in :mod:`innokg.queries.evaluate`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import GraphArrays, arrays
from innokg.queries.evaluate.result import PartnerEvaluation, _summarise, _wins
from innokg.queries.evaluate.runs import _Options, _run, _universe
from innokg.queries.evaluate.splits import (
    SPLITS,
    _keys,
    _link_types,
    _pairs,
    _random_hidden,
    _without_pairs,
    temporal_split,
)
from innokg.queries.partners import KINDS, Kind

__all__ = ["evaluate_partners"]


def _kinds_for(chosen: Sequence[str] | None) -> list[str]:
    if not chosen:
        return list(KINDS)
    unknown = [k for k in chosen if k not in KINDS]
    if unknown:
        raise QueryError(f"unknown kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}")
    return list(dict.fromkeys(chosen))


def evaluate_partners(
    G: EcosystemGraph,
    *,
    kinds: Sequence[str] | None = None,
    splits: Sequence[str] = SPLITS,
    seeds: int = 3,
    seed: int = 2016,
    fraction: float = 0.1,
    test_years: int = 1,
    ks: Sequence[int] = (10, 50),
    top: int = 10,
    negatives: int = 20,
    method: str = "aa",
    hub_cap: int = 500,
    tail_cap: int = 200,
) -> PartnerEvaluation:
    """Per-source ranking, AUC and precision@k of innokg and the baselines, held out.

    Parameters
    ----------
    G : EcosystemGraph
        The graph whose links are held out (it is not changed).
    kinds : sequence of str, optional
        Keys of :data:`innokg.queries.partners.KINDS`; default every kind (those with
        nothing to hold out get one line in ``notes``).
    splits : sequence of {"random", "temporal"}
        Which splits to run (default both, :data:`SPLITS`): ``random`` hides a seeded
        share of the linked pairs, ``temporal`` the last years' links.
    seeds : int
        Random splits, seeded ``seed``, ``seed + 1``, ...  The temporal split is one.
    seed : int
        The first seed; it also seeds the temporal split's negatives and random scores.
    fraction : float
        Share of each kind's linked pairs hidden by a random split (pairs whose source
        may be ranked: on a province graph, the province's own).
    test_years : int
        Last years of each kind's links that the temporal split hides.
    ks : sequence of int
        The k of precision@k over all pairs.
    top : int
        The k of per-source hits@k.
    negatives : int
        Negatives sampled per hidden pair for AUC (at most 200,000).
    method, hub_cap, tail_cap
        Options of :func:`innokg.queries.partners.candidate_partners`.

    Returns
    -------
    PartnerEvaluation
        ``summary`` (mean and spread per kind, split and method), ``runs``, ``notes``
        (kinds and splits that cannot be evaluated, one line each), ``wins`` (where a
        baseline beats innokg) and ``parameters``.

    Raises
    ------
    QueryError
        For an unknown kind or split, or options out of range.

    Examples
    --------
    Buyer b0 gains supplier s4 in 2020 and b1 gains s2; the temporal split hides those
    two links and, for each of their four ends, ranks every candidate on the graph as
    it was before 2020:

    >>> from innokg.graph.testing import make_graph
    >>> firms = [{"id": i, "name": i} for i in ("b0", "b1", "b2", "s1", "s2", "s3", "s4")]
    >>> G = make_graph({"Enterprise": firms}, {"SUPPLIES": [
    ...     ("s1", "b0", {"since": 2018}), ("s2", "b0", {"since": 2018}),
    ...     ("s3", "b0", {"since": 2019}), ("s4", "b0", {"since": 2020}),
    ...     ("s1", "b1", {"since": 2019}), ("s2", "b1", {"since": 2020}),
    ...     ("s3", "b2", {"since": 2019})]})
    >>> ev = evaluate_partners(G, kinds=["enterprise-enterprise", "enterprise-institute"],
    ...                        splits=["temporal"])
    >>> ev.summary[["method", "sources", "hidden", "hits_at_10", "mrr", "mean_rank"]].round(3)
                        method  sources  hidden  hits_at_10    mrr  mean_rank
    0                   innokg      4.0     2.0         1.0  0.331      3.375
    1  preferential_attachment      4.0     2.0         1.0  0.479      2.750
    2        common_neighbours      4.0     2.0         1.0  0.331      3.500
    3              adamic_adar      4.0     2.0         1.0  0.331      3.500
    4         same_city_random      4.0     2.0         1.0  0.483      2.875

    On so small a graph of supply links alone the busiest firm is the best guess, and
    the result says so; a kind with nothing to hold out gets a note, not a figure:

    >>> print(ev.wins[0])
    enterprise-enterprise, temporal split: preferential_attachment beats innokg on MRR \
0.479 vs 0.331
    >>> ev.notes["note"].tolist()
    ['enterprise-institute: cannot be evaluated, no held-out real edges (0 linked \
COLLABORATES_WITH pair(s) to hide).']
    """
    _check_options(splits, seeds, fraction, test_years, top, negatives, ks)
    o = _Options(method, hub_cap, tail_cap, tuple(ks), negatives, top)
    A = arrays(G)
    seed_list = [seed + i for i in range(seeds)]
    found = _Found([], [], [])
    for key in _kinds_for(kinds):
        _evaluate_kind(G, A, KINDS[key], splits, seed_list, fraction, test_years, o, found)
    runs = pd.DataFrame(found.rows)
    if len(runs):
        runs = runs.astype({"kind": "string", "split": "string", "method": "string"})
        summary = _summarise(runs, top, ks)
    else:
        summary = pd.DataFrame(columns=["kind", "split", "method", "runs"])
    parameters = {
        "kinds": _kinds_for(kinds),
        "splits": list(splits),
        "seeds": seed_list,
        "fraction": fraction,
        "test_years": test_years,
        "ks": list(ks),
        "top": top,
        "negatives": negatives,
        "method": method,
        "hub_cap": hub_cap,
        "tail_cap": tail_cap,
    }
    return PartnerEvaluation(
        summary=summary,
        runs=runs,
        notes=pd.DataFrame(found.notes, columns=["kind", "split", "note"]).astype("string"),
        wins=_wins(summary, top) if len(summary) else [],
        parameters=parameters,
        caveats=found.caveats,
    )


def _check_options(
    splits: Sequence[str],
    seeds: int,
    fraction: float,
    test_years: int,
    top: int,
    negatives: int,
    ks: Sequence[int],
) -> None:
    if not 0 < fraction < 1:
        raise QueryError(f"fraction must be between 0 and 1 (got {fraction})")
    bad = [s for s in splits if s not in SPLITS]
    if bad or not splits:
        raise QueryError(f"splits must be among {', '.join(SPLITS)} (got {', '.join(bad)})")
    if seeds < 1 or test_years < 1 or top < 1 or negatives < 1 or not ks or min(ks) < 1:
        raise QueryError("seeds, test_years, top, negatives and every k must be at least 1")


@dataclass
class _Found:
    """What the kinds evaluated so far gave: metric rows, notes and caveats."""

    rows: list[dict[str, Any]]
    notes: list[dict[str, str]]
    caveats: list[str]


def _evaluate_kind(
    G: EcosystemGraph,
    A: GraphArrays,
    kind: Kind,
    splits: Sequence[str],
    seed_list: list[int],
    fraction: float,
    test_years: int,
    o: _Options,
    found: _Found,
) -> None:
    """Every split of one kind, added to ``found``; a note where it cannot be done."""
    everyone = np.ones(A.n, dtype=bool)
    key = kind.key
    pairs = _pairs(A, kind)
    types = "/".join(_link_types(kind))
    source_ok, _ = _universe(A, kind, G, everyone)
    eligible = source_ok[pairs[:, 0]] | (kind.symmetric & source_ok[pairs[:, 1]])
    if eligible.sum() < 2:
        found.notes.append(
            {
                "kind": key,
                "split": "",
                "note": f"{key}: cannot be evaluated, no held-out real edges "
                f"({int(eligible.sum())} linked {types} pair(s) to hide).",
            }
        )
        return
    if _inferred_share(G, A, kind) == 1.0:
        found.caveats.append(
            f"{key}: every {types} link is inferred (evidence=inferred), not observed: "
            "its figures measure agreement with the inference rule, not real partnerships."
        )
    if "random" in splits:
        for s in seed_list:
            hidden = _random_hidden(pairs, kind, fraction, s, eligible)
            train = _without_pairs(G, A, kind, _keys(hidden, A.n, kind.symmetric))
            found.rows += _run(G, A, kind, "random", s, train, hidden, everyone, o)
    if "temporal" in splits:
        _temporal(G, A, kind, seed_list[0], test_years, source_ok, o, found)


def _temporal(
    G: EcosystemGraph,
    A: GraphArrays,
    kind: Kind,
    seed: int,
    test_years: int,
    source_ok: np.ndarray,
    o: _Options,
    found: _Found,
) -> None:
    """The temporal split of one kind, added to ``found``, or the note why not."""
    key, types = kind.key, "/".join(_link_types(kind))
    try:
        train, hid, cutoff = temporal_split(G, key, test_years=test_years)
    except QueryError:
        found.notes.append(
            {
                "kind": key,
                "split": "temporal",
                "note": f"{key}, temporal split: cannot be evaluated, its links "
                f"({types}) carry no year.",
            }
        )
        return
    hidden = np.column_stack([A.index(hid["source"]), A.index(hid["target"])])
    hidden = hidden.astype(np.int64).reshape(-1, 2)
    ok = source_ok[hidden[:, 0]] | (kind.symmetric & source_ok[hidden[:, 1]])
    hidden = hidden[ok]
    if len(hidden) == 0:
        found.notes.append(
            {
                "kind": key,
                "split": "temporal",
                "note": f"{key}, temporal split: cannot be evaluated, no pair first "
                f"linked in {cutoff} or later between nodes that existed before.",
            }
        )
        return
    alive = A.alive(cutoff - 1)
    for row in _run(G, A, kind, "temporal", seed, train, hidden, alive, o):
        row["test_from"] = cutoff
        found.rows.append(row)


def _inferred_share(G: EcosystemGraph, A: GraphArrays, kind: Kind) -> float:
    """The share of the kind's linking edges whose evidence is ``inferred``."""
    total = inferred = 0
    src_ok, dst_ok = A.mask(kind.source), A.mask(kind.target)
    for etype in _link_types(kind):
        df = G.edges[etype]
        s, d = A.edges(etype)
        ok = (src_ok[s] & dst_ok[d]) | (src_ok[d] & dst_ok[s])
        total += int(ok.sum())
        if "evidence" in df.columns:
            ev = df["evidence"].astype("string").fillna("").to_numpy(dtype=object)
            inferred += int((ev[A.edge_rows(etype)][ok] == "inferred").sum())
    return inferred / total if total else 0.0
