"""The pose pass over a video: every frame through the pose model, plus the cheap checks that need pixels
(camera motion, other people), streaming, on both cores.

Bare BlazePose inference uses one core (measured: CPU time = wall time), and mediapipe releases the GIL
while its graph runs (two models in two threads of one process: 1.97 cores busy, 2.1x the frames/s of
one). So a clip is cut in two at a frame boundary and each half runs in its own thread with its own model,
decoder (which seeks straight to its first frame) and checks; results are joined in frame order. The
second half first runs its model over the half second before its first frame, so that the tracker is
locked on when the half begins.

BlazePose's tracker crops each frame around the previous frame's landmarks, so a pass started at another
frame follows a different (equally valid) path: keypoints differ by its frame-to-frame noise (median
~15 px on the 720x1280 demo). The cut therefore depends only on the video, never on the number of cores:
with one worker the two halves run one after the other, and every machine gives the same numbers.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..config import Config
from ..errors import InputError
from ..io import VideoInfo, frame_pts, iter_frames, prefetch, short_of_header
from ..tracking.track import Track
from .base import PoseEstimator

__all__ = ["Box", "PoseRun", "estimate_poses", "paint_over", "runner_box"]

log = logging.getLogger(__name__)

Box = tuple[float, float, float, float]  # normalised x0, y0, x1, y1
ProgressFn = Callable[[str, float], None]
EstimatorFactory = Callable[[], PoseEstimator]
_MIN_FRAMES_PER_WORKER = 60  # below this, building a second model (~0.3 s) costs more than it saves, heuristic
_MAX_PREALLOCATED_ROWS = 200_000  # ~160 MB of address space, resident only as filled; then doubling
_WARMUP_S = 0.5  # the second half runs its model over this much before its first frame, heuristic


@dataclass(frozen=True)
class PoseRun:
    """What the pose pass over the video produced."""

    track: Track  # raw keypoints, image pixels
    camera_shift_pct: float | None
    other_people_fraction: float | None


@dataclass(frozen=True)
class _Chunk:
    """One contiguous part of the pose pass."""

    times_s: np.ndarray
    frames: np.ndarray
    xy_norm: np.ndarray  # (T, K, 2)
    confidence: np.ndarray  # (T, K)
    camera_path_px: np.ndarray  # (S, 2) cumulative background shift of the sampled frames
    camera_width_px: int


def paint_over(image: np.ndarray, box: Box) -> None:
    """Fill a normalised box of the frame with mid grey (hides a person from the pose model)."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = box
    image[max(0, int(y0 * h)):max(0, int(np.ceil(y1 * h))), max(0, int(x0 * w)):max(0, int(np.ceil(x1 * w)))] = 127


def runner_box(xy_norm: np.ndarray) -> Box | None:
    """Box around a person's keypoints, padded by 15 % (None when no keypoint is present)."""
    ok = np.isfinite(xy_norm).all(1)
    if not ok.any():
        return None
    lo, hi = xy_norm[ok].min(0), xy_norm[ok].max(0)
    pad = 0.15 * (hi - lo)
    return (float(lo[0] - pad[0]), float(lo[1] - pad[1]), float(hi[0] + pad[0]), float(hi[1] + pad[1]))


class _Rows:
    """Per-frame results written into arrays sized for the whole pass (doubling if the header's frame count
    was short): a list of small arrays per frame cost ~1 kB of overhead a frame, 18 MB on a 10-minute clip."""

    def __init__(self, capacity: int):
        self.n = 0
        self._capacity = max(1, capacity)
        self._arrays: list[np.ndarray] | None = None

    def append(self, *values: object) -> None:
        items = [np.asarray(v) for v in values]
        if self._arrays is None:
            self._arrays = [np.empty((self._capacity, *v.shape), dtype=v.dtype) for v in items]
        elif self.n == self._capacity:
            self._capacity *= 2
            self._arrays = [np.concatenate([a, np.empty_like(a)]) for a in self._arrays]
        for a, v in zip(self._arrays, items, strict=True):
            a[self.n] = v
        self.n += 1

    def arrays(self, empty: tuple[tuple[int, ...], ...]) -> list[np.ndarray]:
        """The filled rows; with no rows, arrays of the `empty` shapes."""
        if self._arrays is None:
            return [np.zeros(shape) for shape in empty]
        return [a[:self.n] for a in self._arrays]


