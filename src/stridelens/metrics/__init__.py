"""Per-step metrics, summaries and symmetry (METRICS.md "Per-step metrics")."""

from .body import centre_of_mass, extension_behind_deg, flexion_deg, lean_deg, signed_offset_from_line
from .steps import METRIC_KEYS, StepMetrics, Summary, compute_steps, summarise, symmetry_index_pct

__all__ = ["METRIC_KEYS", "StepMetrics", "Summary", "centre_of_mass", "compute_steps",
           "extension_behind_deg", "flexion_deg", "lean_deg", "signed_offset_from_line", "summarise",
           "symmetry_index_pct"]
