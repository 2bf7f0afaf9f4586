"""The result tables of the docs are rendered from committed result files, never typed.

docs/results/render.py renders each generated block of docs/queries.md and
docs/performance.md from a JSON file of docs/results/; these tests fail when a block
differs from what its file renders, when a file or block is orphaned, and when a file
does not say when and where its figures were measured.
"""

from __future__ import annotations

import importlib.util
import json
import re
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import REPO

RESULTS = REPO / "docs" / "results"


def _render_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_results_render", RESULTS / "render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = _render_module()


@pytest.mark.parametrize("doc", render.DOCS)
def test_generated_tables_match_their_result_files(doc: str) -> None:
    text = (REPO / doc).read_text(encoding="utf-8")
    assert text == render.render_doc(text), (
        f"{doc} differs from docs/results/: edit the JSON (or rerun its command), never the "
        "table, then run `python docs/results/render.py`"
    )


def _blocks(doc: str) -> list[str]:
    text = (REPO / doc).read_text(encoding="utf-8")
    return re.findall(r"<!-- BEGIN generated: ([\w-]+) ", text)


def test_every_block_is_used_and_every_result_file_is_shown() -> None:
    used = [name for doc in render.DOCS for name in _blocks(doc)]
    assert sorted(used) == sorted(render.BLOCKS), "a block is missing from the docs or unknown"
    files = {file for file, _ in render.BLOCKS.values()} | set(render.SHOWN_WITH)
    assert set(render.SHOWN_WITH.values()) <= set(render.BLOCKS)
    assert files == {p.name for p in RESULTS.glob("*.json")}


def test_a_hand_edit_inside_a_block_is_caught() -> None:
    text = (REPO / "docs" / "performance.md").read_text(encoding="utf-8")
    edited = text.replace("| 36.9 s |", "| 19.9 s |", 1)
    assert edited != text
    assert render.render_doc(edited) == text  # rendering puts the measured figure back


def test_a_block_without_its_end_is_an_error() -> None:
    broken = (
        "<!-- BEGIN generated: query-commands (python docs/results/render.py; do not edit) -->\n"
    )
    with pytest.raises(ValueError, match="every BEGIN needs its END"):
        render.render_doc(broken)


def test_an_unknown_block_is_named() -> None:
    text = (
        "<!-- BEGIN generated: nothing-here (python docs/results/render.py; do not edit) -->\n"
        "<!-- END generated: nothing-here -->"
    )
    with pytest.raises(KeyError, match="nothing-here"):
        render.render_doc(text)


