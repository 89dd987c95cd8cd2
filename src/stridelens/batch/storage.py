"""Local paths and fsspec URLs (``s3://``, ``gs://``, ``memory://``) behind the same few calls.

Workers on a cluster share no disk with the driver: a job copies its input to a local temporary file,
writes its outputs to a local temporary folder and uploads them. An output folder counts as finished only
when its `DONE_MARKER` exists, and the marker is uploaded last, so an interrupted upload reads as unfinished
on every file system (object stores have no atomic folder rename).
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["DONE_MARKER", "FAILED_MARKER", "download", "join", "read_json", "to_fs", "upload_folder",
           "write_bytes"]

DONE_MARKER = "done.json"  # written last: the folder is complete
FAILED_MARKER = "failed.json"  # the last attempt failed; a later run retries


def to_fs(url: str) -> tuple[Any, str]:
    """The fsspec file system and the path on it for a local path or URL."""
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise InputError("stridelens batch needs the fsspec package, which is not installed.",
                         "pip install 'stridelens[batch]'") from None
    try:
        return url_to_fs(url)
    except (ImportError, ValueError) as exc:  # e.g. s3:// without s3fs
        raise InputError(f"{url}: this kind of location cannot be opened ({exc}).",
                         "Install the file system's package (s3fs for s3://, gcsfs for gs://) or give a "
                         "local path.") from None


def join(base: str, *parts: str) -> str:
    """Join path parts onto a local path or URL."""
    if "://" in base:
        return posixpath.join(base, *parts)
    return str(Path(base).joinpath(*parts))


def is_local(url: str) -> bool:
    fs, _ = to_fs(url)
    return "file" in _protocols(fs)


def _protocols(fs: Any) -> tuple[str, ...]:
    proto = fs.protocol
    return (proto,) if isinstance(proto, str) else tuple(proto)


def download(url: str, folder: Path) -> Path:
    """A local file with `url`'s content: the file itself when local, else a copy in `folder` (same name)."""
    fs, path = to_fs(url)
    if "file" in _protocols(fs):
        return Path(path)
    local = folder / posixpath.basename(path.rstrip("/"))
    fs.get(path, str(local))
    return local


def upload_folder(local: Path, url: str) -> None:
    """Copy `local`'s files to `url`, replacing what is there, `DONE_MARKER` last."""
    fs, dest = to_fs(url)
    if fs.exists(dest):
        fs.rm(dest, recursive=True)
    fs.makedirs(dest, exist_ok=True)
    files = sorted(p for p in local.rglob("*") if p.is_file())
    for p in sorted(files, key=lambda p: p.name == DONE_MARKER):  # the marker goes last
        target = posixpath.join(dest, *p.relative_to(local).parts)
        fs.makedirs(posixpath.dirname(target), exist_ok=True)
        fs.put_file(str(p), target)


def write_bytes(url: str, data: bytes) -> None:
    """Write a file atomically where the file system allows (local: temporary name, then rename)."""
    fs, path = to_fs(url)
    parent = posixpath.dirname(path)
    if parent:
        fs.makedirs(parent, exist_ok=True)
    if "file" in _protocols(fs):
        tmp = Path(f"{path}.partial")
        tmp.write_bytes(data)
        tmp.replace(path)
    else:
        with fs.open(path, "wb") as fh:
            fh.write(data)


def read_json(url: str) -> dict[str, Any] | None:
    """The JSON object at `url`, or None when absent or unreadable."""
    fs, path = to_fs(url)
    try:
        with fs.open(path, "rb") as fh:
            data = json.loads(fh.read())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
