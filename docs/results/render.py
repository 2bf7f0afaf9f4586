"""Render the result tables of the docs from the committed result files beside this one.

    python docs/results/render.py           # rewrite the generated blocks of the docs
    python docs/results/render.py --check   # exit 1 and name the docs that differ

A generated block sits between two comments in a doc::

    <!-- BEGIN generated: NAME (python docs/results/render.py; do not edit) -->
    ...
    <!-- END generated: NAME -->

NAME is one of :data:`BLOCKS`; each reads one JSON file of this folder, written by the
command that measured it (``python -m benchmarks --out ...``, ``innokg evaluate clusters
... --format json --out ...``) or, for figures measured before those commands wrote
files, transcribed from the doc as it stood, with the date and machine they came from.
Nothing between the comments is typed by hand: change the JSON (by rerunning its
command) and render.  tests/test_docs_generated.py fails when a block differs from what
its file renders.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent
REPO = RESULTS.parents[1]

#: The docs holding generated blocks.
DOCS = ("docs/queries.md", "docs/performance.md", "docs/explorer.md", "docs/scaling.md")

_BLOCK = re.compile(
    r"(<!-- BEGIN generated: (?P<name>[\w-]+) \(python docs/results/render\.py; do not "
    r"edit\) -->\n)(?P<body>.*?)(<!-- END generated: (?P=name) -->)",
    re.S,
)


def load(name: str) -> dict[str, Any]:
    """One result file of this folder, as a dictionary."""
    data: dict[str, Any] = json.loads((RESULTS / name).read_text(encoding="utf-8"))
    return data


# --- formatting ----------------------------------------------------------------------


def seconds(x: float) -> str:
    """Three significant figures; below 10 s at least one decimal (4.0 s, 0.24 s)."""
    text = f"{x:.3g}"
    if "e" in text:  # a thousand seconds or more: whole seconds
        text = f"{x:.0f}" if x >= 1000 else f"{x:.3f}"
    if "." not in text and x < 10:
        text += ".0"
    return f"{text} s"


def memory(mb: float) -> str:
    """Peak RSS (MiB, as the benchmark measures it): GB to one decimal from 1,024 MB."""
    return f"{mb / 1024:.1f} GB" if mb >= 1024 else f"{mb:,.0f} MB"


def _scale(n: int) -> str:
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if n >= size and n % size == 0:
            return f"{n // size}{suffix}"
    return f"{n:,}"


def _machine(report: dict[str, Any]) -> str:
    m = report.get("machine", {})
    parts = [f"{m['cpus']} cores" if m.get("cpus") else ""]
    parts += [str(m[k]) for k in ("memory",) if m.get(k)]
    parts += [f"Python {m['python']}" if m.get("python") else ""]
    parts += [str(m["platform"]).split("-")[0] if m.get("platform") else ""]
    return ", ".join(p for p in parts if p)


def _provenance(report: dict[str, Any], what: str) -> str:
    when = str(report.get("when", "")).split(" ")[0]
    line = f"Machine: {_machine(report)}. {what} on {when}"
    if report.get("conditions"):
        line += f" {report['conditions']}"
    line += ", with:\n\n```bash\n" + str(report.get("command", "")) + "\n```\n"
    if report.get("transcribed"):
        line += f"\n{report['transcribed']}\n"
    return line


# --- performance.md ------------------------------------------------------------------

#: How the benchmark's steps read in the tables (others keep their own names).
STEP_LABELS = {
    "generate + build the package": "generate + build the package (tables)",
    "reopen a package": "reopen a package (checksums verified)",
    "collaboration gaps": "collaboration gaps, all kinds with Burt's constraint",
    "partners: top-20 for large + medium firms": (
        "partners: top 20 of every kind for every large and medium enterprise"
    ),
    "indicators by city and year": "indicators by city and by year",
    "largest viz page": "largest viz page (aggregated)",
    "RDF export (Turtle)": "RDF export, Turtle",
    "innokg demo (end to end)": "`innokg demo --scale N`, end to end",
}

#: Memory targets beside the time targets of benchmarks/steps.py (the issue's).
MEMORY_TARGETS = {
    "generate + build the package": "6 GB",
    "validate + build 100k registration rows (1% bad)": "2 GB",
    "partners: top-20 for large + medium firms": "4 GB",
}

#: The comparisons with plain networkx: how they read and the issue's targets at 100k.
NETWORKX = {
    "clusters vs networkx Louvain": (
        "clusters: Leiden (igraph) vs `louvain_communities`, SUPPLIES",
        "≥ 15×, modularity within 1%",
    ),
    "constraint vs networkx": (
        "Burt's constraint: igraph vs `nx.constraint`, organisations",
        "≥ 4×",
    ),
    "Adamic-Adar vs networkx": (
        "Adamic–Adar of every candidate partner of the large and medium firms (each firm "
        "two steps away, not yet linked): one sparse product vs `adamic_adar_index`",
        "≥ 50×, identical scores",
    ),
}

#: Steps timed once against targets of their own (benchmarks/steps.py: TARGETS_FIXED).
FIXED = (
    "address resolution (50k)",
    "innokg henan (real data)",
    "validate + build 100k registration rows (1% bad)",
)

_CYPHER = "Cypher point / 2-hop (p95)"


def _rows(report: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(r["step"], int(r["scale"])): r for r in report["rows"]}


def _extra(row: dict[str, Any]) -> dict[str, Any]:
    runs = row.get("runs") or [{}]
    return dict(runs[0])


def _time_cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return ""
    if "median_s" not in row:
        return f"failed: {row.get('error', '')}"
    x = _extra(row)
    text = seconds(row["median_s"])
    extra = []
    if "pairs" in x:
        extra.append(
            f"{x['pairs']:,} rows" + (f" for {x['firms']:,} firms" if "firms" in x else "")
        )
    if "MB" in x:
        mb = float(x["MB"])
        extra.append(f"{mb / 1000:.1f} GB" if mb >= 1000 else f"{mb:,.0f} MB")
    if row.get("note"):
        extra.append(row["note"])
    return text + (f" ({'; '.join(extra)})" if extra else "")


def _met(row: dict[str, Any] | None) -> str:
    if row is None or "met" not in row:
        return ""
    if row["met"]:
        return "yes"
    ratios = sorted({row["median_s"] / row["target_s"], *[
        s / row["target_s"] for s in row.get("also_s", [])
    ]})  # fmt: skip
    # Two figures hide a near miss ("1×" for 20.1 s of 20 s); give it three decimals.
    spread = " to ".join(f"{r:.3f}×" if r < 1.1 else f"{r:.2g}×" for r in ratios)
    return f"**no** ({spread})"


def _target(row: dict[str, Any] | None, step: str) -> str:
    if row is None or "target_s" not in row:
        return ""
    t = float(row["target_s"])
    text = f"{t * 1000:g} ms" if t < 1 else f"{t:g} s"
    if int(row.get("scale", 0)) >= 10_000_000:  # the 10M column's own memory targets
        memory = [f"{row['target_mb'] / 1024:g} GB"] if "target_mb" in row else []
    else:
        memory = [MEMORY_TARGETS[step]] if step in MEMORY_TARGETS else []
    return ", ".join([text, *memory])


def performance_scales(report: dict[str, Any]) -> str:
    """The steps at every scale, with peak RSS and the targets at the largest."""
    rows = _rows(report)
    scales = sorted({s for _, s in rows})
    top = scales[-1]
    steps = [
        s
        for s in dict.fromkeys(r["step"] for r in report["rows"])
        if s not in NETWORKX and s not in FIXED
    ]
    build = [rows.get(("generate + build the package", s)) for s in scales]
    sizes = [
        f"{_extra(r)['nodes']:,} / {_extra(r)['edges']:,}"
        for r in build
        if r is not None and "nodes" in _extra(r)
    ]
    lines = [
        _provenance(report, "Measured"),
        "Demo graphs (nodes / edges): " + "; ".join(sizes) + ".  Peak RSS is the step's "
        "own process (or, for `innokg demo`, the command's).\n",
        "| step | "
        + " | ".join(_scale(s) for s in scales)
        + f" | peak RSS at {_scale(top)} | target at {_scale(top)} | met |",
        "|---|" + "---|" * (len(scales) + 3),
    ]
    for step in steps:
        last = rows.get((step, top))
        if step == _CYPHER:
            for kind, name in (("point", "Cypher point lookup"), ("2-hop", "Cypher 2-hop")):
                cells = []
                for s in scales:
                    r = rows.get((step, s))
                    x = _median_run(r) if r else {}  # the run whose time is the median
                    p50, p95 = x.get(f"{kind} p50 ms"), x.get(f"{kind} p95 ms")
                    cells.append(f"{p50:g} / {p95:g} ms" if p50 is not None else "")
                rss = memory(last["peak_rss_mb"]) if kind == "point" and last else ""
                lines.append(
                    f"| {name}, p50 / p95 | {' | '.join(cells)} | {rss} "
                    f"| {_target(last, step)} | {_met(last)} |"
                )
            continue
        cells = [_time_cell(rows.get((step, s))) for s in scales]
        rss = memory(last["peak_rss_mb"]) if last and "peak_rss_mb" in last else ""
        if last and last.get("rss_note"):
            rss += f" ({last['rss_note']})"
        lines.append(
            f"| {STEP_LABELS.get(step, step)} | {' | '.join(cells)} | {rss} "
            f"| {_target(last, step)} | {_met(last)} |"
        )
    if report.get("gauges"):
        lines.append("\n" + gauges(report["gauges"]))
    return "\n".join(lines) + "\n"


def gauges(measured: list[dict[str, Any]]) -> str:
    """The machine's speed beside a run (benchmarks/gauge.py), as one sentence."""
    return (
        "The machine's speed beside the run (`benchmarks/gauge.py`, the best of five "
        "of a fixed Python loop and NumPy sort; lower is faster): "
        + "; ".join(
            f"{g['when']} ({g['at']}) {g['python_loop_s']:.3f} s and {g['numpy_sort_s']:.3f} s, "
            f"load average {g['load_average']}"
            for g in measured
        )
        + "."
    )


