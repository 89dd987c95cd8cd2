"""Batch analysis of many videos on this machine (process pool) or a Ray cluster.

One job = one video -> its own output folder, written by `run_job` (shared by the pool and the Ray task);
`run_batch` skips finished folders, retries failed ones and writes summary.csv, summary.parquet and
squad.html. Inputs and outputs are local paths or fsspec URLs.
"""

from .executors import InProcess, LocalPool, RayCluster, default_workers
from .jobs import SUMMARY_COLUMNS, Job, JobResult
from .manifest import BatchInputs, SkippedFile, describe_skipped, discover_inputs, discover_jobs, read_manifest
from .run import BatchResult, run_batch
from .runner import finished_result, run_job
from .summary import squad_html, write_summaries

__all__ = ["SUMMARY_COLUMNS", "BatchInputs", "BatchResult", "InProcess", "Job", "JobResult", "LocalPool", "RayCluster",
           "SkippedFile", "default_workers", "describe_skipped", "discover_inputs", "discover_jobs", "finished_result",
           "read_manifest", "run_batch", "run_job", "squad_html", "write_summaries"]
