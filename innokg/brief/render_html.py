"""The brief as one self-contained, printable HTML page.

No script, no web font, no request (a Content-Security-Policy forbids them); charts
are inline SVG whose labels are text; a print stylesheet sets A4 and puts the
executive summary alone on page 1.  Every name from the data is escaped.
"""

from __future__ import annotations

from typing import Any

from innokg.brief.appendix import package_version
from innokg.brief.model import Brief, BriefTable, Recommendation, Section
from innokg.brief.words import Lang, txt
from innokg.templates import render

__all__ = ["CSS", "render_html"]

CSS = """
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de; --accent: #2b5c8a; }
html { background: #f4f4f6; }
body { margin: 0; color: var(--ink); font-size: 15px; line-height: 1.55;
  font-family: system-ui, -apple-system, "Noto Sans CJK SC", "Source Han Sans SC",
  "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif; }
article { max-width: 210mm; margin: 0 auto; background: #fff; padding: 18mm 16mm;
  box-sizing: border-box; }
h1 { font-size: 24px; margin: 0 0 6px; color: var(--accent); }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid var(--accent);
  padding-bottom: 3px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
a { color: var(--accent); }
.meta { color: var(--muted); font-size: 13px; margin: 0 0 12px; }
.meta span + span::before { content: " · "; }
.banner { border: 2px solid #b3261e; background: #fdecea; color: #7a1c16; padding: 8px 12px;
  font-weight: 600; margin: 12px 0; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
ul.findings li { margin: 4px 0; }
ol.recommendations { padding-left: 1.4em; margin: 6px 0; }
ol.recommendations > li { margin: 0 0 8px; }
ol.recommendations .action { font-weight: 600; }
ol.recommendations ul { margin: 2px 0 0; padding-left: 1.1em; color: #333; font-size: 13px; }
ol.recommendations .policy { color: var(--muted); font-size: 12px; }
figure { margin: 12px 0; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0 4px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 6px; text-align: left;
  vertical-align: top; }
th { background: #eef2f7; font-weight: 600; -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.nw, th.nw { white-space: nowrap; }
tr.highlight td { background: #fff6d6; font-weight: 600; -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }
.total { color: var(--muted); font-size: 12px; margin: 0 0 10px; }
section.appendix h2 { border-bottom-color: var(--rule); }
footer { margin-top: 28px; color: var(--muted); font-size: 12px;
  border-top: 1px solid var(--rule); padding-top: 6px; }
@page { size: A4; margin: 15mm 14mm 16mm; }
@media print {
  html { background: #fff; }
  body { font-size: 10pt; }
  article { max-width: none; padding: 0; }
  h1 { font-size: 17pt; }
  h2 { font-size: 13pt; break-after: avoid; page-break-after: avoid; }
  h3 { font-size: 11pt; break-after: avoid; page-break-after: avoid; }
  table { font-size: 8.5pt; }
  #summary table { font-size: 8pt; }
  #summary h2 { margin-top: 10px; }
  #summary figure { margin: 4px 0; }
  ol.recommendations > li { margin: 0 0 5px; }
  ol.recommendations ul { font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr, figure, .banner, ol.recommendations > li { break-inside: avoid; page-break-inside: avoid; }
  .page-break { break-after: page; page-break-after: always; }
}
"""


def total_text(t: BriefTable, lang: Lang) -> str:
    if lang == "zh":
        return f"{txt('in_all', lang)} {t.total:,}，{txt('shown', lang)} {len(t.df)}"
    return f"{t.total:,} {txt('in_all', lang)}; {txt('shown', lang)} {len(t.df)}"


def _table(t: BriefTable, lang: Lang) -> dict[str, Any]:
    """What the template draws of one table: its header, rows and cells, or its note."""
    if t.df.empty:
        return {"title": t.title, "rows": None, "note": t.note or txt("none", lang)}
    cols = list(t.df.columns)

    def attr(c: Any) -> str:
        return ' class="num"' if c in t.numeric else ' class="nw"' if c in t.nowrap else ""

    rows = [
        {
            "anchor": t.row_ids[i] if i < len(t.row_ids) else None,
            "highlight": i in t.highlight,
            "cells": [{"attr": attr(c), "text": str(v)} for c, v in zip(cols, row, strict=True)],
        }
        for i, row in enumerate(t.df.itertuples(index=False))
    ]
    more = t.total is not None and t.total > len(t.df)
    return {
        "title": t.title,
        "columns": [{"attr": attr(c), "name": str(c)} for c in cols],
        "rows": rows,
        "total": total_text(t, lang) if more else "",
    }


def policy_line(r: Recommendation, lang: Lang) -> str:
    """'Policy: Article 6, Set up technology R&D platforms' in the brief's language."""
    head = f"{txt('policy_link', lang)}{'：' if lang == 'zh' else ': '}"
    sep = "　" if lang == "zh" else ", "
    return (
        head
        + txt("article", lang, n=r.article)
        + (sep + r.article_title if r.article_title else "")
    )


def _recommendations(recs: list[Recommendation], lang: Lang) -> list[dict[str, Any]]:
    return [
        {
            "action": r.action,
            "because": r.because,
            "evidence": list(r.evidence),
            "head": f"{txt('policy_link', lang)}{'：' if lang == 'zh' else ': '}",
            "article": r.article,
            "article_text": txt("article", lang, n=r.article),
            "title": r.article_title or "",
            "title_sep": "　" if lang == "zh" else ", ",
        }
        for r in recs
    ]


def _section(sec: Section, lang: Lang) -> dict[str, Any]:
    classes = [
        c for c in ("appendix" if sec.appendix else "", "page-break" if sec.page_break else "") if c
    ]
    return {
        "key": sec.key,
        "classes": " ".join(classes),
        "title": sec.title,
        "paragraphs": list(sec.paragraphs),
        # the summary: the targets first, then the trend, then what to do
        "summary": sec.key == "summary",
        "tables": [_table(t, lang) for t in sec.tables],
        "charts": list(sec.charts),
        "recommendations": _recommendations(sec.recommendations, lang),
    }


def render_html(brief: Brief) -> str:
    """The brief as one self-contained, printable HTML page
    (``innokg/brief/templates/brief.html``, every value autoescaped).

    No script, no external font or stylesheet, no image but inline SVG; a
    Content-Security-Policy forbids any request.  ``@page`` sets A4 for printing, and
    the executive summary fills page 1.
    """
    lang = brief.lang
    sections = list(brief.sections)
    summary = None
    if sections and sections[0].key == "summary":
        summary = _section(sections[0], lang)
        sections = sections[1:]
    return render(
        "innokg.brief",
        "brief.html",
        html_lang="zh-CN" if lang == "zh" else "en",
        title=brief.title,
        css=CSS,
        meta=list(brief.meta),
        sep="：" if lang == "zh" else ": ",
        synthetic=brief.synthetic,
        words={k: txt(k, lang) for k in ("synthetic", "findings", "recommendations")},
        summary=summary,
        findings=list(brief.findings),
        sections=[_section(sec, lang) for sec in sections],
        version=package_version(),
        generated=brief.meta[-1][1],
    )
