"""Cities and industries below a target of the policy (``below_target``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import (
    arrays,
    resolve_city,
    resolve_industries,
)
from innokg.queries.gaps.table import _note, _table
from innokg.queries.indicators import policy_indicators, policy_measures

__all__ = ["target_gaps"]


def target_gaps(
    G: EcosystemGraph,
    *,
    year: int | None = None,
    city: str | None = None,
    industry: str | None = None,
) -> pd.DataFrame:
    """Cities and industries below a target of the seed policy.

    Parameters
    ----------
    G : EcosystemGraph
        The graph; its PolicyMeasure nodes carry the targets (an ``indicator``, a
        ``target`` and usually a ``deadline``).
    year : int, optional
        As of this year (e.g. the targets' deadline, 2018).
    city, industry : str, optional
        Only this city's / industry's rows (both: both).

    Returns
    -------
    pandas.DataFrame
        One row per group (city or industry) and indicator that has a target and
        does not meet it; the core columns (see the module) with ``severity`` = the
        shortfall as a share of the target (0 to 1), then ``indicator`` (str),
        ``article`` (Int64), ``value``, ``target``, ``shortfall`` (float: the
        indicator's ``gap``) and ``target_basis`` (str), as in
        :func:`innokg.queries.indicators.policy_indicators`.

    Examples
    --------
    The seed policy's measure asks that 80% of large and medium firms set up or run a
    platform by 2018; in Zhengzhou one of two has, in Luoyang none:

    >>> from innokg.graph.testing import make_graph
    >>> G = make_graph(
    ...     {"Enterprise": [{"id": "z1", "name": "郑一", "size": "large"},
    ...                     {"id": "z2", "name": "郑二", "size": "medium"},
    ...                     {"id": "l1", "name": "洛一", "size": "large"}],
    ...      "Platform": [{"id": "p", "name": "郑一技术中心", "since": 2017}],
    ...      "Region": [{"id": "region:41", "name": "河南省", "code": "41", "level": "province"},
    ...                 {"id": "region:4101", "name": "郑州市", "code": "4101"},
    ...                 {"id": "region:4103", "name": "洛阳市", "code": "4103"}],
    ...      "PolicyMeasure": [{"id": "m3", "name": "平台普及率", "article": 3,
    ...                         "indicator": "platform_coverage", "target": 0.8,
    ...                         "target_unit": "share", "deadline": 2018}]},
    ...     {"ESTABLISHED": [("z1", "p")],
    ...      "LOCATED_IN": [("z1", "region:4101"), ("z2", "region:4101"),
    ...                     ("l1", "region:4103"), ("region:4101", "region:41"),
    ...                     ("region:4103", "region:41")]},
    ... )
    >>> gaps = target_gaps(G, year=2018)
    >>> gaps[["entity", "name", "severity", "value", "target"]]
            entity name  severity  value  target
    0  region:4103  洛阳市     1.000    0.0     0.8
    1  region:4101  郑州市     0.375    0.5     0.8
    >>> gaps["detail"].tolist()
    ['article 3: 0% against 80% by 2018 (seed target)', \
'article 3: 50% against 80% by 2018 (seed target)']
    >>> target_gaps(G, year=2018, city="洛阳")["name"].tolist()
    ['洛阳市']
    """
    frames, blind = [], []
    for by, label in (("city", "Region"), ("industry", "Industry")):
        if (by == "city" and industry is not None and city is None) or (
            by == "industry" and city is not None and industry is None
        ):
            continue
        ind = policy_indicators(G, by=by, year=year)  # type: ignore[arg-type]
        if "measurable" in ind.columns:
            measured = ind["measurable"].astype("boolean").fillna(False).astype(bool)
        else:
            measured = ind["value"].notna()
        measured &= ind["value"].notna()
        targeted = ind["indicator"].isin(_targeted(G))
        nowhere = measured.groupby(ind["indicator"]).transform("any").eq(False)
        blind.append(ind[targeted & nowhere])
        # A group whose value is NA (nothing to count there) is not below the target.
        ind = ind[ind["met"].astype("boolean").fillna(True).eq(False) & measured]
        if by == "city" and city is not None:
            ind = ind[ind["group"] == str(arrays(G).ids[resolve_city(G, city)])]
        if by == "industry" and industry is not None:
            wanted = arrays(G).ids[resolve_industries(G, industry)].astype(str)
            ind = ind[ind["group"].isin(wanted)]
        frames.append(ind.assign(label=label, by=by))
    df = pd.concat(frames, ignore_index=True)

    def show(x: float, unit: str) -> str:
        return f"{x:.0%}" if unit == "share" else f"{x:g}"

    units = df["unit"].astype(str).tolist()
    value = [show(x, u) for x, u in zip(df["value"].astype(float), units, strict=True)]
    target = [show(x, u) for x, u in zip(df["target"].astype(float), units, strict=True)]
    deadline = df["deadline"].astype("string").fillna("").tolist()
    article = df["article"].astype(str).tolist()
    basis = df["target_basis"].astype(str).tolist()
    city_col = np.where(df["by"] == "city", df["group_name"].astype(str), "")
    return _table(
        "below_target",
        {
            "entity": df["group"].to_numpy(object),
            "name": df["group_name"].to_numpy(object),
            "label": df["label"].to_numpy(object),
            "missing": df["indicator_en"].to_numpy(object),
            "missing_zh": df["indicator_zh"].to_numpy(object),
            "severity": (df["gap"] / df["target"]).astype(float).round(4).to_numpy(float),
            "city": city_col,
            "detail": [
                f"article {a}: {v} against {t}{f' by {d}' if d else ''} ({b} target)"
                for a, v, t, d, b in zip(article, value, target, deadline, basis, strict=True)
            ],
            "detail_zh": [
                f"第 {a} 条：现为 {v}，目标 {t}{f'（{d} 年前）' if d else ''}"
                for a, v, t, d in zip(article, value, target, deadline, strict=True)
            ],
        },
        {
            "indicator": df["indicator"].astype("string").to_numpy(),
            "article": df["article"].astype("Int64").to_numpy(),
            "value": df["value"].to_numpy(float),
            "target": df["target"].to_numpy(float),
            "shortfall": df["gap"].to_numpy(float),
            "target_basis": df["target_basis"].astype("string").to_numpy(),
        },
        _indicator_notes(G, pd.concat(blind, ignore_index=True), year),
    )


def _targeted(G: EcosystemGraph) -> set[str]:
    """Indicator keys the policy sets a target for."""
    measures = policy_measures(G)
    return set(measures.loc[measures["target"].notna(), "indicator"].astype(str))


#: Why an indicator has no value anywhere, by what it is a share (or mean) of.
_LM_INDICATORS = {
    "platform_coverage",
    "ecosystem_breadth",
    "rnd_platforms",
    "co_built_rnd",
    "alliance_membership",
    "technology_teams",
    "employee_platforms",
    "craftsman_studios",
    "open_platforms",
}


def _indicator_notes(
    G: EcosystemGraph, blind: pd.DataFrame, year: int | None = None
) -> list[pd.DataFrame]:
    """One note row per targeted indicator that has no value in any group.

    The reason is the indicator's own ``note`` (from
    :func:`innokg.queries.indicators.policy_indicators`) where it gives one, else
    worked out here from what the graph lacks.
    """
    A = arrays(G)
    has_size = (A.values("size", dtype="object", fill="")[A.mask("Enterprise")] != "").any()
    measures = policy_measures(G).drop_duplicates("indicator").set_index("indicator")
    notes = []
    for row in blind.drop_duplicates("indicator").itertuples(index=False):
        key = str(row.indicator)
        # typical cases are chosen among the large and medium firms year by year: with
        # a year given, what is missing is what the other shares of those firms lack
        lm = key in _LM_INDICATORS or (key == "typical_cases" and year is not None)
        if lm and not has_size:
            why = "no firm sizes in the data: large and medium enterprises cannot be identified"
            why_zh = "数据中没有企业规模，无法识别大中型企业"
            needs, needs_zh = "firm sizes (large / medium)", "企业规模（大型、中型）"
        elif lm:
            why = "no large or medium industrial enterprise in any group"
            why_zh = "各组均无大中型工业企业"
            needs, needs_zh = "large and medium industrial enterprises", "大中型工业企业"
        elif key in ("teams_financed", "demonstration_teams", "social_teams"):
            why, why_zh = "no maker teams in the data", "数据中没有创客团队"
            needs, needs_zh = "maker teams", "创客团队"
        elif key == "demonstration_platforms":
            why = "no platform recognised as a demonstration platform in the data"
            why_zh = "数据中没有双创示范平台认定记录"
            needs, needs_zh = "demonstration platform recognitions", "双创示范平台认定记录"
        elif key == "entrepreneurs":
            why = "no recognised innovative entrepreneurs in the data"
            why_zh = "数据中没有创新型企业家认定记录"
            needs, needs_zh = "recognised entrepreneurs", "创新型企业家认定记录"
        elif key == "typical_cases":
            why = "needs a year (--year): the cases are chosen year by year"
            why_zh = "典型案例按年遴选，需指定年份（--year）"
            needs, needs_zh = "a year (--year)", "指定年份（--year）"
        elif key == "cluster_services":
            why = "no industrial-cluster zones (产业集聚区) in the data"
            why_zh = "数据中没有产业集聚区"
            needs, needs_zh = "industrial-cluster zones", "产业集聚区"
        else:
            why = "nothing in the data to count it over"
            why_zh = "数据中没有可据以计算的对象"
            needs, needs_zh = "the data it counts", "计算所需的数据"
        own = getattr(row, "note", None)
        if isinstance(own, str) and own.strip():
            why = own.strip().removesuffix(".")
        m = measures.loc[key] if key in measures.index else None
        target = float(m["target"]) if m is not None else float(row.target)
        unit = str(m["target_unit"]) if m is not None else str(row.unit)
        deadline = m["deadline"] if m is not None else row.deadline
        shown = f"{target:.0%}" if unit == "share" else f"{target:g}"
        by = "" if pd.isna(deadline) else f" by {int(deadline)}"
        by_zh = "" if pd.isna(deadline) else f"（{int(deadline)} 年前）"
        note = _note(
            key,
            needs,
            needs_zh,
            f"article {row.article}, {row.indicator_en} (target {shown}{by}): {why}",
            f"第 {row.article} 条{row.indicator_zh}（目标 {shown}{by_zh}）：{why_zh}",
        )
        notes.append(
            note.assign(
                missing=needs,
                indicator=key,
                article=pd.array([row.article], dtype="Int64"),
                value=np.nan,
                target=target,
                shortfall=np.nan,
                target_basis=str(row.target_basis) if pd.notna(row.target_basis) else "",
            )
        )
    return notes
