"""`import_mediapipe` leaves matplotlib.pyplot unloaded (0.3 s of the import) yet usable by anyone later."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("mediapipe")

SCRIPT = textwrap.dedent("""
    import sys
    from stridelens.pose.base import import_mediapipe

    mp = import_mediapipe()
    assert mp.solutions.pose.Pose is not None
    print("figure after mediapipe:", "matplotlib.figure" in sys.modules)

    import matplotlib
    import matplotlib.pyplot as plt
    plt.switch_backend("agg")
    fig = plt.figure()  # the first use loads the real pyplot
    print("figure after use:", "matplotlib.figure" in sys.modules, type(fig).__name__)
    import matplotlib.pyplot as again
    assert again.figure is plt.figure is matplotlib.pyplot.figure
    assert mp.solutions.drawing_utils.plt.close is plt.close  # mediapipe's own reference works too
""")


def test_pyplot_is_loaded_only_when_used():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "figure after mediapipe: False" in proc.stdout
    assert "figure after use: True Figure" in proc.stdout
