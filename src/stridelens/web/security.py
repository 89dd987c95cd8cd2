"""Passwords (Argon2), CSRF tokens and login rate limiting.

Sessions are Starlette's signed cookie (`SessionMiddleware`, itsdangerous), HttpOnly and SameSite=Lax;
the session holds the user id and the CSRF token. Forms carry the token in a hidden field, API calls that
change something in the header `X-CSRF-Token`.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Request

__all__ = ["CSRF_HEADER", "LoginLimiter", "csrf_ok", "csrf_token", "hash_password", "verify_password"]

CSRF_HEADER = "X-CSRF-Token"
_hasher = PasswordHasher()  # argon2id, the library's (RFC 9106 low-memory) defaults
_DUMMY_HASH = _hasher.hash("stridelens-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; unknown users (None) take as long as known ones."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(24)
    return token


def csrf_ok(request: Request, supplied: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and supplied and secrets.compare_digest(expected, supplied))


class LoginLimiter:
    """At most `max_failures` failed logins per key (user name, client address) in `window_s` seconds.

    In memory: it resets when the server restarts, which is acceptable for one server process.
    """

    def __init__(self, max_failures: int = 5, window_s: float = 900.0):
        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def retry_after_s(self, keys: Iterable[str]) -> float:
        """Seconds until another attempt is allowed (0: allowed now)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._failures.get(key)
                if not times:
                    continue
                while times and now - times[0] > self.window_s:
                    times.popleft()
                if len(times) >= self.max_failures:
                    wait = max(wait, self.window_s - (now - times[0]))
        return wait

    def failed(self, keys: Iterable[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures[key].append(now)

    def succeeded(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
