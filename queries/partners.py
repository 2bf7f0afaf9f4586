"""Candidate partnerships: ranked pairs that are not yet linked, each with its reasons.

A pair is scored by link prediction over the typed graph.  Each kind of partnership
(:data:`KINDS`) has a few meaningful *meta-paths*: typed walks from one side to the
other, such as enterprise -> (supplies) -> buyer <- (supplies) <- enterprise.  Along a
meta-path every intermediate node ``z`` contributes ``1 / log(deg z)`` (Adamic-Adar)
or ``1 / deg z`` (resource allocation), with ``deg z`` its distinct neighbours over
the path's two edge types around it, and the contributions multiply along the walk
and add over walks.  A kind's score adds its meta-paths, each times its weight, and
is then multiplied by its complementarity: ``1 + 0.5`` for each of *same city*,
*same supply cluster* (enterprise pairs) and *same chain, different position* (one
makes an input of what the other makes) or *a fund of the right kind* (fund pairs).
A tiny degree prior (1e-6 x log(1 + deg u) x log(1 + deg v) over the organisation
network) breaks ties between pairs no meta-path joins; such pairs are never listed
as candidates, as there is nothing to say about them.

Enterprise–institute pairs are scored as ``θ(u) θ(v) (paths + floor + prior) x
complementarity``.  Its *paths* include the circumstantial place evidence (an R&D
platform of the firm in the institute's city; a city specialised in the firm's
industry; the same city), since a firm and an institute of one city are the usual
partners and no walk through other firms says so.  ``θ(x) = 1 + log(1 + k)``, with
``k`` the partners of the kind each side already has (the institute's partner firms,
the firm's research partners): preferential attachment over the kind's own links, the
plainest sign that a side takes partners at all.  The *floor* (``1 / log hub_cap``,
the weight of the least telling intermediate a walk may pass) lets it order pairs
that no walk joins.  See :class:`~innokg.queries.metapaths.Capacity`.  On a graph that
records no collaboration at all (the real build) there is nothing to count: the place
meta-paths alone score the pairs, without ``θ`` or floor.

Every listed pair carries an explanation in Chinese and in English naming the
intermediate nodes of its strongest meta-paths (up to three of each) and its
complementarity, e.g. ``两家都为甲（E1）供货；同在郑州市。``

The scores are sparse matrix products, right to left: for each meta-path the product
of everything after its first step is computed once (``tail``), and each batch of
sources multiplies its rows of the first step by it.  Paths through an intermediate
node with more than ``hub_cap`` neighbours on the candidate side are skipped (a
product made by 10,000 firms says next to nothing about any one pair, and would make
the candidates quadratic).

Examples
--------
Two suppliers of the same buyer: one shared buyer of degree 2 gives 1 / log 2, and
the three firms form one supply cluster (factor 1.5):

>>> from tests.factory import make_graph
>>> G = make_graph(
...     {"Enterprise": [{"id": "a", "name": "甲"}, {"id": "b", "name": "乙"},
...                     {"id": "c", "name": "丙"}]},
...     {"SUPPLIES": [("a", "c"), ("b", "c")]},
... )
>>> row = candidate_partners(G, kinds=["enterprise-enterprise"]).iloc[0]
>>> row["source"], row["target"], round(float(row["score"]), 4)
('a', 'b', 2.164)
>>> row["explanation"]
'两家都为丙供货；同属一个供应链集群。'
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.graph.schema import NODE_LABELS
from innokg.queries.arrays import (
    ORG_EDGES,
    GraphArrays,
    Scope,
    arrays,
    graph_scope,
    resolve_city,
    resolve_industries,
)
from innokg.queries.clusters import cluster_labels
from innokg.queries.metapaths import (
    Capacity,
    Kind,
    MetaPath,
    Method,
    Opts,
    degree_prior,
    evidence_floor,
    kind_degree,
    linked_pairs,
    lookup_pairs,
    path_tail,
    path_weights,
    step_matrix,
)
from innokg.queries.reasons import describe

__all__ = [
    "KINDS",
    "ORG_EDGES",
    "Kind",
    "MetaPath",
    "Scope",
    "adamic_adar",
    "adamic_adar_candidates",
    "candidate_partners",
    "graph_scope",
    "path_scores",
    "score_pairs",
]


#: Bonus of each complementarity condition that holds.
BONUS = 0.5
#: Weight of the degree prior (a tie-breaker only).
PRIOR = 1e-6
_SUPPLY = ("SUPPLIES", "SUPPLIES^-1")


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "enterprise-institute",
            "Enterprise",
            "ResearchInstitute",
            ("COLLABORATES_WITH",),
            (
                MetaPath(
                    "partner_collaborates",
                    (_SUPPLY, ("COLLABORATES_WITH",)),
                    "其供应链伙伴{mids}已与{t}合作",
                    "its supply partner{s} {mids} already work{s1} with {t}",
                ),
                MetaPath(
                    "industry_peers",
                    (("IN_INDUSTRY",), ("IN_INDUSTRY^-1",), ("COLLABORATES_WITH",)),
                    "{t}已与同属{mids}的{n2}家企业合作（{mids2}）",
                    "{t} already works with {n2} firm{s2} in {mids} ({mids2})",
                ),
                MetaPath(
                    "same_field",
                    (("IN_INDUSTRY",), ("IN_INDUSTRY^-1",)),
                    "{t}的研究领域为{mids}，正是其所在行业",
                    "{t} works in its industry, {mids}",
                ),
                MetaPath(
                    "alliance",
                    (("MEMBER_OF",), ("MEMBER_OF^-1",)),
                    "同为{mids}成员",
                    "both belong to {mids}",
                ),
            ),
            "企业—科研机构（联合研发）",
            "enterprise - research institute (joint R&D)",
            capacity=Capacity(
                "该企业已与{k}家高校或科研机构合作",
                "the firm already works with {k} research institute{s}",
                "{t}现有{k}家合作企业",
                "{t} has {k} partner firm{s}",
            ),
            proxies=(
                MetaPath(
                    "rnd_centre_city",
                    (("OPERATES_RND",), ("IN_CITY",), ("IN_CITY^-1",)),
                    "其{mids}与{t}同在{mids2}，可作联合研发的承接平台",
                    "its {mids} {are} in {mids2}, as is {t}: a base for joint R&D",
                    place=True,
                ),
                MetaPath(
                    "specialised_city",
                    (("IN_INDUSTRY",), ("SPECIALISES_IN^-1",), ("IN_CITY^-1",)),
                    "{t}位于{mids2}，该市的专业化产业（区位商大于1）包括其所在的{mids}",
                    "{t} is in {mids2}, a city specialised (location quotient above 1) "
                    "in its industry {mids}",
                    place=True,
                ),
                MetaPath(
                    "same_city",
                    (("IN_CITY",), ("IN_CITY^-1",)),
                    "{t}与其同在{mids}",
                    "{t} is in {mids} too",
                    place=True,
                    implied_by=("rnd_centre_city",),
                ),
            ),
        ),
        Kind(
            "enterprise-enterprise",
            "Enterprise",
            "Enterprise",
            ("SUPPLIES", "SUPPLIES^-1", "COLLABORATES_WITH", "COLLABORATES_WITH^-1"),
            (
                MetaPath(
                    "supplies_input",
                    (("PRODUCES",), ("UPSTREAM_OF",), ("PRODUCES^-1",)),
                    "前者生产的{mids}是后者所产{mids2}的上游原料",
                    "the first makes {mids}, an input of the {mids2} the second makes",
                ),
                MetaPath(
                    "buys_input",
                    (("PRODUCES",), ("UPSTREAM_OF^-1",), ("PRODUCES^-1",)),
                    "后者生产的{mids2}是前者所产{mids}的上游原料",
                    "the second makes {mids2}, an input of the {mids} the first makes",
                ),
                MetaPath(
                    "common_buyers",
                    (("SUPPLIES",), ("SUPPLIES^-1",)),
                    "两家都为{mids}供货",
                    "both supply {mids}",
                ),
                MetaPath(
                    "common_suppliers",
                    (("SUPPLIES^-1",), ("SUPPLIES",)),
                    "两家都从{mids}采购",
                    "both buy from {mids}",
                ),
                MetaPath(
                    "shared_partner",
                    (("COLLABORATES_WITH",), ("COLLABORATES_WITH^-1",)),
                    "两家都与{mids}合作",
                    "both work with {mids}",
                ),
                MetaPath(
                    "alliance",
                    (("MEMBER_OF",), ("MEMBER_OF^-1",)),
                    "同为{mids}成员",
                    "both belong to {mids}",
                ),
            ),
            "企业—企业（供货或协同创新）",
            "enterprise - enterprise (supply or co-innovation)",
            symmetric=True,
            cluster=True,
            chain=("supplies_input", "buys_input"),
        ),
        Kind(
            "fund-team",
            "MakerTeam",
            "Fund",
            ("INVESTS_IN^-1",),
            (
                MetaPath(
                    "co_hosted",
                    (("HOSTS^-1",), ("HOSTS",), ("INVESTS_IN^-1",)),
                    "{t}已投资同在{mids}孵化的{mids2}",
                    "{t} already backs {mids2}, also hosted by {mids}",
                ),
                MetaPath(
                    "backs_host",
                    (("HOSTS^-1",), ("INVESTS_IN^-1",)),
                    "{t}已投资孵化该团队的{mids}",
                    "{t} already invests in its host {mids}",
                ),
                MetaPath(
                    "host_founded",
                    (("HOSTS^-1",), ("ESTABLISHED",)),
                    "{t}由孵化该团队的{mids}设立",
                    "{t} was set up by its host {mids}",
                ),
            ),
            "基金—创客团队",
            "fund - maker team",
            fund_kinds=("maker_fund", "maker_bank", "angel", "public_welfare", "venture"),
        ),
        Kind(
            "fund-enterprise",
            "Enterprise",
            "Fund",
            ("INVESTS_IN^-1",),
            (
                MetaPath(
                    "backs_partner",
                    (_SUPPLY, ("INVESTS_IN^-1",)),
                    "{t}已投资其供应链伙伴{mids}",
                    "{t} already backs its supply partner{s} {mids}",
                ),
                MetaPath(
                    "industry_portfolio",
                    (("IN_INDUSTRY",), ("IN_INDUSTRY^-1",), ("INVESTS_IN^-1",)),
                    "{t}已投资同属{mids}的{n2}家企业（{mids2}）",
                    "{t} already backs {n2} firm{s2} in {mids} ({mids2})",
                ),
                MetaPath(
                    "partner_founded",
                    (_SUPPLY, ("ESTABLISHED",)),
                    "{t}由其供应链伙伴{mids}设立",
                    "{t} was set up by its supply partner {mids}",
                ),
                MetaPath(
                    "alliance",
                    (("MEMBER_OF",), ("MEMBER_OF^-1",)),
                    "同为{mids}成员",
                    "both belong to {mids}",
                ),
            ),
            "基金—企业",
            "fund - enterprise",
            fund_kinds=("industry_investment", "venture", "angel", "government_special"),
        ),
        Kind(
            "enterprise-alliance",
            "Enterprise",
            "Alliance",
            ("MEMBER_OF",),
            (
                MetaPath(
                    "partner_member",
                    (_SUPPLY, ("MEMBER_OF",)),
                    "其供应链伙伴{mids}已是{t}成员",
                    "its supply partner{s} {mids} already belong{s1} to {t}",
                ),
                MetaPath(
                    "industry_peers",
                    (("IN_INDUSTRY",), ("IN_INDUSTRY^-1",), ("MEMBER_OF",)),
                    "同属{mids}的{n2}{who2}已加入{t}（{mids2}）",
                    "{n2} {who2} in {mids} already belong{s3} to {t} ({mids2})",
                ),
                MetaPath(
                    "institute_member",
                    (("COLLABORATES_WITH",), ("MEMBER_OF",)),
                    "其合作机构{mids}已是{t}成员",
                    "its research partner{s} {mids} already belong{s1} to {t}",
                ),
            ),
            "企业—联盟",
            "enterprise - alliance",
        ),
        Kind(
            "enterprise-product",
            "Enterprise",
            "Product",
            ("PRODUCES",),
            (
                MetaPath(
                    "co_made",
                    (("PRODUCES",), ("PRODUCES^-1",), ("PRODUCES",)),
                    "生产{mids}的企业（如{mids2}）也生产{t}",
                    "makers of {mids} (such as {mids2}) also make {t}",
                ),
                MetaPath(
                    "industry_made",
                    (("IN_INDUSTRY",), ("IN_INDUSTRY^-1",), ("PRODUCES",)),
                    "同属{mids}的{n2}家企业生产{t}",
                    "{n2} firm{s2} in {mids} make{s3} {t}",
                ),
                MetaPath(
                    "chain_neighbour",
                    (("PRODUCES",), ("UPSTREAM_OF", "UPSTREAM_OF^-1")),
                    "{t}与其产品{mids}处在同一产业链上下游",
                    "{t} is an input or output of its {mids}",
                ),
                MetaPath(
                    "sibling",
                    (("PRODUCES",), ("SUBCLASS_OF", "SUBCLASS_OF^-1")),
                    "{t}与其产品{mids}同类",
                    "{t} is in the same class as its {mids}",
                ),
            ),
            "企业—产品（用于检验方法）",
            "enterprise - product (to measure the method)",
            partnership=False,
        ),
        Kind(
            "enterprise-industry",
            "Enterprise",
            "Industry",
            ("IN_INDUSTRY",),
            (
                MetaPath(
                    "product_peers",
                    (("PRODUCES",), ("PRODUCES^-1",), ("IN_INDUSTRY",)),
                    "生产{mids}的{n2}家企业属于{t}",
                    "{n2} maker{s2} of {mids} {are2} in {t}",
                ),
                MetaPath(
                    "supply_peers",
                    (_SUPPLY, ("IN_INDUSTRY",)),
                    "其供应链伙伴{mids}属于{t}",
                    "its supply partner{s} {mids} {are} in {t}",
                ),
                MetaPath(
                    "industry_peers",
                    (("IN_INDUSTRY",), ("IN_INDUSTRY^-1",), ("IN_INDUSTRY",)),
                    "同属{mids}的{n2}家企业（{mids2}）也属于{t}",
                    "{n2} firm{s2} in {mids} ({mids2}) {are2} in {t} too",
                ),
            ),
            "企业—行业（用于检验方法）",
            "enterprise - industry (to measure the method)",
            partnership=False,
        ),
    )
}


@dataclass
class _Batch:
    """Scores of some sources against every target, path by path."""

    rows: np.ndarray  # source positions, one per matrix row
    parts: dict[str, sp.csr_array]  # meta-path key -> weighted path scores
    total: sp.csr_array  # sum over meta-paths of weight x score, linked pairs removed


def _batch(A: GraphArrays, kind: Kind, rows: np.ndarray, o: Opts, reverse: bool = False) -> _Batch:
    parts: dict[str, sp.csr_array] = {}
    total: sp.csr_array | None = None
    for path in kind.paths:
        first, tail = path_tail(A, kind, path, o, reverse)
        s = sp.csr_array(first[rows] @ tail)
        parts[path.key] = s
        total = path.weight * s if total is None else total + path.weight * s
    assert total is not None
    total = sp.csr_array(total)
    linked = linked_pairs(A, kind, o.year)
    if reverse:
        linked = sp.csr_array(linked.T)
    block = linked[rows]
    total = total - total.multiply(block > 0)
    coo = sp.coo_array(total)
    keep = coo.col != rows[coo.row]
    total = sp.csr_array((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=total.shape)
    total.eliminate_zeros()
    return _Batch(rows, parts, total)


def _complementarity(
    A: GraphArrays,
    kind: Kind,
    u: np.ndarray,
    v: np.ndarray,
    chain_flag: np.ndarray,
    clusters: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Factor, same city, same cluster and fund-fit flags of pairs (u source, v target)."""
    city = A.city()
    same_city = (city[u] >= 0) & (city[u] == city[v])
    same_cluster = np.zeros(len(u), dtype=bool)
    if kind.cluster and clusters is not None:
        same_cluster = (clusters[u] >= 0) & (clusters[u] == clusters[v])
    fund_fit = np.zeros(len(u), dtype=bool)
    if kind.fund_kinds:
        fund_kind = A.values("kind", dtype="object", fill="")
        fund_fit = np.isin(fund_kind[v], kind.fund_kinds)
    factor = 1.0 + BONUS * (
        same_city.astype(float)
        + same_cluster
        + chain_flag.astype(float)
        + fund_fit
        + _research_fit(A, kind, v)
    )
    return factor, same_city, same_cluster, fund_fit


