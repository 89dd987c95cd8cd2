"""Derived body points and angles: centre of mass (de Leva 1996), joint angles, leans.

All functions take runner coordinates (x forward, y up) as (T, 2) arrays and return per-frame values.
"""

from __future__ import annotations

import numpy as np

from ..tracking.track import Track

__all__ = ["centre_of_mass", "extension_behind_deg", "flexion_deg", "lean_deg", "signed_offset_from_line"]

# de Leva 1996 (male): segment mass fraction and CM position from the proximal end (fraction of length).
# The trunk runs from the shoulder centre (standing in for cervicale) to the hip centre; the head's CM
# is taken at the ear midpoint (BlazePose has no vertex); hands are lumped at the wrist.
_SEGMENTS: tuple[tuple[str, str | None, float, float], ...] = (
    ("head", None, 0.0694, 0.0),
    ("trunk", None, 0.4346, 0.4486),
    ("upper_arm", "shoulder>elbow", 0.0271, 0.5772),
    ("forearm", "elbow>wrist", 0.0162, 0.4574),
    ("hand", "wrist>wrist", 0.0061, 0.0),
    ("thigh", "hip>knee", 0.1416, 0.4095),
    ("shank", "knee>ankle", 0.0433, 0.4459),
    ("foot", "heel>toe", 0.0137, 0.4415),
)


def centre_of_mass(track: Track) -> tuple[np.ndarray, np.ndarray]:
    """Whole-body COM per frame from segment endpoints and de Leva 1996 mass fractions.

    Definition: METRICS.md "Points", COM. Missing segments (e.g. a hidden arm) are left out and the
    remaining masses renormalised: a documented approximation, flagged by the returned mass fraction.

    Returns
    -------
    com
        (T, 2) centre of mass.
    mass_fraction
        (T,) fraction of body mass whose segments were present (1.0 = all).
    """
    shoulder = track.mid("left_shoulder", "right_shoulder")
    hip = track.mid("left_hip", "right_hip")
    head = track.mid("left_ear", "right_ear")
    head = np.where(np.isnan(head), track.point("nose"), head)
    parts: list[tuple[np.ndarray, float]] = [(head, 0.0694), (shoulder + 0.4486 * (hip - shoulder), 0.4346)]
    for _segment, ends, mass, frac in _SEGMENTS[2:]:
        proximal, distal = ends.split(">")
        for side in "LR":
            a, b = track.side_point(side, proximal), track.side_point(side, distal)
            parts.append((a + frac * (b - a), mass))
    weighted = np.zeros((len(track), 2))
    total = np.zeros(len(track))
    for point, mass in parts:
        ok = np.isfinite(point).all(1)
        weighted[ok] += mass * point[ok]
        total[ok] += mass
    with np.errstate(all="ignore"):
        com = weighted / total[:, None]
    com[total < 0.5] = np.nan  # less than half the body seen: no COM
    return com, total


def lean_deg(origin: np.ndarray, tip: np.ndarray) -> np.ndarray:
    """Angle from vertical of the vector origin -> tip, forward positive (x forward, y up)."""
    d = tip - origin
    return np.degrees(np.arctan2(d[..., 0], d[..., 1]))


def flexion_deg(proximal: np.ndarray, joint: np.ndarray, distal: np.ndarray) -> np.ndarray:
    """Joint flexion: 180 deg minus the angle between the two segments (0 = straight)."""
    a, b = proximal - joint, distal - joint
    cos = np.sum(a * b, -1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))
    return 180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def signed_offset_from_line(point: np.ndarray, line_start: np.ndarray, line_end: np.ndarray) -> np.ndarray:
    """Perpendicular distance of `point` from the line start -> end, positive when ahead (+x side)."""
    u = line_end - line_start
    u = u / np.linalg.norm(u, axis=-1, keepdims=True)
    normal = np.stack([u[..., 1], -u[..., 0]], -1)  # u rotated clockwise: points forward for an upward line
    return np.sum((point - line_start) * normal, -1)


def extension_behind_deg(hip: np.ndarray, shoulder: np.ndarray, knee: np.ndarray) -> np.ndarray:
    """Hip extension: angle of the thigh (hip -> knee) behind the trunk line extended down, positive behind."""
    down = hip - shoulder
    thigh = knee - hip
    cross = down[..., 0] * thigh[..., 1] - down[..., 1] * thigh[..., 0]
    dot = np.sum(down * thigh, -1)
    # in x-forward, y-up axes a knee behind (-x) the downward trunk line gives a negative cross product
    return np.degrees(np.arctan2(-cross, dot))