class _SideChecks:
    """Runs the pixel checks (camera motion, other people) in one thread beside the pose model, in order.

    They cost ~10 % of the pose pass (a still-image BlazePose run a second, a phase correlation ten times a
    second) and release the GIL, so on two cores they hide behind inference. At most `max_pending` frames
    wait, so memory stays bounded when the thread falls behind; errors surface in `submit` or on exit.
    """

    def __init__(self, max_pending: int = 4):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stridelens-checks")
        self._pending: deque[Future] = deque()
        self._max_pending = max_pending

    def submit(self, fn: Callable[..., object], *args: object) -> None:
        while len(self._pending) >= self._max_pending:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(fn, *args))

    def __enter__(self) -> _SideChecks:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            while self._pending:
                future = self._pending.popleft()
                if exc_type is None:
                    future.result()
                else:
                    future.cancel()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _pose_chunk(info: VideoInfo, config: Config, frames: range | None, all_pts: np.ndarray | None,
                hide: dict[int, Box] | None, people, *, estimator: PoseEstimator | None = None,
                estimator_factory: EstimatorFactory | None = None,
                progress: ProgressFn | None = None, progress_span: tuple[float, float] = (0.0, 1.0),
                warmup_frames: int = 0, stop: threading.Event | None = None) -> _Chunk:
    """Pose over `frames` (all when None) with `estimator`, or a new one from `estimator_factory` (default:
    BlazePose). The `warmup_frames` before the range go through the pose model and are dropped, so that its
    tracker is locked on when the range begins. Progress goes from `progress_span[0]` to `[1]`. Setting
    `stop` ends the pass early (the other half failed or was interrupted)."""
    from ..tracking.camera import CameraMotionMeter

    building: Future | None = None
    if estimator is None:  # built beside the decoding of the first frames: importing mediapipe takes ~1 s,
        # and the second half first decodes from the keyframe before its cut
        builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stridelens-model")
        building = builder.submit(estimator_factory or partial(_blazepose, config))
        builder.shutdown(wait=False)  # the thread ends once the model is built
    camera = CameraMotionMeter()
    check_every = max(1, int(round(config.pose.person_check_every_s * info.file_fps)))
    camera_every = max(1, int(round(info.file_fps / 10)))  # ~10 samples a (file) second
    expected = len(frames) if frames is not None else (info.frame_count or int(info.duration_s * info.file_fps))
    rows = _Rows(capacity=min(expected + 1, _MAX_PREALLOCATED_ROWS))
    try:
        start = frames.start if frames is not None else 0
        read = range(start - warmup_frames, frames.stop) if frames is not None else None
        reader = iter_frames(info, config.video, max_height_px=config.video.max_height_px, frames=read,
                             all_pts=all_pts)
        n = -1
        with _SideChecks() as side:
            for frame in prefetch(reader):
                if stop is not None and stop.is_set():
                    break
                if hide and frame.index in hide:
                    paint_over(frame.image, hide[frame.index])
                if estimator is None:
                    estimator = building.result()
                result = estimator.estimate(frame.image)
                if frame.index < start:
                    continue  # warm-up
                n += 1
                rows.append(frame.time_s, frame.index, result.xy_norm, result.confidence)
                box = runner_box(result.xy_norm)
                if n % camera_every == 0:
                    side.submit(camera.update, frame.image, box)
                if n % check_every == 0:
                    side.submit(people.update, frame.image, box)
                if progress and n % 10 == 0:
                    lo, hi = progress_span
                    progress("pose", lo + (hi - lo) * min(1.0, (n + 1) / max(1, expected)))
    finally:
        if building is not None and building.exception() is None:
            building.result().close()
    times, indices, xy_norm, confidence = rows.arrays(empty=((0,), (0,), (0, 0, 2), (0, 0)))
    return _Chunk(times_s=times.astype(float), frames=indices.astype(np.int64), xy_norm=xy_norm.astype(float),
                  confidence=confidence.astype(float), camera_path_px=np.asarray(camera.path_px_, dtype=float),
                  camera_width_px=camera.width_px_)


def _blazepose(config: Config) -> PoseEstimator:
    from . import make_estimator

    return make_estimator("blazepose", config.pose)


def _workers(config: Config) -> int:
    wanted = config.pose.workers if config.pose.workers is not None else min(2, os.cpu_count() or 1)
    return max(1, int(wanted))


