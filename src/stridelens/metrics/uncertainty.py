"""Expected error and smallest detectable difference of every metric, for this video's conditions.

Issue #4, "In the product": a number comes with the error to expect from it ("contact time 245 ms
± 17 ms at 60 fps"), and a change between two sessions counts only when it exceeds the smallest
detectable difference (SDD). Nothing here runs a model: the tables in `_uncertainty_table.py` were
fitted by the stress sweep (`python -m stridelens.eval sweep --write-table`, docs/accuracy.md).

Conditions (`Conditions`)
-------------------------
- `capture_fps`: the real frame rate.
- `noise_pct`: keypoint noise of this video, measured (`keypoint_noise_pct`): the robust SD of the raw
  minus the cleaned positions of shoulders, hips, knees, ankles, heels and toes, in % of leg length,
  divided by the square root of the share of white noise the low-pass filter removes (so that a white
  noise of SD s px reads s / L whatever the frame rate). The pose model's resolution and confidence
  act through it: the down-scaled real clips (docs/accuracy.md) show how it grows as the runner shrinks.
- `leg_length_px` and `keypoint_confidence`: reported and checked (`assess.quality.check_uncertainty`),
  and used when the noise cannot be measured (`predict_noise_pct`).

Expected error
--------------
`expected_error` interpolates the sweep's table of root-mean-square error of the clip mean (bias
included) over synthetic runners, bilinearly in (log frame rate, noise), clamped to the table's range
(frame rates below 25 frames/s read as 25 with the timing errors scaled by 25 / fps; noise beyond the
table is extrapolated along its steepest last slope). The table was made monotone (worse conditions never give
smaller errors): running maxima towards more noise, and running minima towards higher frame rates (a
high-rate clip can always be thinned; `eval.fit.monotone` says why). Where the real slow-motion clip thinned to a lower
frame rate changed a metric more than the synthetic runners did, that real change is the error (a lower
bound from real video, `REAL_RATE_FLOOR`). For contact time, flight time and duty factor the
synthetic runner's toe-off (its toe keeps moving back after lift-off) is later than a real foot's, so those
rows come from the real slow-motion clip resampled to each frame rate instead (`_uncertainty_table.py`
says which rows are which).

Smallest detectable difference
------------------------------
``SDD = 1.96 sqrt(2) SEM`` (Dingenen 2018; Weir 2005). For one analysis, ``SEM = k SD / sqrt(n)`` with
SD and n the step-to-step spread and count of the metric in this video, and k >= 1 the inflation that
the split-half reliability study measured on real clips (first vs second half, odd vs even strides:
the halves disagree more than independent steps would, through drift and pose-model bias that changes
along the clip). `compare` applies the SDDs of two sessions: a change smaller than
``sqrt((SDD_a^2 + SDD_b^2) / 2)`` (the SDD of the difference of two means with those SEMs) is
"no measurable change".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..config import TrackingConfig
from ..tracking.track import Track
from . import _uncertainty_table as table
from .steps import Summary

__all__ = ["METRIC_UNITS", "TOLERANCE", "Change", "Conditions", "MetricUncertainty", "Reading", "compare",
           "compare_reports", "expected_error", "keypoint_noise_pct", "mean_keypoint_confidence", "metric_uncertainty",
           "predict_noise_pct",
           "readings_from_report", "sdd_from_steps"]

METRIC_UNITS: dict[str, str] = {
    "step_time_s": "s", "cadence_spm": "steps/min", "contact_time_ms": "ms", "flight_time_ms": "ms",
    "duty_factor": "", "body_lean_deg": "deg", "body_lean_mean_deg": "deg", "trunk_lean_deg": "deg",
    "waist_bend_deg": "deg", "hip_offset_pct": "% leg", "hip_com_offset_pct": "% leg",
    "foot_ahead_com_pct": "% leg", "foot_ahead_hip_pct": "% leg", "foot_ahead_com_cm": "cm",
    "foot_ahead_hip_cm": "cm", "shank_angle_ic_deg": "deg", "knee_flexion_ic_deg": "deg",
    "knee_flexion_mid_deg": "deg", "hip_extension_to_deg": "deg", "foot_strike_angle_deg": "deg",
    "vertical_oscillation_pct": "% leg", "vertical_oscillation_cm": "cm",
}

# "Reliable" = expected error of the clip mean within this. Issue #4's targets: cadence below 1 step/min,
# angles below 2 deg, hip offset below 2 % of leg length; the others are heuristic, about a tenth of the
# range between runners (contact time 200-300 ms; landing 0-40 % leg; oscillation 5-12 % leg).
TOLERANCE: dict[str, float] = {
    "step_time_s": 0.004, "cadence_spm": 1.0, "contact_time_ms": 20.0, "flight_time_ms": 20.0,
    "duty_factor": 0.03, "body_lean_deg": 2.0, "body_lean_mean_deg": 2.0, "trunk_lean_deg": 2.0,
    "waist_bend_deg": 2.0, "hip_offset_pct": 2.0, "hip_com_offset_pct": 2.0, "foot_ahead_com_pct": 5.0,
    "foot_ahead_hip_pct": 5.0, "shank_angle_ic_deg": 2.0, "knee_flexion_ic_deg": 2.0,
    "knee_flexion_mid_deg": 2.0, "hip_extension_to_deg": 2.0, "foot_strike_angle_deg": 2.0,
    "vertical_oscillation_pct": 1.0,
}
_TIMING = ("step_time_s", "cadence_spm", "contact_time_ms", "flight_time_ms")  # errors scale with the frame
_CM_OF = {"foot_ahead_com_cm": "foot_ahead_com_pct", "foot_ahead_hip_cm": "foot_ahead_hip_pct",
          "vertical_oscillation_cm": "vertical_oscillation_pct"}
_NOISE_POINTS = ("shoulder", "hip", "knee", "ankle", "heel", "toe")
_Z95 = 1.96


@dataclass(frozen=True, slots=True)
class Conditions:
    """What the expected error depends on (see module docstring)."""

    capture_fps: float
    noise_pct: float | None  # keypoint noise, % of leg length; None: not measurable
    leg_length_px: float  # in the pixels the pose model saw
    keypoint_confidence: float | None  # mean over the body points, 0-1

    @property
    def effective_noise_pct(self) -> float:
        """The measured noise, or the one predicted from size and confidence when it could not be measured."""
        if self.noise_pct is not None and math.isfinite(self.noise_pct):
            return self.noise_pct
        return predict_noise_pct(self.leg_length_px, self.keypoint_confidence)


@dataclass(frozen=True, slots=True)
class MetricUncertainty:
    """One metric's expected error and SDD for one analysis."""

    key: str
    unit: str
    expected_error: float | None  # RMS error of the clip mean under these conditions
    sdd: float | None  # smallest detectable difference between two sessions like this one
    tolerance: float | None  # "reliable" when expected_error <= tolerance
    reliable: bool | None
    basis: Literal["synthetic", "real"] | None  # which table the expected error comes from


