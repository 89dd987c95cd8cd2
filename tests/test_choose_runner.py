"""Choosing the runner when several people are in view: a fake pose model that follows a walker until the
walker is painted over, then the runner (what BlazePose does with two people, one at a time)."""

from __future__ import annotations

import numpy as np
import pytest

import stridelens
from stridelens.errors import NotRunningError
from stridelens.pose import PoseResult
from stridelens.synthetic import make_runner, neutral_runner, walker
from tests.fixtures.media import make_video

W, H, FPS, SECONDS = 320, 240, 60, 6.0


class FakeTwoPeople:
    """Returns the walker's keypoints, unless the walker's place in the frame has been painted grey."""

    name = "fake"

    def __init__(self, runner_present: bool = True):
        kw = {"image_width_px": W, "image_height_px": H, "leg_length_px": 60, "duration_s": SECONDS, "fps": FPS}
        self.walker, _ = make_runner(walker(**kw))
        self.runner, _ = make_runner(neutral_runner(**kw))
        self.runner_present = runner_present
        self.i = 0

    def estimate(self, image_rgb: np.ndarray) -> PoseResult:
        i, self.i = self.i % len(self.walker), self.i + 1  # the second pass starts again at frame 0
        hip = self.walker.mid("left_hip", "right_hip")[i]
        painted = np.isfinite(hip).all() and image_rgb[int(hip[1]), int(np.clip(hip[0], 0, W - 1))].mean() == 127
        track = self.runner if painted else self.walker
        if painted and not self.runner_present:
            return PoseResult.missing()
        xy = track.xy[i] / np.array([W, H])
        return PoseResult(xy_norm=xy, confidence=np.where(np.isfinite(xy[:, 0]), 0.9, 0.0))

    def close(self) -> None:
        pass


class FakePeople:
    """Says someone else is always in view (the `PeopleCounter` interface)."""

    fraction_with_others = 1.0
    checked_ = 1
    with_others_ = 1

    def update(self, image_rgb, box) -> bool:
        return True


@pytest.fixture(scope="module")
def blank_video(tmp_path_factory):
    return make_video(tmp_path_factory.mktemp("two") / "two.mp4", frames=int(SECONDS * FPS), width=W, height=H,
                      fps=FPS, pan_px_per_frame=0)


def test_the_runner_is_chosen_over_a_walker(blank_video):
    result = stridelens.analyze(blank_video, estimator=FakeTwoPeople(), people=FakePeople())
    assert result.cadence_spm == pytest.approx(170, abs=2)
    note = next(q for q in result.quality if q.key == "runner_chosen")
    assert "was not running" in note.message


def test_when_nobody_runs_the_first_reason_is_given(blank_video):
    with pytest.raises(NotRunningError) as exc:
        stridelens.analyze(blank_video, estimator=FakeTwoPeople(runner_present=False), people=FakePeople())
    assert "walking" in exc.value.message and "None of the other people" in exc.value.message
