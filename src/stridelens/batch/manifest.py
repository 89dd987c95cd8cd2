"""The jobs of a batch: every video under a folder (recursively), or the rows of a CSV manifest."""

from __future__ import annotations

import csv
import io
import posixpath
from collections.abc import Iterable

from ..errors import InputError
from .jobs import Job, safe_name
from .storage import to_fs

__all__ = ["INPUT_SUFFIXES", "discover_jobs", "read_manifest", "scan_folder"]

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi")
INPUT_SUFFIXES = (*VIDEO_SUFFIXES, ".trc", ".c3d", ".mot", ".sto", ".parquet")  # sources.FORMATS, by name
_COLUMNS = {  # manifest header (lower case) -> Job field
    "path": "source", "video": "source", "file": "source",
    "athlete": "athlete", "name": "athlete",
    "height": "height_cm", "height_cm": "height_cm",
    "treadmill speed": "treadmill_speed_kmh", "treadmill_speed": "treadmill_speed_kmh",
    "treadmill_speed_kmh": "treadmill_speed_kmh", "speed_kmh": "treadmill_speed_kmh",
    "fps": "fps_override", "fps override": "fps_override", "fps_override": "fps_override",
    "notes": "notes",
}
_NUMBERS = ("height_cm", "treadmill_speed_kmh", "fps_override")


def discover_jobs(input_url: str, *, exclude: str | None = None) -> list[Job]:
    """Jobs from a CSV manifest (a ``.csv`` file) or a folder (every video below it, except under `exclude`)."""
    fs, path = to_fs(input_url)
    if path.lower().endswith(".csv"):
        if not fs.isfile(path):
            raise InputError(f"{input_url}: manifest not found.", "Give an existing CSV file or a folder.")
        with fs.open(path, "rb") as fh:
            text = fh.read().decode("utf-8-sig")
        return read_manifest(text, base=fs.unstrip_protocol(posixpath.dirname(path)) if _remote(fs)
                             else posixpath.dirname(path))
    if not fs.isdir(path):
        raise InputError(f"{input_url}: neither a folder nor a .csv manifest.",
                         "Give a folder of videos or a CSV manifest with a 'path' column.")
    skip = to_fs(exclude)[1].rstrip("/") + "/" if exclude else None
    return scan_folder(fs, path, skip=skip)


def _remote(fs: object) -> bool:
    proto = getattr(fs, "protocol", "file")
    return "file" not in ((proto,) if isinstance(proto, str) else tuple(proto))


def scan_folder(fs: object, root: str, *, skip: str | None = None) -> list[Job]:
    """One job per file with an `INPUT_SUFFIXES` suffix below `root` (hidden files and `skip` excluded)."""
    root = root.rstrip("/")
    found = sorted(p for p in fs.find(root) if p.lower().endswith(INPUT_SUFFIXES)  # type: ignore[attr-defined]
                   and not any(part.startswith(".") for part in posixpath.relpath(p, root).split("/"))
                   and not (skip and p.startswith(skip)))
    names = _unique_names(posixpath.relpath(p, root) for p in found)
    return [Job(source=fs.unstrip_protocol(p) if _remote(fs) else p, name=n)  # type: ignore[attr-defined]
            for p, n in zip(found, names, strict=True)]


def _unique_names(relpaths: Iterable[str]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for rel in relpaths:
        base = name = safe_name(rel)
        n = 1
        while name.lower() in seen:
            n += 1
            name = f"{base}-{n}"
        seen.add(name.lower())
        names.append(name)
    return names


def read_manifest(text: str, *, base: str) -> list[Job]:
    """Jobs from CSV text: a ``path`` column (relative to `base` unless absolute or a URL), and optional
    ``athlete``, ``height_cm``, ``treadmill_speed_kmh``, ``fps`` and ``notes`` columns."""
    reader = csv.DictReader(io.StringIO(text))
    header = {h: _COLUMNS.get(h.strip().lower()) for h in reader.fieldnames or []}
    if "source" not in header.values():
        raise InputError("The manifest has no 'path' column.",
                         "First row: path,athlete,height_cm,treadmill_speed_kmh,fps,notes")
    rows = [_row_fields(row, header, line) for line, row in enumerate(reader, start=2)]
    rows = [r for r in rows if r.get("source")]
    names = _unique_names(str(r["source"]) for r in rows)
    return [Job(**{**r, "source": _resolve(str(r["source"]), base)}, name=n)
            for r, n in zip(rows, names, strict=True)]


def _row_fields(row: dict[str, str], header: dict[str, str | None], line: int) -> dict[str, object]:
    out: dict[str, object] = {}
    for column, key in header.items():
        value = (row.get(column) or "").strip()
        if key is None or not value:
            continue
        if key in _NUMBERS:
            try:
                number = float(value)
            except ValueError:
                raise InputError(f"Manifest line {line}: {column} {value!r} is not a number.",
                                 "Leave the cell empty or give a number.") from None
            if not number > 0:
                raise InputError(f"Manifest line {line}: {column} must be greater than 0.", "Fix the cell.")
            out[key] = number
        else:
            out[key] = value
    return out


def _resolve(source: str, base: str) -> str:
    if "://" in source or source.startswith("/"):
        return source
    return posixpath.normpath(posixpath.join(base, source)) if "://" not in base else posixpath.join(base, source)
