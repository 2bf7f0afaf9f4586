"""The real part of the demo: regions, industries, products and the policy's measures,
and the cities every invented organisation is placed in."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from innokg.loaders.reference import (
    demo_products,
    henan_policy_measures,
    henan_regions,
    manufacturing_divisions,
)
from innokg.loaders.regions import RegionResolver
from innokg.loaders.synthetic.names import CITY_PROFILES
from innokg.loaders.synthetic.state import Demo, pick

__all__ = ["Cities", "Reference", "add_reference", "draw_cities"]


@dataclass
class Reference:
    """The fixed tables, and what the invented part reads from them."""

    regions: pd.DataFrame
    divisions: pd.DataFrame
    products: pd.DataFrame
    #: product ids, each product's input products (positions), industry id and division
    prod_id: np.ndarray
    inputs: list[list[int]]
    prod_industry: np.ndarray
    prod_div: np.ndarray
    #: policy indicator (or article id) -> PolicyMeasure id
    measure: dict[str, str]
    #: how many fixed nodes there are
    count: int


@dataclass
class Cities:
    """Henan's 18 cities as the demo weighs them (positions follow CITY_PROFILES)."""

    codes: np.ndarray
    weight: np.ndarray
    research: np.ndarray
    #: how much each city has answered the policy: some well above, some below
    propensity: np.ndarray
    short: np.ndarray
    en: np.ndarray
    county_code: np.ndarray
    county_city: np.ndarray

    def share(self) -> np.ndarray:
        """Each city's share of the economy, to draw a city for an organisation."""
        out: np.ndarray = self.weight / self.weight.sum()
        return out

    def county_for(self, demo: Demo, cities: np.ndarray) -> np.ndarray:
        """A county in each given city (Jiyuan has none: the city itself)."""
        picked = pick(demo.rng, self.county_city, np.arange(len(self.county_code)), cities)
        out: np.ndarray = np.where(
            picked >= 0,
            "region:" + self.county_code[picked.clip(0)].astype(str),
            "region:" + self.codes[cities].astype(str),
        ).astype(object)
        return out


