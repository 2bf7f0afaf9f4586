"""City maps: exact classes and fills on hand-made values, safe names, the projection,
the real build's indicator, and the brief's map in a real browser."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innokg.brief import build_brief, render_html, render_markdown, write_brief
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError
from innokg.maps import PALETTES, Map, city_map, indicator_map, load_outlines
from innokg.maps.words import _width
from innokg.queries.indicators import latest_year, policy_indicators
from tests.browser import Browser, find_chromium
from tests.conftest import REPO
from tests.needs import unavailable

ARTIFACTS = REPO / "test-artifacts"
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>"

CODES = [f"41{i:02d}00" for i in range(1, 18)]  # the 17 outlines, 410100 … 411700
ALL = [*CODES, "419001"]  # and 济源


def _tree(m: Map) -> ET.Element:
    return ET.fromstring(m.svg)  # well-formed XML, or this raises


def _fills(m: Map) -> dict[str, str]:
    root = _tree(m)
    shapes = [*root.iter(f"{SVG}path"), *root.iter(f"{SVG}circle")]
    return {e.get("data-code"): e.get("fill") for e in shapes if e.get("data-code")}


def _centroid(d: str) -> tuple[float, float]:
    pts = np.array([tuple(map(float, p)) for p in re.findall(r"([\d.]+) ([\d.]+)", d)])
    return float(pts[:, 0].mean()), float(pts[:, 1].mean())


def test_one_path_per_outline_and_a_dot_for_jiyuan() -> None:
    m = city_map(pd.Series(range(1, 19), index=ALL), title="t")
    root = _tree(m)
    paths = [p for p in root.iter(f"{SVG}path") if "city" in (p.get("class") or "").split()]
    assert len(paths) == len(load_outlines()) == 17
    assert sorted(p.get("data-code") for p in paths) == CODES
    dots = [c for c in root.iter(f"{SVG}circle") if "city" in (c.get("class") or "").split()]
    assert [c.get("data-code") for c in dots] == ["419001"]
    assert len(m.table) == 18 and m.table["code"].tolist() == ALL
    notes = " ".join(m.notes)
    assert "济源市（419001）在本底图中位于焦作市轮廓内" in notes
    assert "济源市" in m.svg and "焦作市轮廓内" in m.svg  # the note is on the map itself


def test_fill_is_the_class_the_value_falls_in() -> None:
    colours = ["#111111", "#222222", "#333333"]
    values = pd.Series({"410100": 1, "410300": 2, "410500": 3, "410800": 5, "419001": 4})
    m = city_map(values, title="t", breaks=[1, 3, 5], palette=colours)
    assert m.breaks == [1, 3, 5] and m.colours == colours
    assert m.labels == ["1", "2 – 3", "4 – 5"]  # whole numbers: inclusive ranges
    fills = _fills(m)
    assert fills["410100"] == "#111111"  # 1 ≤ 1
    assert fills["410300"] == "#222222"  # 1 < 2 ≤ 3
    assert fills["410500"] == "#222222"  # 3 ≤ 3: a class holds its upper bound
    assert fills["410800"] == "#333333"
    assert fills["419001"] == "#333333"  # 济源's dot has its own value's colour
    table = m.table.set_index("code")
    assert table.loc["410300", "class"] == "2 – 3" and table.loc["410300", "value"] == 2


def test_missing_values_are_hatched_no_data() -> None:
    values = pd.Series({"410100": 3.0, "410200": float("nan"), "410300": pd.NA, "410400": 7.0})
    for lang, word in (("zh", "无数据"), ("en", "no data")):
        m = city_map(values, title="t", lang=lang)  # type: ignore[arg-type]
        root = _tree(m)
        pattern = next(root.iter(f"{SVG}pattern"))
        nodata = f"url(#{pattern.get('id')})"
        fills = _fills(m)
        # NaN, NA and cities not in the series at all
        assert {c for c, f in fills.items() if f == nodata} == set(ALL) - {"410100", "410400"}
        assert fills["410100"] != nodata and fills["410400"] != nodata
        table = m.table.set_index("code")
        assert table.loc["410200", "class"] == word and table.loc["410200", "text"] == "—"
        assert math.isnan(table.loc["410500", "value"])
        legend = "".join(
            next(e for e in root.iter(f"{SVG}g") if e.get("class") == "legend").itertext()
        )
        assert f"{word} (16)" in legend
        swatch = [r for r in root.iter(f"{SVG}rect") if "nodata" in (r.get("class") or "")]
        assert swatch and swatch[0].get("fill") == nodata


def test_quantile_breaks_and_the_legend() -> None:
    values = pd.Series(range(1, 19), index=ALL, dtype=float)
    m = city_map(values, title="t", unit="家")
    # inverted-cdf quantiles of 1..18 at 1/5 … 5/5: the 4th, 8th, 11th, 15th, 18th values
    assert m.breaks == [4, 8, 11, 15, 18]
    assert m.labels == ["1 – 4", "5 – 8", "9 – 11", "12 – 15", "16 – 18"]
    blues = PALETTES["blues"]
    assert m.colours == [blues[1], blues[3], blues[4], blues[6], blues[8]]
    legend = next(e for e in _tree(m).iter(f"{SVG}g") if e.get("class") == "legend")
    lines = ["".join(t.itertext()) for t in legend.iter(f"{SVG}text")]
    # high values on top, each with the number of cities in it
    assert lines[:7] == [
        "单位：家",
        "16 – 18 (3)",
        "12 – 15 (4)",
        "9 – 11 (3)",
        "5 – 8 (4)",
        "1 – 4 (4)",
        "无数据 (0)",
    ]
    assert "郑州市：1家" in m.svg and "济源市：18家" in m.svg  # the value on hover


def test_shares_are_percentages_with_open_lower_bounds() -> None:
    values = pd.Series({"4101": 0.2, "4102": 0.5, "4103": 0.8, "4104": 0.9})
    m = city_map(values, title="t", unit="share", lang="en", classes=2)
    assert m.breaks == [0.5, 0.9]
    assert m.labels == ["20.0% – 50.0%", "> 50.0% – 90.0%"]
    assert "Zhengzhou: 20.0%" in m.svg and "Unit: %" in m.svg


def test_cities_by_id_code_or_name_are_the_same() -> None:
    a = city_map(pd.Series({"region:4101": 5, "region:419001": 2}), title="t")
    b = city_map(pd.Series({"4101": 5, "419001": 2}), title="t")
    c = city_map(pd.Series({"410100": 5, "济源市": 2}), title="t")
    d = city_map(pd.Series({"郑州市": 5, "济源": 2}), title="t")
    assert a.svg == b.svg == c.svg == d.svg
    with pytest.raises(InnokgError, match="no outline or point for these cities: 北京市"):
        city_map(pd.Series({"北京市": 1}), title="t")


def test_hostile_names_are_escaped() -> None:
    values = pd.Series({"region:4101": 1.0, "region:4102": 2.0})
    names = {"region:4101": HOSTILE, "4102": 'a"b&c\x07'}
    for lang in ("zh", "en"):
        m = city_map(values, title=HOSTILE, unit=HOSTILE, names=names, lang=lang)  # type: ignore[arg-type]
        root = _tree(m)  # still well-formed (the control character is replaced)
        assert "<script" not in m.svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in m.svg
        texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
        assert HOSTILE in texts  # the title, as text
        assert any(t.startswith(HOSTILE) for t in texts)  # the city's hover, as text
        assert 'a"b&amp;c' not in m.svg and "a&quot;b&amp;c" in m.svg
        assert "<script" not in m._repr_html_() and "<script" not in m.table_html()
        assert m.table.set_index("code").loc["410100", "city"] == HOSTILE


def test_projection_keeps_the_compass() -> None:
    m = city_map(pd.Series(dtype=float), title="t")
    paths = {
        p.get("data-code"): _centroid(p.get("d") or "")
        for p in _tree(m).iter(f"{SVG}path")
        if p.get("data-code")
    }
    zhengzhou, luoyang = paths["410100"], paths["410300"]
    anyang, xinyang = paths["410500"], paths["411500"]
    assert zhengzhou[0] > luoyang[0]  # east of
    assert anyang[1] < xinyang[1]  # north of (SVG y grows downward)
    # equirectangular at the middle latitude: 1° of latitude / 1° of longitude = 1 / cos φ0
    feats = {f["properties"]["code"]: f for f in load_outlines()}
    lat = [p[1] for f in feats.values() for p in f["geometry"]["coordinates"][0]]
    assert f"标准纬线 {(min(lat) + max(lat)) / 2:.2f}°N" in m.svg


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_labels_do_not_overlap(lang: str) -> None:
    m = city_map(pd.Series(dtype=float), title="t", lang=lang)  # type: ignore[arg-type]
    labels = next(g for g in _tree(m).iter(f"{SVG}g") if g.get("class") == "labels")
    size = float(labels.get("font-size") or 0)
    boxes = []
    for t in labels.iter(f"{SVG}text"):
        w, x, y = _width(t.text or "", size), float(t.get("x") or 0), float(t.get("y") or 0)
        left = x - w if t.get("text-anchor") == "end" else x - w / 2
        boxes.append((t.text, left, y - size, left + w, y))
    assert len(boxes) == 18
    assert {b[0] for b in boxes} >= ({"郑州", "济源", "三门峡"} if lang == "zh" else {"Jiyuan"})
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
            assert apart, (a, b)


def test_another_province_from_its_outlines(tmp_path: Path) -> None:
    square = [[[100.0, 30.0], [101.0, 30.0], [101.0, 31.0], [100.0, 31.0], [100.0, 30.0]]]
    other = [[[[101.0, 30.0], [102.0, 30.0], [102.0, 31.0], [101.0, 31.0], [101.0, 30.0]]]]
    geo = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "甲市", "code": "990100"},
                "geometry": {"type": "Polygon", "coordinates": square},
            },
            {
                "type": "Feature",
                "properties": {"name": "乙市", "code": "990200"},
                "geometry": {"type": "MultiPolygon", "coordinates": other},
            },
        ],
    }
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps(geo), encoding="utf-8")
    m = city_map(pd.Series({"region:9901": 1, "乙市": 2}), title="t", outlines=path)
    assert m.table["city"].tolist() == ["甲市", "乙市"]
    assert len(_fills(m)) == 2 and "circle" not in m.svg and "济源" not in m.svg
    (a, _), (b, _) = (
        _centroid(p.get("d") or "") for p in _tree(m).iter(f"{SVG}path") if p.get("data-code")
    )
    assert a < b
    with pytest.raises(InnokgError, match="cannot read city outlines"):
        city_map(pd.Series(dtype=float), title="t", outlines=tmp_path / "none.geojson")


def test_indicator_map_on_the_demo(demo_graph: EcosystemGraph) -> None:
    year = latest_year(demo_graph)
    m = indicator_map(demo_graph, "platform_coverage")
    ind = policy_indicators(demo_graph, by="city", year=year, indicators=["platform_coverage"])
    assert m.title == f"各市{ind['indicator_zh'].iloc[0]}（{year} 年）"
    got = m.table.set_index("code")["value"]
    for r in ind.itertuples():
        code = r.group.removeprefix("region:")
        assert got[code + "00" if len(code) == 4 else code] == pytest.approx(r.value)
    en = indicator_map(demo_graph, "platform_coverage", lang="en", year=2018)
    assert en.title.endswith("by city (2018)") and "Zhengzhou" in en.svg
    assert "<svg" in en._repr_svg_() and "<table" in en._repr_html_()


@pytest.fixture(scope="module")
def henan_graph(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> EcosystemGraph:
    from innokg.henan import build_henan

    out = tmp_path_factory.mktemp("henan-maps") / "henan"
    build_henan(out, data=shared_data, database=False)
    return EcosystemGraph.open(out)


@pytest.mark.realdata
def test_real_map_of_national_tech_centres(henan_graph: EcosystemGraph) -> None:
    year = latest_year(henan_graph)
    m = indicator_map(henan_graph, "national_tech_centres")
    ind = policy_indicators(henan_graph, by="city", year=year, indicators=["national_tech_centres"])
    assert len(ind) == 18 and ind["measurable"].all()
    assert m.table["value"].notna().sum() == 18  # every city, 济源 included
    got = m.table.assign(code=m.table["code"].str.replace(r"00$", "", regex=True))
    got = got.set_index("code")["value"]
    expected = {
        g.removeprefix("region:"): v for g, v in zip(ind["group"], ind["value"], strict=True)
    }
    assert got.to_dict() == expected
    assert str(year) in m.title and "技术中心" in m.title
    brief = build_brief(henan_graph, lang="en")
    by_city = next(s for s in brief.sections if s.key == "by_city")
    assert by_city.charts and 'class="innokg-map"' in by_city.charts[0]
    assert any("national tech centres" in p for p in by_city.paragraphs)


# --- in a real browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if find_chromium() is None:
        unavailable("chromium is not installed (apt-get install chromium)")
    with Browser.launch() as b:
        yield b


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_brief_shows_its_map_in_a_browser(
    browser: Browser, demo_graph: EcosystemGraph, tmp_path: Path, lang: str
) -> None:
    brief = build_brief(demo_graph, lang=lang, city="Luoyang")  # type: ignore[arg-type]
    path = write_brief(brief, tmp_path / "brief.html")
    page = browser.open(path)
    assert [r["url"] for r in page.requests] == [path.resolve().as_uri()]
    assert page.exceptions == [] and page.console_errors == []
    assert page.evaluate("document.querySelectorAll('svg.innokg-map').length") == 1
    assert page.evaluate("document.querySelectorAll('svg.innokg-map path.city').length") == 17
    assert page.evaluate("document.querySelectorAll('svg.innokg-map circle.city').length") == 1
    # every label drawn, none overlapping another, none outside the picture
    overlaps = page.evaluate(
        """(() => {
          const svg = document.querySelector('svg.innokg-map');
          const vb = svg.viewBox.baseVal;
          const boxes = [...svg.querySelectorAll('text.label')].map(t => t.getBBox());
          let bad = boxes.filter(b => b.x < 0 || b.y < 0 || b.x + b.width > vb.width
                                      || b.y + b.height > vb.height).length;
          for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.x < b.x + b.width && b.x < a.x + a.width &&
                a.y < b.y + b.height && b.y < a.y + a.height) bad++;
          }
          return [boxes.length, bad];
        })()"""
    )
    assert overlaps == [18, 0]
    hover = page.evaluate(
        "document.querySelector('svg.innokg-map path[data-code=\"410300\"] title').textContent"
    )
    assert hover.startswith("洛阳市：" if lang == "zh" else "Luoyang: ") and hover.endswith("%")
    page.evaluate(
        "window.scrollTo(0, document.querySelector('svg.innokg-map')"
        ".getBoundingClientRect().top + window.scrollY - 40)"
    )
    page.screenshot(ARTIFACTS / f"map-brief-{lang}.png")
    page.close()


def test_markdown_says_where_the_map_is(demo_graph: EcosystemGraph) -> None:
    brief = build_brief(demo_graph, lang="zh")
    md = render_markdown(brief)
    assert "地图按各市“双创”平台普及率着色" in md and "<svg" not in md
    assert render_html(brief).count('class="innokg-map"') == 1
