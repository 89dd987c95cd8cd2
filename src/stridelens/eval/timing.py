"""How much of a real clip's metrics comes from event timing: every metric at the detected events against
the same keypoints at the annotator's events.

A real clip has no angle truth, but its annotation says when each foot landed and left. Re-reading every
metric with the annotated IC and TO in place of the detected ones (same pose, cleaning and orientation)
gives the part of each metric's error that the event detector causes on real video: the real-data
counterpart of the synthetic sweep's "detected events against true events" (e.g. hip extension at TO,
read at a TO one frame late).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from ..metrics.steps import METRIC_KEYS, compute_steps
from .annotations import AnnotatedClip, score_contacts

if TYPE_CHECKING:
    from ..gait.events import Contact
    from ..pipeline import Analysis

__all__ = ["TimingEffect", "event_timing_effect", "markdown_table"]

_METRICS = tuple(k for k in METRIC_KEYS if k != "confidence")


@dataclass(frozen=True, slots=True)
class TimingEffect:
    metric: str
    steps: int  # matched stances whose metric both readings have
    at_detected: float | None  # clip mean over those stances
    at_annotated: float | None
    difference: float | None  # detected - annotated


def _annotated_contacts(ann: AnnotatedClip, analysis: Analysis, tol_file_frames: int) -> dict[int, Contact]:
    """Detected contact (by IC frame) -> the same stance with the annotator's IC and TO, for every annotated
    stance matched within `tol_file_frames` whose frames are in the track."""
    track = analysis.body_track
    row_of = {int(f): r for r, f in enumerate(track.frame_index)}
    detected = {c.ic_frame: c for c in analysis.contacts}
    score = score_contacts(list(detected), ann.ic_frames, tol_file_frames)
    out = {}
    for i, d in score.matches:
        ic_row, to_row = row_of.get(ann.ic_frames[i]), row_of.get(ann.to_frames[i])
        if ic_row is None or to_row is None or to_row <= ic_row:
            continue
        out[d] = replace(detected[d], ic_row=ic_row, to_row=to_row, ic_frame=ann.ic_frames[i],
                         to_frame=ann.to_frames[i], ic_time_s=float(track.time_s[ic_row]),
                         to_time_s=float(track.time_s[to_row]), ic_row_subframe=None)
    return out


def event_timing_effect(ann: AnnotatedClip, analysis: Analysis) -> list[TimingEffect]:
    """Per METRICS.md metric, the clip mean at the detected events minus the clip mean at the annotated ones,
    over the stances matched within 2 real frames. Unmatched detections stay in both readings (step and
    flight times need the next contact), but only matched stances are averaged."""
    k = analysis.video.capture_fps / ann.fps  # file frames per real frame
    annotated = _annotated_contacts(ann, analysis, int(round(2 * k)))
    if not annotated:
        return []
    contacts = analysis.contacts
    with_annotated = [annotated.get(c.ic_frame, c) for c in contacts]
    args = (analysis.body_track, analysis.scene)
    at_det = compute_steps(*args, contacts, analysis.step_period_s, analysis.config.metrics)
    at_ann = compute_steps(*args, with_annotated, analysis.step_period_s, analysis.config.metrics)
    keep = [i for i, c in enumerate(contacts) if c.ic_frame in annotated]
    rows = []
    for key in _METRICS:
        pairs = [(getattr(at_det[i], key), getattr(at_ann[i], key)) for i in keep
                 if not (at_det[i].low_confidence or at_ann[i].low_confidence)]
        pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
        if not pairs:
            rows.append(TimingEffect(key, 0, None, None, None))
            continue
        det_mean, ann_mean = (float(np.mean(x)) for x in zip(*pairs, strict=True))
        rows.append(TimingEffect(key, len(pairs), det_mean, ann_mean, det_mean - ann_mean))
    return rows


def markdown_table(effects: dict[str, list[TimingEffect]]) -> str:
    """One row per metric, one column per clip: 'difference (at detected, at annotated; n steps)'."""
    clips = list(effects)
    head = ("| metric | " + " | ".join(clips) + " |\n|---|" + "---|" * len(clips) + "\n")
    by_clip = {clip: {e.metric: e for e in rows} for clip, rows in effects.items()}
    lines = []
    for key in _METRICS:
        cells = []
        for clip in clips:
            e = by_clip[clip].get(key)
            if e is None or e.difference is None:
                cells.append("-")
            else:
                cells.append(f"{e.difference:+.3g} ({e.at_detected:.3g}, {e.at_annotated:.3g}; {e.steps})")
        if any(cell != "-" for cell in cells):
            lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n"
