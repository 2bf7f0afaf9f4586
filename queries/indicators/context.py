"""What existed in a year, as arrays: the context every indicator is counted in.

:class:`Timeline` reads when each node and edge existed once per graph; a
:class:`Context` is one year's view of it (or of the whole graph), with the counts of
neighbours the indicators are made of.  :class:`Units` is what an indicator counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from innokg.queries.arrays import GraphArrays, graph_scope

By = Literal["province", "city", "industry", "year"]


def _lm_sized(A: GraphArrays) -> np.ndarray:
    """Enterprises of size large or medium not flagged as non-industrial (any year)."""
    key = ("indicators", "lm")
    if key not in A.memo:
        size = A.values("size", dtype="object", fill="")
        industrial = A.values("industrial", dtype="float64", fill=np.nan)
        A.memo[key] = np.isin(size, ["large", "medium"]) & ~(industrial == 0)
    return A.memo[key]


class Timeline:
    """When every node and edge existed, read once for all the years asked about.

    A node exists from its ``since`` to its ``until`` (either open when missing); an
    edge while it and both its ends do.  A year's view is then a filter over these
    windows, so a series of years costs one pass over the edges a year, with no
    matrix rebuilt and no table re-read per year.  Counts of distinct neighbours are
    taken over (source, target) pairs grouped once per set of edge types.
    """

    def __init__(self, A: GraphArrays) -> None:
        self.A = A
        self.lo = np.nan_to_num(A.values("since"), nan=-np.inf)
        self.hi = np.nan_to_num(A.values("until"), nan=np.inf)
        self._windows: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._pairs: dict[tuple[str, ...], Pairs] = {}
        self._alive: dict[int, np.ndarray] = {}
        self._alive_pairs: dict[tuple[tuple[str, ...], int], np.ndarray] = {}

    def alive(self, year: int) -> np.ndarray:
        if year not in self._alive:
            self._alive[year] = (self.lo <= year) & (year <= self.hi)
        return self._alive[year]

    def window(self, etype: str) -> tuple[np.ndarray, np.ndarray]:
        """First and last year of each edge of :meth:`GraphArrays.edges` (``year=None``)."""
        if etype not in self._windows:
            A = self.A
            src, dst = A.edges(etype)
            lo = np.nan_to_num(A.edge_values(etype, "since"), nan=-np.inf)
            hi = np.nan_to_num(A.edge_values(etype, "until"), nan=np.inf)
            lo = np.maximum(lo, np.maximum(self.lo[src], self.lo[dst]))
            hi = np.minimum(hi, np.minimum(self.hi[src], self.hi[dst]))
            self._windows[etype] = (lo, hi)
        return self._windows[etype]

    def edges(self, etype: str, year: int) -> tuple[np.ndarray, np.ndarray]:
        src, dst = self.A.edges(etype)
        lo, hi = self.window(etype)
        keep = (lo <= year) & (year <= hi)
        return src[keep], dst[keep]

    def pairs(self, names: tuple[str, ...]) -> Pairs:
        if names not in self._pairs:
            n = self.A.n
            ids, los, his = [], [], []
            for spec in names:
                etype = spec.removesuffix("^-1")
                src, dst = self.A.edges(etype)
                if spec.endswith("^-1"):
                    src, dst = dst, src
                lo, hi = self.window(etype)
                ids.append(src * n + dst)
                los.append(lo)
                his.append(hi)
            uniq, inverse = np.unique(np.concatenate(ids), return_inverse=True)
            self._pairs[names] = Pairs(
                uniq // n, uniq % n, inverse, np.concatenate(los), np.concatenate(his)
            )
        return self._pairs[names]

    def alive_pairs(self, names: tuple[str, ...], year: int) -> np.ndarray:
        """Which pairs of :meth:`pairs` are linked by an edge that existed in ``year``."""
        key = (names, year)
        if key not in self._alive_pairs:
            p = self.pairs(names)
            alive = (p.lo <= year) & (year <= p.hi)
            self._alive_pairs[key] = np.bincount(p.inverse[alive], minlength=len(p.src)) > 0
        return self._alive_pairs[key]


@dataclass(frozen=True)
class Pairs:
    """The distinct (source, target) pairs of some edge types, with ``inverse`` mapping
    each edge to its pair and ``lo``/``hi`` each edge's window."""

    src: np.ndarray
    dst: np.ndarray
    inverse: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


