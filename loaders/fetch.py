"""Download the public sources that may not ship inside the package.

Three of the real sources behind ``innokg henan`` carry no licence, or terms nobody has
checked, so innokg does not redistribute them: each user fetches them from their public
upstream, at a pinned commit, and every file is checked against the SHA-256 and size
recorded here before it is kept.

=========  ==========================================================  ==============
name       what                                                        sub-folder
=========  ==========================================================  ==============
chainkg    ChainKnowledgeGraph: A-share companies, industries, products  ``chainkg/``
listed     Tushare ``stock_basic`` export: listed companies' provinces   ``listed/``
lq         industry location quotients of ~338 cities (2017)             ``clusters/``
=========  ==========================================================  ==============

A data folder holds one sub-folder per source, laid out like the project's shared data
folder (``chainkg/company.json``, ``listed/stock_basic.csv``,
``clusters/industry_location_quotients_2017.xlsx``), so the download cache and a copy of
that folder are interchangeable wherever a data folder is asked for.  A mirror given as
``base_url`` (or the environment variable ``INNOKG_DATA_MIRROR``) is laid out the same
way: ``<base_url>/<sub-folder>/<file>``.

Downloads are all-or-nothing per file: the body is streamed into a temporary file beside
the target while its SHA-256 is computed, and renamed into place (:func:`os.replace`,
atomic) only when checksum and size match.  Anything else (a mismatch, an HTTP error, a
dropped connection, a timeout) removes the temporary file and leaves the folder exactly
as it was; one file failing does not stop the others.

Examples
--------
>>> sorted(SOURCES)
['chainkg', 'listed', 'lq']
>>> SOURCES["lq"].folder
'clusters'
>>> mirror_url("http://127.0.0.1:8000/data/", SOURCES["listed"], SOURCES["listed"].files[0])
'http://127.0.0.1:8000/data/listed/stock_basic.csv'
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import urllib.response
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from innokg.graph.errors import SourceError
from innokg.loaders.catalogue import SOURCES, Source, SourceFile

__all__ = [
    "DATA_ENV",
    "MIRROR_ENV",
    "SOURCES",
    "FetchEvent",
    "FetchReport",
    "FileOutcome",
    "Source",
    "SourceFile",
    "cache_dir",
    "fetch",
    "find_data",
    "mirror_url",
    "resolve_names",
    "verify",
]

DATA_ENV = "INNOKG_DATA"
"""Environment variable naming the download cache (a data folder)."""

MIRROR_ENV = "INNOKG_DATA_MIRROR"
"""Environment variable naming a mirror to download from instead of the upstreams."""

_CHUNK = 64 * 1024


# --------------------------------------------------------------------------- folders


def cache_dir() -> Path:
    """The download cache: a data folder with one sub-folder per source.

    Returns
    -------
    Path
        ``$INNOKG_DATA`` if set, else ``$XDG_CACHE_HOME/innokg/data`` (when that is an
        absolute path, as the XDG specification requires), else ``~/.cache/innokg/data``.
        The folder may not exist yet.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"INNOKG_DATA": "/srv/innokg-data"}):
    ...     print(cache_dir())
    /srv/innokg-data
    >>> with mock.patch.dict(os.environ, {"XDG_CACHE_HOME": "/var/cache"}, clear=True):
    ...     print(cache_dir())
    /var/cache/innokg/data
    """
    explicit = os.environ.get(DATA_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "innokg" / "data"
    return Path.home() / ".cache" / "innokg" / "data"


def resolve_names(names: Iterable[str] | None) -> list[Source]:
    """The sources named, in catalogue order, every source when ``names`` is empty.

    Parameters
    ----------
    names
        Source names; ``None`` or empty for all.

    Returns
    -------
    list of Source

    Raises
    ------
    SourceError
        A name is not in the catalogue; the message lists the known names.

    Examples
    --------
    >>> [s.name for s in resolve_names(["lq", "chainkg", "lq"])]
    ['chainkg', 'lq']
    >>> [s.name for s in resolve_names(None)]
    ['chainkg', 'listed', 'lq']
    >>> resolve_names(["tushare"])
    Traceback (most recent call last):
    ...
    innokg.graph.errors.SourceError: unknown source(s): tushare; the sources that can be ...
    """
    wanted = list(dict.fromkeys(names or []))
    unknown = [n for n in wanted if n not in SOURCES]
    if unknown:
        raise SourceError(
            f"unknown source(s): {', '.join(unknown)}; the sources that can be fetched are "
            f"{', '.join(SOURCES)} (`innokg data list` describes them)"
        )
    if not wanted:
        return list(SOURCES.values())
    return [SOURCES[n] for n in SOURCES if n in wanted]


def _source(name: str) -> Source:
    return resolve_names([name])[0]


def _missing_files(source: Source, folder: Path) -> list[str]:
    return [f.path for f in source.files if not (folder / f.path).is_file()]


def find_data(name: str, data_folder: Path | str | None = None) -> Path | None:
    """The folder that holds a source's files.

    Parameters
    ----------
    name
        Source name (``chainkg``, ``listed``, ``lq``).
    data_folder
        A data folder given by the user (its ``<sub-folder>/`` is looked in, then the
        folder itself); the cache (:func:`cache_dir`) is looked in after it.

    Returns
    -------
    Path or None
        The first folder where every file of the source exists, or None.  Files are only
        checked to exist; :func:`verify` checks their contents.

    Raises
    ------
    SourceError
        ``name`` is not a known source.

    Examples
    --------
    A data folder laid out like the shared one (the cache pointed at an empty
    folder, so that only ``data`` is looked in):

    >>> import os, tempfile
    >>> from unittest import mock
    >>> tmp = tempfile.TemporaryDirectory()
    >>> data = Path(tmp.name) / "data"
    >>> (data / "listed").mkdir(parents=True)
    >>> _ = (data / "listed" / "stock_basic.csv").write_text("ts_code\\n", encoding="utf-8")
    >>> with mock.patch.dict(os.environ, {DATA_ENV: str(Path(tmp.name) / "cache")}):
    ...     print(find_data("listed", data) == data / "listed", find_data("lq", data))
    True None
    >>> tmp.cleanup()
    """
    source = _source(name)
    candidates: list[Path] = []
    if data_folder is not None:
        root = Path(data_folder).expanduser()
        candidates += [root / source.folder, root]
    candidates.append(cache_dir() / source.folder)
    for folder in candidates:
        if folder.is_dir() and not _missing_files(source, folder):
            return folder
    return None


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _check_file(entry: SourceFile, path: Path) -> str | None:
    """What is wrong with one file on disk, or None when it is the one published."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if not path.is_file():
        return "not a file"
    if size != entry.size:
        return f"{size:,} bytes where {entry.size:,} are expected"
    try:
        digest = _file_digest(path)
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if digest != entry.sha256:
        return f"SHA-256 {digest[:12]}… where {entry.sha256[:12]}… is expected"
    return None


