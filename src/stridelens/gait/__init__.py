"""Gait events (initial contact, toe-off) and gait classification."""

from .classify import GaitKind, classify_gait
from .events import Contact, FootSpeedContactDetector, estimate_step_period_s, relabel_legs, stance_rows
from .marker_events import MarkerContactDetector

__all__ = ["Contact", "FootSpeedContactDetector", "GaitKind", "MarkerContactDetector", "classify_gait",
           "estimate_step_period_s", "relabel_legs", "stance_rows"]
