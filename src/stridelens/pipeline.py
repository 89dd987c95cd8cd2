"""`analyze`: video -> pose -> tracking -> gait -> metrics -> assess -> coach, as one typed `Analysis`.

The CLI, the web app and batch all call `analyze`; nothing here writes files (see `report/`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from . import ANALYSIS_METHOD, __version__
from ._nan import nanmean, nanpercentile
from .assess import Finding, QualityCheck, Verdict, assess_findings, assess_verdict, check_gait, check_track
from .assess.quality import check_uncertainty
from .coach import Drill, prescribe
from .config import Config, GaitConfig
from .errors import NoRunnerError, NotRunningError, StridelensError, TooFewStepsError, WrongViewError
from .gait import (
    Contact,
    FootSpeedContactDetector,
    MarkerContactDetector,
    estimate_step_period_s,
    relabel_legs,
    stance_rows,
)
from .gait.classify import classify_gait
from .io import VideoInfo, probe_video
from .metrics import StepMetrics, Summary, compute_steps, summarise, symmetry_index_pct
from .metrics.uncertainty import (
    Conditions,
    MetricUncertainty,
    keypoint_noise_pct,
    mean_keypoint_confidence,
    metric_uncertainty,
)
from .pose import PoseEstimator
from .pose.video_pass import PoseRun, estimate_poses, runner_box
from .tracking import Scene, Track, clean_track, fill_and_filter, orient, remove_outliers

if TYPE_CHECKING:
    from .pose.people import PeopleCounter

__all__ = ["Analysis", "ProgressFn", "analyze", "analyze_track", "estimate_poses"]

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, float], None]  # (stage, fraction 0-1 of that stage)


def _no_progress(stage: str, fraction: float) -> None:
    pass


@dataclass(frozen=True)
class Analysis:
    """Everything one analysis found, as typed objects. `report.to_report` turns it into analysis.json."""

    video: VideoInfo
    config: Config
    raw_track: Track  # image pixels, as the pose model gave them
    clean_track: Track  # image pixels, cleaned and filtered
    body_track: Track  # runner coordinates (x forward, y up), pixels
    scene: Scene
    contacts: list[Contact]
    steps: list[StepMetrics]
    overall: dict[str, Summary]
    per_side: dict[str, dict[str, Summary]]
    symmetry_pct: dict[str, float | None]
    verdict: Verdict
    findings: list[Finding]
    drills: list[Drill]
    quality: list[QualityCheck]
    step_period_s: float
    treadmill: bool | None
    diagnostics: dict[str, np.ndarray] = field(default_factory=dict)
    conditions: Conditions | None = None  # what the expected errors depend on (metrics.uncertainty)
    uncertainty: dict[str, MetricUncertainty] = field(default_factory=dict)  # per summarised metric
    version: str = __version__
    method: str = ANALYSIS_METHOD  # see stridelens.ANALYSIS_METHOD

    @property
    def cadence_spm(self) -> float | None:
        return self.overall["cadence_spm"].mean

    @property
    def warnings(self) -> list[str]:
        return [q.message for q in self.quality if q.status == "warn"]


def _leg_series_px(track: Track) -> np.ndarray:
    seg = [np.linalg.norm(track.side_point(s, a) - track.side_point(s, b), axis=1)
           for s in "LR" for a, b in (("hip", "knee"), ("knee", "ankle"))]
    with np.errstate(all="ignore"):
        return (nanmean([seg[0], seg[2]], 0) + nanmean([seg[1], seg[3]], 0))


def _model_scale(video: VideoInfo, config: Config) -> float:
    """Pixels the pose model saw per pixel of the video (frames are down-scaled with --max-height)."""
    limit = config.video.max_height_px
    return min(1.0, limit / video.height_px) if limit and video.height_px else 1.0


def _is_treadmill(body: Track, scene: Scene, duration_s: float) -> bool | None:
    """Treadmill when the hip hardly travels across the picture while the feet cycle."""
    hip_x = body.mid("left_hip", "right_hip")[:, 0]
    ok = np.isfinite(hip_x)
    if ok.sum() < 10:
        return None
    travel = (nanpercentile(hip_x, 95) - nanpercentile(hip_x, 5)) / scene.leg_length_px
    return bool(travel < 1.0)


def _contact_detector(video: VideoInfo, gait: GaitConfig) -> FootSpeedContactDetector | MarkerContactDetector:
    """Marker data (`sources`, codec "markers": no pose-model noise) get the marker detector, all else the video one."""
    return MarkerContactDetector(gait) if video.codec == "markers" else FootSpeedContactDetector(gait)


def _detect_slow_motion(raw: Track, clean: Track, video: VideoInfo, config: Config) -> None:
    """Raise `SlowMotionError` when steps come too slowly for any human gait at the file's frame rate.

    Every time-based threshold of the cleaning and the event detector assumes real time, so a slow-motion
    clip is first re-timed provisionally (to a typical running cadence) to tell running from walking by the
    gait itself; the user is then asked for the real capture rate rather than given numbers off by an
    unknown factor.
    """
    if video.capture_fps_source == "user":
        return
    period_s = estimate_step_period_s(clean)
    if period_s is None or 60.0 / period_s >= config.gait.slowmo_max_cadence_spm:
        return
    from .assess.quality import suggest_capture_fps
    from .errors import SlowMotionError

    cadence = 60.0 / period_s
    factor = config.gait.typical_cadence_spm / cadence
    retimed = replace(raw, time_s=raw.time_s / factor, fps=raw.fps * factor)
    clean_rt, _ = clean_track(retimed, config.tracking)
    body, scene = orient(clean_rt, image_width_px=video.width_px, image_height_px=video.height_px)
    detector = _contact_detector(video, config.gait).detect(body, scene)
    kind = classify_gait(body, detector.contacts_, step_period_s=detector.step_period_s_ or period_s / factor,
                         leg_length_px=scene.leg_length_px, duty_factor_max=config.gait.running_duty_factor_max,
                         hip_dip_max_pct=config.gait.running_hip_dip_max_pct) if detector.contacts_ else None
    what = "running" if kind is not None and kind.running else "a gait"
    fps = suggest_capture_fps(video.capture_fps, factor)
    raise SlowMotionError(
        f"This looks like {what} filmed in slow motion: at the file's {video.capture_fps:.0f} frames/s the steps "
        f"come every {period_s:.1f} s ({cadence:.0f} steps/min), which no runner does in real time; it is "
        f"probably about {factor:.0f}x slower than real time.",
        f"Pass the real capture frame rate, e.g. --fps {fps} (the phone's slow-motion setting, such as 120, 240 "
        f"or 960 frames/s).")


_FLOOR_PASSES = 3  # floor from the events' stances, events on that floor: a tilted overground clip needs 2


_Detector = FootSpeedContactDetector | MarkerContactDetector


def _floor_from_stances(unfiltered: Track, clean: Track, body: Track, scene: Scene, detector: _Detector,
                        video: VideoInfo, config: Config) -> tuple[Track, Scene, _Detector]:
    """The floor again from the toes in mid-stance of the events found (`tracking.fit_floor_in_stance`, on the
    outlier-free, unfiltered track), and the events again on that floor, until the tilt settles. A round whose
    stances give no line, or whose events come out empty, is not taken: the floor and events before it stay."""
    for _ in range(_FLOOR_PASSES):
        new_body, new_scene = orient(clean, image_width_px=video.width_px, image_height_px=video.height_px,
                                     height_cm=config.height_cm,
                                     stance=(unfiltered, stance_rows(detector.contacts_, len(clean))))
        if new_scene.floor_from != "feet in stance":  # no line in the stances: orient fell back to the band
            break
        new_detector = _contact_detector(video, config.gait).detect(new_body, new_scene)
        if not new_detector.contacts_:
            break
        moved_deg = abs(new_scene.floor_angle_deg - scene.floor_angle_deg)
        body, scene, detector = new_body, new_scene, new_detector
        if moved_deg < 0.05:
            break
    return body, scene, detector


def analyze_track(raw: Track, *, video: VideoInfo, config: Config, camera_shift_pct: float | None = None,
                  other_people_fraction: float | None = None, progress: ProgressFn = _no_progress) -> Analysis:
    """The core from raw keypoints on: cleaning, events, metrics, verdict, coaching (no I/O)."""
    progress("events", 0.0)
    unfiltered, rejected = remove_outliers(raw, config.tracking)
    clean, diagnostics = fill_and_filter(unfiltered, rejected, config.tracking)
    quality = check_track(clean, capture_fps=video.capture_fps, config=config.quality,
                          min_seen_s=0.5, camera_shift_pct=camera_shift_pct,
                          other_people_fraction=other_people_fraction, leg_length_px_series=_leg_series_px(clean))
    _detect_slow_motion(raw, clean, video, config)
    body, scene = orient(clean, image_width_px=video.width_px, image_height_px=video.height_px,
                         height_cm=config.height_cm)
    detector = _contact_detector(video, config.gait).detect(body, scene)
    body, scene, detector = _floor_from_stances(unfiltered, clean, body, scene, detector, video, config)
    hip_x = body.mid("left_hip", "right_hip")[:, 0]
    foot_range_pct = float(nanpercentile(body.side_point("L", "ankle")[:, 0] - hip_x, 95)
                           - nanpercentile(body.side_point("L", "ankle")[:, 0] - hip_x, 5)) \
        / scene.leg_length_px * 100
    kind = classify_gait(body, detector.contacts_, step_period_s=detector.step_period_s_,
                         leg_length_px=scene.leg_length_px, duty_factor_max=config.gait.running_duty_factor_max,
                         hip_dip_max_pct=config.gait.running_hip_dip_max_pct) if detector.contacts_ else None
    try:
        quality += check_gait(detector.contacts_, step_period_s=detector.step_period_s_,
                              foot_range_pct=foot_range_pct, gait_kind=kind, capture_fps=video.capture_fps,
                              fps_source=video.capture_fps_source, gait=config.gait, config=config.quality)
    except StridelensError as exc:
        # say everything that is wrong with the capture, not only the first fatal thing
        exc.message += "".join(f" Also: {q.message}" for q in quality if q.status == "warn" and
                               q.key in ("one_person", "runner_visible", "camera_still"))
        raise
    noise_pct = keypoint_noise_pct(raw, clean, scene.leg_length_px, config.tracking)  # before the relabelling
    # left/right swap correction from the gait's alternation (see gait.relabel_legs)
    body, swapped = relabel_legs(body, detector.contacts_)
    clean, _ = relabel_legs(clean, detector.contacts_)
    diagnostics["leg_labels_swapped"] = swapped
    progress("events", 1.0)
    progress("metrics", 0.0)
    steps = compute_steps(body, scene, detector.contacts_, detector.step_period_s_, config.metrics)
    overall = summarise(steps)
    per_side = {side: summarise(steps, side) for side in "LR"}
    symmetry = {key: symmetry_index_pct(per_side["L"][key], per_side["R"][key], key=key)
                for key in ("contact_time_ms", "knee_flexion_mid_deg", "foot_ahead_com_pct")}
    if abs(scene.camera_tilt_deg) > 5:
        quality.append(QualityCheck("camera_level", "warn",
                                    f"The camera is tilted {scene.camera_tilt_deg:+.1f} deg (corrected from the "
                                    f"floor line).", scene.camera_tilt_deg, "Level the phone on its tripod."))
    else:
        quality.append(QualityCheck("camera_level", "ok", f"Camera tilt {scene.camera_tilt_deg:+.1f} deg.",
                                    scene.camera_tilt_deg))
    conditions = Conditions(capture_fps=video.capture_fps, noise_pct=noise_pct,
                            leg_length_px=scene.leg_length_px * _model_scale(video, config),
                            keypoint_confidence=mean_keypoint_confidence(raw))
    uncertainty = metric_uncertainty(overall, conditions, px_per_m=scene.px_per_m, leg_length_px=scene.leg_length_px)
    quality += check_uncertainty(uncertainty, conditions, config.quality)
    verdict = assess_verdict(steps, overall, config.assess, config.quality.stable_steps_per_side)
    findings = assess_findings(steps, overall, per_side, config.assess)
    progress("metrics", 1.0)
    drills = prescribe(verdict, findings, cadence_spm=overall["cadence_spm"].mean, config=config.coach,
                       assess=config.assess)
    return Analysis(video=video, config=config, raw_track=raw, clean_track=clean, body_track=body, scene=scene,
                    contacts=detector.contacts_, steps=steps, overall=overall, per_side=per_side,
                    symmetry_pct=symmetry, verdict=verdict, findings=findings, drills=drills, quality=quality,
                    step_period_s=float(detector.step_period_s_),
                    treadmill=_is_treadmill(body, scene, float(raw.time_s[-1] - raw.time_s[0])),
                    diagnostics=diagnostics, conditions=conditions, uncertainty=uncertainty)


def analyze(path: str | os.PathLike[str], config: Config | None = None, *,
            estimator: PoseEstimator | None = None, people: PeopleCounter | None = None,
            progress: ProgressFn | None = None, reference_events: str | os.PathLike[str] | None = None,
            **options) -> Analysis:
    """Analyse a side-view running video and return the typed result, writing no files.

    Options are the flat names of `Config` fields, e.g. ``analyze("run.mp4", height_cm=178, fps_override=240,
    start_s=2.5, end_s=14)``. Raises a `StridelensError` (with `advice`) for problems the user can fix.
    Marker and keypoint files (`sources.FORMATS`, told from their content) skip the pose model;
    `reference_events` is then an optional CSV of force-plate or annotated events to compare with.
    """
    config = (config or Config()).with_options(**options)
    progress = progress or _no_progress
    from . import sources

    if sources.sniff(path) is not None:
        progress("loading", 0.0)
        recording = sources.read_source(path, config.video, reference_events=reference_events)
        progress("loading", 1.0)
        return analyze_track(recording.track, video=recording.info, config=config, progress=progress)
    progress("reading", 0.0)
    info = probe_video(path, config.video)
    progress("reading", 1.0)
    pose = estimate_poses(info, config, estimator=estimator, progress=progress, people=people)
    try:
        return analyze_track(pose.track, video=info, config=config, camera_shift_pct=pose.camera_shift_pct,
                             other_people_fraction=pose.other_people_fraction, progress=progress)
    except (NotRunningError, TooFewStepsError, NoRunnerError, WrongViewError) as first_error:
        if (pose.other_people_fraction or 0.0) < config.quality.several_people_fraction:
            raise
        return _analyze_someone_else(info, config, pose, first_error, estimator=estimator, people=people,
                                     progress=progress)


def _analyze_someone_else(info: VideoInfo, config: Config, first: PoseRun, first_error: StridelensError, *,
                          estimator: PoseEstimator | None, people: PeopleCounter | None,
                          progress: ProgressFn) -> Analysis:
    """Choose the runner when several people are in view.

    The pose model follows one person. When that person turns out not to be a runner (walking, standing,
    front view, too few steps) and someone else was seen, the clip is analysed again with the first
    person painted over, so that the model follows the other one. Costs a second pose pass, only then.
    """
    log.info("first person in view is not running (%s); looking at the other person", first_error.code)
    hide = {int(f): box for f, xy in zip(first.track.frame_index, first.track.xy, strict=True)
            if (box := runner_box(xy / np.array([info.width_px, info.height_px]))) is not None}
    second = estimate_poses(info, config, estimator=estimator, progress=progress, hide=hide, people=people)
    try:
        result = analyze_track(second.track, video=info, config=config, camera_shift_pct=second.camera_shift_pct,
                               other_people_fraction=first.other_people_fraction, progress=progress)
    except StridelensError:
        first_error.message += " None of the other people in view is running either."
        raise first_error from None
    why = {"not_running": "was not running", "wrong_view": "was not seen from the side",
           "too_few_steps": "took too few steps", "no_runner": "was not in view long enough"}
    note = QualityCheck("runner_chosen", "warn",
                        f"Several people are in view: the runner was chosen (the other person "
                        f"{why.get(first_error.code, 'was not running')}).", None,
                        "Film one runner at a time for the most reliable numbers.")
    return replace(result, quality=[*result.quality, note])