def verify(name: str, folder: Path | str) -> list[str]:
    """Check a source's files in a folder against their published checksums and sizes.

    Parameters
    ----------
    name
        Source name.
    folder
        The folder that holds the files (as :func:`find_data` returns), not the data
        folder above it.

    Returns
    -------
    list of str
        One line per problem (``company.json: missing``); empty when every file is
        the one published.

    Raises
    ------
    SourceError
        ``name`` is not a known source.

    Examples
    --------
    A file that is not the one published:

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = Path(tmp.name)
    >>> _ = (folder / "stock_basic.csv").write_text("ts_code,symbol\\n", encoding="utf-8")
    >>> verify("listed", folder)
    ['stock_basic.csv: 15 bytes where 321,624 are expected']
    >>> verify("lq", folder)
    ['industry_location_quotients_2017.xlsx: missing']
    >>> tmp.cleanup()
    """
    source = _source(name)
    folder = Path(folder)
    problems = []
    for entry in source.files:
        problem = _check_file(entry, folder / entry.path)
        if problem is not None:
            problems.append(f"{entry.path}: {problem}")
    return problems


# --------------------------------------------------------------------------- fetching

Status = Literal["downloading", "fetched", "present", "failed"]


@dataclass(frozen=True)
class FetchEvent:
    """Progress of one file, as given to the ``progress`` callback of :func:`fetch`.

    ``status`` is ``downloading`` (``done`` of ``total`` bytes received so far; sent
    once with ``done`` 0 before the request, then after every chunk), then one of
    ``fetched``, ``present`` (already there, checksum verified) or ``failed``
    (``message`` says why).
    """

    source: str
    file: str
    status: Status
    done: int
    total: int
    message: str = ""


