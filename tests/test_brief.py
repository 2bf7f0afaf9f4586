"""The policy brief: the figures are the queries', the page is safe, offline and printable."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from innokg.brief import Brief, build_brief, render_html, render_markdown, write_brief
from innokg.cli import main
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.indicators import latest_year, policy_indicators
from tests.browser import Browser, find_chromium
from tests.conftest import REPO
from tests.factory import make_graph
from tests.needs import unavailable

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def brief_zh(demo_graph: EcosystemGraph) -> Brief:
    return build_brief(demo_graph, lang="zh")


@pytest.fixture(scope="module")
def brief_en_city(demo_graph: EcosystemGraph) -> Brief:
    return build_brief(demo_graph, lang="en", city="Zhengzhou")


def _table(brief: Brief, key: str) -> list[dict[str, str]]:
    table = next(t for t in brief.tables if t.key == key)
    return table.df.to_dict("records")


def test_headline_shows_the_indicators_figures(demo_graph: EcosystemGraph, brief_zh: Brief) -> None:
    ind = policy_indicators(demo_graph, year=latest_year(demo_graph))
    targeted = ind[ind["target"].notna()]
    rows = _table(brief_zh, "headline")
    assert [r["指标"] for r in rows] == targeted["indicator_zh"].tolist()
    coverage = targeted[targeted["indicator"] == "platform_coverage"].iloc[0]
    row = next(r for r in rows if r["指标"] == coverage["indicator_zh"])
    assert row["现值"] == f"{coverage['value'] * 100:.1f}%"
    assert row["目标"] == "≥ 80.0%"
    assert row["期限"] == "2018 年底"
    assert row["差距"] == f"{coverage['gap'] * 100:.1f} 个百分点"
    assert row["状态"] == ("✓ 达标" if coverage["met"] else "✗ 未达标")
    statuses = {r["指标"]: r["状态"] for r in rows}
    for r in targeted.itertuples():
        assert statuses[r.indicator_zh] == ("✓ 达标" if r.met else "✗ 未达标")


def test_every_city_is_listed_with_its_coverage(
    demo_graph: EcosystemGraph, brief_zh: Brief
) -> None:
    ind = policy_indicators(
        demo_graph, by="city", year=latest_year(demo_graph), indicators=["platform_coverage"]
    )
    rows = _table(brief_zh, "by_city")
    assert [r["城市"] for r in rows] == ind["group_name"].tolist()
    for r, (_, i) in zip(rows, ind.iterrows(), strict=True):
        assert r["“双创”平台普及率"].startswith(f"{i['value'] * 100:.1f}% / 80.0%")
        assert r["“双创”平台普及率"].endswith("✓" if i["met"] else "✗")


#: The brief's sections: page 1, the body, the appendices.
SECTIONS = [
    "summary",
    "headline",
    "by_city",
    "compare",
    "clusters",
    "gaps",
    "partners",
    "context",
    "glossary",
    "articles",
    "method",
]


def test_sections_and_findings(brief_zh: Brief) -> None:
    keys = [s.key for s in brief_zh.sections]
    assert keys == SECTIONS
    assert [s.key for s in brief_zh.sections if s.appendix] == ["glossary", "articles", "method"]
    assert brief_zh.synthetic
    assert any("平台普及率为" in f and "目标 80%" in f for f in brief_zh.findings)
    assert any("个供应链集群" in f for f in brief_zh.findings)
    assert any("最值得撮合" in f for f in brief_zh.findings)
    gap_titles = [t.title for t in next(s for s in brief_zh.sections if s.key == "gaps").tables]
    assert "无研发合作伙伴的大中型工业企业" in gap_titles
    partners = [t for t in brief_zh.tables if t.key.startswith("partners_")]
    assert partners and all(len(t.df) <= 5 for t in partners)
    assert all(t.df["依据"].str.len().gt(0).all() for t in partners if len(t.df))
    provenance = dict((r["项目"], r["内容"]) for r in _table(brief_zh, "provenance"))
    assert provenance["合成数据"].startswith("是")
    assert "synthetic" in provenance["来源 1"]
    assert provenance["构建时间"] != "—"


def test_html_is_self_contained_and_printable(brief_zh: Brief) -> None:
    page = render_html(brief_zh)
    assert "<script" not in page.lower()
    assert not re.search(r"<(?:link|img|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"\bsrc\s*=", page, re.I)
    # links only within the page: a recommendation to its policy article
    assert set(re.findall(r'\bhref\s*=\s*"([^"]*)"', page, re.I)) == {
        f"#article-{r.article}" for r in brief_zh.recommendations
    }
    for r in brief_zh.recommendations:
        assert f'id="article-{r.article}"' in page
    # only same-page references (the map's hatching pattern), never a resource
    assert not re.search(r"url\((?!#[\w-]+\))|@import|@font-face", page)
    assert re.search(r'fill="url\(#m[0-9a-f]{8}-nodata\)"', page)
    assert "default-src 'none'" in page
    assert "@page { size: A4" in page and "@media print" in page
    assert ".page-break { break-after: page" in page
    assert '<section id="summary" class="page-break">' in page
    charts = re.findall(r"<svg .*?</svg>", page, re.S)
    keys = [c.key for s in brief_zh.sections for c in s.charts]
    assert keys == [
        "targets_trend",  # page 1: the province year by year
        "progress",
        "map",
        "coverage",
        "demonstrations",
        "trend_platform_coverage",
        "trend_demonstration_platforms",
    ]
    assert len(charts) == len(keys)
    assert 'class="innokg-map"' in charts[2] and ">郑州</text>" in charts[2]
    assert "<text" in charts[3] and ">郑州市</text>" in charts[3]  # labels are text, not paths
    assert charts[5].count("<polyline") == 18  # one small panel per city
    assert page.count("合成示例数据") == 2  # banner at the top and at the end
    assert "SYNTHETIC" not in page


def test_english_brief_for_a_city(brief_en_city: Brief) -> None:
    page = render_html(brief_en_city)
    assert "<h2>Key findings</h2>" in page and "要点" not in page
    assert "SYNTHETIC DEMO DATA" in page
    assert dict(brief_en_city.meta)["Scope"] == "Zhengzhou"  # name_en in English
    by_city = next(t for t in brief_en_city.tables if t.key == "by_city")
    assert [by_city.df.iloc[i]["City"] for i in by_city.highlight] == ["Zhengzhou"]
    assert 'class="highlight"' in page
    assert any("ranks" in f and "cities on platform coverage" in f for f in brief_en_city.findings)
    headline = _table(brief_en_city, "headline")
    assert any("(pro rata)" in r["Target"] for r in headline)  # counts apportioned to the city


def test_unknown_city_is_a_clear_error(demo_graph: EcosystemGraph) -> None:
    with pytest.raises(QueryError, match="no city named 'Atlantis'"):
        build_brief(demo_graph, city="Atlantis")


HOSTILE = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://example.invalid","x")'
MARKDOWN = "| *x* [y](javascript:z) `c`"


def hostile_graph() -> EcosystemGraph:
    """Firms named with markup, a formula and Markdown, in one city."""
    firms = [
        {"id": "h1", "name": HOSTILE, "size": "large", "industrial": True, "employees": 5000},
        {"id": "h2", "name": FORMULA, "size": "large", "industrial": True, "employees": 4000},
        {"id": "h3", "name": MARKDOWN, "size": "medium", "industrial": True, "employees": 300},
    ]
    return make_graph(
        {
            "Enterprise": firms,
            "Region": [
                {"id": "region:41", "name": "河南省", "level": "province", "code": "41"},
                {"id": "region:4101", "name": "郑州市", "level": "city", "code": "4101"},
            ],
        },
        {
            # two suppliers of one buyer: a partnership candidate whose reasons name them
            "SUPPLIES": [("h1", "h3"), ("h2", "h3")],
            "LOCATED_IN": [
                ("h1", "region:4101"),
                ("h2", "region:4101"),
                ("h3", "region:4101"),
                ("region:4101", "region:41"),
            ],
        },
    )


@pytest.fixture(scope="module")
def hostile() -> EcosystemGraph:
    return hostile_graph()


def test_hostile_names_are_inert_in_every_format(hostile: EcosystemGraph, tmp_path: Path) -> None:
    brief = build_brief(hostile, lang="zh")
    gaps = _table(brief, "gap_no_research_partner")
    # without any institute in the graph the gap is not measurable: one line, no rows
    assert gaps == [] and next(t for t in brief.tables if t.key == "gap_no_research_partner").note
    pairs = _table(brief, "partners_enterprise-enterprise")
    assert [(r["提议方"], r["合作对象"]) for r in pairs] == [(HOSTILE, FORMULA)]
    assert MARKDOWN in pairs[0]["依据"]
    page = render_html(brief)
    assert HOSTILE not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    md = render_markdown(brief)
    assert "<img" not in md and "&lt;img src=x onerror=alert\\(1\\)&gt;" not in md
    assert "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "\\[y\\](javascript:z)" in md and "\\| \\*x\\*" in md  # no link, no cell break
    import openpyxl

    out = write_brief(brief, tmp_path / "b.xlsx")
    book = openpyxl.load_workbook(out)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    values = [c.value for c in cells if isinstance(c.value, str)]
    assert "'" + FORMULA in values and FORMULA not in values
    assert book.sheetnames[:2] == ["about", "findings"]
    for ws in book.worksheets:  # works as a spreadsheet: header in view, with a filter
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref, ws.title
        assert ws["A1"].font.bold, ws.title


def test_brief_command(demo_package: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main, ["brief", str(demo_package), "--lang", "en", "--out", str(tmp_path / "b.md")]
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert text.startswith("# Policy brief") and "SYNTHETIC DEMO DATA" in text
    assert "synthetic" in result.output
    bad = runner.invoke(
        main, ["brief", str(demo_package), "--city", "Atlantis", "--out", str(tmp_path / "x.html")]
    )
    assert bad.exit_code == 1 and "no city named" in bad.output and "Traceback" not in bad.output


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if find_chromium() is None:
        unavailable("chromium is not installed (apt-get install chromium); browser tests skipped")
    with Browser.launch() as b:
        yield b


def test_brief_opens_offline_and_prints_on_a4(
    browser: Browser, brief_zh: Brief, tmp_path: Path
) -> None:
    path = write_brief(brief_zh, tmp_path / "brief.html")
    page = browser.open(path)
    assert [r["url"] for r in page.requests] == [path.resolve().as_uri()]
    assert page.exceptions == [] and page.console_errors == []
    assert page.evaluate("document.querySelectorAll('svg text').length") > 40
    shown = [t for t in brief_zh.tables if not t.df.empty]  # an empty one is a line of text
    assert page.evaluate("document.querySelectorAll('table').length") == len(shown)
    page.screenshot(ARTIFACTS / "brief-zh.png")
    pdf = page.pdf(ARTIFACTS / "brief-zh.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
    assert boxes and all(
        abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes
    ), boxes  # A4 in points
    page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_since_an_earlier_year_lists_what_changed(demo_graph: EcosystemGraph, lang: str) -> None:
    from innokg.queries.diff import as_of, since_section

    old = as_of(demo_graph, 2018)
    brief = build_brief(demo_graph, lang=lang, since=old)
    section = brief.section("since")
    assert brief.sections[1] is section  # right after page 1
    expected = since_section(old, demo_graph, lang=lang, limit=10)
    assert section.title == expected.title
    assert len(section.paragraphs) == len(expected.findings) > 0
    titles = [t.key for t in section.tables]
    assert titles == [f"since_{k}" for k, df in expected.tables.items() if len(df)]
    assert "since_demonstrations" in titles
    years = next(t for t in section.tables if t.key == "since_demonstrations").df.iloc[:, -1]
    assert set(years) <= {str(y) for y in range(2019, 2100)}  # years, not 2,019
    text = " ".join(section.paragraphs) + " ".join(
        " ".join(t.df.astype(str).to_numpy().ravel()) for t in section.tables
    )
    assert "nan" not in text.replace("Henan", "") and "None" not in text
    if lang == "en":
        assert "河南" not in text and "双创" not in text


def test_since_option_of_the_command(demo_package: Path, tmp_path: Path) -> None:
    out = tmp_path / "since.md"
    args = ["brief", str(demo_package), "--since", str(demo_package), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "以来的变化" in out.read_text(encoding="utf-8")
    missing = CliRunner().invoke(main, [*args[:3], str(tmp_path / "nowhere"), *args[4:]])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_a_gap_table_read_for_the_last_time_is_not_kept(demo_graph: EcosystemGraph) -> None:
    from innokg.brief.scope import Scope

    s = Scope(demo_graph, "zh", None, None, None, latest_year(demo_graph), 5)
    kept = s.gaps("single_source")  # as the recommendations read it
    assert s.gaps("single_source") is kept and len(kept) > 0
    last = s.gaps("single_source", last=True)  # the gap section, its last reader
    assert last is kept
    assert ("gaps", "single_source") not in s._memo and "single_sourced" not in s._memo
    again = s.gaps("structural_hole", last=True)  # never kept: computed, handed over
    assert ("gaps", "structural_hole") not in s._memo
    assert again.equals(s.gaps("structural_hole"))  # what a kept read gives


def test_at_national_scale_the_indicator_sections_share_the_timeline(
    demo_graph: EcosystemGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The targets, the headline and the cities each ask for the indicators; forgetting
    between them keeps what the indicators computed (4 GB and 15-23 s to build at
    10M), and the first forgetting after lets it go.  The brief is the same as
    without forgetting."""
    from innokg.brief import scope as scope_module
    from innokg.brief.scope import Scope
    from innokg.queries.arrays import arrays, forget_results

    year = latest_year(demo_graph)
    forget_results(demo_graph)
    plain = render_markdown(build_brief(demo_graph, lang="en"))
    monkeypatch.setattr(scope_module, "FORGET_ABOVE_NODES", 0)  # forget as at 10M
    memo = arrays(demo_graph).memo
    timeline = ("indicators", "timeline")
    s = Scope(demo_graph, "en", None, None, None, year, 5)
    s.sharing_indicators(True)
    policy_indicators(demo_graph, year=year)
    assert timeline in memo
    s.forget()
    s.city_indicators()  # an analysis of its own: forgets first, and keeps it
    assert timeline in memo
    s.sharing_indicators(False)
    s.forget()
    assert timeline not in memo
    forget_results(demo_graph)
    forced = render_markdown(build_brief(demo_graph, lang="en"))
    assert _undated(forced) == _undated(plain)


