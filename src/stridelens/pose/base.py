"""Pose backends: the interface, the keypoint names every backend maps to, and the per-frame result."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import threading
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

__all__ = ["KEYPOINTS", "KEYPOINT_INDEX", "SKELETON_EDGES", "PoseEstimator", "PoseResult", "import_mediapipe", "kp"]

# The canonical keypoints of stridelens (a subset of BlazePose's 33; heels and toes matter for gait).
KEYPOINTS: tuple[str, ...] = (
    "nose", "left_ear", "right_ear",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_toe", "right_toe",
)
KEYPOINT_INDEX: dict[str, int] = {name: i for i, name in enumerate(KEYPOINTS)}


def kp(name: str) -> int:
    """Index of a canonical keypoint."""
    return KEYPOINT_INDEX[name]


_LIMB_EDGES = (("shoulder", "elbow"), ("elbow", "wrist"), ("shoulder", "hip"), ("hip", "knee"),
               ("knee", "ankle"), ("ankle", "heel"), ("heel", "toe"), ("ankle", "toe"))
SKELETON_EDGES: tuple[tuple[str, str], ...] = (
    *((f"{side}_{a}", f"{side}_{b}") for side in ("left", "right") for a, b in _LIMB_EDGES),
    ("left_shoulder", "right_shoulder"),
    ("left_hip", "right_hip"),
)


@dataclass(frozen=True, slots=True)
class PoseResult:
    """One frame's keypoints in normalised image coordinates (0-1, y down)."""

    xy_norm: np.ndarray  # (K, 2), NaN where not detected
    confidence: np.ndarray  # (K,), 0-1

    @classmethod
    def missing(cls) -> PoseResult:
        k = len(KEYPOINTS)
        return cls(np.full((k, 2), np.nan), np.zeros(k))


@runtime_checkable
class PoseEstimator(Protocol):
    """A pose model: one RGB frame in, one `PoseResult` out. Stateful (it may track between frames)."""

    name: str

    def estimate(self, image_rgb: np.ndarray) -> PoseResult: ...

    def close(self) -> None: ...


class _StderrMute:
    """Reference-counted redirection of file descriptor 2 to /dev/null, safe across threads.

    The two halves of a pose pass build their models at the same time: with a plain save-redirect-restore,
    the second thread would save the already-silenced descriptor and restore *that* last, losing stderr for
    the rest of the process. Here the first entrant saves and silences, the last one to leave restores.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._saved: tuple[int, int] | None = None  # (stderr's descriptor, its saved duplicate)

    def enter(self) -> None:
        with self._lock:
            if self._depth == 0:
                try:
                    fd = sys.stderr.fileno()
                    sys.stderr.flush()
                    saved = os.dup(fd)
                except (AttributeError, OSError, ValueError):  # stderr replaced (a test runner) or closed
                    self._saved = None
                else:
                    with open(os.devnull, "wb") as devnull:
                        os.dup2(devnull.fileno(), fd)
                    self._saved = (fd, saved)
            self._depth += 1

    def leave(self) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._saved is not None:
                fd, saved = self._saved
                os.dup2(saved, fd)
                os.close(saved)
                self._saved = None


_STDERR_MUTE = _StderrMute()


@contextlib.contextmanager
def native_logs_muted() -> Iterator[None]:
    """Silence C++ log lines written straight to file descriptor 2 (mediapipe/TFLite start-up chatter such as
    "Created TensorFlow Lite XNNPACK delegate"), which no environment variable turns off in 0.10.21.

    Used only around model creation and the first inference, so later errors still reach the terminal.
    Safe when several threads build models at once (`_StderrMute`).
    """
    _STDERR_MUTE.enter()
    try:
        yield
    finally:
        _STDERR_MUTE.leave()


class _DeferredModule(types.ModuleType):
    """A stand-in in `sys.modules` that imports the real module on first use of one of its attributes and
    then behaves as it (its names are copied over). Unlike `importlib.util.LazyLoader`, `import name` alone
    does not load it (Python 3.11's import statement reads `__spec__`, which loads a LazyLoader module)."""

    _lock = threading.Lock()  # two threads' first use must not both replace the module

    def __init__(self, name: str, spec: Any):
        super().__init__(name)
        self.__spec__ = spec

    def __getattr__(self, attr: str) -> Any:  # only for names the stand-in does not have yet
        name = self.__name__
        with self._lock:
            if sys.modules.get(name) is self:
                del sys.modules[name]
            real = importlib.import_module(name)
        self.__dict__.update({k: v for k, v in vars(real).items() if k != "__spec__"})
        return getattr(real, attr)


def import_mediapipe() -> Any:
    """`import mediapipe`, without loading matplotlib.pyplot on the way.

    mediapipe's drawing utilities import pyplot at module level and use it only in functions stridelens never
    calls; pyplot (with matplotlib.figure and its backends) took 0.3 s of mediapipe's 0.72-0.77 s import, on the
    critical path at the start of every analysis while the second core waits. pyplot stays a stand-in until
    someone uses it (`_DeferredModule`); the report draws with matplotlib's `Figure` directly and imports it
    later, beside the video pass (docs/performance.md).
    """
    if "mediapipe" not in sys.modules and "matplotlib.pyplot" not in sys.modules:
        spec = importlib.util.find_spec("matplotlib.pyplot")  # imports matplotlib itself, not pyplot
        if spec is not None:
            stand_in = _DeferredModule("matplotlib.pyplot", spec)
            sys.modules["matplotlib.pyplot"] = stand_in
            sys.modules["matplotlib"].pyplot = stand_in  # as an import would bind it
    import mediapipe

    return mediapipe
