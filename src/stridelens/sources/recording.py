"""What every reader returns: a `Recording` (a pseudo-image `Track` and the `SourceInfo` facts about the file).

`SourceInfo` extends `io.VideoInfo` with the facts of a marker or keypoint file, so everything downstream
that reads a `VideoInfo` (the report, the quality checks) works unchanged; `is_video` tells a video from
these files where it matters (no frames to decode, no annotated video).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np

from ..config import VideoConfig
from ..errors import InputError
from ..io.video import VideoInfo
from ..tracking.track import Track

__all__ = ["Recording", "ReferenceEvent", "ReferenceEvents", "SourceInfo", "finish_recording", "fps_from_times",
           "is_video", "keypoints_recording"]

EventKind = Literal["ic", "to"]


@dataclass(frozen=True, slots=True)
class ReferenceEvent:
    """One gait event from an independent source (force plate, annotation, the file's own event list)."""

    side: Literal["L", "R"]
    kind: EventKind  # "ic" initial contact (foot strike), "to" toe-off
    time_s: float  # on the recording's own time axis


@dataclass(frozen=True, slots=True)
class ReferenceEvents:
    source: str  # where they come from, e.g. "grf_events_thr50N.csv (force plate, 50 N)"
    events: tuple[ReferenceEvent, ...]

    def times_s(self, kind: EventKind, side: str | None = None) -> np.ndarray:
        return np.array(sorted(e.time_s for e in self.events if e.kind == kind and (side is None or e.side == side)))


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceInfo(VideoInfo):
    """Facts about a marker or keypoint file; field-compatible with `VideoInfo` (codec "markers"/"keypoints").

    `width_px`/`height_px` are the pseudo-image's size for marker data (x forward, y down, `px_per_m`
    pixels per metre) or the original video's size for 2D keypoints. `file_fps` is the file's sample rate.
    """

    format: str  # "opensim_mot", "trc", "c3d", "openpose_json", "gaitlab_pose", "stridelens_parquet"
    file_unit: str  # unit of the coordinates in the file: "m", "mm", "px"
    px_per_m: float | None = None  # scale of the pseudo-image (marker data); None for 2D keypoints
    projection: str = ""  # how 3D points were put into the picture plane
    keypoint_sources: tuple[tuple[str, str], ...] = ()  # (canonical keypoint, what it was made from)
    reference: ReferenceEvents | None = None  # independent events carried by or beside the file


def is_video(info: VideoInfo) -> bool:
    """True for a real video, False for a marker or keypoint file (no frames to decode)."""
    return not isinstance(info, SourceInfo)


@dataclass(frozen=True)
class Recording:
    """A marker or keypoint file, read: raw keypoints in (pseudo-)image pixels and the facts about it."""

    track: Track
    info: SourceInfo


def _select(track: Track, config: VideoConfig, path: str) -> Track:
    """Apply --start/--end (times on the file's own time axis)."""
    keep = np.ones(len(track), dtype=bool)
    if config.start_s is not None:
        keep &= track.time_s >= config.start_s
    if config.end_s is not None:
        keep &= track.time_s <= config.end_s
    if keep.sum() < 2:
        raise InputError(f"{path}: no samples between --start and --end "
                         f"(the file covers {track.time_s[0]:.2f}-{track.time_s[-1]:.2f} s).",
                         "Choose --start/--end within the file's time range.")
    return replace(track, time_s=track.time_s[keep], frame_index=track.frame_index[keep], xy=track.xy[keep],
                   confidence=track.confidence[keep])


def finish_recording(track: Track, *, path: str | os.PathLike[str], codec: str, fmt: str, file_unit: str,
                     width_px: int, height_px: int, config: VideoConfig, px_per_m: float | None = None,
                     projection: str = "", keypoint_sources: dict[str, str] | None = None,
                     reference: ReferenceEvents | None = None, rate_from_user: bool = False) -> Recording:
    """Common last step of every reader: --fps re-timing, --start/--end, and the `SourceInfo`.

    With --fps the samples of a file with its own times are re-timed as slow motion: times are divided by
    ``--fps / file rate`` from the first sample (as `io.iter_frames` does for a video); reference events are
    re-timed alike. `rate_from_user`: the file has no times and the reader already used --fps for them.
    """
    file_fps = track.fps
    n = len(track)
    duration_s = float(track.time_s[-1] - track.time_s[0]) if n > 1 else 0.0
    source = "user" if rate_from_user else "file"
    if config.fps_override and not rate_from_user:
        factor = float(config.fps_override) / file_fps
        t0 = float(track.time_s[0])
        track = replace(track, time_s=t0 + (track.time_s - t0) / factor, fps=float(config.fps_override))
        if reference is not None:
            reference = replace(reference, events=tuple(replace(e, time_s=t0 + (e.time_s - t0) / factor)
                                                        for e in reference.events))
        source = "user"
    track = _select(track, config, str(path))
    info = SourceInfo(path=str(path), codec=codec, width_px=int(width_px), height_px=int(height_px),
                      rotation_deg=0, file_fps=file_fps, capture_fps=track.fps, capture_fps_source=source,
                      frame_count=n, duration_s=duration_s, variable_frame_rate=False, format=fmt,
                      file_unit=file_unit, px_per_m=px_per_m, projection=projection,
                      keypoint_sources=tuple(sorted((keypoint_sources or {}).items())), reference=reference)
    return Recording(track=track, info=info)


def fps_from_times(time_s: np.ndarray, path: str | os.PathLike[str]) -> float:
    """Sample rate from time stamps (median interval); raises `InputError` when they do not increase."""
    dt = np.diff(np.asarray(time_s, dtype=float))
    if len(dt) < 1 or not np.all(np.isfinite(dt)) or np.median(dt) <= 0:
        raise InputError(f"{Path(path).name}: the time column does not increase.",
                         "Check the file: each row should be one sample, in time order.")
    return float(np.round(1.0 / np.median(dt), 6))  # 1 / 0.01 is 99.99999999999991 in floating point


def keypoints_recording(xy: np.ndarray, confidence: np.ndarray, *, time_s: np.ndarray, fps: float,
                        path: str | os.PathLike[str], fmt: str, width_px: int | None, height_px: int | None,
                        config: VideoConfig, keypoint_sources: dict[str, str], rate_from_user: bool = False,
                        reference: ReferenceEvents | None = None) -> Recording:
    """Canonical 2D keypoints in image pixels (y down) -> `Recording` (codec "keypoints").

    Without the image size in the file, the picture is taken as just large enough for every keypoint.
    """
    seen = np.isfinite(xy).all(-1) & (confidence > 0)
    if seen.sum(1).max(initial=0) < 4:
        raise InputError(f"{Path(path).name}: no frame has a person's keypoints.",
                         "Check that the pose tool found the runner in this file.")
    if not width_px or not height_px:
        width_px = int(np.ceil(np.nanmax(xy[..., 0]))) + 50
        height_px = int(np.ceil(np.nanmax(xy[..., 1]))) + 50
    track = Track(time_s=np.asarray(time_s, dtype=float), frame_index=np.arange(len(time_s)), xy=xy,
                  confidence=confidence, fps=fps)
    return finish_recording(track, path=path, codec="keypoints", fmt=fmt, file_unit="px", width_px=width_px,
                            height_px=height_px, config=config, keypoint_sources=keypoint_sources,
                            rate_from_user=rate_from_user, reference=reference)
