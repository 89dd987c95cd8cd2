"""Expected errors and SDDs in analysis.json (schema 1.1) and the HTML report's "±" text."""

from __future__ import annotations

import json
import math
import re

import pytest

import stridelens
from stridelens.report import SCHEMA_VERSION, AnalysisReport, to_report
from stridelens.report.html import render_html
from stridelens.synthetic import neutral_runner
from tests.fixtures.report_clips import small_spec, synthetic_analysis
from tests.fixtures.synth import analyse_synthetic


@pytest.fixture(scope="module")
def analysis():
    result, _ = analyse_synthetic(neutral_runner(noise_px=3.0, seed=5, duration_s=8.0))
    return result


@pytest.fixture(scope="module")
def report_json(analysis) -> str:
    return to_report(analysis).model_dump_json(indent=1)


def test_schema_version_is_1_2_and_old_fields_stay(report_json):
    data = json.loads(report_json)
    assert SCHEMA_VERSION == "1.2" and data["schema_version"] == "1.2"
    assert data["analysis_method"] == stridelens.ANALYSIS_METHOD  # 1.2: which method read the film
    for key in ("video", "setting", "quality", "warnings", "summary", "symmetry", "verdict", "findings",
                "coaching", "events", "steps"):
        assert key in data
    assert set(data["summary"]["overall"]["cadence_spm"]) >= {"mean", "sd", "n", "expected_error", "sdd"}


def test_summary_comes_before_steps_and_holds_the_first_cadence_key(report_json):
    first = report_json.index('"cadence_spm"')
    assert report_json.index('"summary"') < first < report_json.index('"steps"')
    assert report_json.index('"summary"') < report_json.index('"uncertainty"') < report_json.index('"steps"')


def test_every_overall_metric_carries_expected_error_and_sdd(analysis, report_json):
    data = json.loads(report_json)
    overall = data["summary"]["overall"]
    unc = data["uncertainty"]
    assert unc["conditions"]["capture_fps"] == pytest.approx(60.0)
    assert 0.5 < unc["conditions"]["keypoint_noise_pct"] < 3.0  # 3 px on a ~240 px leg
    for key in ("cadence_spm", "contact_time_ms", "hip_offset_pct", "trunk_lean_deg", "foot_ahead_com_pct",
                "knee_flexion_mid_deg", "vertical_oscillation_pct"):
        stat, row = overall[key], unc["metrics"][key]
        assert stat["expected_error"] is not None and stat["expected_error"] > 0, key
        assert stat["sdd"] is not None and stat["sdd"] > 0, key
        assert row["expected_error"] == pytest.approx(stat["expected_error"])
        assert row["sdd"] == pytest.approx(stat["sdd"])
        assert row["reliable"] == (row["expected_error"] <= row["tolerance"])
        # SDD = 1.96 sqrt(2) SD / sqrt(n) (inflation >= 1)
        if key != "cadence_spm":
            assert stat["sdd"] >= 1.96 * math.sqrt(2) * stat["sd"] / math.sqrt(stat["n"]) - 1e-9
    assert overall["contact_time_ms"]["expected_error"] < 100
    assert data["summary"]["L"]["contact_time_ms"]["expected_error"] is None  # overall only
    AnalysisReport.model_validate(data)  # round trip through the schema


def test_quality_rows_include_the_new_checks(report_json):
    keys = {q["key"] for q in json.loads(report_json)["quality"]}
    assert {"runner_size", "keypoint_noise", "precision"} <= keys


@pytest.fixture(scope="module")
def html(tmp_path_factory) -> tuple[str, AnalysisReport]:
    a = synthetic_analysis(tmp_path_factory.mktemp("pm"), small_spec(neutral_runner))
    report = to_report(a)
    return render_html(report, a), report


def test_html_shows_plus_minus_at_the_frame_rate(html):
    page, report = html
    numbers = page[page.index('id="numbers"'):page.index('id="plots"')]
    ct = report.summary.overall["contact_time_ms"].expected_error
    expected = f"±{ct:.1f} ms at 30 fps" if ct < 10 else f"±{ct:.0f} ms at 30 fps"
    assert expected in numbers
    assert re.search(r'class="pm[^"]*"[^>]*>±[0-9.]+ steps/min at 30 fps<', numbers)
    assert "Smallest change you can detect between two films" in numbers
    assert "± (expected error)" in page[page.index('id="glossary"'):]
    assert f"(method of {stridelens.ANALYSIS_METHOD})" in page[page.index("<footer>"):]


def test_html_marks_coarse_numbers(html):
    page, report = html
    coarse = [k for k, m in report.uncertainty.metrics.items() if m.reliable is False]
    assert coarse, "a 30 fps, 80-px-leg clip has numbers outside their precision targets"
    assert 'class="pm coarse"' in page


def test_a_report_without_uncertainty_renders_without_plus_minus(html, tmp_path):
    _, report = html
    data = json.loads(report.model_dump_json())
    data["uncertainty"] = None
    for stat in data["summary"]["overall"].values():
        stat["expected_error"] = stat["sdd"] = None
    old = AnalysisReport.model_validate(data)
    a = synthetic_analysis(tmp_path, small_spec(neutral_runner))
    numbers = render_html(old, a)
    numbers = numbers[numbers.index('id="numbers"'):numbers.index('id="plots"')]
    assert 'class="pm' not in numbers and "Smallest change" not in numbers
