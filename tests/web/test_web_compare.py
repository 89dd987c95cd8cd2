"""Comparing sessions against the smallest detectable difference (provisional table, or analysis.json's own)."""

from __future__ import annotations

import pytest

import stridelens
from stridelens.web.compare import PROVISIONAL_SDD, compare_sessions, sdd_table


def _report(**means) -> dict:
    return {"summary": {"overall": {k: {"mean": v, "sd": None, "n": 20} for k, v in means.items()}}}


def _by_key(changes):
    return {c.metric.key: c for c in changes}


def test_changes_below_the_sdd_are_no_measurable_change():
    changes = _by_key(compare_sessions(_report(cadence_spm=165.0, hip_offset_pct=-4.0),
                                       _report(cadence_spm=167.0, hip_offset_pct=-1.0)))
    assert changes["cadence_spm"].verdict == "no measurable change"  # +2 < 3 spm
    assert changes["hip_offset_pct"].verdict == "better" and changes["hip_offset_pct"].change == pytest.approx(3.0)


def test_better_and_worse_are_judged_towards_the_target():
    changes = _by_key(compare_sessions(_report(cadence_spm=178.0, foot_ahead_com_pct=10.0),
                                       _report(cadence_spm=160.0, foot_ahead_com_pct=20.0)))
    assert changes["cadence_spm"].verdict == "worse" and changes["foot_ahead_com_pct"].verdict == "worse"


def test_metrics_without_a_target_only_change():
    changes = _by_key(compare_sessions(_report(contact_time_ms=250.0), _report(contact_time_ms=200.0)))
    assert changes["contact_time_ms"].verdict == "changed"


def test_missing_values_are_not_measured():
    changes = _by_key(compare_sessions(_report(), _report(cadence_spm=170.0)))
    assert changes["cadence_spm"].verdict == "not measured" and changes["cadence_spm"].change is None


def test_noisy_sessions_widen_the_sdd():
    noisy = {"summary": {"overall": {"cadence_spm": {"mean": 170.0, "sd": 10.0, "n": 4}}}}
    later = {"summary": {"overall": {"cadence_spm": {"mean": 176.0, "sd": 10.0, "n": 4}}}}
    change = _by_key(compare_sessions(noisy, later))["cadence_spm"]
    assert change.sdd == pytest.approx(1.96 * (100 / 4 + 100 / 4) ** 0.5) and not change.measurable


def test_the_engines_own_sdds_decide_when_both_sessions_have_them():
    pytest.importorskip("stridelens.metrics.uncertainty")

    def report(mean: float, sdd: float) -> dict:
        return {"summary": {"overall": {"cadence_spm": {"mean": mean, "sd": 1.0, "n": 30, "sdd": sdd}}}}

    change = _by_key(compare_sessions(report(170.0, 0.5), report(171.0, 0.5)))["cadence_spm"]
    assert change.source == "measured" and change.sdd == pytest.approx(0.5) and change.verdict == "better"
    change = _by_key(compare_sessions(report(170.0, 4.0), report(173.0, 2.0)))["cadence_spm"]
    assert change.sdd == pytest.approx((8 + 2) ** 0.5) and change.verdict == "no measurable change"
    change = _by_key(compare_sessions(report(170.0, 0.5), _report(cadence_spm=171.0)))["cadence_spm"]
    assert change.source == "provisional"  # one session without its own SDD (schema 1.0)


@pytest.mark.parametrize("unc", [{"sdd": {"cadence_spm": 1.0}}, {"cadence_spm": {"sdd": 1.0}}])
def test_the_engines_own_sdd_is_used_when_analysis_json_has_one(unc):
    assert sdd_table({"uncertainty": unc})["cadence_spm"] == 1.0
    assert sdd_table({})["cadence_spm"] == PROVISIONAL_SDD["cadence_spm"]
    report = {**_report(cadence_spm=170.0), "uncertainty": unc}
    assert _by_key(compare_sessions(report, {**_report(cadence_spm=172.0), "uncertainty": unc}))[
        "cadence_spm"].measurable


def test_films_facing_opposite_ways_carry_a_caveat():
    from stridelens.web.compare import comparison_caveats

    right, left = ({**_report(cadence_spm=170.0), "setting": {"direction": d}} for d in ("left_to_right",
                                                                                          "right_to_left"))
    assert comparison_caveats(right, right) == []
    assert comparison_caveats(right, _report(cadence_spm=170.0)) == []  # an older file without the setting
    (caveat,) = comparison_caveats(right, left)
    assert "opposite ways" in caveat and "same side" in caveat


def test_films_analysed_by_different_methods_carry_a_caveat():
    """The floor-line change of 2026-12-03 read the same film's trunk lean about 2 deg lower: a comparison
    across it would show a change the runner did not make."""
    from stridelens.web.compare import comparison_caveats

    old, new, newer = ({**_report(cadence_spm=170.0), **({"analysis_method": m} if m else {})}
                       for m in (None, stridelens.ANALYSIS_METHOD, "2999-01-01"))
    assert comparison_caveats(new, new) == [] and comparison_caveats(old, old) == []
    for a, b in ((old, new), (new, newer)):
        (caveat,) = comparison_caveats(a, b)
        assert "different versions of the analysis" in caveat and "Upload the film of the older method again" in caveat
    assert "an older method and the " + stridelens.ANALYSIS_METHOD in comparison_caveats(old, new)[0]
