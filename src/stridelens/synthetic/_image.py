"""Placing the synthetic runner in the image, and corrupting it like a pose model would.

Private to `stridelens.synthetic`; see `generator.py` for the conventions.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..pose.base import KEYPOINT_INDEX, KEYPOINTS

if TYPE_CHECKING:
    from .generator import RunnerSpec

LEG_PARTS = ("hip", "knee", "ankle", "heel", "toe")  # exchanged by `swap_fraction`


def near_side(spec: RunnerSpec) -> str:
    """The runner's right side faces the camera when running to the image right."""
    return "right" if spec.facing > 0 else "left"


def side_sign(spec: RunnerSpec) -> np.ndarray:
    """(K,) +1 for near-side keypoints, -1 for far-side ones, 0 for the nose."""
    near = near_side(spec)
    return np.array([0 if "_" not in k else (1 if k.startswith(near) else -1) for k in KEYPOINTS])


def far_side_offset(xy_runner: np.ndarray, spec: RunnerSpec) -> np.ndarray:
    out = xy_runner.copy()
    out[..., 1] -= side_sign(spec)[None, :] * spec.far_side_offset_px / 2
    return out


def floor_row(spec: RunnerSpec) -> float:
    return 0.9 * spec.image_height_px if spec.floor_row_px is None else spec.floor_row_px


def to_image(xy_runner: np.ndarray, spec: RunnerSpec, centre_x: float) -> np.ndarray:
    """Runner coordinates -> image pixels: place, mirror for facing, flip y, tilt about the centre."""
    cx, cy = spec.image_width_px / 2, spec.image_height_px / 2
    dx = spec.facing * (xy_runner[..., 0] - centre_x)
    dy_up = xy_runner[..., 1] + cy - floor_row(spec)  # y up, relative to the image centre
    a = math.radians(spec.camera_tilt_deg)
    x = dx * math.cos(a) - dy_up * math.sin(a)
    y = dx * math.sin(a) + dy_up * math.cos(a)
    return np.stack([cx + x, cy - y], -1)


def inside_image(xy: np.ndarray, spec: RunnerSpec) -> np.ndarray:
    x, y = xy[..., 0], xy[..., 1]
    return (x >= 0) & (x < spec.image_width_px) & (y >= 0) & (y < spec.image_height_px)


def base_confidence(spec: RunnerSpec) -> np.ndarray:
    return np.where(side_sign(spec) < 0, spec.far_side_confidence, spec.confidence)


def swap_frames(n_frames: int, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Boolean mask: `fraction` of the frames, in separate bursts of 1-3 frames."""
    target = round(fraction * n_frames)
    mask = np.zeros(n_frames, dtype=bool)
    for _ in range(100 * n_frames):
        if mask.sum() >= target:
            break
        length = min(int(rng.integers(1, 4)), target - int(mask.sum()))
        start = int(rng.integers(0, n_frames - length + 1))
        if not mask[max(0, start - 1):start + length + 1].any():
            mask[start:start + length] = True
    return mask


def corrupt(xy: np.ndarray, conf: np.ndarray, spec: RunnerSpec
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Leg label swaps, then Gaussian noise, then dropouts; each from its own random stream."""
    seeds = np.random.SeedSequence(spec.seed).spawn(3)
    rng_swap, rng_noise, rng_drop = (np.random.default_rng(s) for s in seeds)
    xy, conf = xy.copy(), conf.copy()
    swapped = swap_frames(len(xy), spec.swap_fraction, rng_swap)
    for part in LEG_PARTS:
        left, right = KEYPOINT_INDEX[f"left_{part}"], KEYPOINT_INDEX[f"right_{part}"]
        for arr in (xy, conf):
            arr[swapped, left], arr[swapped, right] = arr[swapped, right], arr[swapped, left].copy()
    if spec.noise_px > 0:
        xy = xy + rng_noise.normal(0.0, spec.noise_px, xy.shape)
    n_drop = round(spec.dropout_fraction * conf.size)
    drop = np.zeros(conf.size, dtype=bool)
    drop[rng_drop.choice(conf.size, n_drop, replace=False)] = True
    drop = drop.reshape(conf.shape)
    xy[drop] = np.nan
    conf[drop] = 0.0
    return xy, conf, swapped
