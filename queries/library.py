"""The shared Cypher query library, and the one adapter between dialects.

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
embedded engine, :func:`adapt` rewrites the few constructs ladybug spells
differently; this is the only place such differences are handled.

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
from innokg.graph.stores.base import QueryRunner, mask, parameter_names

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

        Raises
        ------
        QueryError
            For an unknown parameter, a missing one or a value of the wrong type.
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
        """The query as the store of ``dialect`` should run it."""
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
        The embedded database or a Bolt server.
    query : LibraryQuery or str
        The query or its name.
    values : dict, optional
        Parameter values (text is converted to the declared types).
    limit : int, optional
        Fetch at most this many rows.

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

    >>> example_graph({"scope": "henan", "synthetic": False})
    'henan'
    >>> example_graph({"title": "Henan-shaped demo ecosystem", "synthetic": True})
    'demo'
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

    Raises
    ------
    QueryError
        When the header is malformed or disagrees with the query.
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
    """Every query of the library, by name, in name order."""
    return dict(_load(Path(folder) if folder else LIBRARY))


def get_query(name: str) -> LibraryQuery:
    """One library query by name.

    Raises
    ------
    QueryError
        Naming the queries there are, when ``name`` is not one of them.
    """
    library = load_library()
    if name not in library:
        raise QueryError(
            f"no library query named {name!r}; `innokg queries list` shows them: "
            + ", ".join(library)
        )
    return library[name]


# --- the dialect adapter --------------------------------------------------------------------
#
# ladybug (the embedded engine) spells four Neo4j constructs differently.  Each rule
# below rewrites one of them; text in strings and comments is never touched.
#
#   Neo4j                                  ladybug
#   type(r)                                label(r)
#   labels(n)[0]                           label(n)          (its lists count from 1)
#   shortestPath((a)-[:T*..6]-(b))         (a)-[:T* SHORTEST 1..6]-(b)
#   [x IN list WHERE p | e]                list_transform(list_filter(list, x -> p), x -> e)

_TYPE_RE = re.compile(r"(?<![\w.$`])type(\s*\()", re.IGNORECASE)
_LABELS0_RE = re.compile(r"(?<![\w.$`])labels\s*\(\s*(\w+)\s*\)\s*\[\s*0\s*\]", re.IGNORECASE)
_SHORTEST_RE = re.compile(r"(?<![\w.$`])shortestPath\s*\(", re.IGNORECASE)
_STAR_RE = re.compile(r"\*\s*(\d*)\s*(?:\.\.\s*(\d+))?\s*(?=[\]{])")
_COMPREHENSION_RE = re.compile(r"\[\s*([A-Za-z_]\w*)\s+IN\s+", re.IGNORECASE)


def _closing(masked: str, start: int, open_: str, close: str) -> int:
    """The index of the bracket closing the one at ``start``."""
    depth = 0
    for i in range(start, len(masked)):
        if masked[i] in "([{":
            depth += 1
        elif masked[i] in ")]}":
            depth -= 1
            if depth == 0:
                if masked[i] != close:
                    break
                return i
    raise QueryError(f"unbalanced {open_!r} at offset {start} of the query")


def _top_level(masked: str, lo: int, hi: int, pattern: re.Pattern[str]) -> re.Match[str] | None:
    depth = 0
    for i in range(lo, hi):
        c = masked[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0:
            m = pattern.match(masked, i, hi)
            if m and (i == lo or not (masked[i - 1].isalnum() or masked[i - 1] == "_")):
                return m
    return None


def _rewrite_shortest(query: str, masked: str) -> str | None:
    m = _SHORTEST_RE.search(masked)
    if not m:
        return None
    open_at = m.end() - 1
    close_at = _closing(masked, open_at, "(", ")")
    inner = query[open_at + 1 : close_at]

    def star(s: re.Match[str]) -> str:
        lo = s.group(1) or "1"
        hi = s.group(2) or (s.group(1) or "30")
        return f"* SHORTEST {lo}..{hi}"

    return query[: m.start()] + _STAR_RE.sub(star, inner, count=1) + query[close_at + 1 :]


def _rewrite_comprehension(query: str, masked: str) -> str | None:
    m = _COMPREHENSION_RE.search(masked)
    if not m:
        return None
    var = m.group(1)
    end = _closing(masked, m.start(), "[", "]")
    bar = _top_level(masked, m.end(), end, re.compile(r"\|"))
    stop = bar.start() if bar else end
    where = _top_level(masked, m.end(), stop, re.compile(r"WHERE\b", re.IGNORECASE))
    source = query[m.end() : where.start() if where else stop].strip()
    if where:
        pred = query[where.end() : stop].strip()
        source = f"list_filter({source}, {var} -> {pred})"
    out = f"list_transform({source}, {var} -> {query[bar.end() : end].strip()})" if bar else source
    return query[: m.start()] + out + query[end + 1 :]


def adapt(query: str, dialect: str) -> str:
    """``query`` (Neo4j's Cypher) as the store of ``dialect`` should run it.

    Only ``"embedded"`` needs changes (see the table above); any other dialect
    gets the query unchanged.  Pattern comprehensions (``[(a)-->(b) | b.id]``),
    ``COUNT { (a)-->(b) }`` without ``MATCH``, and functions ladybug lacks
    (``toString``, ``toInteger``) are not rewritten: the library avoids them.

    >>> adapt("RETURN [x IN nodes(p) WHERE x.size = 'large' | x.id] AS ids", "embedded")
    "RETURN list_transform(list_filter(nodes(p), x -> x.size = 'large'), x -> x.id) AS ids"
    >>> adapt("MATCH p = shortestPath((a)-[:SUPPLIES*..6]-(b)) RETURN p", "embedded")
    'MATCH p = (a)-[:SUPPLIES* SHORTEST 1..6]-(b) RETURN p'
    """
    if dialect != "embedded":
        return query
    query = _sub_masked(query, _LABELS0_RE, lambda m: f"label({m.group(1)})")
    for rule in (_rewrite_shortest, _rewrite_comprehension):
        for _ in range(1000):
            new = rule(query, mask(query))
            if new is None:
                break
            query = new
    return _sub_masked(query, _TYPE_RE, lambda m: "label" + m.group(1))


def _sub_masked(query: str, pattern: re.Pattern[str], repl: Any) -> str:
    """``pattern.sub`` on the query, skipping strings and comments."""
    out, last = [], 0
    for m in pattern.finditer(mask(query)):
        out.append(query[last : m.start()])
        out.append(repl(m))
        last = m.end()
    out.append(query[last:])
    return "".join(out)