def _median_run(row: dict[str, Any]) -> dict[str, Any]:
    """The run whose time is the row's median (the first run when none is)."""
    for run in row.get("runs") or []:
        if run.get("seconds") == row.get("median_s"):
            return dict(run)
    return _extra(row)


def _networkx_cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return ""
    x = _median_run(row)  # its ratio is the one its times make
    if "error" in row:
        text = str(row["error"])
        if "median_s" in row:
            text += f"; ours {seconds(row['median_s'])}"
        return text
    if x.get("networkx stopped"):  # networkx stopped at its budget: a lower bound
        text = f"over {x['ratio']:g}× faster"
        if "median_s" in row:
            text += (
                f" ({seconds(row['median_s'])[:-2]} s; networkx stopped unfinished"
                f" after {x['networkx s']:.3g} s)"
            )
    else:
        text = f"{x['ratio']:g}× faster"
        if "networkx s" in x and "median_s" in row:
            text += f" ({seconds(row['median_s'])[:-2]} s vs {x['networkx s']:.3g} s)"
    if "modularity" in x:
        text += f"; modularity {x['modularity']:.3f} vs {x['networkx modularity']:.3f}"
    if "max difference" in x:
        text += f"; largest difference {x['max difference']}"
        if "checked" in x:
            text += f" on {x['checked']} organisations drawn at random"
    if "pairs" in x:
        same = "identical scores" if x.get("identical scores") else "scores differ"
        text += f"; {x['pairs']:,} pairs, {same}"
    runs = [r for r in row.get("runs") or [] if "ratio" in r]
    if len(runs) > 1 and not row.get("note"):  # every run's, where the row has several
        text += (
            "; run by run: "
            + ", ".join(f"{r['ratio']:g}×" for r in runs)
            + "; ours "
            + ", ".join(f"{r['seconds']:.3g}" for r in runs)
            + " s, networkx "
            + ", ".join(f"{r['networkx s']:.4g}" for r in runs)
            + " s"
        )
    if row.get("note"):
        text += f"; {row['note']}"
    return text


