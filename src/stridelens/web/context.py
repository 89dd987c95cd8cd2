"""What every request handler needs: the app's services, the current user, CSRF checks, rendering."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from ..store import repo
from .jobs import JobRunner
from .security import CSRF_HEADER, LoginLimiter, csrf_ok, csrf_token
from .settings import Settings

__all__ = ["CurrentUser", "LoginRequiredError", "Services", "check_form_csrf", "current_user", "render",
           "require_api_csrf", "services"]


@dataclass
class Services:
    settings: Settings
    sessions: sessionmaker[Session]
    runner: JobRunner
    templates: Jinja2Templates
    limiter: LoginLimiter
    local_user_id: int | None = None


@dataclass(frozen=True, slots=True)
class CurrentUser:
    id: int
    username: str
    local: bool  # the single user of a server without --auth


class LoginRequiredError(Exception):
    """No logged-in user: pages redirect to the login page, the API answers 401."""


def services(request: Request) -> Services:
    return request.app.state.services


def current_user(request: Request) -> CurrentUser:
    """The user the request acts for (FastAPI dependency); raises `LoginRequiredError`."""
    svc = services(request)
    if not svc.settings.auth:
        assert svc.local_user_id is not None
        return CurrentUser(svc.local_user_id, "local", local=True)
    uid = request.session.get("uid")
    if isinstance(uid, int):
        with svc.sessions() as s:
            user = repo.user_by_id(s, uid)
            if user is not None and user.password_hash is not None:
                return CurrentUser(user.id, user.username, local=False)
        request.session.clear()
    raise LoginRequiredError()


def require_api_csrf(request: Request) -> None:
    """With --auth, API calls that change something need the session's CSRF token in `X-CSRF-Token`.

    Without --auth there is no credential to misuse; the Origin check in the app covers cross-site posts.
    """
    if services(request).settings.auth and not csrf_ok(request, request.headers.get(CSRF_HEADER)):
        raise HTTPException(403, "Missing or wrong CSRF token (header X-CSRF-Token; GET /api/me gives it).")


def check_form_csrf(request: Request, supplied: str | None) -> None:
    if not csrf_ok(request, supplied):
        raise HTTPException(403, "The form expired or came from another site. Reload the page and try again.")


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Any:
    svc = services(request)
    user = None
    with contextlib.suppress(LoginRequiredError):
        user = current_user(request)
    base = {"request": request, "user": user, "auth": svc.settings.auth, "csrf_token": csrf_token(request),
            "settings": svc.settings}
    return svc.templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
