"""Fuzzing with mutated real clips (fixed seed, bounded count): the decoding entry point (`probe_video` +
`iter_frames`, in a child process so that a hard crash shows) and the upload endpoint with the analysis
behind it. Every case must end as a decoded video or a clear `StridelensError`; none may crash."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stridelens.web import Settings, create_app
from tests.conftest import ROOT
from tests.fixtures.fuzz import mutated_files
from tests.fixtures.hostile import blank_video
from tests.fixtures.media import make_video, set_mp4_rotation
from tests.fixtures.web_app import wait_done

DECODER_CASES = 200
UPLOAD_CASES = 50


@pytest.fixture(scope="module")
def seed_clips(tmp_path_factory) -> Path:
    """Small real clips of the kinds phones make: H.264 MP4, rotated, variable frame rate, MKV."""
    folder = tmp_path_factory.mktemp("seeds")
    make_video(folder / "a.mp4", frames=12, width=96, height=64)
    set_mp4_rotation(make_video(folder / "b.mp4", frames=12, width=96, height=64, seed=1), 90)
    blank_video(folder / "c.mp4", width=96, height=64, fps=30, seconds=0.4, pts_step=lambda i: 10 if i % 2 else 20)
    make_video(folder / "d.mkv", frames=12, width=96, height=64, seed=2)
    return folder


def test_decoder_survives_mutated_clips(seed_clips, tmp_path, record_property):
    for clip in seed_clips.iterdir():
        if clip.is_file():
            (tmp_path / clip.name).write_bytes(clip.read_bytes())
    proc = subprocess.run([sys.executable, "-m", "tests.fixtures.fuzz", str(tmp_path), str(DECODER_CASES), "8"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    done = [r for r in results if "start" not in r]
    last = results[-1] if results else {}
    assert proc.returncode == 0, f"the decoder process died ({proc.returncode}) on {last}: {proc.stderr[-2000:]}"
    crashes = [r for r in done if "crash" in r]
    assert not crashes, crashes[0]["traceback"]
    assert len(done) == DECODER_CASES
    assert all(r["advice"] for r in done if "input_error" in r), "every refusal says what to do"
    counts = {"decoded": sum("ok" in r for r in done), "refused": sum("input_error" in r for r in done)}
    record_property("fuzz_decoder", json.dumps({"tried": len(done), **counts, "crashes": 0}))


class DecodingAnalyser:
    """The web job with the real decoding and the real pipeline behind it, and a pose model that sees no one
    (the real model never runs): a mutated upload ends in a clear error, never an internal one."""

    def __call__(self, job, progress) -> None:
        import stridelens
        from tests.fixtures.hostile import FakePeople, FakeTrackEstimator

        stridelens.analyze(job.video_path, estimator=FakeTrackEstimator(None, 1, 1), people=FakePeople(),
                           progress=progress)

    def stop(self) -> None:
        pass


def test_upload_endpoint_survives_mutated_clips(seed_clips, tmp_path, record_property):
    settings = Settings(data_dir=tmp_path / "data", secret_key="test-secret", max_upload_mb=5)
    seeds = sorted(p for p in seed_clips.iterdir() if p.is_file())
    statuses: dict[int, int] = {}
    outcomes: dict[str, int] = {}
    with TestClient(create_app(settings, analyser=DecodingAnalyser())) as client:
        for kind, path in mutated_files(seeds, tmp_path / "mutated", UPLOAD_CASES, seed=9):
            with path.open("rb") as fh:
                r = client.post("/api/analyses", files={"file": (f"../{kind}.mp4", fh, "video/mp4")})
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            assert r.status_code in (202, 413, 422), (kind, r.status_code, r.text)
            if r.status_code != 202:
                body = r.json()
                assert body["message"] and body["advice"] and str(settings.data_dir) not in body["message"]
                continue
            job = wait_done(client, r.json()["id"])
            assert job["status"] == "failed", "nobody is in view: the job fails with a reason"
            assert job["error"]["code"] != "internal_error", (kind, job["error"])
            assert job["error"]["advice"]
            outcomes[job["error"]["code"]] = outcomes.get(job["error"]["code"], 0) + 1
            page = client.get(f"/analyses/{r.json()['id']}")
            assert page.status_code == 200 and "Traceback" not in page.text
        assert client.get("/api/analyses").status_code == 200, "the server still answers"
    assert sum(statuses.values()) == UPLOAD_CASES
    record_property("fuzz_upload", json.dumps({"tried": UPLOAD_CASES, "statuses": statuses, "jobs": outcomes}))
