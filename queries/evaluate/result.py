"""The result of an evaluation: its summary over seeds, where a baseline beats innokg,
and its text, Markdown and JSON forms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from innokg.queries.evaluate.splits import SPLITS

__all__ = ["PartnerEvaluation"]

#: The metrics compared when saying where a baseline beats innokg (higher is better).
_COMPARED = (("hits_at_10", "hits@10"), ("mrr", "MRR"), ("auc", "AUC"))
#: A difference below this (invisible at three decimals) is not called a win.
_WIN = 5e-4


@dataclass
class PartnerEvaluation:
    """The result of :func:`evaluate_partners`.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per kind, split and method: ``runs`` (splits averaged: seeds for the
        random split, 1 for the temporal one), ``sources``, ``hidden``, and for each
        metric its mean and, over two or more runs, its sample standard deviation
        (``<metric>_sd``; empty for one run).
    runs : pandas.DataFrame
        One row per kind, split, seed and method, the figures of one split.
    notes : pandas.DataFrame
        ``kind``, ``split`` (empty when it holds for both), ``note``: what cannot be
        evaluated, and why, one line each.
    wins : list of str
        One plain line for each kind, split and baseline that beats innokg on hits@10,
        MRR or AUC.
    parameters : dict
        The options of the run.
    caveats : list of str
        What the figures of an evaluated kind do not mean (links that are inferred,
        not observed).

    Examples
    --------
    Two random splits of a chain of eight firms; :meth:`display` gives the mean and
    the seed-to-seed spread as text, :meth:`lines` what cannot be evaluated and where a
    baseline wins, :meth:`markdown` both as a report and :meth:`to_dict` everything
    for JSON:

    >>> from innokg.graph.testing import make_graph
    >>> from innokg.queries.evaluate import evaluate_partners
    >>> firms = [{"id": f"e{i}", "name": f"企业{i}"} for i in range(8)]
    >>> G = make_graph(
    ...     {"Enterprise": firms, "ResearchInstitute": [{"id": "r", "name": "郑州大学"}]},
    ...     {"SUPPLIES": [(f"e{i}", f"e{i + 1}") for i in range(7)] + [("e0", "e2"), ("e3", "e5")]},
    ... )
    >>> ev = evaluate_partners(G, kinds=["enterprise-enterprise", "enterprise-institute"],
    ...                        splits=["random"], seeds=2, fraction=0.25)
    >>> ev.display()[["method", "runs", "hidden", "mrr", "mean_rank"]]
                        method runs hidden            mrr  mean_rank
    0                   innokg    2      2  0.484 ± 0.212  3.5 ± 0.7
    1  preferential_attachment    2      2  0.217 ± 0.038  5.2 ± 0.6
    2        common_neighbours    2      2  0.418 ± 0.073  3.4 ± 0.4
    3              adamic_adar    2      2  0.418 ± 0.073  3.4 ± 0.4
    4         same_city_random    2      2  0.411 ± 0.001  3.5 ± 0.0
    >>> for line in ev.lines():
    ...     print(line)
    Cannot be evaluated:
      enterprise-institute: cannot be evaluated, no held-out real edges (0 linked ...
    Where a baseline beats innokg:
      enterprise-enterprise, random split: common_neighbours beats innokg on AUC 0.507 vs \
0.434 (within the seed-to-seed spread)
      enterprise-enterprise, random split: adamic_adar beats innokg on AUC 0.500 vs 0.434 ...
    >>> print(ev.markdown())
    Parameters: seeds 2016, 2017 (random split, 0.25 of the pairs hidden); ...
    <BLANKLINE>
    **random split**
    <BLANKLINE>
    | kind | method | sources (mean) | hits@10 | MRR | mean rank | AUC | precision@10 | ...
    |---|---|---|---|---|---|---|---|---|
    | enterprise-enterprise | innokg | 4 | 1.000 ± 0.000 | 0.484 ± 0.212 | 3.5 ± 0.7 | ...
    ...
    >>> list(ev.to_dict())
    ['parameters', 'summary', 'runs', 'cannot_be_evaluated', 'baseline_wins', 'caveats']
    """

    summary: pd.DataFrame
    runs: pd.DataFrame
    notes: pd.DataFrame
    wins: list[str] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    caveats: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The notes and the wins, as lines to print under a table."""
        out = []
        if self.caveats:
            out.append("Caveats:")
            out += [f"  {c}" for c in self.caveats]
        if len(self.notes):
            out.append("Cannot be evaluated:")
            out += [f"  {r.note}" for r in self.notes.itertuples()]
        if self.wins:
            out.append("Where a baseline beats innokg:")
            out += [f"  {w}" for w in self.wins]
        elif len(self.summary):
            out.append("No baseline beats innokg on hits@10, MRR or AUC for any kind evaluated.")
        return out

    def display(self) -> pd.DataFrame:
        """The summary as text cells, ``mean ± sd`` (sd left out for one run)."""
        top = self.parameters.get("top", 10)
        metrics = [f"hits_at_{top}", "mrr", "mean_rank", "auc"] + [
            f"precision_at_{k}" for k in self.parameters.get("ks", (10, 50))
        ]
        rows = []
        for r in self.summary.to_dict("records"):
            row = {
                "kind": r["kind"],
                "split": r["split"],
                "method": r["method"],
                "runs": int(r["runs"]),
                "sources": _fmt(r.get("sources"), 0),
                "hidden": _fmt(r.get("hidden"), 0),
            }
            for m in metrics:
                digits = 1 if m == "mean_rank" else 3
                row[m] = _fmt(r.get(m), digits, r.get(f"{m}_sd"))
            rows.append(row)
        return pd.DataFrame(rows, dtype="string")

    def markdown(self) -> str:
        """The summary as Markdown tables (one per split), with the notes and wins."""
        p = self.parameters
        top = p.get("top", 10)
        shown = self.display()
        splits = set(shown["split"].dropna()) if len(shown) else set()
        said = []  # describe only the splits that were run
        if "random" in splits:
            said.append(
                f"seeds {', '.join(map(str, p.get('seeds', [])))} (random split, "
                f"{p.get('fraction')} of the pairs hidden)"
            )
        if "temporal" in splits:
            said.append(
                f"temporal split: the last {p.get('test_years')} year(s) of each kind's "
                "links hidden"
            )
        said.append(f"{p.get('negatives')} negatives per hidden pair for AUC")
        spread = "  Mean ± sample standard deviation over the seeds." if "random" in splits else ""
        lines = [f"Parameters: {'; '.join(said)}; method {p.get('method')}.{spread}", ""]
        for split in SPLITS:
            part = shown[shown["split"] == split]
            if not len(part):
                continue
            lines += [f"**{split} split**", ""]
            cols = ["kind", "method", "sources", f"hits_at_{top}", "mrr", "mean_rank", "auc"]
            cols += [c for c in part.columns if c.startswith("precision_at_")]
            head = [_HEADS.get(c, c.replace("_at_", "@").replace("_", " ")) for c in cols]
            lines.append("| " + " | ".join(head) + " |")
            lines.append("|" + "---|" * len(cols))
            for r in part.to_dict("records"):
                lines.append("| " + " | ".join(str(r[c]) for c in cols) + " |")
            lines.append("")
        if self.caveats:
            lines += ["Caveats:", ""] + [f"- {c}" for c in self.caveats] + [""]
        if len(self.notes):
            lines += ["Cannot be evaluated:", ""]
            lines += [f"- {r.note}" for r in self.notes.itertuples()]
            lines.append("")
        if self.wins:
            lines += ["Where a baseline beats innokg:", ""] + [f"- {w}" for w in self.wins]
        elif len(self.summary):
            lines.append("No baseline beats innokg on hits@10, MRR or AUC for any kind evaluated.")
        return "\n".join(lines).rstrip() + "\n"

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready (missing figures as None)."""

        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            clean = df.astype(object).where(df.notna(), None)
            return [
                {k: (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()}
                for r in clean.to_dict("records")
            ]

        return {
            "parameters": self.parameters,
            "summary": records(self.summary),
            "runs": records(self.runs),
            "cannot_be_evaluated": records(self.notes),
            "baseline_wins": list(self.wins),
            "caveats": list(self.caveats),
        }


_HEADS = {"mrr": "MRR", "auc": "AUC", "sources": "sources (mean)"}


def _fmt(value: Any, digits: int, sd: Any = None) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    text = f"{float(value):.{digits}f}"
    if sd is not None and isinstance(sd, float) and np.isfinite(sd):
        text += f" ± {sd:.{digits}f}"
    return text


def _summarise(runs: pd.DataFrame, top: int, ks: Sequence[int]) -> pd.DataFrame:
    metrics = [f"hits_at_{top}", "mrr", "mean_rank", "auc"] + [f"precision_at_{k}" for k in ks]
    rows = []
    for (kind, split, method), g in runs.groupby(["kind", "split", "method"], sort=False):
        row: dict[str, Any] = {
            "kind": kind,
            "split": split,
            "method": method,
            "runs": len(g),
            "sources": float(g["sources"].mean()) if "sources" in g else np.nan,
            "hidden": float(g["hidden"].mean()),
        }
        for m in metrics:
            values = g[m].astype(float) if m in g else pd.Series([np.nan])
            row[m] = float(values.mean())
            row[f"{m}_sd"] = float(values.std(ddof=1)) if len(values) > 1 else np.nan
        rows.append(row)
    out = pd.DataFrame(rows)
    return out.astype({"kind": "string", "split": "string", "method": "string"})


def _wins(summary: pd.DataFrame, top: int) -> list[str]:
    lines = []
    for (kind, split), g in summary.groupby(["kind", "split"], sort=False):
        ours = g[g["method"] == "innokg"]
        if not len(ours):
            continue
        us = ours.iloc[0]
        for _, b in g[g["method"] != "innokg"].iterrows():
            said = []
            for metric, name in _COMPARED:
                metric = metric.replace("hits_at_10", f"hits_at_{top}")
                name = name.replace("@10", f"@{top}")
                mine, theirs = us[metric], b[metric]
                if not (np.isfinite(mine) and np.isfinite(theirs)) or theirs - mine < _WIN:
                    continue
                spread = np.nanmax([us[f"{metric}_sd"], b[f"{metric}_sd"], 0.0])
                within = " (within the seed-to-seed spread)" if theirs - mine <= spread else ""
                said.append(f"{name} {theirs:.3f} vs {mine:.3f}{within}")
            if said:
                lines.append(
                    f"{kind}, {split} split: {b['method']} beats innokg on " + "; ".join(said)
                )
    return lines
