"""What one brief is about (graph, language, city, year) and the analyses it draws on,
each computed once and shared by the sections and the recommendations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from innokg.brief.names import Names
from innokg.brief.pairs import best_pairs
from innokg.brief.words import Lang
from innokg.graph.ecosystem import EcosystemGraph
from innokg.queries.arrays import arrays, forget_results
from innokg.queries.clusters import supply_clusters
from innokg.queries.gaps import CORE_COLUMNS, collaboration_gaps, single_source_gaps
from innokg.queries.gaps.kinds import FORGET_ABOVE_NODES, TAKES_LIMIT
from innokg.queries.indicators import policy_indicators, policy_measures
from innokg.queries.metapaths import Kind
from innokg.queries.partners import KINDS

__all__ = [
    "NO_LARGE",
    "NO_SIZES",
    "Scope",
    "has",
    "lacks",
    "lm_known",
    "missing_line",
    "sizes_missing",
]


@dataclass
class Scope:
    G: EcosystemGraph
    lang: Lang
    city: str | None  # as the user gave it
    city_id: str | None
    city_name: str | None
    year: int | None
    top: int
    names: Names = field(init=False)
    _memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False)
    #: Whether the last analysis computed was a partnership search (see :meth:`partners`).
    _after_partners: bool = field(default=False, init=False, repr=False)
    #: Whether forgetting keeps what the indicators computed (see :meth:`sharing_indicators`).
    _indicators_kept: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self.names = Names(self.G, self.lang)

    @property
    def zh(self) -> bool:
        return self.lang == "zh"

    def where(self) -> str:
        """The city in the brief's language, or the province."""
        if self.city_id is None:
            return "全省" if self.zh else "the province"
        return self.names(self.city_name, self.city_id)

    def _cached(self, key: Any, make: Any) -> Any:
        if key not in self._memo:
            self.forget()
            self._memo[key] = make()
        return self._memo[key]

    def forget(self, keep: Callable[[object], bool] | None = None) -> None:
        """As the gaps do at national scale: each analysis lets go of what the last one
        computed (its matrices, its edge ends), keeping its table; at ten million nodes
        they do not fit together.  ``keep``: what to keep (see
        :func:`~innokg.queries.arrays.forget_results`)."""
        self._after_partners = False  # whatever computes next is not a partner search
        if arrays(self.G).n <= FORGET_ABOVE_NODES:
            return
        forget_results(self.G, _with_indicators(keep) if self._indicators_kept else keep)

    def sharing_indicators(self, on: bool) -> None:
        """While on, forgetting keeps what the indicators computed: the targets, the
        headline and the cities each ask for them, and at ten million nodes their
        timeline of what existed when (4 GB) took 15-23 s to build for each (timed
        beside another job); sharing it took the brief from 430 s to 390 s.  Off: the
        next forgetting lets it go, before the analyses whose working sets are the
        brief's peak."""
        self._indicators_kept = on

    def measures(self) -> pd.DataFrame:
        return self._cached("measures", lambda: policy_measures(self.G))

    def city_indicators(
        self, year: int | None = None, indicators: tuple[str, ...] | None = None
    ) -> pd.DataFrame:
        """The indicators (default all) by city, as of ``year`` (default the brief's)."""
        y = self.year if year is None else year
        return self._cached(
            ("city", y, indicators),
            lambda: policy_indicators(self.G, by="city", year=y, indicators=indicators),
        )

    def unplaced(self, indicator: str, by_city: int) -> int:
        """How much more of ``indicator`` the whole graph counts than the cities'
        ``by_city`` (units whose city is not known), as of the brief's year."""
        df = self._cached(
            ("province", self.year, indicator),
            lambda: policy_indicators(self.G, year=self.year, indicators=(indicator,)),
        )
        whole = pd.to_numeric(df["value"], errors="coerce").sum() if len(df) else 0.0
        return max(int(whole) - by_city, 0)

    def clusters(self) -> pd.DataFrame:
        return self._cached(
            "clusters", lambda: supply_clusters(self.G, year=self.year, city=self.city)
        )

    def gaps(self, kind: str, *, last: bool = False, limit: int | None = None) -> pd.DataFrame:
        """The gaps of one kind; a kind whose analysis fails leaves a note row, so that
        one failing analysis does not take the whole brief with it.  ``last``: the
        caller is the table's last reader, and it is not kept (the gap section, after
        the recommendations on page 1 have read theirs): at ten million nodes the
        tables of every kind, 14 million rows, do not fit together.  With ``last``,
        ``limit``: the caller shows this many rows, and a kind that can words only
        those (``attrs["rows"]`` then says how many it found)."""

        def make(limit: int | None = None) -> pd.DataFrame:
            try:
                if kind == "single_source":  # as collaboration_gaps gives it, from one table
                    core = self.single_sourced()[list(CORE_COLUMNS)]
                    return pd.concat([core], ignore_index=True)
                return collaboration_gaps(
                    self.G, kinds=[kind], year=self.year, city=self.city, limit=limit
                )
            except (KeyError, TypeError, ValueError) as exc:  # pragma: no cover - defensive
                text = f"analysis failed ({type(exc).__name__}: {exc})"
                return pd.DataFrame(
                    {"measurable": [False], "missing": [text], "missing_zh": [text], "name": [""]}
                )

        if not last:
            return self._cached(("gaps", kind), make)
        found = self._memo.pop(("gaps", kind), None)
        if found is None:
            self.forget()
            found = make(limit if kind in TAKES_LIMIT else None)
        if kind == "single_source":
            self._memo.pop("single_sourced", None)
        return found

    def partners(
        self, kind: str, k: int, city: str | None, sizes: tuple[str, ...] | None = None
    ) -> pd.DataFrame:
        """The best ``k`` candidate pairs of one kind of partnership among the sources in
        ``city`` (of ``sizes``), as of the brief's year, note row included (see
        :func:`~innokg.brief.pairs.best_pairs`).

        At national scale a search spends most of its time on its kind's meta-path
        products and bounds, and the step matrices under them serve every kind.  So a
        search right after another (the partnership section's, kind after kind) keeps
        those step matrices, and forgets only the other kind's own pieces.  And a
        search for another purpose (a recommendation's, for one city or size) also
        runs the partnership section's search of its kind (the brief's top rows in its
        scope) while the kind's products are at hand, rather than leave the section to
        compute them again.
        """
        key = ("partners", kind, k, city, sizes)
        if key not in self._memo:
            self.forget(_not_of_a_kind if self._after_partners else None)
            self._memo[key] = best_pairs(self.G, kind, k=k, year=self.year, city=city, sizes=sizes)
            self._after_partners = True
            section = ("partners", kind, self.top, self.city, None)
            if KINDS[kind].partnership and section not in self._memo:
                self._memo[section] = best_pairs(
                    self.G, kind, k=self.top, year=self.year, city=self.city
                )
        return self._memo[key]

    def single_sourced(self) -> pd.DataFrame:
        """The single-source gaps with their inputs and suppliers (the columns after the
        core ones): the gap table and the supply-chain recommendation read one table."""
        return self._cached(
            "single_sourced",
            lambda: single_source_gaps(self.G, year=self.year, city=self.city),
        )

    def article_title(self, article: int, indicator: str | None = None) -> str:
        """The title of a policy article in the brief's language (from the graph): of
        the measure that carries ``indicator`` where given (article 3 has three)."""
        from innokg.brief.words import pick

        pm = self.measures()
        rows = pm[pm["article"] == article]
        if indicator is not None and (rows["indicator"] == indicator).any():
            rows = rows[rows["indicator"] == indicator]
        if not len(rows):
            return ""
        return pick(rows.iloc[0], "title", "title_en", self.lang)