def _undated(text: str) -> str:
    return re.sub(r"\d{4}-\d\d-\d\dT[\d:]+\+00:00", "", text)


def test_partnership_searches_at_national_scale_share_step_matrices_not_kinds(
    demo_graph: EcosystemGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    from innokg.brief import scope as scope_module
    from innokg.brief.pairs import best_pairs
    from innokg.brief.scope import Scope
    from innokg.queries.arrays import arrays, forget_results

    monkeypatch.setattr(scope_module, "FORGET_ABOVE_NODES", 0)  # forget as at 10M
    year = latest_year(demo_graph)
    forget_results(demo_graph)
    memo = arrays(demo_graph).memo

    def tails(kind: str) -> list[object]:
        return [k for k in memo if isinstance(k, tuple) and k[:2] == ("partners-tail", kind)]

    s = Scope(demo_graph, "en", None, None, None, year, 5)
    s.partners("enterprise-institute", 5, None)  # the partnership section, kind by kind
    assert tails("enterprise-institute")
    steps = [k for k in memo if isinstance(k, tuple) and k[0] == "matrix"]
    assert steps
    s.partners("enterprise-enterprise", 5, None)
    assert not tails("enterprise-institute") and tails("enterprise-enterprise")
    assert all(k in memo for k in steps)  # kept for the next kind
    s.gaps("team_no_finance")  # another analysis: nothing of the partnerships is kept
    assert not tails("enterprise-enterprise")
    for kind in ("enterprise-institute", "enterprise-enterprise"):
        forget_results(demo_graph)
        alone = best_pairs(demo_graph, kind, k=5, year=year)
        assert s.partners(kind, 5, None).equals(alone), kind
    forget_results(demo_graph)
