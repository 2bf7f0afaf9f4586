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

Examples
--------
>>> product_id("光纤复合架空地线")
'product:光纤复合架空地线'
>>> clean_product_name("光纤复合\\n架空地线\\n"), clean_product_name('逐日\"\"\"')
('光纤复合架空地线', '逐日')
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.errors import SourceError
from innokg.loaders.base import Ledger, SourceTables
from innokg.loaders.crosswalk import gbt_industry_edges, gbt_industry_nodes, gbt_subclass_edges
from innokg.loaders.regions import SCOPES, RegionResolver, short_name

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

SCHEME = "Shenwan 2021"
#: At most this many suppliers per (buyer, input product), and buyers per
#: (supplier, output product), are kept among inferred SUPPLIES candidates.
FANOUT = 5

_FILES = {
    "company.json": ("name", "fullname", "code", "location", "time"),
    "industry.json": ("code", "name"),
    "industry_industry.json": ("from_code", "from_industry", "rel", "to_industry", "to_code"),
    "industry_up.json": ("industry", "ups"),
    "product.json": ("name",),
    "company_industry.json": (
        "company_code",
        "company_name",
        "industry_code",
        "industry_name",
        "rel",
    ),
    "company_product.json": ("company_code", "company_name", "product_name", "rel", "rel_weight"),
    "product_product.json": ("from_entity", "to_entity", "rel"),
}
_REQUIRED_FILES = ("company.json",)

_EXCHANGES = {"上海证券交易所": "SH", "深圳证券交易所": "SZ", "北京证券交易所": "BJ"}
_CODE_RE = r"^(\d{6})(?:\.(SH|SZ|BJ))?$"
_MAX_ID_NAME = 40
#: Revenue lines that are bookkeeping, not products: eliminations and adjustments.
_ACCOUNTING_RE = r"抵销|抵消|抵减|平衡项目|调整项目"
#: Company "products" that name a line of business rather than a product (配件, 材料,
#: 技术服务, 租赁…): hundreds of unrelated firms report them, so as product nodes they
#: would join the chains of a bus maker and an optics firm through "配件".  The list is
#: the generic labels among the 100 names most often reported in company_product.json.
GENERIC_LINES = frozenset(
    (
        "配件",
        "材料",
        "原材料",
        "物料",
        "外协件",
        "材料销售",
        "销售材料",
        "商品销售",
        "销售商品",
        "销售",
        "产品销售",
        "设备销售",
        "贸易",
        "贸易业务",
        "商品贸易",
        "商业",
        "工业",
        "服务",
        "服务业",
        "服务费",
        "技术服务",
        "技术服务费",
        "咨询服务",
        "劳务",
        "提供劳务",
        "加工费",
        "租赁",
        "租金",
        "房租",
        "房屋租赁",
        "租赁业务",
        "利息",
        "解决方案",
        "其他",
        "其他业务",
        "其他产品",
        "其他业务收入",
        "主营业务",
        "废料",
        "废旧物资销售",
        "",
    )
)
#: ``rel_weight`` exactly 0.001 marks business-scope items whose share is not known.
_PLACEHOLDER_SHARE = 0.001

_UNTIDY_RE = re.compile(r'[\s"\\]')
_BREAKS_RE = re.compile(r"[\r\n]+")
_CJK_SPACE_RE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_SPACES_RE = re.compile(r"\s+")

ENT_PREFIX = "ent:stock:"
INDUSTRY_PREFIX = "industry:sw2021:"
PRODUCT_PREFIX = "product:"


def stock_id(code: str) -> str:
    """The Enterprise id of a listed company by its 6-digit stock code.

    >>> stock_id("600066")
    'ent:stock:600066'
    """
    return ENT_PREFIX + code


def product_id(name: str) -> str:
    """The Product id of a (cleaned) product name: readable, unique and stable.

    Names longer than 40 characters are cut to 32 and given 8 hex digits of their
    SHA-1, so two long names that share a beginning keep different ids.

    >>> product_id("钢材")
    'product:钢材'
    >>> len(product_id("很" * 60))
    49
    """
    if len(name) <= _MAX_ID_NAME:
        return PRODUCT_PREFIX + name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{PRODUCT_PREFIX}{name[:32]}~{digest}"


