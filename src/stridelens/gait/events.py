"""Gait events: initial contact (IC) and toe-off (TO) of each foot, treadmill and overground alike.

Definition: METRICS.md "Gait events". IC is the first frame the foot is on the ground, TO the last.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal, Self

import numpy as np
from scipy.signal import find_peaks

from .._nan import nanmean, nanmedian, nanmin, nanpercentile
from ..config import GaitConfig
from ..tracking.orient import Scene
from ..tracking.track import Track

__all__ = ["Contact", "FootSpeedContactDetector", "estimate_step_period_s", "relabel_legs", "stance_rows"]

Side = Literal["L", "R"]
_Stance = tuple[int, int, float, float, float, float]  # see FootSpeedContactDetector._stances


@dataclass(frozen=True, slots=True)
class Contact:
    """One stance of one foot. Rows index the track; frames are the file's decode indices."""

    side: Side
    ic_row: int
    to_row: int
    ic_frame: int
    to_frame: int
    ic_time_s: float
    to_time_s: float
    confidence: float  # 0-1, mean keypoint confidence of the foot over the stance
    relabelled: bool = False  # the pose model had this stance foot under the other side's label
    ic_row_subframe: float | None = None  # fractional row of the landing, in (ic_row - 1, ic_row]: where the
    # foot's speed crossed the IC threshold (`FootSpeedContactDetector`); None: ic_row. Values "at IC" are read here

    @property
    def keypoint_side(self) -> Side:
        """The label under which the track holds this stance foot's keypoints (before `relabel_legs`)."""
        return ("R" if self.side == "L" else "L") if self.relabelled else self.side


def _filled(x: np.ndarray) -> np.ndarray:
    ok = np.isfinite(x)
    if ok.sum() < 2:
        return np.zeros_like(x)
    idx = np.arange(len(x))
    return np.interp(idx, idx[ok], x[ok])


def _foot_x(track: Track, side: str) -> np.ndarray:
    """Fore-aft position of the foot: mean of ankle, heel and toe.

    Where only some of the three are seen (missing points the cleaning could not fill: at the clip's ends,
    in long gaps), each seen point stands in for the mean by its median offset from it, so the signal does
    not jump by a third of a foot length when a point drops out (a jump reads as foot speed; issue #4
    stress sweep, docs/accuracy.md "Tuning").
    """
    pts = np.stack([track.side_point(side, p)[:, 0] for p in ("ankle", "heel", "toe")], 1)
    if not np.isfinite(pts).any():
        return pts[:, 0]
    with np.errstate(all="ignore"):
        mean = nanmean(pts, axis=1)
        full = np.isfinite(pts).all(1)
        partial = np.isfinite(pts).any(1) & ~full
        if full.sum() >= 10 and partial.any():
            offset = nanmedian(pts[full] - mean[full, None], axis=0)
            mean = np.where(partial, nanmean(pts - offset, axis=1), mean)
    return mean


def estimate_step_period_s(track: Track, *, min_s: float = 0.15, max_s: float = 8.0) -> float | None:
    """Step period from the autocorrelation of the fore-aft distance between the feet.

    The distance left foot - right foot repeats once per stride (two steps) whatever the labels do
    within a frame or two, so its autocorrelation peak is robust to brief left/right swaps.
    """
    hip_x = track.mid("left_hip", "right_hip")[:, 0]
    d = _foot_x(track, "L") - _foot_x(track, "R")
    ok = np.isfinite(d) & np.isfinite(hip_x)
    if ok.sum() < 10:
        return None
    d = np.where(ok, d - nanmean(d[ok]), 0.0)
    n = len(d)
    spec = np.fft.rfft(d, 2 * n)
    ac = np.fft.irfft(spec * np.conj(spec))[:n]
    ac /= np.maximum(ac[0], 1e-9)
    # unbiased: fewer overlapping samples at long lags
    ac = ac * n / np.maximum(n - np.arange(n), 1)
    dt = track.dt_s
    lo, hi = int(2 * min_s / dt), min(int(2 * max_s / dt), n // 2)
    if hi <= lo + 2:
        return None
    peaks, props = find_peaks(ac[lo:hi], height=0.2)
    if not len(peaks):
        return None
    heights = props["peak_heights"]
    first_good = peaks[np.flatnonzero(heights >= 0.6 * heights.max())[0]] + lo
    # parabolic refinement of the lag
    if 0 < first_good < n - 1:
        y0, y1, y2 = ac[first_good - 1: first_good + 2]
        denom = y0 - 2 * y1 + y2
        shift = 0.5 * (y0 - y2) / denom if denom != 0 else 0.0
    else:
        shift = 0.0
    return float((first_good + shift) * dt / 2)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop_inclusive) of each run of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


