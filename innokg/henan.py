"""Build the real Henan graph from every real source innokg can find.

Two kinds of sources go in (``docs/data.md`` describes each):

- shipped with innokg (government lists and permissively licensed data, see
  ``loaders/data/README.md``): Henan's NBS divisions and development zones, the MOE
  list of Henan's universities, the NDRC list of national enterprise technology
  centres, city figures, the seed policy's measures;
- not redistributable, read from a data folder (``--data``) or from the cache that
  ``innokg data fetch`` fills: the chain data of A-share companies (``chainkg``),
  the listing table that says which are Henan's (``listed``), and the industry
  location quotients of cities (``lq``).

A missing source of the second kind does not stop the build: the graph is built from
the rest and :func:`build_henan` says which sources were missing and what that leaves
unanswerable.  Where sources say different things about the same node, the one
listed first in :data:`ORDER` wins.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from innokg.loaders.base import SourceTables
from innokg.loaders.chainkg import read_chainkg_source
from innokg.loaders.cities import read_cities_source
from innokg.loaders.fetch import find_data
from innokg.loaders.listed import keep_companies, read_listed_source
from innokg.loaders.lq import read_lq_source
from innokg.loaders.shipped import SHIPPED, henan_regions_source, policy_source, shipped_path
from innokg.loaders.techcentres import read_techcentres_source
from innokg.loaders.universities import read_universities_source
from innokg.pipeline import BuildResult, Step, build_from_tables

__all__ = ["FETCHED", "ORDER", "HenanBuild", "build_henan"]

#: The order in which sources are merged: where they disagree, the first wins.
ORDER = (
    "regions",
    "chainkg",
    "listed",
    "techcentres",
    "universities",
    "cities",
    "lq",
    "policy",
)

#: Sources read from a data folder or the fetch cache: what each answers.
FETCHED = {
    "chainkg": "listed companies' products, Shenwan industries and inferred supply links "
    "(supply-chain clusters, chain leaders, single-sourced inputs, partner suggestions "
    "between firms)",
    "listed": "which listed companies are Henan's and where they are registered "
    "(listed firms per city, firms' cities in every question)",
    "lq": "which industries concentrate in which city (city specialisations)",
}
_STOCK = "ent:stock:"
_FILES = {
    "listed": "stock_basic.csv",
    "lq": "industry_location_quotients_2017.xlsx",
}


@dataclass
class HenanBuild:
    """A built Henan graph, and what it was built from."""

    result: BuildResult
    #: the sources read, by name, with where each came from
    used: dict[str, str] = field(default_factory=dict)
    #: the sources not found, with what their absence leaves unanswerable
    missing: dict[str, str] = field(default_factory=dict)


def _located(name: str, data: Path | None) -> Path | None:
    folder = find_data(name, data)
    if folder is None:
        return None
    return folder / _FILES[name] if name in _FILES else folder


def _mark_delisted(chain: SourceTables, listed_now: set[str]) -> None:
    """Chain firms the listing table lacks are no longer listed: ``listed`` false.

    The chain data is a 2021 snapshot and marks every company listed; the listing
    table is a later snapshot of every A-share company, so a chain company missing
    from it has left the exchange since (delisted, merged or taken private).
    """
    ent = chain.nodes["Enterprise"]
    gone = ~ent["id"].isin(listed_now)
    if not gone.any():
        return
    ent = ent.copy()
    ent.loc[gone, "listed"] = False
    chain.nodes["Enterprise"] = ent
    chain.ledger.warn(
        "in the chain data (2021), not in the listing table: no longer listed (listed false)",
        int(gone.sum()),
        where=[
            f"{f}, row {r}"
            for f, r in zip(ent.loc[gone, "_file"], ent.loc[gone, "_row"], strict=True)
        ],
    )


def build_henan(
    out: str | Path,
    *,
    data: str | Path | None = None,
    database: bool = True,
    report: Step | None = None,
    prepare: bool | None = None,
) -> HenanBuild:
    """Build the real Henan graph package at ``out``.

    Parameters
    ----------
    out : path
        The package folder (replaced atomically when it is a package).
    data : path, optional
        A data folder laid out like ``innokg data fetch``'s cache (``chainkg/``,
        ``listed/``, ``clusters/``); the cache is looked in after it.
    database : bool
        Also build the embedded Cypher database.
    report : callable, optional
        Called with the name of each step as it starts.
    prepare : bool, optional
        Prepare the package for the first questions (see
        :func:`innokg.pipeline.build_from_sources`).

    Returns
    -------
    HenanBuild
        The build result, the sources used and the sources missing.

    Raises
    ------
    SourceError, ValidationError, PackageError
        Nothing is written when any is raised.
    """
    data = Path(data).expanduser() if data is not None else None
    timings: dict[str, float] = {}
    start = time.perf_counter()
    if report:
        report("read the sources")
    found = {name: _located(name, data) for name in FETCHED}
    read: dict[str, SourceTables] = {"regions": henan_regions_source()}
    used = {"regions": "shipped (NBS division codes 2023)"}
    henan_codes: list[str] = []
    outside_codes: list[str] = []
    if found["listed"] is not None:
        # the whole table: it says which companies are Henan's, and where the others are
        listing = read_listed_source(found["listed"])
        place = listing.edges["LOCATED_IN"].set_index("from_id")["to_id"].astype(str)
        henan = place.str.match(r"^(region|zone):41")
        henan_codes = [i.removeprefix(_STOCK) for i in place.index[henan]]
        outside_codes = [i.removeprefix(_STOCK) for i in place.index[~henan]]
        read["listed"] = listing
        used["listed"] = str(found["listed"])
    if found["chainkg"] is not None:
        read["chainkg"] = read_chainkg_source(
            found["chainkg"], scope="henan", henan_codes=henan_codes, outside_codes=outside_codes
        )
        used["chainkg"] = str(found["chainkg"])
    if "listed" in read and "chainkg" in read:
        _mark_delisted(read["chainkg"], set(read["listed"].nodes["Enterprise"]["id"]))
    if "listed" in read:
        kept = {_STOCK + c for c in henan_codes}
        if "chainkg" in read:
            kept |= set(read["chainkg"].nodes["Enterprise"]["id"])
        reason = "outside the Henan scope (neither Henan's nor in its firms' chains)"
        keep_companies(read["listed"], kept, reason)
    readers = {
        "universities": read_universities_source,
        "techcentres": read_techcentres_source,
        "cities": read_cities_source,
    }
    for name, (kind, file) in SHIPPED.items():
        path = shipped_path(file)
        reader = readers[kind]
        read[name] = reader(path) if kind == "universities" else reader(path, scope="henan")
        used[name] = f"shipped ({file})"
    if found["lq"] is not None:
        read["lq"] = read_lq_source(found["lq"], scope="henan")
        used["lq"] = str(found["lq"])
    read["policy"] = policy_source()
    used["policy"] = "shipped (henan_2016_policy.csv)"
    timings["read the sources"] = time.perf_counter() - start

    missing = {name: what for name, what in FETCHED.items() if found[name] is None}
    info: dict[str, Any] = {
        "title": "innokg: Henan's innovation ecosystem (real public data)",
        "synthetic": False,
        "lenient": False,
        "scope": "henan",
        # the province the questions are about: firms elsewhere are its chain neighbours
        "scope_region": "region:41",
        "missing_sources": sorted(missing),
    }
    sources = [read[name] for name in ORDER if name in read]
    result = build_from_tables(
        sources,
        out,
        database=database,
        report=report,
        info=info,
        timings=timings,
        prepare=prepare,
    )
    return HenanBuild(result, used, missing)