def keypoint_noise_pct(raw: Track, clean: Track, leg_length_px: float, tracking: TrackingConfig,
                       *, exclude_rows: np.ndarray | None = None) -> float | None:
    """Keypoint noise of a clip in % of leg length (module docstring, "Conditions").

    `raw` and `clean` must have the same legs' labels in every row (use `exclude_rows` for rows that
    `gait.relabel_legs` exchanged afterwards).
    """
    idx = [raw.keypoints.index(f"{s}_{p}") for s in ("left", "right") for p in _NOISE_POINTS]
    resid = raw.xy[:, idx] - clean.xy[:, idx]
    if exclude_rows is not None and exclude_rows.any():
        resid = resid[~exclude_rows]
    r = resid[np.isfinite(resid)]
    if r.size < 50 or not leg_length_px > 0:
        return None
    sd_px = 1.4826 * float(np.median(np.abs(r - np.median(r))))
    nyquist_hz = 0.5 / raw.dt_s
    cutoff_hz = min(tracking.lowpass_cutoff_hz, tracking.lowpass_max_fraction_of_nyquist * nyquist_hz)
    removed_share = max(0.05, (nyquist_hz - cutoff_hz) / nyquist_hz)  # of white noise's variance
    return sd_px / math.sqrt(removed_share) / leg_length_px * 100.0


def predict_noise_pct(leg_length_px: float, keypoint_confidence: float | None) -> float:
    """Keypoint noise expected for a runner this size and confidence (fitted on the down-scaled real clips).

    ``noise = sqrt(a^2 + (b / leg_px)^2) * (c_ref / conf)``: a part proportional to the body (the pose model
    works on a resized crop) and a part of fixed pixels; low confidence scales it up.
    """
    a, b, c_ref = table.NOISE_MODEL["floor_pct"], table.NOISE_MODEL["px_term"], table.NOISE_MODEL["confidence_ref"]
    noise = math.hypot(a, b / max(leg_length_px, 1.0))
    if keypoint_confidence is not None and keypoint_confidence > 0:
        noise *= max(1.0, c_ref / keypoint_confidence)
    return noise