class FootSpeedContactDetector:
    """Detect IC and TO from the speed and height of the lowest foot, then name the feet.

    In stance the foot is fixed to the ground (overground) or to the belt (treadmill), so relative to the
    hip it moves backward at running speed, and it is the lower of the two feet; in swing it moves
    forward and up. Relative to the hip, treadmill and overground look the same, and a panning camera
    cancels out.

    Method
    ------
    1. Step period from the autocorrelation of the feet's fore-aft distance (`estimate_step_period_s`).
    2. Each frame, the lower foot is the stance candidate, whatever its left/right label: BlazePose
       swaps the labels of the blurred swing foot, but which foot is lower is rarely wrong.
    3. The stance speed `v` is the typical backward speed of that foot (median of its fastest 30 %).
    4. A stance is a run of frames in which the lower foot is near the floor and moves back faster than
       `to_speed_fraction * v`. IC is the run's first frame moving back at >= `ic_speed_fraction * v`,
       TO the last frame the toe still moves back at >= `to_speed_fraction * v`, counted on from the
       toe's last such frame within the run (a toe point that stalls in mid-stance does not end it).
       Zeni et al. 2008 take the fore-aft extremes instead; on video those come 1-2 frames before IC and
       after TO (the foot retracts before landing and keeps travelling back after lifting), hence the
       speed thresholds.
       The landing itself lies between the frame before IC and IC: where the speed crosses the threshold,
       interpolated linearly (`Contact.ic_row_subframe`). The metrics read "at IC" are read at that
       instant, not up to a frame after it (see `_crossing_row`).
    5. Runs that are too short, or cut by the clip's start or end or by missing data, are dropped,
       never invented.
    6. Feet alternate strictly in running, so naming them is one choice per unbroken sequence of steps:
       the near foot lands lower in the image (perspective); where that cue is too weak, the pose
       model's own labels vote.

    Parameters
    ----------
    config
        `GaitConfig`: speed fractions, plausible step times, floor band.

    Attributes
    ----------
    contacts_
        One `Contact` per detected stance, both feet, in time order.
    step_period_s_
        Step period from autocorrelation (None when no periodic gait was seen).
    stance_speed_px_s_
        Backward speed of the stance foot relative to the hip (≈ running speed).
    side_cue_
        What named the feet: "perspective", "pose labels" or "none".
    """

    def __init__(self, config: GaitConfig | None = None):
        self.config = config or GaitConfig()

    def detect(self, track: Track, scene: Scene) -> Self:
        self.step_period_s_ = estimate_step_period_s(track)
        self.stance_speed_px_s_ = float("nan")
        self.side_cue_ = "none"
        self.contacts_: list[Contact] = []
        if self.step_period_s_ is None:
            return self
        stances = self._stances(track, scene)
        self.contacts_ = self._name_feet(track, scene, stances)
        return self

    def _stances(self, track: Track, scene: Scene) -> list[_Stance]:
        """(ic_row, to_row, left-label fraction, median height, confidence, sub-frame IC row) of each stance,
        both feet."""
        hip_x = track.mid("left_hip", "right_hip")[:, 0]
        stride_rows = 2 * self.step_period_s_ / track.dt_s
        found = []
        for label in ("L", "R"):
            found += self._label_stances(track, scene, label, hip_x, stride_rows)
        found.sort()
        return _drop_duplicates(found)

    def _label_stances(self, track: Track, scene: Scene, label: str, hip_x: np.ndarray,
                       stride_rows: float) -> list[_Stance]:
        cfg = self.config
        t = track.time_s
        xr = _foot_x(track, label) - hip_x
        xt = track.side_point(label, "toe")[:, 0] - hip_x
        present = np.isfinite(xr)
        if present.sum() < max(10, stride_rows):
            return []
        v = np.gradient(_filled(xr), t)
        vt = np.gradient(_filled(xt), t)
        v[~present] = np.nan
        speed = -float(nanmedian(v[v <= nanpercentile(v, 30)]))
        if not speed > 0:
            return []
        with np.errstate(all="ignore"):
            foot_y = nanmin(np.stack([track.side_point(label, p)[:, 1] for p in ("heel", "toe")], 1), 1)
        floor_y = nanpercentile(foot_y, 5)
        peaks, _ = find_peaks(_filled(xr), distance=max(1, int(0.6 * stride_rows)),
                              prominence=0.15 * scene.leg_length_px)
        # the clip's start bounds the first cycle: a stance that begins after it is complete
        bounds = [0, *(int(p) for p in peaks if p > 0), len(xr) - 1]
        conf = np.mean([track.side_conf(label, p) for p in ("ankle", "heel", "toe")], 0)
        # the foot must be seen just before IC and after TO, or the stance may extend into a gap (the speed
        # at a frame uses its two neighbours)
        margin = 2
        out = []
        for start, stop in itertools.pairwise(bounds):
            moving_back = np.zeros(len(xr), dtype=bool)
            moving_back[start:stop + 1] = v[start:stop + 1] <= -cfg.to_speed_fraction * speed
            runs = _runs(moving_back)
            if not runs:
                continue
            r0, r1 = max(runs, key=lambda r: r[1] - r[0])
            fast = np.flatnonzero(v[r0:r1 + 1] <= -cfg.ic_speed_fraction * speed)
            if not len(fast) or r0 < margin or not present[r0 - margin:r0].all():
                continue  # no clear stance, or it may have begun before the clip or a gap
            ic = r0 + int(fast[0])
            # TO: the end of the toe's backward run that holds the toe's last backward frame within the foot's
            # own stance run. BlazePose's toe point can stall for a few frames in mid-stance while the foot is
            # still on the belt; the first stall must not end the stance (docs/accuracy.md, "Tuning").
            back = np.flatnonzero(vt[ic:min(r1, stop) + 1] <= -cfg.to_speed_fraction * speed)
            to = ic + int(back[-1]) if len(back) else ic
            while to + 1 <= stop and vt[to + 1] <= -cfg.to_speed_fraction * speed:
                to += 1
            if to >= len(xr) - margin or to >= stop or not present[ic:to + margin + 1].all():
                continue  # cut by the clip end or by missing data: not a complete stance
            if t[to] - t[ic] < cfg.min_stance_s:
                continue
            h = float(nanmedian(foot_y[ic:to + 1]))
            if h - floor_y > cfg.floor_band_pct / 100 * scene.leg_length_px:
                continue  # moving back but in the air: not a stance
            out.append((ic, to, 1.0 if label == "L" else 0.0, h + scene.floor_y_px.get(label, 0.0),
                        float(nanmean(conf[ic:to + 1])), _crossing_row(v, ic, -cfg.ic_speed_fraction * speed)))
        self.stance_speed_px_s_ = speed if not np.isfinite(self.stance_speed_px_s_) else \
            (self.stance_speed_px_s_ + speed) / 2
        return out

    def _name_feet(self, track: Track, scene: Scene, stances: list[_Stance]) -> list[Contact]:
        if not stances:
            return []
        t = track.time_s
        near = "R" if scene.direction > 0 else "L"
        far = "L" if near == "R" else "R"
        # unbroken sequences: consecutive ICs about one step apart
        groups: list[list[int]] = [[0]]
        for i in range(1, len(stances)):
            gap = t[stances[i][0]] - t[stances[i - 1][0]]
            if gap > 1.5 * self.step_period_s_:
                groups.append([i])
            else:
                groups[-1].append(i)
        sides: list[str] = [""] * len(stances)
        cues = []
        for group in groups:
            h = np.array([stances[i][3] for i in group])
            left_frac = np.array([stances[i][2] for i in group])
            even = np.arange(len(group)) % 2 == 0
            # perspective: near-foot stances sit lower; compare even vs odd contacts
            if even.sum() >= 2 and (~even).sum() >= 2:
                diff = h[~even].mean() - h[even].mean()
                se = np.sqrt(h[even].var(ddof=1) / even.sum() + h[~even].var(ddof=1) / (~even).sum())
            else:
                diff, se = 0.0, np.inf
            if abs(diff) > 3 * se and abs(diff) > 0.01 * scene.leg_length_px:
                even_side = near if diff > 0 else far
                cues.append("perspective")
            else:
                vote = np.mean(np.where(even, left_frac, 1 - left_frac))
                even_side = "L" if vote >= 0.5 else "R"
                cues.append("pose labels")
            odd_side = "R" if even_side == "L" else "L"
            for j, i in enumerate(group):
                sides[i] = even_side if j % 2 == 0 else odd_side
        self.side_cue_ = max(set(cues), key=cues.count)
        return [Contact(side=sides[i], ic_row=ic, to_row=to, ic_frame=int(track.frame_index[ic]),
                        to_frame=int(track.frame_index[to]), ic_time_s=float(t[ic]), to_time_s=float(t[to]),
                        confidence=c, relabelled=(left_frac >= 0.5) != (sides[i] == "L"), ic_row_subframe=ic_sub)
                for i, (ic, to, left_frac, _h, c, ic_sub) in enumerate(stances)]


