"""Video reading: rotation metadata, real timestamps, slow motion, truncation."""

from __future__ import annotations

import numpy as np
import pytest

from stridelens.config import VideoConfig
from stridelens.errors import InputError
from stridelens.io import iter_frames, probe_video
from tests.fixtures.media import make_marked_video, make_video, set_mp4_rotation


def _white_corner(image: np.ndarray) -> str:
    h, w = image.shape[:2]
    q = {"top-left": image[: h // 8, : w // 8], "top-right": image[: h // 8, -w // 8:],
         "bottom-left": image[-h // 8:, : w // 8], "bottom-right": image[-h // 8:, -w // 8:]}
    return max(q, key=lambda k: q[k].mean())


@pytest.mark.parametrize(("clockwise", "size", "corner"), [
    (0, (160, 96), "top-left"),
    (90, (96, 160), "top-right"),
    (180, (160, 96), "bottom-right"),
    (270, (96, 160), "bottom-left"),
])
def test_rotation_metadata_makes_frames_upright(tmp_path, clockwise, size, corner):
    path = set_mp4_rotation(make_marked_video(tmp_path / "r.mp4"), clockwise)
    info = probe_video(path)
    assert (info.width_px, info.height_px) == size
    frame = next(iter(iter_frames(info)))
    assert frame.image.shape[:2] == (size[1], size[0])
    assert _white_corner(frame.image) == corner


def test_timestamps_are_real_and_slow_motion_is_divided_out(tmp_path):
    path = make_video(tmp_path / "v.mp4", frames=30, fps=30)
    info = probe_video(path, VideoConfig(fps_override=240))
    assert info.capture_fps == 240 and info.capture_fps_source == "user"
    assert info.slowmo_factor == pytest.approx(8.0)
    times = [f.time_s for f in iter_frames(info)]
    assert times[0] == 0.0
    assert np.diff(times) == pytest.approx(np.full(29, 1 / 240), rel=1e-3)


def test_start_and_end_select_by_time_and_keep_file_indices(tmp_path):
    path = make_video(tmp_path / "v.mp4", frames=60, fps=30)
    info = probe_video(path)
    frames = list(iter_frames(info, VideoConfig(start_s=0.5, end_s=1.0)))
    assert frames[0].index == 15 and frames[-1].index == 30


def test_truncated_stream_is_an_input_error(tmp_path):
    path = make_video(tmp_path / "v.mp4", frames=90, fps=30)
    data = path.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as exc:
        info = probe_video(cut)
        list(iter_frames(info))
    assert "truncated" in exc.value.message or "damaged" in exc.value.message
