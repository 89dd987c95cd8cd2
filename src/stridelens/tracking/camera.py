"""Camera motion: how far the background moves, from phase correlation of small grey frames.

The runner is masked out of both frames of each pair (the union of their boxes, filled with the frame's
mean) so that only the background counts.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CameraMotionMeter"]

Box = tuple[float, float, float, float]


class CameraMotionMeter:
    """Accumulate background shift between sampled frames.

    Parameters
    ----------
    work_width_px
        Frames are shrunk to about this width first (cheap, and enough for pans of a few pixels).
    min_response
        Phase-correlation peaks weaker than this (flat walls, changed scenes) count as no shift.
    min_shift_px
        Smaller shifts are measurement noise and are not accumulated.

    Attributes
    ----------
    path_px_
        Cumulative (dx, dy) of the background at each sampled frame, in work-size pixels.
    width_px_
        Width of the work-size frames (`work_width_px` until the first frame).
    """

    def __init__(self, work_width_px: int = 160, min_response: float = 0.2, min_shift_px: float = 0.5):
        from .._opencv import cv2

        self._cv2 = cv2
        self.work_width_px = work_width_px
        self.width_px_ = work_width_px
        self.min_response = min_response
        self.min_shift_px = min_shift_px
        self._prev: tuple[np.ndarray, Box | None] | None = None
        self._window: np.ndarray | None = None
        self.path_px_: list[tuple[float, float]] = [(0.0, 0.0)]

    def _masked(self, gray: np.ndarray, boxes: list[Box | None]) -> np.ndarray:
        out = gray.copy()
        sh, sw = out.shape
        for box in boxes:
            if box is not None:
                x0, y0, x1, y1 = box
                out[max(0, int(y0 * sh)):int(np.ceil(y1 * sh)), max(0, int(x0 * sw)):int(np.ceil(x1 * sw))] = \
                    gray.mean()
        return out

    def _small_gray(self, image_rgb: np.ndarray) -> np.ndarray:
        """The frame in grey, shrunk by a whole factor to about `work_width_px` wide.

        Grey first, and a whole factor, because `cv2.resize` averages areas fast only for whole factors:
        a 720x1280 frame to 160 px wide took 5.9 ms, grey then / 4 (180 px) 1.0 ms (10 samples a second).
        """
        cv2 = self._cv2
        h, w = image_rgb.shape[:2]
        k = max(1, min(int(round(w / self.work_width_px)), h // 16))
        gray = cv2.cvtColor(image_rgb, cv2.COLOR_RGB2GRAY)[:h // k * k, :w // k * k]
        small = gray if k == 1 else cv2.resize(gray, (w // k, h // k), interpolation=cv2.INTER_AREA)
        self.width_px_ = small.shape[1]
        return small.astype(np.float32)

    def update(self, image_rgb: np.ndarray, runner_box_norm: Box | None) -> None:
        cv2 = self._cv2
        gray = self._small_gray(image_rgb)
        if self._window is None or self._window.shape != gray.shape:
            self._window = cv2.createHanningWindow(gray.shape[::-1], cv2.CV_32F)
            self._prev = None
        if self._prev is not None:
            prev, prev_box = self._prev
            boxes = [prev_box, runner_box_norm]
            (dx, dy), response = cv2.phaseCorrelate(self._masked(prev, boxes), self._masked(gray, boxes),
                                                     self._window)
            if response < self.min_response or np.hypot(dx, dy) < self.min_shift_px:
                dx = dy = 0.0
            last = self.path_px_[-1]
            self.path_px_.append((last[0] + dx, last[1] + dy))
        self._prev = (gray, runner_box_norm)

    def max_shift_pct(self) -> float | None:
        """Largest background displacement from the first sample, in % of the picture width."""
        if len(self.path_px_) < 2:
            return None
        path = np.asarray(self.path_px_)
        return float(np.max(np.linalg.norm(path - path[0], axis=1)) / self.width_px_ * 100)
