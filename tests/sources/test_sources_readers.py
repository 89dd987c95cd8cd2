"""Each reader on a small file the test writes from a synthetic runner with known answers."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stridelens.config import VideoConfig
from stridelens.errors import InputError
from stridelens.pose.base import KEYPOINT_INDEX
from stridelens.sources import PX_PER_M, SourceInfo, is_video, read_source
from stridelens.sources.gaitlab import read_gaitlab
from stridelens.sources.mot import read_mot, read_opensim_table
from stridelens.sources.openpose import read_openpose
from stridelens.sources.trc import read_trc
from tests.fixtures.marker_files import (
    LEG_M,
    synthetic_markers,
    write_gaitlab,
    write_mot,
    write_openpose_folder,
    write_trc,
)


@pytest.fixture(scope="module")
def markers():
    return synthetic_markers(duration_s=3.0)


def _hip_ankle_px(track) -> float:
    d = np.linalg.norm(track.point("right_hip") - track.point("right_ankle"), axis=1)
    return float(np.nanmedian(d))


def _assert_pseudo_image(rec, markers) -> None:
    """x forward, y DOWN, 1 px = 1 mm: the heel lies below the hip, the toe ahead of the heel."""
    t = rec.track
    assert t.fps == pytest.approx(markers.fps)
    assert np.nanmean(t.point("right_heel")[:, 1] - t.point("right_hip")[:, 1]) > 0.5 * LEG_M * PX_PER_M
    assert np.nanmean(t.point("right_toe")[:, 0] - t.point("right_heel")[:, 0]) > 0
    assert (t.xy[np.isfinite(t.xy)] >= 0).all()
    assert t.xy[..., 0].max() <= rec.info.width_px and t.xy[..., 1].max() <= rec.info.height_px
    # the standing leg is LEG_M long, the running leg a little shorter: lengths are true millimetres
    assert 0.8 * LEG_M * PX_PER_M < _hip_ankle_px(t) <= 1.01 * LEG_M * PX_PER_M


@pytest.mark.parametrize(("unit", "up"), [("m", "y"), ("mm", "z")])
def test_trc_any_unit_and_up_axis(tmp_path, markers, unit, up):
    rec = read_trc(write_trc(tmp_path / "run.trc", markers, unit=unit, up=up))
    _assert_pseudo_image(rec, markers)
    info = rec.info
    assert isinstance(info, SourceInfo) and not is_video(info)
    assert (info.codec, info.format, info.file_unit, info.px_per_m) == ("markers", "trc", unit, PX_PER_M)
    assert f"up +{up}" in info.projection and "forward +x" in info.projection
    assert dict(info.keypoint_sources)["right_toe"].startswith("RBigToe")
    assert info.frame_count == len(markers.time_s)


def test_trc_same_track_whatever_the_lab_axes(tmp_path, markers):
    a = read_trc(write_trc(tmp_path / "y.trc", markers, unit="m", up="y")).track
    b = read_trc(write_trc(tmp_path / "z.trc", markers, unit="mm", up="z")).track
    np.testing.assert_allclose(a.xy, b.xy, atol=1e-3)


def test_trc_missing_marker_cells_are_missing_keypoints(tmp_path, markers):
    xyz = markers.xyz_m.copy()
    xyz[10:15, KEYPOINT_INDEX["left_heel"]] = np.nan
    from dataclasses import replace

    rec = read_trc(write_trc(tmp_path / "gap.trc", replace(markers, xyz_m=xyz)))
    heel = KEYPOINT_INDEX["left_heel"]
    assert np.isnan(rec.track.xy[10:15, heel]).all() and (rec.track.confidence[10:15, heel] == 0).all()
    assert np.isfinite(rec.track.xy[16, heel]).all()


def test_mot_reader_and_table(tmp_path, markers):
    angle = np.linspace(0, 40, len(markers.time_s))
    path = write_mot(tmp_path / "run_IK.mot", markers, angles={"knee_angle_r": -angle})
    table = read_opensim_table(path)
    assert table.in_degrees and table.columns[:2] == ("time", "knee_angle_r")
    names, xyz = table.markers()
    assert names == markers.names and xyz.shape == markers.xyz_m.shape
    rec = read_mot(path)
    _assert_pseudo_image(rec, markers)
    assert rec.info.format == "opensim_mot" and "OpenSim ground frame" in rec.info.projection


def test_mot_without_markers_is_refused_with_advice(tmp_path):
    path = tmp_path / "grf.mot"
    path.write_text("grf\nendheader\ntime\tground_force_vy\n0.0\t0\n0.001\t1\n", encoding="utf-8")
    with pytest.raises(InputError, match="no marker columns") as err:
        read_mot(path)
    assert err.value.advice


def test_mot_with_too_few_markers_names_what_is_missing(tmp_path, markers):
    from dataclasses import replace

    keep = [i for i, n in enumerate(markers.names) if "Shoulder" not in n]
    few = replace(markers, names=tuple(markers.names[i] for i in keep), xyz_m=markers.xyz_m[:, keep])
    with pytest.raises(InputError, match="shoulders"):
        read_mot(write_mot(tmp_path / "few.mot", few))


def test_openpose_folder_follows_the_runner_not_a_bystander(tmp_path, markers):
    folder = write_openpose_folder(tmp_path / "json", markers, bystander_every=4)
    with pytest.raises(InputError, match="frame rate") as err:
        read_openpose(folder)
    assert "--fps" in err.value.advice
    rec = read_openpose(folder, VideoConfig(fps_override=markers.fps))
    assert (rec.info.codec, rec.info.format, rec.info.capture_fps_source) == ("keypoints", "openpose_json", "user")
    np.testing.assert_allclose(rec.track.xy, markers.image_xy, atol=1e-6, equal_nan=True)
    assert rec.track.time_s[1] == pytest.approx(1 / markers.fps)


def test_gaitlab_halpe_names_scores_and_head_stand_in(tmp_path, markers):
    rec = read_gaitlab(write_gaitlab(tmp_path / "run.pose.json", markers, score=1.2))
    t = rec.track
    assert (rec.info.width_px, rec.info.height_px) == markers.image_size
    assert t.confidence.max() <= 1.0  # RTMPose scores above 1 are clipped
    np.testing.assert_allclose(t.point("left_knee"), markers.image_xy[:, KEYPOINT_INDEX["left_knee"]], atol=1e-6)
    assert "head" in dict(rec.info.keypoint_sources)["left_ear"]
    np.testing.assert_allclose(t.time_s, np.round(markers.time_s, 4))


def test_gaitlab_bad_frame_is_a_user_error(tmp_path, markers):
    path = write_gaitlab(tmp_path / "bad.pose.json", markers)
    data = json.loads(path.read_text())
    data["frames"][3] = [[1, 2]]
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match="frame 3"):
        read_gaitlab(path)


def test_fps_retimes_files_with_their_own_times_and_start_end_select(tmp_path, markers):
    path = write_trc(tmp_path / "run.trc", markers)
    slow = read_source(path, VideoConfig(fps_override=2 * markers.fps))
    assert slow.info.capture_fps_source == "user" and slow.track.fps == 2 * markers.fps
    assert slow.track.time_s[-1] == pytest.approx(markers.time_s[-1] / 2)
    part = read_source(path, VideoConfig(start_s=1.0, end_s=2.0))
    assert part.track.time_s[0] >= 1.0 and part.track.time_s[-1] <= 2.0
    assert part.track.frame_index[0] == 100  # rows keep the file's numbering
    with pytest.raises(InputError, match="no samples"):
        read_source(path, VideoConfig(start_s=50.0))
