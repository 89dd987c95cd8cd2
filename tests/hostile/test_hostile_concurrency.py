"""Concurrency: 10 uploads at once are all processed, none lost or mixed up; two analyses of the same file
at once never clobber each other's output."""

from __future__ import annotations

import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import stridelens.pipeline
import stridelens.report.files
from stridelens.cli.main import main
from stridelens.errors import OutputExistsError
from stridelens.report import write_outputs
from stridelens.synthetic import hips_back_runner
from stridelens.web import Settings, create_app
from tests.fixtures.media import make_video
from tests.fixtures.report_clips import small_spec, synthetic_analysis
from tests.fixtures.web_app import FakeAnalyser, wait_done

UPLOADS = 10


def _items(body: list | dict) -> list[dict]:
    return body if isinstance(body, list) else body.get("analyses", body.get("items", []))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class FingerprintingAnalyser(FakeAnalyser):
    """The fake analyser that also records which upload each result was made from."""

    def __call__(self, job, progress) -> None:
        super().__call__(job, progress)
        (job.out_dir / "source.sha256").write_text(_sha(job.video_path))


def test_ten_uploads_at_once_are_all_processed_and_none_mixed_up(tmp_path, result_template):
    videos = [make_video(tmp_path / f"run{i}.mp4", frames=6, seed=100 + i) for i in range(UPLOADS)]
    settings = Settings(data_dir=tmp_path / "data", secret_key="test-secret", max_upload_mb=5, max_concurrent_jobs=3)
    with TestClient(create_app(settings, analyser=FingerprintingAnalyser(result_template))) as client:
        def send(video: Path) -> tuple[Path, str]:
            with video.open("rb") as fh:
                r = client.post("/api/analyses", files={"file": (video.name, fh, "video/mp4")},
                                data={"athlete_name": video.stem})
            assert r.status_code == 202, r.text
            return video, r.json()["id"]

        with ThreadPoolExecutor(UPLOADS) as pool:
            sent = list(pool.map(send, videos))
        jobs = {aid: wait_done(client, aid, timeout_s=60) for _, aid in sent}
        listed = {a["id"] for a in _items(client.get("/api/analyses").json())}
    assert len({aid for _, aid in sent}) == UPLOADS and listed == set(jobs), "none lost"
    for video, aid in sent:
        assert jobs[aid]["status"] == "done", jobs[aid]
        assert jobs[aid]["original_filename"] == video.name
        row_upload = next(settings.uploads_dir.glob(f"{aid}.*"))
        assert _sha(row_upload) == _sha(video), "the stored upload is the file that was sent"
        assert (settings.results_dir / aid / "source.sha256").read_text() == _sha(video), "the result is its own"


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    return synthetic_analysis(tmp_path_factory.mktemp("a"), small_spec(hips_back_runner))


def _racing_writes(monkeypatch: pytest.MonkeyPatch, n: int = 2) -> None:
    """Make `n` concurrent write_outputs reach the point after their checks together (the worst timing)."""
    barrier = threading.Barrier(n, timeout=30)
    real = stridelens.report.files.write_json
    calls = iter(range(10**6))

    def write_json(report, path):
        real(report, path)
        if next(calls) < n:  # later writes (a retry) go straight on
            barrier.wait()

    monkeypatch.setattr(stridelens.report.files, "write_json", write_json)


def test_two_writes_to_one_folder_at_once_keep_one_whole_result(analysis, tmp_path, monkeypatch):
    _racing_writes(monkeypatch)
    out = tmp_path / "result"

    def write() -> str:
        try:
            write_outputs(analysis, out, video=False)
            return "written"
        except OutputExistsError:
            return "refused"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(lambda _: write(), range(2)))
    assert outcomes == ["refused", "written"]
    assert json.loads((out / "analysis.json").read_text())["verdict"]["label"] == "hips_back"
    assert [p.name for p in tmp_path.iterdir()] == ["result"], "no partial folder left behind"


def test_two_cli_analyses_of_one_file_at_once_both_keep_their_results(analysis, tmp_path, monkeypatch, capsys):
    video = make_video(tmp_path / "run.mp4", frames=3)
    monkeypatch.setattr(stridelens.pipeline, "analyze", lambda *a, **k: analysis)
    _racing_writes(monkeypatch)
    monkeypatch.chdir(tmp_path)
    with ThreadPoolExecutor(2) as pool:
        codes = list(pool.map(lambda _: main(["analyze", str(video), "--no-video", "--quiet"]), range(2)))
    assert codes == [0, 0], capsys.readouterr().err
    folders = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert folders == ["run", "run-2"], "each run has its own folder; neither was overwritten"
    for name in folders:
        assert (tmp_path / "results" / name / "analysis.json").is_file()
