"""Per-step metrics (one row per stance) and their summaries. Definitions: METRICS.md "Per-step metrics"."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from .._nan import nanmax, nanmean, nanmedian, nanmin
from ..config import MetricsConfig
from ..gait.events import Contact
from ..tracking.orient import Scene
from ..tracking.track import Track
from .body import centre_of_mass, extension_behind_deg, flexion_deg, lean_deg, signed_offset_from_line

__all__ = ["METRIC_KEYS", "StepMetrics", "Summary", "compute_steps", "summarise", "symmetry_index_pct"]


@dataclass(frozen=True, slots=True)
class StepMetrics:
    """One stance. Keys are METRICS.md's; None where a value could not be measured."""

    side: str
    ic_frame: int
    to_frame: int
    midstance_frame: int
    ic_time_s: float
    to_time_s: float
    step_time_s: float | None
    cadence_spm: float | None
    contact_time_ms: float
    flight_time_ms: float | None
    duty_factor: float | None
    body_lean_deg: float | None
    body_lean_mean_deg: float | None
    trunk_lean_deg: float | None
    waist_bend_deg: float | None
    hip_offset_pct: float | None
    hip_com_offset_pct: float | None
    foot_ahead_com_pct: float | None
    foot_ahead_hip_pct: float | None
    foot_ahead_com_cm: float | None
    foot_ahead_hip_cm: float | None
    shank_angle_ic_deg: float | None
    knee_flexion_ic_deg: float | None
    knee_flexion_mid_deg: float | None
    hip_extension_to_deg: float | None
    foot_strike_angle_deg: float | None
    foot_strike: str | None
    vertical_oscillation_pct: float | None
    vertical_oscillation_cm: float | None
    confidence: float
    low_confidence: bool


# numeric metrics that get summaries (mean, SD, n)
METRIC_KEYS: tuple[str, ...] = tuple(
    f.name for f in fields(StepMetrics)
    if f.name not in ("side", "ic_frame", "to_frame", "midstance_frame", "ic_time_s", "to_time_s",
                      "foot_strike", "low_confidence")
)


@dataclass(frozen=True, slots=True)
class Summary:
    mean: float | None
    sd: float | None
    n: int


def _val(x: float | np.floating) -> float | None:
    x = float(x)
    return None if not math.isfinite(x) else x


def _foot_strike_class(angle_deg: float | None, cfg: MetricsConfig) -> str | None:
    if angle_deg is None:
        return None
    if angle_deg > cfg.rearfoot_min_deg:
        return "rearfoot"
    if angle_deg < cfg.forefoot_max_deg:
        return "forefoot"
    return "midfoot"


def _foot_angle_deg(heel: np.ndarray, toe: np.ndarray) -> np.ndarray:
    """Heel -> toe angle from horizontal, toes up positive."""
    d = toe - heel
    return np.degrees(np.arctan2(d[..., 1], d[..., 0]))


