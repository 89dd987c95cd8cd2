"""Browser tests (Playwright + Debian's chromium) of every flow, on a live server with the real analysis:
upload the demo clip, watch the progress to the end, read the report, open the athlete page, compare two
sessions, the filming advice and the error pages. Screenshots (laptop and phone) go to
artifacts/screenshots/ (git-ignored; CI keeps them as artefacts).

One real analysis of the demo clip is shared by the whole module (about half a minute); the second session
for the comparison is the same result with shifted numbers, filed through the store.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from stridelens.store import repo
from stridelens.store.db import session_scope
from stridelens.web import Settings, create_app
from tests.fixtures.media import make_png, make_video
from tests.fixtures.web_app import shift_metrics

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path(os.environ.get("STRIDELENS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
LAPTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
ANALYSIS_TIMEOUT_MS = 300_000


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A live server (uvicorn in a thread) with the real analysis worker."""
    import uvicorn

    settings = Settings(data_dir=tmp_path_factory.mktemp("live") / "data", secret_key="browser-test")
    app = create_app(settings)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "app": app, "settings": settings, "state": {}}
    server.should_exit = True
    thread.join(30)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run installs Debian's chromium")
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def laptop(browser):
    context = browser.new_context(**LAPTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def shot(page, name: str, *, full_page: bool = True) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_upload_the_demo_clip_watch_progress_and_read_the_verdict(live, laptop, phone, demo_clip):
    page = laptop
    page.goto(live["url"] + "/")
    assert page.locator("h1").inner_text() == "Are your hips where they should be?"
    shot(page, "upload-laptop")
    phone.goto(live["url"] + "/")
    assert _no_horizontal_scroll(phone)
    shot(phone, "upload-phone")

    page.set_input_files("#file", str(demo_clip))
    assert "demo_treadmill_side.mp4" in page.locator("#dz-title").inner_text()
    assert page.locator("#athlete_id").input_value() == "new"
    page.fill("#athlete_name", "Sam Runner")
    page.fill("#height_cm", "178")
    page.fill("#treadmill_speed_kmh", "10")
    page.fill("#notes", "Baseline before the drills")
    started = time.monotonic()
    page.click("#submit")
    page.wait_for_url("**/analyses/*", timeout=60_000)
    analysis_id = page.url.rsplit("/", 1)[-1]
    live["state"]["first"] = analysis_id

    # live progress by stage, with a percentage that only grows
    page.wait_for_selector('#stages li[data-stage="pose"].active', timeout=120_000)
    seen = []
    for _ in range(6):
        seen.append(int(page.locator("#job-pct").inner_text()))
        time.sleep(1.0)
    assert seen == sorted(seen) and seen[-1] > seen[0], seen
    assert page.locator('#stages li[data-stage="reading"]').get_attribute("class") == "done"
    shot(page, "job-laptop")
    phone.goto(page.url)
    phone.wait_for_selector('#stages li.active, #verdict-headline', timeout=30_000)
    shot(phone, "job-phone")
    # the page survives a reload: same job, progress not lost
    page.reload()
    page.wait_for_selector('#stages li[data-stage="pose"].active, #stages li[data-stage="report"].active, '
                           '#verdict-headline', timeout=30_000)
    if page.locator("#job-pct").count():
        assert int(page.locator("#job-pct").inner_text()) >= seen[-1]

    page.wait_for_selector("#verdict-headline", timeout=ANALYSIS_TIMEOUT_MS)
    elapsed_s = time.monotonic() - started
    (SHOTS / "timings.json").write_text(json.dumps({"demo_upload_to_report_s": round(elapsed_s, 1)}))
    print(f"\ndemo clip: upload to report {elapsed_s:.1f} s")
    assert page.locator("#verdict-headline").inner_text() in ("Hips in line", "Hips sitting back",
                                                              "Hips pushed forward")
    assert "steps" in page.locator(".meta").inner_text()
    page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=30_000)
    shot(page, "report-laptop")
    shot(page, "report-laptop-top", full_page=False)
    phone.goto(page.url)
    phone.wait_for_selector("#verdict-headline")
    assert _no_horizontal_scroll(phone)
    shot(phone, "report-phone")


def test_report_step_table_seeks_the_video_and_plots_are_interactive(live, laptop):
    page = laptop
    page.goto(f"{live['url']}/analyses/{live['state']['first']}")
    page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=30_000)
    video_length_s = page.evaluate("document.getElementById('player').duration")
    assert video_length_s > 10  # the whole demo clip, annotated (a media length, not a timing)
    row = page.locator(".step-row").nth(9)
    target = float(row.get_attribute("data-seek"))
    row.click()
    page.wait_for_function(f"Math.abs(document.getElementById('player').currentTime - {target}) < 0.05")
    assert "playing" in row.get_attribute("class")
    assert page.locator("#plot-grid svg").count() == 4
    point = page.locator("#plot-grid svg circle.pt").nth(3)
    point.hover()
    assert page.locator("#plot-grid .tip:visible").inner_text().startswith("Step 4")
    point.click()
    assert "playing" in page.locator(".step-row").nth(3).get_attribute("class")
    assert page.locator("#frames img").count() == 4
    assert page.evaluate("Array.from(document.querySelectorAll('#frames img')).every(i => i.naturalWidth > 0)")
    assert page.locator("#drills .drill").count() >= 1
    for key in ("json", "csv", "html", "mp4"):
        href = page.locator(f'a[data-download="{key}"]').get_attribute("href")
        response = page.request.get(live["url"] + href)
        assert response.status == 200 and "attachment" in response.headers["content-disposition"], key
    shot(page, "report-seeked", full_page=False)


