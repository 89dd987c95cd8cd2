"""The file-level hostile corpus through `stridelens batch`: every bad input is reported as failed with its
reason, none crashes the batch, nothing is written for them; files that are not videos by their extension are
not analysed but listed (console and squad.html), never skipped silently."""

from __future__ import annotations

from pathlib import Path

from stridelens.batch.storage import FAILED_MARKER
from stridelens.cli.main import main
from tests.fixtures.hostile import _photo, blank_video, corpus, zero_timescale
from tests.fixtures.media import make_audio_only, make_png


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


def _folder_with_other_files(folder: Path) -> None:
    """Files a folder scan does not pick up: text, audio, a photo, a video with a phone's .3gp extension, plus a
    hidden file and reference events (read with a marker file), which are not reported."""
    folder.mkdir()
    (folder / "notes.txt").write_text("splits: 4:10, 4:05\n")
    make_audio_only(folder / "song.m4a")
    make_png(folder / "pic.png")
    blank_video(folder / "clip.mp4", seconds=0.5).rename(folder / "clip.3gp")
    (folder / ".DS_Store").write_bytes(b"\0" * 64)
    (folder / "grf_events_thr50N.csv").write_text("trial,event,time_s\n")


def test_batch_lists_the_files_it_does_not_analyse(tmp_path, capsys):
    inputs = tmp_path / "in"
    _folder_with_other_files(inputs)
    _photo(inputs)  # photo.mp4: picked up by its name, refused by its content
    zero_timescale(inputs)  # nofps.mp4
    code = main(["batch", str(inputs), "--out", str(tmp_path / "out"), "--no-video", "--workers", "1"])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err
    assert "photo.mp4: is a picture, not a video (PNG image" in out
    assert "nofps.mp4: the video has no usable frame rate or timestamps" in out
    not_videos = "skipped 3 files that are not videos: notes.txt, pic.png, song.m4a"
    renamed = (
        "skipped 1 file that looks like a video but has no video extension: clip.3gp; to analyse it, give it "
        "a video extension (.mp4, .mov, .m4v, .mkv, .webm, .avi) or list it in a CSV manifest"
    )
    for line in (not_videos, renamed):
        assert f"stridelens: {line}" in err, "told before the run"
        assert f"  {line}" in out, "and in the final summary"
    assert ".DS_Store" not in out + err and "grf_events" not in out + err
    page = (tmp_path / "out" / "squad.html").read_text()
    assert "4 other files not analysed" in page and "Not analysed (4 files)" in page
    assert not_videos in page and "<td>clip.3gp</td><td>looks like a video" in page
    rows = (tmp_path / "out" / "summary.csv").read_text().splitlines()
    assert len(rows) == 3, "summary.csv keeps one row per video picked up (photo.mp4, nofps.mp4)"
    folders = sorted(p for p in (tmp_path / "out").iterdir() if p.is_dir())
    assert [p.name for p in folders] == ["nofps", "photo"], "nothing is written for the skipped files"
    assert all([f.name for f in p.iterdir()] == [FAILED_MARKER] for p in folders), "failed: only the failure record"


def test_batch_with_no_video_names_what_it_skipped(tmp_path, capsys):
    inputs = tmp_path / "in"
    _folder_with_other_files(inputs)
    code = main(["batch", str(inputs), "--out", str(tmp_path / "out"), "--no-video", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in out + err
    assert (
        "stridelens: error: " + str(inputs) + ": no videos found; skipped 3 files that are not videos: notes.txt, "
        "pic.png, song.m4a; skipped 1 file that looks like a video but has no video extension: clip.3gp"
    ) in err
    assert "what to do:" in err
    assert not (tmp_path / "out").exists()
