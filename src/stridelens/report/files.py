"""Write an analysis to its output folder: analysis.json, steps.csv, keypoints.parquet, report.html,
annotated.mp4 (videos only: marker and keypoint files have no frames to draw on).

Everything is written into a temporary folder beside the target and moved into place at the end, so a
failed run never leaves a half-written result that looks complete, and an earlier result is never
overwritten unless asked (`overwrite=True`, which replaces it only after the new one is complete).
"""

from __future__ import annotations

import csv
import errno
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import OutputExistsError, OutputWriteError
from ..metrics.steps import StepMetrics
from ..sources.recording import is_video
from .schema import AnalysisReport, to_report

__all__ = ["OUTPUT_FILES", "default_output_dir", "dumps_summary", "report_summary", "write_json",
           "write_keypoints_parquet", "write_outputs", "write_steps_csv"]

OUTPUT_FILES = ("analysis.json", "steps.csv", "keypoints.parquet", "report.html", "annotated.mp4")
STEP_COLUMNS = tuple(f.name for f in fields(StepMetrics))


def default_output_dir(video_path: str | os.PathLike[str], parent: str | os.PathLike[str] = "results") -> Path:
    """`results/<video name>`, made unique with -2, -3, ... so that no earlier result is touched."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(video_path).stem).strip("._") or "video"
    base = Path(parent) / stem
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{stem}-{n}")
    return candidate


def write_json(report: AnalysisReport, path: Path) -> None:
    path.write_text(report.model_dump_json(indent=1), encoding="utf-8")


def write_steps_csv(report: AnalysisReport, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=STEP_COLUMNS)
        writer.writeheader()
        for row in report.steps:
            writer.writerow({k: ("" if v is None else v) for k, v in row.model_dump().items()})


def write_keypoints_parquet(analysis: Any, path: Path, *, rows_per_group: int = 4096) -> None:
    """One row per frame: raw and cleaned image coordinates and confidence of every keypoint.

    Written a row group at a time straight from the arrays (no DataFrame of the whole clip), so memory stays
    flat on long clips: on a 10-minute clip the DataFrame route took 40 MB more than this one.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    raw, clean = analysis.raw_track, analysis.clean_track
    cols: dict[str, np.ndarray] = {"frame": raw.frame_index.astype(np.int64), "time_s": raw.time_s}
    for k, name in enumerate(raw.keypoints):
        cols[f"{name}_raw_x_px"] = raw.xy[:, k, 0]
        cols[f"{name}_raw_y_px"] = raw.xy[:, k, 1]
        cols[f"{name}_x_px"] = clean.xy[:, k, 0]
        cols[f"{name}_y_px"] = clean.xy[:, k, 1]
        cols[f"{name}_confidence"] = raw.confidence[:, k]
    for key, values in analysis.diagnostics.items():
        if np.ndim(values) == 1 and len(values) == len(raw):
            cols[key] = np.asarray(values)
    schema = pa.schema([(name, pa.from_numpy_dtype(values.dtype)) for name, values in cols.items()])
    with pq.ParquetWriter(str(path), schema) as writer:
        for start in range(0, max(1, len(raw)), rows_per_group):
            part = [_arrow_column(pa, values[start:start + rows_per_group]) for values in cols.values()]
            writer.write_batch(pa.RecordBatch.from_arrays(part, schema=schema))


def _arrow_column(pa: Any, values: np.ndarray) -> Any:
    """A numpy column as an Arrow array, built from its buffer.

    `pa.array` and `Table.from_pydict` import pandas on their first call (pyarrow's pandas checks): 0.3-0.9 s
    holding the GIL while the annotated video is drawn beside this. NaN stays a value, not a null, as with
    `pa.array`; Arrow packs booleans into bits. Other dtypes (none so far) take `pa.array`.
    """
    if values.dtype == np.bool_:
        data = np.packbits(values, bitorder="little")
    elif values.dtype.kind in "iuf":
        data = np.ascontiguousarray(values)
    else:
        return pa.array(values, type=pa.from_numpy_dtype(values.dtype))
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [None, pa.py_buffer(data)])


