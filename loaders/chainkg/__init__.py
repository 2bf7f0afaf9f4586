"""ChainKnowledgeGraph: the industry-chain graph of China's A-share listed companies.

The source is a folder of JSON Lines files (UTF-8, one object a line)::

    company.json           name (short), fullname, code, location (exchange), time
    industry.json          code, name                   Shenwan 2021 industries
    industry_industry.json from_code -> to_code         child -> parent (上级行业)
    industry_up.json       industry, ups {name: count}  upstream industries
    product.json           name
    company_industry.json  company_code -> industry_code (所属行业)
    company_product.json   company_code -> product_name, rel_weight (主营产品)
    product_product.json   from_entity, to_entity, rel (上游材料 / 产品小类 / 下游产品)

How it maps onto the schema (ids in brackets):

- a company is an Enterprise (``ent:stock:600066``) named by its full name, with
  ``stock_code`` ``600066.SH`` and ``listed`` true;
- an industry is an Industry (``industry:sw2021:280602``) of scheme ``Shenwan 2021``
  with ``level`` 1-3 read from its code; 上级行业 is SUBCLASS_OF child -> parent;
- a product is a Product (``product:<name>``); 主营产品 is PRODUCES with
  ``revenue_share``; 上游材料 (``to_entity`` is an input of ``from_entity``) and
  下游产品 (``to_entity`` is made from ``from_entity``) are UPSTREAM_OF input ->
  output; 产品小类 (``from_entity`` the category, ``to_entity`` the sub-category)
  is SUBCLASS_OF sub-category -> category;
- SUPPLIES between two companies is never in the data.  It is *inferred* where a
  product of A is an input of a product of B (see :func:`infer_supplies`), with
  ``evidence="inferred"``, the rule and product paths in ``method`` and a
  ``confidence``;
- a company whose full name starts with 河南 or with the name of a Henan city or
  county (or names a Henan city in brackets) gets an *inferred* LOCATED_IN edge to
  that division (``method`` says which name matched); other companies carry no
  place, since the data has no address field;
- ``industry_up.json`` has no edge type of its own (industry -> industry upstream
  links are not in the schema); it is used as evidence: an inferred supply link is
  more likely where the supplier's industry is listed upstream of the buyer's.

Every quirk of the data is handled on purpose and counted in the load report:
a *fix* repairs a row, a *warning* keeps a doubtful row, a *reject* drops a row with
its reason (written to ``rejects.csv``), a *fold* merges a row into one it repeats.
See ``docs/data.md`` for the list.

The loader's steps live beside each other: ``reading`` (the files), ``rules`` (codes,
ids, product names and the lines that are not products), ``companies``, ``industries``,
``products``, ``supplies`` (the inference) and ``build`` (the steps in order, the
tables and the Henan scope); ``frames`` holds the cell helpers and ledger marks they
share.

Examples
--------
>>> product_id("光纤复合架空地线")
'product:光纤复合架空地线'
>>> clean_product_name("光纤复合\\n架空地线\\n"), clean_product_name('逐日\"\"\"')
('光纤复合架空地线', '逐日')
"""

from __future__ import annotations

# Every name the loader offered when it was one module is imported from here still
# (the tests read _FILES and _read_jsonl).
from innokg.loaders.chainkg.build import read_chainkg_source
from innokg.loaders.chainkg.companies import henan_places
from innokg.loaders.chainkg.reading import _FILES as _FILES
from innokg.loaders.chainkg.reading import MAX_VALUE, looks_like_chainkg
from innokg.loaders.chainkg.reading import _read_jsonl as _read_jsonl
from innokg.loaders.chainkg.rules import ENT_PREFIX as ENT_PREFIX
from innokg.loaders.chainkg.rules import GENERIC_LINES as GENERIC_LINES
from innokg.loaders.chainkg.rules import INDUSTRY_PREFIX as INDUSTRY_PREFIX
from innokg.loaders.chainkg.rules import PRODUCT_PREFIX as PRODUCT_PREFIX
from innokg.loaders.chainkg.rules import SCHEME, clean_product_name, product_id, stock_id
from innokg.loaders.chainkg.supplies import FANOUT, infer_supplies

__all__ = [
    "FANOUT",
    "MAX_VALUE",
    "SCHEME",
    "clean_product_name",
    "henan_places",
    "infer_supplies",
    "looks_like_chainkg",
    "product_id",
    "read_chainkg_source",
    "stock_id",
]
