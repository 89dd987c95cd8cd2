"""Read videos: facts, frames with real timestamps, rotation and slow motion.

Frames come out upright (rotation metadata applied) as RGB arrays, with their 0-based decode index and
their time in seconds of real life (slow motion divided out), so every later stage works in real time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import av
import numpy as np

from ..config import VideoConfig
from ..errors import InputError

__all__ = ["VideoFrame", "VideoInfo", "frame_pts", "iter_frames", "prefetch", "probe_video"]

log = logging.getLogger(__name__)

# Container tags phones write for slow motion (capture rate differs from playback rate).
_CAPTURE_FPS_TAGS = ("com.android.capture.fps", "com.apple.quicktime.capture-fps", "capture_fps")


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """Facts about a video file, as the analysis uses them."""

    path: str
    codec: str
    width_px: int  # upright, after rotation
    height_px: int
    rotation_deg: int  # counter-clockwise rotation applied to make frames upright
    file_fps: float  # average playback rate stored in the file
    capture_fps: float  # real capture rate (slow motion: > file_fps)
    capture_fps_source: str  # "file", "metadata" or "user"
    frame_count: int  # as stored in the header (0 when unknown)
    duration_s: float  # file (playback) duration
    variable_frame_rate: bool | None = None  # set after decoding

    @property
    def slowmo_factor(self) -> float:
        return self.capture_fps / self.file_fps if self.file_fps > 0 else 1.0


@dataclass(frozen=True, slots=True)
class VideoFrame:
    index: int  # 0-based, decode order of the file
    time_s: float  # real time since the first frame (slow motion divided out)
    image: np.ndarray  # H x W x 3 uint8 RGB, upright


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise InputError(f"{path}: file not found.", "Check the path and the file name.")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a video file.", "Give the path of a video file.")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: cannot be read (permission denied).", "Check the file's permissions.")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty (0 bytes).", "Copy the video again from the phone.")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(
            f"{path}: cannot be read as a video: it is not a video file, or it is damaged or truncated "
            f"({exc.__class__.__name__}).",
            "Use a video file (MP4, MOV, MKV, WebM, AVI). If it is one, it is probably incomplete: "
            "copy it again from the phone or export it again.",
        ) from exc
    if not container.streams.video:
        container.close()
        raise InputError(f"{path}: contains no video stream (audio only or an image?).",
                         "Give a video file of the run filmed from the side.")
    return container


def _capture_fps_from_metadata(container: av.container.InputContainer) -> float | None:
    stream = container.streams.video[0]
    for tags in (stream.metadata, container.metadata):
        for key in _CAPTURE_FPS_TAGS:
            if key in tags:
                try:
                    value = float(str(tags[key]).strip())
                except ValueError:
                    continue
                if value > 0:
                    return value
    return None


def _rotation_deg(container: av.container.InputContainer) -> int:
    """Counter-clockwise rotation to apply, read from the first frame's display matrix."""
    stream = container.streams.video[0]
    try:
        for frame in container.decode(stream):
            return int(round(getattr(frame, "rotation", 0) or 0)) % 360
    except av.error.FFmpegError:
        return 0
    return 0


def probe_video(path: str | os.PathLike[str], config: VideoConfig | None = None) -> VideoInfo:
    """Read a video's facts without decoding it all; raise `InputError` for anything unusable."""
    config = config or VideoConfig()
    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        if stream.codec_context is None:  # an unknown or damaged codec tag: FFmpeg has no decoder for it
            raise InputError(f"{path}: the video is in an unknown format or its header is damaged "
                             "(no decoder for its codec).",
                             "Export the video again as H.264 MP4, or copy it again from the phone.")
        width, height = stream.codec_context.width, stream.codec_context.height
        if not width or not height:
            raise InputError(f"{path}: the video stream has no picture size.", "Re-export the video.")
        if width * height > 8192 * 8192:
            raise InputError(f"{path}: picture size {width}x{height} is not plausible for a video.",
                             "Re-export the video at a normal resolution (e.g. 1920x1080).")
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        file_fps = float(rate) if rate else 0.0
        duration_s = float(container.duration) / 1e6 if container.duration else 0.0
        frame_count = int(stream.frames or 0)
        if file_fps <= 0 and duration_s > 0 and frame_count > 0:
            file_fps = frame_count / duration_s
        rotation = _rotation_deg(container)
        if rotation in (90, 270):
            width, height = height, width
        meta_fps = _capture_fps_from_metadata(container)
        codec = stream.codec_context.name
    finally:
        container.close()
    if config.fps_override:
        capture_fps, source = float(config.fps_override), "user"
    elif meta_fps and file_fps and meta_fps > file_fps * 1.5:
        capture_fps, source = meta_fps, "metadata"
    else:
        capture_fps, source = file_fps, "file"
    if capture_fps <= 0:
        raise InputError(f"{path}: the video has no usable frame rate.",
                         "Pass the capture frame rate with --fps (e.g. --fps 60).")
    return VideoInfo(path=str(path), codec=codec, width_px=width, height_px=height,
                     rotation_deg=rotation, file_fps=file_fps or capture_fps, capture_fps=capture_fps,
                     capture_fps_source=source, frame_count=frame_count, duration_s=duration_s)


