"""The agreement of the clusters with the evidence, as one result, and as Markdown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.agreement.evidence import _industry_rows, _quotient_rows
from innokg.queries.arrays import arrays
from innokg.queries.clusters import Inferred, cluster_labels
from innokg.queries.sets import distinct

__all__ = ["ClusterAgreement", "agreement_markdown", "cluster_agreement"]


@dataclass
class ClusterAgreement:
    """How the supply-chain clusters of a graph agree with independent evidence.

    Attributes
    ----------
    industries : pandas.DataFrame
        One row per level of the Shenwan classification (empty without Shenwan
        industries): ``scheme`` (str), ``level`` (int, 1 the broadest), ``firms`` (int:
        clustered firms with an industry at that level, the items compared),
        ``clusters`` and ``classes`` (int: how many of each they fall in), ``nmi``
        (float), ``nmi_random`` and ``nmi_random_sd`` (float: mean and sample standard
        deviation over the shuffles), ``nmi_p`` (float), ``ari``, ``ari_random``,
        ``ari_random_sd``, ``ari_p`` (float).
    quotients : pandas.DataFrame
        One row per cluster with a top industry and a member in a city with quotients
        (empty without quotients), largest first: ``cluster`` (int), ``size`` (int:
        members), ``top_industry`` (str: id), ``top_industry_code``,
        ``top_industry_name`` (str), ``top_industry_firms`` (int: members in it),
        ``classified`` (int: members with an industry in the quotients'
        classification), ``located`` (int: members in a city with quotients),
        ``specialised`` (int: of those, in a city where the top industry's quotient is
        above 1), ``share`` (float: ``specialised / located``), ``share_random``
        (float: the same for the random cluster of the same id, over all shuffles:
        their ``specialised`` over their ``located``).
    summary : pandas.DataFrame
        One row per measure: ``measure`` (``nmi``, ``ari`` or ``lq_share``),
        ``evidence`` (str: what it is measured against), ``firms`` (int), ``clusters``
        (int), ``value``, ``random``, ``random_sd`` (float), ``p_value`` (float).
        For ``lq_share`` the value is pooled over clusters: every ``specialised`` over
        every ``located``.
    notes : list of str
        One line per piece of evidence that is missing or partial.
    parameters : dict
        The clustering options and ``permutations``.
    graph : dict
        ``title``, ``built_at``, ``scope``, ``nodes``, ``edges`` of the graph.

    Examples
    --------
    Two supply chains, each in one Shenwan industry; :meth:`to_dict` is what
    ``innokg evaluate clusters --format json`` writes, :meth:`markdown` the report:

    >>> from innokg.graph.testing import make_graph
    >>> firms = [{"id": f"e{i}", "name": f"企业{i}"} for i in range(6)]
    >>> sw = [{"id": s, "name": s, "scheme": "Shenwan 2021", "level": 1} for s in "AB"]
    >>> G = make_graph(
    ...     {"Enterprise": firms, "Industry": sw},
    ...     {"SUPPLIES": [("e0", "e1"), ("e1", "e2"), ("e0", "e2"), ("e3", "e4"),
    ...                   ("e4", "e5"), ("e3", "e5"), ("e2", "e3")],
    ...      "IN_INDUSTRY": [(f"e{i}", "A" if i < 3 else "B") for i in range(6)]},
    ... )
    >>> result = cluster_agreement(G, permutations=20)
    >>> result.to_dict()["summary"][0]
    {'measure': 'nmi', 'evidence': 'Shenwan 2021 level 1', 'firms': 6, 'clusters': 2, \
'value': 1.0, 'random': 0.265363, 'random_sd': 0.376861, 'p_value': 0.238095}
    >>> print(result.markdown())
    6 firms in 2 supply-chain clusters of at least 3 (seed 2016, resolution 1.0, ...
    <BLANKLINE>
    **Shenwan 2021 industries of the members**
    <BLANKLINE>
    | level | firms | clusters | industries | NMI | NMI, random clusters | p | ARI | ...
    |---|---|---|---|---|---|---|---|---|
    | 1 | 6 | 2 | 2 | 1.000 | 0.265 ± 0.377 | 0.238 | 1.000 | 0.111 ± 0.456 |
    <BLANKLINE>
    Notes:
    <BLANKLINE>
    - no location quotients: the graph has no SPECIALISES_IN edges from a city to ...
    """

    industries: pd.DataFrame
    quotients: pd.DataFrame
    summary: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    graph: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-ready values (what ``--format json`` writes)."""

        def records(df: pd.DataFrame) -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = []
            for row in df.to_dict("records"):
                out.append({str(k): _plain(v) for k, v in row.items()})
            return out

        return {
            "graph": dict(self.graph),
            "parameters": dict(self.parameters),
            "summary": records(self.summary),
            "industries": records(self.industries),
            "quotients": records(self.quotients),
            "notes": list(self.notes),
        }

    def markdown(self) -> str:
        """The tables as Markdown (see :func:`agreement_markdown`)."""
        return agreement_markdown(self.to_dict())


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if np.isnan(value) else round(float(value), 6)
    if isinstance(value, np.bool_):
        return bool(value)
    if value is pd.NA:
        return None
    return value


def cluster_agreement(
    G: EcosystemGraph,
    *,
    seed: int = 2016,
    resolution: float = 1.0,
    inferred: Inferred = "auto",
    inferred_weight: float = 0.3,
    min_size: int = 3,
    year: int | None = None,
    permutations: int = 200,
) -> ClusterAgreement:
    """How the supply-chain clusters agree with Shenwan industries and location quotients.

    See the module's documentation for the measures and the random baseline.

    Parameters
    ----------
    G : EcosystemGraph
        The graph: its supply links, its firms' Shenwan industries and its cities'
        location quotients (SPECIALISES_IN).
    seed, resolution, inferred, inferred_weight, min_size, year
        The clustering, as for :func:`innokg.queries.clusters.supply_clusters` (the same
        values give the same clusters).  ``seed`` also seeds the shuffles.
    permutations : int
        Shuffles of the members' clusters for the random baseline.

    Returns
    -------
    ClusterAgreement

    Raises
    ------
    QueryError
        When ``permutations`` is below 1 (and for the clustering's own bad options).

    Examples
    --------
    Two supply chains, each in one Shenwan industry: the clusters are the industries.

    >>> from innokg.graph.testing import make_graph
    >>> firms = [{"id": f"e{i}", "name": f"企业{i}"} for i in range(6)]
    >>> sw = [{"id": s, "name": s, "scheme": "Shenwan 2021", "level": 1} for s in "AB"]
    >>> G = make_graph(
    ...     {"Enterprise": firms, "Industry": sw},
    ...     {"SUPPLIES": [("e0", "e1"), ("e1", "e2"), ("e0", "e2"), ("e3", "e4"),
    ...                   ("e4", "e5"), ("e3", "e5"), ("e2", "e3")],
    ...      "IN_INDUSTRY": [(f"e{i}", "A" if i < 3 else "B") for i in range(6)]},
    ... )
    >>> result = cluster_agreement(G, permutations=20)
    >>> result.industries[["level", "firms", "clusters", "classes", "nmi", "ari"]].to_dict(
    ...     "records")
    [{'level': 1, 'firms': 6, 'clusters': 2, 'classes': 2, 'nmi': 1.0, 'ari': 1.0}]
    >>> result.notes[0]  # doctest: +ELLIPSIS
    'no location quotients: the graph has no SPECIALISES_IN edges ...'
    """
    if permutations < 1:
        raise QueryError(f"permutations must be at least 1 (got {permutations})")
    A = arrays(G)
    labels = cluster_labels(
        G,
        seed=seed,
        resolution=resolution,
        inferred=inferred,
        inferred_weight=inferred_weight,
        min_size=min_size,
        year=year,
    )
    firms = np.flatnonzero(labels >= 0)
    parameters: dict[str, Any] = {
        "seed": seed,
        "resolution": resolution,
        "inferred": inferred,
        "inferred_weight": inferred_weight,
        "min_size": min_size,
        "year": year,
        "permutations": permutations,
    }
    counts = G.counts()
    manifest: Mapping[str, Any] = getattr(G, "manifest", {}) or {}
    graph = {
        "title": str(manifest.get("title", "")),
        "built_at": str(manifest.get("built_at", "")),
        "scope": str(manifest.get("scope", "") or ""),
        "nodes": sum(counts["nodes"].values()),
        "edges": sum(counts["edges"].values()),
        "clustered_firms": len(firms),
        "clusters": len(distinct(labels[firms])),
    }
    notes: list[str] = []
    empty = pd.DataFrame(columns=_SUMMARY_COLUMNS)
    if not len(firms):
        notes.append(
            "no supply-chain clusters: no group of at least "
            f"{min_size} firms is linked by SUPPLIES or through products, so nothing is checked"
        )
        return ClusterAgreement(pd.DataFrame(), pd.DataFrame(), empty, notes, parameters, graph)
    rng = np.random.default_rng(seed)
    industries = _industry_rows(A, firms, labels[firms], year, permutations, rng, notes)
    quotients, lq = _quotient_rows(A, firms, labels[firms], year, permutations, rng, notes)
    rows: list[dict[str, Any]] = []
    for measure in ("nmi", "ari"):
        for r in industries.to_dict("records"):
            rows.append(
                {
                    "measure": measure,
                    "evidence": f"{r['scheme']} level {r['level']}",
                    "firms": r["firms"],
                    "clusters": r["clusters"],
                    "value": r[measure],
                    "random": r[f"{measure}_random"],
                    "random_sd": r[f"{measure}_random_sd"],
                    "p_value": r[f"{measure}_p"],
                }
            )
    if lq is not None:
        rows.append(lq)
    summary = pd.DataFrame(rows, columns=_SUMMARY_COLUMNS) if rows else empty
    return ClusterAgreement(industries, quotients, summary, notes, parameters, graph)


_SUMMARY_COLUMNS = [
    "measure",
    "evidence",
    "firms",
    "clusters",
    "value",
    "random",
    "random_sd",
    "p_value",
]


#: Clusters listed in the Markdown table at most (the JSON has all of them).
MARKDOWN_CLUSTERS = 15


def _num(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    text = f"{float(value):.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # no "-0.000"


def _spread(mean: Any, sd: Any) -> str:
    return f"{_num(mean)} ± {_num(sd)}"


def agreement_markdown(data: Mapping[str, Any]) -> str:
    """Markdown tables of an agreement result given as :meth:`ClusterAgreement.to_dict`.

    Used for ``innokg evaluate clusters --format markdown`` and to render the committed
    results in docs/queries.md, so both show the same figures the same way.

    Parameters
    ----------
    data : mapping
        The dictionary (as read back from the JSON file).

    Returns
    -------
    str
        A paragraph on what was compared, a table per kind of evidence that the graph
        has, and the notes as a list.

    Examples
    --------
    >>> print(agreement_markdown({"graph": {}, "parameters": {}, "notes": ["no clusters"]}))
    Notes:
    <BLANKLINE>
    - no clusters
    <BLANKLINE>
    """
    graph, params = data.get("graph", {}), data.get("parameters", {})
    parts: list[str] = []
    if graph.get("clusters"):
        parts.append(
            f"{graph['clustered_firms']:,} firms in {graph['clusters']:,} supply-chain "
            f"clusters of at least {params.get('min_size')} (seed {params.get('seed')}, "
            f"resolution {params.get('resolution')}, links through products "
            f"`{params.get('inferred')}`) on a graph of {graph.get('nodes', 0):,} nodes and "
            f"{graph.get('edges', 0):,} edges.  Random clusters: the members' clusters "
            f"shuffled {params.get('permutations')} times, sizes kept (mean ± standard "
            "deviation); p is the share of shuffles scoring at least as high.\n"
        )
    industries = data.get("industries") or []
    if industries:
        scheme = industries[0]["scheme"]
        lines = [
            f"**{scheme} industries of the members**\n",
            "| level | firms | clusters | industries | NMI | NMI, random clusters | p "
            "| ARI | ARI, random clusters |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in industries:
            lines.append(
                f"| {r['level']} | {r['firms']:,} | {r['clusters']:,} | {r['classes']:,} "
                f"| {_num(r['nmi'])} | {_spread(r['nmi_random'], r['nmi_random_sd'])} "
                f"| {_num(r['nmi_p'])} | {_num(r['ari'])} "
                f"| {_spread(r['ari_random'], r['ari_random_sd'])} |"
            )
        parts.append("\n".join(lines) + "\n")
    quotients = data.get("quotients") or []
    lq = [r for r in data.get("summary") or [] if r.get("measure") == "lq_share"]
    if quotients and lq:
        s = lq[0]
        lines = [
            f"**Cities' location quotients** ({s['evidence']}): of a cluster's members in a city "
            "with quotients, the share in a city where the cluster's top industry has a "
            "quotient above 1\n",
            "| cluster | members | top industry | members in it | in a city with quotients "
            "| where it is above 1 | share | share, random clusters |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in quotients[:MARKDOWN_CLUSTERS]:
            lines.append(
                f"| {r['cluster']} | {r['size']:,} | {r['top_industry_code']} "
                f"{r['top_industry_name']} | {r['top_industry_firms']:,} | {r['located']:,} "
                f"| {r['specialised']:,} | {_num(r['share'])} | {_num(r['share_random'])} |"
            )
        lines.append(
            f"| all {s['clusters']:,}, pooled | | | | {s['firms']:,} | "
            f"{sum(r['specialised'] for r in quotients):,} | **{_num(s['value'])}** "
            f"| {_spread(s['random'], s['random_sd'])} (p {_num(s['p_value'])}) |"
        )
        more = len(quotients) - MARKDOWN_CLUSTERS
        if more > 0:
            lines.append(f"\n{more} smaller cluster(s) not shown (all are in the JSON).")
        parts.append("\n".join(lines) + "\n")
    notes = data.get("notes") or []
    if notes:
        parts.append("Notes:\n\n" + "\n".join(f"- {n}" for n in notes) + "\n")
    return "\n".join(parts)
