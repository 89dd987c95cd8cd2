"""Video reading: rotation metadata, real timestamps, slow motion, truncation; pictures and files without
usable timestamps (issue #8)."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from stridelens.config import VideoConfig
from stridelens.errors import InputError
from stridelens.io import frame_pts, iter_frames, looks_like_video, probe_video
from tests.fixtures.hostile import zero_durations, zero_timescale
from tests.fixtures.media import make_audio_only, make_marked_video, make_png, make_video, set_mp4_rotation


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
    i420 = next(iter(iter_frames(info, pixels="i420"))).image  # the annotated video's planes, turned alike
    assert i420.shape == (size[1] * 3 // 2, size[0])
    assert np.abs(cv2.cvtColor(i420, cv2.COLOR_YUV2RGB_I420).astype(int) - frame.image).mean() < 2


def test_planes_of_other_pixel_formats_and_odd_sizes_come_as_even_sized_i420(tmp_path):
    """A 4:4:4 file of odd size: swscale makes 4:2:0 of it, the odd last row and column are left out, and the
    frames asked for in RGB carry the same picture as the RGB reader gives."""
    path = tmp_path / "odd444.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 161, 97, "yuv444p"
        img = np.zeros((97, 161, 3), np.uint8)
        img[:40, :60] = (200, 40, 90)
        for _ in range(3):
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    info = probe_video(path)
    rgb = [f.image for f in iter_frames(info)]
    planes = list(iter_frames(info, pixels="i420", rgb_frames={1}))
    assert [f.image.shape for f in planes] == [(96 * 3 // 2, 160)] * 3
    assert planes[0].rgb is None and np.array_equal(planes[1].rgb, rgb[1])
    back = cv2.cvtColor(planes[0].image, cv2.COLOR_YUV2RGB_I420).astype(int)
    assert np.abs(back - rgb[0][:96, :160]).mean() < 3


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


def _jpeg(path: Path) -> Path:
    import cv2

    cv2.imwrite(str(path), np.full((48, 64, 3), 90, dtype=np.uint8))
    return path


@pytest.mark.parametrize(("make", "kind"), [(make_png, "PNG"), (_jpeg, "JPEG")])
def test_a_photo_renamed_mp4_is_a_picture_not_a_video(tmp_path, make, kind):
    photo = make(tmp_path / f"photo.{kind.lower()}").rename(tmp_path / "photo.mp4")
    with pytest.raises(InputError) as exc:
        probe_video(photo)
    assert exc.value.message == f"{photo}: is a picture, not a video ({kind} image, whatever its name says)."
    assert "Film the runner from the side" in exc.value.advice
    assert not looks_like_video(photo)


def test_motion_jpeg_video_is_a_video_not_a_picture(tmp_path):
    """Old cameras store Motion JPEG: a still-image codec, but many frames in a video container."""
    path = tmp_path / "mjpeg.avi"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mjpeg", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuvj420p"
        for i in range(12):
            image = np.full((48, 64, 3), 20 * i, dtype=np.uint8)
            out.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        out.mux(stream.encode())
    info = probe_video(path)
    assert info.codec == "mjpeg" and info.timestamps_usable
    assert len(list(iter_frames(info))) == 12
    assert looks_like_video(path)


@pytest.mark.parametrize(("make", "why"), [
    (zero_timescale, "its header gives 0.0039 frames per second"),
    (zero_durations, "26 of its first 30 frames repeat another frame's timestamp"),
])
def test_no_usable_frame_rate_says_so_and_fps_times_the_frames(tmp_path, make, why):
    path = make(tmp_path)
    with pytest.raises(InputError) as exc:
        probe_video(path)
    assert exc.value.message == (f"{path}: the video has no usable frame rate or timestamps ({why}), so the time "
                                 "of each step cannot be measured.")
    assert "ffmpeg -ignore_editlist 1 -r 30 -i in.mp4 out.mp4" in exc.value.advice and "--fps" in exc.value.advice
    info = probe_video(path, VideoConfig(fps_override=60))
    assert not info.timestamps_usable
    assert (info.file_fps, info.capture_fps, info.capture_fps_source, info.slowmo_factor) == (60, 60, "user", 1)
    times = [f.time_s for f in iter_frames(info)]
    assert len(times) == info.frame_count == 30, "every frame is read (the broken edit list dropped some)"
    assert times == pytest.approx(np.arange(30) / 60)
    assert frame_pts(info) is None, "no seeking by the file's timestamps"


def test_intact_video_keeps_its_timestamps(tmp_path):
    info = probe_video(make_video(tmp_path / "v.mp4", frames=30, fps=30))
    assert info.timestamps_usable and info.capture_fps_source == "file"
    assert frame_pts(info) is not None


def test_looks_like_video_by_content(tmp_path):
    video = make_video(tmp_path / "v.mp4", frames=10)
    assert looks_like_video(video.rename(tmp_path / "clip.3gp"))
    assert not looks_like_video(make_audio_only(tmp_path / "song.m4a"))
    assert not looks_like_video(make_png(tmp_path / "pic.png"))
    (tmp_path / "notes.txt").write_text("not a video\n" * 50)
    assert not looks_like_video(tmp_path / "notes.txt")
    assert not looks_like_video(tmp_path / "missing.mp4")


def _b_frame_video(path, frames: int = 90):
    """H.264 with one keyframe and B-frames that nothing refers to (no B-pyramid), like many phone exports."""
    rng = np.random.default_rng(3)
    base = rng.integers(0, 255, (96, 128 + frames, 3), dtype=np.uint8)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 128, 96, "yuv420p"
        stream.options = {"g": "600", "bframes": "3", "b-pyramid": "none", "x264-params": "scenecut=0"}
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(base[:, i:i + 128]), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_a_reader_that_seeks_gives_the_same_frames_as_one_from_the_start(tmp_path):
    info = probe_video(_b_frame_video(tmp_path / "b.mp4"))
    whole = {f.index: f for f in iter_frames(info)}
    pts = frame_pts(info)
    for start in (1, 30, 61, 80):
        part = list(iter_frames(info, frames=range(start, start + 8), all_pts=pts))
        assert [f.index for f in part] == list(range(start, min(start + 8, 90)))
        for f in part:
            assert np.array_equal(f.image, whole[f.index].image) and f.time_s == whole[f.index].time_s


def test_after_a_seek_frames_nothing_refers_to_are_not_decoded_before_the_cut(tmp_path):
    from stridelens.io.video import _decoded

    info = probe_video(_b_frame_video(tmp_path / "b.mp4"))
    pts = frame_pts(info)
    cut = int(pts[61])
    with av.open(info.path) as container:
        stream = container.streams.video[0]
        container.seek(cut, stream=stream, backward=True, any_frame=False)  # the keyframe: frame 0
        before = [f.pts for f in _decoded(container, stream, cut) if f.pts < cut]
        container.seek(cut, stream=stream, backward=True, any_frame=False)
        after = [f.pts for f in _decoded(container, stream, cut) if f.pts >= cut]
    assert len(before) < 0.5 * 61, "the B-frames before the cut were decoded"
    assert after == [int(p) for p in pts[61:]]
