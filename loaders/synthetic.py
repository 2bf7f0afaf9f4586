"""A seeded, Henan-shaped demo ecosystem.

The geography (Henan's 17 prefecture-level cities, Jiyuan and their counties, by NBS
code), the industry taxonomy (GB/T 4754-2017 manufacturing divisions) and the policy
measures are real; everything else is invented.  Every invented name carries
"（示例）" / "Demo", and every record carries ``source="synthetic"`` (and edges
``evidence="synthetic"``), so nothing can be mistaken for a fact about a real company.

The shape follows what the policy describes: firms make products whose inputs come
from other firms (SUPPLIES follows the product catalogue's input/output structure),
firms cluster around large chain leaders in the cities that specialise in their
industry, universities and institutes sit where Henan's really are (Zhengzhou,
Luoyang, Xinxiang, Kaifeng), and platforms, maker teams, funds and demonstration
flags come at city-specific rates, so some cities meet the policy's targets and
others fall short.

Time and memory are linear in ``scale``: every step is vectorised over arrays.

Examples
--------
>>> nodes, edges = generate(800, seed=1)
>>> sorted(k for k, v in nodes.items() if len(v)) == sorted(nodes)
True
>>> bool(nodes["Enterprise"]["name"].str.contains("示例").all())
True
"""

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

__all__ = ["CITY_PROFILES", "MIN_SCALE", "SOURCE", "generate"]

SOURCE = "synthetic"
MIN_SCALE = 500

#: city code -> (English name, economic weight, research weight, specialised divisions)
CITY_PROFILES: dict[str, tuple[str, float, float, tuple[str, ...]]] = {
    "4101": ("Zhengzhou", 10.0, 45.0, ("C36", "C39", "C30", "C35", "C32")),
    "4102": ("Kaifeng", 3.0, 7.0, ("C36", "C34", "C13")),
    "4103": ("Luoyang", 6.0, 12.0, ("C34", "C35", "C25", "C30")),
    "4104": ("Pingdingshan", 3.0, 2.0, ("C26", "C28", "C31")),
    "4105": ("Anyang", 3.0, 2.0, ("C31", "C36")),
    "4106": ("Hebi", 1.5, 1.0, ("C39", "C36")),
    "4107": ("Xinxiang", 4.0, 9.0, ("C38", "C27", "C34")),
    "4108": ("Jiaozuo", 3.0, 3.0, ("C32", "C26", "C29")),
    "4109": ("Puyang", 2.0, 1.0, ("C25", "C26")),
    "4110": ("Xuchang", 4.0, 2.0, ("C38", "C36")),
    "4111": ("Luohe", 2.0, 1.5, ("C13", "C14")),
    "4112": ("Sanmenxia", 2.0, 1.0, ("C32",)),
    "4113": ("Nanyang", 4.0, 3.0, ("C27", "C17", "C38")),
    "4114": ("Shangqiu", 3.0, 2.0, ("C17", "C18", "C14")),
    "4115": ("Xinyang", 2.5, 2.0, ("C13", "C14")),
    "4116": ("Zhoukou", 3.0, 1.5, ("C13", "C14", "C18")),
    "4117": ("Zhumadian", 2.5, 1.5, ("C13", "C14")),
    "419001": ("Jiyuan", 1.5, 0.5, ("C31", "C32")),
}

_BRANDS = np.array(
    [
        "恒远",
        "华瑞",
        "中原",
        "嵩岳",
        "黄河",
        "伏牛",
        "豫达",
        "鼎盛",
        "天隆",
        "昌盛",
        "宏图",
        "金鼎",
        "瑞丰",
        "新程",
        "启航",
        "博远",
        "润泽",
        "联创",
        "铭鑫",
        "正阳",
        "汇通",
        "东方",
        "泰和",
        "永安",
        "兴旺",
        "卓越",
        "凯迪",
        "国泰",
        "长风",
        "明德",
    ],
    dtype=object,
)
_SIZES = np.array(["large", "medium", "small", "micro"], dtype=object)
_SIZE_P = np.array([0.03, 0.12, 0.45, 0.40])
_SIZE_ZH = np.array(["集团", "股份", "有限公司", "商行"], dtype=object)


