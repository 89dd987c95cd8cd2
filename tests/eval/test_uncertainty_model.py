"""Expected error, SDD and "did it change?" (`stridelens.metrics.uncertainty`)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from stridelens.assess.quality import check_uncertainty
from stridelens.config import Config, QualityConfig
from stridelens.metrics import Summary
from stridelens.metrics.uncertainty import (
    TOLERANCE,
    Conditions,
    Reading,
    compare,
    compare_reports,
    expected_error,
    keypoint_noise_pct,
    metric_uncertainty,
    predict_noise_pct,
    sdd_from_steps,
)
from stridelens.synthetic import make_runner, neutral_runner
from stridelens.tracking import clean_track

FPS = (24.0, 25.0, 30.0, 50.0, 60.0, 90.0, 120.0, 240.0, 480.0)
NOISE = (0.0, 0.5, 1.0, 1.6, 2.5, 4.0, 6.0)


def _err(key: str, fps: float, noise: float) -> float:
    e = expected_error(key, Conditions(capture_fps=fps, noise_pct=noise, leg_length_px=250.0, keypoint_confidence=0.9))
    assert e is not None and math.isfinite(e) and e >= 0, key
    return e


@pytest.mark.parametrize("key", sorted(TOLERANCE))
def test_lower_frame_rate_never_gives_a_smaller_error(key):
    for noise in NOISE:
        errors = [_err(key, f, noise) for f in FPS]  # increasing frame rate
        assert all(a >= b - 1e-12 for a, b in itertools.pairwise(errors)), (key, noise, errors)


@pytest.mark.parametrize("key", sorted(TOLERANCE))
def test_more_keypoint_noise_never_gives_a_smaller_error(key):
    for fps in FPS:
        errors = [_err(key, fps, n) for n in NOISE]
        assert all(a <= b + 1e-12 for a, b in itertools.pairwise(errors)), (key, fps, errors)


def test_worse_conditions_give_larger_errors_where_it_matters():
    assert _err("contact_time_ms", 30, 1.6) > _err("contact_time_ms", 120, 1.6)
    assert _err("foot_ahead_com_pct", 30, 1.6) > _err("foot_ahead_com_pct", 240, 1.6)
    assert _err("hip_offset_pct", 60, 4.0) > _err("hip_offset_pct", 60, 0.5)
    # below the table's lowest rate timing errors grow with the frame time
    assert _err("contact_time_ms", 15, 1.6) == pytest.approx(_err("contact_time_ms", 25, 1.6) * 25 / 15)


def test_predicted_noise_grows_as_the_runner_shrinks_or_confidence_falls():
    sizes = [400, 250, 120, 60, 30]
    noise = [predict_noise_pct(s, 0.9) for s in sizes]
    assert all(a < b for a, b in itertools.pairwise(noise))
    assert predict_noise_pct(250, 0.4) > predict_noise_pct(250, 0.9)
    small = Conditions(capture_fps=60, noise_pct=None, leg_length_px=30, keypoint_confidence=0.9)
    big = Conditions(capture_fps=60, noise_pct=None, leg_length_px=400, keypoint_confidence=0.9)
    assert expected_error("hip_offset_pct", small) >= expected_error("hip_offset_pct", big)


def test_measured_keypoint_noise_matches_the_synthetic_noise():
    cfg = Config().tracking
    for noise_px in (2.0, 6.0):
        track, truth = make_runner(neutral_runner(noise_px=noise_px, seed=4, duration_s=6.0))
        clean, _ = clean_track(track, cfg)
        got = keypoint_noise_pct(track, clean, truth.leg_length_px, cfg)
        assert got == pytest.approx(noise_px / truth.leg_length_px * 100, rel=0.2)


def test_sdd_from_steps_arithmetic():
    s = Summary(mean=250.0, sd=12.0, n=16)
    assert sdd_from_steps("contact_time_ms", s) == pytest.approx(1.96 * math.sqrt(2) * 12.0 / 4.0)
    assert sdd_from_steps("contact_time_ms", Summary(mean=250.0, sd=None, n=1)) is None


def test_metric_uncertainty_gives_cadence_sdd_from_step_times():
    overall = {"step_time_s": Summary(0.35, 0.02, 25), "cadence_spm": Summary(60 / 0.35, 10.0, 25),
               "contact_time_ms": Summary(250.0, 15.0, 25)}
    unc = metric_uncertainty(overall, Conditions(60.0, 1.6, 250.0, 0.9))
    sdd_step = 1.96 * math.sqrt(2) * 0.02 / 5
    assert unc["cadence_spm"].sdd == pytest.approx(60 / 0.35**2 * sdd_step)
    assert unc["contact_time_ms"].unit == "ms"
    assert unc["contact_time_ms"].reliable == (unc["contact_time_ms"].expected_error <= TOLERANCE["contact_time_ms"])
    assert unc["contact_time_ms"].basis == "real"


def test_compare_says_no_measurable_change_below_the_sdd():
    before = {"contact_time_ms": Reading(250.0, 10.0, "ms"), "cadence_spm": Reading(165.0, 2.0, "steps/min"),
              "trunk_lean_deg": Reading(7.0, None, "deg")}
    after = {"contact_time_ms": Reading(245.0, 10.0, "ms"), "cadence_spm": Reading(172.0, 2.0, "steps/min"),
             "trunk_lean_deg": Reading(9.0, None, "deg")}
    changes = {c.key: c for c in compare(before, after)}
    assert changes["contact_time_ms"].verdict == "no measurable change"
    assert "no measurable change" in changes["contact_time_ms"].text
    assert changes["contact_time_ms"].change == pytest.approx(-5.0)
    assert changes["cadence_spm"].verdict == "increased"
    assert changes["cadence_spm"].threshold == pytest.approx(2.0)
    assert changes["trunk_lean_deg"].verdict == "not comparable"  # no SDD: never reported as progress


def test_compare_combines_the_two_sessions_sdds():
    c = compare({"x": Reading(0.0, 3.0)}, {"x": Reading(3.5, 4.0)})[0]
    assert c.threshold == pytest.approx(math.sqrt((9 + 16) / 2))
    assert c.verdict == "no measurable change"  # 3.5 < 3.54
    assert compare({"x": Reading(0.0, 3.0)}, {"x": Reading(-3.6, 4.0)})[0].verdict == "decreased"


def test_compare_reports_reads_analysis_json_dicts():
    def report(mean, sdd):
        return {"summary": {"overall": {"hip_offset_pct": {"mean": mean, "sd": 1.0, "n": 20, "sdd": sdd}}}}

    assert compare_reports(report(-4.0, 1.0), report(-3.5, 1.0))[0].verdict == "no measurable change"
    assert compare_reports(report(-4.0, 1.0), report(-1.0, 1.0))[0].verdict == "increased"
    old_schema = {"summary": {"overall": {"hip_offset_pct": {"mean": -4.0, "sd": 1.0, "n": 20}}}}
    assert compare_reports(old_schema, report(-1.0, 1.0))[0].threshold == pytest.approx(1.0)


def test_quality_warns_outside_the_reliable_conditions():
    overall = {"contact_time_ms": Summary(250.0, 15.0, 25), "hip_offset_pct": Summary(0.0, 1.0, 25)}
    cfg = QualityConfig()
    low = Conditions(capture_fps=25.0, noise_pct=1.6, leg_length_px=40.0, keypoint_confidence=0.8)
    checks = {q.key: q for q in check_uncertainty(metric_uncertainty(overall, low), low, cfg)}
    assert checks["runner_size"].status == "warn"
    assert checks["precision"].status == "warn" and "contact time" in checks["precision"].message
    good = Conditions(capture_fps=240.0, noise_pct=0.8, leg_length_px=300.0, keypoint_confidence=0.9)
    checks = {q.key: q for q in check_uncertainty(metric_uncertainty(overall, good), good, cfg)}
    assert checks["runner_size"].status == "ok" and checks["keypoint_noise"].status == "ok"
    noisy = Conditions(capture_fps=60.0, noise_pct=cfg.max_keypoint_noise_pct + 1, leg_length_px=300.0,
                       keypoint_confidence=0.9)
    assert {q.key: q for q in check_uncertainty({}, noisy, cfg)}["keypoint_noise"].status == "warn"
    assert np.isfinite(checks["precision"].value)
