"""The benchmark judges each scale against its own column of the performance targets."""

from __future__ import annotations

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
