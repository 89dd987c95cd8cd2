"""Would a crop that follows the runner speed up pose inference? Bare BlazePose over the demo clip's frames,
the full frame against a crop to the union of the runner's boxes, alternated `--rounds` times.

    python bench/crop.py [--rounds 2] [--out bench/results/crop.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import DEMO, ROOT  # bench/ is not a package: its folder is on sys.path


def _fps(images: list[np.ndarray], config) -> float:
    from stridelens.pose import make_estimator

    estimator = make_estimator("blazepose", config.pose)
    estimator.estimate(images[0])  # model start and first detection are not throughput
    t0 = time.perf_counter()
    for image in images[1:]:
        estimator.estimate(image)
    seconds = time.perf_counter() - t0
    estimator.close()
    return (len(images) - 1) / seconds


def main(argv: list[str] | None = None) -> int:
    from stridelens.config import Config
    from stridelens.io import iter_frames, probe_video
    from stridelens.pose import make_estimator
    from stridelens.pose.video_pass import runner_box

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "crop.json")
    args = p.parse_args(argv)
    config = Config()
    frames = [f.image for f in iter_frames(probe_video(DEMO, config.video), config.video)]
    estimator = make_estimator("blazepose", config.pose)
    boxes = [b for b in (runner_box(estimator.estimate(im).xy_norm) for im in frames) if b is not None]
    estimator.close()
    h, w = frames[0].shape[:2]
    x0, y0 = max(0, int(min(b[0] for b in boxes) * w)), max(0, int(min(b[1] for b in boxes) * h))
    x1, y1 = min(w, int(max(b[2] for b in boxes) * w)), min(h, int(max(b[3] for b in boxes) * h))
    crops = [np.ascontiguousarray(im[y0:y1, x0:x1]) for im in frames]
    result = {"frame_px": [w, h], "crop_px": [x1 - x0, y1 - y0], "full_fps": [], "crop_fps": []}
    for _ in range(args.rounds):
        result["full_fps"].append(_fps(frames, config))
        result["crop_fps"].append(_fps(crops, config))
    print(json.dumps(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
