"""--auth: accounts, Argon2, session cookies, CSRF, per-user isolation (guessing ids), login rate limiting;
and, in every mode, same-origin checks, security headers and the Host allow-list."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from stridelens.store import repo
from stridelens.web import Settings, create_app
from tests.fixtures.web_app import wait_done

PASSWORD = "correct horse battery"


@pytest.fixture
def auth_app(tmp_path, analyser):
    settings = Settings(data_dir=tmp_path / "data", auth=True, secret_key="test-secret", login_max_failures=3)
    app = create_app(settings, analyser=analyser)
    with TestClient(app):  # runs the lifespan once (migrations, runner) for every client below
        yield app


def _csrf(client: TestClient, path: str = "/login") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, "the form carries a CSRF token"
    return match.group(1)


def _signup(app, username: str) -> TestClient:
    client = TestClient(app)
    form = {"username": username, "password": PASSWORD, "csrf_token": _csrf(client, "/signup")}
    r = client.post("/signup", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def _api_csrf(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.get("/api/me").json()["csrf_token"]}


def _upload(client: TestClient, video) -> str:
    with video.open("rb") as fh:
        r = client.post("/api/analyses", files={"file": ("run.mp4", fh, "video/mp4")}, headers=_api_csrf(client))
    assert r.status_code == 202, r.text
    return r.json()["id"]


def test_pages_need_login_and_the_api_answers_401(auth_app):
    client = TestClient(auth_app)
    r = client.get("/athletes", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/athletes"
    assert client.get("/api/analyses").status_code == 401
    assert client.get("/filming").status_code == 200  # public advice page


def test_passwords_are_argon2_hashed_and_cookies_are_httponly_samesite(auth_app):
    client = TestClient(auth_app)
    r = client.post("/signup", data={"username": "alice", "password": PASSWORD, "csrf_token": _csrf(client, "/signup")},
                    follow_redirects=False)
    cookie = r.headers["set-cookie"].lower()
    assert "stridelens_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    with auth_app.state.services.sessions() as s:
        stored = repo.user_by_name(s, "alice").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_login_logout_and_a_wrong_password(auth_app):
    _signup(auth_app, "alice")
    client = TestClient(auth_app)
    token = _csrf(client)
    r = client.post("/login", data={"username": "alice", "password": "nope-nope-nope", "csrf_token": token})
    assert r.status_code == 400 and "Wrong user name or password" in r.text
    form = {"username": "alice", "password": PASSWORD, "csrf_token": token, "next": "/athletes"}
    r = client.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/athletes"
    assert client.get("/api/me").json()["username"] == "alice"
    page_token = _csrf(client, "/athletes")
    client.post("/logout", data={"csrf_token": page_token})
    assert client.get("/api/me").status_code == 401


def test_login_redirects_only_to_local_paths(auth_app):
    _signup(auth_app, "alice")
    client = TestClient(auth_app)
    r = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": _csrf(client),
                                    "next": "//evil.example/x"}, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_forms_without_the_csrf_token_are_refused(auth_app):
    client = TestClient(auth_app)
    _csrf(client)
    r = client.post("/signup", data={"username": "mallory", "password": PASSWORD, "csrf_token": "forged"})
    assert r.status_code == 403
    alice = _signup(auth_app, "alice")
    assert alice.post("/athletes", data={"name": "X"}).status_code == 403


def test_api_changes_need_the_csrf_header(auth_app, small_video):
    alice = _signup(auth_app, "alice")
    with small_video.open("rb") as fh:
        r = alice.post("/api/analyses", files={"file": ("run.mp4", fh, "video/mp4")})
    assert r.status_code == 403
    assert alice.post("/api/athletes", json={"name": "X"}).status_code == 403
    assert alice.post("/api/athletes", json={"name": "X"}, headers=_api_csrf(alice)).status_code == 201


def test_api_login_for_scripts(auth_app):
    _signup(auth_app, "alice")
    client = TestClient(auth_app)
    assert client.post("/api/session", json={"username": "alice", "password": "wrong-wrong"}).status_code == 401
    r = client.post("/api/session", json={"username": "alice", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["csrf_token"]
    assert client.get("/api/analyses").status_code == 200


def test_one_user_cannot_read_anothers_report_video_or_data(auth_app, small_video):
    alice, bob = _signup(auth_app, "alice"), _signup(auth_app, "bob")
    analysis_id = _upload(alice, small_video)
    body = wait_done(alice, analysis_id)
    assert body["status"] == "done"
    athlete = body["athlete_id"]
    own = [f"/analyses/{analysis_id}", f"/analyses/{analysis_id}/files/mp4", f"/analyses/{analysis_id}/files/json",
           f"/analyses/{analysis_id}/files/html", f"/analyses/{analysis_id}/frames/typical_landing.jpg",
           f"/api/analyses/{analysis_id}", f"/api/analyses/{analysis_id}/events", f"/athletes/{athlete}",
           f"/api/athletes/{athlete}/compare?a={analysis_id}&b={analysis_id}"]
    for path in own[:-1]:
        assert alice.get(path).status_code == 200, path
    for path in own:
        r = bob.get(path)
        assert r.status_code == 404, path  # the same answer as for an id that does not exist
        assert "video/mp4" not in r.headers.get("content-type", "")
    assert bob.get("/api/analyses").json() == [] and bob.get("/api/athletes").json() == []
    assert analysis_id not in bob.get("/").text and analysis_id not in bob.get("/athletes").text
    # bob cannot file an upload under alice's athlete either
    with small_video.open("rb") as fh:
        r = bob.post("/api/analyses", files={"file": ("run.mp4", fh, "video/mp4")}, data={"athlete_id": athlete},
                     headers=_api_csrf(bob))
    assert r.status_code == 422


def test_login_rate_limiting(auth_app):
    _signup(auth_app, "alice")
    client = TestClient(auth_app)
    token = _csrf(client)
    for _ in range(3):
        assert client.post("/login", data={"username": "alice", "password": "wrong-wrong",
                                           "csrf_token": token}).status_code == 400
    r = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429 and "Too many failed logins" in r.text
    assert client.post("/api/session", json={"username": "alice", "password": PASSWORD}).status_code == 429


def test_signup_code_and_rules(tmp_path, analyser):
    settings = Settings(data_dir=tmp_path / "d", auth=True, secret_key="k", signup_code="team-2026")
    with TestClient(create_app(settings, analyser=analyser)) as client:
        token = _csrf(client, "/signup")
        r = client.post("/signup", data={"username": "carl", "password": PASSWORD, "code": "guess",
                                         "csrf_token": token})
        assert r.status_code == 400 and "sign-up code" in r.text
        r = client.post("/signup", data={"username": "carl", "password": "short", "code": "team-2026",
                                         "csrf_token": token})
        assert r.status_code == 400 and "at least 10" in r.text
        r = client.post("/signup", data={"username": "carl", "password": PASSWORD, "code": "team-2026",
                                         "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303


def test_cross_site_posts_are_refused_in_every_mode(client, small_video):
    with small_video.open("rb") as fh:
        r = client.post("/api/analyses", files={"file": ("run.mp4", fh, "video/mp4")},
                        headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    assert client.post("/api/athletes", json={"name": "X"}, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.post("/api/athletes", json={"name": "X"}, headers={"Origin": "http://testserver"}).status_code == 201
    assert not list((client.app.state.services.settings.uploads_dir).glob("*"))


def test_security_headers(client):
    r = client.get("/")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"


def test_host_allow_list_blocks_dns_rebinding(tmp_path, analyser):
    settings = Settings(data_dir=tmp_path / "d", secret_key="k", allowed_hosts=("127.0.0.1", "localhost"))
    with TestClient(create_app(settings, analyser=analyser), base_url="http://127.0.0.1:8000") as client:
        assert client.get("/").status_code == 200
        assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400
