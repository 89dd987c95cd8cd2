"""OpenPose JSON keypoints: one ``*_keypoints.json`` file per frame, usually in one folder.

Format: ``{"version": ..., "people": [{"pose_keypoints_2d": [x0, y0, c0, x1, ...]}, ...]}`` with 25
(BODY_25), 18 (COCO) or another known number of keypoints (`skeletons.names_for_count`); (0, 0, 0) is a
missing keypoint. Frames are ordered by the number in their file names. The files carry no frame rate:
give it with --fps. When several people are in a frame, the runner is the person nearest the one chosen
in the previous frame (the first frame: the tallest person, by the height of their confident keypoints).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

from ..config import VideoConfig
from ..errors import InputError
from .recording import Recording, ReferenceEvents, keypoints_recording
from .skeletons import canonical_from_named, names_for_count

__all__ = ["frame_files", "looks_like_openpose", "read_openpose"]

_MIN_CONFIDENCE = 0.05  # OpenPose writes 0 for a missing keypoint; anything above counts as present


def looks_like_openpose(head: str) -> bool:
    """The first KB of a JSON file: OpenPose's ``people`` list (or an empty frame)."""
    compact = head.replace(" ", "").replace("\n", "")
    return compact.startswith("{") and '"people":' in compact


def frame_files(folder: Path) -> list[Path]:
    """The folder's JSON files in frame order (by the last number in the name)."""
    def key(p: Path) -> tuple[int, str]:
        numbers = re.findall(r"\d+", p.stem)
        return (int(numbers[-1]) if numbers else -1, p.name)

    return sorted((p for p in folder.iterdir() if p.suffix.lower() == ".json"), key=key)


def _people(path: Path) -> list[np.ndarray]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [np.asarray(p["pose_keypoints_2d"], dtype=float).reshape(-1, 3) for p in data.get("people", [])]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{path}: not an OpenPose keypoint file ({exc.__class__.__name__}).",
                         "Give OpenPose's --write_json output (one *_keypoints.json per frame).") from exc


def _centre_and_height(person: np.ndarray) -> tuple[np.ndarray, float]:
    ok = person[:, 2] > _MIN_CONFIDENCE
    if not ok.any():
        return np.full(2, np.nan), 0.0
    pts = person[ok, :2]
    return pts.mean(0), float(np.ptp(pts[:, 1]))


def _choose(people: list[np.ndarray], previous: np.ndarray | None) -> np.ndarray | None:
    if not people:
        return None
    stats = [_centre_and_height(p) for p in people]
    if previous is None or not np.isfinite(previous).all():
        return people[int(np.argmax([h for _, h in stats]))]
    return people[int(np.nanargmin([np.linalg.norm(c - previous) if np.isfinite(c).all() else np.inf
                                    for c, _ in stats]))]


def read_openpose(path: str | os.PathLike[str], config: VideoConfig | None = None, *,
                  reference: ReferenceEvents | None = None) -> Recording:
    """Read an OpenPose JSON folder (or a single frame file) into a `Recording` (codec "keypoints")."""
    config = config or VideoConfig()
    path = Path(path)
    files = frame_files(path) if path.is_dir() else [path]
    if not files:
        raise InputError(f"{path}: the folder holds no JSON files.", "Give OpenPose's --write_json output folder.")
    if not config.fps_override:
        raise InputError(f"{path}: OpenPose keypoint files carry no frame rate.",
                         "Pass the frame rate of the video they came from with --fps (e.g. --fps 60).")
    chosen: list[np.ndarray | None] = []
    previous = None
    for f in files:
        person = _choose(_people(f), previous)
        chosen.append(person)
        if person is not None:
            previous = _centre_and_height(person)[0]
    counts = {len(p) for p in chosen if p is not None}
    if not counts:
        raise InputError(f"{path}: no person in any frame.", "Check that OpenPose found the runner.")
    k = counts.pop()
    known = names_for_count(k)
    if known is None or counts:
        raise InputError(f"{path}: {k} keypoints per person is not a keypoint set stridelens knows.",
                         "Use OpenPose's BODY_25 or COCO model.")
    raw = np.full((len(files), k, 3), np.nan)
    for i, person in enumerate(chosen):
        if person is not None:
            raw[i] = person
    missing = ~(raw[..., 2] > _MIN_CONFIDENCE)
    raw[missing] = np.nan
    set_name, names = known
    xy, conf, sources = canonical_from_named(names, raw[..., :2], np.nan_to_num(raw[..., 2]))
    fps = float(config.fps_override)
    return keypoints_recording(xy, conf, time_s=np.arange(len(files)) / fps, fps=fps, path=path,
                               fmt="openpose_json", width_px=None, height_px=None, config=config,
                               keypoint_sources={k_: f"{v} ({set_name})" for k_, v in sources.items()},
                               rate_from_user=True, reference=reference)
