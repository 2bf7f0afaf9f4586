"""The formats of single values: unified social credit codes, dates, amounts with
units, JSON objects, and the hints a wrong one gets.

>>> uscc_check_char("91350100M000100Y4")
'3'
"""

from __future__ import annotations

import json
import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = ["is_valid_uscc", "parse_amount", "uscc_check_char"]

_EXCEL_NUMBER_RE = re.compile(r"^[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)$|^\d{6,}\.0*$")

_DATE_RE = re.compile(
    r"^(?P<year>\d{4})(?:[-/.年](?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})日?"
    r"|(?P<month8>\d{2})(?P<day8>\d{2}))(?:[ T]0?0:00(?::00)?)?$"
)
_AMOUNT_RE = re.compile(
    r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万|亿)?\s*(元|人民币|美元|港元|港币|欧元|日元|英镑)?"
    r"(?:人民币)?$"
)
#: an amount written with more than digits, separators and signs (a unit, a word)
_UNITS_RE = re.compile(r"[^0-9.,\s+-]")
_CURRENCY = {
    "元": "CNY",
    "人民币": "CNY",
    "美元": "USD",
    "港元": "HKD",
    "港币": "HKD",
    "欧元": "EUR",
    "日元": "JPY",
    "英镑": "GBP",
}


def parse_amount(text: str) -> tuple[float, str | None] | None:
    """An amount such as ``500万元`` or ``1.2亿美元`` in units of 10,000, with its currency.

    A bare number is taken to be in 10,000 already (the column's unit); ``元`` alone
    is one yuan.  None when the text is not an amount.

    Parameters
    ----------
    text : str
        A cell as written: digits with optional thousands separators, then
        optionally ``万`` or ``亿`` and a currency (``元``, ``人民币``, ``美元``,
        ``港元``, ``欧元``, ``日元``, ``英镑``).  Full-width characters and spaces
        are accepted.

    Returns
    -------
    tuple of (float, str or None) or None
        The amount in units of 10,000 (rounded to 6 decimals) and its ISO 4217
        currency code, None when the text names no currency; None when the text
        is not an amount.

    Examples
    --------
    >>> parse_amount("1.2亿元"), parse_amount("100万美元"), parse_amount("5,000,000元")
    ((12000.0, 'CNY'), (100.0, 'USD'), (500.0, 'CNY'))
    >>> parse_amount("500"), parse_amount("３亿"), parse_amount("1,000 万 人民币")
    ((500.0, None), (30000.0, None), (1000.0, 'CNY'))
    >>> print(parse_amount("约500万"))
    None
    """
    m = _AMOUNT_RE.match(unicodedata.normalize("NFKC", text).strip().replace(" ", ""))
    if not m:
        return None
    value = float(m.group(1).replace(",", ""))
    scale, unit = m.group(2), m.group(3)
    if scale == "亿":
        value *= 10_000
    elif scale is None and unit is not None:
        value /= 10_000
    return round(value, 6), _CURRENCY.get(unit or "")


# GB 32100-2015: 31 characters (no I, O, S, V, Z) and the weights of positions 1-17.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_NBS_RE = re.compile(r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$")