def _chain_flag(batch: _Batch, kind: Kind, r: np.ndarray, c: np.ndarray) -> np.ndarray:
    flag = np.zeros(len(r), dtype=bool)
    for key in kind.chain:
        flag |= lookup_pairs(batch.parts[key], r, c) > 0
    return flag


def _options(year: int | None, method: str, hub_cap: int, tail_cap: int) -> Opts:
    if method not in ("aa", "ra"):
        raise QueryError(f"method must be aa or ra (got {method!r})")
    if hub_cap < 1 or tail_cap < 1:
        raise QueryError("hub_cap and tail_cap must be at least 1")
    return Opts(year, method, hub_cap, tail_cap)  # type: ignore[arg-type]


def _kinds(kinds: Sequence[str] | None, *, partnership_only: bool = True) -> list[Kind]:
    if not kinds:
        return [k for k in KINDS.values() if k.partnership or not partnership_only]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise QueryError(f"unknown kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}")
    return [KINDS[k] for k in kinds]


def _clusters(G: EcosystemGraph, kind: Kind, year: int | None) -> np.ndarray | None:
    return cluster_labels(G, year=year) if kind.cluster else None


def _effective(A: GraphArrays, kind: Kind, year: int | None) -> Kind:
    """The kind as scored on this graph: its meta-paths and its proxy meta-paths side
    by side; or, on a graph that records no link of the kind at all, its proxy
    meta-paths alone (and no capacity: there is no partner to count)."""
    if not kind.proxies:
        return kind
    if linked_pairs(A, kind, year).nnz:
        return replace(kind, paths=kind.paths + kind.proxies, proxies=())
    # paths that need no link of the kind (the institute's field is the firm's industry)
    # still tell a relevant institute from a merely nearby one
    linkless = tuple(p for p in kind.paths if p.key in _LINKLESS)
    return replace(
        kind,
        key=kind.key + "~proxies",
        paths=kind.proxies + linkless,
        proxies=(),
        capacity=None,
    )


