"""The shared Cypher query library, and how to run its queries on a store.

Each file ``queries/cypher/NAME.cypher`` is one named question.  It starts with a
header of ``// key: value`` comment lines, then the query::

    // name: suppliers_of
    // title.zh: 企业的一级与二级供应商
    // title.en: Suppliers and suppliers-of-suppliers of an enterprise
    // description.zh: ...            (a line without a key continues the last one)
    // description.en: ...
    // articles: 4                    (articles of the 2016 policy it serves; optional)
    // param: enterprise string example="E000003" | 企业标识 | the enterprise's id
    // param: limit int example=20 default=20 | 行数上限 | at most this many rows
    // column: supplier string | 供应商标识 | the supplier's id
    // example.henan: enterprise="ent:stock:600569"   (the real Henan build's example)
    // needs: MEMBER_OF | 联盟成员关系 | alliance membership (MEMBER_OF), ...   (optional)

A parameter is ``NAME TYPE example=JSON [default=JSON] | 中文 | English``; one with a
default may be left out.  Types: ``string``, ``int``, ``float``, ``bool``,
``string[]``, ``int[]``.  An empty string or list as a value means "no filter" in
the queries that say so (the embedded engine cannot type a null parameter).

Each parameter's ``example=`` names something of the synthetic demo.  The line
``example.henan: NAME=JSON ...`` gives the values to use instead on the real Henan
build (``innokg henan``); parameters it leaves out keep their demo example.
:func:`example_graph` tells from a package's manifest which set fits it.

A ``needs: ITEMS | 中文 | English`` line names data the answer cannot do without.
ITEMS are node labels, edge types or ``Label.property`` / ``TYPE.property``,
separated by commas (all are needed); ``A/B`` means either will do.  Before running
such a query, :func:`run_query` checks the graph holds them, and when it does not,
raises :class:`MissingData` whose message is the plain line saying what is missing
(an empty table would read as "none").  A query with a required parameter and no
``example.henan:`` must have a ``needs:`` line: it is why the real build has no
example.

The queries are written in the Cypher that Neo4j (and ArcadeDB) accept.  For the
embedded engine, :func:`adapt` (from :mod:`innokg.queries.dialect`, re-exported here)
rewrites the few constructs ladybug spells differently; that module is the only place
such differences are handled.

Examples
--------
>>> q = get_query("suppliers_of")
>>> q.bind({"enterprise": "E000003"})
{'enterprise': 'E000003'}
>>> adapt("MATCH (a)-[r]->(b) RETURN type(r) AS t", "embedded")
'MATCH (a)-[r]->(b) RETURN label(r) AS t'
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from innokg.graph.errors import QueryError
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from innokg.graph.stores.base import QueryRunner, parameter_names
from innokg.queries.dialect import adapt

__all__ = [
    "GRAPHS",
    "LIBRARY",
    "PARAM_TYPES",
    "Column",
    "LibraryQuery",
    "MissingData",
    "Need",
    "Param",
    "adapt",
    "example_graph",
    "get_query",
    "infer_value",
    "lacking",
    "load_library",
    "parse_query",
    "run_query",
]

#: The folder of the shared library.
LIBRARY = Path(__file__).resolve().parent / "cypher"
PARAM_TYPES = ("string", "int", "float", "bool", "string[]", "int[]")
#: The graphs a query's header can give examples for: the synthetic demo
#: (``example=`` of each parameter) and the real Henan build (``example.henan:``).
GRAPHS = ("demo", "henan")
_NO_DEFAULT = object()


# --- values ------------------------------------------------------------------------------


def infer_value(text: str) -> Any:
    """A ``--param`` value typed from its text: number, boolean, null, JSON, else text.

    Parameters
    ----------
    text : str
        The value as typed after ``NAME=`` on the command line.

    Returns
    -------
    object
        What ``text`` reads as in JSON (int, float, bool, None, list, dict, or a quoted
        string unquoted); ``text`` itself when it is not JSON.

    Examples
    --------
    >>> [infer_value(v) for v in ["12", "1.5", "true", "null", '["a", 2]', "郑州市"]]
    [12, 1.5, True, None, ['a', 2], '郑州市']
    >>> infer_value('"4101"')  # quote a number to keep it text
    '4101'
    """
    try:
        return json.loads(text)
    except ValueError:
        return text


def _convert(value: Any, typ: str, name: str) -> Any:
    def bad() -> QueryError:
        return QueryError(f"parameter {name!r} must be {typ}, not {value!r}")

    if typ.endswith("[]"):
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    value = json.loads(text)
                except ValueError:
                    raise bad() from None
            else:
                value = [v.strip() for v in text.split(",") if v.strip()]
        if not isinstance(value, list | tuple):
            raise bad()
        return [_convert(v, typ[:-2], name) for v in value]
    if typ == "string":
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
        raise bad()
    if typ == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise bad()
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value) if typ == "float" else int(str(value))
    except ValueError:
        raise bad() from None
    return number


# --- the library --------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One parameter of a library query."""

    name: str
    type: str
    example: Any
    default: Any
    zh: str
    en: str

    @property
    def required(self) -> bool:
        return self.default is _NO_DEFAULT