def clean_product_name(name: str) -> str:
    """A product name as the graph keeps it.

    Full-width letters and digits become half-width (NFKC), line breaks are removed
    (they split words: 光纤复合\\n架空地线), spaces between Chinese characters are
    removed and other runs of spaces become one, escaped quotes lose their
    backslash, and quotes at either end are dropped when the name holds an odd
    number of them (a quote left over from the export).

    >>> clean_product_name("ＰＶＣ材料"), clean_product_name("绿化工 程施工")
    ('PVC材料', '绿化工程施工')
    >>> clean_product_name('防伪"碘盐标志"')
    '防伪"碘盐标志"'
    """
    if unicodedata.is_normalized("NFKC", name) and not _UNTIDY_RE.search(name):
        return name
    s = unicodedata.normalize("NFKC", name).replace('\\"', '"')
    s = _BREAKS_RE.sub("", s)
    s = _CJK_SPACE_RE.sub("", s)
    s = _SPACES_RE.sub(" ", s).strip()
    if s.count('"') % 2:
        s = s.strip('"').strip()
    return s


def _name_fix_reason(raw: str, clean: str) -> str:
    if raw == clean:
        return ""
    if "\n" in raw or "\r" in raw:
        return "product name: line breaks removed"
    if '"' in raw and raw.count('"') != clean.count('"'):
        return "product name: stray quotes removed"
    return "product name: full-width characters or spaces normalised"


# --- reading ---------------------------------------------------------------------


def looks_like_chainkg(path: Path) -> bool:
    """True for a folder holding company.json and product_product.json or industry.json."""
    return (
        path.is_dir()
        and (path / "company.json").is_file()
        and ((path / "product_product.json").is_file() or (path / "industry.json").is_file())
    )


#: Longest value a field may hold, in characters (as a cell of the table reader);
#: a row with a longer one is rejected.
MAX_VALUE = 1_000_000
#: A line with more opening brackets than this is never given to Arrow's reader.
_MAX_FAST_DEPTH = 64


def _not_utf8(data: bytes, file: str) -> SourceError | None:
    """The error for a file that is not UTF-8, naming its line; None when it is UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return SourceError(
                f"{file}: not UTF-8 but UTF-16; ChainKnowledgeGraph files are UTF-8: "
                "save it as UTF-8"
            )
        line = data.count(b"\n", 0, exc.start) + 1
        return SourceError(
            f"{file}: not UTF-8 at line {line} (byte offset {exc.start}); ChainKnowledgeGraph "
            "files are UTF-8: save the file as UTF-8 or remove the bad bytes on that line"
        )
    return None


def _value_problem(value: Any) -> str:
    """Why a field's JSON value cannot be read as text or a number ('' when it can)."""
    if value is None or (isinstance(value, str) and len(value) <= MAX_VALUE):
        return ""
    if isinstance(value, str):
        return f"a value of {len(value):,} characters (limit {MAX_VALUE:,})"
    if isinstance(value, bool):
        return "true or false where text or a number belongs"
    if isinstance(value, int):
        return ""
    if isinstance(value, float):
        return "" if np.isfinite(value) else "a number out of range (NaN, Infinity or 1e400)"
    kind = "an object" if isinstance(value, dict) else "an array"
    return f"{kind} where text or a number belongs"


