"""The jobs of a batch: every video under a folder (recursively), or the rows of a CSV manifest.

A folder scan picks inputs by their extension (`INPUT_SUFFIXES`) and reports every other file it passes over
(`SkippedFile`, `describe_skipped`): nothing is skipped silently. A file with another extension is never
analysed, even when its content is a video (a ``.3gp`` or ``.mts`` clip, a video saved as ``.bin``): the scan
says so and how to include it (rename it, or list it in a CSV manifest, which takes any file).
"""

from __future__ import annotations

import csv
import io
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..errors import InputError
from .jobs import Job, safe_name
from .storage import to_fs

__all__ = ["INPUT_SUFFIXES", "BatchInputs", "SkippedFile", "describe_skipped", "discover_inputs", "discover_jobs",
           "read_manifest", "scan_folder"]

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
_LISTED = 10  # names shown per line of `describe_skipped`


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file below a scanned folder that the batch does not analyse: its extension is not an input's."""

    path: str  # relative to the scanned folder
    looks_like_video: bool = False  # its content is a video (checked for local folders only)


@dataclass(frozen=True)
class BatchInputs:
    """What a folder scan or a manifest gives: the jobs, and the files a folder scan passed over."""

    jobs: list[Job]
    skipped: list[SkippedFile] = field(default_factory=list)


def discover_jobs(input_url: str, *, exclude: str | None = None) -> list[Job]:
    """Jobs from a CSV manifest (a ``.csv`` file) or a folder (every video below it, except under `exclude`)."""
    return discover_inputs(input_url, exclude=exclude).jobs


def discover_inputs(input_url: str, *, exclude: str | None = None) -> BatchInputs:
    """`discover_jobs`, plus the files a folder scan skipped (not hidden ones, nor those under `exclude`)."""
    fs, path = to_fs(input_url)
    if path.lower().endswith(".csv"):
        if not fs.isfile(path):
            raise InputError(f"{input_url}: manifest not found.", "Give an existing CSV file or a folder.")
        with fs.open(path, "rb") as fh:
            text = fh.read().decode("utf-8-sig")
        return BatchInputs(read_manifest(text, base=fs.unstrip_protocol(posixpath.dirname(path)) if _remote(fs)
                                         else posixpath.dirname(path)))
    if not fs.isdir(path):
        raise InputError(f"{input_url}: neither a folder nor a .csv manifest.",
                         "Give a folder of videos or a CSV manifest with a 'path' column.")
    skip = to_fs(exclude)[1].rstrip("/") + "/" if exclude else None
    return _scan(fs, path, skip=skip)


def _remote(fs: object) -> bool:
    proto = getattr(fs, "protocol", "file")
    return "file" not in ((proto,) if isinstance(proto, str) else tuple(proto))


def scan_folder(fs: object, root: str, *, skip: str | None = None) -> list[Job]:
    """One job per file with an `INPUT_SUFFIXES` suffix below `root` (hidden files and `skip` excluded)."""
    return _scan(fs, root, skip=skip, check_content=False).jobs


def _scan(fs: object, root: str, *, skip: str | None = None, check_content: bool = True) -> BatchInputs:
    root = root.rstrip("/")
    visible = sorted(p for p in fs.find(root)  # type: ignore[attr-defined]
                     if not any(part.startswith(".") for part in posixpath.relpath(p, root).split("/"))
                     and not (skip and p.startswith(skip)))
    found = [p for p in visible if p.lower().endswith(INPUT_SUFFIXES)]
    names = _unique_names(posixpath.relpath(p, root) for p in found)
    jobs = [Job(source=fs.unstrip_protocol(p) if _remote(fs) else p, name=n)  # type: ignore[attr-defined]
            for p, n in zip(found, names, strict=True)]
    others = [p for p in visible if not p.lower().endswith(INPUT_SUFFIXES) and not _companion(p)]
    if check_content and others and not _remote(fs):
        from ..io import looks_like_video

        skipped = [SkippedFile(posixpath.relpath(p, root), looks_like_video(p)) for p in others]
    else:
        skipped = [SkippedFile(posixpath.relpath(p, root)) for p in others]
    return BatchInputs(jobs, skipped)


def _companion(path: str) -> bool:
    """Reference events beside a marker file (``*events*.csv``): read with that file, so not skipped."""
    name = posixpath.basename(path).lower()
    return name.endswith(".csv") and "events" in name


def describe_skipped(skipped: Sequence[SkippedFile]) -> list[str]:
    """One line per kind of skipped file, e.g. "skipped 2 files that are not videos: notes.txt, song.m4a"."""
    lines = []
    videos = [s.path for s in skipped if s.looks_like_video]
    others = [s.path for s in skipped if not s.looks_like_video]
    if others:
        lines.append(f"skipped {_count(others)} that {'is not a video' if len(others) == 1 else 'are not videos'}: "
                     f"{_names(others)}")
    if videos:
        it, does = ("it", "looks like a video but has") if len(videos) == 1 else ("them", "look like videos but have")
        lines.append(f"skipped {_count(videos)} that {does} no video extension: {_names(videos)}; to analyse {it}, "
                     f"give {it} a video extension ({', '.join(VIDEO_SUFFIXES)}) or list {it} in a CSV manifest")
    return lines


def _count(paths: Sequence[str]) -> str:
    return f"{len(paths)} file{'' if len(paths) == 1 else 's'}"


def _names(paths: Sequence[str]) -> str:
    shown = ", ".join(paths[:_LISTED])
    return shown if len(paths) <= _LISTED else f"{shown} and {len(paths) - _LISTED} more"


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
