"""The job runner: analyses run one (or `max_concurrent_jobs`) at a time, their state lives in the database.

A job is an `AnalysisRow`. The runner takes queued jobs in order, marks them running, hands them to an
`Analyser` (by default `SubprocessAnalyser`: a worker process, so the pose model's CPU time and memory never
block or bloat the server), records the progress it reports, and marks the job done only once every output
file exists and analysis.json validates: a half-written result is never shown as complete.

At start-up `start` calls `store.repo.recover_interrupted`: a job a stopped server left running is queued
again (its partial output removed) or, after `max_job_attempts`, marked failed with its reason. A graceful
stop puts the job in flight back in the queue without counting the attempt. Uploads are never deleted.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import StridelensError
from ..store import repo
from ..store.db import session_scope
from .filming import web_advice
from .results import read_report, summary_of
from .settings import Settings

__all__ = ["STAGES", "Analyser", "JobInterruptedError", "JobRunner", "JobSpec", "SubprocessAnalyser",
           "overall_progress"]

log = logging.getLogger(__name__)

# stage -> (start, share) of the overall progress; the pose model takes most of the time
STAGES: dict[str, tuple[float, float]] = {"reading": (0.0, 0.02), "pose": (0.02, 0.68), "events": (0.70, 0.04),
                                          "metrics": (0.74, 0.02), "report": (0.76, 0.24)}
_PROGRESS_EVERY_S = 0.5  # database writes of progress at most this often
_DB_RETRY_S = 120.0  # how long a job's final state waits for the database to come back (a restart), heuristic


def overall_progress(stage: str, fraction: float) -> float:
    start, share = STAGES.get(stage, (0.0, 0.0))
    return start + share * min(1.0, max(0.0, fraction))


@dataclass(frozen=True, slots=True)
class JobSpec:
    """What an analyser needs: where the video is, where the outputs go, the analysis options."""

    analysis_id: str
    video_path: Path
    out_dir: Path  # the analyser creates it; it must not exist before
    display_name: str
    options: dict[str, float]  # Config flat options: height_cm, treadmill_speed_kmh, fps_override


class Analyser(Protocol):
    """Analyse `job.video_path` into `job.out_dir`, reporting `progress(stage, fraction)`.

    Raises `StridelensError` for problems the user can fix, `JobInterruptedError` when stopped.
    """

    def __call__(self, job: JobSpec, progress: Callable[[str, float], None]) -> None: ...

    def stop(self) -> None: ...


class JobInterruptedError(Exception):
    """The job was stopped because the server is shutting down."""


class _WorkerError(StridelensError):
    """A user-fixable error reported by the worker process (code kept from the original error)."""

    def __init__(self, code: str, message: str, advice: str):
        super().__init__(message, advice)
        self.code = code


class SubprocessAnalyser:
    """Runs `python -m stridelens.web.worker` per job; reads JSON lines of progress from its stdout."""

    def __init__(self, logs_dir: Path, command: list[str] | None = None):
        self.logs_dir = logs_dir
        self.command = command or [sys.executable, "-m", "stridelens.web.worker"]
        self._procs: set[subprocess.Popen[str]] = set()
        self._lock = threading.Lock()
        self._stopping = False

    def __call__(self, job: JobSpec, progress: Callable[[str, float], None]) -> None:
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        spec = {"video": str(job.video_path), "out": str(job.out_dir), "display_name": job.display_name,
                "options": job.options}
        with (self.logs_dir / f"{job.analysis_id}.log").open("a", encoding="utf-8") as log_fh:
            proc = subprocess.Popen([*self.command, json.dumps(spec)], stdout=subprocess.PIPE, stderr=log_fh,
                                    stdin=subprocess.DEVNULL, text=True, bufsize=1,
                                    env={**os.environ, "PYTHONUNBUFFERED": "1"})
            with self._lock:
                self._procs.add(proc)
            try:
                result = self._follow(proc, progress)
            finally:
                with self._lock:
                    self._procs.discard(proc)
        if self._stopping:
            raise JobInterruptedError()
        if result is not None and "error" in result:
            err = result["error"]
            raise _WorkerError(err.get("code", "error"), err.get("message", ""), err.get("advice", ""))
        if proc.returncode is not None and proc.returncode < 0 and result is None:
            raise _WorkerError("worker_killed", f"The analysis was stopped from outside (the worker process got "
                               f"signal {-proc.returncode}, e.g. killed or out of memory); no result was kept.",
                               "Upload the video again to retry; a shorter clip (10-20 s) needs less memory.")
        if proc.returncode != 0 or result is None:
            raise RuntimeError(f"the analysis worker exited with code {proc.returncode} "
                               f"(log: logs/{job.analysis_id}.log)")

    @staticmethod
    def _follow(proc: subprocess.Popen[str], progress: Callable[[str, float], None]) -> dict[str, Any] | None:
        result = None
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "progress" in message:
                stage, fraction = message["progress"]
                progress(str(stage), float(fraction))
            elif "done" in message or "error" in message:
                result = message
        proc.wait()
        return result

    def stop(self) -> None:
        self._stopping = True
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


class JobRunner:
    """Runs queued analyses in `settings.max_concurrent_jobs` threads, each driving one analyser call."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings, analyser: Analyser):
        self.sessions = sessions
        self.settings = settings
        self.analyser = analyser
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    # ------------------------------------------------------------------------------------ lifecycle

    def start(self) -> repo.Recovery:
        """Recover what a stopped server left behind, queue every queued job, start the worker threads."""
        with session_scope(self.sessions) as s:
            recovery = repo.recover_interrupted(s, max_attempts=self.settings.max_job_attempts)
            queued = repo.queued_job_ids(s)
        for analysis_id in recovery.requeued:
            log.warning("analysis %s was interrupted by a server stop: queued again", analysis_id)
        for analysis_id in recovery.failed:
            log.warning("analysis %s was interrupted too often: marked failed", analysis_id)
        for analysis_id in queued:
            self._queue.put(analysis_id)
        for n in range(max(1, self.settings.max_concurrent_jobs)):
            thread = threading.Thread(target=self._work, name=f"stridelens-job-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return recovery

    def submit(self, analysis_id: str) -> None:
        """Queue an analysis already stored with status `queued`."""
        self._queue.put(analysis_id)

    def stop(self, timeout_s: float = 15.0) -> None:
        """Stop the analyses in flight (they go back to the queue) and the worker threads."""
        self._stopping.set()
        self.analyser.stop()
        for _ in self._threads:
            self._queue.put(None)
        deadline = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    # ------------------------------------------------------------------------------------- one job

    def _work(self) -> None:
        while not self._stopping.is_set():
            analysis_id = self._queue.get()
            if analysis_id is None:
                return
            try:
                self._run(analysis_id)
            except Exception:  # a bug in the runner itself: keep the thread alive for the next job
                log.exception("analysis %s: the job runner failed", analysis_id)

    def _run(self, analysis_id: str) -> None:
        with session_scope(self.sessions) as s:
            row = repo.job_started(s, analysis_id)
            if row is None:
                return
            spec = self._spec(row)
        shutil.rmtree(spec.out_dir, ignore_errors=True)  # what an interrupted attempt left
        log.info("analysis %s: started", analysis_id)
        try:
            self.analyser(spec, self._progress_writer(analysis_id))
            report = read_report(spec.out_dir)
        except JobInterruptedError:
            self._requeue(analysis_id)
            return
        except StridelensError as exc:
            self._fail(analysis_id, exc.code, exc.message, web_advice(exc.advice))
            return
        except Exception:
            log.exception("analysis %s failed", analysis_id)
            self._fail(analysis_id, "internal_error", "The analysis stopped because of an error in stridelens "
                                                      "(not in your video).",
                       "Try again; if it happens again, report it with the server's log.")
            return
        self._with_db_retry(lambda s: repo.job_done(s, analysis_id, result_name=spec.out_dir.name,
                                                    verdict_label=report.verdict.label, summary=summary_of(report)))
        log.info("analysis %s: done", analysis_id)

    def _spec(self, row: Any) -> JobSpec:
        options = {k: v for k, v in (("height_cm", row.height_cm), ("treadmill_speed_kmh", row.treadmill_speed_kmh),
                                     ("fps_override", row.fps_override)) if v is not None}
        return JobSpec(analysis_id=row.id, video_path=self.settings.uploads_dir / row.upload_name,
                       out_dir=self.settings.results_dir / row.id, display_name=row.original_filename,
                       options=options)

    def _progress_writer(self, analysis_id: str) -> Callable[[str, float], None]:
        last = {"t": 0.0, "stage": ""}

        def write(stage: str, fraction: float) -> None:
            now = time.monotonic()
            if stage == last["stage"] and now - last["t"] < _PROGRESS_EVERY_S and fraction < 1.0:
                return
            last["t"], last["stage"] = now, stage
            try:
                with session_scope(self.sessions) as s:
                    repo.job_progress(s, analysis_id, stage, overall_progress(stage, fraction))
            except OperationalError:  # the database is away (a restart): progress is best effort, the job goes on
                log.warning("analysis %s: progress not recorded (database unavailable)", analysis_id)

        return write

    def _fail(self, analysis_id: str, code: str, message: str, advice: str) -> None:
        log.info("analysis %s failed: %s", analysis_id, code)
        self._with_db_retry(lambda s: repo.job_failed(s, analysis_id, code=code, message=message, advice=advice))
        shutil.rmtree(self.settings.results_dir / analysis_id, ignore_errors=True)

    def _with_db_retry(self, write: Callable[[Session], Any]) -> None:
        """Record a job's final state, waiting up to `_DB_RETRY_S` for a database that is restarting; if it
        stays away the job remains `running` and the next start's recovery queues it again."""
        deadline = time.monotonic() + _DB_RETRY_S
        while True:
            try:
                with session_scope(self.sessions) as s:
                    write(s)
                return
            except OperationalError:
                if time.monotonic() > deadline or self._stopping.is_set():
                    raise
                log.warning("database unavailable; retrying")
                time.sleep(0.5)

    def _requeue(self, analysis_id: str) -> None:
        with session_scope(self.sessions) as s:
            repo.job_requeued(s, analysis_id)
