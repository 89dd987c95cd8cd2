"""Comparing two sessions of one athlete: did the drills work?

A change counts only when it reaches the metric's smallest detectable difference (SDD); smaller changes
are shown as "no measurable change". Where both analyses carry their own SDDs (analysis.json schema 1.1+:
``summary.overall[key].sdd``), the engine's `stridelens.metrics.uncertainty.compare_reports` decides, with
the SDD of the difference sqrt((SDD_a² + SDD_b²) / 2) (source "measured"). Otherwise (older analyses, or
the engine module absent) the SDD is the larger of

- `PROVISIONAL_SDD` below, or an ``uncertainty`` field of analysis.json shaped ``{"sdd": {key: value}}`` or
  ``{key: {"sdd": value}}``, and
- the noise of the two means themselves: 1.96 * sqrt(sd1²/n1 + sd2²/n2) from the step-to-step spread
  (source "provisional").

PROVISIONAL: `PROVISIONAL_SDD` is a documented stand-in for analyses without their own SDDs; the values are
heuristic, of the order of the test-retest differences reported for 2-D video gait analysis (e.g. Pipkin
2016; Dingenen 2018), in each metric's unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["COMPARED", "METHOD_CHANGE_EFFECT", "PROVISIONAL_SDD", "Compared", "MetricChange", "compare_sessions",
           "comparison_caveats", "method_label", "sdd_table"]

PROVISIONAL_SDD: dict[str, float] = {  # PROVISIONAL, heuristic (see module docstring)
    "cadence_spm": 3.0,
    "hip_offset_pct": 2.0,
    "trunk_lean_deg": 3.0,
    "body_lean_deg": 1.5,
    "foot_ahead_com_pct": 3.0,
    "waist_bend_deg": 3.0,
    "contact_time_ms": 15.0,
    "knee_flexion_mid_deg": 4.0,
    "vertical_oscillation_pct": 1.0,
}


@dataclass(frozen=True, slots=True)
class Compared:
    """A metric shown in comparisons and trends: plain name, unit, format, and the value it should approach."""

    key: str
    name: str
    unit: str
    fmt: str
    target: float | None  # closer to this is better; None: no better or worse


COMPARED: tuple[Compared, ...] = (
    Compared("cadence_spm", "Cadence", "steps/min", ".0f", 175.0),
    Compared("hip_offset_pct", "Hip position", "% leg", "+.1f", 0.0),
    Compared("trunk_lean_deg", "Trunk lean", "deg", ".1f", 7.0),
    Compared("body_lean_deg", "Lean from the ankles", "deg", ".1f", None),
    Compared("foot_ahead_com_pct", "Landing ahead of your body", "% leg", "+.1f", 0.0),
    Compared("waist_bend_deg", "Bend at the waist", "deg", "+.1f", 0.0),
    Compared("contact_time_ms", "Ground contact time", "ms", ".0f", None),
    Compared("knee_flexion_mid_deg", "Knee bend in stance", "deg", ".0f", 40.0),
    Compared("vertical_oscillation_pct", "Bounce", "% leg", ".1f", 0.0),
)


@dataclass(frozen=True, slots=True)
class MetricChange:
    metric: Compared
    before: float | None
    after: float | None
    change: float | None  # after - before
    sdd: float
    measurable: bool  # |change| >= sdd
    verdict: str  # "better", "worse", "changed", "no measurable change" or "not measured"
    source: str = "provisional"  # "measured": both sessions' own SDDs (metrics.uncertainty)


def sdd_table(report: dict[str, Any]) -> dict[str, float]:
    """Per-metric between-session SDD: from analysis.json's `uncertainty` when present, else provisional."""
    table = dict(PROVISIONAL_SDD)
    unc = report.get("uncertainty")
    if isinstance(unc, dict):
        given = unc.get("sdd") if isinstance(unc.get("sdd"), dict) else unc
        for key, value in given.items():
            value = value.get("sdd") if isinstance(value, dict) else value
            if isinstance(value, int | float) and math.isfinite(value) and value > 0:
                table[key] = float(value)
    return table


def _stat(report: dict[str, Any], key: str) -> tuple[float | None, float | None, int]:
    stat = report.get("summary", {}).get("overall", {}).get(key) or {}
    return stat.get("mean"), stat.get("sd"), int(stat.get("n") or 0)


