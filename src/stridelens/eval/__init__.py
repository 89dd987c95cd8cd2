"""Validation against ground truth: annotated clips, scoring of detected events."""

from .annotations import AnnotatedClip, ContactScore, load_annotation, score_contacts

__all__ = ["AnnotatedClip", "ContactScore", "load_annotation", "score_contacts"]
