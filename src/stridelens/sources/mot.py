"""OpenSim motion/storage files (.mot, .sto) with marker columns, e.g. inverse-kinematics output.

Format: a header ending in a line ``endheader``, a tab-separated line of column names starting with
``time``, then one row per sample. Marker positions are the column triplets ``NAME_tx``, ``NAME_ty``,
``NAME_tz`` in metres in OpenSim's ground frame (x forward, y up, z to the right), as in the Hamner & Delp
2013 data (data README). Joint-angle columns (``knee_angle_r``, ...) are kept in `OpenSimTable` for
validation but not used by the analysis.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import VideoConfig
from ..errors import InputError
from .markers import markers_to_recording
from .recording import Recording, ReferenceEvents, fps_from_times
from .sagittal import lab_plane

__all__ = ["OpenSimTable", "looks_like_opensim", "read_mot", "read_opensim_table"]

_MARKER_COLUMN = re.compile(r"^(.+)_t([xyz])$")


@dataclass(frozen=True)
class OpenSimTable:
    """The columns of an OpenSim .mot/.sto file."""

    header: dict[str, str]  # "key value" and "key=value" header lines
    columns: tuple[str, ...]
    data: np.ndarray  # (T, C)

    def column(self, name: str) -> np.ndarray:
        return self.data[:, self.columns.index(name)]

    @property
    def time_s(self) -> np.ndarray:
        return self.column("time")

    @property
    def in_degrees(self) -> bool:
        return self.header.get("indegrees", "yes").lower() in ("yes", "true", "1")

    def markers(self) -> tuple[tuple[str, ...], np.ndarray]:
        """Marker names and their (T, M, 3) positions in metres, from the ``_tx/_ty/_tz`` column triplets."""
        found: dict[str, dict[str, int]] = {}
        for i, col in enumerate(self.columns):
            m = _MARKER_COLUMN.match(col)
            if m:
                found.setdefault(m.group(1), {})[m.group(2)] = i
        names = tuple(n for n, axes in found.items() if len(axes) == 3)
        xyz = np.stack([self.data[:, [found[n][a] for a in "xyz"]] for n in names], 1) if names else \
            np.zeros((len(self.data), 0, 3))
        return names, xyz


def looks_like_opensim(head: str) -> bool:
    """The first KB of a text file: an OpenSim header (``endheader``, then a ``time`` column)."""
    lines = [line.strip().lower() for line in head.splitlines()]
    if "endheader" not in lines:
        return False
    after = lines[lines.index("endheader") + 1:]
    first = next((line for line in after if line), "")
    return first.startswith("time") or not first  # column line may lie beyond the first KB


def read_opensim_table(path: str | os.PathLike[str]) -> OpenSimTable:
    """Parse an OpenSim .mot/.sto file; raises `InputError` when it is not one."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc}).", "Check the path and the file's permissions.") from exc
    try:
        end = next(i for i, line in enumerate(lines) if line.strip().lower() == "endheader")
    except StopIteration:
        raise InputError(f"{path}: not an OpenSim motion file (no 'endheader' line).",
                         "Give an OpenSim .mot/.sto file, a TRC or C3D file, keypoint JSON or a video.") from None
    header: dict[str, str] = {}
    for line in lines[:end]:
        key, _, value = line.strip().replace("=", " ", 1).partition(" ")
        if key:
            header[key.lower()] = value.strip()
    body = [line for line in lines[end + 1:] if line.strip()]
    if not body:
        raise InputError(f"{path}: the OpenSim file has no data rows.", "Export the motion again from OpenSim.")
    columns = tuple(c.strip() for c in body[0].strip().split("\t") if c.strip()) if "\t" in body[0] \
        else tuple(body[0].split())
    try:
        data = np.array([[float(v) for v in line.split()] for line in body[1:]], dtype=float)
    except ValueError as exc:
        raise InputError(f"{path}: a data row of the OpenSim file is not numeric ({exc}).",
                         "Export the motion again from OpenSim.") from exc
    if data.ndim != 2 or data.shape[1] != len(columns) or columns[0].lower() != "time":
        raise InputError(f"{path}: the OpenSim file's rows do not match its {len(columns)} columns.",
                         "Export the motion again from OpenSim.")
    return OpenSimTable(header=header, columns=columns, data=data)


def read_mot(path: str | os.PathLike[str], config: VideoConfig | None = None, *,
             reference: ReferenceEvents | None = None) -> Recording:
    """Read an OpenSim file's markers into a `Recording` (sagittal plane: the lab's x forward, y up)."""
    config = config or VideoConfig()
    table = read_opensim_table(path)
    names, xyz = table.markers()
    if not names:
        raise InputError(f"{path}: the OpenSim file has no marker columns (NAME_tx, NAME_ty, NAME_tz).",
                         "Export the inverse kinematics with the model markers' positions, or give the TRC file "
                         "of the markers.")
    time_s = table.time_s
    return markers_to_recording(names, xyz, time_s=time_s, fps=fps_from_times(time_s, path), path=path,
                                fmt="opensim_mot", file_unit="m", config=config, reference=reference,
                                plane=lab_plane("+x", "+y", "OpenSim ground frame"))