def _noise(sd1: float | None, n1: int, sd2: float | None, n2: int) -> float:
    if not (sd1 and sd2 and n1 > 0 and n2 > 0):
        return 0.0
    return 1.96 * math.sqrt(sd1**2 / n1 + sd2**2 / n2)


def _verdict(metric: Compared, before: float, after: float, measurable: bool) -> str:
    if not measurable:
        return "no measurable change"
    if metric.target is None:
        return "changed"
    return "better" if abs(after - metric.target) < abs(before - metric.target) else "worse"


def _engine_thresholds(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
    """Per metric, the engine's SDD of the difference, where both sessions have their own SDD."""
    try:
        from ..metrics.uncertainty import compare_reports
    except ImportError:  # the engine without per-analysis SDDs
        return {}
    out = {}
    for change in compare_reports(before, after):
        has_both = all(_sdd_of(report, change.key) is not None for report in (before, after))
        if has_both and change.threshold is not None and math.isfinite(change.threshold):
            out[change.key] = float(change.threshold)
    return out


def _sdd_of(report: dict[str, Any], key: str) -> float | None:
    stat = report.get("summary", {}).get("overall", {}).get(key) or {}
    value = stat.get("sdd")
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def compare_sessions(before: dict[str, Any], after: dict[str, Any]) -> list[MetricChange]:
    """Every `COMPARED` metric of two analysis.json dicts, with its change judged against its SDD."""
    sdd_before, sdd_after = sdd_table(before), sdd_table(after)
    measured = _engine_thresholds(before, after)
    out = []
    for metric in COMPARED:
        m1, sd1, n1 = _stat(before, metric.key)
        m2, sd2, n2 = _stat(after, metric.key)
        if metric.key in measured and m1 is not None and m2 is not None:
            sdd = measured[metric.key]
            change = m2 - m1
            measurable = change != 0 and abs(change) >= sdd
            out.append(MetricChange(metric, m1, m2, change, sdd, measurable,
                                    _verdict(metric, m1, m2, measurable), source="measured"))
            continue
        sdd = max(sdd_before.get(metric.key, 0.0), sdd_after.get(metric.key, 0.0), _noise(sd1, n1, sd2, n2))
        if m1 is None or m2 is None:
            out.append(MetricChange(metric, m1, m2, None, sdd, False, "not measured"))
            continue
        change = m2 - m1
        measurable = change != 0 and abs(change) >= sdd
        out.append(MetricChange(metric, m1, m2, change, sdd, measurable, _verdict(metric, m1, m2, measurable)))
    return out


# what the last method change did to the same films (docs/accuracy.md, "The floor line from the feet in stance")
METHOD_CHANGE_EFFECT = ("which can read the same film differently: at the last change, trunk lean by about 2 deg "
                        "and landing ahead of the body by about 5 % of leg length")


def method_label(method: str | None) -> str:
    """How a session's `analysis_method` reads in a sentence (absent: a file from before 2026-12-03)."""
    return f"the {method} method" if method else "an older method"


def comparison_caveats(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What in the two films or their analyses, not in the running, can make their numbers differ beyond the
    SDDs (these are within-session figures). Measured (docs/accuracy.md): the same run mirrored moves trunk
    lean by 2.7 deg and landing ahead of the body by 8 % of leg length, because the pose model is not
    mirror-symmetric ("Direction of travel"); the floor-line change of 2026-12-03 read the same films' trunk
    lean 2.1-2.4 deg lower and landing 4.8-5.1 % of leg length further ahead ("The floor line from the feet in
    stance")."""
    out = []
    directions = [(report.get("setting") or {}).get("direction") for report in (before, after)]
    if None not in directions and directions[0] != directions[1]:
        out.append("These two films show the runner facing opposite ways. The pose model does not see a "
                   "mirrored runner the same way: on the same run filmed from the other side, trunk lean moved by "
                   "about 3 deg and landing ahead of the body by about 8 % of leg length. Film from the same side "
                   "to compare.")
    methods = [report.get("analysis_method") for report in (before, after)]
    if methods[0] != methods[1]:
        out.append(f"These two films were analysed by different versions of the analysis ({method_label(methods[0])} "
                   f"and {method_label(methods[1])}), {METHOD_CHANGE_EFFECT}. Upload the film of the older method "
                   "again so that both are analysed the same way, then compare.")
    return out