def _crossing_row(v: np.ndarray, ic: int, threshold: float) -> float:
    """Fractional row in (ic - 1, ic] where the speed `v` falls through `threshold` (linear interpolation).

    IC is the first frame at or past the threshold, so the crossing lies up to a frame before it; reading
    the values "at IC" at the IC frame itself read them on average half a frame after the landing the
    threshold marks, a bias that grows as the frame rate falls (at 30 fps 17 ms, in which the shin turns
    by several degrees: docs/accuracy.md "Tuning from the stress sweep").
    """
    if ic < 1 or not (np.isfinite(v[ic - 1]) and np.isfinite(v[ic])) or not v[ic - 1] > threshold >= v[ic]:
        return float(ic)
    return float(ic - 1 + (v[ic - 1] - threshold) / (v[ic - 1] - v[ic]))


def _drop_duplicates(stances: list[_Stance]) -> list[_Stance]:
    """One physical stance seen in both label channels (the model swapped labels): keep the longer."""
    out: list[_Stance] = []
    for s in stances:
        if out and s[0] <= out[-1][1]:  # overlaps the previous one
            overlap = min(s[1], out[-1][1]) - s[0]
            shorter = min(s[1] - s[0], out[-1][1] - out[-1][0])
            if overlap >= 0.5 * shorter:
                if s[1] - s[0] > out[-1][1] - out[-1][0]:
                    out[-1] = s
                continue
        out.append(s)
    return out