def test_filming_page_is_linked_from_the_upload_form(live, laptop, phone):
    page = laptop
    page.goto(live["url"] + "/")
    page.click("text=How to film your run")
    page.wait_for_url("**/filming")
    assert page.locator(".tip-list .tip").count() == 8
    assert page.evaluate("Array.from(document.querySelectorAll('.example img')).every(i => i.naturalWidth > 0)")
    assert "hip height" in page.locator("body").inner_text().lower()
    shot(page, "filming-laptop")
    phone.goto(live["url"] + "/filming")
    assert _no_horizontal_scroll(phone)
    shot(phone, "filming-phone")


def test_uploading_a_picture_shows_a_clear_error(live, laptop, tmp_path):
    page = laptop
    page.goto(live["url"] + "/")
    fake = tmp_path / "not-a-video.mp4"
    shutil.copy(make_png(tmp_path / "p.png"), fake)
    page.set_input_files("#file", str(fake))
    page.click("#submit")
    page.wait_for_selector("#upload-error:visible")
    assert "picture, not a video" in page.locator("#upload-error").inner_text()
    shot(page, "upload-error", full_page=False)


def test_a_video_without_a_runner_fails_with_advice(live, laptop, tmp_path):
    page = laptop
    page.goto(live["url"] + "/")
    page.set_input_files("#file", str(make_video(tmp_path / "empty-room.mp4", frames=45, width=320, height=240)))
    page.select_option("#athlete_id", label="Sam Runner")
    page.click("#submit")
    page.wait_for_selector("#failed", timeout=120_000)
    text = page.locator("#failed").inner_text()
    assert "What to do" in text and "How to film" in text
    assert "/tmp" not in text and str(live["settings"].data_dir) not in text
    shot(page, "failed-laptop")


def _file_second_session(live) -> str:
    """A later session of the same athlete: the first result with cadence +9 and hip offset +0.5 (filed
    through the store, as the runner would after a second upload)."""
    settings, svc = live["settings"], live["app"].state.services
    first = live["state"]["first"]
    with session_scope(svc.sessions) as s:
        row = s.get(repo.AnalysisRow, first)
        new = repo.create_analysis(s, row.owner_id, row.athlete_id, repo.NewAnalysis(
            upload_name=row.upload_name, upload_bytes=row.upload_bytes, original_filename="after-drills.mp4",
            notes="After 6 weeks of drills"))
        new_id = new.id
    shutil.copytree(settings.results_dir / first, settings.results_dir / new_id)
    path = settings.results_dir / new_id / "analysis.json"
    path.write_text(json.dumps(shift_metrics(json.loads(path.read_text()),
                                             {"cadence_spm": 9.0, "hip_offset_pct": 0.5})))
    from stridelens.web.results import read_report, summary_of

    report = read_report(settings.results_dir / new_id)
    with session_scope(svc.sessions) as s:
        repo.job_started(s, new_id)
        repo.job_done(s, new_id, result_name=new_id, verdict_label=report.verdict.label, summary=summary_of(report))
    return new_id


def test_athlete_page_trends_and_comparing_two_sessions(live, laptop, phone):
    second = _file_second_session(live)
    page = laptop
    page.goto(live["url"] + "/athletes")
    shot(page, "athletes-laptop")
    page.click("text=Sam Runner")
    page.wait_for_selector("#sessions")
    # the trend charts are drawn by a script at the end of the page: #sessions can be parsed before it ran
    page.wait_for_load_state("load")
    assert page.locator("#trend-grid svg").count() == 4
    assert page.locator(".sessions-table tbody tr").count() == 3  # two done, one failed
    shot(page, "athlete-laptop")
    phone.goto(page.url)
    assert _no_horizontal_scroll(phone)
    shot(phone, "athlete-phone")
    assert page.locator("#compare-btn").is_disabled()
    page.check(f'input[name="pick"][value="{second}"]')
    page.check(f'input[name="pick"][value="{live["state"]["first"]}"]')
    page.click("#compare-btn")
    page.wait_for_selector("#compare-table")
    table = page.locator("#compare-table").inner_text()
    assert "No measurable change" in table  # hip offset +0.5 is below its SDD
    assert "Better" in table or "Worse" in table  # cadence +9 steps/min is a real change
    assert page.locator("#compare-frames img").count() == 4
    heads = page.locator(".compare-head .eyebrow").all_inner_texts()
    assert heads[0].startswith("BEFORE") or heads[0].startswith("Before")
    shot(page, "compare-laptop")
    phone.goto(page.url)
    assert _no_horizontal_scroll(phone)
    shot(phone, "compare-phone")