@dataclass(frozen=True)
class Column:
    """One column a library query returns."""

    name: str
    type: str
    zh: str
    en: str


@dataclass(frozen=True)
class Need:
    """Data a query's answer cannot do without (a ``needs:`` line of its header).

    ``items`` are all needed; each is a tuple of alternatives, any one of which will
    do: ``"MEMBER_OF"``, ``"Person"``, ``"Platform.demonstration"``.
    """

    items: tuple[tuple[str, ...], ...]
    zh: str
    en: str


def _needs_line(needs: tuple[Need, ...]) -> str:
    """What ``needs`` ask for, as one line in English and Chinese."""
    en = "; and ".join(n.en.rstrip(".") for n in needs)
    zh = "；".join(n.zh.rstrip("。") for n in needs)
    return f"it needs {en}. 需要{zh}。"


def _probe(item: str) -> str:
    """A query returning one row when the graph holds ``item``."""
    name, _, prop = item.partition(".")
    where = f" WHERE x.{prop} IS NOT NULL" if prop else ""
    pattern = f"(x:{name})" if name in NODE_LABELS else f"()-[x:{name}]->()"
    return f"MATCH {pattern}{where} RETURN 1 AS found LIMIT 1"


@dataclass(frozen=True)
class LibraryQuery:
    """A named query of the shared library, with its header."""

    name: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    articles: tuple[int, ...]
    params: tuple[Param, ...]
    columns: tuple[Column, ...]
    text: str
    #: Example values for the real Henan build (``example.henan:``), or None.
    henan_example: dict[str, Any] | None = field(default=None, compare=False)
    needs: tuple[Need, ...] = ()

    def bind(self, values: dict[str, Any]) -> dict[str, Any]:
        """Check and type ``values`` (text from the command line, or Python values).

        Defaults fill parameters left out.

        Parameters
        ----------
        values : dict
            Values by parameter name: text as typed after ``--param NAME=`` (a list
            may be ``a,b`` or JSON) or Python values of the declared types.

        Returns
        -------
        dict
            Every parameter of the query, typed, in header order.

        Raises
        ------
        QueryError
            For an unknown parameter, a missing one or a value of the wrong type.

        Examples
        --------
        >>> q = get_query("platforms_in_city")
        >>> q.bind({"city": "郑州市"})
        {'city': '郑州市', 'kinds': []}
        >>> q.bind({"city": "郑州市", "kinds": "incubator,maker_space"})
        {'city': '郑州市', 'kinds': ['incubator', 'maker_space']}
        >>> q.bind({"kinds": []})
        Traceback (most recent call last):
        ...
        innokg.graph.errors.QueryError: query 'platforms_in_city' needs --param \
city=VALUE (string, e.g. "郑州市": the city, by name or id)
        """
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryError(
                f"query {self.name!r} has no parameter(s) {', '.join(unknown)}; "
                f"it takes: {', '.join(known) or 'none'}"
            )
        out = {}
        for p in self.params:
            if p.name in values:
                out[p.name] = _convert(values[p.name], p.type, p.name)
            elif p.required:
                raise QueryError(
                    f"query {self.name!r} needs --param {p.name}=VALUE ({p.type}, "
                    f"e.g. {json.dumps(p.example, ensure_ascii=False)}: {p.en})"
                )
            else:
                out[p.name] = p.default
        return out

    def examples(self, graph: str = "demo") -> dict[str, Any]:
        """The example value of every parameter, for the demo or the real Henan build.

        On ``"henan"`` the header's ``example.henan:`` values replace the demo's;
        parameters it leaves out (all of them, in a query that ``needs:`` data the
        real build lacks) keep their demo example.

        Parameters
        ----------
        graph : {"demo", "henan"}
            Which graph the values should name (see :func:`example_graph`); default
            the synthetic demo.

        Returns
        -------
        dict
            A value for every parameter, by name.

        Raises
        ------
        QueryError
            For a graph not in :data:`GRAPHS`.

        Examples
        --------
        >>> q = get_query("platforms_in_city")
        >>> q.examples()
        {'city': '郑州市', 'kinds': ['self_built_rnd', 'incubator']}
        >>> q.examples("henan")
        {'city': '郑州市', 'kinds': ['enterprise_tech_center']}
        """
        if graph not in GRAPHS:
            raise QueryError(f"no examples for graph {graph!r}; there are: {', '.join(GRAPHS)}")
        out = {p.name: p.example for p in self.params}
        if graph == "henan":
            out.update(self.henan_example or {})
        return out

    @property
    def needs_line(self) -> str:
        """What data the answer needs, in one line ('' when it names none)."""
        return _needs_line(self.needs) if self.needs else ""

    def text_for(self, dialect: str) -> str:
        """The query as the store of ``dialect`` should run it.

        Parameters
        ----------
        dialect : str
            The store's ``dialect``: ``"embedded"`` gets the query through
            :func:`adapt`, any other the query as written.

        Returns
        -------
        str

        Examples
        --------
        >>> q = get_query("shortest_chain")
        >>> [line.strip() for line in q.text.splitlines() if "AS relations" in line]
        ['[r IN relationships(p) | type(r)] AS relations']
        >>> [line.strip() for line in q.text_for("embedded").splitlines()
        ...  if "AS relations" in line]
        ['list_transform(relationships(p), r -> label(r)) AS relations']
        >>> q.text_for("neo4j") == q.text
        True
        """
        return adapt(self.text, dialect)


