"""Results kept beside a graph package, so the next command does not compute them again.

Several questions start from the same costly result: the supply-chain clusters (Leiden
and the two-chain split, about 12 s at a million nodes) behind the cluster table, the
gaps, the brief, the viz overview and a firm's *same cluster* partners; Burt's
constraint (about 2 s at a million nodes) behind the structural holes and the brokers;
the positions of every edge's ends, which every question starts from (about a second).
Each command is a new process, so the memo of one graph's arrays does not carry over.
Computed once, such a result is written to ``<package>/kept/<name>-<key>.npz`` and read
by the next command instead.

The key covers everything the result depends on: the checksums of the package's
tables (:meth:`~innokg.graph.ecosystem.EcosystemGraph.package_fingerprint`), the
question's parameters, the innokg version, the source of the modules that compute it
and the versions of the libraries whose output it is (igraph).  A rebuild replaces the
package folder whole, so what was kept goes with the old tables.

Nothing is kept for a graph not opened from a package, or whose tables were replaced
or marked edited (:func:`innokg.queries.arrays.clear_cache`).  A file that cannot be
read is computed again and rewritten; a package that cannot be written to keeps
nothing, and the questions compute as before.  ``INNOKG_KEEP=0`` in the environment
turns keeping off (the benchmarks' cold runs use it); ``rm -r PACKAGE/kept`` empties it.
Files are written to a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import logging
import mmap
import os
import struct
import tempfile
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from innokg.graph.ecosystem import EcosystemGraph
from innokg.graph.mapped import KEPT_DIR, current_umask, keep_enabled

__all__ = [
    "KEPT_DIR",
    "KEPT_PER_NAME",
    "frame_arrays",
    "keep_enabled",
    "kept",
    "kept_frame",
    "kept_path",
    "kept_result",
]

#: The most files kept for one name (older parameter sets and versions are removed).
KEPT_PER_NAME = 8

#: A graph of at least this many nodes says on the ``innokg.progress`` logger when a
#: result that names itself (``what``) has to be computed, and how long it took: on the
#: demo the clusters took 7.5 s at a million nodes and 118 s at ten million, which a
#: command would otherwise spend without a word.
ANNOUNCE_NODES = 500_000

_progress = logging.getLogger("innokg.progress")

Arrays = dict[str, np.ndarray]


@cache
def _code_fingerprint(modules: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for name in modules:
        file = getattr(importlib.import_module(name), "__file__", None)
        h.update(name.encode())
        if file:
            h.update(Path(file).read_bytes())
    return h.hexdigest()


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "none"


def kept_path(
    G: EcosystemGraph,
    name: str,
    params: Mapping[str, Any],
    *,
    code: Sequence[str] = (),
    libraries: Sequence[str] = (),
) -> Path | None:
    """Where the result ``name`` with ``params`` is kept for ``G`` (None: not kept).

    Parameters
    ----------
    G : EcosystemGraph
        The graph, as opened from its package.
    name : str
        The result's name (a file-name stem: letters, digits and dashes).
    params : mapping
        Everything else the result depends on, as JSON values.
    code : sequence of str
        Modules whose source, when changed, changes the result.
    libraries : sequence of str
        Distributions whose version, when changed, may change the result.

    Returns
    -------
    Path or None
        None when keeping is off or ``G`` is not a package's tables as read.

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> kept_path(make_graph({"Enterprise": [{"id": "a", "name": "甲"}]}), "x", {}) is None
    True
    """
    fingerprint = G.package_fingerprint()
    if fingerprint is None or G.path is None or not keep_enabled():
        return None
    text = json.dumps(
        {
            "package": fingerprint,
            "params": dict(params),
            "innokg": _version("innokg"),
            "code": _code_fingerprint(tuple(code)),
            "libraries": {lib: _version(lib) for lib in libraries},
        },
        sort_keys=True,
        default=str,
    )
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
    return Path(G.path) / KEPT_DIR / f"{name}-{key}.npz"


def _read(path: Path) -> Arrays | None:
    try:
        mapped = _mapped(path)
        if mapped is not None:
            return mapped
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return None


#: A zip member's local header: its fixed part's length, and where the lengths of its
#: name and extra field lie in it.
_LOCAL_HEADER = 30
_NAME_LENGTHS = slice(26, 30)


def _mapped(path: Path) -> Arrays | None:
    """The arrays of a kept file mapped in place rather than read (None: not every
    member can be, and the file is read whole).

    ``np.savez`` stores each array uncompressed, as an ``.npy`` file inside the zip:
    its bytes can be mapped where they lie.  At ten million nodes the edge ends kept
    are 390 MB, of which a command reads the few edge types it walks; reading the file
    whole took 2 s in every command.  The mapping is copy-on-write, so an array
    changed in place changes the process's copy only.
    """
    with zipfile.ZipFile(path) as z:
        members = z.infolist()
    if not members or any(m.compress_type != zipfile.ZIP_STORED for m in members):
        return None
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        places = []
        for m in members:
            f.seek(m.header_offset)
            head = f.read(_LOCAL_HEADER)
            if len(head) < _LOCAL_HEADER or head[:4] != b"PK\x03\x04":
                return None
            name_length, extra_length = struct.unpack("<HH", head[_NAME_LENGTHS])
            f.seek(m.header_offset + _LOCAL_HEADER + name_length + extra_length)
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                return None
            nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
            if dtype.hasobject or f.tell() + nbytes > size:
                return None
            places.append((m.filename.removesuffix(".npy"), f.tell(), shape, fortran, dtype))
        if size == 0:
            return None
        whole = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
    out: Arrays = {}
    for name, offset, shape, fortran, dtype in places:
        count = int(np.prod(shape, dtype=np.int64))
        flat = np.frombuffer(whole, dtype=dtype, count=count, offset=offset)
        if offset % max(dtype.alignment, 1):  # the mapping starts on a page
            flat = flat.copy()  # written unaligned (by np.savez): copied once, not per use
        out[name] = flat.reshape(shape, order="F" if fortran else "C")
    return out


def _write(path: Path, result: Arrays) -> None:
    try:
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                _savez_aligned(out, result)
            os.chmod(tmp, 0o666 & ~current_umask())  # as other package files, not mkstemp's 0600
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        stem = path.stem.rsplit("-", 1)[0]
        older = sorted(path.parent.glob(f"{stem}-*.npz"), key=lambda p: p.stat().st_mtime)
        for old in older[: max(0, len(older) - KEPT_PER_NAME)]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a package that cannot be written to keeps nothing; the result stands


#: Where each array's data starts in a kept file, a multiple of this many bytes.
ALIGN = 64
#: The id of the zip extra field that pads a member's local header (the one Android's
#: zipalign uses; readers skip extra fields they do not know).
_PAD_ID = 0xD935


def _savez_aligned(out: BinaryIO, result: Arrays) -> None:
    """What ``np.savez`` writes (each array an uncompressed ``.npy`` member, which
    ``np.load`` reads), with each array's data starting at a multiple of :data:`ALIGN`
    bytes in the file, so that :func:`_mapped` maps it aligned.

    An array mapped at an odd address is one NumPy copies whole before it searches or
    gathers from it: a binary search for one node in 15 million edges took 14 ms, not
    0.06 ms.  Each member's local header is padded with an extra field to get there.
    """
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
        for name, value in result.items():
            arr = np.asanyarray(value)
            if not (arr.flags.c_contiguous or arr.flags.f_contiguous):
                arr = np.ascontiguousarray(arr)
            header = io.BytesIO()
            np.lib.format.write_array_header_2_0(
                header, np.lib.format.header_data_from_array_1_0(arr)
            )
            head = header.getvalue()
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = len(head) + arr.nbytes
            zip64 = info.file_size * 1.05 > zipfile.ZIP64_LIMIT  # zipfile's own rule
            fixed = _LOCAL_HEADER + len(info.filename.encode("ascii")) + (20 if zip64 else 0)
            pad = -(out.tell() + fixed + 4 + len(head)) % ALIGN
            info.extra = struct.pack("<HH", _PAD_ID, pad) + bytes(pad)
            with z.open(info, "w", force_zip64=zip64) as member:
                member.write(head)
                data = arr.T if arr.flags.f_contiguous and not arr.flags.c_contiguous else arr
                member.write(data.reshape(-1).data.cast("B") if arr.size else b"")


def kept_result(
    G: EcosystemGraph,
    name: str,
    params: Mapping[str, Any],
    *,
    code: Sequence[str] = (),
    libraries: Sequence[str] = (),
) -> Arrays | None:
    """The arrays kept for ``name`` and ``params``, or None when nothing is kept.

    Parameters
    ----------
    G, name, params, code, libraries
        As for :func:`kept_path`.

    Returns
    -------
    dict of str to ndarray, or None

    Examples
    --------
    >>> from innokg.graph.testing import make_graph
    >>> kept_result(make_graph({"Enterprise": [{"id": "a", "name": "甲"}]}), "x", {}) is None
    True
    """
    path = kept_path(G, name, params, code=code, libraries=libraries)
    return _read(path) if path is not None and path.is_file() else None


def kept(
    G: EcosystemGraph,
    name: str,
    params: Mapping[str, Any],
    compute: Callable[[], Arrays],
    *,
    code: Sequence[str] = (),
    libraries: Sequence[str] = (),
    check: Callable[[Arrays], bool] = lambda _: True,
    what: str | None = None,
) -> Arrays:
    """The arrays ``compute()`` returns, read from the package when kept there before.

    Parameters
    ----------
    G : EcosystemGraph
        The graph.
    name, params, code, libraries
        As for :func:`kept_path`.
    compute : callable
        Computes the result: a dict of NumPy arrays (numbers or booleans).
    check : callable
        Says whether arrays read back fit this graph (lengths, say); when not, the
        result is computed again and the file replaced.
    what : str, optional
        What the result is, for people ("the supply-chain clusters"): on a graph of
        ``ANNOUNCE_NODES`` or more, computing it is logged at INFO level on the
        ``innokg.progress`` logger, which the command line prints.

    Returns
    -------
    dict of str to ndarray
        Equal to ``compute()``'s.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from innokg.graph.package import write_package
    >>> from innokg.graph.testing import make_tables
    >>> tmp = tempfile.TemporaryDirectory()
    >>> out = os.path.join(tmp.name, "pkg")
    >>> _ = write_package(make_tables({"Region": [{"id": "r", "name": "x"}]}), out, sources=[])
    >>> calls = []
    >>> def compute():
    ...     calls.append(1)
    ...     return {"x": np.arange(3)}
    >>> kept(EcosystemGraph.open(out), "demo", {"k": 1}, compute)["x"].tolist()
    [0, 1, 2]
    >>> kept(EcosystemGraph.open(out), "demo", {"k": 1}, compute)["x"].tolist(), len(calls)
    ([0, 1, 2], 1)
    >>> sorted(os.listdir(out))
    ['edges', 'kept', 'manifest.json', 'nodes']
    >>> tmp.cleanup()
    """
    found = kept_result(G, name, params, code=code, libraries=libraries)
    if found is not None and check(found):
        return found
    path = kept_path(G, name, params, code=code, libraries=libraries)
    nodes = sum(len(df) for df in G.nodes.values())
    if what is None or nodes < ANNOUNCE_NODES:
        result = compute()
    else:
        start = time.perf_counter()
        once = "; kept with the package, so this is done once" if path is not None else ""
        _progress.info("computing %s (%s nodes)%s ...", what, f"{nodes:,}", once)
        result = compute()
        _progress.info("%s: computed in %.1f s", what, time.perf_counter() - start)
    if path is not None:
        _write(path, result)
    return result


_COLUMNS = "__columns__"
_MISSING = ".missing"  # suffix of a text column's mask of missing values


def frame_arrays(df: pd.DataFrame) -> Arrays:
    """A small table as arrays that :func:`kept` can write without pickling: numbers
    and booleans as they are, text as fixed-width Unicode with a mask of what is
    missing; :func:`kept_frame` reads it back.  The index is not kept.

    Examples
    --------
    >>> df = pd.DataFrame({"n": [1, 2], "s": pd.array(["甲", None], dtype="string")})
    >>> sorted(frame_arrays(df))
    ['__columns__', 'n', 's', 's.missing']
    """
    out: Arrays = {_COLUMNS: np.array(list(df.columns), dtype=str)}
    for col in df.columns:
        values = df[col]
        kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else ""
        if kind and kind in "biuf":
            out[col] = values.to_numpy()
        else:
            missing = values.isna().to_numpy(bool)
            out[col] = np.array(values.astype(object).where(~missing, "").tolist(), dtype=str)
            out[col + _MISSING] = missing
    return out


def kept_frame(found: Arrays) -> pd.DataFrame:
    """The table :func:`frame_arrays` turned into ``found`` (text as ``string``).

    Examples
    --------
    >>> df = pd.DataFrame({"n": [1, 2], "s": pd.array(["甲", None], dtype="string")})
    >>> back = kept_frame(frame_arrays(df))
    >>> back.equals(df), back.dtypes.astype(str).tolist()
    (True, ['int64', 'string'])
    """
    columns: dict[str, Any] = {}
    for col in found[_COLUMNS].tolist():
        if col + _MISSING in found:
            text = pd.array(found[col].astype(object), dtype="string")
            text[found[col + _MISSING]] = pd.NA
            columns[col] = text
        else:
            columns[col] = found[col]
    return pd.DataFrame(columns)
