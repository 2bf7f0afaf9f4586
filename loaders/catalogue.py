"""The sources that users fetch themselves: where each file is served, pinned.

Each :class:`Source` lists its files with the URL of the upstream at a pinned commit,
the SHA-256 and the size of the exact bytes served; :mod:`innokg.loaders.fetch`
downloads them and keeps a file only when both match.  Nothing here uses the network.

Examples
--------
>>> listed = SOURCES["listed"]
>>> listed.folder, [f.path for f in listed.files], listed.size
('listed', ['stock_basic.csv'], 321624)
>>> SOURCES["lq"].files[0].url
'https://raw.githubusercontent.com/YubinZhu/SDProject/6953989/misc/%E7%BB%86%E5%88%86%E8%A1%8C%E4%B8%9A%E9%9B%86%E8%81%9A%E5%BA%A6.xlsx'
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

__all__ = ["SOURCES", "Source", "SourceFile"]


@dataclass(frozen=True)
class SourceFile:
    """One file of a source, as published upstream.

    Parameters
    ----------
    path
        Path relative to the source's sub-folder (``company.json``).
    url
        Where the upstream serves it, at a pinned commit.
    sha256
        Hex SHA-256 of the exact bytes served.
    size
        Size in bytes.
    """

    path: str
    url: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Source:
    """A source that users fetch themselves.

    Parameters
    ----------
    name
        Name on the command line (``chainkg``).
    description
        What it is, in one line.
    licence
        Its licence or terms, and what that allows.
    folder
        Sub-folder of a data folder that holds its files (``chainkg``).
    needed_for
        What cannot be answered without it, in a few words.
    files
        Its files.
    """

    name: str
    description: str
    licence: str
    folder: str
    needed_for: str
    files: tuple[SourceFile, ...]

    @property
    def size(self) -> int:
        """Total size of the files, in bytes."""
        return sum(f.size for f in self.files)


def _raw(owner_repo: str, commit: str, path: str) -> str:
    """A GitHub raw URL; the in-repository path is percent-encoded (it may be Chinese)."""
    return (
        f"https://raw.githubusercontent.com/{owner_repo}/{commit}/"
        f"{urllib.parse.quote(path, safe='/')}"
    )


# Pins as documented in the shared data README (../shared/data/README.md).
# ChainKnowledgeGraph: the in-repository paths (data/<file>) and the short commits
# (4ea9154, 9587d88) are as documented there and MUST be checked against upstream (and
# the commits replaced by their full 40-digit SHAs) when the network allows: they were
# written down on a machine without internet access.  The checksums and sizes are those
# of the local copies, which are byte-identical to what the upstreams serve.
_CKG = "liuhuanyong/ChainKnowledgeGraph"
_CKG_COMMIT = "4ea9154"
_CKG_SQL = "SOVLOOKUP/ChainKnowledgeGraph-sql"
_CKG_SQL_COMMIT = "9587d88"
_SD = "YubinZhu/SDProject"
_SD_COMMIT = "6953989"
_STOCK = "henrylin99/stock_web_app"
_STOCK_COMMIT = "c5fa6c2"

SOURCES: dict[str, Source] = {
    "chainkg": Source(
        name="chainkg",
        description=(
            "ChainKnowledgeGraph: industry chains of China's A-share listed companies "
            f"({_CKG}@{_CKG_COMMIT}; company_product and product_product from "
            f"{_CKG_SQL}@{_CKG_SQL_COMMIT})"
        ),
        licence="no licence stated upstream: fetched by each user, for tests and evaluation",
        folder="chainkg",
        needed_for="supply chains, listed firms' products and industries",
        files=(
            SourceFile(
                "company.json",
                _raw(_CKG, _CKG_COMMIT, "data/company.json"),
                "cabcfda03b072d7cca9bd5ce07223ad24b8c194b599546567049f467c8fecd22",
                737_031,
            ),
            SourceFile(
                "industry.json",
                _raw(_CKG, _CKG_COMMIT, "data/industry.json"),
                "60edbcf319099ce01d38a5ccc0340654e5c44ea23a47ff369f0fcfda57f626b5",
                22_228,
            ),
            SourceFile(
                "product.json",
                _raw(_CKG, _CKG_COMMIT, "data/product.json"),
                "4d6268a8ebefea97fa22533a6fb60a239ac60357caf1caec9cb20cc7dbcd8c54",
                2_659_420,
            ),
            SourceFile(
                "company_industry.json",
                _raw(_CKG, _CKG_COMMIT, "data/company_industry.json"),
                "59ed3b1c7ad347f4dd40677a38b258722d9154e1944b72e631babe55ac9a4bd4",
                648_454,
            ),
            SourceFile(
                "industry_industry.json",
                _raw(_CKG, _CKG_COMMIT, "data/industry_industry.json"),
                "847eadad1338f8de4662c47180e27917a6857c00b680f98e4308c99079a09022",
                63_291,
            ),
            SourceFile(
                "industry_up.json",
                _raw(_CKG, _CKG_COMMIT, "data/industry_up.json"),
                "16561f9ce56558349ab1df5295acf5f99496b2e1ffe4a4efa93cf5663c29a93d",
                112_558,
            ),
            SourceFile(
                "company_product.json",
                _raw(_CKG_SQL, _CKG_SQL_COMMIT, "data/company_product.json"),
                "f8c5f7af2c25bf947bb30328c4c0ce0760496029daae629b584aa7b8217366c6",
                7_666_008,
            ),
            SourceFile(
                "product_product.json",
                _raw(_CKG_SQL, _CKG_SQL_COMMIT, "data/product_product.json"),
                "21afbfc02cf258b14bcb5d2554f4e49e7086288d2414e820dad2b920ff80efd2",
                9_071_355,
            ),
        ),
    ),
    "listed": Source(
        name="listed",
        description=(
            "A-share listed companies with their province: a Tushare stock_basic export "
            f"({_STOCK}@{_STOCK_COMMIT}, data/stock_basic.csv)"
        ),
        licence=(
            "MIT repository, but Tushare's redistribution terms are unknown: fetched by "
            "each user, for tests and evaluation"
        ),
        folder="listed",
        needed_for="provinces of listed firms",
        files=(
            SourceFile(
                "stock_basic.csv",
                _raw(_STOCK, _STOCK_COMMIT, "data/stock_basic.csv"),
                "429b0fc80379f4669690e8c11e3fb32894d29e900c297527dc13e25b21a14548",
                321_624,
            ),
        ),
    ),
    "lq": Source(
        name="lq",
        description=(
            "industry location quotients of ~338 cities, 2017 "
            f"({_SD}@{_SD_COMMIT}, misc/细分行业集聚度.xlsx)"
        ),
        licence="no licence stated upstream: fetched by each user, for tests and evaluation",
        folder="clusters",
        needed_for="industry specialisation of cities",
        files=(
            SourceFile(
                "industry_location_quotients_2017.xlsx",
                _raw(_SD, _SD_COMMIT, "misc/细分行业集聚度.xlsx"),
                "e0095a5894c4e39475912d1c1159bd3ddb44d1f96366a471537b2b74dfd95e56",
                2_659_802,
            ),
        ),
    ),
}
"""The sources that users fetch themselves, by name."""
