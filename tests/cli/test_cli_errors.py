"""Bad input through the CLI: a clear message with advice, exit code 2, never a traceback, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stridelens.cli.main import main
from tests.fixtures.media import make_audio_only, make_png, make_video


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _assert_user_error(code: int, err: str, *needles: str) -> None:
    assert code == 2
    assert "Traceback" not in err
    assert "stridelens: error:" in err
    assert "what to do:" in err
    for needle in needles:
        assert needle.lower() in err.lower()


def test_missing_file(capsys, tmp_path):
    code, _, err = _run(capsys, "analyze", str(tmp_path / "nope.mp4"), "--out", str(tmp_path / "o"))
    _assert_user_error(code, err, "nope.mp4", "not found")
    assert not (tmp_path / "o").exists()


def test_folder_instead_of_file(capsys, tmp_path):
    code, _, err = _run(capsys, "analyze", str(tmp_path), "--out", str(tmp_path / "o"))
    _assert_user_error(code, err, "folder")


def test_empty_file(capsys, tmp_path):
    f = tmp_path / "empty.mp4"
    f.write_bytes(b"")
    code, _, err = _run(capsys, "analyze", str(f), "--out", str(tmp_path / "o"))
    _assert_user_error(code, err, "empty")


@pytest.mark.parametrize("content", [bytes(range(256)) * 40, b"hello, I am a text file\n" * 10])
def test_not_a_video(capsys, tmp_path, content):
    f = tmp_path / "run.mp4"
    f.write_bytes(content)
    code, _, err = _run(capsys, "analyze", str(f), "--out", str(tmp_path / "o"))
    _assert_user_error(code, err, "run.mp4", "video")
    assert not (tmp_path / "o").exists()


def test_audio_only(capsys, tmp_path):
    f = make_audio_only(tmp_path / "voice.mp4")
    code, _, err = _run(capsys, "analyze", str(f), "--out", str(tmp_path / "o"))
    _assert_user_error(code, err, "no video stream")


def test_truncated_video(capsys, tmp_path, demo_clip):
    data = demo_clip.read_bytes()
    for cut in (0.3, 0.7):
        f = tmp_path / f"cut{cut}.mp4"
        f.write_bytes(data[: int(len(data) * cut)])
        code, _, err = _run(capsys, "analyze", str(f), "--out", str(tmp_path / f"o{cut}"), "--quiet")
        _assert_user_error(code, err, "truncated")
        assert not (tmp_path / f"o{cut}").exists()
        assert not list(tmp_path.glob(f".o{cut}*")), "no partial output folder is left behind"


def test_still_image_renamed(capsys, tmp_path):
    f = make_png(tmp_path / "photo.png")
    g = f.rename(tmp_path / "photo.mp4")
    code, _, err = _run(capsys, "analyze", str(g), "--out", str(tmp_path / "o"), "--quiet")
    assert code == 2 and "Traceback" not in err and "what to do:" in err


def test_no_person(capsys, tmp_path):
    f = make_video(tmp_path / "noise.mp4", frames=45)
    code, _, err = _run(capsys, "analyze", str(f), "--out", str(tmp_path / "o"), "--quiet")
    _assert_user_error(code, err, "no person")
    assert not (tmp_path / "o").exists()


def test_existing_output_is_never_overwritten(capsys, tmp_path, demo_clip):
    out = tmp_path / "earlier"
    out.mkdir()
    (out / "analysis.json").write_text("my earlier result")
    code, _, err = _run(capsys, "analyze", str(demo_clip), "--out", str(out))
    _assert_user_error(code, err, "already exists", "--overwrite")
    assert (out / "analysis.json").read_text() == "my earlier result"


def test_end_before_start(capsys, tmp_path, demo_clip):
    code, _, err = _run(capsys, "analyze", str(demo_clip), "--start", "5", "--end", "2", "--out", str(tmp_path / "o"))
    _assert_user_error(code, err, "--end")


def test_bad_option_value_is_a_usage_error(capsys, demo_clip):
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(demo_clip), "--fps", "-30"])
    assert exc.value.code == 2
    assert "must be greater than 0" in capsys.readouterr().err


def test_help_is_complete(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    top = capsys.readouterr().out
    for command in ("analyze", "demo", "schema"):
        assert command in top
    with pytest.raises(SystemExit):
        main(["analyze", "--help"])
    text = capsys.readouterr().out
    for option in ("--height-cm", "--treadmill-speed-kmh", "--fps", "--start", "--end", "--out", "--overwrite",
                   "--quiet", "--json", "annotated.mp4", "exit codes"):
        assert option in text


def test_schema_command_writes_json_schema(tmp_path, capsys):
    import json

    assert main(["schema", "--out", str(tmp_path / "s.json")]) == 0
    schema = json.loads((tmp_path / "s.json").read_text())
    assert schema["title"] == "AnalysisReport"
    assert "verdict" in schema["properties"] and "steps" in schema["properties"]


def test_unicode_and_spaces_in_name(capsys, tmp_path):
    f = make_video(tmp_path / "mein lauf ü 'x'.mp4", frames=20)
    code, _, err = _run(capsys, "analyze", str(f), "--out", str(tmp_path / "o"), "--quiet")
    assert code == 2 and "Traceback" not in err
    shutil.rmtree(tmp_path / "o", ignore_errors=True)


def test_default_output_dir_is_unique(tmp_path):
    from stridelens.report import default_output_dir

    first = default_output_dir(Path("/videos/My Run.mp4"), tmp_path)
    first.mkdir(parents=True)
    second = default_output_dir(Path("/videos/My Run.mp4"), tmp_path)
    assert first.name == "My_Run" and second.name == "My_Run-2"


def test_max_height_defaults_to_1920_and_zero_means_full_size():
    from stridelens.cli.main import _max_height_option, build_parser
    from stridelens.config import Config

    assert Config().video.max_height_px == 1920
    for given, want in ((None, 1920), (0, None), (720, 720)):
        assert Config().with_options(**_max_height_option(given)).video.max_height_px == want
    args = build_parser().parse_args(["analyze", "x.mp4", "--max-height", "0"])
    assert args.max_height == 0
