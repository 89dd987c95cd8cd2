"""Where the jobs run: a local process pool, or Ray tasks on an existing cluster. Both call `run_job` and
yield results as they finish; neither schedules anything itself."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from ..config import Config
from ..errors import InputError
from .jobs import Job, JobResult
from .runner import run_job

__all__ = ["Executor", "InProcess", "LocalPool", "RayCluster", "default_workers"]

Executor = Callable[[Sequence[Job], str, Config, bool], Iterator[JobResult]]


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _crashed(job: Job, out_url: str, exc: BaseException) -> JobResult:
    """The result of a job whose worker died (killed, out of memory) before it could report."""
    return JobResult(video=job.source, name=job.name, status="failed", athlete=job.athlete, notes=job.notes,
                     error_code="worker_crashed", error=f"{exc.__class__.__name__}: {exc}",
                     advice="The worker process died (often out of memory); try --max-height 720 or fewer "
                            "workers.", output=f"{out_url.rstrip('/')}/{job.name}")


class InProcess:
    """Run the jobs one after another in this process (debugging; file systems that live in one process,
    such as fsspec's ``memory://``)."""

    def __call__(self, jobs: Sequence[Job], out_url: str, config: Config, video: bool) -> Iterator[JobResult]:
        for job in jobs:
            yield run_job(job, out_url, config, video=video)


class LocalPool:
    """A process pool on this machine (spawned processes: the pose model is not fork-safe).

    Parameters
    ----------
    workers
        Processes; `default_workers()` when None.
    """

    def __init__(self, workers: int | None = None):
        self.workers = workers

    def __call__(self, jobs: Sequence[Job], out_url: str, config: Config, video: bool) -> Iterator[JobResult]:
        if not jobs:
            return
        n = max(1, min(self.workers or default_workers(), len(jobs)))
        pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"))
        try:
            pending: dict[Future[JobResult], Job] = {pool.submit(run_job, job, out_url, config, video=video): job
                                                     for job in jobs}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    job = pending.pop(future)
                    try:
                        yield future.result()
                    except Exception as exc:  # a dead worker fails its video, not the batch
                        yield _crashed(job, out_url, exc)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


class RayCluster:
    """Ray tasks (one CPU each) on an existing cluster; Ray does the distribution.

    Parameters
    ----------
    address
        ``auto`` (the cluster this machine belongs to), ``ray://head:10001`` or ``head:6379``; ``local``
        starts a private single-machine Ray with `num_cpus` CPUs (tests, laptops).
    num_cpus
        CPUs of a ``local`` Ray (None: all).
    """

    def __init__(self, address: str, num_cpus: int | None = None):
        self.address = address
        self.num_cpus = num_cpus

    def _init(self) -> Any:
        try:
            import ray
        except ImportError:
            raise InputError("--ray needs the ray package, which is not installed.",
                             "pip install 'stridelens[ray]' (on the driver and on every node).") from None
        if not ray.is_initialized():
            if self.address == "local":
                ray.init(num_cpus=self.num_cpus, include_dashboard=False, log_to_driver=False)
            else:
                ray.init(address=self.address, log_to_driver=False)
        return ray

    def __call__(self, jobs: Sequence[Job], out_url: str, config: Config, video: bool) -> Iterator[JobResult]:
        if not jobs:
            return
        ray = self._init()
        task = ray.remote(num_cpus=1, max_retries=1)(run_job)
        pending = {task.remote(job, out_url, config, video=video): job for job in jobs}
        try:
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                for ref in done:
                    job = pending.pop(ref)
                    try:
                        yield ray.get(ref)
                    except Exception as exc:  # RayTaskError, WorkerCrashedError
                        yield _crashed(job, out_url, exc)
        finally:
            for ref in pending:
                ray.cancel(ref, force=True)
