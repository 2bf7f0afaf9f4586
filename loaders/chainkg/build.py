"""The chainkg source: its steps in order, the tables they make, and the Henan scope.

Examples
--------
Three companies, their main products and one product link (a bus is made from
traction batteries); the files the example leaves out are noted as missing:

>>> import json, tempfile
>>> tmp = tempfile.TemporaryDirectory()
>>> folder = Path(tmp.name)
>>> def write(file, rows):
...     lines = [json.dumps(row, ensure_ascii=False) + "\\n" for row in rows]
...     _ = (folder / file).write_text("".join(lines), encoding="utf-8")
>>> write("company.json", [
...     {"name": "宇通客车", "fullname": "郑州宇通客车股份有限公司", "code": "600066",
...      "location": "上海证券交易所"},
...     {"name": "宁德时代", "fullname": "宁德时代新能源科技股份有限公司", "code": "300750",
...      "location": "深圳证券交易所"},
...     {"name": "贵州茅台", "fullname": "贵州茅台酒股份有限公司", "code": "600519",
...      "location": "上海证券交易所"}])
>>> write("company_product.json", [
...     {"company_code": "600066", "product_name": "客车", "rel_weight": 0.9},
...     {"company_code": "300750", "product_name": "动力电池", "rel_weight": 0.8},
...     {"company_code": "600519", "product_name": "白酒", "rel_weight": 0.95}])
>>> write("product_product.json",
...       [{"from_entity": "客车", "to_entity": "动力电池", "rel": "上游材料"}])
>>> src = read_chainkg_source(folder)
>>> src.nodes["Enterprise"]["stock_code"].tolist()
['600066.SH', '300750.SZ', '600519.SH']
>>> src.edges["UPSTREAM_OF"][["from_id", "to_id"]].values.tolist()
[['product:动力电池', 'product:客车']]
>>> supplies = src.edges["SUPPLIES"].iloc[0]
>>> supplies["from_id"], supplies["to_id"], supplies["evidence"]
('ent:stock:300750', 'ent:stock:600066', 'inferred')
>>> supplies["method"]
'product path (A makes an input of a product B makes): 动力电池 -> 客车'
>>> src.edges["LOCATED_IN"][["from_id", "to_id", "method"]].values.tolist()
[['ent:stock:600066', 'region:4101', 'company full name names the place: 郑州 -> 郑州市']]
>>> src.warnings[0]
'industry.json: not found; what it holds is left out'

The Henan scope keeps 宇通客车 and its supplier, not 贵州茅台 and its product:

>>> henan = read_chainkg_source(folder, scope="henan")
>>> henan.nodes["Enterprise"]["id"].tolist(), henan.ledger.reasons("filtered")
(['ent:stock:600066', 'ent:stock:300750'], {'outside the Henan scope': 2})
>>> tmp.cleanup()
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd

from innokg.graph.errors import SourceError
from innokg.loaders.base import Ledger, SourceTables
from innokg.loaders.chainkg.companies import _companies, _located_in_henan
from innokg.loaders.chainkg.frames import _isin, _map
from innokg.loaders.chainkg.industries import (
    _company_industry,
    _industries,
    _industry_tree,
    _industry_up,
)
from innokg.loaders.chainkg.products import (
    _company_products,
    _product_links,
    _products,
    _with_named_only,
)
from innokg.loaders.chainkg.reading import _REQUIRED_FILES, read_files
from innokg.loaders.chainkg.rules import ENT_PREFIX, INDUSTRY_PREFIX, SCHEME
from innokg.loaders.chainkg.supplies import FANOUT, infer_supplies
from innokg.loaders.crosswalk import gbt_industry_edges, gbt_industry_nodes, gbt_subclass_edges
from innokg.loaders.regions import SCOPES

__all__ = ["read_chainkg_source"]


def read_chainkg_source(
    path: str | Path,
    *,
    scope: str = "all",
    fanout: int = FANOUT,
    henan_codes: Collection[str] = (),
    outside_codes: Collection[str] = (),
) -> SourceTables:
    """Read a ChainKnowledgeGraph folder into raw tables.

    Parameters
    ----------
    path : path
        The folder with the JSON Lines files (``company.json`` at least).
    scope : {"all", "henan"}
        ``all`` keeps every listed company (4,600 firms, 100,000 products: a
        build takes seconds).  ``henan`` keeps the Henan companies and their chain
        neighbourhood: the firms linked to them by inferred SUPPLIES, the products
        of all these firms, the products one UPSTREAM_OF or SUBCLASS_OF step from
        the Henan firms' products, and the whole industry tree.  Rows that make
        nothing kept are counted as filtered.
    fanout : int
        Bound of inferred SUPPLIES candidates (see :func:`infer_supplies`).
    henan_codes : collection of str
        Six-digit stock codes another source (a listing table) places in Henan; with
        ``scope="henan"`` these companies are kept as Henan's too, although their
        full names name no place (许继电气股份有限公司).
    outside_codes : collection of str
        Six-digit stock codes another source places outside Henan; their full name's
        Henan place (河南东方银星, since moved to 福建) is not inferred.

    Returns
    -------
    SourceTables
        Enterprise, Industry, Product nodes; IN_INDUSTRY, SUBCLASS_OF, PRODUCES,
        UPSTREAM_OF, SUPPLIES (inferred) and LOCATED_IN (inferred, Henan firms)
        edges, with the ledger of every row.

    Raises
    ------
    SourceError
        When the folder or company.json is missing, or a file is not UTF-8.

    Examples
    --------
    One company (this module's examples infer a supply link):

    >>> import json, tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> company = {"name": "宇通客车", "fullname": "郑州宇通客车股份有限公司",
    ...            "code": "600066", "location": "上海证券交易所"}
    >>> _ = (Path(tmp.name) / "company.json").write_text(
    ...     json.dumps(company, ensure_ascii=False) + "\\n", encoding="utf-8")
    >>> src = read_chainkg_source(tmp.name)
    >>> src.nodes["Enterprise"][["id", "stock_code"]].values.tolist()
    [['ent:stock:600066', '600066.SH']]
    >>> src.edges["LOCATED_IN"][["to_id", "method"]].values.tolist()
    [['region:4101', 'company full name names the place: 郑州 -> 郑州市']]
    >>> tmp.cleanup()
    """
    path = _checked_folder(path, scope)
    source = SourceTables(kind="chainkg", path=str(path), notes={"scope": scope, "fanout": fanout})
    ledger = source.ledger
    raw = read_files(path, source)

    ent = _companies(raw["company.json"], ledger, source)
    ent_ids = set(ent["id"])
    ind = _industries(raw["industry.json"], ledger)
    tree = _industry_tree(raw["industry_industry.json"], ind, ledger)
    in_industry = _company_industry(raw["company_industry.json"], ent_ids, ind, ledger)
    ups = _industry_up(raw["industry_up.json"], ind, ledger)
    products = _products(raw["product.json"], ledger)
    makes = _company_products(raw["company_product.json"], ent_ids, ledger)
    upstream, subclass = _product_links(raw["product_product.json"], ledger)
    products = _with_named_only(products, makes, upstream, subclass, ledger)
    id_of = dict(zip(products["name"].tolist(), products["id"].tolist(), strict=True))

    industry_of = in_industry.assign(code=in_industry["to_id"].str.removeprefix(INDUSTRY_PREFIX))
    industry_of = industry_of.drop_duplicates("from_id").set_index("from_id")["code"]
    produces = makes.assign(product=_map(makes["name"], id_of))
    up_ids = pd.DataFrame(
        {
            "input": _map(upstream["input"], id_of),
            "output": _map(upstream["output"], id_of),
        }
    )
    supplies = infer_supplies(
        produces, up_ids, industry_of=industry_of, industry_up=ups, fanout=fanout
    )
    located = _located_in_henan(ent, outside_codes, ledger)
    source.notes["henan_companies"] = len(located)
    source.notes["supplies_candidates"] = int(supplies["paths"].sum()) if len(supplies) else 0

    nodes = _node_tables(ent, ind, products)
    edges = _edge_tables(
        in_industry=in_industry,
        tree=tree,
        subclass=subclass,
        id_of=id_of,
        produces=produces,
        upstream=upstream,
        up_ids=up_ids,
        supplies=supplies,
        located=located,
    )
    _add_crosswalk(nodes, edges)
    if scope == "henan":
        listed_here = {ENT_PREFIX + str(c)[:6] for c in henan_codes}
        nodes, edges = _henan_scope(nodes, edges, located, ledger, also=listed_here)
        source.notes["henan firms by name"] = int(located["from_id"].nunique())
        source.notes["henan firms by listing"] = len(
            listed_here & set(nodes["Enterprise"]["id"]) - set(located["from_id"])
        )
    source.nodes = {k: v.reset_index(drop=True) for k, v in nodes.items()}
    source.edges = {k: v.reset_index(drop=True) for k, v in edges.items()}
    source.notes["supplies_inferred"] = len(source.edges["SUPPLIES"])
    return source


def _checked_folder(path: str | Path, scope: str) -> Path:
    """The folder as a path, once the scope is known and company.json is there."""
    path = Path(path)
    if scope not in SCOPES:
        raise SourceError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
    if not path.is_dir():
        raise SourceError(f"{path}: a chainkg source is a folder of JSON Lines files")
    missing_required = [f for f in _REQUIRED_FILES if not (path / f).is_file()]
    if missing_required:
        raise SourceError(f"{path}: {', '.join(missing_required)} is missing")
    return path


def _node_tables(
    ent: pd.DataFrame, ind: pd.DataFrame, products: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Enterprise, Industry and Product rows as the schema names their columns."""
    return {
        "Enterprise": pd.DataFrame(
            {
                "id": ent["id"],
                "name": ent["full"],
                "source": "chainkg:company.json",
                "stock_code": ent["stock_code"],
                "listed": True,
                "_aliases": ent["_aliases"],
                "_file": ent["_file"],
                "_row": ent["_row"],
            }
        ),
        "Industry": pd.DataFrame(
            {
                "id": ind["id"],
                "name": ind["name"],
                "source": "chainkg:industry.json",
                "code": ind["code"],
                "scheme": SCHEME,
                "level": ind["level"],
                "_file": ind["_file"],
                "_row": ind["_row"],
            }
        ),
        "Product": pd.DataFrame(
            {
                "id": products["id"],
                "name": products["name"],
                "source": "chainkg:" + products["_file"],
                "_file": products["_file"],
                "_row": products["_row"],
            }
        ),
    }


def _edge_tables(
    *,
    in_industry: pd.DataFrame,
    tree: pd.DataFrame,
    subclass: pd.DataFrame,
    id_of: dict[str, str],
    produces: pd.DataFrame,
    upstream: pd.DataFrame,
    up_ids: pd.DataFrame,
    supplies: pd.DataFrame,
    located: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """Every edge type the source gives, product links by product id."""
    return {
        "IN_INDUSTRY": in_industry,
        "SUBCLASS_OF": pd.concat(
            [
                tree,
                pd.DataFrame(
                    {
                        "from_id": _map(subclass["child"], id_of),
                        "to_id": _map(subclass["parent"], id_of),
                        "source": "chainkg:product_product.json",
                        "evidence": "observed",
                        "_file": subclass["_file"],
                        "_row": subclass["_row"],
                    }
                ),
            ],
            ignore_index=True,
        ),
        "PRODUCES": pd.DataFrame(
            {
                "from_id": produces["ent"],
                "to_id": produces["product"],
                "source": "chainkg:company_product.json",
                "evidence": "observed",
                "revenue_share": produces["share"],
                "_file": produces["_file"],
                "_row": produces["_row"],
            }
        ),
        "UPSTREAM_OF": pd.DataFrame(
            {
                "from_id": up_ids["input"],
                "to_id": up_ids["output"],
                "source": "chainkg:product_product.json",
                "evidence": "observed",
                "_file": upstream["_file"],
                "_row": upstream["_row"],
            }
        ),
        "SUPPLIES": pd.DataFrame(
            {
                "from_id": supplies["from_id"],
                "to_id": supplies["to_id"],
                "source": "chainkg:inferred from company_product.json and product_product.json",
                "evidence": "inferred",
                "method": supplies["method"],
                "confidence": supplies["confidence"],
                "weight": supplies["weight"],
                "product": supplies["product"],
                "_file": "(inferred)",
                "_row": np.arange(1, len(supplies) + 1),
            }
        ),
        "LOCATED_IN": located,
    }


def _add_crosswalk(nodes: dict[str, pd.DataFrame], edges: dict[str, pd.DataFrame]) -> None:
    """GB/T 4754-2017 divisions beside the Shenwan industries, through the shipped crosswalk.

    Each company gets inferred IN_INDUSTRY edges to the divisions its Shenwan industry
    maps to (see :mod:`innokg.loaders.crosswalk`), so that questions asked by GB/T
    4754 division (``C36``) work on the chain data as on the demo.
    """
    gbt = gbt_industry_edges(edges["IN_INDUSTRY"])
    if gbt.empty:
        return
    codes = sorted(set(gbt["to_id"].str.removeprefix("industry:gbt4754:")))
    made = {"_file": "(crosswalk)"}
    ind = gbt_industry_nodes(codes)
    sub = gbt_subclass_edges(codes)
    nodes["Industry"] = pd.concat(
        [nodes["Industry"], ind.assign(**made, _row=np.arange(1, len(ind) + 1))],
        ignore_index=True,
    )
    edges["IN_INDUSTRY"] = pd.concat(
        [edges["IN_INDUSTRY"], gbt.assign(**made, _row=np.arange(1, len(gbt) + 1))],
        ignore_index=True,
    )
    edges["SUBCLASS_OF"] = pd.concat(
        [edges["SUBCLASS_OF"], sub.assign(**made, _row=np.arange(1, len(sub) + 1))],
        ignore_index=True,
    )


def _henan_scope(
    nodes: dict[str, pd.DataFrame],
    edges: dict[str, pd.DataFrame],
    located: pd.DataFrame,
    ledger: Ledger,
    *,
    also: Collection[str] = (),
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Keep Henan's firms and their chain neighbourhood; count the rest as filtered."""
    henan = set(located["from_id"]) | (set(also) & set(nodes["Enterprise"]["id"]))
    sup = edges["SUPPLIES"]
    near = _isin(sup["from_id"], henan) | _isin(sup["to_id"], henan)
    firms = henan | set(sup.loc[near, "from_id"]) | set(sup.loc[near, "to_id"])
    made = edges["PRODUCES"]
    henan_products = set(made.loc[_isin(made["from_id"], henan), "to_id"])
    products = set(made.loc[_isin(made["from_id"], firms), "to_id"])
    for etype in ("UPSTREAM_OF", "SUBCLASS_OF"):
        e = edges[etype]
        touch = _isin(e["from_id"], henan_products) | _isin(e["to_id"], henan_products)
        products |= set(e.loc[touch, "from_id"]) | set(e.loc[touch, "to_id"])
    keep_ids = firms | products | set(nodes["Industry"]["id"])
    reason = "outside the Henan scope"
    out_nodes = {}
    for label, df in nodes.items():
        inside = _isin(df["id"], keep_ids)
        _filter(ledger, df[~inside], reason)
        out_nodes[label] = df[inside]
    kept = set().union(*(set(df["id"]) for df in out_nodes.values()))
    out_edges = {}
    for etype, df in edges.items():
        if etype == "LOCATED_IN":
            out_edges[etype] = df
            continue
        inside = _isin(df["from_id"], kept) & _isin(df["to_id"], kept)
        _filter(ledger, df[~inside], reason)
        out_edges[etype] = df[inside]
    return out_nodes, out_edges


def _filter(ledger: Ledger, rows: pd.DataFrame, reason: str) -> None:
    for file, part in rows.groupby("_file"):
        if file in ledger.files():
            ledger.mark(str(file), part["_row"], "filtered", reason)
