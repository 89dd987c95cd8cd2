"""annotated.mp4 (`stridelens.report.video`): browser-playable H.264, one frame per analysed frame."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

import stridelens
from stridelens.config import Config, VideoConfig
from stridelens.io import iter_frames
from stridelens.report import to_report
from stridelens.report import video as video_module
from stridelens.report.html import write_html
from stridelens.report.video import write_annotated_video
from stridelens.synthetic import hips_back_runner
from tests.fixtures.report_clips import small_spec, synthetic_analysis


def _decode(path) -> tuple[dict, list[np.ndarray]]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        facts = {"codec": stream.codec_context.name, "pix_fmt": stream.codec_context.pix_fmt,
                 "width": stream.codec_context.width, "height": stream.codec_context.height,
                 "rate": stream.average_rate, "duration_s": float(container.duration or 0) / 1e6}
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    return facts, frames


@pytest.fixture(scope="module")
def annotated(any_analysis, tmp_path_factory):
    path = tmp_path_factory.mktemp("video") / "annotated.mp4"
    calls: list[tuple[str, float]] = []
    write_annotated_video(any_analysis, path, progress=lambda stage, f: calls.append((stage, f)))
    facts, frames = _decode(path)
    return path, facts, frames, calls


@pytest.fixture(scope="module")
def source_images(any_analysis):
    """The source video's frames by frame index, as the video pass decodes them."""
    return {f.index: f.image for f in iter_frames(any_analysis.video, any_analysis.config.video)}


def test_h264_yuv420p_one_frame_per_analysed_frame(annotated, any_analysis):
    _, facts, frames, _ = annotated
    assert facts["codec"] == "h264"
    assert facts["pix_fmt"] == "yuv420p"
    assert len(frames) == len(any_analysis.clean_track)
    assert facts["width"] % 2 == 0 and facts["height"] % 2 == 0
    assert (facts["width"], facts["height"]) == (any_analysis.video.width_px, any_analysis.video.height_px)


def test_playback_speed_matches_the_source(annotated, any_analysis):
    _, facts, frames, _ = annotated
    assert facts["rate"] == Fraction(any_analysis.video.file_fps).limit_denominator(1001)
    media_length_s = facts["duration_s"]  # the file's playback length, not a timing
    assert media_length_s == pytest.approx(len(frames) / any_analysis.video.file_fps, abs=0.05)


def test_faststart_puts_the_index_first(annotated):
    data = annotated[0].read_bytes()
    assert 0 < data.find(b"moov") < data.find(b"mdat")


def test_progress_reports_the_video_stage(annotated):
    calls = annotated[3]
    assert calls and {stage for stage, _ in calls} == {"video"}
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_frames_are_drawn_on(annotated, any_analysis, source_images):
    """Each output frame differs from its source frame where the overlay is (skeleton, panel)."""
    _, _, frames, _ = annotated
    source = source_images
    rows = np.linspace(0, len(frames) - 1, 6).astype(int)
    for row in rows:
        original = source[int(any_analysis.clean_track.frame_index[row])].astype(int)
        changed = np.abs(frames[row].astype(int) - original).max(axis=2) > 40
        assert changed.mean() > 0.02, f"frame {row}: overlay missing"


def test_each_frame_shows_its_own_source_frame(annotated, any_analysis, source_images):
    """The encoder refills one output frame for every picture: each encoded frame must still be the picture
    drawn for it (closer to its own source frame than to its neighbours), not a neighbour's or a blend."""
    _, _, frames, _ = annotated
    index = any_analysis.clean_track.frame_index

    def distance(row: int, source_row: int) -> float:
        return float(np.abs(frames[row].astype(float) - source_images[int(index[source_row])]).mean())

    for row in np.linspace(3, len(frames) - 4, 5).astype(int):
        own = distance(row, row)
        others = [distance(row, row + k) for k in (-3, 3)]
        assert own < min(others), f"frame {row}: {own:.2f} vs neighbours {others}"


def test_only_the_analysed_part_is_written(tmp_path):
    """--start/--end: output frames are exactly the analysed ones, even when the file has more."""
    config = Config(video=VideoConfig(start_s=1.0, end_s=3.5))
    analysis = synthetic_analysis(tmp_path, small_spec(hips_back_runner), config, rows=slice(30, 106))
    assert analysis.clean_track.frame_index[0] == 30
    write_annotated_video(analysis, tmp_path / "part.mp4")
    facts, frames = _decode(tmp_path / "part.mp4")
    assert len(frames) == len(analysis.clean_track) == 76
    assert facts["codec"] == "h264"


def test_large_videos_are_scaled_down(any_analysis, tmp_path, monkeypatch):
    monkeypatch.setattr(video_module, "MAX_SIDE_PX", 200)
    write_annotated_video(any_analysis, tmp_path / "small.mp4")
    facts, frames = _decode(tmp_path / "small.mp4")
    assert max(facts["width"], facts["height"]) <= 200
    assert facts["width"] % 2 == 0 and facts["height"] % 2 == 0
    assert len(frames) == len(any_analysis.clean_track)


