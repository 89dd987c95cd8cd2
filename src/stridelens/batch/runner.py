"""`run_job`: one video in, its output folder out, a `JobResult` back. The process pool and the Ray task
both call it; it never raises for a bad video (the failure is the result)."""

from __future__ import annotations

import json
import logging
import tempfile
import time
import traceback
from dataclasses import replace
from pathlib import Path

from ..config import Config
from ..errors import StridelensError
from .jobs import Job, JobResult
from .storage import DONE_MARKER, FAILED_MARKER, download, join, read_json, upload_folder

__all__ = ["finished_result", "run_job"]

log = logging.getLogger(__name__)


def finished_result(job: Job, out_url: str) -> JobResult | None:
    """The result of an earlier run when `job`'s folder is complete (has its done marker), else None."""
    row = read_json(join(out_url, job.name, DONE_MARKER))
    if row is None or row.get("status") != "ok" or row.get("video") != job.source:
        return None
    return JobResult.from_row(row, skipped=True)


def run_job(job: Job, out_url: str, config: Config, *, video: bool = True) -> JobResult:
    """Analyse `job.source` into ``out_url/job.name`` (uploaded, marker last) and return the summary row.

    The pose pass runs in this process (`PoseConfig.workers` = 1): the batch's parallelism is across videos.
    """
    started = time.perf_counter()
    target = join(out_url, job.name)
    base = {"video": job.source, "name": job.name, "athlete": job.athlete, "notes": job.notes, "output": target}
    with tempfile.TemporaryDirectory(prefix="stridelens-job-") as tmp:
        folder = Path(tmp)
        try:
            result = _analyse(job, config, folder, video=video, base=base)
        except StridelensError as exc:
            result = JobResult(**base, status="failed", error_code=exc.code, error=exc.message, advice=exc.advice)
        except Exception as exc:  # one bad video never stops the batch
            log.debug("job %s crashed:\n%s", job.name, traceback.format_exc())
            result = JobResult(**base, status="failed", error_code="internal_error",
                               error=f"{exc.__class__.__name__}: {exc}",
                               advice="This is a bug in stridelens; please report it with the video.")
        result = replace(result, seconds=round(time.perf_counter() - started, 2))
        _publish(result, folder, target)
    return result


def _analyse(job: Job, config: Config, folder: Path, *, video: bool, base: dict[str, str]) -> JobResult:
    from ..pipeline import analyze
    from ..report import to_report, write_outputs
    from ..report.files import report_summary

    source = _fetch(job.source, folder)
    config = replace(config.with_options(**job.options()), pose=replace(config.pose, workers=1))
    analysis = analyze(source, config)
    write_outputs(analysis, folder / "out", video=video)
    summary = report_summary(to_report(analysis))
    return JobResult(**base, status="ok", cadence_spm=_round(summary["cadence_spm"]),
                     verdict=summary["verdict"], severity=summary["severity"] or "",
                     confidence=_round(summary["confidence"], 3), steps=summary["steps"],
                     hip_offset_pct=_round(summary["hip_offset_pct"]), findings=";".join(summary["findings"]),
                     drills=";".join(d.name for d in analysis.drills), warnings=len(summary["warnings"]))


def _fetch(url: str, folder: Path) -> Path:
    (folder / "input").mkdir()
    return download(url, folder / "input")


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def _publish(result: JobResult, folder: Path, target: str) -> None:
    """Upload the outputs (ok) or only the failure record (failed); the marker goes last."""
    out = folder / "out"
    out.mkdir(exist_ok=True)
    marker = DONE_MARKER if result.status == "ok" else FAILED_MARKER
    (out / marker).write_text(json.dumps(result.as_row(), indent=1), encoding="utf-8")
    upload_folder(out, target)