def add_reference(demo: Demo) -> Reference:
    """Regions, industries, products and policy measures, from the real reference tables.

    Parameters
    ----------
    demo : Demo
        The demo being built; gets the Region, Industry, Product and PolicyMeasure
        nodes with their LOCATED_IN, SUBCLASS_OF and UPSTREAM_OF edges.  No random
        draw is made.

    Returns
    -------
    Reference
        The tables read and what the invented part draws from them (each product's
        inputs, industry and division; each policy indicator's measure).

    Examples
    --------
    >>> demo = Demo(np.random.default_rng(1))
    >>> ref = add_reference(demo)
    >>> {label: sum(map(len, frames)) for label, frames in demo.nodes.items()}
    {'Region': 199, 'Industry': 32, 'Product': 53, 'PolicyMeasure': 19}
    >>> ref.count
    303
    >>> ref.products.set_index("key").loc["steel", ["name", "inputs"]].tolist()
    ['钢材', 'coke;refractory']
    >>> ref.measure["platform_coverage"]
    'policy:henan2016:3a'
    """
    regions = henan_regions()
    region_id = "region:" + regions["code"]
    demo.node(
        "Region",
        pd.DataFrame(
            {
                "id": region_id,
                "name": regions["name"],
                "level": regions["level"],
                "code": regions["code"],
                "name_en": regions["code"].map(lambda c: CITY_PROFILES.get(c, ("",))[0] or None),
            }
        ),
    )
    has_parent = regions["parent_code"] != ""
    demo.edge("LOCATED_IN", region_id[has_parent], "region:" + regions["parent_code"][has_parent])

    divisions = manufacturing_divisions()
    ind_id = "industry:gbt4754:" + divisions["code"]
    demo.node(
        "Industry",
        pd.DataFrame(
            {
                "id": ind_id,
                "name": divisions["name"],
                "name_en": divisions["name_en"],
                "code": divisions["code"],
                "scheme": "GB/T 4754-2017",
                "level": np.where(divisions["code"] == "C", 1, 2),
            }
        ),
    )
    demo.edge("SUBCLASS_OF", ind_id[1:], "industry:gbt4754:C")

    products = demo_products()
    prod_id = ("product:demo:" + products["key"]).to_numpy(dtype=object)
    demo.node(
        "Product",
        pd.DataFrame({"id": prod_id, "name": products["name"], "name_en": products["name_en"]}),
    )
    key_pos = {k: i for i, k in enumerate(products["key"])}
    inputs = [[key_pos[k] for k in s.split(";") if k] for s in products["inputs"]]
    up = [(i, p) for p, ins in enumerate(inputs) for i in ins]
    demo.edge("UPSTREAM_OF", prod_id[[a for a, _ in up]], prod_id[[b for _, b in up]])
    sub = products["parent"] != ""
    demo.edge(
        "SUBCLASS_OF",
        prod_id[sub.to_numpy()],
        "product:demo:" + products["parent"][sub].to_numpy(dtype=object),
    )

    policy = henan_policy_measures()
    demo.node(
        "PolicyMeasure",
        policy.replace("", None).assign(
            target=lambda d: pd.to_numeric(d["target"]),
            deadline=lambda d: pd.to_numeric(d["deadline"]).astype("Int64"),
            article=lambda d: d["article"].astype(int),
        ),
    )
    measure = dict(
        zip(
            policy["indicator"].where(policy["indicator"] != "", policy["id"]),
            policy["id"],
            strict=True,
        )
    )
    return Reference(
        regions=regions,
        divisions=divisions,
        products=products,
        prod_id=prod_id,
        inputs=inputs,
        prod_industry=("industry:gbt4754:" + products["industry"]).to_numpy(dtype=object),
        prod_div=products["industry"].to_numpy(dtype=object),
        measure=measure,
        count=len(regions) + len(divisions) + len(products) + len(policy),
    )


def draw_cities(demo: Demo, ref: Reference) -> Cities:
    """The cities' weights and names, and each city's draw of policy propensity.

    Parameters
    ----------
    demo : Demo
        The demo being built; one draw of 18 propensities from its stream.
    ref : Reference
        What :func:`add_reference` returned (the counties of each city).

    Returns
    -------
    Cities
        Henan's 18 cities in the order of ``CITY_PROFILES``.

    Examples
    --------
    >>> demo = Demo(np.random.default_rng(1))
    >>> cities = draw_cities(demo, add_reference(demo))
    >>> cities.short[:3].tolist(), cities.en[:3].tolist()
    (['郑州', '开封', '洛阳'], ['Zhengzhou', 'Kaifeng', 'Luoyang'])
    >>> cities.share().round(3)[:3].tolist()
    [0.167, 0.05, 0.1]
    >>> bool(((cities.propensity >= 0.55) & (cities.propensity < 1.35)).all())
    True
    """
    codes = np.array(list(CITY_PROFILES), dtype=object)
    propensity = demo.rng.uniform(0.55, 1.35, len(codes))
    resolver = RegionResolver.from_divisions(ref.regions)  # the resolver every source uses
    counties = ref.regions[ref.regions["level"] == "county"]
    city_idx_of = {c: i for i, c in enumerate(codes)}
    return Cities(
        codes=codes,
        weight=np.array([p[1] for p in CITY_PROFILES.values()]),
        research=np.array([p[2] for p in CITY_PROFILES.values()]),
        propensity=propensity,
        short=np.array([resolver.short_name(c) for c in codes], dtype=object),
        en=np.array([p[0] for p in CITY_PROFILES.values()], dtype=object),
        county_code=counties["code"].to_numpy(dtype=object),
        county_city=np.array([city_idx_of[c] for c in counties["parent_code"]]),
    )
