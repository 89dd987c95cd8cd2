"""C3D motion-capture files, read with the optional package ezc3d (``pip install 'stridelens[markers]'``).

Markers come from ``POINT:LABELS`` (and ``LABELS2``, ... beyond 255 markers), the rate from ``POINT:RATE``,
the unit from ``POINT:UNITS``; a point with a negative residual is missing. Sample ``i`` is at
``(first_frame + i) / rate`` seconds, the time base of the file's own events: ``EVENT:CONTEXTS``
(Left/Right), ``EVENT:LABELS`` (Foot Strike / Foot Off) and ``EVENT:TIMES`` (minutes, seconds) become the
recording's reference events. The vertical axis is estimated (`sagittal.estimate_plane`).

References
----------
Motion Lab Systems, The C3D File Format User Guide (2008). Michaud B, Begon M (2021). ezc3d: an easy C3D
file I/O cross-platform solution for C++, Python and MATLAB. J Open Source Softw 6(58):2911.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ..config import VideoConfig
from ..errors import InputError
from .markers import markers_to_recording
from .recording import Recording, ReferenceEvent, ReferenceEvents
from .trc import UNIT_TO_M

__all__ = ["looks_like_c3d", "read_c3d"]

_EVENT_KINDS = {"foot strike": "ic", "foot off": "to", "heel strike": "ic", "toe off": "to"}


def looks_like_c3d(head: bytes) -> bool:
    """C3D header: the second byte is the key 0x50, the first points at the parameter section (block >= 2)."""
    return len(head) >= 512 and head[1] == 0x50 and head[0] >= 2


def _value(group: dict[str, Any], key: str, default: Any = None) -> Any:
    return group[key]["value"] if key in group else default


def _labels(point: dict[str, Any]) -> list[str]:
    labels = list(_value(point, "LABELS", []))
    n = 2
    while f"LABELS{n}" in point:
        labels += list(_value(point, f"LABELS{n}", []))
        n += 1
    return [str(label).strip() for label in labels]


def _events(c3d: Any, source: str) -> ReferenceEvents | None:
    group = c3d["parameters"].get("EVENT", {})
    labels, contexts, times = (_value(group, k) for k in ("LABELS", "CONTEXTS", "TIMES"))
    if labels is None or contexts is None or times is None:
        return None
    times = np.asarray(times, dtype=float).reshape(2, -1)
    out = []
    for label, context, minutes, seconds in zip(labels, contexts, times[0], times[1], strict=False):
        kind = _EVENT_KINDS.get(str(label).strip().lower())
        side = {"left": "L", "right": "R"}.get(str(context).strip().lower())
        if kind and side:
            out.append(ReferenceEvent(side=side, kind=kind, time_s=float(minutes * 60 + seconds)))  # type: ignore[arg-type]
    return ReferenceEvents(source=f"{source} (events in the C3D file)",
                           events=tuple(sorted(out, key=lambda e: e.time_s))) if out else None


def read_c3d(path: str | os.PathLike[str], config: VideoConfig | None = None, *,
             reference: ReferenceEvents | None = None) -> Recording:
    """Read a C3D file into a `Recording`; its own foot-strike/foot-off events become the reference."""
    config = config or VideoConfig()
    path = Path(path)
    try:
        import ezc3d
    except ImportError:
        raise InputError(f"{path}: reading C3D files needs the optional package ezc3d, which is not installed.",
                         "Install it with: pip install 'stridelens[markers]' (or pip install ezc3d).") from None
    try:
        c3d = ezc3d.c3d(str(path), extract_forceplat_data=False)
    except (RuntimeError, OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot be read as a C3D file ({exc}).",
                         "Export the trial again from the motion-capture software.") from exc
    point = c3d["parameters"]["POINT"]
    names = tuple(_labels(point))
    points = np.asarray(c3d["data"]["points"], dtype=float)  # (4, M, T)
    rate = float(np.ravel(_value(point, "RATE", [0.0]))[0])
    if not names or points.shape[1] == 0 or rate <= 0:
        raise InputError(f"{path}: the C3D file has no marker trajectories or no point rate.",
                         "Export the trial with its markers.")
    xyz = np.transpose(points[:3], (2, 1, 0)).copy()  # (T, M, 3)
    residuals = c3d["data"].get("meta_points", {}).get("residuals")
    if residuals is not None:
        xyz[np.transpose(np.asarray(residuals)[0]) < 0] = np.nan
    unit = str(np.ravel(_value(point, "UNITS", ["mm"]))[0]).strip().lower() or "mm"
    if unit not in UNIT_TO_M:
        raise InputError(f"{path}: unknown point unit {unit!r} in the C3D file.", "Export the markers in mm or m.")
    xyz *= UNIT_TO_M[unit]
    first = int(c3d["header"]["points"]["first_frame"])
    time_s = (first + np.arange(xyz.shape[0])) / rate
    reference = reference or _events(c3d, path.name)
    return markers_to_recording(names[:xyz.shape[1]], xyz, time_s=time_s, fps=rate, path=path, fmt="c3d",
                                file_unit=unit, config=config, reference=reference)