@dataclass(frozen=True)
class FileOutcome:
    """What became of one file.

    Attributes
    ----------
    source, file
        Source name and the file's path within it.
    path
        Where the file is (or would be) in the destination.
    url
        Where it was (or would have been) downloaded from.
    status
        ``fetched``, ``present`` (already there, verified) or ``failed``.
    size
        Bytes written (fetched) or found (present); 0 on failure.
    reason
        Why it failed: one line naming the source, the file, the URL and what to do.
    """

    source: str
    file: str
    path: Path
    url: str
    status: Literal["fetched", "present", "failed"]
    size: int = 0
    reason: str = ""


@dataclass
class FetchReport:
    """The outcome of :func:`fetch`: one :class:`FileOutcome` per file."""

    dest: Path
    files: list[FileOutcome] = field(default_factory=list)

    def _with(self, status: str) -> list[FileOutcome]:
        return [f for f in self.files if f.status == status]

    @property
    def fetched(self) -> list[FileOutcome]:
        """Files downloaded and verified."""
        return self._with("fetched")

    @property
    def present(self) -> list[FileOutcome]:
        """Files already there with the right checksum (not downloaded again)."""
        return self._with("present")

    @property
    def failed(self) -> list[FileOutcome]:
        """Files that could not be got; the folder holds whatever it held before."""
        return self._with("failed")

    @property
    def ok(self) -> bool:
        """True when every file is now in place and verified."""
        return not self.failed

    @property
    def failed_sources(self) -> list[str]:
        """Names of the sources with at least one file missing, in order."""
        return list(dict.fromkeys(f.source for f in self.failed))


def _base_url(base_url: str | None) -> str | None:
    """The mirror's base URL from the argument or the environment, or None (upstream)."""
    base = base_url if base_url is not None else os.environ.get(MIRROR_ENV, "")
    base = base.strip()
    if not base:
        return None
    scheme = urllib.parse.urlsplit(base).scheme.lower()
    if scheme in ("http", "https", "file"):
        return base
    if not scheme or len(scheme) == 1:  # a local path (also C:\... on Windows)
        # A folder laid out like the data folder works as a mirror too.
        folder = Path(base).expanduser()
        if folder.is_dir():
            return folder.resolve().as_uri()
        raise SourceError(
            f"mirror {base!r} is neither a URL nor an existing folder; give an http(s):// "
            "URL or a folder laid out like the data folder (chainkg/, listed/, clusters/)"
        )
    raise SourceError(
        f"mirror {base!r}: the scheme {scheme}:// is not supported; give an http(s):// or "
        "file:// URL"
    )


def mirror_url(base_url: str, source: Source, entry: SourceFile) -> str:
    """The URL of a file on a mirror laid out like the data folder.

    Parameters
    ----------
    base_url
        The mirror's root (a trailing slash is optional).
    source, entry
        The source and its file.

    Returns
    -------
    str
        ``<base_url>/<source.folder>/<entry.path>``, percent-encoded.

    Examples
    --------
    >>> lq = SOURCES["lq"]
    >>> mirror_url("https://mirror.example.org/innokg", lq, lq.files[0])
    'https://mirror.example.org/innokg/clusters/industry_location_quotients_2017.xlsx'
    """
    tail = urllib.parse.quote(f"{source.folder}/{entry.path}", safe="/")
    return f"{base_url.rstrip('/')}/{tail}"


FailureKind = Literal["mismatch", "missing", "network", "write"]


class _Failure(Exception):
    """Why one download failed: the cause only (the caller adds where and what to do)."""

    def __init__(self, message: str, kind: FailureKind) -> None:
        super().__init__(message)
        self.kind = kind


