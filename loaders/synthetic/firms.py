"""Invented firms: who they are, what they make, whom they supply, which zones hold them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from innokg.loaders.synthetic.fixed import Cities, Reference
from innokg.loaders.synthetic.names import (
    BRANDS,
    CITY_PROFILES,
    SIZE_P,
    SIZE_ZH,
    SIZES,
    ZONE_ZH,
    english_names,
    local_names,
)
from innokg.loaders.synthetic.state import Demo, ids, pick

__all__ = ["Firms", "Zones", "add_enterprises", "add_supplies", "add_zones"]


@dataclass
class Firms:
    """The enterprises, by position: id, city, main product, size class (0 = large)."""

    ids: np.ndarray
    city: np.ndarray
    product: np.ndarray
    size: np.ndarray
    since: np.ndarray
    #: heavy-tailed draw weight as a supplier: chain leaders win most buyers
    fitness: np.ndarray


@dataclass
class Zones:
    """The zones, by position: id and city."""

    ids: np.ndarray
    city: np.ndarray


def add_enterprises(demo: Demo, ref: Reference, cities: Cities, rest: int) -> Firms:
    """Firms in cities by economic weight, making products their city specialises in.

    Parameters
    ----------
    demo : Demo
        The demo being built; gets the Enterprise nodes, their LOCATED_IN (a county),
        IN_INDUSTRY and PRODUCES edges, and SPECIALISES_IN edges of the cities.
    ref : Reference
        What :func:`~innokg.loaders.synthetic.fixed.add_reference` returned.
    cities : Cities
        What :func:`~innokg.loaders.synthetic.fixed.draw_cities` returned.
    rest : int
        The number of invented nodes the demo aims at; 58% of them are firms.

    Returns
    -------
    Firms
        The firms by position, for the steps that follow.

    Examples
    --------
    >>> from innokg.loaders.synthetic.fixed import add_reference, draw_cities
    >>> demo = Demo(np.random.default_rng(1))
    >>> ref = add_reference(demo)
    >>> firms = add_enterprises(demo, ref, draw_cities(demo, ref), 300)
    >>> len(firms.ids), firms.ids[0]
    (174, 'E000001')
    >>> nodes, edges = demo.tables()
    >>> nodes["Enterprise"].loc[0, ["name", "size", "source"]].tolist()
    ['开封正阳客车有限公司（示例E000001）', 'small', 'synthetic']
    >>> nodes["Enterprise"]["size"].value_counts().to_dict()
    {'small': 88, 'micro': 67, 'medium': 15, 'large': 4}
    """
    rng = demo.rng
    n_ent = int(rest * 0.58)
    ent = ids("E", n_ent)
    e_city = rng.choice(len(cities.codes), n_ent, p=cities.share())
    spec = np.array([[d in p[3] for d in ref.prod_div] for p in CITY_PROFILES.values()])
    n_inputs = np.array([len(i) for i in ref.inputs])
    tier_w = np.where(n_inputs == 0, 0.6, 1.0)  # fewer raw-material makers
    prod_w = (1 + 9 * spec) * tier_w
    e_prod = np.empty(n_ent, dtype=np.int64)
    for c in range(len(cities.codes)):
        sel = np.flatnonzero(e_city == c)
        e_prod[sel] = rng.choice(len(ref.products), len(sel), p=prod_w[c] / prod_w[c].sum())
    e_size = rng.choice(4, n_ent, p=SIZE_P)
    employees = np.select(
        [e_size == 0, e_size == 1, e_size == 2],
        [
            1000 + (rng.pareto(1.5, n_ent) * 1500).astype(int),
            rng.integers(300, 1000, n_ent),
            rng.integers(20, 300, n_ent),
        ],
        rng.integers(2, 20, n_ent),
    )
    revenue = np.round(employees * rng.lognormal(3.6, 0.5, n_ent), 1)  # 10k CNY
    fitness = np.array([20.0, 5.0, 1.5, 0.5])[e_size] * (1 + rng.pareto(1.5, n_ent))
    e_since = rng.integers(1985, 2017, n_ent)
    brand = BRANDS[rng.integers(0, len(BRANDS), n_ent)]
    pname = ref.products["name"].to_numpy(dtype=object)
    e_name = cities.short[e_city] + brand + pname[e_prod] + SIZE_ZH[e_size] + "（示例" + ent + "）"
    e_name_en = (
        "Demo "
        + cities.en[e_city]
        + " "
        + ref.products["name_en"].to_numpy(dtype=object)[e_prod]
        + " Co. "
        + ent
    )
    demo.node(
        "Enterprise",
        pd.DataFrame(
            {
                "id": ent,
                "name": e_name,
                "name_en": e_name_en,
                "since": e_since,
                "size": SIZES[e_size],
                "industrial": rng.random(n_ent) < 0.97,
                "listed": (e_size == 0) & (rng.random(n_ent) < 0.3),
                "employees": employees,
                "revenue": revenue,
            }
        ),
    )
    demo.edge("LOCATED_IN", ent, cities.county_for(demo, e_city))
    demo.edge("IN_INDUSTRY", ent, ref.prod_industry[e_prod])
    firms = Firms(ids=ent, city=e_city, product=e_prod, size=e_size, since=e_since, fitness=fitness)
    _add_quotients(demo, ref, cities, firms)
    _add_products(demo, ref, firms)
    return firms


def _add_quotients(demo: Demo, ref: Reference, cities: Cities, firms: Firms) -> None:
    """Location quotients of the demo's own firms (a city's share of a division's firms
    over its share of all firms), as the real graph carries the published ones.  No random
    draw: the rest of the demo is the same with or without them."""
    counts = pd.crosstab(firms.city, ref.prod_industry[firms.product])
    share = counts.div(counts.sum(axis=1), axis=0)
    lq = share.div(counts.sum(axis=0) / counts.to_numpy().sum(), axis=1).stack()
    lq = lq[(lq > 1.0) & (counts.stack() >= 3)]
    demo.edge(
        "SPECIALISES_IN",
        "region:" + cities.codes[lq.index.get_level_values(0).to_numpy()].astype(str),
        lq.index.get_level_values(1).to_numpy(dtype=object),
        quotient=np.round(lq.to_numpy(dtype=float), 4),
        year=2017,
    )


def _add_products(demo: Demo, ref: Reference, firms: Firms) -> None:
    """Each firm's main product, and for a quarter of them a second one of the same
    division."""
    rng, ent, e_prod = demo.rng, firms.ids, firms.product
    n_ent = len(ent)
    demo.edge(
        "PRODUCES",
        ent,
        ref.prod_id[e_prod],
        revenue_share=np.round(rng.uniform(0.55, 1.0, n_ent), 2),
    )
    second = np.flatnonzero(rng.random(n_ent) < 0.25)
    prod_div = ref.prod_div
    same_div = pick(
        rng,
        prod_div.astype(str),
        np.arange(len(ref.products)),
        prod_div[e_prod[second]].astype(str),
    )
    keep = (same_div >= 0) & (same_div != e_prod[second])
    demo.edge(
        "PRODUCES",
        ent[second[keep]],
        ref.prod_id[same_div[keep]],
        revenue_share=np.round(rng.uniform(0.05, 0.4, keep.sum()), 2),
    )


def add_supplies(demo: Demo, ref: Reference, firms: Firms) -> None:
    """Buyers draw suppliers among the makers of their inputs, by fitness, mostly local.

    Parameters
    ----------
    demo : Demo
        The demo being built; gets the SUPPLIES edges (supplier -> buyer, with
        ``product``, ``share``, ``weight`` and ``since``).
    ref : Reference
        The products and their inputs.
    firms : Firms
        What :func:`add_enterprises` returned.

    Examples
    --------
    Every supplier makes an input of its buyer's main product:

    >>> from innokg.loaders.synthetic.fixed import add_reference, draw_cities
    >>> demo = Demo(np.random.default_rng(1))
    >>> ref = add_reference(demo)
    >>> firms = add_enterprises(demo, ref, draw_cities(demo, ref), 300)
    >>> add_supplies(demo, ref, firms)
    >>> supplies = demo.tables()[1]["SUPPLIES"]
    >>> len(supplies), supplies.loc[0, ["from_id", "to_id", "product"]].tolist()
    (263, ['E000098', 'E000001', '车身结构件'])
    >>> makes = dict(zip(firms.ids, ref.products["key"].to_numpy()[firms.product]))
    >>> inputs = dict(zip(ref.products["key"], ref.products["inputs"].str.split(";")))
    >>> all(makes[s] in inputs[makes[b]] for s, b in zip(supplies["from_id"], supplies["to_id"]))
    True
    """
    rng, ent, e_prod, e_size, e_city = demo.rng, firms.ids, firms.product, firms.size, firms.city
    n_ent = len(ent)
    n_inputs = np.array([len(i) for i in ref.inputs])
    buyer = np.repeat(np.arange(n_ent), n_inputs[e_prod])
    need = np.concatenate([ref.inputs[p] for p in e_prod]) if len(buyer) else np.array([], int)
    buyer, need = buyer.astype(np.int64), need.astype(np.int64)
    take = (e_size[buyer] <= 1) | (rng.random(len(buyer)) < 0.6)
    buyer, need = buyer[take], need[take]
    k = 1 + rng.binomial(4, np.where(e_size[buyer] <= 1, 0.45, 0.15))
    buyer, need = np.repeat(buyer, k), np.repeat(need, k)
    local = rng.random(len(buyer)) < 0.6
    sup = np.full(len(buyer), -1, dtype=np.int64)
    key_local = need * 100 + e_city[buyer]
    sup[local] = pick(rng, e_prod * 100 + e_city, np.arange(n_ent), key_local[local], firms.fitness)
    rest_sel = sup < 0
    sup[rest_sel] = pick(rng, e_prod, np.arange(n_ent), need[rest_sel], firms.fitness)
    ok = (sup >= 0) & (sup != buyer)
    pairs = pd.DataFrame({"s": sup[ok], "b": buyer[ok], "p": need[ok]}).drop_duplicates(["s", "b"])
    per_buyer_input = pairs.groupby(["b", "p"])["s"].transform("size")
    share = np.round(rng.uniform(0.6, 1.0, len(pairs)) / per_buyer_input.to_numpy(), 3)
    since = np.maximum(firms.since[pairs["s"]], firms.since[pairs["b"]]) + rng.integers(
        0, 6, len(pairs)
    )
    pname = ref.products["name"].to_numpy(dtype=object)
    demo.edge(
        "SUPPLIES",
        ent[pairs["s"]],
        ent[pairs["b"]],
        product=pname[pairs["p"]],
        share=share,
        weight=share,
        since=np.minimum(since, 2020),
    )


def add_zones(demo: Demo, cities: Cities, firms: Firms, rest: int) -> Zones:
    """An industrial cluster zone in every city, more zones by economic weight, and
    nearly half the firms in a zone of their city.

    Parameters
    ----------
    demo : Demo
        The demo being built; gets the Zone nodes, their LOCATED_IN (a county) and
        IN_INDUSTRY edges, and LOCATED_IN edges of the firms in a zone.
    cities : Cities
        The cities the zones are drawn in.
    firms : Firms
        What :func:`add_enterprises` returned.
    rest : int
        The number of invented nodes the demo aims at; 2% of them are zones, and at
        least one per city.

    Returns
    -------
    Zones
        The zones by position, for the steps that follow.

    Examples
    --------
    >>> from innokg.loaders.synthetic.fixed import add_reference, draw_cities
    >>> demo = Demo(np.random.default_rng(1))
    >>> ref = add_reference(demo)
    >>> cities = draw_cities(demo, ref)
    >>> firms = add_enterprises(demo, ref, cities, 2000)
    >>> zones = add_zones(demo, cities, firms, 2000)
    >>> nodes, edges = demo.tables()
    >>> len(zones.ids), nodes["Zone"].loc[0, "name"]
    (40, '郑州产业集聚区（示例Z000001）')
    >>> nodes["Zone"]["kind"].value_counts().to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'industrial_cluster': 32, 'new_industrialization_base': 3, 'high_tech_zone': 3,
     'shuangchuang_base': 2}
    >>> in_zone = edges["LOCATED_IN"][edges["LOCATED_IN"]["to_id"].str.startswith("Z")]
    >>> len(in_zone), len(firms.ids)
    (548, 1160)
    """
    rng, n_city = demo.rng, len(cities.codes)
    n_zone = max(n_city, int(rest * 0.02))
    z_city = np.concatenate(
        [np.arange(n_city), rng.choice(n_city, n_zone - n_city, p=cities.share())]
    )
    z_kind = np.where(
        np.arange(n_zone) < n_city,
        "industrial_cluster",
        rng.choice(
            [
                "industrial_cluster",
                "high_tech_zone",
                "new_industrialization_base",
                "shuangchuang_base",
            ],
            n_zone,
            p=[0.55, 0.15, 0.15, 0.15],
        ),
    )
    zone = ids("Z", n_zone)
    demo.node(
        "Zone",
        pd.DataFrame(
            {
                "id": zone,
                "kind": z_kind,
                "since": rng.integers(2008, 2017, n_zone),
                "name": local_names(cities.short[z_city], z_kind, ZONE_ZH, zone),
                "name_en": english_names(cities.en[z_city], z_kind, "", zone),
            }
        ),
    )
    demo.edge("LOCATED_IN", zone, cities.county_for(demo, z_city))
    z_spec = np.array([CITY_PROFILES[c][3][0] for c in cities.codes[z_city]], dtype=object)
    demo.edge("IN_INDUSTRY", zone, "industry:gbt4754:" + z_spec)
    in_zone = np.flatnonzero(rng.random(len(firms.ids)) < 0.45)
    e_zone = pick(rng, z_city, np.arange(n_zone), firms.city[in_zone])
    demo.edge("LOCATED_IN", firms.ids[in_zone[e_zone >= 0]], zone[e_zone[e_zone >= 0]])
    return Zones(ids=zone, city=z_city)
