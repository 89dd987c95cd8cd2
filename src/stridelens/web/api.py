"""The JSON API (documented at /docs). Every id is looked up together with the caller's user id: another
user's id answers 404, exactly like an id that does not exist."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..store import repo
from ..store.db import session_scope
from ..store.models import AnalysisRow
from .compare import compare_sessions, comparison_caveats
from .context import CurrentUser, current_user, require_api_csrf, services
from .results import DOWNLOADS, KEY_FRAMES, read_report_dict
from .security import csrf_token
from .submit import FIELD_LIMITS, accept_upload

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"])
User = Annotated[CurrentUser, Depends(current_user)]


class Created(BaseModel):
    id: str = Field(description="The new analysis' id.")
    status: str
    url: str = Field(description="Its page in the web app.")


class ErrorInfo(BaseModel):
    code: str
    message: str
    advice: str


class AnalysisStatus(BaseModel):
    id: str
    status: str = Field(description="queued, running, done or failed.")
    stage: str | None = Field(description="reading, pose, events, metrics or report while running.")
    progress: float = Field(description="0-1 over all stages.")
    athlete_id: str
    created_at: datetime
    finished_at: datetime | None
    original_filename: str
    notes: str
    error: ErrorInfo | None = None
    links: dict[str, str] = Field(default_factory=dict, description="Downloads and key frames (when done).")
    analysis: dict[str, Any] | None = Field(None, description="When done: the content of analysis.json.")


class AthleteIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    height_cm: float | None = Field(None, ge=80, le=250)


class AthleteOut(BaseModel):
    id: str
    name: str
    height_cm: float | None
    sessions: int


class Me(BaseModel):
    username: str
    auth: bool
    csrf_token: str


def _status(row: AnalysisRow, *, with_analysis: bool, request: Request) -> AnalysisStatus:
    out = AnalysisStatus(id=row.id, status=row.status, stage=row.stage, progress=round(row.progress, 4),
                         athlete_id=row.athlete_id, created_at=row.created_at, finished_at=row.finished_at,
                         original_filename=row.original_filename, notes=row.notes)
    if row.status == "failed":
        out.error = ErrorInfo(code=row.error_code or "error", message=row.error_message or "",
                              advice=row.error_advice or "")
    if row.status == "done" and row.result_name:
        result = services(request).settings.results_dir / row.result_name
        out.links = {key: f"/analyses/{row.id}/files/{key}" for key, (name, _, _) in DOWNLOADS.items()
                     if (result / name).is_file()}
        out.links.update({f"frame_{k}": f"/analyses/{row.id}/frames/{k}.jpg" for k in KEY_FRAMES
                          if (result / "frames" / f"{k}.jpg").is_file()})
        if with_analysis:
            out.analysis = read_report_dict(result)
    return out


def _get(request: Request, user: CurrentUser, analysis_id: str) -> AnalysisRow:
    with services(request).sessions() as s:
        row = repo.get_analysis(s, user.id, analysis_id)
    if row is None:
        raise HTTPException(404, "No such analysis.")
    return row


_UPLOAD_SCHEMA = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary", "description": "The video (MP4, MOV, MKV, WebM, AVI)."},
        "athlete_id": {"type": "string", "description": "An existing athlete; else `athlete_name`."},
        "athlete_name": {"type": "string", "description": "Creates a new athlete (default: one called 'Me')."},
        **{key: {"type": "number", "description": f"{label}, {unit} ({low:g}-{high:g}); optional."}
           for key, (label, low, high, unit) in FIELD_LIMITS.items()},
        "notes": {"type": "string", "description": "Free text, shown with the session."}}}}}}}


@router.post("/analyses", status_code=202, response_model=Created, openapi_extra=_UPLOAD_SCHEMA,
             dependencies=[Depends(require_api_csrf)],
             responses={413: {"description": "Over the size limit"}, 422: {"description": "Not a usable video"}})
async def create_analysis(request: Request, user: User) -> Created:
    """Upload a video (multipart field `file`) with its options; the analysis is queued.

    The body streams to disk and stops at the size limit; the content is probed (not its name or type).
    """
    analysis_id = await accept_upload(request, user)
    return Created(id=analysis_id, status="queued", url=f"/analyses/{analysis_id}")


@router.get("/analyses", response_model=list[AnalysisStatus])
def list_analyses(request: Request, user: User, athlete_id: str | None = None) -> list[AnalysisStatus]:
    """Every analysis of the caller (optionally of one athlete), oldest first, without analysis.json."""
    with services(request).sessions() as s:
        rows = repo.list_analyses(s, user.id, athlete_id=athlete_id)
    return [_status(r, with_analysis=False, request=request) for r in rows]


@router.get("/analyses/{analysis_id}", response_model=AnalysisStatus)
def get_analysis(request: Request, user: User, analysis_id: str) -> AnalysisStatus:
    """Status and progress; when `status` is `done`, `analysis` holds the content of analysis.json."""
    return _status(_get(request, user, analysis_id), with_analysis=True, request=request)


@router.get("/analyses/{analysis_id}/events", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}}})
async def analysis_events(request: Request, user: User, analysis_id: str) -> StreamingResponse:
    """Server-sent events: a `progress` event whenever status, stage or progress change, until done or failed."""
    _get(request, user, analysis_id)

    async def stream() -> Any:
        last = None
        while not await request.is_disconnected():
            row = await run_in_threadpool(_get, request, user, analysis_id)
            state = {"status": row.status, "stage": row.stage, "progress": round(row.progress, 4)}
            if state != last:
                last = state
                yield f"event: progress\ndata: {json.dumps(state)}\n\n"
            if row.status in ("done", "failed"):
                return
            await asyncio.sleep(0.5)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.get("/athletes", response_model=list[AthleteOut])
def list_athletes(request: Request, user: User) -> list[AthleteOut]:
    with services(request).sessions() as s:
        return [AthleteOut(id=a.id, name=a.name, height_cm=a.height_cm, sessions=len(a.analyses))
                for a in repo.list_athletes(s, user.id)]


@router.post("/athletes", status_code=201, response_model=AthleteOut, dependencies=[Depends(require_api_csrf)])
def create_athlete(request: Request, user: User, body: AthleteIn) -> AthleteOut:
    with session_scope(services(request).sessions) as s:
        a = repo.create_athlete(s, user.id, body.name, height_cm=body.height_cm)
        return AthleteOut(id=a.id, name=a.name, height_cm=a.height_cm, sessions=0)


@router.get("/athletes/{athlete_id}/compare")
def compare(request: Request, user: User, athlete_id: str, a: Annotated[str, Query(description="Earlier session")],
            b: Annotated[str, Query(description="Later session")]) -> dict[str, Any]:
    """Compare two finished sessions of one athlete, metric by metric, against each metric's SDD."""
    rows = [_get(request, user, x) for x in (a, b)]
    if any(r.athlete_id != athlete_id or r.status != "done" or not r.result_name for r in rows):
        raise HTTPException(404, "Both sessions must be finished analyses of this athlete.")
    results = services(request).settings.results_dir
    before, after = (read_report_dict(results / r.result_name) for r in rows)  # type: ignore[operator]
    return {"a": a, "b": b, "caveats": comparison_caveats(before, after), "metrics": [
        {"key": c.metric.key, "name": c.metric.name, "unit": c.metric.unit, "before": c.before, "after": c.after,
         "change": c.change, "sdd": c.sdd, "measurable": c.measurable, "verdict": c.verdict}
        for c in compare_sessions(before, after)]}


@router.get("/me", response_model=Me)
def me(request: Request, user: User) -> Me:
    """Who is logged in, and the CSRF token for API calls that change something (with --auth)."""
    return Me(username=user.username, auth=services(request).settings.auth, csrf_token=csrf_token(request))
