"""Gait events (initial contact, toe-off) and gait classification."""

from .classify import GaitKind, classify_gait
from .events import Contact, FootSpeedContactDetector, estimate_step_period_s, relabel_legs

__all__ = ["Contact", "FootSpeedContactDetector", "GaitKind", "classify_gait", "estimate_step_period_s",
           "relabel_legs"]