def stance_rows(contacts: list[Contact], n_rows: int, middle: tuple[float, float] = (0.2, 0.8)) -> np.ndarray:
    """(n_rows, 2) bool, columns L, R: the rows in the `middle` part of each stance (fractions of IC -> TO),
    under the label that holds the stance foot's keypoints there (the other one for a relabelled contact).
    The foot is surely on the floor there, away from the landing and the lift-off that a frame of event
    error would take in."""
    out = np.zeros((n_rows, 2), dtype=bool)
    for c in contacts:
        a = int(math.ceil(c.ic_row + middle[0] * (c.to_row - c.ic_row)))
        b = int(math.floor(c.ic_row + middle[1] * (c.to_row - c.ic_row)))
        out[max(a, 0):min(b, n_rows - 1) + 1, "LR".index(c.keypoint_side)] = True
    return out


def relabel_legs(track: Track, contacts: list[Contact]) -> tuple[Track, np.ndarray]:
    """Left/right swap correction from the gait's structure.

    Feet alternate strictly, so once the contacts are named (`FootSpeedContactDetector`), every frame takes
    the labelling of the nearest stance: where the pose model had the stance foot under the other side's
    label, both legs' keypoints (hip, knee, ankle, heel, toe) are exchanged. Brief swaps of one or two
    frames are outliers and were removed by the cleaning already.

    Returns the corrected track and the boolean mask of frames whose legs were exchanged.
    """
    swapped = np.zeros(len(track), dtype=bool)
    if contacts:
        order = np.argsort([(c.ic_row + c.to_row) / 2 for c in contacts], kind="stable")
        centres = np.array([(contacts[i].ic_row + contacts[i].to_row) / 2 for i in order])
        flags = np.array([contacts[i].relabelled for i in order])
        # nearest stance centre of every frame, in O(frames) memory (a frames x contacts distance matrix
        # took 0.5 GB on a 10-minute clip); ties go to the earlier stance, as argmin did
        rows = np.arange(len(track), dtype=float)
        after = np.clip(np.searchsorted(centres, rows), 1, len(centres) - 1) if len(centres) > 1 else \
            np.zeros(len(track), dtype=int)
        before = np.maximum(after - 1, 0)
        nearest = np.where(np.abs(rows - centres[before]) <= np.abs(centres[after] - rows), before, after)
        swapped = flags[nearest]
    if not swapped.any():
        return track, swapped
    xy, conf = track.xy.copy(), track.confidence.copy()
    for part in ("hip", "knee", "ankle", "heel", "toe"):
        left, right = track.keypoints.index(f"left_{part}"), track.keypoints.index(f"right_{part}")
        xy[swapped, left], xy[swapped, right] = track.xy[swapped, right], track.xy[swapped, left]
        conf[swapped, left] = track.confidence[swapped, right]
        conf[swapped, right] = track.confidence[swapped, left]
    return track.with_xy(xy, confidence=conf), swapped