#: Meta-paths of a kind that go through no link of the kind itself.
_LINKLESS = ("same_field",)


def _capacity(A: GraphArrays, kind: Kind, o: Opts) -> tuple[np.ndarray, float]:
    """``θ`` of every node and the evidence floor of a kind with a capacity (ones and
    0 otherwise): a pair scores ``θ(u) θ(v) (paths + floor + prior) × complementarity``.

    Why: meta-paths say which institute suits a firm, not whether either takes on a
    partner at all; the partners each already has are the plainest sign of that
    (preferential attachment over the kind's own links, not over every edge as the
    baseline does), on a log scale so that it weighs with the evidence rather than
    drowning it.  The floor lets it order pairs that no meta-path joins.
    """
    if kind.capacity is None:
        return np.ones(A.n), 0.0
    theta = 1.0 + np.log1p(kind_degree(A, kind, o.year).astype(float))
    return theta, evidence_floor(o)


#: Targets that a firm belongs to rather than partners with, whose commonness the
#: tie-breaker weighs (see :func:`_tie_break`).
_CLASSES = ("Industry",)


def _tie_break(A: GraphArrays, kind: Kind, year: int | None) -> np.ndarray:
    """Every node's part of the degree prior, the tie-breaker of pairs the evidence
    leaves level: ``log(1 + deg)`` over the organisation network; for a kind whose
    target is an industry, ``θ = 1 + log(1 + k)`` over the kind's own links (a firm's
    industries; an industry's firms).

    Why: an industry has no organisation links, so the plain prior leaves every
    industry no meta-path reaches tied with the others; yet industries differ most in
    how common they are, and a firm is likelier to be in a division of thirty listed
    firms than in one of none (all that preferential attachment exploits on the real
    build).  Weighted by :data:`PRIOR`, it orders the pairs no meta-path joins.  Products
    are left out: most are made by one firm, so a hidden product looks unmade and
    commonness ranks it lower still (docs/partner_quality.md).
    """
    if kind.target not in _CLASSES:
        return degree_prior(A, year)
    key = ("partners-class-prior", kind.key, year)
    if key not in A.memo:
        A.memo[key] = 1.0 + np.log1p(kind_degree(A, kind, year).astype(float))
    result: np.ndarray = A.memo[key]
    return result


