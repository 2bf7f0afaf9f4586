"""Time :meth:`innokg.loaders.address.AddressResolver.resolve_many` on 50,000 addresses.

    python -m benchmarks.address [--n 50000] [--seed 2016] [--repeat 3]

The addresses are the Henan rows of the NDRC's technology-centre list
(``../shared/data/techcentres``; a few of them written in below when that folder is
absent), varied as real registers vary them: other street numbers, full-width digits,
with or without 河南省, spaces.  A fifth are strings naming no Henan place (streets
alone, other provinces, random characters, blanks), built from the seed.  The resolver
is built before timing; each timed run resolves the whole column from nothing.  The
table printed gives the median of the runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import pandas as pd

from innokg.loaders.address import AddressResolver

TECHCENTRES = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "techcentres"
    / "national_enterprise_technology_centres_2019.xlsx"
)
# Used when the public data set is absent: a few of its Henan addresses.
FALLBACK = [
    "河南省郑州市经济技术开发区第六大街99号",
    "郑州经济技术开发区航海东路1689号",
    "濮阳市化工产业集聚区",
    "河南自贸试验区郑州片区（经开）第十大街109号",
    "洛阳市涧西区建设路50号",
    "河南省洛阳市西工区唐宫中路９号",
    "郑州高新技术产业开发区银屏路16号",
    "鹿邑县产业集聚区、同源路1号",
    "新乡市高新区丰华路16街坊",
    "长垣县卫华大道西段",
    "河南省长葛市人民路２００号",
    "郑州航空港区空港五路",
]
STREETS = ["建设", "人民", "解放", "中山", "文化", "工业", "胜利", "光明", "和平", "兴业", "黄河"]
OTHER_PLACES = [
    "北京市海淀区",
    "上海市浦东新区",
    "广东省深圳市南山区",
    "江苏省苏州市工业园区",
    "湖北省武汉市东湖高新区",
    "山东省济南市历下区",
]
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def henan_addresses() -> list[str]:
    """The Henan technology-centre addresses, or the fallback sample."""
    if TECHCENTRES.is_file():
        d = pd.read_excel(TECHCENTRES)
        return d.loc[d["省份"] == "河南", "地址"].dropna().astype(str).tolist()
    return FALLBACK


def _vary(address: str, rng: random.Random) -> str:
    """Another street number, and sometimes another way of writing the same place."""
    number = str(rng.randint(1, 2999))
    if any(c.isdigit() for c in address):
        out = []
        replaced = False
        for ch in address:
            if ch.isdigit() or ch in "０１２３４５６７８９":
                if not replaced:
                    out.append(number)
                    replaced = True
                continue
            replaced = False if not out or not out[-1].isdigit() else replaced
            out.append(ch)
        address = "".join(out)
    else:
        address = f"{address}{number}号"
    roll = rng.random()
    if roll < 0.15:
        address = address.translate(WIDE)
    elif roll < 0.3:
        prefixed = address.startswith("河南省")
        address = address.removeprefix("河南省") if prefixed else "河南省" + address
    elif roll < 0.35:
        address = " ".join([address[:3], address[3:]])
    return address


def _unresolvable(rng: random.Random) -> str:
    roll = rng.random()
    number = rng.randint(1, 2999)
    if roll < 0.4:
        return f"{rng.choice(STREETS)}{rng.choice('东西南北中')}路{number}号"
    if roll < 0.7:
        return f"{rng.choice(OTHER_PLACES)}{rng.choice(STREETS)}路{number}号"
    if roll < 0.95:
        return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(6, 24)))
    return rng.choice(["", " ", "-", "无"])


def build(n: int, seed: int) -> pd.Series:
    """``n`` addresses, a fifth of them naming no Henan place, in a seeded order."""
    rng = random.Random(seed)
    base = henan_addresses()
    n_bad = n // 5
    rows = [_vary(rng.choice(base), rng) for _ in range(n - n_bad)]
    rows += [_unresolvable(rng) for _ in range(n_bad)]
    rng.shuffle(rows)
    return pd.Series(rows, name="address")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    addresses = build(args.n, args.seed)
    resolver = AddressResolver.henan()
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        out = resolver.resolve_many(addresses)
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    resolved = float(out["id"].notna().mean())
    distinct = addresses.nunique()
    source = "techcentres" if TECHCENTRES.is_file() else "built-in sample"
    print(f"resolve_many, median of {args.repeat} ({source}; {distinct:,} distinct addresses)\n")
    print("| addresses | seconds | µs per address | resolved |")
    print("|---:|---:|---:|---:|")
    print(f"| {args.n:,} | {seconds:.3f} | {seconds / args.n * 1e6:.1f} | {resolved:.1%} |")


if __name__ == "__main__":
    main()