def _flat_foot_angle_deg(heel: np.ndarray, toe: np.ndarray, c: Contact) -> float:
    """The same foot's heel -> toe angle when flat on the floor: median over the middle half of its stance.

    BlazePose's heel landmark sits on the back of the heel, above the sole, so the raw heel -> toe line of
    a flat foot points 10-15 deg down on real clips; the strike angle is measured from this reference.
    """
    n = c.to_row - c.ic_row
    mid = slice(c.ic_row + n // 4, c.to_row - n // 4 + 1)
    angles = _foot_angle_deg(heel[mid], toe[mid])
    value = nanmedian(angles) if np.isfinite(angles).any() else 0.0
    return float(value)


def _at_row(points: np.ndarray, row: float, fallback_row: int) -> np.ndarray:
    """(2,) point at a fractional row, linearly interpolated; the fallback row's point where either
    neighbour is missing."""
    i0 = int(np.floor(row))
    w = row - i0
    if w < 1e-9:
        return points[i0]
    a, b = points[i0], points[min(i0 + 1, len(points) - 1)]
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return points[fallback_row]
    return (1 - w) * a + w * b


def _next_contact(contacts: list[Contact], i: int, same_side: bool) -> Contact | None:
    for c in contacts[i + 1:]:
        if (c.side == contacts[i].side) == same_side:
            return c
    return None


def compute_steps(track: Track, scene: Scene, contacts: list[Contact], step_period_s: float,
                  config: MetricsConfig | None = None) -> list[StepMetrics]:
    """Compute every METRICS.md per-step metric for each stance.

    `track` is in runner coordinates (`tracking.orient`). Step and stride times that do not follow
    directly (a missed contact in between: more than 1.5 expected periods) are left out rather than
    reported as one long step. The values "at IC" (foot ahead of the COM and hip, shank angle, knee
    flexion, strike angle) are read at the landing instant `Contact.ic_row_subframe` where the detector
    gives one (interpolated between the frame before IC and IC), else at the IC frame.
    """
    cfg = config or MetricsConfig()
    com, _ = centre_of_mass(track)
    hip = track.mid("left_hip", "right_hip")
    shoulder = track.mid("left_shoulder", "right_shoulder")
    pct = 100.0 / scene.leg_length_px
    steps = []
    for i, c in enumerate(contacts):
        ankle, knee = track.side_point(c.side, "ankle"), track.side_point(c.side, "knee")
        side_hip = track.side_point(c.side, "hip")
        heel, toe = track.side_point(c.side, "heel"), track.side_point(c.side, "toe")
        stance = slice(c.ic_row, c.to_row + 1)
        # midstance: hip centre lowest in stance (METRICS.md); halfway as fallback
        hip_y = hip[stance, 1]
        mid = c.ic_row + int(np.nanargmin(hip_y)) if np.isfinite(hip_y).any() else (c.ic_row + c.to_row) // 2
        nxt = _next_contact(contacts, i, same_side=False)
        nxt_same = _next_contact(contacts, i, same_side=True)
        step_time = nxt.ic_time_s - c.ic_time_s if nxt else math.nan
        if not (0.5 * step_period_s <= step_time <= 1.5 * step_period_s):
            step_time = math.nan
        stride_time = nxt_same.ic_time_s - c.ic_time_s if nxt_same else math.nan
        if not (1.0 * step_period_s <= stride_time <= 3.0 * step_period_s):
            stride_time = math.nan
        contact_s = c.to_time_s - c.ic_time_s
        flight_s = (nxt.ic_time_s - c.to_time_s) if nxt and math.isfinite(step_time) else math.nan
        ic_row = c.ic_row if c.ic_row_subframe is None else c.ic_row_subframe
        at_ic = {name: _at_row(p, ic_row, c.ic_row) for name, p in
                 (("heel", heel), ("toe", toe), ("ankle", ankle), ("knee", knee), ("side_hip", side_hip),
                  ("hip", hip), ("com", com))}
        heel_or_ankle = at_ic["heel"] if np.isfinite(at_ic["heel"]).all() else at_ic["ankle"]
        foot_ahead_com = heel_or_ankle[0] - at_ic["com"][0]
        foot_ahead_hip = heel_or_ankle[0] - at_ic["hip"][0]
        strike = _foot_angle_deg(at_ic["heel"], at_ic["toe"]) - _flat_foot_angle_deg(heel, toe, c)
        # vertical oscillation: COM peak-to-peak from this IC to the next contralateral IC
        step_end = nxt.ic_row if nxt and math.isfinite(step_time) else c.to_row
        com_y = com[c.ic_row:step_end + 1, 1]
        vo_px = float(nanmax(com_y) - nanmin(com_y)) if np.isfinite(com_y).any() else math.nan
        leg_lean_mid = lean_deg(ankle[mid], side_hip[mid])
        trunk_mid = lean_deg(hip[mid], shoulder[mid])
        knee_flex = flexion_deg(side_hip[stance], knee[stance], ankle[stance])
        # peak of the absorption phase: the first 70 % of stance; the knee bends again into swing, and a TO
        # one frame late would otherwise count a swing frame
        knee_peak = knee_flex[: max(1, int(np.ceil(0.7 * len(knee_flex))))]
        used = ("hip", "knee", "ankle", "heel", "toe")
        conf = float(nanmean([track.side_conf(c.side, p)[stance] for p in used]))
        steps.append(StepMetrics(
            side=c.side, ic_frame=c.ic_frame, to_frame=c.to_frame,
            midstance_frame=int(track.frame_index[mid]), ic_time_s=c.ic_time_s, to_time_s=c.to_time_s,
            step_time_s=_val(step_time), cadence_spm=_val(60.0 / step_time),
            contact_time_ms=contact_s * 1000.0,
            flight_time_ms=_val(flight_s * 1000.0),
            duty_factor=_val(contact_s / stride_time),
            body_lean_deg=_val(lean_deg(ankle[mid], com[mid])),
            body_lean_mean_deg=_val(nanmean(lean_deg(ankle[stance], com[stance]))),
            trunk_lean_deg=_val(nanmean(lean_deg(hip[stance], shoulder[stance]))),
            waist_bend_deg=_val(trunk_mid - leg_lean_mid),
            hip_offset_pct=_val(signed_offset_from_line(hip[mid], ankle[mid], shoulder[mid]) * pct),
            hip_com_offset_pct=_val(nanmean(hip[stance, 0] - com[stance, 0]) * pct),
            foot_ahead_com_pct=_val(foot_ahead_com * pct),
            foot_ahead_hip_pct=_val(foot_ahead_hip * pct),
            foot_ahead_com_cm=_val(scene.to_cm(foot_ahead_com)) if scene.px_per_m else None,
            foot_ahead_hip_cm=_val(scene.to_cm(foot_ahead_hip)) if scene.px_per_m else None,
            shank_angle_ic_deg=_val(lean_deg(at_ic["ankle"], at_ic["knee"]) * -1),
            knee_flexion_ic_deg=_val(flexion_deg(at_ic["side_hip"], at_ic["knee"], at_ic["ankle"])),
            knee_flexion_mid_deg=_val(nanmax(knee_peak)) if np.isfinite(knee_peak).any() else None,
            hip_extension_to_deg=_val(extension_behind_deg(hip[c.to_row], shoulder[c.to_row], knee[c.to_row])),
            foot_strike_angle_deg=_val(strike),
            foot_strike=_foot_strike_class(_val(strike), cfg),
            vertical_oscillation_pct=_val(vo_px * pct),
            vertical_oscillation_cm=_val(scene.to_cm(vo_px)) if scene.px_per_m else None,
            confidence=min(1.0, max(0.0, min(conf, c.confidence))),
            low_confidence=min(conf, c.confidence) < cfg.min_point_confidence,
        ))
    return steps


def summarise(steps: list[StepMetrics], side: str | None = None) -> dict[str, Summary]:
    """Mean, SD and n of every metric over the steps of one side (or all). Low-confidence steps are out."""
    rows = [s for s in steps if (side is None or s.side == side) and not s.low_confidence]
    out = {}
    for key in METRIC_KEYS:
        values = np.array([getattr(s, key) for s in rows if getattr(s, key) is not None], dtype=float)
        if values.size:
            out[key] = Summary(mean=float(values.mean()),
                               sd=float(values.std(ddof=1)) if values.size > 1 else None, n=int(values.size))
        else:
            out[key] = Summary(mean=None, sd=None, n=0)
    if side is None:
        # cadence from the mean step time (METRICS.md), not the mean of per-step cadences
        st = out["step_time_s"]
        out["cadence_spm"] = Summary(mean=60.0 / st.mean if st.mean else None,
                                     sd=out["cadence_spm"].sd, n=st.n)
    return out


def symmetry_index_pct(left: Summary, right: Summary, *, key: str = "") -> float | None:
    """L/R symmetry: Robinson index 100 (L - R) / mean(L, R), 0 = symmetric.

    For values already in % of leg length that can be near zero (`foot_ahead_com_pct`), the index would
    explode, so the plain difference L - R in % of leg length is returned instead (documented in
    docs/metrics.md).
    """
    if left.mean is None or right.mean is None:
        return None
    if key.endswith("_pct"):
        return left.mean - right.mean
    if left.mean + right.mean == 0:
        return None
    return 100.0 * (left.mean - right.mean) / (0.5 * (left.mean + right.mean))
