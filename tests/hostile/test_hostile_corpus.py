"""The hostile-input corpus through `stridelens analyze`: each case gives its documented outcome (a verdict, a
warning, or a clear error with advice), never a traceback; a failed run writes nothing."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

import stridelens.pipeline
from stridelens.cli.main import main
from tests.fixtures.hostile import Case, FakePeople, FakeTrackEstimator, corpus

CASES = corpus()


def _inject_fakes(monkeypatch: pytest.MonkeyPatch, case: Case) -> None:
    """Give `analyze` a fake pose model that sees the case's synthetic track (the real model never runs)."""
    if case.track is None:
        return
    estimator = FakeTrackEstimator(case.track(), *case.size)
    real = stridelens.pipeline.analyze
    monkeypatch.setattr(stridelens.pipeline, "analyze", functools.partial(
        real, estimator=estimator, people=FakePeople(case.others_fraction)))


def run_case(case: Case, folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
             ) -> tuple[int, dict, str, Path]:
    """Make the input, run the CLI on it from inside `folder` (default output folder); return the outcome."""
    (folder / "in" / "sub").mkdir(parents=True)
    video = case.make(folder / "in")
    _inject_fakes(monkeypatch, case)
    monkeypatch.chdir(folder)
    via_dotdot = Path("in") / "sub" / ".." / video.name  # a path with ../ in it
    code = main(["analyze", str(via_dotdot), "--no-video", "--json", *case.args])
    out, err = capsys.readouterr()
    lines = [line for line in out.splitlines() if line.startswith("{")]
    return code, json.loads(lines[-1]) if lines else {}, err, folder / "results"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_input_gives_its_documented_outcome(case, tmp_path, monkeypatch, capsys):
    code, summary, err, results = run_case(case, tmp_path, monkeypatch, capsys)
    assert "Traceback" not in err
    text = (err + json.dumps(summary)).lower()
    for needle in case.needles:
        assert needle.lower() in text, f"{case.name}: {needle!r} not in {err or summary}"
    if case.outcome == "error":
        assert code == 2, f"{case.name}: {summary}"
        assert "stridelens: error:" in err and "what to do:" in err
        assert summary["error"] and summary["advice"]
        assert not results.exists() or not any(results.iterdir()), "a failed analysis writes nothing"
        return
    assert code == 0, f"{case.name}: {err}"
    assert summary["verdict"] in ("neutral", "hips_back", "hips_forward")
    if case.outcome == "warning":
        assert summary["warnings"], f"{case.name}: expected a warning"
    (folder,) = [p for p in results.iterdir()]
    assert folder.parent == results and not folder.name.startswith("."), "the output stays inside results/"
    assert {"analysis.json", "steps.csv", "report.html"} <= {p.name for p in folder.iterdir()}


def test_the_corpus_covers_issue_8():
    names = " ".join(c.name for c in CASES)
    for needed in ("empty", "random", "truncated", "audio", "still image", "resolution", "frame rate",
                   "variable frame rate", "rotation 90", "rotation 180", "rotation 270", "slow motion", "portrait",
                   "landscape", "front view", "back view", "no person", "two people", "walking", "standing",
                   "1-second", "file name"):
        assert needed in names


@pytest.mark.parametrize("name", ["zero time scale with --fps 60", "zero frame durations with --fps 60"])
def test_fps_times_a_file_without_timestamps_like_the_intact_file(name, tmp_path, monkeypatch, capsys):
    """--fps on a file without usable timestamps: every frame is read (the broken edit list is ignored) and timed
    by its order, so the result is that of the intact file."""
    by_name = {c.name: c for c in CASES}
    results = []
    for i, case in enumerate((by_name["landscape runner"], by_name[name])):
        with monkeypatch.context() as m:
            (tmp_path / str(i)).mkdir()
            results.append(run_case(case, tmp_path / str(i), m, capsys))
    (code_ok, intact, _, _), (code, summary, err, _) = results
    assert code_ok == 0 and code == 0, err
    assert summary["steps"] == intact["steps"]
    assert summary["cadence_spm"] == pytest.approx(intact["cadence_spm"], abs=0.5)
    video = json.loads((tmp_path / "1" / summary["output"] / "analysis.json").read_text())["video"]
    assert (video["capture_fps"], video["capture_fps_source"], video["slowmo_factor"]) == (60, "user", 1)
    assert video["analysed_frames"] == video["frame_count"] == 300
