"""Headless Chromium for the brief: print a page to PDF, draw SVG charts as PNG.

Why Chromium: it renders exactly the HTML and SVG the brief writes, Chinese included
(with the system's CJK font), and a policy office's machines usually have Chrome or
Chromium.  CairoSVG was tried and rejected: it needs the Cairo library installed
separately, and its text rendering has no font fallback, so Chinese labels came out
as empty boxes.

The browser runs with its network cut off and a throw-away profile
(:mod:`innokg.chromium`; the brief's pages make no request anyway).  One browser
serves a whole document: the PDF and every chart.
"""

from __future__ import annotations

import base64
import tempfile
import time
from pathlib import Path

from innokg.chromium import BROWSER_HELP, ChromiumError, DevToolsPipe, find_browser

__all__ = ["BROWSER_HELP", "Chromium", "find_browser"]


class Chromium(DevToolsPipe):
    """A headless Chromium that prints pages and draws charts; use as a context manager."""

    def open(self, path: Path, *, width: int = 1200, height: int = 900, scale: float = 1) -> str:
        """Open a local file in a new tab; the tab's session id once it has loaded."""
        _, session = self.new_tab()
        self.send("Page.enable", {}, session=session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False},
            session=session,
        )
        self.send("Page.navigate", {"url": path.resolve().as_uri()}, session=session)
        deadline = time.monotonic() + self.timeout
        while self.evaluate(session, "document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise ChromiumError(f"Chromium did not load {path} within {self.timeout:.0f} s")
            time.sleep(0.05)
        self.evaluate(session, "document.fonts.ready.then(() => true)")
        return session

    # --- what the brief needs ------------------------------------------------------------

    def pdf(self, html_file: Path, *, footer: str = "") -> bytes:
        """``html_file`` printed to PDF as a browser prints it (its own @page size)."""
        session = self.open(html_file)
        template = (
            '<div style="font-size:7pt;color:#777;width:100%;text-align:center;">'
            f'{footer} <span class="pageNumber"></span> / <span class="totalPages"></span></div>'
        )
        data = self.send(
            "Page.printToPDF",
            {
                "preferCSSPageSize": True,
                "printBackground": True,
                "displayHeaderFooter": True,
                "headerTemplate": "<span></span>",
                "footerTemplate": template,
            },
            session=session,
        )["data"]
        return base64.b64decode(data)

    def pictures(self, svgs: list[str], *, scale: float = 2) -> list[bytes]:
        """Each SVG (markup) drawn as a PNG at ``scale`` times its own size."""
        if not svgs:
            return []
        with tempfile.TemporaryDirectory(prefix="innokg-charts-") as tmp:
            page = Path(tmp) / "charts.html"
            body = "".join(f'<div class="c" id="c{i}">{svg}</div>' for i, svg in enumerate(svgs))
            page.write_text(
                '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
                "body{margin:0;background:#fff}.c{display:inline-block;vertical-align:top}"
                ".c svg{display:block}</style></head><body>"
                + body.replace("</div>", "</div><br>")
                + "</body></html>",
                encoding="utf-8",
            )
            session = self.open(page, width=800, scale=1)
            boxes = self.evaluate(
                session,
                "[...document.querySelectorAll('.c')].map(e => {"
                "const r = e.getBoundingClientRect();"
                "return [r.x + scrollX, r.y + scrollY, r.width, r.height]; })",
            )
            out = []
            for x, y, w, h in boxes:
                data = self.send(
                    "Page.captureScreenshot",
                    {
                        "format": "png",
                        "captureBeyondViewport": True,
                        "clip": {"x": x, "y": y, "width": w, "height": h, "scale": scale},
                    },
                    session=session,
                )["data"]
                out.append(base64.b64decode(data))
            return out
