"""The file-level hostile corpus through `stridelens batch`: every bad input is reported as failed with its
reason, none crashes the batch, nothing is written for them."""

from __future__ import annotations

from stridelens.cli.main import main
from tests.fixtures.hostile import corpus


def test_batch_reports_every_bad_input_and_survives(tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    cases = [c for c in corpus() if c.track is None]
    for i, case in enumerate(cases):
        scratch = tmp_path / f"make{i}"
        scratch.mkdir()
        made = case.make(scratch)
        made.rename(inputs / f"case{i:02d}.mp4")  # batch picks videos by extension (.m4a is not one)
    code = main(["batch", str(inputs), "--out", str(tmp_path / "out"), "--no-video", "--workers", "1"])
    out, err = capsys.readouterr()
    assert code == 1, "some inputs failed: exit 1, not a crash"
    assert "Traceback" not in out + err
    for i in range(len(cases)):
        assert f"case{i:02d}" in out + err, f"{cases[i].name} is reported"
    assert (out + err).count("failed") >= len(cases)
