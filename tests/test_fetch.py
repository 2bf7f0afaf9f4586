"""`innokg data fetch`: pinned, checksum-verified downloads of the sources innokg may not ship.

Every download here comes from a local HTTP server on 127.0.0.1 (port 0, one thread,
shut down after each test): never the internet.  Small hand-made sources (the catalogue
monkeypatched) test the mechanism anywhere; the real files of ../shared/data, served as a
mirror, test the real catalogue where that folder exists.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click
import pytest
from click.testing import CliRunner

from innokg.commands.data import COMMANDS, data
from innokg.graph.errors import SourceError
from innokg.loaders import fetch as fetch_mod
from innokg.loaders.fetch import FetchEvent, Source, SourceFile

# ------------------------------------------------------------------ local HTTP server


class Mirror:
    """A folder served over HTTP, with ways to misbehave per request path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        self.altered: dict[str, bytes] = {}  # path -> bytes served instead of the file
        self.drop: set[str] = set()  # announce the full length, send half, close
        self.hang: set[str] = set()  # say nothing until released
        self.stall: set[str] = set()  # send headers and half the body, then wait
        self.release = threading.Event()
        self.url = ""

    def body(self, path: str) -> bytes | None:
        if path in self.altered:
            return self.altered[path]
        file = (self.root / path.lstrip("/")).resolve()
        if not file.is_relative_to(self.root.resolve()) or not file.is_file():
            return None
        return file.read_bytes()


def _handler(mirror: Mirror) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            mirror.requests.append(path)
            if path in mirror.hang:
                mirror.release.wait(5)
                return
            body = mirror.body(path)
            if body is None:
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if path in mirror.drop:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return  # HTTP/1.0: the server closes the socket here
            if path in mirror.stall:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                mirror.release.wait(5)
                return
            self.wfile.write(body)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (timeouts) is expected here


