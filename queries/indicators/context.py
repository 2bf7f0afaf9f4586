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


def _candidates(A: GraphArrays) -> np.ndarray:
    """L&M firms of any year (read-only, one array per graph: :meth:`Context.count`
    keeps what it groups for it)."""
    key = ("indicators", "candidates")
    if key not in A.memo:
        out = A.mask("Enterprise") & _lm_sized(A)
        out.flags.writeable = False
        A.memo[key] = out
    return A.memo[key]


def _entrepreneurs(A: GraphArrays) -> np.ndarray:
    """People whose role is entrepreneur (any year)."""
    key = ("indicators", "entrepreneurs")
    if key not in A.memo:
        out = A.mask("Person") & (A.values("role", dtype="object", fill="") == "entrepreneur")
        out.flags.writeable = False
        A.memo[key] = out
    return A.memo[key]


def _has_sizes(A: GraphArrays) -> bool:
    """Whether any enterprise not flagged as non-industrial has a size (any year)."""
    key = ("indicators", "has-sizes")
    if key not in A.memo:
        start, stop = A.spans["Enterprise"]
        size = A.values("size", dtype="object", fill="")[start:stop]
        industrial = A.values("industrial", dtype="float64", fill=np.nan)[start:stop]
        A.memo[key] = bool(((size != "") & ~(industrial == 0)).any())
    return bool(A.memo[key])


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
        self._pairs: dict[tuple[tuple[str, ...], int | None], Pairs] = {}
        self._alive: dict[int, np.ndarray] = {}
        self._alive_pairs: dict[tuple[tuple[str, ...], int | None, int], np.ndarray] = {}
        self._alive_edges: dict[tuple[str, int], np.ndarray] = {}
        self._ends: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._ends_among: dict[tuple[str, bool, int], tuple[np.ndarray, ...]] = {}

    def alive(self, year: int) -> np.ndarray:
        if year not in self._alive:
            self._alive[year] = (self.lo <= year) & (year <= self.hi)
        return self._alive[year]

    def ends(self, etype: str) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`GraphArrays.edges` (``year=None``), kept (read-only): that method
        copies the endpoints at every call."""
        if etype not in self._ends:
            src, dst = self.A.edges(etype)
            src.flags.writeable = dst.flags.writeable = False
            self._ends[etype] = (src, dst)
        return self._ends[etype]

    def ends_among(
        self, etype: str, flip: bool, among: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The edges of :meth:`ends` (reversed with ``flip``) whose source is in
        ``among``: (source, target, their places in :meth:`ends`).  ``among`` is a mask
        kept for the whole series; the cache knows it by identity."""
        key = (etype, flip, id(among))
        found = self._ends_among.get(key)
        if found is None or found[3] is not among:
            src, dst = self.ends(etype)
            if flip:
                src, dst = dst, src
            rows = np.flatnonzero(among[src])
            found = (src[rows], dst[rows], rows, among)
            self._ends_among[key] = found
        return found[0], found[1], found[2]

    def window(self, etype: str) -> tuple[np.ndarray, np.ndarray]:
        """First and last year of each edge of :meth:`GraphArrays.edges` (``year=None``)."""
        if etype not in self._windows:
            A = self.A
            src, dst = self.ends(etype)
            lo = np.nan_to_num(A.edge_values(etype, "since"), nan=-np.inf)
            hi = np.nan_to_num(A.edge_values(etype, "until"), nan=np.inf)
            lo = np.maximum(lo, np.maximum(self.lo[src], self.lo[dst]))
            hi = np.minimum(hi, np.minimum(self.hi[src], self.hi[dst]))
            self._windows[etype] = (lo, hi)
        return self._windows[etype]

    def edges(self, etype: str, year: int) -> tuple[np.ndarray, np.ndarray]:
        src, dst = self.ends(etype)
        keep = self.alive_edges(etype, year)
        return src[keep], dst[keep]

    def alive_edges(self, etype: str, year: int) -> np.ndarray:
        """Which edges of :meth:`GraphArrays.edges` (``year=None``) existed in ``year``."""
        key = (etype, year)
        if key not in self._alive_edges:
            lo, hi = self.window(etype)
            self._alive_edges[key] = (lo <= year) & (year <= hi)
        return self._alive_edges[key]

    def pairs(self, names: tuple[str, ...], among: np.ndarray | None = None) -> Pairs:
        """The distinct pairs of ``names``; with ``among``, only those whose source is
        in it (a mask kept for the whole series: the cache knows it by identity)."""
        key = (names, None if among is None else id(among))
        found = self._pairs.get(key)
        if found is None or found.among is not among:
            n = self.A.n
            ids, los, his = [], [], []
            for spec in names:
                etype = spec.removesuffix("^-1")
                src, dst = self.ends(etype)
                if spec.endswith("^-1"):
                    src, dst = dst, src
                lo, hi = self.window(etype)
                if among is not None:
                    keep = among[src]
                    src, dst, lo, hi = src[keep], dst[keep], lo[keep], hi[keep]
                ids.append(src * n + dst)
                los.append(lo)
                his.append(hi)
            uniq, inverse = np.unique(np.concatenate(ids), return_inverse=True)
            found = Pairs(
                uniq // n, uniq % n, inverse, np.concatenate(los), np.concatenate(his), among
            )
            self._pairs[key] = found
            self._alive_pairs = {k: v for k, v in self._alive_pairs.items() if k[:2] != key}
        return found

    def alive_pairs(
        self, names: tuple[str, ...], year: int, among: np.ndarray | None = None
    ) -> np.ndarray:
        """Which pairs of :meth:`pairs` are linked by an edge that existed in ``year``."""
        p = self.pairs(names, among)
        key = (names, None if among is None else id(among), year)
        if key not in self._alive_pairs:
            alive = (p.lo <= year) & (year <= p.hi)
            out = np.zeros(len(p.src), dtype=bool)
            out[p.inverse[alive]] = True
            self._alive_pairs[key] = out
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
    among: np.ndarray | None = None


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
        self.has_sizes = _has_sizes(A)
        self.lm = A.mask("Enterprise") & self.alive & _lm_sized(A)

    def edges(self, etype: str) -> tuple[np.ndarray, np.ndarray]:
        if self.year is None:
            return self.time.ends(etype)
        return self.time.edges(etype, self.year)

    def kind_in(self, label: str, kinds: Sequence[str]) -> np.ndarray:
        key = ("indicators", "kind", label, tuple(kinds))
        A = self.A
        if key not in A.memo:
            start, stop = A.spans[label]
            out = np.zeros(A.n, dtype=bool)
            out[start:stop] = np.isin(A.values("kind", dtype="object", fill="")[start:stop], kinds)
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
        self,
        etypes: str | Sequence[str],
        target: np.ndarray,
        *,
        reverse: bool = False,
        among: np.ndarray | None = None,
    ) -> np.ndarray:
        """Per node, its distinct neighbours in ``target`` over ``etypes`` (outgoing, or
        incoming with ``reverse``).  With ``among`` (a mask kept for every year, such as
        :func:`_candidates`), only the nodes in it are counted (0 elsewhere): a series
        of years then groups and filters only their edges."""
        names = [etypes] if isinstance(etypes, str) else list(etypes)
        if reverse:
            names = [f"{t}^-1" for t in names]
        pairs = self.time.pairs(tuple(names), among)
        keep = target[pairs.dst]
        if self.year is not None:
            keep &= self.time.alive_pairs(tuple(names), self.year, among)
        return np.bincount(pairs.src[keep], minlength=self.A.n).astype(np.int64, copy=False)

    def has(
        self,
        etypes: str | Sequence[str],
        target: np.ndarray,
        *,
        reverse: bool = False,
        among: np.ndarray | None = None,
    ) -> np.ndarray:
        """Nodes with an edge of ``etypes`` to (from, with ``reverse``) a node in ``target``.

        The same as ``count(...) > 0``, found edge by edge: whether a node has such a
        neighbour needs no distinct pairs.  With ``among``, as in :meth:`count`, only
        the nodes in it are asked about (False elsewhere)."""
        out = np.zeros(self.A.n, dtype=bool)
        for spec in [etypes] if isinstance(etypes, str) else etypes:
            etype = spec.removesuffix("^-1")
            flip = reverse != spec.endswith("^-1")
            rows = None
            if among is None:
                src, dst = self.time.ends(etype)
                if flip:
                    src, dst = dst, src
            else:
                src, dst, rows = self.time.ends_among(etype, flip, among)
            keep = target[dst]
            if self.year is not None:
                alive = self.time.alive_edges(etype, self.year)
                keep &= alive if rows is None else alive[rows]
            out[src[keep]] = True
        return out

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
