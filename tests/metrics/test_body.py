"""Sign conventions and values of the body geometry helpers (METRICS.md: x forward, y up)."""

import numpy as np
import pytest

from stridelens.metrics.body import extension_behind_deg, flexion_deg, lean_deg, signed_offset_from_line


def test_lean_forward_is_positive():
    origin = np.array([0.0, 0.0])
    assert lean_deg(origin, np.array([0.0, 10.0])) == pytest.approx(0.0)
    assert lean_deg(origin, np.array([1.0, np.sqrt(3)])) == pytest.approx(30.0)
    assert lean_deg(origin, np.array([-1.0, 1.0])) == pytest.approx(-45.0)


def test_flexion_straight_and_right_angle():
    hip, knee = np.array([0.0, 2.0]), np.array([0.0, 1.0])
    assert flexion_deg(hip, knee, np.array([0.0, 0.0])) == pytest.approx(0.0)
    assert flexion_deg(hip, knee, np.array([-1.0, 1.0])) == pytest.approx(90.0)


def test_offset_ahead_of_line_is_positive():
    ankle, shoulder = np.array([0.0, 0.0]), np.array([0.0, 10.0])
    assert signed_offset_from_line(np.array([2.0, 5.0]), ankle, shoulder) == pytest.approx(2.0)
    assert signed_offset_from_line(np.array([-3.0, 5.0]), ankle, shoulder) == pytest.approx(-3.0)


def test_offset_from_a_tilted_line():
    # line tilted 45 deg forward: a point straight above the ankle lies behind it
    d = signed_offset_from_line(np.array([0.0, 1.0]), np.array([0.0, 0.0]), np.array([1.0, 1.0]))
    assert d == pytest.approx(-np.sqrt(0.5))


def test_hip_extension_knee_behind_is_positive():
    hip, shoulder = np.array([0.0, 1.0]), np.array([0.0, 2.0])
    behind = np.array([-np.sin(np.radians(20)), 1 - np.cos(np.radians(20))])
    ahead = np.array([np.sin(np.radians(30)), 1 - np.cos(np.radians(30))])
    assert extension_behind_deg(hip, shoulder, behind) == pytest.approx(20.0)
    assert extension_behind_deg(hip, shoulder, ahead) == pytest.approx(-30.0)
