"""Gait events from marker data: the video detector's stances, with toe-off where the toe leaves the ground.

Definition: METRICS.md "Gait events". For marker or inverse-kinematics data (no pose-model noise, 100 Hz or
more) the video detector's thresholds, tuned on hand-annotated 30 fps video, place toe-off 50-60 ms after
the force plate's (docs/accuracy.md): the toe keeps moving back, more and more slowly, after it lifts.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Self

import numpy as np

from ..config import GaitConfig
from ..tracking.orient import Scene
from ..tracking.track import Track
from .events import Contact, FootSpeedContactDetector, _filled

__all__ = ["MarkerContactDetector"]


def _toe_off_row(toe_x_rel: np.ndarray, time_s: np.ndarray, ic_row: int, to_row: int, min_speed_px_s: float
                 ) -> int | None:
    """Last row in [ic_row, to_row] where the toe moves back (relative to the hip) at >= `min_speed_px_s`."""
    v = np.gradient(_filled(toe_x_rel), time_s)
    on_ground = np.flatnonzero(v[ic_row:to_row + 1] <= -min_speed_px_s)
    return ic_row + int(on_ground[-1]) if on_ground.size else None


class MarkerContactDetector:
    """Detect IC and TO on marker data (motion capture, inverse kinematics), treadmill and overground alike.

    Method
    ------
    1. Stances as `FootSpeedContactDetector` finds them, with `GaitConfig.marker_ic_speed_fraction` as the IC
       fraction: IC is the first frame the foot moves back relative to the hip at that fraction of the
       stance speed.
    2. Toe-off: in late stance the toe is fixed to the ground (or belt), so relative to the hip it moves back
       at the full stance speed; once it lifts it slows down. TO is the last frame of the stance the toe still
       moves back at >= `GaitConfig.marker_to_speed_fraction` of the stance speed (when the toe never does,
       or the stance would become shorter than `min_stance_s`, the video detector's TO stays).

    Differences from the video detector: on video, blur and 30 fps hide the toe's deceleration, so TO is the
    last frame above a low fraction (0.4); marker data show it cleanly.

    Parameters
    ----------
    config
        `GaitConfig`: the video detector's settings plus `marker_ic_speed_fraction`, `marker_to_speed_fraction`.

    Attributes
    ----------
    contacts_
        One `Contact` per detected stance, both feet, in time order.
    step_period_s_
        Step period from autocorrelation (None when no periodic gait was seen).
    stance_speed_px_s_
        Backward speed of the stance foot relative to the hip (≈ running speed).
    side_cue_
        What named the feet: "perspective", "pose labels" or "none".
    """

    def __init__(self, config: GaitConfig | None = None):
        self.config = config or GaitConfig()

    def detect(self, track: Track, scene: Scene) -> Self:
        cfg = self.config
        stances = FootSpeedContactDetector(replace(cfg, ic_speed_fraction=cfg.marker_ic_speed_fraction))
        stances.detect(track, scene)
        self.step_period_s_ = stances.step_period_s_
        self.stance_speed_px_s_ = stances.stance_speed_px_s_
        self.side_cue_ = stances.side_cue_
        self.contacts_ = [self._refine(track, c) for c in stances.contacts_]
        return self

    def _refine(self, track: Track, contact: Contact) -> Contact:
        cfg = self.config
        label = contact.keypoint_side
        hip_x = track.mid("left_hip", "right_hip")[:, 0]
        toe_x_rel = track.side_point(label, "toe")[:, 0] - hip_x
        to = _toe_off_row(toe_x_rel, track.time_s, contact.ic_row, contact.to_row,
                          cfg.marker_to_speed_fraction * self.stance_speed_px_s_)
        if to is None or track.time_s[to] - track.time_s[contact.ic_row] < cfg.min_stance_s:
            return contact
        return replace(contact, to_row=to, to_frame=int(track.frame_index[to]), to_time_s=float(track.time_s[to]))
