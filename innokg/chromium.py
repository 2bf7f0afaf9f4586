"""Headless Chromium over a DevTools pipe, with its network cut off.

One transport serves every use of a browser: the brief prints its PDF and draws its
charts with it (:mod:`innokg.brief.chromium`), and the tests drive the pages innokg
writes and serves with it (``tests/browser.py``).

Chromium is started with a throw-away profile and every request sent to a proxy on a
closed local port; nothing bypasses it except the loopback ``host:port`` addresses
named in ``allow`` (a local server under test).  QUIC and the background services are
off.  It is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
JSON messages separated by NUL bytes on descriptors 3 and 4), so no extra package
and no open debugging port are needed.  ``subprocess`` can pass descriptors but not
renumber them, so the child is started with ``posix_spawn`` and explicit ``dup2``
actions (POSIX only).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from innokg.graph.errors import InnokgError

__all__ = ["BROWSER_HELP", "ChromiumError", "DevToolsPipe", "find_browser"]

#: Seconds a starting browser has to answer its first command.
START_SECONDS = 120.0

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
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--mute-audio",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",
    "--remote-debugging-pipe",
)


class ChromiumError(InnokgError):
    """Chromium could not start, did not answer, or answered with an error."""


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


def _spawn(argv: list[str], fds: dict[int, int]) -> int:
    """Start ``argv`` with descriptor ``target`` = ``fds[target]``; its pid."""
    try:
        import fcntl  # POSIX: renumbering descriptors for the DevTools pipe
    except ImportError:  # pragma: no cover - Windows
        raise ChromiumError(
            "driving Chromium needs Linux or macOS here; on Windows, open the HTML in "
            "Chrome or Edge and print or save it from there"
        ) from None
    # copies above every target number first, so no dup2 clobbers another
    high = {target: fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for target, fd in fds.items()}
    try:
        actions = [(os.POSIX_SPAWN_DUP2, fd, target) for target, fd in high.items()]
        return os.posix_spawn(argv[0], argv, dict(os.environ), file_actions=actions)
    finally:
        for fd in high.values():
            os.close(fd)


class DevToolsPipe:
    """A headless Chromium and its DevTools pipe; use as a context manager.

    ``send`` waits for the answer to one command; events (messages without an id)
    that arrive meanwhile go to ``on_event``.  ``allow`` names loopback ``host:port``
    addresses the browser may reach; every other request fails at the dead proxy.
    """

    def __init__(
        self,
        executable: str | None = None,
        *,
        allow: tuple[str, ...] = (),
        window: tuple[int, int] | None = None,
        timeout: float = 60.0,
        on_event: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        path = find_browser(executable)
        if path is None:
            where = f" at {executable!r}" if executable else ""
            raise ChromiumError(f"no Chromium or Chrome found{where}: {BROWSER_HELP}")
        self.timeout = timeout
        self.on_event = on_event
        self.profile = Path(tempfile.mkdtemp(prefix="innokg-chromium-"))
        self._log = (self.profile / "chromium.log").open("wb")
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()
        bypass = ";".join(["<-loopback>", *allow])  # loopback too goes to the proxy
        argv = [path, *_FLAGS, f"--proxy-bypass-list={bypass}", f"--user-data-dir={self.profile}"]
        if window:
            argv.append(f"--window-size={window[0]},{window[1]}")
        devnull_r, devnull_w = os.open(os.devnull, os.O_RDONLY), os.open(os.devnull, os.O_WRONLY)
        fds = {0: devnull_r, 1: devnull_w, 2: self._log.fileno(), 3: to_r, 4: from_w}
        try:
            self.pid = _spawn([*argv, "about:blank"], fds)
        except OSError as exc:
            self._cleanup()
            raise ChromiumError(
                f"cannot start {path}: {exc.strerror or exc}; {BROWSER_HELP}"
            ) from exc
        except BaseException:
            self._cleanup()
            raise
        finally:
            for fd in (devnull_r, devnull_w, to_r, from_w):
                os.close(fd)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._from_r, selectors.EVENT_READ)
        self._buffer = b""
        self._next = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._exit: int | None = None
        try:
            # a first start on a busy machine (fonts, a new profile) can take far longer
            # than any later command, so the first answer gets its own, longer wait
            self.send("Browser.getVersion", {}, timeout=max(timeout, START_SECONDS))
        except ChromiumError as exc:
            said = self._last_log_line()
            self.close()
            raise ChromiumError(f"{exc}" + (f"; it last said: {said}" if said else "")) from None
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> DevToolsPipe:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def alive(self) -> bool:
        """Whether the browser process still runs."""
        if self._exit is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._exit = os.waitstatus_to_exitcode(status)
        return self._exit is None

    def send(
        self,
        method: str,
        params: dict[str, Any],
        *,
        session: str | None = None,
        timeout: float | None = None,
    ) -> Any:
        """Send one command and wait for its result (``timeout`` defaults to the pipe's)."""
        self._next += 1
        msg: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        try:
            os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        except BrokenPipeError:  # the browser closed its end: it stopped, or is stopping
            raise self._stopped() from None
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while self._next not in self._replies:
            if time.monotonic() > deadline:
                raise ChromiumError(f"Chromium did not answer {method} within {limit:.0f} s")
            self.pump(0.2)
        reply = self._replies.pop(self._next)
        if "error" in reply:
            raise ChromiumError(f"Chromium could not {method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def pump(self, wait: float) -> None:
        """Read what Chromium sends within ``wait`` seconds and dispatch it."""
        if not self.alive():
            raise ChromiumError(f"Chromium stopped (exit {self._exit})")
        if not self._selector.select(wait):
            return
        chunk = os.read(self._from_r, 1 << 20)
        if not chunk:  # the pipe closes as the browser exits
            raise self._stopped()
        self._buffer += chunk
        *messages, self._buffer = self._buffer.split(b"\0")
        for raw in messages:
            msg = json.loads(raw)
            if "id" in msg:
                self._replies[msg["id"]] = msg
            elif self.on_event is not None:
                self.on_event(msg)

    def _stopped(self) -> ChromiumError:
        """The error for a DevTools pipe the browser closed: how it exited, when it has
        within two seconds."""
        deadline = time.monotonic() + 2
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        if self._exit is not None:
            return ChromiumError(f"Chromium stopped (exit {self._exit})")
        return ChromiumError("Chromium closed its DevTools pipe")

    def new_tab(self) -> tuple[str, str]:
        """A blank tab attached in its own session: ``(target id, session id)``."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        return str(target), str(session["sessionId"])

    def evaluate(self, session: str, expression: str, *, timeout: float | None = None) -> Any:
        """The value of a JavaScript expression (JSON-serialisable) in a tab."""
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=session,
            timeout=timeout,
        )
        if "exceptionDetails" in result:
            raise ChromiumError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        """Ask the browser to quit, kill it if it does not, and remove its profile."""
        try:
            if self.alive():
                with contextlib.suppress(ChromiumError, OSError):
                    self.send("Browser.close", {}, timeout=5)
                deadline = time.monotonic() + 10
                while self.alive() and time.monotonic() < deadline:
                    time.sleep(0.05)
                if self.alive():
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
        finally:
            self._cleanup()

    def _last_log_line(self) -> str:
        """The last line Chromium wrote to its log (for an error that says why)."""
        with contextlib.suppress(OSError):
            lines = (self.profile / "chromium.log").read_text(errors="replace").splitlines()
            return lines[-1].strip()[:300] if lines else ""
        return ""

    def _cleanup(self) -> None:
        if hasattr(self, "_selector"):
            self._selector.close()
        for fd in (getattr(self, "_to_w", None), getattr(self, "_from_r", None)):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
