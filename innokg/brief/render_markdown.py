"""The brief as Markdown: the same text, tables and recommendations (charts only in the
HTML, PDF and Word versions).  Markup in names is escaped; no raw HTML passes."""

from __future__ import annotations

import re
from typing import Any

from innokg.brief.model import Brief, BriefTable, Recommendation
from innokg.brief.render_html import policy_line, total_text
from innokg.brief.words import Lang, txt

__all__ = ["render_markdown"]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(text: Any) -> str:
    """Text that Markdown renders as itself: markup characters escaped, no raw HTML."""
    s = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return s.replace("\r", " ").replace("\n", " ")


def _table(t: BriefTable, lang: Lang) -> list[str]:
    out = [f"### {md(t.title)}", ""]
    if t.df.empty:
        return [*out, md(t.note) if t.note else txt("none", lang), ""]
    cols = list(t.df.columns)
    out.append("| " + " | ".join(md(c) for c in cols) + " |")
    out.append("| " + " | ".join("---:" if c in t.numeric else "---" for c in cols) + " |")
    for i, row in enumerate(t.df.itertuples(index=False)):
        cells = [md(v) for v in row]
        if i in t.highlight:
            cells = [f"**{c}**" for c in cells]
        out.append("| " + " | ".join(cells) + " |")
    if t.total is not None and t.total > len(t.df):
        out += ["", total_text(t, lang)]
    return [*out, ""]


def _recommendations(recs: list[Recommendation], lang: Lang) -> list[str]:
    out = [f"### {md(txt('recommendations', lang))}", ""]
    for i, r in enumerate(recs, 1):
        out.append(f"{i}. **{md(r.action)}** {md(r.because)}")
        out += [f"    - {md(e)}" for e in r.evidence]
        out.append(f"    - *{md(policy_line(r, lang))}*")
    return [*out, ""]


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown (the same text and tables; charts only in HTML)."""
    lang = brief.lang
    sep = "：" if lang == "zh" else ": "
    lines = [f"# {md(brief.title)}", ""]
    lines += [f"- {md(k)}{sep}{md(v)}" for k, v in brief.meta]
    lines.append("")
    if brief.synthetic:
        lines += [f"> **{md(txt('synthetic', lang))}**", ""]
    sections = brief.sections
    for i, sec in enumerate(sections):
        if i == 1 or (i == 0 and sec.key != "summary"):
            lines += [f"## {md(txt('findings', lang))}", ""]
            lines += [f"- {md(f)}" for f in brief.findings]
            lines.append("")
        lines += [f"## {md(sec.title)}", ""]
        for p in sec.paragraphs:
            lines += [md(p), ""]
        if sec.charts:
            lines += [f"*{md(txt('charts_in_html', lang))}*", ""]
        for t in sec.tables:
            lines += _table(t, lang)
        if sec.recommendations:
            lines += _recommendations(sec.recommendations, lang)
    return "\n".join(lines).rstrip() + "\n"
