"""Candidate partnerships: scores and explanations by hand; sparse products vs networkx."""

from __future__ import annotations

import math
from itertools import combinations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import NodeNotFound, QueryError
from innokg.queries import intermediates, reasons
from innokg.queries.partners import (
    KINDS,
    PRIOR,
    adamic_adar,
    adamic_adar_candidates,
    candidate_partners,
    path_scores,
    score_pairs,
    scoring,
)
from innokg.queries.partners import table as partner_table
from tests.factory import make_graph


def supply_partners_and_a_university() -> EcosystemGraph:
    """a buys from c and sells to b; b and c both work with the university r."""
    return make_graph(
        {
            "Enterprise": [
                {"id": "a", "name": "甲", "name_en": "A Co."},
                {"id": "b", "name": "乙", "name_en": "B Co."},
                {"id": "c", "name": "丙", "name_en": "C Co."},
            ],
            "ResearchInstitute": [{"id": "r", "name": "郑州大学", "name_en": "ZZU"}],
        },
        {"SUPPLIES": [("a", "b"), ("c", "a")], "COLLABORATES_WITH": [("b", "r"), ("c", "r")]},
    )


#: The evidence floor of a kind with a capacity: a walk through an intermediate with
#: hub_cap (500) neighbours.
FLOOR = 1 / math.log(500)


def test_an_adamic_adar_score_and_its_explanation_by_hand() -> None:
    df = candidate_partners(supply_partners_and_a_university(), kinds=["enterprise-institute"])
    # Intermediates b and c each have two neighbours on the path (a; r): 1/log 2 each.
    # The prior: degrees 2 and 2 in the organisation network.  Capacity: a has no
    # research partner yet (θ = 1), r has two partner firms (θ = 1 + log 3).
    expected = (2 / math.log(2) + FLOOR + PRIOR * math.log(3) ** 2) * (1 + math.log(3))
    assert df[["source", "target", "rank"]].to_dict("records") == [
        {"source": "a", "target": "r", "rank": 1}
    ]
    assert df["score"].iloc[0] == pytest.approx(expected, abs=1e-6)
    assert df["paths"].iloc[0] == "partner_collaborates=2.885"
    assert (
        df["explanation"].iloc[0] == "其供应链伙伴丙、乙已与郑州大学合作；郑州大学现有2家合作企业。"
    )
    assert df["explanation_en"].iloc[0] == (
        "Its supply partners C Co., B Co. already work with ZZU; ZZU has 2 partner firms."
    )


def test_resource_allocation_weights() -> None:
    parts = path_scores(
        supply_partners_and_a_university(), "enterprise-institute", ["a"], ["r"], method="ra"
    )
    assert parts["partner_collaborates"].iloc[0] == pytest.approx(1.0)  # 1/2 + 1/2


def test_industry_peers_of_a_three_step_path() -> None:
    G = make_graph(
        {
            "Enterprise": [
                {"id": "a", "name": "新企业"},
                {"id": "p1", "name": "宇通"},
                {"id": "p2", "name": "东风"},
            ],
            "Industry": [{"id": "C36", "name": "汽车制造业", "name_en": "Motor vehicles"}],
            "ResearchInstitute": [{"id": "r", "name": "郑州大学", "name_en": "ZZU"}],
            "Region": [
                {"id": "region:4101", "name": "郑州市", "name_en": "Zhengzhou", "code": "4101"}
            ],
        },
        {
            "IN_INDUSTRY": [("a", "C36"), ("p1", "C36"), ("p2", "C36")],
            "COLLABORATES_WITH": [("p1", "r"), ("p2", "r")],
            "LOCATED_IN": [("a", "region:4101"), ("r", "region:4101")],
        },
    )
    row = candidate_partners(G, kinds=["enterprise-institute"]).iloc[0]
    # The industry has three members (1/log 3); each peer has its industry and r (1/log 2).
    industry = 2 / (math.log(3) * math.log(2))
    # Beside it the place proxy: Zhengzhou holds two organisations, a and r (1/log 2).
    city = 1 / math.log(2)
    prior = FLOOR + PRIOR * math.log(2) * math.log(3)
    theta = 1 + math.log(3)  # r has two partner firms; a none
    assert row["score"] == pytest.approx((industry + city + prior) * theta * 1.5)
    assert row["paths"] == "industry_peers=2.626, same_city=1.443"
    assert bool(row["same_city"]) is True
    assert row["explanation"] == (
        "郑州大学已与同属汽车制造业的2家企业合作（东风、宇通）；郑州大学与其同在郑州市；"
        "郑州大学现有2家合作企业。"
    )
    assert row["explanation_en"] == (
        "ZZU already works with 2 firms in Motor vehicles (东风, 宇通); ZZU is in Zhengzhou "
        "too; ZZU has 2 partner firms."
    )


