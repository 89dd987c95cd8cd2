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

__all__ = ["Scene", "detect_direction", "fit_floor", "fit_floor_in_stance", "orient"]

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
    floor_from: str = "floor band"  # what gave the floor line: "floor band" (`fit_floor`) or "feet in stance"

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
    """Floor slope (deg) and per-side floor height from the lowest foot positions, before events are known
    (`orient`'s first pass; `fit_floor_in_stance` is the second).

    The lowest foot point of each side in each frame is a stance candidate when it lies within 10 % of
    leg length of that side's lowest values above the line fitted so far (three rounds, starting from level,
    or overground from the hip's path). One slope is shared by both sides with one intercept per side (the
    far foot touches the image higher than the near one), fitted by least squares with two rounds of
    trimming the worst residuals.
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
        xs.append(p[ok, 0])
        ys.append(p[ok, 1])
        sides.append(np.full(ok.sum(), s_i))
    if not xs:
        return 0.0, {"L": 0.0, "R": 0.0}
    x, y, s = np.concatenate(xs), np.concatenate(ys), np.concatenate(sides)
    a = np.column_stack([x, s == 0, s == 1]).astype(float)
    slope, icpt = _hip_path_slope(xy_up, track, leg_px), np.zeros(2)
    for _ in range(3):
        # the band is measured from the line fitted so far: on a tilted floor a level band would hold only
        # the low end of an overground runner's path
        above = y - slope * x
        low = np.zeros(len(x), dtype=bool)
        for s_i in set(s.tolist()):
            side = s == s_i
            low |= side & (above <= np.percentile(above[side], 5) + 0.10 * leg_px)
        keep = low
        for _ in range(3):
            coef, *_ = np.linalg.lstsq(a[keep], y[keep], rcond=None)
            slope, icpt = float(coef[0]), coef[1:]
            resid = np.abs(y - a @ coef)
            keep = low & (resid <= np.percentile(resid[low], 80))
    return _floor_from_fit(icpt, set(s.tolist()), slope)


def _hip_path_slope(xy_up: np.ndarray, track: Track, leg_px: float) -> float:
    """Starting slope for `fit_floor`: an overground runner's hip travels parallel to the floor (its bounce
    averages out over the strides), so the line through the hip path is the floor's slope; 0 (level) where
    the hip moves less than 2 leg lengths across the picture (a treadmill)."""
    hip = track.with_xy(xy_up).mid("left_hip", "right_hip")
    ok = np.isfinite(hip).all(1)
    if ok.sum() < 10 or np.ptp(hip[ok, 0]) < 2 * leg_px:
        return 0.0
    return float(np.polyfit(hip[ok, 0], hip[ok, 1], 1)[0])


def _floor_from_fit(coef: np.ndarray, sides: set[int], slope: float) -> tuple[float, dict[str, float]]:
    """Tilt (deg) and per-side floor heights after rotating by -tilt, from a fit y = slope x + icpt[side]."""
    tilt = math.degrees(math.atan(slope))
    cos_a = math.cos(math.radians(tilt))  # intercept of the floor after rotating by -tilt: y' = (y - slope x) cos(a)
    floor = {side: float(coef[i] * cos_a) for i, side in enumerate("LR") if i in sides}
    for side in "LR":
        floor.setdefault(side, float(np.mean(list(floor.values()))))
    return tilt, floor


def fit_floor_in_stance(xy_up: np.ndarray, track: Track, leg_px: float, stance_rows: np.ndarray,
                        min_points: int = 10) -> tuple[float, dict[str, float]] | None:
    """Floor slope (deg) and per-side floor height from the toe points of the feet in mid-stance.

    The second pass of `orient`, once events are known: `stance_rows` ((T, 2) bool, columns L, R) are the
    rows in which that side's foot stands on the floor (`gait.stance_rows`). Only the toe is used: it lies
    on the floor from foot-flat to toe-off, while the heel rises before toe-off; and the keypoints should be
    free of outliers but not low-pass filtered (`clean.remove_outliers`): the filter spreads the toe's
    descent at foot-flat into early stance (+1 deg on synthetic treadmill runners), and raw BlazePose keypoints
    of small feet hold stray points enough to turn the line by 30 deg.
    Unlike `fit_floor` this takes no frame in which the foot is landing or has just left the floor, and no
    choice of the lower of heel and toe (under noise that choice picks the uphill toe when its noise is low,
    which flattens the slope: a 4 deg tilt read as 1.4-2.6 deg on synthetic runners). Least squares with
    one slope and one intercept per side (near and far foot touch the image at different heights), or
    one intercept for both where a side's stances cover less than 20 % L of x (an overground runner with
    one stance of that side in view: the slope would rest on the other side alone), iterated with points
    beyond 3 robust SDs (at least 1 % L) left out: frames with the legs' labels swapped, stray points.
    None when fewer than `min_points` toe points are in stance (or agree with the line), or they span
    less than 20 % L of x.
    """
    xs, ys, sides = [], [], []
    for s_i, name in enumerate(("left", "right")):
        p = xy_up[:, track.keypoints.index(f"{name}_toe")]
        ok = np.isfinite(p).all(1) & stance_rows[:, s_i]
        xs.append(p[ok, 0])
        ys.append(p[ok, 1])
        sides.append(np.full(ok.sum(), s_i))
    x, y, s = np.concatenate(xs), np.concatenate(ys), np.concatenate(sides)
    if len(x) < min_points:
        return None
    present = set(s.tolist())
    if np.ptp(x) < 0.2 * leg_px:  # one overground stance: the toe stays at one x, which gives no slope
        return None
    spread = [np.ptp(x[s == i]) if (s == i).sum() >= 2 else 0.0 for i in present]
    per_side = len(present) == 2 and min(spread) >= 0.2 * leg_px
    a = np.column_stack([x, s == 0, s == 1] if per_side else [x, np.ones_like(x)]).astype(float)
    keep = np.ones(len(x), dtype=bool)
    for _ in range(5):
        coef, *_ = np.linalg.lstsq(a[keep], y[keep], rcond=None)
        resid = y - a @ coef
        mad = float(np.median(np.abs(resid[keep] - np.median(resid[keep]))))
        keep = np.abs(resid) <= max(3 * 1.4826 * mad, 0.01 * leg_px)
        if keep.sum() < min_points:  # no line that most points agree on
            return None
    slope = float(coef[0])
    if per_side:
        icpt = coef[1:]
    else:  # one line for both; each side's height from its own points on it
        icpt = np.array([float(np.median((y - slope * x)[keep & (s == i)])) if (keep & (s == i)).any()
                         else float(coef[1]) for i in (0, 1)])
    return _floor_from_fit(icpt, present, slope)


def orient(track: Track, *, image_width_px: int, image_height_px: int, height_cm: float | None = None,
           stance: tuple[Track, np.ndarray] | None = None) -> tuple[Track, Scene]:
    """Turn an image-coordinate track into runner coordinates (see module docstring).

    `stance`: (unfiltered track, stance rows) from a first pass's events: the floor then comes from
    `fit_floor_in_stance` on that track's toes (from `fit_floor` when it gives no line).
    """
    direction = detect_direction(track)
    leg_px = leg_length_px(track)
    up = _mirror_up(track.xy, direction, image_width_px)
    fitted = None
    if stance is not None:
        unfiltered, rows = stance
        fitted = fit_floor_in_stance(_mirror_up(unfiltered.xy, direction, image_width_px), unfiltered, leg_px, rows)
    tilt, floor = fitted if fitted is not None else fit_floor(up, track, leg_px)
    floor_from = "feet in stance" if fitted is not None else "floor band"
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
                  px_per_m=px_per_m, image_width_px=image_width_px, image_height_px=image_height_px,
                  floor_from=floor_from)
    return track.with_xy(body), scene
