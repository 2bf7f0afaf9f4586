"""A package's tables as uncompressed Arrow files, memory-mapped when the package is read.

Parquet is compact, but reading it decodes every column into memory: at ten million
nodes the tables took 15 s to open and 9.8 GB, though most commands never look at most
columns (an edge's source, evidence and method, say).  :func:`write_mapped` keeps an
uncompressed Arrow copy of each table beside the package (a build or ``innokg prepare``
writes it), and :func:`read_tables <innokg.graph.package.read_tables>` then maps it.
Each table is two files: its text columns, mapped and used in place from the page
cache, and its other columns, read and copied into pandas' nullable arrays (mapped,
their pages would stay resident beside the copy for as long as the text is mapped).
Measured at ten million nodes: the tables open in 4 s holding 2.7 GB; the text a
command reads joins its resident memory as file pages, which the system can drop again.

The copy is kept in ``<package>/kept/tables-<key>/``, keyed by the checksums of the
package's tables: a rebuild replaces the folder whole, and a copy whose key does not
match the manifest is never read.  It is written to a temporary folder and renamed, so
a reader never sees half of it; a copy that cannot be read is passed over for the
Parquet tables.  The Parquet tables stay the truth, and ``verify`` still checks them.
``INNOKG_KEEP=0`` turns it off, as it does every result kept beside a package.  It
takes about four times the Parquet's disk space (7.8 GB beside 2.0 GB at ten million
nodes, written in 14-25 s); ``rm -r PACKAGE/kept`` removes it with the other kept results.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

__all__ = [
    "KEPT_DIR",
    "check_sha256",
    "current_umask",
    "keep_enabled",
    "mapped_dir",
    "read_mapped",
    "write_mapped",
]

#: The package's sub-folder that holds what is kept beside the tables.
KEPT_DIR = "kept"
#: Changes when the copy's layout does, so an older copy is not read.
_FORMAT = "arrow-ipc-2"
#: Rows decoded at a time while writing, so writing holds one batch, not one table.
_BATCH_ROWS = 1_000_000
#: The schema metadata that keeps a table's column order across its two files.
_ORDER = "innokg.columns"

# Arrow types read straight into the pandas dtypes of the schema; text as large_string,
# the type pandas keeps its strings in, so the mapped buffers are used without a copy.
_PANDAS_TYPES: dict[pa.DataType, Any] = {
    pa.large_string(): pd.StringDtype("pyarrow"),
    pa.int64(): pd.Int64Dtype(),
    pa.float64(): pd.Float64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def keep_enabled() -> bool:
    """Whether results may be kept beside packages (``INNOKG_KEEP`` is not ``0``).

    Returns
    -------
    bool

    Examples
    --------
    >>> import os
    >>> os.environ["INNOKG_KEEP"] = "0"; keep_enabled()
    False
    >>> del os.environ["INNOKG_KEEP"]; keep_enabled()
    True
    """
    return os.environ.get("INNOKG_KEEP", "1").strip().lower() not in ("0", "no", "off", "false")


def _key(manifest: dict[str, Any]) -> str:
    files = manifest.get("files") or {}
    text = json.dumps(
        [_FORMAT, sorted((k, str(v.get("sha256"))) for k, v in files.items())],
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def mapped_dir(path: str | Path, manifest: dict[str, Any]) -> Path:
    """Where the Arrow copy of the tables named in ``manifest`` is kept.

    Examples
    --------
    >>> mapped_dir("pkg", {"files": {"nodes/Region.parquet": {"sha256": "ab"}}}).parent
    PosixPath('pkg/kept')
    """
    return Path(path) / KEPT_DIR / f"tables-{_key(manifest)}"


def _tables(manifest: dict[str, Any]) -> list[str]:
    return sorted(rel for rel in manifest.get("files") or {} if rel.endswith(".parquet"))


def _is_text(t: pa.DataType) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))


def _split(schema: pa.Schema) -> tuple[pa.Schema, pa.Schema]:
    """The text columns (as large_string) and the others, each a schema of its own."""
    text = [f.with_type(pa.large_string()) for f in schema if _is_text(f.type)]
    rest = [f for f in schema if not _is_text(f.type)]
    order = {_ORDER: json.dumps(schema.names, ensure_ascii=False)}
    return pa.schema(text), pa.schema(rest, metadata=order)


def _write_one(source: Path | bytes, target: Path) -> None:
    reader = pq.ParquetFile(pa.BufferReader(source) if isinstance(source, bytes) else source)
    text, rest = _split(reader.schema_arrow)
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        ipc.new_file(str(target.with_suffix(".text.arrow")), text) as text_out,
        ipc.new_file(str(target), rest) as rest_out,
    ):
        for batch in reader.iter_batches(batch_size=_BATCH_ROWS):
            table = pa.Table.from_batches([batch])
            text_out.write_table(table.select(text.names).cast(text))
            rest_out.write_table(table.select(rest.names))


def write_mapped(
    path: str | Path, manifest: dict[str, Any], *, verify: bool = False
) -> Path | None:
    """Write the Arrow copy of a package's tables, unless it is there already.

    Parameters
    ----------
    path : path
        The package folder.
    manifest : dict
        Its manifest (:func:`~innokg.graph.package.read_manifest`).
    verify : bool
        Check each table against the manifest's checksum before copying it.

    Returns
    -------
    Path or None
        The copy's folder; None when keeping is off (``INNOKG_KEEP=0``) or the package
        cannot be written to.

    Raises
    ------
    PackageError
        With ``verify``, when a table does not match its checksum (nothing is written).

    Examples
    --------
    >>> import os, tempfile
    >>> from innokg.graph.package import read_manifest, write_package
    >>> from innokg.graph.testing import make_tables
    >>> tmp = tempfile.TemporaryDirectory()
    >>> out = os.path.join(tmp.name, "pkg")
    >>> _ = write_package(make_tables({"Region": [{"id": "r", "name": "郑州市"}]}), out, sources=[])
    >>> folder = write_mapped(out, read_manifest(out))
    >>> (folder / "nodes" / "Region.arrow").is_file()
    True
    >>> read_mapped(out, read_manifest(out), "nodes/Region.parquet")[["id", "name"]]
      id name
    0  r  郑州市
    >>> tmp.cleanup()
    """
    if not keep_enabled():
        return None
    path = Path(path)
    final = mapped_dir(path, manifest)
    if not final.is_dir() and not _write_all(path, manifest, final, verify=verify):
        return None
    for older in final.parent.glob("tables-*"):
        if older != final:
            shutil.rmtree(older, ignore_errors=True)
    return final


def _write_all(path: Path, manifest: dict[str, Any], final: Path, *, verify: bool) -> bool:
    """Write every table's copy into a temporary folder renamed ``final``; False when
    the package cannot be written to."""
    from innokg.graph.errors import PackageError

    made = not final.parent.exists()
    try:
        final.parent.mkdir(exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=".tables-", suffix=".tmp"))
    except OSError:
        return False
    done = False
    try:
        for rel in _tables(manifest):
            source: Path | bytes = path / rel
            if verify:
                source = (path / rel).read_bytes()
                check_sha256(path, rel, source, manifest)
            try:
                _write_one(source, (tmp / rel).with_suffix(".arrow"))
            except pa.ArrowException as exc:
                raise PackageError(
                    f"{path}: {rel} is unreadable ({exc}); rebuild the package"
                ) from exc
        os.chmod(tmp, 0o777 & ~current_umask())  # as other package folders, not mkdtemp's 0700
        os.replace(tmp, final)
        done = True
    except OSError:
        done = final.is_dir()  # another process renamed its copy first
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if made and not done:  # a damaged table leaves the package as it found it
            with contextlib.suppress(OSError):
                final.parent.rmdir()
    return done


def current_umask() -> int:
    """The process's umask (read by setting it, then set back), so that files written
    under a temporary name get the permissions other package files have."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_sha256(path: Path, rel: str, data: bytes, manifest: dict[str, Any]) -> None:
    """Raise PackageError when the bytes of the package's table ``rel`` do not match the
    manifest's checksum."""
    from innokg.graph.errors import PackageError

    if hashlib.sha256(data).hexdigest() != (manifest.get("files") or {})[rel].get("sha256"):
        raise PackageError(f"{path}: {rel} does not match its checksum; rebuild the package")


