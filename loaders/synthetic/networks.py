"""What ties organisations together beyond trade and research: funds and their
investments, industry alliances and their members, and the people in public roles."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.loaders.synthetic.firms import Firms
from innokg.loaders.synthetic.fixed import Cities, Reference
from innokg.loaders.synthetic.names import (
    ALLIANCE_ZH,
    FUND_ZH,
    ROLE_ZH,
    TEAM_LEADER,
    english_names,
    local_names,
)
from innokg.loaders.synthetic.platforms import Platforms, Teams
from innokg.loaders.synthetic.research import Institutes
from innokg.loaders.synthetic.state import Demo, ids, pick, year_or_na

__all__ = ["add_alliances", "add_funds", "add_people"]


def add_funds(
    demo: Demo,
    ref: Reference,
    cities: Cities,
    firms: Firms,
    platforms: Platforms,
    teams: Teams,
    rest: int,
) -> np.ndarray:
    """Funds set up by large firms or by government, investing in firms, teams and
    platforms of their city; returns the funds' ids.

    Parameters
    ----------
    demo : Demo
        The demo being built; gets the Fund nodes and their ESTABLISHED, LOCATED_IN
        (a city), INVESTS_IN and SUPPORTED_BY edges.
    ref : Reference
        The policy's measures (maker finance).
    cities : Cities
        The cities, weighed by economy, for the government's funds.
    firms : Firms
        The firms: the large ones set up funds, the others receive investments.
    platforms : Platforms
        Platforms that a few funds back.
    teams : Teams
        Maker teams that maker funds and angels back.
    rest : int
        The number of invented nodes the demo aims at; 2% of them are funds, and at
        least 10.

    Returns
    -------
    ndarray of object
        The funds' ids.

    Examples
    --------
    >>> from innokg.loaders.synthetic.firms import add_enterprises, add_zones
    >>> from innokg.loaders.synthetic.fixed import add_reference, draw_cities
    >>> from innokg.loaders.synthetic.platforms import add_platforms, add_teams
    >>> from innokg.loaders.synthetic.research import add_institutes
    >>> demo = Demo(np.random.default_rng(1))
    >>> ref = add_reference(demo)
    >>> cities = draw_cities(demo, ref)
    >>> firms = add_enterprises(demo, ref, cities, 300)
    >>> zones = add_zones(demo, cities, firms, 300)
    >>> institutes = add_institutes(demo, ref, cities, 300)
    >>> platforms = add_platforms(demo, ref, cities, firms, zones, institutes)
    >>> teams = add_teams(demo, ref, cities, firms, platforms)
    >>> funds = add_funds(demo, ref, cities, firms, platforms, teams, 300)
    >>> nodes, edges = demo.tables()
    >>> funds[:2].tolist(), nodes["Fund"].loc[0, ["name", "kind"]].tolist()
    (['F000001', 'F000002'], ['洛阳产业投资基金（示例F000001）', 'industry_investment'])
    >>> edges["INVESTS_IN"]["to_id"].str[0].value_counts().to_dict()  # firms, teams, platforms
    {'E': 47, 'M': 17, 'P': 9}
    """
    rng, ent, e_city = demo.rng, firms.ids, firms.city
    n_fund = max(10, int(rest * 0.02))
    fund = ids("F", n_fund)
    f_kind = rng.choice(
        [
            "industry_investment",
            "venture",
            "angel",
            "maker_fund",
            "maker_bank",
            "public_welfare",
            "government_special",
        ],
        n_fund,
        p=[0.25, 0.2, 0.1, 0.15, 0.1, 0.05, 0.15],
    ).astype(object)
    large = np.flatnonzero(firms.size == 0)
    by_firm = (f_kind != "government_special") & (rng.random(n_fund) < 0.7) & (len(large) > 0)
    f_owner = np.where(
        by_firm,
        large[rng.integers(0, max(len(large), 1), n_fund) % max(len(large), 1)]
        if len(large)
        else -1,
        -1,
    )
    f_city = np.where(
        by_firm,
        e_city[f_owner.clip(0)],
        rng.choice(len(cities.codes), n_fund, p=cities.share()),
    )
    f_since = rng.integers(2012, 2021, n_fund)
    demo.node(
        "Fund",
        pd.DataFrame(
            {
                "id": fund,
                "kind": f_kind,
                "since": f_since,
                "amount": np.round(rng.lognormal(9.5, 1.0, n_fund), -1),
                "name": local_names(cities.short[f_city], f_kind, FUND_ZH, fund),
                "name_en": english_names(cities.en[f_city], f_kind, "", fund),
            }
        ),
    )
    demo.edge("ESTABLISHED", ent[f_owner[by_firm]], fund[by_firm], since=f_since[by_firm])
    demo.edge("LOCATED_IN", fund, "region:" + cities.codes[f_city])
    fb = np.flatnonzero(by_firm & np.isin(f_kind, ["maker_fund", "maker_bank"]))
    demo.edge(
        "SUPPORTED_BY",
        ent[f_owner[fb]],
        ref.measure["maker_finance"],
        year=np.maximum(f_since[fb], 2017),
    )
    _add_investments(demo, firms, platforms, teams, fund, f_kind, f_city)
    return fund


def _add_investments(
    demo: Demo,
    firms: Firms,
    platforms: Platforms,
    teams: Teams,
    fund: np.ndarray,
    f_kind: np.ndarray,
    f_city: np.ndarray,
) -> None:
    """A heavy-tailed number of deals per fund: maker funds and angels back teams, the
    others firms below the largest, a few back platforms."""
    rng, n_fund = demo.rng, len(fund)
    n_team, n_pl = len(teams.ids), len(platforms.ids)
    n_deals = np.minimum(3 + (rng.pareto(1.2, n_fund) * 4).astype(int), 60)
    f_rep = np.repeat(np.arange(n_fund), n_deals)
    teamish = np.isin(f_kind[f_rep], ["maker_fund", "maker_bank", "angel", "public_welfare"])
    to_team = (rng.random(len(f_rep)) < np.where(teamish, 0.7, 0.15)) & (n_team > 0)
    to_plat = ~to_team & (rng.random(len(f_rep)) < 0.1) & (n_pl > 0)
    to_ent = ~to_team & ~to_plat
    small = np.flatnonzero(firms.size >= 1)
    t_tgt = pick(rng, teams.city, np.arange(n_team), f_city[f_rep[to_team]])
    e_tgt = pick(rng, firms.city[small], small, f_city[f_rep[to_ent]])
    p_tgt = rng.integers(0, max(n_pl, 1), to_plat.sum())
    team, ent, plat = teams.ids, firms.ids, platforms.ids
    inv = pd.concat(
        [
            pd.DataFrame({"f": fund[f_rep[to_team]][t_tgt >= 0], "t": team[t_tgt[t_tgt >= 0]]}),
            pd.DataFrame({"f": fund[f_rep[to_ent]][e_tgt >= 0], "t": ent[e_tgt[e_tgt >= 0]]}),
            pd.DataFrame({"f": fund[f_rep[to_plat]], "t": plat[p_tgt] if n_pl else []}),
        ]
    ).drop_duplicates()
    demo.edge(
        "INVESTS_IN",
        inv["f"].to_numpy(),
        inv["t"].to_numpy(),
        amount=np.round(rng.lognormal(5.5, 1.0, len(inv)), 1),
        round=rng.choice(["seed", "angel", "A", "B"], len(inv), p=[0.35, 0.3, 0.25, 0.1]),
        since=rng.integers(2016, 2021, len(inv)),
    )


def add_alliances(
    demo: Demo, ref: Reference, firms: Firms, inst: Institutes, fund: np.ndarray, rest: int
) -> None:
    """Province-wide alliances of one division each: its firms (the big ones most often,
    the first member chairs), institutes (more in research alliances) and some funds.

    Parameters
    ----------
    demo : Demo
        The demo being built; gets the Alliance nodes and MEMBER_OF edges (with
        ``role`` chair or member).
    ref : Reference
        The divisions an alliance may be of.
    firms : Firms
        The firms that join.
    inst : Institutes
        The institutes that join.
    fund : ndarray
        The funds' ids, as :func:`add_funds` returns them; a fifth of them join.
    rest : int
        The number of invented nodes the demo aims at; the number of alliances
        follows it.

    Examples
    --------
    >>> from innokg.loaders.synthetic.firms import add_enterprises, add_zones
    >>> from innokg.loaders.synthetic.fixed import add_reference, draw_cities
    >>> from innokg.loaders.synthetic.platforms import add_platforms, add_teams
    >>> from innokg.loaders.synthetic.research import add_institutes
    >>> demo = Demo(np.random.default_rng(1))
    >>> ref = add_reference(demo)
    >>> cities = draw_cities(demo, ref)
    >>> firms = add_enterprises(demo, ref, cities, 300)
    >>> zones = add_zones(demo, cities, firms, 300)
    >>> institutes = add_institutes(demo, ref, cities, 300)
    >>> platforms = add_platforms(demo, ref, cities, firms, zones, institutes)
    >>> teams = add_teams(demo, ref, cities, firms, platforms)
    >>> funds = add_funds(demo, ref, cities, firms, platforms, teams, 300)
    >>> add_alliances(demo, ref, firms, institutes, funds, 300)
    >>> nodes, edges = demo.tables()
    >>> len(nodes["Alliance"]), nodes["Alliance"].loc[0, ["name", "kind"]].tolist()
    (8, ['河南省造纸技术创新联盟（示例AL000001）', 'technology_innovation'])
    >>> edges["MEMBER_OF"]["role"].value_counts().to_dict()
    {'member': 58, 'chair': 6}
    """
    rng, ent = demo.rng, firms.ids
    n_al = max(8, int(rest * 0.01))
    al = ids("AL", n_al)
    al_div = rng.choice(np.unique(ref.prod_div), n_al).astype(object)
    al_kind = rng.choice(
        ["industry", "technology_innovation", "industry_university_research", "cross_industry"],
        n_al,
        p=[0.35, 0.3, 0.25, 0.1],
    ).astype(object)
    div_short = dict(zip(ref.divisions["code"], ref.divisions["short"], strict=True))
    div_en = dict(zip(ref.divisions["code"], ref.divisions["name_en"], strict=True))
    demo.node(
        "Alliance",
        pd.DataFrame(
            {
                "id": al,
                "kind": al_kind,
                "since": rng.integers(2010, 2020, n_al),
                "name": "河南省"
                + pd.Series(al_div).map(div_short).to_numpy(dtype=object)
                + pd.Series(al_kind).map(ALLIANCE_ZH).to_numpy(dtype=object)
                + "（示例"
                + al
                + "）",
                "name_en": "Demo Henan "
                + pd.Series(al_div).map(div_en).to_numpy(dtype=object)
                + " alliance "
                + al,
            }
        ),
    )
    n_mem = np.minimum(4 + (rng.pareto(1.3, n_al) * 6).astype(int), 200)
    a_rep = np.repeat(np.arange(n_al), n_mem)
    weight_big = np.array([12.0, 4.0, 1.0, 0.3])[firms.size]
    firm_div = ref.prod_div[firms.product].astype(str)
    mem = pick(rng, firm_div, np.arange(len(ent)), al_div[a_rep].astype(str), weight_big)
    mm = pd.DataFrame({"e": mem, "a": a_rep})[mem >= 0].drop_duplicates()
    first = ~mm.duplicated("a")
    demo.edge(
        "MEMBER_OF",
        ent[mm["e"]],
        al[mm["a"]],
        role=np.where(first, "chair", "member"),
        since=rng.integers(2010, 2021, len(mm)),
    )
    r_rep = np.repeat(
        np.arange(n_al),
        np.where(al_kind != "industry", rng.integers(1, 5, n_al), rng.integers(0, 2, n_al)),
    )
    rmem = pd.DataFrame(
        {"r": rng.integers(0, len(inst.ids), len(r_rep)), "a": r_rep}
    ).drop_duplicates()
    demo.edge("MEMBER_OF", inst.ids[rmem["r"]], al[rmem["a"]], role="member")
    fmem = np.flatnonzero(rng.random(len(fund)) < 0.2)
    demo.edge("MEMBER_OF", fund[fmem], al[rng.integers(0, n_al, len(fmem))], role="member")


def add_people(demo: Demo, cities: Cities, firms: Firms, teams: Teams) -> None:
    """The heads of large (and some medium) firms and the leaders of technology teams,
    studios and stations; some recognised by the province, more in eager cities.

    Parameters
    ----------
    demo : Demo
        The demo being built; gets the Person nodes (``role``, and ``recognised``:
        the year the province recognised them, or missing) and LEADS edges.
    cities : Cities
        The cities' policy propensity.
    firms : Firms
        The firms whose heads are drawn.
    teams : Teams
        The maker teams whose leaders are drawn.

    Examples
    --------
    >>> from innokg.loaders.synthetic.firms import add_enterprises, add_zones
    >>> from innokg.loaders.synthetic.fixed import add_reference, draw_cities
    >>> from innokg.loaders.synthetic.platforms import add_platforms, add_teams
    >>> from innokg.loaders.synthetic.research import add_institutes
    >>> demo = Demo(np.random.default_rng(1))
    >>> ref = add_reference(demo)
    >>> cities = draw_cities(demo, ref)
    >>> firms = add_enterprises(demo, ref, cities, 300)
    >>> zones = add_zones(demo, cities, firms, 300)
    >>> institutes = add_institutes(demo, ref, cities, 300)
    >>> platforms = add_platforms(demo, ref, cities, firms, zones, institutes)
    >>> teams = add_teams(demo, ref, cities, firms, platforms)
    >>> add_people(demo, cities, firms, teams)
    >>> nodes, edges = demo.tables()
    >>> len(nodes["Person"]), nodes["Person"].loc[0, ["name", "role"]].tolist()
    (19, ['示例创新型企业家P000001', 'entrepreneur'])
    >>> edges["LEADS"].loc[0, ["from_id", "to_id", "role"]].tolist()
    ['P000001', 'E000049', 'chair']
    """
    rng, ent, e_size = demo.rng, firms.ids, firms.size
    boss = np.flatnonzero((e_size == 0) | ((e_size == 1) & (rng.random(len(ent)) < 0.3)))
    led = np.flatnonzero(np.isin(teams.kind, list(TEAM_LEADER)))
    n_person = len(boss) + len(led)
    person = ids("P", n_person)
    role = np.concatenate(
        [
            np.full(len(boss), "entrepreneur", dtype=object),
            pd.Series(teams.kind[led]).map(TEAM_LEADER).to_numpy(dtype=object),
        ]
    )
    p_city = np.concatenate([firms.city[boss], teams.city[led]])
    recognised = (
        rng.random(n_person)
        < np.where(role == "entrepreneur", 0.35, 0.15) * cities.propensity[p_city]
    )
    rec_year = rng.integers(2017, 2021, n_person)
    demo.node(
        "Person",
        pd.DataFrame(
            {
                "id": person,
                "role": role,
                "recognised": year_or_na(recognised, rec_year),
                "name": "示例" + pd.Series(role).map(ROLE_ZH).to_numpy(dtype=object) + person,
                "name_en": "Demo "
                + pd.Series(role).str.replace("_", " ").to_numpy(dtype=object)
                + " "
                + person,
            }
        ),
    )
    demo.edge("LEADS", person[: len(boss)], ent[boss], role="chair")
    demo.edge("LEADS", person[len(boss) :], teams.ids[led], role="leader")
