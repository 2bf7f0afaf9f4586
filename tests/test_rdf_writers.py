"""The column-at-a-time RDF writers write the same bytes as the plain row-by-row writer.

The fast writers (innokg.graph.rdf.turtle, built on innokg.graph.rdf.columns) format whole
columns with Arrow's string kernels; innokg.graph.rdf.plain applies each rule to one value
at a time.  Names that break naive writers (quotes, backslashes, line breaks, control
characters, characters outside the BMP, angle brackets and percent signs in ids), numbers
at the edges of their spelling rules and parallel edges must come out byte for byte alike,
in every chunk size.
"""

from __future__ import annotations

import gzip
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from innokg.graph.ontology import node_property
from innokg.graph.package import read_tables
from innokg.graph.rdf import encode_id, export_package, load_rdf_graph, read_rdf
from innokg.graph.rdf.columns import (
    double_text,
    encode_column,
    escape_text,
    quoted_text,
    xsd_double,
)
from innokg.graph.testing import make_tables
from innokg.graph.validate import Tables, validate_tables

FORMATS = ["ttl", "nt", "trig"]

AWKWARD_IDS = [
    'q"uote',
    "back\\slash",
    "<angle>",
    "a>b<c",
    "line\nbreak",
    "tab\there",
    "100%",
    "%41%",
    "-lead",
    "--",
    "x.y.",
    "~t",
    "中文:甲",
    "emoji 🏭",
    "sp ace",
    "#?&=+{}|^`",
    "E1",
]


@pytest.fixture(scope="module")
def awkward() -> Tables:
    firms = [
        {"id": node_id, "name": f"名{i}", "source": f"src {i % 3}"}
        for i, node_id in enumerate(AWKWARD_IDS)
    ]
    firms[0].update(
        name='say "hi" \\ back\\\\slash',
        name_en="line one\nline two\r\nthree\ttab",
        business_scope="ctl \x01\x02\x1f\x7f end",
        employees=9_000_000_000_000_000,
        revenue=0.1 + 0.2,
        registered_capital=1e16,
        industrial=True,
        listed=False,
    )
    firms[1].update(name="·", name_en="", revenue=1e-5, registered_capital=-0.0, listed=True)
    firms[2].update(name="\u2028 sep \u00a0 nbsp 🏭", revenue=1e22, registered_capital=123.0)
    firms[3].update(name="<b>&amp;</b> 'single'", revenue=7e-7, since=1800)
    firms[4].update(revenue=3e300, registered_capital=5e-324, until=2100)
    firms[5].update(revenue=1.7976931348623157e308, registered_capital=1e-4)
    firms[6].update(revenue=9.999e-5, registered_capital=123456789012345.6)
    firms[7].update(revenue=2.5e15, registered_capital=1234.5)
    return make_tables(
        {
            "Enterprise": firms,
            "Region": [
                {"id": "region:41", "name": "河南省", "level": "province", "source": 'a "b"'},
                {
                    "id": "region:4101",
                    "name": "郑州市",
                    "level": "city",
                    "source": "https://x.org/r",
                },
            ],
        },
        {
            "SUPPLIES": [
                ('q"uote', "<angle>", {"product": 'p"1', "share": 0.25, "since": 2016}),
                ('q"uote', "<angle>", {"product": "p\n2", "weight": 3.5}),
                ('q"uote', "<angle>", {"confidence": 0.5, "method": "co-location"}),
                ("-lead", "中文:甲", {"source": "src 1"}),
                ("emoji 🏭", "E1", {}),
                ("<angle>", 'q"uote', {}),
            ],
            "LOCATED_IN": [
                ("line\nbreak", "region:4101"),
                ("100%", "region:4101"),
                ("region:4101", "region:41"),
                ("100%", "region:4101"),
            ],
        },
    )


def _export(tables: Tables, fmt: str, *, plain: bool, chunk: int = 20_000) -> str:
    buffer = io.StringIO()
    export_package(tables, buffer, format=fmt, plain=plain, chunk_rows=chunk)
    return buffer.getvalue()


@pytest.mark.parametrize("chunk", [1, 2, 5, 20_000])
@pytest.mark.parametrize("fmt", FORMATS)
def test_fast_and_plain_writers_write_the_same_bytes(awkward: Tables, fmt: str, chunk: int):
    fast = _export(awkward, fmt, plain=False, chunk=chunk)
    assert fast == _export(awkward, fmt, plain=True, chunk=chunk)


