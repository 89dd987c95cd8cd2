"""Gait event detection on synthetic runners, and the detector's algorithm-object contract (STYLE.md §3)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from stridelens.config import Config, GaitConfig
from stridelens.gait import FootSpeedContactDetector, classify_gait, estimate_step_period_s, relabel_legs
from stridelens.pose.base import KEYPOINT_INDEX
from stridelens.synthetic import make_runner, neutral_runner, walker
from stridelens.tracking import clean_track, orient


def _body(spec):
    track, truth = make_runner(spec)
    clean, _ = clean_track(track, Config().tracking)
    body, scene = orient(clean, image_width_px=spec.image_width_px, image_height_px=spec.image_height_px)
    return body, scene, truth


class TestDetectorContract:
    def test_init_stores_parameters_unchanged(self):
        cfg = GaitConfig(ic_speed_fraction=0.55)
        assert FootSpeedContactDetector(cfg).config is cfg

    def test_detect_returns_self_with_results(self):
        body, scene, _ = _body(neutral_runner(duration_s=4))
        det = FootSpeedContactDetector()
        assert det.detect(body, scene) is det
        for attr in ("contacts_", "step_period_s_", "stance_speed_px_s_", "side_cue_"):
            assert hasattr(det, attr)

    def test_docstring_documents_parameters_and_results(self):
        doc = FootSpeedContactDetector.__doc__
        assert "Parameters" in doc and "Attributes" in doc and "contacts_" in doc


@pytest.mark.parametrize("cadence", [150.0, 170.0, 190.0])
def test_step_period_from_autocorrelation(cadence):
    body, _, truth = _body(neutral_runner(cadence_spm=cadence))
    assert estimate_step_period_s(body) == pytest.approx(60.0 / truth.cadence_spm, rel=0.02)


def test_contacts_are_complete_ordered_and_alternate():
    body, scene, truth = _body(neutral_runner())
    contacts = FootSpeedContactDetector().detect(body, scene).contacts_
    assert len(contacts) == len(truth.contacts)
    assert all(c.ic_row < c.to_row for c in contacts)
    assert all(a.ic_row < b.ic_row for a, b in itertools.pairwise(contacts))
    assert all(a.side != b.side for a, b in itertools.pairwise(contacts))


def test_no_events_are_invented_in_a_gap():
    track, truth = make_runner(neutral_runner())
    xy = track.xy.copy()
    xy[200:320] = np.nan  # 2 s without keypoints
    spec = neutral_runner()
    clean, _ = clean_track(track.with_xy(xy), Config().tracking)
    body, scene = orient(clean, image_width_px=spec.image_width_px, image_height_px=spec.image_height_px)
    contacts = FootSpeedContactDetector().detect(body, scene).contacts_
    assert not any(195 <= c.ic_frame <= 325 or 195 <= c.to_frame <= 325 for c in contacts)
    assert len(contacts) >= len(truth.contacts) - 8


def test_walking_and_running_told_apart_by_the_gait():
    for spec, running in ((neutral_runner(), True), (walker(), False)):
        body, scene, _ = _body(spec)
        det = FootSpeedContactDetector().detect(body, scene)
        kind = classify_gait(body, det.contacts_, step_period_s=det.step_period_s_,
                             leg_length_px=scene.leg_length_px)
        assert kind.running is running, kind.reason


def test_relabel_legs_swaps_only_around_relabelled_stances():
    body, scene, _ = _body(neutral_runner(duration_s=4))
    contacts = FootSpeedContactDetector().detect(body, scene).contacts_
    assert not any(c.relabelled for c in contacts)
    same, swapped = relabel_legs(body, contacts)
    assert same is body and not swapped.any()


def test_relabel_legs_follows_the_nearest_stance_of_every_frame():
    body, scene, _ = _body(neutral_runner(duration_s=4))
    contacts = FootSpeedContactDetector().detect(body, scene).contacts_
    flagged = [replace(c, relabelled=i % 3 == 1) for i, c in enumerate(contacts)]
    _, swapped = relabel_legs(body, flagged)
    centres = np.array([(c.ic_row + c.to_row) / 2 for c in flagged])
    want = np.array([flagged[int(np.argmin(np.abs(centres - row)))].relabelled for row in range(len(body))])
    assert swapped.any() and not swapped.all()
    np.testing.assert_array_equal(swapped, want)


def test_landing_is_interpolated_between_the_frame_before_ic_and_ic():
    """`Contact.ic_row_subframe` lies in (ic_row - 1, ic_row] and, on a noise-free runner whose landings fall
    on frames, within a third of a frame of the true IC on average (not up to a frame after it)."""
    body, scene, truth = _body(neutral_runner(fps=60.0, duration_s=6))
    contacts = FootSpeedContactDetector().detect(body, scene).contacts_
    true_ic = {ic for _s, ic, _to in truth.contacts}
    offsets = []
    for c in contacts:
        assert c.ic_row_subframe is not None and c.ic_row - 1 < c.ic_row_subframe <= c.ic_row
        nearest = min(true_ic, key=lambda t: abs(t - c.ic_row))
        offsets.append(c.ic_row_subframe - nearest)
    assert abs(np.mean(offsets)) < 0.35


def test_crossing_row_interpolates_the_threshold():
    from stridelens.gait.events import _crossing_row

    v = np.array([0.0, -0.2, -0.4, -0.8, -1.0])
    assert _crossing_row(v, 3, -0.6) == pytest.approx(2.5)
    assert _crossing_row(v, 0, -0.6) == 0.0  # no frame before: the IC frame itself
    assert _crossing_row(np.array([0.0, np.nan, -0.8]), 2, -0.6) == 2.0  # a missing neighbour: likewise


def test_a_toe_that_stalls_in_mid_stance_does_not_end_the_stance():
    """BlazePose's toe point can stall for a few frames while the foot is still on the belt (the slow-motion
    clip: its toe fell to 0.13 x the stance speed, below 0.4 x for 40 ms in mid-stance, which ended that
    stance 190 ms early). TO is counted on from the toe's last backward frame within the foot's own stance
    run, so such a stall leaves every stance's TO where it is."""
    spec = neutral_runner(fps=120.0, duration_s=5)
    body, scene, _ = _body(spec)
    before = FootSpeedContactDetector().detect(body, scene).contacts_
    c = before[len(before) // 2]
    toe = KEYPOINT_INDEX["left_toe" if c.side == "L" else "right_toe"]
    hip_x = body.mid("left_hip", "right_hip")[:, 0]
    xy = body.xy.copy()
    mid = (c.ic_row + c.to_row) // 2
    stall = slice(mid - 2, mid + 3)
    # the toe keeps its place relative to the hip for 5 frames, then rejoins the foot
    xy[stall, toe, 0] = xy[mid - 3, toe, 0] - hip_x[mid - 3] + hip_x[stall]
    after = FootSpeedContactDetector().detect(body.with_xy(xy), scene).contacts_
    assert [(a.ic_row, a.to_row) for a in after] == [(b.ic_row, b.to_row) for b in before]
