"""Every kind of gap by name, and all of them (or some) stacked in one table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import arrays, forget_results
from innokg.queries.gaps.bridges import brokers, unspanned_cluster_pairs
from innokg.queries.gaps.finance import finance_gaps
from innokg.queries.gaps.holes import structural_holes
from innokg.queries.gaps.research import research_gaps
from innokg.queries.gaps.sourcing import single_source_gaps
from innokg.queries.gaps.support import cluster_support_gaps
from innokg.queries.gaps.table import CORE_COLUMNS, ClusterOptions
from innokg.queries.gaps.targets import target_gaps

__all__ = ["GAP_KINDS", "collaboration_gaps"]

#: Every kind of gap: key -> (function, Chinese, English description).
GAP_KINDS: dict[str, tuple[Callable[..., pd.DataFrame], str, str]] = {
    "no_research_partner": (
        research_gaps,
        "无研发合作伙伴的大中型工业企业",
        "large and medium industrial firms with no research partner",
    ),
    "cluster_support": (
        cluster_support_gaps,
        "缺少科研机构、联盟、基金或平台的集群（供应链集群、城市专业化产业）",
        "clusters (supply clusters, cities' specialised industries) without an institute, "
        "alliance, fund or platform",
    ),
    "team_no_finance": (finance_gaps, "未获投资的创客团队", "maker teams with no investor"),
    "below_target": (
        target_gaps,
        "未达政策目标的城市和行业",
        "cities and industries below a policy target",
    ),
    "single_source": (
        single_source_gaps,
        "单一来源的投入品",
        "inputs a buyer gets from one supplier",
    ),
    "structural_hole": (
        structural_holes,
        "联系冗余、缺少结构洞的组织（Burt 约束度，联系方 3 个以上）",
        "organisations with redundant contacts (Burt's constraint, 3 or more contacts)",
    ),
    "broker": (
        brokers,
        "独自连接集群对的桥梁组织",
        "organisations that alone link a pair of clusters",
    ),
    "unspanned_pair": (
        unspanned_cluster_pairs,
        "无人连接的集群对",
        "pairs of related clusters that no one links",
    ),
}


_USES_CLUSTERS = {"cluster_support", "broker", "unspanned_pair"}
#: Kinds that word only the rows asked for (``limit``): millions of rows at ten million
#: nodes, of which a page shows ten.
TAKES_LIMIT = {"structural_hole", "unspanned_pair"}

#: Above this many nodes each kind of gap lets go of what it computed before the next
#: starts (the next computes, or reads from the package's kept results, what it shares
#: with the last): at ten million nodes the kinds' working sets together pass 24 GB.
FORGET_ABOVE_NODES = 2_000_000


def collaboration_gaps(
    G: EcosystemGraph,
    *,
    kinds: Sequence[str] | None = None,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
    limit: int | None = None,
    clusters: ClusterOptions = None,
) -> pd.DataFrame:
    """Every kind of gap, stacked: the core columns of each kind's table.

    Parameters
    ----------
    G : EcosystemGraph
        The graph; each kind of gap reads what it needs and gives a note row
        when the graph lacks it.
    kinds : sequence of str, optional
        Keys of :data:`GAP_KINDS` (default all).
    year : int, optional
        As of this year.
    city, industry : str, optional
        Only gaps in this city / industry.
    limit : int, optional
        Keep the most severe ``limit`` rows of each kind.
    clusters : mapping, optional
        Options of :func:`innokg.queries.clusters.supply_clusters`.

    Returns
    -------
    pandas.DataFrame
        The core columns (see the module), kind by kind in the order of
        :data:`GAP_KINDS`, most severe first within a kind.

    Raises
    ------
    QueryError
        For an unknown kind.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "e1", "name": "宇通客车", "size": "large"},
    ...                     {"id": "e2", "name": "中原内配", "size": "large"},
    ...                     {"id": "s", "name": "安钢"}],
    ...      "ResearchInstitute": [{"id": "r", "name": "郑州大学"}],
    ...      "MakerTeam": [{"id": "t1", "name": "智造团队", "since": 2016},
    ...                    {"id": "t2", "name": "芯片团队"}],
    ...      "Fund": [{"id": "f", "name": "中原科创基金"}]},
    ...     {"COLLABORATES_WITH": [("e2", "r")], "INVESTS_IN": [("f", "t2")],
    ...      "SUPPLIES": [("s", "e1", {"product": "钢材"})]},
    ... )
    >>> gaps = collaboration_gaps(
    ...     G, kinds=["no_research_partner", "team_no_finance", "single_source"], year=2018)
    >>> gaps[["gap", "name", "severity"]]
                       gap  name  severity
    0  no_research_partner  宇通客车       3.0
    1      team_no_finance  智造团队       2.0
    2        single_source  宇通客车       1.0
    >>> gaps["detail"].tolist()
    ['large firm, headcount unknown', 'technology team, 2 years without an investor', \
'only 安钢 supplies it']

    A kind of gap this graph holds no evidence for is one note row, never "no gap":

    >>> collaboration_gaps(G, kinds=["cluster_support", "single_source"])[
    ...     ["gap", "entity", "measurable"]]
                   gap                   entity  measurable
    0  cluster_support  not_measurable:clusters       False
    1    single_source                       e1        True
    """
    chosen = list(kinds) if kinds else list(GAP_KINDS)
    unknown = [k for k in chosen if k not in GAP_KINDS]
    if unknown:
        raise QueryError(f"unknown gap kind(s) {', '.join(unknown)}; known: {', '.join(GAP_KINDS)}")
    frames = []
    forget = arrays(G).n > FORGET_ABOVE_NODES
    for i, kind in enumerate(chosen):
        if forget and i:  # what the caller computed before is the caller's to let go
            forget_results(G)
        func = GAP_KINDS[kind][0]
        options: dict[str, Any] = {"year": year, "city": city, "industry": industry}
        if kind in _USES_CLUSTERS:
            options["clusters"] = clusters
        if kind in TAKES_LIMIT:
            options["limit"] = limit
        df = func(G, **options)[list(CORE_COLUMNS)]
        if limit is not None and len(df) > limit:
            # taken, not sliced: a slice of Arrow strings keeps the whole table's buffers
            # alive, and at ten million nodes a kind's table is gigabytes
            df = df.take(np.arange(limit))
        frames.append(df)
        del df  # before the next kind starts, not when it returns
    return pd.concat(frames, ignore_index=True)
