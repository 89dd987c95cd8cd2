"""Upload limits and probing: size (streamed, stopped early), duration, resolution, content not extension;
options out of range; generated file names; nothing left behind by a refused upload."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from stridelens.web import Settings, create_app
from tests.fixtures.media import make_audio_only, make_png, make_video


def _post(client: TestClient, path, name: str = "run.mp4", content_type: str = "video/mp4", **fields: str):
    with path.open("rb") as fh:
        return client.post("/api/analyses", files={"file": (name, fh, content_type)}, data=fields)


def _leftovers(settings: Settings) -> list[str]:
    return sorted(p.name for p in settings.uploads_dir.iterdir())


def test_an_image_named_mp4_is_refused_by_its_content(client, settings, tmp_path):
    r = _post(client, make_png(tmp_path / "photo.png"), name="holiday.mp4")
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "upload_rejected" and body["advice"]
    assert body["message"] == "holiday.mp4: is a picture, not a video (PNG image, whatever its name says)."
    assert str(settings.data_dir) not in body["message"]  # no server paths in messages
    assert _leftovers(settings) == []


def test_audio_only_is_refused(client, settings, tmp_path):
    r = _post(client, make_audio_only(tmp_path / "a.m4a"))
    assert r.status_code == 422 and "no video stream" in r.json()["message"]


def test_a_video_with_a_misleading_name_and_type_is_accepted(client, small_video):
    r = _post(client, small_video, name="notes.txt", content_type="text/plain")
    assert r.status_code == 202


def test_size_limit_stops_the_stream(tmp_path, analyser):
    settings = Settings(data_dir=tmp_path / "d", secret_key="k", max_upload_mb=0.01)  # ~10 kB
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\0" * 200_000)
    with TestClient(create_app(settings, analyser=analyser)) as client:
        r = _post(client, big)
        assert r.status_code == 413 and r.json()["error"] == "upload_too_large"
        assert _leftovers(settings) == []


def test_duration_limit(tmp_path, analyser):
    settings = Settings(data_dir=tmp_path / "d", secret_key="k", max_duration_s=0.5)
    with TestClient(create_app(settings, analyser=analyser)) as client:
        r = _post(client, make_video(tmp_path / "long.mp4", frames=30, fps=30))
        assert r.status_code == 422 and "longer than this server accepts" in r.json()["message"]
        assert _leftovers(settings) == []


def test_resolution_limit(tmp_path, analyser):
    settings = Settings(data_dir=tmp_path / "d", secret_key="k", max_long_side_px=100, max_short_side_px=80)
    with TestClient(create_app(settings, analyser=analyser)) as client:
        r = _post(client, make_video(tmp_path / "v.mp4", frames=5))
        assert r.status_code == 422 and "160x120" in r.json()["message"]


@pytest.mark.parametrize(("field", "value", "words"), [("height_cm", "12", "out of range"),
                                                        ("treadmill_speed_kmh", "fast", "not a number"),
                                                        ("fps", "1e9", "out of range")])
def test_options_out_of_range(client, small_video, settings, field, value, words):
    r = _post(client, small_video, **{field: value})
    assert r.status_code == 422 and words in r.json()["message"]
    assert _leftovers(settings) == []


def test_no_file_and_not_a_form(client):
    r = client.post("/api/analyses", data={"athlete_name": "x"}, files={"other": ("a.txt", b"hi", "text/plain")})
    assert r.status_code == 422 and "No video" in r.json()["message"]
    r = client.post("/api/analyses", json={"file": "x"})
    assert r.status_code == 422 and "multipart/form-data" in r.json()["message"]


def test_user_file_names_never_touch_the_file_system(client, small_video, settings):
    r = _post(client, small_video, name="../../../../etc/cron.d/evil.mp4")
    assert r.status_code == 202
    analysis_id = r.json()["id"]
    assert _leftovers(settings) == [f"{analysis_id}.mp4"]
    body = client.get(f"/api/analyses/{analysis_id}").json()
    assert body["original_filename"] == "evil.mp4"  # shown to the user, never used as a path


def test_unknown_file_keys_and_traversal_answer_404(client, small_video):
    from tests.fixtures.web_app import wait_done

    analysis_id = _post(client, small_video).json()["id"]
    wait_done(client, analysis_id)
    for path in (f"/analyses/{analysis_id}/files/report.html", f"/analyses/{analysis_id}/files/..%2f..%2fsecret.key",
                 f"/analyses/{analysis_id}/frames/..%2f..%2fanalysis.jpg", f"/analyses/{analysis_id}/files/%2e%2e"):
        assert client.get(path).status_code == 404, path
    r = client.get(f"/analyses/{analysis_id}/files/csv?download=1")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]


def test_video_supports_range_requests_for_seeking(client, small_video):
    from tests.fixtures.web_app import wait_done

    analysis_id = _post(client, small_video).json()["id"]
    wait_done(client, analysis_id)
    r = client.get(f"/analyses/{analysis_id}/files/mp4", headers={"Range": "bytes=0-99"})
    assert r.status_code == 206 and len(r.content) == 100 and r.headers["content-type"] == "video/mp4"


def test_html_form_without_javascript(client, small_video):
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)
    with small_video.open("rb") as fh:
        r = client.post("/upload", files={"file": ("run.mp4", fh, "video/mp4")},
                        data={"csrf_token": token, "athlete_id": "new", "athlete_name": "Dora"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/analyses/")
    with small_video.open("rb") as fh:
        r = client.post("/upload", files={"file": ("run.mp4", fh, "video/mp4")}, data={"csrf_token": "forged"})
    assert r.status_code == 403 and "text/html" in r.headers["content-type"]


def test_a_file_without_timestamps_needs_the_frame_rate_field(client, settings, tmp_path):
    from tests.fixtures.hostile import zero_timescale

    broken = zero_timescale(tmp_path)
    r = _post(client, broken, name="nofps.mp4")
    assert r.status_code == 422
    assert "no usable frame rate" in r.json()["message"] and "--fps" not in r.json()["advice"]
    assert _post(client, broken, name="nofps.mp4", fps="30").status_code == 202  # the form's rate times it
