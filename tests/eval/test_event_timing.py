"""`eval.timing.event_timing_effect`: every metric re-read at the annotator's events, on a synthetic runner."""

from __future__ import annotations

import pytest

from stridelens.eval.annotations import AnnotatedClip
from stridelens.eval.timing import event_timing_effect, markdown_table
from stridelens.synthetic import neutral_runner
from tests.fixtures.synth import analyse_synthetic


def _annotation_of(analysis, to_shift_frames: int) -> AnnotatedClip:
    contacts = analysis.contacts
    return AnnotatedClip(clip="synthetic.mp4", fps=analysis.video.capture_fps, direction="", setting="treadmill",
                         ic_frames=tuple(c.ic_frame for c in contacts),
                         to_frames=tuple(c.to_frame + to_shift_frames for c in contacts),
                         sides=tuple(c.side for c in contacts), strikes=("",) * len(contacts),
                         cadence_spm=170.0, cadence_is_file_time=False, slowmo_factor_estimate=None)


@pytest.fixture(scope="module")
def analysis():
    result, _ = analyse_synthetic(neutral_runner(fps=60.0, duration_s=6.0, seed=3))
    return result


def test_the_detected_events_as_annotation_change_only_the_sub_frame_landing(analysis):
    """Annotated = detected: metrics not read at IC are identical; those read at IC differ only by the
    detector's sub-frame landing, which the annotation (whole frames) does not have."""
    effects = {e.metric: e for e in event_timing_effect(_annotation_of(analysis, 0), analysis)}
    assert effects["contact_time_ms"].steps >= 14
    for key in ("step_time_s", "contact_time_ms", "flight_time_ms", "body_lean_mean_deg", "hip_extension_to_deg",
                "trunk_lean_deg", "hip_offset_pct", "knee_flexion_mid_deg"):
        assert effects[key].difference == pytest.approx(0.0, abs=1e-9), key
    assert abs(effects["knee_flexion_ic_deg"].difference) < 2.0


def test_toe_offs_annotated_two_frames_earlier_read_as_two_frames_of_contact_time(analysis):
    effects = {e.metric: e for e in event_timing_effect(_annotation_of(analysis, -2), analysis)}
    assert effects["contact_time_ms"].difference == pytest.approx(2000.0 / 60.0, abs=1e-6)
    assert effects["flight_time_ms"].difference == pytest.approx(-2000.0 / 60.0, abs=1e-6)
    assert effects["step_time_s"].difference == pytest.approx(0.0, abs=1e-9)
    # two more frames of stance with the foot moving back: the ankle -> COM line leans further on average
    assert effects["body_lean_mean_deg"].difference > 1.0
    assert abs(effects["hip_extension_to_deg"].difference) > 0.1  # read at another frame
    table = markdown_table({"synthetic.mp4": list(effects.values())})
    assert "| contact_time_ms | +33.3 (" in table and "confidence" not in table