def run_query(
    store: QueryRunner,
    query: LibraryQuery | str,
    values: dict[str, Any] | None = None,
    *,
    limit: int | None = None,
) -> pd.DataFrame:
    """Run a library query on a store and return its table.

    Parameters
    ----------
    store : QueryRunner
        The embedded database (:class:`~innokg.graph.stores.embedded.EmbeddedStore`) or
        a Bolt server; the query is adapted to its ``dialect``.
    query : LibraryQuery or str
        The query or its name.
    values : dict, optional
        Parameter values (text is converted to the declared types); parameters left
        out take their defaults.  Default: none.
    limit : int, optional
        Fetch at most this many rows.  Default: all.

    Returns
    -------
    DataFrame
        The columns the query's header lists, in that order.

    Raises
    ------
    MissingData
        When the graph lacks data the query ``needs:`` (its message is the one
        plain line saying what); the query is then not run.
    QueryError
        For a bad parameter, or when the store refuses the query.

    Examples
    --------
    A small graph in an embedded database of a temporary folder (``innokg build``
    writes the same ``graph.lbdb`` into a package):

    >>> import tempfile
    >>> from pathlib import Path
    >>> from innokg.graph.stores.embedded import EmbeddedStore, create_database
    >>> from innokg.graph.testing import make_tables
    >>> tables = make_tables(
    ...     {"Enterprise": [{"id": "E1", "name": "宇通客车"}, {"id": "E2", "name": "中原内配"},
    ...                     {"id": "E3", "name": "多氟多"}]},
    ...     {"SUPPLIES": [("E2", "E1", {"product": "气缸套"}),
    ...                   ("E3", "E2", {"product": "氟化盐"})]},
    ... )
    >>> folder = tempfile.TemporaryDirectory()
    >>> db = Path(folder.name) / "graph.lbdb"
    >>> create_database(db, tables)
    {'database': 'graph.lbdb'}
    >>> with EmbeddedStore(db) as store:
    ...     run_query(store, "suppliers_of", {"enterprise": "E1"})
      supplier  name tier
    0       E2  中原内配    1
    1       E3   多氟多    2

    A query whose data the graph lacks says so instead of answering with no rows:

    >>> with EmbeddedStore(db) as store:
    ...     run_query(store, "alliance_members", {"alliance": "AL1"})
    Traceback (most recent call last):
    ...
    innokg.queries.library.MissingData: alliance_members has no answer on this graph: \
it needs alliance membership (MEMBER_OF), which the public sources lack. ...
    >>> folder.cleanup()
    """
    q = get_query(query) if isinstance(query, str) else query
    bound = q.bind(values or {})
    missing = lacking(store, q)
    if missing:
        raise MissingData(q, missing)
    df = store.run(q.text_for(store.dialect), bound, limit=limit)
    if len(df.columns) == 0:  # some servers name no columns for an empty result
        df = pd.DataFrame(columns=[c.name for c in q.columns], dtype=object)
    return df


