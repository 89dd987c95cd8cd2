"""`create_app(settings)`: the FastAPI application of `stridelens serve`.

At start-up it creates the data directory, migrates the database, recovers interrupted jobs and starts
the job runner; at shutdown it stops the runner (the analysis in flight goes back to the queue).
Tests pass their own `analyser` (a fast fake) instead of the worker process that runs the pose model.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .. import __version__
from ..errors import StridelensError
from ..store import repo
from ..store.db import database_url, make_engine, migrate, session_factory, session_scope
from .context import LoginRequiredError, Services, render
from .jobs import Analyser, JobRunner, SubprocessAnalyser
from .middleware import SameOriginMiddleware, SecurityHeadersMiddleware
from .security import LoginLimiter
from .settings import Settings, load_secret_key
from .views import fmt

__all__ = ["create_app"]

log = logging.getLogger(__name__)

_DESCRIPTION = """\
Upload a side-view running video, follow its analysis, read the result. Every id is private to the user
who created it. With `--auth`, log in first (`POST /api/session`) and send the returned `csrf_token` as
the `X-CSRF-Token` header on POST requests. Errors the user can fix answer 4xx with
`{"error", "message", "advice"}`.
"""


def _templates() -> Jinja2Templates:
    folder = resources.files(__package__) / "templates"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = fmt
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error(request: Request, status: int, code: str, message: str, advice: str = "") -> Any:
    if _wants_json(request):
        return JSONResponse({"error": code, "message": message, "advice": advice}, status_code=status)
    return render(request, "error.html", status_code=status, status=status, message=message, advice=advice)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StridelensError)
    async def user_error(request: Request, exc: StridelensError) -> Any:
        return _error(request, getattr(exc, "status_code", 422), exc.code, exc.message, exc.advice)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Any:
        default = {404: "This page does not exist.", 405: "Not allowed here."}.get(exc.status_code, "Error.")
        message = exc.detail if isinstance(exc.detail, str) else default
        return _error(request, exc.status_code, {404: "not_found", 403: "forbidden"}.get(exc.status_code, "error"),
                      message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Any:
        if _wants_json(request):
            return JSONResponse({"error": "invalid_request", "message": "The request is not valid.",
                                 "advice": "See /docs.", "detail": jsonable(exc.errors())}, status_code=422)
        return _error(request, 422, "invalid_request", "The form is not complete.", "Go back and fill it in.")

    @app.exception_handler(LoginRequiredError)
    async def login_required(request: Request, exc: LoginRequiredError) -> Any:
        if _wants_json(request):
            return JSONResponse({"error": "login_required", "message": "Log in first.",
                                 "advice": "POST /api/session with username and password."}, status_code=401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def jsonable(errors: Any) -> Any:
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(errors, custom_encoder={Exception: str})


def create_app(settings: Settings, *, analyser: Analyser | None = None) -> FastAPI:
    """The web app for `settings`; `analyser` replaces the worker process (tests use a fast fake)."""
    for folder in (settings.data_dir, settings.uploads_dir, settings.results_dir, settings.logs_dir):
        folder.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url or database_url(settings.data_dir))
    sessions = session_factory(engine)
    runner = JobRunner(sessions, settings, analyser or SubprocessAnalyser(settings.logs_dir))
    svc = Services(settings=settings, sessions=sessions, runner=runner, templates=_templates(),
                   limiter=LoginLimiter(settings.login_max_failures, settings.login_window_s))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        migrate(engine)
        with session_scope(sessions) as s:
            svc.local_user_id = repo.ensure_local_user(s).id
        runner.start()
        try:
            yield
        finally:
            runner.stop()
            engine.dispose()

    app = FastAPI(title="stridelens", version=__version__, description=_DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.services = svc
    app.state.engine = engine
    _install_error_handlers(app)
    from . import accounts, api, docs, pages

    app.include_router(api.router)
    app.include_router(accounts.router)
    app.include_router(pages.router)
    app.include_router(docs.router)
    app.mount("/static", StaticFiles(directory=str(resources.files(__package__) / "static")), name="static")
    app.add_middleware(SessionMiddleware, secret_key=load_secret_key(settings), session_cookie="stridelens_session",
                       max_age=settings.session_max_age_s, same_site="lax", https_only=settings.secure_cookies)
    app.add_middleware(SameOriginMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    if settings.allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    return app
