"""GraphML and GEXF, streamed row by row (no networkx graph in memory)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from innokg.exports.common import (
    _XML_ILLEGAL,
    _XML_TYPES,
    Report,
    _columns,
    _Target,
    announce,
)
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.schema import EDGE_ENDPOINT_COLUMNS, EDGE_TYPES, NODE_LABELS

# --- GraphML and GEXF, streamed ------------------------------------------------------


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return _XML_ILLEGAL.sub("\ufffd", str(value))


def _attr_types(kind: str, skip: tuple[str, ...]) -> dict[str, str]:
    """Property name -> XML type over every label (or type); conflicting types: string."""
    specs = NODE_LABELS.values() if kind == "nodes" else EDGE_TYPES.values()
    types: dict[str, str] = {}
    for spec in specs:
        for p in spec.props:
            if p.name in skip:
                continue
            t = _XML_TYPES[p.dtype]
            types[p.name] = t if types.get(p.name, t) == t else "string"
    return types


def _edge_ids(etype: str, df: pd.DataFrame) -> list[str]:
    return [f"{etype}-{i}" for i in range(len(df))]


def _open_xml(path: Path) -> IO[str]:
    return path.open("w", encoding="utf-8", newline="\n")


def write_graphml(
    G: EcosystemGraph, out: str | Path, *, report: Report | None = None
) -> list[Path]:
    """Write the whole graph as one GraphML file, streamed.

    Nodes carry ``label`` (their node label) and their properties; edges carry
    ``type`` and their properties, and an id ``<TYPE>-<row>``.  A property name
    typed differently by two labels (``level``: text for regions, a number for
    industries) is declared as a string.

    Parameters
    ----------
    G : EcosystemGraph
    out : path
        The ``.graphml`` file.
    report : callable, optional
        Told each table as it is written.

    Returns
    -------
    list of Path
        ``[out]``.
    """
    out = Path(out)
    node_types = {"label": "string", **_attr_types("nodes", ("id",))}
    edge_types = {"type": "string", **_attr_types("edges", EDGE_ENDPOINT_COLUMNS)}
    node_keys = {name: f"n{i}" for i, name in enumerate(node_types)}
    edge_keys = {name: f"e{i}" for i, name in enumerate(edge_types)}
    with _Target(out, folder=False) as tmp, _open_xml(tmp) as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
        )
        for scope, types, keys in (
            ("node", node_types, node_keys),
            ("edge", edge_types, edge_keys),
        ):
            for name, t in types.items():
                f.write(
                    f'  <key id="{keys[name]}" for="{scope}" attr.name={quoteattr(name)} '
                    f'attr.type="{t}"/>\n'
                )
        f.write('  <graph id="G" edgedefault="directed">\n')

        def data(keys: dict[str, str], types: dict[str, str], name: str, v: Any) -> str:
            if types[name] == "string" and not isinstance(v, str):
                v = str(v)
            return f'<data key="{keys[name]}">{escape(_xml_text(v))}</data>'

        for label in NODE_LABELS:
            df = G.nodes[label]
            announce(report, f"the {label} nodes", len(df))
            cols = [p.name for p in NODE_LABELS[label].props]
            for row in _columns(df, cols):
                values = dict(zip(cols, row, strict=True))
                node_id = values.pop("id")
                parts = [data(node_keys, node_types, "label", label)]
                parts += [
                    data(node_keys, node_types, k, v) for k, v in values.items() if v is not None
                ]
                f.write(f"    <node id={quoteattr(_xml_text(node_id))}>{''.join(parts)}</node>\n")
        for etype, spec in EDGE_TYPES.items():
            df = G.edges[etype]
            announce(report, f"the {etype} edges", len(df))
            cols = ["from_id", "to_id", *(p.name for p in spec.props)]
            for eid, row in zip(_edge_ids(etype, df), _columns(df, cols), strict=True):
                values = dict(zip(cols, row, strict=True))
                u, v = values.pop("from_id"), values.pop("to_id")
                parts = [data(edge_keys, edge_types, "type", etype)]
                parts += [
                    data(edge_keys, edge_types, k, x) for k, x in values.items() if x is not None
                ]
                f.write(
                    f'    <edge id="{eid}" source={quoteattr(_xml_text(u))} '
                    f"target={quoteattr(_xml_text(v))}>{''.join(parts)}</edge>\n"
                )
        f.write("  </graph>\n</graphml>\n")
    return [out]


def write_gexf(G: EcosystemGraph, out: str | Path, *, report: Report | None = None) -> list[Path]:
    """Write the whole graph as one GEXF 1.2 file for Gephi, streamed.

    A node's GEXF ``label`` is its Chinese name (what Gephi shows); its node label
    (``Enterprise``, ...) is the attribute ``type``, for partitioning and colouring.
    An edge's GEXF ``label`` and attribute ``type`` are its edge type; its
    ``weight`` property is GEXF's edge weight.

    Parameters
    ----------
    G : EcosystemGraph
    out : path
        The ``.gexf`` file.
    report : callable, optional
        Told each table as it is written.

    Returns
    -------
    list of Path
        ``[out]``.
    """
    out = Path(out)
    node_types = {"type": "string", **_attr_types("nodes", ("id", "name"))}
    edge_types = {"type": "string", **_attr_types("edges", (*EDGE_ENDPOINT_COLUMNS, "weight"))}
    node_ids = {name: str(i) for i, name in enumerate(node_types)}
    edge_ids = {name: str(i) for i, name in enumerate(edge_types)}
    title = G.manifest.get("title") or "innokg graph"
    with _Target(out, folder=False) as tmp, _open_xml(tmp) as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
            f"  <meta><creator>innokg</creator><description>{escape(_xml_text(title))}"
            "</description></meta>\n"
            '  <graph defaultedgetype="directed" mode="static">\n'
        )
        for scope, types, ids in (("node", node_types, node_ids), ("edge", edge_types, edge_ids)):
            f.write(f'    <attributes class="{scope}" mode="static">\n')
            for name, t in types.items():
                f.write(f'      <attribute id="{ids[name]}" title={quoteattr(name)} type="{t}"/>\n')
            f.write("    </attributes>\n")

        def attvalues(ids: dict[str, str], values: dict[str, Any]) -> str:
            inner = "".join(
                f'<attvalue for="{ids[k]}" value={quoteattr(_xml_text(v))}/>'
                for k, v in values.items()
                if v is not None
            )
            return f"<attvalues>{inner}</attvalues>"

        f.write("    <nodes>\n")
        for label in NODE_LABELS:
            df = G.nodes[label]
            announce(report, f"the {label} nodes", len(df))
            cols = [p.name for p in NODE_LABELS[label].props]
            for row in _columns(df, cols):
                values = dict(zip(cols, row, strict=True))
                node_id, name = values.pop("id"), values.pop("name")
                f.write(
                    f"      <node id={quoteattr(_xml_text(node_id))} "
                    f"label={quoteattr(_xml_text(name if name is not None else node_id))}>"
                    f"{attvalues(node_ids, {'type': label, **values})}</node>\n"
                )
        f.write("    </nodes>\n    <edges>\n")
        for etype, spec in EDGE_TYPES.items():
            df = G.edges[etype]
            announce(report, f"the {etype} edges", len(df))
            cols = ["from_id", "to_id", *(p.name for p in spec.props)]
            for eid, row in zip(_edge_ids(etype, df), _columns(df, cols), strict=True):
                values = dict(zip(cols, row, strict=True))
                u, v, w = values.pop("from_id"), values.pop("to_id"), values.pop("weight")
                weight = f' weight="{_xml_text(float(w))}"' if w is not None else ""
                f.write(
                    f'      <edge id="{eid}" source={quoteattr(_xml_text(u))} '
                    f'target={quoteattr(_xml_text(v))} label="{etype}"{weight}>'
                    f"{attvalues(edge_ids, {'type': etype, **values})}</edge>\n"
                )
        f.write("    </edges>\n  </graph>\n</gexf>\n")
    return [out]
