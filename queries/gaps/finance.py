"""Maker teams no fund invests in (``team_no_finance``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import (
    arrays,
)
from innokg.queries.gaps.table import _any_edge, _city_names, _filtered, _note, _table
from innokg.queries.indicators import latest_year

__all__ = ["finance_gaps"]


def finance_gaps(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
) -> pd.DataFrame:
    """Maker teams that no fund invests in.

    Parameters
    ----------
    G : EcosystemGraph
        The graph: maker teams, their hosts and the funds investing in them
        (INVESTS_IN).
    year : int, optional
        As of this year (default: the latest year in the graph).
    city, industry : str, optional
        Only teams in this city / industry (a team's are its host's).

    Returns
    -------
    pandas.DataFrame
        The core columns (see the module) with ``severity`` = years since the team
        was set up (as of ``year``; 0 when unknown), plus 2 for a demonstration team,
        then ``kind`` (str), ``since`` (Int64), ``demonstration`` (Int64) and ``host``
        (str: the name of the enterprise or platform hosting it).

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph({"MakerTeam": [{"id": "t", "name": "团队", "since": 2015},
    ...                               {"id": "u", "name": "乙队"}],
    ...                 "Fund": [{"id": "f", "name": "基金"}]},
    ...                {"INVESTS_IN": [("f", "u")]})
    >>> finance_gaps(G, year=2018)[["entity", "severity"]].to_dict("records")
    [{'entity': 't', 'severity': 3.0}]

    A graph with no maker teams, or no investments in any, gives a note row instead.
    """
    A = arrays(G)
    ref = year if year is not None else latest_year(G)
    teams = A.mask("MakerTeam") & A.alive(year)
    funds = A.mask("Fund") & A.alive(year)
    funded = (A.matrix(["INVESTS_IN^-1"], year=year) @ funds.astype(float)) > 0
    pos = np.flatnonzero(teams & ~funded & _filtered(G, A, city, industry))
    notes = []
    if not teams.any():
        notes.append(
            _note(
                "maker_teams",
                "maker teams (创客团队)",
                "创客团队",
                "no maker teams in the data",
                "数据中没有创客团队",
            )
        )
    elif not _any_edge(A, "INVESTS_IN", "Fund", "MakerTeam", year):
        notes.append(
            _note(
                "team_investments",
                "investments in maker teams",
                "创客团队获得投资的记录",
                f"no investment in any of the {int(teams.sum())} maker teams is recorded "
                "(no funds or no INVESTS_IN records)",
                f"{int(teams.sum())} 个创客团队均无投资记录（数据中没有基金或投资记录）",
            )
        )
    if notes:
        pos = pos[:0]
    since = A.values("since")[pos]
    demo = A.values("demonstration")[pos]
    age = np.where(np.isnan(since) | (ref is None), 0.0, (ref or 0) - np.nan_to_num(since))
    severity = np.maximum(age, 0) + np.where(np.isnan(demo), 0.0, 2.0)
    h_src, h_dst = A.edges("HOSTS", year=year)
    host = np.full(A.n, "", dtype=object)
    host[h_dst[::-1]] = A.names[h_src[::-1]]  # the first host listed wins
    host_names = host[pos]
    kind = A.values("kind", dtype="object", fill="")[pos]
    return _table(
        "team_no_finance",
        {
            "entity": A.ids[pos].astype(str),
            "name": A.names[pos],
            "label": np.full(len(pos), "MakerTeam", dtype=object),
            "missing": np.full(len(pos), "investor (fund)"),
            "missing_zh": np.full(len(pos), "投资（基金）"),
            "severity": severity,
            "city": _city_names(A, pos),
            "detail": [
                f"{k} team, {int(a)} years without an investor"
                + (", a demonstration team" if not np.isnan(d) else "")
                for k, a, d in zip(kind, age, demo, strict=True)
            ],
            "detail_zh": [
                f"成立 {int(a)} 年未获投资" + ("，系创客示范团队" if not np.isnan(d) else "")
                for a, d in zip(age, demo, strict=True)
            ],
        },
        {
            "kind": pd.array(kind, dtype="string"),
            "since": pd.array(since, dtype="Float64").astype("Int64"),
            "demonstration": pd.array(demo, dtype="Float64").astype("Int64"),
            "host": pd.array(host_names, dtype="string"),
        },
        notes,
    )
