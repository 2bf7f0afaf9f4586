"""Page 1 of the brief: where the scope stands against each target, and recommendations
computed from the graph (exact on hand-made graphs, consistent with the queries on the
demo), never made from data the graph lacks."""

from __future__ import annotations

import math

import pytest

from innokg.brief import Brief, build_brief, render_html, render_markdown
from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.indicators import latest_year, policy_indicators
from tests.factory import make_graph

COVERAGE = {
    "id": "m3a",
    "name": "主要目标：大中型工业企业“双创”平台普及率",
    "name_en": "Main targets: platform coverage",
    "article": 3,
    "indicator": "platform_coverage",
    "target": 0.8,
    "target_unit": "share",
    "deadline": 2018,
}


def _graph(sizes: bool = True, luoyang: int = 5) -> EcosystemGraph:
    """Two cities of five industrial firms each (``luoyang`` in 洛阳).  郑州: platforms
    set up in 2016, 2017 and two in 2019 (20%, 40%, 40%, 80%); 洛阳: one since 2016
    (20% every year).  The province: 20%, 30%, 30%, 50% from 2016 to 2019."""
    firms, platforms, established, located = [], [], [], []
    years = {"z1": 2016, "z2": 2017, "z3": 2019, "z4": 2019, "l1": 2016}
    for city, code, prefix, size, n in (
        ("郑州市", "4101", "z", "large", 5),
        ("洛阳市", "4103", "l", "medium", luoyang),
    ):
        for i in range(1, n + 1):
            fid = f"{prefix}{i}"
            firm = {"id": fid, "name": f"{city}企业{i}", "industrial": True, "since": 2010}
            if sizes:
                firm["size"] = size
            firms.append(firm)
            located.append((fid, f"region:{code}"))
            if fid in years:
                platforms.append(
                    {
                        "id": f"p{fid}",
                        "name": f"平台{fid}",
                        "kind": "maker_space",
                        "since": years[fid],
                    }
                )
                established.append((fid, f"p{fid}", {"since": years[fid]}))
    regions = [
        {"id": "region:41", "name": "河南省", "level": "province", "code": "41"},
        {"id": "region:4101", "name": "郑州市", "name_en": "Zhengzhou", "code": "4101"},
        {"id": "region:4103", "name": "洛阳市", "name_en": "Luoyang", "code": "4103"},
    ]
    located += [("region:4101", "region:41"), ("region:4103", "region:41")]
    return make_graph(
        {
            "Enterprise": firms,
            "Platform": platforms,
            "Region": regions,
            "PolicyMeasure": [COVERAGE],
        },
        {"ESTABLISHED": established, "LOCATED_IN": located},
    )


def _rows(brief: Brief, key: str) -> list[dict[str, str]]:
    return next(t for t in brief.tables if t.key == key).df.to_dict("records")


def test_targets_by_the_deadline_latest_and_trend() -> None:
    brief = build_brief(_graph(), lang="en")
    assert brief.sections[0].key == "summary" and brief.sections[0].page_break
    assert _rows(brief, "targets") == [
        {
            "Article": "3",
            "Target": "platform coverage: 80% by end-2018",
            "By the deadline": "✗ not met by end-2018: 30.0%, 50.0 pts short",
            "Latest": "50.0% (2019) ✗ 30.0 pts short",
            "Trend": "2016–2019: 20.0% → 50.0% (+30.0 pts)",
        }
    ]
    zh = build_brief(_graph(), lang="zh")
    assert _rows(zh, "targets")[0]["期限时"] == "✗ 未按期达标：30.0%，差 50.0 个百分点"


def test_coverage_recommendation_names_the_city_and_the_firms_needed() -> None:
    brief = build_brief(_graph(), lang="en")
    rec = next(r for r in brief.recommendations if r.key == "coverage")
    # 洛阳 has 1 of 5 firms with a platform: 3 more reach 80%; 郑州 has reached it
    assert rec.action == (
        "Bring mass-innovation platform coverage to 80% in Luoyang: 3 more large and medium "
        "firms with a platform would do it."
    )
    assert rec.because == (
        "The province stood at 30.0% at the end-2018 deadline (target 80%); 50.0% in 2019; "
        "at the pace since 2016 (+10.0 pts a year) 80% is reached in 2022."
    )
    assert rec.evidence == ["Luoyang: 20.0% (1 of 5 firms), 3 more needed"]
    assert (rec.article, rec.article_title) == (3, "Main targets: platform coverage")
    page = render_html(brief)
    assert 'href="#article-3"' in page and 'id="article-3"' in page


