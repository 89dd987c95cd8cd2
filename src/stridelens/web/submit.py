"""Accepting an upload (API and form alike): stream to disk, check the options, probe the video, store the
analysis and queue its job. The stored file name is generated (`<analysis id><suffix from the probed
container>`); the user's file name is kept for display only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ..store import repo
from ..store.db import session_scope
from ..store.models import new_id
from .context import CurrentUser, services
from .uploads import ReceivedForm, UploadError, probe_upload, receive_multipart, store_upload

__all__ = ["DEFAULT_ATHLETE", "FIELD_LIMITS", "Options", "accept_upload", "parse_options"]

DEFAULT_ATHLETE = "Me"
# form field -> (label, low, high, unit)
FIELD_LIMITS: dict[str, tuple[str, float, float, str]] = {
    "height_cm": ("Height", 80.0, 250.0, "cm"),
    "treadmill_speed_kmh": ("Treadmill speed", 1.0, 40.0, "km/h"),
    "fps": ("Slow-motion frame rate", 24.0, 2000.0, "frames/s"),
}


@dataclass(frozen=True, slots=True)
class Options:
    athlete_id: str | None
    athlete_name: str
    height_cm: float | None
    treadmill_speed_kmh: float | None
    fps_override: float | None
    notes: str
    csrf_token: str | None


def _number(fields: dict[str, str], key: str) -> float | None:
    text = fields.get(key, "").strip().replace(",", ".")
    if not text:
        return None
    label, low, high, unit = FIELD_LIMITS[key]
    try:
        value = float(text)
    except ValueError:
        raise UploadError(f"{label}: {text[:20]!r} is not a number.", f"Enter {label.lower()} in {unit}.") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise UploadError(f"{label}: {value:g} {unit} is out of range.",
                          f"Enter a value between {low:g} and {high:g} {unit}, or leave it empty.")
    return value


def parse_options(fields: dict[str, str]) -> Options:
    """The analysis options of an upload form; raises `UploadError` for values out of range."""
    name = " ".join(fields.get("athlete_name", "").split())[:120]
    return Options(athlete_id=fields.get("athlete_id", "").strip() or None, athlete_name=name,
                   height_cm=_number(fields, "height_cm"),
                   treadmill_speed_kmh=_number(fields, "treadmill_speed_kmh"),
                   fps_override=_number(fields, "fps"), notes=fields.get("notes", "").strip()[:2000],
                   csrf_token=fields.get("csrf_token"))


def _athlete_id(s: Session, user: CurrentUser, options: Options) -> str:
    if options.athlete_id and options.athlete_id != "new":
        athlete = repo.get_athlete(s, user.id, options.athlete_id)
        if athlete is None:
            raise UploadError("That athlete was not found.", "Pick an athlete from the list, or add a new one.")
        return athlete.id
    if options.athlete_name:
        return repo.create_athlete(s, user.id, options.athlete_name, height_cm=options.height_cm).id
    if options.athlete_id == "new":
        raise UploadError("The new athlete has no name.", "Type the athlete's name, or pick one from the list.")
    existing = [a for a in repo.list_athletes(s, user.id) if a.name == DEFAULT_ATHLETE]
    if existing:
        return existing[0].id
    return repo.create_athlete(s, user.id, DEFAULT_ATHLETE, height_cm=options.height_cm).id


async def accept_upload(request: Request, user: CurrentUser, *, form_csrf: bool = False) -> str:
    """Receive, check and store one upload; queue its analysis; return the analysis id.

    `form_csrf`: check the form's `csrf_token` field (HTML form posts; the API checks a header instead).
    """
    from .context import check_form_csrf

    svc = services(request)
    settings = svc.settings
    form: ReceivedForm = await receive_multipart(request, settings.uploads_dir, max_bytes=settings.max_upload_bytes)
    assert form.file_path is not None
    final_path = None
    try:
        if form_csrf:
            check_form_csrf(request, form.fields.get("csrf_token"))
        options = parse_options(form.fields)
        probed = await run_in_threadpool(probe_upload, form.file_path, settings, form.filename,
                                         fps_override=options.fps_override)
        analysis_id = new_id()
        upload_name = f"{analysis_id}{probed.suffix}"
        with session_scope(svc.sessions) as s:
            athlete_id = _athlete_id(s, user, options)
            final_path = settings.uploads_dir / upload_name
            store_upload(form.file_path, final_path)
            repo.create_analysis(s, user.id, athlete_id, repo.NewAnalysis(
                upload_name=upload_name, upload_bytes=form.file_bytes, original_filename=form.filename,
                height_cm=options.height_cm, treadmill_speed_kmh=options.treadmill_speed_kmh,
                fps_override=options.fps_override, notes=options.notes), analysis_id=analysis_id)
    except BaseException:
        form.file_path.unlink(missing_ok=True)
        if final_path is not None:
            final_path.unlink(missing_ok=True)
        raise
    svc.runner.submit(analysis_id)
    return analysis_id
