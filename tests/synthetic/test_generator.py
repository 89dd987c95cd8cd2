"""Tests for `stridelens.synthetic.generator`: the synthetic runner must match its own truth.

Geometry is recomputed here from the keypoints with the METRICS.md definitions, independently of the
generator's internals, so a wrong keypoint or a wrong truth value fails.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import pytest

from stridelens.pose.base import KEYPOINT_INDEX, KEYPOINTS
from stridelens.synthetic import (
    RunnerSpec,
    SyntheticTruth,
    hips_back_runner,
    hips_forward_runner,
    make_runner,
    neutral_runner,
    standing,
    walker,
)
from stridelens.tracking import Track

SIDE_NAME = {"L": "left", "R": "right"}
LEG_PARTS = ("hip", "knee", "ankle", "heel", "toe")


# --- helpers: runner coordinates and METRICS.md quantities from points --------------------------------

def runner_xy(xy: np.ndarray, spec: RunnerSpec, truth: SyntheticTruth) -> np.ndarray:
    """Image pixels -> x forward, y up from the floor: undo tilt, flip y, mirror for facing."""
    cx, cy = spec.image_width_px / 2, spec.image_height_px / 2
    dx, dy_up = xy[..., 0] - cx, cy - xy[..., 1]
    a = -math.radians(truth.camera_tilt_deg)
    x = dx * math.cos(a) - dy_up * math.sin(a)
    y = dx * math.sin(a) + dy_up * math.cos(a)
    return np.stack([truth.facing * x, y + truth.floor_row_px - cy], -1)


def point(xy: np.ndarray, name: str) -> np.ndarray:
    return xy[:, KEYPOINT_INDEX[name]]


def side_point(xy: np.ndarray, side: str, part: str) -> np.ndarray:
    return point(xy, f"{SIDE_NAME[side]}_{part}")


def centre(xy: np.ndarray, part: str) -> np.ndarray:
    return (point(xy, f"left_{part}") + point(xy, f"right_{part}")) / 2


def lean_deg(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Angle from vertical of lower -> upper, forward positive."""
    d = upper - lower
    return np.degrees(np.arctan2(d[..., 0], d[..., 1]))


def leg_length(xy: np.ndarray) -> float:
    d = [np.linalg.norm(side_point(xy, s, "hip") - side_point(xy, s, "ankle"), axis=1) for s in "LR"]
    return float(np.median(np.concatenate(d)))


def stance_mask(truth: SyntheticTruth, side: str, n_frames: int) -> np.ndarray:
    mask = np.zeros(n_frames, dtype=bool)
    for s, ic, to in truth.contacts:
        if s == side:
            mask[ic:to + 1] = True
    return mask


def swing_frames(truth: SyntheticTruth, side: str) -> np.ndarray:
    """Frames strictly between a TO and the next IC of the same foot."""
    own = [c for c in truth.contacts if c[0] == side]
    return np.concatenate([np.arange(a[2] + 1, b[1]) for a, b in itertools.pairwise(own)])


@pytest.fixture(scope="module")
def neutral() -> tuple[RunnerSpec, Track, SyntheticTruth]:
    spec = neutral_runner()
    track, truth = make_runner(spec)
    return spec, track, truth


# --- the Track ---------------------------------------------------------------------------------------

def test_track_shape_time_and_confidence(neutral):
    spec, track, _ = neutral
    n = round(spec.duration_s * spec.fps)
    assert track.xy.shape == (n, len(KEYPOINTS), 2)
    assert track.fps == spec.fps
    np.testing.assert_allclose(np.diff(track.time_s), 1 / spec.fps)
    np.testing.assert_array_equal(track.frame_index, np.arange(n))
    assert np.isfinite(track.xy).all()
    assert np.all(track.conf("right_knee") == spec.confidence)  # near side when facing right
    assert np.all(track.conf("left_knee") == spec.far_side_confidence)
    assert np.all(track.conf("nose") == spec.confidence)


# --- timing ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("spec", [neutral_runner(), neutral_runner(cadence_spm=185, duty_factor=0.3, fps=120),
                                  hips_back_runner(), walker()], ids=["neutral", "fast120", "hips_back", "walker"])
