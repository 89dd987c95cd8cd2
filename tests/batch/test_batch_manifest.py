"""Jobs from a folder (local and fsspec memory://) and from a CSV manifest."""

from __future__ import annotations

from pathlib import Path

import fsspec
import pytest

from stridelens.batch import SkippedFile, describe_skipped, discover_inputs, discover_jobs, read_manifest
from stridelens.batch.jobs import safe_name
from stridelens.errors import InputError


def test_folder_is_scanned_recursively_with_unique_names(tmp_path: Path) -> None:
    for rel in ("a/run.mp4", "a/run.MOV", "b/run.mp4", "notes.txt", ".hidden/x.mp4", "out/old.mp4"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    jobs = discover_jobs(str(tmp_path), exclude=str(tmp_path / "out"))
    assert [j.name for j in jobs] == ["a__run", "a__run-2", "b__run"]
    assert all(Path(j.source).is_absolute() for j in jobs)


def test_memory_filesystem_folder_gives_urls() -> None:
    fs = fsspec.filesystem("memory")
    fs.pipe({"/squad-scan/x/one.mp4": b"1", "/squad-scan/two.mp4": b"2"})
    try:
        jobs = discover_jobs("memory://squad-scan")
        assert sorted(j.source for j in jobs) == ["memory:///squad-scan/two.mp4", "memory:///squad-scan/x/one.mp4"]
    finally:
        fs.rm("/squad-scan", recursive=True)


def test_manifest_columns_and_relative_paths(tmp_path: Path) -> None:
    text = ("path,athlete,height,treadmill speed,fps override,notes\n"
            "anna/run.mp4,Anna,168,12.5,,easy run\n"
            "/abs/ben.mov,Ben,,,240,\n"
            "s3://bucket/cleo.mp4,Cleo,,,,\n"
            ",,,,,\n")
    jobs = read_manifest(text, base=str(tmp_path))
    assert [j.source for j in jobs] == [str(tmp_path / "anna/run.mp4"), "/abs/ben.mov", "s3://bucket/cleo.mp4"]
    assert jobs[0].options() == {"height_cm": 168.0, "treadmill_speed_kmh": 12.5}
    assert jobs[1].options() == {"fps_override": 240.0}
    assert (jobs[0].athlete, jobs[0].notes) == ("Anna", "easy run")


def test_manifest_errors_say_which_line() -> None:
    with pytest.raises(InputError, match="line 2"):
        read_manifest("path,height_cm\nrun.mp4,tall\n", base="/x")
    with pytest.raises(InputError, match="'path' column"):
        read_manifest("video_file\nrun.mp4\n", base="/x")


def test_missing_input_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        discover_jobs(str(tmp_path / "nope.csv"))
    with pytest.raises(InputError):
        discover_jobs(str(tmp_path / "nope"))


@pytest.mark.parametrize(("rel", "name"), [("squad/anna/run 1.mp4", "squad__anna__run_1"),
                                           ("x.parquet", "x"), ("../..", "video")])
def test_safe_name(rel: str, name: str) -> None:
    assert safe_name(rel) == name


def test_folder_scan_reports_the_files_it_skips(tmp_path: Path) -> None:
    for rel in ("a/run.mp4", "a/notes.txt", "b/song.m4a", "grf_events_thr50N.csv", ".hidden/x.txt", "out/old.txt",
                "a/.DS_Store"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    inputs = discover_inputs(str(tmp_path), exclude=str(tmp_path / "out"))
    assert [j.name for j in inputs.jobs] == ["a__run"]
    assert inputs.skipped == [SkippedFile("a/notes.txt"), SkippedFile("b/song.m4a")]  # content checked: not videos
    assert describe_skipped(inputs.skipped) == ["skipped 2 files that are not videos: a/notes.txt, b/song.m4a"]
    assert discover_inputs(str(tmp_path)).skipped[-1].path == "out/old.txt", "without exclude: reported"


def test_describe_skipped_names_at_most_ten_and_tells_how_to_include_videos() -> None:
    many = [SkippedFile(f"n{i:02d}.txt") for i in range(12)]
    (line,) = describe_skipped(many)
    assert line.startswith("skipped 12 files that are not videos: n00.txt, n01.txt") and line.endswith("and 2 more")
    (line,) = describe_skipped([SkippedFile("a.3gp", looks_like_video=True), SkippedFile("b.mts", True)])
    assert line == ("skipped 2 files that look like videos but have no video extension: a.3gp, b.mts; to analyse "
                    "them, give them a video extension (.mp4, .mov, .m4v, .mkv, .webm, .avi) or list them in a CSV "
                    "manifest")
    assert describe_skipped([]) == []


def test_manifest_has_no_skipped_files(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("path\nrun.mp4\n")
    (tmp_path / "notes.txt").write_text("x")
    assert discover_inputs(str(tmp_path / "m.csv")).skipped == []
