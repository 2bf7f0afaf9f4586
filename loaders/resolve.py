"""Entity resolution: the same thing from several sources becomes one node.

Rows of one node label from different sources are merged when they share, in this
order of trust:

1. ``id`` — the same id (a Region ``region:4101`` from two sources);
2. a registry code — ``credit_code`` (统一社会信用代码) or ``stock_code`` (six
   digits; ``600066``, ``600066.SH`` and ``sh600066`` are one code) for an
   Enterprise, ``moe_code`` (学校标识码) for a ResearchInstitute, ``code`` for a
   Region, ``scheme`` + ``code`` for an Industry;
3. ``name`` — the normalised full name (:func:`normalise_org_name`) of an
   organisation, Zone or Product, also matched against a node's former names
   where a loader knows them.

Two rows are never merged by a weaker rule when a stronger identifier tells them
apart (same name, different credit codes: two firms), nor when the merge would put
two rows of the same source into one node (a source's own rows are distinct by
its own account; a repeated id inside one source is left for validation to report).
A mapping file overrides any decision::

    id_a,id_b,decision
    ent:stock:600066,my:yutong,same
    my:firm1,my:firm2,different

The merged node keeps the id of the row from the source listed first, takes each
property from the first source that gives it, and lists every source in ``source``
(``;``-separated).  Values that disagree are kept from the source listed first and
reported as conflicts.

Examples
--------
>>> normalise_org_name("郑州宇通客车股份有限公司") == normalise_org_name("郑州宇通客车有限公司")
True
>>> normalise_org_name("中粮生物化学（安徽）股份有限公司")
'中粮生物化学(安徽)'
>>> normalise_stock_code("sh600066"), normalise_stock_code("600066.SH")
('600066', '600066')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innokg.graph.errors import SourceError
from innokg.graph.schema import NAMED_BY_ORGANISATION, NODE_LABELS, STOCK_CODE_PATTERN

__all__ = [
    "CONFLICT_COLUMNS",
    "KEPT_APART_COLUMNS",
    "MERGE_COLUMNS",
    "Resolution",
    "normalise_org_name",
    "normalise_stock_code",
    "read_overrides",
    "resolve_entities",
]

MERGE_COLUMNS = ["label", "kept_id", "id_a", "id_b", "rule", "key", "source_a", "source_b"]
CONFLICT_COLUMNS = [
    "label",
    "id",
    "property",
    "kept",
    "kept_source",
    "dropped",
    "dropped_source",
]
KEPT_APART_COLUMNS = ["label", "id_a", "id_b", "rule", "key", "reason"]

_ORG_LABELS = NAMED_BY_ORGANISATION
_BRACKETS = str.maketrans(
    {"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")", "{": "(", "}": ")"}
)
_LEGAL_FORM_RE = re.compile(
    r"(?:股份有限公司|有限责任公司|有限公司|股份公司|公司|co\.?,?ltd\.?|co\.?,?limited|inc\.?|ltd\.?)$"
)
_STOCK_RE = re.compile(STOCK_CODE_PATTERN, re.IGNORECASE)
#: identifiers that tell two nodes apart: a name match between rows whose values of
#: any of these differ is refused.
_STRONG = ("credit_code", "stock_code", "moe_code")


def normalise_org_name(name: Any) -> str | None:
    """A name reduced to what tells organisations apart, or None when empty.

    Full-width characters become half-width (NFKC), letters lower case, spaces go,
    brackets of any shape become ``()``, ``(集团)`` becomes ``集团``, and a legal
    form at the end (股份有限公司, 有限责任公司, 有限公司, 股份公司, 公司, Co., Ltd.)
    is dropped.

    Parameters
    ----------
    name : object
        A name as read (any value; None and NaN count as empty).

    Returns
    -------
    str or None
        The normalised name, or None when nothing is left.

    Examples
    --------
    >>> normalise_org_name(" 河南 省 力量钻石 股份有限公司 ")
    '河南省力量钻石'
    >>> normalise_org_name("濮阳濮耐高温材料（集团）股份有限公司")
    '濮阳濮耐高温材料集团'
    """
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return None
    s = unicodedata.normalize("NFKC", str(name)).translate(_BRACKETS).casefold()
    s = re.sub(r"\s+", "", s).replace("(集团)", "集团")
    stripped = _LEGAL_FORM_RE.sub("", s)
    s = stripped if stripped else s
    return s or None


def _normalise_plain(name: Any) -> str | None:
    """A product name compared without width, case, spaces or bracket shapes."""
    if _missing(name):
        return None
    s = unicodedata.normalize("NFKC", str(name)).translate(_BRACKETS).casefold()
    return re.sub(r"\s+", "", s) or None


def normalise_stock_code(code: Any) -> str | None:
    """The six digits of a Chinese stock code, or None when ``code`` is not one.

    Parameters
    ----------
    code : object
        A code as read: six digits, maybe with an exchange before or after
        (``sh600066``, ``600066.SH``); None and NaN give None.

    Examples
    --------
    >>> normalise_stock_code("sh600066"), normalise_stock_code("000001.SZ")
    ('600066', '000001')
    >>> normalise_stock_code("60006") is None, normalise_stock_code(None) is None
    (True, True)
    """
    if code is None or (isinstance(code, float) and np.isnan(code)):
        return None
    m = _STOCK_RE.match(str(code).strip())
    return m.group(1) if m else None


def read_overrides(path: str | Path) -> pd.DataFrame:
    """Read a mapping file of merge decisions: ``id_a``, ``id_b``, ``decision``.

    ``decision`` is ``same`` (merge these two nodes) or ``different`` (never merge
    them); an optional ``note`` column is kept for people.

    Parameters
    ----------
    path : str or Path
        A CSV file (UTF-8 or GB18030) with the header ``id_a,id_b,decision``.

    Returns
    -------
    DataFrame
        ``id_a``, ``id_b`` (trimmed), ``decision`` (``same`` or ``different``, lower
        case), ``_file`` and ``_row`` (the spreadsheet row, the header being row 1).

    Raises
    ------
    SourceError
        When the file is missing, lacks a column, or a decision is unknown (the
        message names the row).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "decisions.csv"
    >>> _ = path.write_text(
    ...     "id_a,id_b,decision\\nent:stock:600066,my:yutong, Different\\n", encoding="utf-8")
    >>> read_overrides(path).values.tolist()
    [['ent:stock:600066', 'my:yutong', 'different', 'decisions.csv', 2]]
    >>> _ = path.write_text("id_a,id_b,decision\\na,b,maybe\\n", encoding="utf-8")
    >>> read_overrides(path)
    Traceback (most recent call last):
    ...
    innokg.graph.errors.SourceError: decisions.csv, row 2, column 'decision': 'maybe' is neither ...
    >>> tmp.cleanup()
    """
    from innokg.loaders.tables import read_csv_table

    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such mapping file")
    df, _ = read_csv_table(path, path.name)
    for col in ("id_a", "id_b", "decision"):
        if col not in df.columns:
            raise SourceError(
                f"{path.name}: column {col!r} is missing; the header is id_a,id_b,decision"
            )
    df["decision"] = df["decision"].str.strip().str.lower()
    for col in ("id_a", "id_b"):
        df[col] = df[col].str.strip()
    bad = ~df["decision"].isin(["same", "different"])
    if bad.any():
        row = int(df.loc[bad, "_row"].iloc[0])
        raise SourceError(
            f"{path.name}, row {row}, column 'decision': {df.loc[bad, 'decision'].iloc[0]!r} "
            "is neither 'same' nor 'different'"
        )
    empty = (df["id_a"] == "") | (df["id_b"] == "")
    if empty.any():
        row = int(df.loc[empty, "_row"].iloc[0])
        raise SourceError(f"{path.name}, row {row}: id_a and id_b must both be given")
    return df[["id_a", "id_b", "decision", "_file", "_row"]]


@dataclass
class Resolution:
    """The outcome of entity resolution over all sources."""

    #: one frame per label, one row per node; private columns ``_src`` etc. kept
    nodes: dict[str, pd.DataFrame]
    #: every id that was merged into another node -> the id kept
    id_map: dict[str, str] = field(default_factory=dict)
    #: each pair of rows joined, with the rule and key that joined them
    merges: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MERGE_COLUMNS))
    #: property values that disagreed (the first source's value was kept)
    conflicts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CONFLICT_COLUMNS))
    #: candidate pairs that were not merged, and why
    kept_apart: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=KEPT_APART_COLUMNS)
    )
    warnings: list[str] = field(default_factory=list)


def _keys(label: str, df: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    """The (rule, key per row) pairs used to find the same node, strongest first."""
    out: list[tuple[str, pd.Series]] = [("id", df["id"].astype(object))]

    def col(name: str) -> pd.Series | None:
        if name not in df.columns:
            return None
        s = df[name].astype(object)
        return s.where(s.notna() & (s.astype(str).str.strip() != ""), None)

    if label == "Enterprise":
        cc = col("credit_code")
        if cc is not None:
            out.append(("credit_code", cc.map(lambda v: str(v).strip().upper() if v else None)))
        sc = col("stock_code")
        if sc is not None:
            out.append(("stock_code", sc.map(normalise_stock_code)))
    if label == "ResearchInstitute":
        mc = col("moe_code")
        if mc is not None:
            out.append(("moe_code", mc.map(lambda v: str(v).strip() if v else None)))
    if label == "Region":
        rc = col("code")
        if rc is not None:
            out.append(("code", rc.map(lambda v: str(v).strip() if v else None)))
    if label == "Industry":
        ic, sch = col("code"), col("scheme")
        if ic is not None and sch is not None:
            joined = [
                f"{s}|{c}".strip() if c is not None and s is not None else None
                for s, c in zip(sch.tolist(), ic.tolist(), strict=True)
            ]
            out.append(("code", pd.Series(joined, index=df.index, dtype=object)))
    if "name" not in df.columns:
        return out
    if label in _ORG_LABELS:
        out.append(("name", df["name"].map(normalise_org_name).astype(object)))
    if label == "Product":
        out.append(("name", df["name"].map(_normalise_plain).astype(object)))
    return out


def _strong_values(label: str, df: pd.DataFrame) -> dict[str, list[Any]]:
    vals: dict[str, list[Any]] = {}
    for name in _STRONG:
        if name in df.columns and name in [p.name for p in NODE_LABELS[label].props]:
            s = df[name].astype(object).tolist()
            if name == "stock_code":
                s = [normalise_stock_code(v) for v in s]
            vals[name] = [
                None
                if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == ""
                else str(v).strip().upper()
                for v in s
            ]
    return vals


class _Groups:
    """Union-find over rows with the checks that may refuse a union."""

    def __init__(self, srcs: list[int], ids: list[str], strong: dict[str, list[Any]]) -> None:
        self.parent = list(range(len(srcs)))
        self.srcs = [{s} for s in srcs]
        self.ids = [{i} for i in ids]
        self.strong = [
            {k: {v[r]} for k, v in strong.items() if v[r] is not None} for r in range(len(srcs))
        ]

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def refusal(
        self, a: int, b: int, rule: str, different: set[frozenset[str]], forced: bool
    ) -> str | None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ""
        for x in self.ids[ra]:
            for y in self.ids[rb]:
                if frozenset((x, y)) in different:
                    return "the mapping file says they are different"
        if forced:
            return None
        if self.srcs[ra] & self.srcs[rb]:
            return "both hold rows of the same source"
        if rule not in _STRONG:
            for k, va in self.strong[ra].items():
                vb = self.strong[rb].get(k)
                if vb and not (va & vb):
                    shown = f"{'/'.join(sorted(va))} vs {'/'.join(sorted(vb))}"
                    return f"their {k} values differ ({shown})"
        return None

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra > rb:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.srcs[ra] |= self.srcs[rb]
        self.ids[ra] |= self.ids[rb]
        for k, v in self.strong[rb].items():
            self.strong[ra].setdefault(k, set()).update(v)


def _same(a: Any, b: Any, prop: str = "") -> bool:
    if prop == "stock_code":
        return normalise_stock_code(a) == normalise_stock_code(b)
    if prop == "credit_code":
        return str(a).strip().upper() == str(b).strip().upper()
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    try:
        return bool(a == b) or (float(a) == float(b))
    except (TypeError, ValueError):
        return str(a).strip().lower() == str(b).strip().lower()


def _missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    if v is pd.NA:
        return True
    return isinstance(v, str) and v.strip() == ""


def resolve_entities(
    nodes: dict[str, pd.DataFrame], *, overrides: pd.DataFrame | None = None
) -> Resolution:
    """Merge the rows of each label that describe the same thing.

    Parameters
    ----------
    nodes : dict of str to DataFrame
        One frame per label with the rows of every source stacked in the order the
        sources were given, each row carrying ``_src`` (the source's position) and
        ``_source`` (its name for reports); ``_aliases`` (``|``-separated former
        names) is optional.
    overrides : DataFrame, optional
        Decisions from :func:`read_overrides`.

    Returns
    -------
    Resolution
        The merged frames (``source`` joined, ``_aliases`` dropped), the id map, and
        the merges, conflicts and pairs kept apart.

    Examples
    --------
    A listed firm and the same firm in a user's table, under another legal form:

    >>> nodes = {"Enterprise": pd.DataFrame({
    ...     "id": ["ent:stock:600066", "my:yutong", "my:zk"],
    ...     "name": ["郑州宇通客车股份有限公司", "郑州宇通客车有限公司", "中原科技"],
    ...     "source": ["listed", "tables", "tables"],
    ...     "_src": [0, 1, 1],
    ...     "_source": ["listed", "tables", "tables"]})}
    >>> r = resolve_entities(nodes)
    >>> r.nodes["Enterprise"][["id", "source"]].values.tolist()
    [['ent:stock:600066', 'listed; tables'], ['my:zk', 'tables']]
    >>> r.id_map
    {'my:yutong': 'ent:stock:600066'}
    >>> r.merges[["kept_id", "id_b", "rule", "key"]].values.tolist()
    [['ent:stock:600066', 'my:yutong', 'name', '郑州宇通客车']]
    >>> r.conflicts[["property", "kept", "dropped"]].values.tolist()
    [['name', '郑州宇通客车股份有限公司', '郑州宇通客车有限公司']]

    A mapping file's ``different`` keeps them apart:

    >>> no = pd.DataFrame({"id_a": ["ent:stock:600066"], "id_b": ["my:yutong"],
    ...                    "decision": ["different"]})
    >>> r = resolve_entities(nodes, overrides=no)
    >>> r.id_map, len(r.nodes["Enterprise"])
    ({}, 3)
    >>> r.kept_apart["reason"].tolist()
    ['the mapping file says they are different']
    """
    different: set[frozenset[str]] = set()
    same: list[tuple[str, str]] = []
    if overrides is not None and len(overrides):
        for a, b, d in zip(
            overrides["id_a"], overrides["id_b"], overrides["decision"], strict=True
        ):
            if d == "different":
                different.add(frozenset((a, b)))
            else:
                same.append((a, b))
    result = Resolution(nodes={})
    merges: list[tuple[Any, ...]] = []
    conflicts: list[tuple[Any, ...]] = []
    apart: list[tuple[Any, ...]] = []
    seen: set[str] = set()
    for label, frame in nodes.items():
        df = frame.reset_index(drop=True)
        ids_here = set(df["id"].astype(str)) if same and "id" in df.columns else set()
        forced = [(a, b) for a, b in same if a in ids_here and b in ids_here]
        seen.update(x for pair in forced for x in pair)
        # a table without ids is for validation to report; nothing to resolve in it
        if df.empty or "id" not in df.columns or (df["_src"].nunique() < 2 and not forced):
            result.nodes[label] = df.drop(columns=["_aliases"], errors="ignore")
            continue
        one = _LabelResolver(label, df, different)
        one.run(forced)
        result.nodes[label] = one.merged_frame(result.id_map, conflicts)
        merges += one.merge_rows()
        apart += one.apart
    for a, b in same:
        if a not in seen or b not in seen:
            result.warnings.append(
                f"mapping file: {a} = {b} names an id that is in no source, or ids of "
                "two labels (ignored)"
            )
    result.merges = pd.DataFrame(merges, columns=MERGE_COLUMNS)
    result.conflicts = pd.DataFrame(conflicts, columns=CONFLICT_COLUMNS)
    result.kept_apart = pd.DataFrame(apart, columns=KEPT_APART_COLUMNS).drop_duplicates(
        ["label", "id_a", "id_b", "rule"]
    )
    return result


class _LabelResolver:
    """Entity resolution within one label."""

    def __init__(self, label: str, df: pd.DataFrame, different: set[frozenset[str]]) -> None:
        self.label = label
        self.df = df
        self.different = different
        self.ids = df["id"].astype(object).tolist()
        self.srcs = df["_src"].astype(int).tolist()
        self.sources = df["_source"].astype(str).tolist()
        self.groups = _Groups(self.srcs, [str(i) for i in self.ids], _strong_values(label, df))
        self.pairs: list[tuple[int, int, str, str]] = []
        self.apart: list[tuple[Any, ...]] = []

    def attempt(self, a: int, b: int, rule: str, key: str, *, forced: bool = False) -> None:
        why = self.groups.refusal(a, b, rule, self.different, forced)
        if why == "":
            return
        if why is None:
            self.groups.union(a, b)
            self.pairs.append((a, b, rule, key))
        elif self.srcs[a] != self.srcs[b]:  # a source's own rows are apart by its account
            self.apart.append((self.label, self.ids[a], self.ids[b], rule, key, why))

    def _candidates(self, rule: str, key: pd.Series) -> pd.DataFrame:
        df = self.df
        frames = [pd.DataFrame({"row": np.arange(len(df)), "key": key.to_numpy(dtype=object)})]
        if rule == "name" and "_aliases" in df.columns:
            al = df["_aliases"].astype(object)
            has = al.notna() & (al.astype(str) != "")
            if has.any():
                ex = pd.DataFrame(
                    {"row": np.flatnonzero(has), "alias": al[has].astype(str).str.split("|")}
                ).explode("alias")
                ex["key"] = ex["alias"].map(normalise_org_name).astype(object)
                frames.append(ex[["row", "key"]])
        k = pd.concat(frames, ignore_index=True)
        k = k[k["key"].notna()]
        k["src"] = np.asarray(self.srcs)[k["row"].to_numpy(dtype=np.int64)]
        multi = k.groupby("key", sort=False)["src"].transform("nunique") > 1
        return k[multi.to_numpy()].sort_values(["key", "row"], kind="stable")

    def run(self, forced: list[tuple[str, str]]) -> None:
        position: dict[Any, int] = {}
        for i, v in enumerate(self.ids):
            position.setdefault(v, i)
        for a, b in forced:
            self.attempt(position[a], position[b], "mapping file", f"{a} = {b}", forced=True)
        for rule, key in _keys(self.label, self.df):
            k = self._candidates(rule, key)
            for key_value, part in k.groupby("key", sort=False):
                rows = list(dict.fromkeys(part["row"].tolist()))
                for other in rows[1:]:
                    self.attempt(rows[0], other, rule, str(key_value))
                    if self.groups.find(other) == self.groups.find(rows[0]):
                        continue
                    # refused against the first row: it may still join another
                    for third in rows[1:]:
                        if third != other and self.srcs[third] != self.srcs[other]:
                            self.attempt(third, other, rule, str(key_value))

    def _first(self) -> np.ndarray:
        n = len(self.df)
        roots = np.array([self.groups.find(i) for i in range(n)])
        first: np.ndarray = pd.Series(np.arange(n)).groupby(roots).transform("min").to_numpy()
        return first

    def merged_frame(
        self, id_map: dict[str, str], conflicts: list[tuple[Any, ...]]
    ) -> pd.DataFrame:
        """One row per node: the first row of each group, completed by the others."""
        df, ids, sources = self.df, self.ids, self.sources
        if not self.pairs:
            return df.drop(columns=["_aliases"], errors="ignore")
        first = self._first()
        here = np.arange(len(df))
        out = df.iloc[np.flatnonzero(first == here)].copy()
        props = [
            p.name
            for p in NODE_LABELS[self.label].props
            if p.name not in ("id", "source") and p.name in df.columns
        ]
        members: dict[int, list[int]] = {}
        for r in np.flatnonzero(first != here):
            members.setdefault(int(first[r]), []).append(int(r))
        for kept, others in members.items():
            rows = [kept, *others]
            for p in props:
                values = [(df.at[r, p], sources[r]) for r in rows if not _missing(df.at[r, p])]
                if not values:
                    continue
                keep_value, keep_source = values[0]
                if _missing(df.at[kept, p]):
                    out.at[kept, p] = keep_value
                for v, s in values[1:]:
                    if not _same(v, keep_value, p):
                        conflicts.append((self.label, ids[kept], p, keep_value, keep_source, v, s))
            if "source" in df.columns:
                names = [
                    part.strip()
                    for r in rows
                    if not _missing(df.at[r, "source"])
                    for part in str(df.at[r, "source"]).split(";")
                    if part.strip()
                ]
                out.at[kept, "source"] = "; ".join(dict.fromkeys(names)) or None
            for other in others:
                if ids[other] != ids[kept]:
                    id_map[str(ids[other])] = str(ids[kept])
        return out.drop(columns=["_aliases"], errors="ignore").reset_index(drop=True)

    def merge_rows(self) -> list[tuple[Any, ...]]:
        if not self.pairs:
            return []
        first = self._first()
        ids, sources = self.ids, self.sources
        return [
            (self.label, ids[int(first[a])], ids[a], ids[b], rule, key, sources[a], sources[b])
            for a, b, rule, key in self.pairs
        ]
