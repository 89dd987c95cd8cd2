"""Security review checks of issue #8 not covered by tests/web/test_web_security.py: stored XSS and SQL
injection through names and notes, hostile upload names in downloads, security headers on error answers,
a forged session cookie. See docs/security.md."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from stridelens.web import Settings, create_app
from tests.fixtures.web_app import FakeAnalyser, make_result_template, upload, wait_done


@pytest.fixture(scope="module")
def analyser(tmp_path_factory) -> FakeAnalyser:
    return FakeAnalyser(make_result_template(tmp_path_factory.mktemp("template")))


@pytest.fixture
def client(tmp_path, analyser) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", secret_key="test-secret", max_upload_mb=5)
    with TestClient(create_app(settings, analyser=analyser)) as c:
        yield c


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQLI = "Robert'); DROP TABLE analyses;--"


@pytest.mark.parametrize("hostile", [XSS, SQLI, "../../etc/passwd", "ü走る \"quoted\" 'x'"])
def test_hostile_names_and_notes_are_stored_literally_and_shown_escaped(client, small_video, hostile):
    with small_video.open("rb") as fh:
        r = client.post("/api/analyses", files={"file": (f"{hostile}.mp4", fh, "video/mp4")},
                        data={"athlete_name": hostile, "notes": hostile})
    assert r.status_code == 202, r.text
    aid = r.json()["id"]
    body = wait_done(client, aid)
    assert body["status"] == "done"
    assert "/" not in body["original_filename"], "only the base name is kept, for display"
    for page in (f"/analyses/{aid}", "/athletes"):
        html = client.get(page).text
        assert "<script>alert" not in html and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    athletes = client.get("/api/athletes").json()
    names = [a["name"] for a in (athletes if isinstance(athletes, list) else athletes.get("athletes", []))]
    assert " ".join(hostile.split())[:120] in names, "stored literally (parameterised queries)"
    assert len(client.get("/api/analyses").json()) >= 1, "the analyses table is still there"


def test_downloads_never_carry_the_users_file_name_raw(client, small_video):
    aid = upload(client, small_video)["id"]
    wait_done(client, aid)
    r = client.get(f"/analyses/{aid}/files/json?download=1")
    assert r.status_code == 200
    disposition = r.headers.get("content-disposition", "")
    assert "\r" not in disposition and "\n" not in disposition and "../" not in disposition


@pytest.mark.parametrize("path", ["/analyses/nope", "/api/analyses/nope", "/analyses/nope/files/../../secret.key"])
def test_security_headers_on_error_answers(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    assert "default-src" in r.headers["content-security-policy"]
    assert "secret" not in r.text.lower() or "secret.key" not in r.text


def test_refused_upload_answers_carry_security_headers(client, tmp_path):
    f = tmp_path / "x.mp4"
    f.write_bytes(b"not a video" * 10)
    with f.open("rb") as fh:
        r = client.post("/api/analyses", files={"file": ("x.mp4", fh, "video/mp4")})
    assert r.status_code == 422 and r.headers["x-frame-options"] == "DENY"


def test_a_forged_session_cookie_is_not_a_login(tmp_path, analyser):
    settings = Settings(data_dir=tmp_path / "data", auth=True, secret_key="test-secret")
    with TestClient(create_app(settings, analyser=analyser)) as client:
        client.cookies.set("session", "eyJ1c2VyX2lkIjogIjEifQ==.forged.signature")
        assert client.get("/api/analyses").status_code == 401
        assert client.get("/api/me").status_code in (200, 401)
