"""`tracking.orient`: the floor line from the feet (camera tilt)."""

from __future__ import annotations

import numpy as np
import pytest

from stridelens.gait import Contact, stance_rows
from stridelens.synthetic import make_runner, neutral_runner
from stridelens.tracking import fit_floor_in_stance, orient
from stridelens.tracking.orient import _mirror_up


def _true_stance_rows(truth, n_rows: int) -> np.ndarray:
    contacts = [Contact(side=s, ic_row=ic, to_row=to, ic_frame=ic, to_frame=to, ic_time_s=0.0, to_time_s=0.0,
                        confidence=1.0) for s, ic, to in truth.contacts]
    return stance_rows(contacts, n_rows)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_toes_in_stance_give_the_tilt_under_noise(seed):
    """Picking the lower of heel and toe in every frame flattens a tilted floor under noise (the uphill toe
    is picked when its noise is low: 4 deg read as 1.4-2.6 deg on these runners); the toes alone do not."""
    track, truth = make_runner(neutral_runner(camera_tilt_deg=4.0, noise_px=4.0, seed=seed))
    up = _mirror_up(track.xy, 1, neutral_runner().image_width_px)
    fitted = fit_floor_in_stance(up, track, truth.leg_length_px, _true_stance_rows(truth, len(track)))
    assert fitted is not None
    tilt_deg, floor = fitted
    assert tilt_deg == pytest.approx(4.0, abs=0.5)
    assert floor["L"] == pytest.approx(floor["R"], abs=0.02 * truth.leg_length_px)  # no far-side offset here


def test_one_overground_stance_gives_no_floor_line():
    """A foot standing at one x has no slope to give: the first pass's floor is kept (None)."""
    track, truth = make_runner(neutral_runner(treadmill=False, duration_s=8, camera_tilt_deg=4.0))
    side, ic, to = truth.contacts[2]
    rows = np.zeros((len(track), 2), dtype=bool)
    rows[ic + 2:to - 2, "LR".index(side)] = True
    assert fit_floor_in_stance(_mirror_up(track.xy, 1, 1280), track, truth.leg_length_px, rows) is None


def test_stance_rows_are_the_middle_of_each_stance_under_the_keypoints_label():
    contacts = [Contact(side="L", ic_row=10, to_row=20, ic_frame=10, to_frame=20, ic_time_s=0.0, to_time_s=0.0,
                        confidence=1.0),
                Contact(side="R", ic_row=30, to_row=40, ic_frame=30, to_frame=40, ic_time_s=0.0, to_time_s=0.0,
                        confidence=1.0, relabelled=True)]
    rows = stance_rows(contacts, 50)
    # 20-80 % of each stance: rows 12-18 and 32-38, the relabelled right stance under the left label
    assert np.flatnonzero(rows[:, 0]).tolist() == [*range(12, 19), *range(32, 39)]
    assert not rows[:, 1].any()


def test_orient_says_which_line_it_used():
    """The pipeline keeps its first floor when the stances give no line; it learns that from `floor_from`,
    not from comparing tilts (a stance fit can agree with the band to the last bit)."""
    track, truth = make_runner(neutral_runner(camera_tilt_deg=4.0, noise_px=2.0, seed=0))
    size = {"image_width_px": neutral_runner().image_width_px, "image_height_px": neutral_runner().image_height_px}
    _, band = orient(track, **size)
    _, feet = orient(track, **size, stance=(track, _true_stance_rows(truth, len(track))))
    _, none = orient(track, **size, stance=(track, np.zeros((len(track), 2), dtype=bool)))
    assert (band.floor_from, feet.floor_from, none.floor_from) == ("floor band", "feet in stance", "floor band")
    assert none.floor_angle_deg == band.floor_angle_deg
    assert feet.camera_tilt_deg == pytest.approx(4.0, abs=0.5)
