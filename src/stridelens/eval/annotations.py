"""Hand-annotated gait events (`../shared/data/annotations/*.events.json`) and how detections are scored.

Scoring follows the data README: each annotated IC is matched one-to-one with the nearest unmatched
detected IC within N frames; detected ICs inside the annotated span that match nothing are spurious.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["AnnotatedClip", "ContactScore", "load_annotation", "score_contacts"]


@dataclass(frozen=True, slots=True)
class AnnotatedClip:
    clip: str
    fps: float  # file frame rate
    direction: str
    setting: str
    ic_frames: tuple[int, ...]
    to_frames: tuple[int, ...]
    sides: tuple[str, ...]
    strikes: tuple[str, ...]
    cadence_spm: float  # from the annotated ICs, in file time when `cadence_is_file_time`
    cadence_is_file_time: bool
    slowmo_factor_estimate: float | None

    def real_cadence_spm(self, capture_fps: float) -> float:
        """Annotated cadence in real time for a clip captured at `capture_fps`."""
        return self.cadence_spm * capture_fps / self.fps if self.cadence_is_file_time else self.cadence_spm


def load_annotation(path: str | os.PathLike[str]) -> AnnotatedClip:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    events = sorted(data["events"], key=lambda e: e["ic"])
    return AnnotatedClip(
        clip=data["clip"], fps=float(data["fps"]), direction=data.get("direction", ""),
        setting=data.get("setting", ""), ic_frames=tuple(int(e["ic"]) for e in events),
        to_frames=tuple(int(e["to"]) for e in events), sides=tuple(e["foot"] for e in events),
        strikes=tuple(e.get("strike", "") for e in events), cadence_spm=float(data["cadence_spm"]),
        cadence_is_file_time=bool(data.get("cadence_is_file_time", False)),
        slowmo_factor_estimate=data.get("slowmo_factor_estimate"))


@dataclass(frozen=True, slots=True)
class ContactScore:
    found: int  # annotated contacts matched within the tolerance
    annotated: int
    spurious: int  # detections inside the annotated span that match nothing
    detected_in_span: int
    errors_frames: tuple[int, ...]  # detected - annotated, per matched contact
    matches: tuple[tuple[int, int], ...]  # (annotated index, detected frame)

    @property
    def recall(self) -> float:
        return self.found / self.annotated if self.annotated else float("nan")

    @property
    def spurious_fraction(self) -> float:
        return self.spurious / self.detected_in_span if self.detected_in_span else 0.0

    @property
    def median_abs_error_frames(self) -> float:
        return float(np.median(np.abs(self.errors_frames))) if self.errors_frames else float("nan")


def score_contacts(detected: list[int] | tuple[int, ...], annotated: list[int] | tuple[int, ...],
                   tol_frames: int) -> ContactScore:
    """One-to-one matching of detected to annotated frames within `tol_frames` (see module docstring)."""
    truth = sorted(annotated)
    det = sorted(set(detected))
    lo, hi = truth[0] - tol_frames, truth[-1] + tol_frames
    in_span = [d for d in det if lo <= d <= hi]
    used: set[int] = set()
    errors, matches = [], []
    for i, t in enumerate(truth):
        candidates = [d for d in in_span if abs(d - t) <= tol_frames and d not in used]
        if candidates:
            d = min(candidates, key=lambda d: abs(d - t))
            used.add(d)
            errors.append(d - t)
            matches.append((i, d))
    return ContactScore(found=len(errors), annotated=len(truth), spurious=len(in_span) - len(used),
                        detected_in_span=len(in_span), errors_frames=tuple(errors), matches=tuple(matches))