@dataclass
class _Parts:
    """Node and edge frames as they are made, keyed by label / type."""

    nodes: dict[str, list[pd.DataFrame]]
    edges: dict[str, list[pd.DataFrame]]

    def node(self, label: str, df: pd.DataFrame) -> None:
        self.nodes.setdefault(label, []).append(df.assign(source=SOURCE))

    def edge(self, etype: str, src: object, dst: object, **props: object) -> None:
        df = pd.DataFrame({"from_id": src, "to_id": dst, **props})
        df["source"] = SOURCE
        df["evidence"] = SOURCE
        self.edges.setdefault(etype, []).append(df)


def _ids(prefix: str, n: int) -> np.ndarray:
    width = max(6, len(str(n)))
    return np.char.mod(f"{prefix}%0{width}d", np.arange(1, n + 1)).astype(object)


def _year_or_na(flag: np.ndarray, years: np.ndarray) -> pd.Series:
    return pd.Series(years, dtype="Int64").where(pd.Series(flag, dtype=bool))


def _pick(
    rng: np.random.Generator,
    groups: np.ndarray,
    members: np.ndarray,
    want: np.ndarray,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """For each entry of ``want`` (a group key), draw one member of that group.

    ``groups`` gives each member's group; ``weights`` its draw weight.  Entries whose
    group is empty get -1.  Vectorised per group, so cost is linear.
    """
    out = np.full(len(want), -1, dtype=np.int64)
    if len(members) == 0 or len(want) == 0:
        return out
    w = np.ones(len(members)) if weights is None else weights
    order = np.argsort(groups, kind="stable")
    g_sorted, m_sorted, w_sorted = groups[order], members[order], w[order]
    keys, starts = np.unique(g_sorted, return_index=True)
    ends = np.append(starts[1:], len(g_sorted))
    pos = np.searchsorted(keys, want)
    valid = (pos < len(keys)) & (keys[np.minimum(pos, len(keys) - 1)] == want)
    for k in np.unique(pos[valid]):
        sel = np.flatnonzero(valid & (pos == k))
        cw = np.cumsum(w_sorted[starts[k] : ends[k]])
        r = rng.random(len(sel)) * cw[-1]
        out[sel] = m_sorted[starts[k] + np.searchsorted(cw, r, side="right").clip(0, len(cw) - 1)]
    return out


def generate(
    scale: int = 2000, *, seed: int = 2016
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Generate a demo ecosystem of about ``scale`` nodes.

    Parameters
    ----------
    scale : int
        Approximate number of nodes (at least 500).  Edges come to about five
        per node at large scales.
    seed : int
        The same seed and scale give the same graph, to the byte.

    Returns
    -------
    nodes, edges : dict of str to DataFrame
        Raw tables for :func:`innokg.graph.validate.validate_tables`.
    """
    if scale < MIN_SCALE:
        raise ValueError(f"scale must be at least {MIN_SCALE} (got {scale})")
    rng = np.random.default_rng([seed, scale])
    parts = _Parts({}, {})

    # --- fixed reference nodes: regions, industries, products, policy --------------
    regions = henan_regions()
    region_id = "region:" + regions["code"]
    parts.node(
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
    parts.edge("LOCATED_IN", region_id[has_parent], "region:" + regions["parent_code"][has_parent])

    divisions = manufacturing_divisions()
    ind_id = "industry:gbt4754:" + divisions["code"]
    parts.node(
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
    parts.edge("SUBCLASS_OF", ind_id[1:], "industry:gbt4754:C")

    products = demo_products()
    prod_id = ("product:demo:" + products["key"]).to_numpy(dtype=object)
    parts.node(
        "Product",
        pd.DataFrame({"id": prod_id, "name": products["name"], "name_en": products["name_en"]}),
    )
    key_pos = {k: i for i, k in enumerate(products["key"])}
    inputs = [[key_pos[k] for k in s.split(";") if k] for s in products["inputs"]]
    up = [(i, p) for p, ins in enumerate(inputs) for i in ins]
    parts.edge("UPSTREAM_OF", prod_id[[a for a, _ in up]], prod_id[[b for _, b in up]])
    sub = products["parent"] != ""
    parts.edge(
        "SUBCLASS_OF",
        prod_id[sub.to_numpy()],
        "product:demo:" + products["parent"][sub].to_numpy(dtype=object),
    )
    prod_industry = ("industry:gbt4754:" + products["industry"]).to_numpy(dtype=object)
    prod_div = products["industry"].to_numpy(dtype=object)

    policy = henan_policy_measures()
    parts.node(
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

    fixed = len(regions) + len(divisions) + len(products) + len(policy)
    rest = max(scale - fixed, 300)

    # --- cities -----------------------------------------------------------------
    city_codes = np.array(list(CITY_PROFILES), dtype=object)
    city_w = np.array([p[1] for p in CITY_PROFILES.values()])
    research_w = np.array([p[2] for p in CITY_PROFILES.values()])
    # How much each city has answered the policy: some well above, some below.
    propensity = rng.uniform(0.55, 1.35, len(city_codes))
    resolver = RegionResolver.from_divisions(regions)  # the resolver every source uses
    city_short = np.array([resolver.short_name(c) for c in city_codes], dtype=object)
    city_en = np.array([p[0] for p in CITY_PROFILES.values()], dtype=object)
    counties = regions[regions["level"] == "county"]
    county_city = counties["parent_code"].to_numpy(dtype=object)
    county_code = counties["code"].to_numpy(dtype=object)
    city_idx_of = {c: i for i, c in enumerate(city_codes)}

    def county_for(cities: np.ndarray) -> np.ndarray:
        """A county in each given city (Jiyuan has none: the city itself)."""
        groups = np.array([city_idx_of[c] for c in county_city])
        picked = _pick(rng, groups, np.arange(len(county_code)), cities)
        out: np.ndarray = np.where(
            picked >= 0,
            "region:" + county_code[picked.clip(0)].astype(str),
            "region:" + city_codes[cities].astype(str),
        ).astype(object)
        return out

    # --- enterprises ------------------------------------------------------------
    n_ent = int(rest * 0.58)
    ent = _ids("E", n_ent)
    e_city = rng.choice(len(city_codes), n_ent, p=city_w / city_w.sum())
    spec = np.array([[d in p[3] for d in prod_div] for p in CITY_PROFILES.values()])
    n_inputs = np.array([len(i) for i in inputs])
    tier_w = np.where(n_inputs == 0, 0.6, 1.0)  # fewer raw-material makers
    prod_w = (1 + 9 * spec) * tier_w
    e_prod = np.empty(n_ent, dtype=np.int64)
    for c in range(len(city_codes)):
        sel = np.flatnonzero(e_city == c)
        e_prod[sel] = rng.choice(len(products), len(sel), p=prod_w[c] / prod_w[c].sum())
    e_size = rng.choice(4, n_ent, p=_SIZE_P)
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
    brand = _BRANDS[rng.integers(0, len(_BRANDS), n_ent)]
    pname = products["name"].to_numpy(dtype=object)
    e_name = city_short[e_city] + brand + pname[e_prod] + _SIZE_ZH[e_size] + "（示例" + ent + "）"
    e_name_en = (
        "Demo "
        + city_en[e_city]
        + " "
        + products["name_en"].to_numpy(dtype=object)[e_prod]
        + " Co. "
        + ent
    )
    parts.node(
        "Enterprise",
        pd.DataFrame(
            {
                "id": ent,
                "name": e_name,
                "name_en": e_name_en,
                "since": e_since,
                "size": _SIZES[e_size],
                "industrial": rng.random(n_ent) < 0.97,
                "listed": (e_size == 0) & (rng.random(n_ent) < 0.3),
                "employees": employees,
                "revenue": revenue,
            }
        ),
    )
    e_county = county_for(e_city)
    parts.edge("LOCATED_IN", ent, e_county)
    parts.edge("IN_INDUSTRY", ent, prod_industry[e_prod])
    # Location quotients of the demo's own firms (a city's share of a division's firms over
    # its share of all firms), as the real graph carries the published ones.  No random
    # draw: the rest of the demo is the same with or without them.
    counts = pd.crosstab(e_city, prod_industry[e_prod])
    share = counts.div(counts.sum(axis=1), axis=0)
    lq = share.div(counts.sum(axis=0) / counts.to_numpy().sum(), axis=1).stack()
    lq = lq[(lq > 1.0) & (counts.stack() >= 3)]
    parts.edge(
        "SPECIALISES_IN",
        "region:" + city_codes[lq.index.get_level_values(0).to_numpy()].astype(str),
        lq.index.get_level_values(1).to_numpy(dtype=object),
        quotient=np.round(lq.to_numpy(dtype=float), 4),
        year=2017,
    )
    parts.edge(
        "PRODUCES", ent, prod_id[e_prod], revenue_share=np.round(rng.uniform(0.55, 1.0, n_ent), 2)
    )
    second = np.flatnonzero(rng.random(n_ent) < 0.25)
    same_div = _pick(
        rng, prod_div.astype(str), np.arange(len(products)), prod_div[e_prod[second]].astype(str)
    )
    keep = (same_div >= 0) & (same_div != e_prod[second])
    parts.edge(
        "PRODUCES",
        ent[second[keep]],
        prod_id[same_div[keep]],
        revenue_share=np.round(rng.uniform(0.05, 0.4, keep.sum()), 2),
    )

    # --- supply chains: buyers draw suppliers among the makers of their inputs ------
    buyer = np.repeat(np.arange(n_ent), n_inputs[e_prod])
    need = np.concatenate([inputs[p] for p in e_prod]) if len(buyer) else np.array([], int)
    buyer, need = buyer.astype(np.int64), need.astype(np.int64)
    take = (e_size[buyer] <= 1) | (rng.random(len(buyer)) < 0.6)
    buyer, need = buyer[take], need[take]
    k = 1 + rng.binomial(4, np.where(e_size[buyer] <= 1, 0.45, 0.15))
    buyer, need = np.repeat(buyer, k), np.repeat(need, k)
    local = rng.random(len(buyer)) < 0.6
    sup = np.full(len(buyer), -1, dtype=np.int64)
    key_local = need * 100 + e_city[buyer]
    sup[local] = _pick(rng, e_prod * 100 + e_city, np.arange(n_ent), key_local[local], fitness)
    rest_sel = sup < 0
    sup[rest_sel] = _pick(rng, e_prod, np.arange(n_ent), need[rest_sel], fitness)
    ok = (sup >= 0) & (sup != buyer)
    pairs = pd.DataFrame({"s": sup[ok], "b": buyer[ok], "p": need[ok]}).drop_duplicates(["s", "b"])
    per_buyer_input = pairs.groupby(["b", "p"])["s"].transform("size")
    share = np.round(rng.uniform(0.6, 1.0, len(pairs)) / per_buyer_input.to_numpy(), 3)
    since = np.maximum(e_since[pairs["s"]], e_since[pairs["b"]]) + rng.integers(0, 6, len(pairs))
    parts.edge(
        "SUPPLIES",
        ent[pairs["s"]],
        ent[pairs["b"]],
        product=pname[pairs["p"]],
        share=share,
        weight=share,
        since=np.minimum(since, 2020),
    )

    # --- zones ------------------------------------------------------------------
    n_zone = max(len(city_codes), int(rest * 0.02))
    z_city = np.concatenate(
        [
            np.arange(len(city_codes)),
            rng.choice(len(city_codes), n_zone - len(city_codes), p=city_w / city_w.sum()),
        ]
    )
    z_kind = np.where(
        np.arange(n_zone) < len(city_codes),
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
    zone = _ids("Z", n_zone)
    kind_zh = {
        "industrial_cluster": "产业集聚区",
        "high_tech_zone": "高新区",
        "new_industrialization_base": "新型工业化示范基地",
        "shuangchuang_base": "双创基地",
    }
    parts.node(
        "Zone",
        pd.DataFrame(
            {
                "id": zone,
                "kind": z_kind,
                "since": rng.integers(2008, 2017, n_zone),
                "name": city_short[z_city]
                + pd.Series(z_kind).map(kind_zh).to_numpy(dtype=object)
                + "（示例"
                + zone
                + "）",
                "name_en": "Demo "
                + city_en[z_city]
                + " "
                + pd.Series(z_kind).str.replace("_", " ").to_numpy(dtype=object)
                + " "
                + zone,
            }
        ),
    )
    parts.edge("LOCATED_IN", zone, county_for(z_city))
    z_spec = np.array([CITY_PROFILES[c][3][0] for c in city_codes[z_city]], dtype=object)
    parts.edge("IN_INDUSTRY", zone, "industry:gbt4754:" + z_spec)
    in_zone = np.flatnonzero(rng.random(n_ent) < 0.45)
    e_zone = _pick(rng, z_city, np.arange(n_zone), e_city[in_zone])
    parts.edge("LOCATED_IN", ent[in_zone[e_zone >= 0]], zone[e_zone[e_zone >= 0]])

    # --- research institutes ----------------------------------------------------
    n_ri = max(20, int(rest * 0.03))
    ri = _ids("RI", n_ri)
    ri_city = rng.choice(len(city_codes), n_ri, p=research_w / research_w.sum())
    ri_kind = rng.choice(
        ["university", "research_institute", "key_lab", "enterprise_tech_center", "global_rnd"],
        n_ri,
        p=[0.35, 0.3, 0.15, 0.15, 0.05],
    )
    ri_kind_zh = {
        "university": "大学",
        "research_institute": "研究院",
        "key_lab": "重点实验室",
        "enterprise_tech_center": "企业技术中心",
        "global_rnd": "全球研发中心",
    }
    ri_div = rng.choice(np.unique(prod_div), n_ri)
    level = np.where(
        ri_kind == "university",
        rng.choice(["本科", "专科"], n_ri, p=[0.4, 0.6]),
        rng.choice(["national", "provincial"], n_ri, p=[0.2, 0.8]),
    )
    parts.node(
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
                "name": city_short[ri_city]
                + pd.Series(ri_kind).map(ri_kind_zh).to_numpy(dtype=object)
                + "（示例"
                + ri
                + "）",
                "name_en": "Demo "
                + city_en[ri_city]
                + " "
                + pd.Series(ri_kind).str.replace("_", " ").to_numpy(dtype=object)
                + " "
                + ri,
            }
        ),
    )
    parts.edge("LOCATED_IN", ri, "region:" + city_codes[ri_city])
    parts.edge("IN_INDUSTRY", ri, "industry:gbt4754:" + ri_div.astype(object))

    # --- collaboration with research partners -----------------------------------
    p_collab = np.array([0.75, 0.45, 0.08, 0.02])[e_size] * propensity[e_city]
    collab = np.flatnonzero(rng.random(n_ent) < p_collab)
    collab = np.repeat(collab, 1 + rng.binomial(2, 0.3, len(collab)))
    same_city = rng.random(len(collab)) < 0.6
    partner = np.full(len(collab), -1, dtype=np.int64)
    partner[same_city] = _pick(rng, ri_city, np.arange(n_ri), e_city[collab[same_city]])
    anywhere = partner < 0
    partner[anywhere] = rng.integers(0, n_ri, anywhere.sum())
    co = pd.DataFrame({"e": collab, "r": partner}).drop_duplicates()
    co_kind = rng.choice(
        ["joint_rnd", "project", "patent", "co_built_platform"], len(co), p=[0.45, 0.3, 0.2, 0.05]
    )
    parts.edge(
        "COLLABORATES_WITH",
        ent[co["e"]],
        ri[co["r"]],
        kind=co_kind,
        since=np.minimum(np.maximum(e_since[co["e"]], 2005) + rng.integers(0, 12, len(co)), 2020),
    )
    big = np.flatnonzero(e_size <= 1)
    peer = (
        _pick(rng, prod_div[e_prod[big]].astype(str), big, prod_div[e_prod[big]].astype(str))
        if len(big)
        else np.array([], int)
    )
    pk = (rng.random(len(big)) < 0.15) & (peer >= 0) & (peer != big)
    parts.edge(
        "COLLABORATES_WITH",
        ent[big[pk]],
        ent[peer[pk]],
        kind="project",
        since=rng.integers(2012, 2021, pk.sum()),
    )

    # --- platforms: established by firms at city-specific rates, and by zones ------
    p_plat = np.array([0.85, 0.62, 0.02, 0.0])[e_size] * propensity[e_city]
    owner = np.flatnonzero(rng.random(n_ent) < p_plat)
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
    zone_pl = np.flatnonzero(rng.random(n_zone) < 0.55 * propensity[z_city])
    zpl_kind = rng.choice(
        ["public_tech_service", "shuangchuang_base", "maker_space", "incubator"],
        len(zone_pl),
        p=[0.4, 0.3, 0.15, 0.15],
    )
    n_pl = len(owner) + len(zone_pl)
    plat = _ids("PL", n_pl)
    all_kind = np.concatenate([pl_kind, zpl_kind]).astype(object)
    pl_city = np.concatenate([e_city[owner], z_city[zone_pl]])
    pl_since = rng.integers(2010, 2021, n_pl)
    demo_flag = rng.random(n_pl) < 0.14 * propensity[pl_city]
    demo_year = np.where(demo_flag, np.maximum(pl_since, 2016) + rng.integers(0, 3, n_pl), -1)
    pl_kind_zh = {
        "self_built_rnd": "自建研发平台",
        "co_built_rnd": "合建创新平台",
        "third_party": "第三方创新平台",
        "maker_space": "众创空间",
        "incubator": "孵化器",
        "ecommerce": "电商平台",
        "open_innovation": "开放式创新平台",
        "public_tech_service": "公共技术服务平台",
        "shuangchuang_base": "双创基地平台",
    }
    parts.node(
        "Platform",
        pd.DataFrame(
            {
                "id": plat,
                "kind": all_kind,
                "since": pl_since,
                "demonstration": _year_or_na(demo_flag, demo_year),
                "name": city_short[pl_city]
                + pd.Series(all_kind).map(pl_kind_zh).to_numpy(dtype=object)
                + "（示例"
                + plat
                + "）",
                "name_en": "Demo "
                + city_en[pl_city]
                + " "
                + pd.Series(all_kind).str.replace("_", " ").to_numpy(dtype=object)
                + " platform "
                + plat,
            }
        ),
    )
    ent_pl = plat[: len(owner)]
    parts.edge("ESTABLISHED", ent[owner], ent_pl, since=pl_since[: len(owner)])
    parts.edge("OPERATES", ent[owner], ent_pl)
    parts.edge("OPERATES", zone[zone_pl], plat[len(owner) :])
    parts.edge("LOCATED_IN", plat, county_for(pl_city))
    cob = np.flatnonzero(pl_kind == "co_built_rnd")
    cob_ri = _pick(rng, ri_city, np.arange(n_ri), e_city[owner[cob]])
    cob_ri = np.where(cob_ri >= 0, cob_ri, rng.integers(0, n_ri, len(cob)))
    parts.edge("OPERATES", ri[cob_ri], ent_pl[cob])
    parts.edge(
        "COLLABORATES_WITH",
        ent[owner[cob]],
        ri[cob_ri],
        kind="co_built_platform",
        since=pl_since[cob],
    )
    article_of = {
        "self_built_rnd": "rnd_platforms",
        "co_built_rnd": "rnd_platforms",
        "third_party": "rnd_platforms",
        "maker_space": "ecosystem_breadth",
        "incubator": "ecosystem_breadth",
        "ecommerce": "open_platforms",
        "open_innovation": "open_platforms",
        "public_tech_service": "cluster_services",
        "shuangchuang_base": "cluster_services",
    }
    sup_pl = np.flatnonzero(rng.random(n_pl) < 0.3)
    parts.edge(
        "SUPPORTED_BY",
        plat[sup_pl],
        pd.Series(all_kind[sup_pl]).map(article_of).map(measure).to_numpy(dtype=object),
        year=np.maximum(pl_since[sup_pl], 2017),
    )
    dp = np.flatnonzero(demo_flag)
    parts.edge("SUPPORTED_BY", plat[dp], measure["demonstration_platforms"], year=demo_year[dp])

    # --- maker teams: hosted by firms and by maker spaces / incubators -------------
    p_team = np.array([0.7, 0.45, 0.03, 0.0])[e_size] * propensity[e_city]
    host = np.flatnonzero(rng.random(n_ent) < p_team)
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
    incub = np.flatnonzero(np.isin(all_kind, ["maker_space", "incubator"]))
    incub = np.repeat(incub, rng.integers(1, 5, len(incub)))
    n_team = len(host) + len(incub)
    team = _ids("MT", n_team)
    t_kind = np.concatenate([t_kind_e, np.full(len(incub), "social")]).astype(object)
    t_city = np.concatenate([e_city[host], pl_city[incub]])
    t_since = rng.integers(2012, 2021, n_team)
    t_demo = rng.random(n_team) < 0.1 * propensity[t_city]
    t_demo_year = np.maximum(t_since, 2016) + rng.integers(0, 3, n_team)
    t_kind_zh = {
        "technology": "技术创客团队",
        "employee": "职工创客工作室",
        "master_craftsman_studio": "大工匠工作室",
        "model_worker_station": "劳模工作站",
        "chief_employee_station": "首席员工创新工作站",
        "social": "社会创客团队",
    }
    parts.node(
        "MakerTeam",
        pd.DataFrame(
            {
                "id": team,
                "kind": t_kind,
                "since": t_since,
                "demonstration": _year_or_na(t_demo, t_demo_year),
                "name": city_short[t_city]
                + pd.Series(t_kind).map(t_kind_zh).to_numpy(dtype=object)
                + "（示例"
                + team
                + "）",
                "name_en": "Demo "
                + city_en[t_city]
                + " "
                + pd.Series(t_kind).str.replace("_", " ").to_numpy(dtype=object)
                + " team "
                + team,
            }
        ),
    )
    parts.edge("HOSTS", ent[host], team[: len(host)], since=t_since[: len(host)])
    parts.edge("HOSTS", plat[incub], team[len(host) :], since=t_since[len(host) :])
    est = np.flatnonzero(rng.random(len(host)) < 0.5)
    parts.edge("ESTABLISHED", ent[host[est]], team[est], since=t_since[est])
    team_article = {
        "technology": "technology_teams",
        "employee": "employee_platforms",
        "model_worker_station": "employee_platforms",
        "chief_employee_station": "employee_platforms",
        "master_craftsman_studio": "craftsman_studios",
        "social": "social_teams",
    }
    sup_t = np.flatnonzero(rng.random(n_team) < 0.25)
    parts.edge(
        "SUPPORTED_BY",
        team[sup_t],
        pd.Series(t_kind[sup_t]).map(team_article).map(measure).to_numpy(dtype=object),
        year=np.maximum(t_since[sup_t], 2017),
    )
    dt = np.flatnonzero(t_demo)
    parts.edge("SUPPORTED_BY", team[dt], measure["demonstration_teams"], year=t_demo_year[dt])

    # --- funds: set up by large firms or government, investing in firms and teams ---
    n_fund = max(10, int(rest * 0.02))
    fund = _ids("F", n_fund)
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
    large = np.flatnonzero(e_size == 0)
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
        rng.choice(len(city_codes), n_fund, p=city_w / city_w.sum()),
    )
    f_since = rng.integers(2012, 2021, n_fund)
    f_kind_zh = {
        "industry_investment": "产业投资基金",
        "venture": "创业投资基金",
        "angel": "天使投资基金",
        "maker_fund": "创客基金",
        "maker_bank": "创客银行",
        "public_welfare": "公益创业基金",
        "government_special": "政府专项资金",
    }
    parts.node(
        "Fund",
        pd.DataFrame(
            {
                "id": fund,
                "kind": f_kind,
                "since": f_since,
                "amount": np.round(rng.lognormal(9.5, 1.0, n_fund), -1),
                "name": city_short[f_city]
                + pd.Series(f_kind).map(f_kind_zh).to_numpy(dtype=object)
                + "（示例"
                + fund
                + "）",
                "name_en": "Demo "
                + city_en[f_city]
                + " "
                + pd.Series(f_kind).str.replace("_", " ").to_numpy(dtype=object)
                + " "
                + fund,
            }
        ),
    )
    parts.edge("ESTABLISHED", ent[f_owner[by_firm]], fund[by_firm], since=f_since[by_firm])
    parts.edge("LOCATED_IN", fund, "region:" + city_codes[f_city])
    fb = np.flatnonzero(by_firm & np.isin(f_kind, ["maker_fund", "maker_bank"]))
    parts.edge(
        "SUPPORTED_BY",
        ent[f_owner[fb]],
        measure["maker_finance"],
        year=np.maximum(f_since[fb], 2017),
    )
    n_deals = np.minimum(3 + (rng.pareto(1.2, n_fund) * 4).astype(int), 60)
    f_rep = np.repeat(np.arange(n_fund), n_deals)
    teamish = np.isin(f_kind[f_rep], ["maker_fund", "maker_bank", "angel", "public_welfare"])
    to_team = (rng.random(len(f_rep)) < np.where(teamish, 0.7, 0.15)) & (n_team > 0)
    to_plat = ~to_team & (rng.random(len(f_rep)) < 0.1) & (n_pl > 0)
    to_ent = ~to_team & ~to_plat
    small = np.flatnonzero(e_size >= 1)
    t_tgt = _pick(rng, t_city, np.arange(n_team), f_city[f_rep[to_team]])
    e_tgt = _pick(rng, e_city[small], small, f_city[f_rep[to_ent]])
    p_tgt = rng.integers(0, max(n_pl, 1), to_plat.sum())
    inv = pd.concat(
        [
            pd.DataFrame({"f": fund[f_rep[to_team]][t_tgt >= 0], "t": team[t_tgt[t_tgt >= 0]]}),
            pd.DataFrame({"f": fund[f_rep[to_ent]][e_tgt >= 0], "t": ent[e_tgt[e_tgt >= 0]]}),
            pd.DataFrame({"f": fund[f_rep[to_plat]], "t": plat[p_tgt] if n_pl else []}),
        ]
    ).drop_duplicates()
    parts.edge(
        "INVESTS_IN",
        inv["f"].to_numpy(),
        inv["t"].to_numpy(),
        amount=np.round(rng.lognormal(5.5, 1.0, len(inv)), 1),
        round=rng.choice(["seed", "angel", "A", "B"], len(inv), p=[0.35, 0.3, 0.25, 0.1]),
        since=rng.integers(2016, 2021, len(inv)),
    )

    # --- alliances: industry groupings with firms, institutes and funds -------------
    n_al = max(8, int(rest * 0.01))
    al = _ids("AL", n_al)
    al_div = rng.choice(np.unique(prod_div), n_al).astype(object)
    al_kind = rng.choice(
        ["industry", "technology_innovation", "industry_university_research", "cross_industry"],
        n_al,
        p=[0.35, 0.3, 0.25, 0.1],
    ).astype(object)
    al_kind_zh = {
        "industry": "产业联盟",
        "technology_innovation": "技术创新联盟",
        "industry_university_research": "产学研用联盟",
        "cross_industry": "跨行业联盟",
    }
    div_short = dict(zip(divisions["code"], divisions["short"], strict=True))
    div_en = dict(zip(divisions["code"], divisions["name_en"], strict=True))
    parts.node(
        "Alliance",
        pd.DataFrame(
            {
                "id": al,
                "kind": al_kind,
                "since": rng.integers(2010, 2020, n_al),
                "name": "河南省"
                + pd.Series(al_div).map(div_short).to_numpy(dtype=object)
                + pd.Series(al_kind).map(al_kind_zh).to_numpy(dtype=object)
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
    weight_big = np.array([12.0, 4.0, 1.0, 0.3])[e_size]
    mem = _pick(
        rng, prod_div[e_prod].astype(str), np.arange(n_ent), al_div[a_rep].astype(str), weight_big
    )
    mm = pd.DataFrame({"e": mem, "a": a_rep})[mem >= 0].drop_duplicates()
    first = ~mm.duplicated("a")
    parts.edge(
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
    rmem = pd.DataFrame({"r": rng.integers(0, n_ri, len(r_rep)), "a": r_rep}).drop_duplicates()
    parts.edge("MEMBER_OF", ri[rmem["r"]], al[rmem["a"]], role="member")
    fmem = np.flatnonzero(rng.random(n_fund) < 0.2)
    parts.edge("MEMBER_OF", fund[fmem], al[rng.integers(0, n_al, len(fmem))], role="member")

    # --- people in public roles: entrepreneurs and the leaders of teams -------------
    boss = np.flatnonzero((e_size == 0) | ((e_size == 1) & (rng.random(n_ent) < 0.3)))
    lead_kind = {
        "technology": "chief_technology_expert",
        "master_craftsman_studio": "master_craftsman",
        "model_worker_station": "model_worker",
    }
    led = np.flatnonzero(np.isin(t_kind, list(lead_kind)))
    n_person = len(boss) + len(led)
    person = _ids("P", n_person)
    role = np.concatenate(
        [
            np.full(len(boss), "entrepreneur", dtype=object),
            pd.Series(t_kind[led]).map(lead_kind).to_numpy(dtype=object),
        ]
    )
    p_city = np.concatenate([e_city[boss], t_city[led]])
    recognised = (
        rng.random(n_person) < np.where(role == "entrepreneur", 0.35, 0.15) * propensity[p_city]
    )
    rec_year = rng.integers(2017, 2021, n_person)
    role_zh = {
        "entrepreneur": "创新型企业家",
        "chief_technology_expert": "首席技术专家",
        "master_craftsman": "大工匠",
        "model_worker": "劳动模范",
    }
    parts.node(
        "Person",
        pd.DataFrame(
            {
                "id": person,
                "role": role,
                "recognised": _year_or_na(recognised, rec_year),
                "name": "示例" + pd.Series(role).map(role_zh).to_numpy(dtype=object) + person,
                "name_en": "Demo "
                + pd.Series(role).str.replace("_", " ").to_numpy(dtype=object)
                + " "
                + person,
            }
        ),
    )
    parts.edge("LEADS", person[: len(boss)], ent[boss], role="chair")
    parts.edge("LEADS", person[len(boss) :], team[led], role="leader")

    nodes = {k: pd.concat(v, ignore_index=True) for k, v in parts.nodes.items()}
    edges = {k: pd.concat(v, ignore_index=True) for k, v in parts.edges.items()}
    return nodes, edges
