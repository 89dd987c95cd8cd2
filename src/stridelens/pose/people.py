"""Is anyone else in the picture? A second, still-image BlazePose pass with the runner masked out.

BlazePose follows one person. About once a second the frame is looked at again with the tracked runner
painted over: if the pose model then finds another whole body, someone else is in view. (OpenCV's HOG
people detector was tried first and rejected: on the lab clip it "found" people in windows and racks.)
"""

from __future__ import annotations

import threading

import numpy as np

from .base import import_mediapipe, native_logs_muted

__all__ = ["PeopleCounter"]

Box = tuple[float, float, float, float]
_BODY = (11, 12, 23, 24, 25, 26, 27, 28)  # BlazePose shoulders, hips, knees, ankles


class PeopleCounter:
    """Count frames in which a person other than the tracked runner is visible.

    Parameters
    ----------
    min_visibility
        Mean visibility of shoulders, hips, knees and ankles for a detection to count as a person.
    min_height_ratio
        The other person must be at least this tall relative to the runner's box (ignores far-away walkers).

    Attributes
    ----------
    checked_, with_others_
        Frames checked, and frames with someone else in them.

    Safe to share between threads (both halves of a pose pass use one): each frame is looked at on its
    own (still-image mode), so the order of calls does not change the counts. The model is built on the
    first call, in the caller's thread.
    """

    def __init__(self, min_visibility: float = 0.6, min_height_ratio: float = 0.3):
        self.min_visibility = min_visibility
        self.min_height_ratio = min_height_ratio
        self._pose = None
        self._lock = threading.Lock()
        self.checked_ = 0
        self.with_others_ = 0

    def update(self, image_rgb: np.ndarray, runner_box_norm: Box | None) -> bool:
        """Look at one frame; `runner_box_norm` = (x0, y0, x1, y1) in 0-1. True if someone else is there."""
        img = image_rgb
        runner_h = 1.0
        if runner_box_norm is not None:
            h, w = img.shape[:2]
            x0, y0, x1, y1 = runner_box_norm
            img = img.copy()
            img[max(0, int(y0 * h)):int(np.ceil(y1 * h)), max(0, int(x0 * w)):int(np.ceil(x1 * w))] = 127
            runner_h = max(1e-3, y1 - y0)
        with self._lock:
            if self._pose is None:  # building and first running the graph print their own log lines
                mp = import_mediapipe()

                with native_logs_muted():
                    self._pose = mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1,
                                                        enable_segmentation=False, min_detection_confidence=0.5)
                    result = self._pose.process(img)
            else:
                result = self._pose.process(img)
            found = self._is_person(result, runner_h)
            self.checked_ += 1
            self.with_others_ += found
        return found

    def _is_person(self, result, runner_h: float) -> bool:
        found = False
        if result.pose_landmarks is not None:
            lm = result.pose_landmarks.landmark
            vis = np.mean([lm[i].visibility for i in _BODY])
            ys = [lm[i].y for i in _BODY]
            found = bool(vis >= self.min_visibility and (max(ys) - min(ys)) >= self.min_height_ratio * runner_h * 0.6)
        return found

    def close(self) -> None:
        if self._pose is not None:
            self._pose.close()

    @property
    def fraction_with_others(self) -> float | None:
        return self.with_others_ / self.checked_ if self.checked_ else None
