"""Large and medium industrial firms with no research partner (``no_research_partner``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import (
    GraphArrays,
    arrays,
)
from innokg.queries.clusters import (
    preferred_industry,
)
from innokg.queries.gaps.table import (
    _city_names,
    _filtered,
    _lm,
    _lm_note,
    _note,
    _size_note,
    _table,
)

__all__ = ["research_gaps"]


def research_gaps(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
) -> pd.DataFrame:
    """Large and medium industrial enterprises with no research partner.

    A firm has a research partner when it has a COLLABORATES_WITH edge to a research
    institute, or set up or operates a co-built R&D platform.

    Parameters
    ----------
    G : EcosystemGraph
        The graph: firms' ``size``, their research collaborations
        (COLLABORATES_WITH) and the co-built R&D platforms they set up or operate.
    year : int, optional
        As of this year.
    city, industry : str, optional
        Only firms in this city / industry.

    Returns
    -------
    pandas.DataFrame
        The core columns (see the module) with ``severity`` = log10(1 + employees)
        (3 for a firm of 999 people; 3.0 for a large and 2.5 for a medium firm whose
        headcount is unknown), then:

        - ``size`` (str): large or medium.
        - ``employees`` (Int64): headcount where known.
        - ``industry`` (str): its industry's name.
        - ``peers_with_partner`` (float): share of the large and medium firms of its
          industry that do have a research partner (NaN without an industry).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "a", "name": "甲", "size": "medium"},
    ...                     {"id": "b", "name": "乙", "size": "large"}],
    ...      "ResearchInstitute": [{"id": "r", "name": "院"}]},
    ...     {"COLLABORATES_WITH": [("b", "r")]},
    ... )
    >>> research_gaps(G)[["entity", "severity"]].to_dict("records")
    [{'entity': 'a', 'severity': 2.5}]
    """
    A = arrays(G)
    lm = _lm(A, year)
    ri = A.mask("ResearchInstitute") & A.alive(year)
    co_built = (
        A.mask("Platform")
        & A.alive(year)
        & (A.values("kind", dtype="object", fill="") == "co_built_rnd")
    )
    partner = (A.matrix(["COLLABORATES_WITH"], year=year) @ ri.astype(float)) > 0
    partner |= (A.matrix(["ESTABLISHED", "OPERATES"], year=year) @ co_built.astype(float)) > 0
    ind = preferred_industry(G)
    peers = pd.DataFrame({"ind": ind[lm], "ok": partner[lm]})
    share = peers[peers["ind"] >= 0].groupby("ind")["ok"].mean()
    pos = np.flatnonzero(lm & ~partner & _filtered(G, A, city, industry))
    notes = _research_notes(G, A, lm, partner, int(ri.sum()), year, city, industry)
    if notes:
        pos = pos[:0]
    employees = A.values("employees")[pos]
    size = A.values("size", dtype="object", fill="")[pos]
    fallback = np.where(size == "large", 3.0, 2.5)
    severity = np.where(np.isnan(employees), fallback, np.log10(1 + np.nan_to_num(employees)))
    peer = pd.Series(ind[pos]).map(share).to_numpy(float)
    ind_name = np.where(ind[pos] >= 0, A.names[np.maximum(ind[pos], 0)], "")
    name_en = A.values("name_en", dtype="object", fill="")
    ind_en = np.where(ind[pos] >= 0, name_en[np.maximum(ind[pos], 0)], "")
    ind_en = np.where(ind_en == "", ind_name, ind_en)
    staff = [f"{int(e)} employees" if not np.isnan(e) else "headcount unknown" for e in employees]
    staff_zh = [f"员工 {int(e)} 人" if not np.isnan(e) else "员工人数不详" for e in employees]
    peer_en = [
        f"; {p:.0%} of large and medium peers in {i} have one" if not np.isnan(p) else ""
        for p, i in zip(peer, ind_en, strict=True)
    ]
    peer_zh = [
        f"；同行业 {p:.0%} 的大中型企业已有研发合作伙伴" if not np.isnan(p) else "" for p in peer
    ]
    return _table(
        "no_research_partner",
        {
            "entity": A.ids[pos].astype(str),
            "name": A.names[pos],
            "label": np.full(len(pos), "Enterprise", dtype=object),
            "missing": np.full(len(pos), "research partner (institute or co-built platform)"),
            "missing_zh": np.full(len(pos), "研发合作伙伴（高校院所或合建平台）"),
            "severity": severity.round(4),
            "city": _city_names(A, pos),
            "detail": [f"{s} firm, {e}{p}" for s, e, p in zip(size, staff, peer_en, strict=True)],
            "detail_zh": [
                f"{'大型' if s == 'large' else '中型'}企业，{e}{p}"
                for s, e, p in zip(size, staff_zh, peer_zh, strict=True)
            ],
        },
        {
            "size": pd.array(size, dtype="string"),
            "employees": pd.array(
                np.where(np.isnan(employees), np.nan, employees), dtype="Float64"
            ).astype("Int64"),
            "industry": pd.array(ind_name, dtype="string"),
            "peers_with_partner": peer.round(4),
        },
        notes,
    )


def _research_notes(
    G: EcosystemGraph,
    A: GraphArrays,
    lm: np.ndarray,
    partner: np.ndarray,
    n_ri: int,
    year: int | None,
    city: str | None,
    industry: str | None,
) -> list[pd.DataFrame]:
    """Why the question cannot be answered here, if it cannot: no firm sizes, no large
    or medium firm in scope, or no research link recorded at all."""
    notes = [n for n in [_size_note(A)] if n is not None]
    if not notes:
        scope = _lm_note(A, lm & _filtered(G, A, city, industry), year, city, industry)
        notes += [scope] if scope is not None else []
    if not notes and lm.any() and not partner[A.mask("Enterprise")].any():
        notes.append(
            _note(
                "research_links",
                "firm-institute collaborations or co-built R&D platforms",
                "企业与高校院所的合作关系或合建研发平台",
                (
                    f"{n_ri} research institutes in the data, none linked to a firm"
                    if n_ri
                    else "no research institutes in the data"
                )
                + " (no collaboration or co-built platform records): firms without a "
                "research partner cannot be told from firms whose partners are not recorded",
                (f"数据中有 {n_ri} 家高校院所，但均未与企业关联" if n_ri else "数据中没有高校院所")
                + "（无合作或合建平台记录），无法区分没有研发合作伙伴的企业与合作未被记录的企业",
            )
        )
    return notes
