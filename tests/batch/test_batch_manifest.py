"""Jobs from a folder (local and fsspec memory://) and from a CSV manifest."""

from __future__ import annotations

from pathlib import Path

import fsspec
import pytest

from stridelens.batch import discover_jobs, read_manifest
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
