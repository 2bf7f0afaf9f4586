"""Property-based fuzzing of the table reader and the validator.

Whatever bytes a table holds, reading and validating it ends in valid tables or an
InnokgError with a message: never another exception.  The budget is fixed for CI;
``HYPOTHESIS_PROFILE=long`` runs many more examples locally.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innokg.graph.errors import InnokgError
from innokg.graph.validate import validate_tables
from innokg.loaders.tables import decode_text, read_tables_source

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

COLUMNS = [
    "id",
    "name",
    "source",
    "since",
    "employees",
    "size",
    "credit_code",
    "listed",
    "revenue",
    "x",
]
cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "2016",
            "-1",
            "1e400",
            "NaN",
            "是",
            "否",
            "large",
            "huge",
            "91350100M000100Y43",
            "=1+1",
            '"',
            "\n",
            "\ufeff",
            "１２",
        ]
    ),
)
rows = st.lists(st.lists(cell, min_size=0, max_size=11), max_size=8)


def csv_bytes(header: list[str], body: list[list[str]], encoding: str) -> bytes:
    def quote(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n\r') else v

    text = "\n".join(",".join(quote(v) for v in r) for r in [header, *body]) + "\n"
    return text.encode(encoding, errors="replace")


def read_and_validate(data: bytes, table: str = "nodes/Enterprise.csv") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / table
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        try:
            src = read_tables_source(tmp)
            tables = validate_tables(src.nodes, src.edges)
        except InnokgError as exc:
            assert str(exc)  # a message, never empty
            return
        ent = tables.nodes["Enterprise"]
        assert ent["id"].is_unique and ent["id"].notna().all()
        assert ent["employees"].dtype == "Int64"


@given(
    st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8),
    rows,
    st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]),
)
def test_structured_tables(header: list[str], body: list[list[str]], encoding: str) -> None:
    read_and_validate(csv_bytes(header, body, encoding))


@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    read_and_validate(data)


@given(st.binary(max_size=200))
def test_decoding_is_total(data: bytes) -> None:
    try:
        text, encoding = decode_text(data, "f.csv")
    except InnokgError as exc:
        assert str(exc).startswith("f.csv")
    else:
        assert encoding in ("utf-8", "utf-8-sig", "gb18030")
        assert isinstance(text, str)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(["a", "b", "c", "d", "zz"])
        ),
        max_size=10,
    )
)
def test_edges_are_checked_whatever_they_link(pairs: list[tuple[str, str]]) -> None:
    nodes = {
        "Region": pd.DataFrame(
            {"id": ["a", "b", "c", "d"], "name": list("abcd"), "source": "t", "level": "city"}
        )
    }
    edges = {
        "LOCATED_IN": pd.DataFrame(
            {
                "from_id": [p[0] for p in pairs],
                "to_id": [p[1] for p in pairs],
                "source": "t",
                "evidence": "observed",
            }
        )
    }
    try:
        tables = validate_tables(nodes, edges)
    except InnokgError:
        return
    kept = tables.edges["LOCATED_IN"]
    assert (kept["from_id"] != kept["to_id"]).all()
    assert kept["to_id"].isin(["a", "b", "c", "d"]).all()