@pytest.mark.slow
def test_demo_clip_end_to_end(demo_clip, tmp_path):
    """The real pose model on the bundled demo clip, then both outputs."""
    analysis = stridelens.analyze(demo_clip)
    write_annotated_video(analysis, tmp_path / "annotated.mp4")
    facts, frames = _decode(tmp_path / "annotated.mp4")
    assert facts["codec"] == "h264" and len(frames) == len(analysis.clean_track)
    write_html(to_report(analysis), analysis, tmp_path / "report.html")
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert text.count("data:image/jpeg;base64,") >= 2 and "http://" not in text.replace(
        'xmlns="http://www.w3.org/2000/svg"', "").replace('xmlns:xlink="http://www.w3.org/1999/xlink"', "")


def test_the_video_pass_hands_the_report_its_still_frames(any_analysis, tmp_path, monkeypatch):
    """The stills come from the annotated video's decoding: the same pictures as decoding them anew, and no
    decoding of their own."""
    from stridelens.report import stills as stills_module
    from stridelens.report.html import still_steps
    from stridelens.report.stills import StillFrames, step_stills

    picks = still_steps(any_analysis)
    assert picks, "the synthetic runner has steps to show"
    decoded = step_stills(any_analysis, picks)
    frames = StillFrames(any_analysis, picks)
    write_annotated_video(any_analysis, tmp_path / "annotated.mp4", stills=frames)
    assert set(frames.wait()) == frames.wanted

    def no_decoding(*args, **kwargs):
        raise AssertionError("the stills decoded the video again")

    monkeypatch.setattr(stills_module, "iter_frames", no_decoding)
    handed = step_stills(any_analysis, picks, frames=frames)
    assert {i: (s.landing_jpeg, s.midstance_jpeg) for i, s in handed.items()} == \
        {i: (s.landing_jpeg, s.midstance_jpeg) for i, s in decoded.items()}


def test_stills_are_still_made_when_the_video_pass_fails(any_analysis, tmp_path, monkeypatch):
    """A video pass that ends early closes its hand-over, so the report never waits for it forever; the stills
    then decode their own frames."""
    from stridelens.report.html import still_steps
    from stridelens.report.stills import StillFrames, step_stills

    picks = still_steps(any_analysis)
    frames = StillFrames(any_analysis, picks)

    def broken_encoder(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(video_module, "_open_output", broken_encoder)
    with pytest.raises(OSError):
        write_annotated_video(any_analysis, tmp_path / "annotated.mp4", stills=frames)
    assert set(step_stills(any_analysis, picks, frames=frames)) == set(step_stills(any_analysis, picks))


def test_a_video_pass_that_fails_before_its_first_frame_still_releases_the_report(any_analysis, tmp_path,
                                                                                  monkeypatch):
    from stridelens.report.html import still_steps
    from stridelens.report.stills import StillFrames

    frames = StillFrames(any_analysis, still_steps(any_analysis))

    def broken_overlay(*args, **kwargs):
        raise RuntimeError("overlay failed")

    monkeypatch.setattr(video_module, "Overlay", broken_overlay)
    with pytest.raises(RuntimeError):
        write_annotated_video(any_analysis, tmp_path / "annotated.mp4", stills=frames)
    import threading

    waiter = threading.Thread(target=frames.wait, daemon=True)
    waiter.start()
    waiter.join(timeout=10)
    assert not waiter.is_alive(), "the report would wait forever for the failed pass"
    assert frames.wait() == {}  # nothing came: the report decodes its own frames


def test_drawing_on_the_i420_frame_matches_drawing_on_the_whole_frame_in_rgb(any_analysis):
    """The video pass converts to RGB only the parts the overlay and the panel cover: outside them the decoded
    picture goes to the encoder untouched, and inside them it looks as if the whole frame had been drawn on
    in RGB."""
    import cv2

    from stridelens.report.draw import Overlay, View, unit_of

    overlay = Overlay(any_analysis)
    h, w = any_analysis.video.height_px, any_analysis.video.width_px
    view = View(unit=unit_of(h, w))
    frames = {f.index: f.image for f in iter_frames(any_analysis.video, any_analysis.config.video, pixels="i420")}
    for row in (0, overlay.n_rows // 3, overlay.n_rows - 1):
        source = frames[int(any_analysis.clean_track.frame_index[row])]
        drawn = source.copy()
        video_module._draw_frame(overlay, drawn, row, view)
        rgb = cv2.cvtColor(source, cv2.COLOR_YUV2RGB_I420)
        overlay.draw(rgb, row, view)
        overlay.draw_panel(rgb, row, view)
        expected = cv2.cvtColor(cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420), cv2.COLOR_YUV2RGB_I420)
        got = cv2.cvtColor(drawn, cv2.COLOR_YUV2RGB_I420)
        touched = np.zeros((h, w), bool)
        for box in (overlay.draw_box(row, view, (h, w)), overlay.panel_box(row, view, (h, w))):
            x0, y0, x1, y1 = video_module._even_box(box, h, w)
            touched[y0:y1, x0:x1] = True
        assert touched.mean() < 0.9  # most of a 320 x 240 frame is the runner and the panel, not all of it
        untouched_luma = ~touched
        assert np.array_equal(drawn[:h][untouched_luma], source[:h][untouched_luma]), row
        diff = np.abs(got.astype(int) - expected.astype(int))[touched]
        assert (got != cv2.cvtColor(source, cv2.COLOR_YUV2RGB_I420))[touched].any()  # drawn on
        # where the panel overlaps the runner that part goes through RGB twice: 0.01-0.02 mean, a few pixels 9-19
        assert diff.mean() < 0.1 and np.percentile(diff, 99.9) <= 6, (row, diff.mean(), diff.max())
