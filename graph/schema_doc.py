"""Render the schema as Markdown: ``docs/schema.md`` is this module's output.

Regenerate after changing :mod:`innokg.graph.schema`::

    python -m innokg.graph.schema_doc > docs/schema.md

A test fails when the committed file differs from what this renders.
"""

from __future__ import annotations

from innokg.graph.schema import (
    EDGE_COMMON,
    EDGE_TYPES,
    NODE_ATTRIBUTES,
    NODE_COMMON,
    NODE_LABELS,
    SCHEMA_VERSION,
    Prop,
    edge_columns,
    node_columns,
)

__all__ = ["render_schema_markdown"]


def _constraint(p: Prop) -> str:
    parts = []
    if p.values:
        parts.append("one of " + ", ".join(f"`{v}`" for v in p.values))
    if p.check == "uscc":
        parts.append("18 characters, GB 32100-2015 check character verified")
    if p.check == "nbs_code":
        parts.append("2, 4, 6, 9 or 12 digits")
    if p.check == "date":
        parts.append("a date; 1998-03-02, 1998/3/2, 1998年3月2日 and 19980302 are read")
    if p.check == "json_object":
        parts.append('a JSON object, e.g. `{"经营期限": "长期"}`')
    if p.minimum is not None:
        parts.append(f">= {p.minimum:g}")
    if p.maximum is not None:
        parts.append(f"<= {p.maximum:g}")
    return "; ".join(parts)


def _props_table(props: tuple[Prop, ...], skip: set[str]) -> list[str]:
    rows = [
        "| property | type | required | 中文 | English | allowed |",
        "|---|---|---|---|---|---|",
    ]
    for p in props:
        if p.name in skip:
            continue
        req = "yes" if p.required else ""
        rows.append(f"| `{p.name}` | {p.dtype} | {req} | {p.zh} | {p.en} | {_constraint(p)} |")
    return rows


def render_schema_markdown() -> str:
    """The Markdown text of ``docs/schema.md``.

    Returns
    -------
    str
        The properties of every node and of every edge, then one section per node
        label and per edge type: its description, its CSV header and a table of its
        own properties (type, whether required, titles, allowed values).

    Examples
    --------
    >>> text = render_schema_markdown()
    >>> text.splitlines()[0]
    '# Schema'
    >>> start = text.index("### Fund ")
    >>> print(text[start : text.index("### MakerTeam ")])
    ### Fund (基金, Fund)
    <BLANKLINE>
    An investment fund, maker fund or maker bank.
    <BLANKLINE>
    CSV header: `id,name,name_en,source,since,until,kind,amount,attributes`
    <BLANKLINE>
    | property | type | required | 中文 | English | allowed |
    |---|---|---|---|---|---|
    | `kind` | string | yes | 类型 | kind | one of `industry_investment`, `venture`, ... |
    | `amount` | float |  | 规模（万元） | size (10k CNY) | >= 0 |
    <BLANKLINE>
    <BLANKLINE>
    """
    common_n = {p.name for p in NODE_COMMON}
    common_e = {p.name for p in EDGE_COMMON}
    out = [
        "# Schema",
        "",
        f"Schema version {SCHEMA_VERSION}. Generated from `graph/schema.py` by "
        "`python -m innokg.graph.schema_doc`; do not edit by hand.",
        "",
        "Canonical tables: one CSV (or Parquet, or workbook sheet) per node label, "
        "`nodes/<Label>.csv`, and per edge type, `edges/<TYPE>.csv`. The header row names "
        "the properties below; edge tables begin with `from_id` and `to_id`. Empty cells "
        "are missing values. Ids are unique across the whole graph.",
        "",
        "## Properties of every node",
        "",
        *_props_table(NODE_COMMON, set()),
        "",
        f"`{NODE_ATTRIBUTES.name}` is the last column of every node table. It keeps the "
        "columns of a user's table that match no property (after the header aliases: "
        "see docs/tables.md), one JSON object per row: the header as written -> the "
        'cell as text, blank cells left out, e.g. `{"经营期限": "长期", "所属行业": '
        '"通用设备制造业"}`. `innokg build --extra-columns reject` refuses such columns '
        "instead, with one problem naming the file and the columns. It is text in every "
        "store and format (Parquet, the embedded database, Neo4j, RDF), since Neo4j has "
        "no map-valued properties: read it with `json.loads` in Python, or match it as "
        "text in Cypher (`e.attributes CONTAINS '长期'`). Edge tables keep no attributes.",
        "",
        "## Properties of every edge",
        "",
        *_props_table(EDGE_COMMON, set()),
        "",
        "`evidence`: `observed` (stated by the source), `inferred` (derived; `method` says "
        "how), `synthetic` (invented for the demo).",
        "",
        "## Node labels",
        "",
    ]
    for label in NODE_LABELS.values():
        out += [f"### {label.name} ({label.zh}, {label.en})", "", label.description, ""]
        out += [f"CSV header: `{','.join(node_columns(label.name))}`", ""]
        own = _props_table(label.props, common_n)
        out += (own if len(own) > 2 else ["No properties beyond those of every node."]) + [""]
    out += ["## Edge types", ""]
    for etype in EDGE_TYPES.values():
        out += [f"### {etype.name} ({etype.zh}, {etype.en})", "", etype.description, ""]
        ends = ", ".join(f"{a} → {b}" for a, b in etype.endpoints)
        out += [f"Endpoints: {ends}", "", f"CSV header: `{','.join(edge_columns(etype.name))}`", ""]
        own = _props_table(etype.props, common_e)
        out += (own if len(own) > 2 else ["No properties beyond those of every edge."]) + [""]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render_schema_markdown(), end="")
