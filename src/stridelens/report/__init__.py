"""Outputs: analysis.json (pydantic schema), steps.csv, keypoints.parquet, report.html, annotated.mp4."""

from .files import OUTPUT_FILES, default_output_dir, dumps_summary, report_summary, write_outputs
from .schema import SCHEMA_VERSION, AnalysisReport, to_report

__all__ = ["OUTPUT_FILES", "SCHEMA_VERSION", "AnalysisReport", "default_output_dir", "dumps_summary",
           "report_summary", "to_report", "write_outputs"]
