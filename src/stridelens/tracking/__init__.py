"""From raw pose output to clean runner trajectories: outliers, gaps, filter, orientation."""

from .clean import (
    clean_track,
    despike,
    fill_and_filter,
    fill_gaps,
    leg_length_px,
    lowpass,
    reject_jumps,
    remove_outliers,
)
from .orient import Scene, detect_direction, fit_floor, fit_floor_in_stance, orient
from .track import Track

__all__ = ["Scene", "Track", "clean_track", "despike", "detect_direction", "fill_and_filter", "fill_gaps",
           "fit_floor", "fit_floor_in_stance", "leg_length_px", "lowpass", "orient", "reject_jumps",
           "remove_outliers"]