#: Bonus of a degree-granting university (本科) or a research institute on proxy
#: meta-paths, where nothing else tells a research partner from a vocational college.
_RESEARCH_LEVELS = ("本科",)
_RESEARCH_KINDS = ("research_institute", "key_lab", "global_rnd")


def _research_fit(A: GraphArrays, kind: Kind, v: np.ndarray) -> np.ndarray:
    if not kind.key.endswith("~proxies") or kind.target != "ResearchInstitute":
        return np.zeros(len(v), dtype=bool)
    level = A.values("level", dtype="object", fill="")
    sort = A.values("kind", dtype="object", fill="")
    return np.isin(level[v], _RESEARCH_LEVELS) | np.isin(sort[v], _RESEARCH_KINDS)


#: How the kinds' data are named in a "not computable" line.
_LABEL_WORDS = {
    "Enterprise": ("企业", "enterprises"),
    "ResearchInstitute": ("高校和科研机构", "universities or research institutes"),
    "Fund": ("基金", "funds"),
    "MakerTeam": ("创客团队", "maker teams"),
    "Alliance": ("联盟", "alliances"),
    "Product": ("产品", "products"),
    "Industry": ("行业", "industries"),
}


def _not_computable(
    A: GraphArrays, kind: Kind, sources: np.ndarray, year: int | None, scope: Scope | None
) -> tuple[str, str] | None:
    """One plain line (zh, en) saying what data the kind lacks on this graph, or None."""
    missing: list[tuple[str, str, str]] = []
    for label, present in (
        (kind.source, len(sources) > 0),
        (kind.target, bool((A.mask(kind.target) & A.alive(year)).any())),
    ):
        if not present and label not in [m[0] for m in missing]:
            missing.append((label, *_LABEL_WORDS.get(label, (label, label))))
    if missing:
        zh = "和".join(m[1] for m in missing)
        en = " or ".join(m[2] for m in missing)
        where_zh = f"（{scope.name}内）" if scope is not None and len(sources) == 0 else ""
        where_en = f" in {scope.name_en}" if scope is not None and len(sources) == 0 else ""
        if kind.source in [m[0] for m in missing] and kind.target not in [m[0] for m in missing]:
            return (
                f"无法计算：图中没有{zh}{where_zh}数据。",
                f"Not computable: the graph has no {en}{where_en}.",
            )
        return (f"无法计算：图中没有{zh}数据。", f"Not computable: the graph has no {en}.")
    usable = [
        p
        for p in _effective(A, kind, year).paths
        if all(step_matrix(A, step, year).nnz for step in p.steps)
    ]
    if not usable:
        types = sorted(
            {t.removesuffix("^-1") for p in kind.paths for st in p.steps for t in st}
            - {"IN_INDUSTRY", "PRODUCES", "SUPPLIES"}
        ) or sorted({t.removesuffix("^-1") for p in kind.paths for st in p.steps for t in st})
        return (
            f"无法计算：图中没有可用的关系（{'、'.join(types)}）。",
            f"Not computable: the graph has none of the links it needs ({', '.join(types)}).",
        )
    return None


