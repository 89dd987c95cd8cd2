"""Render a synthetic `Track` to a video file: a stick figure on a plain background.

For plumbing tests of the video stages (decode, report overlays); a pose model will not recognise a
stick figure as a person. Writes a file, so it is a development tool, not part of the core pipeline.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from .._opencv import cv2
from ..pose.base import KEYPOINT_INDEX, SKELETON_EDGES
from ..tracking.track import Track

__all__ = ["render_video"]

_BACKGROUND_RGB = (200, 200, 190)
_NEAR_RGB, _FAR_RGB, _CENTRE_RGB = (200, 40, 40), (40, 40, 200), (30, 30, 30)
_HEAD_EDGES = (("left_ear", "nose"), ("right_ear", "nose"))


def _colour(a: str, b: str, near: str) -> tuple[int, int, int]:
    if a.startswith(near) and b.startswith(near):
        return _NEAR_RGB
    if a.split("_")[0] == b.split("_")[0]:
        return _FAR_RGB
    return _CENTRE_RGB


def _draw(xy: np.ndarray, width_px: int, height_px: int, thickness_px: int, near: str) -> np.ndarray:
    """One RGB frame with the figure of (K, 2) keypoints; missing points are left out."""
    image = np.empty((height_px, width_px, 3), dtype=np.uint8)
    image[:] = _BACKGROUND_RGB
    for a, b in (*SKELETON_EDGES, *_HEAD_EDGES):
        p, q = xy[KEYPOINT_INDEX[a]], xy[KEYPOINT_INDEX[b]]
        if np.isfinite(p).all() and np.isfinite(q).all():
            cv2.line(image, tuple(int(round(v)) for v in p), tuple(int(round(v)) for v in q),
                     _colour(a, b, near), thickness_px, cv2.LINE_AA)
    return image


def render_video(track: Track, path: str | Path, fps: float | None = None, *, image_width_px: int = 1280,
                 image_height_px: int = 720, thickness_px: int = 6) -> Path:
    """Write `track` (image coordinates) as an H.264 / yuv420p MP4, one frame per row.

    Parameters
    ----------
    track
        Keypoints in image pixels, e.g. from `make_runner`.
    path
        Output file (.mp4).
    fps
        Frame rate of the file; the track's when None.
    image_width_px, image_height_px
        Frame size; even numbers (yuv420p), matching the `RunnerSpec` that made the track.
    thickness_px
        Line width of the limbs.

    Returns
    -------
    Path
        The written file.
    """
    path = Path(path)
    rate = Fraction(fps or track.fps).limit_denominator(1001)
    near = "right" if np.nanmean(track.point("nose")[:, 0] - track.mid("left_ear", "right_ear")[:, 0]) >= 0 \
        else "left"
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = image_width_px, image_height_px, "yuv420p"
        for row in range(len(track)):
            image = _draw(track.xy[row], image_width_px, image_height_px, thickness_px, near)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        container.mux(stream.encode(None))
    return path
