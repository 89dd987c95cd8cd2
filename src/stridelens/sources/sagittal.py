"""3D points -> the sagittal plane -> a pseudo-image `Track` (x forward, y down, 1 px = 1 mm).

The rest of the pipeline expects image coordinates (y down, pixels) so that `tracking.orient` and the gait
detector work unchanged on marker data. Marker positions are projected orthographically onto the plane
spanned by the runner's forward and up directions and scaled to `PX_PER_M` pixels per metre; a margin
keeps every coordinate positive.

How the plane is found
----------------------
- OpenSim files: the lab's axes (x forward, y up), as OpenSim's ground frame defines them.
- Other 3D data (TRC, C3D): *up* is the lab axis best aligned with the mean vector from the feet to the
  shoulders (labs put one axis vertical; the runner's forward lean is kept because the axis is not fitted
  to the body). *Forward* is the first principal axis, in the horizontal plane, of the hip-centre path when
  the hips travel more than `OVERGROUND_MIN_TRAVEL_M` (overground), otherwise of the feet's horizontal
  positions relative to the hips (treadmill: the feet swing fore and aft); its sign makes toes point ahead
  of heels. Running along a curve is not supported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._nan import nanmean, nanpercentile
from ..pose.base import KEYPOINTS
from ..tracking.track import Track

__all__ = ["OVERGROUND_MIN_TRAVEL_M", "PX_PER_M", "SagittalPlane", "estimate_plane", "lab_plane", "to_track"]

PX_PER_M = 1000.0  # pseudo-image scale: 1 px = 1 mm
MARGIN_M = 0.25  # space around the runner in the pseudo-image
OVERGROUND_MIN_TRAVEL_M = 1.0  # hips travelling further than this: overground, forward from their path

_AXES = "xyz"


@dataclass(frozen=True, slots=True)
class SagittalPlane:
    """Unit vectors of the runner's forward and up directions in the file's lab frame."""

    forward: np.ndarray  # (3,)
    up: np.ndarray  # (3,)
    how: str  # for the facts: how the plane was found

    def describe(self) -> str:
        def name(v: np.ndarray) -> str:
            k = int(np.argmax(np.abs(v)))
            if abs(v[k]) > 0.999:
                return ("+" if v[k] > 0 else "-") + _AXES[k]
            return "(" + ", ".join(f"{c:+.2f}" for c in v) + ")"

        return f"forward {name(self.forward)}, up {name(self.up)} ({self.how})"


def lab_plane(forward_axis: str, up_axis: str, how: str) -> SagittalPlane:
    """The plane of two lab axes given by name, e.g. ``lab_plane("+x", "+y", "OpenSim ground frame")``."""
    def vec(axis: str) -> np.ndarray:
        v = np.zeros(3)
        v[_AXES.index(axis[-1])] = -1.0 if axis.startswith("-") else 1.0
        return v

    return SagittalPlane(forward=vec(forward_axis), up=vec(up_axis), how=how)


def _mean_point(points_m: dict[str, np.ndarray], names: list[str]) -> np.ndarray | None:
    arrays = [points_m[n] for n in names if n in points_m]
    if not arrays:
        return None
    return nanmean(np.stack(arrays), axis=0)


def _principal_axis(xy: np.ndarray) -> np.ndarray | None:
    xy = xy[np.isfinite(xy).all(1)]
    if len(xy) < 10:
        return None
    _, _, vt = np.linalg.svd(xy - xy.mean(0), full_matrices=False)
    return vt[0]


def estimate_plane(points_m: dict[str, np.ndarray]) -> SagittalPlane:
    """Forward and up directions of a runner from canonical 3D keypoints (see the module docstring).

    Parameters
    ----------
    points_m
        Canonical keypoint name -> (T, 3) lab positions in metres (hips, shoulders, heels, toes at least).
    """
    feet = _mean_point(points_m, [f"{s}_{p}" for s in ("left", "right") for p in ("heel", "toe", "ankle")])
    top = _mean_point(points_m, ["left_shoulder", "right_shoulder", "left_ear", "right_ear", "nose"])
    hips = _mean_point(points_m, ["left_hip", "right_hip"])
    if feet is None or top is None or hips is None:
        raise ValueError("need feet, hips and shoulders to find the sagittal plane")
    body_up = nanmean(top - feet, axis=0)
    k = int(np.nanargmax(np.abs(body_up)))
    up = np.zeros(3)
    up[k] = np.sign(body_up[k])
    horizontal = [i for i in range(3) if i != k]
    travel = nanpercentile(hips[:, horizontal], 95, axis=0) - nanpercentile(hips[:, horizontal], 5, axis=0)
    if float(np.hypot(*travel)) > OVERGROUND_MIN_TRAVEL_M:
        axis2, how = _principal_axis(hips[:, horizontal]), "hip path (overground)"
    else:
        axis2, how = _principal_axis((feet - hips)[:, horizontal]), "feet swing relative to the hips (treadmill)"
    if axis2 is None:
        raise ValueError("too few frames with feet and hips to find the direction of travel")
    forward = np.zeros(3)
    forward[horizontal] = axis2
    toes = _mean_point(points_m, ["left_toe", "right_toe"])
    heels = _mean_point(points_m, ["left_heel", "right_heel"])
    if toes is not None and heels is not None:
        sign = nanmean((toes - heels) @ forward)
    else:
        sign = nanmean(np.diff(hips, axis=0) @ forward)
    if np.isfinite(sign) and sign < 0:
        forward = -forward
    return SagittalPlane(forward=forward, up=up, how=f"up: lab axis nearest feet->shoulders; forward: {how}")


def to_track(points_m: dict[str, np.ndarray], confidence: dict[str, float], *, time_s: np.ndarray,
             frame_index: np.ndarray, fps: float, plane: SagittalPlane, px_per_m: float = PX_PER_M
             ) -> tuple[Track, int, int]:
    """Project canonical 3D keypoints onto `plane` and return the pseudo-image track and its size in px.

    x_px grows forward, y_px downward; keypoints absent from `points_m` are missing (NaN, confidence 0).
    """
    t = len(time_s)
    along = np.full((t, len(KEYPOINTS)), np.nan)
    height = np.full((t, len(KEYPOINTS)), np.nan)
    conf = np.zeros((t, len(KEYPOINTS)))
    for k, name in enumerate(KEYPOINTS):
        if name in points_m:
            along[:, k] = points_m[name] @ plane.forward
            height[:, k] = points_m[name] @ plane.up
            conf[:, k] = np.where(np.isfinite(along[:, k]) & np.isfinite(height[:, k]), confidence[name], 0.0)
    if not np.isfinite(along).any():
        raise ValueError("no keypoint could be projected")
    x0, x1 = np.nanmin(along) - MARGIN_M, np.nanmax(along) + MARGIN_M
    y0, y1 = np.nanmin(height) - MARGIN_M, np.nanmax(height) + MARGIN_M
    xy = np.stack([(along - x0) * px_per_m, (y1 - height) * px_per_m], -1)
    track = Track(time_s=np.asarray(time_s, dtype=float), frame_index=np.asarray(frame_index, dtype=int), xy=xy,
                  confidence=conf, fps=fps)
    return track, int(np.ceil((x1 - x0) * px_per_m)), int(np.ceil((y1 - y0) * px_per_m))