def test_contacts_count_spacing_and_duration(spec):
    _, truth = make_runner(spec)
    expected = spec.duration_s * spec.cadence_spm / 60
    assert abs(len(truth.contacts) - expected) <= 2
    ics = np.array([c[1] for c in truth.contacts])
    step_frames = spec.fps * 60 / spec.cadence_spm
    assert np.all(np.abs(np.diff(ics) - step_frames) < 1.0)
    sides = [c[0] for c in truth.contacts]
    assert all(a != b for a, b in itertools.pairwise(sides))  # feet alternate
    contact_frames = {c[2] - c[1] for c in truth.contacts}
    assert contact_frames == {round(spec.duty_factor * 2 * step_frames)}
    assert truth.cadence_spm == pytest.approx(spec.cadence_spm, abs=0.5)
    assert truth.duty_factor == pytest.approx(spec.duty_factor, abs=0.02)
    assert truth.contact_time_ms == pytest.approx(1000 * contact_frames.pop() / spec.fps)


def test_contacts_are_complete_and_inside_the_clip(neutral):
    _, track, truth = neutral
    assert all(1 <= ic < to <= len(track) - 2 for _, ic, to in truth.contacts)
    assert [c[1] for c in truth.contacts] == sorted(c[1] for c in truth.contacts)


def test_running_has_flight_and_walking_has_double_support():
    for spec, flight_expected in ((neutral_runner(), True), (walker(), False)):
        track, truth = make_runner(spec)
        lo, hi = truth.contacts[0][1], truth.contacts[-1][2]
        on = [stance_mask(truth, s, len(track))[lo:hi + 1] for s in "LR"]
        assert (~on[0] & ~on[1]).any() == flight_expected
        assert (on[0] & on[1]).any() == (not flight_expected)


# --- feet and floor ----------------------------------------------------------------------------------

@pytest.mark.parametrize("spec", [neutral_runner(), neutral_runner(foot_strike_angle_deg=-6, facing=-1),
                                  hips_back_runner(treadmill=False, duration_s=3), walker()],
                         ids=["neutral", "forefoot_left", "hips_back_overground", "walker"])
def test_foot_on_floor_in_stance_and_above_in_swing(spec):
    track, truth = make_runner(spec)
    xy = runner_xy(track.xy, spec, truth)
    for side in "LR":
        heel_y, toe_y = side_point(xy, side, "heel")[:, 1], side_point(xy, side, "toe")[:, 1]
        on = stance_mask(truth, side, len(track))
        assert np.abs(np.minimum(heel_y, toe_y)[on]).max() < 1e-6  # heel or toe touches in every stance frame
        for _, ic, to in (c for c in truth.contacts if c[0] == side):
            flat = np.arange(ic + math.ceil(0.2 * (to - ic)), to - math.ceil(0.3 * (to - ic)) + 1)
            assert np.abs(heel_y[flat]).max() < 1e-6 and np.abs(toe_y[flat]).max() < 1e-6
        swing = swing_frames(truth, side)
        assert np.minimum(heel_y, toe_y)[swing].min() > 0.2
        peak_pct = 100 * side_point(xy, side, "heel")[swing, 1].max() / truth.leg_length_px
        assert (15 if spec.duty_factor > 0.5 else 25) <= peak_pct <= 45


@pytest.mark.parametrize("treadmill", [True, False])
def test_stance_foot_moves_back_at_constant_speed(treadmill):
    spec = neutral_runner(treadmill=treadmill, duration_s=2.0)
    track, truth = make_runner(spec)
    xy = runner_xy(track.xy, spec, truth)
    hip_x = centre(xy, "hip")[:, 0]
    step_px = truth.stance_speed_px_s / spec.fps
    for side, ic, to in truth.contacts:
        toe_x = side_point(xy, side, "toe")[ic + 4:to + 1, 0]  # after flattening: the toe is on the floor
        dx_ground = np.diff(toe_x)
        if treadmill:
            np.testing.assert_allclose(dx_ground, -step_px, atol=1e-6)  # carried back by the belt
        else:
            np.testing.assert_allclose(dx_ground, 0.0, atol=1e-6)  # still on the ground
        np.testing.assert_allclose(np.diff(toe_x - hip_x[ic + 4:to + 1]), -step_px, atol=1e-6)
        heel_rel = side_point(xy, side, "heel")[:, 0] - hip_x
        assert heel_rel[ic] > 0 > heel_rel[to]  # ahead of the hip at IC, behind it at TO
    assert np.ptp(hip_x) < 1e-6 if treadmill else np.allclose(np.diff(hip_x), step_px)


# --- geometry truth ----------------------------------------------------------------------------------

GEOMETRY_SPECS = {
    "neutral": neutral_runner(),
    "hips_back": hips_back_runner(),
    "hips_forward": hips_forward_runner(),
    "bend_given": neutral_runner(hip_offset_pct=-5.0, waist_bend_deg=8.0, body_lean_deg=7.0),
    "left_tilted_overground": hips_back_runner(facing=-1, camera_tilt_deg=6.0, treadmill=False, duration_s=2,
                                               leg_length_px=120),  # stays inside the image
    "forefoot_120fps": neutral_runner(foot_strike_angle_deg=-4.0, fps=120, duration_s=4),
}


