"""Every threshold of the pipeline, one frozen dataclass per stage.

Each value carries its unit in its name and its source beside it: a paper, METRICS.md, or
`heuristic` (chosen by us; the validation suite in docs/accuracy.md measures its effect).
Edges (CLI, web, batch) build one `Config` and pass it down; core code holds no literal thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

__all__ = [
    "AssessConfig",
    "CoachConfig",
    "Config",
    "GaitConfig",
    "MetricsConfig",
    "PoseConfig",
    "QualityConfig",
    "TrackingConfig",
    "VideoConfig",
]


@dataclass(frozen=True)
class VideoConfig:
    fps_override: float | None = None  # real capture rate for slow motion (--fps)
    start_s: float | None = None  # analyse from this time (--start)
    end_s: float | None = None  # analyse up to this time (--end)
    # down-scale taller frames to this height before pose inference (None: keep). 1920 halves a portrait 4K
    # clip (-36 % time, metric means within run-to-run noise) and leaves 1080p and smaller untouched;
    # measurements in docs/performance.md ("--max-height")
    max_height_px: int | None = 1920


@dataclass(frozen=True)
class PoseConfig:
    model_complexity: int = 1  # the only BlazePose model shipped in the mediapipe 0.10.21 wheel
    min_detection_confidence: float = 0.5  # mediapipe default
    min_tracking_confidence: float = 0.5  # mediapipe default
    person_check_every_s: float = 1.0  # how often to look for other people (second pose pass), heuristic
    workers: int | None = None  # threads (each its own model) for the pose pass; None: 2 with 2+ cores


@dataclass(frozen=True)
class TrackingConfig:
    min_confidence: float = 0.3  # below this a keypoint counts as missing, heuristic
    max_limb_speed_leg_per_s: float = 25.0  # faster between two frames = a jump, not a limb; a sprinter's
    # swing foot peaks near 20 m/s (~20 leg lengths/s) relative to the camera, heuristic
    max_jump_segment_s: float = 0.06  # a stretch between two jumps shorter than this is rejected, heuristic
    despike_window_s: float = 0.17  # running-median window for outlier rejection (5 frames at 30 fps)
    despike_max_window_frames: int = 7  # ... but never more frames than this: a longer window cuts the corner
    # of each landing and rejected genuine foot points (docs/accuracy.md "Tuning from the stress sweep")
    despike_mad_k: float = 5.0  # outlier when |x - median| > k * 1.4826 * MAD, heuristic
    despike_min_px_pct: float = 4.0  # ... and more than this % of leg length, heuristic
    max_gap_s: float = 0.25  # longer gaps stay missing (about one step), heuristic
    lowpass_cutoff_hz: float = 8.0  # 2nd-order Butterworth, zero-lag; running foot kinematics
    # lie below ~10 Hz (Winter 2009 recommends 6-10 Hz for gait markers); see docs/accuracy.md
    lowpass_max_fraction_of_nyquist: float = 0.6  # at 30 fps the 8 Hz cutoff stays below Nyquist
    min_present_fraction: float = 0.5  # runner must be seen in at least half of the frames


@dataclass(frozen=True)
class GaitConfig:
    # Contacts from foot speed relative to the hip: in stance the foot moves backward relative to
    # the hip at running speed (treadmill and overground alike); see gait/events.py.
    ic_speed_fraction: float = 0.6  # IC: first frame the foot moves back at >= this fraction of
    # the stance speed; heuristic, tuned on the annotated clips (docs/accuracy.md)
    to_speed_fraction: float = 0.4  # TO: last frame the toe still moves back at >= this fraction
    marker_ic_speed_fraction: float = 0.4  # marker data (`MarkerContactDetector`, no pose-model noise, >= 100 Hz):
    # IC fraction; heuristic, tuned on the Hamner & Delp 2013 force-plate events (docs/accuracy.md)
    marker_to_speed_fraction: float = 0.9  # marker data: TO = last frame the toe still moves back with the
    # ground at >= this fraction of the stance speed; same source
    min_step_s: float = 0.2  # 300 steps/min: faster is not human running, heuristic
    max_step_s: float = 0.75  # 80 steps/min: slower is walking-pace or slow motion, heuristic
    min_stance_s: float = 0.06  # shorter candidate stances are noise, heuristic
    floor_band_pct: float = 12.0  # stance foot within this % of leg length of the floor, heuristic
    running_duty_factor_max: float = 0.5  # running has flight phases: duty factor < 0.5
    running_hip_dip_max_pct: float = -1.0  # running: hip lowest at mid-stance (spring-mass), by more than
    # this % of leg length; walking vaults over the stance leg (Cavagna 1977); threshold heuristic
    plausible_cadence_spm: tuple[float, float] = (120.0, 240.0)  # running cadence range, heuristic
    slowmo_max_cadence_spm: float = 60.0  # slower steps than this are no human gait in real time: the clip
    # is slow motion (normal walking is 90-120 steps/min, running 150-200), heuristic
    typical_cadence_spm: float = 170.0  # to estimate a slow-motion factor; Heiderscheit 2011 range


@dataclass(frozen=True)
class MetricsConfig:
    rearfoot_min_deg: float = 8.0  # Altman & Davis 2012
    forefoot_max_deg: float = -1.6  # Altman & Davis 2012
    min_point_confidence: float = 0.5  # a metric from points below this is flagged low-confidence


@dataclass(frozen=True)
class QualityConfig:
    min_fps_warn: float = 50.0  # below: contact times are coarse (METRICS.md warns below 60)
    min_steps_per_side_warn: int = 4  # fewer: numbers are uncertain (issue #3)
    stable_steps_per_side: int = 7  # Dingenen 2018: >= 7 steps per side for a stable mean
    max_camera_motion_pct: float = 25.0  # background moving more than this % of leg length per step
    max_zoom_change_pct: float = 25.0  # apparent leg length changing more than this over the clip
    side_view_min_ratio: float = 0.35  # leg swing range vs leg length; front views swing little
    several_people_fraction: float = 0.3  # another person in this fraction of checked frames
    min_leg_length_px: float = 60.0  # docs/accuracy.md stress sweep: the down-scaled real clip keeps its angle
    # means within about 2 deg down to a 66-px leg (in the pixels the pose model sees), not at 47 px
    max_keypoint_noise_pct: float = 2.5  # docs/accuracy.md stress sweep: above ~2.6 % of leg length cadence,
    # knee flexion and bounce leave their precision targets at 60 fps (BlazePose on the real clips: 1.1-1.8 %)


@dataclass(frozen=True)
class AssessConfig:
    hip_offset_back_pct: float = -3.0  # heuristic: hips behind the ankle-shoulder line
    hip_offset_forward_pct: float = 3.0  # heuristic: hips ahead of the ankle-shoulder line
    hip_offset_marked_pct: float = 6.0  # heuristic: |offset| beyond this is marked
    waist_bend_max_deg: float = 8.0  # heuristic: bending at the waist beyond a straight plank
    upright_trunk_max_deg: float = 2.0  # heuristic: trunk this upright or backward = not from ankles
    foot_ahead_com_max_pct: float = 25.0  # heuristic (Wille 2014: overstride = foot far ahead of COM)
    shank_angle_ic_max_deg: float = 8.0  # heuristic (Souza 2016: reaching shank)
    knee_flexion_ic_min_deg: float = 10.0  # heuristic: straight knee at IC
    knee_flexion_mid_min_deg: float = 35.0  # Souza 2016: well under ~45 deg suggests stiff landing
    hip_extension_to_min_deg: float = 10.0  # heuristic: reduced push-off
    cadence_low_spm: float = 165.0  # Heiderscheit 2011; seed target 170-180 spm
    vertical_oscillation_max_pct: float = 12.0  # heuristic (Van Hooren 2024: lower is better)
    asymmetry_max_pct: float = 10.0  # heuristic: L/R symmetry index beyond this
    asymmetry_foot_ahead_max_pct: float = 8.0  # heuristic: L-R landing distance, % leg length
    min_confidence: float = 0.5  # findings below this confidence are not coached


@dataclass(frozen=True)
class CoachConfig:
    cadence_target_spm: tuple[float, float] = (170.0, 180.0)  # METRICS.md, Heiderscheit 2011
    cadence_max_increase_pct: float = 10.0  # never more than +10 % at once (Heiderscheit 2011)
    cadence_min_increase_pct: float = 5.0


@dataclass(frozen=True)
class Config:
    video: VideoConfig = field(default_factory=VideoConfig)
    pose: PoseConfig = field(default_factory=PoseConfig)
    tracking: TrackingConfig = field(default_factory=TrackingConfig)
    gait: GaitConfig = field(default_factory=GaitConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    quality: QualityConfig = field(default_factory=QualityConfig)
    assess: AssessConfig = field(default_factory=AssessConfig)
    coach: CoachConfig = field(default_factory=CoachConfig)
    height_cm: float | None = None  # runner's height: lengths in cm when given
    treadmill_speed_kmh: float | None = None  # informs the report; the setting is also detected

    def with_options(self, **options: Any) -> Config:
        """Return a copy with flat options (`fps_override=240`, `height_cm=178`) routed to their stage."""
        stage_of = {f.name: stage.name for stage in fields(self) if stage.name not in
                    ("height_cm", "treadmill_speed_kmh")
                    for f in fields(getattr(self, stage.name))}
        aliases = {"fps": "fps_override", "start": "start_s", "end": "end_s", "max_height": "max_height_px"}
        options = {aliases.get(k, k): v for k, v in options.items()}
        top: dict[str, Any] = {}
        per_stage: dict[str, dict[str, Any]] = {}
        for key, value in options.items():
            if key in ("height_cm", "treadmill_speed_kmh"):
                top[key] = value
            elif key in stage_of:
                per_stage.setdefault(stage_of[key], {})[key] = value
            else:
                raise TypeError(f"unknown option {key!r}")
        new = replace(self, **top)
        for stage, values in per_stage.items():
            new = replace(new, **{stage: replace(getattr(new, stage), **values)})
        return new
