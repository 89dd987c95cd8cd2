"""Cleaning steps on small hand-made tracks with known answers."""

import numpy as np
import pytest

from stridelens.config import TrackingConfig
from stridelens.pose import KEYPOINTS, kp
from stridelens.tracking import Track, despike, fill_gaps, lowpass
from stridelens.tracking.clean import reject_jumps


def _track(x: np.ndarray, fps: float = 60.0) -> Track:
    """Every keypoint follows x horizontally, y = 100."""
    t = len(x)
    xy = np.zeros((t, len(KEYPOINTS), 2))
    xy[..., 0] = x[:, None]
    xy[..., 1] = 100.0
    return Track(time_s=np.arange(t) / fps, frame_index=np.arange(t), xy=xy,
                 confidence=np.full((t, len(KEYPOINTS)), 0.9), fps=fps)


def test_despike_removes_a_one_frame_spike_only():
    x = np.linspace(0, 100, 120)
    x[50] += 80.0
    cleaned, rejected = despike(_track(x), TrackingConfig(), leg_px=100.0)
    assert rejected[50].all()
    assert rejected.sum() == len(KEYPOINTS)  # nothing else
    assert np.isnan(cleaned.xy[50, 0, 0])


def test_fill_gaps_fills_short_gaps_and_keeps_long_ones():
    x = np.linspace(0, 100, 120)
    x[10:13] = np.nan  # 3 frames = 0.05 s
    x[40:80] = np.nan  # 40 frames = 0.67 s
    filled = fill_gaps(_track(x), max_gap_s=0.25)
    assert np.allclose(filled.xy[10:13, 0, 0], np.linspace(0, 100, 120)[10:13])
    assert np.isnan(filled.xy[40:80, 0, 0]).all()


def test_lowpass_has_no_lag():
    fps = 60.0
    t = np.arange(600) / fps
    clean = 50 * np.sin(2 * np.pi * 1.5 * t)
    noisy = clean + np.random.default_rng(0).normal(0, 3, t.size)
    out = lowpass(_track(noisy, fps), cutoff_hz=8.0).xy[:, 0, 0]
    lag = np.argmax(np.correlate(out[100:-100], clean[100:-100], "full")) - (t.size - 200 - 1)
    assert lag == 0
    assert np.std(out[50:-50] - clean[50:-50]) < 1.5  # noise sd 3 px halved at least


def test_reject_jumps_removes_a_short_wrong_stretch():
    fps = 300.0
    x = np.linspace(0, 30, 300)  # slow, smooth limb
    x[100:110] += 60.0  # the model jumps to the other leg for 10 frames (0.033 s)
    out, rejected = reject_jumps(_track(x, fps), leg_px=100.0, max_speed_leg_per_s=25.0, max_segment_s=0.06)
    assert rejected[100:110, kp("left_ankle")].all()
    assert not rejected[:100].any() and not rejected[110:].any()
    assert np.isnan(out.xy[105, kp("left_ankle"), 0])


@pytest.mark.parametrize("bad", [np.zeros((5, 3, 2)), np.zeros((5, len(KEYPOINTS), 3))])
def test_track_validates_shapes(bad):
    with pytest.raises(ValueError):
        Track(time_s=np.arange(5.0), frame_index=np.arange(5), xy=bad, confidence=np.zeros((5, len(KEYPOINTS))),
              fps=30.0)


@pytest.mark.parametrize("fps", [60.0, 120.0])
def test_despike_keeps_the_landing_foot(fps):
    """A noisy but outlier-free synthetic runner: the genuine heel and ankle points of the frames just before
    each initial contact, where the foot changes course, are kept (issue #4: with a 0.17-s window, 11 frames
    at 60 fps, 23-43 % of them were rejected as outliers; 2-11 % with the 7-frame cap, noise beyond the floor)."""
    from stridelens.synthetic import make_runner, neutral_runner
    from stridelens.tracking.clean import leg_length_px

    track, truth = make_runner(neutral_runner(fps=fps, noise_px=4.0, seed=3))
    _, rejected = despike(track, TrackingConfig(), leg_length_px(track))
    rows = []
    for side, ic, _to in truth.contacts:
        name = "left" if side == "L" else "right"
        lead = round(4 * fps / 60)  # the 4 frames (at 60 fps) before landing
        rows += [rejected[r, kp(f"{name}_{part}")] for r in range(ic - lead, ic) for part in ("heel", "ankle")]
    assert np.mean(rows) < 0.15
