"""Errors a user can fix, each with advice.

Tree::

    StridelensError                 base; `advice` says what to do
    ├── InputError                  missing file, not a video, unreadable or truncated video
    ├── OutputExistsError           output folder exists and --overwrite was not given
    ├── OutputWriteError            the outputs could not be written (disk full, read-only, no permission)
    ├── NoRunnerError               no person found / tracked long enough
    ├── WrongViewError              front or back view instead of side view
    ├── NotRunningError             walking or standing, not running
    ├── SlowMotionError             cadence implausible for running at the file's frame rate
    ├── CameraMotionError           camera pans or zooms too much to measure
    └── TooFewStepsError            no complete step found

The core raises these; edges (CLI, web, batch) catch `StridelensError`, show message and advice,
and exit 2 / answer 422. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

__all__ = [
    "CameraMotionError",
    "InputError",
    "NoRunnerError",
    "NotRunningError",
    "OutputExistsError",
    "OutputWriteError",
    "SlowMotionError",
    "StridelensError",
    "TooFewStepsError",
    "WrongViewError",
]


class StridelensError(Exception):
    """Base for problems the user can fix. `advice` says how."""

    code = "error"

    def __init__(self, message: str, advice: str = ""):
        super().__init__(message)
        self.message = message
        self.advice = advice

    def __str__(self) -> str:
        return self.message


class InputError(StridelensError):
    code = "bad_input"


class OutputExistsError(StridelensError):
    code = "output_exists"


class OutputWriteError(StridelensError):
    code = "output_failed"


class NoRunnerError(StridelensError):
    code = "no_runner"


class WrongViewError(StridelensError):
    code = "wrong_view"


class NotRunningError(StridelensError):
    code = "not_running"


class SlowMotionError(StridelensError):
    code = "slow_motion"


class CameraMotionError(StridelensError):
    code = "camera_motion"


class TooFewStepsError(StridelensError):
    code = "too_few_steps"
