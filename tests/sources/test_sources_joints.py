"""Joint centres from marker clusters (SCoRE, Harrington) and marker names -> canonical keypoints."""

from __future__ import annotations

import numpy as np
import pytest

from stridelens.sources.joints import functional_joint_centre, harrington_hip_centres, rigid_poses
from stridelens.sources.markers import keypoints_from_markers, parse_name


def _rot_z(a: np.ndarray) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    r = np.zeros((len(a), 3, 3))
    r[:, 0, 0], r[:, 0, 1], r[:, 1, 0], r[:, 1, 1], r[:, 2, 2] = c, -s, s, c, 1.0
    return r


def _rot_x(a: np.ndarray) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    r = np.zeros((len(a), 3, 3))
    r[:, 0, 0], r[:, 1, 1], r[:, 1, 2], r[:, 2, 1], r[:, 2, 2] = 1.0, c, -s, s, c
    return r


def _leg(t: int = 200, abduction_rad: float = 0.15):
    """Pelvis translating; thigh swinging (ball joint at the hip); shank hinged at the knee (thigh's z axis)."""
    phase = np.linspace(0, 4 * np.pi, t)
    pelvis_origin = np.stack([0.3 * np.sin(phase / 2), 1.0 + 0.03 * np.sin(2 * phase), np.zeros(t)], 1)
    pelvis_local = np.array([[0.12, 0.1, -0.12], [0.12, 0.1, 0.12], [-0.05, 0.12, -0.05], [-0.05, 0.12, 0.05]])
    hip_local = np.array([0.0, 0.0, 0.09])
    r_thigh = _rot_z(0.6 * np.sin(phase)) @ _rot_x(abduction_rad * np.cos(phase))
    hip = pelvis_origin + hip_local
    thigh_local = np.array([[0.05, -0.15, 0.06], [0.04, -0.25, 0.07], [0.06, -0.35, 0.05]])
    knee_in_thigh = np.array([0.0, -0.45, 0.0])
    knee = hip + np.einsum("tij,j->ti", r_thigh, knee_in_thigh)
    r_shank = r_thigh @ _rot_z(-0.8 * (1 + np.sin(phase + 1)))
    shank_local = np.array([[0.05, -0.1, 0.05], [0.04, -0.2, 0.06], [0.06, -0.3, 0.04]])
    pelvis = pelvis_origin[:, None] + pelvis_local[None]
    thigh = hip[:, None] + np.einsum("tij,mj->tmi", r_thigh, thigh_local)
    shank = knee[:, None] + np.einsum("tij,mj->tmi", r_shank, shank_local)
    return pelvis, thigh, shank, hip, knee


def test_rigid_poses_reproduce_the_cluster():
    _, thigh, _, _, _ = _leg()
    r, o = rigid_poses(thigh)
    local = thigh[0] - thigh[0].mean(0)
    np.testing.assert_allclose(np.einsum("tij,mj->tmi", r, local) + o[:, None], thigh, atol=1e-9)


def test_score_finds_a_ball_joint_exactly_and_a_hinge_on_its_axis():
    pelvis, thigh, shank, hip, knee = _leg()
    fit = functional_joint_centre(pelvis, thigh)
    assert fit.rms_residual_m < 1e-6 and fit.range_deg > 20
    np.testing.assert_allclose(fit.position_m, hip, atol=1e-6)
    hinge = functional_joint_centre(thigh, shank)
    assert hinge.rms_residual_m < 1e-6
    # any point on the hinge axis fits; the one chosen lies near the clusters, so it projects onto the knee
    # exactly while the axis stays medio-lateral, and within (lateral offset) x sin(axis tilt) otherwise
    assert np.abs(hinge.position_m[:, :2] - knee[:, :2]).max() < 0.06 * np.sin(0.15)
    _, thigh, shank, _, knee = _leg(abduction_rad=0.0)
    flat = functional_joint_centre(thigh, shank)
    np.testing.assert_allclose(flat.position_m[:, :2], knee[:, :2], atol=1e-6)


