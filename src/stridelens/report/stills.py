"""Still images of single steps for the HTML report: the landing and the midstance frame, annotated.

The frames come from the annotated video's pass, which decodes every frame anyway (`StillFrames`), or,
without that pass, are decoded around each step (a seek to the keyframe before it); they are cropped around
the runner, scaled down and drawn on with the same `report.draw` functions as the annotated video, then
JPEG-encoded so the self-contained report stays small. Marker and keypoint files (`sources`) have no
frames: the stick figure is drawn on a plain canvas of the same crop, with the floor line.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .._opencv import cv2
from ..io import frame_pts, iter_frames
from ..sources.recording import is_video
from .draw import COLOURS, Overlay, View, draw_foot_ahead, status_colour
from .targets import band_status, targets

__all__ = ["StepStill", "StillFrames", "step_stills"]

STILL_HEIGHT_PX = 540
JPEG_QUALITY = 80
_MAX_UPSCALE = 1.5
STILL_UNIT = 1.5  # lines and labels (at full still height) larger than on the video: the stills are shown
# small, side by side
CANVAS_RGB = (92, 99, 112)  # background of stills without a video frame (marker and keypoint files)


@dataclass(frozen=True, slots=True)
class StepStill:
    step_index: int
    landing_jpeg: bytes  # initial contact: skeleton, COM, foot ahead of COM
    midstance_jpeg: bytes  # midstance: skeleton, ankle-hip-shoulder line, COM


def _crop_box(overlay: Overlay, rows: list[int], extra: list[np.ndarray], width_px: int, height_px: int
              ) -> tuple[int, int, int, int] | None:
    box = overlay.runner_box(rows)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    for p in extra:
        if np.isfinite(p).all():
            x0, x1 = min(x0, p[0] - 20), max(x1, p[0] + 20)
            y1 = max(y1, p[1] + 40)
    min_w = 0.62 * (y1 - y0)  # not narrower than a portrait photo: room for the labels
    if x1 - x0 < min_w:
        cx = (x0 + x1) / 2
        x0, x1 = cx - min_w / 2, cx + min_w / 2
    x0, y0 = max(0, int(x0)), max(0, int(y0))
    x1, y1 = min(width_px, int(np.ceil(x1))), min(height_px, int(np.ceil(y1)))
    return (x0, y0, x1, y1) if x1 > x0 + 8 and y1 > y0 + 8 else None


def _jpeg(image_rgb: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(image_rgb, cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY, cv2.IMWRITE_JPEG_OPTIMIZE, 1])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return buf.tobytes()


def _foot_text(step: Any) -> str:
    v = step.foot_ahead_com_pct
    return f"{abs(v):.0f}% leg {'ahead of' if v >= 0 else 'behind'} COM"


class StillFrames:
    """The frames of some steps' stills, handed over by a pass that decodes the whole video anyway (the
    annotated video's), so the stills decode nothing themselves: on the demo their own decoding had been
    two passes from the clip's start, 0.7-0.8 s of CPU beside the video pass (docs/performance.md, fourth round).

    The pass calls `offer` with every raw frame and `close` when it ends, however it ends; `wait` blocks
    until every wanted frame came or the pass ended, and returns what came (the rest is decoded as usual).
    """

    def __init__(self, analysis: Any, step_indices: Iterable[int]):
        steps = analysis.steps
        self.wanted = {int(f) for i in step_indices if 0 <= i < len(steps)
                       for f in (steps[i].ic_frame, steps[i].midstance_frame)}
        self._images: dict[int, np.ndarray] = {}
        self._done = threading.Event()
        if not self.wanted:
            self._done.set()

    def offer(self, frame_index: int, image_rgb: np.ndarray) -> None:
        if frame_index in self.wanted and frame_index not in self._images:
            self._images[frame_index] = image_rgb.copy()  # the pass draws on its own image next
            if len(self._images) == len(self.wanted):
                self._done.set()

    def close(self) -> None:
        self._done.set()

    def wait(self) -> dict[int, np.ndarray]:
        self._done.wait()
        return dict(self._images)


def _decode(analysis: Any, rows: list[int], all_pts: np.ndarray | None) -> dict[int, np.ndarray]:
    """Upright RGB images of the analysed `rows`, by file frame index.

    With the frames' timestamps (`all_pts`) the reader seeks to the keyframe before the first row; without
    them it decodes from the start with the time window narrowed to these rows (frames before it are
    decoded but not converted to RGB). Either way decoding stops after the last row.
    """
    track = analysis.clean_track
    wanted = {int(track.frame_index[r]) for r in rows}
    if all_pts is not None:
        reader = iter_frames(analysis.video, replace(analysis.config.video, start_s=None, end_s=None),
                             frames=range(min(wanted), max(wanted) + 1), all_pts=all_pts)
    else:
        half_frame_s = 0.5 / track.fps
        reader = iter_frames(analysis.video, replace(analysis.config.video,
                                                     start_s=float(track.time_s[min(rows)]) - half_frame_s,
                                                     end_s=float(track.time_s[max(rows)]) + half_frame_s))
    images: dict[int, np.ndarray] = {}
    for frame in reader:
        if frame.index in wanted:
            images[frame.index] = frame.image
            if len(images) == len(wanted):
                break
    return images


def _canvas(analysis: Any, box: tuple[int, int, int, int]) -> np.ndarray:
    """A plain crop-sized image with the floor line, for inputs without video frames."""
    x0, y0, x1, y1 = box
    image = np.empty((y1 - y0, x1 - x0, 3), dtype=np.uint8)
    image[:] = CANVAS_RGB
    scene = analysis.scene
    ends = scene.to_image(np.array([[-1e5, 0.0], [1e5, 0.0]]))  # the mean floor (y = 0 in runner coordinates)
    if np.isfinite(ends).all():
        a, b = (tuple(int(round(v)) for v in p - (x0, y0)) for p in ends)
        cv2.line(image, a, b, COLOURS["muted"], max(1, (y1 - y0) // 200), cv2.LINE_AA)
    return image


def step_stills(analysis: Any, step_indices: Sequence[int], *, overlay: Overlay | None = None,
                frames: StillFrames | None = None) -> dict[int, StepStill]:
    """Annotated JPEG stills (landing and midstance) of the steps `step_indices` (indices into `steps`).

    Frames come from `frames` (handed over by the annotated video's pass) where it has them, else they are
    decoded here. Steps whose frames cannot be decoded or located are left out of the result.
    """
    overlay = overlay or Overlay(analysis)
    by_index = {s.index: s for s in overlay.steps}
    wanted = [by_index[i] for i in dict.fromkeys(step_indices) if i in by_index]
    frame_of = analysis.clean_track.frame_index
    video = is_video(analysis.video)
    images: dict[int, np.ndarray] = frames.wait() if frames is not None and video else {}
    missing = [s for s in wanted if video and any(int(frame_of[r]) not in images for r in (s.ic_row, s.mid_row))]
    all_pts = frame_pts(analysis.video) if missing else None
    for s in missing:  # one short decode per step: steps may lie far apart in a long video
        images.update(_decode(analysis, [s.ic_row, s.mid_row], all_pts))
    info = analysis.video
    foot_target = next(t for t in targets(analysis.config) if t.key == "foot_ahead_com_pct")
    out = {}
    for s in wanted:
        step = analysis.steps[s.index]
        foot = overlay.foot_ahead_points(s.index)
        box = _crop_box(overlay, [s.ic_row, s.mid_row], list(foot) if foot else [], info.width_px, info.height_px)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        if video:
            frames = [images.get(int(frame_of[r])) for r in (s.ic_row, s.mid_row)]
            if any(f is None for f in frames):
                continue
            frames = [np.ascontiguousarray(f[y0:y1, x0:x1]) for f in frames]
        else:
            frames = [_canvas(analysis, box) for _ in range(2)]
        scale = min(_MAX_UPSCALE, STILL_HEIGHT_PX / (y1 - y0))
        size = (max(2, int(round((x1 - x0) * scale))), max(2, int(round((y1 - y0) * scale))))
        view = View(scale=scale, x0_px=x0, y0_px=y0, unit=STILL_UNIT * size[1] / STILL_HEIGHT_PX)
        crops = [cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in frames]
        landing, mid = crops
        overlay.draw(landing, s.ic_row, view, stance_line=False)
        if foot is not None and step.foot_ahead_com_pct is not None:
            status = band_status(step.foot_ahead_com_pct, foot_target.green, foot_target.amber)
            draw_foot_ahead(landing, *(view(p) for p in foot), _foot_text(step), status_colour(status), u=view.unit)
        overlay.draw(mid, s.mid_row, view, contacts=False)
        out[s.index] = StepStill(s.index, _jpeg(landing), _jpeg(mid))
    return out
