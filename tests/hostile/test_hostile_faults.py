"""Faults: the worker killed (SIGKILL) mid-analysis, the disk full while writing outputs, the database
(PostgreSQL) restarted during a job. Each ends in a clear state the user can see; no result is lost."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import stridelens.report.files
from stridelens.cli.main import main
from stridelens.errors import OutputWriteError
from stridelens.report import write_outputs
from stridelens.synthetic import hips_back_runner
from stridelens.web import Settings, create_app
from stridelens.web.jobs import SubprocessAnalyser
from tests.conftest import ROOT
from tests.fixtures.media import make_video
from tests.fixtures.report_clips import small_spec, synthetic_analysis
from tests.fixtures.web_app import FakeAnalyser, upload, wait_done

FAKE_WORKER = ROOT / "tests" / "fixtures" / "fake_worker.py"


def _worker_pid(results_dir: Path, timeout_s: float = 20.0) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = list(results_dir.glob(".pid-*"))
        if found and found[0].read_text():
            return int(found[0].read_text())
        time.sleep(0.05)
    raise AssertionError("the worker did not start")


def test_worker_killed_mid_analysis_fails_the_job_clearly_and_the_next_one_runs(
        tmp_path, result_template, small_video, monkeypatch):
    release = tmp_path / "release"
    monkeypatch.setenv("FAKE_WORKER_TEMPLATE", str(result_template))
    monkeypatch.setenv("FAKE_WORKER_RELEASE", str(release))
    settings = Settings(data_dir=tmp_path / "data", secret_key="test-secret", max_upload_mb=5)
    analyser = SubprocessAnalyser(settings.logs_dir, command=[sys.executable, str(FAKE_WORKER)])
    with TestClient(create_app(settings, analyser=analyser)) as client:
        first = upload(client, small_video)["id"]
        pid = _worker_pid(settings.results_dir)
        os.kill(pid, signal.SIGKILL)
        job = wait_done(client, first)
        assert job["status"] == "failed" and job["error"]["code"] == "worker_killed", job
        assert "signal 9" in job["error"]["message"] and job["error"]["advice"]
        page = client.get(f"/analyses/{first}")
        assert "stopped from outside" in page.text and "Traceback" not in page.text
        assert not (settings.results_dir / first).exists(), "no partial result is shown as a result"
        assert (settings.uploads_dir / f"{first}.mp4").is_file(), "the upload is kept"
        release.write_text("go")
        second = upload(client, small_video)["id"]
        assert wait_done(client, second)["status"] == "done", "the next job runs in a fresh worker"


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    return synthetic_analysis(tmp_path_factory.mktemp("a"), small_spec(hips_back_runner))


def _disk_full_after(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Simulate a full disk: writing `name` (a writer of report.files) fails with ENOSPC half-way."""
    real = getattr(stridelens.report.files, name)

    def full(*args, **kwargs):
        real(*args, **kwargs)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(stridelens.report.files, name, full)


@pytest.mark.parametrize("writer", ["write_json", "write_steps_csv", "write_keypoints_parquet"])
def test_disk_full_while_replacing_keeps_the_earlier_result(analysis, tmp_path, monkeypatch, writer):
    out = write_outputs(analysis, tmp_path / "result", video=False)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    _disk_full_after(monkeypatch, writer)
    with pytest.raises(OutputWriteError, match="No space left") as exc:
        write_outputs(analysis, out, overwrite=True, video=False)
    assert "intact" in exc.value.message and exc.value.advice
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before, "earlier results intact"
    assert [p.name for p in tmp_path.iterdir()] == ["result"], "no partial folder left behind"


