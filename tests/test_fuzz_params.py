"""Property-based fuzzing of ``innokg cypher --param NAME=VALUE``.

Values are typed from their text as ``docs/cypher.md`` says: numbers, true/false/null,
JSON lists and maps are typed, anything else is text, and a number quoted as JSON stays
text.  Whatever is given, parsing ends in typed values or a clean click error: never
another exception.  The budget comes from the profiles registered in
``tests/test_fuzz_tables.py``.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tests.test_fuzz_tables  # noqa: F401  (registers the "ci" and "long" profiles)
from innokg.commands.cypher import _parse_params
from innokg.graph.errors import InnokgError
from innokg.queries.library import infer_value

settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

name = st.from_regex(r"[A-Za-z_\u4e00-\u9fff][A-Za-z0-9_\u4e00-\u9fff]{0,8}", fullmatch=True)
scalar = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.text(max_size=10),
)
typed = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)


def typed_param(item: str) -> dict[str, Any]:
    """What ``--param`` makes of one item: its name and typed value."""
    return {k: infer_value(v) for k, v in _parse_params((item,)).items()}


def same(a: Any, b: Any) -> bool:
    """Equal, telling 1 from 1.0 and True from 1 (JSON does)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return bool(a == b)


@given(name, typed, st.booleans())
def test_json_values_round_trip(key: str, value: Any, dollar: bool) -> None:
    text = json.dumps(value, ensure_ascii=False)
    got = typed_param(("$" if dollar else "") + f"{key}={text}")
    assert list(got) == [key]
    assert same(got[key], value), (text, got[key])


@given(name, st.text(max_size=20))
def test_text_is_text(key: str, value: str) -> None:
    try:
        json.loads(value)
    except ValueError:  # not JSON: it stays the text given
        assert typed_param(f"{key}={value}") == {key: value}
    # quoted as JSON, any text stays text, even one that reads as a number
    assert typed_param(f"{key}={json.dumps(value)}") == {key: value}


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("k=3", 3),
        ("x=2.5", 2.5),
        ("flag=true", True),
        ("none=null", None),
        ('ids=["E000001", "E000002"]', ["E000001", "E000002"]),
        ('m={"a": 1}', {"a": 1}),
        ("city=郑州市", "郑州市"),
        ('code="4101"', "4101"),
        ("k=", ""),
        ("expr=a=b", "a=b"),
    ],
)
def test_documented_examples(item: str, expected: Any) -> None:
    (value,) = typed_param(item).values()
    assert same(value, expected)


@given(st.lists(st.text(max_size=30), max_size=4))
def test_any_text_is_typed_or_a_clean_error(items: list[str]) -> None:
    try:
        values = {k: infer_value(v) for k, v in _parse_params(tuple(items)).items()}
    except (click.ClickException, InnokgError) as exc:
        assert exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
        return
    assert all(k.isidentifier() for k in values)


@given(st.integers(101, 5000), st.sampled_from(["[", '{"a":']))
def test_deep_nesting_is_a_clean_error(depth: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    with pytest.raises(click.BadParameter, match="nested"):
        _parse_params((f"x={opener * depth}1{closer * depth}",))
    # nested text inside a JSON string is only text
    assert typed_param(f"x={json.dumps('[' * depth)}") == {"x": "[" * depth}


def test_bad_items_are_usage_errors() -> None:
    for item in ["novalue", "=3", "1x=3", "a b=3", "$=1"]:
        with pytest.raises(click.BadParameter, match="write NAME=VALUE"):
            _parse_params((item,))
