"""`stridelens analyze` on marker and keypoint files: the same outputs as a video, without annotated.mp4."""

from __future__ import annotations

import json

import pytest

from stridelens.cli.main import main
from tests.fixtures.marker_files import synthetic_markers, truth_events_csv, write_openpose_folder, write_trc


@pytest.fixture(scope="module")
def markers():
    return synthetic_markers(duration_s=4.0, t0_s=0.25)


def test_cli_on_a_trc_file(tmp_path, capsys, markers):
    trc = write_trc(tmp_path / "run.trc", markers)
    events = truth_events_csv(tmp_path / "truth.csv", markers)
    out = tmp_path / "out"
    assert main(["analyze", str(trc), "--events", str(events), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["analysis.json", "keypoints.parquet", "report.html", "steps.csv"]
    report = json.loads((out / "analysis.json").read_text())
    assert report["video"]["codec"] == "markers" and report["video"]["file"] == "run.trc"
    assert report["video"]["analysed_start_s"] == pytest.approx(0.25)  # the file's own time axis, seconds
    assert abs(report["summary"]["overall"]["cadence_spm"]["mean"] - markers.truth.cadence_spm) < 1.0
    truth_ic_s = sorted(0.25 + ic / markers.fps for _, ic, _ in markers.truth.contacts)
    for event in report["events"]:
        assert min(abs(event["ic_time_s"] - t) for t in truth_ic_s) <= 0.02
    assert "Events vs reference (truth.csv)" in printed and "initial contact" in printed
    html = (out / "report.html").read_text()
    assert html.count("data:image/jpeg") >= 2  # stills drawn on a plain canvas


def test_cli_json_summary_carries_the_reference_comparison(tmp_path, capsys, markers):
    trc = write_trc(tmp_path / "run.trc", markers)
    truth_events_csv(tmp_path / "run_events.csv", markers)  # found beside the file
    assert main(["analyze", str(trc), "--out", str(tmp_path / "o"), "--json", "--quiet"]) == 0
    summary = json.loads(capsys.readouterr().out)
    ref = summary["reference_events"]
    assert ref["source"] == "run_events.csv" and ref["ic_missed"] == 0 and ref["ic_spurious"] == 0
    assert ref["ic_error_median_abs_ms"] <= 20 and abs(ref["cadence_error_spm"]) < 1


def test_cli_openpose_folder_needs_fps(tmp_path, capsys, markers):
    folder = write_openpose_folder(tmp_path / "json", markers)
    code = main(["analyze", str(folder), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "frame rate" in err and "--fps" in err and not (tmp_path / "o").exists()
    assert main(["analyze", str(folder), "--fps", "100", "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert not (tmp_path / "o" / "annotated.mp4").exists()
