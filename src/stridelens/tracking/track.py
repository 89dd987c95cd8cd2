"""`Track`: keypoint trajectories of one runner, the object that flows from `pose` to `metrics`."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..pose.base import KEYPOINT_INDEX, KEYPOINTS

__all__ = ["Track"]


@dataclass(frozen=True)
class Track:
    """Keypoint trajectories, one row per analysed frame.

    A plain numpy container instead of movement's xarray Dataset: the pipeline needs only a few named
    points per frame, and plain arrays keep the hot path and the import cheap (see docs/architecture.md).

    Attributes
    ----------
    time_s
        (T,) real time of each frame since the first decoded frame, slow motion divided out.
    frame_index
        (T,) 0-based decode index of each frame in the file.
    xy
        (T, K, 2) positions; NaN where missing. Units in `space_unit`; image coordinates (y down) until
        `tracking.orient` turns them into runner coordinates (x forward, y up from the floor).
    confidence
        (T, K) keypoint confidence 0-1 from the pose model.
    fps
        Nominal real frame rate (capture rate) in frames per second.
    """

    time_s: np.ndarray
    frame_index: np.ndarray
    xy: np.ndarray
    confidence: np.ndarray
    fps: float
    space_unit: str = "px"
    keypoints: tuple[str, ...] = KEYPOINTS

    def __post_init__(self) -> None:
        t = len(self.time_s)
        if self.xy.shape != (t, len(self.keypoints), 2):
            raise ValueError(f"xy must be (T={t}, K={len(self.keypoints)}, 2), got {self.xy.shape}")
        if self.confidence.shape != (t, len(self.keypoints)):
            raise ValueError(f"confidence must be (T, K), got {self.confidence.shape}")
        if len(self.frame_index) != t:
            raise ValueError("frame_index must have one entry per frame")
        if self.fps <= 0:
            raise ValueError("fps must be positive")

    def __len__(self) -> int:
        return len(self.time_s)

    def point(self, name: str) -> np.ndarray:
        """(T, 2) trajectory of one keypoint."""
        return self.xy[:, KEYPOINT_INDEX[name]]

    def conf(self, name: str) -> np.ndarray:
        return self.confidence[:, KEYPOINT_INDEX[name]]

    def mid(self, a: str, b: str) -> np.ndarray:
        """(T, 2) midpoint of two keypoints (e.g. the hip centre); uses the one present if only one is."""
        pa, pb = self.point(a), self.point(b)
        return np.where(np.isnan(pa), pb, np.where(np.isnan(pb), pa, (pa + pb) / 2))

    def side_point(self, side: str, part: str) -> np.ndarray:
        """(T, 2) trajectory of `part` (e.g. "ankle") of side "L" or "R"."""
        return self.point(f"{'left' if side == 'L' else 'right'}_{part}")

    def side_conf(self, side: str, part: str) -> np.ndarray:
        return self.conf(f"{'left' if side == 'L' else 'right'}_{part}")

    def with_xy(self, xy: np.ndarray, *, space_unit: str | None = None,
                confidence: np.ndarray | None = None) -> Track:
        return replace(self, xy=xy, space_unit=space_unit or self.space_unit,
                       confidence=self.confidence if confidence is None else confidence)

    @property
    def dt_s(self) -> float:
        """Median frame interval in real seconds."""
        if len(self.time_s) > 1:
            return float(np.median(np.diff(self.time_s)))
        return 1.0 / self.fps
