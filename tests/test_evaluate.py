"""Held-out evaluation of the partner scores: hiding, AUC, and the demo's figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.evaluate import BASELINES, auc, evaluate_partners, hide_edges
from tests.factory import make_graph


def test_auc_counts_ties_as_half() -> None:
    assert auc(np.array([2.0, 2.0]), np.array([2.0, 1.0])) == 0.75
    assert auc(np.array([1.0]), np.array([0.0, 0.5])) == 1.0
    assert np.isnan(auc(np.array([]), np.array([1.0])))


def chain_of_firms() -> EcosystemGraph:
    firms = [{"id": f"e{i}", "name": f"企业{i}"} for i in range(12)]
    links = [(f"e{i}", f"e{i + 1}") for i in range(11)]
    return make_graph({"Enterprise": firms}, {"SUPPLIES": [*links, ("e3", "e2")]})


def test_hiding_is_seeded_and_removes_both_directions() -> None:
    G = chain_of_firms()
    train, hidden = hide_edges(G, "enterprise-enterprise", fraction=0.25, seed=1)
    again, same = hide_edges(G, "enterprise-enterprise", fraction=0.25, seed=1)
    assert hidden.equals(same) and train.edges["SUPPLIES"].equals(again.edges["SUPPLIES"])
    assert len(hidden) == 3  # a quarter of 11 linked pairs (e2-e3 counts once)
    kept = set(
        zip(train.edges["SUPPLIES"]["from_id"], train.edges["SUPPLIES"]["to_id"], strict=True)
    )
    for s, t in zip(hidden["source"], hidden["target"], strict=True):
        assert (s, t) not in kept and (t, s) not in kept
    assert len(train.edges["SUPPLIES"]) == 12 - sum(
        2 if {s, t} == {"e2", "e3"} else 1
        for s, t in zip(hidden["source"], hidden["target"], strict=True)
    )
    other, _ = hide_edges(G, "enterprise-enterprise", fraction=0.25, seed=2)
    assert not other.edges["SUPPLIES"].equals(train.edges["SUPPLIES"])


def test_hiding_needs_pairs_to_hide_and_a_known_kind() -> None:
    G = make_graph({"Enterprise": [{"id": "a", "name": "甲"}]})
    with pytest.raises(QueryError, match="at least 2 are needed"):
        hide_edges(G, "enterprise-enterprise")
    with pytest.raises(QueryError, match="unknown kind"):
        hide_edges(G, "friends")
    with pytest.raises(QueryError, match="fraction"):
        hide_edges(G, "enterprise-enterprise", fraction=1.5)


def test_the_demo_beats_random_by_a_clear_margin(demo_graph: EcosystemGraph) -> None:
    df = evaluate_partners(demo_graph)
    assert set(df["method"]) == {"innokg", *BASELINES}
    assert list(df.columns) == [
        "kind",
        "method",
        "auc",
        "precision_at_10",
        "precision_at_50",
        "hidden",
        "negatives",
        "train_pairs",
    ]
    scores = df.pivot(index="kind", columns="method", values="auc")
    assert len(scores) == 5  # every partnership kind has enough pairs in the demo
    margin = scores["innokg"] - scores["random"]
    assert (margin > 0.1).all(), scores
    for kind in ("enterprise-enterprise", "fund-enterprise", "enterprise-alliance"):
        assert margin[kind] > 0.2, scores
        assert scores.loc[kind, "innokg"] > scores.loc[kind, "common_neighbours"], scores
    again = evaluate_partners(demo_graph, kinds=["fund-team"])
    assert again.equals(df[df["kind"] == "fund-team"].reset_index(drop=True))


@pytest.mark.realdata
@pytest.mark.slow
def test_real_company_data_beats_random(shared_data: Path, tmp_path: Path) -> None:
    from innokg.pipeline import build_from_sources

    out = tmp_path / "chainkg"
    build_from_sources([f"chainkg:{shared_data / 'chainkg'}"], out, database=False)
    df = evaluate_partners(
        EcosystemGraph.open(out), kinds=["enterprise-industry", "enterprise-product"]
    )
    scores = df.pivot(index="kind", columns="method", values="auc")
    assert (
        scores.loc["enterprise-industry", "innokg"]
        > scores.loc["enterprise-industry", "random"] + 0.15
    )
    assert (
        scores.loc["enterprise-product", "innokg"]
        > scores.loc["enterprise-product", "random"] + 0.04
    )
    top = df.set_index(["kind", "method"])["precision_at_10"]
    assert top["enterprise-product", "innokg"] >= top["enterprise-product", "random"]
