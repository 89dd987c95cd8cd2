"""Read videos: facts, frames with real timestamps, rotation and slow motion.

Frames come out upright (rotation metadata applied) as RGB arrays (or, for the annotated video, as the
decoder's own YUV 4:2:0 planes), with their 0-based decode index and their time in seconds of real life
(slow motion divided out), so every later stage works in real time.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Container, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from ..config import VideoConfig
from ..errors import InputError

__all__ = ["VideoFrame", "VideoInfo", "frame_pts", "i420_hw", "i420_planes", "iter_frames", "looks_like_video",
           "picture_kind", "prefetch", "probe_video"]

log = logging.getLogger(__name__)

# Container tags phones write for slow motion (capture rate differs from playback rate).
_CAPTURE_FPS_TAGS = ("com.android.capture.fps", "com.apple.quicktime.capture-fps", "capture_fps")

# Still-image codecs (FFmpeg name -> what to call it): FFmpeg opens a photo as a one-frame "video".
_IMAGE_CODECS = {
    "png": "PNG", "apng": "animated PNG", "mjpeg": "JPEG", "jpegls": "JPEG", "ljpeg": "JPEG",
    "jpeg2000": "JPEG 2000", "jpegxl": "JPEG XL", "webp": "WebP", "gif": "GIF", "bmp": "BMP", "tiff": "TIFF",
    "qoi": "QOI", "psd": "PSD", "targa": "TGA", "sgi": "SGI", "dpx": "DPX", "exr": "OpenEXR", "hdr": "HDR",
    "pcx": "PCX", "ppm": "PPM", "pgm": "PGM", "pgmyuv": "PGM", "pbm": "PBM", "pam": "PAM", "xbm": "XBM",
    "xpm": "XPM", "xwd": "XWD", "sunrast": "Sun raster", "photocd": "Photo CD", "dds": "DDS", "pgx": "PGX",
}
# Demuxers that only read pictures (image2: a single image file; *_pipe: png_pipe, jpeg_pipe, ...).
_IMAGE_FORMATS = ("image2", "gif", "apng")
# Packets whose timestamps are checked by `probe_video` (a couple of seconds of video: read quickly).
_PTS_SAMPLE = 48


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """Facts about a video file, as the analysis uses them."""

    path: str
    codec: str
    width_px: int  # upright, after rotation
    height_px: int
    rotation_deg: int  # counter-clockwise rotation applied to make frames upright
    file_fps: float  # average playback rate stored in the file
    capture_fps: float  # real capture rate (slow motion: > file_fps)
    capture_fps_source: str  # "file", "metadata" or "user"
    frame_count: int  # as stored in the header (0 when unknown)
    duration_s: float  # file (playback) duration
    variable_frame_rate: bool | None = None  # set after decoding
    # False: the file's timestamps are unusable (zero time scale, zero frame durations) and the user gave the
    # rate (--fps): frames are read ignoring the file's edit list and timed as index / capture_fps
    timestamps_usable: bool = True

    @property
    def slowmo_factor(self) -> float:
        return self.capture_fps / self.file_fps if self.file_fps > 0 else 1.0


@dataclass(frozen=True, slots=True)
class VideoFrame:
    index: int  # 0-based, decode order of the file
    time_s: float  # real time since the first frame (slow motion divided out)
    image: np.ndarray  # upright: H x W x 3 uint8 RGB, or I420 with pixels="i420" (see `i420_planes`)
    rgb: np.ndarray | None = None  # with pixels="i420": the RGB picture too, for the frames asked for


def i420_hw(i420: np.ndarray) -> tuple[int, int]:
    """(H, W) of the picture an I420 array (`i420_planes`) holds."""
    return i420.shape[0] * 2 // 3, i420.shape[1]


def i420_planes(i420: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Y, U and V planes (views) of an I420 picture: a (3H/2) x W uint8 array holding all of Y (H x W),
    then all of U and of V (H/2 x W/2 each), as OpenCV's `COLOR_YUV2RGB_I420` reads it; H and W even."""
    h, w = i420_hw(i420)
    flat, luma, chroma = i420.reshape(-1), h * w, (h // 2) * (w // 2)
    return (flat[:luma].reshape(h, w), flat[luma:luma + chroma].reshape(h // 2, w // 2),
            flat[luma + chroma:].reshape(h // 2, w // 2))


def _upright_i420(frame: av.VideoFrame, rotation_deg: int) -> np.ndarray:
    """A yuv420p frame's planes, upright, packed as I420 (an odd last row or column is left out)."""
    h, w = frame.height // 2 * 2, frame.width // 2 * 2
    planes = [np.frombuffer(p, np.uint8).reshape(p.height, p.line_size) for p in frame.planes]
    turns = (rotation_deg // 90) % 4
    sources = [np.rot90(p[:hp, :wp], k=turns) for p, hp, wp in zip(planes, (h, h // 2, h // 2),
                                                                  (w, w // 2, w // 2), strict=True)]
    height, width = sources[0].shape
    out = np.empty((height * 3 // 2, width), np.uint8)
    for plane, source in zip(i420_planes(out), sources, strict=True):
        plane[...] = source
    return out


def _open(path: Path, *, ignore_editlist: bool = False) -> av.container.InputContainer:
    if not path.exists():
        raise InputError(f"{path}: file not found.", "Check the path and the file name.")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a video file.", "Give the path of a video file.")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: cannot be read (permission denied).", "Check the file's permissions.")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty (0 bytes).", "Copy the video again from the phone.")
    try:
        options = {"ignore_editlist": "1"} if ignore_editlist else None
        container = av.open(str(path), metadata_errors="ignore", options=options)
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(
            f"{path}: cannot be read as a video: it is not a video file, or it is damaged or truncated "
            f"({exc.__class__.__name__}).",
            "Use a video file (MP4, MOV, MKV, WebM, AVI). If it is one, it is probably incomplete: "
            "copy it again from the phone or export it again.",
        ) from exc
    if not container.streams.video:
        container.close()
        raise InputError(f"{path}: contains no video stream (audio only or an image?).",
                         "Give a video file of the run filmed from the side.")
    if all(s.disposition & av.stream.Disposition.attached_pic for s in container.streams.video):
        container.close()
        raise InputError(f"{path}: contains no video stream, only sound (and a cover picture).",
                         "Give a video file of the run filmed from the side.")
    return container


def picture_kind(container: av.container.InputContainer) -> str | None:
    """What kind of still picture the file is ("PNG", "JPEG", ...), or None when it is a video.

    FFmpeg opens a photo as a one-frame video, whatever its name: a picture demuxer (image2, png_pipe,
    jpeg_pipe, ..., GIF, animated PNG or WebP) or a still-image codec with one frame and no duration. Motion
    JPEG in a video container (old cameras) has many frames and stays a video.
    """
    stream = container.streams.video[0]
    codec = stream.codec_context.name if stream.codec_context is not None else ""
    label = _IMAGE_CODECS.get(codec, codec.upper() or "image")
    names = container.format.name.split(",")
    if any(n in _IMAGE_FORMATS or n.endswith("_pipe") for n in names):
        return label
    if codec in _IMAGE_CODECS and int(stream.frames or 0) <= 1 and not (container.duration or 0) > 0:
        return label
    return None


def _picture_error(path: Path, kind: str) -> InputError:
    return InputError(f"{path}: is a picture, not a video ({kind} image, whatever its name says).",
                      "Film the runner from the side for 10-20 seconds and give that video file "
                      "(MP4, MOV, MKV, WebM); a photo cannot show a running stride.")


_VIDEO_MAGIC_AT_4 = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")  # MP4, MOV, 3GP, M4V
_ASF_GUID = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")  # WMV


def _video_magic(head: bytes) -> bool:
    """Whether the first bytes are those of a video container (a cheap first test before FFmpeg opens it)."""
    return (head[4:8] in _VIDEO_MAGIC_AT_4 or head[:4] == b"\x1a\x45\xdf\xa3"  # Matroska, WebM
            or (head[:4] == b"RIFF" and head[8:12] == b"AVI ") or head[:4] == b"\x00\x00\x01\xba"  # AVI, MPEG-PS
            or head[:3] == b"FLV" or head[:16] == _ASF_GUID
            or (len(head) > 196 and (head[0] == head[188] == 0x47 or head[4] == head[196] == 0x47)))  # TS, M2TS


def looks_like_video(path: str | os.PathLike[str]) -> bool:
    """Whether a file's content is a video (a container with moving pictures), whatever its name.

    For files a folder scan skips by their extension: a video container's first bytes, then FFmpeg finds a
    video stream that is neither a picture nor a cover image, with more than one frame or a duration.
    Audio files (M4A, even with cover art), photos and text are not videos.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(400)
    except OSError:
        return False
    if not _video_magic(head):
        return False
    try:
        container = _open(Path(path))
    except (InputError, OSError):
        return False
    try:
        stream = container.streams.video[0]
        return (stream.codec_context is not None and picture_kind(container) is None
                and (int(stream.frames or 0) > 1 or (container.duration or 0) > 0))
    except (av.error.FFmpegError, ValueError):
        return False
    finally:
        container.close()


def _capture_fps_from_metadata(container: av.container.InputContainer) -> float | None:
    stream = container.streams.video[0]
    for tags in (stream.metadata, container.metadata):
        for key in _CAPTURE_FPS_TAGS:
            if key in tags:
                try:
                    value = float(str(tags[key]).strip())
                except ValueError:
                    continue
                if value > 0:
                    return value
    return None


def _scan_start(container: av.container.InputContainer) -> tuple[int, list[int]]:
    """(counter-clockwise rotation to apply, read from the first frame's display matrix; the presentation
    timestamps of the first `_PTS_SAMPLE` packets), demuxing only the start of the file."""
    stream = container.streams.video[0]
    rotation: int | None = None
    pts: list[int] = []
    packets = 0
    try:
        for packet in container.demux(stream):
            if packet.size and packets < _PTS_SAMPLE:
                packets += 1
                if packet.pts is not None:
                    pts.append(int(packet.pts))
            if rotation is None:
                for frame in packet.decode():
                    rotation = int(round(getattr(frame, "rotation", 0) or 0)) % 360
                    break
            if rotation is not None and packets >= _PTS_SAMPLE:
                break
    except av.error.FFmpegError:
        pass
    return rotation or 0, pts


def _timing_problem(file_fps: float, pts: list[int]) -> str | None:
    """Why the file's frame rate or timestamps cannot time the frames, or None when they can.

    A zero time scale leaves FFmpeg a rate of a frame every few minutes; zero frame durations (a broken
    muxer) give many frames the same timestamp. Both make every frame time wrong.
    """
    if file_fps <= 0:
        return "its header gives no frame rate"
    if file_fps < 1:
        return f"its header gives {file_fps:.2g} frames per second"
    if len(pts) >= 3 and len(set(pts)) < 0.9 * len(pts):
        return f"{len(pts) - len(set(pts))} of its first {len(pts)} frames repeat another frame's timestamp"
    return None


def probe_video(path: str | os.PathLike[str], config: VideoConfig | None = None) -> VideoInfo:
    """Read a video's facts without decoding it all; raise `InputError` for anything unusable."""
    config = config or VideoConfig()
    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        kind = picture_kind(container)
        if kind is not None:
            raise _picture_error(path, kind)
        if stream.codec_context is None:  # an unknown or damaged codec tag: FFmpeg has no decoder for it
            raise InputError(f"{path}: the video is in an unknown format or its header is damaged "
                             "(no decoder for its codec).",
                             "Export the video again as H.264 MP4, or copy it again from the phone.")
        width, height = stream.codec_context.width, stream.codec_context.height
        if not width or not height:
            raise InputError(f"{path}: the video stream has no picture size.", "Re-export the video.")
        if width * height > 8192 * 8192:
            raise InputError(f"{path}: picture size {width}x{height} is not plausible for a video.",
                             "Re-export the video at a normal resolution (e.g. 1920x1080).")
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        file_fps = float(rate) if rate else 0.0
        duration_s = float(container.duration) / 1e6 if container.duration else 0.0
        frame_count = int(stream.frames or 0)
        if file_fps <= 0 and duration_s > 0 and frame_count > 0:
            file_fps = frame_count / duration_s
        rotation, pts = _scan_start(container)
        if rotation in (90, 270):
            width, height = height, width
        meta_fps = _capture_fps_from_metadata(container)
        codec = stream.codec_context.name
    finally:
        container.close()
    problem = _timing_problem(file_fps, pts)
    if problem is not None and not config.fps_override:
        raise InputError(
            f"{path}: the video has no usable frame rate or timestamps ({problem}), so the time of each step "
            "cannot be measured.",
            "Export it again (with the phone's video editor, or `ffmpeg -ignore_editlist 1 -r 30 -i in.mp4 "
            "out.mp4`, where 30 is the rate it was filmed at), or give that rate with --fps (e.g. --fps 30; in a "
            "batch manifest: the fps column): the frames are then timed by it.")
    if problem is not None:  # --fps times the frames: index / rate, no slow-motion factor
        file_fps = capture_fps = float(config.fps_override)  # type: ignore[arg-type]
        source = "user"
        duration_s = frame_count / capture_fps if frame_count else duration_s
    elif config.fps_override:
        capture_fps, source = float(config.fps_override), "user"
    elif meta_fps and meta_fps > file_fps * 1.5:
        capture_fps, source = meta_fps, "metadata"
    else:
        capture_fps, source = file_fps, "file"
    return VideoInfo(path=str(path), codec=codec, width_px=width, height_px=height,
                     rotation_deg=rotation, file_fps=file_fps, capture_fps=capture_fps,
                     capture_fps_source=source, frame_count=frame_count, duration_s=duration_s,
                     timestamps_usable=problem is None)


def _upright(image: np.ndarray, rotation_deg: int) -> np.ndarray:
    turns = (rotation_deg // 90) % 4
    return np.ascontiguousarray(np.rot90(image, k=turns)) if turns else image


def short_of_header(info: VideoInfo, frames_found: int) -> bool:
    """Far fewer frames than the header announces: a truncated copy (10 % slack for headers that round)."""
    return bool(info.frame_count) and frames_found < 0.9 * info.frame_count


def frame_pts(info: VideoInfo) -> np.ndarray | None:
    """Presentation timestamps of every frame, sorted (= the frames' 0-based indices), by demuxing only.

    Reads packet headers, not pictures: fast. None when some packet has no timestamp (then a clip can
    only be read from its start).
    """
    if not info.timestamps_usable:
        return None
    container = _open(Path(info.path))
    try:
        stream = container.streams.video[0]
        pts = [p.pts for p in container.demux(stream) if p.size]
    except av.error.FFmpegError:
        return None
    finally:
        container.close()
    if not pts or any(p is None for p in pts):
        return None
    return np.sort(np.asarray(pts, dtype=np.int64))


def iter_frames(info: VideoInfo, config: VideoConfig | None = None, *, max_height_px: int | None = None,
                frames: range | None = None, all_pts: np.ndarray | None = None, pixels: str = "rgb",
                rgb_frames: Container[int] = ()) -> Iterator[VideoFrame]:
    """Yield upright RGB frames in decode order with real timestamps.

    Times come from the frames' presentation timestamps (phones record variable frame rate), divided by
    the slow-motion factor. `--start/--end` select by real time; frame indices stay those of the file.
    A decoding failure part-way raises `InputError` naming the time where the file breaks.

    `frames` restricts to a range of frame indices; with `all_pts` (from `frame_pts`) the reader seeks
    to the keyframe before the range instead of decoding everything before it (parallel pose workers).

    `pixels="i420"` yields the pictures as the decoder's YUV 4:2:0 planes instead (swscale only converts
    other formats and scales), for the annotated video, which converts to RGB only where it draws; the
    frames whose indices are in `rgb_frames` carry their RGB picture too (`VideoFrame.rgb`, the same pixels
    as `pixels="rgb"`).
    """
    if pixels not in ("rgb", "i420"):
        raise ValueError(f"pixels must be 'rgb' or 'i420', not {pixels!r}")
    config = config or VideoConfig()
    container = _open(Path(info.path), ignore_editlist=not info.timestamps_usable)
    stream = container.streams.video[0]
    # no frame threads: every reader already runs in a thread of its own beside the pose model or the drawing
    # (`prefetch`), and FFmpeg's frame threads cost 25-35 % more CPU per frame (demo: 1.30 vs 1.04 s of CPU
    # for 360 frames to RGB), CPU that the two pose models need (docs/performance.md, fourth round)
    factor = info.slowmo_factor
    # one converter per reader: `frame.to_ndarray(format=...)` sets up a new swscale context for every frame,
    # which cost more than decoding (demo: 106 -> 240 frames/s decoded to RGB, identical pixels)
    to_rgb, to_size, to_yuv = VideoReformatter(), VideoReformatter(), VideoReformatter()
    first_pts_s: float | None = None
    index = -1
    index_of_pts: dict[int, int] | None = None
    skip_before_pts: int | None = None
    if frames is not None and all_pts is not None and frames.start > 0:
        index_of_pts = {int(p): i for i, p in enumerate(all_pts)}
        first_pts_s = float(all_pts[0] * stream.time_base)
        skip_before_pts = int(all_pts[frames.start])
        container.seek(skip_before_pts, stream=stream, backward=True, any_frame=False)
    try:
        for frame in _decoded(container, stream, skip_before_pts):
            index = index_of_pts.get(frame.pts, -1) if index_of_pts is not None else index + 1
            if frames is not None and index < frames.start:
                continue
            if frames is not None and index >= frames.stop:
                break
            pts_s = frame.time if frame.time is not None and info.timestamps_usable else index / info.file_fps
            if first_pts_s is None:
                first_pts_s = pts_s
            time_s = (pts_s - first_pts_s) / factor
            if config.start_s is not None and time_s < config.start_s:
                continue
            if config.end_s is not None and time_s > config.end_s:
                break
            height = frame.height if info.rotation_deg in (0, 180) else frame.width
            if max_height_px and height > max_height_px:
                scale = max_height_px / height
                frame = to_size.reformat(frame, width=int(round(frame.width * scale / 2)) * 2,
                                         height=int(round(frame.height * scale / 2)) * 2)
            rgb = (_upright(to_rgb.reformat(frame, format="rgb24").to_ndarray(), info.rotation_deg)
                   if pixels == "rgb" or index in rgb_frames else None)
            if pixels == "rgb":
                yield VideoFrame(index=index, time_s=float(time_s), image=rgb)  # type: ignore[arg-type]
            else:  # a yuv420p frame comes back as it is
                image = _upright_i420(to_yuv.reformat(frame, format="yuv420p"), info.rotation_deg)
                yield VideoFrame(index=index, time_s=float(time_s), image=image, rgb=rgb)
        if frames is None and config.end_s is None and short_of_header(info, index + 1):
            raise _truncated(info, index + 1)
    except av.error.FFmpegError as exc:
        if frames is None and config.end_s is None and index >= 0 and short_of_header(info, index + 1):
            raise _truncated(info, index + 1) from exc  # a copy cut short: its last packet is incomplete
        at = f"after frame {index} ({(index / info.file_fps):.1f} s)" if index > 0 else "at the start"
        raise InputError(
            f"{info.path}: the video is damaged or truncated: decoding failed {at} ({exc}).",
            "Copy the file again from the phone, or analyse the intact part with --end.",
        ) from exc
    finally:
        container.close()


def _truncated(info: VideoInfo, decoded: int) -> InputError:
    """A copy whose frames stop well before the count its header announces, with the intact part to analyse."""
    return InputError(
        f"{info.path}: the video is truncated: its header announces {info.frame_count} frames but only "
        f"{decoded} could be decoded ({decoded / info.file_fps:.1f} s).",
        f"Copy the file again from the phone, or analyse the intact part with --end "
        f"{max(0.0, (decoded - 1) / info.file_fps / info.slowmo_factor):.1f}.")


def _decoded(container: Any, stream: Any, skip_before_pts: int | None) -> Iterator[av.VideoFrame]:
    """`container.decode(stream)`, except that after a seek the frames that no other frame refers to are not
    decoded at all until `skip_before_pts`: they are dropped anyway, and the keyframe before a cut can lie far
    back (the demo's second half starts 172 frames after its keyframe: 0.35 of 0.79 s of decoding saved)."""
    if skip_before_pts is None:
        yield from container.decode(stream)
        return
    context = stream.codec_context
    skipping = False
    for packet in container.demux(stream):
        # decided per packet, before it is decoded (no frame threads: a packet is decoded when it is sent)
        skip = packet.pts is not None and packet.pts < skip_before_pts
        if skip != skipping:
            context.skip_frame = "NONREF" if skip else "DEFAULT"
            skipping = skip
        yield from packet.decode()


T = TypeVar("T")


def prefetch(items: Iterator[T], ahead: int = 1) -> Iterator[T]:
    """Yield from `items`, producing the next `ahead` items in a worker thread meanwhile.

    Decoding then overlaps with the consumer's work (pose inference, drawing, encoding): PyAV releases the
    GIL while it decodes. Holds at most `ahead` items ahead, so memory stays flat; more than one evens out
    frames that take longer to decode (or to use) than the others.
    """
    done = object()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stridelens-decode") as pool:
        pending = deque(pool.submit(next, items, done) for _ in range(max(1, ahead)))
        try:
            while (item := pending.popleft().result()) is not done:
                pending.append(pool.submit(next, items, done))
                yield item
        finally:
            for future in pending:
                future.cancel()
            for future in pending:
                if not future.cancelled():
                    future.exception()  # wait for the item in flight (its error no longer matters)
            if hasattr(items, "close"):
                items.close()
