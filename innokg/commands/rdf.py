"""Linked-data commands: the ontology, SPARQL queries, and SHACL for ``validate``.

``innokg ontology`` prints the OWL ontology generated from the schema;
``innokg sparql`` runs a read-only SPARQL query on a package or an RDF file.
``innokg validate --shacl FILE_OR_PACKAGE`` (in :mod:`innokg.commands.build`)
calls :func:`shacl_check` here.  Exporting a package as RDF is
:func:`innokg.graph.rdf.export_package`, behind ``innokg export --format ttl|nt|jsonld|trig``.
"""

from __future__ import annotations

from pathlib import Path

import click

import innokg.queries
from innokg.graph.errors import InnokgError
from innokg.graph.ontology import ONTOLOGY_FORMATS, serialize_ontology
from innokg.output import write_table

__all__ = ["COMMANDS", "EXAMPLES", "example_queries", "shacl_check"]

#: The folder of example SPARQL queries shipped with innokg.
EXAMPLES = Path(innokg.queries.__file__).resolve().parent / "sparql"


def example_queries() -> dict[str, Path]:
    """The bundled example queries by name (file name without ``.rq``)."""
    return {p.stem: p for p in sorted(EXAMPLES.glob("*.rq"))}


def _write_text(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InnokgError(f"cannot write {out}: {exc.strerror or exc}") from exc


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(ONTOLOGY_FORMATS),
    default="ttl",
    show_default=True,
    help="ttl, nt, jsonld or xml (RDF/XML); context: the JSON-LD context alone; "
    "markdown: the text of docs/ontology.md.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: print).",
)
def ontology(fmt: str, out: Path | None) -> None:
    """Print the OWL ontology generated from the schema.

    One class per node label, one property per edge type and node property, with
    Chinese and English labels, domains, ranges and alignments to W3C ORG,
    schema.org, PROV-O, Dublin Core, SKOS and OWL-Time.
    """
    _write_text(serialize_ontology(fmt), out)


def _query_text(query: str | None, query_file: str | None) -> str:
    if (query is None) == (query_file is None):
        raise click.UsageError("give the query as an argument or with -f FILE, not both")
    if query is not None:
        return query
    assert query_file is not None
    path = Path(query_file)
    examples = example_queries()
    if not path.exists() and query_file in examples:
        path = examples[query_file]
    if not path.is_file():
        raise InnokgError(
            f"{query_file}: no such query file; the examples are {', '.join(examples)}"
        )
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InnokgError(f"{path}: cannot be read as UTF-8 text ({exc})") from None


def _params(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.UsageError(f"--param {item!r}: write it as NAME=VALUE")
        out[name] = value
    return out


@click.command()
@click.argument("package", type=click.Path(path_type=Path))
@click.argument("query", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    metavar="FILE",
    help="Read the query from FILE (.rq), or name an example in queries/sparql/ "
    "(e.g. platforms_per_city).",
)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind ?NAME to the text VALUE (or to an IRI written <...>); repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
def sparql(
    package: Path,
    query: str | None,
    query_file: str | None,
    params: tuple[str, ...],
    fmt: str,
    out: Path | None,
) -> None:
    """Run a read-only SPARQL query on PACKAGE (a graph package or an RDF file).

    The prefixes ik, rdf, rdfs, owl, xsd, dcterms, prov, org, schema, skos, time,
    foaf, node, rel and src are declared. Updates, SERVICE and FROM are refused.

    \b
    Examples:
      innokg sparql innokg-demo "SELECT (COUNT(*) AS ?n) WHERE { ?e a ik:Enterprise }"
      innokg sparql innokg-demo -f suppliers_of_enterprise --param enterprise=E000330
    """
    from innokg.graph.rdf import run_sparql

    text = _query_text(query, query_file)
    df = run_sparql(package, text, params=_params(params))
    write_table(df, fmt, out, title="SPARQL")


def shacl_check(target: Path) -> int:
    """Validate ``target`` (an RDF file or a package) with the generated SHACL shapes.

    Prints the violations in plain words (or that the data conforms) and returns
    the exit code: 0 when it conforms, 1 when it does not.
    """
    from innokg.graph.rdf import shacl_validate

    if not target.exists():
        raise InnokgError(f"{target}: no such file or package")
    report = shacl_validate(target)
    click.echo(report.text())
    return 0 if report.conforms else 1


COMMANDS = [ontology, sparql]