@pytest.mark.parametrize(
    "name",
    ["performance_scales.json", "performance_real.json", "performance_earlier.json",
     "query_times.json", "performance_clusters_rework.json", "performance_10m.json",
     "performance_final_check.json", "performance_cold.json", "performance_kept.json",
     "performance_round.json", "performance_round_cad9314.json",
     "performance_round_b745827.json", "performance_paired.json"],
)  # fmt: skip
def test_timings_say_when_and_where_they_were_measured(name: str) -> None:
    data = json.loads((RESULTS / name).read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", data["when"])
    assert data.get("machine") or data.get("conditions")
    if "rows" in data and "command" in data:  # a benchmark report: the command behind it
        assert data["command"].startswith("python -m benchmarks")


def test_transcribed_figures_are_the_ones_the_docs_stated() -> None:
    # the figures the pages gave before they were generated (a few from every table)
    performance = (REPO / "docs" / "performance.md").read_text(encoding="utf-8")
    for cell in (
        "| load the embedded database | 1.5 s | 4.2 s | 36.9 s | 2.4 GB | 20 s | **no** (1.8×) |",
        "300 s (6,917,303 rows for 86,906 firms) | 8.7 GB | 30 s, 4 GB | **no** (10×) |",
        "| Cypher 2-hop, p50 / p95 | 0.71 / 1.18 ms | 1.33 / 1.71 ms | 0.71 / 1.07 ms |",
        "| `innokg demo --scale N`, end to end | 4.0 s | 7.6 s | 60.7 s | 3.0 GB",
        "950× faster (0.096 s vs 91.4 s); largest difference 5.6e-17",
        "| address resolution (50k) | 0.986 s | 176 MB | 2 s | yes |",
        "| 1,000,000 | 1,023,343 | 4,871,704 | 100.8 s",
    ):
        assert cell in performance, cell
    queries = (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
    for cell in (
        "| `innokg evaluate partners PKG` (five kinds) | 20.6 / 6.7 | 130.4 / 112.9 |",
        "| `cluster_support_gaps`, `target_gaps`, `single_source_gaps` | 0.17, 0.26, 0.06 "
        "| 0.50, 0.41, 0.51 |",
        "| `evaluate_partners` (five kinds) | 0.80 | 104.4 |",
    ):
        assert cell in queries, cell


def _fresh_report() -> dict[str, Any]:
    """A report as `python -m benchmarks --out FILE` writes it (benchmarks/__main__.py)."""
    return {
        "machine": {"cpus": 4, "memory": "16 GB", "python": "3.12.1", "platform": "Linux-6.1"},
        "when": "2027-01-05 09:30",
        "command": "python -m benchmarks --scale 1e4,1e6",
        "rows": [
            {
                "step": "supply-chain clusters",
                "scale": 10_000,
                "runs": [{"seconds": 0.2512, "clusters": 40, "peak_rss_mb": 310.2}],
                "median_s": 0.2512,
                "peak_rss_mb": 310.2,
            },
            {
                "step": "supply-chain clusters",
                "scale": 1_000_000,
                "runs": [{"seconds": 12.345, "clusters": 900, "peak_rss_mb": 2100.0}],
                "median_s": 12.345,
                "peak_rss_mb": 2100.0,
                "target_s": 15,
                "met": True,
            },
            {
                "step": "load the embedded database",
                "scale": 1_000_000,
                "runs": [{"error": "did not finish in 900 s"}],
                "error": "did not finish in 900 s",
            },
            {
                "step": "a step added later",
                "scale": 10_000,
                "runs": [{"seconds": 3.0, "peak_rss_mb": 99.0}],
                "median_s": 3.0,
                "peak_rss_mb": 99.0,
            },
        ],
    }


def test_a_fresh_benchmark_report_renders() -> None:
    text = render.performance_scales(_fresh_report())
    assert "Machine: 4 cores, 16 GB, Python 3.12.1, Linux. Measured on 2027-01-05" in text
    assert "| step | 10k | 1M | peak RSS at 1M | target at 1M | met |" in text
    assert "| supply-chain clusters | 0.251 s | 12.3 s | 2.1 GB | 15 s | yes |" in text
    assert "| load the embedded database |  | failed: did not finish in 900 s |" in text
    assert "| a step added later | 3.0 s |  |" in text  # a new step keeps its own name
    assert "speed" not in text  # a report from before the gauges


def test_the_machine_s_speed_beside_a_run_is_said_under_its_table() -> None:
    report = _fresh_report()
    report["gauges"] = [
        {
            "when": "before the run",
            "at": "09:30:01",
            "load_average": 0.4,
            "python_loop_s": 0.161,
            "numpy_sort_s": 0.383,
        },
        {
            "when": "after the run",
            "at": "10:02:11",
            "load_average": 1.9,
            "python_loop_s": 0.2,
            "numpy_sort_s": 0.5,
        },
    ]
    text = render.performance_scales(report)
    assert text.rstrip().endswith(
        "lower is faster): before the run (09:30:01) 0.161 s and 0.383 s, load average 0.4; "
        "after the run (10:02:11) 0.200 s and 0.500 s, load average 1.9."
    )


def test_a_comparison_stopped_at_its_budget_reads_as_a_lower_bound() -> None:
    row = {
        "step": "constraint vs networkx",
        "scale": 100_000,
        "median_s": 0.75,
        "runs": [
            {
                "networkx s": 600.0,
                "ratio": 800.0,
                "max difference": "5.6e-17",
                "networkx stopped": True,
                "checked": 200,
            }
        ],
    }
    assert render._networkx_cell(row) == (
        "over 800× faster (0.75 s; networkx stopped unfinished after 600 s); "
        "largest difference 5.6e-17 on 200 organisations drawn at random"
    )
