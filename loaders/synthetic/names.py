"""The demo's fixed vocabulary: city profiles, firm brands and sizes, and the Chinese name
of every kind of invented organisation."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CITY_PROFILES"]

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

BRANDS = np.array(
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
#: firm sizes, their draw probabilities and the word each adds to a firm's name
SIZES = np.array(["large", "medium", "small", "micro"], dtype=object)
SIZE_P = np.array([0.03, 0.12, 0.45, 0.40])
SIZE_ZH = np.array(["集团", "股份", "有限公司", "商行"], dtype=object)

ZONE_ZH = {
    "industrial_cluster": "产业集聚区",
    "high_tech_zone": "高新区",
    "new_industrialization_base": "新型工业化示范基地",
    "shuangchuang_base": "双创基地",
}
INSTITUTE_ZH = {
    "university": "大学",
    "research_institute": "研究院",
    "key_lab": "重点实验室",
    "enterprise_tech_center": "企业技术中心",
    "global_rnd": "全球研发中心",
}
PLATFORM_ZH = {
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
TEAM_ZH = {
    "technology": "技术创客团队",
    "employee": "职工创客工作室",
    "master_craftsman_studio": "大工匠工作室",
    "model_worker_station": "劳模工作站",
    "chief_employee_station": "首席员工创新工作站",
    "social": "社会创客团队",
}
FUND_ZH = {
    "industry_investment": "产业投资基金",
    "venture": "创业投资基金",
    "angel": "天使投资基金",
    "maker_fund": "创客基金",
    "maker_bank": "创客银行",
    "public_welfare": "公益创业基金",
    "government_special": "政府专项资金",
}
ALLIANCE_ZH = {
    "industry": "产业联盟",
    "technology_innovation": "技术创新联盟",
    "industry_university_research": "产学研用联盟",
    "cross_industry": "跨行业联盟",
}
ROLE_ZH = {
    "entrepreneur": "创新型企业家",
    "chief_technology_expert": "首席技术专家",
    "master_craftsman": "大工匠",
    "model_worker": "劳动模范",
}

#: which article of the policy supports each kind of platform and of maker team
PLATFORM_ARTICLE = {
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
TEAM_ARTICLE = {
    "technology": "technology_teams",
    "employee": "employee_platforms",
    "model_worker_station": "employee_platforms",
    "chief_employee_station": "employee_platforms",
    "master_craftsman_studio": "craftsman_studios",
    "social": "social_teams",
}
#: the public role of the person leading each kind of maker team that has one
TEAM_LEADER = {
    "technology": "chief_technology_expert",
    "master_craftsman_studio": "master_craftsman",
    "model_worker_station": "model_worker",
}


def local_names(
    city_short: np.ndarray, kind: np.ndarray, kind_zh: dict[str, str], ident: np.ndarray
) -> np.ndarray:
    """``<city><kind in Chinese>（示例<id>）``, the name of each invented organisation."""
    zh = pd.Series(kind).map(kind_zh).to_numpy(dtype=object)
    out: np.ndarray = city_short + zh + "（示例" + ident + "）"
    return out


def english_names(
    city_en: np.ndarray, kind: np.ndarray, noun: str, ident: np.ndarray
) -> np.ndarray:
    """``Demo <city> <kind> [<noun>] <id>``, the English name of each."""
    words = pd.Series(kind).str.replace("_", " ").to_numpy(dtype=object)
    out: np.ndarray = "Demo " + city_en + " " + words + (f" {noun} " if noun else " ") + ident
    return out
