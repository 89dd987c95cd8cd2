"""The local process pool: one folder per video, summaries, failures listed, resume, fsspec URLs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import fsspec
import pandas as pd
from batch_clips import comparable, keypoints_frame

from stridelens.batch import InProcess, LocalPool, discover_jobs, run_batch
from stridelens.batch.storage import DONE_MARKER, FAILED_MARKER
from stridelens.synthetic import neutral_runner


def _rows(out: Path) -> dict[str, dict[str, str]]:
    with (out / "summary.csv").open(encoding="utf-8") as fh:
        return {row["name"]: row for row in csv.DictReader(fh)}


def test_pool_analyses_every_video_and_lists_the_failure(squad: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_batch(discover_jobs(str(squad)), str(out), executor=LocalPool(2))
    rows = _rows(out)
    assert sorted(rows) == ["anna__run1", "ben__run1", "broken", "cleo"]
    assert {n: r["status"] for n, r in rows.items()} == {"anna__run1": "ok", "ben__run1": "ok", "cleo": "ok",
                                                         "broken": "failed"}
    assert rows["broken"]["error_code"] == "bad_input" and "cannot be read" in rows["broken"]["error"]
    assert rows["ben__run1"]["verdict"] == "hips_back" and float(rows["anna__run1"]["cadence_spm"]) > 150
    assert [r.name for r in result.failed] == ["broken"]
    for name in ("anna__run1", "ben__run1", "cleo"):
        assert {"analysis.json", "steps.csv", "keypoints.parquet", "report.html", DONE_MARKER} <= \
            {p.name for p in (out / name).iterdir()}
    assert (out / "broken" / FAILED_MARKER).exists() and not (out / "broken" / DONE_MARKER).exists()
    frame = pd.read_parquet(out / "summary.parquet")
    assert list(frame["name"]) == sorted(rows) and frame["cadence_spm"].dtype == "float64"
    page = (out / "squad.html").read_text(encoding="utf-8")
    assert "Squad overview" in page and "Failed (1)" in page and "<svg" in page and "Who needs which drill" in page


def test_second_run_skips_finished_and_retries_failed(squad: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch(discover_jobs(str(squad)), str(out), executor=InProcess(), video=False)
    before = (out / "cleo" / "analysis.json").read_bytes()
    keypoints_frame(neutral_runner).to_parquet(squad / "broken.parquet")  # the athlete re-sends a good file
    (squad / "broken.mp4").unlink()
    (out / "anna__run1" / DONE_MARKER).unlink()  # an upload cut short: files without the marker
    seen: list[str] = []
    result = run_batch(discover_jobs(str(squad)), str(out), executor=InProcess(), video=False,
                       on_result=lambda r: seen.append(r.name))
    assert sorted(seen) == ["anna__run1", "broken"]  # unfinished and failed ones again; ben and cleo skipped
    assert sorted(r.name for r in result.skipped) == ["ben__run1", "cleo"]
    assert not result.failed and (out / "cleo" / "analysis.json").read_bytes() == before
    assert {r["status"] for r in _rows(out).values()} == {"ok"} and len(_rows(out)) == 4


def test_memory_filesystem_in_and_out(tmp_path: Path) -> None:
    """Inputs and outputs as fsspec URLs (in-memory file system, no mock): download, upload, marker."""
    fs = fsspec.filesystem("memory")
    local = tmp_path / "k.parquet"
    keypoints_frame(neutral_runner).to_parquet(local)
    fs.put_file(str(local), "/batch-in/anna.parquet")
    fs.pipe("/batch-in/bad.mp4", b"not a video")
    try:
        result = run_batch(discover_jobs("memory://batch-in"), "memory://batch-out", executor=InProcess())
        assert [(r.name, r.status) for r in result.results] == [("anna", "ok"), ("bad", "failed")]
        assert fs.exists("/batch-out/anna/analysis.json") and fs.exists(f"/batch-out/anna/{DONE_MARKER}")
        assert fs.exists("/batch-out/summary.parquet") and fs.exists("/batch-out/squad.html")
        summary = fs.cat("/batch-out/summary.csv").decode()
        assert "memory:///batch-in/anna.parquet" in summary
        local_out = tmp_path / "out"
        run_batch(discover_jobs(str(tmp_path), exclude=str(local_out)), str(local_out), executor=InProcess())
        assert comparable(fs.cat("/batch-out/anna/analysis.json"))["summary"] == \
            comparable(local_out / "k" / "analysis.json")["summary"]
        again = run_batch(discover_jobs("memory://batch-in"), "memory://batch-out", executor=InProcess())
        assert [r.name for r in again.skipped] == ["anna"]
    finally:
        for folder in ("/batch-in", "/batch-out"):
            if fs.exists(folder):
                fs.rm(folder, recursive=True)


def test_file_urls_through_the_pool(tmp_path: Path) -> None:
    """The pool's spawned workers resolve URLs themselves (``file://``: fsspec's local file system)."""
    (tmp_path / "in").mkdir()
    keypoints_frame(neutral_runner).to_parquet(tmp_path / "in" / "a.parquet")
    result = run_batch(discover_jobs(f"file://{tmp_path}/in"), f"file://{tmp_path}/out", executor=LocalPool(1),
                       video=False)
    assert [r.status for r in result.results] == ["ok"]
    assert json.loads((tmp_path / "out" / "a" / DONE_MARKER).read_text())["verdict"] == "neutral"
