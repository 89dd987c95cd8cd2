"""The web app (`stridelens serve`): upload a run, watch it being analysed, read the report, follow an
athlete over time. FastAPI + Jinja templates; jobs in a worker process; storage in `stridelens.store`.

Imports stay lazy: `import stridelens.web` loads neither FastAPI nor the pose model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Settings", "create_app"]

if TYPE_CHECKING:
    from .app import create_app
    from .settings import Settings


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "Settings":
        from .settings import Settings

        return Settings
    raise AttributeError(name)
