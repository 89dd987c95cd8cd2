"""annotated.mp4: the analysed frames with the skeleton, stance line, COM, contacts and a live panel.

The source video is decoded again and each analysed frame is drawn on (`report.draw`) and encoded as it
comes (streaming: memory does not grow with the video's length). The frames stay in the decoder's YUV 4:2:0
from decoding to encoding: only the parts drawn on (around the runner, the panel) go to RGB and back.
H.264 / yuv420p in MP4 with the index at the front (faststart), so browsers play it and can seek before it
has fully loaded. One output frame per analysed frame, at the file's frame rate: playback speed matches the
original (slow motion stays slow).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

from .._opencv import cv2
from ..io import i420_hw, i420_planes, iter_frames, prefetch
from .draw import Overlay, View, unit_of
from .stills import StillFrames

__all__ = ["write_annotated_video"]

log = logging.getLogger(__name__)

MAX_SIDE_PX = 1280  # larger videos are scaled down: keeps encoding fast and the file small
# x264 "ultrafast" at crf 25: the video pass of the demo 3.5 s vs 5.3 s ("superfast", crf 23) and 8.5 s
# ("veryfast"); luma PSNR 40.6 dB vs 41.6 and 40.1 dB; annotated.mp4 6.0 vs 4.5 and 2.7 MB (docs/performance.md)
_CRF = "25"
_PRESET = "ultrafast"

def _rate(file_fps: float) -> Fraction:
    """The frame rate as a fraction: 29.97 -> 30000/1001, 30 -> 30."""
    return Fraction(file_fps).limit_denominator(1001)


def _open_output(path: Path, width_px: int, height_px: int, rate: Fraction) -> tuple[Any, Any]:
    container = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
    stream = container.add_stream("libx264", rate=rate)
    stream.width, stream.height = width_px, height_px
    stream.pix_fmt = "yuv420p"
    stream.options = {"crf": _CRF, "preset": _PRESET}
    stream.codec_context.time_base = 1 / rate
    return container, stream


class _Yuv420Frame:
    """One output frame, filled again for every picture from an I420 array (`io.i420_planes`) into planes
    allocated once. x264 copies each picture it is given before `encode` returns, so the frame can be reused;
    a new frame per picture (`VideoFrame.from_ndarray`) cost 1.0 ms a frame on the demo, the copy into these
    planes 0.2 ms (docs/performance.md, fifth round)."""

    def __init__(self, width_px: int, height_px: int):
        self.frame = av.VideoFrame(width_px, height_px, "yuv420p")
        self._planes = [np.frombuffer(p, np.uint8).reshape(p.height, p.line_size)[:, :p.width]
                        for p in self.frame.planes]

    def fill(self, i420: np.ndarray, pts: int) -> av.VideoFrame:
        for plane, source in zip(self._planes, i420_planes(i420), strict=True):
            plane[...] = source
        self.frame.pts = pts
        return self.frame


def _even_box(box: tuple[int, int, int, int] | None, height_px: int, width_px: int
              ) -> tuple[int, int, int, int] | None:
    """`box` widened to even edges, so that it covers whole 2 x 2 blocks of the 4:2:0 chroma."""
    if box is None:
        return None
    x0, y0, x1, y1 = box
    x0, y0 = max(0, x0 - x0 % 2), max(0, y0 - y0 % 2)
    x1, y1 = min(width_px, x1 + x1 % 2), min(height_px, y1 + y1 % 2)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _draw_in_rgb(i420: np.ndarray, box: tuple[int, int, int, int] | None,
                 paint: Callable[[np.ndarray, int, int], None]) -> None:
    """Paint on the `box` (x0, y0, x1, y1; even edges) of an I420 picture, in place: that part goes to RGB
    (OpenCV, BT.601 limited range, both ways), `paint(rgb, x0, y0)` draws on it, and it comes back.

    Converting only where the overlay goes, rather than every whole frame to RGB in the decoder and back
    in the encoder, spares most of the conversions (docs/performance.md, eighth round)."""
    if box is None:
        return
    x0, y0, x1, y1 = box
    part = np.empty(((y1 - y0) * 3 // 2, x1 - x0), np.uint8)
    chroma = (slice(y0 // 2, y1 // 2), slice(x0 // 2, x1 // 2))
    pairs = list(zip(i420_planes(i420), i420_planes(part), ((slice(y0, y1), slice(x0, x1)), chroma, chroma),
                     strict=True))  # (frame plane, crop plane, the crop's region of the frame plane): Y, U, V
    for plane, part_plane, region in pairs:
        part_plane[...] = plane[region]
    rgb = cv2.cvtColor(part, cv2.COLOR_YUV2RGB_I420)
    paint(rgb, x0, y0)
    cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420, dst=part)
    for plane, part_plane, region in pairs:
        plane[region] = part_plane


def _encode(container: Any, stream: Any, frame: av.VideoFrame | None) -> None:
    """Encode one frame (None: flush)."""
    for packet in stream.encode(frame):
        container.mux(packet)


def _draw_frame(overlay: Overlay, i420: np.ndarray, row: int, view: View) -> None:
    """The overlay and then the panel of `row` on an I420 frame, each converted to RGB only where it goes."""
    h, w = i420_hw(i420)
    _draw_in_rgb(i420, _even_box(overlay.draw_box(row, view, (h, w)), h, w),
                 lambda rgb, x0, y0: overlay.draw(rgb, row, view.cropped(x0, y0)))
    panel = overlay.panel_box(row, view, (h, w))
    _draw_in_rgb(i420, _even_box(panel, h, w), lambda rgb, x0, y0: overlay.draw_panel(
        rgb, row, view.cropped(x0, y0), at=(panel[0] - x0, panel[1] - y0)))


class _EncoderThread:
    """The copy into the output frame and x264 in a thread of their own, so a frame is encoded while the next
    is drawn.

    Drawing is mostly Python (holds the GIL); copying and encoding run in C without it, so the two
    overlap on two cores (slow-motion clip: 5.7 s -> see docs/performance.md). Frames are encoded in the
    order given; at most `max_pending` wait. An encoder error is raised in `submit` or `finish`.
    """

    def __init__(self, container: Any, stream: Any, max_pending: int = 4):
        self._container, self._stream = container, stream
        self._frame = _Yuv420Frame(stream.width, stream.height)
        self._queue: queue.Queue[tuple[np.ndarray, int] | None] = queue.Queue(maxsize=max_pending)  # I420, pts
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="stridelens-encode", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while (item := self._queue.get()) is not None:
                _encode(self._container, self._stream, self._frame.fill(*item))
            _encode(self._container, self._stream, None)  # flush
        except BaseException as exc:  # handed to the drawing thread
            self._error = exc
            while self._queue.get() is not None:  # drain, so the producer never blocks
                pass

    def _check(self) -> None:
        if self._error is not None:
            raise self._error

    def submit(self, i420: np.ndarray, pts: int) -> None:
        self._check()
        self._queue.put((i420, pts))

    def finish(self) -> None:
        """Encode what is queued, flush the encoder and wait."""
        self._queue.put(None)
        self._thread.join()
        self._check()

    def stop(self) -> None:
        """After an error elsewhere: let the thread end (idempotent)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


