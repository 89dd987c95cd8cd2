"""Key numbers against their targets, with a green / amber / red status, for the HTML report.

The bands come from the same `Config` thresholds the verdict and findings use (see config.py for each
source), so a number shown amber or red is the one a finding talks about. Where a finding exists for a
metric its severity decides the status (mild: amber, marked: red), so the key numbers and the findings
never disagree; otherwise the value's band does.
Metrics without an agreed target (contact time, foot strike) are shown "for info".
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

__all__ = ["KeyNumber", "Target", "band_status", "key_numbers", "targets"]

Band = tuple[float | None, float | None]  # inclusive (low, high); None: open


@dataclass(frozen=True, slots=True)
class Target:
    key: str  # METRICS.md key of the summary value
    name: str  # plain name for a runner
    unit: str
    fmt: str  # format spec of the value
    target: str  # plain-words target
    explain: str  # one line: what the number says
    green: Band | None  # None: no target, shown for info
    amber: Band | None
    scale: tuple[float, float]  # range of the bar drawn under the value
    cm_key: str | None = None  # the same length in cm (when the runner's height is known)
    source: str = ""


@dataclass(frozen=True, slots=True)
class KeyNumber:
    target: Target
    value: float | str | None  # str for categorical (foot strike)
    sd: float | None
    n: int
    cm: float | None
    status: str  # green / amber / red / info / grey (not measured)
    expected_error: float | None = None  # RMS error of the mean for this video (analysis.json schema 1.1)
    sdd: float | None = None  # smallest detectable difference between two sessions
    reliable: bool | None = None  # expected error within its precision target


def targets(config: Any) -> list[Target]:
    """The key numbers, in the order the report shows them, with bands from `config` (a `Config`)."""
    a, c = config.assess, config.coach
    lo, hi = c.cadence_target_spm
    bend = a.waist_bend_max_deg
    return [
        Target("cadence_spm", "Cadence", "steps/min", ".0f", f"{lo:.0f}-{hi:.0f} steps/min",
               "Steps per minute, both feet. More, shorter steps usually mean a softer landing under the body.",
               (lo, None), (a.cadence_low_spm, None), (140, 200), source="Heiderscheit 2011"),
        Target("hip_offset_pct", "Hip position", "% leg", "+.1f",
               f"within ±{a.hip_offset_forward_pct:.0f} % of leg length",
               "How far your hips sit ahead (+) or behind (−) the straight line from the standing ankle to "
               "the shoulders, at midstance.",
               (a.hip_offset_back_pct, a.hip_offset_forward_pct),
               (-a.hip_offset_marked_pct, a.hip_offset_marked_pct), (-12, 12), source="heuristic"),
        Target("trunk_lean_deg", "Trunk lean", "deg", ".1f", "about 7 ± 4 deg forward",
               "Forward tilt of your upper body (hips to shoulders) while the foot is on the ground.",
               (3.7, 10.9), (0.0, 14.5), (-5, 20), source="Teng & Powers 2014: 7.3 ± 3.6 deg"),
        Target("waist_bend_deg", "Bend at the waist", "deg", "+.1f", f"within ±{bend:.0f} deg",
               "How much more your trunk leans than your legs at midstance: 0 = straight like a plank, "
               "+ = folding at the waist.",
               (-bend, bend), (-1.5 * bend, 1.5 * bend), (-15, 20), source="heuristic"),
        Target("foot_ahead_com_pct", "Landing ahead of your body", "% leg", "+.1f",
               f"below {a.foot_ahead_com_max_pct:.0f} % of leg length",
               "How far ahead of your centre of mass the heel lands. Far ahead = overstriding, a braking step.",
               (None, a.foot_ahead_com_max_pct), (None, 1.4 * a.foot_ahead_com_max_pct), (-20, 50),
               cm_key="foot_ahead_com_cm", source="Wille 2014; Lieberman 2015"),
        Target("shank_angle_ic_deg", "Shin angle at landing", "deg", "+.1f",
               f"below {a.shank_angle_ic_max_deg:.0f} deg",
               "Tilt of the shin as the foot lands; + = the foot reaches out ahead of the knee.",
               (None, a.shank_angle_ic_max_deg), (None, 1.5 * a.shank_angle_ic_max_deg), (-15, 25),
               source="Souza 2016"),
        Target("knee_flexion_mid_deg", "Knee bend in stance", "deg", ".0f",
               f"about {a.knee_flexion_mid_min_deg:.0f}-45 deg",
               "The most your knee bends while the foot is on the ground; too little = a stiff landing.",
               (a.knee_flexion_mid_min_deg, 50.0), (a.knee_flexion_mid_min_deg - 5, 55.0), (10, 60),
               source="Souza 2016"),
        Target("knee_flexion_ic_deg", "Knee bend at landing", "deg", ".0f",
               f"more than {a.knee_flexion_ic_min_deg:.0f} deg",
               "A nearly straight knee at landing sends the impact straight up the leg.",
               (a.knee_flexion_ic_min_deg, None), (a.knee_flexion_ic_min_deg / 2, None), (0, 30),
               source="heuristic"),
        Target("hip_extension_to_deg", "Hip extension at push-off", "deg", ".0f",
               f"more than {a.hip_extension_to_min_deg:.0f} deg",
               "How far the thigh swings behind your trunk as the foot leaves the ground; little = short push-off.",
               (a.hip_extension_to_min_deg, None), (a.hip_extension_to_min_deg / 2, None), (-5, 30),
               source="heuristic"),
        Target("vertical_oscillation_pct", "Bounce", "% leg", ".1f",
               f"below {a.vertical_oscillation_max_pct:.0f} % of leg length",
               "How much your centre of mass rises and falls each step; less bounce is more economical.",
               (None, a.vertical_oscillation_max_pct), (None, 1.25 * a.vertical_oscillation_max_pct), (0, 25),
               cm_key="vertical_oscillation_cm", source="Van Hooren 2024"),
        Target("contact_time_ms", "Ground contact time", "ms", ".0f", "no fixed target; shorter when faster",
               "How long each foot stays on the ground per step.", None, None, (150, 400)),
        Target("foot_strike", "Foot strike", "", "", "no 'right' style",
               "Which part of the foot lands first. Where the foot lands matters more than how.", None, None,
               (0, 1), source="Altman & Davis 2012"),
    ]


def band_status(value: float | None, green: Band | None, amber: Band | None) -> str:
    """green inside the green band, amber inside the amber band, red beyond; info without a band."""
    if green is None:
        return "info"
    if value is None or not math.isfinite(value):
        return "grey"

    def inside(band: Band) -> bool:
        return (band[0] is None or value >= band[0]) and (band[1] is None or value <= band[1])

    if inside(green):
        return "green"
    return "amber" if amber is not None and inside(amber) else "red"


_RANK = ("green", "amber", "red")


def key_numbers(report: Any, config: Any) -> list[KeyNumber]:
    """The key numbers of an `AnalysisReport` with their status (see module docstring)."""
    overall = report.summary.overall
    finding_status = {f.metric: "red" if f.severity == "marked" else "amber"
                      for f in report.findings if not f.key.startswith("asymmetry_")}
    out = []
    for t in targets(config):
        if t.key == "foot_strike":
            kinds = Counter(s.foot_strike for s in report.steps if s.foot_strike)
            value = None
            if kinds:
                kind, n = kinds.most_common(1)[0]
                value = f"{kind} ({n} of {sum(kinds.values())} steps)"
            out.append(KeyNumber(t, value, None, sum(kinds.values()), None, "info" if value else "grey"))
            continue
        stat = overall.get(t.key)
        value = stat.mean if stat else None
        status = band_status(value, t.green, t.amber)
        if t.key in finding_status and status in _RANK:
            status = finding_status[t.key]  # the finding's severity, so the two sections agree
        cm = overall[t.cm_key].mean if t.cm_key and t.cm_key in overall else None
        unc = report.uncertainty.metrics.get(t.key) if getattr(report, "uncertainty", None) else None
        out.append(KeyNumber(t, value, stat.sd if stat else None, stat.n if stat else 0, cm, status,
                             expected_error=stat.expected_error if stat else None, sdd=stat.sdd if stat else None,
                             reliable=unc.reliable if unc else None))
    return out
