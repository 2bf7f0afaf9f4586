"""A small driver for headless Chromium, for tests of the pages innokg writes.

Chromium is started with its network cut off (every request goes to a proxy on a
closed local port, nothing bypasses it except the loopback ``host:port`` of a local
server under test named in ``allow``, QUIC and background services are off) and
driven over the Chrome DevTools protocol on a pipe (``--remote-debugging-pipe``:
JSON messages separated by NUL bytes on file descriptors 3 and 4), so no extra
package and no debugging port are needed.  Every request a page makes is recorded,
as are uncaught exceptions and console errors.

>>> with Browser.launch() as browser:  # doctest: +SKIP
...     page = browser.open(Path("page.html"))
...     page.wait_for("window.innokgReady")
...     page.evaluate("network.body.data.nodes.length")
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import selectors
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["Browser", "BrowserError", "Page", "find_chromium"]

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

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
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--mute-audio",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",
    "--remote-debugging-pipe",
)


class BrowserError(RuntimeError):
    """Chromium did not answer, or answered with an error."""


def find_chromium() -> str | None:
    """The path of a Chromium or Chrome executable, or None."""
    for name in _CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


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
        return self.browser.send(method, params, session=self.session)

    def evaluate(self, expression: str, *, timeout: float = 30.0) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable)."""
        result = self.browser.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session,
            timeout=timeout,
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

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


class _Process:
    """A child process whose descriptors 0-4 are given (Chromium's pipe wants 3 and 4).

    ``subprocess`` can pass descriptors but not renumber them, and a shell cannot name
    descriptors above 9, so the child is started with ``posix_spawn`` and explicit
    ``dup2`` actions, from copies moved above every target number first.
    """

    def __init__(self, argv: list[str], fds: dict[int, int]) -> None:
        high = {target: fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for target, fd in fds.items()}
        for target in (0, 1):  # the devnull descriptors opened for the call
            os.close(fds[target])
        try:
            actions = [(os.POSIX_SPAWN_DUP2, fd, target) for target, fd in high.items()]
            self.pid = os.posix_spawn(argv[0], argv, dict(os.environ), file_actions=actions)
        finally:
            for fd in high.values():
                os.close(fd)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"process {self.pid} still running after {timeout} s")
            time.sleep(0.05)
        assert self.returncode is not None
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)


class Browser:
    """A headless Chromium with the network cut off, driven over a DevTools pipe."""

    def __init__(
        self,
        executable: str,
        *,
        width: int = 1366,
        height: int = 900,
        allow: tuple[str, ...] = (),
    ) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="innokg-chromium-"))
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()
        self._log = (self.profile / "chromium.log").open("wb")
        bypass = ";".join(["<-loopback>", *allow])  # loopback too goes to the proxy, but `allow`
        flags = [*_FLAGS, f"--proxy-bypass-list={bypass}", f"--user-data-dir={self.profile}"]
        flags.append(f"--window-size={width},{height}")
        self.process = _Process(
            [executable, *flags, "about:blank"],
            {
                0: os.open(os.devnull, os.O_RDONLY),
                1: os.open(os.devnull, os.O_WRONLY),
                2: self._log.fileno(),
                3: to_r,
                4: from_w,
            },
        )
        os.close(to_r)
        os.close(from_w)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._from_r, selectors.EVENT_READ)
        self._buffer = b""
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self.pages: dict[str, Page] = {}
        self.width, self.height = width, height

    @classmethod
    def launch(cls, executable: str | None = None, *, allow: tuple[str, ...] = ()) -> Browser:
        """Start Chromium; ``allow`` names loopback ``host:port`` addresses it may reach."""
        path = executable or find_chromium()
        if path is None:
            raise BrowserError("no chromium executable found")
        browser = cls(path, allow=allow)
        try:
            browser.send("Browser.getVersion", {}, timeout=60)
        except BaseException:
            browser.close()
            raise
        return browser

    def __enter__(self) -> Browser:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- the protocol -----------------------------------------------------------------

    def send(
        self,
        method: str,
        params: dict[str, Any],
        *,
        session: str | None = None,
        timeout: float = 30.0,
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_w, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while self._next_id not in self._replies:
            if time.monotonic() > deadline:
                raise BrowserError(f"no answer to {method} within {timeout} s")
            self.pump(0.2)
        reply = self._replies.pop(self._next_id)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def pump(self, wait: float) -> None:
        """Read what Chromium has sent within ``wait`` seconds and dispatch it."""
        if self.process.poll() is not None:
            raise BrowserError(f"chromium exited with {self.process.returncode}")
        if not self._selector.select(wait):
            return
        chunk = os.read(self._from_r, 1 << 20)
        if not chunk:
            raise BrowserError("chromium closed the DevTools pipe")
        self._buffer += chunk
        *messages, self._buffer = self._buffer.split(b"\0")
        for raw in messages:
            msg = json.loads(raw)
            if "id" in msg:
                self._replies[msg["id"]] = msg
            else:
                self._event(msg)

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

    # --- pages ---------------------------------------------------------------------------

    def open(self, path: Path | str, *, timeout: float = 60.0) -> Page:
        """Open a file (or a URL given as text) in a new tab and wait for its load event."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
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

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                with contextlib.suppress(BrowserError, OSError):
                    self.send("Browser.close", {}, timeout=5)
                try:
                    self.process.wait(timeout=10)
                except TimeoutError:
                    self.process.kill()
                    self.process.wait(timeout=10)
        finally:
            self._selector.close()
            for fd in (self._to_w, self._from_r):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._log.close()
            shutil.rmtree(self.profile, ignore_errors=True)
