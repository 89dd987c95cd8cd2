"""Crashes the hostile-input corpus and the fuzzers found, kept as regression tests."""

from __future__ import annotations

import pytest

from stridelens.cli.main import main
from stridelens.errors import InputError
from stridelens.io import probe_video
from tests.fixtures.media import make_video


def test_an_unknown_codec_tag_is_an_input_error_not_a_crash(tmp_path, capsys):
    # found by the decoder fuzzer: an `stbl` box whose size field reads 1 hides the sample description, so
    # PyAV opens a video stream without a codec context (AttributeError on stream.codec_context.width)
    path = make_video(tmp_path / "run.mp4", frames=5)
    data = bytearray(path.read_bytes())
    at = data.find(b"stbl") - 4
    data[at: at + 4] = (1).to_bytes(4, "big")
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="unknown format") as exc:
        probe_video(path)
    assert exc.value.advice
    assert main(["analyze", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "Traceback" not in capsys.readouterr().err
