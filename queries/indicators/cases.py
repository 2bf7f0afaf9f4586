"""Typical cases (article 17): each year's strongest firms by ecosystem score, a firm
chosen once never chosen again."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import QueryError
from innokg.queries.arrays import GraphArrays, arrays, resolve_city, resolve_industries
from innokg.queries.indicators.context import Context, _candidates, _entrepreneurs

#: Points of the typical-case score (article 17), per item as of the year.
SCORE_WEIGHTS = {
    "platforms": 1.0,  # each platform the firm set up or operates
    "demonstration_platforms": 2.0,  # extra, each of them recognised as demonstration
    "teams": 1.0,  # each maker team it hosts or set up
    "demonstration_teams": 2.0,  # extra, each of them recognised as demonstration
    "research_partners": 1.0,  # each institute it works with
    "alliances": 1.0,  # each alliance it belongs to
    "funds": 1.0,  # each fund it set up or that invests in it
    "entrepreneur": 2.0,  # led by a recognised innovative entrepreneur
    "supply_partners": 1.0,  # times log2(1 + distinct suppliers and buyers)
}


def _scores(c: Context) -> pd.DataFrame:
    A = c.A
    plat = A.mask("Platform") & c.alive
    demo_plat = A.mask("Platform") & c.recognised("demonstration")
    team = A.mask("MakerTeam") & c.alive
    demo_team = A.mask("MakerTeam") & c.recognised("demonstration")
    fund = A.mask("Fund") & c.alive

    ent = A.mask("Enterprise") & c.alive
    person = _entrepreneurs(A) & c.recognised("recognised")
    among = _candidates(A)  # only the candidates' counts are read

    def count(etypes: str | tuple[str, ...], target: np.ndarray) -> np.ndarray:
        return c.count(etypes, target, among=among)

    parts = {
        "platforms": count(("ESTABLISHED", "OPERATES"), plat),
        "demonstration_platforms": count(("ESTABLISHED", "OPERATES"), demo_plat),
        "teams": count(("HOSTS", "ESTABLISHED"), team),
        "demonstration_teams": count(("HOSTS", "ESTABLISHED"), demo_team),
        "research_partners": count("COLLABORATES_WITH", A.mask("ResearchInstitute")),
        "alliances": count("MEMBER_OF", A.mask("Alliance") & c.alive),
        "funds": count(("ESTABLISHED", "INVESTS_IN^-1"), fund),
        "entrepreneur": c.has("LEADS", person, reverse=True).astype(np.int64),
        "supply_partners": count(("SUPPLIES", "SUPPLIES^-1"), ent),
    }
    pos = np.flatnonzero(c.lm & ent)  # scored: the candidates only
    score = np.zeros(len(pos))
    for key, values in parts.items():
        v = np.log2(1 + values[pos]) if key == "supply_partners" else values[pos]
        score += SCORE_WEIGHTS[key] * v
    return pd.DataFrame(
        {"pos": pos, "score": score.round(4)} | {key: values[pos] for key, values in parts.items()}
    )


def _score_table(A: GraphArrays, year: int) -> pd.DataFrame:
    key = ("typical-scores", year)
    if key not in A.memo:
        A.memo[key] = _scores(Context(A, year))
    return A.memo[key]


def _case_history(
    A: GraphArrays,
    year: int,
    k: int,
    first_year: int,
    filters: tuple[str | None, str | None] | None,
    keep: np.ndarray | None = None,
) -> dict[int, np.ndarray]:
    """The cases chosen each year from ``first_year`` to ``year`` (positions, best first)."""
    key = ("typical-cases", year, k, first_year, filters)
    if key not in A.memo:
        # The history to the year before, when known, is the start of this one.
        before = A.memo.get(("typical-cases", year - 1, k, first_year, filters))
        history: dict[int, np.ndarray] = dict(before) if year > first_year and before else {}
        chosen = {int(p) for cases in history.values() for p in cases}
        for y in range(min(first_year, year), year + 1):  # one step per year
            if y in history:
                continue
            s = _score_table(A, y)
            pos, score = s["pos"].to_numpy(np.int64), s["score"].to_numpy(float)
            ok = ~s["pos"].isin(chosen).to_numpy(bool) & (score > 0)
            if keep is not None:
                ok &= keep[pos]
            pos, score = pos[ok], score[ok]
            best = np.lexsort((pos, -score))[:k]  # highest score, then smallest position
            history[y] = pos[best]
            chosen |= set(history[y].tolist())
        A.memo[key] = history
    return A.memo[key]


def typical_cases(
    G: EcosystemGraph,
    *,
    year: int,
    k: int = 10,
    first_year: int = 2017,
    city: str | None = None,
    industry: str | None = None,
) -> pd.DataFrame:
    """The ``k`` strongest typical-case candidates of ``year`` (article 17).

    Candidates are L&M firms.  Each year from ``first_year`` the ``k`` highest scores
    as of that year are chosen, and a firm chosen once is not chosen again, so a year's
    cases are new.  The ecosystem score adds, as of the year (weights in
    :data:`SCORE_WEIGHTS`): 1 per platform the firm set up or operates and 2 more per
    demonstration platform among them; 1 per maker team it hosts or set up and 2 more
    per demonstration team; 1 per research institute it works with; 1 per alliance;
    1 per fund it set up or that invests in it; 2 when a recognised innovative
    entrepreneur leads it; and log2(1 + its distinct suppliers and buyers).  Ties go
    to the smaller id.

    Parameters
    ----------
    G : EcosystemGraph
    year : int
        The year whose cases are wanted.
    k : int
        Cases a year (the seed: 10).
    first_year : int
        First year cases are chosen (earlier winners are excluded later).
    city, industry : str, optional
        Choose among firms of this city / industry only.

    Returns
    -------
    pandas.DataFrame
        Up to ``k`` rows, best first:

        - ``year`` (int), ``rank`` (int): 1 is the strongest.
        - ``id`` (str), ``name`` (str), ``city`` (str), ``industry`` (str).
        - ``score`` (float): the ecosystem score.
        - ``platforms``, ``demonstration_platforms``, ``teams``, ``demonstration_teams``,
          ``research_partners``, ``alliances``, ``funds`` (int): the counts behind it;
          ``entrepreneur`` (int): 1 when led by a recognised entrepreneur;
          ``supply_partners`` (int): distinct suppliers and buyers.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "e1", "name": "甲", "size": "large", "since": 2000},
    ...                     {"id": "e2", "name": "乙", "size": "medium", "since": 2000}],
    ...      "ResearchInstitute": [{"id": "r", "name": "院"}]},
    ...     {"COLLABORATES_WITH": [("e2", "r", {"since": 2015})]},
    ... )
    >>> typical_cases(G, year=2017, k=1)[["rank", "id", "score"]].to_dict("records")
    [{'rank': 1, 'id': 'e2', 'score': 1.0}]

    A case is chosen once: in 2018 no other firm has a score above zero.

    >>> len(typical_cases(G, year=2018, k=1))
    0
    """
    if k < 1:
        raise QueryError("k must be at least 1")
    A = arrays(G)
    keep = A.in_city(resolve_city(G, city)) & A.in_industries(resolve_industries(G, industry))
    filters = None if city is None and industry is None else (city, industry)
    pos = _case_history(A, year, k, first_year, filters, keep)[year]
    result = _score_table(A, year).set_index("pos").loc[pos].reset_index()
    names = A.names
    city_pos, ind_pos = A.city()[pos], A.industry()[pos]
    out = pd.DataFrame(
        {
            "year": np.full(len(pos), year, dtype=np.int64),
            "rank": np.arange(1, len(pos) + 1, dtype=np.int64),
            "id": A.ids[pos].astype(str),
            "name": names[pos],
            "city": np.where(city_pos >= 0, names[np.maximum(city_pos, 0)], ""),
            "industry": np.where(ind_pos >= 0, names[np.maximum(ind_pos, 0)], ""),
            "score": result["score"].to_numpy(float) if len(result) else np.array([]),
        }
    )
    for key in SCORE_WEIGHTS:
        out[key] = result[key].to_numpy(np.int64) if len(result) else np.array([], np.int64)
    return out.astype({"id": "string", "name": "string", "city": "string", "industry": "string"})
