"""CameraMotionMeter: the background's shift between sampled frames, with the runner masked out."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from stridelens.tracking.camera import CameraMotionMeter


def _scene(h: int, w: int, seed: int = 0) -> np.ndarray:
    """A textured background wider than the frame, RGB."""
    rng = np.random.default_rng(seed)
    base = cv2.GaussianBlur(rng.integers(0, 256, (h, w + 400, 3), dtype=np.uint8), (0, 0), 3)
    return cv2.normalize(base, None, 0, 255, cv2.NORM_MINMAX)


@pytest.mark.parametrize(("h", "w"), [(1280, 720), (360, 480), (1080, 1920)])
def test_a_pan_reads_as_the_distance_the_background_moved(h, w):
    scene = _scene(h, w)
    meter = CameraMotionMeter()
    step_px, samples = 12, 20  # the camera pans 12 px between samples: 240 px in all
    runner = (0.4, 0.2, 0.6, 0.95)  # a box that moves with the camera (painted over, as the runner would be)
    for i in range(samples + 1):
        frame = scene[:, i * step_px:i * step_px + w].copy()
        x0, y0, x1, y1 = (int(runner[0] * w), int(runner[1] * h), int(runner[2] * w), int(runner[3] * h))
        frame[y0:y1, x0:x1] = (200, 40, 40)
        meter.update(frame, runner)
    expected_pct = samples * step_px / w * 100
    assert meter.max_shift_pct() == pytest.approx(expected_pct, rel=0.1)
    assert 0.7 * 160 <= meter.width_px_ <= 1.3 * 160


def test_a_still_camera_reads_no_shift_whatever_the_runner_does():
    scene = _scene(1280, 720)[:, :720]
    meter = CameraMotionMeter()
    for i in range(15):
        frame = scene.copy()
        box = (0.2 + 0.02 * i, 0.3, 0.5 + 0.02 * i, 0.9)  # the runner moves, the background does not
        frame[int(0.3 * 1280):int(0.9 * 1280), int(box[0] * 720):int(box[2] * 720)] = (30, 30, 200)
        meter.update(frame, box)
    assert meter.max_shift_pct() == pytest.approx(0.0, abs=0.5)
