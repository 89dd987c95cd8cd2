"""`stridelens batch`: exit codes, summary text, and interrupt-then-resume in a real subprocess."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from batch_clips import make_squad

from stridelens.batch.storage import DONE_MARKER
from stridelens.cli.main import main


def test_cli_batch_reports_failures_with_exit_1(squad: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    code = main(["batch", str(squad), "--out", str(out), "--workers", "1", "--no-video", "--quiet"])
    assert code == 1 and (out / "summary.csv").exists()
    code = main(["batch", str(squad), "--out", str(out), "--workers", "1", "--no-video"])
    text = capsys.readouterr().out
    assert code == 1 and "3 analysed (3 from an earlier run), 1 failed" in text and "broken.mp4" in text


def test_cli_batch_user_errors_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["batch", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 2
    (tmp_path / "empty").mkdir()
    assert main(["batch", str(tmp_path / "empty"), "--out", str(tmp_path / "o")]) == 2
    assert main(["batch", str(tmp_path / "empty"), "--out", str(tmp_path / "o"), "--workers", "0"]) == 2
    assert "what to do" in capsys.readouterr().err


def test_interrupt_then_resume(tmp_path: Path) -> None:
    """Ctrl-C a running batch; the next run keeps what finished and completes the rest."""
    squad = make_squad(tmp_path / "squad", n_extra=8)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "stridelens", "batch", str(squad), "--out", str(out), "--workers", "1",
           "--no-video", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ})
    deadline = time.monotonic() + 120
    while not list(out.glob(f"*/{DONE_MARKER}")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    finished = {p.parent.name for p in out.glob(f"*/{DONE_MARKER}")}
    assert finished, err.decode()
    if proc.returncode == 130:
        assert b"run the same command again to resume" in err
        assert len(finished) < 11
    done = subprocess.run([*cmd[:-1]], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr  # the corrupt file fails again; everything else is done
    assert f"({len(finished)} from an earlier run)" in done.stdout
    with (out / "summary.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12 and sum(r["status"] == "ok" for r in rows) == 11
