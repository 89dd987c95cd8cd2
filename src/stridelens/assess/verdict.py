"""The hip-position verdict and the findings beyond it. Definitions: METRICS.md "Hip-position verdict"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..config import AssessConfig
from ..metrics.steps import StepMetrics, Summary, symmetry_index_pct

__all__ = ["Finding", "Verdict", "assess_findings", "assess_verdict"]

Label = Literal["neutral", "hips_back", "hips_forward"]


@dataclass(frozen=True, slots=True)
class Driver:
    key: str  # METRICS.md key
    value: float
    threshold: float
    unit: str
    direction: str  # "below" / "above": the value is beyond the threshold this way


@dataclass(frozen=True, slots=True)
class Verdict:
    label: Label
    severity: Literal["mild", "marked"] | None  # None for neutral
    confidence: float  # 0-1
    drivers: tuple[Driver, ...]  # metrics that drove the verdict
    supporting: tuple[Driver, ...]  # typical companion signs that were also present
    typical_step_index: int | None  # index into the steps list
    worst_step_index: int | None
    typical_frame: int | None  # midstance frame of the typical step
    worst_frame: int | None
    summary: str  # one plain sentence for a runner


@dataclass(frozen=True, slots=True)
class Finding:
    key: str  # e.g. "low_cadence"
    title: str
    metric: str  # METRICS.md key
    value: float
    unit: str
    target: str  # plain-words target, e.g. "170-180 steps/min"
    severity: Literal["mild", "marked"]
    confidence: float
    message: str


def _mean(summary: dict[str, Summary], key: str) -> float | None:
    s = summary.get(key)
    return None if s is None else s.mean


def _steps_value(steps: list[StepMetrics], key: str) -> np.ndarray:
    return np.array([np.nan if getattr(s, key) is None else getattr(s, key) for s in steps], dtype=float)


def assess_verdict(steps: list[StepMetrics], overall: dict[str, Summary], config: AssessConfig,
                   steps_per_side_stable: int) -> Verdict:
    """Decide neutral / hips_back / hips_forward from the hip offset, waist bend and trunk lean.

    Hips back: the hip centre trails the ankle-shoulder line (`hip_offset_pct` below the back threshold),
    or the runner bends at the waist with the hips behind the line. Hips forward: the hip centre is ahead
    of the line while the trunk is upright or leaning back (the lean does not come from the ankles).
    Overstride, reaching shank, straight knee at IC and little hip extension are supporting signs; they
    raise the severity but never decide the label alone (they have other causes too).
    """
    cfg = config
    offset = _mean(overall, "hip_offset_pct")
    bend = _mean(overall, "waist_bend_deg")
    trunk = _mean(overall, "trunk_lean_deg")
    drivers: list[Driver] = []
    label: Label = "neutral"
    if offset is not None and offset <= cfg.hip_offset_back_pct:
        label = "hips_back"
        drivers.append(Driver("hip_offset_pct", offset, cfg.hip_offset_back_pct, "% leg", "below"))
    if bend is not None and bend >= cfg.waist_bend_max_deg and (offset is None or offset < 0):
        label = "hips_back"
        drivers.append(Driver("waist_bend_deg", bend, cfg.waist_bend_max_deg, "deg", "above"))
    if label == "neutral" and offset is not None and offset >= cfg.hip_offset_forward_pct:
        label = "hips_forward"
        drivers.append(Driver("hip_offset_pct", offset, cfg.hip_offset_forward_pct, "% leg", "above"))
        if trunk is not None and trunk <= cfg.upright_trunk_max_deg:
            drivers.append(Driver("trunk_lean_deg", trunk, cfg.upright_trunk_max_deg, "deg", "below"))
    supporting = tuple(_supporting_signs(overall, cfg)) if label == "hips_back" else ()
    if label == "hips_forward" and trunk is not None and trunk <= cfg.upright_trunk_max_deg:
        supporting = ()
    severity = None
    if label != "neutral":
        marked = (offset is not None and abs(offset) >= cfg.hip_offset_marked_pct) or len(supporting) >= 2 \
            or len(drivers) >= 2
        severity = "marked" if marked else "mild"
    typical, worst = _evidence_steps(steps, label)
    confidence = _confidence(steps, label, cfg, steps_per_side_stable)
    return Verdict(
        label=label, severity=severity, confidence=confidence, drivers=tuple(drivers), supporting=supporting,
        typical_step_index=typical, worst_step_index=worst,
        typical_frame=steps[typical].midstance_frame if typical is not None else None,
        worst_frame=steps[worst].midstance_frame if worst is not None else None,
        summary=_sentence(label, severity, offset, bend, trunk),
    )


def _supporting_signs(overall: dict[str, Summary], cfg: AssessConfig) -> list[Driver]:
    checks = (
        ("foot_ahead_com_pct", cfg.foot_ahead_com_max_pct, "% leg", "above"),
        ("shank_angle_ic_deg", cfg.shank_angle_ic_max_deg, "deg", "above"),
        ("knee_flexion_ic_deg", cfg.knee_flexion_ic_min_deg, "deg", "below"),
        ("hip_extension_to_deg", cfg.hip_extension_to_min_deg, "deg", "below"),
    )
    out = []
    for key, threshold, unit, direction in checks:
        value = _mean(overall, key)
        if value is None:
            continue
        if (direction == "above" and value > threshold) or (direction == "below" and value < threshold):
            out.append(Driver(key, value, threshold, unit, direction))
    return out


def _evidence_steps(steps: list[StepMetrics], label: Label) -> tuple[int | None, int | None]:
    """Most typical step (offset nearest the median) and worst step (most extreme the verdict's way)."""
    offsets = _steps_value(steps, "hip_offset_pct")
    good = np.array([not s.low_confidence for s in steps], dtype=bool) & np.isfinite(offsets)
    if not good.any():
        return None, None
    idx = np.flatnonzero(good)
    median = np.median(offsets[idx])
    typical = int(idx[np.argmin(np.abs(offsets[idx] - median))])
    if label == "hips_back":
        worst = int(idx[np.argmin(offsets[idx])])
    elif label == "hips_forward":
        worst = int(idx[np.argmax(offsets[idx])])
    else:
        worst = int(idx[np.argmax(np.abs(offsets[idx]))])
    return typical, worst


def _confidence(steps: list[StepMetrics], label: Label, cfg: AssessConfig, stable_per_side: int) -> float:
    """Agreement of the individual steps with the verdict x keypoint confidence x enough steps."""
    offsets = _steps_value(steps, "hip_offset_pct")
    ok = np.isfinite(offsets) & np.array([not s.low_confidence for s in steps], dtype=bool)
    if not ok.any():
        return 0.0
    o = offsets[ok]
    if label == "hips_back":
        agree = np.mean(o <= cfg.hip_offset_back_pct / 2)
    elif label == "hips_forward":
        agree = np.mean(o >= cfg.hip_offset_forward_pct / 2)
    else:
        agree = np.mean((o > cfg.hip_offset_back_pct) & (o < cfg.hip_offset_forward_pct))
    per_side = min(sum(1 for s in steps if s.side == side and not s.low_confidence) for side in "LR")
    enough = min(1.0, per_side / stable_per_side)
    kp = float(np.mean([s.confidence for s, k in zip(steps, ok, strict=True) if k]))
    return round(float(agree * kp * (0.5 + 0.5 * enough)), 2)


def _sentence(label: Label, severity: str | None, offset: float | None, bend: float | None,
              trunk: float | None) -> str:
    off = f"{offset:+.1f} % of leg length" if offset is not None else "not measured"
    if label == "neutral":
        return (f"Your hips are where they should be: in line with your ankles and shoulders at midstance "
                f"(hip offset {off}), so your lean comes from the ankles.")
    if label == "hips_back":
        extra = f" and you bend {bend:.0f} deg at the waist" if bend is not None and bend > 0 else ""
        return (f"Your hips sit back ({severity}): at midstance they trail the ankle-shoulder line "
                f"(hip offset {off}){extra}. This usually goes with landing too far ahead of your body.")
    trunk_txt = f"; your trunk leans {trunk:.0f} deg" if trunk is not None else ""
    return (f"Your hips are pushed forward ({severity}): at midstance they are ahead of the "
            f"ankle-shoulder line (hip offset {off}){trunk_txt}, so the lean does not come from the ankles.")


@dataclass(frozen=True, slots=True)
class _Rule:
    """A finding fires when the mean of `metric` is beyond the `AssessConfig` threshold `threshold`."""

    key: str
    title: str
    metric: str
    unit: str
    threshold: str  # AssessConfig attribute
    above: bool  # True: a finding when the value is above the threshold
    target: str  # formatted with t = threshold
    message: str  # formatted with v = the runner's value


_RULES: tuple[_Rule, ...] = (
    _Rule("low_cadence", "Low cadence", "cadence_spm", "steps/min", "cadence_low_spm", False, "170-180 steps/min",
          "You take {v:.0f} steps per minute; most runners land lighter at 170-180."),
    _Rule("overstride", "Overstriding", "foot_ahead_com_pct", "% leg", "foot_ahead_com_max_pct", True,
          "below {t:.0f} % of leg length",
          "Your foot lands {v:.0f} % of your leg length ahead of your centre of mass: a braking step."),
    _Rule("overstride", "Reaching shank at landing", "shank_angle_ic_deg", "deg", "shank_angle_ic_max_deg", True,
          "below {t:.0f} deg", "Your shin reaches forward {v:.0f} deg at landing: the foot lands ahead of the knee."),
    _Rule("waist_bend", "Bending at the waist", "waist_bend_deg", "deg", "waist_bend_max_deg", True,
          "below {t:.0f} deg",
          "Your trunk leans {v:.0f} deg more than your legs: the lean comes from the waist, not the ankles."),
    _Rule("stiff_knee", "Stiff landing", "knee_flexion_mid_deg", "deg", "knee_flexion_mid_min_deg", False,
          "about {t:.0f}-45 deg", "Your knee bends only {v:.0f} deg in stance: a stiff landing that absorbs little."),
    _Rule("low_hip_extension", "Little hip extension at push-off", "hip_extension_to_deg", "deg",
          "hip_extension_to_min_deg", False, "above {t:.0f} deg",
          "At toe-off your thigh is only {v:.0f} deg behind your trunk: a short push-off."),
    _Rule("high_vertical_oscillation", "Bouncing", "vertical_oscillation_pct", "% leg", "vertical_oscillation_max_pct",
          True, "below {t:.0f} % of leg length", "Your centre of mass rises and falls {v:.0f} % of your leg length "
          "each step."),
)
_MARKED_BEYOND_FRACTION = 0.25  # heuristic: beyond the threshold by a quarter of it is "marked"


def assess_findings(steps: list[StepMetrics], overall: dict[str, Summary], per_side: dict[str, dict[str, Summary]],
                    config: AssessConfig) -> list[Finding]:
    """Findings beyond the verdict, each on its own (METRICS.md): cadence, overstride, waist bend, stiff knee,
    low hip extension, bouncing, L/R asymmetry. One finding per key: the first rule of a key that fires."""
    cfg = config
    out: list[Finding] = []
    kp = float(np.mean([s.confidence for s in steps])) if steps else 0.0
    for rule in _RULES:
        value = _mean(overall, rule.metric)
        threshold = getattr(cfg, rule.threshold)
        if value is None or any(f.key == rule.key for f in out) or (value > threshold) != rule.above:
            continue
        beyond = abs(value - threshold) / max(abs(threshold), 1.0)
        out.append(Finding(key=rule.key, title=rule.title, metric=rule.metric, value=float(value), unit=rule.unit,
                           target=rule.target.format(t=threshold),
                           severity="marked" if beyond >= _MARKED_BEYOND_FRACTION else "mild",
                           confidence=round(kp * min(1.0, overall[rule.metric].n / 8), 2),
                           message=rule.message.format(v=value)))
    side_conf = min(float(np.mean([s.confidence for s in steps if s.side == side] or [0.0])) for side in "LR")
    for metric, label, unit, limit in (
            ("contact_time_ms", "contact time", "% (L-R)", cfg.asymmetry_max_pct),
            ("knee_flexion_mid_deg", "knee bend", "% (L-R)", cfg.asymmetry_max_pct),
            ("foot_ahead_com_pct", "landing distance", "% leg (L-R)", cfg.asymmetry_foot_ahead_max_pct)):
        si = symmetry_index_pct(per_side["L"][metric], per_side["R"][metric], key=metric)
        n = min(per_side[s][metric].n for s in "LR")
        if si is not None and abs(si) > limit and n >= 3:
            out.append(Finding(
                key=f"asymmetry_{metric}", title=f"Left/right difference in {label}", metric=metric,
                value=float(si), unit=unit, target=f"within +-{limit:.0f} {unit.split(' ')[0]}",
                severity="marked" if abs(si) > 2 * limit else "mild",
                confidence=round(side_conf * min(1.0, n / 8), 2),
                message=f"Your {label} differs by {abs(si):.0f} {unit.split(' (')[0]} between left and right "
                        f"({'left' if si > 0 else 'right'} larger)."))
    return out
