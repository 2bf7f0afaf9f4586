"""The brief as one self-contained, printable HTML page.

No script, no web font, no request (a Content-Security-Policy forbids them); charts
are inline SVG whose labels are text; a print stylesheet sets A4 and puts the
executive summary alone on page 1.  Every name from the data is escaped.
"""

from __future__ import annotations

import html
from typing import Any

from innokg.brief.appendix import package_version
from innokg.brief.model import Brief, BriefTable, Recommendation, Section
from innokg.brief.words import Lang, txt

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


def _table(t: BriefTable, lang: Lang) -> str:
    esc = html.escape
    if t.df.empty:
        text = t.note or txt("none", lang)
        return f'<h3>{esc(t.title)}</h3><p class="total">{esc(text)}</p>'
    cols = list(t.df.columns)

    def cls(c: Any) -> str:
        return ' class="num"' if c in t.numeric else ' class="nw"' if c in t.nowrap else ""

    head = "".join(f'<th{cls(c)} scope="col">{esc(str(c))}</th>' for c in cols)
    body = []
    for i, row in enumerate(t.df.itertuples(index=False)):
        mark = ' class="highlight"' if i in t.highlight else ""
        anchor = f' id="{esc(t.row_ids[i])}"' if i < len(t.row_ids) else ""
        cells = "".join(f"<td{cls(c)}>{esc(str(v))}</td>" for c, v in zip(cols, row, strict=True))
        body.append(f"<tr{anchor}{mark}>{cells}</tr>")
    total = ""
    if t.total is not None and t.total > len(t.df):
        total = f'<p class="total">{total_text(t, lang)}</p>'
    return (
        f"<h3>{esc(t.title)}</h3>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{total}"
    )


def policy_line(r: Recommendation, lang: Lang) -> str:
    """'Policy: Article 6, Set up technology R&D platforms' in the brief's language."""
    head = f"{txt('policy_link', lang)}{'：' if lang == 'zh' else ': '}"
    sep = "　" if lang == "zh" else ", "
    return (
        head
        + txt("article", lang, n=r.article)
        + (sep + r.article_title if r.article_title else "")
    )


def _recommendations(recs: list[Recommendation], lang: Lang) -> str:
    esc = html.escape
    items = []
    for r in recs:
        evidence = "".join(f"<li>{esc(e)}</li>" for e in r.evidence)
        head = f"{txt('policy_link', lang)}{'：' if lang == 'zh' else ': '}"
        link = f'<a href="#article-{r.article}">{esc(txt("article", lang, n=r.article))}</a>'
        title = (("　" if lang == "zh" else ", ") + esc(r.article_title)) if r.article_title else ""
        items.append(
            f'<li><span class="action">{esc(r.action)}</span> {esc(r.because)}'
            + (f"<ul>{evidence}</ul>" if evidence else "")
            + f'<div class="policy">{esc(head)}{link}{title}</div></li>'
        )
    return (
        f"<h3>{esc(txt('recommendations', lang))}</h3>"
        f'<ol class="recommendations">{"".join(items)}</ol>'
    )


def _section(sec: Section, lang: Lang) -> list[str]:
    esc = html.escape
    classes = [
        c for c in ("appendix" if sec.appendix else "", "page-break" if sec.page_break else "") if c
    ]
    cls = f' class="{" ".join(classes)}"' if classes else ""
    parts = [f'<section id="{esc(sec.key)}"{cls}><h2>{esc(sec.title)}</h2>']
    parts += [f"<p>{esc(p)}</p>" for p in sec.paragraphs]
    if sec.key == "summary":  # the targets first, then the trend, then what to do
        parts += [_table(t, lang) for t in sec.tables]
        parts += [f"<figure>{svg}</figure>" for svg in sec.charts]
        if sec.recommendations:
            parts.append(_recommendations(sec.recommendations, lang))
    else:
        parts += [f"<figure>{svg}</figure>" for svg in sec.charts]
        parts += [_table(t, lang) for t in sec.tables]
        if sec.recommendations:
            parts.append(_recommendations(sec.recommendations, lang))
    parts.append("</section>")
    return parts


def render_html(brief: Brief) -> str:
    """The brief as one self-contained, printable HTML page.

    No script, no external font or stylesheet, no image but inline SVG; a
    Content-Security-Policy forbids any request.  ``@page`` sets A4 for printing, and
    the executive summary fills page 1.
    """
    lang = brief.lang
    esc = html.escape
    sep = "：" if lang == "zh" else ": "
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(brief.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body><article>",
        f"<header><h1>{esc(brief.title)}</h1>",
        '<p class="meta">'
        + "".join(f"<span>{esc(k)}{sep}{esc(v)}</span>" for k, v in brief.meta)
        + "</p>",
    ]
    if brief.synthetic:
        parts.append(f'<div class="banner" role="note">{esc(txt("synthetic", lang))}</div>')
    parts.append("</header>")
    sections = brief.sections
    if sections and sections[0].key == "summary":
        parts += _section(sections[0], lang)
        sections = sections[1:]
    parts.append(
        f'<section id="findings"><h2>{esc(txt("findings", lang))}</h2><ul class="findings">'
    )
    parts += [f"<li>{esc(f)}</li>" for f in brief.findings]
    parts.append("</ul></section>")
    for sec in sections:
        parts += _section(sec, lang)
    if brief.synthetic:
        parts.append(f'<div class="banner" role="note">{esc(txt("synthetic", lang))}</div>')
    parts.append(f"<footer>innokg {esc(package_version())} · {esc(brief.meta[-1][1])}</footer>")
    parts.append("</article></body></html>\n")
    return "\n".join(parts)
