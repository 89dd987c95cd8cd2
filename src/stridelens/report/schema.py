"""The analysis.json schema: pydantic models (they also export JSON Schema: `stridelens schema`).

Versioned by `SCHEMA_VERSION`: a change that removes or renames a field bumps the major number; 1.1 added
`expected_error` and `sdd` to `summary.overall` and the top-level `uncertainty` (issue #4), 1.2
`analysis_method`.
Field names are METRICS.md's keys.
"""

from __future__ import annotations

import math
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..metrics.steps import StepMetrics

__all__ = ["SCHEMA_VERSION", "AnalysisReport", "StepRow", "Uncertainty", "to_report"]

SCHEMA_VERSION = "1.2"  # 1.1: expected errors and SDDs (summary.overall, uncertainty); 1.2: analysis_method

METRIC_DOCS: dict[str, str] = {
    "side": "Foot of this stance: L or R.",
    "ic_frame": "Initial contact: first frame the foot is on the ground (0-based, decode order).",
    "to_frame": "Toe-off: last frame the foot is on the ground (0-based, decode order).",
    "midstance_frame": "Frame in stance where the hip centre is lowest.",
    "ic_time_s": "Time of initial contact, real seconds from the first frame.",
    "to_time_s": "Time of toe-off, real seconds.",
    "step_time_s": "IC to the next contralateral IC.",
    "cadence_spm": "60 / step time, steps per minute.",
    "contact_time_ms": "TO - IC.",
    "flight_time_ms": "Next contralateral IC - TO.",
    "duty_factor": "Contact time / stride time (IC to next ipsilateral IC).",
    "body_lean_deg": "Angle from vertical of stance ankle -> COM at midstance, forward positive.",
    "body_lean_mean_deg": "Mean over stance of stance ankle -> COM lean.",
    "trunk_lean_deg": "Angle from vertical of hip centre -> shoulder centre, mean over stance, forward positive.",
    "waist_bend_deg": "Trunk lean minus stance ankle -> hip lean at midstance; positive = bending at the waist.",
    "hip_offset_pct": "Signed distance of the hip centre from the line stance ankle -> shoulder centre at "
                      "midstance, % of leg length; ahead positive (negative = hips back).",
    "hip_com_offset_pct": "Horizontal hip centre - COM, mean over stance, % of leg length.",
    "foot_ahead_com_pct": "Horizontal distance of the contact heel (or ankle) ahead of the COM at IC, % leg.",
    "foot_ahead_hip_pct": "Horizontal distance of the contact heel (or ankle) ahead of the hip at IC, % leg.",
    "foot_ahead_com_cm": "foot_ahead_com in cm (only with --height-cm).",
    "foot_ahead_hip_cm": "foot_ahead_hip in cm (only with --height-cm).",
    "shank_angle_ic_deg": "Tibia inclination from vertical at IC, positive when the ankle is ahead of the knee.",
    "knee_flexion_ic_deg": "Knee flexion at IC (0 = straight).",
    "knee_flexion_mid_deg": "Peak knee flexion in stance.",
    "hip_extension_to_deg": "Thigh behind the trunk line at TO, extension positive.",
    "foot_strike_angle_deg": "Heel -> toe angle vs the floor at IC, toes up positive.",
    "foot_strike": "rearfoot (> 8 deg), midfoot (-1.6..8), forefoot (< -1.6); Altman & Davis 2012.",
    "vertical_oscillation_pct": "COM vertical peak-to-peak over the step, % leg length.",
    "vertical_oscillation_cm": "COM vertical peak-to-peak over the step, cm (only with --height-cm).",
    "confidence": "0-1 from the keypoint confidence of the points used.",
    "low_confidence": "True when the points used were below the confidence threshold: the step is left out "
                      "of summaries and verdict.",
}

