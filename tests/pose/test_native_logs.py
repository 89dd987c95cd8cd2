"""`native_logs_muted` hides mediapipe's C++ start-up lines; threads building models at once must not lose
stderr for the rest of the process (the two halves of a pose pass do exactly that)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import os, threading, time
    from stridelens.pose.base import native_logs_muted

    def build(delay_s):
        time.sleep(delay_s)
        with native_logs_muted():
            os.write(2, b"hidden\\n")  # as a C++ log line would: straight to the descriptor
            time.sleep(0.05 + delay_s)

    # overlapping in every order: later threads enter before earlier ones leave, and leave after or before
    threads = [threading.Thread(target=build, args=(d,)) for d in (0.0, 0.01, 0.03, 0.0, 0.02)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    os.write(2, b"still visible\\n")
""")


def test_concurrent_muting_keeps_stderr_afterwards():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "hidden" not in proc.stderr
    assert "still visible" in proc.stderr