def read_mapped(path: str | Path, manifest: dict[str, Any], rel: str) -> pd.DataFrame | None:
    """One table from the Arrow copy, its text memory-mapped; None when there is no
    copy for this manifest or the file cannot be read (read the Parquet instead).

    Parameters
    ----------
    path : path
        The package folder.
    manifest : dict
        Its manifest.
    rel : str
        The table's path in the package, as the manifest names it
        (``"edges/SUPPLIES.parquet"``).

    Returns
    -------
    DataFrame or None
        The table, in the types Arrow maps to pandas' nullable ones; the caller
        restores the schema's dtypes as for a Parquet table.
    """
    if not keep_enabled():
        return None
    file = (mapped_dir(path, manifest) / rel).with_suffix(".arrow")
    try:
        # the numbers are copied into pandas' own arrays: read, not mapped, or their
        # pages would stay resident beside the copy for as long as the text is mapped
        rest = ipc.open_file(pa.OSFile(str(file))).read_all()
        text = ipc.open_file(pa.memory_map(str(file.with_suffix(".text.arrow")))).read_all()
        order = json.loads((rest.schema.metadata or {})[_ORDER.encode()])
        columns = {
            **dict(zip(text.column_names, text.columns, strict=True)),
            **dict(zip(rest.column_names, rest.columns, strict=True)),
        }
        table = pa.table([columns[name] for name in order], names=order)
        return table.to_pandas(types_mapper=_PANDAS_TYPES.get)
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None
