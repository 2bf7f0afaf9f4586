"""A registration-style table with every per-row defect of issue 15, made from a seed.

:func:`write_registration` writes a table source shaped like a government registration
extract of Henan enterprises (Chinese headers, ``ID``, registered capital with units,
dates written several ways, two columns no property matches) as ``nodes/Enterprise.csv``
and ``edges/LOCATED_IN.csv`` (each firm's city, by name), and says which rows a lenient
build must reject.  Every firm is invented: names are made of generic words, credit
codes are random with a correct check character.

A bad row has one defect.  Those that cost the row (``REJECTING``): too many or too
few cells, a credit code reformatted by Excel (a float, or scientific notation), a
wrong check character, a credit code repeated from an earlier kept row, an amount
that is not one, a date that is not one, a blank name.  Those that keep it
(``KEPT``): a name holding U+FFFD (a warning), a city that matches no Region (the
firm is kept, its LOCATED_IN row rejected), a full-width credit code and date
(normalised).  Bad rows take the defects in turn, so each appears once there are as
many bad rows as kinds.

Used by ``tests/test_messy_tables.py`` and by the benchmark step "validate + build
100k registration rows (1% bad)" in ``benchmarks/steps.py``.

>>> import tempfile
>>> reg = write_registration(Path(tempfile.mkdtemp()), 40, bad=0.5, seed=1)
>>> reg.rows, sorted(reg.defects) == sorted(DEFECTS)
(40, True)
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from innokg.graph.validate import uscc_check_char

__all__ = ["DEFECTS", "KEPT", "REJECTING", "Registration", "write_registration"]

#: Defects that cost the row.
REJECTING = (
    "overlong row",
    "short row",
    "credit code as a float",
    "credit code in scientific notation",
    "wrong check character",
    "duplicate credit code",
    "amount that is not one",
    "bad date",
    "blank name",
)
#: Defects a lenient build keeps the firm through (a warning, a dropped edge, a fix).
KEPT = (
    "U+FFFD in the name",
    "city matches no Region",
    "full-width credit code and date",
)
DEFECTS = REJECTING + KEPT

HEADER = [
    "ID",
    "名称",
    "统一社会信用代码",
    "成立日期",
    "企业类型",
    "注册资本",
    "经营范围",
    "登记状态",
    "登记机关",
    "来源",
    "经营期限",  # matches no property: kept in attributes
    "所属行业",  # matches no property: kept in attributes
]
NODES_FILE = "nodes/Enterprise.csv"
EDGES_FILE = "edges/LOCATED_IN.csv"
SOURCE = "登记信息（示例）"

_CITIES = [
    "郑州市",
    "开封市",
    "洛阳市",
    "平顶山市",
    "安阳市",
    "鹤壁市",
    "新乡市",
    "焦作市",
    "濮阳市",
    "许昌市",
    "漯河市",
    "三门峡市",
    "南阳市",
    "商丘市",
    "信阳市",
    "周口市",
    "驻马店市",
]
_NOWHERE = ["N/A", "未知", "火星市", "建设路50号"]
_WORDS = list("华宏兴达盛通泰恒远创新科源丰瑞鑫博宇恒晟隆金安康明德")
_TRADES = ["机械", "电子", "化工", "食品", "纺织", "建材", "物流", "软件", "医药", "新材料"]
_FORMS = ["有限公司", "有限责任公司", "股份有限公司"]
_TYPES = ["有限责任公司（自然人投资或控股）", "股份有限公司（非上市）", "个人独资企业"]
_CAPITAL = ["500万元", "1.2亿元", "100万美元", "5,000,000元", "300", "50万元人民币"]
_STATUS = ["存续", "在业", "注销", "吊销"]
_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WIDE = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHJKLMNPQRTUWXY-"}


@dataclass
class Registration:
    """What was written and what a lenient build must make of it."""

    folder: Path
    #: data rows of nodes/Enterprise.csv (its header not counted)
    rows: int
    #: display file name -> the row numbers (header = row 1) a lenient build rejects
    rejected: dict[str, set[int]]
    #: ids of the firms a lenient build keeps, in file order
    kept_ids: list[str]
    #: defect -> how many rows have it
    defects: Counter[str]
    #: rows whose name holds U+FFFD
    garbled_rows: list[int] = field(default_factory=list)
    #: id -> the attributes a kept firm must carry (only firms with some)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)


def _code(rng: random.Random, serial: int) -> str:
    """A valid, unique credit code: 91 + a Henan division + a serial-based org code."""
    division = f"41{rng.randrange(1, 18):02d}{rng.randrange(0, 30):02d}"
    body = "".join(_CODE_CHARS[(serial // 31**k) % 31] for k in range(5))
    first17 = "91" + division + "MA" + body + rng.choice(_CODE_CHARS[10:])[0] * 2
    return first17 + uscc_check_char(first17)


def _wrong_check(code: str) -> str:
    right = code[17]
    return code[:17] + next(c for c in "0123456789ABCDEF" if c != right)


def _as_float(code: str) -> str:
    digits = "".join(c for c in code[:18] if c.isdigit()).ljust(18, "0")[:18]
    return f"{digits}.0"


def _as_scientific(code: str) -> str:
    digits = "".join(c for c in code if c.isdigit()).ljust(18, "0")[:18]
    return f"{digits[0]}.{digits[1:15]}E+17"


def _date(rng: random.Random) -> str:
    y, m, d = rng.randrange(1978, 2024), rng.randrange(1, 13), rng.randrange(1, 29)
    return rng.choice(
        [f"{y}-{m:02d}-{d:02d}", f"{y}/{m}/{d}", f"{y}年{m}月{d}日", f"{y}{m:02d}{d:02d}"]
    )


def write_registration(
    folder: Path, n: int, *, bad: float = 0.01, seed: int = 2016
) -> Registration:
    """Write ``n`` registration rows, a share ``bad`` of them defective, under ``folder``.

    Parameters
    ----------
    folder : Path
        Made if absent; ``nodes/`` and ``edges/`` are written inside it.
    n : int
        Data rows of the firm table (and of the LOCATED_IN table: one per firm).
    bad : float
        Share of rows given one defect each (at least one row when above zero).
    seed : int
        The same seed writes the same bytes.

    Returns
    -------
    Registration
    """
    rng = random.Random(seed)
    n_bad = min(n, max(1 if bad > 0 else 0, round(n * bad)))
    positions = sorted(rng.sample(range(n), n_bad))
    defect_at = {p: DEFECTS[k % len(DEFECTS)] for k, p in enumerate(positions)}
    nodes: list[list[str]] = []
    edges: list[list[str]] = []
    rejected_nodes: set[int] = set()
    rejected_edges: set[int] = set()
    kept_codes: list[str] = []
    reg = Registration(folder, n, {}, [], Counter())
    for i in range(n):
        row_no = i + 2  # the header is row 1
        node_id = f"reg:{i + 1}"
        code = _code(rng, i)
        name = rng.choice(_CITIES)[:-1] + "".join(rng.sample(_WORDS, 2))
        name += rng.choice(_TRADES) + rng.choice(_FORMS) + "（示例）"
        extra = {
            "经营期限": rng.choice(["长期", "", "", "2001-05-01至2031-04-30"]),
            "所属行业": rng.choice(["", "通用设备制造业", "软件和信息技术服务业", ""]),
        }
        cells = [
            node_id,
            name,
            code,
            _date(rng),
            rng.choice(_TYPES),
            rng.choice(_CAPITAL),
            "机械设备制造、销售；技术咨询（依法须经批准的项目, 经批准后方可开展经营活动）",
            rng.choice(_STATUS),
            rng.choice(_CITIES) + "市场监督管理局",
            SOURCE,
            extra["经营期限"],
            extra["所属行业"],
        ]
        city = rng.choice(_CITIES)
        defect = defect_at.get(i)
        if defect == "overlong row":
            cells += ["多余", "单元格"]
        elif defect == "short row":
            cells = cells[:5]
        elif defect == "credit code as a float":
            cells[2] = _as_float(code)
        elif defect == "credit code in scientific notation":
            cells[2] = _as_scientific(code)
        elif defect == "wrong check character":
            cells[2] = _wrong_check(code)
        elif defect == "duplicate credit code":
            if kept_codes:
                cells[2] = rng.choice(kept_codes)
            else:  # nothing kept to repeat yet: the row repeats its own code twice
                defect = "wrong check character"
                cells[2] = _wrong_check(code)
        elif defect == "amount that is not one":
            cells[5] = "若干万元"
        elif defect == "bad date":
            cells[3] = rng.choice(["2019-13-45", "去年", "31/12/2019"])
        elif defect == "blank name":
            cells[1] = " "
        elif defect == "U+FFFD in the name":
            cells[1] = name[:2] + "\ufffd\ufffd" + name[2:]
            reg.garbled_rows.append(row_no)
        elif defect == "city matches no Region":
            city = rng.choice(_NOWHERE)
            rejected_edges.add(row_no)
        elif defect == "full-width credit code and date":
            cells[2] = "".join(_WIDE.get(c, c) for c in code)
            cells[3] = "".join(_WIDE.get(c, c) for c in "1998-03-02")
        if defect is not None:
            reg.defects[defect] += 1
        if defect in REJECTING:
            rejected_nodes.add(row_no)
            rejected_edges.add(row_no)  # its LOCATED_IN row goes with it
        else:
            reg.kept_ids.append(node_id)
            kept_codes.append(code)
            found = {k: v for k, v in extra.items() if v}
            if found:
                reg.attributes[node_id] = found
        nodes.append(cells)
        edges.append([node_id, city, SOURCE, "observed"])
    for rel, header, rows in (
        (NODES_FILE, HEADER, nodes),
        (EDGES_FILE, ["from_id", "to_id", "source", "evidence"], edges),
    ):
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    reg.rejected = {NODES_FILE: rejected_nodes, EDGES_FILE: rejected_edges}
    return reg
