"""Fixtures of the batch tests (helpers: batch_clips.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_clips import make_squad


@pytest.fixture
def squad(tmp_path: Path) -> Path:
    return make_squad(tmp_path / "squad")
