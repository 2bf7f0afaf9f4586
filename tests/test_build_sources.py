"""Building one graph from several sources: merging, the load report, the command line."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.graph.package import read_tables
from innokg.graph.stores.embedded import EmbeddedStore
from innokg.pipeline import build_from_sources, load_sources, merge_sources
from tests.conftest import REPO

SOURCES = REPO / "tests" / "data" / "sources"
EXAMPLES = REPO / "examples"
FIXTURES = [
    str(SOURCES / "chainkg"),
    str(SOURCES / "regions"),
    str(SOURCES / "universities" / "universities.csv"),
    f"tables:{EXAMPLES / 'tables'}",
]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def report_of(package: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((package / "load_report.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def fixture_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fixtures") / "g"
    code, text = run("build", *FIXTURES, "--out", str(out), "--no-database")
    assert code == 0, text
    return out


def test_kinds_are_detected_and_every_row_is_accounted_for(fixture_package: Path) -> None:
    report = report_of(fixture_package)
    assert [(s["kind"], s["rows_read"]) for s in report["sources"]] == [
        ("chainkg", 85),
        ("regions", 23),
        ("universities", 14),
        ("tables", 14),
        ("policy", 19),  # the seed policy's measures, added when no source gives them
    ]
    for src in report["sources"]:
        assert src["accounted"], src["kind"]
        assert sum(src["outcomes"].values()) == src["rows_read"]
    assert [s["outcomes"] for s in report["sources"]] == [
        {"used": 61, "folded": 7, "rejected": 16, "filtered": 0, "skipped": 1},
        {"used": 16, "folded": 1, "rejected": 4, "filtered": 0, "skipped": 2},
        {"used": 10, "folded": 1, "rejected": 3, "filtered": 0, "skipped": 0},
        {"used": 14, "folded": 0, "rejected": 0, "filtered": 0, "skipped": 0},
        {"used": 19, "folded": 0, "rejected": 0, "filtered": 0, "skipped": 0},
    ]


def test_the_report_counts_what_merging_did(fixture_package: Path) -> None:
    report = report_of(fixture_package)
    universities, tables = report["sources"][2], report["sources"][3]
    assert universities["merging"] == {
        "places resolved to a Region": 1,  # 北京市, by the regions source
        "edges dropped while merging (place matches no Region)": 1,  # 火星市
    }
    assert (
        universities["warnings"][
            "place matches no Region: LOCATED_IN edge dropped (listed in rejects.csv)"
        ]
        == 1
    )
    assert tables["merging"] == {"places resolved to a Region": 3}
    # 洛阳, 安阳 and 林州 (the chain firms) and 平顶山 (a college) are not in the fixture
    assert report["merging"]["regions added from the shipped reference"] == 4
    assert report["graph"]["nodes"]["Enterprise"] == 15
    assert report["graph"]["edges"]["SUPPLIES"] == 4


def test_rejects_csv_lists_every_dropped_row(fixture_package: Path) -> None:
    rejects = pd.read_csv(fixture_package / "rejects.csv", dtype=str)
    assert list(rejects.columns) == ["file", "row", "column", "reason"]
    assert len(rejects) == 16 + 4 + 3 + 1
    mars = rejects[rejects["reason"].str.contains("火星市")]
    assert mars[["file", "row", "column"]].values.tolist() == [["universities.csv", "12", "to_id"]]


def test_info_shows_the_load_report(fixture_package: Path) -> None:
    code, text = run("info", str(fixture_package))
    assert code == 0, text
    assert "load report:" in text
    assert "  chainkg: " in text and "85 rows read: 61 used, 7 folded, 16 rejected" in text
    assert "(3 SUPPLIES inferred)" in text


def test_the_example_tables_alone(tmp_path: Path) -> None:
    out = tmp_path / "ex"
    code, text = run("build", f"tables:{EXAMPLES / 'tables'}", "--out", str(out), "--no-database")
    assert code == 0, text
    assert "merging: 3 places resolved to a Region" in text
    assert "3 region(s) added from the shipped reference" in text
    nodes, edges, _ = read_tables(out)
    located = dict(zip(edges["LOCATED_IN"]["from_id"], edges["LOCATED_IN"]["to_id"], strict=True))
    assert located["ex:parts"] == "region:4101"  # 郑州市
    assert located["ex:materials"] == "region:410105"  # 郑州市金水区
    assert located["ex:space"] == "region:410105"  # 410105
    assert located["region:410105"] == "region:4101"
    assert set(nodes["Region"]["source"]) == {"reference:henan_regions.csv"}


def test_a_place_nothing_matches_is_a_clean_error(tmp_path: Path) -> None:
    src = tmp_path / "t"
    (src / "nodes").mkdir(parents=True)
    (src / "edges").mkdir()
    (src / "nodes" / "Enterprise.csv").write_text("id,name,source\na,甲,t\n", encoding="utf-8")
    (src / "edges" / "LOCATED_IN.csv").write_text(
        "from_id,to_id,source,evidence\na,火星市,t,observed\n", encoding="utf-8"
    )
    code, text = run("build", f"tables:{src}", "--out", str(tmp_path / "g"))
    assert code == 1 and "Traceback" not in text
    assert "edges/LOCATED_IN.csv, row 2, column 'to_id': place '火星市' matches no Region" in text


def test_scope_and_mapping_options(tmp_path: Path) -> None:
    out = tmp_path / "h"
    code, text = run(
        "build",
        *FIXTURES,
        "--scope",
        "henan",
        "--mapping",
        str(EXAMPLES / "merge_overrides.csv"),
        "--out",
        str(out),
        "--no-database",
    )
    assert code == 0, text
    report = report_of(out)
    assert report["sources"][0]["filtered"] == {"outside the Henan scope": 20}
    assert report["sources"][1]["filtered"] == {"outside the Henan scope": 5}
    # ent:stock:601717 is not in the fixture: the mapping line is reported, not applied
    assert report["merging"]["warnings"] == [
        "mapping file: ent:stock:601717 = ex:zmj names an id that is in no source, or ids "
        "of two labels (ignored)"
    ]
    code, text = run("build", *FIXTURES, "--scope", "mars", "--out", str(out))
    assert code == 2 and "'mars' is not one of 'all', 'henan'" in text


def test_merge_sources_of_the_fixtures_keeps_merges_apart_from_rejects() -> None:
    merged = merge_sources(load_sources(FIXTURES))
    assert merged.merges.empty  # the fixture firms are invented: no name in common
    assert merged.rejects["reason"].str.contains("火星市").all()


# --- the three real sources and the examples together ---------------------------------------


@pytest.fixture(scope="module")
def real_package(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    out = tmp_path_factory.mktemp("real") / "henan"
    start = time.perf_counter()
    build_from_sources(
        [
            f"chainkg:{shared_data / 'chainkg'}",
            f"regions:{shared_data / 'admin-divisions'}",
            f"universities:{shared_data / 'universities' / 'henan_universities_2025.csv'}",
            f"tables:{EXAMPLES / 'tables'}",
        ],
        out,
    )
    return out, time.perf_counter() - start


@pytest.mark.realdata
def test_real_build_counts(real_package: tuple[Path, float]) -> None:
    out, seconds = real_package
    report = report_of(out)
    for src in report["sources"]:
        assert src["accounted"], src["kind"]
    assert report["graph"]["nodes"] == {
        "Enterprise": 4588,  # 4,586 listed firms and two invented ones of the examples
        "ResearchInstitute": 179,
        "Alliance": 0,
        "Fund": 0,
        "MakerTeam": 0,
        "Platform": 1,
        "Region": 3342 - 124,  # the 124 development zones NBS codes like counties are Zones
        "Zone": 124,
        # Shenwan's, the GB/T 4754 divisions they map to, and two more that only the
        # universities' fields name
        "Industry": 511 + 97 + 2,
        "Product": 95_517,
        "PolicyMeasure": 19,  # the seed policy's measures travel with every package
        "Person": 0,
    }
    assert report["graph"]["edges"]["SUPPLIES"] == 4485 + 1
    assert report["merging"]["merged pairs by rule"] == {
        "Enterprise by name": 1,  # 郑州煤矿机械集团有限公司 = …股份有限公司
        "Enterprise by stock_code": 1,  # 600066 = 600066.SH
        "ResearchInstitute by moe_code": 1,  # 郑州大学
        "Industry by id": 50,  # divisions the universities' fields and the chain data share
    }
    assert "regions added from the shipped reference" not in report["merging"]
    assert seconds < 300  # seconds on a quiet machine; generous for a loaded one


@pytest.mark.realdata
def test_real_build_finds_henan_firms_and_universities(real_package: tuple[Path, float]) -> None:
    out, _ = real_package
    with EmbeddedStore(out / "graph.lbdb") as db:
        yutong = db.run(
            "MATCH (e:Enterprise {id: 'ent:stock:600066'})-[:IN_INDUSTRY]->(i:Industry) "
            "MATCH (e)-[:LOCATED_IN]->(c:Region) RETURN e.name AS name, e.source AS source, "
            "e.size AS size, i.name AS industry, c.name AS city ORDER BY industry"
        )
        common = {
            "name": "郑州宇通客车股份有限公司",
            "source": "chainkg:company.json; examples/tables (illustrative)",
            "size": "large",
            "city": "郑州市",
        }
        # its Shenwan industry, and the GB/T 4754 division the crosswalk maps it to
        assert yutong.to_dict("records") == [
            {**common, "industry": "商用载客车"},
            {**common, "industry": "汽车制造业"},
        ]
        zzu = db.run(
            "MATCH (u:ResearchInstitute {moe_code: '4141010459'})-[:LOCATED_IN]->(c:Region) "
            "RETURN u.name AS name, c.name AS city"
        )
        assert zzu.to_dict("records") == [{"name": "郑州大学", "city": "郑州市"}]
        per_city = db.run(
            "MATCH (e:Enterprise)-[:LOCATED_IN]->(r:Region) WHERE r.code STARTS WITH '41' "
            "RETURN count(DISTINCT e) AS firms"
        )
        assert int(per_city.loc[0, "firms"]) == 64 + 2
        universities = db.run(
            "MATCH (u:ResearchInstitute)-[:LOCATED_IN]->(r:Region) WHERE r.code STARTS WITH '41' "
            "RETURN count(u) AS n"
        )
        assert int(universities.loc[0, "n"]) == 178


@pytest.mark.realdata
@pytest.mark.parametrize("command", ["clusters", "gaps", "partners"])
def test_query_commands_run_on_the_real_graph(
    real_package: tuple[Path, float], command: str
) -> None:
    out, _ = real_package
    code, text = run(command, str(out))
    assert code == 0, text


def test_tables_missing_key_columns_get_validation_messages(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        (folder / "nodes").mkdir(parents=True)
        (folder / "edges").mkdir()
    (one / "nodes" / "Enterprise.csv").write_text("id,source\na,t\n", encoding="utf-8")
    (one / "edges" / "LOCATED_IN.csv").write_text(
        "from_id,source,evidence\na,t,observed\n", encoding="utf-8"
    )
    (two / "nodes" / "Enterprise.csv").write_text("name,source\n甲,t\n", encoding="utf-8")
    (two / "edges" / "SUPPLIES.csv").write_text("to_id,evidence\nx,observed\n", encoding="utf-8")
    code, text = run("build", f"tables:{one}", f"tables:{two}", "--out", str(tmp_path / "g"))
    assert code == 1 and "Traceback" not in text
    # two sources with a file of the same name: the messages name the folder too
    assert f"{one}/nodes/Enterprise.csv, row 2, column 'name': is required but empty" in text
    assert f"{two}/nodes/Enterprise.csv, row 2, column 'id': is required but empty" in text