def test_pairs_already_linked_are_not_proposed() -> None:
    G = supply_partners_and_a_university()
    df = candidate_partners(G, kinds=["enterprise-enterprise"])
    pairs = {frozenset((s, t)) for s, t in zip(df["source"], df["target"], strict=True)}
    # a-b and a-c are linked by supply; b and c share a, and share r.
    assert pairs == {frozenset(("b", "c"))}
    assert "两家都与郑州大学合作" in df["explanation"].iloc[0]


def test_asking_for_either_side_gives_the_same_pair_and_score() -> None:
    G = supply_partners_and_a_university()
    from_firm = candidate_partners(G, node="a", kinds=["enterprise-institute"])
    from_university = candidate_partners(G, node="r")
    assert from_firm[["source", "target", "score"]].equals(
        from_university[["source", "target", "score"]]
    )
    with pytest.raises(NodeNotFound):
        candidate_partners(G, node="nobody")


def test_score_pairs_agrees_with_the_ranking(demo_graph: EcosystemGraph) -> None:
    top = candidate_partners(demo_graph, kinds=["enterprise-institute"], k=10)
    again = score_pairs(demo_graph, "enterprise-institute", top["source"], top["target"])
    assert np.allclose(again, top["score"], atol=1e-6)
    assert top["score"].is_monotonic_decreasing
    assert top["explanation"].str.endswith("。").all()
    assert top["explanation_en"].str.endswith(".").all()


def test_per_source_lists_the_best_of_every_source(demo_graph: EcosystemGraph) -> None:
    df = candidate_partners(demo_graph, kinds=["fund-team"], per_source=2)
    ranked = df[df["rank"] > 0]
    assert (ranked.groupby("source").size() <= 2).all()
    assert set(ranked["rank"]) == {1, 2}
    # the teams left without a candidate are counted in one note, not left unsaid
    teams = len(demo_graph.nodes["MakerTeam"])
    missing = teams - ranked["source"].nunique()
    assert missing > 0
    assert df.loc[df["rank"] == 0, "explanation"].tolist() == [
        f"部分创客团队没有候选：{teams:,}个中有{missing:,}个没有本类的候选（它们与尚未相连的"
        "对象之间没有本类的元路径）；用 --for（或 node=）查看其中某一个在哪一步中断。"
    ]
    assert df.loc[df["rank"] == 0, "explanation_en"].tolist() == [
        f"No candidates for {missing:,} of the {teams:,} maker teams (no meta-path of this "
        "kind joins them to anything not yet linked); --for (or node=) one of them says "
        "where its walks stop."
    ]


_NOT_PATHS = ("source", "target", "prior", "capacity", "factor", "score")


def test_every_row_of_a_per_source_table_lists_its_own_path_scores(
    demo_graph: EcosystemGraph,
) -> None:
    """The explanations are computed for all pairs at once; path_scores looks each pair
    up in the full products, so the two must agree on every row."""
    for kind in ("enterprise-institute", "enterprise-enterprise", "fund-enterprise"):
        df = candidate_partners(demo_graph, kinds=[kind], per_source=5, notes=False)
        assert len(df) > 100
        parts = path_scores(demo_graph, kind, df["source"], df["target"])
        # the kind's meta-paths, and for enterprise-institute its proxies beside them
        keys = [c for c in parts.columns if c not in _NOT_PATHS]
        assert keys[: len(KINDS[kind].paths)] == [path.key for path in KINDS[kind].paths]
        expected = [
            ", ".join(
                f"{key}={value:.4g}"
                for key, value in sorted(zip(keys, row, strict=True), key=lambda x: (-x[1], x[0]))
                if value > 0
            )
            for row in parts[keys].itertuples(index=False)
        ]
        assert df["paths"].tolist() == expected


