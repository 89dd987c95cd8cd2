"""The analysis worker process: ``python -m stridelens.web.worker SPEC_JSON``.

Runs `stridelens.analyze` and `report.write_outputs` on one uploaded video, then writes the key frames
(landing and midstance of the typical and the worst step) as JPEGs in ``frames/``. Talks to the server
through JSON lines on stdout::

    {"progress": ["pose", 0.42]}
    {"done": {}}                                         (exit 0)
    {"error": {"code": ..., "message": ..., "advice": ...}}   (exit 2: a problem the user can fix)

Anything else is a bug: the traceback goes to stderr (the job's log) and the exit code is 1. The worker
exits by itself when the server that started it has gone (its parent changed).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["main", "write_key_frames"]

_VIDEO_SHARE = (0.05, 0.85)  # share of the "report" stage taken by the annotated video


def _emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _progress_fn() -> Any:
    parent = os.getppid()

    def progress(stage: str, fraction: float) -> None:
        if os.getppid() != parent:  # the server is gone: nobody will read the result
            os._exit(3)
        if stage == "video":
            stage, fraction = "report", _VIDEO_SHARE[0] + _VIDEO_SHARE[1] * fraction
        _emit({"progress": [stage, round(float(fraction), 4)]})

    return progress


def write_key_frames(analysis: Any, frames_dir: Path) -> list[str]:
    """JPEG stills of the verdict's typical and worst step into `frames_dir`; returns the names written."""
    from ..report.stills import step_stills

    v = analysis.verdict
    wanted = {"typical": v.typical_step_index, "worst": v.worst_step_index}
    stills = step_stills(analysis, [i for i in wanted.values() if i is not None])
    tmp = Path(tempfile.mkdtemp(prefix=".frames-", dir=frames_dir.parent))
    written = []
    for which, index in wanted.items():
        still = stills.get(index) if index is not None else None
        if still is None:
            continue
        (tmp / f"{which}_landing.jpg").write_bytes(still.landing_jpeg)
        (tmp / f"{which}_midstance.jpg").write_bytes(still.midstance_jpeg)
        written += [f"{which}_landing", f"{which}_midstance"]
    tmp.rename(frames_dir)
    return written


def run(spec: dict[str, Any]) -> None:
    """Analyse `spec["video"]` into `spec["out"]` (must not exist)."""
    from ..config import Config
    from ..pipeline import analyze
    from ..report import write_outputs

    progress = _progress_fn()
    config = Config().with_options(**spec.get("options", {}))
    analysis = analyze(spec["video"], config, progress=progress)
    progress("report", 0.0)
    out = write_outputs(analysis, spec["out"], overwrite=False, video=True, progress=progress)
    progress("report", 0.92)
    try:
        write_key_frames(analysis, out / "frames")
    except (OSError, ValueError) as exc:  # key frames are a nicety: the report is complete without them
        print(f"key frames not written: {exc!r}", file=sys.stderr)
    progress("report", 1.0)


def main(argv: list[str] | None = None) -> int:
    from ..errors import StridelensError

    args = sys.argv[1:] if argv is None else argv
    spec = json.loads(args[0])
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        run(spec)
    except StridelensError as exc:
        shown = spec.get("display_name") or "The video"
        message = exc.message.replace(spec["video"], shown)
        _emit({"error": {"code": exc.code, "message": message, "advice": exc.advice}})
        shutil.rmtree(spec["out"], ignore_errors=True)
        return 2
    _emit({"done": {}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