class MissingData(QueryError):
    """The graph lacks data a library query needs, so it has no answer there.

    ``str()`` of it is one plain line naming the query and what it needs.
    """

    def __init__(self, query: LibraryQuery, missing: tuple[Need, ...]) -> None:
        self.query = query
        self.missing = missing
        super().__init__(f"{query.name} has no answer on this graph: {_needs_line(missing)}")


def lacking(store: QueryRunner, query: LibraryQuery | str) -> tuple[Need, ...]:
    """The ``needs:`` of ``query`` that the graph in ``store`` does not hold.

    Each item is checked with a one-row probe; a probe the store refuses (a label
    or property its schema does not have) counts as missing.

    Parameters
    ----------
    store : QueryRunner
        The embedded database or a Bolt server holding the graph.
    query : LibraryQuery or str
        The query or its name.

    Returns
    -------
    tuple of Need
        The query's ``needs:`` lines that the graph does not satisfy, in header order;
        empty when it can answer (always, for a query without ``needs:``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from innokg.graph.stores.embedded import EmbeddedStore, create_database
    >>> from innokg.graph.testing import make_tables
    >>> folder = tempfile.TemporaryDirectory()
    >>> db = Path(folder.name) / "graph.lbdb"
    >>> tables = make_tables({"Enterprise": [{"id": "E1", "name": "宇通客车"}],
    ...                       "Alliance": [{"id": "AL1", "name": "新能源客车产业联盟"}]})
    >>> _ = create_database(db, tables)
    >>> with EmbeddedStore(db) as store:
    ...     [need.en for need in lacking(store, "alliance_members")]
    ...     lacking(store, "suppliers_of")
    ['alliance membership (MEMBER_OF), which the public sources lack']
    ()
    >>> folder.cleanup()
    """
    q = get_query(query) if isinstance(query, str) else query
    found: dict[str, bool] = {}

    def holds(item: str) -> bool:
        if item not in found:
            try:
                found[item] = len(store.run(_probe(item), limit=1)) > 0
            except QueryError:
                found[item] = False
        return found[item]

    return tuple(n for n in q.needs if not all(any(map(holds, alt)) for alt in n.items))


def example_graph(package: str | Path | Mapping[str, Any] | None) -> str:
    """Which examples fit a package: ``"henan"`` for the real Henan build, else ``"demo"``.

    ``package`` is a package folder or its manifest (as
    :func:`innokg.graph.package.read_manifest` returns it).  The real build is the
    one whose manifest says ``scope: henan`` and is not ``synthetic``; every other
    graph (the demo, your own tables, no package at all) gets the demo's examples.

    Parameters
    ----------
    package : path, mapping or None
        A package folder, its manifest, or None when there is no package.

    Returns
    -------
    str
        One of :data:`GRAPHS`, for :meth:`LibraryQuery.examples`.

    Examples
    --------
    >>> example_graph({"scope": "henan", "synthetic": False})
    'henan'
    >>> example_graph({"title": "Henan-shaped demo ecosystem", "synthetic": True})
    'demo'
    >>> get_query("suppliers_of").examples(example_graph({"scope": "henan"}))
    {'enterprise': 'ent:stock:600569'}
    """
    if package is None:
        return "demo"
    if not isinstance(package, Mapping):
        from innokg.graph.package import read_manifest

        package = read_manifest(package)
    real = package.get("scope") == "henan" and not package.get("synthetic", False)
    return "henan" if real else "demo"


def _split_spec(value: str, n: int) -> list[str]:
    parts = [p.strip() for p in value.split("|")]
    if len(parts) != n:
        raise ValueError(f"expected {n} parts separated by '|' in {value!r}")
    return parts


def _keywords(text: str) -> dict[str, Any]:
    """``KEY=JSON KEY=JSON ...`` as a dict; anything else in ``text`` is an error."""
    out: dict[str, Any] = {}
    decoder = json.JSONDecoder()
    key = re.compile(r"\s*(\w+)=")
    at = 0
    while text[at:].strip():
        m = key.match(text, at)
        if not m:
            raise ValueError(f"expected NAME=JSON at {text[at:].strip()!r}")
        if m.group(1) in out:
            raise ValueError(f"{m.group(1)}= is given twice")
        out[m.group(1)], at = decoder.raw_decode(text, m.end())
    return out


