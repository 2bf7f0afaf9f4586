"""What the policy asks cities to grow: innovation platforms and maker teams, each with
the measures that support them and the demonstration flags some earn."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from innokg.loaders.synthetic.firms import Firms, Zones
from innokg.loaders.synthetic.fixed import Cities, Reference
from innokg.loaders.synthetic.names import (
    PLATFORM_ARTICLE,
    PLATFORM_ZH,
    TEAM_ARTICLE,
    TEAM_ZH,
    english_names,
    local_names,
)
from innokg.loaders.synthetic.research import Institutes
from innokg.loaders.synthetic.state import Demo, ids, pick, year_or_na

__all__ = ["Platforms", "Teams", "add_platforms", "add_teams"]


@dataclass
class Platforms:
    """The platforms, by position: id, kind and city."""

    ids: np.ndarray
    kind: np.ndarray
    city: np.ndarray


@dataclass
class Teams:
    """The maker teams, by position: id, kind and city."""

    ids: np.ndarray
    kind: np.ndarray
    city: np.ndarray


def add_platforms(
    demo: Demo, ref: Reference, cities: Cities, firms: Firms, zones: Zones, inst: Institutes
) -> Platforms:
    """Platforms established by firms at city-specific rates, and run by zones.

    Parameters
    ----------
    demo : Demo
        The demo being built; gets the Platform nodes and their ESTABLISHED,
        OPERATES, LOCATED_IN, COLLABORATES_WITH (co-built platforms) and SUPPORTED_BY
        (the policy's measures) edges.
    ref : Reference
        The policy's measures.
    cities : Cities
        The cities' policy propensity.
    firms : Firms
        The firms that may establish a platform (large and medium ones mostly).
    zones : Zones
        The zones that may run one.
    inst : Institutes
        The institutes that co-build some firms' platforms.

    Returns
    -------
    Platforms
        The platforms by position, for the steps that follow.

    Examples
    --------
    >>> from innokg.loaders.synthetic.firms import add_enterprises, add_zones
    >>> from innokg.loaders.synthetic.fixed import add_reference, draw_cities
    >>> from innokg.loaders.synthetic.research import add_institutes
    >>> demo = Demo(np.random.default_rng(1))
    >>> ref = add_reference(demo)
    >>> cities = draw_cities(demo, ref)
    >>> firms = add_enterprises(demo, ref, cities, 300)
    >>> zones = add_zones(demo, cities, firms, 300)
    >>> platforms = add_platforms(demo, ref, cities, firms, zones,
    ...                           add_institutes(demo, ref, cities, 300))
    >>> nodes, edges = demo.tables()
    >>> len(platforms.ids), nodes["Platform"].loc[0, ["name", "kind"]].tolist()
    (35, ['南阳众创空间（示例PL000001）', 'maker_space'])
    >>> edges["OPERATES"]["from_id"].str[0].value_counts().to_dict()  # firms, zones, institutes
    {'E': 24, 'Z': 11, 'R': 2}
    >>> edges["SUPPORTED_BY"]["to_id"].value_counts().head(2).to_dict()
    {'policy:henan2016:3b': 7, 'policy:henan2016:10': 6}
    """
    rng, ent, e_city = demo.rng, firms.ids, firms.city
    p_plat = np.array([0.85, 0.62, 0.02, 0.0])[firms.size] * cities.propensity[e_city]
    owner = np.flatnonzero(rng.random(len(ent)) < p_plat)
    owner = np.repeat(owner, 1 + rng.binomial(2, 0.25, len(owner)))
    pl_kind = rng.choice(
        [
            "self_built_rnd",
            "co_built_rnd",
            "third_party",
            "maker_space",
            "incubator",
            "ecommerce",
            "open_innovation",
        ],
        len(owner),
        p=[0.33, 0.15, 0.05, 0.15, 0.1, 0.1, 0.12],
    )
    zone_pl = np.flatnonzero(rng.random(len(zones.ids)) < 0.55 * cities.propensity[zones.city])
    zpl_kind = rng.choice(
        ["public_tech_service", "shuangchuang_base", "maker_space", "incubator"],
        len(zone_pl),
        p=[0.4, 0.3, 0.15, 0.15],
    )
    n_pl = len(owner) + len(zone_pl)
    plat = ids("PL", n_pl)
    all_kind = np.concatenate([pl_kind, zpl_kind]).astype(object)
    pl_city = np.concatenate([e_city[owner], zones.city[zone_pl]])
    pl_since = rng.integers(2010, 2021, n_pl)
    demo_flag = rng.random(n_pl) < 0.14 * cities.propensity[pl_city]
    demo_year = np.where(demo_flag, np.maximum(pl_since, 2016) + rng.integers(0, 3, n_pl), -1)
    demo.node(
        "Platform",
        pd.DataFrame(
            {
                "id": plat,
                "kind": all_kind,
                "since": pl_since,
                "demonstration": year_or_na(demo_flag, demo_year),
                "name": local_names(cities.short[pl_city], all_kind, PLATFORM_ZH, plat),
                "name_en": english_names(cities.en[pl_city], all_kind, "platform", plat),
            }
        ),
    )
    ent_pl = plat[: len(owner)]
    demo.edge("ESTABLISHED", ent[owner], ent_pl, since=pl_since[: len(owner)])
    demo.edge("OPERATES", ent[owner], ent_pl)
    demo.edge("OPERATES", zones.ids[zone_pl], plat[len(owner) :])
    demo.edge("LOCATED_IN", plat, cities.county_for(demo, pl_city))
    # Co-built platforms are run with an institute, of the owner's city where there is one.
    cob = np.flatnonzero(pl_kind == "co_built_rnd")
    cob_ri = pick(rng, inst.city, np.arange(len(inst.ids)), e_city[owner[cob]])
    cob_ri = np.where(cob_ri >= 0, cob_ri, rng.integers(0, len(inst.ids), len(cob)))
    demo.edge("OPERATES", inst.ids[cob_ri], ent_pl[cob])
    demo.edge(
        "COLLABORATES_WITH",
        ent[owner[cob]],
        inst.ids[cob_ri],
        kind="co_built_platform",
        since=pl_since[cob],
    )
    sup_pl = np.flatnonzero(rng.random(n_pl) < 0.3)
    demo.edge(
        "SUPPORTED_BY",
        plat[sup_pl],
        pd.Series(all_kind[sup_pl]).map(PLATFORM_ARTICLE).map(ref.measure).to_numpy(dtype=object),
        year=np.maximum(pl_since[sup_pl], 2017),
    )
    dp = np.flatnonzero(demo_flag)
    demo.edge("SUPPORTED_BY", plat[dp], ref.measure["demonstration_platforms"], year=demo_year[dp])
    return Platforms(ids=plat, kind=all_kind, city=pl_city)


def add_teams(
    demo: Demo, ref: Reference, cities: Cities, firms: Firms, platforms: Platforms
) -> Teams:
    """Maker teams hosted by firms and by maker spaces and incubators.

    Parameters
    ----------
    demo : Demo
        The demo being built; gets the MakerTeam nodes and their HOSTS,
        ESTABLISHED and SUPPORTED_BY edges.
    ref : Reference
        The policy's measures.
    cities : Cities
        The cities' policy propensity.
    firms : Firms
        The firms that host employee teams.
    platforms : Platforms
        What :func:`add_platforms` returned (maker spaces and incubators host
        social teams).

    Returns
    -------
    Teams
        The teams by position, for the steps that follow.

    Examples
    --------
    >>> from innokg.loaders.synthetic.firms import add_enterprises, add_zones
    >>> from innokg.loaders.synthetic.fixed import add_reference, draw_cities
    >>> from innokg.loaders.synthetic.research import add_institutes
    >>> demo = Demo(np.random.default_rng(1))
    >>> ref = add_reference(demo)
    >>> cities = draw_cities(demo, ref)
    >>> firms = add_enterprises(demo, ref, cities, 300)
    >>> zones = add_zones(demo, cities, firms, 300)
    >>> platforms = add_platforms(demo, ref, cities, firms, zones,
    ...                           add_institutes(demo, ref, cities, 300))
    >>> teams = add_teams(demo, ref, cities, firms, platforms)
    >>> nodes, edges = demo.tables()
    >>> len(teams.ids), nodes["MakerTeam"].loc[0, ["name", "kind"]].tolist()
    (31, ['洛阳首席员工创新工作站（示例MT000001）', 'chief_employee_station'])
    >>> edges["HOSTS"]["from_id"].str[0].value_counts().to_dict()  # firms and platforms
    {'E': 17, 'P': 14}
    """
    rng, ent, e_city = demo.rng, firms.ids, firms.city
    p_team = np.array([0.7, 0.45, 0.03, 0.0])[firms.size] * cities.propensity[e_city]
    host = np.flatnonzero(rng.random(len(ent)) < p_team)
    host = np.repeat(host, 1 + rng.binomial(3, 0.35, len(host)))
    t_kind_e = rng.choice(
        [
            "technology",
            "employee",
            "master_craftsman_studio",
            "model_worker_station",
            "chief_employee_station",
            "social",
        ],
        len(host),
        p=[0.33, 0.2, 0.17, 0.12, 0.08, 0.1],
    )
    incub = np.flatnonzero(np.isin(platforms.kind, ["maker_space", "incubator"]))
    incub = np.repeat(incub, rng.integers(1, 5, len(incub)))
    n_team = len(host) + len(incub)
    team = ids("MT", n_team)
    t_kind = np.concatenate([t_kind_e, np.full(len(incub), "social")]).astype(object)
    t_city = np.concatenate([e_city[host], platforms.city[incub]])
    t_since = rng.integers(2012, 2021, n_team)
    t_demo = rng.random(n_team) < 0.1 * cities.propensity[t_city]
    t_demo_year = np.maximum(t_since, 2016) + rng.integers(0, 3, n_team)
    demo.node(
        "MakerTeam",
        pd.DataFrame(
            {
                "id": team,
                "kind": t_kind,
                "since": t_since,
                "demonstration": year_or_na(t_demo, t_demo_year),
                "name": local_names(cities.short[t_city], t_kind, TEAM_ZH, team),
                "name_en": english_names(cities.en[t_city], t_kind, "team", team),
            }
        ),
    )
    demo.edge("HOSTS", ent[host], team[: len(host)], since=t_since[: len(host)])
    demo.edge("HOSTS", platforms.ids[incub], team[len(host) :], since=t_since[len(host) :])
    est = np.flatnonzero(rng.random(len(host)) < 0.5)
    demo.edge("ESTABLISHED", ent[host[est]], team[est], since=t_since[est])
    sup_t = np.flatnonzero(rng.random(n_team) < 0.25)
    demo.edge(
        "SUPPORTED_BY",
        team[sup_t],
        pd.Series(t_kind[sup_t]).map(TEAM_ARTICLE).map(ref.measure).to_numpy(dtype=object),
        year=np.maximum(t_since[sup_t], 2017),
    )
    dt = np.flatnonzero(t_demo)
    demo.edge("SUPPORTED_BY", team[dt], ref.measure["demonstration_teams"], year=t_demo_year[dt])
    return Teams(ids=team, kind=t_kind, city=t_city)
