"""From raw pose output to clean runner trajectories: cleaning, swap fix, gaps, filter, orientation."""

from .clean import clean_track, despike, fill_gaps, fix_leg_swaps, leg_length_px, lowpass
from .orient import Scene, detect_direction, fit_floor, orient
from .track import Track

__all__ = ["Scene", "Track", "clean_track", "despike", "detect_direction", "fill_gaps", "fit_floor",
           "fix_leg_swaps", "leg_length_px", "lowpass", "orient"]
