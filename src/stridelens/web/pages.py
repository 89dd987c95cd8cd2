"""The HTML pages: upload, job progress / report (one URL: /analyses/{id}), athletes, comparison, how to
film, and the files of a finished analysis. Ids of other users answer 404, like unknown ids."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from ..store import repo
from ..store.db import session_scope
from ..store.models import AnalysisRow
from .context import CurrentUser, check_form_csrf, current_user, render, services
from .filming import TIPS, tips_for
from .jobs import STAGES
from .results import DOWNLOADS, KEY_FRAMES
from .submit import DEFAULT_ATHLETE, accept_upload
from .views import athlete_context, compare_context, report_context, session_row

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
User = Annotated[CurrentUser, Depends(current_user)]
STAGE_LABELS = {"reading": "Reading the video", "pose": "Finding the runner", "events": "Foot contacts",
                "metrics": "Measuring", "report": "Writing the report"}


def _analysis(request: Request, user: CurrentUser, analysis_id: str) -> AnalysisRow:
    with services(request).sessions() as s:
        row = repo.get_analysis(s, user.id, analysis_id)
        if row is not None:
            _ = row.athlete.name  # load while the session is open
    if row is None:
        raise HTTPException(404, "There is no analysis at this address.")
    return row


@router.get("/")
def upload_page(request: Request, user: User) -> Any:
    with services(request).sessions() as s:
        athletes = list(repo.list_athletes(s, user.id))
        recent = [(session_row(r), r.athlete.name) for r in repo.list_analyses(s, user.id)][-8:][::-1]
    settings = services(request).settings
    limits = {"mb": f"{settings.max_upload_mb:.0f}", "duration_s": f"{settings.max_duration_s:.0f}",
              "resolution": f"{settings.max_long_side_px}x{settings.max_short_side_px}"}
    return render(request, "upload.html", athletes=athletes, recent=recent, limits=limits,
                  default_athlete=DEFAULT_ATHLETE, tips=TIPS[:4])


@router.post("/upload")
async def upload_form(request: Request, user: User) -> RedirectResponse:
    """The upload form without JavaScript (the page's script posts to /api/analyses instead)."""
    analysis_id = await accept_upload(request, user, form_csrf=True)
    return RedirectResponse(f"/analyses/{analysis_id}", status_code=303)


@router.get("/filming")
def filming_page(request: Request) -> Any:
    return render(request, "filming.html", tips=TIPS)


@router.get("/analyses/{analysis_id}")
def analysis_page(request: Request, user: User, analysis_id: str) -> Any:
    row = _analysis(request, user, analysis_id)
    stages = [(key, STAGE_LABELS[key]) for key in STAGES]
    if row.status == "done" and row.result_name:
        context = report_context(row, services(request).settings.results_dir / row.result_name)
        return render(request, "report.html", row=row, athlete=row.athlete, **context)
    if row.status == "failed":
        return render(request, "failed.html", row=row, athlete=row.athlete, tips=tips_for([row.error_code or ""]))
    return render(request, "job.html", row=row, athlete=row.athlete, stages=stages,
                  stage_spans={key: list(span) for key, span in STAGES.items()})


def _result_file(request: Request, user: CurrentUser, analysis_id: str, relative: str) -> Any:
    row = _analysis(request, user, analysis_id)
    if row.status != "done" or not row.result_name:
        raise HTTPException(404, "This analysis has no finished result yet.")
    path = services(request).settings.results_dir / row.result_name / relative
    if not path.is_file():
        raise HTTPException(404, "This file is not part of the result.")
    return path


@router.get("/analyses/{analysis_id}/files/{key}")
def result_file(request: Request, user: User, analysis_id: str, key: str, download: bool = False) -> Response:
    """A finished analysis' output, by key (json, csv, html, mp4, parquet): never by a file name."""
    if key not in DOWNLOADS:
        raise HTTPException(404, "Unknown file.")
    name, media_type, _ = DOWNLOADS[key]
    path = _result_file(request, user, analysis_id, name)
    inline = key in ("mp4", "json") and not download
    filename = f"stridelens-{analysis_id}-{name}"
    return FileResponse(path, media_type=media_type, filename=None if inline else filename,
                        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"})


@router.get("/analyses/{analysis_id}/frames/{which}.jpg")
def key_frame(request: Request, user: User, analysis_id: str, which: str) -> Response:
    if which not in KEY_FRAMES:
        raise HTTPException(404, "Unknown key frame.")
    path = _result_file(request, user, analysis_id, f"frames/{which}.jpg")
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"})


@router.get("/athletes")
def athletes_page(request: Request, user: User) -> Any:
    with services(request).sessions() as s:
        athletes = [{"id": a.id, "name": a.name, "sessions": [session_row(r) for r in a.analyses]}
                    for a in repo.list_athletes(s, user.id)]
    return render(request, "athletes.html", athletes=athletes)


@router.post("/athletes")
def create_athlete(request: Request, user: User, name: Annotated[str, Form(max_length=120)],
                   csrf_token: Annotated[str, Form()] = "") -> RedirectResponse:
    check_form_csrf(request, csrf_token)
    if not name.strip():
        raise HTTPException(422, "The athlete needs a name.")
    with session_scope(services(request).sessions) as s:
        athlete = repo.create_athlete(s, user.id, name)
    return RedirectResponse(f"/athletes/{athlete.id}", status_code=303)


@router.get("/athletes/{athlete_id}")
def athlete_page(request: Request, user: User, athlete_id: str) -> Any:
    with services(request).sessions() as s:
        athlete = repo.get_athlete(s, user.id, athlete_id)
        if athlete is None:
            raise HTTPException(404, "There is no athlete at this address.")
        rows = list(repo.list_analyses(s, user.id, athlete_id=athlete_id))
    return render(request, "athlete.html", athlete=athlete, **athlete_context(rows))


@router.get("/athletes/{athlete_id}/compare")
def compare_page(request: Request, user: User, athlete_id: str, a: str = "", b: str = "",
                 pick: Annotated[list[str] | None, Query()] = None) -> Any:
    if not (a and b) and pick and len(pick) == 2:  # the form without JavaScript sends the ticked boxes
        a, b = pick
    with services(request).sessions() as s:
        athlete = repo.get_athlete(s, user.id, athlete_id)
        rows = [repo.get_analysis(s, user.id, x) for x in (a, b)]
    if athlete is None:
        raise HTTPException(404, "There is no athlete at this address.")
    if any(r is None or r.athlete_id != athlete_id or r.status != "done" for r in rows):
        raise HTTPException(404, "Pick two finished sessions of this athlete to compare.")
    before, after = sorted(rows, key=lambda r: r.created_at)  # type: ignore[union-attr]
    context = compare_context(before, after, services(request).settings.results_dir)  # type: ignore[arg-type]
    return render(request, "compare.html", athlete=athlete, **context)
