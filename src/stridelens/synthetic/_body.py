"""Body kinematics of the synthetic runner in runner coordinates (x forward, y up, floor at y = 0).

Private to `stridelens.synthetic`; `generator.py` documents the model and maps it into the image.
All lengths are pixels, all times are frames, all angles radians.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Body proportions as fractions of the standing leg length (hip-ankle, thigh + shank). Heuristic, close
# to Winter 2009 segment proportions (thigh ≈ shank, foot ≈ 0.15 x height ≈ 0.3 x leg).
FOOT_LENGTH = 0.28  # heel -> toe
ANKLE_FORWARD = 0.06  # ankle ahead of the heel, foot flat
ANKLE_UP = 0.09  # ankle above the floor, foot flat
UPPER_ARM = 0.38
FOREARM = 0.30
HEAD_UP = 0.22  # ears above the shoulders, along the trunk
NOSE_FORWARD = 0.09
NOSE_DOWN = 0.03

FLATTEN_FRACTION = 0.2  # of stance: the foot flattens after IC
HEEL_RISE_FRACTION = 0.3  # of stance: the heel rises before TO, the foot pivoting about the toe
MAX_SWING_REACH = 0.995  # of the leg length: a swing ankle farther from the hip is pulled in
_BUMP_PEAK = 0.4**2 * 0.6**3  # u^2 (1 - u)^3 peaks at u = 0.4
_TURN_START, _TURN_END = 0.3, 0.9  # part of swing in which the foot turns from its TO to its IC angle

Points = dict[str, np.ndarray]  # keypoint name -> (T, 2)


@dataclass(frozen=True)
class Posture:
    """Solved geometry of one runner; see `generator.py` (module docstring) for the definitions."""

    leg_px: float  # standing leg length: thigh + shank
    ref_px: float  # leg length L of METRICS.md (median hip-ankle distance), unit of the _pct inputs
    leg_lean_rad: float  # stance ankle -> hip at midstance, forward positive
    trunk_lean_rad: float  # hip -> shoulder, forward positive, constant
    trunk_px: float  # hip -> shoulder length
    mid_leg_px: float  # hip-ankle distance at midstance
    hip_mid_y_px: float  # hip height at midstance
    heel_ic_px: float  # heel ahead of the hip at IC
    strike_rad: float  # heel -> toe angle at IC, toes up positive
    heel_rise_rad: float  # heel -> toe angle at TO is minus this
    touchdown_speed_fraction: float  # backward speed of the landing foot relative to the hip / stance speed
    lift_speed_fraction: float  # upward speed of the ankle just after TO / stance speed
    swing_height_px: float
    oscillation_px: float  # hip peak-to-peak vertical oscillation
    contact_frames: int  # TO - IC
    mid_frames: int  # midstance - IC
    speed_px_per_frame: float  # backward speed of the stance foot relative to the hip


def unit(angle_rad: float | np.ndarray) -> np.ndarray:
    """Unit vector(s) leaning `angle_rad` forward from vertical (up)."""
    return np.stack([np.sin(angle_rad), np.cos(angle_rad)], -1)


def rotate(v: np.ndarray, angle_rad: np.ndarray) -> np.ndarray:
    """Rotate (N, 2) vectors counter-clockwise (toes up) by (N,) angles."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.stack([v[..., 0] * c - v[..., 1] * s, v[..., 0] * s + v[..., 1] * c], -1)


def stance_speed(heel_ic_px: float, strike_rad: float, leg_px: float, ankle_mid_x_px: float,
                 mid_frames: int) -> float:
    """Backward speed (px/frame) taking the flat-foot ankle from its IC schedule to `ankle_mid_x_px`."""
    return (_flat_heel_offset(strike_rad, leg_px) + heel_ic_px + ANKLE_FORWARD * leg_px
            - ankle_mid_x_px) / mid_frames


def _flat_heel_offset(strike_rad: float, leg_px: float) -> float:
    """Flat-foot heel position minus IC heel position: a forefoot strike pivots about the toe."""
    return 0.0 if strike_rad >= 0 else FOOT_LENGTH * leg_px * (math.cos(strike_rad) - 1.0)