def _interp_axis(grid: tuple[float, ...], x: float) -> tuple[int, int, float]:
    """Bracketing indices and weight of `x` on an increasing grid, clamped."""
    if x <= grid[0]:
        return 0, 0, 0.0
    if x >= grid[-1]:
        return len(grid) - 1, len(grid) - 1, 0.0
    j = int(np.searchsorted(grid, x))
    return j - 1, j, (x - grid[j - 1]) / (grid[j] - grid[j - 1])


def _lookup(rows: tuple[tuple[float, ...], ...], fps: float, noise_pct: float | None, noise_grid: tuple[float, ...],
            fps_grid: tuple[float, ...]) -> float:
    """Bilinear in (log fps, noise), clamped; beyond the last noise column every row grows by the steepest
    last-column slope of the table, so the extrapolation keeps the table's monotonicity."""
    log_fps = tuple(math.log(f) for f in fps_grid)
    i0, i1, wf = _interp_axis(log_fps, math.log(fps))
    extra = 0.0
    if noise_pct is not None and len(noise_grid) > 1 and noise_pct > noise_grid[-1]:
        slope = max(0.0, *((r[-1] - r[-2]) / (noise_grid[-1] - noise_grid[-2]) for r in rows))
        extra = slope * (noise_pct - noise_grid[-1])
        noise_pct = noise_grid[-1]

    def at_noise(row: tuple[float, ...]) -> float:
        if noise_pct is None or len(noise_grid) == 1:
            return row[0]
        j0, j1, wn = _interp_axis(noise_grid, noise_pct)
        return row[j0] * (1 - wn) + row[j1] * wn

    return at_noise(rows[i0]) * (1 - wf) + at_noise(rows[i1]) * wf + extra


def expected_error(key: str, conditions: Conditions) -> float | None:
    """RMS error of the clip mean of `key` under `conditions` (module docstring); None when not modelled.

    A `_cm` metric takes its `_pct` twin's error; convert with the runner's scale outside (see
    `metric_uncertainty`).
    """
    key = _CM_OF.get(key, key)
    fps = conditions.capture_fps
    scale = 1.0
    if fps < table.FPS[0]:
        scale = table.FPS[0] / fps if key in _TIMING else 1.0
        fps = table.FPS[0]
    if key in table.REAL_TIMING:
        rows = tuple((v,) for v in table.REAL_TIMING[key])
        return _lookup(rows, fps, None, (0.0,), table.REAL_FPS) * scale
    if key not in table.CLIP_RMSE:
        return None
    err = _lookup(table.CLIP_RMSE[key], fps, conditions.effective_noise_pct, table.NOISE_PCT, table.FPS)
    if key in table.REAL_RATE_FLOOR:  # the frame-rate error measured on real video, as a lower bound
        rows = tuple((v,) for v in table.REAL_RATE_FLOOR[key])
        err = max(err, _lookup(rows, fps, None, (0.0,), table.REAL_FPS))
    return err * scale


def sdd_from_steps(key: str, summary: Summary) -> float | None:
    """SDD of one clip's mean: 1.96 sqrt(2) k SD / sqrt(n) (module docstring); None with fewer than 2 steps.

    Cadence is 60 / mean step time, so its SD is the step-time SD carried through that function.
    """
    if summary.sd is None or summary.n < 2 or summary.mean is None:
        return None
    k = table.SEM_INFLATION.get(_CM_OF.get(key, key), table.SEM_INFLATION_DEFAULT)
    sem = k * summary.sd / math.sqrt(summary.n)
    return _Z95 * math.sqrt(2.0) * sem


def _cadence_sdd(overall: Mapping[str, Summary]) -> float | None:
    st = overall.get("step_time_s")
    sdd_step = sdd_from_steps("cadence_spm", st) if st is not None else None
    if sdd_step is None or not st.mean:
        return None
    return 60.0 / st.mean**2 * sdd_step  # d(60 / T) = 60 / T^2 dT


