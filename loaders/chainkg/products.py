"""Products: the catalogue, what each company makes, and the links between products."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innokg.loaders.base import Ledger
from innokg.loaders.chainkg.frames import _isin, _map, _mark, _reject, _text, _warn
from innokg.loaders.chainkg.rules import (
    _ACCOUNTING_RE,
    _CODE_RE,
    _FRAGMENT_RE,
    _PLACEHOLDER_SHARE,
    ENT_PREFIX,
    GENERIC_LINES,
    _name_fix_reason,
    clean_product_name,
    product_id,
)

_CLEANED: dict[str, str] = {}


def _clean_names(raw: pd.Series, ledger: Ledger) -> pd.Series:
    """Cleaned product names (each distinct raw name cleaned once), fixes counted."""
    codes, uniq = pd.factorize(raw.to_numpy(dtype=object))
    if len(_CLEANED) > 1_000_000:  # a cache across the files of a source, kept bounded
        _CLEANED.clear()
    cleaned = np.array(
        [_CLEANED.get(r) or _CLEANED.setdefault(r, clean_product_name(r)) for r in uniq],
        dtype=object,
    )
    changed = np.flatnonzero(cleaned != uniq.astype(object))
    if len(changed):
        per_name = np.bincount(codes, minlength=len(uniq))
        for i in changed:
            ledger.fix(_name_fix_reason(uniq[i], cleaned[i]), int(per_name[i]))
    return pd.Series(cleaned[codes], index=raw.index, dtype=object)


def _accounting(names: pd.Series) -> pd.Series:
    return names.str.contains(_ACCOUNTING_RE, regex=True)


def _products(df: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    d = df.assign(raw=_text(df["name"]))
    d["name"] = _clean_names(d["raw"], ledger)
    _reject(ledger, d, d["name"] == "", "name", "product name is empty")
    d = d[d["name"] != ""]
    _reject(
        ledger,
        d,
        _accounting(d["name"]),
        "name",
        "an accounting line (elimination or adjustment), not a product",
    )
    d = d[~_accounting(d["name"])]
    dup = d["name"].duplicated(keep="first")
    _mark(ledger, d, dup, "folded", "the same product after normalising its name")
    return d[~dup][["name", "_file", "_row"]]


def _company_products(df: pd.DataFrame, ent_ids: set[str], ledger: Ledger) -> pd.DataFrame:
    m = _text(df["company_code"]).str.upper().str.extract(_CODE_RE)
    d = df.assign(code6=m[0], raw=_text(df["product_name"]))
    d["ent"] = ENT_PREFIX + d["code6"].fillna("")
    _reject(ledger, d, d["code6"].isna(), "company_code", "stock code is not 6 digits")
    d = d[d["code6"].notna()]
    _reject(ledger, d, ~_isin(d["ent"], ent_ids), "company_code", "company not in company.json")
    d = d[_isin(d["ent"], ent_ids)]
    d["name"] = _clean_names(d["raw"], ledger)
    _reject(ledger, d, d["name"] == "", "product_name", "product name is empty")
    d = d[d["name"] != ""]
    acc = _accounting(d["name"])
    _reject(
        ledger,
        d,
        acc,
        "product_name",
        "an accounting line (elimination or adjustment), not a product",
    )
    d = d[~acc]
    generic = d["name"].isin(GENERIC_LINES)
    _reject(
        ledger,
        d,
        generic,
        "product_name",
        "a line of business (配件, 材料, 服务…), not a product that joins two firms' chains",
    )
    d = d[~generic]
    fragment = d["name"].str.contains(_FRAGMENT_RE, regex=True)
    _reject(
        ledger,
        d,
        fragment,
        "product_name",
        "a fragment of a business-scope sentence (以自有资金, 其配套…), not a product",
    )
    d = d[~fragment]
    share = pd.to_numeric(d["rel_weight"], errors="coerce")
    _warn(ledger, d, share.isna(), "revenue share missing or not a number (left empty)")
    placeholder = share == _PLACEHOLDER_SHARE
    ledger.fix(
        "revenue share 0.001 is the placeholder of an unknown share (left empty)",
        int(placeholder.sum()),
    )
    negative = share < 0
    _warn(
        ledger, d, negative, "negative revenue share (a segment with negative revenue; left empty)"
    )
    _warn(ledger, d, share > 1, "revenue share above 1 (segment revenue before eliminations; kept)")
    d["share"] = share.mask(placeholder | negative)
    later = d.duplicated(["ent", "name"], keep="first")
    same = later & d.duplicated(["ent", "name", "share"], keep="first")
    _mark(ledger, d, same, "folded", "the same company product given twice")
    _mark(
        ledger,
        d,
        later & ~same,
        "folded",
        "the same company product given twice with another share (first kept)",
    )
    return d[~later][["ent", "name", "share", "_file", "_row"]]


_PRODUCT_RELS = {
    "上游材料": "input_of_from",
    "下游产品": "made_from_from",
    "产品小类": "subcategory",
}


def _product_links(df: pd.DataFrame, ledger: Ledger) -> tuple[pd.DataFrame, pd.DataFrame]:
    """UPSTREAM_OF (input -> output) and SUBCLASS_OF (narrow -> broad) by product name."""
    d = df.assign(
        rel=_text(df["rel"]), a_raw=_text(df["from_entity"]), b_raw=_text(df["to_entity"])
    )
    known = _isin(d["rel"], _PRODUCT_RELS)
    _reject(ledger, d, ~known, "rel", "relation is none of 上游材料, 产品小类, 下游产品")
    d = d[known]
    names = _clean_names(pd.concat([d["a_raw"], d["b_raw"]], ignore_index=True), ledger)
    d["a"] = names.iloc[: len(d)].to_numpy()
    d["b"] = names.iloc[len(d) :].to_numpy()
    empty = (d["a"] == "") | (d["b"] == "")
    _reject(ledger, d, empty, "to_entity", "product name is empty")
    d = d[~empty]
    acc = _accounting(d["a"]) | _accounting(d["b"])
    _reject(
        ledger, d, acc, "to_entity", "an accounting line (elimination or adjustment), not a product"
    )
    d = d[~acc]
    _reject(ledger, d, d["a"] == d["b"], "to_entity", "a product linked to itself")
    d = d[d["a"] != d["b"]]
    rel = d["rel"]
    # 上游材料: to is an input of from; 下游产品: to is made from from;
    # 产品小类: to is a sub-category of from.
    upstream = rel != "产品小类"
    up = pd.DataFrame(
        {
            "input": np.where(
                rel[upstream] == "上游材料", d.loc[upstream, "b"], d.loc[upstream, "a"]
            ),
            "output": np.where(
                rel[upstream] == "上游材料", d.loc[upstream, "a"], d.loc[upstream, "b"]
            ),
            "rel": rel[upstream],
            "_file": d.loc[upstream, "_file"],
            "_row": d.loc[upstream, "_row"],
        }
    )
    dup = up.duplicated(["input", "output"], keep="first")
    _mark(ledger, up, dup, "folded", "the same upstream link given twice (上游材料 and 下游产品)")
    up = up[~dup]
    pair = set(zip(up["input"].tolist(), up["output"].tolist(), strict=True))
    mutual = [
        (b, a) in pair for a, b in zip(up["input"].tolist(), up["output"].tolist(), strict=True)
    ]
    _warn(
        ledger,
        up,
        pd.Series(mutual, index=up.index),
        "two products each listed as the other's input (both kept)",
    )
    sub = d[~upstream]
    sub = pd.DataFrame(
        {"child": sub["b"], "parent": sub["a"], "_file": sub["_file"], "_row": sub["_row"]}
    )
    dup = sub.duplicated(["child", "parent"], keep="first")
    _mark(ledger, sub, dup, "folded", "the same sub-category link given twice")
    return up, sub[~dup]


def _with_named_only(
    products: pd.DataFrame,
    makes: pd.DataFrame,
    upstream: pd.DataFrame,
    subclass: pd.DataFrame,
    ledger: Ledger,
) -> pd.DataFrame:
    """The catalogue plus the products named only by the relation files (with a
    warning), each with its ``id``."""
    listed = set(products["name"])
    extra_frames = []
    for frame, cols, file in (
        (makes, ["name"], "company_product.json"),
        (upstream, ["input", "output"], "product_product.json"),
        (subclass, ["child", "parent"], "product_product.json"),
    ):
        for col in cols:
            new = frame.loc[~_isin(frame[col], listed), [col, "_file", "_row"]]
            new = new.rename(columns={col: "name"})
            new = new.drop_duplicates("name")
            _warn(
                ledger,
                new,
                pd.Series(True, index=new.index),
                f"product named only in {file}: node added",
            )
            listed |= set(new["name"])
            extra_frames.append(new)
    products = pd.concat([products, *extra_frames], ignore_index=True)
    products["id"] = _map(products["name"], product_id)
    return products
