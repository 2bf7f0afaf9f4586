"""The real sources that ship inside innokg, read as sources like any other.

``loaders/data/README.md`` lists each file with its origin and licence.  Three are
read by the ordinary loaders (:func:`shipped_path` gives their paths); two have no
file format of their own and are turned into sources here:

- :func:`henan_regions_source`: Henan's divisions (Region nodes, with LOCATED_IN to
  the division above) and the development zones NBS codes like counties (Zone
  nodes, LOCATED_IN their city);
- :func:`policy_source`: the seed policy's articles as PolicyMeasure nodes, with
  the targets the policy sets, so that every graph built from real data carries
  the measures its indicators are measured against.

Examples
--------
>>> src = henan_regions_source()
>>> len(src.nodes["Region"]), len(src.nodes["Zone"])
(175, 24)
>>> src.nodes["Zone"].set_index("id").loc["zone:410173", ["name", "kind"]].tolist()
['郑州航空港经济综合实验区', 'comprehensive_pilot_zone']
>>> policy_source().nodes["PolicyMeasure"]["article"].tolist()[:3]
[1, 2, 3]
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from innokg.loaders.base import SourceTables
from innokg.loaders.reference import henan_policy_measures, henan_regions
from innokg.loaders.regions import REGION_PREFIX, division_id, is_zone_code, zone_kind

__all__ = ["SHIPPED", "henan_regions_source", "policy_source", "shipped_path"]

#: Shipped files read by an ordinary loader: name -> (kind, file in loaders/data/).
SHIPPED = {
    "universities": ("universities", "moe_henan_universities_2025.csv"),
    "techcentres": ("techcentres", "ndrc_enterprise_technology_centres_2019.csv"),
    "cities": ("cities", "cn_cities_2016.csv"),
}


def shipped_path(file: str) -> Path:
    """The path of a file in ``loaders/data/`` as installed.

    Parameters
    ----------
    file : str
        The file's name in ``loaders/data/`` (see :data:`SHIPPED`); it is not
        checked to exist.

    Returns
    -------
    Path
        Where the installed package keeps it.

    Examples
    --------
    >>> kind, file = SHIPPED["universities"]
    >>> path = shipped_path(file)
    >>> path.name, path.is_file()
    ('moe_henan_universities_2025.csv', True)
    >>> from innokg.loaders.registry import read_source
    >>> len(read_source(f"{kind}:{path}").nodes["ResearchInstitute"])
    178
    """
    return Path(str(resources.files("innokg.loaders").joinpath(f"data/{file}")))


def henan_regions_source() -> SourceTables:
    """Henan's divisions and development zones from the shipped NBS table.

    Returns
    -------
    SourceTables
        ``Region`` nodes (the province, its cities and counties), ``Zone`` nodes
        (development zones NBS codes like counties) and ``LOCATED_IN`` edges to the
        division above, rows numbered from 1 in ``henan_regions.csv``.

    Examples
    --------
    >>> src = henan_regions_source()
    >>> src.nodes["Region"]["level"].value_counts().to_dict()
    {'county': 156, 'city': 18, 'province': 1}
    >>> src.rows_read, src.notes["development zones"]
    (199, 24)
    >>> src.edges["LOCATED_IN"].set_index("from_id").loc["region:4101", "to_id"]
    'region:41'
    """
    file = "henan_regions.csv"
    ref = henan_regions().reset_index(drop=True)
    source = SourceTables(kind="regions", path=str(shipped_path(file)), notes={"scope": "henan"})
    source.ledger.open(file, len(ref), first_row=1)
    source.rows_read = len(ref)
    label = "reference:" + file
    rows = {"_file": file, "_row": np.arange(1, len(ref) + 1)}
    d = ref.assign(id=ref["code"].map(division_id), source=label, **rows)
    zone = d["code"].map(is_zone_code).astype(bool)
    source.nodes["Region"] = d.loc[~zone, ["id", "name", "level", "code", "source", *rows]]
    zones = d.loc[zone, ["id", "name", "code", "source", *rows]]
    source.nodes["Zone"] = zones.assign(kind=zones["name"].map(zone_kind))
    up = d[d["parent_code"] != ""]
    source.edges["LOCATED_IN"] = pd.DataFrame(
        {
            "from_id": up["id"],
            "to_id": REGION_PREFIX + up["parent_code"],
            "source": label,
            "evidence": "observed",
            "_file": file,
            "_row": up["_row"],
        }
    )
    source.notes["development zones"] = int(zone.sum())
    return source


def policy_source() -> SourceTables:
    """The seed policy's measures (PolicyMeasure nodes) from the shipped table.

    Returns
    -------
    SourceTables
        ``PolicyMeasure`` nodes: ``id``, ``name``, ``name_en``, ``article`` (int),
        and, for the measures that set a target, ``indicator``, ``target``,
        ``target_unit`` and ``deadline`` (a year; Int64); None where not set.

    Examples
    --------
    >>> measures = policy_source().nodes["PolicyMeasure"]
    >>> len(measures)
    19
    >>> columns = ["id", "indicator", "target", "target_unit", "deadline"]
    >>> for row in measures.dropna(subset=["target"])[columns].head(2).itertuples(index=False):
    ...     print(*row)
    policy:henan2016:3a platform_coverage 0.8 share 2018
    policy:henan2016:3b demonstration_platforms 100.0 count 2018
    """
    file = "henan_2016_policy.csv"
    ref = henan_policy_measures().reset_index(drop=True)
    source = SourceTables(kind="policy", path=str(shipped_path(file)))
    source.ledger.open(file, len(ref), first_row=1)
    source.rows_read = len(ref)

    def blank_none(col: str) -> pd.Series:
        return ref[col].where(ref[col] != "", None)

    source.nodes["PolicyMeasure"] = pd.DataFrame(
        {
            "id": ref["id"],
            "name": ref["name"],
            "name_en": blank_none("name_en"),
            "source": "reference:" + file,
            "article": ref["article"].astype(int),
            "indicator": blank_none("indicator"),
            "target": pd.to_numeric(blank_none("target")),
            "target_unit": blank_none("target_unit"),
            "deadline": pd.to_numeric(blank_none("deadline")).astype("Int64"),
            "_file": file,
            "_row": np.arange(1, len(ref) + 1),
        }
    )
    return source