@pytest.fixture
def serve() -> Iterator[Callable[[Path], Mirror]]:
    """Start a server for a folder; every server is shut down after the test."""
    started: list[tuple[_Server, threading.Thread, Mirror]] = []

    def start(root: Path) -> Mirror:
        mirror = Mirror(root)
        server = _Server(("127.0.0.1", 0), _handler(mirror))
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.daemon = True
        thread.start()
        mirror.url = f"http://127.0.0.1:{server.server_address[1]}"
        started.append((server, thread, mirror))
        return mirror

    yield start
    for server, thread, mirror in started:
        mirror.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        assert not thread.is_alive()


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads the user's mirror setting or writes into the user's cache."""
    monkeypatch.delenv("INNOKG_DATA_MIRROR", raising=False)
    cache = tmp_path / "default-cache"
    monkeypatch.setenv("INNOKG_DATA", str(cache))
    return cache


# ------------------------------------------------------------------ hand-made sources

A_BYTES = "id,name\n1,郑州\n2,洛阳\n".encode()
B_BYTES = bytes(range(256)) * 40  # 10,240 bytes: several reads
C_BYTES = b'{"name": "tiny"}\n'


def _entry(path: str, body: bytes, url: str) -> SourceFile:
    return SourceFile(path, url, hashlib.sha256(body).hexdigest(), len(body))


@pytest.fixture
def tiny(
    tmp_path: Path, serve: Callable[[Path], Mirror], monkeypatch: pytest.MonkeyPatch
) -> Mirror:
    """Two small sources served by a local mirror; the catalogue holds only them.

    ``tiny`` (sub-folder ``small``, two files) and ``other`` (sub-folder ``other``, one
    file).  The mirror serves ``/small/…`` and ``/other/…``; ``/upstream/…`` stands for
    the upstream URLs recorded in the catalogue.
    """
    root = tmp_path / "served"
    for rel, body in {
        "small/a.csv": A_BYTES,
        "small/b.bin": B_BYTES,
        "other/c.json": C_BYTES,
        "upstream/a.csv": A_BYTES,
        "upstream/b.bin": B_BYTES,
        "upstream/c.json": C_BYTES,
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(body)
    mirror = serve(root)
    up = f"{mirror.url}/upstream"
    catalogue = {
        "tiny": Source(
            name="tiny",
            description="two small files",
            licence="none stated",
            folder="small",
            needed_for="tiny questions",
            files=(
                _entry("a.csv", A_BYTES, f"{up}/a.csv"),
                _entry("b.bin", B_BYTES, f"{up}/b.bin"),
            ),
        ),
        "other": Source(
            name="other",
            description="one small file",
            licence="none stated",
            folder="other",
            needed_for="other questions",
            files=(_entry("c.json", C_BYTES, f"{up}/c.json"),),
        ),
    }
    monkeypatch.setattr(fetch_mod, "SOURCES", catalogue)
    return mirror


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder (hidden temporary files included) and its bytes."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# ------------------------------------------------------------------ the mechanism


def test_fetch_lands_verified_files_and_second_fetch_downloads_nothing(
    tiny: Mirror, tmp_path: Path
) -> None:
    dest = tmp_path / "data"
    events: list[FetchEvent] = []
    report = fetch_mod.fetch(None, dest=dest, base_url=tiny.url, progress=events.append)

    assert report.ok and report.dest == dest
    assert [(f.source, f.file, f.status, f.size) for f in report.files] == [
        ("tiny", "a.csv", "fetched", len(A_BYTES)),
        ("tiny", "b.bin", "fetched", len(B_BYTES)),
        ("other", "c.json", "fetched", len(C_BYTES)),
    ]
    assert _tree(dest) == {"small/a.csv": A_BYTES, "small/b.bin": B_BYTES, "other/c.json": C_BYTES}
    assert tiny.requests == ["/small/a.csv", "/small/b.bin", "/other/c.json"]
    assert report.files[1].url == f"{tiny.url}/small/b.bin"
    assert fetch_mod.verify("tiny", dest / "small") == []
    assert fetch_mod.find_data("tiny", dest) == dest / "small"

    b_events = [e for e in events if e.file == "b.bin"]
    assert b_events[0] == FetchEvent("tiny", "b.bin", "downloading", 0, len(B_BYTES))
    assert b_events[-1] == FetchEvent("tiny", "b.bin", "fetched", len(B_BYTES), len(B_BYTES))
    done = [e.done for e in b_events if e.status == "downloading"]
    assert done == sorted(done) and done[-1] == len(B_BYTES)

    again = fetch_mod.fetch(None, dest=dest, base_url=tiny.url)
    assert [f.status for f in again.files] == ["present", "present", "present"]
    assert again.fetched == [] and again.ok
    assert len(tiny.requests) == 3  # nothing downloaded the second time
    assert _tree(dest) == {"small/a.csv": A_BYTES, "small/b.bin": B_BYTES, "other/c.json": C_BYTES}


def test_only_named_sources_and_upstream_urls_without_mirror(tiny: Mirror, tmp_path: Path) -> None:
    report = fetch_mod.fetch(["other"], dest=tmp_path / "d")
    assert [(f.source, f.status, f.url) for f in report.files] == [
        ("other", "fetched", f"{tiny.url}/upstream/c.json")
    ]
    assert tiny.requests == ["/upstream/c.json"]
    assert _tree(tmp_path / "d") == {"other/c.json": C_BYTES}


def test_mirror_from_environment(
    tiny: Mirror, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INNOKG_DATA_MIRROR", tiny.url + "/")
    report = fetch_mod.fetch(["other"], dest=tmp_path / "d")
    assert report.ok and tiny.requests == ["/other/c.json"]


def test_mirror_can_be_a_local_folder(tiny: Mirror, tmp_path: Path) -> None:
    for base in (str(tiny.root), tiny.root.as_uri()):
        dest = tmp_path / ("d" + str(len(base)))
        report = fetch_mod.fetch(["tiny"], dest=dest, base_url=base)
        assert [f.status for f in report.files] == ["fetched", "fetched"]
        assert _tree(dest) == {"small/a.csv": A_BYTES, "small/b.bin": B_BYTES}
    assert tiny.requests == []


def test_bad_mirror_is_refused_before_anything(tiny: Mirror, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"scheme ftp:// is not supported"):
        fetch_mod.fetch(None, dest=tmp_path / "d", base_url="ftp://example.org/data")
    with pytest.raises(SourceError, match=r"neither a URL nor an existing folder"):
        fetch_mod.fetch(None, dest=tmp_path / "d", base_url=str(tmp_path / "nowhere"))
    assert not (tmp_path / "d").exists()


def test_unknown_name_lists_the_known_ones(tiny: Mirror, tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        fetch_mod.fetch(["tiny", "nope"], dest=tmp_path / "d", base_url=tiny.url)
    assert str(info.value) == (
        "unknown source(s): nope; the sources that can be fetched are tiny, other "
        "(`innokg data list` describes them)"
    )
    assert tiny.requests == [] and not (tmp_path / "d").exists()


def test_checksum_mismatch_is_refused_and_nothing_is_kept(tiny: Mirror, tmp_path: Path) -> None:
    dest = tmp_path / "data"
    (dest / "small").mkdir(parents=True)
    (dest / "small" / "a.csv").write_bytes(b"an older file\n")
    altered = bytearray(A_BYTES)
    altered[0] ^= 1  # same size, one bit flipped
    tiny.altered["/small/a.csv"] = bytes(altered)

    report = fetch_mod.fetch(["tiny", "other"], dest=dest, base_url=tiny.url)

    assert not report.ok
    assert [(f.file, f.status) for f in report.files] == [
        ("a.csv", "failed"),
        ("b.bin", "fetched"),
        ("c.json", "fetched"),
    ]
    (failed,) = report.failed
    digest = hashlib.sha256(bytes(altered)).hexdigest()
    expected = hashlib.sha256(A_BYTES).hexdigest()
    assert failed.reason == (
        f"tiny: a.csv: checksum mismatch (SHA-256 {digest[:12]}… where {expected[:12]}… is "
        f"expected): not the pinned file, refused from {tiny.url}/small/a.csv; the mirror "
        "serves another version; nothing was kept: fix the mirror"
    )
    assert report.failed_sources == ["tiny"]
    # the older file is untouched, no temporary file is left, the rest landed
    assert _tree(dest) == {
        "small/a.csv": b"an older file\n",
        "small/b.bin": B_BYTES,
        "other/c.json": C_BYTES,
    }
    assert fetch_mod.verify("tiny", dest / "small") == [
        f"a.csv: 14 bytes where {len(A_BYTES)} are expected"
    ]


def test_forced_fetch_that_fails_leaves_a_good_file_untouched(tiny: Mirror, tmp_path: Path) -> None:
    dest = tmp_path / "data"
    assert fetch_mod.fetch(["other"], dest=dest, base_url=tiny.url).ok
    before = _tree(dest)
    tiny.altered["/other/c.json"] = b'{"name": "TINY"}\n'  # same size, other bytes
    report = fetch_mod.fetch(["other"], dest=dest, base_url=tiny.url, force=True)
    assert [f.status for f in report.files] == ["failed"]
    assert "checksum mismatch" in report.failed[0].reason
    assert _tree(dest) == before == {"other/c.json": C_BYTES}
    assert tiny.requests == ["/other/c.json", "/other/c.json"]


def test_wrong_length_is_refused_from_the_headers(tiny: Mirror, tmp_path: Path) -> None:
    tiny.altered["/other/c.json"] = C_BYTES + b"more\n"
    report = fetch_mod.fetch(["other"], dest=tmp_path / "d", base_url=tiny.url)
    assert report.failed[0].reason == (
        f"other: c.json: the server announces {len(C_BYTES) + 5} bytes where {len(C_BYTES)} "
        f"are expected: not the pinned file, refused from {tiny.url}/other/c.json; the "
        "mirror serves another version; nothing was kept: fix the mirror"
    )
    assert _tree(tmp_path / "d") == {}


def test_dropped_connection_is_a_clear_error_and_changes_nothing(
    tiny: Mirror, tmp_path: Path
) -> None:
    dest = tmp_path / "data"
    (dest / "small").mkdir(parents=True)
    (dest / "small" / "b.bin").write_bytes(b"stale")
    before = _tree(dest)
    tiny.drop.add("/small/b.bin")

    report = fetch_mod.fetch(["tiny"], dest=dest, base_url=tiny.url)

    assert [(f.file, f.status) for f in report.files] == [("a.csv", "fetched"), ("b.bin", "failed")]
    half = len(B_BYTES) // 2
    assert report.failed[0].reason == (
        f"tiny: b.bin: the connection dropped after {half:,} of {len(B_BYTES):,} bytes from "
        f"{tiny.url}/small/b.bin; check the network and run the command again (files already "
        "fetched are kept)"
    )
    assert _tree(dest) == {**before, "small/a.csv": A_BYTES}
    assert _tree(dest)["small/b.bin"] == b"stale"


def test_http_404_names_the_url(tiny: Mirror, tmp_path: Path) -> None:
    (tiny.root / "other" / "c.json").unlink()
    report = fetch_mod.fetch(["other"], dest=tmp_path / "d", base_url=tiny.url)
    assert report.failed[0].reason == (
        f"other: c.json: HTTP 404 Not Found from {tiny.url}/other/c.json; the mirror lacks "
        "this file: check its layout (<mirror>/<folder>/<file>)"
    )
    assert _tree(tmp_path / "d") == {}


def test_upstream_404_suggests_a_mirror(tiny: Mirror, tmp_path: Path) -> None:
    (tiny.root / "upstream" / "c.json").unlink()
    report = fetch_mod.fetch(["other"], dest=tmp_path / "d")
    assert report.failed[0].reason == (
        f"other: c.json: HTTP 404 Not Found from {tiny.url}/upstream/c.json; upstream has "
        "moved or removed the file: fetch from a mirror (--mirror)"
    )


@pytest.mark.parametrize(
    ("how", "cause"),
    [
        ("hang", "no answer within 0.3 s"),
        ("stall", f"no data for 0.3 s after {len(B_BYTES) // 2:,} of {len(B_BYTES):,} bytes"),
    ],
)
def test_timeout_is_a_clear_error(tiny: Mirror, tmp_path: Path, how: str, cause: str) -> None:
    getattr(tiny, how).add("/small/b.bin")
    report = fetch_mod.fetch(["tiny"], dest=tmp_path / "d", base_url=tiny.url, timeout=0.3)
    assert [f.status for f in report.files] == ["fetched", "failed"]
    assert report.failed[0].reason == (
        f"tiny: b.bin: {cause} from {tiny.url}/small/b.bin; check the network and run the "
        "command again (files already fetched are kept)"
    )
    assert _tree(tmp_path / "d") == {"small/a.csv": A_BYTES}


def test_refused_connection_is_a_clear_error(tiny: Mirror, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    report = fetch_mod.fetch(["other"], dest=tmp_path / "d", base_url=f"http://127.0.0.1:{port}")
    reason = report.failed[0].reason
    assert reason.startswith("other: c.json: cannot connect (")
    assert reason.endswith(
        f"from http://127.0.0.1:{port}/other/c.json; check the network and run the command "
        "again (files already fetched are kept)"
    )


def test_unwritable_destination_is_reported_per_file(tiny: Mirror, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    report = fetch_mod.fetch(["other"], dest=blocker, base_url=tiny.url)
    assert report.failed[0].reason.startswith(f"other: c.json: cannot create {blocker}/other (")
    assert report.failed[0].reason.endswith("free some space or choose another folder (--dest)")
    assert tiny.requests == []


# ------------------------------------------------------------------ folders


def test_cache_dir_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INNOKG_DATA", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert fetch_mod.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("INNOKG_DATA")
    assert fetch_mod.cache_dir() == tmp_path / "xdg" / "innokg" / "data"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert fetch_mod.cache_dir() == tmp_path / "home" / ".cache" / "innokg" / "data"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert fetch_mod.cache_dir() == tmp_path / "home" / ".cache" / "innokg" / "data"


def test_innokg_data_is_the_default_destination_and_lookup(
    tiny: Mirror, _env: Path, tmp_path: Path
) -> None:
    assert fetch_mod.find_data("other") is None
    report = fetch_mod.fetch(["other"], base_url=tiny.url)
    assert report.dest == _env
    assert _tree(_env) == {"other/c.json": C_BYTES}
    assert fetch_mod.find_data("other") == _env / "other"
    # an explicit data folder comes first; an incomplete one falls back to the cache
    mine = tmp_path / "mine"
    (mine / "other").mkdir(parents=True)
    assert fetch_mod.find_data("other", mine) == _env / "other"
    (mine / "other" / "c.json").write_bytes(C_BYTES)
    assert fetch_mod.find_data("other", mine) == mine / "other"
    # the source's own folder works as the data folder too
    assert fetch_mod.find_data("other", mine / "other") == mine / "other"
    assert fetch_mod.find_data("tiny", mine) is None
    with pytest.raises(SourceError, match="unknown source"):
        fetch_mod.find_data("nope")


def test_verify_reports_each_problem(tiny: Mirror, tmp_path: Path) -> None:
    folder = tmp_path / "small"
    folder.mkdir()
    (folder / "b.bin").write_bytes(bytes(len(B_BYTES)))
    actual = hashlib.sha256(bytes(len(B_BYTES))).hexdigest()
    expected = hashlib.sha256(B_BYTES).hexdigest()
    assert fetch_mod.verify("tiny", folder) == [
        "a.csv: missing",
        f"b.bin: SHA-256 {actual[:12]}… where {expected[:12]}… is expected",
    ]


# ------------------------------------------------------------------ command line


def _cli() -> click.Group:
    @click.group()
    def cli() -> None:
        pass

    for command in COMMANDS:
        cli.add_command(command)
    return cli


def test_cli_fetch_then_again(tiny: Mirror, tmp_path: Path) -> None:
    dest = tmp_path / "data"
    args = ["data", "fetch", "--mirror", tiny.url, "--dest", str(dest)]
    result = CliRunner().invoke(_cli(), args)
    assert result.exit_code == 0, result.output
    total = len(A_BYTES) + len(B_BYTES) + len(C_BYTES)
    assert (
        result.stdout
        == f"3 file(s) fetched ({total:,} bytes), 0 already there, 0 failed, in {dest}\n"
    )
    assert result.stderr.splitlines() == [
        f"  tiny: a.csv: {len(A_BYTES)} bytes fetched, checksum verified",
        f"  tiny: b.bin: {len(B_BYTES):,} bytes fetched, checksum verified",
        f"  other: c.json: {len(C_BYTES)} bytes fetched, checksum verified",
    ]

    again = CliRunner().invoke(_cli(), [*args, "other"])
    assert again.exit_code == 0, again.output
    assert again.stdout == f"0 file(s) fetched (0 bytes), 1 already there, 0 failed, in {dest}\n"
    assert again.stderr == f"  other: c.json: already there ({len(C_BYTES)} bytes, verified)\n"
    assert len(tiny.requests) == 3


def test_cli_failure_exits_1_and_says_what_is_missing(tiny: Mirror, tmp_path: Path) -> None:
    dest = tmp_path / "data"
    tiny.drop.add("/small/a.csv")
    result = CliRunner().invoke(
        data, ["fetch", "--mirror", tiny.url, "--dest", str(dest), "--quiet"]
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"2 file(s) fetched ({len(B_BYTES) + len(C_BYTES):,} bytes), 0 already there, "
        f"1 failed, in {dest}"
    )
    assert lines[1:3] == [
        "could not get:",
        f"  tiny: a.csv: the connection dropped after {len(A_BYTES) // 2} of {len(A_BYTES)} "
        f"bytes from {tiny.url}/small/a.csv; check the network and run the command again "
        "(files already fetched are kept)",
    ]
    assert lines[3:] == [
        "so, until they are fetched, innokg cannot answer:",
        "  without tiny: tiny questions",
        "Files already fetched are kept; run the command again to get the rest.",
    ]
    assert _tree(dest) == {"small/b.bin": B_BYTES, "other/c.json": C_BYTES}


def test_cli_unknown_name_is_a_usage_error(tiny: Mirror) -> None:
    result = CliRunner().invoke(data, ["fetch", "tiny", "nope"])
    assert result.exit_code == 2
    assert (
        "Error: unknown source(s): nope; choose from tiny, other (see `innokg data list`)"
        in result.stderr
    )
    assert tiny.requests == []


def test_cli_bad_mirror_is_a_clean_error(tiny: Mirror) -> None:
    result = CliRunner().invoke(data, ["fetch", "--mirror", "gopher://x"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: mirror 'gopher://x': the scheme gopher:// is not supported; give an http(s):// "
        "or file:// URL\n"
    )


def test_cli_path_list_and_innokg_data(tiny: Mirror, _env: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(data, ["path"]).stdout == f"{_env}\n"

    listing = runner.invoke(data, ["list"])
    assert listing.exit_code == 0
    assert "tiny  [not fetched]" in listing.stdout
    assert "other  [not fetched]" in listing.stdout

    fetched = runner.invoke(data, ["fetch", "other", "--mirror", tiny.url])
    assert fetched.exit_code == 0, fetched.output
    assert _tree(_env) == {"other/c.json": C_BYTES}

    (_env / "small").mkdir()
    (_env / "small" / "a.csv").write_bytes(A_BYTES)
    listing = runner.invoke(data, ["list"])
    assert listing.stdout.splitlines() == [
        f"data folder: {_env}",
        "",
        "tiny  [1 of 2 file(s) missing or damaged]",
        "  two small files",
        f"  2 file(s), {len(A_BYTES) + len(B_BYTES):,} bytes, into {_env / 'small'}",
        "  licence: none stated",
        "  needed for: tiny questions",
        "  problem: b.bin: missing",
        "",
        "other  [present, verified]",
        "  one small file",
        f"  1 file(s), {len(C_BYTES)} bytes, into {_env / 'other'}",
        "  licence: none stated",
        "  needed for: other questions",
    ]


# ------------------------------------------------------------------ the real catalogue


@pytest.mark.realdata
def test_catalogue_matches_the_shared_data(shared_data: Path) -> None:
    assert sorted(fetch_mod.SOURCES) == ["chainkg", "listed", "lq"]
    for name, source in fetch_mod.SOURCES.items():
        folder = fetch_mod.find_data(name, shared_data)
        assert folder == shared_data / source.folder
        assert fetch_mod.verify(name, folder) == []
        assert {f.path for f in source.files} <= {p.name for p in folder.iterdir()}
        for f in source.files:
            assert f.url.startswith("https://raw.githubusercontent.com/")


@pytest.mark.realdata
def test_real_listed_and_lq_from_a_local_mirror(
    shared_data: Path, serve: Callable[[Path], Mirror], tmp_path: Path
) -> None:
    served = tmp_path / "mirror"
    for folder in ("listed", "clusters"):
        shutil.copytree(shared_data / folder, served / folder)
    mirror = serve(served)
    dest = tmp_path / "cache"

    report = fetch_mod.fetch(["listed", "lq"], dest=dest, base_url=mirror.url)

    assert report.ok
    assert [(f.source, f.file, f.status) for f in report.files] == [
        ("listed", "stock_basic.csv", "fetched"),
        ("lq", "industry_location_quotients_2017.xlsx", "fetched"),
    ]
    assert _tree(dest) == {
        "listed/stock_basic.csv": (shared_data / "listed/stock_basic.csv").read_bytes(),
        "clusters/industry_location_quotients_2017.xlsx": (
            shared_data / "clusters/industry_location_quotients_2017.xlsx"
        ).read_bytes(),
    }
    assert fetch_mod.find_data("lq", dest) == dest / "clusters"
    assert fetch_mod.verify("listed", dest / "listed") == []

    again = fetch_mod.fetch(["listed", "lq"], dest=dest, base_url=mirror.url)
    assert [f.status for f in again.files] == ["present", "present"]
    assert mirror.requests == [
        "/listed/stock_basic.csv",
        "/clusters/industry_location_quotients_2017.xlsx",
    ]


@pytest.mark.realdata
def test_real_cli_reports_what_chainkg_leaves_unanswered(
    shared_data: Path, serve: Callable[[Path], Mirror], tmp_path: Path
) -> None:
    served = tmp_path / "mirror"
    shutil.copytree(shared_data / "listed", served / "listed")  # chainkg and lq absent
    mirror = serve(served)
    result = CliRunner().invoke(
        data, ["fetch", "--mirror", mirror.url, "--dest", str(tmp_path / "cache")]
    )
    assert result.exit_code == 1
    assert "1 file(s) fetched (321,624 bytes), 0 already there, 9 failed" in result.stderr
    assert result.stderr.endswith(
        "so, until they are fetched, innokg cannot answer:\n"
        "  without chainkg: supply chains, listed firms' products and industries\n"
        "  without lq: industry specialisation of cities\n"
        "Files already fetched are kept; run the command again to get the rest.\n"
    )
    assert _tree(tmp_path / "cache") == {
        "listed/stock_basic.csv": (shared_data / "listed/stock_basic.csv").read_bytes()
    }


def test_progress_on_a_terminal_redraws_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from innokg.commands.data import _Progress

    progress = _Progress(quiet=False)
    progress.live = True
    progress(FetchEvent("tiny", "b.bin", "downloading", 0, 10_240))
    progress(FetchEvent("tiny", "b.bin", "fetched", 10_240, 10_240))
    progress(FetchEvent("other", "c.json", "failed", 0, 17, "why"))
    assert capsys.readouterr().err == (
        "\r  tiny: b.bin: 0 of 10,240 bytes"
        "\r  tiny: b.bin: 10,240 bytes fetched, checksum verified\n"
        "\r  other: c.json: FAILED\n"
    )