def performance_networkx(report: dict[str, Any]) -> str:
    """Our steps against plain networkx on the same graph."""
    rows = _rows(report)
    scales = sorted({s for step, s in rows if step in NETWORKX})
    lines = [
        "| job | " + " | ".join(_scale(s) for s in scales) + " | issue's target at 100k |",
        "|---|" + "---|" * (len(scales) + 1),
    ]
    for step, (label, target) in NETWORKX.items():
        cells = [_networkx_cell(rows.get((step, s))) for s in scales]
        lines.append(f"| {label} | {' | '.join(cells)} | {target} |")
    return "\n".join(lines) + "\n"


def performance_real(report: dict[str, Any]) -> str:
    """The steps that do not depend on the demo's scale, against their own targets."""
    rows = {r["step"]: r for r in report["rows"] if r["step"] in FIXED}
    repeat = report.get("repeat") or max((len(r.get("runs", [])) for r in rows.values()), default=1)
    lines = [
        f"| step | median of {repeat} | peak RSS | target | met | notes |",
        "|---|---|---|---|---|---|",
    ]
    for step in FIXED:
        r = rows.get(step)
        if r is None:
            continue
        x = _extra(r)
        notes = []
        if "addresses" in x:
            notes.append(f"{x['addresses']:,} addresses, {x['resolved']:.1%} resolved")
        if "nodes" in x:
            notes.append(f"{x['nodes']:,} nodes, {x['edges']:,} edges")
        if "skipped" in x:
            notes.append(str(x["skipped"]))
        note = ", ".join(notes) + (f" ({r['note']})" if r.get("note") else "")
        time = f"{r['median_s']:.3g} s" if "median_s" in r else "failed"
        rss = memory(r["peak_rss_mb"]) if "peak_rss_mb" in r else ""
        lines.append(f"| {step} | {time} | {rss} | {_target(r, step)} | {_met(r)} | {note} |")
    when = str(report.get("when", "")).split(" ")[0]
    lines.append(
        f"\nMeasured on {when} on {_machine(report)}"
        + (f" {report['conditions']}" if report.get("conditions") else "")
        + f", with `{report.get('command', '')}`."
    )
    return "\n".join(lines) + "\n"


