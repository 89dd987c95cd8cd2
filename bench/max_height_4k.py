"""`--max-height` on 4K input: the demo clip up-scaled to a portrait 4K file (2160x3840), analysed at several
heights (time and clip means), since the annotated clips are at most 1280 px tall.

    python bench/max_height_4k.py [--heights 0 1920 1280 1080 720] [--out bench/results/max_height_4k.json]

The up-scaled file has no more detail than the original, so the metric changes show what down-scaling
costs, not what 4K could gain. Takes ~2 minutes to write the file and ~1.5 minutes per height.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src" / "stridelens" / "data" / "demo_treadmill_side.mp4"
_METRICS = ("cadence_spm", "hip_offset_pct", "trunk_lean_deg", "knee_flexion_mid_deg", "foot_ahead_com_pct",
            "contact_time_ms")


def upscale(src: Path, dst: Path, width_px: int = 2160, height_px: int = 3840) -> Path:
    import av
    import cv2

    with av.open(str(src)) as inp, av.open(str(dst), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=inp.streams.video[0].average_rate)
        stream.width, stream.height, stream.pix_fmt = width_px, height_px, "yuv420p"
        stream.options = {"crf": "20", "preset": "ultrafast"}
        for i, frame in enumerate(inp.decode(video=0)):
            image = cv2.resize(frame.to_ndarray(format="rgb24"), (width_px, height_px), interpolation=cv2.INTER_CUBIC)
            big = av.VideoFrame.from_ndarray(image, format="rgb24")
            big.pts = i
            for packet in stream.encode(big):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return dst


def main(argv: list[str] | None = None) -> int:
    import stridelens

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--heights", nargs="*", type=int, default=[0, 1920, 1280, 1080, 720], help="0: no down-scaling")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "max_height_4k.json")
    args = p.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        clip = upscale(DEMO, Path(tmp) / "demo_4k.mp4")
        for height in args.heights:
            t0 = time.perf_counter()
            analysis = stridelens.analyze(clip, max_height=height or None, workers=1)
            seconds = time.perf_counter() - t0
            row = {"max_height": height or None, "seconds": seconds, "fps": len(analysis.raw_track) / seconds,
                   **{key: analysis.overall[key].mean for key in _METRICS}}
            rows.append(row)
            print(json.dumps(row), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
