"""The schema's columns as people write them in their own tables.

A header is compared after :func:`header_key` (NFKC, so full-width ``ｉｄ`` is ``id``;
case; spaces), and matches a column by its name, by the Chinese or English title the
schema gives the property (``名称``, ``unified social credit code``), or by an alias in
:data:`HEADER_ALIASES` (listed in docs/tables.md).  It is schema knowledge, so it lives
beside the schema: loaders rename headers with it, validation suggests the column a
misspelt header most likely means.

Examples
--------
>>> header_key("  ＩＤ "), suggest_column("nmae", "Product")
('id', 'name')
"""

from __future__ import annotations

import re
import unicodedata
from difflib import get_close_matches

import pandas as pd

from innokg.graph.errors import SourceError
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS, edge_columns, node_columns

__all__ = ["HEADER_ALIASES", "canonical_header", "header_key", "suggest_column"]

#: Headers accepted for a column besides its name and its Chinese and English titles
#: in the schema (compared after :func:`header_key`: NFKC, case, spaces).  A header is
#: renamed only in a table that has the column it names.  Listed in docs/tables.md.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("编号", "标识符", "代码id", "node_id", "identifier", ":id"),
    "name": (
        "企业名称",
        "单位名称",
        "机构名称",
        "公司名称",
        "名字",
        "全称",
        "name_zh",
        "chinese_name",
    ),
    "name_en": ("英文名", "english_name", "name(english)"),
    "source": ("数据来源", "出处", "source_name"),
    "credit_code": (
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "uscc",
        "unified_social_credit_code",
        "creditcode",
    ),
    "stock_code": ("证券代码", "股票代码", "ticker"),
    "registered_capital": ("注册资本", "注册资金", "注册资本(万元)", "capital"),
    "capital_currency": ("币种", "注册资本币种", "currency"),
    "enterprise_type": ("企业类型", "公司类型", "企业(机构)类型", "type", "company_type"),
    "business_scope": ("经营范围", "scope"),
    "status": ("登记状态", "经营状态", "企业状态"),
    "registration_authority": ("登记机关", "登记机构", "authority"),
    "registration_date": ("成立日期", "注册日期", "登记日期", "成立时间", "date_established"),
    "approval_date": ("核准日期", "approved_on"),
    "since": ("成立年份", "founded", "year_founded"),
    "from_id": ("from", "起点", "源节点", ":start_id", "start_id", "source_id"),
    "to_id": ("to", "终点", "目标节点", ":end_id", "end_id", "target_id"),
}


def header_key(header: object) -> str:
    """A header as it is compared: NFKC (full-width to half-width), case folded, spaces
    and hyphens inside turned to ``_``, surrounding spaces and quotes dropped.

    Parameters
    ----------
    header : object
        A header as read from a file; anything that is not text (a number a
        spreadsheet made of a header) is compared as its ``str``.

    Returns
    -------
    str
        The key the header is looked up by.

    Examples
    --------
    >>> header_key("  ＩＤ "), header_key("Credit Code"), header_key("名称")
    ('id', 'credit_code', '名称')
    >>> header_key('"From-ID"'), header_key(2016)
    ('from_id', '2016')
    """
    text = unicodedata.normalize("NFKC", str(header)).strip().strip("\"'").strip()
    return re.sub(r"[\s\-]+", "_", text.casefold())


def _aliases(columns: list[str], props: tuple[object, ...]) -> dict[str, str]:
    """header key -> column, for one table's columns."""
    out: dict[str, str] = {}
    for prop in props:
        name = str(getattr(prop, "name", ""))
        for title in (getattr(prop, "zh", ""), getattr(prop, "en", "")):
            if title:
                out.setdefault(header_key(title), name)
    for column, names in HEADER_ALIASES.items():
        if column in columns:
            for alias in names:
                out.setdefault(header_key(alias), column)
    for column in columns:  # a column's own name wins over any title
        out[header_key(column)] = column
    return out


def _table_columns(name: str) -> tuple[list[str], tuple[object, ...]] | None:
    if name in NODE_LABELS:
        return node_columns(name), NODE_LABELS[name].props
    if name in EDGE_TYPES:
        return edge_columns(name), EDGE_TYPES[name].props
    return None


def canonical_header(
    df: pd.DataFrame, name: str, display: str
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Rename the headers of the table of label or type ``name`` to the schema's columns.

    Headers are compared by :func:`header_key`; the Chinese and English titles of a
    property (``名称``, ``unified social credit code``) and :data:`HEADER_ALIASES`
    are accepted.  Returns the table and the ``(header, column)`` pairs renamed;
    headers that match nothing are left for validation to report (with a guess).

    Parameters
    ----------
    df : DataFrame
        The table as read, headers as written.  Headers starting with ``_`` (a
        reader's provenance columns, ``_file`` and ``_row``) are left alone.
    name : str
        The node label or edge type of the table (``"Enterprise"``, ``"SUPPLIES"``).
        A name the schema does not know renames nothing (validation reports it).
    display : str
        How the table is named in messages (its file, usually).

    Returns
    -------
    tuple of (DataFrame, list of (str, str))
        The table with its headers renamed (``df`` itself when nothing was), and each
        ``(header, column)`` pair renamed, in the table's column order.

    Raises
    ------
    SourceError
        When two headers of the file name the same column.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame(columns=["ID", "企业名称", "统一社会信用代码", "经营期限"])
    >>> table, renamed = canonical_header(raw, "Enterprise", "firms.csv")
    >>> table.columns.tolist()
    ['id', 'name', 'credit_code', '经营期限']
    >>> renamed
    [('ID', 'id'), ('企业名称', 'name'), ('统一社会信用代码', 'credit_code')]
    >>> canonical_header(pd.DataFrame(columns=["name", "名称"]), "Enterprise", "firms.csv")
    Traceback (most recent call last):
    ...
    innokg.graph.errors.SourceError: firms.csv: columns 'name' and '名称' both mean 'name'; keep one
    """
    known = _table_columns(name)
    if known is None:
        return df, []
    columns, props = known
    lookup = _aliases(columns, props)
    renames: dict[str, str] = {}
    taken: dict[str, str] = {}
    for header in df.columns:
        header = str(header)
        if header.startswith("_"):
            continue
        target = lookup.get(header_key(header), header)
        if target in taken:
            raise SourceError(
                f"{display}: columns {taken[target]!r} and {header!r} both mean {target!r}; "
                "keep one"
            )
        taken[target] = header
        if target != header:
            renames[header] = target
    if not renames:
        return df, []
    return df.rename(columns=renames), list(renames.items())


def suggest_column(header: str, name: str) -> str | None:
    """The column of table ``name`` a misspelt ``header`` most likely means, if any.

    Parameters
    ----------
    header : str
        A header that matched no column.
    name : str
        The node label or edge type of the table.

    Returns
    -------
    str or None
        The closest column (by its name, its Chinese or English title or an alias in
        :data:`HEADER_ALIASES`), or None when nothing is close or ``name`` is not in
        the schema.

    Examples
    --------
    >>> suggest_column("nmae", "Product")
    'name'
    >>> suggest_column("credt code", "Enterprise")
    'credit_code'
    >>> print(suggest_column("经营期限", "Enterprise"))
    None
    """
    known = _table_columns(name)
    if known is None:
        return None
    columns, props = known
    lookup = _aliases(columns, props)
    key = header_key(header)
    close = get_close_matches(key, list(lookup), n=1, cutoff=0.6)
    return lookup[close[0]] if close else None
