"""Pose passes over real clips under picture transforms (down-scaling, rotation, mirroring), cached.

The stress sweep (`eval.sweep`) and the reliability study (`eval.reliability`) need BlazePose keypoints of
the same real clip under several capture conditions. A `FrameTransform` changes each decoded frame
before the pose model sees it (`TransformedEstimator` wraps any `PoseEstimator`), so no re-encoded copy
of the video is written and the decoder's frame indices and timestamps stay those of the file, which the
hand annotations use. Keypoints come back in the transformed picture's normalised coordinates and are
scaled to the file's size by `pipeline.estimate_poses` as usual: a rotated or mirrored clip looks to the
pipeline like one filmed that way, and a down-scaled one like the same scene filmed with fewer pixels
(its lengths are in the file's pixels; its effective leg length is `scale` x the measured one).

A pose pass over the 12-s MIT clip takes 10-15 s on two CPU cores, so raw tracks are cached as ``.npz``
files keyed by the clip, its size and modification time, the transform, the capture rate and the pose
model.
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import Config
from ..io import VideoInfo, probe_video
from ..pose import PoseEstimator, PoseResult
from ..tracking import Track

__all__ = ["FrameTransform", "PoseRunCache", "TransformedEstimator", "default_cache_dir"]


@dataclass(frozen=True, slots=True)
class FrameTransform:
    """A change of the picture before pose estimation.

    Parameters
    ----------
    scale
        Down-scaling factor of width and height (0.5: a quarter of the pixels), INTER_AREA resampling.
    rotate_deg
        Rotation about the picture centre, counter-clockwise on screen positive (the floor then rises to
        the right, as `RunnerSpec.camera_tilt_deg`); the picture keeps its size, corners turn black.
    mirror
        Flip left-right: the runner runs the other way.
    """

    scale: float = 1.0
    rotate_deg: float = 0.0
    mirror: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.scale <= 1:
            raise ValueError("scale must be in (0, 1]")

    @property
    def is_identity(self) -> bool:
        return self.scale == 1.0 and self.rotate_deg == 0.0 and not self.mirror

    @property
    def label(self) -> str:
        parts = []
        if self.scale != 1.0:
            parts.append(f"scale{self.scale:g}")
        if self.rotate_deg:
            parts.append(f"rot{self.rotate_deg:+g}")
        if self.mirror:
            parts.append("mirror")
        return "-".join(parts) or "original"

    def apply(self, image_rgb: np.ndarray) -> np.ndarray:
        """The transformed picture: rotate, then mirror, then down-scale."""
        from .._opencv import cv2

        out = image_rgb
        if self.rotate_deg:
            h, w = out.shape[:2]
            m = cv2.getRotationMatrix2D((w / 2, h / 2), self.rotate_deg, 1.0)
            out = cv2.warpAffine(out, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        if self.mirror:
            out = out[:, ::-1]
        if self.scale != 1.0:
            h, w = out.shape[:2]
            size = (max(2, int(round(w * self.scale))), max(2, int(round(h * self.scale))))
            out = cv2.resize(out, size, interpolation=cv2.INTER_AREA)
        return np.ascontiguousarray(out)


class TransformedEstimator:
    """A `PoseEstimator` that applies a `FrameTransform` to every frame before the wrapped model.

    Parameters
    ----------
    inner
        The pose model that sees the transformed frames (closed by `close`).
    transform
        What to do to each frame.
    """

    def __init__(self, inner: PoseEstimator, transform: FrameTransform):
        self.inner = inner
        self.transform = transform
        self.name = f"{inner.name}+{transform.label}"

    def estimate(self, image_rgb: np.ndarray) -> PoseResult:
        return self.inner.estimate(self.transform.apply(image_rgb))

    def close(self) -> None:
        self.inner.close()


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/stridelens/eval-pose`` (``~/.cache/...`` when unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "stridelens" / "eval-pose"


@dataclass(frozen=True)
class CachedPose:
    """One pose pass: the raw track, the video facts it was analysed with, and the capture checks."""

    track: Track
    video: VideoInfo
    camera_shift_pct: float | None
    other_people_fraction: float | None
    transform: FrameTransform


def _nan_to_none(x: float) -> float | None:
    return None if not math.isfinite(x) else float(x)


class PoseRunCache:
    """Runs (or loads) BlazePose over a clip under a `FrameTransform`.

    Parameters
    ----------
    cache_dir
        Folder of the ``.npz`` files (created on first write); None: no caching.
    config
        Pose and video settings of the pass.
    """

    def __init__(self, cache_dir: Path | None = None, config: Config | None = None):
        self.cache_dir = cache_dir
        self.config = config or Config()

    def _key(self, path: Path, transform: FrameTransform, fps_override: float | None) -> str:
        st = path.stat()
        pose = self.config.pose  # only what changes the keypoints (not e.g. the number of workers)
        text = (f"{path.name}|{st.st_size}|{int(st.st_mtime)}|{transform.label}|{fps_override}|"
                f"{pose.model_complexity},{pose.min_detection_confidence},{pose.min_tracking_confidence}|"
                f"{self.config.video.max_height_px}|cut in two v1")
        return f"{path.stem}-{transform.label}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"

    def pose(self, path: str | os.PathLike[str], transform: FrameTransform = FrameTransform(), *,
             fps_override: float | None = None) -> CachedPose:
        """The raw keypoint track of `path` seen through `transform` (from the cache when present)."""
        path = Path(path)
        config = self.config.with_options(fps_override=fps_override)
        info = probe_video(path, config.video)
        file = self.cache_dir / f"{self._key(path, transform, fps_override)}.npz" if self.cache_dir else None
        if file is not None and file.is_file():
            with np.load(file) as z:
                track = Track(time_s=z["time_s"], frame_index=z["frame_index"], xy=z["xy"],
                              confidence=z["confidence"], fps=float(z["fps"]))
                shift, people = float(z["camera_shift_pct"]), float(z["other_people_fraction"])
            return CachedPose(track, info, _nan_to_none(shift), _nan_to_none(people), transform)
        from ..pipeline import estimate_poses
        from ..pose import make_estimator

        # one new model per half of the clip, exactly as `analyze` cuts it
        run = estimate_poses(info, config, estimator_factory=lambda: TransformedEstimator(
            make_estimator("blazepose", config.pose), transform))
        if file is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
            tmp = file.with_suffix(".tmp.npz")
            np.savez_compressed(tmp, time_s=run.track.time_s, frame_index=run.track.frame_index, xy=run.track.xy,
                                confidence=run.track.confidence, fps=run.track.fps,
                                camera_shift_pct=np.nan if run.camera_shift_pct is None else run.camera_shift_pct,
                                other_people_fraction=np.nan if run.other_people_fraction is None
                                else run.other_people_fraction)
            tmp.replace(file)
        return CachedPose(run.track, info, run.camera_shift_pct, run.other_people_fraction, transform)