def test_disk_full_through_the_cli_is_a_clear_error(analysis, tmp_path, monkeypatch, capsys):
    import stridelens.pipeline

    video = make_video(tmp_path / "run.mp4", frames=3)
    earlier = tmp_path / "out"
    write_outputs(analysis, earlier, video=False)
    before = (earlier / "analysis.json").read_bytes()
    monkeypatch.setattr(stridelens.pipeline, "analyze", lambda *a, **k: analysis)
    _disk_full_after(monkeypatch, "write_steps_csv")
    code = main(["analyze", str(video), "--out", str(earlier), "--overwrite", "--no-video", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "No space left" in err and "what to do:" in err
    assert (earlier / "analysis.json").read_bytes() == before


# ------------------------------------------------------------------------------- database restart


def _pg_ctl(folder: Path, action: str, url: str) -> None:
    """Stop, start or restart the test's own server (on its port, as .ci/postgres.sh started it)."""
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    pg_ctl = str(pgbin[-1] / "pg_ctl") if pgbin else shutil.which("pg_ctl")
    port = url.rsplit(":", 1)[1].split("/")[0]
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    # -l: the server logs to a file, not to our pipe (which would then never close)
    command = (f"{pg_ctl} -D '{folder / 'data'}' -l '{folder / 'server.log'}' -m fast -w -t 60 "
               f"-o '{options}' {action}")
    argv = ["su", "postgres", "-s", "/bin/sh", "-c", command] if os.getuid() == 0 else ["sh", "-c", command]
    subprocess.run(argv, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=90)


@pytest.fixture
def own_postgres():
    """A throw-away PostgreSQL server of this test's own (it is restarted, so not the shared one)."""
    if not (Path("/usr/lib/postgresql").is_dir() or shutil.which("pg_ctl")):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed in CI")
        pytest.skip("PostgreSQL is not installed")
    folder = Path(tempfile.mkdtemp(prefix="stridelens-test-pg-"))  # like .ci/run: the server's user can enter it
    script = ROOT / ".ci" / "postgres.sh"
    proc = subprocess.run(["bash", str(script), "start", str(folder)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"could not start PostgreSQL: {proc.stderr[-500:]}")
    try:
        yield folder, proc.stdout.strip()
    finally:
        subprocess.run(["bash", str(script), "stop", str(folder)], capture_output=True, timeout=90)
        _stop_for_sure(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _stop_for_sure(folder: Path) -> None:
    """If the server this test started still runs (a stop raced with its restart), end it by its own pid."""
    pid_file = folder / "data" / "postmaster.pid"
    if not pid_file.is_file():
        return
    pid = int(pid_file.read_text().split()[0])
    try:
        os.kill(pid, signal.SIGQUIT)  # PostgreSQL's immediate shutdown
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and pid_file.exists():
        time.sleep(0.1)


def test_database_restart_during_a_job(own_postgres, tmp_path, result_template, small_video):
    folder, url = own_postgres
    gate = threading.Event()
    analyser = FakeAnalyser(result_template, gate=gate)
    settings = Settings(data_dir=tmp_path / "data", secret_key="test-secret", max_upload_mb=5, database_url=url)
    with TestClient(create_app(settings, analyser=analyser)) as client:
        first = upload(client, small_video)["id"]
        assert analyser.running.wait(20)
        _pg_ctl(folder, "restart", url)  # every pooled connection is now dead
        gate.set()
        job = wait_done(client, first, timeout_s=60)
        assert job["status"] == "done", job
        second = upload(client, small_video)["id"]
        assert wait_done(client, second)["status"] == "done"
        ids = {a["id"] for a in client.get("/api/analyses").json()} if isinstance(
            client.get("/api/analyses").json(), list) else None
        assert ids is None or {first, second} <= ids


def test_database_down_when_the_job_reports_fails_soft_and_recovers(own_postgres, tmp_path, result_template,
                                                                    small_video):
    """The database is away exactly when the job reports its progress and its end: after the database is
    back, the job is done (or queued again) and its result is not lost."""
    folder, url = own_postgres
    gate = threading.Event()
    analyser = FakeAnalyser(result_template, gate=gate)
    settings = Settings(data_dir=tmp_path / "data", secret_key="test-secret", max_upload_mb=5, database_url=url)
    with TestClient(create_app(settings, analyser=analyser)) as client:
        first = upload(client, small_video)["id"]
        assert analyser.running.wait(20)
        _pg_ctl(folder, "stop", url)
        gate.set()
        time.sleep(1.0)  # the job finishes its work while the database is down
        _pg_ctl(folder, "start", url)
        job = wait_done(client, first, timeout_s=60)
    assert job["status"] == "done", json.dumps(job)[:500]