def _of_indicators(key: object) -> bool:
    """Whether a memo entry is one the indicators computed (their timeline, counts and
    typical cases) or a node property they read."""
    return isinstance(key, tuple) and bool(key) and key[0] in _INDICATOR_KEYS


_INDICATOR_KEYS = ("indicators", "typical-scores", "typical-cases", "values")


def _with_indicators(keep: Callable[[object], bool] | None) -> Callable[[object], bool]:
    """``keep``, and what the indicators computed besides."""
    return lambda key: _of_indicators(key) or (keep is not None and keep(key))


def _not_of_a_kind(key: object) -> bool:
    """Whether a memo entry is not one kind of partnership's own (its meta-path
    products, bounds and linked pairs, keyed by the kind): step matrices and the
    like, which other kinds share."""
    if not (isinstance(key, tuple) and len(key) > 1):
        return True
    own = str(key[0]).startswith(("partners-", "reasons-", "brief-"))
    return not (own and (isinstance(key[1], Kind) or key[1] in KINDS))


#: What each indicator needs from the graph beyond large and medium industrial firms:
#: (label, property that must be filled somewhere, the missing data in words zh / en).
_NEEDS: dict[str, tuple[str, str | None, str, str]] = {
    "demonstration_platforms": (
        "Platform",
        "demonstration",
        "示范平台认定名单",
        "the list of recognised demonstration platforms",
    ),
    "demonstration_teams": ("MakerTeam", None, "创客团队", "maker teams"),
    "entrepreneurs": ("Person", None, "创新型企业家", "recognised entrepreneurs"),
    "social_teams": ("MakerTeam", None, "创客团队", "maker teams"),
    "maker_chain": ("MakerTeam", None, "创客团队", "maker teams"),
    "iur_alliances": ("Alliance", None, "联盟", "alliances"),
    "investment_platforms": ("Fund", None, "基金", "funds"),
    "maker_funds": ("Fund", None, "基金", "funds"),
    "teams_financed": ("MakerTeam", None, "创客团队", "maker teams"),
    "cluster_services": (
        "Platform",
        "demonstration",
        "双创基地和公共技术服务平台名单",
        "the lists of mass-innovation bases and public technology service platforms",
    ),
}
NO_SIZES = (
    "缺少企业规模数据（无法识别大中型工业企业）",
    "no firm sizes (large and medium industrial firms cannot be identified)",
)
#: When firms have sizes but none is large or medium: the sizes are there, the firms not.
NO_LARGE = (
    "图中没有大中型企业（有规模的企业均为小型或微型）",
    "no large or medium firm (every firm with a size is small or micro)",
)


