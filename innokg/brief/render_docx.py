"""The brief as a Word document (python-docx) that an office can edit: real headings
(Title, Heading 1-2), real tables with a repeated header row, numbered
recommendations, and the charts and the map as pictures.

The pictures are the brief's own SVG drawn by headless Chromium
(:mod:`innokg.brief.chromium`).  Without a Chromium the document is still written,
every table in it; each chart is replaced by a line saying how to get it, and
:func:`charts_available` lets a caller say so first.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

from innokg.brief.chromium import BROWSER_HELP, Chromium, find_browser
from innokg.brief.model import Brief, BriefTable, Chart, Recommendation, Section
from innokg.brief.render_html import policy_line, total_text
from innokg.brief.words import Lang, txt
from innokg.brief.write import write_text
from innokg.graph.errors import InnokgError

__all__ = ["charts_available", "write_brief_docx"]

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_WIDTH_CM = 17.0  # A4 less the margins


def _clean(value: Any) -> str:
    return _XML_ILLEGAL.sub("\ufffd", str(value))


def charts_available(browser: str | None = None) -> bool:
    """Whether a Chromium is found to draw the Word file's charts (on a POSIX system,
    where :class:`~innokg.brief.chromium.Chromium` can drive it)."""
    return os.name == "posix" and find_browser(browser) is not None


def _fonts(doc: Any, lang: Lang) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        style = doc.styles[name]
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), "Microsoft YaHei")
        if name == "Normal":
            style.font.size = Pt(10)
            lang_el = rpr.makeelement(
                qn("w:lang"),
                {qn("w:val"): "en-GB", qn("w:eastAsia"): "zh-CN"},
            )
            rpr.append(lang_el)


def _page(doc: Any) -> None:
    from docx.shared import Cm

    for section in doc.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.8)


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml.ns import qn

    props = cell._tc.get_or_add_tcPr()
    shd = props.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:fill"): fill})
    props.append(shd)


def _table(doc: Any, t: BriefTable, lang: Lang) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc.add_heading(_clean(t.title), level=2)
    if t.df.empty:
        doc.add_paragraph(_clean(t.note or txt("none", lang)))
        return
    cols = list(t.df.columns)
    table = doc.add_table(rows=1, cols=len(cols))
    table.style = "Table Grid"
    head = table.rows[0]
    trpr = head._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    for cell, name in zip(head.cells, cols, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(_clean(name))
        run.bold = True
        run.font.size = Pt(8.5)
        _shade(cell, "EEF2F7")
    for i, row in enumerate(t.df.itertuples(index=False)):
        cells = table.add_row().cells
        for cell, name, value in zip(cells, cols, row, strict=True):
            par = cell.paragraphs[0]
            run = par.add_run(_clean(value))
            run.font.size = Pt(8.5)
            if name in t.numeric:
                par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if i in t.highlight:
                run.bold = True
                _shade(cell, "FFF6D6")
    if t.total is not None and t.total > len(t.df):
        doc.add_paragraph(_clean(total_text(t, lang)))


def _picture(doc: Any, chart: Chart, png: bytes | None, lang: Lang) -> None:
    from docx.shared import Cm

    if png is None:
        doc.add_paragraph(
            _clean(
                f"［图：{chart.caption}——需要 Chromium 才能在 Word 版中绘制；见 HTML 版。］"
                if lang == "zh"
                else f"[Chart: {chart.caption}. Drawing it in Word needs Chromium; it is in "
                "the HTML version.]"
            )
        )
        return
    doc.add_picture(io.BytesIO(png), width=Cm(_WIDTH_CM))
    if chart.caption:
        doc.add_paragraph(_clean(chart.caption), style="Caption")


def _recommendations(doc: Any, recs: list[Recommendation], lang: Lang) -> None:
    doc.add_heading(txt("recommendations", lang), level=2)
    for r in recs:
        par = doc.add_paragraph(style="List Number")
        par.add_run(_clean(r.action)).bold = True
        par.add_run(" " + _clean(r.because))
        for e in r.evidence:
            doc.add_paragraph(_clean(e), style="List Bullet 2")
        doc.add_paragraph(style="List Bullet 2").add_run(_clean(policy_line(r, lang))).italic = True


def _section(doc: Any, sec: Section, pictures: dict[int, bytes | None], lang: Lang) -> None:
    doc.add_heading(_clean(sec.title), level=1)
    for p in sec.paragraphs:
        doc.add_paragraph(_clean(p))
    if sec.key == "summary":
        for t in sec.tables:
            _table(doc, t, lang)
        for chart in sec.charts:
            _picture(doc, chart, pictures.get(id(chart)), lang)
    else:
        for chart in sec.charts:
            _picture(doc, chart, pictures.get(id(chart)), lang)
        for t in sec.tables:
            _table(doc, t, lang)
    if sec.recommendations:
        _recommendations(doc, sec.recommendations, lang)


def write_brief_docx(
    brief: Brief, out: str | Path, *, browser: str | None = None, charts: bool | None = None
) -> Path:
    """Write the brief as a Word document.

    Parameters
    ----------
    brief : Brief
    out : path
    browser : str, optional
        The Chromium that draws the charts (see :func:`innokg.brief.chromium.find_browser`).
    charts : bool, optional
        Draw the charts (True: fail without a Chromium; False: leave them out; None,
        the default: draw them when a Chromium is found).

    Returns
    -------
    Path
        ``out``.
    """
    try:
        import docx
    except ImportError:  # pragma: no cover - a dependency
        raise InnokgError("Word output needs python-docx: pip install python-docx") from None
    out = Path(out)
    lang = brief.lang
    all_charts = [c for s in brief.sections for c in s.charts]
    pictures: dict[int, bytes | None] = {}
    draw = charts if charts is not None else charts_available(browser)
    if draw and all_charts:
        if not charts_available(browser):
            raise InnokgError(f"the Word file's charts need Chromium: {BROWSER_HELP}")
        with Chromium(browser) as chromium:
            pngs = chromium.pictures([str(c) for c in all_charts])
        pictures = {id(c): png for c, png in zip(all_charts, pngs, strict=True)}
    doc = docx.Document()
    _page(doc)
    _fonts(doc, lang)
    doc.core_properties.title = _clean(brief.title)
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en"
    doc.add_heading(_clean(brief.title), level=0)
    sep = "：" if lang == "zh" else ": "
    doc.add_paragraph(_clean(" · ".join(f"{k}{sep}{v}" for k, v in brief.meta)))
    if brief.synthetic:
        from docx.shared import RGBColor

        run = doc.add_paragraph().add_run(_clean(txt("synthetic", lang)))
        run.bold = True
        run.font.color.rgb = RGBColor(0xB3, 0x26, 0x1E)
    sections = list(brief.sections)
    if sections and sections[0].key == "summary":
        _section(doc, sections.pop(0), pictures, lang)
        doc.add_page_break()
    doc.add_heading(txt("findings", lang), level=1)
    for f in brief.findings:
        doc.add_paragraph(_clean(f), style="List Bullet")
    for sec in sections:
        _section(doc, sec, pictures, lang)
    buffer = io.BytesIO()
    doc.save(buffer)
    return write_text(buffer.getvalue(), out)
