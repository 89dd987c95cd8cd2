"""report.html (`stridelens.report.html`) and its key-number statuses (`stridelens.report.targets`)."""

from __future__ import annotations

import base64
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import cv2
import numpy as np
import pytest

from stridelens.config import Config
from stridelens.report import to_report
from stridelens.report.html import render_html, write_html
from stridelens.report.targets import band_status, key_numbers

SECTIONS = ("verdict", "numbers", "plots", "stills", "drills", "findings", "quality", "steps", "glossary")


class _Page(HTMLParser):
    """Collects what the tests look at: attributes with URLs, images, SVGs, the step table rows."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.images: list[str] = []
        self.svgs = 0
        self.section_order: list[str] = []
        self.step_rows = 0
        self.title = ""
        self.viewport = False
        self._section: str | None = None
        self._in_tbody = False
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.urls += [v for k, v in attrs if k in ("src", "href", "action", "poster", "data") and v]
        if tag == "img":
            self.images.append(a.get("src", ""))
        elif tag == "svg":
            self.svgs += 1
        elif tag == "section":
            self._section = a.get("id")
            self.section_order.append(self._section)
        elif tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody and self._section == "steps":
            self.step_rows += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "meta" and a.get("name") == "viewport":
            self.viewport = "width=device-width" in (a.get("content") or "")

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_tbody = False
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@pytest.fixture(scope="module")
def written(any_analysis, any_report, tmp_path_factory) -> tuple[str, _Page]:
    path = tmp_path_factory.mktemp("html") / "report.html"
    write_html(any_report, any_analysis, path)
    text = path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    return text, page


def test_self_contained_no_external_urls(written):
    text, page = written
    external = [u for u in page.urls if re.match(r"\s*(https?:)?//", u, re.I)]
    assert external == []
    assert all(u.startswith(("#", "data:")) for u in page.urls), page.urls
    assert not re.search(r"<link\b|<script\b[^>]*\bsrc=|@import|url\(\s*['\"]?(https?:)?//", text, re.I)


def test_title_viewport_and_section_order(written, any_report):
    _, page = written
    assert any_report.video.file in page.title
    assert page.viewport
    assert page.section_order == list(SECTIONS)


def test_verdict_first_in_plain_words(written, any_report):
    text, _ = written
    verdict = text[text.index('id="verdict"'):text.index('id="numbers"')]
    assert escape(any_report.verdict.summary.replace("+-", "±")) in verdict
    expected = {"neutral": "s-green", "mild": "s-amber", "marked": "s-red"}[any_report.verdict.severity or "neutral"]
    assert expected in verdict.split(">", 1)[0]
    assert "Severity" in verdict and "Confidence" in verdict
    assert f"{any_report.verdict.confidence:.0%}" in verdict


def test_images_and_plots_are_inline_and_decode(written):
    _, page = written
    assert page.svgs >= 4  # lean, hip offset, knee, foot vs COM
    assert len(page.images) >= 2
    for src in page.images:
        assert src.startswith("data:image/jpeg;base64,")
        image = cv2.imdecode(np.frombuffer(base64.b64decode(src.split(",", 1)[1]), np.uint8), cv2.IMREAD_COLOR)
        assert image is not None and min(image.shape[:2]) >= 50


def test_step_table_has_one_row_per_step(written, any_report):
    _, page = written
    assert len(any_report.steps) > 0
    assert page.step_rows == len(any_report.steps)


def test_drills_findings_and_warnings_are_shown(written, any_report):
    text, _ = written
    for drill in any_report.coaching.drills:
        assert escape(drill.name) in text
        assert escape(drill.why.replace("+-", "±")) in text
    for finding in any_report.findings:
        assert escape(finding.title) in text
    quality = text[text.index('id="quality"'):text.index('id="steps"')]
    for q in any_report.quality:
        assert escape(q.message.replace("+-", "±")) in quality
    assert escape(any_report.coaching.disclaimer) in text


def test_file_stays_small(written):
    text, _ = written
    assert len(text.encode()) < 1_500_000


def test_hips_back_report_names_the_problem(hips_back_analysis):
    report = to_report(hips_back_analysis)
    assert report.verdict.label == "hips_back"  # the synthetic runner's known answer
    text = render_html(report, hips_back_analysis)
    assert "Hips sitting back" in text
    assert "Decided by" in text


def test_write_html_accepts_a_path(neutral_analysis, tmp_path):
    path = Path(tmp_path) / "r.html"
    write_html(to_report(neutral_analysis), neutral_analysis, path)
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- key-number statuses ------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "status"), [
    (0.0, "green"), (-3.0, "green"), (3.0, "green"), (4.5, "amber"), (-6.0, "amber"), (6.5, "red"),
    (-9.0, "red"), (None, "grey"), (float("nan"), "grey"),
])
def test_band_status(value, status):
    assert band_status(value, (-3.0, 3.0), (-6.0, 6.0)) == status


def test_band_status_open_bands_and_info():
    assert band_status(30.0, (None, 25.0), (None, 35.0)) == "amber"
    assert band_status(-50.0, (None, 25.0), (None, 35.0)) == "green"
    assert band_status(12.0, None, None) == "info"


def test_key_number_status_follows_the_finding(any_report):
    """A metric a finding talks about shows that finding's severity, so the two sections agree."""
    numbers = {k.target.key: k for k in key_numbers(any_report, Config())}
    for f in any_report.findings:
        if f.key.startswith("asymmetry_") or f.metric not in numbers:
            continue
        assert numbers[f.metric].status == ("red" if f.severity == "marked" else "amber")
    cadence = numbers["cadence_spm"]
    assert cadence.value == pytest.approx(any_report.summary.overall["cadence_spm"].mean)