def _note_row(kind: Kind, zh: str, en: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": [kind.key],
            "rank": [0],
            "source": [""],
            "source_name": [""],
            "target": [""],
            "target_name": [""],
            "score": [np.nan],
            "paths": [""],
            "same_city": [False],
            "same_cluster": [False],
            "fund_fit": [False],
            "explanation": [zh],
            "explanation_en": [en],
        }
    ).astype(_COLUMNS)


def path_scores(
    G: EcosystemGraph,
    kind: str,
    sources: Sequence[str] | np.ndarray,
    targets: Sequence[str] | np.ndarray,
    *,
    year: int | None = None,
    method: Method = "aa",
    hub_cap: int = 500,
    tail_cap: int = 200,
    batch_size: int = 2048,
) -> pd.DataFrame:
    """The parts of the score of given (source, target) pairs, linked or not.

    Parameters
    ----------
    G : EcosystemGraph
    kind : str
        A key of :data:`KINDS`.
    sources, targets : sequence of str
        Node ids, pair by pair: sources of the kind's source label, targets of its
        target label.
    year, method, hub_cap, tail_cap
        As for :func:`candidate_partners`.
    batch_size : int
        Sources scored per sparse product.

    Returns
    -------
    pandas.DataFrame
        One row per pair, in the order given:

        - ``source``, ``target`` (str): the pair.
        - one float column per meta-path of the kind (its key; for
          enterprise-institute its proxy meta-paths too): the path's weighted score.
        - ``prior`` (float): the degree prior (a tie-breaker), plus the evidence floor
          of a kind with a capacity.
        - ``capacity`` (float): ``θ(u) θ(v)`` of a kind with a capacity, else 1.
        - ``factor`` (float): the complementarity factor, 1 to 2.5.
        - ``score`` (float): (sum of the paths + prior) x capacity x factor, as ranked
          by :func:`candidate_partners`.  Pairs already linked score as if they were
          not (their own link still counts in ``capacity``).

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abc"]},
    ...                {"SUPPLIES": [("a", "c"), ("b", "c")]})
    >>> row = path_scores(G, "enterprise-enterprise", ["a"], ["b"]).iloc[0]
    >>> round(float(row["common_buyers"]), 6), float(row["factor"])  # 1 / log 2; one cluster
    (1.442695, 1.5)
    """
    o = _options(year, method, hub_cap, tail_cap)
    A = arrays(G)
    spec = _effective(A, _kinds([kind], partnership_only=False)[0], year)
    u, v = A.index(np.asarray(sources)), A.index(np.asarray(targets))
    if (u < 0).any() or (v < 0).any():
        bad = np.asarray(sources)[u < 0].tolist() + np.asarray(targets)[v < 0].tolist()
        raise QueryError(f"not in the graph: {', '.join(map(str, bad[:5]))}")
    clusters = _clusters(G, spec, year)
    prior = _tie_break(A, spec, year)
    theta, floor = _capacity(A, spec, o)
    parts = {path.key: np.zeros(len(u)) for path in spec.paths}
    factor = np.ones(len(u))
    unique, inverse = np.unique(u, return_inverse=True)
    for start in range(0, len(unique), batch_size):  # one sparse product per batch
        rows = unique[start : start + batch_size]
        sel = np.flatnonzero((inverse >= start) & (inverse < start + batch_size))
        r = inverse[sel] - start
        chain = np.zeros(len(sel), dtype=bool)
        for path in spec.paths:
            first, tail = path_tail(A, spec, path, o, False)
            value = lookup_pairs(sp.csr_array(first[rows] @ tail), r, v[sel])
            parts[path.key][sel] = path.weight * value
            if path.key in spec.chain:
                chain |= value > 0
        factor[sel], *_ = _complementarity(A, spec, u[sel], v[sel], chain, clusters)
    out = pd.DataFrame({"source": A.ids[u].astype(str), "target": A.ids[v].astype(str), **parts})
    out["prior"] = floor + PRIOR * prior[u] * prior[v]
    out["capacity"] = theta[u] * theta[v]
    out["factor"] = factor
    out["score"] = (out[list(parts)].sum(axis=1) + out["prior"]) * out["capacity"] * factor
    return out.astype({"source": "string", "target": "string"})


