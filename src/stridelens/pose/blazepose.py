"""BlazePose through mediapipe 0.10.21's legacy `mp.solutions.pose` (33 landmarks, offline model)."""

from __future__ import annotations

import os

import numpy as np

from ..config import PoseConfig
from .base import KEYPOINTS, PoseResult, import_mediapipe, native_logs_muted

__all__ = ["BlazePoseEstimator"]

# BlazePose landmark index of each canonical keypoint (mediapipe PoseLandmark numbering).
_BLAZEPOSE_INDEX = {
    "nose": 0, "left_ear": 7, "right_ear": 8,
    "left_shoulder": 11, "right_shoulder": 12, "left_elbow": 13, "right_elbow": 14,
    "left_wrist": 15, "right_wrist": 16, "left_hip": 23, "right_hip": 24,
    "left_knee": 25, "right_knee": 26, "left_ankle": 27, "right_ankle": 28,
    "left_heel": 29, "right_heel": 30, "left_toe": 31, "right_toe": 32,
}
_ORDER = np.array([_BLAZEPOSE_INDEX[name] for name in KEYPOINTS])


class BlazePoseEstimator:
    """BlazePose full model (`model_complexity=1`, the one the wheel ships, so it runs offline).

    mediapipe's own landmark smoothing is off: stridelens filters with a zero-lag filter later,
    and mediapipe's one-euro filter lags the fast foot points by a frame or more.
    """

    name = "blazepose-mediapipe-0.10.21"

    def __init__(self, config: PoseConfig | None = None):
        self.config = config or PoseConfig()
        os.environ.setdefault("GLOG_minloglevel", "2")  # mediapipe's C++ logs drown the progress bar
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        with native_logs_muted():
            mp = import_mediapipe()  # heavy import: only when a video is really analysed

            self._pose = mp.solutions.pose.Pose(
                static_image_mode=False,
                model_complexity=self.config.model_complexity,
                smooth_landmarks=False,
                enable_segmentation=False,
                min_detection_confidence=self.config.min_detection_confidence,
                min_tracking_confidence=self.config.min_tracking_confidence,
            )
        self._first = True

    def estimate(self, image_rgb: np.ndarray) -> PoseResult:
        if self._first:  # the first frame starts the graph and prints its own log lines
            self._first = False
            with native_logs_muted():
                result = self._pose.process(image_rgb)
        else:
            result = self._pose.process(image_rgb)
        if result.pose_landmarks is None:
            return PoseResult.missing()
        lm = result.pose_landmarks.landmark
        raw = np.array([(p.x, p.y, p.visibility) for p in lm], dtype=float)[_ORDER]
        return PoseResult(xy_norm=raw[:, :2], confidence=np.clip(raw[:, 2], 0.0, 1.0))

    def close(self) -> None:
        self._pose.close()
