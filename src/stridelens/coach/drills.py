"""Coaching: each finding maps to the source article's strategies, personalised with the runner's numbers.

Definition: METRICS.md "Coaching". This is coaching, not diagnosis; findings measured with low
confidence are not coached.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..assess.verdict import Finding, Verdict
from ..config import AssessConfig, CoachConfig

__all__ = ["DISCLAIMER", "Drill", "prescribe"]

DISCLAIMER = ("This is coaching advice from a video, not a medical diagnosis. If you have pain or an injury, "
              "see a physiotherapist or sports doctor before changing how you run.")


@dataclass(frozen=True, slots=True)
class Drill:
    key: str
    name: str
    how: str  # what to do
    dose: str  # how much / how often
    why: str  # the runner's value and the target
    addresses: tuple[str, ...]  # verdict label / finding keys


_LIBRARY: dict[str, tuple[str, str, str]] = {
    "ankle_lean": ("Ankle lean drill",
                   "Stand tall, body straight like a plank, and let yourself fall forward from the ankles (not the "
                   "waist) until you must step; jog off from that lean.",
                   "5 x 20 m before each run, 3 runs a week."),
    "hips_under_shoulders": ("\"Hips under shoulders\"",
                             "While running, think of stacking your hips under your shoulders and your shoulders "
                             "over the landing foot; land with the foot under the body.",
                             "Use as a cue for 1 minute in every 5 of easy running."),
    "core_bracing": ("Core bracing",
                     "Brace the trunk as if about to be pushed, keep the pelvis level (no arched lower back); "
                     "practise with dead bugs and front planks.",
                     "3 x 30-45 s planks and 3 x 10 dead bugs per side, 3 times a week."),
    "run_tall": ("Run tall / \"float\"",
                 "Imagine a string pulling the top of your head up; run tall and light, quiet feet.",
                 "Use as a cue during strides: 4-6 x 80 m, twice a week."),
    "cadence": ("Cadence step-up", "", "Run 2-3 easy runs a week with a metronome app at the target; "
                                       "keep the change for 2-4 weeks before the next step."),
    "glute_activation": ("Glute activation",
                         "Glute bridges, clamshells and lateral band walks before running.",
                         "2 x 15 each, before every run."),
    "hip_mobility": ("Hip flexor and extensor mobility",
                     "Kneeling hip-flexor stretch (tuck the pelvis), and hamstring / glute mobility.",
                     "2 x 45 s per side, daily."),
    "refilm": ("Re-film from the side",
               "Film again from the same side position, at least 60 frames/s, 10+ strides, and compare in "
               "stridelens.", "In 4-6 weeks, after practising the drills."),
}


def _cadence_plan(cadence_spm: float, cfg: CoachConfig) -> tuple[float, float]:
    """+5-10 % toward 170-180 spm, never more than +10 % at once (Heiderscheit 2011)."""
    low = cadence_spm * (1 + cfg.cadence_min_increase_pct / 100)
    high = cadence_spm * (1 + cfg.cadence_max_increase_pct / 100)
    low = min(low, cfg.cadence_target_spm[1])
    high = min(high, cfg.cadence_target_spm[1])
    return round(low), round(max(high, low))


def prescribe(verdict: Verdict, findings: list[Finding], *, cadence_spm: float | None,
              config: CoachConfig, assess: AssessConfig) -> list[Drill]:
    """Drills for the verdict and each confidently measured finding, each saying why."""
    reasons: dict[str, list[str]] = {}
    addresses: dict[str, list[str]] = {}

    def want(drill: str, because: str, what: str) -> None:
        reasons.setdefault(drill, []).append(because)
        addresses.setdefault(drill, []).append(what)

    offset = next((d.value for d in verdict.drivers if d.key == "hip_offset_pct"), None)
    if verdict.label == "hips_back" and verdict.confidence >= assess.min_confidence / 2:
        off = f"your hips trail the ankle-shoulder line by {abs(offset):.1f} % of leg length" if offset is not None \
            else "you bend at the waist"
        target = f"within +-{abs(assess.hip_offset_back_pct):.0f} %"
        for d in ("ankle_lean", "hips_under_shoulders", "core_bracing", "glute_activation"):
            want(d, f"{off} (target {target}).", "hips_back")
    if verdict.label == "hips_forward" and verdict.confidence >= assess.min_confidence / 2:
        off = f"your hips are {offset:.1f} % of leg length ahead of the ankle-shoulder line" if offset is not None \
            else "your hips are ahead of the line"
        for d in ("core_bracing", "ankle_lean", "run_tall", "hip_mobility"):
            want(d, f"{off} (target within +-{assess.hip_offset_forward_pct:.0f} %).", "hips_forward")
    for f in findings:
        if f.confidence < assess.min_confidence:
            continue  # never prescribe for a finding not measured with confidence (METRICS.md)
        because = f"{f.message} Target: {f.target}."
        mapping = {
            "low_cadence": ("cadence",),
            "overstride": ("cadence", "hips_under_shoulders", "ankle_lean"),
            "waist_bend": ("run_tall", "core_bracing", "ankle_lean"),
            "stiff_knee": ("run_tall",),
            "low_hip_extension": ("glute_activation", "hip_mobility"),
            "high_vertical_oscillation": ("run_tall", "cadence"),
        }.get(f.key, ("glute_activation",) if f.key.startswith("asymmetry_") else ())
        for d in mapping:
            want(d, because, f.key)
    drills = []
    for key in _LIBRARY:
        if key not in reasons:
            continue
        name, how, dose = _LIBRARY[key]
        if key == "cadence":
            if cadence_spm is None or cadence_spm >= config.cadence_target_spm[0]:
                continue
            low, high = _cadence_plan(cadence_spm, config)
            how = (f"Raise your cadence from {cadence_spm:.0f} to {low}-{high} steps/min (+5-10 %) with a "
                   f"metronome, same speed, shorter steps; the long-term target is "
                   f"{config.cadence_target_spm[0]:.0f}-{config.cadence_target_spm[1]:.0f}.")
        drills.append(Drill(key=key, name=name, how=how, dose=dose, why=" ".join(dict.fromkeys(reasons[key])),
                            addresses=tuple(dict.fromkeys(addresses[key]))))
    name, how, dose = _LIBRARY["refilm"]
    drills.append(Drill(key="refilm", name=name, how=how, dose=dose,
                        why="To see whether the drills changed your numbers, beyond measurement noise.",
                        addresses=("progress",)))
    return drills
