"""Reference tables shipped with innokg: Henan's divisions, GB/T 4754 divisions, the
seed policy's measures, the registered cities of Henan's listed companies and the
demo's product catalogue.

Each is a small CSV in ``loaders/data/`` with its source in the file's header.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

__all__ = [
    "china_provinces",
    "demo_products",
    "enterprise_name_industries",
    "henan_listed_cities",
    "henan_policy_measures",
    "henan_regions",
    "manufacturing_divisions",
    "university_fields",
]


def _read(name: str) -> pd.DataFrame:
    with resources.files("innokg.loaders").joinpath(f"data/{name}").open(encoding="utf-8") as f:
        return pd.read_csv(f, comment="#", dtype=str, keep_default_na=False)


@cache
def henan_regions() -> pd.DataFrame:
    """Henan's province, 18 cities (Jiyuan included) and counties: code, name, level, parent_code.

    >>> regions = henan_regions()
    >>> regions.level.value_counts().to_dict()
    {'county': 180, 'city': 18, 'province': 1}
    """
    return _read("henan_regions.csv")


@cache
def manufacturing_divisions() -> pd.DataFrame:
    """GB/T 4754-2017 section C and its 31 divisions: code, name, name_en, short."""
    return _read("gbt4754_manufacturing.csv")


@cache
def henan_policy_measures() -> pd.DataFrame:
    """The seed policy's measures with their targets (see the file header)."""
    return _read("henan_2016_policy.csv")


@cache
def demo_products() -> pd.DataFrame:
    """The demo's product catalogue: key, name, name_en, industry, inputs, parent."""
    return _read("demo_products.csv")


@cache
def university_fields() -> pd.DataFrame:
    """Fields named in institutions' names and the industry divisions they serve.

    >>> fields = university_fields().set_index("keyword")
    >>> fields.loc["汽车", ["scope", "divisions"]].tolist()
    ['specific', 'C36']
    """
    return _read("university_fields.csv")


@cache
def enterprise_name_industries() -> pd.DataFrame:
    """Industry terms of enterprise names and the divisions they name.

    >>> terms = enterprise_name_industries().set_index("keyword")
    >>> terms.loc["轮胎", "divisions"]
    'C29'
    """
    return _read("enterprise_name_industries.csv")


@cache
def henan_listed_cities() -> pd.DataFrame:
    """Registered city (and county) of Henan's listed companies, each with its basis.

    Columns: symbol, name, fullname, city, county, basis (``name``: the full name
    names the place; ``registered address``: the page in source_url states it),
    source_url.  Rows with no established place have an empty city.

    >>> cities = henan_listed_cities()
    >>> set(cities.loc[cities["city"] != "", "basis"]) <= {"name", "registered address",
    ...                                                   "office address"}
    True
    """
    return _read("henan_listed_cities.csv")


@cache
def china_provinces() -> pd.DataFrame:
    """China's 31 province-level divisions: code (2 digits), name (NBS 2023).

    >>> china_provinces().set_index("code").loc["41", "name"]
    '河南省'
    """
    return _read("china_provinces.csv")
