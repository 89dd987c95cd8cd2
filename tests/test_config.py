import pytest

from stridelens.config import Config


def test_flat_options_reach_their_stage():
    cfg = Config().with_options(fps_override=240.0, height_cm=178.0, lowpass_cutoff_hz=6.0)
    assert cfg.video.fps_override == 240.0
    assert cfg.height_cm == 178.0
    assert cfg.tracking.lowpass_cutoff_hz == 6.0
    assert Config().video.fps_override is None  # the default is untouched


def test_cli_names_work_from_python_too():
    cfg = Config().with_options(fps=240.0, start=2.5, end=14.0)
    assert (cfg.video.fps_override, cfg.video.start_s, cfg.video.end_s) == (240.0, 2.5, 14.0)


def test_unknown_option_is_refused():
    with pytest.raises(TypeError, match="unknown option"):
        Config().with_options(frames_per_second=240)