def metric_uncertainty(overall: Mapping[str, Summary], conditions: Conditions, *, px_per_m: float | None = None,
                       leg_length_px: float | None = None) -> dict[str, MetricUncertainty]:
    """Expected error, SDD and reliability of every summarised metric of one analysis.

    `px_per_m` and `leg_length_px` convert the `_pct` errors of the `_cm` metrics (when the height is known).
    """
    out = {}
    for key, summary in overall.items():
        if key == "confidence" or key not in METRIC_UNITS:
            continue
        err = expected_error(key, conditions)
        if err is not None and key in _CM_OF:
            err = err / 100.0 * leg_length_px / px_per_m * 100.0 if px_per_m and leg_length_px else None
        sdd = _cadence_sdd(overall) if key == "cadence_spm" else sdd_from_steps(key, summary)
        tol = TOLERANCE.get(_CM_OF.get(key, key)) if key not in _CM_OF else None
        basis: Literal["synthetic", "real"] | None = None
        if err is not None:
            basis = "real" if _CM_OF.get(key, key) in table.REAL_TIMING else "synthetic"
        out[key] = MetricUncertainty(key=key, unit=METRIC_UNITS[key], expected_error=err, sdd=sdd, tolerance=tol,
                                     reliable=None if err is None or tol is None else bool(err <= tol), basis=basis)
    return out


def mean_keypoint_confidence(track: Track) -> float | None:
    """Mean confidence of the body points (shoulders, hips, knees, ankles, heels, toes) over all frames."""
    idx = [track.keypoints.index(f"{s}_{p}") for s in ("left", "right") for p in _NOISE_POINTS]
    values = track.confidence[:, idx]
    return float(np.mean(values)) if values.size else None


# --- did it change? ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reading:
    """One metric of one session: its clip mean and SDD."""

    mean: float | None
    sdd: float | None
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Change:
    """One metric from one session to the next."""

    key: str
    before: float | None
    after: float | None
    change: float | None  # after - before
    threshold: float | None  # SDD of the difference: sqrt((SDD_before^2 + SDD_after^2) / 2)
    unit: str
    verdict: Literal["increased", "decreased", "no measurable change", "not comparable"]

    @property
    def text(self) -> str:
        if self.verdict == "not comparable" or self.change is None:
            return f"{self.key}: not comparable (measured in only one session, or without an SDD)"
        unit = f" {self.unit}" if self.unit else ""
        if self.verdict == "no measurable change":
            return (f"{self.key}: no measurable change ({self.change:+.3g}{unit}, within the smallest detectable "
                    f"difference of {self.threshold:.3g}{unit})")
        return (f"{self.key}: {self.verdict} by {abs(self.change):.3g}{unit} (smallest detectable "
                f"{self.threshold:.3g}{unit})")


def compare(before: Mapping[str, Reading], after: Mapping[str, Reading]) -> list[Change]:
    """Per metric: the change from `before` to `after`, "no measurable change" when |change| < its SDD.

    Both sessions' SDDs count (module docstring); a metric without an SDD in one session falls back on the
    other's, and without any it is "not comparable" rather than reported as progress.
    """
    out = []
    for key in [k for k in before if k in after]:
        a, b = before[key], after[key]
        unit = a.unit or b.unit
        if a.mean is None or b.mean is None:
            out.append(Change(key, a.mean, b.mean, None, None, unit, "not comparable"))
            continue
        sdds = [s for s in (a.sdd, b.sdd) if s is not None and math.isfinite(s)]
        change = b.mean - a.mean
        if not sdds:
            out.append(Change(key, a.mean, b.mean, change, None, unit, "not comparable"))
            continue
        threshold = math.sqrt(sum(s**2 for s in sdds) / len(sdds))
        verdict: Literal["increased", "decreased", "no measurable change"]
        verdict = "no measurable change" if abs(change) < threshold else ("increased" if change > 0 else "decreased")
        out.append(Change(key, a.mean, b.mean, change, threshold, unit, verdict))
    return out


def readings_from_report(report: Mapping[str, Any]) -> dict[str, Reading]:
    """`Reading`s from analysis.json content (a dict as loaded by `json.load`, schema 1.1 or later).

    Schema 1.0 files have no SDD: their readings come back with `sdd=None` (see `compare`).
    """
    overall = report.get("summary", {}).get("overall", {})
    unc = (report.get("uncertainty") or {}).get("metrics", {})
    out = {}
    for key, stat in overall.items():
        sdd = stat.get("sdd")
        if sdd is None and key in unc:
            sdd = unc[key].get("sdd")
        out[key] = Reading(mean=stat.get("mean"), sdd=sdd, unit=METRIC_UNITS.get(key, ""))
    return out


def compare_reports(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """`compare` for two analysis.json contents (dicts)."""
    return compare(readings_from_report(before), readings_from_report(after))