def score_pairs(
    G: EcosystemGraph,
    kind: str,
    sources: Sequence[str] | np.ndarray,
    targets: Sequence[str] | np.ndarray,
    **options: Any,
) -> np.ndarray:
    """The ``score`` column of :func:`path_scores` (options as there), as an array."""
    return path_scores(G, kind, sources, targets, **options)["score"].to_numpy(float)


# --- the question --------------------------------------------------------------------


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
        keep &= np.isin(A.values("size", dtype="object", fill=""), list(sizes))
    return np.flatnonzero(keep)


def _check_sizes(sizes: Sequence[str] | None) -> None:
    allowed = NODE_LABELS["Enterprise"].prop("size").values or ()
    unknown = sorted(set(sizes or ()) - set(allowed))
    if unknown:
        raise QueryError(f"unknown size(s) {', '.join(unknown)}; known: {', '.join(allowed)}")


def _top(
    A: GraphArrays,
    G: EcosystemGraph,
    kind: Kind,
    rows: np.ndarray,
    o: Opts,
    *,
    k: int,
    per_source: int | None,
    batch_size: int,
    reverse: bool,
    allowed: np.ndarray | None = None,
    dedupe: bool = False,
    is_source: np.ndarray | None = None,
) -> pd.DataFrame:
    """The best pairs of ``rows`` (sources, or targets when ``reverse``): columns
    ``src``, ``dst``, ``score``, ``rank``.  ``allowed`` masks the other side.
    ``dedupe`` keeps one orientation of a pair both of whose ends are sources
    (``is_source``; default every node)."""
    clusters = _clusters(G, kind, o.year)
    prior = _tie_break(A, kind, o.year)
    theta, floor = _capacity(A, kind, o)
    heap: list[tuple[float, int, int]] = []
    frames = []
    for start in range(0, len(rows), batch_size):  # one sparse product per batch
        batch = _batch(A, kind, rows[start : start + batch_size], o, reverse)
        coo = sp.coo_array(batch.total)
        r, c, s = coo.row, coo.col, coo.data
        if allowed is not None:
            ok = allowed[c]
            r, c, s = r[ok], c[ok], s[ok]
        u = batch.rows[r]
        src, dst = (c, u) if reverse else (u, c)
        if dedupe:
            ok = src < dst
            if is_source is not None:
                ok |= ~is_source[dst]
            r, c, s, u, src, dst = r[ok], c[ok], s[ok], u[ok], src[ok], dst[ok]
        chain = _chain_flag(batch, kind, r, c)
        factor, *_ = _complementarity(A, kind, src, dst, chain, clusters)
        base = s + floor + PRIOR * prior[src] * prior[dst]
        score = base * (theta[src] * theta[dst]) * factor
        if per_source is not None:
            # best first within each row, ties by target (numpy's lexsort: a pandas
            # multi-column sort factorises every key and was most of the time here)
            order = np.lexsort((dst, -score, u))
            first = np.searchsorted(u[order], u[order], side="left")
            order = order[np.arange(len(order)) - first < per_source]
            frames.append(
                pd.DataFrame(
                    {"src": src[order], "dst": dst[order], "score": score[order], "row": u[order]}
                )
            )
            continue
        frame = pd.DataFrame({"src": src, "dst": dst, "score": score, "row": u})
        best = frame.nlargest(k, "score", keep="all")
        for rec in best.itertuples(index=False):  # at most k (plus ties) per batch
            item = (float(rec.score), -int(rec.src), -int(rec.dst))
            if len(heap) < k:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)
    if per_source is not None:
        if not frames:
            return pd.DataFrame({"src": [], "dst": [], "score": [], "rank": []}, dtype="int64")
        out = pd.concat(frames, ignore_index=True)
        out["rank"] = out.groupby("row").cumcount() + 1
        return out[["src", "dst", "score", "rank"]]
    ordered = sorted(heap, reverse=True)
    return pd.DataFrame(
        {
            "src": np.array([-x[1] for x in ordered], dtype=np.int64),
            "dst": np.array([-x[2] for x in ordered], dtype=np.int64),
            "score": np.array([x[0] for x in ordered], dtype=float),
            "rank": np.arange(1, len(ordered) + 1, dtype=np.int64),
        }
    )


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
    >>> from tests.factory import make_graph
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
    if k < 1 or (per_source is not None and per_source < 1):
        raise QueryError("k and per_source must be at least 1")
    if scope not in ("province", "all"):
        raise QueryError(f"scope must be province or all (got {scope!r})")
    o = _options(year, method, hub_cap, tail_cap)
    _check_sizes(sizes)
    A = arrays(G)
    pos = A.position(node) if node is not None else None
    place = graph_scope(G) if scope == "province" else None
    frames = []
    said: list[pd.DataFrame] = []  # the one-line notes, after every ranked pair
    for base in _kinds(kinds):
        kind = _effective(A, base, year)
        label = A.label(pos) if pos is not None else None
        if pos is not None and label not in (kind.source, kind.target):
            continue
        if pos is not None and label == kind.target and kind.symmetric and label != kind.source:
            continue
        candidates = _sources(G, A, kind.source, year, city, industry, sizes, place)
        source_mask = np.zeros(A.n, dtype=bool)
        source_mask[candidates] = True
        target_mask = A.mask(kind.target) & A.alive(year)
        if place is not None and kind.target != "Enterprise":
            target_mask &= place.inside | ~A.mask("ResearchInstitute")
        line = _not_computable(A, kind, candidates, year, place)
        if line is not None:
            if notes:
                said.append(_note_row(base, *line))
            continue
        sides: list[tuple[np.ndarray, bool, np.ndarray | None]] = []
        if pos is None:
            sides.append((candidates, False, target_mask))
        else:
            if label == kind.source:
                sides.append((np.array([pos]), False, target_mask))
            if label == kind.target and not kind.symmetric:
                sides.append((np.array([pos]), True, source_mask))
        found = 0
        for rows, reverse, allowed in sides:
            top = _top(
                A,
                G,
                kind,
                rows,
                o,
                k=k,
                per_source=per_source,
                batch_size=batch_size,
                reverse=reverse,
                allowed=allowed,
                dedupe=kind.symmetric and pos is None and per_source is None,
                is_source=source_mask,
            )
            found += len(top)
            frames.append(_describe(A, G, kind, top, o, key=base.key, place=place))
        if notes and not found and pos is None:
            said.append(
                _note_row(
                    base,
                    "没有找到候选：没有任何一对由本类的元路径相连。",
                    "No candidates: no pair is joined by any meta-path of this kind.",
                )
            )
    frames += said
    if not frames and pos is None:  # nothing computable, and no notes wanted
        return _note_row(KINDS["fund-team"], "", "").iloc[:0]
    if not frames:
        label = A.label(pos) if pos is not None else "?"
        raise QueryError(
            f"{node!r} is a {label}; partnerships are proposed for "
            + ", ".join(sorted({x for kd in KINDS.values() for x in (kd.source, kd.target)}))
        )
    return pd.concat(frames, ignore_index=True).astype(_COLUMNS)


