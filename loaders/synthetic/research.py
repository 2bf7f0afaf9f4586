"""Invented universities and institutes, and the firms that work with them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from innokg.loaders.synthetic.firms import Firms
from innokg.loaders.synthetic.fixed import Cities, Reference
from innokg.loaders.synthetic.names import INSTITUTE_ZH, english_names, local_names
from innokg.loaders.synthetic.state import Demo, ids, pick

__all__ = ["Institutes", "add_collaborations", "add_institutes"]


@dataclass
class Institutes:
    """The universities and institutes, by position: id and city."""

    ids: np.ndarray
    city: np.ndarray


def add_institutes(demo: Demo, ref: Reference, cities: Cities, rest: int) -> Institutes:
    """Universities, institutes and labs in cities by research weight, one division each.

    Parameters
    ----------
    demo : Demo
        The demo being built; gets the ResearchInstitute nodes, their LOCATED_IN (a
        city) and IN_INDUSTRY edges.
    ref : Reference
        The divisions an institute may serve.
    cities : Cities
        The cities, weighed by research.
    rest : int
        The number of invented nodes the demo aims at; 3% of them are institutes,
        and at least 20.

    Returns
    -------
    Institutes
        The institutes by position, for the steps that follow.

    Examples
    --------
    >>> from innokg.loaders.synthetic.fixed import add_reference, draw_cities
    >>> demo = Demo(np.random.default_rng(1))
    >>> ref = add_reference(demo)
    >>> institutes = add_institutes(demo, ref, draw_cities(demo, ref), 300)
    >>> nodes, edges = demo.tables()
    >>> len(institutes.ids), nodes["ResearchInstitute"].loc[0, ["name", "kind"]].tolist()
    (20, ['郑州研究院（示例RI000001）', 'research_institute'])
    >>> located = edges["LOCATED_IN"][edges["LOCATED_IN"]["from_id"].str.startswith("RI")]
    >>> located["to_id"].value_counts().head(3).to_dict()
    {'region:4101': 7, 'region:4107': 3, 'region:4102': 3}
    """
    rng = demo.rng
    n_ri = max(20, int(rest * 0.03))
    ri = ids("RI", n_ri)
    ri_city = rng.choice(len(cities.codes), n_ri, p=cities.research / cities.research.sum())
    ri_kind = rng.choice(
        ["university", "research_institute", "key_lab", "enterprise_tech_center", "global_rnd"],
        n_ri,
        p=[0.35, 0.3, 0.15, 0.15, 0.05],
    )
    ri_div = rng.choice(np.unique(ref.prod_div), n_ri)
    level = np.where(
        ri_kind == "university",
        rng.choice(["本科", "专科"], n_ri, p=[0.4, 0.6]),
        rng.choice(["national", "provincial"], n_ri, p=[0.2, 0.8]),
    )
    demo.node(
        "ResearchInstitute",
        pd.DataFrame(
            {
                "id": ri,
                "kind": ri_kind,
                "level": level,
                "since": rng.integers(1950, 2016, n_ri),
                "ownership": pd.Series(
                    np.where(rng.random(n_ri) < 0.85, "public", "private"), dtype="string"
                ).where(ri_kind == "university"),
                "name": local_names(cities.short[ri_city], ri_kind, INSTITUTE_ZH, ri),
                "name_en": english_names(cities.en[ri_city], ri_kind, "", ri),
            }
        ),
    )
    demo.edge("LOCATED_IN", ri, "region:" + cities.codes[ri_city])
    demo.edge("IN_INDUSTRY", ri, "industry:gbt4754:" + ri_div.astype(object))
    return Institutes(ids=ri, city=ri_city)


def add_collaborations(
    demo: Demo, ref: Reference, cities: Cities, firms: Firms, institutes: Institutes
) -> None:
    """Firms work with research partners (big firms and eager cities more often, mostly in
    their own city), and some large firms run projects with peers of their division.

    Parameters
    ----------
    demo : Demo
        The demo being built; gets COLLABORATES_WITH edges (firm -> institute or
        firm, with ``kind`` and ``since``).
    ref : Reference
        The products, to find peers of a division.
    cities : Cities
        The cities' policy propensity.
    firms : Firms
        What :func:`~innokg.loaders.synthetic.firms.add_enterprises` returned.
    institutes : Institutes
        What :func:`add_institutes` returned.

    Examples
    --------
    >>> from innokg.loaders.synthetic.firms import add_enterprises
    >>> from innokg.loaders.synthetic.fixed import add_reference, draw_cities
    >>> demo = Demo(np.random.default_rng(1))
    >>> ref = add_reference(demo)
    >>> cities = draw_cities(demo, ref)
    >>> firms = add_enterprises(demo, ref, cities, 300)
    >>> add_collaborations(demo, ref, cities, firms, add_institutes(demo, ref, cities, 300))
    >>> work = demo.tables()[1]["COLLABORATES_WITH"]
    >>> work.loc[0, ["from_id", "to_id", "kind"]].tolist()
    ['E000021', 'RI000001', 'project']
    >>> work["kind"].value_counts().to_dict()
    {'project': 8, 'joint_rnd': 7, 'co_built_platform': 2, 'patent': 2}
    """
    rng, ent, e_size, e_city = demo.rng, firms.ids, firms.size, firms.city
    n_ri = len(institutes.ids)
    p_collab = np.array([0.75, 0.45, 0.08, 0.02])[e_size] * cities.propensity[e_city]
    collab = np.flatnonzero(rng.random(len(ent)) < p_collab)
    collab = np.repeat(collab, 1 + rng.binomial(2, 0.3, len(collab)))
    same_city = rng.random(len(collab)) < 0.6
    partner = np.full(len(collab), -1, dtype=np.int64)
    partner[same_city] = pick(rng, institutes.city, np.arange(n_ri), e_city[collab[same_city]])
    anywhere = partner < 0
    partner[anywhere] = rng.integers(0, n_ri, anywhere.sum())
    co = pd.DataFrame({"e": collab, "r": partner}).drop_duplicates()
    co_kind = rng.choice(
        ["joint_rnd", "project", "patent", "co_built_platform"], len(co), p=[0.45, 0.3, 0.2, 0.05]
    )
    demo.edge(
        "COLLABORATES_WITH",
        ent[co["e"]],
        institutes.ids[co["r"]],
        kind=co_kind,
        since=np.minimum(
            np.maximum(firms.since[co["e"]], 2005) + rng.integers(0, 12, len(co)), 2020
        ),
    )
    big = np.flatnonzero(e_size <= 1)
    big_div = ref.prod_div[firms.product[big]].astype(str)
    peer = pick(rng, big_div, big, big_div) if len(big) else np.array([], int)
    pk = (rng.random(len(big)) < 0.15) & (peer >= 0) & (peer != big)
    demo.edge(
        "COLLABORATES_WITH",
        ent[big[pk]],
        ent[peer[pk]],
        kind="project",
        since=rng.integers(2012, 2021, pk.sum()),
    )
