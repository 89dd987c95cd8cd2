"""Reference events (force plates, annotations) and how detected events are scored against them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from stridelens.errors import InputError
from stridelens.sources import ReferenceEvent, ReferenceEvents, compare_events, read_reference_csv
from stridelens.sources.reference import find_reference_beside


@dataclass
class _Contact:
    side: str
    ic_time_s: float
    to_time_s: float


def _ref(*stances: tuple[str, float, float]) -> ReferenceEvents:
    events = [ReferenceEvent(s, "ic", ic) for s, ic, _ in stances] + [ReferenceEvent(s, "to", to)
                                                                     for s, _, to in stances]
    return ReferenceEvents("test", tuple(sorted(events, key=lambda e: e.time_s)))


def test_csv_trial_filter_and_event_names(tmp_path):
    path = tmp_path / "grf_events_thr50N.csv"
    path.write_text("trial,side,event,time_s\nRun_1,L,toe_off,0.1\nRun_1,R,foot_strike,0.2\n"
                    "Run_2,L,foot_strike,0.3\n")
    ref = read_reference_csv(path, trial_of="Run_1_IK")
    assert [(e.side, e.kind, e.time_s) for e in ref.events] == [("L", "to", 0.1), ("R", "ic", 0.2)]
    assert len(read_reference_csv(path).events) == 3
    trial = tmp_path / "Run_2_IK.mot"
    trial.write_text("")
    assert find_reference_beside(trial).events[0].time_s == 0.3
    assert find_reference_beside(tmp_path / "Other_IK.mot") is None


def test_csv_with_a_bad_row_is_a_user_error(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("side,event,time_s\nL,jump,0.1\n")
    with pytest.raises(InputError, match="not a gait event"):
        read_reference_csv(path)


def test_matching_missed_spurious_and_errors():
    ref = _ref(("R", 1.00, 1.25), ("L", 1.35, 1.60), ("R", 1.70, 1.95), ("L", 2.05, 2.30))
    detected = [_Contact("R", 1.004, 1.247), _Contact("L", 1.36, 1.61),  # (L at 2.05 missed)
                _Contact("R", 1.71, 1.96), _Contact("R", 1.50, 1.52)]  # a spurious one
    c = compare_events(detected, ref, analysed_s=(0.9, 2.5), cadence_spm=171.4)
    assert (c.ic.reference, c.ic.matched, c.ic.missed, c.ic.spurious) == (4, 3, 1, 1)
    assert c.ic.errors_ms == pytest.approx((4.0, 10.0, 10.0))
    assert c.ic.median_abs_ms == pytest.approx(10.0)
    assert c.to.errors_ms == pytest.approx((-3.0, 10.0, 10.0))
    assert c.side_agreement == 1.0
    assert c.cadence_reference_spm == pytest.approx(60 / 0.35)
    assert c.as_dict()["ic_missed"] == 1


def test_stances_cut_by_the_analysed_span_are_not_counted():
    ref = _ref(("R", 0.95, 1.2), ("L", 1.3, 1.55))
    c = compare_events([_Contact("L", 1.3, 1.55)], ref, analysed_s=(1.0, 2.0), cadence_spm=None)
    assert (c.ic.reference, c.ic.matched, c.ic.spurious) == (1, 1, 0)
    assert c.cadence_error_spm is None
