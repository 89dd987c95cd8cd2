"""Capture-quality checks: is this a usable side-view video of one person running?

Fatal problems raise a `StridelensError` with advice; the rest come back as `QualityCheck` rows that the
report shows (METRICS.md: a value from poor data is never silently good).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .._nan import nanmean, nanmedian
from ..config import GaitConfig, QualityConfig
from ..errors import (
    CameraMotionError,
    NoRunnerError,
    NotRunningError,
    SlowMotionError,
    TooFewStepsError,
    WrongViewError,
)
from ..gait.classify import GaitKind
from ..gait.events import Contact
from ..metrics.uncertainty import Conditions, MetricUncertainty
from ..tracking.track import Track

__all__ = ["QualityCheck", "check_gait", "check_track", "check_uncertainty", "suggest_capture_fps"]

Status = Literal["ok", "warn", "fail"]
_COMMON_CAPTURE_FPS = (60, 100, 120, 180, 240, 300, 480, 960)
_FILM_ADVICE = ("Film from the side: phone on a tripod at hip height, perpendicular to the path, the whole body "
                "in view for 10 or more strides.")


@dataclass(frozen=True, slots=True)
class QualityCheck:
    key: str
    status: Status
    message: str
    value: float | None = None
    advice: str = ""


def _ratio_side_view(track: Track) -> tuple[float, float]:
    """Median left-right shoulder and hip separation in x over trunk length, and their L-R sign."""
    ls, rs = track.point("left_shoulder"), track.point("right_shoulder")
    lh, rh = track.point("left_hip"), track.point("right_hip")
    trunk = np.linalg.norm((ls + rs) / 2 - (lh + rh) / 2, axis=1)
    sep = (np.abs(ls[:, 0] - rs[:, 0]) + np.abs(lh[:, 0] - rh[:, 0])) / 2
    with np.errstate(all="ignore"):
        ratio = float(nanmedian(sep / trunk))
        sign = float(nanmedian(np.sign((ls[:, 0] - rs[:, 0]) + (lh[:, 0] - rh[:, 0]))))
    return ratio, sign


def check_track(track: Track, *, capture_fps: float, config: QualityConfig, min_seen_s: float,
                camera_shift_pct: float | None, other_people_fraction: float | None,
                leg_length_px_series: np.ndarray) -> list[QualityCheck]:
    """Checks on the cleaned image-coordinate track before gait events."""
    checks: list[QualityCheck] = []
    body_pts = ["left_hip", "right_hip", "left_ankle", "right_ankle", "left_shoulder", "right_shoulder"]
    seen = np.all([np.isfinite(track.point(p)).all(1) for p in body_pts], axis=0)
    seen_s = float(seen.sum()) * track.dt_s
    if not seen.any():
        raise NoRunnerError("No person was found in the video.",
                            "Check that the runner is in view and well lit. " + _FILM_ADVICE)
    if seen_s < min_seen_s:
        raise NoRunnerError(f"The runner was tracked for only {seen_s:.1f} s.",
                            f"Use a clip with at least {min_seen_s:.0f} s of running in view. " + _FILM_ADVICE)
    frac = float(seen.mean())
    checks.append(QualityCheck("runner_visible", "ok" if frac >= 0.9 else "warn",
                               f"Runner tracked in {frac:.0%} of frames.", frac,
                               "" if frac >= 0.9 else "Keep the whole body in the frame."))
    ratio, sign = _ratio_side_view(track)
    if ratio > config.side_view_min_ratio:
        view = "front" if sign > 0 else "back"
        raise WrongViewError(
            f"This looks like a {view} view (shoulders and hips {ratio:.2f} trunk lengths apart; a side view "
            f"shows them nearly on top of each other).",
            "stridelens measures hip position from the side. " + _FILM_ADVICE)
    checks.append(QualityCheck("side_view", "ok", f"Side view (shoulder/hip separation {ratio:.2f} of trunk).",
                               ratio))
    if capture_fps < config.min_fps_warn:
        frame_ms = 1000.0 / capture_fps
        checks.append(QualityCheck(
            "frame_rate", "warn",
            f"{capture_fps:.0f} frames/s: contact and flight times are coarse (one frame = {frame_ms:.0f} ms).",
            capture_fps, "Film at 60 frames/s or more (slow motion is fine: pass --fps with its capture rate)."))
    else:
        checks.append(QualityCheck("frame_rate", "ok", f"{capture_fps:.0f} frames/s.", capture_fps))
    if camera_shift_pct is not None:
        if camera_shift_pct > config.max_camera_motion_pct:
            raise CameraMotionError(
                f"The camera moves (background shifts by {camera_shift_pct:.0f} % of the picture width).",
                "Put the phone on a tripod or against something still, and do not pan or zoom while filming.")
        checks.append(QualityCheck("camera_still", "ok" if camera_shift_pct < config.max_camera_motion_pct / 2
                                   else "warn", f"Background shift {camera_shift_pct:.1f} % of width.",
                                   camera_shift_pct))
    leg = leg_length_px_series[np.isfinite(leg_length_px_series)]
    if leg.size > 20:
        third = leg.size // 3
        first, last = np.median(leg[:third]), np.median(leg[-third:])
        change = abs(last - first) / max(first, 1e-9) * 100
        if change > config.max_zoom_change_pct:
            raise CameraMotionError(
                f"The runner's size in the picture changes by {change:.0f} % (zoom, or running toward or away "
                f"from the camera).", "Do not zoom while filming, and film across the running direction.")
        checks.append(QualityCheck("constant_scale", "ok", f"Runner's size changes {change:.0f} %.", change))
    if other_people_fraction is not None and other_people_fraction >= config.several_people_fraction:
        checks.append(QualityCheck(
            "one_person", "warn",
            f"Several people are in view ({other_people_fraction:.0%} of checked frames): the person the pose "
            f"model followed was analysed.",
            other_people_fraction, "Film one runner at a time, with nobody else crossing the picture."))
    elif other_people_fraction is not None:
        checks.append(QualityCheck("one_person", "ok", "One person in view.", other_people_fraction))
    conf = float(nanmean([track.conf(p) for p in body_pts]))
    checks.append(QualityCheck("keypoint_confidence", "ok" if conf >= 0.6 else "warn",
                               f"Mean keypoint confidence {conf:.2f}.", conf,
                               "" if conf >= 0.6 else "Film in better light, with the legs clearly visible."))
    return checks


def suggest_capture_fps(capture_fps: float, factor: float) -> int:
    """The common phone capture rate nearest to `capture_fps * factor`."""
    guess = capture_fps * factor
    return min(_COMMON_CAPTURE_FPS, key=lambda f: abs(math.log(f / guess)))


def check_gait(contacts: list[Contact], *, step_period_s: float | None, foot_range_pct: float,
               gait_kind: GaitKind | None, capture_fps: float, fps_source: str, gait: GaitConfig,
               config: QualityConfig) -> list[QualityCheck]:
    """Checks on the gait events: running or not, slow motion, enough steps."""
    checks: list[QualityCheck] = []
    if step_period_s is None or not contacts:
        if foot_range_pct < 20:
            raise NotRunningError("The person is standing still: the feet hardly move.",
                                  "Analyse a clip of running. " + _FILM_ADVICE)
        raise TooFewStepsError("No complete step was found.",
                               "Use a clip with at least 4 steps per foot in view (10 or more strides is best).")
    if gait_kind is not None and not gait_kind.running:
        raise NotRunningError(f"This is walking, not running: {gait_kind.reason}.",
                              "Analyse a clip of running. " + _FILM_ADVICE)
    ic_times = np.array([c.ic_time_s for c in contacts])
    steps = np.diff(ic_times)
    steps = steps[(steps > 0.5 * step_period_s) & (steps < 1.5 * step_period_s)]
    step_s = float(np.mean(steps)) if steps.size else step_period_s
    cadence = 60.0 / step_s
    lo, hi = gait.plausible_cadence_spm
    if cadence < lo and fps_source != "user":
        factor = gait.typical_cadence_spm / cadence
        fps = suggest_capture_fps(capture_fps, factor)
        raise SlowMotionError(
            f"Running at {cadence:.0f} steps/min is not plausible: the clip is probably slow motion "
            f"(about {factor:.0f}x slower than real time).",
            f"Pass the real capture frame rate, e.g. --fps {fps} (the phone's slow-motion setting: 120, 240 "
            f"or 960 frames/s).")
    if cadence < lo:
        checks.append(QualityCheck("cadence_plausible", "warn",
                                   f"Cadence {cadence:.0f} steps/min is very low for running.", cadence,
                                   "Check the --fps value given."))
    elif cadence > hi:
        checks.append(QualityCheck("cadence_plausible", "warn",
                                   f"Cadence {cadence:.0f} steps/min is very high for running.", cadence,
                                   "If the clip is sped up or a time-lapse, pass its real frame rate with --fps."))
    else:
        checks.append(QualityCheck("cadence_plausible", "ok", f"Cadence {cadence:.0f} steps/min.", cadence))
    if gait_kind is not None:
        duty = f"duty factor {gait_kind.duty_factor:.2f}, " if gait_kind.duty_factor is not None else ""
        checks.append(QualityCheck("running", "ok", f"Running: {duty}{gait_kind.reason}.", gait_kind.duty_factor))
    for side in "LR":
        name = "left" if side == "L" else "right"
        n = sum(1 for c in contacts if c.side == side)
        if n < config.min_steps_per_side_warn:
            checks.append(QualityCheck(f"steps_{side}", "warn", f"Only {n} steps of the {name} foot: the numbers "
                                       f"are uncertain.", n, "Film 10 or more strides."))
        elif n < config.stable_steps_per_side:
            checks.append(QualityCheck(f"steps_{side}", "warn", f"{n} steps of the {name} foot; 7 or more give a "
                                       f"stable mean (Dingenen 2018).", n, "Film 10 or more strides."))
        else:
            checks.append(QualityCheck(f"steps_{side}", "ok", f"{n} steps of the {name} foot.", n))
    return checks


# metrics of the report's key numbers whose precision the capture decides, in plain words
_PRECISION_NAMES = {
    "cadence_spm": "cadence", "contact_time_ms": "contact time", "flight_time_ms": "flight time",
    "hip_offset_pct": "hip position", "trunk_lean_deg": "trunk lean", "waist_bend_deg": "bend at the waist",
    "foot_ahead_com_pct": "landing ahead of the body", "shank_angle_ic_deg": "shin angle at landing",
    "knee_flexion_mid_deg": "knee bend in stance", "knee_flexion_ic_deg": "knee bend at landing",
    "hip_extension_to_deg": "hip extension at push-off", "vertical_oscillation_pct": "bounce",
    "foot_strike_angle_deg": "foot strike angle",
}


def _pm(m: MetricUncertainty) -> str:
    unit = {"% leg": " % leg", "deg": " deg", "": ""}.get(m.unit, f" {m.unit}")
    value = m.expected_error or 0.0
    return f"+-{value:.2g}{unit}" if value < 10 else f"+-{value:.0f}{unit}"


def check_uncertainty(uncertainty: dict[str, MetricUncertainty], conditions: Conditions,
                      config: QualityConfig) -> list[QualityCheck]:
    """Warn when the video is outside the conditions under which the key numbers are reliable.

    Definition of "reliable": expected error within `metrics.uncertainty.TOLERANCE` (issue #4's targets);
    the size and noise limits come from the stress sweep (docs/accuracy.md, config.py).
    """
    checks: list[QualityCheck] = []
    leg = conditions.leg_length_px
    if leg < config.min_leg_length_px:
        checks.append(QualityCheck(
            "runner_size", "warn", f"The runner is small in the picture (leg {leg:.0f} px): angles and positions "
            f"may be off by several degrees / % of leg length.", leg,
            "Film closer or zoom in before you start, so the runner fills at least half the picture height."))
    else:
        checks.append(QualityCheck("runner_size", "ok", f"Runner size in the picture: leg {leg:.0f} px.", leg))
    noise = conditions.noise_pct
    if noise is not None and noise > config.max_keypoint_noise_pct:
        checks.append(QualityCheck(
            "keypoint_noise", "warn", f"The body points jitter by {noise:.1f} % of leg length from frame to frame: "
            f"hip position and angles are less precise.", noise,
            "Film in good light, with plain clothes that contrast with the background, and the legs clearly seen."))
    elif noise is not None:
        checks.append(QualityCheck("keypoint_noise", "ok", f"Body points jitter {noise:.1f} % of leg length.", noise))
    coarse = [m for k, m in uncertainty.items() if k in _PRECISION_NAMES and m.reliable is False]
    if coarse:
        listed = ", ".join(f"{_PRECISION_NAMES[m.key]} ({_pm(m)})" for m in coarse)
        checks.append(QualityCheck(
            "precision", "warn", f"At {conditions.capture_fps:.0f} frames/s and this picture, these numbers are less "
            f"precise than our targets: {listed}.", float(len(coarse)),
            "Film at 60 frames/s or more (120-240 for landing and push-off measures; slow motion is fine), the "
            "runner large in the picture."))
    elif uncertainty:
        checks.append(QualityCheck("precision", "ok", "Key numbers within their precision targets for this video.",
                                   0.0))
    return checks