@pytest.mark.parametrize("fmt", FORMATS)
def test_fast_and_plain_files_are_the_same_bytes(awkward: Tables, fmt: str, tmp_path: Path):
    # to a file the blocks go as bytes beside the text layer; through gzip too
    for name in (f"g.{fmt}", f"g.{fmt}.gz"):
        fast, plain = tmp_path / f"fast-{name}", tmp_path / f"plain-{name}"
        a = export_package(awkward, fast, format=fmt)
        b = export_package(awkward, plain, format=fmt, plain=True)
        unpack = gzip.decompress if name.endswith(".gz") else bytes  # the header names the file
        assert unpack(fast.read_bytes()) == unpack(plain.read_bytes())
        assert a.triples == b.triples > 0
    assert (tmp_path / f"fast-g.{fmt}").read_text(encoding="utf-8") == _export(
        awkward, fmt, plain=False
    )


def test_awkward_values_read_back_as_written(awkward: Tables, tmp_path: Path):
    path = tmp_path / "g.ttl"
    export_package(awkward, path, format="ttl")
    g = Graph().parse(path, format="turtle")
    names = {str(o) for o in g.objects(None, node_property("Enterprise", "name").iri)}
    assert 'say "hi" \\ back\\\\slash' in names and "·" in names
    scopes = set(g.objects(None, node_property("Enterprise", "business_scope").iri))
    assert scopes == {Literal("ctl \x01\x02\x1f\x7f end")}
    raw = read_rdf(path)
    back = validate_tables(raw.nodes, raw.edges)
    firms = back.nodes["Enterprise"].set_index("id")
    assert set(firms.index) == set(AWKWARD_IDS)
    assert firms.loc["line\nbreak", "name"] == "名4"
    assert firms.loc['q"uote', "revenue"] == 0.1 + 0.2
    assert firms.loc["<angle>", "revenue"] == 1e22
    assert firms.loc["a>b<c", "revenue"] == 7e-7
    assert len(back.edges["SUPPLIES"]) == 6 and len(back.edges["LOCATED_IN"]) == 4


def test_every_syntax_holds_the_same_triples(awkward: Tables, tmp_path: Path):
    graphs = []
    for fmt in FORMATS:
        path = tmp_path / f"g.{fmt}"
        export_package(awkward, path, format=fmt)
        graphs.append(load_rdf_graph(path))
    nt, ttl, trig = graphs
    assert isomorphic(nt, ttl)
    assert len(trig) == len(nt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_fast_and_plain_agree_on_the_demo(demo_package: Path, fmt: str):
    nodes, edges, _ = read_tables(demo_package)
    tables = Tables(nodes, edges)
    assert _export(tables, fmt, plain=False) == _export(tables, fmt, plain=True)


def test_column_ids_are_encoded_as_one_id_is():
    ids = pd.Series([*AWKWARD_IDS, None, "", "a%2Eb", "-", "é-é"], dtype="string")
    got = encode_column(ids).to_pylist()
    assert got == [None if pd.isna(i) else encode_id(i) for i in ids]


def test_column_literals_are_escaped_as_one_literal_is():
    texts = ['say "hi"', "a\\b", "x\ny\rz\tw", "\x00\x08\x0b\x0c\x0e\x1f\x7f", "中文 🏭", "", None]
    got = quoted_text(pd.Series(texts, dtype="string")).to_pylist()
    assert got == [None if t is None else f'"{escape_text(t)}"' for t in texts]
    assert escape_text('a"\\\x01') == 'a\\"\\\\\\u0001'


def test_column_doubles_are_spelt_as_python_spells_one():
    rng = np.random.default_rng(2016)
    values = np.concatenate(
        [
            rng.integers(0, 2**63, 20_000, dtype=np.uint64).view(np.float64),  # every exponent
            rng.normal(0, 1e6, 20_000).round(1),
            rng.random(20_000) * 10.0 ** rng.integers(-6, 18, 20_000),
            [0.0, -0.0, 1e-4, -1e-4, 9.999e-5, 1e16, 1e16 - 2, 1e15, 5e-324, math.inf, -math.inf],
            [math.nan, 2.0, -3.0, 0.1 + 0.2, 1 / 3],
        ]
    )
    present = np.ones(len(values), dtype=bool)
    present[::7] = False
    got = double_text(values, present).to_pylist()
    want = [xsd_double(v) if p else None for v, p in zip(values.tolist(), present, strict=True)]
    assert got == want
