"""A small driver for headless Chromium, for tests of the pages innokg writes.

It is innokg's own transport (:mod:`innokg.chromium`: network cut off except the
loopback ``host:port`` of a local server under test named in ``allow``, DevTools over
a pipe) with tabs on top: every request a page makes is recorded, as are uncaught
exceptions and console errors.

>>> with Browser.launch() as browser:  # doctest: +SKIP
...     page = browser.open(Path("page.html"))
...     page.wait_for("window.innokgReady")
...     page.evaluate("network.body.data.nodes.length")
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from innokg.chromium import ChromiumError, DevToolsPipe, find_browser

__all__ = ["Browser", "BrowserError", "Page", "find_chromium"]

#: What a test sees when the browser fails or a page does not do what it waits for.
BrowserError = ChromiumError


def find_chromium() -> str | None:
    """The path of a Chromium or Chrome executable, or None."""
    return find_browser()


@dataclass
class Page:
    """One tab, attached in its own DevTools session."""

    browser: Browser
    session: str
    target: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.browser.send(method, params, session=self.session)
        return result

    def evaluate(self, expression: str, *, timeout: float = 30.0) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable)."""
        return self.browser.evaluate(self.session, expression, timeout=timeout)

    def wait_for(self, expression: str, *, timeout: float = 60.0) -> Any:
        """Poll ``expression`` until it is truthy; its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"{expression!r} still falsy after {timeout} s")
            self.browser.pump(0.1)

    def hover(self, x: float, y: float) -> None:
        """Move the mouse to a point of the viewport."""
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of the viewport."""
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def pdf(self, path: Path) -> Path:
        """Print the page to PDF as a browser would (its own @page size), and save it."""
        data = self.browser.send(
            "Page.printToPDF",
            {"preferCSSPageSize": True, "printBackground": True},
            session=self.session,
            timeout=120,
        )["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})
        self.browser.pages.pop(self.session, None)


class Browser(DevToolsPipe):
    """A headless Chromium with the network cut off, and the tabs it has open."""

    def __init__(
        self,
        executable: str | None = None,
        *,
        width: int = 1366,
        height: int = 900,
        allow: tuple[str, ...] = (),
    ) -> None:
        self.pages: dict[str, Page] = {}
        self.width, self.height = width, height
        super().__init__(
            executable, allow=allow, window=(width, height), timeout=30.0, on_event=self._event
        )

    @classmethod
    def launch(cls, executable: str | None = None, *, allow: tuple[str, ...] = ()) -> Browser:
        """Start Chromium; ``allow`` names loopback ``host:port`` addresses it may reach.

        A start that does not answer is tried once more with a new profile: on a loaded
        machine a browser has hung at start while the next one started at once.
        """
        try:
            return cls(executable, allow=allow)
        except ChromiumError:
            return cls(executable, allow=allow)

    def __enter__(self) -> Browser:
        return self

    def _event(self, msg: dict[str, Any]) -> None:
        page = self.pages.get(msg.get("sessionId", ""))
        if page is None:
            return
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Network.requestWillBeSent":
            page.requests.append(params["request"])
        elif method == "Runtime.exceptionThrown":
            page.exceptions.append(json.dumps(params.get("exceptionDetails", {}))[:500])
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            page.console_errors.append(json.dumps(params.get("args", []))[:500])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            page.console_errors.append(params["entry"].get("text", "")[:500])

    def open(self, path: Path | str, *, timeout: float = 60.0) -> Page:
        """Open a file (or a URL given as text) in a new tab and wait for its load event."""
        target, session = self.new_tab()
        page = Page(self, session, target)
        self.pages[session] = page
        for domain in ("Network", "Runtime", "Log", "Page"):
            page.send(f"{domain}.enable")
        page.send(
            "Emulation.setDeviceMetricsOverride",
            width=self.width,
            height=self.height,
            deviceScaleFactor=1,
            mobile=False,
        )
        url = path if isinstance(path, str) else path.resolve().as_uri()
        page.send("Page.navigate", url=url)
        page.wait_for("document.readyState === 'complete'", timeout=timeout)
        return page