@pytest.mark.parametrize("name", list(GEOMETRY_SPECS))
def test_midstance_geometry_reproduces_from_points(name):
    spec = GEOMETRY_SPECS[name]
    track, truth = make_runner(spec)
    xy = runner_xy(track.xy, spec, truth)
    big_l = leg_length(xy)
    assert big_l == pytest.approx(truth.leg_length_px, rel=1e-6)
    hip, shoulder = centre(xy, "hip"), centre(xy, "shoulder")
    assert len(truth.contacts) >= 4
    for (side, ic, to), mid in zip(truth.contacts, truth.midstance_frames, strict=True):
        assert ic + int(np.argmin(hip[ic:to + 1, 1])) == mid  # METRICS.md: lowest hip in stance
        ankle = side_point(xy, side, "ankle")[mid]
        h, s = hip[mid], shoulder[mid]
        trunk = lean_deg(h, s)
        line = lean_deg(ankle, s)
        normal = np.array([math.cos(math.radians(line)), -math.sin(math.radians(line))])
        assert trunk == pytest.approx(truth.trunk_lean_deg, abs=1e-6)
        assert trunk - lean_deg(ankle, h) == pytest.approx(truth.waist_bend_deg, abs=1e-6)
        assert line == pytest.approx(truth.ankle_shoulder_lean_deg, abs=1e-6)
        assert 100 * (h - ankle) @ normal / big_l == pytest.approx(truth.hip_offset_pct, abs=1e-6)
        heel, toe = side_point(xy, side, "heel")[ic], side_point(xy, side, "toe")[ic]
        assert 100 * (heel[0] - hip[ic, 0]) / big_l == pytest.approx(truth.foot_ahead_hip_pct, abs=1e-6)
        assert lean_deg(heel, toe) == pytest.approx(90 - truth.foot_strike_angle_deg, abs=1e-6)
        np.testing.assert_allclose(lean_deg(hip[ic:to + 1], shoulder[ic:to + 1]), truth.trunk_lean_deg,
                                   atol=1e-6)  # trunk lean is also the stance mean


@pytest.mark.parametrize("name", ["neutral", "hips_back", "hips_forward", "bend_given"])
def test_truth_matches_the_requested_posture(name):
    spec = GEOMETRY_SPECS[name]
    _, truth = make_runner(spec)
    assert truth.hip_offset_pct == pytest.approx(spec.hip_offset_pct)
    assert truth.ankle_shoulder_lean_deg == pytest.approx(spec.body_lean_deg)
    assert truth.foot_ahead_hip_pct == pytest.approx(spec.foot_ahead_pct)
    assert truth.foot_strike_angle_deg == pytest.approx(spec.foot_strike_angle_deg)
    if spec.waist_bend_deg is not None:
        assert truth.waist_bend_deg == pytest.approx(spec.waist_bend_deg)


def test_presets_have_their_described_posture():
    _, neutral_truth = make_runner(neutral_runner())
    _, back = make_runner(hips_back_runner())
    _, forward = make_runner(hips_forward_runner())
    assert neutral_truth.waist_bend_deg == pytest.approx(0.0, abs=1e-9)
    assert neutral_truth.trunk_lean_deg == pytest.approx(5.0)
    assert back.hip_offset_pct <= -6 and back.waist_bend_deg >= 10 and back.foot_ahead_hip_pct >= 30
    assert forward.hip_offset_pct >= 6 and forward.trunk_lean_deg <= 0.5


def test_knee_ik_segment_lengths_and_flexion(neutral):
    spec, track, truth = neutral
    xy = runner_xy(track.xy, spec, truth)
    for side in "LR":
        hip, knee, ankle = (side_point(xy, side, p) for p in ("hip", "knee", "ankle"))
        np.testing.assert_allclose(np.linalg.norm(knee - hip, axis=1), spec.leg_length_px / 2, rtol=1e-9)
        np.testing.assert_allclose(np.linalg.norm(ankle - knee, axis=1), spec.leg_length_px / 2, rtol=1e-9)
        thigh, shank = knee - hip, ankle - knee
        assert np.all(thigh[:, 0] * shank[:, 1] - thigh[:, 1] * shank[:, 0] <= 1e-9)  # knee bends forward
    for (side, _, _), mid in zip(truth.contacts, truth.midstance_frames, strict=True):
        hip, knee, ankle = (side_point(xy, side, p)[mid] for p in ("hip", "knee", "ankle"))
        flexion = 180 - math.degrees(math.acos((hip - knee) @ (ankle - knee)
                                               / np.linalg.norm(hip - knee) / np.linalg.norm(ankle - knee)))
        assert flexion == pytest.approx(truth.knee_flexion_midstance_deg, abs=1e-6)


