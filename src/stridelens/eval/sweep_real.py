"""Real-clip conditions of the stress sweep: picture down-scaling, rotation, mirroring, frame-rate resampling.

The two hand-annotated clips are analysed under changed capture conditions and scored against their
annotations (events, cadence) and against their own unchanged analysis (every metric: the change a
user would see from filming the same run differently; real clips have no truth for angles).

- Resolution, camera tilt and direction of travel need the pose model on changed pictures
  (`eval.posecache.FrameTransform`; one pose pass each, cached).
- Frame rate: the slow-motion clip (299.7 frames/s real) is thinned to 150, 100, 60, 50, 30 and 25
  frames/s by keeping every 2nd ... 12th frame (`resample_track`), from every possible first frame (12
  thinned clips at 25 frames/s, each with its own sampling phase). 240 and 120 frames/s would need an
  uneven clock; the synthetic sweep covers them. The pose model is not re-run (its frame-to-frame
  tracking would differ slightly on the thinned video).
  Events are scored in real time: a detected IC matches an annotated one within 2 frames of the new rate
  (or 35 ms where 2 frames are shorter), errors are reported in ms and in frames of the new rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..config import Config
from ..errors import StridelensError
from ..metrics.uncertainty import keypoint_noise_pct
from ..tracking import Track
from .annotations import AnnotatedClip, load_annotation, score_contacts
from .posecache import FrameTransform, PoseRunCache
from .sweep import SWEEP_METRICS, event_tol_frames

__all__ = ["RealCondition", "RealResult", "default_real_conditions", "resample_track", "run_real", "run_real_sweep"]


@dataclass(frozen=True)
class RealCondition:
    """One capture condition of one annotated clip: a picture transform and/or a resampled frame rate."""

    factor: str  # "original", "resolution", "tilt", "mirror", "fps"
    clip: str  # annotation file name (…events.json)
    transform: FrameTransform = field(default_factory=FrameTransform)
    decimate: int = 1  # keep every n-th frame (`resample_track`)
    phase: int = 0  # starting at this frame

    @property
    def label(self) -> str:
        rate = f"@1/{self.decimate}+{self.phase}" if self.decimate > 1 else ""
        return f"{self.clip.split('.')[0]}:{self.transform.label}{rate}"


@dataclass(frozen=True)
class RealResult:
    """One real condition scored against the annotation and against the clip's unchanged analysis."""

    condition: RealCondition
    failed: str | None
    capture_fps: float = math.nan
    leg_length_px: float = math.nan  # effective: in the pixels the pose model saw
    keypoint_confidence: float = math.nan
    noise_pct: float = math.nan
    camera_tilt_deg: float = math.nan
    annotated: int = 0
    found: int = 0
    spurious: int = 0
    ic_errors_ms: tuple[float, ...] = ()
    to_errors_ms: tuple[float, ...] = ()
    contact_time_errors_ms: tuple[float, ...] = ()
    cadence_spm: float = math.nan
    cadence_error_spm: float = math.nan
    strike_agreement: float = math.nan
    values: dict[str, float] = field(default_factory=dict)  # clip means
    changes: dict[str, float] = field(default_factory=dict)  # minus the unchanged clip's means

    @property
    def recall(self) -> float:
        return self.found / self.annotated if self.annotated else math.nan

    def ic_p95_abs_frames(self) -> float:
        return float(np.percentile(np.abs(self.ic_errors_ms), 95)) * self.capture_fps / 1000 \
            if self.ic_errors_ms else math.nan


# 299.7 frames/s thinned by these steps: 150, 100, 60, 50, 30, 25 frames/s (240 and 120 do not divide 299.7)
DECIMATIONS = (2, 3, 5, 6, 10, 12)


def default_real_conditions(*, quick: bool = False) -> list[RealCondition]:
    """The real-clip grid: resolution, tilt, mirror on both clips; frame rates on the slow-motion clip."""
    mit = "zzzhushi_male_side_treadmill_30fps.events.json"
    slow = "mhuang24_treadmill_side_lab_slowmo.events.json"
    out = [RealCondition("original", mit), RealCondition("original", slow)]
    scales = (0.5, 0.25) if quick else (0.5, 0.35, 0.25, 0.18, 0.12)
    out += [RealCondition("resolution", mit, FrameTransform(scale=s)) for s in scales]
    out += [RealCondition("tilt", mit, FrameTransform(rotate_deg=d)) for d in (5.0, -5.0)]
    out += [RealCondition("mirror", mit, FrameTransform(mirror=True))]
    out += [RealCondition("fps", slow, decimate=k, phase=p) for k in DECIMATIONS for p in range(k)
            if not quick or p == 0]
    if not quick:
        out += [RealCondition("resolution", slow, FrameTransform(scale=0.5))]
        out += [RealCondition("tilt", slow, FrameTransform(rotate_deg=d)) for d in (5.0, -5.0)]
        out += [RealCondition("mirror", slow, FrameTransform(mirror=True))]
    return out


