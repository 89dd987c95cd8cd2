"""`stridelens serve`: fast help (no heavy imports), refuses to expose data without --auth."""

from __future__ import annotations

import subprocess
import sys

import pytest

from stridelens.cli.main import main


def test_serve_help_is_fast_and_imports_nothing_heavy():
    code = ("import sys\nfrom stridelens.cli.main import main\ntry:\n    main(['serve', '--help'])\n"
            "except SystemExit:\n    pass\nprint(sorted(m for m in ('mediapipe', 'fastapi', 'sqlalchemy', 'cv2') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "--data-dir" in out.stdout and "--auth" in out.stdout and "--port" in out.stdout
    assert out.stdout.strip().endswith("[]")


def test_serve_refuses_a_public_address_without_auth(capsys, tmp_path):
    assert main(["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "without --auth" in err and "what to do: Add --auth" in err


@pytest.mark.parametrize("bad", ["big", "10x"])
def test_serve_checks_the_resolution_option(capsys, tmp_path, bad):
    assert main(["serve", "--data-dir", str(tmp_path), "--max-resolution", bad]) == 2
    assert "--max-resolution" in capsys.readouterr().err
