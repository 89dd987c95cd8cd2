"""NaN-aware reductions that return NaN quietly for all-missing input (missing keypoints are normal)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

__all__ = ["nanmax", "nanmean", "nanmedian", "nanmin", "nanpercentile"]


def _quiet(fn: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*args, **kwargs)


def nanmean(a: Any, axis: int | None = None) -> Any:
    return _quiet(np.nanmean, a, axis=axis)


def nanmedian(a: Any, axis: int | None = None) -> Any:
    return _quiet(np.nanmedian, a, axis=axis)


def nanmin(a: Any, axis: int | None = None) -> Any:
    return _quiet(np.nanmin, a, axis=axis)


def nanmax(a: Any, axis: int | None = None) -> Any:
    return _quiet(np.nanmax, a, axis=axis)


def nanpercentile(a: Any, q: float, axis: int | None = None) -> Any:
    return _quiet(np.nanpercentile, a, q, axis=axis)
