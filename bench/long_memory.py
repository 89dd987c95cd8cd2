"""Peak memory of a long input against a short one (issue #5: memory must not grow with the video's length).

    python bench/long_memory.py [--minutes 10] [--out bench/results/long_memory.json]

The demo clip is looped (packets re-timed, no re-encoding) to `--minutes` and cut to 10 s; each is analysed
in its own process (full analysis and outputs without the annotated video, as `bench/run.py`'s
`full_no_video` mode) and the peak resident memory of each process is compared. This is the long-clip part
of `bench/run.py` on its own, for when the whole benchmark is not needed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import DEMO, ROOT, cut_clip, loop_clip, run_mode  # bench/ is not a package: its folder is on sys.path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=10.0, help="length of the looped long clip")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "long_memory.json")
    args = p.parse_args(argv)
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, clip in (("10s", cut_clip(DEMO, Path(tmp) / "short.mp4", 10.0)),
                           (f"{args.minutes:g}min", loop_clip(DEMO, Path(tmp) / "long.mp4", args.minutes))):
            runs[name] = run_mode("full_no_video", clip, {})
            print(f"{name}: {runs[name]['frames']} frames, peak {runs[name]['peak_rss_mb']:.0f} MB, "
                  f"{runs[name]['fps']:.1f} frames/s", file=sys.stderr)
    peaks = [r["peak_rss_mb"] for r in runs.values()]
    result = {"runs": runs, "peak_rss_growth_pct": (max(peaks) - min(peaks)) / min(peaks) * 100,
              "date": time.strftime("%Y-%m-%d %H:%M:%S")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(f"peak memory growth, 10 s -> {args.minutes:g} min: {result['peak_rss_growth_pct']:+.1f} %; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
