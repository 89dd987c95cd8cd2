"""The job runner: persisted jobs survive a stop or a crash of the server (resumed, or failed with the
reason), the worker-process protocol, and a restart test against a real server process killed mid-job."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from stridelens.store import repo
from stridelens.store.db import make_engine, session_factory, session_scope
from stridelens.store.models import AnalysisRow
from stridelens.web import create_app
from stridelens.web.jobs import SubprocessAnalyser, overall_progress
from tests.fixtures.web_app import FakeAnalyser, upload, wait_done

ROOT = Path(__file__).resolve().parents[2]
FAKE_WORKER = ROOT / "tests" / "fixtures" / "fake_worker.py"


def _row(settings, analysis_id: str) -> AnalysisRow:
    engine = make_engine(f"sqlite:///{settings.data_dir / 'stridelens.db'}")
    try:
        with session_factory(engine)() as s:
            return s.get(AnalysisRow, analysis_id)
    finally:
        engine.dispose()


def test_overall_progress_runs_from_0_to_1_in_stage_order():
    values = [overall_progress(stage, f) for stage in ("reading", "pose", "events", "metrics", "report")
              for f in (0.0, 1.0)]
    assert values[0] == 0.0 and values[-1] == pytest.approx(1.0)
    assert all(later >= earlier - 1e-9 for earlier, later in itertools.pairwise(values))


def test_a_graceful_stop_requeues_the_job_and_the_next_start_finishes_it(settings, result_template, small_video):
    gate = threading.Event()
    first = FakeAnalyser(result_template, gate=gate)
    with TestClient(create_app(settings, analyser=first)) as client:
        analysis_id = upload(client, small_video)["id"]
        assert first.running.wait(5)
    row = _row(settings, analysis_id)
    assert (row.status, row.attempts) == ("queued", 0)
    assert not (settings.results_dir / analysis_id).exists()
    second = FakeAnalyser(result_template)
    with TestClient(create_app(settings, analyser=second)) as client:
        body = wait_done(client, analysis_id)
    assert body["status"] == "done" and len(second.calls) == 1
    assert (settings.uploads_dir / f"{analysis_id}.mp4").is_file()  # the upload is kept


def _crashed_job(settings, result_template, small_video, *, attempts: int) -> str:
    """An analysis left `running` (with a partial result folder), as a killed server leaves it."""
    gate = threading.Event()
    with TestClient(create_app(settings, analyser=FakeAnalyser(result_template, gate=gate))) as client:
        analysis_id = upload(client, small_video)["id"]
    engine = make_engine(f"sqlite:///{settings.data_dir / 'stridelens.db'}")
    with session_scope(session_factory(engine)) as s:
        for _ in range(attempts):
            s.get(AnalysisRow, analysis_id).status = "queued"
            repo.job_started(s, analysis_id)
    engine.dispose()
    partial = settings.results_dir / analysis_id
    partial.mkdir(parents=True)
    (partial / "analysis.json").write_text("{half")
    return analysis_id


def test_a_job_running_when_the_server_died_is_resumed(settings, result_template, small_video):
    analysis_id = _crashed_job(settings, result_template, small_video, attempts=1)
    with TestClient(create_app(settings, analyser=FakeAnalyser(result_template))) as client:
        assert client.get(f"/analyses/{analysis_id}/files/json").status_code == 404  # never the half result
        body = wait_done(client, analysis_id)
    assert body["status"] == "done" and body["analysis"]["verdict"]


def test_a_job_interrupted_too_often_is_failed_with_its_reason(settings, result_template, small_video):
    analysis_id = _crashed_job(settings, result_template, small_video, attempts=2)
    with TestClient(create_app(settings, analyser=FakeAnalyser(result_template))) as client:
        body = client.get(f"/api/analyses/{analysis_id}").json()
        page = client.get(f"/analyses/{analysis_id}").text
    assert body["status"] == "failed" and body["error"]["code"] == "interrupted"
    assert "server stopped" in body["error"]["message"] and "Your video is kept" in body["error"]["advice"]
    assert "server stopped" in page


def test_worker_process_protocol(settings, result_template, small_video, monkeypatch):
    monkeypatch.setenv("FAKE_WORKER_TEMPLATE", str(result_template))
    analyser = SubprocessAnalyser(settings.logs_dir, command=[sys.executable, str(FAKE_WORKER)])
    with TestClient(create_app(settings, analyser=analyser)) as client:
        assert wait_done(client, upload(client, small_video)["id"])["status"] == "done"
        monkeypatch.setenv("FAKE_WORKER_MODE", "error")
        body = wait_done(client, upload(client, small_video, athlete_name="Ana")["id"])
        assert body["error"]["code"] == "no_runner" and body["error"]["advice"] == "Film the whole body."
        monkeypatch.setenv("FAKE_WORKER_MODE", "crash")
        crashed = upload(client, small_video)["id"]
        body = wait_done(client, crashed)
        assert body["error"]["code"] == "internal_error"
    assert "the fake worker crashed" in (settings.logs_dir / f"{crashed}.log").read_text()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(data_dir: Path, port: int, env: dict[str, str]) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fixtures" / "web_server.py"), str(data_dir),
                             str(port)], cwd=ROOT, env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/me", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
        assert proc.poll() is None, proc.stderr.read().decode()
    raise AssertionError("the server did not start")


def _wait_status(base: str, analysis_id: str, statuses: tuple[str, ...], timeout_s: float = 30,
                 stage: str | None = None) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        body = httpx.get(f"{base}/api/analyses/{analysis_id}", timeout=5).json()
        if body["status"] in statuses and stage in (None, body["stage"]):
            return body
        time.sleep(0.1)
    raise AssertionError(f"{analysis_id} stayed {body['status']}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("how", ["kill", "terminate"])
def test_restart_a_real_server_during_a_job(tmp_path, result_template, small_video, how):
    """Stop the server (SIGKILL: a crash; SIGTERM: Ctrl+C / systemd) while a job runs, start it again: the job
    ends correctly, its upload is kept, the orphaned worker stops by itself."""
    data_dir, port, release = tmp_path / "data", _free_port(), tmp_path / "release"
    env = {"FAKE_WORKER_TEMPLATE": str(result_template), "FAKE_WORKER_RELEASE": str(release)}
    base = f"http://127.0.0.1:{port}"
    server = _start_server(data_dir, port, env)
    try:
        with small_video.open("rb") as fh:
            r = httpx.post(f"{base}/api/analyses", files={"file": ("run.mp4", fh, "video/mp4")}, timeout=10)
        analysis_id = r.json()["id"]
        running = _wait_status(base, analysis_id, ("running",), stage="pose")
        assert 0.02 <= running["progress"] < 0.7
        pid_files = []
        deadline = time.monotonic() + 10
        while not pid_files and time.monotonic() < deadline:
            pid_files = list((data_dir / "results").glob(".pid-*"))
            time.sleep(0.05)
        worker_pid = int(pid_files[0].read_text())
        server.send_signal(signal.SIGKILL if how == "kill" else signal.SIGTERM)
        server.wait(timeout=30)
        deadline = time.monotonic() + 10
        while _pid_alive(worker_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _pid_alive(worker_pid), "the worker outlived its server"
        release.write_text("go")
        server = _start_server(data_dir, port, env)
        body = _wait_status(base, analysis_id, ("done", "failed"))
        assert body["status"] == "done", body["error"]
        assert body["analysis"]["verdict"]["label"] in ("neutral", "hips_back", "hips_forward")
        assert httpx.get(f"{base}/analyses/{analysis_id}/files/mp4", timeout=5).status_code == 200
        assert (data_dir / "uploads" / f"{analysis_id}.mp4").is_file()
    finally:
        server.terminate()
        server.wait(timeout=30)
