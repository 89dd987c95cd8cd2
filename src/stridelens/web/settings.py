"""Settings of the web app: one frozen dataclass, built by `stridelens serve` from its flags (or by tests)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LOOPBACK_HOSTS", "Settings", "default_data_dir", "load_secret_key"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def default_data_dir() -> Path:
    """`STRIDELENS_DATA_DIR`, else `$XDG_DATA_HOME/stridelens` (~/.local/share/stridelens)."""
    if os.environ.get("STRIDELENS_DATA_DIR"):
        return Path(os.environ["STRIDELENS_DATA_DIR"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "stridelens"


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to know. Limits have their unit in the name."""

    data_dir: Path
    database_url: str | None = None  # None: STRIDELENS_DATABASE_URL, else SQLite in data_dir
    auth: bool = False  # accounts and login; without it one local user, no login
    signup_code: str | None = None  # with auth: sign-up needs this code (None: open sign-up)
    secret_key: str | None = None  # signs session cookies; None: STRIDELENS_SECRET_KEY or data_dir/secret.key
    secure_cookies: bool = False  # mark cookies Secure (set when served over HTTPS)
    allowed_hosts: tuple[str, ...] | None = None  # Host header allow-list (None: any); loopback when local
    max_upload_mb: float = 1024.0
    max_duration_s: float = 300.0
    max_long_side_px: int = 3840
    max_short_side_px: int = 2160
    max_concurrent_jobs: int = 1
    max_job_attempts: int = 2  # a job the server was killed during is tried this often in all
    login_max_failures: int = 5  # per user name and per client address ...
    login_window_s: float = 900.0  # ... within this window, then 429
    session_max_age_s: int = 14 * 24 * 3600

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def results_dir(self) -> Path:
        return self.data_dir / "results"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"


def load_secret_key(settings: Settings) -> str:
    """The cookie-signing key: given, from `STRIDELENS_SECRET_KEY`, or created once in data_dir/secret.key."""
    if settings.secret_key:
        return settings.secret_key
    if os.environ.get("STRIDELENS_SECRET_KEY"):
        return os.environ["STRIDELENS_SECRET_KEY"]
    path = settings.data_dir / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