def _plan(info: VideoInfo, config: Config) -> tuple[np.ndarray | None, int | None]:
    """(all frame pts, first frame of the second half) when the clip is cut in two, else (None, None).

    Depends on the video only (not on the cores: see the module docstring)."""
    if config.video.start_s is not None or config.video.end_s is not None:
        return None, None
    if (info.frame_count or 0) < 2 * _MIN_FRAMES_PER_WORKER:
        return None, None
    all_pts = frame_pts(info)
    if all_pts is None or len(all_pts) < 2 * _MIN_FRAMES_PER_WORKER or len(np.unique(all_pts)) != len(all_pts):
        return None, None
    if short_of_header(info, len(all_pts)):  # packets missing (a truncated copy): one uncut pass, whose
        return None, None  # reader reports it as for any file (each half's reader sees only its own range)
    # the second half also runs its warm-up frames: give it that much less
    split = (len(all_pts) + _warmup_frames(info)) // 2
    return all_pts, split


def _warmup_frames(info: VideoInfo) -> int:
    return int(round(_WARMUP_S * info.file_fps))


def _join(chunks: list[_Chunk], info: VideoInfo, people) -> PoseRun:
    times = np.concatenate([c.times_s for c in chunks])
    if times.size == 0:
        raise InputError(f"{info.path}: no video frames could be decoded in the selected time range.",
                         "Check --start/--end, or re-export the video.")
    xy = np.concatenate([c.xy_norm for c in chunks]) * np.array([info.width_px, info.height_px])
    track = Track(time_s=times, frame_index=np.concatenate([c.frames for c in chunks]), xy=xy,
                  confidence=np.concatenate([c.confidence for c in chunks]), fps=info.capture_fps)
    # camera: chain each part's path onto the end of the previous one
    offset, paths = np.zeros(2), []
    for c in chunks:
        paths.append(c.camera_path_px + offset)
        offset = paths[-1][-1]
    path = np.concatenate(paths)
    shift = float(np.max(np.linalg.norm(path - path[0], axis=1)) / chunks[0].camera_width_px * 100) \
        if len(path) > 1 else None
    others = people.with_others_ / people.checked_ if people.checked_ else None
    return PoseRun(track=track, camera_shift_pct=shift, other_people_fraction=others)


def estimate_poses(info: VideoInfo, config: Config, *, estimator: PoseEstimator | None = None,
                   estimator_factory: EstimatorFactory | None = None, progress: ProgressFn | None = None,
                   hide: dict[int, Box] | None = None, people=None) -> PoseRun:
    """Run the pose model over the video (streaming: memory does not grow with the video's length).

    Each half of the video gets a new model from `estimator_factory` (default: BlazePose). An injected
    `estimator` or `people` counter (test fakes) runs one uncut pass instead. `hide` maps frame indices to
    boxes painted over before the pose model sees the frame: how a second person in view is followed once
    the first has been analysed.
    """
    from .people import PeopleCounter

    all_pts, split = (None, None) if estimator is not None or people is not None else _plan(info, config)
    own_people = people is None
    people = people or PeopleCounter()  # one for both halves: its model looks at each frame on its own
    try:
        if split is None:
            chunks = [_pose_chunk(info, config, None, None, hide, people, estimator=estimator,
                                  estimator_factory=estimator_factory, progress=progress)]
        else:
            n = len(all_pts)
            first = partial(_pose_chunk, info, config, range(0, split), all_pts, hide, people,
                            estimator_factory=estimator_factory)
            second = partial(_pose_chunk, info, config, range(split, n), all_pts,
                             {k: v for k, v in (hide or {}).items() if k >= split} or None, people,
                             estimator_factory=estimator_factory, warmup_frames=min(split, _warmup_frames(info)))
            if _workers(config) >= 2:
                chunks = _in_two_threads(first, second, progress)
            else:
                chunks = [first(progress=progress, progress_span=(0.0, split / n)),
                          second(progress=progress, progress_span=(split / n, 1.0))]
            log.debug("pose pass cut at frame %d of %d, %d worker(s)", split, n, min(2, _workers(config)))
        if progress:
            progress("pose", 1.0)
        return _join(chunks, info, people)
    finally:
        if own_people:
            people.close()


def _in_two_threads(first: Callable[..., _Chunk], second: Callable[..., _Chunk], progress: ProgressFn | None
                    ) -> list[_Chunk]:
    """Both halves at once. The first reports progress for both: they advance at the same pace, and the cut
    gives the second half its warm-up frames less."""
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stridelens-pose") as pool:
        later = pool.submit(second, stop=stop)
        later.add_done_callback(lambda f: stop.set() if not f.cancelled() and f.exception() else None)
        try:
            return [first(progress=progress, stop=stop), later.result()]
        except BaseException:
            stop.set()  # e.g. Ctrl-C, or a decode error in the first half: do not wait for the second
            raise
