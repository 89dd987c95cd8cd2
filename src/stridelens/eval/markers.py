"""Validation on marker data: our events and angle definitions against force plates and inverse kinematics.

For every OpenSim inverse-kinematics file with marker columns under ``groundtruth/*/`` that has reference
events beside it (the Hamner & Delp 2013 trials and their ``grf_events_thr50N.csv``), the file is analysed
as `stridelens analyze` does (markers -> sagittal plane -> `MarkerContactDetector`), and

- initial contact and toe-off are scored against the force-plate events (`sources.compare_events`);
- the angle definitions of METRICS.md are compared with the inverse-kinematics joint angles of the same
  file at the same frames: knee flexion (``-knee_angle_r/l``), trunk lean (``-(pelvis_tilt +
  lumbar_extension)``, the torso's forward tilt) and hip extension behind the trunk line
  (``lumbar_extension - hip_flexion``).

Differences between the two are expected where the definitions differ (ours: straight lines between joint
centres and the acromions in the sagittal projection; OpenSim: the model's segment frames in 3D), so the
table reports them rather than asserting them equal.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..metrics.body import flexion_deg, lean_deg
from ..sources import compare_events, sniff
from ..sources.mot import OpenSimTable, read_opensim_table
from ..sources.reference import find_reference_beside

__all__ = ["AngleAgreement", "MarkerTrialAccuracy", "angles_table", "evaluate_marker_file", "events_table",
           "find_marker_trials"]


@dataclass(frozen=True, slots=True)
class AngleAgreement:
    """Ours minus the inverse-kinematics angle, over the steps."""

    n: int
    ours_mean_deg: float
    ik_mean_deg: float
    difference_mean_deg: float
    difference_sd_deg: float
    difference_max_abs_deg: float


@dataclass(frozen=True)
class MarkerTrialAccuracy:
    trial: str
    fps: float
    reference: str
    steps: int
    ic_reference: int
    ic_matched: int
    ic_missed: int
    ic_spurious: int
    ic_error_median_abs_ms: float
    ic_error_p95_abs_ms: float
    ic_error_median_signed_ms: float
    to_reference: int
    to_matched: int
    to_missed: int
    to_spurious: int
    to_error_median_abs_ms: float
    to_error_p95_abs_ms: float
    to_error_median_signed_ms: float
    side_agreement: float
    cadence_spm: float | None
    cadence_reference_spm: float | None
    cadence_error_spm: float | None
    angles: dict[str, AngleAgreement] = field(default_factory=dict)


def find_marker_trials(data: Path) -> list[Path]:
    """OpenSim files with marker columns and reference events beside them, under ``data/groundtruth``."""
    out = []
    for path in sorted((data / "groundtruth").glob("*/*")):
        if path.is_file() and sniff(path) == "opensim_mot" and find_reference_beside(path) is not None:
            table = read_opensim_table(path)
            if table.markers()[0]:
                out.append(path)
    return out


def _agreement(ours: list[float], ik: list[float]) -> AngleAgreement | None:
    pairs = [(a, b) for a, b in zip(ours, ik, strict=True) if math.isfinite(a) and math.isfinite(b)]
    if not pairs:
        return None
    a, b = np.array(pairs).T
    d = a - b
    return AngleAgreement(n=len(d), ours_mean_deg=float(a.mean()), ik_mean_deg=float(b.mean()),
                          difference_mean_deg=float(d.mean()), difference_sd_deg=float(d.std(ddof=1)) if len(d) > 1
                          else 0.0, difference_max_abs_deg=float(np.abs(d).max()))


def _ik_angles(table: OpenSimTable) -> dict[str, Callable[[str], np.ndarray]]:
    """Inverse-kinematics angles in our sign conventions, per side, in degrees."""
    scale = 1.0 if table.in_degrees else math.degrees(1.0)

    def col(name: str) -> np.ndarray:
        return table.column(name) * scale

    torso_lean = -(col("pelvis_tilt") + col("lumbar_extension"))
    return {
        "knee_flexion": lambda side: -col(f"knee_angle_{side.lower()}"),
        "trunk_lean": lambda side: torso_lean,
        "hip_extension": lambda side: col("lumbar_extension") - col(f"hip_flexion_{side.lower()}"),
    }


def _angle_comparisons(analysis: Any, table: OpenSimTable) -> dict[str, AngleAgreement]:
    """Per step, our METRICS.md angles and the IK angles at the same file rows (see the module docstring)."""
    ik = _ik_angles(table)
    body = analysis.body_track
    row_of = {int(f): r for r, f in enumerate(body.frame_index)}
    hip_c = body.mid("left_hip", "right_hip")
    shoulder_c = body.mid("left_shoulder", "right_shoulder")
    pairs: dict[str, tuple[list[float], list[float]]] = {}

    def add(key: str, ours: float | None, theirs: float) -> None:
        pairs.setdefault(key, ([], []))
        pairs[key][0].append(math.nan if ours is None else float(ours))
        pairs[key][1].append(float(theirs))

    for s in analysis.steps:
        ic, to, mid = s.ic_frame, s.to_frame, s.midstance_frame  # file rows (frame index = row of the .mot)
        knee_ik = ik["knee_flexion"](s.side)
        r = row_of[mid]
        knee_mid = flexion_deg(body.side_point(s.side, "hip")[r], body.side_point(s.side, "knee")[r],
                               body.side_point(s.side, "ankle")[r])
        add("knee_flexion_midstance_deg", float(knee_mid), knee_ik[mid])
        add("knee_flexion_ic_deg", s.knee_flexion_ic_deg, knee_ik[ic])
        peak_end = ic + max(1, int(np.ceil(0.7 * (to - ic + 1))))
        add("knee_flexion_mid_deg (stance peak)", s.knee_flexion_mid_deg, float(np.max(knee_ik[ic:peak_end])))
        add("trunk_lean_midstance_deg", float(lean_deg(hip_c[r], shoulder_c[r])), ik["trunk_lean"](s.side)[mid])
        add("trunk_lean_deg (stance mean)", s.trunk_lean_deg, float(np.mean(ik["trunk_lean"](s.side)[ic:to + 1])))
        add("hip_extension_to_deg", s.hip_extension_to_deg, ik["hip_extension"](s.side)[to])
    out = {}
    for key, (ours, theirs) in pairs.items():
        agreement = _agreement(ours, theirs)
        if agreement is not None:
            out[key] = agreement
    return out


def evaluate_marker_file(path: Path) -> MarkerTrialAccuracy:
    """Analyse one marker file and score it against its reference events and IK angles."""
    import stridelens

    analysis = stridelens.analyze(path)
    info = analysis.video
    reference = info.reference
    if reference is None:
        raise ValueError(f"{path}: no reference events beside the file")
    t = analysis.raw_track.time_s
    c = compare_events(analysis.contacts, reference, analysed_s=(float(t[0]), float(t[-1])),
                       cadence_spm=analysis.cadence_spm)
    table = read_opensim_table(path) if info.format == "opensim_mot" else None
    return MarkerTrialAccuracy(
        trial=path.name, fps=round(info.capture_fps, 3), reference=reference.source, steps=len(analysis.steps),
        ic_reference=c.ic.reference, ic_matched=c.ic.matched, ic_missed=c.ic.missed, ic_spurious=c.ic.spurious,
        ic_error_median_abs_ms=c.ic.median_abs_ms, ic_error_p95_abs_ms=c.ic.p95_abs_ms,
        ic_error_median_signed_ms=c.ic.median_signed_ms, to_reference=c.to.reference, to_matched=c.to.matched,
        to_missed=c.to.missed, to_spurious=c.to.spurious, to_error_median_abs_ms=c.to.median_abs_ms,
        to_error_p95_abs_ms=c.to.p95_abs_ms, to_error_median_signed_ms=c.to.median_signed_ms,
        side_agreement=c.side_agreement, cadence_spm=c.cadence_spm, cadence_reference_spm=c.cadence_reference_spm,
        cadence_error_spm=c.cadence_error_spm,
        angles=_angle_comparisons(analysis, table) if table is not None else {})


def events_table(rows: list[MarkerTrialAccuracy]) -> str:
    """Events against the force plate (docs/accuracy.md, "Marker data")."""
    head = ("| trial | rate | ICs found (missed / spurious) | IC error median abs (p95), signed median | "
            "TOs found (missed / spurious) | TO error median abs (p95), signed median | L/R named right | "
            "cadence (force plate) |\n|---|---|---|---|---|---|---|---|\n")
    lines = [
        f"| {r.trial} | {r.fps:.0f} Hz | {r.ic_matched}/{r.ic_reference} ({r.ic_missed} / {r.ic_spurious}) "
        f"| {r.ic_error_median_abs_ms:.0f} ms ({r.ic_error_p95_abs_ms:.0f}), {r.ic_error_median_signed_ms:+.0f} ms "
        f"| {r.to_matched}/{r.to_reference} ({r.to_missed} / {r.to_spurious}) "
        f"| {r.to_error_median_abs_ms:.0f} ms ({r.to_error_p95_abs_ms:.0f}), {r.to_error_median_signed_ms:+.0f} ms "
        f"| {r.side_agreement:.0%} | {r.cadence_spm:.2f} ({r.cadence_reference_spm:.2f}) |" for r in rows]
    return head + "\n".join(lines) + "\n"


def angles_table(rows: list[MarkerTrialAccuracy]) -> str:
    """Our angles against the inverse kinematics (docs/accuracy.md, "Angle definitions")."""
    head = ("| trial | angle | n | ours (mean) | inverse kinematics (mean) | difference mean ± SD (max abs) |\n"
            "|---|---|---|---|---|---|\n")
    lines = [f"| {r.trial} | {key} | {a.n} | {a.ours_mean_deg:.1f}° | {a.ik_mean_deg:.1f}° "
             f"| {a.difference_mean_deg:+.1f}° ± {a.difference_sd_deg:.1f}° ({a.difference_max_abs_deg:.1f}°) |"
             for r in rows for key, a in r.angles.items()]
    return head + "\n".join(lines) + "\n"