#: The columns of a partner table and their types.
_COLUMNS = {
    "kind": "string",
    "rank": "int64",
    "source": "string",
    "source_name": "string",
    "target": "string",
    "target_name": "string",
    "score": "float64",
    "paths": "string",
    "same_city": "bool",
    "same_cluster": "bool",
    "fund_fit": "bool",
    "explanation": "string",
    "explanation_en": "string",
}
#: Rows described at a time: each chunk's text columns become compact Arrow strings
#: before the next is built (a table for every firm of a province has millions).
_DESCRIBE_CHUNK = 250_000


def _describe(
    A: GraphArrays,
    G: EcosystemGraph,
    kind: Kind,
    top: pd.DataFrame,
    o: Opts,
    *,
    key: str | None = None,
    place: Scope | None = None,
) -> pd.DataFrame:
    """The output columns of the chosen pairs, explanations included."""
    src = top["src"].to_numpy(np.int64)
    dst = top["dst"].to_numpy(np.int64)
    clusters = _clusters(G, kind, o.year)

    def complementarity(
        u: np.ndarray, v: np.ndarray, chain: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return _complementarity(A, kind, u, v, chain, clusters)

    rank = top["rank"].to_numpy(np.int64)
    score = top["score"].to_numpy(float).round(6)
    chunks = []
    for start in range(0, max(len(src), 1), _DESCRIBE_CHUNK):
        part = slice(start, start + _DESCRIBE_CHUNK)
        u, v = src[part], dst[part]
        why = describe(A, kind, u, v, o, complementarity)
        _add_notes(A, kind, u, v, why, place)
        frame = pd.DataFrame(
            {
                "kind": key or kind.key,
                "rank": rank[part],
                "source": A.ids[u].astype(str),
                "source_name": A.names[u],
                "target": A.ids[v].astype(str),
                "target_name": A.names[v],
                "score": score[part],
                **why,
            }
        )
        chunks.append(frame.astype(_COLUMNS))
    return pd.concat(chunks, ignore_index=True)


def _add_notes(
    A: GraphArrays,
    kind: Kind,
    u: np.ndarray,
    v: np.ndarray,
    why: dict[str, np.ndarray],
    place: Scope | None,
) -> None:
    """Append to the explanations what the score cannot say by itself: a side that
    lies outside the province, a research university (proxy meta-paths)."""
    zh = np.asarray(why["explanation"], dtype=object)
    en = np.asarray(why["explanation_en"], dtype=object)
    extra_zh = np.full(len(u), "", dtype=object)
    extra_en = np.full(len(u), "", dtype=object)
    fit = _research_fit(A, kind, v)
    if fit.any():
        extra_zh[fit] += "；该校为本科院校"
        extra_en[fit] += "; it is a degree-granting (本科) university"
    if place is not None:
        for side, mask, who_zh, who_en in (
            (u, kind.source == "Enterprise", "前者", "the first"),
            (v, kind.target == "Enterprise", "后者", "the second"),
        ):
            if not mask:
                continue
            out = ~place.inside[side]
            if kind.source != kind.target:
                who_zh, who_en = "该企业", "the firm"
            extra_zh[out] += f"；{who_zh}在{place.name}外"
            extra_en[out] += f"; {who_en} is outside {place.name_en}"
    on = extra_zh != ""
    if on.any():
        zh[on] = np.char.rstrip(zh[on].astype(str), "。").astype(object) + extra_zh[on] + "。"
        en[on] = np.char.rstrip(en[on].astype(str), ".").astype(object) + extra_en[on] + "."
    why["explanation"], why["explanation_en"] = zh, en


def adamic_adar(
    G: EcosystemGraph,
    pairs: Sequence[tuple[str, str]],
    *,
    edge_types: Sequence[str] | None = None,
    year: int | None = None,
) -> np.ndarray:
    """Plain Adamic-Adar index of node pairs over the untyped simple graph.

    The graph is every edge of ``edge_types`` (default all), undirected, without
    parallel edges or loops: the graph networkx's ``adamic_adar_index`` sees after
    ``nx.Graph(G.to_networkx(edge_types=...).to_undirected())``, and the scores equal
    its scores.  A baseline for the typed scores; computed as a sparse product.

    Parameters
    ----------
    G : EcosystemGraph
    pairs : sequence of (str, str)
        Node id pairs.
    edge_types : sequence of str, optional
        Edge types of the graph (default all).
    year : int, optional
        As of this year.

    Returns
    -------
    numpy.ndarray
        One score per pair: the sum over common neighbours ``z`` of ``1 / log(deg z)``.

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abc"]},
    ...                {"SUPPLIES": [("a", "c"), ("b", "c")]})
    >>> round(float(adamic_adar(G, [("a", "b")])[0]), 6)  # 1 / log 2
    1.442695
    """
    from innokg.graph.schema import EDGE_TYPES

    A = arrays(G)
    adj = A.adjacency(tuple(edge_types or EDGE_TYPES), year=year)
    u = A.index([p[0] for p in pairs])
    v = A.index([p[1] for p in pairs])
    if (u < 0).any() or (v < 0).any():
        raise QueryError("every pair must name two nodes of the graph")
    deg = np.diff(adj.indptr).astype(float)
    w = sp.diags_array(path_weights(deg, "aa"))
    left = sp.csr_array(adj[u] @ w)
    return np.asarray(left.multiply(adj[v]).sum(axis=1)).ravel()


def adamic_adar_candidates(
    G: EcosystemGraph,
    sources: Sequence[str],
    *,
    target_label: str | None = None,
    edge_types: Sequence[str] | None = None,
    year: int | None = None,
) -> pd.DataFrame:
    """Plain Adamic-Adar of every candidate pair of ``sources``: each node two steps
    away (of ``target_label``, if given) that is not yet a neighbour, in one sparse
    product.  The baseline, over the same untyped simple graph as :func:`adamic_adar`.

    Returns
    -------
    pandas.DataFrame
        ``source`` (str), ``target`` (str), ``score`` (float), grouped by source.

    Examples
    --------
    >>> from tests.factory import make_graph
    >>> G = make_graph({"Enterprise": [{"id": i, "name": i} for i in "abcd"]},
    ...                {"SUPPLIES": [("a", "c"), ("b", "c"), ("d", "c"), ("a", "d")]})
    >>> adamic_adar_candidates(G, ["a"]).round(4).to_dict("records")
    [{'source': 'a', 'target': 'b', 'score': 0.9102}]
    """
    from innokg.graph.schema import EDGE_TYPES

    A = arrays(G)
    adj = A.adjacency(tuple(edge_types or EDGE_TYPES), year=year)
    rows = A.index(list(sources))
    if (rows < 0).any():
        raise QueryError("every source must be a node of the graph")
    deg = np.diff(adj.indptr).astype(float)
    near = sp.csr_array(adj[rows])
    scores = sp.csr_array(sp.csr_array(near @ sp.diags_array(path_weights(deg, "aa"))) @ adj)
    scores = sp.csr_array(scores - scores.multiply(near > 0))  # neighbours already
    scores.eliminate_zeros()
    coo = sp.coo_array(scores)
    u, v, s = rows[coo.row], coo.col, coo.data
    keep = u != v
    if target_label is not None:
        keep &= A.mask(target_label)[v]
    u, v, s = u[keep], v[keep], s[keep]  # row-major: grouped by source already
    ids = pd.Series(A.ids, dtype="string")
    return pd.DataFrame(
        {
            "source": ids.take(u).reset_index(drop=True),
            "target": ids.take(v).reset_index(drop=True),
            "score": s,
        }
    )
