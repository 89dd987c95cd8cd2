"""The engine on real clips from ../shared/data: annotated contacts, cadence, and the negative clips.

Runs the real pose model (seconds per clip), so these are marked `slow`; they skip with a reason when
../shared/data is absent.
"""

from __future__ import annotations

import pytest

import stridelens
from stridelens.errors import NotRunningError, SlowMotionError, WrongViewError
from stridelens.eval import load_annotation, score_contacts

pytestmark = pytest.mark.slow

# clip, analysis options, tolerance in file frames (2 real frames; the slow-motion clip's file frames are
# ~10x finer than real ones, see the data README)
ANNOTATED = [
    ("zzzhushi_male_side_treadmill_30fps", {}, 2),
    ("mhuang24_treadmill_side_lab_slowmo", {"fps_override": 299.7}, 20),
]


@pytest.fixture(scope="module")
def analyses(shared_data):
    out = {}
    for name, options, _ in ANNOTATED:
        out[name] = stridelens.analyze(shared_data / "videos" / f"{name}.mp4", **options)
    return out


@pytest.mark.parametrize(("name", "options", "tol"), ANNOTATED)
def test_contacts_and_cadence_match_annotation(analyses, shared_data, name, options, tol):
    ann = load_annotation(shared_data / "annotations" / f"{name}.events.json")
    result = analyses[name]
    score = score_contacts([c.ic_frame for c in result.contacts], ann.ic_frames, tol)
    assert score.recall >= 0.9, f"found {score.found}/{score.annotated}: {score.errors_frames}"
    assert score.spurious_fraction <= 0.1
    truth_cadence = ann.real_cadence_spm(result.video.capture_fps)
    assert result.cadence_spm == pytest.approx(truth_cadence, abs=2.0)


def test_feet_are_named_right(analyses, shared_data):
    """Near/far and alternation name the feet as the annotator did (R and L on both clips)."""
    for name, _, tol in ANNOTATED:
        ann = load_annotation(shared_data / "annotations" / f"{name}.events.json")
        by_frame = {c.ic_frame: c.side for c in analyses[name].contacts}
        score = score_contacts(list(by_frame), ann.ic_frames, tol)
        agree = sum(by_frame[d] == ann.sides[i] for i, d in score.matches)
        assert agree / score.found >= 0.9, name


def test_mit_clip_cadence_matches_publisher(analyses):
    # groundtruth/zzzhushi_male_side.groundtruth.json: 168.9 +- 0.5 steps/min, measured from pixels
    assert analyses["zzzhushi_male_side_treadmill_30fps"].cadence_spm == pytest.approx(168.9, abs=2.0)


def test_slow_motion_without_fps_is_refused_with_advice(shared_data):
    with pytest.raises(SlowMotionError) as exc:
        stridelens.analyze(shared_data / "videos" / "mhuang24_treadmill_side_lab_slowmo.mp4")
    assert "running" in exc.value.message and "slow motion" in exc.value.message
    assert "--fps" in exc.value.advice


@pytest.mark.parametrize(("clip", "error", "words"), [
    ("sports2d_demo4_walk_side_indoor.mp4", NotRunningError, ["walking"]),
    ("sports2d_demo5_front_dumbbell_NEGATIVE.mp4", WrongViewError, ["front view"]),
    ("sports2d_demo_walk_side_plus_jumper.mp4", NotRunningError, ["walking", "several people"]),
])
def test_negative_clips_are_refused_with_the_right_reason(shared_data, clip, error, words):
    with pytest.raises(error) as exc:
        stridelens.analyze(shared_data / "videos" / clip)
    for word in words:
        assert word in exc.value.message.lower()
    assert exc.value.advice


def test_pose_pass_halves_give_the_same_checks_on_one_or_two_cores(shared_data):
    """Two people in view: the other-people and camera checks of the halves (run at once or one after the
    other, one shared people counter) add up to the same figures, and someone else is seen."""
    from stridelens.config import Config
    from stridelens.io import probe_video
    from stridelens.pose.video_pass import _plan, estimate_poses

    clip = shared_data / "videos" / "sports2d_demo_walk_side_plus_jumper.mp4"
    info = probe_video(clip, Config().video)
    assert _plan(info, Config())[1] is not None, "the clip is long enough to be cut in two"
    runs = [estimate_poses(info, Config().with_options(workers=w)) for w in (1, 2)]
    assert runs[0].other_people_fraction == runs[1].other_people_fraction
    assert runs[0].other_people_fraction > 0.3
    assert runs[0].camera_shift_pct == runs[1].camera_shift_pct
