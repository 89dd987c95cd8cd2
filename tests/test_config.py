import pytest

from stridelens.config import Config


def test_flat_options_reach_their_stage():
    cfg = Config().with_options(fps_override=240.0, height_cm=178.0, lowpass_cutoff_hz=6.0)
    assert cfg.video.fps_override == 240.0
    assert cfg.height_cm == 178.0
    assert cfg.tracking.lowpass_cutoff_hz == 6.0
    assert Config().video.fps_override is None  # the default is untouched


def test_unknown_option_is_refused():
    with pytest.raises(TypeError, match="unknown option"):
        Config().with_options(fps=240)
