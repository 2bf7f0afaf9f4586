"""Headless Chromium for the brief: print a page to PDF, draw SVG charts as PNG.

Why Chromium: it renders exactly the HTML and SVG the brief writes, Chinese included
(with the system's CJK font), and a policy office's machines usually have Chrome or
Chromium.  CairoSVG was tried and rejected: it needs the Cairo library installed
separately, and its text rendering has no font fallback, so Chinese labels came out
as empty boxes.

Chromium is started with its network cut off (every request goes to a proxy on a
closed local port; the brief's pages make none anyway) and a throw-away profile, and
driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON
messages separated by NUL bytes on descriptors 3 and 4), so no extra package and no
open port are needed.  One browser serves a whole document: the PDF and every chart.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import selectors
import shutil
import signal
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from innokg.graph.errors import InnokgError

__all__ = ["BROWSER_HELP", "Chromium", "find_browser"]

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

#: What to do when no browser is found (said by every error that needs one).
BROWSER_HELP = (
    "install Chromium or Google Chrome (e.g. apt-get install chromium), or give its path "
    "with --browser PATH (or INNOKG_BROWSER)"
)

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-breakpad",
    "--mute-audio",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--remote-debugging-pipe",
)


def find_browser(path: str | None = None) -> str | None:
    """The Chromium or Chrome to use: ``path``, ``$INNOKG_BROWSER``, or the first on PATH."""
    given = path or os.environ.get("INNOKG_BROWSER")
    if given:
        found = shutil.which(given)
        return found or (given if Path(given).is_file() else None)
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class Chromium:
    """A headless Chromium driven over a DevTools pipe; use as a context manager."""

    def __init__(self, executable: str | None = None, *, timeout: float = 60.0) -> None:
        try:
            import fcntl  # POSIX: renumbering descriptors for the DevTools pipe
        except ImportError:  # pragma: no cover - Windows
            raise InnokgError(
                "printing the brief with Chromium needs Linux or macOS here; on Windows, "
                "open the HTML brief in Chrome or Edge and print it to PDF"
            ) from None
        path = find_browser(executable)
        if path is None:
            where = f" at {executable!r}" if executable else ""
            raise InnokgError(f"no Chromium or Chrome found{where}: {BROWSER_HELP}")
        self.timeout = timeout
        self.profile = Path(tempfile.mkdtemp(prefix="innokg-chromium-"))
        self._log = (self.profile / "chromium.log").open("wb")
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()
        argv = [path, *_FLAGS, f"--user-data-dir={self.profile}", "about:blank"]
        fds = {
            0: os.open(os.devnull, os.O_RDONLY),
            1: os.open(os.devnull, os.O_WRONLY),
            2: self._log.fileno(),
            3: to_r,
            4: from_w,
        }
        # posix_spawn can renumber descriptors (3 and 4 are what Chromium reads and
        # writes); copies above every target number first, so no dup2 clobbers another.
        high = {t: fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for t, fd in fds.items()}
        for t in (0, 1):
            os.close(fds[t])
        try:
            actions = [(os.POSIX_SPAWN_DUP2, fd, t) for t, fd in high.items()]
            self.pid = os.posix_spawn(path, argv, dict(os.environ), file_actions=actions)
        except OSError as exc:
            self._cleanup()
            raise InnokgError(
                f"cannot start {path}: {exc.strerror or exc}; {BROWSER_HELP}"
            ) from exc
        finally:
            for fd in high.values():
                os.close(fd)
            os.close(to_r)
            os.close(from_w)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._from_r, selectors.EVENT_READ)
        self._buffer = b""
        self._next = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._exit: int | None = None
        try:
            self.send("Browser.getVersion", {})
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Chromium:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- the protocol --------------------------------------------------------------------

    def _alive(self) -> bool:
        if self._exit is None:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._exit = os.waitstatus_to_exitcode(st)
        return self._exit is None

    def send(self, method: str, params: dict[str, Any], *, session: str | None = None) -> Any:
        self._next += 1
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while self._next not in self._replies:
            if not self._alive():
                raise InnokgError(f"Chromium stopped (exit {self._exit}) during {method}")
            if time.monotonic() > deadline:
                raise InnokgError(f"Chromium did not answer {method} within {self.timeout:.0f} s")
            if self._selector.select(0.2):
                chunk = os.read(self._from_r, 1 << 20)
                if not chunk:
                    raise InnokgError("Chromium closed its DevTools pipe")
                self._buffer += chunk
                *messages, self._buffer = self._buffer.split(b"\0")
                for raw in messages:
                    reply = json.loads(raw)
                    if "id" in reply:
                        self._replies[reply["id"]] = reply
        reply = self._replies.pop(self._next)
        if "error" in reply:
            raise InnokgError(f"Chromium could not {method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def open(self, path: Path, *, width: int = 1200, height: int = 900, scale: float = 1) -> str:
        """Open a local file in a new tab; the tab's session id once it has loaded."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
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
                raise InnokgError(f"Chromium did not load {path} within {self.timeout:.0f} s")
            time.sleep(0.05)
        self.evaluate(session, "document.fonts.ready.then(() => true)")
        return str(session)

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=session,
        )
        if "exceptionDetails" in result:
            raise InnokgError(f"Chromium could not evaluate {expression!r}")
        return result["result"].get("value")

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

    def close(self) -> None:
        try:
            if self._alive():
                with contextlib.suppress(InnokgError, OSError):
                    self.timeout = 5
                    self.send("Browser.close", {})
                deadline = time.monotonic() + 10
                while self._alive() and time.monotonic() < deadline:
                    time.sleep(0.05)
                if self._alive():
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
        finally:
            self._cleanup()

    def _cleanup(self) -> None:
        if hasattr(self, "_selector"):
            self._selector.close()
        for fd in (getattr(self, "_to_w", None), getattr(self, "_from_r", None)):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
