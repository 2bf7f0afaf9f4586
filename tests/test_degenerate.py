"""Every question on graphs with next to nothing in them: honest figures or one clean line.

Three packages are built through the pipeline from small hand-made tables:

- ``no_eligible``: firms, platforms, teams and cities, but no large or medium
  industrial firm (the policy's denominator is empty);
- ``no_edges``: one node of most labels, large firms included, and no edge at all;
- ``only_regions``: Henan's province and cities with their hierarchy, nothing else.

Every question command runs on each through the command line.  A command ends with
exit code 0 or a one-line error; nothing it prints or writes shows NaN, infinity,
Python's None, ``null%`` or ``0 / 0`` as a figure, and no sentence in either language
is left without its subject or object (``差距最大的是。``, ``the largest gap is .``).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from innokg.cli import main
from innokg.commands.questions import GAP_KINDS
from innokg.loaders.base import SourceTables
from innokg.loaders.reference import henan_regions
from innokg.pipeline import build_from_tables
from innokg.queries.library import load_library
from tests.factory import make_tables

# --- the three graphs ------------------------------------------------------------------


def _region_rows(codes: list[str]) -> list[dict[str, Any]]:
    ref = henan_regions().set_index("code")
    return [
        {"id": f"region:{c}", "name": ref.at[c, "name"], "level": ref.at[c, "level"], "code": c}
        for c in codes
    ]


def _hierarchy(codes: list[str]) -> list[tuple[str, str]]:
    ref = henan_regions().set_index("code")
    return [
        (f"region:{c}", f"region:{ref.at[c, 'parent_code']}")
        for c in codes
        if ref.at[c, "parent_code"]
    ]


def _no_eligible() -> tuple[dict[str, Any], dict[str, Any]]:
    """Small and micro firms (or no size at all) with platforms, teams and a chain."""
    cities = ["41", "4101", "4103"]
    firms = [
        {"id": "e1", "name": "郑州小微机械", "size": "small", "industrial": True, "since": 2012},
        {"id": "e2", "name": "郑州精密零件", "size": "micro", "industrial": True, "since": 2015},
        {"id": "e3", "name": "洛阳轴承配套", "size": "small", "industrial": True},
        {"id": "e4", "name": "洛阳电子", "industrial": True, "since": 2017},
        {"id": "e5", "name": "郑州商贸"},
        {"id": "e6", "name": "郑州包装", "size": "small", "industrial": True, "since": 2016},
    ]
    nodes = {
        "Region": _region_rows(cities),
        "Industry": [
            {"id": "C34", "name": "通用设备制造业"},
            {"id": "C39", "name": "计算机、通信和其他电子设备制造业"},
        ],
        "Enterprise": firms,
        "ResearchInstitute": [{"id": "r1", "name": "郑州机械研究所", "kind": "research_institute"}],
        "Platform": [
            {"id": "p1", "name": "小微众创空间", "kind": "maker_space", "demonstration": 2018},
            {"id": "p2", "name": "洛阳孵化器", "kind": "incubator", "since": 2017},
        ],
        "MakerTeam": [{"id": "t1", "name": "精密零件创客团队", "demonstration": 2017}],
        "Fund": [{"id": "f1", "name": "郑州创客基金", "kind": "maker_fund", "amount": 1000.0}],
        "Person": [{"id": "h1", "name": "张三", "recognised": 2018}],
    }
    edges = {
        "LOCATED_IN": [
            *_hierarchy(cities),
            ("e1", "region:4101"),
            ("e2", "region:4101"),
            ("e3", "region:4103"),
            ("e4", "region:4103"),
            ("e5", "region:4101"),
            ("e6", "region:4101"),
            ("r1", "region:4101"),
            ("p1", "region:4101"),
            ("p2", "region:4103"),
        ],
        "IN_INDUSTRY": [("e1", "C34"), ("e2", "C34"), ("e3", "C34"), ("e4", "C39")],
        "SUPPLIES": [
            ("e2", "e1", {"product": "齿轮", "since": 2016}),
            ("e3", "e1", {"product": "轴承"}),
            ("e6", "e1", {"product": "包装"}),
            ("e4", "e3", {"product": "传感器", "since": 2018}),
        ],
        "OPERATES": [("e1", "p1")],
        "ESTABLISHED": [("e3", "p2")],
        "HOSTS": [("e2", "t1")],
        "INVESTS_IN": [("f1", "t1", {"since": 2018})],
        "COLLABORATES_WITH": [("e1", "r1", {"kind": "joint_rnd", "since": 2017})],
        "LEADS": [("h1", "e1")],
    }
    return nodes, edges


def _no_edges() -> tuple[dict[str, Any], dict[str, Any]]:
    """Large and medium firms among other organisations, and not one edge."""
    nodes = {
        "Region": _region_rows(["41", "4101", "4103"]),
        "Industry": [{"id": "C36", "name": "汽车制造业"}],
        "Enterprise": [
            {"id": "e1", "name": "郑州客车", "size": "large", "industrial": True, "since": 1997},
            {"id": "e2", "name": "洛阳重工", "size": "medium", "industrial": True},
            {"id": "e3", "name": "开封小厂", "size": "small", "industrial": True},
        ],
        "ResearchInstitute": [{"id": "r1", "name": "河南大学"}],
        "Alliance": [{"id": "a1", "name": "汽车产业联盟"}],
        "Fund": [{"id": "f1", "name": "产业投资基金", "kind": "industry_investment"}],
        "MakerTeam": [{"id": "t1", "name": "技术创客团队"}],
        "Platform": [{"id": "p1", "name": "研发中心", "demonstration": 2018}],
        "Zone": [{"id": "z1", "name": "郑州经开区产业集聚区"}],
        "Product": [{"id": "pr1", "name": "客车"}],
        "Person": [{"id": "h1", "name": "李四"}],
    }
    return nodes, {}


def _only_regions() -> tuple[dict[str, Any], dict[str, Any]]:
    """Henan and its cities, within one another: no organisation at all."""
    ref = henan_regions()
    codes = ref.loc[ref["level"].isin(["province", "city"]), "code"].tolist()
    return {"Region": _region_rows(codes)}, {"LOCATED_IN": _hierarchy(codes)}


GRAPHS = {"no_eligible": _no_eligible, "no_edges": _no_edges, "only_regions": _only_regions}

#: two node ids of each graph, for the views around a node and between two
NODES = {
    "no_eligible": ("e1", "r1"),
    "no_edges": ("e1", "r1"),
    "only_regions": ("region:4101", "region:4103"),
}


def build(name: str, out: Path) -> Path:
    """Build the graph ``name`` of :data:`GRAPHS` as a package at ``out``, through the
    pipeline, from tables handed over as the tables loader does."""
    tables = make_tables(*GRAPHS[name]())
    source = SourceTables(kind="tables", path=name)
    for part in ("nodes", "edges"):
        for key, df in getattr(tables, part).items():
            if df.empty:
                continue
            file = f"{part}/{key}.csv"  # one file a table, rows numbered from 2
            getattr(source, part)[key] = df.assign(_file=file, _row=range(2, len(df) + 2))
            source.ledger.open(file, len(df), first_row=2)
            source.rows_read += len(df)
    build_from_tables([source], out, allow_empty=True)
    return out


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("degenerate")
    return {name: build(name, root / name) for name in GRAPHS}


# --- what must not appear --------------------------------------------------------------

#: figures that are not figures
BAD_FIGURES = [
    ("NaN", re.compile(r"(?<![A-Za-z])nan(?![A-Za-z])", re.IGNORECASE)),
    ("infinity", re.compile(r"(?<![A-Za-z])-?inf(?:inity)?(?![A-Za-z])", re.IGNORECASE)),
    # "None of the targets ..." is English; a bare None is Python's
    ("Python None", re.compile(r"(?<![A-Za-z])None(?![A-Za-z])(?!\s+of\b)")),
    ("pandas NA", re.compile(r"<NA>|(?<![A-Za-z])NaT(?![A-Za-z])")),
    ("null figure", re.compile(r"(?<![A-Za-z])(?:null|undefined)\s*[%个项家]", re.IGNORECASE)),
    ("0 / 0", re.compile(r"(?<![\d.])0\s*/\s*0(?![\d.])")),
]

#: a sentence whose subject or object was left empty
DANGLING = [
    ("zh: nothing after 是/为/与/和/及/对", re.compile(r"[是为与和及对]\s*[。；！？]")),
    # an ellipsis ("..., ...") is not a gap
    ("punctuation with nothing between", re.compile(r"[：:，,、]\s*(?:[。；;]|\.(?!\.))")),
    ("empty brackets", re.compile(r"（\s*）|\(\s*\)|【\s*】|“\s*”|《\s*》")),
    # "ids: )", "ids: " at the end; a colon before an indented list is fine
    ("nothing after a colon", re.compile(r"[:：][ \t]*(?:[)）]|\Z|\n(?=\S))")),
    (
        "en: nothing after a verb or preposition",
        re.compile(
            r"\b(?:is|are|was|were|in|of|for|to|by|with|and|or|the|than|from|at|on|as)"
            r"\s+[.;:,!?](?!\w)",
            re.IGNORECASE,
        ),
    ),
]


def problems_in(text: str, where: str) -> list[str]:
    """Each bad figure or dangling sentence in ``text``, with a little context."""
    found = []
    for why, pattern in [*BAD_FIGURES, *DANGLING]:
        for m in pattern.finditer(text):
            start, end = max(0, m.start() - 40), min(len(text), m.end() + 20)
            context = text[start:end].replace("\n", "⏎")
            found.append(f"{where}: {why}: …{context}…")
    return found


class _VisibleText(HTMLParser):
    """The text a reader sees: no scripts, no styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.data_script = False
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
            self.data_script = dict(attrs).get("id") == "innokg-data"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1
            self.data_script = False
        elif tag in ("p", "li", "div", "td", "th", "tr", "h1", "h2", "h3", "h4", "br", "title"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.data_script:
            self.data.append(data)
        elif not self.skip:
            self.parts.append(data)


def _walk_json(value: Any, where: str) -> list[str]:
    if isinstance(value, float) and not math.isfinite(value):
        return [f"{where}: {value} in JSON"]
    if isinstance(value, str):
        return problems_in(value, where)
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _walk_json(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _walk_json(v, f"{where}[{i}]")]
    return []


def _met_without_figures(records: list[dict[str, Any]], where: str) -> list[str]:
    """Rows of an indicator table (CSV cells or JSON values) called met without a value,
    a target or a denominator."""
    found = []
    for r, cell in enumerate(records, start=1):
        if not {"met", "value", "target"} <= set(cell) or cell["met"] not in (True, "True"):
            continue
        if (
            cell["value"] in (None, "")
            or cell["target"] in (None, "")
            or cell.get("measurable") in (False, "False")
        ):
            found.append(f"{where} row {r}: {cell['indicator']} met without a figure")
        elif cell.get("unit") == "share" and cell.get("denominator") in (None, "", 0, "0", "0.0"):
            found.append(f"{where} row {r}: {cell['indicator']} met as a share of nothing")
    return found


def file_problems(path: Path) -> list[str]:
    """What a reader of ``path`` would find wrong: visible text of a page, cells of a table."""
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        parser = _VisibleText()
        parser.feed(text)
        found = problems_in("".join(parser.parts), path.name)
        if parser.data:  # a network page: the labels and tooltips it draws
            payload = json.loads("".join(parser.data))
            for part in ("nodes", "edges"):
                for item in payload[part]:
                    for key in ("label", "title"):
                        if isinstance(item.get(key), str):
                            found += problems_in(item[key], f"{path.name} {part} {key}")
        return found
    if suffix == ".json":
        value = json.loads(text)
        rows = value if isinstance(value, list) else []
        return _met_without_figures(rows, path.name) + _walk_json(value, path.name)
    if suffix == ".csv":
        rows = list(csv.reader(io.StringIO(text)))
        records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
        return _met_without_figures(records, path.name) + [
            p
            for r, row in enumerate(rows[1:], start=2)
            for c, cell in enumerate(row)
            for p in problems_in(cell, f"{path.name} row {r} {rows[0][c]}")
        ]
    return problems_in(text, path.name)


def test_the_checker_finds_what_it_is_for() -> None:
    bad = [
        "第 3 条：现为 nan%，目标 80%",
        "差距最大的是。",
        "目标：。",
        "The largest gap is .",
        "no cluster 1; known cluster ids: ",
        "lists them (ids: )",
        "a share of null%",
        "0 / 0 ✓ met",
        "value None",
        "ratio inf",
        "found in .",
        "a list of .",
    ]
    assert [t for t in bad if not problems_in(t, "x")] == []
    good = [
        "南阳市 Nanyang, 河南 Henan",
        "差距最大的是郑州市。",
        "none (无)",
        "10 / 12 met",
        "information; infrastructure",
        "2018年目标：100个。",
        "The gap is 3.",
        "None of the policy's targets can be checked on this graph.",
        "需要联盟成员关系（MEMBER_OF），公开数据中没有。",
        "shared buyers, partners' institutes, ...), weighted",
        '{"warnings": []}',
        "Notes:\n  platform_coverage: none",
    ]
    assert [p for t in good for p in problems_in(t, "x")] == []
    met = {"indicator": "platform_coverage", "unit": "share", "met": True, "target": 0.8}
    assert _met_without_figures(
        [
            {**met, "value": None, "measurable": False},  # not measurable, yet met
            {**met, "value": 1.0, "denominator": 0},  # 0 / 0
            {**met, "value": "1.0", "denominator": "", "met": "True"},  # as CSV has it
            {**met, "value": 0.9, "denominator": 10},  # fine
            {**met, "value": None, "met": None},  # fine: not measurable, not met
        ],
        "t",
    ) == [
        "t row 1: platform_coverage met without a figure",
        "t row 2: platform_coverage met as a share of nothing",
        "t row 3: platform_coverage met as a share of nothing",
    ]


def test_the_file_checker_reads_what_a_reader_sees(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    data = {"nodes": [{"id": "a", "label": "甲", "title": "员工 None 人"}], "edges": []}
    page.write_text(
        "<html><head><style>p::after { content: 'NaN'; }</style></head><body>"
        "<p>第 3 条：现为 nan%</p><script>var x = NaN; if (a in b) {}</script>"
        f'<script id="innokg-data" type="application/json">{json.dumps(data)}</script>'
        "</body></html>",
        encoding="utf-8",
    )
    assert [p.split(": ")[1] for p in file_problems(page)] == ["NaN", "Python None"]
    table = tmp_path / "t.csv"
    table.write_text("name,detail\nNone,ok\n甲,差距最大的是。\n", encoding="utf-8")
    assert [p.split(": ")[0] for p in file_problems(table)] == [
        "t.csv row 2 name",
        "t.csv row 3 detail",
    ]
    rows = tmp_path / "r.json"
    rows.write_text('[{"value": NaN, "note": "null%"}]', encoding="utf-8")
    assert len(file_problems(rows)) == 2


# --- the commands ------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    graph: str
    name: str
    args: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.graph}-{self.name}"


def _commands(graph: str) -> list[tuple[str, list[str]]]:
    """(name, arguments) of every view of every question; {pkg} and {out} filled later."""
    a, b = NODES[graph]
    cmds: list[tuple[str, list[str]]] = [
        ("info", ["info", "{pkg}"]),
        ("info-json", ["info", "{pkg}", "--json"]),
        ("clusters", ["clusters", "{pkg}"]),
        ("clusters-csv", ["clusters", "{pkg}", "--format", "csv", "--out", "{out}/c.csv"]),
        ("clusters-json", ["clusters", "{pkg}", "--format", "json", "--out", "{out}/c.json"]),
        ("clusters-members", ["clusters", "{pkg}", "--members", "all"]),
        (
            "clusters-members-csv",
            ["clusters", "{pkg}", "--members", "all", "--format", "csv", "--out", "{out}/m.csv"],
        ),
        ("clusters-member-1", ["clusters", "{pkg}", "--members", "1"]),
        ("clusters-city", ["clusters", "{pkg}", "--city", "郑州", "--year", "2018"]),
        ("gaps", ["gaps", "{pkg}"]),
        ("gaps-en", ["gaps", "{pkg}", "--lang", "en"]),
        ("gaps-city-year", ["gaps", "{pkg}", "--city", "郑州", "--year", "2018"]),
        ("gaps-all-csv", ["gaps", "{pkg}", "--format", "csv", "--out", "{out}/g.csv"]),
        ("gaps-all-json", ["gaps", "{pkg}", "--format", "json", "--out", "{out}/g.json"]),
    ]
    cmds += [
        (
            f"gaps-{kind}",
            ["gaps", "{pkg}", "--kind", kind, "--format", "csv", "--out", "{out}/g.csv"],
        )
        for kind in GAP_KINDS
    ]
    cmds += [
        ("partners", ["partners", "{pkg}"]),
        ("partners-en", ["partners", "{pkg}", "--lang", "en"]),
        ("partners-csv", ["partners", "{pkg}", "--format", "csv", "--out", "{out}/p.csv"]),
        ("partners-per-source", ["partners", "{pkg}", "--per-source", "3", "--lang", "en"]),
        (
            "partners-for",
            ["partners", "{pkg}", "--for", a, "--format", "json", "--out", "{out}/p.json"],
        ),
        ("partners-city-year", ["partners", "{pkg}", "--city", "郑州", "--year", "2018"]),
    ]
    for by in ("province", "city", "industry", "year"):
        cmds.append((f"indicators-{by}-en", ["indicators", "{pkg}", "--by", by, "--lang", "en"]))
        for fname, filters in (
            ("all", []),
            ("year", ["--year", "2018"]),
            ("city", ["--city", "郑州"]),
            ("city-year", ["--city", "郑州", "--year", "2018"]),
        ):
            base = ["indicators", "{pkg}", "--by", by, *filters]
            cmds.append((f"indicators-{by}-{fname}", base))
            cmds.append(
                (f"indicators-{by}-{fname}-csv", [*base, "--format", "csv", "--out", "{out}/i.csv"])
            )
    cmds += [
        ("indicators-json", ["indicators", "{pkg}", "--format", "json", "--out", "{out}/i.json"]),
        ("typical-cases", ["indicators", "{pkg}", "--typical-cases", "--year", "2018"]),
    ]
    viz = ["viz", "{pkg}", "--out", "{out}/v.html"]
    cmds += [
        ("viz", viz),
        ("viz-cluster", [*viz, "--cluster", "1"]),
        ("viz-around", [*viz, "--around", a, "--depth", "2"]),
        ("viz-partner", [*viz, "--partner", a, b]),
        ("viz-sample", [*viz, "--max-nodes", "10", "--overflow", "sample"]),
        ("viz-size-employees", [*viz, "--size-by", "employees"]),
    ]
    cmds += [
        (f"viz-by-{group}", [*viz, "--max-nodes", "10", "--group-by", group])
        for group in ("cluster", "city", "industry", "label")
    ]
    cmds += [
        (f"query-{name}", ["queries", "run", name, "{pkg}", "--example"])
        for name in sorted(load_library())
    ]
    for lang in ("zh", "en"):
        for fmt in ("html", "md"):
            cmds.append(
                (
                    f"brief-{lang}-{fmt}",
                    ["brief", "{pkg}", "--lang", lang, "--out", f"{{out}}/b.{fmt}"],
                )
            )
        cmds.append(
            (
                f"brief-{lang}-city",
                ["brief", "{pkg}", "--lang", lang, "--city", "郑州", "--out", "{out}/b.html"],
            )
        )
    return cmds


CASES = [Case(graph, name, tuple(args)) for graph in GRAPHS for name, args in _commands(graph)]

#: known failures in code owned elsewhere: (graph, command name) -> reason
XFAIL: dict[tuple[str, str], str] = {}


def _param(case: Case) -> Any:
    reason = XFAIL.get((case.graph, case.name))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_every_output_is_honest(case: Case, packages: dict[str, Path], tmp_path: Path) -> None:
    args = [a.format(pkg=packages[case.graph], out=tmp_path) for a in case.args]
    result = CliRunner().invoke(main, args)
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
        errors = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(errors) == 1 and errors[0].startswith("Error: "), result.output
    try:  # a command that prints JSON: its values, not its brackets
        found = _walk_json(json.loads(result.stdout), "output")
    except ValueError:
        found = problems_in(result.output, "output")
    else:
        found += problems_in(result.stderr, "messages")
    for path in sorted(tmp_path.iterdir()):
        found += file_problems(path)
    assert found == [], "\n".join(found)


#: What a brief must not claim of a graph whose firms have sizes, none large or medium.
SIZES_MISSING = {"zh": ("缺少企业规模数据", "没有企业规模数据"), "en": ("no firm sizes",)}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_brief_names_what_is_missing(
    lang: str, packages: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "brief.md"
    args = ["brief", str(packages["no_eligible"]), "--lang", lang, "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert [claim for claim in SIZES_MISSING[lang] if claim in text] == []
