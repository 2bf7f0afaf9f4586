"""The question itself: ranked candidate partners of every source (or of one node),
kind by kind, with their explanations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.graph.schema import NODE_LABELS
from innokg.queries.arrays import (
    GraphArrays,
    Scope,
    arrays,
    graph_scope,
    resolve_city,
    resolve_industries,
)
from innokg.queries.metapaths import Kind, Method, Opts
from innokg.queries.partners.kinds import KINDS, _kinds
from innokg.queries.partners.scoring import _effective, _options, _top
from innokg.queries.partners.table import (
    _COLUMNS,
    _LABEL_WORDS,
    _describe,
    _none_for_node,
    _not_computable,
    _note_row,
)
from innokg.queries.reasons import _MEASURE

__all__ = ["candidate_partners"]


def _sources(
    G: EcosystemGraph,
    A: GraphArrays,
    label: str,
    year: int | None,
    city: str | None,
    industry: str | None,
    sizes: Sequence[str] | None = None,
    scope: Scope | None = None,
) -> np.ndarray:
    keep = A.mask(label) & A.alive(year)
    if scope is not None:
        keep &= scope.inside
    keep &= A.in_city(resolve_city(G, city)) & A.in_industries(resolve_industries(G, industry))
    if sizes and label == "Enterprise":
        keep &= A.isin("size", sizes)
    return np.flatnonzero(keep)


def _check_sizes(sizes: Sequence[str] | None) -> None:
    allowed = NODE_LABELS["Enterprise"].prop("size").values or ()
    unknown = sorted(set(sizes or ()) - set(allowed))
    if unknown:
        raise QueryError(f"unknown size(s) {', '.join(unknown)}; known: {', '.join(allowed)}")


def candidate_partners(
    G: EcosystemGraph,
    *,
    kinds: Sequence[str] | None = None,
    k: int = 20,
    per_source: int | None = None,
    node: str | None = None,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
    sizes: Sequence[str] | None = None,
    method: Method = "aa",
    hub_cap: int = 500,
    tail_cap: int = 200,
    batch_size: int = 2048,
    scope: str = "province",
    notes: bool = True,
) -> pd.DataFrame:
    """Ranked candidate partners that are not linked yet, with their explanation.

    Parameters
    ----------
    G : EcosystemGraph
    kinds : sequence of str, optional
        Keys of :data:`KINDS`; default every partnership kind (enterprise-institute,
        enterprise-enterprise, fund-team, fund-enterprise, enterprise-alliance).
    k : int
        Pairs listed per kind (overall best), or per ``node``.
    per_source : int, optional
        Instead of the overall best ``k``, the best ``per_source`` of every source.
    node : str, optional
        Only pairs involving this node (on either side of a kind; kinds it cannot take
        part in are skipped).
    year : int, optional
        As of this year: the graph as it was, and pairs not linked then.
    city, industry : str, optional
        Only sources (the enterprise; the team for fund-team) in this city / industry.
    sizes : sequence of str, optional
        Only source enterprises of these sizes (``large``, ``medium``, ``small``,
        ``micro``), e.g. the policy's large and medium firms; kinds whose source is
        not an enterprise are not filtered.
    method : {"aa", "ra"}
        Adamic-Adar or resource-allocation weights along meta-paths.
    hub_cap : int
        Skip paths whose last intermediate has more candidate-side neighbours (a
        product made by more firms, a buyer with more suppliers).
    tail_cap : int
        Candidates kept per intermediate: the strongest, ties to the better connected
        (bounds the work for busy intermediates such as an industry).
    batch_size : int
        Sources scored per sparse product (memory vs. speed).
    scope : {"province", "all"}
        On a graph about one province (:func:`graph_scope`: the real Henan build),
        ``"province"`` proposes for the province's own organisations only: sources
        located in it, and research institutes in it as targets; a partner firm may lie
        outside (the explanation says so).  ``"all"`` proposes for every node.  On a
        graph without a province scope both are the same.
    notes : bool
        For a kind that cannot be computed on this graph (no funds or maker teams, no
        alliances...), or that finds no candidate, one row saying so: ``rank`` 0,
        empty ids, the reason in ``explanation`` / ``explanation_en``.

    Returns
    -------
    pandas.DataFrame
        Kind by kind, best first:

        - ``kind`` (str): the kind of partnership; ``rank`` (int): 1 is the best of
          its kind (or of its source, with ``per_source``).
        - ``source`` (str), ``source_name`` (str): the proposing side (the enterprise;
          the maker team for fund-team); ``target`` (str), ``target_name`` (str).
        - ``score`` (float): meta-path score times complementarity (and, for
          enterprise-institute, capacity; see the module).
        - ``paths`` (str): the meta-paths joining them, strongest first, with their
          weighted scores (``common_buyers=1.443``).
        - ``same_city`` (bool), ``same_cluster`` (bool), ``fund_fit`` (bool): the
          complementarity conditions that hold (``same_cluster`` only for enterprise
          pairs, ``fund_fit`` only for fund kinds).
        - ``explanation`` (str): why, in Chinese; ``explanation_en`` (str): in English.

    Raises
    ------
    QueryError, NodeNotFound
        For an unknown kind, node, city or industry.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲", "name_en": "A Co."},
    ...                     {"id": "b", "name": "乙"}],
    ...      "ResearchInstitute": [{"id": "r", "name": "郑大", "name_en": "ZZU"}]},
    ...     {"SUPPLIES": [("a", "b")], "COLLABORATES_WITH": [("b", "r")]},
    ... )
    >>> df = candidate_partners(G, kinds=["enterprise-institute"], node="a")
    >>> df[["source", "target"]].to_dict("records")
    [{'source': 'a', 'target': 'r'}]
    >>> df["explanation"].iloc[0]
    '其供应链伙伴乙已与郑大合作；郑大现有1家合作企业。'
    >>> df["explanation_en"].iloc[0]
    'Its supply partner 乙 already works with ZZU; ZZU has 1 partner firm.'
    """
    scoring = (year, method, hub_cap, tail_cap)
    ask = _ask(G, scoring, k, per_source, node, scope, batch_size, (city, industry, sizes))
    frames: list[pd.DataFrame] = []
    said: list[pd.DataFrame] = []  # the one-line notes, after every ranked pair
    bases = _kinds(kinds)
    for base in bases:
        proposed = _propose(ask, base)
        if proposed is None:  # the node asked about takes no part in this kind
            continue
        ranked, note = proposed
        frames += ranked or [_note_row(base, "", "").iloc[:0]]
        if notes and note is not None:
            said.append(note)
    return _table(ask, frames + said, node, bases)


@dataclass(frozen=True)
class _Ask:
    """One call of :func:`candidate_partners`, as every kind is proposed for."""

    G: EcosystemGraph
    A: GraphArrays
    o: Opts
    k: int
    per_source: int | None
    batch_size: int
    pos: int | None  # the node asked about, or None for every source
    place: Scope | None
    filters: tuple[str | None, str | None, tuple[str, ...] | None]  # city, industry, sizes


@dataclass(frozen=True)
class _Plan:
    """What one kind ranks for a call: the kind as scored here, and the sides to rank
    (rows, walked from the target side, the other side's allowed nodes)."""

    base: Kind
    kind: Kind
    sides: list[tuple[np.ndarray, bool, np.ndarray | None]]
    source_mask: np.ndarray


def _no_sizes(
    A: GraphArrays,
    kind: Kind,
    candidates: np.ndarray,
    sizes: tuple[str, ...] | None,
    year: int | None,
) -> tuple[str, str] | None:
    """The note for a size filter that leaves no firm because the graph records no firm
    size (zh, en), or None: the firms exist, what is missing is their size."""
    if len(candidates) or not sizes or kind.source != "Enterprise":
        return None
    firms = A.mask("Enterprise") & A.alive(year)
    if not firms.any() or (A.values("size", dtype="object", fill="")[firms] != "").any():
        return None
    return (
        "无法计算：图中的企业没有规模数据，无法按规模筛选。",
        "Not computable: no firm in the graph has a size, so a size filter leaves none.",
    )


def _plan(ask: _Ask, base: Kind) -> _Plan | pd.DataFrame | None:
    """The plan of one kind; the one-line note when it cannot be computed here; None
    for a kind the node asked about cannot take part in."""
    A, G, pos, place, year = ask.A, ask.G, ask.pos, ask.place, ask.o.year
    kind = _effective(A, base, year)
    label = A.label(pos) if pos is not None else None
    if pos is not None and label not in (kind.source, kind.target):
        return None
    if pos is not None and label == kind.target and kind.symmetric and label != kind.source:
        return None
    candidates = _sources(G, A, kind.source, year, *ask.filters, place)
    source_mask = np.zeros(A.n, dtype=bool)
    source_mask[candidates] = True
    target_mask = A.mask(kind.target) & A.alive(year)
    if place is not None and kind.target != "Enterprise":
        target_mask &= place.inside | ~A.mask("ResearchInstitute")
    line = _no_sizes(A, kind, candidates, ask.filters[2], year)
    line = line or _not_computable(A, kind, candidates, year, place)
    if line is not None:
        return _note_row(base, *line)
    sides: list[tuple[np.ndarray, bool, np.ndarray | None]] = []
    if pos is None:
        sides.append((candidates, False, target_mask))
    else:
        if label == kind.source:
            sides.append((np.array([pos]), False, target_mask))
        if label == kind.target and not kind.symmetric:
            sides.append((np.array([pos]), True, source_mask))
    return _Plan(base, kind, sides, source_mask)


def _rank(
    ask: _Ask, plan: _Plan, rows: np.ndarray, reverse: bool, allowed: np.ndarray | None
) -> pd.DataFrame:
    """The ranked, explained pairs of ``rows`` (sources, or targets when ``reverse``).
    With ``per_source`` each row's pairs depend on that row alone, so any split of the
    rows gives the same pairs."""
    kind = plan.kind
    top = _top(
        ask.A,
        ask.G,
        kind,
        rows,
        ask.o,
        k=ask.k,
        per_source=ask.per_source,
        batch_size=ask.batch_size,
        reverse=reverse,
        allowed=allowed,
        dedupe=kind.symmetric and ask.pos is None and ask.per_source is None,
        is_source=plan.source_mask,
    )
    return _describe(ask.A, ask.G, kind, top, ask.o, key=plan.base.key, place=ask.place)


def _some_without(base: Kind, covered: int, sources: int) -> pd.DataFrame | None:
    """The note of a table with a row per source, when some sources have no candidate:
    how many, so that the table is not read as covering every source (None when all
    have one)."""
    if covered >= sources:
        return None
    zh_w, en_w = _LABEL_WORDS.get(base.source, (base.source, base.source))
    unit = _MEASURE.get(base.source, "家")
    missing = sources - covered
    return _note_row(
        base,
        f"部分{zh_w}没有候选：{sources:,}{unit}中有{missing:,}{unit}没有本类的候选（它们与尚未相连的"
        f"对象之间没有本类的元路径）；用 --for（或 node=）查看其中某一{unit}在哪一步中断。",
        f"No candidates for {missing:,} of the {sources:,} {en_w} (no meta-path of this kind "
        "joins them to anything not yet linked); --for (or node=) one of them says where "
        "its walks stop.",
    )


def _no_candidates(base: Kind, kind: Kind) -> pd.DataFrame:
    if any(path.qualifier for path in kind.paths):  # place evidence alone proposes nobody
        return _note_row(
            base,
            "没有找到候选：没有哪家高校或科研机构的研究领域与企业所在行业相同（仅同在一地不足以推荐）。",
            "No candidates: no institute's field is a firm's industry "
            "(sharing a place alone proposes nobody).",
        )
    return _note_row(
        base,
        "没有找到候选：没有任何一对由本类的元路径相连。",
        "No candidates: no pair is joined by any meta-path of this kind.",
    )


def _propose(ask: _Ask, base: Kind) -> tuple[list[pd.DataFrame], pd.DataFrame | None] | None:
    """The ranked tables of one kind, and the one-line note when it has none (it cannot
    be computed here, or no pair is joined); None for a kind the node asked about
    cannot take part in."""
    plan = _plan(ask, base)
    if plan is None:
        return None
    if isinstance(plan, pd.DataFrame):
        return [], plan
    frames = [_rank(ask, plan, rows, reverse, allowed) for rows, reverse, allowed in plan.sides]
    if sum(len(f) for f in frames):
        if ask.pos is None and ask.per_source is not None:
            covered = pd.concat([f["source"] for f in frames]).nunique()
            return frames, _some_without(base, covered, len(plan.sides[0][0]))
        return frames, None
    if ask.pos is None:
        return frames, _no_candidates(base, plan.kind)
    reverse = all(side[1] for side in plan.sides)
    return frames, _note_row(base, *_none_for_node(ask.A, plan.kind, ask.pos, reverse, ask.o.year))


def _ask(
    G: EcosystemGraph,
    scoring: tuple[int | None, str, int, int],
    k: int,
    per_source: int | None,
    node: str | None,
    scope: str,
    batch_size: int,
    filters: tuple[str | None, str | None, Sequence[str] | None],
) -> _Ask:
    """The request checked, with the graph's arrays, the node's position and the scope."""
    if k < 1 or (per_source is not None and per_source < 1):
        raise QueryError("k and per_source must be at least 1")
    if scope not in ("province", "all"):
        raise QueryError(f"scope must be province or all (got {scope!r})")
    o = _options(*scoring)
    city, industry, sizes = filters
    _check_sizes(sizes)
    A = arrays(G)
    return _Ask(
        G,
        A,
        o,
        k,
        per_source,
        batch_size,
        A.position(node) if node is not None else None,
        graph_scope(G) if scope == "province" else None,
        (city, industry, tuple(sizes) if sizes else None),
    )


def _table(
    ask: _Ask, frames: list[pd.DataFrame], node: str | None, bases: Sequence[Kind] = ()
) -> pd.DataFrame:
    """The kinds' tables as one; an empty table when nothing was computable and no note
    wanted; an error when the node asked about takes part in none of the kinds
    (``bases``)."""
    if not frames and ask.pos is None:
        return _note_row(KINDS["fund-team"], "", "").iloc[:0]
    if not frames:
        label = ask.A.label(ask.pos) if ask.pos is not None else "?"
        kinds = list(bases) or list(KINDS.values())
        pairs = "; ".join(f"{kd.key} pairs {kd.source} with {kd.target}" for kd in kinds)
        every = {kd.key for kd in kinds} >= {kd.key for kd in _kinds(None)}
        what = f"{node!r} ({ask.A.names[ask.pos]}) is a node of label {label}"
        if every:
            raise QueryError(f"{what}, which no partnership kind pairs ({pairs})")
        raise QueryError(
            f"{what}, which none of the kinds asked for pairs ({pairs}); ask for a kind "
            f"with {label}, or for every kind"
        )
    return pd.concat(frames, ignore_index=True).astype(_COLUMNS)
