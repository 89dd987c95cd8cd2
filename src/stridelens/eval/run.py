"""`python -m stridelens.eval`: run the engine on every annotated clip and report its accuracy.

`python -m stridelens.eval sweep` and `... reliability` run the stress sweep and the reliability study
(`eval/study.py`).

Writes a JSON file of figures (``clips``: annotated videos; ``pose_sources``: other tools' keypoints of an
annotated clip, ``reference_pose/*.pose.json``; ``marker_data``: marker files against force plates and
inverse kinematics, `eval.markers`) and Markdown tables (docs/accuracy.md has the narrative around them).
Slow-motion clips are analysed at the capture rate their annotation estimates (`slowmo_factor_estimate`),
and tolerances are counted in real frames (data README).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .annotations import AnnotatedClip, load_annotation, score_contacts
from .markers import evaluate_marker_file, find_marker_trials
from .markers import markdown_table as marker_table
from .timing import event_timing_effect
from .timing import markdown_table as timing_table

if TYPE_CHECKING:
    from ..pipeline import Analysis

__all__ = ["ClipAccuracy", "evaluate_clip", "main"]


@dataclass(frozen=True)
class ClipAccuracy:
    clip: str
    capture_fps: float
    file_frames_per_real_frame: float
    annotated: int
    found_within_1: int
    found_within_2: int
    spurious_within_2: int
    ic_error_median_frames: float  # real frames, signed detected - annotated
    ic_error_mean_abs_frames: float
    ic_error_p95_abs_frames: float
    ic_error_median_ms: float
    to_error_median_frames: float
    to_error_p95_abs_frames: float
    cadence_spm: float
    cadence_annotated_spm: float
    cadence_error_spm: float
    contact_time_error_median_ms: float
    side_agreement: float
    foot_strike_agreement: float | None


def _p95(x: list[float]) -> float:
    return float(np.percentile(np.abs(x), 95)) if x else math.nan


def evaluate_clip(ann: AnnotatedClip, analysis: Analysis) -> ClipAccuracy:
    capture_fps = analysis.video.capture_fps
    k = capture_fps / ann.fps  # file frames per real frame (1 unless slow motion)
    file_frame_ms = 1000.0 / capture_fps  # real time between two file frames
    contacts = {c.ic_frame: c for c in analysis.contacts}
    steps = {s.ic_frame: s for s in analysis.steps}
    within = {n: score_contacts(list(contacts), ann.ic_frames, int(round(n * k))) for n in (1, 2)}
    s2 = within[2]
    ic_err = [e / k for e in s2.errors_frames]
    to_err, ct_err, side_ok, strike_ok = [], [], [], []
    for i, d in s2.matches:
        c = contacts[d]
        to_err.append((c.to_frame - ann.to_frames[i]) / k)
        ct_err.append(((c.to_frame - c.ic_frame) - (ann.to_frames[i] - ann.ic_frames[i])) * file_frame_ms)
        side_ok.append(c.side == ann.sides[i])
        if ann.strikes[i] and d in steps and steps[d].foot_strike:
            strike_ok.append(steps[d].foot_strike == ann.strikes[i])
    truth_cad = ann.real_cadence_spm(capture_fps)
    return ClipAccuracy(
        clip=ann.clip, capture_fps=capture_fps, file_frames_per_real_frame=k, annotated=s2.annotated,
        found_within_1=within[1].found, found_within_2=s2.found, spurious_within_2=s2.spurious,
        ic_error_median_frames=float(np.median(ic_err)) if ic_err else math.nan,
        ic_error_mean_abs_frames=float(np.mean(np.abs(ic_err))) if ic_err else math.nan,
        ic_error_p95_abs_frames=_p95(ic_err), ic_error_median_ms=float(np.median(ic_err)) * k * file_frame_ms
        if ic_err else math.nan,
        to_error_median_frames=float(np.median(to_err)) if to_err else math.nan, to_error_p95_abs_frames=_p95(to_err),
        cadence_spm=float(analysis.cadence_spm), cadence_annotated_spm=truth_cad,
        cadence_error_spm=float(analysis.cadence_spm - truth_cad),
        contact_time_error_median_ms=float(np.median(ct_err)) if ct_err else math.nan,
        side_agreement=float(np.mean(side_ok)) if side_ok else math.nan,
        foot_strike_agreement=float(np.mean(strike_ok)) if strike_ok else None)


def markdown_table(rows: list[ClipAccuracy]) -> str:
    head = ("| clip | fps (capture) | ICs found ≤1 fr | ICs found ≤2 fr | spurious | IC error median (p95 abs) | "
            "TO error median (p95 abs) | cadence (annotated) | contact time error | L/R named right | "
            "foot strike agrees |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for r in rows:
        strike = f"{r.foot_strike_agreement:.0%}" if r.foot_strike_agreement is not None else "-"
        lines.append(
            f"| {r.clip} | {r.capture_fps:.1f} | {r.found_within_1}/{r.annotated} | {r.found_within_2}/{r.annotated} "
            f"| {r.spurious_within_2} | {r.ic_error_median_frames:+.1f} fr ({r.ic_error_p95_abs_frames:.1f}) "
            f"| {r.to_error_median_frames:+.1f} fr ({r.to_error_p95_abs_frames:.1f}) "
            f"| {r.cadence_spm:.2f} ({r.cadence_annotated_spm:.2f}) | {r.contact_time_error_median_ms:+.0f} ms "
            f"| {r.side_agreement:.0%} | {strike} |")
    return head + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    import stridelens

    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("sweep", "reliability"):  # issue #4 studies (eval/study.py)
        from .study import main as study_main

        return study_main(argv)
    root = Path(__file__).resolve().parents[3]
    p = argparse.ArgumentParser(prog="python -m stridelens.eval", description=__doc__)
    p.add_argument("--data", default=str(root.parent / "shared" / "data"), help="the shared data folder")
    p.add_argument("--out", default="eval-results.json", help="JSON file of the figures")
    p.add_argument("--skip-video", action="store_true",
                   help="only the marker data and other pose sources (no pose model: seconds instead of minutes)")
    args = p.parse_args(argv)
    data = Path(args.data)
    ann_files = sorted((data / "annotations").glob("*.events.json"))
    if not ann_files:
        print(f"no annotated clips under {data / 'annotations'}", file=sys.stderr)
        return 2
    rows, timing = [], {}
    for f in ann_files if not args.skip_video else ():
        ann = load_annotation(f)
        options = {}
        if ann.cadence_is_file_time and ann.slowmo_factor_estimate:
            options["fps_override"] = ann.fps * float(ann.slowmo_factor_estimate)
        analysis = stridelens.analyze(data / "videos" / ann.clip, **options)
        rows.append(evaluate_clip(ann, analysis))
        timing[ann.clip] = event_timing_effect(ann, analysis)
        print(f"{ann.clip}: done", file=sys.stderr)
    pose_rows = _pose_source_rows(data, ann_files)
    marker_rows = [evaluate_marker_file(f) for f in find_marker_trials(data)]
    figures = {"clips": [asdict(r) for r in rows], "pose_sources": [asdict(r) for r in pose_rows],
               "marker_data": [asdict(r) for r in marker_rows],
               "event_timing": {clip: [asdict(e) for e in effects] for clip, effects in timing.items()}}
    Path(args.out).write_text(json.dumps(figures, indent=1), encoding="utf-8")
    if rows:
        print(markdown_table(rows))
        print("Every metric at the detected events minus at the annotated ones (same keypoints):\n")
        print(timing_table(timing))
    if pose_rows:
        print("Other pose sources (keypoint files of an annotated clip):\n")
        print(markdown_table(pose_rows))
    if marker_rows:
        print("Marker data (force-plate events, inverse-kinematics angles):\n")
        print(marker_table(marker_rows))
    return 0


def _pose_source_rows(data: Path, ann_files: list[Path]) -> list[ClipAccuracy]:
    """Another pose tool's keypoints of an annotated clip, scored like the clip.

    ``reference_pose/<name>.<model>.pose.json`` belongs to the annotated clip whose file name starts with
    ``<name>`` (its frames are the clip's frames).
    """
    import stridelens

    annotations = [load_annotation(f) for f in ann_files]
    rows = []
    for pose_file in sorted((data / "reference_pose").glob("*.pose.json")):
        key = pose_file.name.split(".")[0]
        for ann in annotations:
            if Path(ann.clip).stem.startswith(key):
                analysis = stridelens.analyze(pose_file)
                rows.append(replace(evaluate_clip(ann, analysis), clip=f"{pose_file.name} ({ann.clip})"))
    return rows


if __name__ == "__main__":
    sys.exit(main())