def _upright(image: np.ndarray, rotation_deg: int) -> np.ndarray:
    turns = (rotation_deg // 90) % 4
    return np.ascontiguousarray(np.rot90(image, k=turns)) if turns else image


def frame_pts(info: VideoInfo) -> np.ndarray | None:
    """Presentation timestamps of every frame, sorted (= the frames' 0-based indices), by demuxing only.

    Reads packet headers, not pictures: fast. None when some packet has no timestamp (then a clip can
    only be read from its start).
    """
    container = _open(Path(info.path))
    try:
        stream = container.streams.video[0]
        pts = [p.pts for p in container.demux(stream) if p.size]
    except av.error.FFmpegError:
        return None
    finally:
        container.close()
    if not pts or any(p is None for p in pts):
        return None
    return np.sort(np.asarray(pts, dtype=np.int64))


def iter_frames(info: VideoInfo, config: VideoConfig | None = None, *, max_height_px: int | None = None,
                frames: range | None = None, all_pts: np.ndarray | None = None) -> Iterator[VideoFrame]:
    """Yield upright RGB frames in decode order with real timestamps.

    Times come from the frames' presentation timestamps (phones record variable frame rate), divided by
    the slow-motion factor. `--start/--end` select by real time; frame indices stay those of the file.
    A decoding failure part-way raises `InputError` naming the time where the file breaks.

    `frames` restricts to a range of frame indices; with `all_pts` (from `frame_pts`) the reader seeks
    to the keyframe before the range instead of decoding everything before it (parallel pose workers).
    """
    config = config or VideoConfig()
    container = _open(Path(info.path))
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"  # frame threads: decoding overlaps with inference on the other core
    factor = info.slowmo_factor
    first_pts_s: float | None = None
    index = -1
    index_of_pts: dict[int, int] | None = None
    if frames is not None and all_pts is not None and frames.start > 0:
        index_of_pts = {int(p): i for i, p in enumerate(all_pts)}
        first_pts_s = float(all_pts[0] * stream.time_base)
        container.seek(int(all_pts[frames.start]), stream=stream, backward=True, any_frame=False)
    try:
        for frame in container.decode(stream):
            index = index_of_pts.get(frame.pts, -1) if index_of_pts is not None else index + 1
            if frames is not None and index < frames.start:
                continue
            if frames is not None and index >= frames.stop:
                break
            pts_s = frame.time if frame.time is not None else index / info.file_fps
            if first_pts_s is None:
                first_pts_s = pts_s
            time_s = (pts_s - first_pts_s) / factor
            if config.start_s is not None and time_s < config.start_s:
                continue
            if config.end_s is not None and time_s > config.end_s:
                break
            height = frame.height if info.rotation_deg in (0, 180) else frame.width
            if max_height_px and height > max_height_px:
                scale = max_height_px / height
                frame = frame.reformat(width=int(round(frame.width * scale / 2)) * 2,
                                       height=int(round(frame.height * scale / 2)) * 2)
            image = _upright(frame.to_ndarray(format="rgb24"), info.rotation_deg)
            yield VideoFrame(index=index, time_s=float(time_s), image=image)
        decoded = index + 1
        if frames is None and config.end_s is None and info.frame_count and decoded < 0.9 * info.frame_count:
            raise InputError(
                f"{info.path}: the video is truncated: its header announces {info.frame_count} frames but only "
                f"{decoded} could be decoded ({decoded / info.file_fps:.1f} s).",
                f"Copy the file again from the phone, or analyse the intact part with --end "
                f"{max(0.0, (decoded - 1) / info.file_fps / factor):.1f}.")
    except av.error.FFmpegError as exc:
        at = f"after frame {index} ({(index / info.file_fps):.1f} s)" if index > 0 else "at the start"
        raise InputError(
            f"{info.path}: the video is damaged or truncated: decoding failed {at} ({exc}).",
            "Copy the file again from the phone, or analyse the intact part with --end.",
        ) from exc
    finally:
        container.close()


T = TypeVar("T")


def prefetch(items: Iterator[T]) -> Iterator[T]:
    """Yield from `items`, producing the next item in a worker thread meanwhile.

    Decoding then overlaps with the consumer's work (pose inference, drawing, encoding): PyAV releases the
    GIL while it decodes. Holds at most one item ahead, so memory stays flat.
    """
    done = object()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stridelens-decode") as pool:
        future = pool.submit(next, items, done)
        try:
            while (item := future.result()) is not done:
                future = pool.submit(next, items, done)
                yield item
        finally:
            future.cancel()
            if not future.cancelled():
                future.exception()  # wait for the item in flight (its error no longer matters)
            if hasattr(items, "close"):
                items.close()
