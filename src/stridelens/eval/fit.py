"""Fit the expected-error tables of `metrics.uncertainty` from the sweep and write them as a Python module.

- `CLIP_RMSE`: the synthetic fps x noise grid (`sweep.run_table`): RMS error of the clip mean, bias
  included, made monotone (`monotone`: running maxima towards higher noise, minima towards higher rates).
- `REAL_TIMING`: contact time (its error against the hand annotations), flight time (the same: flight =
  step - contact, and step times carry a fraction of that error) and duty factor (contact-time error /
  0.7 s, a stride at 170 steps/min) per frame rate, from the slow-motion clip thinned to each rate (all
  sampling phases) and the 30 fps clip; RMS over the thinned clips, monotone.
- `REAL_RATE_FLOOR`: for the metrics read at an event (IC: landing distance, shank angle, knee at landing,
  strike angle; TO: hip extension), the RMS change of the clip mean from the full-rate analysis when the
  slow-motion clip is thinned: a frame-rate error measured on real video (through the event timing, which
  the synthetic runner's feet model imperfectly), used as a lower bound of the synthetic figure. Not for
  midstance and peak metrics: a peak (knee flexion, vertical oscillation peak-to-peak) over fewer noisy
  samples is smaller, so the thinned clip's change there is no error of the thinned clip.
- `NOISE_MODEL`: keypoint noise against the runner's size in pixels, least squares of
  ``noise^2 = a^2 + b^2 / leg_px^2`` over the down-scaled real clip.
- `SEM_INFLATION_DEFAULT`: the reliability study's pooled ratio of measured to independent-steps SEM,
  never below 1.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np

from .reliability import MetricReliability
from .sweep import SWEEP_METRICS, ConditionSummary
from .sweep_real import RealResult

__all__ = ["fit_noise_model", "monotone", "real_tables", "synthetic_table", "write_table_module"]

STRIDE_S = 0.7  # a stride at about 170 steps/min, for the duty factor's error
_TIMING_KEYS = ("contact_time_ms", "flight_time_ms", "duty_factor")
EVENT_METRICS = ("foot_ahead_com_pct", "foot_ahead_hip_pct", "shank_angle_ic_deg", "knee_flexion_ic_deg",
                 "foot_strike_angle_deg", "hip_extension_to_deg")  # read at IC or TO: REAL_RATE_FLOOR


def monotone(grid: np.ndarray) -> np.ndarray:
    """Rows are frame rates (increasing), columns noise (increasing). Errors never shrink as the noise grows
    (running maxima along a row) and never grow with the frame rate (running minima from the lowest rate up).

    Why minima along the frame rate: a clip filmed at a higher rate can always be thinned to the lower one,
    so the lower rate's error is achievable at the higher rate too. Where the synthetic runners read worse
    at a high rate, it is their noise being independent in every frame (more frames, more extreme samples
    for peak metrics, noisier speeds); a pose model's errors are correlated from frame to frame.
    """
    g = np.array(grid, dtype=float)
    g = np.where(np.isfinite(g), g, np.nan)
    g = np.fmax.accumulate(g, axis=1)  # towards higher noise
    return np.fmin.accumulate(g, axis=0)  # towards higher frame rate


def synthetic_table(cells: list[ConditionSummary]) -> tuple[tuple[float, ...], tuple[float, ...],
                                                             dict[str, np.ndarray]]:
    """(fps grid, noise grid in % leg, key -> monotone RMS grid) from `sweep.run_table` summaries."""
    fps = tuple(sorted({c.fps for c in cells}))
    noise_by_level: dict[float, list[float]] = defaultdict(list)
    for c in cells:
        noise_by_level[float(str(c.level).split("/")[1].rstrip("px"))].append(c.noise_pct)
    levels = sorted(noise_by_level)
    noise = tuple(round(float(np.median(noise_by_level[lv])), 3) for lv in levels)
    out = {}
    for key in SWEEP_METRICS:
        g = np.full((len(fps), len(levels)), np.nan)
        for c in cells:
            lv = float(str(c.level).split("/")[1].rstrip("px"))
            g[fps.index(c.fps), levels.index(lv)] = c.rmse.get(key, math.nan)
        out[key] = monotone(g)
    return fps, noise, out


def _rms(x: list[float]) -> float:
    a = np.asarray([v for v in x if math.isfinite(v)], dtype=float)
    return float(np.sqrt(np.mean(a**2))) if a.size else math.nan


def real_tables(results: list[RealResult]
                ) -> tuple[tuple[float, ...], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(fps grid, REAL_TIMING, REAL_RATE_FLOOR) from the frame-rate conditions of `sweep_real`."""
    rows = [r for r in results if r.failed is None and r.condition.factor in ("original", "fps")
            and r.condition.transform.is_identity]
    by_fps: dict[float, list[RealResult]] = defaultdict(list)
    for r in rows:
        by_fps[round(r.capture_fps, 1)].append(r)
    fps = tuple(sorted(by_fps))
    timing: dict[str, np.ndarray] = {}
    ct = np.array([_rms([float(np.mean(r.contact_time_errors_ms)) for r in by_fps[f] if r.contact_time_errors_ms])
                   for f in fps])
    ct = monotone(ct[:, None])[:, 0]
    timing = {"contact_time_ms": ct, "flight_time_ms": ct.copy(), "duty_factor": ct / (1000 * STRIDE_S)}
    floor: dict[str, np.ndarray] = {}
    slow = [r for r in rows if r.condition.clip.startswith("mhuang24")]
    slow_fps = sorted({round(r.capture_fps, 1) for r in slow})
    for key in EVENT_METRICS:
        col = np.array([_rms([r.changes.get(key, math.nan) for r in slow if round(r.capture_fps, 1) == f])
                        if f in slow_fps else 0.0 for f in fps])
        floor[key] = monotone(np.nan_to_num(col)[:, None])[:, 0]
    return fps, timing, floor


