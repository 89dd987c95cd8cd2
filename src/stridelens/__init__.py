"""stridelens: side-view running video -> gait events, hip-position verdict, metrics and drills.

>>> import stridelens
>>> result = stridelens.analyze("run.mp4", height_cm=178)   # doctest: +SKIP
>>> result.verdict.label, result.cadence_spm                  # doctest: +SKIP

Heavy modules (mediapipe, OpenCV, PyAV) load on first use so that `stridelens --help` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
# The analysis method's revision: the date of the last change that reads the same film differently (the
# "Tuning" tables of docs/accuracy.md). analysis.json carries it, and comparisons warn when two differ.
ANALYSIS_METHOD = "2026-12-03"
__all__ = ["ANALYSIS_METHOD", "Analysis", "Config", "StridelensError", "__version__", "analyze"]

if TYPE_CHECKING:
    from .config import Config
    from .errors import StridelensError
    from .pipeline import Analysis, analyze


def __getattr__(name: str) -> Any:
    if name in ("analyze", "Analysis"):
        from . import pipeline

        return getattr(pipeline, name)
    if name == "Config":
        from .config import Config

        return Config
    if name == "StridelensError":
        from .errors import StridelensError

        return StridelensError
    raise AttributeError(name)
