"""Runner coordinates: direction of travel, floor line (camera tilt) and scale.

After `orient`, x points the way the runner faces ("forward"), y points up, the floor is horizontal at
y = 0 (per foot: near and far foot touch the image at different heights), and lengths stay in pixels;
`Scene` keeps what is needed to go back to image pixels and to metres / % leg length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._nan import nanmedian
from .clean import leg_length_px
from .track import Track

__all__ = ["Scene", "detect_direction", "fit_floor", "orient"]

_FOOT_PARTS = ("heel", "toe")


@dataclass(frozen=True, slots=True)
class Scene:
    direction: int  # +1: runner faces image right; -1: faces image left (mirrored)
    camera_tilt_deg: float  # floor slope as seen in the image, counter-clockwise positive
    floor_angle_deg: float  # the same slope in mirrored, y-up coordinates (what `orient` rotated away)
    floor_y_px: dict[str, float]  # per side: floor height in runner coordinates (near/far foot)
    body_offset_y_px: float  # subtracted from rotated y-up coordinates to put the mean floor at 0
    leg_length_px: float  # L, METRICS.md
    px_per_m: float | None  # when the runner's height is known
    image_width_px: int
    image_height_px: int

    def to_pct(self, length_px: np.ndarray | float) -> np.ndarray | float:
        return np.asarray(length_px) / self.leg_length_px * 100.0

    def to_cm(self, length_px: np.ndarray | float) -> np.ndarray | float | None:
        return None if self.px_per_m is None else np.asarray(length_px) / self.px_per_m * 100.0

    def to_image(self, xy_body: np.ndarray) -> np.ndarray:
        """Map runner coordinates back to image pixels (for drawing)."""
        p = np.asarray(xy_body, dtype=float).copy()
        p[..., 1] += self.body_offset_y_px
        a = math.radians(self.floor_angle_deg)
        x = p[..., 0] * math.cos(a) - p[..., 1] * math.sin(a)
        y = p[..., 0] * math.sin(a) + p[..., 1] * math.cos(a)
        out = np.stack([x, -y], -1)
        if self.direction < 0:
            out[..., 0] = self.image_width_px - out[..., 0]
        return out


def detect_direction(track: Track) -> int:
    """+1 if the runner faces image right, -1 if left: toes point ahead of heels, the nose ahead of the ears."""
    votes = []
    for side in "LR":
        votes.append(track.side_point(side, "toe")[:, 0] - track.side_point(side, "heel")[:, 0])
    votes.append(track.point("nose")[:, 0] - track.mid("left_ear", "right_ear")[:, 0])
    v = np.concatenate([np.sign(x[np.isfinite(x)]) for x in votes])
    return 1 if v.size == 0 or v.mean() >= 0 else -1


def _mirror_up(xy: np.ndarray, direction: int, width_px: int) -> np.ndarray:
    out = xy.copy()
    if direction < 0:
        out[..., 0] = width_px - out[..., 0]
    out[..., 1] = -out[..., 1]
    return out


def _rotate(xy: np.ndarray, angle_deg: float) -> np.ndarray:
    a = math.radians(angle_deg)
    x, y = xy[..., 0], xy[..., 1]
    return np.stack([x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)], -1)


def fit_floor(xy_up: np.ndarray, track: Track, leg_px: float) -> tuple[float, dict[str, float]]:
    """Floor slope (deg) and per-side floor height from the lowest foot positions.

    The lowest foot point of each side in each frame is a stance candidate when it lies within 10 % of
    leg length of that side's lowest values. One slope is shared by both sides with one intercept per
    side (the far foot touches the image higher than the near one), fitted by least squares with
    two rounds of trimming the worst residuals.
    """
    xs, ys, sides = [], [], []
    for s_i, side in enumerate("LR"):
        pts = np.stack([xy_up[:, track.keypoints.index(f"{'left' if side == 'L' else 'right'}_{p}")]
                        for p in _FOOT_PARTS], 1)  # (T, 2, 2)
        low = np.nanargmin(np.where(np.isfinite(pts[..., 1]), pts[..., 1], np.inf), axis=1)
        p = pts[np.arange(len(pts)), low]
        ok = np.isfinite(p).all(1)
        if ok.sum() < 5:
            continue
        y_floor = np.percentile(p[ok, 1], 5)
        keep = ok & (p[:, 1] <= y_floor + 0.10 * leg_px)
        xs.append(p[keep, 0])
        ys.append(p[keep, 1])
        sides.append(np.full(keep.sum(), s_i))
    if not xs:
        return 0.0, {"L": 0.0, "R": 0.0}
    x, y, s = np.concatenate(xs), np.concatenate(ys), np.concatenate(sides)
    keep = np.ones(len(x), dtype=bool)
    slope, icpt = 0.0, np.zeros(2)
    for _ in range(3):
        a = np.column_stack([x, s == 0, s == 1]).astype(float)
        coef, *_ = np.linalg.lstsq(a[keep], y[keep], rcond=None)
        slope, icpt = float(coef[0]), coef[1:]
        resid = np.abs(y - a @ coef)
        keep = resid <= np.percentile(resid, 80)
    tilt = math.degrees(math.atan(slope))
    # intercept of the floor after rotating by -tilt: y' = (y - slope x) cos(a)
    cos_a = math.cos(math.radians(tilt))
    present = set(s.tolist())
    floor = {side: float(icpt[i] * cos_a) for i, side in enumerate("LR") if i in present}
    for side in "LR":
        floor.setdefault(side, float(np.mean(list(floor.values()))))
    return tilt, floor


def orient(track: Track, *, image_width_px: int, image_height_px: int, height_cm: float | None = None
           ) -> tuple[Track, Scene]:
    """Turn an image-coordinate track into runner coordinates (see module docstring)."""
    direction = detect_direction(track)
    leg_px = leg_length_px(track)
    up = _mirror_up(track.xy, direction, image_width_px)
    tilt, floor = fit_floor(up, track, leg_px)
    body = _rotate(up, -tilt)
    # each side's floor at y = 0 for its own points would split the body; keep one mean floor for the
    # body and the per-side floors for foot heights (gait/metrics use Scene.floor_y_px).
    mean_floor = float(np.mean(list(floor.values())))
    body[..., 1] -= mean_floor
    floor_rel = {side: value - mean_floor for side, value in floor.items()}
    px_per_m = None
    if height_cm:
        # Thigh + shank of a standing adult = 0.491 x height (Winter 2009 segment proportions);
        # segment lengths do not shrink with knee flexion as the hip-ankle distance does.
        seg = [nanmedian(np.linalg.norm(track.side_point(s, a) - track.side_point(s, b), axis=1))
               for s in "LR" for a, b in (("hip", "knee"), ("knee", "ankle"))]
        leg_segments_px = (seg[0] + seg[1] + seg[2] + seg[3]) / 2
        px_per_m = float(leg_segments_px / (0.491 * height_cm / 100.0))
    # mirroring flips the sense of rotation: report the tilt as it looks in the picture
    scene = Scene(direction=direction, camera_tilt_deg=tilt * direction, floor_angle_deg=tilt, floor_y_px=floor_rel,
                  body_offset_y_px=mean_floor, leg_length_px=leg_px,
                  px_per_m=px_per_m, image_width_px=image_width_px, image_height_px=image_height_px)
    return track.with_xy(body), scene