def timeline(A: GraphArrays) -> Timeline:
    key = ("indicators", "timeline")
    if key not in A.memo:
        A.memo[key] = Timeline(A)
    return A.memo[key]


class Context:
    """What existed in one year, as arrays."""

    def __init__(self, A: GraphArrays, year: int | None, by: By = "province") -> None:
        self.A = A
        self.year = year
        self.by = by
        self.time = timeline(A)
        self.alive = A.alive(None) if year is None else self.time.alive(year)
        size = A.values("size", dtype="object", fill="")
        industrial = A.values("industrial", dtype="float64", fill=np.nan)
        ent = A.mask("Enterprise")
        self.has_sizes = bool((ent & (size != "") & ~(industrial == 0)).any())
        self.lm = ent & self.alive & _lm_sized(A)

    def edges(self, etype: str) -> tuple[np.ndarray, np.ndarray]:
        if self.year is None:
            return self.A.edges(etype)
        return self.time.edges(etype, self.year)

    def kind_in(self, label: str, kinds: Sequence[str]) -> np.ndarray:
        key = ("indicators", "kind", label, tuple(kinds))
        A = self.A
        if key not in A.memo:
            out = A.mask(label) & np.isin(A.values("kind", dtype="object", fill=""), kinds)
            out.flags.writeable = False
            A.memo[key] = out
        return A.memo[key]

    def recognised(self, column: str) -> np.ndarray:
        years = self.A.values(column)
        out = self.alive & ~np.isnan(years)
        if self.year is not None:
            out &= years <= self.year
        return out

    def count(
        self, etypes: str | Sequence[str], target: np.ndarray, *, reverse: bool = False
    ) -> np.ndarray:
        """Per node, its distinct neighbours in ``target`` over ``etypes`` (outgoing, or
        incoming with ``reverse``)."""
        names = [etypes] if isinstance(etypes, str) else list(etypes)
        if reverse:
            names = [f"{t}^-1" for t in names]
        pairs = self.time.pairs(tuple(names))
        keep = target[pairs.dst]
        if self.year is not None:
            keep = keep & self.time.alive_pairs(tuple(names), self.year)
        return np.bincount(pairs.src[keep], minlength=self.A.n).astype(np.int64)

    def has(
        self, etypes: str | Sequence[str], target: np.ndarray, *, reverse: bool = False
    ) -> np.ndarray:
        """Nodes with an edge of ``etypes`` to (from, with ``reverse``) a node in ``target``."""
        return self.count(etypes, target, reverse=reverse) > 0

    def located(self) -> np.ndarray:
        """Nodes placed in one of the graph's regions (directly or through a county,
        city or zone): the province's own, as against chain partners elsewhere."""
        A = self.A
        key = ("indicators", "located")
        if key not in A.memo:
            out = A.mask("Region").copy()
            src, dst = A.edges("LOCATED_IN")
            for _ in range(4):  # firm -> zone -> county -> city -> province
                more = out[dst] & ~out[src]
                if not more.any():
                    break
                out[src[more]] = True
            out &= ~A.mask("Region")
            # the graph's regions include other provinces when chain partners are placed
            # there; on a province's graph only the province's own count
            scope = graph_scope(A.G)
            A.memo[key] = out & scope.inside if scope is not None else out
        return A.memo[key]


@dataclass(frozen=True)
class Units:
    """What an indicator counts: ``unit`` (an id counted once a group), ``where``
    (position that places it in a city), ``value`` (its contribution) and
    ``where_industry`` (position that places it in an industry; ``where`` if None)."""

    unit: np.ndarray
    where: np.ndarray
    value: np.ndarray
    where_industry: np.ndarray | None = None

    @property
    def industry_where(self) -> np.ndarray:
        return self.where if self.where_industry is None else self.where_industry

    def select(self, keep: np.ndarray) -> Units:
        unit = self.unit[keep]
        where = unit if self.where is self.unit else self.where[keep]
        wi = None if self.where_industry is None else self.where_industry[keep]
        return Units(unit, where, self.value[keep], wi)


def _units(mask: np.ndarray, values: np.ndarray | None = None) -> Units:
    pos = np.flatnonzero(mask)
    vals = np.ones(len(pos)) if values is None else values[pos].astype(float)
    return Units(pos, pos, vals)
