"""C3D through ezc3d (the optional extra `markers`): markers in mm with z up, and the file's own events."""

from __future__ import annotations

import numpy as np
import pytest

from stridelens.sources import read_source, sniff
from stridelens.sources.c3d import looks_like_c3d
from stridelens.sources.trc import read_trc
from tests.fixtures.marker_files import synthetic_markers, write_c3d, write_trc

ezc3d = pytest.importorskip("ezc3d", reason="C3D support needs the optional extra: pip install 'stridelens[markers]'")


def test_c3d_markers_and_events(tmp_path):
    markers = synthetic_markers(duration_s=2.0)
    events = [("Left", "Foot Strike", 0.52), ("Left", "Foot Off", 0.75), ("Right", "Foot Strike", 0.87),
              ("Right", "Event", 0.9)]
    path = write_c3d(tmp_path / "trial.bin", markers, events=events)
    assert sniff(path) == "c3d" and looks_like_c3d(path.read_bytes()[:512])
    rec = read_source(path)
    assert (rec.info.format, rec.info.codec, rec.info.file_unit) == ("c3d", "markers", "mm")
    assert "up +z" in rec.info.projection
    ref = rec.info.reference
    assert ref is not None and "C3D" in ref.source
    assert [(e.side, e.kind) for e in ref.events] == [("L", "ic"), ("L", "to"), ("R", "ic")]
    assert [e.time_s for e in ref.events] == pytest.approx([0.52, 0.75, 0.87], abs=1e-6)  # float32 in C3D
    same = read_trc(write_trc(tmp_path / "trial.trc", markers)).track
    np.testing.assert_allclose(rec.track.xy, same.xy, atol=0.01)  # 0.01 px = 10 µm: C3D stores float32
