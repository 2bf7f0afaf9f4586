"""Shenwan 2021 industries: the tree, each company's industry, and which industries
are listed upstream of which."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.loaders.base import Ledger
from innokg.loaders.chainkg.frames import _isin, _map, _mark, _reject, _text, _warn
from innokg.loaders.chainkg.rules import _CODE_RE, ENT_PREFIX, INDUSTRY_PREFIX


def _industry_key(name: pd.Series) -> pd.Series:
    return name.str.replace(r"[ⅡⅢ]$|(?:II|III)$", "", regex=True)


def _industries(df: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    d = df.assign(code=_text(df["code"]), name=_text(df["name"]))
    _reject(ledger, d, ~d["code"].str.fullmatch(r"\d{6}"), "code", "industry code is not 6 digits")
    d = d[d["code"].str.fullmatch(r"\d{6}")]
    _reject(ledger, d, d["name"] == "", "name", "industry name is empty")
    d = d[d["name"] != ""]
    later = d["code"].duplicated(keep="first")
    same = later & d.duplicated(["code", "name"], keep="first")
    _mark(ledger, d, same, "folded", "the same industry listed twice")
    _reject(ledger, d, later & ~same, "code", "industry code already given to another name")
    d = d[~later].copy()
    d["level"] = np.where(d["code"].str[2:] == "0000", 1, np.where(d["code"].str[4:] == "00", 2, 3))
    d["id"] = INDUSTRY_PREFIX + d["code"]
    return d


def _industry_lookup(ind: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """Maps from exact name and from name without Ⅱ/Ⅲ (where unique) to industry code."""
    exact = dict(zip(ind["name"], ind["code"], strict=True))
    key = _industry_key(ind["name"])
    counts = key.value_counts()
    unique = ind[_map(key, counts.to_dict()) == 1]
    loose = dict(zip(_industry_key(unique["name"]), unique["code"], strict=True))
    return exact, loose


def _lookup_industry(names: pd.Series, exact: dict[str, str], loose: dict[str, str]) -> pd.Series:
    return _map(names, exact).fillna(_map(_industry_key(names), loose))


def _industry_tree(df: pd.DataFrame, ind: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    d = df.assign(a=_text(df["from_code"]), b=_text(df["to_code"]), rel=_text(df["rel"]))
    _reject(ledger, d, d["rel"] != "上级行业", "rel", "relation is not 上级行业")
    d = d[d["rel"] == "上级行业"]
    known = set(ind["code"])
    _reject(ledger, d, ~_isin(d["a"], known), "from_code", "industry code not in industry.json")
    d = d[_isin(d["a"], known)]
    _reject(ledger, d, ~_isin(d["b"], known), "to_code", "industry code not in industry.json")
    d = d[_isin(d["b"], known)]
    _reject(ledger, d, d["a"] == d["b"], "to_code", "an industry cannot be its own parent")
    d = d[d["a"] != d["b"]]
    names = dict(zip(ind["code"], ind["name"], strict=True))
    differ = (_text(d["from_industry"]) != _map(d["a"], names)) | (
        _text(d["to_industry"]) != _map(d["b"], names)
    )
    _warn(ledger, d, differ, "industry names differ from industry.json (codes used)")
    dup = d.duplicated(["a", "b"], keep="first")
    _mark(ledger, d, dup, "folded", "the same industry link given twice")
    d = d[~dup]
    return pd.DataFrame(
        {
            "from_id": INDUSTRY_PREFIX + d["a"],
            "to_id": INDUSTRY_PREFIX + d["b"],
            "source": "chainkg:industry_industry.json",
            "evidence": "observed",
            "_file": d["_file"],
            "_row": d["_row"],
        }
    )


def _company_industry(
    df: pd.DataFrame, ent_ids: set[str], ind: pd.DataFrame, ledger: Ledger
) -> pd.DataFrame:
    """IN_INDUSTRY edges; a code that disagrees with its name is matched by the name.

    The file uses some codes of another revision of the classification (商用载客车
    280103 where industry.json has 280602).  Its names agree with industry.json, so
    the name decides; the code is used where the name is unknown.
    """
    m = _text(df["company_code"]).str.upper().str.extract(_CODE_RE)
    d = df.assign(code6=m[0], icode=_text(df["industry_code"]), iname=_text(df["industry_name"]))
    d["ent"] = ENT_PREFIX + d["code6"].fillna("")
    _reject(ledger, d, d["code6"].isna(), "company_code", "stock code is not 6 digits")
    d = d[d["code6"].notna()]
    _reject(ledger, d, ~_isin(d["ent"], ent_ids), "company_code", "company not in company.json")
    d = d[_isin(d["ent"], ent_ids)]
    exact, loose = _industry_lookup(ind)
    names = dict(zip(ind["code"], ind["name"], strict=True))
    by_name = _lookup_industry(d["iname"], exact, loose)
    agree = (_map(d["icode"], names) == d["iname"]).astype(bool)
    code = d["icode"].where(agree, by_name)
    ledger.fix(
        "industry code disagrees with industry.json; matched by the industry's name",
        int((~agree & by_name.notna() & (by_name != d["icode"])).sum()),
    )
    ledger.fix(
        "industry name written with or without its level mark (Ⅱ/Ⅲ); matched",
        int((~agree & by_name.notna() & (by_name == d["icode"])).sum()),
    )
    by_code = ~agree & by_name.isna() & _isin(d["icode"], names)
    _warn(ledger, d, by_code, "industry name unknown; matched by the industry code")
    code = code.where(~by_code, d["icode"])
    _reject(
        ledger,
        d,
        code.isna(),
        "industry_code",
        "industry neither in industry.json by code nor by name",
    )
    d = d.assign(ind=code)[code.notna()]
    dup = d.duplicated(["ent", "ind"], keep="first")
    _mark(ledger, d, dup, "folded", "the same company industry given twice")
    d = d[~dup]
    return pd.DataFrame(
        {
            "from_id": d["ent"],
            "to_id": INDUSTRY_PREFIX + d["ind"],
            "source": "chainkg:company_industry.json",
            "evidence": "observed",
            "_file": d["_file"],
            "_row": d["_row"],
        }
    )


def _industry_up(df: pd.DataFrame, ind: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """Pairs (buyer industry code, upstream industry code, count) from industry_up.json."""
    exact, loose = _industry_lookup(ind)
    d = df.assign(name=_text(df["industry"]))
    d["code"] = _lookup_industry(d["name"], exact, loose)
    _reject(ledger, d, d["code"].isna(), "industry", "industry name not in industry.json")
    d = d[d["code"].notna()]
    not_dict = pd.Series([not isinstance(v, dict) for v in d["ups"]], index=d.index, dtype=bool)
    _reject(ledger, d, not_dict, "ups", "ups is not an object of industry names and counts")
    d = d[~not_dict]
    pairs = [
        (code, str(name), count)
        for code, ups in zip(d["code"], d["ups"], strict=True)
        for name, count in ups.items()
    ]
    p = pd.DataFrame(pairs, columns=["buyer", "up_name", "count"])
    p["up"] = _lookup_industry(p["up_name"], exact, loose)
    ledger.warn("upstream industry name not in industry.json (ignored)", int(p["up"].isna().sum()))
    dup = d.duplicated("code", keep="first")
    _mark(ledger, d, dup, "folded", "the same industry's upstream list given twice")
    return p[p["up"].notna()][["buyer", "up", "count"]].drop_duplicates(["buyer", "up"])