def _needs(spec: str) -> Need:
    head, zh, en = _split_spec(spec, 3)
    items = []
    for item in head.split(","):
        alternatives = tuple(a.strip() for a in item.split("/") if a.strip())
        for a in alternatives:
            name, _, prop = a.partition(".")
            spec_ = NODE_LABELS.get(name) or EDGE_TYPES.get(name)
            if spec_ is None:
                raise ValueError(f"needs: {name!r} is no node label or edge type of the schema")
            if prop and prop not in {p.name for p in spec_.props}:
                raise ValueError(f"needs: {name} has no property {prop!r}")
        if not alternatives:
            raise ValueError(f"needs: an empty item in {head!r}")
        items.append(alternatives)
    return Need(tuple(items), zh, en)


def parse_query(source: str, name: str) -> LibraryQuery:
    """Parse the text of a library file named ``name``.

    Parameters
    ----------
    source : str
        The file's text: the ``// key: value`` header, then the query (see the
        module's documentation for the header's lines).
    name : str
        The file's name without ``.cypher``; the header's ``name:`` must say it.

    Returns
    -------
    LibraryQuery
        The query with its titles, descriptions, parameters, columns, real-build
        example and needs.

    Raises
    ------
    QueryError
        When the header is malformed or disagrees with the query, naming the file
        ``queries/cypher/NAME.cypher`` and what is wrong.

    Examples
    --------
    >>> text = '''// name: large_firms
    ... // title.zh: 城市的大型企业
    ... // title.en: Large enterprises of a city
    ... // description.zh: 位于该市的大型企业。
    ... // description.en: The large enterprises located in the city.
    ... // param: city string example="郑州市" | 城市 | name of the city
    ... // param: limit int example=5 default=20 | 行数上限 | at most this many rows
    ... // column: enterprise string | 企业标识 | id of the enterprise
    ... MATCH (e:Enterprise {size: 'large'})-[:LOCATED_IN]->(:Region {name: $city})
    ... RETURN e.id AS enterprise ORDER BY enterprise LIMIT $limit'''
    >>> q = parse_query(text, "large_firms")
    >>> q.title_en, [(p.name, p.type, p.required) for p in q.params]
    ('Large enterprises of a city', [('city', 'string', True), ('limit', 'int', False)])
    >>> q.bind({"city": "洛阳市"})
    {'city': '洛阳市', 'limit': 20}

    A header that disagrees with the query names the file and the difference:

    >>> parse_query(text.replace(" LIMIT $limit", ""), "large_firms")
    Traceback (most recent call last):
    ...
    innokg.graph.errors.QueryError: queries/cypher/large_firms.cypher: the header declares \
parameters ['city', 'limit'], the query uses ['city']
    """
    fields: dict[str, list[str]] = {}
    lines = source.splitlines()
    last = None
    i = 0
    while i < len(lines) and lines[i].startswith("//"):
        body = lines[i][2:]
        m = re.match(r"\s*([a-z][\w.]*):\s?(.*)$", body)
        if m:
            last = m.group(1)
            fields.setdefault(last, []).append(m.group(2).strip())
        elif last and body.strip():
            fields[last][-1] += " " + body.strip()
        i += 1
    text = "\n".join(lines[i:]).strip()
    where = f"queries/cypher/{name}.cypher"
    try:
        if fields.get("name") != [name]:
            raise ValueError(f"the header must say 'name: {name}'")
        params = []
        for spec in fields.get("param", []):
            head, zh, en = _split_spec(spec, 3)
            pname, ptype, *_ = [*head.split(), "", ""]
            if ptype not in PARAM_TYPES:
                raise ValueError(f"parameter {pname!r}: type must be one of {PARAM_TYPES}")
            kw = _keywords(head.split(None, 2)[2] if len(head.split(None, 2)) > 2 else "")
            if "example" not in kw:
                raise ValueError(f"parameter {pname!r} has no example=")
            odd = sorted(set(kw) - {"example", "default"})
            if odd:
                raise ValueError(
                    f"parameter {pname!r}: unknown {'=, '.join(odd)}= (it takes "
                    "example= and default=; example.henan: is a line of its own)"
                )
            params.append(
                Param(pname, ptype, kw["example"], kw.get("default", _NO_DEFAULT), zh, en)
            )
        columns = []
        for spec in fields.get("column", []):
            head, zh, en = _split_spec(spec, 3)
            cname, ctype = head.split()
            columns.append(Column(cname, ctype, zh, en))
        articles = tuple(
            int(a) for a in " ".join(fields.get("articles", [])).replace(",", " ").split()
        )
        one = {k: " ".join(v) for k, v in fields.items()}
        for key in ("title.zh", "title.en", "description.zh", "description.en"):
            if not one.get(key):
                raise ValueError(f"the header has no '{key}:'")
        declared = [p.name for p in params]
        used = parameter_names(text)
        if sorted(declared) != sorted(used):
            raise ValueError(f"the header declares parameters {declared}, the query uses {used}")
        if not columns:
            raise ValueError("the header lists no 'column:'")
        needs = tuple(_needs(spec) for spec in fields.get("needs", []))
        henan = None
        if "example.henan" in fields:
            henan = _keywords(" ".join(fields["example.henan"]))
            unknown = sorted(set(henan) - set(declared))
            if unknown:
                raise ValueError(f"example.henan: names no parameter(s) {', '.join(unknown)}")
        probe = LibraryQuery(name, "", "", "", "", (), tuple(params), (), "")
        probe.bind(probe.examples())
        if henan is not None:
            probe.bind({**probe.examples(), **henan})
    except QueryError as exc:
        raise QueryError(f"{where}: {exc}") from None
    except (ValueError, json.JSONDecodeError) as exc:
        raise QueryError(f"{where}: {exc}") from None
    return LibraryQuery(
        name=name,
        title_zh=one["title.zh"],
        title_en=one["title.en"],
        description_zh=one["description.zh"],
        description_en=one["description.en"],
        articles=articles,
        params=tuple(params),
        columns=tuple(columns),
        text=text,
        henan_example=henan,
        needs=needs,
    )


