"""Partner suggestions an expert can accept: a place alone proposes no institute, one
fact of co-location counts once, a field read from a name and a supply link inferred
from products are worded as such, and supply partners come before peers."""

from __future__ import annotations

import math

import pytest

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.partners import candidate_partners, path_scores
from tests.factory import make_graph

_GUESS = {"evidence": "inferred", "method": "the name names the field: 汽车"}


def firm_police_and_auto_schools() -> EcosystemGraph:
    """Bus maker a (Zhengzhou, automotive) runs a technology centre in Zhengzhou.  The
    police academy of Zhengzhou names no field; the Luoyang and Zhengzhou automotive
    schools name 汽车 (an automotive field read from the name).  No collaborations."""
    return make_graph(
        {
            "Region": [
                {"id": "zz", "name": "郑州市", "name_en": "Zhengzhou", "level": "city"},
                {"id": "ly", "name": "洛阳市", "name_en": "Luoyang", "level": "city"},
            ],
            "Enterprise": [{"id": "a", "name": "甲客车", "name_en": "A Bus"}],
            "Industry": [{"id": "c36", "name": "汽车制造业", "name_en": "Automobiles"}],
            "ResearchInstitute": [
                {"id": "police", "name": "郑州警察学院", "name_en": "ZZ Police", "level": "本科"},
                {"id": "auto", "name": "洛阳汽车学院", "name_en": "LY Auto", "level": "专科"},
                {"id": "zzauto", "name": "郑州汽车学院", "name_en": "ZZ Auto", "level": "专科"},
            ],
            "Platform": [
                {"id": "tc", "name": "甲技术中心", "name_en": "A tech centre",
                 "kind": "enterprise_tech_center"},
            ],
        },
        {
            "LOCATED_IN": [
                ("a", "zz"), ("tc", "zz"), ("police", "zz"), ("zzauto", "zz"), ("auto", "ly"),
            ],
            "OPERATES": [("a", "tc")],
            "IN_INDUSTRY": [("a", "c36"), ("auto", "c36", _GUESS), ("zzauto", "c36", _GUESS)],
        },
    )  # fmt: skip


def test_a_field_outranks_a_place_and_a_place_alone_proposes_nobody() -> None:
    G = firm_police_and_auto_schools()
    df = candidate_partners(G, kinds=["enterprise-institute"], node="a")
    field = 1 / math.log(3)  # the industry joins a and the two schools
    # a's centre (neighbours a, Zhengzhou) lies in Zhengzhou, of four organisations
    centre = 1 / (math.log(2) * math.log(4))
    assert df["target"].tolist() == ["zzauto", "auto"]  # the police academy: not listed
    assert df["paths"].tolist() == [
        f"rnd_centre_city={centre:.4g}, same_field={field:.4g}",  # same_city: counted once
        f"same_field={field:.4g}",
    ]
    assert df["score"].tolist() == pytest.approx([(field + centre) * 1.5, field], rel=1e-4)
    assert df["explanation"].tolist() == [
        "据校名推断，郑州汽车学院的研究领域为汽车制造业，正是其所在行业；"
        "该企业的甲技术中心与郑州汽车学院同在郑州市，可作联合研发的承接平台。",
        "据校名推断，洛阳汽车学院的研究领域为汽车制造业，正是其所在行业。",
    ]
    assert df["explanation_en"].iloc[1] == (
        "LY Auto's field, guessed from its name, is Automobiles, its industry."
    )
    parts = path_scores(G, "enterprise-institute", ["a"] * 3, ["police", "zzauto", "auto"])
    # the police academy shares the city and the centre's city, and counts for neither
    assert parts.loc[0, ["rnd_centre_city", "same_city", "same_field"]].tolist() == [0, 0, 0]
    assert parts.loc[1, "same_city"] == 0 and parts.loc[1, "rnd_centre_city"] > 0
    assert parts["score"].iloc[0] < parts["score"].iloc[2] < parts["score"].iloc[1]


def test_a_field_named_by_the_data_is_stated_plainly() -> None:
    G = firm_police_and_auto_schools()
    edges = dict(G.edges)
    edges["IN_INDUSTRY"] = edges["IN_INDUSTRY"].assign(evidence="observed", method="")
    G = EcosystemGraph(dict(G.nodes), edges)
    df = candidate_partners(G, kinds=["enterprise-institute"], node="a")
    assert df["explanation"].iloc[1] == "洛阳汽车学院的研究领域为汽车制造业，正是其所在行业。"


def supply_partner_and_peer() -> EcosystemGraph:
    """Firms a and b both supply c (inferred from their products); d makes steel, an
    input of the axles a makes."""
    inferred = {"evidence": "inferred", "method": "product chain"}
    return make_graph(
        {
            "Enterprise": [
                {"id": x, "name": n, "name_en": e}
                for x, n, e in (("a", "甲", "A"), ("b", "乙", "B"), ("c", "丙", "C"),
                                ("d", "丁", "D"))
            ],
            "Product": [{"id": "steel", "name": "钢材"}, {"id": "axle", "name": "车桥"}],
        },
        {
            "SUPPLIES": [("a", "c", inferred), ("b", "c", inferred)],
            "PRODUCES": [("a", "axle"), ("d", "steel")],
            "UPSTREAM_OF": [("steel", "axle")],
        },
    )  # fmt: skip


