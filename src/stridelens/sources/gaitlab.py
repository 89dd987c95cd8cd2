"""Keypoint JSON in the ``gaitlab.pose/v1`` format (RTMPose/Halpe-26, BlazePose or any named keypoint set).

Format (as `../shared/data/reference_pose/*.pose.json`): ``schema`` "gaitlab.pose/v1", ``source`` (the
model), ``fps``, ``width``, ``height`` (image pixels), ``keypoint_names`` (K names), ``frames`` (one list of
K ``[x, y, score]`` per frame; an empty list or null when nobody was found) and optionally ``timestamps``
(seconds). Scores above 1 (RTMPose's heatmap scores) are clipped to 1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..config import VideoConfig
from ..errors import InputError
from .recording import Recording, ReferenceEvents, keypoints_recording
from .skeletons import canonical_from_named

__all__ = ["SCHEMA_PREFIX", "looks_like_gaitlab", "read_gaitlab"]

SCHEMA_PREFIX = "gaitlab.pose/"


def looks_like_gaitlab(head: str) -> bool:
    """The first KB of a JSON file: a ``"schema": "gaitlab.pose/..."`` key."""
    return head.lstrip().startswith("{") and f'"{SCHEMA_PREFIX}' in head.replace(" ", "")


def _frames(data: dict[str, Any], k: int, path: Path) -> np.ndarray:
    out = np.full((len(data["frames"]), k, 3), np.nan)
    for i, frame in enumerate(data["frames"]):
        if not frame:
            continue
        arr = np.asarray(frame, dtype=float)
        if arr.shape != (k, 3):
            raise InputError(f"{path}: frame {i} has {arr.shape} values instead of {k} keypoints x (x, y, score).",
                             "Export the keypoints again.")
        out[i] = arr
    return out


def read_gaitlab(path: str | os.PathLike[str], config: VideoConfig | None = None, *,
                 reference: ReferenceEvents | None = None) -> Recording:
    """Read a gaitlab.pose/v1 file into a `Recording` (image pixels, codec "keypoints")."""
    config = config or VideoConfig()
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        names = [str(n) for n in data["keypoint_names"]]
        frames = _frames(data, len(names), path)
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{path}: not a readable gaitlab.pose file ({exc.__class__.__name__}: {exc}).",
                         "The file needs keypoint_names and frames of [x, y, score] per keypoint.") from exc
    fps = float(data.get("fps") or 0.0)
    rate_from_user = False
    if data.get("timestamps") and len(data["timestamps"]) == len(frames):
        time_s = np.asarray(data["timestamps"], dtype=float)
    elif fps > 0 or config.fps_override:
        rate_from_user = not fps > 0
        fps = fps if fps > 0 else float(config.fps_override)
        time_s = np.arange(len(frames)) / fps
    else:
        raise InputError(f"{path}: the file gives neither timestamps nor a frame rate.",
                         "Pass the video's frame rate with --fps.")
    if not fps > 0:
        fps = 1.0 / float(np.median(np.diff(time_s)))
    xy, conf, sources = canonical_from_named(names, frames[..., :2], np.nan_to_num(frames[..., 2]))
    source = str(data.get("source", "unknown model"))
    sources = {k: f"{v} ({source})" for k, v in sources.items()}
    return keypoints_recording(xy, conf, time_s=time_s, fps=fps, path=path, fmt="gaitlab_pose",
                               width_px=data.get("width"), height_px=data.get("height"), config=config,
                               keypoint_sources=sources, rate_from_user=rate_from_user, reference=reference)
