"""2D keypoint sets of other pose tools -> the canonical keypoints of stridelens.

Keypoints are matched by name with the same rules as markers (`markers.parse_name`): ``RHip``, ``r_hip``,
``right_hip``, ``l_big_toe``, ``left_foot_index`` (BlazePose) all work. Files that store keypoints by index
only (OpenPose) name them with the lists below. Where a set has no ears (Halpe-26 as some tools export it)
but has the head top and the neck, both ears stand at their midpoint: the head's centre of mass lies about
halfway from vertex to cervicale (de Leva 1996), and the ears only serve the COM and the facing direction.
"""

from __future__ import annotations

import numpy as np

from ..pose.base import KEYPOINT_INDEX, KEYPOINTS
from .markers import parse_name

__all__ = ["BLAZEPOSE_33", "BODY_25", "COCO_17", "COCO_18", "HALPE_26", "canonical_from_named", "names_for_count"]

BODY_25 = ("Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist", "MidHip", "RHip",
           "RKnee", "RAnkle", "LHip", "LKnee", "LAnkle", "REye", "LEye", "REar", "LEar", "LBigToe", "LSmallToe",
           "LHeel", "RBigToe", "RSmallToe", "RHeel")
COCO_18 = ("Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist", "RHip", "RKnee",
           "RAnkle", "LHip", "LKnee", "LAnkle", "REye", "LEye", "REar", "LEar")
COCO_17 = ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
           "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee",
           "right_knee", "left_ankle", "right_ankle")
HALPE_26 = (*COCO_17, "head", "neck", "hip", "left_big_toe", "right_big_toe", "left_small_toe", "right_small_toe",
            "left_heel", "right_heel")
BLAZEPOSE_33 = ("nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
                "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
                "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
                "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
                "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel",
                "left_foot_index", "right_foot_index")

_BY_COUNT = {25: ("OpenPose BODY_25", BODY_25), 18: ("OpenPose COCO-18", COCO_18), 17: ("COCO-17", COCO_17),
             26: ("Halpe-26", HALPE_26), 33: ("BlazePose-33", BLAZEPOSE_33)}
_PARTS = {"hip": ("hip",), "knee": ("knee", "knee_lat"), "ankle": ("ankle", "ankle_lat"), "heel": ("heel",),
          "toe": ("toe", "mt1", "mt5"), "shoulder": ("shoulder",), "elbow": ("elbow",), "wrist": ("wrist",),
          "ear": ("ear",)}


def names_for_count(count: int) -> tuple[str, tuple[str, ...]] | None:
    """(set name, keypoint names) of a keypoint set known by its size, or None."""
    return _BY_COUNT.get(count)


def canonical_from_named(names: tuple[str, ...] | list[str], xy: np.ndarray, confidence: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
    """Map named 2D keypoints to the canonical ones.

    Parameters
    ----------
    names
        The K keypoint names of the file.
    xy, confidence
        (T, K, 2) image positions (NaN where missing) and (T, K) confidences 0-1.

    Returns
    -------
    xy, confidence, sources
        (T, 19, 2) and (T, 19) in `pose.base.KEYPOINTS` order, and which file keypoint each came from.
    """
    t = xy.shape[0]
    out_xy = np.full((t, len(KEYPOINTS), 2), np.nan)
    out_conf = np.zeros((t, len(KEYPOINTS)))
    roles: dict[tuple[str | None, str], int] = {}
    for i, name in enumerate(names):
        parsed = parse_name(name)
        if parsed is not None:
            roles.setdefault(parsed, i)
    plain = {str(n).lower(): i for i, n in enumerate(names)}
    sources: dict[str, str] = {}

    def put(target: str, i: int) -> None:
        out_xy[:, KEYPOINT_INDEX[target]] = xy[:, i]
        out_conf[:, KEYPOINT_INDEX[target]] = confidence[:, i]
        sources[target] = str(names[i])

    if (None, "nose") in roles:
        put("nose", roles[None, "nose"])
    for side, full in (("L", "left"), ("R", "right")):
        for part, wanted in _PARTS.items():
            found = next((roles[side, r] for r in wanted if (side, r) in roles), None)
            if found is not None:
                put(f"{full}_{part}", found)
    if "left_ear" not in sources and "right_ear" not in sources and "head" in plain and (None, "c7") in roles:
        head, neck = plain["head"], roles[None, "c7"]
        for target in ("left_ear", "right_ear"):
            out_xy[:, KEYPOINT_INDEX[target]] = (xy[:, head] + xy[:, neck]) / 2
            out_conf[:, KEYPOINT_INDEX[target]] = np.minimum(confidence[:, head], confidence[:, neck])
            sources[target] = f"midpoint of {names[head]} and {names[neck]} (head-centre stand-in)"
    out_conf = np.where(np.isfinite(out_xy).all(-1), np.clip(out_conf, 0.0, 1.0), 0.0)
    return out_xy, out_conf, sources