def _open(
    request: urllib.request.Request, timeout: float
) -> http.client.HTTPResponse | urllib.response.addinfourl:
    """Open a URL, turning every way it can fail into a :class:`_Failure`."""
    try:
        response: http.client.HTTPResponse | urllib.response.addinfourl = urllib.request.urlopen(
            request, timeout=timeout
        )
    except urllib.error.HTTPError as exc:
        exc.close()
        kind: FailureKind = "missing" if exc.code in (404, 410) else "network"
        raise _Failure(f"HTTP {exc.code} {exc.reason}", kind) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise _Failure(f"no answer within {timeout:g} s", "network") from None
        if isinstance(reason, FileNotFoundError):
            raise _Failure("no such file", "missing") from None
        raise _Failure(f"cannot connect ({reason})", "network") from None
    except TimeoutError:
        raise _Failure(f"no answer within {timeout:g} s", "network") from None
    except (http.client.HTTPException, OSError) as exc:
        raise _Failure(
            f"the connection dropped before any data ({type(exc).__name__})", "network"
        ) from None
    except ValueError as exc:
        raise _Failure(f"invalid URL ({exc})", "missing") from None
    return response


def _download(
    url: str,
    entry: SourceFile,
    target: Path,
    *,
    timeout: float,
    on_bytes: Callable[[int], None],
) -> int:
    """Download ``url`` into ``target`` if its checksum and size are ``entry``'s.

    The body goes to a temporary file beside ``target``, renamed over it only when it
    verifies; on any failure the temporary file is removed and ``target`` is untouched.
    Returns the number of bytes written; raises :class:`_Failure` with the cause.
    """
    request = urllib.request.Request(url, headers={"User-Agent": "innokg-data-fetch"})
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
    except OSError as exc:
        raise _Failure(
            f"cannot write in {target.parent} ({exc.strerror or exc})", "write"
        ) from None
    tmp = Path(tmp_name)
    kept = False
    try:
        digest = hashlib.sha256()
        received = 0
        with os.fdopen(fd, "wb") as out:
            with _open(request, timeout) as response:
                declared = response.headers.get("Content-Length", "").strip()
                expected = int(declared) if declared.isdigit() else None
                if expected is not None and expected != entry.size:
                    raise _Failure(
                        f"the server announces {expected:,} bytes where {entry.size:,} are "
                        "expected: not the pinned file, refused",
                        "mismatch",
                    )
                # read1: whatever has arrived (up to a chunk), so that progress and the
                # byte count of a stalled or dropped transfer are exact.
                read = getattr(response, "read1", response.read)
                while True:
                    try:
                        chunk = read(_CHUNK)
                    except TimeoutError:
                        raise _Failure(
                            f"no data for {timeout:g} s after {received:,} of {entry.size:,} bytes",
                            "network",
                        ) from None
                    except (http.client.HTTPException, OSError) as exc:
                        raise _Failure(
                            f"the connection dropped after {received:,} of {entry.size:,} "
                            f"bytes ({type(exc).__name__})",
                            "network",
                        ) from None
                    if not chunk:
                        break
                    received += len(chunk)
                    if received > entry.size:
                        raise _Failure(
                            f"the server sent more than the {entry.size:,} bytes expected: "
                            "not the pinned file, refused",
                            "mismatch",
                        )
                    digest.update(chunk)
                    out.write(chunk)
                    on_bytes(received)
            if received < entry.size:
                # http.client does not raise when a body ends before its Content-Length.
                raise _Failure(
                    f"the connection dropped after {received:,} of {entry.size:,} bytes",
                    "network",
                )
            if digest.hexdigest() != entry.sha256:
                raise _Failure(
                    f"checksum mismatch (SHA-256 {digest.hexdigest()[:12]}… where "
                    f"{entry.sha256[:12]}… is expected): not the pinned file, refused",
                    "mismatch",
                )
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            tmp.chmod(0o644)  # mkstemp makes it private; a data file is not secret
        os.replace(tmp, target)
        kept = True
        return received
    except OSError as exc:
        # Writing the temporary file or renaming it failed (disk full, permissions).
        raise _Failure(f"cannot write {target} ({exc.strerror or exc})", "write") from None
    finally:
        if not kept:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _advice(kind: FailureKind, mirror: str | None) -> str:
    """What to do about a failure, in a few words."""
    if kind == "mismatch":
        if mirror:
            return "the mirror serves another version; nothing was kept: fix the mirror"
        return (
            "upstream now serves another version; nothing was kept: fetch the pinned "
            "version from a mirror (--mirror) or report it to innokg"
        )
    if kind == "missing":
        if mirror:
            return "the mirror lacks this file: check its layout (<mirror>/<folder>/<file>)"
        return "upstream has moved or removed the file: fetch from a mirror (--mirror)"
    if kind == "write":
        return "free some space or choose another folder (--dest)"
    return "check the network and run the command again (files already fetched are kept)"