_STORAGE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)


def _storage_error(exc: OSError, out: Path) -> OutputWriteError:
    """Disk full, read-only or forbidden folder (`_STORAGE_ERRNOS`): a user-fixable error."""
    return OutputWriteError(f"{out}: the results could not be written ({os.strerror(exc.errno)}); nothing was "
                            "changed and earlier results are intact.",
                            "Free some disk space, or choose a folder you can write to with --out, and run it again.")


def _rename_no_clobber(tmp: Path, out: Path) -> None:
    """Move the finished folder into place, never over a result that appeared meanwhile (another run)."""
    try:
        tmp.rename(out)  # a folder onto a non-empty folder fails (ENOTEMPTY/EEXIST); onto a file, ENOTDIR
    except OSError as exc:
        if not out.exists():
            raise
        raise OutputExistsError(f"{out}: was created by another analysis while this one ran; it was left as it is.",
                                "Choose another --out folder and run the analysis again.") from exc


def write_outputs(analysis: Any, out_dir: str | os.PathLike[str], *, overwrite: bool = False,
                  video: bool = True, progress: Callable[[str, float], None] | None = None) -> Path:
    """Write all outputs atomically into `out_dir`; return it."""
    from .html import still_steps, write_html
    from .stills import StillFrames
    from .video import write_annotated_video

    out = Path(out_dir)
    if out.exists() and not overwrite:
        raise OutputExistsError(f"{out}: already exists; stridelens never overwrites an earlier result.",
                                "Choose another --out folder, or pass --overwrite to replace it.")
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"{out}: exists and is not a folder.", "Choose another --out path.")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    except OSError as exc:
        if exc.errno not in _STORAGE_ERRNOS:
            raise
        raise _storage_error(exc, out) from exc
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stridelens-video") as pool:
            # the video pass (decode, draw, encode: mostly outside the GIL) runs beside the data files and
            # the HTML report (matplotlib, mostly Python): together they use both cores; it hands the report
            # the frames of its stills, which then need no decoding of their own
            with_video = video and is_video(analysis.video)  # marker and keypoint files have no frames
            still_frames = StillFrames(analysis, still_steps(analysis)) if with_video else None
            encoding = pool.submit(write_annotated_video, analysis, tmp / "annotated.mp4", progress=progress,
                                   stills=still_frames) if with_video else None
            try:
                report = to_report(analysis)
                write_json(report, tmp / "analysis.json")
                write_steps_csv(report, tmp / "steps.csv")
                write_keypoints_parquet(analysis, tmp / "keypoints.parquet")
                write_html(report, analysis, tmp / "report.html", still_frames=still_frames)
            except BaseException:
                if encoding is not None:
                    encoding.cancel()
                raise
            if encoding is not None:
                encoding.result()
        if out.exists() and overwrite:
            # replace only now that the new result is complete; the old one goes last
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            out.rename(old / out.name)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            _rename_no_clobber(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if exc.errno not in _STORAGE_ERRNOS:
            raise
        raise _storage_error(exc, out) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def report_summary(report: AnalysisReport) -> dict[str, Any]:
    """The machine-readable summary printed by `stridelens analyze --json`."""
    overall = report.summary.overall
    return {
        "verdict": report.verdict.label,
        "severity": report.verdict.severity,
        "confidence": report.verdict.confidence,
        "cadence_spm": overall["cadence_spm"].mean,
        "steps": len(report.steps),
        "hip_offset_pct": overall["hip_offset_pct"].mean,
        "findings": [f.key for f in report.findings],
        "warnings": report.warnings,
    }


def dumps_summary(report: AnalysisReport, out_dir: Path | None) -> str:
    data = report_summary(report)
    data["output"] = str(out_dir) if out_dir else None
    return json.dumps(data)
