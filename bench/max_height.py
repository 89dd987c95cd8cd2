"""Accuracy vs speed of down-scaling frames before pose inference (`--max-height`), on the annotated clips.

    python bench/max_height.py [--heights 0 960 720 540 360] [--out bench/results/max_height.json]

For each height: pose throughput (frames/s of the whole analysis) and the event accuracy against the hand
annotations (ICs within 1 and 2 frames, spurious, cadence error), so the default can be chosen on figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
_METRICS = ("cadence_spm", "hip_offset_pct", "trunk_lean_deg", "knee_flexion_mid_deg", "foot_ahead_com_pct",
            "shank_angle_ic_deg", "contact_time_ms")  # clip means compared with the full-size analysis


def main(argv: list[str] | None = None) -> int:
    from stridelens.eval import load_annotation
    from stridelens.eval.run import evaluate_clip
    from stridelens.io import probe_video

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--heights", nargs="*", type=int, default=[0, 960, 720, 540, 360], help="0: no down-scaling")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "max_height.json")
    args = p.parse_args(argv)
    if not (DATA / "annotations").is_dir():
        print(f"needs the annotated clips in {DATA}", file=sys.stderr)
        return 2
    rows = []
    for ann_path in sorted((DATA / "annotations").glob("*.events.json")):
        ann = load_annotation(ann_path)
        options = {"fps": ann.fps * float(ann.slowmo_factor_estimate)} if ann.cadence_is_file_time else {}
        clip_height = probe_video(DATA / "videos" / ann.clip).height_px
        for height in args.heights:
            if height and height >= clip_height:
                continue  # no down-scaling: the same as 0
            analysis, row = measure(DATA / "videos" / ann.clip, height, **options)
            acc = evaluate_clip(ann, analysis)
            row = {"clip": ann.clip, **row,
                   "found_within_1": acc.found_within_1, "found_within_2": acc.found_within_2,
                   "annotated": acc.annotated, "spurious": acc.spurious_within_2,
                   "cadence_error_spm": acc.cadence_error_spm, "ic_p95_frames": acc.ic_error_p95_abs_frames,
                   "foot_strike_agreement": acc.foot_strike_agreement}
            rows.append(row)
            print(json.dumps(row), flush=True)
    write_rows(rows, args.out)
    return 0


def measure(clip: Path, height: int, **options: Any) -> tuple[Any, dict]:
    """Analyse `clip` down-scaled to `height` (0: not at all): the analysis, and a row of its time and
    clip means."""
    import stridelens

    t0 = time.perf_counter()
    analysis = stridelens.analyze(clip, max_height=height or None, workers=1, **options)
    seconds = time.perf_counter() - t0
    return analysis, {"max_height": height or None, "seconds": seconds, "fps": len(analysis.raw_track) / seconds,
                      **{key: analysis.overall[key].mean for key in _METRICS}}


def write_rows(rows: list[dict], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    sys.exit(main())
