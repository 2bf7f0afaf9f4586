"""The brief on the real Henan build: it reads correctly, recommends only from the data
that build has, is English in English, and opens as Word and PDF with every city on
the map."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from innokg.brief import Brief, build_brief, render_html, render_markdown
from innokg.cli import main
from innokg.graph.ecosystem import EcosystemGraph
from innokg.maps import HENAN_EN
from innokg.queries.indicators import latest_year, policy_indicators
from tests.test_brief import SECTIONS
from tests.test_brief_formats import (
    check_docx,
    check_pdf,
    cjk_share,
    needs_chromium,
    needs_poppler,
    visible_text,
)

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def henan_package(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from innokg.henan import build_henan

    out = tmp_path_factory.mktemp("henan-brief") / "henan"
    build_henan(out, data=shared_data, database=False)
    return out


@pytest.fixture(scope="module")
def henan_graph(henan_package: Path) -> EcosystemGraph:
    return EcosystemGraph.open(henan_package)


@pytest.fixture(scope="module")
def brief_en(henan_graph: EcosystemGraph) -> Brief:
    return build_brief(henan_graph, lang="en")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_real_brief_reads_correctly(henan_graph: EcosystemGraph, lang: str) -> None:
    brief = build_brief(henan_graph, lang=lang)  # type: ignore[arg-type]
    page = render_html(brief)
    assert not re.search(r"\bnan\b|NaN|<NA>", page)
    assert "0 / 0" not in page and "是。" not in page and "behind: ." not in page
    assert "no no" not in page and "缺少no" not in page
    assert [s.key for s in brief.sections] == SECTIONS
    for section in brief.sections:  # every question says something: rows or one line
        assert section.paragraphs or section.tables or section.recommendations
        for t in section.tables:
            assert len(t.df) or t.note or t.key.startswith("gap_"), t.key
    partners = {t.key: t for t in brief.tables if t.key.startswith("partners_")}
    assert len(partners["partners_enterprise-institute"].df) == 5
    assert partners["partners_fund-team"].note
    if lang == "en":
        assert "Zhengzhou" in page or "Luohe" in page


def test_real_targets_say_why_they_cannot_be_measured(brief_en: Brief) -> None:
    rows = next(t for t in brief_en.tables if t.key == "targets").df.to_dict("records")
    assert [r["Article"] for r in rows] == ["3", "3", "3", "12", "17"]
    assert all(r["By the deadline"].startswith("not measurable: no ") for r in rows)
    assert rows[0]["By the deadline"] == "not measurable: no firm sizes"
    assert {r["Latest"] for r in rows} == {r["Trend"] for r in rows} == {"—"}


def test_real_recommendations_rest_on_the_data_the_build_has(
    henan_graph: EcosystemGraph, brief_en: Brief
) -> None:
    recs = {r.key: r for r in brief_en.recommendations}
    # no firm sizes, no demonstration lists, no funds or maker teams: nothing on them
    assert list(recs) == ["research", "single_source", "tech_centres"]
    research = recs["research"]
    assert research.action.startswith("Broker these 5 enterprise–institute partnerships")
    assert "records no research collaboration" in research.because
    assert len(research.evidence) == 5
    single = recs["single_source"]
    assert "inferred, not observed" in single.because
    centres = policy_indicators(
        henan_graph, by="city", year=latest_year(henan_graph), indicators=["national_tech_centres"]
    )
    top = centres.sort_values("value", ascending=False, kind="stable").head(2)
    total, two = int(centres["value"].sum()), int(top["value"].sum())
    first, second = (HENAN_EN[g.removeprefix("region:")] for g in top["group"])
    whole = policy_indicators(
        henan_graph, year=latest_year(henan_graph), indicators=["national_tech_centres"]
    )["value"].sum()
    assert whole > total  # some centres' cities are not known: the figure says whose
    assert recs["tech_centres"].action == (
        f"Spread national technology centres beyond {first} and {second}: the two hold "
        f"{two} of the {total} whose city is known ({two / total:.0%})."
    )
    assert not recs["research"].because.split("e.g. ")[-1].startswith(("Its ", "its "))
    assert {r.article for r in recs.values()} == {4, 6}
    summary = render_markdown(brief_en).split("## Key findings")[0]
    assert "coverage to" not in summary and "demonstrations:" not in summary


def test_real_english_brief_is_english_outside_names(
    henan_graph: EcosystemGraph, brief_en: Brief
) -> None:
    share, cjk = cjk_share(visible_text(render_html(brief_en)), henan_graph)
    assert share < 0.02, cjk
    share, cjk = cjk_share(render_markdown(brief_en), henan_graph)
    assert share < 0.02, cjk


def test_real_map_shows_every_city(brief_en: Brief) -> None:
    svg = next(c for s in brief_en.sections for c in s.charts if c.key == "map")
    cities = re.findall(
        r'<(?:path|circle) class="city[^"]*" data-code="(\d+)"[^>]*? fill="([^"]+)"', svg
    )
    assert len({c for c, _ in cities}) == 18  # 17 outlines and 济源's dot
    assert all(not f.startswith("url(") for _, f in cities)  # each with its value
    labels = re.findall(r'<text class="label[^"]*"[^>]*>([^<]+)</text>', svg)
    assert sorted(labels) == sorted(HENAN_EN[k] for k in HENAN_EN)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_real_brief_opens_as_word_and_pdf(
    henan_package: Path, henan_graph: EcosystemGraph, tmp_path: Path, fmt: str
) -> None:
    needs_chromium()
    if fmt == "pdf":
        needs_poppler()
    out = tmp_path / f"henan.{fmt}"
    result = CliRunner().invoke(
        main, ["brief", str(henan_package), "--lang", "en", "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    brief = build_brief(henan_graph, lang="en")
    if fmt == "docx":
        check_docx(brief, out, pictures=True)
    else:
        text = check_pdf(brief, out, tmp_path)
        for city in HENAN_EN.values():  # the map's labels are text in the PDF too
            assert city in text


def test_real_key_findings_agree_with_the_province_figures(
    henan_graph: EcosystemGraph, brief_en: Brief
) -> None:
    year = latest_year(henan_graph)
    key = ["national_tech_centres"]
    by_city = policy_indicators(henan_graph, by="city", year=year, indicators=key)
    whole = policy_indicators(henan_graph, year=year, indicators=key)
    placed, total = int(by_city["value"].sum()), int(whole["value"].sum())
    assert total > placed  # some centres' hosts have no city in the real data
    text = render_markdown(brief_en)
    assert (
        f"The cities hold {placed} national enterprise technology centres "
        f"({total - placed} more whose city is not known)"
    ) in text
    # the clusters' single-sourced count covers members elsewhere, and says so
    assert "counting its members outside the province)" in text


def test_real_city_table_names_what_has_no_city(henan_graph: EcosystemGraph) -> None:
    # 23 of the 111 listed firms and 3 of the 98 centres have no known city: a city's 0
    # must not read as "none" without that said next to the table
    md = render_markdown(build_brief(henan_graph, lang="zh"))
    assert "下表不含所在城市不详的上市公司 23 家、国家级技术中心 3 家" in md
    en = render_markdown(build_brief(henan_graph, lang="en"))
    assert "has no known city: 23 listed firms, 3 national tech centres" in en


def test_real_single_source_examples_say_they_are_inferred(henan_graph: EcosystemGraph) -> None:
    # every supply link of the real build is inferred from products: no example of a
    # single supplier may read as an observed one
    brief = build_brief(henan_graph, lang="zh")
    rec = next(r for sec in brief.sections for r in sec.recommendations if r.key == "single_source")
    lines = [e for e in rec.evidence if "仅由" in e]
    assert lines and all("据推断仅由" in e for e in lines)
