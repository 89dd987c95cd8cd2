"""Per-step metrics (`stridelens.metrics.steps`) on a noise-free synthetic runner with known events."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from stridelens.gait.events import Contact
from stridelens.metrics import compute_steps
from stridelens.synthetic import make_runner, neutral_runner
from stridelens.tracking import Scene, Track


def _body_and_contacts(fps: float = 30.0):
    """Runner coordinates of a level runner facing right (as `eval.sweep.reference_steps` builds them)."""
    spec = neutral_runner(fps=fps, duration_s=4.0)
    _, truth = make_runner(spec)
    xy = truth.xy_clean_px.copy()
    xy[..., 1] = truth.floor_row_px - xy[..., 1]
    n = len(xy)
    body = Track(time_s=np.arange(n) / fps, frame_index=np.arange(n), xy=xy,
                 confidence=np.where(np.isfinite(xy).all(-1), 0.9, 0.0), fps=fps)
    scene = Scene(direction=1, camera_tilt_deg=0.0, floor_angle_deg=0.0, floor_y_px={"L": 0.0, "R": 0.0},
                  body_offset_y_px=0.0, leg_length_px=truth.leg_length_px, px_per_m=None,
                  image_width_px=spec.image_width_px, image_height_px=spec.image_height_px)
    contacts = [Contact(side=s, ic_row=ic, to_row=to, ic_frame=ic, to_frame=to, ic_time_s=ic / fps,  # type: ignore[arg-type]
                        to_time_s=to / fps, confidence=1.0) for s, ic, to in truth.contacts]
    return body, scene, contacts, truth.step_time_s


def test_values_at_ic_are_read_at_the_sub_frame_landing():
    body, scene, contacts, step_s = _body_and_contacts()
    at_frame = compute_steps(body, scene, contacts, step_s)
    before = compute_steps(body, scene, [replace(c, ic_row=c.ic_row - 1) for c in contacts], step_s)
    half = compute_steps(body, scene, [replace(c, ic_row_subframe=c.ic_row - 0.5) for c in contacts], step_s)
    whole = compute_steps(body, scene, [replace(c, ic_row_subframe=float(c.ic_row)) for c in contacts], step_s)
    for key in ("shank_angle_ic_deg", "knee_flexion_ic_deg", "foot_ahead_com_pct", "foot_ahead_hip_pct"):
        for a, b, h, w in zip(at_frame, before, half, whole, strict=True):
            assert getattr(w, key) == getattr(a, key)  # a whole row reads that frame
            lo, hi = sorted((getattr(a, key), getattr(b, key)))
            assert lo < getattr(h, key) < hi  # half a frame earlier: between the two frames
    # the events themselves (times, contact time) stay on frames
    assert [s.contact_time_ms for s in half] == [s.contact_time_ms for s in at_frame]
