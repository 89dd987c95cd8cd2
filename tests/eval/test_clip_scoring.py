"""`eval.run.evaluate_clip`: errors in real frames and real milliseconds, also for slow motion."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from stridelens.eval.annotations import AnnotatedClip
from stridelens.eval.run import evaluate_clip


def _clip(fps: float, ics: list[int], tos: list[int]) -> AnnotatedClip:
    return AnnotatedClip(clip="c.mp4", fps=fps, direction="", setting="treadmill", ic_frames=tuple(ics),
                         to_frames=tuple(tos), sides=tuple("LR"[i % 2] for i in range(len(ics))),
                         strikes=("",) * len(ics), cadence_spm=170.0, cadence_is_file_time=False,
                         slowmo_factor_estimate=None)


def _analysis(capture_fps: float, ics: list[int], tos: list[int]) -> SimpleNamespace:
    contacts = [SimpleNamespace(ic_frame=i, to_frame=t, side="LR"[n % 2])
                for n, (i, t) in enumerate(zip(ics, tos, strict=True))]
    return SimpleNamespace(video=SimpleNamespace(capture_fps=capture_fps), contacts=contacts, steps=[],
                           cadence_spm=170.0)


@pytest.mark.parametrize(("file_fps", "capture_fps"), [(30.0, 30.0), (30.0, 300.0)])
def test_errors_are_in_real_frames_and_real_milliseconds(file_fps, capture_fps):
    """Every detected contact lands 1 real frame late (10 file frames in 10x slow motion) and lasts one file
    frame longer than annotated: IC error 1 real frame = 1000 / 30 ms; contact time error one file frame
    = 1000 / capture_fps ms of real time."""
    k = int(capture_fps / file_fps)
    ann_ics = [100 * k, 120 * k, 140 * k, 160 * k]
    ann_tos = [i + 8 * k for i in ann_ics]
    det_ics = [i + k for i in ann_ics]
    det_tos = [t + k + 1 for t in ann_tos]
    row = evaluate_clip(_clip(file_fps, ann_ics, ann_tos), _analysis(capture_fps, det_ics, det_tos))
    assert row.found_within_2 == 4 and row.spurious_within_2 == 0
    assert row.ic_error_median_frames == pytest.approx(1.0)
    assert row.ic_error_median_ms == pytest.approx(1000.0 / file_fps)
    assert row.to_error_median_frames == pytest.approx(1.0 + 1.0 / k)
    assert row.contact_time_error_median_ms == pytest.approx(1000.0 / capture_fps)