def resample_track(track: Track, step: int, phase: int = 0) -> Track:
    """Every `step`-th frame from row `phase` on: the same run filmed at fps / `step`, on a uniform clock.

    File frame indices and real times are kept. Integer steps keep the frame interval uniform, as a camera's
    is (thinning to a rate that does not divide the original one would give an uneven clock).
    """
    if step < 1 or not 0 <= phase < step:
        raise ValueError("step must be >= 1 and 0 <= phase < step")
    rows = np.arange(phase, len(track), step)
    return replace(track, time_s=track.time_s[rows], frame_index=track.frame_index[rows], xy=track.xy[rows],
                   confidence=track.confidence[rows], fps=track.fps / step)


def _capture_fps(ann: AnnotatedClip) -> float | None:
    return ann.fps * float(ann.slowmo_factor_estimate) if ann.cadence_is_file_time and ann.slowmo_factor_estimate \
        else None


def _score(ann: AnnotatedClip, analysis, capture_fps_ann: float) -> dict:
    """Event scores in real time (see module docstring). Annotated file frame f is at f / `capture_fps_ann` s,
    a detection at its `ic_time_s` (time from the first decoded frame, which is file frame 0 here)."""
    fps = analysis.video.capture_fps
    frame_ms = 1000.0 / capture_fps_ann  # one annotated (file) frame in real ms
    ann_ic = [round(f * frame_ms * 10) for f in ann.ic_frames]  # integer 0.1-ms units for score_contacts
    det = {round(c.ic_time_s * 1e4): c for c in analysis.contacts}
    tol = int(round(event_tol_frames(fps) * 1000.0 / fps * 10))
    s = score_contacts(list(det), ann_ic, tol)
    steps = {st.ic_frame: st for st in analysis.steps}
    ic_err, to_err, ct_err, strike = [], [], [], []
    for i, d in s.matches:
        c = det[d]
        ic_err.append((d - ann_ic[i]) / 10)
        to_err.append(c.to_time_s * 1000 - ann.to_frames[i] * frame_ms)
        ct_err.append((c.to_time_s - c.ic_time_s) * 1000 - (ann.to_frames[i] - ann.ic_frames[i]) * frame_ms)
        st = steps.get(c.ic_frame)
        if ann.strikes[i] and st is not None and st.foot_strike:
            strike.append(st.foot_strike == ann.strikes[i])
    return {"annotated": s.annotated, "found": s.found, "spurious": s.spurious, "ic_errors_ms": tuple(ic_err),
            "to_errors_ms": tuple(to_err), "contact_time_errors_ms": tuple(ct_err),
            "strike_agreement": float(np.mean(strike)) if strike else math.nan}


def run_real(condition: RealCondition, data: Path, cache: PoseRunCache, *, config: Config | None = None,
             baseline: dict[str, float] | None = None):
    """Analyse one real condition (pose from `cache`) and score it; returns (`RealResult`, `Analysis`)."""
    from ..pipeline import analyze_track

    config = config or Config()
    ann = load_annotation(data / "annotations" / condition.clip)
    capture = _capture_fps(ann)
    pose = cache.pose(data / "videos" / ann.clip, condition.transform, fps_override=capture)
    track, video = pose.track, pose.video
    if condition.decimate > 1:
        track = resample_track(track, condition.decimate, condition.phase)
        video = replace(video, capture_fps=track.fps, capture_fps_source="user")
    try:
        a = analyze_track(track, video=video, config=config, camera_shift_pct=pose.camera_shift_pct,
                          other_people_fraction=pose.other_people_fraction)
    except StridelensError as exc:
        return RealResult(condition, failed=str(exc)), None
    values = {k: (a.overall[k].mean if a.overall[k].mean is not None else math.nan) for k in SWEEP_METRICS}
    changes = {k: values[k] - baseline[k] for k in SWEEP_METRICS} if baseline else {}
    truth_cad = ann.real_cadence_spm(capture or ann.fps)
    scores = _score(ann, a, capture or ann.fps)
    return RealResult(
        condition, failed=None, capture_fps=video.capture_fps,
        leg_length_px=a.scene.leg_length_px * condition.transform.scale,
        keypoint_confidence=float(np.nanmean(a.raw_track.confidence)),
        noise_pct=float(keypoint_noise_pct(a.raw_track, a.clean_track, a.scene.leg_length_px, config.tracking)
                        or math.nan),
        camera_tilt_deg=a.scene.camera_tilt_deg, cadence_spm=values["cadence_spm"],
        cadence_error_spm=values["cadence_spm"] - truth_cad, values=values, changes=changes, **scores), a


def run_real_sweep(conditions: list[RealCondition], data: Path, cache: PoseRunCache, *, config: Config | None = None,
                   progress=None) -> list[RealResult]:
    """Every condition; metric changes are against the same clip's "original" condition (run first)."""
    baselines: dict[str, dict[str, float]] = {}
    out = []
    for cond in sorted(conditions, key=lambda c: c.factor != "original"):
        result, _ = run_real(cond, data, cache, config=config, baseline=baselines.get(cond.clip))
        if cond.factor == "original" and result.failed is None:
            baselines[cond.clip] = result.values
            result = replace(result, changes={k: 0.0 for k in result.values})
        out.append(result)
        if progress:
            progress(cond.label)
    return out