def performance_latest(report: dict[str, Any]) -> str:
    """Steps measured again after a change, each at its scale, against its target."""
    lines = [
        f"| step | scale | median of {report.get('repeat', 1)} | peak RSS | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for r in report["rows"]:
        time = seconds(r["median_s"]) if "median_s" in r else "failed"
        runs = [x["seconds"] for x in r.get("runs", []) if "seconds" in x]
        if len(runs) > 1:  # the range; a row with more runs than the report's repeat says so
            more = "" if len(runs) == report.get("repeat", 1) else f"{len(runs)} runs, "
            time += f" ({more}{seconds(min(runs))} to {seconds(max(runs))})"
        rss = memory(r["peak_rss_mb"]) if "peak_rss_mb" in r else ""
        lines.append(
            f"| {_step_name(r)} | {'—' if r['step'] in FIXED else _scale(int(r['scale']))} "
            f"| {time} | {rss} "
            f"| {_target(r, r['step'])} | {_met(r)} |"
        )
    when = str(report.get("when", "")).split(" ")[0]
    lines.append(
        f"\nMachine: {_machine(report)}. Measured on {when} {report.get('conditions', '')}, "
        f"with:\n\n```bash\n{report.get('command', '')}\n```"
    )
    return "\n".join(lines) + "\n"


def _step_name(row: dict[str, Any]) -> str:
    """The step, marked ``(kept)`` when its run read the kept clusters and edge ends."""
    return f"{row['step']} (kept)" if row.get("kept") else str(row["step"])


def _runs_cell(row: dict[str, Any] | None) -> str:
    if row is None or "median_s" not in row:
        return "failed" if row is not None else ""
    runs = [x["seconds"] for x in row.get("runs", []) if "seconds" in x]
    text = seconds(row["median_s"])
    if len(runs) > 1:
        text += f" ({seconds(min(runs))} to {seconds(max(runs))})"
    return text


def _measured(
    cold: dict[str, Any], kept: dict[str, Any], names: tuple[str, str] = ("Cold", "Kept")
) -> list[str]:
    """When, where and with which command the cold and the kept runs were measured."""
    lines = []
    for report, what in zip((cold, kept), names, strict=True):
        when = str(report.get("when", "")).split(" ")[0]
        command = f"```bash\n{report.get('command', '')}\n```"
        lines.append(
            f"\n{what}: measured on {when} on {_machine(report)} "
            f"{report.get('conditions', '')}, with:\n\n{command}"
        )
    return lines


def _cypher_cell(row: dict[str, Any] | None) -> str:
    """The point look-up's and the 2-hop query's p95, of the run whose time is the
    median (as the scales table gives them)."""
    if row is None or "median_s" not in row:
        return ""
    x = _median_run(row)
    return f"{x.get('point p95 ms', 0):g} / {x.get('2-hop p95 ms', 0):g} ms"


def cold_and_kept(
    cold_file: str,
    headings: tuple[str, str] = ("first command (cold)", "later commands (kept)"),
    names: tuple[str, str] = ("Cold", "Kept"),
) -> Callable[[dict[str, Any]], str]:
    """A renderer of every step twice: cold (``cold_file``: nothing kept) and kept (the
    block's own report, from ``--kept``), each with its peak RSS, against the targets;
    ``headings`` name the two columns, ``names`` the two runs below the table."""

    def render(report: dict[str, Any]) -> str:
        cold_report = load(cold_file)
        cold = _rows(cold_report)
        lines = [
            f"| step | {headings[0]} | peak RSS | {headings[1]} | peak RSS "
            f"| target | met: {names[0].lower()} / {names[1].lower()} |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in report["rows"]:
            c = cold.get((r["step"], int(r["scale"])))
            cell = _cypher_cell if r["step"] == _CYPHER else _runs_cell
            name = "Cypher point / 2-hop, p95" if r["step"] == _CYPHER else r["step"]
            rss = [memory(x["peak_rss_mb"]) if x and "peak_rss_mb" in x else "" for x in (c, r)]
            met = " / ".join(_met(x) or "—" for x in (c, r))
            lines.append(
                f"| {name} | {cell(c)} | {rss[0]} | {cell(r)} | {rss[1]} "
                f"| {_target(r, r['step'])} | {met} |"
            )
        return "\n".join(lines + _measured(cold_report, report, names)) + "\n"

    return render


def performance_round(report: dict[str, Any]) -> str:
    """The round's last run (``report``), then the same steps' medians in the earlier
    runs it names (``earlier``: result files), so the spread of the machine shows."""
    text = performance_latest(report)
    earlier = [(name, load(name)) for name in report.get("earlier", [])]
    lines = [
        "\n| step | target | "
        + " | ".join(str(r.get("commit", name)) for name, r in [("this run", report), *earlier])
        + " |",
        "|---|---|" + "---|" * (1 + len(earlier)),
    ]
    for row in report["rows"]:
        cells = [_runs_cell(row)]
        for _, other in earlier:
            match = [x for x in other["rows"] if _step_name(x) == _step_name(row)]
            cells.append(_runs_cell(match[0]) if match else "")
        lines.append(
            f"| {_step_name(row)} | {_target(row, row['step'])} | " + " | ".join(cells) + " |"
        )
    for name, other in earlier:
        when = str(other.get("when", "")).replace(" ", " at ")
        lines.append(
            f"\n{other.get('commit', name)}: measured on {when}, {other.get('conditions', '')}."
        )
    return text + "\n".join(lines) + "\n"


def performance_paired(report: dict[str, Any]) -> str:
    """Paired runs: one change and the code before it, one after the other on one package."""
    lines = ["| what | this | before | ratio of medians | how |", "|---|---|---|---|---|"]
    for r in report["rows"]:
        this, before = sorted(r["this"]), sorted(r["before"])
        ratio = this[len(this) // 2] / before[len(before) // 2]
        shown = [
            " / ".join(seconds(x) for x in xs) + f" ({code})"
            for xs, code in ((this, r["this_code"]), (before, r["before_code"]))
        ]
        lines.append(f"| {r['what']} | {shown[0]} | {shown[1]} | {ratio:.2f} | {r['how']} |")
    lines.append(f"\nMeasured on {report['when']} on {_machine(report)}, {report['conditions']}.")
    return "\n".join(lines) + "\n"


def performance_10m(report: dict[str, Any]) -> str:
    """The ten-million-node run: each step against the issue's 10M target, with how it
    was measured where that is not the benchmark's own step."""
    lines = [
        "| step | time | peak RSS | target at 10M | met | how |",
        "|---|---|---|---|---|---|",
    ]
    for r in report["rows"]:
        time = seconds(r["median_s"]) if "median_s" in r else r.get("outcome", "not run")
        rss = memory(r["peak_rss_mb"]) if "peak_rss_mb" in r else ""
        met = ""
        if "median_s" in r and "target_s" in r:  # a row without a target: no verdict
            met = "yes" if r["met"] else f"**no** ({r['median_s'] / r['target_s']:.2f}×)"
        if "median_s" in r and r.get("met") and r.get("target_mb"):
            met = "yes" if r["peak_rss_mb"] <= r["target_mb"] else "time yes, memory **no**"
        lines.append(f"| {r['step']} | {time} | {rss} | {r['target']} | {met} | {r['how']} |")
    when = str(report.get("when", "")).split(" ")[0]
    lines.append(
        f"\nDemo graph: {report['nodes']:,} nodes, {report['edges']:,} edges. Machine: "
        f"{_machine(report)}. Measured on {when} {report.get('conditions', '')}."
    )
    return "\n".join(lines) + "\n"


def profiled(report: dict[str, Any]) -> str:
    """Single profiled measurements of one part, before and after a change (or under
    the two ``columns`` the file names, e.g. a first call and the calls after it)."""
    first, second = report.get("columns", ["before", "after"])
    lines = [f"| what | {first} | {second} | how |", "|---|---|---|---|"]
    for r in report["rows"]:
        lines.append(f"| {r['what']} | {r[first]} | {r[second]} | {r['how']} |")
    lines.append(f"\nMeasured on {report['when']} on {_machine(report)}, {report['conditions']}.")
    return "\n".join(lines) + "\n"


def cluster_stages(report: dict[str, Any]) -> str:
    """The clusters step stage by stage (``benchmarks/cluster_stages.py``)."""
    lines = ["| stage | ends at | resident | peak so far |", "|---|---|---|---|"]
    for r in report["rows"]:
        lines.append(
            f"| {r['stage']} | {seconds(r['ends_s'])} | {memory(r['resident_mb'])} "
            f"| {memory(r['peak_mb'])} |"
        )
    before = report.get("before", {})
    if before:
        lines.append(
            f"\nAt {before['commit']}, before the ranks were sorted on arrays, the member "
            f"statistics' peak was {memory(before['member statistics peak_mb'])}."
        )
    lines.append(
        f"\nMeasured on {report['when']} at {report['commit']} on {_machine(report)}, "
        f"{report['conditions']}, with `{report['command']}`."
    )
    return "\n".join(lines) + "\n"


def performance_earlier(report: dict[str, Any]) -> str:
    """An earlier whole-command measurement, kept for comparison."""
    lines = [
        f"{report['what']} Measured on {report['when']}, {report['conditions']}:\n",
        "| scale | nodes | edges | total | peak RSS |",
        "|---|---|---|---|---|",
    ]
    for r in report["rows"]:
        total = f"{r['total_s']:g} s" + (f" ({r['note']})" if r.get("note") else "")
        lines.append(
            f"| {r['scale']:,} | {r['nodes']:,} | {r['edges']:,} | {total} "
            f"| {r['peak_rss_gb']:.2f} GB |"
        )
    return "\n".join(lines) + "\n"


# --- queries.md ----------------------------------------------------------------------


def query_commands(report: dict[str, Any]) -> str:
    """Commands: wall clock / CPU time of the process, at each graph size."""
    sizes = list(report["graphs"])
    lines = [
        f"Measured on {report['when']} on {report['machine']}; {report['graphs_text']}.  "
        f"{report['how']}\n",
        "Commands (seconds, wall clock / CPU time of the process):\n",
        "| command | " + " | ".join(report["graphs"][s] for s in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for r in report["commands"]:
        cells = [" / ".join(f"{v:.1f}" for v in r[s]) for s in sizes]
        lines.append(f"| `{r['command']}`{r.get('what', '')} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def query_functions(report: dict[str, Any]) -> str:
    """The questions in one process, CPU seconds."""
    sizes = list(report["graphs"])
    lines = [
        f"About {report['startup_cpu_s']:g} s of CPU of every command goes to starting "
        "Python, importing pandas, scipy and igraph and reading the package; the questions "
        'themselves, in one process (CPU seconds; "cold" includes building the integer '
        "arrays of a freshly opened graph):\n",
        "| function | " + " | ".join(report["graphs"][s] for s in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for r in report["functions"]:
        cells = [
            r.get("sep", ", ").join(f"{v:.2f}" if v < 100 else f"{v:.1f}" for v in r[s])
            for s in sizes
        ]
        lines.append(f"| {r['function']} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def cluster_agreement(report: dict[str, Any]) -> str:
    """The agreement tables, as ``innokg evaluate clusters --format markdown`` prints them."""
    from innokg.queries.agreement import agreement_markdown

    graph = report.get("graph", {})
    head = f"Graph: {graph.get('title', '')}"
    if graph.get("built_at"):
        head += f", built {str(graph['built_at'])[:10]}"
    return head + ".\n\n" + agreement_markdown(report)


def explorer_latency(report: dict[str, Any]) -> str:
    """The explorer's start, search, neighbour, path and first-paint times by scale."""
    lines = [
        f"Machine: {_machine(report)}. Measured on {report['when']} with "
        f"{report['conditions']}, with:",
        "",
        "```bash",
        report["command"],
        "```",
        "",
        f"Packages: `{report['packages']}`.",
        "",
        "| demo scale | nodes | start to ready | warm-up done | search p50 / p95 | 郑州 p95 "
        "| first neighbours | neighbours p50 / p95 | path p50 / max | page first paint "
        "| memory |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["runs"]:
        paint = r.get("page first paint ms")
        first = r.get("first neighbours ms")
        at = f" at {r['code']}" if "code" in r else ""  # a run of one code beside another's
        lines.append(
            f"| {r['scale']:,}{at} | {r['nodes']:,} "
            f"| {seconds(r['start to ready s'])} "
            f"| {seconds(r['warm-up done s'])} "
            f"| {r['search p50 ms']:.1f} / {r['search p95 ms']:.1f} ms "
            f"| {r['search 郑州 p95 ms']:.1f} ms "
            f"| {f'{first:,.1f} ms' if first is not None else '—'} "
            f"| {r['neighbours p50 ms']:.1f} / {r['neighbours p95 ms']:.1f} ms "
            f"| {r['path p50 ms']:.1f} / {r['path max ms']:.1f} ms "
            f"| {seconds(paint / 1000) if paint is not None else '—'} "
            f"| {memory(r['peak_rss_mb'])} |"
        )
    return "\n".join(lines) + "\n"


def footprint(report: dict[str, Any]) -> str:
    """Bytes per node and per edge, and what they come to at 1M and 10M nodes."""
    scales = ((1_000_000, 5_000_000), (10_000_000, 50_000_000))

    def size(b: float) -> str:
        return f"{b / 1e9:.1f} GB" if b >= 1e9 else f"{b / 1e6:,.0f} MB"

    def row(what: str, per_node: float | None, per_edge: float | None) -> str:
        at = [size((per_node or 0) * n + (per_edge or 0) * m) for n, m in scales]
        node = f"{per_node:,.0f} B" if per_node is not None else ""
        edge = f"{per_edge:,.1f} B" if per_edge is not None else ""
        return f"| {what} | {node} | {edge} | {at[0]} | {at[1]} |"

    r = report
    lines = [
        f"Measured on {r['when']} on a demo package of {r['nodes']:,} nodes and "
        f"{r['edges']:,} edges (`python -m benchmarks.footprint PACKAGE`); the last two "
        "columns multiply the bytes by 1M nodes / 5M edges and 10M / 50M.",
        "",
        "| structure | per node | per edge | at 1M / 5M | at 10M / 50M |",
        "|---|---|---|---|---|",
        row("package on disk (Parquet)", r["parquet_per_node"], r["parquet_per_edge"]),
        row(
            "node and edge tables in memory (pandas, every property)",
            r["tables_per_node"],
            r["tables_per_edge"],
        ),
        row("the id index (`G.node_ids`)", r["id_index_per_node"], None),
        row(
            "one symmetric adjacency over every edge (`arrays(G).adjacency`: CSR, float64 "
            "values, int64 indices, two entries per edge)",
            r["csr_per_node"],
            r["csr_per_edge"],
        ),
    ]
    if r.get("database_per_element") is not None:
        d = r["database_per_element"]
        lines.append(row("embedded Cypher database on disk (per node or edge)", d, d))
    return "\n".join(lines) + "\n"


#: block name -> (result file, renderer)
BLOCKS: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    "performance-scales": ("performance_scales.json", performance_scales),
    "performance-all-scales": ("performance_all_scales.json", performance_scales),
    "performance-all-scales-networkx": ("performance_all_scales.json", performance_networkx),
    "performance-all-scales-c966c56": ("performance_all_scales_c966c56.json", performance_scales),
    "performance-networkx": ("performance_scales.json", performance_networkx),
    "performance-networkx-100k": ("performance_networkx_100k.json", performance_networkx),
    "performance-real": ("performance_real.json", performance_real),
    "performance-earlier": ("performance_earlier.json", performance_earlier),
    "query-commands": ("query_times.json", query_commands),
    "query-functions": ("query_times.json", query_functions),
    "cluster-agreement-henan": ("cluster_agreement_henan.json", cluster_agreement),
    "cluster-agreement-chainkg": ("cluster_agreement_chainkg.json", cluster_agreement),
    "performance-latest": ("performance_latest.json", performance_latest),
    "performance-clusters-rework": ("performance_clusters_rework.json", performance_latest),
    "performance-10m": ("performance_10m.json", performance_10m),
    "cluster-stages-10m": ("cluster_stages_10m.json", cluster_stages),
    "profiles-1m-round": ("profiles_1m_round.json", profiled),
    "profiles-scale-round": ("profiles_scale_round.json", profiled),
    "profiles-clusters-10m": ("profiles_clusters_10m.json", profiled),
    "profiles-clusters-10m-split": ("profiles_clusters_10m_split.json", profiled),
    "profiles-clusters-10m-stats": ("profiles_clusters_10m_stats.json", profiled),
    "profiles-partners-10m-kinds": ("profiles_partners_10m_kinds.json", profiled),
    "profiles-partners-10m-threads": ("profiles_partners_10m_threads.json", profiled),
    "profiles-first-call-100k": ("profiles_first_call_100k.json", profiled),
    "profiles-aa-threads-100k": ("profiles_aa_threads_100k.json", profiled),
    "profiles-aa-categorical-100k": ("profiles_aa_categorical_100k.json", profiled),
    "profiles-aa-room-100k": ("profiles_aa_room_100k.json", profiled),
    "profiles-adjacency-10m": ("profiles_adjacency_10m.json", profiled),
    "profiles-latest-year-whole": ("profiles_latest_year_whole.json", profiled),
    "viz-page-1m": ("viz_page_1m.json", profiled),
    "performance-final-check": ("performance_final_check.json", performance_latest),
    "performance-kept": ("performance_kept.json", cold_and_kept("performance_cold.json")),
    "performance-round": ("performance_round.json", performance_round),
    "performance-paired": ("performance_paired.json", performance_paired),
    "performance-paired-partners": ("performance_paired_partners.json", performance_paired),
    "performance-partners": ("performance_partners.json", performance_round),
    "performance-partners-latest": ("performance_partners_1m_latest.json", performance_round),
    "performance-partners-10m-latest": ("performance_partners_10m_latest.json", performance_latest),
    "performance-for-brief": ("performance_for_brief.json", performance_round),
    "performance-round-6e76895": ("performance_round_6e76895.json", performance_round),
    "explorer-latency": ("explorer_latency.json", explorer_latency),
    "explorer-latency-10m": ("explorer_latency_10m.json", explorer_latency),
    "profiles-explorer-start-10m": ("profiles_explorer_start_10m.json", profiled),
    "profiles-explorer-index-kept": ("profiles_explorer_index_kept.json", profiled),
    "profiles-explorer-first-start": ("profiles_explorer_first_start.json", profiled),
    "profiles-explorer-warm-up": ("profiles_explorer_warm_up.json", profiled),
    "profiles-exports-10m": ("profiles_exports_10m.json", profiled),
    "profiles-gaps-csv-10m": ("profiles_gaps_csv_10m.json", profiled),
    "profiles-leiden-order-10m": ("profiles_leiden_order_10m.json", profiled),
    "profiles-leiden-apart-10m": ("profiles_leiden_apart_10m.json", profiled),
    "profiles-partners-10m-single-runs": ("profiles_partners_10m_single_runs.json", profiled),
    "footprint": ("footprint_100k.json", footprint),
    "performance-1m": ("performance_1m_kept.json", cold_and_kept("performance_1m_cold.json")),
    "performance-1m-prepared": (
        "performance_1m_prepared.json",
        cold_and_kept(
            "performance_1m_unprepared.json",
            ("unprepared, nothing kept", "as built (prepared)"),
            ("Unprepared", "Prepared"),
        ),
    ),
}

# Result files a block reads besides its own (the kept block sets the cold run beside it).
SHOWN_WITH: dict[str, str] = {
    "performance_partners_1m_60dccf0.json": "performance-partners-latest",
    "performance_partners_1m_8e6013b.json": "performance-partners-latest",
    "performance_partners_1m_18376e9.json": "performance-partners-latest",
    "performance_cold.json": "performance-kept",
    "performance_1m_cold.json": "performance-1m",
    "performance_1m_unprepared.json": "performance-1m-prepared",
    "performance_round_cad9314.json": "performance-round",
    "performance_round_b745827.json": "performance-round",
    "performance_partners_56013f4.json": "performance-partners",
    "performance_partners_a33ceba.json": "performance-partners",
    "performance_for_brief_56013f4.json": "performance-for-brief",
}


def render_block(name: str) -> str:
    """The Markdown of one block from its result file."""
    if name not in BLOCKS:
        raise KeyError(f"unknown generated block {name!r}; known: {', '.join(BLOCKS)}")
    file, renderer = BLOCKS[name]
    return renderer(load(file))


def render_doc(text: str) -> str:
    """``text`` with every generated block rendered afresh."""
    opened = len(re.findall(r"<!-- BEGIN generated: ", text))
    found = list(_BLOCK.finditer(text))
    if opened != len(found):
        raise ValueError(
            f"{opened} generated block(s) begin but {len(found)} are well formed: every "
            "BEGIN needs its END with the same name"
        )
    return _BLOCK.sub(lambda m: m.group(1) + render_block(m.group("name")) + m.group(4), text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="Only say which docs differ.")
    args = parser.parse_args(argv)
    stale = []
    for doc in DOCS:
        path = REPO / doc
        text = path.read_text(encoding="utf-8")
        fresh = render_doc(text)
        if fresh != text:
            stale.append(doc)
            if not args.check:
                path.write_text(fresh, encoding="utf-8")
    if args.check and stale:
        print("differ from their result files: " + ", ".join(stale), file=sys.stderr)
        return 1
    if not args.check:
        print(f"rendered {len(stale)} doc(s): {', '.join(stale) or 'all current'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
