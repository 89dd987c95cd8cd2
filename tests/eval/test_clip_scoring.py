"""`eval.run.evaluate_clip`: errors in real frames and real milliseconds, also for slow motion."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from stridelens.eval.annotations import AnnotatedClip
from stridelens.eval.run import evaluate_clip, pool_clips


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
    e = row.events
    assert e.found_within_2 == 4 and e.spurious_within_2 == 0 and e.missed_within_2 == 0
    assert e.ic.median_frames == pytest.approx(1.0) and e.ic.mean_frames == pytest.approx(1.0)
    assert e.ic.median_ms == pytest.approx(1000.0 / file_fps)
    assert e.ic.p95_abs_ms == pytest.approx(1000.0 / file_fps)
    assert e.to.median_frames == pytest.approx(1.0 + 1.0 / k)
    assert e.to.mean_ms == pytest.approx((k + 1) * 1000.0 / capture_fps)
    assert e.contact_time_error_median_ms == pytest.approx(1000.0 / capture_fps)
    assert e.contact_time_error_mean_ms == pytest.approx(1000.0 / capture_fps)


def test_clips_pool_into_one_distribution_of_events():
    """The issue's "overall": counts add up, every matched stance's error joins one distribution (a clip with
    more stances weighs more), and a missed stance is counted, not scored."""
    a = evaluate_clip(_clip(30.0, [100, 120, 140, 160], [108, 128, 148, 168]),
                      _analysis(30.0, [100, 120, 140, 160], [108, 128, 148, 168]))  # all on time
    b = evaluate_clip(_clip(30.0, [100, 120], [108, 128]), _analysis(30.0, [102], [110]))  # one 2 frames late
    overall = pool_clips([a, b]).events
    assert (overall.annotated, overall.found_within_2, overall.missed_within_2) == (6, 5, 1)
    assert b.events.missed_within_2 == 1 and b.events.ic.n == 1
    assert overall.ic.n == 5 and overall.ic.mean_frames == pytest.approx(2 / 5) and overall.ic.median_frames == 0
    assert overall.ic.mean_ms == pytest.approx(2 / 5 * 1000 / 30)
    assert overall.contact_time_error_median_ms == 0