def test_supply_partners_come_before_peers_and_inferred_supply_says_so() -> None:
    G = supply_partner_and_peer()
    df = candidate_partners(G, kinds=["enterprise-enterprise"], node="a")
    other = [t if s == "a" else s for s, t in zip(df["source"], df["target"], strict=True)]
    assert other == ["d", "b"]
    # the peers share more evidence, yet the supply partner ranks first
    assert df["score"].iloc[0] >= 1 > df["score"].iloc[1]
    assert "钢材" in df["explanation"].iloc[0]
    assert (
        df["explanation"]
        .iloc[1]
        .startswith(
            "同业（可能是竞争者）：适合组建产业联盟或联合研发，而非供需对接；据产品推断，两家都为丙供货"
        )
    )
    assert "(inferred from their products)" in df["explanation_en"].iloc[1]
    assert df["explanation_en"].iloc[1].startswith("Peers (possibly competitors)")


@pytest.fixture(scope="module")
def henan_graph(shared_data, tmp_path_factory):
    from innokg.henan import build_henan

    out = tmp_path_factory.mktemp("henan") / "henan"
    build_henan(out, data=shared_data, database=False)
    return EcosystemGraph.open(out)


@pytest.mark.realdata
def test_real_henan_institutes_share_a_field_with_the_firm(henan_graph) -> None:
    yutong = candidate_partners(
        henan_graph, kinds=["enterprise-institute"], node="ent:stock:600066", k=10
    )
    assert len(yutong)
    assert not yutong["target_name"].str.contains("警察|师范|护理|艺术").any()
    assert yutong["target_name"].iloc[0] == "郑州汽车工程职业学院"
    zmj = candidate_partners(
        henan_graph, kinds=["enterprise-institute"], node="ent:stock:601717", k=20
    )
    assert "河南理工大学" in set(zmj["target_name"])
    table = candidate_partners(henan_graph, kinds=["enterprise-institute"], per_source=20)
    every = table[table["rank"] > 0]
    assert table.loc[table["rank"] == 0, "explanation"].str[:25].tolist() == [
        "部分企业没有候选：185家中有70家没有本类的候选"
    ]
    assert every["paths"].str.contains("same_field=").all()
    assert not (
        every["paths"].str.contains("rnd_centre_city=") & every["paths"].str.contains("same_city=")
    ).any()
    assert every["explanation"].str.contains("据校名推断").all()


@pytest.mark.realdata
def test_real_henan_supply_partners_before_peers(henan_graph) -> None:
    table = candidate_partners(henan_graph, kinds=["enterprise-enterprise"], per_source=10)
    df = table[table["rank"] > 0]
    # the Henan firms left without a candidate are counted, not left unsaid
    from innokg.queries.arrays import arrays, graph_scope

    A, scope = arrays(henan_graph), graph_scope(henan_graph)
    firms = int((A.mask("Enterprise") & scope.inside).sum())
    missing = firms - df["source"].nunique()
    # most listed firms' products meet no chain product (docs/partners.md quotes these)
    assert (missing, firms) == (159, 185)
    assert table.loc[table["rank"] == 0, "explanation_en"].str[:40].tolist() == [
        f"No candidates for {missing:,} of the {firms:,} enterprises"[:40]
    ]
    chain = df["paths"].str.contains("supplies_input=|buys_input=")
    first = df.groupby("source")["rank"].transform("min")
    # within every firm's list, no peer pair precedes a supply-complementary one
    for _, rows in df.groupby("source"):
        flags = chain[rows.index].tolist()
        assert flags == sorted(flags, reverse=True)
    assert (first == 1).all()
    peers = df[~chain]
    assert peers["explanation"].str.startswith("同业（可能是竞争者）").all()
    # every SUPPLIES link of the real build is inferred, and every phrase says so
    said = df["explanation"].str.count("两家都为") + df["explanation"].str.count("两家都从")
    assert said.sum() > 0
    assert (df["explanation"].str.count("据产品推断，两家都") == said).all()


def test_the_streamed_table_says_the_same_when_a_place_is_all_there_is() -> None:
    import pandas as pd

    from innokg.queries.partners import iter_candidate_partners

    G = firm_police_and_auto_schools()
    edges = dict(G.edges)
    edges["IN_INDUSTRY"] = edges["IN_INDUSTRY"].iloc[:1]  # no school names a field now
    G = EcosystemGraph(dict(G.nodes), edges)
    whole = candidate_partners(G, kinds=["enterprise-institute"], per_source=5)
    streamed = pd.concat(
        iter_candidate_partners(G, kinds=["enterprise-institute"], per_source=5),
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(whole, streamed)
    assert whole["explanation"].tolist() == [
        "没有找到候选：没有哪家高校或科研机构的研究领域与企业所在行业相同（仅同在一地不足以推荐）。"
    ]
