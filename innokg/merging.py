"""Merging what several sources say: one node per thing, places resolved, reference
regions added, observed edges over inferred ones (see :mod:`innokg.pipeline`, which
calls :func:`merge_sources` before it validates and writes)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.schema import EDGE_TYPES, NODE_LABELS
from innokg.loaders.base import REJECT_COLUMNS, SourceTables
from innokg.loaders.reference import china_provinces, henan_regions
from innokg.loaders.regions import (
    REGION_PREFIX,
    ZONE_PREFIX,
    RegionResolver,
    division_id,
    is_zone_code,
    zone_kind,
)
from innokg.loaders.resolve import (
    resolve_entities,
)

#: One row per inferred edge dropped because an observed one joins the same nodes.
EDGE_MERGE_COLUMNS = [
    "type",
    "from_id",
    "to_id",
    "rule",
    "kept_source",
    "kept_file",
    "kept_row",
    "dropped_evidence",
    "dropped_method",
    "dropped_source",
    "dropped_file",
    "dropped_row",
]
REFERENCE_SOURCE = "reference:henan_regions.csv"
_PRIVATE = ("_aliases", "_place", "_within", "_src", "_source")


# --- merging -----------------------------------------------------------------------


@dataclass
class Merged:
    """Raw tables of several sources merged into one graph, ready for validation."""

    nodes: dict[str, pd.DataFrame]
    edges: dict[str, pd.DataFrame]
    merges: pd.DataFrame
    conflicts: pd.DataFrame
    kept_apart: pd.DataFrame
    #: rows the merging step dropped (a place no region matches): file, row, column, reason
    rejects: pd.DataFrame
    #: per source position: counts of what merging did to its rows
    per_source: list[dict[str, int]]
    #: facts about the merge as a whole (reference regions added, ...)
    notes: dict[str, Any]
    #: display file name -> position of the source it came from
    file_source: dict[str, int]
    #: display file name -> the name its source gave it (they differ where two
    #: sources have a file of the same name)
    file_original: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: inferred edges dropped for an observed edge between the same nodes
    #: (:data:`EDGE_MERGE_COLUMNS`)
    edge_merges: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=EDGE_MERGE_COLUMNS)
    )


def _source_name(src: SourceTables) -> str:
    return f"{src.kind}:{src.path}"


def _obj(values: Any, index: pd.Index | None = None) -> pd.Series:
    return pd.Series(values, index=index, dtype=object)


def _lookup(series: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """``series`` with the values found in ``mapping`` replaced (others kept)."""
    if not mapping:
        return series
    values = series.to_numpy(dtype=object)
    get = mapping.get
    return _obj([get(v, v) for v in values], series.index)


def _stack(
    sources: list[SourceTables], part: str, file_names: list[dict[str, str]]
) -> dict[str, pd.DataFrame]:
    out: dict[str, list[pd.DataFrame]] = {}
    for i, src in enumerate(sources):
        for name, df in getattr(src, part).items():
            df = df.copy()
            if "_file" in df.columns and file_names[i]:
                df["_file"] = _lookup(df["_file"].astype(object), file_names[i])
            df["_src"] = i
            df["_source"] = _source_name(src)
            out.setdefault(name, []).append(df)
    return {k: pd.concat(v, ignore_index=True) if len(v) > 1 else v[0] for k, v in out.items()}


def _file_names(sources: list[SourceTables]) -> tuple[list[dict[str, str]], dict[str, int]]:
    """Prefix display file names that two sources share, so each names one source."""
    files: list[set[str]] = []
    for src in sources:
        names: set[str] = set(src.ledger.files())
        for df in [*src.nodes.values(), *src.edges.values()]:
            if "_file" in df.columns and len(df):
                names |= set(df["_file"].astype(str).unique())
        files.append(names)
    count = Counter(f for names in files for f in names)
    renames: list[dict[str, str]] = []
    owner: dict[str, int] = {}
    for i, (src, names) in enumerate(zip(sources, files, strict=True)):
        ren = {f: f"{src.path}/{f}" for f in names if count[f] > 1}
        renames.append(ren)
        for f in names:
            owner[ren.get(f, f)] = i
    return renames, owner


def _id_set(df: pd.DataFrame) -> set[str]:
    """The ids of a node table (through numpy: iterating Arrow strings one by one is slow)."""
    return set(df["id"].astype(str).to_numpy(dtype=object).tolist())


def _resolver(nodes: dict[str, pd.DataFrame]) -> RegionResolver:
    regions = nodes.get("Region")
    if regions is None or regions.empty:
        return RegionResolver.henan()
    table = regions.reindex(columns=["id", "name", "level", "code"])
    return RegionResolver(table)


def _resolve_places(
    edges: pd.DataFrame,
    node_ids: set[str],
    resolver: RegionResolver,
    per_source: list[dict[str, int]],
    rejects: list[pd.DataFrame],
) -> pd.DataFrame:
    """LOCATED_IN targets written as place names or codes, turned into Region ids."""
    flagged = (
        edges["_place"].astype(object).fillna(False).astype(bool)
        if "_place" in edges.columns
        else pd.Series(False, index=edges.index)
    )
    to = edges["to_id"].astype(object)
    unknown = pd.Series([v not in node_ids for v in to.tolist()], index=edges.index)
    todo = flagged | unknown
    if not todo.any():
        return edges
    within = (
        edges.loc[todo, "_within"].astype(object).where(lambda s: s.notna(), "")
        if "_within" in edges.columns
        else None
    )
    found = resolver.resolve_many(to[todo].astype(str), within=within)
    hit = found["id"].notna()
    edges = edges.copy()
    idx = found.index[hit.to_numpy()]
    edges.loc[idx, "to_id"] = found.loc[idx, "id"].astype(object)
    for s in edges.loc[idx, "_src"].tolist():
        per_source[int(s)]["places resolved to a Region"] += 1
    miss = found.index[~hit.to_numpy() & flagged[found.index].to_numpy()]
    if len(miss):
        dropped = edges.loc[miss]
        reasons = [
            f"place {t!r} matches no Region ({note}); add a regions source or write the code"
            for t, note in zip(
                dropped["to_id"].tolist(), found.loc[miss, "note"].tolist(), strict=True
            )
        ]
        rejects.append(
            pd.DataFrame(
                {
                    "file": dropped["_file"].astype(str).to_numpy(),
                    "row": dropped["_row"].to_numpy(),
                    "column": "to_id",
                    "reason": reasons,
                    "_src": dropped["_src"].to_numpy(),
                }
            )
        )
        edges = edges.drop(index=miss)
    return edges


def _add_reference_regions(
    nodes: dict[str, pd.DataFrame], edges: dict[str, pd.DataFrame], notes: dict[str, Any]
) -> None:
    """Divisions that LOCATED_IN edges need and no source gives, from the reference.

    The shipped tables know Henan's divisions and China's provinces.
    """
    located = edges.get("LOCATED_IN")
    if located is None or located.empty:
        return
    have = set().union(*(_id_set(df) for df in nodes.values() if len(df) and "id" in df))
    wanted = {
        v
        for v in located["to_id"].astype(str).unique()
        if v.startswith((REGION_PREFIX, ZONE_PREFIX))
    }
    missing = wanted - have
    if not missing:
        return
    provinces = china_provinces()
    others = provinces[provinces["code"] != "41"].assign(level="province", parent_code="")
    ref = pd.concat([henan_regions(), others], ignore_index=True)
    parent = dict(zip(ref["code"], ref["parent_code"], strict=True))
    codes: set[str] = set()
    for rid in missing:
        code = rid.removeprefix(REGION_PREFIX).removeprefix(ZONE_PREFIX)
        while code and code in parent and division_id(code) not in have:
            codes.add(code)
            code = parent[code]
    if not codes:
        return
    rows = ref[ref["code"].isin(codes)]
    zone = rows["code"].map(is_zone_code).astype(bool)
    new = pd.DataFrame(
        {
            "id": rows["code"].map(division_id),
            "name": rows["name"],
            "level": rows["level"],
            "code": rows["code"],
            "source": REFERENCE_SOURCE,
            "_file": "henan_regions.csv (shipped with innokg)",
            "_row": rows.index.to_numpy() + 1,
            "_src": -1,
            "_source": REFERENCE_SOURCE,
        }
    )
    zones = new[zone.to_numpy()].drop(columns=["level"])
    zones["kind"] = zones["name"].map(zone_kind)
    new = new[~zone.to_numpy()]
    nodes["Region"] = pd.concat([nodes.get("Region", pd.DataFrame()), new], ignore_index=True)
    if len(zones):
        nodes["Zone"] = pd.concat([nodes.get("Zone", pd.DataFrame()), zones], ignore_index=True)
    up = rows[rows["parent_code"] != ""]
    link = pd.DataFrame(
        {
            "from_id": up["code"].map(division_id),
            "to_id": REGION_PREFIX + up["parent_code"],
            "source": REFERENCE_SOURCE,
            "evidence": "observed",
            "_file": "henan_regions.csv (shipped with innokg)",
            "_row": up.index.to_numpy() + 1,
            "_src": -1,
            "_source": REFERENCE_SOURCE,
        }
    )
    edges["LOCATED_IN"] = pd.concat([located, link], ignore_index=True)
    notes["regions added from the shipped reference"] = len(new)
    if len(zones):
        notes["zones added from the shipped Henan reference"] = len(zones)


def _edge_keys(etype: str, df: pd.DataFrame) -> list[str]:
    """What makes two rows the same edge: the endpoints and the type's own key
    properties (a SUPPLIES edge's product), not its evidence or provenance."""
    extra = [p.name for p in EDGE_TYPES[etype].props if p.name not in _COMMON_EDGE_PROPS]
    return ["from_id", "to_id", *[c for c in extra if c in df.columns]]


_COMMON_EDGE_PROPS = {"source", "evidence", "method", "confidence", "since", "until", "weight"}


def _edge_groups(df: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """A group number per row: rows with equal values in ``cols`` share one."""
    key = df[cols].astype(object).where(df[cols].notna(), "\x00").astype(str)
    return np.asarray(key.groupby(cols, sort=False).ngroup().to_numpy())


def _drop_inferred(
    etype: str,
    df: pd.DataFrame,
    per_source: list[dict[str, int]],
    record: list[pd.DataFrame],
) -> pd.DataFrame:
    """Inferred rows of an edge that a row of the same edge states as observed."""
    if "evidence" not in df.columns:
        return df
    evidence = df["evidence"].astype(object).where(df["evidence"].notna(), "").astype(str)
    observed = (evidence.str.strip() == "observed").to_numpy()
    inferred = (evidence.str.strip() == "inferred").to_numpy()
    if not observed.any() or not inferred.any():
        return df
    group = _edge_groups(df, _edge_keys(etype, df))
    first_observed = pd.Series(np.flatnonzero(observed), index=group[observed])
    first_observed = first_observed[~first_observed.index.duplicated()]
    drop = inferred & np.isin(group, first_observed.index.to_numpy())
    if not drop.any():
        return df
    kept = first_observed.loc[group[drop]].to_numpy()

    def col(name: str, rows: np.ndarray) -> np.ndarray:
        if name not in df.columns:
            return np.full(len(rows), None, dtype=object)
        return np.asarray(df[name].to_numpy(dtype=object)[rows])

    dropped = np.flatnonzero(drop)
    record.append(
        pd.DataFrame(
            {
                "type": etype,
                "from_id": col("from_id", dropped),
                "to_id": col("to_id", dropped),
                "rule": "observed over inferred",
                "kept_source": col("source", kept),
                "kept_file": col("_file", kept),
                "kept_row": col("_row", kept),
                "dropped_evidence": "inferred",
                "dropped_method": col("method", dropped),
                "dropped_source": col("source", dropped),
                "dropped_file": col("_file", dropped),
                "dropped_row": col("_row", dropped),
            },
            columns=EDGE_MERGE_COLUMNS,
        )
    )
    for s in df["_src"].to_numpy()[dropped].tolist():
        if int(s) >= 0:
            per_source[int(s)]["inferred edges dropped: an observed one joins the same nodes"] += 1
    return df[~drop].reset_index(drop=True)


def _merge_edges(
    etype: str,
    df: pd.DataFrame,
    per_source: list[dict[str, int]],
    record: list[pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """One edge per pair of nodes and evidence: an observed row wins over inferred ones
    (those dropped are appended to ``record``), and the same edge from several sources
    is one row with every source in ``source``."""
    needed = {"from_id", "to_id", "source"}
    if df.empty or not needed <= set(df.columns):
        return df
    df = _drop_inferred(etype, df, per_source, [] if record is None else record)
    if df["_src"].nunique() < 2:
        return df
    cols = [*_edge_keys(etype, df), *(["evidence"] if "evidence" in df.columns else [])]
    group = _edge_groups(df, cols)
    first = pd.Series(np.arange(len(df))).groupby(group).transform("min").to_numpy()
    src = df["_src"].to_numpy()
    dup = (first != np.arange(len(df))) & (src != src[first])
    if not dup.any():
        return df
    df = df.copy()
    extra: dict[int, list[str]] = {}
    for pos in np.flatnonzero(dup):
        extra.setdefault(int(first[pos]), []).append(str(df["source"].iat[pos]))
        s = int(src[pos])
        if s >= 0:
            per_source[s]["edges also given by an earlier source"] += 1
    col = df.columns.get_loc("source")
    for r, more in extra.items():
        names = [str(df.iat[r, col]), *more]
        parts = [p.strip() for n in names for p in n.split(";") if p.strip()]
        df.iat[r, col] = "; ".join(dict.fromkeys(parts))
    return df[~dup].reset_index(drop=True)


def merge_sources(sources: list[SourceTables], *, overrides: pd.DataFrame | None = None) -> Merged:
    """Merge the raw tables of several sources into one graph's raw tables.

    Parameters
    ----------
    sources : list of SourceTables
        In the order given on the command line: where sources disagree, the
        first one listed wins.
    overrides : DataFrame, optional
        Merge decisions read by :func:`innokg.loaders.resolve.read_overrides`.

    Returns
    -------
    Merged
        Tables for :func:`innokg.graph.validate.validate_tables` (private columns removed,
        ``_file`` / ``_row`` kept) and what merging did.
    """
    renames, file_source = _file_names(sources)
    per_source: list[dict[str, int]] = [Counter() for _ in sources]  # type: ignore[misc]
    nodes = _stack(sources, "nodes", renames)
    edges = _stack(sources, "edges", renames)
    known_nodes = {k: v for k, v in nodes.items() if k in NODE_LABELS}
    resolution = resolve_entities(known_nodes, overrides=overrides)  # one-source labels: no work
    nodes = {**nodes, **resolution.nodes}
    # What each source's rows became: merged into an earlier source's node, or not.
    for label, df in known_nodes.items():
        counts = df["_src"].value_counts().to_dict()
        after = resolution.nodes[label]["_src"].value_counts().to_dict()
        for s, n in counts.items():
            lost = int(n) - int(after.get(s, 0))
            if lost:
                per_source[int(s)]["nodes merged into a node of another source"] += lost
    id_map = resolution.id_map
    for etype, df in edges.items():
        if id_map:
            df = df.copy()
            for col in ("from_id", "to_id"):
                if col in df.columns:
                    df[col] = _lookup(df[col].astype(object), id_map)
        edges[etype] = df

    rejects: list[pd.DataFrame] = []
    notes: dict[str, Any] = {}
    if "LOCATED_IN" in edges and "to_id" in edges["LOCATED_IN"].columns:
        node_ids = set().union(*(_id_set(df) for df in nodes.values() if len(df) and "id" in df))
        edges["LOCATED_IN"] = _resolve_places(
            edges["LOCATED_IN"], node_ids, _resolver(nodes), per_source, rejects
        )
        _add_reference_regions(nodes, edges, notes)
    edge_merges: list[pd.DataFrame] = []
    for etype, df in list(edges.items()):
        if etype in EDGE_TYPES:
            edges[etype] = _merge_edges(etype, df, per_source, edge_merges)

    def strip(df: pd.DataFrame) -> pd.DataFrame:
        return df.drop(columns=[c for c in _PRIVATE if c in df.columns])

    reject_frame = (
        pd.concat(rejects, ignore_index=True)
        if rejects
        else pd.DataFrame(columns=[*REJECT_COLUMNS, "_src"])
    )
    for s in reject_frame["_src"].tolist():
        per_source[int(s)]["edges dropped while merging (place matches no Region)"] += 1
    return Merged(
        nodes={k: strip(v) for k, v in nodes.items()},
        edges={k: strip(v) for k, v in edges.items()},
        merges=resolution.merges,
        conflicts=resolution.conflicts,
        kept_apart=resolution.kept_apart,
        rejects=reject_frame,
        per_source=[dict(c) for c in per_source],
        notes=notes,
        file_source=file_source,
        file_original={new: old for ren in renames for old, new in ren.items()},
        warnings=resolution.warnings,
        edge_merges=(
            pd.concat(edge_merges, ignore_index=True)
            if edge_merges
            else pd.DataFrame(columns=EDGE_MERGE_COLUMNS)
        ),
    )


def combine_sources(
    sources: list[SourceTables],
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """The raw tables of several sources as one graph's (see :func:`merge_sources`)."""
    merged = merge_sources(sources)
    return merged.nodes, merged.edges
