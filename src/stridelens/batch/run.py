"""`run_batch`: skip finished videos, run the rest on an executor, write the summaries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..config import Config
from .executors import Executor, LocalPool
from .jobs import Job, JobResult
from .manifest import SkippedFile
from .runner import finished_result
from .summary import write_summaries

__all__ = ["BatchResult", "run_batch"]

OnResult = Callable[[JobResult], None]


@dataclass(frozen=True)
class BatchResult:
    """Every job's result (finished earlier or now), sorted by output name."""

    results: list[JobResult]

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def skipped(self) -> list[JobResult]:
        return [r for r in self.results if r.skipped]


def run_batch(jobs: Sequence[Job], out_url: str, config: Config | None = None, *, executor: Executor | None = None,
              video: bool = True, on_start: Callable[[int, int], None] | None = None,
              on_result: OnResult | None = None, skipped_files: Sequence[SkippedFile] = ()) -> BatchResult:
    """Analyse `jobs` into ``out_url/<job.name>/`` and write summary.csv, summary.parquet and squad.html.

    Videos whose folder holds a done marker from an earlier run are skipped; failed ones are retried.
    `on_start(to_run, skipped)` is called once, `on_result` for each result as it arrives. The summaries
    are written even when the run is interrupted (with what finished so far). `skipped_files` (the files
    of the input folder that are not videos, `discover_inputs`) are listed on squad.html.
    """
    config = config or Config()
    executor = executor or LocalPool()
    results: dict[str, JobResult] = {}
    todo: list[Job] = []
    for job in jobs:
        earlier = finished_result(job, out_url)
        if earlier is not None:
            results[job.name] = earlier
        else:
            todo.append(job)
    if on_start is not None:
        on_start(len(todo), len(results))
    try:
        for result in executor(todo, out_url, config, video):
            results[result.name] = result
            if on_result is not None:
                on_result(result)
    finally:
        write_summaries(list(results.values()), out_url, skipped_files=skipped_files)
    return BatchResult(sorted(results.values(), key=lambda r: r.name))
