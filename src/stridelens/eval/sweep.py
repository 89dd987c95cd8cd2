"""Synthetic stress sweep: how accuracy degrades with keypoint noise, dropouts, swaps, frame rate, setting,
direction of travel and camera tilt (issue #4, "Synthetic stress sweep").

Each condition changes one factor of a realistic base runner (`SweepGrid.base`) and is run on several
seeded runners (three posture presets, cadence jittered so that events fall on different sub-frame
phases). Per run the core pipeline (`pipeline.analyze_track`, no pose model) is scored against the
generator's exact answers:

- events: each true IC is matched one-to-one with the nearest detected IC within `event_tol_frames`
  (2 frames, or 35 ms at high frame rates; the data README's scoring); IC and TO errors in frames and
  ms; recall and spurious detections as in `eval.annotations.score_contacts`;
- cadence: clip cadence minus the true one;
- every METRICS.md metric: the clip mean (`Analysis.overall`) minus the reference, and each matched
  step minus its reference step. The reference is the same metric definition evaluated on the
  noise-free keypoints at the true events (`reference_steps`); for the metrics the generator states
  directly (trunk lean, waist bend, hip offset, heel ahead of the hip, strike angle) the two agree to
  well under 0.1 deg / 0.1 % L (tests/eval/test_sweep.py), and the reference extends the truth to the
  COM-based metrics (body lean, foot ahead of COM, vertical oscillation) that the generator leaves to
  `metrics`.

Real-clip conditions (picture down-scaling, rotation, mirroring, frame-rate resampling) are in
`eval.sweep_real`; plots and the Markdown section in `eval.report`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..config import Config
from ..errors import StridelensError
from ..gait.events import Contact
from ..io import VideoInfo
from ..metrics import METRIC_KEYS, StepMetrics, compute_steps
from ..synthetic import RunnerSpec, SyntheticTruth, hips_back_runner, hips_forward_runner, make_runner, neutral_runner
from ..tracking import Scene, Track
from .annotations import score_contacts

__all__ = ["SWEEP_METRICS", "Condition", "ConditionSummary", "RunResult", "SweepGrid", "event_tol_frames",
           "reference_steps", "run_condition", "run_synthetic", "run_table", "runner_spec", "summarise_condition",
           "summarise_run", "sweep"]

# every numeric METRICS.md metric the generator's geometry defines (the cm variants need --height-cm)
SWEEP_METRICS: tuple[str, ...] = tuple(k for k in METRIC_KEYS if not k.endswith("_cm") and k != "confidence")

_PRESETS: tuple[Callable[..., RunnerSpec], ...] = (neutral_runner, hips_back_runner, hips_forward_runner)
_CADENCE_JITTER_SPM = 6.0  # +- around the preset's cadence: events fall on different sub-frame phases


@dataclass(frozen=True)
class Condition:
    """One cell of the sweep: a factor, its level, and the `RunnerSpec` fields it sets."""

    factor: str  # "base", "noise_px", "dropout_fraction", "swap_fraction", "fps", "setting", "facing", ...
    level: float | str
    overrides: tuple[tuple[str, Any], ...] = ()

    @property
    def label(self) -> str:
        return f"{self.factor}={self.level}"


@dataclass(frozen=True)
class SweepGrid:
    """Which conditions to run.

    Attributes
    ----------
    base
        `RunnerSpec` fields of the realistic base condition every factor varies from: 60 fps, keypoint noise
        4 px (1.7 % of leg length, like BlazePose's on the real clips: 1.1-1.8 %), 2 % missing points and 2 %
        of frames with the legs' labels swapped.
    factors
        Factor name -> levels. Numeric factors are `RunnerSpec` fields; "setting" takes "treadmill" /
        "overground", "facing" +1 / -1.
    seeds
        Runners per condition (preset and cadence jitter follow the seed).
    duration_s
        Clip length of each runner.
    """

    base: dict[str, Any] = field(default_factory=lambda: {"fps": 60.0, "noise_px": 4.0, "dropout_fraction": 0.02,
                                                          "swap_fraction": 0.02})
    factors: dict[str, tuple[Any, ...]] = field(default_factory=lambda: {
        "noise_px": (0.0, 1.0, 2.0, 4.0, 6.0, 9.0),
        "dropout_fraction": (0.0, 0.02, 0.05, 0.1, 0.2, 0.3),
        "swap_fraction": (0.0, 0.02, 0.05, 0.1, 0.2),
        "fps": (240.0, 120.0, 60.0, 50.0, 30.0, 25.0),
        "setting": ("treadmill", "overground"),
        "facing": (1, -1),
        "camera_tilt_deg": (-5.0, 0.0, 2.0, 5.0, 8.0),
    })
    seeds: int = 6
    duration_s: float = 10.0

    def conditions(self) -> list[Condition]:
        out = []
        for factor, levels in self.factors.items():
            for level in levels:
                out.append(Condition(factor, level, _overrides(factor, level)))
        return out


def _overrides(factor: str, level: Any) -> tuple[tuple[str, Any], ...]:
    if factor == "setting":
        return (("treadmill", level == "treadmill"),)
    if factor == "facing":
        return (("facing", int(level)),)
    return ((factor, float(level)),)


def event_tol_frames(fps: float) -> int:
    """Matching tolerance for events: 2 frames, or 35 ms where 2 frames are shorter (data README)."""
    return max(2, int(round(0.035 * fps)))


def runner_spec(grid: SweepGrid, condition: Condition, seed: int) -> RunnerSpec:
    """The runner of one seed under one condition: preset by seed, cadence jittered, base, then overrides."""
    rng = np.random.default_rng(10_000 + seed)
    preset = _PRESETS[seed % len(_PRESETS)]
    cadence = preset().cadence_spm + float(rng.uniform(-_CADENCE_JITTER_SPM, _CADENCE_JITTER_SPM))
    fields_ = {**grid.base, "duration_s": grid.duration_s, "cadence_spm": cadence, "seed": seed,
               **dict(condition.overrides)}
    if not fields_.get("treadmill", True):
        fields_["duration_s"] = min(grid.duration_s, 8.0)  # overground: the runner crosses the picture
    return preset(**fields_)


def _video_info(spec: RunnerSpec, frames: int) -> VideoInfo:
    return VideoInfo(path="synthetic.mp4", codec="h264", width_px=spec.image_width_px, height_px=spec.image_height_px,
                     rotation_deg=0, file_fps=spec.fps, capture_fps=spec.fps, capture_fps_source="file",
                     frame_count=frames, duration_s=spec.duration_s)


def reference_steps(spec: RunnerSpec, truth: SyntheticTruth, config: Config | None = None) -> list[StepMetrics]:
    """Every metric evaluated on the noise-free keypoints at the true events (the sweep's reference).

    Definition: METRICS.md "Per-step metrics"; the events are `SyntheticTruth.contacts`. The runner
    coordinates are exact: the same runner is drawn level and facing right, and only y is flipped (no floor
    fit, whose own error belongs to the pipeline under test).
    """
    config = config or Config()
    level = replace(spec, camera_tilt_deg=0.0, facing=1, noise_px=0.0, dropout_fraction=0.0, swap_fraction=0.0)
    _, clean = make_runner(level)
    xy = clean.xy_clean_px.copy()
    xy[..., 1] = clean.floor_row_px - xy[..., 1]
    n = len(xy)
    conf = np.where(np.isfinite(xy).all(-1), spec.confidence, 0.0)
    body = Track(time_s=np.arange(n) / spec.fps, frame_index=np.arange(n), xy=xy, confidence=conf, fps=spec.fps)
    scene = Scene(direction=1, camera_tilt_deg=0.0, floor_angle_deg=0.0, floor_y_px={"L": 0.0, "R": 0.0},
                  body_offset_y_px=0.0, leg_length_px=truth.leg_length_px, px_per_m=None,
                  image_width_px=spec.image_width_px, image_height_px=spec.image_height_px)
    contacts = [Contact(side=s, ic_row=ic, to_row=to, ic_frame=ic, to_frame=to, ic_time_s=ic / spec.fps,  # type: ignore[arg-type]
                        to_time_s=to / spec.fps, confidence=1.0) for s, ic, to in truth.contacts]
    return compute_steps(body, scene, contacts, truth.step_time_s, config.metrics)


@dataclass(frozen=True)
class RunResult:
    """One synthetic clip scored against its truth. Errors are detected minus truth."""

    condition: Condition
    seed: int
    fps: float
    failed: str | None  # the StridelensError message when the pipeline refused the clip
    invalid: bool = False  # the generator could not draw this runner: not counted at all
    n_true: int = 0
    n_found: int = 0
    n_spurious: int = 0
    n_detected: int = 0
    ic_errors_frames: tuple[int, ...] = ()
    to_errors_frames: tuple[int, ...] = ()
    cadence_error_spm: float = math.nan
    mean_errors: dict[str, float] = field(default_factory=dict)  # clip mean - reference mean, per metric
    step_errors: dict[str, tuple[float, ...]] = field(default_factory=dict)  # matched steps
    strike_agreement: float = math.nan
    sides_right: float = math.nan
    leg_length_px: float = math.nan


def _mean_of(steps: Iterable[StepMetrics], key: str) -> float:
    values = [getattr(s, key) for s in steps if getattr(s, key) is not None]
    return float(np.mean(values)) if values else math.nan


def run_synthetic(spec: RunnerSpec, condition: Condition, *, config: Config | None = None) -> RunResult:
    """Analyse one synthetic runner and score it (see module docstring)."""
    from ..pipeline import analyze_track

    config = config or Config()
    try:
        track, truth = make_runner(spec)
    except ValueError as exc:  # a jittered runner the generator cannot draw (e.g. out of the leg's reach)
        return RunResult(condition, spec.seed, spec.fps, failed=f"invalid runner: {exc}", invalid=True)
    try:
        result = analyze_track(track, video=_video_info(spec, len(track)), config=config, camera_shift_pct=0.0,
                               other_people_fraction=0.0)
    except StridelensError as exc:
        return RunResult(condition, spec.seed, spec.fps, failed=str(exc), n_true=len(truth.contacts))
    ref = reference_steps(spec, truth, config)
    ref_by_ic = {s.ic_frame: s for s in ref}
    true_ic = [c[1] for c in truth.contacts]
    score = score_contacts([c.ic_frame for c in result.contacts], true_ic, event_tol_frames(spec.fps))
    contacts = {c.ic_frame: c for c in result.contacts}
    steps = {s.ic_frame: s for s in result.steps}
    to_err, sides = [], []
    step_err: dict[str, list[float]] = {k: [] for k in SWEEP_METRICS}
    strike = []
    for i, d in score.matches:
        side, ic, to = truth.contacts[i]
        to_err.append(contacts[d].to_frame - to)
        sides.append(contacts[d].side == side)
        if d not in steps:
            continue
        got, want = steps[d], ref_by_ic[ic]
        for k in SWEEP_METRICS:
            a, b = getattr(got, k), getattr(want, k)
            if a is not None and b is not None and not got.low_confidence:
                step_err[k].append(float(a - b))
        if got.foot_strike and want.foot_strike:
            strike.append(got.foot_strike == want.foot_strike)
    mean_err = {}
    for k in SWEEP_METRICS:
        got_mean = result.overall[k].mean
        want = truth.cadence_spm if k == "cadence_spm" else _mean_of(ref, k)
        mean_err[k] = float(got_mean - want) if got_mean is not None and math.isfinite(want) else math.nan
    return RunResult(
        condition, spec.seed, spec.fps, failed=None, n_true=score.annotated, n_found=score.found,
        n_spurious=score.spurious, n_detected=score.detected_in_span, ic_errors_frames=score.errors_frames,
        to_errors_frames=tuple(to_err), cadence_error_spm=mean_err["cadence_spm"], mean_errors=mean_err,
        step_errors={k: tuple(v) for k, v in step_err.items()},
        strike_agreement=float(np.mean(strike)) if strike else math.nan,
        sides_right=float(np.mean(sides)) if sides else math.nan, leg_length_px=result.scene.leg_length_px)


@dataclass(frozen=True)
class ConditionSummary:
    """A condition's runs pooled. `rmse` is over runs (clip means); `step_rmse` over matched steps."""

    factor: str
    level: float | str
    runs: int
    failed: int
    fps: float
    recall: float
    spurious_fraction: float
    ic_error_median_frames: float
    ic_error_p95_abs_frames: float
    ic_error_p95_abs_ms: float
    to_error_median_frames: float
    to_error_p95_abs_frames: float
    to_error_p95_abs_ms: float
    within_1_frame: float
    cadence_rmse_spm: float
    sides_right: float
    strike_agreement: float
    bias: dict[str, float]
    rmse: dict[str, float]
    step_rmse: dict[str, float]
    noise_pct: float  # keypoint noise SD in % of leg length (reference leg length)


def _rms(x: Iterable[float]) -> float:
    a = np.asarray([v for v in x if math.isfinite(v)], dtype=float)
    return float(np.sqrt(np.mean(a**2))) if a.size else math.nan


def _pct(x: Iterable[float], q: float) -> float:
    a = np.asarray(list(x), dtype=float)
    return float(np.percentile(np.abs(a), q)) if a.size else math.nan


def _med(x: Iterable[float]) -> float:
    a = np.asarray(list(x), dtype=float)
    return float(np.median(a)) if a.size else math.nan


def summarise_condition(runs: list[RunResult], noise_pct: float) -> ConditionSummary:
    """Pool the runs of one condition (failed runs count as misses in `recall`)."""
    c = runs[0].condition
    fps = runs[0].fps
    runs = [r for r in runs if not r.invalid]
    ok = [r for r in runs if r.failed is None]
    ic = [e for r in ok for e in r.ic_errors_frames]
    to = [e for r in ok for e in r.to_errors_frames]
    n_true = sum(r.n_true for r in runs)
    n_det = sum(r.n_detected for r in ok)
    bias, rmse, step_rmse = {}, {}, {}
    for k in SWEEP_METRICS:
        means = [r.mean_errors.get(k, math.nan) for r in ok]
        finite = [m for m in means if math.isfinite(m)]
        bias[k] = float(np.median(finite)) if finite else math.nan
        rmse[k] = _rms(means)
        step_rmse[k] = _rms([e for r in ok for e in r.step_errors.get(k, ())])
    return ConditionSummary(
        factor=c.factor, level=c.level, runs=len(runs), failed=len(runs) - len(ok), fps=fps,
        recall=sum(r.n_found for r in ok) / n_true if n_true else math.nan,
        spurious_fraction=sum(r.n_spurious for r in ok) / n_det if n_det else 0.0,
        ic_error_median_frames=_med(ic), ic_error_p95_abs_frames=_pct(ic, 95),
        ic_error_p95_abs_ms=_pct(ic, 95) * 1000 / fps, to_error_median_frames=_med(to),
        to_error_p95_abs_frames=_pct(to, 95), to_error_p95_abs_ms=_pct(to, 95) * 1000 / fps,
        within_1_frame=float(np.mean(np.abs(ic) <= 1)) if ic else math.nan,
        cadence_rmse_spm=_rms([r.cadence_error_spm for r in ok]),
        sides_right=_med([r.sides_right for r in ok if math.isfinite(r.sides_right)]),
        strike_agreement=_med([r.strike_agreement for r in ok if math.isfinite(r.strike_agreement)]),
        bias=bias, rmse=rmse, step_rmse=step_rmse, noise_pct=noise_pct)


def run_condition(grid: SweepGrid, condition: Condition, *, config: Config | None = None) -> list[RunResult]:
    """All seeded runners of one condition."""
    return [run_synthetic(runner_spec(grid, condition, seed), condition, config=config) for seed in range(grid.seeds)]


def _noise_pct(grid: SweepGrid, condition: Condition, runs: list[RunResult]) -> float:
    noise = dict(condition.overrides).get("noise_px", grid.base.get("noise_px", 0.0))
    legs = [r.leg_length_px for r in runs if math.isfinite(r.leg_length_px) and not r.invalid]
    leg = float(np.median(legs)) if legs else RunnerSpec().leg_length_px
    return float(noise) / leg * 100.0


def summarise_run(grid: SweepGrid, condition: Condition, *, config: Config | None = None) -> ConditionSummary:
    """Run one condition's seeded runners and summarise them."""
    runs = run_condition(grid, condition, config=config)
    return summarise_condition(runs, _noise_pct(grid, condition, runs))


def sweep(grid: SweepGrid | None = None, *, config: Config | None = None,
          progress: Callable[[str], None] | None = None) -> list[ConditionSummary]:
    """Run every condition of `grid` and summarise each (see module docstring)."""
    grid = grid or SweepGrid()
    out = []
    for condition in grid.conditions():
        out.append(summarise_run(grid, condition, config=config))
        if progress:
            progress(condition.label)
    return out


def grid_for_table(fps_levels: Iterable[float], noise_levels_px: Iterable[float], *, seeds: int = 6,
                   duration_s: float = 10.0) -> list[tuple[SweepGrid, Condition]]:
    """The fps x noise cells that the expected-error table (`metrics.uncertainty`) is fitted on."""
    cells = []
    for fps in fps_levels:
        for noise in noise_levels_px:
            grid = SweepGrid(base={"fps": float(fps), "noise_px": float(noise), "dropout_fraction": 0.02,
                                   "swap_fraction": 0.02}, factors={}, seeds=seeds, duration_s=duration_s)
            cells.append((grid, Condition("table", f"{fps:g}fps/{noise:g}px")))
    return cells


def run_table(fps_levels: Iterable[float], noise_levels_px: Iterable[float], *, seeds: int = 6,
              duration_s: float = 10.0, config: Config | None = None,
              progress: Callable[[str], None] | None = None) -> list[ConditionSummary]:
    """Summaries of every fps x noise cell (`grid_for_table`)."""
    out = []
    for grid, condition in grid_for_table(fps_levels, noise_levels_px, seeds=seeds, duration_s=duration_s):
        out.append(replace(summarise_run(grid, condition, config=config), fps=grid.base["fps"]))
        if progress:
            progress(condition.label)
    return out
