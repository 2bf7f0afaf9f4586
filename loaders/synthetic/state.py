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
    """``n`` ids ``prefix000001``, ``prefix000002``, ... (wider when ``n`` needs it).

    Parameters
    ----------
    prefix : str
        What every id starts with (``ent:demo:``).
    n : int
        How many ids; numbers have six digits, or as many as ``n`` has.

    Returns
    -------
    ndarray of object
        The ids, numbered from 1.

    Examples
    --------
    >>> ids("ent:demo:", 3).tolist()
    ['ent:demo:000001', 'ent:demo:000002', 'ent:demo:000003']
    >>> ids("x", 1234567)[-1]
    'x1234567'
    """
    width = max(6, len(str(n)))
    return np.char.mod(f"{prefix}%0{width}d", np.arange(1, n + 1)).astype(object)


def year_or_na(flag: np.ndarray, years: np.ndarray) -> pd.Series:
    """``years`` where ``flag`` holds, missing elsewhere.

    Parameters
    ----------
    flag : ndarray of bool
        Which entries have a year.
    years : ndarray of int
        A year for every entry, as long as ``flag``.

    Returns
    -------
    Series of Int64
        ``years``, with ``<NA>`` where ``flag`` is false.

    Examples
    --------
    >>> year_or_na(np.array([True, False, True]), np.array([2016, 2017, 2018])).tolist()
    [2016, <NA>, 2018]
    """
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

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream drawn from (one ``rng.random`` call per group wanted).
    groups : ndarray
        The group key of every member.
    members : ndarray of int
        The members (positions or numbers), as long as ``groups``.
    want : ndarray
        A group key per draw.
    weights : ndarray of float, optional
        Each member's draw weight; equal weights by default.

    Returns
    -------
    ndarray of int64
        One member per entry of ``want``, -1 where that group has no member.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> groups, members = np.array(["郑州", "郑州", "洛阳"]), np.array([10, 11, 12])
    >>> pick(rng, groups, members, np.array(["洛阳", "郑州", "开封"])).tolist()
    [12, 10, -1]
    >>> pick(rng, groups, members, np.array(["郑州"] * 4), weights=np.array([0.0, 1.0, 1.0]))
    array([11, 11, 11, 11])
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