def fit_noise_model(results: list[RealResult]) -> dict[str, float]:
    """Least squares of noise^2 = a^2 + b^2 / leg^2 over the down-scaled 30 fps clip (module docstring)."""
    rows = [r for r in results if r.failed is None and r.condition.clip.startswith("zzzhushi")
            and r.condition.factor in ("original", "resolution") and math.isfinite(r.noise_pct)]
    if len(rows) < 2:
        return {"floor_pct": 1.5, "px_term": 50.0, "confidence_ref": 0.8}
    a = np.column_stack([np.ones(len(rows)), [1 / r.leg_length_px**2 for r in rows]])
    y = np.array([r.noise_pct**2 for r in rows])
    coef, *_ = np.linalg.lstsq(a, y, rcond=None)
    conf = float(np.median([r.keypoint_confidence for r in rows]))
    return {"floor_pct": round(math.sqrt(max(coef[0], 0.01)), 3), "px_term": round(math.sqrt(max(coef[1], 0.0)), 1),
            "confidence_ref": round(conf, 2)}


def _fmt_row(values: np.ndarray | list[float], digits: int = 4) -> str:
    return "(" + ", ".join(f"{float(v):.{digits}g}" for v in values) + ("," if len(values) == 1 else "") + ")"


def write_table_module(path: Path, *, fps: tuple[float, ...], noise: tuple[float, ...],
                       clip_rmse: dict[str, np.ndarray],
                       real_fps: tuple[float, ...], real_timing: dict[str, np.ndarray],
                       real_floor: dict[str, np.ndarray], noise_model: dict[str, float],
                       reliability: dict[str, MetricReliability], provenance: str) -> None:
    """Write `metrics/_uncertainty_table.py` (data only; `metrics.uncertainty` documents its use)."""
    ratios = [r.inflation for r in reliability.values() if math.isfinite(r.inflation) and r.inflation > 0]
    pooled = float(np.exp(np.mean(np.log(ratios)))) if ratios else 1.0
    lines = [
        '"""Expected-error tables of `metrics.uncertainty`. GENERATED by `python -m stridelens.eval sweep',
        '--write-table` (eval/fit.py documents each table); do not edit by hand.',
        "",
        provenance.strip(),
        '"""',
        "",
        f"FPS = {_fmt_row(fps)}  # rows of CLIP_RMSE",
        f"NOISE_PCT = {_fmt_row(noise)}  # columns of CLIP_RMSE: keypoint noise, % of leg length",
        "CLIP_RMSE: dict[str, tuple[tuple[float, ...], ...]] = {  # RMS error of the clip mean, synthetic",
    ]
    for key, g in clip_rmse.items():
        lines.append(f'    "{key}": (')
        lines += [f"        {_fmt_row(r)}," for r in g]
        lines.append("    ),")
    lines += ["}", "", f"REAL_FPS = {_fmt_row(real_fps)}  # entries of REAL_TIMING and REAL_RATE_FLOOR",
              "REAL_TIMING: dict[str, tuple[float, ...]] = {  # real clips, against the hand annotations"]
    lines += [f'    "{k}": {_fmt_row(v)},' for k, v in real_timing.items()]
    lines += ["}", "REAL_RATE_FLOOR: dict[str, tuple[float, ...]] = {  # real clip thinned: change from full rate"]
    lines += [f'    "{k}": {_fmt_row(v)},' for k, v in real_floor.items()]
    lines += ["}", "", f"NOISE_MODEL = {noise_model!r}",
              "SEM_INFLATION: dict[str, float] = {}  # per metric (none: the pooled value below is used)",
              f"SEM_INFLATION_MEASURED = {pooled:.3f}  # reliability study, pooled over metrics and clips",
              f"SEM_INFLATION_DEFAULT = {max(1.0, pooled):.3f}  # never below 1 (independent steps)", ""]
    Path(path).write_text("\n".join(lines), encoding="utf-8")
