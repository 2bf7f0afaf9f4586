"""The partner table: its columns, the explanation of every pair, and the one-line
notes of a kind that cannot be computed on a graph."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.schema import EDGE_TYPES
from innokg.queries.arrays import GraphArrays, Scope
from innokg.queries.metapaths import Kind, Opts
from innokg.queries.once import built_once
from innokg.queries.partners.scoring import (
    EVIDENCE,
    _clusters,
    _complementarity,
    _effective,
    _research_fit,
)
from innokg.queries.reasons import _names_at, describe
from innokg.queries.sets import distinct
from innokg.queries.sparse_rows import columns_at
from innokg.queries.steps import step_at, step_links, whole_first

#: How the kinds' data are named in a "not computable" line.
_LABEL_WORDS = {
    "Enterprise": ("企业", "enterprises"),
    "ResearchInstitute": ("高校和科研机构", "universities or research institutes"),
    "Fund": ("基金", "funds"),
    "MakerTeam": ("创客团队", "maker teams"),
    "Alliance": ("联盟", "alliances"),
    "Product": ("产品", "products"),
    "Industry": ("行业", "industries"),
}


def _not_computable(
    A: GraphArrays, kind: Kind, sources: np.ndarray, year: int | None, scope: Scope | None
) -> tuple[str, str] | None:
    """One plain line (zh, en) saying what data the kind lacks on this graph, or None."""
    missing: list[tuple[str, str, str]] = []
    for label, present in (
        (kind.source, len(sources) > 0),
        (kind.target, bool((A.mask(kind.target) & A.alive(year)).any())),
    ):
        if not present and label not in [m[0] for m in missing]:
            missing.append((label, *_LABEL_WORDS.get(label, (label, label))))
    if missing:
        zh = "和".join(m[1] for m in missing)
        en = " or ".join(m[2] for m in missing)
        where_zh = f"（{scope.name}内）" if scope is not None and len(sources) == 0 else ""
        where_en = f" in {scope.name_en}" if scope is not None and len(sources) == 0 else ""
        if kind.source in [m[0] for m in missing] and kind.target not in [m[0] for m in missing]:
            return (
                f"无法计算：图中没有{zh}{where_zh}数据。",
                f"Not computable: the graph has no {en}{where_en}.",
            )
        return (f"无法计算：图中没有{zh}数据。", f"Not computable: the graph has no {en}.")
    usable = [
        p
        for p in _effective(A, kind, year).paths
        if all(step_links(A, step, year) for step in p.steps)
    ]
    if not usable:
        types = sorted(
            {t.removesuffix("^-1") for p in kind.paths for st in p.steps for t in st}
            - {"IN_INDUSTRY", "PRODUCES", "SUPPLIES"}
        ) or sorted({t.removesuffix("^-1") for p in kind.paths for st in p.steps for t in st})
        return (
            f"无法计算：图中没有可用的关系（{'、'.join(types)}）。",
            f"Not computable: the graph has none of the links it needs ({', '.join(types)}).",
        )
    return None


def _none_for_node(
    A: GraphArrays, kind: Kind, pos: int, reverse: bool, year: int | None
) -> tuple[str, str]:
    """The line (zh, en) for one node that no meta-path of the kind joins to a new
    partner, saying where its walks stop, so a reader can tell "none found" from "not
    computed" and see which data is missing."""
    name = str(A.values_at("name", np.array([pos]), dtype="object", fill="")[0])
    if kind.target == "ResearchInstitute" and not reverse and any(p.qualifier for p in kind.paths):
        return _no_field(A, name, pos, year)
    other_zh, other_en = _LABEL_WORDS.get(kind.source if reverse else kind.target, ("", ""))
    zh = [f"没有找到候选：{name}与任何尚未相连的{other_zh}之间都没有本类的元路径"]
    en = [f"No candidates: no meta-path of this kind joins {name} to {other_en} not yet linked"]
    # where each walk dies: (the step before, how many it reached, their label) -> the
    # types of the step that leads nowhere; the node's own missing links under None
    dead: dict[tuple[tuple[str, ...], int, str] | None, list[str]] = {}
    through: list[str] = []  # the first steps of the walks that get through
    for path in kind.paths:
        steps = (
            [tuple(_inverse(t) for t in st) for st in reversed(path.steps)]
            if reverse
            else list(path.steps)
        )
        stop = _stop(A, steps, pos, year)
        if stop is None:
            through += [t for t in steps[0] if t not in through]
        else:
            where, types = stop
            dead.setdefault(where, [])
            dead[where] += [t for t in types if t not in dead[where]]
    for where, leads_nowhere in dead.items():
        if where is None:
            continue
        before, count, label = where
        zh_w, en_w = _LABEL_WORDS.get(label, ("节点", "nodes"))
        zh.append(
            f"它经{_typed(before)[0]}关系到达的{count}个{zh_w}{'都' if count > 1 else ''}"
            f"没有{_typed(leads_nowhere)[0]}关系"
        )
        en.append(
            f"the {count} {en_w if count > 1 else en_w.removesuffix('s')} it reaches by "
            f"{_typed(before)[1]} {'has' if count == 1 else 'have'} "
            f"no {_typed(leads_nowhere)[1]} links"
        )
    if None in dead:
        zh.append(f"它在图中没有{_typed(dead[None])[0]}关系")
        en.append(f"it has no {_typed(dead[None])[1]} links in the graph")
    if through:
        zh.append(
            f"经{_typed(through)[0]}关系走到的{other_zh}都已与其相连、不在范围内，"
            "或只经过关系过多的枢纽（见 docs/partners.md）"
        )
        en.append(
            f"the {other_en} its {_typed(through)[1]} links lead to are linked to it "
            "already, out of scope, or reached only through hubs of too many links "
            "(see docs/partners.md)"
        )
    return "；".join(zh) + "。", "; ".join(en) + "."


