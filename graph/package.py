"""The graph package: a built graph on disk.

A package is a folder::

    manifest.json            schema version, sources, counts, checksums, build time
    nodes/<Label>.parquet    one table per node label
    edges/<TYPE>.parquet     one table per edge type
    graph.lbdb               the embedded database (Cypher), when built

It is written to a temporary sibling folder and swapped into place in one step, so
an interrupted build never leaves a half-written graph and readers see the old
package or the new one, never a mix.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from innokg.graph.errors import PackageError
from innokg.graph.mapped import check_sha256, read_mapped
from innokg.graph.schema import EDGE_TYPES, NODE_LABELS, SCHEMA_VERSION
from innokg.graph.validate import Tables, empty_edge_table, empty_node_table, pandas_dtype

__all__ = [
    "DATABASE_FILE",
    "MANIFEST",
    "PACKAGE_FORMAT",
    "read_manifest",
    "read_tables",
    "write_package",
]

PACKAGE_FORMAT = "innokg-graph-package"
MANIFEST = "manifest.json"
DATABASE_FILE = "graph.lbdb"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    # No pandas index and no creation metadata that varies: same tables, same bytes.
    table = pa.Table.from_pandas(df, preserve_index=False)
    table = table.replace_schema_metadata(None)
    pq.write_table(table, path, compression="zstd", write_statistics=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(rc == 0)


def _swap_into_place(tmp: Path, out: Path) -> None:
    if not out.exists():
        os.replace(tmp, out)
        return
    if _exchange(tmp, out):
        shutil.rmtree(tmp)  # tmp now holds the old package
        return
    old = out.with_name(f".{out.name}.old-{uuid.uuid4().hex[:8]}")
    os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old)


def _remove_abandoned(out: Path) -> None:
    """Remove temporary folders left by builds that were killed (their process is gone)."""
    for tmp in out.parent.glob(f".{out.name}.tmp-*"):
        pid = tmp.name.rsplit(".tmp-", 1)[1].split("-")[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _check_replaceable(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise PackageError(f"{out} exists and is a file; choose another --out folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise PackageError(
            f"{out} is a folder that is not an innokg graph package; refusing to replace it. "
            "Choose an empty or new --out folder"
        )


def write_package(
    tables: Tables,
    out: str | Path,
    *,
    sources: list[dict[str, Any]],
    info: dict[str, Any] | None = None,
    extra_files: Callable[[Path], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Write ``tables`` as a graph package at ``out``, replacing any package there.

    Parameters
    ----------
    tables : Tables
        Validated tables (see :func:`innokg.graph.validate.validate_tables`).
    out : path
        The package folder.  An existing package there is replaced atomically; an
        existing folder that is not a package is never touched.
    sources : list of dict
        Provenance of the inputs: ``kind``, ``path`` and ``sha256`` of each.
    info : dict, optional
        More manifest fields (title, generator settings, whether synthetic, ...).
    extra_files : callable, optional
        Called with the temporary package folder once the tables are written, to add
        more files (the embedded database, a load report).  Returns manifest fields.

    Returns
    -------
    dict
        The manifest written.

    Raises
    ------
    PackageError
        When ``out`` is a file or a folder that is not a package, or the package
        cannot be written (nothing is changed at ``out`` then).

    Examples
    --------
    >>> import os, tempfile
    >>> from innokg.graph.testing import make_tables
    >>> tables = make_tables(
    ...     {"Enterprise": [{"id": "E1", "name": "宇通客车"}],
    ...      "Region": [{"id": "region:4101", "name": "郑州市"}]},
    ...     {"LOCATED_IN": [("E1", "region:4101")]},
    ... )
    >>> tmp = tempfile.TemporaryDirectory()
    >>> out = os.path.join(tmp.name, "pkg")
    >>> manifest = write_package(
    ...     tables, out, sources=[{"kind": "tables", "path": "firms.csv", "sha256": "..."}],
    ...     info={"title": "two nodes"},
    ... )
    >>> manifest["title"], manifest["counts"]["edges"]["LOCATED_IN"]
    ('two nodes', 1)
    >>> manifest["files"]["nodes/Enterprise.parquet"]["rows"]
    1
    >>> sorted(os.listdir(out))
    ['edges', 'manifest.json', 'nodes']
    >>> tmp.cleanup()
    """
    out = Path(out)
    _check_replaceable(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PackageError(f"cannot create {out.parent}: {exc.strerror or exc}") from exc
    _remove_abandoned(out)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        (tmp / "nodes").mkdir(parents=True)
        (tmp / "edges").mkdir()
        files: dict[str, dict[str, Any]] = {}
        for kind, group in (("nodes", tables.nodes), ("edges", tables.edges)):
            for name, df in group.items():
                rel = f"{kind}/{name}.parquet"
                _write_parquet(df, tmp / rel)
                files[rel] = {"rows": len(df), "sha256": _sha256(tmp / rel)}
        if len(tables.rejects):
            tables.rejects.to_csv(tmp / "rejects.csv", index=False)
        manifest: dict[str, Any] = {
            "format": PACKAGE_FORMAT,
            "schema_version": SCHEMA_VERSION,
            "built_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            **(info or {}),
            "sources": sources,
            "counts": {
                "nodes": {k: len(v) for k, v in tables.nodes.items()},
                "edges": {k: len(v) for k, v in tables.edges.items()},
                "rejects": len(tables.rejects),
            },
            "files": files,
        }
        if extra_files is not None:
            manifest.update(extra_files(tmp))
        (tmp / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        _swap_into_place(tmp, out)
    except OSError as exc:
        raise PackageError(
            f"could not write the package at {out}: {exc.strerror or exc}; "
            "nothing was changed there"
        ) from exc
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return manifest


def _major(version: str) -> int:
    try:
        return int(str(version).split(".")[0])
    except ValueError as exc:
        raise PackageError(f"unreadable schema version {version!r} in the manifest") from exc


def read_manifest(path: str | Path) -> dict[str, Any]:
    """Read and check a package's manifest.

    Parameters
    ----------
    path : path
        The package folder.

    Returns
    -------
    dict
        The manifest, as :func:`write_package` wrote it.

    Raises
    ------
    PackageError
        When the folder is not a package, the manifest is damaged, it names files
        outside the package, or it was written with a newer schema.

    Examples
    --------
    >>> import os, tempfile
    >>> from innokg.graph.testing import make_tables
    >>> tmp = tempfile.TemporaryDirectory()
    >>> out = os.path.join(tmp.name, "pkg")
    >>> _ = write_package(make_tables({"Region": [{"id": "r1", "name": "郑州市"}]}), out,
    ...                   sources=[], info={"title": "one region"})
    >>> manifest = read_manifest(out)
    >>> manifest["format"], manifest["title"], manifest["counts"]["nodes"]["Region"]
    ('innokg-graph-package', 'one region', 1)
    >>> read_manifest(tmp.name)
    Traceback (most recent call last):
    ...
    innokg.graph.errors.PackageError: /... is not an innokg graph package: no manifest.json
    >>> tmp.cleanup()
    """
    path = Path(path)
    file = path / MANIFEST
    if not file.is_file():
        hint = " (run `innokg demo` to make one)" if not path.exists() else ""
        raise PackageError(f"{path} is not an innokg graph package: no {MANIFEST}{hint}")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(f"{file} is damaged ({exc}); rebuild the package") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != PACKAGE_FORMAT:
        raise PackageError(f"{file} is not an innokg manifest; rebuild the package")
    theirs = str(manifest.get("schema_version", "0"))
    if _major(theirs) > _major(SCHEMA_VERSION):
        raise PackageError(
            f"{path} was built with schema {theirs}, newer than this innokg's "
            f"{SCHEMA_VERSION}; upgrade innokg (pip install -U innokg) to read it"
        )
    root = path.resolve()
    for rel in manifest.get("files", {}):
        target = (path / rel).resolve()
        if root not in target.parents:
            raise PackageError(f"{file} names a file outside the package: {rel!r}; refusing it")
    return manifest


def read_tables(
    path: str | Path, *, verify: bool = True
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], dict[str, Any]]:
    """Read a package's node and edge tables and its manifest.

    With ``verify`` (the default) each table's checksum is compared with the
    manifest's, so a damaged or edited file is reported instead of read.  A read that
    races a rebuild (the package was swapped between reading the manifest and a
    table) is detected by the same checksums and done again on the new package, so a
    reader gets the old graph or the new one, never a mix.  Where the package was
    prepared, the tables come from its Arrow copy, memory-mapped
    (:mod:`innokg.graph.mapped`); the checksums checked are still the Parquet's.

    Parameters
    ----------
    path : path
        The package folder.
    verify : bool
        Compare each table's SHA-256 with the manifest's (the default); False skips
        the check (and the retry on a rebuild), for speed on a trusted package.

    Returns
    -------
    tuple of (dict, dict, dict)
        The node tables by label and the edge tables by type, every one of the
        schema (empty and typed where the package has none), and the manifest.

    Raises
    ------
    PackageError
        When the package is not one (see :func:`read_manifest`), or a table is
        missing, unreadable or does not match its checksum.

    Examples
    --------
    >>> import os, tempfile
    >>> from innokg.graph.testing import make_tables
    >>> tables = make_tables(
    ...     {"Enterprise": [{"id": "E1", "name": "宇通客车"}],
    ...      "Region": [{"id": "region:4101", "name": "郑州市"}]},
    ...     {"LOCATED_IN": [("E1", "region:4101")]},
    ... )
    >>> tmp = tempfile.TemporaryDirectory()
    >>> out = os.path.join(tmp.name, "pkg")
    >>> _ = write_package(tables, out, sources=[])
    >>> nodes, edges, manifest = read_tables(out)
    >>> nodes["Enterprise"][["id", "name"]].values.tolist()
    [['E1', '宇通客车']]
    >>> edges["LOCATED_IN"][["from_id", "to_id"]].values.tolist()
    [['E1', 'region:4101']]
    >>> len(nodes["Fund"]), str(nodes["Fund"]["amount"].dtype)
    (0, 'Float64')
    >>> with open(os.path.join(out, "nodes", "Enterprise.parquet"), "wb") as f:
    ...     _ = f.write(b"edited")
    >>> read_tables(out)
    Traceback (most recent call last):
    ...
    innokg.graph.errors.PackageError: /...: nodes/Enterprise.parquet does not match its checksum; \
rebuild the package
    >>> tmp.cleanup()
    """
    path = Path(path)
    for attempt in range(10):
        stamp = _manifest_stamp(path)
        manifest = read_manifest(path)
        try:
            return (*_read_all(path, manifest, verify=verify), manifest)
        except PackageError:
            if not verify or (
                _manifest_stamp(path) == stamp and _manifest_unchanged(path, manifest)
            ):
                raise
        time.sleep(min(0.01 * 2**attempt, 0.5))  # a build is swapping it in: wait a moment
    raise PackageError(
        f"{path} kept changing while it was read; try again when the build writing it has finished"
    )


def _manifest_stamp(path: Path) -> tuple[int, int, int] | None:
    """Which manifest file the package holds now.  Two builds of the same tables in the
    same second write equal manifests (``built_at`` is to the second), so a reader
    overtaken by both would take the second for the one it started on; each build
    writes its own file, swapped in with its folder."""
    try:
        st = (path / MANIFEST).stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_mtime_ns


def _manifest_unchanged(path: Path, manifest: dict[str, Any]) -> bool:
    try:
        return read_manifest(path) == manifest
    except PackageError:
        return False


def _read_all(
    path: Path, manifest: dict[str, Any], *, verify: bool
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    files = manifest.get("files", {})

    def read(rel: str) -> bytes:
        try:
            return (path / rel).read_bytes()
        except OSError:
            raise PackageError(f"{path}: {rel} is missing; rebuild the package") from None

    def load(kind: str, name: str, empty: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
        rel = f"{kind}/{name}.parquet"
        if rel not in files:
            return empty(name)
        data = read(rel) if verify else None
        if data is not None:
            check_sha256(path, rel, data, manifest)
        mapped = read_mapped(path, manifest, rel)  # the Arrow copy, when prepared
        if mapped is not None:
            return _restore_dtypes(mapped, kind, name)
        data = read(rel) if data is None else data
        try:
            df = pq.read_table(pa.BufferReader(data)).to_pandas()
        except (pa.ArrowException, OSError) as exc:
            raise PackageError(f"{path}: {rel} is unreadable ({exc}); rebuild the package") from exc
        return _restore_dtypes(df, kind, name)

    nodes = {label: load("nodes", label, empty_node_table) for label in NODE_LABELS}
    edges = {etype: load("edges", etype, empty_edge_table) for etype in EDGE_TYPES}
    return nodes, edges


def _restore_dtypes(df: pd.DataFrame, kind: str, name: str) -> pd.DataFrame:
    spec = NODE_LABELS[name] if kind == "nodes" else EDGE_TYPES[name]
    for prop in spec.props:
        if prop.name in df.columns:
            df[prop.name] = df[prop.name].astype(pandas_dtype(prop))
    for col in ("from_id", "to_id"):
        if col in df.columns:
            df[col] = df[col].astype("string")
    return df
