"""The HTML pages through TestClient (fast; the browser tests drive the same pages in chromium)."""

from __future__ import annotations

import re
import threading

from fastapi.testclient import TestClient

from stridelens.web import create_app
from tests.fixtures.web_app import TEST_SDD, FakeAnalyser, shift_metrics, upload, wait_done, with_sdd


def test_upload_page_has_the_form_and_links_the_filming_advice(client):
    html = client.get("/").text
    for name in ("file", "athlete_id", "athlete_name", "height_cm", "treadmill_speed_kmh", "fps", "notes",
                 "csrf_token"):
        assert f'name="{name}"' in html, name
    assert 'enctype="multipart/form-data"' in html and 'href="/filming"' in html


def test_job_page_shows_the_stages_while_running(settings, result_template, small_video):
    gate = threading.Event()
    analyser = FakeAnalyser(result_template, gate=gate)
    with TestClient(create_app(settings, analyser=analyser)) as client:
        analysis_id = upload(client, small_video)["id"]
        assert analyser.running.wait(5)
        html = client.get(f"/analyses/{analysis_id}").text
        gate.set()
        wait_done(client, analysis_id)
        report = client.get(f"/analyses/{analysis_id}").text
    assert 'data-status="running"' in html and 'data-stage="pose"' in html
    for label in ("Reading the video", "Finding the runner", "Foot contacts", "Measuring", "Writing the report"):
        assert label in html
    assert 'id="verdict-headline"' in report and 'id="job"' not in report


def test_report_page_has_verdict_video_plots_steps_frames_drills_downloads(client, small_video):
    body = wait_done(client, upload(client, small_video, athlete_name="Ana")["id"])
    html = client.get(f"/analyses/{body['id']}").text
    data = body["analysis"]
    assert "Hips sitting back" in html  # the synthetic runner's verdict, in plain words
    assert f'src="/analyses/{body["id"]}/files/mp4"' in html
    seeks = re.findall(r'class="step-row[^"]*" data-seek="([0-9.]+)"', html)
    assert len(seeks) == len(data["steps"]) and all(float(s) >= 0 for s in seeks)
    assert html.count(f'<img src="/analyses/{body["id"]}/frames/') == 4
    for key in ("json", "csv", "html", "mp4"):
        assert f'data-download="{key}"' in html
    assert 'id="plot-data"' in html and data["coaching"]["drills"][0]["name"] in html


def test_report_repeats_the_filming_advice_of_a_failed_quality_check(settings, result_template, small_video):
    def warn(d):
        d["quality"].append({"key": "camera_still", "status": "warn", "message": "The camera moves.",
                             "value": 12.0, "advice": "Use a tripod; pass --fps 240 for slow motion."})
        return d

    with TestClient(create_app(settings, analyser=FakeAnalyser(result_template, tweak=warn))) as client:
        html = client.get(f"/analyses/{wait_done(client, upload(client, small_video)['id'])['id']}").text
    advice = html[html.index('id="capture-advice"'):]
    assert "The camera moves." in advice and "Phone on a tripod, not in a hand" in advice
    assert 'href="/filming#tripod"' in advice and "--fps" not in advice


def test_athlete_page_and_comparison(settings, result_template, small_video):
    calls = {"n": 0}

    def later(d):
        calls["n"] += 1
        d = with_sdd(d, TEST_SDD)
        if calls["n"] == 1:
            return d
        # the second film from the other side of the treadmill
        d["setting"]["direction"] = {"left_to_right": "right_to_left"}.get(d["setting"]["direction"], "left_to_right")
        return shift_metrics(d, {"cadence_spm": 10.0, "hip_offset_pct": 0.4})

    with TestClient(create_app(settings, analyser=FakeAnalyser(result_template, tweak=later))) as client:
        a = wait_done(client, upload(client, small_video, athlete_name="Ana", notes="before")["id"])
        b = wait_done(client, upload(client, small_video, athlete_id=a["athlete_id"], notes="after")["id"])
        athlete = client.get(f"/athletes/{a['athlete_id']}").text
        compare = client.get(f"/athletes/{a['athlete_id']}/compare", params={"a": b["id"], "b": a["id"]}).text
        no_js = client.get(f"/athletes/{a['athlete_id']}/compare?pick={a['id']}&pick={b['id']}")
        athletes = client.get("/athletes").text
        missing = client.get(f"/athletes/{a['athlete_id']}/compare", params={"a": a["id"], "b": "nope"})
    assert athlete.count('name="pick"') == 2 and 'id="trend-data"' in athlete and "before" in athlete
    assert "No measurable change" in compare and ("Better" in compare or "Worse" in compare)
    assert compare.index("before") < compare.index("after")  # ordered by date whatever the query order
    assert 'id="compare-caveats"' in compare and "facing opposite ways" in compare
    assert no_js.status_code == 200
    assert "Ana" in athletes and missing.status_code == 404 and "text/html" in missing.headers["content-type"]


def test_sessions_of_an_older_analysis_method_are_flagged(settings, result_template, small_video):
    """A film analysed before the floor-line change reads trunk lean about 2 deg higher: the athlete's trends
    and the comparison say so instead of showing it as the runner's change."""
    calls = {"n": 0}

    def first_one_old(d):
        calls["n"] += 1
        if calls["n"] == 1:
            d.pop("analysis_method", None)  # a file from before analysis.json 1.2
        return with_sdd(d, TEST_SDD)

    with TestClient(create_app(settings, analyser=FakeAnalyser(result_template, tweak=first_one_old))) as client:
        a = wait_done(client, upload(client, small_video, athlete_name="Ana")["id"])
        b = wait_done(client, upload(client, small_video, athlete_id=a["athlete_id"])["id"])
        athlete = client.get(f"/athletes/{a['athlete_id']}").text
        compare = client.get(f"/athletes/{a['athlete_id']}/compare", params={"a": a["id"], "b": b["id"]}).text
        api = client.get(f"/api/athletes/{a['athlete_id']}/compare", params={"a": a["id"], "b": b["id"]}).json()
    flagged = athlete[athlete.index('id="athlete-caveats"'):athlete.index('id="trends"')]
    assert "1 of these 2 sessions" in flagged and " was analysed by an older version of the analysis" in flagged
    assert "different versions of the analysis" in compare[compare.index('id="compare-caveats"'):]
    assert any("an older method and the " in c for c in api["caveats"])


def test_filming_page_tips_and_examples(client):
    html = client.get("/filming").text
    for anchor in ("tripod", "hip-height", "side", "distance", "strides", "fps", "light", "alone"):
        assert f'id="{anchor}"' in html
    assert "/static/filming-good.jpg" in html and "/static/filming-bad.jpg" in html
    assert client.get("/static/filming-bad.jpg").headers["content-type"] == "image/jpeg"


def test_unknown_pages_get_a_friendly_404(client):
    r = client.get("/analyses/does-not-exist")
    assert r.status_code == 404 and "Not found" in r.text and "text/html" in r.headers["content-type"]
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/api/analyses/nope").json()["error"] == "not_found"


def test_create_an_athlete_from_the_athletes_page(client):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/athletes").text).group(1)
    r = client.post("/athletes", data={"name": "Zoë", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert "Zoë" in client.get(r.headers["location"]).text