def _read_fast(data: bytes, file: str, fields: tuple[str, ...]) -> pd.DataFrame | None:
    """The file through Arrow's JSON reader, or None where the careful path is needed.

    Only for UTF-8 files with no blank line, whose every line parses to flat text or
    finite numbers no longer than :data:`MAX_VALUE`: then line ``n`` is row ``n``.
    Anything else (a bad line, nested values, a blank line, true/false) goes the
    careful way, which names each bad line.  A file with more brackets than lines
    (nested values, or brackets in names) never reaches Arrow's reader, which
    crashes the process on deeply nested input; nor does a line with more than
    64 brackets.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.json as pj

    body = data.removeprefix(b"\xef\xbb\xbf")
    if not body.strip():
        return None
    # Arrow skips blank lines or fails on them; either way the count tells.
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    if body.count(b"{") + body.count(b"[") > lines or _not_utf8(body, file) is not None:
        return None
    if any(
        len(line) > _MAX_FAST_DEPTH and line.count(b"{") + line.count(b"[") > _MAX_FAST_DEPTH
        for line in body.split(b"\n")
    ):
        return None  # deeply nested, perhaps: Arrow's reader would crash on it
    try:
        table = pj.read_json(pa.py_buffer(body))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != lines:
        return None
    for name in fields:
        if name not in table.column_names:
            continue
        col = table.column(name)
        t = col.type
        if pa.types.is_string(t) or pa.types.is_large_string(t):
            longest = pc.max(pc.utf8_length(col)).as_py()
            if longest is not None and longest > MAX_VALUE:
                return None
        elif pa.types.is_floating(t):
            if pc.all(pc.is_finite(col)).as_py() is False:
                return None
        elif not (pa.types.is_integer(t) or pa.types.is_null(t)):
            return None  # true/false, nested values: the careful path names the rows
    df = pd.DataFrame(
        {
            f: pd.Series(
                table.column(f).to_pylist() if f in table.column_names else None,
                index=range(table.num_rows),
                dtype=object,
            )
            for f in fields
        }
    )
    df["_file"] = np.full(len(df), file, dtype=object)
    df["_row"] = np.arange(1, table.num_rows + 1, dtype=np.int64)
    return df


def _read_jsonl(path: Path, file: str, fields: tuple[str, ...], ledger: Ledger) -> pd.DataFrame:
    """One JSON Lines file as a frame of its fields plus ``_file`` and ``_row`` (line).

    A line that is not one JSON object is rejected; so is one whose field holds a
    value that is neither text nor a finite number (``ups`` of industry_up.json
    excepted, which is an object) or text longer than :data:`MAX_VALUE`.
    """
    data = path.read_bytes()
    if file != "industry_up.json":  # its values are objects: the careful path
        fast = _read_fast(data, file, fields)
        if fast is not None:
            ledger.open(file, len(fast))
            return fast
    error = _not_utf8(data, file)
    if error is not None:
        raise error
    text = data.decode("utf-8-sig")
    # Split on line feeds only: JSON text may hold U+2028 and friends unescaped.
    lines = text.split("\n")
    if lines and not lines[-1].strip():
        lines.pop()
    ledger.open(file, len(lines))
    filled = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    blank = [n for n, line in enumerate(lines, start=1) if not line.strip()]
    records: list[dict[str, Any]] = []
    rows: list[int] = []
    bad: list[int] = []
    try:  # one call to the decoder for the whole file; line by line only on error
        objs = json.loads("[" + ",".join(line for _, line in filled) + "]")
        if len(objs) != len(filled):
            raise ValueError("a line holds more than one value")
        parsed = list(zip([n for n, _ in filled], objs, strict=True))
    except (ValueError, RecursionError):
        parsed = []
        for n, line in filled:
            try:
                parsed.append((n, json.loads(line)))
            except (ValueError, RecursionError):  # RecursionError: nested too deeply
                bad.append(n)
    checked = [f for f in fields if f != "ups"]
    wrong: dict[tuple[str, str], list[int]] = {}
    for n, obj in parsed:
        if not isinstance(obj, dict):
            bad.append(n)
            continue
        found = next(((f, p) for f in checked if (p := _value_problem(obj.get(f)))), None)
        if found is not None:
            wrong.setdefault(found, []).append(n)
            continue
        records.append(obj)
        rows.append(n)
    ledger.mark(file, blank, "skipped", "blank line")
    ledger.mark(file, bad, "rejected", "not a JSON object on one line")
    for (field, problem), where in wrong.items():
        ledger.mark(file, where, "rejected", problem, column=field)
    df = pd.DataFrame({f: pd.Series([r.get(f) for r in records], dtype=object) for f in fields})
    df["_file"] = np.full(len(df), file, dtype=object)
    df["_row"] = np.asarray(rows, dtype=np.int64)
    return df


def _text(series: pd.Series) -> pd.Series:
    """Cells as stripped text (object dtype, for fast hashing); missing values become ''."""
    values = [
        "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
        for v in series.to_numpy(dtype=object)
    ]
    return pd.Series(values, index=series.index, dtype=object)


def _map(series: pd.Series, mapping: dict[Any, Any] | Callable[[Any], Any]) -> pd.Series:
    """``series`` mapped through a dict (missing keys -> None) or a function, as objects.

    Plain Python lookups: on this data they are faster than pandas' ``map`` over
    Arrow-backed strings, and the result keeps the object dtype.
    """
    values = series.to_numpy(dtype=object)
    if callable(mapping):
        out = [mapping(v) for v in values]
    else:
        get = mapping.get
        out = [get(v) for v in values]
    return pd.Series(out, index=series.index, dtype=object)


def _isin(series: pd.Series, values: Collection[Any]) -> pd.Series:
    """Boolean mask of the cells of ``series`` found in ``values`` (a set or dict)."""
    lookup = values if isinstance(values, set | dict | frozenset) else set(values)
    return pd.Series(
        np.fromiter((v in lookup for v in series.to_numpy(dtype=object)), bool, len(series)),
        index=series.index,
    )


def _reject(ledger: Ledger, df: pd.DataFrame, mask: pd.Series, column: str, reason: str) -> None:
    rows = df.loc[mask.fillna(False).astype(bool)]
    if len(rows):
        ledger.mark(str(rows["_file"].iloc[0]), rows["_row"], "rejected", reason, column=column)


def _warn(ledger: Ledger, df: pd.DataFrame, mask: pd.Series, reason: str) -> None:
    """Count a warning for the rows of ``df`` in ``mask``, naming the first few."""
    hit = df.loc[mask.fillna(False).astype(bool)]
    if len(hit):
        where = [f"{f}, row {r}" for f, r in zip(hit["_file"][:3], hit["_row"][:3], strict=True)]
        ledger.warn(reason, len(hit), where=where)


def _mark(ledger: Ledger, df: pd.DataFrame, mask: pd.Series, outcome: str, reason: str) -> None:
    rows = df.loc[mask.fillna(False).astype(bool)]
    if len(rows):
        ledger.mark(str(rows["_file"].iloc[0]), rows["_row"], outcome, reason)


# --- companies ---------------------------------------------------------------------


def henan_places() -> pd.DataFrame:
    """The names that mark a company's full name as Henan's, with their Region ids.

    ``河南`` / ``河南省`` (the province), each city's name and short name, and the
    names of counties and county-level cities (not of city districts, whose short
    names are common words: 新华, 中原, ...) with their short names.

    Returns
    -------
    DataFrame
        ``prefix`` (text a full name may start with), ``region`` (Region id),
        ``place`` (the division's name), ``level``; longest prefixes first.
    """
    resolver = RegionResolver.henan()
    t = resolver.table
    rows = []
    for rid, name, level in zip(t["id"], t["name"], t["level"], strict=True):
        if level == "county" and name.endswith("区"):
            continue
        for prefix in (name, short_name(name)):
            if prefix:
                rows.append((prefix, rid, name, level))
    df = pd.DataFrame(rows, columns=["prefix", "region", "place", "level"]).drop_duplicates(
        "prefix"
    )
    return df.sort_values("prefix", key=lambda s: -s.str.len(), kind="stable").reset_index(
        drop=True
    )


def _exchange_of(code6: pd.Series) -> pd.Series:
    first = code6.str[0]
    return pd.Series(
        np.select(
            [_isin(first, {"6", "9"}), _isin(first, {"0", "2", "3"}), _isin(first, {"4", "8"})],
            ["SH", "SZ", "BJ"],
            "",
        ),
        index=code6.index,
    )


def _overlap(short: str, full: str) -> float:
    s = re.sub(r"^(\*?ST|退市|S\*?ST)", "", short)
    return sum(ch in full for ch in s) / len(s) if s else 0.0


def _companies(df: pd.DataFrame, ledger: Ledger, source: SourceTables) -> pd.DataFrame:
    """Enterprise rows (one per code) from company.json, quirks handled."""
    code = _text(df["code"]).str.upper()
    m = code.str.extract(_CODE_RE)
    bad = m[0].isna()
    _reject(ledger, df, bad, "code", "stock code is not 6 digits with an optional .SH/.SZ/.BJ")
    d = df.assign(
        code6=m[0],
        suffix=m[1].fillna(""),
        short=_text(df["name"]),
        raw_full=_text(df["fullname"]),
        location=_text(df["location"]),
        time=_text(df["time"]),
    )[~bad]
    d["full"] = d["raw_full"].str.replace(r"\s+", "", regex=True)
    ledger.fix(
        "company full name: spaces or line breaks removed", int((d["full"] != d["raw_full"]).sum())
    )

    # Exchange: the suffix, else location, else a misplaced exchange in time, else the code.
    loc_ex = _map(d["location"], _EXCHANGES)
    time_ex = _map(d["time"], _EXCHANGES)
    by_code = _exchange_of(d["code6"])
    plain = d["suffix"] == ""
    ex = d["suffix"].where(~plain, loc_ex.fillna(time_ex).fillna(by_code))
    ledger.fix("plain stock code: exchange suffix added", int(plain.sum()))
    date_loc = d["location"].str.match(r"^\d{4}-\d{2}-\d{2}$")
    ledger.fix("location holds a date: exchange taken from the code", int(date_loc.sum()))
    _warn(
        ledger,
        d,
        _isin(d["time"], _EXCHANGES),
        "listing date missing: time holds the exchange name",
    )
    clash = loc_ex.notna() & (loc_ex != ex)
    _warn(ledger, d, clash, "exchange in location disagrees with the code suffix (suffix kept)")
    d["exchange"] = ex

    # Duplicate codes: a full name sharing no character with the short name belongs to
    # another company; of the rest the first row is the current name, the others former.
    d["overlap"] = [_overlap(s, f) for s, f in zip(d["short"], d["full"], strict=True)]
    dup = d["code6"].duplicated(keep=False)
    foreign = dup & (d["overlap"] == 0)
    all_foreign = foreign & ~d.assign(ok=~foreign).groupby("code6")["ok"].transform("any")
    first_of_code = ~d["code6"].duplicated(keep="first")
    keep_short = all_foreign & first_of_code
    _reject(
        ledger,
        d,
        foreign & ~keep_short,
        "fullname",
        "duplicate stock code with a full name sharing no character with the short name "
        "(another company's name)",
    )
    _warn(
        ledger,
        d,
        keep_short,
        "full name unknown (every full name given belongs to another company): short name used",
    )
    d.loc[keep_short, "full"] = d.loc[keep_short, "short"]
    d = d[~(foreign & ~keep_short)]
    single = ~d["code6"].duplicated(keep=False) & (d["overlap"] == 0) & ~keep_short[d.index]
    _warn(
        ledger,
        d,
        single,
        "short name and full name share no character (probably renamed; full name kept)",
    )
    empty = d["full"] == ""
    _warn(ledger, d, empty, "full name empty: short name used")
    d.loc[empty, "full"] = d.loc[empty, "short"]
    _reject(ledger, d, d["full"] == "", "name", "no name at all")
    d = d[d["full"] != ""]

    later = d["code6"].duplicated(keep="first")
    same = later & d.duplicated(["code6", "full"], keep="first")
    _mark(ledger, d, same, "folded", "the same company listed twice")
    _mark(
        ledger,
        d,
        later & ~same,
        "folded",
        "duplicate stock code with another full name (kept as a former name)",
    )
    aliases = d[later & ~same].groupby("code6")["full"].agg(lambda s: "|".join(dict.fromkeys(s)))
    ent = d[~later].copy()
    ent["_aliases"] = _map(ent["code6"], aliases.to_dict())
    ent["id"] = ENT_PREFIX + ent["code6"]
    ent["stock_code"] = ent["code6"] + "." + ent["exchange"]
    source.notes["companies"] = len(ent)
    return ent


def _henan_located(ent: pd.DataFrame) -> pd.DataFrame:
    """Inferred LOCATED_IN edges of the companies whose full name marks them as Henan's."""
    places = henan_places()
    alternation = "|".join(re.escape(p) for p in places["prefix"])
    lead = ent["full"].str.extract(f"^({alternation})")[0]
    cities = places[places["level"] != "county"]
    bracket = ent["full"].str.extract(
        "[(（](" + "|".join(re.escape(p) for p in cities["prefix"]) + ")[)）]"
    )[0]
    hit = lead.fillna(bracket)
    found = ent[hit.notna()]
    matched = hit[hit.notna()]
    region = dict(zip(places["prefix"], places["region"], strict=True))
    place = dict(zip(places["prefix"], places["place"], strict=True))
    return pd.DataFrame(
        {
            "from_id": found["id"],
            "to_id": _map(matched, region),
            "source": "chainkg:company.json",
            "evidence": "inferred",
            "method": "company full name names the place: "
            + matched
            + " -> "
            + _map(matched, place),
            "confidence": 0.9,
            "_file": found["_file"],
            "_row": found["_row"],
        }
    )


# --- industries ----------------------------------------------------------------------


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


# --- products ------------------------------------------------------------------------


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


# --- inference -----------------------------------------------------------------------


def infer_supplies(
    produces: pd.DataFrame,
    upstream: pd.DataFrame,
    *,
    industry_of: pd.Series | None = None,
    industry_up: pd.DataFrame | None = None,
    fanout: int = FANOUT,
) -> pd.DataFrame:
    """Candidate supplier -> buyer links: A makes an input of a product B makes.

    For every product path ``A makes p``, ``p is an input of q`` (UPSTREAM_OF),
    ``B makes q`` with A ≠ B, the path's score is::

        0.5 · r(share of p in A) · r(share of q in B) / sqrt(makers of p) · i

    where ``r(s) = 0.5 + 0.5·min(max(s, 0), 1)`` (0.5 when the share is unknown), so
    a firm's main products count more; ``makers of p`` divides the chance among all
    firms that make the input; and ``i`` is 1.6 when ``industry_up`` lists the
    supplier's industry upstream of the buyer's, else 1.  For each buyer and input
    product at most ``fanout`` suppliers are kept (best scores first, then stock
    code), and for each supplier and output product at most ``fanout`` buyers.  The
    kept paths between two firms make one edge: ``confidence`` is
    ``1 - Π(1 - score)`` (at most 0.95), ``weight`` the number of paths, ``product``
    the input of the best path, and ``method`` the rule and up to three paths.

    Parameters
    ----------
    produces : DataFrame
        ``ent``, ``product`` (id), ``name`` (product name), ``share`` (float or NA).
    upstream : DataFrame
        ``input``, ``output``: product ids.
    industry_of : Series, optional
        Enterprise id -> industry code (the company's Shenwan level-3 industry).
    industry_up : DataFrame, optional
        ``buyer``, ``up``: industry codes, the second listed upstream of the first.
    fanout : int
        The bound described above.

    Returns
    -------
    DataFrame
        ``from_id`` (supplier), ``to_id`` (buyer), ``product``, ``confidence``,
        ``weight``, ``method``, ``paths`` (paths before the bound), sorted by ids.

    Examples
    --------
    >>> produces = pd.DataFrame({"ent": ["a", "b"], "product": ["p:coke", "p:steel"],
    ...                          "name": ["焦炭", "钢材"], "share": [1.0, None]})
    >>> upstream = pd.DataFrame({"input": ["p:coke"], "output": ["p:steel"]})
    >>> infer_supplies(produces, upstream)[["from_id", "to_id", "product", "confidence"]]
    ...                                       # doctest: +NORMALIZE_WHITESPACE
      from_id to_id product  confidence
    0       a     b      焦炭        0.25
    """
    cols = ["from_id", "to_id", "product", "confidence", "weight", "method", "paths"]
    prod = produces[["ent", "product", "name", "share"]].drop_duplicates(["ent", "product"])
    makers = prod.groupby("product")["ent"].size()
    r = 0.5 + 0.5 * prod["share"].astype("Float64").clip(0, 1).fillna(0.0).astype(float)
    r = r.where(prod["share"].notna(), 0.5)
    prod = prod.assign(r=r.to_numpy())
    a = prod.rename(
        columns={"ent": "supplier", "product": "input", "name": "input_name", "r": "ra"}
    )
    b = prod.rename(columns={"ent": "buyer", "product": "output", "name": "output_name", "r": "rb"})
    paths = (
        upstream[["input", "output"]]
        .merge(a[["supplier", "input", "input_name", "ra"]], on="input")
        .merge(b[["buyer", "output", "output_name", "rb"]], on="output")
    )
    paths = paths[paths["supplier"] != paths["buyer"]]
    if paths.empty:
        return pd.DataFrame(columns=cols)
    n_makers = _map(paths["input"], makers.to_dict()).astype(float)
    score = 0.5 * paths["ra"] * paths["rb"] / np.sqrt(n_makers)
    if industry_of is not None and industry_up is not None and len(industry_up):
        ind = industry_of.to_dict()
        pairs = zip(_map(paths["supplier"], ind), _map(paths["buyer"], ind), strict=True)
        listed = set(zip(industry_up["up"], industry_up["buyer"], strict=True))
        score = score * np.where([p in listed for p in pairs], 1.6, 1.0)
    paths = paths.assign(score=score.round(6))
    paths = paths.sort_values(
        ["score", "supplier", "buyer"], ascending=[False, True, True], kind="stable"
    )
    before = paths.groupby(["supplier", "buyer"]).size()
    paths = paths[paths.groupby(["buyer", "input"]).cumcount() < fanout]
    paths = paths[paths.groupby(["supplier", "output"]).cumcount() < fanout]
    keys = ["supplier", "buyer"]
    paths = paths.assign(
        step=paths["input_name"] + " -> " + paths["output_name"],
        log_miss=np.log1p(-paths["score"].to_numpy(dtype=float)),
        rank=paths.groupby(keys).cumcount(),
    )
    g = paths.groupby(keys, sort=True)
    out = g.agg(
        product=("input_name", "first"), log_miss=("log_miss", "sum"), weight=("score", "size")
    ).reset_index()
    shown = paths[paths["rank"] < 3].groupby(keys, sort=True)["step"].agg("; ".join)
    out["confidence"] = (1.0 - np.exp(out["log_miss"])).clip(upper=0.95).round(3)
    more = np.where(out["weight"] > 3, " (+" + (out["weight"] - 3).astype(str) + " more)", "")
    out["method"] = (
        "product path (A makes an input of a product B makes): " + shown.to_numpy() + more
    )
    counts = before.to_dict()
    out["paths"] = [
        int(counts[(s, t)])
        for s, t in zip(out["supplier"].tolist(), out["buyer"].tolist(), strict=True)
    ]
    out = out.rename(columns={"supplier": "from_id", "buyer": "to_id"})
    out["weight"] = out["weight"].astype(float)
    return out[cols].sort_values(["from_id", "to_id"]).reset_index(drop=True)


# --- the source ----------------------------------------------------------------------


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
    """
    path = Path(path)
    if scope not in SCOPES:
        raise SourceError(f"unknown scope {scope!r}; use one of {', '.join(SCOPES)}")
    if not path.is_dir():
        raise SourceError(f"{path}: a chainkg source is a folder of JSON Lines files")
    missing_required = [f for f in _REQUIRED_FILES if not (path / f).is_file()]
    if missing_required:
        raise SourceError(f"{path}: {', '.join(missing_required)} is missing")
    source = SourceTables(kind="chainkg", path=str(path), notes={"scope": scope, "fanout": fanout})
    ledger = source.ledger
    raw: dict[str, pd.DataFrame] = {}
    for file, fields in _FILES.items():
        if not (path / file).is_file():
            source.warnings.append(f"{file}: not found; what it holds is left out")
            raw[file] = pd.DataFrame(
                {
                    **{f: pd.Series(dtype=object) for f in fields},
                    "_file": file,
                    "_row": pd.Series(dtype=np.int64),
                }
            )
            continue
        raw[file] = _read_jsonl(path / file, file, fields, ledger)
        source.rows_read += len(ledger.outcome(file))

    ent = _companies(raw["company.json"], ledger, source)
    ent_ids = set(ent["id"])
    ind = _industries(raw["industry.json"], ledger)
    tree = _industry_tree(raw["industry_industry.json"], ind, ledger)
    in_industry = _company_industry(raw["company_industry.json"], ent_ids, ind, ledger)
    ups = _industry_up(raw["industry_up.json"], ind, ledger)
    products = _products(raw["product.json"], ledger)
    makes = _company_products(raw["company_product.json"], ent_ids, ledger)
    upstream, subclass = _product_links(raw["product_product.json"], ledger)

    # Products named only by the relation files become nodes too, with a warning.
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
    located = _henan_located(ent)
    elsewhere = _isin(located["from_id"], {ENT_PREFIX + str(c)[:6] for c in outside_codes})
    if elsewhere.any():
        ledger.warn(
            "full name names a Henan place but the listing table places the company in "
            "another province: no Henan place inferred",
            int(elsewhere.sum()),
            where=[
                f"{f}, row {r}"
                for f, r in zip(
                    located.loc[elsewhere, "_file"], located.loc[elsewhere, "_row"], strict=True
                )
            ],
        )
        located = located[~elsewhere]
    source.notes["henan_companies"] = len(located)
    source.notes["supplies_candidates"] = int(supplies["paths"].sum()) if len(supplies) else 0

    nodes = {
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
    edges = {
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