@cache
def _load(folder: Path) -> dict[str, LibraryQuery]:
    files = sorted(folder.glob("*.cypher"))
    return {f.stem: parse_query(f.read_text(encoding="utf-8"), f.stem) for f in files}


def load_library(folder: str | Path | None = None) -> dict[str, LibraryQuery]:
    """Every query of the library, by name, in name order.

    Parameters
    ----------
    folder : path, optional
        A folder of ``NAME.cypher`` files.  Default: the shared library shipped with
        innokg (:data:`LIBRARY`).  Each folder is read once per process.

    Returns
    -------
    dict of str to LibraryQuery

    Raises
    ------
    QueryError
        When a file's header is malformed (see :func:`parse_query`).

    Examples
    --------
    >>> library = load_library()
    >>> library["city_enterprises"].title_en
    'Enterprises of a city'
    >>> [name for name in library if name.startswith("platform")]
    ['platform_share_by_city', 'platforms_by_city_year', 'platforms_in_city']
    """
    return dict(_load(Path(folder) if folder else LIBRARY))


def get_query(name: str) -> LibraryQuery:
    """One library query by name.

    Parameters
    ----------
    name : str
        The query's name (its file's name in ``queries/cypher/`` without ``.cypher``).

    Returns
    -------
    LibraryQuery

    Raises
    ------
    QueryError
        Naming the queries there are, when ``name`` is not one of them.

    Examples
    --------
    >>> q = get_query("suppliers_of")
    >>> q.title_en, [p.name for p in q.params], [c.name for c in q.columns]
    ('Suppliers and suppliers-of-suppliers of an enterprise', ['enterprise'], \
['supplier', 'name', 'tier'])
    >>> print(q.text)
    MATCH p = (s:Enterprise)-[:SUPPLIES*1..2]->(e:Enterprise {id: $enterprise})
    WHERE s.id <> e.id
    RETURN s.id AS supplier, s.name AS name, min(length(p)) AS tier
    ORDER BY tier, supplier
    >>> get_query("supplier_of")
    Traceback (most recent call last):
    ...
    innokg.graph.errors.QueryError: no library query named 'supplier_of'; \
`innokg queries list` shows them: alliance_members, alliances_by_industry, ...
    """
    library = load_library()
    if name not in library:
        raise QueryError(
            f"no library query named {name!r}; `innokg queries list` shows them: "
            + ", ".join(library)
        )
    return library[name]