def test_score_needs_two_clusters_seen_together():
    pelvis, thigh, *_ = _leg()
    thigh = thigh.copy()
    thigh[5:] = np.nan
    assert functional_joint_centre(pelvis, thigh) is None


def test_harrington_regression_on_a_textbook_pelvis():
    # pelvis width 250 mm, depth 160 mm, pelvis frame = lab frame (x anterior, y up, z right)
    t = 3
    lasi, rasi = np.tile([0.0, 0.0, -0.125], (t, 1)), np.tile([0.0, 0.0, 0.125], (t, 1))
    lpsi, rpsi = np.tile([-0.16, 0.0, -0.04], (t, 1)), np.tile([-0.16, 0.0, 0.04], (t, 1))
    hips = harrington_hip_centres(lasi, rasi, lpsi, rpsi)
    expected_r = np.array([-0.24 * 160 - 9.9, -0.30 * 250 - 10.9, 0.33 * 250 + 7.3]) / 1000
    np.testing.assert_allclose(hips["R"][0], expected_r, atol=1e-9)
    np.testing.assert_allclose(hips["L"][0], expected_r * [1, 1, -1], atol=1e-9)


@pytest.mark.parametrize(("name", "parsed"), [
    ("RASI", ("R", "asis")), ("LPSI", ("L", "psis")), ("RTH2", ("R", "thigh")), ("LTB3", ("L", "shank")),
    ("RCAL", ("R", "heel")), ("LHEE", ("L", "heel")), ("RTOE", ("R", "toe")), ("RMT5", ("R", "mt5")),
    ("RACR", ("R", "shoulder")), ("LSHO", ("L", "shoulder")), ("RKNE", ("R", "knee_lat")),
    ("RANK", ("R", "ankle_lat")), ("RHip", ("R", "hip")), ("LBigToe", ("L", "toe")), ("calcn_r", ("R", "heel")),
    ("right_foot_index", ("R", "toe")), ("Subject1:LFHD", ("L", "head_marker")), ("C7", (None, "c7")),
    ("CLAV", (None, "clav")), ("RFAradius", ("R", "wrist_marker")), ("RUA1", None), ("SACR", None)])
def test_marker_names(name, parsed):
    assert parse_name(name) == parsed


def test_hamner_style_marker_set_gives_every_leg_keypoint():
    pelvis, thigh, shank, hip, knee = _leg(abduction_rad=0.0)
    t = len(hip)
    rng = np.random.default_rng(1)
    foot = knee[:, None] + np.array([[-0.05, -0.45, 0.0], [0.15, -0.5, 0.0], [0.12, -0.5, 0.04]]) \
        + rng.normal(0, 1e-9, (t, 3, 3))
    shoulders = hip[:, None] + np.array([[0.0, 0.5, -0.2], [0.0, 0.5, 0.1]])
    names = ("LASI", "RASI", "LPSI", "RPSI", "RTH1", "RTH2", "RTH3", "RTB1", "RTB2", "RTB3", "RCAL", "RTOE",
             "RMT5", "LACR", "RACR", "C7")
    xyz = np.concatenate([pelvis, thigh, shank, foot, shoulders, shoulders[:, :1] + [0.0, 0.05, 0.15]], 1)
    kp = keypoints_from_markers(names, xyz)
    assert "functional centre" in kp.sources["right_hip"] and "functional centre" in kp.sources["right_knee"]
    np.testing.assert_allclose(kp.points_m["right_hip"][:, :2], hip[:, :2], atol=1e-6)  # planar: a hinge
    np.testing.assert_allclose(kp.points_m["right_knee"][:, :2], knee[:, :2], atol=1e-6)
    assert kp.sources["right_heel"].startswith("RCAL") and "stand-in" in kp.sources["left_ear"]
    assert kp.confidence["right_hip"] < 1.0 == kp.confidence["right_heel"]
    assert "left_hip" not in kp.points_m or "functional" not in kp.sources["left_hip"]  # no left thigh cluster
