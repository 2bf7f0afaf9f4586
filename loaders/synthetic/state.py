"""What every step of the demo generator shares: the random stream, the tables being
built, and the few drawing helpers.

Each step draws from the one :class:`numpy.random.Generator` in turn, so the order in
which :func:`innokg.loaders.synthetic.generate` calls the steps (and each step makes its
draws) is what makes a seed give the same graph to the byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["SOURCE", "Demo", "ids", "pick", "year_or_na"]

SOURCE = "synthetic"


@dataclass
class Demo:
    """The random stream and the node and edge frames made so far, keyed by label / type.

    Frames of one label or type are concatenated in the order they were added, and the
    tables come out in the order their label or type first appeared.
    """

    rng: np.random.Generator
    nodes: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    edges: dict[str, list[pd.DataFrame]] = field(default_factory=dict)

    def node(self, label: str, df: pd.DataFrame) -> None:
        self.nodes.setdefault(label, []).append(df.assign(source=SOURCE))

    def edge(self, etype: str, src: object, dst: object, **props: object) -> None:
        df = pd.DataFrame({"from_id": src, "to_id": dst, **props})
        df["source"] = SOURCE
        df["evidence"] = SOURCE
        self.edges.setdefault(etype, []).append(df)

    def tables(self) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
        """One frame per label and per edge type."""
        nodes = {k: pd.concat(v, ignore_index=True) for k, v in self.nodes.items()}
        edges = {k: pd.concat(v, ignore_index=True) for k, v in self.edges.items()}
        return nodes, edges


def ids(prefix: str, n: int) -> np.ndarray:
    """``n`` ids ``prefix000001``, ``prefix000002``, ... (wider when ``n`` needs it)."""
    width = max(6, len(str(n)))
    return np.char.mod(f"{prefix}%0{width}d", np.arange(1, n + 1)).astype(object)


def year_or_na(flag: np.ndarray, years: np.ndarray) -> pd.Series:
    """``years`` where ``flag`` holds, missing elsewhere."""
    return pd.Series(years, dtype="Int64").where(pd.Series(flag, dtype=bool))


def pick(
    rng: np.random.Generator,
    groups: np.ndarray,
    members: np.ndarray,
    want: np.ndarray,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """For each entry of ``want`` (a group key), draw one member of that group.

    ``groups`` gives each member's group; ``weights`` its draw weight.  Entries whose
    group is empty get -1.  Vectorised per group, so cost is linear.
    """
    out = np.full(len(want), -1, dtype=np.int64)
    if len(members) == 0 or len(want) == 0:
        return out
    w = np.ones(len(members)) if weights is None else weights
    order = np.argsort(groups, kind="stable")
    g_sorted, m_sorted, w_sorted = groups[order], members[order], w[order]
    keys, starts = np.unique(g_sorted, return_index=True)
    ends = np.append(starts[1:], len(g_sorted))
    pos = np.searchsorted(keys, want)
    valid = (pos < len(keys)) & (keys[np.minimum(pos, len(keys) - 1)] == want)
    for k in np.unique(pos[valid]):
        sel = np.flatnonzero(valid & (pos == k))
        cw = np.cumsum(w_sorted[starts[k] : ends[k]])
        r = rng.random(len(sel)) * cw[-1]
        out[sel] = m_sorted[starts[k] + np.searchsorted(cw, r, side="right").clip(0, len(cw) - 1)]
    return out
