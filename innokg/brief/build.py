"""Gather everything a brief says, from the query modules and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from innokg.brief.appendix import articles_section, glossary_section, method_section
from innokg.brief.model import Brief, Section
from innokg.brief.scope import Scope
from innokg.brief.section_cities import by_city_section, city_profile_section, compare_section
from innokg.brief.section_headline import headline_sections
from innokg.brief.section_since import since_brief_section
from innokg.brief.section_supply import (
    below_target_early,
    clusters_section,
    gaps_section,
    partners_section,
)
from innokg.brief.summary import summary_section
from innokg.brief.targets import target_statuses
from innokg.brief.words import Lang, txt
from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.errors import InnokgError
from innokg.queries.arrays import arrays, resolve_city
from innokg.queries.indicators import latest_year, policy_indicators

__all__ = ["build_brief"]


def build_brief(
    G: EcosystemGraph,
    *,
    lang: Lang = "zh",
    city: str | None = None,
    year: int | None = None,
    top: int = 5,
    since: EcosystemGraph | None = None,
    report: Callable[[str], None] | None = None,
) -> Brief:
    """Gather everything the brief says, from the query modules.

    Parameters
    ----------
    G : EcosystemGraph
    lang : {"zh", "en"}
        Language of the whole brief; in English, names are given in English where the
        graph has an English name (``name_en``), in Chinese where it has none.
    city : str, optional
        A city (name, code or region id): its own brief.  Page 1 says where the city
        stands and what to do there; a section profiles it against the province and
        the other cities; clusters, gaps and candidates are the city's.  The tables of
        every city still list them all, the chosen one marked.
    year : int, optional
        As of this year; default the latest year the graph records.
    top : int
        Rows of each list (gaps of each kind, candidates of each kind); clusters get
        twice as many.
    since : EcosystemGraph, optional
        An earlier build: a section after page 1 says what changed since (see
        :func:`innokg.queries.diff.since_section`).
    report : callable, optional
        Called with the name of each part as it starts (``innokg brief`` prints them:
        at ten million nodes the brief takes minutes).

    Returns
    -------
    Brief
        Its first section is the executive summary (page 1), then the key findings,
        the body, and the appendices (glossary, policy articles, method).

    Raises
    ------
    QueryError
        For an unknown city or a bad option.
    """
    if lang not in ("zh", "en"):
        raise InnokgError(f"--lang must be zh or en (got {lang!r})")
    if top < 1:
        raise InnokgError("top must be at least 1")
    city_id = city_name = None
    if city is not None:
        pos = resolve_city(G, city)
        A = arrays(G)
        assert pos is not None
        city_id, city_name = str(A.ids[pos]), str(A.names[pos])
    as_of = year if year is not None else latest_year(G)
    s = Scope(G, lang, city, city_id, city_name, as_of, top)
    findings: list[str] = []

    def then(step: str, make: Callable[[], Any]) -> Any:
        s.forget()  # at national scale, what the last section computed goes first
        if report is not None:
            report(step)
        return make()

    # the sections that ask for the indicators first, sharing what those compute (and
    # the below-target gaps, indicators by city and industry, for the gap section); then
    # page 1 (its recommendations read the cities' table they left); the page's order
    # is the reading order below, and the findings come in the same order as before
    s.sharing_indicators(True)
    statuses = then("the targets", lambda: target_statuses(s))
    head, context = then("the headline and key findings", lambda: headline_sections(s, findings))
    body: list[Section | None] = [head]
    if city_id is not None:
        province = then("the province's indicators", lambda: policy_indicators(G, year=as_of))
        body.append(then("the city's profile", lambda: city_profile_section(s, province)))
    cities = then("progress by city", lambda: by_city_section(s, findings))
    then("the gaps below target", lambda: below_target_early(s))
    s.sharing_indicators(False)
    summary = then("the executive summary", lambda: summary_section(s, statuses))
    if since is not None:
        body.insert(0, then("what changed since", lambda: since_brief_section(s, since)))
    body += [
        cities,
        then("how the cities compare", lambda: compare_section(s)),
        then("supply-chain clusters", lambda: clusters_section(s, findings)),
        then("collaboration gaps", lambda: gaps_section(s, findings)),
        then("partnerships to broker", lambda: partners_section(s, findings)),
        context,
    ]
    pm = s.measures()
    cited = [st.article for st in statuses if st.article is not None]
    cited += [r.article for r in summary.recommendations]
    sections = [
        summary,
        *[b for b in body if b is not None],
        glossary_section(s),
        articles_section(s, cited),
        method_section(s, str(pm["target_source"].iloc[0]) if len(pm) else "none"),
    ]
    m = G.manifest
    where = s.where() if city_name else txt("province", lang)
    meta = [
        (txt("scope", lang), where),
        (txt("as_of", lang), str(as_of) if as_of is not None else txt("all_years", lang)),
        (txt("built", lang), str(m.get("built_at") or "—")),
        (txt("generated", lang), datetime.now(UTC).replace(microsecond=0).isoformat()),
    ]
    title = txt("title", lang) + (
        f"：{where}" if city_name and lang == "zh" else f": {where}" if city_name else ""
    )
    return Brief(lang, title, meta, bool(m.get("synthetic")), findings, sections)
