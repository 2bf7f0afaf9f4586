"""Benchmark innokg on demo graphs of several scales and print one table.

    python -m benchmarks --scale 1e4,1e5,1e6 [--repeat 3] [--steps NAME,...]

For each scale it builds one demo package, then runs each step ``--repeat`` times, each
in a fresh process and from the package as the step's first run found it (what a run
kept is removed before the next), and reports the median wall time and the largest peak RSS.  The
table is printed and written as JSON (``benchmarks/results/latest.json`` by default).
Each step runs cold by default: on a package built ``--no-prepare``, with keeping off
(``INNOKG_KEEP=0``), each step computes the clusters and Burt's constraint itself.  With
``--kept`` the package is built as ``innokg demo`` leaves it, prepared for the first
questions (:mod:`innokg.prepare`; the build step's time includes it), and the steps read
what was kept and keep what they compute, as every command after a build does; the rows
say ``(kept)``.  The comparisons with networkx run with keeping off either way, so they
time our computation.
Beside the steps it times a fixed workload (:mod:`benchmarks.gauge`) before the run,
before each scale's steps and after the run, so that two runs' figures can be told
apart from the machine's own speed that day.
Where a step has a target at 1,000,000 nodes, the table says whether it was met; the steps
that do not depend on the demo (address resolution, the real Henan build) run once, at
the first scale, against their own targets.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.gauge import describe, gauge
from benchmarks.steps import (
    NETWORKX_MAX_SCALE,
    STEPS,
    TARGETS_FIXED,
    targets,
)
from innokg.graph.mapped import KEPT_DIR


def _scales(text: str) -> list[int]:
    return [int(float(s)) for s in text.split(",") if s.strip()]


def _run(
    step: str, package: Path, scale: int, timeout: float, kept: bool = False
) -> dict[str, Any]:
    env = {**os.environ, "INNOKG_KEEP": "1" if kept else "0"}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.run_step", step, str(package), str(scale)],
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish in {timeout:g} s"}
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _kept_files(package: Path) -> set[Path]:
    """What is kept beside the package's tables now (the folder's top level)."""
    folder = package / KEPT_DIR
    return set(folder.iterdir()) if folder.is_dir() else set()


def _forget_kept(package: Path, before: set[Path]) -> None:
    """Remove what was kept since ``before``: a step that keeps what it computes (the
    clusters of a package too large to prepare at build time, say) would otherwise time
    a read of its own result from the second run on, not the computation the first
    command after a build makes."""
    for path in _kept_files(package) - before:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _build(package: Path, scale: int, prepare: bool) -> float | None:
    """Build the demo package in a process of its own, so that the memory the build
    takes (15 GB at ten million nodes) is given back before the steps run; returns the
    seconds spent preparing it for the first questions (None: not prepared, as with
    ``prepare`` false, or above the size ``innokg demo`` prepares by default)."""
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "innokg", "demo", "--scale", str(scale)),
            *("--out", str(package), "--json"),
            *(() if prepare else ("--no-prepare",)),  # prepared as innokg demo decides
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "INNOKG_KEEP": "1" if prepare else "0"},
    )
    if proc.returncode != 0:
        raise SystemExit(f"building the {scale:,}-node demo failed:\n{proc.stderr.strip()}")
    seconds: float | None = json.loads(proc.stdout)["timings"].get("prepare the first questions")
    return seconds


def _machine() -> dict[str, Any]:
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1024 / 1024:.0f} GB"
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "memory": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _gauged(when: str) -> dict[str, Any]:
    """The machine's speed now (:mod:`benchmarks.gauge`), also said on stderr."""
    g = gauge(when)
    print(f"  machine {describe(g)}", file=sys.stderr, flush=True)
    return g


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scale", type=_scales, default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--steps", type=lambda s: s.split(","), default=list(STEPS))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/latest.json"))
    parser.add_argument(
        "--timeout", type=float, default=900, help="Seconds a step may run (default 900)."
    )
    parser.add_argument(
        "--kept",
        action="store_true",
        help="Build the package prepared for the first questions, as innokg demo does, and "
        "keep results, as every command after a build does (default: --no-prepare and "
        "INNOKG_KEEP=0, so every step computes the clusters and Burt's constraint).",
    )
    args = parser.parse_args()
    unknown = [s for s in args.steps if s not in STEPS]
    if unknown:
        parser.error(f"unknown step(s) {unknown}; known: {', '.join(STEPS)}")

    rows: list[dict[str, Any]] = []
    gauges = [_gauged("before the run")]
    work = Path(tempfile.mkdtemp(prefix="innokg-bench-"))
    try:
        for scale in args.scale:
            package = work / f"demo-{scale}"
            print(f"building the {scale:,}-node demo ...", file=sys.stderr, flush=True)
            prepared = _build(package, scale, prepare=args.kept)
            if prepared is not None:
                print(f"  prepared in {prepared:.1f} s", file=sys.stderr, flush=True)
            gauges.append(_gauged(f"before the steps at {scale:,}"))
            for step in args.steps:
                if "networkx" in step and scale > NETWORKX_MAX_SCALE:
                    continue  # plain networkx takes too long here (see docs/performance.md)
                if step in TARGETS_FIXED and scale != args.scale[0]:
                    continue  # independent of the demo's scale: timed once
                # a comparison with networkx times our computation, never a read of
                # what an earlier step kept (Burt's constraint would be read in 0.06 s)
                kept = args.kept and "networkx" not in step
                before = _kept_files(package)
                runs = []
                for i in range(args.repeat):
                    if i:  # each run starts from the package as the first found it
                        _forget_kept(package, before)
                    runs.append(_run(step, package, scale, args.timeout, kept))
                ok = [r for r in runs if "error" not in r]
                row: dict[str, Any] = {"step": step, "scale": scale, "runs": runs}
                if kept:
                    row["kept"] = True
                if ok:
                    row["median_s"] = statistics.median(r["seconds"] for r in ok)
                    row["peak_rss_mb"] = max(r["peak_rss_mb"] for r in ok)
                    seconds, memory = targets(scale)
                    target = seconds.get(step)
                    if target is not None:
                        row["target_s"] = target
                        row["met"] = row["median_s"] <= target
                    if step in TARGETS_FIXED:
                        row["target_s"] = TARGETS_FIXED[step]
                        row["met"] = row["median_s"] <= TARGETS_FIXED[step]
                    if step in memory:
                        row["target_mb"] = memory[step]
                        fits = row["peak_rss_mb"] <= memory[step]
                        row["met"] = row.get("met", True) and fits
                else:
                    row["error"] = runs[0]["error"]
                rows.append(row)
                print(
                    f"  {step}: {row.get('median_s', row.get('error'))}",
                    file=sys.stderr,
                    flush=True,
                )
            shutil.rmtree(package, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    gauges.append(_gauged("after the run"))

    report = {
        "machine": _machine(),
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "command": " ".join(["python -m benchmarks", *sys.argv[1:]]),
        "gauges": gauges,
        "rows": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(render(report))
    return 0


def render(report: dict[str, Any]) -> str:
    """The report as a Markdown table."""
    lines = [
        "| step | scale | median | peak RSS | target | met | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report["rows"]:
        if "error" in r:
            lines.append(f"| {r['step']} | {r['scale']:,} | failed | | | | {r['error']} |")
            continue
        notes = ", ".join(
            f"{k} {v}" for k, v in r["runs"][0].items() if k not in ("seconds", "peak_rss_mb")
        )
        target = f"{r['target_s']:g} s" if "target_s" in r else ""
        if "target_mb" in r:
            target += f", {r['target_mb']:,.0f} MB"
        met = {True: "yes", False: "**no**"}.get(r.get("met"), "")  # type: ignore[arg-type]
        step = f"{r['step']} (kept)" if r.get("kept") else r["step"]
        lines.append(
            f"| {step} | {r['scale']:,} | {r['median_s']:.3f} s | "
            f"{r['peak_rss_mb']:,.0f} MB | {target} | {met} | {notes} |"
        )
    if report.get("gauges"):
        lines.append("")
        lines.append(
            "The machine's speed (benchmarks/gauge.py; best of five, lower is faster): "
            + "; ".join(describe(g) for g in report["gauges"])
            + "."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
