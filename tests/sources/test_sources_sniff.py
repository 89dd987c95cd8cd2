"""Formats are told from the content, not the extension; anything else goes to the video reader."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from stridelens.config import Config
from stridelens.errors import InputError
from stridelens.pipeline import analyze
from stridelens.sources import FORMATS, read_source, sniff
from tests.fixtures.marker_files import (
    synthetic_markers,
    write_gaitlab,
    write_mot,
    write_openpose_folder,
    write_trc,
)
from tests.fixtures.media import make_video


@pytest.fixture(scope="module")
def markers():
    return synthetic_markers(duration_s=2.0)


def test_a_video_is_not_a_marker_file(tmp_path):
    assert sniff(make_video(tmp_path / "clip.mp4")) is None


def test_formats_are_told_from_the_content_whatever_the_name(tmp_path, markers):
    trc = write_trc(tmp_path / "run.trc", markers)
    assert sniff(shutil.copy(trc, tmp_path / "renamed.mp4")) == "trc"
    assert sniff(write_mot(tmp_path / "ik.txt", markers)) == "opensim_mot"
    assert sniff(write_gaitlab(tmp_path / "pose.dat", markers)) == "gaitlab_pose"
    folder = write_openpose_folder(tmp_path / "openpose", markers)
    assert sniff(folder) == "openpose_json"
    assert sniff(next(folder.iterdir())) == "openpose_json"
    assert set(FORMATS) >= {"trc", "opensim_mot", "gaitlab_pose", "openpose_json", "c3d", "stridelens_parquet"}


def test_random_bytes_empty_files_and_other_folders_are_left_to_the_video_reader(tmp_path):
    junk = tmp_path / "junk.trc"
    junk.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    empty = tmp_path / "empty.mot"
    empty.write_bytes(b"")
    text = tmp_path / "notes.json"
    text.write_text('{"hello": "world"}')
    (tmp_path / "folder").mkdir()
    for path in (junk, empty, text, tmp_path / "folder", tmp_path / "missing.trc"):
        assert sniff(path) is None


def test_unknown_content_gets_the_video_readers_friendly_error(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x01\x02 not a video, not markers " * 100)
    with pytest.raises(InputError) as err:
        analyze(junk, Config())
    assert "video" in err.value.message and err.value.advice
    with pytest.raises(InputError, match="not a marker or keypoint file"):
        read_source(junk)


def test_stridelens_keypoints_parquet_is_read_back(tmp_path, markers):
    from stridelens.report import write_outputs

    analysis = analyze(write_trc(tmp_path / "run.trc", markers))
    out = write_outputs(analysis, tmp_path / "out")
    parquet = shutil.copy(out / "keypoints.parquet", tmp_path / "previous.bin")
    assert sniff(parquet) == "stridelens_parquet"
    again = read_source(parquet)
    assert again.info.format == "stridelens_parquet" and again.info.codec == "keypoints"
    np.testing.assert_allclose(again.track.xy, analysis.raw_track.xy, equal_nan=True)
