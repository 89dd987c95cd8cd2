"""Synthetic runners with known answers: keypoint tracks for tests and accuracy checks.

`render_video` (PyAV, OpenCV) loads on first use, like the other heavy modules of stridelens.
"""

from typing import Any

from .generator import (
    RunnerSpec,
    SyntheticTruth,
    hips_back_runner,
    hips_forward_runner,
    make_runner,
    neutral_runner,
    standing,
    walker,
)

__all__ = ["RunnerSpec", "SyntheticTruth", "hips_back_runner", "hips_forward_runner", "make_runner",
           "neutral_runner", "render_video", "standing", "walker"]


def __getattr__(name: str) -> Any:
    if name == "render_video":
        from .render import render_video

        return render_video
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
