"""Clusters against independent evidence: exact NMI and ARI, the location check, the
random baseline, the lines for missing evidence, and the figures committed for the docs."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.graph.package import write_package
from innokg.queries.agreement import (
    adjusted_rand_index,
    agreement_markdown,
    cluster_agreement,
    normalized_mutual_information,
)
from tests.conftest import REPO
from tests.factory import make_graph, make_tables

RESULTS = REPO / "docs" / "results"


def _h(*p: float) -> float:
    """Entropy (natural log) of a distribution."""
    return -sum(x * math.log(x) for x in p)


# --- the measures --------------------------------------------------------------------


def test_nmi_of_a_two_by_three_split_is_its_closed_form() -> None:
    # clusters 2 + 2; classes 1 + 1 + 2, the two-member class inside the second cluster
    a = ["x", "x", "y", "y"]
    b = [1, 2, 3, 3]
    mi = _h(0.5, 0.5)  # b determines a: I = H(a)
    expected = 2 * mi / (_h(0.5, 0.5) + _h(0.25, 0.25, 0.5))
    assert normalized_mutual_information(a, b) == pytest.approx(expected, abs=1e-15)
    assert normalized_mutual_information(b, a) == pytest.approx(expected, abs=1e-15)


def test_nmi_of_a_three_one_split() -> None:
    mi = 0.5 * math.log(4 / 3) + 0.25 * math.log(2 / 3) + 0.25 * math.log(2)
    expected = 2 * mi / (_h(0.5, 0.5) + _h(0.75, 0.25))
    got = normalized_mutual_information(["a", "a", "b", "b"], [1, 1, 1, 2])
    assert got == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([0, 0, 1, 1], ["p", "p", "q", "q"], 1.0),  # the same partition, other names
        ([0, 0, 1, 1], [0, 1, 0, 1], 0.0),  # independent
        ([3, 3, 3], [7, 7, 7], 1.0),  # both one group: identical
        ([3, 3, 3, 3], [0, 0, 1, 1], 0.0),  # one group tells nothing
        ([0, 1, 2], [5, 6, 7], 1.0),  # every item alone in both
    ],
)
def test_nmi_limits(a: list[Any], b: list[Any], expected: float) -> None:
    assert normalized_mutual_information(a, b) == expected


def test_ari_exact_values() -> None:
    assert adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(8 / 33)
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    assert adjusted_rand_index([1, 1, 2, 2], ["a", "a", "b", "b"]) == 1.0
    assert adjusted_rand_index([1, 1, 1], [2, 2, 2]) == 1.0


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ([0, 1], [0], "differ in length"),
        ([], [], "no items"),
        ([0, None], [0, 1], "must not be missing"),
    ],
)
def test_bad_labellings_are_named(a: list[Any], b: list[Any], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        normalized_mutual_information(a, b)
    with pytest.raises(QueryError, match=message):
        adjusted_rand_index(a, b)


# --- on a hand-made graph ------------------------------------------------------------

TRIANGLES = [("e0", "e1"), ("e1", "e2"), ("e0", "e2"), ("e3", "e4"), ("e4", "e5"), ("e3", "e5")]
FIRMS = [{"id": f"e{i}", "name": f"企业{i}"} for i in range(6)]


def _two_chains(**extra: Any) -> EcosystemGraph:
    """Two supply triangles joined by one link (clusters e0-e2 and e3-e5), with Shenwan
    industries: level 1 A / B, level 2 A1 (e0, e1), A2 (e2), B1 (e3, e4, e5); GB/T
    divisions C36 for e0-e2 and C38 for e3-e5; cities c1, c2 with quotients."""
    sw = [
        {"id": "A", "name": "甲", "scheme": "Shenwan 2021", "level": 1},
        {"id": "B", "name": "乙", "scheme": "Shenwan 2021", "level": 1},
        {"id": "A1", "name": "甲一", "scheme": "Shenwan 2021", "level": 2},
        {"id": "A2", "name": "甲二", "scheme": "Shenwan 2021", "level": 2},
        {"id": "B1", "name": "乙一", "scheme": "Shenwan 2021", "level": 2},
    ]
    gbt = [
        {"id": "C36", "name": "汽车制造业", "level": 2},
        {"id": "C38", "name": "电气机械和器材制造业", "level": 2},
    ]
    cities = [{"id": "c1", "name": "甲市"}, {"id": "c2", "name": "乙市"}]
    shenwan = {"e0": "A1", "e1": "A1", "e2": "A2", "e3": "B1", "e4": "B1", "e5": "B1"}
    edges: dict[str, list[Any]] = {
        "SUPPLIES": [*TRIANGLES, ("e2", "e3")],
        "SUBCLASS_OF": [("A1", "A"), ("A2", "A"), ("B1", "B")],
        "IN_INDUSTRY": [
            *[(f, i) for f, i in shenwan.items()],
            *[(f"e{i}", "C36" if i < 3 else "C38") for i in range(6)],
        ],
        # e4 has no place
        "LOCATED_IN": [("e0", "c1"), ("e1", "c1"), ("e2", "c2"), ("e3", "c2"), ("e5", "c1")],
        "SPECIALISES_IN": [
            ("c1", "C36", {"quotient": 1.5}),
            ("c2", "C38", {"quotient": 2.0}),
            ("c2", "C36", {"quotient": 0.8}),  # below 1: not a specialisation
        ],
    }
    edges.update(extra)
    return make_graph({"Enterprise": FIRMS, "Industry": sw + gbt, "Region": cities}, edges)


def test_nmi_with_shenwan_at_every_level_is_exact() -> None:
    result = cluster_agreement(_two_chains(), permutations=10)
    rows = result.industries.set_index("level")
    assert rows.loc[1, ["firms", "clusters", "classes"]].tolist() == [6, 2, 2]
    assert rows.loc[1, "nmi"] == 1.0 and rows.loc[1, "ari"] == 1.0
    # level 2: classes 2 + 1 + 3 nested in the clusters, so I = H(clusters) = ln 2
    expected = 2 * math.log(2) / (math.log(2) + _h(1 / 3, 1 / 6, 1 / 2))
    assert rows.loc[2, "nmi"] == pytest.approx(expected, abs=1e-12)
    assert rows.loc[2, "classes"] == 3
    # pairs: 4 together in both, 9 together in neither; Rand corrected for chance
    sum_a, sum_b, total = 6.0, 4.0, 15.0
    ari = (4 - sum_a * sum_b / total) / ((sum_a + sum_b) / 2 - sum_a * sum_b / total)
    assert rows.loc[2, "ari"] == pytest.approx(ari, abs=1e-12)
    summary = result.summary.set_index(["measure", "evidence"])
    assert summary.loc[("nmi", "Shenwan 2021 level 2"), "value"] == pytest.approx(expected)


def test_location_check_counts_members_in_specialised_cities() -> None:
    result = cluster_agreement(_two_chains(), permutations=10)
    got = result.quotients[
        ["cluster", "size", "top_industry", "located", "specialised", "share"]
    ].to_dict("records")
    assert got == [
        # e0, e1 in c1 (C36 1.5), e2 in c2 (C36 0.8: not above 1)
        {"cluster": 1, "size": 3, "top_industry": "C36", "located": 3, "specialised": 2,
         "share": 2 / 3},
        # e3 in c2 (C38 2.0), e5 in c1 (no C38 quotient), e4 nowhere
        {"cluster": 2, "size": 3, "top_industry": "C38", "located": 2, "specialised": 1,
         "share": 0.5},
    ]  # fmt: skip
    lq = result.summary.set_index("measure").loc["lq_share"]
    assert lq["value"] == pytest.approx(3 / 5) and lq["firms"] == 5 and lq["clusters"] == 2
    assert lq["evidence"] == "GB/T 4754-2017 level 2, quotient above 1"
    assert result.notes == [
        "location quotients: 1 of 6 clustered firms are in no city with quotients "
        "(1 with no known place) and are left out of the location check"
    ]


def _exact_random_share(G: EcosystemGraph) -> float:
    """The pooled share averaged over every way to split the six firms into two
    clusters of three, computed directly (top industry: most members, lower code)."""
    industry = {f"e{i}": "C36" if i < 3 else "C38" for i in range(6)}
    city = {"e0": "c1", "e1": "c1", "e2": "c2", "e3": "c2", "e5": "c1"}
    special = {("c1", "C36"), ("c2", "C38")}
    firms = sorted(industry)
    shares = []
    for first in itertools.combinations(firms, 3):
        spec = loc = 0
        for group in (first, tuple(f for f in firms if f not in first)):
            counts = {i: sum(industry[f] == i for f in group) for i in ("C36", "C38")}
            top = max(sorted(counts), key=lambda i: counts[i])
            located = [f for f in group if f in city]
            loc += len(located)
            spec += sum((city[f], top) in special for f in located)
        shares.append(spec / loc)
    return float(np.mean(shares))


def test_random_baseline_is_the_mean_over_random_clusters_of_the_same_sizes() -> None:
    G = _two_chains()
    result = cluster_agreement(G, permutations=3000)
    lq = result.summary.set_index("measure").loc["lq_share"]
    # every split is equally likely under a shuffle: the mean converges to their average
    assert lq["random"] == pytest.approx(_exact_random_share(G), abs=0.01)
    assert 0 < lq["p_value"] <= 1


def test_everything_specialised_gives_one_for_clusters_and_random_alike() -> None:
    everywhere = [(c, i, {"quotient": 3.0}) for c in ("c1", "c2") for i in ("C36", "C38")]
    result = cluster_agreement(_two_chains(SPECIALISES_IN=everywhere), permutations=50)
    lq = result.summary.set_index("measure").loc["lq_share"]
    assert (lq["value"], lq["random"], lq["random_sd"], lq["p_value"]) == (1.0, 1.0, 0.0, 1.0)


def test_the_same_seed_gives_the_same_figures() -> None:
    first = cluster_agreement(_two_chains(), permutations=30).to_dict()
    again = cluster_agreement(_two_chains(), permutations=30).to_dict()
    assert first == again


def test_missing_evidence_is_one_line_each_never_a_zero() -> None:
    G = make_graph({"Enterprise": FIRMS}, {"SUPPLIES": [*TRIANGLES, ("e2", "e3")]})
    result = cluster_agreement(G, permutations=5)
    assert result.summary.empty and result.industries.empty and result.quotients.empty
    assert [n.split(":")[0] for n in result.notes] == [
        "no Shenwan industries",
        "no location quotients",
    ]
    text = agreement_markdown(result.to_dict())
    assert "| " not in text and "0.000" not in text
    assert "no Shenwan industries" in text


def test_no_clusters_says_so() -> None:
    G = make_graph({"Enterprise": FIRMS})
    result = cluster_agreement(G)
    assert result.summary.empty
    assert result.notes == [
        "no supply-chain clusters: no group of at least 3 firms is linked by SUPPLIES or "
        "through products, so nothing is checked"
    ]


def test_permutations_must_be_positive() -> None:
    with pytest.raises(QueryError, match="permutations must be at least 1"):
        cluster_agreement(_two_chains(), permutations=0)


# --- the command ---------------------------------------------------------------------


def _package(tmp_path: Path, G: EcosystemGraph) -> Path:
    from innokg.graph.validate import Tables

    out = tmp_path / "pkg"
    write_package(Tables(G.nodes, G.edges), out, sources=[])
    return out


def test_command_table_json_and_markdown(tmp_path: Path) -> None:
    pkg = _package(tmp_path, _two_chains())
    runner = CliRunner()
    shown = runner.invoke(main, ["evaluate", "clusters", str(pkg), "--permutations", "20"])
    assert shown.exit_code == 0, shown.output
    assert "lq_share" in shown.output and "Shenwan 2021 level 2" in shown.output
    assert "1 with no known place" in shown.output
    out = tmp_path / "agreement.json"
    done = runner.invoke(
        main,
        ["evaluate", "clusters", str(pkg), "--format", "json", "--out", str(out),
         "--permutations", "20"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["industries"][0]["nmi"] == 1.0
    assert [r["specialised"] for r in data["quotients"]] == [2, 1]
    md = runner.invoke(
        main, ["evaluate", "clusters", str(pkg), "--format", "markdown", "--permutations", "20"]
    )
    assert md.exit_code == 0 and md.output == agreement_markdown(data)
    csv = runner.invoke(
        main, ["evaluate", "clusters", str(pkg), "--format", "csv", "--permutations", "20"]
    )
    assert csv.output.splitlines()[0] == (
        "measure,evidence,firms,clusters,value,random,random_sd,p_value"
    )


def test_command_without_evidence_prints_the_lines_only(tmp_path: Path) -> None:
    tables = make_tables({"Enterprise": FIRMS}, {"SUPPLIES": [*TRIANGLES, ("e2", "e3")]})
    pkg = tmp_path / "pkg"
    write_package(tables, pkg, sources=[])
    result = CliRunner().invoke(main, ["evaluate", "clusters", str(pkg)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "no Shenwan industries: no clustered firm has an IN_INDUSTRY edge to a Shenwan "
        "industry (the chain data of listed companies gives them), so NMI is not computed",
        "no location quotients: the graph has no SPECIALISES_IN edges from a city to an "
        "industry (innokg henan reads them from the clusters/ source), so the location "
        "check is not computed",
    ]


def test_command_on_a_missing_package_is_one_clean_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["evaluate", "clusters", str(tmp_path / "nothing")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "nothing" in result.output


# --- real data -----------------------------------------------------------------------


def _figures(data: dict[str, Any]) -> dict[str, Any]:
    """What the docs show: everything but when and where the graph was built."""
    graph = {k: v for k, v in data["graph"].items() if k != "built_at"}
    return {**data, "graph": graph}


@pytest.fixture(scope="module")
def henan(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> EcosystemGraph:
    from innokg.henan import build_henan

    out = tmp_path_factory.mktemp("henan") / "henan"
    build_henan(out, data=shared_data, database=False)
    return EcosystemGraph.open(out)


@pytest.mark.realdata
@pytest.mark.slow
def test_real_henan_clusters_beat_random_ones_and_the_docs_figures_are_current(
    henan: EcosystemGraph,
) -> None:
    result = cluster_agreement(henan)
    rows = result.industries.set_index("level")
    assert rows.index.tolist() == [1, 2, 3]
    # the clusters come from supply links only, yet share more with the industries
    # than any of the 200 random clusterings of the same firms
    assert (rows["nmi"] > rows["nmi_random"] + 3 * rows["nmi_random_sd"]).all()
    assert (rows["nmi_p"] < 0.01).all()
    assert "lq_share" in set(result.summary["measure"])
    committed = json.loads((RESULTS / "cluster_agreement_henan.json").read_text("utf-8"))
    assert _figures(result.to_dict()) == _figures(committed), (
        "docs/results/cluster_agreement_henan.json is stale: rerun the command in "
        "docs/queries.md (innokg evaluate clusters ... --format json --out ...), then "
        "python docs/results/render.py"
    )


@pytest.mark.realdata
@pytest.mark.slow
def test_real_chain_data_has_no_quotients_and_says_so(shared_data: Path, tmp_path: Path) -> None:
    from innokg.pipeline import build_from_sources

    out = tmp_path / "chainkg"
    build_from_sources([f"chainkg:{shared_data / 'chainkg'}"], out, database=False)
    result = cluster_agreement(EcosystemGraph.open(out))
    assert set(result.summary["measure"]) == {"nmi", "ari"}
    assert (result.industries["nmi_p"] < 0.01).all()  # as docs/queries.md reads them
    assert result.notes[0].startswith("no location quotients")
    committed = json.loads((RESULTS / "cluster_agreement_chainkg.json").read_text("utf-8"))
    assert _figures(result.to_dict()) == _figures(committed), (
        "docs/results/cluster_agreement_chainkg.json is stale: rerun the command in "
        "docs/queries.md, then python docs/results/render.py"
    )
