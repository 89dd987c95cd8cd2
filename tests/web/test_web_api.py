"""The JSON API through TestClient with a fake analyser: upload, status, analysis.json, athletes, compare."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from stridelens.web import Settings, create_app
from tests.fixtures.web_app import (
    TEST_SDD,
    FakeAnalyser,
    database,
    shift_metrics,
    upload,
    wait_done,
    with_sdd,
)


def test_upload_returns_an_id_and_the_job_finishes_with_analysis_json(client, small_video, result_template):
    created = upload(client, small_video, athlete_name="Ana", height_cm="171", treadmill_speed_kmh="11.5",
                     fps="120", notes="after drills")
    assert set(created) == {"id", "status", "url"} and created["status"] == "queued"
    body = wait_done(client, created["id"])
    assert body["status"] == "done" and body["progress"] == 1.0 and body["error"] is None
    assert body["analysis"] == json.loads((result_template / "analysis.json").read_text())
    assert body["original_filename"] == "clip.mp4" and body["notes"] == "after drills"
    assert {"json", "csv", "html", "mp4", "frame_typical_landing"} <= set(body["links"])


def test_options_reach_the_analyser(client, analyser, small_video):
    created = upload(client, small_video, athlete_name="Ana", height_cm="171", treadmill_speed_kmh="11.5",
                     fps="120")
    wait_done(client, created["id"])
    job = analyser.calls[-1]
    assert job.options == {"height_cm": 171.0, "treadmill_speed_kmh": 11.5, "fps_override": 120.0}
    # the stored file has a generated name in the data folder's uploads, never the user's name
    assert job.video_path.parent.name == "uploads" and job.video_path.name == f"{created['id']}.mp4"


def test_status_while_queued_and_running(settings, result_template, small_video):
    import threading

    gate = threading.Event()
    analyser = FakeAnalyser(result_template, gate=gate)
    with TestClient(create_app(settings, analyser=analyser)) as client:
        created = upload(client, small_video)
        assert analyser.running.wait(5)
        body = client.get(f"/api/analyses/{created['id']}").json()
        assert body["status"] == "running" and body["stage"] == "pose"
        assert body["progress"] == pytest.approx(0.70) and body["analysis"] is None and body["links"] == {}
        second = client.get(f"/api/analyses/{upload(client, small_video)['id']}").json()
        assert second["status"] == "queued"  # one job at a time by default
        gate.set()
        assert wait_done(client, created["id"])["status"] == "done"
        assert wait_done(client, second["id"])["status"] == "done"


def test_default_athlete_is_created_once(client, small_video):
    first = wait_done(client, upload(client, small_video)["id"])
    second = wait_done(client, upload(client, small_video)["id"])
    assert first["athlete_id"] == second["athlete_id"]
    assert [a["name"] for a in client.get("/api/athletes").json()] == ["Me"]


def test_athletes_api(client, small_video):
    r = client.post("/api/athletes", json={"name": "Bea", "height_cm": 165})
    assert r.status_code == 201
    athlete = r.json()
    created = upload(client, small_video, athlete_id=athlete["id"])
    assert wait_done(client, created["id"])["athlete_id"] == athlete["id"]
    listed = {a["name"]: a for a in client.get("/api/athletes").json()}
    assert listed["Bea"]["sessions"] == 1
    assert [a["id"] for a in client.get("/api/analyses", params={"athlete_id": athlete["id"]}).json()] == \
        [created["id"]]


def test_failed_job_reports_message_and_web_advice(settings, result_template, small_video):
    from tests.fixtures.web_app import UserFixableError

    analyser = FakeAnalyser(result_template, error=UserFixableError(
        "Only 3 steps.", "Film 10+ strides, or pass --fps 240 for slow motion."))
    with TestClient(create_app(settings, analyser=analyser)) as client:
        body = wait_done(client, upload(client, small_video)["id"])
    assert body["status"] == "failed" and body["analysis"] is None
    assert body["error"]["code"] == "too_few_steps" and body["error"]["message"] == "Only 3 steps."
    assert "--fps" not in body["error"]["advice"] and "'Slow-motion frame rate' field" in body["error"]["advice"]


def test_a_bug_in_the_analysis_fails_the_job_without_details(settings, result_template, small_video):
    analyser = FakeAnalyser(result_template, error=RuntimeError("secret internal path /srv/x"))
    with TestClient(create_app(settings, analyser=analyser)) as client:
        body = wait_done(client, upload(client, small_video)["id"])
    assert body["status"] == "failed" and body["error"]["code"] == "internal_error"
    assert "/srv/x" not in json.dumps(body)


def test_an_incomplete_result_is_never_done(settings, result_template, small_video, tmp_path):
    import shutil

    partial = tmp_path / "partial"
    shutil.copytree(result_template, partial)
    (partial / "annotated.mp4").unlink()
    with TestClient(create_app(settings, analyser=FakeAnalyser(partial))) as client:
        created = upload(client, small_video)
        body = wait_done(client, created["id"])
        assert body["status"] == "failed" and body["links"] == {}
        assert client.get(f"/analyses/{created['id']}/files/json").status_code == 404
    assert not (settings.results_dir / created["id"]).exists()


def test_compare_api_uses_the_smallest_detectable_difference(settings, result_template, small_video):
    later = {"cadence_spm": 12.0, "hip_offset_pct": 0.3}
    analysers = iter([FakeAnalyser(result_template, tweak=lambda d: with_sdd(d, TEST_SDD)),
                      FakeAnalyser(result_template, tweak=lambda d: with_sdd(shift_metrics(d, later), TEST_SDD))])
    first_fake = next(analysers)
    second_fake = next(analysers)

    class Two:
        def __init__(self):
            self.n = 0

        def __call__(self, job, progress):
            self.n += 1
            (first_fake if self.n == 1 else second_fake)(job, progress)

        def stop(self):
            pass

    with TestClient(create_app(settings, analyser=Two())) as client:
        a = wait_done(client, upload(client, small_video, athlete_name="Ana")["id"])
        b = wait_done(client, upload(client, small_video, athlete_id=a["athlete_id"])["id"])
        r = client.get(f"/api/athletes/{a['athlete_id']}/compare", params={"a": a["id"], "b": b["id"]})
    assert r.status_code == 200
    metrics = {m["key"]: m for m in r.json()["metrics"]}
    assert metrics["cadence_spm"]["measurable"] and metrics["cadence_spm"]["change"] == pytest.approx(12.0)
    assert metrics["hip_offset_pct"]["verdict"] == "no measurable change"
    assert metrics["trunk_lean_deg"]["verdict"] == "no measurable change"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_whole_api_flow_on_each_database(kind, tmp_path, result_template, small_video):
    with database(kind, tmp_path) as url:
        settings = Settings(data_dir=tmp_path / "data", database_url=url, secret_key="k")
        with TestClient(create_app(settings, analyser=FakeAnalyser(result_template))) as client:
            body = wait_done(client, upload(client, small_video, athlete_name="Ana")["id"])
            assert body["status"] == "done" and body["analysis"]["verdict"]["label"]
            assert client.get(f"/athletes/{body['athlete_id']}").status_code == 200


def test_openapi_documents_the_upload(client):
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/analyses"]["post"]
    props = post["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert {"file", "athlete_id", "athlete_name", "height_cm", "treadmill_speed_kmh", "fps", "notes"} <= set(props)
    assert "/api/analyses/{analysis_id}" in spec["paths"]
    page = client.get("/docs")
    assert page.status_code == 200 and "/api/analyses" in page.text and "multipart/form-data" in page.text


def test_server_sent_events_end_with_the_final_state(client, small_video):
    created = upload(client, small_video)
    wait_done(client, created["id"])
    with client.stream("GET", f"/api/analyses/{created['id']}/events") as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        text = "".join(r.iter_text())
    assert "event: progress" in text and '"status": "done"' in text
