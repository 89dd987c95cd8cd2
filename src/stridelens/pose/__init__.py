"""Pose estimation backends behind one small interface (`PoseEstimator`)."""

from .base import KEYPOINT_INDEX, KEYPOINTS, SKELETON_EDGES, PoseEstimator, PoseResult, kp

__all__ = ["KEYPOINTS", "KEYPOINT_INDEX", "SKELETON_EDGES", "PoseEstimator", "PoseResult", "kp",
           "make_estimator"]


def make_estimator(name: str = "blazepose", config=None) -> PoseEstimator:
    """Build a pose backend by name (only BlazePose ships; others plug in here)."""
    if name == "blazepose":
        from .blazepose import BlazePoseEstimator

        return BlazePoseEstimator(config)
    raise ValueError(f"unknown pose backend {name!r}; available: blazepose")
