"""TRC marker files (OpenSim, Pose2Sim, Sports2D, Vicon/Cortex exports).

Format: line 1 ``PathFileType 4 (X/Y/Z) name.trc``; line 2 the names ``DataRate CameraRate NumFrames
NumMarkers Units ...`` and line 3 their values; line 4 ``Frame# Time NAME1 <tab> <tab> NAME2 ...``; line 5
the axis labels ``X1 Y1 Z1 X2 ...``; then one tab-separated row per frame (an empty field is a missing
marker). Units ``mm``, ``cm`` or ``m``. The vertical axis is not stored, so the sagittal plane is estimated
(`sagittal.estimate_plane`): Y up for OpenSim and Pose2Sim, Z up for many lab exports, both work.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..config import VideoConfig
from ..errors import InputError
from .markers import markers_to_recording
from .recording import Recording, ReferenceEvents, fps_from_times

__all__ = ["UNIT_TO_M", "looks_like_trc", "read_trc", "read_trc_markers"]

UNIT_TO_M = {"mm": 0.001, "millimeters": 0.001, "cm": 0.01, "m": 1.0, "meters": 1.0, "metres": 1.0}


def looks_like_trc(head: str) -> bool:
    """The first KB of a text file: a TRC header (``PathFileType`` on the first line)."""
    return head.lstrip("\ufeff").startswith("PathFileType")


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return np.nan


def read_trc_markers(path: str | os.PathLike[str]) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, str, float]:
    """Marker names, (T, M, 3) positions in metres, (T,) times in s, the file's unit and its data rate."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    if len(lines) < 6 or not looks_like_trc(lines[0]):
        raise InputError(f"{path}: not a TRC file (no 'PathFileType' header).",
                         "Give a TRC file as OpenSim, Pose2Sim or a motion-capture system writes it.")
    keys = [k.strip().lower() for k in lines[1].split("\t")]
    values = [v.strip() for v in lines[2].split("\t")]
    meta = dict(zip(keys, values, strict=False))
    unit = meta.get("units", "mm").lower()
    if unit not in UNIT_TO_M:
        raise InputError(f"{path}: unknown unit {unit!r} in the TRC header.", "Use mm, cm or m.")
    header = lines[3].split("\t")
    names = tuple(n.strip() for n in header[2:] if n.strip())
    rows = [line.split("\t") for line in lines[5:] if line.strip()]
    if not names or not rows:
        raise InputError(f"{path}: the TRC file names no markers or has no data rows.",
                         "Export the markers again.")
    width = 2 + 3 * len(names)
    data = np.full((len(rows), width), np.nan)
    for i, row in enumerate(rows):
        cells = [_float(c) for c in row[:width]]
        data[i, :len(cells)] = cells
    time_s = data[:, 1]
    rate = _float(meta.get("datarate", "nan"))
    if not np.isfinite(time_s).all():
        if not rate > 0:
            raise InputError(f"{path}: the TRC file has neither times nor a data rate.",
                             "Export the markers again with the Time column.")
        time_s = (data[:, 0] - 1) / rate
    xyz = data[:, 2:].reshape(len(rows), len(names), 3) * UNIT_TO_M[unit]
    return names, xyz, time_s, unit, rate


def read_trc(path: str | os.PathLike[str], config: VideoConfig | None = None, *,
             reference: ReferenceEvents | None = None) -> Recording:
    """Read a TRC file into a `Recording` (markers -> keypoints -> estimated sagittal plane)."""
    config = config or VideoConfig()
    names, xyz, time_s, unit, _ = read_trc_markers(path)
    return markers_to_recording(names, xyz, time_s=time_s, fps=fps_from_times(time_s, path), path=path, fmt="trc",
                                file_unit=unit, config=config, reference=reference)