_step_hints = get_type_hints(StepMetrics)
StepRow = create_model(  # one row of `steps`, generated from the core dataclass so the two never drift
    "StepRow",
    __config__=ConfigDict(extra="forbid"),
    **{f.name: (_step_hints[f.name], Field(description=METRIC_DOCS.get(f.name, ""))) for f in fields(StepMetrics)},
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VideoFacts(_Model):
    file: str = Field(description="File name of the analysed video.")
    codec: str
    width_px: int
    height_px: int
    rotation_deg: int = Field(description="Rotation from metadata, applied to make frames upright.")
    file_fps: float = Field(description="Playback frame rate stored in the file.")
    capture_fps: float = Field(description="Real capture rate used for all times.")
    capture_fps_source: Literal["file", "metadata", "user"]
    slowmo_factor: float
    frame_count: int
    duration_s: float = Field(description="Playback duration of the file.")
    analysed_frames: int
    analysed_start_s: float
    analysed_end_s: float


class SummaryStat(_Model):
    mean: float | None
    sd: float | None
    n: int
    expected_error: float | None = Field(
        default=None, description="RMS error to expect of `mean` for this video's frame rate, picture and "
                                  "keypoint noise (docs/accuracy.md); overall only.")
    sdd: float | None = Field(
        default=None, description="Smallest detectable difference: a change of `mean` between two sessions "
                                  "smaller than this is no measurable change (1.96 sqrt(2) SEM); overall only.")


class Summaries(_Model):
    overall: dict[str, SummaryStat] = Field(description="All steps; cadence_spm = 60 / mean step time.")
    L: dict[str, SummaryStat]
    R: dict[str, SummaryStat]


class UncertaintyConditions(_Model):
    capture_fps: float
    leg_length_px: float = Field(description="Leg length in the pixels the pose model saw.")
    keypoint_confidence: float | None = Field(description="Mean confidence of the body points, 0-1.")
    keypoint_noise_pct: float | None = Field(
        description="Frame-to-frame jitter of the body points, % of leg length (metrics.uncertainty).")


class MetricUncertaintyRow(_Model):
    unit: str
    expected_error: float | None = Field(description="RMS error of the clip mean under these conditions.")
    sdd: float | None = Field(description="Smallest detectable difference between two sessions like this one.")
    tolerance: float | None = Field(description="Precision target: `reliable` when expected_error <= tolerance.")
    reliable: bool | None
    basis: Literal["synthetic", "real"] | None = Field(
        description="Where the expected error comes from: synthetic runners or real clips (docs/accuracy.md).")


class Uncertainty(_Model):
    conditions: UncertaintyConditions
    metrics: dict[str, MetricUncertaintyRow]
    method: str = Field(description="How the figures were obtained.")


class QualityRow(_Model):
    key: str
    status: Literal["ok", "warn", "fail"]
    message: str
    value: float | None
    advice: str


class SettingFacts(_Model):
    direction: Literal["left_to_right", "right_to_left"] = Field(description="Way the runner faces.")
    treadmill: bool | None
    camera_tilt_deg: float
    leg_length_px: float
    px_per_m: float | None
    step_period_s: float
    height_cm: float | None
    treadmill_speed_kmh: float | None


class EventRow(_Model):
    side: Literal["L", "R"]
    ic_frame: int
    to_frame: int
    ic_time_s: float
    to_time_s: float
    confidence: float


class DriverRow(_Model):
    key: str
    value: float
    threshold: float
    unit: str
    direction: str


class VerdictModel(_Model):
    label: Literal["neutral", "hips_back", "hips_forward"]
    severity: Literal["mild", "marked"] | None
    confidence: float
    summary: str
    drivers: list[DriverRow] = Field(description="Metrics that decided the label.")
    supporting: list[DriverRow] = Field(description="Companion signs also present.")
    typical_frame: int | None = Field(description="Midstance frame of the most typical step.")
    worst_frame: int | None = Field(description="Midstance frame of the step that shows it most.")
    typical_step: int | None = Field(description="Index into `steps`.")
    worst_step: int | None


class FindingRow(_Model):
    key: str
    title: str
    metric: str
    value: float
    unit: str
    target: str
    severity: Literal["mild", "marked"]
    confidence: float
    message: str


class DrillRow(_Model):
    key: str
    name: str
    how: str
    dose: str
    why: str
    addresses: list[str]


class Coaching(_Model):
    disclaimer: str
    drills: list[DrillRow]


class AnalysisReport(_Model):
    """Content of analysis.json."""

    schema_version: str = SCHEMA_VERSION
    stridelens_version: str
    analysis_method: str | None = Field(
        None, description="Revision of the analysis method: the date of the last change that reads the same film "
                          "differently. Compare two analyses only when it is the same (absent: before 2026-12-03).")
    created_utc: str
    video: VideoFacts
    setting: SettingFacts
    quality: list[QualityRow]
    warnings: list[str]
    summary: Summaries
    uncertainty: Uncertainty | None = Field(
        default=None, description="Expected error and SDD of every summarised metric, and the conditions they "
                                  "depend on (schema 1.1).")
    symmetry: dict[str, float | None] = Field(
        description="L/R symmetry: Robinson index in % for contact_time_ms and knee_flexion_mid_deg, "
                    "L - R in % leg length for foot_ahead_com_pct.")
    verdict: VerdictModel
    findings: list[FindingRow]
    coaching: Coaching
    events: list[EventRow]
    steps: list[StepRow]  # type: ignore[valid-type]


def _finite(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _summary(d: dict, uncertainty: dict | None = None) -> dict[str, SummaryStat]:
    unc = uncertainty or {}

    def extra(k: str) -> dict[str, float | None]:
        u = unc.get(k)
        return {"expected_error": _finite(u.expected_error), "sdd": _finite(u.sdd)} if u is not None else {}

    return {k: SummaryStat(mean=_finite(v.mean), sd=_finite(v.sd), n=v.n, **extra(k)) for k, v in d.items()}


_UNCERTAINTY_METHOD = ("expected_error: RMS error of the clip mean for this frame rate and keypoint noise, from the "
                       "stress sweep on synthetic runners and real clips; sdd: 1.96 sqrt(2) SEM with SEM from this "
                       "video's step-to-step spread (split-half study on real clips). See docs/accuracy.md.")


def _uncertainty(a: Any) -> Uncertainty | None:
    c = getattr(a, "conditions", None)
    if c is None:
        return None
    rows = {k: MetricUncertaintyRow(unit=u.unit, expected_error=_finite(u.expected_error), sdd=_finite(u.sdd),
                                    tolerance=u.tolerance, reliable=u.reliable, basis=u.basis)
            for k, u in a.uncertainty.items()}
    return Uncertainty(conditions=UncertaintyConditions(
        capture_fps=c.capture_fps, leg_length_px=c.leg_length_px, keypoint_confidence=_finite(c.keypoint_confidence),
        keypoint_noise_pct=_finite(c.noise_pct)), metrics=rows, method=_UNCERTAINTY_METHOD)


def _driver(d: Any) -> DriverRow:
    return DriverRow(key=d.key, value=d.value, threshold=d.threshold, unit=d.unit, direction=d.direction)


def to_report(analysis: Any) -> AnalysisReport:
    """Build the analysis.json model from a `pipeline.Analysis`."""
    from ..coach import DISCLAIMER

    a = analysis
    v = a.verdict
    t = a.raw_track.time_s
    return AnalysisReport(
        stridelens_version=a.version,
        analysis_method=getattr(a, "method", None),
        created_utc=datetime.now(UTC).isoformat(timespec="seconds"),
        video=VideoFacts(file=Path(a.video.path).name, codec=a.video.codec, width_px=a.video.width_px,
                         height_px=a.video.height_px, rotation_deg=a.video.rotation_deg,
                         file_fps=a.video.file_fps, capture_fps=a.video.capture_fps,
                         capture_fps_source=a.video.capture_fps_source, slowmo_factor=a.video.slowmo_factor,
                         frame_count=a.video.frame_count, duration_s=a.video.duration_s,
                         analysed_frames=len(t), analysed_start_s=float(t[0]), analysed_end_s=float(t[-1])),
        setting=SettingFacts(direction="left_to_right" if a.scene.direction > 0 else "right_to_left",
                             treadmill=a.treadmill, camera_tilt_deg=a.scene.camera_tilt_deg,
                             leg_length_px=a.scene.leg_length_px, px_per_m=a.scene.px_per_m,
                             step_period_s=a.step_period_s, height_cm=a.config.height_cm,
                             treadmill_speed_kmh=a.config.treadmill_speed_kmh),
        quality=[QualityRow(key=q.key, status=q.status, message=q.message, value=_finite(q.value),
                            advice=q.advice) for q in a.quality],
        warnings=a.warnings,
        summary=Summaries(overall=_summary(a.overall, getattr(a, "uncertainty", None)), L=_summary(a.per_side["L"]),
                          R=_summary(a.per_side["R"])),
        uncertainty=_uncertainty(a),
        symmetry={k: _finite(x) for k, x in a.symmetry_pct.items()},
        verdict=VerdictModel(
            label=v.label, severity=v.severity, confidence=v.confidence, summary=v.summary,
            drivers=[_driver(d) for d in v.drivers], supporting=[_driver(d) for d in v.supporting],
            typical_frame=v.typical_frame, worst_frame=v.worst_frame, typical_step=v.typical_step_index,
            worst_step=v.worst_step_index),
        findings=[FindingRow(key=f.key, title=f.title, metric=f.metric, value=f.value, unit=f.unit, target=f.target,
                             severity=f.severity, confidence=f.confidence, message=f.message) for f in a.findings],
        coaching=Coaching(disclaimer=DISCLAIMER, drills=[
            DrillRow(key=d.key, name=d.name, how=d.how, dose=d.dose, why=d.why, addresses=list(d.addresses))
            for d in a.drills]),
        events=[EventRow(side=c.side, ic_frame=c.ic_frame, to_frame=c.to_frame, ic_time_s=c.ic_time_s,
                         to_time_s=c.to_time_s, confidence=c.confidence) for c in a.contacts],
        steps=[StepRow(**{f.name: _finite(getattr(s, f.name)) for f in fields(StepMetrics)}) for s in a.steps],
    )