def test_explanations_do_not_depend_on_how_the_pairs_are_chunked(
    demo_graph: EcosystemGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    kinds = ["enterprise-alliance", "fund-enterprise", "enterprise-institute"]
    whole = candidate_partners(demo_graph, kinds=kinds, per_source=3)
    monkeypatch.setattr(reasons, "_ENTRIES", 37)
    monkeypatch.setattr(reasons, "_CHUNK", 101)
    monkeypatch.setattr(partner_table, "_DESCRIBE_CHUNK", 97)
    chunked = candidate_partners(demo_graph, kinds=kinds, per_source=3)
    assert len(whole) > 500
    assert whole.equals(chunked)


def test_more_than_three_intermediates_are_counted_fewest_neighbours_first() -> None:
    # Five buyers shared by a and b; buyer d5 also buys from x, so it is the least telling.
    buyers = [f"d{i}" for i in range(1, 6)]
    G = make_graph(
        {
            "Enterprise": [{"id": i, "name": i.upper()} for i in ["a", "b", "x", *buyers]],
        },
        {"SUPPLIES": [(s, d) for s in ("a", "b") for d in buyers] + [("x", "d5")]},
    )
    row = candidate_partners(G, kinds=["enterprise-enterprise"], node="a").iloc[0]
    assert row["target"] == "b"
    # joined only as suppliers of the same buyers: peers, and said so first
    assert row["explanation"].startswith(
        "同业（可能是竞争者）：适合组建产业联盟或联合研发，而非供需对接；两家都为D1、D2、D3等5家供货"
    )
    assert row["explanation_en"].startswith(
        "Peers (possibly competitors): suited to an industry alliance or joint R&D, "
        "not a supply deal; both supply D1, D2, D3 and 2 more"
    )


def test_sizes_keep_only_the_policys_large_and_medium_firms(demo_graph: EcosystemGraph) -> None:
    sizes = demo_graph.nodes["Enterprise"].set_index("id")["size"]
    df = candidate_partners(
        demo_graph, kinds=["enterprise-institute"], per_source=3, sizes=["large", "medium"]
    )
    assert set(sizes[df["source"]]) == {"large", "medium"}
    everyone = candidate_partners(demo_graph, kinds=["enterprise-institute"], per_source=3)
    big = everyone[everyone["source"].map(sizes).isin(["large", "medium"])]
    assert df.reset_index(drop=True).equals(big.reset_index(drop=True))
    with pytest.raises(QueryError, match="unknown size"):
        candidate_partners(demo_graph, sizes=["huge"])


def test_every_candidate_pair_scores_as_networkx_adamic_adar(demo_graph: EcosystemGraph) -> None:
    types = ["SUPPLIES", "COLLABORATES_WITH", "MEMBER_OF"]
    H = nx.Graph(demo_graph.to_networkx(edge_types=types).to_undirected())
    H.remove_edges_from(nx.selfloop_edges(H))
    firms = demo_graph.nodes["Enterprise"]
    sources = firms.loc[firms["size"].isin(["large", "medium"]), "id"].tolist()
    ours = adamic_adar_candidates(demo_graph, sources, target_label="Enterprise", edge_types=types)
    firm_ids = set(firms["id"])
    expected = {}
    for u in sources:
        if u not in H:
            continue
        two_hop = {w for z in H[u] for w in H[z]} - set(H[u]) - {u}
        pairs = [(u, w) for w in two_hop if w in firm_ids]
        expected.update({(a, b): s for a, b, s in nx.adamic_adar_index(H, pairs)})
    assert len(expected) > 1000
    got = dict(zip(zip(ours["source"], ours["target"], strict=True), ours["score"], strict=True))
    assert got.keys() == expected.keys()
    assert np.allclose([got[p] for p in expected], list(expected.values()), rtol=1e-12)


def random_firms_and_institutes(seed: int = 7) -> EcosystemGraph:
    """150 firms and 20 institutes linked at random, some firms isolated."""
    rng = np.random.default_rng(seed)
    firms = [f"F{i:03d}" for i in range(150)]
    labs = [f"R{i:02d}" for i in range(20)]
    supplies = {(firms[a], firms[b]) for a, b in rng.integers(0, 140, (300, 2)) if a != b}
    works = {(firms[a], labs[b]) for a, b in rng.integers(0, (140, 20), (80, 2))}
    return make_graph(
        {
            "Enterprise": [{"id": i, "name": i} for i in firms],
            "ResearchInstitute": [{"id": i, "name": i} for i in labs],
        },
        {"SUPPLIES": sorted(supplies), "COLLABORATES_WITH": sorted(works)},
    )


@pytest.mark.parametrize("target_label", [None, "Enterprise"])
def test_candidates_by_groups_of_sources_equal_networkx(
    target_label: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from innokg.queries.partners import baselines

    G = random_firms_and_institutes()
    H = nx.Graph(G.to_networkx().to_undirected())
    # every firm, one twice, the isolated ones among them: more than one group of 64
    sources = [f"F{i:03d}" for i in range(150)] + ["F005"]
    got = adamic_adar_candidates(G, sources, target_label=target_label)
    allowed = set(G.nodes[target_label]["id"]) if target_label else set(H)
    expected = []
    for u in sources:
        two = {w for z in H[u] for w in H[z]} - set(H[u]) - {u}
        pairs = sorted((u, w) for w in two if w in allowed)
        expected += list(nx.adamic_adar_index(H, pairs))
    assert len(expected) > 500
    assert got["source"].tolist() == [a for a, _, _ in expected]  # grouped, in order
    mine = {(a, b): s for a, b, s in got.itertuples(index=False)}
    want = {(a, b): s for a, b, s in expected}
    assert mine.keys() == want.keys() and len(got) == len(expected)
    assert np.allclose([mine[p] for p in want], list(want.values()), rtol=1e-12)
    # the ids as categories: each id that occurs, once, in the graph's order
    order = {node: k for k, node in enumerate(G.node_ids)}
    for column in ("source", "target"):
        assert list(got[column].cat.categories) == sorted(set(got[column]), key=order.get)
    # groups cut by the entries' bound rather than by the 64 bits
    monkeypatch.setattr(baselines, "_ENTRIES", 40)
    monkeypatch.setattr(baselines, "_ROWS", 3)
    # and the sources cut into runs of as many walks, one thread each (or one run)
    runs: list[tuple[int, int, bool]] = []
    part = baselines._candidates
    monkeypatch.setattr(
        baselines,
        "_candidates",
        lambda w, a, b, *into: runs.append((a, b, bool(into and into[0]))) or part(w, a, b, *into),
    )
    # the runs written into one set of arrays and packed, or each into arrays of its
    # own grown from little room and gathered: the same rows
    # (and moved and recoded two positions at a time)
    monkeypatch.setattr(baselines, "_SLICE", 2)
    for first_room, shared in ((baselines._FIRST_ROOM, True), (7, False)):
        monkeypatch.setattr(baselines, "_FIRST_ROOM", first_room)
        for threads in (1, 3):
            monkeypatch.setattr(baselines, "THREADS", threads)
            runs.clear()
            pd.testing.assert_frame_equal(
                adamic_adar_candidates(G, sources, target_label=target_label), got
            )
            assert len(runs) == threads and sorted(runs)[-1][1] == len(sources)
            assert {r[2] for r in runs} == {shared and threads > 1}
    assert adamic_adar_candidates(G, [], target_label=target_label).empty


def test_the_sparse_product_equals_networkx_adamic_adar(demo_graph: EcosystemGraph) -> None:
    simple = nx.Graph(demo_graph.to_networkx().to_undirected())
    simple.remove_edges_from(nx.selfloop_edges(simple))
    firms = sorted(demo_graph.nodes["Enterprise"]["id"])[:40]
    pairs = list(combinations(firms, 2))
    want = [score for _, _, score in nx.adamic_adar_index(simple, pairs)]
    assert np.allclose(adamic_adar(demo_graph, pairs), want, atol=1e-12)


def test_a_meta_path_equals_the_same_sum_written_with_networkx(
    demo_graph: EcosystemGraph,
) -> None:
    supplies = nx.DiGraph()
    df = demo_graph.edges["SUPPLIES"]
    supplies.add_edges_from(zip(df["from_id"], df["to_id"], strict=True))
    sources = sorted(n for n in supplies if supplies.out_degree(n) > 3)[:5]
    pairs = [(u, v) for u in sources for v in supplies if v != u]
    want = [
        sum(
            1 / math.log(supplies.in_degree(z))
            for z in set(supplies.successors(u)) & set(supplies.successors(v))
        )
        for u, v in pairs
    ]
    got = path_scores(
        demo_graph,
        "enterprise-enterprise",
        [u for u, _ in pairs],
        [v for _, v in pairs],
        hub_cap=10**6,
        tail_cap=10**6,
    )["common_buyers"]
    assert np.allclose(got, want, atol=1e-12)
    assert sum(1 for w in want if w > 0) > 20


def test_busy_intermediates_are_skipped_above_the_cap() -> None:
    G = make_graph(
        {
            "Enterprise": [{"id": i, "name": i} for i in ("s1", "s2", "b")],
            "Product": [{"id": "steel", "name": "钢材"}, {"id": "car", "name": "汽车"}],
        },
        {
            "PRODUCES": [("s1", "steel"), ("s2", "steel"), ("b", "car")],
            "UPSTREAM_OF": [("steel", "car")],
        },
    )
    assert (
        "前者生产的钢材是后者所产汽车的上游原料"
        in (candidate_partners(G, node="s1")["explanation"].iloc[0])
    )
    # A cap of one maker: cars (one maker) still count, steel (two makers) does not.
    capped = path_scores(G, "enterprise-enterprise", ["s1", "b"], ["b", "s1"], hub_cap=1)
    assert capped["supplies_input"].iloc[0] > 0
    assert capped["buys_input"].iloc[1] == 0
    uncapped = path_scores(G, "enterprise-enterprise", ["b"], ["s1"])
    assert uncapped["buys_input"].iloc[0] > 0


def test_results_are_deterministic(demo_graph: EcosystemGraph) -> None:
    first = candidate_partners(demo_graph, kinds=["enterprise-enterprise"], k=15)
    second = candidate_partners(
        EcosystemGraph(demo_graph.nodes, demo_graph.edges), kinds=["enterprise-enterprise"], k=15
    )
    assert first.equals(second)


def test_bad_requests_say_what_to_do() -> None:
    G = supply_partners_and_a_university()
    with pytest.raises(QueryError, match="unknown kind"):
        candidate_partners(G, kinds=["friends"])
    with pytest.raises(QueryError, match="method must be"):
        candidate_partners(G, method="cosine")  # type: ignore[arg-type]
    region_graph = make_graph({"Region": [{"id": "region:41", "name": "河南省"}]})
    with pytest.raises(QueryError, match="is a node of label Region, which no partnership kind"):
        candidate_partners(region_graph, node="region:41")
    assert set(KINDS) >= {"enterprise-institute", "fund-team", "enterprise-alliance"}


# --- a graph about one province (the real Henan build) -------------------------------


def _province_graph():
    from tests.factory import make_graph

    return make_graph(
        {
            "Region": [
                {"id": "p", "name": "河南省", "level": "province"},
                {"id": "zz", "name": "郑州市", "name_en": "Zhengzhou", "level": "city"},
            ],
            "Enterprise": [
                {"id": "h1", "name": "郑甲"},
                {"id": "h2", "name": "郑乙"},
                {"id": "o1", "name": "苏丙"},
                {"id": "o2", "name": "苏丁"},
                {"id": "buyer", "name": "买方"},
            ],
            "ResearchInstitute": [{"id": "u", "name": "郑大", "level": "本科"}],
            "Platform": [{"id": "tc", "name": "郑甲技术中心", "kind": "self_built_rnd"}],
        },
        {
            "LOCATED_IN": [("zz", "p"), ("h1", "zz"), ("h2", "zz"), ("u", "zz"), ("tc", "zz")],
            "SUPPLIES": [("h1", "buyer"), ("o1", "buyer"), ("o2", "buyer")],
            "OPERATES": [("h1", "tc")],
        },
    )


def test_scoped_sources_are_in_province_firms_only():
    G = _province_graph()
    df = candidate_partners(G, kinds=["enterprise-enterprise"])
    pairs = df[df["rank"] > 0][["source", "target"]].to_records(index=False).tolist()
    # o1 - o2 share the buyer too, but neither is in the province
    assert pairs == [("h1", "o1"), ("h1", "o2")]
    assert df["explanation"].iloc[0].endswith("；后者在河南省外。")
    assert "the second is outside" in df["explanation_en"].iloc[0]
    everyone = candidate_partners(G, kinds=["enterprise-enterprise"], scope="all")
    assert ("o1", "o2") in everyone[["source", "target"]].to_records(index=False).tolist()


def test_not_computable_kind_gives_one_line():
    G = _province_graph()
    df = candidate_partners(G, kinds=["fund-team", "enterprise-alliance"])
    assert df[["kind", "rank"]].to_records(index=False).tolist() == [
        ("fund-team", 0),
        ("enterprise-alliance", 0),
    ]
    assert df["explanation"].tolist() == [
        "无法计算：图中没有创客团队和基金数据。",
        "无法计算：图中没有联盟数据。",
    ]
    assert df["explanation_en"].iloc[0] == "Not computable: the graph has no maker teams or funds."
    assert candidate_partners(G, kinds=["fund-team"], notes=False).empty


def test_institutes_without_collaborations_need_more_than_a_place():
    """No collaboration anywhere and no field in common: the shared city and the R&D
    centre's city say nothing about the institute, so nothing is proposed, and the
    note says why."""
    G = _province_graph()
    df = candidate_partners(G, kinds=["enterprise-institute"])
    assert df[["rank", "source", "target"]].to_records(index=False).tolist() == [(0, "", "")]
    assert df["explanation"].iloc[0] == (
        "没有找到候选：没有哪家高校或科研机构的研究领域与企业所在行业相同（仅同在一地不足以推荐）。"
    )
    parts = path_scores(G, "enterprise-institute", ["h1", "h2"], ["u", "u"])
    assert parts[["rnd_centre_city", "same_city"]].to_numpy().tolist() == [[0, 0], [0, 0]]


@pytest.fixture(scope="module")
def henan_graph(shared_data, tmp_path_factory):
    from innokg.graph.ecosystem import EcosystemGraph
    from innokg.henan import build_henan

    out = tmp_path_factory.mktemp("henan") / "henan"
    build_henan(out, data=shared_data, database=False)
    return EcosystemGraph.open(out)


def _henan_firms(G) -> set[str]:
    from innokg.queries.arrays import arrays
    from innokg.queries.partners import graph_scope

    A = arrays(G)
    scope = graph_scope(G)
    assert scope is not None
    return {str(x) for x in A.ids[scope.inside & A.mask("Enterprise")]}


@pytest.mark.realdata
def test_real_partner_sources_are_henan_firms(henan_graph):
    import pandas as pd

    located = henan_graph.edges["LOCATED_IN"]
    places = pd.concat([henan_graph.nodes["Region"], henan_graph.nodes["Zone"]])
    henan = set(places.loc[places["code"].astype(str).str.startswith("41"), "id"])
    firms = set(henan_graph.nodes["Enterprise"]["id"])
    placed = set(located.loc[located["to_id"].isin(henan), "from_id"]) & firms
    assert placed == _henan_firms(henan_graph)
    df = candidate_partners(henan_graph, k=20)
    real = df[df["rank"] > 0]
    assert len(real[real["kind"] == "enterprise-institute"]) == 20
    assert set(real["source"]) <= placed
    notes = df[df["rank"] == 0]
    assert set(notes["kind"]) == {"fund-team", "fund-enterprise", "enterprise-alliance"}
    assert not pd.isna(notes["explanation"]).any()


@pytest.mark.realdata
def test_real_henan_firm_without_supply_data_says_why(henan_graph):
    """Yutong's products on the real build are its reported business segments, which no
    chain table links up- or downstream; its line says so instead of being missing."""

    G = henan_graph
    firm = G.nodes["Enterprise"]
    yutong = firm.loc[firm["name"] == "郑州宇通客车股份有限公司", "id"].iloc[0]
    df = candidate_partners(G, node=yutong)
    line = df[(df["kind"] == "enterprise-enterprise")]
    assert line["rank"].tolist() == [0]
    assert line["explanation"].iloc[0] == (  # as docs/partners.md quotes it
        "没有找到候选：郑州宇通客车股份有限公司与任何尚未相连的企业之间都没有本类的元路径；"
        "它经PRODUCES关系到达的16个产品都没有UPSTREAM_OF关系；"
        "它在图中没有SUPPLIES、COLLABORATES_WITH（出）、MEMBER_OF关系。"
    )
    assert len(df[(df["kind"] == "enterprise-institute") & (df["rank"] > 0)]) >= 1
    # a group with no industry of its own is told so, not read as a field mismatch
    group = firm.loc[firm["name"] == "中国一拖集团有限公司", "id"].iloc[0]
    lines = candidate_partners(G, node=group, kinds=["enterprise-institute"])
    assert lines["explanation"].tolist() == [
        "没有找到候选：图中没有中国一拖集团有限公司所属的行业（IN_INDUSTRY），"
        "无法按研究领域匹配高校或科研机构（仅同在一地不足以推荐）。"
    ]
    arm = firm.loc[firm["name"] == "第一拖拉机股份有限公司", "id"].iloc[0]
    assert (candidate_partners(G, node=arm, kinds=["enterprise-institute"])["rank"] > 0).any()


# --- enterprise-institute: place evidence and capacity --------------------------------


def firm_between_two_cities(*, second: bool = False) -> EcosystemGraph:
    """Firm a (Zhengzhou) works with the institute r0 and, on a project, with the firm g.
    Its technology centre tc lies in Luoyang, its online shop in Zhengzhou.  The
    Luoyang institute far has three partner firms; the Zhengzhou institute near has none;
    nowhere lies in no city and has no partner.  ``second``: one more Luoyang institute,
    new, with no partner."""
    G = make_graph(
        {
            "Region": [
                {"id": "zz", "name": "郑州市", "name_en": "Zhengzhou", "level": "city"},
                {"id": "ly", "name": "洛阳市", "name_en": "Luoyang", "level": "city"},
            ],
            "Enterprise": [
                {"id": "a", "name": "甲", "name_en": "A Co."},
                {"id": "g", "name": "乙", "name_en": "B Co."},
                *[{"id": f, "name": f} for f in ("f1", "f2", "f3")],
            ],
            "ResearchInstitute": [
                {"id": "near", "name": "郑大", "name_en": "ZZU"},
                {"id": "far", "name": "洛阳研究院", "name_en": "LY Institute"},
                {"id": "r0", "name": "河南大学", "name_en": "HENU"},
                {"id": "nowhere", "name": "某研究所", "name_en": "Some Institute"},
            ],
            "Platform": [
                {"id": "tc", "name": "甲技术中心", "name_en": "A Co. tech centre",
                 "kind": "enterprise_tech_center"},
                {"id": "shop", "name": "甲网店", "name_en": "A Co. shop", "kind": "ecommerce"},
            ],
        },
        {
            "LOCATED_IN": [
                ("a", "zz"), ("near", "zz"), ("shop", "zz"), ("tc", "ly"), ("far", "ly"),
                ("r0", "ly"), ("f1", "ly"), ("f2", "ly"), ("f3", "ly"),
            ],
            "OPERATES": [("a", "tc"), ("a", "shop")],
            "COLLABORATES_WITH": [
                ("a", "r0"), ("a", "g"), ("f1", "far"), ("f2", "far"), ("f3", "far"),
                ("f1", "r0"),
            ],
        },
    )  # fmt: skip
    if not second:
        return G
    nodes = dict(G.nodes)
    nodes["ResearchInstitute"] = pd.concat(
        [nodes["ResearchInstitute"], pd.DataFrame([{"id": "new", "name": "新所"}])],
        ignore_index=True,
    )
    edges = dict(G.edges)
    edges["LOCATED_IN"] = pd.concat(
        [edges["LOCATED_IN"], pd.DataFrame([{"from_id": "new", "to_id": "ly"}])],
        ignore_index=True,
    )
    return EcosystemGraph(nodes, edges)


def test_place_evidence_and_capacity_by_hand() -> None:
    G = firm_between_two_cities()
    df = candidate_partners(G, kinds=["enterprise-institute"], node="a")
    theta_a = 1 + math.log(2)  # one research partner (r0): the project with g is no such
    # far: a's technology centre (neighbours a, Luoyang: 1/log 2) lies in Luoyang, whose
    # six organisations give 1/log 6; far has three partner firms (θ = 1 + log 4).
    far = (1 / (math.log(2) * math.log(6)) + FLOOR + PRIOR * math.log(5) * math.log(4)) * (
        theta_a * (1 + math.log(4))
    )
    # near: only the same city, Zhengzhou, with three organisations (a, near, the shop):
    # 1/log 3, x 1.5 for the same city.  The shop is no R&D platform: no other path.
    near = (1 / math.log(3) + FLOOR) * theta_a * 1.5
    assert df[["target", "rank", "paths"]].to_dict("records") == [
        {"target": "far", "rank": 1, "paths": "rnd_centre_city=0.8052"},
        {"target": "near", "rank": 2, "paths": "same_city=0.9102"},
    ]  # nowhere: nothing joins it, so nothing to say, so not listed
    assert df["score"].tolist() == pytest.approx([far, near])
    assert df["explanation"].tolist() == [
        "该企业的甲技术中心与洛阳研究院同在洛阳市，可作联合研发的承接平台；洛阳研究院现有3家合作企业；"
        "该企业已与1家高校或科研机构合作。",
        "郑大与其同在郑州市；该企业已与1家高校或科研机构合作。",
    ]
    assert df["explanation_en"].tolist() == [
        "Its A Co. tech centre is in Luoyang, as is LY Institute: a base for joint R&D; "
        "LY Institute has 3 partner firms; the firm already works with 1 research institute.",
        "ZZU is in Zhengzhou too; the firm already works with 1 research institute.",
    ]
    parts = path_scores(G, "enterprise-institute", ["a"] * 3, ["far", "near", "nowhere"])
    assert parts["capacity"].tolist() == pytest.approx(
        [theta_a * (1 + math.log(4)), theta_a, theta_a]
    )
    # a pair no path joins still scores: the floor, ordered by capacity
    assert parts["score"].tolist() == pytest.approx([far, near, FLOOR * theta_a])


def test_capacity_phrases_agree_in_number() -> None:
    G = firm_between_two_cities()
    # f1 works with far and r0 (two institutes); far has three partner firms
    row = candidate_partners(G, kinds=["enterprise-institute"], node="f2").iloc[0]
    assert row["target"] == "r0"
    assert "the firm already works with 1 research institute" in row["explanation_en"]
    assert "HENU has 2 partner firms" in row["explanation_en"]
    assert "河南大学现有2家合作企业" in row["explanation"]
    more = candidate_partners(
        firm_between_two_cities(second=True), kinds=["enterprise-institute"], node="f1"
    )
    assert more["target"].tolist() == ["new"]
    assert "the firm already works with 2 research institutes" in more["explanation_en"].iloc[0]
    assert "该企业已与2家高校或科研机构合作" in more["explanation"].iloc[0]


def test_without_collaborations_there_is_no_capacity() -> None:
    G = _province_graph()  # records no collaboration: the place meta-paths alone
    parts = path_scores(G, "enterprise-institute", ["h1", "h2"], ["u", "u"])
    assert parts["capacity"].tolist() == [1.0, 1.0]
    assert parts["prior"].max() < 1e-5  # the tie-breaker alone, no floor
    assert "partner_collaborates" not in parts.columns


@pytest.mark.parametrize("kind", ["enterprise-institute", "enterprise-alliance", "fund-team"])
def test_both_walks_of_a_three_step_path_find_the_same_intermediates(
    demo_graph: EcosystemGraph, kind: str
) -> None:
    from innokg.queries.arrays import arrays

    A = arrays(demo_graph)
    spec = scoring._effective(A, KINDS[kind], None)
    listed = candidate_partners(demo_graph, kinds=[kind], per_source=5, notes=False)
    u, v = A.index(listed["source"]), A.index(listed["target"])  # pairs a walk joins
    walked = 0
    for path in (p for p in spec.paths if len(p.steps) == 3):
        back = intermediates.intermediates(A, path, u, v, None, walk="back")
        ahead = intermediates.intermediates(A, path, u, v, None, walk="ahead")
        for b, a in zip(back, ahead, strict=True):
            assert sorted(zip(*b, strict=True)) == sorted(zip(*a, strict=True)), path.key
        walked += len(back[0][0])
    assert walked > 50


def test_without_collaborations_a_relevant_institute_beats_a_merely_nearby_one() -> None:
    """No COLLABORATES_WITH anywhere (as on the real Henan build): the institute's field
    when it is the firm's industry scores, and the place paths add to it; a place alone
    proposes nobody."""
    from innokg.graph.testing import make_graph

    G = make_graph(
        {
            "Enterprise": [{"id": "firm", "name": "甲食品有限公司"}],
            "ResearchInstitute": [
                {"id": "food", "name": "乙食品工程职业学院", "kind": "university"},
                {"id": "arts", "name": "丙艺术职业学院", "kind": "university"},
            ],
            "Region": [{"id": "region:4101", "name": "郑州市", "level": "city"}],
            "Industry": [{"id": "industry:gbt4754:C14", "name": "食品制造业"}],
        },
        {
            "LOCATED_IN": [
                ("firm", "region:4101"),
                ("food", "region:4101"),
                ("arts", "region:4101"),
            ],
            "IN_INDUSTRY": [("firm", "industry:gbt4754:C14"), ("food", "industry:gbt4754:C14")],
        },
    )
    out = candidate_partners(G, kinds=["enterprise-institute"], k=5)
    assert out["target"].tolist() == ["food"]  # the arts school only shares the city
    assert "研究领域为食品制造业" in out["explanation"].iloc[0]
    scores = score_pairs(G, "enterprise-institute", ["firm", "firm"], ["food", "arts"])
    assert scores[0] > 0.5 > 1e-5 > scores[1]


def firms_in_two_classifications() -> EcosystemGraph:
    """a is classified in one scheme only (Shenwan sw); p1, p2 share sw and are in
    the division C36 too; q1..q3 are in C38; nobody is in C13."""
    firms = ["a", "p1", "p2", "q1", "q2", "q3"]
    return make_graph(
        {
            "Enterprise": [{"id": f, "name": f} for f in firms],
            "Industry": [
                {"id": "sw", "name": "汽车零部件", "name_en": "Auto parts"},
                {"id": "C36", "name": "汽车制造业", "name_en": "Motor vehicles"},
                {"id": "C38", "name": "电气机械和器材制造业", "name_en": "Electrical machinery"},
                {"id": "C13", "name": "农副食品加工业", "name_en": "Agri-food processing"},
            ],
        },
        {
            "IN_INDUSTRY": [
                *[(f, "sw") for f in ("a", "p1", "p2")],
                *[(f, "C36") for f in ("p1", "p2")],
                *[(f, "C38") for f in ("q1", "q2", "q3")],
            ]
        },
    )


def test_an_industry_is_proposed_from_the_firms_classified_with_it() -> None:
    G = firms_in_two_classifications()
    parts = path_scores(G, "enterprise-industry", ["a"] * 3, ["C36", "C38", "C13"])
    # sw has three members (1/log 3); p1 and p2 each have sw and C36 (1/log 2)
    peers = 2 / (math.log(3) * math.log(2))
    assert parts["industry_peers"].tolist() == pytest.approx([peers, 0, 0])
    row = candidate_partners(G, kinds=["enterprise-industry"], node="a").iloc[0]
    assert (row["target"], row["paths"]) == ("C36", "industry_peers=2.626")
    assert row["explanation"] == "同属汽车零部件的2家企业（p1、p2）也属于汽车制造业。"
    assert row["explanation_en"] == "2 firms in Auto parts (p1, p2) are in Motor vehicles too."


def test_industries_no_path_reaches_are_ordered_by_how_common_they_are() -> None:
    G = firms_in_two_classifications()
    parts = path_scores(G, "enterprise-industry", ["a"] * 3, ["C36", "C38", "C13"])
    # The tie-breaker θ(u) θ(v), θ = 1 + log(1 + k) over the firm-industry links: a is
    # in one industry; C36 has two firms, C38 three, C13 none.
    theta_a = 1 + math.log(2)
    prior = [PRIOR * theta_a * (1 + math.log(1 + k)) for k in (2, 3, 0)]
    assert parts["prior"].tolist() == pytest.approx(prior, rel=1e-12)
    assert parts["score"].tolist() == pytest.approx(
        [2 / (math.log(3) * math.log(2)) + prior[0], prior[1], prior[2]], rel=1e-12
    )
    # the evidence first, then the common division before the empty one
    assert parts["score"].rank(ascending=False).tolist() == [1.0, 2.0, 3.0]
    # the organisation network's prior is unchanged for a kind with an organisation target
    inst = path_scores(supply_partners_and_a_university(), "enterprise-institute", ["a"], ["r"])
    assert inst["prior"].iloc[0] == pytest.approx(FLOOR + PRIOR * math.log(3) ** 2)


def test_a_size_filter_on_firms_without_sizes_says_sizes_are_missing() -> None:
    G = make_graph(
        {
            "Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"}],
            "ResearchInstitute": [{"id": "r", "name": "研究院"}],
        },
        {"COLLABORATES_WITH": [("a", "r")]},
    )
    df = candidate_partners(G, kinds=["enterprise-institute"], sizes=["large"])
    assert df[["rank", "explanation", "explanation_en"]].to_dict("records") == [
        {
            "rank": 0,
            "explanation": "无法计算：图中的企业没有规模数据，无法按规模筛选。",
            "explanation_en": "Not computable: no firm in the graph has a size, so a size "
            "filter leaves none.",
        }
    ]


def test_path_scores_refuse_a_node_of_the_wrong_label(demo_graph: EcosystemGraph) -> None:
    firm = str(demo_graph.nodes["Enterprise"]["id"].iloc[0])
    institute = str(demo_graph.nodes["ResearchInstitute"]["id"].iloc[0])
    assert len(path_scores(demo_graph, "enterprise-institute", [firm], [institute])) == 1
    with pytest.raises(
        QueryError, match=f"a source must be a node labelled Enterprise; not: {institute}"
    ):
        path_scores(demo_graph, "enterprise-institute", [institute], [institute])
    with pytest.raises(
        QueryError, match=f"a target must be a node labelled ResearchInstitute; not: {firm}"
    ):
        path_scores(demo_graph, "enterprise-institute", [firm], [firm])
