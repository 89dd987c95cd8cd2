"""A very long clip is streamed: peak memory of a whole analysis grows by a bounded amount from a
short clip to one 40 times longer (measured in child processes; no wall-clock assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.fixtures.media import make_video

FPS, SHORT_FRAMES, LONG_FRAMES = 10, 300, 12_000  # 30 s and 20 min at 10 frames/s

_CHILD = """
import json, resource, sys
import stridelens
from stridelens.errors import StridelensError
from tests.fixtures.hostile import FakePeople, FakeTrackEstimator
estimator = FakeTrackEstimator(None, 1, 1)
try:
    stridelens.analyze(sys.argv[1], estimator=estimator, people=FakePeople())
    outcome = "verdict"
except StridelensError as exc:
    outcome = type(exc).__name__
print(json.dumps({"outcome": outcome, "frames": estimator.i,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _peak(video: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(video)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_long_clip_is_streamed_with_bounded_memory(tmp_path, record_property):
    short = make_video(tmp_path / "short.mp4", frames=SHORT_FRAMES, width=48, height=32, fps=FPS, pan_px_per_frame=0)
    long = make_video(tmp_path / "long run.mp4", frames=LONG_FRAMES, width=48, height=32, fps=FPS,
                      pan_px_per_frame=0)
    a, b = _peak(short), _peak(long)
    assert a["frames"] == SHORT_FRAMES and b["frames"] == LONG_FRAMES, "every frame was read"
    assert a["outcome"] == b["outcome"] == "NoRunnerError"  # nobody in view: a clear error, after the whole pass
    growth_mb = b["peak_mb"] - a["peak_mb"]
    record_property("long_clip_peak_growth_mb", round(growth_mb, 1))
    assert growth_mb < 40, f"peak memory grew by {growth_mb:.0f} MB for {LONG_FRAMES} frames"
