"""Cleaning raw keypoints: outlier rejection (jumps, spikes), gap filling, zero-lag low-pass filter.

Each step is a plain `Track -> Track` function; `clean_track` chains them in the documented order.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.ndimage import median_filter
from scipy.signal import butter, sosfiltfilt

from ..config import TrackingConfig
from ..pose.base import KEYPOINTS
from .track import Track

__all__ = [
    "clean_track",
    "despike",
    "drop_low_confidence",
    "fill_gaps",
    "leg_length_px",
    "lowpass",
    "reject_jumps",
]


def leg_length_px(track: Track) -> float:
    """Leg length L: median hip-ankle distance over the clip, both sides (METRICS.md "Points")."""
    d = [np.linalg.norm(track.side_point(s, "hip") - track.side_point(s, "ankle"), axis=1) for s in "LR"]
    values = np.concatenate(d)
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else float("nan")


def drop_low_confidence(track: Track, min_confidence: float) -> Track:
    xy = track.xy.copy()
    xy[track.confidence < min_confidence] = np.nan
    return track.with_xy(xy)


def _odd(n: float) -> int:
    n = max(3, int(round(n)))
    return n if n % 2 else n + 1


def despike(track: Track, config: TrackingConfig, leg_px: float) -> tuple[Track, np.ndarray]:
    """Reject outliers: points far from their running median (MAD rule with a floor in % leg length).

    The window is `despike_window_s` but at most `despike_max_window_frames` frames. A running median
    lags behind a point where it changes course: over 0.17 s (11 frames at 60 fps) a noise-free foot sits up
    to 9 px (4 % of its leg) off the median in the frames just before it lands, so with keypoint noise the
    rule rejected 23-43 % of the genuine heel and ankle points in the 4 frames (at 60 fps) before each
    initial contact, and gap filling then cut the landing short: the foot appeared to land a frame late and
    flatter (issue #4; docs/accuracy.md "Tuning from the stress sweep"). Over 7 frames the same foot sits
    at most 4 px off (1 px at 120 fps), and 2-11 % of those points are rejected (noise beyond the floor). Isolated
    errors of the pose model of up to 3 frames (its brief left/right leg swaps) are still removed: a median
    of 7 rejects runs of up to 3 wrong samples; longer wrong stretches of high-frame-rate video are
    `reject_jumps`' job.

    Returns the track with outliers set to NaN and the (T, K) mask of rejected points.
    """
    window = min(_odd(config.despike_window_s / track.dt_s), _odd(config.despike_max_window_frames))
    xy = track.xy.copy()
    rejected = np.zeros(track.confidence.shape, dtype=bool)
    floor_px = config.despike_min_px_pct / 100 * leg_px if np.isfinite(leg_px) else 0.0
    for k in range(len(KEYPOINTS)):
        for d in range(2):
            x = xy[:, k, d]
            ok = np.isfinite(x)
            if ok.sum() < window:
                continue
            filled = np.interp(np.arange(len(x)), np.flatnonzero(ok), x[ok])
            med = median_filter(filled, size=window, mode="nearest")
            dev = np.abs(filled - med)
            mad = 1.4826 * np.median(dev[ok])
            bad = ok & (dev > max(config.despike_mad_k * mad, floor_px))
            rejected[bad, k] = True
    xy[rejected] = np.nan
    return track.with_xy(xy), rejected


def reject_jumps(track: Track, leg_px: float, max_speed_leg_per_s: float, max_segment_s: float
                 ) -> tuple[Track, np.ndarray]:
    """Remove short runs of points that jump in and out faster than a human limb can move.

    A keypoint that moves faster than `max_speed_leg_per_s` leg lengths per second between two frames has
    jumped (to the other leg, or to the background). A run of frames between two such jumps that lasts
    less than `max_segment_s` is the model's mistake, not the limb: it is set missing. This catches the
    long wrong stretches of high-frame-rate video that a running median cannot.
    """
    if not np.isfinite(leg_px) or len(track) < 3:
        return track, np.zeros(track.confidence.shape, dtype=bool)
    max_step_px = max_speed_leg_per_s * leg_px * np.diff(track.time_s)  # per frame interval
    max_rows = max_segment_s / track.dt_s
    xy = track.xy.copy()
    rejected = np.zeros(track.confidence.shape, dtype=bool)
    for k in range(xy.shape[1]):
        p = xy[:, k]
        ok = np.isfinite(p).all(1)
        idx = np.flatnonzero(ok)
        if idx.size < 3:
            continue
        jumps = np.linalg.norm(np.diff(p[idx], axis=0), axis=1) > max_step_px[idx[:-1]] * np.diff(idx)
        breaks = np.flatnonzero(jumps)  # a jump between idx[b] and idx[b + 1]
        for b0, b1 in itertools.pairwise(breaks):
            first, last = idx[b0 + 1], idx[b1]
            if last - first + 1 < max_rows:
                rejected[first:last + 1, k] = True
    xy[rejected] = np.nan
    return track.with_xy(xy), rejected


def fill_gaps(track: Track, max_gap_s: float) -> Track:
    """Linearly interpolate gaps up to `max_gap_s`; longer gaps stay missing."""
    max_gap = int(round(max_gap_s / track.dt_s))
    xy = track.xy.copy()
    t = np.arange(len(xy))
    for k in range(xy.shape[1]):
        for d in range(2):
            x = xy[:, k, d]
            ok = np.isfinite(x)
            if ok.sum() < 2 or ok.all():
                continue
            filled = np.interp(t, t[ok], x[ok])
            # keep only gaps bounded on both sides and short enough
            missing = ~ok
            edges = np.diff(np.concatenate([[0], missing.astype(int), [0]]))
            for start, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
                if start > 0 and stop < len(x) and stop - start <= max_gap:
                    x[start:stop] = filled[start:stop]
    return track.with_xy(xy)


def lowpass(track: Track, cutoff_hz: float, max_fraction_of_nyquist: float = 0.6) -> Track:
    """Zero-lag 2nd-order Butterworth low-pass (forward-backward), per contiguous segment.

    Zero lag matters: a causal filter would delay every event by a frame or more.
    """
    nyquist = 0.5 / track.dt_s
    wn = min(cutoff_hz / nyquist, max_fraction_of_nyquist)
    sos = butter(2, wn, output="sos")
    xy = track.xy.copy()
    pad = 3 * (2 * len(sos) + 1)
    for k in range(xy.shape[1]):
        for d in range(2):
            x = xy[:, k, d]
            ok = np.isfinite(x)
            edges = np.diff(np.concatenate([[0], ok.astype(int), [0]]))
            for start, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
                if stop - start > pad:
                    x[start:stop] = sosfiltfilt(sos, x[start:stop])
    return track.with_xy(xy)


def remove_outliers(raw: Track, config: TrackingConfig) -> tuple[Track, np.ndarray]:
    """The first cleaning steps: confidence gate, jumps, spikes (missing points stay missing, no filter).
    Returns the track and a (T, K) mask of the points rejected as outliers."""
    track = drop_low_confidence(raw, config.min_confidence)
    leg_px = leg_length_px(track)
    track, jumped = reject_jumps(track, leg_px, config.max_limb_speed_leg_per_s, config.max_jump_segment_s)
    track, rejected = despike(track, config, leg_px)
    return track, rejected | jumped


def clean_track(raw: Track, config: TrackingConfig) -> tuple[Track, dict[str, np.ndarray]]:
    """Chain the cleaning steps: confidence gate, outliers (jumps, spikes), gaps, low-pass filter.

    Left/right leg swaps are corrected later, from the gait's structure (`gait.relabel_legs`): the
    label of a foot that is blurred in swing cannot be trusted frame by frame, but feet alternate strictly.

    Returns the cleaned track and per-frame diagnostics for keypoints.parquet.
    """
    return fill_and_filter(*remove_outliers(raw, config), config)


def fill_and_filter(track: Track, rejected: np.ndarray, config: TrackingConfig
                    ) -> tuple[Track, dict[str, np.ndarray]]:
    """The last cleaning steps, on `remove_outliers`' output (track, rejected mask): gaps, low-pass filter.
    Split from `clean_track` for callers that also need the outlier-free, unfiltered track."""
    track = fill_gaps(track, config.max_gap_s)
    track = lowpass(track, config.lowpass_cutoff_hz, config.lowpass_max_fraction_of_nyquist)
    return track, {"outliers_rejected": rejected.any(axis=1)}