def uscc_check_char(first17: str) -> str:
    """The check character of a unified social credit code (GB 32100-2015).

    Parameters
    ----------
    first17 : str
        The code's first 17 characters, each one of ``0-9`` and ``A-Y`` without
        ``I``, ``O``, ``S``, ``V`` and ``Z`` (upper case).

    Returns
    -------
    str
        The 18th character a valid code has.

    Raises
    ------
    ValueError
        When ``first17`` is not 17 characters or holds one outside that set.

    Examples
    --------
    >>> uscc_check_char("91350100M000100Y4")
    '3'
    >>> first17 = "91410100MA3X4K2B1"
    >>> first17 + uscc_check_char(first17)
    '91410100MA3X4K2B1A'
    >>> uscc_check_char("91410100MA3X4K2BI")
    Traceback (most recent call last):
    ...
    ValueError: '91410100MA3X4K2BI' is not the start of a credit code: it holds 'I'
    """
    bad = [c for c in first17 if c not in _USCC_CHARS]
    if len(first17) != 17 or bad:
        why = f"holds {''.join(bad)!r}" if bad else f"has {len(first17)} characters"
        raise ValueError(f"{first17!r} is not the start of a credit code: it {why}")
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` is 18 valid characters with a correct check character.

    Parameters
    ----------
    code : str
        A unified social credit code as given (no spaces, upper case: it is not
        normalised here).

    Returns
    -------
    bool
        False for a wrong length, a character outside ``0-9`` and ``A-Y`` without
        ``I``, ``O``, ``S``, ``V`` and ``Z``, or a wrong check character.

    Examples
    --------
    >>> is_valid_uscc("91350100M000100Y43")
    True
    >>> is_valid_uscc("91350100M000100Y44"), is_valid_uscc("91350100m000100y43")
    (False, False)
    """
    return bool(_USCC_RE.match(code)) and uscc_check_char(code[:17]) == code[17]


# position of each ASCII byte in _USCC_CHARS (-1: not allowed)
_USCC_VALUE = np.full(256, -1, dtype=np.int64)
_USCC_VALUE[np.frombuffer(_USCC_CHARS.encode(), dtype=np.uint8)] = np.arange(len(_USCC_CHARS))


def _valid_usccs(codes: pd.Series) -> np.ndarray:
    """:func:`is_valid_uscc` of every code at once (a loop took seconds at 100k rows).

    >>> _valid_usccs(pd.Series(["91350100M000100Y43", "91350100M000100Y44", "x"])).tolist()
    [True, False, False]
    """
    text = codes.astype(str).to_numpy(dtype=object)
    ok = np.array([len(t) == 18 and t.isascii() for t in text], dtype=bool)
    out = np.zeros(len(text), dtype=bool)
    if not ok.any():
        return out
    raw = np.frombuffer("".join(text[ok]).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    values = _USCC_VALUE[raw]
    total = values[:, :17] @ np.array(_USCC_WEIGHTS, dtype=np.int64)
    check = (31 - total % 31) % 31
    out[ok] = (values >= 0).all(axis=1) & (values[:, 17] == check)
    return out


def _iso_dates(texts: np.ndarray) -> dict[str, str | None]:
    """Each distinct date text as YYYY-MM-DD, or None when it is not a date.

    >>> _iso_dates(np.array(["1998/3/2", "19980302", "1998年3月2日", "2019-13-45"], dtype=object))
    {'1998/3/2': '1998-03-02', '19980302': '1998-03-02', '1998年3月2日': '1998-03-02', \
'2019-13-45': None}
    """
    strings = [str(t) for t in texts.tolist()]
    iso = dict(zip(strings, _iso_written(strings), strict=True))
    candidates = [t for t, v in iso.items() if v is not None]
    # pandas decides what a real day is (no 2019-02-30), as before
    real = (
        pd.to_datetime(
            pd.Series([iso[t] for t in candidates], dtype=object),
            format="%Y-%m-%d",
            errors="coerce",
        )
        .notna()
        .tolist()
    )
    for t, ok in zip(candidates, real, strict=True):
        if not ok:
            iso[t] = None
    return iso


def _iso_written(strings: list[str]) -> list[str | None]:
    """Each text :data:`_DATE_RE` matches rewritten as YYYY-MM-DD (None: no match).

    The expression runs in Arrow over all texts at once (one Python match per text took
    a second at 100,000 dates); a text it rejects is tried again with Python's engine,
    whose ``\\d`` also takes the digits of other scripts.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.extract_regex(pa.array(strings, type=pa.large_string()), _DATE_RE.pattern)

    def part(long: str, short: str) -> pa.Array:
        both = pc.if_else(pc.equal(found.field(long), ""), found.field(short), found.field(long))
        return pc.utf8_lpad(both, width=2, padding="0")

    iso = pc.binary_join_element_wise(
        found.field("year"),
        part("month", "month8"),
        part("day", "day8"),
        pa.scalar("-", pa.large_string()),
    )
    out: list[str | None] = iso.to_pylist()
    for k in np.flatnonzero(found.is_null().to_numpy(zero_copy_only=False)).tolist():
        m = _DATE_RE.match(strings[k])
        if m is not None:
            month, day = m.group("month") or m.group("month8"), m.group("day") or m.group("day8")
            out[k] = f"{m.group('year')}-{month.zfill(2)}-{day.zfill(2)}"
    return out


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _uscc_hint(code: str) -> str:
    if _EXCEL_NUMBER_RE.match(code):
        return (
            "(it looks like a number Excel reformatted: store the column as text, "
            "e.g. format it as Text before pasting, and export again)"
        )
    if not _USCC_RE.match(code):
        return "(18 characters from 0-9 and A-Y without I, O, S, V, Z); check for a typo"
    expected = uscc_check_char(code[:17])
    return f"(check character is {code[17]!r}, expected {expected!r}); check for a typo"
