"""Companies: one Enterprise per stock code, and the Henan place a full name names."""

from __future__ import annotations

import re
from collections.abc import Collection

import numpy as np
import pandas as pd

from innokg.loaders.base import Ledger, SourceTables
from innokg.loaders.chainkg.frames import _isin, _map, _mark, _reject, _text, _warn
from innokg.loaders.chainkg.rules import _CODE_RE, _EXCHANGES, ENT_PREFIX
from innokg.loaders.regions import RegionResolver, short_name

__all__ = ["henan_places"]


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

    Examples
    --------
    >>> places = henan_places().set_index("prefix")
    >>> for row in places.loc[["河南", "郑州", "巩义"]].itertuples():
    ...     print(*row)
    河南 region:41 河南省 province
    郑州 region:4101 郑州市 city
    巩义 region:410181 巩义市 county
    >>> "金水" in places.index
    False
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


def _located_in_henan(
    ent: pd.DataFrame, outside_codes: Collection[str], ledger: Ledger
) -> pd.DataFrame:
    """The inferred Henan places, but for the companies another source places elsewhere."""
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
    return located