def stance_foot(s: np.ndarray, p: Posture) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Heel, toe and ankle (each (N, 2); x relative to the hip, y above the floor) `s` frames after IC.

    The contact point moves back at the stance speed. The foot starts at the strike angle, pivots about
    its contact point (heel for a rearfoot strike, toe otherwise) to flat over the first
    `FLATTEN_FRACTION` of stance, and pivots about the toe to minus `heel_rise_rad` over the last
    `HEEL_RISE_FRACTION`. Both rotations start and end at rest, so the toe leaves the floor at the stance
    speed and the swing continues from there without a jump in velocity.
    """
    s = np.asarray(s, dtype=float)
    foot = FOOT_LENGTH * p.leg_px
    flat_end = FLATTEN_FRACTION * p.contact_frames
    rise_start = (1.0 - HEEL_RISE_FRACTION) * p.contact_frames
    flatten = np.clip(s / flat_end, 0.0, 1.0)
    rise = np.clip((s - rise_start) / (p.contact_frames - rise_start), 0.0, 1.0)
    angle = p.strike_rad * (1 + np.cos(np.pi * flatten)) / 2 - p.heel_rise_rad * rise**2 * (3 - 2 * rise)
    flat_heel_x = p.heel_ic_px + _flat_heel_offset(p.strike_rad, p.leg_px) - p.speed_px_per_frame * s
    heel_pivot = (s < flat_end) & (p.strike_rad >= 0)
    along = foot * np.stack([np.cos(angle), np.sin(angle)], -1)
    heel_if_heel_pivot = np.stack([flat_heel_x, np.zeros_like(s)], -1)
    toe_if_toe_pivot = np.stack([flat_heel_x + foot, np.zeros_like(s)], -1)
    heel = np.where(heel_pivot[:, None], heel_if_heel_pivot, toe_if_toe_pivot - along)
    toe = heel + along
    return heel, toe, heel + _ankle_from_heel(angle, p.leg_px)


def _ankle_from_heel(angle_rad: np.ndarray, leg_px: float) -> np.ndarray:
    offset = np.broadcast_to(np.array([ANKLE_FORWARD, ANKLE_UP]) * leg_px, (*np.shape(angle_rad), 2))
    return rotate(offset, angle_rad)


def _hermite(p0: np.ndarray, p1: np.ndarray, m0: np.ndarray, m1: np.ndarray, u: np.ndarray) -> np.ndarray:
    u2, u3 = u**2, u**3
    return (2 * u3 - 3 * u2 + 1) * p0 + (u3 - 2 * u2 + u) * m0 + (-2 * u3 + 3 * u2) * p1 + (u3 - u2) * m1


def swing_foot(u: np.ndarray, swing_frames: np.ndarray, hip_y_px: np.ndarray, p: Posture
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Heel, toe and ankle in swing, `u` in (0, 1) from TO to the next IC (x relative to the hip).

    The ankle leaves with its toe-off velocity and lands moving back at `touchdown_speed_fraction` of
    the stance speed (cubic Hermite in x, so the foot reaches forward and retracts before landing);
    its height is the straight line between its TO and IC heights plus a bump that starts and ends
    flat and peaks at 40 % of swing, plus a lift that leaves at `lift_speed_fraction` of the stance speed
    and has died out by late swing (u (1 - u)^4: the knee folds from TO on, as in real running, instead of
    the leg re-extending while the ankle stays low). The foot keeps its TO angle for the first 30 % of
    swing, turns to its IC angle by 90 %, and keeps that until landing. An ankle out of the leg's reach is
    pulled towards the hip.
    """
    eps = 1e-4
    _, _, ankle_to = stance_foot(np.array([p.contact_frames, p.contact_frames - eps]), p)
    _, _, ankle_ic = stance_foot(np.array([0.0]), p)
    velocity_to = (ankle_to[0, 0] - ankle_to[1, 0]) / eps
    x = _hermite(ankle_to[0, 0], ankle_ic[0, 0], velocity_to * swing_frames,
                 -p.touchdown_speed_fraction * p.speed_px_per_frame * swing_frames, u)
    bump = u**2 * (1 - u) ** 3 / _BUMP_PEAK
    lift = p.lift_speed_fraction * p.speed_px_per_frame * swing_frames * u * (1 - u) ** 4  # slope at u = 0
    y = (1 - u) * ankle_to[0, 1] + u * ankle_ic[0, 1] + p.swing_height_px * bump + lift
    ankle = np.stack([x, y], -1)
    from_hip = ankle - np.stack([np.zeros_like(x), hip_y_px], -1)
    dist = np.linalg.norm(from_hip, axis=-1)
    reach = MAX_SWING_REACH * p.leg_px
    ankle = ankle - from_hip * np.clip(1 - reach / np.maximum(dist, 1e-9), 0, None)[:, None]
    turn = np.clip((u - _TURN_START) / (_TURN_END - _TURN_START), 0.0, 1.0)
    angle = -p.heel_rise_rad + (p.strike_rad + p.heel_rise_rad) * turn**2 * (3 - 2 * turn)
    heel = ankle - _ankle_from_heel(angle, p.leg_px)
    toe = heel + FOOT_LENGTH * p.leg_px * np.stack([np.cos(angle), np.sin(angle)], -1)
    return heel, toe, ankle