def test_large_counts_are_written_with_thousands_separators() -> None:
    rec = next(
        r for r in build_brief(_graph(luoyang=1300), lang="en").recommendations
        if r.key == "coverage"
    )  # fmt: skip
    # 80% of 1,300 is 1,040 firms; 洛阳 has 1
    assert "coverage to 80% in Luoyang: 1,039 more large and medium firms" in rec.action
    assert rec.evidence == ["Luoyang: 0.1% (1 of 1,300 firms), 1,039 more needed"]
    zh = build_brief(_graph(luoyang=1300), lang="zh")
    rec = next(r for r in zh.recommendations if r.key == "coverage")
    assert "再有 1,039 家大中型工业企业" in rec.action


def test_a_city_brief_stands_the_city_against_the_targets() -> None:
    brief = build_brief(_graph(), lang="en", city="Zhengzhou")
    row = _rows(brief, "targets")[0]
    assert brief.tables[0].title == "Where Zhengzhou stands against the policy's targets"
    assert row["By the deadline"] == "✗ not met by end-2018: 40.0%, 40.0 pts short"
    assert row["Latest"] == "80.0% (2019) ✓"
    assert not [r for r in brief.recommendations if r.key == "coverage"]  # met there
    profile = _rows(brief, "city_profile")
    cov = next(r for r in profile if r["Indicator"] == "platform coverage")
    assert cov == {
        "Indicator": "platform coverage",
        "Zhengzhou": "80.0%",
        "Province": "50.0%",
        "Place": "1 / 2",
    }


def test_no_recommendation_from_data_the_graph_lacks() -> None:
    brief = build_brief(_graph(sizes=False), lang="en")
    row = _rows(brief, "targets")[0]
    assert row["By the deadline"] == "not measurable: no firm sizes"
    assert row["Latest"] == row["Trend"] == "—"
    assert brief.recommendations == []
    summary = brief.sections[0]
    assert summary.paragraphs == ["The graph holds too little to support a recommendation."]
    assert "coverage" not in render_markdown(brief).split("## Key findings")[0].lower().replace(
        "platform coverage: 80%", ""
    )


# --- on the demo ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def brief_en(demo_graph: EcosystemGraph) -> Brief:
    return build_brief(demo_graph, lang="en")


def test_demo_recommendations_follow_from_the_indicators(
    demo_graph: EcosystemGraph, brief_en: Brief
) -> None:
    recs = brief_en.recommendations
    assert 3 <= len(recs) <= 5
    assert [r.key for r in recs] == [
        "coverage",
        "demonstrations",
        "research",
        "single_source",
        "finance",
    ]
    year = latest_year(demo_graph)
    cov = policy_indicators(demo_graph, by="city", year=year, indicators=["platform_coverage"])
    cov = cov.assign(
        need=[
            max(0, math.ceil(t * d - n - 1e-9))
            for t, d, n in zip(cov["target"], cov["denominator"], cov["numerator"], strict=True)
        ]
    )
    top = cov[cov["need"] > 0].sort_values(["need", "value"], ascending=[False, True]).head(3)
    names = dict(
        zip(demo_graph.nodes["Region"]["id"], demo_graph.nodes["Region"]["name_en"], strict=True)
    )
    coverage = recs[0]
    for gid, need in zip(top["group"], top["need"], strict=True):
        assert f"{names[gid]}: " in " ".join(coverage.evidence)
        assert f", {need} more needed" in " ".join(coverage.evidence)
    research = recs[2]
    assert research.action.startswith("Broker these 5 enterprise–institute partnerships in ")
    assert len(research.evidence) == 5 and all(" — " in e for e in research.evidence)
    for r in recs:
        assert r.article in (3, 4, 6, 14) and r.article_title and r.because
    cited = {row["Article"] for row in _rows(brief_en, "articles")}
    assert {f"Article {r.article}" for r in recs} <= cited


def test_page_one_reads_the_targets_and_recommendations(brief_en: Brief) -> None:
    md = render_markdown(brief_en)
    page1 = md.split("## Key findings")[0]
    assert "## Executive summary" in page1 and "### Recommendations" in page1
    assert page1.count("*Policy: Article ") == len(brief_en.recommendations)
    for r in brief_en.recommendations:
        assert r.action.replace("&", "&amp;")[:40] in page1
    body = md.split("\n## Appendix A")[0]
    for word in ("Burt", "Adamic", "Leiden", "meta-path", "modularity"):
        assert word not in body, word  # method words live in the glossary
    glossary = md.split("\n## Appendix A. Glossary")[1].split("\n## Appendix B")[0]
    assert "Burt" in glossary and "Adamic–Adar" in glossary and "Leiden" in glossary
