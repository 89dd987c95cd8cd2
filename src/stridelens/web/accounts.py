"""Accounts (with --auth): sign-up, login with rate limiting, logout; the same for API clients."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from ..store import repo
from ..store.db import session_scope
from .context import check_form_csrf, render, services
from .security import csrf_token, hash_password, verify_password

__all__ = ["router"]

router = APIRouter()
_USERNAME = re.compile(r"^[A-Za-z0-9._@-]{3,64}$")
MIN_PASSWORD = 10


class LoginError(Exception):
    def __init__(self, message: str, status_code: int = 400):
        super().__init__(message)
        self.message, self.status_code = message, status_code


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _client(request: Request) -> str:
    return f"ip:{request.client.host if request.client else 'unknown'}"


def _login(request: Request, username: str, password: str) -> int:
    """Check the password (rate-limited per user name and per client address); return the user id."""
    svc = services(request)
    keys = [f"user:{username.lower()}", _client(request)]
    wait = svc.limiter.retry_after_s(keys)
    if wait > 0:
        raise LoginError(f"Too many failed logins. Try again in {max(1, round(wait / 60))} min.", 429)
    with svc.sessions() as s:
        user = repo.user_by_name(s, username)
        ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None:
        svc.limiter.failed(keys)
        raise LoginError("Wrong user name or password.", 400)
    svc.limiter.succeeded(keys[:1])
    return user.id


def _start_session(request: Request, user_id: int) -> None:
    request.session.clear()  # a fresh session (and CSRF token) at every login
    request.session["uid"] = user_id
    csrf_token(request)


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str = "/") -> Any:
    if not services(request).settings.auth:
        return RedirectResponse("/", status_code=303)
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login", include_in_schema=False)
def login_form(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()],
               csrf_token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Any:
    check_form_csrf(request, csrf_token)
    try:
        user_id = _login(request, username.strip(), password)
    except LoginError as exc:
        return render(request, "login.html", status_code=exc.status_code, next=_safe_next(next), error=exc.message,
                      username=username)
    _start_session(request, user_id)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.get("/signup", include_in_schema=False)
def signup_page(request: Request) -> Any:
    if not services(request).settings.auth:
        return RedirectResponse("/", status_code=303)
    return render(request, "signup.html", error=None, needs_code=services(request).settings.signup_code is not None)


def _signup_error(username: str, password: str, code: str, expected: str | None) -> str | None:
    if not _USERNAME.match(username):
        return "User name: 3-64 letters, digits or . _ @ -"
    if len(password) < MIN_PASSWORD:
        return f"Password: at least {MIN_PASSWORD} characters."
    if expected is not None and code != expected:
        return "Wrong sign-up code: ask the person who runs this server."
    return None


@router.post("/signup", include_in_schema=False)
def signup_form(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()],
                csrf_token: Annotated[str, Form()] = "", code: Annotated[str, Form()] = "") -> Any:
    check_form_csrf(request, csrf_token)
    svc = services(request)
    if not svc.settings.auth:
        raise HTTPException(404)
    username = username.strip()
    error = _signup_error(username, password, code.strip(), svc.settings.signup_code)
    if error is None:
        try:
            with session_scope(svc.sessions) as s:
                user_id = repo.create_user(s, username, hash_password(password)).id
        except repo.UsernameTakenError:
            error = "That user name is taken."
    if error is not None:
        return render(request, "signup.html", status_code=400, error=error, username=username,
                      needs_code=svc.settings.signup_code is not None)
    _start_session(request, user_id)
    return RedirectResponse("/", status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> RedirectResponse:
    check_form_csrf(request, csrf_token)
    request.session.clear()
    return RedirectResponse("/login" if services(request).settings.auth else "/", status_code=303)


class Credentials(BaseModel):
    username: str
    password: str


@router.post("/api/session", tags=["api"])
def api_login(request: Request, body: Credentials) -> dict[str, str]:
    """Log in (with --auth): sets the session cookie; send `csrf_token` as `X-CSRF-Token` on changes."""
    if not services(request).settings.auth:
        raise HTTPException(404, "This server runs without accounts (no --auth).")
    try:
        user_id = _login(request, body.username.strip(), body.password)
    except LoginError as exc:
        raise HTTPException(exc.status_code if exc.status_code == 429 else 401, exc.message) from None
    _start_session(request, user_id)
    return {"username": body.username.strip(), "csrf_token": csrf_token(request)}