def hip_height(frames: np.ndarray, mid_frames: np.ndarray, p: Posture) -> np.ndarray:
    """Hip height: lowest at each midstance, a cosine up and down between consecutive midstances."""
    k = np.searchsorted(mid_frames, frames, side="right") - 1
    phase = (frames - mid_frames[k]) / (mid_frames[k + 1] - mid_frames[k])
    return p.hip_mid_y_px + p.oscillation_px * (1 - np.cos(2 * np.pi * phase)) / 2


def foot(ic_frames: np.ndarray, frames: np.ndarray, hip_y_px: np.ndarray, p: Posture
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Heel, toe, ankle (x relative to the hip) of one foot in every frame, and the largest hip-ankle
    distance in stance, in leg lengths (above 1 the stance pose is out of reach)."""
    k = np.searchsorted(ic_frames, frames, side="right") - 1
    s = (frames - ic_frames[k]).astype(float)
    stance = s <= p.contact_frames
    swing_frames = (ic_frames[k + 1] - ic_frames[k] - p.contact_frames).astype(float)
    u = np.clip((s - p.contact_frames) / swing_frames, 0.0, 1.0)
    parts_stance = stance_foot(s, p)
    parts_swing = swing_foot(u, swing_frames, hip_y_px, p)
    heel, toe, ankle = (np.where(stance[:, None], a, b) for a, b in zip(parts_stance, parts_swing,
                                                                      strict=True))
    reach = np.hypot(ankle[:, 0], ankle[:, 1] - hip_y_px) / p.leg_px
    return heel, toe, ankle, float(reach[stance].max(initial=0.0))


def knee(hip: np.ndarray, ankle: np.ndarray, leg_px: float) -> np.ndarray:
    """Two-link inverse kinematics, thigh = shank = leg / 2, knee bending forward."""
    d_vec = ankle - hip
    d = np.maximum(np.linalg.norm(d_vec, axis=-1), 1e-9)
    half = leg_px / 2
    bend = np.sqrt(np.clip(half**2 - (d / 2) ** 2, 0.0, None))
    u = d_vec / d[:, None]
    forward = np.stack([-u[:, 1], u[:, 0]], -1)  # leg pointing down -> perpendicular points forward
    return hip + d_vec / 2 + forward * bend[:, None]


def upper_body(hip: np.ndarray, knees: dict[str, np.ndarray], p: Posture, arm_swing_rad: float) -> Points:
    """Shoulders, elbows, wrists, ears and nose. Arms swing opposite to the same side's thigh."""
    shoulder = hip + p.trunk_px * unit(p.trunk_lean_rad)
    ear = shoulder + HEAD_UP * p.leg_px * unit(p.trunk_lean_rad)
    nose = ear + np.array([NOSE_FORWARD, -NOSE_DOWN]) * p.leg_px
    out: Points = {"nose": nose, "left_ear": ear, "right_ear": ear.copy()}
    for name, knee_xy in knees.items():
        thigh = np.arctan2(knee_xy[:, 0] - hip[:, 0], hip[:, 1] - knee_xy[:, 1])
        spread = np.max(np.abs(thigh - thigh.mean()))
        arm = -arm_swing_rad * (thigh - thigh.mean()) / spread if spread > 1e-9 else np.zeros_like(thigh)
        elbow = shoulder + UPPER_ARM * p.leg_px * np.stack([np.sin(arm), -np.cos(arm)], -1)
        wrist = elbow + FOREARM * p.leg_px * np.stack([np.cos(arm), np.sin(arm)], -1)
        out |= {f"{name}_shoulder": shoulder.copy(), f"{name}_elbow": elbow, f"{name}_wrist": wrist}
    return out