def sizes_missing(G: EcosystemGraph, zh: bool) -> str:
    """Why large and medium firms cannot be counted: no sizes at all, or none that large."""
    df = G.nodes.get("Enterprise")
    sized = df is not None and "size" in df.columns and bool(df["size"].notna().any())
    return (NO_LARGE if sized else NO_SIZES)[0 if zh else 1]


def has(G: EcosystemGraph, label: str, prop: str | None = None) -> bool:
    """Whether the graph has nodes of ``label`` (with ``prop`` filled somewhere)."""
    df = G.nodes.get(label)
    if df is None or not len(df):
        return False
    if prop is None:
        return True
    return prop in df.columns and bool(df[prop].notna().any())


def has_edges(G: EcosystemGraph, etype: str) -> bool:
    df = G.edges.get(etype)
    return df is not None and len(df) > 0


def lm_known(G: EcosystemGraph) -> bool:
    """Whether the graph tells large and medium firms apart (firm sizes)."""
    df = G.nodes.get("Enterprise")
    return (
        df is not None and "size" in df.columns and bool(df["size"].isin(["large", "medium"]).any())
    )


def lacks(G: EcosystemGraph, row: Any, lang: Lang) -> str | None:
    """What data an indicator row lacks (in words), or None when it is measurable.

    Uses the indicator table's own ``measurable`` / ``note`` columns where it has them
    (NA counts as not measurable); otherwise judges from the graph: shares need large
    and medium firms (firm sizes), counts the nodes they count."""
    from innokg.brief.words import plain_english

    def get(k: str) -> Any:
        return row.get(k) if isinstance(row, dict) else getattr(row, k, None)

    zh = lang == "zh"
    flag = get("measurable")
    declared = flag is not None
    if declared:
        if not pd.isna(flag) and bool(flag):
            return None
        note = get("note")  # the indicator module's notes are in English
        if not zh and note is not None and not pd.isna(note) and str(note):
            return plain_english(str(note))
    key = str(get("indicator") or "")
    unit = str(get("unit") or "")
    if key in _NEEDS:
        label, prop, what_zh, what_en = _NEEDS[key]
        if not has(G, label, prop):
            return f"缺少{what_zh}" if zh else f"no {what_en}"
    if unit in ("share", "mean") or key in ("typical_cases", "platform_coverage"):
        if not lm_known(G):
            return sizes_missing(G, zh)
        value = get("value")
        if value is None or pd.isna(value):
            return "缺少大中型工业企业" if zh else "no large and medium industrial firms"
    if declared:
        return "缺少所需数据" if zh else "the data it needs are missing"
    return None


def missing_line(items: list[tuple[str, str]], lang: Lang) -> str:
    """One line: what cannot be measured, and for lack of what data."""
    grouped: dict[str, list[str]] = {}
    for name, lack in items:
        grouped.setdefault(lack, []).append(name)
    names = {n for n, _ in items}
    if len(names) == 1 and len(grouped) > 1:  # one question lacking several things
        (name,) = names
        lacks = [lack.rstrip("。.") for lack in grouped]
        if lang == "zh":
            return f"无法计算（图中缺少数据）：{name}——{'、'.join(lacks)}。"
        return f"Not measurable on this graph (data missing): {name}: {'; '.join(lacks)}."
    if lang == "zh":
        return (
            "无法计算（图中缺少数据）："
            + "；".join(
                f"{'、'.join(names)}——{lack.rstrip('。')}" for lack, names in grouped.items()
            )
            + "。"
        )
    return (
        "Not measurable on this graph (data missing): "
        + "; ".join(f"{', '.join(names)}: {lack.rstrip('.')}" for lack, names in grouped.items())
        + "."
    )