def _no_field(A: GraphArrays, name: str, pos: int, year: int | None) -> tuple[str, str]:
    """The line for a firm no institute's field matches (place evidence alone proposes
    nobody): its industries named, or, when the graph records none, that instead (a
    group company with no industry of its own is no evidence of a mismatch)."""
    at = np.array([pos])
    industries = columns_at(step_at(A, ("IN_INDUSTRY",), year, at), at)
    if not len(industries):
        return (
            f"没有找到候选：图中没有{name}所属的行业（IN_INDUSTRY），无法按研究领域匹配"
            "高校或科研机构（仅同在一地不足以推荐）。",
            f"No candidates: the graph records no industry (IN_INDUSTRY) for {name}, so no "
            "institute's field can match it (sharing a place alone proposes nobody).",
        )
    named = A.values_at("name", np.sort(industries), dtype="object", fill="")
    return (
        f"没有找到候选：没有哪家高校或科研机构的研究领域是{name}所在的行业"
        f"（{'、'.join(map(str, named))}；仅同在一地不足以推荐）。",
        f"No candidates: no institute's field is {name}'s industry "
        f"({', '.join(map(str, named))}; sharing a place alone proposes nobody).",
    )


def _stop(
    A: GraphArrays, steps: list[tuple[str, ...]], pos: int, year: int | None
) -> tuple[tuple[tuple[str, ...], int, str] | None, tuple[str, ...]] | None:
    """Where a walk of ``steps`` from ``pos`` dies: the step before it, how many nodes
    that reached and their label ("" when mixed; None for the first step), and the
    types of the step that leads nowhere; None when the walk gets through."""
    at = np.array([pos])
    before: tuple[tuple[str, ...], int, str] | None = None
    for step in steps:
        nxt = columns_at(step_at(A, step, year, at), at)
        if not len(nxt):
            return before, step
        codes = distinct(A.label_code[nxt])
        label = A.label_names[int(codes[0])] if len(codes) == 1 else ""
        before = (step, len(nxt), label)
        at = nxt
    return None


def _typed(types: Sequence[str]) -> tuple[str, str]:
    """Edge types as a walk takes them (zh, en): a type that may join a label to itself
    (SUPPLIES, UPSTREAM_OF) walked one way only is named with its direction
    (``SUPPLIES（入）`` / ``incoming SUPPLIES``), every other plainly."""
    bare = list(dict.fromkeys(t.removesuffix("^-1") for t in types))
    zh, en = [], []
    for b in bare:
        ways = {t.endswith("^-1") for t in types if t.removesuffix("^-1") == b}
        edge = EDGE_TYPES.get(b)
        if edge is None or not set(edge.from_labels) & set(edge.to_labels):
            ways = {True, False}  # the labels at its ends say which way it runs
        zh.append(b if len(ways) == 2 else f"{b}（{'入' if True in ways else '出'}）")
        en.append(b if len(ways) == 2 else f"{'incoming' if True in ways else 'outgoing'} {b}")
    return "、".join(zh), _or(en)


def _inverse(t: str) -> str:
    return t.removesuffix("^-1") if t.endswith("^-1") else f"{t}^-1"


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _note_row(kind: Kind, zh: str, en: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": [kind.key],
            "rank": [0],
            "source": [""],
            "source_name": [""],
            "target": [""],
            "target_name": [""],
            "score": [np.nan],
            "paths": [""],
            "same_city": [False],
            "same_cluster": [False],
            "fund_fit": [False],
            "explanation": [zh],
            "explanation_en": [en],
        }
    ).astype(_COLUMNS)


#: The columns of a partner table and their types.
_COLUMNS = {
    "kind": "string",
    "rank": "int64",
    "source": "string",
    "source_name": "string",
    "target": "string",
    "target_name": "string",
    "score": "float64",
    "paths": "string",
    "same_city": "bool",
    "same_cluster": "bool",
    "fund_fit": "bool",
    "explanation": "string",
    "explanation_en": "string",
}
#: Rows described at a time: each chunk's text columns become compact Arrow strings
#: before the next is built (a table for every firm of a province has millions).
_DESCRIBE_CHUNK = 250_000


