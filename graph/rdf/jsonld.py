"""JSON-LD, written as plain JSON objects: one per node, relation and source.

Each node's object holds its direct links (``"supplies": "node:E2"``), so that a
JSON-LD reader sees the graph's shape without following the qualified relations.
"""

from __future__ import annotations

import json
import math
from typing import IO, Any

import numpy as np
import pandas as pd

from innokg.graph.ontology import (
    BASE,
    CONTEXT_IRI,
    DataProperty,
    edge_property,
    edge_terms,
    jsonld_context,
    node_property,
)
from innokg.graph.rdf.iris import Iris, encode_id
from innokg.graph.rdf.turtle import Writer, encoded_ids, xsd_double
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS, Prop
from innokg.graph.validate import Tables

__all__ = ["JsonLdWriter", "Outgoing"]


class JsonLdWriter(Writer):
    """JSON-LD written as plain JSON objects, one per node, relation and source."""

    syntax = "jsonld"

    def __init__(
        self,
        out: IO[str],
        iris: Iris,
        sources: dict[str, str],
        *,
        outgoing: Outgoing,
        context_iri: bool,
    ) -> None:
        super().__init__(out, iris, sources)
        self.outgoing = outgoing
        self.context_iri = context_iri
        self.first = True

    def begin(self) -> None:
        prefixes = {
            "node": self.iris.node,
            "rel": self.iris.rel,
            "src": self.iris.src,
        }
        if self.context_iri:
            ctx: Any = [CONTEXT_IRI, prefixes] if self.iris.base != BASE else CONTEXT_IRI
        else:
            ctx = jsonld_context(data_base=self.iris.base)
        head = json.dumps({"@context": ctx}, ensure_ascii=False, indent=1)
        self.out.write(head[:-2] + ',\n "@graph": [\n')

    def end(self) -> None:
        self.out.write("\n ]\n}\n")

    def _emit(self, objs: list[dict[str, Any]]) -> None:
        if not objs:
            return
        text = ",\n".join(json.dumps(o, ensure_ascii=False) for o in objs)
        self.out.write(("" if self.first else ",\n") + text)
        self.first = False

    def _ref(self, iri: str) -> str:
        for prefix, ns in (
            ("node", self.iris.node),
            ("rel", self.iris.rel),
            ("src", self.iris.src),
        ):
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return iri

    def write_sources(self) -> None:
        objs = [
            {"@id": self._ref(iri), "@type": "Entity", "label": text}
            for text, iri in self.sources.items()
        ]
        self.triples += 2 * len(objs)
        self._emit(objs)

    def _props(
        self, df: pd.DataFrame, terms: list[tuple[str, DataProperty, Prop]]
    ) -> list[dict[str, Any]]:
        n = len(df)
        rows: list[dict[str, Any]] = [{} for _ in range(n)]
        for name, term, prop in terms:
            values = df[name].to_numpy(dtype=object, na_value=None)
            key = term.local
            for i, v in enumerate(values):
                if v is None:
                    continue
                rows[i][key] = self._json_value(v, prop, name)
                self.triples += 1
        return rows

    def _json_value(self, v: Any, prop: Prop, name: str) -> Any:
        if name == "source":
            return self._ref(self.sources[str(v)])
        if prop.dtype in ("int", "year"):
            return int(v)
        if prop.dtype == "float":
            f = float(v)
            return f if math.isfinite(f) else xsd_double(f)
        if prop.dtype == "bool":
            return bool(v)
        return str(v)

    def nodes(self, label: str, df: pd.DataFrame) -> None:
        terms = [(p.name, node_property(label, p.name), p) for p in NODE_LABELS[label].props]
        enc = encoded_ids(df["id"])
        rows = self._props(df, terms)
        links = self.outgoing.for_ids(df["id"].to_numpy(dtype=object))
        objs = []
        for i, props in enumerate(rows):
            obj: dict[str, Any] = {"@id": "node:" + enc[i], "@type": label, **props}
            for key, targets in links[i].items():
                obj[key] = targets[0] if len(targets) == 1 else targets
                self.triples += len(targets)
            objs.append(obj)
        self.triples += len(objs)
        self._emit(objs)

    def edges(self, etype: str, df: pd.DataFrame, ordinal: np.ndarray) -> None:
        t = edge_terms(etype)
        terms = [(p.name, edge_property(etype, p.name), p) for p in EDGE_TYPES[etype].props]
        f_enc, t_enc = encoded_ids(df["from_id"]), encoded_ids(df["to_id"])
        rows = self._props(df, terms)
        objs = []
        for i, props in enumerate(rows):
            rid = f"rel:{etype}.{f_enc[i]}.{t_enc[i]}" + (
                f".{ordinal[i]}" if ordinal[i] > 1 else ""
            )
            objs.append(
                {
                    "@id": rid,
                    "@type": t.relation_local,
                    t.from_local: "node:" + f_enc[i],
                    t.to_local: "node:" + t_enc[i],
                    **props,
                }
            )
        self.triples += 3 * len(objs)
        self._emit(objs)


class Outgoing:
    """Each node's direct links, grouped for writing inside the node's JSON object.

    Held as integer arrays sorted by source node, not as Python lists per node, so
    the index of a million-node graph costs tens of megabytes.
    """

    def __init__(self, tables: Tables) -> None:
        ids = pd.concat([df["id"] for df in tables.nodes.values()], ignore_index=True)
        self.index = pd.Index(ids.astype(object))
        frames = []
        for k, df in enumerate(tables.edges.values()):
            if len(df):
                d = df[["from_id", "to_id"]].drop_duplicates()
                frames.append(d.assign(_k=np.int16(k)))
        self.links = [edge_terms(t).link_local for t in tables.edges]
        if frames:
            all_edges = pd.concat(frames, ignore_index=True)
        else:
            all_edges = pd.DataFrame({"from_id": [], "to_id": [], "_k": []})
        src = self.index.get_indexer(all_edges["from_id"].astype(object))
        order = np.argsort(src, kind="stable")
        self.src = src[order]
        self.kind = all_edges["_k"].to_numpy()[order]
        codes, uniques = pd.factorize(all_edges["to_id"].astype(object))
        self.to = codes[order]
        self.to_enc = np.array([encode_id(str(u)) for u in uniques], dtype=object)

    def for_ids(self, ids: np.ndarray) -> list[dict[str, list[str]]]:
        pos = self.index.get_indexer(ids)
        lo = np.searchsorted(self.src, pos, side="left")
        hi = np.searchsorted(self.src, pos, side="right")
        out: list[dict[str, list[str]]] = []
        for a, b in zip(lo, hi, strict=True):
            links: dict[str, list[str]] = {}
            for j in range(a, b):
                links.setdefault(self.links[self.kind[j]], []).append(
                    "node:" + self.to_enc[self.to[j]]
                )
            out.append(links)
        return out
