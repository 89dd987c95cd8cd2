"""`python -m stridelens.eval`: run the engine on every annotated clip and report its accuracy.

`python -m stridelens.eval sweep` and `... reliability` run the stress sweep and the reliability study
(`eval/study.py`).

Writes a JSON file of figures (``clips``: annotated videos, per clip, and ``overall``: all of them pooled,
with IC and TO errors as mean / median / 95th percentile in real frames and ms, missed and spurious events,
cadence, contact-time and foot-strike agreement; ``pose_sources``: other tools' keypoints of an annotated
clip, ``reference_pose/*.pose.json``; ``marker_data``: marker files against force plates and inverse
kinematics, `eval.markers`; ``event_timing``: `eval.timing`; ``synthetic``: the synthetic suite, every
METRICS.md metric's error per condition, `eval.sweep`) and rewrites the generated tables of
docs/accuracy.md (`eval.docs`; the narrative around them is written by hand).
Slow-motion clips are analysed at the capture rate their annotation estimates (`slowmo_factor_estimate`),
and tolerances are counted in real frames (data README).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict, astuple, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .annotations import AnnotatedClip, load_annotation, score_contacts
from .docs import add_docs_option, publish
from .markers import angles_table as marker_angles_table
from .markers import evaluate_marker_file, find_marker_trials
from .markers import events_table as marker_events_table
from .timing import event_timing_effect
from .timing import markdown_table as timing_table

if TYPE_CHECKING:
    from ..pipeline import Analysis

__all__ = ["ClipAccuracy", "EventErrors", "EventScore", "MatchedEvents", "OverallAccuracy", "evaluate_clip", "main",
           "markdown_table", "pool_clips"]

REAL_FRAME_NOTE = ("frames are real frames (the slow-motion clip's are 10 file frames, data README); ms are real "
                   "milliseconds")


@dataclass(frozen=True)
class EventErrors:
    """Timing errors of matched events, detected - reference: the signed mean and median and the 95th
    percentile of the absolute error, in real frames and in real milliseconds."""

    n: int
    mean_frames: float
    median_frames: float
    p95_abs_frames: float
    mean_ms: float
    median_ms: float
    p95_abs_ms: float

    @classmethod
    def of(cls, errors_frames: list[float], errors_ms: list[float]) -> EventErrors:
        def stats(x: list[float]) -> tuple[float, float, float]:
            if not x:
                return math.nan, math.nan, math.nan
            return float(np.mean(x)), float(np.median(x)), float(np.percentile(np.abs(x), 95))

        return cls(len(errors_frames), *stats(errors_frames), *stats(errors_ms))


@dataclass(frozen=True)
class EventScore:
    """Stances found, missed and spurious, and the matched stances' errors: of one clip, or of several
    pooled into one distribution (`pool_clips`)."""

    annotated: int
    found_within_1: int
    found_within_2: int
    missed_within_2: int
    spurious_within_2: int
    ic: EventErrors
    to: EventErrors
    contact_time_error_mean_ms: float
    contact_time_error_median_ms: float
    side_agreement: float
    foot_strike_agreement: float | None  # None: no annotated strike class to compare with

    @classmethod
    def of(cls, matched: MatchedEvents, *, annotated: int, found_within_1: int, spurious_within_2: int) -> EventScore:
        m = matched
        found = len(m.ic_errors_frames)
        return cls(annotated=annotated, found_within_1=found_within_1, found_within_2=found,
                   missed_within_2=annotated - found, spurious_within_2=spurious_within_2,
                   ic=EventErrors.of(list(m.ic_errors_frames), list(m.ic_errors_ms)),
                   to=EventErrors.of(list(m.to_errors_frames), list(m.to_errors_ms)),
                   contact_time_error_mean_ms=float(np.mean(m.contact_time_errors_ms)) if found else math.nan,
                   contact_time_error_median_ms=float(np.median(m.contact_time_errors_ms)) if found else math.nan,
                   side_agreement=_mean(m.sides_right),
                   foot_strike_agreement=_mean(m.strikes_agree) if m.strikes_agree else None)


@dataclass(frozen=True)
class MatchedEvents:
    """Per matched stance (in the order of the annotated ones): IC, TO and contact-time errors, detected -
    annotated, in real frames and real ms; whether the foot was named right; whether the strike class agrees
    (stances with an annotated class only)."""

    ic_errors_frames: tuple[float, ...] = ()
    ic_errors_ms: tuple[float, ...] = ()
    to_errors_frames: tuple[float, ...] = ()
    to_errors_ms: tuple[float, ...] = ()
    contact_time_errors_ms: tuple[float, ...] = ()
    sides_right: tuple[bool, ...] = ()
    strikes_agree: tuple[bool, ...] = ()

    def __add__(self, other: MatchedEvents) -> MatchedEvents:
        return MatchedEvents(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass(frozen=True)
class ClipAccuracy:
    """One annotated clip (or another tool's keypoints of it) scored against its annotation."""

    clip: str
    capture_fps: float
    file_frames_per_real_frame: float
    events: EventScore
    cadence_spm: float
    cadence_annotated_spm: float
    cadence_error_spm: float
    matched: MatchedEvents  # kept so that clips can be pooled


@dataclass(frozen=True)
class OverallAccuracy:
    """All annotated clips pooled: counts summed, every matched stance's error in one distribution, the
    cadence error as RMS and largest over the clips."""

    clips: int
    events: EventScore
    cadence_error_rms_spm: float
    cadence_error_max_abs_spm: float


def _mean(x: tuple[bool, ...] | list[bool]) -> float:
    return float(np.mean(x)) if len(x) else math.nan


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
    real_frame_ms = k * file_frame_ms
    matched = MatchedEvents(tuple(ic_err), tuple(e * real_frame_ms for e in ic_err), tuple(to_err),
                            tuple(e * real_frame_ms for e in to_err), tuple(ct_err), tuple(side_ok), tuple(strike_ok))
    truth_cad = ann.real_cadence_spm(capture_fps)
    return ClipAccuracy(
        clip=ann.clip, capture_fps=capture_fps, file_frames_per_real_frame=k,
        events=EventScore.of(matched, annotated=s2.annotated, found_within_1=within[1].found,
                             spurious_within_2=s2.spurious),
        cadence_spm=float(analysis.cadence_spm), cadence_annotated_spm=truth_cad,
        cadence_error_spm=float(analysis.cadence_spm - truth_cad), matched=matched)


def pool_clips(rows: list[ClipAccuracy]) -> OverallAccuracy:
    """The issue's "overall": every clip's stances in one distribution (see `OverallAccuracy`)."""
    cadence = np.array([r.cadence_error_spm for r in rows], dtype=float)
    events = EventScore.of(sum((r.matched for r in rows), MatchedEvents()),
                           annotated=sum(r.events.annotated for r in rows),
                           found_within_1=sum(r.events.found_within_1 for r in rows),
                           spurious_within_2=sum(r.events.spurious_within_2 for r in rows))
    return OverallAccuracy(
        clips=len(rows), events=events,
        cadence_error_rms_spm=float(np.sqrt(np.mean(cadence**2))) if len(cadence) else math.nan,
        cadence_error_max_abs_spm=float(np.max(np.abs(cadence))) if len(cadence) else math.nan)


def _errors(e: EventErrors) -> str:
    return (f"{e.mean_frames:+.2f} / {e.median_frames:+.1f} / {e.p95_abs_frames:.1f} fr; "
            f"{e.mean_ms:+.0f} / {e.median_ms:+.0f} / {e.p95_abs_ms:.0f} ms")


def _row(name: str, fps: str, e: EventScore, cadence: str) -> str:
    strike = f"{e.foot_strike_agreement:.0%}" if e.foot_strike_agreement is not None else "–"
    return (f"| {name} | {fps} | {e.found_within_1}/{e.annotated} | {e.found_within_2}/{e.annotated} "
            f"({e.missed_within_2}) | {e.spurious_within_2} | {_errors(e.ic)} | {_errors(e.to)} | {cadence} "
            f"| {e.contact_time_error_mean_ms:+.0f} / {e.contact_time_error_median_ms:+.0f} ms "
            f"| {e.side_agreement:.0%} | {strike} |")


def markdown_table(rows: list[ClipAccuracy], overall: OverallAccuracy | None = None) -> str:
    """Events per clip (and pooled, when `overall` is given): IC and TO error mean / median / p95 of |error|."""
    head = ("| clip | fps (capture) | ICs found ≤1 fr | ICs found ≤2 fr (missed) | spurious | IC error mean / median / "
            "p95 abs | TO error mean / median / p95 abs | cadence (annotated) | contact time error mean / median | "
            "L/R named right | foot strike agrees |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
    lines = [_row(r.clip, f"{r.capture_fps:.1f}", r.events, f"{r.cadence_spm:.2f} ({r.cadence_annotated_spm:.2f})")
             for r in rows]
    if overall is not None:
        o = overall
        lines.append(_row(f"**all {o.clips} clips**", "", o.events,
                          f"error RMS {o.cadence_error_rms_spm:.2f}, largest {o.cadence_error_max_abs_spm:.2f}"))
    return head + "\n".join(lines) + "\n"


def _synthetic_suite(seeds: int) -> tuple[list, str]:
    """The synthetic sweep (`eval.sweep`, no pose model: every METRICS.md metric's error per condition, for the
    JSON) and the table of the realistic base condition in every metric (for docs/accuracy.md; the sweep's own
    table of every condition is `python -m stridelens.eval sweep`'s)."""
    from .study import markdown_synthetic_metrics
    from .sweep import Condition, SweepGrid, summarise_run, sweep

    grid = SweepGrid(seeds=seeds)
    base = summarise_run(grid, Condition("base", "base"))
    return [base, *sweep(grid)], markdown_synthetic_metrics(base)


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
    add_docs_option(p, "unless --seeds changes the synthetic suite")
    p.add_argument("--skip-video", action="store_true",
                   help="only the marker data and other pose sources (no pose model: seconds instead of minutes)")
    p.add_argument("--skip-synthetic", action="store_true", help="without the synthetic suite")
    p.add_argument("--seeds", type=int, default=6, help="synthetic runners per condition")
    args = p.parse_args(argv)
    data = Path(args.data)
    ann_files = sorted((data / "annotations").glob("*.events.json"))
    if not ann_files:
        print(f"no annotated clips under {data / 'annotations'} (pass --data, the shared data folder): the synthetic "
              "suite only", file=sys.stderr)
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
    overall = pool_clips(rows) if rows else None
    pose_rows = _pose_source_rows(data, ann_files)
    marker_rows = [evaluate_marker_file(f) for f in find_marker_trials(data)]
    synthetic, synthetic_text = ([], "") if args.skip_synthetic else _synthetic_suite(args.seeds)
    figures = {"clips": [asdict(r) for r in rows], "overall": asdict(overall) if overall else None,
               "pose_sources": [asdict(r) for r in pose_rows], "marker_data": [asdict(r) for r in marker_rows],
               "event_timing": {clip: [asdict(e) for e in effects] for clip, effects in timing.items()},
               "synthetic": [asdict(s) for s in synthetic], "units": REAL_FRAME_NOTE}
    Path(args.out).write_text(json.dumps(figures, indent=1), encoding="utf-8")
    blocks = {}
    if rows:
        blocks["eval-clips"] = markdown_table(rows, overall)
        blocks["eval-timing"] = timing_table(timing)
    if pose_rows:
        blocks["eval-pose-sources"] = markdown_table(pose_rows)
    if marker_rows:
        blocks["eval-marker-events"], blocks["eval-marker-angles"] = marker_events_table(marker_rows), \
            marker_angles_table(marker_rows)
    if synthetic_text:
        blocks["eval-synthetic"] = synthetic_text
    for name, text in blocks.items():
        print(f"<!-- {name} -->\n{text}")
    return publish(args.docs, blocks, full_run=args.seeds == 6, figures=args.out)


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
