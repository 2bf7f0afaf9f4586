"""The partner-quality tables of docs/partners.md, generated (never typed by hand).

    python -m benchmarks.partner_quality > docs/partner_quality.md
    python -m benchmarks.partner_quality --demo innokg-demo --real henan --seeds 3

It evaluates (:func:`innokg.queries.evaluate.evaluate_partners`, the code behind
``innokg evaluate partners``) the built-in demo and the real Henan build, and prints
Markdown: the run's parameters, date and machine, then for each graph the tables, what
cannot be evaluated and where a baseline beats innokg (and, for the real build,
enterprise-industry split by the classification scheme of the hidden industry).
Without ``--demo`` it builds the demo (scale 2000, seed 2016) in a temporary folder;
without ``--real`` it builds the real graph with ``innokg henan --data DATA`` when DATA
(``../shared/data`` by default) exists, and otherwise says that the real figures were
not computed.  Five seeds by default (``innokg evaluate partners`` has three): the docs
compare innokg with the baselines against the seed-to-seed spread, which three splits
estimate poorly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.machine()}"
    return f"{system}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def _section(title: str, package: Path, args: argparse.Namespace, about: str) -> str:
    from innokg.graph.ecosystem import EcosystemGraph
    from innokg.queries.evaluate import evaluate_partners

    G = EcosystemGraph.open(package)
    counts = G.counts()
    nodes = sum(counts["nodes"].values())
    edges = sum(counts["edges"].values())
    start = time.process_time()  # CPU time: other work on a shared machine moves it far less
    ev = evaluate_partners(G, seeds=args.seeds, seed=args.seed, fraction=args.fraction)
    took = time.process_time() - start
    return (
        f"## {title}\n\n{about} {nodes:,} nodes, {edges:,} edges; "
        f"evaluated in {took:.1f} s of CPU time.\n\n" + ev.markdown()
    )


def _by_scheme(package: Path, args: argparse.Namespace) -> str:
    """Enterprise-industry on the real build, split by the classification scheme of the
    hidden industry: its GB/T divisions are mostly derived from its Shenwan industries by
    a crosswalk, which the industry_peers walk partly recovers, so the observed Shenwan
    links are the cleaner test (docs/partners.md)."""
    import numpy as np

    from innokg.graph.ecosystem import EcosystemGraph
    from innokg.queries.arrays import arrays
    from innokg.queries.evaluate.baselines import _Untyped
    from innokg.queries.evaluate.runs import _Options, _ranking, _universe
    from innokg.queries.evaluate.splits import _keys, _pairs, _random_hidden, _without_pairs
    from innokg.queries.partners import KINDS

    G = EcosystemGraph.open(package)
    A = arrays(G)
    kind = KINDS["enterprise-industry"]
    scheme = A.values("scheme", dtype="object", fill="")
    o = _Options("aa", 500, 200, (10,), 20, 10)
    source_ok, target_ok = _universe(A, kind, G, np.ones(A.n, dtype=bool))
    pairs = _pairs(A, kind)
    figures: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for s in range(args.seed, args.seed + args.seeds):
        hidden = _random_hidden(pairs, kind, args.fraction, s, source_ok[pairs[:, 0]])
        train = _without_pairs(G, A, kind, _keys(hidden, A.n, False))
        T = arrays(train)
        known = _keys(_pairs(T, kind), A.n, False)
        untyped = _Untyped(T)
        for name in sorted(set(scheme[hidden[:, 1]])):
            part = hidden[scheme[hidden[:, 1]] == name]
            got = _ranking(train, A, kind, part, known, source_ok, target_ok, untyped, o)
            for method in ("innokg", "preferential_attachment"):
                m = got[method]
                figures.setdefault((name, method), []).append(
                    (m["hits_at_10"], m["mrr"], len(part))
                )
    lines = [
        "**enterprise-industry by the scheme of the hidden industry** (random split, the "
        "same seeds; ranking figures over the hidden pairs of each scheme)",
        "",
        "| hidden industry | method | hidden pairs (mean) | hits@10 | MRR |",
        "|---|---|---|---|---|",
    ]

    def spread(x: np.ndarray) -> str:
        return f" ± {x.std(ddof=1):.3f}" if len(x) > 1 else ""

    for (name, method), rows in figures.items():
        hits, mrr, count = (np.array(c, dtype=float) for c in zip(*rows, strict=True))
        lines.append(
            f"| {name} | {method} | {count.mean():.1f} | {hits.mean():.3f}{spread(hits)} "
            f"| {mrr.mean():.3f}{spread(mrr)} |"
        )
    return "\n".join(lines) + "\n"


def _build_demo(folder: Path) -> Path:
    from innokg.pipeline import build_demo

    out = folder / "innokg-demo"
    build_demo(out, scale=2000, seed=2016)
    return out


def _build_real(folder: Path, data: Path) -> Path:
    out = folder / "henan"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "innokg",
            "henan",
            "--data",
            str(data),
            "--out",
            str(out),
            "--no-database",
            "-q",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", type=Path, help="A demo package (default: build one).")
    parser.add_argument("--real", type=Path, help="A real Henan package (default: build one).")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--fraction", type=float, default=0.1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        demo = args.demo or _build_demo(folder)
        real = args.real
        if real is None and args.data.is_dir():
            real = _build_real(folder, args.data)
        command = "python -m benchmarks.partner_quality" + "".join(
            f" {flag} {value}"
            for flag, value in (
                ("--seeds", args.seeds),
                ("--seed", args.seed),
                ("--fraction", args.fraction),
            )
        )
        parts = [
            "# Partner quality: generated figures\n",
            "<!-- generated: do not edit; see docs/partners.md for the command -->\n",
            f"Generated by `{command} > docs/partner_quality.md` on "
            f"{dt.date.today().isoformat()}, on {_machine()}.  The same figures come from "
            "`innokg evaluate partners PACKAGE --format markdown`.\n",
            "Per-source ranking: for each source with hidden partners, all its candidate "
            "targets are ranked; hits@10, MRR and mean rank are exact expectations over a "
            "random order of ties, averaged over sources (`sources` is how many).  AUC uses "
            "sampled negatives; precision@k is over all pairs of the graph.\n",
            _section(
                "The demo (synthetic)",
                demo,
                args,
                "Built with `innokg demo` (scale 2000, seed 2016). A check of the machinery, "
                "not of quality: the generator draws links by rules close to the scorer's "
                "signals (the same meta-paths, the same city, and for collaborations the "
                "firm's size).",
            ),
        ]
        if real is not None:
            parts.append(
                _section(
                    "The real Henan build",
                    real,
                    args,
                    f"Built with `innokg henan --data {os.path.relpath(args.data, REPO)}` "
                    "(public sources: chain data of listed companies, NDRC technology centres, "
                    "MOE universities, location quotients).",
                )
            )
            parts.append(_by_scheme(real, args))
        else:
            parts.append(
                "## The real Henan build\n\nNot computed: the public data folder "
                f"{args.data} was not found.\n"
            )
    sys.stdout.write("\n".join(parts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
