"""Shared fixtures: paths to the bundled demo clip and to ../shared/data (skipped when absent); a tiny video
and a finished-result template for tests of the web app with its fake analyser (web and hostile tests)."""

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


@pytest.fixture(scope="session")
def result_template(tmp_path_factory) -> Path:
    from tests.fixtures.web_app import make_result_template

    return make_result_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def small_video(tmp_path_factory) -> Path:
    """A real (tiny) H.264 file: passes the upload probe; the fake analyser never decodes it."""
    from tests.fixtures.media import make_video

    return make_video(tmp_path_factory.mktemp("video") / "clip.mp4", frames=15)
