"""Synthetic side-view runner with known answers: a stick figure as a `Track` in image pixels.

`make_runner(spec)` returns the keypoints a perfect pose model would give (plus optional noise, dropped
points and left/right leg swaps) and a `SyntheticTruth` with the events and per-step geometry that the
pipeline should find. Definitions follow METRICS.md.

Model (runner coordinates: x forward, y up, floor at y = 0; lengths scale with `leg_length_px`)
------------------------------------------------------------------------------------------------
- Timing. Stride time 120 / cadence. Initial contacts (IC) fall on frames: right foot at
  round(f0 + k * stride_frames), left foot half a stride later. Every stance lasts
  round(duty_factor * stride_frames) frames from IC to toe-off (TO); so step times vary by up to one
  frame around 60 / cadence, as real ones do, and every event lies exactly on a frame.
- Stance. The contact point moves backward relative to the hip at one constant speed (the belt speed on
  a treadmill; overground the foot is still and the hip moves forward at that speed). At IC the heel is
  `foot_ahead_pct` ahead of the hip and the heel->toe line makes `foot_strike_angle_deg` with the floor
  (toes up positive); the foot pivots about its contact point (heel, or toe for a forefoot strike) to
  flat over the first 20 % of stance, lies flat, and pivots about the toe (heel rising to
  `heel_rise_deg`) over the last 30 %. The toe, or the heel, is on the floor in every stance frame.
- Midstance is `contact_frames // 2` frames after IC. The hip is lowest there (METRICS.md's midstance)
  and rises by `vertical_oscillation_pct` (peak to peak) between consecutive midstances; a negative
  value makes the hip highest at midstance, as in walking. At midstance the hip-ankle distance gives a
  knee flexion of `knee_flexion_mid_deg`.
- Posture at midstance. With A the stance ankle, H the hip centre and S the shoulder centre:
  the line A->S leans `body_lean_deg` forward, H lies `hip_offset_pct` ahead of that line (signed
  distance), and H->S leans `waist_bend_deg` more than A->H. The three are tied together by the trunk
  length |HS|: with `waist_bend_deg=None` the trunk is `trunk_length_pct` long and the waist bend
  follows; with a number the trunk length follows (a collinear A, H, S needs a zero offset and bend).
  The hip-ankle position at midstance then fixes the stance speed. The trunk angle is constant, so the
  trunk lean is the same in every frame.
- Swing. The ankle leaves with its toe-off velocity, reaches forward, and retracts so that it lands
  moving back at `touchdown_speed_fraction` of the stance speed; it rises in a bump of
  `swing_height_pct`, and from TO on at `lift_speed_fraction` of the stance speed (the knee folds).
  Knees come from two-link inverse kinematics (thigh = shank = leg / 2, knee forward); arms swing
  opposite to the thigh of the same side, elbows bent at 90 deg; ears and nose sit above the shoulders,
  nose ahead.
- Image. Hip centre at the image centre (treadmill; overground at mid-clip), floor at `floor_row_px`,
  mirrored for `facing=-1`, then the whole picture is turned by `camera_tilt_deg` about the image
  centre (counter-clockwise on screen positive: the floor rises to the right). Points outside the
  image are missing (NaN, confidence 0). The near side is the runner's right when facing right.

Units of the `_pct` inputs and truths: % of METRICS.md's leg length L, the median hip-ankle distance of
the noise-free clip (`SyntheticTruth.leg_length_px`, found by fixed-point iteration, computed over all
frames even where points leave the image). `leg_length_px` in `RunnerSpec` is the standing leg
(thigh + shank); body proportions (foot, trunk, arms) are fractions of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..pose.base import KEYPOINT_INDEX, KEYPOINTS
from ..tracking.track import Track
from . import _body, _image
from ._body import Points, Posture

__all__ = ["RunnerSpec", "SyntheticTruth", "hips_back_runner", "hips_forward_runner", "make_runner",
           "neutral_runner", "standing", "walker"]

_FOOT_PARTS = ("ankle", "heel", "toe")
_START_FRACTION = 0.3  # first right IC, in strides after frame 0


@dataclass(frozen=True)
class RunnerSpec:
    """What to synthesise. Geometry is defined in the module docstring; `_pct` is % of leg length L.

    Parameters
    ----------
    cadence_spm, duty_factor
        Steps per minute (0: standing still) and contact time / stride time.
    fps, duration_s
        Frame rate and clip length.
    leg_length_px
        Standing leg length (hip-ankle, straight knee).
    body_lean_deg, hip_offset_pct, waist_bend_deg
        Midstance posture: lean of stance ankle -> shoulder line, hip ahead of that line, trunk lean minus
        leg lean (None: follows from `trunk_length_pct`).
    foot_ahead_pct, foot_strike_angle_deg
        Heel ahead of the hip at IC; heel->toe angle with the floor at IC (toes up positive).
    treadmill, facing
        Treadmill (hip fixed in the image) or overground (hip moves); +1 faces image right, -1 left.
    camera_tilt_deg, image_width_px, image_height_px, floor_row_px
        Whole-image rotation (counter-clockwise positive), image size, floor row (None: 90 % down).
    noise_px, dropout_fraction, swap_fraction, seed
        Gaussian noise SD on every coordinate; fraction of keypoint samples missing; fraction of frames
        with left/right leg labels exchanged (bursts of 1-3 frames); random seed.
    knee_flexion_mid_deg, vertical_oscillation_pct, swing_height_pct, trunk_length_pct, heel_rise_deg
        Knee flexion at midstance; hip peak-to-peak oscillation (negative: highest at midstance);
        swing bump height; trunk length in % of the standing leg; heel->toe angle below the floor at TO.
    touchdown_speed_fraction, arm_swing_deg
        Backward speed of the landing foot relative to the hip / stance speed; arm swing amplitude.
    lift_speed_fraction
        Upward speed of the ankle just after TO / stance speed (0: it leaves level, as before 2026-12-03).
        0.7 gives the knee-flexion and hip-extension changes around TO of the Hamner & Delp inverse
        kinematics (knee +3 / +8 / +24 deg at TO + 17 / 33 / 67 ms; docs/accuracy.md).
    far_side_offset_px
        Far-side points drawn this much higher in the image, near-side ones as much lower, halved
        (perspective); truth geometry is exact only at 0.
    confidence, far_side_confidence
        Confidence of present near-side and far-side points.
    """

    cadence_spm: float = 170.0
    duty_factor: float = 0.35
    fps: float = 60.0
    duration_s: float = 10.0
    leg_length_px: float = 250.0
    body_lean_deg: float = 5.0
    waist_bend_deg: float | None = None
    hip_offset_pct: float = 0.0
    foot_ahead_pct: float = 15.0
    foot_strike_angle_deg: float = 10.0
    treadmill: bool = True
    facing: int = 1
    camera_tilt_deg: float = 0.0
    image_width_px: int = 1280
    image_height_px: int = 720
    floor_row_px: float | None = None
    noise_px: float = 0.0
    dropout_fraction: float = 0.0
    swap_fraction: float = 0.0
    seed: int = 0
    knee_flexion_mid_deg: float = 40.0
    vertical_oscillation_pct: float = 6.0
    swing_height_pct: float = 25.0
    trunk_length_pct: float = 58.0
    heel_rise_deg: float = 30.0
    touchdown_speed_fraction: float = 0.5
    lift_speed_fraction: float = 0.7
    arm_swing_deg: float = 30.0
    far_side_offset_px: float = 0.0
    confidence: float = 0.9
    far_side_confidence: float = 0.8

    def __post_init__(self) -> None:
        checks = {
            "facing must be +1 or -1": self.facing in (1, -1),
            "cadence_spm must be >= 0": self.cadence_spm >= 0,
            "duty_factor must be in (0, 1)": 0 < self.duty_factor < 1,
            "fps, duration_s and leg_length_px must be positive":
                min(self.fps, self.duration_s, self.leg_length_px) > 0,
            "dropout_fraction and swap_fraction must be in [0, 1)":
                0 <= self.dropout_fraction < 1 and 0 <= self.swap_fraction < 1,
            "noise_px must be >= 0": self.noise_px >= 0,
        }
        for message, ok in checks.items():
            if not ok:
                raise ValueError(message)


@dataclass(frozen=True, eq=False)
class SyntheticTruth:
    """Known answers for one synthetic clip. `_pct` values are % of `leg_length_px` (METRICS.md L).

    Attributes
    ----------
    contacts
        (side "L"/"R", ic_frame, to_frame) of every complete stance in the clip, in time order: IC at
        frame >= 1, TO at frame <= T - 2, and the foot inside the image from the frame before IC to the
        frame after TO. Frames are 0-based rows of the track.
    midstance_frames
        Midstance frame of each contact: the stance frame with the lowest hip (the highest when
        `vertical_oscillation_pct` < 0).
    cadence_spm, step_time_s, contact_time_ms, duty_factor
        From the contacts: 60 / mean IC-to-next-IC time, that mean, TO - IC, and contact / stride time
        (mean over contacts). NaN where undefined (standing).
    trunk_lean_deg, waist_bend_deg, hip_offset_pct, ankle_shoulder_lean_deg
        Exact at every midstance frame (trunk lean: in every frame). Not METRICS.md's `body_lean_deg`,
        which leans to the COM: the COM model belongs to `metrics`.
    foot_ahead_hip_pct, foot_strike_angle_deg
        Heel ahead of the hip centre and heel->toe angle with the floor, exact at every IC frame.
    knee_flexion_midstance_deg
        Knee flexion at each midstance frame (the stance peak can be slightly larger).
    leg_length_px, standing_leg_length_px, trunk_length_px
        L of METRICS.md (median hip-ankle distance of the noise-free clip), thigh + shank, hip-shoulder.
    stance_speed_px_s
        Backward speed of the stance foot relative to the hip (belt or running speed).
    facing, treadmill, camera_tilt_deg, floor_row_px
        As synthesised; the floor row is before the tilt.
    swapped_frames
        Rows whose left/right leg keypoints were exchanged.
    xy_clean_px
        (T, K, 2) noise-free image keypoints before swaps and dropouts (NaN outside the image).
    """

    contacts: tuple[tuple[str, int, int], ...]
    midstance_frames: tuple[int, ...]
    cadence_spm: float
    step_time_s: float
    contact_time_ms: float
    duty_factor: float
    trunk_lean_deg: float
    waist_bend_deg: float
    hip_offset_pct: float
    ankle_shoulder_lean_deg: float
    foot_ahead_hip_pct: float
    foot_strike_angle_deg: float
    knee_flexion_midstance_deg: float
    leg_length_px: float
    standing_leg_length_px: float
    trunk_length_px: float
    stance_speed_px_s: float
    facing: int
    treadmill: bool
    camera_tilt_deg: float
    floor_row_px: float
    swapped_frames: tuple[int, ...]
    xy_clean_px: np.ndarray


def make_runner(spec: RunnerSpec) -> tuple[Track, SyntheticTruth]:
    """Synthesise one clip: image-coordinate `Track` and its `SyntheticTruth`.

    Raises
    ------
    ValueError
        When the spec is inconsistent (e.g. a waist bend with zero hip offset) or physically impossible
        (a stance ankle out of the leg's reach, a non-positive stance speed, too few frames per stance).
    """
    n_frames = round(spec.duration_s * spec.fps)
    if spec.cadence_spm == 0:
        posture, points, events = _standing(spec, n_frames)
    else:
        posture, points, events = _solve(spec, n_frames)
    xy_runner = np.stack([points[name] for name in KEYPOINTS], 1)
    xy_runner = _image.far_side_offset(xy_runner, spec)
    centre_x = float(np.mean(points["left_hip"][[0, -1], 0]))
    xy_clean = _image.to_image(xy_runner, spec, centre_x)
    visible = _image.inside_image(xy_clean, spec)
    xy_clean[~visible] = np.nan
    conf = np.where(visible, _image.base_confidence(spec)[None, :], 0.0)
    xy, conf, swapped = _image.corrupt(xy_clean, conf, spec)
    track = Track(time_s=np.arange(n_frames) / spec.fps, frame_index=np.arange(n_frames), xy=xy,
                  confidence=conf, fps=spec.fps)
    truth = _truth(spec, posture, events, visible, n_frames, swapped=swapped, xy_clean=xy_clean)
    return track, truth


# --- presets -----------------------------------------------------------------------------------------

def neutral_runner(**overrides: Any) -> RunnerSpec:
    """Straight ankle-hip-shoulder line leaning 5 deg, heel 15 % L ahead at IC, 170 spm."""
    return replace(RunnerSpec(), **overrides)


def hips_back_runner(**overrides: Any) -> RunnerSpec:
    """Hips 8 % L behind the ankle-shoulder line, bending 12 deg at the waist, overstriding."""
    base = RunnerSpec(body_lean_deg=3.0, hip_offset_pct=-8.0, waist_bend_deg=12.0, foot_ahead_pct=35.0,
                      foot_strike_angle_deg=15.0, cadence_spm=160.0, knee_flexion_mid_deg=50.0,
                      vertical_oscillation_pct=4.0)
    return replace(base, **overrides)


def hips_forward_runner(**overrides: Any) -> RunnerSpec:
    """Hips 8 % L ahead of the ankle-shoulder line, trunk leaning slightly backward."""
    base = RunnerSpec(body_lean_deg=5.0, hip_offset_pct=8.0, knee_flexion_mid_deg=45.0,
                      vertical_oscillation_pct=4.0)
    return replace(base, **overrides)


def walker(**overrides: Any) -> RunnerSpec:
    """Walking: 110 steps/min, duty factor 0.6 (double support, no flight), hip highest at midstance."""
    base = RunnerSpec(cadence_spm=110.0, duty_factor=0.6, knee_flexion_mid_deg=20.0,
                      vertical_oscillation_pct=-3.0, swing_height_pct=12.0, foot_ahead_pct=25.0,
                      body_lean_deg=2.0, heel_rise_deg=25.0)
    return replace(base, **overrides)


def standing(**overrides: Any) -> RunnerSpec:
    """Standing still, upright: straight legs, feet flat under the hip, nothing moves."""
    return replace(RunnerSpec(cadence_spm=0.0, body_lean_deg=0.0), **overrides)


# --- geometry ----------------------------------------------------------------------------------------

def _timing(spec: RunnerSpec, n_frames: int) -> tuple[dict[str, np.ndarray], int]:
    """IC frames per side (covering the clip with margin) and contact frames (TO - IC)."""
    stride = spec.fps * 120.0 / spec.cadence_spm
    contact = round(spec.duty_factor * stride)
    if contact < 4 or math.floor(stride) - contact < 2:
        raise ValueError(f"{stride:.1f} frames per stride leave too few for stance ({contact}) or swing: "
                         "raise fps or change cadence_spm / duty_factor")
    k = np.arange(-2, int(np.ceil(n_frames / stride)) + 3)
    start = _START_FRACTION * stride
    events = {"R": np.round(start + k * stride).astype(int),
              "L": np.round(start + (k + 0.5) * stride).astype(int)}
    return events, contact


def _trunk(spec: RunnerSpec, offset_px: float, mid_leg_px: float, body_lean_rad: float,
           leg_lean_rad: float) -> tuple[float, float]:
    """Trunk length and lean from the midstance posture (module docstring, "Posture at midstance")."""
    default_px = spec.trunk_length_pct / 100 * spec.leg_length_px
    if spec.waist_bend_deg is None:
        if abs(offset_px) >= default_px:
            raise ValueError("hip_offset_pct is longer than the trunk")
        return default_px, body_lean_rad - math.asin(offset_px / default_px)
    bend = math.radians(spec.waist_bend_deg)
    if offset_px == 0:
        if bend != 0:
            raise ValueError("a waist bend moves the hip off the ankle-shoulder line: give hip_offset_pct "
                             "(negative for a forward bend) or waist_bend_deg=None")
        return default_px, body_lean_rad
    x = -bend - math.asin(offset_px / mid_leg_px)
    trunk_px = offset_px / math.sin(x) if abs(x) < math.pi / 2 and math.sin(x) != 0 else math.inf
    if not 0.3 * spec.leg_length_px <= trunk_px <= spec.leg_length_px:
        raise ValueError(f"hip_offset_pct={spec.hip_offset_pct} with waist_bend_deg={spec.waist_bend_deg} "
                         f"needs a trunk {trunk_px / spec.leg_length_px:.2f} leg lengths long: use "
                         "waist_bend_deg=None or an offset of the other sign / size")
    return trunk_px, leg_lean_rad + bend


def _posture(spec: RunnerSpec, ref_px: float, contact_frames: int) -> Posture:
    """Solve the midstance posture and the stance speed, with `ref_px` as the unit of the _pct inputs."""
    leg_px = spec.leg_length_px
    offset_px = spec.hip_offset_pct / 100 * ref_px
    mid_leg_px = leg_px * math.cos(math.radians(spec.knee_flexion_mid_deg) / 2)
    body_lean = math.radians(spec.body_lean_deg)
    leg_lean = body_lean + math.asin(offset_px / mid_leg_px)
    trunk_px, trunk_lean = _trunk(spec, offset_px, mid_leg_px, body_lean, leg_lean)
    heel_ic_px = spec.foot_ahead_pct / 100 * ref_px
    strike = math.radians(spec.foot_strike_angle_deg)
    mid_frames = contact_frames // 2
    speed = _body.stance_speed(heel_ic_px, strike, leg_px, -mid_leg_px * math.sin(leg_lean), mid_frames)
    if speed <= 0:
        raise ValueError("the stance foot would not move backward: raise foot_ahead_pct or body_lean_deg")
    return Posture(
        leg_px=leg_px, ref_px=ref_px, leg_lean_rad=leg_lean, trunk_lean_rad=trunk_lean, trunk_px=trunk_px,
        mid_leg_px=mid_leg_px, hip_mid_y_px=_body.ANKLE_UP * leg_px + mid_leg_px * math.cos(leg_lean),
        heel_ic_px=heel_ic_px, strike_rad=strike, heel_rise_rad=math.radians(spec.heel_rise_deg),
        touchdown_speed_fraction=spec.touchdown_speed_fraction, lift_speed_fraction=spec.lift_speed_fraction,
        swing_height_px=spec.swing_height_pct / 100 * ref_px,
        oscillation_px=spec.vertical_oscillation_pct / 100 * ref_px,
        contact_frames=contact_frames, mid_frames=mid_frames, speed_px_per_frame=speed)


def _runner_points(spec: RunnerSpec, p: Posture, events: dict[str, np.ndarray], n_frames: int
                   ) -> tuple[Points, float]:
    """All keypoints in runner coordinates (x forward, y up, floor at 0), and the largest stance
    hip-ankle distance in leg lengths."""
    frames = np.arange(n_frames)
    mids = np.sort(np.concatenate([ic + p.mid_frames for ic in events.values()]))
    hip_y = _body.hip_height(frames, mids, p)
    hip_x = np.zeros(n_frames) if spec.treadmill else p.speed_px_per_frame * frames
    hip = np.stack([hip_x, hip_y], -1)
    points: Points = {}
    knees = {}
    reach = 0.0
    for side, name in (("L", "left"), ("R", "right")):
        heel, toe, ankle, side_reach = _body.foot(events[side], frames, hip_y, p)
        reach = max(reach, side_reach)
        for part in (heel, toe, ankle):
            part[:, 0] += hip_x
        knees[name] = _body.knee(hip, ankle, p.leg_px)
        points |= {f"{name}_hip": hip.copy(), f"{name}_knee": knees[name], f"{name}_ankle": ankle,
                   f"{name}_heel": heel, f"{name}_toe": toe}
    return points | _body.upper_body(hip, knees, p, math.radians(spec.arm_swing_deg)), reach


def _leg_length(points: Points) -> float:
    """METRICS.md L: median hip-ankle distance, both sides."""
    d = [np.linalg.norm(points[f"{s}_hip"] - points[f"{s}_ankle"], axis=1) for s in ("left", "right")]
    return float(np.median(np.concatenate(d)))


def _solve(spec: RunnerSpec, n_frames: int) -> tuple[Posture, Points, dict[str, np.ndarray]]:
    """Find L (the unit of the _pct inputs) so that it equals the clip's median hip-ankle distance."""
    events, contact = _timing(spec, n_frames)
    ref_px = spec.leg_length_px * math.cos(math.radians(spec.knee_flexion_mid_deg) / 2)
    for _ in range(100):
        posture = _posture(spec, ref_px, contact)
        points, reach = _runner_points(spec, posture, events, n_frames)
        new_px = _leg_length(points)
        if abs(new_px - ref_px) < 1e-10 * spec.leg_length_px:
            if reach > 1.0:
                raise ValueError(f"the stance ankle would be {reach:.3f} leg lengths from the hip: lower "
                                 "foot_ahead_pct or vertical_oscillation_pct, or raise knee_flexion_mid_deg")
            return posture, points, events
        ref_px = new_px
    raise RuntimeError("leg length did not converge")  # pragma: no cover - contraction in practice


def _constant(x: float, y: float, n_frames: int) -> np.ndarray:
    return np.tile(np.array([x, y], dtype=float), (n_frames, 1))


def _standing(spec: RunnerSpec, n_frames: int) -> tuple[Posture, Points, dict[str, np.ndarray]]:
    """Still, upright figure: straight legs, ankles under the hip, trunk leaning `body_lean_deg`."""
    leg_px = spec.leg_length_px
    lean = math.radians(spec.body_lean_deg)
    p = Posture(leg_px=leg_px, ref_px=leg_px, leg_lean_rad=0.0, trunk_lean_rad=lean,
                trunk_px=spec.trunk_length_pct / 100 * leg_px, mid_leg_px=leg_px,
                hip_mid_y_px=(_body.ANKLE_UP + 1) * leg_px, heel_ic_px=-_body.ANKLE_FORWARD * leg_px,
                strike_rad=0.0, heel_rise_rad=0.0, touchdown_speed_fraction=0.0, lift_speed_fraction=0.0,
                swing_height_px=0.0, oscillation_px=0.0, contact_frames=0, mid_frames=0, speed_px_per_frame=0.0)
    hip = _constant(0.0, p.hip_mid_y_px, n_frames)
    ankle = _constant(0.0, _body.ANKLE_UP * leg_px, n_frames)
    heel = _constant(p.heel_ic_px, 0.0, n_frames)
    toe = _constant(p.heel_ic_px + _body.FOOT_LENGTH * leg_px, 0.0, n_frames)
    points: Points = {}
    for name in ("left", "right"):
        points |= {f"{name}_hip": hip.copy(), f"{name}_knee": _body.knee(hip, ankle, leg_px),
                   f"{name}_ankle": ankle.copy(), f"{name}_heel": heel.copy(), f"{name}_toe": toe.copy()}
    knees = {name: points[f"{name}_knee"] for name in ("left", "right")}
    points |= _body.upper_body(hip, knees, p, 0.0)
    empty = np.zeros(0, dtype=int)
    return p, points, {"L": empty, "R": empty}


# --- truth -------------------------------------------------------------------------------------------

def _contacts(events: dict[str, np.ndarray], contact_frames: int, visible: np.ndarray, n_frames: int
              ) -> list[tuple[str, int, int]]:
    """Complete stances with the foot in the image (see `SyntheticTruth.contacts`), in time order."""
    out = []
    for side, ics in events.items():
        name = "left" if side == "L" else "right"
        foot_idx = [KEYPOINT_INDEX[f"{name}_{p}"] for p in _FOOT_PARTS]
        for ic in ics:
            to = int(ic) + contact_frames
            if ic >= 1 and to <= n_frames - 2 and visible[ic - 1:to + 2][:, foot_idx].all():
                out.append((side, int(ic), to))
    return sorted(out, key=lambda c: c[1])


def _timing_truth(contacts: list[tuple[str, int, int]], events: dict[str, np.ndarray], fps: float
                  ) -> tuple[float, float, float]:
    """Mean step time (s), contact time (ms) and duty factor over the contacts."""
    if not contacts:
        return math.nan, math.nan, math.nan
    ics = np.array([c[1] for c in contacts])
    step_s = float(np.mean(np.diff(ics)) / fps) if len(ics) > 1 else math.nan
    duty = []
    for side, ic, to in contacts:
        nxt = events[side][np.searchsorted(events[side], ic, side="right")]
        duty.append((to - ic) / (nxt - ic))
    return step_s, (contacts[0][2] - contacts[0][1]) / fps * 1000, float(np.mean(duty))


def _truth(spec: RunnerSpec, p: Posture, events: dict[str, np.ndarray], visible: np.ndarray,
           n_frames: int, *, swapped: np.ndarray, xy_clean: np.ndarray) -> SyntheticTruth:
    contacts = _contacts(events, p.contact_frames, visible, n_frames)
    step_s, contact_ms, duty = _timing_truth(contacts, events, spec.fps)
    moving = spec.cadence_spm > 0

    def step_value(value: float) -> float:
        return value if moving else math.nan  # per-step values need steps

    return SyntheticTruth(
        contacts=tuple(contacts), midstance_frames=tuple(c[1] + p.mid_frames for c in contacts),
        cadence_spm=60.0 / step_s if moving else math.nan, step_time_s=step_s, contact_time_ms=contact_ms,
        duty_factor=duty, trunk_lean_deg=math.degrees(p.trunk_lean_rad),
        waist_bend_deg=step_value(math.degrees(p.trunk_lean_rad - p.leg_lean_rad)),
        hip_offset_pct=step_value(spec.hip_offset_pct),
        ankle_shoulder_lean_deg=step_value(spec.body_lean_deg),
        foot_ahead_hip_pct=step_value(spec.foot_ahead_pct),
        foot_strike_angle_deg=step_value(spec.foot_strike_angle_deg),
        knee_flexion_midstance_deg=step_value(spec.knee_flexion_mid_deg),
        leg_length_px=p.ref_px, standing_leg_length_px=p.leg_px, trunk_length_px=p.trunk_px,
        stance_speed_px_s=p.speed_px_per_frame * spec.fps, facing=spec.facing, treadmill=spec.treadmill,
        camera_tilt_deg=spec.camera_tilt_deg, floor_row_px=_image.floor_row(spec),
        swapped_frames=tuple(int(i) for i in np.flatnonzero(swapped)), xy_clean_px=xy_clean)
