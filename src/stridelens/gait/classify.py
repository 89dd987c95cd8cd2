"""Running or walking, told by the gait itself (not by speed, so slow motion does not fool it).

Two signs, both from the detected stances:
- duty factor: each foot is on the ground less than half the stride in running (flight phases);
- the hip's path: lowest at midstance in running (spring-mass), highest in walking (inverted pendulum;
  Cavagna 1977). This one survives when a detector tuned for running shortens walking stances.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..tracking.track import Track
from .events import Contact

__all__ = ["GaitKind", "classify_gait"]


@dataclass(frozen=True, slots=True)
class GaitKind:
    running: bool
    duty_factor: float | None  # median over complete strides
    hip_dip_pct: float | None  # median hip height at mid-stance minus at IC/TO, % leg (negative in running)
    reason: str


def _median_duty_factor(contacts: list[Contact], step_period_s: float) -> float | None:
    duties = []
    for i, c in enumerate(contacts):
        nxt = next((d for d in contacts[i + 1:] if d.side == c.side), None)
        if nxt is None:
            continue
        stride = nxt.ic_time_s - c.ic_time_s
        if 1.0 * step_period_s <= stride <= 3.0 * step_period_s:
            duties.append((c.to_time_s - c.ic_time_s) / stride)
    return float(np.median(duties)) if duties else None


def classify_gait(body: Track, contacts: list[Contact], *, step_period_s: float, leg_length_px: float,
                  duty_factor_max: float = 0.5, hip_dip_max_pct: float = -1.0) -> GaitKind:
    """Classify the gait of a runner-coordinate track (y up) from its stances."""
    duty = _median_duty_factor(contacts, step_period_s)
    hip_y = body.mid("left_hip", "right_hip")[:, 1]
    dips = [hip_y[(c.ic_row + c.to_row) // 2] - 0.5 * (hip_y[c.ic_row] + hip_y[c.to_row]) for c in contacts]
    dips = [d for d in dips if np.isfinite(d)]
    dip = float(np.median(dips)) / leg_length_px * 100 if dips else None
    if duty is not None and duty >= duty_factor_max:
        return GaitKind(False, duty, dip, f"each foot is on the ground {duty:.0%} of the stride (running has a "
                                          f"flight phase: under 50 %)")
    if dip is not None and dip > hip_dip_max_pct:
        return GaitKind(False, duty, dip, "the hips rise over the standing foot instead of dipping, as they do "
                                          "in walking")
    return GaitKind(True, duty, dip, "flight phases and a hip dip at mid-stance")
