"""One industry classification across sources: GB/T 4754-2017 and a Shenwan 2021 crosswalk.

innokg's queries and policy indicators speak GB/T 4754-2017 国民经济行业分类: an
Industry node ``industry:gbt4754:C36`` is division (大类) 36 of section C, and
``industry:gbt4754:C`` is the section (门类).  The chain data classify listed companies
by Shenwan (申万) 2021 industries instead (``industry:sw2021:280602``).  Two shipped
tables join them:

- ``loaders/data/gbt4754_divisions.csv``: the standard's 20 sections and 97 divisions
  (code, name, name_en, section, level);
- ``loaders/data/shenwan2021_gbt4754.csv``: each of the 511 Shenwan 2021 industries
  with the division(s) it corresponds to, the ``relation`` and a ``basis``.  Level-3
  classes were mapped by hand; level-1/2 rows are the union of their children.

``relation`` describes the Shenwan class against the division(s): ``exact`` (same
scope), ``narrower`` (the Shenwan class lies within one division, e.g. 白酒 in C15),
``broader`` (the Shenwan class is wider than the one division given, its main part),
``one_to_many`` (the class spreads over the divisions listed, e.g. 体外诊断 over C27
reagents and C35 instruments).  In SKOS terms a ``narrower`` row is a
``skos:broadMatch`` from the Shenwan class to the division.

:func:`gbt_industry_edges` turns a source's observed IN_INDUSTRY edges to Shenwan
industries into *inferred* IN_INDUSTRY edges to divisions; :func:`gbt_industry_nodes`
and :func:`gbt_subclass_edges` give the Industry nodes and SUBCLASS_OF edges those
point at, with the ids and properties the demo uses (:mod:`innokg.loaders.synthetic`),
so that demo and real graphs meet on the same nodes.

Examples
--------
>>> cw = shenwan_crosswalk().set_index("sw_code")
>>> cw.loc["280602", ["sw_name", "gbt_codes", "relation"]].tolist()
['商用载客车', 'C36', 'narrower']
>>> cw.loc["370500", ["sw_name", "gbt_codes", "relation"]].tolist()
['医疗器械', 'C27|C35', 'one_to_many']
>>> gbt_industry_nodes(["C36"])[["id", "name", "level"]].values.tolist()
[['industry:gbt4754:C', '制造业', 1], ['industry:gbt4754:C36', '汽车制造业', 2]]
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

__all__ = [
    "CONFIDENCE",
    "CROSSWALK_SOURCE",
    "GBT_PREFIX",
    "RELATIONS",
    "SCHEME",
    "STANDARD_SOURCE",
    "SW_PREFIX",
    "crosswalk_summary",
    "gbt4754_divisions",
    "gbt_industry_edges",
    "gbt_industry_nodes",
    "gbt_subclass_edges",
    "relation_confidence",
    "shenwan_crosswalk",
]

#: The scheme property of GB/T 4754-2017 Industry nodes (as in the demo).
SCHEME = "GB/T 4754-2017"
#: Id prefix of GB/T 4754-2017 Industry nodes: ``industry:gbt4754:C36``.
GBT_PREFIX = "industry:gbt4754:"
#: Id prefix of Shenwan 2021 Industry nodes (see :mod:`innokg.loaders.chainkg`).
SW_PREFIX = "industry:sw2021:"
#: ``source`` of the sections' and divisions' nodes and of their SUBCLASS_OF edges.
STANDARD_SOURCE = "GB/T 4754-2017"
#: ``source`` of the IN_INDUSTRY edges inferred through the crosswalk.
CROSSWALK_SOURCE = "crosswalk:shenwan2021_gbt4754.csv"
#: The values of the crosswalk's ``relation`` column.
RELATIONS = ("exact", "narrower", "broader", "one_to_many")
#: Confidence that a firm of the Shenwan class is in the division, by relation.
#: ``exact`` is certain; ``narrower`` nearly so (Shenwan classifies a firm by its main
#: business and the class lies within the division; 0.1 is left for the hand review);
#: ``broader`` gives the division that is the class's main part only.  A
#: ``one_to_many`` class gives each of its *n* divisions ``1 / n`` (rounded to two
#: decimals): the firm is in one of them and the data do not say which.
CONFIDENCE: dict[str, float] = {"exact": 1.0, "narrower": 0.9, "broader": 0.6}

_GBT_COLUMNS = ["code", "name", "name_en", "section", "level"]
_CW_COLUMNS = ["sw_code", "sw_name", "sw_level", "gbt_codes", "relation", "basis"]
_EDGE_COLUMNS = ["from_id", "to_id", "source", "evidence", "method", "confidence"]


def _read(name: str) -> pd.DataFrame:
    with resources.files("innokg.loaders").joinpath(f"data/{name}").open(encoding="utf-8") as f:
        return pd.read_csv(f, comment="#", dtype=str, keep_default_na=False)


@cache
def _divisions() -> pd.DataFrame:
    d = _read("gbt4754_divisions.csv")[_GBT_COLUMNS]
    return d.assign(level=d["level"].astype(int))


@cache
def _crosswalk() -> pd.DataFrame:
    d = _read("shenwan2021_gbt4754.csv")[_CW_COLUMNS]
    return d.assign(sw_level=d["sw_level"].astype(int))


def gbt4754_divisions() -> pd.DataFrame:
    """GB/T 4754-2017's 20 sections and 97 divisions, each section before its divisions.

    Returns
    -------
    DataFrame
        ``code`` (``C`` for a section, ``C36`` for a division), ``name`` (as in the
        standard), ``name_en``, ``section`` (its letter) and ``level`` (1 section,
        2 division; int).

    Examples
    --------
    >>> d = gbt4754_divisions()
    >>> d["level"].value_counts().sort_index().to_dict()
    {1: 20, 2: 97}
    >>> d.set_index("code").loc["J66", ["name", "name_en", "section"]].tolist()
    ['货币金融服务', 'Monetary financial services', 'J']
    """
    return _divisions().copy()


def shenwan_crosswalk() -> pd.DataFrame:
    """The Shenwan 2021 -> GB/T 4754-2017 crosswalk, one row per Shenwan industry.

    Returns
    -------
    DataFrame
        ``sw_code`` (6 digits), ``sw_name``, ``sw_level`` (1-3; int), ``gbt_codes``
        (division codes joined by ``|``), ``relation`` (one of :data:`RELATIONS`) and
        ``basis`` (why).

    Examples
    --------
    >>> cw = shenwan_crosswalk()
    >>> len(cw), cw["sw_level"].value_counts().sort_index().to_dict()
    (511, {1: 31, 2: 134, 3: 346})
    >>> cw.set_index("sw_name").loc[["白酒Ⅲ", "银行", "煤炭开采"], "gbt_codes"].tolist()
    ['C15', 'J66', 'B06']
    """
    return _crosswalk().copy()


def relation_confidence(relation: str, n: int = 1) -> float:
    """The confidence of an inferred edge to one of ``n`` divisions of a ``relation``.

    Parameters
    ----------
    relation : str
        How a Shenwan class maps to GB/T 4754 divisions, one of :data:`RELATIONS`.
    n : int, default 1
        How many divisions a ``one_to_many`` class maps to; each gets ``1/n``
        (rounded to two places).  Ignored for the other relations.

    Returns
    -------
    float
        :data:`CONFIDENCE` of the relation, or ``1/n`` for ``one_to_many``.

    Raises
    ------
    ValueError
        For an unknown relation, or ``one_to_many`` with ``n`` below 1.

    Examples
    --------
    >>> relation_confidence("narrower"), relation_confidence("one_to_many", 3)
    (0.9, 0.33)
    """
    if relation == "one_to_many":
        if n < 1:
            raise ValueError("a one_to_many relation needs at least one division")
        return round(1.0 / n, 2)
    if relation not in CONFIDENCE:
        raise ValueError(f"unknown relation {relation!r}; use one of {', '.join(RELATIONS)}")
    return CONFIDENCE[relation]


def crosswalk_summary() -> dict[str, Any]:
    """How much of Shenwan 2021 the crosswalk maps, and onto how many divisions.

    Returns
    -------
    dict
        ``shenwan_classes`` (rows), ``mapped`` (rows with at least one division),
        ``by_level`` ({level: rows}), ``by_relation`` ({relation: rows}),
        ``by_level_relation`` ({level: {relation: rows}}), ``divisions_reached``
        (distinct divisions named), ``sections_reached`` and ``divisions`` (the
        standard's total).

    Examples
    --------
    >>> s = crosswalk_summary()
    >>> s["shenwan_classes"] == s["mapped"] == 511, s["divisions"]
    (True, 97)
    >>> s["by_level_relation"][3]["exact"]
    6
    """
    cw = _crosswalk()
    codes = sorted({c for v in cw["gbt_codes"] for c in v.split("|") if c})

    def counts(frame: pd.DataFrame) -> dict[str, int]:
        return {r: int((frame["relation"] == r).sum()) for r in RELATIONS}

    return {
        "shenwan_classes": len(cw),
        "mapped": int((cw["gbt_codes"] != "").sum()),
        "by_level": {int(k): int(v) for k, v in cw["sw_level"].value_counts().sort_index().items()},
        "by_relation": counts(cw),
        "by_level_relation": {
            int(level): counts(group) for level, group in cw.groupby("sw_level", sort=True)
        },
        "divisions_reached": len(codes),
        "sections_reached": len({c[0] for c in codes}),
        "divisions": int((_divisions()["level"] == 2).sum()),
    }


def gbt_industry_edges(in_industry: pd.DataFrame) -> pd.DataFrame:
    """Inferred IN_INDUSTRY edges to GB/T 4754-2017 divisions from edges to Shenwan 2021.

    Parameters
    ----------
    in_industry : DataFrame
        IN_INDUSTRY edges with ``from_id`` (an organisation) and ``to_id``.  Rows whose
        ``to_id`` is not ``industry:sw2021:<6-digit code>``, or names a code absent from
        the crosswalk, are left out; other columns are ignored.

    Returns
    -------
    DataFrame
        ``from_id``, ``to_id`` (``industry:gbt4754:<division>``), ``source``
        (:data:`CROSSWALK_SOURCE`), ``evidence`` (``inferred``), ``method`` (the
        Shenwan class, the division and the relation) and ``confidence`` (see
        :data:`CONFIDENCE`), one row per (from_id, to_id): where several Shenwan
        classes of a firm lead to one division, the most confident is kept (the first
        given on a tie).  Sorted by ``from_id`` and ``to_id``.

    Examples
    --------
    >>> edges = pd.DataFrame({"from_id": ["ent:stock:600066", "ent:stock:603658"],
    ...                       "to_id": ["industry:sw2021:280602", "industry:sw2021:370504"]})
    >>> out = gbt_industry_edges(edges)
    >>> for row in out[["from_id", "to_id", "confidence"]].itertuples(index=False):
    ...     print(*row)
    ent:stock:600066 industry:gbt4754:C36 0.9
    ent:stock:603658 industry:gbt4754:C27 0.5
    ent:stock:603658 industry:gbt4754:C35 0.5
    >>> out["method"].iloc[0]
    'Shenwan 2021 280602 商用载客车 -> GB/T 4754-2017 C36 (narrower)'
    """
    missing = [c for c in ("from_id", "to_id") if c not in in_industry.columns]
    if missing:
        raise ValueError(f"IN_INDUSTRY edges need columns from_id and to_id; missing {missing}")
    to_id = in_industry["to_id"].astype("string")
    keep = (to_id.str.startswith(SW_PREFIX) & in_industry["from_id"].notna().to_numpy()).fillna(
        False
    )
    mask = keep.to_numpy(dtype=bool)
    d = pd.DataFrame(
        {
            "from_id": in_industry["from_id"].to_numpy()[mask].astype(str),
            "sw_code": to_id.to_numpy()[mask].astype(str),
        }
    )
    d["sw_code"] = d["sw_code"].str.slice(len(SW_PREFIX))
    d = d.merge(_crosswalk(), on="sw_code", how="inner", sort=False)
    d = d[d["gbt_codes"] != ""]
    if d.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype=float if c == "confidence" else object) for c in _EDGE_COLUMNS}
        )
    parts = d["gbt_codes"].str.split("|")
    d = d.assign(gbt=parts, n=parts.str.len()).explode("gbt")
    one_to_many = d["relation"] == "one_to_many"
    detail = d["relation"].where(~one_to_many, "one_to_many: " + d["gbt_codes"])
    out = pd.DataFrame(
        {
            "from_id": d["from_id"].to_numpy(),
            "to_id": (GBT_PREFIX + d["gbt"]).to_numpy(),
            "source": CROSSWALK_SOURCE,
            "evidence": "inferred",
            "method": [
                f"Shenwan 2021 {c} {name} -> GB/T 4754-2017 {g} ({how})"
                for c, name, g, how in zip(
                    d["sw_code"], d["sw_name"], d["gbt"], detail, strict=True
                )
            ],
            "confidence": [
                relation_confidence(r, int(n)) for r, n in zip(d["relation"], d["n"], strict=True)
            ],
        }
    )
    out = out.sort_values("confidence", ascending=False, kind="stable")
    out = out.drop_duplicates(["from_id", "to_id"], keep="first")
    return out.sort_values(["from_id", "to_id"], kind="stable").reset_index(drop=True)


def _rows(codes: Iterable[str]) -> pd.DataFrame:
    """The divisions table restricted to ``codes`` and their sections, in table order."""
    if isinstance(codes, str):
        codes = [codes]
    wanted = {str(c).strip() for c in codes}
    table = _divisions()
    unknown = sorted(wanted - set(table["code"]))
    if unknown:
        raise ValueError(f"not GB/T 4754-2017 section or division codes: {', '.join(unknown)}")
    return table[table["code"].isin(wanted | {c[0] for c in wanted})]


def gbt_industry_nodes(codes: Iterable[str]) -> pd.DataFrame:
    """Industry node rows for GB/T 4754-2017 divisions (or sections) and their sections.

    Parameters
    ----------
    codes : iterable of str
        Division codes (``C36``) or section letters (``C``); repeats are fine.

    Returns
    -------
    DataFrame
        ``id`` (``industry:gbt4754:<code>``), ``name``, ``name_en``, ``source``
        (:data:`STANDARD_SOURCE`), ``code``, ``scheme`` (``GB/T 4754-2017``) and
        ``level`` (1 section, 2 division), each section before its divisions.

    Raises
    ------
    ValueError
        For a code that is neither a section nor a division of the standard.

    Examples
    --------
    >>> gbt_industry_nodes(["J66", "C36", "J66"])["id"].tolist()
    ['industry:gbt4754:C', 'industry:gbt4754:C36', 'industry:gbt4754:J', 'industry:gbt4754:J66']
    """
    d = _rows(codes)
    return pd.DataFrame(
        {
            "id": (GBT_PREFIX + d["code"]).to_numpy(),
            "name": d["name"].to_numpy(),
            "name_en": d["name_en"].to_numpy(),
            "source": STANDARD_SOURCE,
            "code": d["code"].to_numpy(),
            "scheme": SCHEME,
            "level": d["level"].to_numpy(),
        }
    )


def gbt_subclass_edges(codes: Iterable[str]) -> pd.DataFrame:
    """SUBCLASS_OF edges division -> section for the divisions among ``codes``.

    Parameters
    ----------
    codes : iterable of str
        Division codes (sections among them add no edge).

    Returns
    -------
    DataFrame
        ``from_id``, ``to_id``, ``source`` (:data:`STANDARD_SOURCE`) and ``evidence``
        (``observed``: the hierarchy is the standard's).

    Examples
    --------
    >>> edges = gbt_subclass_edges(["C36", "J66", "C"])
    >>> edges[["from_id", "to_id"]].values.tolist()
    [['industry:gbt4754:C36', 'industry:gbt4754:C'], ['industry:gbt4754:J66', 'industry:gbt4754:J']]
    >>> edges[["source", "evidence"]].drop_duplicates().values.tolist()
    [['GB/T 4754-2017', 'observed']]
    """
    d = _rows(codes)
    d = d[d["level"] == 2]
    return pd.DataFrame(
        {
            "from_id": (GBT_PREFIX + d["code"]).to_numpy(dtype=object),
            "to_id": (GBT_PREFIX + d["section"]).to_numpy(dtype=object),
            "source": STANDARD_SOURCE,
            "evidence": "observed",
        }
    )
