"""The brief as PDF: the HTML page printed by headless Chromium, A4, page numbers in
the footer, the executive summary alone on page 1."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

from innokg.brief.chromium import Chromium
from innokg.brief.model import Brief
from innokg.brief.render_html import render_html
from innokg.brief.write import write_text

__all__ = ["write_brief_pdf"]


def write_brief_pdf(brief: Brief, out: str | Path, *, browser: str | None = None) -> Path:
    """Print the brief to ``out`` as PDF with headless Chromium.

    Raises
    ------
    InnokgError
        When no Chromium or Chrome is found (the message says how to get one), or it
        fails to print.
    """
    out = Path(out)
    with Chromium(browser) as chromium, tempfile.TemporaryDirectory(prefix="innokg-brief-") as tmp:
        page = Path(tmp) / "brief.html"
        page.write_text(render_html(brief), encoding="utf-8")
        pdf = chromium.pdf(page, footer=html.escape(brief.title))
    return write_text(pdf, out)
