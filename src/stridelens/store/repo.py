"""Queries and state changes. Everything a user asks for is filtered by its `owner_id`.

Functions take an open `Session` and do not commit: the caller's `session_scope` does. Functions named
`job_*` are for the job runner (no owner: the server acts on its own queue).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import LOCAL_USERNAME, AnalysisRow, Athlete, User, utcnow

__all__ = ["NewAnalysis", "Recovery", "UsernameTakenError", "create_analysis", "create_athlete", "create_user",
           "ensure_local_user", "get_analysis", "get_athlete", "job_done", "job_failed", "job_progress",
           "job_requeued", "job_started", "list_analyses", "list_athletes", "queued_job_ids", "recover_interrupted",
           "user_by_id", "user_by_name"]


class UsernameTakenError(ValueError):
    """The user name is already registered."""


# --------------------------------------------------------------------------------------------- users


def ensure_local_user(s: Session) -> User:
    """The single user of a server without --auth (created on first use)."""
    user = user_by_name(s, LOCAL_USERNAME)
    if user is None:
        user = User(username=LOCAL_USERNAME, password_hash=None)
        s.add(user)
        s.flush()
    return user


def user_by_name(s: Session, username: str) -> User | None:
    return s.scalars(select(User).where(User.username == username)).first()


def user_by_id(s: Session, user_id: int) -> User | None:
    return s.get(User, user_id)


def create_user(s: Session, username: str, password_hash: str) -> User:
    if username == LOCAL_USERNAME or user_by_name(s, username) is not None:
        raise UsernameTakenError(username)
    user = User(username=username, password_hash=password_hash)
    s.add(user)
    s.flush()
    return user


# ------------------------------------------------------------------------------------------ athletes


def create_athlete(s: Session, owner_id: int, name: str, *, height_cm: float | None = None) -> Athlete:
    athlete = Athlete(owner_id=owner_id, name=name.strip(), height_cm=height_cm)
    s.add(athlete)
    s.flush()
    return athlete


def list_athletes(s: Session, owner_id: int) -> Sequence[Athlete]:
    return s.scalars(select(Athlete).where(Athlete.owner_id == owner_id).order_by(Athlete.name)).all()


def get_athlete(s: Session, owner_id: int, athlete_id: str) -> Athlete | None:
    return s.scalars(select(Athlete).where(Athlete.id == athlete_id, Athlete.owner_id == owner_id)).first()


# ------------------------------------------------------------------------------------------ analyses


@dataclass(frozen=True, slots=True)
class NewAnalysis:
    """What an upload brings: the stored (generated) file name and the form's options."""

    upload_name: str
    upload_bytes: int
    original_filename: str = ""
    height_cm: float | None = None
    treadmill_speed_kmh: float | None = None
    fps_override: float | None = None
    notes: str = ""


def create_analysis(s: Session, owner_id: int, athlete_id: str, new: NewAnalysis, *,
                    analysis_id: str | None = None) -> AnalysisRow:
    """A queued analysis of `athlete_id` (which must belong to `owner_id`)."""
    if get_athlete(s, owner_id, athlete_id) is None:
        raise LookupError(f"athlete {athlete_id!r} not found")
    row = AnalysisRow(owner_id=owner_id, athlete_id=athlete_id, status="queued", progress=0.0, attempts=0,
                      upload_name=new.upload_name, upload_bytes=new.upload_bytes,
                      original_filename=new.original_filename[:255], height_cm=new.height_cm,
                      treadmill_speed_kmh=new.treadmill_speed_kmh, fps_override=new.fps_override,
                      notes=new.notes, created_at=utcnow())
    if analysis_id is not None:
        row.id = analysis_id
    s.add(row)
    s.flush()
    return row


def get_analysis(s: Session, owner_id: int, analysis_id: str) -> AnalysisRow | None:
    return s.scalars(select(AnalysisRow).where(AnalysisRow.id == analysis_id,
                                               AnalysisRow.owner_id == owner_id)).first()


def list_analyses(s: Session, owner_id: int, *, athlete_id: str | None = None) -> Sequence[AnalysisRow]:
    """The owner's analyses, oldest first (optionally of one athlete)."""
    query = select(AnalysisRow).where(AnalysisRow.owner_id == owner_id)
    if athlete_id is not None:
        query = query.where(AnalysisRow.athlete_id == athlete_id)
    return s.scalars(query.order_by(AnalysisRow.created_at, AnalysisRow.id)).all()


# ------------------------------------------------------------------------------------- job runner


def queued_job_ids(s: Session) -> list[str]:
    """Every queued analysis, oldest first."""
    query = select(AnalysisRow.id).where(AnalysisRow.status == "queued").order_by(AnalysisRow.created_at)
    return list(s.scalars(query).all())


def job_started(s: Session, analysis_id: str) -> AnalysisRow | None:
    """Mark a queued job running (one more attempt); None when it is not queued any more."""
    row = s.get(AnalysisRow, analysis_id, with_for_update=True)
    if row is None or row.status != "queued":
        return None
    row.status, row.stage, row.progress = "running", "reading", 0.0
    row.attempts += 1
    row.started_at = utcnow()
    return row


def job_progress(s: Session, analysis_id: str, stage: str, progress: float) -> None:
    row = s.get(AnalysisRow, analysis_id)
    if row is not None and row.status == "running":
        row.stage, row.progress = stage, min(1.0, max(row.progress, progress))


def job_done(s: Session, analysis_id: str, *, result_name: str, verdict_label: str,
             summary: dict[str, Any]) -> None:
    row = s.get(AnalysisRow, analysis_id)
    if row is None:
        return
    row.status, row.stage, row.progress = "done", "report", 1.0
    row.result_name, row.verdict_label, row.summary = result_name, verdict_label, summary
    row.finished_at = utcnow()


def job_failed(s: Session, analysis_id: str, *, code: str, message: str, advice: str = "") -> None:
    row = s.get(AnalysisRow, analysis_id)
    if row is None:
        return
    row.status = "failed"
    row.error_code, row.error_message, row.error_advice = code, message, advice
    row.finished_at = utcnow()


def job_requeued(s: Session, analysis_id: str) -> None:
    """Put a running job back in the queue after a graceful stop (the attempt does not count)."""
    row = s.get(AnalysisRow, analysis_id)
    if row is not None and row.status == "running":
        row.status, row.stage, row.progress = "queued", None, 0.0
        row.attempts = max(0, row.attempts - 1)


@dataclass(frozen=True, slots=True)
class Recovery:
    """What `recover_interrupted` did with the jobs a stopped server left running."""

    requeued: list[str]
    failed: list[str]


def recover_interrupted(s: Session, *, max_attempts: int) -> Recovery:
    """Jobs left `running` by a server that stopped: queue them again, or fail them after `max_attempts`.

    Their partial output is not trusted: the runner starts a requeued job from its upload again.
    """
    requeued, failed = [], []
    for row in s.scalars(select(AnalysisRow).where(AnalysisRow.status == "running")).all():
        if row.attempts >= max_attempts:
            row.status = "failed"
            row.error_code = "interrupted"
            row.error_message = (f"The server stopped while this video was being analysed ({row.attempts} "
                                 f"time{'s' if row.attempts > 1 else ''}), so the analysis was not finished.")
            row.error_advice = "Your video is kept: upload it again, or ask whoever runs the server to check it."
            row.finished_at = utcnow()
            failed.append(row.id)
        else:
            row.status, row.stage, row.progress = "queued", None, 0.0
            requeued.append(row.id)
    return Recovery(requeued=requeued, failed=failed)
