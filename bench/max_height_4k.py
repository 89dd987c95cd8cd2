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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from max_height import measure, write_rows  # bench/ is not a package: its folder is on sys.path
from run import DEMO, ROOT


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
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--heights", nargs="*", type=int, default=[0, 1920, 1280, 1080, 720], help="0: no down-scaling")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "max_height_4k.json")
    args = p.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        clip = upscale(DEMO, Path(tmp) / "demo_4k.mp4")
        for height in args.heights:
            _, row = measure(clip, height)
            rows.append(row)
            print(json.dumps(row), flush=True)
    write_rows(rows, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
