"""Run the app with uvicorn (`stridelens serve`)."""

from __future__ import annotations

import logging
import sys

from .settings import Settings

__all__ = ["serve"]


def serve(settings: Settings, *, host: str, port: int) -> int:
    """Serve until Ctrl+C / SIGTERM; the analysis in flight goes back to the queue and resumes next time."""
    import uvicorn

    from .app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("stridelens").setLevel(logging.INFO)
    app = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    print(f"stridelens is running: open http://{shown}:{port}/ in your browser.\n"
          f"  data: {settings.data_dir}{'  (accounts on: --auth)' if settings.auth else ''}\n"
          f"  stop: Ctrl+C", file=sys.stderr, flush=True)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            timeout_graceful_shutdown=20)
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else 1
