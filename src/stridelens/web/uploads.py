"""Receiving uploads: the multipart body streams straight into a generated file in the data directory,
stopping as soon as it exceeds the size limit; then the file's content is probed (PyAV), never trusting
its name or Content-Type.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from ..errors import InputError, StridelensError
from .settings import Settings

__all__ = ["ProbedVideo", "ReceivedForm", "UploadError", "UploadTooLargeError", "probe_upload", "receive_multipart"]

_MAX_FIELD_BYTES = 10_000
_FORMAT_SUFFIX = (("mp4", ".mp4"), ("mov", ".mov"), ("webm", ".webm"), ("matroska", ".mkv"), ("avi", ".avi"))


class UploadError(StridelensError):
    """The upload was refused (not a usable video, over a limit, malformed form)."""

    code = "upload_rejected"
    status_code = 422


class UploadTooLargeError(UploadError):
    code = "upload_too_large"
    status_code = 413


@dataclass
class ReceivedForm:
    """The form fields and the one uploaded file (stored under a generated name)."""

    fields: dict[str, str] = field(default_factory=dict)
    file_path: Path | None = None
    file_bytes: int = 0
    filename: str = ""  # as the browser sent it: for display only


class _Parser:
    """Callbacks for python-multipart: fields into memory (small), the file part onto disk."""

    def __init__(self, dest_dir: Path, file_field: str, max_bytes: int):
        self.dest_dir, self.file_field, self.max_bytes = dest_dir, file_field, max_bytes
        self.form = ReceivedForm()
        self._headers: dict[bytes, bytes] = {}
        self._field, self._value = b"", b""
        self._name: str | None = None
        self._is_file = False
        self._buffer = bytearray()
        self._fh: object | None = None

    def callbacks(self) -> dict[str, object]:
        return {"on_part_begin": self._part_begin, "on_header_field": self._header_field,
                "on_header_value": self._header_value, "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished, "on_part_data": self._part_data,
                "on_part_end": self._part_end}

    def _part_begin(self) -> None:
        self._headers, self._field, self._value, self._buffer = {}, b"", b"", bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field, self._value = b"", b""

    def _headers_finished(self) -> None:
        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = params.get(b"name", b"").decode("utf-8", "replace")
        self._is_file = b"filename" in params
        if self._is_file and self._name == self.file_field:
            if self.form.file_path is not None:
                raise UploadError("More than one file was sent.", "Upload one video at a time.")
            self.form.filename = Path(params[b"filename"].decode("utf-8", "replace").replace("\\", "/")).name
            self.form.file_path = self.dest_dir / f".incoming-{secrets.token_hex(8)}"
            self._fh = self.form.file_path.open("xb")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._fh is not None:
            self.form.file_bytes += end - start
            if self.form.file_bytes > self.max_bytes:
                raise UploadTooLargeError(*_too_large(self.max_bytes))
            self._fh.write(data[start:end])  # type: ignore[attr-defined]
        elif not self._is_file:
            self._buffer += data[start:end]
            if len(self._buffer) > _MAX_FIELD_BYTES:
                raise UploadError(f"The form field {self._name!r} is too long.", "Shorten it (notes: a few lines).")

    def _part_end(self) -> None:
        if self._fh is not None:
            self._fh.close()  # type: ignore[attr-defined]
            self._fh = None
        elif not self._is_file and self._name:
            self.form.fields[self._name] = self._buffer.decode("utf-8", "replace")

    def discard(self) -> None:
        if self._fh is not None:
            self._fh.close()  # type: ignore[attr-defined]
        if self.form.file_path is not None:
            self.form.file_path.unlink(missing_ok=True)


def _too_large(max_bytes: int) -> tuple[str, str]:
    mb = max_bytes / 1024 / 1024
    return (f"The video is larger than this server accepts ({mb:.0f} MB).",
            "Trim it to the part with the run (10-20 seconds are enough), or export it at 1080p.")


async def receive_multipart(request: Request, dest_dir: Path, *, max_bytes: int,
                            file_field: str = "file") -> ReceivedForm:
    """Stream a multipart/form-data body to disk; the file lands in `dest_dir` under a generated name."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise UploadError("Expected a form upload (multipart/form-data).",
                          f"Send the video in the form field {file_field!r}.")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + 1024 * 1024:
        raise UploadTooLargeError(*_too_large(max_bytes))
    dest_dir.mkdir(parents=True, exist_ok=True)
    parser = _Parser(dest_dir, file_field, max_bytes)
    multipart = MultipartParser(params[b"boundary"], parser.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            multipart.write(chunk)
        multipart.finalize()
    except StridelensError:
        parser.discard()
        raise
    except Exception as exc:  # malformed body from the client (python-multipart's parse errors)
        parser.discard()
        raise UploadError("The upload was cut off or malformed.", "Try the upload again.") from exc
    if parser.form.file_path is None or parser.form.file_bytes == 0:
        parser.discard()
        raise UploadError("No video was uploaded.", f"Choose a video file (form field {file_field!r}).")
    return parser.form


@dataclass(frozen=True, slots=True)
class ProbedVideo:
    suffix: str
    width_px: int
    height_px: int
    duration_s: float
    fps: float


def _container_names(path: Path) -> list[str]:
    import av

    with av.open(str(path), metadata_errors="ignore") as container:
        return container.format.name.split(",")


def probe_upload(path: Path, settings: Settings, display_name: str, *, fps_override: float | None = None
                 ) -> ProbedVideo:
    """Probe the stored upload's content; raise `UploadError` for a non-video or one over the limits.

    `fps_override`: the capture rate typed in the form, which also makes a file without usable timestamps
    readable (as `--fps` does in the CLI).
    """
    from ..config import VideoConfig
    from ..io import probe_video
    from .filming import web_advice

    shown = display_name or "The file"
    try:
        info = probe_video(path, VideoConfig(fps_override=fps_override))
    except InputError as exc:
        raise UploadError(exc.message.replace(str(path), shown), web_advice(exc.advice)) from None
    # a still picture (PNG, JPEG, ... whatever its name) is refused by `probe_video` itself, as in the CLI
    if info.duration_s <= 0 and info.frame_count <= 1:
        raise UploadError(f"{shown}: has a single frame and no duration: it is not a video of a run.",
                          "Upload the video of the run (MP4, MOV, MKV, WebM).")
    names = _container_names(path)
    long_side, short_side = max(info.width_px, info.height_px), min(info.width_px, info.height_px)
    if long_side > settings.max_long_side_px or short_side > settings.max_short_side_px:
        raise UploadError(f"{shown}: the picture is {info.width_px}x{info.height_px} pixels, more than this "
                          f"server accepts ({settings.max_long_side_px}x{settings.max_short_side_px}).",
                          "Export the video at 1080p or 4K at most.")
    if info.duration_s > settings.max_duration_s:
        raise UploadError(f"{shown}: the video lasts {info.duration_s:.0f} s, longer than this server accepts "
                          f"({settings.max_duration_s:.0f} s).",
                          "Trim it to the part with the run: 10-20 seconds (10+ strides) are enough.")
    suffix = next((suffix for key, suffix in _FORMAT_SUFFIX if key in names), ".video")
    return ProbedVideo(suffix, info.width_px, info.height_px, info.duration_s, info.capture_fps)


def store_upload(path: Path, dest: Path) -> None:
    """Move the incoming file to its final generated name (same folder: atomic) and make it read-only."""
    os.replace(path, dest)
    dest.chmod(0o440)
