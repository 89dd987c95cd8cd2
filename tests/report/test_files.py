"""keypoints.parquet: every frame's raw and cleaned coordinates, read back as they were written."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyarrow.parquet as pq

from stridelens.report.files import write_keypoints_parquet


def test_keypoints_parquet_round_trips_in_several_row_groups(tmp_path, hips_back_analysis):
    raw, clean = hips_back_analysis.raw_track, hips_back_analysis.clean_track
    flags = np.zeros(len(raw), dtype=bool)
    flags[[0, 5, 6, 7, len(raw) - 1]] = True  # bits that straddle bytes and row groups
    analysis = replace(hips_back_analysis, diagnostics={**hips_back_analysis.diagnostics, "test_flag": flags})
    path = tmp_path / "keypoints.parquet"
    write_keypoints_parquet(analysis, path, rows_per_group=7)

    assert pq.ParquetFile(path).num_row_groups == -(-len(raw) // 7)
    table = pq.read_table(path)
    np.testing.assert_array_equal(table["frame"].to_numpy(), raw.frame_index)
    np.testing.assert_array_equal(table["test_flag"].to_numpy(), flags)
    k = raw.keypoints.index("left_heel")
    np.testing.assert_array_equal(table["left_heel_raw_x_px"].to_numpy(), raw.xy[:, k, 0])  # NaN where missing
    np.testing.assert_array_equal(table["left_heel_y_px"].to_numpy(), clean.xy[:, k, 1])
    np.testing.assert_array_equal(table["left_heel_confidence"].to_numpy(), raw.confidence[:, k])
    assert table["left_heel_raw_x_px"].null_count == 0  # NaN stays a value, as pandas writes it


def test_a_column_of_another_dtype_is_written_too(tmp_path, hips_back_analysis):
    n = len(hips_back_analysis.raw_track)
    stamps = np.arange(n).astype("datetime64[ms]")
    analysis = replace(hips_back_analysis, diagnostics={**hips_back_analysis.diagnostics, "stamp": stamps})
    write_keypoints_parquet(analysis, tmp_path / "k.parquet", rows_per_group=5)
    np.testing.assert_array_equal(pq.read_table(tmp_path / "k.parquet")["stamp"].to_numpy(), stamps)