def fetch(
    names: Iterable[str] | None = None,
    *,
    dest: Path | str | None = None,
    base_url: str | None = None,
    timeout: float = 60,
    force: bool = False,
    progress: Callable[[FetchEvent], None] | None = None,
) -> FetchReport:
    """Download sources into a data folder, verifying every file.

    Parameters
    ----------
    names
        Sources to fetch (``chainkg``, ``listed``, ``lq``); ``None`` or empty for all.
    dest
        The data folder to fill (files land in ``dest/<sub-folder>/``); default
        :func:`cache_dir`.
    base_url
        A mirror laid out like the data folder, serving ``<base_url>/<sub-folder>/<file>``
        (an http(s):// or file:// URL, or a local folder); default the environment
        variable ``INNOKG_DATA_MIRROR``, else each file's upstream URL.
    timeout
        Seconds to wait for the server to connect or send more data (per read, not in
        total).
    force
        Download even files that are already there and verified (a failure still leaves
        them untouched).
    progress
        Called with a :class:`FetchEvent` as each file advances.

    Returns
    -------
    FetchReport
        Fetched, already there and failed files, the reason for each failure.  Failures
        are reported, not raised: one failing file does not stop the others.

    Raises
    ------
    SourceError
        A name is unknown, or the mirror is not a URL or folder (before anything is
        downloaded).

    Examples
    --------
    The listing table into the cache (not run here: it needs the network):

    >>> [f.status for f in fetch(["listed"]).files]  # doctest: +SKIP
    ['fetched']

    A local folder serves as a mirror; one that holds another version of a file, or
    lacks it, fails that file with the reason and leaves the destination as it was:

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> mirror, dest = Path(tmp.name) / "mirror", Path(tmp.name) / "data"
    >>> (mirror / "listed").mkdir(parents=True)
    >>> _ = (mirror / "listed" / "stock_basic.csv").write_text("ts_code\\n", encoding="utf-8")
    >>> report = fetch(["listed", "lq"], dest=dest, base_url=str(mirror))
    >>> report.ok, report.failed_sources
    (False, ['listed', 'lq'])
    >>> for outcome in report.failed:
    ...     print(outcome.reason)
    listed: stock_basic.csv: the server announces 8 bytes where 321,624 are expected: ...
    lq: industry_location_quotients_2017.xlsx: no such file from file:///...; the mirror lacks ...
    >>> [p.name for p in dest.rglob("*") if p.is_file()]
    []
    >>> tmp.cleanup()
    """
    sources = resolve_names(names)
    mirror = _base_url(base_url)
    root = Path(dest).expanduser() if dest is not None else cache_dir()
    report = FetchReport(dest=root)

    def emit(event: FetchEvent) -> None:
        if progress is not None:
            progress(event)

    for source in sources:
        folder = root / source.folder
        for entry in source.files:
            url = mirror_url(mirror, source, entry) if mirror else entry.url
            target = folder / entry.path
            where = f"{source.name}: {entry.path}"

            if not force and _check_file(entry, target) is None:
                report.files.append(
                    FileOutcome(source.name, entry.path, target, url, "present", entry.size)
                )
                emit(FetchEvent(source.name, entry.path, "present", entry.size, entry.size))
                continue

            emit(FetchEvent(source.name, entry.path, "downloading", 0, entry.size))
            try:
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise _Failure(
                        f"cannot create {target.parent} ({exc.strerror or exc})", "write"
                    ) from None
                size = _download(
                    url,
                    entry,
                    target,
                    timeout=timeout,
                    on_bytes=lambda n, s=source, e=entry: emit(
                        FetchEvent(s.name, e.path, "downloading", n, e.size)
                    ),
                )
            except _Failure as exc:
                reason = f"{where}: {exc} from {url}; {_advice(exc.kind, mirror)}"
                report.files.append(
                    FileOutcome(source.name, entry.path, target, url, "failed", 0, reason)
                )
                emit(FetchEvent(source.name, entry.path, "failed", 0, entry.size, reason))
                continue
            report.files.append(FileOutcome(source.name, entry.path, target, url, "fetched", size))
            emit(FetchEvent(source.name, entry.path, "fetched", size, entry.size))
    return report
