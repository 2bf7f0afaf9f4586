"""The benchmark judges each scale against its own column of the performance targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.steps import STEPS, TARGETS_1M, TARGETS_10M, targets


def test_each_scale_gets_its_own_column_of_targets() -> None:
    assert targets(100_000)[0] == {}  # no time target below 1M
    assert targets(1_000_000)[0]["supply-chain clusters"] == 15
    assert targets(10_000_000)[0]["supply-chain clusters"] == 180
    assert targets(10_000_000)[1]["partners: top-20 for large + medium firms"] == 16384
    assert targets(1_000_000)[1]["partners: top-20 for large + medium firms"] == 4096


def test_every_target_names_a_step_the_benchmark_has() -> None:
    assert set(TARGETS_1M) <= set(STEPS)
    assert set(TARGETS_10M) <= set(STEPS)
    assert set(TARGETS_10M) <= set(TARGETS_1M)


def test_a_comparison_run_within_a_budget_gives_its_result_or_stops() -> None:
    """networkx's own constraint runs for hours at 100k: it is run in a child process
    and stopped at its budget, leaving nothing running."""
    import multiprocessing
    import time

    from benchmarks.steps import _within

    seconds, result = _within(30, lambda: sum(range(10)))
    assert result == 45 and 0 <= seconds < 30
    start = time.perf_counter()
    assert _within(0.5, lambda: time.sleep(30)) is None
    assert time.perf_counter() - start < 10
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("budget", [600, 0])
def test_constraint_against_networkx_is_checked_whole_or_on_a_sample(
    demo_package: Path, monkeypatch: pytest.MonkeyPatch, budget: int
) -> None:
    """Finished, networkx's constraint is compared for every organisation; stopped at
    its budget, the ratio is the budget's (a lower bound) and the values are compared
    on organisations drawn at random.  Ours equals networkx's either way."""
    from benchmarks import steps

    monkeypatch.setattr(steps, "NETWORKX_BUDGET_S", budget)
    monkeypatch.setattr(steps, "CHECKED_NODES", 25)
    out = steps.constraint_vs_networkx(demo_package, 2000)
    assert float(out["max difference"]) < 1e-12
    if budget:
        assert "networkx stopped" not in out and out["networkx s"] > 0
    else:
        assert out["networkx stopped"] and out["checked"] == 25
        assert out["networkx s"] == 0 and out["ratio"] == 0


def test_with_kept_results_the_networkx_comparisons_still_compute(tmp_path: Path) -> None:
    """``--kept`` times the steps as commands after a build run them, reading what was
    kept; a comparison with networkx must time our computation instead, so it runs
    with keeping off and its row does not say kept."""
    import json
    import subprocess
    import sys

    out = tmp_path / "rows.json"
    steps = "collaboration gaps,constraint vs networkx"
    command = ["-m", "benchmarks", "--scale", "2000", "--repeat", "1", "--kept", "--steps", steps]
    subprocess.run(
        [sys.executable, *command, "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    rows = {row["step"]: row for row in report["rows"]}
    assert rows["collaboration gaps"]["kept"] is True
    assert "kept" not in rows["constraint vs networkx"]
    assert float(rows["constraint vs networkx"]["runs"][0]["max difference"]) < 1e-12
    # the machine's speed, gauged before the run, before the scale's steps and after
    gauged = report["gauges"]
    assert [g["when"] for g in gauged] == [
        "before the run",
        "before the steps at 2,000",
        "after the run",
    ]
    assert all(g["python_loop_s"] > 0 and g["numpy_sort_s"] > 0 for g in gauged)


def test_every_run_of_a_step_starts_from_what_the_first_found(
    demo_package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step that keeps what it computes (the clusters of a package too large to
    prepare when built) would read its own result from its second run on; the
    benchmark removes what the step kept, and only that, before each later run."""
    import shutil

    from benchmarks.__main__ import _forget_kept, _kept_files

    package = tmp_path / "pkg"
    shutil.copytree(demo_package, package)
    for f in (package / "kept").glob("*"):
        if f.name.startswith(("clusters-", "profiles-")):
            f.unlink()
    before = _kept_files(package)
    assert before and not any(f.name.startswith("clusters-") for f in before)
    monkeypatch.setenv("INNOKG_KEEP", "1")
    assert STEPS["supply-chain clusters"](package, 2000)["clusters"] > 0
    added = _kept_files(package) - before
    assert {f.name.split("-")[0] for f in added} == {"clusters", "profiles"}
    _forget_kept(package, before)
    assert _kept_files(package) == before


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads Linux's /proc")
def test_the_peak_counts_a_program_started_beside_the_step_once() -> None:
    """A program the step starts (Leiden apart) adds its memory; a forked copy, which
    shares the step's pages, does not."""
    import multiprocessing
    import os
    import subprocess
    import sys
    import time

    from benchmarks.run_step import _tree_rss_mb

    held = bytearray(b"\x01" * (200 * 2**20))  # pages a forked copy maps as its own
    alone = _tree_rss_mb(os.getpid())
    copy = multiprocessing.get_context("fork").Process(target=time.sleep, args=(5,))
    copy.start()
    time.sleep(0.3)
    with_copy = _tree_rss_mb(os.getpid())
    copy.terminate()
    copy.join()
    code = 'import sys; b = b"\\x01" * (300 * 2**20); print(1, flush=True); sys.stdin.read()'
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert child.stdout is not None and child.stdin is not None
    child.stdout.readline()  # its 300 MB are resident
    with_child = _tree_rss_mb(os.getpid())
    child.stdin.close()
    child.wait()
    child.stdout.close()
    assert with_copy < alone + 100
    assert with_child > alone + 290
    del held
