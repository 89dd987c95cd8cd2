"""The toe-speed-after-TO measure (eval.toe_speed) on a toe whose velocity is known."""

import numpy as np
import pytest

from stridelens.eval.toe_speed import angle_change_around_to, speed_ratios_after_to


def test_ratios_follow_a_known_deceleration():
    # toe flat on the belt at -2 m/s from IC (0.1 s) to TO (0.4 s), then slowing linearly to a stop in 0.1 s
    time_s = np.arange(0.0, 0.8, 0.001)
    velocity = np.where(time_s < 0.4, -2.0, -2.0 * np.clip(1 - (time_s - 0.4) / 0.1, 0, 1))
    toe_x_m = np.cumsum(velocity) * 0.001
    ratios = speed_ratios_after_to(time_s, toe_x_m, [(0.1, 0.4)], after_s=(0.025, 0.05, 0.1))
    assert ratios.shape == (1, 3)
    assert ratios[0] == pytest.approx([0.75, 0.5, 0.0], abs=0.02)


def test_stances_outside_the_data_are_left_out():
    time_s = np.arange(0.0, 0.5, 0.01)
    ratios = speed_ratios_after_to(time_s, -time_s, [(-0.2, 0.1), (0.1, 0.4), (0.2, 0.48)])
    assert ratios.shape == (1, 4)
    assert ratios[0] == pytest.approx([1.0, 1.0, 1.0, 1.0])


def test_angle_changes_around_to_follow_a_known_ramp():
    # an angle rising 100 deg/s until TO (0.3 s), then falling at 50 deg/s
    time_s = np.arange(0.0, 0.6, 0.001)
    angle = np.where(time_s < 0.3, 100 * time_s, 30 - 50 * (time_s - 0.3))
    rows = angle_change_around_to(time_s, angle, [0.3, 0.58], around_s=(-0.05, 0.0, 0.02))
    assert rows.shape == (1, 3)  # the TO at 0.58 s has no 20 ms after it in the data
    assert rows[0] == pytest.approx([-5.0, 0.0, -1.0], abs=1e-6)
