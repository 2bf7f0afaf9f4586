"""The four questions on the command line, and their documentation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.commands import partners, questions
from innokg.exports import chunked
from innokg.graph.package import write_package
from innokg.queries.indicators import INDICATORS
from tests.conftest import REPO
from tests.factory import make_tables


def run(*args: str) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def test_clusters_table_and_members(demo_package: Path) -> None:
    out = run("clusters", demo_package, "--limit", "3")
    assert "Supply-chain clusters" in out and "leader_name" in out
    members = run("clusters", demo_package, "--members", "1")
    assert "链主" in members and "Members of cluster 1" in members


def test_clusters_keep_their_ids_with_previous_members(demo_package: Path, tmp_path: Path) -> None:
    saved = tmp_path / "members.csv"
    run("clusters", demo_package, "--members", "all", "--format", "csv", "--out", saved)
    previous = pd.read_csv(saved, dtype={"id": str})
    assert {"id", "cluster", "role"} <= set(previous.columns)
    out = tmp_path / "clusters.json"
    run("clusters", demo_package, "--previous", saved, "--format", "json", "--out", out)
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(r["cluster"] for r in rows) == sorted(previous["cluster"].unique())


def test_every_gap_to_csv_is_the_stacked_table_written_in_pieces(
    demo_package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several kinds to CSV are written kind by kind, a few rows at a time (memory holds
    one kind's table); the file is the stacked table's, row for row."""
    from innokg.graph.ecosystem import EcosystemGraph
    from innokg.output import csv_text, neutralise_formulas
    from innokg.queries.gaps import collaboration_gaps

    monkeypatch.setattr(chunked, "PIECE_ROWS", 7)  # several pieces in a kind
    out = tmp_path / "gaps.csv"
    result = CliRunner().invoke(
        main, ["gaps", str(demo_package), "--format", "csv", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    stacked = collaboration_gaps(EcosystemGraph.open(demo_package))
    assert len(stacked) > 3 * 7 and stacked["gap"].nunique() > 3
    assert out.read_text(encoding="utf-8") == csv_text(neutralise_formulas(stacked))
    assert f"wrote {len(stacked)} row(s) to {out}" in result.output


def test_gaps_on_screen_by_kind_and_to_a_file(demo_package: Path, tmp_path: Path) -> None:
    out = run("gaps", demo_package, "--limit", "2")
    for kind in questions.GAP_KINDS:
        assert kind in out
    english = run("gaps", demo_package, "--kind", "team_no_finance", "--lang", "en")
    assert "investor (fund)" in english
    target = tmp_path / "below.csv"
    run(
        "gaps",
        demo_package,
        "--kind",
        "below_target",
        "--year",
        "2018",
        "--format",
        "csv",
        "--out",
        target,
    )
    df = pd.read_csv(target)
    assert set(df["gap"]) == {"below_target"} and "shortfall" in df.columns
    stacked = tmp_path / "gaps.json"
    run(
        "gaps",
        demo_package,
        "--kind",
        "broker",
        "--kind",
        "single_source",
        "--limit",
        "3",
        "--format",
        "json",
        "--out",
        stacked,
    )
    assert len(json.loads(stacked.read_text(encoding="utf-8"))) == 6


def test_partners_for_one_enterprise(demo_package: Path, tmp_path: Path) -> None:
    out = run("partners", demo_package, "--for", "E000049", "-k", "3")
    assert "候选合作伙伴" in out and "理由" in out
    english = run("partners", demo_package, "--for", "E000049", "-k", "3", "--lang", "en")
    assert "Candidate partnerships" in english and "explanation" in english
    target = tmp_path / "partners.json"
    run(
        "partners",
        demo_package,
        "--kind",
        "enterprise-institute",
        "--city",
        "郑州",
        "-k",
        "5",
        "--format",
        "json",
        "--out",
        target,
    )
    rows = json.loads(target.read_text(encoding="utf-8"))
    assert len(rows) == 5 and all(r["explanation"] and r["explanation_en"] for r in rows)


def test_partners_for_every_large_and_medium_firm(demo_package: Path, tmp_path: Path) -> None:
    target = tmp_path / "partners.csv"
    args = ["--per-source", "2", "--size", "large", "--size", "medium", "--format", "csv"]
    run("partners", demo_package, "--kind", "enterprise-institute", *args, "--out", target)
    df = pd.read_csv(target, dtype=str)
    firms = pd.read_parquet(demo_package / "nodes" / "Enterprise.parquet", columns=["id", "size"])
    sizes = firms.set_index("id")["size"]
    assert set(sizes[df["source"]]) == {"large", "medium"}
    assert (df.groupby("source").size() <= 2).all()


def test_indicators_by_city_and_typical_cases(demo_package: Path, tmp_path: Path) -> None:
    out = run("indicators", demo_package, "--by", "city", "--year", "2018")
    assert "郑州市" in out and "platform_coverage" in out
    sheet = tmp_path / "indicators.xlsx"
    run("indicators", demo_package, "--format", "xlsx", "--out", sheet)
    df = pd.read_excel(sheet)
    assert (
        len(df) == len(INDICATORS)
        and df.loc[df["indicator"] == "platform_coverage", "target"].item() == 0.8
    )
    cases = run("indicators", demo_package, "--typical-cases", "--year", "2018")
    assert "2018 年典型案例" in cases


def test_empty_answers_say_why(tmp_path: Path) -> None:
    """A table with no row says why, so that it never reads as "nothing to report"."""
    package = tmp_path / "firms-only"
    firms = [{"id": i, "name": i, "size": "large"} for i in "abc"]
    write_package(make_tables({"Enterprise": firms}), package, sources=[])
    result = CliRunner().invoke(main, ["indicators", str(package), "--by", "industry"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "政策指标（按行业），不限年份（图中没有年份）：没有行，图中没有企业有所属行业（IN_INDUSTRY）"
        "可分组；可改用 --by province\n"
    )
    args = ["indicators", str(package), "--by", "industry", "--lang", "en"]
    result = CliRunner().invoke(main, args)
    assert result.stderr == (
        "Policy indicators by industry, all years (the graph records none): no rows, no "
        "enterprise of the graph has an industry (IN_INDUSTRY) to group by; try --by province\n"
    )
    result = CliRunner().invoke(main, ["clusters", str(package)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "no clusters: the graph has no supply-chain cluster of 3 or more firms (clusters come "
        "from SUPPLIES links, or from products through PRODUCES / UPSTREAM_OF)"
    )
    result = CliRunner().invoke(main, ["clusters", str(package), "--members", "1"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no cluster 1: the graph has no supply-chain cluster")
    result = CliRunner().invoke(main, ["indicators", str(package), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "Policy indicators by province, all years (the graph records none): no indicator is "
        "measurable on this graph"
    )


def test_evaluate_partners_prints_auc_and_precision(demo_package: Path) -> None:
    out = run("evaluate", "partners", demo_package, "--kind", "enterprise-alliance", "-k", "5")
    assert "innokg" in out and "preferential_attachment" in out and "precision_at_5" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["clusters", "{pkg}", "--city", "巴黎"], "no city named '巴黎'"),
        (["clusters", "{pkg}", "--members", "x"], "--members takes a cluster id"),
        (["clusters", "{pkg}", "--members", "999"], "no cluster 999"),
        (["partners", "{pkg}", "--for", "nobody"], "nothing in this graph matches 'nobody'"),
        (["indicators", "{pkg}", "--typical-cases"], "--typical-cases needs --year"),
        (["gaps", "{pkg}", "--industry", "C99"], "no industry 'C99'"),
        (["clusters", "{pkg}", "--format", "xlsx"], "--format xlsx needs --out"),
        (["clusters", "/nonexistent/package"], "/nonexistent/package"),
    ],
)
def test_user_errors_are_one_clean_message(
    demo_package: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(main, [a.format(pkg=demo_package) for a in args])
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output


def test_command_choices_agree_with_the_query_modules() -> None:
    from innokg.queries.gaps import GAP_KINDS
    from innokg.queries.partners import KINDS

    assert tuple(GAP_KINDS) == questions.GAP_KINDS
    assert tuple(KINDS) == partners.PARTNER_KINDS


def test_every_question_and_command_is_documented() -> None:
    import innokg.queries.clusters
    import innokg.queries.evaluate
    import innokg.queries.gaps
    import innokg.queries.indicators
    import innokg.queries.partners

    text = (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
    text += (REPO / "docs" / "partners.md").read_text(encoding="utf-8")
    for module in (
        innokg.queries.clusters,
        innokg.queries.gaps,
        innokg.queries.partners,
        innokg.queries.indicators,
        innokg.queries.evaluate,
    ):
        for name in module.__all__:
            if callable(getattr(module, name)) and name[0].islower():
                assert f"`{name}" in text, f"{module.__name__}.{name} is not in the docs"
    for command in ("clusters", "gaps", "partners", "indicators", "evaluate partners"):
        assert re.search(rf"innokg {command}\b", text), command
