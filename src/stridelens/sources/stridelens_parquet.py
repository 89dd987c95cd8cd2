"""Our own export: the ``keypoints.parquet`` of an earlier stridelens analysis (BlazePose keypoints).

Analysing it again skips the pose model: the raw (uncleaned) image coordinates ``{keypoint}_raw_x_px``,
``{keypoint}_raw_y_px`` and ``{keypoint}_confidence`` of every canonical keypoint, with ``frame`` and
``time_s`` (real time, slow motion already divided out), as `report.files.write_keypoints_parquet` writes them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..config import VideoConfig
from ..errors import InputError
from ..pose.base import KEYPOINTS
from .recording import Recording, ReferenceEvents, fps_from_times, keypoints_recording

__all__ = ["looks_like_stridelens_parquet", "read_stridelens_parquet"]

_MAGIC = b"PAR1"


def looks_like_stridelens_parquet(path: Path, head: bytes) -> bool:
    """A Parquet file whose columns are those of stridelens' keypoints.parquet."""
    if not head.startswith(_MAGIC):
        return False
    import pyarrow.parquet as pq

    try:
        names = set(pq.read_schema(path).names)
    except (OSError, ValueError):
        return False
    return {"time_s", "nose_raw_x_px", "left_ankle_raw_y_px"} <= names


def read_stridelens_parquet(path: str | os.PathLike[str], config: VideoConfig | None = None, *,
                            reference: ReferenceEvents | None = None) -> Recording:
    """Read a keypoints.parquet of stridelens into a `Recording` (codec "keypoints")."""
    import pandas as pd

    config = config or VideoConfig()
    path = Path(path)
    try:
        df = pd.read_parquet(path)
        xy = np.stack([df[[f"{k}_raw_x_px", f"{k}_raw_y_px"]].to_numpy(float) for k in KEYPOINTS], 1)
        conf = np.stack([df[f"{k}_confidence"].to_numpy(float) for k in KEYPOINTS], 1)
        time_s = df["time_s"].to_numpy(float)
    except (OSError, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a stridelens keypoints.parquet ({exc.__class__.__name__}: {exc}).",
                         "Give the keypoints.parquet of an earlier analysis, unchanged.") from exc
    conf = np.where(np.isfinite(xy).all(-1), np.nan_to_num(conf), 0.0)
    return keypoints_recording(xy, conf, time_s=time_s, fps=fps_from_times(time_s, path), path=path,
                               fmt="stridelens_parquet", width_px=None, height_px=None, config=config,
                               keypoint_sources={k: f"{k} (stridelens keypoints.parquet, BlazePose)"
                                                 for k in KEYPOINTS}, reference=reference)
