"""Batch test inputs: synthetic runners as keypoint files (no pose model: fast), a corrupt video, the real clip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from stridelens.synthetic import hips_back_runner, hips_forward_runner, make_runner, neutral_runner

DEMO_CLIP = Path(__file__).resolve().parents[2] / "src" / "stridelens" / "data" / "demo_treadmill_side.mp4"


def keypoints_frame(maker: Any, **spec: Any) -> pd.DataFrame:
    """A synthetic runner's track in the columns of stridelens' keypoints.parquet."""
    track, _ = make_runner(maker(duration_s=6.0, fps=60.0, **spec))
    cols: dict[str, Any] = {"frame": track.frame_index, "time_s": track.time_s}
    for k, name in enumerate(track.keypoints):
        cols[f"{name}_raw_x_px"] = track.xy[:, k, 0]
        cols[f"{name}_raw_y_px"] = track.xy[:, k, 1]
        cols[f"{name}_confidence"] = track.confidence[:, k]
    return pd.DataFrame(cols)


def make_squad(folder: Path, n_extra: int = 0) -> Path:
    """folder/{anna/run1, ben/run1, cleo}.parquet (three synthetic runners) and folder/broken.mp4 (corrupt)."""
    (folder / "anna").mkdir(parents=True)
    (folder / "ben").mkdir()
    keypoints_frame(neutral_runner).to_parquet(folder / "anna" / "run1.parquet")
    keypoints_frame(hips_back_runner).to_parquet(folder / "ben" / "run1.parquet")
    keypoints_frame(hips_forward_runner).to_parquet(folder / "cleo.parquet")
    for i in range(n_extra):
        keypoints_frame(neutral_runner, cadence_spm=160.0 + 2 * i).to_parquet(folder / f"extra{i:02d}.parquet")
    (folder / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 20)
    return folder


def comparable(analysis_json: Path | bytes) -> dict[str, Any]:
    """analysis.json minus its timestamp."""
    raw = analysis_json.read_bytes() if isinstance(analysis_json, Path) else analysis_json
    data = json.loads(raw)
    data.pop("created_utc", None)
    return data
