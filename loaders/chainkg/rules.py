"""The loader's rules for the chain data's codes and names: ids, exchanges, product
names as the graph keeps them, and the revenue lines that are not products."""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = [
    "ENT_PREFIX",
    "GENERIC_LINES",
    "INDUSTRY_PREFIX",
    "PRODUCT_PREFIX",
    "SCHEME",
    "clean_product_name",
    "product_id",
    "stock_id",
]

SCHEME = "Shenwan 2021"

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
#: Business-scope fragments cut out of a sentence, not products: "以自有资金（进行投资）",
#: "（产品）及其配套", "对建筑业（投资）".  其他 / 其它 ("other …") are kept: they are
#: categories the companies report.
_FRAGMENT_RE = r"^(?:以|其(?![他它])|对(?!外))"
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

    Parameters
    ----------
    code : str
        The six digits, without the exchange.

    Returns
    -------
    str
        ``ent:stock:<code>``.

    Examples
    --------
    >>> stock_id("600066")
    'ent:stock:600066'
    """
    return ENT_PREFIX + code


def product_id(name: str) -> str:
    """The Product id of a (cleaned) product name: readable, unique and stable.

    Names longer than 40 characters are cut to 32 and given 8 hex digits of their
    SHA-1, so two long names that share a beginning keep different ids.

    Parameters
    ----------
    name : str
        A product name as :func:`clean_product_name` leaves it.

    Returns
    -------
    str
        ``product:<name>``, or ``product:<first 32 characters>~<8 hex digits>``.

    Examples
    --------
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

    Parameters
    ----------
    name : str
        A product name as the chain data gives it.

    Returns
    -------
    str
        The cleaned name (``name`` itself when there is nothing to clean).

    Examples
    --------
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