def _describe(
    A: GraphArrays,
    G: EcosystemGraph,
    kind: Kind,
    top: pd.DataFrame,
    o: Opts,
    *,
    key: str | None = None,
    place: Scope | None = None,
) -> pd.DataFrame:
    """The output columns of the chosen pairs, explanations included."""
    src = top["src"].to_numpy(np.int64)
    dst = top["dst"].to_numpy(np.int64)
    clusters = _clusters(G, kind, o.year)

    def complementarity(
        u: np.ndarray, v: np.ndarray, chain: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return _complementarity(A, kind, u, v, chain, clusters)

    rank = top["rank"].to_numpy(np.int64)
    score = top["score"].to_numpy(float).round(6)
    chunks = []
    for start in range(0, max(len(src), 1), _DESCRIBE_CHUNK):
        part = slice(start, start + _DESCRIBE_CHUNK)
        u, v = src[part], dst[part]
        evidence = None
        if all(EVIDENCE + path.key in top for path in kind.paths):
            evidence = {
                path.key: top[EVIDENCE + path.key].to_numpy(float)[part] for path in kind.paths
            }
        why = describe(A, kind, u, v, o, complementarity, evidence)
        _add_notes(A, kind, u, v, why, place)
        frame = pd.DataFrame(
            {
                "kind": key or kind.key,
                "rank": rank[part],
                "source": _strings(_text_at(A, u, names=False)),
                "source_name": _strings(_text_at(A, u, names=True)),
                "target": _strings(_text_at(A, v, names=False)),
                "target_name": _strings(_text_at(A, v, names=True)),
                "score": score[part],
                **{
                    name: _strings(value) if isinstance(value, pa.Array) else value
                    for name, value in why.items()
                },
            }
        )
        chunks.append(frame.astype(_COLUMNS))
    return pd.concat(chunks, ignore_index=True)


def _strings(text: pa.Array) -> pd.api.extensions.ExtensionArray:
    """Arrow text as the table's string column, without a copy through Python."""
    return pd.array(text, dtype=pd.StringDtype("pyarrow"))


def _text_at(A: GraphArrays, at: np.ndarray, *, names: bool) -> pa.Array:
    """The ids (or names: the explanations' own, :func:`~innokg.queries.reasons._names_at`)
    of the nodes ``at`` as Arrow text: taken from every node's, built once, once a
    table's rows add up to many (:func:`whole_first`: a table of every firm, asked for a
    chunk at a time); for a few rows (one firm's partners), only theirs are converted
    (half a second at the 1M benchmark)."""
    if names:
        return _names_at(A, at, en=False)
    if whole_first(A, ("partners-id-text",), len(at)):
        return _id_text(A).take(at)
    return A.id_text(at)


def _id_text(A: GraphArrays) -> pa.Array:
    """Every node's id as Arrow text (taken by position for the rows of a table)."""
    result: pa.Array = built_once(
        A,
        ("partners-id-text",),
        lambda: pa.array(np.asarray(A.ids.astype(str), dtype=object), type=pa.large_string()),
    )
    return result


def _add_notes(
    A: GraphArrays,
    kind: Kind,
    u: np.ndarray,
    v: np.ndarray,
    why: dict[str, Any],
    place: Scope | None,
) -> None:
    """Append to the explanations what the score cannot say by itself: a side that
    lies outside the province, a research university (proxy meta-paths)."""
    extra_zh = np.full(len(u), "", dtype=object)
    extra_en = np.full(len(u), "", dtype=object)
    fit = _research_fit(A, kind, v)
    if fit.any():
        extra_zh[fit] += "；该校为本科院校"
        extra_en[fit] += "; it is a degree-granting (本科) university"
    if place is not None:
        for side, mask, who_zh, who_en in (
            (u, kind.source == "Enterprise", "前者", "the first"),
            (v, kind.target == "Enterprise", "后者", "the second"),
        ):
            if not mask:
                continue
            out = ~place.inside[side]
            if kind.source != kind.target:
                who_zh, who_en = "该企业", "the firm"
            extra_zh[out] += f"；{who_zh}在{place.name}外"
            extra_en[out] += f"; {who_en} is outside {place.name_en}"
    on = extra_zh != ""
    if not on.any():
        return
    zh = _objects(why["explanation"])
    en = _objects(why["explanation_en"])
    zh[on] = np.char.rstrip(zh[on].astype(str), "。").astype(object) + extra_zh[on] + "。"
    en[on] = np.char.rstrip(en[on].astype(str), ".").astype(object) + extra_en[on] + "."
    why["explanation"], why["explanation_en"] = zh, en


def _objects(text: pa.Array | np.ndarray) -> np.ndarray:
    """Text as an object array of Python strings."""
    if isinstance(text, pa.Array):
        return np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)
    return np.asarray(text, dtype=object)
