"""Coaching: drills for the verdict and findings, each saying why (METRICS.md "Coaching")."""

from .drills import DISCLAIMER, Drill, prescribe

__all__ = ["DISCLAIMER", "Drill", "prescribe"]
