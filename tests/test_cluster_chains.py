"""Two chains in one cluster: the split at a single link, the main chain a 链主 must be
on, and the label of a cluster without a main industry.  Exact answers on hand-made
graphs, and the real Henan build."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.clusters import cluster_labels, cluster_members, supply_clusters
from tests.factory import make_graph

# A low resolution makes Leiden merge whatever is joined, as modularity's resolution
# limit does in a large network: the hand-made graphs can then be small.
MERGE = 0.05
COLUMNS = ["cluster", "label", "size", "leader", "main_industries", "split_with", "split_link"]


def industries(*names: str) -> list[dict[str, str]]:
    return [{"id": n, "name": n, "scheme": "GB/T 4754-2017"} for n in names]


def firm(i: str, size: str = "small") -> dict[str, str]:
    return {"id": i, "name": i, "size": size}


def dairy_and_electronics(textiles: bool = False) -> EcosystemGraph:
    """A dairy chain (D buys milk from three farms) and a security-electronics chain (E
    buys parts from four makers), joined by one inferred link from a farm to a parts
    maker.  The dairy maker is large, so it outscores the electronics maker.  With
    ``textiles``, a third chain (T buys yarn from three spinners) hangs off a parts
    maker by one more inferred link."""
    dairy = ["d1", "d2", "d3"]
    parts = ["e1", "e2", "e3", "e4"]
    spinners = ["t1", "t2", "t3"] if textiles else []
    supplies: list[tuple[str, str] | tuple[str, str, dict[str, object]]] = [
        *[(s, "D", {"product": "乳制品"}) for s in dairy],
        *[(s, "E", {"product": "传输设备"}) for s in parts],
        ("d1", "e1", {"product": "茶叶", "evidence": "inferred"}),
        *[(s, "T") for s in spinners],
    ]
    if textiles:
        supplies.append(("e2", "t1", {"evidence": "inferred"}))
    head = [firm("T")] if textiles else []
    return make_graph(
        {
            "Enterprise": [firm("D", "large"), firm("E"), *head, *map(firm, dairy + parts)]
            + [firm(s) for s in spinners],
            "Industry": industries("食品制造业", "电子设备制造业", "纺织业"),
        },
        {
            "SUPPLIES": supplies,
            "IN_INDUSTRY": [(f, "食品制造业") for f in ["D", *dairy]]
            + [(f, "电子设备制造业") for f in ["E", *parts]]
            + [(f, "纺织业") for f in [*(["T"] if textiles else []), *spinners]],
        },
    )


def test_two_chains_joined_by_one_link_are_split_and_each_led_from_its_own_chain() -> None:
    G = dairy_and_electronics()
    table = supply_clusters(G, resolution=MERGE)
    assert table[COLUMNS].to_dict("records") == [
        {
            "cluster": 1,
            "label": "电子设备制造业",
            "size": 5,
            "leader": "E",
            "main_industries": "电子设备制造业",
            "split_with": "2",
            "split_link": "d1 — e1",
        },
        {
            "cluster": 2,
            "label": "食品制造业",
            "size": 4,
            "leader": "D",
            "main_industries": "食品制造业",
            "split_with": "1",
            "split_link": "d1 — e1",
        },
    ]
    # every question sees the same clusters
    labels = cluster_labels(G, resolution=MERGE)
    members = cluster_members(G, resolution=MERGE)
    assert dict(zip(members["id"], members["cluster"], strict=True)) == {
        "E": 1, "e1": 1, "e2": 1, "e3": 1, "e4": 1, "D": 2, "d1": 2, "d2": 2, "d3": 2,
    }  # fmt: skip
    assert sorted(labels[labels >= 0].tolist()) == [1] * 5 + [2] * 4


def test_three_chains_in_a_row_become_three_clusters() -> None:
    G = dairy_and_electronics(textiles=True)
    table = supply_clusters(G, resolution=MERGE)
    assert table[["size", "leader", "split_with", "split_link"]].to_dict("records") == [
        {"size": 5, "leader": "E", "split_with": "2; 3", "split_link": "d1 — e1; e2 — t1"},
        {"size": 4, "leader": "D", "split_with": "1", "split_link": "d1 — e1"},
        {"size": 4, "leader": "T", "split_with": "1", "split_link": "e2 — t1"},
    ]


def test_without_the_split_the_merged_cluster_is_led_by_the_larger_dairy_maker() -> None:
    # what the split prevents: both industries hold a fifth of the nine firms, so both
    # are main ones, and the large dairy maker outscores the electronics maker
    table = supply_clusters(dairy_and_electronics(), resolution=MERGE, split=False)
    assert table[COLUMNS].to_dict("records") == [
        {
            "cluster": 1,
            "label": "电子设备制造业",
            "size": 9,
            "leader": "D",
            "main_industries": "电子设备制造业; 食品制造业",
            "split_with": "",
            "split_link": "",
        }
    ]


def fabric_and_garments(garment_suppliers: int) -> EcosystemGraph:
    """A fabric maker F buying yarn from three spinners, selling to a garment maker G
    that buys trims from ``garment_suppliers`` makers of its own industry."""
    trims = [f"g{k}" for k in range(1, garment_suppliers + 1)]
    spinners = ["f1", "f2", "f3"]
    return make_graph(
        {
            "Enterprise": [firm("F"), firm("G"), *map(firm, spinners + trims)],
            "Industry": industries("纺织业", "服装业"),
        },
        {
            "SUPPLIES": [(s, "F") for s in spinners] + [(t, "G") for t in trims] + [("F", "G")],
            "IN_INDUSTRY": [(f, "纺织业") for f in ["F", *spinners]]
            + [(f, "服装业") for f in ["G", *trims]],
        },
    )


def test_a_chain_from_fabric_to_garments_is_one_cluster() -> None:
    # one link, no industry in common, but the garment side is no chain of its own:
    # its head buys from two of its members, fewer than a cluster's three
    table = supply_clusters(fabric_and_garments(2), resolution=MERGE)
    assert table[["size", "leader", "split_with"]].to_dict("records") == [
        {"size": 7, "leader": "G", "split_with": ""}
    ]
    # with a third trim maker the garment side has a head of its own: two chains
    table = supply_clusters(fabric_and_garments(3), resolution=MERGE)
    assert table[["size", "leader", "split_with"]].to_dict("records") == [
        {"size": 4, "leader": "F", "split_with": "2"},
        {"size": 4, "leader": "G", "split_with": "1"},
    ]


def test_sides_sharing_an_industry_are_one_chain() -> None:
    G = dairy_and_electronics()
    G.edges["IN_INDUSTRY"].loc[G.edges["IN_INDUSTRY"]["from_id"] == "d3", "to_id"] = (
        "电子设备制造业"
    )
    G = EcosystemGraph(G.nodes, G.edges)
    table = supply_clusters(G, resolution=MERGE)
    assert table[["size", "split_with"]].to_dict("records") == [{"size": 9, "split_with": ""}]


def off_chain_buyer() -> EcosystemGraph:
    """Electronics maker E buys from three parts makers; a large food maker P buys from
    two firms of two other industries, one of which buys from a parts maker."""
    parts = ["e1", "e2", "e3"]
    return make_graph(
        {
            "Enterprise": [firm("E"), firm("P", "large"), *map(firm, [*parts, "q1", "q2"])],
            "Industry": industries("电子设备制造业", "食品制造业", "农副食品加工业", "畜牧业"),
        },
        {
            "SUPPLIES": [(s, "E") for s in parts] + [("q1", "P"), ("q2", "P"), ("e1", "q1")],
            "IN_INDUSTRY": [(f, "电子设备制造业") for f in ["E", *parts]]
            + [("P", "食品制造业"), ("q1", "农副食品加工业"), ("q2", "畜牧业")],
        },
    )


def test_a_leader_off_the_main_chain_is_passed_over_and_named() -> None:
    row = supply_clusters(off_chain_buyer(), resolution=MERGE).iloc[0]
    assert (row["size"], row["main_industries"], row["leader"]) == (7, "电子设备制造业", "E")
    assert row["leader_basis"] == (
        "从3家成员采购；下游位置1.00；规模0.33；按规则排在前面的P及其供应商都不在集群主要行业内，未认定"
    )
    # P scores higher: the rule, not the score, decides
    members = cluster_members(off_chain_buyer(), resolution=MERGE).set_index("id")
    assert members.loc["P", "leader_score"] > members.loc["E", "leader_score"]
    assert members.loc["E", "role"] == "chain_leader"


def test_a_buyer_whose_suppliers_are_of_a_main_industry_is_on_the_chain() -> None:
    # a battery maker leads a metals cluster: alone in its industry, it buys from it
    G = make_graph(
        {
            "Enterprise": [firm("B"), *map(firm, ["m1", "m2", "m3"])],
            "Industry": industries("电气机械和器材制造业", "有色金属冶炼和压延加工业"),
        },
        {
            "SUPPLIES": [("m1", "B"), ("m2", "B"), ("m3", "B")],
            "IN_INDUSTRY": [("B", "电气机械和器材制造业")]
            + [(m, "有色金属冶炼和压延加工业") for m in ["m1", "m2", "m3"]],
        },
    )
    row = supply_clusters(G).iloc[0]
    assert (row["label"], row["main_industries"], row["leader"]) == (
        "有色金属冶炼和压延加工业",
        "有色金属冶炼和压延加工业",
        "B",
    )


def test_a_cluster_with_no_main_industry_is_labelled_mixed_and_has_no_leader() -> None:
    # eleven firms: two in one industry (18%, under a fifth), the rest one each
    names = [f"行业{k:02d}" for k in range(10)]
    sellers = [f"s{k}" for k in range(10)]
    G = make_graph(
        {"Enterprise": [firm("H"), *map(firm, sellers)], "Industry": industries(*names)},
        {
            "SUPPLIES": [(s, "H") for s in sellers],
            "IN_INDUSTRY": [("H", "行业00"), ("s0", "行业01"), ("s1", "行业01")]
            + [(s, names[k]) for k, s in enumerate(sellers) if k >= 2],
        },
    )
    row = supply_clusters(G).iloc[0]
    assert row["label"] == "混合：行业01 + 行业00 等10个行业"
    assert (row["leader"], row["main_industries"], row["runner_up"]) == ("", "", "")
    assert (
        row["leader_basis"] == "集群行业混杂（没有一个行业占成员的五分之一），没有主链，不认定链主"
    )


def test_three_firms_in_three_industries_keep_their_leader() -> None:
    G = make_graph(
        {
            "Enterprise": [firm("a"), firm("b"), firm("c")],
            "Industry": industries("汽车制造业", "金属制品业", "橡胶和塑料制品业"),
        },
        {
            "SUPPLIES": [("a", "c"), ("b", "c")],
            "IN_INDUSTRY": [("a", "金属制品业"), ("b", "橡胶和塑料制品业"), ("c", "汽车制造业")],
        },
    )
    row = supply_clusters(G).iloc[0]
    assert (row["label"], row["leader"], row["main_industries"]) == (
        "混合：橡胶和塑料制品业 + 汽车制造业 等3个行业",
        "c",
        "",
    )


# --- the real Henan build ---------------------------------------------------------------


@pytest.fixture(scope="module")
def henan(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> EcosystemGraph:
    from innokg.henan import build_henan

    out = tmp_path_factory.mktemp("henan") / "henan"
    build_henan(out, data=shared_data, database=False)
    return EcosystemGraph.open(out)


def leaders_off_chain(G: EcosystemGraph, table: pd.DataFrame) -> list[str]:
    """The named leaders neither in a main industry of their cluster nor buying (a
    SUPPLIES edge inside it) from a member that is; clusters without a main industry
    have none to be off."""
    members = cluster_members(G).set_index("id")
    supplies = G.edges["SUPPLIES"]
    off = []
    for row in table[(table["leader"] != "") & (table["main_industries"] != "")].itertuples():
        main = set(row.main_industries.split("; "))
        inside = members.index[members["cluster"] == row.cluster]
        sellers = supplies.loc[
            (supplies["to_id"] == row.leader) & supplies["from_id"].isin(inside), "from_id"
        ]
        industries_seen = {members.loc[row.leader, "industry"], *members.loc[sellers, "industry"]}
        if not main & industries_seen:
            off.append(row.leader_name)
    return off


@pytest.mark.realdata
def test_real_henan_dairy_and_electronics_are_two_clusters(henan: EcosystemGraph) -> None:
    table = supply_clusters(henan)
    assert table["size"].tolist() == [134, 26, 9, 3, 3, 3, 3, 3, 3]
    split = table[table["split_with"] != ""].set_index("cluster")
    assert split[["size", "leader_name", "split_with"]].to_dict("index") == {
        2: {"size": 26, "leader_name": "北京动力源科技股份有限公司", "split_with": "3"},
        3: {"size": 9, "leader_name": "河南科迪乳业股份有限公司", "split_with": "2"},
    }
    assert set(split["split_link"]) == {"深圳市深粮控股股份有限公司 — 康欣新材料股份有限公司"}
    assert split["label"].tolist() == [
        "省外为主 · 计算机、通信和其他电子设备制造业",
        "省外为主 · 食品制造业",
    ]
    assert leaders_off_chain(henan, table) == []
    # the largest is one web of basic materials with no main industry: mixed, no leader
    first = table.iloc[0]
    assert (
        first["label"] == "省外为主 · 混合：化学原料和化学制品制造业 + 非金属矿物制品业 等42个行业"
    )
    assert (first["leader"], first["main_industries"]) == ("", "")
    mixed = table[table["label"].str.contains("混合：")]
    assert mixed["size"].tolist() == [134, 3, 3]
    assert (table["leader"] != "").sum() == 6


@pytest.mark.realdata
def test_real_henan_before_the_split_the_dairy_maker_led_electronics(
    henan: EcosystemGraph,
) -> None:
    # Leiden's community as it was: the dairy maker ranks first (the one Henan firm that
    # qualifies) but is off the electronics chain, so even unsplit it is passed over
    table = supply_clusters(henan, split=False)
    assert table["size"].tolist() == [134, 35, 3, 3, 3, 3, 3, 3]
    row = table.iloc[1]
    assert row["main_industries"] == "计算机、通信和其他电子设备制造业"
    assert row["leader_name"] != "河南科迪乳业股份有限公司"
    assert "按规则排在前面的河南科迪乳业股份有限公司" in row["leader_basis"]
    assert leaders_off_chain(henan, table) == []


def test_block_tree_numbers_every_subtree_as_one_range() -> None:
    """Two trees of blocks (0-2, 2-3, 2-4 and 1-5, 5-6): each rooted at its smallest
    block, with every subtree a run of the depth-first order."""
    from innokg.queries.clusters.split import _block_tree

    x, y = np.array([2, 3, 2, 5, 6]), np.array([0, 2, 4, 1, 5])
    pre, parent, size = _block_tree(7, x, y)
    assert parent.tolist() == [-1, -1, 0, 2, 2, 1, 5]
    assert size.tolist() == [4, 3, 3, 1, 1, 2, 1]
    below = {0: {0, 2, 3, 4}, 1: {1, 5, 6}, 2: {2, 3, 4}, 5: {5, 6}}
    for v in range(7):
        run = {u for u in range(7) if pre[v] <= pre[u] < pre[v] + size[v]}
        assert run == below.get(v, {v})


def test_block_tree_ranges_around_a_hub_and_down_a_path() -> None:
    """A hub block with 2,000 single-bridge blocks, one of which starts a path 300 deep,
    beside a tree rooted at a larger block number: every subtree is still one run, and
    the positions are a permutation (breadth-first search, then pointer jumping)."""
    from innokg.queries.clusters.split import _block_tree

    hub, leaves, path = 5, np.arange(2_100, 4_100), np.arange(4_100, 4_400)
    x = np.r_[leaves, path, 1]
    y = np.r_[np.full(len(leaves), hub), leaves[0], path[:-1], 2_050]
    n = 4_400
    pre, parent, size = _block_tree(n, x, y)
    assert sorted(pre.tolist()) == list(range(n))
    assert parent[hub] == -1 and parent[leaves[1]] == hub and parent[path[0]] == leaves[0]
    assert parent[path[-1]] == path[-2] and parent[2_050] == 1 and parent[1] == -1
    assert size[hub] == 1 + len(leaves) + len(path)
    assert size[leaves[0]] == 1 + len(path) and size[path[100]] == 200
    # every block's subtree, walked up from each block, is the run of positions it owns
    depth_first = np.argsort(pre)
    for v in (hub, leaves[0], leaves[7], path[0], path[150], 1, 2_050, 0):
        run = depth_first[pre[v] : pre[v] + size[v]]
        for u in run.tolist():
            while u != v:
                u = int(parent[u])
                assert u != -1, (v, run)


@pytest.mark.parametrize("inferred", ["auto", "all", "none"])
def test_the_splits_probe_reads_the_heads_as_the_members_statistics_do(
    demo_graph: EcosystemGraph, inferred: str
) -> None:
    """The split asks only who could head a part (suppliers inside, and whether the
    firm qualifies as 链主); that must be what the members' full statistics say, for
    every cluster and for a few parts labelled alone, as the probes label them."""
    from innokg.queries.arrays import arrays
    from innokg.queries.clusters.detection import _assign
    from innokg.queries.clusters.leaders import _head_signals, _member_stats

    A = arrays(demo_graph)
    res = _assign(
        demo_graph,
        seed=2016,
        resolution=1.0,
        inferred=inferred,  # type: ignore[arg-type]
        inferred_weight=0.3,
        min_size=3,
        year=None,
    )
    every = res.cluster
    few = np.where(every % 3 == 0, every, -1)  # a third of the clusters, the rest unset
    for cluster in (every, few):
        stats = _member_stats(A, res, cluster, None, 0.3, inferred, None)  # type: ignore[arg-type]
        suppliers, qualifies = _head_signals(A, cluster, None, 0.3, inferred)  # type: ignore[arg-type]
        pos = stats["pos"].to_numpy()
        assert stats["qualifies"].any() and (stats["suppliers"] >= 3).any()
        assert (suppliers[pos] == stats["suppliers"].to_numpy()).all()
        assert (qualifies[pos] == stats["qualifies"].to_numpy()).all()
        assert not qualifies[cluster < 0].any()
