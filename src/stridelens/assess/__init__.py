"""Judging the run: capture-quality checks, the hip-position verdict, further findings."""

from .quality import QualityCheck, check_gait, check_track
from .verdict import Driver, Finding, Verdict, assess_findings, assess_verdict

__all__ = ["Driver", "Finding", "QualityCheck", "Verdict", "assess_findings", "assess_verdict", "check_gait",
           "check_track"]
