"""Property-based fuzzing of the RDF reader, and a round-trip property of export and import.

Whatever Turtle or N-Triples a file holds (random literals, IRIs that are not IRIs,
broken syntax, a cut-off end), reading and validating it ends in valid tables or an
InnokgError naming the file: never another exception.  A small hand-made graph with
generated names exported in any format reads back equal.  The budget comes from the
profiles registered in ``tests/test_fuzz_tables.py``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import event, given, settings
from hypothesis import strategies as st

import tests.test_fuzz_tables  # noqa: F401  (registers the "ci" and "long" profiles)
from innokg.graph.errors import InnokgError
from innokg.graph.rdf import export_package, read_rdf
from innokg.graph.validate import validate_tables
from tests.factory import make_tables
from tests.test_rdf import assert_same_tables

settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
BUDGET = settings().max_examples  # 150 in CI, 5,000 in the long profile

IK = "https://w3id.org/innokg/ontology#"
iri = st.one_of(
    st.sampled_from(
        [
            "<https://example.org/a>",
            "<https://example.org/b>",
            "<https://w3id.org/innokg/id/prod%3Abearing>",
            "<javascript:alert(1)>",
            "<file:///etc/passwd>",
            "<https://example.org/a b>",
            "<https://example.org/a",
            "<>",
            "<relative>",
            "_:b1",
            f"<{IK}Product>",
            f"<{IK}Enterprise>",
        ]
    ),
    st.builds(lambda t: f"<https://example.org/{t}>", st.text(max_size=6)),
)
predicate = st.sampled_from(
    [
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
        "<http://purl.org/dc/terms/identifier>",
        f"<{IK}name>",
        f"<{IK}since>",
        "<http://www.w3.org/ns/prov#wasDerivedFrom>",
        "<http://www.w3.org/2000/01/rdf-schema#label>",
        "<https://example.org/p>",
    ]
)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


literal = st.one_of(
    st.builds(_quote, st.text(max_size=10)),
    st.builds(lambda t: f'"{t}"', st.text(max_size=10)),  # unescaped: may break the line
    st.sampled_from(['"2016"^^<http://www.w3.org/2001/XMLSchema#integer>', '"x"@zh', '"\\u00']),
)
triple = st.builds(
    lambda s, p, o, end: f"{s} {p} {o}{end}",
    iri,
    predicate,
    st.one_of(iri, literal),
    st.sampled_from([" .", ".", "", " ;"]),
)


@st.composite
def rdf_file(draw: st.DrawFn) -> tuple[str, bytes]:
    lines = draw(st.lists(st.one_of(triple, triple, triple, st.text(max_size=15)), max_size=8))
    body = "\n".join(lines) + "\n"
    if lines and draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]  # cut short
    return draw(st.sampled_from(["g.nt", "g.ttl"])), body.encode("utf-8")


def _read_and_validate(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            raw = read_rdf(path)
            tables = validate_tables(raw.nodes, raw.edges)
        except InnokgError as exc:
            assert name in str(exc)  # the file is named
            event(f"refused: {type(exc).__name__}")
            return
    event("read and valid")
    for df in tables.nodes.values():
        assert df["id"].is_unique and df["id"].notna().all()


@settings(max_examples=max(10, BUDGET // 3))  # read and validate: ~0.1-0.3 s an example
@given(rdf_file())
def test_generated_rdf_ends_in_valid_tables_or_an_innokg_error(case: tuple[str, bytes]) -> None:
    _read_and_validate(*case)


@settings(max_examples=max(10, BUDGET // 3))
@given(st.binary(max_size=300), st.sampled_from(["g.nt", "g.ttl", "g.rdf", "g.jsonld"]))
def test_arbitrary_bytes_end_in_valid_tables_or_an_innokg_error(data: bytes, name: str) -> None:
    _read_and_validate(name, data)


names = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12).filter(
    lambda t: t.strip() == t and t != ""
)


@settings(max_examples=max(5, BUDGET // 10))  # export, import and validate: ~0.5 s
@given(
    st.lists(names, min_size=1, max_size=3, unique=True),
    names,
    st.one_of(st.none(), st.integers(1800, 2100)),
    st.sampled_from(["ttl", "nt", "jsonld", "trig"]),
)
def test_a_small_graph_round_trips(
    products: list[str], firm: str, since: int | None, fmt: str
) -> None:
    firm_row: dict[str, object] = {"id": "E:1", "name": firm, "source": firm}
    if since is not None:
        firm_row["since"] = since
    tables = make_tables(
        {
            "Enterprise": [firm_row],
            "Product": [{"id": f"p{i}", "name": n} for i, n in enumerate(products)],
        },
        {"PRODUCES": [("E:1", f"p{i}") for i in range(len(products))]},
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"g.{fmt}"
        export_package(tables, path, format=fmt)
        raw = read_rdf(path)
        assert_same_tables(tables, validate_tables(raw.nodes, raw.edges))
