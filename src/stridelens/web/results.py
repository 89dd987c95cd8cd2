"""The files of a finished analysis: which exist, reading analysis.json, the summary kept in the database.

Files are addressed by fixed keys (`DOWNLOADS`, `KEY_FRAMES`), never by a name from a request.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["DOWNLOADS", "KEY_FRAMES", "REQUIRED_FILES", "TREND_KEYS", "read_report", "read_report_dict",
           "summary_of"]

# download key -> (file in the result folder, media type, what it is)
DOWNLOADS: dict[str, tuple[str, str, str]] = {
    "json": ("analysis.json", "application/json", "Everything measured (JSON)"),
    "csv": ("steps.csv", "text/csv; charset=utf-8", "One row per step (CSV)"),
    "html": ("report.html", "text/html; charset=utf-8", "Offline report to send to a coach (HTML)"),
    "mp4": ("annotated.mp4", "video/mp4", "Annotated video (MP4)"),
    "parquet": ("keypoints.parquet", "application/vnd.apache.parquet", "Keypoint trajectories (Parquet)"),
}
REQUIRED_FILES = ("analysis.json", "steps.csv", "report.html", "annotated.mp4")
# key frame -> file in the result folder's frames/ (JPEG, written by the worker)
KEY_FRAMES = ("typical_landing", "typical_midstance", "worst_landing", "worst_midstance")
TREND_KEYS = ("cadence_spm", "hip_offset_pct", "trunk_lean_deg", "body_lean_deg", "foot_ahead_com_pct",
              "waist_bend_deg", "contact_time_ms", "knee_flexion_mid_deg", "vertical_oscillation_pct",
              "shank_angle_ic_deg", "hip_extension_to_deg")


def read_report(out_dir: Path) -> Any:
    """Validate a finished result folder: every required file is there and analysis.json parses.

    Returns the `AnalysisReport`; raises `FileNotFoundError` or pydantic's `ValidationError` otherwise.
    """
    from ..report.schema import AnalysisReport

    for name in REQUIRED_FILES:
        if not (out_dir / name).is_file():
            raise FileNotFoundError(f"{out_dir.name}/{name} is missing: the result is incomplete")
    return AnalysisReport.model_validate_json((out_dir / "analysis.json").read_bytes())


@lru_cache(maxsize=64)
def _cached_json(path: str, mtime_ns: int) -> dict[str, Any]:
    return json.loads(Path(path).read_bytes())


def read_report_dict(out_dir: Path) -> dict[str, Any]:
    """analysis.json as a dict (cached while the file is unchanged)."""
    path = out_dir / "analysis.json"
    return _cached_json(str(path), path.stat().st_mtime_ns)


def summary_of(report: Any) -> dict[str, Any]:
    """What the database keeps for lists, trends and comparisons: key metrics, verdict, step count."""
    overall = report.summary.overall
    metrics = {k: {"mean": overall[k].mean, "sd": overall[k].sd, "n": overall[k].n} for k in TREND_KEYS
               if k in overall}
    v = report.verdict
    return {"metrics": metrics, "verdict": {"label": v.label, "severity": v.severity, "confidence": v.confidence},
            "steps": len(report.steps), "warnings": len(report.warnings),
            "analysis_method": getattr(report, "analysis_method", None),
            "quality_failed": [q.key for q in report.quality if q.status != "ok"]}