def write_annotated_video(analysis: Any, path: Path, *, progress: Callable[[str, float], None] | None = None,
                          stills: StillFrames | None = None) -> None:
    """Write annotated.mp4 for `analysis` (a `pipeline.Analysis`) to `path`.

    Each analysed frame gets the skeleton (cleaned keypoints), the stance ankle -> hip -> shoulder line
    coloured by the step's hip offset (green within the neutral band, amber/red beyond), the centre of
    mass, a ring at each landing foot (labelled L/R) and a panel with cadence so far and the lean and hip
    offset of the last midstance. `progress(stage, fraction)` is called with stage "video". The frames of the
    report's stills are handed to `stills` on the way (it is closed when the pass ends, however it ends).
    """
    try:
        _write_video(analysis, Path(path), progress, stills)
    finally:
        if stills is not None:
            stills.close()  # the report never waits for a pass that failed or never began


def _write_video(analysis: Any, path: Path, progress: Callable[[str, float], None] | None,
                 stills: StillFrames | None) -> None:
    info = analysis.video
    overlay = Overlay(analysis)
    total = overlay.n_rows
    scale = min(1.0, MAX_SIDE_PX / max(info.width_px, info.height_px))
    max_height = int(round(info.height_px * scale)) if scale < 1.0 else None
    rate = _rate(info.file_fps)
    container = stream = None
    encoder: _EncoderThread | None = None
    written = 0
    if max_height is not None and stills is not None:
        stills.close()  # the stills are cut from full-size frames: they decode their own
        stills = None
    try:
        # 4 frames ahead (5.5 MB at 720p) evens out slow frames: the demo's video pass 3.64 s, 3.80 s with 1 ahead
        reader = iter_frames(info, analysis.config.video, max_height_px=max_height, pixels="i420",
                             rgb_frames=stills.wanted if stills is not None else ())
        for frame in prefetch(reader, ahead=4):
            row = overlay.row_of_frame.get(frame.index)
            if row is None:
                continue
            if stills is not None and frame.rgb is not None:
                stills.offer(frame.index, frame.rgb)
            i420 = frame.image
            h, w = i420_hw(i420)
            if container is None:
                container, stream = _open_output(path, w, h, rate)
                encoder = _EncoderThread(container, stream)
                view = View(scale=h / info.height_px if max_height else 1.0, unit=unit_of(h, w))
            _draw_frame(overlay, i420, row, view)
            encoder.submit(i420, written)
            written += 1
            if progress and written % 10 == 0:
                progress("video", min(1.0, written / total))
            if written == total:
                break
        if encoder is not None:
            encoder.finish()
    finally:
        if encoder is not None:
            encoder.stop()
        if container is not None:
            container.close()
    if written != total:
        log.warning("annotated video: %d of %d analysed frames were decoded again", written, total)
    if progress:
        progress("video", 1.0)
