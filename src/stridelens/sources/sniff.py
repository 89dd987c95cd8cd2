"""Which reader a path needs, decided from its content (first bytes, header lines, JSON keys), not its name.

Anything not recognised goes to the video reader, whose errors already explain what is wrong.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..config import VideoConfig
from ..errors import InputError
from .c3d import looks_like_c3d, read_c3d
from .gaitlab import looks_like_gaitlab, read_gaitlab
from .mot import looks_like_opensim, read_mot
from .openpose import frame_files, looks_like_openpose, read_openpose
from .recording import Recording, ReferenceEvents
from .reference import find_reference_beside, read_reference_csv
from .stridelens_parquet import looks_like_stridelens_parquet, read_stridelens_parquet
from .trc import looks_like_trc, read_trc

__all__ = ["FORMATS", "read_source", "sniff"]

_HEAD_BYTES = 4096

FORMATS: dict[str, str] = {
    "opensim_mot": "OpenSim motion/storage file with marker columns (.mot, .sto)",
    "trc": "TRC marker file (OpenSim, Pose2Sim, Sports2D, motion capture)",
    "c3d": "C3D motion-capture file (needs ezc3d)",
    "openpose_json": "OpenPose JSON keypoints (a folder of *_keypoints.json, or one file)",
    "gaitlab_pose": "gaitlab.pose/v1 keypoint JSON (RTMPose/Halpe-26, BlazePose, ...)",
    "stridelens_parquet": "keypoints.parquet of an earlier stridelens analysis",
}
_MARKER_FORMATS = ("opensim_mot", "trc", "c3d")


def _text(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    return head.decode("utf-8", errors="replace")


def _sniff_folder(path: Path) -> str | None:
    files = frame_files(path)
    if not files:
        return None
    with files[0].open("rb") as fh:
        text = _text(fh.read(_HEAD_BYTES))
    return "openpose_json" if text is not None and looks_like_openpose(text) else None


def sniff(path: str | os.PathLike[str]) -> str | None:
    """The format of a marker or keypoint file or folder (a key of `FORMATS`), or None (e.g. a video).

    Never raises for a path that cannot be read: the video reader reports that.
    """
    path = Path(path)
    try:
        if path.is_dir():
            return _sniff_folder(path)
        if not path.is_file():
            return None
        with path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError:
        return None
    if looks_like_c3d(head):
        return "c3d"
    if looks_like_stridelens_parquet(path, head):
        return "stridelens_parquet"
    text = _text(head)
    if text is None:
        return None
    checks: tuple[tuple[str, Callable[[str], bool]], ...] = (
        ("trc", looks_like_trc), ("opensim_mot", looks_like_opensim), ("gaitlab_pose", looks_like_gaitlab),
        ("openpose_json", looks_like_openpose))
    return next((fmt for fmt, check in checks if check(text)), None)


def _explicit_reference(path: Path, reference_events: str | os.PathLike[str]) -> ReferenceEvents:
    ref = read_reference_csv(reference_events, trial_of=path.stem)
    if not ref.events:
        raise InputError(f"{reference_events}: no events for {path.stem} (the trial column names other files).",
                         "Give a CSV with side, event, time_s (and a trial column naming this file).")
    return ref


def read_source(path: str | os.PathLike[str], config: VideoConfig | None = None, *,
                reference_events: str | os.PathLike[str] | None = None) -> Recording:
    """Read a marker or keypoint file (any of `FORMATS`) into a `Recording`.

    Parameters
    ----------
    reference_events
        A CSV of independent gait events (`reference.read_reference_csv`) to compare with. Without it, a C3D
        file's own events are used, else a ``*events*.csv`` beside a marker file with rows for its trial.

    Raises
    ------
    InputError
        When the content is not one of `FORMATS` or cannot be read.
    """
    config = config or VideoConfig()
    path = Path(path)
    fmt = sniff(path)
    if fmt is None:
        raise InputError(f"{path}: not a marker or keypoint file stridelens can read.",
                         "Give a video, or one of: " + "; ".join(FORMATS.values()) + ".")
    reference = _explicit_reference(path, reference_events) if reference_events is not None else None
    readers: dict[str, Callable[..., Recording]] = {
        "opensim_mot": read_mot, "trc": read_trc, "c3d": read_c3d, "gaitlab_pose": read_gaitlab,
        "openpose_json": read_openpose, "stridelens_parquet": read_stridelens_parquet}
    recording = readers[fmt](path, config, reference=reference)
    if recording.info.reference is None and fmt in _MARKER_FORMATS:
        beside = find_reference_beside(path)
        if beside is not None:
            recording = replace(recording, info=replace(recording.info, reference=beside))
    return recording
