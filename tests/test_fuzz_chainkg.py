"""Property-based fuzzing of the ChainKnowledgeGraph loader on generated JSON Lines.

Whatever lines a file holds (records of the right shape, wrong types, garbage, values
that are JSON but not objects, a cut-off last line, bytes that are not UTF-8), reading
ends in tables with every line accounted for, or an InnokgError naming the file and
line: never another exception.  The budget comes from the profiles registered in
``tests/test_fuzz_tables.py`` (``HYPOTHESIS_PROFILE=long`` for a long local run).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import tests.test_fuzz_tables  # noqa: F401  (registers the "ci" and "long" profiles)
from innokg.graph.errors import InnokgError, SourceError
from innokg.graph.validate import validate_tables
from innokg.loaders.base import Ledger
from innokg.loaders.chainkg import _FILES, MAX_VALUE, _read_jsonl, read_chainkg_source
from innokg.pipeline import merge_sources
from tests.conftest import REPO

settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
BUDGET = settings().max_examples  # 150 in CI, 5,000 in the long profile
FIXTURE = REPO / "tests" / "data" / "sources" / "chainkg"

text = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        [
            "钢材",
            "焦炭",
            "客车",
            "ＰＶＣ材料",
            "600001.SH",
            "600002",
            "000003.SZ",
            "上海证券交易所",
            "上游材料",
            "下游产品",
            "产品小类",
            "上级行业",
            "280601",
            "230301",
            "分部间抵销",
            "河南甲钢铁股份有限公司",
            "",
            " ",
            "\n",
            '"',
            "\\",
            "\u2028",
            "\x00",
            "\ufeff",
        ]
    ),
)
value = st.one_of(
    text,
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(),  # NaN and infinities included: json writes them as NaN, Infinity
    st.lists(text, max_size=2),
    st.dictionaries(text, st.integers(0, 5), max_size=2),
)


@st.composite
def jsonl(draw: st.DrawFn, fields: tuple[str, ...]) -> bytes:
    """A JSON Lines file: records of ``fields`` mixed with garbage, as bytes."""
    record = st.fixed_dictionaries({}, optional=dict.fromkeys(fields, value))
    line = st.one_of(
        st.builds(lambda r, a: json.dumps(r, ensure_ascii=a), record, st.booleans()),
        st.builds(lambda r, a: json.dumps(r, ensure_ascii=a), record, st.booleans()),
        st.text(max_size=20),  # garbage
        st.builds(json.dumps, st.one_of(text, st.integers(), st.lists(st.integers()))),
        st.just(""),
    )
    lines = draw(st.lists(line, max_size=8))
    body = "\n".join(lines) + draw(st.sampled_from(["\n", ""]))
    if lines and draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]  # cut short
    data = body.encode("utf-8")
    if draw(st.integers(0, 9)) == 0:  # now and then, bytes that are not UTF-8
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=3)) + data[at:]
    return data


def _allowed(v: Any) -> bool:
    """A value a kept row may hold: text, a finite number, or missing (None or NaN)."""
    if v is None or (isinstance(v, int) and not isinstance(v, bool)):
        return True
    if isinstance(v, float):
        return abs(v) != float("inf")  # NaN stands for a field the line leaves out
    return isinstance(v, str) and len(v) <= MAX_VALUE


@st.composite
def one_file(draw: st.DrawFn) -> tuple[str, bytes]:
    file = draw(st.sampled_from(sorted(_FILES)))
    return file, draw(jsonl(_FILES[file]))


@settings(max_examples=BUDGET)
@given(one_file())
def test_every_line_is_read_or_rejected_by_line(case: tuple[str, bytes]) -> None:
    file, data = case
    fields = _FILES[file]
    ledger = Ledger()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / file
        path.write_bytes(data)
        try:
            df = _read_jsonl(path, file, fields, ledger)
        except SourceError as exc:
            message = str(exc)
            assert message.startswith(f"{file}: not UTF-8")
            assert " at line " in message or "UTF-16" in message
            return
    lines = data.decode("utf-8-sig").split("\n")
    if lines and not lines[-1].strip():
        lines.pop()
    outcome = ledger.outcome(file)
    assert list(outcome.index) == list(range(1, len(lines) + 1))  # every line, once
    assert sorted(df["_row"]) == sorted(outcome[outcome == "used"].index)
    assert set(outcome) <= {"used", "rejected", "skipped"}
    rejects = ledger.rejects()
    assert set(rejects["row"]) == set(outcome[outcome == "rejected"].index)
    assert (rejects["file"] == file).all() and rejects["reason"].str.len().gt(0).all()
    for f in fields:
        if f != "ups":
            assert all(_allowed(v) for v in df[f]), f


@settings(max_examples=max(10, BUDGET // 10))  # read, merge, validate: ~0.5 s an example
@given(st.lists(one_file(), min_size=1, max_size=3))
def test_the_loader_ends_in_valid_tables_or_an_innokg_error(
    files: list[tuple[str, bytes]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "chainkg"
        shutil.copytree(FIXTURE, folder)
        for file, data in files:
            (folder / file).write_bytes(data)
        try:
            src = read_chainkg_source(folder)
            merged = merge_sources([src])
            tables = validate_tables(merged.nodes, merged.edges)
        except InnokgError as exc:
            message = str(exc)
            names = {file for file, _ in files}
            assert any(message.startswith(f"{n}: not UTF-8") for n in names), message
            return
    summary = src.ledger.summary()
    for v in summary.values():  # every line read is accounted for
        assert v["rows"] == sum(v[o] for o in ("used", "folded", "rejected", "filtered", "skipped"))
    for df in tables.nodes.values():
        assert df["id"].is_unique and df["id"].notna().all()
