"""One job = one video -> its own output folder; `JobResult` is the row it leaves in the summary."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["SUMMARY_COLUMNS", "Job", "JobResult", "safe_name"]


def safe_name(text: str) -> str:
    """A folder name from a relative path: ``squad/anna/run 1.mp4`` -> ``squad__anna__run_1``."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,8}$", "", text.strip("/"))
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", stem.replace("/", "__")).strip("._")
    return name or "video"


@dataclass(frozen=True, slots=True)
class Job:
    """One input to analyse, with the options a manifest row gives it.

    Attributes
    ----------
    source
        Local path or fsspec URL of the video (or marker / keypoint file).
    name
        Output folder name under the batch's output folder, unique within the batch.
    athlete, notes
        Free text from the manifest, copied into the summary.
    height_cm, treadmill_speed_kmh, fps_override
        Per-video analysis options (None: the batch's defaults).
    """

    source: str
    name: str
    athlete: str = ""
    height_cm: float | None = None
    treadmill_speed_kmh: float | None = None
    fps_override: float | None = None
    notes: str = ""

    def options(self) -> dict[str, float]:
        """The `Config.with_options` arguments this job sets."""
        values = {"height_cm": self.height_cm, "treadmill_speed_kmh": self.treadmill_speed_kmh,
                  "fps_override": self.fps_override}
        return {k: v for k, v in values.items() if v is not None}


@dataclass(frozen=True, slots=True)
class JobResult:
    """What one job produced: one row of summary.csv.

    `status` is ``ok`` (output folder complete, with its done.json marker) or ``failed`` (`error_code`,
    `error` and `advice` say why; a later run retries it). `skipped` marks a result found finished from
    an earlier run.
    """

    video: str
    name: str
    status: Literal["ok", "failed"]
    athlete: str = ""
    notes: str = ""
    error_code: str = ""
    error: str = ""
    advice: str = ""
    cadence_spm: float | None = None
    verdict: str = ""
    severity: str = ""
    confidence: float | None = None
    steps: int | None = None
    hip_offset_pct: float | None = None
    findings: str = ""  # finding keys, ";"-separated
    drills: str = ""  # drill names, ";"-separated
    warnings: int | None = None
    seconds: float = 0.0  # wall time of the analysis
    output: str = ""  # the video's output folder (path or URL)
    skipped: bool = field(default=False, compare=False)

    def as_row(self) -> dict[str, Any]:
        row = asdict(self)
        row.pop("skipped")
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any], *, skipped: bool = False) -> JobResult:
        known = {k: row[k] for k in SUMMARY_COLUMNS if k in row}
        return cls(**known, skipped=skipped)


SUMMARY_COLUMNS = tuple(f for f in JobResult.__dataclass_fields__ if f != "skipped")
