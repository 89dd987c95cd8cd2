"""Pure ASGI middleware (streams the upload body untouched): security headers on every response, and
a same-origin check on requests that change something."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

__all__ = ["SameOriginMiddleware", "SecurityHeadersMiddleware"]

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; media-src 'self'; "
                                 b"style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; "
                                 b"frame-ancestors 'none'; base-uri 'self'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeadersMiddleware:
    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(k, v) for k, v in HEADERS if k not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SameOriginMiddleware:
    """Refuse (403) a POST/PUT/PATCH/DELETE whose Origin is another site, or that a browser marks cross-site."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] in _UNSAFE and not _same_origin(scope):
            body = json.dumps({"error": "cross_site", "message": "Cross-site request refused.",
                               "advice": "Use the stridelens page itself."}).encode()
            await send({"type": "http.response.start", "status": 403,
                        "headers": [(b"content-type", b"application/json"), *HEADERS]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def _same_origin(scope: dict[str, Any]) -> bool:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    if headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = headers.get("origin")
    if not origin or origin == "null":
        return origin != "null"
    return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()
