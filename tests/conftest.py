"""Shared fixtures: paths to the bundled demo clip and to ../shared/data (skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("STRIDELENS_SHARED_DATA", ROOT.parent / "shared" / "data"))
DEMO_CLIP = ROOT / "src" / "stridelens" / "data" / "demo_treadmill_side.mp4"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED_DATA / "videos").is_dir():
        pytest.skip(f"real test clips not available: {SHARED_DATA} is absent (set STRIDELENS_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def demo_clip() -> Path:
    assert DEMO_CLIP.is_file(), "the demo clip ships with the package"
    return DEMO_CLIP
