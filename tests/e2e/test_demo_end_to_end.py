"""End to end through the installed `stridelens` command on the bundled demo clip: every output exists
and is valid. Runs the real pose model and encoder (about half a minute), so marked `slow`."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import av
import jsonschema
import pandas as pd
import pytest

from stridelens.report.files import STEP_COLUMNS
from stridelens.report.schema import AnalysisReport

pytestmark = pytest.mark.slow


def _stridelens() -> list[str]:
    exe = shutil.which("stridelens", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "stridelens"]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run([*_stridelens(), "demo", "--json", "--height-cm", "178"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    return cwd, Path(cwd / summary["output"]) if not Path(summary["output"]).is_absolute() \
        else Path(summary["output"]), summary


def test_json_summary_on_stdout(demo_run):
    _, out, summary = demo_run
    assert summary["verdict"] in ("neutral", "hips_back", "hips_forward")
    assert summary["cadence_spm"] == pytest.approx(168.4, abs=2.0)
    assert out.name == "demo_treadmill_side"


def test_analysis_json_is_valid_against_its_schema(demo_run):
    _, out, _ = demo_run
    data = json.loads((out / "analysis.json").read_text())
    jsonschema.validate(data, AnalysisReport.model_json_schema())
    assert data["schema_version"] == "1.2"  # 1.1: expected errors and SDDs (issue #4); 1.2: analysis_method
    assert data["summary"]["overall"]["cadence_spm"]["n"] >= 30
    assert data["verdict"]["label"] in ("neutral", "hips_back", "hips_forward")
    assert data["verdict"]["typical_frame"] is not None and data["verdict"]["worst_frame"] is not None
    step = data["steps"][0]
    for key in ("side", "ic_frame", "to_frame", "ic_time_s", "to_time_s", "hip_offset_pct", "foot_ahead_com_cm"):
        assert key in step
    assert step["foot_ahead_com_cm"] is not None  # --height-cm gives centimetres
    assert data["coaching"]["disclaimer"]
    assert data["setting"]["direction"] == "right_to_left"


def test_steps_csv_has_one_row_per_step(demo_run):
    _, out, _ = demo_run
    data = json.loads((out / "analysis.json").read_text())
    with (out / "steps.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0].keys()) == STEP_COLUMNS
    assert len(rows) == len(data["steps"])
    assert [int(r["ic_frame"]) for r in rows] == [s["ic_frame"] for s in data["steps"]]


def test_keypoints_parquet_has_raw_and_clean_trajectories(demo_run):
    _, out, _ = demo_run
    df = pd.read_parquet(out / "keypoints.parquet")
    assert len(df) == 360
    for col in ("frame", "time_s", "left_heel_raw_x_px", "left_heel_x_px", "left_heel_confidence",
                "right_toe_y_px", "leg_labels_swapped"):
        assert col in df.columns


def test_annotated_video_is_h264_with_every_frame(demo_run):
    _, out, _ = demo_run
    with av.open(str(out / "annotated.mp4")) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        n = sum(1 for _ in container.decode(stream))
    assert n == 360


def test_report_html_has_the_verdict_and_images(demo_run):
    _, out, _ = demo_run
    html = (out / "report.html").read_text()
    data = json.loads((out / "analysis.json").read_text())
    assert data["verdict"]["summary"].split(":")[0][:30] in html
    assert html.count("data:image/") >= 2 or html.count("<svg") >= 2
    assert "http://" not in html and "https://" not in html.replace("https://www.w3.org", "")


def test_a_second_run_never_overwrites_the_first(demo_run):
    cwd, out, _ = demo_run
    before = (out / "analysis.json").read_bytes()
    proc = subprocess.run([*_stridelens(), "demo", "--quiet", "--no-video"], cwd=cwd, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert (out.parent / "demo_treadmill_side-2" / "analysis.json").exists()
    assert (out / "analysis.json").read_bytes() == before


def test_pose_pass_gives_the_same_numbers_on_one_or_two_cores(demo_clip):
    """The clip is cut in two halves whatever the cores: two threads at once or one after the other give the
    same keypoints, frames and contacts (a machine's core count must not change a runner's numbers)."""
    import numpy as np

    import stridelens

    one = stridelens.analyze(demo_clip, workers=1)
    two = stridelens.analyze(demo_clip, workers=2)
    assert len(one.raw_track) == 360
    assert np.array_equal(one.raw_track.frame_index, two.raw_track.frame_index)
    assert np.array_equal(one.raw_track.time_s, two.raw_track.time_s)
    assert np.array_equal(one.raw_track.xy, two.raw_track.xy, equal_nan=True)
    assert [(c.ic_frame, c.to_frame) for c in one.contacts] == [(c.ic_frame, c.to_frame) for c in two.contacts]


def test_truncated_copy_is_reported_on_the_pose_pass_that_cuts_the_clip(demo_clip, tmp_path):
    """A copy cut short (index at the front, the last third of the data missing) is reported as truncated,
    with the intact part to analyse, on the real pose pass: each half's reader only sees its own range, so
    the cut must not hide the missing frames."""
    import stridelens
    from stridelens.errors import InputError

    whole = tmp_path / "faststart.mp4"
    with av.open(str(demo_clip)) as src, av.open(str(whole), "w", options={"movflags": "+faststart"}) as dst:
        stream = dst.add_stream_from_template(src.streams.video[0])
        for packet in src.demux(src.streams.video[0]):
            if packet.dts is not None:
                packet.stream = stream
                dst.mux(packet)
    cut = tmp_path / "copied_from_phone.mp4"
    cut.write_bytes(whole.read_bytes()[:int(whole.stat().st_size * 0.64)])
    with pytest.raises(InputError) as err:
        stridelens.analyze(cut, workers=2)
    assert "truncated" in err.value.message and "header announces 360 frames" in err.value.message
    assert "--end" in err.value.advice