def test_upper_body_is_plausible(neutral):
    spec, track, truth = neutral
    xy = runner_xy(track.xy, spec, truth)
    ears, shoulders, hips = centre(xy, "ear"), centre(xy, "shoulder"), centre(xy, "hip")
    assert np.all(ears[:, 1] > shoulders[:, 1]) and np.all(shoulders[:, 1] > hips[:, 1])
    assert np.all(point(xy, "nose")[:, 0] > ears[:, 0])  # nose ahead in the running direction
    for side in "LR":  # arms swing opposite to the legs
        wrist_x = side_point(xy, side, "wrist")[:, 0] - hips[:, 0]
        ankle_x = side_point(xy, side, "ankle")[:, 0] - hips[:, 0]
        assert np.corrcoef(wrist_x, ankle_x)[0, 1] < -0.5


# --- image placement ---------------------------------------------------------------------------------

def test_facing_left_mirrors_the_image():
    right_track, _ = make_runner(neutral_runner())
    left_track, left_truth = make_runner(neutral_runner(facing=-1))
    np.testing.assert_allclose(left_track.xy[..., 0], 1280 - right_track.xy[..., 0], atol=1e-9)
    np.testing.assert_allclose(left_track.xy[..., 1], right_track.xy[..., 1], atol=1e-9)
    assert left_truth.facing == -1
    assert np.all(left_track.point("nose")[:, 0] < left_track.mid("left_ear", "right_ear")[:, 0])
    assert np.all(left_track.conf("left_ankle") == 0.9) and np.all(left_track.conf("right_ankle") == 0.8)


def test_camera_tilt_turns_the_floor():
    spec = neutral_runner(camera_tilt_deg=4.0)
    track, truth = make_runner(spec)
    heels = np.concatenate([track.side_point(s, "heel")[ic + 4:to - 4] for s, ic, to in truth.contacts])
    slope = np.polyfit(heels[:, 0], -heels[:, 1], 1)[0]  # y up: counter-clockwise is positive
    assert math.degrees(math.atan(slope)) == pytest.approx(4.0, abs=1e-6)


def test_overground_runner_crosses_the_image_and_leaves_it():
    spec = neutral_runner(treadmill=False)  # 10 s: far more than the 1280 px image holds
    track, truth = make_runner(spec)
    hip_x = track.mid("left_hip", "right_hip")[:, 0]
    seen = np.isfinite(hip_x)
    assert seen.any() and not seen.all()
    assert np.all(np.diff(hip_x[seen]) > 0)  # runs to the right
    assert np.all(track.confidence[~np.isfinite(track.xy[..., 0])] == 0)
    steps_in_clip = spec.duration_s * spec.cadence_spm / 60  # clip length in steps, not a timing
    assert 0 < len(truth.contacts) < steps_in_clip / 2
    for side, ic, to in truth.contacts:
        assert np.isfinite(track.side_point(side, "toe")[ic - 1:to + 2]).all()


def test_far_side_offset_lifts_far_points():
    base, _ = make_runner(neutral_runner())
    shifted, _ = make_runner(neutral_runner(far_side_offset_px=4.0))
    dy = shifted.xy[..., 1] - base.xy[..., 1]
    np.testing.assert_allclose(dy[:, KEYPOINT_INDEX["left_heel"]], -2.0)  # far side: higher in the image
    np.testing.assert_allclose(dy[:, KEYPOINT_INDEX["right_heel"]], 2.0)
    np.testing.assert_allclose(dy[:, KEYPOINT_INDEX["nose"]], 0.0)


# --- noise, dropouts, swaps, seeds -------------------------------------------------------------------

def test_noise_has_the_requested_spread(neutral):
    _, track, truth = neutral
    np.testing.assert_array_equal(track.xy, truth.xy_clean_px)  # no noise requested: exact
    noisy, noisy_truth = make_runner(neutral_runner(noise_px=2.5, seed=3))
    residual = noisy.xy - noisy_truth.xy_clean_px
    assert np.std(residual) == pytest.approx(2.5, rel=0.03)
    assert abs(np.mean(residual)) < 0.05


def test_dropout_removes_the_requested_fraction():
    track, truth = make_runner(neutral_runner(dropout_fraction=0.05, seed=1))
    missing = np.isnan(track.xy).any(-1)
    assert missing.mean() == pytest.approx(0.05, abs=1e-3)
    assert np.all(track.confidence[missing] == 0) and np.all(track.confidence[~missing] > 0)
    np.testing.assert_array_equal(track.xy[~missing], truth.xy_clean_px[~missing])


def test_swaps_exchange_leg_labels_in_short_bursts():
    spec = neutral_runner(swap_fraction=0.05, seed=2)
    track, truth = make_runner(spec)
    swapped = np.zeros(len(track), dtype=bool)
    swapped[list(truth.swapped_frames)] = True
    assert swapped.sum() == round(0.05 * len(track))
    edges = np.diff(np.concatenate([[0], swapped.astype(int), [0]]))
    lengths = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
    assert lengths.min() >= 1 and lengths.max() <= 3
    clean = truth.xy_clean_px
    for part in LEG_PARTS:
        left, right = KEYPOINT_INDEX[f"left_{part}"], KEYPOINT_INDEX[f"right_{part}"]
        np.testing.assert_array_equal(track.xy[swapped, left], clean[swapped, right])
        np.testing.assert_array_equal(track.xy[~swapped, left], clean[~swapped, left])
        # hips overlap in side view: the labels show in the confidence (right = near side = higher)
        assert np.all(track.confidence[swapped, left] == spec.confidence)
        assert np.all(track.confidence[~swapped, left] == spec.far_side_confidence)
    upper = [KEYPOINT_INDEX[k] for k in KEYPOINTS if not k.endswith(LEG_PARTS)]
    np.testing.assert_array_equal(track.xy[:, upper], clean[:, upper])
    assert not np.array_equal(track.xy, clean)


def test_seeds_are_reproducible_and_streams_independent():
    spec = neutral_runner(noise_px=2.0, dropout_fraction=0.02, swap_fraction=0.02, seed=7)
    a, ta = make_runner(spec)
    b, tb = make_runner(spec)
    np.testing.assert_array_equal(a.xy, b.xy)
    np.testing.assert_array_equal(a.confidence, b.confidence)
    c, tc = make_runner(replace(spec, seed=8))
    assert not np.array_equal(a.xy, c.xy, equal_nan=True)
    assert ta.swapped_frames == tb.swapped_frames != tc.swapped_frames
    _, td = make_runner(replace(spec, noise_px=5.0))
    assert td.swapped_frames == ta.swapped_frames  # more noise does not move the swaps


# --- special runners and invalid specs ---------------------------------------------------------------

def test_standing_does_not_move():
    spec = standing(duration_s=2.0)
    track, truth = make_runner(spec)
    np.testing.assert_allclose(track.xy, np.broadcast_to(track.xy[:1], track.xy.shape))
    assert truth.contacts == () and math.isnan(truth.cadence_spm)
    xy = runner_xy(track.xy, spec, truth)
    np.testing.assert_allclose(np.linalg.norm(side_point(xy, "L", "hip") - side_point(xy, "L", "ankle"), axis=1),
                               spec.leg_length_px)
    assert truth.leg_length_px == pytest.approx(spec.leg_length_px)


@pytest.mark.parametrize("bad", [
    dict(waist_bend_deg=6.0),  # a waist bend needs a hip offset
    dict(hip_offset_pct=5.0, waist_bend_deg=6.0),  # hips ahead cannot come from bending forward
    dict(foot_ahead_pct=80.0),  # out of the leg's reach
    dict(facing=0),
    dict(duty_factor=1.2),
    dict(fps=10.0),  # too few frames per stance
])
def test_invalid_specs_raise(bad):
    with pytest.raises(ValueError):
        make_runner(neutral_runner(**bad))


# --- optional renderer -------------------------------------------------------------------------------

def test_render_video_writes_a_playable_h264_file(tmp_path):
    av = pytest.importorskip("av")
    from stridelens.synthetic import render_video

    spec = neutral_runner(duration_s=0.5, image_width_px=320, image_height_px=240, leg_length_px=60)
    track, _ = make_runner(spec)
    path = render_video(track, tmp_path / "runner.mp4", image_width_px=320, image_height_px=240)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    assert len(frames) == len(track)
    assert frames[0].shape == (240, 320, 3)
    hip, knee = track.point("right_hip")[0], track.point("right_knee")[0]
    x, y = np.round((hip + knee) / 2).astype(int)
    assert np.abs(frames[0][y, x].astype(int) - (200, 200, 190)).sum() > 60  # a limb, not background
    assert np.abs(frames[0][5, 5].astype(int) - (200, 200, 190)).sum() < 20
